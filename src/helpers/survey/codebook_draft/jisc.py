"""A draft from a JISC Online Surveys coded results file and its key file."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.files import InputError
from helpers.survey.codebook_draft.model import (
    Draft,
    DraftVariable,
    _battery_name,
    _name,
    _scale_name,
    _split_labels,
    _unique_labels,
)

_JISC_OPTION = re.compile(r"^(Q\d+)_(\d+)$")  # Q9_3: option 3 of tick-all question Q9


_JISC_GRID = re.compile(r"^(Q\d+)_(\d+)_([a-z]+)_1$")  # Q11_2_b_1: grid Q11, row 2, answer b


_TICK_ALL = re.compile(r"all that apply|tick all|select all|check all", re.IGNORECASE)


def draft_from_jisc(results: Path) -> Draft:
    """A draft from a JISC coded results file and its key file (found beside it by name): a
    single-answer question ``Q3`` -> ``categorical`` with the key's codes; a tick-all question
    ``Q9_1``.. -> one ``multiple`` over its 0/1 columns; a grid ``Q11_<row>_<answer>_1`` -> per
    row, a ``likert`` item over one-hot columns (one battery per grid, the answers as its
    scale) when no respondent ticked two answers in any row of the grid, else (or when the
    question says "all that apply") a ``multiple`` per row; a question
    with no codes in the key -> ``text``."""
    from helpers.survey.readers import find_jisc_key, read_export, read_jisc_key

    export = read_export(results, platform="jisc")
    key = find_jisc_key(results)
    if key is None:
        raise InputError(
            results,
            "drafting a JISC codebook needs the key file beside the results, named "
            "<results name>-key.<lang>.csv (download it with the coded results)",
        )
    questions, codes = read_jisc_key(key)
    short = re.match(r"(?:.*?results-for-)?(.+?)-\d{4}-\d{2}-\d{2}", results.name)
    title = short.group(1) if short else results.stem
    draft = Draft(title=title, source=results, platform="jisc", export=results.name)
    draft.metadata = {"response_id": "URN"} if "URN" in export.data.columns else {}
    data = export.data
    grids = {m.group(1) for c in data.columns if (m := _JISC_GRID.match(c))}
    groups: dict[str, DraftVariable] = {}
    taken: set[str] = set()
    for column in data.columns:
        if column in ("URN", "CompletionDate") or (column in grids and data[column].eq("").all()):
            continue  # metadata, and a grid's own (empty) column
        if m := _JISC_GRID.match(column):
            grid, row, answer = m.groups()
            cell = f"{grid}_{row}_{answer}"
            key_row = f"{grid}_{row}"
            if key_row not in groups:
                text = f"{questions.get(grid, grid)} - {questions.get(cell, key_row)}"
                groups[key_row] = DraftVariable(_name(key_row, taken), "", "multiple", text)
                groups[key_row].battery = _battery_name(grid)
                draft.variables.append(groups[key_row])
            groups[key_row].columns[answer] = column
            groups[key_row].labels[answer] = (codes.get(cell) or {}).get("1", answer)
        elif (m := _JISC_OPTION.match(column)) and m.group(1) in codes:
            question, option = m.groups()
            if question not in groups:
                groups[question] = DraftVariable(_name(question, taken), "", "multiple", questions[question])
                groups[question].comment = "tick all that apply: one 0/1 column per option"
                draft.variables.append(groups[question])
            groups[question].columns[option] = column
            groups[question].labels[option] = codes[question].get(option, option)
        else:
            var = DraftVariable(_name(column, taken), column, "text", questions.get(column, column))
            if codes.get(column):
                var.type = "categorical"
                var.labels, var.non_substantive = _split_labels(codes[column])
                if not var.labels:
                    var.labels, var.non_substantive = codes[column], {}
            draft.variables.append(var)
    several: dict[str, bool] = {}  # grid -> some respondent ticked two answers in one of its rows
    for var in draft.variables:
        if var.battery is not None:
            ticks = data[list(var.columns.values())].apply(lambda c: c.str.strip().isin({"1", "1.0"}))
            several[var.battery] = several.get(var.battery, False) or bool(ticks.sum(axis=1).max() > 1)
            several[var.battery] |= bool(_TICK_ALL.search(var.question)) or len(var.columns) < 2
    for var in draft.variables:
        if var.battery is None:
            continue
        var.labels = _unique_labels(var.labels)
        if not several[var.battery]:  # one answer a row: the answers are a scale
            sub, non = _split_labels(var.labels)
            var.type, var.labels = "likert", {}
            var.scale = _scale_name(draft, var.battery, sub or non, non if sub else {})
            var.comment = (
                "grid row: nobody ticked two answers in a row; if rows take several, make it multiple"
            )
        else:
            var.battery = None
            var.comment = "grid row taking several answers (tick all that apply)"
    draft.notes += [n for n in export.notes if "key file" in n]
    return draft
