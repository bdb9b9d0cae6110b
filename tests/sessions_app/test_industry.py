"""The industry is decided by the client's answers, not a free-text box (docs/rules.md, Industry tags).

A questionnaire that names its industry question (``metadata.industryQuestion``) reads the industry
from that answer at every save, so industry-tagged questions follow it; industries compare without
regard to case and spacing.
"""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from questionnaires.rules import industry_key
from sessions_app import services
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, SectionFactory

pytestmark = pytest.mark.django_db


OPTION = {
    value: str(uuid.uuid5(uuid.NAMESPACE_URL, value)) for value in ("technology", "Health Care", "retail")
}


def _options(*pairs):
    return [
        {"id": OPTION[value], "label": label, "value": value, "order": n}
        for n, (label, value) in enumerate(pairs, 1)
    ]


@pytest.fixture
def assessment(org_a):
    questionnaire = QuestionnaireFactory(
        organization=org_a,
        published_at=timezone.now(),
        industry="technology",
        metadata={"industryQuestion": "industry"},
    )
    about = SectionFactory(questionnaire=questionnaire, name="About", order_index=1)
    rules = SectionFactory(questionnaire=questionnaire, name="Regulation", order_index=2)
    industry = QuestionFactory(
        section=about,
        order_index=1,
        type="SINGLE_CHOICE",
        text="Which industry?",
        options=_options(("Technology", "technology"), ("Healthcare", "Health Care"), ("Retail", "retail")),
        metadata={"key": "industry"},
    )
    hipaa = QuestionFactory(
        section=rules, order_index=1, type="TEXT", text="HIPAA status?", industry_tags=["healthcare"]
    )
    pci = QuestionFactory(
        section=rules, order_index=2, type="TEXT", text="PCI status?", industry_tags=["RETAIL"]
    )
    general = QuestionFactory(section=rules, order_index=3, type="TEXT", text="Anything else?")
    return questionnaire, industry, hipaa, pci, general


def _choose(session, question, option_id, actor):
    return services.response_save(
        session=session,
        question_id=str(question.pk),
        data={},
        value={"selectedOptionId": option_id},
        actor=actor,
    )


def test_industry_keys_ignore_case_spacing_and_punctuation():
    assert industry_key("Health Care") == industry_key("health-care") == industry_key(" HEALTHCARE ")
    assert industry_key("retail") != industry_key("healthcare")


def test_the_tagged_questions_follow_the_industry_answer(assessment, client_a):
    questionnaire, industry, hipaa, pci, general = assessment
    session = services.session_start(user=client_a, questionnaire=questionnaire, industry="")
    state = services.session_flow(session=session)
    # No industry yet: tags are ignored, as the engine has always done with no industry.
    assert state.is_visible(str(hipaa.pk)) and state.is_visible(str(pci.pk))

    saved = _choose(session, industry, OPTION["Health Care"], client_a)
    assert saved.state.is_visible(str(hipaa.pk))  # "Health Care" is the tag "healthcare"
    assert not saved.state.is_visible(str(pci.pk))
    assert saved.state.is_visible(str(general.pk))
    session.refresh_from_db()
    assert session.industry == "Health Care"

    saved = _choose(session, industry, OPTION["retail"], client_a)  # the client changes their mind
    assert not saved.state.is_visible(str(hipaa.pk))
    assert saved.state.is_visible(str(pci.pk))  # "retail" is the tag "RETAIL"
    session.refresh_from_db()
    assert session.industry == "retail"


def test_the_answer_wins_over_an_industry_given_at_the_start(assessment, client_a):
    questionnaire, industry, hipaa, pci, _ = assessment
    session = services.session_start(user=client_a, questionnaire=questionnaire, industry="technology")
    assert not services.session_flow(session=session).is_visible(str(hipaa.pk))
    saved = _choose(session, industry, OPTION["Health Care"], client_a)
    assert saved.state.is_visible(str(hipaa.pk))


def test_a_questionnaire_that_asks_the_industry_has_no_industry_field_on_its_start_card(
    client, client_a, assessment
):
    questionnaire = assessment[0]
    client.force_login(client_a)
    page = client.get(reverse("sessions_app:list")).content.decode()
    card = page[page.index(f'action="{reverse("sessions_app:start", args=[questionnaire.pk])}"') :]
    card = card[: card.index("</form>")]
    assert 'name="industry"' not in card
    response = client.post(reverse("sessions_app:start", args=[questionnaire.pk]))
    assert response.status_code == 302
