"""Top-level URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sessions_app import views as session_views

urlpatterns = [
    path("", session_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sessions/", include("sessions_app.urls")),
    path("documents/", include("documents.urls")),
    path("admin/", admin.site.urls),
]
