"""A read-only view of the audit trail: rows are never edited or deleted."""

from django.contrib import admin

from audit.models import AuditLog

# django-auditlog registers its own admin for the log model; this one replaces it.
if admin.site.is_registered(AuditLog):
    admin.site.unregister(AuditLog)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "event", "resource_type", "resource_id", "actor", "remote_addr"]
    list_filter = ["event", "resource_type", "timestamp"]
    search_fields = ["event", "resource_type", "resource_id", "actor__email", "cid"]
    list_select_related = ["actor"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
