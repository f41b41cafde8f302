"""The row-by-row implementation of ``helpers.disclosure.suppress_with_log`` as it stood before
it was vectorised (main at 08c6712), frozen here so that tests/test_disclosure_equivalence.py
can prove the vectorised version returns the same tables and logs. Do not edit: it is the
reference, not code in use."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.disclosure import _as_rule, protected_mark


def reference_suppress_with_log(
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
    counts = df[count_cols].apply(pd.to_numeric, errors="raise").astype("float64")
    bad = counts.stack().dropna().pipe(lambda s: s[(s < 0) | (s != np.floor(s))])
    if len(bad):
        (row, col), value = next(iter(bad.items()))
        raise ValueError(
            f"disclosure: column {col!r} row {row}: counts must be non-negative whole numbers (found {value})"
        )

    hidden = pd.DataFrame(False, index=df.index, columns=count_cols)
    log: list[dict] = []

    def hide(row, col, reason):
        if not hidden.at[row, col]:
            hidden.at[row, col] = True
            log.append({"row": int(row), "column": col, "value": int(counts.at[row, col]), "reason": reason})

    for col in count_cols:
        for row in df.index[counts[col].map(rule.is_sensitive)]:
            hide(row, col, f"primary: count 1-{rule.upper}")
    for row, col in hide_cells:
        hide(row, col, "secondary: minimum-cost pattern (HiGHS) that the intruder's LP audit cannot narrow")

    def smallest_visible(row_cells):
        """(row, col) of the smallest visible non-zero cell among ``row_cells``, or None."""
        best = None
        for row, col in row_cells:
            value = counts.at[row, col]
            if not hidden.at[row, col] and value > 0 and (best is None or value < counts.at[best]):
                best = (row, col)
        return best

    def protect(total, parts, what):
        """One linear equation total = sum(parts) (+ an unpublished remainder when total is a
        cell and the parts do not reach it; total None = a total the reader may know)."""
        if total is None:
            remainder = 0.0
        else:
            remainder = counts.at[total] - sum(counts.at[c] for c in parts)
            if remainder < 0:
                raise ValueError(
                    f"disclosure: row {total[0]}: cells {[f'row {r} {c!r}' for r, c in parts]} "
                    f"add up to more than {total[1]!r}"
                )
        cells = ([total] if total is not None else []) + list(parts)
        unknown = [c for c in cells if hidden.at[c]] + (["<remainder>"] if remainder > 0 else [])
        sensitive = any(hidden.at[c] for c in cells) or rule.is_sensitive(remainder)
        if len(unknown) != 1 or not sensitive or len(cells) < (1 if remainder > 0 else 2):
            return False
        target = smallest_visible(parts)
        if target is None and total is not None and not hidden.at[total] and counts.at[total] > 0:
            target = total
        if target is None:
            return False
        gone = (
            "an unpublished remainder"
            if unknown == ["<remainder>"]
            else f"row {unknown[0][0]} {unknown[0][1]!r}"
        )
        hide(*target, f"secondary: else {gone} = {what}")
        return True

    equations = []
    for total, parts in row_totals.items():
        for row in df.index:
            equations.append(
                ((row, total), [(row, c) for c in parts], f"{total!r} minus the other cells of the row")
            )
    for cols in group_sets:
        for _, sub in df.groupby(cols, sort=False, dropna=False):
            if len(sub) > 1:
                for col in count_cols:
                    equations.append(
                        (
                            None,
                            [(r, col) for r in sub.index],
                            f"the {col!r} total of its group minus the rest",
                        )
                    )
    for total_row, part_rows in row_equations:
        for col in count_cols:
            equations.append(
                (
                    None if total_row is None else (total_row, col),
                    [(r, col) for r in part_rows],
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

    out = df.copy()
    shown = counts.copy()
    for col in count_cols:
        shown[col] = [
            np.nan if hidden.at[r, col] or pd.isna(v) else rule.shown(v) for r, v in counts[col].items()
        ]
        if rule.marker is None:
            out[col] = shown[col].astype("Int64")
        else:
            out[col] = pd.Series(
                [
                    rule.marker if hidden.at[r, col] else (np.nan if pd.isna(v) else int(v))
                    for r, v in shown[col].items()
                ],
                index=df.index,
                dtype=object,
            )

    def set_derived(col, values, blank):
        values = pd.Series(values, index=df.index, dtype="float64").where(~blank)
        out[col] = (
            values
            if rule.marker is None
            else pd.Series(
                [rule.marker if b else v for b, v in zip(blank, values)], index=df.index, dtype=object
            )
        )

    for col, sources in pct_cols.items():
        sources = list(sources)
        blank = hidden[sources].any(axis=1)
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
    for col, how in derived.items():
        if callable(how):
            values = pd.Series(
                np.asarray(how(shown.join(df.drop(columns=count_cols))), dtype="float64"), index=df.index
            )
            set_derived(col, values, values.isna() & hidden.any(axis=1))
        else:
            if rule.rule == "nhs":
                raise ValueError(
                    f"disclosure: under the nhs rule derived column {col!r} must be recomputed by a function"
                )
            set_derived(col, pd.to_numeric(df[col], errors="coerce"), hidden[list(how)].any(axis=1))
    out.attrs["disclosure"] = protected_mark(rule)
    log_df = pd.DataFrame(log, columns=["row", "column", "value", "reason"]).sort_values(
        ["row", "column"], kind="stable"
    )
    return out, log_df.reset_index(drop=True)
