"""XLSX export of the stock list (V-6): write-only openpyxl, constant memory, streamed."""

import tempfile
from collections.abc import Iterator

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .columns import Column, RowContext, needed_fields

CHUNK = 2000
MONEY_FORMAT = '#,##0.00\\ "€"'


# A text starting with one of these is a formula to a spreadsheet (CSV/formula injection).
FORMULA_STARTS = frozenset("=+-@")


def xlsx_value(sheet, value):
    """A value openpyxl accepts and Excel shows as typed.

    Text typed in a vehicle's fields may hold control characters (openpyxl refuses
    them: the export failed with a 500) or start with ``=``, ``+``, ``-`` or ``@``
    (openpyxl writes a text starting with ``=`` as a live formula, and a spreadsheet
    re-reading the cell may evaluate the others — spreadsheet injection): such text is
    written as a string cell. Both are checked cheaply: most strings are printable and
    start with none of those characters.
    """
    if not isinstance(value, str) or not value:
        return value
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value and value[0] in FORMULA_STARTS:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def write_stock_xlsx(queryset: QuerySet, columns: list[Column], ctx: RowContext, fileobj) -> int:
    """Write every row of ``queryset`` to ``fileobj``; returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Stock")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    money_columns = {i for i, c in enumerate(columns) if c.money}
    text_columns = [i for i, c in enumerate(columns) if not c.money and not c.numeric]
    count = 0
    rows = queryset.values(*needed_fields(columns)).iterator(chunk_size=CHUNK)
    for row in rows:
        values = [column.value(row, ctx) for column in columns]
        for i in text_columns:
            value = values[i]
            if (
                value.__class__ is str
                and value
                and (value[0] in FORMULA_STARTS or not value.isprintable())
            ):
                values[i] = xlsx_value(sheet, value)
        if money_columns:
            for i in money_columns:
                if values[i] is not None:
                    cell = WriteOnlyCell(sheet, value=values[i])
                    cell.number_format = MONEY_FORMAT
                    values[i] = cell
        sheet.append(values)
        count += 1
    workbook.save(fileobj)
    return count


def stream_file(fileobj, block: int = 64 * 1024) -> Iterator[bytes]:
    try:
        fileobj.seek(0)
        while chunk := fileobj.read(block):
            yield chunk
    finally:
        fileobj.close()


def stock_xlsx_tempfile(queryset: QuerySet, columns: list[Column], ctx: RowContext):
    """The workbook in a spooled temporary file (on disk beyond 4 MB), rewound."""
    fileobj = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    write_stock_xlsx(queryset, columns, ctx, fileobj)
    fileobj.seek(0)
    return fileobj
