"""Authoring in Django admin: questionnaires, sections, questions and rules, with analysis and versions.

A questionnaire's page shows its sections (sortable), an outline of every question with its rules in
words, and the analysis of the rule graph. A published version is read-only: "New version" copies it
into a draft. Publishing, the engine panel, import, export, clones and history are views of their own
(questionnaires/admin_views.py); every write goes through questionnaires.services. Previews are
sessions: sessions_app's admin adds their views to the questionnaire's page. See docs/authoring.md.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.admin import TenantAdmin, TenantInline
from core.static_bundles import media_bundled
from questionnaires import selectors, signals
from questionnaires.admin_views import QuestionnaireViews
from questionnaires.analysis import describe_rule
from questionnaires.expressions import computed_of
from questionnaires.forms import (
    AuthoringContext,
    QuestionForm,
    QuestionInlineForm,
    QuestionnaireForm,
    RuleFormSet,
    SectionInlineForm,
    VisibilityRuleForm,
)
from questionnaires.keys import key_of
from questionnaires.models import Question, Questionnaire, Section, VisibilityRule
from questionnaires.rules import condition_fields
from questionnaires.structure import structure_load

AUTHORING_MEDIA = forms.Media(
    js=["questionnaires/authoring.js"], css={"all": ["questionnaires/authoring.css"]}
)
# What ModelAdmin.media adds for change lists (actions) and prepopulated fields, of no use on our forms.
CHANGE_FORM_UNUSED = frozenset(
    f"admin/js/{name}"
    for name in ["actions.js", "urlify.js", "prepopulate.js", "vendor/xregexp/xregexp.min.js"]
)

# The seed's index expression, written exactly as idx_questions_text_search so that PostgreSQL uses it.
SEARCH_SQL = (
    "to_tsvector('english', text || ' ' || COALESCE(help_text, '')) @@ websearch_to_tsquery('english', %s)"
)


def _questionnaire_of(obj) -> Questionnaire | None:
    if isinstance(obj, Questionnaire):
        return obj
    if isinstance(obj, Section):
        return obj.questionnaire
    if isinstance(obj, Question):
        return obj.section.questionnaire
    if isinstance(obj, VisibilityRule):
        return obj.question.section.questionnaire
    return None


def _is_published(obj) -> bool:
    questionnaire = _questionnaire_of(obj)
    return questionnaire is not None and questionnaire.published_at is not None


class _AuthoringAdmin(AuditlogHistoryAdminMixin, TenantAdmin):
    """What the four authoring admins share: read-only once published, previews out of the way.

    An organization's admins read the shared catalogue (questionnaires with no organization) and copy
    from it; only superusers change it.
    """

    shared_catalogue = True

    def auditlog_history_view(self, request, object_id, extra_context=None):
        self.tenant_object_or_404(request, object_id)  # an unknown or foreign id is a 404, not a 500
        return super().auditlog_history_view(request, object_id, extra_context)

    def has_change_permission(self, request, obj=None):
        if obj is not None and _is_published(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _is_published(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # Preview sessions point at questions and sections (PROTECT); they are throwaway, so they go
        # (signals.draft_deleting) before anything of a draft is deleted rather than block the deletion.
        for questionnaire in {q.pk: q for q in map(_questionnaire_of, objs) if q is not None}.values():
            if questionnaire.published_at is None:
                signals.draft_deleting.send(Questionnaire, questionnaire=questionnaire, actor=request.user)
        return super().get_deleted_objects(objs, request)

    def _discard_previews_before_deletions(self, request, obj) -> None:
        questionnaire = _questionnaire_of(obj)
        deleting = any(key.endswith("-DELETE") and value for key, value in request.POST.items())
        if questionnaire is not None and questionnaire.published_at is None and deleting:
            signals.draft_deleting.send(Questionnaire, questionnaire=questionnaire, actor=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            obj = self.get_object(request, object_id)
            if obj is not None:
                self._discard_previews_before_deletions(request, obj)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page's scripts as one bundle, whatever the admin, its inlines and widgets each ask for
        # (settings.STATIC_BUNDLES); no form here prepopulates, and the change list's actions are not here.
        context["media"] = media_bundled(context["media"], drop=CHANGE_FORM_UNUSED)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _banner(self, obj) -> dict:
        questionnaire = _questionnaire_of(obj)
        if questionnaire is None:
            return {}
        return {
            "authoring_questionnaire": questionnaire,
            "questionnaire_url": reverse(
                "admin:questionnaires_questionnaire_change", args=[questionnaire.pk]
            ),
        }


# --- Questionnaires --------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("published", "Published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        if self.value() == "published":
            return queryset.filter(published_at__isnull=False)
        return queryset


class ReadOnlyWhenPublished:
    """Inlines of a published version: shown, never added to, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)


class SectionInline(TenantInline, ReadOnlyWhenPublished, admin.TabularInline):
    model = Section
    form = SectionInlineForm
    fields = ["order_index", "name", "description", "icon", "estimated_time", "questions_link"]
    readonly_fields = ["questions_link"]
    extra = 0
    classes = ["sortable-inline"]

    def get_queryset(self, request):
        # Counted in the inline's own query: one count per section row would grow with the questionnaire.
        # A GROUP BY drops Meta.ordering, so the order is restated.
        rows = super().get_queryset(request).annotate(question_count=Count("questions"))
        return rows.order_by(*Section._meta.ordering)

    @admin.display(description="questions")
    def questions_link(self, section):
        if section._state.adding:  # the form a new section is added with (its UUID pk is set already)
            return "—"
        url = reverse("admin:questionnaires_section_change", args=[section.pk])
        count = getattr(section, "question_count", None)
        if count is None:
            count = section.questions.count()
        return format_html('<a href="{}">{} question{} ›</a>', url, count, "" if count == 1 else "s")


@admin.register(Questionnaire)
class QuestionnaireAdmin(QuestionnaireViews, _AuthoringAdmin):
    organization_path = "organization"
    form = QuestionnaireForm
    change_form_template = "admin/questionnaires/questionnaire/change_form.html"
    change_list_template = "admin/questionnaires/questionnaire/change_list.html"
    list_display = [
        "name",
        "version",
        "status",
        "industry",
        "organization",
        "is_default",
        "is_active",
        "sessions",
        "in_progress",
        "published_at",
    ]
    list_filter = [StatusFilter, "is_active", "is_default", "industry", "organization"]
    search_fields = ["name", "description", "industry"]
    list_select_related = ["organization"]
    readonly_fields = [
        "version",
        "status",
        "published_at",
        "lineage",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "description", "industry", "organization", "estimated_time"]}),
        ("Availability", {"fields": ["status", "version", "is_active", "is_default", "published_at"]}),
        ("Computed values", {"fields": ["computed"]}),
        (
            "More",
            {
                "classes": ["collapse"],
                "fields": ["metadata", "lineage", "created_by", "created_at", "updated_at"],
            },
        ),
    ]
    inlines = [SectionInline]

    def get_queryset(self, request):
        return selectors.questionnaires_with_usage(super().get_queryset(request))

    @admin.display(description="computed values")
    def computed(self, questionnaire):
        """The computed values, as lines, where the form is read-only (a published version)."""
        declared = computed_of(questionnaire.metadata)
        if not declared:
            return "—"
        lines = ((c.name, c.expression) for c in declared)
        return format_html_join(mark_safe("<br>"), "<code>{} = {}</code>", lines)

    @admin.display(description="lineage")
    def lineage(self, questionnaire):
        """What the lineage id means, rather than the id: the page's Versions table lists them."""
        return f"Shared by every version of “{questionnaire.name}” (see Versions below)."

    @admin.display(description="status", ordering="published_at")
    def status(self, questionnaire):
        if questionnaire.published_at is None:
            return "Draft"
        return "Published" if questionnaire.is_active else "Published (inactive)"

    @admin.display(description="sessions", ordering="session_count")
    def sessions(self, questionnaire):
        return getattr(questionnaire, "session_count", None)

    @admin.display(description="in progress", ordering="in_progress_count")
    def in_progress(self, questionnaire):
        return getattr(questionnaire, "in_progress_count", None)

    @property
    def media(self):
        return super().media + AUTHORING_MEDIA

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # Custom views -------------------------------------------------------------------------------

    def get_urls(self):
        def view(function, name):
            return self.admin_site.admin_view(function), f"questionnaires_questionnaire_{name}"

        routes = [
            ("import/", self.import_view, "import"),
            ("<uuid:object_id>/publish/", self.publish_view, "publish"),
            ("<uuid:object_id>/new-version/", self.new_version_view, "new_version"),
            ("<uuid:object_id>/clone/", self.clone_view, "clone"),
            ("<uuid:object_id>/export/", self.export_view, "export"),
            ("<uuid:object_id>/engine/", self.engine_view, "engine"),
            ("<uuid:object_id>/history/", self.history_view_full, "history_full"),
            ("<uuid:object_id>/reorder/", self.reorder_view, "reorder"),
            ("<uuid:object_id>/make-default/", self.make_default_view, "make_default"),
            ("<uuid:object_id>/availability/", self.availability_view, "availability"),
        ]
        urls = []
        for route, function, name in routes:
            wrapped, full_name = view(function, name)
            urls.append(path(route, wrapped, name=full_name))
        return urls + super().get_urls()

    def _get(self, request, object_id) -> Questionnaire:
        questionnaire = self.tenant_object_or_404(request, object_id)
        if not self.has_view_permission(request, questionnaire):
            raise PermissionDenied
        return questionnaire

    def _require_authoring(self, request, questionnaire: Questionnaire | None = None) -> None:
        # Model-level: a published questionnaire is not "changeable", yet it can get a new version.
        if not (self.has_add_permission(request) and super().has_change_permission(request)):
            raise PermissionDenied
        # Object-level: only the owner's admins (or a superuser, for the shared catalogue) write to it.
        if questionnaire is not None and not self.tenant_may_write(request, questionnaire):
            raise PermissionDenied

    def _context(self, request, questionnaire, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": questionnaire,
            "questionnaire": questionnaire,
            "has_view_permission": True,
            "media": self.media,
            **extra,
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Here rather than in change_view, so the page reuses the form's own read of the questionnaire.
        if change and obj is not None:
            context.update(self._page_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _page_context(self, request, questionnaire) -> dict:
        """Return the change page's own context (sessions_app's admin adds the preview's).

        A fixed number of queries, none per section, question or rule: the structure and the analysis
        come from the cache while nothing in the questionnaire changes (selectors.questionnaire_analysis).
        """
        structure = structure_load(questionnaire.pk)
        analysis = selectors.questionnaire_analysis(questionnaire=questionnaire, structure=structure)
        owned = defaultdict(list)
        targeting = defaultdict(list)
        for rule in structure.rules:
            owned[rule.question_id].append(rule)
            for target in rule.target_question_ids:
                targeting[target].append(rule)
        findings = defaultdict(list)
        for finding in analysis.findings:
            for question_id in dict.fromkeys(finding.question_ids):
                findings[question_id].append(finding)
        versions = selectors.questionnaire_versions(questionnaire=questionnaire)
        outline = []
        for section in structure.sections:
            outline.append(
                {
                    "section": section,
                    "change_url": reverse("admin:questionnaires_section_change", args=[section.id]),
                    "add_url": reverse("admin:questionnaires_question_add") + f"?section={section.id}",
                    "questions": [
                        {
                            "question": question,
                            "change_url": reverse("admin:questionnaires_question_change", args=[question.id]),
                            "rules": [describe_rule(r, structure) for r in owned[question.id]],
                            "visibility": [
                                describe_rule(r, structure)
                                for r in targeting[question.id]
                                if r.question_id != question.id
                            ],
                            "findings": tuple(findings[question.id]),
                            "never_visible": question.id in analysis.never_visible,
                        }
                        for question in section.questions
                    ],
                }
            )
        return {
            "analysis": analysis,
            "outline": outline,
            "versions": versions,
            # The newest draft of the lineage (selectors.questionnaire_draft), among the versions read.
            "lineage_draft": next((v for v in versions if v.published_at is None), None),
            "can_reorder": questionnaire.published_at is None
            and super().has_change_permission(request, questionnaire),
        }


# --- Sections ------------------------------------------------------------------------------------


class QuestionInline(TenantInline, ReadOnlyWhenPublished, admin.TabularInline):
    model = Question
    form = QuestionInlineForm
    fields = ["order_index", "text", "type", "is_required", "details"]
    readonly_fields = ["details"]
    extra = 0
    classes = ["sortable-inline"]

    def get_queryset(self, request):
        # As SectionInline: the rule counts come with the rows, in the rows' order.
        rows = super().get_queryset(request).annotate(rule_count=Count("visibility_rules"))
        return rows.order_by(*Question._meta.ordering)

    @admin.display(description="options and rules")
    def details(self, question):
        if question._state.adding:  # the form a new question is added with (its UUID pk is set already)
            return "—"
        url = reverse("admin:questionnaires_question_change", args=[question.pk])
        rules = getattr(question, "rule_count", None)
        if rules is None:
            rules = question.visibility_rules.count()
        return format_html('<a href="{}">edit ({} rule{}) ›</a>', url, rules, "" if rules == 1 else "s")


@admin.register(Section)
class SectionAdmin(_AuthoringAdmin):
    organization_path = "questionnaire__organization"
    change_form_template = "admin/questionnaires/authoring_change_form.html"
    list_display = ["name", "questionnaire", "order_index"]
    list_filter = ["questionnaire"]
    search_fields = ["name", "description"]
    list_select_related = ["questionnaire"]
    fields = ["questionnaire", "name", "description", "order_index", "icon", "estimated_time", "metadata"]
    inlines = [QuestionInline]

    @property
    def media(self):
        return super().media + AUTHORING_MEDIA

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire":
            kwargs["queryset"] = Questionnaire.objects.filter(published_at__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["questionnaire"] if obj is not None else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        questionnaire_id = initial.get("questionnaire")
        if questionnaire_id and "order_index" not in initial:
            last = (
                Section.objects.filter(questionnaire_id=_uuid_or_none(questionnaire_id))
                .order_by("-order_index")
                .first()
            )
            initial["order_index"] = (last.order_index + 1) if last else 1
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None:
            extra.update(self._banner(obj))
            extra["add_question_url"] = reverse("admin:questionnaires_question_add") + f"?section={obj.pk}"
        return super().changeform_view(request, object_id, form_url, extra)

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            return redirect("admin:questionnaires_questionnaire_change", obj.questionnaire_id)
        return super().response_change(request, obj)


# --- Questions ---------------------------------------------------------------------------------------


class IndustryTagFilter(admin.SimpleListFilter):
    """The industry tags questions carry, as found in the data."""

    title = "industry tag"
    parameter_name = "industry_tag"

    def lookups(self, request, model_admin):
        return [(tag, tag) for tag in selectors.industry_tags_in_use(model_admin.get_queryset(request))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(industry_tags__contains=[self.value()])
        return queryset


class VisibilityRuleInline(TenantInline, ReadOnlyWhenPublished, admin.StackedInline):
    model = VisibilityRule
    form = VisibilityRuleForm
    formset = RuleFormSet
    template = "admin/questionnaires/question/rules_inline.html"
    fields = ["action", "condition", "target_question_ids", "priority", "is_active"]
    # No empty rule form: a question saves untouched, and a rule exists only once the author adds one.
    extra = 0
    classes = ["rule-inline"]
    verbose_name = "visibility rule"

    def get_fields(self, request, obj=None):
        if _is_published(obj):  # read-only: the rule in words rather than its JSON and ids
            return ["rule", "action", "priority", "is_active"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["rule"] if _is_published(obj) else []

    @admin.display(description="rule")
    def rule(self, rule):
        structure = structure_load(rule.question.section.questionnaire_id)
        found = next((r for r in structure.rules if r.id == str(rule.pk)), None)
        return describe_rule(found, structure) if found else str(rule)


@admin.register(Question)
class QuestionAdmin(_AuthoringAdmin):
    organization_path = "section__questionnaire__organization"
    form = QuestionForm
    change_form_template = "admin/questionnaires/question/change_form.html"
    list_display = ["text", "key", "type", "questionnaire", "section", "order_index", "is_required"]
    list_filter = ["type", IndustryTagFilter, "is_required", "section__questionnaire"]
    search_fields = ["text"]  # full-text search: see get_search_results
    search_help_text = (
        'Words from the text or the help text (PostgreSQL full-text search; "quotes", OR and -word work).'
    )
    list_select_related = ["section", "section__questionnaire"]
    inlines = [VisibilityRuleInline]
    fieldsets = [
        (None, {"fields": ["section", "text", "key", "type", "order_index", "is_required"]}),
        ("Options", {"fields": ["options"]}),
        # A scale's end labels and a matrix's rows: open, since a matrix is nothing without its rows.
        ("Presentation", {"fields": ["metadata"]}),
        ("Help", {"classes": ["collapse"], "fields": ["help_text", "explanation", "placeholder"]}),
        (
            "Validation and answers",
            {"fields": ["validation_rules", "default_value", "suggested_answer"]},
        ),
        (
            "Industries and documents",
            {"classes": ["collapse"], "fields": ["industry_tags", "document_mappings"]},
        ),
    ]

    @property
    def media(self):
        return super().media + AUTHORING_MEDIA

    def get_deleted_objects(self, objs, request):
        """Refuse to delete a question that another question's rule reads or acts on: the rule would be
        left pointing at nothing (a dangling reference). The admin lists these as what blocks it."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        going = {str(question.pk) for question in objs}
        for questionnaire_id in {question.section.questionnaire_id for question in objs}:
            structure = structure_load(questionnaire_id)
            for rule in structure.rules:
                if rule.question_id in going:
                    continue  # deleted with its question
                read = condition_fields(rule.condition) | set(rule.target_question_ids)
                if read & going:
                    owner = structure.question(rule.question_id).text
                    words = describe_rule(rule, structure)
                    protected.append(
                        f"the rule of “{owner}” that reads or acts on it: {words} — change or delete it first"
                    )
        return deleted, model_count, perms_needed, protected

    @admin.display(description="key")
    def key(self, question):
        return key_of(question.metadata) or "—"

    @admin.display(description="questionnaire", ordering="section__questionnaire__name")
    def questionnaire(self, question):
        return question.section.questionnaire

    def get_search_results(self, request, queryset, search_term):
        """Search the text and help text with PostgreSQL full-text search (idx_questions_text_search)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        # The term is a bound parameter; only the fixed expression is SQL.
        matches = RawSQL(SEARCH_SQL, [term], output_field=BooleanField())  # noqa: S611
        found = queryset.filter(matches)
        try:
            as_id = uuid.UUID(term)
        except ValueError:
            return found, False
        return queryset.filter(Q(pk=as_id) | Q(matches)), False

    def get_inlines(self, request, obj):
        # Rules pick their targets among the questionnaire's questions: this one must exist first.
        return self.inlines if obj is not None else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        section_id = _uuid_or_none(initial.get("section"))
        if section_id and "order_index" not in initial:
            last = Question.objects.filter(section_id=section_id).order_by("-order_index").first()
            initial["order_index"] = (last.order_index + 1) if last else 1
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, VisibilityRuleInline) and obj is not None:
            authoring = AuthoringContext(obj.section.questionnaire)
            kwargs["form_kwargs"] = {"authoring": authoring, "owner": obj}
            kwargs["authoring"] = authoring
        return kwargs

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            _say_warnings(request, getattr(formset, "verdict", None))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None:
            extra.update(self._banner(obj))
            authoring = AuthoringContext(obj.section.questionnaire)
            extra["authoring_data"] = authoring.builder_data(owner=str(obj.pk))
            questionnaire = obj.section.questionnaire

            @functools.cache
            def findings():  # read by the template only: a save that redirects never analyses
                analysis = selectors.questionnaire_analysis(
                    questionnaire=questionnaire, structure=authoring.structure
                )
                return analysis.for_question(str(obj.pk))

            extra["question_findings"] = findings
            extra["targeted_by"] = [
                describe_rule(rule, authoring.structure)
                for rule in authoring.structure.rules
                if str(obj.pk) in rule.target_question_ids and rule.question_id != str(obj.pk)
            ]
        return super().changeform_view(request, object_id, form_url, extra)

    def response_add(self, request, obj, post_url_continue=None):
        if (
            "_continue" not in request.POST
            and "_addanother" not in request.POST
            and "_popup" not in request.POST
        ):
            self.message_user(request, f'Added "{obj.text}".', messages.SUCCESS)
            return redirect("admin:questionnaires_questionnaire_change", obj.section.questionnaire_id)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "authoring_warned", False) and "_popup" not in request.POST:
            # Saved, with something the author should see: stay on the question, where it is said.
            self.message_user(request, f'Saved "{obj.text}" (see the warnings above).', messages.SUCCESS)
            return redirect("admin:questionnaires_question_change", obj.pk)
        if (
            "_continue" not in request.POST
            and "_addanother" not in request.POST
            and "_popup" not in request.POST
        ):
            self.message_user(request, f'Saved "{obj.text}".', messages.SUCCESS)
            return redirect("admin:questionnaires_questionnaire_change", obj.section.questionnaire_id)
        return super().response_change(request, obj)


def _say_warnings(request, verdict) -> None:
    """Say, after a save, what the edit brought into the questionnaire's analysis."""
    for finding in getattr(verdict, "warnings", ()):
        severity = "Publishing is blocked" if finding.is_error else "Warning"
        messages.warning(request, f"{severity}: {finding.message}")
        request.authoring_warned = True


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


# --- Visibility rules ------------------------------------------------------------------------------


@admin.register(VisibilityRule)
class VisibilityRuleAdmin(_AuthoringAdmin):
    organization_path = "question__section__questionnaire__organization"
    form = VisibilityRuleForm
    change_form_template = "admin/questionnaires/question/change_form.html"
    list_display = ["summary", "question", "action", "priority", "is_active"]
    list_filter = ["action", "is_active", "question__section__questionnaire"]
    search_fields = ["question__text"]
    list_select_related = ["question", "question__section", "question__section__questionnaire"]
    readonly_fields = ["question"]
    fields = ["question", "action", "condition", "target_question_ids", "priority", "is_active"]

    @property
    def media(self):
        return super().media + AUTHORING_MEDIA

    @admin.display(description="rule")
    def summary(self, rule):
        try:
            structure = structure_load(rule.question.section.questionnaire_id)
            found = {r.id: r for r in structure.rules}.get(str(rule.pk))
        except Questionnaire.DoesNotExist:
            found = None
        return describe_rule(found, structure) if found else str(rule)

    def has_add_permission(self, request):
        return False  # rules are added from their question's page, where the pickers know the questionnaire

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        authoring = AuthoringContext(obj.question.section.questionnaire)

        class RuleForm(form):
            analyse_alone = True

            def __init__(self, *args, **kw):
                super().__init__(*args, authoring=authoring, owner=obj.question, **kw)

        return RuleForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None:
            extra.update(self._banner(obj))
            extra["authoring_data"] = AuthoringContext(obj.question.section.questionnaire).builder_data(
                owner=str(obj.question_id)
            )
        return super().changeform_view(request, object_id, form_url, extra)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _say_warnings(request, getattr(form, "verdict", None))

    def response_change(self, request, obj):
        if getattr(request, "authoring_warned", False) and "_popup" not in request.POST:
            self.message_user(request, "The rule was saved (see the warnings above).", messages.SUCCESS)
            return redirect("admin:questionnaires_visibilityrule_change", obj.pk)
        return super().response_change(request, obj)
