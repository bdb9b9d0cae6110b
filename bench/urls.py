"""The app's URLs plus the fair baseline of bench_answer.py.

`locked_read` does what answering does except the answer itself: in a transaction it locks the client's
session and reads its answers with the answer's own query, evaluates the rules, and renders the answer's
fragment for the same question. What the answer costs beyond it is validating, writing (the answer, the
session's position and progress, the audit entry, for which its query also takes the audit chain's lock
and reads the chain's end), re-deciding what the answer moves, and the commit.
"""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


@login_required
def locked_read(request, session_id, question_id):
    from questionnaires.structure import engine_for, structure_load
    from sessions_app.flow import flow_state, section_completion
    from sessions_app.services import _lock_open_session_with_answers
    from sessions_app.views import _question_items

    with transaction.atomic():
        session, answers, _, _ = _lock_open_session_with_answers(session_id=session_id, client=request.user)
        structure = structure_load(session.questionnaire_id)
        state = flow_state(
            structure=structure, engine=engine_for(structure), answers=answers, industry=session.industry
        )
        question = structure.question(str(question_id))
        context = {
            "session": session,
            "state": state,
            "item": _question_items(state, [question], structure=structure)[0],
            "changed_items": [],
            "section_count": len(state.visible_sections),
            "section": structure.section(question.section_id),
            "sections": section_completion(state),
        }
        return render(request, "sessions_app/_answer_result.html", context)


urlpatterns = [
    *app_urlpatterns,
    path("bench/locked-read/<uuid:session_id>/<uuid:question_id>/", locked_read),
]
