"""Admin for client sessions and their responses."""

from django.contrib import admin

from core.admin import TenantAdmin, TenantInline
from sessions_app.models import Response, ResponseArchive, Session, SessionArchive


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
