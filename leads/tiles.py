"""The home finds the leads' tiles here: each sub-domain keeps its own ``tiles``."""

from leads.inbox import tiles as _inbox_tiles  # noqa: F401
