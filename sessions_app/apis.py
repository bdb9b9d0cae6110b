"""REST API of the client's flow: start, list, read, answer and complete sessions.

Each view parses JSON, calls the same selector or service as the HTML pages and serialises the
result: scoping (another client's session is a 404), visibility, validation and progress are decided
there, once. An answer that fails validation is refused with a 422 and leaves nothing behind: the
API saves it inside a transaction that it rolls back (the HTML pages, by contrast, keep what a person
typed).
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from accounts.authentication import ApiView, api_schema
from audit.context import header_text
from core.api_errors import ApiError, ErrorSerializer
from questionnaires import selectors as questionnaire_selectors
from questionnaires.structure import structure_load
from sessions_app import selectors, services
from sessions_app.models import SessionStatus
from sessions_app.serializers import (
    AnswerInputSerializer,
    AnswerResultSerializer,
    SessionDetailSerializer,
    SessionSerializer,
    SessionStartSerializer,
    answer_result_data,
    missing_data,
    session_data,
    session_detail_data,
)

UNPROCESSABLE = status.HTTP_422_UNPROCESSABLE_ENTITY

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No valid API key or session."),
    403: OpenApiResponse(ErrorSerializer, description="The key lacks the scope (or a CSRF failure)."),
    429: OpenApiResponse(ErrorSerializer, description="The key's hourly limit is used up."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such session for you.")}
BAD_REQUEST = {400: OpenApiResponse(ErrorSerializer, description="Malformed JSON or invalid fields.")}
CLOSED = {409: OpenApiResponse(ErrorSerializer, description="The session is completed, expired or abandoned")}

ANSWER_SCHEMA = {
    "summary": "Answer a question",
    "description": "Send the answer in its §5.3 shape as `value` (null clears it); PUT and POST do the "
    "same. The answer is validated against the question's type and rules: an invalid one is refused "
    "with 422 and nothing is saved. A question that is hidden right now, or not in this "
    "questionnaire, is a 422 too. FILE_UPLOAD questions are answered in the browser; the API can only "
    "clear them.",
    "tags": ["sessions"],
    "request": AnswerInputSerializer,
    "responses": {
        200: AnswerResultSerializer,
        422: OpenApiResponse(
            ErrorSerializer,
            description="`invalid_answer` (details.errors lists why), `question_unavailable` or "
            "`file_upload_unsupported`.",
        ),
        **BAD_REQUEST,
        **NOT_FOUND,
        **CLOSED,
        **ERRORS,
    },
}


def _detail_response(session, *, status_code=status.HTTP_200_OK) -> Response:
    state = services.session_flow(session=session)
    return Response(SessionDetailSerializer(session_detail_data(session, state)).data, status=status_code)


def _closed(closed: services.SessionClosed) -> ApiError:
    return ApiError(status_code=status.HTTP_409_CONFLICT, code="session_closed", message=str(closed))


class _AnswerRefused(Exception):
    def __init__(self, errors):
        super().__init__("The answer is not valid.")
        self.errors = list(errors)


class SessionListApi(ApiView):
    required_scopes = {"GET": "sessions:read", "POST": "sessions:write"}
    serializer_class = SessionSerializer

    @api_schema(
        operation_id="sessions_list",
        summary="List your sessions, most recently active first",
        tags=["sessions"],
        parameters=[
            OpenApiParameter("status", str, enum=SessionStatus.values, description="Only this status.")
        ],
        responses={200: SessionSerializer(many=True), **BAD_REQUEST, **ERRORS},
    )
    def get(self, request):
        sessions = selectors.sessions_for_client(user=request.user)
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in SessionStatus.values:
                raise exceptions.ValidationError(
                    {"status": [f"Choose one of {', '.join(SessionStatus.values)}."]}
                )
            sessions = sessions.filter(status=wanted)
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(
            SessionSerializer([session_data(session) for session in page], many=True).data
        )

    @api_schema(
        operation_id="sessions_create",
        summary="Start a session, or resume the one in progress",
        description="Starts a session of the questionnaire pinned to its current version. If you already "
        "have one in progress for it, that session is returned with 200 instead of a new one (201).",
        tags=["sessions"],
        request=SessionStartSerializer,
        responses={
            200: OpenApiResponse(SessionDetailSerializer, description="Your session already in progress."),
            201: OpenApiResponse(SessionDetailSerializer, description="A new session."),
            404: OpenApiResponse(ErrorSerializer, description="No such questionnaire for you."),
            **BAD_REQUEST,
            **ERRORS,
        },
    )
    def post(self, request):
        body = SessionStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        questionnaire = questionnaire_selectors.questionnaire_for_client(
            user=request.user, questionnaire_id=body.validated_data["questionnaire_id"]
        )
        existing = selectors.session_in_progress_for(user=request.user, questionnaire=questionnaire)
        if existing is not None:
            session = selectors.session_for_client(user=request.user, session_id=existing.pk)
            return _detail_response(session)
        industry = (body.validated_data.get("industry") or "").strip()[:100] or None
        created = services.session_start(
            user=request.user,
            questionnaire=questionnaire,
            industry=industry,
            metadata={
                "userAgent": header_text(request, "HTTP_USER_AGENT", limit=500),
                "deviceType": "api",
                "referrer": "",
            },
        )
        session = selectors.session_for_client(user=request.user, session_id=created.pk)
        return _detail_response(session, status_code=status.HTTP_201_CREATED)


class SessionDetailApi(ApiView):
    required_scopes = {"GET": "sessions:read"}
    serializer_class = SessionDetailSerializer

    @api_schema(
        operation_id="sessions_retrieve",
        summary="Read a session: progress, visible questions and current answers",
        tags=["sessions"],
        responses={200: SessionDetailSerializer, **NOT_FOUND, **ERRORS},
    )
    def get(self, request, session_id):
        session = selectors.session_for_client(user=request.user, session_id=session_id)
        return _detail_response(session)


class SessionAnswerApi(ApiView):
    required_scopes = {"PUT": "sessions:write", "POST": "sessions:write"}
    serializer_class = AnswerInputSerializer

    @api_schema(operation_id="sessions_answer", **ANSWER_SCHEMA)
    def put(self, request, session_id, question_id):
        session = selectors.session_for_client(user=request.user, session_id=session_id)
        body = AnswerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        value = body.validated_data["value"]
        question_id = str(question_id)
        if value is not None and _question_type(session, question_id) == "FILE_UPLOAD":
            raise ApiError(
                status_code=UNPROCESSABLE,
                code="file_upload_unsupported",
                message="Upload files in the browser; the API can only clear a file answer (value null).",
            )
        try:
            with transaction.atomic():
                saved = services.response_save(
                    session=session,
                    question_id=question_id,
                    data=None,
                    value=value,
                    time_spent_seconds=body.validated_data.get("time_spent_seconds"),
                    actor=request.user,
                )
                if saved.result.errors:
                    raise _AnswerRefused(saved.result.errors)  # rolls the save back
        except services.SessionClosed as closed:
            raise _closed(closed) from None
        except services.QuestionUnavailable as unavailable:
            raise ApiError(
                status_code=UNPROCESSABLE, code="question_unavailable", message=str(unavailable)
            ) from None
        except _AnswerRefused as refused:
            raise ApiError(
                status_code=UNPROCESSABLE,
                code="invalid_answer",
                message=" ".join(refused.errors),
                details={"errors": refused.errors},
            ) from None
        data = answer_result_data(question_id=question_id, saved=saved, session=session)
        return Response(AnswerResultSerializer(data).data)

    @api_schema(operation_id="sessions_answer_post", **ANSWER_SCHEMA)
    def post(self, request, session_id, question_id):
        return self.put(request, session_id, question_id)


def _question_type(session, question_id: str) -> str | None:
    try:
        return structure_load(session.questionnaire_id).question(question_id).type
    except KeyError:
        return None


class SessionCompleteApi(ApiView):
    required_scopes = {"POST": "sessions:write"}
    serializer_class = SessionDetailSerializer

    @api_schema(
        operation_id="sessions_complete",
        summary="Complete a session",
        description="Refused with 422 `session_incomplete` while a visible required question is "
        "unanswered or invalid (details.missing lists them), and with 409 when the session is closed.",
        tags=["sessions"],
        request=None,
        responses={
            200: SessionDetailSerializer,
            422: OpenApiResponse(ErrorSerializer, description="Questions still need an answer."),
            **NOT_FOUND,
            **CLOSED,
            **ERRORS,
        },
    )
    def post(self, request, session_id):
        session = selectors.session_for_client(user=request.user, session_id=session_id)
        try:
            services.session_complete(session=session, actor=request.user)
        except services.SessionClosed as closed:
            raise _closed(closed) from None
        except services.SessionIncomplete as incomplete:
            raise ApiError(
                status_code=UNPROCESSABLE,
                code="session_incomplete",
                message=str(incomplete),
                details={"missing": missing_data(incomplete.missing)},
            ) from None
        session = selectors.session_for_client(user=request.user, session_id=session.pk)
        return _detail_response(session)
