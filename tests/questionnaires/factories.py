import uuid

import factory

from questionnaires.models import Question, Questionnaire, QuestionType, RuleAction, Section, VisibilityRule


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    name = factory.Sequence(lambda n: f"Assessment {n}")
    description = "A questionnaire for tests."
    industry = "technology"
    estimated_time = 20


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    name = factory.Sequence(lambda n: f"Section {n}")
    order_index = factory.Sequence(lambda n: n)


def choice_options(*labels: str) -> list[dict]:
    return [{"id": str(uuid.uuid4()), "label": label, "value": label.lower()} for label in labels]


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    text = factory.Sequence(lambda n: f"Question number {n}?")
    type = QuestionType.TEXT
    order_index = factory.Sequence(lambda n: n)


class VisibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisibilityRule

    question = factory.SubFactory(QuestionFactory)
    condition = factory.LazyAttribute(lambda r: {"field": str(r.question.id), "operator": "is_not_empty"})
    action = RuleAction.SHOW
    target_question_ids = factory.LazyFunction(list)
