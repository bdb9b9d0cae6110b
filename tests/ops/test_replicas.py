"""Read/write splitting with a second database alias ("replica", on the test database itself)."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Organization
from config.ops.routers import PIN_COOKIE, ReplicaRouter, replica_reads
from tests.accounts.factories import OrganizationFactory


def _mirror(**overrides) -> dict:
    alias = {**connections.settings["default"], "TEST": {"MIRROR": "default"}, **overrides}
    alias.pop("NAME", None)
    alias["NAME"] = connections.settings["default"]["NAME"]
    return alias


# Declared while the tests are collected, before the test database is set up, so that Django points
# the mirror at it.
connections.settings.setdefault("replica", _mirror())

# Transactional: a test wrapped in a transaction would (rightly) read everything from the primary.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(scope="module", autouse=True)
def _close_the_replica_pool():
    """Return the replica's pooled connections before the test database is dropped."""
    yield
    for connection in connections.all(initialized_only=True):
        if connection.alias == "replica" and hasattr(connection, "close_pool"):
            connection.close_pool()


@pytest.fixture
def replica(settings):
    """Route reads to the "replica" alias."""
    from config.ops import routers

    settings.DATABASE_ROUTERS = ["config.ops.routers.ReplicaRouter"]
    settings.DATABASE_REPLICAS = ["replica"]
    routers._fresh.clear()
    assert routers.replica_usable("replica")  # its lag is checked now, not inside the counted queries
    return connections["replica"]


class Queries:
    """Count the queries each alias runs."""

    def __enter__(self):
        self.default = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections["replica"]).__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    @property
    def counts(self):
        return len(self.default), len(self.replica)


def test_reads_marked_for_reporting_go_to_the_replica(replica):
    with replica_reads(), Queries() as queries:
        list(Organization.objects.all())
        Organization.objects.count()
    assert queries.counts == (0, 2)


def test_reads_not_marked_stay_on_the_primary(replica):
    with Queries() as queries:
        list(Organization.objects.all())
    assert queries.counts == (1, 0)


def test_writes_and_every_read_after_them_go_to_the_primary(replica):
    with replica_reads():
        with Queries() as first:
            Organization.objects.count()
        assert first.counts == (0, 1)
        with Queries() as queries:
            OrganizationFactory(slug="fresh")
            found = Organization.objects.filter(slug="fresh").exists()  # its own write: must see it
    assert found
    assert queries.counts[1] == 0 and queries.counts[0] >= 2


def test_reads_inside_a_transaction_go_to_the_primary(replica):
    with replica_reads(), transaction.atomic(), Queries() as queries:
        Organization.objects.count()
    assert queries.counts == (1, 0)


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "sessions_app") is True
    assert router.allow_migrate("replica", "sessions_app") is False


def test_an_unreachable_replica_is_skipped(replica, caplog):
    from config.ops import routers

    saved = dict(replica.settings_dict)
    replica.close()
    replica.settings_dict.update(HOST="127.0.0.1", PORT="9", OPTIONS={"connect_timeout": 2})
    routers._fresh.pop("replica", None)
    try:
        with replica_reads(), CaptureQueriesContext(connections["default"]) as on_primary:
            assert Organization.objects.count() >= 0
    finally:
        replica.close()
        replica.settings_dict.clear()
        replica.settings_dict.update(saved)
        routers._fresh.pop("replica", None)
    assert len(on_primary) == 1
    assert "unreachable" in caplog.text and "reading from the primary" in caplog.text


# --- Through the middleware: a request that writes pins the client to the primary for a moment ----------


@pytest.fixture
def routed_client(client, settings, replica):
    settings.ROOT_URLCONF = "tests.ops.urls"
    settings.MIDDLEWARE = ["config.ops.routers.ReplicaRoutingMiddleware", *settings.MIDDLEWARE]
    return client


def test_a_report_view_reads_from_the_replica(routed_client):
    routed_client.get("/ops-test/report")  # once per process, the replica is asked whether RLS binds it
    with Queries() as queries:
        response = routed_client.get("/ops-test/report")
    assert response.status_code == 200
    assert queries.counts[1] == 1  # the count; nothing else the request did touched the replica
    assert PIN_COOKIE not in response.cookies


def test_after_a_write_the_next_requests_read_from_the_primary(routed_client, client_a):
    routed_client.force_login(client_a)  # logging in writes the session
    response = routed_client.post("/logout/")
    assert response.cookies[PIN_COOKIE]["max-age"] == 5
    with Queries() as queries:
        routed_client.get("/ops-test/report")
    assert queries.counts == (1, 0)
