"""The admin's tenant mechanism: every registered ModelAdmin inherits TenantAdmin, every inline TenantInline.

Each organization's admins are staff, not superusers. A TenantAdmin names the path from its model to
the organization that owns a row (`organization_path = "session__user__organization"`), and that one
line scopes everything the admin shows or accepts to the staff user's organization:

- the rows of lists, object pages, history, actions and every custom view built on `get_object`;
- the choices of every foreign-key and many-to-many field (raw-id and autocomplete too), through the
  related model's own admin; a model with no admin offers a tenant nothing;
- search results, and the entries of relation list filters;
- what a POST may write: a new row's organization is always the admin's own, and a form that would
  save a row of another organization, of the shared catalogue or of a global table is a form error.

Superusers act for every organization. `check_admin_tenancy` (a system check) refuses to start a site
where a registered admin, or one of its inlines, does not use this mechanism. docs/security.md says who
may do what.
"""

from __future__ import annotations

import functools

from django.contrib import admin
from django.contrib.admin.filters import AllValuesFieldListFilter, RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

# A table shared by every organization (document types, groups): staff read it, superusers write it.
GLOBAL = "global"

OUTSIDE_SCOPE = (
    "This belongs to another organization or to the shared catalogue: "
    "you can only change your own organization's data."
)


def acts_for_every_organization(user) -> bool:
    return bool(user.is_active and user.is_superuser)


class TenantScoped:
    """What a ModelAdmin and an inline share: how rows reach an organization, and scoped choices."""

    # The lookup from the model to its owning organization ("pk" for the organization itself), or GLOBAL.
    organization_path: str | None = None
    # Rows whose organization is NULL are the shared catalogue: every organization reads them.
    shared_catalogue = False

    def tenant_rows(self, request, queryset, *, writable: bool = False):
        """Narrow `queryset` to the rows the request's user may see (or, with `writable`, change)."""
        user = request.user
        if acts_for_every_organization(user):
            return queryset
        path = self.organization_path
        if path == GLOBAL:
            return queryset.none() if writable else queryset
        if not getattr(user, "organization_id", None):
            return queryset.none()
        scope = Q(**{path: user.organization_id})
        if self.shared_catalogue and not writable:
            scope |= Q(**{f"{path}__isnull": True})
        return queryset.filter(scope)

    def tenant_may_write(self, request, obj) -> bool:
        """Return whether the user may save or delete `obj` (a row of their own organization)."""
        if acts_for_every_organization(request.user):
            return True
        if self.organization_path == GLOBAL:
            return False
        owner = organization_id_of(obj, self.organization_path)
        return owner is not None and owner == request.user.organization_id

    def tenant_choices(self, request, db_field, queryset, *, writable: bool = False):
        """Scope the choices of a relation field through the related model's own admin."""
        if queryset is None or acts_for_every_organization(request.user):
            return queryset
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if not isinstance(related_admin, TenantScoped):
            return queryset.none()  # a model with no tenant-aware admin offers a tenant nothing
        return related_admin.tenant_rows(request, queryset, writable=writable)

    def _owning_field(self) -> str | None:
        """The first hop of the organization path: the field that decides who owns a row."""
        path = self.organization_path
        return None if path in (None, GLOBAL, "pk") else path.split("__")[0]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            # The field that decides the owner offers only rows the user may write into.
            writable = db_field.name == self._owning_field()
            formfield.queryset = self.tenant_choices(request, db_field, formfield.queryset, writable=writable)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self.tenant_choices(request, db_field, formfield.queryset)
        return formfield


def organization_id_of(obj, path: str | None):
    """Follow `path` from `obj` to its organization's id; None for the shared catalogue or an unset link."""
    if obj is None or path in (None, GLOBAL):
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    current = obj
    try:
        for hop in hops:
            current = getattr(current, hop)
            if current is None:
                return None
        return getattr(current, f"{last}_id")
    except ObjectDoesNotExist:
        return None


class _ScopedAllValuesFilter(AllValuesFieldListFilter):
    """The values of a related model's field that the admin's own rows use, not those of every tenant."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        rows = model_admin.get_queryset(request).exclude(**{f"{field_path}__isnull": True})
        self.lookup_choices = rows.distinct().order_by(field_path).values_list(field_path, flat=True)


def _scoped_filter(model, item):
    """Replace a plain field name in list_filter by a filter whose entries come from the scoped rows."""
    if not isinstance(item, str):
        return item
    try:
        field = get_fields_from_path(model, item)[-1]
    except (FieldDoesNotExist, admin.utils.NotRelationField):
        return item
    if field.is_relation:
        return (item, RelatedOnlyFieldListFilter)
    plain = not field.flatchoices and not isinstance(field, models.BooleanField | models.DateField)
    if "__" in item and plain:
        return (item, _ScopedAllValuesFilter)
    return item


class TenantAdmin(TenantScoped, admin.ModelAdmin):
    """A ModelAdmin scoped to the staff user's organization. Subclasses set `organization_path`."""

    def get_queryset(self, request):
        return self.tenant_rows(request, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        # Scoped again after the search: a search that ORs in rows of its own stays within the tenant.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return self.tenant_rows(request, queryset), may_have_duplicates

    def get_list_filter(self, request):
        return [_scoped_filter(self.model, item) for item in super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        owner = self._owning_field()
        if not acts_for_every_organization(request.user) and self.organization_path == owner:
            readonly.append(owner)  # a tenant's rows always belong to the tenant: never chosen
        return readonly

    def has_add_permission(self, request):
        tenant_may_add = self.organization_path != GLOBAL and getattr(request.user, "organization_id", None)
        if not (acts_for_every_organization(request.user) or tenant_may_add):
            return False
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.tenant_may_write(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.tenant_may_write(request, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if acts_for_every_organization(request.user):
            return form
        return _tenant_form(form, model_admin=self, request=request)

    def get_action(self, action):
        found = super().get_action(action)
        if found is None:
            return None
        function, name, description = found
        if getattr(function, "allowed_permissions", ()) == ("view",):
            return found
        # An action that changes rows acts only on those the user may write, whatever was ticked.
        return _writable_rows_only(function), name, description

    def tenant_object_or_404(self, request, object_id):
        """The object named in a custom view's URL, if the user may see it; 404 otherwise."""
        obj = self.get_object(request, str(object_id))
        if obj is None:
            raise Http404("No such object.")
        return obj


class TenantInline(TenantScoped):
    """An inline of a TenantAdmin: editable only where its parent is, with scoped choices."""

    def _parent_admin(self):
        return self.admin_site._registry.get(self.parent_model)

    def _parent_writable(self, request, obj) -> bool:
        parent = self._parent_admin()
        return obj is None or parent is None or parent.tenant_may_write(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_writable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_writable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_writable(request, obj) and super().has_delete_permission(request, obj)


def _tenant_form(form_class, *, model_admin: TenantScoped, request):
    """Subclass an admin form so that it stamps a new row with the user's organization and refuses others."""

    class TenantForm(form_class):
        def _post_clean(self):
            owner = model_admin._owning_field()
            if self.instance._state.adding and owner == model_admin.organization_path:
                setattr(self.instance, f"{owner}_id", request.user.organization_id)
            super()._post_clean()
            if not model_admin.tenant_may_write(request, self.instance):
                self.add_error(None, OUTSIDE_SCOPE)

    TenantForm.__name__ = form_class.__name__
    TenantForm.__qualname__ = form_class.__qualname__
    return TenantForm


def _writable_rows_only(function):
    @functools.wraps(function)
    def action(model_admin, request, queryset):
        return function(model_admin, request, model_admin.tenant_rows(request, queryset, writable=True))

    return action


# --- The system check --------------------------------------------------------------------------------


def check_admin_tenancy(app_configs=None, site=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse a registered admin (or inline) that does not scope itself to the user's organization."""
    site = site or admin.site
    errors = []
    for model, model_admin in site._registry.items():
        label = model._meta.label
        if not isinstance(model_admin, TenantAdmin):
            errors.append(
                checks.Error(
                    f"The admin of {label} ({type(model_admin).__qualname__}) does not inherit "
                    "core.admin.TenantAdmin, so nothing scopes it to the staff user's organization.",
                    hint="Inherit core.admin.TenantAdmin and set organization_path.",
                    obj=type(model_admin),
                    id="acqs.E001",
                )
            )
            continue
        problem = _path_problem(model, model_admin.organization_path)
        if problem:
            errors.append(checks.Error(f"{label}: {problem}", obj=type(model_admin), id="acqs.E002"))
        for inline in model_admin.inlines:
            if not issubclass(inline, TenantInline):
                errors.append(
                    checks.Error(
                        f"The inline {inline.__qualname__} of {label} does not inherit "
                        "core.admin.TenantInline.",
                        obj=inline,
                        id="acqs.E003",
                    )
                )
    return errors


def _path_problem(model, path) -> str:
    if path is None:
        return "organization_path is not set (a lookup to the owning organization, 'pk', or GLOBAL)."
    if path in (GLOBAL, "pk"):
        return ""
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, admin.utils.NotRelationField):
        return f"organization_path {path!r} does not lead to a field."
    if not field.is_relation:
        return f"organization_path {path!r} must end at a relation to the organization."
    return ""
