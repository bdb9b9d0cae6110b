"""The client's pages without traps (docs/client-flow.md): each test is one trap that cost answers or trust.

Enter goes forward, scale end labels, the page last viewed, completed sessions read-only, readable
answers, file types offered, navigation and landing by role, section navigation, numbering and piping.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Session, SessionStatus
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    choice_options,
)

pytestmark = pytest.mark.django_db


def section_url(session, section):
    return reverse("sessions_app:section", args=[session.pk, section.pk])


def _answer(session, question, value, actor):
    return services.response_save(
        session=session, question_id=str(question.pk), data={}, value=value, actor=actor
    )


def _form(page: str) -> str:
    return page[page.index('<form method="post" enctype="multipart/form-data" class="section-form"') :]


# ----------------------------------------------------------------- Enter, position, read-only


def test_the_first_submit_button_of_a_section_saves_and_goes_forward(logged_in, session, flow):
    """Enter in a field submits with the form's first submit button, which used to be "Back"."""
    page = logged_in.get(section_url(session, flow.second)).content.decode()
    first = re.search(r"<button[^>]*type=\"submit\"[^>]*>", _form(page)).group(0)
    assert 'value="next"' in first
    assert 'tabindex="-1"' in first  # out of the tab order; Back, Save and Next follow as before


def test_an_implicit_submit_saves_the_answers_and_opens_the_next_section(logged_in, session, flow):
    response = logged_in.post(
        section_url(session, flow.first),
        {
            "direction": "next",
            "present": [str(flow.has_product.pk), str(flow.team_size.pk)],
            f"q-{flow.has_product.pk}": flow.no,
            f"q-{flow.team_size.pk}": "12",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == section_url(session, flow.second)
    assert services.session_answers(session=session)[str(flow.team_size.pk)].value == {"number": 12}


def test_continue_returns_to_the_page_last_viewed_not_the_last_answer(logged_in, session, flow, client_a):
    _answer(session, flow.has_product, {"selectedOptionId": flow.no}, client_a)  # an answer on page 1
    logged_in.get(section_url(session, flow.second))  # then the client looked at page 2
    response = logged_in.get(reverse("sessions_app:resume", args=[session.pk]))
    assert response["Location"] == section_url(session, flow.second)
    logged_in.get(section_url(session, flow.first))
    response = logged_in.get(reverse("sessions_app:resume", args=[session.pk]))
    assert response["Location"] == section_url(session, flow.first)


def test_a_completed_sessions_pages_are_read_only_with_a_banner(logged_in, session, flow, client_a):
    _answer(session, flow.has_product, {"selectedOptionId": flow.no}, client_a)
    _answer(session, flow.contact, {"text": "a@b.example"}, client_a)
    services.session_complete(session=session, actor=client_a)
    page = logged_in.get(section_url(session, flow.first)).content.decode()
    assert 'id="read-only-banner"' in page
    assert "You completed this questionnaire" in page
    form = _form(page)
    assert 'name="direction"' not in form  # no Save, Back or Next
    assert "hx-post" not in form
    assert all(" disabled" in tag for tag in re.findall(r"<fieldset[^>]*>", form))
    # A post sent anyway changes nothing.
    logged_in.post(
        section_url(session, flow.first),
        {"direction": "save", "present": [str(flow.team_size.pk)], f"q-{flow.team_size.pk}": "3"},
    )
    assert str(flow.team_size.pk) not in services.session_answers(session=session)


def test_a_completed_session_says_completed_rather_than_a_percentage(logged_in, session, flow, client_a):
    _answer(session, flow.has_product, {"selectedOptionId": flow.no}, client_a)
    _answer(session, flow.contact, {"text": "a@b.example"}, client_a)
    services.session_complete(session=session, actor=client_a)
    session.refresh_from_db()
    assert session.progress["percentage"] < 100  # optional questions were left unanswered
    for url in (reverse("sessions_app:list"), reverse("sessions_app:review", args=[session.pk])):
        page = logged_in.get(url).content.decode()
        assert "Completed on" in page
        assert "<progress" not in page


# ----------------------------------------------------------------- widgets


def test_scale_end_labels_are_shown_beside_the_end_points(logged_in, client_a, org_a):
    questionnaire = QuestionnaireFactory(organization=org_a, published_at=timezone.now())
    section = SectionFactory(questionnaire=questionnaire, order_index=1)
    scale = QuestionFactory(
        section=section,
        order_index=1,
        type="SCALE",
        text="How mature?",
        validation_rules={"min": 1, "max": 5},
        metadata={"minLabel": "Not at all", "maxLabel": "Fully"},
    )
    session = services.session_start(user=client_a, questionnaire=questionnaire)
    page = logged_in.get(section_url(session, section)).content.decode()
    assert '<span class="scale-end">Not at all</span>' in page
    assert '<span class="scale-end">Fully</span>' in page
    assert f'aria-describedby="q-{scale.pk}-ends"' in page
    assert "1 means Not at all; 5 means Fully." in page
    _answer(session, scale, {"rating": 5}, client_a)
    review = logged_in.get(reverse("sessions_app:review", args=[session.pk])).content.decode()
    assert "5 of 5 (Fully)" in review


def test_a_file_input_offers_only_the_types_the_question_accepts(logged_in, client_a, org_a):
    questionnaire = QuestionnaireFactory(organization=org_a, published_at=timezone.now())
    section = SectionFactory(questionnaire=questionnaire, order_index=1)
    QuestionFactory(
        section=section,
        order_index=1,
        type="FILE_UPLOAD",
        text="Your org chart",
        validation_rules={"allowedTypes": ["application/pdf", "image/png"], "maxFileSize": 2_000_000},
    )
    session = services.session_start(user=client_a, questionnaire=questionnaire)
    page = logged_in.get(section_url(session, section)).content.decode()
    assert 'accept="application/pdf,.pdf,image/png,.png"' in page
    assert "Accepted: PDF, PNG, up to 1.9\xa0MB." in page


# ----------------------------------------------------------------- readable answers


def test_the_review_page_writes_lists_numbers_and_dates_as_people_read_them(logged_in, client_a, org_a):
    questionnaire = QuestionnaireFactory(organization=org_a, published_at=timezone.now())
    section = SectionFactory(questionnaire=questionnaire, order_index=1)
    several = QuestionFactory(
        section=section,
        order_index=1,
        type="MULTIPLE_CHOICE",
        text="Which?",
        options=choice_options("Alpha", "Beta", "Gamma", "Delta"),
    )
    amount = QuestionFactory(section=section, order_index=2, type="NUMBER", text="Revenue")
    when = QuestionFactory(section=section, order_index=3, type="DATE", text="Founded")
    session = services.session_start(user=client_a, questionnaire=questionnaire)
    chosen = [several.options[0]["id"], several.options[1]["id"], several.options[2]["id"]]
    _answer(session, several, {"selectedOptionIds": chosen}, client_a)
    _answer(session, amount, {"number": 1234567.5}, client_a)
    _answer(session, when, {"date": "2026-12-03"}, client_a)
    url = reverse("sessions_app:review", args=[session.pk])
    page = logged_in.get(url, HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "Alpha, Beta and Gamma" in page
    assert "Alpha, Beta, Gamma," not in page
    assert "1,234,567.5" in page
    assert "3 Dec 2026" in page
    us = logged_in.get(url, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Dec. 3, 2026" in us


# ----------------------------------------------------------------- navigation by role


def test_a_client_lands_on_their_questionnaires_and_sees_no_staff_links(logged_in):
    response = logged_in.get(reverse("home"))
    assert response["Location"] == reverse("sessions_app:list")
    page = logged_in.get(reverse("sessions_app:list")).content.decode()
    nav = page[page.index('<nav aria-label="Account">') : page.index("</nav>")]
    assert "API keys" not in nav
    assert "Review queue" not in nav
    assert "My questionnaires" in nav


def test_a_reviewer_lands_on_the_review_queue(client, reviewer_a):
    client.force_login(reviewer_a)
    assert client.get(reverse("home"))["Location"] == reverse("documents:queue")
    page = client.get(reverse("documents:queue")).content.decode()
    nav = page[page.index('<nav aria-label="Account">') : page.index("</nav>")]
    assert "My questionnaires" not in nav
    assert "Review queue" in nav


def test_staff_land_on_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("home"))["Location"] == reverse("admin:index")


# ----------------------------------------------------------------- sections, numbering, piping


def test_the_sections_are_listed_with_their_completion_to_jump_between(logged_in, session, flow, client_a):
    _answer(session, flow.has_product, {"selectedOptionId": flow.no}, client_a)
    _answer(session, flow.team_size, {"number": 3}, client_a)
    page = logged_in.get(section_url(session, flow.second)).content.decode()
    nav = page[page.index('<nav class="section-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'href="{section_url(session, flow.first)}"' in nav
    assert "complete" in nav  # About you: both visible questions answered
    assert "0 of 1 · 1 to answer" in nav  # Details: the required contact e-mail
    assert 'aria-current="page"' in nav


def test_questions_are_numbered_when_the_questionnaire_asks_for_it(logged_in, session, flow):
    questionnaire = flow.questionnaire
    questionnaire.metadata = {**(questionnaire.metadata or {}), "numberQuestions": True}
    questionnaire.save()
    page = logged_in.get(section_url(session, flow.first)).content.decode()
    assert '<span class="q-number">1.</span> Do you have a product?' in page
    assert '<span class="q-number">3.</span> Team size' in page  # its place, whatever is hidden


def test_a_text_pipes_in_an_earlier_answer_escaped_with_a_fallback(logged_in, client_a, org_a):
    questionnaire = QuestionnaireFactory(organization=org_a, published_at=timezone.now())
    section = SectionFactory(questionnaire=questionnaire, order_index=1)
    name = QuestionFactory(
        section=section, order_index=1, type="TEXT", text="Company name", metadata={"key": "company_name"}
    )
    QuestionFactory(
        section=section,
        order_index=2,
        type="SINGLE_CHOICE",
        text="Does {company_name} sell abroad?",
        help_text="Think of {company_name|your company}'s last year.",
        options=choice_options("Yes, {company_name} does", "No"),
    )
    QuestionFactory(section=section, order_index=3, type="TEXT", text="Keep {unknown_key} and {braces}")
    session = services.session_start(user=client_a, questionnaire=questionnaire)
    page = logged_in.get(section_url(session, section)).content.decode()
    assert "Does (not answered yet) sell abroad?" in page
    assert "Think of your company&#x27;s last year." in page
    assert "Keep {unknown_key} and {braces}" in page
    _answer(session, name, {"text": "<b>Acme</b> & Co"}, client_a)
    page = logged_in.get(section_url(session, section)).content.decode()
    assert "Does &lt;b&gt;Acme&lt;/b&gt; &amp; Co sell abroad?" in page
    assert "Yes, &lt;b&gt;Acme&lt;/b&gt; &amp; Co does" in page
    assert "<b>Acme</b>" not in page


def test_saving_an_answer_redraws_the_questions_that_pipe_it(logged_in, client_a, org_a):
    questionnaire = QuestionnaireFactory(organization=org_a, published_at=timezone.now())
    section = SectionFactory(questionnaire=questionnaire, order_index=1)
    name = QuestionFactory(
        section=section, order_index=1, type="TEXT", text="Company name", metadata={"key": "company_name"}
    )
    piping = QuestionFactory(
        section=section, order_index=2, type="TEXT", text="Where is {company_name} based?"
    )
    session = services.session_start(user=client_a, questionnaire=questionnaire)
    response = logged_in.post(
        reverse("sessions_app:answer", args=[session.pk, name.pk]), {f"q-{name.pk}": "Acme"}
    )
    body = response.content.decode()
    assert f'id="wrap-q-{piping.pk}"' in body
    assert "Where is Acme based?" in body


def test_a_status_other_than_in_progress_is_read_only_too(logged_in, session, flow):
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.EXPIRED)
    page = logged_in.get(section_url(session, flow.first)).content.decode()
    assert "This questionnaire is expired." in page
    assert 'name="direction"' not in _form(page)


def test_someone_who_only_invites_clients_lands_on_the_invitations(client, org_a):
    from django.contrib.auth.models import Permission

    from accounts.models import UserRole
    from tests.accounts.factories import UserFactory

    inviter = UserFactory(email="ines@acme.example", organization=org_a, role=UserRole.DEVELOPER)
    client.force_login(inviter)
    assert client.get(reverse("home"))["Location"] == reverse("api_keys:list")
    inviter.user_permissions.add(Permission.objects.get(codename="view_invitation"))
    assert client.get(reverse("home"))["Location"] == reverse("invitations:list")
