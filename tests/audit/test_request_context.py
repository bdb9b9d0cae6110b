"""Who and where an audit row says a change came from, when the change is made in a request."""

import pytest
from auditlog.registry import auditlog
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import Organization
from audit.context import FieldHistoryMiddleware, RequestContextMiddleware
from audit.models import AuditLog
from audit.services import audit_record
from tests.accounts.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_field_history_middleware_is_the_one_installed():
    assert "audit.context.FieldHistoryMiddleware" in settings.MIDDLEWARE
    assert "auditlog.middleware.AuditlogMiddleware" not in settings.MIDDLEWARE


def test_a_forwarded_for_header_never_becomes_the_address_in_the_trail(admin_user):
    """Both kinds of entry keep REMOTE_ADDR, whatever X-Forwarded-For a client sends."""
    organization = OrganizationFactory(name="Before", slug="before")
    auditlog.register(Organization)

    def view(request):
        audit_record(actor=admin_user, action="organization.review", resource=organization)
        organization.name = "After"
        organization.save()  # a django-auditlog field-history entry
        return HttpResponse("ok")

    request = RequestFactory().post(
        "/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.66", HTTP_X_FORWARDED_PORT="4444"
    )
    request.user = admin_user
    try:
        RequestContextMiddleware(FieldHistoryMiddleware(view))(request)
    finally:
        auditlog.unregister(Organization)
    entries = AuditLog.objects.filter(resource_id=organization.pk).order_by("chain_seq")
    assert [e.event for e in entries] == ["organization.review", "organization.update"]
    assert {(e.remote_addr, e.remote_port) for e in entries} == {("192.0.2.10", None)}
    assert all(e.actor_id == admin_user.pk for e in entries)
