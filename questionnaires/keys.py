"""Question keys: the stable, readable name of a question (``company_legal_name``, ``ci_maturity``).

A key lives in ``questions.metadata.key``, is unique within its questionnaire and survives new versions
and clones (copies keep their metadata). Document templates, computed values and recommendations name
questions by key, never by UUID. Plain Python: the import, the admin's form, the authoring services and
the data migration that gave existing questions their keys all use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["KEY_MAX_LENGTH", "KEY_PATTERN", "key_from_text", "key_of", "key_problem", "keys_assign"]

KEY_MAX_LENGTH = 63
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,62}")
_GENERATED_LENGTH = 40  # a generated key stops at a word boundary before this many characters

# Words that make a key longer without making it clearer.
_FILLER = frozenset(
    {"a", "an", "the", "of", "your", "you", "do", "does", "is", "are", "what", "which", "how", "would"}
    | {"please"}
)


def key_of(metadata: Any) -> str | None:
    """Return the key stored in a question's metadata, or None."""
    key = metadata.get("key") if isinstance(metadata, Mapping) else None
    return key if isinstance(key, str) and key else None


def key_problem(key: Any) -> str | None:
    """Return why ``key`` cannot be a question key, or None when it can."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        return (
            "a key starts with a lower-case letter and has only lower-case letters, digits and '_' "
            f"(at most {KEY_MAX_LENGTH} characters), e.g. company_legal_name"
        )
    return None


def key_from_text(text: Any, taken: Iterable[str] = ()) -> str:
    """Return a key made from a question's text, not in ``taken`` (a suffix _2, _3… makes it so)."""
    plain = str(text or "").replace("\u2019", "'")
    ascii_text = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    # "company's name" reads as company_name; other apostrophes join their word ("don't" is dont).
    ascii_text = re.sub(r"'s\b", "", ascii_text, flags=re.IGNORECASE).replace("'", "")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    meaningful = [w for w in words if w not in _FILLER] or words
    key = ""
    for word in meaningful:
        candidate = f"{key}_{word}" if key else word
        if len(candidate) > _GENERATED_LENGTH and key:
            break
        key = candidate[:_GENERATED_LENGTH]
    if not key:
        key = "question"
    elif not key[0].isalpha():
        key = f"q_{key}"[:_GENERATED_LENGTH]
    taken = set(taken)
    unique, number = key, 2
    while unique in taken:
        suffix = f"_{number}"
        unique = key[: KEY_MAX_LENGTH - len(suffix)] + suffix
        number += 1
    return unique


def keys_assign(questions: Iterable[tuple[str, Any, Any]]) -> dict[str, str]:
    """Give every question of one questionnaire a valid key unique within it.

    ``questions`` are ``(id, text, metadata)`` in display order. A valid key that no earlier question
    holds is kept; a missing, invalid or repeated one is made from the text. Return the key of every id.
    """
    questions = list(questions)
    kept: dict[str, str] = {}
    taken: set[str] = set()
    for question_id, _, metadata in questions:
        key = key_of(metadata)
        if key is not None and key_problem(key) is None and key not in taken:
            kept[question_id] = key
            taken.add(key)
    keys = {}
    for question_id, text, _ in questions:
        if question_id in kept:
            keys[question_id] = kept[question_id]
        else:
            keys[question_id] = key_from_text(text, taken)
            taken.add(keys[question_id])
    return keys
