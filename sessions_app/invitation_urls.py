"""Invitation pages (/invitations/): staff's list, new, upload, resend and revoke; the client's link."""

from django.urls import path

from sessions_app import invitation_views as views

app_name = "invitations"

urlpatterns = [
    path("", views.invitation_list, name="list"),
    path("new/", views.invitation_new, name="new"),
    path("upload/", views.invitation_upload, name="upload"),
    path("<uuid:invitation_id>/resend/", views.invitation_resend, name="resend"),
    path("<uuid:invitation_id>/revoke/", views.invitation_revoke, name="revoke"),
    path("accept/<str:token>/", views.invitation_accept, name="accept"),
]
