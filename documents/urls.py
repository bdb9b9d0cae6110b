from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("<uuid:document_id>/", views.detail, name="detail"),
    path("<uuid:document_id>/approve/", views.approve, name="approve"),
    path("<uuid:document_id>/reject/", views.reject, name="reject"),
    path("<uuid:document_id>/assign/", views.assign, name="assign"),
    path("<uuid:document_id>/regenerate/", views.regenerate, name="regenerate"),
    path("<uuid:document_id>/retry/", views.retry, name="retry"),
    path("<uuid:document_id>/file/", views.download, name="file"),
    path("sessions/<uuid:session_id>/", views.session_panel, name="session_panel"),
]
