"""The REST API's view of invitations: what a program sends to invite a client, and what it reads back.

Request fields are strict about JSON types (core/api_fields.py); the token is never part of any answer.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from core.api_fields import StrictCharField, StrictUUIDField
from sessions_app.invitation_csv import MAX_EMAIL_LENGTH, MAX_MESSAGE_LENGTH
from sessions_app.invitation_models import Invitation, InvitationStatus


class StrictDateField(serializers.DateField):
    """A date written as a JSON string "YYYY-MM-DD", never a number."""

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class InvitationCreateSerializer(serializers.Serializer):
    email = StrictCharField(max_length=MAX_EMAIL_LENGTH, help_text="The client's e-mail address.")
    questionnaire_id = StrictUUIDField(
        help_text="A questionnaire your organization's clients may start (GET /questionnaires/)."
    )
    due_date = StrictDateField(
        required=False,
        allow_null=True,
        input_formats=["%Y-%m-%d"],
        help_text="Optional, today or later: the session expires at the end of this day (site time zone).",
    )
    message = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=MAX_MESSAGE_LENGTH,
        help_text="Optional; shown in the e-mail under the inviter's name.",
    )


class InvitationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    questionnaire_id = serializers.UUIDField()
    questionnaire_name = serializers.CharField()
    status = serializers.ChoiceField(
        choices=InvitationStatus.choices,
        help_text="A link past its expiry that was never used reads EXPIRED, even before the periodic task "
        "marks it.",
    )
    due_date = serializers.DateField(allow_null=True)
    expires_at = serializers.DateTimeField(help_text="When the link stops working.")
    sent_count = serializers.IntegerField()
    last_sent_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    session_id = serializers.UUIDField(allow_null=True, help_text="The session the client started from it.")
    created_at = serializers.DateTimeField()


def invitation_data(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "questionnaire_id": invitation.questionnaire_id,
        "questionnaire_name": invitation.questionnaire.name,
        "status": invitation.effective_status,
        "due_date": timezone.localdate(invitation.due_at) if invitation.due_at else None,
        "expires_at": invitation.expires_at,
        "sent_count": invitation.sent_count,
        "last_sent_at": invitation.last_sent_at,
        "opened_at": invitation.opened_at,
        "accepted_at": invitation.accepted_at,
        "completed_at": invitation.completed_at,
        "revoked_at": invitation.revoked_at,
        "session_id": invitation.session_id,
        "created_at": invitation.created_at,
    }
