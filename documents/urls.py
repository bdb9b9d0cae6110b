from django.urls import path

from documents import review_views, views

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
    path("<uuid:document_id>/comment/", review_views.comment, name="comment"),
    path("<uuid:document_id>/amend/", review_views.amend, name="amend"),
    path("<uuid:document_id>/request-changes/", review_views.request_changes, name="request_changes"),
    path("<uuid:document_id>/withdraw-changes/", review_views.withdraw_changes, name="withdraw_changes"),
    path("<uuid:document_id>/compare/", review_views.compare, name="compare"),
    path("sessions/<uuid:session_id>/", views.session_panel, name="session_panel"),
]
