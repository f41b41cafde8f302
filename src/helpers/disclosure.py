"""Statistical disclosure control for every table written to ``reports/``.

One entry point, :func:`suppress` (or :func:`suppress_with_log`, which also returns the reason
for every suppressed cell), applies one of two rules to the columns of a table that count
people:

``threshold`` (default; ``min_count`` from params.yaml, default 5)
    Counts 1 .. min_count-1 are suppressed (0 is shown: an empty cell discloses nothing).
``nhs`` (NHS Digital style)
    Counts 1 .. 7 are suppressed; every other count is rounded to the nearest 5 (halves up);
    percentages are recomputed from the rounded counts.

Primary suppression is followed by **secondary (complementary) suppression**, repeated until
nothing changes, so that no suppressed count can be recovered by subtraction:

* *Within a row* (``row_totals={"n_valid": ["n_agree"]}``: the total equals the sum of the
  parts plus, when the parts do not cover it, an unpublished remainder). The equation
  ``total = parts + remainder`` has unknowns: the suppressed cells and the remainder (when it
  is not zero). If exactly one unknown is left and it is sensitive (a suppressed cell, or a
  remainder of 1 .. min_count-1 that the reader could compute as total minus parts), the
  smallest visible non-zero part is suppressed as well (the total, if no part qualifies).
* *Across rows* (``group_cols``: rows that share these values are parts of one total, e.g.
  the role groups of one item; a list of such lists gives several groupings). The group total
  is assumed knowable (it may be printed elsewhere), so for each count column a group must
  never have exactly one suppressed non-zero cell: if it has, the smallest visible non-zero
  cell of the group is suppressed too. This is conservative when no group total is published.
* *Published totals across rows* (``row_equations=[(total_row, [part_rows]), ...]``, row
  positions in the table): e.g. "Doctor" = "Medical director" + "Clinical director", or
  "All" = the four roles + an unpublished "Other" remainder; protected like a row total, in
  every count column.

Secondary suppression is decided on the exact counts and applied under both rules (under the
NHS rule rounding already blurs differences, so this is conservative there).

Each equation is protected on its own (no equation is left with exactly one sensitive
unknown); combinations of several equations are not audited by linear programming, as in most
practical tools, so keep the published hierarchy simple.

Columns computed from counts are suppressed with them: ``pct_cols={"pct_agree": ("n_agree",
"n_valid")}`` are recomputed as 100 * numerator / denominator from the protected counts (so
under the NHS rule they come from rounded counts); ``derived={"ci_low": fn}`` are recomputed
by ``fn(protected_table)`` (NaN counts where suppressed), or, given a list of source columns,
blanked where any source is suppressed (threshold rule only: under the NHS rule a value
computed from exact counts could give them away, so a function is required).

Suppressed cells hold ``marker`` (object columns) or, with ``marker=None``, are left empty
(nullable ``Int64`` counts and float derived columns), as the attitude tables require.

Convention for the table scan (:func:`violations`): columns that count people are named
``n``, ``n_*``, ``*_n`` or ``count*``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

RULES = ("threshold", "nhs")
NHS_MAX_SUPPRESSED = 7
NHS_BASE = 5
COUNT_COLUMN = re.compile(r"^(n|n_.*|.*_n|count.*)$")


@dataclass(frozen=True)
class Rule:
    """A disclosure rule: which counts are suppressed and how the others are shown."""

    rule: str = "threshold"
    min_count: int = 5
    marker: str | None = "*"

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"unknown disclosure rule {self.rule!r}: expected one of {', '.join(RULES)}")
        if (
            not isinstance(self.min_count, (int, np.integer))
            or isinstance(self.min_count, bool)
            or self.min_count < 1
        ):
            raise ValueError(f"disclosure min_count must be a positive integer, got {self.min_count!r}")

    @property
    def upper(self) -> int:
        """The largest count that is suppressed."""
        return NHS_MAX_SUPPRESSED if self.rule == "nhs" else self.min_count - 1

    def is_sensitive(self, value) -> bool:
        return value is not None and not pd.isna(value) and 1 <= value <= self.upper

    def shown(self, value):
        """The published value of an unsuppressed count."""
        if self.rule == "nhs":
            return int(np.floor(value / NHS_BASE + 0.5) * NHS_BASE)
        return int(value)


def from_params(params: Mapping[str, Any]) -> Rule:
    """The rule in ``params["disclosure"]`` (rule, min_count, marker); defaults: threshold, 5, "*"."""
    section = dict(params.get("disclosure") or {})
    unknown = sorted(set(section) - {"rule", "min_count", "marker", "audit"})
    if unknown:
        raise ValueError(f"params disclosure: unknown setting(s) {', '.join(unknown)}")
    return Rule(
        rule=section.get("rule", "threshold"),
        min_count=section.get("min_count", 5),
        marker=section.get("marker", "*"),
    )


AUDIT_MODES = ("enforce", "report")


def audit_mode(params: Mapping[str, Any]) -> str:
    """``params["disclosure"]["audit"]``: "enforce" (default: a leak fails the release) or
    "report" (the intruder audit lists leaks without failing; see docs/disclosure.md)."""
    mode = (params.get("disclosure") or {}).get("audit", "enforce")
    if mode not in AUDIT_MODES:
        raise ValueError(f"params disclosure audit: expected one of {', '.join(AUDIT_MODES)}, got {mode!r}")
    return mode


def _as_rule(rule, min_count, marker) -> Rule:
    return rule if isinstance(rule, Rule) else Rule(rule=rule, min_count=min_count, marker=marker)


def suppress(
    table: pd.DataFrame,
    count_cols: Sequence[str],
    pct_cols=(),
    *,
    rule: str | Rule = "threshold",
    min_count: int = 5,
    marker: str | None = "*",
    group_cols: Sequence[str] | None = None,
    row_totals: Mapping[str, Sequence[str]] | None = None,
    derived: Mapping[str, Callable | Sequence[str]] | None = None,
    row_equations: Sequence[tuple[int | None, Sequence[int]]] | None = None,
) -> pd.DataFrame:
    """The table with disclosure control applied (see the module docstring for the rule)."""
    return suppress_with_log(
        table,
        count_cols,
        pct_cols,
        rule=rule,
        min_count=min_count,
        marker=marker,
        group_cols=group_cols,
        row_totals=row_totals,
        derived=derived,
        row_equations=row_equations,
    )[0]


def suppress_with_log(
    table,
    count_cols,
    pct_cols=(),
    *,
    rule="threshold",
    min_count=5,
    marker="*",
    group_cols=None,
    row_totals=None,
    derived=None,
    row_equations=None,
    hide=None,
    secondary=True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`suppress`, plus a log with one row per suppressed count: row, column, value, reason.

    ``hide``: (row, column) cells to suppress besides the primary ones (a pattern chosen by
    :mod:`helpers.protection`); ``secondary=False`` skips the equation-by-equation secondary
    suppression below (the pattern is then the caller's, audited by linear programming)."""
    rule = _as_rule(rule, min_count, marker)
    count_cols = list(count_cols)
    hide_cells = list(hide or [])
    row_totals = {k: list(v) for k, v in (row_totals or {}).items()}
    group_sets = (
        []
        if not group_cols
        else ([list(group_cols)] if isinstance(group_cols[0], str) else [list(g) for g in group_cols])
    )
    group_cols = [c for g in group_sets for c in g]
    row_equations = [(t, list(p)) for t, p in (row_equations or [])]
    bad_rows = [
        r for t, p in row_equations for r in ([t] if t is not None else []) + p if r not in range(len(table))
    ]
    if bad_rows:
        raise ValueError(f"disclosure: row equations refer to rows not in the table: {bad_rows}")
    pct_cols = dict(pct_cols) if isinstance(pct_cols, Mapping) else {c: tuple(count_cols) for c in pct_cols}
    derived = dict(derived or {})
    missing = [
        c
        for c in [
            *count_cols,
            *group_cols,
            *pct_cols,
            *derived,
            *row_totals,
            *(p for v in row_totals.values() for p in v),
        ]
        if c not in table.columns
    ]
    if missing:
        raise KeyError(f"disclosure: column(s) not in the table: {', '.join(dict.fromkeys(missing))}")
    for total, parts in row_totals.items():
        if total not in count_cols or any(p not in count_cols for p in parts):
            raise ValueError(f"disclosure: row total {total!r} and its parts must all be count columns")

    df = table.reset_index(drop=True)
    if all(
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in count_cols
    ):
        matrix = np.column_stack(
            [df[c].to_numpy(dtype="float64", na_value=np.nan) for c in count_cols]
        ).reshape(len(df), len(count_cols))
    else:
        matrix = df[count_cols].apply(pd.to_numeric, errors="raise").astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(matrix) & ((matrix < 0) | (matrix != np.floor(matrix)))
    if bad.any():
        row, j = (int(i) for i in np.argwhere(bad)[0])  # the first in reading order, row by row
        raise ValueError(
            f"disclosure: column {count_cols[j]!r} row {row}: counts must be non-negative whole numbers "
            f"(found {matrix[row, j].item()})"
        )

    # Cells are (row position, column position) into plain Python lists: the equations below
    # visit cells one at a time, and list access is ~100 times faster than DataFrame.at.
    n_rows = len(df)
    col_pos = {c: j for j, c in enumerate(count_cols)}
    value_of = matrix.tolist()
    is_hidden = [[False] * len(count_cols) for _ in range(n_rows)]
    log: list[dict] = []

    def cell(row, col):
        """(row, column) labels -> positions; KeyError for a cell not in the table."""
        if col not in col_pos:
            raise KeyError(col)
        if (
            isinstance(row, (bool, np.bool_))
            or not isinstance(row, (int, np.integer))
            or not 0 <= row < n_rows
        ):
            raise KeyError(row)
        return int(row), col_pos[col]

    def hide(r, j, reason):
        if not is_hidden[r][j]:
            is_hidden[r][j] = True
            log.append({"row": r, "column": count_cols[j], "value": int(value_of[r][j]), "reason": reason})

    upper = rule.upper
    for j in range(len(count_cols)):
        for r in range(n_rows):
            if 1 <= value_of[r][j] <= upper:  # False for NaN: Rule.is_sensitive
                hide(r, j, f"primary: count 1-{upper}")
    for row, col in hide_cells:
        hide(
            *cell(row, col),
            "secondary: minimum-cost pattern (HiGHS) that the intruder's LP audit cannot narrow",
        )

    def smallest_visible(parts):
        """(row, col) positions of the smallest visible non-zero cell among ``parts``, or None."""
        best, best_value = None, None
        for r, j in parts:
            value = value_of[r][j]
            if not is_hidden[r][j] and value > 0 and (best is None or value < best_value):
                best, best_value = (r, j), value
        return best

    def protect(total, parts, what):
        """One linear equation total = sum(parts) (+ an unpublished remainder when total is a
        cell and the parts do not reach it; total None = a total the reader may know)."""
        if total is None:
            remainder = 0.0
            cells = parts
        else:
            remainder = value_of[total[0]][total[1]] - sum(value_of[r][j] for r, j in parts)
            if remainder < 0:
                raise ValueError(
                    f"disclosure: row {total[0]}: cells {[f'row {r} {count_cols[j]!r}' for r, j in parts]} "
                    f"add up to more than {count_cols[total[1]]!r}"
                )
            cells = [total, *parts]
        unknown = [c for c in cells if is_hidden[c[0]][c[1]]]
        if remainder > 0:
            unknown.append("<remainder>")
        if len(unknown) != 1 or len(cells) < (1 if remainder > 0 else 2):
            return False
        if unknown == ["<remainder>"] and not (
            1 <= remainder <= upper
        ):  # nothing hidden, remainder not sensitive
            return False
        target = smallest_visible(parts)
        if (
            target is None
            and total is not None
            and not is_hidden[total[0]][total[1]]
            and value_of[total[0]][total[1]] > 0
        ):
            target = total
        if target is None:
            return False
        gone = (
            "an unpublished remainder"
            if unknown == ["<remainder>"]
            else f"row {unknown[0][0]} {count_cols[unknown[0][1]]!r}"
        )
        hide(*target, f"secondary: else {gone} = {what}")
        return True

    equations = []
    for total, parts in row_totals.items():
        t, ps = col_pos[total], [col_pos[c] for c in parts]
        for r in range(n_rows):
            equations.append(((r, t), [(r, j) for j in ps], f"{total!r} minus the other cells of the row"))
    for cols in group_sets:
        for _, sub in df.groupby(cols, sort=False, dropna=False):
            if len(sub) > 1:
                rows = [int(r) for r in sub.index]
                for j, col in enumerate(count_cols):
                    equations.append(
                        (None, [(r, j) for r in rows], f"the {col!r} total of its group minus the rest")
                    )
    for total_row, part_rows in row_equations:
        for j, col in enumerate(count_cols):
            equations.append(
                (
                    None if total_row is None else (int(total_row), j),
                    [(int(r), j) for r in part_rows],
                    f"{col!r} of row {total_row} minus rows {list(part_rows)}"
                    if total_row is not None
                    else f"the {col!r} total of rows {list(part_rows)} minus the rest",
                )
            )
    changed = secondary
    while changed:
        changed = False
        for total, parts, what in equations:
            changed = protect(total, parts, what) or changed

    hidden = np.array(is_hidden, dtype=bool).reshape(n_rows, len(count_cols))

    def any_hidden(cols):
        return hidden[:, [col_pos[c] for c in cols]].any(axis=1)

    out = df.copy()
    shown = {}  # the published counts: as a column built from Python ints and NaN would be
    for j, col in enumerate(count_cols):
        mask, values = hidden[:, j], matrix[:, j]
        blank = mask | np.isnan(values)
        if rule.rule == "nhs":
            values = np.floor(values / NHS_BASE + 0.5) * NHS_BASE
        # int64 when nothing is blank, else float64 with NaN
        shown[col] = np.where(blank, np.nan, values) if blank.any() else values.astype("int64")
        if rule.marker is None:
            out[col] = pd.Series(shown[col], index=df.index).astype("Int64")
        else:
            cells = np.where(blank, np.nan, values).astype(object)
            cells[~blank] = [int(v) for v in values[~blank]]
            cells[mask] = rule.marker
            out[col] = pd.Series(cells, index=df.index, dtype=object)

    def set_derived(col, values, blank):
        values = pd.Series(values, index=df.index, dtype="float64").where(~blank)
        if rule.marker is None:
            out[col] = values
        else:
            cells = values.to_numpy().astype(object)
            cells[np.asarray(blank, dtype=bool)] = rule.marker
            out[col] = pd.Series(cells, index=df.index, dtype=object)

    for col, sources in pct_cols.items():
        sources = list(sources)
        blank = any_hidden(sources)
        if len(sources) == 2 and rule.rule == "nhs":
            num, den = shown[sources[0]], shown[sources[1]]
            with np.errstate(invalid="ignore", divide="ignore"):
                values = np.where(den > 0, 100 * num / den, np.nan)
        elif rule.rule == "nhs":
            raise ValueError(
                f"disclosure: under the nhs rule percentage {col!r} needs (numerator, denominator)"
            )
        else:
            values = pd.to_numeric(df[col], errors="coerce")
        set_derived(col, values, blank)
    published = None  # what a derived function sees: the published counts, then the other columns
    for col, how in derived.items():
        if callable(how):
            if published is None:
                published = pd.DataFrame(shown, index=df.index).join(df.drop(columns=count_cols))
            values = pd.Series(np.asarray(how(published), dtype="float64"), index=df.index)
            set_derived(col, values, values.isna().to_numpy() & hidden.any(axis=1))
        else:
            if rule.rule == "nhs":
                raise ValueError(
                    f"disclosure: under the nhs rule derived column {col!r} must be recomputed by a function"
                )
            set_derived(col, pd.to_numeric(df[col], errors="coerce"), any_hidden(list(how)))
    out.attrs["disclosure"] = protected_mark(rule)
    log.sort(key=lambda entry: (entry["row"], entry["column"]))
    return out, pd.DataFrame(log, columns=["row", "column", "value", "reason"])


def protected_mark(rule: Rule) -> dict:
    """What :func:`suppress` records in ``table.attrs["disclosure"]`` of a protected table;
    figure helpers refuse tables without it (issue 13: figures drawn only from protected numbers)."""
    return {"rule": rule.rule, "min_count": int(rule.min_count), "upper": int(rule.upper)}


def count_columns(table: pd.DataFrame) -> list[str]:
    """Columns named like counts of people: ``n``, ``n_*``, ``*_n``, ``count*``."""
    return [c for c in table.columns if COUNT_COLUMN.match(str(c))]


def violations(
    table: pd.DataFrame | str | Path,
    count_cols: Sequence[str] | None = None,
    *,
    rule: str | Rule = "threshold",
    min_count: int = 5,
    marker: str | None = "*",
    group_cols: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cells of a written table that break the rule: one row per cell (row, column, value, problem).

    ``table`` may be a DataFrame or the path of a CSV the pipeline wrote (read as text, so the
    check sees what a reader sees). Count columns default to :func:`count_columns`. A count
    cell may hold the marker, nothing, or a whole number outside 1 .. upper (a multiple of 5
    under the NHS rule). With ``group_cols``, a group with exactly one suppressed cell in a
    count column is also reported (the group total would give it away).
    """
    rule = _as_rule(rule, min_count, marker)
    if not isinstance(table, pd.DataFrame):
        table = pd.read_csv(table, dtype=str, keep_default_na=False)
    cols = list(count_cols) if count_cols is not None else count_columns(table)
    problems = []
    markers = {"", str(rule.marker) if rule.marker is not None else ""}
    for col in cols:
        for row, raw in table[col].items():
            text = "" if pd.isna(raw) else str(raw).strip()
            if text in markers:
                continue
            try:
                value = float(text)
            except ValueError:
                problems.append((row, col, text, "not a count or the suppression marker"))
                continue
            if value != np.floor(value) or value < 0:
                problems.append((row, col, text, "not a whole non-negative count"))
            elif rule.is_sensitive(value):
                problems.append((row, col, text, f"count 1-{rule.upper} shown"))
            elif rule.rule == "nhs" and value % NHS_BASE:
                problems.append((row, col, text, f"count not rounded to a multiple of {NHS_BASE}"))
    if group_cols:
        for _, sub in table.groupby(list(group_cols), sort=False, dropna=False):
            rows = sub.index
            for col in cols:
                flags = table.loc[rows, col].map(lambda v: pd.isna(v) or str(v).strip() in markers)
                if int(flags.sum()) == 1 and len(rows) > 1:
                    row = flags[flags].index[0]
                    problems.append((row, col, str(table.at[row, col]), "only suppressed cell of its group"))
    return pd.DataFrame(problems, columns=["row", "column", "value", "problem"])


# Prose: a count of people is a whole number followed (after "of <total>" and up to two
# describing words) by a noun for people. Longest nouns first, so "chief executives" wins.
PEOPLE_NOUNS = (
    "respondents", "respondent", "people", "persons", "person", "participants", "participant",
    "interviewees", "interviewee", "chief executives", "chief executive", "medical directors",
    "medical director", "clinical directors", "clinical director", "directorate managers",
    "directorate manager", "doctors", "doctor", "managers", "manager", "speeders", "speeder",
    "straight-liners", "straight-liner", "board members", "board member",
    # a survey response is a person's (one per respondent after de-duplication)
    "responses", "response",
)  # fmt: skip
_PROSE_COUNT = re.compile(
    r"(?<![\w.,%+\-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w.%]|,\d)"  # a whole number (not 0.5, 5%, 2nd, 1,234's part)
    r"(?:\s+(?:of|out of)\s+(?:the\s+)?\d[\d,]*)?"  # "3 of 15 ..."
    r"\s+(?:[a-z]+\s+){0,2}?"  # up to two describing words ("eligible", "coded")
    r"(?<![\w-])("
    + "|".join(sorted(map(re.escape, PEOPLE_NOUNS), key=len, reverse=True))
    + r")(?![\w-])",  # not "doctor-manager"
    re.IGNORECASE,
)


# Words that, straight after a count ("19 analysable + 3 excluded") or as the label before one
# ("analysable: 472; excluded: 49"), say that it counts responses (people) in an accounting.
ACCOUNTING_WORDS = (
    "analysable", "analyzable", "excluded", "removed", "dropped", "flagged", "remaining",
    "eligible", "ineligible", "invited", "responded", "answered", "agreeing",
)  # fmt: skip
# Nouns for what is not people: an accounting word after one labels records, not responses
# ("Records excluded at screening: 3")
NOT_PEOPLE_NOUNS = (
    "records",
    "reports",
    "studies",
    "duplicates",
    "passages",
    "codings",
    "references",
    "items",
)
_NUMBER = r"(?<![\w.,%+\-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w%]|[.,]\d)"
_PEOPLE = "|".join(sorted(map(re.escape, PEOPLE_NOUNS), key=len, reverse=True))
_ACCOUNTING = "|".join(ACCOUNTING_WORDS)
_ROLE_LABELS = (
    "chief executive", "medical director", "clinical director", "directorate manager", "doctor",
    "manager", "board", "directorate", "all respondents", "other",
)  # fmt: skip
# The other forms a report prints a count of people in (issue 13, item 3), each a pattern whose
# numbered groups are counts:
_PROSE_FORMS = (
    # "19 analysable", "+ 3 excluded": a count straight before an accounting word
    re.compile(_NUMBER + r"\s+(?:" + _ACCOUNTING + r")(?![\w-])", re.IGNORECASE),
    # "analysable: 472", "Responses in the export: 521", "Chief executive: 68 (14%)",
    # "participants: 15 of 18": a label for people, a colon, a count (not a percentage)
    re.compile(
        r"(?<![\w-])"
        + "".join(f"(?<!{w} )" for w in NOT_PEOPLE_NOUNS)
        + r"(?:"
        + _PEOPLE
        + "|"
        + _ACCOUNTING
        + "|"
        + "|".join(_ROLE_LABELS)
        + r")"
        r"(?![\w-])(?:\s+[a-z']+){0,3}\s*:\s*" + _NUMBER + r"(?:\s+(?:of|out of)\s+" + _NUMBER + ")?",
        re.IGNORECASE,
    ),
    # "53 of 67 who answered", "12 who answered": a count (of a total) of people ("who")
    re.compile(_NUMBER + r"(?:\s+(?:of|out of)\s+" + _NUMBER + r")?\s+who(?![\w-])", re.IGNORECASE),
    # "n 146", "n = 3", "(n=12)": a sample size
    re.compile(r"(?<![\w'])n\s?=?\s?" + _NUMBER, re.IGNORECASE),
)


def _stated_counts(text: str) -> list[tuple[int, int, int, str]]:
    """Every count of people the text states, in any form a report prints one: (start, end,
    count, snippet), in the order of the text, each number once."""
    found: dict[int, tuple[int, int, int, str]] = {}

    def add(m: re.Match, group: int):
        if m.group(group) is None:
            return
        start, end = m.span(group)
        if start not in found:
            snippet = " ".join(text[max(0, m.start() - 40) : m.end() + 20].split())
            found[start] = (start, end, int(m.group(group).replace(",", "")), snippet)

    for m in _PROSE_COUNT.finditer(text):
        add(m, 1)
    for form in _PROSE_FORMS:
        for m in form.finditer(text):
            for group in range(1, (form.groups or 0) + 1):
                add(m, group)
    return [found[k] for k in sorted(found)]


def prose_counts(text: str, rule: Rule) -> list[tuple[int, str]]:
    """Counts of people the text states that the primary rule suppresses (1 .. the rule's upper
    limit), each with the words around it: [(count, snippet)]. A count of people is a whole
    number followed (after "of <total>" and up to two describing words) by a word for people
    ("3 chief executives", "4 of 60 respondents"), or in one of the other forms the reports
    print: straight before an accounting word ("19 analysable + 3 excluded"), after a label for
    people and a colon ("analysable: 472", "Chief executive: 68 (14%)", "participants: 15 of
    18"), before "who" ("53 of 67 who answered": both), or as a sample size ("n 146")."""
    return [(n, snippet) for _s, _e, n, snippet in _stated_counts(text) if rule.is_sensitive(n)]


_ACCOUNTED = re.compile(
    r"(?:(?<![\w-])(?:responses|" + _ACCOUNTING + r")(?![\w-])(?:\s+[a-z']+){0,3}\s*[:=]\s*" + _NUMBER + ")"
    r"|(?:"
    + _NUMBER
    + r"\s+(?:responses\s+)?(?:[a-z]+\s+){0,3}?(?:responses|"
    + _ACCOUNTING
    + r")(?![\w-]))",
    re.IGNORECASE,
)


def prose_differences(text: str, rule: Rule) -> list[tuple[int, str]]:
    """Counts an accounting of responses gives back by difference: within one line, two counts
    of responses ("Responses in the export: 22; analysable: 19", "22 responses in the export =
    19 analysable") whose difference the rule suppresses (1 .. its upper limit) and the line does
    not state itself (so the primary rule did not see it): [(difference, snippet)]. Only counts
    labelled as responses or by an accounting word are paired: role groups' counts differ by
    small numbers without anyone being singled out."""
    found = []
    for line in text.split("\n"):
        counts = []
        for m in _ACCOUNTED.finditer(line):
            value = m.group(1) or m.group(2)
            counts.append(int(value.replace(",", "")))
        stated = {n for _s, _e, n, _w in _stated_counts(line)}
        seen = set()
        for i, a in enumerate(counts):
            for b in counts[i + 1 :]:
                d = abs(a - b)
                if rule.is_sensitive(d) and d not in stated and d not in seen:
                    seen.add(d)
                    found.append((d, " ".join(line[:160].split())))
    return found


def prose_group_counts(text: str) -> list[tuple[str, int, str]]:
    """Counts of people the text states for a role group (or all respondents), to compare with
    the tables that publish that group's counts: [(group, count, snippet)], the group as the
    tables write it ("Chief executive"). A count belongs to a group when its clause (text up to
    '.', ';' or a line break) starts with the group's label and a colon ("Chief executive: 79%
    (68 to 87), 53 of 67 who answered"), or when the group's plural follows it ("68 chief
    executives")."""
    out = []
    groups = {label: label[0].upper() + label[1:] for label in _ROLE_LABELS}
    groups["all respondents"] = "All respondents"
    clauses = re.finditer(r"[^.;\n]+(?:\.\d[^.;\n]*)*", text)
    counts = _stated_counts(text)
    for clause in clauses:
        head = re.match(r"\s*(" + "|".join(_ROLE_LABELS) + r")s?\s*:", clause.group(0), re.IGNORECASE)
        for start, _end, n, snippet in counts:
            if not clause.start() <= start < clause.end():
                continue
            after = text[_end : _end + 40].lower()
            noun = re.match(
                r"\s+(chief executive|medical director|clinical director|directorate manager)s?(?![\w-])",
                after,
            )
            if noun:
                out.append((groups[noun.group(1)], n, snippet))
            elif head and head.group(1).lower() != "other":
                out.append((groups[head.group(1).lower()], n, snippet))
    return out


def protect_text(text: str, rule: Rule) -> str:
    """``text`` with every count of people that ``rule`` suppresses (:func:`prose_counts`)
    replaced by "fewer than <the rule's limit + 1>", as a sentence should say it
    (numbers.people)."""
    from helpers import numbers

    def replace(m: re.Match) -> str:
        n = int(m.group(1).replace(",", ""))
        if not rule.is_sensitive(n):
            return m.group(0)
        return (
            m.group(0)[: m.start(1) - m.start(0)]
            + numbers.people(n, rule)
            + m.group(0)[m.end(1) - m.start(0) :]
        )

    return _PROSE_COUNT.sub(replace, text)
