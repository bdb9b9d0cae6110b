"""The start form on the client's list page: what the industry field accepts and how a refusal reads."""

import pytest
from django.urls import reverse

from sessions_app.models import Session
from tests.sessions_app.builders import branching_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(org_a):
    return branching_questionnaire(organization=org_a)


@pytest.fixture
def logged_in(client, client_a):
    client.force_login(client_a)
    return client


def _start(client, flow, body: bytes):
    return client.post(
        reverse("sessions_app:start", args=[flow.questionnaire.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )


def test_a_nul_in_the_industry_is_refused_with_a_400_that_says_why(logged_in, flow, client_a):
    response = _start(logged_in, flow, b"industry=te%00ch")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The industry contains a NUL character" in page
    assert f'id="industry-{flow.questionnaire.pk}-errors"' in page  # shown at the form it belongs to
    assert not Session.objects.filter(user=client_a).exists()
    # Typed again without it, the session starts.
    assert _start(logged_in, flow, b"industry=tech").status_code == 302
    assert Session.objects.get(user=client_a).industry == "tech"


def test_an_industry_over_100_characters_is_refused_rather_than_cut(logged_in, flow, client_a):
    response = _start(logged_in, flow, b"industry=" + b"x" * 101)
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()
    assert not Session.objects.filter(user=client_a).exists()


def test_a_blank_industry_falls_back_to_the_organizations(logged_in, flow, client_a):
    assert _start(logged_in, flow, b"industry=+++").status_code == 302
    assert Session.objects.get(user=client_a).industry == client_a.organization.industry
