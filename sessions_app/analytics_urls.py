"""The analytics page (/questionnaires/<id>/analytics/), for an organization's staff."""

from django.urls import path

from sessions_app import analytics_views as views

app_name = "analytics"

urlpatterns = [
    path("<uuid:questionnaire_id>/analytics/", views.questionnaire, name="questionnaire"),
]
