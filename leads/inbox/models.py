"""The leads' inbox (L-1, L-2, L-7): tasks of a point of sale with their tags, status,
state, contact, reminders before neglect, history; per point of sale settings and the
users assigned to each lead type.

The state (Ouverte / Terminée) is a protected FSM field; the status is a row of an
editable list (``LeadStatus``) whose flags say whether it counts as handled or as an
appointment — both pause the reminders (``services.task_is_handled``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from leads.inbox import rights
from leads.intake.models import LeadSource


class LeadTag(models.Model):
    """VN VO VD APV (lead types), Particulier / Professionnel, VP / VU, and the
    administrators' own tags."""

    class Group(models.TextChoices):
        TYPE = "type", _("Type de lead")
        CUSTOMER = "client", _("Type de client")
        VEHICLE = "vehicule", _("Type de véhicule")
        OTHER = "autre", _("Autre")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("libellé"), max_length=60)
    group = models.CharField(
        _("famille"), max_length=10, choices=Group.choices, default=Group.OTHER
    )
    is_system = models.BooleanField(default=False, editable=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=100)

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("étiquette de lead")

    def __str__(self) -> str:
        return self.name


class LeadStatus(models.Model):
    """An editable status of the tasks: Nouveau, Suivi, Rendez-vous pris, Converti, Sans
    suite … ``counts_as_handled`` and ``is_appointment`` pause the reminders (L-2)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("libellé"), max_length=60)
    position = models.PositiveSmallIntegerField(_("ordre"), default=100)
    counts_as_handled = models.BooleanField(_("compte comme traitée"), default=False)
    is_appointment = models.BooleanField(_("rendez-vous pris"), default=False)
    is_active = models.BooleanField(_("proposé"), default=True)

    NEW = "nouveau"
    FOLLOW_UP = "suivi"
    APPOINTMENT = "rendez-vous"
    CONVERTED = "converti"
    DROPPED = "sans-suite"

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("statut de lead")
        verbose_name_plural = _("statuts de leads")

    def __str__(self) -> str:
        return self.name

    @property
    def pauses_reminders(self) -> bool:
        return self.counts_as_handled or self.is_appointment


class LeadSettings(models.Model):
    """Per point of sale (Paramètres du point de vente > Leads entrants > Durée de vie)."""

    point_of_sale = models.OneToOneField(
        "accounts.PointOfSale", on_delete=models.CASCADE, related_name="lead_settings"
    )
    lifetime_minutes = models.PositiveIntegerField(
        _("durée de vie (minutes)"),
        default=240,
        validators=[MinValueValidator(5), MaxValueValidator(60 * 24 * 90)],
    )
    reminders_enabled = models.BooleanField(
        _("activer le rappel avant entrée en souffrance"), default=True
    )
    reminder_count = models.PositiveSmallIntegerField(
        _("nombre de rappels"), choices=[(1, "1"), (2, "2")], default=1
    )

    class Meta:
        verbose_name = _("paramètres des leads entrants")

    def __str__(self) -> str:
        return str(self.point_of_sale)


class LeadAssignment(models.Model):
    """A user assigned to a lead type (VN, VO, VD, APV) at a point of sale: he receives the
    reminders of the tasks that nobody took (L-2)."""

    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale", on_delete=models.CASCADE, related_name="lead_assignments"
    )
    lead_type = models.ForeignKey(
        LeadTag,
        verbose_name=_("type de lead"),
        on_delete=models.CASCADE,
        related_name="assignments",
        limit_choices_to={"group": LeadTag.Group.TYPE},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lead_assignments"
    )

    class Meta:
        verbose_name = _("affectation des leads")
        constraints = [
            models.UniqueConstraint(
                fields=["point_of_sale", "lead_type", "user"], name="lead_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead_type} — {self.user}"


class LeadTask(FSMModelMixin, models.Model):
    """A lead (tâche) of a point of sale."""

    class State(models.TextChoices):
        OPEN = "ouverte", _("Ouverte")
        DONE = "terminee", _("Terminée")

    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.PROTECT,
        related_name="lead_tasks",
    )
    source = models.ForeignKey(
        LeadSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="tasks"
    )
    external_id = models.CharField(_("identifiant chez la source"), max_length=100, blank=True)
    tags = models.ManyToManyField(LeadTag, verbose_name=_("étiquettes"), blank=True)
    status = models.ForeignKey(
        LeadStatus, verbose_name=_("statut"), on_delete=models.PROTECT, related_name="tasks"
    )
    state = FSMField(
        _("état"), max_length=10, choices=State.choices, default=State.OPEN, protected=True
    )
    civility = models.CharField(
        _("civilité"), max_length=4, choices=[("M.", "M."), ("Mme", "Mme")], blank=True
    )
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    email = models.EmailField(_("email"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, help_text=_("E.164"))
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        verbose_name=_("véhicule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_tasks",
    )
    vehicle_reference = models.CharField(_("véhicule demandé"), max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True, max_length=5000)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pris par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_tasks",
    )
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    first_action_at = models.DateTimeField(_("première action"), null=True, blank=True)
    last_action_at = models.DateTimeField(_("dernière action"), null=True, blank=True)
    handled_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    # received_at + the point of sale's lifetime, fixed at creation.
    lifetime_ends_at = models.DateTimeField(_("fin de la durée de vie"), null=True, blank=True)
    # Past this moment an open, unhandled task is "en souffrance" (L-2); null while the
    # task is handled or has an appointment (the lifetime is paused with the reminders).
    neglect_due_at = models.DateTimeField(_("en souffrance à partir de"), null=True, blank=True)
    neglected_at = models.DateTimeField(_("entrée en souffrance le"), null=True, blank=True)
    # The reminders before neglect, computed at creation from the point of sale's
    # settings: 1 at 50 % of the lifetime, 2 at one third and two thirds.
    reminder1_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder2_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    # The next reminder the scan sends; null when none is left or reminders are paused.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunité"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_tasks",
    )
    converted_at = models.DateTimeField(_("convertie le"), null=True, blank=True)
    # Lower-cased "names email digits-of-mobile" for the search box.
    search_text = models.CharField(max_length=300, editable=False, default="")

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("tâche (lead)")
        verbose_name_plural = _("tâches (leads)")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="lead_task_source_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["point_of_sale", "-received_at", "-id"], name="lead_pos_received"),
            models.Index(fields=["-received_at", "-id"], name="lead_received"),
            models.Index(fields=["-last_action_at", "-id"], name="lead_last_action"),
            models.Index(fields=["state", "-received_at"], name="lead_state"),
            models.Index(fields=["status", "-received_at"], name="lead_status"),
            models.Index(fields=["source", "-received_at"], name="lead_source"),
            models.Index(fields=["assigned_to", "-received_at"], name="lead_assigned"),
            models.Index(
                fields=["point_of_sale", "neglect_due_at"],
                condition=Q(state="ouverte", neglect_due_at__isnull=False),
                name="lead_neglect",
            ),
            models.Index(
                fields=["neglect_due_at"],
                condition=Q(
                    state="ouverte", neglect_due_at__isnull=False, neglected_at__isnull=True
                ),
                name="lead_neglect_mark",
            ),
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(state="ouverte", next_reminder_at__isnull=False),
                name="lead_reminder_due",
            ),
            models.Index(fields=["email"], name="lead_email"),
            models.Index(fields=["mobile"], name="lead_mobile"),
        ]

    def __str__(self) -> str:
        return f"Tâche n° {self.pk}"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        digits = "".join(c for c in self.mobile if c.isdigit())
        national = "0" + digits[2:] if digits.startswith("33") else ""
        parts = [self.last_name, self.first_name, self.email, digits, national]
        return " ".join(p for p in parts if p).lower()[:300]

    @property
    def contact_name(self) -> str:
        name = " ".join(p for p in (self.civility, self.last_name.upper(), self.first_name) if p)
        return name or self.email or self.mobile or "—"

    def is_neglected(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.state == self.State.OPEN
            and self.neglect_due_at is not None
            and self.neglect_due_at <= now
        )

    @transition(
        field=state,
        source=State.OPEN,
        target=State.DONE,
        permission=rights.task_may_act,
        custom={"action": "terminer", "label": _("Terminer la tâche"), "tone": "secondary"},
    )
    def finish(self) -> None:
        pass

    @transition(
        field=state,
        source=State.DONE,
        target=State.OPEN,
        permission=rights.task_may_act,
        custom={"action": "rouvrir", "label": _("Rouvrir la tâche"), "tone": "ghost"},
    )
    def reopen(self) -> None:
        pass

    def move_to_status(self, status: "LeadStatus") -> None:
        """The one place the status changes. The statuses are an editable list (L-1), not a
        fixed graph, so this is not an FSM transition: any active status may follow any
        other; ``lead_task_status_change`` and the conversion call it, then save and
        record the history line."""
        if not status.is_active:
            raise ValidationError({"status": _("Ce statut n'est plus proposé.")})
        self.status = status


class LeadTaskEvent(models.Model):
    """The history of a task (append-only)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Création")
        TAKEN = "taken", _("Prise en charge")
        ASSIGNED = "assigned", _("Attribution")
        STATUS = "status", _("Statut")
        STATE = "state", _("État")
        EDITED = "edited", _("Modification")
        REMINDER = "reminder", _("Rappel")
        NEGLECTED = "neglected", _("En souffrance")
        CONVERTED = "converted", _("Conversion")
        CALL = "call", _("Appel")
        NOTE = "note", _("Note")

    task = models.ForeignKey(LeadTask, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["task", "-at"], name="lead_event_task")]

    def __str__(self) -> str:
        return self.message


# The reference lists every installation starts with (data migration 0002 and
# ``services.lead_reference_ensure``); administrators add their own beside them.
DEFAULT_STATUSES = [
    # code, name, position, counts_as_handled, is_appointment
    (LeadStatus.NEW, "Nouveau", 10, False, False),
    (LeadStatus.FOLLOW_UP, "Suivi", 20, True, False),
    (LeadStatus.APPOINTMENT, "Rendez-vous pris", 30, True, True),
    (LeadStatus.CONVERTED, "Converti", 40, True, False),
    (LeadStatus.DROPPED, "Sans suite", 50, True, False),
]
DEFAULT_TAGS = [
    # code, name, group, position
    ("vn", "VN", LeadTag.Group.TYPE, 10),
    ("vo", "VO", LeadTag.Group.TYPE, 11),
    ("vd", "VD", LeadTag.Group.TYPE, 12),
    ("apv", "APV", LeadTag.Group.TYPE, 13),
    ("particulier", "Particulier", LeadTag.Group.CUSTOMER, 20),
    ("professionnel", "Professionnel", LeadTag.Group.CUSTOMER, 21),
    ("vp", "VP", LeadTag.Group.VEHICLE, 30),
    ("vu", "VU", LeadTag.Group.VEHICLE, 31),
]
