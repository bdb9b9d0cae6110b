"""The 25 document types the product ships with (seed 000 §7.3), as plain data.

Migration 0003 loads them; admins edit them afterwards in Django admin. Each entry's ``metadata``
is the structure both renderers follow (see docs/documents.md):

- ``summary``: the opening paragraph that says what the document is for;
- ``sections``: the outline, in order, each ``{title, intro}``; a question's document mapping names
  one of these titles as its ``section`` (a mapping to a title missing here is appended at the end);
- ``fields``: optional presentation of a mapped field: ``{label, prefix, suffix}``;
- ``closing``: an optional last paragraph.

``required_questions`` hold question ids of the demo questionnaire
(questionnaires/demo/technology_assessment.json); a required question only binds sessions of the
questionnaire it belongs to. No Django import here: the migration reads this module too.
"""

from __future__ import annotations

from typing import Any

TEMPLATE_ROOT = "documents/types"

# Demo questionnaire question ids, named for readability below.
_LEGAL_NAME = "2343acd8-8042-4c79-8789-56697f472b32"
_MISSION = "586977b0-2535-4703-8a49-8c305d5d1b93"
_PRODUCT = "357a5048-89b9-4d3f-98f8-53da73640daa"
_ARCHITECTURE = "fb8720ad-0575-414d-a9a7-d321c4b6ce78"
_HOSTING = "c284c12f-2438-4e27-b223-04135acd504d"
_SENSITIVE_DATA = "aa985c22-8049-4fd7-ad4f-3ba7dd67334b"
_RECOVERY_CONFIDENCE = "406bcfc9-044e-465f-a77d-93f7e63173db"
_BACKUP_STRATEGY = "3e751bd8-5284-41b5-b9f3-7b0305cd569a"
_REVENUE = "ccb00fc1-eff3-4326-9248-bbde3707781e"
_FUNDING = "e81b5037-19b3-4ece-9cde-fcf476219c98"
_PROBLEMS = "fe8cb521-d30a-408b-a155-b2f4a27232f7"
_ENGINEERS = "7faf9151-1ff9-40cf-98d4-b8f2159a52f8"

_USD = {"prefix": "US$"}


def _outline(*sections: tuple[str, str]) -> list[dict[str, str]]:
    return [{"title": title, "intro": intro} for title, intro in sections]


def _type(
    slug: str,
    name: str,
    category: str,
    description: str,
    *,
    pages: int,
    summary: str,
    sections: list[dict[str, str]],
    required: tuple[str, ...] = (),
    fields: dict[str, dict[str, Any]] | None = None,
    closing: str = "",
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"summary": summary, "sections": sections}
    if fields:
        metadata["fields"] = fields
    if closing:
        metadata["closing"] = closing
    return {
        "slug": slug,
        "name": name,
        "category": category,
        "description": description,
        "template_path": f"{TEMPLATE_ROOT}/{category.lower()}/{slug}.html",
        "required_questions": list(required),
        "output_formats": ["PDF", "DOCX"],
        "estimated_pages": pages,
        "is_active": True,
        "metadata": metadata,
    }


DOCUMENT_TYPES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------------------------------ CTO
    _type(
        "technology-roadmap",
        "Technology Roadmap",
        "CTO",
        "Where the technology estate stands, what drives change and the initiatives planned over the "
        "next one to two years.",
        pages=8,
        summary="This roadmap sets out where the organization's technology stands today, the business "
        "drivers for change, and the initiatives and milestones that will take it where it needs to be.",
        sections=_outline(
            ("Goals", "The business problems the technology work must solve."),
            ("Drivers", "The growth levers that shape technology priorities."),
            ("Current state", "The platforms, architecture, hosting and practices in place today."),
            ("Remediation", "Known weaknesses to address before or alongside new work."),
            ("Initiatives", "The initiatives planned for the next twelve months."),
            ("Timeline", "The dates the plan is anchored to."),
            ("Constraints", "Budget and other limits the plan must respect."),
        ),
        required=(_ARCHITECTURE, _HOSTING),
        fields={
            "technical_debt": {"label": "Technical debt (self-assessed)"},
            "budget": {"label": "Annual technology budget", **_USD},
            "first_release": {"label": "First release due"},
            "planned": {"label": "Planned initiatives"},
            "migration_first_wave": {"label": "First workloads to move to the cloud"},
        },
        closing="The roadmap should be revisited every quarter against delivery and budget.",
    ),
    _type(
        "technology-strategy",
        "Technology Strategy",
        "CTO",
        "How technology supports the business: context, current capability, risks, opportunities and "
        "the organization that delivers it.",
        pages=10,
        summary="This strategy explains how technology will support the organization's mission, what "
        "capability exists today, which risks need attention and where the opportunities lie.",
        sections=_outline(
            ("Executive summary", "The organization and what it sets out to achieve."),
            ("Context", "The market the organization operates in."),
            ("Current state", "The technology in use today."),
            ("Engineering maturity", "How mature the core engineering practices are."),
            ("Organization", "The team that builds and runs the technology."),
            ("Risks", "Technology risks and the assurance in place."),
            ("Opportunities", "Where new technology could create value."),
            ("Appendix", "Further information provided by the client."),
        ),
        required=(_MISSION, _ENGINEERS),
        fields={
            "organization_name": {"label": "Organization"},
            "business_context": {"label": "Mission and value proposition"},
            "engineering_headcount": {"label": "Engineers on the technology team"},
            "handbook_url": {"label": "Engineering handbook"},
            "ai_use_cases": {"label": "AI and machine-learning use cases"},
        },
    ),
    _type(
        "product-architecture",
        "Product Architecture",
        "CTO",
        "The architecture of the main product: its clients, stack, services, infrastructure and "
        "integrations.",
        pages=12,
        summary="This document describes the architecture of the product: what it does, the platforms "
        "it serves, how it is built and deployed, and the systems it depends on.",
        sections=_outline(
            ("Overview", "What the product does and where it runs."),
            ("Client applications", "How the client applications are built."),
            ("Technology stack", "The languages the code base is written in."),
            ("Architecture", "The structure of the application."),
            ("Infrastructure", "Where and on what the product is hosted."),
            ("Integrations", "Third-party systems the product works with."),
        ),
        required=(_PRODUCT, _ARCHITECTURE),
        fields={
            "style": {"label": "Architectural style"},
            "service_count": {"label": "Microservices in production"},
            "diagram": {"label": "Architecture diagram"},
            "third_parties": {"label": "Third-party integrations"},
        },
    ),
    _type(
        "api-documentation",
        "API Documentation",
        "CTO",
        "A reference for the product's public and partner APIs: authentication, resources, errors "
        "and versioning.",
        pages=15,
        summary="This document is the reference for the product's APIs: how clients authenticate, "
        "which resources exist, how errors are reported and how the API evolves.",
        sections=_outline(
            ("Overview", "What the API offers and who uses it."),
            ("Authentication", "How callers identify themselves."),
            ("Resources", "The resources and operations available."),
            ("Errors", "How failures are reported."),
            ("Rate limits", "The limits that protect the service."),
            ("Versioning", "How changes are introduced without breaking callers."),
        ),
    ),
    _type(
        "security-policy",
        "Information Security Policy",
        "CTO",
        "The organization's information security policy: data classification, compliance obligations, "
        "assurance and operational controls.",
        pages=9,
        summary="This policy sets out how the organization protects the information it holds: how data "
        "is classified, which obligations apply, how controls are assured and how operations keep data "
        "safe.",
        sections=_outline(
            ("Data classification", "The kinds of data held and how sensitive they are."),
            ("Compliance", "The regulations and standards the organization meets."),
            ("Assurance", "How the effectiveness of controls is tested."),
            ("Operations", "The operational safeguards in place."),
        ),
        required=(_SENSITIVE_DATA,),
        fields={
            "handles_sensitive_data": {"label": "Personal or sensitive data processed"},
            "hipaa_status": {"label": "HIPAA compliance"},
            "pci_level": {"label": "PCI DSS level"},
            "last_penetration_test": {"label": "Last penetration test"},
        },
    ),
    _type(
        "data-protection-policy",
        "Data Protection Policy",
        "CTO",
        "How personal data is collected, used, retained and protected, and how data subjects exercise "
        "their rights.",
        pages=8,
        summary="This policy describes how the organization handles personal data lawfully and "
        "transparently, and how it protects the rights of the people the data is about.",
        sections=_outline(
            ("Scope", "The personal data and processing this policy covers."),
            ("Lawful basis", "Why the organization may process the data."),
            ("Retention", "How long data is kept and how it is disposed of."),
            ("Data subject rights", "How requests for access, correction and erasure are handled."),
            ("Breach response", "What happens when personal data is exposed."),
        ),
    ),
    _type(
        "disaster-recovery-plan",
        "Disaster Recovery Plan",
        "CTO",
        "How the organization recovers its systems after a major outage: scope, objectives, backups "
        "and current capability.",
        pages=10,
        summary="This plan describes how the organization restores its critical systems after a major "
        "incident, the objectives recovery must meet and the backups it relies on.",
        sections=_outline(
            ("Scope", "The infrastructure this plan covers."),
            ("Objectives", "How quickly service must be restored."),
            ("Backups", "How data is backed up and restored."),
            ("Current capability", "How ready the organization is today."),
        ),
        required=(_BACKUP_STRATEGY, _RECOVERY_CONFIDENCE),
        fields={
            "rto_hours": {"label": "Recovery time objective", "suffix": " hours"},
            "confidence": {"label": "Confidence in regional recovery"},
            "strategy": {"label": "Backup strategy"},
            "data_centres": {"label": "Data centre arrangement"},
        },
        closing="The plan must be tested at least once a year and after every major change to the "
        "infrastructure.",
    ),
    _type(
        "infrastructure-plan",
        "Infrastructure and Cloud Plan",
        "CTO",
        "The target hosting and cloud architecture, the migration path and the operating model.",
        pages=9,
        summary="This plan describes the target infrastructure, how workloads move to it and how it "
        "will be operated and paid for.",
        sections=_outline(
            ("Current hosting", "Where workloads run today."),
            ("Target architecture", "Where workloads should run and why."),
            ("Migration waves", "The order in which workloads move."),
            ("Operations", "Monitoring, on-call and change management."),
            ("Cost management", "How spending is forecast and controlled."),
        ),
    ),
    _type(
        "engineering-handbook",
        "Engineering Handbook",
        "CTO",
        "How the engineering team works: methodology, code review, testing, release and on-call.",
        pages=12,
        summary="This handbook records how the engineering team plans, builds, reviews, releases and "
        "supports its software.",
        sections=_outline(
            ("Team structure", "Who does what."),
            ("Delivery process", "How work is planned and delivered."),
            ("Code quality", "Code review, testing and continuous integration."),
            ("Release and operations", "Deployment, monitoring and incident response."),
        ),
    ),
    # ------------------------------------------------------------------------------------------ CFO
    _type(
        "business-plan",
        "Business Plan",
        "CFO",
        "The company, its products, strategy and financial position, for investors, lenders and the board.",
        pages=14,
        summary="This business plan presents the company, what it offers, how it intends to grow and "
        "its financial position and needs.",
        sections=_outline(
            ("Executive summary", "The company's mission and value proposition."),
            ("Company overview", "Who the company is."),
            ("Products and services", "What the company sells."),
            ("Strategy", "How the company intends to grow."),
            ("Financials", "Revenue, funding and capital needs."),
            ("Appendix", "Further information provided by the client."),
        ),
        required=(_LEGAL_NAME, _MISSION),
        fields={
            "legal_name": {"label": "Legal name"},
            "founded_on": {"label": "Founded"},
            "headcount": {"label": "Full-time employees"},
            "industry_detail": {"label": "Industry (as described)"},
            "revenue_band": {"label": "Annual revenue"},
            "planned_raise": {"label": "Planned raise (next 18 months)", **_USD},
        },
    ),
    _type(
        "financial-projections",
        "Financial Projections",
        "CFO",
        "Revenue, cost and funding projections with the assumptions behind them.",
        pages=8,
        summary="These projections set out the financial baseline, the assumptions that drive the "
        "forecast, the main costs and the funding the plan requires.",
        sections=_outline(
            ("Baseline", "Where the finances stand today."),
            ("Assumptions", "The assumptions the projections rest on."),
            ("Costs", "The main cost lines."),
            ("Funding", "The capital the plan requires and when."),
        ),
        required=(_REVENUE, _FUNDING),
        fields={
            "revenue_band": {"label": "Annual revenue"},
            "growth_rate": {"label": "Expected revenue growth next year", "suffix": "%"},
            "technology_budget": {"label": "Annual technology budget", **_USD},
            "planned_raise": {"label": "Planned raise (next 18 months)", **_USD},
            "round_close_date": {"label": "Expected close of the round"},
            "statements": {"label": "Latest financial statements"},
        },
        closing="Projections are estimates based on the client's answers and should be refreshed when "
        "actual results are available.",
    ),
    _type(
        "technology-budget",
        "Technology Budget",
        "CFO",
        "The annual technology budget by category, with run and change costs separated.",
        pages=6,
        summary="This budget allocates the technology spend for the year between keeping systems "
        "running and changing them.",
        sections=_outline(
            ("Overview", "The total budget and how it was set."),
            ("Run costs", "Hosting, licences and support."),
            ("Change costs", "Projects and new capability."),
            ("People", "Salaries, contractors and training."),
            ("Contingency", "Reserves for the unexpected."),
        ),
    ),
    _type(
        "cash-flow-forecast",
        "Cash Flow Forecast",
        "CFO",
        "Monthly cash in and out over the next eighteen months, and the runway it implies.",
        pages=6,
        summary="This forecast projects cash receipts and payments month by month and shows how long "
        "the company's cash will last.",
        sections=_outline(
            ("Opening position", "Cash available today."),
            ("Receipts", "Expected cash in."),
            ("Payments", "Expected cash out."),
            ("Runway", "How long cash lasts under the forecast."),
        ),
    ),
    _type(
        "funding-proposal",
        "Funding Proposal",
        "CFO",
        "The case for investment: the amount sought, its use and the return expected.",
        pages=7,
        summary="This proposal explains how much capital the company seeks, what it will be used for "
        "and what investors can expect in return.",
        sections=_outline(
            ("The opportunity", "Why now and why this company."),
            ("Amount and terms", "What is being raised and on what terms."),
            ("Use of funds", "How the money will be spent."),
            ("Milestones", "What the funding will achieve."),
        ),
    ),
    _type(
        "financial-risk-assessment",
        "Financial Risk Assessment",
        "CFO",
        "The financial risks the company faces, their likelihood and impact, and the mitigations.",
        pages=7,
        summary="This assessment identifies the main financial risks, rates them and sets out how each "
        "is mitigated.",
        sections=_outline(
            ("Market risk", "Exposure to demand and pricing."),
            ("Liquidity risk", "The ability to meet obligations as they fall due."),
            ("Credit risk", "Exposure to customers and partners who may not pay."),
            ("Operational risk", "Losses from failed processes or systems."),
            ("Mitigations", "The controls in place and planned."),
        ),
    ),
    _type(
        "cost-benefit-analysis",
        "Cost-Benefit Analysis",
        "CFO",
        "The costs and benefits of a proposed investment, with payback and sensitivity.",
        pages=6,
        summary="This analysis compares the expected costs of the proposed investment with its benefits "
        "and shows when it pays back.",
        sections=_outline(
            ("Proposal", "What is being evaluated."),
            ("Costs", "One-off and recurring costs."),
            ("Benefits", "Quantified and qualitative benefits."),
            ("Payback", "When the investment pays for itself."),
            ("Sensitivity", "How the result changes with the key assumptions."),
        ),
    ),
    _type(
        "pricing-strategy",
        "Pricing Strategy",
        "CFO",
        "How the company prices its products: model, tiers, discounts and unit economics.",
        pages=6,
        summary="This strategy sets out how the company prices what it sells and the unit economics that "
        "pricing must support.",
        sections=_outline(
            ("Pricing model", "How customers pay."),
            ("Tiers and packaging", "What each price includes."),
            ("Discounts", "When and how prices are reduced."),
            ("Unit economics", "Margins, acquisition cost and lifetime value."),
        ),
    ),
    # ------------------------------------------------------------------------------------------- BA
    _type(
        "brd",
        "Business Requirements Document",
        "BA",
        "The business objectives, scope, requirements and constraints of the next phase of work.",
        pages=12,
        summary="This document records what the business needs from the next phase of work: the "
        "problems to solve, what is in scope, the requirements and the constraints that apply.",
        sections=_outline(
            ("Document control", "Who this document was prepared for."),
            ("Background", "The product or service as it stands today."),
            ("Business objectives", "The problems the work must solve."),
            ("Scope", "What the work covers."),
            ("Requirements", "What the solution must do and connect to."),
            ("Constraints", "Budget, regulation and other limits."),
            ("Timeline", "The dates the work is held to."),
            ("Delivery", "How the work will be delivered."),
        ),
        required=(_PROBLEMS,),
        fields={
            "client_name": {"label": "Client"},
            "client_contact": {"label": "Contact"},
            "problems": {"label": "Business problems to solve"},
            "initiatives": {"label": "Initiatives in scope"},
            "ai_use_cases": {"label": "AI and machine-learning use cases"},
            "budget_flexibility": {"label": "How fixed the budget is"},
            "first_release": {"label": "First release due"},
        },
    ),
    _type(
        "functional-specification",
        "Functional Specification",
        "BA",
        "What the solution does, feature by feature: behaviour, data, interfaces and acceptance.",
        pages=14,
        summary="This specification describes the behaviour of the solution in enough detail to build "
        "and test it.",
        sections=_outline(
            ("Overview", "The purpose and users of the solution."),
            ("Features", "Each feature and how it behaves."),
            ("Data", "The information the solution holds."),
            ("Interfaces", "Screens and integrations."),
            ("Non-functional requirements", "Performance, availability and security."),
        ),
    ),
    _type(
        "user-stories",
        "User Stories and Acceptance Criteria",
        "BA",
        "The backlog of user stories with acceptance criteria, grouped by epic.",
        pages=10,
        summary="This backlog expresses the requirements as user stories, each with the criteria that "
        "show it is done.",
        sections=_outline(
            ("Personas", "The people the stories are written for."),
            ("Epics", "The larger goals the stories belong to."),
            ("Stories", "The stories and their acceptance criteria."),
            ("Definition of done", "What every story must meet."),
        ),
    ),
    _type(
        "process-analysis",
        "Business Process Analysis",
        "BA",
        "The current and future state of the key business processes, with the changes between them.",
        pages=9,
        summary="This analysis maps how key processes work today, how they should work, and what must "
        "change to get there.",
        sections=_outline(
            ("Current state", "How the processes run today."),
            ("Pain points", "Where the processes fail their users."),
            ("Future state", "How the processes should run."),
            ("Changes", "What must change in people, process and technology."),
        ),
    ),
    _type(
        "stakeholder-analysis",
        "Stakeholder Analysis",
        "BA",
        "Who is affected by or can influence the work, what they need and how they will be engaged.",
        pages=5,
        summary="This analysis identifies the stakeholders of the work, their interests and influence, "
        "and how each will be engaged.",
        sections=_outline(
            ("Stakeholders", "Who has a stake in the work."),
            ("Interests and influence", "What each needs and how much they can affect the outcome."),
            ("Engagement plan", "How and how often each will be involved."),
        ),
    ),
    _type(
        "gap-analysis",
        "Gap Analysis",
        "BA",
        "The gap between current and required capability, and the actions that close it.",
        pages=6,
        summary="This analysis compares current capability with what the business requires and lists "
        "the actions that close the gap.",
        sections=_outline(
            ("Current capability", "What exists today."),
            ("Required capability", "What the business needs."),
            ("Gaps", "Where the two differ."),
            ("Actions", "How each gap will be closed."),
        ),
    ),
    _type(
        "project-charter",
        "Project Charter",
        "BA",
        "The mandate for the project: objectives, scope, sponsor, budget, milestones and governance.",
        pages=5,
        summary="This charter authorises the project and records its objectives, scope, leadership, "
        "budget and milestones.",
        sections=_outline(
            ("Objectives", "What the project will achieve."),
            ("Scope", "What is in and out of scope."),
            ("Governance", "Sponsor, steering and decision rights."),
            ("Budget and milestones", "The money and dates the project is held to."),
            ("Risks", "The main risks to delivery."),
        ),
    ),
    _type(
        "requirements-traceability",
        "Requirements Traceability Matrix",
        "BA",
        "Each requirement traced from its business objective to design, build and test.",
        pages=6,
        summary="This matrix traces each requirement from the business objective it serves through to "
        "the tests that prove it is met.",
        sections=_outline(
            ("Objectives", "The business objectives requirements trace back to."),
            ("Requirements", "Each requirement and its source."),
            ("Coverage", "Design, build and test coverage of each requirement."),
        ),
    ),
]

DOCUMENT_TYPE_SLUGS = tuple(entry["slug"] for entry in DOCUMENT_TYPES)


def catalogue_load(document_type_model, *, only_missing: bool = False) -> int:
    """Create or update the catalogue's types on ``document_type_model``; return how many were written.

    Takes the model as an argument so that the data migration can pass its historical model.
    With ``only_missing`` the types an admin already has (by slug) are left as they are.
    """
    written = 0
    existing = set(document_type_model.objects.values_list("slug", flat=True))
    for entry in DOCUMENT_TYPES:
        fields = {key: value for key, value in entry.items() if key != "slug"}
        if entry["slug"] in existing:
            if only_missing:
                continue
            document_type_model.objects.filter(slug=entry["slug"]).update(**fields)
        else:
            document_type_model.objects.create(slug=entry["slug"], **fields)
        written += 1
    return written
