"""The REST API's view of a questionnaire: what a client needs to show and answer it.

Built from the plain structure (`questionnaires.structure`), never per-question ORM reads. Visibility
rules, document mappings, industry tags and internal metadata are not part of it: what is visible and
required for a client is decided on the server and read from the session (`sessions_app.serializers`);
`is_conditional` only warns that a question's visibility or requirement depends on answers.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from questionnaires.structure import QuestionData, QuestionnaireStructure, SectionData
from questionnaires.types import QUESTION_TYPES

_ANY: dict[str, Any] = {"description": "Any JSON value."}

OPTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "label"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "label": {"type": "string"},
        "description": {"type": "string"},
        "icon": {"type": "string"},
        "value": {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]},
        "isExclusive": {"type": "boolean"},
        "order": {"type": "integer"},
    },
}
MATRIX_ROW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "label"],
    "properties": {
        "id": {"type": "string"},
        "label": {"type": "string"},
        "description": {"type": "string"},
        "order": {"type": "integer"},
    },
}


@extend_schema_field(
    {
        "type": "array",
        "items": OPTION_SCHEMA,
        "nullable": True,
        "description": "The choices (seed 000 §5.1): a SINGLE_CHOICE or MULTIPLE_CHOICE answer names "
        "their ids; a MATRIX question uses them as its columns.",
    }
)
class OptionsField(serializers.JSONField):
    pass


@extend_schema_field(
    {
        "type": "array",
        "items": MATRIX_ROW_SCHEMA,
        "nullable": True,
        "description": "A MATRIX question's rows; null for every other type.",
    }
)
class MatrixRowsField(serializers.JSONField):
    pass


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "nullable": True,
        "description": "Limits checked on the server: minLength, maxLength, min, max, step, pattern, "
        "customMessage, maxFileSize, allowedTypes.",
    }
)
class ValidationRulesField(serializers.JSONField):
    pass


@extend_schema_field({**_ANY, "nullable": True})
class AnyJSONField(serializers.JSONField):
    pass


class QuestionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    type = serializers.ChoiceField(choices=QUESTION_TYPES)
    help_text = serializers.CharField(allow_null=True)
    explanation = serializers.CharField(allow_null=True)
    placeholder = serializers.CharField(allow_null=True)
    order_index = serializers.IntegerField()
    is_required = serializers.BooleanField(
        help_text="Required before any rule applies; a session's detail gives the current answer."
    )
    is_conditional = serializers.BooleanField(
        help_text="Rules may show, hide, require or unrequire this question as answers change."
    )
    options = OptionsField()
    rows = MatrixRowsField()
    validation_rules = ValidationRulesField()
    default_value = AnyJSONField(help_text="A §5.3 value to pre-fill, or null.")
    suggested_answer = AnyJSONField(help_text="{value, reason, confidence}, or null.")


class SectionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    order_index = serializers.IntegerField()
    icon = serializers.CharField(allow_null=True)
    estimated_time = serializers.IntegerField(allow_null=True, help_text="Minutes.")
    questions = QuestionSerializer(many=True)


class QuestionnaireSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    industry = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    estimated_time = serializers.IntegerField(allow_null=True, help_text="Minutes.")
    published_at = serializers.DateTimeField(allow_null=True)


class QuestionnaireDetailSerializer(QuestionnaireSerializer):
    sections = SectionSerializer(many=True)


# ----------------------------------------------------------------- plain data for the serializers


def matrix_rows(question: QuestionData) -> list[dict] | None:
    rows = (question.metadata or {}).get("rows") if question.type == "MATRIX" else None
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else None


def question_data(question: QuestionData, *, conditional: frozenset[str] = frozenset()) -> dict:
    """Return the client-facing fields of one question."""
    return {
        "id": question.id,
        "text": question.text,
        "type": question.type,
        "help_text": question.help_text,
        "explanation": question.explanation,
        "placeholder": question.placeholder,
        "order_index": question.order_index,
        "is_required": question.is_required,
        "is_conditional": question.id in conditional,
        "options": question.options,
        "rows": matrix_rows(question),
        "validation_rules": question.validation_rules,
        "default_value": question.default_value,
        "suggested_answer": question.suggested_answer,
    }


def section_data(section: SectionData, questions) -> dict:
    return {
        "id": section.id,
        "name": section.name,
        "description": section.description,
        "order_index": section.order_index,
        "icon": section.icon,
        "estimated_time": section.estimated_time,
        "questions": questions,
    }


def conditional_question_ids(structure: QuestionnaireStructure) -> frozenset[str]:
    """Return the questions whose visibility or requirement some active rule, or an industry, decides."""
    targeted = {target for rule in structure.rules if rule.is_active for target in rule.target_question_ids}
    targeted.update(question.id for question in structure.questions if question.industry_tags)
    return frozenset(targeted)


def questionnaire_detail_data(questionnaire, structure: QuestionnaireStructure) -> dict:
    """Return the questionnaire with every section and question, in display order."""
    conditional = conditional_question_ids(structure)
    return {
        "id": questionnaire.pk,
        "name": questionnaire.name,
        "description": questionnaire.description,
        "industry": questionnaire.industry,
        "version": questionnaire.version,
        "estimated_time": questionnaire.estimated_time,
        "published_at": questionnaire.published_at,
        "sections": [
            section_data(section, [question_data(q, conditional=conditional) for q in section.questions])
            for section in structure.sections
        ],
    }
