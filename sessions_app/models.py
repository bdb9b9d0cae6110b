"""A client's run through one questionnaire version, and the answers given (seed 000 §4.3)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import IntegerField, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Now
from django.utils import timezone

from core.basemodels import UUIDModel, choices_check


def empty_progress():
    return {"percentage": 0, "answered": 0, "total": 0}


class SessionStatus(models.TextChoices):
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETED = "COMPLETED", "Completed"
    ABANDONED = "ABANDONED", "Abandoned"
    EXPIRED = "EXPIRED", "Expired"


class Session(UUIDModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions", db_index=False
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire", on_delete=models.PROTECT, related_name="sessions", db_index=False
    )
    questionnaire_version = models.IntegerField()
    status = models.CharField(
        max_length=20,
        choices=SessionStatus.choices,
        default=SessionStatus.IN_PROGRESS,
        db_default="IN_PROGRESS",
    )
    industry = models.CharField(max_length=100, null=True, blank=True)
    progress = models.JSONField(default=empty_progress, db_default=empty_progress())
    current_section = models.ForeignKey(
        "questionnaires.Section", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    current_question = models.ForeignKey(
        "questionnaires.Question", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adaptive_state = models.JSONField(default=dict, db_default={}, blank=True)
    # adaptive_state: { activeQuestionIds, skippedQuestionIds, branchHistory }
    metadata = models.JSONField(default=dict, db_default={}, blank=True)
    # metadata: { userAgent, deviceType, referrer }
    # Seed 000 §7.2, as its migration writes it (nullable, default '{}'): what the analytics page reads,
    # kept up to date as the client goes (sessions_app/session_analytics.py).
    analytics = models.JSONField(default=dict, db_default={}, null=True, blank=True)
    # analytics: { deviceType, sectionSeconds: {sectionId: s}, revisits, lastQuestionId, lastSectionId }
    started_at = models.DateTimeField(default=timezone.now, db_default=Now())
    last_activity_at = models.DateTimeField(default=timezone.now, db_default=Now())
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Extra to the seed (seed 002 wants the pair on every table).
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        db_table = "sessions"
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user"], name="idx_sessions_user"),
            models.Index(fields=["questionnaire"], name="idx_sessions_questionnaire"),
            models.Index(fields=["status"], name="idx_sessions_status"),
            models.Index(fields=["started_at"], name="idx_sessions_started"),
            models.Index(fields=["user", "status"], name="idx_sessions_user_status"),
            models.Index(
                fields=["user", "started_at"],
                name="idx_sessions_active",
                condition=Q(status="IN_PROGRESS"),
            ),
            GinIndex(fields=["progress"], name="idx_sessions_progress"),
            GinIndex(fields=["analytics"], name="idx_sessions_analytics"),
            models.Index(
                Cast(KeyTextTransform("percentage", "progress"), IntegerField()),
                name="idx_sessions_progress_pct",
            ),
        ]
        constraints = [choices_check("status", SessionStatus, "sessions_status_valid")]

    def __str__(self):
        # No related objects here: audit rows and logs call str() inside hot paths.
        return f"Session {self.pk} ({self.status})"


class Response(UUIDModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="responses", db_index=False)
    question = models.ForeignKey(
        "questionnaires.Question", on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    value = models.JSONField()
    is_valid = models.BooleanField(default=True, db_default=True)
    validation_errors = models.JSONField(null=True, blank=True)
    time_spent_seconds = models.IntegerField(null=True, blank=True)
    revision = models.IntegerField(default=1, db_default=1)
    answered_at = models.DateTimeField(default=timezone.now, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)

    class Meta:
        db_table = "responses"
        ordering = ["answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "question"], name="responses_session_id_question_id_key"
            ),
        ]
        indexes = [
            models.Index(fields=["session"], name="idx_responses_session"),
            models.Index(fields=["question"], name="idx_responses_question"),
            models.Index(fields=["answered_at"], name="idx_responses_answered"),
            models.Index(fields=["session", "answered_at"], name="idx_responses_session_answered"),
            GinIndex(fields=["value"], name="idx_responses_value"),
        ]

    def __str__(self):
        return f"Answer to {self.question_id} (rev {self.revision})"


class ChangeRequestStatus(models.TextChoices):
    OPEN = "OPEN", "Waiting for the client"
    SUBMITTED = "SUBMITTED", "Answered by the client"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class ChangeRequest(UUIDModel):
    """A reviewer's request that the client revisit some answers of a completed session.

    Extra to the seed: the session stays COMPLETED (seed 000's enum has no state for this); while a
    request is OPEN, exactly its questions (and any the revised answers bring into view) accept
    answers again. ``documents`` names the document versions it was made on, so that the answers
    given regenerate those versions' successors and no other (docs/review.md).
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="change_requests", db_index=False
    )
    status = models.CharField(
        max_length=20,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.OPEN,
        db_default="OPEN",
    )
    message = models.TextField()
    question_ids = ArrayField(models.UUIDField())
    # [{documentId, documentType, name, version}]: the document versions the request was made on.
    documents = models.JSONField(default=list, db_default=[])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Counts the requests merged into this one, so that a form loaded before a merge is refused.
    revision = models.IntegerField(default=1, db_default=1)
    visible_before = ArrayField(models.UUIDField(), default=list, db_default=[])
    answers_before = models.JSONField(default=dict, db_default={})
    changed_question_ids = ArrayField(models.UUIDField(), default=list, db_default=[])
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        db_table = "change_requests"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["session", "status"], name="idx_change_requests_session")]
        constraints = [
            choices_check("status", ChangeRequestStatus, "change_requests_status_valid"),
            # One open request per session: a second one made meanwhile is merged into it.
            models.UniqueConstraint(
                fields=["session"], condition=Q(status="OPEN"), name="change_requests_one_open"
            ),
        ]

    def __str__(self):
        return f"Change request {self.pk} ({self.status})"


# The archive tables (seed 000 §10) live in their own module; importing them here registers them.
from sessions_app.archive_models import ResponseArchive, SessionArchive  # noqa: E402, F401
from sessions_app.export_models import ExportStatus, ResponseExport  # noqa: E402, F401
from sessions_app.invitation_models import Invitation, InvitationStatus  # noqa: E402, F401
from sessions_app.reminder_models import ReminderKind, SessionReminder  # noqa: E402, F401
