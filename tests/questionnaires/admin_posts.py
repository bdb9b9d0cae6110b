"""The question page's form as the browser posts it, for the admin's tests."""

import json


def question_post_data(question, **changes):
    """The question page's form as the browser would post it, with no rule forms added."""
    data = {
        "section": str(question.section_id),
        "text": question.text,
        "type": question.type,
        "order_index": str(question.order_index),
        "help_text": question.help_text or "",
        "explanation": question.explanation or "",
        "placeholder": question.placeholder or "",
        "validation_rules": json.dumps(question.validation_rules) if question.validation_rules else "",
        "default_value": json.dumps(question.default_value) if question.default_value else "",
        "suggested_answer": json.dumps(question.suggested_answer) if question.suggested_answer else "",
        "industry_tags": ",".join(question.industry_tags or []),
        "document_mappings": json.dumps(question.document_mappings) if question.document_mappings else "",
        "metadata": json.dumps({k: v for k, v in (question.metadata or {}).items() if k != "key"}),
        "key": (question.metadata or {}).get("key", ""),
        "options-id": [o["id"] for o in question.options or []],
        "options-label": [o["label"] for o in question.options or []],
        "options-value": [str(o.get("value", "")) for o in question.options or []],
        "options-description": [o.get("description", "") for o in question.options or []],
        "options-exclusive": ["" for _ in question.options or []],
        "visibility_rules-TOTAL_FORMS": "0",
        "visibility_rules-INITIAL_FORMS": "0",
        "visibility_rules-MIN_NUM_FORMS": "0",
        "visibility_rules-MAX_NUM_FORMS": "1000",
        "_continue": "1",
    }
    if question.is_required:
        data["is_required"] = "on"
    data.update(changes)
    return data


def with_rule_forms(data, question, forms):
    """Add rule inline forms (existing rules first) to a question page's post."""
    existing = list(question.visibility_rules.all())
    data["visibility_rules-TOTAL_FORMS"] = str(len(forms))
    data["visibility_rules-INITIAL_FORMS"] = str(len(existing))
    for position, form in enumerate(forms):
        for key, value in form.items():
            data[f"visibility_rules-{position}-{key}"] = value
        data[f"visibility_rules-{position}-question"] = str(question.pk)
        if position < len(existing):
            data[f"visibility_rules-{position}-id"] = str(existing[position].pk)
    return data


def rule_form(condition: dict, *targets, action: str = "SHOW") -> dict:
    """One rule form of the question page, as the builder and the picker post it."""
    return {
        "action": action,
        "condition": json.dumps(condition),
        "target_question_ids": [str(t.pk) for t in targets],
        "priority": "0",
        "is_active": "on",
    }
