"""Every write of invitations: invite (one, or a file's worth), resend, revoke, follow, accept, expire.

Staff invite a client by e-mail to a questionnaire; the e-mail carries a single-use link whose token
only the e-mail holds (the table keeps its SHA-256). Following the link lets a new client choose a
password and an existing one log in; accepting starts the session, due when the invitation is. Each
service runs in one transaction with its audit row; e-mails leave after the commit. The pages and the
API are in invitation_views.py and invitation_apis.py; docs/invitations.md explains it to staff.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User, UserRole
from audit.services import audit_record
from core.transactions import after_commit
from questionnaires.models import Questionnaire
from sessions_app import invitation_emails, services
from sessions_app.invitation_csv import MAX_EMAIL_LENGTH, MAX_MESSAGE_LENGTH
from sessions_app.invitation_models import INVITATION_PENDING, Invitation, InvitationStatus
from sessions_app.invitation_selectors import token_digest
from sessions_app.models import Session, SessionStatus
from sessions_app.selectors import PREVIEW

MAX_DUE_DAYS = 366
NOT_INVITABLE = (
    "This address cannot be invited: it belongs to a staff account, a deactivated account, or an "
    "account outside your organization."
)


@dataclass(frozen=True)
class InvitationRequest:
    """One invitation to send, as staff wrote it (on the form, in a row of a file, in an API call)."""

    email: str
    due_date: dt.date | None = None
    message: str = ""


class InvitationRefused(Exception):
    """Nothing was sent: `errors` maps the index of each refused request to {field: [messages]}."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        super().__init__(f"{len(errors)} invitation(s) cannot be sent.")
        self.errors = errors


class InvitationClosed(Exception):
    """The invitation can no longer be resent or revoked; the message says why, for staff."""


class LinkUnusable(Exception):
    """The link cannot be used (any more); `reason` is used, expired, revoked or unavailable."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ------------------------------------------------------------------ when the link and the session end


def due_at_of(due_date: dt.date | None) -> dt.datetime | None:
    """The end of the due date, in the site's time zone: the invitation's session expires then."""
    if due_date is None:
        return None
    return timezone.make_aware(dt.datetime.combine(due_date, dt.time(23, 59, 59)))


def link_expiry(*, now: dt.datetime, due_at: dt.datetime | None) -> dt.datetime:
    """A link works INVITATION_LINK_DAYS from when it is sent, and never past the due date."""
    expiry = now + dt.timedelta(days=settings.INVITATION_LINK_DAYS)
    return min(expiry, due_at) if due_at else expiry


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def link_state(invitation: Invitation, *, now: dt.datetime | None = None) -> str:
    """Return what following the link does now: ok, used, expired or revoked."""
    now = now or timezone.now()
    if invitation.status == InvitationStatus.REVOKED:
        return "revoked"
    if invitation.status in (InvitationStatus.STARTED, InvitationStatus.COMPLETED):
        return "used"
    if invitation.status == InvitationStatus.EXPIRED or invitation.expires_at <= now:
        return "expired"
    return "ok"


# ------------------------------------------------------------------ checks


def _questionnaire_problem(questionnaire: Questionnaire, organization) -> str:
    usable = (
        questionnaire.published_at is not None
        and questionnaire.is_active
        and questionnaire.organization_id in (None, organization.pk)
    )
    return "" if usable else "Choose one of your organization's published questionnaires."


def _recipients(addresses: list[str], organization) -> dict[str, str]:
    """Say of each address: 'new' (no account), 'client' (a client of the organization) or 'refused'.

    Asked of `app_invitation_recipients()`, which reads every account whatever the caller's scope and
    answers only that word: an account of another organization is invisible to staff, and must stay so.
    """
    if not addresses:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT address, verdict FROM app_invitation_recipients(%s, %s)", [addresses, organization.pk]
        )
        return dict(cursor.fetchall())


def _pending_elsewhere(addresses: list[str], organization, questionnaire) -> set[str]:
    """The addresses already holding a working link to this questionnaire (any of its versions)."""
    return set(
        Invitation.objects.filter(
            organization=organization,
            questionnaire__lineage_id=questionnaire.lineage_id,
            status__in=INVITATION_PENDING,
            expires_at__gt=timezone.now(),
            email__in=addresses,
        ).values_list("email", flat=True)
    )


def invitations_check(
    *, organization, questionnaire: Questionnaire, requests: list[InvitationRequest]
) -> dict[int, dict[str, list[str]]]:
    """Return what is wrong with each request, by its index; an empty dict means all may be sent.

    Checks each address (its form, whether it may be invited by this organization, whether it already
    holds a working link to this questionnaire, whether the list names it twice), each due date (from
    today, within a year) and each message (its length). Writes nothing.
    """
    errors: dict[int, dict[str, list[str]]] = {}

    def refuse(index: int, field: str, message: str) -> None:
        errors.setdefault(index, {}).setdefault(field, []).append(message)

    problem = _questionnaire_problem(questionnaire, organization)
    if problem:
        for index in range(len(requests)):
            refuse(index, "questionnaire", problem)
    today = timezone.localdate()
    addresses: dict[int, str] = {}
    first_index: dict[str, int] = {}
    for index, request in enumerate(requests):
        email = (request.email or "").strip().lower()
        if not email:
            refuse(index, "email", "Enter an e-mail address.")
        elif len(email) > MAX_EMAIL_LENGTH:
            refuse(index, "email", f"Keep the address to {MAX_EMAIL_LENGTH} characters or fewer.")
        else:
            try:
                validate_email(email)
            except ValidationError:
                refuse(index, "email", "Enter a valid e-mail address.")
            else:
                if email in first_index:
                    refuse(index, "email", "This address is invited twice in the same list.")
                else:
                    first_index[email] = index
                    addresses[index] = email
        if request.due_date is not None:
            if request.due_date < today:
                refuse(index, "due_date", "The due date has passed: choose today or a later date.")
            elif request.due_date > today + dt.timedelta(days=MAX_DUE_DAYS):
                refuse(index, "due_date", "Choose a due date within a year.")
        if len(request.message or "") > MAX_MESSAGE_LENGTH:
            refuse(index, "message", f"Keep the message to {MAX_MESSAGE_LENGTH} characters or fewer.")
    verdicts = _recipients(list(addresses.values()), organization)
    pending = _pending_elsewhere(list(addresses.values()), organization, questionnaire)
    for index, email in addresses.items():
        if verdicts.get(email) == "refused":
            refuse(index, "email", NOT_INVITABLE)
        elif email in pending:
            refuse(
                index,
                "email",
                "This address already has a working invitation to this questionnaire: resend it from the "
                "list instead.",
            )
    return errors


# ------------------------------------------------------------------ staff: invite, resend, revoke


def _client_for(email: str, organization, verdicts: dict[str, str], actor) -> User:
    if verdicts.get(email) == "client":
        return User.objects.filter(email__iexact=email, organization=organization).order_by("email").first()
    with transaction.atomic():  # a savepoint: another invitation may create the account meanwhile
        user = User.objects.create_user(
            email=email, password=None, organization=organization, role=UserRole.CLIENT
        )
    audit_record(
        actor=actor, action="user.create", resource=user, after={"role": UserRole.CLIENT, "via": "invitation"}
    )
    return user


@transaction.atomic
def invitations_create(
    *, organization, questionnaire: Questionnaire, requests: list[InvitationRequest], invited_by
) -> list[Invitation]:
    """Invite every request's address, or none: any refusal raises InvitationRefused and sends nothing.

    An address without an account gets a client account of the organization, with no password yet
    (the link lets them choose one). The e-mails leave after the commit, one per invitation.
    """
    errors = invitations_check(organization=organization, questionnaire=questionnaire, requests=requests)
    if errors:
        raise InvitationRefused(errors)
    now = timezone.now()
    addresses = [request.email.strip().lower() for request in requests]
    verdicts = _recipients(addresses, organization)
    created: list[tuple[Invitation, str]] = []
    for index, (request, email) in enumerate(zip(requests, addresses, strict=True)):
        try:
            user = _client_for(email, organization, verdicts, invited_by)
        except IntegrityError:
            # Two staff invited the same new address at the same moment: the other one's stands.
            raise InvitationRefused(
                {index: {"email": ["This address was invited a moment ago: reload the list and resend."]}}
            ) from None
        token, digest = _new_token()
        due_at = due_at_of(request.due_date)
        invitation = Invitation.objects.create(
            organization=organization,
            questionnaire=questionnaire,
            email=email,
            user=user,
            invited_by=invited_by,
            message=(request.message or "").strip(),
            due_at=due_at,
            token_hash=digest,
            expires_at=link_expiry(now=now, due_at=due_at),
            last_sent_at=now,
        )
        audit_record(
            actor=invited_by,
            action="invitation.create",
            resource=invitation,
            after={
                "questionnaire": str(questionnaire.pk),
                "user": str(user.pk),
                "due_at": due_at.isoformat() if due_at else None,
                "expires_at": invitation.expires_at.isoformat(),
                "with_message": bool(invitation.message),
            },
        )
        created.append((invitation, token))
    # The tokens live in memory until the e-mails are sent; no table or queue ever holds one.
    after_commit(invitation_emails.invitations_send, links=[(inv.pk, token) for inv, token in created])
    return [invitation for invitation, _ in created]


def invitation_create(
    *, organization, questionnaire: Questionnaire, email: str, due_date=None, message: str = "", invited_by
) -> Invitation:
    """Invite one address (InvitationRefused's errors are then under index 0)."""
    request = InvitationRequest(email=email, due_date=due_date, message=message)
    return invitations_create(
        organization=organization, questionnaire=questionnaire, requests=[request], invited_by=invited_by
    )[0]


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor) -> Invitation:
    """Send the invitation again with a new link; the old link stops working at once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    if invitation.status not in (*INVITATION_PENDING, InvitationStatus.EXPIRED):
        raise InvitationClosed(
            {
                InvitationStatus.REVOKED: "This invitation was revoked: send a new one instead.",
            }.get(invitation.status, "The client has already accepted this invitation.")
        )
    if invitation.due_at is not None and invitation.due_at <= now:
        raise InvitationClosed("The due date has passed: send a new invitation with a new due date.")
    before = {"status": invitation.status, "sent_count": invitation.sent_count}
    token, invitation.token_hash = _new_token()
    invitation.status = InvitationStatus.SENT
    invitation.expires_at = link_expiry(now=now, due_at=invitation.due_at)
    invitation.sent_count += 1
    invitation.last_sent_at = now
    invitation.save(
        update_fields=["token_hash", "status", "expires_at", "sent_count", "last_sent_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="invitation.resend",
        resource=invitation,
        before=before,
        after={
            "status": invitation.status,
            "sent_count": invitation.sent_count,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    after_commit(invitation_emails.invitations_send, links=[(invitation.pk, token)])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    """Stop the link working; revoking a revoked invitation changes nothing, an accepted one is refused."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == InvitationStatus.REVOKED:
        return invitation
    if invitation.status in (InvitationStatus.STARTED, InvitationStatus.COMPLETED):
        raise InvitationClosed("The client has already accepted this invitation: it cannot be revoked.")
    before = {"status": invitation.status}
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["status", "revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="invitation.revoke",
        resource=invitation,
        before=before,
        after={"status": invitation.status},
    )
    return invitation


@transaction.atomic
def invitations_expire(*, now: dt.datetime | None = None) -> int:
    """Mark working links past their expiry as EXPIRED (a periodic task; pages compute it anyway)."""
    now = now or timezone.now()
    due = Invitation.objects.filter(status__in=INVITATION_PENDING, expires_at__lte=now)
    expired = 0
    for invitation in due.select_for_update(skip_locked=True)[:500]:
        before = {"status": invitation.status}
        invitation.status = InvitationStatus.EXPIRED
        invitation.save(update_fields=["status", "updated_at"])
        audit_record(
            action="invitation.expire",
            resource=invitation,
            before=before,
            after={"status": invitation.status},
        )
        expired += 1
    return expired


# ------------------------------------------------------------------ the client: follow, password, accept


def _lock_usable(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    state = link_state(invitation)
    if state != "ok":
        raise LinkUnusable(state)
    return invitation


@transaction.atomic
def invitation_open(*, invitation: Invitation) -> Invitation:
    """Record that the link was followed (SENT → OPENED); nothing changes for a link already opened."""
    invitation = _lock_usable(invitation)
    if invitation.status != InvitationStatus.SENT:
        return invitation
    invitation.status = InvitationStatus.OPENED
    invitation.opened_at = invitation.opened_at or timezone.now()
    invitation.save(update_fields=["status", "opened_at", "updated_at"])
    audit_record(
        actor=invitation.user,
        action="invitation.open",
        resource=invitation,
        before={"status": InvitationStatus.SENT},
        after={"status": invitation.status},
    )
    return invitation


@transaction.atomic
def invitation_password_set(*, invitation: Invitation, password: str) -> User:
    """Give the new client the password they chose (already validated) through a working link.

    Only an account that has no password yet: a link must never become a way to change the password
    of an account someone already uses. The address is proven, as a password reset proves it.
    """
    invitation = _lock_usable(invitation)
    user = User.objects.select_for_update().get(pk=invitation.user_id)
    if user.has_usable_password() or not user.is_active:
        raise LinkUnusable("has_password")
    user = account_services.user_password_set(user=user, password=password, action="auth.password_set")
    user.email_verified = True
    user.save(update_fields=["email_verified", "updated_at"])
    return user


def _latest_version(questionnaire: Questionnaire, user) -> Questionnaire | None:
    """The lineage's latest published, active version the client may start (a newer one may exist now)."""
    owner = Q(organization__isnull=True) | Q(organization_id=user.organization_id)
    return (
        Questionnaire.objects.filter(
            owner, lineage_id=questionnaire.lineage_id, is_active=True, published_at__isnull=False
        )
        .order_by("-version")
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, metadata: dict | None = None) -> Session:
    """Use the link: start the client's session (due with the invitation), or return the one in progress.

    Raises LinkUnusable when the link was used, expired or revoked, or the questionnaire is gone.
    """
    invitation = _lock_usable(invitation)
    if invitation.user_id != user.pk:
        raise LinkUnusable("unavailable")
    session = (
        Session.objects.filter(
            user=user,
            questionnaire__lineage_id=invitation.questionnaire.lineage_id,
            status=SessionStatus.IN_PROGRESS,
        )
        .exclude(PREVIEW)
        .order_by("-started_at")
        .first()
    )
    if session is None:
        questionnaire = _latest_version(invitation.questionnaire, user)
        if questionnaire is None:
            raise LinkUnusable("unavailable")
        session = services.session_start(
            user=user, questionnaire=questionnaire, metadata=metadata, expires_at=invitation.due_at
        )
    now = timezone.now()
    before = {"status": invitation.status}
    invitation.status = InvitationStatus.STARTED
    invitation.session = session
    invitation.opened_at = invitation.opened_at or now
    invitation.accepted_at = now
    invitation.save(update_fields=["status", "session", "opened_at", "accepted_at", "updated_at"])
    audit_record(
        actor=user,
        action="invitation.accept",
        resource=invitation,
        before=before,
        after={"status": invitation.status, "session": str(session.pk)},
    )
    return session


def invitation_session_completed(*, session: Session, state=None) -> list[dict]:
    """The completion hook (sessions_app.services.on_session_complete): the invitation is COMPLETED.

    Runs inside session_complete's transaction, so the status moves with the session's; returns the
    audit entries, which session_complete records with its own.
    """
    audits = []
    for invitation in Invitation.objects.select_for_update().filter(
        session=session, status=InvitationStatus.STARTED
    ):
        invitation.status = InvitationStatus.COMPLETED
        invitation.completed_at = session.completed_at or timezone.now()
        invitation.save(update_fields=["status", "completed_at", "updated_at"])
        audits.append(
            {
                "actor": session.user,
                "action": "invitation.complete",
                "resource": invitation,
                "before": {"status": InvitationStatus.STARTED},
                "after": {"status": invitation.status, "session": str(session.pk)},
            }
        )
    return audits
