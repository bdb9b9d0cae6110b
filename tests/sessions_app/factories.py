import factory

from sessions_app.models import Response, Session
from tests.accounts.factories import UserFactory
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
