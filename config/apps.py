from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Operations: backups, retention, database health, replica routing, health endpoints."""

    name = "config"
    label = "config"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from core.admin import check_admin_tenancy

        # Every registered admin must scope itself to the staff user's organization (core/admin.py).
        checks.register(check_admin_tenancy, checks.Tags.admin)

        from django.contrib import admin

        # The sidebar repeats the index on every page, at two requests a page (docs/operations.md).
        admin.site.enable_nav_sidebar = False
        admin.site.site_header = "Adaptive Client Questionnaires"
        admin.site.site_title = "Adaptive Client Questionnaires administration"
        admin.site.index_title = "Administration"
