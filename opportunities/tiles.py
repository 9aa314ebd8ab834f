"""The home finds the sale side's tiles here: each sub-domain keeps its own ``tiles``."""

from opportunities.sales import tiles as _sales_tiles  # noqa: F401
from opportunities.tradeins import tiles as _tradeins_tiles  # noqa: F401
