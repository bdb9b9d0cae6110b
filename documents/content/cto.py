"""The technology family's content: Technology Roadmap, Technology Strategy, Product Architecture and the
Disaster Recovery Plan (documents/content/cto_more.py holds the policies, infrastructure and handbook).

Blocks read the demo questionnaire's keys and computed values (health_score, maturity_score,
recovery_percent, budget_per_engineer); the shared recommendations (shared.py) supply findings,
recommendations, risks and the roadmap's initiatives.
"""

from __future__ import annotations

from typing import Any

from documents.content.build import HOSTED as _HOSTED
from documents.content.build import KINDS as _KINDS
from documents.content.build import STRONG as _STRONG
from documents.content.build import WEAK as _WEAK
from documents.content.build import all_ as _all
from documents.content.build import answered as _answered
from documents.content.build import any_ as _any
from documents.content.build import heading as _heading
from documents.content.build import is_ as _is
from documents.content.build import row as _row
from documents.content.build import text as _text


def _table(
    title: str, columns: list[str], rows: list[Any], when: dict[str, Any] | None = None
) -> dict[str, Any]:
    block: dict[str, Any] = {"kind": "table", "title": title, "columns": columns, "rows": rows}
    if when:
        block["when"] = when
    return block


def _has(key: str, value: str) -> str:
    """A template test: the multiple-choice answer ``key`` includes the option ``value``."""
    return f"({key} and '{value}' in {key}.values)"


# Conditions the architecture and recovery blocks share.
_MONOLITH = _is("architecture", "in", ["monolith", "modular"])
_MICROSERVICES = _is("architecture", "eq", "microservices")
_SENSITIVE = _is("sensitive_data", "eq", "yes")
_CERTIFIED = _is("security_certifications", "in", ["soc2", "iso27001"])
_UNCERTIFIED = _any(
    _is("security_certifications", "contains", "none"), _is("security_certifications", "is_empty")
)
_MOBILE = _any(_is("platforms", "contains", "ios"), _is("platforms", "contains", "android"))
_API = _is("platforms", "contains", "api")
_INTEGRATIONS = _answered("integrations")
_SHARED_SECRETS = _any(
    *(_is("technical_debt_sources", "contains", word) for word in ("password", "secret", "credential"))
)
_REPLICATION = _is("backup_strategy", "contains", "replication")
_PERIODIC_BACKUPS = _all(
    _any(*(_is("backup_strategy", "contains", word) for word in ("nightly", "daily", "dump", "snapshot"))),
    _is("backup_strategy", "not_contains", "replication"),
)
_CLOUD = _is("hosting", "in", ["aws", "azure", "gcp", "multi", "hybrid"])

# Where production runs, as a phrase that follows a verb: "hosted {{ HOSTED }}".
# The kinds of sensitive data held, in lower case, or a neutral phrase.
# The engineering team, as a noun phrase: "3 engineers".
_TEAM = (
    "{% if engineer_count %}{{ engineer_count|number }} engineer{% if engineer_count != 1 %}s{% endif %}"
    "{% else %}the engineering team{% endif %}"
)
_AUDITED = f"({_has('security_certifications', 'soc2')} or {_has('security_certifications', 'iso27001')})"
_GDPR = _has("regulations", "gdpr")


_MATURITY_CHART = {
    "kind": "chart",
    "chart": "radar",
    "key": "engineering_maturity",
    "caption": "Engineering maturity by practice (1 = not in place, 5 = optimised)",
}

_SCORECARD = {
    "kind": "table",
    "title": "Scorecard",
    "columns": ["Measure", "Value", "Reading"],
    "rows": [
        [
            "Technology health",
            "{{ health_score|number }} out of 100",
            "{% if health_score < 40 %}Fragile{% elif health_score < 70 %}Workable"
            "{% else %}Strong{% endif %}",
        ],
        [
            "Engineering maturity",
            "{{ maturity_score }} of 5",
            "{% if maturity_score < 2.5 %}Practices mostly missing{% elif maturity_score < 3.5 %}Defined "
            "but uneven{% else %}Measured and improving{% endif %}",
        ],
        [
            "Technical debt",
            "{{ technical_debt|out_of(10) }}",
            "{% if technical_debt >= 7 %}Binding constraint{% elif technical_debt >= 4 %}Manageable"
            "{% else %}Low{% endif %}",
        ],
        {
            "cells": [
                "Recovery readiness",
                "{{ recovery_percent|percent }}",
                "{% if recovery_confidence <= 2 %}Unproven{% elif recovery_confidence <= 3 %}Partly proven"
                "{% else %}Rehearsed{% endif %}",
            ],
            "when": _answered("recovery_confidence"),
        },
        {
            "cells": ["Technology budget per engineer", "{{ budget_per_engineer|money }}", "Per year"],
            "when": _answered("technology_budget"),
        },
    ],
}

_HEALTH_SUMMARY = _text(
    "{{ company }} scores {{ health_score|number }} out of 100 on technology health, combining "
    "engineering maturity ({{ maturity_score }} of 5), technical debt ({{ technical_debt|out_of(10) }}) "
    "and confidence in recovering from an outage ({{ recovery_confidence|out_of(5) }}). "
    "{% if health_score < 40 %}The estate is fragile: the basics that keep a product reliable are "
    "missing, and they must come before new initiatives if those initiatives are to land."
    "{% elif health_score < 70 %}The foundations are workable but uneven; the roadmap pairs new "
    "initiatives with the weaknesses that would otherwise slow them down."
    "{% else %}The foundations are strong; the roadmap is about scale, efficiency and the next "
    "capabilities rather than repair.{% endif %}"
)

_NEXT_STEPS = _text(
    "The first actions:{% for item in recommendations if item.timeframe in ('NOW', 'NEXT_QUARTER') %}"
    "{% if loop.index <= 3 %} {{ loop.index }}. {{ item.title }} (owner: {{ item.owner }}, "
    "{{ item.phase|lower }}).{% endif %}{% else %} agree the first initiative of the roadmap, its owner "
    "and the measure of its success.{% endfor %} Each owner reports progress monthly.\n\n"
    "Review this roadmap every quarter against delivery, budget and the scorecard above; a change in "
    "the answers it rests on (a new funding round, a key hire, an incident) is a reason to revisit it "
    "sooner."
)

TECHNOLOGY_ROADMAP: list[dict[str, Any]] = [
    _heading("Executive summary"),
    _HEALTH_SUMMARY,
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    _text(
        "{% set first = recommendations|first %}{% if first %}The first priority: {{ first.title|lowerfirst }}. "
        "{{ recommendations|length }} initiatives in all are placed by phase, from the most urgent to "
        "those for next year.{% endif %}"
    ),
    _heading("Where the technology stands"),
    _text(
        "The product{% if platforms %} reaches its users through {{ platforms|count }} channel"
        "{% if platforms|count != 1 %}s{% endif %} ({{ platforms }}){% endif %}"
        "{% if architecture %}, built as {{ architecture|lower }}{% endif %}"
        "{% if languages %} in {{ languages }}{% endif %}"
        "{% if hosting.value == 'multi' %}, and is hosted across more than one cloud"
        "{% elif hosting %}, and is hosted on {{ hosting }}{% endif %}. "
        "{% if engineer_count %}{{ engineer_count|number }} engineer{% if engineer_count != 1 %}s build"
        "{% else %} builds{% endif %} and run{% if engineer_count == 1 %}s{% endif %} it.{% endif %}"
    ),
    _SCORECARD,
    _MATURITY_CHART,
    _text(
        "Technical debt is the binding constraint at {{ technical_debt|out_of(10) }}."
        "{% if technical_debt_sources %} Its sources, in the client's words: “{{ technical_debt_sources }}”"
        "{% endif %} Until the practices above catch the regressions that debt causes, every new "
        "initiative will cost more and deliver later than planned.",
        {"field": "technical_debt", "operator": "gte", "value": 7},
    ),
    _text(
        "Technical debt is contained at {{ technical_debt|out_of(10) }}"
        "{% if technical_debt_sources %} (“{{ technical_debt_sources }}”){% endif %}, which leaves "
        "capacity for new capability.",
        {"field": "technical_debt", "operator": "lt", "value": 7},
    ),
    _heading("What drives the plan"),
    _text("The next phase must solve: “{{ business_problems }}”", _answered("business_problems")),
    _text(
        "Growth levers rated critical{% if growth_levers %}: {% for row, level in growth_levers.items() "
        "if level.value == 'critical' %}{{ growth_levers.labels[row]|lower }}{% if not loop.last %}, "
        "{% endif %}{% endfor %}{% endif %}. Technology work that serves them comes first; work that "
        "serves none of them needs a separate case.",
        {
            "logicalOp": "OR",
            "nested": [
                {"field": f"growth_levers.{row}", "operator": "eq", "value": "critical"}
                for row in ("markets", "products", "partnerships", "acquisitions", "pricing")
            ],
        },
    ),
    _text(
        "Planned for the next twelve months: {{ planned_initiatives }}.",
        _answered("planned_initiatives"),
    ),
    _heading("Phased roadmap"),
    _text(
        "Initiatives are placed by urgency and effort: what protects the business and costs little "
        "comes first; large programmes span two phases. Each has one owner."
    ),
    {"kind": "roadmap", "caption": "Initiatives by phase"},
    _heading("Recommendations"),
    {"kind": "recommendations"},
    _heading("Risks"),
    {"kind": "risks"},
    _heading("Budget and constraints"),
    _text(
        "The annual technology budget is {{ technology_budget|money }}"
        "{% if engineer_count %}, about {{ budget_per_engineer|money }} per engineer{% endif %}. "
        "{% if budget_flexibility and budget_flexibility >= 4 %}The budget is largely fixed, so the "
        "later phases are sequenced to be funded from savings and the earlier phases' results."
        "{% elif budget_flexibility %}The budget has some flexibility, which the first phase should use "
        "for the fixes that cost least and protect most.{% endif %}",
        _answered("technology_budget"),
    ),
    _text(
        "The first release is due on {{ first_release_date }}; initiatives in the first phase are chosen "
        "so that they do not put that date at risk.",
        _answered("first_release_date"),
    ),
    _heading("Next steps"),
    _NEXT_STEPS,
]

TECHNOLOGY_STRATEGY: list[dict[str, Any]] = [
    _heading("Executive summary"),
    _text(
        "{{ company }}{% if mission %} exists to deliver on its mission: “{{ mission }}”{% endif %} "
        "This strategy sets out how technology serves that mission over the next two to three years."
    ),
    _HEALTH_SUMMARY,
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    _heading("Context"),
    _text(
        "{{ company }} operates in {{ industry|lower }}"
        "{% if company_stage %} and is at the {{ company_stage|lower }} stage{% endif %}"
        "{% if employee_count %}, with {{ employee_count|number }} employees{% endif %}.",
        _answered("industry"),
    ),
    _text(
        "The business has set technology its task for the next phase: “{{ business_problems }}”",
        _answered("business_problems"),
    ),
    _text(
        "As a listed company, {{ company }} has to show that technology spending returns value within the "
        "reporting year, and its controls must satisfy auditors as well as clients"
        "{% if regulations and 'none' not in regulations.values %} ({{ regulations }}){% endif %}.",
        _is("funding", "eq", "public"),
    ),
    _text(
        "Funded by {{ funding|lower }}{% if raise_amount %} and planning to raise {{ raise_amount|money }}"
        "{% if raise_close_date %} by {{ raise_close_date }}{% endif %}{% endif %}, {{ company }} needs "
        "technology that survives an investor's technical due diligence: a product that ships reliably, "
        "data that is protected{% if regulations and 'none' not in regulations.values %} under "
        "{{ regulations }}{% endif %}, and an engineering team that is not a single point of failure.",
        _is("funding", "in", ["angel", "vc", "pe"]),
    ),
    _text(
        "{% if revenue_growth %}Revenue is expected to grow by {{ revenue_growth|percent }} next year. "
        "{% endif %}Growth levers rated critical: "
        "{% for row, level in growth_levers.items() if level.value == 'critical' %}"
        "{{ growth_levers.labels[row]|lower }}{% if not loop.last %}, {% endif %}{% endfor %}. "
        "Technology investment is judged first by how directly it serves them.",
        _any(
            *(
                _is(f"growth_levers.{row}", "eq", "critical")
                for row in ("markets", "products", "partnerships", "acquisitions", "pricing")
            )
        ),
    ),
    _heading("Capability today"),
    _SCORECARD,
    _MATURITY_CHART,
    _text(
        "Engineering is led by {{ technology_leader }}.",
        _answered("technology_leader"),
    ),
    _text(
        "There is no dedicated technology leader; decisions about architecture, hiring and security "
        "default to the founders. This is the strategy's first gap to close.",
        {"field": "has_cto", "operator": "eq", "value": "none"},
    ),
    _text(
        "Certifications held: {{ security_certifications }}.",
        {"field": "security_certifications", "operator": "not_contains", "value": "none"},
    ),
    _heading("Strategic choices"),
    _text(
        "Build on what exists rather than re-platforming: the product's architecture "
        "({{ architecture|lower }}) is kept, and investment goes into the practices that make change safe.",
        {"field": "architecture", "operator": "in", "value": ["monolith", "modular"]},
    ),
    _text(
        "Operate the service estate as a platform: {{ microservice_count|number }} services need paved "
        "roads, clear ownership and cost visibility more than new services.",
        {"field": "microservice_count", "operator": "gte", "value": 50},
    ),
    _text(
        "Treat data and AI as products with owners: {{ ai_use_cases }}",
        _answered("ai_use_cases"),
    ),
    _text(
        "Buy rather than build everything that is not the product itself: hosting, databases, sign-in, "
        "monitoring and payments come as managed services, so that {{ engineer_count|number }} engineer"
        "{% if engineer_count != 1 %}s spend their{% else %} spends their{% endif %} time on what clients "
        "pay for.",
        _is("engineer_count", "lte", 20),
    ),
    _text(
        "Open the platform to partners: with partnerships and channels rated "
        "{{ growth_levers.partnerships|lower }}, the public API and the integrations behind it are a sales "
        "channel and are funded and managed as one.",
        _all(_API, _is("growth_levers.partnerships", "in", ["high", "critical"])),
    ),
    _text(
        "Make pricing a configuration, not a release: with pricing changes rated "
        "{{ growth_levers.pricing|lower }}, price rules belong in a service the commercial team can change "
        "and test safely, with every price change recorded.",
        _is("growth_levers.pricing", "in", ["high", "critical"]),
    ),
    _text(
        "Replace the ERP or CRM incrementally, behind stable interfaces, so that the product never depends "
        "on which system is live and each process can move, and move back, on its own.",
        _is("planned_initiatives", "contains", "erp"),
    ),
    _text(
        "Keep certification a by-product of how engineering works: the evidence for {{ "
        "security_certifications }} comes from the pipeline, the access reviews and the incident records, "
        "not from an annual project.",
        _CERTIFIED,
    ),
    _text(
        "Make security a sales asset: the company holds "
        "{% if sensitive_data_kinds %}{{ sensitive_data_kinds|lower }}{% else %}personal data{% endif %} "
        "without a certification, and a first certification within a year answers the questions larger "
        "clients and investors will ask.",
        _all(_UNCERTIFIED, _SENSITIVE),
    ),
    _heading("Organisation and investment"),
    _text(
        "The {% if engineer_count %}team of {{ engineer_count|number }} engineer{% if engineer_count != 1 %}s"
        "{% endif %}{% else %}engineering team{% endif %} works "
        "{% if delivery_methodology.value == 'none' %}without a formal delivery process"
        "{% elif delivery_methodology.value == 'hybrid' %}with a mix of delivery methods"
        "{% elif delivery_methodology %}with {{ delivery_methodology }}{% else %}as they see fit{% endif %}"
        "{% if delivery_satisfaction %}, and the leadership rates its satisfaction with the speed of delivery "
        "at {{ delivery_satisfaction|out_of(10) }}{% endif %}. "
        "{% if delivery_satisfaction and delivery_satisfaction <= 5 %}That is the gap most visible to the "
        "business, and the practices in this strategy are the way to close it: releases that are small, "
        "automated and safe are also fast.{% elif delivery_satisfaction %}Delivery is broadly trusted; the "
        "gains now come from measuring flow and removing the waits between teams.{% endif %}"
    ),
    _text(
        "The annual technology budget is {{ technology_budget|money }}"
        "{% if budget_per_engineer %}, about {{ budget_per_engineer|money }} per engineer{% endif %}. "
        "If it grows at half the rate of revenue, as the table below assumes, it reaches "
        "{{ technology_year3|money }} in the third year. "
        "{% if budget_flexibility and budget_flexibility >= 4 %}The budget is largely fixed, so new "
        "initiatives must be funded by stopping or automating existing work; each initiative should name "
        "the work it replaces.{% elif budget_flexibility %}The budget has some room, which goes first to the "
        "changes that protect revenue.{% endif %}",
        _answered("technology_budget"),
    ),
    _table(
        "Technology budget over three years",
        ["Year", "Technology budget", "Basis"],
        [
            ["Today", "{{ technology_budget|money }}", "Stated"],
            ["Year 1", "{{ technology_year1|money }}", "Half of the expected revenue growth"],
            ["Year 2", "{{ technology_year2|money }}", "Growth tapering by a quarter"],
            ["Year 3", "{{ technology_year3|money }}", "Growth tapering by half"],
        ],
        _all(_answered("technology_budget"), _answered("revenue_growth")),
    ),
    _heading("How success is measured"),
    _table(
        "",
        ["Measure", "Today", "Target in twelve months"],
        [
            [
                "Technology health",
                "{{ health_score|number }} out of 100",
                "{% if health_score < 40 %}40 or more{% elif health_score < 70 %}70 or more{% else %}75 or "
                "more, held{% endif %}",
            ],
            [
                "Engineering maturity",
                "{{ maturity_score }} of 5",
                "{% if maturity_score < 2.5 %}3 of 5, with every practice at least defined{% elif "
                "maturity_score < 3.5 %}3.5 of 5{% else %}4.5 of 5, with no practice below measured{% endif %}",
            ],
            _row(
                [
                    "Satisfaction with the speed of delivery",
                    "{{ delivery_satisfaction|out_of(10) }}",
                    "{% if delivery_satisfaction < 7 %}7 out of 10{% else %}8 out of 10{% endif %}",
                ],
                _answered("delivery_satisfaction"),
            ),
            _row(
                [
                    "Recovery",
                    "Confidence {{ recovery_confidence|out_of(5) }}",
                    "A timed recovery within the RTO{% if rto_hours %} of {{ rto_hours|number }} hours"
                    "{% endif %}, twice a year",
                ],
                _answered("recovery_confidence"),
            ),
            _row(
                [
                    "Lead time and change failure rate",
                    "Not yet reported",
                    "Baseline in the first quarter, then reported monthly",
                ],
                _is("maturity_score", "gte", 3.5),
            ),
            _row(
                ["Security certification", "None", "First certification achieved"],
                _all(_UNCERTIFIED, _SENSITIVE),
            ),
            _row(
                ["Security certification", "{{ security_certifications }}", "Renewed without major findings"],
                _CERTIFIED,
            ),
        ],
    ),
    _text(
        "The strategy is owned by {{ technology_leader }}, and reviewed each quarter by the executive team "
        "against the measures above; major architecture and supplier decisions are checked against it "
        "before they are approved, and every initiative has one accountable sponsor.",
        _all(_answered("technology_leader"), _is("engineer_count", "gte", 50)),
    ),
    _text(
        "With a small team, governance is a monthly hour for the founders"
        "{% if has_cto and has_cto.value == 'none' %} (and the technology leader, once appointed){% endif %}: "
        "progress against the measures above, the next quarter's priorities, and anything that changes the "
        "strategy's assumptions, such as a funding round, a key hire or an incident.",
        _is("engineer_count", "lt", 50),
    ),
    _heading("Recommendations"),
    {"kind": "recommendations"},
    _heading("Risks"),
    {"kind": "risks"},
    _heading("Roadmap"),
    {"kind": "roadmap", "caption": "Strategic initiatives by phase"},
    _heading("Next steps"),
    _NEXT_STEPS,
]


def _level(row: str, weak: str, strong: str) -> str:
    """A template: the consequence of a practice's level, weak (not in place, ad hoc) or not."""
    return f"{{% if engineering_maturity.{row}.value in ['none', 'adhoc'] %}}{weak}{{% else %}}{strong}{{% endif %}}"


def _practice(row: str, label: str, weak: str, strong: str) -> dict[str, Any]:
    return _row(
        [label, f"{{{{ engineering_maturity.{row} }}}}", _level(row, weak, strong)],
        _answered(f"engineering_maturity.{row}"),
    )


PRODUCT_ARCHITECTURE: list[dict[str, Any]] = [
    _heading("Executive summary"),
    _text(
        "{% if product_description %}{{ product_description }} {% endif %}"
        "This document describes how the product is built and run today and the architectural changes "
        "its next stage calls for."
    ),
    _text(
        "{{ company }} runs the product as {{ architecture|lower }}"
        "{% if languages %} written in {{ languages }}{% endif %}, hosted "
        + _HOSTED
        + " and built by "
        + _TEAM
        + ". At this size one deployable is the right shape, and the structure of the code is not "
        "what holds the product back. "
        "{% if maturity_score < 2.5 %}What does is the way it is built and run: engineering practice averages "
        "{{ maturity_score }} of 5, technical debt is rated {{ technical_debt|out_of(10) }} and confidence in "
        "recovering from an outage is {{ recovery_confidence|out_of(5) }}. Most of the changes this document "
        "recommends are therefore about making change safe (a pipeline, tests, monitoring, secrets and "
        "backups) rather than about restructuring the system."
        "{% else %}Engineering practice averages {{ maturity_score }} of 5, which gives the team the safety "
        "net to tighten module boundaries now, while they are cheap to enforce.{% endif %}",
        _MONOLITH,
    ),
    _text(
        "{{ company }} runs the product as {{ microservice_count|number }} microservices"
        "{% if languages %} written mainly in {{ languages }}{% endif %}, hosted "
        + _HOSTED
        + " and built by "
        + _TEAM
        + ". "
        "{% if maturity_score >= 3.5 %}Engineering practice is strong (an average of {{ maturity_score }} of "
        "5) and technical debt is {{ technical_debt|out_of(10) }}, so the open questions are those of scale "
        "rather than repair: keeping the contracts between {{ microservice_count|number }} services "
        "consistent, containing the cost and failure modes of running them "
        + _HOSTED
        + ", protecting "
        + _KINDS
        + " across many data stores"
        "{% if planned_initiatives %}, and giving the planned initiatives ({{ planned_initiatives }}) "
        "the data and integration foundations they need{% endif %}."
        "{% else %}Engineering practice averages {{ maturity_score }} of 5, which is low for an estate of "
        "this size: each weak practice is multiplied by the number of services that depend on it, so the "
        "practices come before any further decomposition.{% endif %}",
        _MICROSERVICES,
    ),
    _text(
        "{{ company }} runs the product mainly as serverless functions, hosted " + _HOSTED + ". The model "
        "removes server operations but moves the complexity into configuration, event wiring and cost that "
        "grows with every call; this document concentrates on those.",
        _is("architecture", "eq", "serverless"),
    ),
    _text(
        "The answers do not say how the application is structured. The first architectural step is to "
        "draw it: its deployable parts, its data stores and the calls between them. The recommendations "
        "below assume that picture will be drawn within the first month.",
        _is("architecture", "eq", "unsure"),
    ),
    {"kind": "findings", "title": "Key findings", "limit": 3},
    _heading("The system today"),
    {
        "kind": "answers",
        "title": "Architecture at a glance",
        "keys": [
            "platforms",
            "mobile_framework",
            "languages",
            "architecture",
            "microservice_count",
            "hosting",
            "cloud_services",
        ],
        "labels": {
            "platforms": "Platforms",
            "mobile_framework": "Mobile framework",
            "languages": "Main languages",
            "architecture": "Architecture",
            "microservice_count": "Services in production",
            "hosting": "Hosting",
            "cloud_services": "Cloud services relied on",
        },
        "columns": ["Aspect", "Today"],
    },
    _text(
        "A single deployable keeps operations simple for a team of {{ engineer_count|number }}; the risk "
        "is coupling, which grows with every feature unless module boundaries are enforced.",
        {"field": "architecture", "operator": "eq", "value": "monolith"},
    ),
    _text(
        "A modular monolith keeps one deployable while giving each part of the domain its own boundary; "
        "its value depends on those boundaries being checked by the build rather than by convention.",
        _is("architecture", "eq", "modular"),
    ),
    _text(
        "With {{ microservice_count|number }} services in production, the architecture's weak points are "
        "the contracts between services, their observability and the cost of running them.",
        {"field": "architecture", "operator": "eq", "value": "microservices"},
    ),
    _table(
        "Components and responsibilities",
        ["Component", "Form today", "Responsibility"],
        [
            _row(
                [
                    "Web application",
                    "Browser client",
                    "The client journeys; reaches the back end only through its API",
                ],
                _is("platforms", "contains", "web"),
            ),
            _row(
                [
                    "Mobile apps",
                    "{% if mobile_framework %}{{ mobile_framework }}{% else %}iOS and Android apps{% endif %}",
                    "Journeys on the move; must tolerate poor connectivity and older versions still installed",
                ],
                _MOBILE,
            ),
            _row(
                [
                    "Public API",
                    "Versioned HTTP interface",
                    "Contracts with partners and integrators: authentication, rate limits and deprecation",
                ],
                _API,
            ),
            _row(
                [
                    "Desktop application",
                    "Installed client",
                    "Offline work and local files; updates must be pushed",
                ],
                _is("platforms", "contains", "desktop"),
            ),
            _row(
                [
                    "Devices",
                    "Embedded or IoT software",
                    "Device identity, offline buffering and safe remote updates",
                ],
                _is("platforms", "contains", "iot"),
            ),
            _row(
                [
                    "Application",
                    "One deployable{% if languages %} ({{ languages }}){% endif %}",
                    "All business logic, background work and the API in one process; module boundaries "
                    "{% if architecture.value == 'modular' %}defined in code{% else %}by convention only{% endif %}",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "Services",
                    "{{ microservice_count|number }} microservices{% if languages %} ({{ languages }}){% endif %}",
                    "Business capabilities, each owned by one team with its own data and pipeline",
                ],
                _all(_MICROSERVICES, _answered("microservice_count")),
            ),
            _row(
                ["Functions", "Serverless functions", "Event-driven work, scaled and billed per call"],
                _any(_is("architecture", "eq", "serverless"), _is("cloud_services", "contains", "functions")),
            ),
            _row(
                [
                    "Container platform",
                    "Managed containers or Kubernetes",
                    "Scheduling, scaling and rolling deployment of every service",
                ],
                _is("cloud_services", "contains", "containers"),
            ),
            _row(
                [
                    "Servers",
                    "Virtual machines",
                    "Run the application; patching, scaling and replacement are the team's job",
                ],
                _is("cloud_services", "contains", "compute"),
            ),
            _row(
                [
                    "Operational database",
                    "Managed database service",
                    "System of record; the provider runs patching, replication and snapshots",
                ],
                _is("cloud_services", "contains", "database"),
            ),
            _row(
                [
                    "Operational database",
                    "Run by the team",
                    "System of record; patching, replication and backups are the team's job",
                ],
                _is("cloud_services", "not_contains", "database"),
            ),
            _row(
                ["Object storage", "Provider object store", "Files, exports, backups and static assets"],
                _is("cloud_services", "contains", "storage"),
            ),
            _row(
                [
                    "CDN and edge",
                    "Content delivery network",
                    "Static assets and cached responses near users; the first line against spikes and attacks",
                ],
                _is("cloud_services", "contains", "cdn"),
            ),
            _row(
                [
                    "Integration adapters",
                    "{{ integrations|trim('.') }}",
                    "Translate between external systems and the product; retries, reconciliation and error queues",
                ],
                _INTEGRATIONS,
            ),
            _row(
                [
                    "Delivery pipeline",
                    "Continuous integration: {{ engineering_maturity.ci|lower }}",
                    "Builds, tests and deploys every change; the only route to production",
                ],
                _answered("engineering_maturity.ci"),
            ),
            _row(
                [
                    "Observability",
                    "Monitoring and alerting: {{ engineering_maturity.monitoring|lower }}",
                    "Detects failures before clients do; measures latency, errors and saturation",
                ],
                _answered("engineering_maturity.monitoring"),
            ),
        ],
    ),
    _heading("Data architecture"),
    _text(
        "{% if " + _has("cloud_services", "database") + " %}The system of record is a managed database"
        "{% else %}The system of record is a database the team runs itself{% endif %}"
        "{% if architecture.value == 'microservices' %}, split by service: each service should own its data "
        "and expose it only through its interface. Tables shared between services are the most common way "
        "a service estate turns back into a distributed monolith, and the first thing an architecture "
        "review should look for."
        "{% else %}, shared by the whole application. One database is the right choice at this size: it "
        "keeps transactions simple and reporting cheap. Its limits are operational rather than structural: "
        "how it is backed up, who can reach it, and reporting queries competing with client traffic.{% endif %}"
        "{% if " + _has("cloud_services", "storage") + " %} Files, exports and backups belong in object "
        "storage, with versioning on and public access blocked at the account level.{% endif %}"
    ),
    _text(
        "The product holds " + _KINDS + "{% if regulations and 'none' not in regulations.values %}, "
        "which brings it under {{ regulations }}{% endif %}. The data architecture must therefore answer "
        "three questions for every store: what personal data it holds, who and what can read it, and when "
        "the data is deleted.",
        _SENSITIVE,
    ),
    _table(
        "Data classes, where they live and how long they are kept",
        ["Data", "Where it lives", "Retention", "Protection"],
        [
            _row(
                [
                    "Personal data (names, addresses, e-mail)",
                    "Operational database{% if architecture.value == 'microservices' %}s of the services "
                    "that need it{% endif %}",
                    "While the client relationship lasts, then deleted or anonymised within 90 days",
                    "Encrypted at rest; access logged; excluded from test and analytics copies unless masked",
                ],
                _is("sensitive_data_kinds", "contains", "pii"),
            ),
            _row(
                [
                    "Bank or financial account data",
                    "A dedicated store behind one service",
                    "As long as the law requires for financial records, then deleted",
                    "Field-level encryption with keys held in a separate key-management account",
                ],
                _is("sensitive_data_kinds", "contains", "accounts"),
            ),
            _row(
                [
                    "Payment card data",
                    "The payment provider's vault, never the product's own database",
                    "Tokens only, kept while the card is in use",
                    "Tokenisation keeps the product outside most of the PCI DSS scope",
                ],
                _is("sensitive_data_kinds", "contains", "cards"),
            ),
            _row(
                [
                    "Health records",
                    "A segregated store with its own access policy",
                    "As the applicable health-records rules require",
                    "Encryption with separately held keys; access by named role only, every read logged",
                ],
                _is("sensitive_data_kinds", "contains", "phi"),
            ),
            _row(
                [
                    "Data about children",
                    "Operational database, flagged by record",
                    "The shortest period the service allows",
                    "Minimised at collection; parental consent recorded; never used for profiling",
                ],
                _is("sensitive_data_kinds", "contains", "children"),
            ),
            [
                "Operational and business data",
                "Operational database{% if architecture.value == 'microservices' %}s, one per service{% endif %}",
                "As the business needs; reviewed yearly",
                "Encrypted at rest; backed up under the disaster recovery plan",
            ],
            [
                "Logs and telemetry",
                "{% if engineering_maturity.monitoring.value in ['none', 'adhoc'] %}Server disks today; a "
                "central log service as the target{% else %}The central logging and monitoring service{% endif %}",
                "30 days searchable; security and audit logs 12 months",
                "No personal data or secrets written to logs; access restricted to engineers on call",
            ],
            [
                "Backups",
                "{% if 'same server' in backup_strategy|lower %}The production server today; a separate "
                "account in another region as the target{% else %}Separate storage, as the disaster recovery "
                "plan sets out{% endif %}",
                "Daily copies for 30 days, monthly for 12 months",
                "Encrypted, with the keys held outside the production account",
            ],
        ],
    ),
    _text(
        "A data platform is planned. Analytical data should leave the operational "
        "{% if architecture.value == 'microservices' %}services as published events or change-data "
        "capture{% else %}database through a replica or change-data capture{% endif %}, never through "
        "analysts' queries against production; the platform then holds its own copy, classified and "
        "retained under the same rules as the source.",
        _is("planned_initiatives", "contains", "data_platform"),
    ),
    _text(
        "The planned AI use cases (“{{ ai_use_cases }}”) need the same discipline: the data each model is "
        "trained on is recorded, personal data is minimised or pseudonymised before training, and the "
        "models are served behind a versioned internal interface so that a model can be replaced or "
        "rolled back like any other release.",
        _answered("ai_use_cases"),
    ),
    _heading("Security architecture"),
    _text(
        "{{ company }} holds {{ security_certifications }}. Architecture changes therefore fall under the "
        "change management its auditors sample: a new data store, integration or cloud account needs its "
        "threat model, data classification and access design recorded before it goes live, so that the "
        "next audit finds the evidence rather than a gap."
        "{% if last_penetration_test %} The last penetration test was on {{ last_penetration_test }}; the "
        "next should follow any change to the public API or to authentication, and no later than twelve "
        "months after it.{% endif %}",
        _CERTIFIED,
    ),
    _text(
        "No security certification is held yet, while the product handles " + _KINDS + ". A first "
        "certification (Cyber Essentials, then SOC 2 or ISO 27001 as larger clients ask for it) is mostly "
        "a record of controls the architecture needs anyway: the controls in the table below.",
        _all(_UNCERTIFIED, _SENSITIVE),
    ),
    _text(
        "The answers name shared credentials among the sources of technical debt. A shared "
        "password means every person and process that has it can read and change every record, and "
        "rotating it causes an outage. Replace it with one credential per component, issued by "
        "{% if hosting.value in ['aws', 'azure', 'gcp', 'multi'] %}the cloud provider's secrets manager"
        "{% else %}a secrets manager{% endif %}, scoped to what that component needs and rotated "
        "automatically.",
        _SHARED_SECRETS,
    ),
    _text(
        "Bank or financial account data should be encrypted at field level, with the keys in a separate "
        "key-management account, so that a database snapshot, a replica or a log line never contains a "
        "usable account number.",
        _is("sensitive_data_kinds", "contains", "accounts"),
    ),
    _text(
        "SOX brings the systems that feed financial reporting (billing, invoicing and the interfaces to "
        "the finance system) into audit scope. Keeping them in their own accounts or namespaces, with "
        "separate deployment approval, keeps that scope and the cost of its evidence small.",
        _is("regulations", "contains", "sox"),
    ),
    _table(
        "Security controls",
        ["Control", "Standard", "Status"],
        [
            [
                "People's access",
                "Single sign-on with multi-factor authentication for every console, repository and "
                "production tool; access reviewed quarterly",
                "{% if " + _AUDITED + " %}Within the audited controls{% else %}To establish{% endif %}",
            ],
            [
                "Service identity",
                "Each component has its own identity and least-privilege permissions; no shared accounts",
                "{% if technical_debt_sources and ('password' in technical_debt_sources|lower or 'credential' in "
                "technical_debt_sources|lower) %}Gap: shared credentials named as debt{% elif "
                + _AUDITED
                + " %}Within the audited controls; confirm for new services{% else %}To confirm{% endif %}",
            ],
            [
                "Secrets",
                "Held in a managed secrets store, rotated automatically, never in code, images or logs",
                "{% if technical_debt_sources and 'password' in technical_debt_sources|lower %}Gap: to fix "
                "first{% elif "
                + _AUDITED
                + " %}Within the audited controls; confirm for new services{% else %}To confirm{% endif %}",
            ],
            [
                "Encryption in transit",
                "TLS 1.2 or later on every connection{% if architecture.value == 'microservices' %}, "
                "including mutual TLS between services{% endif %}",
                "{% if " + _AUDITED + " %}In place and audited{% else %}To confirm{% endif %}",
            ],
            [
                "Encryption at rest",
                "Provider-managed keys as the baseline{% if "
                + _has("sensitive_data_kinds", "accounts")
                + " %}; customer-managed keys for financial data{% endif %}",
                "{% if " + _has("cloud_services", "database") + " %}Available in the managed database; "
                "confirm it is on{% else %}To confirm{% endif %}",
            ],
            [
                "Network",
                "Data stores in private networks; only the edge and the API are reachable from the "
                "internet, behind a web application firewall",
                "{% if " + _has("cloud_services", "cdn") + " %}Edge in place; firewall rules to review"
                "{% else %}To confirm{% endif %}",
            ],
            [
                "Audit trail",
                "Access to personal data and every production change logged, kept 12 months outside "
                "the production account",
                "{% if " + _AUDITED + " %}Within the audited controls{% else %}To establish{% endif %}",
            ],
            [
                "Testing",
                "Independent penetration test yearly and after major changes",
                "{% if last_penetration_test %}Last test {{ last_penetration_test }}{% else %}None "
                "recorded{% endif %}",
            ],
        ],
    ),
    _heading("Deployment and operations"),
    _table(
        "Engineering practices and what they mean for the architecture",
        ["Practice", "Level", "Consequence"],
        [
            _practice(
                "ci",
                "Continuous integration",
                "Releases depend on manual steps; the code base cannot be changed quickly or safely",
                "Every change is built and tested; the pipeline can enforce architecture rules",
            ),
            _practice(
                "testing",
                "Automated testing",
                "Restructuring is unsafe until tests cover the journeys clients pay for",
                "Tests make structural change (splitting, merging or replacing parts) affordable",
            ),
            _practice(
                "review",
                "Code review",
                "Design decisions are made alone and go unrecorded",
                "Review is the natural point to check a change against the decisions below",
            ),
            _practice(
                "monitoring",
                "Monitoring and alerting",
                "Failures are found by clients; capacity limits are discovered in production",
                "Service-level objectives and error budgets can steer reliability work",
            ),
            _practice(
                "incidents",
                "Incident response",
                "Outages are handled ad hoc and their lessons are lost",
                "Incident reviews feed changes back into the architecture",
            ),
        ],
    ),
    _text(
        "Continuous integration is {{ engineering_maturity.ci|lower }}, so changes reach production by "
        "hand. The target is one pipeline per repository that builds and tests every change, produces one "
        "artefact, deploys it to a staging environment and then promotes the same artefact to production, "
        "with a one-step rollback. Until then every deployment depends on the person performing it, and "
        "nobody can say with confidence what is running in production.",
        _is("engineering_maturity.ci", "in", _WEAK),
    ),
    _text(
        "Continuous integration is {{ engineering_maturity.ci|lower }}: every change is built and tested "
        "before it merges. "
        "{% if microservice_count %}Across {{ microservice_count|number }} services the pipeline's job widens "
        "from testing code to protecting the estate: contract tests against the services and clients that "
        "depend on a change, progressive delivery (canary or blue-green) with automatic rollback when the "
        "error rate rises, and policy checks (vulnerable dependencies, infrastructure drift, leaked secrets) "
        "that block a release rather than report on it afterwards."
        "{% else %}The next step is progressive delivery, with automatic rollback when the error rate rises, "
        "and checks for vulnerable dependencies that block a release.{% endif %}",
        _is("engineering_maturity.ci", "in", _STRONG),
    ),
    _text(
        "Monitoring and alerting is {{ engineering_maturity.monitoring|lower }}, so the first sign of an "
        "outage is a client's message{% if anything_else %}; the answers record the cost: “{{ anything_else "
        "}}”{% endif %}. The minimum is an uptime check on each client journey, alerts on error rate and "
        "latency, and structured logs kept centrally for thirty days, with alerts routed to a named person "
        "on call.",
        _is("engineering_maturity.monitoring", "in", _WEAK),
    ),
    _text(
        "Monitoring and alerting is {{ engineering_maturity.monitoring|lower }}. "
        "{% if architecture.value == 'microservices' %}With many services, an alert on one service says "
        "little about clients; the next step is a service-level objective for each client-facing journey, "
        "measured end to end through distributed tracing, so that an alert means a client is affected and "
        "the error budget decides when reliability work takes precedence over features."
        "{% else %}The next step is a service-level objective for each client-facing journey, with an "
        "error budget that decides when reliability work takes precedence over features.{% endif %}",
        _is("engineering_maturity.monitoring", "in", _STRONG),
    ),
    _text(
        "Running across more than one cloud doubles the operational surface: two identity systems, two "
        "networks, two sets of managed services and two bills. It pays only where it buys something "
        "specific, such as resilience against the loss of a provider or a service one cloud does better. "
        "The architecture should state, workload by workload, which cloud is primary, which is standby "
        "and which is single-cloud by design, and keep the platform layer (containers, pipeline, "
        "observability, secrets) common to both so that engineers need not know where a service runs.",
        _is("hosting", "eq", "multi"),
    ),
    _text(
        "Running on {{ hosting }} keeps operations simple; the exposure is the loss of the account or "
        "region, which the disaster recovery plan covers. The environment should be defined as code "
        "(networks, databases, permissions and the application's deployment), so that it can be rebuilt "
        "in another region or account from the repository rather than from memory.",
        _is("hosting", "in", ["aws", "azure", "gcp"]),
    ),
    _text(
        "Running on the company's own hardware puts capacity, patching and hardware failure on the team. "
        "The architecture should keep the application independent of the machines it runs on (containers "
        "or images built by the pipeline), so that the same build can move to standby hardware or to a "
        "cloud recovery environment without changes.",
        _is("hosting", "in", ["onprem", "hybrid"]),
    ),
    _heading("Scalability and performance"),
    _text(
        "A single deployable scales in three steps, in this order. First, run several identical copies "
        "behind a load balancer, which requires the application to keep no session state on the server. "
        "Second, move long-running work (imports, model runs, reports, e-mails) to a job queue with its "
        "own workers, so that a heavy task never slows a client's page. Third, take read-heavy queries "
        "off the primary database with a read replica or a cache. Each step is cheap and none needs "
        "microservices; the remaining limit, a single database for writes, is rarely reached before a "
        "product has thousands of active clients.",
        _MONOLITH,
    ),
    _text(
        "With {{ microservice_count|number }} services the limit is coordination rather than compute: a "
        "request that fans out across many services accumulates their latency and fails if any one of "
        "them does. Three rules keep this in check. Every call has a timeout and a retry budget, with a "
        "circuit breaker in front of each dependency. A request's critical path crosses as few "
        "synchronous calls as possible; everything else happens asynchronously through events. And each "
        "service publishes its latency and error rate against an objective, so that a slow dependency is "
        "visible before it becomes an outage."
        "{% if " + _has("cloud_services", "containers") + " %} On the container platform, scale services on "
        "request rate or queue depth rather than CPU, and set resource limits on every service so that one "
        "cannot starve its neighbours.{% endif %}",
        _all(_MICROSERVICES, _answered("microservice_count")),
    ),
    _text(
        "Serverless functions scale by themselves; what needs design is their limits: concurrency caps "
        "that protect the database behind them, cold starts on latency-sensitive journeys, and a cost per "
        "call that must be watched as volume grows.",
        _is("architecture", "eq", "serverless"),
    ),
    _text(
        "The CDN should carry every static asset and any response that can be cached, even for seconds; "
        "at peak it is the cheapest capacity the product has, and it absorbs traffic spikes and "
        "volumetric attacks before they reach the application.",
        _is("cloud_services", "contains", "cdn"),
    ),
    _text(
        "The mobile apps add a constraint of their own: old versions stay installed for months, so the "
        "API they call must remain backward-compatible for the support window of the oldest version "
        "allowed, and the apps should cache data and queue work for when the connection drops.",
        _MOBILE,
    ),
    _heading("Integrations"),
    _text(
        "The product depends on external systems: {{ integrations }} Each is a dependency the product does "
        "not control: its availability, its release schedule and its data quality become the product's. "
        "Each should sit behind an adapter that translates its model into the product's own, so that a "
        "change or replacement on the other side touches one component, not the whole system.",
        _INTEGRATIONS,
    ),
    _text(
        "No third-party system integration was named. When the first one arrives (a client's system, a "
        "payment provider or a data feed), build it behind an adapter with its own error queue from the "
        "start; the standards below apply from the first integration.",
        _is("integrations", "is_empty"),
    ),
    _text(
        "The public API is a product in its own right: partners build on it, so a breaking change costs "
        "them money. Version it, publish a deprecation policy (at least twelve months' notice of a breaking "
        "change), and give each partner its own credentials and rate limit"
        "{% if growth_levers and growth_levers.partnerships and growth_levers.partnerships.value in "
        "['high', 'critical'] %}. With partnerships rated {{ growth_levers.partnerships|lower }} for growth, "
        "the API's quality is a commercial matter, not only a technical one{% endif %}.",
        _API,
    ),
    _table(
        "Integration standards",
        ["Concern", "Standard"],
        [
            ["Contract", "A written, versioned interface for each integration, with an owner on each side"],
            ["Isolation", "One adapter per external system; no external data model leaks into the core"],
            ["Failure", "Timeouts, retries with back-off and a dead-letter queue an operator can replay"],
            ["Reconciliation", "A daily count or checksum between the two systems, with an alert on drift"],
            ["Credentials", "One credential per integration, held in the secrets store and rotated"],
            ["Monitoring", "Success rate and latency per integration on the operations dashboard"],
            [
                "Change",
                "Supplier release notes reviewed; a test environment used where the supplier offers one",
            ],
        ],
    ),
    _heading("Target architecture"),
    _text(
        "The target for the next twelve to eighteen months is a well-run modular monolith: the same single "
        "deployable, with its code divided into modules that own their data and talk to each other only "
        "through explicit interfaces, delivered by a pipeline, observed in production and recoverable from "
        "backups held elsewhere. It is a smaller step than it sounds, and each part pays off on its own.",
        _MONOLITH,
    ),
    _text(
        "The target is the same estate run as a platform: every service catalogued with an owner, a tier "
        "and a service-level objective; built and deployed through one paved road; talking to other "
        "services through versioned contracts and events; and recoverable, tier by tier, within the "
        "objectives of the disaster recovery plan.",
        _MICROSERVICES,
    ),
    _table(
        "Steps to the target",
        ["Step", "What changes", "Done when"],
        [
            _row(
                [
                    "1. Safety net",
                    "A pipeline on every repository; tests around the journeys clients pay for",
                    "Every production change goes through the pipeline",
                ],
                _all(_MONOLITH, _is("engineering_maturity.ci", "in", _WEAK)),
            ),
            _row(
                [
                    "1. Safety net",
                    "Architecture rules (allowed dependencies between modules) checked in the pipeline",
                    "The build fails on a forbidden dependency",
                ],
                _all(_MONOLITH, _is("engineering_maturity.ci", "in", _STRONG)),
            ),
            _row(
                [
                    "2. Secrets and access",
                    "One credential per component in a secrets manager; multi-factor sign-in everywhere",
                    "No shared credential remains",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "3. Recoverability",
                    "Point-in-time recovery on the database; backups copied to another account and region",
                    "A full restore has been timed within the RTO of {{ rto_hours|number }} hours",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "4. Observability",
                    "Uptime checks, error and latency alerts, central logs and an on-call rota",
                    "The team hears of an outage before a client does",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "5. Module boundaries",
                    "Three to six modules identified by business capability; code and tables moved behind "
                    "their interfaces",
                    "Each module can be changed and tested on its own",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "6. Scale out",
                    "Stateless application servers, a job queue for long-running work, a read replica when "
                    "needed",
                    "A second instance serves traffic and a heavy job no longer slows the product",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "1. Service catalogue",
                    "Every service recorded with its owner, tier, objective and dependencies",
                    "All {{ microservice_count|number }} services catalogued; ownerless ones reassigned or "
                    "retired",
                ],
                _all(_MICROSERVICES, _answered("microservice_count")),
            ),
            _row(
                [
                    "2. Paved road",
                    "Service templates and one standard pipeline with security and policy checks built in",
                    "New services start from the template; existing ones migrate as they change",
                ],
                _MICROSERVICES,
            ),
            _row(
                [
                    "3. Contracts",
                    "Versioned APIs and consumer-driven contract tests between services",
                    "A breaking change fails a build, not production",
                ],
                _MICROSERVICES,
            ),
            _row(
                [
                    "4. Events",
                    "Domain events on a managed streaming backbone; the data platform consumes them",
                    "No analytical job reads a service's database directly",
                ],
                _all(_MICROSERVICES, _is("planned_initiatives", "contains", "data_platform")),
            ),
            _row(
                [
                    "5. Resilience",
                    "Timeouts, circuit breakers and tiered failover"
                    "{% if hosting.value == 'multi' %} across the two clouds{% endif %}",
                    "Tier 1 journeys survive the loss of a region in a game day",
                ],
                _MICROSERVICES,
            ),
            _row(
                [
                    "6. Cost",
                    "Cost attributed to each service and team",
                    "Every owner sees the monthly cost of their services",
                ],
                _MICROSERVICES,
            ),
            _row(
                [
                    "7. ERP or CRM replacement",
                    "An anti-corruption layer in front of the current system; processes moved one at a time",
                    "The old system is switched off with no service calling it directly",
                ],
                _is("planned_initiatives", "contains", "erp"),
            ),
        ],
    ),
    _heading("Architecture decisions"),
    _text(
        "The product's next stage depends on the decisions below. Each belongs in a short decision record "
        "in the code repository, so that a new engineer, an auditor or an acquirer can see what was decided "
        "and why."
    ),
    _table(
        "",
        ["Decision", "Status", "Rationale"],
        [
            _row(
                [
                    "Keep one deployable; no microservices for now",
                    "Confirmed",
                    "A team of {{ engineer_count|number }} cannot operate a distributed system and build the "
                    "product at the same time; modules give the same boundaries at a fraction of the cost",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "Enforce module boundaries in the build",
                    "{% if architecture.value == 'modular' %}Confirmed{% else %}Proposed{% endif %}",
                    "Stops coupling growing with each feature and keeps a later split possible",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "Every service owns its data; no shared tables",
                    "Confirmed; to audit",
                    "Shared tables couple deployments and hide dependencies; exceptions should be found and "
                    "removed",
                ],
                _MICROSERVICES,
            ),
            _row(
                [
                    "Events between domains; synchronous calls only on the critical path",
                    "Proposed",
                    "Limits cascading failure and latency, and gives the data platform a clean feed",
                ],
                _MICROSERVICES,
            ),
            _row(
                [
                    "Production changes only through the pipeline",
                    "{% if engineering_maturity.ci.value in ['none', 'adhoc'] %}Proposed{% else %}In place"
                    "{% endif %}",
                    "What runs in production is always a known, tested build that can be rolled back",
                ],
                _answered("engineering_maturity.ci"),
            ),
            _row(
                [
                    "One identity per component; secrets in a managed store",
                    "Proposed",
                    "Removes the shared credential named as debt; a leak is contained to one component",
                ],
                _SHARED_SECRETS,
            ),
            _row(
                [
                    "Managed database with point-in-time recovery",
                    "Proposed",
                    "Cuts the recovery point from a day to minutes without new code",
                ],
                _PERIODIC_BACKUPS,
            ),
            _row(
                [
                    "Point-in-time backups alongside replication",
                    "Proposed",
                    "Replication copies a deletion or corruption within seconds; only a backup taken before "
                    "it can undo it",
                ],
                _REPLICATION,
            ),
            _row(
                [
                    "Active-passive across two clouds for tier 1; one cloud for the rest",
                    "Proposed",
                    "Resilience against the loss of a provider where it matters, without doubling the cost "
                    "of everything",
                ],
                _is("hosting", "eq", "multi"),
            ),
            _row(
                [
                    "Native mobile apps (Swift and Kotlin)",
                    "Confirmed",
                    "Best fit for device features and offline work; two code bases are justified at this scale",
                ],
                _is("mobile_framework", "eq", "native"),
            ),
            _row(
                [
                    "Cross-platform mobile framework ({{ mobile_framework }})",
                    "Confirmed",
                    "One code base for two platforms; native modules only where device access demands",
                ],
                _is("mobile_framework", "in", ["react_native", "flutter"]),
            ),
            _row(
                [
                    "Versioned public API with a published deprecation policy",
                    "Proposed",
                    "Partners can plan; the product can evolve without breaking them",
                ],
                _API,
            ),
            _row(
                [
                    "Field-level encryption of financial account data",
                    "Proposed",
                    "A leaked snapshot, replica or log line contains no usable account number",
                ],
                _is("sensitive_data_kinds", "contains", "accounts"),
            ),
            _row(
                [
                    "Analytical data through events or change-data capture, not service databases",
                    "Proposed",
                    "Analytics cannot slow or break the product, and data lineage stays traceable",
                ],
                _is("planned_initiatives", "contains", "data_platform"),
            ),
            _row(
                [
                    "Models served behind a versioned internal interface",
                    "Proposed",
                    "A model can be evaluated, replaced or rolled back like any other release",
                ],
                _is("planned_initiatives", "contains", "ai"),
            ),
            _row(
                [
                    "ERP or CRM replaced behind an anti-corruption layer",
                    "Proposed",
                    "The product depends on a stable interface, not on the system being replaced",
                ],
                _is("planned_initiatives", "contains", "erp"),
            ),
        ],
    ),
    _heading("Quality attributes"),
    _MATURITY_CHART,
    _text(
        "Technical debt is rated {{ technical_debt|out_of(10) }} and confidence in recovering from the loss "
        "of the main hosting region is {{ recovery_confidence|out_of(5) }}. The scenarios below make the "
        "quality attributes testable: each names a stimulus and the response the architecture must deliver. "
        "They are the acceptance criteria for the target architecture and the basis of the game days in the "
        "disaster recovery plan."
    ),
    _table(
        "Quality-attribute scenarios",
        ["Attribute", "Scenario", "Response measure"],
        [
            _row(
                [
                    "Availability",
                    "The primary database or its zone fails during business hours",
                    "Service back within {{ rto_hours|number }} hours"
                    "{% if backup_strategy and 'replication' in backup_strategy|lower %}, losing minutes of data "
                    "at most{% else %}, losing no more than the data since the last backup{% endif %}",
                ],
                _answered("rto_hours"),
            ),
            [
                "Recoverability",
                "A faulty release corrupts records and is noticed two hours later",
                "Data restored to the minute before the release; affected clients identified within one "
                "working day",
            ],
            [
                "Performance",
                "Traffic doubles within an hour",
                "95th-percentile response time on the main journeys stays under 500 ms; capacity is added "
                "automatically or within the hour",
            ],
            _row(
                [
                    "Modifiability",
                    "A rule in one business area must change",
                    "Changed, tested and released within a day, touching one module and its tests",
                ],
                _MONOLITH,
            ),
            _row(
                [
                    "Modifiability",
                    "A rule owned by one team must change",
                    "Released by that team alone, without a coordinated release with any other team",
                ],
                _MICROSERVICES,
            ),
            [
                "Deployability",
                "A defect is found in production",
                "Rolled back or fixed in production within 30 minutes"
                "{% if engineering_maturity.ci and engineering_maturity.ci.value in ['none', 'adhoc'] %} "
                "(not possible while deployment is manual){% endif %}",
            ],
            [
                "Security",
                "A credential leaks, for example in a public repository",
                "Revoked and replaced within one hour without downtime; every use of it traceable",
            ],
            [
                "Observability",
                "A client journey starts failing for 5% of requests",
                "The engineer on call is alerted within five minutes, before clients report it",
            ],
            _row(
                [
                    "Integration",
                    "An external system is unavailable for four hours",
                    "The product keeps working in a degraded mode; messages are queued and replayed without "
                    "loss or duplication",
                ],
                _INTEGRATIONS,
            ),
            _row(
                [
                    "Resilience",
                    "One service slows to ten times its normal latency",
                    "Its callers time out and degrade gracefully; the failure does not spread beyond its domain",
                ],
                _MICROSERVICES,
            ),
            _row(
                [
                    "Compatibility",
                    "A new API version ships while older app versions are in use",
                    "Older versions keep working for the support window; users are prompted to update, never "
                    "broken",
                ],
                _MOBILE,
            ),
        ],
    ),
    _heading("Recommendations"),
    {"kind": "recommendations"},
    _heading("Risks"),
    {"kind": "risks"},
    _heading("Next steps"),
    _text(
        "The first actions:{% for item in recommendations if item.timeframe in ('NOW', 'NEXT_QUARTER') %}"
        "{% if loop.index <= 3 %} {{ loop.index }}. {{ item.title }} (owner: {{ item.owner }}, "
        "{{ item.phase|lower }}).{% endif %}{% else %} confirm the decisions above with their owners and "
        "record them.{% endfor %}\n\n"
        "Keep this description and its decision records next to the code, and review them every quarter "
        "and whenever a decision in the table above changes status, a new data store or integration is "
        "added, or an incident review shows the architecture behaved differently from the scenarios above."
    ),
]


def _share_of_rto(fraction: float) -> str:
    """A template for a step's target: a share of the RTO, in minutes under an hour and a half."""
    return (
        f"{{% set minutes = (rto_hours * {fraction} * 60)|round|int %}}"
        "{% if minutes < 90 %}{{ minutes }} minutes{% else %}{{ (minutes / 60)|round(1)|number }} hours"
        "{% endif %}"
    )


def _times_rto(factor: float, floor_hours: float = 0) -> str:
    """A template for a tier's objective: a multiple of the RTO (at least ``floor_hours``), in words."""
    return (
        f"{{% set hours = [rto_hours * {factor}, {floor_hours}]|max %}}"
        "{% if hours < 1.5 %}{{ (hours * 60)|round|int }} minutes"
        "{% elif hours <= 48 %}{{ hours|round(1)|number }} hours"
        "{% else %}{{ (hours / 24)|round(1)|number }} days{% endif %}"
    )


# The runbook's first steps depend on where production runs.
_RESTORE_STEP = {
    "aws": "Restore the database from the latest snapshot into a new instance; redeploy the application "
    "from the pipeline into a clean account or region.",
    "azure": "Restore the database from geo-redundant backup; redeploy the application into the paired "
    "region.",
    "gcp": "Restore the database from the latest backup into a new instance; redeploy the application "
    "into another region.",
    "multi": "Fail traffic over to the secondary cloud; promote its replica database to primary.",
    "onprem": "Bring up the standby hardware or the cloud recovery environment; restore the database "
    "from the off-site copy.",
    "hybrid": "Fail over the cloud-hosted services; restore on-premises data from the off-site copy.",
}

DISASTER_RECOVERY_PLAN: list[dict[str, Any]] = [
    _heading("Executive summary"),
    _text(
        "{{ company }} aims to recover from a major outage within {{ rto_hours|number }} hours. Confidence "
        "in meeting that today is {{ recovery_confidence|out_of(5) }} (recovery readiness "
        "{{ recovery_percent|percent }}). "
        "{% if recovery_confidence <= 2 %}This plan treats recovery as unproven until a timed restore "
        "shows otherwise.{% elif recovery_confidence <= 3 %}Recovery has been partly exercised; this plan "
        "closes the remaining gaps.{% else %}Recovery is rehearsed; this plan keeps it that way and extends "
        "it to larger failures.{% endif %}"
    ),
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    _heading("Scope and critical services"),
    _text(
        "This plan covers the production service{% if product_description %} (“{{ product_description }}”)"
        "{% endif %}, its client platforms{% if platforms %} ({{ platforms }}){% endif %}, the data it holds "
        "and the systems it needs in order to run. It deals with failures that stop the service or lose "
        "data: the loss of a server, a region or a provider; deletion or corruption of data, by mistake or "
        "by an attacker; and the failure of a supplier. Premises and staff belong to the business continuity "
        "plan."
    ),
    _text(
        "The plan is written for an estate of {{ microservice_count|number }} services " + _HOSTED + ". At "
        "that size a disaster is rarely total: a region, a provider or a shared component fails, and the "
        "question is which services must come back first. The tiers below answer it; each service in the "
        "service catalogue should carry its tier.",
        _all(_MICROSERVICES, _answered("microservice_count")),
    ),
    _text(
        "The product runs as {{ architecture|lower }} " + _HOSTED + ", so recovery is of one application and "
        "its database. That is simple to describe{% if engineer_count and engineer_count <= 10 %}, but with a "
        "team of " + _TEAM + " every step depends on the few people who know it, so the runbook must be "
        "written for someone who has never performed it{% endif %}.",
        _MONOLITH,
    ),
    _table(
        "Critical services",
        ["Service", "What it does", "Tier"],
        [
            [
                "Recovery prerequisites",
                "Source control, the delivery pipeline, the secrets store, DNS and the engineers' sign-in: "
                "needed to recover everything else",
                "0",
            ],
            _row(
                ["Web application", "The journeys clients use every day", "1"],
                _is("platforms", "contains", "web"),
            ),
            _row(
                ["Mobile apps' back end", "Everything the iOS and Android apps call", "1"],
                _MOBILE,
            ),
            _row(
                ["Public API", "Partners' and integrators' connections to the product", "1"],
                _API,
            ),
            [
                "System-of-record database"
                "{% if architecture.value == 'microservices' %}s of tier 1 services{% endif %}",
                "{% if sensitive_data_kinds %}Clients' records, including {{ sensitive_data_kinds|lower }}"
                "{% else %}Clients' records and transactions{% endif %}",
                "1",
            ],
            _row(
                ["Integrations", "{{ integrations|trim('.') }}", "2"],
                _INTEGRATIONS,
            ),
            [
                "Background and scheduled processing",
                "Imports, scheduled jobs, notifications and reports",
                "2",
            ],
            [
                "Internal tools and analytics",
                "Back-office screens, dashboards and reporting",
                "3",
            ],
        ],
    ),
    _heading("Recovery objectives"),
    {
        "kind": "table",
        "columns": ["Objective", "Target", "Basis"],
        "rows": [
            {
                "cells": [
                    "Recovery time objective (RTO)",
                    "{{ rto_hours|number }} hours",
                    "Stated by the client",
                ],
                "when": _answered("rto_hours"),
            },
            {
                "cells": ["Recovery point objective (RPO)", "Up to 24 hours", "Nightly backups"],
                "when": {"field": "backup_strategy", "operator": "contains", "value": "nightly"},
            },
            {
                "cells": ["Recovery point objective (RPO)", "Minutes", "Continuous replication"],
                "when": {"field": "backup_strategy", "operator": "contains", "value": "replication"},
            },
            {
                "cells": ["Recovery confidence", "{{ recovery_confidence|out_of(5) }}", "Self-assessed"],
                "when": _answered("recovery_confidence"),
            },
        ],
    },
    _text("Backups today: “{{ backup_strategy }}”", _answered("backup_strategy")),
    _text("Data centre arrangement: “{{ data_centre }}”", _answered("data_centre")),
    _text(
        "The stated RTO of {{ rto_hours|number }} hours applies to the client-facing service. The "
        "prerequisites must come back faster, because everything else waits for them; supporting services "
        "may take longer.",
        _answered("rto_hours"),
    ),
    _table(
        "Objectives by tier",
        ["Tier", "Services", "RTO", "RPO"],
        [
            [
                "0. Prerequisites",
                "Source control, pipeline, secrets, DNS, sign-in",
                _times_rto(0.25, 0.5),
                "None: provider-managed or mirrored",
            ],
            [
                "1. Client-facing",
                "The product's journeys and their databases",
                "{{ rto_hours|number }} hours",
                "{% if backup_strategy and 'replication' in backup_strategy|lower %}Minutes"
                "{% elif backup_strategy and ('nightly' in backup_strategy|lower or 'daily' in "
                "backup_strategy|lower) %}24 hours today; 15 minutes with point-in-time recovery"
                "{% else %}15 minutes{% endif %}",
            ],
            [
                "2. Supporting",
                "Integrations, background and scheduled processing",
                _times_rto(2),
                "{% if backup_strategy and 'replication' in backup_strategy|lower %}15 minutes{% else %}"
                "24 hours{% endif %}",
            ],
            [
                "3. Internal",
                "Internal tools, dashboards and reporting",
                _times_rto(4, 24),
                "24 hours",
            ],
        ],
        _answered("rto_hours"),
    ),
    _heading("Backup policy"),
    _text(
        "The backups today are a nightly dump kept on the server it protects, and no restore has been "
        "tried. The policy below keeps the nightly copy while the replacements are put in place, then "
        "retires it: continuous point-in-time recovery in the managed database, a daily copy in a separate "
        "account and region, and a weekly copy that cannot be altered or deleted.",
        _all(_is("backup_strategy", "contains", "same server"), _is("backup_strategy", "contains", "never")),
    ),
    _text(
        "Replication to a second region protects against the loss of a region, not against the loss of "
        "data: a deletion, a faulty migration or an attacker's encryption reaches the replica within "
        "seconds. The policy therefore keeps point-in-time backups and an immutable copy alongside the "
        "replica; the replica serves failover, the backups serve recovery of data.",
        _REPLICATION,
    ),
    _table(
        "",
        ["Copy", "Frequency", "Retention", "Location", "Encryption"],
        [
            _row(
                [
                    "Nightly database dump (in place; to retire)",
                    "Daily",
                    "Not stated",
                    "{% if 'same server' in backup_strategy|lower %}The production server itself{% else %}"
                    "As described by the team{% endif %}",
                    "Not stated",
                ],
                _PERIODIC_BACKUPS,
            ),
            _row(
                [
                    "Cross-region database replica (in place)",
                    "Continuous",
                    "Current state only; no history",
                    "Second region{% if hosting.value == 'multi' %} or second cloud{% endif %}",
                    "At rest, with the provider's keys",
                ],
                _REPLICATION,
            ),
            [
                "Point-in-time database backups{% if backup_strategy and 'point-in-time' in "
                "backup_strategy|lower %} (in place){% else %} (to add){% endif %}",
                "Continuous log shipping and a daily snapshot",
                "35 days",
                "{% if "
                + _has("cloud_services", "database")
                + " %}The managed database service, copied to a "
                "second region{% else %}Separate backup storage in a second location{% endif %}",
                "Encrypted; keys outside the production account",
            ],
            _row(
                [
                    "Off-site daily copy (to add)",
                    "Daily",
                    "30 daily and 12 monthly copies",
                    "A separate account in another region",
                    "Encrypted with a key the production account cannot use",
                ],
                _is("backup_strategy", "not_contains", "replication"),
            ),
            _row(
                [
                    "Immutable copy (to add)",
                    "Weekly",
                    "90 days, write-once",
                    "A separate account{% if hosting.value == 'multi' %} in the other cloud{% endif %}",
                    "Encrypted; keys held by two named people",
                ],
                _SENSITIVE,
            ),
            _row(
                [
                    "Files and object storage",
                    "Versioning on every bucket; replicated daily",
                    "30 days of versions",
                    "Second region",
                    "Encrypted at rest",
                ],
                _is("cloud_services", "contains", "storage"),
            ),
            [
                "Infrastructure and configuration",
                "On every change, as code in source control",
                "Full history",
                "Source control, mirrored outside the production provider",
                "Secrets excluded; held in the secrets store",
            ],
            [
                "Audit and security logs",
                "Continuous",
                "12 months{% if regulations and 'sox' in regulations.values %}; longer where the SOX audit "
                "requires it{% endif %}",
                "A separate logging account",
                "Encrypted; read access restricted",
            ],
        ],
    ),
    _text(
        "Every copy is checked by a restore, not by the backup job's success message: the test plan below "
        "sets how often. A backup that has never been restored counts as no backup."
    ),
    _heading("Contradictions to resolve"),
    _text(
        "The answers disagree: restores are described as tested (“{{ backup_strategy }}”), yet confidence "
        "in recovering is only {{ recovery_confidence|out_of(5) }}. Either the tests do not cover a real "
        "recovery (the whole service, in a clean environment, against the clock) or their results are "
        "not trusted. Until this is resolved the RTO cannot be relied on.",
        {
            "nested": [
                {"field": "recovery_confidence", "operator": "lte", "value": 2},
                {
                    "logicalOp": "OR",
                    "nested": [
                        {"field": "backup_strategy", "operator": "contains", "value": word}
                        for word in ("tested", "rehearsed", "quarterly", "monthly")
                    ],
                },
            ]
        },
    ),
    _text(
        "The answers disagree: confidence in recovering is {{ recovery_confidence|out_of(5) }}, but a "
        "restore has never been tried (“{{ backup_strategy }}”). Confidence should follow evidence.",
        {
            "nested": [
                {"field": "recovery_confidence", "operator": "gte", "value": 4},
                {"field": "backup_strategy", "operator": "contains", "value": "never"},
            ]
        },
    ),
    _text(
        "An RTO of {{ rto_hours|number }} hours is ambitious with confidence of "
        "{{ recovery_confidence|out_of(5) }}; nothing yet shows it can be met.",
        {
            "nested": [
                {"field": "rto_hours", "operator": "lte", "value": 4},
                {"field": "recovery_confidence", "operator": "lte", "value": 2},
            ]
        },
    ),
    _text(
        "The product relies on a managed database service, yet the backups described are dumps kept on a "
        "server. Either the service's own automated backups and point-in-time recovery are switched off, "
        "or nobody relies on them; whichever it is, they are the quickest improvement this plan can make.",
        _all(_is("cloud_services", "contains", "database"), _is("backup_strategy", "contains", "dump")),
    ),
    _text(
        "Backups kept on the server they protect do not survive the loss of that server: the plan's "
        "first step moves them.",
        {"field": "backup_strategy", "operator": "contains", "value": "same server"},
    ),
    _heading("Roles and responsibilities"),
    {
        "kind": "table",
        "columns": ["Role", "Who", "Responsibilities"],
        "rows": [
            {
                "cells": [
                    "Incident lead",
                    "{{ technology_leader }}",
                    "Declares the disaster, decides on failover, owns the timeline",
                ],
                "when": _answered("technology_leader"),
            },
            {
                "cells": [
                    "Incident lead",
                    "A founder, until a technology leader is appointed",
                    "Declares the disaster, decides on failover, owns the timeline",
                ],
                "when": {"field": "technology_leader", "operator": "is_empty"},
            },
            ["Recovery engineer", "The on-call engineer", "Runs the runbook, records each step and time"],
            [
                "Communications",
                "Customer success lead",
                "Informs clients at declaration and every {% if rto_hours and rto_hours <= 4 %}30 minutes"
                "{% else %}two hours{% endif %}",
            ],
            ["Business owner", "Chief executive", "Approves client communications and spending"],
        ],
    },
    _heading("Runbook"),
    {
        "kind": "table",
        "columns": ["Step", "Action", "Target time"],
        "rows": [
            [
                "1. Declare",
                "Confirm the outage, declare a disaster, open the incident channel",
                _share_of_rto(0.05),
            ],
            ["2. Contain", "Stop writes to damaged systems; preserve logs and evidence", _share_of_rto(0.1)],
            *[
                {
                    "cells": ["3. Restore", action, _share_of_rto(0.6)],
                    "when": {"field": "hosting", "operator": "eq", "value": hosting},
                }
                for hosting, action in _RESTORE_STEP.items()
            ],
            [
                "4. Verify",
                "Run the smoke tests of the main journeys; reconcile data against the last known state",
                _share_of_rto(0.15),
            ],
            [
                "5. Reopen",
                "Return traffic; tell clients what happened and what data, if any, was lost",
                _share_of_rto(0.1),
            ],
            ["6. Review", "Blameless review within five working days; update this plan", "5 days"],
        ],
    },
    _heading("Data-loss scenarios"),
    _text(
        "The runbook is the common path. The scenarios below are the ways {{ company }} is most likely to "
        "need it, with what differs in each."
    ),
    _table(
        "",
        ["Scenario", "What happens", "Response"],
        [
            _row(
                [
                    "Ransomware",
                    "An attacker with production credentials encrypts systems and deletes every backup they "
                    "can reach"
                    "{% if backup_strategy and 'replication' in backup_strategy|lower %}; replication carries "
                    "the damage to the second region{% elif backup_strategy and 'same server' in "
                    "backup_strategy|lower %}; the backups on the same server go with it{% endif %}",
                    "Isolate: revoke credentials and cut network paths. Rebuild from code in a clean account "
                    "and restore from the immutable copy. {% if " + _GDPR + " %}Notify the supervisory "
                    "authority within 72 hours where personal data is affected.{% else %}Notify clients and "
                    "authorities as contracts and law require.{% endif %}",
                ],
                _SENSITIVE,
            ),
            [
                "Region or provider outage",
                "{% if hosting.value == 'multi' %}One cloud, or a region of it, is unavailable for hours"
                "{% elif hosting.value in ['onprem', 'hybrid'] %}The data centre loses power, network or "
                "hardware{% else %}The region hosting production is unavailable for hours{% endif %}",
                "{% if hosting.value == 'multi' %}Fail over to the secondary cloud (runbook step 3); tier 2 "
                "and 3 services follow in tier order{% elif hosting.value in ['onprem', 'hybrid'] %}Bring "
                "up the standby environment and restore from the off-site copy{% else %}Redeploy in "
                "another region from code and restore from the cross-region copy{% endif %}",
            ],
            [
                "Accidental deletion or corruption",
                "A faulty release, migration or command deletes or corrupts records",
                "Stop the writes. Restore to a point before the change into a separate database, then "
                "reconcile and copy back only the affected records"
                "{% if backup_strategy and 'replication' in backup_strategy|lower %}; failing over to the "
                "replica does not help, as it holds the same damage{% endif %}",
            ],
            _row(
                [
                    "Supplier failure",
                    "One of the integrated systems ({{ integrations|trim('.') }}) is unavailable or returns "
                    "bad data",
                    "Queue outbound messages, switch to the agreed manual fallback, and replay once the "
                    "supplier recovers; escalate through the support contract",
                ],
                _INTEGRATIONS,
            ),
            [
                "Hosting account compromise or closure",
                "The production account is locked, suspended or taken over",
                "Recover the account through the provider's break-glass process; rebuild in a separate "
                "account from code and the off-site copies",
            ],
            _row(
                [
                    "Loss of a key person",
                    "The only person who knows how to deploy or restore is unavailable",
                    "The runbook is rehearsed by someone other than its author; credentials sit in a shared, "
                    "audited vault",
                ],
                _is("engineer_count", "lte", 10),
            ),
        ],
    ),
    _heading("Third-party dependencies"),
    _text(
        "Recovery depends on suppliers as much as on the team. For each, the plan needs to know what fails "
        "with it and what has been agreed in advance; an agreement made during an outage is made on the "
        "supplier's terms."
    ),
    _table(
        "",
        ["Dependency", "What depends on it", "What to agree in advance"],
        [
            _row(
                [
                    "{% if hosting.value == 'multi' %}Each cloud provider{% elif hosting.value == 'onprem' %}"
                    "The data centre or colocation provider{% else %}{{ hosting }}{% endif %}",
                    "{% if hosting.value == 'multi' %}The services each cloud hosts{% else %}The whole "
                    "production service{% endif %}",
                    "A support plan with a one-hour response to critical cases; the provider's status alerts "
                    "routed to the engineer on call",
                ],
                _answered("hosting"),
            ),
            _row(
                [
                    "{{ integrations|trim('.') }}",
                    "The integrations in tier 2",
                    "A named contact, the supplier's own recovery objectives, and a manual fallback for the "
                    "period it is down",
                ],
                _INTEGRATIONS,
            ),
            [
                "Domain registrar and DNS",
                "Every client's route to the service",
                "Registrar lock, two administrators with multi-factor sign-in, DNS at a provider with a "
                "service level",
            ],
            [
                "Source control and pipeline",
                "Every redeployment",
                "Repositories mirrored elsewhere; a documented way to deploy if the pipeline is down",
            ],
            [
                "Identity provider",
                "Engineers' access to every console",
                "Break-glass accounts with credentials stored offline and tested twice a year",
            ],
        ],
    ),
    _heading("Communication plan"),
    _text(
        "Clients judge an outage as much by what they are told as by how long it lasts"
        "{% if anything_else %}; the answers record the cost of getting this wrong: “{{ anything_else }}”"
        "{% endif %}. Messages are drafted in advance for each audience and adapted on the day."
    ),
    _table(
        "",
        ["Audience", "Channel", "When", "Owner"],
        [
            [
                "Incident team",
                "Incident channel and call",
                "At declaration, then continuously",
                "Incident lead",
            ],
            [
                "Executive team",
                "Telephone, then a written summary",
                "Within 30 minutes of declaration, then hourly",
                "Incident lead",
            ],
            [
                "Clients",
                "Status page and e-mail{% if platforms and 'api' in platforms.values %}; the API status "
                "endpoint{% endif %}",
                "At declaration, every {% if rto_hours and rto_hours <= 4 %}30 minutes{% else %}two hours"
                "{% endif %}, and at resolution",
                "Communications lead",
            ],
            _row(
                [
                    "Partners and integrators",
                    "Partner contacts and the developer portal",
                    "Within an hour of declaration and at resolution",
                    "Partner or account managers",
                ],
                _any(_API, _INTEGRATIONS),
            ),
            _row(
                [
                    "Data protection authority",
                    "The authority's breach notification",
                    "Within 72 hours of becoming aware of a breach of personal data",
                    "{% if employee_count and employee_count >= 250 %}Data protection officer{% else %}"
                    "Data protection lead{% endif %}",
                ],
                _all(_SENSITIVE, _is("regulations", "contains", "gdpr")),
            ),
            _row(
                [
                    "Investors and the market",
                    "Stock exchange announcement, if the incident is price-sensitive",
                    "As the listing rules require",
                    "Company secretary",
                ],
                _is("funding", "eq", "public"),
            ),
            _row(
                [
                    "Investors",
                    "E-mail from the chief executive",
                    "Within one working day of a major incident",
                    "Chief executive",
                ],
                _is("funding", "in", ["angel", "vc", "pe"]),
            ),
            ["Staff", "Internal chat and e-mail", "At declaration and at resolution", "Incident lead"],
        ],
    ),
    _heading("Test plan"),
    {
        "kind": "table",
        "columns": ["Exercise", "Frequency", "Passes when"],
        "rows": [
            ["Timed restore of the main database into a clean environment", "Quarterly", "Within the RTO"],
            ["Tabletop walk-through of this plan with the roles above", "Twice a year", "Gaps recorded"],
            {
                "cells": ["Regional or provider failover game day", "Yearly", "Service back within the RTO"],
                "when": {
                    "field": "hosting",
                    "operator": "in",
                    "value": ["multi", "hybrid", "aws", "azure", "gcp"],
                },
            },
            ["Restore of a single deleted record on request", "Monthly", "Within one working day"],
        ],
    },
    _heading("Plan maintenance"),
    _text(
        "A recovery plan decays as the system changes around it. It is owned by "
        "{% if technology_leader %}{{ technology_leader }}{% else %}the incident lead{% endif %}, kept "
        "in three places (the document store, an offline copy, and with the incident lead) and maintained "
        "as follows."
    ),
    _table(
        "",
        ["Trigger", "Action", "Owner"],
        [
            ["Every quarter", "Check contacts, tiers, suppliers and the runbook's steps", "Incident lead"],
            [
                "After every incident or exercise",
                "Record what differed from the plan and fix it",
                "Recovery engineer",
            ],
            [
                "A new data store, integration, region or provider",
                "Update the scope, tiers and backup policy before it goes live",
                "Owner of the change",
            ],
            ["A change of people in a role", "Update the roles table within a week", "Incident lead"],
            ["Every year", "Review the plan as a whole and approve it again", "Chief executive"],
        ],
    ),
    _heading("Recommendations"),
    {"kind": "recommendations"},
    _heading("Risks"),
    {"kind": "risks"},
    _heading("Next steps"),
    _text(
        "Run the first timed restore within a month and record the result against the RTO of "
        "{{ rto_hours|number }} hours.",
        {"field": "recovery_confidence", "operator": "lte", "value": 3},
    ),
    _text(
        "Keep the quarterly rehearsals, and add the next failure they do not yet cover to this year's "
        "test plan; record each result against the RTO of {{ rto_hours|number }} hours.",
        {"field": "recovery_confidence", "operator": "gte", "value": 4},
    ),
    _text(
        "Keep this plan where the incident lead can reach it during an outage, outside the systems it "
        "protects, and review it after every incident and every change of hosting."
    ),
]

BLOCKS: dict[str, list[dict[str, Any]]] = {
    "technology-roadmap": TECHNOLOGY_ROADMAP,
    "technology-strategy": TECHNOLOGY_STRATEGY,
    "product-architecture": PRODUCT_ARCHITECTURE,
    "disaster-recovery-plan": DISASTER_RECOVERY_PLAN,
}
ARCHITECTURE = "product-architecture"
STRATEGY = "technology-strategy"

RECOMMENDATIONS: list[dict[str, Any]] = [
    {
        "key": "immutable-backups",
        "title": "Keep an immutable, off-site copy of backups against ransomware",
        "document_types": ["disaster-recovery-plan", "security-policy"],
        "condition": {"field": "sensitive_data", "operator": "eq", "value": "yes"},
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Platform lead",
        "finding": "The company holds {{ sensitive_data_kinds|default('sensitive data')|lower }}, which "
        "makes it a ransomware target.",
        "rationale": "Object-lock (write-once) storage in a separate account means an attacker with "
        "production credentials cannot delete the last good copy.",
        "risk": "An attacker encrypts production and deletes the backups in the same incident.",
    },
    {
        "key": "automate-failover",
        "title": "Automate failover and measure it against the recovery time objective",
        "document_types": ["disaster-recovery-plan", "infrastructure-plan"],
        "condition": {"field": "rto_hours", "operator": "lte", "value": 4},
        "priority": 3,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "VP Platform",
        "finding": "An RTO of {{ rto_hours|number }} hours leaves no time for manual recovery steps.",
        "rationale": "Scripted failover, triggered by one decision, is the only way to meet an objective "
        "this short repeatedly; measure every rehearsal against it.",
        "risk": "Manual steps under pressure push recovery past the objective.",
    },
    # ------------------------------------------------------------- product architecture
    {
        "key": "arch-secrets-and-identity",
        "title": "Give every component its own credentials, issued from a secrets manager",
        "document_types": [ARCHITECTURE],
        "condition": _SHARED_SECRETS,
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Head of engineering",
        "finding": "The sources of technical debt include a shared credential: “{{ technical_debt_sources }}”",
        "rationale": "One credential per component, held in "
        "{% if hosting.value in ['aws', 'azure', 'gcp', 'multi'] %}the cloud provider's secrets manager"
        "{% else %}a secrets manager{% endif %} and rotated automatically, limits what a leak exposes and lets "
        "a credential be replaced without an outage. People sign in with their own accounts and multi-factor "
        "authentication, so every change to production data has a name against it.",
        "risk": "A leaked password exposes every record, and nobody can tell who changed what.",
    },
    {
        "key": "arch-service-contracts",
        "title": "Version service contracts and test them in the pipeline",
        "document_types": [ARCHITECTURE],
        "condition": _MICROSERVICES,
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "VP Engineering",
        "finding": "{% if microservice_count %}{{ microservice_count|number }} microservices{% else %}The "
        "microservices{% endif %} depend on each other's interfaces{% if platforms and 'api' in "
        "platforms.values %}, and partners depend on the public API{% endif %}.",
        "rationale": "Consumer-driven contract tests in every service's pipeline, a versioning rule for "
        "breaking changes and a catalogue of who calls whom turn integration failures into failed builds. "
        "They are what lets teams release independently, which is the point of microservices.",
        "risk": "A change to one service breaks others in production, and teams fall back on coordinated "
        "releases that cancel the benefit of the architecture.",
    },
    {
        "key": "arch-resilience-patterns",
        "title": "Standardise timeouts, retries and circuit breakers on every remote call",
        "document_types": [ARCHITECTURE],
        "condition": _any(_MICROSERVICES, _INTEGRATIONS),
        "priority": 3,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "VP Platform",
        "finding": "{% if microservice_count %}{{ microservice_count|number }} services call one another"
        "{% if integrations %}, and the product depends on external systems ({{ integrations|trim('.') }})"
        "{% endif %}{% elif integrations %}The product depends on external systems "
        "({{ integrations|trim('.') }}){% else %}The microservices call one another{% endif %}.",
        "rationale": "Shared client libraries or the service mesh should set a timeout, a retry budget and a "
        "circuit breaker on every call by default, with graceful degradation for each client journey. "
        "Fault-injection tests in the game days prove they work.",
        "risk": "One slow dependency exhausts its callers' capacity and a local fault becomes a full outage.",
    },
    {
        "key": "arch-multi-cloud-placement",
        "title": "Decide workload by workload which cloud is primary and which is standby",
        "document_types": [STRATEGY],
        "condition": _is("hosting", "eq", "multi"),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "CTO",
        "finding": "Production runs across more than one cloud"
        "{% if microservice_count %} for {{ microservice_count|number }} services{% endif %}"
        "{% if technology_budget %}, within a technology budget of {{ technology_budget|money }}{% endif %}.",
        "rationale": "Multi-cloud pays where it buys resilience against a provider's loss or a capability "
        "only one cloud offers. A placement record per workload (primary, standby or single-cloud by design) "
        "keeps tier 1 portable and everything else simple, and shows what the second cloud costs.",
        "risk": "Every workload pays the cost of two clouds while few of them can actually fail over.",
    },
    {
        "key": "arch-partner-api",
        "title": "Run the public API as a product for partners, with versions and a deprecation policy",
        "document_types": [ARCHITECTURE, STRATEGY],
        "condition": _all(_API, _is("growth_levers.partnerships", "in", ["high", "critical"])),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Chief Product Officer",
        "finding": "Partnerships and channels are rated {{ growth_levers.partnerships|lower }} for growth, and "
        "the product offers a public API{% if integrations %}; it already integrates with "
        "{{ integrations|trim('.') }}{% endif %}.",
        "rationale": "Partners choose platforms that are easy and safe to build on: a developer portal, "
        "sandbox credentials, versioned endpoints, a published deprecation policy and usage analytics per "
        "partner turn the API from an interface into a channel.",
        "risk": "Partners integrate slowly or break on changes, and the growth expected from partnerships "
        "does not arrive.",
    },
    {
        "key": "arch-erp-boundary",
        "title": "Replace the ERP or CRM behind a stable interface, one process at a time",
        "document_types": [ARCHITECTURE, STRATEGY],
        "condition": _is("planned_initiatives", "contains", "erp"),
        "priority": 2,
        "impact": "HIGH",
        "effort": "HIGH",
        "timeframe": "THIS_YEAR",
        "owner_role": "CIO and CTO",
        "finding": "An ERP or CRM replacement is planned for the next twelve months"
        "{% if integrations %}, and the product integrates with {{ integrations|trim('.') }}{% endif %}.",
        "rationale": "An anti-corruption layer between the product and the business system lets processes "
        "move one at a time, with reconciliation between old and new, and keeps the product's own model "
        "free of either system's quirks. Cut-over then becomes a series of small, reversible steps.",
        "risk": "A big-bang cut-over stops invoicing or fulfilment, and the product is rewritten around the "
        "new system's data model.",
    },
    # ------------------------------------------------------------- disaster recovery
    {
        "key": "dr-point-in-time-recovery",
        "title": "Turn on point-in-time recovery to cut the data at risk from a day to minutes",
        "document_types": ["disaster-recovery-plan"],
        "condition": _PERIODIC_BACKUPS,
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Platform lead",
        "finding": "The database is backed up {% if 'nightly' in backup_strategy|lower %}once a night"
        "{% else %}periodically{% endif %}, so a failure late in the day loses up to a day of clients' data.",
        "rationale": "{% if cloud_services and 'database' in cloud_services.values %}The managed database "
        "already in use offers{% else %}Most database services offer{% endif %} continuous backup with "
        "restore to any second in a retention window; switching it on costs little and brings the recovery "
        "point down to minutes without any change to the application.",
        "risk": "A day of orders, uploads or records is lost and has to be re-entered by clients, if it can "
        "be at all.",
    },
    {
        "key": "arch-rebuild-from-code",
        "title": "Define production as code so that it can be rebuilt from the repository",
        "document_types": [ARCHITECTURE],
        "condition": _is("engineering_maturity.ci", "in", _WEAK),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Platform lead",
        "finding": "Continuous integration is {{ engineering_maturity.ci|lower }}: nothing builds or "
        "deploys production from the repository, so the environment can only be rebuilt from memory.",
        "rationale": "With networks, servers, databases and permissions described in code and applied by the "
        "pipeline, recovery means running the pipeline against a new region or account rather than "
        "remembering how the original was set up; the same code documents the environment.",
        "risk": "A lost environment takes days to rebuild from memory, and the rebuilt one differs from the "
        "original in ways found only by clients.",
    },
    {
        "key": "dr-replication-is-not-backup",
        "title": "Keep point-in-time backups alongside replication, and alert on replication lag",
        "document_types": ["disaster-recovery-plan"],
        "condition": _REPLICATION,
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Platform lead",
        "finding": "Recovery rests on replication: “{{ backup_strategy }}”",
        "rationale": "Replication copies deletions, faulty migrations and encrypted data as faithfully as good "
        "data. Point-in-time backups held in a separate account undo those; an alert on replication lag "
        "keeps the recovery point at the minutes the plan promises.",
        "risk": "A corrupting change reaches both regions within seconds and there is no clean copy to go back "
        "to.",
    },
    {
        "key": "dr-service-tiering",
        "title": "Tier every service by business impact, with its own recovery objectives",
        "document_types": ["disaster-recovery-plan"],
        "condition": _MICROSERVICES,
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "VP Platform",
        "finding": "A single RTO of {{ rto_hours|number }} hours is stated for an estate of "
        "{% if microservice_count %}{{ microservice_count|number }} {% endif %}services.",
        "rationale": "Recording a tier, an RTO and an RPO for each service in the catalogue, and the services "
        "each depends on, gives the failover its order and shows which dependencies would break a tier 1 "
        "service's objective.",
        "risk": "During a regional failure, effort goes to the services that shout loudest rather than those "
        "clients need first.",
    },
    {
        "key": "dr-supplier-resilience",
        "title": "Agree recovery terms and manual fallbacks with critical suppliers",
        "document_types": ["disaster-recovery-plan"],
        "condition": _INTEGRATIONS,
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "CTO and procurement",
        "finding": "The product depends on external systems: {{ integrations }}",
        "rationale": "For each, record the supplier's own recovery objectives, the escalation contact and the "
        "manual fallback while it is down, and include one supplier failure in the yearly game day.",
        "risk": "A supplier's outage becomes the product's, with no agreed way to keep working.",
    },
    {
        "key": "dr-crisis-communications",
        "title": "Prepare outage messages, a status page and the people who send them",
        "document_types": ["disaster-recovery-plan"],
        "condition": _answered("rto_hours"),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Chief executive",
        "finding": "{% if anything_else %}The answers record the commercial cost of an outage: "
        "“{{ anything_else }}”{% else %}An outage of up to {{ rto_hours|number }} hours is within the plan, "
        "but no arrangement for telling clients and partners was described.{% endif %}",
        "rationale": "A status page hosted away from production, message templates for declaration, updates "
        "and resolution, and a named owner for each audience in the communication plan let the team "
        "communicate within minutes while the engineers recover.",
        "risk": "Clients learn of the outage from each other and judge the company by the silence.",
    },
    {
        "key": "dr-audit-evidence",
        "title": "File every recovery exercise as audit evidence",
        "document_types": ["disaster-recovery-plan"],
        "condition": _any(_CERTIFIED, _is("regulations", "contains", "sox")),
        "priority": 4,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Head of governance, risk and compliance",
        "finding": "{% if security_certifications %}{{ company }} holds {{ security_certifications }}"
        "{% endif %}{% if regulations and 'sox' in regulations.values %} and is subject to SOX{% endif %}.",
        "rationale": "Auditors ask for proof that recovery works: the date, scope, timings against the "
        "RTO, issues found and their fixes. Recording each rehearsal in that form as it happens costs "
        "minutes; reconstructing it before an audit costs weeks.",
        "risk": "An audit finding on business continuity, even though the rehearsals took place.",
    },
]
