from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_audit_logout, dispatch_uid="accounts.audit_logout")


def _audit_logout(sender, request, user, **kwargs):
    """Audit every logout, whichever view or middleware ends the session (ours, the admin's, idle)."""
    from accounts.services import logout_record

    logout_record(user=user, reason=getattr(request, "logout_reason", "user"))
