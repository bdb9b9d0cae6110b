"""Answers as a person reads them on the client's pages: lists, numbers and dates in the client's locale.

The locale is the one ``LocaleMiddleware`` picked from the browser's languages among settings.LANGUAGES
(English variants: 3 December 2026 in en-gb, Dec. 3, 2026 in en-us); the words stay English.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def readable_list(items) -> str:
    """["A", "B", "C"] -> "A, B and C"."""
    items = [str(item) for item in items or () if str(item)]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


@register.filter
def chosen_labels(item) -> list[str]:
    """The labels of a multiple-choice item's chosen options, in the options' order."""
    selected = item.get("selected") or set()
    return [option.get("label", "") for option in item.get("options", ()) if option.get("id") in selected]


@register.filter
def readable_number(number) -> str:
    """1234567.5 -> "1,234,567.5" (grouped, with the locale's separators; no digits added or lost)."""
    if isinstance(number, bool) or not isinstance(number, int | float):
        return "" if number is None else str(number)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return formats.number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def readable_date(value) -> str:
    """"2026-12-03" (an answer's ISO date) -> the locale's long date, e.g. "3 December 2026"."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    return formats.date_format(value, "DATE_FORMAT", use_l10n=True)
