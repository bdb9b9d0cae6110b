"""Questionnaires, their sections, questions and visibility rules (seed 000 §4.2).

The rule semantics live in questionnaires/rules.py; these models only store what it reads.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from core.basemodels import TimestampedModel, choices_check
from questionnaires.types import TYPES


class Questionnaire(TimestampedModel):
    # Extra to the seed: the owning organization (NULL = the shared catalogue every organization sees)
    # and the lineage that ties the versions of one questionnaire together.
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_column="org_id",
        related_name="questionnaires",
    )
    lineage_id = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)

    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    industry = models.CharField(max_length=100, null=True, blank=True)
    version = models.IntegerField(default=1, db_default=1)
    is_active = models.BooleanField(default=True, db_default=True)
    is_default = models.BooleanField(default=False, db_default=False)
    estimated_time = models.IntegerField(null=True, blank=True, help_text="Minutes.")
    metadata = models.JSONField(default=dict, db_default={}, blank=True)
    # metadata: { tags, difficulty, target_audience }
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_column="created_by",
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "questionnaires"
        ordering = ["name", "-version"]
        indexes = [
            models.Index(fields=["industry"], name="idx_questionnaires_industry"),
            models.Index(fields=["is_active"], name="idx_questionnaires_active"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lineage_id", "version"], name="questionnaires_lineage_version_key"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Section(TimestampedModel):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections", db_index=False
    )
    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    order_index = models.IntegerField()
    icon = models.CharField(max_length=50, null=True, blank=True)
    estimated_time = models.IntegerField(null=True, blank=True, help_text="Minutes.")
    metadata = models.JSONField(default=dict, db_default={}, blank=True)

    class Meta:
        db_table = "sections"
        ordering = ["questionnaire", "order_index"]
        indexes = [
            models.Index(fields=["questionnaire"], name="idx_sections_questionnaire"),
            models.Index(fields=["questionnaire", "order_index"], name="idx_sections_order"),
        ]

    def __str__(self):
        return self.name


# TEXT, TEXTAREA, … MATRIX, with their labels, as questionnaires.types declares them.
QuestionType = models.TextChoices(
    "QuestionType", [(name, (name, spec.label)) for name, spec in TYPES.items()], module=__name__
)


class Question(TimestampedModel):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", db_index=False)
    text = models.TextField()
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    help_text = models.TextField(null=True, blank=True)
    explanation = models.TextField(null=True, blank=True)
    placeholder = models.CharField(max_length=255, null=True, blank=True)
    order_index = models.IntegerField()
    is_required = models.BooleanField(default=False, db_default=False)
    options = models.JSONField(null=True, blank=True)
    # options: [{ id, label, description, icon, value }]
    validation_rules = models.JSONField(null=True, blank=True)
    # validation: { minLength, maxLength, min, max, pattern, customMessage }
    default_value = models.JSONField(null=True, blank=True)
    suggested_answer = models.JSONField(null=True, blank=True)
    # suggested: { value, reason, confidence }
    industry_tags = ArrayField(models.CharField(max_length=50), null=True, blank=True)
    document_mappings = models.JSONField(null=True, blank=True)
    # mappings: [{ documentType, section, field }]
    metadata = models.JSONField(default=dict, db_default={}, blank=True)

    class Meta:
        db_table = "questions"
        ordering = ["section", "order_index"]
        indexes = [
            models.Index(fields=["section"], name="idx_questions_section"),
            models.Index(fields=["section", "order_index"], name="idx_questions_order"),
            models.Index(fields=["type"], name="idx_questions_type"),
            GinIndex(fields=["industry_tags"], name="idx_questions_industry"),
            GinIndex(fields=["options"], name="idx_questions_options"),
            # idx_questions_text_search is created with the seed's exact expression in a migration.
        ]
        constraints = [choices_check("type", QuestionType, "questions_type_valid")]

    def __str__(self):
        return self.text[:80]


class RuleAction(models.TextChoices):
    SHOW = "SHOW", "Show"
    HIDE = "HIDE", "Hide"
    REQUIRE = "REQUIRE", "Require"
    UNREQUIRE = "UNREQUIRE", "Unrequire"


class VisibilityRule(TimestampedModel):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="visibility_rules", db_index=False
    )
    condition = models.JSONField()
    # condition: { field, operator, value, logicalOp, nested }
    action = models.CharField(max_length=20, choices=RuleAction.choices)
    target_question_ids = ArrayField(models.UUIDField())
    priority = models.IntegerField(default=0, db_default=0)
    is_active = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "visibility_rules"
        ordering = ["question", "-priority", "created_at"]
        indexes = [
            models.Index(fields=["question"], name="idx_visibility_rules_question"),
            GinIndex(fields=["target_question_ids"], name="idx_visibility_rules_targets"),
        ]
        constraints = [choices_check("action", RuleAction, "visibility_rules_action_valid")]

    def __str__(self):
        return f"{self.action} {len(self.target_question_ids or [])} question(s)"
