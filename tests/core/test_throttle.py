"""Rate limits counted in the database (password reset, security finding #12)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openflex.core import throttle
from openflex.core.models import Throttle

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _hit(value="a@example.test", limit=3):
    return throttle.throttle_hit(scope="test", value=value, limit=limit, window=HOUR)


def test_hits_are_counted_per_value_up_to_the_limit():
    assert [_hit() for _ in range(4)] == [True, True, True, False]
    assert _hit("b@example.test")
    row = Throttle.objects.get(key=throttle._key("test", "a@example.test"))
    assert len(row.hits) == 3  # a refused hit is not counted
    assert "a@example.test" not in str(Throttle.objects.values_list("key", flat=True))


def test_the_window_slides(monkeypatch):
    start = timezone.now()
    monkeypatch.setattr(throttle.timezone, "now", lambda: start)
    assert [_hit(limit=2) for _ in range(3)] == [True, True, False]
    monkeypatch.setattr(throttle.timezone, "now", lambda: start + HOUR + timedelta(seconds=1))
    assert _hit(limit=2)


def test_the_purge_forgets_rows_out_of_their_window(monkeypatch):
    _hit("old@example.test")
    later = timezone.now() + HOUR + timedelta(minutes=1)
    monkeypatch.setattr(throttle.timezone, "now", lambda: later)
    _hit("recent@example.test")

    assert throttle.throttles_purge() == 1
    assert list(Throttle.objects.values_list("key", flat=True)) == [
        throttle._key("test", "recent@example.test")
    ]
