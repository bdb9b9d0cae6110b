"""The finance family's blocks (CFO documents) and its own recommendations.

Eight types: the business plan and financial projections (the two generated for the demo clients),
then the technology budget, cash-flow forecast, funding proposal, financial risk assessment,
cost-benefit analysis and pricing strategy. docs/documents.md describes the block kinds, the condition
language and the template filters.

Figures come from the demo questionnaire's computed values: ``revenue_now`` is the midpoint of the
revenue band, ``revenue_year1..3`` apply the stated growth, then 75% and 50% of it, and
``technology_year1..3`` grow the technology budget at half those rates. Prose that needs an answer is
guarded (a ``when`` or an inline ``{% if %}``), because a missing answer prints "not available".

Jinja has no macros here, so phrases several templates share (the company's stage, revenue band,
funding, platforms, initiatives) are Python strings joined into the templates that use them.
"""

from __future__ import annotations

from typing import Any

from documents.content.build import Block
from documents.content.build import all_ as _all
from documents.content.build import answered as _answered
from documents.content.build import any_ as _any
from documents.content.build import heading as _heading
from documents.content.build import is_ as _is
from documents.content.build import text as _text

# ----------------------------------------------------------------- condition helpers (plain data)


# Situations several documents distinguish.
EARLY = _is("company_stage", "in", ["idea", "early"])
SMALL_REVENUE = _is("annual_revenue", "in", ["none", "lt1m"])
PRE_REVENUE = _is("annual_revenue", "eq", "none")
HAS_REVENUE = _is("revenue_now", "gt", 0)
# The projections need revenue, a stated growth rate and (for the technology lines) a budget.
PROJECTABLE = _all(HAS_REVENUE, _answered("revenue_growth"))
PROJECTABLE_WITH_BUDGET = _all(HAS_REVENUE, _answered("revenue_growth"), _answered("technology_budget"))
RAISING = _is("raise_amount", "gt", 0)
NOT_RAISING = _any(_is("raise_amount", "is_empty"), _is("raise_amount", "lte", 0))
HIGH_GROWTH = _is("revenue_growth", "gt", 50)
MODERATE_GROWTH = _all(_is("revenue_growth", "gt", 15), _is("revenue_growth", "lte", 50))
LOW_GROWTH = _all(_is("revenue_growth", "gte", 0), _is("revenue_growth", "lte", 15))
SHRINKING = _is("revenue_growth", "lt", 0)
# "Over $50M" is open-ended: its US$75M midpoint understates a large company's revenue, so every ratio
# to revenue is overstated. Revenue per employee far below a normal level betrays it.
OPEN_BAND_UNDERSTATED = _all(_is("annual_revenue", "eq", "gt50m"), _is("revenue_per_employee", "lt", 150000))
# A budget this small per engineer cannot include salaries; one this large is mostly people.
BUDGET_EXCLUDES_PAYROLL = _is("budget_per_engineer", "lt", 50000)
BUDGET_INCLUDES_PAYROLL = _is("budget_per_engineer", "gte", 50000)
WEAK_FOUNDATIONS = _any(_is("technical_debt", "gte", 7), _is("maturity_score", "lt", 2.5))
NOT_WEAK_FOUNDATIONS = _all(
    _is("technical_debt", "lt", 7), _any(_is("maturity_score", "gte", 2.5), _is("maturity_score", "is_empty"))
)


# ----------------------------------------------------------------- shared phrases (Jinja fragments)

# Between items of a loop: "A, B and C".
SEP = "{% if not loop.last %}{% if loop.revindex == 2 %} and {% else %}, {% endif %}{% endif %}"

STAGE = (
    "{% if company_stage.value == 'idea' %}an idea-stage company"
    "{% elif company_stage.value == 'early' %}a seed-stage company"
    "{% elif company_stage.value == 'growth' %}a growth-stage company"
    "{% elif company_stage.value == 'mature' %}an established, profitable company"
    "{% else %}a company{% endif %}"
)
INDUSTRY = (
    "{% if industry.value == 'other' and industry_detail %} in {{ industry_detail }}"
    "{% elif industry and industry.value != 'other' %} in {{ industry|lower }}{% endif %}"
)
# With a leading space, so that it can follow a noun directly.
REVENUE_BAND = (
    "{% if annual_revenue.value == 'none' %} that has yet to earn revenue"
    "{% elif annual_revenue.value == 'lt1m' %} with annual revenue under US$1 million"
    "{% elif annual_revenue.value == '1to10m' %} with annual revenue of US$1–10 million"
    "{% elif annual_revenue.value == '10to50m' %} with annual revenue of US$10–50 million"
    "{% elif annual_revenue.value == 'gt50m' %} with annual revenue above US$50 million{% endif %}"
)
FUNDING = (
    "{% if funding.value == 'bootstrapped' %}self-funded"
    "{% elif funding.value == 'angel' %}backed by angel investors"
    "{% elif funding.value == 'vc' %}backed by venture capital"
    "{% elif funding.value == 'pe' %}owned by private equity"
    "{% elif funding.value == 'public' %}listed on a public market"
    "{% elif funding.value == 'debt' %}financed by debt{% endif %}"
)
PLATFORMS = (
    "{% for p in platforms %}"
    "{% if p.value == 'web' %}the web{% elif p.value == 'ios' %}iOS{% elif p.value == 'android' %}Android"
    "{% elif p.value == 'desktop' %}desktop applications{% elif p.value == 'api' %}a public API"
    "{% elif p.value == 'iot' %}embedded devices{% endif %}" + SEP + "{% endfor %}"
)
INITIATIVES = (
    "{% for i in planned_initiatives %}"
    "{% if i.value == 'cloud_migration' %}a cloud migration{% elif i.value == 'new_product' %}a product launch"
    "{% elif i.value == 'data_platform' %}a data and analytics platform"
    "{% elif i.value == 'ai' %}AI and machine-learning work{% elif i.value == 'security' %}a security programme"
    "{% elif i.value == 'erp' %}an ERP or CRM replacement{% elif i.value == 'mobile' %}a mobile app{% endif %}"
    + SEP
    + "{% endfor %}"
)
# A growth lever (a row of growth_levers, in a loop over its items) as a phrase.
LEVER = (
    "{% if row == 'markets' %}entering new markets{% elif row == 'products' %}launching new products"
    "{% elif row == 'partnerships' %}channel partnerships{% elif row == 'acquisitions' %}acquisitions"
    "{% elif row == 'pricing' %}pricing{% else %}{{ growth_levers.labels[row]|lower }}{% endif %}"
)
# "Sprout Analytics Ltd, founded in 2024, is a seed-stage company in technology and software with …"
OPENING = (
    "{{ company }}{% if founded_on %}, founded in {{ founded_on.year }},{% endif %} is "
    + STAGE
    + INDUSTRY
    + REVENUE_BAND
    + "{% if funding %}, "
    + FUNDING
    + ",{% endif %} and employs {{ employee_count|number }} people."
)
GROWTH = (
    "{% if revenue_growth > 0 %}grow by {{ revenue_growth|percent }}"
    "{% elif revenue_growth < 0 %}fall by {{ revenue_growth|abs|percent }}{% else %}hold steady{% endif %}"
)
# Year-3 revenue if growth runs at half the stated rate, tapering the same way (the downside case).
DOWNSIDE_YEAR3 = (
    "(revenue_now * (1 + growth_rate / 2) * (1 + growth_rate * 0.375) * (1 + growth_rate * 0.25))"
)
UPSIDE_YEAR3 = (
    "(revenue_now * (1 + growth_rate * 1.25) * (1 + growth_rate * 0.9375) * (1 + growth_rate * 0.625))"
)

# The finance documents, for recommendations that apply to all of them.
CFO = [
    "business-plan",
    "financial-projections",
    "technology-budget",
    "cash-flow-forecast",
    "funding-proposal",
    "financial-risk-assessment",
    "cost-benefit-analysis",
    "pricing-strategy",
]


# ----------------------------------------------------------------- blocks shared by several types

PROJECTION_TABLE: Block = {
    "kind": "table",
    "title": "Three-year projection",
    "when": PROJECTABLE,
    "columns": ["Year", "Revenue", "Revenue growth", "Technology budget", "Technology as share of revenue"],
    "rows": [
        [
            "Today",
            "{{ revenue_now|money }}",
            "—",
            "{% if technology_budget is not none %}{{ technology_budget|money }}{% else %}—{% endif %}",
            "{% if technology_share is not none %}{{ technology_share|percent(1) }}{% else %}—{% endif %}",
        ],
        [
            "Year 1",
            "{{ revenue_year1|money }}",
            "{{ revenue_growth|percent(1) }}",
            "{% if technology_year1 is not none %}{{ technology_year1|money }}{% else %}—{% endif %}",
            "{% if technology_year1 is not none and revenue_year1 %}"
            "{{ (technology_year1 / revenue_year1 * 100)|percent(1) }}{% else %}—{% endif %}",
        ],
        [
            "Year 2",
            "{{ revenue_year2|money }}",
            "{{ (revenue_growth * 0.75)|percent(1) }}",
            "{% if technology_year2 is not none %}{{ technology_year2|money }}{% else %}—{% endif %}",
            "{% if technology_year2 is not none and revenue_year2 %}"
            "{{ (technology_year2 / revenue_year2 * 100)|percent(1) }}{% else %}—{% endif %}",
        ],
        [
            "Year 3",
            "{{ revenue_year3|money }}",
            "{{ (revenue_growth * 0.5)|percent(1) }}",
            "{% if technology_year3 is not none %}{{ technology_year3|money }}{% else %}—{% endif %}",
            "{% if technology_year3 is not none and revenue_year3 %}"
            "{{ (technology_year3 / revenue_year3 * 100)|percent(1) }}{% else %}—{% endif %}",
        ],
    ],
}

PROJECTION_CHART: Block = {
    "kind": "chart",
    "chart": "line",
    "when": PROJECTABLE,
    "labels": ["Today", "Year 1", "Year 2", "Year 3"],
    "series": [
        {"label": "Revenue", "values": ["revenue_now", "revenue_year1", "revenue_year2", "revenue_year3"]},
        {
            "label": "Technology budget",
            "values": ["technology_budget", "technology_year1", "technology_year2", "technology_year3"],
        },
    ],
    "unit": "US$",
    "caption": "Revenue and technology budget over three years (base case)",
}

SCENARIO_TABLE: Block = {
    "kind": "table",
    "title": "Year-3 revenue under three growth scenarios",
    "when": PROJECTABLE,
    "columns": ["Scenario", "Growth next year", "Year-3 revenue", "Against the base case"],
    "rows": [
        [
            "Downside: half the stated growth",
            "{{ (revenue_growth / 2)|percent(1) }}",
            "{{ " + DOWNSIDE_YEAR3 + "|round|money }}",
            "{{ ((1 - " + DOWNSIDE_YEAR3 + " / revenue_year3) * 100)|percent }} lower",
        ],
        ["Base: the stated growth", "{{ revenue_growth|percent(1) }}", "{{ revenue_year3|money }}", "—"],
        [
            "Upside: a quarter above the stated growth",
            "{{ (revenue_growth * 1.25)|percent(1) }}",
            "{{ " + UPSIDE_YEAR3 + "|round|money }}",
            "{{ ((" + UPSIDE_YEAR3 + " / revenue_year3 - 1) * 100)|percent }} higher",
        ],
    ],
}

ASSUMPTIONS = _text(
    "The projection starts from the midpoint of the revenue band {{ company }} reported "
    "({{ revenue_now|money }} for “{{ annual_revenue }}”), not from audited accounts. Revenue grows "
    "by the stated {{ revenue_growth|percent }} in year 1; growth then tapers to 75% of that rate in "
    "year 2 ({{ (revenue_growth * 0.75)|percent(1) }}) and 50% in year 3 "
    "({{ (revenue_growth * 0.5)|percent(1) }}), because growth rates fall as a company's base grows."
    "{% if technology_budget is not none %} The technology budget of {{ technology_budget|money }} "
    "grows at half the revenue growth rate each year, on the view that technology spend rises with "
    "the business but less than proportionally as it scales.{% endif %}"
    "\n\nThe projection holds prices, the product mix and exchange rates constant, and includes no "
    "acquisition, disposal or new funding. It is a planning baseline: it should be replaced by a "
    "driver-based model (customers, price, churn and headcount) as soon as monthly actuals are "
    "available.",
    when=PROJECTABLE,
)

PRE_REVENUE_PROJECTION = _text(
    "{{ company }} has yet to earn revenue, so no revenue projection is made: growth rates applied to "
    "zero say nothing. The plan's financial case instead rests on the months of runway available and "
    "the date of first paid revenue."
    "{% if technology_budget is not none %} The technology budget of {{ technology_budget|money }} is "
    "the main cost line the answers give; it should be set against the cash available month by "
    "month.{% endif %}",
    when=PRE_REVENUE,
)

NO_GROWTH_STATED = _text(
    "No revenue growth rate was given, so the figures below stop at today's estimate of "
    "{{ revenue_now|money }}. A projection needs management's expected growth for next year; with it, "
    "this section shows revenue and the technology budget three years out.",
    when=_all(HAS_REVENUE, _is("revenue_growth", "is_empty")),
)

GROWTH_PROSE: list[Block] = [
    _text(
        "Growth of {{ revenue_growth|percent }} is ambitious even at this stage: revenue reaches "
        "{{ revenue_year1|money }} next year and {{ revenue_year3|money }} by year 3, "
        "{{ (revenue_year3 / revenue_now)|number(1) }} times today's level. Plans at this rate usually "
        "fail on timing rather than direction, so commitments to fixed costs such as hiring, offices and "
        "long contracts should follow the downside case, and the base case should set targets.",
        when=_all(HAS_REVENUE, HIGH_GROWTH),
    ),
    _text(
        "Growth of {{ revenue_growth|percent }} a year is healthy and within what well-run companies "
        "of this size sustain: revenue reaches {{ revenue_year3|money }} by year 3, "
        "{{ ((revenue_year3 / revenue_now - 1) * 100)|percent }} above today. The projection is most "
        "sensitive to retention: losing customers faster than planned takes more off growth than a "
        "slower pipeline does.",
        when=_all(HAS_REVENUE, MODERATE_GROWTH),
    ),
    _text(
        "At {{ revenue_growth|percent }} a year, growth is close to inflation in many markets: revenue "
        "reaches {{ revenue_year3|money }} by year 3, {{ ((revenue_year3 / revenue_now - 1) * 100)|percent }} "
        "above today. Value will come more from margin than from volume, so this plan gives as much "
        "weight to unit costs and price realisation as to new revenue.",
        when=_all(HAS_REVENUE, LOW_GROWTH),
    ),
    _text(
        "Revenue is expected to fall by {{ revenue_growth|abs|percent }} next year, to "
        "{{ revenue_year1|money }}. The projection assumes the decline eases in years 2 and 3; the plan "
        "must show which costs fall with revenue and how long the company can carry those that do not.",
        when=_all(HAS_REVENUE, SHRINKING),
    ),
]

OPEN_BAND_CAVEAT = _text(
    "One caution on the figures: “{{ annual_revenue }}” is an open-ended band, and its assumed midpoint "
    "of {{ revenue_now|money }} gives revenue per employee of only {{ revenue_per_employee|money }} "
    "across {{ employee_count|number }} people, well below what a company of this size normally earns. "
    "Actual revenue is very probably higher, so every ratio to revenue in this document (the technology "
    "share above all) is overstated. Replacing the band with the last audited revenue is the first "
    "refinement to make.",
    when=OPEN_BAND_UNDERSTATED,
)

TECHNOLOGY_SHARE_PROSE: list[Block] = [
    _text(
        "Technology takes {{ technology_share|percent(1) }} of revenue today. For a company whose "
        "product is software this is lean: product companies commonly spend 10–20% of revenue on "
        "technology and engineering. It leaves room to invest as revenue grows, provided the "
        "foundations keep pace.",
        when=_all(_is("technology_share", "lte", 10), _is("industry", "eq", "technology")),
    ),
    _text(
        "Technology takes {{ technology_share|percent(1) }} of revenue today, within the 3–7% range "
        "typical outside the software sector.",
        when=_all(
            _is("technology_share", "lte", 7),
            _is("technology_share", "gte", 3),
            _is("industry", "ne", "technology"),
        ),
    ),
    _text(
        "Technology takes {{ technology_share|percent(1) }} of revenue today, above the 10–20% that "
        "product companies commonly spend and far above the 3–7% typical elsewhere. Each year of the "
        "projection the share falls, to "
        "{{ (technology_year3 / revenue_year3 * 100)|percent(1) }} by year 3, because the budget grows "
        "at half the rate of revenue; the board should nevertheless agree a target share and hold the "
        "budget to it.",
        when=_all(_is("technology_share", "gt", 20), PROJECTABLE_WITH_BUDGET),
    ),
    _text(
        "Technology takes {{ technology_share|percent(1) }} of revenue today, inside the 10–20% band "
        "where product companies commonly sit.",
        when=_all(_is("technology_share", "gt", 10), _is("technology_share", "lte", 20)),
    ),
]

PER_ENGINEER_PROSE: list[Block] = [
    _text(
        "The budget amounts to {{ budget_per_engineer|money }} for each of the "
        "{{ engineer_count|number }} engineers, too little to include their salaries. We read it as "
        "hosting, software licences and outside services, with payroll carried separately; the "
        "projections treat it the same way, so the company's full cost of technology is higher.",
        when=BUDGET_EXCLUDES_PAYROLL,
    ),
    _text(
        "The budget amounts to {{ budget_per_engineer|money }} for each of the "
        "{{ engineer_count|number }} engineers, the order of a fully loaded engineering salary. The "
        "budget is therefore mostly people: new investment comes chiefly from re-prioritising the "
        "team's time and from run costs (hosting and licences), not from fresh money.",
        when=BUDGET_INCLUDES_PAYROLL,
    ),
]

# The next steps: the three most urgent recommendations, then what refreshes the figures.
NEXT_STEPS = _text(
    "{% for r in recommendations[:3] %}{{ loop.index }}. {{ r.title }} (owner: {{ r.owner }}; "
    "{{ r.phase|lower }}).\n\n{% endfor %}"
    "{% if recommendations|length == 4 %}The fourth recommendation follows once these are under way."
    "\n\n{% elif recommendations|length > 4 %}The remaining {{ recommendations|length - 3 }} "
    "recommendations follow in the order of the table above.\n\n{% endif %}"
    "Refresh the figures with the next month-end actuals, and again when the year closes: the "
    "projections, ratios and scenarios in this document are only as good as the revenue and budget "
    "they start from."
)


# ----------------------------------------------------------------- business plan (14 pages)

BUSINESS_PLAN: list[Block] = [
    _heading("Executive summary"),
    _text(
        OPENING
        + "{% if mission %} Its mission: “{{ mission }}”{% endif %}"
        + "\n\n{% if revenue_growth is not none and revenue_now %}Management expects revenue to "
        + GROWTH
        + " next year. On the assumptions set out under Financials, revenue moves from about "
        "{{ revenue_now|money }} today to {{ revenue_year3|money }} in three years"
        "{% if technology_budget is not none %}, while the technology budget moves from "
        "{{ technology_budget|money }} to {{ technology_year3|money }}{% endif %}.{% endif %}"
        "{% if raise_amount %} To fund the plan, {{ company }} intends to raise {{ raise_amount|money }}"
        "{% if raise_close_date %}, closing by {{ raise_close_date }}{% endif %}.{% endif %}"
        "\n\n{% if recommendations %}This plan makes {{ recommendations|length }} recommendations; the "
        "most urgent is to {{ recommendations[0].title|lowerfirst }}.{% endif %}"
    ),
    {
        "kind": "table",
        "title": "Key figures",
        "columns": ["Measure", "Value"],
        "rows": [
            ["Stage", "{{ company_stage }}"],
            ["Funding", "{{ funding }}"],
            {"cells": ["Annual revenue (band)", "{{ annual_revenue }}"], "when": _answered("annual_revenue")},
            {"cells": ["Revenue used for the projections", "{{ revenue_now|money }}"], "when": HAS_REVENUE},
            {"cells": ["Expected growth next year", "{{ revenue_growth|percent }}"], "when": PROJECTABLE},
            {"cells": ["Revenue in year 3 (base case)", "{{ revenue_year3|money }}"], "when": PROJECTABLE},
            {"cells": ["Employees", "{{ employee_count|number }}"], "when": _answered("employee_count")},
            {"cells": ["Revenue per employee", "{{ revenue_per_employee|money }}"], "when": HAS_REVENUE},
            {
                "cells": ["Technology budget", "{{ technology_budget|money }}"],
                "when": _answered("technology_budget"),
            },
            {
                "cells": ["Technology as a share of revenue", "{{ technology_share|percent(1) }}"],
                "when": _all(_answered("technology_budget"), HAS_REVENUE),
            },
            {"cells": ["Planned raise", "{{ raise_amount|money }}"], "when": RAISING},
        ],
    },
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    # ------------------------------------------------------------ company
    _heading("Company overview"),
    _text(
        "{% if mission %}{{ company }} states its purpose as follows: “{{ mission }}”\n\n{% endif %}"
        "The company employs {{ employee_count|number }} people"
        "{% if engineer_count is not none and employee_count %}, of whom {{ engineer_count|number }} "
        "work in technology ({{ (engineer_count / employee_count * 100)|percent }} of the headcount)"
        "{% endif %}."
        "{% if has_cto.value == 'none' %} There is no CTO or head of technology: technical decisions, and "
        "the technology budget, rest with the founders.{% elif technology_leader %} Technology is led by "
        "{{ technology_leader }}.{% elif has_cto.value == 'fractional' %} Technology is led by a "
        "part-time or fractional CTO.{% endif %}"
    ),
    _text(
        "At the idea and seed stages the plan's first task is evidence: customers who pay, stay and "
        "refer others. Everything else in this plan, from hiring to technology, should be judged by "
        "whether it produces that evidence before the cash runs out.",
        when=EARLY,
    ),
    _text(
        "At the growth stage the plan's task is repeatability: showing that each new customer is won "
        "and served at a cost the price supports, so that more capital produces proportionately more "
        "revenue.",
        when=_is("company_stage", "eq", "growth"),
    ),
    _text(
        "As an established, profitable business, {{ company }} competes on efficiency and on the "
        "allocation of capital: which initiatives earn more than their cost of capital, and which "
        "should stop. The plan is written with that discipline in mind.",
        when=_is("company_stage", "eq", "mature"),
    ),
    # ------------------------------------------------------------ products
    _heading("Products and services"),
    _text(
        "{% if product_description %}“{{ product_description }}”\n\n{% endif %}"
        "{% if platforms %}The product reaches customers through " + PLATFORMS + ".{% endif %}",
        when=_any(_answered("product_description"), _answered("platforms")),
    ),
    _text(
        "The public API is a commercial asset as well as a technical one: integrations raise switching "
        "costs, open a partner channel, and can be priced separately by volume of use.",
        when=_is("platforms", "contains", "api"),
    ),
    _text(
        "Serving {{ platforms|length }} platforms multiplies the cost of every feature: each must be "
        "built, tested and supported several times. The plan should show the revenue each platform "
        "earns against its share of the engineering effort.",
        when=_all(_is("platforms", "contains", "ios"), _is("platforms", "contains", "android")),
    ),
    # ------------------------------------------------------------ strategy
    _heading("Strategy"),
    _text(
        "{% for row, level in growth_levers.items() if level.value == 'critical' %}"
        "{% if loop.first %}The plan rests above all on {% endif %}"
        + LEVER
        + SEP
        + "{% if loop.last %}, rated critical to growth over the next two years. {% endif %}{% endfor %}"
        "{% for row, level in growth_levers.items() if level.value == 'high' %}"
        "{% if loop.first %}Next in importance {% if loop.length == 1 %}comes {% else %}come {% endif %}"
        "{% endif %}" + LEVER + SEP + "{% if loop.last %}.{% endif %}"
        "{% endfor %}",
        when=_answered("growth_levers"),
    ),
    {
        "kind": "chart",
        "chart": "bar",
        "key": "growth_levers",
        "caption": "How much each growth lever matters over the next two years",
    },
    _text(
        "New markets. Entering a market costs money well ahead of revenue: local sales, marketing, "
        "compliance and support. Each market should be funded as a staged bet with a go or no-go "
        "review at a set revenue or customer threshold, so that a market that does not respond is "
        "closed before it absorbs more capital.",
        when=_is("growth_levers.markets", "in", ["high", "critical"]),
    ),
    _text(
        "New products. A new product shares the company's customers and costs but not yet its "
        "revenue. The plan should give each product its own revenue line and a date by which it must "
        "show paying customers, and charge it the engineering time it consumes.",
        when=_is("growth_levers.products", "in", ["high", "critical"]),
    ),
    _text(
        "Partnerships and channels. Partners lower the cost of acquiring customers but take a share of "
        "the revenue and some control of the relationship. Agreements should be modelled on net "
        "revenue after the partner's margin, with targets that allow an unproductive channel to be "
        "ended.",
        when=_is("growth_levers.partnerships", "in", ["high", "critical"]),
    ),
    _text(
        "Acquisitions. Buying growth requires capital and integration capacity. A pipeline of targets, "
        "criteria agreed by the board in advance and an integration budget of its own keep acquisitions "
        "from crowding out organic investment.",
        when=_is("growth_levers.acquisitions", "in", ["high", "critical"]),
    ),
    _text(
        "Pricing. Price is the fastest lever: it needs no new product or market, and every point "
        "realised goes straight to operating profit."
        "{% if revenue_now %} On today's estimated revenue of {{ revenue_now|money }}, each 1% of "
        "price realised is worth about {{ (revenue_now / 100)|round|money }} a year.{% endif %}",
        when=_is("growth_levers.pricing", "in", ["high", "critical"]),
    ),
    _text(
        "{% if planned_initiatives %}Over the next twelve months the company plans "
        + INITIATIVES
        + ".{% endif %}{% if business_problems %} The next phase must solve the following: "
        "“{{ business_problems }}”{% endif %}"
        "{% if first_release_date %} The first release must be live by {{ first_release_date }}"
        "{% if raise_close_date and first_release_date < raise_close_date %}, before the round is expected "
        "to close on {{ raise_close_date }}, so it must be paid for from the cash the company holds "
        "today{% endif %}.{% endif %}",
        when=_any(_answered("planned_initiatives"), _answered("business_problems")),
    ),
    # ------------------------------------------------------------ technology as a business capability
    _heading("Technology and operations"),
    _text(
        "Technology health scores {{ health_score }} out of 100 (engineering maturity "
        "{{ maturity_score }} out of 5, technical debt {{ technical_debt|out_of(10) }}). For an "
        "investor or lender this is a financial matter: weak foundations make every feature dearer, "
        "outages cost revenue, and technical due diligence discounts the valuation for the work "
        "still to do.",
        when=_all(_answered("health_score"), _is("health_score", "lt", 50)),
    ),
    _text(
        "Technology health scores {{ health_score }} out of 100 (engineering maturity "
        "{{ maturity_score }} out of 5, technical debt {{ technical_debt|out_of(10) }}). The platform is "
        "an asset to investors and acquirers rather than a liability, and the budget can go to new capability rather "
        "than repair.",
        when=_all(_answered("health_score"), _is("health_score", "gte", 50)),
    ),
    _text(
        "Confidence in recovering from the loss of the main hosting region is only "
        "{{ recovery_confidence|out_of(5) }}{% if rto_hours %}, with a recovery time objective of "
        "{{ rto_hours|number }} hours{% endif %}. A long outage is a revenue event: "
        "{% if revenue_now %}at today's estimated revenue each day without service puts about "
        "{{ (revenue_now / 365)|round|money }} of revenue at risk, before any customer leaves{% else %}"
        "customers who lose service leave{% endif %}.",
        when=_is("recovery_confidence", "lte", 2),
    ),
    _text(
        "The company processes {{ sensitive_data_kinds|lower }}"
        "{% if regulations and 'none' not in regulations.values %} under {{ regulations }}{% endif %}. "
        "{% if security_certifications and 'none' not in security_certifications.values %}Its "
        "{{ security_certifications }} certification shortens larger customers' procurement and "
        "supports the case that a breach is unlikely.{% else %}It has no security certification yet, "
        "which larger customers' procurement teams increasingly require before they sign.{% endif %}",
        when=_is("sensitive_data", "eq", "yes"),
    ),
    # ------------------------------------------------------------ financials
    _heading("Financials"),
    _text(
        "{{ company }} reports annual revenue of “{{ annual_revenue }}”; this plan uses "
        "{{ revenue_now|money }}, the band's midpoint, as today's revenue."
        "{% if technology_budget is not none %} The annual technology budget is "
        "{{ technology_budget|money }}.{% endif %}",
        when=HAS_REVENUE,
    ),
    PRE_REVENUE_PROJECTION,
    NO_GROWTH_STATED,
    _heading("Revenue and technology projection", level=2),
    PROJECTION_TABLE,
    PROJECTION_CHART,
    *GROWTH_PROSE,
    SCENARIO_TABLE,
    _text(
        "If growth runs at half the stated rate, year-3 revenue is "
        "{{ " + DOWNSIDE_YEAR3 + "|round|money }} instead of {{ revenue_year3|money }}. Costs that cannot "
        "be reversed within a quarter should be affordable in that case.",
        when=_all(PROJECTABLE, _is("revenue_growth", "gt", 0)),
    ),
    _heading("Assumptions", level=2),
    ASSUMPTIONS,
    _heading("Cost base and efficiency", level=2),
    OPEN_BAND_CAVEAT,
    *TECHNOLOGY_SHARE_PROSE,
    *PER_ENGINEER_PROSE,
    _text(
        "Revenue per employee is {{ revenue_per_employee|money }}. "
        "{% if industry.value != 'technology' %}It is the measure to track as the plan adds revenue "
        "faster than people.{% elif revenue_per_employee < 100000 %}That is low for a software business, where "
        "US$150,000–250,000 is common once a product is established; early-stage companies sit below "
        "it while they build, but the plan should show the ratio rising with each year of growth."
        "{% else %}That is in line with an established software business.{% endif %}",
        when=_all(HAS_REVENUE, _is("annual_revenue", "ne", "gt50m")),
    ),
    # ------------------------------------------------------------ funding
    _heading("Funding"),
    _text(
        "{{ company }} plans to raise {{ raise_amount|money }} in the next eighteen months"
        "{% if raise_close_date %}, closing by {{ raise_close_date }}{% endif %}. "
        "{% if revenue_now %}That is {{ (raise_amount / revenue_now)|number(1) }} times today's estimated "
        "revenue{% if technology_year1 %} and {{ (raise_amount / technology_year1)|number(1) }} times next "
        "year's technology budget{% endif %}. {% endif %}"
        "Investors will test the amount against the milestones it buys: the round should carry the "
        "company for at least eighteen months, through the point at which the next round can be raised "
        "on better terms.",
        when=RAISING,
    ),
    _text(
        "As the company is backed by angel investors, this round is likely to be its first "
        "institutional one. Institutional investors expect monthly management accounts, a cap table "
        "without loose ends and a data room ready before the first meeting.",
        when=_all(RAISING, _is("funding", "eq", "angel")),
    ),
    _text(
        "Existing venture investors will look for the metrics that justify the next valuation step: "
        "growth, retention and the efficiency with which capital turns into revenue. Their support "
        "for the round, or not, is the first signal other investors read.",
        when=_all(RAISING, _is("funding", "eq", "vc")),
    ),
    _text(
        "The company funds itself from its own revenue. Every investment in this plan must be paid "
        "from operating cash flow, so its pace is set by the cash generated each month; the plan "
        "therefore puts cash discipline before growth targets.",
        when=_is("funding", "eq", "bootstrapped"),
    ),
    _text(
        "As a listed company, {{ company }} finances this plan from operating cash flow and its existing "
        "facilities; no new equity is assumed. Investment competes with dividends and buybacks, so "
        "each initiative must show a return above the company's cost of capital, and the market will "
        "judge the plan on margin as much as on growth.",
        when=_is("funding", "eq", "public"),
    ),
    _text(
        "Under private-equity ownership the plan is measured against the investment case and the exit: "
        "growth in earnings, cash conversion and a clean story for the next buyer. Technology spend "
        "should be shown as either protecting earnings or building value for the exit.",
        when=_is("funding", "eq", "pe"),
    ),
    _text(
        "Debt financing puts covenants and repayments ahead of investment. The plan should show "
        "headroom on each covenant in the downside case, and keep growth spending discretionary until "
        "that headroom is secure.",
        when=_is("funding", "eq", "debt"),
    ),
    # ------------------------------------------------------------ recommendations
    _heading("Recommendations"),
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    {"kind": "roadmap", "title": "Phased plan", "caption": "The recommendations by phase"},
    _heading("Risks"),
    {"kind": "risks", "title": "Risks of inaction and their mitigation"},
    _heading("Next steps"),
    NEXT_STEPS,
]


# ----------------------------------------------------------------- financial projections (8 pages)

FINANCIAL_PROJECTIONS: list[Block] = [
    _heading("Executive summary"),
    _text(
        OPENING
        + "\n\n{% if revenue_growth is not none and revenue_now %}Management expects revenue to "
        + GROWTH
        + " next year. On that basis revenue moves from {{ revenue_now|money }} today to "
        "{{ revenue_year1|money }} in year 1 and {{ revenue_year3|money }} in year 3"
        "{% if technology_budget is not none %}; the technology budget moves from "
        "{{ technology_budget|money }} to {{ technology_year3|money }}, and its share of revenue from "
        "{{ technology_share|percent(1) }} to {{ (technology_year3 / revenue_year3 * 100)|percent(1) }}"
        "{% endif %}.{% endif %}"
        "{% if raise_amount %} The plan is funded by a raise of {{ raise_amount|money }}"
        "{% if raise_close_date %}, expected to close by {{ raise_close_date }}{% endif %}.{% endif %}"
    ),
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    # ------------------------------------------------------------ baseline
    _heading("Baseline"),
    _text(
        "Today's figures are estimates from the information provided, not from the ledger. Revenue is taken as "
        "{{ revenue_now|money }}, the midpoint of the reported band (“{{ annual_revenue }}”)"
        "{% if employee_count %}, or {{ revenue_per_employee|money }} per employee{% endif %}."
        "{% if technology_budget is not none %} The technology budget is {{ technology_budget|money }}"
        "{% if technology_share is not none %}, {{ technology_share|percent(1) }} of that revenue{% endif %}"
        "{% if budget_per_engineer %}, or {{ budget_per_engineer|money }} per engineer{% endif %}."
        "{% endif %}",
        when=HAS_REVENUE,
    ),
    _text(
        "No financial statements were provided. The baseline should be checked against the last "
        "year-end accounts and the latest month's management accounts before the projection is used "
        "for a decision.",
        when=_all(_is("financial_statements", "is_empty"), _is("annual_revenue", "ne", "none")),
    ),
    OPEN_BAND_CAVEAT,
    PRE_REVENUE_PROJECTION,
    NO_GROWTH_STATED,
    # ------------------------------------------------------------ assumptions
    _heading("Assumptions"),
    ASSUMPTIONS,
    *GROWTH_PROSE,
    # ------------------------------------------------------------ projection
    _heading("Projection"),
    PROJECTION_TABLE,
    PROJECTION_CHART,
    _heading("Sensitivity", level=2, when=PROJECTABLE),
    SCENARIO_TABLE,
    _text(
        "The spread between the downside and upside cases, "
        "{{ (" + UPSIDE_YEAR3 + " - " + DOWNSIDE_YEAR3 + ")|round|money }} of year-3 revenue, is the "
        "uncertainty the plan must carry. Commitments that cannot be reversed within a quarter should be "
        "affordable in the downside case; the upside should be captured by spending that can be switched "
        "on as the revenue arrives.",
        when=_all(PROJECTABLE, _is("revenue_growth", "gt", 0)),
    ),
    # ------------------------------------------------------------ costs
    _heading("Costs"),
    _text(
        "The technology budget is the cost line quantified so far. On the projection it rises by "
        "{{ (technology_year3 - technology_budget)|money }} over three years, to "
        "{{ technology_year3|money }}, while revenue rises by {{ (revenue_year3 - revenue_now)|money }}: "
        "each additional dollar of technology spend accompanies "
        "{{ ((revenue_year3 - revenue_now) / (technology_year3 - technology_budget))|number(1) }} dollars "
        "of additional revenue.",
        when=_all(PROJECTABLE_WITH_BUDGET, _is("revenue_growth", "gt", 0)),
    ),
    *TECHNOLOGY_SHARE_PROSE,
    *PER_ENGINEER_PROSE,
    _text(
        "With {{ engineer_count|number }} engineers, the projected growth implies hiring: if engineering "
        "capacity grows with the technology budget, the team reaches about "
        "{{ (engineer_count * technology_year3 / technology_budget)|round|int }} engineers by year 3. "
        "Hiring should follow the downside case until the revenue arrives.",
        when=_all(PROJECTABLE_WITH_BUDGET, _is("revenue_growth", "gt", 15), _answered("engineer_count")),
    ),
    # ------------------------------------------------------------ funding
    _heading("Funding"),
    _text(
        "The plan calls for {{ raise_amount|money }} of new capital"
        "{% if raise_close_date %}, with the round expected to close by {{ raise_close_date }}{% endif %}. "
        "{% if technology_year1 %}That covers next year's projected technology budget "
        "{{ (raise_amount / technology_year1)|number(1) }} times over; the remainder must fund people, "
        "sales and the months before new revenue arrives. {% endif %}"
        "The amount should be tested against a monthly cash forecast that shows at least eighteen "
        "months of runway in the downside case.",
        when=RAISING,
    ),
    _text(
        "No new external capital is assumed: the projection is financed from the company's own cash "
        "flow"
        "{% if funding.value == 'public' %} and existing facilities, as befits a listed company{% endif %}"
        "{% if funding.value == 'debt' %}, within the limits its lenders' covenants set{% endif %}. "
        "Growth in the technology budget must therefore be matched by the operating cash the higher "
        "revenue produces.",
        when=NOT_RAISING,
    ),
    # ------------------------------------------------------------ closing
    _heading("Recommendations"),
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    _heading("Risks"),
    {"kind": "risks", "title": "Risks to the projection"},
    _heading("Next steps"),
    NEXT_STEPS,
]


# ----------------------------------------------------------------- technology budget (6 pages)

# An indicative split of next year's budget: weak foundations earn a ring-fenced share before new work.
ALLOCATION_TABLE: Block = {
    "kind": "table",
    "title": "Indicative allocation of next year's technology budget",
    "when": _all(_answered("technology_budget"), _answered("technology_year1")),
    "columns": ["Purpose", "Share", "Amount"],
    "rows": [
        {
            "cells": [
                "Run: hosting, licences, support",
                "50%",
                "{{ (technology_year1 * 0.5)|round|money }}",
            ],
            "when": WEAK_FOUNDATIONS,
        },
        {
            "cells": [
                "Foundations: tests, continuous integration, tested backups, security",
                "25%",
                "{{ (technology_year1 * 0.25)|round|money }}",
            ],
            "when": WEAK_FOUNDATIONS,
        },
        {
            "cells": ["Change: new capability", "15%", "{{ (technology_year1 * 0.15)|round|money }}"],
            "when": WEAK_FOUNDATIONS,
        },
        {
            "cells": [
                "Run: hosting, licences, support",
                "55%",
                "{{ (technology_year1 * 0.55)|round|money }}",
            ],
            "when": NOT_WEAK_FOUNDATIONS,
        },
        {
            "cells": ["Change: new capability", "35%", "{{ (technology_year1 * 0.35)|round|money }}"],
            "when": NOT_WEAK_FOUNDATIONS,
        },
        ["Contingency", "10%", "{{ (technology_year1 * 0.1)|round|money }}"],
    ],
}

TECHNOLOGY_BUDGET: list[Block] = [
    _heading("Executive summary"),
    _text(
        "{{ company }} is " + STAGE + REVENUE_BAND + ". Its annual technology budget is "
        "{{ technology_budget|money }}"
        "{% if technology_share is not none %}, {{ technology_share|percent(1) }} of estimated revenue"
        "{% endif %}{% if budget_per_engineer %}, or {{ budget_per_engineer|money }} for each of its "
        "{{ engineer_count|number }} engineers{% endif %}."
        "{% if technology_year1 is not none %} On the projection it rises to {{ technology_year1|money }} "
        "next year and {{ technology_year3|money }} by year 3.{% endif %}"
        "\n\nThis budget separates the cost of keeping systems running from the cost of changing them, "
        "and sets a contingency, so that the board can see what each dollar buys.",
        when=_answered("technology_budget"),
    ),
    _text(
        "No technology budget was stated. This document therefore sets out how the budget should be "
        "built, and the recommendations that should shape it, rather than figures.",
        when=_is("technology_budget", "is_empty"),
    ),
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    _heading("Overview"),
    OPEN_BAND_CAVEAT,
    *TECHNOLOGY_SHARE_PROSE,
    {
        "kind": "table",
        "title": "The technology budget over three years",
        "when": PROJECTABLE_WITH_BUDGET,
        "columns": ["Year", "Technology budget", "Increase on the year before", "Share of revenue"],
        "rows": [
            ["Today", "{{ technology_budget|money }}", "—", "{{ technology_share|percent(1) }}"],
            [
                "Year 1",
                "{{ technology_year1|money }}",
                "{{ (technology_year1 - technology_budget)|money }}",
                "{{ (technology_year1 / revenue_year1 * 100)|percent(1) }}",
            ],
            [
                "Year 2",
                "{{ technology_year2|money }}",
                "{{ (technology_year2 - technology_year1)|money }}",
                "{{ (technology_year2 / revenue_year2 * 100)|percent(1) }}",
            ],
            [
                "Year 3",
                "{{ technology_year3|money }}",
                "{{ (technology_year3 - technology_year2)|money }}",
                "{{ (technology_year3 / revenue_year3 * 100)|percent(1) }}",
            ],
        ],
    },
    _heading("Run and change costs"),
    ALLOCATION_TABLE,
    _text(
        "With technical debt rated {{ technical_debt|out_of(10) }}{% if maturity_score is not none %} and "
        "engineering maturity {{ maturity_score }} out of 5{% endif %}, a quarter of next year's budget is "
        "ring-fenced for foundations before new capability is funded. Spent on automated tests, "
        "continuous integration, tested backups and basic security, it lowers the run cost of every "
        "later year and is what an investor's technical due diligence will look for.",
        when=WEAK_FOUNDATIONS,
    ),
    _text(
        "With technical debt rated {{ technical_debt|out_of(10) }}, the platform can carry a larger "
        "share of change spending. Each change initiative should nevertheless hold its own business "
        "case, so that the run share does not creep upwards as projects finish and leave systems behind.",
        when=NOT_WEAK_FOUNDATIONS,
    ),
    _text(
        "{% if hosting.value == 'multi' %}Hosting is spread across more than one cloud"
        "{% elif hosting.value == 'hybrid' %}Hosting is split between the cloud and the company's own "
        "hardware{% else %}Hosting runs on {{ hosting }}{% endif %}. Cloud costs scale with use rather than with plans, so the run budget needs a "
        "monthly owner who compares the bill with the forecast and acts on the difference.",
        when=_is("hosting", "in", ["aws", "azure", "gcp", "multi", "hybrid"]),
    ),
    _heading("People"),
    *PER_ENGINEER_PROSE,
    _text(
        "There is no CTO or head of technology, so no one is accountable for the budget as a whole; "
        "until one is appointed, the finance lead should review it monthly with the engineers.",
        when=_is("has_cto", "eq", "none"),
    ),
    _text(
        "The budget is owned by {{ technology_leader }}, who should present it to the board each quarter "
        "with actual spending against it.",
        when=_answered("technology_leader"),
    ),
    _heading("Contingency"),
    _text(
        "The budget for this work is rated {{ budget_flexibility|out_of(5) }} on fixedness. With little "
        "room to add money during the year, the 10% contingency must be held inside the budget and "
        "released only by the budget owner against a named risk.",
        when=_is("budget_flexibility", "gte", 4),
    ),
    _text(
        "The budget for this work is rated {{ budget_flexibility|out_of(5) }} on fixedness, so there is "
        "room to adjust during the year. The 10% contingency should still be explicit, so that "
        "overspending is a decision rather than a discovery.",
        when=_is("budget_flexibility", "lte", 3),
    ),
    _heading("Recommendations"),
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    {"kind": "risks", "title": "Risks"},
    _heading("Next steps"),
    NEXT_STEPS,
]


# ----------------------------------------------------------------- cash-flow forecast (6 pages)

CASH_FLOW_FORECAST: list[Block] = [
    _heading("Executive summary"),
    _text(
        OPENING + "\n\nThis forecast converts the revenue projection into monthly receipts and sets the "
        "technology payments against them."
        "{% if raise_amount %} The planned raise of {{ raise_amount|money }}"
        "{% if raise_close_date %}, expected by {{ raise_close_date }},{% endif %} is the largest single "
        "receipt in the period; to last eighteen months it allows an average net outflow of "
        "{{ (raise_amount / 18)|round|money }} a month.{% endif %}"
        "{% if revenue_now %} Average monthly receipts rise from {{ (revenue_now / 12)|round|money }} "
        "today{% if revenue_year1 is not none %} to {{ (revenue_year1 / 12)|round|money }} in year 1"
        "{% endif %}.{% endif %}"
    ),
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    _heading("Opening position"),
    _text(
        "The forecast opens with the cash held at the start of the month, net of committed payments. "
        "That figure, and the monthly payroll, come from the bank and the ledger{% if raise_amount %}: until they are added, "
        "the runway below measures what the raise buys rather than how long today's cash lasts"
        "{% endif %}."
    ),
    _text(
        "As a {% if funding.value == 'public' %}listed{% else %}established{% endif %} company, "
        "{{ company }} should open the forecast with cash and undrawn facilities together, and show "
        "headroom against the minimum its treasury policy sets.",
        when=_is("company_stage", "eq", "mature"),
    ),
    _heading("Receipts"),
    {
        "kind": "table",
        "title": "Average monthly receipts",
        "when": PROJECTABLE,
        "columns": ["Period", "Annual revenue", "Average month"],
        "rows": [
            ["Today", "{{ revenue_now|money }}", "{{ (revenue_now / 12)|round|money }}"],
            ["Year 1", "{{ revenue_year1|money }}", "{{ (revenue_year1 / 12)|round|money }}"],
            ["Year 2", "{{ revenue_year2|money }}", "{{ (revenue_year2 / 12)|round|money }}"],
            ["Year 3", "{{ revenue_year3|money }}", "{{ (revenue_year3 / 12)|round|money }}"],
        ],
    },
    _text(
        "Monthly receipts of {{ (revenue_year1 / 12)|round|money }} in year 1 are an average: at "
        "{{ revenue_growth|percent }} growth, the last month of the year brings in far more than the "
        "first, so the early months are the tight ones. Collecting annual fees in advance moves cash "
        "forward into those months.",
        when=_all(PROJECTABLE, HIGH_GROWTH),
    ),
    _text(
        "With growth of {{ revenue_growth|percent }}, receipts are steady, and the timing of collection "
        "matters more than volume: each day cut from the average collection period releases about "
        "{{ (revenue_now / 365)|round|money }} of cash once.",
        when=_all(PROJECTABLE, _is("revenue_growth", "lte", 50)),
    ),
    PRE_REVENUE_PROJECTION,
    _heading("Payments"),
    {
        "kind": "table",
        "title": "Average monthly technology payments",
        "when": PROJECTABLE_WITH_BUDGET,
        "columns": ["Period", "Technology budget", "Average month"],
        "rows": [
            ["Today", "{{ technology_budget|money }}", "{{ (technology_budget / 12)|round|money }}"],
            ["Year 1", "{{ technology_year1|money }}", "{{ (technology_year1 / 12)|round|money }}"],
            ["Year 2", "{{ technology_year2|money }}", "{{ (technology_year2 / 12)|round|money }}"],
            ["Year 3", "{{ technology_year3|money }}", "{{ (technology_year3 / 12)|round|money }}"],
        ],
    },
    *PER_ENGINEER_PROSE,
    _text(
        "Payroll, rent and other overheads must be added to these payments. For a team of "
        "{{ employee_count|number }}, payroll is usually the largest monthly payment by a wide margin.",
        when=BUDGET_EXCLUDES_PAYROLL,
    ),
    _heading("Runway"),
    _text(
        "The raise of {{ raise_amount|money }} lasts eighteen months if the net monthly outflow "
        "(all payments less receipts) stays below {{ (raise_amount / 18)|round|money }}"
        "{% if technology_year1 %}. Next year's technology payments alone average "
        "{{ (technology_year1 / 12)|round|money }} a month, "
        "{{ (technology_year1 / 12 / (raise_amount / 18) * 100)|percent }} of that allowance{% endif %}. "
        "The rest of the allowance must cover payroll and overheads above what customers pay.",
        when=RAISING,
    ),
    _text(
        "{% if raise_close_date %}Until the round closes on {{ raise_close_date }}, the company runs on "
        "the cash it holds today; the forecast should show the month in which cash would run out if the "
        "round slipped by a quarter.{% endif %}",
        when=_all(RAISING, _answered("raise_close_date")),
    ),
    _text(
        "No raise is planned, so the runway is set by operating cash flow. The forecast's purpose is to "
        "show the lowest point of cash in each quarter and the headroom above the minimum the board has "
        "agreed, not a date by which cash runs out.",
        when=NOT_RAISING,
    ),
    _text(
        "A long outage is also a cash event: at today's revenue a week without service puts about "
        "{{ (revenue_now / 52)|round|money }} of receipts at risk, and customers who leave take future "
        "receipts with them.",
        when=_all(HAS_REVENUE, _is("recovery_confidence", "lte", 2)),
    ),
    _heading("Recommendations"),
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    {"kind": "risks", "title": "Risks to cash"},
    _heading("Next steps"),
    NEXT_STEPS,
]


# ----------------------------------------------------------------- funding proposal (7 pages)

FUNDING_PROPOSAL: list[Block] = [
    _heading("Executive summary"),
    _text(
        OPENING + " It seeks {{ raise_amount|money }}"
        "{% if raise_close_date %}, to close by {{ raise_close_date }}{% endif %}."
        "{% if revenue_year1 is not none and revenue_now %} The capital funds a plan that takes revenue "
        "from about {{ revenue_now|money }} today to {{ revenue_year1|money }} next year and "
        "{{ revenue_year3|money }} in year 3.{% endif %}",
        when=RAISING,
    ),
    _text(
        OPENING + " No external raise is planned: this proposal makes the case for funding the next "
        "phase from the company's own resources"
        "{% if planned_initiatives %}, covering " + INITIATIVES + "{% endif %}"
        "{% if technology_year1 is not none %}, with a technology budget rising from "
        "{{ technology_budget|money }} to {{ technology_year1|money }} next year{% endif %}.",
        when=NOT_RAISING,
    ),
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    _heading("The opportunity"),
    _text(
        "{% if mission %}“{{ mission }}”\n\n{% endif %}"
        "{% if product_description %}{{ company }}'s offer: “{{ product_description }}”{% endif %}",
        when=_any(_answered("mission"), _answered("product_description")),
    ),
    _text(
        "Growth of {{ revenue_growth|percent }} next year, on today's estimated revenue of "
        "{{ revenue_now|money }}, is the core of the case: capital now buys a larger share of a market "
        "that is still forming."
        "{% for row, level in growth_levers.items() if level.value == 'critical' %}{% if loop.first %} The "
        "growth {% if loop.length == 1 %}lever rated critical is {% else %}levers rated critical are "
        "{% endif %}{% endif %}" + LEVER + SEP + "{% if loop.last %}.{% endif %}{% endfor %}",
        when=_all(HIGH_GROWTH, HAS_REVENUE),
    ),
    _text(
        "The case for funding rests on return rather than on growth alone: at "
        "{{ revenue_growth|percent }} growth, each initiative must earn more than the company's cost of "
        "capital, measured in the unit costs it lowers or the revenue it protects.",
        when=_is("revenue_growth", "lte", 15),
    ),
    _heading("Amount and terms"),
    _text(
        "The amount sought, {{ raise_amount|money }}, is {{ (raise_amount / revenue_now)|number(1) }} "
        "times today's estimated revenue. It should be sized from a monthly cash plan: eighteen months of "
        "net outflow in the downside case, plus a reserve of three months, rather than from the "
        "valuation the founders hope for.",
        when=_all(RAISING, HAS_REVENUE),
    ),
    _text(
        "Backed so far by angel investors, {{ company }} will most likely raise this round as a priced "
        "seed round or on convertible terms. A priced round fixes the valuation and the governance "
        "investors receive; convertible instruments are faster but defer both, and several stacked "
        "together can surprise the founders at the next round.",
        when=_all(RAISING, _is("funding", "eq", "angel")),
    ),
    _text(
        "With venture investors already on the cap table, their pro-rata rights and appetite to lead "
        "shape the terms; a round they do not support needs a new lead and a clear explanation.",
        when=_all(RAISING, _is("funding", "eq", "vc")),
    ),
    _text(
        "As a listed company, {{ company }} allocates capital internally: the board approves the "
        "programme against its cost of capital, and the market reads the result through margin and "
        "cash conversion. Funding should be released in stages, each against evidence that the last "
        "stage delivered.",
        when=_is("funding", "eq", "public"),
    ),
    _heading("Use of funds"),
    {
        "kind": "table",
        "title": "Indicative use of funds",
        "when": RAISING,
        "columns": ["Use", "Share", "Amount"],
        "rows": [
            ["Product and engineering", "35%", "{{ (raise_amount * 0.35)|round|money }}"],
            {
                "cells": [
                    "Engineering foundations: tests, deployment, backups, security",
                    "15%",
                    "{{ (raise_amount * 0.15)|round|money }}",
                ],
                "when": WEAK_FOUNDATIONS,
            },
            {
                "cells": [
                    "Product and engineering (further)",
                    "15%",
                    "{{ (raise_amount * 0.15)|round|money }}",
                ],
                "when": NOT_WEAK_FOUNDATIONS,
            },
            ["Sales and marketing", "30%", "{{ (raise_amount * 0.3)|round|money }}"],
            ["Operations and administration", "10%", "{{ (raise_amount * 0.1)|round|money }}"],
            ["Reserve", "10%", "{{ (raise_amount * 0.1)|round|money }}"],
        ],
    },
    _text(
        "The foundations line is not optional: with technical debt rated {{ technical_debt|out_of(10) }}, "
        "investors' technical due diligence will ask how much of the round goes to paying it down, and "
        "a named budget answers the question before it is asked.",
        when=_all(RAISING, _is("technical_debt", "gte", 7)),
    ),
    _text(
        "The use of funds follows the initiatives planned for the next twelve months: " + INITIATIVES + ". "
        "Each should carry its own budget line, benefits owner and stage gate.",
        when=_all(NOT_RAISING, _answered("planned_initiatives")),
    ),
    _heading("Milestones"),
    _text(
        "{% if first_release_date %}First release live: {{ first_release_date }}.\n\n{% endif %}"
        "{% if raise_close_date %}Round closed: {{ raise_close_date }}.\n\n{% endif %}"
        "{% if revenue_year1 is not none %}Revenue of {{ revenue_year1|money }} in year 1 and "
        "{{ revenue_year3|money }} in year 3 (base case); the downside case reaches "
        "{{ " + DOWNSIDE_YEAR3 + "|round|money }} in year 3.\n\n{% endif %}"
        "{% if company_stage.value in ['idea', 'early', 'growth'] %}Monthly management accounts and a cash "
        "forecast reported to the board from the first month.{% else %}Each initiative's spending and "
        "benefits reported to the board quarterly against its business case.{% endif %}"
    ),
    _heading("Recommendations"),
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    {"kind": "risks", "title": "Risks to the investment case"},
    _heading("Next steps"),
    NEXT_STEPS,
]


# ----------------------------------------------------------------- financial risk assessment (7 pages)

RISK_REGISTER: Block = {
    "kind": "table",
    "title": "Risk register",
    "columns": ["Risk", "Likelihood", "Impact", "Mitigation"],
    "rows": [
        {
            "cells": [
                "Growth of {{ revenue_growth|percent }} arrives late or not at all",
                "High",
                "High",
                "Commit fixed costs against the downside case; review monthly against actuals",
            ],
            "when": HIGH_GROWTH,
        },
        {
            "cells": [
                "Costs rise faster than revenue growing at {{ revenue_growth|percent }}",
                "Medium",
                "High",
                "Unit-cost targets for each initiative; price indexation in contracts",
            ],
            "when": _is("revenue_growth", "lte", 15),
        },
        {
            "cells": [
                "The round of {{ raise_amount|money }} closes late or short",
                "Medium",
                "High",
                "Eighteen-month cash plan; start the process six months before cash is needed",
            ],
            "when": RAISING,
        },
        {
            "cells": [
                "A long outage (recovery confidence {{ recovery_confidence|out_of(5) }})",
                "High",
                "High",
                "Tested restores, a standby environment and a recovery time objective the board agrees",
            ],
            "when": _is("recovery_confidence", "lte", 2),
        },
        {
            "cells": [
                "A breach of {{ sensitive_data_kinds|lower }}",
                "{% if security_certifications and 'none' not in security_certifications.values %}Low"
                "{% else %}Medium{% endif %}",
                "High",
                "{% if security_certifications and 'none' not in security_certifications.values %}Maintain "
                "{{ security_certifications }}; annual penetration test{% else %}A recognised "
                "certification; cyber insurance{% endif %}",
            ],
            "when": _is("sensitive_data", "eq", "yes"),
        },
        {
            "cells": [
                "Key-person dependence in a team of {{ engineer_count|number }} engineers",
                "High",
                "Medium",
                "Documented systems and deployments; a second person for every critical task",
            ],
            "when": _is("engineer_count", "lt", 10),
        },
        {
            "cells": [
                "Technology spending grows without a matching return",
                "Medium",
                "Medium",
                "Portfolio review with stage gates; a target share of revenue",
            ],
            "when": _any(_is("technology_share", "gt", 20), _is("technology_budget", "gte", 5000000)),
        },
        {
            "cells": [
                "A control deficiency under SOX",
                "Low",
                "High",
                "Controls designed into each system change; internal audit involved from the start",
            ],
            "when": _is("regulations", "contains", "sox"),
        },
        {
            "cells": [
                "Overrun of the ERP or CRM replacement",
                "Medium",
                "High",
                "Staged business case, fixed-scope phases and a contingency held by the sponsor",
            ],
            "when": _is("planned_initiatives", "contains", "erp"),
        },
        {
            "cells": [
                "Breach of lenders' covenants",
                "Medium",
                "High",
                "Covenant headroom tested in the downside case each quarter",
            ],
            "when": _is("funding", "eq", "debt"),
        },
    ],
}

FINANCIAL_RISK_ASSESSMENT: list[Block] = [
    _heading("Executive summary"),
    _text(
        OPENING + "\n\nThis assessment rates the financial risks that follow from the company's "
        "position: its growth plan{% if raise_amount %}, its planned raise of {{ raise_amount|money }}"
        "{% endif %}, its technology and the data it holds. Each risk is rated for likelihood and impact "
        "and given a mitigation; the recommendations that follow are the mitigations worth acting on "
        "first."
    ),
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    RISK_REGISTER,
    _heading("Market risk"),
    _text(
        "The plan depends on {{ revenue_growth|percent }} growth next year. If growth runs at half that "
        "rate, year-3 revenue is {{ " + DOWNSIDE_YEAR3 + "|round|money }} instead of "
        "{{ revenue_year3|money }}, a shortfall of {{ (revenue_year3 - "
        + DOWNSIDE_YEAR3
        + ")|round|money }}. "
        "That gap, not the base case, is the exposure the company must be able to survive.",
        when=_all(PROJECTABLE, _is("revenue_growth", "gt", 0)),
    ),
    _text(
        "Pricing is rated {{ growth_levers.pricing|lower }} as a growth lever: each 1% of price is worth "
        "about {{ (revenue_now / 100)|round|money }} a year, so price erosion is as material a risk as "
        "lost volume.",
        when=_all(HAS_REVENUE, _is("growth_levers.pricing", "in", ["high", "critical"])),
    ),
    _heading("Liquidity risk"),
    _text(
        "Liquidity depends on the round: {{ raise_amount|money }}"
        "{% if raise_close_date %}, expected by {{ raise_close_date }}{% endif %}. Until it closes, the "
        "company spends the cash it holds, and a slip of one quarter must not force cuts to the plan.",
        when=RAISING,
    ),
    _text(
        "{{ company }} is " + FUNDING + ", so liquidity rests on operating cash flow"
        "{% if funding.value in ['public', 'pe', 'debt'] %} and committed facilities{% endif %}. The "
        "risk lies in the timing of large payments, such as the technology programmes, against receipts.",
        when=NOT_RAISING,
    ),
    _heading("Credit risk"),
    _text(
        "Credit exposure comes from customers who pay in arrears."
        "{% if company_stage.value in ['idea', 'early'] %} With few customers, the loss of one is also a "
        "concentration risk: no single customer should account for more than a fifth of receipts "
        "without a plan to replace it.{% else %} With a broad customer base, the risk is managed through "
        "credit limits, payment terms and the ageing of receivables, reviewed monthly.{% endif %}"
    ),
    _heading("Operational risk"),
    _text(
        "Technical debt is rated {{ technical_debt|out_of(10) }} and engineering maturity "
        "{{ maturity_score }} out of 5: every change carries a higher chance of failure, and failures "
        "reach customers. These are operational losses waiting to be realised.",
        when=WEAK_FOUNDATIONS,
    ),
    _text(
        "Confidence in recovering from the loss of the main hosting region is "
        "{{ recovery_confidence|out_of(5) }}{% if rto_hours %} with a recovery time objective of "
        "{{ rto_hours|number }} hours{% endif %}. "
        "{% if revenue_now %}Each day without service puts about {{ (revenue_now / 365)|round|money }} "
        "of revenue at risk, before customers leave.{% endif %}",
        when=_is("recovery_confidence", "lte", 2),
    ),
    _text(
        "Operational foundations are sound (engineering maturity {{ maturity_score }} out of 5, "
        "recovery confidence {{ recovery_confidence|out_of(5) }}); the operational risk lies chiefly in "
        "the change programmes{% if planned_initiatives %}: " + INITIATIVES + "{% endif %}.",
        when=_all(_is("maturity_score", "gte", 3.5), _is("recovery_confidence", "gte", 3)),
    ),
    _heading("Mitigations"),
    {"kind": "recommendations", "title": "Prioritised mitigations"},
    {"kind": "risks", "title": "What happens if nothing is done"},
    _heading("Next steps"),
    NEXT_STEPS,
]


# ----------------------------------------------------------------- cost-benefit analysis (6 pages)

# Revenue is not profit: the benefit counted is the contribution of the additional revenue, at an
# assumed 30% margin, so that it can be set against the additional technology spend.
MARGIN = "0.3"
_EXTRA_SPEND = "(technology_yearN - technology_budget)"
_EXTRA_REVENUE = "(revenue_yearN - revenue_now)"


def _benefit_row(year: int) -> list[str]:
    """Year N of the cost-benefit table: additional spend, revenue, contribution and net benefit."""
    cells = [
        "{{ " + _EXTRA_SPEND + "|money }}",
        "{{ " + _EXTRA_REVENUE + "|money }}",
        "{{ (" + _EXTRA_REVENUE + " * " + MARGIN + ")|round|money }}",
        "{{ (" + _EXTRA_REVENUE + " * " + MARGIN + " - " + _EXTRA_SPEND + ")|round|money }}",
    ]
    return [f"Year {year}", *(cell.replace("yearN", f"year{year}") for cell in cells)]


COST_BENEFIT_ANALYSIS: list[Block] = [
    _heading("Executive summary"),
    _text(
        OPENING + "\n\nThis analysis weighs the growth in the technology budget"
        "{% if planned_initiatives %}, which funds " + INITIATIVES + ",{% endif %} against the additional "
        "revenue it supports. By year 3 the annual technology budget is "
        "{{ (technology_year3 - technology_budget)|money }} higher than today and annual revenue "
        "{{ (revenue_year3 - revenue_now)|money }} higher; at a 30% contribution margin, the additional "
        "revenue contributes {{ ((revenue_year3 - revenue_now) * " + MARGIN + ")|round|money }} a year by "
        "year 3.",
        when=_all(PROJECTABLE_WITH_BUDGET, _is("revenue_growth", "gt", 0)),
    ),
    _text(
        OPENING + "\n\nA cost-benefit analysis needs the technology budget and the expected revenue "
        "growth; with both, this section sets the additional spend against the additional revenue.",
        when=_any(_is("technology_budget", "is_empty"), _is("revenue_growth", "is_empty")),
    ),
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    _heading("Proposal"),
    _text(
        "{% if planned_initiatives %}The investment under review is the programme planned for the next "
        "twelve months: " + INITIATIVES + ".{% endif %}"
        "{% if business_problems %} It must solve the following: “{{ business_problems }}”{% endif %}",
        when=_any(_answered("planned_initiatives"), _answered("business_problems")),
    ),
    _heading("Costs and benefits"),
    {
        "kind": "table",
        "title": "Additional spend against additional revenue, compared with today",
        "when": _all(PROJECTABLE_WITH_BUDGET, _is("revenue_growth", "gt", 0)),
        "columns": [
            "Year",
            "Additional technology spend",
            "Additional revenue",
            "Contribution at 30%",
            "Net benefit",
        ],
        "rows": [_benefit_row(year) for year in (1, 2, 3)],
    },
    _text(
        "The costs counted are the increase in the technology budget over today's "
        "{{ technology_budget|money }}; the benefits, the contribution of the revenue above today's "
        "{{ revenue_now|money }}. Technology does not produce all of that revenue, but the plan cannot "
        "deliver it without the spend, so the comparison tests whether the two are in proportion."
        "{% if budget_per_engineer < 50000 %} Salaries sit outside the technology budget here and are "
        "not counted.{% endif %}",
        when=PROJECTABLE_WITH_BUDGET,
    ),
    _heading("Payback"),
    _text(
        "In year 1 the additional contribution of "
        "{{ ((revenue_year1 - revenue_now) * " + MARGIN + ")|round|money }} "
        "{% if (revenue_year1 - revenue_now) * " + MARGIN + " >= technology_year1 - technology_budget %}"
        "is {{ ((revenue_year1 - revenue_now) * "
        + MARGIN
        + " / (technology_year1 - technology_budget))|number(1) }} "
        "times the additional technology spend of {{ (technology_year1 - technology_budget)|money }}: the "
        "investment pays back within the first year.{% else %}falls short of the additional "
        "technology spend of {{ (technology_year1 - technology_budget)|money }}: payback depends on "
        "years 2 and 3.{% endif %}",
        when=_all(PROJECTABLE_WITH_BUDGET, _is("revenue_growth", "gt", 0)),
    ),
    _heading("Sensitivity"),
    _text(
        "At half the stated growth, year-1 additional revenue falls to "
        "{{ (revenue_now * growth_rate / 2)|round|money }} and its contribution to "
        "{{ (revenue_now * growth_rate / 2 * " + MARGIN + ")|round|money }}, against additional technology "
        "spend of {{ (technology_year1 - technology_budget)|money }}"
        "{% if revenue_now * growth_rate / 2 * " + MARGIN + " >= technology_year1 - technology_budget %}: "
        "the case still holds.{% else %}: the case no longer pays back in the first year, so spending "
        "should be released in stages as growth is confirmed.{% endif %} The margin matters as much: "
        "at 20% rather than 30%, year-1 contribution is "
        "{{ ((revenue_year1 - revenue_now) * 0.2)|round|money }}.",
        when=_all(PROJECTABLE_WITH_BUDGET, _is("revenue_growth", "gt", 0)),
    ),
    OPEN_BAND_CAVEAT,
    _heading("Recommendations"),
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    {"kind": "risks", "title": "Risks"},
    _heading("Next steps"),
    NEXT_STEPS,
]


# ----------------------------------------------------------------- pricing strategy (6 pages)

PRICING_STRATEGY: list[Block] = [
    _heading("Executive summary"),
    _text(
        OPENING + "{% if growth_levers.pricing %} Pricing is rated {{ growth_levers.pricing|lower }} "
        "among its growth levers.{% endif %}"
        "{% if revenue_now %}\n\nOn today's estimated revenue of {{ revenue_now|money }}, each 1% of "
        "price realised is worth about {{ (revenue_now / 100)|round|money }} a year"
        "{% if revenue_year1 is not none %}, and {{ (revenue_year1 / 100)|round|money }} on next year's "
        "projected revenue{% endif %}, almost all of it profit.{% endif %}"
    ),
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    _heading("Pricing model"),
    _text(
        "At this stage, price should follow the value delivered, not the cost to serve: the customer's "
        "gain from the product sets the ceiling, and the alternatives they would otherwise use set the "
        "floor. Annual subscriptions paid in advance suit a young company best: cash arrives before "
        "costs, and churn shows a year ahead.",
        when=EARLY,
    ),
    _text(
        "At this stage, the priority is price realisation rather than a new model: the gap between list "
        "prices and what customers actually pay, after discounts, rebates and legacy terms, is usually "
        "the cheapest margin available.",
        when=_is("company_stage", "in", ["growth", "mature"]),
    ),
    _text(
        "The public API supports a usage-based element: a platform fee plus a charge per call, booking "
        "or transaction, so that revenue grows with the value integrators draw from it.",
        when=_is("platforms", "contains", "api"),
    ),
    _heading("Tiers and packaging"),
    _text(
        "Three tiers are usually enough: an entry tier that proves value, a core tier that most "
        "customers buy, and a premium tier for customers who need more (support, integrations, "
        "reporting). "
        "{% if sensitive_data.value == 'yes' %}Security and compliance features, such as audit logs and "
        "single sign-on, belong in the premium tier: the customers who need them value them most."
        "{% endif %}"
    ),
    _heading("Discounts"),
    _text(
        "Discounts given to pilot customers should be written as time-limited introductory terms, with "
        "the full price and the date it applies in the contract. Otherwise the first customers anchor "
        "every later negotiation.",
        when=EARLY,
    ),
    _text(
        "Discounts need a delegation matrix: who may approve what depth of discount, with every "
        "exception reported monthly. Contracts should carry annual indexation, so that prices keep pace "
        "with costs without a renegotiation.",
        when=_is("company_stage", "in", ["growth", "mature"]),
    ),
    _heading("Unit economics"),
    {
        "kind": "table",
        "title": "What a price rise is worth on next year's revenue",
        "when": PROJECTABLE,
        "columns": ["Price rise, volumes unchanged", "Additional revenue a year"],
        "rows": [
            ["1%", "{{ (revenue_year1 * 0.01)|round|money }}"],
            ["3%", "{{ (revenue_year1 * 0.03)|round|money }}"],
            ["5%", "{{ (revenue_year1 * 0.05)|round|money }}"],
        ],
    },
    _text(
        "Revenue per employee is {{ revenue_per_employee|money }}. Pricing that reflects value is the "
        "most direct way to raise it: the same team serves the same customers for more revenue.",
        when=_all(HAS_REVENUE, _is("annual_revenue", "ne", "gt50m")),
    ),
    OPEN_BAND_CAVEAT,
    _text(
        "A price rise is worth taking if fewer customers leave than the rise can absorb: with a 30% "
        "contribution margin, a 5% rise still pays if volume falls by less than about 14%. Test rises "
        "on new customers first, where the risk is lowest."
    ),
    _heading("Recommendations"),
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    {"kind": "risks", "title": "Risks"},
    _heading("Next steps"),
    NEXT_STEPS,
]


BLOCKS: dict[str, list[Block]] = {
    "business-plan": BUSINESS_PLAN,
    "financial-projections": FINANCIAL_PROJECTIONS,
    "technology-budget": TECHNOLOGY_BUDGET,
    "cash-flow-forecast": CASH_FLOW_FORECAST,
    "funding-proposal": FUNDING_PROPOSAL,
    "financial-risk-assessment": FINANCIAL_RISK_ASSESSMENT,
    "cost-benefit-analysis": COST_BENEFIT_ANALYSIS,
    "pricing-strategy": PRICING_STRATEGY,
}


# ----------------------------------------------------------------- recommendations

RECOMMENDATIONS: list[dict[str, Any]] = [
    {
        "key": "cfo-monthly-management-accounts",
        "title": "Introduce monthly management accounts and a rolling cash forecast",
        "document_types": [
            "business-plan",
            "financial-projections",
            "cash-flow-forecast",
            "financial-risk-assessment",
            "funding-proposal",
        ],
        "condition": _any(EARLY, SMALL_REVENUE),
        "priority": 1,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Finance lead or fractional CFO",
        "finding": "{{ company }} is "
        + STAGE
        + REVENUE_BAND
        + ", and the figures in this document rest on a revenue band rather than on accounts"
        "{% if revenue_growth is not none and revenue_now %}, while the plan assumes "
        "{{ revenue_growth|percent }} growth "
        "next year{% endif %}.",
        "rationale": "A monthly close (profit and loss, balance sheet and cash) with a rolling "
        "thirteen-week cash forecast is the first evidence investors and lenders ask for, and the only "
        "way to see early whether growth is arriving as planned. A part-time bookkeeper and a "
        "fractional CFO provide it for a small fraction of the cost of a late surprise.",
        "risk": "Hiring and spending decisions are taken without knowing the cash position, and due "
        "diligence stalls on figures that cannot be reconciled.",
    },
    {
        "key": "cfo-round-runway",
        "title": "Size the round for eighteen months of runway",
        "document_types": [
            "business-plan",
            "financial-projections",
            "funding-proposal",
            "cash-flow-forecast",
        ],
        "condition": RAISING,
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Chief executive officer",
        "finding": "{{ company }} plans to raise {{ raise_amount|money }}"
        "{% if raise_close_date %} and expects to close the round by {{ raise_close_date }}{% endif %}"
        "{% if revenue_now %}: {{ (raise_amount / revenue_now)|number(1) }} times today's estimated "
        "revenue of {{ revenue_now|money }}{% endif %}.",
        "rationale": "Rounds routinely take six months from first meeting to money in the bank. A "
        "month-by-month cash plan showing the round lasting at least eighteen months in the downside "
        "case, and the milestones it buys, sets the amount, shows investors financial discipline and "
        "leaves time to act if the round slips.",
        "risk": "A round that closes late or short forces the company to raise again from a weak "
        "position, or to cut the spending the plan depends on.",
    },
    {
        "key": "cfo-growth-scenarios",
        "title": "Commit costs against a downside case, not the stated growth",
        "document_types": [
            "business-plan",
            "financial-projections",
            "cash-flow-forecast",
            "funding-proposal",
            "financial-risk-assessment",
            "cost-benefit-analysis",
        ],
        "condition": _all(HIGH_GROWTH, HAS_REVENUE),
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Finance lead",
        "finding": "The plan assumes revenue grows by {{ revenue_growth|percent }} next year, from about "
        "{{ revenue_now|money }} to {{ revenue_year1|money }}, reaching {{ revenue_year3|money }} by "
        "year 3.",
        "rationale": "Growth above 50% a year is achievable at this stage but rarely arrives on "
        "schedule. A downside case at half the stated rate (year-3 revenue of about "
        "{{ " + DOWNSIDE_YEAR3 + "|round|money }}) should govern fixed commitments such as hiring and "
        "long contracts; the base case sets the targets.",
        "risk": "Fixed costs sized for the stated growth become a cash shortfall if growth arrives a "
        "few quarters late.",
    },
    {
        "key": "cfo-technology-spend-ratio",
        "title": "Restate technology spend against actual revenue and set a target share",
        "document_types": [
            "business-plan",
            "financial-projections",
            "technology-budget",
            "cost-benefit-analysis",
            "financial-risk-assessment",
        ],
        "condition": _is("technology_share", "gt", 20),
        "priority": 1,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Chief financial officer",
        "finding": "The technology budget of {{ technology_budget|money }} is "
        "{{ technology_share|percent(1) }} of revenue at the midpoint of the revenue band "
        "({{ revenue_now|money }}), or {{ budget_per_engineer|money }} per engineer.",
        "rationale": "Either actual revenue is well above the band's midpoint or technology absorbs an "
        "unusually large share of it, and the board needs to know which. Restated on audited revenue "
        "and split into run and change costs, the ratio becomes a benchmark to hold the budget to each "
        "year.",
        "risk": "Spending that is not tied to revenue grows with every initiative and is the first line "
        "that investors and analysts question.",
    },
    {
        "key": "cfo-fund-engineering-foundations",
        "title": "Fund engineering foundations before growth spending",
        # The shared library's reduce-technical-debt entry covers the technology budget.
        "document_types": [
            "business-plan",
            "financial-projections",
            "cost-benefit-analysis",
            "financial-risk-assessment",
            "funding-proposal",
        ],
        "condition": WEAK_FOUNDATIONS,
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Technology lead, with the finance lead",
        "finding": "Technical debt is rated {{ technical_debt|out_of(10) }}"
        "{% if maturity_score is not none %} and engineering maturity {{ maturity_score }} out of 5"
        "{% endif %}{% if technology_budget is not none %}, on a technology budget of "
        "{{ technology_budget|money }}{% endif %}.",
        "rationale": "Every feature built on weak foundations costs more and fails more often. Setting "
        "aside 20–30% of engineering time for the next two quarters for automated tests, continuous "
        "integration and tested backups costs less than the outages and rework it prevents, and it is "
        "what technical due diligence checks first.",
        "risk": "Outages and slow delivery erode revenue and lower the valuation at the next raise or sale.",
    },
    {
        "key": "cfo-price-downtime",
        "title": "Put a price on downtime and fund recovery to match",
        "document_types": [
            "business-plan",
            "financial-risk-assessment",
            "cash-flow-forecast",
            "cost-benefit-analysis",
            "technology-budget",
        ],
        "condition": _is("recovery_confidence", "lte", 2),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Chief executive officer",
        "finding": "Confidence in recovering from the loss of the main hosting region is "
        "{{ recovery_confidence|out_of(5) }}{% if rto_hours %}, against a recovery time objective of "
        "{{ rto_hours|number }} hours{% endif %}{% if revenue_now %}; each day without service puts "
        "about {{ (revenue_now / 365)|round|money }} of revenue at risk before any customer "
        "leaves{% endif %}.",
        "rationale": "Expressed in money, recovery becomes an investment decision rather than a "
        "technical one: a tested restore and a standby environment usually cost less a year than one "
        "long outage, and customers renew on reliability.",
        "risk": "A long outage costs revenue and customers and, at the next raise or audit, credibility.",
    },
    {
        "key": "cfo-technology-leadership",
        "title": "Give the technology budget an accountable leader",
        # The shared library's technology-leadership entry already covers the business plan.
        "document_types": ["funding-proposal", "technology-budget"],
        "condition": _is("has_cto", "eq", "none"),
        "priority": 2,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Chief executive officer",
        "finding": "{{ company }} has no CTO or head of technology for its "
        "{{ engineer_count|number }} engineers{% if technology_budget is not none %} and its technology "
        "budget of {{ technology_budget|money }}{% endif %}.",
        "rationale": "Investors back a team as much as a plan. A fractional CTO, a few days a month, "
        "gives the budget an accountable owner, sets the engineering priorities the plan depends on and "
        "answers technical due diligence.",
        "risk": "Technology spending has no owner, and the next round's diligence exposes the gap.",
    },
    {
        "key": "cfo-security-certification",
        "title": "Budget for a recognised security certification",
        "document_types": [
            "business-plan",
            "financial-risk-assessment",
            "technology-budget",
            "funding-proposal",
            "pricing-strategy",
        ],
        "condition": _all(
            _is("sensitive_data", "eq", "yes"),
            _any(
                _is("security_certifications", "contains", "none"), _is("security_certifications", "is_empty")
            ),
        ),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Finance lead, with the technology lead",
        "finding": "{{ company }} holds {{ sensitive_data_kinds|lower }}"
        "{% if regulations and 'none' not in regulations.values %}, subject to {{ regulations }}{% endif %}, "
        "without a security certification.",
        "rationale": "Larger customers' procurement teams increasingly require SOC 2, ISO 27001 or "
        "Cyber Essentials before they sign. Budgeting for the certification now turns security from a "
        "sales objection into a selling point and lowers the expected cost of a breach.",
        "risk": "Sales to larger customers stall at procurement, and a breach of personal data brings "
        "regulatory penalties and lost trust.",
    },
    {
        "key": "cfo-technology-portfolio",
        "title": "Govern technology spending as a portfolio with stage gates",
        "document_types": [
            "business-plan",
            "financial-projections",
            "technology-budget",
            "cost-benefit-analysis",
            "funding-proposal",
        ],
        "condition": _is("technology_budget", "gte", 5000000),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Chief financial officer, with the CTO",
        "finding": "A technology budget of {{ technology_budget|money }}"
        "{% if planned_initiatives %} carries " + INITIATIVES + " this year{% endif %}"
        "{% if technology_year3 is not none %}, and rises to {{ technology_year3|money }} by year 3 on "
        "the projection{% endif %}.",
        "rationale": "At this scale the question is less how much to spend than which initiatives earn "
        "their place. A quarterly portfolio review, with a business case, a benefits owner and a "
        "stop-or-continue gate for each initiative, moves money from those that are not delivering to "
        "those that are.",
        "risk": "Initiatives run on after their case has lapsed, and the budget grows without a "
        "matching return.",
    },
    {
        "key": "cfo-efficiency-led-growth",
        "title": "Fund growth from measured efficiency gains",
        "document_types": [
            "business-plan",
            "financial-projections",
            "cost-benefit-analysis",
            "financial-risk-assessment",
            "pricing-strategy",
            "funding-proposal",
        ],
        "condition": _all(_is("revenue_growth", "lte", 15), _is("company_stage", "in", ["growth", "mature"])),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Chief financial officer",
        "finding": "Revenue is expected to " + GROWTH + " next year"
        "{% if business_problems %}, and the stated priority for the next phase is: "
        "“{{ business_problems }}”{% else %}.{% endif %}",
        "rationale": "At growth of {{ revenue_growth|percent }}, margin rather than volume moves "
        "shareholder value. Tying each initiative to a measured unit cost, such as the cost per order, "
        "delivery or transaction, and reinvesting what it saves makes efficiency the source of the "
        "growth budget.",
        "risk": "Costs rise with inflation faster than revenue, and the margin narrows year by year.",
    },
    {
        "key": "cfo-price-realisation",
        "title": "Review pricing and discounting for price realisation",
        "document_types": ["pricing-strategy", "business-plan", "financial-projections"],
        "condition": _is("growth_levers.pricing", "in", ["high", "critical"]),
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Commercial director, with the CFO",
        "finding": "Pricing changes are rated {{ growth_levers.pricing|lower }} among the growth levers"
        "{% if revenue_now %}; on today's estimated revenue of {{ revenue_now|money }}, each 1% of price "
        "realised is worth about {{ (revenue_now / 100)|round|money }} a year{% endif %}.",
        "rationale": "Price needs no new product or market, and every point realised goes straight to "
        "operating profit. Start with the gap between list and realised price: discounts granted "
        "without approval, contracts without indexation and customers on legacy terms.",
        "risk": "Discounts and unindexed contracts let costs outrun prices, and the margin erodes unnoticed.",
    },
    {
        "key": "cfo-paid-annual-contracts",
        "title": "Convert pilots and monthly customers to paid annual contracts",
        "document_types": [
            "pricing-strategy",
            "business-plan",
            "cash-flow-forecast",
            "funding-proposal",
            "financial-projections",
        ],
        "condition": _all(EARLY, SMALL_REVENUE),
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Chief executive officer",
        "finding": "{% if annual_revenue.value == 'none' %}The company has yet to earn revenue"
        "{% else %}Annual revenue is under US$1 million{% endif %}"
        "{% if revenue_growth is not none and revenue_now %}, and the plan needs revenue to "
        + GROWTH
        + " next year"
        "{% endif %}: each customer kept is worth more than one newly won.",
        "rationale": "Annual contracts paid in advance, or at least quarterly, bring cash in before "
        "costs, make churn visible a year ahead and are what investors read as traction. Free or "
        "monthly pilots should convert to paid terms on a set date, at a price that reflects the value "
        "delivered rather than the cost to serve.",
        "risk": "Pilots that cost money to serve but pay nothing drain cash and say little about demand.",
    },
    {
        "key": "cfo-sox-technology-controls",
        "title": "Design SOX controls into the technology programmes",
        "document_types": ["financial-risk-assessment", "technology-budget", "cost-benefit-analysis"],
        "condition": _is("regulations", "contains", "sox"),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Chief financial officer",
        "finding": "{{ company }} is subject to {{ regulations }}"
        "{% if planned_initiatives and 'erp' in planned_initiatives.values %} and plans an ERP or CRM "
        "replacement in the next twelve months{% endif %}.",
        "rationale": "Controls over financial reporting reach into the systems that produce the "
        "figures: access, change management and the migration of ledger and billing data. Designing "
        "them into each programme, with internal audit involved from the start, costs far less than "
        "remediating a deficiency found at year end.",
        "risk": "A control deficiency in a financial system becomes a reportable weakness, with audit "
        "cost and damage to the company's standing with investors.",
    },
    {
        "key": "cfo-working-capital",
        "title": "Release cash from working capital",
        "document_types": ["cash-flow-forecast", "financial-risk-assessment", "funding-proposal"],
        "condition": _all(
            _is("company_stage", "in", ["growth", "mature"]), _is("revenue_now", "gte", 1000000)
        ),
        "priority": 2,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Chief financial officer",
        "finding": "On estimated revenue of {{ revenue_now|money }}, each day of sales tied up in "
        "receivables holds about {{ (revenue_now / 365)|round|money }} of cash"
        "{% if technology_year1 is not none %}, while technology payments run at about "
        "{{ (technology_year1 / 12)|round|money }} a month next year{% endif %}.",
        "rationale": "Shorter collection periods, payment terms aligned with suppliers' and annual "
        "billing in advance where customers accept it release cash once and for good. A monthly "
        "review of debtor days and the largest overdue accounts is usually enough to start.",
        "risk": "Cash stays tied up in receivables, and investment waits on cash the business has "
        "already earned.",
    },
    {
        "key": "cfo-cash-floor",
        "title": "Set a cash floor before committing growth spending",
        "document_types": [
            "business-plan",
            "cash-flow-forecast",
            "funding-proposal",
            "financial-risk-assessment",
        ],
        "condition": _is("funding", "in", ["bootstrapped", "debt"]),
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Finance lead",
        "finding": "{{ company }} is " + FUNDING + ", so the plan's investment is paid from the cash the "
        "business generates{% if technology_budget is not none %}, starting with a technology budget of "
        "{{ technology_budget|money }}{% endif %}.",
        "rationale": "A cash floor (typically three to six months of operating costs) agreed by the "
        "board, with growth spending released only above it, lets the company invest without "
        "risking its ability to pay salaries, suppliers or lenders.",
        "risk": "A slow quarter turns into a cash crisis, with growth spending already committed.",
    },
]
