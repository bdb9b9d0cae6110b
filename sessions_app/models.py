"""A client's run through one questionnaire version, and the answers given (seed 000 §4.3)."""

from django.conf import settings
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


# The archive tables (seed 000 §10) live in their own module; importing them here registers them.
from sessions_app.archive_models import ResponseArchive, SessionArchive  # noqa: E402, F401
