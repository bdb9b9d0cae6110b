"""The client's flow through the services: start, answer, branch, progress, complete, expire."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from audit.models import AuditLog
from sessions_app import services
from sessions_app.models import Response, Session, SessionStatus
from tests.sessions_app.builders import branching_questionnaire

pytestmark = pytest.mark.django_db


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def answer(session, question, value, **kwargs):
    return services.response_save(
        session=session, question_id=str(question.id), data=form(**{f"q-{question.id}": value}), **kwargs
    )


@pytest.fixture
def flow(org_a):
    return branching_questionnaire(organization=org_a)


@pytest.fixture
def session(flow, client_a):
    return services.session_start(user=client_a, questionnaire=flow.questionnaire)


def test_a_session_is_pinned_to_the_questionnaire_version_and_starts_at_the_first_section(session, flow):
    assert session.questionnaire_version == flow.questionnaire.version
    assert session.current_section_id == flow.first.id
    assert session.industry == "technology"  # the organization's industry
    assert session.expires_at > timezone.now() + dt.timedelta(days=29)
    assert session.progress == {"percentage": 0, "answered": 0, "total": 3}
    assert str(flow.product_name.id) in session.adaptive_state["skippedQuestionIds"]
    assert AuditLog.objects.filter(event="session.start", resource_id=session.pk).exists()


def test_choosing_yes_shows_the_dependent_question_and_records_the_branch(session, flow):
    saved = answer(session, flow.has_product, flow.yes)
    assert saved.state.is_visible(str(flow.product_name.id))
    session.refresh_from_db()
    assert str(flow.product_name.id) in session.adaptive_state["activeQuestionIds"]
    assert session.adaptive_state["branchHistory"][-1]["shown"] == [str(flow.product_name.id)]
    assert session.progress == {"percentage": 25, "answered": 1, "total": 4}
    assert session.current_question_id == flow.has_product.id


def test_changing_an_answer_bumps_its_revision_and_an_unchanged_one_does_not(session, flow):
    answer(session, flow.team_size, "12")
    answer(session, flow.team_size, "12")
    assert Response.objects.get(session=session, question=flow.team_size).revision == 1
    answer(session, flow.team_size, "15", time_spent_seconds=7)
    stored = Response.objects.get(session=session, question=flow.team_size)
    assert (stored.revision, stored.value, stored.time_spent_seconds) == (2, {"number": 15}, 7)


def test_an_invalid_answer_is_kept_with_its_errors_and_counts_as_unanswered(session, flow):
    saved = answer(session, flow.team_size, "5000")
    assert not saved.result.is_valid
    stored = Response.objects.get(session=session, question=flow.team_size)
    assert stored.is_valid is False and stored.validation_errors
    assert saved.state.progress["answered"] == 0


def test_hiding_a_question_cascades_and_keeps_its_answer_dormant(session, flow):
    answer(session, flow.has_product, flow.yes)
    answer(session, flow.product_name, "Orbit")
    state = answer(session, flow.has_product, flow.no).state
    assert not state.is_visible(str(flow.product_name.id))
    assert not state.is_visible(str(flow.product_story.id))  # the chain closes too
    assert Response.objects.filter(session=session, question=flow.product_name).exists()
    # Choosing yes again restores the dormant answer, and the chain opens again.
    state = answer(session, flow.has_product, flow.yes).state
    assert state.is_visible(str(flow.product_story.id))


def test_a_hidden_question_cannot_be_answered(session, flow):
    with pytest.raises(services.QuestionUnavailable):
        answer(session, flow.product_name, "Sneaky")
    assert not Response.objects.filter(session=session).exists()


def test_completion_is_refused_with_the_list_of_what_is_missing(session, flow):
    answer(session, flow.has_product, flow.yes)
    with pytest.raises(services.SessionIncomplete) as refused:
        services.session_complete(session=session)
    assert {q.id for q in refused.value.missing} == {str(flow.product_name.id), str(flow.contact.id)}
    session.refresh_from_db()
    assert session.status == SessionStatus.IN_PROGRESS


def test_completion_succeeds_when_every_visible_required_question_is_answered(session, flow):
    answer(session, flow.has_product, flow.no)  # the required product name is hidden, so not required
    answer(session, flow.contact, "ceo@example.com")
    services.session_complete(session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED and session.completed_at
    assert AuditLog.objects.filter(event="session.complete", resource_id=session.pk).exists()
    with pytest.raises(services.SessionClosed):
        answer(session, flow.team_size, "3")


def test_an_invalid_visible_answer_blocks_completion(session, flow):
    answer(session, flow.has_product, flow.no)
    answer(session, flow.contact, "ceo@example.com")
    answer(session, flow.team_size, "-4")
    with pytest.raises(services.SessionIncomplete) as refused:
        services.session_complete(session=session)
    assert [q.id for q in refused.value.missing] == [str(flow.team_size.id)]


def test_clearing_an_answer_makes_it_unanswered(session, flow):
    answer(session, flow.team_size, "8")
    answer(session, flow.team_size, "")
    assert not Response.objects.filter(session=session, question=flow.team_size).exists()


def test_the_periodic_tasks_expire_and_abandon_sessions(session, flow, client_a):
    idle = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    Session.objects.filter(pk=session.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    Session.objects.filter(pk=idle.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=30))
    from sessions_app.tasks import sessions_abandon, sessions_expire

    assert sessions_expire.apply().get() == 1
    assert sessions_abandon.apply().get() == 1
    session.refresh_from_db()
    idle.refresh_from_db()
    assert (session.status, idle.status) == (SessionStatus.EXPIRED, SessionStatus.ABANDONED)
    with pytest.raises(services.SessionClosed):
        answer(idle, flow.team_size, "3")


def test_an_expired_session_refuses_answers_before_the_task_runs(session, flow):
    Session.objects.filter(pk=session.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(services.SessionClosed):
        answer(session, flow.team_size, "3")


def test_industry_tags_skip_questions_for_other_industries(flow, client_a):
    flow.team_size.industry_tags = ["healthcare"]
    flow.team_size.save()
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire, industry="retail")
    assert str(flow.team_size.id) in session.adaptive_state["skippedQuestionIds"]
    healthcare = services.session_start(
        user=client_a, questionnaire=flow.questionnaire, industry="healthcare"
    )
    assert str(flow.team_size.id) in healthcare.adaptive_state["activeQuestionIds"]


def test_a_session_given_by_id_must_belong_to_the_client(session, flow, client_b):
    with pytest.raises(Session.DoesNotExist):
        services.response_save(
            session_id=session.pk,
            client=client_b,
            question_id=str(flow.team_size.id),
            data=form(**{f"q-{flow.team_size.id}": "4"}),
        )
    assert not Response.objects.filter(session=session).exists()
    assert not AuditLog.objects.filter(event="response.save").exists()


def test_an_answer_that_changes_no_visibility_keeps_the_adaptive_state_and_moves_the_position(session, flow):
    first = answer(session, flow.team_size, "4")
    before = Session.objects.get(pk=session.pk)
    second = answer(session, flow.team_size, "5")
    after = Session.objects.get(pk=session.pk)
    assert after.adaptive_state == before.adaptive_state == first.session.adaptive_state
    assert str(after.current_question_id) == str(flow.team_size.id)
    assert after.last_activity_at > before.last_activity_at
    assert second.session.updated_at == after.updated_at  # what the service returns is what is stored
    assert Response.objects.get(session=session, question=flow.team_size).value == {"number": 5}


def test_saving_an_answer_walks_the_questionnaire_once_for_the_state_after_it(session, flow, monkeypatch):
    from sessions_app import flow as flow_module

    walks = []
    real_derive = flow_module._derive
    monkeypatch.setattr(flow_module, "_derive", lambda *args: walks.append(args) or real_derive(*args))
    saved = answer(session, flow.has_product, flow.yes)
    # The state before the answer is asked only what was visible and required.
    assert len(walks) == 1 and walks[0][1] is saved.state.evaluation
    assert not saved.previous.is_visible(str(flow.product_name.id))
    assert saved.state.progress == {"percentage": 25, "answered": 1, "total": 4}
    assert len(walks) == 1  # derived once, then kept
    with pytest.raises(AttributeError):  # and, like the rest of the state, not to be changed
        saved.state.progress = {}


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_and_other_audited_writes_lose_nothing_and_keep_one_chain(org_a, client_a):
    """Threads answer one session (three of them the same question) while others write audit entries."""
    import threading

    from django.db import connections, transaction

    from audit.services import audit_chain_verify, audit_record

    flow = branching_questionnaire(organization=org_a, extra_questions=6)
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    extras = list(flow.second.questions.filter(text__startswith="Extra").order_by("order_index"))
    shared, rounds = extras[0], 5
    answerers = [*extras, shared, shared]  # the first extra question is answered by three threads
    start = threading.Barrier(len(answerers) + 3)
    errors = []

    def answer_repeatedly(n, question):
        try:
            start.wait()
            for i in range(rounds):
                answer(session, question, f"thread {n} answer {i}", actor=client_a)
        except Exception as error:  # surfaced below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    def audit_repeatedly(n):
        try:
            start.wait()
            for i in range(rounds * 2):
                with transaction.atomic():
                    audit_record(
                        action="thing.concurrent", resource_type="tests.thing", after={"n": n, "i": i}
                    )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer_repeatedly, args=(n, q)) for n, q in enumerate(answerers)]
    threads += [threading.Thread(target=audit_repeatedly, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    stored = {str(r.question_id): r for r in Response.objects.filter(session=session)}
    assert {str(q.id) for q in extras} == set(stored)
    # Every save of the shared question changed its value: one revision each, none lost to a race.
    assert stored[str(shared.id)].revision == 3 * rounds
    assert all(r.revision == rounds for qid, r in stored.items() if qid != str(shared.id))
    session.refresh_from_db()
    assert session.progress["answered"] == len(extras)
    assert AuditLog.objects.filter(event="response.save").count() == len(answerers) * rounds
    report = audit_chain_verify()
    assert report.intact and report.rows == AuditLog.objects.count()
    stamps = list(AuditLog.objects.order_by("chain_seq").values_list("timestamp", flat=True))
    assert stamps == sorted(stamps)
