"""Endpoints for load balancers and orchestrators: /healthz (liveness) and /readyz (readiness).

/healthz answers as long as the process can serve a request and touches nothing else, so a database
outage never gets every web process restarted. /readyz probes PostgreSQL, Redis, the file storage and
the Celery broker and answers 503 when one fails, so the balancer stops sending traffic here.
Neither reads the session or the user: no database query for a liveness probe.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.ops.health import readiness

SERVICE_UNAVAILABLE = 503


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """Probe every dependency, or those named in ?checks=database,storage."""
    names = [name for name in request.GET.get("checks", "").split(",") if name]
    checks = readiness(names or None)
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else SERVICE_UNAVAILABLE,
    )


class HealthEndpointsMiddleware:
    """Answer /healthz and /readyz before any other middleware runs.

    Put it first in MIDDLEWARE: a balancer's probe then needs no allowed Host header (it often sends
    the instance's IP), is never redirected to HTTPS, and starts no session, tenant scope or audit
    context, so liveness depends on nothing but the process.
    """

    views = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.views.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
