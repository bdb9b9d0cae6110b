"""Record domain events in the audit trail, inside the caller's transaction; verify the trail's chain."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections, models, router, transaction

from audit.chain import (
    ANCHOR_KEY,
    LAST_LINK_PARAMS,
    LAST_LINK_SQL,
    SIGNED_FIELDS,
    ChainAnchor,
    ChainLink,
    ChainReport,
    chain_append,
    chain_walk,
)
from audit.context import current_request_context
from audit.models import AuditLog
from core import tenancy


def audit_record(*, link: ChainLink | None = None, **event: Any) -> AuditLog:
    """Write one audit row for a state change; call it inside the service's transaction.

    ``event`` is what the row records: ``action`` and, as they apply, ``actor``, ``resource`` (or
    ``resource_type`` and ``resource_id``), ``before`` and ``after`` (``_entry`` reads them).
    Appending takes the chain's lock until the transaction ends, so call it last, after the change:
    the INSERT then travels with the COMMIT. A writer that read the chain's end in its own last
    statement (``audit_chain_link_sql()``) passes it as ``link`` and saves a round trip.
    """
    return _append([_entry(**event)], link=link)[0]


def audit_record_all(entries: list[dict[str, Any]]) -> list[AuditLog]:
    """Write several audit rows, in order, as ``audit_record(**entry)`` each would, in two statements.

    The rows are built before the chain's lock is taken; then one statement takes it and reads the
    chain's end, and one INSERT, sent with the COMMIT, appends them all. A service that makes several
    changes (completing a session creates documents, moves an invitation) collects their entries and
    records them last, so that the lock every audited write in the system waits for is held for two
    round trips, not for the service's work.
    """
    return _append([_entry(**entry) for entry in entries]) if entries else []


def _append(built: list[AuditLog], *, link: ChainLink | None = None) -> list[AuditLog]:
    """Link built rows to the chain's end, in order, and INSERT them in one statement."""
    using = router.db_for_write(AuditLog)
    # The chain lock lasts as long as the transaction: without one it would end before the INSERT.
    with transaction.atomic(using=using, savepoint=False):
        # The first reads the chain's end under its lock (unless the caller read it); the others follow it.
        for entry in built:
            chain_append(entry, using=using, link=link)
            link = ChainLink(now=entry.timestamp, seq=entry.chain_seq, signature=entry.signature)
        _insert(built, using=using)
    return built


def _entry(
    *,
    actor=None,
    action: str,
    resource: models.Model | None = None,
    resource_type: str | None = None,
    resource_id: uuid.UUID | str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """The row of one domain event, not yet linked to the chain."""
    if resource is not None:
        resource_type = resource_type or resource._meta.label_lower
        resource_id = resource_id or resource.pk
    context = current_request_context()
    if actor is None:
        actor = context.get("user")
    return _row(
        id=uuid.uuid4(),
        actor_id=getattr(actor, "pk", None),
        event=action,
        resource_type=resource_type or "system",
        resource_id=resource_id,
        changes={"before": before or {}, "after": after or {}},
        remote_addr=context.get("ip_address"),
        user_agent=context.get("user_agent"),
        cid=context.get("request_id"),
        object_repr=_describe(resource),
    )


def _row(**values: Any) -> AuditLog:
    """An unsaved AuditLog of these values, every other column at its default.

    Built from one value per column, in order: Django's quick way to make an instance (the one it uses
    for rows it reads), about half the work of keyword arguments, on the busiest write of all.
    """
    return AuditLog(*[values.get(name, default) for name, default in _column_defaults().items()])


@functools.cache
def _column_defaults() -> dict[str, Any]:
    """Each column's default by attname, in the model's order (None for the id's, given by _entry)."""
    return {
        field.attname: None if field.has_default() and callable(field.default) else field.get_default()
        for field in AuditLog._meta.concrete_fields
    }


def _describe(resource: models.Model | None) -> str:
    # A user is named by resource_id alone: their e-mail copied here would outlive their anonymisation
    # (the chain forbids rewriting the row). Other resources are not people.
    if resource is None or isinstance(resource, get_user_model()):
        return ""
    return str(resource)[:500]


def audit_chain_link_sql() -> tuple[str, tuple]:
    """Return a FROM item, and its parameters, that takes the chain's lock and reads its end.

    Its columns are ``now, seq, signature``: build a ``ChainLink`` from them and pass it to
    ``audit_record(link=...)`` next, in the same transaction, before any other audit entry.
    """
    return LAST_LINK_SQL, LAST_LINK_PARAMS


def _insert(entries: list[AuditLog], *, using: str) -> None:
    """INSERT linked and signed entries: what Model.save() would send, in one statement, without the ORM's
    per-call work.

    Domain events are the most frequent write of all, and nothing listens to their save signals.
    (django-auditlog's own field-history entries still go through AuditLog.save().) The columns a domain
    event never sets are left to their defaults, unless an entry sets one (_LEFT_TO_DEFAULTS).
    """
    connection = connections[using]
    defaults = _column_defaults()
    defaults_only = all(
        getattr(entry, attname) == defaults[attname] for entry in entries for attname in _LEFT_TO_DEFAULTS
    )
    fields, sql, row = _insert_statement(leave_defaults=defaults_only)
    params = [
        field.get_db_prep_save(field.pre_save(entry, True), connection)
        for entry in entries
        for field in fields
    ]
    # Sent with the transaction's COMMIT, in one round trip, unless another statement comes first: the
    # chain's lock is released as soon as the row is written (core/postgresql/base.py).
    connection.run_with_commit(sql + ", ".join([row] * len(entries)), params)
    for entry in entries:
        entry._state.adding = False
        entry._state.db = using


# django-auditlog's columns that a domain event leaves at their defaults (audit/migrations/0001_initial.py:
# '' for object_pk and changes_text, NULL for the others; org_id is the fill trigger's to set). Ten of
# the row's 24 columns: leaving them out makes the busiest INSERT of all shorter to send, parse and bind.
_LEFT_TO_DEFAULTS = frozenset(
    {
        "action",
        "content_type_id",
        "object_pk",
        "object_id",
        "serialized_data",
        "changes_text",
        "remote_port",
        "additional_data",
        "actor_email",
        "organization_id",
    }
)


@functools.cache
def _insert_statement(*, leave_defaults: bool) -> tuple[list, str, str]:
    """The columns, the INSERT up to VALUES, and one row's placeholders."""
    fields = [
        field
        for field in AuditLog._meta.concrete_fields
        if not (leave_defaults and field.attname in _LEFT_TO_DEFAULTS)
    ]
    columns = ", ".join(f'"{field.column}"' for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return fields, f'INSERT INTO "{AuditLog._meta.db_table}" ({columns}) VALUES ', row  # noqa: S608


def audit_chain_verify(*, after: ChainAnchor | None = None, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in chain_seq order and report the first row changed, removed or moved.

    Streams the rows through a server-side cursor (one snapshot, so rows appended meanwhile are left
    for the next run). Once old partitions are dropped, the chain is checked from `after`, the last
    dropped row; without it, from the anchor that an audit entry recorded for that row
    (`audit_chain_anchor_before()`), and failing that the chain must start at seq 1.
    """
    # The chain runs through every organization's rows: it is read as the system, whoever asks (the
    # admin's button, the command), and the connection goes back to the caller's scope after.
    with tenancy.system_scope(using=router.db_for_read(AuditLog)):
        if after is None:
            after = _recorded_anchor()
        rows = (
            AuditLog.objects.order_by("chain_seq", "id")
            .values(*SIGNED_FIELDS, "signature")
            .iterator(chunk_size=chunk_size)
        )
        return chain_walk(rows, anchor=after, locate=_row_signed_as)


def audit_chain_anchor_before(*, moment: dt.datetime) -> ChainAnchor | None:
    """Return the last link of the rows created before `moment`: the anchor to keep when dropping them.

    Retention records it in the audit entry it writes for the drop, as `after={"chain_anchor":
    anchor.as_dict(), ...}`; that entry is itself chained and signed, and verification finds it there.
    """
    last = (
        AuditLog.objects.filter(timestamp__lt=moment)
        .order_by("-chain_seq")
        .values_list("chain_seq", "signature")
        .first()
    )
    return ChainAnchor(*last) if last else None


def _recorded_anchor() -> ChainAnchor | None:
    first_seq = AuditLog.objects.order_by("chain_seq").values_list("chain_seq", flat=True).first()
    if first_seq is None or first_seq == 1:
        return None
    # A forged anchor entry is caught when the walk reaches it: its signature cannot be made without the key.
    recorded = (
        AuditLog.objects.filter(**{f"changes__after__{ANCHOR_KEY}__seq": first_seq - 1})
        .order_by("chain_seq")
        .values_list("changes", flat=True)
        .first()
    )
    return ChainAnchor.from_dict(recorded["after"][ANCHOR_KEY]) if recorded else None


def _row_signed_as(signature: str) -> tuple[uuid.UUID, int] | None:
    # Only called once a link is broken; a scan is fine there.
    return AuditLog.objects.filter(signature=signature).order_by().values_list("id", "chain_seq").first()
