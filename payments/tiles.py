"""The home finds the e-payment's tiles here: each sub-domain keeps its own ``tiles``."""

from payments.board import tiles as _board_tiles  # noqa: F401
