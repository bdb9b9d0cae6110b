"""REST API: the questionnaires a caller may answer, and one questionnaire with its structure.

Scoped by the same selectors as the client's pages: the shared catalogue plus the caller's
organization, published and active only; anything else is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework.response import Response

from accounts.authentication import ApiView, api_schema
from core.api_errors import ErrorSerializer
from questionnaires import selectors
from questionnaires.serializers import (
    QuestionnaireDetailSerializer,
    QuestionnaireSerializer,
    questionnaire_detail_data,
)
from questionnaires.structure import structure_load

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No valid API key or session."),
    403: OpenApiResponse(ErrorSerializer, description="The key lacks the scope."),
    429: OpenApiResponse(ErrorSerializer, description="The key's hourly limit is used up."),
}


class QuestionnaireListApi(ApiView):
    required_scopes = {"GET": "questionnaires:read"}
    serializer_class = QuestionnaireSerializer

    @api_schema(
        operation_id="questionnaires_list",
        summary="List the questionnaires you may start",
        tags=["questionnaires"],
        responses={
            200: QuestionnaireSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="A malformed limit or offset."),
            **ERRORS,
        },
    )
    def get(self, request):
        questionnaires = selectors.questionnaires_for_client(user=request.user)
        page = self.paginate_queryset(questionnaires)
        return self.get_paginated_response(QuestionnaireSerializer(page, many=True).data)


class QuestionnaireDetailApi(ApiView):
    required_scopes = {"GET": "questionnaires:read"}
    serializer_class = QuestionnaireDetailSerializer

    @api_schema(
        operation_id="questionnaires_retrieve",
        summary="Read a questionnaire with its sections and questions",
        description="Every section and question in display order. Visibility rules are not exposed: "
        "a session's detail says which questions are visible and required for its answers.",
        tags=["questionnaires"],
        responses={
            200: QuestionnaireDetailSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such questionnaire for you."),
            **ERRORS,
        },
    )
    def get(self, request, questionnaire_id):
        questionnaire = selectors.questionnaire_for_client(
            user=request.user, questionnaire_id=questionnaire_id
        )
        structure = structure_load(questionnaire.pk)
        data = questionnaire_detail_data(questionnaire, structure)
        return Response(QuestionnaireDetailSerializer(data).data)
