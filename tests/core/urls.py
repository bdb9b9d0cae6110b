"""A small URL configuration for the API error tests: one endpoint, then the JSON 404 for the rest."""

from django.http import JsonResponse
from django.urls import path, re_path

from core.api_errors import api_not_found


def _things(request):
    return JsonResponse({"things": []})


urlpatterns = [
    path("api/things/", _things),
    re_path(r"^api/.*$", api_not_found),
]
