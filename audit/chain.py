"""The hash chain that makes the audit trail tamper-evident: how a row is signed, appended and checked.

`AuditLog.save()` calls `chain_append()` inside the writer's transaction;
`audit.services.audit_chain_verify()` feeds the rows, in chain order, to `chain_walk()`. Signing and
walking are plain computation on values; only `chain_append()` touches the database.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

# The key of the transaction-scoped advisory lock that serialises appends (the bytes spell "acqsaudt").
CHAIN_LOCK_KEY = int.from_bytes(b"acqsaudt", "big")

# Bumping this invalidates every signature: a new format needs a new version and a migration plan.
SIGNATURE_FORMAT = "acqs-audit-chain-v1"

# What a signature covers: every column of the row except the signature itself, keyed by column name
# so the format does not drift with Python attribute names. Nothing is read from other tables: the
# actor is its user_id, so anonymising a user never touches a signature.
# attname -> (column, kind)
SIGNED_FIELDS: dict[str, tuple[str, str]] = {
    "chain_seq": ("chain_seq", "int"),
    "previous_signature": ("previous_signature", "text"),
    "id": ("id", "uuid"),
    "timestamp": ("created_at", "datetime"),
    "actor_id": ("user_id", "uuid"),
    "event": ("action", "text"),
    "resource_type": ("resource_type", "text"),
    "resource_id": ("resource_id", "uuid"),
    "changes": ("changes", "json"),
    "remote_addr": ("ip_address", "ip"),
    "user_agent": ("user_agent", "text"),
    "cid": ("request_id", "text"),
    "action": ("log_action", "int"),
    "content_type_id": ("content_type_id", "int"),
    "object_pk": ("object_pk", "text"),
    "object_id": ("object_id", "int"),
    "object_repr": ("object_repr", "text"),
    "serialized_data": ("serialized_data", "json"),
    "changes_text": ("changes_text", "text"),
    "remote_port": ("remote_port", "int"),
    "additional_data": ("additional_data", "json"),
    "actor_email": ("actor_email", "text"),
}

# Columns deliberately left out of the signature, and why.
UNSIGNED_COLUMNS: dict[str, str] = {
    # Says who may read the row, not what it records. The database fills it on INSERT, after the
    # signature is made (config/migrations/0002_row_level_security_more.py), and filled it for the rows
    # signed before the column existed; signing it would have broken every one of their signatures.
    "org_id": "the organization whose scope may read the row (row-level security)",
}

# ------------------------------------------------------------------ signing


def signing_key() -> str:
    return getattr(settings, "AUDIT_SIGNING_KEY", None) or settings.SECRET_KEY


def canonical_payload(values: Mapping[str, Any]) -> bytes:
    """Serialise a row's signed values (keyed by attname) the same way before the INSERT and after a read.

    Every value is reduced to what survives a round trip through PostgreSQL: UUIDs as text, timestamps
    in UTC with microseconds, IP addresses compressed, JSON as jsonb hands it back.
    """
    document = {
        column: _NORMALISERS[kind](values.get(attname)) for attname, (column, kind) in SIGNED_FIELDS.items()
    }
    body = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return f"{SIGNATURE_FORMAT}\n{body}".encode()


def sign(values: Mapping[str, Any], *, key: str | None = None) -> str:
    """Return the hex HMAC-SHA256 of a row's canonical payload (which includes the previous signature)."""
    return salted_hmac(
        "audit.chain", canonical_payload(values), secret=key or signing_key(), algorithm="sha256"
    ).hexdigest()


def _int(value):
    return None if value is None else int(value)


def _text(value):
    return None if value is None else str(value)


def _uuid(value):
    if value is None:
        return None
    if type(value) is uuid.UUID:  # the usual case: already canonical
        return str(value)
    return str(uuid.UUID(str(value)))


def _datetime(value):
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())  # as Django stores it
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _ip(value):
    if not value:  # Django stores an empty address as NULL
        return None
    try:
        return ipaddress.ip_address(str(value)).compressed
    except ValueError:
        return str(value)


def _json(value):
    if value is None:
        return None
    # The JSON text that is stored, read back, then numbers made comparable: jsonb keeps numbers as
    # decimals, so 1e20 or 2.0 comes back as an integer and a float must match it.
    return _json_number_free(json.loads(json.dumps(value)))


def _json_number_free(value):
    if isinstance(value, dict):
        return {key: _json_number_free(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_number_free(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))
    return value


_NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "int": _int,
    "text": _text,
    "uuid": _uuid,
    "datetime": _datetime,
    "ip": _ip,
    "json": _json,
}


# ------------------------------------------------------------------ appending


# Takes the chain's lock, then reads the last row with a snapshot taken after it (migration 0002).
# A FROM item, so that a busy writer can read the chain's end in its own last statement.
LAST_LINK_SQL = "audit_chain_last_link(%s)"
LAST_LINK_PARAMS = (CHAIN_LOCK_KEY,)


@dataclass(frozen=True)
class ChainLink:
    """The end of the chain, read under its lock: the database's clock, the last seq and signature."""

    now: dt.datetime
    seq: int | None
    signature: str | None


def chain_append(entry, *, using: str, link: ChainLink | None = None) -> None:
    """Link a new, unsaved entry to the end of the chain and sign it; the caller INSERTs it next.

    Takes the chain's advisory lock, which the transaction keeps until it commits or rolls back, so
    no other writer can read the same last row: the chain never forks, and chain_seq has no gaps
    (a rolled-back append gives its number back, which a sequence would not). ``link`` is that end,
    when the caller already read it from LAST_LINK_SQL in this transaction and appended nothing since.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError(
            "An audit entry must be appended inside a transaction (the chain lock is per transaction)."
        )
    if link is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT now, seq, signature FROM {LAST_LINK_SQL}", LAST_LINK_PARAMS)  # noqa: S608
            link = ChainLink(*cursor.fetchone())
    entry.chain_seq = (link.seq or 0) + 1
    entry.previous_signature = link.signature or ""
    if entry.timestamp is None:
        # The database's clock, read under the lock: created_at never goes backwards along the chain,
        # so dropping the oldest monthly partitions removes a prefix of the chain and nothing else.
        entry.timestamp = link.now
    # The actor is the user_id alone: an e-mail copied here would outlive the user's anonymisation.
    entry.actor_email = None
    entry.signature = sign({attname: getattr(entry, attname) for attname in SIGNED_FIELDS})


# ------------------------------------------------------------------ verifying


# The key, in an audit entry's `after`, under which an anchor is recorded (see ChainAnchor).
ANCHOR_KEY = "chain_anchor"


@dataclass(frozen=True)
class ChainAnchor:
    """The last row before the rows being checked: the last row of a dropped partition, say."""

    seq: int
    signature: str

    def as_dict(self) -> dict:
        return {"seq": self.seq, "signature": self.signature}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChainAnchor:
        return cls(int(data["seq"]), str(data["signature"]))


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # "changed", "removed", "reordered" or "duplicated"
    seq: int
    row_id: uuid.UUID
    message: str


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_seq: int | None = None
    last_seq: int | None = None
    last_signature: str = ""
    problem: ChainProblem | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        if self.problem:
            return f"Audit chain broken after {self.rows} good rows: {self.problem.message}"
        text = f"Audit chain intact: {self.rows} rows"
        if self.rows:
            text += f" (seq {self.first_seq} to {self.last_seq}, last signature {self.last_signature})"
        return text


def chain_walk(
    rows: Iterable[Mapping[str, Any]],
    *,
    anchor: ChainAnchor | None = None,
    locate: Callable[[str], tuple[uuid.UUID, int] | None] = lambda signature: None,
    key: str | None = None,
) -> ChainReport:
    """Check rows given in chain_seq order; stop at the first one that was changed, removed or moved.

    `locate(signature)` returns (id, chain_seq) of the row carrying that signature, if any; it only tells
    a reordered row from one whose predecessor was removed.
    """
    key = key or signing_key()
    expected_seq = anchor.seq + 1 if anchor else 1
    previous_signature = anchor.signature if anchor else ""
    count, first_seq = 0, None

    def report(problem=None):
        return ChainReport(count, first_seq, expected_seq - 1 if count else None, previous_signature, problem)

    for row in rows:
        seq, row_id = row["chain_seq"], row["id"]
        if seq < expected_seq:
            return report(
                ChainProblem(
                    "duplicated",
                    seq,
                    row_id,
                    f"row {row_id} has seq {seq}, already taken by the row before it: "
                    "the chain forked or a row was copied in.",
                )
            )
        if seq > expected_seq:
            if count == 0 and anchor is None:
                message = (
                    f"the chain starts at seq {seq} (row {row_id}), not 1: the oldest {seq - 1} row(s) "
                    "were removed. If old partitions were dropped on purpose, pass the last dropped row "
                    "as the anchor."
                )
            else:
                missing = str(expected_seq) if seq - expected_seq == 1 else f"{expected_seq} to {seq - 1}"
                message = f"seq {missing} is missing before row {row_id} (seq {seq}): rows were removed."
            return report(ChainProblem("removed", seq, row_id, message))
        if not constant_time_compare(row["previous_signature"] or "", previous_signature):
            found = locate(row["previous_signature"]) if row["previous_signature"] else None
            if found:
                other_id, other_seq = found
                problem = ChainProblem(
                    "reordered",
                    seq,
                    row_id,
                    f"row {row_id} (seq {seq}) is out of order: it was written after row {other_id} "
                    f"(seq {other_seq}), not after seq {seq - 1}.",
                )
            else:
                problem = ChainProblem(
                    "removed",
                    seq,
                    row_id,
                    f"row {row_id} (seq {seq}) does not follow seq {seq - 1}: the row it was written after "
                    "is gone (removed, and the rows after it renumbered).",
                )
            return report(problem)
        signature = sign(row, key=key)
        if not constant_time_compare(row["signature"] or "", signature):
            return report(
                ChainProblem(
                    "changed",
                    seq,
                    row_id,
                    f"row {row_id} (seq {seq}) was changed: its content no longer matches its signature.",
                )
            )
        if first_seq is None:
            first_seq = seq
        count += 1
        expected_seq += 1
        previous_signature = row["signature"]
    return report()
