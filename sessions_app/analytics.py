"""A questionnaire's analytics for staff (docs/analytics.md): the figures behind the analytics page.

A selector that reports: it reads one organization's client sessions of every version of one
questionnaire (previews excluded) and aggregates them in PostgreSQL, a fixed number of queries whatever
the number of sessions, questions or versions, on a replica when one is configured (core.replicas).
The aggregates need what the ORM does not express (``percentile_cont``, ``GROUPING SETS``, a lateral
unnest of jsonb), so the SQL is kept here, in one module, and tests/sessions_app/test_analytics.py
checks every figure against a hand-made data set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from django.utils import timezone

from questionnaires.keys import key_of
from questionnaires.models import Question, Questionnaire, Section
from questionnaires.selectors import questionnaires_visible_to
from sessions_app.models import Session, SessionStatus

# A session in progress with no activity for this long counts as stopped where it is (drop-off).
IDLE_AFTER = dt.timedelta(days=1)
NUMBER_BINS = 10
WORK_MEM = "64MB"  # 500,000 answers sort in memory (docs/analytics.md)
DEVICE_LABELS = {"desktop": "Desktop", "mobile": "Mobile", "tablet": "Tablet", "api": "API"}
CHOICE_KINDS = {"SINGLE_CHOICE": "single", "MULTIPLE_CHOICE": "multiple", "SCALE": "scale"}
STOPPED = (SessionStatus.ABANDONED, SessionStatus.EXPIRED)
_UNMAPPED = -1  # a question or section of an older version that the newest no longer has


@dataclass(frozen=True)
class Filters:
    """What the page's form narrows the sessions to; None is "any"."""

    started_from: dt.date | None = None
    started_to: dt.date | None = None  # inclusive
    version: int | None = None
    industry: str | None = None

    @property
    def any(self) -> bool:
        values = (self.started_from, self.started_to, self.version, self.industry)
        return any(value not in (None, "") for value in values)


@dataclass(frozen=True)
class Period:
    start: dt.date
    label: str
    started: int = 0
    completed: int = 0
    abandoned: int = 0
    expired: int = 0


@dataclass(frozen=True)
class Bar:
    label: str
    count: int


@dataclass
class SectionFigures:
    id: str
    name: str
    order: int
    reached: int = 0  # sessions that answered at least one of its questions (analytics.sectionsAnswered)
    median_seconds: float | None = None  # of analytics.sectionSeconds
    timed_sessions: int = 0


@dataclass
class QuestionFigures:
    id: str
    key: str
    text: str
    type: str
    section_id: str
    answered: int = 0  # sessions that answered it (any version)
    median_seconds: float | None = None
    stopped_here: int = 0  # sessions whose last answer it was, and that stopped
    distribution: list[Bar] = field(default_factory=list)
    number_summary: dict[str, float] | None = None  # {min, median, max}
    options: list[tuple[str, str]] = field(default_factory=list)  # (answer as stored, label)

    @property
    def has_distribution(self) -> bool:
        return bool(self.distribution)


@dataclass
class QuestionnaireAnalytics:
    """Everything the analytics page shows; plain values, no query left to run."""

    questionnaire: Questionnaire  # the newest version: its sections and questions are shown
    versions: list[int]
    industries: list[str]
    filters: Filters
    sessions_at_all: int  # the organization's sessions of the lineage, before filters
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    granularity: str = "day"
    timeline: list[Period] = field(default_factory=list)
    devices: list[Bar] = field(default_factory=list)
    revisits: int = 0
    sessions_revisiting: int = 0
    median_completion_minutes: float | None = None
    sections: list[SectionFigures] = field(default_factory=list)
    questions: list[QuestionFigures] = field(default_factory=list)
    stopped_total: int = 0
    stopped_before_first_answer: int = 0
    stopped_on_removed_questions: int = 0

    @property
    def completion_rate(self) -> float | None:
        if not self.total:
            return None
        return round(100 * self.by_status.get(SessionStatus.COMPLETED, 0) / self.total, 1)


# ------------------------------------------------------------------ finding the questionnaire


def questionnaire_for_staff(*, organization, questionnaire_id) -> Questionnaire:
    """Return a questionnaire of the organization or of the shared catalogue; another's is a 404."""
    return get_object_or_404(_visible_to(organization), pk=questionnaire_id)


def _visible_to(organization) -> Any:
    return questionnaires_visible_to(getattr(organization, "pk", None))


# ------------------------------------------------------------------ the SQL

# The organization's client sessions of the lineage; %(filters)s is built from fixed fragments only.
_SCOPED_FROM = """
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.questionnaire_id = ANY(%(versions)s::uuid[])
      AND u.org_id = %(organization)s
      AND NOT coalesce(s.metadata @> '{"preview": true}'::jsonb, false)
      {filters}
"""
# Read once per page: the lineage's sessions of the organization (the filters' choices count them all),
# then those the filters keep, on which every figure is counted. The filter fragments name s.* columns
# that both the table and this CTE have.
_SCOPED = """
lineage AS MATERIALIZED (
    SELECT s.id, s.status, s.started_at, s.completed_at, s.last_activity_at, s.expires_at,
           s.industry, s.questionnaire_id,
           CASE WHEN jsonb_typeof(s.analytics) = 'object' THEN s.analytics ELSE '{}'::jsonb END
               AS analytics
    {lineage_from}
), scoped AS MATERIALIZED (
    SELECT * FROM lineage s WHERE true
      {filters}
)
""".replace("{lineage_from}", _SCOPED_FROM.replace("{filters}", ""))
# The same sessions, written out rather than read from the CTE: a query that reads a CTE cannot be split
# between PostgreSQL's parallel workers, and the answers' scan is the one worth splitting.
_SCOPED_IDS = "SELECT s.id" + _SCOPED_FROM

# Each question of the lineage: its key (shared by its copies in other versions), the newest version's
# section it falls in, and how its answers are counted.
_MAPPING = """
mapping AS (
    SELECT * FROM unnest(%(q_ids)s::uuid[], %(q_keys)s::int[], %(q_sections)s::int[], %(q_kinds)s::text[])
        AS m(question_id, key_idx, section_idx, kind)
)
"""

# The figures read from the sessions alone are one statement, so that the sessions are read once: each
# part below yields rows of one shape, (tag, a, b, n, m, x, y), told apart by their tag.

# The filters' choices: industries and versions among all the lineage's sessions.
_CHOICES_PART = """
SELECT 'choices', industry, questionnaire_id::text, count(*), NULL::bigint, NULL::float8, NULL::float8
FROM lineage GROUP BY 2, 3
"""

# Sessions by status and device, and over all of them ('total'): revisits, the sessions revisiting and the
# median time to complete.
_SUMMARY_PART = """
SELECT CASE WHEN GROUPING(status, device) = 0 THEN 'status' ELSE 'total' END, status, device, count(*),
       count(*) FILTER (WHERE CASE WHEN jsonb_typeof(analytics->'revisits') = 'number'
                                   THEN (analytics->>'revisits')::numeric > 0 ELSE false END),
       sum(CASE WHEN jsonb_typeof(analytics->'revisits') = 'number'
                THEN (analytics->>'revisits')::float8 END),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at))
           FILTER (WHERE status = 'COMPLETED' AND completed_at IS NOT NULL)
FROM (SELECT *, coalesce(nullif(analytics->>'deviceType', ''), 'unknown') AS device FROM scoped) AS t
GROUP BY GROUPING SETS ((status, device), ())
"""

# Day by day in the page's time zone: started on its start, completed on completion, abandoned on its
# last activity and expired on its expiry; the page groups days into weeks or months.
_TIMELINE_PART = """
SELECT 'day', ((e.at AT TIME ZONE %(tz)s)::date)::text, e.kind, count(*), NULL, NULL, NULL
FROM scoped s
CROSS JOIN LATERAL (VALUES
    ('started', s.started_at),
    ('completed', CASE WHEN s.status = 'COMPLETED' THEN s.completed_at END),
    ('abandoned', CASE WHEN s.status = 'ABANDONED' THEN s.last_activity_at END),
    ('expired', CASE WHEN s.status = 'EXPIRED' THEN coalesce(s.expires_at, s.last_activity_at) END)
) AS e(kind, at)
WHERE e.at IS NOT NULL
GROUP BY 2, 3
"""

# Every answer of the scoped sessions, read once and grouped two ways in one pass (hashed grouping sets):
# per question key and whole second spent (the median is taken from that histogram as percentile_cont
# would, without sorting every answer); per question key and answer given (options, ratings, numbers,
# each counted once per distinct value). The small groups are then turned into counts per option and bins
# of numbers. (The sessions that reached each section are counted from sessions.analytics: _SECTIONS_SQL.)
_ANSWERS_SQL = """
, grouped AS MATERIALIZED (
    SELECT CASE WHEN GROUPING(a.seconds) = 0 THEN 'time' ELSE 'answer' END AS tag,
           a.key_idx, a.seconds, a.kind, a.answer, count(*) AS n
    FROM (
        SELECT m.key_idx, m.kind, r.time_spent_seconds AS seconds,
               CASE WHEN NOT r.is_valid THEN NULL
                    WHEN m.kind = 'single' THEN r.value->>'selectedOptionId'
                    WHEN m.kind = 'scale' THEN r.value->>'rating'
                    WHEN m.kind = 'multiple' AND jsonb_typeof(r.value->'selectedOptionIds') = 'array'
                        THEN (r.value->'selectedOptionIds')::text
                    WHEN m.kind = 'number' AND jsonb_typeof(r.value->'number') = 'number'
                        THEN r.value->>'number'
               END AS answer
        FROM responses r
        JOIN mapping m ON m.question_id = r.question_id
        WHERE r.session_id IN ({scoped_ids})  -- hashes the sessions, not the answers
    ) AS a
    GROUP BY GROUPING SETS ((a.key_idx, a.seconds), (a.key_idx, a.kind, a.answer))
), numbers AS (
    SELECT key_idx, answer::double precision AS v, n,
           sum(n) OVER (PARTITION BY key_idx ORDER BY answer::double precision) AS upto,
           sum(n) OVER (PARTITION BY key_idx) AS total,
           min(answer::double precision) OVER (PARTITION BY key_idx) AS lo,
           max(answer::double precision) OVER (PARTITION BY key_idx) AS hi
    FROM grouped WHERE tag = 'answer' AND kind = 'number' AND answer IS NOT NULL
), medians AS (
    SELECT key_idx,
           (min(v) FILTER (WHERE upto > (total - 1) / 2) + min(v) FILTER (WHERE upto > total / 2)) / 2
               AS median
    FROM numbers GROUP BY key_idx
)
SELECT 'time', key_idx, seconds::text, n, NULL::float8, NULL::float8, NULL::float8
FROM grouped WHERE tag = 'time'
UNION ALL
SELECT 'choice', key_idx, answer, n, NULL, NULL, NULL
FROM grouped WHERE tag = 'answer' AND kind IN ('single', 'scale') AND answer IS NOT NULL
UNION ALL
SELECT 'choice', g.key_idx, e.choice, sum(g.n), NULL, NULL, NULL
FROM grouped g CROSS JOIN LATERAL jsonb_array_elements_text(g.answer::jsonb) AS e(choice)
WHERE g.tag = 'answer' AND g.kind = 'multiple' AND g.answer IS NOT NULL GROUP BY g.key_idx, e.choice
UNION ALL
SELECT 'number', n.key_idx,
       (CASE WHEN n.hi = n.lo THEN 1 ELSE least(width_bucket(n.v, n.lo, n.hi, %(bins)s), %(bins)s) END)::text,
       sum(n.n), n.lo, n.hi, m.median
FROM numbers n JOIN medians m USING (key_idx) GROUP BY 2, 3, 5, 6, 7
"""

# Per newest section (older versions' sections pooled into it): the sessions that reached it, i.e. answered
# at least one of its questions (analytics.sectionsAnswered; for sessions from before it was kept, their
# responses, looked up session by session through the responses' index), and the median of
# analytics.sectionSeconds. Reads the section_map and section_groups of _FIGURES_SQL.
_SECTIONS_PART = """
SELECT 'reached', g.idx::text, NULL, count(*), NULL, NULL, NULL
FROM scoped s JOIN section_groups g ON s.analytics->'sectionsAnswered' ?| g.ids
WHERE jsonb_typeof(s.analytics->'sectionsAnswered') = 'array'
GROUP BY g.idx
UNION ALL
SELECT 'reached', old.section_idx::text, NULL, count(*), NULL, NULL, NULL
FROM scoped s
CROSS JOIN LATERAL (
    SELECT DISTINCT m.section_idx FROM responses r JOIN mapping m ON m.question_id = r.question_id
    WHERE r.session_id = s.id AND m.section_idx >= 0
) AS old
WHERE jsonb_typeof(s.analytics->'sectionsAnswered') IS DISTINCT FROM 'array'
GROUP BY old.section_idx
UNION ALL
SELECT 'timed', sm.idx::text, NULL, count(*), NULL, NULL,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (e.value #>> '{}')::double precision)
FROM scoped s
CROSS JOIN LATERAL jsonb_each(
    CASE WHEN jsonb_typeof(s.analytics->'sectionSeconds') = 'object'
         THEN s.analytics->'sectionSeconds' ELSE '{}'::jsonb END
) AS e
JOIN section_map sm ON sm.section_id = e.key
WHERE jsonb_typeof(e.value) = 'number'
GROUP BY sm.idx
"""


# Where stopped sessions stopped: the last question answered (analytics.lastQuestionId; for sessions from
# before it was kept, their latest response).
_DROP_OFF_PART = """
SELECT 'stopped',
       coalesce(
           CASE WHEN s.analytics->>'lastQuestionId' ~ '^[0-9a-fA-F-]{36}$'
                THEN s.analytics->>'lastQuestionId' END,
           (SELECT r.question_id::text FROM responses r WHERE r.session_id = s.id
            ORDER BY r.answered_at DESC LIMIT 1)
       ),
       NULL, count(*), NULL, NULL, NULL
FROM scoped s
WHERE s.status IN ('ABANDONED', 'EXPIRED')
   OR (s.status = 'IN_PROGRESS' AND s.last_activity_at < %(idle_before)s)
GROUP BY 2
"""

_FIGURES_SQL = """
, section_map AS (
    SELECT * FROM unnest(%(s_ids)s::text[], %(s_idx)s::int[]) AS sm(section_id, idx) WHERE idx >= 0
), section_groups AS (
    SELECT idx, array_agg(section_id) AS ids FROM section_map GROUP BY idx
)
{parts}""".replace(
    "{parts}",
    "UNION ALL".join((_CHOICES_PART, _SUMMARY_PART, _TIMELINE_PART, _SECTIONS_PART, _DROP_OFF_PART)),
)


def _filters_sql(filters: Filters, params: dict, version_ids: dict[int, str]) -> str:
    parts = []
    zone = timezone.get_current_timezone()
    if filters.started_from:
        parts.append("AND s.started_at >= %(started_from)s")
        params["started_from"] = dt.datetime.combine(filters.started_from, dt.time.min, zone)
    if filters.started_to:
        parts.append("AND s.started_at < %(started_before)s")
        next_day = filters.started_to + dt.timedelta(days=1)
        params["started_before"] = dt.datetime.combine(next_day, dt.time.min, zone)
    if filters.version is not None:
        parts.append("AND s.questionnaire_id = %(version_id)s")
        params["version_id"] = version_ids.get(filters.version, "00000000-0000-0000-0000-000000000000")
    if filters.industry:
        parts.append("AND s.industry = %(industry)s")
        params["industry"] = filters.industry
    return "\n      ".join(parts)


# ------------------------------------------------------------------ the figures


def questionnaire_analytics(
    *, questionnaire: Questionnaire, organization, filters: Filters
) -> QuestionnaireAnalytics:
    """Return the figures of the organization's sessions of every version of ``questionnaire``.

    A fixed number of queries whatever the data: three small reads (the versions, sections and
    questions), then in one transaction its memory setting and six aggregates. Their reads go to a
    replica when the caller marked them so (``core.replicas.replica_reads``) and one is usable. A
    backwards date range is the caller's to refuse.
    """
    versions = list(
        _visible_to(organization)
        .filter(lineage_id=questionnaire.lineage_id)
        .order_by("-version")
        .only("id", "name", "version", "lineage_id", "organization_id", "published_at")
    )
    newest = versions[0] if versions else questionnaire
    version_ids = {v.version: str(v.pk) for v in versions}
    sections = list(
        Section.objects.filter(questionnaire__in=versions)
        .order_by("order_index", "id")
        .values("id", "questionnaire_id", "name", "order_index")
    )
    questions = list(
        Question.objects.filter(section__questionnaire__in=versions)
        .order_by("section__order_index", "order_index", "id")
        .values("id", "section_id", "text", "type", "options", "validation_rules", "metadata")
    )
    shown_sections, section_index = _sections_mapped(sections, newest_id=newest.pk)
    shown_questions, mapping = _questions_mapped(
        questions, shown_sections, section_index, newest_id=newest.pk
    )

    key_numbers = {key: number for number, key in enumerate(dict.fromkeys(m[1] for m in mapping))}
    params: dict[str, Any] = {
        "versions": list(version_ids.values()),
        "organization": organization.pk if organization is not None else None,
        "tz": timezone.get_current_timezone_name(),
        "idle_before": timezone.now() - IDLE_AFTER,
        "bins": NUMBER_BINS,
        "q_ids": [m[0] for m in mapping],
        "q_keys": [key_numbers[m[1]] for m in mapping],
        "q_sections": [m[2] for m in mapping],
        "q_kinds": [m[3] for m in mapping],
        "s_ids": list(section_index),
        "s_idx": list(section_index.values()),
    }
    filtered = _filters_sql(filters, params, version_ids)
    figures_sql = "WITH " + _SCOPED.replace("{filters}", filtered) + ", " + _MAPPING + _FIGURES_SQL
    answers_sql = (
        "WITH " + _MAPPING + _ANSWERS_SQL.replace("{scoped_ids}", _SCOPED_IDS.replace("{filters}", filtered))
    )

    alias = router.db_for_read(Session)
    # One read-only transaction, so that the aggregates see one state of the data and their sorts get
    # the memory to stay off disk (SET LOCAL ends with it).
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # And the answers' scan is split between the workers the server allows (two on the machines we
        # measure on): the planner's default costs never split a scan of half a million short rows.
        # One statement (set_config(…, true) is SET LOCAL), so the page's count of queries stays put.
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('parallel_setup_cost', '0', true),"
            " set_config('parallel_tuple_cost', '0', true)",
            [WORK_MEM],
        )

        def rows(sql: str) -> list[tuple]:
            cursor.execute(sql, params)
            return cursor.fetchall()

        figures: dict[str, list[tuple]] = defaultdict(list)
        for tag, *row in rows(figures_sql):
            figures[tag].append(tuple(row))
        choices = figures["choices"]
        result = QuestionnaireAnalytics(
            questionnaire=newest,
            versions=sorted(version_ids),
            industries=sorted({industry for industry, *_ in choices if industry}, key=str.casefold),
            filters=filters,
            sessions_at_all=sum(row[2] for row in choices),
            sections=shown_sections,
            questions=shown_questions,
        )
        _summary_read(result, figures["status"], figures["total"])
        if not result.total:  # nothing else to count, and the answers need not be read
            return result
        _timeline_read(result, [(dt.date.fromisoformat(day), kind, n) for day, kind, n, *_ in figures["day"]])
        _sections_read(result, figures["reached"], figures["timed"])
        by_key = {q.key: q for q in shown_questions}
        _drop_off_read(result, by_key, {m[0]: m[1] for m in mapping}, figures["stopped"])
        _answers_read(result, by_key, list(key_numbers), rows(answers_sql))
    return result


# A page of figures is kept this long while no session of the questionnaire changes (an answer, a status,
# a new session: each changes a session row's updated_at, or the count).
CACHE_SECONDS = 60
_CACHE_FORMAT = 1  # bump when QuestionnaireAnalytics changes shape


def questionnaire_analytics_cached(
    *, questionnaire: Questionnaire, organization, filters: Filters
) -> QuestionnaireAnalytics:
    """Return ``questionnaire_analytics``, from the cache when nothing it counts has changed since.

    One query decides (the number of the lineage's sessions and their latest change); a page opened
    again, or by a colleague, within the minute then costs that query and the drawing, not the
    aggregates. Redis down: the figures are computed, as without a cache.
    """
    stamp = Session.objects.filter(questionnaire__lineage_id=questionnaire.lineage_id).aggregate(
        count=Count("id"), changed=Max("updated_at")
    )
    key = ":".join(
        str(part)
        for part in (
            "analytics",
            _CACHE_FORMAT,
            getattr(organization, "pk", None),
            questionnaire.lineage_id,
            questionnaire.pk,
            hashlib.sha256(repr(filters).encode()).hexdigest()[:16],
            timezone.get_current_timezone_name(),
            stamp["count"],
            stamp["changed"].isoformat() if stamp["changed"] else "-",
        )
    )
    found = None
    with contextlib.suppress(Exception):
        found = cache.get(key)
    if found is not None:
        return found
    figures = questionnaire_analytics(questionnaire=questionnaire, organization=organization, filters=filters)
    with contextlib.suppress(Exception):
        cache.set(key, figures, timeout=CACHE_SECONDS)
    return figures


def _sections_mapped(sections: list[dict], *, newest_id) -> tuple[list[SectionFigures], dict[str, int]]:
    """Return the newest version's sections, and the index among them of every section of the lineage.

    An older version's section is matched by name, else by position; one that matches neither is left out.
    """
    shown = [
        SectionFigures(id=str(s["id"]), name=s["name"], order=s["order_index"])
        for s in sections
        if s["questionnaire_id"] == newest_id
    ]
    by_name = {s.name.strip().casefold(): i for i, s in enumerate(shown)}
    by_order = {s.order: i for i, s in enumerate(shown)}
    index = {}
    for s in sections:
        found = by_name.get(s["name"].strip().casefold())
        index[str(s["id"])] = found if found is not None else by_order.get(s["order_index"], _UNMAPPED)
    return shown, index


def _questions_mapped(questions, shown_sections, section_index, *, newest_id):
    """Return the newest version's questions, and (id, key, section index, kind) for every question."""
    newest_sections = {s.id for s in shown_sections}
    shown, mapping, keys_shown = [], [], {}
    for q in questions:
        key = key_of(q["metadata"]) or f"id:{q['id']}"
        kind = CHOICE_KINDS.get(q["type"], "number" if q["type"] == "NUMBER" else "other")
        section_id = str(q["section_id"])
        if section_id in newest_sections:
            shown.append(
                QuestionFigures(
                    id=str(q["id"]),
                    key=key,
                    text=q["text"],
                    type=q["type"],
                    section_id=section_id,
                    options=_option_labels(q),
                )
            )
            keys_shown[key] = section_index[section_id]
        mapping.append([str(q["id"]), key, section_index.get(section_id, _UNMAPPED), kind])
    for row in mapping:  # a question moved to another section counts in the newest version's section
        if row[1] in keys_shown:
            row[2] = keys_shown[row[1]]
    return shown, [tuple(row) for row in mapping]


def _option_labels(question: dict) -> list[tuple[str, str]]:
    """Return (answer as stored, label) in the order the page lists them: options, or a scale's steps."""
    if question["type"] == "SCALE":
        rules = question["validation_rules"] if isinstance(question["validation_rules"], dict) else {}
        low, high = rules.get("min", 1), rules.get("max", 5)
        if isinstance(low, int) and isinstance(high, int) and 0 <= high - low <= 20:
            return [(str(n), str(n)) for n in range(low, high + 1)]
        return []
    options = question["options"] if isinstance(question["options"], list) else []
    return [
        (str(o["id"]), str(o.get("label") or o["id"]))
        for o in options
        if isinstance(o, dict) and isinstance(o.get("id"), str)
    ]


def _summary_read(result: QuestionnaireAnalytics, by_status, total) -> None:
    for _, _, count, revisiting, revisits, median in total:  # one row: every session
        result.total = count
        result.revisits = int(revisits or 0)
        result.sessions_revisiting = revisiting
        result.median_completion_minutes = round(median / 60, 1) if median is not None else None
    devices: dict[str, int] = defaultdict(int)
    for status, device, count, *_ in by_status:
        result.by_status[status] = result.by_status.get(status, 0) + count
        devices[device] += count
    result.devices = [
        Bar(DEVICE_LABELS.get(device, "Not recorded" if device == "unknown" else device.title()), count)
        for device, count in sorted(devices.items(), key=lambda item: (-item[1], item[0]))
    ]


def _timeline_read(result: QuestionnaireAnalytics, rows) -> None:
    if not rows:
        return
    first, last = min(r[0] for r in rows), max(r[0] for r in rows)
    span = (last - first).days
    result.granularity = "day" if span <= 62 else "week" if span <= 7 * 52 else "month"
    periods: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, kind, count in rows:
        periods[_period_start(day, result.granularity)][kind] += count
    start, end = _period_start(first, result.granularity), _period_start(last, result.granularity)
    while start <= end:  # every period, those with nothing in them too
        counts = periods.get(start, {})
        figures = {kind: counts.get(kind, 0) for kind in ("started", "completed", "abandoned", "expired")}
        result.timeline.append(Period(start=start, label=_period_label(start, result.granularity), **figures))
        start = _period_next(start, result.granularity)


def _period_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _period_next(day: dt.date, granularity: str) -> dt.date:
    if granularity == "month":
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day + dt.timedelta(days=7 if granularity == "week" else 1)


def _period_label(day: dt.date, granularity: str) -> str:
    if granularity == "month":
        return day.strftime("%b %Y")
    if granularity == "week":
        return "w/c " + day.strftime("%-d %b %Y")
    return day.strftime("%-d %b %Y")


def _answers_read(result: QuestionnaireAnalytics, by_key: dict[str, QuestionFigures], keys: list[str], rows):
    seconds: dict[str, list[tuple[int, int]]] = defaultdict(list)
    choices: dict[str, dict[str, int]] = defaultdict(dict)
    numbers: dict[str, dict[int, int]] = defaultdict(dict)
    bounds: dict[str, tuple[float, float, float]] = {}
    for tag, idx, label, count, low, high, median in rows:
        key = keys[idx]
        if key not in by_key:
            continue
        if tag == "time":
            by_key[key].answered += count
            if label is not None and int(label) >= 0:
                seconds[key].append((int(label), count))
        elif tag == "choice":
            choices[key][label] = count
        elif tag == "number":
            numbers[key][int(label)] = count
            bounds[key] = (low, high, median)
    for key, histogram in seconds.items():
        by_key[key].median_seconds = _median(histogram)
    _choices_read(by_key, choices)
    _numbers_read(by_key, numbers, bounds)


def _median(histogram: list[tuple[int, int]]) -> float | None:
    """Return the median of (value, count) pairs, interpolated as PostgreSQL's percentile_cont(0.5)."""
    histogram = sorted(histogram)
    total = sum(count for _, count in histogram)
    if not total:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    low = high = None
    seen = 0
    for value, count in histogram:
        if low is None and low_rank < seen + count:
            low = value
        if high_rank < seen + count:
            high = value
            break
        seen += count
    return round((low + high) / 2, 1)


def _sections_read(result: QuestionnaireAnalytics, reached, timed) -> None:
    sections = result.sections
    for idx, _, count, *_ in reached:  # from sectionsAnswered, and from the responses of older sessions
        if 0 <= int(idx) < len(sections):
            sections[int(idx)].reached += count
    for idx, _, count, _, _, median in timed:
        if 0 <= int(idx) < len(sections) and median is not None:
            sections[int(idx)].median_seconds = round(median, 1)
            sections[int(idx)].timed_sessions = count


def _drop_off_read(result, by_key: dict[str, QuestionFigures], keys: dict[str, str], rows) -> None:
    for question_id, _, count, *_ in rows:
        result.stopped_total += count
        if question_id is None:
            result.stopped_before_first_answer += count
        elif keys.get(question_id) in by_key:
            by_key[keys[question_id]].stopped_here += count
        else:
            result.stopped_on_removed_questions += count


def _choices_read(by_key: dict[str, QuestionFigures], counts: dict[str, dict[str, int]]) -> None:
    for key, question in by_key.items():
        labels = question.options
        if question.type not in CHOICE_KINDS or not (labels or counts.get(key)):
            continue
        found = dict(counts.get(key, {}))
        bars = [Bar(label, found.pop(stored, 0)) for stored, label in labels]
        # Answers naming options the newest version no longer has.
        bars += [Bar(f"Other ({stored})", count) for stored, count in sorted(found.items())]
        question.distribution = bars


def _numbers_read(
    by_key, bins: dict[str, dict[int, int]], bounds: dict[str, tuple[float, float, float]]
) -> None:
    for key, (low, high, median) in bounds.items():
        question = by_key[key]
        question.number_summary = {"min": low, "median": median, "max": high}
        if high == low:
            question.distribution = [Bar(_number(low), bins[key].get(1, 0))]
            continue
        width = (high - low) / NUMBER_BINS
        question.distribution = [
            Bar(f"{_number(low + i * width)}–{_number(low + (i + 1) * width)}", bins[key].get(i + 1, 0))
            for i in range(NUMBER_BINS)
        ]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}".rstrip("0")
