"""The demo questionnaire's limits: what a client may give as an amount of money."""

import json
from types import SimpleNamespace

import pytest

from questionnaires.answers import question_input, validate_value
from questionnaires.demo import DEMO_QUESTIONNAIRE_PATH


def _question(text: str):
    document = json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())
    for section in document["sections"]:
        for question in section["questions"]:
            if question["text"] == text:
                return question_input(SimpleNamespace(**{"metadata": {}, **question}))
    raise AssertionError(f"no question {text!r} in the demo")


BUDGET = "What is your annual technology budget, in US dollars?"


@pytest.mark.parametrize("amount", [0, 250_000, 1_250_000.5, 99.99, 100_000_000_000])
def test_a_budget_in_dollars_and_cents_is_accepted(amount):
    result = validate_value(_question(BUDGET), {"number": amount})
    assert result.is_valid, result.errors


@pytest.mark.parametrize(
    "amount, said",
    [
        (1.23456789, "at most two decimal places"),
        (10**32, "Enter a number no greater than 100,000,000,000."),
        (100_000_000_000.01, "no greater than"),
        (-1, "no less than"),
    ],
)
def test_an_absurd_budget_is_refused_with_a_reason(amount, said):
    result = validate_value(_question(BUDGET), {"number": amount})
    assert not result.is_valid and any(said in error for error in result.errors), result.errors
