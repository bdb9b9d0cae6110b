"""Admin for questionnaires, sections, questions and rules (plain; authoring tools build on it)."""

from django.contrib import admin

from questionnaires.models import Question, Questionnaire, Section, VisibilityRule


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order_index", "name", "icon", "estimated_time"]
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "industry", "organization", "is_active", "is_default", "published_at"]
    list_filter = ["is_active", "is_default", "industry", "organization"]
    search_fields = ["name", "description", "industry"]
    readonly_fields = ["lineage_id", "created_at", "updated_at"]
    inlines = [SectionInline]


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["order_index", "text", "type", "is_required"]
    extra = 0


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "questionnaire", "order_index"]
    list_filter = ["questionnaire"]
    search_fields = ["name", "description"]
    list_select_related = ["questionnaire"]
    inlines = [QuestionInline]


class VisibilityRuleInline(admin.StackedInline):
    model = VisibilityRule
    fields = ["action", "condition", "target_question_ids", "priority", "is_active"]
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "type", "section", "order_index", "is_required"]
    list_filter = ["type", "is_required", "section__questionnaire"]
    search_fields = ["text", "help_text"]
    list_select_related = ["section", "section__questionnaire"]
    inlines = [VisibilityRuleInline]


@admin.register(VisibilityRule)
class VisibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "question", "action", "priority", "is_active"]
    list_filter = ["action", "is_active"]
    search_fields = ["question__text"]
    list_select_related = ["question"]
