"""Response export pages: staff start an export of a questionnaire's responses, follow it, download it.

The same staff check as the invitation pages (invitation_views.staff_view): an organization's staff whose
session passed MFA where required, holding the export permission. The questionnaire (owned by the
organization or in the shared catalogue) and the export are looked up within the staff user's
organization first: another organization's is a 404 before a missing permission is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from core.replicas import reads_from_replica
from sessions_app import export_selectors as selectors
from sessions_app import export_services as services
from sessions_app.export_forms import ExportForm
from sessions_app.export_models import EXPORT_UNFINISHED, ExportStatus
from sessions_app.exports import CONTENT_TYPES
from sessions_app.invitation_views import staff_view

LIST_SIZE = 20


def _questionnaire(request, questionnaire_id, permission: str):
    questionnaire = selectors.questionnaire_for_export(user=request.user, questionnaire_id=questionnaire_id)
    if not selectors.may(request.user, permission):
        raise PermissionDenied
    return questionnaire


def _list_context(request, questionnaire) -> dict:
    exports = list(
        selectors.response_exports_for_staff(user=request.user, questionnaire=questionnaire)[:LIST_SIZE]
    )
    return {
        "questionnaire": questionnaire,
        "exports": exports,
        "polling": any(export.status in EXPORT_UNFINISHED for export in exports),
    }


@staff_view(None)
@require_http_methods(["GET", "POST"])
def export_page(request, questionnaire_id):
    questionnaire = _questionnaire(
        request, questionnaire_id, selectors.ADD if request.method == "POST" else selectors.VIEW
    )
    versions = [v.version for v in selectors.lineage_versions(questionnaire=questionnaire)]
    form = ExportForm(request.POST if request.method == "POST" else None, versions=versions)
    if request.method == "POST" and form.is_valid():
        count = services.session_count(
            questionnaire=questionnaire, organization_id=request.user.organization_id, filters=form.filters
        )
        small = count <= services.inline_max()
        export = services.response_export_start(
            questionnaire=questionnaire,
            fmt=form.cleaned_data["format"],
            filters=form.filters,
            requested_by=request.user,
            queue=not small,
        )
        if small:
            export = services.response_export_run(export_id=export.pk) or export
            if export.status == ExportStatus.FAILED:
                messages.error(request, export.error)
            elif count == 0:
                messages.warning(
                    request,
                    "No session matches: the file has the header row only."
                    if export.filters
                    else "This questionnaire has no sessions yet: the file has the header row only.",
                )
            else:
                messages.success(
                    request,
                    ngettext("Export ready: %(n)d session.", "Export ready: %(n)d sessions.", count)
                    % {"n": count},
                )
        else:
            messages.info(request, f"Exporting {count} sessions: this page shows the progress.")
        return redirect("exports:page", questionnaire_id=questionnaire.pk)
    context = {
        **_list_context(request, questionnaire),
        "form": form,
        "versions": versions,
        "session_total": services.session_count(
            questionnaire=questionnaire,
            organization_id=request.user.organization_id,
            filters=selectors.ExportFilters(),
        ),
        "may_add": selectors.may(request.user, selectors.ADD),
    }
    return render(request, "sessions_app/exports.html", context, status=400 if form.is_bound else 200)


@staff_view(None)
@require_GET
@reads_from_replica
def export_list(request, questionnaire_id):
    """The exports' table alone, which the page polls while an export is running."""
    questionnaire = _questionnaire(request, questionnaire_id, selectors.VIEW)
    return render(request, "sessions_app/_export_list.html", _list_context(request, questionnaire))


@staff_view(None)
@require_GET
def export_download(request, export_id):
    export = selectors.response_export_for_staff(user=request.user, export_id=export_id)
    if not selectors.may(request.user, selectors.VIEW):
        raise PermissionDenied
    try:
        handle = services.response_export_open(export=export, actor=request.user)
    except FileNotFoundError:
        raise Http404("This export has no file to download.") from None
    return FileResponse(
        handle, as_attachment=True, filename=export.file_name, content_type=CONTENT_TYPES[export.format]
    )
