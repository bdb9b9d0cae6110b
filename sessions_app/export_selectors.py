"""Reads for response exports: the questionnaire staff may export, its sessions, past exports.

Staff act for their own organization (``user.organization``): they may export a questionnaire their
organization owns or a shared catalogue one, and only their organization's sessions of it; another
organization's questionnaire or export is a 404. Who may do what is decided here, for the pages and the
API alike. The writes are in sessions_app/export_services.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from questionnaires.models import Questionnaire
from questionnaires.selectors import questionnaires_visible_to
from sessions_app.export_models import ExportFormat, ResponseExport
from sessions_app.invitation_selectors import is_inviting_staff, may  # noqa: F401 - may: the views ask here
from sessions_app.models import Session, SessionStatus
from sessions_app.selectors import PREVIEW

ADD = "sessions_app.add_responseexport"
VIEW = "sessions_app.view_responseexport"
FORMATS = tuple(ExportFormat.values)


class FiltersInvalid(ValueError):
    """Filters that cannot be applied: ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def questionnaire_for_export(*, user, questionnaire_id) -> Questionnaire:
    """Return a questionnaire of the user's organization or of the shared catalogue; else a 404."""
    organization_id = getattr(user, "organization_id", None)
    if organization_id is None:
        raise Http404("No such questionnaire.")
    return get_object_or_404(questionnaires_visible_to(organization_id), pk=questionnaire_id)


def lineage_versions(*, questionnaire: Questionnaire) -> list[Questionnaire]:
    """The versions whose questions make the columns: published ones, and this one; newest first."""
    return list(
        Questionnaire.objects.filter(lineage_id=questionnaire.lineage_id)
        .filter(Q(published_at__isnull=False) | Q(pk=questionnaire.pk))
        .order_by("-version")
    )


@dataclass(frozen=True)
class ExportFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    version: int | None = None
    industry: str = ""
    status: str = ""

    def as_json(self) -> dict:
        """The filters as the export row keeps them (only those given)."""
        data = {
            "dateFrom": self.date_from.isoformat() if self.date_from else None,
            "dateTo": self.date_to.isoformat() if self.date_to else None,
            "version": self.version,
            "industry": self.industry or None,
            "status": self.status or None,
        }
        return {name: value for name, value in data.items() if value is not None}


def _date(value, field: str, errors: dict) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = ["Enter a date as YYYY-MM-DD."]
        return None


def filters_parse(data) -> ExportFilters:
    """Read filters from a mapping (a query string, a form, or an export's stored ``filters``).

    Accepts ``date_from``/``dateFrom``, ``date_to``/``dateTo``, ``version``, ``industry`` and
    ``status``; raise FiltersInvalid with a message per field for anything that cannot be applied.
    """
    data = data or {}

    def read(*names):
        for name in names:
            value = data.get(name)
            if value not in (None, ""):
                return value
        return None

    errors: dict[str, list[str]] = {}
    date_from = _date(read("date_from", "dateFrom"), "date_from", errors)
    date_to = _date(read("date_to", "dateTo"), "date_to", errors)
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = ["The end date is before the start date: choose an end on or after the start."]
    version = read("version")
    if version is not None:
        try:
            version = int(str(version).strip())
            if version < 1:
                raise ValueError
        except ValueError:
            errors["version"] = ["Enter a version number (1 or more)."]
            version = None
    status = str(read("status") or "").strip().upper()
    if status and status not in SessionStatus.values:
        errors["status"] = [f"Choose one of {', '.join(SessionStatus.values)}."]
    industry = str(read("industry") or "").strip()[:100]
    if errors:
        raise FiltersInvalid(errors)
    return ExportFilters(date_from, date_to, version, industry, status)


def sessions_for_export(
    *, questionnaire: Questionnaire, organization_id, filters: ExportFilters | None = None
) -> QuerySet:
    """The organization's sessions of every version of the questionnaire, previews left out, oldest first.

    Scoped by the query itself, not only by row-level security: the worker acts for every organization.
    """
    if organization_id is None:
        raise ValueError("An export is always of one organization's sessions.")
    sessions = (
        Session.objects.filter(
            questionnaire__lineage_id=questionnaire.lineage_id, user__organization_id=organization_id
        )
        .exclude(PREVIEW)
        .order_by("started_at", "id")
    )
    filters = filters or ExportFilters()
    if filters.date_from:
        sessions = sessions.filter(started_at__date__gte=filters.date_from)
    if filters.date_to:
        sessions = sessions.filter(started_at__date__lte=filters.date_to)
    if filters.version:
        sessions = sessions.filter(questionnaire_version=filters.version)
    if filters.industry:
        sessions = sessions.filter(industry__iexact=filters.industry)
    if filters.status:
        sessions = sessions.filter(status=filters.status)
    return sessions


def response_exports_for_staff(*, user, questionnaire: Questionnaire) -> QuerySet:
    """The organization's exports of the questionnaire's lineage, newest first."""
    return (
        ResponseExport.objects.filter(
            organization_id=user.organization_id, questionnaire__lineage_id=questionnaire.lineage_id
        )
        .select_related("questionnaire", "requested_by")
        .order_by("-created_at", "-id")
    )


def response_export_for_staff(*, user, export_id) -> ResponseExport:
    """Return an export of the user's organization; another organization's is a 404."""
    organization_id = getattr(user, "organization_id", None)
    if organization_id is None:
        raise Http404("No such export.")
    return get_object_or_404(
        ResponseExport.objects.select_related("questionnaire"), pk=export_id, organization_id=organization_id
    )
