"""Every table of every strand in one workbook: ``reports/tables/all_tables.xlsx``.

One sheet per CSV in ``reports/tables`` (those published by earlier stages and those this stage
has written so far), through :mod:`helpers.workbook`: a Contents sheet, headers, suppression
markers kept as text, and any cell beginning with ``=``, ``+``, ``-`` or ``@`` stored as text
(never a formula). Numbers stay numbers.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from helpers import files, paths, workbook
from helpers.pipeline import BUILD

# Tables this stage writes itself: read back without being listed as inputs in its provenance.
OWN_TABLES = frozenset(
    {
        "findings_headline",
        "findings_themes",
        "triangulation",
        "triangulation_matrix",
        "assumptions_log",
        "data_log",
    }
)


def read_text(path: Path) -> str:
    """A table's text; other stages' tables are noted as inputs (provenance), this stage's not."""
    if path.stem in OWN_TABLES:
        return files.decode_bytes(path.read_bytes(), path).text
    return files.read_text(path).text


def table_files(stage: str | None = None) -> dict[str, Path]:
    """Table name -> CSV: the published tables, with this run's staged tables in their place.

    When the stage runner stages this run's outputs elsewhere, tables that ``stage`` published
    last time (``build/published/<stage>.txt``) are left out unless this run wrote them again,
    so the workbook never carries a stale table of its own stage."""
    published = paths.workspace() / "reports" / "tables"
    staged = paths.staging() / "reports" / "tables"
    stale: set[str] = set()
    if stage and staged != published:
        record = paths.workspace() / BUILD / "published" / f"{stage}.txt"
        if record.is_file():
            stale = {
                Path(r).stem
                for r in record.read_text(encoding="utf-8").split()
                if r.startswith("reports/tables/")
            }
    found = {p.stem: p for p in sorted(published.glob("*.csv")) if p.stem not in stale}
    found.update({p.stem: p for p in sorted(staged.glob("*.csv"))})
    return dict(sorted(found.items()))


def read_for_workbook(path: Path) -> pd.DataFrame:
    """A CSV with numbers typed as numbers and text (markers, labels) kept as text."""
    text = read_text(path)
    if not text.strip():
        return pd.DataFrame()
    try:
        table = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    for col in table.columns:
        if not (pd.api.types.is_numeric_dtype(table[col]) or pd.api.types.is_bool_dtype(table[col])):
            table[col] = table[col].astype(object).map(_number_or_text)
    return table


_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def _number_or_text(value):
    """A number written plainly (e.g. ``-3``, ``2.5``; not ``0123``) in a column that also holds
    text such as suppression markers becomes a number; everything else stays as it is."""
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value


def write_all_tables(
    stage: str | None = None, name: str = "all_tables", data_note: str = ""
) -> tuple[Path, pd.DataFrame]:
    """Write the workbook; return its path and the list of sheets (sheet, table, rows)."""
    sources = table_files(stage)
    if not sources:
        raise ValueError("write_all_tables: no tables in reports/tables")
    sheets = {}
    for table, path in sources.items():
        notes = [f"Source: reports/tables/{path.name}."] + ([data_note] if data_note else [])
        sheets[table] = workbook.Sheet(read_for_workbook(path), title=table.replace("_", " "), notes=notes)
    target = workbook.write_workbook(sheets, name)
    listing = pd.DataFrame({"table": list(sheets), "rows": [len(s.table) for s in sheets.values()]})
    return target, listing
