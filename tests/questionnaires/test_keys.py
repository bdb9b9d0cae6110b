"""Question keys: readable, unique in a questionnaire, made where missing, kept across versions."""

import copy
import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from questionnaires import services
from questionnaires.analysis import questionnaire_analyse
from questionnaires.demo import DEMO_QUESTIONNAIRE_PATH
from questionnaires.interchange import InterchangeError, questionnaire_export, questionnaire_import
from questionnaires.keys import key_from_text, key_problem, keys_assign
from questionnaires.models import Question
from questionnaires.structure import structure_load
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, SectionFactory
from tests.questionnaires.test_admin_authoring import question_post_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("What is your company's legal name?", "company_legal_name"),
        ("Company’s name", "company_name"),
        ("Numéro de téléphone", "numero_de_telephone"),
        ("2024 revenue", "q_2024_revenue"),
        ("???", "question"),
        ("Do you have CI in place?", "have_ci_in_place"),
    ],
)
def test_a_key_is_made_from_the_text(text, key):
    assert key_from_text(text) == key
    assert key_problem(key) is None


def test_a_made_key_is_short_and_never_one_already_taken():
    long = "How would you rate the maturity of your continuous integration and delivery pipelines today?"
    assert len(key_from_text(long)) <= 40 and not key_from_text(long).endswith("_")
    assert key_from_text("Team size", ["team_size", "team_size_2"]) == "team_size_3"


@pytest.mark.parametrize("key", ["Company", "1st", "with space", "dash-key", "", "é", "a" * 64, 7])
def test_a_malformed_key_is_refused(key):
    assert "lower-case letter" in key_problem(key)


def test_assigning_keeps_valid_unique_keys_and_replaces_the_rest():
    keys = keys_assign(
        [
            ("1", "Team size", {"key": "team_size"}),
            ("2", "Team size", {"key": "team_size"}),  # a repeat
            ("3", "Budget", {"key": "Not A Key"}),
            ("4", "Budget", None),
        ]
    )
    assert keys == {"1": "team_size", "2": "team_size_2", "3": "budget", "4": "budget_2"}


# --- The file format ------------------------------------------------------------------------------


@pytest.fixture
def document():
    return json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())


def _questions(document):
    return [q for s in document["sections"] for q in s["questions"]]


def test_the_demo_questionnaire_names_every_question(document):
    keys = [q["metadata"]["key"] for q in _questions(document)]
    assert len(keys) == len(set(keys))
    assert {"company_legal_name", "technical_debt", "engineering_maturity", "rto_hours"} <= set(keys)


def test_an_import_makes_the_missing_keys_and_an_export_writes_them(document):
    for question in _questions(document):
        question["metadata"].pop("key")
    document["metadata"].pop("computed")  # they read the keys taken away here
    document["metadata"].pop("industryQuestion")  # so does this
    structure = structure_load(questionnaire_import(document).pk)
    keys = [q.key for q in structure.questions]
    assert all(keys) and len(set(keys)) == len(keys)
    by_text = {q.text: q.key for q in structure.questions}
    assert by_text["What is your organization's legal name?"] == "organization_legal_name"
    exported = questionnaire_export(Question.objects.first().section.questionnaire)
    assert {q["metadata"]["key"] for q in _questions(exported)} == set(keys)


@pytest.mark.parametrize(
    ("key", "message"),
    [("Legal Name", "lower-case letter"), ("technical_debt", "is already the key of the question at")],
)
def test_an_import_with_a_bad_key_is_refused_whole(document, key, message):
    document["sections"][0]["questions"][0]["metadata"]["key"] = key
    before = Question.objects.count()
    with pytest.raises(InterchangeError) as refused:
        questionnaire_import(copy.deepcopy(document))
    assert any("metadata.key: " in p and message in p for p in refused.value.problems)
    assert Question.objects.count() == before


# --- Authoring --------------------------------------------------------------------------------------


def test_a_question_added_by_a_service_gets_a_key_unique_in_its_questionnaire():
    section = SectionFactory(questionnaire=QuestionnaireFactory())
    first = services.question_create(section=section, text="Team size", type="NUMBER")
    second = services.question_create(section=section, text="Team size?", type="NUMBER")
    assert (first.metadata["key"], second.metadata["key"]) == ("team_size", "team_size_2")
    with pytest.raises(services.AuthoringError, match="already the key"):
        services.question_create(section=section, text="Other", type="TEXT", metadata={"key": "team_size"})


def test_a_new_version_keeps_the_keys():
    section = SectionFactory(questionnaire=QuestionnaireFactory())
    services.question_create(section=section, text="Team size", type="NUMBER", metadata={"key": "headcount"})
    questionnaire = section.questionnaire
    services.questionnaire_publish(questionnaire=questionnaire, actor=None)
    draft = services.questionnaire_new_version(questionnaire=questionnaire, actor=None)
    assert [q.key for q in structure_load(draft.pk).questions] == ["headcount"]


@pytest.fixture
def own_question(admin_user):
    section = SectionFactory(questionnaire=QuestionnaireFactory(organization=admin_user.organization))
    other = QuestionFactory(section=section, order_index=1, text="Budget", metadata={"key": "budget"})
    question = QuestionFactory(
        section=section, order_index=2, text="Team size", metadata={"key": "team_size"}
    )
    return question, other


def test_the_question_page_shows_and_saves_the_key_apart_from_the_metadata(staff_client, own_question):
    question, _ = own_question
    url = reverse("admin:questionnaires_question_change", args=[question.pk])
    page = staff_client.get(url)
    assert page.context["adminform"].form["key"].value() == "team_size"
    assert "key" not in json.loads(page.context["adminform"].form["metadata"].value())

    response = staff_client.post(url, question_post_data(question, key="headcount", metadata='{"note": "x"}'))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.metadata == {"note": "x", "key": "headcount"}


def test_a_key_already_used_in_the_questionnaire_is_an_error_next_to_the_field(staff_client, own_question):
    question, _ = own_question
    url = reverse("admin:questionnaires_question_change", args=[question.pk])
    response = staff_client.post(url, question_post_data(question, key="budget"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["key"])
    assert "is already the key of the question “Budget”" in errors
    question.refresh_from_db()
    assert question.metadata["key"] == "team_size"


def test_an_emptied_key_is_made_again_from_the_text(staff_client, own_question):
    question, _ = own_question
    url = reverse("admin:questionnaires_question_change", args=[question.pk])
    assert staff_client.post(url, question_post_data(question, key="", text="Head count")).status_code == 302
    question.refresh_from_db()
    assert question.metadata["key"] == "head_count"


# --- Existing questions -------------------------------------------------------------------------------


def test_the_migration_gives_existing_questions_keys_in_display_order():
    section = SectionFactory(questionnaire=QuestionnaireFactory())
    late = QuestionFactory(section=section, order_index=2, text="Team size", metadata={})
    early = QuestionFactory(section=section, order_index=1, text="Team size", metadata={"other": 1})
    kept = QuestionFactory(section=section, order_index=3, text="Anything", metadata={"key": "kept_key"})
    elsewhere = QuestionFactory(text="Team size", metadata={})
    migration = importlib.import_module("questionnaires.migrations.0005_question_keys")
    migration.question_keys_fill(apps, None)
    for question in (late, early, kept, elsewhere):
        question.refresh_from_db()
    assert early.metadata == {"other": 1, "key": "team_size"}
    assert late.metadata["key"] == "team_size_2"
    assert kept.metadata["key"] == "kept_key"
    assert elsewhere.metadata["key"] == "team_size"  # unique within its own questionnaire


def test_two_questions_with_one_key_are_an_error_that_stops_publishing():
    section = SectionFactory(questionnaire=QuestionnaireFactory())
    QuestionFactory(section=section, order_index=1, text="Budget", metadata={"key": "budget"})
    second = QuestionFactory(section=section, order_index=2, text="Spend", metadata={"key": "budget"})
    analysis = questionnaire_analyse(section.questionnaire)
    found = [f for f in analysis.errors if "already the key" in f.message]
    assert found and str(second.pk) in found[0].question_ids
    with pytest.raises(services.PublishRefused):
        services.questionnaire_publish(questionnaire=section.questionnaire, actor=None)
