"""The late-vehicles list as rows, for its page, its PDF and its XLSX (V-9)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..stock.exports import xlsx_value
from . import selectors

FIELDS = [
    "number",
    "parc",
    "destination",
    "brand",
    "model",
    "registration",
    "vin",
    "internal_number",
    "status",
    "status_changed_at",
    "late_since",
    "point_of_sale__name",
    "physical_site__name",
    "delay_reason",
]
HEADERS = [
    _("N° OpenFlex"),
    _("Type"),
    _("Marque"),
    _("Modèle"),
    _("Immatriculation"),
    _("N° de châssis"),
    _("N° interne"),
    _("Statut"),
    _("Dans le statut depuis le"),
    _("Durée max. (j)"),
    _("Jours de retard"),
    _("Point de vente"),
    _("Site physique"),
]


@dataclass
class LateRow:
    number: int
    parc: str
    destination: str
    brand: str
    model: str
    registration: str
    vin: str
    internal_number: str
    status: str
    status_label: str
    status_since: datetime
    max_days: int | None
    days_late: int
    point_of_sale: str
    physical_site: str
    reason: str

    def cells(self) -> list:
        return [
            self.number,
            self.parc,
            self.brand,
            self.model,
            self.registration,
            self.vin,
            self.internal_number,
            self.status_label,
            timezone.localtime(self.status_since).strftime("%d/%m/%Y"),
            self.max_days,
            self.days_late,
            self.point_of_sale,
            self.physical_site,
        ]


def late_rows(queryset: QuerySet, *, rules, labels: dict[str, str], now=None):
    """Rows of an annotated ``late_vehicles`` queryset (values only, one query)."""
    now = now or timezone.now()
    limits = {(r.status, r.parc, r.destination): r.max_days for r in rules}
    for row in queryset.values(*FIELDS):
        yield LateRow(
            number=row["number"],
            parc=row["parc"],
            destination=row["destination"],
            brand=row["brand"],
            model=row["model"],
            registration=row["registration"],
            vin=row["vin"],
            internal_number=row["internal_number"],
            status=row["status"],
            status_label=labels.get(row["status"], row["status"]),
            status_since=row["status_changed_at"],
            max_days=limits.get((row["status"], row["parc"], row["destination"])),
            days_late=selectors.days_late(row["late_since"], now),
            point_of_sale=row["point_of_sale__name"],
            physical_site=row["physical_site__name"],
            reason=row["delay_reason"],
        )


def write_late_xlsx(rows, fileobj) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Véhicules en retard")))
    bold = Font(bold=True)
    header = []
    for label in HEADERS:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([xlsx_value(sheet, value) for value in row.cells()])
        count += 1
    workbook.save(fileobj)
    return count
