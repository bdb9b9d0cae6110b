"""String fields of API request bodies take JSON strings only: a number, boolean, list or object is a
400 `invalid_request` naming the field, never quietly turned into text (or, for an id, into a UUID)."""

import pytest
from django.urls import reverse

from sessions_app.models import Session

pytestmark = pytest.mark.django_db


def _start(api, body):
    return api.post(reverse("api:session-list"), body, format="json")


def _assert_refused(response, field, message):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"][field] == [message]


@pytest.mark.parametrize("industry", [0, 12.5, True, ["tech"], {"name": "tech"}])
def test_a_non_string_industry_is_a_400_and_starts_nothing(api_a, flow, client_a, industry):
    response = _start(api_a, {"questionnaire_id": str(flow.questionnaire.pk), "industry": industry})
    _assert_refused(response, "industry", "Not a valid string.")
    assert not Session.objects.filter(user=client_a).exists()


@pytest.mark.parametrize("questionnaire_id", [0, 1, 2**64])
def test_a_number_for_the_questionnaire_id_is_a_400_not_a_lookup(api_a, questionnaire_id):
    response = _start(api_a, {"questionnaire_id": questionnaire_id})
    _assert_refused(response, "questionnaire_id", "Must be a valid UUID.")


def test_string_and_null_industries_are_still_accepted(api_a, flow, client_a):
    response = _start(api_a, {"questionnaire_id": str(flow.questionnaire.pk), "industry": " retail "})
    assert response.status_code == 201, response.content
    assert Session.objects.get(user=client_a).industry == "retail"
    Session.objects.filter(user=client_a).delete()
    response = _start(api_a, {"questionnaire_id": str(flow.questionnaire.pk), "industry": None})
    assert response.status_code == 201, response.content


def test_a_nul_in_the_industry_is_a_400(api_a, flow):
    response = _start(api_a, {"questionnaire_id": str(flow.questionnaire.pk), "industry": "te\x00ch"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert "industry" in response.json()["error"]["details"]
