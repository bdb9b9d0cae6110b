import datetime as dt
import uuid

import factory
from django.utils import timezone

from sessions_app.export_models import ResponseExport
from sessions_app.invitation_models import Invitation
from sessions_app.invitation_selectors import token_digest
from sessions_app.models import (
    ChangeRequest,
    ReminderKind,
    Response,
    ResponseArchive,
    Session,
    SessionArchive,
    SessionReminder,
)
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    user = factory.SubFactory(UserFactory)
    questionnaire = factory.SubFactory(QuestionnaireFactory)
    questionnaire_version = factory.SelfAttribute("questionnaire.version")
    industry = "technology"


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    session = factory.SubFactory(SessionFactory)
    question = factory.SubFactory(
        QuestionFactory, section__questionnaire=factory.SelfAttribute("...session.questionnaire")
    )
    value = factory.LazyFunction(lambda: {"text": "An answer"})


class SessionArchiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionArchive

    id = factory.LazyFunction(uuid.uuid4)
    user = factory.SubFactory(UserFactory)
    questionnaire = factory.SubFactory(QuestionnaireFactory)
    questionnaire_version = 1
    status = "COMPLETED"
    completed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=800))
    archived_at = factory.LazyFunction(timezone.now)


class ResponseArchiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponseArchive

    id = factory.LazyFunction(uuid.uuid4)
    session = factory.SubFactory(SessionArchiveFactory)
    question = factory.SubFactory(
        QuestionFactory, section__questionnaire=factory.SelfAttribute("...session.questionnaire")
    )
    value = factory.LazyFunction(lambda: {"text": "An archived answer"})
    revision = 1
    archived_at = factory.LazyFunction(timezone.now)


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeRequest

    session = factory.SubFactory(SessionFactory, status="COMPLETED")
    message = "Please check the figures."
    question_ids = factory.LazyFunction(lambda: [uuid.uuid4()])


class SessionReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionReminder

    session = factory.SubFactory(SessionFactory)
    kind = ReminderKind.IDLE
    period = factory.SelfAttribute("session.last_activity_at")


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation of a client of `organization`; `token` chooses the link's token (its hash is kept)."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    organization = factory.SubFactory(OrganizationFactory)
    questionnaire = factory.SubFactory(
        QuestionnaireFactory,
        organization=factory.SelfAttribute("..organization"),
        published_at=factory.LazyFunction(timezone.now),
    )
    user = factory.SubFactory(UserFactory, organization=factory.SelfAttribute("..organization"))
    email = factory.SelfAttribute("user.email")
    token = factory.Sequence(lambda n: f"factory-token-{n:030d}")
    token_hash = factory.LazyAttribute(lambda o: token_digest(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


class ResponseExportFactory(factory.django.DjangoModelFactory):
    """An export of `organization`'s responses to one of its questionnaires (docs/exports.md)."""

    class Meta:
        model = ResponseExport

    organization = factory.SubFactory(OrganizationFactory)
    questionnaire = factory.SubFactory(
        QuestionnaireFactory, organization=factory.SelfAttribute("..organization")
    )
    format = "csv"
