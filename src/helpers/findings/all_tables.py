"""Every table of every strand in one workbook: ``reports/tables/all_tables.xlsx``.

One sheet per CSV in ``reports/tables`` (those published by earlier stages and those this stage
has written so far), through :mod:`helpers.workbook`: a Contents sheet listing every table by its
title (:func:`title_of`) with its sheet beside it, headers, suppression
markers kept as text, and any cell beginning with ``=``, ``+``, ``-`` or ``@`` stored as text
(never a formula). Numbers stay numbers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from helpers import files, paths, tables, workbook
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


# The title of each published table (the name of its CSV, without .csv), as the Contents sheet
# lists it. Report 03's tables take their titles from its own workbook's (helpers.survey.attitudes).
TITLES = {
    "literature_searches": "Searches: records reported and read from each database",
    "literature_skipped_records": "Records skipped while reading the search exports",
    "literature_duplicates": "Duplicate records and how each was resolved",
    "literature_screening_unmatched": "Screening decisions that match no record",
    "literature_flagged_records": "Records flagged during screening",
    "literature_screening_agreement": "Agreement between screeners (Cohen's kappa)",
    "literature_screening_conflicts": "Screening conflicts and their resolution",
    "prisma_counts": "PRISMA 2020 flow: the counts in each box",
    "prisma_database_counts": "Records identified in each database",
    "prisma_fulltext_exclusions": "Reports excluded at full text, by reason",
    "literature_included_characteristics": "Characteristics of the included studies",
    "literature_appraisal": "Quality appraisal of the included studies",
    "literature_included_counts": "Included studies and reports by design, setting and country",
    "survey_flow": "From the survey export to the analysable respondents",
    "survey_respondents_by_role": "Respondents by role group",
    "survey_item_nonresponse": "Item non-response",
    "survey_data_dictionary": "Data dictionary of the survey variables",
    "survey_withheld_items": "Survey items withheld from every table",
    "survey_role_recodes": "Job titles given as 'Other' recoded to a role group, by rule",
    "qualitative_codebook": "Codebook of the interviews and focus groups: themes and codes",
    "themes_by_role": "Themes by role: coded references and participants",
    "code_cooccurrence": "Codes applied to the same passages",
    "theme_quotes": "Illustrative quotes by theme",
    "coder_agreement": "Agreement between two coders, by code",
    "coder_agreement_multi": "Agreement among all coders, by code",
    "qualitative_accounting": "Accounting for the transcripts, passages and codings",
    "findings_headline": "Headline figures by role group",
    "findings_themes": "The main themes of the interviews and focus groups",
    "triangulation": "Triangulation: survey items and interview themes",
    "triangulation_matrix": "Triangulation matrix: survey items by interview themes",
    "assumptions_log": "Assumptions and caveats",
    "data_log": "Data log: every dataset read or written",
}
# Report 03's CSVs whose name is not "attitudes_" + the key of its workbook's sheet.
ATTITUDE_SHEETS = {
    "attitudes_suppression_summary": "suppression",
    "attitudes_2002_like_for_like": "like_for_like_2002",
}
MENTIONS = "mentions_"  # a tick-all-that-apply question's table: mentions_<variable>
# The order of the sheets: strand by strand, as the reports run (a table's CSV name begins with
# its strand's prefix); tables of no strand last; by name within each.
STRAND_PREFIXES = (
    ("literature_", "prisma_"),
    ("survey_",),
    ("attitudes_", MENTIONS),
    ("qualitative_", "themes_", "theme_", "code_", "coder_"),
    ("findings_", "triangulation", "assumptions_log", "data_log"),
)


def sheet_order(name: str) -> tuple[int, str]:
    """Sort key of a table in the workbook: its strand's place (:data:`STRAND_PREFIXES`), its name."""
    place = next((i for i, p in enumerate(STRAND_PREFIXES) if name.startswith(p)), len(STRAND_PREFIXES))
    return place, name


def title_of(name: str, questions: Mapping[str, str] | None = None) -> str:
    """The title of the published table ``name`` (:data:`TITLES`, report 03's sheet titles; a
    tick-all question's by its question text from ``questions``, variable -> question); a table
    not listed gets its name in words."""
    from helpers.survey.attitudes import SHEET_TITLES

    if name in TITLES:
        return TITLES[name]
    sheet = ATTITUDE_SHEETS.get(name) or name.removeprefix("attitudes_")
    if name.startswith("attitudes_") and sheet in SHEET_TITLES:
        return SHEET_TITLES[sheet][0]
    if name.startswith(MENTIONS):
        variable = name.removeprefix(MENTIONS)
        question = (questions or {}).get(variable) or tables.heading(variable)
        return f"Respondents ticking each option: {question}"
    return tables.heading(name)


def read_text(path: Path) -> str:
    """A table's text; other stages' tables are noted as inputs (provenance), this stage's not."""
    if path.stem in OWN_TABLES:
        return files.decode_bytes(path.read_bytes(), path).text
    return files.read_text(path).text


def table_files(stage: str | None = None) -> dict[str, Path]:
    """Table name -> CSV: the published tables, with this run's staged tables in their place,
    strand by strand (:func:`sheet_order`).

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
    return dict(sorted(found.items(), key=lambda kv: sheet_order(kv[0])))


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
    stage: str | None = None,
    name: str = "all_tables",
    data_note: str = "",
    questions: Mapping[str, str] | None = None,
) -> tuple[Path, pd.DataFrame]:
    """Write the workbook; return its path and the list of tables (title, sheet, rows). ``questions``
    (variable -> question text, :func:`helpers.tables.codebook_labels`) titles the tick-all
    questions' tables."""
    sources = table_files(stage)
    if not sources:
        raise ValueError("write_all_tables: no tables in reports/tables")
    sheets = {}
    for table, path in sources.items():
        notes = [f"Source: reports/tables/{path.name}."] + ([data_note] if data_note else [])
        sheets[table] = workbook.Sheet(read_for_workbook(path), title=title_of(table, questions), notes=notes)
    target = workbook.write_workbook(sheets, name)
    listing = pd.DataFrame(
        {
            "table": [s.title for s in sheets.values()],
            "sheet": list(sheets),
            "rows": [len(s.table) for s in sheets.values()],
        }
    )
    return target, listing
