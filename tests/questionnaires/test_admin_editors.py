"""The question page without friction: no empty rule, structured editors, the analysis run at save."""

import json
import re

import pytest
from django.urls import reverse

from documents.models import DocumentType
from questionnaires.models import Question, VisibilityRule
from tests.questionnaires.admin_posts import question_post_data, rule_form, with_rule_forms
from tests.questionnaires.factories import QuestionFactory, choice_options

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:questionnaires_{obj._meta.model_name}_change", args=[obj.pk])


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def structured(data: dict, field: str, parts: dict, shown: str = "") -> dict:
    """Post a structured editor as the browser does: its inputs, and its JSON as the page showed it."""
    data.pop(field, None)
    data[field] = shown
    data[f"{field}-shown"] = shown
    for index, value in parts.items():
        data[f"{field}.{index}"] = value
    return data


# --- 1. A question saves untouched; a rule exists only when the author adds one ----------------------


def test_a_question_without_rules_offers_no_empty_rule_and_saves_untouched(staff_client, draft):
    page = staff_client.get(change_url(draft.number))
    html = page.content.decode()
    assert 'name="visibility_rules-TOTAL_FORMS" value="0"' in html
    assert "visibility_rules-0-condition" not in html  # only the template the "Add" button copies

    response = staff_client.post(change_url(draft.number), question_post_data(draft.number))
    assert response.status_code == 302, page_text(response)
    assert not draft.number.visibility_rules.exists()


def test_a_saved_rule_is_headed_by_its_wording(staff_client, draft):
    html = page_text(staff_client.get(change_url(draft.choice)))
    assert 'Visibility rule:</b> <span class="inline_label">SHOW &quot;Product name&quot; when' in html


def test_a_broken_part_of_a_condition_is_named_beside_that_part(staff_client, draft):
    condition = {
        "logicalOp": "AND",
        "nested": [
            {"field": str(draft.choice.id), "operator": "eq", "value": draft.yes},
            {"field": str(draft.number.id), "operator": "gt", "value": "many"},
        ],
    }
    data = with_rule_forms(
        question_post_data(draft.number),
        draft.number,
        [rule_form(condition, draft.extra)],
    )
    response = staff_client.post(change_url(draft.number), data)
    assert response.status_code == 200
    found = re.search(r'data-problems="([^"]*)"', response.content.decode())
    assert found, "the condition's problems are handed to the builder"
    problems = json.loads(found[1].replace("&quot;", '"'))
    assert [p["path"] for p in problems] == [[1]]
    assert "many" in problems[0]["message"]
    assert not VisibilityRule.objects.filter(question=draft.number).exists()


# --- 2. Structured editors -------------------------------------------------------------------------


def test_validation_rules_are_read_from_the_inputs_of_the_question_type(staff_client, draft):
    data = question_post_data(draft.number)
    # Parts 3 and 4 are "Smallest number" and "Largest number"; 8 is a scale's start, not this type's.
    structured(
        data,
        "validation_rules",
        {3: "1", 4: "100000", 8: "5", 16: "Between 1 and 100,000."},
        shown='{"min": 1, "max": 50}',
    )
    response = staff_client.post(change_url(draft.number), data)
    assert response.status_code == 302, page_text(response)
    draft.number.refresh_from_db()
    assert draft.number.validation_rules == {
        "min": 1,
        "max": 100000,
        "customMessage": "Between 1 and 100,000.",
    }


def test_a_wrong_value_in_an_input_is_named_on_the_field_and_nothing_is_saved(staff_client, draft):
    data = question_post_data(draft.number)
    structured(data, "validation_rules", {3: "one", 4: "10"}, shown='{"min": 1, "max": 50}')
    response = staff_client.post(change_url(draft.number), data)
    assert response.status_code == 200
    assert "Smallest number: must be a number" in page_text(response)
    draft.number.refresh_from_db()
    assert draft.number.validation_rules == {"min": 1, "max": 50}


def test_edited_json_wins_over_the_inputs_and_bad_json_lists_the_keys(staff_client, draft):
    data = question_post_data(draft.number)
    structured(data, "validation_rules", {3: "1", 4: "50"}, shown='{"min": 1, "max": 50}')
    data["validation_rules"] = '{"min": 2, "max": 40, "step": 2}'
    assert staff_client.post(change_url(draft.number), data).status_code == 302
    draft.number.refresh_from_db()
    assert draft.number.validation_rules == {"min": 2, "max": 40, "step": 2}

    data["validation_rules-shown"] = '{"min": 2, "max": 40, "step": 2}'
    data["validation_rules"] = "min 1, max 100000"
    response = staff_client.post(change_url(draft.number), data)
    assert response.status_code == 200
    assert "The keys: minLength, maxLength, min, max" in page_text(response)


def test_a_file_question_s_size_is_given_in_megabytes(staff_client, draft):
    upload = QuestionFactory(section=draft.section, order_index=9, type="FILE_UPLOAD", text="Your policy")
    data = question_post_data(upload)
    structured(data, "validation_rules", {14: "2.5", 15: "application/pdf, image/png"})
    assert staff_client.post(change_url(upload), data).status_code == 302
    upload.refresh_from_db()
    assert upload.validation_rules == {
        "maxFileSize": 2621440,
        "allowedTypes": ["application/pdf", "image/png"],
    }
    assert 'value="2.5"' in staff_client.get(change_url(upload)).content.decode()


def test_default_and_suggested_answers_use_the_question_type_s_input(staff_client, draft):
    html = staff_client.get(change_url(draft.choice)).content.decode()
    assert f'<option value="{draft.yes}">Yes</option>' in html  # the choice's own options

    data = question_post_data(draft.choice)
    structured(data, "default_value", {4: draft.yes})
    structured(data, "suggested_answer", {4: draft.yes, 6: "Most clients have one", 7: "0.8"})
    data = with_rule_forms(data, draft.choice, [_existing_rule_form(draft)])
    response = staff_client.post(change_url(draft.choice), data)
    assert response.status_code == 302, page_text(response)
    draft.choice.refresh_from_db()
    assert draft.choice.default_value == {"selectedOptionId": draft.yes}
    assert draft.choice.suggested_answer == {
        "value": {"selectedOptionId": draft.yes},
        "reason": "Most clients have one",
        "confidence": 0.8,
    }


def test_scale_labels_and_matrix_rows_have_inputs_and_other_metadata_is_kept(staff_client, draft):
    matrix = QuestionFactory(
        section=draft.section,
        order_index=8,
        type="MATRIX",
        text="How mature is each practice?",
        options=choice_options("Low", "High"),
        metadata={"rows": [{"id": "ci", "label": "Continuous integration"}], "note": "kept"},
    )
    data = question_post_data(matrix)
    data.pop("metadata")
    shown = json.dumps({"rows": [{"id": "ci", "label": "Continuous integration"}], "note": "kept"})
    structured(data, "metadata", {}, shown=shown)
    data["metadata.2.label"] = ["Continuous integration", "Code review", ""]
    data["metadata.2.description"] = ["", "", ""]
    data["metadata.2.id"] = ["ci", "", ""]
    response = staff_client.post(change_url(matrix), data)
    assert response.status_code == 302, page_text(response)
    matrix.refresh_from_db()
    assert matrix.metadata["rows"] == [
        {"id": "ci", "label": "Continuous integration"},
        {"id": "code_review", "label": "Code review"},
    ]
    assert matrix.metadata["note"] == "kept" and matrix.metadata["key"]

    scale = QuestionFactory(section=draft.section, order_index=7, type="SCALE", text="How confident?")
    data = question_post_data(scale)
    structured(data, "metadata", {0: "Not at all", 1: "Completely"}, shown="")
    assert staff_client.post(change_url(scale), data).status_code == 302
    scale.refresh_from_db()
    assert scale.metadata["minLabel"] == "Not at all" and scale.metadata["maxLabel"] == "Completely"


def test_document_mappings_are_picked_among_document_types_and_their_sections(staff_client, draft):
    DocumentType.objects.create(
        name="Security review",
        slug="security-review",
        category="CTO",
        metadata={"sections": [{"title": "Findings"}, {"title": "Next steps"}]},
    )
    html = staff_client.get(change_url(draft.text)).content.decode()
    assert '<option value="security-review">Security review</option>' in html
    assert '<option value="Next steps" data-document="security-review">' in html

    data = question_post_data(draft.text)
    structured(data, "document_mappings", {}, shown="")
    data["document_mappings.0.documentType"] = ["security-review", ""]
    data["document_mappings.0.section"] = ["Findings", ""]
    data["document_mappings.0.field"] = ["Product", ""]
    assert staff_client.post(change_url(draft.text), data).status_code == 302
    draft.text.refresh_from_db()
    assert draft.text.document_mappings == [
        {"documentType": "security-review", "section": "Findings", "field": "Product"}
    ]


# --- 3. The analysis at save ---------------------------------------------------------------------


def _existing_rule_form(draft) -> dict:
    rule = draft.choice.visibility_rules.get()
    return {
        "action": rule.action,
        "condition": json.dumps(rule.condition),
        "target_question_ids": [str(t) for t in rule.target_question_ids],
        "priority": str(rule.priority),
        "is_active": "on",
    }


def test_a_rule_that_makes_a_cycle_is_refused_with_the_cycle_in_words(staff_client, draft):
    # "Product name" shows on the yes/no question; a rule showing the yes/no question on
    # "Product name" would close the loop.
    condition = {"field": str(draft.text.id), "operator": "is_not_empty"}
    data = with_rule_forms(
        question_post_data(draft.text),
        draft.text,
        [rule_form(condition, draft.choice)],
    )
    response = staff_client.post(change_url(draft.text), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Not saved: SHOW/HIDE rules form a cycle" in text
    assert "Do you have a product?" in text and "Product name" in text
    assert not VisibilityRule.objects.filter(question=draft.text).exists()


def test_a_condition_that_can_never_hold_is_saved_with_a_warning(staff_client, draft):
    # "How many employees?" allows 1 to 50: more than 100 never happens.
    condition = {"field": str(draft.number.id), "operator": "gt", "value": 100}
    data = with_rule_forms(
        question_post_data(draft.number),
        draft.number,
        [rule_form(condition, draft.extra)],
    )
    data.pop("_continue")
    response = staff_client.post(change_url(draft.number), data, follow=True)
    assert response.redirect_chain[-1][0] == change_url(draft.number)  # stays where the warning is about
    assert VisibilityRule.objects.filter(question=draft.number).exists()
    text = page_text(response)
    assert "Warning:" in text and "never" in text


def test_a_problem_the_questionnaire_already_had_does_not_block_other_edits(staff_client, draft):
    draft.rule(
        owner=draft.text,
        targets=[draft.choice],
        condition={"field": str(draft.text.id), "operator": "is_not_empty"},
    )
    response = staff_client.post(
        change_url(draft.number), question_post_data(draft.number, text="How many people work there?")
    )
    assert response.status_code == 302, page_text(response)
    assert Question.objects.get(pk=draft.number.pk).text == "How many people work there?"


def test_the_rule_s_own_page_refuses_a_cycle_too(staff_client, draft):
    loop = draft.rule(
        owner=draft.text,
        targets=[draft.extra],
        condition={"field": str(draft.text.id), "operator": "is_not_empty"},
    )
    data = rule_form({"field": str(draft.text.id), "operator": "is_not_empty"}, draft.choice)
    response = staff_client.post(change_url(loop), data)
    assert response.status_code == 200
    assert "Not saved: SHOW/HIDE rules form a cycle" in page_text(response)
    loop.refresh_from_db()
    assert loop.target_question_ids == [draft.extra.id]


def test_targets_are_check_boxes_named_by_text_and_key(staff_client, draft):
    draft.text.metadata = {"key": "product_name"}
    draft.text.save()
    html = staff_client.get(change_url(draft.choice)).content.decode()
    assert 'type="checkbox" name="visibility_rules-0-target_question_ids"' in html
    assert "Product name (product_name)" in html


def test_narrowing_a_range_that_a_rule_reads_is_saved_with_a_warning(staff_client, draft):
    draft.rule(
        owner=draft.number,
        targets=[draft.extra],
        condition={"field": str(draft.number.id), "operator": "gt", "value": 10},
    )
    data = question_post_data(draft.number, validation_rules='{"min": 1, "max": 5}')
    data = with_rule_forms(
        data,
        draft.number,
        [rule_form({"field": str(draft.number.id), "operator": "gt", "value": 10}, draft.extra)],
    )
    response = staff_client.post(change_url(draft.number), data, follow=True)
    assert response.status_code == 200
    draft.number.refresh_from_db()
    assert draft.number.validation_rules == {"min": 1, "max": 5}
    assert "Warning:" in page_text(response)


# --- What a save must never do: lose, round or crash -----------------------------------------------


def test_a_json_typo_posted_again_is_refused_again_not_saved_as_nothing(staff_client, draft):
    data = question_post_data(draft.number)
    structured(data, "validation_rules", {}, shown='{"min": 1, "max": 50}')
    data["validation_rules"] = '{"min": 1, "max": 50'
    assert staff_client.post(change_url(draft.number), data).status_code == 200
    # The page now shows the typo in the JSON box and as what it showed; posting it again is still a typo.
    data["validation_rules-shown"] = '{"min": 1, "max": 50'
    assert staff_client.post(change_url(draft.number), data).status_code == 200
    draft.number.refresh_from_db()
    assert draft.number.validation_rules == {"min": 1, "max": 50}


def test_an_untouched_save_keeps_what_the_inputs_do_not_show_and_does_not_round(staff_client, draft):
    upload = QuestionFactory(
        section=draft.section,
        order_index=9,
        type="FILE_UPLOAD",
        text="Your policy",
        validation_rules={"maxFileSize": 5000000},
    )
    data = question_post_data(upload)
    structured(data, "validation_rules", {14: "4.76837"}, shown='{"maxFileSize": 5000000}')  # as shown
    assert staff_client.post(change_url(upload), data).status_code == 302
    upload.refresh_from_db()
    assert upload.validation_rules == {"maxFileSize": 5000000}

    matrix = QuestionFactory(
        section=draft.section,
        order_index=8,
        type="MATRIX",
        text="How mature?",
        options=choice_options("Low", "High"),
        metadata={"rows": [{"id": "ci", "label": "CI", "order": 2}, {"id": "cd", "label": "CD", "order": 1}]},
    )
    data = question_post_data(matrix)
    data.pop("metadata")
    structured(data, "metadata", {}, shown=json.dumps({"rows": matrix.metadata["rows"]}))
    data["metadata.2.label"] = ["CI", "CD", ""]
    data["metadata.2.description"] = ["", "", ""]
    data["metadata.2.id"] = ["ci", "cd", ""]
    assert staff_client.post(change_url(matrix), data).status_code == 302
    matrix.refresh_from_db()
    assert matrix.metadata["rows"] == [
        {"id": "ci", "label": "CI", "order": 2},
        {"id": "cd", "label": "CD", "order": 1},
    ]


def test_numbers_too_large_or_answers_not_in_shape_are_messages_not_errors(staff_client, draft):
    upload = QuestionFactory(section=draft.section, order_index=9, type="FILE_UPLOAD", text="Your policy")
    data = question_post_data(upload)
    structured(data, "validation_rules", {14: "1e400"})
    response = staff_client.post(change_url(upload), data)
    assert response.status_code == 200
    assert "Largest file (MB)" in page_text(response)

    draft.text.suggested_answer = {"value": "Acme", "reason": "The usual"}
    draft.text.save()
    data = question_post_data(draft.text)
    structured(
        data,
        "suggested_answer",
        {0: "Acme Ltd", 6: "The usual"},
        shown=json.dumps(draft.text.suggested_answer),
    )
    assert staff_client.post(change_url(draft.text), data).status_code == 302
    draft.text.refresh_from_db()
    assert draft.text.suggested_answer == {"value": {"text": "Acme Ltd"}, "reason": "The usual"}


def test_keys_of_another_type_go_when_the_type_changes(staff_client, draft):
    data = question_post_data(draft.number, type="TEXT")
    structured(data, "validation_rules", {0: "2"}, shown='{"min": 1, "max": 50}')
    assert staff_client.post(change_url(draft.number), data).status_code == 302
    draft.number.refresh_from_db()
    assert draft.number.validation_rules == {"minLength": 2}


def test_renaming_a_question_on_a_cycle_it_already_had_is_not_refused(staff_client, draft):
    loop = {"field": str(draft.text.id), "operator": "is_not_empty"}
    draft.rule(owner=draft.text, targets=[draft.choice], condition=loop)  # the cycle, imported as it is
    data = with_rule_forms(
        question_post_data(draft.text, text="Name of the product"),
        draft.text,
        [rule_form(loop, draft.choice)],
    )
    response = staff_client.post(change_url(draft.text), data)
    assert response.status_code == 302, page_text(response)
    assert Question.objects.get(pk=draft.text.pk).text == "Name of the product"


def test_an_added_rule_left_empty_is_neither_saved_nor_analysed(staff_client, draft):
    data = question_post_data(draft.number)
    data.update(
        {
            "visibility_rules-TOTAL_FORMS": "1",
            "visibility_rules-0-question": str(draft.number.pk),
            "visibility_rules-0-priority": "0",
            "visibility_rules-0-is_active": "on",
        }
    )
    data.pop("_continue")
    response = staff_client.post(change_url(draft.number), data, follow=True)
    assert response.status_code == 200
    assert "Publishing is blocked" not in page_text(response) and "Warning:" not in page_text(response)
    assert not draft.number.visibility_rules.exists()


def test_a_question_another_rule_reads_or_acts_on_cannot_be_deleted(staff_client, draft):
    delete_url = reverse("admin:questionnaires_question_delete", args=[draft.text.pk])
    page = page_text(staff_client.get(delete_url))
    assert "the rule of “Do you have a product?” that reads or acts on it: SHOW" in page
    response = staff_client.post(delete_url, {"post": "yes"})
    assert response.status_code == 200  # the page again, with what blocks it
    assert Question.objects.filter(pk=draft.text.pk).exists()
    # A question no other rule names goes.
    response = staff_client.post(
        reverse("admin:questionnaires_question_delete", args=[draft.extra.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not Question.objects.filter(pk=draft.extra.pk).exists()
