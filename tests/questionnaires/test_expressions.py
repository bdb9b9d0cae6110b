"""Computed values: evaluation over answers by key, safety, the checks before publishing, authoring."""

import json
import time

import pytest
from django.urls import reverse

from questionnaires.analysis import document_analyse
from questionnaires.demo import DEMO_QUESTIONNAIRE_PATH
from questionnaires.expressions import (
    NOT_AVAILABLE,
    Computed,
    answer_values,
    computed_evaluate,
    computed_problems,
)
from questionnaires.interchange import InterchangeError, questionnaire_export, questionnaire_import
from questionnaires.structure import QuestionData
from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, SectionFactory

VALUES = {
    "cash": 120_000,
    "monthly_burn": 20_000,
    "revenue": 1_000_000,
    "growth": 10,
    "maturity_rows": {"ci": 3, "testing": 4, "review": None},
    "name": "Orbit",
    "nothing": None,
}


def evaluate(expression, values=VALUES, **more):
    return computed_evaluate([Computed("x", expression)], {**values, **more})["x"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cash / monthly_burn", 6),
        ("round(revenue * (1 + growth / 100) ** 3)", 1_331_000),
        ("mean(maturity_rows)", 3.5),  # an unanswered row is skipped
        ('maturity_rows["testing"]', 4),
        ("count(maturity_rows)", 2),
        ("max(cash, monthly_burn, nothing)", 120_000),
        ("if(cash > 100000, 'funded', 'short')", "funded"),
        ("'funded' if cash > 100000 else 'short'", "funded"),
        ("cash > 0 and not nothing", True),
    ],
)
def test_an_expression_reads_answers_by_key(expression, expected):
    assert evaluate(expression) == pytest.approx(expected) if isinstance(expected, float) else expected


@pytest.mark.parametrize(
    "expression",
    [
        "cash / 0",
        "cash + nothing",
        "name * cash * cash",
        "mean(name)",
        'maturity_rows["nope"]',
        "missing + 1",
    ],
)
def test_what_cannot_be_computed_is_not_available_never_an_error(expression):
    assert evaluate(expression) is NOT_AVAILABLE


def test_computed_values_may_read_each_other_in_any_order_but_not_in_a_circle():
    declared = [
        Computed("runway_label", "if(runway < 12, 'short', 'long')"),
        Computed("runway", "cash / monthly_burn"),
        Computed("a", "b + 1"),
        Computed("b", "a + 1"),
        Computed("c", "a * 2"),
    ]
    values = computed_evaluate(declared, VALUES)
    assert (values["runway"], values["runway_label"]) == (6, "short")
    assert values["a"] is values["b"] is values["c"] is NOT_AVAILABLE


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('true')",
        "cash.__class__",
        "(lambda: 1)()",
        "[x for x in 'abc']",
        "open('/etc/passwd')",
        "round(cash, ndigits=2)",
        "getattr(cash, 'real')",
    ],
)
def test_an_expression_cannot_reach_python(expression):
    assert evaluate(expression) is NOT_AVAILABLE
    assert computed_problems([Computed("x", expression)], VALUES)  # and the checks refuse it


def test_an_expression_cannot_run_unbounded():
    started = time.monotonic()
    assert evaluate("9 ** 9 ** 9 ** 9") is NOT_AVAILABLE
    assert evaluate("'a' * 10 ** 9") is NOT_AVAILABLE
    assert time.monotonic() - started < 1
    assert "at most 500 characters" in computed_problems([Computed("x", "1 + " * 200 + "1")], ())[0][2]


def test_the_checks_name_every_mistake():
    problems = computed_problems(
        [
            Computed("Runway", "cash / monthly_burn"),
            Computed("cash", "1"),
            Computed("ok", "cash / unknown_key"),
            Computed("broken", "cash +"),
            Computed("loop", "loop + 1"),
            Computed("ok", "2"),
        ],
        VALUES,
    )
    messages = [(index, field, message) for index, field, message in problems]
    assert (0, "name", "a name is a lower-case letter, then letters, digits and '_'") in messages
    assert (1, "name", "'cash' is already a question's key") in messages
    assert (2, "expression", "unknown key 'unknown_key'") in messages
    assert any(i == 3 and m.startswith("not a valid expression") for i, _, m in messages)
    assert (4, "expression", "'loop' depends on itself through other values") in messages
    assert (5, "name", "'ok' is already taken") in messages


def test_answers_read_as_their_values_and_hidden_ones_as_missing():
    options = [
        {"id": "o1", "label": "Not in place", "value": "none"},
        {"id": "o2", "label": "Defined", "value": "3"},
    ]
    questions = [
        QuestionData(
            id="q1",
            section_id="s",
            text="Stage",
            type="SINGLE_CHOICE",
            options=options,
            metadata={"key": "stage"},
        ),
        QuestionData(
            id="q2",
            section_id="s",
            text="Practices",
            type="MATRIX",
            options=options,
            metadata={"key": "practices", "rows": [{"id": "ci"}, {"id": "tests"}]},
        ),
        QuestionData(id="q3", section_id="s", text="Budget", type="NUMBER", metadata={"key": "budget"}),
    ]
    answers = {
        "q1": {"selectedOptionId": "o1"},
        "q2": {"rows": {"ci": "o1", "tests": "o2"}},
        "q3": {"number": 5},
    }
    values = answer_values(questions, answers, visible={"q1", "q2"})
    assert values["stage"] == "none" and values["practices"] == {"ci": "none", "tests": 3}
    assert values["budget"] is None  # hidden: a dormant answer counts as missing
    computed = computed_evaluate(
        [Computed("level", "mean(rank(practices))"), Computed("first", "rank(stage)")], values
    )
    assert computed == {"level": 1.5, "first": 1}


# --- In the questionnaire ---------------------------------------------------------------------------


@pytest.fixture
def document():
    return json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())


@pytest.mark.django_db
def test_computed_values_travel_in_the_file_and_a_bad_one_refuses_the_import(document):
    document["metadata"]["computed"] = [
        {
            "name": "maturity",
            "expression": "mean(rank(engineering_maturity))",
            "label": "Engineering maturity",
        }
    ]
    assert (
        questionnaire_export(questionnaire_import(json.loads(json.dumps(document))))["metadata"]["computed"]
        == document["metadata"]["computed"]
    )

    document["id"] = "4a3a0a38-4b5e-4a57-8f0e-0d6b1c0f8a11"
    document["metadata"]["computed"] = [{"name": "maturity", "expression": "mean(engineering_maturty)"}]
    with pytest.raises(InterchangeError) as refused:
        questionnaire_import(document)
    assert "metadata.computed[0].expression: unknown key 'engineering_maturty'" in refused.value.problems


def test_the_analysis_finds_a_wrong_type_as_an_error_and_a_possible_zero_divisor_as_a_warning(document):
    document["metadata"]["computed"] = [
        {"name": "maturity", "expression": "mean(engineering_maturity)"},  # texts, not numbers
        {"name": "per_engineer", "expression": "revenue_growth / engineer_count"},
        {"name": "fine", "expression": "mean(rank(engineering_maturity))"},
    ]
    analysis = document_analyse(document)
    errors = [f for f in analysis.errors if f.code == "computed_type"]
    warnings = [f for f in analysis.warnings if f.code == "computed_zero"]
    assert [e.message.split('"')[1] for e in errors] == ["maturity"]
    assert [w.message.split('"')[1] for w in warnings] == ["per_engineer"]


@pytest.mark.django_db
def test_an_author_writes_computed_values_as_lines_and_sees_them_in_the_engine_panel(client, admin_user):
    section = SectionFactory(questionnaire=QuestionnaireFactory(organization=admin_user.organization))
    QuestionFactory(section=section, type="NUMBER", text="Cash", metadata={"key": "cash"})
    QuestionFactory(section=section, order_index=2, type="NUMBER", text="Burn", metadata={"key": "burn"})
    questionnaire = section.questionnaire
    staff = login_with_mfa(client, admin_user)
    url = reverse("admin:questionnaires_questionnaire_change", args=[questionnaire.pk])
    form = staff.get(url).context["adminform"].form
    post = {
        "name": questionnaire.name,
        "metadata": "{}",
        "is_active": "on",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    for name in ("organization",):
        if name in form.fields:
            post[name] = str(admin_user.organization_id)

    bad = staff.post(url, {**post, "computed": "runway = cash / burnn\nthis is not a line"})
    assert bad.status_code == 200
    errors = " ".join(bad.context["adminform"].form.errors["computed"])
    assert (
        "Line 1 (runway, expression): unknown key 'burnn'" in errors
        and "Line 2: write name = expression." in errors
    )

    good = staff.post(url, {**post, "computed": "runway = cash / burn\n\nshort = runway < 12"})
    assert good.status_code == 302, good.context["adminform"].form.errors
    questionnaire.refresh_from_db()
    assert [c["name"] for c in questionnaire.metadata["computed"]] == ["runway", "short"]

    by_key = {q.metadata["key"]: q for q in questionnaire.sections.get().questions.all()}
    cash, burn = by_key["cash"], by_key["burn"]
    panel = staff.get(
        reverse("admin:questionnaires_questionnaire_engine", args=[questionnaire.pk]),
        {f"q-{cash.pk}": "120000", f"q-{burn.pk}": "20000"},
    )
    rows = {row["name"]: row["value"] for row in panel.context["computed"]}
    assert rows == {"runway": "6", "short": "True"}
