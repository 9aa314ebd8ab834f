"""Tracking numbers and the calls they receive (L-3).

A tracking number (numéro traceur) belongs to a point of sale; for missed calls and for
connected calls separately it says whether a call creates a task, with which status
(Nouveau / Suivi) and which state (Ouverte / Terminée). A call is a fact reported by the
telephony provider: written once by the webhook, never changed (append-only, like an
event row); what it did to a task is written in the task's history (``LeadTaskEvent``).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leads.inbox.models import LeadStatus, LeadTag, LeadTask
from leads.intake.models import LeadSource


class TaskStatusChoice(models.TextChoices):
    NEW = LeadStatus.NEW, _("Nouveau")
    FOLLOW_UP = LeadStatus.FOLLOW_UP, _("Suivi")


class TaskStateChoice(models.TextChoices):
    OPEN = LeadTask.State.OPEN.value, _("Ouverte")
    DONE = LeadTask.State.DONE.value, _("Terminée")


class TrackingNumber(models.Model):
    """A phone number bought or configured for a point of sale (L-3)."""

    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.PROTECT,
        related_name="tracking_numbers",
    )
    number = models.CharField(_("numéro"), max_length=20, unique=True, help_text=_("E.164"))
    label = models.CharField(_("libellé"), max_length=80)
    # The source of the tasks its calls create; empty: the source of the provider's key.
    source = models.ForeignKey(
        LeadSource,
        verbose_name=_("source des tâches"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tracking_numbers",
    )
    tags = models.ManyToManyField(
        LeadTag, verbose_name=_("étiquettes des tâches"), blank=True, related_name="+"
    )
    missed_creates_task = models.BooleanField(_("appel manqué : créer une tâche"), default=True)
    missed_task_status = models.CharField(
        _("appel manqué : statut de la tâche"),
        max_length=30,
        choices=TaskStatusChoice.choices,
        default=TaskStatusChoice.NEW,
    )
    missed_task_state = models.CharField(
        _("appel manqué : état de la tâche"),
        max_length=10,
        choices=TaskStateChoice.choices,
        default=TaskStateChoice.OPEN,
    )
    connected_creates_task = models.BooleanField(
        _("appel connecté : créer une tâche"), default=False
    )
    connected_task_status = models.CharField(
        _("appel connecté : statut de la tâche"),
        max_length=30,
        choices=TaskStatusChoice.choices,
        default=TaskStatusChoice.FOLLOW_UP,
    )
    connected_task_state = models.CharField(
        _("appel connecté : état de la tâche"),
        max_length=10,
        choices=TaskStateChoice.choices,
        default=TaskStateChoice.DONE,
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        ordering = ["point_of_sale__name", "label", "pk"]
        verbose_name = _("numéro traceur")
        verbose_name_plural = _("numéros traceurs")

    def __str__(self) -> str:
        return f"{self.label} ({self.number})"

    def task_settings(self, *, answered: bool) -> tuple[bool, str, str]:
        """(create a task?, status code, state) for a connected or a missed call."""
        if answered:
            return (
                self.connected_creates_task,
                self.connected_task_status,
                self.connected_task_state,
            )
        return self.missed_creates_task, self.missed_task_status, self.missed_task_state


class Call(models.Model):
    """One call to a tracking number, as the provider reported it (append-only)."""

    class TaskLink(models.TextChoices):
        NONE = "", _("Aucune")
        CREATED = "created", _("Tâche créée")
        JOINED = "joined", _("Ajouté à la tâche ouverte")

    # The source whose API key reported it: the provider's ids are unique per source.
    source = models.ForeignKey(
        LeadSource, verbose_name=_("fournisseur"), on_delete=models.PROTECT, related_name="+"
    )
    provider_call_id = models.CharField(_("identifiant chez le fournisseur"), max_length=100)
    tracking_number = models.ForeignKey(
        TrackingNumber,
        verbose_name=_("numéro traceur"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    # The number's point of sale when the call came (the lists and statistics filter on it).
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    caller = models.CharField(_("appelant"), max_length=20, blank=True, help_text=_("E.164"))
    started_at = models.DateTimeField(_("début"))
    duration_seconds = models.PositiveIntegerField(_("durée (secondes)"), default=0)
    answered = models.BooleanField(_("décroché"))
    summary = models.TextField(_("résumé"), blank=True, max_length=5000)
    task = models.ForeignKey(
        LeadTask,
        verbose_name=_("tâche"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    task_link = models.CharField(
        _("effet sur les tâches"), max_length=8, choices=TaskLink.choices, blank=True
    )
    customer = models.ForeignKey(
        "opportunities.Customer",
        verbose_name=_("client reconnu"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("appel")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "provider_call_id"], name="call_source_provider_id"
            )
        ]
        indexes = [
            # The "Appels manqués" / "Appels connectés" tables and the statistics.
            models.Index(
                fields=["point_of_sale", "answered", "-started_at", "-id"], name="call_pos"
            ),
            models.Index(fields=["answered", "-started_at", "-id"], name="call_answered"),
            # A number's history and its statistics over a period.
            models.Index(fields=["tracking_number", "-started_at", "-id"], name="call_number"),
            models.Index(fields=["task"], condition=Q(task__isnull=False), name="call_task"),
        ]

    def __str__(self) -> str:
        return f"Appel {self.provider_call_id}"

    @property
    def duration_display(self) -> str:
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
