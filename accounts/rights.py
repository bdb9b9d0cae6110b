"""The rights an organization's admin may hand out or touch: never more than their own.

A staff user who is not a superuser may manage a user of their organization only when that user holds
no right the admin lacks, and may give only groups whose permissions they hold themselves. Otherwise a
`change_user` permission would be a way to every other permission (docs/security.md).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Q

from core.admin import acts_for_every_organization


def rights_of(user) -> set[str] | None:
    """Return the user's permissions as "app_label.codename" (None: a superuser, who holds them all).

    Read from the tables rather than from `get_all_permissions()`, which is empty for an inactive user:
    an inactive account is still one that could be reactivated.
    """
    if user.is_superuser:
        return None
    rows = Permission.objects.filter(Q(user=user) | Q(group__user=user)).values_list(
        "content_type__app_label", "codename"
    )
    return {f"{app}.{codename}" for app, codename in rows}


def _within(rights: set[str] | None, limit: set[str] | None) -> bool:
    if limit is None:
        return True
    return rights is not None and rights <= limit


def may_manage(*, actor, user) -> bool:
    """Return whether `actor` may change or delete `user` (already known to be of their organization)."""
    if acts_for_every_organization(actor):
        return True
    if user.pk == actor.pk:
        return True  # their own profile; the fields that grant rights are limited on the form
    return _within(rights_of(user), rights_of(actor))


def groups_grantable_by(actor, groups):
    """Narrow a queryset of groups to those whose every permission `actor` holds."""
    if acts_for_every_organization(actor):
        return groups
    limit = rights_of(actor)
    grantable = [
        group.pk
        for group in groups.prefetch_related("permissions__content_type")
        if _within({f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}, limit)
    ]
    return groups.filter(pk__in=grantable)
