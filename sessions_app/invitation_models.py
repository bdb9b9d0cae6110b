"""Invitations: staff ask a client, by e-mail, to answer a questionnaire (extra to the seed).

An invitation carries a single-use link whose token is stored only as its SHA-256 (like API keys);
following the link lets the client set a password or log in, and starts their session. The workflow is
in sessions_app/invitations.py; docs/invitations.md describes it for staff.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from core.basemodels import UUIDModel, choices_check


class InvitationStatus(models.TextChoices):
    SENT = "SENT", "Sent"
    OPENED = "OPENED", "Opened"
    STARTED = "STARTED", "Started"
    COMPLETED = "COMPLETED", "Completed"
    EXPIRED = "EXPIRED", "Expired"
    REVOKED = "REVOKED", "Revoked"


# The link still works in these states; STARTED and COMPLETED have used it, EXPIRED and REVOKED ended it.
INVITATION_PENDING = (InvitationStatus.SENT, InvitationStatus.OPENED)


class Invitation(UUIDModel):
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        db_column="org_id",
        db_index=False,  # idx_invitations_org_status
        related_name="invitations",
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire", on_delete=models.PROTECT, related_name="invitations", db_index=False
    )
    email = models.EmailField(max_length=255)
    # The client's account, made (without a password) when the invitation is created if none existed.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True, default="", db_default="")
    # The end of the due date: the session started from the invitation expires then.
    due_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # When the link stops working: INVITATION_LINK_DAYS after it was (re)sent, or the due date if sooner.
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.SENT, db_default="SENT"
    )
    session = models.ForeignKey(
        "sessions_app.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    sent_count = models.IntegerField(default=1, db_default=1)
    last_sent_at = models.DateTimeField(default=timezone.now, db_default=Now())
    opened_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        db_table = "invitations"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "status", "-created_at"], name="idx_invitations_org_status"),
            models.Index(fields=["organization", "-created_at"], name="idx_invitations_org_created"),
            # The periodic task's scan for links that ran out.
            models.Index(
                fields=["expires_at"],
                name="idx_invitations_pending",
                condition=Q(status__in=INVITATION_PENDING),
            ),
        ]
        constraints = [choices_check("status", InvitationStatus, "invitations_status_valid")]

    def __str__(self):
        # No e-mail address: the audit trail copies this text, and must not outlive an anonymisation.
        return f"Invitation {self.pk} ({self.status})"

    @property
    def is_link_expired(self) -> bool:
        """Return whether the link ran out before it was used (whether or not the task marked it yet)."""
        return self.status == InvitationStatus.EXPIRED or (
            self.status in INVITATION_PENDING and self.expires_at <= timezone.now()
        )

    @property
    def effective_status(self) -> str:
        """Return the status as staff should see it: a pending link past its expiry is EXPIRED."""
        return InvitationStatus.EXPIRED if self.is_link_expired else self.status

    def get_effective_status_display(self) -> str:
        return InvitationStatus(self.effective_status).label

    @property
    def can_revoke(self) -> bool:
        """Whether the link may still be withdrawn: it has not been used, nor revoked already."""
        return self.status in (*INVITATION_PENDING, InvitationStatus.EXPIRED)

    @property
    def can_resend(self) -> bool:
        """Whether a new link may be sent: not used, not revoked, and the due date (if any) still ahead."""
        return self.can_revoke and (self.due_at is None or self.due_at > timezone.now())
