"""`make run` starts and stops quietly (issue 13, "Rough edges"): the banner prints the
address gunicorn listens on, kombu does not warn about the filesystem broker's host, every
process logs in Django's time zone with the UTC offset, and the supervisor stops the three
processes with one SIGTERM each instead of signalling its whole process group.

The stack itself is not started here (see the measurements in the report of issue 13).
"""

import os
import re
import runpy
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "openflex" / "gunicorn.conf.py"
# A log line as every process writes it: local time of TIME_ZONE with its UTC offset.
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} [A-Z]+ \S+ ")


def _gunicorn_conf(monkeypatch, bind: str | None = None) -> dict:
    if bind is None:
        monkeypatch.delenv("OPENFLEX_BIND", raising=False)
    else:
        monkeypatch.setenv("OPENFLEX_BIND", bind)
    return runpy.run_path(str(GUNICORN_CONF))


def _run_recipe() -> str:
    text = (ROOT / "Makefile").read_text()
    return re.search(r"^run: install\n((?:\t.*\n)+)", text, re.M).group(1)


def _env(tmp_path, **extra) -> dict[str, str]:
    """A `make run` environment: base settings, debug, no Redis (filesystem broker), and
    a machine clock in UTC (the gunicorn master's, before this change)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "OPENFLEX_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="openflex.settings.base",
        DJANGO_DEBUG="1",
        OPENFLEX_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
        TZ="UTC",
    )
    env.update(extra)
    return env


def _python(code: str, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def _paris_offset() -> str:
    return datetime.now(ZoneInfo(settings.TIME_ZONE)).strftime("%z")


# --- the banner's address ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("bind", "url"),
    [
        (None, "http://127.0.0.1:8000"),
        ("127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("0.0.0.0:8000", "http://127.0.0.1:8000"),  # noqa: S104
        (":9000", "http://127.0.0.1:9000"),
        ("localhost", "http://localhost:8000"),
        ("[::]:8001", "http://[::1]:8001"),
        ("[::1]", "http://[::1]:8000"),
        ("unix:/run/openflex.sock", "unix:/run/openflex.sock"),
    ],
)
def test_banner_address_is_gunicorns_bind(monkeypatch, bind, url):
    conf = _gunicorn_conf(monkeypatch, bind)
    assert conf["bind"] == (bind or "127.0.0.1:8000")
    assert conf["site_url"]() == url


def test_makefile_banner_prints_the_bind_address():
    recipe = _run_recipe()
    assert 'run_path("openflex/gunicorn.conf.py")["site_url"]()' in recipe
    assert "127.0.0.1:8000" not in recipe


# --- the supervisor ----------------------------------------------------------------------
def test_run_signals_its_three_processes_not_its_process_group():
    """`kill 0` (and a terminal's Ctrl-C) reached Celery's pool processes, which left the
    worker hanging in its warm shutdown, and gunicorn's workers, which gunicorn then killed.
    Each process now runs in a process group of its own and gets one SIGTERM."""
    recipe = _run_recipe()
    assert "kill 0" not in recipe
    assert "set -m; $(WORKER_CMD) & $(BEAT_CMD) & $(WEB_CMD) & groups=$$(jobs -p)" in recipe
    assert "kill -TERM $$groups" in recipe
    assert "kill -KILL -- -$$g" in recipe  # what outlives RUN_STOP_TIMEOUT


# --- one time zone in every log ----------------------------------------------------------
def test_gunicorn_logs_with_djangos_formatter(monkeypatch):
    conf = _gunicorn_conf(monkeypatch)
    logconfig = conf["logconfig_dict"]
    formatter = settings.LOGGING["formatters"]["plain"]
    assert "%z" in formatter["datefmt"]
    assert conf["TIME_ZONE"] == settings.TIME_ZONE
    assert logconfig["formatters"]["plain"] == formatter
    assert logconfig["handlers"]["console"]["formatter"] == "plain"
    for name in ("gunicorn.error", "gunicorn.access"):
        assert logconfig["loggers"][name]["handlers"] == ["console"]
    # The access line carries no time of its own: the formatter's leads it.
    assert "%(t)s" not in conf["access_log_format"]


def test_gunicorn_master_logs_in_djangos_time_zone(tmp_path):
    """The master never loads Django: its configuration sets its TZ to TIME_ZONE, as
    Django does in the workers (it logged in UTC before), and imports nothing of the
    project (a configuration reload must not keep old project modules in the master)."""
    result = _python(
        "import runpy, sys, time; runpy.run_path('openflex/gunicorn.conf.py');"
        " assert not {'django.conf', 'openflex'} & set(sys.modules), sys.modules;"
        " print(time.strftime('%z'))",
        _env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == _paris_offset()


def test_celery_logs_through_djangos_logging_without_kombu_warnings(tmp_path):
    """Worker and beat configure logging from settings.LOGGING (Django's format, time zone
    and offset), and the filesystem broker's URL names a host, so kombu does not warn
    "No hostname was supplied" at each connection (four times per `make run`)."""
    code = """
import logging
from openflex.celery import app
assert app.conf.broker_url.startswith("filesystem://"), app.conf.broker_url
app.log.setup_logging_subsystem(loglevel="INFO")
with app.connection_for_write() as conn:
    conn.connect()
    conn.clone().as_uri()
app.connection_for_read()._info()
logging.getLogger("celery.apps.worker").info("celery@test ready.")
"""
    result = _python(code, _env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "No hostname was supplied" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].endswith("INFO celery.apps.worker celery@test ready."), lines
    assert LOG_LINE.match(lines[-1]), lines[-1]
    assert lines[-1][19:24] == _paris_offset()
