"""The analytics page of a questionnaire: its figures on a hand-made data set, filters, empty cases,
tenancy, permission, a fixed number of queries and reads from a replica."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, UserRole
from core.replicas import replica_reads
from sessions_app.analytics import Filters, questionnaire_analytics
from sessions_app.models import SessionStatus
from tests.accounts.factories import UserFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, SectionFactory
from tests.sessions_app.factories import ResponseFactory, SessionFactory


def _mirror() -> dict:
    alias = {**connections.settings["default"], "TEST": {"MIRROR": "default"}}
    alias["NAME"] = connections.settings["default"]["NAME"]
    return alias


# As tests/ops/test_replicas.py: declared while the tests are collected, before the test database is set
# up, so that Django points the mirror at it.
connections.settings.setdefault("replica", _mirror())

# Versions, sections, questions; a transaction (its start and end counted): its settings, the sessions'
# figures and the answers' figures.
QUERIES = 8
OPTION_IDS = {label: str(uuid.uuid4()) for label in ("A", "B", "C", "X", "Y", "Z")}
SECTOR_OPTIONS = [{"id": OPTION_IDS[x], "label": f"Sector {x}", "value": x} for x in "ABC"]
TOOL_OPTIONS = [{"id": OPTION_IDS[x], "label": f"Tool {x}", "value": x} for x in "XYZ"]


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=dt.UTC)


def _version(*, organization, lineage_id, version):
    """A version with two sections of two questions each, every question with its key."""
    questionnaire = QuestionnaireFactory(
        name="Digital maturity",
        organization=organization,
        lineage_id=lineage_id,
        version=version,
        published_at=at(1),
    )
    about = SectionFactory(questionnaire=questionnaire, name="About you", order_index=1)
    practices = SectionFactory(questionnaire=questionnaire, name="Practices", order_index=2)
    questions = {
        "size": QuestionFactory(
            section=about,
            text="How many people work for you?",
            type="NUMBER",
            order_index=1,
            metadata={"key": "company_size"},
        ),
        "sector": QuestionFactory(
            section=about,
            text="Your sector?",
            type="SINGLE_CHOICE",
            order_index=2,
            options=SECTOR_OPTIONS,
            metadata={"key": "sector"},
        ),
        "tools": QuestionFactory(
            section=practices,
            text="Which tools do you use?",
            type="MULTIPLE_CHOICE",
            order_index=1,
            options=TOOL_OPTIONS,
            metadata={"key": "tools"},
        ),
        "maturity": QuestionFactory(
            section=practices,
            text="How mature are you?",
            type="SCALE",
            order_index=2,
            validation_rules={"min": 1, "max": 5},
            metadata={"key": "maturity"},
        ),
    }
    return questionnaire, {"about": about, "practices": practices}, questions


class DataSet:
    """Two versions; six sessions of organization A, a preview, and a session of organization B."""

    def __init__(self, org_a, org_b, client_a, client_b, admin_user):
        lineage = uuid.uuid4()
        self.v1, self.v1_sections, self.v1_questions = _version(
            organization=org_a, lineage_id=lineage, version=1
        )
        self.v2, self.sections, self.questions = _version(organization=org_a, lineage_id=lineage, version=2)
        about, practices = str(self.sections["about"].pk), str(self.sections["practices"].pk)
        q = self.questions

        def session(questionnaire, status, started, *, industry="technology", user=client_a, **fields):
            return SessionFactory(
                user=user,
                questionnaire=questionnaire,
                status=status,
                started_at=started,
                industry=industry,
                **fields,
            )

        def answer(session, question, value, seconds):
            ResponseFactory(session=session, question=question, value=value, time_spent_seconds=seconds)

        s1 = session(
            self.v2,
            SessionStatus.COMPLETED,
            at(3),
            completed_at=at(3, 10, 30),
            last_activity_at=at(3, 10, 30),
            analytics={
                "deviceType": "desktop",
                "sectionSeconds": {about: 100, practices: 200},
                "sectionsAnswered": [about, practices],
                "revisits": 1,
            },
        )
        answer(s1, q["size"], {"number": 10}, 5)
        answer(s1, q["sector"], {"selectedOptionId": OPTION_IDS["A"]}, 10)
        answer(s1, q["tools"], {"selectedOptionIds": [OPTION_IDS["X"], OPTION_IDS["Y"]]}, 20)
        answer(s1, q["maturity"], {"rating": 4}, 30)
        s2 = session(
            self.v2,
            SessionStatus.COMPLETED,
            at(4),
            completed_at=at(4, 10, 10),
            last_activity_at=at(4, 10, 10),
            analytics={"deviceType": "mobile", "sectionSeconds": {about: 50, practices: 300}, "revisits": 0},
        )
        answer(s2, q["size"], {"number": 20}, 15)
        answer(s2, q["sector"], {"selectedOptionId": OPTION_IDS["B"]}, 20)
        answer(s2, q["tools"], {"selectedOptionIds": [OPTION_IDS["X"]]}, 40)
        answer(s2, q["maturity"], {"rating": 2}, 10)
        self.s2 = s2
        # Version 1, abandoned after the sector question: matched to version 2 by key and section name.
        s3 = session(
            self.v1,
            SessionStatus.ABANDONED,
            at(4, 12),
            industry="finance",
            last_activity_at=at(5),
            analytics={
                "deviceType": "desktop",
                "sectionSeconds": {str(self.v1_sections["about"].pk): 80},
                "sectionsAnswered": [str(self.v1_sections["about"].pk)],
                "lastQuestionId": str(self.v1_questions["sector"].pk),
            },
        )
        answer(s3, self.v1_questions["size"], {"number": 30}, 25)
        answer(s3, self.v1_questions["sector"], {"selectedOptionId": OPTION_IDS["A"]}, 30)
        # From before analytics were kept: where it stopped is its latest answer.
        s4 = session(
            self.v2, SessionStatus.EXPIRED, at(5), expires_at=at(8), last_activity_at=at(5), analytics={}
        )
        answer(s4, q["size"], {"number": 40}, None)
        # Idle in progress, nothing answered; and one still going.
        session(self.v2, SessionStatus.IN_PROGRESS, at(5, 11), last_activity_at=at(5, 11), analytics=None)
        session(self.v2, SessionStatus.IN_PROGRESS, at(5, 12), last_activity_at=timezone.now())
        # Not counted: an admin's preview and organization B's client.
        preview = session(
            self.v2, SessionStatus.COMPLETED, at(4), user=admin_user, metadata={"preview": True}
        )
        answer(preview, q["size"], {"number": 999}, 999)
        other = session(self.v2, SessionStatus.ABANDONED, at(4), user=client_b)
        answer(other, q["size"], {"number": 999}, 999)


@pytest.fixture
def data(org_a, org_b, client_a, client_b, admin_user):
    return DataSet(org_a, org_b, client_a, client_b, admin_user)


def figures_of(data, org, **filters):
    return questionnaire_analytics(questionnaire=data.v1, organization=org, filters=Filters(**filters))


def by_key(figures):
    return {question.key: question for question in figures.questions}


# ------------------------------------------------------------------ the figures


def test_sessions_count_by_status_device_and_revisits_without_previews_or_other_organizations(data, org_a):
    figures = figures_of(data, org_a)
    assert figures.questionnaire == data.v2 and figures.versions == [1, 2]
    assert figures.total == figures.sessions_at_all == 6
    assert figures.by_status == {"COMPLETED": 2, "ABANDONED": 1, "EXPIRED": 1, "IN_PROGRESS": 2}
    assert figures.completion_rate == 33.3
    assert figures.median_completion_minutes == 20.0  # 30 and 10 minutes
    assert (figures.revisits, figures.sessions_revisiting) == (1, 1)
    assert [(bar.label, bar.count) for bar in figures.devices] == [
        ("Not recorded", 3),
        ("Desktop", 2),
        ("Mobile", 1),
    ]
    assert figures.industries == ["finance", "technology"]


def test_the_timeline_counts_each_event_on_its_day(data, org_a):
    figures = figures_of(data, org_a, started_to=dt.date(2025, 3, 5))  # the session still going started then
    assert figures.granularity == "day"
    rows = [(p.start.day, p.started, p.completed, p.abandoned, p.expired) for p in figures.timeline]
    assert rows == [
        (3, 1, 1, 0, 0),
        (4, 2, 1, 0, 0),
        (5, 3, 0, 1, 0),
        (6, 0, 0, 0, 0),
        (7, 0, 0, 0, 0),
        (8, 0, 0, 0, 1),
    ]


def test_the_funnel_and_median_times_pool_versions_by_question_key_and_section_name(data, org_a):
    figures = figures_of(data, org_a)
    about, practices = figures.sections
    assert (about.name, about.reached, about.median_seconds) == ("About you", 4, 80.0)  # 100, 50, 80 (v1)
    assert (practices.name, practices.reached, practices.median_seconds) == ("Practices", 2, 250.0)
    questions = by_key(figures)
    assert [q.key for q in figures.questions] == ["company_size", "sector", "tools", "maturity"]
    assert (questions["company_size"].answered, questions["company_size"].median_seconds) == (4, 15.0)
    assert (questions["sector"].answered, questions["sector"].median_seconds) == (3, 20.0)
    assert (questions["tools"].answered, questions["tools"].median_seconds) == (2, 30.0)
    assert (questions["maturity"].answered, questions["maturity"].median_seconds) == (2, 20.0)


def test_the_funnel_reads_the_sections_a_session_answered_from_its_analytics(data, org_a):
    # s1 and s3 say which sections they answered; s2 and s4, from before the key was kept, are counted
    # from their responses. What the session recorded wins over its responses.
    data.s2.analytics = {**data.s2.analytics, "sectionsAnswered": [str(data.sections["about"].pk)]}
    data.s2.save(update_fields=["analytics"])
    about, practices = figures_of(data, org_a).sections
    assert (about.reached, practices.reached) == (4, 1)


def test_drop_off_is_the_last_question_answered_by_stopped_sessions(data, org_a):
    figures = figures_of(data, org_a)
    questions = by_key(figures)
    assert figures.stopped_total == 3  # abandoned, expired, idle; not the session still going
    assert questions["sector"].stopped_here == 1  # from analytics.lastQuestionId, on version 1
    assert questions["company_size"].stopped_here == 1  # from the expired session's latest answer
    assert figures.stopped_before_first_answer == 1
    assert questions["tools"].stopped_here == questions["maturity"].stopped_here == 0


def test_answers_are_distributed_over_options_ratings_and_number_ranges(data, org_a):
    questions = by_key(figures_of(data, org_a))
    assert [(b.label, b.count) for b in questions["sector"].distribution] == [
        ("Sector A", 2),
        ("Sector B", 1),
        ("Sector C", 0),
    ]
    assert [(b.label, b.count) for b in questions["tools"].distribution] == [
        ("Tool X", 2),
        ("Tool Y", 1),
        ("Tool Z", 0),
    ]
    assert [(b.label, b.count) for b in questions["maturity"].distribution] == [
        ("1", 0),
        ("2", 1),
        ("3", 0),
        ("4", 1),
        ("5", 0),
    ]
    size = questions["company_size"]
    assert size.number_summary == {"min": 10, "median": 25, "max": 40}
    assert [b.count for b in size.distribution] == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1]
    assert size.distribution[0].label == "10–13"


# ------------------------------------------------------------------ filters and empty cases


def test_filters_narrow_by_industry_version_and_start_date(data, org_a):
    assert figures_of(data, org_a, industry="finance").total == 1
    only_v1 = figures_of(data, org_a, version=1)
    assert only_v1.total == 1 and by_key(only_v1)["sector"].answered == 1
    day = dt.date(2025, 3, 4)
    assert figures_of(data, org_a, started_from=day, started_to=day).total == 2


def analyst(organization) -> Client:
    """Staff of the organization without the admin site: allowed to view sessions, nothing else."""
    user = UserFactory(email="analyst@acme.example", organization=organization, role=UserRole.DEVELOPER)
    permission = Permission.objects.get(content_type__app_label="sessions_app", codename="view_session")
    user.user_permissions.add(permission)
    browser = Client()
    browser.force_login(User.objects.get(pk=user.pk))
    return browser


@pytest.fixture
def staff(org_a):
    return analyst(org_a)


def page(browser, questionnaire, **params):
    return browser.get(reverse("analytics:questionnaire", args=[questionnaire.pk]), params)


def test_the_page_shows_the_figures_each_chart_with_its_table(staff, data):
    response = page(staff, data.v2)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Digital maturity" in html and "Completion funnel by section" in html
    assert html.count('role="img"') >= 6 and "<title id=" in html and "<table" in html
    assert "Sector A" in html and "Before the first answer" in html
    assert "999" not in html  # neither the preview nor organization B


def test_a_backwards_date_range_is_refused_with_a_clear_message(staff, data):
    response = page(staff, data.v2, started_from="2025-03-09", started_to="2025-03-01")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The date range runs backwards" in html and "Completion funnel" not in html


def test_a_filter_that_matches_nothing_says_so(staff, data):
    html = page(staff, data.v2, industry="mining").content.decode()
    assert "No session matches these filters." in html and "6 sessions" in html


def test_an_unknown_version_or_a_malformed_date_is_a_message_not_an_error(staff, data):
    html = page(staff, data.v2, version="9").content.decode()
    assert "This questionnaire has no version 9" in html
    for params in ({"version": "x"}, {"started_from": "yesterday"}, {"industry": "i" * 500}):
        response = page(staff, data.v2, **params)
        assert response.status_code == 200
        assert "not shown until the filters are corrected" in response.content.decode()


def test_a_questionnaire_without_sessions_says_so(staff, org_a):
    empty = QuestionnaireFactory(organization=org_a)
    html = page(staff, empty).content.decode()
    assert "No sessions yet." in html


def test_the_shared_catalogue_counts_only_the_organizations_own_sessions(staff, client_a, client_b):
    shared = QuestionnaireFactory(organization=None)
    SessionFactory(questionnaire=shared, user=client_a, status=SessionStatus.COMPLETED)
    SessionFactory(questionnaire=shared, user=client_b, status=SessionStatus.COMPLETED)
    assert "<dd>1</dd>" in page(staff, shared).content.decode()


# ------------------------------------------------------------------ tenancy and permission


def test_another_organizations_questionnaire_is_a_404(staff, org_b):
    theirs = QuestionnaireFactory(organization=org_b)
    assert page(staff, theirs).status_code == 404
    assert staff.get(f"/questionnaires/{uuid.uuid4()}/analytics/").status_code == 404


def test_clients_and_staff_without_the_permission_are_refused(data, client_a, reviewer_a):
    for user in (client_a, reviewer_a):
        browser = Client()
        browser.force_login(user)
        assert page(browser, data.v2).status_code == 403
    assert page(Client(), data.v2).status_code == 302  # to the log-in


def test_an_admin_opens_it_after_the_second_factor(staff_client, data):
    assert page(staff_client, data.v2).status_code == 200


# ------------------------------------------------------------------ a fixed number of queries


def test_the_figures_take_the_same_number_of_queries_for_a_small_and_a_bigger_data_set(
    data, org_a, client_a, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES):
        figures_of(data, org_a)
    for n in range(30):
        session = SessionFactory(user=client_a, questionnaire=data.v2, status=SessionStatus.ABANDONED)
        for key, value in (("size", {"number": n}), ("sector", {"selectedOptionId": OPTION_IDS["C"]})):
            ResponseFactory(session=session, question=data.questions[key], value=value, time_spent_seconds=n)
    extra = QuestionFactory(section=data.sections["practices"], type="SCALE", metadata={"key": "extra"})
    with django_assert_num_queries(QUERIES):
        figures = figures_of(data, org_a)
    assert figures.total == 36 and extra.text in [q.text for q in figures.questions]


# ------------------------------------------------------------------ reads from a replica


@pytest.fixture
def replica(settings):
    from config.ops import routers

    settings.DATABASE_ROUTERS = ["config.ops.routers.ReplicaRouter"]
    settings.DATABASE_REPLICAS = ["replica"]
    routers._fresh.clear()
    assert routers.replica_usable("replica")
    yield connections["replica"]
    connections["replica"].close()


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_figures_are_read_from_the_replica_when_one_is_configured(
    replica, org_a, org_b, client_a, client_b, admin_user
):
    data = DataSet(org_a, org_b, client_a, client_b, admin_user)
    with (
        replica_reads(),
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as on_replica,
    ):
        figures = figures_of(data, org_a)
    assert figures.total == 6
    assert len(primary) == 0 and len(on_replica) == QUERIES


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_without_a_replica_the_figures_are_read_from_the_primary(
    settings, org_a, org_b, client_a, client_b, admin_user
):
    settings.DATABASE_REPLICAS = []
    data = DataSet(org_a, org_b, client_a, client_b, admin_user)
    with replica_reads(), CaptureQueriesContext(connections["default"]) as primary:
        assert figures_of(data, org_a).total == 6
    assert len(primary) == QUERIES


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_page_reads_its_figures_from_the_replica(replica, org_a, org_b, client_a, client_b, admin_user):
    data = DataSet(org_a, org_b, client_a, client_b, admin_user)
    browser = analyst(org_a)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as on_replica,
    ):
        assert page(browser, data.v2).status_code == 200
    aggregates = ("lineage AS MATERIALIZED", "grouped AS MATERIALIZED")  # the sessions', the answers'
    assert sum(any(a in q["sql"] for a in aggregates) for q in on_replica.captured_queries) == 2
    assert not any(any(a in q["sql"] for a in aggregates) for q in primary.captured_queries)


def test_the_questionnaires_admin_page_links_to_its_analytics(staff_client, data):
    change = staff_client.get(reverse("admin:questionnaires_questionnaire_change", args=[data.v2.pk]))
    assert reverse("analytics:questionnaire", args=[data.v2.pk]) in change.content.decode()
