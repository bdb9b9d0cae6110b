"""Admin forms for authoring: an options editor, a condition builder, question pickers, uploads.

Every JSONB value is checked with the interchange format's checks (questionnaires.checks
``question_problems`` and ``visibility_rule_problems``), and each message is pinned to its field.
The builder and the editor are enhanced by static/questionnaires/authoring.js; without JavaScript
the condition stays editable as JSON and the options as plain rows.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy

from accounts.models import Organization
from core.guides import guide_link
from questionnaires import checks, editors, selectors
from questionnaires.analysis import EditVerdict, Finding, describe_rule, edit_analyse
from questionnaires.expressions import Computed, computed_of, computed_problems
from questionnaires.interchange import questionnaire_export
from questionnaires.keys import KEY_MAX_LENGTH, key_of
from questionnaires.models import Question, Questionnaire, RuleAction, Section, VisibilityRule
from questionnaires.structure import QUESTION_FIELDS, QuestionnaireStructure, structure_load
from questionnaires.types import (
    LIST_OPERATORS,
    OPERATOR_LABELS,
    OPERATORS,
    OPERATORS_BY_TYPE,
    OPTION_TYPES,
    TYPES,
    VALUELESS_OPERATORS,
)

TEXT_OPERATOR_LABELS = {"contains": "contains", "not_contains": "does not contain"}


def operators_by_type() -> dict[str, list[str]]:
    """Return, per question type, the operators it can compare, in the order the admin lists them."""
    return {
        question_type: [op for op in OPERATORS if op in allowed]
        for question_type, allowed in OPERATORS_BY_TYPE.items()
    }


@dataclass
class AuthoringContext:
    """What the forms of one questionnaire share: its structure, its export, its question pickers."""

    questionnaire: Questionnaire

    @cached_property
    def structure(self) -> QuestionnaireStructure:
        return structure_load(self.questionnaire.pk)

    @cached_property
    def document(self) -> dict:
        return questionnaire_export(self.questionnaire)

    @cached_property
    def analysis(self):
        """The questionnaire's analysis as stored (from the cache while nothing in it changes)."""
        return selectors.questionnaire_analysis(questionnaire=self.questionnaire, structure=self.structure)

    def edit_analyse(self, *, question_id: str, fields=None, rules=None) -> EditVerdict:
        """Analyse an edit of one question against the questionnaire as the page read it."""
        return edit_analyse(
            self.questionnaire,
            question_id=question_id,
            fields=fields,
            rules=rules,
            document=self.document,
            current=self.analysis,
        )

    def document_rules(self, question_id: Any) -> list[dict]:
        """Return one question's rules as its questionnaire's export writes them."""
        for section in self.document["sections"]:
            for question in section["questions"]:
                if question["id"] == str(question_id):
                    return list(question["visibility_rules"])
        return []

    def question_choices(self) -> list:
        return selectors.question_choices(self.structure)

    def builder_data(self, *, owner: str | None = None) -> dict:
        """Return what the condition builder reads from the page (json_script "authoring-data")."""
        return {
            "questions": selectors.authoring_questions(self.structure),
            "operators": operators_by_type(),
            "comparisons": {name: spec.shape.comparison for name, spec in TYPES.items()},
            "valueless": sorted(VALUELESS_OPERATORS),
            "lists": sorted(LIST_OPERATORS),
            "labels": OPERATOR_LABELS,
            "textLabels": TEXT_OPERATOR_LABELS,
            "owner": owner,
        }


# --- Options -------------------------------------------------------------------------------------


class OptionalJSONField(forms.JSONField):
    """JSON in a small textarea, shown empty (not "null") when there is none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 80, "class": "json-input"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


class _ProjectTemplateWidget(forms.Widget):
    """A widget whose template lives in the project's templates/ (the form renderer only sees apps')."""

    def _render(self, template_name, context, renderer=None):
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - autoescaped template


class OptionRows(list):
    """The rows the options editor submitted, before they become §5.1 options."""


class OptionsWidget(_ProjectTemplateWidget):
    """Rows of label, value, description and "exclusive", each with its (read-only) option id."""

    template_name = "admin/questionnaires/widgets/options.html"
    blank_rows = 2

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = []
        return value if isinstance(value, list) else []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = []
        for option in context["widget"]["value"]:
            if not isinstance(option, dict):
                continue
            value_text = option.get("value")
            rows.append(
                {
                    "id": option.get("id") or "",
                    "label": option.get("label") or "",
                    "value": ""
                    if value_text is None
                    else str(value_text).lower()
                    if isinstance(value_text, bool)
                    else str(value_text),
                    "description": option.get("description") or "",
                    "exclusive": option.get("isExclusive") is True,
                }
            )
        rows += [
            {"id": "", "label": "", "value": "", "description": "", "exclusive": False}
        ] * self.blank_rows
        context["widget"]["rows"] = rows
        return context

    def value_from_datadict(self, data, files, name):
        if f"{name}-label" not in data:
            return None
        columns = {
            key: data.getlist(f"{name}-{key}") if hasattr(data, "getlist") else data.get(f"{name}-{key}", [])
            for key in ("id", "label", "value", "description", "exclusive")
        }
        count = max(len(column) for column in columns.values())
        rows = []
        for position in range(count):
            row = {
                key: (columns[key][position] if position < len(columns[key]) else "").strip()
                for key in columns
            }
            if not (row["label"] or row["value"] or row["description"]):
                continue  # a blank row
            rows.append(row)
        return OptionRows(rows)

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-label" not in data


class OptionsField(forms.Field):
    widget = OptionsWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, OptionRows):
            return value
        if value in (None, "", []):
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValidationError("Enter the options as rows.") from None
        return value

    def has_changed(self, initial, data):
        after = _options_from_rows(self.to_python(data), initial)
        return json.dumps(initial or None, sort_keys=True) != json.dumps(after or None, sort_keys=True)


def _options_from_rows(rows: Any, before: Any) -> Any:
    """Build §5.1 options from the editor's rows, keeping what the editor does not show."""
    if not isinstance(rows, OptionRows):
        return rows  # options given as JSON, or none
    previous = {o.get("id"): o for o in before or () if isinstance(o, dict)}
    options = []
    for row in rows:
        option = dict(previous.get(row["id"], {})) if row["id"] else {}
        option["id"] = row["id"] or str(uuid.uuid4())
        option["label"] = row["label"]
        old_value = option.get("value")
        if not row["value"]:
            option.pop("value", None)
        elif old_value is not None and (
            (str(old_value).lower() if isinstance(old_value, bool) else str(old_value)) == row["value"]
        ):
            option["value"] = old_value  # unchanged: keep its number or boolean
        else:
            option["value"] = row["value"]
        if row["description"]:
            option["description"] = row["description"]
        else:
            option.pop("description", None)
        if row["exclusive"] == "yes":
            option["isExclusive"] = True
        else:
            option.pop("isExclusive", None)
        options.append(option)
    if any("order" in o for o in options):
        for position, option in enumerate(options, start=1):
            option["order"] = position
    return options or None


# --- Questionnaires, sections and questions ----------------------------------------------------------


# name = expression; the name is what is left of the first "=" that is not part of ==, <=, >= or !=.
_COMPUTED_LINE = re.compile(r"^\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(?P<expression>.+)$")


class QuestionnaireForm(forms.ModelForm):
    computed = forms.CharField(
        label="Computed values",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField", "spellcheck": "false"}),
        help_text=format_lazy(
            "One per line, name = expression, over question keys: "
            "runway_months = cash / monthly_burn, maturity = mean(rank(engineering_maturity)), "
            "stage = if(revenue > 1000000, 'growth', 'early'). Functions: mean, sum, min, max, count, "
            "round, abs, if, rank (a chosen option's place, 1 for the first); a matrix row is "
            'engineering_maturity["ci"]. See {}.',
            guide_link("authoring", "computed-values", "the authoring guide: computed values"),
        ),
    )

    class Meta:
        model = Questionnaire
        fields = [
            "name",
            "description",
            "industry",
            "organization",
            "estimated_time",
            "is_active",
            "is_default",
            "metadata",
        ]
        help_texts = {
            "is_default": "The questionnaire clients of this industry get by default. A draft becomes the "
            "default when it is published, in place of the current one.",
            "is_active": "Only active questionnaires can be started.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "computed" in self.fields:
            # Edited as lines of its own, not inside the metadata's JSON.
            declared = computed_of(self.instance.metadata)
            self.initial.setdefault("computed", "\n".join(f"{c.name} = {c.expression}" for c in declared))
            if isinstance(self.initial.get("metadata"), dict):
                self.initial["metadata"] = {
                    k: v for k, v in self.initial["metadata"].items() if k != "computed"
                }

    def clean_computed(self):
        """Read the lines into [{name, expression, label}], keeping the labels an import gave."""
        labels = {c.name: c.label for c in computed_of(self.instance.metadata)}
        found, line_numbers, errors = [], [], []
        for number, line in enumerate((self.cleaned_data.get("computed") or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = _COMPUTED_LINE.match(line)
            if match is None:
                errors.append(f"Line {number}: write name = expression.")
                continue
            name = match["name"]
            found.append(Computed(name, match["expression"].strip(), labels.get(name, "")))
            line_numbers.append(number)
        keys = set()
        if not self.instance._state.adding:  # a new questionnaire (its id already set) has no questions
            keys = {q.key for q in structure_load(self.instance.pk).questions if q.key}
        for index, field_name, message in computed_problems(found, keys):
            if index < len(found):
                errors.append(f"Line {line_numbers[index]} ({found[index].name}, {field_name}): {message}")
            else:
                errors.append(message)
        if errors:
            raise ValidationError(errors)
        return [{"name": c.name, "expression": c.expression, "label": c.label} for c in found]

    def clean(self):
        cleaned = super().clean()
        if "computed" in self.fields and "computed" not in self.errors:
            metadata = dict(cleaned.get("metadata") or {})
            metadata.pop("computed", None)
            if cleaned.get("computed"):
                metadata["computed"] = cleaned["computed"]
            cleaned["metadata"] = metadata
        return cleaned


class SectionInlineForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["order_index", "name", "description", "icon", "estimated_time"]
        widgets = {
            "order_index": forms.NumberInput(attrs={"class": "order-input"}),
            "description": forms.TextInput(attrs={"size": 30}),
            "icon": forms.TextInput(attrs={"size": 8}),
            "estimated_time": forms.NumberInput(attrs={"class": "minutes-input"}),
        }


class QuestionForm(forms.ModelForm):
    """A question, checked as an import would check it, and against the rules that read it."""

    options = OptionsField(
        help_text="Leave the id empty: it is generated. Rows with no label, value or description are "
        "ignored; reorder by dragging the ⇅ handle."
    )
    validation_rules = OptionalJSONField(
        help_text="The limits an answer must keep; only those of the question's type are shown.",
        widget=editors.validation_rules_widget(),
        error_messages={
            "invalid": 'Enter valid JSON, e.g. {"min": 1, "max": 100000}. The keys: minLength, maxLength, '
            "min, max, step, pattern, customMessage, maxFileSize, allowedTypes."
        },
    )
    default_value = OptionalJSONField(
        help_text="The answer the client finds already given.",
        widget=editors.default_value_widget(),
        error_messages={"invalid": 'Enter valid JSON: an answer such as {"number": 3} or {"text": "…"}.'},
    )
    suggested_answer = OptionalJSONField(
        help_text="An answer offered to the client, with the reason for it.",
        widget=editors.suggested_answer_widget(),
        error_messages={
            "invalid": 'Enter valid JSON: {"value": {"number": 3}, "reason": "…", "confidence": 0.8}.'
        },
    )
    document_mappings = OptionalJSONField(
        label="In documents",
        widget=editors.document_mappings_widget(),
        error_messages={
            "invalid": 'Enter valid JSON: [{"documentType": "<slug>", "section": "…", "field": "…"}].'
        },
    )
    metadata = OptionalJSONField(
        label="Labels, rows and more",
        help_text="A scale's end labels and a matrix's rows; anything else the question carries is "
        "under Edit as JSON.",
        widget=editors.metadata_widget(),
        error_messages={"invalid": 'Enter valid JSON, e.g. {"minLabel": "Never", "maxLabel": "Always"}.'},
    )
    key = forms.CharField(
        required=False,
        max_length=KEY_MAX_LENGTH,
        help_text="How documents, computed values and recommendations name this question, e.g. "
        "company_legal_name: lower-case letters, digits and '_', unique in the questionnaire. "
        "Left empty, it is made from the text.",
    )

    class Meta:
        model = Question
        fields = ["section", *QUESTION_FIELDS]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "help_text": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            # The key is edited in its own field, not inside the metadata's JSON.
            self.initial.setdefault("key", key_of(self.instance.metadata) or "")
            if isinstance(self.initial.get("metadata"), dict):
                self.initial["metadata"] = {k: v for k, v in self.initial["metadata"].items() if k != "key"}
        editors.EditorData(
            question_type=self.instance.type or None, options=list(self.instance.options or [])
        ).apply(self)
        if "type" in self.fields:  # authoring.js shows the options editor for these types only
            self.fields["type"].widget.attrs["data-option-types"] = " ".join(sorted(OPTION_TYPES))
        if "section" in self.fields:
            # Narrow the choices the admin already scoped to the user's organization, never widen them.
            drafts = (
                self.fields["section"]
                .queryset.filter(questionnaire__published_at__isnull=True)
                .select_related("questionnaire")
            )
            if self.instance.pk and self.instance.section_id:
                drafts = drafts.filter(questionnaire_id=self.instance.section.questionnaire_id)
            self.fields["section"].queryset = drafts.order_by("questionnaire__name", "order_index")
            self.fields["section"].label_from_instance = lambda s: f"{s.questionnaire} › {s.name}"

    def _questionnaire(self) -> Questionnaire | None:
        section = self.cleaned_data.get("section") if "section" in self.fields else None
        section = section or (self.instance.section if self.instance.section_id else None)
        return section.questionnaire if section is not None else None

    def clean_metadata(self):
        metadata = self.cleaned_data.get("metadata")
        return {} if metadata is None else metadata

    def clean_options(self):
        return _options_from_rows(self.cleaned_data.get("options"), self.instance.options)

    def clean(self):
        cleaned = super().clean()
        questionnaire = self._questionnaire()
        if questionnaire is not None and questionnaire.published_at is not None:
            raise ValidationError(
                f'"{questionnaire}" is published and read-only; make a new version to change it.'
            )
        data = {}
        for name in QUESTION_FIELDS:
            if name in self.fields:
                if name in cleaned:
                    data[name] = cleaned[name]
            else:
                data[name] = getattr(self.instance, name)
        if any(name in self.errors for name in data):
            return cleaned
        data["metadata"] = self._metadata_with_key(cleaned, data, questionnaire)
        if "key" in self.errors:
            return cleaned
        problems = checks.question_problems(
            data=data,
            questionnaire=questionnaire if self.instance.pk else None,
            question_id=str(self.instance.pk) if self.instance.pk else None,
        )
        for name, messages in problems.items():
            target = name if name in self.fields else None
            widget = self.fields[name].widget if target else None
            for message in messages:
                if isinstance(widget, editors.StructuredWidget):
                    message = widget.named(message, data.get("type"))
                self.add_error(target, message if target else f"{name}: {message}")
        return cleaned

    def _metadata_with_key(self, cleaned: dict, data: dict, questionnaire) -> dict:
        """Return the metadata to save, holding the key asked for (or kept, or made from the text)."""
        metadata = dict(data.get("metadata") or {})
        # The metadata shown has no key, so a key in posted metadata came from a script: it counts
        # when the key field is left empty.
        wanted = cleaned.get("key") if "key" in self.fields else key_of(self.instance.metadata)
        wanted = wanted or key_of(metadata)
        key, problem = checks.question_key(
            questionnaire=questionnaire,
            question_id=self.instance.pk,
            text=data.get("text"),
            wanted=wanted or None,
        )
        if problem:
            self.add_error("key" if "key" in self.fields else None, problem)
            return metadata
        metadata["key"] = key
        if "metadata" in self.fields:
            cleaned["metadata"] = metadata
        else:
            self.instance.metadata = metadata
        return metadata


class QuestionInlineForm(QuestionForm):
    # Edited on the question's own page.
    options = validation_rules = default_value = suggested_answer = document_mappings = metadata = None
    key = None

    class Meta(QuestionForm.Meta):
        fields = ["order_index", "text", "type", "is_required"]
        widgets = {
            "order_index": forms.NumberInput(attrs={"class": "order-input"}),
            "text": forms.Textarea(attrs={"rows": 1, "cols": 50}),
        }


# --- Visibility rules -------------------------------------------------------------------------------


class ConditionWidget(_ProjectTemplateWidget, forms.Textarea):
    """The condition as JSON, which authoring.js turns into a builder (field, operator, value)."""

    template_name = "admin/questionnaires/widgets/condition.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 4, "cols": 80, "class": "condition-json", **(attrs or {})})


class TargetsField(forms.TypedMultipleChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", uuid.UUID)
        # Check boxes, grouped by section: several are picked without Ctrl; authoring.js adds a search box.
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple(attrs={"class": "target-picker"}))
        kwargs.setdefault("label", "Target questions")
        kwargs.setdefault(
            "help_text", "The questions this rule shows, hides, requires or makes optional: tick one or more."
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return value

    def has_changed(self, initial, data):
        return sorted(str(i) for i in initial or ()) != sorted(str(i) for i in data or ())


class VisibilityRuleForm(forms.ModelForm):
    """A rule whose condition and targets are picked from the questionnaire's own questions."""

    condition = OptionalJSONField(
        required=True,
        widget=ConditionWidget,
        help_text="Pick a question, an operator that fits its type and a value; combine several with "
        "“all of” (AND) or “any of” (OR). “Edit as JSON” shows the condition itself.",
    )
    target_question_ids = TargetsField()

    class Meta:
        model = VisibilityRule
        fields = ["action", "condition", "target_question_ids", "priority", "is_active"]

    # True on the rule's own page; on its question's page RuleFormSet analyses the rules together.
    analyse_alone = False

    def __init__(self, *args, authoring: AuthoringContext | None = None, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.authoring = authoring
        self.verdict = EditVerdict()
        self.owner = (
            owner if owner is not None else (self.instance.question if self.instance.question_id else None)
        )
        choices = authoring.question_choices() if authoring is not None else []
        known = {str(choice) for _, items in choices for choice, _ in items}
        current = [str(t) for t in (self.instance.target_question_ids or ())]
        missing = [(t, f"(not a question of this questionnaire: {t})") for t in current if t not in known]
        if missing:
            choices = [*choices, ("Unknown", missing)]
        # A view-only page (a published version, another owner's rule) has neither field.
        if "target_question_ids" in self.fields:
            self.fields["target_question_ids"].choices = choices
        self.words = ""  # the saved rule in words, heading it on its question's page
        if self.instance.pk and authoring is not None:
            found = {rule.id: rule for rule in authoring.structure.rules}.get(str(self.instance.pk))
            self.words = describe_rule(found, authoring.structure) if found else ""
        if "action" in self.fields:
            self.fields["action"].choices = RuleAction.choices
            if self.instance._state.adding and not self.initial.get("action"):
                # The select shows no blank choice, so a new rule's action reads as its first one: an
                # untouched extra rule must stay "unchanged", or saving its question would require it.
                self.initial["action"] = RuleAction.choices[0][0]

    def clean_condition(self):
        condition = self.cleaned_data.get("condition")
        if not isinstance(condition, dict):
            raise ValidationError(
                "The condition must be a JSON object such as "
                '{"field": "<question id>", "operator": "is_not_empty"}.'
            )
        return condition

    def clean(self):
        cleaned = super().clean()
        if self.authoring is None or self.owner is None:
            return cleaned
        if self.authoring.questionnaire.published_at is not None:
            raise ValidationError(
                "This questionnaire is published and read-only; make a new version to change it."
            )
        if any(name in self.errors for name in ("condition", "target_question_ids", "action")):
            return cleaned
        data = {key: cleaned.get(key) for key in ("condition", "action", "target_question_ids", "priority")}
        data["is_active"] = cleaned.get("is_active", True)
        problems = checks.visibility_rule_problems(
            questionnaire=self.authoring.questionnaire,
            question_id=str(self.owner.pk),
            data=data,
            rule_id=str(self.instance.pk) if self.instance.pk else None,
            document=self.authoring.document,
        )
        for name, messages in problems.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
        if problems.get("condition") and "condition" in self.fields:
            # The builder shows each problem beside the part of the condition it concerns.
            placed = [_condition_problem(message) for message in problems["condition"]]
            self.fields["condition"].widget.attrs["data-problems"] = json.dumps(placed)
        if self.analyse_alone and not self.errors:
            self._analyse(cleaned)
        return cleaned

    def _analyse(self, cleaned: dict) -> None:
        """On the rule's own page: analyse the owner's rules with this one as it would be saved."""
        mine = str(self.instance.pk) if self.instance.pk else None
        rules = [
            rule for rule in self.authoring.document_rules(self.owner.pk) if rule["id"] != mine
        ]
        rules.append(_rule_document(self.instance.pk, cleaned))
        self.verdict = self.authoring.edit_analyse(question_id=str(self.owner.pk), rules=rules)
        if self.verdict.refused:
            self.add_error(None, _refusal(self.verdict.refused))


_CONDITION_PART = re.compile(r"^(?P<parts>part \d+(?:\.part \d+)*)(?:\.|(?=:))")


def _condition_problem(message: str) -> dict[str, Any]:
    """Split "part 2.part 1.value: …" into the part's path ([1, 0]) and what is wrong with it."""
    match = _CONDITION_PART.match(message)
    if match is None:
        return {"path": [], "message": message}
    path = [int(number) - 1 for number in re.findall(r"\d+", match["parts"])]
    return {"path": path, "message": message[match.end() :].lstrip(".: ") or message}


def _rule_document(rule_id: Any, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """A rule form's cleaned data as the interchange format writes a rule."""
    return {
        "id": str(rule_id or uuid.uuid4()),
        "condition": cleaned.get("condition"),
        "action": cleaned.get("action"),
        "target_question_ids": [str(t) for t in cleaned.get("target_question_ids") or ()],
        "priority": cleaned.get("priority") or 0,
        "is_active": cleaned.get("is_active", True),
    }


def _refusal(findings: tuple[Finding, ...]) -> ValidationError:
    return ValidationError(
        [f"Not saved: {finding.message}" for finding in findings], code="analysis"
    )


class RuleFormSet(BaseInlineFormSet):
    """A question's rules, analysed together with the question as they would be saved.

    A new cycle or a reference to a question that does not exist refuses the whole save (the cycle is
    named in words); anything else the edit brings into the analysis is kept in ``verdict`` for the
    admin to say once the edit is saved.
    """

    def __init__(self, *args, authoring: AuthoringContext | None = None, **kwargs):
        self.authoring = authoring
        self.verdict = EditVerdict()
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        question = self.instance
        if self.authoring is None or question.pk is None or any(form.errors for form in self.forms):
            return
        rules = []
        for form in self.forms:
            if form in self.extra_forms and not form.has_changed():
                continue  # an added form left empty: saved as nothing, so analysed as nothing
            if self.can_delete and self._should_delete_form(form):
                continue
            rules.append(_rule_document(form.instance.pk, form.cleaned_data))
        fields = {name: checks.jsonable(getattr(question, name)) for name in QUESTION_FIELDS}
        self.verdict = self.authoring.edit_analyse(question_id=str(question.pk), fields=fields, rules=rules)
        if self.verdict.refused:
            raise _refusal(self.verdict.refused)


# --- Pages of their own ------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Interchange file",
        help_text=format_lazy(
            "A JSON document in the acqs-questionnaire/1 format ({}).",
            guide_link("questionnaire-format", "", "the file format guide"),
        ),
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label="The shared catalogue",
        help_text="Who owns the imported questionnaire.",
    )
    publish = forms.BooleanField(
        required=False,
        label="Publish it now",
        help_text="Otherwise it is imported as a draft, whatever the file says, to be checked and "
        "published from its page.",
    )

    MAX_SIZE = 5 * 1024 * 1024

    def __init__(self, *args, choose_owner: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_owner:
            # An organization's admin imports into their own organization; the owner is not theirs to pick.
            del self.fields["organization"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise ValidationError("The file is larger than 5 MB.")
        return upload


class CloneForm(forms.Form):
    name = forms.CharField(max_length=255, label="Name of the copy")
