"""axe-core, in chromium, on every page a client sees: no violation, at desktop and phone width.

Each page is visited in the state that shows most of its parts (errors shown, documents listed, a
change requested), because a violation hides in the part that is not drawn.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from sessions_app import revisions, services
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import log_in
from tests.documents.factories import approved_final
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    choice_options,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()


def assert_accessible(page, what: str) -> None:
    results = AXE.run(page)
    assert results.response["passes"], f"{what}: axe-core checked nothing"  # it did run on the page
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def _every_widget(org):
    """A questionnaire with one question of each kind the client's page draws."""
    questionnaire = QuestionnaireFactory(
        organization=org, published_at=timezone.now(), name="Everything", metadata={"numberQuestions": True}
    )
    first = SectionFactory(questionnaire=questionnaire, name="Widgets", order_index=1)
    second = SectionFactory(questionnaire=questionnaire, name="More", order_index=2)
    kinds = [
        ("TEXT", "Company name", {}, {"key": "company_name"}),
        ("TEXTAREA", "What does {company_name} do?", {}, {}),
        ("NUMBER", "Head count", {"validation_rules": {"min": 1, "max": 100}}, {}),
        ("EMAIL", "Contact e-mail", {}, {}),
        ("URL", "Website", {}, {}),
        ("DATE", "Founded", {}, {}),
        ("SINGLE_CHOICE", "Do you sell abroad?", {"options": choice_options("Yes", "No")}, {}),
        ("MULTIPLE_CHOICE", "Which markets?", {"options": choice_options("EU", "US", "Asia")}, {}),
        (
            "SCALE",
            "How mature?",
            {"validation_rules": {"min": 1, "max": 5}},
            {"minLabel": "Not at all", "maxLabel": "Fully"},
        ),
        (
            "MATRIX",
            "Practices",
            {"options": choice_options("No", "Partly", "Yes")},
            {
                "rows": [
                    {"id": "ci", "label": "Continuous integration"},
                    {"id": "dr", "label": "Recovery tests"},
                ]
            },
        ),
        ("FILE_UPLOAD", "Organisation chart", {}, {}),
    ]
    questions = {}
    for index, (kind, text, extra, metadata) in enumerate(kinds, 1):
        questions[kind] = QuestionFactory(
            section=first,
            order_index=index,
            type=kind,
            text=text,
            metadata=metadata,
            is_required=kind == "EMAIL",
            **extra,
        )
    QuestionFactory(section=second, order_index=1, type="TEXT", text="Anything else?")
    return questionnaire, first, questions


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_every_client_page_has_no_axe_violation(live_server, browser, client_a, org_a, reviewer_a, viewport):
    questionnaire, first, questions = _every_widget(org_a)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(20_000)

    page.goto(f"{live_server.url}/login/")
    assert_accessible(page, "log-in page")
    page.goto(f"{live_server.url}/password-reset/")
    assert_accessible(page, "password reset page")
    log_in(page, live_server, client_a.email, PASSWORD)
    page.get_by_role("heading", name="My questionnaires").wait_for()
    assert_accessible(page, "my questionnaires")

    page.get_by_role("button", name="Start").click()
    page.get_by_label("Company name").wait_for()
    assert_accessible(page, "a section with every widget")
    page.get_by_label("Head count").fill("1000")  # out of range: the error is drawn
    page.get_by_label("Head count").press("Tab")
    page.get_by_text("Enter a number no greater than 100.").wait_for()
    assert_accessible(page, "a section with an error")
    page.get_by_role("button", name="Next").click()  # refused: the required e-mail is missing
    page.locator("#error-summary").wait_for()
    assert_accessible(page, "a section with the error summary")

    session = questionnaire.sessions.get()
    page.goto(f"{live_server.url}{reverse('sessions_app:review', args=[session.pk])}")
    assert_accessible(page, "the review page")
    page.goto(f"{live_server.url}{reverse('accounts:settings')}")
    assert_accessible(page, "account settings")

    # Completed, with documents, a reviewer's comment and a change requested.
    services.response_save(
        session=session,
        question_id=str(questions["EMAIL"].pk),
        data={},
        value={"text": "a@b.example"},
        actor=client_a,
    )
    services.response_save(
        session=session,
        question_id=str(questions["NUMBER"].pk),
        data={},
        value={"number": 12},
        actor=client_a,
    )
    services.session_complete(session=session, actor=client_a)
    approved_final(session=session, name="Technology roadmap", slug="roadmap-axe")
    page.goto(f"{live_server.url}{reverse('sessions_app:review', args=[session.pk])}")
    assert_accessible(page, "a completed session with its documents")
    page.goto(f"{live_server.url}{reverse('sessions_app:section', args=[session.pk, first.pk])}")
    page.locator("#read-only-banner").wait_for()
    assert_accessible(page, "a completed session's section, read-only")

    request = revisions.change_request_open(
        session=session,
        question_ids=[str(questions["NUMBER"].pk)],
        message="Is this the whole group?",
        documents=[],
        requested_by=reviewer_a,
    )
    page.goto(f"{live_server.url}{reverse('sessions_app:changes', args=[session.pk, request.pk])}")
    page.get_by_text("Is this the whole group?").first.wait_for()
    assert_accessible(page, "the changes requested page")
    context.close()
