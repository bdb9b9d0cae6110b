"""The project's URLs plus the health endpoints and a report-style view read from a replica."""

from django.http import HttpResponse
from django.urls import path

from accounts.models import Organization
from config.health_views import healthz, readyz
from config.ops.routers import reads_from_replica
from config.urls import urlpatterns as project_urls


@reads_from_replica
def organization_report(request):
    return HttpResponse(str(Organization.objects.count()))


urlpatterns = [
    path("healthz", healthz),
    path("readyz", readyz),
    path("ops-test/report", organization_report),
    *project_urls,
]
