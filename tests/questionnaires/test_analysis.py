"""The analysis of a questionnaire's rule graph finds each kind of authoring mistake, and none in the demo."""

import uuid

import pytest

from questionnaires.analysis import ERROR, WARNING, document_analyse, questionnaire_analyse
from questionnaires.demo import demo_questionnaire_document
from questionnaires.interchange import questionnaire_import
from tests.questionnaires.builders import Draft
from tests.questionnaires.factories import QuestionFactory, VisibilityRuleFactory

pytestmark = pytest.mark.django_db


def _only(analysis, code):
    found = [f for f in analysis.findings if f.code == code]
    assert found, f"no {code} finding in {[f.code for f in analysis.findings]}"
    return found


def test_a_sound_questionnaire_has_no_finding():
    draft = Draft()
    draft.rule(
        targets=[draft.text], condition={"field": str(draft.choice.id), "operator": "eq", "value": draft.yes}
    )
    draft.rule(
        owner=draft.text,
        targets=[draft.extra],
        condition={"field": str(draft.text.id), "operator": "is_not_empty"},
    )
    analysis = draft.analyse()
    assert analysis.findings == ()
    assert analysis.ok


def test_the_demo_questionnaire_has_no_finding():
    analysis = document_analyse(demo_questionnaire_document())
    assert analysis.findings == (), [f.message for f in analysis.findings]


def test_the_stored_demo_questionnaire_has_no_finding():
    questionnaire = questionnaire_import(demo_questionnaire_document())
    assert questionnaire_analyse(questionnaire).findings == ()


def test_a_reference_to_a_missing_question_is_an_error():
    draft = Draft()
    ghost = str(uuid.uuid4())
    rule = draft.rule(targets=[draft.text], condition={"field": ghost, "operator": "is_not_empty"})
    (finding,) = _only(draft.analyse(), "missing_question")
    assert finding.severity == ERROR
    assert ghost in finding.message and "does not exist" in finding.message
    assert finding.rule_ids == (str(rule.id),)


def test_a_target_that_does_not_exist_is_an_error():
    draft = Draft()
    rule = VisibilityRuleFactory(
        question=draft.choice,
        condition={"field": str(draft.choice.id), "operator": "is_not_empty"},
        target_question_ids=[uuid.uuid4()],
    )
    (finding,) = _only(draft.analyse(), "missing_question")
    assert "targets a question that does not exist" in finding.message
    assert finding.rule_ids == (str(rule.id),)


def test_a_reference_to_another_questionnaires_question_names_it():
    draft = Draft()
    other = QuestionFactory(text="Question of elsewhere", section__questionnaire__name="Elsewhere")
    draft.rule(targets=[draft.text], condition={"field": str(other.id), "operator": "is_not_empty"})
    VisibilityRuleFactory(
        question=draft.choice,
        condition={"field": str(draft.choice.id), "operator": "is_not_empty"},
        target_question_ids=[other.id],
    )
    findings = _only(draft.analyse(), "foreign_question")
    assert len(findings) == 2
    assert all(f.severity == ERROR for f in findings)
    assert all(
        '"Question of elsewhere" of another questionnaire ("Elsewhere" v1)' in f.message for f in findings
    )


def test_a_cycle_is_an_error_with_its_path_in_question_texts():
    draft = Draft()
    first = draft.rule(
        owner=draft.text,
        targets=[draft.text],
        condition={"field": str(draft.extra.id), "operator": "is_not_empty"},
    )
    second = draft.rule(
        owner=draft.extra,
        targets=[draft.extra],
        condition={"field": str(draft.text.id), "operator": "is_not_empty"},
    )
    (finding,) = _only(draft.analyse(), "cycle")
    assert finding.severity == ERROR
    assert set(finding.path) == {"Product name", "Tell us more"}
    assert len(finding.path) == 3 and finding.path[0] == finding.path[-1]
    assert set(finding.rule_ids) == {str(first.id), str(second.id)}
    assert "form a cycle" in finding.message


def test_a_question_that_reads_its_own_answer_is_a_cycle():
    draft = Draft()
    draft.rule(
        owner=draft.text,
        targets=[draft.text],
        condition={"field": str(draft.text.id), "operator": "is_empty"},
    )
    (finding,) = _only(draft.analyse(), "cycle")
    assert finding.path == ("Product name", "Product name")
    assert "its own answer" in finding.message


def test_comparing_with_an_option_that_does_not_exist_is_an_error_and_hides_the_target_for_good():
    draft = Draft()
    ghost_option = str(uuid.uuid4())
    rule = draft.rule(
        targets=[draft.text],
        condition={"field": str(draft.choice.id), "operator": "eq", "value": ghost_option},
    )
    analysis = draft.analyse()
    (finding,) = _only(analysis, "unknown_option")
    assert finding.severity == ERROR and finding.rule_ids == (str(rule.id),)
    assert "is not an option of" in finding.message and "the condition can never hold" in finding.message
    (never,) = _only(analysis, "never_visible")
    assert never.severity == WARNING and never.question_ids == (str(draft.text.id),)
    assert "can never hold" in never.message


def test_a_number_outside_the_questions_bounds_never_holds():
    draft = Draft()
    rule = draft.rule(
        owner=draft.number,
        targets=[draft.text],
        condition={"field": str(draft.number.id), "operator": "gt", "value": 70},
    )
    analysis = draft.analyse()
    (finding,) = _only(analysis, "condition_never_holds")
    assert finding.severity == WARNING and finding.rule_ids == (str(rule.id),)
    assert 'no answer "How many employees?" accepts (from 1 to 50) is greater than 70' in finding.message
    assert analysis.ok  # warnings do not block publishing
    assert str(draft.text.id) in analysis.never_visible


def test_contradictory_parts_of_a_condition_never_hold():
    draft = Draft()
    number = str(draft.number.id)
    draft.rule(
        owner=draft.number,
        targets=[draft.text],
        condition={
            "logicalOp": "AND",
            "nested": [
                {"field": number, "operator": "gt", "value": 30},
                {"field": number, "operator": "lt", "value": 10},
            ],
        },
    )
    (finding,) = _only(draft.analyse(), "condition_never_holds")
    assert "its parts can never hold at the same time" in finding.message


def test_a_question_shown_only_by_a_hidden_question_can_never_be_visible():
    draft = Draft()
    # "Product name" is shown only when the employee count is out of range: never. "Tell us more"
    # is shown only when "Product name" is answered, which a hidden question never is.
    draft.rule(
        owner=draft.number,
        targets=[draft.text],
        condition={"field": str(draft.number.id), "operator": "lt", "value": 0},
    )
    draft.rule(
        owner=draft.text,
        targets=[draft.extra],
        condition={"field": str(draft.text.id), "operator": "is_not_empty"},
    )
    analysis = draft.analyse()
    never = {f.question_ids[0]: f for f in _only(analysis, "never_visible")}
    assert set(never) == {str(draft.text.id), str(draft.extra.id)}
    assert '"Product name", which can never be visible' in never[str(draft.extra.id)].message


def test_a_hide_rule_that_always_holds_makes_a_question_never_visible():
    draft = Draft()
    draft.rule(
        owner=draft.number,
        targets=[draft.text],
        condition={"field": str(draft.number.id), "operator": "gt", "value": 99},
    )
    # "Tell us more" is hidden whenever "Product name" is empty, and that one is never answered.
    draft.rule(
        owner=draft.text,
        action="HIDE",
        targets=[draft.extra],
        condition={"field": str(draft.text.id), "operator": "is_empty"},
    )
    never = {f.question_ids[0]: f.message for f in _only(draft.analyse(), "never_visible")}
    assert "holds whatever the answers" in never[str(draft.extra.id)]


def test_require_on_a_question_that_can_never_be_visible_is_reported():
    draft = Draft()
    draft.rule(
        owner=draft.number,
        targets=[draft.text],
        condition={"field": str(draft.number.id), "operator": "gt", "value": 99},
    )
    rule = draft.rule(
        action="REQUIRE",
        targets=[draft.text],
        condition={"field": str(draft.choice.id), "operator": "eq", "value": draft.yes},
    )
    (finding,) = _only(draft.analyse(), "require_never_visible")
    assert finding.severity == WARNING and finding.rule_ids == (str(rule.id),)
    assert "a hidden question is never required" in finding.message


def test_show_and_hide_at_equal_priority_are_reported_only_when_they_can_meet():
    draft = Draft()
    choice = str(draft.choice.id)
    show = draft.rule(
        targets=[draft.text], condition={"field": choice, "operator": "eq", "value": draft.yes}, priority=2
    )
    hide = draft.rule(
        owner=draft.number,
        action="HIDE",
        targets=[draft.text],
        condition={"field": str(draft.number.id), "operator": "gt", "value": 10},
        priority=2,
    )
    (finding,) = _only(draft.analyse(), "show_hide_tie")
    assert finding.severity == WARNING
    assert set(finding.rule_ids) == {str(show.id), str(hide.id)}
    assert "HIDE wins" in finding.message

    # Rules that can never hold at the same time never meet: no tie to report.
    hide.condition = {"field": choice, "operator": "eq", "value": draft.choice.options[1]["id"]}
    hide.save()
    assert "show_hide_tie" not in draft.analyse().codes()


def test_invalid_question_data_is_an_error_pinned_to_the_question():
    draft = Draft()
    draft.number.validation_rules = {"min": 10, "max": 1}
    draft.number.save()
    (finding,) = _only(draft.analyse(), "invalid_question")
    assert finding.question_ids == (str(draft.number.id),)
    assert finding.message == 'Question "How many employees?": validation_rules: min 10 is greater than max 1'


def test_an_operator_that_does_not_fit_the_question_is_an_error():
    draft = Draft()
    draft.rule(targets=[draft.text], condition={"field": str(draft.choice.id), "operator": "gt", "value": 3})
    (finding,) = _only(draft.analyse(), "invalid_condition")
    assert "cannot compare the SINGLE_CHOICE question" in finding.message


def test_inactive_rules_are_not_evaluated():
    draft = Draft()
    rule = draft.rule(
        owner=draft.number,
        targets=[draft.text],
        condition={"field": str(draft.number.id), "operator": "gt", "value": 99},
    )
    rule.is_active = False
    rule.save()
    assert draft.analyse().findings == ()
