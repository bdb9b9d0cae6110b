"""The questionnaires API: what a caller may start, and one questionnaire's structure without its rules."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    choice_options,
)

pytestmark = pytest.mark.django_db


def list_url():
    return reverse("api:questionnaire-list")


def detail_url(questionnaire):
    return reverse("api:questionnaire-detail", args=[questionnaire.pk])


def test_the_list_holds_my_organizations_and_the_shared_questionnaires(api_a, flow, flow_b):
    from django.utils import timezone

    shared = QuestionnaireFactory(organization=None, published_at=timezone.now(), name="Shared catalogue")
    QuestionnaireFactory(organization=None, published_at=None, name="Draft")
    body = api_a.get(list_url()).json()
    assert body["count"] == 2
    assert {q["id"] for q in body["results"]} == {str(flow.questionnaire.pk), str(shared.pk)}
    first = next(q for q in body["results"] if q["id"] == str(flow.questionnaire.pk))
    assert first["version"] == 1
    assert first["estimated_time"] == 10


def test_the_list_pages_with_limit_and_offset(api_a, org_a):
    from django.utils import timezone

    for index in range(3):
        QuestionnaireFactory(organization=org_a, published_at=timezone.now(), name=f"Q{index}")
    body = api_a.get(list_url(), {"limit": 2, "offset": 1}).json()
    assert body["count"] == 3
    assert [q["name"] for q in body["results"]] == ["Q1", "Q2"]
    assert body["previous"] and body["next"] is None


def test_the_detail_has_sections_questions_and_options_but_no_rules(api_a, flow):
    response = api_a.get(detail_url(flow.questionnaire))
    assert response.status_code == 200
    body = response.json()
    assert [s["name"] for s in body["sections"]] == ["About you", "Details"]
    questions = {q["text"]: q for s in body["sections"] for q in s["questions"]}
    assert set(questions) == {
        "Do you have a product?",
        "Product name",
        "Team size",
        "Tell us its story",
        "Contact e-mail",
    }
    assert questions["Do you have a product?"]["options"] == flow.has_product.options
    assert questions["Team size"]["validation_rules"] == {"min": 1, "max": 1000}
    # Whether a question shows depends on rules the client never sees, only that it depends on them.
    assert questions["Product name"]["is_conditional"] is True
    assert questions["Team size"]["is_conditional"] is False
    text = json.dumps(body)
    assert '"condition"' not in text and "target_question_ids" not in text and "document_mappings" not in text


def test_a_matrix_question_lists_its_rows(api_a, flow):
    QuestionFactory(
        section=flow.second,
        order_index=20,
        type="MATRIX",
        text="Rate each area",
        options=choice_options("Weak", "Strong"),
        metadata={"rows": [{"id": "security", "label": "Security"}], "internal": "kept out"},
    )
    body = api_a.get(detail_url(flow.questionnaire)).json()
    matrix = next(q for s in body["sections"] for q in s["questions"] if q["type"] == "MATRIX")
    assert matrix["rows"] == [{"id": "security", "label": "Security"}]
    assert "kept out" not in json.dumps(body)


def test_another_organizations_questionnaire_is_a_404_for_a_key(api_a, flow_b):
    response = api_a.get(detail_url(flow_b.questionnaire))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_organizations_questionnaire_is_a_404_for_a_signed_in_user(client_a, flow_b):
    browser = APIClient()
    browser.force_login(client_a)
    response = browser.get(detail_url(flow_b.questionnaire))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unpublished_questionnaire_is_a_404(api_a, org_a):
    draft = QuestionnaireFactory(organization=org_a, published_at=None)
    SectionFactory(questionnaire=draft)
    assert api_a.get(detail_url(draft)).status_code == 404


def test_the_questionnaires_scope_is_enough_to_read_them(key_client, client_a, flow):
    reader = key_client(client_a, ["questionnaires:read"])
    assert reader.get(list_url()).status_code == 200
    assert reader.get(detail_url(flow.questionnaire)).status_code == 200
    assert reader.get(reverse("api:session-list")).status_code == 403
