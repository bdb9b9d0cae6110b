"""Completed sessions and their answers after two years: the archive tables of seed 000 §10.

`sessions_archive` and `responses_archive` have every column of `sessions` and `responses` plus
`archived_at`; sessions_app/retention.py moves rows here with INSERT … SELECT and deletes them after seven
years. Foreign keys are kept only where they carry meaning for an archived row: its user (erasing a
user erases their archive too), its questionnaire and questions (an answer means nothing without its
question), and the archived session of an archived answer. The client's position in the flow
(current section and question) is kept as plain ids.
"""

from django.conf import settings
from django.db import models


class SessionArchive(models.Model):
    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    questionnaire_version = models.IntegerField()
    status = models.CharField(max_length=20)
    industry = models.CharField(max_length=100, null=True, blank=True)
    progress = models.JSONField(null=True, blank=True)
    current_section_id = models.UUIDField(null=True, blank=True)
    current_question_id = models.UUIDField(null=True, blank=True)
    adaptive_state = models.JSONField(null=True, blank=True)
    metadata = models.JSONField(null=True, blank=True)
    analytics = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField()

    class Meta:
        db_table = "sessions_archive"
        ordering = ["-completed_at"]
        indexes = [
            models.Index(fields=["user"], name="idx_sessions_archive_user"),
            models.Index(fields=["questionnaire"], name="idx_sessions_archive_qnr"),
            models.Index(fields=["completed_at"], name="idx_sessions_archive_completed"),
        ]
        verbose_name = "archived session"

    def __str__(self):
        return f"Archived session {self.pk}"


class ResponseArchive(models.Model):
    id = models.UUIDField(primary_key=True)
    session = models.ForeignKey(
        SessionArchive, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    question = models.ForeignKey(
        "questionnaires.Question", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    value = models.JSONField()
    is_valid = models.BooleanField(null=True, blank=True)
    validation_errors = models.JSONField(null=True, blank=True)
    time_spent_seconds = models.IntegerField(null=True, blank=True)
    revision = models.IntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField()

    class Meta:
        db_table = "responses_archive"
        ordering = ["answered_at"]
        indexes = [
            models.Index(fields=["session"], name="idx_responses_archive_session"),
            models.Index(fields=["question"], name="idx_responses_archive_question"),
        ]
        verbose_name = "archived response"

    def __str__(self):
        return f"Archived answer to {self.question_id}"
