"""Reads of the client's flow, always scoped to the client (another client's session is a 404).

The questionnaires a client may start are questionnaires' to say (questionnaires.selectors).
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from questionnaires.rules import industry_key
from questionnaires.structure import structure_load
from sessions_app.flow import industry_question
from sessions_app.models import ChangeRequest, ChangeRequestStatus, Session, SessionStatus

# An admin's preview of a questionnaire (services.preview_start) is a session of their own, flagged
# in its metadata; it is never listed or resumed as a real session.
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


def preview_session_for(*, questionnaire, user) -> Session | None:
    """Return the user's current preview session of this questionnaire, or None."""
    return (
        Session.objects.filter(PREVIEW, questionnaire=questionnaire, user=user)
        .order_by("-started_at")
        .first()
    )


def change_request_for_client(*, session: Session, request_id) -> ChangeRequest:
    """Return a change request of the client's session (found through session_for_client); else a 404."""
    return get_object_or_404(ChangeRequest, pk=request_id, session=session)


def open_change_request(*, session: Session) -> ChangeRequest | None:
    """Return the session's open change request, if a reviewer is waiting for the client."""
    return ChangeRequest.objects.filter(session=session, status=ChangeRequestStatus.OPEN).first()


def industry_choices(*, questionnaire, organization) -> list[str]:
    """Return the industries a client may pick when starting this questionnaire, the organization's first.

    The organization's industries (``settings.industries``, or its one ``settings.industry``), then the
    questionnaire's own and the tags its questions carry; one entry per industry, however it is
    spelt (``industry_key``). Empty when the questionnaire reads the industry from an answer instead.
    """
    structure = structure_load(questionnaire.pk)
    if industry_question(structure) is not None:
        return []
    settings = (organization.settings or {}) if organization is not None else {}
    listed = settings.get("industries") if isinstance(settings.get("industries"), list) else []
    candidates = [*listed, settings.get("industry"), questionnaire.industry]
    candidates += sorted({tag for question in structure.questions for tag in question.industry_tags})
    choices: dict[str, str] = {}
    for candidate in candidates:
        if isinstance(candidate, str) and industry_key(candidate):
            choices.setdefault(industry_key(candidate), candidate.strip()[:100])
    return list(choices.values())
