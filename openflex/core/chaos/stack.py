"""The processes of the harness: its own Redis, gunicorn, a Celery worker and beat.

Every process is started in its own session (process group), so that a SIGKILL reaches
the whole of it (the worker's pool children too) and ``Stack.stop()`` leaves nothing
behind, whatever happened. Nothing here touches the machine's shared services: the
database is the harness's own (its name must contain "chaos"), Redis runs on the port
chosen by ``openflex.settings.chaos``.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings


class StackError(RuntimeError):
    pass


def database_recreate(url: str) -> str:
    """Drop and create the harness's database; refuse any name without "chaos"."""
    db = dj_database_url.parse(url)
    name = db["NAME"]
    if "chaos" not in name:
        raise StackError(f"refusing to drop {name!r}: the chaos database's name contains 'chaos'")
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _wait(predicate, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise StackError(f"{what} did not come up within {timeout:.0f} s")


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Stack:
    def __init__(self, *, workdir: Path, log):
        self.workdir = workdir
        self.log = log
        self.redis_port = int(os.environ["CHAOS_REDIS_PORT"])
        self.web_port = int(os.environ["CHAOS_WEB_PORT"])
        self.processes: dict[str, subprocess.Popen] = {}
        self.worker_starts = 0
        self.beat_restarts = 0
        self._worker_log_offset = 0
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "openflex.settings.chaos",
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    # --- process plumbing ---------------------------------------------------------------
    def _start(self, name: str, args: list[str], log_name: str | None = None):
        out = (self.workdir / f"{log_name or name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 — our own interpreter and binaries
            args,
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        self.processes[name] = process
        return process

    def _signal(self, name: str, sig: int) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def _stop(self, name: str, timeout: float = 10) -> None:
        process = self.processes.get(name)
        if process is None:
            return
        self._signal(name, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal(name, signal.SIGKILL)
            process.wait(5)
        # What the group left (a pool child that outlived its parent) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        self.processes.pop(name, None)

    def alive(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def stop(self) -> None:
        """Everything this stack started, newest first; never raises."""
        for name in reversed(list(self.processes)):
            try:
                self._stop(name)
            except Exception as exc:  # noqa: BLE001 — clean-up goes on
                self.log(f"  could not stop {name}: {exc}")

    # --- Redis ----------------------------------------------------------------------------
    def redis_start(self) -> None:
        data = self.workdir / "redis"
        data.mkdir(exist_ok=True)
        self._start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(data),
            ],
        )
        _wait(lambda: _port_answers(self.redis_port), 15, "redis-server")

    def redis_kill(self) -> None:
        """The broker disappears at once (SIGKILL): what it had not written to its
        append-only file is lost, as in a crash."""
        self._signal("redis", signal.SIGKILL)
        self.processes["redis"].wait(5)
        self.processes.pop("redis")

    # --- the application ----------------------------------------------------------------
    def web_start(self) -> None:
        self._start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "openflex.wsgi:application",
                "--config",
                "openflex/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--threads",
                "2",
                "--access-logfile",
                "-",
            ],
        )

        def answers() -> bool:
            try:
                urllib.request.urlopen(f"{self.base_url}/connexion/", timeout=2)  # noqa: S310
                return True
            except urllib.error.HTTPError:
                return True
            except OSError:
                return False

        _wait(answers, 60, "gunicorn", interval=0.5)

    def worker_start(self, wait: bool = True) -> None:
        log_path = self.workdir / "worker.log"
        self._worker_log_offset = log_path.stat().st_size if log_path.exists() else 0
        self.worker_starts += 1
        self._start(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "openflex",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                f"--hostname=chaos{self.worker_starts}@%h",
            ],
        )
        if wait:
            self.worker_wait_ready()

    def worker_wait_ready(self, timeout: float = 90) -> None:
        log_path = self.workdir / "worker.log"

        def ready() -> bool:
            if not self.alive("worker"):
                raise StackError(f"the Celery worker exited (see {log_path})")
            with log_path.open("rb") as log:
                log.seek(self._worker_log_offset)
                return b" ready." in log.read()

        _wait(ready, timeout, "the Celery worker", interval=0.25)

    def worker_kill(self) -> None:
        """SIGKILL to the worker's whole process group: parent and pool children."""
        process = self.processes.get("worker")
        if process is None:
            return
        self._signal("worker", signal.SIGKILL)
        process.wait(10)
        self.processes.pop("worker")

    def beat_start(self) -> None:
        self._start(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "openflex",
                "beat",
                "--loglevel=INFO",
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            ],
        )

    def beat_ensure(self) -> None:
        """Beat may give up while the broker is away: the harness restarts it, and says so."""
        if not self.alive("beat"):
            self.processes.pop("beat", None)
            self.beat_restarts += 1
            self.log("  beat had stopped: restarted")
            self.beat_start()
