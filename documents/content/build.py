"""What the shipped content modules share: builders of conditions and blocks, and common phrases.

Conditions are the blocks' condition language (docs/documents.md), written as plain data; the phrases
are Jinja2 fragments joined into the templates that use them.
"""

from __future__ import annotations

from typing import Any

Condition = dict[str, Any]
Block = dict[str, Any]

# engineering_maturity levels that mean "not really in place", and those that mean it is.
WEAK = ["none", "adhoc"]
STRONG = ["defined", "measured", "optimised"]

# Where production runs, as a phrase that follows a verb: "runs " + HOSTED.
HOSTED = (
    "{% if hosting.value == 'multi' %}across more than one public cloud"
    "{% elif hosting.value == 'onprem' %}in its own data centre or colocation space"
    "{% elif hosting.value == 'hybrid' %}across public cloud and its own hardware"
    "{% elif hosting %}on {{ hosting }}{% else %}on its current hosting{% endif %}"
)
# The kinds of sensitive data held, in lower case, or a neutral phrase.
KINDS = "{% if sensitive_data_kinds %}{{ sensitive_data_kinds|lower }}{% else %}personal data{% endif %}"


def is_(field: str, operator: str, value: Any = None) -> Condition:
    """One comparison; ``value`` is left out for is_empty / is_not_empty."""
    condition: Condition = {"field": field, "operator": operator}
    if value is not None:
        condition["value"] = value
    return condition


def has(field: str, value: str) -> Condition:
    """The multiple-choice answer ``field`` includes the option ``value``."""
    return is_(field, "contains", value)


def answered(field: str) -> Condition:
    return is_(field, "is_not_empty")


def all_(*conditions: Condition) -> Condition:
    return {"logicalOp": "AND", "nested": list(conditions)}


def any_(*conditions: Condition) -> Condition:
    return {"logicalOp": "OR", "nested": list(conditions)}


def heading(text: str, level: int = 1, when: Condition | None = None) -> Block:
    block: Block = {"kind": "heading", "text": text, "level": level}
    if when:
        block["when"] = when
    return block


def text(template: str, when: Condition | None = None) -> Block:
    block: Block = {"kind": "text", "template": template}
    if when:
        block["when"] = when
    return block


def row(cells: list[str], when: Condition | None = None) -> Condition | list[str]:
    """A table row, shown only when ``when`` holds (when given)."""
    return {"cells": cells, "when": when} if when else cells
