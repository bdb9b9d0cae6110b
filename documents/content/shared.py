"""Recommendations the technology documents share: engineering practice, leadership, resilience, scale.

Each entry is one row of the shared library (documents.Recommendation, organization NULL). Conditions
read question keys, matrix rows (``engineering_maturity.ci``) and computed values of the demo
questionnaire; a questionnaire without those keys simply never triggers them.
"""

from __future__ import annotations

from typing import Any

from documents.content.build import WEAK as _WEAK

BLOCKS: dict[str, list[dict[str, Any]]] = {}

# The technology documents that carry engineering advice.
ENGINEERING = [
    "technology-roadmap",
    "technology-strategy",
    "engineering-handbook",
    "product-architecture",
]
RESILIENCE = ["technology-roadmap", "disaster-recovery-plan", "infrastructure-plan"]


def _weak(row: str) -> dict[str, Any]:
    return {"field": f"engineering_maturity.{row}", "operator": "in", "value": _WEAK}


RECOMMENDATIONS: list[dict[str, Any]] = [
    {
        "key": "introduce-continuous-integration",
        "title": "Introduce continuous integration on every repository",
        "document_types": [*ENGINEERING, "technology-budget"],
        "condition": _weak("ci"),
        "priority": 1,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Head of engineering",
        "finding": "Continuous integration is {{ engineering_maturity.ci|lower }} while technical debt is "
        "rated {{ technical_debt|out_of(10) }}: nothing checks a change before it reaches production, so "
        "the debt grows with every release.",
        "rationale": "A build and test run on every change is the cheapest guard against regressions and "
        "the precondition for paying debt down safely.",
        "risk": "Regressions reach clients unnoticed and every release depends on manual checks.",
    },
    {
        "key": "automate-testing",
        "title": "Build an automated test suite around the revenue-critical paths",
        "document_types": ENGINEERING,
        "condition": _weak("testing"),
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Head of engineering",
        "finding": "Automated testing is {{ engineering_maturity.testing|lower }}, so each change is "
        "verified by hand, if at all.",
        "rationale": "Start with the journeys clients pay for and the code that changes most often; a "
        "few dozen reliable end-to-end and integration tests change the economics of every later fix.",
        "risk": "Fixes break other features, and the team slows down as the code base grows.",
    },
    {
        "key": "reduce-technical-debt",
        "title": "Run a funded technical-debt programme with a visible backlog",
        "document_types": [*ENGINEERING, "technology-budget"],
        "condition": {"field": "technical_debt", "operator": "gte", "value": 7},
        "priority": 1,
        "impact": "HIGH",
        "effort": "HIGH",
        "timeframe": "THIS_YEAR",
        "owner_role": "CTO",
        "finding": "Technical debt is rated {{ technical_debt|out_of(10) }}"
        "{% if technical_debt_sources %}, and its sources are named plainly: “{{ technical_debt_sources }}”"
        "{% endif %}.",
        "rationale": "Debt at this level taxes every feature. Reserve a fixed share of each sprint "
        "(20–30%) for the worst items, tracked as a backlog the leadership reviews monthly, rather than "
        "a one-off rewrite.",
        "risk": "Delivery keeps slowing and outages become more frequent as changes collide with "
        "fragile code.",
    },
    {
        "key": "monitoring-and-alerting",
        "title": "Put monitoring and alerting on production, with an on-call rota",
        "document_types": [*ENGINEERING, *RESILIENCE],
        "condition": _weak("monitoring"),
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Platform lead",
        "finding": "Monitoring and alerting is {{ engineering_maturity.monitoring|lower }}: the team learns "
        "of outages from clients.",
        "rationale": "Uptime checks, error-rate and latency alerts on the main journeys take days to set "
        "up with a managed service and shorten every incident.",
        "risk": "Outages last longer than they need to, and clients report them before the team knows.",
    },
    {
        "key": "incident-response",
        "title": "Define incident response: severities, roles and blameless reviews",
        "document_types": [*ENGINEERING, *RESILIENCE],
        "condition": _weak("incidents"),
        "priority": 2,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Head of engineering",
        "finding": "Incident response is {{ engineering_maturity.incidents|lower }}"
        "{% if anything_else %}; the client also reports: “{{ anything_else }}”{% endif %}.",
        "rationale": "A one-page process (who leads, who talks to clients, how severity is set) and a "
        "short written review after each incident turn outages into improvements.",
        "risk": "The same failures recur, and clients hear about incidents inconsistently.",
    },
    {
        "key": "code-review",
        "title": "Make peer review a condition of merging",
        "document_types": ENGINEERING,
        "condition": _weak("review"),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Head of engineering",
        "finding": "Code review is {{ engineering_maturity.review|lower }}.",
        "rationale": "Branch protection with one required approval spreads knowledge and catches defects "
        "at the cheapest moment.",
        "risk": "Knowledge stays in single heads and defects are found by clients.",
    },
    {
        "key": "technology-leadership",
        "title": "Appoint technology leadership (a fractional CTO to start)",
        "document_types": ["technology-roadmap", "technology-strategy", "business-plan"],
        "condition": {"field": "has_cto", "operator": "eq", "value": "none"},
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "CEO",
        "finding": "Nobody owns technology: there is no CTO or head of technology for a team of "
        "{{ engineer_count|number }} engineer{% if engineer_count != 1 %}s{% endif %}.",
        "rationale": "A fractional CTO for two days a week costs far less than a full-time hire and "
        "gives the roadmap, hiring and investor conversations an owner now.",
        "risk": "Priorities are set by whoever shouts loudest, and technical due diligence in the next "
        "funding round finds the gaps first.",
    },
    {
        "key": "delivery-process",
        "title": "Adopt a lightweight delivery cadence with a visible plan",
        "document_types": ["technology-roadmap", "technology-strategy", "engineering-handbook"],
        "condition": {
            "logicalOp": "OR",
            "nested": [
                {"field": "delivery_methodology", "operator": "eq", "value": "none"},
                {"field": "delivery_satisfaction", "operator": "lte", "value": 4},
            ],
        },
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Head of engineering",
        "finding": "Satisfaction with the speed of delivery is {{ delivery_satisfaction|out_of(10) }}"
        "{% if delivery_methodology.value == 'none' %}, with no formal delivery process"
        "{% elif delivery_methodology %}, following {{ delivery_methodology }}{% endif %}.",
        "rationale": "Two-week cycles with a short planning session and a demo make progress visible "
        "and give the business a predictable moment to change priorities.",
        "risk": "Work in progress piles up and the business loses confidence in engineering estimates.",
    },
    {
        "key": "modularise-monolith",
        "title": "Carve clear modules out of the monolith before splitting services",
        "document_types": ["technology-roadmap", "product-architecture", "technology-strategy"],
        "condition": {
            "nested": [
                {"field": "architecture", "operator": "eq", "value": "monolith"},
                {"field": "technical_debt", "operator": "gte", "value": 6},
            ]
        },
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "HIGH",
        "timeframe": "NEXT_YEAR",
        "owner_role": "CTO",
        "finding": "The product is a single monolith carrying technical debt of "
        "{{ technical_debt|out_of(10) }}.",
        "rationale": "A modular monolith (clear boundaries, one deployable) keeps operations simple at "
        "this size; microservices would multiply the debt rather than pay it down.",
        "risk": "Every change touches everything, and a premature split into services adds failure modes "
        "the team cannot yet operate.",
    },
    {
        "key": "platform-engineering",
        "title": "Fund a platform team and a service catalogue for the service estate",
        "document_types": ["technology-roadmap", "product-architecture", "infrastructure-plan"],
        "condition": {"field": "microservice_count", "operator": "gte", "value": 50},
        "priority": 3,
        "impact": "HIGH",
        "effort": "HIGH",
        "timeframe": "THIS_YEAR",
        "owner_role": "VP Platform",
        "finding": "{{ microservice_count|number }} microservices run in production, built by "
        "{{ engineer_count|number }} engineers.",
        "rationale": "At this scale paved roads (templates, golden pipelines, a catalogue with owners "
        "and service levels) save more engineering time than any single product initiative.",
        "risk": "Ownership of services blurs, and reliability and cost drift service by service.",
    },
    {
        "key": "engineering-metrics",
        "title": "Steer engineering by delivery metrics (lead time, deployment frequency, failure rate)",
        "document_types": ["technology-roadmap", "technology-strategy", "engineering-handbook"],
        "condition": {"field": "maturity_score", "operator": "gte", "value": 3.5},
        "priority": 4,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "THIS_YEAR",
        "owner_role": "CTO",
        "finding": "Engineering practice is mature, averaging {{ maturity_score }} of 5 across the five "
        "practices assessed.",
        "rationale": "With the practices in place the next gains come from measuring flow: the four "
        "delivery metrics show where time is lost and make investment cases objective.",
        "risk": "Improvement stalls at a good-enough level without evidence of where to invest next.",
    },
    {
        "key": "cloud-cost-governance",
        "title": "Set up cloud cost governance (FinOps) with per-team budgets",
        "document_types": ["technology-roadmap", "infrastructure-plan", "technology-budget"],
        "condition": {"field": "technology_budget", "operator": "gte", "value": 5000000},
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "CFO and CTO",
        "finding": "An annual technology budget of {{ technology_budget|money }}"
        "{% if hosting.value == 'multi' %} runs across more than one cloud"
        "{% elif hosting %} runs on {{ hosting }}{% endif %}.",
        "rationale": "Tagging, per-team showback and commitments for steady workloads typically save "
        "15–25% of cloud spend at this size.",
        "risk": "Cloud spend grows faster than revenue without anyone accountable for it.",
    },
    {
        "key": "data-platform-in-stages",
        "title": "Build the data platform in stages, starting from one decision it must serve",
        "document_types": ["technology-roadmap", "technology-strategy", "brd"],
        "condition": {"field": "planned_initiatives", "operator": "contains", "value": "data_platform"},
        "priority": 2,
        "impact": "HIGH",
        "effort": "HIGH",
        "timeframe": "THIS_YEAR",
        "owner_role": "Head of data",
        "finding": "A data platform is among the planned initiatives ({{ planned_initiatives }}).",
        "rationale": "Deliver one end-to-end use case (ingest, model, report) within a quarter before "
        "widening the scope; platforms built ahead of their first use rarely earn their cost.",
        "risk": "A large platform is built that no decision relies on.",
    },
    {
        "key": "ai-governance",
        "title": "Put AI governance and model operations in place before scaling use cases",
        "document_types": ["technology-roadmap", "technology-strategy", "brd"],
        "condition": {"field": "planned_initiatives", "operator": "contains", "value": "ai"},
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "CTO",
        "finding": "AI is planned{% if ai_use_cases %}: “{{ ai_use_cases }}”{% endif %}.",
        "rationale": "An inventory of models, data-protection review of training data, evaluation "
        "before release and monitoring in production keep AI work auditable"
        "{% if regulations %} under {{ regulations }}{% endif %}.",
        "risk": "Models drift unnoticed or use personal data in ways the organization cannot justify.",
    },
    {
        "key": "security-baseline",
        "title": "Establish a security baseline and work towards a first certification",
        "document_types": ["technology-roadmap", "technology-strategy"],
        "condition": {
            "nested": [
                {"field": "sensitive_data", "operator": "eq", "value": "yes"},
                {"field": "security_certifications", "operator": "contains", "value": "none"},
            ]
        },
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "CTO",
        "finding": "The company handles {{ sensitive_data_kinds|default('sensitive data')|lower }} but holds "
        "no security certification.",
        "rationale": "Multi-factor authentication everywhere, a secrets manager, least-privilege access "
        "and Cyber Essentials (then SOC 2) answer the questions enterprise buyers and investors ask.",
        "risk": "A breach of client data, and lost deals at security review.",
    },
    {
        "key": "offsite-backups",
        "title": "Move backups off the production server and rehearse a restore",
        "document_types": RESILIENCE,
        "condition": {
            "logicalOp": "OR",
            "nested": [
                {"field": "backup_strategy", "operator": "contains", "value": "same server"},
                {"field": "backup_strategy", "operator": "contains", "value": "never"},
                {"field": "recovery_confidence", "operator": "lte", "value": 2},
            ],
        },
        "priority": 1,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Platform lead",
        "finding": "Recovery confidence is {{ recovery_confidence|out_of(5) }}"
        "{% if backup_strategy %} and the backups are described as “{{ backup_strategy }}”{% endif %}.",
        "rationale": "Backups are only as good as the last successful restore: copy them to separate "
        "storage in another region, encrypt them, and time a full restore this month.",
        "risk": "The loss of one server takes the data and its backups with it.",
    },
    {
        "key": "prove-the-rto",
        "title": "Prove the recovery time objective in a timed exercise",
        "document_types": RESILIENCE,
        "condition": {
            "nested": [
                {"field": "rto_hours", "operator": "is_not_empty"},
                {"field": "recovery_confidence", "operator": "lte", "value": 3},
            ]
        },
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "CTO",
        "finding": "The stated recovery time objective is {{ rto_hours|number }} hours, but confidence in "
        "recovering is only {{ recovery_confidence|out_of(5) }}.",
        "rationale": "An objective that has never been measured is a hope. A timed restore into a clean "
        "environment shows the real figure and what to fix to meet the target.",
        "risk": "An outage lasts far longer than the business has planned for.",
    },
    {
        "key": "region-failover",
        "title": "Extend recovery rehearsals to a full regional failover",
        "document_types": RESILIENCE,
        "condition": {"field": "recovery_confidence", "operator": "gte", "value": 4},
        "priority": 4,
        "impact": "MEDIUM",
        "effort": "HIGH",
        "timeframe": "NEXT_YEAR",
        "owner_role": "VP Platform",
        "finding": "Recovery confidence is high ({{ recovery_confidence|out_of(5) }})"
        "{% if backup_strategy %}: “{{ backup_strategy }}”{% endif %}.",
        "rationale": "With restores rehearsed, the remaining exposure is the loss of a whole region or "
        "provider; an annual game day that fails over end to end tests people and runbooks as well.",
        "risk": "A regional outage exercises untested paths for the first time in production.",
    },
    {
        "key": "retire-legacy",
        "title": "Retire the legacy system named as the main source of debt",
        "document_types": ["technology-roadmap", "technology-strategy", "product-architecture"],
        "condition": {"field": "technical_debt_sources", "operator": "contains", "value": "legacy"},
        "priority": 2,
        "impact": "HIGH",
        "effort": "HIGH",
        "timeframe": "THIS_YEAR",
        "owner_role": "CTO",
        "finding": "The main source of technical debt is a legacy system: “{{ technical_debt_sources }}”.",
        "rationale": "Replace it incrementally (strangler pattern), moving one capability at a time behind "
        "a stable interface, with reconciliation between old and new until cut-over.",
        "risk": "The replacement slips and the old system's costs and risks persist alongside the new.",
    },
]
