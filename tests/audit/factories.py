import factory

from audit.models import AuditLog
from tests.accounts.factories import UserFactory


class AuditLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditLog

    actor = factory.SubFactory(UserFactory)
    event = "test.event"
    resource_type = "tests.thing"
    changes = factory.LazyFunction(lambda: {"before": {}, "after": {"state": "new"}})
