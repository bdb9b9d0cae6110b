"""Exports of a questionnaire's responses (CSV, XLSX, SPSS .sav) that staff ask for (extra to the seed).

One row per request: what was asked (format, filters), how far the worker got, and where the file is
stored. The workflow is in sessions_app/export_services.py; docs/exports.md describes it for staff.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.text import slugify

from core.basemodels import UUIDModel, choices_check


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    SAV = "sav", "SPSS (.sav)"


class ExportStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Ready"
    FAILED = "FAILED", "Failed"


EXPORT_UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ResponseExport(UUIDModel):
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        db_column="org_id",
        db_index=False,  # idx_response_exports_org
        related_name="response_exports",
    )
    # Any version of the lineage: the export covers every version's sessions.
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire", on_delete=models.CASCADE, related_name="response_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_default="QUEUED"
    )
    progress = models.IntegerField(
        default=0, db_default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    row_count = models.IntegerField(null=True, blank=True)
    file_key = models.CharField(max_length=500, blank=True, default="", db_default="")
    file_size = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="", db_default="")
    # {dateFrom, dateTo, version, industry, status}: what the sessions were filtered by.
    filters = models.JSONField(default=dict, db_default={}, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        db_table = "response_exports"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "questionnaire", "-created_at"], name="idx_response_exports_org"
            ),
        ]
        constraints = [
            choices_check("status", ExportStatus, "response_exports_status_valid"),
            choices_check("format", ExportFormat, "response_exports_format_valid"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="response_exports_progress_range"
            ),
        ]

    def __str__(self):
        # No names: the audit trail copies this text.
        return f"Response export {self.pk} ({self.format}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in EXPORT_UNFINISHED

    @property
    def filters_text(self) -> str:
        """The filters in words, for the list of exports ("" when every session was exported)."""
        from sessions_app.models import SessionStatus

        given = self.filters or {}
        parts = []
        if given.get("dateFrom") or given.get("dateTo"):
            parts.append(f"started {given.get('dateFrom') or '…'} to {given.get('dateTo') or '…'}")
        if given.get("version"):
            parts.append(f"version {given['version']}")
        if given.get("industry"):
            parts.append(f"industry {given['industry']}")
        if given.get("status") in SessionStatus.values:
            parts.append(SessionStatus(given["status"]).label.lower())
        return ", ".join(parts)

    @property
    def file_name(self) -> str:
        """The name a download gets: the questionnaire's name, the day it was made, the format."""
        stem = slugify(self.questionnaire.name)[:60] or "responses"
        return f"{stem}-responses-{timezone.localtime(self.created_at):%Y-%m-%d}.{self.format}"
