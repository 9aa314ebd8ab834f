from django.db import models


class JobLock(models.Model):
    """One row per periodic job: a job runs while holding its row lock (see jobs.job_lock)."""

    name = models.CharField(max_length=100, primary_key=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Throttle(models.Model):
    """The recent hits of one rate limit for one key (see throttle.throttle_hit).

    The key is a keyed hash of what is counted (an email typed, a client address): the
    table keeps neither in clear. ``hits`` holds the timestamps of the window only.
    """

    scope = models.CharField(max_length=50)
    key = models.CharField(max_length=64)
    hits = models.JSONField(default=list)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="throttle_unique_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}"
