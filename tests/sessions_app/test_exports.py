"""Response exports: a questionnaire's sessions as CSV, XLSX and SPSS, one row each, every version together.

Files are read back with the csv module, openpyxl and pyreadstat, as staff's tools would read them.
"""

import csv
import datetime as dt
import io
import os
import tempfile
import uuid
from dataclasses import dataclass

import openpyxl
import pyreadstat
import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api_keys import SCOPES, api_key_create
from accounts.models import User, UserRole
from audit.models import AuditLog
from sessions_app import services
from sessions_app.export_models import ExportStatus, ResponseExport
from sessions_app.export_selectors import ExportFilters, sessions_for_export
from sessions_app.export_services import response_export_start
from sessions_app.exports import export_plan, export_rows, export_write
from sessions_app.tasks import response_export_run
from tests.accounts.factories import UserFactory
from tests.documents import broker
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, SectionFactory
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import ResponseFactory, SessionFactory

pytestmark = pytest.mark.django_db

EXPORT_PERMISSIONS = ("add_responseexport", "view_responseexport")
SESSION_COLUMNS = [
    "session_id",
    "version",
    "status",
    "industry",
    "started_at",
    "last_activity_at",
    "completed_at",
    "progress_percent",
    "answered",
    "question_total",
]


def _option(label):
    return {"id": str(uuid.uuid4()), "label": label, "value": label.lower()}


@dataclass
class Lineage:
    v1: object
    v2: object
    q1: dict  # key → question of version 1
    q2: dict  # key → question of version 2
    tools: dict  # label → option
    levels: dict
    plans: dict


def _questions(questionnaire, specs):
    section = SectionFactory(questionnaire=questionnaire, order_index=1)
    made = {}
    for index, (key, qtype, text, extra) in enumerate(specs, start=1):
        made[key] = QuestionFactory(
            section=section,
            order_index=index,
            type=qtype,
            text=text,
            metadata={"key": key, **extra.pop("meta", {})},
            **extra,
        )
    return made


def lineage(organization) -> Lineage:
    """Version 1 and version 2 of one questionnaire: v2 adds questions, an option, and drops one."""
    tools = {label: _option(label) for label in ("Slack", "Teams", "Zoom")}
    levels = {label: _option(label) for label in ("Low", "Medium", "High")}
    plans = {label: _option(label) for label in ("Basic", "Pro")}
    now = timezone.now()
    v1 = QuestionnaireFactory(organization=organization, name="Team survey", version=1, published_at=now)
    v2 = QuestionnaireFactory(
        organization=organization,
        name="Team survey",
        version=2,
        lineage_id=v1.lineage_id,
        published_at=now,
        metadata={
            "computed": [{"name": "team_double", "expression": "team_size * 2", "label": "Twice the team"}]
        },
    )
    q1 = _questions(
        v1,
        [
            ("company", "TEXT", "Company name", {}),
            ("team_size", "NUMBER", "Team size", {}),
            ("legacy_notes", "TEXT", "Old notes", {}),
            ("tools", "MULTIPLE_CHOICE", "Tools", {"options": [tools["Slack"], tools["Teams"]]}),
        ],
    )
    q2 = _questions(
        v2,
        [
            ("company", "TEXT", "Company name", {}),
            ("tools", "MULTIPLE_CHOICE", "Tools", {"options": list(tools.values())}),
            ("team_size", "NUMBER", "Team size", {}),
            (
                "maturity",
                "MATRIX",
                "Maturity",
                {
                    "options": list(levels.values()),
                    "meta": {"rows": [{"id": "ci", "label": "CI"}, {"id": "tests", "label": "Tests"}]},
                },
            ),
            ("plan", "SINGLE_CHOICE", "Plan", {"options": list(plans.values())}),
            ("founded", "DATE", "Founded", {}),
            ("secret_notes", "TEXT", "Notes shown on a branch", {}),
        ],
    )
    return Lineage(v1, v2, q1, q2, tools, levels, plans)


def _session(user, questionnaire, questions, answers, *, hidden=(), started=None, invalid=()):
    """A session with these answers; questions named in ``hidden`` were not shown to it (dormant)."""
    visible = [str(q.pk) for key, q in questions.items() if key not in hidden]
    session = SessionFactory(
        user=user,
        questionnaire=questionnaire,
        adaptive_state={"activeQuestionIds": visible},
        progress={"percentage": 50, "answered": len(answers), "total": len(visible)},
        started_at=started or timezone.now(),
    )
    for key, value in answers.items():
        ResponseFactory(session=session, question=questions[key], value=value, is_valid=key not in invalid)
    return session


@pytest.fixture
def survey(org_a):
    return lineage(org_a)


@pytest.fixture
def answered(survey, client_a):
    """A session of version 1 and one of version 2 (with a dormant and an invalid answer)."""
    s1 = _session(
        client_a,
        survey.v1,
        survey.q1,
        {
            "company": {"text": "Acme"},
            "team_size": {"number": 12},
            "legacy_notes": {"text": "Kept from v1"},
            "tools": {"selectedOptionIds": [survey.tools["Slack"]["id"]]},
        },
        started=timezone.now() - dt.timedelta(days=2),
    )
    s2 = _session(
        UserFactory(organization=client_a.organization),
        survey.v2,
        survey.q2,
        {
            "company": {"text": '=HYPERLINK("http://evil")'},
            "tools": {"selectedOptionIds": [survey.tools["Teams"]["id"], survey.tools["Zoom"]["id"]]},
            "team_size": {"number": 7},
            "maturity": {"rows": {"ci": survey.levels["High"]["id"], "tests": survey.levels["Low"]["id"]}},
            "plan": {"selectedOptionId": survey.plans["Pro"]["id"]},
            "founded": {"date": "2020-05-17"},
            "secret_notes": {"text": "A dormant answer"},
        },
        hidden=("secret_notes",),
        started=timezone.now() - dt.timedelta(days=1),
    )
    return s1, s2


def _csv(questionnaire, **kwargs) -> list[dict]:
    out = io.BytesIO()
    export_write(questionnaire=questionnaire, fmt="csv", fileobj=out, **kwargs)
    return list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))


def _csv_header(questionnaire, **kwargs) -> list[str]:
    out = io.BytesIO()
    export_write(questionnaire=questionnaire, fmt="csv", fileobj=out, **kwargs)
    return next(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))


# ----------------------------------------------------------------- the rows


def test_versions_export_together_with_the_newest_order_and_blanks(survey, answered):
    header = _csv_header(survey.v2)
    assert header == [
        *SESSION_COLUMNS,
        "company",
        "tools_slack",
        "tools_teams",
        "tools_zoom",
        "team_size",
        "maturity_ci",
        "maturity_tests",
        "plan",
        "founded",
        "secret_notes",
        "legacy_notes",  # only version 1 asked it: after the newest version's questions
        "team_double",
    ]
    first, second = _csv(survey.v2)
    assert (first["version"], second["version"]) == ("1", "2")
    assert first["company"] == "Acme" and first["legacy_notes"] == "Kept from v1"
    # Version 1 had no matrix, no plan: blank, not zero.
    assert first["maturity_ci"] == first["plan"] == first["founded"] == ""
    assert second["legacy_notes"] == ""


def test_multiple_choice_and_matrix_spread_into_labelled_columns(survey, answered):
    first, second = _csv(survey.v2)
    assert (first["tools_slack"], first["tools_teams"], first["tools_zoom"]) == ("1", "0", "0")
    assert (second["tools_slack"], second["tools_teams"], second["tools_zoom"]) == ("0", "1", "1")
    assert (second["maturity_ci"], second["maturity_tests"]) == ("High", "Low")
    assert second["plan"] == "Pro" and second["founded"] == "2020-05-17"
    columns = {c.name: c for c in export_plan(questionnaire=survey.v2).columns}
    assert columns["tools_zoom"].label == "Tools: Zoom"
    assert columns["maturity_tests"].label == "Maturity: Tests"


def test_a_dormant_answer_is_never_exported(survey, answered):
    second = _csv(survey.v2)[1]
    assert second["secret_notes"] == ""
    out = io.BytesIO()
    export_write(questionnaire=survey.v2, fmt="xlsx", fileobj=out)
    assert b"A dormant answer" not in out.getvalue()


def test_a_hidden_answer_of_the_real_flow_is_left_out(client_a, org_a):
    flow = branching_questionnaire(organization=org_a)
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    services.response_save(
        session=session, question_id=flow.has_product.id, data={}, value={"selectedOptionId": flow.yes}
    )
    services.response_save(
        session=session, question_id=flow.product_name.id, data={}, value={"text": "Rocket"}
    )
    services.response_save(
        session=session, question_id=flow.has_product.id, data={}, value={"selectedOptionId": flow.no}
    )
    rows = _csv(flow.questionnaire)
    assert (
        rows[0][
            next(
                c.name
                for c in export_plan(questionnaire=flow.questionnaire).columns
                if c.label == "Do you have a product?"
            )
        ]
        == "No"
    )
    name_column = next(
        c.name for c in export_plan(questionnaire=flow.questionnaire).columns if c.label == "Product name"
    )
    assert rows[0][name_column] == ""


def test_an_invalid_answer_is_left_out(survey, client_a):
    _session(client_a, survey.v2, survey.q2, {"team_size": {"number": "many"}}, invalid=("team_size",))
    assert _csv(survey.v2)[0]["team_size"] == ""


def test_computed_values_are_computed_from_the_visible_answers(survey, answered):
    first, second = _csv(survey.v2)
    assert second["team_double"] == "14"
    assert first["team_double"] == ""  # version 1 declares no computed value


def test_a_text_that_looks_like_a_formula_does_not_run_in_a_spreadsheet(survey, answered):
    second = _csv(survey.v2)[1]
    assert second["company"].startswith("'=")


def test_rows_are_read_in_chunks_with_one_query_for_each_chunks_answers(
    survey, client_a, django_assert_max_num_queries
):
    for day in range(5):
        _session(
            client_a,
            survey.v2,
            survey.q2,
            {"team_size": {"number": day}},
            started=timezone.now() - dt.timedelta(days=5 - day),
        )
    plan = export_plan(questionnaire=survey.v2)
    sessions = sessions_for_export(questionnaire=survey.v2, organization_id=client_a.organization_id)
    with django_assert_max_num_queries(3):  # 3 chunks of 2 sessions, each one query with its answers
        rows = list(export_rows(plan=plan, sessions=sessions, chunk_size=2))
    index = plan.names.index("team_size")
    assert [row[index] for row in rows] == [0, 1, 2, 3, 4]


# ----------------------------------------------------------------- the formats


def test_xlsx_reads_back_with_numbers_dates_and_a_codebook(survey, answered):
    out = io.BytesIO()
    assert export_write(questionnaire=survey.v2, fmt="xlsx", fileobj=out) == 2
    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook["Responses"]
    rows = list(sheet.iter_rows(values_only=True))
    header, second = rows[0], dict(zip(rows[0], rows[2], strict=True))
    assert header[: len(SESSION_COLUMNS)] == tuple(SESSION_COLUMNS)
    assert second["team_size"] == 7 and second["tools_zoom"] == 1
    assert second["maturity_ci"] == "High"
    assert second["founded"] == dt.datetime(2020, 5, 17)
    assert isinstance(second["started_at"], dt.datetime)
    assert second["legacy_notes"] is None
    assert second["company"] == '=HYPERLINK("http://evil")'  # a string cell, never a formula
    codebook = {row[0]: row for row in workbook["Columns"].iter_rows(min_row=2, values_only=True)}
    assert codebook["plan"][1] == "Plan" and codebook["plan"][3] == "1 = Basic; 2 = Pro"


def _read_sav(data: bytes):
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.write(handle, data)
    os.close(handle)
    try:
        return pyreadstat.read_sav(path)
    finally:
        os.unlink(path)


def test_sav_has_codes_with_value_labels_and_variable_labels(survey, answered):
    out = io.BytesIO()
    export_write(questionnaire=survey.v2, fmt="sav", fileobj=out)
    frame, meta = _read_sav(out.getvalue())
    assert list(frame.columns[: len(SESSION_COLUMNS)]) == SESSION_COLUMNS
    second = frame.iloc[1]
    assert second["plan"] == 2 and second["maturity_ci"] == 3 and second["maturity_tests"] == 1
    assert meta.variable_value_labels["plan"] == {1.0: "Basic", 2.0: "Pro"}
    assert meta.variable_value_labels["maturity_ci"] == {1.0: "Low", 2.0: "Medium", 3.0: "High"}
    assert meta.variable_value_labels["tools_zoom"] == {0.0: "Not selected", 1.0: "Selected"}
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["tools_zoom"] == "Tools: Zoom" and labels["team_double"] == "Twice the team"
    assert second["team_size"] == 7 and second["team_double"] == 14
    assert frame.iloc[0]["plan"] != frame.iloc[0]["plan"]  # NaN: version 1 had no plan question
    assert frame.iloc[1]["founded"] == dt.date(2020, 5, 17)


def test_an_unknown_format_is_refused(survey):
    with pytest.raises(ValueError, match="csv, xlsx, sav"):
        export_write(questionnaire=survey.v2, fmt="pdf", fileobj=io.BytesIO())


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav"])
def test_no_sessions_give_the_header_row_only(survey, fmt):
    out = io.BytesIO()
    assert export_write(questionnaire=survey.v2, fmt=fmt, fileobj=out) == 0
    assert out.getvalue()


def test_a_filter_matching_nothing_gives_the_header_row_only(survey, answered):
    rows = _csv(survey.v2, filters=ExportFilters(status="EXPIRED"))
    assert rows == []
    assert len(_csv(survey.v2, filters=ExportFilters(version=1))) == 1


# ----------------------------------------------------------------- tenancy


def test_another_organizations_sessions_never_appear_even_in_a_shared_questionnaire(client_a, client_b):
    shared = lineage(None)
    _session(client_a, shared.v2, shared.q2, {"company": {"text": "Ours"}})
    _session(client_b, shared.v2, shared.q2, {"company": {"text": "Theirs"}})
    rows = _csv(shared.v2, organization_id=client_a.organization_id)
    assert [row["company"] for row in rows] == ["Ours"]
    with pytest.raises(ValueError):
        export_write(questionnaire=shared.v2, fmt="csv", fileobj=io.BytesIO())  # no organization named


def test_previews_are_not_exported(survey, client_a):
    session = _session(client_a, survey.v2, survey.q2, {"company": {"text": "Preview"}})
    session.metadata = {"preview": True}
    session.save()
    assert _csv(survey.v2) == []


# ----------------------------------------------------------------- staff, pages


def _grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="sessions_app", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def exporter(org_a):
    user = UserFactory(email="erin@acme.example", organization=org_a, role=UserRole.DEVELOPER)
    return _grant(user, *EXPORT_PERMISSIONS)


@pytest.fixture
def exporter_b(org_b):
    user = UserFactory(email="staff@borealis.example", organization=org_b, role=UserRole.DEVELOPER)
    return _grant(user, *EXPORT_PERMISSIONS)


def _browser(user):
    browser = Client()
    browser.force_login(user)
    return browser


def test_staff_export_on_the_page_and_download_it(survey, answered, exporter):
    browser = _browser(exporter)
    page = reverse("exports:page", args=[survey.v2.pk])
    assert "2 sessions in all" in browser.get(page).content.decode()
    response = browser.post(page, {"format": "csv"}, follow=True)
    assert "Export ready: 2 sessions." in response.content.decode()
    export = ResponseExport.objects.get()
    assert (export.status, export.row_count, export.progress) == (ExportStatus.DONE, 2, 100)
    download = browser.get(reverse("exports:download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="team-survey-responses-')
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(body)))) == 2
    events = list(AuditLog.objects.filter(resource_id=export.pk).values_list("event", flat=True))
    assert sorted(events) == ["response_export.create", "response_export.download"]
    assert "Acme" not in str(AuditLog.objects.filter(resource_id=export.pk).values_list("changes", flat=True))


def test_the_page_says_when_there_are_no_sessions(survey, exporter):
    browser = _browser(exporter)
    page = reverse("exports:page", args=[survey.v2.pk])
    assert "has no sessions of your organization yet" in browser.get(page).content.decode()
    response = browser.post(page, {"format": "xlsx"}, follow=True)
    assert "has no sessions yet: the file has the header row only" in response.content.decode()


def test_a_backwards_date_range_is_a_form_error(survey, exporter):
    response = _browser(exporter).post(
        reverse("exports:page", args=[survey.v2.pk]),
        {"format": "csv", "date_from": "2025-05-01", "date_to": "2025-04-01"},
    )
    assert response.status_code == 400
    assert "The end date is before the start date" in response.content.decode()
    assert not ResponseExport.objects.exists()


def test_an_unknown_format_on_the_page_is_a_form_error(survey, exporter):
    response = _browser(exporter).post(reverse("exports:page", args=[survey.v2.pk]), {"format": "pdf"})
    assert response.status_code == 400
    assert "Choose one of csv, xlsx, sav" in response.content.decode()


def test_a_large_export_runs_in_the_worker_with_progress(
    survey, answered, exporter, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX = 1
    broker.queue_purge()
    browser = _browser(exporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("exports:page", args=[survey.v2.pk]), {"format": "sav"}, follow=True)
    assert "Exporting 2 sessions" in response.content.decode()
    export = ResponseExport.objects.get()
    assert export.status == ExportStatus.QUEUED
    listing = browser.get(reverse("exports:list", args=[survey.v2.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in listing and "Queued" in listing
    [message] = broker.queue_take()
    assert (message["task"], message["args"]) == ("sessions_app.tasks.response_export_run", [str(export.pk)])
    assert response_export_run.apply(args=message["args"]).get() == 2
    export.refresh_from_db()
    assert (export.status, export.progress, export.row_count) == (ExportStatus.DONE, 100, 2)
    assert default_storage.exists(export.file_key)
    listing = browser.get(reverse("exports:list", args=[survey.v2.pk])).content.decode()
    assert "every 2s" not in listing and "Download" in listing
    # Run again (a redelivered message): a finished export is left as it is.
    response_export_run.apply(args=[str(export.pk)])
    assert ResponseExport.objects.get().file_key == export.file_key


def test_progress_is_reported_as_rows_are_written(survey, client_a):
    for _ in range(5):
        _session(client_a, survey.v2, survey.q2, {"team_size": {"number": 1}})
    seen = []
    export_write(
        questionnaire=survey.v2,
        fmt="csv",
        fileobj=io.BytesIO(),
        on_progress=lambda d, t: seen.append((d, t)),
        chunk_size=2,
    )
    assert seen[-1] == (5, 5) and seen == sorted(seen)


def test_another_organizations_questionnaire_and_export_are_404_on_the_pages(
    survey, answered, exporter, exporter_b
):
    export = response_export_start(
        questionnaire=survey.v2, fmt="csv", filters=ExportFilters(), requested_by=exporter, queue=False
    )
    outsider = _browser(exporter_b)
    assert outsider.get(reverse("exports:page", args=[survey.v2.pk])).status_code == 404
    assert outsider.post(reverse("exports:page", args=[survey.v2.pk]), {"format": "csv"}).status_code == 404
    assert outsider.get(reverse("exports:list", args=[survey.v2.pk])).status_code == 404
    assert outsider.get(reverse("exports:download", args=[export.pk])).status_code == 404


def test_a_client_or_staff_without_the_permission_may_not_export(survey, client_a, org_a):
    page = reverse("exports:page", args=[survey.v2.pk])
    assert _browser(client_a).get(page).status_code == 403
    viewer = _grant(UserFactory(organization=org_a, role=UserRole.DEVELOPER), "view_responseexport")
    assert _browser(viewer).get(page).status_code == 200
    assert _browser(viewer).post(page, {"format": "csv"}).status_code == 403


def test_the_admin_page_of_the_questionnaire_links_to_the_exports(staff_client, survey):
    response = staff_client.get(reverse("admin:questionnaires_questionnaire_change", args=[survey.v2.pk]))
    assert reverse("exports:page", args=[survey.v2.pk]) in response.content.decode()


# ----------------------------------------------------------------- the API


def _api(user, scopes=("exports:read",)):
    _, raw_key = api_key_create(user=user, name="Exports", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def _export_url(questionnaire, query=""):
    return reverse("api:questionnaire-export", args=[questionnaire.pk]) + query


def test_the_api_returns_a_small_export_at_once(survey, answered, exporter):
    response = _api(exporter).get(_export_url(survey.v2, "?format=xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook["Responses"].max_row == 3
    assert AuditLog.objects.filter(event="response_export.download", resource_id=survey.v2.pk).exists()


def test_the_api_starts_a_job_for_a_large_export(survey, answered, exporter, settings):
    settings.EXPORT_INLINE_MAX = 0
    api = _api(exporter)
    response = api.get(_export_url(survey.v2, "?format=csv&version=2"))
    assert response.status_code == 202
    job = response.json()
    assert response["Location"] == job["status_url"] and job["status"] == "QUEUED"
    assert job["filters"] == {"version": 2} and job["download_url"] is None
    assert api.get(job["status_url"]).json()["status"] == "QUEUED"
    assert api.get(reverse("api:export-download", args=[job["id"]])).status_code == 404
    response_export_run.apply(args=[job["id"]])
    status = api.get(job["status_url"]).json()
    assert (status["status"], status["progress"], status["row_count"]) == ("DONE", 100, 1)
    download = api.get(status["download_url"])
    assert download.status_code == 200
    assert len(b"".join(download.streaming_content).decode("utf-8-sig").splitlines()) == 2


def test_the_api_refuses_an_unknown_format_and_a_backwards_range(survey, exporter):
    api = _api(exporter)
    response = api.get(_export_url(survey.v2, "?format=pdf"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and "csv, xlsx, sav" in error["details"]["format"][0]
    assert api.get(_export_url(survey.v2)).status_code == 400  # no format at all
    response = api.get(_export_url(survey.v2, "?format=csv&date_from=2025-05-01&date_to=2025-04-01"))
    assert response.status_code == 400
    assert "before the start date" in response.json()["error"]["details"]["date_to"][0]
    assert api.get(_export_url(survey.v2, "?format=csv&status=LOST")).status_code == 400


def test_the_api_needs_the_scope_and_the_permission(survey, exporter, client_a):
    assert (
        _api(exporter, scopes=("sessions:read",)).get(_export_url(survey.v2, "?format=csv")).status_code
        == 403
    )
    assert _api(client_a).get(_export_url(survey.v2, "?format=csv")).status_code == 403
    assert "exports:read" in SCOPES


def test_another_organizations_questionnaire_and_export_are_404_in_the_api(survey, exporter, exporter_b):
    export = response_export_start(
        questionnaire=survey.v2, fmt="csv", filters=ExportFilters(), requested_by=exporter, queue=False
    )
    api = _api(exporter_b)
    assert api.get(_export_url(survey.v2, "?format=csv")).status_code == 404
    assert api.get(reverse("api:export-detail", args=[export.pk])).status_code == 404
    assert api.get(reverse("api:export-download", args=[export.pk])).status_code == 404
