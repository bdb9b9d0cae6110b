"""sessions.analytics (seed 000 §7.2): the column as the seed writes it, filled as the client goes."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from sessions_app import services
from sessions_app.models import Session
from sessions_app.session_analytics import analytics_after_answer, analytics_start, device_type

pytestmark = pytest.mark.django_db

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
IPAD = "Mozilla/5.0 (iPad; CPU OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 15; SM-X710) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/131.0 Mobile Safari"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


# --- The pure rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (IPHONE, "mobile"),
        (ANDROID_PHONE, "mobile"),
        (IPAD, "tablet"),
        (ANDROID_TABLET, "tablet"),
        (DESKTOP, "desktop"),
        ("", "desktop"),
        (None, "desktop"),
    ],
)
def test_the_device_type_is_read_from_the_user_agent(agent, expected):
    assert device_type(agent) == expected


def test_an_answer_adds_its_seconds_to_its_section_and_is_the_last_question():
    start = analytics_start(device="mobile", section_id="s1")
    after = analytics_after_answer(start, section_id="s1", question_id="q1", seconds=40)
    after = analytics_after_answer(after, section_id="s1", question_id="q2", seconds=15)
    after = analytics_after_answer(after, section_id="s2", question_id="q3", seconds=None)
    assert after == {
        "deviceType": "mobile",
        "sectionSeconds": {"s1": 55},
        "revisits": 0,
        "sectionsSeen": ["s1", "s2"],
        "sectionsAnswered": ["s1", "s2"],
        "lastSectionId": "s2",
        "lastQuestionId": "q3",
    }
    assert start["sectionSeconds"] == {}  # the rules return new dicts, never change what they are given


def test_a_session_from_before_the_column_starts_from_nothing():
    after = analytics_after_answer(None, section_id="s1", question_id="q1", seconds=5)
    assert after["sectionSeconds"] == {"s1": 5} and after["revisits"] == 0
    assert after["sectionsAnswered"] == ["s1"]


def test_a_section_viewed_but_not_answered_is_seen_not_answered():
    after = analytics_after_answer(
        {**analytics_start(device="desktop", section_id="s1"), "sectionsSeen": ["s1", "s2"]},
        section_id="s1",
        question_id="q1",
        seconds=5,
    )
    assert after["sectionsSeen"] == ["s1", "s2"] and after["sectionsAnswered"] == ["s1"]


# --- The column and its index, as seed 000 §7.2 writes them ------------------------------------------


@pytest.fixture
def seed_migration():
    import importlib

    return importlib.import_module("sessions_app.migrations.0008_session_analytics")


def test_the_seed_migration_is_reversible(seed_migration):
    def column_and_index():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT data_type, column_default FROM information_schema.columns "
                "WHERE table_name = 'sessions' AND column_name = 'analytics'"
            )
            column = cursor.fetchone()
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_sessions_analytics'")
            index = cursor.fetchone()
        return column, index

    column, index = column_and_index()
    assert column == ("jsonb", "'{}'::jsonb")
    assert "USING gin (analytics)" in index[0]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(seed_migration.DOWN)
        assert column_and_index() == (None, None)
        with connection.cursor() as cursor:
            cursor.execute(seed_migration.UP)
        assert column_and_index() == (column, index)
        transaction.set_rollback(True)


# --- Filled as the client goes -------------------------------------------------------------------


def test_the_start_records_the_device_and_the_first_section(client, client_a, flow):
    client.force_login(client_a)
    response = client.post(
        reverse("sessions_app:start", args=[flow.questionnaire.pk]), HTTP_USER_AGENT=IPHONE
    )
    assert response.status_code == 302
    session = Session.objects.get(user=client_a)
    assert session.analytics["deviceType"] == "mobile"
    assert session.analytics["sectionsSeen"] == [str(flow.first.pk)]
    assert session.analytics["revisits"] == 0


def _team_size(session, flow, client, text: str, *, seconds: int) -> None:
    """Answer "Team size" as the client's page does, after `seconds` on it."""
    services.response_save(
        session=session,
        question_id=str(flow.team_size.pk),
        data={f"q-{flow.team_size.pk}": text},
        time_spent_seconds=seconds,
        client=client,
    )


def test_answers_add_time_per_section_and_name_the_last_question(session, flow, client_a):
    _team_size(session, flow, client_a, "12", seconds=30)
    _team_size(session, flow, client_a, "14", seconds=12)
    session.refresh_from_db()
    assert session.analytics["sectionSeconds"] == {str(flow.first.pk): 42}
    assert session.analytics["lastQuestionId"] == str(flow.team_size.pk)


def test_coming_back_to_a_section_seen_before_is_a_revisit(logged_in, session, flow):
    first = reverse("sessions_app:section", args=[session.pk, flow.first.pk])
    second = reverse("sessions_app:section", args=[session.pk, flow.second.pk])
    for url in (second, first, second, second):  # the last view is the same page again: not counted
        assert logged_in.get(url).status_code == 200
    session.refresh_from_db()
    assert session.analytics["revisits"] == 2
    assert session.analytics["sectionsSeen"] == [str(flow.first.pk), str(flow.second.pk)]
    assert session.analytics["lastSectionId"] == str(flow.second.pk)


def test_a_view_keeps_the_seconds_an_answer_wrote_meanwhile(session, flow, client_a):
    stale = Session.objects.get(pk=session.pk)  # the page's copy, read before the answer below
    _team_size(session, flow, client_a, "12", seconds=30)
    services.session_position_record(session=stale, section_id=str(flow.second.pk))
    session.refresh_from_db()
    assert session.analytics["sectionSeconds"] == {str(flow.first.pk): 30}
    assert str(flow.second.pk) in session.analytics["sectionsSeen"]
