"""Admin for client sessions and their responses, and an admin's previews of a questionnaire.

A preview is a session, so its views live here: the questionnaire's admin registered by
questionnaires is replaced by a subclass that adds them to the questionnaire's page.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.shortcuts import redirect
from django.urls import path, reverse

from core.admin import TenantAdmin, TenantInline
from questionnaires.admin import QuestionnaireAdmin
from questionnaires.models import Questionnaire
from sessions_app import selectors, services
from sessions_app.export_models import ResponseExport
from sessions_app.forms import PreviewForm
from sessions_app.invitation_models import Invitation
from sessions_app.models import (
    ChangeRequest,
    Response,
    ResponseArchive,
    Session,
    SessionArchive,
    SessionReminder,
)


class ResponseInline(TenantInline, admin.TabularInline):
    model = Response
    fields = ["question", "value", "is_valid", "revision", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Session)
class SessionAdmin(TenantAdmin):
    organization_path = "user__organization"
    list_display = ["user", "questionnaire", "questionnaire_version", "status", "started_at", "completed_at"]
    list_filter = ["status", "industry", "questionnaire"]
    search_fields = ["user__email", "questionnaire__name"]
    list_select_related = ["user", "questionnaire"]
    raw_id_fields = ["user", "current_section", "current_question"]
    inlines = [ResponseInline]


@admin.register(Response)
class ResponseAdmin(TenantAdmin):
    organization_path = "session__user__organization"
    list_display = ["session", "question", "is_valid", "revision", "answered_at"]
    list_filter = ["is_valid"]
    search_fields = ["session__user__email", "question__text"]
    list_select_related = ["session__user", "question"]
    raw_id_fields = ["session", "question"]

    def get_readonly_fields(self, request, obj=None):
        # An answer belongs to its session and question for good: moving it would rewrite two clients'
        # records (and their progress) at once, and would lock only the session it moved to.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "session", "question"] if obj is not None else fields

    # A response changed or deleted here locks its session first, as saving an answer does
    # (services.sessions_lock): its history's audit row then waits for the chain's lock holding nothing
    # that an answer being saved waits for.
    def save_model(self, request, obj, form, change):
        services.sessions_lock([obj.session_id])
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.sessions_lock([obj.session_id])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(Response)):
            services.sessions_lock(queryset.values_list("session_id", flat=True))
            super().delete_queryset(request, queryset)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(TenantAdmin):
    """Reviewers' requests that clients revisit answers (docs/review.md); made and answered on the
    review and client pages, read here."""

    organization_path = "session__user__organization"
    list_display = ["session", "status", "requested_by", "created_at", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["session__user__email", "message"]
    list_select_related = ["session__user", "requested_by"]
    readonly_fields = [
        "session",
        "status",
        "message",
        "question_ids",
        "documents",
        "requested_by",
        "revision",
        "visible_before",
        "answers_before",
        "changed_question_ids",
        "submitted_at",
        "created_at",
    ]
    exclude = ["updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SessionReminder)
class SessionReminderAdmin(TenantAdmin):
    """Reminders and links e-mailed about sessions (sessions_app/reminders.py): read, never written here."""

    organization_path = "session__user__organization"
    list_display = ["session", "kind", "period", "sent_at"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["session__user__email", "session__questionnaire__name"]
    list_select_related = ["session"]
    readonly_fields = ["session", "kind", "period", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    """Invitations of clients (docs/invitations.md): sent, resent and revoked on /invitations/, read here.

    The token's hash is never shown; editing here would bypass the audited services, so nothing is.
    """

    organization_path = "organization"
    list_display = ["email", "questionnaire", "status", "due_at", "expires_at", "sent_count", "created_at"]
    list_filter = ["status", "questionnaire"]
    search_fields = ["email"]
    list_select_related = ["questionnaire"]
    readonly_fields = [
        "organization",
        "questionnaire",
        "email",
        "user",
        "invited_by",
        "message",
        "due_at",
        "expires_at",
        "status",
        "session",
        "sent_count",
        "last_sent_at",
        "opened_at",
        "accepted_at",
        "completed_at",
        "revoked_at",
        "created_at",
    ]
    exclude = ["token_hash", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResponseExport)
class ResponseExportAdmin(TenantAdmin):
    """Response exports (docs/exports.md): started and downloaded on the questionnaire's export page."""

    organization_path = "organization"
    list_display = ["questionnaire", "format", "status", "progress", "row_count", "created_at"]
    list_filter = ["format", "status"]
    list_select_related = ["questionnaire", "requested_by"]
    readonly_fields = [
        "organization",
        "questionnaire",
        "requested_by",
        "format",
        "status",
        "progress",
        "row_count",
        "file_key",
        "file_size",
        "error",
        "filters",
        "created_at",
        "started_at",
        "finished_at",
    ]
    exclude = ["updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyArchiveAdmin(TenantAdmin):
    """Archived rows are kept as they were: they can be read, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SessionArchive)
class SessionArchiveAdmin(ReadOnlyArchiveAdmin):
    organization_path = "user__organization"
    list_display = ["id", "user", "questionnaire", "status", "completed_at", "archived_at"]
    list_filter = ["status"]
    search_fields = ["id", "user__email"]
    list_select_related = ["user", "questionnaire"]


@admin.register(ResponseArchive)
class ResponseArchiveAdmin(ReadOnlyArchiveAdmin):
    organization_path = "session__user__organization"
    list_display = ["id", "session", "question", "revision", "answered_at", "archived_at"]
    search_fields = ["id", "session__id"]
    list_select_related = ["session", "question"]


class PreviewingQuestionnaireAdmin(QuestionnaireAdmin):
    """The questionnaire's admin with "Preview as a client" and "End preview"."""

    def get_urls(self):
        routes = [
            ("<uuid:object_id>/preview/", self.preview_view, "preview"),
            ("<uuid:object_id>/preview/end/", self.preview_end_view, "preview_end"),
        ]
        urls = [
            path(route, self.admin_site.admin_view(view), name=f"questionnaires_questionnaire_{name}")
            for route, view, name in routes
        ]
        return urls + super().get_urls()

    def _page_context(self, request, questionnaire) -> dict:
        return {
            **super()._page_context(request, questionnaire),
            "preview_session": selectors.preview_session_for(questionnaire=questionnaire, user=request.user),
            "preview_form": PreviewForm(initial={"industry": questionnaire.industry or ""}),
            # The staff's export page (sessions_app/export_views.py), for the organization's sessions.
            "responses_export_url": reverse("exports:page", args=[questionnaire.pk]),
            # The analytics page (sessions_app/analytics_views.py), for staff who may view sessions.
            "analytics_url": reverse("analytics:questionnaire", args=[questionnaire.pk])
            if request.user.has_perm("sessions_app.view_session")
            else None,
        }

    def preview_view(self, request, object_id):
        if (refused := self._post_only(request)) is not None:
            return refused
        questionnaire = self._get(request, object_id)
        if not request.user.is_staff:
            raise PermissionDenied
        form = PreviewForm(request.POST)
        industry = form.cleaned_data["industry"] if form.is_valid() else None
        session = services.preview_start(questionnaire=questionnaire, user=request.user, industry=industry)
        return redirect("sessions_app:resume", session_id=session.pk)

    def preview_end_view(self, request, object_id):
        if (refused := self._post_only(request)) is not None:
            return refused
        questionnaire = self._get(request, object_id)
        ended = services.preview_end(questionnaire=questionnaire, user=request.user)
        if ended:
            self.message_user(request, "The preview has ended; its answers are deleted.")
        return redirect("admin:questionnaires_questionnaire_change", questionnaire.pk)


admin.site.unregister(Questionnaire)
admin.site.register(Questionnaire, PreviewingQuestionnaireAdmin)
