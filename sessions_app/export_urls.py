"""Response export pages: a questionnaire's exports (start one, follow its progress) and their downloads."""

from django.urls import path

from sessions_app import export_views as views

app_name = "exports"

urlpatterns = [
    path("questionnaires/<uuid:questionnaire_id>/exports/", views.export_page, name="page"),
    path("questionnaires/<uuid:questionnaire_id>/exports/list/", views.export_list, name="list"),
    path("exports/<uuid:export_id>/download/", views.export_download, name="download"),
]
