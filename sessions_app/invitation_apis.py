"""REST API of invitations: staff's programs invite clients, list the organization's invitations, revoke one.

The key's user must be an organization's staff holding the invitation permission the call needs (the
same check as the pages, sessions_app.invitation_selectors.may), else 403; another organization's
invitation is a 404. Inviting calls the same service as the pages, so the checks and the e-mail are
the same.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from accounts.authentication import ApiView, api_schema
from core.api_errors import ApiError, ErrorSerializer
from questionnaires.models import Questionnaire
from sessions_app import invitation_selectors as selectors
from sessions_app import invitations as services
from sessions_app.invitation_models import InvitationStatus
from sessions_app.invitation_serializers import (
    InvitationCreateSerializer,
    InvitationSerializer,
    invitation_data,
)

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No valid API key or session."),
    403: OpenApiResponse(
        ErrorSerializer,
        description="`insufficient_scope`: the key lacks the scope; `permission_denied`: its user is not "
        "staff holding the invitation permission (or a CSRF failure).",
    ),
    429: OpenApiResponse(ErrorSerializer, description="The key's hourly limit is used up."),
}
BAD_REQUEST = {400: OpenApiResponse(ErrorSerializer, description="Malformed JSON or invalid fields.")}


def _require(request, permission: str, what: str) -> None:
    if not selectors.may(request.user, permission):
        raise exceptions.PermissionDenied(f"Only your organization's staff who may {what} can do this.")


class InvitationListApi(ApiView):
    required_scopes = {"GET": "invitations:read", "POST": "invitations:write"}
    serializer_class = InvitationSerializer

    @api_schema(
        operation_id="invitations_list",
        summary="List your organization's invitations, newest first",
        tags=["invitations"],
        parameters=[
            OpenApiParameter("status", str, enum=InvitationStatus.values, description="Only this status.")
        ],
        responses={200: InvitationSerializer(many=True), **BAD_REQUEST, **ERRORS},
    )
    def get(self, request):
        _require(request, selectors.VIEW, "view invitations")
        wanted = request.query_params.get("status")
        if wanted is not None and wanted not in InvitationStatus.values:
            raise exceptions.ValidationError(
                {"status": [f"Choose one of {', '.join(InvitationStatus.values)}."]}
            )
        invitations = selectors.invitations_for_staff(user=request.user, status=wanted)
        page = self.paginate_queryset(invitations)
        return self.get_paginated_response(
            InvitationSerializer([invitation_data(i) for i in page], many=True).data
        )

    @api_schema(
        operation_id="invitations_create",
        summary="Invite a client to a questionnaire by e-mail",
        description="Sends the client an e-mail with a single-use link, valid for INVITATION_LINK_DAYS "
        "(14 by default) or until the due date if sooner. An address without an account gets a client "
        "account of your organization, with no password until the client chooses one through the link. "
        "Refused with 400 (nothing sent) when the address is invalid, belongs to a staff account, a "
        "deactivated account or an account outside your organization, already holds a working "
        "invitation to the questionnaire, or when the due date has passed.",
        tags=["invitations"],
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer, **BAD_REQUEST, **ERRORS},
    )
    def post(self, request):
        _require(request, selectors.ADD, "invite clients")
        body = InvitationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        questionnaire = Questionnaire.objects.filter(pk=data["questionnaire_id"]).first()
        if questionnaire is None:
            raise exceptions.ValidationError(
                {"questionnaire_id": ["Choose one of your organization's published questionnaires."]}
            )
        try:
            invitation = services.invitation_create(
                organization=request.user.organization,
                questionnaire=questionnaire,
                email=data["email"],
                due_date=data.get("due_date"),
                message=data.get("message") or "",
                invited_by=request.user,
            )
        except services.InvitationRefused as refused:
            fields = {"questionnaire": "questionnaire_id"}
            raise exceptions.ValidationError(
                {fields.get(field, field): messages for field, messages in refused.errors[0].items()}
            ) from None
        invitation = selectors.invitation_for_staff(user=request.user, invitation_id=invitation.pk)
        return Response(
            InvitationSerializer(invitation_data(invitation)).data, status=status.HTTP_201_CREATED
        )


class InvitationRevokeApi(ApiView):
    required_scopes = {"POST": "invitations:write"}
    serializer_class = InvitationSerializer

    @api_schema(
        operation_id="invitations_revoke",
        summary="Revoke an invitation: its link stops working",
        description="Revoking a revoked invitation changes nothing (200). An invitation the client has "
        "already accepted cannot be revoked (409 `invitation_accepted`).",
        tags=["invitations"],
        request=None,
        responses={
            200: InvitationSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such invitation in your organization."),
            409: OpenApiResponse(ErrorSerializer, description="The client has already accepted it."),
            **ERRORS,
        },
    )
    def post(self, request, invitation_id):
        invitation = selectors.invitation_for_staff(user=request.user, invitation_id=invitation_id)
        _require(request, selectors.CHANGE, "change invitations")
        try:
            invitation = services.invitation_revoke(invitation=invitation, actor=request.user)
        except services.InvitationClosed as closed:
            raise ApiError(
                status_code=status.HTTP_409_CONFLICT, code="invitation_accepted", message=str(closed)
            ) from None
        invitation = selectors.invitation_for_staff(user=request.user, invitation_id=invitation.pk)
        return Response(InvitationSerializer(invitation_data(invitation)).data)
