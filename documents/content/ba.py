"""The business analysis family's blocks (BA documents) and its own recommendations.

One catalogue of requirements (``REQUIREMENTS``) feeds the BRD, the user stories and the traceability
matrix, so a requirement keeps its identifier in every document. Identifiers are mnemonic (REG-GDPR,
INI-DATA) rather than numbered, so a requirement that does not apply leaves no gap. A nice-to-have
(``could``) reads "Could" when the budget has room and "Won't (this phase)" when it is fixed.
"""

from __future__ import annotations

from typing import Any

from documents.content.build import KINDS, row
from documents.content.build import all_ as _all
from documents.content.build import answered as _answered
from documents.content.build import any_ as _any
from documents.content.build import has as _has
from documents.content.build import is_ as _is

# ----------------------------------------------------------------- conditions


def _initiative(value: str) -> dict[str, Any]:
    return _has("planned_initiatives", value)


BUDGET_FIXED = _is("budget_flexibility", "gte", 4)
BUDGET_OPEN = _any(_is("budget_flexibility", "lt", 4), _is("budget_flexibility", "is_empty"))
REGULATED = _any(_has("regulations", "sox"), _has("regulations", "hipaa"), _has("regulations", "pci"))
SENSITIVE = _is("sensitive_data", "eq", "yes")
MOBILE_PLATFORMS = _any(_has("platforms", "ios"), _has("platforms", "android"))
WEAK_DELIVERY = _any(_is("delivery_methodology", "eq", "none"), _is("delivery_satisfaction", "lte", 4))
FRAGILE = _any(_is("technical_debt", "gte", 7), _is("recovery_confidence", "lte", 2))
LARGE_TEAM = _is("engineer_count", "gte", 50)
SMALL_TEAM = _any(_is("engineer_count", "lt", 50), _is("engineer_count", "is_empty"))
NO_TECH_LEAD = _is("has_cto", "eq", "none")


def _row(*cells: str, when: dict[str, Any] | None = None) -> dict[str, Any] | list[str]:
    return row(list(cells), when)  # the cells as arguments: this module writes many one-line rows


# ----------------------------------------------------------------- phrases shared by templates


def _phrases(key: str, names: dict[str, str]) -> str:
    """A template fragment naming a multiple choice's options in our words: "a, b and c"."""
    mapping = "{" + ", ".join(f"'{value}': '{name}'" for value, name in names.items()) + "}"
    return (
        f"{{% for o in {key} %}}{{% if not loop.first %}}{{{{ ' and ' if loop.last else ', ' }}}}"
        f"{{% endif %}}{{{{ {mapping}[o.value] }}}}{{% endfor %}}"
    )


INITIATIVES = _phrases(
    "planned_initiatives",
    {
        "cloud_migration": "a cloud migration",
        "new_product": "a new product launch",
        "data_platform": "a data platform",
        "ai": "machine-learning (AI) models",
        "security": "a security programme",
        "erp": "an ERP or CRM replacement",
        "mobile": "a mobile app",
    },
)
PLATFORMS = _phrases(
    "platforms",
    {
        "web": "the web",
        "ios": "iOS",
        "android": "Android",
        "desktop": "desktop",
        "api": "a public API",
        "iot": "embedded devices",
    },
)
STAGE = (
    "{{ {'idea': 'a pre-revenue', 'early': 'an early-stage', 'growth': 'a growth-stage', "
    "'mature': 'an established, profitable'}[company_stage.value] }}"
)
BUDGET_MAP = "{1: 'fully flexible', 2: 'largely flexible', 3: 'partly fixed', 4: 'largely fixed', 5: 'completely fixed'}"
BUDGET_WORDS = "{{ " + BUDGET_MAP + "[budget_flexibility] }}"
ARCHITECTURE = (
    "{{ {'monolith': 'a single monolith', 'modular': 'a modular monolith', 'microservices': 'a microservices "
    "architecture', 'serverless': 'mostly serverless functions', 'unsure': 'an undocumented "
    "architecture'}[architecture.value] }}"
)
METHOD = (
    "{{ {'scrum': 'Scrum', 'kanban': 'Kanban', 'waterfall': 'a waterfall plan', 'hybrid': 'a mix of "
    "methods', 'none': 'no formal process'}[delivery_methodology.value] }}"
)
HOSTING = (
    "{{ {'aws': 'Amazon Web Services', 'azure': 'Microsoft Azure', 'gcp': 'Google Cloud', 'multi': 'more "
    "than one cloud', 'onprem': 'its own data centre', 'hybrid': 'a mix of cloud and its own "
    "hardware'}[hosting.value] }}"
)
PROBLEM = "“{{ business_problems|trim|trim('.') }}”"
REGULATIONS_KNOWN = "regulations and 'none' not in regulations.values"

# The opening every BA document shares: the company, the problem, the deadline and the initiatives.
SITUATION = (
    "{{ company }}{% if company_stage %} is " + STAGE + " business{% if employee_count %} with "
    "{{ employee_count|number }} employees{% endif %}{% if engineer_count is not none %}, "
    "{{ engineer_count|number }} of them engineers{% endif %}. It{% else %}{% endif %} has set one "
    "problem for the next phase of work: " + PROBLEM + "."
    "{% if first_release_date %} The first release must be live by {{ first_release_date }}.{% endif %}"
    "{% if planned_initiatives %} The phase includes " + INITIATIVES + ".{% endif %}"
    "{% if " + REGULATIONS_KNOWN + " %} The solution must comply with {{ regulations }}"
    "{% if sensitive_data and sensitive_data.value == 'yes' %} and will hold " + KINDS + "{% endif %}."
    "{% elif sensitive_data and sensitive_data.value == 'yes' %} The solution will hold "
    + KINDS
    + ".{% endif %}"
)
BUDGET_SENTENCE = (
    "{% if budget_flexibility %}The budget for this work is " + BUDGET_WORDS + " "
    "({{ budget_flexibility|out_of(5) }}, where 5 is completely fixed), "
    "{% if budget_flexibility >= 4 %}so scope is the variable that must give: nice-to-haves are recorded "
    "as Won't for this phase, not dropped.{% else %}so Could requirements can be taken once the Must "
    "requirements are safe.{% endif %}{% endif %}"
)
FIRST_RECOMMENDATION = (
    "{% if recommendations|length == 1 %}The document closes with one recommendation: "
    "“{{ recommendations[0].title }}”.{% elif recommendations %}The document closes with "
    "{{ recommendations|length }} recommendations in order of urgency; the first is "
    "“{{ recommendations[0].title }}”.{% endif %}"
)


# ----------------------------------------------------------------- the requirements catalogue

# Each requirement: id, the requirement, MoSCoW priority, source, when it applies, the objective it
# serves, a user story and its acceptance criteria (optional) and how it is verified. ``could``: a
# nice-to-have, "Could" with budget to spare and "Won't (this phase)" with a fixed budget.
REQUIREMENTS: list[dict[str, Any]] = [
    {
        "id": "BUS-01",
        "text": "Solve the stated business problem, with a measure of success and its baseline agreed with "
        "the sponsor before build starts.",
        "moscow": "Must",
        "source": "Business problem",
        "objective": "BO-1",
        "story": "As the sponsor, I want the outcome measured against an agreed baseline, so that I can "
        "tell whether the problem is solved.",
        "criteria": "A baseline and a target are recorded and signed off before build; the measure is "
        "taken again within three months of the first release.",
        "verify": "Benefits review after go-live",
    },
    {
        "id": "TIM-01",
        "text": "The first release is live in production by {{ first_release_date }}.",
        "moscow": "Must",
        "source": "Sponsor's deadline",
        "when": _answered("first_release_date"),
        "objective": "BO-2",
        "verify": "Go-live checklist signed by the sponsor",
    },
    {
        "id": "REG-GDPR",
        "text": "Personal data is processed lawfully under the UK and EU GDPR: a lawful basis recorded for "
        "each purpose, retention periods set and enforced, data subjects' requests answered within one "
        "month, and breaches reportable to the regulator within 72 hours.",
        "moscow": "Must",
        "source": "Regulation: GDPR",
        "when": _has("regulations", "gdpr"),
        "objective": "BO-3",
        "story": "As a customer whose personal data is held, I want to see, export or erase it on "
        "request, so that my rights under GDPR are honoured.",
        "criteria": "An access, export or erasure request is completed within one month; each request and "
        "its outcome is logged; erased records no longer appear in search, reports or exports.",
        "verify": "Data protection impact assessment; test of each data subject right",
    },
    {
        "id": "REG-HIPAA",
        "text": "Protected health information is handled under the HIPAA Privacy and Security Rules: "
        "access limited to the minimum necessary, every access logged, and a business associate "
        "agreement with each supplier that touches it.",
        "moscow": "Must",
        "source": "Regulation: HIPAA",
        "when": _has("regulations", "hipaa"),
        "objective": "BO-3",
        "story": "As a compliance officer, I want every access to health records logged with who, when "
        "and why, so that I can answer an audit or a patient's complaint.",
        "criteria": "Each read or change of a health record writes an audit entry that cannot be edited; "
        "the log can be searched by patient and by user.",
        "verify": "HIPAA risk assessment; audit-log test",
    },
    {
        "id": "REG-PCI",
        "text": "Payment card data is kept out of the solution's own systems through a PCI DSS-compliant "
        "payment provider's tokenisation; anything that still stores, processes or transmits card data "
        "meets PCI DSS v4.0.",
        "moscow": "Must",
        "source": "Regulation: PCI DSS",
        "when": _has("regulations", "pci"),
        "objective": "BO-3",
        "story": "As a paying customer, I want to enter my card details on the payment provider's secure "
        "form, so that the company never holds my card number.",
        "criteria": "No full card number is stored, logged or transmitted by the solution's own systems; "
        "the provider's attestation of compliance is on file.",
        "verify": "PCI DSS self-assessment questionnaire; log and database scan for card numbers",
    },
    {
        "id": "REG-SOX",
        "text": "Changes to systems that feed financial reporting follow controls that satisfy SOX "
        "section 404: segregation of duties, approved and logged changes, periodic access reviews and "
        "evidence kept for the external auditor.",
        "moscow": "Must",
        "source": "Regulation: SOX",
        "when": _has("regulations", "sox"),
        "objective": "BO-3",
        "story": "As the financial controller, I want every change to a reporting system approved by "
        "someone other than its author, so that the auditor can rely on the figures.",
        "criteria": "A change cannot reach production without an approval by a second person; approvals, "
        "deployments and access reviews are retained for seven years.",
        "verify": "Control walkthrough with internal audit",
    },
    {
        "id": "DAT-01",
        "text": "The " + KINDS + " the solution holds are encrypted in transit and at rest, access is "
        "granted by role, and every read and change is logged.",
        "moscow": "Must",
        "source": "Sensitive data held",
        "when": SENSITIVE,
        "objective": "BO-3",
        "story": "As an administrator, I want access to sensitive records granted by role and logged, so "
        "that misuse can be prevented and traced.",
        "criteria": "A user without the role is refused; every read and change of a sensitive record "
        "appears in the audit log with the user and the time.",
        "verify": "Access-control tests; security review",
    },
    {
        "id": "DAT-02",
        "text": "The data the solution will hold is classified before design is signed off, so that its "
        "protection matches its sensitivity.",
        "moscow": "Must",
        "source": "Sensitive data: not yet known",
        "when": _is("sensitive_data", "eq", "unsure"),
        "objective": "BO-3",
        "verify": "Data classification signed off by the data owner",
    },
    {
        "id": "INI-PRODUCT",
        "text": "The new product reaches its first customers with the smallest feature set that solves the "
        "stated problem, and its use is measured from the first day.",
        "moscow": "Must",
        "source": "Planned initiative: new product launch",
        "when": _initiative("new_product"),
        "objective": "BO-4",
        "story": "As a first customer, I want to reach the product's core result on my own in my first "
        "session, so that I see its value before I am asked to pay.",
        "criteria": "A new customer completes the core journey without help in a moderated test; sign-up, "
        "first use and return visits are measured.",
        "verify": "Usability test with pilot customers; product analytics",
    },
    {
        "id": "INI-PRODUCT-X",
        "text": "In-product onboarding guides and usage reports for customers beyond the core journey.",
        "could": True,
        "source": "Planned initiative: new product launch",
        "when": _initiative("new_product"),
        "objective": "BO-4",
        "verify": "Product review",
    },
    {
        "id": "INI-SEC",
        "text": "The security programme's baseline controls are in place: individual accounts with "
        "multi-factor authentication for all staff, secrets kept out of code and shared passwords "
        "retired, and known vulnerabilities patched within agreed times.",
        "moscow": "Must",
        "source": "Planned initiative: security programme",
        "when": _initiative("security"),
        "objective": "BO-5",
        "story": "As an engineer, I want my own credentials with multi-factor authentication for every "
        "production system, so that no password is shared and every action is traceable to a person.",
        "criteria": "No shared account remains; every administrator login requires a second factor; "
        "secrets are read from a vault, and a scan finds none in the code.",
        "verify": "Security review; secrets scan; access review",
    },
    {
        "id": "INI-SEC-X",
        "text": "An external security certification (such as Cyber Essentials or ISO 27001) achieved within "
        "this phase.",
        "could": True,
        "source": "Planned initiative: security programme",
        "when": _initiative("security"),
        "objective": "BO-5",
        "verify": "Certificate issued",
    },
    {
        "id": "INI-DATA",
        "text": "A governed data platform: one agreed definition of each business measure, data loaded from "
        "the source systems on a published schedule, and access controlled by role.",
        "moscow": "Must",
        "source": "Planned initiative: data platform and analytics",
        "when": _initiative("data_platform"),
        "objective": "BO-4",
        "story": "As an operations manager, I want each key measure defined once and refreshed on a known "
        "schedule, so that every report shows the same figure.",
        "criteria": "Each measure in the agreed catalogue has an owner and a definition; reports built on "
        "the platform reconcile with the source systems within an agreed tolerance.",
        "verify": "Reconciliation tests against source systems",
    },
    {
        "id": "INI-DATA-X",
        "text": "Self-service dashboards for business users beyond the agreed core reports.",
        "could": True,
        "source": "Planned initiative: data platform and analytics",
        "when": _initiative("data_platform"),
        "objective": "BO-4",
        "verify": "User acceptance test",
    },
    {
        "id": "INI-AI",
        "text": "The first AI use case is in production{% if ai_use_cases %} (“{{ ai_use_cases|trim|trim('.') }}”)"
        "{% endif %}, measured against the current method before anyone relies on it.",
        "moscow": "Should",
        "source": "Planned initiative: AI and machine learning",
        "when": _initiative("ai"),
        "objective": "BO-4",
        "story": "As a planner, I want the model's recommendation shown beside the current method's, with "
        "its confidence, so that I can accept or override it.",
        "criteria": "The model beats the agreed baseline on held-out data before go-live; every "
        "recommendation can be overridden, and overrides are recorded for retraining.",
        "verify": "Model evaluation against the baseline; shadow running",
    },
    {
        "id": "INI-AI-X",
        "text": "Further AI use cases beyond the first.",
        "could": True,
        "source": "Planned initiative: AI and machine learning",
        "when": _initiative("ai"),
        "objective": "BO-4",
        "verify": "Separate business case",
    },
    {
        "id": "INI-ERP",
        "text": "The ERP or CRM system is replaced with no loss of records: data migrated and reconciled, "
        "and old and new systems run in parallel until the reconciliation is signed off.",
        "moscow": "Must",
        "source": "Planned initiative: ERP or CRM replacement",
        "when": _initiative("erp"),
        "objective": "BO-4",
        "story": "As a finance user, I want the opening balances and open orders in the new system to "
        "match the old one, so that I can stop using the old system with confidence.",
        "criteria": "Record counts and control totals match between old and new systems at each migration "
        "rehearsal and at cut-over; differences are explained and signed off.",
        "verify": "Migration rehearsals; parallel run",
    },
    {
        "id": "INI-ERP-X",
        "text": "Customisation of the new ERP or CRM beyond its standard processes.",
        "could": True,
        "source": "Planned initiative: ERP or CRM replacement",
        "when": _initiative("erp"),
        "objective": "BO-4",
        "verify": "Design authority approval",
    },
    {
        "id": "INI-CLOUD",
        "text": "The agreed workloads{% if cloud_first_workloads %}, starting with “{{ cloud_first_workloads|trim"
        "|trim('.') }}”,{% endif %} run in the cloud, each moved with a tested rollback and no loss of data.",
        "moscow": "Should",
        "source": "Planned initiative: cloud migration",
        "when": _initiative("cloud_migration"),
        "objective": "BO-4",
        "story": "As the operations lead, I want each workload's migration rehearsed with a rollback, so "
        "that a failed move costs minutes, not days.",
        "criteria": "Each workload is migrated in a rehearsal first; the rollback is tested; data checks "
        "match before and after the move.",
        "verify": "Migration rehearsal and rollback test",
    },
    {
        "id": "INI-MOBILE",
        "text": "The core customer journeys are available in a mobile app.",
        "moscow": "Should",
        "source": "Planned initiative: mobile app",
        "when": _initiative("mobile"),
        "objective": "BO-4",
        "story": "As a customer on the move, I want the core journeys in a mobile app, so that I do not "
        "need a computer to use the service.",
        "criteria": "The core journeys pass the same acceptance tests on the app as on the web.",
        "verify": "Device test matrix",
    },
    {
        "id": "INI-MOBILE-X",
        "text": "Offline use of the mobile app, with changes synchronised when the connection returns.",
        "could": True,
        "source": "Planned initiative: mobile app",
        "when": _initiative("mobile"),
        "objective": "BO-4",
        "verify": "Device tests without a connection",
    },
    {
        "id": "INT-01",
        "text": "The solution exchanges data with {{ integrations|trim|trim('.') }}.",
        "moscow": "Must",
        "source": "Integrations",
        "when": _answered("integrations"),
        "objective": "BO-1",
        "story": "As an operations user, I want records from the connected systems to appear without "
        "re-keying, so that I work from one version of the truth.",
        "criteria": "Each interface passes end-to-end tests against the other system's test environment; "
        "failed messages are reported and can be replayed.",
        "verify": "End-to-end integration tests",
    },
    {
        "id": "INT-02",
        "text": "Each integration has an interface specification agreed with the other system's owner: "
        "the data exchanged, format, frequency, volumes and error handling.",
        "moscow": "Should",
        "source": "Integrations",
        "when": _answered("integrations"),
        "objective": "BO-1",
        "verify": "Specification signed by both owners",
    },
    {
        "id": "INT-03",
        "text": "Integrations with systems beyond those listed above.",
        "could": True,
        "source": "Integrations",
        "when": _answered("integrations"),
        "objective": "BO-1",
        "verify": "Change request",
    },
    {
        "id": "PLT-WEB",
        "text": "Works in the current versions of the major browsers and meets WCAG 2.2 level AA.",
        "moscow": "Must",
        "source": "Platforms: web",
        "when": _has("platforms", "web"),
        "objective": "BO-1",
        "story": "As a user who relies on a keyboard or a screen reader, I want every journey to work "
        "without a mouse, so that I can use the service independently.",
        "criteria": "An accessibility audit against WCAG 2.2 AA finds no unresolved failure in the journeys "
        "in scope.",
        "verify": "Accessibility audit; cross-browser tests",
    },
    {
        "id": "PLT-MOB",
        "text": "The journeys in scope behave the same on every mobile platform supported today.",
        "moscow": "Must",
        "source": "Platforms: mobile",
        "when": MOBILE_PLATFORMS,
        "objective": "BO-1",
        "verify": "Device test matrix",
    },
    {
        "id": "PLT-API",
        "text": "Changes to the public API are versioned and backwards compatible, with at least six months' "
        "notice before anything is withdrawn.",
        "moscow": "Should",
        "source": "Platforms: public API",
        "when": _has("platforms", "api"),
        "objective": "BO-1",
        "story": "As an integrating partner, I want notice of breaking changes and a versioned API, so "
        "that my integration keeps working when the platform changes.",
        "criteria": "Contract tests of the published version pass on every release; a deprecation "
        "notice is published at least six months before removal.",
        "verify": "API contract tests",
    },
    {
        "id": "NFR-QUAL",
        "text": "Every change passes automated tests before release, and deployment is scripted and "
        "repeatable by anyone on the team.",
        "moscow": "Must",
        "source": "Technical debt and delivery practices",
        "when": _any(
            _is("technical_debt", "gte", 7),
            _is("engineering_maturity.ci", "in", ["none", "adhoc"]),
            _is("engineering_maturity.testing", "in", ["none", "adhoc"]),
        ),
        "objective": "BO-5",
        "story": "As a developer, I want every change built and tested automatically before it can be "
        "deployed, so that a release never depends on one person's memory.",
        "criteria": "A change whose tests fail cannot be deployed; a deployment runs from one command or "
        "pipeline and can be rolled back the same way.",
        "verify": "Pipeline review; deployment rehearsal",
    },
    {
        "id": "NFR-REC",
        "text": "The service can be restored within {{ rto_hours|number }} hours of losing the main hosting "
        "region, and the restore has been rehearsed before go-live.",
        "moscow": "Must",
        "source": "Recovery time objective",
        "when": _answered("rto_hours"),
        "objective": "BO-5",
        "story": "As the service owner, I want the restore procedure rehearsed, so that I know the "
        "recovery time objective can be met rather than hope it can.",
        "criteria": "A restore from backup into a clean environment completes within the objective and is "
        "recorded, with the data loss measured.",
        "verify": "Recovery rehearsal",
    },
    {
        "id": "NFR-MON",
        "text": "The service is monitored, and the team is alerted to failures before customers report them.",
        "moscow": "Should",
        "source": "Monitoring practice",
        "when": _is("engineering_maturity.monitoring", "in", ["none", "adhoc"]),
        "objective": "BO-5",
        "story": "As the engineer on call, I want an alert when the service fails or slows down, so that I "
        "can act before customers notice.",
        "criteria": "A simulated outage raises an alert to the person on call within five minutes.",
        "verify": "Alerting test",
    },
    {
        "id": "WON-01",
        "text": "Anything not listed in this table, unless the sponsor approves a costed change request.",
        "moscow": "Won't (this phase)",
        "source": "Fixed budget",
        "when": BUDGET_FIXED,
        "objective": "BO-2",
        "verify": "Change control",
    },
]


def _applies(requirement: dict[str, Any], budget: dict[str, Any] | None = None) -> dict[str, Any] | None:
    conditions = [c for c in (requirement.get("when"), budget) if c]
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else _all(*conditions)


def _requirement_rows(*columns: str, stories: bool = False) -> list[dict[str, Any] | list[str]]:
    """Rows of the catalogue with the named fields as cells; a nice-to-have gives two rows, one shown."""
    rows = []
    for requirement in REQUIREMENTS:
        if stories and not requirement.get("story"):
            continue
        if requirement.get("could"):
            variants = [("Could", BUDGET_OPEN), ("Won't (this phase)", BUDGET_FIXED)]
        else:
            variants = [(requirement["moscow"], None)]
        for moscow, budget in variants:
            values = {**requirement, "moscow": moscow}
            rows.append(
                _row(*(str(values[column]) for column in columns), when=_applies(requirement, budget))
            )
    return rows


OBJECTIVES_TABLE = {
    "kind": "table",
    "title": "Business objectives",
    "columns": ["ID", "Objective", "Measure of success"],
    "rows": [
        _row(
            "BO-1",
            "Solve the stated business problem: " + PROBLEM + ".",
            "A baseline and target agreed with the sponsor before build, measured again after release.",
        ),
        _row(
            "BO-2",
            "Put the first release live by {{ first_release_date }}.",
            "Go-live signed off by the sponsor on or before the date.",
            when=_answered("first_release_date"),
        ),
        _row(
            "BO-3",
            "{% if " + REGULATIONS_KNOWN + " %}Comply with {{ regulations }} and protect the data held."
            "{% else %}Protect the personal and sensitive data the solution holds.{% endif %}",
            "No open finding from the data protection review{% if regulations and ('sox' in "
            "regulations.values or 'hipaa' in regulations.values or 'pci' in regulations.values) %} or "
            "the compliance control review{% endif %} at go-live.",
            when=_any(
                SENSITIVE, _has("regulations", "gdpr"), REGULATED, _is("sensitive_data", "eq", "unsure")
            ),
        ),
        _row(
            "BO-4",
            "Deliver " + INITIATIVES + ".",
            "The Must requirements of each initiative accepted by their business owners.",
            when=_any(
                *(
                    _initiative(v)
                    for v in ("cloud_migration", "new_product", "data_platform", "ai", "erp", "mobile")
                )
            ),
        ),
        _row(
            "BO-5",
            "Run reliably and securely in production.",
            "{% if rto_hours %}Recovery within {{ rto_hours|number }} hours rehearsed; {% endif %}no release "
            "without passing automated tests; no critical vulnerability open for more than 14 days.",
            when=_any(FRAGILE, _initiative("security"), _answered("rto_hours")),
        ),
    ],
}

# ----------------------------------------------------------------- shared blocks

STAKEHOLDER_ROWS = [
    _row(
        "Sponsor",
        "{% if technology_leader %}{{ company }}'s executive leadership{% else %}{{ company }}'s founders "
        "and leadership{% endif %}",
        "Owns the business case, the budget and the release date; approves scope and changes.",
        "High",
    ),
    _row(
        "Technology lead",
        "{{ technology_leader }}",
        "Accountable for architecture, delivery capacity and the non-functional requirements.",
        "High",
        when=_answered("technology_leader"),
    ),
    _row(
        "Technology lead",
        "To be named (no CTO or head of technology today)",
        "Someone must own technical decisions and trade-offs; until named, the founders carry this role.",
        "High",
        when=_all(NO_TECH_LEAD, _is("technology_leader", "is_empty")),
    ),
    _row(
        "Delivery team",
        "{{ engineer_count|number }} engineers",
        "Build and run the solution; need stable priorities and clear acceptance criteria.",
        "{% if engineer_count >= 50 %}Medium{% else %}High{% endif %}",
        when=_answered("engineer_count"),
    ),
    _row(
        "Data protection officer",
        "Named by {{ company }}",
        "Needs a lawful basis, retention and protection recorded for every use of personal data.",
        "High",
        when=_any(_has("regulations", "gdpr"), SENSITIVE),
    ),
    _row(
        "Finance and internal audit",
        "Financial controller; external auditor",
        "Need SOX controls over every system that feeds financial reporting, with evidence.",
        "High",
        when=_has("regulations", "sox"),
    ),
    _row(
        "Privacy and security officer",
        "HIPAA privacy and security officers",
        "Need minimum-necessary access to health information and a complete audit trail.",
        "High",
        when=_has("regulations", "hipaa"),
    ),
    _row(
        "Payments owner",
        "Finance, with the payment provider",
        "Need card data kept out of scope and the provider's PCI DSS attestation on file.",
        "Medium",
        when=_has("regulations", "pci"),
    ),
    _row(
        "Owners of connected systems",
        "{{ integrations|trim|trim('.') }}",
        "Must agree each interface, provide test environments and schedule changes on their side.",
        "Medium",
        when=_answered("integrations"),
    ),
    _row(
        "Pilot and first customers",
        "Early adopters of the new product",
        "Want the core problem solved reliably; their renewal decides whether the product succeeds.",
        "High",
        when=_initiative("new_product"),
    ),
    _row(
        "Data owners and report users",
        "Operations and finance managers",
        "Need agreed definitions of measures and trustworthy, timely data.",
        "Medium",
        when=_any(_initiative("data_platform"), _initiative("ai")),
    ),
    _row(
        "Process owners",
        "Heads of the functions the ERP or CRM serves",
        "Must agree the to-be processes and sign off migrated data; bear the change in daily work.",
        "High",
        when=_initiative("erp"),
    ),
    _row(
        "Mobile users",
        "Customers and staff using the apps",
        "Expect the same journeys and data on every device.",
        "Medium",
        when=_any(MOBILE_PLATFORMS, _initiative("mobile")),
    ),
]


# ----------------------------------------------------------------- the business requirements document

BRD: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Executive summary"},
    {
        "kind": "text",
        "template": "This document sets out what the business needs from the next phase of work, so that "
        "the sponsor can approve its scope and the delivery team can plan against it.\n\n"
        + SITUATION
        + "\n\n"
        + BUDGET_SENTENCE
        + " "
        + FIRST_RECOMMENDATION,
    },
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    {"kind": "heading", "text": "Document control"},
    {
        "kind": "table",
        "title": "About this document",
        "columns": ["Item", "Detail"],
        "rows": [
            _row("Prepared for", "{{ company }}"),
            _row("Contact for questions", "{{ contact_email }}", when=_answered("contact_email")),
            _row("Technology lead", "{{ technology_leader }}", when=_answered("technology_leader")),
            _row("Status", "Draft for review and sign-off by the sponsor"),
            _row("Sign-off required from", "The sponsor and the technology lead"),
        ],
    },
    {"kind": "heading", "text": "Background"},
    {
        "kind": "text",
        "template": "{% if mission %}{{ company }} describes its purpose as: “{{ mission|trim|trim('.') }}”. "
        "{% endif %}{% if product_description %}Its main product, in its own words: "
        "“{{ product_description|trim|trim('.') }}”.{% endif %}"
        "\n\n{% if platforms %}The product runs on " + PLATFORMS + "{% if architecture %}, built as "
        "{{ architecture|lower }}{% endif %}{% if hosting %} and hosted on " + HOSTING + "{% endif %}. "
        "{% endif %}{% if technical_debt %}Technical debt is rated {{ technical_debt|out_of(10) }}"
        "{% if technical_debt >= 7 %}, high enough that new requirements will cost more to build and test "
        "than they would on a sound base{% elif technical_debt <= 4 %}, low enough not to constrain the new "
        "requirements{% endif %}.{% endif %}"
        "{% if anything_else %}\n\nFurther context from {{ company }}: “{{ anything_else|trim|trim('.') }}”."
        "{% endif %}",
    },
    {"kind": "heading", "text": "Business objectives"},
    {
        "kind": "text",
        "template": "Every requirement in this document traces to one of the objectives below; a "
        "requirement that serves none of them is out of scope. Each objective has a measure, so that "
        "the sponsor can tell after the release whether it was met.",
    },
    OBJECTIVES_TABLE,
    {
        "kind": "text",
        "when": _answered("ai_use_cases"),
        "template": "The AI use cases in view are: “{{ ai_use_cases|trim|trim('.') }}”. They serve BO-1 only "
        "if they change a decision the business makes today; the requirement below (INI-AI) holds the "
        "first of them to a measured improvement over the current method.",
    },
    {"kind": "heading", "text": "Scope"},
    {"kind": "heading", "text": "In scope", "level": 2},
    {
        "kind": "text",
        "template": "The phase covers the work needed to meet the objectives above"
        "{% if planned_initiatives %}: " + INITIATIVES + "{% endif %}"
        "{% if platforms %}, on " + PLATFORMS + "{% endif %}"
        "{% if integrations %}, with integrations to {{ integrations|trim|trim('.') }}{% endif %}."
        "\n\nIt includes the compliance, security and reliability work those objectives require, "
        "business acceptance of each requirement, and the handover to whoever runs the solution "
        "in production.",
    },
    {
        "kind": "text",
        "when": _initiative("new_product"),
        "template": "For the new product launch, scope is the smallest feature set that solves the stated "
        "problem for the first customers, plus what is needed to measure whether they keep using it.",
    },
    {
        "kind": "text",
        "when": _initiative("erp"),
        "template": "For the ERP or CRM replacement, scope includes process design, data migration and "
        "reconciliation, training and the parallel run; it excludes re-creating the old system's "
        "customisations unless a business case shows they are needed.",
    },
    {
        "kind": "text",
        "when": _any(_initiative("data_platform"), _initiative("ai")),
        "template": "For the data{% if 'ai' in planned_initiatives.values %} and AI{% endif %} work, scope "
        "includes the agreed catalogue of measures, the pipelines from source systems{% if 'ai' in "
        "planned_initiatives.values %} and the first AI use case through to production with monitoring"
        "{% endif %}.",
    },
    {"kind": "heading", "text": "Out of scope", "level": 2},
    {
        "kind": "table",
        "title": "Out of scope unless the sponsor approves a change request",
        "columns": ["Item", "Reason"],
        "rows": [
            _row(
                "Requirements marked Won't, and any requirement not listed below",
                "Not needed to meet the objectives.",
            ),
            _row(
                "Native mobile apps",
                "The product runs on " + PLATFORMS + " today, and no mobile app is planned.",
                when=_all(
                    _is("planned_initiatives", "not_contains", "mobile"),
                    _is("platforms", "not_contains", "ios"),
                    _is("platforms", "not_contains", "android"),
                ),
            ),
            _row(
                "A change of hosting",
                "No cloud migration is planned{% if hosting %}; hosting stays on " + HOSTING + "{% endif %}.",
                when=_is("planned_initiatives", "not_contains", "cloud_migration"),
            ),
            _row(
                "Replacing back-office systems (ERP or CRM)",
                "Not among the planned initiatives.",
                when=_is("planned_initiatives", "not_contains", "erp"),
            ),
            _row(
                "AI and machine-learning features",
                "Not among the planned initiatives.",
                when=_is("planned_initiatives", "not_contains", "ai"),
            ),
            _row(
                "Changes to business processes the requirements do not need",
                "They would add cost and change without serving an objective.",
            ),
        ],
    },
    {"kind": "heading", "text": "Stakeholders"},
    {
        "kind": "table",
        "title": "Who has a stake in the requirements",
        "columns": ["Stakeholder", "Who", "Interest", "Influence"],
        "rows": STAKEHOLDER_ROWS,
    },
    {"kind": "heading", "text": "Requirements"},
    {
        "kind": "text",
        "template": "Requirements are ranked with MoSCoW. Must: the release fails without it, legally or "
        "commercially. Should: important, but the release still works without it for a short time. "
        "Could: valuable, taken only when the Must and Should requirements are safe. Won't (this "
        "phase): agreed and recorded, but not delivered now; it returns to the next phase's "
        "prioritisation.\n\n"
        "{% if budget_flexibility and budget_flexibility >= 4 %}With a budget rated "
        "{{ budget_flexibility|out_of(5) }} for fixedness, every nice-to-have below is Won't for this "
        "phase: the Must and Should requirements are the baseline the budget buys, and anything added "
        "later displaces something of equal cost.{% elif budget_flexibility %}With a budget rated "
        "{{ budget_flexibility|out_of(5) }} for fixedness, nice-to-haves stay Could: the sponsor can fund "
        "them once the Must requirements are safe, in the order shown.{% endif %} Identifiers are fixed "
        "per requirement so that they can be traced into the specification, the stories and the tests.",
    },
    {
        "kind": "table",
        "title": "Business requirements",
        "columns": ["ID", "Requirement", "Priority (MoSCoW)", "Source"],
        "rows": _requirement_rows("id", "text", "moscow", "source"),
    },
    {"kind": "heading", "text": "Assumptions and constraints"},
    {
        "kind": "table",
        "title": "Constraints",
        "columns": ["Constraint", "Detail"],
        "rows": [
            _row(
                "Time",
                "The first release must be live by {{ first_release_date }}.",
                when=_answered("first_release_date"),
            ),
            _row(
                "Budget",
                "{{ " + BUDGET_MAP + "[budget_flexibility]|capitalize }}"
                " ({{ budget_flexibility|out_of(5) }}){% if technology_budget %}, within an annual "
                "technology budget of {{ technology_budget|money }}{% endif %}.",
                when=_answered("budget_flexibility"),
            ),
            _row(
                "Budget",
                "Within an annual technology budget of {{ technology_budget|money }}.",
                when=_all(_is("budget_flexibility", "is_empty"), _answered("technology_budget")),
            ),
            _row(
                "Regulation",
                "The solution must comply with {{ regulations }}; these obligations are requirements, not options.",
                when=_all(_answered("regulations"), _is("regulations", "not_contains", "none")),
            ),
            _row(
                "Capacity",
                "{{ engineer_count|number }} engineers{% if engineer_count < 10 %}, who also run the live "
                "service: every requirement competes with support work{% else %}, shared with the rest "
                "of the technology portfolio: the phase needs its own committed team{% endif %}.",
                when=_answered("engineer_count"),
            ),
            _row(
                "Platform",
                "The existing hosting (" + HOSTING + "){% if architecture %} and architecture "
                "({{ architecture|lower }}){% endif %}, unless a requirement says otherwise.",
                when=_answered("hosting"),
            ),
        ],
    },
    {
        "kind": "table",
        "title": "Assumptions",
        "columns": ["Assumption", "If it proves false"],
        "rows": [
            _row(
                "The sponsor, or a named deputy, is available each week to answer questions and accept "
                "finished work.",
                "Decisions wait, and the team builds on guesses; raise it with the sponsor at once.",
            ),
            _row(
                "The measure of success for BO-1 and its baseline can be taken from data {{ company }} "
                "already holds.",
                "Add a requirement to capture the measure before build starts.",
            ),
            _row(
                "The owners of the connected systems provide test environments and agree interface "
                "changes in time for integration testing.",
                "Integration testing slips; escalate through the sponsor to the system's owner.",
                when=_answered("integrations"),
            ),
            _row(
                "Source data is good enough for the agreed measures"
                "{% if 'ai' in planned_initiatives.values %} and for training the first model{% endif %}.",
                "A data-quality workstream is added before reports or models are built.",
                when=_any(_initiative("data_platform"), _initiative("ai")),
            ),
            _row(
                "The ERP or CRM product is selected before design starts.",
                "Design of every process that touches it waits for the selection.",
                when=_initiative("erp"),
            ),
        ],
    },
    {"kind": "heading", "text": "Acceptance approach"},
    {
        "kind": "text",
        "template": "Each requirement is accepted against criteria written before it is built. "
        "{% if delivery_methodology %}"
        "{% if delivery_methodology.value in ['scrum', 'kanban'] %}With " + METHOD + ", the product owner "
        "accepts each story at the end of its iteration against its criteria, and the sponsor accepts "
        "the release as a whole after a final end-to-end test.{% elif delivery_methodology.value == "
        "'waterfall' %}With a waterfall plan, acceptance is a user acceptance test phase before "
        "go-live, run by business users against scripts traced to each requirement.{% elif "
        "delivery_methodology.value == 'hybrid' %}With a mix of methods, stories are accepted iteration "
        "by iteration, and a formal user acceptance test before go-live covers the end-to-end processes "
        "and the regulated controls.{% else %}There is no formal delivery process today, so acceptance "
        "needs one simple rule: nothing is released until the person who asked for it has checked it "
        "against its criteria, and the sponsor signs off the release.{% endif %}{% endif %}"
        "\n\n{% if " + REGULATIONS_KNOWN + " %}Compliance requirements ({{ regulations }}) are accepted "
        "on evidence: the data protection review{% if 'sox' in regulations.values %}, a control "
        "walkthrough with internal audit{% endif %}{% if 'hipaa' in regulations.values %}, the HIPAA "
        "risk assessment{% endif %}{% if 'pci' in regulations.values %}, the PCI DSS self-assessment"
        "{% endif %}.{% endif %} Non-functional requirements are accepted on measurement, not opinion: "
        "a rehearsed restore, a passing pipeline, an accessibility audit.",
    },
    {"kind": "heading", "text": "Recommendations"},
    {"kind": "recommendations", "title": "Recommendations, in order of priority"},
    {"kind": "risks", "title": "Risks of not acting"},
    {"kind": "heading", "text": "Next steps"},
    {
        "kind": "table",
        "title": "Next steps",
        "columns": ["Step", "Who", "When"],
        "rows": [
            _row(
                "Review this document and record corrections",
                "Sponsor and technology lead",
                "Within two weeks",
            ),
            _row(
                "Confirm the MoSCoW ranking, every Must above all, and sign off the requirements as the baseline",
                "Sponsor",
                "Within four weeks",
            ),
            _row(
                "Give each recommendation an owner and a date{% if recommendations %}, starting with "
                "“{{ recommendations[0].title }}”{% endif %}",
                "Sponsor",
                "Within four weeks",
            ),
            _row(
                "Write the functional specification and user stories against the baseline",
                "Business analyst with the delivery team",
                "After sign-off",
            ),
            _row(
                "Date the milestones backwards from the release date",
                "Project manager",
                "After sign-off, before build starts",
                when=_answered("first_release_date"),
            ),
            _row("Put every later change through a costed change request", "Sponsor", "Until go-live"),
        ],
    },
]


# ----------------------------------------------------------------- shared pieces of the other types


def _summary(purpose: str) -> dict[str, Any]:
    """The executive summary's text: what the document is for, then the situation and the first advice."""
    return {
        "kind": "text",
        "template": purpose + "\n\n" + SITUATION + "\n\n" + BUDGET_SENTENCE + " " + FIRST_RECOMMENDATION,
    }


def _opening(purpose: str) -> list[dict[str, Any]]:
    return [
        {"kind": "heading", "text": "Executive summary"},
        _summary(purpose),
        {"kind": "findings", "title": "The three most important findings", "limit": 3},
    ]


def _closing(*steps: dict[str, Any] | list[str]) -> list[dict[str, Any]]:
    return [
        {"kind": "heading", "text": "Recommendations"},
        {"kind": "recommendations", "title": "Recommendations, in order of priority"},
        {"kind": "risks", "title": "Risks of not acting"},
        {"kind": "heading", "text": "Next steps"},
        {"kind": "table", "title": "Next steps", "columns": ["Step", "Who", "When"], "rows": list(steps)},
    ]


MATURITY_CHART = {
    "kind": "chart",
    "chart": "radar",
    "key": "engineering_maturity",
    "caption": "Maturity of the engineering practices delivery depends on",
}
WEAK = ["none", "adhoc"]
STRONG = ["measured", "optimised"]


def _weak(row: str) -> dict[str, Any]:
    return _is(f"engineering_maturity.{row}", "in", WEAK)


# ----------------------------------------------------------------- functional specification


def _mentions(field: str, *words: str) -> dict[str, Any]:
    """The free-text answer ``field`` mentions any of ``words`` (case-insensitive)."""
    return _any(*(_is(field, "contains", word) for word in words))


FORECASTING = _mentions("product_description", "forecast", "predict", "demand")
LOGISTICS = _mentions("product_description", "booking", "tracking", "routing", "freight", "shipment")
OTHER_PRODUCT = _all(
    *(
        _is("product_description", "not_contains", word)
        for word in ("forecast", "predict", "demand", "booking", "tracking", "routing", "freight", "shipment")
    )
)
GDPR = _has("regulations", "gdpr")
SOX = _has("regulations", "sox")
PROTECTED = _any(SENSITIVE, _initiative("security"), REGULATED)
INTERNATIONAL_WORDS = ("europe", "international", "global", "countries", "worldwide")
INTERNATIONAL = _mentions("mission", *INTERNATIONAL_WORDS)
DOMESTIC = _all(*(_is("mission", "not_contains", word) for word in INTERNATIONAL_WORDS))


def _spec(title: str, when: dict[str, Any] | None, *rows: dict[str, Any] | list[str]) -> dict[str, Any]:
    """A feature's inputs, outputs, rules and exceptions as a table."""
    block: dict[str, Any] = {
        "kind": "table",
        "title": title,
        "columns": ["Item", "Specification"],
        "rows": list(rows),
    }
    if when:
        block["when"] = when
    return block


CORE_SPEC: list[dict[str, Any]] = [
    _spec(
        "F-CORE: forecasting from till exports",
        FORECASTING,
        _row(
            "Input",
            "A till or point-of-sale export per shop in CSV, covering at least eight weeks of sales; files "
            "from the common till systems are recognised by their columns, others mapped once by the user.",
        ),
        _row(
            "Validation",
            "Rows with an unknown product, a missing quantity or a date outside the file's range are "
            "listed with their line numbers; the rest of the file is accepted, never silently dropped.",
        ),
        _row(
            "Output",
            "Next month's predicted units per product and week, with a low and a high figure, and the date "
            "of the sales data it is based on.",
        ),
        _row(
            "Rule: enough history",
            "A product with fewer than eight weeks of sales shows “not enough history yet” instead of a "
            "figure; a forecast is never shown without its range.",
        ),
        _row(
            "Rule: recalculation",
            "A new import recalculates the affected shop's forecast; the previous forecast is kept for the "
            "accuracy report.",
        ),
        _row(
            "Rule: accuracy shown",
            "Once a month has passed, each forecast is compared with actual sales and the error per product "
            "is shown beside the next forecast, so that a shop knows how far to trust it.",
        ),
        _row(
            "Exception",
            "If an import or a forecast run fails, the previous forecast stays visible with its date and a "
            "plain message; the shop's user and the support address are told.",
        ),
    ),
    {
        "kind": "text",
        "when": FORECASTING,
        "template": "Example: a shop's owner uploads twelve weeks of till exports on a Monday morning. The "
        "import accepts 4,870 rows and lists 30 whose product code is new, which the owner matches to "
        "existing products or adds. The forecast then shows, for each product and each week of the next "
        "month, a central figure with a low and a high one; a product that sold on only three weeks shows "
        "“not enough history yet”. A month later the accuracy view shows how far each figure was from "
        "actual sales, and the next forecast carries that error beside it.",
    },
    {
        "kind": "table",
        "title": "F-CORE: screens of the forecasting journey",
        "when": FORECASTING,
        "columns": ["Screen", "What the user does", "What is saved"],
        "rows": [
            _row(
                "Shops",
                "Adds a shop with its name, address and till system",
                "The shop, assigned to the user",
            ),
            _row(
                "Upload",
                "Chooses a till export and the shop it belongs to",
                "The file and an import in the pending state",
            ),
            _row(
                "Import result",
                "Sees rows accepted and rejected, with reasons, and can download the rejects",
                "The import's outcome",
            ),
            _row(
                "Forecast",
                "Reads next month's forecast by product and week, with its range; filters by category",
                "Nothing; the view is read-only",
            ),
            _row(
                "Accuracy",
                "Compares last month's forecast with actual sales, product by product",
                "Nothing; the view is read-only",
            ),
            _row(
                "Settings",
                "Invites colleagues, chooses notifications, sets the forecast horizon",
                "The changed settings, audited",
            ),
        ],
    },
    {
        "kind": "table",
        "title": "F-CORE: fields read from a till export",
        "when": FORECASTING,
        "columns": ["Field", "Required", "Rule"],
        "rows": [
            _row("Date of sale", "Yes", "Any common date format; the shop's time zone applies"),
            _row("Product code", "Yes", "SKU, barcode or the till's own code; matched to the product list"),
            _row("Product name", "No", "Used to suggest matches for new codes"),
            _row("Quantity", "Yes", "Whole or decimal units; refunds as negative lines, netted per day"),
            _row("Price", "No", "Used for revenue figures when present; currency from the shop's settings"),
        ],
    },
    _spec(
        "F-CORE: booking, routing and tracking",
        LOGISTICS,
        _row(
            "Input",
            "A booking: collection and delivery points, time windows, the load (units, weight, "
            "temperature class) and the customer's reference.",
        ),
        _row(
            "Output",
            "A confirmed booking with its reference, the planned collection and delivery times and, once "
            "moving, its status and estimated arrival.",
        ),
        _row(
            "Rule: capacity",
            "A booking is confirmed only against available capacity on the lane and date; otherwise the "
            "nearest alternatives are offered.",
        ),
        _row(
            "Rule: delay",
            "When the estimated arrival moves outside the delivery window, the booking is flagged and the "
            "customer and the receiving site are told.",
        ),
        _row(
            "Rule: measure",
            "Cost and on-time performance are recorded per delivery, so the business problem ("
            + PROBLEM
            + ") is measured by the system itself.",
            when=_answered("business_problems"),
        ),
        _row(
            "Exception",
            "A carrier's rejection or a vehicle breakdown returns the booking to planning with its history "
            "intact and notifies the planner.",
        ),
    ),
    _spec(
        "F-CORE: inputs, outputs and rules",
        OTHER_PRODUCT,
        _row("Input", "What the user supplies at each step, with its format and whether it is required."),
        _row("Output", "The result the business problem depends on, saved and shown to the user."),
        _row("Rule", "Each validation, calculation and state change, stated so that a tester can check it."),
        _row(
            "Exception",
            "What happens when input is invalid, a dependency fails or the user abandons the journey.",
        ),
    ),
]

FEATURE_SPECS: dict[str, dict[str, Any]] = {
    "access": _spec(
        "F-ACCESS: inputs, outputs and rules",
        PROTECTED,
        _row(
            "Input",
            "E-mail address and password, then a one-time code from an authenticator app for staff and administrators.",
        ),
        _row("Output", "A session limited to the user's roles; an audit entry for the sign-in."),
        _row(
            "Rule: invitation",
            "Users join by invitation from an administrator of their organisation; invitations expire after seven days.",
        ),
        _row(
            "Exception",
            "A lost second factor is reset only by an administrator after an identity check, and the reset is audited.",
        ),
    ),
    "product": _spec(
        "F-PRODUCT: inputs, outputs and rules",
        _initiative("new_product"),
        _row(
            "Input",
            "Name, work e-mail, organisation name and, for the first result, the customer's own data.",
        ),
        _row(
            "Output",
            "An active organisation with its first administrator, and product events for sign-up, first result and return visits.",
        ),
        _row(
            "Rule",
            "The first session leads to the first result in under fifteen minutes in moderated tests; nothing in it needs help from staff.",
        ),
        _row(
            "Rule: feedback",
            "Pilot customers can send feedback from any screen; each item is linked to the screen and the account.",
        ),
        _row("Exception", "An unconfirmed sign-up is deleted after 30 days, with its personal data."),
    ),
    "launch": {
        "kind": "table",
        "title": "F-PRODUCT: criteria for opening to further customers",
        "when": _initiative("new_product"),
        "columns": ["Criterion", "Threshold", "Measured by"],
        "rows": [
            _row(
                "Activation",
                "Most pilot customers reach their first result in their first session",
                "Product events",
            ),
            _row("Return use", "Pilot customers return at least weekly for a month", "Product events"),
            _row(
                "Reliability",
                "No outage longer than one hour in the last month of the pilot",
                "External monitoring",
            ),
            _row("Support load", "Questions per customer fall week on week", "Support log"),
            _row("Willingness to pay", "Pilot customers agree to continue on paid terms", "Signed renewals"),
        ],
    },
}

EXTRA_FEATURES: list[dict[str, Any]] = [
    {
        "kind": "heading",
        "text": "F-SECURITY: the security programme in the product",
        "level": 2,
        "when": _initiative("security"),
    },
    {
        "kind": "text",
        "when": _initiative("security"),
        "template": "Purpose: the product-facing part of the security programme (INI-SEC).\n\n"
        "Behaviour: every member of staff who can reach production or customer data signs in to the "
        "product's administration with their own account and a second factor; no account is shared"
        "{% if technical_debt_sources and 'password' in technical_debt_sources|lower %}, which retires "
        "the shared password named among the sources of technical debt{% endif %}. Secrets are read "
        "from a vault at start-up, never from the code or its configuration files. Known "
        "vulnerabilities in the product's dependencies are reported by the build and fixed within 7 "
        "days if critical and 30 days if high.",
    },
    _spec(
        "F-SECURITY: controls and how each is shown",
        _initiative("security"),
        _row(
            "Staff access",
            "A list of staff accounts, their roles and last sign-in, reviewed monthly by the product owner.",
        ),
        _row("Secrets", "A secrets scan in the build that fails on any credential found in the code."),
        _row(
            "Headers and cookies",
            "Security headers on every response; session cookies secure, HTTP-only and same-site.",
        ),
        _row("Vulnerabilities", "Open findings with their age, shown to the technology lead every week."),
    ),
    {
        "kind": "heading",
        "text": "F-OPS: operability",
        "level": 2,
        "when": FRAGILE,
    },
    {
        "kind": "text",
        "when": FRAGILE,
        "template": "Purpose: the solution can be released, watched and recovered without heroics (NFR-QUAL"
        "{% if rto_hours %}, NFR-REC{% endif %}{% if engineering_maturity and engineering_maturity.monitoring "
        "and engineering_maturity.monitoring.value in ['none', 'adhoc'] %}, NFR-MON{% endif %}).\n\n"
        "Behaviour: the application reports its health at a status endpoint that monitoring checks every "
        "minute; background work (imports, scheduled jobs, e-mails) is visible to staff with its state "
        "and can be retried from the administration screens. A maintenance mode shows customers a plain "
        "message instead of errors. Releases are run by the pipeline and can be rolled back in one step."
        "{% if anything_else %}\n\nWhy it is in scope: “{{ anything_else|trim|trim('.') }}”.{% endif %}",
    },
    _spec(
        "F-OPS: inputs, outputs and rules",
        FRAGILE,
        _row("Input", "Health checks, error rates, job states and backup results."),
        _row(
            "Output",
            "Alerts to the person on call; a status page for customers; a restore report after each rehearsal.",
        ),
        _row(
            "Rule",
            "Backups are held away from the production server and a restore is rehearsed before go-live"
            "{% if rto_hours %}, completing within {{ rto_hours|number }} hours{% endif %}.",
        ),
        _row(
            "Exception",
            "A failed backup or a job stuck for more than an hour raises an alert like an outage.",
        ),
        _row(
            "Status page",
            "Customers see current availability and any incident in progress, updated by the person on call.",
        ),
    ),
]

ROLES_SECTION: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Roles and permissions"},
    {
        "kind": "text",
        "template": "Permissions belong to roles and roles to users; nobody is given a permission directly. "
        "A user may hold several roles, and sees the union of what they allow. The table lists what each "
        "role may do; anything not listed is refused and the refusal logged.",
    },
    {
        "kind": "table",
        "title": "Permissions by role",
        "columns": ["Action", "Allowed to", "Condition"],
        "rows": [
            _row("Use the core journey", "Customer users", "Within their own organisation's data only"),
            _row(
                "Invite users and assign roles",
                "Customer administrators",
                "Cannot assign a role they do not hold",
            ),
            _row(
                "Import sales data",
                "Customer users and administrators",
                "Per shop they are assigned to",
                when=FORECASTING,
            ),
            _row(
                "View forecasts and accuracy",
                "Customer users",
                "Per shop they are assigned to",
                when=FORECASTING,
            ),
            _row(
                "Create and change bookings",
                "Customer users; planners",
                "Until the booking's cut-off",
                when=LOGISTICS,
            ),
            _row("Post tracking events", "Carriers", "Only for work assigned to them", when=LOGISTICS),
            _row(
                "Read agreed measures",
                "Operations and finance users",
                "Row-level limits by region or business unit",
                when=_initiative("data_platform"),
            ),
            _row(
                "Accept or override a model's recommendation",
                "Planners",
                "Override needs a reason",
                when=_initiative("ai"),
            ),
            _row(
                "Change financial configuration",
                "Finance administrators",
                "Second person's approval",
                when=SOX,
            ),
            _row(
                "Handle data subjects' requests", "Privacy administrators", "Every action audited", when=GDPR
            ),
            _row(
                "View audit entries",
                "Auditors and security staff",
                "Read only",
                when=_any(REGULATED, _initiative("security")),
            ),
            _row(
                "Access customer data for support",
                "Support staff",
                "Only with the customer's time-limited consent, logged",
            ),
        ],
    },
]

ENTITIES_TABLE = {
    "kind": "table",
    "title": "Data entities",
    "columns": ["Entity", "Key attributes", "Kept for"],
    "rows": [
        _row("Organisation", "Name, address, plan, time zone, administrators", "The contract plus six years"),
        _row(
            "User",
            "Name, e-mail, roles, second factor enrolled, last sign-in",
            "Until deactivated plus one year",
        ),
        _row("Shop", "Name, address, till system, opening days", "The contract", when=FORECASTING),
        _row(
            "Sales line",
            "Shop, product, date, units, price",
            "Three years, for seasonality",
            when=FORECASTING,
        ),
        _row(
            "Import",
            "File, who uploaded it, rows accepted and rejected with reasons",
            "One year",
            when=FORECASTING,
        ),
        _row(
            "Forecast",
            "Shop, horizon, lines per product and week with range, data date",
            "Three years",
            when=FORECASTING,
        ),
        _row(
            "Booking", "Parties, locations, windows, load, reference, status", "Seven years", when=LOGISTICS
        ),
        _row("Tracking event", "Shipment, time, position, status, source", "Two years", when=LOGISTICS),
        _row(
            "Measure",
            "Name, definition, owner, refresh schedule",
            "While in use",
            when=_initiative("data_platform"),
        ),
        _row(
            "Prediction",
            "Model version, inputs, output, confidence, decision taken",
            "Three years",
            when=_initiative("ai"),
        ),
        _row(
            "Data subject request",
            "Requester, type, dates received and completed, handler",
            "Three years",
            when=GDPR,
        ),
        _row(
            "Audit entry",
            "Who, what, when, from where, before and after",
            "{% if regulations and 'sox' in regulations.values %}Seven years{% else %}Two years{% endif %}",
        ),
    ],
}

REPORTS_SECTION: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Reports and notifications"},
    {
        "kind": "table",
        "title": "Reports",
        "columns": ["Report", "Audience", "Frequency", "Content"],
        "rows": [
            _row(
                "Outcome measure (BO-1)",
                "Sponsor",
                "Monthly",
                "The agreed measure of the business problem against its baseline",
            ),
            _row(
                "Forecast accuracy",
                "Shop owners; product team",
                "Monthly",
                "Error per product and shop, and its trend",
                when=FORECASTING,
            ),
            _row(
                "Pilot adoption",
                "Sponsor; product team",
                "Weekly during the pilot",
                "Sign-ups, first results, return visits, feedback",
                when=_initiative("new_product"),
            ),
            _row(
                "Delivery performance",
                "Operations managers; customers",
                "Daily",
                "On-time rate, delays by cause, cost per delivery",
                when=LOGISTICS,
            ),
            _row(
                "Load and reconciliation",
                "Data owners",
                "After each load",
                "Records loaded, differences against source",
                when=_initiative("data_platform"),
            ),
            _row(
                "Model performance",
                "Model owner",
                "Weekly",
                "Accuracy against outcomes; override rate",
                when=_initiative("ai"),
            ),
            _row(
                "Data subject requests",
                "Data protection lead",
                "Monthly",
                "Requests by type, time to complete, overdue",
                when=GDPR,
            ),
            _row(
                "Service health",
                "Sponsor; technology lead",
                "Monthly",
                "Availability, incidents and their causes, restore rehearsals",
                when=FRAGILE,
            ),
            _row(
                "Access review",
                "Managers; internal audit",
                "Quarterly",
                "Users with financial roles, decisions recorded",
                when=SOX,
            ),
        ],
    },
    {
        "kind": "table",
        "title": "Notifications",
        "columns": ["Event", "Recipient", "Channel"],
        "rows": [
            _row("Invitation, password reset, new device sign-in", "The user", "E-mail"),
            _row(
                "Import completed or failed",
                "The user who imported",
                "In the product and e-mail",
                when=FORECASTING,
            ),
            _row("New forecast ready", "Shop users", "E-mail, weekly digest by default", when=FORECASTING),
            _row("Booking confirmed or changed", "Customer contact", "E-mail and webhook", when=LOGISTICS),
            _row(
                "Delivery delayed",
                "Customer and receiving site",
                "{% if platforms and ('ios' in platforms.values or 'android' in platforms.values) %}Push "
                "notification, e-mail and webhook{% else %}E-mail and webhook{% endif %}",
                when=LOGISTICS,
            ),
            _row(
                "Load late or out of tolerance",
                "Data owner",
                "E-mail and alert",
                when=_initiative("data_platform"),
            ),
            _row("Account locked", "The user and administrators", "E-mail", when=PROTECTED),
            _row("Request due within five days", "Privacy administrators", "E-mail", when=GDPR),
        ],
    },
    {
        "kind": "text",
        "template": "Users choose which optional notifications they receive and how; messages needed for "
        "security or by contract cannot be switched off. Every notification names the record it is about "
        "and links to it; none contains more personal data than its recipient could see in the product.",
    },
]

QUALITY_SECTION: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Audit"},
    {
        "kind": "text",
        "template": "The audit log records sign-ins, changes of role, every change to "
        "{% if sensitive_data and sensitive_data.value == 'yes' %}records holding " + KINDS + "{% else %}"
        "business records{% endif %}, exports and administrative actions, each with who, what, when and "
        "from where, and the values before and after a change. Entries are written by the application, "
        "not by the people they record, and cannot be edited or deleted by anyone"
        "{% if regulations and 'sox' in regulations.values %}; they are the evidence internal audit "
        "relies on for SOX{% endif %}.",
    },
    {"kind": "heading", "text": "Accessibility"},
    {
        "kind": "text",
        "when": _has("platforms", "web"),
        "template": "Every journey in scope meets WCAG 2.2 level AA (PLT-WEB): it can be completed with a "
        "keyboard alone and with a screen reader, text reaches a contrast of 4.5 to 1, nothing relies on "
        "colour alone, forms name their errors next to the field, and content reflows to a 320-pixel "
        "width without loss.{% if product_description and ('forecast' in product_description|lower or "
        "'predict' in product_description|lower) %} Charts of forecasts come with the same figures as a "
        "table.{% endif %}",
    },
    {
        "kind": "text",
        "when": MOBILE_PLATFORMS,
        "template": "The mobile apps support the platforms' own accessibility features: dynamic text size, "
        "the screen readers, and touch targets of at least 44 points.",
    },
    {
        "kind": "text",
        "template": "Accessibility is tested in each iteration with automated checks and by hand on the "
        "main journeys, and a full audit precedes go-live.",
    },
    {"kind": "heading", "text": "Localisation"},
    {
        "kind": "text",
        "when": INTERNATIONAL,
        "template": "{{ company }} operates across borders, so the solution is built for several languages from the first release: all text is "
        "held in translation files, English is the reference language, and further languages are added "
        "without code changes. Dates, numbers and currencies follow the user's locale; times are shown "
        "in the time zone of the place they refer to.",
    },
    {
        "kind": "text",
        "when": DOMESTIC,
        "template": "The first release is in English, with all text held in translation files so that a "
        "second language needs no code change. Dates, numbers and currencies follow the user's locale, "
        "and times are shown in the time zone of the {% if product_description and ('shop' in "
        "product_description|lower or 'store' in product_description|lower) %}shop{% else %}place"
        "{% endif %} they refer to.",
    },
    {
        "kind": "table",
        "title": "Formats",
        "columns": ["Item", "Rule"],
        "rows": [
            _row("Dates", "Written in the user's locale (14 March 2027); stored in ISO 8601"),
            _row("Times", "Stored in UTC; shown in the local time zone with the zone named where it matters"),
            _row(
                "Money", "Stored in minor units with an ISO 4217 currency code; shown in the locale's format"
            ),
            _row("Numbers", "Decimal and thousands separators of the locale; units of measure stated"),
        ],
    },
]

OPEN_QUESTIONS = {
    "kind": "table",
    "title": "Open questions",
    "columns": ["Question", "Decided by", "Needed by"],
    "rows": [
        _row("Which measure, baseline and target define success for BO-1?", "Sponsor", "Before build"),
        _row(
            "How many weeks of history does a shop need before a forecast is shown?",
            "Product owner with a data scientist",
            "Before build of F-CORE",
            when=FORECASTING,
        ),
        _row(
            "Which till systems' exports are supported in the first release?",
            "Product owner",
            "Before build of F-CORE",
            when=FORECASTING,
        ),
        _row(
            "What is the cut-off for changing or cancelling a booking, and what does a late change cost?",
            "Commercial lead",
            "Before build of F-CORE",
            when=LOGISTICS,
        ),
        _row(
            "What retention period applies to each category of personal data?",
            "Data protection lead",
            "Before design sign-off",
            when=SENSITIVE,
        ),
        _row(
            "What confidence threshold must the model reach before its recommendation is shown?",
            "Model owner with operations",
            "Before shadow running",
            when=_initiative("ai"),
        ),
        _row(
            "Which system is the master of each customer and product attribute after cut-over?",
            "Design authority",
            "Before the first migration rehearsal",
            when=_initiative("erp"),
        ),
        _row(
            "Is the 99.5% availability target right for the core journey?",
            "Sponsor with the technology lead",
            "Before design sign-off",
        ),
        _row(
            "What price and terms apply to pilot customers after the pilot?",
            "Sponsor",
            "Before the pilot ends",
            when=_initiative("new_product"),
        ),
        _row(
            "Who is on call for the first release, and how are they reached?",
            "Technology lead",
            "Before go-live",
            when=FRAGILE,
        ),
    ],
}


FUNCTIONAL_SPECIFICATION: list[dict[str, Any]] = [
    *_opening(
        "This specification describes how the solution behaves, feature by feature, in enough detail to "
        "build and test it. It implements the business requirements and keeps their identifiers, so "
        "that every feature traces back to a requirement and forward to its tests."
    ),
    {"kind": "heading", "text": "Overview"},
    {
        "kind": "text",
        "template": "{% if product_description %}The solution extends {{ company }}'s product, "
        "“{{ product_description|trim|trim('.') }}”, to meet the problem set for this phase: "
        + PROBLEM
        + ". "
        "{% else %}The solution exists to meet the problem set for this phase: " + PROBLEM + ". {% endif %}"
        "{% if platforms %}It is used on " + PLATFORMS + "{% if architecture %} and built as "
        "{{ architecture|lower }}{% if microservice_count %} ({{ microservice_count|number }} services in "
        "production){% endif %}{% endif %}.{% endif %}\n\n"
        "Each feature below states its purpose, its behaviour (the main flow and the exceptions that "
        "matter), its business rules and the requirements it meets. Where a rule is not yet decided it "
        "is marked as an open question for the sponsor rather than guessed.",
    },
    {
        "kind": "table",
        "title": "Users of the solution",
        "columns": ["User", "What they do with the solution"],
        "rows": [
            _row("Customer", "Uses the core journey that solves the stated problem; manages their account."),
            _row(
                "Pilot customer",
                "Uses the new product first; their use and feedback decide what follows the launch.",
                when=_initiative("new_product"),
            ),
            _row(
                "Operations and finance user",
                "Reads the agreed measures and reports; relies on data refreshed on schedule.",
                when=_initiative("data_platform"),
            ),
            _row(
                "Planner",
                "Reviews the model's recommendations, accepts or overrides them.",
                when=_initiative("ai"),
            ),
            _row(
                "Back-office user",
                "Works the order, customer and finance processes in the new ERP or CRM.",
                when=_initiative("erp"),
            ),
            _row(
                "Integrating partner",
                "Calls the public API from their own systems.",
                when=_has("platforms", "api"),
            ),
            _row("Administrator", "Manages users, roles and settings; handles data subjects' requests."),
            _row(
                "Auditor",
                "Reviews approvals, access and change records as evidence of controls.",
                when=REGULATED,
            ),
        ],
    },
    {"kind": "heading", "text": "Features"},
    {"kind": "heading", "text": "F-CORE: the core journey", "level": 2},
    {
        "kind": "text",
        "template": "Purpose: solve the stated problem (BUS-01). The core journey is the shortest path from a "
        "user's starting point to the result the business problem depends on.\n\n"
        "Behaviour: the journey is specified step by step in the user stories, each step with its input, "
        "its validation, what is saved and what the user sees next. Errors are shown where they occur, in "
        "plain words, and never lose what the user has entered.\n\n"
        "Business rules: the measure of success for BO-1 is recorded by the journey itself (for example, "
        "a completed forecast, booking or order), so that the benefits review needs no manual counting.",
    },
    *CORE_SPEC,
    {
        "kind": "heading",
        "text": "F-ACCESS: accounts, roles and audit",
        "level": 2,
        "when": _any(SENSITIVE, _initiative("security"), REGULATED),
    },
    {
        "kind": "text",
        "when": _any(SENSITIVE, _initiative("security"), REGULATED),
        "template": "Purpose: only the right people see and change sensitive records (DAT-01"
        "{% if planned_initiatives and 'security' in planned_initiatives.values %}, INI-SEC{% endif %}).\n\n"
        "Behaviour: every user has an individual account; administrators and staff sign in with a second "
        "factor. Sessions end after 30 minutes without activity. Five failed sign-ins in a row lock the "
        "account for 15 minutes and alert an administrator. Permissions are granted by role, never to "
        "an individual directly, and a role change takes effect at the next request.\n\n"
        "Audit: every sign-in, every read or change of a sensitive record and every change of role "
        "writes an audit entry (who, what, when, from where) that no user, administrator included, can "
        "edit or delete.",
    },
    FEATURE_SPECS["access"],
    {
        "kind": "heading",
        "text": "F-PRIVACY: data subjects' rights",
        "level": 2,
        "when": _has("regulations", "gdpr"),
    },
    {
        "kind": "text",
        "when": _has("regulations", "gdpr"),
        "template": "Purpose: honour the rights GDPR gives the people whose data is held (REG-GDPR).\n\n"
        "Behaviour: an administrator can find everything held about a person, export it in a common "
        "machine-readable format, correct it, and erase it. Erasure removes the person from search, "
        "reports and exports; records that must be kept by law are kept with the personal details "
        "removed. Each request is logged with its date received, its date completed and who handled "
        "it, and requests older than 25 days are flagged.\n\n"
        "Retention: each category of personal data has a retention period, after which it is deleted or "
        "anonymised automatically.",
    },
    {
        "kind": "heading",
        "text": "F-CONTROL: change approval and segregation of duties",
        "level": 2,
        "when": _has("regulations", "sox"),
    },
    {
        "kind": "text",
        "when": _has("regulations", "sox"),
        "template": "Purpose: the controls SOX requires of systems that feed financial reporting (REG-SOX).\n\n"
        "Behaviour: no one can approve their own change, deploy their own unapproved change or grant "
        "themselves access. Changes to financial configuration (prices, tax, posting rules) need a second "
        "person's approval in the application itself. A quarterly access review lists every user with a "
        "financial role for their manager to confirm or remove; the review's outcome is kept as evidence "
        "for seven years.",
    },
    {"kind": "heading", "text": "F-PRODUCT: the new product", "level": 2, "when": _initiative("new_product")},
    {
        "kind": "text",
        "when": _initiative("new_product"),
        "template": "Purpose: bring the new product to its first customers (INI-PRODUCT).\n\n"
        "Behaviour: a customer signs up, confirms their e-mail address and reaches the core journey "
        "without a manual step by {{ company }}. The first session guides the customer to their first "
        "result with their own data. Sign-up, first result and return visits are recorded as product "
        "events, so that pilot customers' use can be measured from the first day.\n\n"
        "Out of this release: onboarding guides and customer usage reports beyond the core journey "
        "(INI-PRODUCT-X), unless the sponsor funds them.",
    },
    FEATURE_SPECS["product"],
    FEATURE_SPECS["launch"],
    {
        "kind": "heading",
        "text": "F-DATA: the data platform",
        "level": 2,
        "when": _initiative("data_platform"),
    },
    {
        "kind": "text",
        "when": _initiative("data_platform"),
        "template": "Purpose: one trusted source for the measures the business runs on (INI-DATA).\n\n"
        "Behaviour: data is loaded from each source system{% if integrations %} ({{ integrations|trim"
        "|trim('.') }}){% endif %} on a published schedule; a failed or late load is reported to the data "
        "owner and shown on the reports it affects, never silently skipped. Each measure in the catalogue "
        "has one definition, one owner and a calculation anyone can read. Users see only the data their "
        "role allows, down to the row where needed.\n\n"
        "Reconciliation: after each load, control totals are compared with the source; a difference "
        "beyond the agreed tolerance stops the affected reports from refreshing.",
    },
    {"kind": "heading", "text": "F-AI: the first AI use case", "level": 2, "when": _initiative("ai")},
    {
        "kind": "text",
        "when": _initiative("ai"),
        "template": "Purpose: put the first AI use case into production{% if ai_use_cases %}: "
        "“{{ ai_use_cases|trim|trim('.') }}”{% endif %} (INI-AI).\n\n"
        "Behaviour: the model's recommendation is shown beside the current method's, with its confidence. "
        "The user accepts or overrides it; overrides are recorded with a reason and used in retraining. "
        "When the model is unavailable or its confidence falls below the agreed threshold, the current "
        "method's result is shown instead, so the process never stops.\n\n"
        "Monitoring: accuracy against outcomes is measured weekly; a fall below the go-live threshold "
        "alerts the model's owner.",
    },
    {"kind": "heading", "text": "F-ERP: the ERP or CRM replacement", "level": 2, "when": _initiative("erp")},
    {
        "kind": "text",
        "when": _initiative("erp"),
        "template": "Purpose: replace the ERP or CRM system without loss of records (INI-ERP).\n\n"
        "Behaviour: the new system runs the agreed future processes in their standard form; each "
        "deviation from standard is a documented decision of the design authority. Master data "
        "(customers, suppliers, products, accounts) is cleansed before migration, and each migration "
        "rehearsal reports record counts and control totals against the old system.\n\n"
        "Cut-over: old and new systems run in parallel until the reconciliation is signed off by "
        "finance; the old system then becomes read-only and is archived.",
    },
    {
        "kind": "heading",
        "text": "F-CLOUD: the cloud migration",
        "level": 2,
        "when": _initiative("cloud_migration"),
    },
    {
        "kind": "text",
        "when": _initiative("cloud_migration"),
        "template": "Purpose: move the agreed workloads to the cloud (INI-CLOUD).\n\n"
        "Behaviour: each workload is moved in a rehearsal first, then for real in an agreed window. "
        "Data is checked before and after the move; the rollback is tested before the window and used "
        "if any check fails.",
    },
    {"kind": "heading", "text": "F-MOBILE: the mobile app", "level": 2, "when": _initiative("mobile")},
    {
        "kind": "text",
        "when": _initiative("mobile"),
        "template": "Purpose: the core journeys on a phone (INI-MOBILE).\n\n"
        "Behaviour: the app offers the core journeys with the same rules and data as the web, signs in "
        "with the same account and sends notifications only for events the user has chosen.",
    },
    *EXTRA_FEATURES,
    *ROLES_SECTION,
    {"kind": "heading", "text": "Data"},
    {
        "kind": "table",
        "title": "Data the solution holds",
        "columns": ["Data", "Classification", "Handling"],
        "rows": [
            _row(
                "Personal data (names, addresses, e-mail)",
                "Confidential",
                "Encrypted at rest and in transit; access by role; retention period per purpose.",
                when=_has("sensitive_data_kinds", "pii"),
            ),
            _row(
                "Health records",
                "Restricted",
                "Minimum necessary access; every access logged; never used in test environments.",
                when=_has("sensitive_data_kinds", "phi"),
            ),
            _row(
                "Payment card data",
                "Restricted",
                "Not stored: tokenised by the payment provider; card numbers never logged.",
                when=_has("sensitive_data_kinds", "cards"),
            ),
            _row(
                "Bank or financial account data",
                "Restricted",
                "Encrypted at field level; shown masked except to roles that need it; every access logged.",
                when=_has("sensitive_data_kinds", "accounts"),
            ),
            _row(
                "Data about children",
                "Restricted",
                "Collected only with the consent the law requires; minimum data; stricter retention.",
                when=_has("sensitive_data_kinds", "children"),
            ),
            _row(
                "Operational records",
                "Internal",
                "Kept for as long as the business and the law need, then archived or deleted.",
            ),
            _row(
                "Audit entries",
                "Internal",
                "Append-only; kept for seven years{% if regulations and 'sox' in regulations.values %} as SOX "
                "evidence{% endif %}.",
            ),
        ],
    },
    ENTITIES_TABLE,
    {
        "kind": "text",
        "template": "Test environments never hold live personal data: they use generated data or copies with "
        "personal details replaced.{% if backup_strategy %} Backups today: “{{ backup_strategy|trim|trim('.') }}”. "
        "{% if recovery_confidence and recovery_confidence <= 2 %}That arrangement cannot meet the recovery "
        "requirement (NFR-REC) and is replaced before go-live by backups held away from production and "
        "restored in rehearsal.{% else %}The recovery requirement (NFR-REC) keeps that arrangement and adds "
        "a timed restore before go-live.{% endif %}{% endif %}",
    },
    {"kind": "heading", "text": "Interfaces"},
    {
        "kind": "text",
        "template": "{% if integrations %}The solution exchanges data with {{ integrations|trim|trim('.') }} "
        "(INT-01). Each interface gets its own specification, agreed with the other system's owner "
        "before build, recording the items in the table below.{% else %}No third-party integration is "
        "required in this phase; any that becomes necessary is a change request.{% endif %}"
        "{% if platforms %} Users reach the solution through " + PLATFORMS + ".{% endif %}",
    },
    {
        "kind": "table",
        "title": "What each interface specification records",
        "when": _answered("integrations"),
        "columns": ["Item", "Content"],
        "rows": [
            _row("Purpose", "The business event or decision the interface serves."),
            _row("Data", "Each field exchanged, its meaning, format and which system is its master."),
            _row("Direction and timing", "Who sends, who receives; real time, scheduled or on request."),
            _row("Volumes", "Typical and peak messages or records per hour."),
            _row("Errors", "How failures are detected, reported, retried and replayed."),
            _row("Security", "Authentication, encryption and the personal data crossing the interface."),
            _row("Environments", "The other system's test environment and the data available in it."),
            _row("Owners", "A named owner on each side, and how changes are announced."),
        ],
    },
    {"kind": "heading", "text": "Non-functional requirements"},
    {
        "kind": "table",
        "title": "Non-functional requirements",
        "columns": ["Area", "Requirement", "How it is measured"],
        "rows": [
            _row(
                "Recovery",
                "Service restored within {{ rto_hours|number }} hours of losing the main hosting region "
                "(NFR-REC).",
                "A timed restore into a clean environment before go-live, then "
                "{% if recovery_confidence and recovery_confidence >= 4 %}at least as often as restores "
                "are rehearsed today{% else %}every six months{% endif %}.",
                when=_answered("rto_hours"),
            ),
            _row(
                "Availability",
                "The core journey is available 99.5% of each month outside announced maintenance.",
                "Monitoring of the core journey from outside the hosting.",
            ),
            _row(
                "Performance",
                "Pages and API calls of the core journey respond within two seconds for 95% of requests "
                "at expected peak load.",
                "A load test at peak volume before go-live.",
            ),
            _row(
                "Security",
                "Role-based access, a second factor for staff, encryption in transit and at rest (DAT-01).",
                "Security review and penetration test before go-live.",
                when=SENSITIVE,
            ),
            _row(
                "Privacy",
                "Data subjects' rights served within one month; retention enforced (REG-GDPR).",
                "Test of each right; data protection impact assessment.",
                when=_has("regulations", "gdpr"),
            ),
            _row(
                "Auditability",
                "Approvals, access and changes of financial systems kept as evidence (REG-SOX).",
                "Control walkthrough with internal audit.",
                when=_has("regulations", "sox"),
            ),
            _row(
                "Accessibility",
                "WCAG 2.2 level AA across the journeys in scope (PLT-WEB).",
                "Accessibility audit, including screen-reader and keyboard-only use.",
                when=_has("platforms", "web"),
            ),
            _row(
                "Compatibility",
                "The journeys in scope behave the same on each supported mobile platform (PLT-MOB).",
                "Tests on the agreed device matrix.",
                when=MOBILE_PLATFORMS,
            ),
            _row(
                "Observability",
                "Failures and slowdowns alert the person on call before customers report them (NFR-MON).",
                "A simulated outage raises an alert within five minutes.",
                when=_weak("monitoring"),
            ),
            _row(
                "Maintainability",
                "Every change is built and tested automatically before deployment (NFR-QUAL).",
                "A failing test blocks deployment in the pipeline.",
                when=_any(_is("technical_debt", "gte", 7), _weak("ci"), _weak("testing")),
            ),
        ],
    },
    *REPORTS_SECTION,
    *QUALITY_SECTION,
    {"kind": "heading", "text": "Acceptance"},
    {
        "kind": "text",
        "template": "Each feature is accepted when its stories meet their acceptance criteria and the "
        "requirements it cites are marked verified in the traceability matrix. Non-functional "
        "requirements are accepted on the measurement in the table above, not on inspection. "
        "{% if delivery_methodology and delivery_methodology.value in ['waterfall', 'hybrid'] %}A user "
        "acceptance test before go-live covers the end-to-end processes across features.{% else %}The "
        "sponsor accepts the release as a whole after an end-to-end test of the core journey.{% endif %}",
    },
    {"kind": "heading", "text": "Open questions"},
    OPEN_QUESTIONS,
    *_closing(
        _row(
            "Review the features and open questions with the delivery team",
            "Business analyst",
            "Within two weeks",
        ),
        _row(
            "Agree each interface specification with the other system's owner",
            "Lead solution architect",
            "Before build of the interface",
            when=_answered("integrations"),
        ),
        _row(
            "Confirm the non-functional targets, above all recovery and availability",
            "Technology lead",
            "Before design sign-off",
        ),
        _row("Sign off the specification as the basis for build and test", "Sponsor", "Within four weeks"),
    ),
]

# ----------------------------------------------------------------- user stories


# Further stories per epic, each with one acceptance scenario in Given/When/Then form.
def _scenarios(title: str, when: dict[str, Any] | None, *rows: dict[str, Any] | list[str]) -> dict[str, Any]:
    block: dict[str, Any] = {
        "kind": "table",
        "title": title,
        "columns": ["ID", "Story", "Given", "When", "Then"],
        "rows": list(rows),
    }
    if when:
        block["when"] = when
    return block


SCENARIOS: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Acceptance scenarios"},
    {
        "kind": "text",
        "template": "The stories below break the epics into slices a team can finish in one iteration. "
        "Each is accepted on its scenario, written so that it can be automated as a test: the starting "
        "state (Given), the action (When) and the observable outcome (Then).",
    },
    _scenarios(
        "Core journey",
        FORECASTING,
        _row(
            "BUS-01.2",
            "As a shop owner, I want to upload my till export, so that I get a forecast without re-keying sales.",
            "A shop with no sales history",
            "The owner uploads eight weeks of exports with two faulty rows",
            "The valid rows are imported, the two faulty rows are listed with reasons, and a forecast is offered",
        ),
        _row(
            "BUS-01.3",
            "As a shop owner, I want to see how accurate last month's forecast was, so that I know how far to trust the next.",
            "A forecast made a month ago and that month's sales imported",
            "The owner opens the accuracy view",
            "The error per product is shown, and the next forecast carries it beside each figure",
        ),
    ),
    _scenarios(
        "Core journey",
        LOGISTICS,
        _row(
            "BUS-01.2",
            "As a retailer's planner, I want to book a delivery against available capacity, so that it is confirmed at once.",
            "Capacity remains on the lane for the requested date",
            "The planner submits a booking with a delivery window",
            "The booking is confirmed with a reference and a planned arrival time",
        ),
        _row(
            "BUS-01.3",
            "As a receiving site, I want to be told when a delivery will miss its window, so that I can re-plan labour.",
            "A shipment in transit with an arrival window",
            "Its estimated arrival moves outside the window",
            "The site and the customer are notified within five minutes, with the new estimate",
        ),
    ),
    _scenarios(
        "Reliable releases",
        FRAGILE,
        _row(
            "NFR-MON.2",
            "As the engineer on call, I want an alert when the service is down, so that customers are not the first to know.",
            "Monitoring configured on the core journey",
            "The service stops responding for two minutes",
            "The person on call is alerted, and the status page shows the incident",
            when=_weak("monitoring"),
        ),
    ),
    _scenarios(
        "Trusted data",
        _initiative("data_platform"),
        _row(
            "INI-DATA.2",
            "As a data owner, I want a late or failed load reported, so that nobody decides on stale figures.",
            "A nightly load from a source system",
            "The load fails or finishes outside tolerance",
            "The data owner is alerted and affected reports show the last good figure with its date",
        ),
        _row(
            "INI-DATA.3",
            "As a regional manager, I want to see only my region's figures, so that access follows responsibility.",
            "A user with a role limited to one region",
            "They open a report covering all regions",
            "Only their region's rows are shown, and totals are calculated on those rows",
        ),
        _row(
            "INI-DATA.4",
            "As an analyst, I want each measure's definition beside its figure, so that I use it correctly.",
            "A published measure with an owner and a definition",
            "The analyst opens any report that uses it",
            "The definition, owner and last refresh time are one click away",
        ),
    ),
    _scenarios(
        "First model",
        _initiative("ai"),
        _row(
            "INI-AI.2",
            "As a planner, I want the current method's result when the model is unsure, so that planning never stops.",
            "A recommendation below the agreed confidence threshold",
            "The planner opens the decision",
            "The current method's result is shown as the default, and the model's is marked as low confidence",
        ),
        _row(
            "INI-AI.3",
            "As the model owner, I want to know when accuracy falls, so that I can retrain before planners lose trust.",
            "Weekly accuracy measured against outcomes",
            "Accuracy falls below the go-live threshold",
            "The model owner is alerted with the affected segment and the trend",
        ),
        _row(
            "INI-AI.4",
            "As a planner, I want to record why I override the model, so that it learns from my knowledge.",
            "A recommendation the planner disagrees with",
            "The planner overrides it",
            "A reason is required, and the override is stored for the next training run",
        ),
    ),
    _scenarios(
        "New back office",
        _initiative("erp"),
        _row(
            "INI-ERP.2",
            "As a finance user, I want every migration rehearsal reconciled, so that cut-over holds no surprises.",
            "A migration rehearsal has run",
            "Finance opens the reconciliation report",
            "Record counts and control totals are shown old against new, with every difference listed",
        ),
        _row(
            "INI-ERP.3",
            "As an auditor, I want the old system kept read-only after cut-over, so that history can still be checked.",
            "Reconciliation signed off and cut-over complete",
            "A user tries to change a record in the old system",
            "The change is refused; the record can still be read and exported",
        ),
    ),
    _scenarios(
        "Connected",
        _answered("integrations"),
        _row(
            "INT-01.2",
            "As an operations user, I want failed messages held for replay, so that no record is lost when a connected system is down.",
            "A connected system is unavailable",
            "Messages to it fail",
            "They are queued, the interface owner is alerted, and they are replayed in order once it returns",
        ),
        _row(
            "INT-02.2",
            "As an interface owner, I want each message traceable end to end, so that a dispute can be settled from the log.",
            "A message sent through an interface",
            "Its owner searches by business reference",
            "The message, its delivery attempts and the other system's response are shown",
        ),
    ),
    _scenarios(
        "Compliance",
        _has("regulations", "sox"),
        _row(
            "REG-SOX.2",
            "As internal audit, I want access to financial roles reviewed quarterly, so that leavers and movers lose access.",
            "A quarter has ended",
            "Each manager completes the access review",
            "Every user with a financial role is confirmed or removed, and the decisions are kept for seven years",
        ),
    ),
    _scenarios(
        "Partners",
        _has("platforms", "api"),
        _row(
            "PLT-API.2",
            "As an integrating partner, I want deprecations announced in responses, so that I see them before they break me.",
            "A field deprecated with a sunset date",
            "The partner calls an operation that returns it",
            "The response carries Deprecation and Sunset headers, and the changelog names the replacement",
        ),
    ),
]


USER_STORIES: list[dict[str, Any]] = [
    *_opening(
        "This backlog expresses the business requirements as user stories, each with the criteria that "
        "show it is done. Stories carry the identifier of the requirement they come from, so that "
        "acceptance of a story is acceptance of its part of a requirement."
    ),
    {"kind": "heading", "text": "Personas"},
    {
        "kind": "table",
        "title": "The people the stories are written for",
        "columns": ["Persona", "Goal", "What gets in their way today"],
        "rows": [
            _row(
                "The shop owner",
                "Order the right stock without guessing.",
                "Forecasts they cannot check, and sales data locked in the till.",
                when=FORECASTING,
            ),
            _row(
                "The retailer's planner",
                "Book deliveries that arrive in their window, at a known cost.",
                "Late news of delays and capacity that is only confirmed by phone.",
                when=LOGISTICS,
            ),
            _row(
                "The carrier's dispatcher",
                "Receive work and report progress without re-keying it.",
                "A different portal or format for each customer.",
                when=_all(LOGISTICS, _has("product_description", "carrier")),
            ),
            _row(
                "The sponsor",
                "See the stated problem solved by the date, within budget.",
                "Progress that cannot be measured.",
            ),
            _row(
                "The first customer",
                "Reach the product's result quickly and trust it enough to renew.",
                "Outages and releases that break what worked.",
                when=_initiative("new_product"),
            ),
            _row(
                "The engineer",
                "Ship changes without fear of breaking production.",
                "{% if technical_debt and technical_debt >= 7 %}Technical debt rated "
                "{{ technical_debt|out_of(10) }} and manual steps in every release.{% else %}Unclear "
                "priorities and late changes to scope.{% endif %}",
            ),
            _row(
                "The operations manager",
                "Decide from figures everyone agrees on.",
                "Measures defined differently in different reports.",
                when=_initiative("data_platform"),
            ),
            _row(
                "The planner",
                "Use the model's recommendation where it beats today's method.",
                "No way yet to tell whether it does.",
                when=_initiative("ai"),
            ),
            _row(
                "The finance user",
                "Close the books on the new system with balances that match.",
                "Reconciling two systems during the change.",
                when=_initiative("erp"),
            ),
            _row(
                "The integrating partner",
                "Keep their integration working as the platform changes.",
                "Unannounced changes to the interface.",
                when=_has("platforms", "api"),
            ),
            _row(
                "The data subject",
                "Know what is held about them and have it corrected or erased.",
                "Requests handled by hand, if at all.",
                when=_has("regulations", "gdpr"),
            ),
        ],
    },
    {"kind": "heading", "text": "Epics"},
    {
        "kind": "table",
        "title": "Epics and the requirements they deliver",
        "columns": ["Epic", "Goal", "Requirements"],
        "rows": [
            _row("Core journey", "Solve the stated problem and measure it.", "BUS-01"),
            _row(
                "Launch",
                "Bring the new product to its first customers.",
                "INI-PRODUCT",
                when=_initiative("new_product"),
            ),
            _row(
                "Secure by default",
                "Baseline security controls in place.",
                "INI-SEC, DAT-01",
                when=_initiative("security"),
            ),
            _row(
                "Compliance",
                "Meet {{ regulations }} with evidence.",
                "{% for r in regulations if r.value != 'none' %}REG-{{ r.value|upper }}"
                "{% if not loop.last %}, {% endif %}{% endfor %}",
                when=_any(_has("regulations", "gdpr"), REGULATED),
            ),
            _row(
                "Trusted data",
                "One definition of each measure, loaded on schedule.",
                "INI-DATA",
                when=_initiative("data_platform"),
            ),
            _row(
                "First model",
                "The first AI use case in production, measured.",
                "INI-AI",
                when=_initiative("ai"),
            ),
            _row(
                "New back office",
                "Replace the ERP or CRM without loss of records.",
                "INI-ERP",
                when=_initiative("erp"),
            ),
            _row(
                "Connected",
                "Exchange data with the connected systems.",
                "INT-01, INT-02",
                when=_answered("integrations"),
            ),
            _row(
                "Reliable releases",
                "Tested, repeatable releases and a rehearsed recovery.",
                "NFR-QUAL, NFR-REC, NFR-MON",
                when=FRAGILE,
            ),
        ],
    },
    {"kind": "heading", "text": "Stories"},
    {
        "kind": "text",
        "template": "Stories are written as “As a …, I want …, so that …”. Each acceptance criterion is a "
        "check a tester can pass or fail; a story is done only when all of its criteria pass. Stories "
        "for Could requirements are written when the sponsor funds them.",
    },
    {
        "kind": "table",
        "title": "User stories and acceptance criteria",
        "columns": ["ID", "Story", "Acceptance criteria", "Priority"],
        "rows": _requirement_rows("id", "story", "criteria", "moscow", stories=True),
    },
    *SCENARIOS,
    {"kind": "heading", "text": "Definition of done"},
    {
        "kind": "text",
        "template": "A story is done when it meets its acceptance criteria and all of the following:\n\n"
        "Its code has been reviewed by a second engineer{% if engineering_maturity and engineering_maturity.review "
        "and engineering_maturity.review.value in ['none', 'adhoc'] %} (today code review is "
        "{{ engineering_maturity.review|lower }}, so this is a change of practice){% endif %}.\n\n"
        "Automated tests cover its acceptance criteria and pass in the pipeline{% if engineering_maturity and "
        "engineering_maturity.testing and engineering_maturity.testing.value in ['none', 'adhoc'] %}; with "
        "automated testing {{ engineering_maturity.testing|lower }} today, this rule matters most{% endif %}.\n\n"
        "It is deployed to a test environment by the same scripted process that deploys to production.\n\n"
        "{% if " + REGULATIONS_KNOWN + " %}Any personal data it handles is recorded in the data protection "
        "assessment{% if 'sox' in regulations.values %}, and any change to a financial system carries a "
        "second person's approval{% endif %}.\n\n{% endif %}"
        "The product owner has accepted it.",
    },
    *_closing(
        _row(
            "Refine the top stories with the delivery team and estimate them",
            "Product owner",
            "Within two weeks",
        ),
        _row(
            "Rank the backlog against the MoSCoW priorities",
            "Product owner with the sponsor",
            "Within two weeks",
        ),
        _row(
            "Agree the definition of done and apply it from the first iteration",
            "Technology lead",
            "Before the first iteration",
        ),
        _row(
            "Plan the iterations that lead to the first release",
            "Product owner",
            "Before build starts, working back from {{ first_release_date }}",
            when=_answered("first_release_date"),
        ),
    ),
]

# ----------------------------------------------------------------- business process analysis


def _practice_today(row: str, step: str, *levels: str) -> dict[str, Any] | list[str]:
    """A step of today's process, described by the level its practice reached (none … optimised)."""
    levels_by_value = zip(("none", "adhoc", "defined", "measured", "optimised"), levels, strict=True)
    mapping = ", ".join(f"'{value}': \"{text}\"" for value, text in levels_by_value)
    template = "{{ {" + mapping + "}[engineering_maturity." + row + ".value] }}"
    return _row(step, template, when=_answered(f"engineering_maturity.{row}"))


PROCESS_ANALYSIS: list[dict[str, Any]] = [
    *_opening(
        "This analysis maps how work reaches customers today, from a request to a change running in "
        "production, where that process fails the business, how it should run, and what must change in "
        "people, process and technology to get there."
    ),
    {"kind": "heading", "text": "Current state"},
    {
        "kind": "text",
        "template": "{% if engineer_count is not none %}The team of {{ engineer_count|number }} engineers"
        "{% else %}The team{% endif %} delivers through "
        "{% if delivery_methodology %}" + METHOD + "{% else %}an unstated process{% endif %}"
        "{% if has_cto %}{% if has_cto.value == 'none' %}, without a CTO or head of technology"
        "{% elif technology_leader %}, led by {{ technology_leader }}{% endif %}{% endif %}"
        "{% if delivery_satisfaction %}; satisfaction with the speed of delivery is "
        "{{ delivery_satisfaction|out_of(10) }}{% endif %}.{% if maturity_score %} Across the five "
        "engineering practices the process depends on, maturity averages {{ maturity_score }} out of 5"
        ".{% endif %}{% if architecture %} The product is built as "
        + ARCHITECTURE
        + "{% if microservice_count %} "
        "of {{ microservice_count|number }} services{% endif %}.{% endif %}",
    },
    MATURITY_CHART,
    {
        "kind": "table",
        "title": "How a change reaches production today",
        "columns": ["Step", "Today"],
        "rows": [
            _row(
                "Request and prioritisation",
                "{% if delivery_methodology.value == 'none' %}Requests arrive by conversation and are "
                "prioritised by whoever is available; there is no single backlog.{% elif "
                "delivery_methodology.value == 'hybrid' %}Requests enter through more than one route, "
                "iterative for some teams and stage-gated for others.{% else %}Requests are ranked in a "
                "backlog and planned through " + METHOD + ".{% endif %}",
                when=_answered("delivery_methodology"),
            ),
            _practice_today(
                "review",
                "Code review",
                "Changes reach production without a second engineer reading them.",
                "Some changes are reviewed, at the author's discretion.",
                "Every change is reviewed to an agreed practice.",
                "Every change is reviewed; review time and findings are measured.",
                "Every change is reviewed, and the practice is tuned from its own measures.",
            ),
            _practice_today(
                "ci",
                "Build",
                "No automated build: changes are assembled by hand.",
                "Some code builds automatically; the rest does not.",
                "Every change is built automatically.",
                "Every change is built automatically, and build health is measured.",
                "Every change is built and checked automatically, and the pipeline is continually improved.",
            ),
            _practice_today(
                "testing",
                "Test",
                "No automated tests: checking is manual, when it happens.",
                "Some automated tests, written when someone has time.",
                "Automated tests are part of every change.",
                "Automated tests run on every change, with coverage measured.",
                "Automated tests run on every change and are tuned from failure data.",
            ),
            _row(
                "Release",
                "{% if technical_debt_sources and 'manual' in technical_debt_sources|lower %}Manual "
                "deployments, as the team reports.{% elif engineering_maturity.ci.value in ['none', 'adhoc'] "
                "%}Largely manual: without continuous integration, each release depends on the person "
                "doing it.{% else %}Through the pipeline, with automated checks.{% endif %}",
                when=_answered("engineering_maturity.ci"),
            ),
            _practice_today(
                "monitoring",
                "Operate and monitor",
                "Nothing watches the live service: customers report failures.",
                "Some alerts exist, set up case by case.",
                "The live service is monitored, with alerts to the person on call.",
                "Monitoring and alerts, with service levels measured.",
                "Monitoring and alerting tuned from incident history.",
            ),
            _practice_today(
                "incidents",
                "Incidents",
                "No incident procedure: whoever notices responds.",
                "Incidents are handled as they come, without a set procedure.",
                "A written incident procedure and an on-call rota.",
                "A written procedure, with response and recovery times measured.",
                "A rehearsed procedure, improved after each incident.",
            ),
            _row(
                "Recovery",
                "Confidence in recovering from the loss of the main hosting region: "
                "{{ recovery_confidence|out_of(5) }}{% if rto_hours %}, against an objective of "
                "{{ rto_hours|number }} hours{% endif %}.",
                when=_answered("recovery_confidence"),
            ),
        ],
    },
    {"kind": "heading", "text": "Pain points"},
    {
        "kind": "text",
        "when": _any(_weak("ci"), _weak("testing")),
        "template": "Releases depend on people, not process. With continuous integration "
        "{{ engineering_maturity.ci|lower }} and automated testing {{ engineering_maturity.testing|lower }}, "
        "nothing checks a change before it reaches customers{% if technical_debt %}, and technical debt "
        "rated {{ technical_debt|out_of(10) }} makes every change riskier{% endif %}.",
    },
    {
        "kind": "text",
        "when": _weak("monitoring"),
        "template": "Customers find failures first. Monitoring and alerting are "
        "{{ engineering_maturity.monitoring|lower }}, so an outage lasts until someone outside the team "
        "notices it.{% if anything_else %} The company's own account: “{{ anything_else|trim|trim('.') }}”."
        "{% endif %}",
    },
    {
        "kind": "text",
        "when": _is("recovery_confidence", "lte", 2),
        "template": "Recovery is untested. Confidence in recovering from the loss of the main hosting region "
        "is {{ recovery_confidence|out_of(5) }}{% if backup_strategy %}, and the backup arrangement is: "
        "“{{ backup_strategy|trim|trim('.') }}”{% endif %}.",
    },
    {
        "kind": "text",
        "when": WEAK_DELIVERY,
        "template": "Priorities are not visible. {% if delivery_methodology and delivery_methodology.value == "
        "'none' %}With no formal process, the{% else %}The{% endif %} sponsor cannot see what is being "
        "built or how far it has gone{% if delivery_satisfaction %}, which is reflected in a satisfaction "
        "score of {{ delivery_satisfaction|out_of(10) }} for the speed of delivery{% endif %}.",
    },
    {
        "kind": "text",
        "when": _is("delivery_methodology", "eq", "hybrid"),
        "template": "Two rhythms meet at the release. Iterative teams and stage-gated work "
        "{% if planned_initiatives and 'erp' in planned_initiatives.values %}(the ERP or CRM replacement "
        "above all) {% endif %}plan on different calendars, so dependencies between them surface late "
        "unless they share milestones.",
    },
    {
        "kind": "text",
        "when": _all(_is("technical_debt", "lte", 6), _answered("technical_debt_sources")),
        "template": "Debt is concentrated rather than general: “{{ technical_debt_sources|trim|trim('.') }}”. "
        "Work that touches it needs more time and testing than the rest of the estate.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "gte", 100),
        "template": "Coordination is the main cost at this scale. With {{ engineer_count|number }} engineers"
        "{% if microservice_count %} and {{ microservice_count|number }} services{% endif %}, a change that "
        "crosses teams waits on the slowest of them; the initiatives of this phase cross many.",
    },
    {"kind": "heading", "text": "Future state"},
    {
        "kind": "text",
        "template": "In the future state every change follows one path: a request enters one ranked backlog, "
        "is refined into a story with acceptance criteria, is built and reviewed, passes automated tests "
        "in a pipeline, is released by a scripted process and is watched in production by monitoring "
        "that alerts the person on call. The sponsor sees progress as requirements accepted, not as "
        "effort spent{% if first_release_date %}, against milestones dated back from "
        "{{ first_release_date }}{% endif %}.",
    },
    {
        "kind": "text",
        "when": _initiative("erp"),
        "template": "For the back office, the future state is the ERP or CRM's standard processes, adopted "
        "unless a documented business case justifies a deviation; each process has a named owner who "
        "signs off its design, its migrated data and its users' training.",
    },
    {
        "kind": "text",
        "when": _any(_initiative("data_platform"), _initiative("ai")),
        "template": "For decisions, the future state is one definition of each measure, refreshed on a known "
        "schedule{% if planned_initiatives and 'ai' in planned_initiatives.values %}, with the model's "
        "recommendation beside it where the model has proved better than today's method{% endif %}.",
    },
    {"kind": "heading", "text": "Changes"},
    {
        "kind": "table",
        "title": "What must change",
        "columns": ["Area", "Change", "Owner"],
        "rows": [
            _row(
                "People",
                "Name one accountable owner for requirements and scope.",
                "Chief executive",
                when=NO_TECH_LEAD,
            ),
            _row(
                "People",
                "Give each process in scope a named owner who signs off its design and data.",
                "Programme director",
                when=_initiative("erp"),
            ),
            _row(
                "People",
                "Name a data owner for each measure in the catalogue.",
                "Head of data",
                when=_initiative("data_platform"),
            ),
            _row(
                "Process",
                "One ranked backlog, planned and reviewed every two weeks, with a shared definition of done.",
                "Product owner",
                when=WEAK_DELIVERY,
            ),
            _row(
                "Process",
                "Shared milestones between iterative and stage-gated work, reviewed monthly.",
                "Programme director",
                when=_is("delivery_methodology", "eq", "hybrid"),
            ),
            _row(
                "Process",
                "Change control: every change to the baselined scope costed and approved by the sponsor.",
                "Project sponsor",
                when=BUDGET_FIXED,
            ),
            _row(
                "Process",
                "A written incident procedure: who is called, who decides, who tells customers.",
                "Technical lead",
                when=_weak("incidents"),
            ),
            _row(
                "Technology",
                "Continuous integration with automated tests on every change.",
                "Technical lead",
                when=_any(_weak("ci"), _weak("testing")),
            ),
            _row(
                "Technology",
                "Monitoring and alerting on the core journey.",
                "Technical lead",
                when=_weak("monitoring"),
            ),
            _row(
                "Technology",
                "Backups stored away from production and a restore rehearsed.",
                "Technical lead",
                when=_is("recovery_confidence", "lte", 2),
            ),
            _row(
                "Technology",
                "Approvals and segregation of duties enforced in the pipeline for financial systems.",
                "Head of risk and compliance",
                when=_has("regulations", "sox"),
            ),
        ],
    },
    {"kind": "roadmap", "title": "The changes as a phased plan"},
    *_closing(
        _row(
            "Walk through the current-state map with the people who do the work",
            "Business analyst",
            "Within two weeks",
        ),
        _row(
            "Agree the future-state process and its owners",
            "Sponsor with the technology lead",
            "Within four weeks",
        ),
        _row("Start the changes marked Now in the plan above", "Their owners", "This quarter"),
        _row(
            "Measure the process again: time from request to production, failed releases",
            "Technology lead",
            "After three months",
        ),
    ),
]

# ----------------------------------------------------------------- stakeholder analysis

STAKEHOLDER_ANALYSIS: list[dict[str, Any]] = [
    *_opening(
        "This analysis identifies who is affected by the next phase of work or can influence it, what each "
        "needs from it, and how each will be engaged, so that no decision waits on someone who was not "
        "consulted."
    ),
    {"kind": "heading", "text": "Stakeholders"},
    {
        "kind": "table",
        "title": "Stakeholder register",
        "columns": ["Stakeholder", "Who", "Interest", "Influence"],
        "rows": STAKEHOLDER_ROWS,
    },
    {"kind": "heading", "text": "Interests and influence"},
    {
        "kind": "text",
        "template": "{% set initiatives = planned_initiatives.values if planned_initiatives else [] %}"
        "{% set regs = regulations.values if regulations else [] %}"
        "{% set devices = platforms.values if platforms else [] %}"
        "Manage closely, because they have both high influence and high interest: "
        "{{ ['the sponsor', 'the technology lead (' ~ technology_leader ~ ')' if technology_leader else '', 'the founders acting as technology "
        "lead' if has_cto and has_cto.value == 'none' else '', 'the data protection officer' if 'gdpr' in regs "
        "else '', 'the financial controller' if 'sox' in regs else '', 'internal audit' if 'sox' in regs else '', 'the owners of the "
        "processes the ERP or CRM serves' if 'erp' in initiatives else '', 'the pilot customers, whose renewal "
        "decides the product' if 'new_product' in initiatives else '']|select|list }}. Each can stop or "
        "redirect the work, so each is consulted before decisions, not informed after them.\n\n"
        "Keep informed: {{ ['the wider delivery organisation' if engineer_count and engineer_count >= 50 else "
        "'', 'the owners of the connected systems' if integrations else '', 'data owners and report users' if "
        "'data_platform' in initiatives or 'ai' in initiatives else '', 'mobile users' if 'ios' in devices or "
        "'android' in devices else '', 'everyone whose daily work the release changes']|select|list }}.",
    },
    {
        "kind": "text",
        "when": _all(NO_TECH_LEAD, SMALL_TEAM),
        "template": "With no CTO or head of technology, the founders hold both the business and the "
        "technical decisions. That is quick while the team is {{ engineer_count|number }} engineers, but "
        "it makes the founders a bottleneck: every trade-off between features, reliability and the date "
        "waits for them.",
    },
    {
        "kind": "text",
        "when": LARGE_TEAM,
        "template": "At {{ company }}'s scale ({{ employee_count|number }} employees, {{ engineer_count|number }} "
        "engineers), the risk is not access to decision-makers but their number: a steering group with "
        "clear decision rights keeps the phase from waiting on every function in turn.",
    },
    {"kind": "heading", "text": "Engagement plan"},
    {
        "kind": "table",
        "title": "How and how often each is engaged",
        "columns": ["Stakeholder", "How", "How often"],
        "rows": [
            _row(
                "Sponsor",
                "{% if engineer_count and engineer_count >= 50 %}Steering group: progress, risks, decisions on "
                "scope{% else %}A short review of progress, risks and scope decisions{% endif %}",
                "{% if engineer_count and engineer_count >= 50 %}Monthly, and at each milestone{% else %}Weekly"
                "{% endif %}",
            ),
            _row("Technology lead", "Design authority; owns the non-functional requirements", "Weekly"),
            _row("Delivery team", "Planning and review of each iteration", "Every two weeks"),
            _row(
                "Data protection officer",
                "Reviews the data protection impact assessment and each change to personal data",
                "At design sign-off, then per change",
                when=_any(_has("regulations", "gdpr"), SENSITIVE),
            ),
            _row(
                "Finance and internal audit",
                "Control walkthroughs and evidence reviews",
                "Quarterly, and before go-live",
                when=_has("regulations", "sox"),
            ),
            _row(
                "Owners of connected systems",
                "Interface specification and joint test planning",
                "Monthly until each interface is live",
                when=_answered("integrations"),
            ),
            _row(
                "Pilot customers",
                "Interviews and observed use of each release",
                "Every release",
                when=_initiative("new_product"),
            ),
            _row(
                "Process owners",
                "Process design workshops, data sign-off, training",
                "Weekly during design and cut-over",
                when=_initiative("erp"),
            ),
            _row(
                "Data owners and report users",
                "Agreement of the measure catalogue; acceptance of reports",
                "Monthly",
                when=_any(_initiative("data_platform"), _initiative("ai")),
            ),
            _row(
                "Everyone affected", "Release notes and a short briefing before each release", "Each release"
            ),
        ],
    },
    *_closing(
        _row("Confirm the register and name each stakeholder", "Sponsor", "Within two weeks"),
        _row(
            "Set up the steering group and its terms of reference",
            "Sponsor",
            "Within four weeks",
            when=LARGE_TEAM,
        ),
        _row(
            "Hold the first engagement with each high-influence stakeholder",
            "Business analyst",
            "Within four weeks",
        ),
        _row("Review the register at each milestone", "Project manager", "Each milestone"),
    ),
]

# ----------------------------------------------------------------- gap analysis


def _practice_gap(row: str, name: str, required: str, action: str) -> dict[str, Any] | list[str]:
    return _row(name, "{{ engineering_maturity." + row + " }}", required, action, when=_weak(row))


GAP_ANALYSIS: list[dict[str, Any]] = [
    *_opening(
        "This analysis compares the capability {{ company }} has today with what the next phase requires, "
        "and sets out the action that closes each gap, in order of urgency."
    ),
    {"kind": "heading", "text": "Current capability"},
    {
        "kind": "text",
        "template": "{% if maturity_score %}Engineering practices average {{ maturity_score }} out of 5"
        "{% endif %}{% if technical_debt %}{% if maturity_score %}, with{% else %}The code base carries"
        "{% endif %} technical debt rated {{ technical_debt|out_of(10) }}{% endif %}"
        "{% if recovery_confidence %} and confidence in recovery from the loss of the main hosting region "
        "of {{ recovery_confidence|out_of(5) }}{% endif %}.{% if health_score is not none %} Taken together, "
        "technology health scores {{ health_score|number }} out of 100{% if health_score < 40 %}: the base "
        "is too weak to carry new requirements safely without first strengthening it{% elif health_score "
        ">= 70 %}: a sound base, so the gaps are specific rather than general{% else %}: workable, with "
        "specific weaknesses to close{% endif %}.{% endif %}",
    },
    MATURITY_CHART,
    {"kind": "heading", "text": "Required capability"},
    {
        "kind": "text",
        "template": "To meet "
        + PROBLEM
        + "{% if first_release_date %} by {{ first_release_date }}{% endif %}, "
        "the phase needs: a delivery process that turns ranked requirements into tested releases; "
        "engineering practices at least at “Defined” for every area, so that quality does not depend on "
        "individuals"
        "{% if " + REGULATIONS_KNOWN + " %}; controls that meet {{ regulations }} with evidence{% endif %}"
        "{% if planned_initiatives %}; and the specific capability its initiatives demand ("
        + INITIATIVES
        + "){% endif %}.",
    },
    {"kind": "heading", "text": "Gaps"},
    {
        "kind": "table",
        "title": "Gaps between today and what the phase requires",
        "columns": ["Capability", "Today", "Required", "Action"],
        "rows": [
            _row(
                "Technology leadership",
                "No CTO or head of technology",
                "A named owner of technical decisions and scope",
                "Name an accountable owner now; consider a fractional CTO.",
                when=NO_TECH_LEAD,
            ),
            _row(
                "Delivery process",
                "{% if delivery_methodology %}{{ {'scrum': 'Scrum', 'kanban': 'Kanban', 'waterfall': 'Waterfall', 'hybrid': 'A mix of methods', "
                "'none': 'No formal process'}[delivery_methodology.value] }}{% else %}Not stated{% endif %}"
                "{% if delivery_satisfaction %}; speed rated {{ delivery_satisfaction|out_of(10) }}{% endif %}",
                "One ranked backlog on a fixed cadence, with a definition of done",
                "Introduce a two-week planning and review rhythm.",
                when=WEAK_DELIVERY,
            ),
            _practice_gap(
                "ci",
                "Continuous integration",
                "Every change built and tested automatically",
                "A pipeline on every repository; failing builds block release.",
            ),
            _practice_gap(
                "testing",
                "Automated testing",
                "Tests cover each story's acceptance criteria",
                "Write tests with each story; start with the core journey.",
            ),
            _practice_gap(
                "review",
                "Code review",
                "Every change reviewed by a second engineer",
                "Require an approving review before merge.",
            ),
            _practice_gap(
                "monitoring",
                "Monitoring and alerting",
                "Failures alert the team before customers notice",
                "Monitor the core journey from outside; alert the person on call.",
            ),
            _practice_gap(
                "incidents",
                "Incident response",
                "A written procedure and a named person on call",
                "Write the procedure; review each incident without blame.",
            ),
            _row(
                "Recovery",
                "Confidence {{ recovery_confidence|out_of(5) }}{% if rto_hours %}; objective "
                "{{ rto_hours|number }} hours{% endif %}",
                "A restore rehearsed within the objective",
                "Move backups away from production and rehearse a restore.",
                when=_is("recovery_confidence", "lte", 3),
            ),
            _row(
                "Security assurance",
                "No security certification",
                "Evidence that controls work{% if " + REGULATIONS_KNOWN + " %}, for {{ regulations }} "
                "compliance{% endif %}",
                "Baseline controls now; choose a certification for next year.",
                when=_all(_has("security_certifications", "none"), _any(SENSITIVE, _answered("regulations"))),
            ),
            _row(
                "Privacy",
                "Personal data held; no impact assessment for this phase yet",
                "A data protection impact assessment with owners",
                "Complete the assessment before design sign-off.",
                when=_any(_has("regulations", "gdpr"), SENSITIVE),
            ),
            _row(
                "Financial controls",
                "{{ security_certifications }} in place",
                "SOX controls over every system feeding financial reporting",
                "Write the controls into requirements and tests.",
                when=_all(_has("regulations", "sox"), _answered("security_certifications")),
            ),
            _row(
                "Integration",
                "Interfaces not yet specified",
                "An agreed specification per connected system",
                "Agree specifications with each system's owner.",
                when=_answered("integrations"),
            ),
            _row(
                "Data",
                "Measures not yet defined in one place",
                "One governed definition of each measure",
                "Agree the measure catalogue and its owners.",
                when=_initiative("data_platform"),
            ),
            _row(
                "Machine learning",
                "No model in production",
                "A model measured against today's method",
                "Set acceptance criteria per use case.",
                when=_initiative("ai"),
            ),
            _row(
                "Back-office processes",
                "Processes shaped by the current system",
                "Agreed future processes on the new system's standards",
                "Map future processes before configuration.",
                when=_initiative("erp"),
            ),
            _row(
                "Capacity",
                "{{ engineer_count|number }} engineers, also running the live service",
                "Time ring-fenced for the phase",
                "Protect a share of each iteration for the phase's Must requirements.",
                when=_is("engineer_count", "lt", 10),
            ),
        ],
    },
    {
        "kind": "table",
        "title": "Strengths to build on",
        "columns": ["Capability", "Today"],
        "rows": [
            _row(
                "Continuous integration",
                "{{ engineering_maturity.ci }}",
                when=_is("engineering_maturity.ci", "in", STRONG),
            ),
            _row(
                "Automated testing",
                "{{ engineering_maturity.testing }}",
                when=_is("engineering_maturity.testing", "in", STRONG),
            ),
            _row(
                "Code review",
                "{{ engineering_maturity.review }}",
                when=_is("engineering_maturity.review", "in", STRONG),
            ),
            _row(
                "Monitoring and alerting",
                "{{ engineering_maturity.monitoring }}",
                when=_is("engineering_maturity.monitoring", "in", STRONG),
            ),
            _row(
                "Incident response",
                "{{ engineering_maturity.incidents }}",
                when=_is("engineering_maturity.incidents", "in", STRONG),
            ),
            _row(
                "Recovery",
                "Confidence {{ recovery_confidence|out_of(5) }}{% if backup_strategy %}; "
                "“{{ backup_strategy|trim|trim('.') }}”{% endif %}",
                when=_is("recovery_confidence", "gte", 4),
            ),
            _row(
                "Security assurance",
                "{{ security_certifications }}",
                when=_all(
                    _answered("security_certifications"),
                    _is("security_certifications", "not_contains", "none"),
                ),
            ),
        ],
    },
    {"kind": "heading", "text": "Actions"},
    {
        "kind": "text",
        "template": "The actions above are grouped below into recommendations with owners and dates, and laid "
        "out as a phased plan. Gaps that block the Must requirements come first; gaps that only slow the "
        "work follow.",
    },
    {"kind": "roadmap", "title": "Closing the gaps: phased plan"},
    *_closing(
        _row("Confirm the gaps and their order with the technology lead", "Sponsor", "Within two weeks"),
        _row("Name an owner and a date for each action", "Sponsor", "Within four weeks"),
        _row("Assess the gaps again, practice by practice", "Technology lead", "In six months"),
    ),
]

# ----------------------------------------------------------------- project charter

PROJECT_CHARTER: list[dict[str, Any]] = [
    *_opening(
        "This charter authorises the next phase of work at {{ company }} and records its objectives, "
        "scope, leadership, budget and milestones. Once signed, it is the reference against which "
        "changes to the project are judged."
    ),
    {"kind": "heading", "text": "Objectives"},
    OBJECTIVES_TABLE,
    {"kind": "heading", "text": "Scope"},
    {
        "kind": "text",
        "template": "In scope: the work needed to meet the objectives above{% if planned_initiatives %}, "
        "namely " + INITIATIVES + "{% endif %}{% if integrations %}, including integration with "
        "{{ integrations|trim|trim('.') }}{% endif %}, with the compliance, security and reliability work "
        "they require.\n\n"
        "Out of scope: anything the business requirements mark Won't or do not list"
        "{% if planned_initiatives and 'cloud_migration' not in planned_initiatives.values %}, a change of "
        "hosting{% endif %}{% if planned_initiatives and 'erp' not in planned_initiatives.values %}, "
        "replacement of back-office systems{% endif %}, and process changes the requirements do not need. "
        "Adding to scope needs a costed change request approved by the sponsor.",
    },
    {"kind": "heading", "text": "Governance"},
    {
        "kind": "table",
        "title": "Roles and decision rights",
        "columns": ["Role", "Who", "Decides"],
        "rows": [
            _row(
                "Sponsor",
                "{% if technology_leader %}A member of {{ company }}'s executive team{% else %}A founder of "
                "{{ company }}{% endif %}",
                "Scope, budget and date; approves change requests and the release.",
            ),
            _row(
                "Steering group",
                "Sponsor, technology lead, finance{% if regulations and 'sox' in regulations.values %}, "
                "internal audit{% endif %}{% if planned_initiatives and 'erp' in planned_initiatives.values %}, "
                "process owners{% endif %}",
                "Milestone approvals, risks beyond the project's tolerance, conflicts between initiatives.",
                when=LARGE_TEAM,
            ),
            _row(
                "Technology lead",
                "{% if technology_leader %}{{ technology_leader }}{% else %}To be named{% endif %}",
                "Architecture, technical trade-offs and the non-functional requirements.",
            ),
            _row(
                "Product owner",
                "To be named{% if has_cto and has_cto.value == 'none' %} (a founder, until the team grows)"
                "{% endif %}",
                "The order of the backlog and acceptance of each story.",
            ),
            _row(
                "Data protection officer",
                "Named by {{ company }}",
                "Whether a use of personal data may proceed.",
                when=_any(_has("regulations", "gdpr"), SENSITIVE),
            ),
            _row(
                "Design authority",
                "Technology lead with the lead architects",
                "Deviations from standard processes and from the agreed architecture.",
                when=_any(LARGE_TEAM, _initiative("erp")),
            ),
        ],
    },
    {
        "kind": "text",
        "template": "{% if engineer_count and engineer_count >= 50 %}The steering group meets monthly and at "
        "each milestone; the project reports progress as requirements accepted against the baseline, with "
        "risks and change requests for decision.{% else %}The sponsor and the technology lead review "
        "progress, risks and change requests together each week, in under an hour; decisions are "
        "written down the same day.{% endif %} A risk or change that would move the date or the budget "
        "goes to the sponsor within two working days.",
    },
    {"kind": "heading", "text": "Budget and milestones"},
    {
        "kind": "text",
        "template": "{% if technology_budget %}The annual technology budget is {{ technology_budget|money }}"
        "; the project's share of it is set when the requirements are baselined. {% endif %}"
        + BUDGET_SENTENCE,
    },
    {
        "kind": "table",
        "title": "Milestones",
        "columns": ["Milestone", "Target", "Approved by"],
        "rows": [
            _row("Charter signed", "On signature of this document", "Sponsor"),
            _row("Requirements baselined", "Within four weeks of the charter", "Sponsor"),
            _row("Design signed off", "Before build starts", "Technology lead"),
            _row(
                "Data protection impact assessment complete",
                "Before design sign-off",
                "Data protection officer",
                when=_any(_has("regulations", "gdpr"), SENSITIVE),
            ),
            _row(
                "Interfaces specified",
                "Before build of each interface",
                "Owners of both systems",
                when=_answered("integrations"),
            ),
            _row(
                "Pilot release",
                "Before the first release, to pilot customers",
                "Product owner",
                when=_initiative("new_product"),
            ),
            _row(
                "Migration rehearsal reconciled",
                "Before cut-over",
                "Finance and process owners",
                when=_initiative("erp"),
            ),
            _row("Acceptance testing complete", "Before go-live", "Sponsor"),
            _row(
                "First release live",
                "{{ first_release_date }}",
                "Sponsor",
                when=_answered("first_release_date"),
            ),
            _row("Benefits review", "Three months after the first release", "Sponsor"),
        ],
    },
    {"kind": "heading", "text": "Risks"},
    {"kind": "risks", "title": "The main risks to delivery", "limit": 5},
    {"kind": "heading", "text": "Recommendations"},
    {"kind": "recommendations", "title": "What the project should do first", "limit": 5},
    {"kind": "heading", "text": "Approval"},
    {
        "kind": "table",
        "title": "Signatures",
        "columns": ["Role", "Name", "Signature and date"],
        "rows": [
            _row("Sponsor", "", ""),
            _row("Technology lead", "{{ technology_leader }}", "", when=_answered("technology_leader")),
            _row("Technology lead", "", "", when=_is("technology_leader", "is_empty")),
            _row("Finance", "", "", when=_any(LARGE_TEAM, BUDGET_FIXED)),
        ],
    },
    {"kind": "heading", "text": "Next steps"},
    {
        "kind": "table",
        "title": "Next steps",
        "columns": ["Step", "Who", "When"],
        "rows": [
            _row("Sign the charter", "Sponsor", "Within two weeks"),
            _row("Name the product owner and any role marked to be named", "Sponsor", "Within two weeks"),
            _row("Baseline the business requirements", "Sponsor", "Within four weeks"),
            _row("Hold the first steering group", "Sponsor", "Within four weeks", when=LARGE_TEAM),
        ],
    },
]

# ----------------------------------------------------------------- requirements traceability matrix

REQUIREMENTS_TRACEABILITY: list[dict[str, Any]] = [
    *_opening(
        "This matrix traces each requirement from the business objective it serves to the way it will be "
        "verified, so that nothing is built without a reason and nothing required goes untested."
    ),
    {"kind": "heading", "text": "Objectives"},
    OBJECTIVES_TABLE,
    {"kind": "heading", "text": "Requirements"},
    {
        "kind": "text",
        "template": "Each requirement below carries the identifier it has in the business requirements, the "
        "specification and the user stories. A requirement whose objective is missing from the table "
        "above should not be built; an objective with no requirement beneath it will not be met.",
    },
    {
        "kind": "table",
        "title": "Traceability matrix",
        "columns": ["ID", "Requirement", "Objective", "Priority", "Verified by"],
        "rows": _requirement_rows("id", "text", "objective", "moscow", "verify"),
    },
    {"kind": "heading", "text": "Coverage"},
    {
        "kind": "text",
        "template": "At baseline no requirement is yet designed, built or tested. As work proceeds, the "
        "matrix records for each requirement the specification section that designs it, the stories "
        "that build it and the tests that verify it, with each test's latest result.\n\n"
        "Three rules keep the matrix honest. Every Must requirement has at least one test before the "
        "release is accepted. Every story names a requirement; a story that names none is either a "
        "missing requirement or unnecessary work. Every change request updates the matrix before it is "
        "approved{% if budget_flexibility and budget_flexibility >= 4 %}, with the Must or Should "
        "requirement it displaces, since the budget is fixed{% endif %}.",
    },
    {
        "kind": "text",
        "when": _any(_has("regulations", "gdpr"), REGULATED),
        "template": "For {{ regulations }}, the matrix is also the compliance evidence: auditors can follow "
        "each obligation to the control that meets it and the test that proves it works. Keep test "
        "results and approvals with the matrix for as long as the regulation requires.",
    },
    *_closing(
        _row(
            "Confirm each requirement's objective and verification method",
            "Business analyst",
            "Within two weeks",
        ),
        _row(
            "Link each story and test to its requirement in the team's tools",
            "Delivery team",
            "From the first iteration",
        ),
        _row(
            "Review coverage of every Must requirement",
            "Sponsor with the technology lead",
            "At each milestone",
        ),
    ),
]


BLOCKS: dict[str, list[dict[str, Any]]] = {
    "brd": BRD,
    "functional-specification": FUNCTIONAL_SPECIFICATION,
    "user-stories": USER_STORIES,
    "process-analysis": PROCESS_ANALYSIS,
    "stakeholder-analysis": STAKEHOLDER_ANALYSIS,
    "gap-analysis": GAP_ANALYSIS,
    "project-charter": PROJECT_CHARTER,
    "requirements-traceability": REQUIREMENTS_TRACEABILITY,
}

# ----------------------------------------------------------------- recommendations

BA_TYPES = [
    "brd",
    "functional-specification",
    "user-stories",
    "process-analysis",
    "stakeholder-analysis",
    "gap-analysis",
    "project-charter",
    "requirements-traceability",
]

RECOMMENDATIONS: list[dict[str, Any]] = [
    {
        "key": "ba-name-requirements-owner",
        "title": "Name one accountable owner for requirements and scope",
        "document_types": [
            "brd",
            "stakeholder-analysis",
            "project-charter",
            "user-stories",
            "process-analysis",
            "gap-analysis",
        ],
        "condition": _any(NO_TECH_LEAD, _is("delivery_methodology", "eq", "none")),
        "priority": 1,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Chief executive",
        "finding": "{{ company }} has {% if has_cto and has_cto.value == 'none' %}no CTO or head of "
        "technology{% else %}a technology lead{% endif %}{% if delivery_methodology and "
        "delivery_methodology.value == 'none' %} and no formal delivery process{% elif delivery_methodology %} "
        "and works with "
        + METHOD
        + "{% endif %}{% if engineer_count is not none %}; its {{ engineer_count|number }} engineers take "
        "requirements from whoever asks{% endif %}, and nobody is named to hold the line on scope"
        "{% if first_release_date %} before {{ first_release_date }}{% endif %}.",
        "rationale": "One owner who ranks the requirements, accepts finished work and says no to late "
        "additions is the cheapest control a small team has over scope. It takes a few hours a week, "
        "not a new hire.",
        "risk": "Priorities shift with each conversation, the team builds what was asked loudest, and the "
        "release date slips without anyone deciding that it should.",
    },
    {
        "key": "ba-backlog-and-cadence",
        "title": "Run the work from one ranked backlog on a fixed cadence",
        "document_types": [
            "user-stories",
            "project-charter",
            "process-analysis",
            "requirements-traceability",
            "gap-analysis",
            "brd",
        ],
        "condition": WEAK_DELIVERY,
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Product owner",
        "finding": "Delivery follows {% if delivery_methodology %}" + METHOD + "{% else %}no stated "
        "method{% endif %}{% if delivery_satisfaction %}, and satisfaction with its speed is "
        "{{ delivery_satisfaction|out_of(10) }}{% endif %}: work is not visible in one place, so progress "
        "towards the release cannot be measured.",
        "rationale": "One ranked backlog, a two-week rhythm of planning and review, and a visible definition "
        "of done turn the requirements into work the sponsor can follow and re-rank.",
        "risk": "Progress is reported as effort rather than finished requirements, and slippage is found at "
        "the deadline instead of weeks before it.",
    },
    {
        "key": "ba-baseline-scope",
        "title": "Baseline the scope and cost every change against the fixed budget",
        "document_types": [
            "brd",
            "project-charter",
            "requirements-traceability",
            "functional-specification",
            "gap-analysis",
        ],
        "condition": BUDGET_FIXED,
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Project sponsor",
        "finding": "The budget is " + BUDGET_WORDS + " ({{ budget_flexibility|out_of(5) }}, where 5 is "
        "completely fixed){% if planned_initiatives and planned_initiatives|length > 1 %} while "
        "{{ planned_initiatives|length }} initiatives compete for it{% endif %}{% if first_release_date %}, "
        "and the first release is due by {{ first_release_date }}{% endif %}: scope is the only variable "
        "left.",
        "rationale": "Signing off the Must and Should requirements as a baseline, recording nice-to-haves "
        "as Won't for this phase, and costing every change request before it is accepted keeps the "
        "budget and the date intact.",
        "risk": "Scope grows one reasonable request at a time until the budget or the date gives way, "
        "usually both.",
    },
    {
        "key": "ba-plan-back-from-release",
        "title": "Date the milestones backwards from the release date",
        "document_types": ["brd", "project-charter", "user-stories", "gap-analysis", "process-analysis"],
        "condition": _answered("first_release_date"),
        "priority": 2,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Project manager",
        "finding": "The first release must be live by {{ first_release_date }}{% if delivery_methodology and "
        "delivery_methodology.value != 'none' %}, delivered through "
        + METHOD
        + "{% endif %}. Requirements sign-off, the end of build, "
        "acceptance testing and cut-over each need a date of their own between now and then.",
        "rationale": "Dating each milestone backwards from {{ first_release_date }} shows now whether the "
        "Must requirements fit, while there is still time to move scope rather than the date.",
        "risk": "Acceptance testing is squeezed into the last weeks, and defects are carried into "
        "production to hold the date.",
    },
    {
        "key": "ba-data-protection-assessment",
        "title": "Complete a data protection impact assessment before design sign-off",
        "document_types": [
            "brd",
            "functional-specification",
            "requirements-traceability",
            "gap-analysis",
            "stakeholder-analysis",
            "user-stories",
        ],
        "condition": _any(_has("regulations", "gdpr"), SENSITIVE),
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Data protection officer",
        "finding": "The solution will hold "
        + KINDS
        + "{% if regulations and 'gdpr' in regulations.values %} "
        "under GDPR{% endif %}.{% if security_certifications and 'none' in security_certifications.values %} "
        "{{ company }} holds no security certification yet.{% elif security_certifications %} "
        "{{ security_certifications }} certify security controls, not the lawful use of personal data."
        "{% endif %} The obligations for that data must become requirements with owners, not a review at "
        "the end.",
        "rationale": "A data protection impact assessment names each category of personal data, its lawful "
        "basis, retention and who may see it; its results become requirements and test cases, which "
        "costs far less than retrofitting controls after build.",
        "risk": "Personal data is collected without a recorded lawful basis or retention period"
        "{% if regulations and 'gdpr' in regulations.values %}, exposing {{ company }} to fines of up to "
        "4% of worldwide turnover and to claims from the people concerned{% endif %}.",
    },
    {
        "key": "ba-regulated-controls",
        "title": "Write the regulated controls into the requirements and acceptance tests",
        "document_types": [
            "brd",
            "functional-specification",
            "requirements-traceability",
            "gap-analysis",
            "stakeholder-analysis",
            "process-analysis",
            "project-charter",
        ],
        "condition": REGULATED,
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Head of risk and compliance",
        "finding": "The solution must comply with {{ regulations }}."
        "{% if 'sox' in regulations.values %} Under SOX, every system that feeds financial reporting"
        "{% if planned_initiatives and 'erp' in planned_initiatives.values %}, the ERP or CRM replacement "
        "among them,{% endif %} needs change, access and segregation-of-duties controls the external "
        "auditor can test.{% endif %}{% if 'hipaa' in regulations.values %} Under HIPAA, every access to "
        "health information must be limited and logged.{% endif %}{% if 'pci' in regulations.values %} "
        "Under PCI DSS, any system that touches card data is in the assessor's scope.{% endif %}",
        "rationale": "Controls named as requirements are designed, built and tested with evidence; "
        "controls left to a final compliance review are waived or bolted on.",
        "risk": "An audit finding or a failed attestation after go-live, with remediation on a live system "
        "at several times the cost.",
    },
    {
        "key": "ba-interface-specifications",
        "title": "Agree an interface specification with the owner of each connected system",
        "document_types": [
            "brd",
            "functional-specification",
            "requirements-traceability",
            "stakeholder-analysis",
            "gap-analysis",
            "project-charter",
        ],
        "condition": _answered("integrations"),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Lead solution architect",
        "finding": "The solution must integrate with {{ integrations|trim|trim('.') }}. Each is owned outside "
        "the project, with its own release calendar, test environments and constraints.",
        "rationale": "A specification per interface (data exchanged, format, frequency, volumes, error "
        "handling, test environment and a named owner on both sides) fixes integration scope early and "
        "gives testing something to test against.",
        "risk": "Integrations prove harder than planned during testing, when the other system's owner has "
        "no capacity to help, and the release date slips.",
    },
    {
        "key": "ba-processes-before-erp",
        "title": "Agree the future processes before configuring the ERP or CRM",
        "document_types": [
            "brd",
            "process-analysis",
            "gap-analysis",
            "project-charter",
            "stakeholder-analysis",
        ],
        "condition": _initiative("erp"),
        "priority": 2,
        "impact": "HIGH",
        "effort": "HIGH",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Programme director",
        "finding": "An ERP or CRM replacement is planned{% if 'data_platform' in planned_initiatives.values "
        "or 'ai' in planned_initiatives.values %} in the same phase as "
        "{% if 'data_platform' in planned_initiatives.values %}the data platform{% if 'ai' in "
        "planned_initiatives.values %} and {% endif %}{% endif %}{% if 'ai' in planned_initiatives.values "
        "%}the AI work{% endif %}, which will draw their data from it{% endif %}"
        "{% if regulations and 'sox' in regulations.values %}, and the new system will feed financial "
        "reporting under SOX{% endif %}.",
        "rationale": "Agreeing the future processes, and the data they create, before configuration lets "
        "the replacement adopt standard processes where they fit and exposes the few that justify "
        "customisation. Downstream reports and models are then designed once, against the new data model.",
        "risk": "The new system is configured to repeat old workarounds, reports and models are built twice, "
        "and cut-over is dated before data migration has been rehearsed.",
    },
    {
        "key": "ba-ai-acceptance-criteria",
        "title": "Set measurable acceptance criteria for each AI use case",
        "document_types": [
            "brd",
            "functional-specification",
            "user-stories",
            "gap-analysis",
            "requirements-traceability",
        ],
        "condition": _initiative("ai"),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Head of data",
        "finding": "AI and machine learning are planned{% if ai_use_cases %}, for “{{ ai_use_cases|trim"
        "|trim('.') }}”{% endif %}. A model's output is a probability, so what counts as working must be "
        "defined before it is built.",
        "rationale": "For each use case, agree the baseline it must beat, the accuracy needed for go-live, "
        "who reviews its decisions, how drift is detected and what happens when it is wrong.",
        "risk": "A model goes live without a baseline, nobody can tell whether it helps, and trust is lost "
        "at its first visible mistake.",
    },
    {
        "key": "ba-validate-with-pilots",
        "title": "Prove the launch scope with pilot customers before adding features",
        "document_types": [
            "brd",
            "user-stories",
            "process-analysis",
            "stakeholder-analysis",
            "project-charter",
        ],
        "condition": _initiative("new_product"),
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Product owner",
        "finding": "A new product launch is planned{% if first_release_date %}, with the first release due "
        "by {{ first_release_date }}{% endif %}. Which features customers will pay and stay for is a "
        "hypothesis until pilot customers confirm it.",
        "rationale": "Releasing the Must requirements to a small group of pilot customers and measuring "
        "whether they keep using the product shows which Should and Could requirements deserve the "
        "remaining budget.",
        "risk": "Budget goes on features nobody uses while the ones that would keep customers arrive late.",
    },
    {
        "key": "ba-reliability-requirements",
        "title": "State reliability as requirements with measurable targets",
        "document_types": [
            "brd",
            "functional-specification",
            "gap-analysis",
            "user-stories",
            "requirements-traceability",
            "process-analysis",
        ],
        "condition": FRAGILE,
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Technical lead",
        "finding": "{% if technical_debt %}Technical debt is rated {{ technical_debt|out_of(10) }}{% endif %}"
        "{% if technical_debt and recovery_confidence %} and c{% elif recovery_confidence %}C{% endif %}"
        "{% if recovery_confidence %}onfidence in recovering from the loss of the main hosting region is "
        "{{ recovery_confidence|out_of(5) }}{% if rto_hours %}, against a recovery time objective of "
        "{{ rto_hours|number }} hours{% endif %}{% endif %}.{% if technical_debt_sources %} The main "
        "sources of debt: “{{ technical_debt_sources|trim|trim('.') }}”.{% endif %}",
        "rationale": "Availability, recovery time and release quality written as requirements with targets "
        "are designed, tested and funded; left implicit, they lose to features every time.",
        "risk": "Outages and failed releases continue, and each costs customers the trust the new "
        "requirements were meant to win.",
    },
    {
        "key": "ba-cloud-workload-inventory",
        "title": "Inventory workloads and their dependencies before the cloud migration",
        "document_types": [
            "brd",
            "gap-analysis",
            "process-analysis",
            "project-charter",
            "functional-specification",
        ],
        "condition": _initiative("cloud_migration"),
        "priority": 2,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Head of infrastructure",
        "finding": "A cloud migration is planned{% if hosting %} from today's hosting ({{ hosting }})"
        "{% endif %}{% if cloud_first_workloads %}, starting with “{{ cloud_first_workloads|trim|trim('.') "
        "}}”{% endif %}.",
        "rationale": "An inventory of each workload, its dependencies, data volumes and tolerance for "
        "downtime decides the order of migration and shows which workloads to move, rebuild or retire.",
        "risk": "A workload moved without its dependencies fails in production, or the migration stalls "
        "with two estates to run and pay for.",
    },
]
