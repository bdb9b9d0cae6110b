"""The app's URLs plus two baselines for bench_answer.py, rendering the answer's fragment.

`bare` renders it from a context prepared once (the budget's baseline). `read_only` is a plain view
that reads the client's session and answers, evaluates the rules and renders: the answer minus its
write, to show how much of the answer's cost is the write (lock, save, audit, commit).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

_context: dict = {}


def prepare_bare_context(*, session, question_id: str) -> None:
    """Compute, once, the context the answer view would render for this question."""
    from questionnaires.structure import structure_load
    from sessions_app import services
    from sessions_app.views import _question_items

    state = services.session_flow(session=session)
    question = structure_load(session.questionnaire_id).question(question_id)
    items = _question_items(state, [question])
    _context.update(
        {"session": session, "state": state, "item": items[0], "changed_items": [], "section_count": 10}
    )


@login_required
def bare(request):
    return render(request, "sessions_app/_answer_result.html", _context)


@login_required
def read_only(request, session_id, question_id):
    from questionnaires.structure import structure_load
    from sessions_app import selectors, services
    from sessions_app.views import _question_items

    session = selectors.session_for_client(user=request.user, session_id=session_id)
    state = services.session_flow(session=session)
    question = structure_load(session.questionnaire_id).question(str(question_id))
    context = {
        "session": session,
        "state": state,
        "item": _question_items(state, [question])[0],
        "changed_items": [],
        "section_count": len(state.visible_sections),
    }
    return render(request, "sessions_app/_answer_result.html", context)


urlpatterns = [
    *app_urlpatterns,
    path("bench/bare/", bare),
    path("bench/read/<uuid:session_id>/<uuid:question_id>/", read_only),
]
