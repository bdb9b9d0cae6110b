"""Document content as data: the ordered blocks a document type declares, assembled for one session.

A type's ``metadata.blocks`` is a list of blocks (docs/documents.md lists every kind and field). Each
may carry ``when``, a condition in the visibility rules' shape (documents/facts.py evaluates it with
the rule engine's code). ``assemble`` turns them, for one session's ``Facts``, into ``Block`` values
that both renderers draw, each with its provenance: the questions, answers and computed values it
read, the recommendation rules it includes and the version of the template it came from.

The findings, recommendations, risks and roadmap blocks lay out the recommendations library
(documents/recommendations.py) entries that hold for the session.

Pure Python: the admin validates with ``blocks_problems`` on save, the worker assembles. Nothing
here raises for a bad block at run time: it is left out and the reason kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from documents.facts import Facts, Field, condition_problems, describe_condition
from documents.recommendations import (
    CONTEXT_NAMES,
    Included,
    RecommendationSpec,
    recommendations_included,
    roadmap_chart_data,
    roadmap_order,
    tidy,
)
from documents.rendering import ChartData
from documents.templating import render_text, template_names, template_problems
from questionnaires.expressions import NOT_AVAILABLE, expression_names, expression_value
from questionnaires.rules import condition_fields

KINDS = ("heading", "text", "answers", "table", "chart", "findings", "recommendations", "risks", "roadmap")
LIBRARY_KINDS = ("findings", "recommendations", "risks", "roadmap")  # laid out from the recommendations
CHART_KINDS = ("bar", "radar", "line")
MAX_BLOCKS = 200
MAX_ROWS = 100


@dataclass(frozen=True)
class Block:
    """One assembled block, as the PDF template and the Word renderer draw it.

    ``kind`` is "heading", "text" (``paragraphs``), "table" (``columns`` and ``rows``), "chart"
    (``chart``), "findings", "recommendations", "risks" (``items``) or "roadmap" (``items`` and the
    timeline ``chart``).
    """

    kind: str
    title: str = ""
    level: int = 1
    paragraphs: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    chart: ChartData | None = None
    items: tuple[Included, ...] = ()
    source: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # A reviewer's amendments (documents/amendments.py): a note printed after the block; ``amended``
    # when the reviewer rewrote its text.
    note: str = ""
    amended: bool = False

    @property
    def words(self) -> int:
        count = len(self.title.split()) + sum(len(p.split()) for p in self.paragraphs)
        count += sum(len(cell.split()) for row in self.rows for cell in row)
        for item in self.items:
            count += sum(len(t.split()) for t in (item.title, item.finding, item.rationale, item.risk))
        return count


def block_version(type_version: str, index: int, raw: Any) -> str:
    """Return a short fingerprint of a block's definition, so provenance names the template used."""
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()[:10]
    return f"{type_version}#{index}:{digest}" if type_version else f"#{index}:{digest}"


def blocks_problems(blocks: Any, schema: Mapping[str, Sequence[Field]]) -> list[str]:
    """Return every problem of a type's blocks, each naming the block ("Block 3 (text): …")."""
    if blocks in (None, []):
        return []
    if not isinstance(blocks, list):
        return ["“blocks” must be a list of blocks."]
    if len(blocks) > MAX_BLOCKS:
        return [f"A document type may have at most {MAX_BLOCKS} blocks."]
    problems = []
    for index, block in enumerate(blocks, start=1):
        kind = block.get("kind") if isinstance(block, Mapping) else None
        where = f"Block {index} ({kind})" if isinstance(kind, str) else f"Block {index}"
        for problem in _block_problems(block, schema):
            problems.append(f"{where}: {problem}")
    return problems


def _block_problems(block: Any, schema: Mapping[str, Sequence[Field]]) -> list[str]:
    if not isinstance(block, Mapping):
        return ["a block must be an object with a “kind”."]
    kind = block.get("kind")
    if kind not in KINDS:
        return [f"“{kind}” is not a kind of block ({', '.join(KINDS)})."]
    names = set(schema) | CONTEXT_NAMES
    problems = [f"condition: {p}" for p in condition_problems(block.get("when"), schema)]
    if kind == "heading" and not str(block.get("text") or "").strip():
        problems.append("a heading needs its “text”.")
    if kind == "text":
        problems.extend(template_problems(block.get("template"), names))
    if kind == "answers":
        keys = block.get("keys")
        if not isinstance(keys, list) or not keys:
            problems.append("“keys” must list the question keys to show.")
        else:
            problems.extend(f"“{k}” is not a question key." for k in keys if k not in schema)
    if kind == "table":
        problems.extend(_table_problems(block, schema))
    if kind == "chart":
        problems.extend(_chart_problems(block, schema))
    limit = block.get("limit", 1)
    if kind in LIBRARY_KINDS and (not isinstance(limit, int) or limit < 1):
        problems.append("“limit” must be a whole number of at least 1.")
    return problems


def _table_problems(block: Mapping[str, Any], schema: Mapping[str, Sequence[Field]]) -> list[str]:
    names = set(schema) | CONTEXT_NAMES
    columns, rows = block.get("columns"), block.get("rows")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        return ["“columns” must list the columns' headings."]
    if not isinstance(rows, list) or not rows or len(rows) > MAX_ROWS:
        return [f"“rows” must list between 1 and {MAX_ROWS} rows."]
    problems = []
    for number, row in enumerate(rows, start=1):
        if isinstance(row, Mapping):  # {"cells": [...], "when": condition}: a row shown when it holds
            wrong = condition_problems(row.get("when"), schema)
            problems.extend(f"row {number}: condition: {p}" for p in wrong)
            row = row.get("cells")
        if not isinstance(row, list) or len(row) != len(columns):
            problems.append(f"row {number} must have {len(columns)} cells, one per column.")
            continue
        for cell in row:
            problems.extend(f"row {number}: {p}" for p in template_problems(cell, names))
    return problems


def _chart_problems(block: Mapping[str, Any], schema: Mapping[str, Sequence[Field]]) -> list[str]:
    chart = block.get("chart")
    if chart not in CHART_KINDS:
        return [f"“chart” is one of {', '.join(CHART_KINDS)}."]
    if "key" in block:
        found = schema.get(block["key"])
        if not found or found[0].type != "MATRIX":
            return [f"“{block['key']}” is not the key of a matrix question."]
        return []
    labels, series = block.get("labels"), block.get("series")
    if not isinstance(labels, list) or not labels:
        return ["a chart needs a matrix question's “key”, or “labels” and “series”."]
    if not isinstance(series, list) or not series:
        return ["“series” must list at least one series of values."]
    problems = []
    for number, each in enumerate(series, start=1):
        values = each.get("values") if isinstance(each, Mapping) else None
        if not isinstance(values, list) or len(values) != len(labels):
            problems.append(f"series {number} must have {len(labels)} values, one per label.")
            continue
        for value in values:
            try:
                unknown = expression_names(str(value)) - set(schema)
            except ValueError as error:
                problems.append(f"series {number}: {error}")
                continue
            problems.extend(f"series {number}: “{name}” is not a key or computed value." for name in unknown)
    return problems


@dataclass
class _Assembly:
    facts: Facts
    recommendations: tuple[tuple[Included, dict], ...]
    type_version: str
    context: dict = field(default_factory=dict)
    charts: int = 0

    def chart_key(self) -> str:
        """Return the next chart's name within the document."""
        self.charts += 1
        return f"block-{self.charts}"


def assemble(
    blocks: Sequence[Any],
    facts: Facts,
    recommendations: Sequence[RecommendationSpec] = (),
    *,
    type_version: str = "",
    context: dict | None = None,
) -> tuple[Block, ...]:
    """Return the blocks whose conditions hold, rendered for these facts, each with its provenance.

    ``context``, when given, is filled with what the templates read (answers, computed values and the
    included recommendations), for a caller that renders more from it (an uploaded Word template).
    """
    context = {} if context is None else context
    context.update(facts.context())
    included = recommendations_included(facts, recommendations, context)
    context["recommendations"] = [item for item, _ in included]
    state = _Assembly(facts, included, type_version, context)
    assembled = []
    for index, raw in enumerate(blocks if isinstance(blocks, list | tuple) else (), start=1):
        if not isinstance(raw, Mapping) or not facts.holds(raw.get("when")):
            continue
        block = _assemble_one(raw, state)
        if block is None:
            continue
        source = {
            "block": index,
            "kind": block.kind,
            "title": block.title,
            "template": block_version(type_version, index, raw),
            **block.source,
        }
        if raw.get("when"):
            source["condition"] = describe_condition(raw["when"], facts.schema)
        excerpt = block.paragraphs[0] if block.paragraphs else " · ".join(block.rows[0]) if block.rows else ""
        if excerpt and not block.title:
            source["excerpt"] = excerpt if len(excerpt) <= 90 else excerpt[:89].rstrip() + "…"
        assembled.append(replace(block, source=source))
    return _without_orphan_headings(assembled)


def _without_orphan_headings(blocks: list[Block]) -> tuple[Block, ...]:
    """Drop a heading that nothing follows before the next heading of its level or above."""
    kept = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            following = next(iter(blocks[index + 1 :]), None)
            if following is None or (following.kind == "heading" and following.level <= block.level):
                continue
        kept.append(block)
    return tuple(kept)


def _assemble_one(raw: Mapping[str, Any], state: _Assembly) -> Block | None:
    kind = raw.get("kind")
    title = str(raw.get("title") or "")
    if kind == "heading":
        level = 2 if raw.get("level") == 2 else 1
        return Block("heading", title=str(raw.get("text") or ""), level=level)
    if kind == "text":
        return _text_block(raw, state)
    if kind == "answers":
        return _answers_block(raw, state, title)
    if kind == "table":
        return _table_block(raw, state, title)
    if kind == "chart":
        return _chart_block(raw, state)
    if kind in LIBRARY_KINDS:
        return _library_block(kind, raw, state, title)
    return None


def _text_block(raw: Mapping[str, Any], state: _Assembly) -> Block | None:
    source = str(raw.get("template") or "")
    text, error = render_text(source, state.context)
    paragraphs = tuple(p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip())
    provenance = state.facts.sources(sorted(template_names(source)))
    if error:
        provenance["errors"] = [error]
    if not paragraphs:
        return None
    paragraphs = tuple(tidy(" ".join(line.strip() for line in p.splitlines())) for p in paragraphs)
    return Block("text", paragraphs=paragraphs, source=provenance)


def _answers_block(raw: Mapping[str, Any], state: _Assembly, title: str) -> Block | None:
    keys = [k for k in raw.get("keys") or () if isinstance(k, str)]
    rows = []
    for key in keys:
        answer = state.facts.answer_text(key)
        found = state.facts.schema.get(key)
        if answer and found is not None:
            labels = raw.get("labels") if isinstance(raw.get("labels"), Mapping) else {}
            label = labels.get(key) or found.question.text
            rows.append((str(label), answer))
    if not rows:
        return None
    columns = tuple(raw.get("columns") or ("Question", "Answer"))[:2]
    return Block("table", title=title, columns=columns, rows=tuple(rows), source=state.facts.sources(keys))


def _table_block(raw: Mapping[str, Any], state: _Assembly, title: str) -> Block | None:
    columns = tuple(str(c) for c in raw.get("columns") or ())
    rows, names, errors = [], set(), []
    for row in raw.get("rows") or ():
        if isinstance(row, Mapping):
            if not state.facts.holds(row.get("when")):
                continue
            names |= condition_fields(row.get("when"))
            row = row.get("cells")
        if not isinstance(row, list) or len(row) != len(columns):
            continue
        cells = []
        for cell in row:
            text, error = render_text(str(cell), state.context)
            names |= template_names(str(cell))
            cells.append(text)
            if error:
                errors.append(error)
        rows.append(tuple(cells))
    if not rows:
        return None
    provenance = state.facts.sources(sorted(names))
    if errors:
        provenance["errors"] = errors
    return Block("table", title=title, columns=columns, rows=tuple(rows), source=provenance)


def matrix_chart_data(
    facts: Facts, name: str, *, key: str, kind: str = "radar", caption: str = "", context=None
) -> ChartData | None:
    """Return the levels a matrix answer reached, as a chart's figures (None when unanswered)."""
    found = facts.schema.get(name)
    context = context if context is not None else facts.context()
    matrix = context.get(name) if found is not None and found.type == "MATRIX" else None
    if not matrix:
        return None
    return ChartData(
        key=key,
        kind=kind,
        caption=caption or str(found.question.text),
        labels=tuple(matrix.labels.get(row, row) for row in found.rows if row in matrix),
        series=(("", tuple(float(matrix[row].position) for row in found.rows if row in matrix)),),
        scale=tuple(str(o.get("label") or o.get("value")) for o in found.options),
    )


def _chart_block(raw: Mapping[str, Any], state: _Assembly) -> Block | None:
    caption = str(raw.get("caption") or "")
    kind = str(raw.get("chart") or "bar")
    if "key" in raw:
        data = matrix_chart_data(
            state.facts, raw["key"], key=state.chart_key(), kind=kind, caption=caption, context=state.context
        )
        if data is None:
            return None
        scale = data.scale
        levels = data.series[0][1]
        rows = tuple((label, scale[int(level) - 1]) for label, level in zip(data.labels, levels, strict=True))
        return Block(
            "chart",
            chart=data,
            columns=("Area", "Level"),
            rows=rows,
            source=state.facts.sources([raw["key"]]),
        )
    labels = tuple(str(label) for label in raw.get("labels") or ())
    names = {**state.facts.values, **state.facts.computed}
    series, reads = [], set()
    for each in raw.get("series") or ():
        if not isinstance(each, Mapping):
            continue
        values = []
        for expression in each.get("values") or ():
            value = expression_value(str(expression), names)
            values.append(None if value is NOT_AVAILABLE or not isinstance(value, int | float) else value)
            with contextlib.suppress(ValueError):  # a broken expression reads nothing
                reads |= expression_names(str(expression))
        series.append((str(each.get("label") or ""), tuple(values)))
    if not labels or not any(v is not None for _, values in series for v in values):
        return None
    data = ChartData(
        key=state.chart_key(),
        kind=kind,
        caption=caption,
        labels=labels,
        series=tuple(series),
        unit=str(raw.get("unit") or ""),
    )
    return Block("chart", chart=data, source=state.facts.sources(sorted(reads)))


def _library_block(kind: str, raw: Mapping[str, Any], state: _Assembly, title: str) -> Block | None:
    chosen = list(state.recommendations)
    if kind == "risks":
        chosen = [(item, source) for item, source in chosen if item.risk]
    limit = raw.get("limit")
    if isinstance(limit, int) and limit > 0:
        chosen = chosen[:limit]
    if not chosen:
        return None
    items = tuple(item for item, _ in chosen)
    provenance = {"recommendations": [source for _, source in chosen]}
    chart = None
    if kind == "roadmap":
        items = roadmap_order(items)
        caption = str(raw.get("caption") or "The roadmap's initiatives by phase")
        chart = roadmap_chart_data(items, key=state.chart_key(), caption=caption)
    return Block(kind, title=title, items=items, chart=chart, source=provenance)
