"""The audit trail on the seed's `audit_logs` table (seed 000 §4.5).

One table holds both kinds of entry: the field-level history that django-auditlog records for
registered models (this is its AUDITLOG_LOGENTRY_MODEL), and the domain events that services
record with `audit.services.audit_record()`. The table is range-partitioned by month on created_at
(see audit/partitions.py); the partitioning is created in the migration because Django cannot.

Rows are append-only (a trigger refuses UPDATE and DELETE) and hash-chained: `save()` links each new
row to the last one under a lock and signs it (audit/chain.py). See docs/audit.md.
"""

import uuid

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models, router, transaction

from audit.chain import chain_append


class AuditLog(AbstractLogEntry):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # the trail outlives nothing it names: users are anonymised, not deleted
        null=True,
        blank=True,
        db_column="user_id",
        db_index=False,  # idx_audit_logs_user
        related_name="+",
    )
    event = models.CharField(max_length=100, db_column="action")
    resource_type = models.CharField(max_length=100)
    resource_id = models.UUIDField(null=True, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True, db_column="ip_address")
    user_agent = models.TextField(null=True, blank=True)
    cid = models.CharField(max_length=100, null=True, blank=True, db_column="request_id")
    timestamp = models.DateTimeField(db_column="created_at")

    # django-auditlog's own columns, extra to the seed; empty on domain events.
    action = models.PositiveSmallIntegerField(
        choices=AbstractLogEntry.Action.choices, null=True, blank=True, db_column="log_action"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    object_pk = models.CharField(max_length=255, blank=True, default="")
    object_id = models.BigIntegerField(null=True, blank=True)
    object_repr = models.TextField(blank=True, default="")

    # The organization the row belongs to, which row-level security reads it by: filled by the database
    # on INSERT (config/migrations/0002_row_level_security_more.py), after signing, and not signed.
    # No constraint: the trail outlives the organizations it names.
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        editable=False,
        db_column="org_id",
        db_index=False,  # idx_audit_logs_org
        related_name="+",
    )

    # The hash chain: filled by chain_append() when the row is inserted, never by callers.
    chain_seq = models.BigIntegerField(editable=False)
    previous_signature = models.CharField(max_length=64, blank=True, editable=False)
    signature = models.CharField(max_length=64, editable=False)

    class Meta(AbstractLogEntry.Meta):
        db_table = "audit_logs"
        indexes = [
            models.Index(fields=["actor"], name="idx_audit_logs_user"),
            models.Index(fields=["event"], name="idx_audit_logs_action"),
            models.Index(fields=["resource_type", "resource_id"], name="idx_audit_logs_resource"),
            models.Index(fields=["timestamp"], name="idx_audit_logs_created"),
            models.Index(fields=["chain_seq"], name="idx_audit_logs_chain_seq"),
            models.Index(fields=["organization", "chain_seq"], name="idx_audit_logs_org"),
        ]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        return f"{self.event} on {self.resource_type}" + (f" {self.resource_id}" if self.resource_id else "")

    @property
    def changes_dict(self):
        from audit.entries import to_field_pairs

        return to_field_pairs(self.changes)

    def save(self, *args, **kwargs):
        from audit.entries import complete_entry

        if not self._state.adding:
            # An existing row: the UPDATE this issues is refused by the database, as it should be.
            return super().save(*args, **kwargs)
        complete_entry(self)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # The chain lock lasts as long as the transaction: without one it would end before the INSERT.
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)

    def _save_table(
        self, raw=False, cls=None, force_insert=False, force_update=False, using=None, update_fields=None
    ):
        # Linked and signed here rather than in save(): django-auditlog fills the actor and the IP
        # address in a pre_save receiver, which runs between the two. `raw` is loaddata, which keeps
        # the chain columns it was given.
        if self._state.adding and not raw:
            chain_append(self, using=using)
        return super()._save_table(raw, cls, force_insert, force_update, using, update_fields)
