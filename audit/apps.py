from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_partitions(sender, using="default", **kwargs):
    from django.db import connections

    from audit.partitions import audit_partitions_ensure

    # After `migrate audit zero` the table is gone; there is nothing to partition.
    if "audit_logs" in connections[using].introspection.table_names():
        audit_partitions_ensure()


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.gdpr import personal_data_register
        from audit.gdpr import PERSONAL_DATA

        post_migrate.connect(_ensure_partitions, sender=self, dispatch_uid="audit-partitions")
        personal_data_register(PERSONAL_DATA)
