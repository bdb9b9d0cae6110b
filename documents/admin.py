"""Admin for document types (editable catalogue) and generated documents (read-mostly, with a retry)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin import GLOBAL, TenantAdmin, acts_for_every_organization
from documents import services
from documents.models import (
    Document,
    DocumentFormat,
    DocumentOutbox,
    DocumentStatus,
    DocumentType,
    IllegalTransition,
)
from documents.schemas import DOCUMENT_TYPE_METADATA_SCHEMA
from questionnaires.schemas import schema_errors
from sessions_app.models import Session


class DocumentTypeForm(forms.ModelForm):
    class Meta:
        model = DocumentType
        fields = "__all__"  # noqa: DJ007 - every column of the seed's table is editable here

    def clean_metadata(self):
        metadata = self.cleaned_data.get("metadata") or {}
        problems = schema_errors(metadata, DOCUMENT_TYPE_METADATA_SCHEMA)
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
            artefact = services.document_render(document=document)
            response = HttpResponse(artefact.payload, content_type=document.content_type)
            disposition = "inline" if document.format == DocumentFormat.PDF else "attachment"
            name = f"{document_type.slug}-preview.{document.extension}"
            response["Content-Disposition"] = f'{disposition}; filename="{name}"'
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


class PreviewForm(forms.Form):
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(), help_text="Its visible, valid answers are used, as generation would."
    )
    format = forms.ChoiceField(choices=DocumentFormat.choices, initial=DocumentFormat.PDF)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = (
            lambda s: f"{s.user.display_name} · {s.questionnaire.name} · {s.get_status_display()}"
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
