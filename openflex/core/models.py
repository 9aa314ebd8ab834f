from django.db import models


class JobLock(models.Model):
    """One row per periodic job: a job runs while holding its row lock (see jobs.job_lock)."""

    name = models.CharField(max_length=100, primary_key=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
