"""Two demo clients who have completed the demo questionnaire, with contrasting companies.

``startup@demo.example`` answers for an early start-up (no CI, high technical debt, little funding) and
``enterprise@demo.example`` for a mature company (practices in place, a large budget). Their completed
sessions give a newcomer documents to review at once (the worker generates them after ``make run``
starts), while the main demo client stays fresh for trying the questionnaire. Answers are written by
question key, with options named by their labels, through the same service a client's browser uses.
"""

from __future__ import annotations

from typing import Any

from questionnaires.structure import QuestionData, structure_load
from sessions_app import services
from sessions_app.models import Session, SessionStatus

STARTUP: dict[str, Any] = {
    "company_legal_name": "Sprout Analytics Ltd",
    "company_website": "https://sprout.example",
    "industry": "Technology and software",
    "company_stage": "Early stage (seed)",
    "employee_count": 7,
    "founded_on": "2024-04-02",
    "contact_email": "founders@sprout.example",
    "mission": "We give independent shops the sales forecasts that only large chains can afford today.",
    "product_description": "A web app that reads a shop's till exports and predicts next month's demand.",
    "platforms": ["Web browser"],
    "languages": ["Python", "JavaScript or TypeScript"],
    "architecture": "A single monolith",
    "technical_debt": 9,
    "technical_debt_sources": "The prototype went to production as it was: no tests, manual deploys, one "
    "shared database password.",
    "engineering_maturity": {
        "ci": "Not in place",
        "testing": "Ad hoc",
        "review": "Ad hoc",
        "monitoring": "Not in place",
        "incidents": "Not in place",
    },
    "hosting": "Amazon Web Services",
    "cloud_services": ["Virtual machines", "Managed databases"],
    "sensitive_data": "Yes",
    "sensitive_data_kinds": ["Personal data (names, addresses, e-mail)"],
    "security_certifications": ["None yet"],
    "recovery_confidence": 2,
    "rto_hours": 48,
    "backup_strategy": "Nightly database dumps to the same server; a restore has never been tried.",
    "annual_revenue": "Under $1M",
    "technology_budget": 40000,
    "funding": "Angel investors",
    "revenue_growth": 150,
    "raise_amount": 750000,
    "raise_close_date": "2027-03-31",
    "growth_levers": {"markets": "Very important", "products": "Critical", "pricing": "Somewhat important"},
    "business_problems": "Ship forecasts reliably enough that pilot shops renew, without the founders "
    "deploying by hand at night.",
    "planned_initiatives": ["New product launch", "Security programme"],
    "first_release_date": "2027-01-15",
    "budget_flexibility": 2,
    "regulations": ["GDPR"],
    "engineer_count": 3,
    "has_cto": "No",
    "delivery_methodology": "No formal process",
    "delivery_satisfaction": 4,
    "anything_else": "Two pilot shops churned after a week-long outage in August.",
}

ENTERPRISE: dict[str, Any] = {
    "company_legal_name": "Meridian Logistics Group plc",
    "company_website": "https://meridian.example",
    "industry": "Technology and software",
    "company_stage": "Established and profitable",
    "employee_count": 4200,
    "founded_on": "1998-09-01",
    "contact_email": "cio.office@meridian.example",
    "mission": "We run the freight network that keeps northern Europe's supermarkets stocked, on time.",
    "product_description": "A routing, booking and tracking platform used by 900 carriers and 60 retailers.",
    "platforms": ["Web browser", "iOS", "Android", "Public API or integrations"],
    "mobile_framework": "Native (Swift and Kotlin)",
    "languages": ["Java or Kotlin", "Go", "JavaScript or TypeScript"],
    "architecture": "Microservices",
    "microservice_count": 140,
    "technical_debt": 3,
    "technical_debt_sources": "A legacy billing system due to be replaced next year.",
    "engineering_maturity": {
        "ci": "Optimised",
        "testing": "Measured",
        "review": "Optimised",
        "monitoring": "Measured",
        "incidents": "Defined",
    },
    "hosting": "More than one cloud",
    "cloud_services": [
        "Managed containers or Kubernetes",
        "Managed databases",
        "Object storage",
        "CDN and edge",
    ],
    "sensitive_data": "Yes",
    "sensitive_data_kinds": ["Personal data (names, addresses, e-mail)", "Bank or financial account data"],
    "security_certifications": ["SOC 2", "ISO 27001"],
    "last_penetration_test": "2026-10-15",
    "recovery_confidence": 4,
    "rto_hours": 2,
    "backup_strategy": "Continuous database replication to a second region; restores rehearsed quarterly.",
    "annual_revenue": "Over $50M",
    "technology_budget": 38000000,
    "funding": "Publicly listed",
    "revenue_growth": 8,
    "growth_levers": {
        "markets": "Very important",
        "products": "Very important",
        "partnerships": "Critical",
        "acquisitions": "Somewhat important",
        "pricing": "Critical",
    },
    "business_problems": "Cut the cost per delivery by 10% while carriers move to electric fleets.",
    "planned_initiatives": [
        "Data platform and analytics",
        "AI and machine learning",
        "ERP or CRM replacement",
    ],
    "ai_use_cases": "Forecast depot demand and plan electric vehicles' charging around routes.",
    "first_release_date": "2027-06-30",
    "budget_flexibility": 4,
    "integrations": "SAP S/4HANA, carriers' telematics and the customs single window.",
    "regulations": ["GDPR", "SOX"],
    "engineer_count": 380,
    "has_cto": "Yes, full-time",
    "technology_leader": "Dr Amara Okafor, Chief Technology Officer",
    "delivery_methodology": "A mix",
    "delivery_satisfaction": 7,
    "engineering_handbook": "https://engineering.meridian.example",
}

PROFILES = {"startup@demo.example": STARTUP, "enterprise@demo.example": ENTERPRISE}


def _option(question: QuestionData, label: str) -> str:
    for option in question.options or ():
        if option.get("label") == label:
            return option["id"]
    raise KeyError(f"{question.key}: no option {label!r}")


def answer_value(question: QuestionData, value: Any) -> dict[str, Any]:
    """Return a human-written answer (option labels, numbers, ISO dates) in the seed's stored shape."""
    kind = question.type
    if kind == "SINGLE_CHOICE":
        return {"selectedOptionId": _option(question, value)}
    if kind == "MULTIPLE_CHOICE":
        return {"selectedOptionIds": [_option(question, label) for label in value]}
    if kind == "MATRIX":
        return {"rows": {row: _option(question, label) for row, label in value.items()}}
    if kind == "NUMBER":
        return {"number": value}
    if kind == "SCALE":
        return {"rating": value}
    if kind == "DATE":
        return {"date": value}
    return {"text": value}


def demo_session_complete(*, user, questionnaire, answers: dict[str, Any]) -> Session:
    """Answer a questionnaire by key for ``user``, in order as the rules show questions, and complete it."""
    session = services.session_start(user=user, questionnaire=questionnaire)
    structure = structure_load(questionnaire.pk)
    for question in structure.questions:  # display order: a question shown by an earlier answer follows it
        if question.key not in answers:
            continue
        if not services.session_flow(session=session).is_visible(question.id):
            continue
        saved = services.response_save(
            session=session,
            question_id=question.id,
            data={},
            value=answer_value(question, answers[question.key]),
            actor=user,
        )
        if saved.result.errors:
            raise ValueError(f"{question.key}: {'; '.join(saved.result.errors)}")
    return services.session_complete(session=session, actor=user)


def demo_sessions_ensure(*, clients: dict[str, Any], questionnaire) -> list[Session]:
    """Give each demo profile's client one completed session of the questionnaire (once)."""
    sessions = []
    for email, answers in PROFILES.items():
        user = clients[email]
        done = Session.objects.filter(user=user, status=SessionStatus.COMPLETED).first()
        sessions.append(
            done or demo_session_complete(user=user, questionnaire=questionnaire, answers=answers)
        )
    return sessions
