"""Document content as blocks: conditions in the rule engine's language, templates, recommendations,
the shipped content for the two demo clients, and the generated files with their provenance."""

import io

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from documents import services
from documents.blocks import assemble, blocks_problems
from documents.facts import merge_schemas, schema_of
from documents.models import Document, DocumentStatus
from documents.recommendations import RecommendationSpec, recommendation_problems
from questionnaires.expressions import computed_of
from tests.documents.content_support import (
    Stored,
    assembled,
    demo_structure,
    problems,
    profile_facts,
)
from tests.documents.test_generation import pdf_text, stored


@pytest.fixture(scope="module")
def structure():
    return demo_structure()


@pytest.fixture(scope="module")
def schema(structure):
    return merge_schemas([schema_of(structure.questions, computed_of(structure.metadata))])


def _facts_with(structure, profile, **changes):
    """The demo profile's facts with some answers changed, by key (human values as the profile writes)."""
    from sessions_app.demo import answer_value

    facts = profile_facts(profile, structure)
    answers = dict(facts.answers)
    for key, value in changes.items():
        question = next(q for q in structure.questions if q.key == key)
        answers[question.id] = Stored(answer_value(question, value))
    from documents.facts import Facts

    return Facts(
        questions=structure.questions,
        visible=facts.visible | {q.id for q in structure.questions if q.key in changes},
        answers=answers,
        computed=computed_of(structure.metadata),
        extra=facts.extra,
    )


# ----------------------------------------------------------------- conditions


def test_conditions_read_keys_matrix_rows_computed_values_and_option_values(structure):
    startup, enterprise = profile_facts("startup", structure), profile_facts("enterprise", structure)
    ci_weak = {"field": "engineering_maturity.ci", "operator": "in", "value": ["none", "adhoc"]}
    assert startup.holds(ci_weak) and not enterprise.holds(ci_weak)
    assert startup.holds({"field": "hosting", "operator": "eq", "value": "aws"})
    assert enterprise.holds({"field": "maturity_score", "operator": "gte", "value": 4})
    assert not startup.holds({"field": "maturity_score", "operator": "gte", "value": 4})
    both = {"logicalOp": "OR", "nested": [ci_weak, {"field": "technical_debt", "operator": "lt", "value": 4}]}
    assert startup.holds(both) and enterprise.holds(both)
    assert startup.holds(None) and startup.holds({})


def test_a_hidden_answer_counts_as_missing(structure):
    facts = profile_facts("startup", structure)
    hosting = next(q for q in structure.questions if q.key == "hosting")
    hidden = replace_visible(facts, facts.visible - {hosting.id})
    assert not hidden.holds({"field": "hosting", "operator": "is_not_empty"})
    assert hidden.context()["hosting"] is None


def replace_visible(facts, visible):
    from documents.facts import Facts

    return Facts(
        questions=demo_structure().questions,
        visible=visible,
        answers=facts.answers,
        computed=computed_of(demo_structure().metadata),
    )


def test_bad_conditions_and_templates_are_named_with_their_block(schema):
    found = blocks_problems(
        [
            {"kind": "text", "template": "{{ no_such_key }}"},
            {"kind": "text", "template": "{% if x %}"},
            {
                "kind": "heading",
                "text": "Ok",
                "when": {"field": "hosting", "operator": "eq", "value": "mars"},
            },
            {"kind": "chart", "chart": "pie", "key": "engineering_maturity"},
            {"kind": "answers", "keys": ["hosting", "nope"]},
            {"kind": "table", "columns": ["A", "B"], "rows": [["only one"]]},
            {"kind": "text", "template": "{% macro m() %}{% endmacro %}"},
            {"kind": "unknown"},
            {
                "kind": "heading",
                "text": "x",
                "when": {"field": "technical_debt", "operator": "contains", "value": 3},
            },
        ],
        schema,
    )
    assert found == [
        "Block 1 (text): “no_such_key” is not a question key or computed value.",
        "Block 2 (text): Line 1: Unexpected end of template. Jinja was looking for the following tags: "
        "'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
        "Block 3 (heading): condition: hosting has no option 'mars' "
        "(its values: aws, azure, gcp, hybrid, multi, onprem).",
        "Block 4 (chart): “chart” is one of bar, radar, line.",
        "Block 5 (answers): “nope” is not a question key.",
        "Block 6 (table): row 1 must have 2 cells, one per column.",
        "Block 7 (text): Templates may not use macros.",
        "Block 8 (unknown): “unknown” is not a kind of block "
        "(heading, text, answers, table, chart, findings, recommendations, risks, roadmap).",
        "Block 9 (heading): condition: “contains” does not apply to technical_debt (scale).",
    ]


def test_the_shipped_content_has_no_problem_against_the_demo_questionnaire():
    assert problems() == []


def test_a_recommendation_is_checked_field_by_field(schema):
    spec = RecommendationSpec(
        key="k",
        title="T",
        when={"field": "nope", "operator": "eq", "value": 1},
        finding="{{ technical_debt|nofilter }}",
        timeframe="SOMEDAY",
    )
    assert recommendation_problems(spec, schema) == {
        "condition": ["“nope” is not a question key, matrix row or computed value."],
        "finding": ["There is no filter “nofilter”."],
        "timeframe": ["The timeframe is one of NOW, NEXT_QUARTER, THIS_YEAR, NEXT_YEAR."],
    }


# ----------------------------------------------------------------- recommendations and blocks


def test_recommendations_are_included_when_their_condition_holds_in_priority_order(structure):
    facts = profile_facts("startup", structure)
    library = [
        RecommendationSpec("later", "Later", priority=3, impact="LOW", timeframe="NEXT_YEAR"),
        RecommendationSpec(
            "ci",
            "Add CI",
            when={"field": "engineering_maturity.ci", "operator": "eq", "value": "none"},
            priority=1,
            timeframe="NOW",
            finding="CI is {{ engineering_maturity.ci|lower }}.",
            risk="Regressions.",
        ),
        RecommendationSpec("never", "Never", when={"field": "hosting", "operator": "eq", "value": "gcp"}),
    ]
    blocks = assemble(
        [
            {"kind": "findings", "limit": 1},
            {"kind": "recommendations"},
            {"kind": "risks"},
            {"kind": "roadmap"},
        ],
        facts,
        library,
    )
    findings, table, risks, roadmap = blocks
    assert [i.key for i in findings.items] == ["ci"]
    assert findings.items[0].finding == "CI is not in place."
    assert findings.items[0].evidence == (
        ("How mature is each of these engineering practices? — Continuous integration", "Not in place"),
    )
    assert [i.key for i in table.items] == ["ci", "later"]
    assert [i.key for i in risks.items] == ["ci"]  # only those naming a risk
    assert roadmap.chart.kind == "timeline" and roadmap.chart.labels == ("Add CI", "Later")
    assert roadmap.chart.spans == ((0, 0), (3, 3))
    assert findings.source["recommendations"][0]["recommendation"] == "ci"
    assert findings.source["recommendations"][0]["condition"] == "engineering_maturity.ci is Not in place"


def test_blocks_with_failing_conditions_and_headings_left_alone_are_dropped(structure):
    facts = profile_facts("enterprise", structure)
    blocks = assemble(
        [
            {"kind": "heading", "text": "Gaps"},
            {
                "kind": "text",
                "template": "CI missing",
                "when": {"field": "engineering_maturity.ci", "operator": "eq", "value": "none"},
            },
            {"kind": "heading", "text": "Figures"},
            {"kind": "text", "template": "Budget {{ technology_budget|money }}; {{ anything_else }}."},
        ],
        facts,
    )
    assert [(b.kind, b.title or b.paragraphs) for b in blocks] == [
        ("heading", "Figures"),
        ("text", ("Budget US$38,000,000; not available.",)),
    ]
    assert [q["key"] for q in blocks[1].source["questions"]] == ["anything_else", "technology_budget"]
    assert blocks[1].source["template"].startswith("#4:")


def test_a_line_chart_and_a_projection_table_come_from_computed_values(structure):
    facts = profile_facts("startup", structure)
    chart, table = assemble(
        [
            {
                "kind": "chart",
                "chart": "line",
                "caption": "Revenue",
                "unit": "US$",
                "labels": ["Today", "Year 1"],
                "series": [{"label": "Revenue", "values": ["revenue_now", "revenue_year1"]}],
            },
            {
                "kind": "table",
                "columns": ["Year", "Revenue"],
                "rows": [["Year 1", "{{ revenue_year1|money }}"]],
            },
        ],
        facts,
    )
    assert chart.chart.series == (("Revenue", (500000, 1250000)),)
    assert table.rows == (("Year 1", "US$1,250,000"),)
    assert {c["name"] for c in table.source["computed"]} >= {"revenue_year1", "revenue_now", "growth_rate"}


# ----------------------------------------------------------------- the two demo clients


def _text(blocks) -> str:
    parts = []
    for block in blocks:
        parts.extend([block.title, *block.paragraphs, *(" ".join(row) for row in block.rows)])
        parts.extend(f"{i.title} {i.finding} {i.rationale}" for i in block.items)
    return "\n".join(parts)


def test_the_two_roadmaps_differ_in_scores_findings_and_initiatives():
    startup, enterprise = (
        assembled("technology-roadmap", "startup"),
        assembled("technology-roadmap", "enterprise"),
    )
    s, e = _text(startup), _text(enterprise)
    assert "15 out of 100" in s and "Fragile" in s
    assert "78 out of 100" in e and "Strong" in e
    findings = {b.kind: b for b in startup}["findings"], {b.kind: b for b in enterprise}["findings"]
    assert findings[0].items[0].title == "Introduce continuous integration on every repository"
    assert {i.key for i in findings[0].items}.isdisjoint({i.key for i in findings[1].items})
    roadmaps = [next(b for b in blocks if b.kind == "roadmap") for blocks in (startup, enterprise)]
    assert roadmaps[0].chart.labels != roadmaps[1].chart.labels
    radars = [next(b for b in blocks if b.kind == "chart") for blocks in (startup, enterprise)]
    assert radars[0].chart.series != radars[1].chart.series
    assert "not available" not in s and "not available" not in e


def test_the_recovery_plan_flags_answers_that_contradict_each_other(structure):
    from documents.content import BLOCKS
    from tests.documents.content_support import library_specs

    facts = _facts_with(
        structure,
        "startup",
        backup_strategy="Snapshots every night; restores tested quarterly.",
        recovery_confidence=2,
    )
    text = _text(assemble(BLOCKS["disaster-recovery-plan"], facts, library_specs("disaster-recovery-plan")))
    assert "The answers disagree: restores are described as tested" in text
    assert "Contradictions to resolve" in text
    calm = _text(assembled("disaster-recovery-plan", "enterprise"))
    assert "The answers disagree" not in calm and "Contradictions to resolve" not in calm


def test_the_recovery_plan_has_objectives_roles_a_runbook_and_a_test_plan():
    text = _text(assembled("disaster-recovery-plan", "enterprise"))
    for expected in (
        "Recovery time objective (RTO) 2 hours",
        "Recovery point objective (RPO) Minutes",
        "Incident lead Dr Amara Okafor, Chief Technology Officer",
        "3. Restore Fail traffic over to the secondary cloud",
        "72 minutes",
        "Regional or provider failover game day Yearly",
    ):
        assert expected in text


# ----------------------------------------------------------------- generated files


@pytest.fixture
def seeded(db, media_root):
    call_command("seed_demo", stdout=io.StringIO())
    return {u.email: u for u in User.objects.filter(email__endswith="@demo.example")}


def _generated(user, slug, fmt):
    document = Document.objects.get(session__user=user, document_type__slug=slug, format=fmt, version=1)
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING_REVIEW
    return document


def test_the_roadmap_pdf_carries_the_analysis_its_charts_as_svg_and_its_provenance(seeded, client):
    document = _generated(seeded["startup@demo.example"], "technology-roadmap", "PDF")
    payload = stored(document)
    text = pdf_text(payload)
    for expected in (
        "Executive summary",
        "The three most important findings",
        "Phased roadmap",
        "Risks",
        "Introduce continuous integration on every repository",
        "Appendix: the client’s answers",
    ):
        assert expected in text
    assert payload.count(b"/Subtype /Form") >= 2  # the radar and the timeline, drawn as vectors
    provenance = document.generation_metadata["provenance"]
    assert provenance[0]["kind"] == "heading"
    findings = next(block for block in provenance if block["kind"] == "findings")
    assert findings["recommendations"][0]["questions"][0]["key"] == "engineering_maturity.ci"


def test_the_roadmap_docx_has_headings_tables_and_chart_images(seeded):
    document = _generated(seeded["enterprise@demo.example"], "technology-roadmap", "DOCX")
    word = docx.Document(io.BytesIO(stored(document)))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings[:3] == ["Executive summary", "Where the technology stands", "What drives the plan"]
    descriptions = [shape._inline.docPr.get("descr") for shape in word.inline_shapes]
    assert any(d.startswith("Engineering maturity by practice") for d in descriptions)
    assert any("Extend recovery rehearsals to a full regional failover" in d for d in descriptions)
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert "78 out of 100" in cells


def test_the_reviewer_sees_what_produced_each_block_beside_the_document(seeded):
    from tests.documents.test_views import as_user

    document = _generated(seeded["startup@demo.example"], "disaster-recovery-plan", "PDF")
    reviewer = User.objects.get(email="reviewer@demo.example")
    html = as_user(reviewer).get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "How this document was produced" in html
    assert "Recommendation <code>offsite-backups</code>" in html
    assert "recovery_confidence" in html and "2 out of 5" in html
    assert "Included because: <code>backup_strategy includes same server</code>" in html
