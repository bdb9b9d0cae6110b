"""The app's URLs plus a bare view for bench_answer.py: the same fragment, rendered from a ready context."""

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


urlpatterns = [*app_urlpatterns, path("bench/bare/", bare)]
