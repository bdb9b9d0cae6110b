"""More of the technology family's content: security, data protection, infrastructure, handbook and API.

Blocks for five CTO types and the recommendations they draw on (keys prefixed ``security-``, ``data-``,
``infra-``, ``handbook-`` and ``api-``). docs/documents.md describes blocks, conditions and templates.
"""

from __future__ import annotations

from typing import Any

from documents.content.build import HOSTED, KINDS, STRONG, WEAK
from documents.content.build import all_ as _all
from documents.content.build import any_ as _any
from documents.content.build import is_ as _is

# ----------------------------------------------------------------- conditions


# A penetration test older than this is overdue (twelve months before this content was last reviewed;
# move it forward at each yearly review of the content).
PEN_TEST_DUE = "2025-12-01"

SENSITIVE = _is("sensitive_data", "eq", "yes")
NO_CERTIFICATION = _any(
    _is("security_certifications", "contains", "none"), _is("security_certifications", "is_empty")
)
AUDITED = _is("security_certifications", "in", ["soc2", "iso27001"])
CYBER_ESSENTIALS_ONLY = _all(
    _is("security_certifications", "contains", "cyber_essentials"),
    _is("security_certifications", "not_in", ["soc2", "iso27001"]),
)
PEN_TEST_NONE = _is("last_penetration_test", "is_empty")
PEN_TEST_OLD = _is("last_penetration_test", "lt", PEN_TEST_DUE)
PEN_TEST_RECENT = _is("last_penetration_test", "gte", PEN_TEST_DUE)
GDPR = _is("regulations", "contains", "gdpr")
SOX = _is("regulations", "contains", "sox")
FINANCIAL_DATA = _is("sensitive_data_kinds", "in", ["accounts", "cards"])
SHARED_SECRETS = _any(
    _is("technical_debt_sources", "contains", "password"),
    _is("technical_debt_sources", "contains", "secret"),
    _is("technical_debt_sources", "contains", "credential"),
    _is("technical_debt_sources", "contains", "api key"),
)

# ----------------------------------------------------------------- reusable phrases

# Where production runs, as a phrase that follows a verb: "runs {{ HOSTED }}".
# The data categories held, in lower case, or a neutral phrase.

# The closing sections every document of this module ends with.
RECOMMENDATIONS_AND_RISKS = [
    {"kind": "heading", "text": "Recommendations"},
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    {"kind": "risks", "title": "Risks of inaction", "limit": 5},
]


def _next_steps(closing: str) -> list[dict[str, Any]]:
    """The "Next steps" section: the three most urgent recommendations, then ``closing``."""
    return [
        {"kind": "heading", "text": "Next steps"},
        {
            "kind": "text",
            "template": "{% if recommendations %}The actions to take first, in order:\n\n"
            + NEXT_STEPS
            + "{% endif %}"
            + closing,
        },
    ]


# The three most urgent recommendations, as numbered next steps.
NEXT_STEPS = (
    "{% for r in recommendations[:3] %}{{ loop.index }}. {{ r.title }} — {{ r.owner }}, "
    "{{ r.phase|lower }}.\n\n{% endfor %}"
)

# ----------------------------------------------------------------- security-policy

SECURITY_POLICY: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Executive summary"},
    {
        "kind": "text",
        "when": _all(SENSITIVE, NO_CERTIFICATION),
        "template": "{{ company }} processes " + KINDS + " but holds no independent security "
        "certification{% if not last_penetration_test %}, and no penetration test is on record{% endif %}. "
        "Its protection today rests on the habits of a {{ engineer_count|number }}-person engineering team "
        "rather than on controls that anyone outside the team has checked. This policy sets the minimum "
        "each control must meet, written so that it maps onto ISO 27001 and SOC 2 when the company "
        "seeks certification, and the recommendations put the gaps in order of urgency.",
    },
    {
        "kind": "text",
        "when": _all(SENSITIVE, AUDITED),
        "template": "{{ company }} processes " + KINDS + " and holds {{ security_certifications }}. "
        "The control framework therefore exists and is audited; this policy restates it as binding rules "
        "for everyone with access to company systems, and sets out where the organisation's own "
        "obligations{% if regulations %} ({{ regulations }}){% endif %} require more than the "
        "certifications test.{% if last_penetration_test %} The most recent penetration test was "
        "completed on {{ last_penetration_test }}.{% endif %}",
    },
    {
        "kind": "text",
        "when": _all(SENSITIVE, CYBER_ESSENTIALS_ONLY),
        "template": "{{ company }} processes " + KINDS + " and holds Cyber Essentials, which covers "
        "the technical basics (firewalls, secure configuration, patching, access control and malware "
        "protection) but not how the organisation governs risk, suppliers or incidents. This policy "
        "closes that gap and prepares the ground for ISO 27001 or SOC 2.",
    },
    {
        "kind": "text",
        "when": _is("sensitive_data", "in", ["no", "unsure"]),
        "template": "{{ company }} {% if sensitive_data.value == 'no' %}reports that it processes no "
        "personal or sensitive data{% else %}has not yet established whether it processes personal or "
        "sensitive data{% endif %}. Its customers, staff and suppliers still trust it with credentials, "
        "source code and commercial information, and an inventory nearly always finds personal data in "
        "support tickets, logs and contact lists. This policy therefore applies in full, and its first "
        "action is a data inventory that confirms what is held.",
    },
    {
        "kind": "text",
        "when": _is("maturity_score", "lt", 2.5),
        "template": "The engineering practices that carry security day to day average "
        "{{ maturity_score }} out of 5. On that scale monitoring stands at “{{ "
        "engineering_maturity.monitoring|default('not assessed') }}” and incident response at “{{ "
        "engineering_maturity.incidents|default('not assessed') }}”, so a breach would most likely be discovered by a customer rather than by "
        "the team. Confidence in recovering from the loss of the main hosting is "
        "{{ recovery_confidence|out_of(5) }}.",
    },
    {
        "kind": "text",
        "when": _is("maturity_score", "gte", 2.5),
        "template": "The engineering practices that carry security day to day average "
        "{{ maturity_score }} out of 5: monitoring stands at “{{ "
        "engineering_maturity.monitoring|default('not assessed') }}” and incident response at “{{ "
        "engineering_maturity.incidents|default('not assessed') }}”. Confidence in recovering from the loss of the main hosting is "
        "{{ recovery_confidence|out_of(5) }}. The priority is to keep that evidence current and to "
        "close the specific gaps below, not to build new processes.",
    },
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    # -- scope and roles
    {"kind": "heading", "text": "Purpose and scope"},
    {
        "kind": "text",
        "template": "This policy states how {{ company }} protects the confidentiality, integrity and "
        "availability of the information it holds. It applies to all {{ employee_count|number }} "
        "employees, to contractors and suppliers with access to company systems or data, and to every "
        "environment where company data is stored or processed: production, which runs " + HOSTED + ", "
        "staging and development environments, laptops and the software-as-a-service tools staff use."
        "\n\nThe policy is mandatory. A departure from it needs a written exception, approved by the "
        "policy owner, recorded in the exceptions register with a compensating control and an expiry "
        "date of no more than twelve months.",
    },
    {"kind": "heading", "text": "Roles and responsibilities"},
    {
        "kind": "text",
        "when": _all(_is("has_cto", "eq", "full_time"), _is("technology_leader", "is_not_empty")),
        "template": "{{ technology_leader }}, owns this policy: approves it, approves exceptions and "
        "reports on security to the board at least quarterly.",
    },
    {
        "kind": "text",
        "when": _all(_is("has_cto", "eq", "full_time"), _is("technology_leader", "is_empty")),
        "template": "The Chief Technology Officer owns this policy: approves it, approves exceptions and "
        "reports on security to the board at least quarterly.",
    },
    {
        "kind": "text",
        "when": _is("has_cto", "eq", "fractional"),
        "template": "The part-time head of technology{% if technology_leader %} ({{ technology_leader }})"
        "{% endif %} owns this policy. Because a fractional role is not always reachable, a named "
        "director acts as deputy owner, with authority to invoke incident response and to approve "
        "emergency changes.",
    },
    {
        "kind": "text",
        "when": _is("has_cto", "eq", "none"),
        "template": "{{ company }} has no head of technology. Until one is appointed, a named director "
        "owns this policy and approves exceptions, and each control in the table below is assigned to a "
        "named engineer. Security decisions must not default to whoever happens to be on the keyboard.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "lt", 10),
        "template": "In a team of {{ engineer_count|number }} engineers the same people build, deploy "
        "and support the product. Separation of duties is therefore achieved by peer review of every "
        "change and by limiting standing production access to two named people; anyone else is granted "
        "time-limited access that is logged.",
    },
    {
        "kind": "text",
        "when": _all(_is("engineer_count", "gte", 10), _is("engineer_count", "lt", 100)),
        "template": "With {{ engineer_count|number }} engineers, one engineer in each team acts as "
        "security champion: the first reviewer of security-relevant changes and the link to the policy "
        "owner. Production access is granted by role and reviewed every quarter.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "gte", 100),
        "template": "With {{ engineer_count|number }} engineers, a dedicated security function sets "
        "standards, runs assurance and leads incident response, while each product team has a security "
        "champion accountable for its services. Production access is granted by role through an "
        "identity provider, approved by the service owner and recertified every quarter.",
    },
    {
        "kind": "text",
        "template": "Every member of staff completes security awareness training on joining and every "
        "year, reports suspected incidents at once, and protects the credentials and devices issued to "
        "them. Managers ensure that joiners, movers and leavers are processed on the day.",
    },
    # -- data classification
    {"kind": "heading", "text": "Data classification"},
    {
        "kind": "text",
        "template": "All information is classified by the harm its disclosure, alteration or loss would "
        "cause. The owner of a system classifies the data it holds; where data of several classes is "
        "mixed, the highest class applies to all of it.",
    },
    {
        "kind": "table",
        "title": "Classification scheme",
        "columns": ["Class", "Data held", "Handling rules"],
        "rows": [
            {
                "cells": [
                    "Restricted",
                    "Payment card data",
                    "Not stored by the company: captured by a PCI DSS compliant provider and held only as "
                    "tokens. Systems that touch card data are in PCI scope.",
                ],
                "when": _is("sensitive_data_kinds", "contains", "cards"),
            },
            {
                "cells": [
                    "Restricted",
                    "Health records",
                    "Encrypted at rest and in transit, access by named role only, every access logged and "
                    "reviewed monthly, never used in test environments.",
                ],
                "when": _is("sensitive_data_kinds", "contains", "phi"),
            },
            {
                "cells": [
                    "Restricted",
                    "Bank or financial account data",
                    "Encrypted at rest with keys the company controls, masked in user interfaces and logs, "
                    "access by named role only and logged.",
                ],
                "when": _is("sensitive_data_kinds", "contains", "accounts"),
            },
            {
                "cells": [
                    "Restricted",
                    "Data about children",
                    "Collected only where necessary, with parental consent where required, never used "
                    "for profiling, and access by named role only.",
                ],
                "when": _is("sensitive_data_kinds", "contains", "children"),
            },
            {
                "cells": [
                    "Confidential",
                    "Personal data of customers and their users (names, addresses, e-mail)",
                    "Encrypted at rest and in transit, access by role, excluded from logs and analytics "
                    "exports unless pseudonymised, deleted at the end of its retention period.",
                ],
                "when": _any(
                    _is("sensitive_data_kinds", "contains", "pii"), _is("sensitive_data", "eq", "unsure")
                ),
            },
            [
                "Confidential",
                "Credentials, encryption keys and API secrets",
                "Held only in a managed secrets store, never in source code, chat or documents; rotated "
                "when someone with access leaves.",
            ],
            [
                "Confidential",
                "Source code, architecture and security test reports",
                "Held in company repositories with multi-factor authentication; shared outside the company "
                "only under a confidentiality agreement.",
            ],
            [
                "Internal",
                "Internal documents, tickets, operational metrics",
                "Available to staff and approved contractors; not published.",
            ],
            [
                "Public",
                "Website, published documentation, marketing material",
                "Approved for publication by its owner.",
            ],
        ],
    },
    {
        "kind": "text",
        "when": SENSITIVE,
        "template": "The first rows above reflect the categories of sensitive data {{ company }} "
        "reports holding: " + KINDS + ". A new category of data, or an existing category used for a new "
        "purpose, is classified and recorded before it is collected.",
    },
    {
        "kind": "text",
        "when": _is("sensitive_data", "eq", "unsure"),
        "template": "Until a data inventory confirms what is held, all customer data is handled as "
        "Confidential. The inventory lists each system, the data it holds, its class, its owner and its "
        "retention period, and is completed within 60 days of this policy's approval.",
    },
    # -- compliance
    {"kind": "heading", "text": "Compliance obligations"},
    {
        "kind": "text",
        "when": _is("regulations", "is_not_empty"),
        "template": "{% if regulations.values == ['none'] %}{{ company }} has not identified a regulation "
        "that applies to it. Holding personal data of people in the United Kingdom or the European Union "
        "brings data protection law into play regardless of sector, so this policy assumes GDPR-equivalent "
        "duties until legal advice says otherwise.{% else %}{{ company }} must comply with "
        "{{ regulations }}. The table below states what each obligation and certification requires of "
        "this policy and where {{ company }} stands.{% endif %}",
    },
    {
        "kind": "text",
        "when": _all(SENSITIVE, _is("regulations", "is_empty")),
        "template": "No regulation was named for {{ company }}. Holding personal data of people in the "
        "United Kingdom or the European Union brings data protection law into play regardless of sector, "
        "so this policy assumes GDPR-equivalent duties until legal advice says otherwise.",
    },
    {
        "kind": "table",
        "title": "Obligations and position",
        "columns": ["Obligation", "What it requires of this policy", "Position"],
        "rows": [
            {
                "cells": [
                    "GDPR",
                    "Security appropriate to the risk (Article 32), records of processing, impact "
                    "assessments for high-risk processing, breach notification within 72 hours.",
                    "{% if security_certifications and 'iso27001' in security_certifications.values %}"
                    "Security controls audited under ISO 27001; privacy duties covered by the Data "
                    "Protection Policy.{% else %}No independent evidence of Article 32 controls yet; "
                    "privacy duties covered by the Data Protection Policy.{% endif %}",
                ],
                "when": GDPR,
            },
            {
                "cells": [
                    "HIPAA",
                    "Administrative, physical and technical safeguards for health data, business "
                    "associate agreements, breach notification.",
                    "{{ hipaa_compliant|default('Status not stated') }}.",
                ],
                "when": _any(_is("regulations", "contains", "hipaa"), _is("hipaa_compliant", "is_not_empty")),
            },
            {
                "cells": [
                    "PCI DSS",
                    "Protection of cardholder data and of every system that stores, processes or "
                    "transmits it; scope kept as small as possible.",
                    "{% if pci_dss_level %}{{ pci_dss_level }}.{% else %}Level not stated.{% endif %}",
                ],
                "when": _any(_is("regulations", "contains", "pci"), _is("pci_dss_level", "is_not_empty")),
            },
            {
                "cells": [
                    "SOX",
                    "IT general controls over systems that feed financial reporting: access, change "
                    "management, operations, with retained evidence.",
                    "In scope of the annual audit of internal control over financial reporting.",
                ],
                "when": _is("regulations", "contains", "sox"),
            },
            {
                "cells": [
                    "SOC 2",
                    "Continuous operation of the controls in the trust services criteria, evidenced for "
                    "the audit period.",
                    "Held; controls must stay evidenced between audits.",
                ],
                "when": _is("security_certifications", "contains", "soc2"),
            },
            {
                "cells": [
                    "ISO 27001",
                    "An information security management system: risk assessment, statement of "
                    "applicability, internal audit and management review.",
                    "Certified; surveillance audits each year and recertification every three years.",
                ],
                "when": _is("security_certifications", "contains", "iso27001"),
            },
            {
                "cells": [
                    "Cyber Essentials",
                    "Firewalls, secure configuration, patching, access control and malware protection.",
                    "Held; renewed every year.",
                ],
                "when": _is("security_certifications", "contains", "cyber_essentials"),
            },
            {
                "cells": [
                    "Customer assurance",
                    "Evidence customers ask for in security questionnaires and contracts.",
                    "No certification held: answered from this policy and its evidence until one is "
                    "obtained.",
                ],
                "when": NO_CERTIFICATION,
            },
        ],
    },
    {
        "kind": "text",
        "when": _is("hipaa_compliant", "in", ["no", "in_progress"]),
        "template": "{{ company }} holds health records and its HIPAA status is "
        "“{{ hipaa_compliant }}”. Until an assessment confirms the safeguards, health data is limited to "
        "the systems that strictly need it, and no new use of it starts without the policy owner's "
        "approval.",
    },
    {
        "kind": "text",
        "when": _is("pci_dss_level", "eq", "none"),
        "template": "{{ company }} handles payment card data and is not yet PCI DSS compliant. Card data "
        "must not be stored, logged or transmitted by company systems; payments move to a compliant "
        "provider's hosted fields or redirect so that the company's own scope is reduced to the "
        "self-assessment questionnaire A.",
    },
    {
        "kind": "text",
        "when": _is("regulations", "contains", "sox"),
        "template": "Because {{ company }} is subject to SOX, changes to systems that feed financial "
        "reporting need an approver other than their author, privileged access to those systems is "
        "recertified every quarter, and the evidence of both is kept for seven years.",
    },
    # -- assurance
    {"kind": "heading", "text": "Assurance"},
    {
        "kind": "text",
        "when": AUDITED,
        "template": "Certification shows that controls operated during the audit period, not that they "
        "work today. Each control owner therefore keeps its evidence continuously (access reviews, "
        "change approvals, restore tests, training records), internal audit samples the controls twice "
        "a year, and nonconformities raised by the auditors are closed within 90 days.",
    },
    {
        "kind": "text",
        "when": NO_CERTIFICATION,
        "template": "{{ company }} holds no security certification, so customers and investors have only "
        "its word for its controls. Each control in this policy maps to ISO 27001 Annex A and to the "
        "SOC 2 common criteria, so that certification later means gathering evidence rather than "
        "redesigning practices. The realistic path is Cyber Essentials first, which takes weeks, then "
        "SOC 2 Type I or ISO 27001 once the controls below have run for a quarter.",
    },
    {
        "kind": "text",
        "when": CYBER_ESSENTIALS_ONLY,
        "template": "Cyber Essentials is renewed every year. Because it checks configuration rather than "
        "governance, the policy owner also reviews the risk register and the exceptions register every "
        "quarter.",
    },
    {
        "kind": "text",
        "when": PEN_TEST_RECENT,
        "template": "The last penetration test was completed on {{ last_penetration_test }}. Tests are "
        "repeated at least every twelve months and after any major change to the architecture or "
        "authentication. Critical findings are fixed within 14 days and high findings within 30, and "
        "both are retested by the tester.",
    },
    {
        "kind": "text",
        "when": PEN_TEST_OLD,
        "template": "The last penetration test was completed on {{ last_penetration_test }}, more than "
        "twelve months ago, so its findings no longer describe the systems in production. A new test is "
        "commissioned this quarter; thereafter tests are repeated every twelve months and after any major "
        "change, critical findings are fixed within 14 days and high findings within 30.",
    },
    {
        "kind": "text",
        "when": PEN_TEST_NONE,
        "template": "No penetration test is on record. Nobody outside the team has tried to break into "
        "the product, so the first independent test is commissioned this quarter, covering the web "
        "application, its API and the cloud account. Thereafter tests are repeated every twelve months "
        "and after any major change; critical findings are fixed within 14 days and high findings within "
        "30.",
    },
    {
        "kind": "text",
        "template": "Between tests, dependencies are scanned for known vulnerabilities on every build, "
        "and operating systems and managed services are patched within 14 days of a critical security "
        "update.",
    },
    # -- operations
    {"kind": "heading", "text": "Operational controls"},
    {
        "kind": "text",
        "template": "The table sets the standard each control must meet and the position found in this "
        "review. Where the position falls short, the recommendations below say what to do first.",
    },
    {
        "kind": "table",
        "title": "Controls and current position",
        "columns": ["Control", "Standard", "Current position"],
        "rows": [
            [
                "Access control",
                "Single sign-on with multi-factor authentication for every company system; access by role, "
                "reviewed quarterly; leavers removed on their last day.",
                "{% if security_certifications and ('soc2' in security_certifications.values or "
                "'iso27001' in security_certifications.values) %}Audited under {{ security_certifications }}"
                "{% else %}Not independently verified{% endif %}.",
            ],
            [
                "Secrets management",
                "Credentials and keys in a managed secrets store, one per person or service, never shared "
                "or committed to code; rotated when someone with access leaves.",
                "{% if technical_debt_sources and ('password' in technical_debt_sources|lower or 'secret' in "
                "technical_debt_sources|lower or 'credential' in technical_debt_sources|lower) %}Shared "
                "credentials reported in production{% else %}Not assessed in this review{% endif %}.",
            ],
            [
                "Change management",
                "Every change to production is reviewed by a second engineer and passes automated build "
                "and tests before it is deployed.",
                "Continuous integration: {{ engineering_maturity.ci|default('not assessed')|lower }}; code "
                "review: {{ engineering_maturity.review|default('not assessed')|lower }}.",
            ],
            [
                "Logging and monitoring",
                "Security-relevant events logged centrally, kept for at least twelve months, with alerts "
                "on failed logins, privilege changes and unusual data access.",
                "Monitoring and alerting: {{ engineering_maturity.monitoring|default('not assessed')|lower }}.",
            ],
            [
                "Incident response",
                "A written plan with named roles, severity levels and notification duties, exercised at "
                "least once a year.",
                "Incident response: {{ engineering_maturity.incidents|default('not assessed')|lower }}.",
            ],
            [
                "Backup and recovery",
                "Backups held in a separate account or region, encrypted, and restored in a test at least "
                "every quarter.",
                "Confidence in recovery {{ recovery_confidence|out_of(5) }}"
                "{% if rto_hours is not none %}; recovery time objective {{ rto_hours|number }} hours"
                "{% endif %}.",
            ],
            {
                "cells": [
                    "Vulnerability testing",
                    "Independent penetration test every twelve months; dependency scanning on every build.",
                    "Last test {{ last_penetration_test }}.",
                ],
                "when": _is("last_penetration_test", "is_not_empty"),
            },
            {
                "cells": [
                    "Vulnerability testing",
                    "Independent penetration test every twelve months; dependency scanning on every build.",
                    "No test on record.",
                ],
                "when": PEN_TEST_NONE,
            },
            [
                "Encryption",
                "Data encrypted at rest with managed keys and in transit with TLS 1.2 or later, inside "
                "the network as well as at its edge.",
                "Not assessed in this review.",
            ],
            [
                "Suppliers",
                "Suppliers that hold company data are assessed before contract and reviewed every year; "
                "contracts include security and breach-notification clauses.",
                "Not assessed in this review.",
            ],
        ],
    },
    {
        "kind": "text",
        "when": _is("recovery_confidence", "lte", 2),
        "template": "Confidence in recovering from the loss of the main hosting is "
        "{{ recovery_confidence|out_of(5) }}. Under this policy a backup that has never been restored is "
        "not a control: backups are copied to a separate account or region that production credentials "
        "cannot delete, and a full restore is timed every quarter"
        "{% if rto_hours is not none %} against the {{ rto_hours|number }}-hour recovery time objective"
        "{% endif %}.",
    },
    {
        "kind": "text",
        "when": _is("recovery_confidence", "gte", 4),
        "template": "Confidence in recovering from the loss of the main hosting is "
        "{{ recovery_confidence|out_of(5) }}. The policy requires that confidence to stay evidenced: "
        "restore tests are recorded with their duration and the data recovered, and a failed test is "
        "treated as an incident.",
    },
    {
        "kind": "text",
        "when": _is("engineering_maturity.incidents", "in", WEAK),
        "template": "Incident response is {{ engineering_maturity.incidents|lower }} today. Until a full "
        "plan is written, the minimum applies: anyone who suspects an incident tells the policy owner at "
        "once; the owner decides severity, keeps a timeline and decides on notification"
        "{% if regulations and 'gdpr' in regulations.values %}, which under GDPR must reach the "
        "supervisory authority within 72 hours of awareness when personal data is at risk{% endif %}.",
    },
    {
        "kind": "text",
        "when": _is("engineering_maturity.incidents", "in", STRONG),
        "template": "Incident response is rated “{{ engineering_maturity.incidents }}”. Security incidents "
        "follow the same process as outages, with two additions: the policy owner is told of every "
        "suspected breach of personal data within one hour, and evidence is preserved before systems are "
        "rebuilt.",
    },
    # -- library
    *RECOMMENDATIONS_AND_RISKS,
    {"kind": "heading", "text": "Policy governance"},
    {
        "kind": "text",
        "template": "This policy is reviewed every twelve months, after any significant incident and "
        "after any material change to the organisation, its hosting or its obligations. Breaches of the "
        "policy are handled under the disciplinary procedure or the supplier's contract. The owner reports "
        "on exceptions, incidents and the progress of the recommendations to the board each quarter.",
    },
    *_next_steps(
        "The policy owner approves this policy, communicates it to all staff and contractors, and "
        "records their acknowledgement within 30 days.",
    ),
]

# ----------------------------------------------------------------- data-protection-policy

DATA_PROTECTION_POLICY: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Executive summary"},
    {
        "kind": "text",
        "when": SENSITIVE,
        "template": "{{ company }} processes " + KINDS + "{% if regulations and regulations.values != "
        "['none'] %} and must comply with {{ regulations }}{% endif %}. This policy sets out why it may "
        "use that data, how long it keeps it, how the people it concerns exercise their rights and what "
        "happens when it is exposed.",
    },
    {
        "kind": "text",
        "when": _all(SENSITIVE, _any(NO_CERTIFICATION, _is("engineering_maturity.incidents", "in", WEAK))),
        "template": "The legal duties are clear; what is missing is the means to show they are met. "
        "{% if not security_certifications or 'none' in security_certifications.values %}No independent "
        "certification vouches for the security of the data, {% endif %}{% if engineering_maturity and "
        "engineering_maturity.incidents and engineering_maturity.incidents.value in ['none', 'adhoc'] %}"
        "incident response is rated “{{ engineering_maturity.incidents }}”, so a breach could not reliably "
        "be detected, assessed and reported within the 72 hours GDPR allows, {% endif %}and confidence "
        "in recovering lost data is {{ recovery_confidence|out_of(5) }}. The recommendations below close "
        "these gaps in order of risk.",
    },
    {
        "kind": "text",
        "when": _all(SENSITIVE, AUDITED, _is("engineering_maturity.incidents", "in", STRONG)),
        "template": "The security controls beneath this policy are independently audited "
        "({{ security_certifications }}) and incident response is rated “{{ engineering_maturity.incidents "
        "}}”. The work that remains is specific to privacy: a lawful basis recorded for each purpose, "
        "retention enforced by the systems rather than by good intentions, and rights requests answered "
        "on time across every system that holds personal data.",
    },
    {
        "kind": "text",
        "when": _is("sensitive_data", "in", ["no", "unsure"]),
        "template": "{{ company }} {% if sensitive_data.value == 'no' %}reports that it processes no "
        "personal or sensitive data{% else %}has not established whether it processes personal or "
        "sensitive data{% endif %}. Every organisation holds some personal data (staff records, customer "
        "contacts, support correspondence), so this policy applies in full and begins with an inventory "
        "of what is actually held.",
    },
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    {"kind": "heading", "text": "Scope"},
    {
        "kind": "text",
        "template": "This policy covers all personal data {{ company }} collects or receives, whoever it "
        "concerns (customers and their users, staff, candidates, suppliers' contacts) and wherever it is "
        "held: the production systems, which run " + HOSTED + ", their backups, analytics stores, "
        "laptops and the software-as-a-service tools staff use. It applies to all employees and to every "
        "contractor or supplier that processes personal data on the company's behalf.",
    },
    {
        "kind": "table",
        "title": "Personal data held",
        "columns": ["Category", "Whose data", "Sensitivity"],
        "rows": [
            {
                "cells": [
                    "Contact and account data (names, addresses, e-mail)",
                    "Customers and their users",
                    "Personal data",
                ],
                "when": _is("sensitive_data_kinds", "contains", "pii"),
            },
            {
                "cells": [
                    "Health records",
                    "Patients or users",
                    "Special category data (GDPR Article 9); protected health information under HIPAA",
                ],
                "when": _is("sensitive_data_kinds", "contains", "phi"),
            },
            {
                "cells": ["Payment card data", "Paying customers", "Cardholder data under PCI DSS"],
                "when": _is("sensitive_data_kinds", "contains", "cards"),
            },
            {
                "cells": [
                    "Bank or financial account data",
                    "Customers, suppliers or their staff",
                    "High risk: direct financial harm if exposed",
                ],
                "when": _is("sensitive_data_kinds", "contains", "accounts"),
            },
            {
                "cells": [
                    "Data about children",
                    "Children and their parents",
                    "High risk: additional protection",
                ],
                "when": _is("sensitive_data_kinds", "contains", "children"),
            },
            [
                "Employment records",
                "Staff, contractors and candidates",
                "Personal data, some special category",
            ],
            ["Business contacts", "Suppliers', partners' and prospects' staff", "Personal data"],
            [
                "System and security logs",
                "Anyone who uses the product",
                "Personal data (identifiers, IP addresses)",
            ],
        ],
    },
    {"kind": "heading", "text": "Roles and accountability"},
    {
        "kind": "text",
        "when": _is("employee_count", "gte", 250),
        "template": "With {{ employee_count|number }} employees, {{ company }} keeps full records of "
        "processing activities (GDPR Article 30) and a Data Protection Officer who reports to the board, "
        "advises on impact assessments and is the contact point for the supervisory authority. Each "
        "business unit names an owner for the personal data its systems hold.",
    },
    {
        "kind": "text",
        "when": _is("employee_count", "lt", 250),
        "template": "With {{ employee_count|number }} employees, {{ company }} names a data protection "
        "lead, who need not be full-time, accountable for this policy, for the record of processing and "
        "for answering requests and breaches.{% if sensitive_data_kinds and ('phi' in "
        "sensitive_data_kinds.values or 'children' in sensitive_data_kinds.values) %} Because it processes "
        "special category data or data about children, it also assesses whether a formal Data Protection "
        "Officer is required.{% endif %}",
    },
    {"kind": "heading", "text": "Lawful basis"},
    {
        "kind": "text",
        "template": "Personal data is processed only for a stated purpose and on a lawful basis recorded "
        "before processing starts. Data collected for one purpose is not used for another unless the new "
        "purpose is compatible or a new basis applies. The table records the bases for the main purposes.",
    },
    {
        "kind": "table",
        "title": "Purposes and lawful bases",
        "columns": ["Purpose", "Lawful basis", "Conditions"],
        "rows": [
            [
                "Providing the service to customers",
                "Contract",
                "Only the data the service needs; nothing collected for possible later use.",
            ],
            [
                "Invoicing, accounting and tax",
                "Legal obligation",
                "{% if regulations and 'sox' in regulations.values %}Financial records kept for seven "
                "years under SOX.{% else %}Kept for the statutory period.{% endif %}",
            ],
            [
                "Security, fraud prevention and logs",
                "Legitimate interests",
                "Balancing test recorded; logs minimised and kept for twelve months.",
            ],
            [
                "Product analytics",
                "Legitimate interests; consent for non-essential cookies",
                "Pseudonymised where possible; users told in the privacy notice and able to object.",
            ],
            [
                "Marketing to customers and prospects",
                "Consent, or legitimate interests for existing customers",
                "Opt-out in every message; suppression list kept.",
            ],
            {
                "cells": [
                    "Processing health records",
                    "Explicit consent or provision of health care (Article 9(2)(a) or (h))",
                    "Impact assessment required; access by named role only.",
                ],
                "when": _is("sensitive_data_kinds", "contains", "phi"),
            },
            {
                "cells": [
                    "Services offered to children",
                    "Consent of a parent below the age of digital consent",
                    "Age-appropriate design; no profiling or marketing.",
                ],
                "when": _is("sensitive_data_kinds", "contains", "children"),
            },
            {
                "cells": [
                    "Training or running AI and machine-learning models",
                    "Legitimate interests, after a compatibility test",
                    "Impact assessment before any personal data is used; opt-out honoured.",
                ],
                "when": _is("planned_initiatives", "contains", "ai"),
            },
        ],
    },
    {
        "kind": "text",
        "when": _is("planned_initiatives", "in", ["ai", "data_platform"]),
        "template": "The planned {% if 'data_platform' in planned_initiatives.values %}data platform"
        "{% if 'ai' in planned_initiatives.values %} and AI work{% endif %}{% else %}AI work{% endif %} "
        "will bring personal data together from systems collected for different purposes. Before any "
        "personal data enters it, the data protection lead records the purpose, checks it is compatible "
        "with the original one, and decides whether the data can be pseudonymised or aggregated instead.",
    },
    {"kind": "heading", "text": "Retention"},
    {
        "kind": "text",
        "template": "Personal data is kept no longer than its purpose requires. Each system's owner applies "
        "the periods below, and deletion is carried out by scheduled jobs rather than by hand. Backups "
        "expire on a rolling cycle, so deleted data leaves the backups within that cycle.",
    },
    {
        "kind": "table",
        "title": "Retention schedule",
        "columns": ["Data", "Kept for", "Then"],
        "rows": [
            ["Customer account and contact data", "The contract and twelve months after it ends", "Deleted"],
            [
                "Invoices and accounting records",
                "{% if regulations and 'sox' in regulations.values %}Seven years{% else %}Six years"
                "{% endif %}",
                "Deleted",
            ],
            {
                "cells": [
                    "Bank or financial account details",
                    "Until the last payment under the contract is settled",
                    "Deleted; tokens retained only where needed for refunds",
                ],
                "when": _is("sensitive_data_kinds", "contains", "accounts"),
            },
            {
                "cells": ["Health records", "As required by health-records law for the service", "Deleted"],
                "when": _is("sensitive_data_kinds", "contains", "phi"),
            },
            ["Support tickets and correspondence", "Two years after closure", "Deleted or anonymised"],
            ["System and security logs", "Twelve months", "Deleted"],
            ["Backups", "35 days, rolling", "Overwritten"],
            ["Unsuccessful candidates' data", "Six months after the decision", "Deleted"],
        ],
    },
    {
        "kind": "text",
        "when": _is("recovery_confidence", "lte", 2),
        "template": "Backups currently give little assurance that data can be recovered (confidence "
        "{{ recovery_confidence|out_of(5) }}). Loss of personal data is itself a breach under GDPR, so "
        "the backup improvements in the recommendations serve this policy as much as the recovery plan.",
    },
    {"kind": "heading", "text": "Data subject rights"},
    {
        "kind": "text",
        "template": "People may ask to see, correct, delete, restrict, object to or take away their data. "
        "Every request is logged on receipt, the requester's identity is verified in proportion to the "
        "data involved, and the answer is sent within one month; an extension of up to two further "
        "months is used only for complex requests, and the requester is told why within the first "
        "month. Requests are free unless manifestly unfounded or excessive.",
    },
    {
        "kind": "text",
        "when": _is("architecture", "eq", "microservices"),
        "template": "With personal data spread across {% if microservice_count %}about "
        "{{ microservice_count|number }} services{% else %}many services{% endif %}, a request must reach "
        "every one of them. {{ company }} keeps a data map listing which services hold which categories, "
        "and erasure is published as an event that each service consumes and confirms, so that completion "
        "can be proven rather than assumed.",
    },
    {
        "kind": "text",
        "when": _is("architecture", "in", ["monolith", "modular"]),
        "template": "In a single application, access and erasure can be built as one administrative "
        "function that exports or deletes a person's data across the database, file storage and search "
        "index. It is built before request volumes make manual handling error-prone, and it excludes "
        "records the company must keep by law.",
    },
    {"kind": "heading", "text": "International transfers"},
    {
        "kind": "text",
        "template": "Personal data leaves the United Kingdom or the European Economic Area only to a "
        "country with an adequacy decision or under standard contractual clauses (or the UK transfer "
        "addendum) with a transfer risk assessment. Production runs " + HOSTED + "; the regions in use "
        "and every sub-processor's location are recorded in the record of processing and reviewed when a "
        "supplier or region changes.",
    },
    {"kind": "heading", "text": "Breach response"},
    {
        "kind": "text",
        "template": "Anyone who suspects that personal data has been lost, disclosed or altered without "
        "authority reports it at once to the data protection lead. The table sets the timeline from the "
        "moment the company becomes aware.",
    },
    {
        "kind": "table",
        "title": "Breach timeline",
        "columns": ["When", "Action", "Who"],
        "rows": [
            [
                "Within 1 hour",
                "Report to the data protection lead; preserve evidence",
                "Whoever discovers it",
            ],
            [
                "Within 24 hours",
                "Contain, assess the data and people affected, record the facts",
                "Incident lead",
            ],
            {
                "cells": [
                    "Within 72 hours",
                    "Notify the supervisory authority unless the breach is unlikely to harm anyone",
                    "Data protection lead",
                ],
                "when": _any(GDPR, _is("regulations", "is_empty")),
            },
            {
                "cells": [
                    "Within 60 days",
                    "Notify affected individuals and, where required, the Secretary of HHS under HIPAA",
                    "Data protection lead",
                ],
                "when": _any(
                    _is("regulations", "contains", "hipaa"), _is("sensitive_data_kinds", "contains", "phi")
                ),
            },
            {
                "cells": [
                    "Immediately",
                    "Notify the card brands and acquirer of any suspected cardholder data compromise",
                    "Head of technology",
                ],
                "when": _is("sensitive_data_kinds", "contains", "cards"),
            },
            [
                "Without undue delay",
                "Tell affected people when the risk to them is high",
                "Data protection lead",
            ],
            [
                "Within 30 days",
                "Review the causes and record the lessons in the breach register",
                "Incident lead",
            ],
        ],
    },
    {
        "kind": "text",
        "when": _is("engineering_maturity.incidents", "in", WEAK),
        "template": "Incident response is rated “{{ engineering_maturity.incidents }}” today{% if "
        "engineering_maturity.monitoring and engineering_maturity.monitoring.value in ['none', 'adhoc'] %} "
        "and monitoring “{{ engineering_maturity.monitoring }}”, so the company may not learn of a breach "
        "until a customer reports it{% endif %}. The timeline above can only be met once the incident "
        "response plan in the recommendations exists and has been rehearsed.",
    },
    {
        "kind": "text",
        "when": _is("engineering_maturity.incidents", "in", STRONG),
        "template": "Incident response is rated “{{ engineering_maturity.incidents }}”. Personal data "
        "breaches run through the same process, with the data protection lead joining as soon as personal "
        "data may be involved; each exercise of the incident plan includes one breach scenario.",
    },
    *RECOMMENDATIONS_AND_RISKS,
    *_next_steps(
        "The data protection lead publishes this policy to staff, updates the privacy notice to match it, "
        "and reviews both every twelve months or when a new purpose, system or supplier is introduced.",
    ),
]

# ----------------------------------------------------------------- infrastructure-plan

SINGLE_CLOUD = _is("hosting", "in", ["aws", "azure", "gcp"])
OWN_HARDWARE = _is("hosting", "in", ["onprem", "hybrid"])

INFRASTRUCTURE_PLAN: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Executive summary"},
    {
        "kind": "text",
        "template": "{{ company }} runs {% if architecture and architecture.value == 'monolith' %}a single "
        "application{% elif architecture and architecture.value == 'modular' %}a modular application"
        "{% elif architecture and architecture.value == 'microservices' %}{% if microservice_count %}about "
        "{{ microservice_count|number }} microservices{% else %}a microservices platform{% endif %}"
        "{% elif architecture and architecture.value == 'serverless' %}a mostly serverless application"
        "{% else %}its product{% endif %} " + HOSTED + ", operated by {{ engineer_count|number }} "
        "engineers{% if technology_budget %} on an annual technology budget of "
        "{{ technology_budget|money }}{% endif %}. {% if maturity_score is not none %}Engineering maturity "
        "averages {{ maturity_score }} out of 5 and c{% else %}C{% endif %}onfidence in recovering from "
        "the loss of the main hosting is {{ recovery_confidence|out_of(5) }}.",
    },
    {
        "kind": "text",
        "when": _all(SINGLE_CLOUD, _is("engineer_count", "lt", 20)),
        "template": "The plan keeps {{ company }} on {{ hosting }} and on managed services: at this team "
        "size every server the team runs itself is time not spent on the product. The work is to make the "
        "existing estate safe and repeatable (backups that survive the loss of the account, "
        "infrastructure described as code, monitoring that wakes someone) before it grows.",
    },
    {
        "kind": "text",
        "when": _all(SINGLE_CLOUD, _is("engineer_count", "gte", 20)),
        "template": "The plan keeps {{ company }} on {{ hosting }} and standardises how teams use it: a "
        "landing zone with separate accounts per environment, a paved road for deploying services, and "
        "cost and security guardrails applied as code.",
    },
    {
        "kind": "text",
        "when": _is("hosting", "eq", "multi"),
        "template": "Running on more than one cloud buys resilience and negotiating power at the price of "
        "duplicated skills, tooling and controls. The plan assigns each workload a primary provider for a "
        "stated reason, governs every provider through the same landing-zone pattern and policy as code, "
        "and manages spend as one portfolio.",
    },
    {
        "kind": "text",
        "when": OWN_HARDWARE,
        "template": "Running its own hardware ties {{ company }}'s capacity and resilience to one location "
        "and to hardware refresh cycles. The plan moves workloads to managed cloud services in waves, "
        "stateless services first, and keeps on its own hardware only what has a documented reason to "
        "stay.",
    },
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    {"kind": "heading", "text": "Current hosting"},
    {
        "kind": "table",
        "title": "The estate today",
        "columns": ["Aspect", "Position"],
        "rows": [
            ["Hosting", "{{ hosting }}"],
            {
                "cells": ["Application architecture", "{{ architecture }}"],
                "when": _is("architecture", "is_not_empty"),
            },
            {
                "cells": ["Services in production", "About {{ microservice_count|number }}"],
                "when": _is("microservice_count", "is_not_empty"),
            },
            {
                "cells": ["Managed services used", "{{ cloud_services }}"],
                "when": _is("cloud_services", "is_not_empty"),
            },
            {
                "cells": [
                    "Deployment",
                    "Continuous integration rated “{{ engineering_maturity.ci }}”",
                ],
                "when": _is("engineering_maturity.ci", "is_not_empty"),
            },
            {
                "cells": ["Monitoring and alerting", "{{ engineering_maturity.monitoring }}"],
                "when": _is("engineering_maturity.monitoring", "is_not_empty"),
            },
            [
                "Recovery",
                "Confidence {{ recovery_confidence|out_of(5) }}{% if rto_hours is not none %}; recovery time "
                "objective {{ rto_hours|number }} hours{% endif %}",
            ],
            {
                "cells": ["Technology budget", "{{ technology_budget|money }} a year"],
                "when": _is("technology_budget", "is_not_empty"),
            },
        ],
    },
    {
        "kind": "text",
        "when": _is("cloud_services", "is_not_empty"),
        "template": "{% if cloud_services.values == ['compute'] or ('compute' in cloud_services.values and "
        "'containers' not in cloud_services.values and 'functions' not in cloud_services.values) %}Workloads "
        "run on virtual machines that the team patches, scales and recovers itself; this is the most "
        "labour-intensive way to use the cloud and the first thing the target architecture changes."
        "{% else %}Workloads already run on managed platforms, so the provider "
        "carries patching and much of the scaling; the remaining risk lies in how those services are "
        "configured, connected and paid for.{% endif %}",
    },
    {
        "kind": "text",
        "when": _is("recovery_confidence", "lte", 2),
        "template": "The weakest point of the estate is recovery: confidence is "
        "{{ recovery_confidence|out_of(5) }}{% if rto_hours is not none %} against a "
        "{{ rto_hours|number }}-hour recovery time objective{% endif %}. Until backups sit outside the "
        "production account and a restore has been timed, the objective is a hope rather than a plan.",
    },
    {"kind": "heading", "text": "Target architecture"},
    {
        "kind": "text",
        "template": "The target follows four principles: prefer managed services to self-operated ones; "
        "describe every environment as code; separate production from everything else, including its "
        "backups; and make each cost visible to the team that causes it.",
    },
    {
        "kind": "table",
        "title": "Target state by layer",
        "columns": ["Layer", "Target", "Why"],
        "rows": [
            [
                "Accounts",
                "Separate accounts or subscriptions for production, non-production and backups, under "
                "single sign-on",
                "Limits the damage of a compromised credential and keeps backups out of its reach",
            ],
            {
                "cells": [
                    "Compute",
                    "The application in containers on a managed container service, scaled automatically",
                    "Removes server patching and makes deployments repeatable",
                ],
                "when": _all(
                    _is("architecture", "in", ["monolith", "modular"]), _is("engineer_count", "lt", 50)
                ),
            },
            {
                "cells": [
                    "Compute",
                    "A managed Kubernetes platform run by a platform team as an internal product, with a "
                    "standard service template",
                    "Gives many teams one paved road for building, deploying and observing services",
                ],
                "when": _any(_is("architecture", "eq", "microservices"), _is("engineer_count", "gte", 50)),
            },
            {
                "cells": [
                    "Compute",
                    "Functions for event-driven work, with a container service for long-running processes",
                    "Keeps cost proportional to use without forcing every workload into functions",
                ],
                "when": _is("architecture", "eq", "serverless"),
            },
            [
                "Data",
                "Managed databases with automated backups, point-in-time recovery and a copy in a second "
                "region",
                "Recovery within the objective without bespoke scripts",
            ],
            [
                "Network",
                "Private networks per environment; only load balancers and the content delivery network "
                "exposed to the internet",
                "Reduces the attack surface to what customers need to reach",
            ],
            [
                "Delivery",
                "Infrastructure as code and application deployments applied from the pipeline after review",
                "Every change is reviewed, repeatable and reversible",
            ],
            [
                "Observability",
                "Central logs, metrics and traces with alerts routed to the person on call",
                "Failures are seen by the team before customers report them",
            ],
            {
                "cells": [
                    "Multi-cloud",
                    "A primary provider per workload; identity, logging and policy federated across providers",
                    "Keeps the benefits of several clouds without duplicating every control",
                ],
                "when": _is("hosting", "eq", "multi"),
            },
            {
                "cells": [
                    "Own hardware",
                    "Only workloads with a documented reason (latency, licensing, data residency) remain",
                    "Each remaining rack has an owner and a review date",
                ],
                "when": OWN_HARDWARE,
            },
        ],
    },
    {
        "kind": "text",
        "when": _all(_is("recovery_confidence", "lte", 3), _is("rto_hours", "lte", 4)),
        "template": "A recovery time objective of {{ rto_hours|number }} hours cannot be met by restoring "
        "from backups into a new environment; it requires a warm standby in a second region, with "
        "replication and a rehearsed fail-over.",
    },
    {
        "kind": "text",
        "when": _is("rto_hours", "gt", 4),
        "template": "A recovery time objective of {{ rto_hours|number }} hours can be met by restoring "
        "from backups into a second region with the infrastructure code, provided both have been "
        "rehearsed; a standing standby environment is not needed yet.",
    },
    {"kind": "heading", "text": "Migration waves"},
    {
        "kind": "text",
        "when": _any(OWN_HARDWARE, _is("planned_initiatives", "contains", "cloud_migration")),
        "template": "Workloads move in waves, each one finished and stable before the next starts. The "
        "order puts the least risky and most self-contained workloads first, so the team learns the "
        "target platform on them.{% if cloud_first_workloads %} The workloads identified for the first "
        "wave are recorded in the appendix.{% endif %}",
    },
    {
        "kind": "text",
        "when": _all(
            _is("hosting", "in", ["aws", "azure", "gcp", "multi"]),
            _is("planned_initiatives", "not_contains", "cloud_migration"),
        ),
        "template": "No move between hosting providers is planned. The waves below change the estate in "
        "place, ordered so that each one reduces risk before the next adds capability.",
    },
    {
        "kind": "table",
        "title": "Waves",
        "columns": ["Wave", "Scope", "Done when"],
        "rows": [
            {
                "cells": [
                    "Protect (0–3 months)",
                    "Backups copied to a separate account or region; credentials in a secrets manager; alerts "
                    "on availability and errors",
                    "A restore has been timed and every production secret has an owner",
                ],
                "when": _any(
                    _is("recovery_confidence", "lte", 3),
                    _is("engineering_maturity.monitoring", "in", WEAK),
                    SHARED_SECRETS,
                ),
            },
            {
                "cells": [
                    "Codify (3–6 months)",
                    "Infrastructure described as code; deployments from the pipeline only; environments "
                    "separated",
                    "A new environment can be built from the repository without manual steps",
                ],
                "when": _any(
                    _is("engineering_maturity.ci", "in", WEAK), _is("engineering_maturity.ci", "is_empty")
                ),
            },
            {
                "cells": [
                    "Standardise (0–6 months)",
                    "One landing-zone baseline and policy-as-code guardrails in every account and provider; "
                    "a standard service template on the platform",
                    "Every account passes the same automated policy checks",
                ],
                "when": _is("engineering_maturity.ci", "in", STRONG),
            },
            {
                "cells": [
                    "Move (6–12 months)",
                    "Stateless services, then data stores with replication and a cut-over window",
                    "Workloads served from the target platform and the old hosts switched off",
                ],
                "when": _any(OWN_HARDWARE, _is("planned_initiatives", "contains", "cloud_migration")),
            },
            [
                "Harden (6–12 months)",
                "{% if rto_hours is not none and rto_hours <= 4 %}Warm standby in a second region with "
                "rehearsed fail-over{% else %}Restore into a second region rehearsed from code{% endif %}; "
                "cost allocation tags enforced",
                "Fail-over or restore meets the recovery time objective in a test",
            ],
        ],
    },
    {"kind": "heading", "text": "Operations"},
    {
        "kind": "text",
        "when": _is("engineer_count", "lt", 6),
        "template": "With {{ engineer_count|number }} engineers, a round-the-clock on-call rota would burn "
        "the team out. Alerts are split into those that must wake someone (the service is down, data is "
        "at risk) and those that wait for working hours, and managed services with provider support carry "
        "as much of the overnight risk as possible.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "gte", 6),
        "template": "With {{ engineer_count|number }} engineers, each team owning a production service "
        "runs its own on-call rota of at least five people, with a platform rota behind it for shared "
        "infrastructure. Every page must be actionable; alerts that page without need are fixed or "
        "removed within a week.",
    },
    {
        "kind": "text",
        "template": "Changes to production go through the pipeline, with a second engineer's review; "
        "emergency changes are allowed but reviewed after the event. Monitoring is rated "
        "“{{ engineering_maturity.monitoring|default('not assessed') }}” and incident response "
        "“{{ engineering_maturity.incidents|default('not assessed') }}”: each incident that affects "
        "customers is followed by a blameless review within five working days, and its actions are "
        "tracked like any other work.",
    },
    {"kind": "heading", "text": "Cost management"},
    {
        "kind": "text",
        "when": _all(_is("technology_budget", "is_not_empty"), _is("budget_per_engineer", "is_not_empty")),
        "template": "The annual technology budget is {{ technology_budget|money }}, about "
        "{{ budget_per_engineer|money }} per engineer. {% if technology_budget >= "
        "5000000 %}At this scale cloud spend is managed as a portfolio: every resource carries owner and "
        "product tags, each team sees its spend monthly, and committed-use discounts are bought against "
        "twelve months of measured usage.{% else %}At this scale the risk is not waste across teams but a "
        "single surprise: budgets and alerts on every account, tags from the first resource, and a "
        "monthly look at the bill keep spending visible as the product grows.{% endif %}",
    },
    {
        "kind": "text",
        "template": "Each wave of the plan states its expected effect on running costs before it starts, "
        "and the effect is measured three months after it ends.",
    },
    {"kind": "heading", "text": "Recommendations"},
    {"kind": "roadmap", "title": "Phased plan"},
    {"kind": "recommendations", "title": "Prioritised recommendations"},
    {"kind": "risks", "title": "Risks of inaction", "limit": 5},
    *_next_steps(
        "The plan is reviewed every quarter against the waves above, and again whenever the product's "
        "architecture, the team's size or the hosting contract changes.",
    ),
]

# ----------------------------------------------------------------- engineering-handbook

FEW = _is("engineer_count", "lt", 10)
SOME = _all(_is("engineer_count", "gte", 10), _is("engineer_count", "lt", 50))
MANY = _is("engineer_count", "gte", 50)


def _practice(row: str, levels: list[str]) -> dict[str, Any]:
    return _is(f"engineering_maturity.{row}", "in", levels)


HANDBOOK_LANGUAGES = {
    "kind": "table",
    "title": "Language standards",
    "when": _is("languages", "in", ["python", "javascript", "java", "csharp", "go", "php", "ruby"]),
    "columns": ["Language", "Formatting and analysis", "Tests"],
    "rows": [
        {
            "cells": [
                "Python",
                "Ruff for formatting and lint; type hints checked with mypy on new modules",
                "pytest",
            ],
            "when": _is("languages", "contains", "python"),
        },
        {
            "cells": [
                "JavaScript and TypeScript",
                "TypeScript in strict mode for new code; Prettier and ESLint",
                "Vitest or Jest; Playwright for end-to-end journeys",
            ],
            "when": _is("languages", "contains", "javascript"),
        },
        {
            "cells": [
                "Java and Kotlin",
                "Spotless formatting; Error Prone or detekt in the build",
                "JUnit 5 and Testcontainers",
            ],
            "when": _is("languages", "contains", "java"),
        },
        {
            "cells": ["C#", ".NET analysers with warnings as errors; dotnet format", "xUnit"],
            "when": _is("languages", "contains", "csharp"),
        },
        {
            "cells": [
                "Go",
                "gofmt and golangci-lint",
                "The standard testing package with table-driven tests",
            ],
            "when": _is("languages", "contains", "go"),
        },
        {
            "cells": ["PHP", "PHP-CS-Fixer and PHPStan at a level raised each quarter", "PHPUnit"],
            "when": _is("languages", "contains", "php"),
        },
        {
            "cells": ["Ruby", "RuboCop", "RSpec"],
            "when": _is("languages", "contains", "ruby"),
        },
    ],
}

HANDBOOK_REVIEW: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Branching and code review"},
    {
        "kind": "text",
        "when": _practice("review", WEAK),
        "template": "Code review is {{ engineering_maturity.review|lower }} today, so changes reach "
        "production on one person's judgement. From the date this handbook is adopted, the main branch "
        "is protected: nothing merges without a pull request, a passing build and one approval from "
        "another engineer. {% if engineer_count and engineer_count < 5 %}With {{ engineer_count|number }} "
        "engineers, a change written in a pairing session counts as reviewed when both names are on the "
        "commit, so that review never waits for someone who is not there.{% else %}Reviews are answered "
        "within one working day, and a reviewer who cannot do so says so and hands it on.{% endif %}",
    },
    {
        "kind": "text",
        "when": _practice("review", ["defined", "measured", "optimised"]),
        "template": "Code review is {{ engineering_maturity.review|lower }}. The rules below keep it fast "
        "and meaningful as the team grows: formatting and lint are left to tools, so that people review "
        "design, tests, security and operability; the time to first review is tracked per team and "
        "kept under four working hours.",
    },
    {
        "kind": "table",
        "title": "Branching and review rules",
        "columns": ["Rule", "Detail"],
        "rows": [
            [
                "Trunk-based development",
                "Short-lived branches off main, merged within two days; long-running work ships behind a "
                "feature flag instead of living on a branch",
            ],
            [
                "Small changes",
                "Aim for under 400 changed lines; larger changes are split or reviewed together at a screen",
            ],
            ["Descriptive pull requests", "What changed, why, how it was tested, and how to roll it back"],
            {
                "cells": [
                    "Required approvals",
                    "One approval for any change; two for authentication, payments, personal data handling "
                    "and infrastructure",
                ],
                "when": _is("engineer_count", "gte", 5),
            },
            {
                "cells": ["Required approvals", "One approval from another engineer for every change"],
                "when": _is("engineer_count", "lt", 5),
            },
            {
                "cells": [
                    "Code owners",
                    "Each repository and directory names an owning team, which is added to reviews automatically",
                ],
                "when": _is("engineer_count", "gte", 10),
            },
            {
                "cells": [
                    "Segregation of duties",
                    "The author of a change to a system in SOX scope cannot approve or deploy it alone; the "
                    "pipeline enforces this and keeps the record",
                ],
                "when": SOX,
            },
            {
                "cells": [
                    "Commit history",
                    "Squash-merge with a message that states the change; reference the ticket",
                ],
                "when": _is("engineer_count", "gte", 5),
            },
        ],
    },
]

HANDBOOK_TESTING: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Testing"},
    {
        "kind": "text",
        "when": _practice("testing", WEAK),
        "template": "Automated testing is {{ engineering_maturity.testing|lower }}, so every release is a "
        "bet that nothing else broke. Rather than pausing to test the whole code base, every bug fixed "
        "gets a test that would have caught it, every changed feature gets tests before it merges, and "
        "a handful of end-to-end tests cover the journeys customers pay for. Coverage is measured on changed code, not on the whole code base, so that the "
        "target is reachable from the first week.",
    },
    {
        "kind": "text",
        "when": _practice("testing", ["defined", "measured", "optimised"]),
        "template": "Automated testing is {{ engineering_maturity.testing|lower }}. The suite is treated as "
        "production code: a test that fails intermittently is quarantined within a day and fixed or "
        "deleted within a week, because a suite nobody trusts stops being read. The time from push to "
        "test result is kept under fifteen minutes{% if microservice_count %} for each of the "
        "{{ microservice_count|number }} services{% endif %}.",
    },
    {
        "kind": "table",
        "title": "Test pyramid and targets",
        "columns": ["Level", "What it covers", "Target", "Runs"],
        "rows": [
            [
                "Unit",
                "Business rules and calculations, without network or database",
                "{% if engineering_maturity and engineering_maturity.testing and engineering_maturity.testing.value "
                "in ['none', 'adhoc'] %}70% of changed lines{% else %}80% of changed lines; mutation "
                "score tracked for core domains{% endif %}",
                "On every push",
            ],
            [
                "Integration",
                "Each service or module with its real database, queue and external boundaries",
                "Every endpoint and every query path",
                "On every push",
            ],
            {
                "cells": [
                    "Contract",
                    "The interfaces between services, checked against each consumer's expectations",
                    "Every service-to-service interface",
                    "On every push, both provider and consumer",
                ],
                "when": _is("architecture", "eq", "microservices"),
            },
            [
                "End to end",
                "The journeys customers pay for, through the user interface",
                "{% if engineering_maturity and engineering_maturity.testing and engineering_maturity.testing.value "
                "in ['none', 'adhoc'] %}Five to ten journeys{% else %}The critical journeys only; kept "
                "under thirty tests{% endif %}",
                "Before each deployment",
            ],
            {
                "cells": [
                    "Device",
                    "The mobile apps on the oldest and newest supported operating systems",
                    "The critical journeys on each platform",
                    "Nightly and before each app-store release",
                ],
                "when": _is("platforms", "in", ["ios", "android"]),
            },
            {
                "cells": [
                    "Performance",
                    "Latency and throughput of the busiest operations at expected peak",
                    "No regression beyond 10% against the last release",
                    "Weekly and before major releases",
                ],
                "when": _is("engineer_count", "gte", 10),
            },
        ],
    },
]

HANDBOOK_DELIVERY: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Continuous integration and delivery"},
    {
        "kind": "text",
        "when": _practice("ci", WEAK),
        "template": "Continuous integration is {{ engineering_maturity.ci|lower }}. Within the first month "
        "every repository gets a pipeline that runs on each push: install, lint, unit and integration "
        "tests, a dependency vulnerability scan and a build of the deployable artefact. Within the "
        "second month the same pipeline deploys to a staging environment automatically and to "
        "production on a button press, so that nobody deploys from a laptop again"
        "{% if technical_debt_sources and 'deploy' in technical_debt_sources|lower %}, which retires "
        "the manual deployments named among the sources of technical debt{% endif %}. Until then, each "
        "manual release follows a written checklist and is done in working hours by two people.",
    },
    {
        "kind": "text",
        "when": _practice("ci", ["defined", "measured", "optimised"]),
        "template": "Continuous integration is {{ engineering_maturity.ci|lower }}. The platform team owns "
        "the pipeline templates; product teams use them rather than maintain their own, so that a "
        "security or compliance check added once applies everywhere. Teams track the four delivery "
        "measures below monthly and discuss them in retrospectives, as signals rather than targets for "
        "individuals.",
    },
    {
        "kind": "table",
        "title": "Pipeline stages",
        "columns": ["Stage", "Checks", "Fails the build when"],
        "rows": [
            [
                "Build",
                "Compile or package; formatting and lint",
                "The code does not build or breaks a lint rule",
            ],
            [
                "Test",
                "Unit and integration tests; coverage of changed lines",
                "A test fails or coverage falls below target",
            ],
            [
                "Scan",
                "Dependencies, secrets and container images",
                "A critical vulnerability or a secret is found",
            ],
            ["Deploy to staging", "Automatic, with database migrations", "A migration or smoke test fails"],
            [
                "Deploy to production",
                "{% if engineering_maturity and engineering_maturity.ci and engineering_maturity.ci.value in "
                "['measured', 'optimised'] %}Automatic, progressive: a small share of traffic first{% else %}"
                "On approval, by the pipeline only{% endif %}",
                "Error rate or latency rises after release; rollback is automatic",
            ],
        ],
    },
    {
        "kind": "table",
        "title": "Delivery measures",
        "when": _practice("ci", ["defined", "measured", "optimised"]),
        "columns": ["Measure", "Target"],
        "rows": [
            ["Deployment frequency", "Each team deploys on demand, several times a day"],
            ["Lead time from commit to production", "Under one day"],
            ["Change failure rate", "Under 15% of deployments need a fix or rollback"],
            ["Time to restore service", "Under one hour for a failed change"],
        ],
    },
]

HANDBOOK_ONCALL: list[dict[str, Any]] = [
    {"kind": "heading", "text": "On-call and incidents"},
    {
        "kind": "text",
        "when": _practice("monitoring", WEAK),
        "template": "Monitoring and alerting is {{ engineering_maturity.monitoring|lower }}, so today "
        "customers find failures first{% if anything_else %}; the assessment records the cost of that: "
        "“{{ anything_else|trim|trim('.') }}”{% endif %}. The minimum set is an external uptime check "
        "of the main journey, alerts on error rate and latency, an alert when a scheduled job does not "
        "finish, and central logs. Every alert names its runbook.",
    },
    {
        "kind": "text",
        "when": _practice("monitoring", ["defined", "measured", "optimised"]),
        "template": "Monitoring and alerting is {{ engineering_maturity.monitoring|lower }}. Each service "
        "has service level objectives for availability and latency agreed with its product owner; "
        "alerts fire on the rate at which the error budget is being spent, not on individual errors, "
        "and a service that exhausts its budget puts reliability work ahead of features until it "
        "recovers.",
    },
    {
        "kind": "text",
        "when": FEW,
        "template": "With {{ engineer_count|number }} engineers, on-call is a weekly rota among all of "
        "them, out of hours by phone for the critical severity only. Whoever is on call the following "
        "week is the backup. Time spent on a night-time incident is taken back the next day.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "gte", 10),
        "template": "Each team that owns a production service runs its own rota of at least six "
        "engineers, so that nobody is on call more than one week in six; a second, senior rota handles "
        "escalations{% if engineer_count >= 50 %} and a trained incident commander leads any incident "
        "that spans teams{% endif %}. On-call is paid, and an engineer woken at night starts late.",
    },
    {
        "kind": "text",
        "when": _practice("incidents", WEAK),
        "template": "Incident response is {{ engineering_maturity.incidents|lower }}. The severities below "
        "apply from now; the first person to see an incident declares it, names an incident lead and "
        "opens a timeline in a shared channel, even at three in the morning and even if it turns out "
        "to be minor.",
    },
    {
        "kind": "table",
        "title": "Incident severities",
        "columns": ["Severity", "Meaning", "Response"],
        "rows": [
            [
                "SEV1",
                "The product is unavailable, data is lost or exposed",
                "{% if engineer_count and engineer_count >= 10 %}Incident commander within 15 minutes, at any "
                "hour; customers updated every 30 minutes{% else %}On-call engineer within 30 minutes, at "
                "any hour; customers told within the hour{% endif %}",
            ],
            [
                "SEV2",
                "A major feature fails or is badly degraded for many customers",
                "Within one hour in working hours; out of hours if it continues",
            ],
            ["SEV3", "A minor fault with a workaround", "Next working day, planned as normal work"],
        ],
    },
    {
        "kind": "text",
        "template": "Every SEV1 and SEV2 has a blameless review within five working days: what happened, "
        "when it was detected and how, what made it worse or better, and the actions that would have "
        "prevented or shortened it. Actions have owners and dates and are reviewed "
        "{% if engineer_count and engineer_count >= 50 %}in a weekly operations review across teams"
        "{% else %}at the next planning session{% endif %}"
        "{% if sensitive_data and sensitive_data.value == 'yes' %}. An incident that may have exposed "
        "personal data is also reported to the data protection lead at once"
        "{% if regulations and 'gdpr' in regulations.values %}, because GDPR allows 72 hours to notify "
        "the regulator{% endif %}{% endif %}.",
    },
]

HANDBOOK_SECURITY = {
    "kind": "table",
    "title": "Security practices in the development cycle",
    "columns": ["Practice", "Rule"],
    "rows": [
        [
            "Secrets",
            "Kept in the secrets manager; the pipeline scans every push and blocks a commit that contains one",
        ],
        [
            "Dependencies",
            "Scanned on every build; critical vulnerabilities fixed within 7 days, high within 30",
        ],
        [
            "Threat modelling",
            "A short written threat model for any feature that handles authentication, payments or "
            "personal data, reviewed with the design",
        ],
        [
            "Production access",
            "Personal accounts with multi-factor authentication; access is time-limited and logged",
        ],
        {
            "cells": [
                "Privacy by design",
                "A new use of personal data is recorded and, where the risk is high, assessed before it is "
                "built, as GDPR requires",
            ],
            "when": GDPR,
        },
        {
            "cells": [
                "Change evidence",
                "Approvals, deployments and access reviews for SOX-scope systems are exported to the "
                "evidence store automatically",
            ],
            "when": SOX,
        },
        {
            "cells": [
                "Financial data",
                "Account numbers never appear in logs, test data or analytics extracts; tokens are used instead",
            ],
            "when": FINANCIAL_DATA,
        },
    ],
}

HANDBOOK_DECISIONS: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Architecture decisions"},
    {
        "kind": "text",
        "template": "A decision that is expensive to reverse is written down as an architecture decision "
        "record (ADR) before it is acted on: a one-page file in the repository it affects, numbered, "
        "never edited after acceptance and superseded by a later record when the decision changes. "
        "Choosing a database, a framework, a hosting service or a way for components to communicate all "
        "need one; choosing a library behind an existing interface does not.",
    },
    {
        "kind": "text",
        "when": _is("architecture", "in", ["monolith", "modular"]),
        "template": "For {{ company }}'s {% if architecture.value == 'monolith' %}single monolith{% else %}"
        "modular monolith{% endif %}, the most important records are the module boundaries: which module "
        "owns which data, and which calls between modules are allowed. A boundary that is written down "
        "can be checked automatically in the build, and it is what makes a later split into services "
        "possible without a rewrite.",
    },
    {
        "kind": "text",
        "when": _is("architecture", "eq", "microservices"),
        "template": "With {% if microservice_count %}about {{ microservice_count|number }}{% else %}many"
        "{% endif %} services, decisions that cross team boundaries (a new shared data store, a change to "
        "an event that several services consume, a new runtime) go through a written request for comments "
        "reviewed by the architecture forum within two weeks; decisions within one service stay with its "
        "team and are recorded in its repository.",
    },
    {
        "kind": "table",
        "title": "Contents of a decision record",
        "when": _is("engineer_count", "gte", 10),
        "columns": ["Section", "What it says"],
        "rows": [
            ["Context", "The problem, the constraints and the forces at play, in the terms of the time"],
            ["Options", "At least two options considered, including doing nothing, with their costs"],
            ["Decision", "The option chosen, in one sentence"],
            ["Consequences", "What becomes easier, what becomes harder, and what must now be done"],
            ["Status", "Proposed, accepted or superseded, with the date and the approvers"],
        ],
    },
]

HANDBOOK_DEBT: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Technical debt policy"},
    {
        "kind": "text",
        "template": "Debt is recorded where work is planned, not in a separate list. Each "
        "item states what it costs (slower changes, incidents, risk), what fixing it takes and who owns "
        "it. The register is reviewed {% if technical_debt and technical_debt >= 7 %}every fortnight "
        "with the business owner of the roadmap{% else %}every quarter by the engineering leads{% endif %}, "
        "and any item that caused an incident moves to the top.",
    },
    {
        "kind": "text",
        "when": _is("technical_debt_sources", "is_not_empty"),
        "template": "The debt the assessment names is the first content of the register: "
        "“{{ technical_debt_sources|trim|trim('.') }}”. "
        "{% if technical_debt and technical_debt >= 7 %}Each part of it is broken into items small "
        "enough to finish within a cycle, and the items that block safe releases are done first."
        "{% else %}It is planned as a funded piece of work with its own milestones rather than paid "
        "down in spare time.{% endif %}",
    },
]

HANDBOOK_DEBT_RULES: list[dict[str, Any]] = [
    {
        "kind": "table",
        "title": "When debt is paid",
        "columns": ["Kind of debt", "Rule"],
        "rows": [
            ["Debt that threatens production or data", "Fixed before new feature work in the affected area"],
            [
                "Debt that slows every change",
                "Paid from the reserved share of each cycle, largest cost first",
            ],
            ["Debt in code being changed anyway", "Improved as part of the change, within the same estimate"],
            ["Debt in code nobody touches", "Left alone and recorded; it is not worth the risk of change"],
        ],
    },
]

HANDBOOK_RITUALS = {
    "kind": "table",
    "title": "Team rituals",
    "columns": ["Ritual", "Cadence and length", "Purpose"],
    "rows": [
        {
            "cells": [
                "Planning",
                "Weekly, 30 minutes",
                "Choose the next week's work from the board, most valuable first",
            ],
            "when": _is("delivery_methodology", "in", ["none", "kanban"]),
        },
        {
            "cells": [
                "Sprint planning",
                "Every two weeks, up to two hours",
                "Agree a sprint goal and the work that serves it",
            ],
            "when": _is("delivery_methodology", "in", ["scrum", "hybrid"]),
        },
        {
            "cells": [
                "Stand-up",
                "{% if engineer_count and engineer_count < 5 %}Daily, ten minutes, or written in chat"
                "{% else %}Daily, fifteen minutes{% endif %}",
                "Surface what is blocked, not report what was done",
            ],
            "when": _is("delivery_methodology", "not_in", ["waterfall"]),
        },
        {
            "cells": [
                "Replenishment",
                "Weekly, 30 minutes",
                "Refill the ready column within its work-in-progress limit",
            ],
            "when": _is("delivery_methodology", "eq", "kanban"),
        },
        {
            "cells": [
                "Demo",
                "Every two weeks, 30 minutes",
                "Show working software to the people who use or sell it",
            ],
        },
        {
            "cells": [
                "Retrospective",
                "Every two weeks, one hour",
                "Choose one or two improvements and track them",
            ],
            "when": _is("delivery_methodology", "not_in", ["waterfall"]),
        },
        {
            "cells": [
                "Phase review",
                "At the end of each phase, half a day",
                "Check delivered scope and lessons before the next phase",
            ],
            "when": _is("delivery_methodology", "eq", "waterfall"),
        },
        {
            "cells": [
                "Engineering forum",
                "Fortnightly, one hour",
                "Share standards, decision records and incident lessons across teams",
            ],
            "when": _is("engineer_count", "gte", 10),
        },
        {
            "cells": [
                "Operations review",
                "Weekly, 45 minutes",
                "Review service levels, incidents and open review actions across teams",
            ],
            "when": MANY,
        },
    ],
}

HANDBOOK_ONBOARDING: list[dict[str, Any]] = [
    {
        "kind": "table",
        "title": "A new engineer's first three months",
        "columns": ["When", "What happens"],
        "rows": [
            [
                "Day one",
                "Accounts with multi-factor authentication, an encrypted laptop, and a local environment "
                "that starts with one command; reading this handbook"
                "{% if engineering_handbook %} and the engineering wiki{% endif %}",
            ],
            ["First week", "A small change shipped to production through the normal review and pipeline"],
            [
                "First month",
                "{% if engineer_count and engineer_count < 10 %}Pairing with each engineer on their part of "
                "the system{% else %}Pairing within the team and an introduction from the platform and "
                "security teams{% endif %}; security{% if regulations and 'gdpr' in regulations.values %} "
                "and data protection{% endif %} training completed",
            ],
            ["Second month", "A feature owned from design to release; shadowing the on-call rota"],
            [
                "Third month",
                "On the on-call rota; a review with {% if engineer_count and engineer_count >= 10 %}their manager"
                "{% else %}the technical lead{% endif %} of what the handbook got wrong",
            ],
        ],
    },
    {
        "kind": "text",
        "template": "Every newcomer has a buddy{% if engineer_count and engineer_count >= 10 %} from their "
        "own team who is not their manager{% else %}, the most experienced engineer available{% endif %}, "
        "who answers questions without judgement for the first three months. Whatever a newcomer finds "
        "missing or wrong in this handbook is fixed by them, in their first month, by pull request.",
    },
]

HANDBOOK_PEOPLE: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Career and hiring"},
    {
        "kind": "text",
        "when": FEW,
        "template": "With {{ engineer_count|number }} engineer{% if engineer_count != 1 %}s{% endif %}, "
        "each hire changes the team. The next hires are chosen for the gaps this handbook exposes"
        "{% if engineering_maturity and engineering_maturity.ci and engineering_maturity.ci.value in "
        "['none', 'adhoc'] %}, above all experience of running production systems with automated "
        "delivery{% endif %}, not for another pair of hands on features. The interview is a paid half "
        "day on a realistic problem and a conversation about reviewing code and handling incidents. A "
        "career ladder can wait until about ten engineers; until then each engineer agrees growth goals "
        "with the technical lead every six months.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "gte", 10),
        "template": "With {{ engineer_count|number }} engineers, progression follows a published ladder "
        "with two tracks, individual contributor and engineering management, which are paid on the "
        "same scale up to the most senior levels. Promotions are decided twice a year by a panel from "
        "outside the candidate's team, on written evidence against the ladder.",
    },
    {
        "kind": "table",
        "title": "Engineering levels",
        "when": _is("engineer_count", "gte", 10),
        "columns": ["Level", "Scope of impact"],
        "rows": [
            ["Engineer", "Delivers well-defined work in one area with guidance"],
            ["Senior engineer", "Owns a feature or component end to end; mentors others; leads incidents"],
            [
                "Staff engineer",
                "Sets technical direction across a team or domain; writes and reviews decision records",
            ],
            {
                "cells": [
                    "Principal engineer",
                    "Shapes architecture across the organisation; accountable for cross-team standards",
                ],
                "when": MANY,
            },
            ["Engineering manager", "Leads a team of five to eight: hiring, growth, delivery and wellbeing"],
            {
                "cells": [
                    "Director of engineering",
                    "Leads several teams and their managers; owns a product area's delivery",
                ],
                "when": MANY,
            },
        ],
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "gte", 10),
        "template": "Hiring uses a structured loop: a screening conversation, a practical exercise in the "
        "language of the team{% if languages %} (mainly {{ languages }}){% endif %}, a system design "
        "interview for senior roles and a values interview; each interviewer scores against written "
        "criteria before discussing the candidate{% if engineer_count >= 50 %}, and a trained hiring "
        "panel, not the hiring manager alone, makes the offer decision{% endif %}.",
    },
]


ENGINEERING_HANDBOOK: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Executive summary"},
    {
        "kind": "text",
        "template": "This handbook records how {{ company }}'s {{ engineer_count|number }} engineers plan, "
        "build, review, release and support software{% if languages %}, mainly in {{ languages }}"
        "{% endif %}. {% if maturity_score is not none %}Engineering maturity averages {{ maturity_score }} "
        "out of 5 and technical debt is rated{% else %}Technical debt is rated{% endif %} "
        "{{ technical_debt|out_of(10) }}{% if delivery_satisfaction %}; satisfaction with the speed "
        "of delivery is {{ delivery_satisfaction|out_of(10) }}{% endif %}.",
    },
    {
        "kind": "text",
        "when": _is("maturity_score", "lt", 2.5),
        "template": "Most practices described here are not yet in place, so this handbook is a target as "
        "much as a record: each section states the standard, and the recommendations say which to adopt "
        "first. The order matters: automated checks on every change come before speed, because they are "
        "what make speed safe{% if technical_debt and technical_debt >= 7 %} in a code base with debt "
        "rated {{ technical_debt|out_of(10) }}{% endif %}.",
    },
    {
        "kind": "text",
        "when": _all(_is("maturity_score", "gte", 2.5), _is("maturity_score", "lt", 4)),
        "template": "The foundations are in place but uneven. This handbook makes the strongest practices "
        "the standard for every team and names the weaker ones to raise.",
    },
    {
        "kind": "text",
        "when": _is("maturity_score", "gte", 4),
        "template": "The practices here are established and largely measured. The handbook's job is to "
        "keep them consistent across {% if engineer_count >= 50 %}many teams{% else %}the team{% endif %}, "
        "to make them easy for newcomers to learn, and to stop them eroding under delivery pressure.",
    },
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    {
        "kind": "chart",
        "chart": "radar",
        "key": "engineering_maturity",
        "caption": "Engineering practice maturity",
    },
    {"kind": "heading", "text": "Team structure"},
    {
        "kind": "text",
        "when": _all(_is("has_cto", "eq", "full_time"), _is("technology_leader", "is_not_empty")),
        "template": "Engineering is led by {{ technology_leader }}, who owns this handbook and approves "
        "changes to its standards.",
    },
    {
        "kind": "text",
        "when": _all(_is("has_cto", "in", ["full_time", "fractional"]), _is("technology_leader", "is_empty")),
        "template": "Engineering is led by the head of technology, who owns this handbook and approves "
        "changes to its standards.",
    },
    {
        "kind": "text",
        "when": _is("has_cto", "eq", "none"),
        "template": "{{ company }} has no head of technology, so decisions about tools, standards and "
        "priorities fall to whoever is available. Until the role is filled, one engineer is named "
        "technical lead with authority over this handbook, and architectural decisions are written down "
        "as short decision records so that they survive changes of mind and of people.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "lt", 10),
        "template": "With {{ engineer_count|number }} engineers the team works as one unit: everyone "
        "reviews everyone's code, and ownership of each part of the system (application, data, "
        "infrastructure) is still named, so that nothing belongs to nobody.",
    },
    {
        "kind": "text",
        "when": _all(_is("engineer_count", "gte", 10), _is("engineer_count", "lt", 50)),
        "template": "With {{ engineer_count|number }} engineers, work is organised in teams of five to "
        "eight, each owning a product area end to end, including its production support. A weekly "
        "engineering forum keeps standards shared across teams.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "gte", 50),
        "template": "With {{ engineer_count|number }} engineers, stream-aligned product teams own their "
        "services end to end; a platform team provides the paved road (build, deployment, observability) "
        "as an internal product; and staff engineers keep architecture coherent across teams through "
        "written decision records and design reviews.",
    },
    {"kind": "heading", "text": "Onboarding and this handbook"},
    {
        "kind": "text",
        "when": _is("engineering_handbook", "is_not_empty"),
        "template": "This handbook sets the standards; day-to-day detail (setup guides, runbooks, service "
        "catalogues) stays in the engineering wiki at {{ engineering_handbook }}, which links back to each "
        "standard here.",
    },
    *HANDBOOK_ONBOARDING,
    {
        "kind": "text",
        "template": "The handbook is kept in a repository and changed by pull request; each section has "
        "an owner who reviews it twice a year.",
    },
    {"kind": "heading", "text": "Delivery process"},
    {
        "kind": "text",
        "when": _is("delivery_methodology", "eq", "none"),
        "template": "There is no formal delivery process today. The team adopts a lightweight cadence: one "
        "visible board of work, a limit on work in progress, a weekly planning conversation and a "
        "fortnightly review with the people who use the product. Anything that is not on the board is "
        "not being worked on.",
    },
    {
        "kind": "text",
        "when": _is("delivery_methodology", "eq", "scrum"),
        "template": "Teams work in two-week sprints with planning, a daily stand-up of fifteen minutes, a "
        "review with stakeholders and a retrospective whose actions are tracked in the next sprint.",
    },
    {
        "kind": "text",
        "when": _is("delivery_methodology", "eq", "kanban"),
        "template": "Teams use Kanban: a board with explicit work-in-progress limits, a weekly replenishment "
        "meeting and cycle time as the main measure of flow.",
    },
    {
        "kind": "text",
        "when": _is("delivery_methodology", "eq", "waterfall"),
        "template": "Work is planned in phases. To shorten feedback, each phase delivers working software "
        "to a test environment at least monthly, and requirements changes go through a lightweight change "
        "log rather than a new phase.",
    },
    {
        "kind": "text",
        "when": _is("delivery_methodology", "eq", "hybrid"),
        "template": "Teams choose Scrum or Kanban according to their work, within common rules: work is "
        "visible on one board per team, every item has a definition of done, and each team reviews its "
        "flow (cycle time, work in progress, escaped defects) every month.",
    },
    {
        "kind": "text",
        "when": _is("delivery_satisfaction", "lte", 5),
        "template": "Satisfaction with the speed of delivery is {{ delivery_satisfaction|out_of(10) }}. "
        "Slow delivery is usually a symptom of rework and waiting, not of effort: the team measures "
        "lead time from commit to production and the share of work that is unplanned, and fixes the "
        "largest source of delay first.",
    },
    {
        "kind": "text",
        "when": _is("delivery_satisfaction", "gte", 7),
        "template": "Satisfaction with the speed of delivery is {{ delivery_satisfaction|out_of(10) }}. "
        "The standards below protect it: speed that is bought by skipping review or tests is repaid with "
        "interest.",
    },
    HANDBOOK_RITUALS,
    {
        "kind": "table",
        "title": "Definition of done",
        "columns": ["A change is done when", "Why"],
        "rows": [
            ["It has been reviewed and approved by another engineer", "Two people understand every change"],
            ["Its automated tests pass in continuous integration", "Regressions are caught before release"],
            [
                "It is deployed to production, behind a flag if incomplete",
                "Value reaches users, not a branch",
            ],
            ["Its monitoring and alerts are in place", "Failures are seen before customers see them"],
            ["Documentation affected by it is updated", "The next person does not have to guess"],
        ],
    },
    {"kind": "heading", "text": "Code quality"},
    {
        "kind": "table",
        "title": "Engineering standards",
        "columns": ["Practice", "Standard", "Today"],
        "rows": [
            [
                "Continuous integration",
                "Every push builds, tests and scans dependencies; the main branch is always releasable",
                "{{ engineering_maturity.ci|default('Not assessed') }}",
            ],
            [
                "Automated testing",
                "Unit tests for logic, integration tests for each service boundary, a few end-to-end tests "
                "for critical journeys",
                "{{ engineering_maturity.testing|default('Not assessed') }}",
            ],
            [
                "Code review",
                "Every change reviewed within one working day; reviews check design, tests and security, "
                "not style, which tools enforce",
                "{{ engineering_maturity.review|default('Not assessed') }}",
            ],
            [
                "Monitoring and alerting",
                "Each service reports latency, errors and saturation; alerts are actionable",
                "{{ engineering_maturity.monitoring|default('Not assessed') }}",
            ],
            [
                "Incident response",
                "Named incident lead, severity levels, blameless review after each customer-facing incident",
                "{{ engineering_maturity.incidents|default('Not assessed') }}",
            ],
        ],
    },
    HANDBOOK_LANGUAGES,
    {
        "kind": "text",
        "when": MANY,
        "template": "At this size, consistency comes from the paved road rather than from rules. The platform "
        "team maintains service templates for each supported language, with the pipeline, logging, "
        "metrics, tracing and security checks already wired in, and a service catalogue that names the "
        "owning team, the on-call rota, the runbooks and the data classification of every "
        "{% if microservice_count %}one of the {{ microservice_count|number }} services{% else %}service"
        "{% endif %}. A team may leave the paved road when it has a reason, recorded in a decision record, "
        "and then carries the cost of maintaining its own path.",
    },
    *HANDBOOK_REVIEW,
    *HANDBOOK_TESTING,
    *HANDBOOK_DELIVERY,
    {
        "kind": "text",
        "when": _is("engineering_maturity.ci", "in", STRONG),
        "template": "Every merge to the main branch is deployed by the pipeline. Risky changes ship behind "
        "feature flags, {% if architecture and architecture.value == 'microservices' %}services deploy "
        "independently with backward-compatible contracts, {% endif %}and a deployment that raises the "
        "error rate is rolled back automatically.",
    },
    *HANDBOOK_ONCALL,
    {"kind": "heading", "text": "Security in engineering"},
    {
        "kind": "text",
        "template": "Engineers follow the Information Security Policy. In daily work that means: no "
        "secrets in code, chat or tickets; dependencies updated at least monthly and at once for critical "
        "vulnerabilities; production data never copied to laptops or test environments; and every access "
        "to production made with a personal, multi-factor account.",
    },
    {
        "kind": "text",
        "when": SHARED_SECRETS,
        "template": "Shared credentials are among the known debts of the code base. Replacing them with "
        "personal and per-service credentials from a secrets manager is the first security task of this "
        "handbook, ahead of any new feature that touches production data.",
    },
    HANDBOOK_SECURITY,
    *HANDBOOK_DECISIONS,
    *HANDBOOK_DEBT,
    {
        "kind": "text",
        "when": _is("technical_debt", "gte", 7),
        "template": "Technical debt is rated {{ technical_debt|out_of(10) }}. Each planning cycle reserves "
        "a fifth of capacity for paying it down, starting with the debt that slows every change or "
        "threatens production; the rest is recorded in the backlog with its cost, not left in people's "
        "heads.",
    },
    {
        "kind": "text",
        "when": _all(_is("technical_debt", "gte", 4), _is("technical_debt", "lt", 7)),
        "template": "Technical debt is rated {{ technical_debt|out_of(10) }}. Teams reserve about a tenth "
        "of each cycle for it and leave code they touch a little better than they found it.",
    },
    {
        "kind": "text",
        "when": _is("technical_debt", "lt", 4),
        "template": "Technical debt is rated {{ technical_debt|out_of(10) }}, which is low. Known debt is "
        "recorded with an owner and a date, so that large items{% if technical_debt_sources %}, such as "
        "those described in the appendix,{% endif %} are planned rather than discovered.",
    },
    *HANDBOOK_DEBT_RULES,
    *HANDBOOK_PEOPLE,
    *RECOMMENDATIONS_AND_RISKS,
    *_next_steps(
        "The handbook's owner walks the whole team through it, agrees a date by which the standards apply "
        "to all new work, and reviews progress against them every quarter.",
    ),
]

# ----------------------------------------------------------------- api-documentation

HAS_API = _is("platforms", "contains", "api")


def _mentions(field: str, *words: str) -> dict[str, Any]:
    """The free-text answer ``field`` mentions any of ``words`` (case-insensitive)."""
    return _any(*(_is(field, "contains", word) for word in words))


def _mentions_none(field: str, *words: str) -> dict[str, Any]:
    return _all(*(_is(field, "not_contains", word) for word in words))


# The product's domains, read from its description, decide which resources the reference lists.
FORECAST_WORDS = ("forecast", "predict", "demand")
BOOKING_WORDS = ("booking", "reservation", "appointment")
TRACKING_WORDS = ("tracking", "shipment", "parcel", "freight")
ROUTING_WORDS = ("routing", "route")
LOCATION_WORDS = ("shop", "store", "retailer", "depot", "branch", "site")
CARRIER_WORDS = ("carrier", "fleet", "driver")
PRODUCT_FORECAST = _mentions("product_description", *FORECAST_WORDS)
PRODUCT_BOOKING = _mentions("product_description", *BOOKING_WORDS)
PRODUCT_TRACKING = _mentions("product_description", *TRACKING_WORDS)
PRODUCT_ROUTING = _mentions("product_description", *ROUTING_WORDS)
PRODUCT_LOCATIONS = _mentions("product_description", *LOCATION_WORDS)
PRODUCT_CARRIERS = _mentions("product_description", *CARRIER_WORDS)
PRODUCT_GENERIC = _mentions_none(
    "product_description", *FORECAST_WORDS, *BOOKING_WORDS, *TRACKING_WORDS, *ROUTING_WORDS
)
STRONG_AUTH = _any(SOX, _is("sensitive_data_kinds", "in", ["accounts", "cards", "phi"]))
INTEGRATES = _is("integrations", "is_not_empty")
ASYNC_WORK = _any(
    PRODUCT_FORECAST,
    PRODUCT_ROUTING,
    _is("planned_initiatives", "in", ["data_platform", "ai"]),
)
SMALL_TEAM = _is("engineer_count", "lt", 50)
LARGE_TEAM = _is("engineer_count", "gte", 50)
AUDIT_YEARS = "{% if regulations and 'sox' in regulations.values %}seven years{% else %}one year{% endif %}"

# Who calls the API, from the platforms, integrations and planned work.
API_CONSUMERS = {
    "kind": "table",
    "title": "Who calls the API",
    "columns": ["Caller", "What it does", "How it authenticates"],
    "rows": [
        {
            "cells": [
                "{{ company }}'s web application",
                "Every screen of the browser product reads and writes through the same API as outside "
                "callers, so the public contract is exercised on every release.",
                "Authorisation code with PKCE, acting for the signed-in user",
            ],
            "when": _is("platforms", "contains", "web"),
        },
        {
            "cells": [
                "{{ company }}'s mobile apps",
                "The {% if platforms and 'ios' in platforms.values %}iOS{% if 'android' in platforms.values %}"
                " and Android{% endif %}{% else %}Android{% endif %} apps use the API for every action, "
                "tolerating slow and interrupted connections through idempotent writes.",
                "Authorisation code with PKCE; refresh tokens held in the device's secure storage",
            ],
            "when": _is("platforms", "in", ["ios", "android"]),
        },
        {
            "cells": [
                "Partners and customers' systems",
                "Integrate their own software with {{ company }}: create and read records, receive events.",
                "Client credentials, one credential per partner and environment",
            ],
            "when": HAS_API,
        },
        {
            "cells": [
                "Connectors to third-party systems",
                "Move data between the product and {{ integrations|trim|trim('.') }}.",
                "Client credentials of a dedicated service account per connector",
            ],
            "when": INTEGRATES,
        },
        {
            "cells": [
                "The data platform",
                "Extracts records in bulk for analytics through the export endpoints, not by reading "
                "production databases.",
                "Client credentials with read and export scopes only",
            ],
            "when": _is("planned_initiatives", "contains", "data_platform"),
        },
        {
            "cells": [
                "Machine-learning services",
                "Read the history a model is trained on and publish predictions back as resources.",
                "Client credentials, separate for training (read) and serving (write predictions)",
            ],
            "when": _is("planned_initiatives", "contains", "ai"),
        },
        {
            "cells": [
                "The ERP or CRM system",
                "Remains the master of customers and invoices; the API carries read-only copies and "
                "forwards changes to it.",
                "Client credentials of the integration service account",
            ],
            "when": _is("planned_initiatives", "contains", "erp"),
        },
        {
            "cells": [
                "{{ company }}'s own internal tools",
                "Support and operations tools act through the API, so every staff action is authorised "
                "and logged like a customer's.",
                "Authorisation code with PKCE through the staff identity provider",
            ],
            "when": _is("platforms", "not_contains", "web"),
        },
    ],
}

API_RESOURCE_DOMAINS: list[dict[str, Any]] = [
    {
        "kind": "text",
        "when": _is("product_description", "is_not_empty"),
        "template": "The resources below follow from what the product does: “{{ product_description|trim"
        "|trim('.') }}”. They are grouped by domain; each group has an owner who approves changes to its "
        "part of the contract. Paths are relative to the base address.",
    },
    {"kind": "heading", "text": "Accounts, users and access", "level": 2},
    {
        "kind": "table",
        "title": "Accounts, users and access",
        "columns": ["Resource", "Endpoints", "Scopes", "Notes"],
        "rows": [
            [
                "Organisation",
                "GET, PATCH /v1/organisation",
                "organisation:read, organisation:write",
                "The caller's own organisation: name, time zone, locale and billing contact.",
            ],
            [
                "User",
                "GET, POST /v1/users; GET, PATCH /v1/users/{id}; POST /v1/users/{id}/deactivate",
                "users:read, users:write",
                "Users are deactivated, not deleted, so that the audit history stays whole"
                "{% if regulations and 'gdpr' in regulations.values %}; erasure under GDPR replaces their "
                "personal details and keeps the record{% endif %}.",
            ],
            [
                "Role assignment",
                "GET, PUT /v1/users/{id}/roles",
                "users:write",
                "Grants a named role, never an individual permission; takes effect on the next request.",
            ],
            [
                "API client",
                "GET, POST /v1/api_clients; POST /v1/api_clients/{id}/rotate_secret",
                "clients:write",
                "Credentials for server integrations; the secret is shown once, at creation or rotation.",
            ],
            [
                "Webhook endpoint",
                "GET, POST, PATCH, DELETE /v1/webhook_endpoints",
                "webhooks:write",
                "Receiving address, subscribed event types, signing secret and delivery status.",
            ],
            {
                "cells": [
                    "Audit event",
                    "GET /v1/audit_events",
                    "audit:read",
                    "Read-only record of sign-ins, permission changes and credential changes, kept for "
                    + AUDIT_YEARS
                    + ".",
                ],
                "when": _any(SOX, _is("planned_initiatives", "contains", "security")),
            },
        ],
    },
    {"kind": "heading", "text": "Sales data and forecasts", "level": 2, "when": PRODUCT_FORECAST},
    {
        "kind": "text",
        "when": PRODUCT_FORECAST,
        "template": "Forecasting is the product's core: a caller supplies sales history, asks for a "
        "forecast and reads its lines. Imports and forecast runs take from seconds to minutes, so both "
        "are asynchronous: the request returns 202 Accepted with the resource in a pending state, and a "
        "webhook announces the result.",
    },
    {
        "kind": "table",
        "title": "Sales data and forecasts",
        "when": PRODUCT_FORECAST,
        "columns": ["Resource", "Endpoints", "Scopes", "Notes"],
        "rows": [
            [
                "Import",
                "POST /v1/imports (file upload); GET /v1/imports/{id}; GET /v1/imports/{id}/errors",
                "imports:write, imports:read",
                "A till or point-of-sale export in CSV, up to 50 MB. States: pending, validating, "
                "completed or failed; rejected rows are listed with the line number and the reason.",
            ],
            [
                "Sales record",
                "GET /v1/sales",
                "sales:read",
                "Read-only lines created by imports, filterable by location, product and date. "
                "Corrections arrive as a new import, never as edits.",
            ],
            [
                "Product",
                "GET, POST /v1/products; GET, PATCH /v1/products/{id}",
                "products:read, products:write",
                "Items sold, matched across imports by SKU or barcode; merges of duplicates are recorded.",
            ],
            [
                "Forecast",
                "POST /v1/forecasts; GET /v1/forecasts/{id}; GET /v1/forecasts/{id}/lines",
                "forecasts:write, forecasts:read",
                "A run for one location and horizon (by default the next calendar month). Each line gives "
                "the predicted units per product and week with a lower and an upper bound.",
            ],
            [
                "Forecast accuracy",
                "GET /v1/forecasts/{id}/accuracy",
                "forecasts:read",
                "Compares a past forecast with the sales imported since, as the mean absolute percentage "
                "error per product, so a customer can judge the forecast before relying on it.",
            ],
        ],
    },
    {"kind": "heading", "text": "Bookings", "level": 2, "when": PRODUCT_BOOKING},
    {
        "kind": "table",
        "title": "Bookings",
        "when": PRODUCT_BOOKING,
        "columns": ["Resource", "Endpoints", "Scopes", "Notes"],
        "rows": [
            [
                "Availability",
                "GET /v1/availability",
                "bookings:read",
                "Capacity offered for a lane or service on a date, so a caller can quote before booking.",
            ],
            [
                "Booking",
                "GET, POST /v1/bookings; GET, PATCH /v1/bookings/{id}",
                "bookings:read, bookings:write",
                "Collection and delivery locations, time windows, the load and the caller's own reference. "
                "States: requested, confirmed, in progress, completed or cancelled.",
            ],
            [
                "Cancellation",
                "POST /v1/bookings/{id}/cancel",
                "bookings:write",
                "Allowed until the agreed cut-off; after it the response states any charge that applies.",
            ],
        ],
    },
    {"kind": "heading", "text": "Routing", "level": 2, "when": PRODUCT_ROUTING},
    {
        "kind": "table",
        "title": "Routing",
        "when": PRODUCT_ROUTING,
        "columns": ["Resource", "Endpoints", "Scopes", "Notes"],
        "rows": [
            [
                "Route plan",
                "POST /v1/route_plans; GET /v1/route_plans/{id}",
                "routes:write, routes:read",
                "Optimises a set of bookings across vehicles and time windows. Asynchronous: 202 Accepted, "
                "then the route_plan.completed event.",
            ],
            [
                "Route",
                "GET /v1/routes; GET /v1/routes/{id}",
                "routes:read",
                "Ordered stops with planned arrival times, distance and the vehicle assigned"
                "{% if business_problems and 'electric' in business_problems|lower %}, including planned "
                "charging stops for electric vehicles{% endif %}.",
            ],
        ],
    },
    {"kind": "heading", "text": "Shipments and tracking", "level": 2, "when": PRODUCT_TRACKING},
    {
        "kind": "table",
        "title": "Shipments and tracking",
        "when": PRODUCT_TRACKING,
        "columns": ["Resource", "Endpoints", "Scopes", "Notes"],
        "rows": [
            [
                "Shipment",
                "GET /v1/shipments; GET /v1/shipments/{id}",
                "shipments:read",
                "The physical movement behind a booking or order: status, last known position and "
                "estimated arrival.",
            ],
            [
                "Tracking event",
                "GET, POST /v1/shipments/{id}/events",
                "tracking:read, tracking:write",
                "Scans, status changes and positions. Carriers and devices post events; customers read "
                "them. Events are immutable and carry the time they happened as well as the time received.",
            ],
            [
                "Proof of delivery",
                "GET /v1/shipments/{id}/proof_of_delivery",
                "shipments:read, personal_data:read",
                "Signature, name and photograph at delivery; personal data, so masked without the scope.",
            ],
        ],
    },
    {
        "kind": "heading",
        "text": "Locations and partners",
        "level": 2,
        "when": _any(PRODUCT_LOCATIONS, PRODUCT_CARRIERS),
    },
    {
        "kind": "table",
        "title": "Locations and partners",
        "when": _any(PRODUCT_LOCATIONS, PRODUCT_CARRIERS),
        "columns": ["Resource", "Endpoints", "Scopes", "Notes"],
        "rows": [
            {
                "cells": [
                    "Location",
                    "GET, POST /v1/locations; GET, PATCH /v1/locations/{id}",
                    "locations:read, locations:write",
                    "A shop, store, depot or delivery point: address, opening hours and time zone. "
                    "Figures that depend on local time are calculated in the location's time zone.",
                ],
                "when": PRODUCT_LOCATIONS,
            },
            {
                "cells": [
                    "Carrier",
                    "GET /v1/carriers; GET /v1/carriers/{id}",
                    "carriers:read",
                    "Carrier organisations and their service areas; a carrier's credential sees only its "
                    "own record and the work assigned to it.",
                ],
                "when": PRODUCT_CARRIERS,
            },
            {
                "cells": [
                    "Vehicle",
                    "GET, POST /v1/vehicles; GET, PATCH /v1/vehicles/{id}",
                    "vehicles:read, vehicles:write",
                    "Registration, capacity and power source"
                    "{% if business_problems and 'electric' in business_problems|lower %}; for electric "
                    "vehicles also usable range and charging connector{% endif %}.",
                ],
                "when": PRODUCT_CARRIERS,
            },
        ],
    },
    {"kind": "heading", "text": "Core records", "level": 2, "when": PRODUCT_GENERIC},
    {
        "kind": "text",
        "when": PRODUCT_GENERIC,
        "template": "Each business record the product manages becomes a resource with the standard "
        "operations below, a plural noun for its path (/v1/orders, /v1/customers) and one scope pair "
        "(orders:read, orders:write). State changes that carry business rules, such as approving or "
        "cancelling, are explicit actions (POST /v1/orders/{id}/cancel) rather than updates of a status "
        "field, so that the rule is enforced and the event is emitted in one place.",
    },
    {
        "kind": "heading",
        "text": "Analytics, predictions and business records",
        "level": 2,
        "when": _is("planned_initiatives", "in", ["data_platform", "ai", "erp"]),
    },
    {
        "kind": "table",
        "title": "Analytics, predictions and business records",
        "when": _is("planned_initiatives", "in", ["data_platform", "ai", "erp"]),
        "columns": ["Resource", "Endpoints", "Scopes", "Notes"],
        "rows": [
            {
                "cells": [
                    "Metric",
                    "GET /v1/metrics; GET /v1/metrics/{name}/values",
                    "analytics:read",
                    "The agreed business measures, each with its definition, owner and last refresh time.",
                ],
                "when": _is("planned_initiatives", "contains", "data_platform"),
            },
            {
                "cells": [
                    "Export",
                    "POST /v1/exports; GET /v1/exports/{id}",
                    "exports:write",
                    "Bulk extracts delivered as files at a signed address that expires after 24 hours; "
                    "personal fields are left out unless the client holds personal_data:read.",
                ],
                "when": _is("planned_initiatives", "contains", "data_platform"),
            },
            {
                "cells": [
                    "Prediction",
                    "POST /v1/predictions; GET /v1/predictions/{id}",
                    "predictions:read, predictions:write",
                    "A model's output with the model version, a confidence score and the main factors"
                    "{% if ai_use_cases %}; the first use case: {{ ai_use_cases|trim|trim('.')|lower }}"
                    "{% endif %}.",
                ],
                "when": _is("planned_initiatives", "contains", "ai"),
            },
            {
                "cells": [
                    "Prediction feedback",
                    "POST /v1/predictions/{id}/feedback",
                    "predictions:write",
                    "Records whether a person accepted or overrode a prediction, and why, for retraining.",
                ],
                "when": _is("planned_initiatives", "contains", "ai"),
            },
            {
                "cells": [
                    "Customer account and invoice",
                    "GET /v1/customers; GET /v1/invoices; GET /v1/invoices/{id}",
                    "invoices:read{% if sensitive_data_kinds and 'accounts' in sensitive_data_kinds.values %}"
                    ", financial:read{% endif %}",
                    "Read-only copies of records mastered in the ERP or CRM, each with its reference there; "
                    "changes are made in that system and reach the API as events.",
                ],
                "when": _is("planned_initiatives", "contains", "erp"),
            },
        ],
    },
]

API_QUERYING: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Pagination, filtering and sorting"},
    {
        "kind": "text",
        "template": "Every list is paginated with cursors, never with page numbers or offsets: a cursor "
        "stays correct while records are added, and its cost does not grow with the depth of the list. "
        "A response carries up to limit records in data, has_more, and next_cursor when more remain; "
        "the caller passes next_cursor back as starting_after. Records are ordered by creation time, "
        "newest first, unless sort says otherwise.",
    },
    {
        "kind": "table",
        "title": "Query parameters every list accepts",
        "columns": ["Parameter", "Meaning", "Example"],
        "rows": [
            ["limit", "Records per page, 1 to 100; 20 when omitted", "limit=100"],
            [
                "starting_after",
                "The cursor returned as next_cursor by the previous page",
                "starting_after=c_8fK2",
            ],
            [
                "created[gte], created[lt]",
                "Records created in a time range (also updated[gte] and updated[lt])",
                "created[gte]=2026-03-01T00:00:00Z",
            ],
            [
                "Field filters",
                "Equality on the fields each resource documents as filterable",
                "status=confirmed",
            ],
            ["sort", "One documented field, descending with a leading minus sign", "sort=-updated_at"],
            [
                "expand",
                "Embeds a related resource instead of its identifier, at most two levels",
                "expand=location",
            ],
            {
                "cells": [
                    "location",
                    "Restricts sales, forecasts and figures to one location",
                    "location=loc_3Hq9",
                ],
                "when": _all(PRODUCT_FORECAST, PRODUCT_LOCATIONS),
            },
            {
                "cells": [
                    "carrier",
                    "Restricts bookings, routes and shipments to one carrier's work",
                    "carrier=car_91Xa",
                ],
                "when": PRODUCT_CARRIERS,
            },
        ],
    },
    {
        "kind": "text",
        "template": "A caller that keeps a copy of the data synchronises with updated[gte] from the time of "
        "its last run, and listens to webhooks for anything urgent; it never pages through the whole "
        "collection on a schedule. Filters on fields that are not documented as filterable are refused "
        "with a 400 response rather than ignored, so a mistyped filter cannot silently return everything.",
    },
    {"kind": "heading", "text": "Idempotency and concurrency"},
    {
        "kind": "text",
        "template": "Networks fail between a request and its response, so every POST accepts an "
        "Idempotency-Key header: a unique value the caller generates per operation, such as a UUID. "
        "Repeating the request with the same key within 24 hours returns the first response instead of "
        "acting twice; repeating the key with a different body returns 422 with the code "
        "idempotency_key_reused. PUT, PATCH and DELETE are idempotent by design.\n\n"
        "Each resource carries a version in its ETag header. An update sent with If-Match succeeds only if "
        "nobody has changed the resource since it was read; otherwise it returns 412 Precondition Failed "
        "and the caller reads the resource again before deciding. Callers that do not send If-Match get "
        "last-write-wins, which is acceptable only for fields a single system owns.",
    },
    {
        "kind": "text",
        "when": _is("platforms", "in", ["ios", "android"]),
        "template": "The mobile apps queue writes while offline and replay them with their original "
        "idempotency keys when the connection returns, so an action a user took once is recorded once.",
    },
    {"kind": "heading", "text": "Long-running operations", "when": ASYNC_WORK},
    {
        "kind": "text",
        "when": ASYNC_WORK,
        "template": "Operations that take longer than a few seconds"
        "{% if product_description and ('forecast' in product_description|lower or 'predict' in "
        "product_description|lower) %}, such as imports and forecast runs{% elif product_description and "
        "'rout' in product_description|lower %}, such as route plans{% endif %}"
        "{% if planned_initiatives and 'data_platform' in planned_initiatives.values %} and bulk "
        "exports{% endif %}, are asynchronous. The request returns 202 Accepted with the new resource in "
        "the pending state and its address in Location. The caller then either waits for the completion "
        "event or polls the resource no more often than the Retry-After header suggests. A failed "
        "operation keeps its resource, in the failed state, with the reason in a Problem Details body, "
        "so that nothing has to be reconstructed from logs.",
    },
]

API_EVENTS: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Webhooks and events"},
    {
        "kind": "text",
        "template": "Changes that callers need to react to are sent as webhooks to the endpoints they "
        "register. Each delivery is an HTTP POST of one event: its identifier, type, creation time, API "
        "version and the resource as it was after the change. Delivery is at least once and not "
        "guaranteed to be in order, so receivers de-duplicate by event identifier and compare the "
        "resource's updated_at before applying it.",
    },
    {
        "kind": "table",
        "title": "Events",
        "columns": ["Event", "Sent when"],
        "rows": [
            {
                "cells": [
                    "import.completed, import.failed",
                    "An uploaded file has been processed or rejected",
                ],
                "when": PRODUCT_FORECAST,
            },
            {
                "cells": ["forecast.completed", "A forecast run's lines are ready to read"],
                "when": PRODUCT_FORECAST,
            },
            {
                "cells": [
                    "forecast.accuracy_dropped",
                    "Actual sales diverge from a forecast beyond the agreed threshold",
                ],
                "when": PRODUCT_FORECAST,
            },
            {
                "cells": ["booking.confirmed, booking.cancelled", "A booking's state changes"],
                "when": PRODUCT_BOOKING,
            },
            {
                "cells": ["route_plan.completed", "An optimisation has finished, successfully or not"],
                "when": PRODUCT_ROUTING,
            },
            {
                "cells": [
                    "shipment.status_changed, shipment.delivered",
                    "A shipment moves to a new status or is delivered",
                ],
                "when": PRODUCT_TRACKING,
            },
            {
                "cells": ["shipment.delayed", "The estimated arrival moves beyond the agreed window"],
                "when": PRODUCT_TRACKING,
            },
            {
                "cells": ["export.ready", "A bulk export can be downloaded"],
                "when": _is("planned_initiatives", "contains", "data_platform"),
            },
            {
                "cells": ["prediction.created", "A model has published a new prediction"],
                "when": _is("planned_initiatives", "contains", "ai"),
            },
            {
                "cells": ["invoice.updated", "An invoice changed in the ERP or CRM"],
                "when": _is("planned_initiatives", "contains", "erp"),
            },
            ["user.created, user.deactivated", "A user joins or leaves the organisation"],
            {
                "cells": [
                    "person.erased",
                    "A person's data was erased under GDPR; receivers erase their copies",
                ],
                "when": GDPR,
            },
            ["api_client.secret_rotated", "A credential of the organisation was rotated"],
        ],
    },
    {
        "kind": "table",
        "title": "Delivery rules",
        "columns": ["Aspect", "Rule"],
        "rows": [
            [
                "Signature",
                "Webhook-Signature header: HMAC-SHA256 of the timestamp and the body with the endpoint's "
                "secret; receivers reject deliveries older than five minutes",
            ],
            ["Acknowledgement", "Any 2xx response within ten seconds; anything else counts as a failure"],
            ["Retries", "Exponential backoff over 72 hours: after 1, 5 and 30 minutes, then hourly"],
            ["Disabling", "An endpoint failing for 72 hours is disabled and its owner e-mailed"],
            ["Replay", "Events of the last 30 days can be listed at GET /v1/events and redelivered"],
            [
                "Content",
                "Events carry identifiers and changed fields; personal data only with personal_data:read",
            ],
        ],
    },
]

API_ERROR_CATALOGUE = {
    "kind": "table",
    "title": "Error catalogue",
    "columns": ["Code", "Status", "Meaning"],
    "rows": [
        ["invalid_request", "400", "The body or a parameter cannot be parsed, or a filter is not supported"],
        ["authentication_required", "401", "The token is missing, expired or revoked"],
        ["insufficient_scope", "403", "The token is valid but lacks the scope the operation needs"],
        ["resource_not_found", "404", "No such resource, or it belongs to another organisation"],
        ["state_conflict", "409", "The action is not allowed in the resource's current state"],
        ["precondition_failed", "412", "The resource changed since it was read (If-Match did not match)"],
        ["validation_failed", "422", "One or more fields are invalid; the errors list names each field"],
        ["idempotency_key_reused", "422", "The same Idempotency-Key was sent with a different body"],
        ["rate_limited", "429", "The credential's limit is exhausted; Retry-After says when to retry"],
        {
            "cells": [
                "import_unreadable",
                "422",
                "The uploaded file is not a recognised till or sales export",
            ],
            "when": PRODUCT_FORECAST,
        },
        {
            "cells": [
                "insufficient_history",
                "422",
                "Too little sales history for a forecast of the requested horizon",
            ],
            "when": PRODUCT_FORECAST,
        },
        {
            "cells": [
                "capacity_unavailable",
                "409",
                "No capacity remains for the requested lane, date or time window",
            ],
            "when": PRODUCT_BOOKING,
        },
        {
            "cells": [
                "cut_off_passed",
                "409",
                "The booking can no longer be changed or cancelled without a charge",
            ],
            "when": PRODUCT_BOOKING,
        },
        {
            "cells": [
                "route_infeasible",
                "422",
                "No plan satisfies the time windows and vehicle capacities given",
            ],
            "when": PRODUCT_ROUTING,
        },
        {
            "cells": [
                "upstream_unavailable",
                "503",
                "A connected system the operation depends on is not responding",
            ],
            "when": INTEGRATES,
        },
        ["internal_error", "500", "An unexpected failure; it is logged and alerted, and safe to retry"],
    ],
}

API_SECURITY: list[dict[str, Any]] = [
    {
        "kind": "text",
        "when": STRONG_AUTH,
        "template": "{% if sensitive_data_kinds and ('accounts' in sensitive_data_kinds.values or 'cards' in "
        "sensitive_data_kinds.values or 'phi' in sensitive_data_kinds.values) %}Because the API exposes "
        "{{ sensitive_data_kinds|lower }}{% if regulations and 'sox' in regulations.values %} and feeds "
        "systems in scope of SOX{% endif %}{% else %}Because the API feeds systems in scope of SOX"
        "{% endif %}, partner credentials that reach those fields or systems also authenticate with "
        "mutual TLS: the partner presents a client certificate issued by {{ company }}'s private "
        "certificate authority, valid for twelve months and bound to the OAuth client, so a stolen token "
        "is useless without the certificate. Every read of a financial or otherwise restricted field is "
        "logged with the client, the user and the record"
        "{% if regulations and 'sox' in regulations.values %}, and changes to financial records need a "
        "token issued to a named person, never to a shared integration account, so that each change is "
        "attributable{% endif %}.",
    },
    {
        "kind": "text",
        "template": "Credentials are issued per client and per environment, never shared between partners, "
        "and can be revoked at once by the partner or by {{ company }}. Tokens are never accepted in query "
        "strings.",
    },
    {
        "kind": "table",
        "title": "Transport and request security",
        "columns": ["Control", "Rule"],
        "rows": [
            [
                "Transport",
                "TLS 1.2 or later only, with HTTP Strict Transport Security; plain HTTP is refused, not redirected",
            ],
            [
                "Object-level authorisation",
                "Every request is checked against the caller's organisation and role, record by record",
            ],
            [
                "Input",
                "Bodies above 1 MB (uploads excepted) are refused; unknown fields in requests are rejected",
            ],
            [
                "Personal data",
                "Masked in responses without personal_data:read; never placed in URLs, logs or error messages",
            ],
            {
                "cells": [
                    "Network allow-list",
                    "Partner credentials can be restricted to the partner's published IP ranges",
                ],
                "when": _any(HAS_API, INTEGRATES),
            },
            {
                "cells": [
                    "Client certificates",
                    "Required for credentials with financial or restricted scopes; renewed 30 days before expiry",
                ],
                "when": STRONG_AUTH,
            },
            [
                "Logging",
                "Each request logs client, user, operation, status and Request-Id; logs are kept for "
                + AUDIT_YEARS
                + " and are not writable by the teams they record",
            ],
        ],
    },
    {
        "kind": "text",
        "when": GDPR,
        "template": "Under GDPR the API returns only the personal data the caller's purpose needs. Partners "
        "are processors or independent controllers by contract, and the person.erased event tells every "
        "subscribed client to erase its copies of a person's data within the same month as the request.",
    },
]

# The languages the company works in, as the client libraries it can maintain.
SDK_LANGUAGES = (
    "{% for l in languages if l.value != 'other' %}{% if not loop.first %}{{ ' and ' if loop.last else ', ' }}"
    "{% endif %}{{ {'python': 'Python', 'javascript': 'TypeScript (usable from JavaScript)', 'java': "
    "'Java (usable from Kotlin)', 'csharp': 'C#', 'go': 'Go', 'php': 'PHP', 'ruby': 'Ruby'}[l.value] }}"
    "{% endfor %}"
)

API_SDKS: list[dict[str, Any]] = [
    {
        "kind": "heading",
        "text": "From internal endpoints to a public API",
        "when": _is("platforms", "not_contains", "api"),
    },
    {
        "kind": "text",
        "when": _is("platforms", "not_contains", "api"),
        "template": "{{ company }}'s own {% if platforms and 'web' in platforms.values %}web application "
        "already calls{% else %}clients already call{% endif %} server endpoints. Those endpoints become the public API in stages, "
        "each of which is useful on its own, so that opening the API is a decision about access rather "
        "than a rebuild.",
    },
    {
        "kind": "table",
        "title": "Stages to a public API",
        "when": _is("platforms", "not_contains", "api"),
        "columns": ["Stage", "What changes", "Done when"],
        "rows": [
            [
                "1. Conventions",
                "New and changed endpoints follow this reference: paths, errors, pagination, idempotency",
                "Every endpoint touched in a quarter meets the conventions",
            ],
            [
                "2. Description",
                "An OpenAPI description is written for the existing endpoints and checked in continuous "
                "integration",
                "The build fails when code and description disagree",
            ],
            [
                "3. Private access",
                "One or two trusted customers or partners receive sandbox and then production credentials",
                "They run an integration for a month without support beyond the reference",
            ],
            [
                "4. Public access",
                "Self-service sign-up to the sandbox, published reference, changelog and status page",
                "Support requests per integrating customer fall month on month",
            ],
        ],
    },
    {"kind": "heading", "text": "Client libraries and examples"},
    {
        "kind": "text",
        "when": _all(
            _is("languages", "is_not_empty"),
            _is("languages", "in", ["python", "javascript", "java", "csharp", "go", "php", "ruby"]),
        ),
        "template": "Client libraries are generated from the OpenAPI description for " + SDK_LANGUAGES + ", "
        "the languages the engineering team already works in and can support. Each library handles "
        "authentication and token refresh, retries with backoff on 429 and 5xx responses, sets an "
        "Idempotency-Key on every POST and follows cursors for lists. Libraries are versioned "
        "independently of the API and released within a week of any API change.",
    },
    {
        "kind": "text",
        "when": _all(_is("platforms", "in", ["ios", "android"]), HAS_API),
        "template": "{{ company }}'s own mobile apps use the same generated clients{% if mobile_framework "
        "and mobile_framework.value == 'native' %} in Swift and Kotlin{% endif %}, so the first-party "
        "apps are also the first users of every change to the public contract.",
    },
    {
        "kind": "text",
        "when": PRODUCT_FORECAST,
        "template": "A typical integration, in words. The shop's system obtains a token with the "
        "imports:write and forecasts:write scopes. It uploads the previous day's till export to "
        "POST /v1/imports with an Idempotency-Key, and receives 202 with the import pending. When the "
        "import.completed event arrives it requests POST /v1/forecasts for the location and the next "
        "month; on forecast.completed it reads GET /v1/forecasts/{id}/lines, 100 lines at a time, and "
        "places its orders from the upper bound for products it cannot afford to run out of and from the "
        "central figure for the rest. If the import fails, GET /v1/imports/{id}/errors lists the rows to "
        "correct before uploading again.",
    },
    {
        "kind": "text",
        "when": PRODUCT_BOOKING,
        "template": "A typical integration, in words. A retailer's ordering system obtains a token with "
        "bookings:write, checks GET /v1/availability for the lane and date, and books with "
        "POST /v1/bookings, an Idempotency-Key and its own order number as the reference. It stores the "
        "booking's identifier and listens for booking.confirmed"
        "{% if product_description and 'track' in product_description|lower %}, then for "
        "shipment.status_changed and shipment.delivered to update its own stock records, fetching the "
        "proof of delivery only when a delivery is disputed{% endif %}. A capacity_unavailable error means "
        "choosing another date or time window, not retrying.",
    },
    {
        "kind": "text",
        "when": _all(PRODUCT_GENERIC, _is("product_description", "is_not_empty")),
        "template": "A typical integration, in words. The partner's system obtains a token with the scopes "
        "it needs, creates records with POST and an Idempotency-Key, stores the identifiers returned, and "
        "keeps its copy current from webhooks, using updated[gte] to catch up after any outage of its own.",
    },
    {
        "kind": "text",
        "template": "The reference gives, for every operation, a request and response example in plain "
        "HTTP and in each client library, and the explorer runs them against the sandbox with the "
        "reader's own test credentials.",
    },
]

API_LIFECYCLE: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Testing in the sandbox"},
    {
        "kind": "text",
        "template": "Every client gets a sandbox before production access: a separate environment with its "
        "own credentials, its own base address and the same contract as production. It holds generated "
        "data only, never copies of customers' records"
        "{% if sensitive_data and sensitive_data.value == 'yes' %}, so that a partner's test cannot expose "
        + KINDS
        + "{% endif %}. Sandbox data can be reset to its seeded state from the developer portal.",
    },
    {
        "kind": "table",
        "title": "What the sandbox provides",
        "columns": ["Facility", "Purpose"],
        "rows": [
            [
                "Seeded data",
                "Realistic records of every resource, so that lists, filters and pagination can be tried at once",
            ],
            [
                "Event trigger",
                "POST /v1/test/events sends any event type to the caller's endpoint, signed as in production",
            ],
            [
                "Failure simulation",
                "A test header forces 429, 500 and 503 responses, so retry logic can be proven",
            ],
            {
                "cells": [
                    "Sample files",
                    "Till exports in each supported format, one with deliberate errors",
                ],
                "when": PRODUCT_FORECAST,
            },
            {
                "cells": [
                    "Test accounts",
                    "Bank account numbers that succeed, fail or require review, never real ones",
                ],
                "when": FINANCIAL_DATA,
            },
            {
                "cells": ["Simulated journeys", "Shipments that advance through each status on a fast clock"],
                "when": PRODUCT_TRACKING,
            },
            ["Lower limits", "The sandbox tier's rate limits, so production limits are not a surprise"],
        ],
    },
    {
        "kind": "text",
        "when": HAS_API,
        "template": "Before production credentials are issued, a partner's integration passes a short "
        "certification: it handles pagination, retries with backoff, verifies webhook signatures and "
        "uses idempotency keys. The check is automated from the sandbox's request logs and takes a day, "
        "not a meeting.",
    },
    {"kind": "heading", "text": "Changelog and deprecation"},
    {
        "kind": "text",
        "template": "Every change to the contract is published in a dated changelog, generated from the "
        "differences between successive OpenAPI descriptions and edited for readers. Each entry is "
        "marked Added, Changed, Deprecated, Removed, Fixed or Security, names the resources affected and "
        "says what a caller has to do, if anything. Callers can follow it by e-mail or feed.",
    },
    {
        "kind": "table",
        "title": "Notice given before a change",
        "columns": ["Change", "Notice", "How callers are told"],
        "rows": [
            ["New resource, field, event or optional parameter", "None; announced on release", "Changelog"],
            ["New value of an existing enumeration", "30 days", "Changelog and e-mail to technical contacts"],
            [
                "Security fix that changes behaviour",
                "As short as the risk requires",
                "E-mail and status page",
            ],
            [
                "Deprecation of a field, operation or version",
                "{% if engineer_count and engineer_count >= 50 %}12 months{% else %}6 months{% endif %}",
                "Changelog, e-mail, Deprecation and Sunset headers",
            ],
            [
                "Removal after the sunset date",
                "Only when usage has been traced to zero or its callers agreed",
                "Direct contact with each remaining caller",
            ],
        ],
    },
    {"kind": "heading", "text": "Support and service levels"},
    {
        "kind": "text",
        "when": SMALL_TEAM,
        "template": "With {{ engineer_count|number }} engineer{% if engineer_count != 1 %}s{% endif %}, "
        "support is offered in the company's working hours by e-mail to a shared address that every engineer "
        "watches in turn. A public status page shows incidents and planned maintenance; developers "
        "subscribe to it rather than asking. Callers quote the Request-Id of a failing call, which lets "
        "the engineer find the request in the logs at once.",
    },
    {
        "kind": "text",
        "when": LARGE_TEAM,
        "template": "Developer support is staffed by the API team in working hours and by the on-call "
        "engineer out of hours for partner-tier incidents. A status page reports availability and "
        "latency per domain, incidents and planned maintenance, and partners can subscribe to the "
        "domains they use. Callers quote the Request-Id of a failing call.",
    },
    {
        "kind": "table",
        "title": "Response targets",
        "columns": ["Severity", "Example", "First response"],
        "rows": [
            [
                "Critical",
                "The API or a whole domain is unavailable",
                "{% if engineer_count and engineer_count >= 50 %}30 minutes, at any hour{% else %}One hour "
                "in working hours; best effort outside them{% endif %}",
            ],
            [
                "High",
                "An operation fails for many callers, or events are delayed",
                "{% if engineer_count and engineer_count >= 50 %}Two hours, at any hour{% else %}Four working "
                "hours{% endif %}",
            ],
            ["Normal", "A single caller's error or a question about behaviour", "One working day"],
            ["Request", "A new scope, a higher tier or a feature suggestion", "Five working days"],
        ],
    },
]


API_DOCUMENTATION: list[dict[str, Any]] = [
    {"kind": "heading", "text": "Executive summary"},
    {
        "kind": "text",
        "when": HAS_API,
        "template": "{{ company }} offers a public API or integrations{% if architecture and "
        "architecture.value == 'microservices' %}, served by {% if microservice_count %}about "
        "{{ microservice_count|number }}{% else %}many{% endif %} microservices{% endif %}{% if "
        "platforms|length > 1 %}, alongside its {% for p in platforms if p.value != 'api' %}{{ {'web': "
        "'web', 'ios': 'iOS', 'android': 'Android', 'desktop': 'desktop', 'iot': 'embedded'}[p.value] }}{% if loop.revindex == 2 %} and {% elif not loop.last %}, {% endif %}"
        "{% endfor %} clients{% endif %}. This document is the "
        "reference callers rely on: how they authenticate, which operations exist, how errors and limits "
        "are reported and how the API changes without breaking them.",
    },
    {
        "kind": "text",
        "when": _is("platforms", "not_contains", "api"),
        "template": "{{ company }} does not yet offer a public API{% if integrations %}, but it integrates "
        "with third-party systems{% endif %}. This document sets the standards the first API will follow, "
        "so that partners meet one consistent design from the start and the internal interfaces built "
        "now can be opened later without being rewritten.",
    },
    {
        "kind": "text",
        "when": SENSITIVE,
        "template": "The API gives access to " + KINDS + ", so its authentication, authorisation and "
        "logging carry the same obligations as the rest of the product{% if regulations and "
        "regulations.values != ['none'] %} under {{ regulations }}{% endif %}.",
    },
    {"kind": "findings", "title": "The three most important findings", "limit": 3},
    {"kind": "heading", "text": "Overview"},
    API_CONSUMERS,
    {
        "kind": "text",
        "template": "The API follows REST conventions over HTTPS and exchanges JSON. It is described in an "
        "OpenAPI 3.1 document kept in the same repository as the code; this reference, the interactive "
        "explorer and the client libraries are generated from that description, so they cannot drift from "
        "what the service does.",
    },
    {
        "kind": "table",
        "title": "Conventions",
        "columns": ["Aspect", "Convention"],
        "rows": [
            [
                "Base address",
                "https://api.<domain>/v1 in production; a sandbox with test data at its own address",
            ],
            ["Format", "JSON in UTF-8; field names in snake_case; unknown fields ignored by clients"],
            ["Identifiers", "Opaque strings with a type prefix (cus_…, inv_…); never sequential numbers"],
            ["Dates and times", "ISO 8601 in UTC, e.g. 2026-03-14T09:30:00Z"],
            ["Money", "Integer minor units with an ISO 4217 currency code"],
            ["Pagination", "Cursor-based: limit (maximum 100) and starting_after; responses carry has_more"],
            ["Idempotency", "Every POST accepts an Idempotency-Key header, honoured for 24 hours"],
            ["Tracing", "Every response carries a Request-Id to quote to support"],
        ],
    },
    {
        "kind": "text",
        "when": _is("integrations", "is_not_empty"),
        "template": "The same conventions apply to the connectors {{ company }} maintains with third-party "
        "systems (listed in the appendix): each connector is documented as a client of this API or of the "
        "partner's, with its owner, its data flows and its failure behaviour.",
    },
    {"kind": "heading", "text": "Authentication"},
    {
        "kind": "text",
        "template": "Server-to-server callers use the OAuth 2.0 client credentials grant; applications "
        "acting for a user use the authorisation code grant with PKCE. Access tokens are short-lived (one "
        "hour) and carry scopes that name the resources and actions allowed; refresh tokens rotate on "
        "use. Static API keys are offered only for the sandbox.",
    },
    {
        "kind": "table",
        "title": "Scopes",
        "columns": ["Scope", "Grants"],
        "rows": [
            ["<resource>:read", "Reading the resource and its lists"],
            ["<resource>:write", "Creating and updating the resource"],
            ["<resource>:delete", "Deleting the resource, where deletion is allowed"],
            {
                "cells": [
                    "personal_data:read",
                    "Reading fields that hold personal data, which are otherwise masked",
                ],
                "when": SENSITIVE,
            },
            {
                "cells": [
                    "financial:read",
                    "Reading bank or financial account details, shown otherwise as the last four digits",
                ],
                "when": _is("sensitive_data_kinds", "contains", "accounts"),
            },
        ],
    },
    *API_SECURITY,
    {"kind": "heading", "text": "Resources"},
    {
        "kind": "text",
        "template": "Each resource is documented with its fields (type, whether required, whether it may be "
        "null, an example), the operations it supports, the scopes each needs, and the events it emits. "
        "Resources follow the same pattern of operations.",
    },
    {
        "kind": "table",
        "title": "Standard operations",
        "columns": ["Operation", "Request", "Success"],
        "rows": [
            ["List", "GET /v1/<resources>?limit=&starting_after=", "200 with data and has_more"],
            ["Retrieve", "GET /v1/<resources>/{id}", "200 with the resource"],
            ["Create", "POST /v1/<resources> with Idempotency-Key", "201 with the resource and its Location"],
            ["Update", "PATCH /v1/<resources>/{id} with the changed fields only", "200 with the resource"],
            ["Delete", "DELETE /v1/<resources>/{id}", "204, or 409 when dependants exist"],
        ],
    },
    {
        "kind": "text",
        "when": _is("architecture", "eq", "microservices"),
        "template": "Behind the public surface, resources are served by different services. The public "
        "contract is owned by the API product owner, not by the services: a service may change its "
        "internal interface freely, but a change visible to callers goes through the versioning rules "
        "below.",
    },
    *API_RESOURCE_DOMAINS,
    *API_QUERYING,
    *API_EVENTS,
    {"kind": "heading", "text": "Errors"},
    {
        "kind": "text",
        "template": "Errors use HTTP status codes and a body in the Problem Details format (RFC 9457): a "
        "type URI that links to this reference, a title, the status, a detail message for developers and, "
        "for validation errors, the list of fields at fault. Messages never include stack traces, "
        "internal identifiers or personal data.",
    },
    {
        "kind": "table",
        "title": "Status codes",
        "columns": ["Status", "Meaning", "What the caller should do"],
        "rows": [
            ["400", "The request is malformed", "Fix the request; do not retry"],
            ["401", "No valid access token", "Obtain a new token, then retry"],
            ["403", "The token lacks the scope", "Request the scope; do not retry"],
            ["404", "No such resource, or not visible to this client", "Check the identifier"],
            ["409", "Conflicts with the resource's current state", "Fetch the resource and decide"],
            ["422", "Validation failed", "Correct the listed fields"],
            ["429", "Rate limit exceeded", "Wait for Retry-After, then retry"],
            ["500", "Unexpected server error", "Retry with backoff; quote the Request-Id to support"],
            ["503", "Temporarily unavailable", "Retry with backoff"],
        ],
    },
    {
        "kind": "text",
        "template": "Each error body also carries a stable code, listed below, which callers should "
        "branch on instead of the human-readable title; codes are never renamed within a major version.",
    },
    API_ERROR_CATALOGUE,
    {"kind": "heading", "text": "Rate limits"},
    {
        "kind": "text",
        "template": "Limits protect the service for all callers. They apply per client credential, are "
        "reported on every response in the RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset "
        "headers, and a 429 response carries Retry-After. Callers that need more ask for a higher tier "
        "rather than spreading load across credentials.",
    },
    {
        "kind": "table",
        "title": "Tiers",
        "columns": ["Tier", "Requests per minute", "Burst"],
        "rows": [
            ["Sandbox", "60", "20"],
            ["Standard", "600", "100"],
            ["Partner", "{% if engineer_count >= 50 %}6,000{% else %}3,000{% endif %}", "500"],
        ],
    },
    {
        "kind": "text",
        "when": ASYNC_WORK,
        "template": "Operations that start heavy work have their own, lower limits on top of the tier, "
        "counted per organisation rather than per credential: "
        "{% if product_description and ('forecast' in product_description|lower or 'predict' in "
        "product_description|lower) %}ten imports and twenty forecast runs per location per hour"
        "{% elif product_description and 'rout' in product_description|lower %}thirty route plans per "
        "hour{% else %}thirty such operations per hour{% endif %}"
        "{% if planned_initiatives and 'data_platform' in planned_initiatives.values %}, and five "
        "concurrent bulk exports{% endif %}. A request beyond them is refused with 429 before any work "
        "starts, so a caller in a retry loop cannot queue work that crowds out others.",
    },
    {
        "kind": "text",
        "when": _is("architecture", "eq", "microservices"),
        "template": "Limits are enforced at the API gateway, not in each service, so that every endpoint "
        "is protected the same way and a new service cannot ship without them.",
    },
    {"kind": "heading", "text": "Versioning"},
    {
        "kind": "text",
        "template": "The major version is part of the address (/v1). Within a version, changes are "
        "additive only: new resources, new optional fields, new values that clients are told to expect. "
        "Removing or renaming a field, changing a type or making an optional field required needs a new "
        "major version.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "gte", 50),
        "template": "A deprecated version keeps working for at least twelve months after the announcement. "
        "Responses from it carry Deprecation and Sunset headers, partners receive a migration guide, and "
        "usage is tracked per client so that the remaining callers can be contacted directly.",
    },
    {
        "kind": "text",
        "when": _is("engineer_count", "lt", 50),
        "template": "A deprecated version keeps working for at least six months after the announcement, "
        "with Deprecation and Sunset headers on its responses. With a small team, supporting more than two "
        "major versions at once is not sustainable, so a new major version is released only when a "
        "breaking change cannot be avoided.",
    },
    {"kind": "heading", "text": "Assurance"},
    {
        "kind": "text",
        "when": PEN_TEST_RECENT,
        "template": "The last penetration test, on {{ last_penetration_test }}, is the baseline; each "
        "annual test includes the API, with tests for broken object-level authorisation (one client "
        "reaching another's records), which is the most common serious API flaw.",
    },
    {
        "kind": "text",
        "when": _any(PEN_TEST_NONE, PEN_TEST_OLD),
        "template": "{% if last_penetration_test %}The last penetration test, on {{ last_penetration_test }}, "
        "is more than twelve months old{% else %}No penetration test is on record{% endif %}. The next "
        "test includes the API, with particular attention to broken object-level authorisation (one client "
        "reaching another's records), which is the most common serious API flaw.",
    },
    {
        "kind": "text",
        "template": "Contract tests generated from the OpenAPI description run in continuous integration "
        "on every change; a change that breaks the published contract fails the build.",
    },
    *API_SDKS,
    *API_LIFECYCLE,
    *RECOMMENDATIONS_AND_RISKS,
    *_next_steps(
        "The API product owner publishes this reference with the OpenAPI description, names an owner for "
        "each resource, and reviews the reference whenever a version is released or deprecated.",
    ),
]

BLOCKS: dict[str, list[dict[str, Any]]] = {
    "security-policy": SECURITY_POLICY,
    "data-protection-policy": DATA_PROTECTION_POLICY,
    "infrastructure-plan": INFRASTRUCTURE_PLAN,
    "engineering-handbook": ENGINEERING_HANDBOOK,
    "api-documentation": API_DOCUMENTATION,
}

# ----------------------------------------------------------------- recommendations

SECURITY = "security-policy"
DATA = "data-protection-policy"
INFRA = "infrastructure-plan"
HANDBOOK = "engineering-handbook"
API = "api-documentation"

IN_GDPR = "regulations and 'gdpr' in regulations.values"

RECOMMENDATIONS: list[dict[str, Any]] = [
    {
        "key": "security-penetration-test",
        "title": "Commission an independent penetration test",
        "document_types": [SECURITY, INFRA, API],
        "condition": _any(PEN_TEST_NONE, PEN_TEST_OLD),
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Head of technology",
        "finding": "{% if last_penetration_test %}The last penetration test dates from "
        "{{ last_penetration_test }}, more than twelve months ago{% else %}No penetration test is on "
        "record{% endif %}{% if sensitive_data and sensitive_data.value == 'yes' %}, although the product "
        "holds " + KINDS + "{% endif %}.",
        "rationale": "An independent tester finds the weaknesses the people who built the system cannot "
        "see, such as one customer reaching another's data, and the report is the evidence customers and "
        "auditors ask for. The scope covers the web application, the API and the cloud account.",
        "risk": "An exploitable flaw is found first by an attacker or by a customer's auditor.",
    },
    {
        "key": "security-certification-baseline",
        "title": "Certify a security baseline: Cyber Essentials now, ISO 27001 or SOC 2 next",
        "document_types": [SECURITY, DATA],
        "condition": NO_CERTIFICATION,
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Policy owner",
        "finding": "{{ company }} holds no security certification{% if sensitive_data and "
        "sensitive_data.value == 'yes' %} although it processes " + KINDS + "{% endif %}, so every "
        "customer security questionnaire is answered on trust.",
        "rationale": "Cyber Essentials verifies the technical basics within weeks and at low cost. Running "
        "this policy's controls for a quarter then produces the evidence an ISO 27001 certification or a "
        "SOC 2 Type I report needs, which larger customers increasingly require before they sign.",
        "risk": "Sales stall in customers' procurement, and basic weaknesses stay undiscovered until an "
        "attacker finds them.",
    },
    {
        "key": "security-hipaa-safeguards",
        "title": "Close the HIPAA safeguards gap for health records",
        "document_types": [SECURITY, DATA, INFRA],
        "condition": _any(
            _is("hipaa_compliant", "in", ["no", "in_progress"]),
            _all(_is("sensitive_data_kinds", "contains", "phi"), _is("hipaa_compliant", "is_empty")),
        ),
        "priority": 1,
        "impact": "HIGH",
        "effort": "HIGH",
        "timeframe": "NOW",
        "owner_role": "Head of technology with legal counsel",
        "finding": "{{ company }} holds health records and describes its HIPAA position as "
        "{% if hipaa_compliant %}“{{ hipaa_compliant }}”{% else %}unknown{% endif %}.",
        "rationale": "A gap assessment against the Security Rule's administrative, physical and technical "
        "safeguards, business associate agreements with every supplier that touches health data, and an "
        "audit log of each access are the minimum before more health data is taken on.",
        "risk": "Civil penalties for each violation, mandatory breach notification and the loss of "
        "healthcare customers.",
    },
    {
        "key": "security-pci-scope",
        "title": "Take card data out of scope with a compliant payment provider",
        "document_types": [SECURITY, DATA, INFRA, API],
        "condition": _any(
            _is("pci_dss_level", "eq", "none"),
            _all(_is("sensitive_data_kinds", "contains", "cards"), _is("pci_dss_level", "is_empty")),
        ),
        "priority": 1,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Head of technology",
        "finding": "{{ company }} handles payment card data{% if pci_dss_level %} and describes its PCI DSS "
        "position as “{{ pci_dss_level|lower }}”{% else %} without a stated PCI DSS level{% endif %}.",
        "rationale": "Hosted payment fields or a redirect to a Level 1 provider keep card numbers off "
        "company systems and reduce PCI DSS to a short self-assessment instead of an audit of the whole "
        "platform.",
        "risk": "Fines from the card schemes, higher transaction fees or the loss of card acceptance after "
        "a breach.",
    },
    {
        "key": "security-secrets-management",
        "title": "Move credentials into a secrets manager and end shared passwords",
        "document_types": [SECURITY, INFRA, HANDBOOK, API],
        "condition": SHARED_SECRETS,
        "priority": 1,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Lead engineer",
        "finding": "The technical debt described for the code base includes shared credentials, so "
        "everyone who has ever known them still has access and no action in production can be traced to "
        "a person.",
        "rationale": "A managed secrets store ({% if hosting.value == 'aws' %}AWS Secrets Manager"
        "{% elif hosting.value == 'azure' %}Azure Key Vault{% elif hosting.value == 'gcp' %}Google Secret "
        "Manager{% else %}the cloud provider's own or HashiCorp Vault{% endif %}), with one credential per "
        "person or service and rotation whenever someone leaves, takes days to adopt and makes every "
        "access attributable.",
        "risk": "A former contractor or a lost laptop gives full access to production data, with no way "
        "to tell who did what.",
    },
    {
        "key": "security-monitoring-alerting",
        "title": "Centralise logs and alert on security and availability events",
        "document_types": [SECURITY],
        "condition": _is("engineering_maturity.monitoring", "in", WEAK),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NOW",
        "owner_role": "Lead engineer",
        "finding": "Monitoring and alerting is rated “{{ engineering_maturity.monitoring }}”: nobody is "
        "told when the service fails or when an account signs in from an unusual place.",
        "rationale": "Central logs with alerts on errors, latency, failed sign-ins and privilege changes "
        "are the precondition for detecting both outages and intrusions, and the managed tools of the "
        "hosting provider make a first version a matter of days.",
        "risk": "Outages and breaches run for days before a customer reports them.",
    },
    {
        "key": "security-incident-response",
        "title": "Write and rehearse an incident response plan",
        "document_types": [SECURITY, DATA],
        "condition": _is("engineering_maturity.incidents", "in", WEAK),
        "priority": 2,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Head of technology",
        "finding": "Incident response is rated “{{ engineering_maturity.incidents }}”{% if "
        + IN_GDPR
        + " %}, "
        "yet GDPR allows 72 hours to notify the supervisory authority of a personal data breach{% endif %}.",
        "rationale": "A two-page plan (who leads, how severity is judged, who is told and when, where the "
        "timeline is kept) and a two-hour tabletop exercise every six months turn a crisis into a "
        "procedure.",
        "risk": "Late or missed notification to regulators and customers, and longer outages while roles "
        "are improvised.",
    },
    {
        "key": "security-backup-isolation",
        "title": "Isolate backups from production and prove a restore",
        "document_types": [SECURITY, DATA],
        "condition": _is("recovery_confidence", "lte", 2),
        "priority": 1,
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Lead engineer",
        "finding": "Confidence in recovering from the loss of the main hosting is "
        "{{ recovery_confidence|out_of(5) }}{% if rto_hours is not none %}, against a recovery time "
        "objective of {{ rto_hours|number }} hours{% endif %}{% if backup_strategy and 'same server' in "
        "backup_strategy|lower %}; the backups sit on the server they are meant to protect{% endif %}"
        "{% if backup_strategy and 'never' in backup_strategy|lower %}, and no restore has been tried"
        "{% endif %}.",
        "rationale": "Copying backups to a separate account or region that production credentials cannot "
        "delete, and timing a full restore every quarter, protects against ransomware, operator error and "
        "the loss of a data centre at little cost.",
        "risk": "A single failure or a stolen credential destroys the data and its backups together.",
    },
    {
        "key": "data-protection-impact-assessment",
        "title": "Carry out data protection impact assessments for high-risk processing",
        "document_types": [DATA, SECURITY],
        "condition": _all(SENSITIVE, GDPR),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Data protection lead",
        "finding": "{{ company }} processes " + KINDS + " under GDPR{% if planned_initiatives and "
        "('ai' in planned_initiatives.values or 'data_platform' in planned_initiatives.values) %}, and the "
        "planned {% if 'data_platform' in planned_initiatives.values %}data platform{% if 'ai' in "
        "planned_initiatives.values %} and AI{% endif %}{% else %}AI{% endif %} work will use that data in "
        "new ways{% elif "
        "planned_initiatives and 'new_product' in planned_initiatives.values %}, and the planned product "
        "launch will bring new processing{% endif %}.",
        "rationale": "GDPR requires an impact assessment before processing that is likely to result in a "
        "high risk to people, such as large-scale processing of financial data or profiling. Done at "
        "design time it takes days, and it records the decisions a regulator will ask about.",
        "risk": "Enforcement action and fines, and processing that has to be unwound after launch.",
    },
    {
        "key": "data-retention-schedule",
        "title": "Adopt a retention schedule and automate deletion",
        "document_types": [DATA, INFRA],
        "condition": SENSITIVE,
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Data protection lead",
        "finding": "No retention periods were stated for the " + KINDS + " {{ company }} holds"
        "{% if regulations and 'sox' in regulations.values %}, while SOX requires financial records to be "
        "kept for seven years{% endif %}{% if backup_strategy %}, and backups keep copies beyond any "
        "deletion in the live systems{% endif %}.",
        "rationale": "A schedule per data category, enforced by scheduled deletion jobs and by backup "
        "expiry, keeps only what is needed, limits what a breach can expose and answers the storage "
        "limitation principle.",
        "risk": "Data kept indefinitely enlarges every breach and every subject access request.",
    },
    {
        "key": "infra-infrastructure-as-code",
        "title": "Define infrastructure as code and deploy through a pipeline",
        "document_types": [INFRA],
        "condition": _is("engineering_maturity.ci", "in", WEAK),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Lead engineer",
        "finding": "Continuous integration is rated “{{ engineering_maturity.ci }}”, so environments and "
        "deployments depend on manual steps that nobody can review or repeat exactly.",
        "rationale": "Networks, servers, databases and permissions described in Terraform or the "
        "provider's own templates, applied from the pipeline, make every change reviewed, repeatable and "
        "reversible, and make a second environment or region a copy rather than a project.",
        "risk": "Configuration drift, changes nobody can explain, and a rebuild after an incident that "
        "takes days.",
    },
    {
        "key": "infra-multi-cloud-governance",
        "title": "Govern every cloud through one landing zone and policy as code",
        "document_types": [INFRA, SECURITY],
        "condition": _is("hosting", "in", ["multi", "hybrid"]),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Head of platform engineering",
        "finding": "Production runs " + HOSTED + "{% if microservice_count %}, with about "
        "{{ microservice_count|number }} services{% endif %}: each environment has its own identity model, "
        "network controls and logging, and gaps open where they differ.",
        "rationale": "A common landing zone in each environment (account structure, single sign-on, "
        "network baselines, central logging) and guardrails written as policy as code apply the same "
        "controls everywhere and give auditors one body of evidence.",
        "risk": "Controls drift apart between environments, and a misconfiguration in the less-watched one "
        "exposes data.",
    },
    {
        "key": "infra-cost-guardrails",
        "title": "Set cloud budgets and alerts before costs grow",
        "document_types": [INFRA],
        "condition": _all(_is("technology_budget", "lt", 5000000), _is("technology_budget", "gt", 0)),
        "priority": 4,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Lead engineer",
        "finding": "The annual technology budget is {{ technology_budget|money }}{% if budget_per_engineer %}, "
        "about {{ budget_per_engineer|money }} per engineer{% endif %}: a misconfigured service or a "
        "runaway job can consume a month of it in days.",
        "rationale": "Budgets with alerts at 50, 80 and 100 per cent, tags on every resource and a monthly "
        "review of the bill cost nothing and keep spending visible as usage grows.",
        "risk": "A surprise bill absorbs money meant for the product.",
    },
    {
        "key": "handbook-publish",
        "title": "Publish the handbook where engineers work and keep it current",
        "document_types": [HANDBOOK],
        "condition": _is("engineering_handbook", "is_empty"),
        "priority": 4,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Head of engineering",
        "finding": "{{ company }} has no engineering handbook or wiki on record for its "
        "{{ engineer_count|number }} engineers.",
        "rationale": "A handbook kept in a repository and changed by pull request, like code, speeds up "
        "onboarding and makes decisions traceable; each section has an owner who reviews it twice a year.",
        "risk": "Practices live in people's heads and leave with them.",
    },
    {
        "key": "api-contract-first",
        "title": "Publish an OpenAPI contract and test the API against it",
        "document_types": [API, HANDBOOK],
        "condition": _any(_is("platforms", "contains", "api"), _is("integrations", "is_not_empty")),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "API product owner",
        "finding": "{{ company }} {% if platforms and 'api' in platforms.values %}offers a public API or "
        "integrations{% else %}integrates with third-party systems{% endif %}{% if microservice_count %}, "
        "served by about {{ microservice_count|number }} services{% endif %}: the contract callers rely on "
        "has to be written down and enforced, not inferred from the code.",
        "rationale": "An OpenAPI description kept in the repository and checked in continuous integration "
        "against the running service generates the reference documentation, client libraries and "
        "contract tests, and shows every breaking change before it ships.",
        "risk": "Partners' integrations break without warning and support effort grows with each release.",
    },
    {
        "key": "api-gateway",
        "title": "Put an API gateway in front of public endpoints",
        "document_types": [API, INFRA],
        "condition": _all(_is("platforms", "contains", "api"), _is("architecture", "eq", "microservices")),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Head of platform engineering",
        "finding": "The public API is served by microservices{% if microservice_count %} (about "
        "{{ microservice_count|number }} in production){% endif %}, so authentication, rate limiting and "
        "request logging must otherwise be implemented identically in each service.",
        "rationale": "A gateway enforces authentication, quotas and request logging in one place and lets "
        "services change behind a stable public surface.",
        "risk": "One service with weaker authentication or no rate limit becomes the way in.",
    },
    {
        "key": "api-design-standards",
        "title": "Agree API design standards before the first partner integration",
        "document_types": [API],
        "condition": _is("platforms", "not_contains", "api"),
        "priority": 4,
        "impact": "MEDIUM",
        "effort": "LOW",
        "timeframe": "THIS_YEAR",
        "owner_role": "Lead engineer",
        "finding": "{{ company }} has no public API yet{% if architecture %} and its product is built as "
        "{{ architecture|lower }}{% endif %}, so the interfaces written now will shape the first one.",
        "rationale": "Adopting the conventions in this document (authentication, errors, pagination, "
        "versioning) for internal endpoints now costs little, and lets them be opened to partners later "
        "without a rewrite or a breaking change.",
        "risk": "The first partner integration freezes ad hoc internal interfaces into a public contract.",
    },
    {
        "key": "security-financial-data-keys",
        "title": "Protect financial account data with company-held keys and tokenisation",
        "document_types": [SECURITY, DATA, INFRA],
        "condition": _is("sensitive_data_kinds", "contains", "accounts"),
        "priority": 2,
        "impact": "HIGH",
        "effort": "MEDIUM",
        "timeframe": "NEXT_QUARTER",
        "owner_role": "Head of security",
        "finding": "{{ company }} holds bank or financial account data{% if hosting and hosting.value in "
        "['multi', 'hybrid'] %} in more than one hosting environment{% endif %}{% if planned_initiatives and "
        "('data_platform' in planned_initiatives.values or 'ai' in planned_initiatives.values) %}, and "
        "planned analytics work will copy data into new stores{% endif %}.",
        "rationale": "Encrypting account data with keys the company holds in its own key management "
        "service, and replacing account numbers with tokens everywhere except the one service that pays "
        "or collects, means a copied database or an analytics extract exposes nothing usable.",
        "risk": "A single leaked extract exposes customers' accounts to fraud and triggers notification to "
        "every person affected.",
    },
    {
        "key": "security-sox-evidence",
        "title": "Automate the evidence for SOX IT general controls",
        "document_types": [SECURITY, HANDBOOK, INFRA],
        "condition": _is("regulations", "contains", "sox"),
        "priority": 3,
        "impact": "MEDIUM",
        "effort": "MEDIUM",
        "timeframe": "THIS_YEAR",
        "owner_role": "Head of technology with internal audit",
        "finding": "{{ company }} is subject to SOX{% if engineering_maturity and engineering_maturity.ci "
        "and engineering_maturity.ci.value in ['measured', 'optimised'] %}, and its pipeline already "
        "records who reviewed and approved each change{% else %}, and the approval of each change to "
        "financial systems is recorded by hand{% endif %}.",
        "rationale": "Exporting approvals, deployments and quarterly access recertifications from the "
        "pipeline and the identity provider into a retained evidence store replaces sampling by "
        "screenshot, shortens the audit and shows control failures as they happen.",
        "risk": "Audit findings on IT general controls, which can become a reported deficiency in internal "
        "control over financial reporting.",
    },
]
