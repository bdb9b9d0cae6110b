"""Admin for client sessions and their responses."""

from django.contrib import admin

from sessions_app.models import Response, Session


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ["question", "value", "is_valid", "revision", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["user", "questionnaire", "questionnaire_version", "status", "started_at", "completed_at"]
    list_filter = ["status", "industry", "questionnaire"]
    search_fields = ["user__email", "questionnaire__name"]
    list_select_related = ["user", "questionnaire"]
    raw_id_fields = ["user", "current_section", "current_question"]
    inlines = [ResponseInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["session", "question", "is_valid", "revision", "answered_at"]
    list_filter = ["is_valid"]
    search_fields = ["session__user__email", "question__text"]
    list_select_related = ["session__user", "question"]
    raw_id_fields = ["session", "question"]
