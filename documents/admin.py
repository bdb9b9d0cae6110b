"""Admin for document types and generated documents."""

from django.contrib import admin

from documents.models import Document, DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category", "output_formats", "estimated_pages", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["document_type", "session", "format", "status", "version", "generated_at"]
    list_filter = ["status", "format", "document_type__category"]
    search_fields = ["document_type__name", "session__user__email", "file_name"]
    list_select_related = ["document_type", "session__user"]
    raw_id_fields = ["session", "approved_by"]
