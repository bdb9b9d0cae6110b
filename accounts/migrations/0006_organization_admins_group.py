"""Create the "Organization admins" group: what each customer organization's admins are given.

Every permission on the project's own models, and reading groups. Held by a staff user who is not a
superuser, it is scoped to their organization by the admin (core/admin.py) and by row-level security,
and it can hand out no more than itself (accounts/rights.py). Superusers are the operator's accounts.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Organization admins"
APPS = ["accounts", "questionnaires", "sessions_app", "documents", "audit"]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=APPS))
    group.permissions.add(Permission.objects.get(codename="view_group", content_type__app_label="auth"))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_mfa_last_used_step"),
        ("questionnaires", "0004_default_per_organization"),
        ("sessions_app", "0001_initial"),
        ("documents", "0005_document_outbox"),
        ("audit", "0003_audit_logs_organization"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
