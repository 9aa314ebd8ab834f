"""Sections that other modules add to the order page (e-payment, e-signature).

Like ``vehicles.panels`` for the vehicle page: a module registers a panel from its
``AppConfig.ready`` with a template and a context function ``(request, order) -> dict``
(return ``None`` to show nothing); the order page renders the panels of each place in
order. ``place`` is "aside" (the follow-up column, under the actions) or "reglement"
(the payment tab, under the deposit).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OrderPanel:
    key: str
    title: str
    template: str
    context: Callable  # (request, order) -> dict | None
    place: str = "aside"
    order: int = 100


_panels: dict[str, OrderPanel] = {}


def register(panel: OrderPanel) -> OrderPanel:
    _panels[panel.key] = panel
    return panel


def panels_render_context(request, order, *, place: str) -> list[dict]:
    """[{"panel": panel, **context}] of the panels of ``place`` that have something to show."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        if panel.place != place:
            continue
        context = panel.context(request, order)
        if context is not None:
            shown.append({"panel": panel, **context})
    return shown
