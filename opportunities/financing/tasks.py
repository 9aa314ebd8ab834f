"""Background work of financing (V-13, X-1). Thin: ids in, ``financing`` does the work.

Celery's autodiscovery finds ``tasks.py`` only: ``opportunities/tasks.py`` imports this
module so that workers register the tasks under their explicit names.
"""

from celery import shared_task

from opportunities.financing import services as financing
from opportunities.financing.providers import ProviderError

SEND_RETRIES = 5


@shared_task(
    bind=True,
    name="opportunities.financing.tasks.financing_request_send_task",
    max_retries=SEND_RETRIES,
)
def financing_request_send_task(self, request_id: int) -> str | None:
    """After a financing request commits: send it to the provider, record the answer.

    A provider failure is retried with backoff; after the last retry the request is
    recorded as "Erreur de transmission" (the salesperson may ask again)."""
    try:
        request = financing.financing_request_send(request_id=request_id)
    except ProviderError as exc:
        if self.request.retries >= self.max_retries:
            return financing.financing_request_fail(request_id=request_id).status
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    return request.status if request else None


@shared_task(name="opportunities.financing.tasks.financing_simulations_refresh_task")
def financing_simulations_refresh_task(vehicle_id: int) -> int:
    """After a VD/VO enters the sales stock: its automatic simulations."""
    from vehicles.models import Vehicle

    vehicle = Vehicle.objects.filter(pk=vehicle_id).first()
    if vehicle is None:
        return 0
    return len(financing.financing_simulations_refresh(vehicle=vehicle) or [])


@shared_task(name="opportunities.financing.tasks.financing_simulations_refresh_due_task")
def financing_simulations_refresh_due_task() -> int:
    """Every night (beat): VD/VO in sales stock whose price changed since their simulations."""
    return financing.financing_simulations_refresh_due()
