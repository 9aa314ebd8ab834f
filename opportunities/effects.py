"""The outbox finds the sale side's side effects here: each sub-domain keeps its own."""

from opportunities.financing import effects as _financing_effects  # noqa: F401
from opportunities.tradeins import effects as _tradeins_effects  # noqa: F401
