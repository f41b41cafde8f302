"""SPSS (.sav, .zsav) and Stata (.dta) survey files, read with pyreadstat into a :class:`SurveyExport`.

A data file from SPSS or Stata (or a platform's "SPSS export", e.g. Qualtrics) carries what a CSV
export lacks: a label for every variable, value labels (code -> label) and user-defined missing
values. :func:`read_labelled` turns such a file into the same table of strings every other
reader gives, so the codebook and the cleaning steps treat it like any export:

* every cell is the text of the stored **code** (``1``, not ``1.0``; ``-1``; a string as is;
  a date as ISO ``YYYY-MM-DD``); system-missing is ``""``. Because cells hold codes, a
  codebook written for the CSV export of the same survey reads the SPSS file too;
* **user-missing values are kept as their codes** (pyreadstat ``user_missing=True``), never
  turned into blanks: a "Don't know" (-1) stays distinguishable from an item nobody saw, and
  the codebook says what each is (``non_substantive`` or ``survey.missing_codes``). Stata's
  tagged missing values are written ``.a`` ... ``.z``;
* a column whose value labels are exactly a false/true pair (Qualtrics' SPSS export labels
  ``Finished`` 0 "False", 1 "True", and a re-saved file may use 1/2) is written as its labels,
  so the cleaning's finished flag cannot read code 1 as "true" when 1 means "False";
* ``questions`` = the variable labels (the name when unlabelled); ``value_labels`` = code ->
  label per labelled column (codes as the cells hold them);
* ``notes`` list the user-missing values per column, value labels on codes the data never
  hold, multiple-response sets, and SPSS' renaming of Qualtrics' ``Duration (in seconds)``.

:class:`LabelledMeta` keeps the rest (missing ranges, measurement levels, file notes) for
:mod:`helpers.survey.codebook_draft`. The file is read through :func:`helpers.files.read_bytes`
(size limit, provenance) and handed to pyreadstat as a file object.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import files
from helpers.files import InputError
from helpers.survey.readers import SurveyExport

SUFFIXES = {".sav": "spss", ".zsav": "spss", ".dta": "stata"}
_SPSS_MAGIC = (b"$FL2", b"$FL3")
_FALSE_TRUE = ({"false", "true"}, {"no", "yes"})


@dataclass
class LabelledMeta:
    """What the SPSS/Stata file says about its variables, besides the cells."""

    variable_labels: dict[str, str]  # column -> label ("" when none)
    value_labels: dict[str, dict[str, str]]  # column -> {code text: label}
    user_missing: dict[str, list[str]]  # column -> discrete user-missing codes (text)
    missing_ranges: dict[str, list[tuple[float, float]]]  # column -> SPSS ranges lo..hi (lo < hi)
    measure: dict[str, str]  # SPSS measurement level: nominal, ordinal, scale, unknown
    string_columns: list[str]
    file_notes: list[str] = field(default_factory=list)
    mr_sets: dict[str, dict] = field(default_factory=dict)


def platform_of(path: Path) -> str | None:
    """``spss`` or ``stata`` for a file with that suffix (or SPSS' magic bytes), else None."""
    by_suffix = SUFFIXES.get(Path(path).suffix.lower())
    if by_suffix:
        return by_suffix
    try:
        with open(path, "rb") as handle:
            magic = handle.read(11)
    except OSError:
        return None
    if magic[:4] in _SPSS_MAGIC:
        return "spss"
    if magic.startswith(b"<stata_dta>"):
        return "stata"
    return None


def code_text(value) -> str:
    """A stored value as the text a CSV export would hold: 1.0 -> "1", NaN -> "", date -> ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int,)):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return ""
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if pd.isna(value):
        return ""
    return str(value)


def _tagged(code: str, platform: str) -> str:
    """Stata's tagged missing values come back from pyreadstat as the bare letter."""
    if platform == "stata" and len(code) == 1 and code.isalpha() and code.islower():
        return "." + code
    return code


def _column_text(values: pd.Series, platform: str, is_string: bool) -> pd.Series:
    """Every cell of one column as text (see :func:`code_text`), distinct values converted once."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    texts = [code_text(v) for v in distinct]
    if not is_string:
        texts = [_tagged(t, platform) for t in texts]
    cells = np.array(texts, dtype=object)[codes] if len(texts) else np.array([], dtype=object)
    return pd.Series(cells, dtype="str")


def read_labelled(path, platform: str | None = None) -> tuple[SurveyExport, LabelledMeta]:
    """Read an SPSS or Stata file; see the module docstring. Bad input raises InputError."""
    import pyreadstat

    path = Path(path)
    detected = platform_of(path)
    platform = platform or detected
    if platform not in ("spss", "stata"):
        raise InputError(path, "not an SPSS (.sav/.zsav) or Stata (.dta) file", value=path.suffix)
    raw = files.read_bytes(path)
    if platform == "spss" and raw[:4] not in _SPSS_MAGIC:
        raise InputError(
            path,
            "not an SPSS system file (it should begin with $FL2 or $FL3)",
            value=raw[:4].decode("latin-1"),
        )
    reader = pyreadstat.read_sav if platform == "spss" else pyreadstat.read_dta
    try:
        frame, meta = reader(io.BytesIO(raw), user_missing=True, dates_as_pandas_datetime=False)
    except Exception as exc:  # pyreadstat raises ReadstatError/PyreadstatError for a corrupt file
        raise InputError(path, f"cannot read as {platform.upper()} data: {exc}") from exc

    notes: list[str] = []
    string_columns = [c for c, t in meta.readstat_variable_types.items() if t == "string"]
    variable_labels = {c: (meta.column_names_to_labels.get(c) or "") for c in frame.columns}

    value_labels: dict[str, dict[str, str]] = {}
    for column, labels in meta.variable_value_labels.items():
        is_string = column in string_columns
        value_labels[column] = {
            (code_text(k) if is_string else _tagged(code_text(k), platform)): str(v)
            for k, v in labels.items()
        }

    user_missing: dict[str, list[str]] = {}
    missing_ranges: dict[str, list[tuple[float, float]]] = {}
    for column, ranges in (meta.missing_ranges or {}).items():
        for r in ranges:
            lo, hi = r["lo"], r["hi"]
            if lo == hi:
                user_missing.setdefault(column, []).append(code_text(lo))
            else:
                missing_ranges.setdefault(column, []).append((float(lo), float(hi)))
    for column, tags in (getattr(meta, "missing_user_values", None) or {}).items():
        user_missing.setdefault(column, []).extend(_tagged(code_text(t), platform) for t in tags)

    data = pd.DataFrame({c: _column_text(frame[c], platform, c in string_columns) for c in frame.columns})
    data.index = pd.RangeIndex(1, len(frame) + 1, name="source_row")
    if len(frame.columns) and len(frame) == 0:
        notes.append("no responses: the file declares its variables and holds no cases (0 rows)")

    # A false/true pair of labels: write the labels, whatever codes carry them.
    for column, labels in value_labels.items():
        words = {label.strip().casefold() for label in labels.values()}
        if len(labels) == 2 and words in _FALSE_TRUE:
            data[column] = data[column].map(lambda v, m=labels: m.get(v, v)).astype("str")
            pairs = ", ".join(f"{c} = {lab}" for c, lab in labels.items())
            notes.append(f"column {column!r}: false/true value labels ({pairs}): cells hold the labels")

    for column, codes in user_missing.items():
        named = [
            f"{c} ({value_labels.get(column, {}).get(c)})" if c in value_labels.get(column, {}) else c
            for c in codes
        ]
        notes.append(f"column {column!r}: user-missing values {', '.join(named)} kept as codes")
    for column, ranges in missing_ranges.items():
        spans = ", ".join(f"{code_text(lo)} to {code_text(hi)}" for lo, hi in ranges)
        notes.append(f"column {column!r}: user-missing range {spans} (values in it kept as codes)")
    renamed = [c for c, label in variable_labels.items() if c == "Duration__in_seconds_"]
    if renamed:
        notes.append(
            "column 'Duration__in_seconds_' is Qualtrics' 'Duration (in seconds)' as SPSS names it: "
            "name it so in the codebook's metadata"
        )
    mr_sets = dict(getattr(meta, "mr_sets", None) or {})
    if mr_sets:
        notes.append(
            f"{len(mr_sets)} multiple-response set(s): "
            + ", ".join(f"{name} ({', '.join(s.get('variable_list', []))})" for name, s in mr_sets.items())
        )
    file_notes = [str(n) for n in (getattr(meta, "notes", None) or [])]
    if file_notes:
        notes.append(f"the file carries {len(file_notes)} line(s) of notes (document) text")

    export = SurveyExport(
        data=data,
        questions={c: (variable_labels[c] or c) for c in data.columns},
        import_ids={},
        platform=platform,
        source=path,
        encoding=str(getattr(meta, "file_encoding", None) or platform),
        notes=notes,
        value_labels=value_labels,
    )
    labelled = LabelledMeta(
        variable_labels=variable_labels,
        value_labels=value_labels,
        user_missing=user_missing,
        missing_ranges=missing_ranges,
        measure=dict(getattr(meta, "variable_measure", None) or {}),
        string_columns=string_columns,
        file_notes=file_notes,
        mr_sets=mr_sets,
    )
    return export, labelled
