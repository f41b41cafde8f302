"""One Excel workbook per strand: every table on its own sheet, byte-identical between runs.

:func:`write_workbook` takes the strand's tables (already through :mod:`helpers.disclosure`)
and writes ``reports/tables/<name>.xlsx``:

* a first sheet ``Contents`` listing each table by its title (a link to its sheet), the sheet's
  name beside it, its number of rows and its notes;
* one sheet per table: header row (bold, frozen), the rows, then a blank row and the notes
  (source, suppression rule, definitions) in column A;
* missing values are empty cells; suppression markers are kept as text;
* text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``)
  is stored as plain text with Excel's quote prefix, never as a formula;
* workbook timestamps and the zip entries' dates are fixed, so the same tables give the same
  bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter

from helpers import numbers, outputs, paths

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
# The Contents sheet: one row per table, by its title (untitled: the sheet's name), linked to its sheet.
CONTENTS_HEADER = ("table", "sheet", "rows", "notes")
FORMULA_START = outputs.FORMULA_START  # one definition: helpers.outputs.is_formula
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    """A table for the workbook with its title and notes."""

    table: pd.DataFrame
    title: str = ""
    notes: Sequence[str] = field(default_factory=tuple)


def _cell_value(value):
    """A value openpyxl can store, and whether it is text that must not become a formula."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, False
    if isinstance(value, (float, np.floating)):
        return (None, False) if math.isnan(value) else (float(value), False)
    if isinstance(value, (bool, np.bool_)):
        return bool(value), False
    if isinstance(value, (int, np.integer)):
        return int(value), False
    text = str(value)
    return text, outputs.is_formula(text)


def _sheet_name(name: str, used: set[str]) -> str:
    clean = _BAD_SHEET_CHARS.sub("_", str(name)).strip("'") or "Sheet"
    clean = clean[:31]
    candidate, i = clean, 2
    while candidate.lower() in used:
        suffix = f" ({i})"
        candidate, i = clean[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


# Excel's display format for the kinds of number that have fixed decimals (helpers.numbers):
# an effect size of 0.3 shows as 0.30, a chi-square of 12 as 12.0; the stored value is unchanged.
FORMATS = {
    "effect_size": "0.00",
    "test_statistic": "0.0",
    "design_effect": "0.00",
    "mean": "0.00",
    "table_percentage": "0.0",
}


def _write_rows(ws, rows):
    bold = Font(bold=True)
    header = [str(h) for h in rows[0]] if rows else []
    formats = {c: FORMATS.get(numbers.kind_of(h, header)) for c, h in enumerate(header, start=1)}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            stored, as_text = _cell_value(value)
            cell = ws.cell(row=r, column=c)
            cell.value = stored
            if r > 1 and isinstance(stored, float) and formats.get(c):
                cell.number_format = formats[c]
            if as_text:
                cell.data_type = "s"
                cell.quotePrefix = True
            if r == 1:
                cell.font = bold


def build_workbook(sheets: Mapping[str, Sheet | pd.DataFrame]) -> Workbook:
    """The openpyxl Workbook for ``sheets`` (name -> Sheet or DataFrame), in the given order."""
    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    used = {"contents"}
    listing = [CONTENTS_HEADER]
    for name, sheet in sheets.items():
        sheet = sheet if isinstance(sheet, Sheet) else Sheet(sheet)
        sheet_name = _sheet_name(name, used)
        ws = wb.create_sheet(sheet_name)
        table = sheet.table
        rows = [[str(c) for c in table.columns]]  # headers: text, quote-prefixed when formula-like
        rows += [list(r) for r in table.astype(object).itertuples(index=False, name=None)]
        if sheet.notes:
            rows += [[]] + [[f"Note: {note}"] for note in sheet.notes]
        _write_rows(ws, rows)
        ws.freeze_panes = "A2"
        listing.append((sheet.title or sheet_name, sheet_name, len(table), " ".join(sheet.notes)))
    _write_rows(contents, listing)
    for row, (_, sheet_name, _, _) in enumerate(listing[1:], start=2):
        title = contents.cell(row=row, column=1)
        title.hyperlink = Hyperlink(
            ref=title.coordinate, location=f"'{sheet_name}'!A1", display=str(title.value)
        )
        title.style = "Hyperlink"
    contents.column_dimensions["A"].width = min(80, max(12, *(len(str(r[0])) + 2 for r in listing)))
    contents.column_dimensions["B"].width = min(33, max(8, *(len(str(r[1])) + 2 for r in listing)))
    contents.freeze_panes = "A2"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "helpers.workbook"
    return wb


def workbook_bytes(sheets: Mapping[str, Sheet | pd.DataFrame]) -> bytes:
    """The .xlsx bytes, with fixed document and zip-entry timestamps."""
    wb = build_workbook(sheets)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()  # not save_workbook, which stamps "modified" with now
    with zipfile.ZipFile(raw) as src:
        members = {name: src.read(name) for name in src.namelist()}
    return outputs.deterministic_zip(members, date_time=FIXED_TIME.timetuple()[:6], mode=0o600)


def write_workbook(sheets: Mapping[str, Sheet | pd.DataFrame], name: str):
    """Write ``reports/tables/<name>.xlsx`` atomically; returns its path."""
    if not sheets:
        raise ValueError("write_workbook: no tables to write")
    data = workbook_bytes(sheets)
    target = paths.output(f"reports/tables/{name}.xlsx")
    with outputs.atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target
