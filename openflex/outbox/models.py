"""The transactional outbox: every side effect that leaves a request's transaction (X-1).

An effect row is written in the same transaction as the change that causes it, so it
exists exactly when that change exists. A dispatcher hands it to the broker right after
the commit; a periodic sweep delivers whatever the broker lost or never received. The
idempotency key is unique: the same effect asked twice is one row.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class Effect(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Fait")
        FAILED = "failed", _("En échec")

    kind = models.CharField(_("type"), max_length=64)
    key = models.CharField(_("clé d'idempotence"), max_length=200, unique=True)
    payload = models.JSONField(default=dict, blank=True)
    status = FSMField(_("statut"), default=Status.PENDING, choices=Status.choices, protected=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    available_at = models.DateTimeField(_("pas avant"), default=timezone.now)
    started_at = models.DateTimeField(_("en cours depuis"), null=True, blank=True)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)

    class Meta:
        indexes = [
            # The sweep's query: due pending effects and running ones past their lease.
            models.Index(
                fields=["status", "available_at"],
                condition=Q(status__in=["pending", "running"]),
                name="effect_due",
            ),
            models.Index(fields=["kind", "-created_at"], name="effect_kind_recent"),
        ]
        verbose_name = _("effet différé")
        verbose_name_plural = _("effets différés")

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"

    # Running again from "running" is the sweep taking back an effect whose worker died.
    @transition(field=status, source=[Status.PENDING, Status.RUNNING], target=Status.RUNNING)
    def start(self) -> None:
        pass

    @transition(field=status, source=Status.RUNNING, target=Status.DONE)
    def succeed(self) -> None:
        pass

    @transition(field=status, source=Status.RUNNING, target=Status.PENDING)
    def postpone(self) -> None:
        pass

    @transition(field=status, source=Status.RUNNING, target=Status.FAILED)
    def fail(self) -> None:
        pass

    @transition(field=status, source=Status.FAILED, target=Status.PENDING)
    def requeue(self) -> None:
        pass
