"""The home finds the e-signature's tiles here: each sub-domain keeps its own ``tiles``."""

from signatures.flows import tiles as _flows_tiles  # noqa: F401
