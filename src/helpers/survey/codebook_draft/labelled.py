"""A draft from an SPSS (``.sav``) or Stata (``.dta``) file: variable labels as questions, value
labels as codes."""

from __future__ import annotations

from pathlib import Path

from helpers.survey.codebook_draft.model import Draft, DraftVariable, _name, _scale_name, _unique_labels
from helpers.survey.codebook_draft.qsf import _metadata_and_identifiers
from helpers.survey.codebook_draft.render import _mapping


def draft_from_labelled(path: Path) -> Draft:
    from helpers.survey.spss import read_labelled

    export, meta = read_labelled(path)
    draft = Draft(title=path.stem, source=path, platform=None, export=path.name)
    _metadata_and_identifiers(draft, export)
    meta_columns = set(draft.metadata.values()) | set(draft.identifiers.values())
    missing_codes: list[str] = []
    label_sets: dict[tuple, list[str]] = {}
    for column in export.data.columns:
        if column in meta_columns:
            continue
        labels = meta.value_labels.get(column, {})
        user_missing = meta.user_missing.get(column, [])
        sub = {c: lab for c, lab in labels.items() if c not in user_missing}
        if len(sub) >= 3:
            label_sets.setdefault(tuple(sub.items()), []).append(column)
    likert = {c: key for key, cols in label_sets.items() if len(cols) >= 2 for c in cols}
    taken: set[str] = set()
    for column in export.data.columns:
        if column in meta_columns:
            continue
        question = meta.variable_labels.get(column) or column
        var = DraftVariable(_name(column, taken), column, "text", question)
        labels = meta.value_labels.get(column, {})
        user_missing = meta.user_missing.get(column, [])
        unlabelled_missing = [c for c in user_missing if c not in labels]
        missing_codes += [c for c in unlabelled_missing if c not in missing_codes]
        if meta.missing_ranges.get(column):
            spans = ", ".join(f"{lo:g} to {hi:g}" for lo, hi in meta.missing_ranges[column])
            var.comment = f"user-missing range {spans}: list the codes that occur under survey.missing_codes"
        cells = set(export.data[column]) - {""} - set(user_missing)
        if labels and not cells <= set(labels) | set(
            labels.values()
        ):  # labels on some values only (e.g. 999 "skipped")
            var.type = "number" if _all_numbers(export.data[column]) else "text"
            var.comment = "value labels on some values only: " + _mapping(labels)
        elif labels:
            sub = _unique_labels({c: lab for c, lab in labels.items() if c not in user_missing})
            non = {c: lab for c, lab in labels.items() if c in user_missing}
            if column in likert:
                var.type = "likert"
                var.scale = _scale_name(draft, "labels_" + str(len(draft.scales) + 1), sub, non)
                var.battery = var.scale.removeprefix("scale_")
            else:
                var.type = "ordinal" if meta.measure.get(column) == "ordinal" else "categorical"
                var.labels, var.non_substantive = sub or non, non if sub else {}
        elif column not in meta.string_columns and _all_numbers(export.data[column]):
            var.type = "number"  # dates and times (ISO text) stay text
        draft.variables.append(var)
    draft.missing_codes = missing_codes
    draft.notes += export.notes
    return draft


def _all_numbers(values) -> bool:
    import pandas as pd

    filled = values[values.str.strip() != ""]
    return bool(pd.to_numeric(filled, errors="coerce").notna().all())
