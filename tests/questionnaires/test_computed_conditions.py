"""A visibility rule may test a computed value by its name, with the operators of a number."""

import copy
import json

import pytest

from questionnaires.analysis import document_analyse
from questionnaires.demo import DEMO_QUESTIONNAIRE_PATH
from questionnaires.interchange import InterchangeError, questionnaire_import, structure_from_document
from questionnaires.rules import ComputedSpec, Engine, QuestionSpec, RuleSpec
from questionnaires.selectors import authoring_questions
from questionnaires.structure import engine_for, structure_load


def _total(answers):
    numbers = [a["number"] for a in answers.values()]
    return sum(numbers) if len(numbers) == 2 else None  # "not available" unless both are there


ENGINE = Engine(
    [
        QuestionSpec("a", "NUMBER"),
        QuestionSpec("b", "NUMBER"),
        QuestionSpec("gate", "SINGLE_CHOICE"),
        QuestionSpec("target", "TEXT"),
    ],
    [
        RuleSpec("r1", "target", {"field": "total", "operator": "gte", "value": 10}, "SHOW", ("target",)),
        RuleSpec("r2", "b", {"field": "gate", "operator": "eq", "value": "closed"}, "HIDE", ("b",)),
    ],
    [ComputedSpec("total", ("a", "b"), _total)],
)


def test_a_rule_shows_a_question_when_a_computed_value_holds():
    shown = ENGINE.evaluate({"a": {"number": 4}, "b": {"number": 7}})
    assert "target" in shown.visible and shown.trace["target"].visibility_rule_id == "r1"
    assert "target" in ENGINE.evaluate({"a": {"number": 4}, "b": {"number": 5}}).hidden


def test_a_hidden_answer_does_not_count_in_a_computed_value():
    answers = {"a": {"number": 4}, "b": {"number": 7}, "gate": {"selectedOptionId": "closed"}}
    evaluation = ENGINE.evaluate(answers)
    assert "b" in evaluation.dormant and "target" in evaluation.hidden  # total is not available
    assert ENGINE.dependencies()["target"] == {"a", "b"}


def test_a_computed_value_that_fails_is_not_available_never_an_error():
    def broken(answers):
        raise ZeroDivisionError

    engine = Engine(
        [QuestionSpec("a", "NUMBER"), QuestionSpec("t", "TEXT")],
        [RuleSpec("r", "t", {"field": "x", "operator": "is_empty"}, "SHOW", ("t",))],
        [ComputedSpec("x", ("a",), broken)],
    )
    assert "t" in engine.evaluate({"a": {"number": 1}}).visible


def _document():
    """The demo questionnaire with a rule on a computed value: ask about the debt plan when the
    engineering maturity score is low."""
    document = json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())
    questions = [q for s in document["sections"] for q in s["questions"]]
    target = next(q for q in questions if q["metadata"]["key"] == "anything_else")
    target["visibility_rules"] = [
        {
            "id": "7a2d3c5e-0f34-4b9a-9f1e-2b8c6d5a4e31",
            "condition": {"field": "maturity_score", "operator": "lte", "value": 2},
            "action": "SHOW",
            "target_question_ids": [target["id"]],
            "priority": 0,
            "is_active": True,
        }
    ]
    return document, target["id"], questions


def _answers(questions, levels):
    matrix = next(q for q in questions if q["metadata"]["key"] == "engineering_maturity")
    ids = {o["value"]: o["id"] for o in matrix["options"]}
    rows = {row["id"]: ids[level] for row, level in zip(matrix["metadata"]["rows"], levels, strict=True)}
    return {matrix["id"]: {"rows": rows}}


def test_a_questionnaire_rule_on_a_computed_value_follows_the_answers_it_reads():
    document, target, questions = _document()
    engine = structure_from_document(copy.deepcopy(document)).engine()
    weak = engine.evaluate(_answers(questions, ["none", "adhoc", "none", "none", "adhoc"]))
    strong = engine.evaluate(_answers(questions, ["optimised"] * 5))
    assert target in weak.visible and target in strong.hidden
    assert target in engine.evaluate({}).hidden  # nothing answered: the score is not available


@pytest.mark.django_db
def test_it_travels_in_the_file_is_offered_by_the_builder_and_the_analysis_makes_no_false_claim():
    document, target, questions = _document()
    questionnaire = questionnaire_import(copy.deepcopy(document))
    structure = structure_load(questionnaire.pk)
    assert target in engine_for(structure).evaluate(_answers(questions, ["none"] * 5)).visible
    offered = {q["id"]: q for q in authoring_questions(structure)}
    assert offered["maturity_score"]["type"] == "NUMBER"
    assert offered["maturity_score"]["section"] == "Computed values"
    findings = document_analyse(copy.deepcopy(document)).findings
    codes = {finding.code for finding in findings}
    false_claims = {"missing_question", "invalid_condition", "condition_never_holds", "never_visible"}
    assert codes.isdisjoint(false_claims)


@pytest.mark.parametrize(
    "leaf, problem",
    [
        (
            {"field": "maturity_score", "operator": "contains", "value": "x"},
            "cannot compare the NUMBER question \"the computed value maturity_score\"",
        ),
        ({"field": "maturity_score", "operator": "gte", "value": "high"}, "'high' is not a number"),
        (
            {"field": "no_such_value", "operator": "gte", "value": 1},
            "is not a question of this questionnaire",
        ),
    ],
)
@pytest.mark.django_db
def test_a_wrong_condition_on_a_computed_value_refuses_the_import(leaf, problem):
    document, _, _ = _document()
    rule = next(
        r
        for s in document["sections"]
        for q in s["questions"]
        for r in q.get("visibility_rules") or ()
        if r["id"] == "7a2d3c5e-0f34-4b9a-9f1e-2b8c6d5a4e31"
    )
    rule["condition"] = leaf
    with pytest.raises(InterchangeError) as refused:
        questionnaire_import(document)
    assert any(problem in p for p in refused.value.problems), refused.value.problems
