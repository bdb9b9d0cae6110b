"""Document types and the documents generated from completed sessions (seed 000 §4.4)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from core.basemodels import TimestampedModel, choices_check


def default_output_formats():
    return ["PDF", "DOCX"]


class DocumentCategory(models.TextChoices):
    CTO = "CTO", "CTO"
    CFO = "CFO", "CFO"
    BA = "BA", "Business analysis"


class DocumentType(TimestampedModel):
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(null=True, blank=True)
    category = models.CharField(max_length=10, choices=DocumentCategory.choices)
    template_path = models.CharField(max_length=500, null=True, blank=True)
    required_questions = ArrayField(models.UUIDField(), null=True, blank=True)
    output_formats = ArrayField(
        models.CharField(max_length=10), default=default_output_formats, db_default=default_output_formats()
    )
    estimated_pages = models.IntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True, db_default=True)
    metadata = models.JSONField(default=dict, db_default={}, blank=True)

    class Meta:
        db_table = "document_types"
        ordering = ["category", "name"]
        indexes = [
            models.Index(fields=["category"], name="idx_document_types_category"),
            models.Index(fields=["is_active"], name="idx_document_types_active"),
        ]
        constraints = [choices_check("category", DocumentCategory, "document_types_category_valid")]

    def __str__(self):
        return self.name


class DocumentStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    GENERATING = "GENERATING", "Generating"
    GENERATED = "GENERATED", "Generated"
    PENDING_REVIEW = "PENDING_REVIEW", "Waiting for review"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    FAILED = "FAILED", "Failed"


class DocumentFormat(models.TextChoices):
    PDF = "PDF", "PDF"
    DOCX = "DOCX", "Word (DOCX)"


# The status machine of DESIGN.md, enforced here and nowhere else. Generation ends by moving a
# document from GENERATED to PENDING_REVIEW; a FAILED document goes back to PENDING when retried.
# Regenerating a REJECTED document creates the next version as a new row, so REJECTED is final for
# its row and keeps the record of what was rejected and why.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    DocumentStatus.PENDING: frozenset({DocumentStatus.GENERATING}),
    DocumentStatus.GENERATING: frozenset({DocumentStatus.GENERATED, DocumentStatus.FAILED}),
    DocumentStatus.GENERATED: frozenset({DocumentStatus.PENDING_REVIEW}),
    DocumentStatus.PENDING_REVIEW: frozenset({DocumentStatus.APPROVED, DocumentStatus.REJECTED}),
    DocumentStatus.APPROVED: frozenset(),
    DocumentStatus.REJECTED: frozenset(),
    DocumentStatus.FAILED: frozenset({DocumentStatus.PENDING}),
}


class IllegalTransition(Exception):
    """A document was asked to move to a status its current status does not lead to."""

    def __init__(self, current: str, target: str):
        super().__init__(
            f"This document is {DocumentStatus(current).label.lower()}: "
            f"it cannot become {DocumentStatus(target).label.lower()}."
        )
        self.current, self.target = current, target


class Document(TimestampedModel):
    session = models.ForeignKey(
        "sessions_app.Session", on_delete=models.CASCADE, related_name="documents", db_index=False
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", db_index=False
    )
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING, db_default="PENDING"
    )
    format = models.CharField(
        max_length=10, choices=DocumentFormat.choices, default=DocumentFormat.PDF, db_default="PDF"
    )
    storage_url = models.CharField(max_length=1000, null=True, blank=True)
    file_name = models.CharField(max_length=255, null=True, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True)
    page_count = models.IntegerField(null=True, blank=True)
    version = models.IntegerField(default=1, db_default=1)
    generation_metadata = models.JSONField(null=True, blank=True)
    # generation_metadata: { startedAt, completedAt, duration, errors }
    review_status = models.JSONField(default=dict, db_default={}, blank=True)
    # review: { assignedTo, comments, internalNotes }
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_column="approved_by",
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "documents"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["session"], name="idx_documents_session"),
            models.Index(fields=["document_type"], name="idx_documents_type"),
            models.Index(fields=["status"], name="idx_documents_status"),
            models.Index(fields=["generated_at"], name="idx_documents_generated"),
            models.Index(fields=["session", "status"], name="idx_documents_session_status"),
            models.Index(
                fields=["created_at"],
                name="idx_documents_pending_review",
                condition=Q(status="PENDING_REVIEW"),
            ),
        ]
        constraints = [
            choices_check("status", DocumentStatus, "documents_status_valid"),
            choices_check("format", DocumentFormat, "documents_format_valid"),
            # One row per document, format and version: a completion or a regeneration that runs
            # twice cannot create a second copy.
            models.UniqueConstraint(
                fields=["session", "document_type", "format", "version"],
                name="documents_session_type_format_version_unique",
            ),
        ]

    def __str__(self):
        return f"{self.document_type} v{self.version} ({self.format}, {self.status})"

    def can_transition_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS.get(self.status, frozenset())

    def transition_to(self, status: str) -> tuple[str, str]:
        """Move to ``status`` in memory and return (before, after); raise IllegalTransition if not allowed.

        The caller saves the row and records the audit entry in the same transaction.
        """
        if not self.can_transition_to(status):
            raise IllegalTransition(self.status, status)
        before, self.status = self.status, DocumentStatus(status)
        return before, self.status

    @property
    def extension(self) -> str:
        return "pdf" if self.format == DocumentFormat.PDF else "docx"

    @property
    def content_type(self) -> str:
        if self.format == DocumentFormat.PDF:
            return "application/pdf"
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    @property
    def has_file(self) -> bool:
        return bool(self.storage_url)


class DocumentOutbox(models.Model):
    """A generation message still to be handed to the broker: the documents' transactional outbox.

    The row is written in the transaction that makes the document PENDING, so it exists exactly when
    that transaction commits; it is deleted once the message is on the queue. A broker outage leaves
    the rows here, with the last error, until a later drain sends them.
    """

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="outbox_entry"
    )
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    attempts = models.IntegerField(default=0, db_default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(null=True, blank=True)

    class Meta:
        db_table = "document_outbox"
        ordering = ["created_at"]
        verbose_name = "document waiting for the broker"
        verbose_name_plural = "documents waiting for the broker"
        indexes = [models.Index(fields=["created_at"], name="idx_document_outbox_created")]

    def __str__(self):
        return f"Generation of document {self.document_id} (tried {self.attempts} times)"


class Impact(models.TextChoices):
    HIGH = "HIGH", "High"
    MEDIUM = "MEDIUM", "Medium"
    LOW = "LOW", "Low"


class Timeframe(models.TextChoices):
    # The roadmap's phases, in order (documents/blocks.py TIMEFRAMES names them in documents).
    NOW = "NOW", "Now (0–3 months)"
    NEXT_QUARTER = "NEXT_QUARTER", "Next quarter"
    THIS_YEAR = "THIS_YEAR", "Later this year"
    NEXT_YEAR = "NEXT_YEAR", "Next year"


class Recommendation(TimestampedModel):
    """One entry of the recommendations library (docs/documents.md, "Recommendations").

    Extra to the seed. NULL organization is the shared library every organization's documents draw
    on (superusers edit it); an organization adds its own. Empty ``document_types`` means every type.
    """

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_column="org_id",
        related_name="recommendations",
        help_text="The organization whose documents use it; empty (operators only) is the shared library "
        "that every organization's documents use.",
    )
    key = models.SlugField(max_length=100, help_text="A stable name, cited in documents' provenance.")
    title = models.CharField(max_length=300, help_text="What to do, as the roadmap names the initiative.")
    document_types = ArrayField(
        models.SlugField(max_length=100),
        default=list,
        blank=True,
        help_text="The document types that include it; none selected means every type.",
    )
    condition = models.JSONField(
        default=dict,
        blank=True,
        help_text="When it applies, in the visibility rules' shape, with question keys and option values. "
        "Empty: always.",
    )
    priority = models.PositiveSmallIntegerField(default=3, help_text="1 is the most urgent, 5 the least.")
    impact = models.CharField(max_length=10, choices=Impact.choices, default=Impact.MEDIUM)
    effort = models.CharField(max_length=10, choices=Impact.choices, default=Impact.MEDIUM)
    timeframe = models.CharField(max_length=20, choices=Timeframe.choices, default=Timeframe.THIS_YEAR)
    owner_role = models.CharField(max_length=100, blank=True, help_text="Who owns it, e.g. CTO.")
    finding = models.TextField(blank=True, help_text="Template: what the answers show.")
    rationale = models.TextField(blank=True, help_text="Template: why this follows, citing the answers.")
    risk = models.TextField(blank=True, help_text="Template: what happens if nothing is done.")
    is_active = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "recommendations"
        ordering = ["priority", "key"]
        indexes = [models.Index(fields=["organization", "is_active"], name="idx_recommendations_org")]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"],
                name="recommendations_key_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=5), name="recommendations_priority_range"
            ),
            choices_check("impact", Impact, "recommendations_impact_valid"),
            choices_check("effort", Impact, "recommendations_effort_valid"),
            choices_check("timeframe", Timeframe, "recommendations_timeframe_valid"),
        ]

    def __str__(self):
        return self.title
