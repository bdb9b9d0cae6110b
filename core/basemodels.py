"""Abstract models shared by every app: UUID keys and the created_at/updated_at pair of seed 002.

Defaults exist on both sides: in Python for the ORM, and in the database (gen_random_uuid(), NOW())
so that rows written by SQL alone follow the specification too.
"""

import uuid

from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class UUIDModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, db_default=RandomUUID(), editable=False)

    class Meta:
        abstract = True


class TimestampedModel(UUIDModel):
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        abstract = True


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def soft_delete(self):
        return self.update(deleted_at=timezone.now())


class SoftDeleteManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    """Hide soft-deleted rows from default queries; `all_objects` still sees them."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


def choices_check(field: str, choices, name: str) -> models.CheckConstraint:
    """Restrict an enum column in the database, not only in Python."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": list(choices.values)}), name=name)
