"""The questionnaire page's own admin views: publish, new version, clone, import and export, the
engine panel, full history, section order, default and availability.

`QuestionnaireAdmin` (questionnaires/admin.py) mixes them in and routes them in `get_urls`. Each view
finds its questionnaire through the admin's tenant scoping (`_get`), checks the author's rights
(`_require_authoring`) and calls one service of questionnaires.services; none writes on its own.
"""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify

from accounts.models import Organization, User
from core.admin import acts_for_every_organization
from questionnaires import selectors, services, versions
from questionnaires.analysis import describe_rule, question_name, questionnaire_analyse
from questionnaires.answers import parse_form, question_input, validate_value
from questionnaires.expressions import answer_values, computed_evaluate, computed_of
from questionnaires.forms import CloneForm, ImportForm
from questionnaires.interchange import InterchangeError, questionnaire_export
from questionnaires.models import Questionnaire
from questionnaires.structure import structure_load


def structure_order(structure, ids) -> list[str]:
    """Return the ids among ``ids`` in the questionnaire's display order."""
    return [q.id for q in structure.questions if q.id in ids]


def _computed_rows(questionnaire, structure, answers, visible) -> list[dict]:
    """The questionnaire's computed values for the panel's answers (hidden answers count as missing)."""
    declared = computed_of(questionnaire.metadata)
    values = computed_evaluate(declared, answer_values(structure.questions, answers, visible))
    return [
        {"name": c.name, "title": c.title, "expression": c.expression, "value": _shown(values[c.name])}
        for c in declared
    ]


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)


def _history_rows(entries, questionnaire) -> list[dict]:
    """Each entry with its field changes, the ids in them replaced by what they name.

    Questions read as their text and key, sections, options and versions by name, rules in words,
    people by e-mail; a row deleted since by the name its last entry recorded.
    """
    names = _history_names(entries, questionnaire)

    def named(value):
        if value is None:
            return None
        return _UUID.sub(lambda found: names.get(found[0].lower(), "an item not found"), str(value))

    return [
        {
            "entry": entry,
            "fields": [
                (field, named(before), named(after))
                for field, (before, after) in entry.changes_dict.items()
                if field != "id"  # the row itself: the "What" column names it
            ],
        }
        for entry in entries
    ]


def _history_names(entries, questionnaire) -> dict[str, str]:
    structure = structure_load(questionnaire.pk)
    names = {str(entry.object_pk).lower(): f"“{entry.object_repr}”" for entry in entries if entry.object_pk}
    lineage = Questionnaire.objects.filter(lineage_id=questionnaire.lineage_id)
    names.update({str(version.pk): str(version) for version in lineage})
    names[str(questionnaire.lineage_id)] = f"the versions of “{questionnaire.name}”"
    for section in structure.sections:
        names[section.id] = f"“{section.name}”"
    for question in structure.questions:
        names[question.id] = question_name(question)
        for option in question.options or ():
            if isinstance(option, dict) and option.get("id"):
                names[str(option["id"]).lower()] = f"“{option.get('label') or option.get('value')}”"
    for rule in structure.rules:
        names[rule.id] = describe_rule(rule, structure)
    unknown = {
        found[0].lower()
        for entry in entries
        for pair in entry.changes_dict.values()
        for value in pair
        if value is not None
        for found in _UUID.finditer(str(value))
    } - set(names)
    if unknown:
        # Only people and organizations the questionnaire's own organization may see: an id typed into a
        # text must not reveal another organization's member.
        owner = questionnaire.organization_id
        people = User.objects.filter(pk__in=unknown)
        people = people.filter(organization_id=owner) if owner else people.filter(is_superuser=True)
        names.update({str(u.pk): u.email for u in people})
        if owner and str(owner) in unknown:
            names.update({str(o.pk): o.name for o in Organization.objects.filter(pk=owner)})
    return names


def _order_problem(payload) -> str | None:
    """Say what is wrong with a reorder view's payload, or return None."""
    if not isinstance(payload, dict) or not ({"sections", "questions"} & set(payload)):
        return 'The order must be a JSON object with "sections" (a list of ids) or "questions".'
    sections = payload.get("sections", [])
    if not isinstance(sections, list) or not all(isinstance(i, str) for i in sections):
        return '"sections" must be a list of section ids.'
    questions = payload.get("questions", {})
    if not isinstance(questions, dict) or not all(
        isinstance(items, list) and all(isinstance(i, str) for i in items) for items in questions.values()
    ):
        return '"questions" must map each section id to a list of question ids.'
    return None


def _decision_in_words(decision, rules, structure) -> list[dict]:
    """The trace of one question, each deciding rule named by its wording and linked to its question.

    The engine's own trace (``Decision.reason``) names rules by id, for logs and tests; an author reads
    the rule itself, and follows the link to the question whose page holds it.
    """
    defaults = decision.reason.split("; ")  # a part without a rule is the engine's words, with no id
    parts = [(decision.visibility_rule_id, "shown by" if decision.visible else "hidden by", defaults[0])]
    if decision.visible:
        verb = "required by" if decision.required else "optional by"
        parts.append((decision.requirement_rule_id, verb, defaults[-1]))
    words = []
    for rule_id, verb, default in parts:
        rule = rules.get(rule_id) if rule_id else None
        if rule is None:
            words.append({"text": default})
            continue
        try:
            owner = question_name(structure.question(rule.question_id))
        except KeyError:
            owner = "another question"
        words.append(
            {
                "text": verb,
                "rule": describe_rule(rule, structure),
                "owner": owner,
                "url": reverse("admin:questionnaires_question_change", args=[rule.question_id]),
            }
        )
    return words


class QuestionnaireViews:
    """Views of QuestionnaireAdmin; they rely on its `_get`, `_require_authoring` and `_context`."""

    def publish_view(self, request, object_id):
        questionnaire = self._get(request, object_id)
        self._require_authoring(request, questionnaire)
        if questionnaire.published_at is not None:
            self.message_user(request, "This version is already published.", messages.WARNING)
            return redirect("admin:questionnaires_questionnaire_change", questionnaire.pk)
        status = 200
        if request.method == "POST":
            try:
                services.questionnaire_publish(questionnaire=questionnaire, actor=request.user)
            except services.PublishRefused:
                status = 409
            except services.AuthoringError as refused:
                self.message_user(request, " ".join(refused.messages), messages.ERROR)
                status = 409
            else:
                self.message_user(
                    request,
                    f'"{questionnaire.name}" v{questionnaire.version} is published: '
                    "new sessions start on it.",
                    messages.SUCCESS,
                )
                return redirect("admin:questionnaires_questionnaire_change", questionnaire.pk)
        diff = versions.questionnaire_diff(questionnaire=questionnaire)
        context = self._context(
            request,
            questionnaire,
            title=f"Publish {questionnaire}",
            analysis=questionnaire_analyse(questionnaire),
            diff=diff,
            affected=selectors.sessions_in_progress_on_other_versions(questionnaire=questionnaire),
            replaced_default=(
                selectors.questionnaire_default_for(
                    industry=questionnaire.industry,
                    organization_id=questionnaire.organization_id,
                    exclude=questionnaire,
                )
                if questionnaire.is_default
                else None
            ),
        )
        return TemplateResponse(
            request, "admin/questionnaires/questionnaire/publish.html", context, status=status
        )

    def _post_only(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return None

    def new_version_view(self, request, object_id):
        if (refused := self._post_only(request)) is not None:
            return refused
        questionnaire = self._get(request, object_id)
        self._require_authoring(request, questionnaire)
        try:
            draft = services.questionnaire_new_version(questionnaire=questionnaire, actor=request.user)
        except services.DraftExists as exists:
            self.message_user(request, str(exists), messages.WARNING)
            return redirect("admin:questionnaires_questionnaire_change", exists.draft.pk)
        self.message_user(
            request,
            f"Version {draft.version} is a draft copy of version {questionnaire.version}: "
            "edit it, then publish it.",
        )
        return redirect("admin:questionnaires_questionnaire_change", draft.pk)

    def clone_view(self, request, object_id):
        questionnaire = self._get(request, object_id)
        self._require_authoring(request)
        form = CloneForm(request.POST or None, initial={"name": f"{questionnaire.name} (copy)"})
        if request.method == "POST" and form.is_valid():
            clone = services.questionnaire_clone(
                questionnaire=questionnaire,
                actor=request.user,
                name=form.cleaned_data["name"],
                # An organization's admin copies into their own organization, whoever owns the source.
                organization_id=(
                    services.SAME_OWNER
                    if acts_for_every_organization(request.user)
                    else request.user.organization_id
                ),
            )
            self.message_user(
                request, f'"{clone.name}" is a new questionnaire, a draft copy of {questionnaire}.'
            )
            return redirect("admin:questionnaires_questionnaire_change", clone.pk)
        context = self._context(request, questionnaire, title=f"Clone {questionnaire}", form=form)
        return TemplateResponse(request, "admin/questionnaires/questionnaire/clone.html", context)

    def export_view(self, request, object_id):
        questionnaire = self._get(request, object_id)
        document = questionnaire_export(questionnaire)
        response = HttpResponse(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", content_type="application/json"
        )
        name = f"{slugify(questionnaire.name) or 'questionnaire'}-v{questionnaire.version}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def import_view(self, request):
        self._require_authoring(request)
        superuser = acts_for_every_organization(request.user)
        form = ImportForm(request.POST or None, request.FILES or None, choose_owner=superuser)
        problems = []
        status = 200
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imported = services.questionnaire_import_upload(
                    content=upload.read(),
                    file_name=upload.name,
                    actor=request.user,
                    # The owner is the admin's organization; only a superuser chooses (or the catalogue).
                    organization=(
                        form.cleaned_data["organization"] if superuser else request.user.organization
                    ),
                    publish=form.cleaned_data["publish"],
                )
            except InterchangeError as invalid:
                problems = invalid.problems
                status = 422
            except services.AuthoringError as refused:
                problems = refused.messages
                status = 422
            else:
                self.message_user(
                    request, f'Imported "{imported.name}" v{imported.version}.', messages.SUCCESS
                )
                return redirect("admin:questionnaires_questionnaire_change", imported.pk)
        elif request.method == "POST":
            status = 422
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a questionnaire",
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(
            request, "admin/questionnaires/questionnaire/import.html", context, status=status
        )

    def engine_view(self, request, object_id):
        """What does the engine decide: pick answers, see the visible and required sets and the trace."""
        questionnaire = self._get(request, object_id)
        structure = structure_load(questionnaire.pk)
        engine = structure.engine()
        data = request.GET
        answers, rows = {}, []
        for question in structure.questions:
            prefix = f"q-{question.id}"
            value, errors = None, ()
            if question.type == "FILE_UPLOAD":
                if data.get(prefix):
                    value = {
                        "fileUrl": "/engine-panel",
                        "fileName": "file",
                        "fileSize": 1,
                        "mimeType": "application/pdf",
                    }
            else:
                parsed = parse_form(question_input(question), data, prefix=prefix)
                if parsed is not None:
                    result = validate_value(question_input(question), parsed)
                    value, errors = (result.value, ()) if result.is_valid else (None, result.errors)
            if value is not None:
                answers[question.id] = value
            rows.append({"question": question, "field": prefix, "value": value or {}, "errors": errors})
        industry = (data.get("industry") or "").strip()[:100] or None
        evaluation = engine.evaluate(answers, industry=industry)
        rules = {rule.id: rule for rule in structure.rules}
        for row in rows:
            decision = evaluation.trace[row["question"].id]
            row.update(
                visible=decision.visible,
                required=decision.required,
                dormant=row["question"].id in evaluation.dormant,
                why=_decision_in_words(decision, rules, structure),
                selected=set((row["value"] or {}).get("selectedOptionIds") or []),
                matrix=[
                    {
                        "id": r.get("id"),
                        "label": r.get("label", r.get("id")),
                        "chosen": (row["value"].get("rows") or {}).get(r.get("id")),
                    }
                    for r in (row["question"].metadata or {}).get("rows", [])
                    if isinstance(r, dict)
                ],
            )
        by_id = {q.id: q for q in structure.questions}
        context = self._context(
            request,
            questionnaire,
            title=f"What does the engine decide? {questionnaire}",
            rows=rows,
            industry=industry or "",
            visible=[by_id[i] for i in structure_order(structure, evaluation.visible)],
            required=[by_id[i] for i in structure_order(structure, evaluation.required)],
            hidden_count=len(evaluation.hidden),
            computed=_computed_rows(questionnaire, structure, answers, evaluation.visible),
        )
        return TemplateResponse(request, "admin/questionnaires/questionnaire/engine.html", context)

    def history_view_full(self, request, object_id):
        """Every field-level change of the questionnaire, its sections, questions and rules."""
        questionnaire = self._get(request, object_id)
        entries = selectors.questionnaire_history(questionnaire=questionnaire)
        page = Paginator(entries, 50).get_page(request.GET.get("p"))
        context = self._context(
            request,
            questionnaire,
            title=f"History of {questionnaire}",
            page=page,
            rows=_history_rows(list(page.object_list), questionnaire),
        )
        return TemplateResponse(request, "admin/questionnaires/history.html", context)

    def reorder_view(self, request, object_id):
        """Save a new order of sections or questions (drag and drop, or the Move buttons), as JSON.

        ``{"sections": [section id, …]}`` and/or ``{"questions": {section id: [question id, …], …}}``.
        """
        if (refused := self._post_only(request)) is not None:
            return refused
        questionnaire = self._get(request, object_id)
        # A published version is refused by the service (409), another owner's here.
        if not (super().has_change_permission(request) and self.tenant_may_write(request, questionnaire)):
            raise PermissionDenied
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"ok": False, "error": "The order is not valid JSON."}, status=400)
        if (problem := _order_problem(payload)) is not None:
            return JsonResponse({"ok": False, "error": problem}, status=400)
        try:
            with transaction.atomic():  # both orders or neither
                self._reorder(questionnaire, payload, request.user)
        except services.AuthoringError as refused:
            return JsonResponse({"ok": False, "error": " ".join(refused.messages)}, status=409)
        except (ValueError, TypeError):
            return JsonResponse(
                {"ok": False, "error": "The order names unknown sections or questions."}, status=400
            )
        return JsonResponse({"ok": True})

    @staticmethod
    def _reorder(questionnaire, payload: dict, actor) -> None:
        if "sections" in payload:
            services.sections_reorder(
                questionnaire=questionnaire, section_ids=[str(s) for s in payload["sections"]], actor=actor
            )
        if "questions" in payload:
            order = {section: list(items) for section, items in payload["questions"].items()}
            services.questions_reorder(questionnaire=questionnaire, order=order, actor=actor)

    def make_default_view(self, request, object_id):
        if (refused := self._post_only(request)) is not None:
            return refused
        questionnaire = self._get(request, object_id)
        self._require_authoring(request, questionnaire)
        try:
            services.questionnaire_make_default(questionnaire=questionnaire, actor=request.user)
        except services.AuthoringError as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
        else:
            self.message_user(
                request, f"{questionnaire} is now the default for its industry.", messages.SUCCESS
            )
        return redirect("admin:questionnaires_questionnaire_change", questionnaire.pk)

    def availability_view(self, request, object_id):
        if (refused := self._post_only(request)) is not None:
            return refused
        questionnaire = self._get(request, object_id)
        self._require_authoring(request, questionnaire)
        active = request.POST.get("active") == "1"
        services.questionnaire_set_active(questionnaire=questionnaire, active=active, actor=request.user)
        self.message_user(
            request,
            f"{questionnaire} is {'open to' if active else 'closed to'} new sessions.",
            messages.SUCCESS,
        )
        return redirect("admin:questionnaires_questionnaire_change", questionnaire.pk)
