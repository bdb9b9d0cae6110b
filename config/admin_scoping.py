"""Scope every admin list and object page to the staff user's organization (superusers see all).

One table names, for each model in the admin, the path from the model to its organization; a model
missing from it is refused at start-up, so a new admin cannot leak another tenant's rows by default.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured

GLOBAL = object()  # a shared catalogue (no tenant): the same for every organization

ORGANIZATION_PATHS: dict[str, object] = {
    "accounts.organization": "pk",
    "accounts.user": "organization",
    "accounts.apikey": "user__organization",
    "accounts.mfarecoverycode": "user__organization",
    "questionnaires.questionnaire": "organization",
    "questionnaires.section": "questionnaire__organization",
    "questionnaires.question": "section__questionnaire__organization",
    "questionnaires.visibilityrule": "question__section__questionnaire__organization",
    "sessions_app.session": "user__organization",
    "sessions_app.response": "session__user__organization",
    "sessions_app.sessionarchive": "user__organization",
    "sessions_app.responsearchive": "session__user__organization",
    "documents.documenttype": GLOBAL,
    "documents.document": "session__user__organization",
    "audit.auditlog": "actor__organization",
    "auth.group": GLOBAL,
}


def organization_path(model) -> object:
    try:
        return ORGANIZATION_PATHS[model._meta.label_lower]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} is in the admin but not in config.admin_scoping.ORGANIZATION_PATHS"
        ) from None


def _scoped(get_queryset, path):
    def get_queryset_for_organization(request):
        queryset = get_queryset(request)
        if request.user.is_superuser or path is GLOBAL:
            return queryset
        if not request.user.organization_id:
            return queryset.none()
        return queryset.filter(**{path: request.user.organization_id})

    return get_queryset_for_organization


def admin_site_scope(site: admin.AdminSite = admin.site) -> None:
    """Wrap get_queryset of every registered ModelAdmin (lists, change, delete and history pages)."""
    for model, model_admin in site._registry.items():
        path = organization_path(model)
        if not getattr(model_admin, "_organization_scoped", False):
            model_admin.get_queryset = _scoped(model_admin.get_queryset, path)
            model_admin._organization_scoped = True
