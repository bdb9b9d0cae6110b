"""The REST API's view of a client's session: progress, the visible questions and the current answers.

Everything is derived from the same `FlowState` the HTML pages use (`services.session_flow()`), so
what is visible, required, answered and missing is decided once, by the rule engine. Hidden answers
are kept on the server (dormant) but never shown here.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api_fields import StrictCharField, StrictUUIDField
from questionnaires.schemas import RESPONSE_VALUE_SCHEMAS
from questionnaires.serializers import (
    QuestionSerializer,
    conditional_question_ids,
    question_data,
    section_data,
)
from questionnaires.structure import structure_load
from sessions_app.flow import FlowState, StoredAnswer
from sessions_app.models import Session, SessionStatus


def _openapi_value_shapes() -> list[dict[str, Any]]:
    """The §5.3 shapes as OpenAPI 3.0 schemas: one per distinct shape, without JSON Schema-only keys."""
    kinds_by_shape: dict[str, list[str]] = {}
    shapes: dict[str, dict[str, Any]] = {}
    for name, schema in RESPONSE_VALUE_SCHEMAS.items():
        shape = copy.deepcopy({k: v for k, v in schema.items() if k not in ("$schema", "title")})
        for prop in shape["properties"].values():
            prop.pop("propertyNames", None)
        # Types that share a shape (TEXT, TEXTAREA, EMAIL, URL…) are built as separate but equal
        # schemas, so they are grouped by content, not by identity.
        key = json.dumps(shape, sort_keys=True)
        shapes.setdefault(key, shape)
        kinds_by_shape.setdefault(key, []).append(name)
    for key, shape in shapes.items():
        shape["description"] = f"For {', '.join(kinds_by_shape[key])} questions."
    return list(shapes.values())


@extend_schema_field(
    {
        "anyOf": _openapi_value_shapes(),
        "nullable": True,
        "description": "The answer in the shape of its question's type (seed 000 §5.3); null clears it. "
        'E.g. {"text": "…"}, {"number": 12}, {"selectedOptionId": "<option id>"}, '
        '{"selectedOptionIds": ["<option id>"]}, {"rating": 4}, {"date": "2025-01-15"}, '
        '{"rows": {"<row id>": "<option id>"}}.',
    }
)
class AnswerValueField(serializers.JSONField):
    pass


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "The stored value in its §5.3 shape.",
    }
)
class StoredValueField(serializers.JSONField):
    pass


# ----------------------------------------------------------------- input


class SessionStartSerializer(serializers.Serializer):
    questionnaire_id = StrictUUIDField()
    industry = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=100,
        help_text="The client's industry, for industry-specific questions; defaults to the organization's.",
    )


class AnswerInputSerializer(serializers.Serializer):
    value = AnswerValueField(allow_null=True)
    time_spent_seconds = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=86_400, help_text="Added to the total."
    )


# ----------------------------------------------------------------- output


class QuestionnaireRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    version = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    percentage = serializers.IntegerField(help_text="Of the visible questions, 0 to 100.")
    answered = serializers.IntegerField()
    total = serializers.IntegerField()


class SessionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    questionnaire = QuestionnaireRefSerializer()
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    industry = serializers.CharField(allow_null=True)
    progress = ProgressSerializer()
    started_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


class AnswerSerializer(serializers.Serializer):
    value = StoredValueField()
    is_valid = serializers.BooleanField()
    errors = serializers.ListField(child=serializers.CharField())
    revision = serializers.IntegerField()


class MissingQuestionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    section_id = serializers.UUIDField()


class SessionQuestionSerializer(QuestionSerializer):
    is_required = serializers.BooleanField(help_text="Required now, after the rules.")
    answer = AnswerSerializer(allow_null=True)


class SessionSectionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    order_index = serializers.IntegerField()
    icon = serializers.CharField(allow_null=True)
    estimated_time = serializers.IntegerField(allow_null=True)
    questions = SessionQuestionSerializer(many=True, help_text="The visible questions only.")


class SessionDetailSerializer(SessionSerializer):
    current_section_id = serializers.UUIDField(allow_null=True)
    minutes_left = serializers.IntegerField(allow_null=True)
    can_complete = serializers.BooleanField()
    missing = MissingQuestionSerializer(many=True, help_text="Required or invalid visible questions.")
    sections = SessionSectionSerializer(many=True, help_text="The visible sections, in order.")


class QuestionChangeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    visible = serializers.BooleanField()
    is_required = serializers.BooleanField()


class AnswerResultSerializer(serializers.Serializer):
    question_id = serializers.UUIDField()
    answer = AnswerSerializer(allow_null=True, help_text="Null when the answer was cleared.")
    progress = ProgressSerializer()
    changes = QuestionChangeSerializer(
        many=True, help_text="Other questions this answer showed, hid, required or unrequired."
    )
    missing = MissingQuestionSerializer(many=True)
    can_complete = serializers.BooleanField()


# ----------------------------------------------------------------- plain data for the serializers


def answer_data(answer: StoredAnswer | None) -> dict | None:
    if answer is None:
        return None
    return {
        "value": answer.value if isinstance(answer.value, dict) else {},
        "is_valid": answer.is_valid,
        "errors": list(answer.errors),
        "revision": answer.revision,
    }


def missing_data(questions) -> list[dict]:
    """Return the questions that still need an answer (``FlowState.missing``) as plain data."""
    return [{"id": q.id, "text": q.text, "section_id": q.section_id} for q in questions]


def session_data(session: Session) -> dict:
    return {
        "id": session.pk,
        "questionnaire": {
            "id": session.questionnaire_id,
            "name": session.questionnaire.name,
            "version": session.questionnaire_version,
        },
        "status": session.status,
        "industry": session.industry,
        "progress": session.progress,
        "started_at": session.started_at,
        "last_activity_at": session.last_activity_at,
        "completed_at": session.completed_at,
        "expires_at": session.expires_at,
    }


def session_detail_data(session: Session, state: FlowState) -> dict:
    """Return the session with its visible sections and questions, each with its current answer."""
    structure = structure_load(session.questionnaire_id)
    conditional = conditional_question_ids(structure)
    sections = []
    for section in state.visible_sections:
        questions = []
        for question in state.section_questions[section.id]:
            item = question_data(question, conditional=conditional)
            item["is_required"] = state.is_required(question.id)
            item["answer"] = answer_data(state.answers.get(question.id))
            questions.append(item)
        sections.append(section_data(section, questions))
    return {
        **session_data(session),
        "progress": state.progress,
        "current_section_id": session.current_section_id,
        "minutes_left": state.minutes_left,
        "can_complete": session.status == SessionStatus.IN_PROGRESS and not state.missing,
        "missing": missing_data(state.missing),
        "sections": sections,
    }


def answer_result_data(*, question_id: str, saved, session: Session) -> dict:
    """Return what one saved answer changed: the answer, progress and other questions' state."""
    state, previous = saved.state, saved.previous
    structure = structure_load(session.questionnaire_id)
    changes = [
        {"id": q.id, "visible": state.is_visible(q.id), "is_required": state.is_required(q.id)}
        for q in structure.questions
        if q.id != question_id
        and (previous.is_visible(q.id), previous.is_required(q.id))
        != (state.is_visible(q.id), state.is_required(q.id))
    ]
    return {
        "question_id": question_id,
        "answer": answer_data(saved.answer),
        "progress": state.progress,
        "changes": changes,
        "missing": missing_data(state.missing),
        "can_complete": not state.missing,
    }
