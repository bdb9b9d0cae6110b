"""Admin for document types (editable catalogue) and generated documents (read-mostly, with a retry)."""

import hashlib
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy

from core.admin import GLOBAL, TenantAdmin, acts_for_every_organization
from core.guides import guide_link
from documents import selectors, services
from documents.blocks import blocks_problems
from documents.models import (
    Document,
    DocumentFormat,
    DocumentOutbox,
    DocumentStatus,
    DocumentType,
    IllegalTransition,
    Recommendation,
)
from documents.recommendations import AUTHORED_FIELDS, recommendation_problems
from documents.schemas import DOCUMENT_TYPE_METADATA_SCHEMA
from documents.wordtemplates import MAX_UPLOAD, word_template_problems
from questionnaires.schemas import schema_errors
from sessions_app.models import Session

CONDITION_HELP = (
    "The visibility rules' JSON shape, with question keys, matrix rows as key.row and computed values: "
    '{"field": "engineering_maturity.ci", "operator": "in", "value": ["none", "adhoc"]}, or several '
    'combined: {"logicalOp": "AND", "nested": [{…}, {…}]} (or "OR"). Choices are compared by their '
    "option value. Empty: it always applies."
)
TEMPLATE_HELP = format_lazy(
    "Sandboxed Jinja2 templates that read answers by key and computed values by name, "
    "e.g. {{{{ technical_debt|out_of(10) }}}}, {{{{ technology_budget|money }}}}, {{{{ platforms|list }}}}. "
    "See {}.",
    guide_link(
        "documents",
        "content-as-blocks-analysis-not-a-copy-of-the-answers",
        "the documents guide: content as blocks",
    ),
)


class IndentedJSONField(forms.JSONField):
    """JSON shown indented in a tall box: a type's metadata holds its whole content."""

    widget = forms.Textarea(
        attrs={"rows": 30, "cols": 100, "class": "vLargeTextField", "spellcheck": "false"}
    )

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


class DocumentTypeForm(forms.ModelForm):
    metadata = IndentedJSONField(required=False, help_text="The outline, cover, fields and content blocks.")
    word_template = forms.FileField(
        required=False,
        label="Word template",
        help_text=format_lazy(
            "A .docx written with docxtpl tags ({{{{ company }}}}, {{{{ technology_budget|money }}}}, "
            "{{% for r in recommendations %}}…{{% endfor %}}, {{{{ charts.engineering_maturity }}}}); "
            "the Word file of this type is then filled from it. Checked on upload; see {}.",
            guide_link(
                "documents", "bring-your-own-word-template", "the documents guide: your own Word template"
            ),
        ),
    )
    word_template_clear = forms.BooleanField(
        required=False,
        label="Remove the Word template",
        help_text="Word files are then drawn from the blocks.",
    )

    class Meta:
        model = DocumentType
        fields = "__all__"  # noqa: DJ007 - every column of the seed's table is editable here

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.instance.metadata or {}).get("word_template") if self.instance.pk else None
        if isinstance(current, dict) and "word_template" in self.fields:
            self.fields["word_template"].help_text = (
                f"In use: {current.get('name', 'a template')} ({current.get('size', 0):,} bytes, uploaded "
                f"{str(current.get('uploaded_at', ''))[:10]}). Upload another to replace it. "
                + str(self.fields["word_template"].help_text)
            )

    def clean_word_template(self):
        upload = self.cleaned_data.get("word_template")
        if not upload:
            return None
        if not upload.name.lower().endswith(".docx"):
            raise forms.ValidationError("Upload a Word document (.docx).")
        data = upload.read(MAX_UPLOAD + 1)
        names = set(selectors.content_schema(every_organization=True))
        problems = word_template_problems(data, names)
        if problems:
            raise forms.ValidationError(problems)
        return {"name": upload.name[:200], "data": data}

    def clean_metadata(self):
        metadata = self.cleaned_data.get("metadata") or {}
        problems = schema_errors(metadata, DOCUMENT_TYPE_METADATA_SCHEMA)
        if problems:
            raise forms.ValidationError(problems)
        unchanged = metadata.get("blocks") == (self.instance.metadata or {}).get("blocks")
        if metadata.get("blocks") and not unchanged:
            # Blocks are checked when they change (an edit of the name does not recheck the shipped
            # content). The type is global: its blocks may read every organization's questionnaires.
            problems = blocks_problems(metadata["blocks"], selectors.content_schema(every_organization=True))
            if problems:
                raise forms.ValidationError(problems)
        return metadata

    def clean_template_path(self):
        template_path = (self.cleaned_data.get("template_path") or "").strip()
        if template_path:
            try:
                get_template(template_path)
            except TemplateDoesNotExist:
                raise forms.ValidationError(f"No template named {template_path!r}.") from None
            except TemplateSyntaxError as error:
                raise forms.ValidationError(f"The template does not compile: {error}") from None
        return template_path or None

    def clean_output_formats(self):
        formats = [str(value).strip().upper() for value in self.cleaned_data.get("output_formats") or []]
        unknown = sorted(set(formats) - set(DocumentFormat.values))
        if unknown:
            raise forms.ValidationError(f"Unknown format(s): {', '.join(unknown)}. Use PDF and/or DOCX.")
        if not formats:
            raise forms.ValidationError("Choose at least one output format.")
        return list(dict.fromkeys(formats))


@admin.register(DocumentType)
class DocumentTypeAdmin(TenantAdmin):
    # One catalogue of document types serves every organization: only superusers change it.
    organization_path = GLOBAL
    form = DocumentTypeForm
    list_display = ["name", "slug", "category", "output_formats", "estimated_pages", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    change_form_template = "admin/documents/documenttype/change_form.html"

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):  # a read-only view has nothing to upload
            fields = [name for name in fields if name not in ("word_template", "word_template_clear")]
        return fields

    def save_model(self, request, obj, form, change):
        """Store an uploaded Word template and name it in the type's metadata (or drop it)."""
        upload = form.cleaned_data.get("word_template")
        metadata = dict(obj.metadata or {})
        if upload:
            digest = hashlib.sha256(upload["data"]).hexdigest()
            key = default_storage.save(
                f"document-templates/{obj.slug}/{digest[:16]}.docx", ContentFile(upload["data"])
            )
            metadata["word_template"] = {
                "key": key,
                "name": upload["name"],
                "size": len(upload["data"]),
                "sha256": digest,
                "uploaded_at": timezone.now().isoformat(timespec="seconds"),
            }
        elif form.cleaned_data.get("word_template_clear"):
            metadata.pop("word_template", None)
        obj.metadata = metadata
        super().save_model(request, obj, form, change)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<uuid:object_id>/preview/", preview, name="documents_documenttype_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """Render this type from one of the organization's sessions, storing nothing (render_document)."""
        document_type = self.tenant_object_or_404(request, object_id)
        if not self.has_view_permission(request, document_type):
            raise PermissionDenied
        sessions = Session.objects.select_related("user", "questionnaire").order_by("-updated_at")
        if not acts_for_every_organization(request.user):
            sessions = sessions.filter(user__organization_id=request.user.organization_id)
        form = PreviewForm(request.GET if "session" in request.GET else None, sessions=sessions)
        if form.is_valid():
            document = Document(
                session=form.cleaned_data["session"],
                document_type=document_type,
                format=form.cleaned_data["format"],
                version=1,
            )
            if "show" in request.GET:
                return self._preview_page(request, document_type, form, document)
            artefact = services.document_render(document=document)
            response = HttpResponse(artefact.payload, content_type=document.content_type)
            disposition = "inline" if document.format == DocumentFormat.PDF else "attachment"
            name = f"{document_type.slug}-preview.{document.extension}"
            response["Content-Disposition"] = f'{disposition}; filename="{name}"'
            response["X-Frame-Options"] = "SAMEORIGIN"  # the preview page shows it in a frame
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": document_type,
            "title": f"Preview {document_type.name} against a session",
            "form": form,
        }
        status = 400 if form.is_bound else 200  # a session not offered here is bad input, never a render
        return TemplateResponse(request, "admin/documents/documenttype/preview.html", context, status=status)

    def _preview_page(self, request, document_type, form, document):
        """The preview beside what produced each block: the answers, computed values and rules."""
        content = selectors.document_content_for(document=document, session=document.session)
        query = request.GET.copy()
        query.pop("show", None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": document_type,
            "title": f"Preview {document_type.name} against a session",
            "form": form,
            "file_url": f"{request.path}?{query.urlencode()}",
            "is_pdf": document.format == DocumentFormat.PDF,
            "provenance": content.provenance(),
            "content": content,
        }
        return TemplateResponse(request, "admin/documents/documenttype/preview.html", context)


class PreviewForm(forms.Form):
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(), help_text="Its visible, valid answers are used, as generation would."
    )
    format = forms.ChoiceField(choices=DocumentFormat.choices, initial=DocumentFormat.PDF)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.user.display_name} · {s.questionnaire.name} · {s.get_status_display()}"
        )


class FailedFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("unassigned", "Waiting for review, unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(status=DocumentStatus.FAILED)
        if self.value() == "unassigned":
            return queryset.filter(status=DocumentStatus.PENDING_REVIEW).exclude(
                review_status__has_key="assignedTo"
            )
        return queryset


@admin.register(Document)
class DocumentAdmin(TenantAdmin):
    organization_path = "session__user__organization"
    list_display = ["document_type", "client", "format", "status", "version", "generated_at", "retry_button"]
    list_filter = [FailedFilter, "status", "format", "document_type__category", "document_type", "created_at"]
    search_fields = ["document_type__name", "session__user__email", "file_name"]
    list_select_related = ["document_type", "session__user"]
    raw_id_fields = ["session", "approved_by"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    # Status and files change only through the services (the status machine and its audit trail).
    readonly_fields = [
        "session",
        "document_type",
        "status",
        "format",
        "version",
        "storage_url",
        "file_name",
        "file_size",
        "page_count",
        "generation_metadata",
        "review_status",
        "approved_by",
        "approved_at",
        "rejection_reason",
        "generated_at",
        "created_at",
        "updated_at",
        "retry_button",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Client", ordering="session__user__email")
    def client(self, document):
        return document.session.user.email

    @admin.display(description="Retry")
    def retry_button(self, document):
        if document.status != DocumentStatus.FAILED:
            return "—"
        # Both the change list and the change form sit inside a POST form that carries the CSRF
        # token; the button posts that form to the retry view instead of nesting a form of its own.
        url = reverse("admin:documents_document_retry", args=[document.pk])
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>',
            url,
            "Retry generation",
        )

    def get_urls(self):
        custom = [
            path(
                "<uuid:document_id>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name="documents_document_retry",
            )
        ]
        return custom + super().get_urls()

    def retry_view(self, request, document_id):
        if request.method != "POST" or not self.has_change_permission(request):
            raise Http404("No such page.")
        document = self.tenant_object_or_404(request, document_id)
        try:
            services.document_retry(document=document, actor=request.user)
        except IllegalTransition:
            self.message_user(request, "Only a failed document can be retried.", messages.ERROR)
        else:
            self.message_user(
                request, f"{document.document_type} queued for generation again.", messages.SUCCESS
            )
        return HttpResponseRedirect(reverse("admin:documents_document_change", args=[document.pk]))

    @admin.action(description="Retry generation of the selected failed documents")
    def retry_failed(self, request, queryset):
        retried = 0
        for document in queryset.filter(status=DocumentStatus.FAILED):
            services.document_retry(document=document, actor=request.user)
            retried += 1
        self.message_user(request, f"{retried} document(s) queued for generation again.", messages.SUCCESS)


@admin.register(DocumentOutbox)
class DocumentOutboxAdmin(TenantAdmin):
    """Generation messages the broker has not taken yet: what an outage held back, and its last error."""

    organization_path = "document__session__user__organization"
    list_display = ["document", "created_at", "attempts", "last_attempt_at", "last_error"]
    search_fields = ["document__session__user__email", "last_error"]
    list_select_related = ["document__document_type"]
    readonly_fields = ["document", "created_at", "attempts", "last_attempt_at", "last_error"]
    actions = ["send_now"]

    def has_add_permission(self, request):
        return False  # rows come from the services, in the transaction that makes the document

    @admin.action(description="Send the selected generation messages now")
    def send_now(self, request, queryset):
        sent = services.documents_outbox_drain(document_ids=list(queryset.values_list("pk", flat=True)))
        level = messages.SUCCESS if sent else messages.WARNING
        self.message_user(request, f"{sent} message(s) sent; the rest wait for the broker.", level)


class RecommendationForm(forms.ModelForm):
    """Checks the condition and templates against the names of the questionnaires documents serve."""

    document_types = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The document types that include it; none ticked means every type.",
    )
    # Set by RecommendationAdmin.get_form: whose questionnaires' keys the templates may read.
    schema_organization_id = None
    schema_every_organization = False

    class Meta:
        model = Recommendation
        fields = ["organization", "key", "document_types", "is_active", *AUTHORED_FIELDS]
        widgets = {
            "condition": forms.Textarea(attrs={"rows": 6, "cols": 80, "class": "vLargeTextField"}),
            "finding": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "rationale": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "risk": forms.Textarea(attrs={"rows": 2, "cols": 80}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_types"].choices = list(
            DocumentType.objects.order_by("category", "name").values_list("slug", "name")
        )

    def clean_priority(self):
        priority = self.cleaned_data.get("priority")
        if priority is not None and not 1 <= priority <= 5:
            raise forms.ValidationError("Priority runs from 1 (most urgent) to 5.")
        return priority

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        written = {name: cleaned.get(name) for name in ("key", *AUTHORED_FIELDS)}
        spec = selectors.recommendation_spec(Recommendation(**written))
        schema = selectors.content_schema(
            organization_id=self.schema_organization_id, every_organization=self.schema_every_organization
        )
        for field_name, problems in recommendation_problems(spec, schema).items():
            self.add_error(field_name, problems)
        return cleaned


@admin.register(Recommendation)
class RecommendationAdmin(TenantAdmin):
    organization_path = "organization"
    shared_catalogue = True  # the shared library (no organization) is read by all, written by superusers
    form = RecommendationForm
    list_display = ["title", "priority", "impact", "effort", "timeframe", "organization"]
    list_filter = ["priority", "impact", "effort", "timeframe", "is_active"]
    search_fields = ["title", "key", "finding", "rationale"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organization", "key", "title", "document_types", "is_active"]}),
        ("When it applies", {"fields": ["condition"], "description": CONDITION_HELP}),
        ("Priority", {"fields": ["priority", "impact", "effort", "timeframe", "owner_role"]}),
        ("What documents say", {"fields": ["finding", "rationale", "risk"], "description": TEMPLATE_HELP}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        every = acts_for_every_organization(request.user)
        organization_id = getattr(obj, "organization_id", None) or getattr(
            request.user, "organization_id", None
        )
        return type(
            form.__name__,
            (form,),
            {"schema_organization_id": organization_id, "schema_every_organization": every and obj is None},
        )
