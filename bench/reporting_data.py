"""Sessions in bulk for the reporting benchmark: one questionnaire of 50 questions, N sessions answered.

The sessions and their answers are made by PostgreSQL itself (INSERT … SELECT over generate_series):
500,000 answers through the ORM would take longer than the benchmark. The answers are shaped per type
as the client's pages store them (questionnaires/types.py), every question is visible to every session
(adaptive_state.activeQuestionIds), and statuses, dates, industries, devices, time per section and the
question where a client stopped are spread as in a real organization's quarter.
"""

from __future__ import annotations

import json
import uuid

# Ten questions of each kind the analytics page draws, over five sections of ten.
KINDS = ("SINGLE_CHOICE", "MULTIPLE_CHOICE", "SCALE", "NUMBER", "TEXT")
SECTIONS = 5
PER_SECTION = 10
CLIENTS = 1000


def questionnaire_make(*, organization, actor):
    """Return a published questionnaire of 50 questions (5 sections of 10, all five kinds in each)."""
    from django.utils import timezone

    from questionnaires.models import Question, Questionnaire, Section

    questionnaire = Questionnaire.objects.create(
        name="Reporting benchmark",
        organization=organization,
        industry="technology",
        published_at=timezone.now(),
        is_active=True,
        created_by=actor,
    )
    for s in range(SECTIONS):
        section = Section.objects.create(
            questionnaire=questionnaire, name=f"Section {s + 1}", order_index=s + 1
        )
        for q in range(PER_SECTION):
            kind = KINDS[q % len(KINDS)]
            options = None
            if kind in ("SINGLE_CHOICE", "MULTIPLE_CHOICE"):
                options = [{"id": str(uuid.uuid4()), "label": f"Option {o + 1}"} for o in range(5)]
            Question.objects.create(
                section=section,
                text=f"Question {s + 1}.{q + 1} ({kind.lower()})",
                type=kind,
                order_index=q + 1,
                options=options,
                validation_rules={"min": 1, "max": 10} if kind == "SCALE" else None,
                metadata={"key": f"q_{s + 1}_{q + 1}"},
            )
    return questionnaire


def clients_make(*, organization, count: int = CLIENTS) -> None:
    from accounts.models import User

    User.objects.bulk_create(
        [
            User(email=f"bench-client-{n}@reporting.example", organization=organization, password="!")
            for n in range(count)
        ],
        batch_size=1000,
    )


SESSIONS_SQL = """
INSERT INTO sessions (id, user_id, questionnaire_id, questionnaire_version, status, industry, progress,
                      adaptive_state, metadata, analytics, started_at, last_activity_at, completed_at,
                      expires_at, created_at, updated_at)
SELECT gen_random_uuid(), clients.ids[1 + (n %% array_length(clients.ids, 1))], %(questionnaire)s, 1,
       (ARRAY['COMPLETED','COMPLETED','COMPLETED','IN_PROGRESS','ABANDONED','EXPIRED'])[1 + n %% 6],
       (ARRAY['technology','healthcare','retail'])[1 + n %% 3],
       '{"percentage": 100, "answered": 50, "total": 50}'::jsonb,
       jsonb_build_object('activeQuestionIds', %(active)s::jsonb),
       '{}'::jsonb,
       jsonb_build_object(
           'deviceType', (ARRAY['desktop','mobile','tablet'])[1 + n %% 3],
           'revisits', n %% 4,
           'sectionSeconds', %(section_seconds)s::jsonb,
           'sectionsSeen', %(sections_json)s::jsonb,
           'sectionsAnswered', %(sections_json)s::jsonb,
           'lastQuestionId', (%(questions)s::text[])[1 + (n * 7) %% 50],
           'lastSectionId', (%(sections)s::text[])[1 + (n %% 5)]),
       started, started + interval '40 minutes',
       CASE WHEN n %% 6 < 3 THEN started + interval '40 minutes' END,
       started + interval '30 days', started, started
FROM generate_series(%(first)s, %(last)s) AS n,
     LATERAL (SELECT now() - (n %% 90) * interval '1 day' - (n %% 1440) * interval '1 minute' AS started) s,
     (SELECT array_agg(id) AS ids FROM users WHERE email LIKE 'bench-client-%%@reporting.example') clients
"""

# One answer per question and session, in the stored shape of its type.
RESPONSES_SQL = """
INSERT INTO responses (id, session_id, question_id, value, is_valid, time_spent_seconds, revision,
                       answered_at, updated_at, created_at)
SELECT gen_random_uuid(), s.id, q.id,
       CASE q.type
         WHEN 'SINGLE_CHOICE' THEN jsonb_build_object('selectedOptionId', q.options->(h %% 5)->>'id')
         WHEN 'MULTIPLE_CHOICE' THEN jsonb_build_object('selectedOptionIds', jsonb_build_array(
              q.options->(h %% 5)->>'id', q.options->((h + 2) %% 5)->>'id'))
         WHEN 'SCALE' THEN jsonb_build_object('rating', 1 + h %% 10)
         WHEN 'NUMBER' THEN jsonb_build_object('number', h %% 1000)
         ELSE jsonb_build_object('text', 'An answer of ' || (h %% 100))
       END,
       true, 5 + h %% 120, 1, s.started_at, s.started_at, s.started_at
FROM sessions s
JOIN questions q ON q.section_id IN (SELECT id FROM sections WHERE questionnaire_id = %(questionnaire)s),
     LATERAL (SELECT abs(hashtext(s.id::text || q.id::text)) AS h) hashed
WHERE s.questionnaire_id = %(questionnaire)s
  AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.session_id = s.id)
"""


def sessions_make(*, questionnaire, count: int, first: int = 0) -> None:
    """Add ``count`` sessions (numbered from ``first``) with an answer to every question."""
    from django.db import connection

    from questionnaires.models import Question, Section

    questions = [
        str(q)
        for q in Question.objects.filter(section__questionnaire=questionnaire)
        .order_by("section__order_index", "order_index")
        .values_list("id", flat=True)
    ]
    sections = [
        str(s)
        for s in Section.objects.filter(questionnaire=questionnaire)
        .order_by("order_index")
        .values_list("id", flat=True)
    ]
    params = {
        "questionnaire": questionnaire.pk,
        "active": json.dumps(questions),
        "section_seconds": json.dumps({section: 120 + 30 * i for i, section in enumerate(sections)}),
        "questions": questions,
        "sections": sections,
        "sections_json": json.dumps(sections),
        "first": first,
        "last": first + count - 1,
    }
    with connection.cursor() as cursor:
        cursor.execute(SESSIONS_SQL, params)
        cursor.execute(RESPONSES_SQL, {"questionnaire": questionnaire.pk})
        # As autovacuum leaves a live database: statistics, and rows marked visible. Without the vacuum the
        # first read of freshly inserted rows writes their hint bits and times the bulk load, not the page.
        for table in ("users", "sessions", "responses"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
