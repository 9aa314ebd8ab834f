"""Uploaded files go through the storage API: production picks S3 by configuration (#12)."""

import json
import secrets

import pytest

from tests.core.test_settings import _env, _run

PRINT_DEFAULT_STORAGE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.STORAGES['default']))"
)


def _production(tmp_path, **extra):
    return _env(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **extra)


def test_files_stay_on_the_filesystem_by_default(tmp_path):
    result = _run(["-c", PRINT_DEFAULT_STORAGE], _production(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["BACKEND"].endswith("FileSystemStorage")


def test_s3_by_configuration_with_a_private_bucket(tmp_path):
    env = _production(
        tmp_path,
        OPENFLEX_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="openflex-photos",
        AWS_S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
    )
    result = _run(["-c", PRINT_DEFAULT_STORAGE], env)
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "openflex-photos"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["file_overwrite"] is False


@pytest.mark.parametrize(
    "extra", [{"OPENFLEX_MEDIA_STORAGE": "s3"}, {"OPENFLEX_MEDIA_STORAGE": "ftp"}]
)
def test_an_incomplete_storage_configuration_refuses_to_start(tmp_path, extra):
    result = _run(["-c", PRINT_DEFAULT_STORAGE], _production(tmp_path, **extra))
    assert result.returncode != 0
    assert "OPENFLEX_MEDIA_STORAGE" in result.stderr
