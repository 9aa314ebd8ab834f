"""Background work of the outbox (X-1). Thin: a key in, the outbox service does the work."""

from celery import shared_task

from . import services


@shared_task(name="openflex.outbox.tasks.effect_run_task")
def effect_run_task(key: str) -> str | None:
    """Right after the commit that recorded the effect."""
    return services.effect_run(key=key)


@shared_task(name="openflex.outbox.tasks.effects_sweep_task")
def effects_sweep_task() -> int:
    """Every minute (beat): what the broker lost, what failed and is due again, and what a
    dead worker left running."""
    return services.effects_sweep()


@shared_task(name="openflex.outbox.tasks.effects_purge_task")
def effects_purge_task() -> int:
    """Every night (beat): forget the effects done more than a week ago."""
    return services.effects_purge()
