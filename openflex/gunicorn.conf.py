"""Gunicorn settings shared by ``make run`` and docker-compose (same command line)."""

import os

bind = os.environ.get("OPENFLEX_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("OPENFLEX_WEB_WORKERS", "2"))
threads = int(os.environ.get("OPENFLEX_WEB_THREADS", "4"))
accesslog = "-"
graceful_timeout = 10
timeout = 60
