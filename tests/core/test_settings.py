"""Production settings refuse to start without a secret; check --deploy is clean; seed_demo."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from openflex.accounts.demo import DEMO_PASSWORD, demo_email
from openflex.accounts.models import (
    DealerGroup,
    Entity,
    PhysicalSite,
    PointOfSale,
    User,
    UserGroup,
    UserGroupType,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path, **extra) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "OPENFLEX_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="openflex.settings.production",
        OPENFLEX_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def _run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("debug", [None, "0", "1"])
def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path, debug):
    extra = {} if debug is None else {"DJANGO_DEBUG": debug}
    result = _run(["-c", "import django; django.setup()"], _env(tmp_path, **extra))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_base_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="openflex.settings.base", DJANGO_DEBUG="0")
    result = _run(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = _env(
        tmp_path,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.com",
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_secure(tmp_path):
    env = _env(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS)"
    )
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "[]"]


@pytest.mark.parametrize("module", ["openflex.settings.production", "openflex.settings.base"])
def test_var_is_created_whatever_the_configuration(tmp_path, module):
    """Security finding (#12): beat writes its schedule under var/ — it must exist on a
    first start even when the database and the broker are servers."""
    var = tmp_path / "missing" / "var"
    env = _env(
        tmp_path,
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        REDIS_URL="redis://127.0.0.1:1/0",
        OPENFLEX_VAR_DIR=str(var),
    )
    code = (
        "import django; django.setup(); from pathlib import Path; "
        "from django.conf import settings as s; "
        "print(Path(s.CELERY_BEAT_SCHEDULE_FILENAME).parent.is_dir())"
    )
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]
    assert var.is_dir()


@pytest.mark.parametrize(
    ("module", "value", "expected"),
    [
        ("openflex.settings.production", None, "1"),
        ("openflex.settings.production", "2", "2"),
        ("openflex.settings.base", None, "0"),
    ],
)
def test_trusted_proxies_come_from_the_environment(tmp_path, module, value, expected):
    """The login lockout and the reset throttle read the client's address behind this
    many proxies: one TLS proxy in production unless told otherwise."""
    extra = {} if value is None else {"OPENFLEX_TRUSTED_PROXIES": value}
    env = _env(
        tmp_path,
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        **extra,
    )
    code = "from django.conf import settings as s; print(s.OPENFLEX_TRUSTED_PROXIES)"
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [expected]


def _counts() -> dict[str, int]:
    return {
        "groups": DealerGroup.objects.count(),
        "entities": Entity.objects.count(),
        "points_of_sale": PointOfSale.objects.count(),
        "sites": PhysicalSite.objects.count(),
        "users": User.objects.count(),
        "user_groups": UserGroup.objects.count(),
    }


def test_seed_demo_is_idempotent_and_creates_the_demo_group():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert first == {
        "groups": 1,
        "entities": 2,
        "points_of_sale": 4,
        "sites": 8,
        "users": 7,
        "user_groups": 7,
    }
    for pos in PointOfSale.objects.all():
        assert pos.physical_sites.count() == 2
        assert pos.transfer_manager is not None

    for group_type in UserGroupType.values:
        user = User.objects.get(email=demo_email(group_type))
        assert user.email == f"{group_type}@demo.openflex.test"
        assert user.check_password(DEMO_PASSWORD)
        types = set(user.groups.values_list("usergroup__type", flat=True))
        assert types == {group_type}
    admin = User.objects.get(email="admin@demo.openflex.test")
    assert admin.has_perm("accounts.manage_accounts")
    assert not User.objects.get(email="directeur@demo.openflex.test").has_perm(
        "accounts.manage_accounts"
    )
    assert User.objects.get(email="vendeur@demo.openflex.test").has_perm("accounts.access_vn")


def test_demo_users_can_log_in(client):
    call_command("seed_demo", stdout=io.StringIO())
    response = client.post(
        "/connexion/",
        {"username": "chef-des-ventes@demo.openflex.test", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert "Bonjour Sophie" in client.get("/").content.decode()


def test_every_periodic_job_is_a_task_that_workers_register(settings):
    """X-1: each beat entry names a task the worker knows (a forgotten import would make
    beat send messages that no worker can run)."""
    from openflex.celery import app

    app.loader.import_default_modules()
    missing = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    }
    assert not missing
    assert {
        "opportunities-cancel-inactive",
        "opportunities-neglect-scan",
        "opportunities-reservations-expire",
        "opportunities-financing-refresh",
    } <= set(settings.CELERY_BEAT_SCHEDULE)
