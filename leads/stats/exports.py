"""XLSX exports of the lead statistics (L-5, L-6): one workbook per table, the figures as
numbers (percentages as fractions formatted ``0 %``, reactivity in minutes)."""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from leads.stats.selectors import Row, TransformationRow
from vehicles.stock.exports import xlsx_value

PERCENT = "0 %"


def _header(sheet, labels) -> None:
    bold = Font(bold=True)
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def _pct(sheet, value):
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value / 100)
    cell.number_format = PERCENT
    return cell


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60, 1)


def _workbook(title: str, period_label: str):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "B3"
    sheet.append([xlsx_value(sheet, period_label)])
    return workbook, sheet


SOURCE_HEADERS = [
    "Catégorie / source",
    "Niveau",
    "Leads",
    "Catégorisés",
    "Attribués",
    "Traités",
    "Traités %",
    "Réactivité (min, médiane)",
    "Connectés",
    "Insignifiants",
]


def _source_line(sheet, row: Row, level: str) -> list:
    return [
        xlsx_value(sheet, row.label),
        level,
        row.total,
        row.categorised,
        row.assigned,
        row.treated,
        _pct(sheet, row.treated_pct),
        _minutes(row.reactivity),
        row.connected,
        row.insignificant,
    ]


def write_sources_xlsx(categories: list[Row], total: Row, period_label: str, fileobj) -> None:
    workbook, sheet = _workbook("Sources", period_label)
    _header(sheet, SOURCE_HEADERS)
    for category in categories:
        sheet.append(_source_line(sheet, category, "Catégorie"))
        for source in category.children:
            sheet.append(_source_line(sheet, source, "Source"))
    sheet.append(_source_line(sheet, total, "Total"))
    workbook.save(fileobj)


COLLABORATOR_HEADERS = [
    "Collaborateur",
    "Tâches",
    "Tâches %",
    "Entrants",
    "Réactivité (min, médiane)",
    "Dernière action",
    "Connectés",
    "Insignifiants",
    "Appels",
]


def _collaborator_line(sheet, row: Row) -> list:
    last = row.last_action
    if last is not None:
        last = WriteOnlyCell(sheet, value=timezone.localtime(last).replace(tzinfo=None))
        last.number_format = "DD/MM/YYYY HH:MM"
    return [
        xlsx_value(sheet, row.label),
        row.total,
        _pct(sheet, row.share),
        row.inbound,
        _minutes(row.reactivity),
        last,
        row.connected,
        row.insignificant,
        row.calls,
    ]


def write_collaborators_xlsx(rows: list[Row], total: Row, period_label: str, fileobj) -> None:
    """Dates in local time (naive in the file: a spreadsheet has no time zone)."""
    workbook, sheet = _workbook("Collaborateurs", period_label)
    _header(sheet, COLLABORATOR_HEADERS)
    for row in [*rows, total]:
        sheet.append(_collaborator_line(sheet, row))
    workbook.save(fileobj)


TRANSFORMATION_HEADERS = [
    "Point de vente",
    "Origine",
    "Leads",
    "Transformés",
    "Transformés %",
    "Ventes",
    "Ventes %",
    "Reprises",
    "Reprises %",
    "Étiquettes",
]


def _transformation_line(sheet, row: TransformationRow) -> list:
    return [
        xlsx_value(sheet, row.point_of_sale),
        xlsx_value(sheet, row.origin),
        row.total,
        row.converted,
        _pct(sheet, row.converted_pct),
        row.sales,
        _pct(sheet, row.sales_pct),
        row.trade_ins,
        _pct(sheet, row.trade_ins_pct),
        xlsx_value(sheet, row.tags_display),
    ]


def write_transformation_xlsx(
    rows: list[TransformationRow], total: TransformationRow, period_label: str, fileobj
) -> None:
    workbook, sheet = _workbook("Transformation", period_label)
    _header(sheet, TRANSFORMATION_HEADERS)
    for row in [*rows, total]:
        sheet.append(_transformation_line(sheet, row))
    workbook.save(fileobj)
