"""A read-only browser of the audit trail: rows are never edited or deleted, and the chain can be checked."""

import json
import uuid

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts.models import User
from audit.models import AuditLog
from audit.services import audit_chain_verify
from core.admin import TenantAdmin, acts_for_every_organization

# django-auditlog registers its own admin for the log model; this one replaces it.
if admin.site.is_registered(AuditLog):
    admin.site.unregister(AuditLog)


class ActorFilter(admin.SimpleListFilter):
    """Staff actors and "system" as choices; any other actor through the link in the actor column."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        # The organization's own users only: an actor of another tenant is never named here.
        users = User.objects.all()
        if not acts_for_every_organization(request.user):
            users = users.filter(organization_id=request.user.organization_id)
        choices = [("none", "No actor (system)")]
        choices += [(str(pk), email) for pk, email in users.filter(is_staff=True).values_list("pk", "email")]
        selected = self.value()
        if selected and selected not in {value for value, _ in choices}:
            user = users.filter(pk=_as_uuid(selected)).values_list("email", flat=True).first()
            if user:
                choices.append((selected, user))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == "none":
            return queryset.filter(actor__isnull=True)
        actor_id = _as_uuid(value)
        return queryset.filter(actor_id=actor_id) if actor_id else queryset.none()


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


@admin.register(AuditLog)
class AuditLogAdmin(TenantAdmin):
    # The row's own organization (filled by the database on insert, and read by row-level security):
    # a system event about the organization's data is theirs too, not only what their users did.
    organization_path = "organization"
    change_list_template = "admin/audit/auditlog/change_list.html"
    list_display = ["chain_seq", "timestamp", "event", "resource_type", "resource_id", "actor_link", "cid"]
    list_display_links = ["chain_seq", "timestamp"]
    list_filter = [ActorFilter, "resource_type", "event", "timestamp"]
    search_fields = ["event", "resource_type", "actor__email"]
    search_help_text = (
        "An action, a resource type or an actor's e-mail; a resource id or a request id exactly."
    )
    list_select_related = ["actor"]
    date_hierarchy = "timestamp"
    ordering = ["-chain_seq"]
    show_full_result_count = False  # a count(*) over millions of rows on every page is not worth it
    fieldsets = [
        (None, {"fields": ["timestamp", "event", "actor", "resource_type", "resource_id", "object_repr"]}),
        ("Changes", {"fields": ["changes_table"]}),
        ("Request", {"fields": ["cid", "remote_addr", "user_agent"]}),
        (
            "Field history (django-auditlog)",
            {
                "classes": ["collapse"],
                "fields": ["action", "content_type", "object_pk", "changes_text", "additional_data"],
            },
        ),
        ("Chain", {"fields": ["chain_seq", "previous_signature", "signature"]}),
    ]
    readonly_fields = ["changes_table"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = Q(cid=term)
            term_uuid = _as_uuid(term)
            if term_uuid:
                exact |= Q(resource_id=term_uuid) | Q(id=term_uuid)
            # Exact matches come from the same scoped rows the search started from, never from the table.
            found |= queryset.filter(exact)
        return found, may_have_duplicates

    @admin.display(description="actor", ordering="actor__email")
    def actor_link(self, obj):
        if obj.actor_id is None:
            return "system"
        return format_html('<a href="?actor={}">{}</a>', obj.actor_id, obj.actor.email)

    @admin.display(description="before and after")
    def changes_table(self, obj):
        changes = obj.changes
        if not changes:
            return "—"
        shaped = isinstance(changes, dict) and set(changes) <= {"before", "after"}
        if not shaped or not all(isinstance(changes.get(key), dict | None) for key in ("before", "after")):
            return format_html("<pre>{}</pre>", _pretty(changes))
        before, after = changes.get("before") or {}, changes.get("after") or {}
        fields = sorted(set(before) | set(after))
        if not fields:
            return "—"
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td><pre>{}</pre></td><td><pre>{}</pre></td></tr>",
            (
                (field, _pretty(before[field]) if field in before else "", _pretty(after.get(field, "")))
                for field in fields
            ),
        )
        return format_html(
            "<table><thead><tr><th>field</th><th>before</th><th>after</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def get_urls(self):
        verify = path(
            "verify/",
            self.admin_site.admin_view(self.verify_chain_view),
            name="audit_auditlog_verify",
        )
        return [verify, *super().get_urls()]

    def verify_chain_view(self, request):
        """Check the whole chain now and say so on the list page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # The chain runs through every organization's rows: checking it is the operator's job.
        if not acts_for_every_organization(request.user):
            raise PermissionDenied
        report = audit_chain_verify()
        level = messages.SUCCESS if report.intact else messages.ERROR
        self.message_user(request, report.summary(), level=level)
        return HttpResponseRedirect(reverse("admin:audit_auditlog_changelist"))


def _pretty(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
