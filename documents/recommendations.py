"""The recommendations library as documents use it: which entries hold for a session, their texts.

Each entry (documents.Recommendation, or the shipped ones in documents/content/) has a condition in
the blocks' language (documents/facts.py), a priority, impact, effort, timeframe and owner, and
templates for the finding (what the answers show), the rationale and the risk of doing nothing. A
document includes those whose condition holds, ordered by priority, then impact (high first), then
effort (low first); documents/blocks.py lays them out as findings, a table, risks and a roadmap.
Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from documents.facts import Facts, Field, condition_problems, describe_condition
from documents.rendering import ChartData
from documents.templating import render_text, template_names, template_problems
from questionnaires.rules import condition_fields

IMPACTS = ("HIGH", "MEDIUM", "LOW")
EFFORTS = ("LOW", "MEDIUM", "HIGH")
# Short names of the roadmap's phases, for its chart and the tables' "When" column.
PHASES_SHORT = {
    "NOW": "Now",
    "NEXT_QUARTER": "Next quarter",
    "THIS_YEAR": "This year",
    "NEXT_YEAR": "Next year",
}
# The roadmap's phases, in order; a recommendation's timeframe is one of them.
TIMEFRAMES = {
    "NOW": "Now (0–3 months)",
    "NEXT_QUARTER": "Next quarter",
    "THIS_YEAR": "Later this year",
    "NEXT_YEAR": "Next year",
}
# What an author writes of a library entry (documents.Recommendation's columns of the same names).
AUTHORED_FIELDS = (
    "title",
    "condition",
    "priority",
    "impact",
    "effort",
    "timeframe",
    "owner_role",
    "finding",
    "rationale",
    "risk",
)
# Names every template may read besides the answers and computed values (see Facts.extra, assemble).
CONTEXT_NAMES = frozenset({"company", "document", "recommendations"})


def tidy(text: str) -> str:
    """Drop the full stop after a quotation that already ends a sentence: “… tried.”. → “… tried.”"""
    for mark in (".", "?", "!"):
        text = text.replace(f"{mark}”.", f"{mark}”")
    return text


@dataclass(frozen=True)
class RecommendationSpec:
    """One entry of the recommendations library, as rendering needs it."""

    key: str
    title: str
    when: Any = None
    priority: int = 3  # 1 is the most urgent
    impact: str = "MEDIUM"
    effort: str = "MEDIUM"
    timeframe: str = "THIS_YEAR"
    owner: str = ""
    finding: str = ""  # template: what the answers show
    rationale: str = ""  # template: why this recommendation follows
    risk: str = ""  # template: what happens if nothing is done
    version: str = ""

    @property
    def order(self) -> tuple:
        return (self.priority, IMPACTS.index(self.impact), EFFORTS.index(self.effort), self.key)


@dataclass(frozen=True)
class Included:
    """A recommendation whose condition holds for this session, with its texts rendered."""

    key: str
    title: str
    priority: int
    impact: str
    effort: str
    timeframe: str
    owner: str
    finding: str
    rationale: str
    risk: str
    evidence: tuple[tuple[str, str], ...]  # (question, answer in words)

    @property
    def phase(self) -> str:
        return TIMEFRAMES.get(self.timeframe, self.timeframe)

    @property
    def when(self) -> str:
        return PHASES_SHORT.get(self.timeframe, self.timeframe)

    @property
    def impact_label(self) -> str:
        return self.impact.capitalize()

    @property
    def effort_label(self) -> str:
        return self.effort.capitalize()


def recommendation_problems(spec: RecommendationSpec, schema: Mapping[str, Sequence[Field]]) -> dict:
    """Return problems by field name: the condition and each template against the names known."""
    names = set(schema) | CONTEXT_NAMES
    problems: dict[str, list[str]] = {}
    found = condition_problems(spec.when, schema)
    if found:
        problems["condition"] = found
    for name in ("finding", "rationale", "risk"):
        found = template_problems(getattr(spec, name), names) if getattr(spec, name) else []
        if found:
            problems[name] = found
    if spec.impact not in IMPACTS:
        problems["impact"] = [f"Impact is one of {', '.join(IMPACTS)}."]
    if spec.effort not in EFFORTS:
        problems["effort"] = [f"Effort is one of {', '.join(EFFORTS)}."]
    if spec.timeframe not in TIMEFRAMES:
        problems["timeframe"] = [f"The timeframe is one of {', '.join(TIMEFRAMES)}."]
    return problems


def _included(spec: RecommendationSpec, facts: Facts, context: Mapping[str, Any]) -> tuple[Included, dict]:
    texts, errors = {}, []
    for name in ("finding", "rationale", "risk"):
        source = getattr(spec, name)
        text, error = render_text(source, context) if source else ("", None)
        texts[name] = tidy(text)
        if error:
            errors.append(f"{name}: {error}")
    names = set(condition_fields(spec.when))
    for name in ("finding", "rationale", "risk"):
        names |= template_names(getattr(spec, name))
    sources = facts.sources(sorted(names))
    # Evidence is listed with semicolons: an answer's own closing full stop would double them.
    evidence = tuple((q["question"], q["answer"].rstrip(". ")) for q in sources["questions"] if q["answer"])
    included = Included(
        key=spec.key,
        title=spec.title,
        priority=spec.priority,
        impact=spec.impact,
        effort=spec.effort,
        timeframe=spec.timeframe,
        owner=spec.owner,
        evidence=evidence,
        **texts,
    )
    provenance = {"recommendation": spec.key, "title": spec.title, "version": spec.version, **sources}
    if spec.when:
        provenance["condition"] = describe_condition(spec.when, facts.schema)
    if errors:
        provenance["errors"] = errors
    return included, provenance


def recommendations_included(
    facts: Facts, recommendations: Sequence[RecommendationSpec], context: Mapping[str, Any] | None = None
) -> tuple[tuple[Included, dict], ...]:
    """Return the recommendations whose condition holds, in priority order, each with its provenance."""
    context = context if context is not None else facts.context()
    chosen = sorted((r for r in recommendations if facts.holds(r.when)), key=lambda r: r.order)
    return tuple(_included(spec, facts, context) for spec in chosen)


def roadmap_order(items: Sequence[Included]) -> tuple[Included, ...]:
    """Return the included recommendations by phase, then priority: the roadmap's order."""
    order = list(TIMEFRAMES)
    return tuple(sorted(items, key=lambda item: (order.index(item.timeframe), item.priority)))


def roadmap_chart_data(items: Sequence[Included], *, key: str, caption: str) -> ChartData:
    """Return the timeline of a roadmap: each initiative from its phase, two phases when effort is high."""
    order = list(TIMEFRAMES)
    spans = []
    for item in items:
        start = order.index(item.timeframe)
        spans.append((start, min(start + (1 if item.effort == "HIGH" else 0), len(order) - 1)))
    return ChartData(
        key=key,
        kind="timeline",
        caption=caption,
        labels=tuple(item.title for item in items),
        phases=tuple(PHASES_SHORT.values()),
        spans=tuple(spans),
    )
