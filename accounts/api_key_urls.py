"""URLs of the API keys settings page (included at /account/api-keys/)."""

from django.urls import path

from accounts import api_key_views

app_name = "api_keys"

urlpatterns = [
    path("", api_key_views.api_keys, name="list"),
    path("<uuid:api_key_id>/revoke/", api_key_views.api_key_revoke_view, name="revoke"),
]
