"""Connections that heal (X-1): a persistent connection that PostgreSQL closed is
replaced before the next request uses it, instead of answering 500."""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections

# serialized_rollback like every transactional test here: the next one finds the data back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _get(handler: WSGIHandler, path: str) -> int:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    status = []
    response = handler(environ, lambda s, headers, exc_info=None: status.append(s))
    b"".join(response)
    response.close()  # request_finished: a persistent connection stays open
    return int(status[0].split()[0])


def test_a_request_after_the_backend_was_terminated_answers_200(settings):
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # persistent, as in production
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    handler = WSGIHandler()
    assert _get(handler, "/healthz") == 200
    stale_pid = connection.connection.info.backend_pid
    # Another session kills the backend (a restart, a failover, an administrator).
    killer = connections.create_connection("default")
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [stale_pid])
    killer.close()
    assert _get(handler, "/healthz") == 200
    assert connection.connection.info.backend_pid != stale_pid
