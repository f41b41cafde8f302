"""Read a survey platform's export into one table of strings, whatever platform wrote it.

:func:`read_export` takes the file a study team downloads and returns a :class:`SurveyExport`:
one row per response, every cell the exact text of the export (no type conversion, missing =
``""``), columns named by stable IDs, the question text of every column, and notes on every
quirk that was tolerated. Typing, recoding and cleaning are the codebook's and the cleaning
steps' business, not the reader's.

Formats (field guide: ``../shared/reference/input-formats.md`` section 1)
------------------------------------------------------------------------
``qualtrics``
    Current Qualtrics CSV/TSV: 3 header rows. Row 1 = internal IDs (``StartDate``, ``Q1``,
    ``Q2_3_TEXT`` ...) -> column IDs; row 2 = question labels, localised to the exporting
    user's language -> ``questions`` (never used for detection); row 3 = JSON such as
    ``{"ImportId":"QID1"}`` -> ``import_ids``.
``qualtrics-legacy``
    Pre-2017 Qualtrics: 2 header rows (``V1..V10``, ``Q1`` ... then labels), UTF-8 BOM and a
    trailing comma on every line. Column IDs = row 1; questions = row 2.
``surveymonkey``
    SurveyMonkey "All responses data", expanded columns: row 1 holds the question text only in
    the first column of each question (or filled across), row 2 the sub-label of each column
    (``Response``, ``Open-Ended Response``, ``Other (please specify)``, a choice label), blank
    or repeating the name under the metadata columns. The 2023 variant has an extra row of
    question numbers (``q1``, ``q2`` ...) above them (3 header rows). Column IDs are built
    deterministically, per column, after carrying row 1 (and the number row) rightwards over
    blank cells:

    * no sub-label, or the sub-label equals the row-1 text (metadata, single columns):
      the row-1 text (``Respondent ID``);
    * otherwise, with a question-number row: ``"<number> - <sub-label>"`` (``q12 - Other
      (please specify)``);
    * otherwise: ``"<row-1 text> - <sub-label>"`` (``How often ...? - Contribute code upstream``).

    ``questions`` gives the full ``"<row-1 text> - <sub-label>"`` for every column.
``jisc``
    JISC Online Surveys coded results file (one header row: ``URN``, ``Q1`` ... ``Q9_1``,
    ``Q11_1_a_1``, ``CompletionDate``) with its key file (``...-key.<lang>.csv``: two columns,
    a question row ``"Q1","What is your age?"`` followed by its code rows ``"1","18 - 24"``).
    The key gives ``questions`` and ``value_labels``; a results column missing from the key is
    matched as ``<key question>_<code>`` (multi-select option or grid cell) and gets the
    question text joined with the option label. JISC's text (label) results file (header
    ``Unique Response Number``) is read as one header row, with a note.
``spss`` / ``stata``
    SPSS ``.sav``/``.zsav`` and Stata ``.dta`` files, read by :mod:`helpers.survey.spss`
    (pyreadstat): cells hold the codes, user-missing values kept, variable labels as
    ``questions``, value labels as ``value_labels``.
``csv`` / ``xlsx``
    Any other file with one header row. An ``.xlsx`` workbook (first sheet) is read with
    openpyxl and its cells turned into text deterministically (see :func:`cell_text`); if its
    rows look like one of the platforms above, it is read as that platform, with
    ``encoding == "xlsx"``.

Rules common to all formats
---------------------------
* Text is decoded by :func:`helpers.files.read_text` (UTF-8 with or without BOM, UTF-16 with
  BOM, cp1252). Tab-delimited when the first line has more tabs than commas.
* ``data.index`` (``source_row``) is the row number a spreadsheet shows for the response
  (header rows and blank lines counted; a quoted line break does not start a new row).
* Whitespace runs (including NBSP and line breaks) inside a column ID become one space;
  an empty header cell becomes ``column_<n>`` (n = 1-based position); duplicate IDs get
  ``_1``, ``_2`` ... in order (skipping names already in the header). Each is noted.
* Trailing columns with no header and no data (a trailing comma) are dropped, noted;
  blank rows in the body are dropped, noted with their row numbers.
* A file with its header rows and no responses gives 0 rows (noted), not an error.

Bad input raises :class:`helpers.files.InputError` naming the file, row, column and value:
empty or undecodable file (or an old binary ``.xls``), a copy of a header row inside the data
(a row whose first cell equals the header row's first cell and which matches at least half of
its non-empty cells), a missing header row (e.g. a Qualtrics file whose row 3 is not ImportId
JSON), rows with more fields than the header row, an unclosed quote, a platform that does not
fit the file, an unknown platform name, a malformed JISC key file.

Performance: the text is parsed once by pandas' C parser and every check is a vectorised
column operation; a 1.5-million-row, 30-column export (90 MB) reads in 2.5-5 seconds on the
shared 2-core machine.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import files
from helpers.files import InputError

PLATFORMS = ("qualtrics", "qualtrics-legacy", "surveymonkey", "jisc", "csv", "xlsx", "spss", "stata")

# Qualtrics row-1 metadata IDs (current format). Three or more of them in row 1 mean Qualtrics.
QUALTRICS_IDS = frozenset(
    {
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "UserLanguage",
    }
)
LEGACY_V = [f"V{i}" for i in range(1, 11)]
_IMPORT_ID_PREFIX = '{"ImportId"'
_IMPORT_ID_PREFIX_PY = "{'ImportId'"
_QNUM = re.compile(r"[Qq]\d+[A-Za-z0-9_.]*")
_CODE = re.compile(r"-?\d+")
_NOTE_LIST = 10  # at most this many items listed in a note


@dataclass
class SurveyExport:
    """One export, read: see the module docstring for what each platform gives."""

    data: pd.DataFrame  # one row per response, all str, "" = missing, index "source_row"
    questions: dict[str, str]  # column ID -> question text / label
    import_ids: dict[str, str]  # Qualtrics: column ID -> ImportId (row 3); else empty
    platform: str  # one of PLATFORMS
    source: Path
    encoding: str  # utf-8, utf-8-sig, utf-16, cp1252 or xlsx
    notes: list[str]  # tolerated quirks, with counts
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # JISC key: code -> label
    # SurveyMonkey: column ID -> (its question's row-1 text, carried right; its row-2 sub-label),
    # which says which columns are one question (make codebook groups them); else empty
    parts: dict[str, tuple[str, str]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Detection


def _cells(row: Sequence[str] | None) -> list[str]:
    return [] if row is None else ["" if c is None else str(c) for c in row]


def _has_import_ids(row: Sequence[str]) -> bool:
    # QualtricsTools writes the row Python-style ({'ImportId': 'QID1'}): accepted too.
    return any(c.lstrip().startswith((_IMPORT_ID_PREFIX, _IMPORT_ID_PREFIX_PY)) for c in row)


def _is_number_row(row: Sequence[str]) -> bool:
    """SurveyMonkey 2023's extra row: blank or ``q<n>`` cells only, at least one ``q<n>``."""
    filled = [c.strip() for c in row if c.strip()]
    return bool(filled) and all(_QNUM.fullmatch(c) for c in filled)


def _surveymonkey_layout(rows: list[list[str]]) -> tuple[int, int | None, str]:
    """(header rows, position of 'Respondent ID', its cell in the sub-label row) or (0, ...).

    SurveyMonkey's sub-label row is blank (or repeats the name) under ``Respondent ID``; a
    respondent number there means the file has one header row (a cleaned or condensed file).
    """
    row1, row2, row3 = rows
    if "Respondent ID" in row1:
        n, position, sub_row = 2, row1.index("Respondent ID"), row2
    elif "Respondent ID" in row2 and _is_number_row(row1):
        n, position, sub_row = 3, row2.index("Respondent ID"), row3
    else:
        return 0, None, ""
    sub = sub_row[position] if position < len(sub_row) else ""
    return (n if sub.strip() in ("", "Respondent ID") else 0), position, sub


def detect_platform(header_rows: Sequence[Sequence[str]]) -> str:
    """Name the platform that wrote an export from its first rows (up to three).

    Returns one of ``qualtrics``, ``qualtrics-legacy``, ``surveymonkey``, ``jisc``, ``csv``.
    Qualtrics is recognised by ImportId JSON in row 2 or 3, or by three or more of its row-1
    metadata IDs; never by the row-2 labels, which are localised. A Qualtrics-looking file
    whose row 3 is not ImportId JSON is still "qualtrics": reading it then says which header
    row is missing.
    """
    rows = [_cells(r) for r in list(header_rows)[:3]]
    while len(rows) < 3:
        rows.append([])
    row1, row2, row3 = rows
    if _has_import_ids(row3) or _has_import_ids(row2):
        return "qualtrics"
    if row1[:2] == ["V1", "V2"] and (row1[:10] == LEGACY_V or "ResponseID" in row2):
        return "qualtrics-legacy"
    if len(QUALTRICS_IDS.intersection(row1)) >= 3:
        return "qualtrics"
    if _surveymonkey_layout(rows)[0]:
        return "surveymonkey"
    if row1[:1] in (["URN"], ["Unique Response Number"]):
        return "jisc"
    return "csv"


# --------------------------------------------------------------------------------------------
# Reading the grid of cells


def _sniff_separator(text: str) -> str:
    """The delimiter used most in the header line: comma, tab (WoS, Excel "Unicode text") or
    semicolon (LimeSurvey's default); a tie goes to the comma."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    counts = {",": first.count(","), "\t": first.count("\t"), ";": first.count(";")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def _record(text: str, sep: str, number: int) -> list[str] | None:
    """Fields of record ``number`` (1-based), re-read with the csv module (error path only)."""
    for i, fields in enumerate(csv.reader(io.StringIO(text), delimiter=sep), start=1):
        if i == number:
            return fields
    return None


def _parse_text(text: str, source: Path, sep: str) -> pd.DataFrame:
    """All records, header rows included, as str cells; index = spreadsheet row number."""
    try:
        # The parser is fed UTF-8 bytes, not io.StringIO(text): StringIO holds its text as
        # 4 bytes per character, which made reading a 340 MB export peak ~1 GB higher (issue 8).
        grid = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quotechar='"',
            engine="c",
            encoding="utf-8",
        )
    except pd.errors.ParserError as exc:
        message = str(exc)
        ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
        if ragged:
            expected, row, saw = (int(g) for g in ragged.groups())
            fields = _record(text, sep, row) or []
            extra = [v for v in fields[expected:] if v != ""]
            raise InputError(
                source,
                f"row has {saw} fields but the header row has {expected}",
                row=row,
                column=expected + 1,
                value=extra[0] if extra else None,
            ) from exc
        unclosed = re.search(r"EOF inside string starting at row (\d+)", message)
        if unclosed:
            raise InputError(
                source,
                "a quoted field is never closed (unbalanced double quote)",
                row=int(unclosed.group(1)) + 1,
            ) from exc
        raise InputError(source, f"cannot parse as delimited text: {message}") from exc
    except pd.errors.EmptyDataError as exc:
        if text.strip():  # pandas calls a file whose first line is blank "empty"
            raise InputError(source, "row 1 is blank; expected the header row", row=1) from exc
        raise InputError(source, "file is empty") from exc
    grid.index = pd.RangeIndex(1, len(grid) + 1, name="source_row")
    grid.columns = range(grid.shape[1])
    return grid


def cell_text(value) -> str:
    """An Excel cell's value as the text a CSV export would hold, deterministically.

    None -> ``""``; booleans -> ``TRUE``/``FALSE``; integral numbers -> ``"3"`` (not ``3.0``);
    other floats -> shortest round-trip repr (``0.1``); datetimes -> ISO ``YYYY-MM-DD
    HH:MM:SS`` (``YYYY-MM-DD`` when the time is midnight); dates and times -> ISO; text as is.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _is_xlsx(path: Path) -> bool:
    """True for an .xlsx workbook (by name or zip signature); refuses the old binary .xls."""
    if path.is_file():
        files.refuse_escaping_link(path)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(8)
    except OSError:
        magic = b""
    if path.suffix.lower() == ".xls" or magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(path, "this is an old binary Excel workbook (.xls): save it as .xlsx or CSV")
    return path.suffix.lower() in (".xlsx", ".xlsm") or magic[:4] == b"PK\x03\x04"


def _read_xlsx(path: Path, notes: list[str]) -> pd.DataFrame:
    """First sheet as str cells; index = the sheet's row numbers."""
    members = files.safe_zip_members(path)  # refuses unsafe or oversized archives
    if "xl/workbook.xml" not in members:
        raise InputError(path, "not an Excel .xlsx workbook (no xl/workbook.xml in the archive)")
    import openpyxl  # parses the XML with defusedxml when it is installed

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt workbook
        raise InputError(path, f"cannot open the workbook: {exc}") from exc
    try:
        if not workbook.worksheets:
            raise InputError(path, "workbook has no worksheet")
        sheet = workbook.worksheets[0]
        if len(workbook.worksheets) > 1:
            notes.append(f"workbook has {len(workbook.worksheets)} sheets; read the first, {sheet.title!r}")
        sheet.reset_dimensions()  # some writers store wrong dimensions; read every cell
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(path, "workbook's first sheet is empty")
    width = max(len(r) for r in rows)
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)
    grid.index = pd.RangeIndex(1, len(grid) + 1, name="source_row")
    grid.columns = range(width)
    return grid


# --------------------------------------------------------------------------------------------
# Column names


def _clean_id(text: str) -> str:
    return " ".join(text.split())


def _finish_ids(raw: list[str], notes: list[str]) -> list[str]:
    """Whitespace-normalise, name empty headers by position, de-duplicate with _1, _2."""
    ids = []
    changed = 0
    unnamed = []
    for position, name in enumerate(raw, start=1):
        clean = _clean_id(name)
        if clean != name:
            changed += 1
        if not clean:
            clean = f"column_{position}"
            unnamed.append(clean)
        ids.append(clean)
    if changed:
        notes.append(f"normalised whitespace (line breaks, non-breaking spaces) in {changed} column name(s)")
    if unnamed:
        notes.append(f"named {len(unnamed)} column(s) with an empty header by position: " + _listing(unnamed))
    everything = set(ids)
    used: set[str] = set()
    last_suffix: dict[str, int] = {}
    renames = []
    out = []
    for name in ids:
        if name not in used:
            used.add(name)
            out.append(name)
            continue
        k = last_suffix.get(name, 0)
        while True:
            k += 1
            candidate = f"{name}_{k}"
            if candidate not in used and candidate not in everything:
                break
        last_suffix[name] = k
        used.add(candidate)
        out.append(candidate)
        renames.append(f"{name} -> {candidate}")
    if renames:
        notes.append(f"renamed {len(renames)} duplicate header(s): " + _listing(renames))
    return out


def _record_duplicated_columns(data, raw_ids, ids) -> None:
    """Remember which columns are renamed copies of a repeated column ID (``data.attrs``), so
    that :func:`check_duplicated_columns` can stop when the analysis reads one whose copies
    disagree."""
    copies: dict[str, list[str]] = {}
    first_of: dict[str, str] = {}
    for raw, final in zip(raw_ids, ids):
        clean = _clean_id(raw)
        if not clean:
            continue
        if clean in first_of:
            copies.setdefault(first_of[clean], []).append(final)
        else:
            first_of[clean] = final
    data.attrs["duplicate_columns"] = copies


def check_duplicated_columns(data, columns, source) -> None:
    """A column the analysis reads that appears twice in the export: identical copies are
    fine; copies that disagree are an error naming both and the first row where they differ
    (otherwise the first copy would be used silently)."""
    copies = data.attrs.get("duplicate_columns") or {}
    for column in columns:
        for other in copies.get(column, []):
            a, b = data[column].fillna(""), data[other].fillna("")
            differ = (a != b).to_numpy()
            if differ.any():
                i = int(differ.nonzero()[0][0])
                raise InputError(
                    source,
                    f"column {column!r} appears twice in the export and the copies disagree (the "
                    f"second copy was renamed {other}); remove the wrong copy",
                    row=int(data.index[i]),
                    column=column,
                    value=(a.iloc[i], b.iloc[i]),
                )


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_NOTE_LIST])
    return shown + (f", ... ({len(items) - _NOTE_LIST} more)" if len(items) > _NOTE_LIST else "")


def _ffill(cells: list[str]) -> list[str]:
    out, last = [], ""
    for c in cells:
        last = c if c.strip() else last
        out.append(last)
    return out


# --------------------------------------------------------------------------------------------
# Platform layouts: number of header rows and the column IDs / questions they give


def _header_count(platform: str, rows: list[list[str]]) -> int:
    if platform == "qualtrics":
        return 3
    if platform == "qualtrics-legacy":
        return 2
    if platform == "surveymonkey":
        return _surveymonkey_layout(rows)[0]
    return 1


def _check_fits(platform: str, rows: list[list[str]], source: Path) -> None:
    """Stop when the file does not have the header rows the platform writes."""
    row1, row2, row3 = rows
    if platform == "qualtrics":
        if _has_import_ids(row2) and not _has_import_ids(row3):
            raise InputError(
                source,
                "expected the Qualtrics 3-row header (row 1 IDs, row 2 question labels, "
                "row 3 ImportId JSON) but row 2 already holds the ImportId JSON: the label row is missing",
                row=2,
                column=row1[0] if row1 else None,
                value=row2[0] if row2 else None,
            )
        if not _has_import_ids(row3):
            raise InputError(
                source,
                "expected the Qualtrics 3-row header (row 1 IDs, row 2 question labels, "
                'row 3 ImportId JSON such as {"ImportId":"QID1"}) but row 3 is not ImportId JSON: '
                "a header row is missing (for a file with one header row, give platform='csv')",
                row=3,
                column=row1[0] if row1 else None,
                value=row3[0] if row3 else None,
            )
    elif platform == "qualtrics-legacy":
        if row1[:2] != ["V1", "V2"]:
            raise InputError(
                source,
                "expected the legacy Qualtrics header (row 1 starting V1, V2, ... V10)",
                row=1,
                column=1,
                value=row1[0] if row1 else None,
            )
    elif platform == "surveymonkey":
        n, position, sub = _surveymonkey_layout(rows)
        if position is None:
            raise InputError(
                source,
                "expected a SurveyMonkey header (a 'Respondent ID' column in row 1, "
                "or in row 2 below a row of question numbers q1, q2 ...)",
                row=1,
                column=1,
                value=row1[0] if row1 else None,
            )
        if not n:
            sub_row = 2 if "Respondent ID" in row1 else 3
            raise InputError(
                source,
                f"expected SurveyMonkey's sub-label row (blank under 'Respondent ID') "
                f"in row {sub_row}, but it holds a response: the file has one header row "
                "(give platform='csv')",
                row=sub_row,
                column="Respondent ID",
                value=sub,
            )
    elif platform == "jisc":
        if row1[:2] == ["URN", "Unique Response Number"] and len(row1) == 2:
            raise InputError(
                source,
                "this is a JISC key file: read the results file and give this file as key_file",
                row=1,
                value="Unique Response Number",
            )
        if row1[:1] not in (["URN"], ["Unique Response Number"]):
            raise InputError(
                source,
                "expected a JISC Online Surveys results file (first column 'URN')",
                row=1,
                column=1,
                value=row1[0] if row1 else None,
            )


def _qualtrics_header(rows, source, notes):
    ids_row, labels, json_row = rows
    import_ids = []
    for position, (column, cell) in enumerate(zip(ids_row, json_row), start=1):
        if cell.strip() == "":
            import_ids.append("")
            continue
        try:
            if cell.lstrip().startswith(_IMPORT_ID_PREFIX_PY):
                parsed = ast.literal_eval(cell.strip())  # a literal only: no code runs
            else:
                parsed = json.loads(cell)
            import_ids.append(str(parsed["ImportId"]))
        except (ValueError, TypeError, KeyError, SyntaxError) as exc:
            raise InputError(
                source,
                'row 3 cell is not Qualtrics ImportId JSON such as {"ImportId":"QID1"}',
                row=3,
                column=column or position,
                value=cell,
            ) from exc
    return list(ids_row), list(labels), import_ids


def _surveymonkey_header(rows, notes):
    if len(rows) == 3:
        numbers, texts, subs = rows
        numbers = _ffill(numbers)
        notes.append(
            "SurveyMonkey header with an extra row of question numbers (3 header rows); "
            "column IDs use the numbers"
        )
    else:
        texts, subs = rows
        numbers = [""] * len(texts)
    filled = _ffill(texts)
    repeated = sum(1 for t, s in zip(texts, subs) if t.strip() and s == t)
    metadata = [t for t, s in zip(texts, subs) if t.strip() and s == t]
    ids, questions = [], []
    parts = [(text.strip(), "" if sub == text else sub.strip()) for text, sub in zip(filled, subs)]
    for text, number, sub in zip(filled, numbers, subs):
        if not sub.strip() or sub == text:
            ids.append(text)
            questions.append(text)
        else:
            ids.append(f"{number} - {sub}" if number.strip() else f"{text} - {sub}")
            questions.append(f"{text} - {sub}" if text.strip() else sub)
    if repeated:
        notes.append(f"row 2 repeats the row-1 text in {repeated} column(s) (e.g. {metadata[0]!r})")
    return ids, questions, parts


# --------------------------------------------------------------------------------------------
# JISC key file


def read_jisc_key(path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """A JISC key file: question ID -> text, and question ID -> {code: label}."""
    path = Path(path)
    decoded = files.read_text(path)
    grid = _parse_text(decoded.text, path, _sniff_separator(decoded.text))
    if grid.shape[1] != 2:
        raise InputError(
            path, f"a JISC key file has 2 columns, this one has {grid.shape[1]}", row=1, value=grid.iloc[0, 0]
        )
    grid = grid[(grid[0] != "") | (grid[1] != "")]
    first = grid[0].str.strip()
    is_code = first.str.fullmatch(_CODE.pattern)
    if len(grid) == 0 or bool(is_code.iloc[0]):
        raise InputError(
            path,
            'a JISC key file starts with a question row such as "URN","Unique Response Number"',
            row=int(grid.index[0]) if len(grid) else 1,
            column=1,
            value=grid.iloc[0, 0] if len(grid) else None,
        )
    if (first == "").any():
        row = int(grid.index[(first == "").to_numpy()][0])
        raise InputError(
            path, "key row has no question ID or code", row=row, column=1, value=grid.loc[row, 1]
        )
    questions_rows = grid[~is_code]
    duplicated = questions_rows[0].duplicated(keep="first")
    if duplicated.any():
        row = int(questions_rows.index[duplicated.to_numpy()][0])
        raise InputError(
            path,
            "question ID appears twice in the key file",
            row=row,
            column=1,
            value=questions_rows.loc[row, 0],
        )
    questions = dict(zip(questions_rows[0].str.strip(), questions_rows[1]))
    owner = first.where(~is_code).ffill()
    codes = grid[is_code]
    labels: dict[str, dict[str, str]] = {}
    for qid, code, label, row in zip(owner[is_code], codes[0].str.strip(), codes[1], codes.index):
        bucket = labels.setdefault(qid, {})
        if code in bucket:
            raise InputError(
                path, f"code appears twice under question {qid}", row=int(row), column=1, value=code
            )
        bucket[code] = label
    return questions, labels


_JISC_RESULTS = re.compile(r"^(?P<base>.+?)\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?)\.csv$")


def find_jisc_key(results: Path) -> Path | None:
    """The key file beside a JISC results file: ``<base>-key.<lang>.csv``.

    JISC stamps each download with its minute, so a key downloaded with the results may carry a
    different ``HHMM``: when the exact name is absent, one key with the same survey name, date
    and language is accepted; two or more is an error (give ``key_file``).
    """
    match = _JISC_RESULTS.match(results.name)
    if not match or match["base"].endswith("-key") or match["base"].endswith(".txt"):
        return None
    base, lang = match["base"], match["lang"]
    exact = results.with_name(f"{base}-key.{lang}.csv")
    if exact.is_file():
        return exact
    stamped = re.fullmatch(r"(.+-\d{4}-\d{2}-\d{2})-\d{4}", base)
    if not stamped:
        return None
    pattern = re.compile(re.escape(stamped.group(1)) + r"-\d{4}-key\." + re.escape(lang) + r"\.csv")
    candidates = sorted(p for p in results.parent.iterdir() if pattern.fullmatch(p.name))
    if len(candidates) > 1:
        raise InputError(
            results,
            "several JISC key files match this results file; give key_file",
            value=", ".join(p.name for p in candidates),
        )
    return candidates[0] if candidates else None


def _apply_jisc_key(columns, key_questions, key_labels, key_path, notes):
    questions, value_labels, unmatched, matched_keys = {}, {}, [], set()
    for column in columns:
        if column in key_questions:
            questions[column] = key_questions[column]
            matched_keys.add(column)
            if column in key_labels:
                value_labels[column] = dict(key_labels[column])
            continue
        base, _, code = column.rpartition("_")
        if base in key_questions and code in key_labels.get(base, {}):
            parts = [key_questions[base], key_labels[base][code]]
            parent = base.split("_", 1)[0]
            if parent != base and parent in key_questions:
                parts.insert(0, key_questions[parent])
                matched_keys.add(parent)
            questions[column] = " - ".join(parts)
            matched_keys.add(base)
            continue
        questions[column] = column
        unmatched.append(column)
    notes.append(
        f"key file {key_path.name}: {len(columns) - len(unmatched)} of {len(columns)} "
        f"columns matched ({len(value_labels)} with value labels)"
    )
    if unmatched:
        notes.append(f"{len(unmatched)} column(s) not in the key file: " + _listing(unmatched))
    unused = [q for q in key_questions if q not in matched_keys]
    if unused:
        notes.append(f"{len(unused)} key question(s) with no results column: " + _listing(unused))
    return questions, value_labels


# --------------------------------------------------------------------------------------------
# The reader


def read_export(
    path, platform: str | None = None, *, key_file=None, encoding: str | None = None
) -> SurveyExport:
    """Read a survey export (format detected, or named by ``platform``); see the module docs."""
    path = Path(path)
    if platform is not None:
        platform = str(platform).strip().lower()
        if platform not in PLATFORMS:
            raise InputError(
                path, f"unknown platform; expected one of {', '.join(PLATFORMS)}", value=platform
            )
    from helpers.survey import spss  # SPSS/Stata files: their own reader (pyreadstat)

    if platform in ("spss", "stata") or (platform is None and spss.platform_of(path)):
        return spss.read_labelled(path, platform)[0]
    notes: list[str] = []
    xlsx = _is_xlsx(path)
    if xlsx:
        grid = _read_xlsx(path, notes)
        encoding = "xlsx"
    else:
        if platform == "xlsx":
            raise InputError(path, "platform 'xlsx' was given but the file is not an .xlsx workbook")
        declared = encoding
        decoded = files.read_text(path, declared)
        encoding = decoded.encoding
        if declared is not None:
            notes.append(f"decoded as {declared}, the encoding declared in the codebook (survey.encoding)")
        elif encoding == "cp1252":
            notes.append(
                "not valid UTF-8: decoded as Windows-1252 (cp1252), as Excel writes when it re-saves a CSV"
            )
        separator = _sniff_separator(decoded.text)
        if separator != ",":
            notes.append({"\t": "tab-delimited", ";": "semicolon-delimited"}[separator])
        grid = _parse_text(decoded.text, path, separator)

    first_rows = [list(grid.iloc[i]) for i in range(min(3, len(grid)))]
    while len(first_rows) < 3:
        first_rows.append([])
    if not any(c.strip() for c in first_rows[0]):
        raise InputError(path, "row 1 is blank; expected the header row", row=1)
    detected = detect_platform(first_rows)
    if platform in (None, "csv", "xlsx"):
        chosen = detected if platform is None else "csv"
    else:
        chosen = platform
    _check_fits(chosen, first_rows, path)
    n_header = _header_count(chosen, first_rows)
    if len(grid) < n_header:
        raise InputError(
            path,
            f"the {chosen} format has {n_header} header rows but the file ends "
            f"after row {len(grid)}: a header row is missing",
            row=len(grid) + 1,
        )
    if chosen == "jisc" and first_rows[0][:1] == ["Unique Response Number"]:
        notes.append(
            "JISC text (label) results file: multi-select answers are labels joined "
            "by commas that labels also contain; use the coded results file for them"
        )
    reported = ("xlsx" if xlsx else "csv") if chosen == "csv" else chosen

    header = grid.iloc[:n_header]
    body = grid.iloc[n_header:]

    # Trailing columns with no header and no data: the trailing comma of legacy Qualtrics etc.
    empty_header = (header.apply(lambda col: col.str.strip()) == "").all(axis=0).to_numpy()
    keep = grid.shape[1]
    while keep > 1 and empty_header[keep - 1] and bool((body[keep - 1] == "").all()):
        keep -= 1
    if keep < grid.shape[1]:
        dropped = grid.shape[1] - keep
        notes.append(
            f"dropped {dropped} trailing empty column(s) (no header, no data)"
            if dropped > 1
            else "dropped trailing empty column (no header, no data)"
        )
        header = header.iloc[:, :keep]
        body = body.iloc[:, :keep]
    header_rows = [list(header.iloc[i]) for i in range(n_header)]

    # Blank lines in the body.
    blank = (body == "").all(axis=1)
    if blank.any():
        rows = [str(r) for r in body.index[blank.to_numpy()]]
        notes.append(f"dropped {len(rows)} blank row(s): rows " + _listing(rows))
        body = body[~blank.to_numpy()]

    # A copy of a header row inside the data (exports concatenated, headers pasted twice): a
    # row whose first cell equals that header row's (non-empty) first cell and which agrees
    # with at least half of that header row's non-empty cells.
    for number, values in enumerate(header_rows, start=1):
        named = [j for j, v in enumerate(values) if v.strip()]
        if not values[0].strip():
            continue
        candidates = body.loc[body[0] == values[0], named]
        if len(candidates):
            expected = pd.Series([values[j] for j in named], index=named)
            same = (candidates == expected).mean(axis=1) >= 0.5
            if same.any():
                rows = [int(r) for r in candidates.index[same.to_numpy()]]
                raise InputError(
                    path,
                    f"header row {number} appears again inside the data (a duplicated header row)",
                    row=rows if len(rows) > 1 else rows[0],
                    column=1,
                    value=values[0],
                )

    questions_list: list[str]
    import_list: list[str] = []
    if chosen == "qualtrics":
        raw_ids, questions_list, import_list = _qualtrics_header(header_rows, path, notes)
    elif chosen == "surveymonkey":
        raw_ids, questions_list, parts_list = _surveymonkey_header(header_rows, notes)
    elif chosen == "qualtrics-legacy":
        raw_ids, questions_list = header_rows[0], header_rows[1]
    else:
        raw_ids, questions_list = header_rows[0], header_rows[0]
    ids = _finish_ids(list(raw_ids), notes)
    questions = {i: (q if q.strip() else i) for i, q in zip(ids, questions_list)}
    import_ids = {i: v for i, v in zip(ids, import_list) if v}
    parts = dict(zip(ids, parts_list)) if chosen == "surveymonkey" else {}

    data = body.copy()
    data.columns = ids
    data.index.name = "source_row"
    _record_duplicated_columns(data, list(raw_ids), ids)
    if len(data) == 0:
        notes.append(f"no responses: the file has its {n_header} header row(s) and no data (0 rows)")

    value_labels: dict[str, dict[str, str]] = {}
    if chosen == "jisc":
        key_path = Path(key_file) if key_file is not None else find_jisc_key(path)
        if key_path is None:
            match = _JISC_RESULTS.match(path.name)
            wanted = f"{match['base']}-key.{match['lang']}.csv" if match else "<name>-key.<lang>.csv"
            notes.append(
                f"no JISC key file given or found beside the results (looked for {wanted}, or the "
                "same survey, date and language at another minute): question texts and value labels "
                "are not available"
            )
        else:
            if key_file is None:
                notes.append(f"key file found beside the results: {key_path.name}")
            key_questions, key_labels = read_jisc_key(key_path)
            questions, value_labels = _apply_jisc_key(ids, key_questions, key_labels, key_path, notes)
    elif key_file is not None:
        raise InputError(
            path,
            f"key_file is for JISC Online Surveys results; this file reads as {reported}",
            value=str(key_file),
        )

    return SurveyExport(
        data=data,
        questions=questions,
        import_ids=import_ids,
        platform=reported,
        source=path,
        encoding=encoding,
        notes=notes,
        value_labels=value_labels,
        parts=parts,
    )
