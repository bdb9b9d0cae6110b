"""A small adaptive questionnaire for the flow's tests: a branch, a chain and a required question."""

from dataclasses import dataclass

from django.utils import timezone

from questionnaires.models import Question
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    VisibilityRuleFactory,
    choice_options,
)


@dataclass
class Branching:
    questionnaire: object
    first: object
    second: object
    has_product: Question  # SINGLE_CHOICE yes / no
    product_name: Question  # TEXT, required, shown when has_product = yes
    team_size: Question  # NUMBER 1..1000
    product_story: Question  # TEXTAREA, shown when product_name is answered (a chain)
    contact: Question  # EMAIL, required

    @property
    def yes(self) -> str:
        return self.has_product.options[0]["id"]

    @property
    def no(self) -> str:
        return self.has_product.options[1]["id"]


def branching_questionnaire(*, organization=None, extra_questions: int = 0) -> Branching:
    questionnaire = QuestionnaireFactory(
        organization=organization, published_at=timezone.now(), estimated_time=10
    )
    first = SectionFactory(questionnaire=questionnaire, name="About you", order_index=1)
    second = SectionFactory(questionnaire=questionnaire, name="Details", order_index=2)
    has_product = QuestionFactory(
        section=first,
        order_index=1,
        type="SINGLE_CHOICE",
        text="Do you have a product?",
        options=choice_options("Yes", "No"),
    )
    product_name = QuestionFactory(
        section=first, order_index=2, type="TEXT", text="Product name", is_required=True
    )
    team_size = QuestionFactory(
        section=first,
        order_index=3,
        type="NUMBER",
        text="Team size",
        validation_rules={"min": 1, "max": 1000},
    )
    product_story = QuestionFactory(section=second, order_index=1, type="TEXTAREA", text="Tell us its story")
    contact = QuestionFactory(
        section=second, order_index=2, type="EMAIL", text="Contact e-mail", is_required=True
    )
    for index in range(extra_questions):
        QuestionFactory(section=second, order_index=10 + index, type="TEXT", text=f"Extra question {index}")
    VisibilityRuleFactory(
        question=has_product,
        action="SHOW",
        condition={"field": str(has_product.id), "operator": "eq", "value": has_product.options[0]["id"]},
        target_question_ids=[product_name.id],
    )
    VisibilityRuleFactory(
        question=product_name,
        action="SHOW",
        condition={"field": str(product_name.id), "operator": "is_not_empty"},
        target_question_ids=[product_story.id],
    )
    return Branching(
        questionnaire, first, second, has_product, product_name, team_size, product_story, contact
    )
