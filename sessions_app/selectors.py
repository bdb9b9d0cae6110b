"""Reads of the client's flow, always scoped to the client (another client's session is a 404)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from questionnaires.models import Questionnaire
from sessions_app.models import Session, SessionStatus


def questionnaires_for_client(*, user):
    """The latest published, active version of each questionnaire the user's organization may use."""
    scope = Q(organization__isnull=True)
    if user.organization_id:
        scope |= Q(organization_id=user.organization_id)
    latest = (
        Questionnaire.objects.filter(scope, is_active=True, published_at__isnull=False)
        .order_by("lineage_id", "-version")
        .distinct("lineage_id")
    )
    return sorted(latest, key=lambda q: q.name.lower())


def questionnaire_for_client(*, user, questionnaire_id) -> Questionnaire:
    scope = Q(organization__isnull=True)
    if user.organization_id:
        scope |= Q(organization_id=user.organization_id)
    return get_object_or_404(
        Questionnaire.objects.filter(scope, is_active=True, published_at__isnull=False), pk=questionnaire_id
    )


# An admin's preview of a questionnaire (questionnaires.services.questionnaire_preview_start) is a
# session of their own, flagged in its metadata; it is never listed or resumed as a real session.
PREVIEW = Q(metadata__contains={"preview": True})


def sessions_for_client(*, user):
    return (
        Session.objects.filter(user=user)
        .exclude(PREVIEW)
        .select_related("questionnaire")
        .order_by("-last_activity_at")
    )


def session_for_client(*, user, session_id) -> Session:
    """Return the client's own session; anyone else's is a 404."""
    return get_object_or_404(Session.objects.select_related("questionnaire"), pk=session_id, user=user)


def session_in_progress_for(*, user, questionnaire) -> Session | None:
    return (
        Session.objects.filter(user=user, questionnaire=questionnaire, status=SessionStatus.IN_PROGRESS)
        .exclude(PREVIEW)
        .first()
    )
