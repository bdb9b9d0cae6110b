"""The invitation e-mail: who invites, to what, by when, the inviter's message and the link.

Sent after the commit that created or renewed the link (sessions_app/invitations.py), so a message never
carries a link that was rolled back; the token exists only in memory between the two. A file of
invitations goes out over one connection to the mail server. Links are absolute, on SITE_URL.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from sessions_app.invitation_models import Invitation

TEMPLATE = "sessions_app/email/invitation.txt"


def accept_url(token: str) -> str:
    base = getattr(settings, "SITE_URL", "http://localhost:8000").rstrip("/")
    return base + reverse("invitations:accept", args=[token])


def _one_line(text: str) -> str:
    # A header never spans lines: a questionnaire's or organization's name with a line break would not
    # be sent at all.
    return " ".join((text or "").split())


def invitation_message(invitation: Invitation, token: str) -> EmailMessage:
    """Return the e-mail of one invitation, its link made from `token`."""
    organization, questionnaire = invitation.organization, invitation.questionnaire
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "organization_name": _one_line(organization.name),
        "questionnaire_name": _one_line(questionnaire.name),
        "estimated_time": questionnaire.estimated_time,
        "inviter_name": inviter.display_name if inviter is not None else "",
        "message": invitation.message,
        "due_at": invitation.due_at,
        "expires_at": invitation.expires_at,
        "url": accept_url(token),
        "link_days": settings.INVITATION_LINK_DAYS,
    }
    subject = _one_line(f"{organization.name} invites you to answer “{questionnaire.name}”")
    return EmailMessage(
        subject, render_to_string(TEMPLATE, context), settings.DEFAULT_FROM_EMAIL, [invitation.email]
    )


def invitations_send(*, links: list[tuple]) -> int:
    """Send each invitation its e-mail; `links` pairs an invitation's id with its new link's token."""
    tokens = {str(pk): token for pk, token in links}
    invitations = Invitation.objects.filter(pk__in=list(tokens)).select_related(
        "organization", "questionnaire", "invited_by"
    )
    messages = [invitation_message(invitation, tokens[str(invitation.pk)]) for invitation in invitations]
    if not messages:
        return 0
    with get_connection(fail_silently=False) as mail_connection:
        return mail_connection.send_messages(messages) or 0
