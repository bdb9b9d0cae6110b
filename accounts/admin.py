"""Admin for organizations, users and API keys."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import ApiKey, Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at", "deleted_at"]
    search_fields = ["name", "slug"]
    list_filter = ["created_at"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return Organization.all_objects.all()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "organization", "role", "is_active", "mfa_enabled", "last_login"]
    list_filter = ["role", "organization", "is_active", "is_staff", "mfa_enabled", "groups"]
    search_fields = ["email", "profile__name"]
    list_select_related = ["organization"]
    readonly_fields = ["last_login", "last_login_ip", "failed_login_attempts", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["organization", "role", "profile", "preferences", "email_verified"]}),
        (
            "Security",
            {
                "fields": [
                    "mfa_enabled",
                    "failed_login_attempts",
                    "locked_until",
                    "last_login",
                    "last_login_ip",
                ]
            },
        ),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["created_at", "updated_at", "deleted_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "organization", "role", "password1", "password2"]}),
    ]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "user", "scopes", "expires_at", "revoked_at", "last_used_at"]
    search_fields = ["name", "key_prefix", "user__email"]
    list_filter = ["revoked_at", "expires_at"]
    list_select_related = ["user"]
    readonly_fields = ["key_prefix", "key_hash", "last_used_at", "created_at", "updated_at"]
