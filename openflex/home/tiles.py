"""Home-page tiles: declared by the app that owns the data, counted with one query each.

An app declares a tile in its own ``tiles.py``::

    from openflex.home.tiles import Tile, register

    register(Tile(
        key="prices-to-validate",
        title=_("Mises à jour de prix à valider"),
        count=lambda user: PriceChange.objects.filter(...).count(),
        url=lambda user: reverse("vehicles:price_changes") + "?status=a_valider",
        group_types={"admin"},
        permission="accounts.change_vehicle_configuration",
    ))

``group_types`` (any of), ``permission`` (required) and ``allowed`` (a rule of
``openflex.accounts.rules``, asked last) all restrict who sees it; the tile's view checks
them again on the server.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from openflex.accounts.selectors import user_group_types, user_is_platform_admin


@dataclass(frozen=True)
class Tile:
    key: str
    title: str
    count: Callable[[object], int]
    url: Callable[[object], str]
    group_types: frozenset[str] = field(default_factory=frozenset)
    permission: str | None = None
    order: int = 100
    description: str = ""
    tone: str = "default"  # default | warning | danger: how urgent a non-zero count is
    allowed: Callable[[object], bool] | None = None

    def visible_to(self, user) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        if self.permission and not user.has_perm(self.permission):
            return False
        if self.allowed is not None and not self.allowed(user):
            return False
        if not self.group_types:
            return True
        types = set(user_group_types(user))
        if user_is_platform_admin(user):
            types.add("admin")
        return bool(types.intersection(self.group_types))


_registry: dict[str, Tile] = {}


def register(tile: Tile) -> Tile:
    if tile.key in _registry and _registry[tile.key] != tile:
        raise ValueError(f"tile {tile.key!r} is already registered")
    _registry[tile.key] = tile
    return tile


def tile_get(key: str) -> Tile | None:
    return _registry.get(key)


def tiles_for_user(user) -> list[Tile]:
    return sorted(
        (t for t in _registry.values() if t.visible_to(user)), key=lambda t: (t.order, t.title)
    )


def all_tiles() -> Iterable[Tile]:
    return _registry.values()
