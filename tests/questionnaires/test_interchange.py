"""The interchange format (export, validation, import) and the cached plain structure of a questionnaire."""

import copy
import json
import logging
import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from audit.models import AuditLog
from questionnaires import structure
from questionnaires.demo import DEMO_QUESTIONNAIRE_PATH
from questionnaires.interchange import (
    InterchangeError,
    questionnaire_export,
    questionnaire_import,
    structure_from_document,
)
from questionnaires.interchange_checks import FORMAT, questionnaire_validate
from questionnaires.models import Question, Questionnaire, QuestionType, RuleAction, Section, VisibilityRule
from questionnaires.structure import connect_signals, engine_for, structure_invalidate, structure_load
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    VisibilityRuleFactory,
    choice_options,
)

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "unix:///nonexistent/acqs-tests/redis.sock",
        "KEY_PREFIX": "acqs-test",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}


@pytest.fixture(autouse=True, scope="module")
def _invalidation_signals():
    connect_signals()


@pytest.fixture
def document():
    return json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())


def locate(document, text):
    """Return (path, question) of the question with this text."""
    for s, section in enumerate(document["sections"]):
        for q, question in enumerate(section["questions"]):
            if question["text"] == text:
                return f"sections[{s}].questions[{q}]", question
    raise AssertionError(f"no question {text!r}")


def option_id(question, label):
    return next(option["id"] for option in question["options"] if option["label"] == label)


def row_counts():
    return (
        Questionnaire.objects.count(),
        Section.objects.count(),
        Question.objects.count(),
        VisibilityRule.objects.count(),
        AuditLog.objects.filter(event="questionnaire.import").count(),
    )


INDUSTRY = "Which industry best describes your organization?"
INDUSTRY_OTHER = "Please describe your industry."
LEGAL_NAME = "What is your organization's legal name?"
WEBSITE = "What is your company website?"
EMPLOYEES = "How many full-time employees do you have?"
TECH_DEBT = "How would you rate the technical debt in your code base?"
PRACTICES = "How mature is each of these engineering practices?"


# --- Round trip -------------------------------------------------------------------------------------


def test_importing_then_exporting_the_demo_file_gives_back_the_same_document(document):
    questionnaire = questionnaire_import(copy.deepcopy(document))
    assert questionnaire_export(questionnaire) == document


def test_export_is_deterministic_and_orders_rules_by_priority(document):
    questionnaire = questionnaire_import(document)
    first = json.dumps(questionnaire_export(questionnaire), indent=2)
    assert first == json.dumps(questionnaire_export(questionnaire), indent=2)
    exported = questionnaire_export(questionnaire)
    for section in exported["sections"]:
        assert [q["order_index"] for q in section["questions"]] == sorted(
            q["order_index"] for q in section["questions"]
        )
        for question in section["questions"]:
            keys = [(-r["priority"], r["id"]) for r in question["visibility_rules"]]
            assert keys == sorted(keys)


def test_export_writes_datetimes_as_iso_8601(document):
    document["published_at"] = "2025-03-01T09:30:00+00:00"
    exported = questionnaire_export(questionnaire_import(document))
    assert exported["published_at"] == "2025-03-01T09:30:00+00:00"
    assert exported["format"] == FORMAT


def test_import_keeps_ids_and_owner_and_is_audited(document, org_a, admin_user):
    questionnaire = questionnaire_import(document, organization=org_a, actor=admin_user)
    assert str(questionnaire.id) == document["id"]
    assert questionnaire.organization == org_a
    assert questionnaire.created_by == admin_user
    path, question = locate(document, INDUSTRY)
    assert Question.objects.get(pk=question["id"]).section.questionnaire == questionnaire
    entry = AuditLog.objects.get(event="questionnaire.import")
    assert entry.actor == admin_user
    assert str(entry.resource_id) == document["id"]
    assert entry.changes["after"]["questions"] == 54
    rules = VisibilityRule.objects.filter(question__section__questionnaire=questionnaire).count()
    assert entry.changes["after"]["visibility_rules"] == rules >= 15


def test_uppercase_ids_are_stored_in_postgresql_spelling_and_rules_still_match(document):
    text = json.dumps(document)
    for section in document["sections"]:
        for question in section["questions"]:
            text = text.replace(question["id"], question["id"].upper())
    questionnaire = questionnaire_import(json.loads(text))
    exported = questionnaire_export(questionnaire)
    assert exported == document
    _, industry = locate(document, INDUSTRY)
    _, other = locate(document, INDUSTRY_OTHER)
    engine = structure_load(questionnaire.id).engine()
    answers = {industry["id"]: {"selectedOptionId": option_id(industry, "Other")}}
    assert other["id"] in engine.evaluate(answers).visible


def test_importing_a_questionnaire_id_that_exists_is_refused_with_advice(document):
    questionnaire_import(copy.deepcopy(document))
    before = row_counts()
    with pytest.raises(InterchangeError) as raised:
        questionnaire_import(document)
    assert raised.value.problems[0] == (
        f"id: questionnaire {document['id']} already exists; export it, or give the document a new id"
    )
    assert row_counts() == before


# --- Validation ---------------------------------------------------------------------------------------


def _rule_path(document, text, position=0):
    path, question = locate(document, text)
    return f"{path}.visibility_rules[{position}]", question["visibility_rules"][position]


def missing_name(document):
    del document["name"]
    return "(root): 'name' is a required property"


def wrong_format(document):
    document["format"] = "something-else/2"
    return "format: 'acqs-questionnaire/1' was expected"


def unknown_question_type(document):
    path, question = locate(document, WEBSITE)
    question["type"] = "SLIDER"
    return f"{path}.type: 'SLIDER' is not one of 'DATE', 'EMAIL', 'FILE_UPLOAD', "


def unknown_rule_action(document):
    path, rule = _rule_path(document, INDUSTRY)
    rule["action"] = "TOGGLE"
    return f"{path}.action: 'TOGGLE' is not one of 'HIDE', 'REQUIRE', 'SHOW', 'UNREQUIRE'"


def duplicate_question_id(document):
    first, website = locate(document, WEBSITE)
    path, question = locate(document, LEGAL_NAME)
    question["id"] = website["id"]
    first, path = sorted([first, path])
    return f"{path}.id: {website['id']} is already the id of the question at {first}"


def duplicate_section_id(document):
    document["sections"][1]["id"] = document["sections"][0]["id"]
    return f"sections[1].id: {document['sections'][0]['id']} is already the id of the section at sections[0]"


def condition_field_not_in_document(document):
    path, rule = _rule_path(document, INDUSTRY)
    stranger = str(uuid.uuid4())
    rule["condition"]["field"] = stranger
    return f"{path}.condition.field: '{stranger}' is not a question of this questionnaire"


def target_not_in_document(document):
    path, rule = _rule_path(document, INDUSTRY)
    stranger = str(uuid.uuid4())
    rule["target_question_ids"] = [stranger]
    return f"{path}.target_question_ids[0]: {stranger} is not a question of this questionnaire"


def option_not_of_the_referenced_question(document):
    path, rule = _rule_path(document, INDUSTRY)
    stranger = str(uuid.uuid4())
    rule["condition"]["value"] = stranger
    return f"{path}.condition.value: '{stranger}' is not an option of \"{INDUSTRY}\""


def option_missing_inside_nested_condition(document):
    path, rule = _rule_path(document, "Which platforms does the product run on?")
    stranger = str(uuid.uuid4())
    rule["condition"]["nested"][1]["value"] = stranger
    return f"{path}.condition.nested[1].value: '{stranger}' is not an option of "


def operator_that_cannot_compare_the_question(document):
    path, rule = _rule_path(document, INDUSTRY)
    rule["condition"]["operator"] = "gt"
    return f"{path}.condition.operator: 'gt' cannot compare the SINGLE_CHOICE question \"{INDUSTRY}\""


def _rule_with_action(document, text, action):
    path, question = locate(document, text)
    position = next(i for i, r in enumerate(question["visibility_rules"]) if r["action"] == action)
    return f"{path}.visibility_rules[{position}]", question["visibility_rules"][position]


def number_compared_with_words(document):
    path, rule = _rule_with_action(document, TECH_DEBT, "SHOW")
    rule["condition"]["value"] = "seven"
    return f"{path}.condition.value: 'seven' is not a number"


def single_value_operator_given_a_list(document):
    path, rule = _rule_with_action(document, TECH_DEBT, "SHOW")
    rule["condition"]["value"] = [7]
    return f"{path}.condition.value: 'gte' compares against one value, not a list"


def date_question_with_a_number_limit(document):
    path, question = locate(document, "When was the company founded?")
    question["validation_rules"]["min"] = 1800
    return f"{path}.validation_rules.min: a DATE question needs a date (YYYY-MM-DD), not 1800"


def min_greater_than_max(document):
    path, question = locate(document, TECH_DEBT)
    question["validation_rules"] = {"min": 10, "max": 1}
    return f"{path}.validation_rules: min 10 is greater than max 1"


def min_length_greater_than_max_length(document):
    path, question = locate(document, LEGAL_NAME)
    question["validation_rules"] = {"minLength": 50, "maxLength": 5}
    return f"{path}.validation_rules: minLength 50 is greater than maxLength 5"


def invalid_regex(document):
    path, question = locate(document, LEGAL_NAME)
    question["validation_rules"] = {"pattern": "([a-z"}
    return f"{path}.validation_rules.pattern: '([a-z' is not a valid regular expression"


def matrix_without_rows(document):
    path, question = locate(document, PRACTICES)
    question["metadata"] = {}
    return f"{path}.metadata.rows: a MATRIX question needs rows"


def matrix_rows_of_the_wrong_shape(document):
    path, question = locate(document, PRACTICES)
    question["metadata"]["rows"][2] = {"id": "code review"}
    return f"{path}.metadata.rows[2]: 'label' is a required property"


def choice_question_without_options(document):
    path, question = locate(document, "Do you have a CTO or head of technology?")
    question["options"] = []
    return f"{path}.options: a SINGLE_CHOICE question needs at least one option"


def option_that_is_not_a_uuid(document):
    path, question = locate(document, INDUSTRY)
    question["options"][0]["id"] = "tech"
    return f"{path}.options[0].id: 'tech' is not a valid UUID"


def default_value_of_the_wrong_shape(document):
    path, question = locate(document, "How fixed is the budget for this work?")
    question["default_value"] = 3
    return f"{path}.default_value: 3 is not of type object"


def nul_character_in_text(document):
    path, question = locate(document, WEBSITE)
    question["help_text"] = "bad\x00byte"
    return f"{path}.help_text: contains a NUL character or an unpaired surrogate"


def order_index_out_of_range(document):
    document["sections"][0]["order_index"] = 2**40
    return "sections[0].order_index: 1099511627776 is greater than the maximum of 2147483647"


def unknown_key(document):
    document["sections"][0]["colour"] = "blue"
    return "sections[0]: Additional properties are not allowed ('colour' was unexpected)"


PROBLEMS = [
    missing_name,
    wrong_format,
    unknown_question_type,
    unknown_rule_action,
    duplicate_question_id,
    duplicate_section_id,
    condition_field_not_in_document,
    target_not_in_document,
    option_not_of_the_referenced_question,
    option_missing_inside_nested_condition,
    operator_that_cannot_compare_the_question,
    number_compared_with_words,
    single_value_operator_given_a_list,
    date_question_with_a_number_limit,
    min_greater_than_max,
    min_length_greater_than_max_length,
    invalid_regex,
    matrix_without_rows,
    matrix_rows_of_the_wrong_shape,
    choice_question_without_options,
    option_that_is_not_a_uuid,
    default_value_of_the_wrong_shape,
    nul_character_in_text,
    order_index_out_of_range,
    unknown_key,
]


@pytest.mark.parametrize("break_document", PROBLEMS, ids=lambda f: f.__name__)
def test_a_broken_document_is_reported_with_its_path_and_nothing_is_written(document, break_document):
    expected = break_document(document)
    problems = questionnaire_validate(document)
    assert any(problem.startswith(expected) for problem in problems), problems
    before = row_counts()
    with pytest.raises(InterchangeError) as raised:
        questionnaire_import(document)
    assert raised.value.problems == problems
    assert row_counts() == before


def test_every_problem_is_reported_at_once(document):
    expected = [breaker(document) for breaker in (missing_name, invalid_regex, target_not_in_document)]
    problems = questionnaire_validate(document)
    for message in expected:
        assert any(problem.startswith(message) for problem in problems), (message, problems)


def test_a_show_hide_cycle_is_reported_with_the_questions_on_its_path(document):
    website_path, website = locate(document, WEBSITE)
    employees_path, employees = locate(document, EMPLOYEES)
    website["visibility_rules"].append(
        {
            "id": str(uuid.uuid4()),
            "condition": {"field": website["id"], "operator": "is_not_empty"},
            "action": "SHOW",
            "target_question_ids": [employees["id"]],
        }
    )
    employees["visibility_rules"].append(
        {
            "id": str(uuid.uuid4()),
            "condition": {"field": employees["id"], "operator": "gt", "value": 1},
            "action": "HIDE",
            "target_question_ids": [website["id"]],
        }
    )
    problems = questionnaire_validate(document)
    cycles = [p for p in problems if "SHOW/HIDE rules form a cycle" in p]
    assert len(cycles) == 1, problems
    if website["id"] < employees["id"]:
        path, first, second = website_path, WEBSITE, EMPLOYEES
    else:
        path, first, second = employees_path, EMPLOYEES, WEBSITE
    assert cycles[0] == (
        f'{path}: SHOW/HIDE rules form a cycle: whether "{first}" is shown depends on "{second}", '
        f'which depends on "{first}"'
    )
    with pytest.raises(InterchangeError):
        questionnaire_import(document)
    assert not Questionnaire.objects.exists()


def test_a_rule_that_reads_its_own_target_is_a_cycle(document):
    path, website = locate(document, WEBSITE)
    website["visibility_rules"].append(
        {
            "id": str(uuid.uuid4()),
            "condition": {"field": website["id"], "operator": "is_empty"},
            "action": "HIDE",
            "target_question_ids": [website["id"]],
        }
    )
    assert f'{path}: SHOW/HIDE rules form a cycle: whether "{WEBSITE}" is shown depends on "{WEBSITE}"' in (
        questionnaire_validate(document)
    )


def test_ids_used_by_another_questionnaire_are_reported_not_crashed_on(document):
    path, website = locate(document, WEBSITE)
    QuestionFactory(id=website["id"])
    SectionFactory(id=document["sections"][2]["id"])
    before = row_counts()
    with pytest.raises(InterchangeError) as raised:
        questionnaire_import(document)
    assert f"{path}.id: {website['id']} already belongs to another questionnaire in the database" in (
        raised.value.problems
    )
    section_id = document["sections"][2]["id"]
    assert (
        f"sections[2].id: {section_id} already belongs to another questionnaire in the database"
        in raised.value.problems
    )
    assert row_counts() == before


def test_a_document_that_is_not_an_object_is_reported():
    assert questionnaire_validate([1, 2]) == ["(root): [1, 2] is not of type object"]
    with pytest.raises(InterchangeError):
        questionnaire_import("text")


def test_a_minimal_document_takes_the_columns_defaults():
    question_id = str(uuid.uuid4())
    document = {
        "format": FORMAT,
        "id": str(uuid.uuid4()),
        "name": "Minimal",
        "sections": [
            {
                "id": str(uuid.uuid4()),
                "name": "Only",
                "order_index": 1,
                "questions": [{"id": question_id, "text": "Name?", "type": "TEXT", "order_index": 1}],
            }
        ],
    }
    assert questionnaire_validate(document) == []
    exported = questionnaire_export(questionnaire_import(document))
    assert exported["version"] == 1 and exported["is_active"] is True and exported["is_default"] is False
    assert exported["metadata"] == {}
    question = exported["sections"][0]["questions"][0]
    assert question["is_required"] is False and question["visibility_rules"] == []


# --- The plain structure and its cache ---------------------------------------------------------------


def build_questionnaire(question_count):
    questionnaire = QuestionnaireFactory()
    sections = [SectionFactory(questionnaire=questionnaire, order_index=i) for i in range(5)]
    questions = []
    for i in range(question_count):
        questions.append(
            QuestionFactory(
                section=sections[i % 5],
                order_index=i,
                type=QuestionType.SINGLE_CHOICE,
                options=choice_options("Yes", "No"),
            )
        )
    for first, second in zip(questions, questions[1:], strict=False):
        VisibilityRuleFactory(
            question=first,
            condition={"field": str(first.id), "operator": "eq", "value": first.options[0]["id"]},
            action=RuleAction.SHOW,
            target_question_ids=[second.id],
        )
    return questionnaire, questions


@pytest.mark.parametrize("question_count", [5, 60])
def test_loading_a_structure_costs_four_queries_whatever_its_size(django_assert_num_queries, question_count):
    questionnaire, questions = build_questionnaire(question_count)
    with django_assert_num_queries(4):
        loaded = structure_load(questionnaire.id)
    assert len(loaded.questions) == question_count
    assert len(loaded.rules) == question_count - 1


def test_a_warm_structure_costs_no_query_from_memory_or_from_redis(django_assert_num_queries):
    questionnaire, _ = build_questionnaire(10)
    cold = structure_load(questionnaire.id)
    with django_assert_num_queries(0):
        assert structure_load(questionnaire.id) is cold
    structure._structures.clear()  # another process: nothing in memory, the entry is in Redis
    with django_assert_num_queries(0):
        assert structure_load(questionnaire.id) == cold


def test_editing_a_question_invalidates_the_cached_structure():
    questionnaire, questions = build_questionnaire(5)
    assert structure_load(questionnaire.id).question(questions[2].id).text == questions[2].text
    question = Question.objects.get(pk=questions[2].pk)
    question.text = "Reworded?"
    question.save()
    assert structure_load(questionnaire.id).question(questions[2].id).text == "Reworded?"


def test_adding_and_deleting_rules_and_questions_invalidates_the_cached_structure():
    questionnaire, questions = build_questionnaire(5)
    assert len(structure_load(questionnaire.id).rules) == 4
    VisibilityRule.objects.filter(question=questions[0]).first().delete()
    assert len(structure_load(questionnaire.id).rules) == 3
    Question.objects.get(pk=questions[4].pk).delete()
    loaded = structure_load(questionnaire.id)
    assert len(loaded.questions) == 4
    section = Section.objects.get(pk=questions[1].section_id)
    section.name = "Renamed section"
    section.save()
    assert structure_load(questionnaire.id).section(section.id).name == "Renamed section"
    section.delete()
    assert len(structure_load(questionnaire.id).sections) == 4
    Questionnaire.objects.get(pk=questionnaire.pk).delete()
    with pytest.raises(Questionnaire.DoesNotExist):
        structure_load(questionnaire.id)


def test_deleting_a_section_does_not_look_up_each_of_its_questions():
    questionnaire, questions = build_questionnaire(60)
    section = Section.objects.get(pk=questions[0].section_id)
    with CaptureQueriesContext(connection) as captured:
        section.delete()
    # The section invalidates its questionnaire once; its questions and rules go with it unasked.
    lookups = [
        q["sql"] for q in captured.captured_queries if 'SELECT "sections"."questionnaire_id"' in q["sql"]
    ]
    assert lookups == []


def test_the_structure_lists_sections_and_questions_in_display_order(document):
    questionnaire = questionnaire_import(document)
    loaded = structure_load(str(questionnaire.id))
    assert [s.name for s in loaded.sections] == [s["name"] for s in document["sections"]]
    assert [q.text for q in loaded.questions] == [
        q["text"] for s in document["sections"] for q in s["questions"]
    ]
    _, industry = locate(document, INDUSTRY)
    assert loaded.question(industry["id"]).options == industry["options"]
    assert {loaded: "structures are hashable"}[loaded]
    # A dry run over the file sees exactly what the database holds.
    assert structure_from_document(document) == loaded


def test_an_unknown_or_malformed_id_is_does_not_exist():
    with pytest.raises(Questionnaire.DoesNotExist):
        structure_load(uuid.uuid4())
    with pytest.raises(Questionnaire.DoesNotExist):
        structure_load("not-a-uuid")


def test_the_engine_is_shared_until_the_questionnaire_changes():
    questionnaire, questions = build_questionnaire(5)
    engine = engine_for(structure_load(questionnaire.id))
    structure._structures.clear()
    assert engine_for(structure_load(questionnaire.id)) is engine
    structure_invalidate(questionnaire.id)
    assert engine_for(structure_load(questionnaire.id)) is not engine


def test_the_engine_of_the_structure_evaluates_its_rules():
    questionnaire, questions = build_questionnaire(3)
    loaded = structure_load(questionnaire.id)
    evaluation = engine_for(loaded).evaluate({})
    assert evaluation.hidden == {str(questions[1].id), str(questions[2].id)}
    yes = {"selectedOptionId": questions[0].options[0]["id"]}
    assert str(questions[1].id) in engine_for(loaded).evaluate({str(questions[0].id): yes}).visible


def test_without_redis_the_structure_still_loads_from_the_database(caplog, django_assert_num_queries):
    questionnaire, questions = build_questionnaire(5)
    structure._structures.clear()
    with override_settings(CACHES=UNREACHABLE_REDIS), caplog.at_level(logging.WARNING):
        with django_assert_num_queries(4):
            loaded = structure_load(questionnaire.id)
        assert len(loaded.questions) == 5
        assert engine_for(loaded).evaluate({}).visible
        # Saving while Redis is down works too; the change shows on the next load.
        Question.objects.filter(pk=questions[0].pk).update(text="Changed while Redis was down?")
        question = Question.objects.get(pk=questions[1].pk)
        question.save()
        assert (
            structure_load(questionnaire.id).question(questions[0].id).text == "Changed while Redis was down?"
        )
    assert "cache unavailable" in caplog.text


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"industryQuestion": "no_such_key"}, "'no_such_key' is not the key of a question"),
        ({"industryQuestion": "company_legal_name"}, "must be a single-choice question"),
        ({"numberQuestions": "yes"}, "metadata.numberQuestions: true or false"),
    ],
)
def test_the_client_page_settings_are_checked_on_import(document, settings, problem):
    document["metadata"].update(settings)
    assert any(problem in found for found in questionnaire_validate(document, check_database=False))


def test_the_demo_names_its_industry_question_and_numbers_its_questions(document):
    assert document["metadata"]["industryQuestion"] == "industry"
    assert not questionnaire_validate(document, check_database=False)
