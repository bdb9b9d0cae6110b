"""Assemble the shipped content for the demo profiles without a database: for tests and for authors.

    ACQS_TESTING=1 .venv/bin/python -m tests.documents.content_support technology-roadmap startup
prints that type's blocks, assembled for the start-up demo client, as plain text.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Stored:
    value: Any
    is_valid: bool = True
    response_id: str | None = None
    revision: int | None = 1


def demo_structure():
    from questionnaires.demo import demo_questionnaire_document
    from questionnaires.interchange import structure_from_document

    return structure_from_document(demo_questionnaire_document())


def profile_facts(profile: str, structure=None):
    """Return the Facts of a demo profile ("startup" or "enterprise") over the demo questionnaire."""
    from documents.facts import Facts
    from questionnaires.expressions import computed_of
    from sessions_app.demo import ENTERPRISE, STARTUP, answer_value

    structure = structure or demo_structure()
    answers_by_key = {"startup": STARTUP, "enterprise": ENTERPRISE}[profile]
    answers = {
        q.id: Stored(answer_value(q, answers_by_key[q.key]), response_id=f"r-{q.key}")
        for q in structure.questions
        if q.key in answers_by_key
    }
    evaluation = structure.engine().evaluate({qid: a.value for qid, a in answers.items()})
    return Facts(
        questions=structure.questions,
        visible=evaluation.visible,
        answers=answers,
        computed=computed_of(structure.metadata),
        extra={"company": answers_by_key["company_legal_name"], "document": "Document"},
    )


def library_specs(slug: str | None = None):
    """Return the shipped recommendations a type draws on (all of them when ``slug`` is None)."""
    from documents.content import RECOMMENDATIONS
    from documents.recommendations import RecommendationSpec

    return [
        RecommendationSpec(
            key=entry["key"],
            title=entry["title"],
            when=entry.get("condition") or None,
            priority=entry.get("priority", 3),
            impact=entry.get("impact", "MEDIUM"),
            effort=entry.get("effort", "MEDIUM"),
            timeframe=entry.get("timeframe", "THIS_YEAR"),
            owner=entry.get("owner_role", ""),
            finding=entry.get("finding", ""),
            rationale=entry.get("rationale", ""),
            risk=entry.get("risk", ""),
        )
        for entry in RECOMMENDATIONS
        if slug is None or not entry.get("document_types") or slug in entry["document_types"]
    ]


def assembled(slug: str, profile: str):
    from documents.blocks import assemble
    from documents.content import BLOCKS

    return assemble(BLOCKS[slug], profile_facts(profile), library_specs(slug))


def as_text(blocks) -> str:
    lines = []
    for block in blocks:
        if block.kind == "heading":
            lines.append(("\n# " if block.level == 1 else "\n## ") + block.title)
            continue
        if block.title:
            lines.append(f"### {block.title}")
        lines.extend(block.paragraphs)
        if block.columns:
            lines.append(" | ".join(block.columns))
        lines.extend(" | ".join(row) for row in block.rows)
        if block.chart is not None:
            chart = block.chart
            lines.append(f"[{chart.kind} chart: {chart.caption}: {chart.labels} {chart.series}]")
        for item in block.items:
            lines.append(
                f"- P{item.priority} {item.title} [{item.impact}/{item.effort}, {item.phase}, {item.owner}]"
                f"\n    finding: {item.finding}\n    rationale: {item.rationale}\n    risk: {item.risk}"
                f"\n    evidence: {item.evidence}"
            )
        if block.source.get("errors"):
            lines.append(f"!! ERRORS: {block.source['errors']}")
    return "\n".join(lines)


def problems() -> list[str]:
    """Return every problem of the shipped content against the demo questionnaire's schema."""
    from documents.blocks import blocks_problems
    from documents.content import BLOCKS
    from documents.facts import merge_schemas, schema_of
    from documents.recommendations import recommendation_problems
    from questionnaires.expressions import computed_of

    structure = demo_structure()
    schema = merge_schemas([schema_of(structure.questions, computed_of(structure.metadata))])
    found = [f"{slug}: {p}" for slug, blocks in BLOCKS.items() for p in blocks_problems(blocks, schema)]
    for spec in library_specs():
        for field, messages in recommendation_problems(spec, schema).items():
            found.extend(f"recommendation {spec.key} {field}: {m}" for m in messages)
    return found


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        print("\n".join(problems()) or "No problems.")
    else:
        print(as_text(assembled(sys.argv[1], sys.argv[2])))
