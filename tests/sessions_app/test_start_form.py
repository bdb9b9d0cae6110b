"""The start card on the client's list page: the industry is picked from a list, never typed.

Industries are the organization's and those the questionnaire's questions are tagged with, matched
without regard to case and spacing; a questionnaire that asks the industry among its questions has no
industry field at all (tests/sessions_app/test_industry.py).
"""

import pytest
from django.urls import reverse

from sessions_app.models import Session
from tests.sessions_app.builders import branching_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(org_a):
    org_a.settings = {**(org_a.settings or {}), "industries": ["Healthcare", "Retail banking"]}
    org_a.save()
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


def test_the_start_card_offers_the_organizations_industries_as_a_list(logged_in, flow):
    page = logged_in.get(reverse("sessions_app:list")).content.decode()
    assert f'<select id="industry-{flow.questionnaire.pk}" name="industry"' in page
    assert '<option value="Healthcare">Healthcare</option>' in page
    assert '<option value="Retail banking">Retail banking</option>' in page
    assert f'<input id="industry-{flow.questionnaire.pk}"' not in page  # no free text


def test_an_industry_is_matched_without_regard_to_case_and_spacing(logged_in, flow, client_a):
    assert _start(logged_in, flow, b"industry=+retail-BANKING+").status_code == 302
    assert Session.objects.get(user=client_a).industry == "Retail banking"


def test_an_industry_not_on_the_list_is_refused_with_a_400_at_its_form(logged_in, flow, client_a):
    response = _start(logged_in, flow, b"industry=astrology")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose your industry from the list." in page
    assert f'id="industry-{flow.questionnaire.pk}-errors"' in page  # shown at the form it belongs to
    assert not Session.objects.filter(user=client_a).exists()


@pytest.mark.parametrize("body", [b"industry=te%00ch", b"industry=" + b"x" * 101])
def test_a_nul_or_an_overlong_industry_is_refused_and_starts_nothing(logged_in, flow, client_a, body):
    response = _start(logged_in, flow, body)
    assert response.status_code == 400
    assert "Choose your industry from the list." in response.content.decode()
    assert not Session.objects.filter(user=client_a).exists()


def test_no_industry_chosen_starts_without_one_rather_than_guessing(logged_in, flow, client_a):
    assert _start(logged_in, flow, b"industry=+++").status_code == 302
    assert Session.objects.get(user=client_a).industry is None
