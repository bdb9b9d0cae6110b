"""The project's URLs, plus the API and the API keys page wherever config/urls.py does not include them."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

_namespaces = {getattr(pattern, "namespace", None) for pattern in project_urlpatterns}

urlpatterns = list(project_urlpatterns)
if "api" not in _namespaces:
    urlpatterns.append(path("api/v1/", include("config.api")))
if "api_keys" not in _namespaces:
    urlpatterns.append(path("account/api-keys/", include("accounts.api_key_urls")))
