"""The traps a client met in chromium, each walked into again: Enter, the saved sign and the warning
before leaving, the industry that decides industry-tagged questions, the matrix and the documents at
phone width, and questions that appear announced to screen readers."""

import uuid

import pytest
from django.utils import timezone

from sessions_app import services
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import log_in
from tests.documents.factories import approved_final
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    choice_options,
)
from tests.sessions_app.builders import branching_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _signed_in(browser, live_server, user, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, user.email, PASSWORD)
    return context, page


def test_enter_saves_and_goes_forward_with_a_saved_sign_and_a_warning_before_leaving(
    live_server, browser, client_a, org_a
):
    flow = branching_questionnaire(organization=org_a)
    context, page = _signed_in(browser, live_server, client_a)
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Yes").check()
    page.get_by_label("Product name").wait_for()
    # The question that appeared is announced to screen readers.
    assert "New question: Product name" in page.locator("#question-announcer").text_content()
    page.locator("#save-status").filter(has_text="Saved at").wait_for()

    # Typed, not yet saved: leaving the page asks first.
    page.get_by_label("Product name").click()  # typed by hand: the browser only asks after a gesture
    page.keyboard.type("Orbit")
    assert "Not saved yet" in page.locator("#save-status").text_content()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    here = page.url
    page.get_by_role("navigation", name="Account").get_by_role("link", name="My questionnaires").click(
        no_wait_after=True
    )
    page.wait_for_timeout(800)
    assert dialogs == ["beforeunload"]
    assert page.url == here  # the client chose to stay

    # Enter in a field saves the section and goes forward, never back.
    page.get_by_label("Team size").fill("12")
    page.get_by_label("Team size").press("Enter")
    page.get_by_label("Tell us its story").wait_for()
    session = flow.questionnaire.sessions.get()
    answers = services.session_answers(session=session)
    assert answers[str(flow.product_name.id)].value == {"text": "Orbit"}
    assert answers[str(flow.team_size.id)].value == {"number": 12}
    # Leaving after a save asks nothing.
    page.get_by_label("Tell us its story").fill("It began in a garage.")
    page.get_by_label("Tell us its story").press("Tab")
    page.locator("#save-status").filter(has_text="Saved at").wait_for()
    dialogs.clear()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="My questionnaires").click()
    page.get_by_role("heading", name="My questionnaires").wait_for()
    assert dialogs == []
    context.close()


def _industry_assessment(org):
    questionnaire = QuestionnaireFactory(
        organization=org,
        published_at=timezone.now(),
        name="Compliance check",
        metadata={"industryQuestion": "industry"},
    )
    about = SectionFactory(questionnaire=questionnaire, name="About you", order_index=1)
    regulation = SectionFactory(questionnaire=questionnaire, name="Regulation", order_index=2)
    options = [
        {"id": str(uuid.uuid4()), "label": label, "value": value, "order": n}
        for n, (label, value) in enumerate(
            [("Technology", "technology"), ("Healthcare", "Healthcare"), ("Retail", "retail")], 1
        )
    ]
    QuestionFactory(
        section=about,
        order_index=1,
        type="SINGLE_CHOICE",
        text="Which industry are you in?",
        options=options,
        metadata={"key": "industry"},
        is_required=True,
    )
    QuestionFactory(
        section=regulation,
        order_index=1,
        type="TEXT",
        text="Describe your HIPAA programme",
        industry_tags=["healthcare"],
    )
    QuestionFactory(
        section=regulation,
        order_index=2,
        type="TEXT",
        text="Describe your PCI DSS scope",
        industry_tags=["retail"],
    )
    QuestionFactory(section=regulation, order_index=3, type="TEXT", text="Anything else?")
    return questionnaire


def test_the_industry_answered_decides_the_industry_questions(live_server, browser, client_a, org_a):
    org_a.settings = {**(org_a.settings or {}), "industry": "technology"}
    org_a.save()
    _industry_assessment(org_a)
    context, page = _signed_in(browser, live_server, client_a)
    card = page.locator(".card").filter(has_text="Compliance check")
    assert card.locator("input[name=industry], select[name=industry]").count() == 0  # nothing typed
    card.get_by_role("button", name="Start").click()
    page.get_by_label("Healthcare").check()
    page.locator("#save-status").filter(has_text="Saved at").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Describe your HIPAA programme").wait_for()
    assert page.get_by_label("Describe your PCI DSS scope").count() == 0
    page.get_by_role("link", name="About you").click()  # the section list jumps back
    page.get_by_label("Retail").check()
    page.locator("#save-status").filter(has_text="Saved at").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Describe your PCI DSS scope").wait_for()
    assert page.get_by_label("Describe your HIPAA programme").count() == 0
    context.close()


def _fits(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_a_matrix_and_the_documents_are_usable_at_phone_width(live_server, browser, client_a, org_a):
    questionnaire = QuestionnaireFactory(organization=org_a, published_at=timezone.now())
    section = SectionFactory(questionnaire=questionnaire, order_index=1)
    options = choice_options("Not started", "Planned", "In progress", "Done", "Audited")
    QuestionFactory(
        section=section,
        order_index=1,
        type="MATRIX",
        text="Where are you with each practice?",
        options=options,
        metadata={
            "rows": [
                {"id": "ci", "label": "Continuous integration"},
                {"id": "backups", "label": "Tested backups"},
            ]
        },
    )
    session = services.session_start(user=client_a, questionnaire=questionnaire)
    context, page = _signed_in(browser, live_server, client_a, viewport=PHONE)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    row_label = page.get_by_text("Tested backups", exact=True)
    audited = page.get_by_role("radio", name="Tested backups: Audited")
    assert _fits(page, row_label) and _fits(page, audited)
    page.locator("label.matrix-cell").filter(has=audited).click()  # its column's words are its label
    assert audited.is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A completed session's documents: every column, Download included, on the screen.
    services.session_complete(session=session, actor=client_a)
    approved_final(session=session, name="Technology roadmap with a long name", slug="roadmap-phone")
    page.goto(f"{live_server.url}/sessions/{session.pk}/review/")
    download = page.get_by_role("link", name="Download PDF of Technology roadmap with a long name")
    assert _fits(page, download)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
