"""Sessions to make documents from: the demo questionnaire answered like a real client would.

Answers go through the session services (validation, rules, storage), by question text and option
label, so a test reads like what the client did. Two answers are left dormant on purpose: the client
described an "Other" industry and the sources of a high technical debt, then changed the answers that
showed those questions. Their texts must never reach a document.
"""

from __future__ import annotations

from django.http import QueryDict

from documents.catalogue import DOCUMENT_TYPE_SLUGS
from questionnaires.demo import demo_questionnaire_ensure
from questionnaires.structure import structure_load
from sessions_app import services as session_services

DORMANT_INDUSTRY = "Undersea cable salvage QXDORMANTINDUSTRYQX"
DORMANT_DEBT = "Legacy batch jobs QXDORMANTDEBTQX"

LEGAL_NAME = "Orbital Freight Ltd"
MISSION = "We move containers across the Baltic with zero idle legs and honest prices."
PRODUCT = "FreightPilot, a routing and booking platform for short-sea shipping lines."
BACKUP = "Nightly database snapshots replicated to a second AWS region, restored monthly."
PROBLEMS = "Cut quayside waiting time by forecasting berth availability for every port call."

DEMO_ANSWERS: dict[str, object] = {
    "What is your organization's legal name?": LEGAL_NAME,
    "What is your company website?": "https://orbital.example",
    "Which industry best describes your organization?": "Technology and software",
    "What stage is the company at?": "Growth (Series A to C)",
    "How many full-time employees do you have?": "240",
    "When was the company founded?": "2014-03-14",
    "Which e-mail address should we use": "cto@orbital.example",
    "Describe your mission and core value proposition.": MISSION,
    "Describe your main product or service.": PRODUCT,
    "Which platforms does the product run on?": ["Web browser", "Public API or integrations"],
    "Which programming languages make up most": ["Python", "Go"],
    "How is the application architected?": "Microservices",
    "Roughly how many microservices run in production?": "35",
    "How would you rate the technical debt": "4",
    "How mature is each of these engineering practices?": {
        "ci": "Measured",
        "testing": "Defined",
        "review": "Optimised",
    },
    "Where is your production infrastructure hosted?": "Amazon Web Services",
    "Which cloud services do you rely on?": ["Managed databases", "Object storage"],
    "Do you store or process personal or sensitive data?": "Yes",
    "Which kinds of sensitive data do you handle?": ["Personal data (names, addresses, e-mail)"],
    "Which security certifications do you hold?": ["ISO 27001"],
    "When was your last penetration test?": "2025-09-30",
    "How confident are you that you could recover": "4",
    "What is your recovery time objective": "6",
    "Describe your backup strategy.": BACKUP,
    "What is your annual revenue?": "$10M to $50M",
    "What is your annual technology budget": "1250000",
    "How is the company funded?": "Venture capital",
    "What revenue growth do you expect next year": "35",
    "How much do you plan to raise": "8000000",
    "When do you expect to close that round?": "2026-06-30",
    "How important is each growth lever": {"markets": "Critical", "products": "Very important"},
    "Which business problems must the next phase solve?": PROBLEMS,
    "Which initiatives are planned for the next 12 months?": ["Data platform and analytics"],
    "By when must the first release be live?": "2026-09-01",
    "How fixed is the budget for this work?": "3",
    "Which third-party systems must the solution integrate with?": "Port community systems and customs.",
    "Which regulations must the solution comply with?": ["GDPR"],
    "How many engineers are on your technology team?": "18",
    "Do you have a CTO or head of technology?": "Yes, full-time",
    "What are your technology leader's name and title?": "Ines Moreau, Chief Technology Officer",
    "Which delivery methodology does the team follow?": "Kanban",
    "How satisfied are you with the speed of delivery?": "6",
    "Link to your engineering handbook": "https://handbook.orbital.example",
    "Is there anything else we should know?": "We expand to the North Sea next spring.",
}

# Slugs of the demo questionnaire's document types (those its document_mappings name): all 25.
DEMO_TYPE_SLUGS = set(DOCUMENT_TYPE_SLUGS)


def question_by_text(structure, text: str):
    for question in structure.questions:
        if question.text.startswith(text):
            return question
    raise KeyError(f"No question starts with {text!r}")


def _option_id(question, label: str) -> str:
    for option in question.options or ():
        if option["label"] == label:
            return option["id"]
    raise KeyError(f"{question.text!r} has no option {label!r}")


def answer(session, text: str, value, *, actor=None):
    """Answer one question of the session as the client would in the form; return the save result."""
    structure = structure_load(session.questionnaire_id)
    question = question_by_text(structure, text)
    prefix = f"q-{question.id}"
    data = QueryDict(mutable=True)
    if question.type == "SINGLE_CHOICE":
        data[prefix] = _option_id(question, value)
    elif question.type == "MULTIPLE_CHOICE":
        data.setlist(prefix, [_option_id(question, label) for label in value])
    elif question.type == "MATRIX":
        for row_id, label in value.items():
            data[f"{prefix}.{row_id}"] = _option_id(question, label)
    else:
        data[prefix] = value
    result = session_services.response_save(session=session, question_id=question.id, data=data, actor=actor)
    assert result.result.is_valid, (text, result.result.errors)
    return result


def complete_demo_session(*, user, organization, overrides: dict | None = None, dormant: bool = True):
    """Start, answer and complete the demo questionnaire; return the completed session.

    ``overrides`` replaces answers by question text; a value of None leaves the question unanswered.
    """
    questionnaire = demo_questionnaire_ensure(organization=organization)
    session = session_services.session_start(user=user, questionnaire=questionnaire)
    answers = {**DEMO_ANSWERS, **(overrides or {})}
    if dormant:
        answer(session, "Which industry best describes your organization?", "Other")
        answer(session, "Please describe your industry.", DORMANT_INDUSTRY)
        answer(session, "How would you rate the technical debt", "8")
        answer(session, "What are the biggest sources of technical debt?", DORMANT_DEBT)
    for text, value in answers.items():
        if value is None:
            continue
        state = session_services.session_flow(session=session)
        question = question_by_text(structure_load(session.questionnaire_id), text)
        if not state.is_visible(question.id):
            continue
        answer(session, text, value)
    return session_services.session_complete(session=session)


# ----------------------------------------------------------------- a small questionnaire


def small_questionnaire(*, organization=None):
    """A questionnaire of four questions that feeds only the Business Plan (PDF and DOCX): quick to render.

    "Website" shows only when "Do you have a website?" is Yes.
    """
    from django.utils import timezone

    from tests.questionnaires.factories import (
        QuestionFactory,
        QuestionnaireFactory,
        SectionFactory,
        VisibilityRuleFactory,
        choice_options,
    )

    def plan(section, field_name):
        return [{"documentType": "business-plan", "section": section, "field": field_name}]

    questionnaire = QuestionnaireFactory(
        name="Company basics", organization=organization, published_at=timezone.now(), estimated_time=5
    )
    section = SectionFactory(questionnaire=questionnaire, name="The company", order_index=1)
    QuestionFactory(
        section=section,
        order_index=1,
        text="Legal name",
        is_required=True,
        document_mappings=plan("Company overview", "legal_name"),
    )
    has_site = QuestionFactory(
        section=section,
        order_index=2,
        type="SINGLE_CHOICE",
        text="Do you have a website?",
        options=choice_options("Yes", "No"),
    )
    website = QuestionFactory(
        section=section,
        order_index=3,
        type="URL",
        text="Website",
        document_mappings=plan("Company overview", "website"),
    )
    QuestionFactory(
        section=section,
        order_index=4,
        type="TEXTAREA",
        text="Mission",
        document_mappings=plan("Executive summary", "mission"),
    )
    VisibilityRuleFactory(
        question=has_site,
        action="SHOW",
        condition={"field": str(has_site.id), "operator": "eq", "value": has_site.options[0]["id"]},
        target_question_ids=[website.id],
    )
    return questionnaire


def complete_small_session(*, user, questionnaire, answers: dict, dormant_website: str | None = None):
    """Answer the small questionnaire (by question text) and complete it.

    With ``dormant_website`` the client first says Yes and gives that website, then says No.
    """
    session = session_services.session_start(user=user, questionnaire=questionnaire)
    if dormant_website:
        answer(session, "Do you have a website?", "Yes")
        answer(session, "Website", dormant_website)
        answer(session, "Do you have a website?", "No")
    for text, value in answers.items():
        answer(session, text, value)
    return session_services.session_complete(session=session)
