import datetime as dt
import json

import pytest
from django.db import connection

from audit.partitions import audit_partitions_ensure, audit_partitions_existing
from audit.services import audit_record
from audit.tasks import audit_partitions_ensure as audit_partitions_task
from tests.audit.factories import AuditLogFactory

pytestmark = pytest.mark.django_db


def test_migrate_created_this_and_next_months_partitions():
    today = dt.date.today()
    this_month = f"audit_logs_{today:%Y_%m}"
    next_month_day = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert {this_month, f"audit_logs_{next_month_day:%Y_%m}"} <= set(audit_partitions_existing())


def test_the_periodic_task_creates_a_new_months_partition_ahead():
    assert "audit_logs_2031_03" not in audit_partitions_existing()
    audit_partitions_ensure(today=dt.date(2031, 2, 14))
    assert {"audit_logs_2031_02", "audit_logs_2031_03"} <= set(audit_partitions_existing())
    # A row dated in that month lands in its partition.
    AuditLogFactory(timestamp=dt.datetime(2031, 3, 2, tzinfo=dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_logs_2031_03")
        assert cursor.fetchone()[0] == 1


def test_the_celery_task_runs_the_same_code_and_is_idempotent():
    first = audit_partitions_task.apply().get()
    second = audit_partitions_task.apply().get()
    assert first == second and len(first) == 2


def test_a_domain_event_is_recorded_with_the_seeds_columns(client_a):
    entry = audit_record(actor=client_a, action="user.test", resource=client_a, after={"role": "CLIENT"})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id, action, resource_type, resource_id, changes FROM audit_logs WHERE id = %s",
            [entry.pk],
        )
        user_id, action, resource_type, resource_id, changes = cursor.fetchone()
    assert (user_id, action, resource_type, resource_id) == (
        client_a.pk,
        "user.test",
        "accounts.user",
        client_a.pk,
    )
    assert json.loads(changes) == {"before": {}, "after": {"role": "CLIENT"}}
