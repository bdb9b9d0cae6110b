"""Invitations: staff invite clients by e-mail (one, a CSV file, the API); the client follows the link,
chooses a password or logs in and lands in the started session; statuses, resend, revoke and expiry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api_keys import api_key_create
from accounts.models import User, UserRole
from audit.models import AuditLog
from sessions_app import invitations, services
from sessions_app.invitation_csv import csv_read
from sessions_app.invitation_models import Invitation, InvitationStatus
from sessions_app.models import Session
from tests.accounts.factories import PASSWORD, AdminFactory, UserFactory
from tests.accounts.helpers import login_with_mfa
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import InvitationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-sturdy-passphrase-for-2030"
INVITATION_PERMISSIONS = ("add_invitation", "change_invitation", "view_invitation")


def _grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="sessions_app", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)  # a fresh object: no stale permission cache


@pytest.fixture
def inviter(org_a):
    """A member of organization A's staff (not a client) who may view, send, resend and revoke."""
    user = UserFactory(email="ines@acme.example", organization=org_a, role=UserRole.DEVELOPER)
    user.profile = {"name": "Ines Inviter"}
    user.save()
    return _grant(user, *INVITATION_PERMISSIONS)


@pytest.fixture
def inviter_b(org_b):
    return _grant(
        UserFactory(email="staff@borealis.example", organization=org_b, role=UserRole.DEVELOPER),
        *INVITATION_PERMISSIONS,
    )


@pytest.fixture
def staff_browser(inviter):
    browser = Client()
    browser.force_login(inviter)
    return browser


@pytest.fixture
def flow(org_a):
    return branching_questionnaire(organization=org_a)


@pytest.fixture
def send(django_capture_on_commit_callbacks, inviter, org_a, flow):
    """Invite through the service, the e-mails sent as after a commit; return the invitations."""

    def invite(*emails, questionnaire=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return invitations.invitations_create(
                organization=org_a,
                questionnaire=questionnaire or flow.questionnaire,
                requests=[invitations.InvitationRequest(email=email, **kwargs) for email in emails],
                invited_by=inviter,
            )

    return invite


def link_in(message) -> str:
    """The path of the invitation link in an e-mail."""
    return re.search(r"https?://[^/\s]+(/invitations/accept/[A-Za-z0-9_-]+/)", message.body).group(1)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def events(invitation) -> list[str]:
    return list(
        AuditLog.objects.filter(resource_id=invitation.pk)
        .order_by("chain_seq")
        .values_list("event", flat=True)
    )


def _answer_all_and_complete(session, flow, user):
    for question, value in (
        (flow.has_product, {"selectedOptionId": flow.no}),
        (flow.contact, {"text": "a@b.c"}),
    ):
        services.response_save(
            session=session, question_id=str(question.pk), data={}, value=value, actor=user
        )
    return services.session_complete(session=session, actor=user)


# ----------------------------------------------------------------- services


def test_inviting_a_new_address_makes_a_client_without_a_password_and_emails_the_link(send, org_a, flow):
    due = timezone.localdate() + dt.timedelta(days=5)
    [invitation] = send("New.Client@Example.com", due_date=due, message="See you on Monday.")
    user = invitation.user
    assert (user.email, user.organization_id, user.role) == ("new.client@example.com", org_a.pk, "CLIENT")
    assert not user.has_usable_password()
    assert invitation.status == InvitationStatus.SENT and invitation.sent_count == 1
    assert invitation.expires_at == invitation.due_at  # the due date comes before the 14 days
    [message] = mail.outbox
    assert message.to == ["new.client@example.com"]
    assert message.subject == f"Acme Advisory invites you to answer “{flow.questionnaire.name}”"
    body = message.body
    assert "Ines Inviter of Acme Advisory invites you" in body
    assert f"Please complete it by {due:%A} {due.day} {due:%B %Y}." in body
    assert "See you on Monday." in body
    assert "about 10 minutes" in body
    assert "http://localhost:8000/invitations/accept/" in body
    assert f"It expires on {due.day} {due:%B %Y} at 23:59" in body


def test_the_link_expires_after_fourteen_days_without_a_due_date(send):
    before = timezone.now()
    [invitation] = send("nodue@example.com")
    assert invitation.due_at is None
    delta = invitation.expires_at - before
    assert dt.timedelta(days=14) <= delta < dt.timedelta(days=14, minutes=1)
    assert "Please complete it by" not in mail.outbox[0].body
    assert "A message from" not in mail.outbox[0].body


def test_the_token_is_stored_only_as_its_sha256(send):
    [invitation] = send("hash@example.com")
    token = token_of(link_in(mail.outbox[0]))
    assert len(token) >= 43
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in row.values())
    assert not AuditLog.objects.filter(changes__icontains=token).exists()


def test_an_existing_client_of_the_organization_is_invited_to_their_own_account(send, client_a):
    [invitation] = send(client_a.email.upper())
    assert invitation.user == client_a
    assert User.objects.filter(email__iexact=client_a.email).count() == 1


def test_staff_and_other_organizations_and_deactivated_accounts_cannot_be_invited(
    send, client_b, reviewer_a, org_a, flow, inviter
):
    gone = UserFactory(email="gone@acme.example", organization=org_a, is_active=False)
    for address in (client_b.email, reviewer_a.email, inviter.email, gone.email):
        with pytest.raises(invitations.InvitationRefused) as refused:
            send(address)
        [message] = refused.value.errors[0]["email"]
        assert message == invitations.NOT_INVITABLE
        assert "Borealis" not in message and "borealis" not in message
    assert not Invitation.objects.exists() and not mail.outbox
    assert User.objects.get(pk=client_b.pk).organization_id != org_a.pk


def test_due_dates_must_be_from_today_and_within_a_year(send):
    today = timezone.localdate()
    for due, field_error in (
        (today - dt.timedelta(days=1), "The due date has passed: choose today or a later date."),
        (today + dt.timedelta(days=400), "Choose a due date within a year."),
    ):
        with pytest.raises(invitations.InvitationRefused) as refused:
            send("late@example.com", due_date=due)
        assert refused.value.errors[0] == {"due_date": [field_error]}
    [invitation] = send("today@example.com", due_date=today)
    assert timezone.localtime(invitation.due_at).date() == today


def test_an_address_with_a_working_invitation_is_refused_until_it_is_revoked(send, inviter):
    [first] = send("twice@example.com")
    with pytest.raises(invitations.InvitationRefused) as refused:
        send("twice@example.com")
    assert "already has a working invitation" in refused.value.errors[0]["email"][0]
    invitations.invitation_revoke(invitation=first, actor=inviter)
    assert send("twice@example.com")[0].pk != first.pk


def test_an_account_made_meanwhile_by_another_invitation_is_a_refusal_not_an_error(send, monkeypatch, org_a):
    """Two staff inviting the same new address at once: the second is refused and nothing is kept."""
    UserFactory(email="race@example.com", organization=org_a)  # made by the other invitation, just now
    monkeypatch.setattr(invitations, "_recipients", lambda addresses, organization: {})  # read before
    with pytest.raises(invitations.InvitationRefused) as refused:
        send("first@example.com", "race@example.com")
    assert "invited a moment ago" in refused.value.errors[1]["email"][0]
    assert not Invitation.objects.exists() and not User.objects.filter(email="first@example.com").exists()
    assert not mail.outbox


def test_a_questionnaire_of_another_organization_or_a_draft_is_refused(send, org_b):
    other = branching_questionnaire(organization=org_b).questionnaire
    draft = branching_questionnaire(organization=None).questionnaire
    draft.published_at = None
    draft.save()
    for questionnaire in (other, draft):
        with pytest.raises(invitations.InvitationRefused) as refused:
            send("x@example.com", questionnaire=questionnaire)
        assert "questionnaire" in refused.value.errors[0]


def test_resending_sends_a_new_link_and_the_old_one_stops_working(
    send, inviter, client, django_capture_on_commit_callbacks
):
    [invitation] = send("again@example.com")
    old_link = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invitation_resend(invitation=invitation, actor=inviter)
    new_link = link_in(mail.outbox[1])
    assert new_link != old_link
    assert (invitation.status, invitation.sent_count) == (InvitationStatus.SENT, 2)
    old = client.get(old_link)
    assert old.status_code == 404 and "This invitation link does not work" in old.content.decode()
    assert client.get(new_link).status_code == 200
    assert events(invitation) == ["invitation.create", "invitation.resend", "invitation.open"]


def test_revoking_kills_the_link_with_a_clear_page_and_is_audited_once(send, inviter, client):
    [invitation] = send("revoked@example.com")
    link = link_in(mail.outbox[0])
    invitations.invitation_revoke(invitation=invitation, actor=inviter)
    invitations.invitation_revoke(invitation=invitation, actor=inviter)  # again: nothing changes
    page = client.get(link)
    assert page.status_code == 410 and "This invitation has been withdrawn" in page.content.decode()
    assert events(invitation) == ["invitation.create", "invitation.revoke"]
    with pytest.raises(invitations.InvitationClosed):
        invitations.invitation_resend(invitation=invitation, actor=inviter)


def test_an_expired_link_reads_expired_before_and_after_the_periodic_task(send, client, inviter):
    [invitation] = send("late@example.com")
    link = link_in(mail.outbox[0])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    invitation.refresh_from_db()
    assert (
        invitation.status == InvitationStatus.SENT and invitation.effective_status == InvitationStatus.EXPIRED
    )
    page = client.get(link)
    assert page.status_code == 410 and "This invitation has expired" in page.content.decode()
    assert invitations.invitations_expire() == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.EXPIRED
    assert events(invitation) == ["invitation.create", "invitation.expire"]
    assert client.get(link).status_code == 410
    # Resending an expired invitation gives it a working link again.
    invitations.invitation_resend(invitation=invitation, actor=inviter)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and invitation.expires_at > timezone.now()


# ----------------------------------------------------------------- the client's link


def test_a_new_client_sets_a_password_lands_in_the_session_and_the_statuses_run_to_completed(
    send, client, flow, org_a
):
    due = timezone.localdate() + dt.timedelta(days=3)
    [invitation] = send("fresh@example.com", due_date=due)
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200 and "Choose your password" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.OPENED and invitation.opened_at is not None

    weak = client.post(link, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 400 and "This password is too short" in weak.content.decode()
    assert not User.objects.get(pk=invitation.user_id).has_usable_password()

    chosen = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert chosen.status_code == 302 and chosen["Location"] == link
    landed = client.get(link, follow=True)
    session = Session.objects.get(user=invitation.user)
    first_section = reverse("sessions_app:section", args=[session.pk, flow.first.pk])
    assert landed.redirect_chain[-1][0] == first_section
    assert "Do you have a product?" in landed.content.decode()
    assert session.expires_at == invitations.due_at_of(due)
    user = User.objects.get(pk=invitation.user_id)
    assert user.check_password(NEW_PASSWORD) and user.email_verified

    invitation.refresh_from_db()
    assert (invitation.status, invitation.session_id) == (InvitationStatus.STARTED, session.pk)
    _answer_all_and_complete(session, flow, user)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED and invitation.completed_at is not None
    assert events(invitation) == [
        "invitation.create",
        "invitation.open",
        "invitation.accept",
        "invitation.complete",
    ]
    assert list(
        AuditLog.objects.filter(resource_id=user.pk).order_by("chain_seq").values_list("event", flat=True)
    ) == ["user.create", "auth.password_set", "auth.login"]


def test_the_link_works_once_then_says_it_was_used(send, client):
    [invitation] = send("once@example.com")
    link = link_in(mail.outbox[0])
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.get(link)  # accepted
    again = client.get(link)
    assert again.status_code == 200
    assert "This invitation has already been used" in again.content.decode()
    session = Session.objects.get(user=invitation.user)
    assert reverse("sessions_app:resume", args=[session.pk]) in again.content.decode()
    stranger = Client().get(link)
    assert "already been used" in stranger.content.decode() and 'href="/login/"' in stranger.content.decode()
    assert Session.objects.filter(user=invitation.user).count() == 1


def test_an_existing_client_logs_in_and_lands_in_the_session(send, client, client_a, flow):
    [invitation] = send(client_a.email)
    link = link_in(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={link}"
    # The link never sets the password of an account that has one.
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert User.objects.get(pk=client_a.pk).check_password(PASSWORD)
    logged_in = client.post(
        f"/login/?next={link}", {"email": client_a.email, "password": PASSWORD, "next": link}
    )
    assert logged_in["Location"] == link
    landed = client.get(link, follow=True)
    session = Session.objects.get(user=client_a)
    assert landed.redirect_chain[-1][0] == reverse("sessions_app:section", args=[session.pk, flow.first.pk])
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED


def test_a_client_with_a_session_in_progress_lands_in_it(send, client_a, flow):
    existing = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    [invitation] = send(client_a.email)
    browser = Client()
    browser.force_login(client_a)
    response = browser.get(link_in(mail.outbox[0]))
    assert response["Location"] == reverse("sessions_app:resume", args=[existing.pk])
    assert Session.objects.filter(user=client_a).count() == 1
    invitation.refresh_from_db()
    assert invitation.session_id == existing.pk


def test_another_signed_in_account_is_told_the_link_is_for_someone_else(send, client_b, reviewer_a):
    [invitation] = send("someone@example.com")
    link = link_in(mail.outbox[0])
    for user in (client_b, reviewer_a):
        browser = Client()
        browser.force_login(user)
        page = browser.get(link)
        assert page.status_code == 403 and "This invitation is for someone else" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


@pytest.mark.parametrize("token", ["x" * 43, "short", "not a token!" * 4])
def test_a_link_that_is_no_invitations_is_a_clear_404(client, token):
    page = client.get(f"/invitations/accept/{token}/")
    assert page.status_code == 404 and "This invitation link does not work" in page.content.decode()


def test_a_questionnaire_withdrawn_after_the_invitation_gives_a_clear_page(send, client, flow):
    send("withdrawn@example.com")
    link = link_in(mail.outbox[0])
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    flow.questionnaire.is_active = False
    flow.questionnaire.save()
    page = client.get(link)
    assert page.status_code == 410 and "no longer be used" in page.content.decode()


# ----------------------------------------------------------------- staff pages


def test_the_list_shows_the_organizations_invitations_only_to_staff_with_the_permission(
    staff_browser, org_a, org_b, client_a, client
):
    mine = InvitationFactory(organization=org_a, email="mine@example.com")
    InvitationFactory(organization=org_b, email="theirs@example.com")
    page = staff_browser.get(reverse("invitations:list"))
    assert page.status_code == 200
    assert "mine@example.com" in page.content.decode() and "theirs@example.com" not in page.content.decode()
    assert reverse("invitations:revoke", args=[mine.pk]) in page.content.decode()
    client.force_login(client_a)
    assert client.get(reverse("invitations:list")).status_code == 403
    assert Client().get(reverse("invitations:list"))["Location"].startswith("/login/")


def test_the_list_filters_by_status_counting_unused_links_past_expiry_as_expired(staff_browser, org_a):
    InvitationFactory(organization=org_a, email="fresh@example.com")
    InvitationFactory(
        organization=org_a, email="stale@example.com", expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    InvitationFactory(organization=org_a, email="gone@example.com", status=InvitationStatus.REVOKED)
    shown = {
        status: staff_browser.get(reverse("invitations:list"), {"status": status}).content.decode()
        for status in ("SENT", "EXPIRED", "REVOKED")
    }
    assert "fresh@example.com" in shown["SENT"] and "stale@example.com" not in shown["SENT"]
    assert "stale@example.com" in shown["EXPIRED"] and "fresh@example.com" not in shown["EXPIRED"]
    assert "gone@example.com" in shown["REVOKED"] and "fresh@example.com" not in shown["REVOKED"]


def test_the_list_costs_the_same_queries_whatever_its_length(staff_browser, org_a, django_assert_num_queries):
    InvitationFactory(organization=org_a)
    staff_browser.get(reverse("invitations:list"))  # warm: the session's user and caches
    # The session, the user, their permissions (user and group), the count and the page in one query.
    with django_assert_num_queries(6):
        staff_browser.get(reverse("invitations:list"))
    for _ in range(5):
        InvitationFactory(organization=org_a, session=None)
    with django_assert_num_queries(6):
        page = staff_browser.get(reverse("invitations:list"))
    assert page.content.decode().count("<tr>") == 7  # the header and six invitations


def test_the_navigation_links_to_invitations_for_staff_who_may_view_them(staff_browser, reviewer_a):
    link = f'href="{reverse("invitations:list")}"'
    assert link in staff_browser.get(reverse("accounts:settings")).content.decode()
    reviewer = Client()
    reviewer.force_login(reviewer_a)
    assert link not in reviewer.get(reverse("documents:queue")).content.decode()


def test_staff_invite_on_the_page_choosing_among_their_organizations_published_questionnaires(
    staff_browser, flow, org_b, django_capture_on_commit_callbacks
):
    other = branching_questionnaire(organization=org_b).questionnaire
    form = staff_browser.get(reverse("invitations:new")).content.decode()
    assert str(flow.questionnaire.pk) in form and str(other.pk) not in form
    refused = staff_browser.post(
        reverse("invitations:new"), {"email": "a@example.com", "questionnaire": str(other.pk)}
    )
    assert refused.status_code == 400 and "Choose one of your organization" in refused.content.decode()
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff_browser.post(
            reverse("invitations:new"),
            {
                "email": "page@example.com",
                "questionnaire": str(flow.questionnaire.pk),
                "due_date": due,
                "message": "Hi",
            },
            follow=True,
        )
    assert "Invitation sent to page@example.com." in sent.content.decode()
    assert Invitation.objects.get(email="page@example.com").status == InvitationStatus.SENT
    assert len(mail.outbox) == 1 and "Hi" in mail.outbox[0].body


def test_an_uninvitable_address_on_the_page_shows_the_reason_on_the_field(staff_browser, flow, client_b):
    page = staff_browser.post(
        reverse("invitations:new"), {"email": client_b.email, "questionnaire": str(flow.questionnaire.pk)}
    )
    assert page.status_code == 400
    assert (
        "This address cannot be invited" in page.content.decode() and "Borealis" not in page.content.decode()
    )


def test_resend_and_revoke_on_the_page(staff_browser, org_a, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(organization=org_a, email="act@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        staff_browser.post(reverse("invitations:resend", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.sent_count == 2 and len(mail.outbox) == 1
    response = staff_browser.post(reverse("invitations:revoke", args=[invitation.pk]), {"status": "SENT"})
    assert response["Location"] == reverse("invitations:list") + "?status=SENT"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert staff_browser.get(reverse("invitations:revoke", args=[invitation.pk])).status_code == 405


def test_another_organizations_invitation_is_a_404_and_a_missing_permission_a_403(
    org_a, inviter_b, client_a, inviter
):
    invitation = InvitationFactory(organization=org_a)
    outsider = Client()
    outsider.force_login(inviter_b)
    for name in ("invitations:resend", "invitations:revoke"):
        assert outsider.post(reverse(name, args=[invitation.pk])).status_code == 404
    viewer = _grant(UserFactory(organization=org_a, role=UserRole.DEVELOPER), "view_invitation")
    browser = Client()
    browser.force_login(viewer)
    assert browser.get(reverse("invitations:list")).status_code == 200
    assert browser.post(reverse("invitations:revoke", args=[invitation.pk])).status_code == 403
    assert browser.get(reverse("invitations:new")).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_staff_who_must_use_a_second_factor_pass_it_first(org_a, client):
    admin = AdminFactory(organization=org_a, is_superuser=False, mfa_enabled=True)
    admin = _grant(admin, *INVITATION_PERMISSIONS)
    client.force_login(admin)
    response = client.get(reverse("invitations:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert login_with_mfa(client, admin).get(reverse("invitations:list")).status_code == 200


# ----------------------------------------------------------------- CSV


def _csv(text: str, name="clients.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _upload(browser, flow, upload):
    return browser.post(
        reverse("invitations:upload"), {"questionnaire": str(flow.questionnaire.pk), "file": upload}
    )


def test_a_valid_file_invites_every_row_in_one_go(staff_browser, flow, django_capture_on_commit_callbacks):
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    text = f'email,due_date,message\nana@example.com,{due},"Hello, Ana"\nben@example.com,,\n\n'
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(staff_browser, flow, _csv("\ufeff" + text))
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ana@example.com",
        "ben@example.com",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "ben@example.com"]
    assert "Hello, Ana" in next(m.body for m in mail.outbox if m.to == ["ana@example.com"])


def test_one_bad_row_sends_nothing_and_every_problem_is_listed_by_row(
    staff_browser, flow, client_b, django_capture_on_commit_callbacks
):
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    text = (
        "email,due_date,message\n"
        "good@example.com,,\n"  # row 2
        "not-an-address,,\n"  # row 3
        "GOOD@example.com,,\n"  # row 4: the same address as row 2
        f"past@example.com,{past},\n"  # row 5
        "date@example.com,31/01/2030,\n"  # row 6
        f"{client_b.email},,\n"  # row 7
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(staff_browser, flow, _csv(text))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was sent" in page
    # Every problem at once, in row order: those of the file's form and those of each address and date.
    problems = [
        "Row 3: Enter a valid e-mail address.",
        "Row 4: The same address as row 2.",
        "Row 5: The due date has passed",
        "Row 6: Write the due date as YYYY-MM-DD",
        "Row 7: This address cannot be invited",
    ]
    positions = [page.index(problem) for problem in problems]
    assert positions == sorted(positions)
    assert "Row 2" not in page
    assert (
        not Invitation.objects.exists()
        and not mail.outbox
        and not User.objects.filter(email="good@example.com")
    )
    # Once the file's form is right, the same checks report by row the same way.
    fixed = text.replace("GOOD@example.com", "other@example.com").replace("31/01/2030", "2030-01-31")
    page = _upload(staff_browser, flow, _csv(fixed)).content.decode()
    assert "Row 3: Enter a valid e-mail address." in page
    assert "Row 5: The due date has passed" in page
    assert "Row 7: This address cannot be invited" in page
    assert "Row 2" not in page
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    "upload, message",
    [
        (_csv("email\nzoë@example.com\n", encoding="utf-16"), "not UTF-8"),
        (_csv("mail,due\nx@example.com,\n"), "The first row must name the columns"),
        (_csv("email,due date,notes\nx@example.com,,\n"), "Unknown column notes"),
        (_csv("email\n"), "The file has no invitations"),
        (SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "not UTF-8"),
        (SimpleUploadedFile("clients.xlsx", b"PK\x03\x04\x14\x00\x06\x00email"), "not a CSV file"),
        (_csv('email\n"x@example.com\n'), "not a well-formed CSV file"),
    ],
)
def test_a_file_of_the_wrong_form_is_refused_with_a_clear_message(staff_browser, flow, upload, message):
    response = _upload(staff_browser, flow, upload)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_file_with_too_many_rows_is_refused_whole(staff_browser, flow):
    text = "email\n" + "".join(f"c{n}@example.com\n" for n in range(1001))
    response = _upload(staff_browser, flow, _csv(text))
    assert "The file has 1001 invitations; send at most 1000 in one file." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_csv_reader_takes_semicolons_and_numbers_rows_as_a_spreadsheet_does():
    reading = csv_read(
        b"Email;Due_Date;Message\r\n\r\na@example.com;2030-01-31;Hi\r\n;;\r\nb@example.com;;\r\n"
    )
    assert reading.ok
    assert [(row.number, row.email, row.due_date) for row in reading.rows] == [
        (3, "a@example.com", dt.date(2030, 1, 31)),
        (5, "b@example.com", None),
    ]
    assert csv_read(b"email\na@example.com,extra\n").errors == [
        (2, "This row has 2 values but the header names 1 columns.")
    ]


# ----------------------------------------------------------------- API


@pytest.fixture
def api_urls(settings):
    settings.ROOT_URLCONF = "tests.api.urls"


def _key(user, scopes=("invitations:read", "invitations:write")):
    _, raw = api_key_create(user=user, name="Invitations", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_api_invites_a_client_and_never_returns_the_token(
    api_urls, inviter, flow, django_capture_on_commit_callbacks
):
    due = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    body = {
        "email": "api@example.com",
        "questionnaire_id": str(flow.questionnaire.pk),
        "due_date": due,
        "message": "Hi",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _key(inviter).post("/api/v1/invitations/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["email"], data["status"], data["due_date"]) == ("api@example.com", "SENT", due)
    token = token_of(link_in(mail.outbox[0]))
    assert token not in response.content.decode()
    assert "token" not in " ".join(data)
    assert Invitation.objects.get(pk=data["id"]).invited_by == inviter


def test_the_api_needs_the_scope_and_the_permission(api_urls, inviter, client_a, flow):
    body = {"email": "api@example.com", "questionnaire_id": str(flow.questionnaire.pk)}
    no_scope = _key(inviter, scopes=["sessions:read"]).post("/api/v1/invitations/", body, format="json")
    assert no_scope.status_code == 403 and no_scope.json()["error"]["code"] == "insufficient_scope"
    a_client = _key(client_a).post("/api/v1/invitations/", body, format="json")
    assert a_client.status_code == 403 and a_client.json()["error"]["code"] == "permission_denied"
    assert _key(client_a).get("/api/v1/invitations/").status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"email": "nope"}, "email"),
        ({"email": 12}, "email"),
        ({"email": "client@borealis.example"}, "email"),
        ({"due_date": "2001-01-01"}, "due_date"),
        ({"due_date": "31/01/2030"}, "due_date"),
        ({"due_date": 20300131}, "due_date"),
        ({"questionnaire_id": "not-a-uuid"}, "questionnaire_id"),
        ({"message": "x" * 2001}, "message"),
    ],
)
def test_the_api_refuses_a_bad_invitation_with_400_and_sends_nothing(
    api_urls, inviter, flow, client_b, change, field
):
    body = {"email": "api@example.com", "questionnaire_id": str(flow.questionnaire.pk), **change}
    response = _key(inviter).post("/api/v1/invitations/", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and field in error["details"]
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_api_refuses_another_organizations_questionnaire_without_saying_it_exists(
    api_urls, inviter, org_b
):
    other = branching_questionnaire(organization=org_b).questionnaire
    body = {"email": "api@example.com", "questionnaire_id": str(other.pk)}
    response = _key(inviter).post("/api/v1/invitations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "questionnaire_id": ["Choose one of your organization's published questionnaires."]
    }


def test_the_api_lists_and_revokes_within_the_organization(api_urls, inviter, inviter_b, org_a, org_b):
    mine = InvitationFactory(organization=org_a)
    accepted = InvitationFactory(organization=org_a, status=InvitationStatus.STARTED)
    theirs = InvitationFactory(organization=org_b)
    api = _key(inviter)
    listed = api.get("/api/v1/invitations/").json()
    assert listed["count"] == 2 and str(theirs.pk) not in {row["id"] for row in listed["results"]}
    assert api.get("/api/v1/invitations/", {"status": "STARTED"}).json()["count"] == 1
    assert api.get("/api/v1/invitations/", {"status": "nope"}).status_code == 400
    revoked = api.post(f"/api/v1/invitations/{mine.pk}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "REVOKED"
    conflict = api.post(f"/api/v1/invitations/{accepted.pk}/revoke/")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "invitation_accepted"
    assert _key(inviter_b).post(f"/api/v1/invitations/{mine.pk}/revoke/").status_code == 404
    assert api.post(f"/api/v1/invitations/{theirs.pk}/revoke/").status_code == 404


# ----------------------------------------------------------------- admin and data protection


def test_admins_read_their_organizations_invitations_in_the_admin(staff_client, org_a, org_b):
    mine = InvitationFactory(organization=org_a, email="mine@example.com")
    InvitationFactory(organization=org_b, email="theirs@example.com")
    listing = staff_client.get("/admin/sessions_app/invitation/").content.decode()
    assert "mine@example.com" in listing
    page = staff_client.get(f"/admin/sessions_app/invitation/{mine.pk}/change/")
    assert page.status_code == 200 and mine.token_hash not in page.content.decode()


def test_anonymising_a_client_removes_the_address_from_their_invitations_and_kills_the_link(
    send, client, admin_user
):
    from accounts.gdpr import user_anonymise

    [invitation] = send("forget.me@example.com", message="Dear Forget")
    link = link_in(mail.outbox[0])
    user_anonymise(user=invitation.user, actor=admin_user)
    invitation.refresh_from_db()
    assert invitation.email == "[removed]" and invitation.message == ""
    assert invitation.status == InvitationStatus.REVOKED
    assert client.get(link).status_code in (404, 410)
