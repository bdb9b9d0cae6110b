from django.urls import path

from sessions_app import reminder_views, views

app_name = "sessions_app"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("start/<uuid:questionnaire_id>/", views.session_start, name="start"),
    path("<uuid:session_id>/", views.session_resume, name="resume"),
    path("<uuid:session_id>/sections/<uuid:section_id>/", views.section, name="section"),
    path("<uuid:session_id>/questions/<uuid:question_id>/answer/", views.answer, name="answer"),
    path("<uuid:session_id>/review/", views.review, name="review"),
    path("<uuid:session_id>/email-link/", reminder_views.email_link, name="email_link"),
    path("<uuid:session_id>/complete/", views.complete, name="complete"),
    path("<uuid:session_id>/changes/<uuid:request_id>/", views.changes, name="changes"),
    path(
        "<uuid:session_id>/files/<uuid:question_id>/<str:token>/<str:name>", views.uploaded_file, name="file"
    ),
]
