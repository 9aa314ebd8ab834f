"""``manage.py check_services``: PostgreSQL and Redis answer, or one clear line and exit 1."""

import sys

import psycopg
import redis
from django.conf import settings
from django.core.management.base import BaseCommand

HOW_TO_START = "start them with 'docker compose up -d db redis' (see README, 'Services')"


class Command(BaseCommand):
    help = "Check that the database and Redis needed by the tests answer."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        problems = []
        if db["ENGINE"].endswith("postgresql"):
            try:
                psycopg.connect(
                    host=db.get("HOST") or "127.0.0.1",
                    port=db.get("PORT") or 5432,
                    user=db.get("USER") or "postgres",
                    password=db.get("PASSWORD") or None,
                    dbname="postgres",
                    connect_timeout=3,
                ).close()
            except psycopg.Error:
                problems.append(
                    f"PostgreSQL is not reachable at {db.get('HOST')}:{db.get('PORT') or 5432}"
                )
        redis_url = getattr(settings, "REDIS_URL", "")
        if redis_url:
            try:
                redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
            except redis.RedisError:
                problems.append(f"Redis is not reachable at {redis_url}")
        if problems:
            self.stderr.write(f"{'; '.join(problems)}: {HOW_TO_START}.")
            sys.exit(1)
        self.stdout.write("PostgreSQL and Redis are reachable.")
