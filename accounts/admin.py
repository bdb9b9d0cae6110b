"""Admin for organizations, users, API keys, MFA recovery codes and groups.

An organization's admins (staff, not superusers) see and manage their own organization only, and can
never give anyone more rights than they hold themselves (accounts.rights); see docs/security.md.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect

from accounts import branding, gdpr, gdpr_views, notifications, rights
from accounts.models import ApiKey, MfaRecoveryCode, Organization, User, UserRole
from accounts.services import mfa_reset, organization_branding_set, organization_reminders_set
from core.admin import GLOBAL, TenantAdmin, acts_for_every_organization

# Fields only a superuser sets: they reach beyond one organization or grant rights without limit.
SUPERUSER_ONLY_USER_FIELDS = ("is_superuser", "user_permissions")


def _color_field(label: str, help_text: str) -> forms.CharField:
    """A colour picker; left untouched, the colour is not set (each document family keeps its own)."""
    widget = forms.TextInput(attrs={"type": "color"})
    return forms.CharField(label=label, required=False, max_length=7, widget=widget, help_text=help_text)


class OrganizationForm(forms.ModelForm):
    """An organization, with the branding its documents carry (accounts/branding.py)."""

    primary_color = _color_field("Primary colour", "Headings' rules and the cover's title line.")
    accent_color = _color_field("Accent colour", "Running header and footer, captions.")
    footer = forms.CharField(
        label="Footer",
        required=False,
        max_length=branding.FOOTER_MAX_LENGTH,
        help_text="A line at the foot of every page, e.g. “Confidential — prepared by Acme Advisory”.",
    )
    logo = forms.FileField(
        required=False,
        help_text=f"PNG or JPEG, at most {branding.LOGO_MAX_BYTES // 1024} KB; shown on the cover.",
    )
    logo_clear = forms.BooleanField(label="Remove the logo", required=False)
    # Reminder e-mails to clients (accounts/notifications.py); a blank number is 0: that reminder is off.
    reminders_enabled = forms.BooleanField(label="E-mail reminders to clients", required=False)
    reminders_idle_days = forms.IntegerField(
        label="Remind after days without an answer",
        required=False,
        help_text="A client whose questionnaire has had no answer for this many days is reminded once, "
        "until they answer again. 0 or blank: no such reminder.",
    )
    reminders_before_due_days = forms.IntegerField(
        label="Remind this many days before the due date",
        required=False,
        help_text="A client whose questionnaire is due within this many days is reminded once. "
        "0 or blank: no such reminder.",
    )

    class Meta:
        model = Organization
        fields = ["name", "slug", "settings", "subscription", "deleted_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = branding.branding_of(self.instance)
        self.fields["primary_color"].initial = current.primary_color or branding.DEFAULT_PRIMARY
        self.fields["accent_color"].initial = current.accent_color or branding.DEFAULT_ACCENT
        self.fields["footer"].initial = current.footer
        if current.logo_key:
            self.fields["logo"].help_text += f" A logo is set ({current.logo_key.rsplit('/', 1)[-1]})."
        reminders = notifications.reminder_settings_of(self.instance.settings)
        self.fields["reminders_enabled"].initial = reminders.enabled
        self.fields["reminders_idle_days"].initial = reminders.idle_days
        self.fields["reminders_before_due_days"].initial = reminders.before_due_days
        self.fields["reminders_idle_days"].help_text += (
            f" At most {notifications.idle_days_max()}: a questionnaire left longer is closed as abandoned."
        )

    def _color(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").lower()
        if not value:
            return ""  # not sent: the colour stays as it is
        problem = branding.color_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_primary_color(self):
        return self._color("primary_color")

    def clean_accent_color(self):
        return self._color("accent_color")

    def _days(self, name: str, maximum: int) -> int:
        value = self.cleaned_data.get(name)
        if value is None:
            return 0  # blank: this reminder is off
        problem = notifications.days_problem(value, maximum=maximum)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_reminders_idle_days(self):
        return self._days("reminders_idle_days", notifications.idle_days_max())

    def clean_reminders_before_due_days(self):
        return self._days("reminders_before_due_days", notifications.BEFORE_DUE_DAYS_MAX)

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > branding.LOGO_MAX_BYTES:
            raise forms.ValidationError(f"The logo is larger than {branding.LOGO_MAX_BYTES // 1024} KB.")
        data = upload.read()
        if branding.logo_type(data[:16]) is None:
            raise forms.ValidationError("The logo must be a PNG or JPEG image.")
        return data


@admin.register(Organization)
class OrganizationAdmin(TenantAdmin):
    organization_path = "pk"
    form = OrganizationForm
    fieldsets = [
        (None, {"fields": ["name", "slug", "settings"]}),
        (
            "Branding of documents",
            {
                "description": "The logo, colours and footer of the documents your clients receive.",
                "fields": ["primary_color", "accent_color", "footer", "logo", "logo_clear"],
            },
        ),
        (
            "Reminders",
            {
                "description": "E-mails reminding your clients of questionnaires they started and have "
                "not finished. Each client can turn them off.",
                "fields": ["reminders_enabled", "reminders_idle_days", "reminders_before_due_days"],
            },
        ),
        ("Account", {"fields": ["subscription", "deleted_at", "created_at", "updated_at"]}),
    ]
    list_display = ["name", "slug", "created_at", "deleted_at"]
    search_fields = ["name", "slug"]
    list_filter = ["created_at"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return self.tenant_rows(request, Organization.all_objects.all())

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not acts_for_every_organization(request.user):
            readonly += ["subscription", "deleted_at"]  # the plan and the account are the operator's
        return readonly

    def has_add_permission(self, request):
        return acts_for_every_organization(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return acts_for_every_organization(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data, changed = form.cleaned_data, set(form.changed_data)
        if changed & {"reminders_enabled", "reminders_idle_days", "reminders_before_due_days"}:
            organization_reminders_set(
                organization=obj,
                enabled=bool(data["reminders_enabled"]),
                idle_days=data["reminders_idle_days"],
                before_due_days=data["reminders_before_due_days"],
                actor=request.user,
            )
        branding_fields = {"primary_color", "accent_color", "footer", "logo", "logo_clear"}
        if not changed & branding_fields:
            return
        organization_branding_set(
            organization=obj,
            # Only what the admin changed: an untouched colour picker is not a chosen colour.
            primary_color=(data["primary_color"] or None) if "primary_color" in changed else None,
            accent_color=(data["accent_color"] or None) if "accent_color" in changed else None,
            footer=(data.get("footer") or "") if "footer" in changed else None,
            logo=data.get("logo"),
            logo_clear=bool(data.get("logo_clear")),
            actor=request.user,
        )


@admin.register(User)
class UserAdmin(TenantAdmin, DjangoUserAdmin):
    organization_path = "organization"
    ordering = ["email"]
    list_display = ["email", "display_name", "organization", "role", "is_active", "mfa_enabled", "last_login"]
    list_filter = ["role", "organization", "is_active", "is_staff", "mfa_enabled", "groups"]
    search_fields = ["email", "profile__name"]
    list_select_related = ["organization"]
    # MFA is turned on only by its owner proving a code; here it can only be reset (see the action).
    readonly_fields = [
        "mfa_enabled",
        "last_login",
        "last_login_ip",
        "failed_login_attempts",
        "created_at",
        "updated_at",
    ]
    actions = ["reset_mfa", "export_personal_data", "anonymise"]
    # The change page links to the user's personal data (GDPR export and anonymisation).
    change_form_template = "accounts/admin/user_change_form.html"
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if acts_for_every_organization(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in fields if f not in SUPERUSER_ONLY_USER_FIELDS]})
            for name, options in fieldsets
            for fields in [options["fields"]]
        ]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if not acts_for_every_organization(request.user):
            rows = rows.filter(is_superuser=False)  # the operator's accounts are not a tenant's to see
        return rows

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or rights.may_manage(actor=request.user, user=obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or rights.may_manage(actor=request.user, user=obj))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and formfield is not None:
            formfield.queryset = rights.groups_grantable_by(request.user, formfield.queryset)
        return formfield

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        formfield = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role" and not acts_for_every_organization(request.user):
            formfield.choices = [c for c in formfield.choices if c[0] != UserRole.SUPER_ADMIN]
        return formfield

    @admin.action(description="Reset two-factor authentication (lost device)")
    def reset_mfa(self, request, queryset):
        count = 0
        for user in queryset.filter(mfa_enabled=True):
            mfa_reset(user=user, actor=request.user)
            count += 1
        self.message_user(
            request,
            f"Two-factor authentication reset for {count} user(s). They can set it up again on their "
            "account page; administrators must before they next open the admin site.",
            messages.SUCCESS,
        )

    def _one_user(self, request, queryset):
        """Return the one user selected for a GDPR action, or None after saying why not."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, "Select exactly one user for this action.", messages.WARNING)
            return None
        return gdpr.user_for_gdpr_admin(actor=request.user, user_id=users[0].pk)

    @admin.action(description="Export personal data (GDPR, JSON download)", permissions=["view"])
    def export_personal_data(self, request, queryset):
        user = self._one_user(request, queryset)
        return gdpr_views.export_response(request=request, user=user) if user is not None else None

    @admin.action(description="Anonymise (GDPR)…", permissions=["change"])
    def anonymise(self, request, queryset):
        user = self._one_user(request, queryset)
        if user is None:
            return None
        if user.pk == request.user.pk:
            self.message_user(request, "You cannot anonymise your own account.", messages.ERROR)
            return None
        return redirect("accounts:gdpr_user_anonymise", user_id=user.pk)


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    organization_path = "user__organization"
    list_display = ["name", "key_prefix", "user", "scopes", "expires_at", "revoked_at", "last_used_at"]
    search_fields = ["name", "key_prefix", "user__email"]
    list_filter = ["revoked_at", "expires_at"]
    list_select_related = ["user"]
    readonly_fields = ["key_prefix", "key_hash", "last_used_at", "created_at", "updated_at"]


@admin.register(MfaRecoveryCode)
class MfaRecoveryCodeAdmin(TenantAdmin):
    """Read-only: codes exist only as hashes; users replace them, admins reset MFA on the user."""

    organization_path = "user__organization"

    list_display = ["user", "created_at", "used_at"]
    list_filter = ["used_at", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "code_hash", "created_at", "used_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TenantAdmin, DjangoGroupAdmin):
    """Groups are shared by every organization: a change reaches every tenant, so only superusers write."""

    organization_path = GLOBAL
