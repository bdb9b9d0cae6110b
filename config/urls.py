"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from config.help import help_view
from sessions_app import views as session_views

urlpatterns = [
    path("", session_views.home, name="home"),
    path("", include("accounts.urls")),  # login/, login/mfa/, logout/, password-reset/, reset/…, account/…
    path("sessions/", include("sessions_app.urls")),
    path("invitations/", include("sessions_app.invitation_urls")),
    path("", include("sessions_app.export_urls")),  # questionnaires/<id>/exports/, exports/<id>/download/
    path("questionnaires/", include("sessions_app.analytics_urls")),
    path("documents/", include("documents.urls")),
    path("api/v1/", include("config.api")),
    path("account/api-keys/", include("accounts.api_key_urls")),
    # The authors' guides, staff only (and, under /admin/, behind the second factor like the rest).
    path("admin/help/<slug:slug>/", admin.site.admin_view(help_view), name="admin_help"),
    path("admin/", admin.site.urls),
]
