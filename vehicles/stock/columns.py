"""The stock list's columns (V-4): one definition for the page and the XLSX export (V-6).

A column reads a row of ``Vehicle.objects.values(*fields)``; the list page and the
export select only the fields of the columns shown, so both run one query whatever
the number of rows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from openflex.core.templatetags.openflex import format_money

from ..models import Destination, Energy, Genre, Parc, ReservationKind, VatRegime


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fields: tuple[str, ...]
    value: Callable[[dict, "RowContext"], Any]  # typed value: str, int, Decimal, date
    sort: tuple[str, ...] | None = None  # order_by for ascending; descending is reversed
    numeric: bool = False
    money: bool = False
    width: int = 14  # XLSX column width
    short: str = ""  # header of the HTML list when the label is long (full label as title)


@dataclass
class RowContext:
    status_labels: dict[str, str]
    today: date = field(default_factory=lambda: timezone.localdate())


def days_since(moment: datetime | None, today: date) -> int | None:
    if moment is None:
        return None
    return (today - timezone.localtime(moment).date()).days


def _choice(choices) -> Callable[[str], str]:
    labels = dict(choices)
    return lambda v: str(labels.get(v, v or ""))


_parc, _genre, _dest, _energy = (
    _choice(Parc.choices),
    _choice(Genre.choices),
    _choice(Destination.choices),
    _choice(Energy.choices),
)
_reservation = _choice(ReservationKind.choices)
_vat_regime = _choice(VatRegime.choices)


def _reservation_end(row: dict, ctx: RowContext) -> str:
    kind = row["reservation_kind"]
    if not kind:
        return ""
    if kind == ReservationKind.UNLIMITED:
        return str(_("illimitée"))
    end = row["reservation_ends_at"]
    return timezone.localtime(end).strftime("%d/%m/%Y %H:%M") if end else ""


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in [
        Column(
            "number",
            _("N° OpenFlex"),
            ("number",),
            lambda r, c: r["number"],
            ("number",),
            numeric=True,
            width=12,
        ),
        Column("parc", _("Type"), ("parc",), lambda r, c: r["parc"], ("parc", "number"), width=6),
        Column(
            "genre", _("Genre"), ("genre",), lambda r, c: r["genre"], ("genre", "number"), width=6
        ),
        Column(
            "destination",
            _("Destination"),
            ("destination",),
            lambda r, c: _dest(r["destination"]),
            ("destination", "number"),
        ),
        Column(
            "brand", _("Marque"), ("brand",), lambda r, c: r["brand"], ("brand", "model", "number")
        ),
        Column("model", _("Modèle"), ("model",), lambda r, c: r["model"], ("model", "number")),
        Column("version", _("Version"), ("version",), lambda r, c: r["version"], width=30),
        Column(
            "energy",
            _("Énergie"),
            ("energy",),
            lambda r, c: _energy(r["energy"]),
            ("energy", "number"),
        ),
        Column("colour", _("Couleur"), ("colour",), lambda r, c: r["colour"]),
        Column(
            "registration",
            _("Immatriculation"),
            ("registration",),
            lambda r, c: r["registration"],
            ("registration", "number"),
            short=_("Immat."),
        ),
        Column("vin", _("N° de châssis"), ("vin",), lambda r, c: r["vin"], ("vin",), width=20),
        Column(
            "internal_number",
            _("N° interne"),
            ("internal_number",),
            lambda r, c: r["internal_number"],
            ("internal_number", "number"),
        ),
        Column(
            "status",
            _("Statut"),
            ("status",),
            lambda r, c: c.status_labels.get(r["status"], r["status"]),
            width=18,
        ),
        Column(
            "status_since",
            _("Dans le statut depuis (j)"),
            ("status_changed_at",),
            lambda r, c: days_since(r["status_changed_at"], c.today),
            ("-status_changed_at", "-number"),
            numeric=True,
        ),
        Column(
            "point_of_sale",
            _("Point de vente"),
            ("point_of_sale__name",),
            lambda r, c: r["point_of_sale__name"],
            ("point_of_sale__name", "number"),
            width=24,
        ),
        Column(
            "physical_site",
            _("Site physique"),
            ("physical_site__name",),
            lambda r, c: r["physical_site__name"],
            ("physical_site__name", "number"),
            width=24,
        ),
        Column(
            "mileage",
            _("Kilométrage"),
            ("mileage",),
            lambda r, c: r["mileage"],
            ("mileage", "number"),
            numeric=True,
            short=_("Km"),
        ),
        Column(
            "first_registration",
            _("MEC"),
            ("first_registration",),
            lambda r, c: r["first_registration"],
            ("first_registration", "number"),
        ),
        Column(
            "fiscal_power",
            _("CV"),
            ("fiscal_power",),
            lambda r, c: r["fiscal_power"],
            numeric=True,
            width=6,
        ),
        Column(
            "power_hp",
            _("Puissance (ch)"),
            ("power_hp",),
            lambda r, c: r["power_hp"],
            numeric=True,
            width=8,
        ),
        Column(
            "selling_price",
            _("Prix de vente TTC"),
            ("selling_price",),
            lambda r, c: r["selling_price"],
            ("selling_price", "number"),
            numeric=True,
            money=True,
            short=_("Prix TTC"),
        ),
        Column(
            "catalogue_price",
            _("Prix catalogue TTC"),
            ("catalogue_price",),
            lambda r, c: r["catalogue_price"],
            ("catalogue_price", "number"),
            numeric=True,
            money=True,
        ),
        Column(
            "discount",
            _("Remise TTC"),
            ("discount",),
            lambda r, c: r["discount"],
            numeric=True,
            money=True,
        ),
        Column(
            "staff_price",
            _("Prix collaborateur TTC"),
            ("staff_price",),
            lambda r, c: r["staff_price"],
            numeric=True,
            money=True,
        ),
        # The default (or lowest automatic) financing offer, kept by the financing module
        # (V-13); not sortable: no index on it.
        Column(
            "monthly_payment",
            _("Mensualité"),
            ("monthly_payment",),
            lambda r, c: r["monthly_payment"],
            numeric=True,
            money=True,
            width=12,
        ),
        Column(
            "price_days",
            _("Nb de j. suite à la dernière MAJ des prix"),
            ("price_reset_at",),
            lambda r, c: days_since(r["price_reset_at"], c.today),
            ("-price_reset_at", "-number"),
            numeric=True,
            width=12,
            short=_("Nb j. depuis MAJ prix"),
        ),
        Column(
            "published",
            _("Publié"),
            ("is_published",),
            lambda r, c: str(_("Oui")) if r["is_published"] else str(_("Non")),
            width=8,
        ),
        Column(
            "reservation",
            _("Réservation"),
            ("reservation_kind",),
            lambda r, c: _reservation(r["reservation_kind"]) if r["reservation_kind"] else "",
            width=26,
            short=_("Réserv."),
        ),
        Column(
            "reservation_end",
            _("Fin de réservation"),
            ("reservation_kind", "reservation_ends_at"),
            _reservation_end,
            width=18,
        ),
        # How the sale bears VAT (issue 13): on the whole price, or on the margin.
        Column(
            "vat_regime",
            _("Régime TVA"),
            ("vat_regime",),
            lambda r, c: _vat_regime(r["vat_regime"]),
            width=30,  # not sortable: no index on it
        ),
        Column(
            "created_at",
            _("Créé le"),
            ("created_at",),
            lambda r, c: timezone.localtime(r["created_at"]).date(),
            ("created_at", "number"),
        ),
    ]
}

DEFAULT_COLUMNS = [
    "number",
    "parc",
    "brand",
    "model",
    "registration",
    "status",
    "point_of_sale",
    "mileage",
    "selling_price",
    "price_days",
    "published",
    "reservation",
]
# The export always starts with these (V-6; the VAT regime, issue 13), then the visible
# columns.
EXPORT_LEADING = ["number", "genre", "reservation", "reservation_end", "price_days", "vat_regime"]


# The only cells of the HTML list whose text may wrap (long free text); plates, statuses,
# points of sale and short codes stay on one line (static/css/app.css, #13).
WRAPPING = frozenset({"version"})
DASH = mark_safe('<span class="muted">—</span>')  # noqa: S308 — constant markup


def cell_html(column: Column, value: Any, number: int) -> SafeString:
    """The ``<td>`` of the HTML list, built in Python: the table renders 50 × N of them."""
    inner = _cell_inner(column, value, number)
    if column.numeric:
        return format_html('<td class="num">{}</td>', inner)
    if column.key in WRAPPING:
        return format_html('<td class="wrap">{}</td>', inner)
    return format_html("<td>{}</td>", inner)


def _cell_inner(column: Column, value: Any, number: int) -> SafeString:
    if column.key in ("number", "brand"):
        return format_html('<a href="/vehicules/{}/">{}</a>', number, value)
    if value is None or value == "":
        return DASH
    if column.money:
        return conditional_escape(format_money(value))
    if column.key == "mileage":
        return conditional_escape(f"{number_format(value, force_grouping=True)} km")
    if isinstance(value, date):
        return conditional_escape(value.strftime("%d/%m/%Y"))
    return conditional_escape(value)


def parse_columns(raw: str | Iterable[str] | None) -> list[str]:
    keys = raw.split(",") if isinstance(raw, str) else list(raw or [])
    seen, result = set(), []
    for key in keys:
        key = key.strip()
        if key in COLUMNS and key not in seen:
            seen.add(key)
            result.append(key)
    return result


def export_columns(visible: list[str]) -> list[Column]:
    keys = EXPORT_LEADING + [k for k in visible if k not in EXPORT_LEADING]
    return [COLUMNS[k] for k in keys]


def needed_fields(columns: Iterable[Column]) -> list[str]:
    fields = ["number"]
    for column in columns:
        fields.extend(f for f in column.fields if f not in fields)
    return fields


SORTS: dict[str, tuple[str, ...]] = {}
for _col in COLUMNS.values():
    if _col.sort:
        SORTS[_col.key] = _col.sort
        SORTS["-" + _col.key] = tuple(f[1:] if f.startswith("-") else "-" + f for f in _col.sort)
DEFAULT_SORT = "-number"
