"""Authoring in the admin: nested pages, pickers, checks pinned to fields, order, import, export, history."""

import io
import json
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from questionnaires.interchange import questionnaire_export
from questionnaires.interchange_checks import questionnaire_validate
from questionnaires.keys import key_problem
from questionnaires.models import Question, Questionnaire, Section, VisibilityRule
from tests.questionnaires.admin_posts import question_post_data, with_rule_forms
from tests.questionnaires.builders import Draft

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:questionnaires_{obj._meta.model_name}_change", args=[obj.pk])


def errors_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- The nested pages --------------------------------------------------------------------------


def test_an_admin_creates_a_draft_questionnaire_with_its_sections(staff_client, admin_user):
    data = {
        "name": "Retail readiness",
        "industry": "retail",
        "is_active": "on",
        "metadata": "{}",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-order_index": "2",
        "sections-0-name": "Stores",
        "sections-1-order_index": "1",
        "sections-1-name": "Company",
    }
    response = staff_client.post(reverse("admin:questionnaires_questionnaire_add"), data)
    assert response.status_code == 302, errors_of(response)
    questionnaire = Questionnaire.objects.get(name="Retail readiness")
    assert questionnaire.published_at is None and questionnaire.version == 1
    assert questionnaire.created_by == admin_user
    assert list(questionnaire.sections.order_by("order_index").values_list("name", flat=True)) == [
        "Company",
        "Stores",
    ]


def test_the_questionnaire_page_shows_sections_questions_and_their_rules_in_words(staff_client, draft):
    page = staff_client.get(change_url(draft.questionnaire))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Draft version 1" in html
    for text in ("Only section", "Do you have a product?", "How many employees?", "Product name"):
        assert text in html
    # In display order, with the rule that decides "Product name" in words.
    assert (
        html.index("Do you have a product?") < html.index("How many employees?") < html.index("Tell us more")
    )
    assert "SHOW &quot;Product name&quot; when &quot;Do you have a product?&quot; is &quot;Yes&quot;" in html
    assert "No problems found" in html
    assert reverse("admin:questionnaires_questionnaire_publish", args=[draft.questionnaire.pk]) in html


def test_the_analysis_on_the_questionnaire_page_lists_errors_and_warnings(staff_client, draft):
    draft.rule(
        owner=draft.text,
        targets=[draft.text],
        condition={"field": str(draft.text.id), "operator": "is_not_empty"},
    )
    html = errors_of(staff_client.get(change_url(draft.questionnaire)))
    assert "1 error" in html and 'data-code="cycle"' in html
    assert "Errors block publishing; warnings do not." in html


def test_a_sections_page_lists_its_questions_in_order_editable_in_place(staff_client, draft):
    page = staff_client.get(change_url(draft.section))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="questions-0-order_index"' in html and 'name="questions-0-text"' in html
    assert html.index("Do you have a product?") < html.index("Product name")
    assert f"?section={draft.section.pk}" in html  # "Add a question to this section"


def test_reordering_questions_by_order_index_on_the_sections_page(staff_client, draft):
    questions = list(draft.section.questions.order_by("order_index"))
    data = {
        "name": draft.section.name,
        "description": "",
        "order_index": "1",
        "icon": "",
        "estimated_time": "",
        "metadata": "{}",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for position, question in enumerate(reversed(questions)):
        data.update(
            {
                f"questions-{position}-id": str(question.pk),
                f"questions-{position}-section": str(draft.section.pk),
                f"questions-{position}-order_index": str(position + 1),
                f"questions-{position}-text": question.text,
                f"questions-{position}-type": question.type,
            }
        )
    response = staff_client.post(change_url(draft.section), data)
    assert response.status_code == 302, errors_of(response)
    assert list(draft.section.questions.order_by("order_index").values_list("pk", flat=True)) == [
        q.pk for q in reversed(questions)
    ]
    draft.choice.refresh_from_db()
    assert draft.choice.options and len(draft.choice.options) == 2  # the inline never touches options


def test_dragging_a_question_into_another_section_saves_the_new_order(staff_client, draft):
    second = Section.objects.create(questionnaire=draft.questionnaire, name="Second", order_index=2)
    url = reverse("admin:questionnaires_questionnaire_reorder", args=[draft.questionnaire.pk])
    order = {
        str(draft.section.pk): [str(draft.number.pk), str(draft.choice.pk), str(draft.extra.pk)],
        str(second.pk): [str(draft.text.pk)],
    }
    response = staff_client.post(url, json.dumps({"questions": order}), content_type="application/json")
    assert response.json() == {"ok": True}
    draft.text.refresh_from_db()
    assert draft.text.section_id == second.pk and draft.text.order_index == 1
    assert list(draft.section.questions.order_by("order_index").values_list("text", flat=True)) == [
        "How many employees?",
        "Do you have a product?",
        "Tell us more",
    ]
    refused = staff_client.post(
        url, json.dumps({"questions": {str(second.pk): [str(uuid.uuid4())]}}), content_type="application/json"
    )
    assert refused.status_code == 409


# --- Adding a question and a rule, with pickers -----------------------------------------------------


def test_adding_a_question_generates_its_option_ids(staff_client, draft):
    add = reverse("admin:questionnaires_question_add")
    form = staff_client.get(add, {"section": str(draft.section.pk)})
    assert form.status_code == 200
    assert 'value="5"' in form.content.decode()  # the next order index of the section
    data = {
        "section": str(draft.section.pk),
        "text": "Which plan are you on?",
        "type": "SINGLE_CHOICE",
        "order_index": "5",
        "metadata": "{}",
        "options-id": ["", ""],
        "options-label": ["Basic", "Premium"],
        "options-value": ["basic", ""],
        "options-description": ["", "All features"],
        "options-exclusive": ["", ""],
        "_continue": "1",
    }
    response = staff_client.post(add, data)
    assert response.status_code == 302, errors_of(response)
    question = Question.objects.get(text="Which plan are you on?")
    assert [o["label"] for o in question.options] == ["Basic", "Premium"]
    assert all(uuid.UUID(o["id"]).version == 4 for o in question.options)
    assert question.options[0]["value"] == "basic" and "value" not in question.options[1]
    assert question.options[1]["description"] == "All features"


def test_the_rule_pickers_offer_the_questionnaires_questions_by_text_and_operators_by_type(
    staff_client, draft
):
    page = staff_client.get(change_url(draft.choice))
    html = page.content.decode()
    assert page.status_code == 200
    data = json.loads(
        re.search(r'<script id="authoring-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert [q["text"] for q in data["questions"]] == [
        "Do you have a product?",
        "How many employees?",
        "Product name",
        "Tell us more",
    ]
    assert data["owner"] == str(draft.choice.pk)
    assert "gt" in data["operators"]["NUMBER"] and "gt" not in data["operators"]["SINGLE_CHOICE"]
    assert data["operators"]["FILE_UPLOAD"] == ["is_empty", "is_not_empty"]
    choice = next(q for q in data["questions"] if q["id"] == str(draft.choice.pk))
    assert [o["label"] for o in choice["options"]] == ["Yes", "No"]
    # Targets are picked from the questions by their text, grouped by section.
    assert re.search(r"<div><label>Only section</label><div>", html)
    assert re.search(
        rf'<input type="checkbox" name="visibility_rules-0-target_question_ids" value="{draft.text.pk}"'
        rf'[^>]*checked[^>]*>\s*Product name</label>',
        html,
    )


def test_an_admin_adds_a_rule_that_shows_a_question(staff_client, draft):
    condition = {"field": str(draft.number.pk), "operator": "gte", "value": 10}
    data = with_rule_forms(
        question_post_data(draft.number),
        draft.number,
        [
            {
                "action": "SHOW",
                "condition": json.dumps(condition),
                "target_question_ids": [str(draft.extra.pk)],
                "priority": "0",
                "is_active": "on",
            }
        ],
    )
    response = staff_client.post(change_url(draft.number), data)
    assert response.status_code == 302, errors_of(response)
    rule = VisibilityRule.objects.get(question=draft.number)
    assert rule.condition == condition and rule.target_question_ids == [draft.extra.pk]


def test_a_question_saves_with_its_untouched_empty_rule_form(staff_client, draft):
    # The browser posts the page's extra rule form as shown: the action select has no blank choice,
    # so it sends the first action. That form is unchanged, not a rule with its fields missing.
    data = with_rule_forms(
        question_post_data(draft.number, text="How many engineers work on it?"),
        draft.number,
        [{"action": "SHOW", "condition": "", "priority": "0", "is_active": "on", "id": ""}],
    )
    response = staff_client.post(change_url(draft.number), data)
    assert response.status_code == 302, errors_of(response)
    draft.number.refresh_from_db()
    assert draft.number.text == "How many engineers work on it?"
    assert not VisibilityRule.objects.filter(question=draft.number).exists()


@pytest.mark.parametrize(
    ("condition", "field", "message"),
    [
        (
            lambda d: {"field": str(d.choice.pk), "operator": "eq", "value": str(uuid.uuid4())},
            "condition",
            "is not an option of",
        ),
        (
            lambda d: {"field": str(d.choice.pk), "operator": "gt", "value": 3},
            "condition",
            "cannot compare the SINGLE_CHOICE question",
        ),
        (
            lambda d: {"field": str(uuid.uuid4()), "operator": "is_empty"},
            "condition",
            "is not a question of this questionnaire",
        ),
        (
            lambda d: {"field": str(d.number.pk), "operator": "gt", "value": "many"},
            "condition",
            "is not a number",
        ),
        (lambda d: {"field": str(d.number.pk), "operator": "between"}, "condition", "is not one of"),
    ],
    ids=["unknown option", "operator misfit", "unknown question", "not a number", "unknown operator"],
)
def test_a_broken_condition_is_refused_with_the_message_on_the_condition(
    staff_client, draft, condition, field, message
):
    data = with_rule_forms(
        question_post_data(draft.number),
        draft.number,
        [
            {
                "action": "SHOW",
                "condition": json.dumps(condition(draft)),
                "target_question_ids": [str(draft.extra.pk)],
                "priority": "0",
            }
        ],
    )
    response = staff_client.post(change_url(draft.number), data)
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert any(message in error for error in form.errors[field]), form.errors
    assert not VisibilityRule.objects.filter(question=draft.number).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"validation_rules": '{"pattern": "(unclosed"}'},
            "validation_rules",
            "is not a valid regular expression",
        ),
        ({"validation_rules": '{"min": 10, "max": 1}'}, "validation_rules", "min 10 is greater than max 1"),
        ({"validation_rules": '{"minimum": 1}'}, "validation_rules", "Additional properties are not allowed"),
        (
            {"suggested_answer": '{"reason": "no value"}'},
            "suggested_answer",
            "'value' is a required property",
        ),
        (
            {"suggested_answer": json.dumps({"value": {"selectedOptionId": str(uuid.UUID(int=7))}})},
            "suggested_answer",
            "is not an option of the question",
        ),
        (
            {"document_mappings": '[{"section": "x"}]'},
            "document_mappings",
            "'documentType' is a required property",
        ),
        ({"default_value": '{"selectedOptionId": "nope"}'}, "default_value", "is not a valid UUID"),
        ({"options-label": ["Yes", ""], "options-value": ["", "no"]}, "options", "label: must not be empty"),
    ],
    ids=[
        "bad pattern",
        "min above max",
        "unknown key",
        "suggestion without value",
        "suggested option",
        "mapping",
        "default",
        "blank label",
    ],
)
def test_bad_question_data_is_refused_with_the_message_on_its_field(
    staff_client, draft, changes, field, message
):
    response = staff_client.post(change_url(draft.choice), question_post_data(draft.choice, **changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors.get(field, [])), errors


def test_removing_an_option_that_a_rule_compares_with_is_refused(staff_client, draft):
    data = question_post_data(draft.choice)
    for key in ("options-id", "options-label", "options-value", "options-description", "options-exclusive"):
        data[key] = data[key][1:]  # drop "Yes", which the rule showing "Product name" compares with
    response = staff_client.post(change_url(draft.choice), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["options"]
    assert any('Option "Yes" is used by the rule SHOW "Product name"' in e for e in errors), errors


# --- Published versions are read-only -------------------------------------------------------------


def test_a_published_version_cannot_be_edited_in_the_admin(staff_client, draft):
    draft.questionnaire.published_at = timezone.now()
    draft.questionnaire.save()
    page = staff_client.get(change_url(draft.questionnaire))
    html = page.content.decode()
    assert "Published version 1" in html and "read-only" in html
    assert 'name="_save"' not in html
    assert reverse("admin:questionnaires_questionnaire_new_version", args=[draft.questionnaire.pk]) in html
    for obj in (draft.questionnaire, draft.section, draft.choice, draft.choice.visibility_rules.first()):
        assert staff_client.post(change_url(obj), {}).status_code == 403
    response = staff_client.post(change_url(draft.number), question_post_data(draft.number, text="Changed"))
    assert response.status_code == 403
    draft.number.refresh_from_db()
    assert draft.number.text == "How many employees?"
    add = staff_client.post(
        reverse("admin:questionnaires_question_add"),
        {
            "section": str(draft.section.pk),
            "text": "New",
            "type": "TEXT",
            "order_index": "9",
            "metadata": "{}",
        },
    )
    assert add.status_code == 200 and "Select a valid choice" in add.content.decode()
    reorder = staff_client.post(
        reverse("admin:questionnaires_questionnaire_reorder", args=[draft.questionnaire.pk]),
        json.dumps({"sections": [str(draft.section.pk)]}),
        content_type="application/json",
    )
    assert reorder.status_code == 409


# --- The list, import, export, clone ----------------------------------------------------------------


def test_the_questionnaire_list_shows_versions_status_and_sessions(staff_client, draft, client_a):
    from sessions_app import services as session_services

    draft.questionnaire.published_at = timezone.now()
    draft.questionnaire.save()
    session_services.session_start(user=client_a, questionnaire=draft.questionnaire)
    page = staff_client.get(reverse("admin:questionnaires_questionnaire_changelist"))
    rows = {q.pk: q for q in page.context["cl"].result_list}
    assert rows[draft.questionnaire.pk].session_count == 1
    assert rows[draft.questionnaire.pk].in_progress_count == 1
    html = page.content.decode()
    assert "Published" in html and "In progress" in html
    assert reverse("admin:questionnaires_questionnaire_import") in html


def test_export_downloads_the_interchange_document(staff_client, draft):
    response = staff_client.get(
        reverse("admin:questionnaires_questionnaire_export", args=[draft.questionnaire.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="purpose-built-v1.json"'
    assert json.loads(response.content) == questionnaire_export(draft.questionnaire)


def _upload(document, name="questionnaire.json"):
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = name
    return upload


def test_import_creates_the_questionnaire_from_an_uploaded_file(staff_client, draft, org_a):
    document = questionnaire_export(draft.questionnaire)
    Questionnaire.objects.all().delete()
    url = reverse("admin:questionnaires_questionnaire_import")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"file": _upload(document), "organization": str(org_a.pk)})
    assert response.status_code == 302
    imported = Questionnaire.objects.get()
    exported = questionnaire_export(imported)
    for section in exported["sections"]:
        for question in section["questions"]:
            assert key_problem(question["metadata"].pop("key")) is None  # made on import where missing
    assert imported.organization == org_a and exported == document
    assert AuditLog.objects.filter(event="questionnaire.import", resource_id=imported.pk).exists()


def test_import_reports_the_same_problems_as_the_command_and_writes_nothing(staff_client, draft):
    document = questionnaire_export(draft.questionnaire)
    document["id"] = str(uuid.uuid4())
    for section in document["sections"]:
        section["id"] = str(uuid.uuid4())
        for question in section["questions"]:
            question["visibility_rules"] = []
    document["sections"][0]["questions"][1]["validation_rules"] = {"min": 5, "max": 1}
    before = Questionnaire.objects.count()
    response = staff_client.post(
        reverse("admin:questionnaires_questionnaire_import"), {"file": _upload(document)}
    )
    assert response.status_code == 422
    assert response.context["problems"] == questionnaire_validate(document)
    assert "min 5 is greater than max 1" in response.content.decode()
    assert Questionnaire.objects.count() == before


def test_import_refuses_a_file_that_is_not_a_questionnaire(staff_client):
    response = staff_client.post(
        reverse("admin:questionnaires_questionnaire_import"), {"file": _upload("x", name="notes.json")}
    )
    assert response.status_code == 422
    assert response.context["problems"] == questionnaire_validate("x")
    upload = io.BytesIO(b"{not json")
    upload.name = "broken.json"
    response = staff_client.post(reverse("admin:questionnaires_questionnaire_import"), {"file": upload})
    assert response.status_code == 422
    assert "broken.json: is not valid JSON" in response.context["problems"][0]


def test_clone_copies_a_questionnaire_into_a_new_draft(staff_client, draft):
    url = reverse("admin:questionnaires_questionnaire_clone", args=[draft.questionnaire.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"name": "Purpose-built for retail"})
    clone = Questionnaire.objects.get(name="Purpose-built for retail")
    assert response.status_code == 302 and response["Location"] == change_url(clone)
    assert (
        clone.lineage_id != draft.questionnaire.lineage_id
        and clone.version == 1
        and clone.published_at is None
    )
    rule = VisibilityRule.objects.get(question__section__questionnaire=clone)
    copied = {q.text: q for q in Question.objects.filter(section__questionnaire=clone)}
    assert rule.condition["field"] == str(copied["Do you have a product?"].pk)
    assert rule.target_question_ids == [copied["Product name"].pk]


# --- History and the engine panel ---------------------------------------------------------------------


def test_every_authoring_change_is_in_the_history_with_the_admin_who_made_it(staff_client, admin_user, draft):
    response = staff_client.post(
        change_url(draft.number), question_post_data(draft.number, text="Headcount?")
    )
    assert response.status_code == 302, errors_of(response)
    entry = AuditLog.objects.filter(object_pk=str(draft.number.pk), action=AuditLog.Action.UPDATE).latest(
        "timestamp"
    )
    assert entry.actor == admin_user
    assert entry.changes_dict["text"] == ["How many employees?", "Headcount?"]

    VisibilityRule.objects.filter(question=draft.choice).delete()
    history = staff_client.get(
        reverse("admin:questionnaires_questionnaire_history_full", args=[draft.questionnaire.pk])
    )
    html = history.content.decode()
    assert history.status_code == 200
    assert "Headcount?" in html and "How many employees?" in html and admin_user.email in html
    assert "visibilityrule.delete" in html  # a deleted rule still shows in its questionnaire's history
    per_object = staff_client.get(reverse("admin:questionnaires_question_auditlog", args=[draft.number.pk]))
    assert per_object.status_code == 200 and "Headcount?" in per_object.content.decode()


def test_the_engine_panel_shows_the_visible_and_required_sets_and_the_trace(staff_client, draft):
    url = reverse("admin:questionnaires_questionnaire_engine", args=[draft.questionnaire.pk])
    before = staff_client.get(url)
    assert before.status_code == 200
    assert [q.text for q in before.context["visible"]] == [
        "Do you have a product?",
        "How many employees?",
        "Tell us more",
    ]
    after = staff_client.get(url, {f"q-{draft.choice.pk}": draft.yes, f"q-{draft.number.pk}": "500"})
    assert "Product name" in [q.text for q in after.context["visible"]]
    rows = {row["question"].text: row for row in after.context["rows"]}
    shown = rows["Product name"]["why"][0]  # the deciding rule by its wording (test_admin_names.py)
    assert shown["text"] == "shown by"
    assert shown["rule"] == 'SHOW "Product name" when "Do you have a product?" is "Yes"'
    assert rows["How many employees?"]["errors"] == ("Enter a number no greater than 50.",)


def test_the_questionnaire_and_section_pages_cost_the_same_queries_whatever_their_size(staff_client):
    """The inlines' question and rule counts come with their rows, not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.questionnaires.factories import QuestionFactory, SectionFactory, VisibilityRuleFactory

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    small, large = Draft(), Draft()
    for index in range(6):
        section = SectionFactory(questionnaire=large.questionnaire, order_index=10 + index)
        QuestionFactory(section=section, order_index=1)
    for index in range(6):
        question = QuestionFactory(section=large.section, order_index=10 + index, type="NUMBER")
        VisibilityRuleFactory(
            question=question,
            condition={"field": str(question.id), "operator": "gt", "value": 1},
            target_question_ids=[large.text.id],
        )
    for draft in (small, large):  # warm the caches both pages use
        queries(change_url(draft.questionnaire))
        queries(change_url(draft.section))
    assert queries(change_url(small.questionnaire)) == queries(change_url(large.questionnaire))
    assert queries(change_url(small.section)) == queries(change_url(large.section))
    page = staff_client.get(change_url(large.section)).content.decode()
    assert "edit (1 rule) ›" in page and "(0 rules)" in page
