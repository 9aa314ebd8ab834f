"""Sections that other modules add to the vehicle page (opportunities, e-payment …).

``vehicles`` does not import the sale side: a module registers a panel here from its
``AppConfig.ready`` with a template and a context function; the vehicle page renders
every panel in order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable  # (request, vehicle) -> dict
    order: int = 100


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    _panels[panel.key] = panel
    return panel


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: p.order)
