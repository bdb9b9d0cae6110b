"""The client's pages: my questionnaires, one section per page, live answers (htmx), review, complete.

Every page works without JavaScript: the section form posts all its answers and moves back or on.
With htmx, changing an answer saves it at once and swaps in only the questions whose visibility or
requirement changed, so nothing the client is typing elsewhere is replaced.
"""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit.context import header_text
from questionnaires import selectors as questionnaire_selectors
from questionnaires.answers import file_accept, file_content_type
from questionnaires.structure import structure_load
from sessions_app import revisions, selectors, services
from sessions_app.flow import FlowState, StoredAnswer, answer_text, pipe, piped_answers, section_completion
from sessions_app.forms import SessionStartForm
from sessions_app.models import ChangeRequestStatus, Session, SessionStatus
from sessions_app.session_analytics import device_type

UNPROCESSABLE = 422


class _TemplateDict(dict):
    """A dict whose missing keys read as "", as a template shows a variable it cannot find.

    The question template looks up many keys that most questions lack (an option's description, the
    value's parts for each type, the reviewer's message). The template engine's way to a missing
    key tries an index, an attribute, dir() and an int, each with its exception, several times per
    option and scale point; this answers at once with what it would have shown.
    """

    def __missing__(self, key):
        return ""


def _question_items(state: FlowState, questions, *, structure=None, errors=None) -> list[dict]:
    """The view-model of each question: its data, current value, errors, required and visible flags.

    With the ``structure``, texts pipe in earlier answers by key (``{company_legal_name}``) and
    questions carry their number when the questionnaire numbers them.
    """
    errors = errors or {}
    words = _Words(structure, state) if structure is not None else None
    items = []
    for question in questions:
        answer: StoredAnswer | None = state.answers.get(question.id)
        value = answer.value if answer is not None else question.default_value
        item_errors = errors.get(question.id)
        if item_errors is None and answer is not None and not answer.is_valid:
            item_errors = list(answer.errors)
        options = [
            _TemplateDict(option, label=words.pipe(option.get("label")) if words else option.get("label", ""))
            for option in question.options or ()
            if isinstance(option, dict)
        ]
        items.append(
            _TemplateDict(
                {
                    **_widget(question, value or {}),
                    "q": question,
                    "text": words.pipe(question.text) if words else question.text,
                    "help": words.pipe(question.help_text) if words else (question.help_text or ""),
                    "options": options,
                    "number": words.numbers.get(question.id) if words else None,
                    "value": _TemplateDict(value) if isinstance(value, dict) else (value or {}),
                    "is_default": answer is None and question.default_value is not None,
                    "errors": item_errors or [],
                    "required": state.is_required(question.id),
                    "visible": state.is_visible(question.id),
                    "field": f"q-{question.id}",
                    "suggestion": answer_text(question, (question.suggested_answer or {}).get("value")),
                }
            )
        )
    return items


class _Words:
    """Earlier answers to pipe into texts, and the questions' numbers, computed once per page."""

    def __init__(self, structure, state: FlowState) -> None:
        self._structure, self._state = structure, state
        self._values: dict[str, str] | None = None  # read on the first text that pipes: most never do
        # Numbered by their place in the questionnaire, hidden ones included, so that a number never
        # changes as answers show or hide other questions.
        numbered = bool((structure.metadata or {}).get("numberQuestions"))
        self.numbers = {q.id: n for n, q in enumerate(structure.questions, 1)} if numbered else {}

    def pipe(self, text) -> str:
        if not text or "{" not in text:
            return text or ""
        if self._values is None:
            self._keys = frozenset(q.key for q in self._structure.questions if q.key)
            self._values = piped_answers(self._structure, self._state)
        return pipe(text, self._values, self._keys)


def _widget(question, value) -> dict:
    """What a type's widget needs beyond the value: a scale's points, a matrix's rows."""
    rules = question.validation_rules or {}
    if question.type == "SCALE":
        low, high = rules.get("min", 1), rules.get("max", 10)
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= high - low <= 100):
            low, high = 1, 10
        metadata = question.metadata or {}
        # The end labels the author wrote ("Not at all" … "Fully"), said beside the end points.
        return {
            "scale": list(range(low, high + 1)),
            "min_label": metadata.get("minLabel") if isinstance(metadata.get("minLabel"), str) else "",
            "max_label": metadata.get("maxLabel") if isinstance(metadata.get("maxLabel"), str) else "",
        }
    if question.type == "MATRIX":
        chosen = value.get("rows") if isinstance(value.get("rows"), dict) else {}
        rows = [
            {
                "id": row.get("id"),
                "label": row.get("label", row.get("id")),
                "chosen": chosen.get(row.get("id")),
            }
            for row in (question.metadata or {}).get("rows", [])
            if isinstance(row, dict)
        ]
        return {"rows": rows}
    if question.type == "MULTIPLE_CHOICE":
        return {"selected": set(value.get("selectedOptionIds") or [])}
    if question.type == "FILE_UPLOAD":
        accepted = file_accept(rules)
        return {"accept": accepted.accept, "accept_text": accepted.names, "max_size": accepted.max_size}
    return {}


def _section_or_404(structure, section_id):
    try:
        return structure.section(section_id)
    except KeyError as missing:
        raise Http404("No such section.") from missing


def _section_context(session, state: FlowState, section, *, errors=None) -> dict:
    index = state.section_index(section.id)
    visible = state.visible_sections
    structure = structure_load(session.questionnaire_id)
    return {
        "session": session,
        "state": state,
        "section": section,
        "items": _question_items(state, section.questions, structure=structure, errors=errors),
        "position": (index + 1) if index is not None else None,
        "section_count": len(visible),
        "sections": section_completion(state),
        "has_previous": bool(index),
        "has_next": index is not None and index + 1 < len(visible),
        "previous_id": visible[index - 1].id if index else None,
        "next_id": visible[index + 1].id if index is not None and index + 1 < len(visible) else None,
        # A completed (or expired, abandoned) session is shown as it was sent: nothing to edit.
        "read_only": session.status != SessionStatus.IN_PROGRESS,
        "locked": session.status != SessionStatus.IN_PROGRESS,
    }


def _review_sections(session, state: FlowState) -> list[dict]:
    structure = structure_load(session.questionnaire_id)
    return [
        {
            "section": s,
            "items": _question_items(state, state.section_questions[s.id], structure=structure),
        }
        for s in state.visible_sections
    ]


# Reviewing documents is an accounts permission (documents/selectors.py names it too).
REVIEW_PERMISSION = "accounts.review_document"


@login_required
def home(request):
    """Land each role on its own work: clients on their questionnaires, staff on the admin, reviewers
    on the review queue, those who invite clients on the invitations, anyone else on their API keys."""
    user = request.user
    if user.role == "CLIENT" and not user.is_staff:
        return redirect("sessions_app:list")
    if user.is_staff:
        return redirect("admin:index")
    if user.organization_id and user.has_perm(REVIEW_PERMISSION):
        return redirect("documents:queue")
    if user.organization_id and user.has_perm("sessions_app.view_invitation"):
        return redirect("invitations:list")
    return redirect("api_keys:list")


def _list_page(request, *, start_form=None, start_form_for=None, status=200):
    questionnaires = list(questionnaire_selectors.questionnaires_for_client(user=request.user))
    organization = request.user.organization
    default = organization.industry if organization is not None else ""
    for questionnaire in questionnaires:
        questionnaire.industry_choices = selectors.industry_choices(
            questionnaire=questionnaire, organization=organization
        )
        questionnaire.industry_default = default or questionnaire.industry or ""
    context = {
        "questionnaires": questionnaires,
        "sessions": selectors.sessions_for_client(user=request.user),
        "start_form": start_form,
        "start_form_for": start_form_for,  # the questionnaire whose start form is refused
    }
    return render(request, "sessions_app/list.html", context, status=status)


@login_required
@require_GET
def session_list(request):
    return _list_page(request)


@login_required
@require_POST
def session_start(request, questionnaire_id):
    questionnaire = questionnaire_selectors.questionnaire_for_client(
        user=request.user, questionnaire_id=questionnaire_id
    )
    existing = selectors.session_in_progress_for(user=request.user, questionnaire=questionnaire)
    if existing is not None:
        return redirect("sessions_app:resume", session_id=existing.pk)
    industries = selectors.industry_choices(
        questionnaire=questionnaire, organization=request.user.organization
    )
    form = SessionStartForm(request.POST, industries=industries)
    if not form.is_valid():
        return _list_page(request, start_form=form, start_form_for=questionnaire.pk, status=400)
    # No industry chosen: none (the questionnaire's answers may name it), never a guess that would
    # hide another industry's questions.
    industry = form.cleaned_data["industry"] or ""
    session = services.session_start(
        user=request.user,
        questionnaire=questionnaire,
        industry=industry,
        metadata={
            "userAgent": header_text(request, "HTTP_USER_AGENT", limit=500),
            "deviceType": device_type(request.META.get("HTTP_USER_AGENT")),
            "referrer": header_text(request, "HTTP_REFERER", limit=500),
        },
    )
    return redirect("sessions_app:resume", session_id=session.pk)


@login_required
@require_GET
def session_resume(request, session_id):
    """Send the client back exactly where they were: the section they last viewed."""
    session = selectors.session_for_client(user=request.user, session_id=session_id)
    if session.status == SessionStatus.COMPLETED:
        return redirect("sessions_app:review", session_id=session.pk)
    state = services.session_flow(session=session)
    section_ids = [s.id for s in state.visible_sections]
    current = str(session.current_section_id) if session.current_section_id else None
    if current not in section_ids:
        if not section_ids:
            return redirect("sessions_app:review", session_id=session.pk)
        current = section_ids[0]
    return redirect("sessions_app:section", session_id=session.pk, section_id=current)


@login_required
def section(request, session_id, section_id):
    session = selectors.session_for_client(user=request.user, session_id=session_id)
    structure = structure_load(session.questionnaire_id)
    current = _section_or_404(structure, section_id)
    if request.method == "POST":
        return _section_submit(request, session, structure, current)
    state = services.session_flow(session=session)
    if state.section_index(current.id) is None:
        # The section has no visible question now (answers elsewhere hid it): go to where the client is.
        return redirect("sessions_app:resume", session_id=session.pk)
    if session.status == SessionStatus.IN_PROGRESS:
        services.session_position_record(session=session, section_id=current.id)
    return render(request, "sessions_app/section.html", _section_context(session, state, current))


def _section_submit(request, session, structure, current):
    """The no-JavaScript path: save every visible answer of the section, then move back or on."""
    direction = request.POST.get("direction", "save")
    errors: dict[str, list[str]] = {}
    state = None
    try:
        state = services.session_flow(session=session)
        # Only the questions the page showed: a question that appears because of this very submit
        # keeps its dormant answer instead of being cleared by fields the client never saw.
        present = set(request.POST.getlist("present"))
        for question in current.questions:
            if question.id not in present or not state.is_visible(question.id):
                continue  # hidden by an answer saved just before: its answer stays dormant
            with contextlib.suppress(services.QuestionUnavailable):
                result = services.response_save(
                    session=session,
                    question_id=question.id,
                    data=request.POST,
                    files=request.FILES,
                    actor=request.user,
                )
                state = result.state
                if result.result.errors:
                    errors[question.id] = list(result.result.errors)
    except services.SessionClosed as closed:
        messages.error(request, str(closed))
        return redirect("sessions_app:review", session_id=session.pk)

    if direction == "next":
        for question in state.section_questions.get(current.id, ()):
            if question.id in state.evaluation.required and question.id not in errors:
                answer = state.answers.get(question.id)
                if answer is None or not answer.is_valid:
                    errors[question.id] = ["This question is required."]
    if errors and direction != "back":
        context = _section_context(session, state, current, errors=errors)
        context["error_summary"] = [item for item in context["items"] if item["errors"] and item["visible"]]
        return render(request, "sessions_app/section.html", context, status=UNPROCESSABLE)

    index = state.section_index(current.id)
    visible = state.visible_sections
    if direction == "next":
        following = [s for s in visible if s.order_index > current.order_index]
        if following:
            return redirect("sessions_app:section", session_id=session.pk, section_id=following[0].id)
        return redirect("sessions_app:review", session_id=session.pk)
    if direction == "back":
        earlier = [s for s in visible if s.order_index < current.order_index]
        if earlier:
            return redirect("sessions_app:section", session_id=session.pk, section_id=earlier[-1].id)
    if index is None:
        return redirect("sessions_app:resume", session_id=session.pk)
    messages.success(request, "Your answers are saved.")
    return redirect("sessions_app:section", session_id=session.pk, section_id=current.id)


@login_required
@require_POST
def answer(request, session_id, question_id):
    """Save one answer (htmx) and return the questions of its section whose state changed."""
    try:
        time_spent = int(request.POST.get("time_spent", "") or 0) or None
    except ValueError:
        time_spent = None
    try:
        # The service reads the session scoped to this client (another's is a 404) as it locks it.
        saved = services.response_save(
            session_id=session_id,
            client=request.user,
            question_id=str(question_id),
            data=request.POST,
            files=request.FILES,
            time_spent_seconds=time_spent,
            actor=request.user,
        )
    except Session.DoesNotExist:
        raise Http404("No such questionnaire session.") from None
    except services.SessionClosed as closed:
        return render(request, "sessions_app/_notice.html", {"message": str(closed)}, status=409)
    except services.QuestionUnavailable as unavailable:
        return render(request, "sessions_app/_notice.html", {"message": str(unavailable)}, status=404)

    session = saved.session
    state, previous, structure = saved.state, saved.previous, saved.structure
    question = structure.question(str(question_id))
    section = _section_or_404(structure, question.section_id)
    pipes = "{" + question.key if question.key else None
    changed = [
        q
        for q in section.questions
        if q.id != question.id
        and (
            (previous.is_visible(q.id), previous.is_required(q.id))
            != (state.is_visible(q.id), state.is_required(q.id))
            # a question whose words pipe in this answer is redrawn with the new words
            or (pipes and state.is_visible(q.id) and _pipes(q, pipes))
        )
    ]
    errors = {question.id: list(saved.result.errors)} if saved.result.errors else None
    items = _question_items(state, [question, *changed], structure=structure, errors=errors)
    context = {
        "session": session,
        "state": state,
        "item": items[0],
        "changed_items": items[1:],
        "section_count": len(state.visible_sections),
        # The section nav's counts, re-sent with every answer (oob) so that they follow it.
        "section": section,
        "sections": section_completion(state),
    }
    status = UNPROCESSABLE if saved.result.errors else 200
    return render(request, "sessions_app/_answer_result.html", context, status=status)


def _pipes(question, marker: str) -> bool:
    """Whether the question's text, help text or an option label pipes in ``marker`` ("{key")."""
    return (
        marker in question.text
        or marker in (question.help_text or "")
        or any(marker in str(o.get("label", "")) for o in question.options or () if isinstance(o, dict))
    )


@login_required
@require_GET
def review(request, session_id):
    session = selectors.session_for_client(user=request.user, session_id=session_id)
    state = services.session_flow(session=session)
    return render(
        request,
        "sessions_app/review.html",
        {
            "session": session,
            "state": state,
            "sections": _review_sections(session, state),
            "missing_ids": {q.id for q in state.missing},
        },
    )


@login_required
@require_POST
def complete(request, session_id):
    session = selectors.session_for_client(user=request.user, session_id=session_id)
    try:
        services.session_complete(session=session, actor=request.user)
    except services.SessionClosed as closed:
        messages.error(request, str(closed))
        return redirect("sessions_app:review", session_id=session.pk)
    except services.SessionIncomplete as incomplete:
        state = services.session_flow(session=session)
        context = {
            "session": session,
            "state": state,
            "sections": _review_sections(session, state),
            "missing_ids": {q.id for q in incomplete.missing},
            "missing": incomplete.missing,
        }
        return render(request, "sessions_app/review.html", context, status=UNPROCESSABLE)
    messages.success(request, "Thank you: your answers are complete.")
    return redirect("sessions_app:review", session_id=session.pk)


@login_required
@require_GET
def uploaded_file(request, session_id, question_id, token, name):
    """Serve a client's uploaded file as an attachment, never rendered inline by the browser.

    Its Content-Type is the one its content showed on upload, which its stored name's extension carries.
    """
    session = selectors.session_for_client(user=request.user, session_id=session_id)
    answer = services.session_answers(session=session).get(str(question_id))
    expected = reverse("sessions_app:file", args=[session.pk, question_id, token, name])
    if answer is None or not isinstance(answer.value, dict) or answer.value.get("fileUrl") != expected:
        raise Http404("No such file.")
    key = services.upload_storage_key(
        session_id=str(session.pk), question_id=str(question_id), token=token, name=name
    )
    try:
        handle = default_storage.open(key, "rb")
    except (FileNotFoundError, OSError) as missing:
        raise Http404("No such file.") from missing
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=file_content_type(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _changes_context(session, request_row, state: FlowState, *, errors=None) -> dict:
    named = {str(q) for q in request_row.question_ids}
    before = {str(q) for q in request_row.visible_before}
    editable = revisions.change_request_editable(request_row, state)
    structure = structure_load(session.questionnaire_id)
    items = _question_items(state, editable, structure=structure, errors=errors)
    for item in items:
        item["reviewer_message"] = request_row.message if item["q"].id in named else ""
        item["appeared"] = item["q"].id not in before
    editable_ids = {q.id for q in editable}
    others = [
        {
            "section": s,
            "items": _question_items(
                state,
                [q for q in state.section_questions[s.id] if q.id not in editable_ids],
                structure=structure,
            ),
        }
        for s in state.visible_sections
    ]
    return {
        "session": session,
        "change_request": request_row,
        "state": state,
        "items": items,
        "others": [block for block in others if block["items"]],
        "documents": [d.get("name") for d in request_row.documents or ()],
        "asked": len(named),
        "extra": sum(1 for item in items if item["q"].id not in named),
    }


@login_required
def changes(request, session_id, request_id):
    """The questions a reviewer reopened, with their message; everything else stays read-only."""
    session = selectors.session_for_client(user=request.user, session_id=session_id)
    request_row = selectors.change_request_for_client(session=session, request_id=request_id)
    if request_row.status != ChangeRequestStatus.OPEN:
        # Answers sent to a request that is closed change nothing: a 409 with the page that says why.
        context = {"session": session, "change_request": request_row}
        if request.method == "POST":
            context["stale"] = "This request has been answered or withdrawn already: nothing was changed."
        status = 409 if request.method == "POST" else 200
        return render(request, "sessions_app/changes_closed.html", context, status=status)
    if request.method != "POST":
        state = services.session_flow(session=session)
        return render(request, "sessions_app/changes.html", _changes_context(session, request_row, state))
    revision = request.POST.get("revision", "")
    try:
        state, errors = revisions.change_request_save(
            request=request_row, revision=revision, data=request.POST, files=request.FILES, actor=request.user
        )
        if errors:
            context = _changes_context(session, request_row, state, errors=errors)
            context["error_summary"] = [item for item in context["items"] if item["errors"]]
            return render(request, "sessions_app/changes.html", context, status=UNPROCESSABLE)
        if request.POST.get("action") != "submit":
            messages.success(request, "Your changes are saved. Submit them when you are done.")
            return redirect("sessions_app:changes", session_id=session.pk, request_id=request_row.pk)
        revisions.change_request_submit(request=request_row, revision=revision, actor=request.user)
    except revisions.StaleRequest as stale:
        request_row.refresh_from_db()
        state = services.session_flow(session=session)
        context = _changes_context(session, request_row, state)
        context["stale"] = str(stale)
        template = (
            "sessions_app/changes.html"
            if request_row.status == ChangeRequestStatus.OPEN
            else "sessions_app/changes_closed.html"
        )
        return render(request, template, context, status=409)
    except services.SessionIncomplete as incomplete:
        state = services.session_flow(session=session)
        context = _changes_context(session, request_row, state)
        context["missing"] = incomplete.missing
        return render(request, "sessions_app/changes.html", context, status=UNPROCESSABLE)
    except services.SessionClosed as closed:
        messages.error(request, str(closed))
        return redirect("sessions_app:review", session_id=session.pk)
    messages.success(
        request,
        "Thank you: your revised answers are submitted. We are preparing the new version of your documents.",
    )
    return redirect("sessions_app:review", session_id=session.pk)
