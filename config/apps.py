from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Operations: backups, retention, database health, replica routing, health endpoints."""

    name = "config"
    label = "config"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from config.admin_scoping import admin_site_scope

        # The admin has discovered every app's admin.py by now (it is first in INSTALLED_APPS).
        admin_site_scope()
