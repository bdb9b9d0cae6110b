"""The analytics page of a questionnaire (docs/analytics.md): staff of an organization, its sessions only.

An interface: it reads the filters, asks sessions_app.analytics for the figures (from a replica when
one is configured) and lays out the charts (sessions_app.analytics_charts); the template draws them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.replicas import reads_from_replica
from sessions_app import analytics
from sessions_app.analytics_charts import bar_chart, line_chart
from sessions_app.analytics_forms import AnalyticsFilterForm
from sessions_app.invitation_selectors import may
from sessions_app.invitation_views import staff_view

PERMISSION = "sessions_app.view_session"
_TIMELINE = (
    ("Started", "started", "line-started"),
    ("Completed", "completed", "line-completed"),
    ("Abandoned", "abandoned", "line-abandoned"),
    ("Expired", "expired", "line-expired"),
)


@staff_view(None)
@require_http_methods(["GET"])
@reads_from_replica
def questionnaire(request, questionnaire_id):
    organization = request.user.organization
    # Another organization's questionnaire is a 404 before a missing permission is a 403.
    questionnaire = analytics.questionnaire_for_staff(
        organization=organization, questionnaire_id=questionnaire_id
    )
    if not may(request.user, PERMISSION):
        raise PermissionDenied
    form = AnalyticsFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters() if form.is_bound and valid else analytics.Filters()
    figures = analytics.questionnaire_analytics_cached(
        questionnaire=questionnaire, organization=organization, filters=filters
    )
    form.choices_set(versions=figures.versions, industries=figures.industries)
    context = {"figures": figures, "form": form, "refused": bool(form.errors), "filtered": filters.any}
    if figures.total and not form.errors:
        context.update(_charts(figures))
    return render(request, "sessions_app/analytics.html", context)


def _charts(figures: analytics.QuestionnaireAnalytics) -> dict:
    timeline = figures.timeline
    sections = {section.id: {"section": section, "questions": []} for section in figures.sections}
    for question in figures.questions:
        bars = [(bar.label, bar.count) for bar in question.distribution]
        chart = bar_chart(bars, total=question.answered) if bars else None
        sections[question.section_id]["questions"].append({"question": question, "chart": chart})
    stopped = [(q.text, q.stopped_here) for q in figures.questions if q.stopped_here]
    if figures.stopped_before_first_answer:
        stopped.insert(0, ("Before the first answer", figures.stopped_before_first_answer))
    if figures.stopped_on_removed_questions:
        removed = figures.stopped_on_removed_questions
        stopped.append(("On questions the newest version no longer has", removed))
    funnel = bar_chart([(s.name, s.reached) for s in figures.sections], total=figures.total)
    return {
        "status_chart": bar_chart(
            [(label, figures.by_status.get(value, 0)) for value, label in analytics.SessionStatus.choices],
            total=figures.total,
        ),
        "timeline_chart": line_chart(
            [period.label for period in timeline],
            [(name, css, [getattr(period, attr) for period in timeline]) for name, attr, css in _TIMELINE],
        ),
        "device_chart": bar_chart([(bar.label, bar.count) for bar in figures.devices], total=figures.total),
        "funnel_chart": funnel,
        "funnel_rows": list(zip(funnel.rows, figures.sections, strict=True)),
        "drop_off_chart": bar_chart(stopped, total=figures.stopped_total) if stopped else None,
        "question_sections": list(sections.values()),
    }
