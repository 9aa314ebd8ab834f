"""Demo tracking numbers and calls (L-3): two numbers at each Lyon point of sale, calls
over the last 90 days through the real webhook service (tasks created and joined per the
numbers' settings), some of those tasks taken by the demo salesperson with a realistic
first action, so that the call tables and the statistics mean something. Idempotent:
nothing is added once the demo provider has calls."""

import random
from datetime import timedelta

from django.utils import timezone

from leads.calls import services
from leads.calls.models import Call, TrackingNumber
from leads.inbox.models import LeadStatus, LeadTag, LeadTask
from leads.inbox.services import lead_reference_ensure
from leads.intake.models import ApiKey, LeadSource, LeadSourceCategory
from leads.intake.services import api_key_create, api_key_hash
from openflex.accounts.models import PointOfSale, User

DEMO_CALL_KEY = "demo-call-key"  # the telephony provider's key (README)
PROVIDER = "Opérateur téléphonie (démo)"
DAYS = 30  # the statistics open on the last 30 days
SUMMARIES = [
    "Souhaite essayer le véhicule samedi matin.",
    "Demande une reprise de sa 308 de 2017 avant d'acheter.",
    "Question sur le financement en LOA, rappeler en fin de journée.",
    "Veut connaître la disponibilité du VD vu sur le site.",
    "",  # no summary: "Le résumé n'est pas disponible …"
]


def _provider() -> LeadSource:
    category = LeadSourceCategory.objects.get(code="telephone")
    source, _created = LeadSource.objects.get_or_create(
        name=PROVIDER, defaults={"category": category}
    )
    if not ApiKey.objects.filter(key_hash=api_key_hash(DEMO_CALL_KEY)).exists():
        api_key_create(source=source, by=None, label="Démo", raw=DEMO_CALL_KEY)
    return source


def _numbers(pos: PointOfSale) -> list[TrackingNumber]:
    vo = LeadTag.objects.filter(code="vo").first()
    specs = [
        (f"+334780{pos.code:03d}01", "Site web", {}),
        (
            f"+334780{pos.code:03d}02",
            "Annonces VO",
            {
                "connected_creates_task": True,
                "connected_task_status": LeadStatus.FOLLOW_UP,
                "connected_task_state": LeadTask.State.DONE,
            },
        ),
    ]
    numbers = []
    for number, label, settings in specs:
        found = TrackingNumber.objects.filter(number=number).first()
        if found is None:
            found = services.tracking_number_create(
                by=None,
                point_of_sale=pos,
                number=number,
                label=f"{label} {pos.city}",
                tags=[vo] if vo and "VO" in label else [],
                **settings,
            )
        numbers.append(found)
    return numbers


def seed(*, scale: int = 0, log=print) -> None:
    lead_reference_ensure()
    provider = _provider()
    if Call.objects.filter(source=provider).exists():
        return
    rng = random.Random(16)
    seller = User.objects.filter(email__startswith="vendeur@").first()
    now = timezone.now()
    count = 0
    for pos in PointOfSale.objects.filter(code__in=(61, 62)).order_by("code"):
        for number in _numbers(pos):
            for day in range(DAYS, 0, -1):
                for _n in range(rng.choice((0, 1, 1, 2))):
                    started = now - timedelta(
                        days=day, hours=rng.randint(0, 9), minutes=rng.randint(0, 59)
                    )
                    answered = rng.random() < 0.6
                    # A few callers call again: the repeated missed calls join their task.
                    caller = f"+336{rng.randint(10, 40):02d}{rng.randint(0, 999999):06d}"
                    if rng.random() < 0.15:
                        caller = "+33612000001"
                    report = services.CallReport(
                        call_id=f"demo-{number.pk}-{day}-{_n}",
                        called=number.number,
                        caller=caller if rng.random() > 0.05 else "",
                        started_at=started,
                        duration_seconds=rng.randint(20, 600) if answered else 0,
                        answered=answered,
                        summary=rng.choice(SUMMARIES) if answered else "",
                    )
                    call, created = services.call_record(source=provider, report=report)
                    count += created
                    if call.task_link == Call.TaskLink.CREATED and seller and rng.random() < 0.7:
                        first = started + timedelta(minutes=rng.randint(3, 240))
                        LeadTask.objects.filter(pk=call.task_id).update(
                            assigned_to=seller, first_action_at=first, last_action_at=first
                        )
    log(f"  {count} calls on {TrackingNumber.objects.count()} tracking numbers")
