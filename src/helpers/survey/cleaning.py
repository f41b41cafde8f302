"""From a platform export to the clean, analysable dataset, logging every decision.

The steps run in a fixed order on the rows still in play; each step records how many rows it
excluded and why, so that raw rows = clean rows + excluded rows always holds (asserted in
:func:`clean_survey`). Only variables declared in the codebook reach the clean data, so
identifiers the export carries (names, e-mails, IP addresses, locations, response IDs) cannot
leak: they are used for duplicate detection and then dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers import files, params_schema
from helpers.files import InputError
from helpers.survey.codebook import LEVEL, PROFESSION, ROLE_GROUPS, Codebook, Variable

# Qualtrics "Status" (row-2 label "Response Type") codes; choice-text exports hold the labels.
QUALTRICS_STATUS = {
    "0": "IP Address",
    "1": "Survey Preview",
    "2": "Survey Test",
    "4": "Imported",
    "8": "Spam",
    "9": "Survey Preview Spam",
    "12": "Imported Spam",
    "16": "Offline",
    "17": "Offline Survey Preview",
    "32": "EX",
    "40": "EX Spam",
    "48": "EX Offline",
}
TRUE_TEXT = {"1", "true", "yes", "y", "t"}
DEFAULT_SETTINGS = {
    "drop_status": [
        "Survey Preview",
        "Survey Test",
        "Spam",
        "Survey Preview Spam",
        "Imported Spam",
        "EX Spam",
        "Offline Survey Preview",
    ],
    "require_consent": True,
    "min_progress": 100,
    "duplicate_keys": [],
    "exclude_unclassified_role": True,
    "speeder_fraction": 0.33,
    "exclude_speeders": False,
    "straightline_min_items": 8,
    "exclude_straightliners": False,
    "duplicate_answers_min_items": 10,
    "exclude_duplicate_answers": False,
}


@dataclass
class CleaningResult:
    clean: pd.DataFrame  # one row per analysable respondent
    exclusions: pd.DataFrame  # source_row, step, reason: every excluded raw row
    flow: pd.DataFrame  # step, excluded, remaining
    role_recodes: pd.DataFrame  # how "Other, please specify" job titles were classified
    notes: list[str] = field(default_factory=list)
    # respondent, organisation: the codebook's design.organisation per respondent (None without
    # one). Kept apart from ``clean`` so that no output built from the clean data (.sav/.dta,
    # data package, deposit, data dictionary) can carry it: design only, never published.
    design: pd.DataFrame | None = None
    # Quality flags (clean-data column names) whose check could not run on this instrument, e.g.
    # flag_straightliner when no battery is long enough: report 02 says "not checked", not 0.
    # Kept out of ``notes`` (whose wording the generated instruments pin) and printed in the table.
    not_checked: dict[str, str] = field(default_factory=dict)


def straightline_note(codebook: Codebook, min_items: int) -> str | None:
    """Why straight-lining is not checked (no battery has ``min_items`` items), or None when it is."""
    sizes = [len(codebook.battery(b)) for b in codebook.batteries]
    if any(n >= min_items for n in sizes):
        return None
    longest = f"the longest has {max(sizes)} items" if sizes else "the codebook declares no battery"
    return (
        f"not checked: no battery has at least {min_items} items "
        f"(params survey.straightline_min_items; {longest})"
    )


def option_column(name: str, code: str) -> str:
    """The clean dataset's column for one option of a multiple-response variable."""
    return f"{name}__{code}"


def _normalise_text(values: pd.Series) -> pd.Series:
    """Compare answers as people mean them: case, spaces, NBSP and curly quotes ignored."""
    return (
        values.astype("str")
        .str.replace("\u00a0", " ", regex=False)
        .str.replace("\u2019", "'", regex=False)
        .str.replace("\u2018", "'", regex=False)
        .str.strip()
        .str.replace(r"\s+", " ", regex=True)
        .str.casefold()
    )


_NORMALISED: dict[str, str] = {}


def _normalised(values: Sequence[str]) -> list[str]:
    """:func:`_normalise_text` of each string, remembered per process: the same labels and codes
    recur in every variable of a scale and every export, and a pandas call per variable cost
    most of a small survey's cleaning (issue 11). Each new value goes through
    :func:`_normalise_text` itself (all of them in one call), so the result is the same."""
    new = [v for v in dict.fromkeys(values) if v not in _NORMALISED]
    if new:
        if len(_NORMALISED) + len(new) > 100_000:  # bounded: a large export's free text
            _NORMALISED.clear()
        _NORMALISED.update(zip(new, _normalise_text(pd.Series(new, dtype="str")).tolist()))
    return [_NORMALISED[v] for v in values]


def check_columns(data: pd.DataFrame, codebook: Codebook, source: Path | str) -> None:
    """Every column the codebook names must be in the export."""
    missing = [c for c in codebook.source_columns() if c not in data.columns]
    if missing:
        raise InputError(
            source,
            f"the codebook {Path(codebook.path).name} names columns that are not in the export: "
            f"{', '.join(map(repr, missing))}",
            column=missing[0],
        )


def decode_variable(
    values: pd.Series, var: Variable, codebook: Codebook, source: Path | str
) -> tuple[pd.Series, pd.Series]:
    """Map codes or labels to labels; return (substantive labels, non-substantive labels).

    Accepts either the recode value or the label text (numeric-values and choice-text exports);
    empty cells and the codebook's missing codes (e.g. -99 seen-but-unanswered) are missing.
    Any other value stops the run with the file, column, rows and value.
    """
    raw = values.fillna("").astype("str").str.strip()
    lookup = {}
    for code, label in var.value_labels.items():
        lookup[code] = label
    norm_lookup = {k.casefold(): v for k, v in lookup.items()}
    labels = list(lookup.values())  # normalised in one call, not one Series per label
    norm_lookup.update(dict(zip(_normalised(labels), labels)))
    # Decode each distinct cell once, then expand to the rows by position: a column holds a
    # handful of distinct values, so a 1.5-million-row export costs a few takes (issue 8).
    # factorize lists the distinct values in order of first appearance, so the first unknown
    # one below is the first unknown in row order, as a row-wise check would report.
    codes, distinct = pd.factorize(raw)
    distinct = pd.Series(distinct, dtype="str")
    missing = distinct.eq("") | distinct.isin(codebook.missing_codes)
    decoded = pd.Series(_normalised(distinct.tolist()), index=distinct.index, dtype="str").map(norm_lookup)
    unknown = ~missing & decoded.isna()
    if unknown.any():
        bad_value = distinct[unknown].iloc[0]
        rows = raw.index[raw.eq(bad_value)].tolist()
        expected = "; ".join(f"{c}={label}" for c, label in var.value_labels.items())
        raise InputError(
            source,
            f"value not in the codebook for variable {var.name!r} "
            f"(codebook {Path(codebook.path).name} expects {expected})",
            row=rows if len(rows) > 1 else rows[0],
            column=var.source,
            value=bad_value,
        )
    decoded = decoded.where(~missing)
    non_sub = set(var.non_substantive_labels)
    is_non_sub = decoded.isin(non_sub)

    def expand(part: pd.Series) -> pd.Series:
        # An object array of the few label strings, indexed by the codes: cheaper to build and
        # to turn into Categoricals than a string array copied row by row (1.5M rows: -3 s, -0.3 GB).
        return pd.Series(part.to_numpy(dtype=object)[codes], index=raw.index, name=raw.name, dtype=object)

    return expand(decoded.where(~is_non_sub)), expand(decoded.where(is_non_sub))


# A tick box (one 0/1 column per code: JISC Online Surveys grids and multiple choice).
TICKED = frozenset({"1", "1.0", "true", "yes", "x", "checked", "selected"})
UNTICKED = frozenset({"", "0", "0.0", "false", "no"})


def _ticks(
    data: pd.DataFrame, columns: dict[str, str], var: Variable, source, missing: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The tick-box columns ``{code: column}`` as booleans (one column per code); a cell that is
    neither ticked (1, or the option's own label: SurveyMonkey writes the label of a ticked
    option in its column) nor unticked (0 or empty) nor one of the codebook's
    ``missing_codes`` (Qualtrics writes -99 for a question seen but not answered: no box
    ticked) stops the run naming its rows and column."""
    out = {}
    unticked = UNTICKED | {str(code).strip().casefold() for code in missing}
    labels = var.value_labels
    for code, column in columns.items():
        raw = data[column].fillna("").astype("str")
        text = raw.str.strip().str.casefold()
        own = labels.get(code, "")
        if own:  # the option's label, compared as answers are (case, spaces, quotes), once per distinct cell
            distinct = pd.Series(pd.unique(raw), dtype="str")
            target = _normalised([str(own)])[0]
            hits = distinct[[v == target for v in _normalised(distinct.tolist())]]
            if len(hits):
                text = text.mask(raw.isin(hits), "1")
        bad = ~text.isin(TICKED | unticked)
        if bad.any():
            rows = data.index[bad].tolist()
            raise InputError(
                source,
                f"variable {var.name!r}: a tick-box column holds something other than 1 (ticked) "
                "or 0/empty (not ticked)" + (f" or a missing code ({', '.join(missing)})" if missing else ""),
                row=rows if len(rows) > 1 else rows[0],
                column=column,
                value=raw[bad].iloc[0],
            )
        out[code] = text.isin(TICKED).to_numpy()
    return pd.DataFrame(out, index=data.index)


def combine_one_hot(data: pd.DataFrame, codebook: Codebook, source: Path | str = "<export>") -> pd.DataFrame:
    """Each single-answer variable declared over 0/1 columns (``columns: {code: column}``)
    becomes one column, ``var.source``, holding the code of the ticked box (empty when none is
    ticked), decoded afterwards like any other column. More than one box ticked stops the run
    with the file, the rows and the columns ticked."""
    one_hot = [v for v in codebook.variables.values() if v.one_hot]
    if not one_hot:
        return data
    data = data.copy()
    for var in one_hot:
        ticks = _ticks(data, var.columns, var, source, codebook.missing_codes)
        many = ticks.sum(axis=1) > 1
        if many.any():
            rows = data.index[many].tolist()
            first = ticks.loc[rows[0]]
            ticked = [var.columns[c] for c in first.index[first.to_numpy()]]
            raise InputError(
                source,
                f"variable {var.name!r} takes one answer, but more than one of its boxes is ticked "
                f"in {len(rows)} row(s) (the first: columns {', '.join(ticked)})",
                row=rows if len(rows) > 1 else rows[0],
                column=", ".join(ticked),
            )
        codes = np.full(len(data), "", dtype=object)
        for code in ticks.columns:
            codes[ticks[code].to_numpy()] = code
        data[var.source] = pd.Series(codes, index=data.index, dtype="str")
    return data


def decode_multiple(
    data: pd.DataFrame, var: Variable, source: Path | str = "<export>", missing: tuple[str, ...] = ()
) -> pd.DataFrame:
    """A multiple-response (tick-all) question: one boolean column per option (codes, in the
    order of its labels), True ticked, False not, <NA> in the rows that answered nothing (no box
    ticked, or an empty cell). Options come from 0/1 columns (``columns``) or from one cell of
    codes or labels separated by ``delimiter``; an unknown option stops the run."""
    if var.columns:
        ticks = _ticks(data, var.columns, var, source, missing)
        ticks = ticks[[c for c in var.labels if c in ticks.columns]]
    else:
        raw = data[var.source].fillna("").astype("str").str.strip()
        raw = raw.where(~raw.isin(missing), "")  # seen but not answered: nothing ticked
        lookup = {code.casefold(): code for code in var.labels}
        lookup |= {label.strip().casefold(): code for code, label in var.labels.items()}
        codes, distinct = pd.factorize(raw)
        chosen = []
        for value in distinct:
            picked = set()
            for part in (p.strip() for p in str(value).split(var.delimiter)):
                if part and part.casefold() not in lookup:
                    rows = raw.index[raw.eq(value)].tolist()
                    raise InputError(
                        source,
                        f"option {part!r} of multiple-response variable {var.name!r} is not in the "
                        f"codebook (expected codes or labels: "
                        f"{'; '.join(f'{c}={lab}' for c, lab in var.labels.items())}; "
                        f"separated by {var.delimiter!r})",
                        row=rows if len(rows) > 1 else rows[0],
                        column=var.source,
                        value=value,
                    )
                if part:
                    picked.add(lookup[part.casefold()])
            chosen.append(picked)
        ticks = pd.DataFrame(
            {code: np.array([code in chosen[i] for i in codes], dtype=bool) for code in var.labels},
            index=data.index,
        )
    answered = ticks.any(axis=1)
    return ticks.astype("boolean").where(answered, pd.NA)


def _numeric(data: pd.DataFrame, column: str, source, what: str) -> pd.Series:
    raw = data[column].fillna("").astype("str").str.strip()
    values = pd.to_numeric(raw.where(raw != ""), errors="coerce")
    bad = raw.ne("") & values.isna()
    if bad.any():
        raise InputError(
            source,
            f"expected a number ({what})",
            row=raw.index[bad][0],
            column=column,
            value=raw[bad].iloc[0],
        )
    return values


def _same_person(parts: list[pd.Series], keep: pd.Series) -> pd.Series:
    """A person number for each row still kept: rows that share a non-blank value of ANY key
    (e-mail, external reference ...) are one person, transitively (union-find over the keys);
    rows with no key value at all get NaN (a blank key matches nothing)."""
    rows = list(keep.index[keep.to_numpy()])
    parent = {r: r for r in rows}

    def root(r):
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    has_key = pd.Series(False, index=keep.index)
    for part in parts:
        values = part[keep & part.ne("")]
        has_key |= keep & part.ne("")
        for _, group in values.groupby(values, sort=False):
            first = root(group.index[0])
            for other in group.index[1:]:
                parent[root(other)] = first
    person = pd.Series(np.nan, index=keep.index, dtype="float64")
    ids = {r: root(r) for r in rows}
    person[has_key] = [float(ids[r]) for r in keep.index[has_key.to_numpy()]]
    return person


# What a platform's exports lack, by ``survey.platform``: the cleaning note says what was done
# on that platform instead of asking the codebook for a column the export cannot have.
# SurveyMonkey exports carry no response status and no progress (docs/bring-your-own-survey.md).
PLATFORMS_WITHOUT = {
    "surveymonkey": {
        "name": "SurveyMonkey",
        "status": "SurveyMonkey exports have no response-status column, so preview, test and spam "
        "responses cannot be told apart in the export: no status filter applied (delete any test "
        "responses in SurveyMonkey before exporting).",
        "progress": "SurveyMonkey exports have no progress column: partial responses are those "
        "answering fewer than {threshold:g}% (params survey.min_progress) of {required}.",
    },
    # JISC Online Surveys' results file: URN, the questions, CompletionDate (a date, no time);
    # nothing else about the response (input-formats.md 1.3).
    "jisc": {
        "name": "JISC Online Surveys",
        "status": "JISC Online Surveys exports have no response-status column, so test responses "
        "cannot be told apart in the export: no status filter applied (delete any test responses "
        "in Online Surveys before exporting).",
        "progress": "JISC Online Surveys exports have no progress column: partial responses are "
        "those answering fewer than {threshold:g}% (params survey.min_progress) of {required}.",
        "duration": "JISC Online Surveys exports only the completion date (CompletionDate, no time "
        "of day) and no start time: response times, and so speeders, cannot be measured.",
    },
}


def _required_text(codebook: Codebook) -> str:
    """The items the answered share is taken over, in words: those marked ``required: true``,
    else every Likert item."""
    marked = [v for v in codebook.variables.values() if v.required]
    if marked:
        return f"the {len(marked)} item{'s' * (len(marked) != 1)} the codebook marks required: true"
    n = len(codebook.likert_items)
    return f"the {n} Likert item{'s' * (n != 1)} (the codebook marks none required: true)"


# Formats for start dates (strftime) by platform, as each documents its export.
PLATFORM_DATE_FORMATS = {
    "qualtrics": "%Y-%m-%d %H:%M:%S",
    "qualtrics-legacy": "%Y-%m-%d %H:%M:%S",
    "surveymonkey": "%m/%d/%Y %I:%M:%S %p",
    "jisc": "%Y-%m-%d",
}


def _identical_answers(
    decoded: dict[str, pd.Series],
    non_sub: dict[str, pd.Series],
    multiple: dict[str, pd.DataFrame],
    keep: pd.Series,
    codebook: Codebook,
    min_items: int,
) -> tuple[pd.Series, pd.Series]:
    """(flag, first): rows still kept whose answers to every analysable question (every declared
    variable but text, identifiers, the role and consent) equal another kept row's, with at least
    ``min_items`` answered (short answer vectors coincide by chance); ``first`` marks the first
    row of each such group in export order (the one kept if they are excluded)."""
    skip = {"text", "identifier", "role", "consent"}
    # Each answer as an integer code (-1: none), compared row against row: factorize is a hash
    # per value, far cheaper than comparing text (1.5 million rows: issue 8's scale).
    codes, answered = {}, pd.Series(0, index=keep.index)
    for name, answer in decoded.items():
        if codebook.variables[name].type in skip:
            continue
        codes[name] = pd.factorize(answer)[0]
        given = answer.notna()
        if name in non_sub:  # "Don't know" and no answer differ
            codes[f"{name} (non-substantive)"] = pd.factorize(non_sub[name])[0]
            given |= non_sub[name].notna()
        answered += given
    for name, ticks in multiple.items():
        for code in ticks.columns:
            codes[f"{name}__{code}"] = pd.factorize(ticks[code])[0]
            answered += ticks[code].notna()
    none = pd.Series(False, index=keep.index)
    if not codes:
        return none, none
    candidates = pd.DataFrame(codes, index=keep.index)[keep & (answered >= min_items)]
    copies = candidates.duplicated(keep=False)
    firsts = copies & ~candidates.duplicated(keep="first")
    return none | copies.reindex(keep.index, fill_value=False), none | firsts.reindex(
        keep.index, fill_value=False
    )


def parse_dates(values: pd.Series, codebook: Codebook, column: str, source) -> pd.Series:
    """Dates in ``column``, parsed with the codebook's ``survey.date_format`` or, failing that,
    the platform's documented format; otherwise ISO dates only. A column that fits neither and
    could be read day-first or month-first (03/04/2026) is refused with a message saying how to
    declare the format; unparseable cells are an error naming the row."""
    text = values.fillna("").astype("str").str.strip()
    filled = text[text.ne("")]
    fmt = codebook.date_format or PLATFORM_DATE_FORMATS.get(codebook.platform or "")
    if fmt is None or not pd.to_datetime(filled, format=fmt, errors="coerce").notna().all():
        if codebook.date_format is None and filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}([ T][\d:.]+)?").all():
            fmt = "ISO8601"
        elif codebook.date_format is None:
            ambiguous = filled[filled.str.match(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")]
            if not len(ambiguous):  # not a day/month question: name the first cell that is no date
                odd = filled[~filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}([ T][\d:.]+)?")]
                raise InputError(
                    source,
                    "not a date and time (expected YYYY-MM-DD hh:mm:ss, or declare survey.date_format "
                    "in the codebook)",
                    row=int(odd.index[0]),
                    column=column,
                    value=odd.iloc[0],
                )
            raise InputError(
                source,
                "dates could be read day-first or month-first: declare the format in the codebook "
                "as survey.date_format (e.g. '%d/%m/%Y %H:%M' or '%m/%d/%Y %I:%M:%S %p')",
                row=int(ambiguous.index[0]) if len(ambiguous) else int(filled.index[0]),
                column=column,
                value=ambiguous.iloc[0] if len(ambiguous) else filled.iloc[0],
            )
    parsed = pd.to_datetime(text.where(text.ne("")), format=fmt, errors="coerce")
    bad = text.ne("") & parsed.isna()
    if bad.any():
        raise InputError(
            source,
            f"not a date in the declared format {fmt!r} (survey.date_format in the codebook)",
            row=int(text.index[bad][0]),
            column=column,
            value=text[bad].iloc[0],
        )
    return parsed


def _times(data: pd.DataFrame, column: str, codebook: Codebook, source, notes: list[str]) -> pd.Series:
    """A start or end time column: Excel serial numbers (a re-saved sheet, e.g. SurveyMonkey
    2018's ``43290.53487``) are converted and noted; else the declared or platform format."""
    if files.is_excel_serial(data[column]):
        return files.parse_datetimes(data[column], source, column, notes)
    return parse_dates(data[column], codebook, column, source)


def classify_roles(
    role: pd.Series, other_text: pd.Series | None, var: Variable, codebook: Codebook
) -> tuple[pd.Series, pd.DataFrame]:
    """Role groups: the chosen role, or for "Other, please specify" the first matching rule."""
    role = role.astype("object")
    log_rows = []
    if other_text is not None and var.other_code is not None:
        other_label = var.labels.get(var.other_code)
        is_other = role.eq(other_label)
        text = other_text.fillna("").astype("str").str.strip()
        assigned = pd.Series(np.nan, index=role.index, dtype="object")
        for rule in codebook.role_rules:
            # Only the few "Other" rows are searched, so a Python-level search is cheap here.
            matches = pd.Series(False, index=role.index)
            matches[is_other] = np.array(
                [rule.pattern.search(t) is not None for t in text[is_other]], dtype=bool
            )
            hit = is_other & assigned.isna() & matches
            assigned[hit] = rule.role
            log_rows.append({"rule": rule.pattern.pattern, "role": rule.role, "n_matched": int(hit.sum())})
        unmatched = is_other & assigned.isna()
        log_rows.append({"rule": "(no rule matched)", "role": "Other", "n_matched": int(unmatched.sum())})
        role = role.where(~is_other, assigned.fillna("Other"))
    return role, pd.DataFrame(log_rows, columns=["rule", "role", "n_matched"])


def clean_survey(
    data: pd.DataFrame,
    codebook: Codebook,
    settings: dict[str, Any] | None = None,
    source: Path | str = "<export>",
    platform: str | None = None,
) -> CleaningResult:
    """Run every cleaning step; ``data`` is the export as text, indexed by source row number.
    ``platform``: the export's platform as read (``Export.platform``), else the codebook's
    ``survey.platform``; it words the notes of the steps a platform's exports cannot support
    (:data:`PLATFORMS_WITHOUT`)."""
    params_schema.validate({"survey": dict(settings or {})}, "params survey settings")  # "no" is not false
    cfg = {**DEFAULT_SETTINGS, **(settings or {})}
    check_columns(data, codebook, source)
    from helpers.survey.readers import check_duplicated_columns

    check_duplicated_columns(data, codebook.source_columns(), source)
    data = combine_one_hot(data, codebook, source)  # single answers over 0/1 columns -> one column
    n_raw = len(data)
    notes: list[str] = []
    meta = codebook.metadata
    lacks = PLATFORMS_WITHOUT.get(platform or codebook.platform or "", {})

    # Decode every declared variable first, so a bad value anywhere stops the run.
    decoded: dict[str, pd.Series] = {}
    non_sub: dict[str, pd.Series] = {}
    multiple: dict[str, pd.DataFrame] = {}
    for var in codebook.variables.values():
        if var.type in {"text", "identifier"}:
            continue
        if var.type == "multiple":
            multiple[var.name] = decode_multiple(data, var, source, codebook.missing_codes)
            continue
        if var.type == "number":
            decoded[var.name] = _numeric(data, var.source, source, var.name)
            continue
        decoded[var.name], non_sub[var.name] = decode_variable(data[var.source], var, codebook, source)

    role_var = codebook.role
    other_text = data[role_var.other_text] if role_var.other_text else None
    answers = decoded[role_var.name]
    if role_var.groups:  # the export's own wording -> the study's groups (codebook `groups`)
        answers = answers.map({role_var.labels[c]: g for c, g in role_var.groups.items()})
        role_var = replace(role_var, labels=dict(role_var.groups))
    roles, role_log = classify_roles(answers, other_text, role_var, codebook)

    keep = pd.Series(True, index=data.index)
    exclusions: list[pd.DataFrame] = []
    flow = [{"step": "Responses in the export", "excluded": 0, "remaining": n_raw}]

    def exclude(step: str, mask: pd.Series, reasons: pd.Series | str) -> None:
        hit = keep & mask.fillna(False).astype(bool)
        if isinstance(reasons, str):
            reasons = pd.Series(reasons, index=data.index)
        exclusions.append(
            pd.DataFrame({"source_row": data.index[hit], "step": step, "reason": reasons[hit].to_numpy()})
        )
        keep.loc[hit] = False
        flow.append({"step": step, "excluded": int(hit.sum()), "remaining": int(keep.sum())})

    # 1. Preview, test and spam responses.
    if "status" in meta:
        status = data[meta["status"]].fillna("").astype("str").str.strip()
        label = status.map(QUALTRICS_STATUS).fillna(status)
        drop = {s.casefold() for s in cfg["drop_status"]}
        exclude("Preview, test or spam response", label.str.casefold().isin(drop), "status: " + label)
    elif "status" in lacks:  # asking the codebook for a column the platform never exports helps no one
        notes.append(lacks["status"])
    else:
        notes.append(
            "The codebook declares no response-status column (metadata: status): no preview/test/spam "
            "filter applied."
        )

    # 2. Consent.
    consent_vars = codebook.of_type("consent")
    if cfg["require_consent"] and consent_vars:
        cv = consent_vars[0]
        given = decoded[cv.name].eq(cv.labels[cv.consent_code])
        answer = decoded[cv.name].fillna("no answer").astype("str")
        exclude("Did not consent", ~given, "consent: " + answer)

    # 3. Partial responses.
    progress = _numeric(data, meta["progress"], source, "progress 0-100") if "progress" in meta else None
    finished = None
    if "finished" in meta:
        finished = _normalise_text(data[meta["finished"]]).isin(TRUE_TEXT)
    if progress is not None:
        threshold = float(cfg["min_progress"])
        exclude(
            f"Partial response (progress below {threshold:g}%)",
            progress.fillna(0) < threshold,
            # Formatted once per distinct value (at most a few hundred), not per row (issue 8).
            "progress "
            + progress.fillna(0).map({p: f"{p:g}" for p in progress.fillna(0).unique()}).astype("str")
            + "%",
        )
    elif finished is not None:
        exclude("Partial response (not finished)", ~finished, "not finished")
    else:
        # No progress column (SurveyMonkey): the share of the required items answered stands in
        # for progress. Required: the variables marked ``required: true``, else every Likert item.
        required = [v.name for v in codebook.variables.values() if v.required] or [
            v.name for v in codebook.likert_items
        ]
        if required:
            share = 100 * pd.DataFrame({n: decoded[n].notna() | non_sub[n].notna() for n in required}).mean(
                axis=1
            )
            threshold = float(cfg["min_progress"])
            exclude(
                f"Partial response (answered below {threshold:g}% of the required items)",
                share < threshold,
                "answered " + share.round(0).map(lambda v: f"{v:g}").astype("str") + "% of required items",
            )
            if "progress" in lacks:
                notes.append(lacks["progress"].format(threshold=threshold, required=_required_text(codebook)))
            else:
                notes.append(
                    "The export has no progress column: partial responses are those answering fewer than "
                    f"{threshold:g}% of the {len(required)} required items."
                )
        else:
            notes.append(
                "The export has neither progress nor a finished flag: partial responses cannot be told apart."
            )

    # 4. Duplicate respondents: the same value of ANY of the keys (combined with OR: a person who
    # reused an e-mail address but not the external reference is still caught); keep the most
    # complete response, then the earliest.
    keys = [k for k in cfg["duplicate_keys"] if k]
    if keys and not codebook.identifiers:
        notes.append(
            "The codebook declares no identifiers: duplicate respondents cannot be detected "
            f"(params survey.duplicate_keys {keys} skipped)."
        )
        flow.append(
            {
                "step": "Duplicate respondent (skipped: no identifiers)",
                "excluded": 0,
                "remaining": int(keep.sum()),
            }
        )
        keys = []
    if keys:
        unknown = [k for k in keys if k not in codebook.identifiers]
        if unknown:
            raise InputError(
                codebook.path,
                "params survey.duplicate_keys names identifiers the codebook does not "
                f"declare (declared: {sorted(codebook.identifiers)})",
                value=unknown,
            )
        answered = pd.DataFrame({n: s.notna() for n, s in decoded.items()}).sum(axis=1)
        started = (
            _times(data, meta["started"], codebook, source, notes)
            if "started" in meta
            else pd.Series(pd.NaT, index=data.index)
        )
        person = _same_person([_normalise_text(data[codebook.identifiers[k]].fillna("")) for k in keys], keep)
        order = pd.DataFrame(
            {"key": person, "answered": -answered, "started": started, "row": data.index}, index=data.index
        )
        candidates = order[keep & person.notna()].sort_values(
            ["key", "answered", "started", "row"], na_position="last"
        )
        dup = candidates.duplicated("key", keep="first")
        first_row = candidates.groupby("key")["row"].transform("first")
        reason = pd.Series("", index=data.index, dtype="object")
        reason[dup[dup].index] = "duplicate of row " + first_row[dup].astype("str")
        exclude("Duplicate respondent", pd.Series(data.index.isin(dup[dup].index), index=data.index), reason)

    # 5. Role outside the four study groups.
    if cfg["exclude_unclassified_role"]:
        unclassified = roles.isna() | roles.eq("Other")
        exclude(
            "Role not in the study's four groups",
            unclassified,
            "role: " + roles.fillna("no answer").astype("str"),
        )

    # 6. Speeders and 7. straight-liners: flagged; excluded only if configured.
    flag_speeder = pd.Series(False, index=data.index)
    duration = _numeric(data, meta["duration"], source, "duration in seconds") if "duration" in meta else None
    if duration is None and "started" in meta and "ended" in meta:
        seen: list[str] = []
        start = _times(data, meta["started"], codebook, source, seen)
        end = _times(data, meta["ended"], codebook, source, seen)
        notes += [n for n in seen if n not in notes]  # the start's note once, if the duplicates' step made it
        duration = (end - start).dt.total_seconds()
        notes.append("No duration column: duration derived from the start and end times.")
    elif duration is None and "duration" in lacks:
        notes.append(lacks["duration"])
    elif duration is None:
        notes.append(
            "The codebook declares no duration column and no start and end times (metadata: duration, "
            "or started and ended): speeders cannot be flagged."
        )
    if duration is not None:
        complete = keep & (
            (progress >= 100) if progress is not None else (finished if finished is not None else True)
        )
        median = float(duration[complete].median()) if complete.any() else float("nan")
        flag_speeder = duration < cfg["speeder_fraction"] * median
        notes.append(
            f"Speeders: duration below {cfg['speeder_fraction']:g} x the median of complete responses "
            f"({median:g} s), i.e. under {cfg['speeder_fraction'] * median:.0f} s."
        )
    flag_straight = pd.Series(False, index=data.index)
    unchecked_straight = straightline_note(codebook, cfg["straightline_min_items"])
    for battery in codebook.batteries:
        items = [v.name for v in codebook.battery(battery)]
        if len(items) < cfg["straightline_min_items"]:
            continue
        answers = pd.DataFrame({i: decoded[i] for i in items})
        # Every item answered and equal to the first: nunique(axis=1) == 1 without its per-row
        # Python loop (minutes on 1.5 million rows; issue 8).
        same = answers.eq(answers.iloc[:, 0], axis=0).all(axis=1)
        flag_straight |= answers.notna().all(axis=1) & same
    flag_copy, first_copy = _identical_answers(
        decoded, non_sub, multiple, keep, codebook, cfg["duplicate_answers_min_items"]
    )
    if flag_copy.any():
        notes.append(
            f"Identical answers: {int(flag_copy.sum())} respondents in {int(first_copy.sum())} group(s) gave "
            f"exactly the same answers to every question (at least {cfg['duplicate_answers_min_items']} "
            "answered), a sign of one person answering twice; flagged (flag_duplicate_answers)."
        )
    if cfg["exclude_speeders"]:
        exclude("Speeder (excluded by configuration)", flag_speeder, "speeder")
    if cfg["exclude_straightliners"]:
        exclude("Straight-liner (excluded by configuration)", flag_straight, "straight-liner")
    if cfg["exclude_duplicate_answers"]:
        exclude(
            "Identical answers to an earlier response (excluded by configuration)",
            flag_copy & ~first_copy,
            "same answers as an earlier row",
        )

    # Build the clean dataset: declared variables only, typed, with a study pseudonym.
    rows = data.index[keep]
    clean = pd.DataFrame(index=rows)
    # R0001, R0002, ...: vectorised (no per-row f-string; issue 8); zfill never truncates.
    clean["respondent"] = (
        "R" + pd.Series(np.arange(1, len(rows) + 1), index=rows).astype("str").str.zfill(4)
    ).to_numpy()
    clean["role"] = pd.Categorical(roles[keep], categories=ROLE_GROUPS)
    clean["profession"] = pd.Categorical(roles[keep].map(PROFESSION), categories=["Doctor", "Manager"])
    clean["level"] = pd.Categorical(roles[keep].map(LEVEL), categories=["Board", "Directorate"])
    for var in codebook.variables.values():
        if var.type in {"text", "identifier", "role", "consent"}:
            continue
        if var.type == "number":
            clean[var.name] = decoded[var.name][keep]
            continue
        if var.type == "multiple":  # one column per option: <name>__<code>
            for code in multiple[var.name].columns:
                clean[option_column(var.name, code)] = multiple[var.name][code][keep]
            continue
        ordered = var.type in {"likert", "ordinal"}
        clean[var.name] = pd.Categorical(
            decoded[var.name][keep], categories=var.substantive_labels, ordered=ordered
        )
        if var.non_substantive_labels:
            clean[f"{var.name}_nonsub"] = pd.Categorical(
                non_sub[var.name][keep], categories=var.non_substantive_labels
            )
    clean["progress"] = progress[keep].astype("float64") if progress is not None else np.nan
    clean["duration_s"] = duration[keep].astype("float64") if duration is not None else np.nan
    clean["flag_speeder"] = flag_speeder[keep].astype(bool)
    clean["flag_straightliner"] = flag_straight[keep].astype(bool)
    clean["flag_duplicate_answers"] = flag_copy[keep].astype(bool)
    design = None
    if codebook.organisation:
        org = data[codebook.organisation][keep].fillna("").astype("str").str.strip()
        design = pd.DataFrame(
            {"respondent": clean["respondent"].to_numpy(), "organisation": org.where(org != "").to_numpy()}
        )
        if design["organisation"].isna().any():
            notes.append(
                f"{int(design['organisation'].isna().sum())} respondents have no organisation identifier "
                f"({codebook.organisation}): each is its own primary sampling unit in the design-based analysis."
            )
    clean = clean.reset_index(drop=True)

    excluded = (
        pd.concat(exclusions, ignore_index=True)
        if exclusions
        else pd.DataFrame(columns=["source_row", "step", "reason"])
    )
    excluded = excluded.sort_values("source_row", kind="stable").reset_index(drop=True)
    flow_df = pd.DataFrame(flow, columns=["step", "excluded", "remaining"])
    # Nothing is lost: every raw row is either clean or excluded, once.
    assert len(clean) + len(excluded) == n_raw, "raw rows != clean + excluded"
    assert excluded["source_row"].is_unique
    assert flow_df["remaining"].iloc[-1] == len(clean)
    return CleaningResult(
        clean,
        excluded,
        flow_df,
        role_log,
        notes,
        design,
        {"flag_straightliner": unchecked_straight} if unchecked_straight else {},
    )
