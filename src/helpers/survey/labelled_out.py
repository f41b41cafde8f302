"""The clean survey dataset as SPSS (.sav) and Stata (.dta), with variable and value labels.

What a data-archive deposit expects beside CSV and a codebook. Written with pyreadstat into
``data/processed`` (not published: decisions 8). :func:`labelled_frame` turns the clean data
into numbers plus labels:

* a categorical column becomes integer codes with value labels: the codebook's own codes
  where every code of the variable is an integer (so code 4 "Agree" stays 4), else 1..k in
  category order; the ``_nonsub`` companion columns likewise;
* text stays text; numbers stay numbers; variable labels are the codebook's question text
  (derived columns get a fixed description).

Each format's limits are applied and every change listed in ``LabelledWrite.truncations``
(``format, column, what, original, written``): Stata variable names at most 32 characters
(fewer for a labelled variable: pyreadstat names its value-label set after it plus a counter) and variable
labels at most 80; SPSS variable names at most 64 bytes and labels at most 256
characters; value labels at most 120 (SPSS) / 32,000 (Stata) characters. Nothing is dropped
without a line in that list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.outputs import atomic_path
from helpers.survey.codebook import Codebook

LIMITS = {
    "sav": {"name": 64, "label": 256, "value_label": 120},
    "dta": {"name": 32, "label": 80, "value_label": 32000},
}
DERIVED = {
    "respondent": "Study pseudonym",
    "role": "Role group",
    "profession": "Profession (doctor or manager)",
    "level": "Level (board or directorate)",
}


@dataclass
class Labelled:
    frame: pd.DataFrame
    variable_labels: dict[str, str]
    value_labels: dict[str, dict[int, str]]


NO_TRUNCATIONS = "Every name and label fits both formats: nothing had to be shortened."


@dataclass
class LabelledWrite:
    paths: list[Path]
    truncations: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def shown(self):
        """What report 02 shows: the changes a format's limits forced (format, column, what), or
        a sentence saying there were none (never an empty table)."""
        if len(self.truncations):
            return self.truncations[["format", "column", "what"]]
        from IPython.display import Markdown

        return Markdown(NO_TRUNCATIONS)


def _codes_for(column: str, categories: list[str], codebook: Codebook) -> dict[str, int]:
    base = column.removesuffix("_nonsub")
    var = codebook.variables.get(base)
    if var is not None:
        by_label = {label: code for code, label in var.value_labels.items()}
        codes = [by_label.get(c) for c in categories]
        if all(c is not None and re.fullmatch(r"-?\d+", c) for c in codes):
            return {cat: int(code) for cat, code in zip(categories, codes)}
    return {cat: i for i, cat in enumerate(categories, start=1)}


def labelled_frame(clean: pd.DataFrame, codebook: Codebook) -> Labelled:
    """Numbers and labels for every column of the clean dataset (see the module docstring)."""
    frame = pd.DataFrame(index=range(len(clean)))
    variable_labels: dict[str, str] = {}
    value_labels: dict[str, dict[int, str]] = {}
    for column in clean.columns:
        values = clean[column].reset_index(drop=True)
        base = column.removesuffix("_nonsub")
        var = codebook.variables.get(base)
        label = DERIVED.get(column) or (var.question if var is not None and var.question else column)
        if column.endswith("_nonsub"):
            label = f"{label} (non-substantive answer)"
        variable_labels[column] = label
        if isinstance(values.dtype, pd.CategoricalDtype):
            categories = [str(c) for c in values.cat.categories]
            mapping = _codes_for(column, categories, codebook)
            frame[column] = values.astype("object").map(
                lambda v, m=mapping: m.get(str(v)) if pd.notna(v) else None
            )
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
            value_labels[column] = {code: cat for cat, code in mapping.items()}
        elif pd.api.types.is_bool_dtype(values):
            frame[column] = values.astype("float64")
            value_labels[column] = {0: "No", 1: "Yes"}
        elif pd.api.types.is_numeric_dtype(values):
            frame[column] = values.astype("float64")
        else:
            frame[column] = values.astype("object").where(values.notna(), "").astype(str)
    return Labelled(frame, variable_labels, value_labels)


def _fit(labelled: Labelled, fmt: str) -> tuple[Labelled, list[dict]]:
    """Apply one format's limits; every change is a row of the truncation list."""
    limit = LIMITS[fmt]
    changes: list[dict] = []
    names: dict[str, str] = {}
    taken: set[str] = set()
    for column in labelled.frame.columns:
        name = column
        # pyreadstat names a Stata value-label set <variable><counter>, and that name has the
        # same 32-character limit: labelled variables leave room for the counter's digits.
        digits = len(str(len(labelled.value_labels)))
        max_name = limit["name"] - (digits if fmt == "dta" and column in labelled.value_labels else 0)
        if len(name.encode("utf-8")) > max_name or (fmt == "dta" and not re.fullmatch(r"[A-Za-z_]\w*", name)):
            stem = re.sub(r"\W", "_", name)
            name, n = stem[:max_name], 1
            while name in taken:
                n += 1
                name = f"{stem[: max_name - len(str(n)) - 1]}_{n}"
            changes.append(
                {
                    "format": fmt,
                    "column": column,
                    "what": "variable name",
                    "original": column,
                    "written": name,
                }
            )
        taken.add(name)
        names[column] = name
    variable_labels = {}
    for column, label in labelled.variable_labels.items():
        written = label[: limit["label"]]
        if written != label:
            changes.append(
                {
                    "format": fmt,
                    "column": column,
                    "what": "variable label",
                    "original": label,
                    "written": written,
                }
            )
        variable_labels[names[column]] = written
    value_labels = {}
    for column, labels in labelled.value_labels.items():
        fitted = {}
        for code, label in labels.items():
            written = label[: limit["value_label"]]
            if written != label:
                changes.append(
                    {
                        "format": fmt,
                        "column": column,
                        "what": f"value label {code}",
                        "original": label,
                        "written": written,
                    }
                )
            fitted[code] = written
        value_labels[names[column]] = fitted
    frame = labelled.frame.rename(columns=names)
    return Labelled(frame, variable_labels, value_labels), changes


# ReadStat stamps each file with the time it was written (pyreadstat has no option to set it), so
# two runs would differ in these bytes alone. They get a fixed stamp instead: same data, same bytes.
SAV_STAMP = b"01 Jan 0000:00:00"  # creation date (9 bytes) then time (8), at byte 92 of the header
DTA_STAMP = b"01 Jan 2000 00:00"  # <timestamp> of a release 118/119 header: a length byte, then text


def fix_timestamp(path, fmt: str) -> None:
    """Overwrite the write time in a .sav or .dta header with a fixed one (in place)."""
    with open(path, "r+b") as f:
        head = f.read(512)
        if fmt == "sav":
            if head[:4] not in (b"$FL2", b"$FL3"):
                raise ValueError(f"{path}: not an SPSS system file header")
            f.seek(92)
            f.write(SAV_STAMP)
            return
        at = head.find(b"<timestamp>")
        if at < 0:
            raise ValueError(f"{path}: no <timestamp> in the Stata header")
        length = head[at + len(b"<timestamp>")]
        if length not in (0, len(DTA_STAMP)):
            raise ValueError(f"{path}: unexpected Stata timestamp length {length}")
        f.seek(at + len(b"<timestamp>") + 1)
        f.write(DTA_STAMP[:length])


def write_sav_dta(clean: pd.DataFrame, codebook: Codebook, name: str = "survey_clean") -> LabelledWrite:
    """``data/processed/<name>.sav`` and ``.dta`` with labels; returns the paths and truncations."""
    import pyreadstat

    base = labelled_frame(clean, codebook)
    written, changes = [], []
    for fmt in ("sav", "dta"):
        fitted, fmt_changes = _fit(base, fmt)
        changes += fmt_changes
        target = paths.output(f"data/processed/{name}.{fmt}")
        with atomic_path(target) as tmp:
            kwargs = {"column_labels": fitted.variable_labels, "variable_value_labels": fitted.value_labels}
            if fmt == "sav":
                pyreadstat.write_sav(fitted.frame, str(tmp), **kwargs)
            else:
                pyreadstat.write_dta(fitted.frame, str(tmp), version=15, **kwargs)
            fix_timestamp(tmp, fmt)
        written.append(target)
    table = pd.DataFrame(changes, columns=["format", "column", "what", "original", "written"])
    return LabelledWrite(written, table)
