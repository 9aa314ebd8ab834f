"""What other modules add to the offer page (the e-signature of a trade-in offer, S-4).

- Panels, like ``order_panels``: a template and a context function ``(request, offer) ->
  dict | None``, registered from ``AppConfig.ready``, rendered under the offer's actions.
- Guards of "Dupliquer" and "Modifier": ``warning(offer) -> str | None`` says what the
  change will undo (the page asks for a confirmation first: "la e-signature sera
  annulée"); once confirmed, ``release(offer, by)`` runs in the service's transaction,
  after the copy. The sale side never imports the modules that register here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class OfferPanel:
    key: str
    title: str
    template: str
    context: Callable  # (request, offer) -> dict | None
    order: int = 100


@dataclass(frozen=True)
class OfferGuard:
    key: str
    warning: Callable  # (offer) -> str | None
    release: Callable  # (offer, by) -> None


_panels: dict[str, OfferPanel] = {}
_guards: dict[str, OfferGuard] = {}


def register(panel: OfferPanel) -> OfferPanel:
    _panels[panel.key] = panel
    return panel


def register_guard(guard: OfferGuard) -> OfferGuard:
    _guards[guard.key] = guard
    return guard


def panels_render_context(request, offer) -> list[dict]:
    """[{"panel": panel, **context}] of the panels that have something to show."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(request, offer)
        if context is not None:
            shown.append({"panel": panel, **context})
    return shown


def offer_change_warnings(offer) -> list[str]:
    """What duplicating or modifying ``offer`` would undo (empty: nothing to confirm)."""
    return [w for guard in _guards.values() if (w := guard.warning(offer))]


def offer_change_check(offer, *, confirmed: bool) -> None:
    """Refused (code "confirm", the warnings as messages) until the user confirmed."""
    warnings = offer_change_warnings(offer)
    if warnings and not confirmed:
        raise ValidationError([ValidationError(w, code="confirm") for w in warnings])


def offer_change_release(offer, by) -> None:
    """After the change (the offer may already be cancelled): each guard undoes what it
    warned about, if anything is left to undo."""
    for guard in _guards.values():
        guard.release(offer, by)
