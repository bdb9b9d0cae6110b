"""Reads of invitations: staff see their organization's (another's is a 404); a link names its invitee.

Who may do what with invitations is decided here too, once, for the pages and the API alike. The
writes are in sessions_app/invitations.py.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import UserRole
from core import tenancy
from questionnaires.selectors import questionnaires_for_client
from sessions_app.invitation_models import INVITATION_PENDING, Invitation, InvitationStatus

ADD = "sessions_app.add_invitation"
CHANGE = "sessions_app.change_invitation"
VIEW = "sessions_app.view_invitation"
# secrets.token_urlsafe(32) makes 43 characters; anything far from that shape is not a link of ours.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def token_digest(token: str) -> str:
    """Return the SHA-256 of a link's token, as the table keeps it (256 random bits need no salt)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_is_well_formed(token: str) -> bool:
    return bool(_TOKEN.fullmatch(token or ""))


# ------------------------------------------------------------------ who may


def is_inviting_staff(user) -> bool:
    """Return whether the user is an organization's staff (not one of its clients)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.organization_id:
        return False
    return bool(user.is_staff or user.is_superuser or user.role != UserRole.CLIENT)


def may(user, permission: str) -> bool:
    """Return whether the user may act on their organization's invitations with this permission."""
    return is_inviting_staff(user) and user.has_perm(permission)


# ------------------------------------------------------------------ staff


def _pending_link() -> Q:
    return Q(status__in=INVITATION_PENDING, expires_at__gt=timezone.now())


def status_filter(status: str) -> Q:
    """The invitations whose status, as staff see it, is `status` (a pending link past expiry is EXPIRED)."""
    if status == InvitationStatus.EXPIRED:
        return Q(status=InvitationStatus.EXPIRED) | Q(
            status__in=INVITATION_PENDING, expires_at__lte=timezone.now()
        )
    if status in INVITATION_PENDING:
        return Q(status=status) & _pending_link()
    return Q(status=status)


def invitations_for_staff(*, user, status: str | None = None) -> QuerySet:
    """Return the organization's invitations, newest first, with what the list shows in one query."""
    invitations = Invitation.objects.filter(organization_id=user.organization_id)
    if status:
        invitations = invitations.filter(status_filter(status))
    return invitations.select_related("questionnaire", "invited_by", "session").order_by("-created_at", "-id")


def invitation_for_staff(*, user, invitation_id) -> Invitation:
    """Return an invitation of the user's organization; another organization's is a 404."""
    return get_object_or_404(
        Invitation.objects.select_related("questionnaire"),
        pk=invitation_id,
        organization_id=user.organization_id,
    )


def questionnaires_to_invite_to(*, user) -> list:
    """The questionnaires the organization's clients may start: the latest published version of each."""
    return questionnaires_for_client(user=user)


# ------------------------------------------------------------------ the link, before sign-in


def invitation_user_for_token(*, token: str) -> uuid.UUID | None:
    """Return the id of the account a link invites, or None for a link that is no invitation's.

    Read by `app_invitation_user_for_token()`, a database function that may read every invitation and
    returns only that id: no invitation row is visible to a visitor who has not signed in yet.
    """
    if not token_is_well_formed(token):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_invitation_user_for_token(%s)", [token_digest(token)])
        return cursor.fetchone()[0]


def invitation_for_token(*, token: str, name_user: bool) -> Invitation | None:
    """Return the invitation of a link, with its invitee.

    `name_user` names the invitee on the connection first (a visitor not signed in, whose scope shows
    nothing), as a password-reset link does: it makes their own rows visible, nothing of their
    organization. A signed-in invitee's scope already shows the invitation.
    """
    user_id = invitation_user_for_token(token=token)
    if user_id is None:
        return None
    if name_user:
        tenancy.tenant_set("", user_id=str(user_id))
    # No join to the organization or the questionnaire: before sign-in neither row is visible.
    return Invitation.objects.select_related("user").filter(token_hash=token_digest(token)).first()
