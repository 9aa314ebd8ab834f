import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # report, never raise: this is the health endpoint
        return {"status": "error", "error": type(exc).__name__}
    return {
        "status": "ok",
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _check_broker() -> dict:
    from openflex.celery import app

    started = time.perf_counter()
    transport = settings.CELERY_BROKER_URL.split(":", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"status": "error", "transport": transport, "error": type(exc).__name__}
    return {
        "status": "ok",
        "transport": transport,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
