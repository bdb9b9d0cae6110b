"""A small draft questionnaire, built in the database, for tests of authoring, analysis and previews."""

from questionnaires.analysis import questionnaire_analyse
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    VisibilityRuleFactory,
    choice_options,
)


class Draft:
    """A small draft questionnaire to break on purpose: a yes/no question, a number, a text."""

    def __init__(self):
        self.questionnaire = QuestionnaireFactory(name="Purpose-built")
        self.section = SectionFactory(questionnaire=self.questionnaire, order_index=1, name="Only section")
        self.choice = QuestionFactory(
            section=self.section,
            order_index=1,
            type="SINGLE_CHOICE",
            text="Do you have a product?",
            options=choice_options("Yes", "No"),
        )
        self.number = QuestionFactory(
            section=self.section,
            order_index=2,
            type="NUMBER",
            text="How many employees?",
            validation_rules={"min": 1, "max": 50},
        )
        self.text = QuestionFactory(section=self.section, order_index=3, type="TEXT", text="Product name")
        self.extra = QuestionFactory(
            section=self.section, order_index=4, type="TEXTAREA", text="Tell us more"
        )

    @property
    def yes(self):
        return self.choice.options[0]["id"]

    def rule(self, *, owner=None, targets, condition, action="SHOW", priority=0):
        return VisibilityRuleFactory(
            question=owner or self.choice,
            action=action,
            priority=priority,
            condition=condition,
            target_question_ids=[t.id for t in targets],
        )

    def analyse(self):
        return questionnaire_analyse(self.questionnaire)


def draft_with_rule() -> Draft:
    """Return a Draft whose text question shows when the yes/no question is answered yes."""
    built = Draft()
    built.rule(
        targets=[built.text], condition={"field": str(built.choice.id), "operator": "eq", "value": built.yes}
    )
    return built
