"""Descriptives: how many in each group chose each answer, % agreeing with Wilson CIs, and their disclosure control."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import disclosure, numbers, publication, stats
from helpers.survey.attitudes.items import (
    ALL,
    HIERARCHY,
    ROLES,
    Item,
    _groups,
    item_codes,
    level_columns,
)


def by_role(clean: pd.DataFrame, items: Mapping[str, Item], alpha: float = 0.05) -> pd.DataFrame:
    """Descriptives per item x group (before disclosure control), long format.

    Columns: ``item, question, group_type, group, levels, n_respondents, n_nonsub, n_valid,
    n_1 .. n_k (k: the most levels of any item), n_agree, pct_agree, ci_low, ci_high``. ``levels`` names the substantive levels
    behind ``n_1 ..`` ('|'-separated, low to high); ``n_agree`` counts the item's positive
    levels; ``n_nonsub`` counts non-substantive answers ("Don't know", ...), which are never in
    ``n_valid``; percentages are 0-100 with Wilson 95% CIs.
    """
    # Counted from the Categoricals' integer codes with np.bincount: the same numbers as
    # value_counts per group, about ten times faster at 1.5 million respondents (issue 8).
    groups = [(gtype, group, mask.to_numpy()) for gtype, group, mask in _groups(clean)]
    rows = []
    most = max((len(item.levels) for item in items.values()), default=0)
    for name, item in items.items():
        codes = item_codes(clean[name], item.levels, name)
        nonsub_col = f"{name}_nonsub"
        nonsub = clean[nonsub_col].notna().to_numpy() if nonsub_col in clean else np.zeros(len(clean), bool)
        k = len(item.levels)
        positive = [item.levels.index(level) for level in item.positive]
        for gtype, group, mask in groups:
            answered = codes[mask]
            counts = np.bincount(answered[answered >= 0], minlength=k)
            row = {
                "item": name,
                "question": item.question,
                "group_type": gtype,
                "group": group,
                "levels": "|".join(item.levels),
                "n_respondents": int(mask.sum()),
                "n_nonsub": int(nonsub[mask].sum()),
                "n_valid": int(counts.sum()),
            }
            for i in range(most):
                row[f"n_{i + 1}"] = int(counts[i]) if i < k else np.nan
            row["n_agree"] = int(counts[positive].sum())
            rows.append(row)
    if not rows:  # no item (all withheld, or none in the codebook): the columns, no row
        columns = [
            "item",
            "question",
            "group_type",
            "group",
            "levels",
            "n_respondents",
            "n_nonsub",
            "n_valid",
        ]
        rows = pd.DataFrame(
            {c: pd.Series(dtype=object if c in columns[:5] else "int64") for c in [*columns, "n_agree"]}
        )
        return _add_percentages(rows, alpha)
    return _add_percentages(pd.DataFrame(rows), alpha)


def _add_percentages(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    n_agree = pd.to_numeric(table["n_agree"], errors="coerce").astype(float)
    n_valid = pd.to_numeric(table["n_valid"], errors="coerce").astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["pct_agree"] = np.where(n_valid > 0, 100 * n_agree / n_valid, np.nan)
    low, high = stats.wilson_ci(n_agree.to_numpy(), n_valid.to_numpy(), alpha)
    table["ci_low"], table["ci_high"] = 100 * np.asarray(low, float), 100 * np.asarray(high, float)
    return table


def _equations(block: pd.DataFrame) -> list[tuple[int | None, list[int]]]:
    """Row equations among one item's groups (positions in ``block``)."""
    pos = {(t, g): i for i, (t, g) in enumerate(zip(block["group_type"], block["group"]))}
    eqs = []
    total = pos.get(("all", ALL))
    roles = [pos[k] for k in pos if k[0] == "role"]
    if roles:
        eqs.append((total, roles))
    for gtype in ("profession", "level"):
        parts = [pos[k] for k in pos if k[0] == gtype]
        if parts:
            eqs.append((total, parts))
    for (t, g), parts in HIERARCHY:
        if (t, g) in pos and all(p in pos for p in parts):
            eqs.append((pos[(t, g)], [pos[p] for p in parts]))
    return eqs


def role_design(table: pd.DataFrame, rule: disclosure.Rule) -> publication.RoleDesign:
    """The release's publication design for role groups (:mod:`helpers.publication`), from the
    respondents per role group of :func:`by_role`'s table (the same counts as the clean data's,
    so the same decision as :func:`helpers.publication.design_of` in notebook 02)."""
    roles = table[table["group_type"] == "role"].drop_duplicates("group")
    return publication.design(dict(zip(roles["group"], roles["n_respondents"].astype(int))), rule)


def protect_by_role(
    table: pd.DataFrame, rule: disclosure.Rule, alpha: float = 0.05
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disclosure control of :func:`by_role`'s table, one item at a time (docs/disclosure.md).

    Rows are published as :func:`role_design` decides: a role group too small to protect is
    published only within its profession or level (its rows, and those of any group that would
    give it away by difference, are left out); the protection still knows their true counts, as
    unknowns of the relations a reader knows. Per item, the same design is applied to the valid
    answers too (a group published in the release may have too few answers to one item: its row
    is left out of that item only).

    Published counts per group: respondents, valid (substantive) answers, each level, agreeing.
    Non-substantive answers ("Don't know") are published for all respondents only (notebook
    02's item non-response table): by group they were most of the small cells (51 of the
    demo's 89 below 5) and, tied to the All row's printed count, could not be protected without
    suppressing whole rows; by group the table has no ``n_nonsub`` column.

    Primary cells follow ``rule``; the secondary cells are the hypercube pattern of
    :func:`_item_pattern`, chosen over every relation a reader knows (within a row n_valid = the
    levels and n_agree = its positive levels; across rows All = the role groups, All = doctors
    + managers, All = board + directorate, Doctor = MD + CD, Manager = CE + DM, Board = CE + MD,
    Directorate = CD + DM) and checked by the intruder's LP audit. Percentages and CIs are
    recomputed from the published counts and left empty where a count they use is suppressed
    (``rule.marker`` None) or marked. Returns (protected table, suppression log with item and
    group; ``reason`` primary or secondary).

    Columns in a deliberate order (issue 11): the identifiers (item .. levels), the counts of
    respondents and valid answers, the level columns ``n_1 .. n_k`` in scale order (k: the most
    levels any published item has; an item with fewer levels has no value in the extra ones),
    then ``n_agree, pct_agree, ci_low, ci_high``. (Until issue 11 a level column the first item
    lacked came after ``ci_high``, where ``pd.concat`` of the items' tables put it.) The items
    are decided one by one on plain Python rows (the pattern cached, :func:`_item_protection`)
    and the counts suppressed in one call for the whole table (issue 11: this function was most
    of a generated instrument's analysis)."""
    if not len(table):  # no item: nothing to protect
        empty = table.drop(columns="n_nonsub", errors="ignore")
        empty.attrs["disclosure"] = disclosure.protected_mark(rule)
        log = pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("item", "group_type", "group", "column", "value", "reason")}
        )
        return empty, log
    level_cols = [c for c in table.columns if c.startswith("n_") and c[2:].isdigit()]
    kept, hide_all, item_columns = [], [], []
    for _item, shown, lcols, _args, hide in _item_decisions(table, rule):
        hide_all += [(len(kept) + r, c) for r, c in hide]
        kept += shown
        item_columns.append(lcols)
    cols = [
        c
        for c in table.columns
        if c != "n_nonsub" and (c not in level_cols or any(c in lc for lc in item_columns))
    ]
    block = table.take(kept).reset_index(drop=True)[cols]
    protected, log = disclosure.suppress_with_log(
        block, ["n_respondents", "n_valid", *[c for c in cols if c in level_cols], "n_agree"], rule=rule,
        hide=hide_all, secondary=False, derived=_percentages(alpha),
    )  # fmt: skip
    summary = ("n_agree", "pct_agree", "ci_low", "ci_high")
    levels_used = sorted((c for c in cols if c in level_cols), key=lambda c: int(c[2:]))
    order = [c for c in cols if c not in level_cols and c not in summary] + levels_used
    order += [c for c in cols if c in summary]
    result = protected if list(protected.columns) == order else protected[order]
    log["reason"] = log["reason"].where(log["reason"].str.startswith("primary"), SECONDARY_REASON)
    where = log["row"].to_numpy(dtype=int)
    log.insert(0, "group", block["group"].to_numpy(dtype=object)[where])
    log.insert(0, "group_type", block["group_type"].to_numpy(dtype=object)[where])
    # (an empty log's item column as the items' empty logs concatenated had it: text)
    log.insert(
        0, "item", block["item"].to_numpy(dtype=object)[where] if len(log) else str(block["item"].iloc[0])
    )
    if len(log) and log["item"].nunique() < len(item_columns):  # as concatenating empty logs typed it
        log = log.astype({c: object for c in ("group_type", "group", "row", "column", "value", "reason")})
    for c in ("pct_agree", "ci_low", "ci_high"):
        if rule.marker is None:
            result[c] = pd.to_numeric(result[c]).map(lambda v: numbers.rounded(v, "table_percentage"))
    result.attrs["disclosure"] = disclosure.protected_mark(rule)
    return result, log.drop(columns="row")


def _item_decisions(table: pd.DataFrame, rule: disclosure.Rule):
    """(item, published row positions, level columns, :func:`_protection`'s arguments, cells to
    hide) of every item of :func:`by_role`'s table, as :func:`protect_by_role` publishes them."""
    design = role_design(table, rule)
    level_cols = [c for c in table.columns if c.startswith("n_") and c[2:].isdigit()]
    columns = {c: table[c].to_numpy() for c in ("group_type", "group", "n_respondents", "n_nonsub", "n_valid", "n_agree", *level_cols)}  # fmt: skip
    positions: dict = {}
    for i, name in enumerate(table["item"].to_numpy(dtype=object)):
        positions.setdefault(name, []).append(i)
    levels_of = table["levels"].to_numpy(dtype=object)
    for item, rows in positions.items():
        yield item, *_item_decision(item, rows, columns, levels_of, design, rule)


def _item_decision(item, rows, columns, levels_of, design, rule: disclosure.Rule):
    """One item of :func:`protect_by_role`: the positions of its published rows, its level
    columns, the arguments of the :func:`_protection` call whose pattern is published (the
    item's block, or its All row alone) and that pattern's cells to hide."""
    # the same design on the item's valid answers: a role with many respondents but only
    # a few substantive answers to this item is, for this item, a small group too
    answered = publication.design(
        {columns["group"][i]: int(columns["n_valid"][i]) for i in rows if columns["group_type"][i] == "role"}, rule
    )  # fmt: skip
    shown = [
        i
        for i in rows
        if design.is_published(columns["group_type"][i], columns["group"][i])
        and answered.is_published(columns["group_type"][i], columns["group"][i])
    ]
    hidden = [i for i in rows if i not in shown]
    levels = levels_of[shown[0]].split("|")
    lcols = level_columns(len(levels))
    block, hidden_rows = _rows(columns, shown, lcols), _rows(columns, hidden, lcols)
    positive = _positive_of(block, levels, item)
    args = (block, rule, tuple(lcols), tuple(positive), hidden_rows)
    hide, _, alone = _protection(*args)
    if alone:  # published for all respondents only (docs/disclosure.md, "Items withheld")
        roles = sorted((r for r in (*block, *hidden_rows) if r[0] == "role"), key=lambda r: ROLES.index(r[1]))
        shown = [i for i in shown if columns["group_type"][i] == "all"]
        args = (_rows(columns, shown, lcols), rule, tuple(lcols), tuple(positive), tuple(roles))
        hide, _, _ = _protection(*args)
    return shown, lcols, args, hide


def _percentages(alpha: float) -> dict:
    """The columns recomputed from the published counts (:func:`protect_by_role`)."""

    def wilson(s, side):
        return 100 * np.asarray(
            stats.wilson_ci(s["n_agree"].to_numpy(), s["n_valid"].to_numpy(), alpha)[side], float
        )

    return {
        "pct_agree": lambda s: np.where(s["n_valid"] > 0, 100 * s["n_agree"] / s["n_valid"], np.nan),
        "ci_low": lambda s: wilson(s, 0),
        "ci_high": lambda s: wilson(s, 1),
    }


# One row of an item's block as the protection reads it: (group_type, group, n_respondents,
# n_nonsub, n_valid, (n_1, .., n_k), n_agree), plain Python values (hashable: the cache key)
def _rows(columns: Mapping[str, np.ndarray], positions: Sequence[int], lcols: Sequence[str]) -> tuple:
    return tuple(
        (
            str(columns["group_type"][i]),
            str(columns["group"][i]),
            int(columns["n_respondents"][i]),
            int(columns["n_nonsub"][i]),
            int(columns["n_valid"][i]),
            tuple(int(columns[c][i]) for c in lcols),
            int(columns["n_agree"][i]),
        )
        for i in positions
    )


def _rows_of(block: pd.DataFrame | None, lcols: Sequence[str]) -> tuple:
    if block is None:
        return ()
    names = ("group_type", "group", "n_respondents", "n_nonsub", "n_valid", "n_agree", *lcols)
    return _rows({c: block[c].to_numpy() for c in names}, range(len(block)), lcols)


def _positive_of(rows: tuple, levels: list[str], item: str) -> list[str]:
    """:func:`_positive_columns` of rows."""
    k = len(levels)
    counts = np.array([r[5] for r in rows], dtype="float64").reshape(len(rows), k)
    n_agree = np.array([r[6] for r in rows])
    lcols = level_columns(k)
    candidates = [range(i, k) for i in range(k)] + [range(i + 1) for i in range(k)] + [[i] for i in range(k)]
    for idx in candidates:
        if (counts[:, list(idx)].sum(axis=1) == n_agree).all():
            return [lcols[i] for i in idx]
    raise ValueError(f"item {item!r}: n_agree is not a run of levels")


def _role_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The role rows of an item's block, in :data:`ROLES` order (one cache key wherever the
    All row is protected on its own)."""
    roles = table[table["group_type"] == "role"]
    return roles.sort_values("group", key=lambda g: g.map(ROLES.index)).reset_index(drop=True)


SECONDARY_REASON = "secondary: hypercube pattern that the intruder's LP audit cannot narrow"
_PATTERNS: dict = {}
_ITEM = "item"  # the item's name inside the protection's own system: the pattern does not depend on it


def _item_pattern(
    block: pd.DataFrame, rule: disclosure.Rule, lcols: list[str], positive: list[str], hidden=None
) -> list:
    """The cells to suppress (see :func:`_item_protection`)."""
    return _item_protection(block, rule, lcols, positive, hidden)[0]


def _item_protection(
    block: pd.DataFrame, rule: disclosure.Rule, lcols: list[str], positive: list[str], hidden=None
) -> tuple[list, bool, bool]:
    """The (row, column) cells of one item's block to suppress besides the primary ones, chosen
    by :func:`helpers.protection.cube_pattern` over every relation a reader knows: the audit's
    own system (:func:`helpers.audit.add_by_group_table`) of the published block, plus the item
    non-response table of notebook 02, which prints the All row's n_valid, non-substantive and
    no-answer counts (their status is that table's,
    :func:`helpers.survey.describe.suppress_small_counts`: suppressed there, suppressed and
    protected here too; shown there, never suppressed here). Respondents per group are printed
    in the respondents-by-role table: shown unless small. Cached per (rule, block): notebook 03
    protects the same table for the CSV and for the workbook. ``hidden``: the rows of the role
    groups not published (:func:`role_design`): unknowns to a reader, their true counts let the
    moves run through them. Returns (the cells, whether the pattern of moves protects every
    suppressed cell, ``alone``: no pattern protects the block, or the one found suppresses every
    answer of all respondents although their valid answers are not below the threshold, so the
    item is to be published for all respondents only: :func:`protect_by_role` then protects the
    All row on its own, the other rows hidden)."""
    return _protection(_rows_of(block, lcols), rule, tuple(lcols), tuple(positive), _rows_of(hidden, lcols))


def _protection(block: tuple, rule: disclosure.Rule, lcols: tuple, positive: tuple, hidden: tuple):
    """:func:`_item_protection` of rows (:func:`_rows`)."""
    from helpers import protection

    key = (rule.rule, int(rule.min_count), lcols, positive, block, hidden)
    if key in _PATTERNS:
        return _PATTERNS[key]
    item = _ITEM
    system, true, primary, shown, values = _problem(block, rule, lcols, hidden)
    groups = {r[1]: i for i, r in enumerate(block)}
    roles = frozenset([*groups, *(r[1] for r in hidden if r[0] == "role")])
    moves = _moves(roles, lcols, positive)
    pattern = protection.cube_pattern(system, true, primary, rule, moves, values=values, fixed_shown=shown)
    if not pattern.optimal and ("n_nonsub", item, ALL) in true:
        # All's valid answers suppressed by the item non-response table (its "Don't know" and
        # no answer too few to publish apart): the moves that transfer an answer between a
        # level and All's "Don't know" (each group's no substantive answer) may protect it
        key_, nonsub_ = ("n_no_answer", item, ALL), ("n_nonsub", item, ALL)
        more = [{nonsub_ if k == key_ else k: v for k, v in m.items()} for m in moves if key_ in m]
        pattern = protection.cube_pattern(
            system, true, primary, rule, moves + more, values=values, fixed_shown=shown
        )
    suppressed = set(pattern.suppressed)
    protected = bool(pattern.optimal)
    answers = [(q, item, ALL) for q in [*lcols, "n_agree"] if true.get((q, item, ALL), 0) > 0]
    entirely = (
        bool(answers)
        and all(k in suppressed for k in answers)
        and not rule.is_sensitive(true.get(("n_valid", item, ALL)))
    )
    alone = (not protected or entirely) and ALL in groups and len(groups) > 1
    if not protected:
        # No protecting pattern of moves (tiny groups): every non-zero count of the other groups
        # suppressed; the caller publishes the All row alone instead (``alone``)
        suppressed |= {k for k, v in true.items() if k[2] != ALL and k not in shown and v > 0}
    published = {"n_valid", *lcols, "n_agree"}  # the block's count columns besides respondents
    hide = sorted((groups[k[2]], k[0]) for k in suppressed if k[0] in published and k[2] in groups)
    _PATTERNS[key] = (hide, protected, alone)
    return _PATTERNS[key]


def _problem(block: tuple, rule: disclosure.Rule, lcols: tuple, hidden: tuple):
    """The protection problem of one item's block (:func:`_protection`): the reader's system,
    the true counts of the published cells, the primary cells, the cells printed elsewhere
    (shown) and the true counts of the hidden rows' cells."""
    item = _ITEM
    system = _block_system(block, lcols)
    true = {k: float(v) for k, v in system.value.items()}
    groups = {r[1]: i for i, r in enumerate(block)}
    values = {("n_no_answer", item, r[1]): float(r[2] - r[4]) for r in block}
    for r in hidden:
        g = r[1]
        values[("n_no_answer", item, g)] = float(r[2] - r[4])
        values[("n_respondents", "", g)] = float(r[2])
        values[("n_valid", item, g)] = float(r[4])
        for q, v in zip(lcols, r[5]):
            values[(q, item, g)] = float(v)
        values[("n_agree", item, g)] = float(r[6])
    primary = {k for k, v in true.items() if rule.is_sensitive(v)}
    shown = {k for k in true if k[0] == "n_respondents" and k not in primary}
    if ALL in groups:
        row = block[groups[ALL]]
        nonsub = row[3]
        no_answer = row[2] - row[4] - nonsub
        printed = _printed_for_all(rule.rule, int(rule.min_count), row[2], row[4], nonsub, no_answer)
        system.equation(
            {
                ("n_respondents", "", ALL): 1,
                ("n_valid", item, ALL): -1,
                ("n_nonsub", item, ALL): -1,
                ("n_no_answer", item, ALL): -1,
            }
        )
        system.unknown.discard(("n_no_answer", item, ALL))
        true[("n_nonsub", item, ALL)] = float(nonsub)
        true[("n_no_answer", item, ALL)] = float(no_answer)
        for q, suppressed in zip(("n_valid", "n_nonsub", "n_no_answer"), printed):
            (primary if suppressed else shown).add((q, item, ALL))
    return system, true, primary, shown, values


_PRINTED: dict = {}


def _printed_for_all(rule: str, min_count: int, respondents: int, valid: int, nonsub: int, no_answer: int):
    """Whether notebook 02's item non-response table suppresses All's valid, non-substantive
    and no-answer counts (:func:`helpers.survey.describe.suppress_small_counts`)."""
    key = (rule, min_count, respondents, valid, nonsub, no_answer)
    if key not in _PRINTED:
        from helpers.survey import describe

        one = pd.DataFrame(
            [
                {
                    "n_respondents": respondents,
                    "n_valid": valid,
                    "n_non_substantive": nonsub,
                    "n_no_answer": no_answer,
                }
            ]
        )
        printed = describe.suppress_small_counts(one, disclosure.Rule(rule, min_count, "*"))
        _PRINTED[key] = tuple(
            str(printed.at[0, c]) == "*" for c in ("n_valid", "n_non_substantive", "n_no_answer")
        )
    return _PRINTED[key]


def _block_system(block: tuple, lcols: tuple):
    """The audit's system of one item's published block (rows, :func:`_rows`), as
    :func:`helpers.audit.add_by_group_table` reads the published table: the same cells, values,
    unknowns and relations in the same order (tests/survey/test_protect_by_role_pinned.py
    compares them), without building and scanning a DataFrame per item."""
    from helpers import audit

    item = _ITEM
    system = audit.System()

    def cell(q, group):
        return (q, "" if q == "n_respondents" else item, group[1])

    groups = [(r[0], r[1]) for r in block]
    for r, group in zip(block, groups):
        system.value[cell("n_respondents", group)] = float(r[2])
        system.value[cell("n_valid", group)] = float(r[4])
        for q, v in zip(lcols, r[5]):
            system.value[cell(q, group)] = float(v)
        system.value[cell("n_agree", group)] = float(r[6])
    present = set(groups)
    absent = [(audit.ROLE_TYPE, r) for r in audit.ROLE_GROUPS if (audit.ROLE_TYPE, r) not in present]
    everyone = [*groups, *absent, ("other", audit.OTHER)]
    quantities = ["n_respondents", "n_nonsub", "n_valid", *lcols, "n_agree", "n_no_answer"]
    for group in everyone:
        if group[0] == "other" or group in absent:
            for q in quantities:
                system.unknown.add(cell(q, group))
        if lcols:
            system.eq.append({cell("n_valid", group): 1, **{cell(c, group): -1 for c in lcols}})
        system.unknown.add(cell("n_no_answer", group))
    values = np.array([[*r[5], r[6]] for r in block], dtype=float).reshape(len(block), len(lcols) + 1)
    positive = audit.positive_run(values, list(lcols))
    if positive:
        for group in everyone:
            system.eq.append({cell("n_agree", group): 1, **{cell(c, group): -1 for c in positive}})
    if ("all", ALL) in present:
        roles = [g for g in groups if g[0] == audit.ROLE_TYPE] + absent
        for q in quantities:
            if roles:
                system.eq.append(
                    {
                        cell(q, ("all", ALL)): 1,
                        **{cell(q, g): -1 for g in roles},
                        cell(q, ("other", audit.OTHER)): -1,
                    }
                )
            for gtype in ("profession", "level"):
                parts = [g for g in groups if g[0] == gtype]
                if parts:
                    system.eq.append(
                        {
                            cell(q, ("all", ALL)): 1,
                            **{cell(q, g): -1 for g in parts},
                            cell(q, ("other", audit.OTHER)): -1,
                        }
                    )
    for total, parts in audit.HIERARCHY.items():
        if total in present:
            for q in quantities:
                system.eq.append({cell(q, total): 1, **{cell(q, p): -1 for p in parts}})
    return system


@functools.lru_cache(maxsize=16)  # a few MB each (thousands of moves): bounded
def _moves(groups: frozenset, lcols: tuple, positive: tuple) -> list[dict]:
    """:func:`_item_moves` for the protection's own item name, once per kind of block (the same
    list object each time: not to be changed by the caller)."""
    return _item_moves(_ITEM, list(groups), list(lcols), list(positive))


def _item_moves(item: str, groups: list[str], lcols: list[str], positive: list[str]) -> list[dict]:
    """Every move (cell -> +1/-1) that keeps one item's relations true: a change of the role
    rows (-1, 0 or +1 each) whose profession, level and All rows change by -1, 0 or +1 too,
    times a transfer of one answer between two levels, or between a level and "no substantive
    answer" (n_valid and n_agree follow)."""
    import itertools

    roles = [g for g in ROLES if g in groups]
    parts = {total[1]: [p[1] for p in members] for total, members in HIERARCHY}
    row_moves = []
    for delta in itertools.product((0, 1, -1), repeat=len(roles)):
        if not any(delta) or next(d for d in delta if d) < 0:
            continue
        rows = dict(zip(roles, delta))
        for total, members in parts.items():
            if total in groups and all(m in rows for m in members):
                rows[total] = sum(rows[m] for m in members)
        if ALL in groups:
            rows[ALL] = sum(delta)
        if all(abs(v) <= 1 for v in rows.values()):
            row_moves.append({g: v for g, v in rows.items() if v})
    base = [*lcols, "n_no_answer"]
    col_moves = []
    for a, b in itertools.combinations(base, 2):
        cols = {a: 1, b: -1}
        valid = (a in lcols) - (b in lcols)
        agree = (a in positive) - (b in positive)
        if valid:
            cols["n_valid"] = valid
        if agree:
            cols["n_agree"] = agree
        col_moves.append(cols)
    # each cell's key made once (not once per move that runs through it), the same order
    cells = {(q, g): (q, item, g) for g in groups for q in ("n_valid", "n_agree", *base)}
    rows = [[(g, r) for g, r in rm.items()] for rm in row_moves]
    columns = [[(q, c) for q, c in cm.items()] for cm in col_moves]
    return [{cells[q, g]: r * c for g, r in rm for q, c in cm} for rm in rows for cm in columns]


def _positive_columns(block: pd.DataFrame, levels: list[str]) -> list[str]:
    """The level columns whose sum is n_agree in every row of the block (checked)."""
    n_agree = block["n_agree"].to_numpy()
    k = len(levels)
    lcols = level_columns(k)
    counts = np.nan_to_num(block[lcols].to_numpy(dtype="float64", na_value=np.nan))  # as sum(skipna)
    candidates = [range(i, k) for i in range(k)] + [range(i + 1) for i in range(k)] + [[i] for i in range(k)]
    for idx in candidates:
        if (counts[:, list(idx)].sum(axis=1) == n_agree).all():
            return [lcols[i] for i in idx]
    raise ValueError(f"item {block['item'].iloc[0]!r}: n_agree is not a run of levels")


def chart_groups(table: pd.DataFrame, names: Sequence[str], groups: Sequence[str]) -> list[str]:
    """The panels of a battery's chart: all respondents first (every item publishes its All
    row, the least an item publishes: docs/disclosure.md, "Items withheld"), then the ``groups``
    that the protected ``table`` publishes for at least one of the items ``names``; an item
    whose row for such a group is suppressed is marked so in that group's panel
    (:func:`helpers.plots.likert_table`), not left out."""
    present = set(table.loc[table["item"].isin(list(names)), "group"])
    return [ALL, *(g for g in groups if g in present and g != ALL)]


def distribution_for_chart(
    clean: pd.DataFrame, items: Mapping[str, Item], group: str = "role"
) -> pd.DataFrame:
    """The four role groups only, for the charts (Other has too few people to chart)."""
    d = clean[clean[group].astype(object).isin(ROLES)].copy()
    d[group] = pd.Categorical(d[group].astype(object), categories=ROLES)
    return d


def roles_as_columns(clean: pd.DataFrame, item: str, roles: Sequence[str] = ROLES) -> pd.DataFrame:
    """One column per role group (plus all respondents first) holding ``item``'s answers of
    that group (empty for everyone else), so :func:`helpers.plots.diverging_likert` draws one
    bar per role for a single item."""
    role = clean["role"].astype(object)
    out = {ALL: clean[item]}
    for r in roles:
        out[r] = clean[item].where(role == r)
    return pd.DataFrame(out, index=clean.index)


TEST_STATISTICS = {"chi2", "lr_chi2", "ordinal_z", "z", "t", "F", "H", "kw_h", "statistic", "ndf", "ddf"}
EFFECT_SIZES = numbers.EFFECT_SIZE_COLUMNS  # 2 decimals (helpers.numbers)
# Counts of people or invitations: whole numbers (helpers.numbers 'count'), never '465.0'
COUNTS = {"n", "invited", "ineligible", "eligible", "complete", "partial", "unmatched", "respondents"}


def number_kind(name: str) -> str | None:
    """The :mod:`helpers.numbers` kind of a published column (None: rounded to 3 decimals).

    Test statistics (chi-square, z, F, H) to 1 decimal and p-values to 2 significant figures
    (issue 13: the precision a reader needs; the third decimal of a chi-square let an intruder
    pick the one table among the candidates that fits); effect sizes and reliability to 2."""
    if name in COUNTS or (name.startswith("n_") and name != "n_psu"):
        return "count"
    if name in TEST_STATISTICS or name.endswith(("_chi2", "_z")):
        return "test_statistic"
    if name == "p_value" or name.startswith(("p_", "ordinal_p", "kw_p")):
        return "p_value"
    if name in EFFECT_SIZES or name.startswith(("alpha_ci", "omega_ci")):
        return "effect_size"
    if name == "min_expected":
        return "test_statistic"
    if name.startswith("design_effect"):
        return "design_effect"
    if name in ("mean", "sd") or name.startswith(("mean_", "sd_")):
        return "mean"  # scale scores and their SDs: 2 decimals (helpers.numbers)
    return None


def tidy_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """Round for publication: percentages and their CIs to 1 decimal; test statistics, p-values
    and effect sizes through :func:`helpers.numbers.rounded` (see :func:`number_kind`); other
    statistics to 3 decimals; counts (:data:`COUNTS`, ``n_*``) as whole numbers, a suppressed
    or absent one left empty; text untouched."""

    def rounder(name):
        # the percentage columns of helpers.numbers.kind_of, and every other CI bound (``ci_``)
        if name.startswith((*numbers.PERCENTAGE_PREFIXES, "ci_")) or name.endswith(
            numbers.PERCENTAGE_SUFFIXES
        ):
            return lambda v: numbers.rounded(v, "table_percentage")
        kind = number_kind(name)
        if kind is not None:
            return lambda v: numbers.rounded(v, kind)
        return lambda v: numbers.rounded(v, "statistic")

    out = table.copy()
    if "odds_ratio" in out.columns:  # odds ratios and their CIs: helpers.numbers (issue 14, 3)
        out = _round_odds_ratios(out)
    mixed = {"kind", "estimate"} <= set(out.columns)  # the sensitivity table: % or scale mean by row
    if mixed:
        out["estimate"] = [
            v
            if pd.isna(v)
            else numbers.rounded(v, "table_percentage" if str(k).startswith("item") else "mean")
            for k, v in zip(out["kind"], out["estimate"])
        ]
    for col in out.columns:
        if "odds_ratio" in out.columns and col in ("odds_ratio", "ci_low", "ci_high"):
            continue
        if mixed and col == "estimate":
            continue
        values, fn = out[col], rounder(str(col))
        if number_kind(str(col)) == "count" and pd.api.types.is_float_dtype(values):
            out[col] = values.map(lambda v, fn=fn: fn(v) if pd.notna(v) else v).astype("Int64")
        elif pd.api.types.is_float_dtype(values):
            out[col] = values.map(lambda v, fn=fn: fn(v) if pd.notna(v) else v)
        elif values.dtype == object:  # numbers mixed with suppression markers
            out[col] = values.map(
                lambda v, fn=fn: fn(v) if isinstance(v, (float, np.floating)) and np.isfinite(v) else v
            )
    return out


def _round_odds_ratios(table: pd.DataFrame) -> pd.DataFrame:
    """Odds ratios to 2 decimals and their CI bounds to 2 decimals, with more where 2 would put
    a bound that excludes 1 onto 1.00 (:func:`helpers.numbers.odds_ratio_interval_text`), so a
    significant result never looks null in a published table."""
    out = table.copy()
    out["odds_ratio"] = out["odds_ratio"].map(lambda v: numbers.rounded(v, "odds_ratio"))
    if {"ci_low", "ci_high"} <= set(out.columns):
        bounds = [
            (lo, hi)
            # unbounded (separation: a group where all or none gave a higher answer) stays as is
            if any(isinstance(v, str) or pd.isna(v) or not np.isfinite(v) for v in (lo, hi))
            else tuple(float(x) for x in numbers.odds_ratio_interval_text(lo, hi))
            for lo, hi in zip(out["ci_low"], out["ci_high"])
        ]
        out["ci_low"] = [b[0] for b in bounds]
        out["ci_high"] = [b[1] for b in bounds]
    return out


OPTIMALITY_COLUMNS = ["lower_bound", "gap", "minimum"]


def suppression_optimality(table: pd.DataFrame, rule: disclosure.Rule, rounds: int = 1) -> pd.DataFrame:
    """How far each item's suppression pattern (:func:`protect_by_role`) is from the least
    cost: one row per item, ``item, cost, lower_bound, gap, minimum``. ``cost``: the cells of
    the item's published rows that the pattern suppresses (respondents, valid answers, levels,
    agreeing: the suppression summary's primary + secondary); ``lower_bound``: a number of
    cells that no pattern protecting the item (the audit's criterion on the item's own system,
    as the protection checks it) can go below, :func:`helpers.protection.lower_bound` (the
    optimum of a relaxation solved by HiGHS, proof in its docstring); ``gap`` = cost -
    lower_bound (0: the pattern is a minimum); ``minimum``: the least cost itself where the
    relaxation's own pattern protects the item or the pattern reaches the bound (else empty).
    For an item published for all respondents only, the problem is that row's. ``rounds``:
    MILP solves per item (the first with the static conditions, then with cuts)."""
    from helpers import protection

    columns = ["item", "cost", *OPTIMALITY_COLUMNS]
    out = []
    for item, _shown, lcols, args, _hide in _item_decisions(table, rule) if len(table) else ():
        block, _rule, _lcols, _positive, hidden = args
        system, true, primary, shown, values = _problem(block, rule, tuple(lcols), hidden)
        hide = _protection(*args)[0]
        groups = [r[1] for r in block]
        counted = {"n_respondents", "n_valid", *lcols, "n_agree"}
        cells = {k for k in true if k[0] in counted and k[2] in groups}
        suppressed = {k for k in primary if k in cells} | {(q, _ITEM, groups[r]) for r, q in hide}
        bound = protection.lower_bound(
            system, true, primary, rule, suppressed, shown, values, cells, rounds=rounds
        )  # fmt: skip
        out.append(
            {
                "item": item,
                "cost": bound.cost,
                "lower_bound": bound.lower_bound,
                "gap": bound.gap,
                "minimum": bound.optimum,
            }
        )
    result = pd.DataFrame(out, columns=columns)
    return result.astype({c: "Int64" for c in columns[1:]})


def suppression_summary(log: pd.DataFrame, optimality: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where cells were suppressed and why, without the suppressed values (publishable):
    one row per item with suppressed cells, columns ``item, primary, secondary``. With nothing
    suppressed (e.g. ``min_count: 1``) the table is empty but keeps its columns, so it can be
    written and read back (issue 11, failure 4). With ``optimality``
    (:func:`suppression_optimality` of the same table and rule), also ``lower_bound, gap,
    minimum`` per item; its cost must be the item's primary + secondary (ValueError if not)."""
    columns = ["item", "primary", "secondary"]
    if log is None or not len(log):
        empty = pd.DataFrame({c: pd.Series(dtype=object if c == "item" else int) for c in columns})
        if optimality is not None:
            for c in OPTIMALITY_COLUMNS:
                empty[c] = pd.Series(dtype="Int64")
        return empty
    kind = log["reason"].str.split(":").str[0]
    table = (
        log.assign(kind=kind)
        .groupby(["item", "kind"], sort=False)
        .size()
        .rename("cells")
        .reset_index()
        .pivot(index="item", columns="kind", values="cells")
        .fillna(0)
        .astype(int)
        .reset_index()
    )
    for c in ("primary", "secondary"):
        if c not in table:
            table[c] = 0
    table.columns.name = None
    table = table[[*columns, *[c for c in table.columns if c not in columns]]]
    if optimality is None:
        return table
    merged = table.merge(optimality, on="item", how="left", validate="one_to_one")
    wrong = merged[merged["cost"].fillna(-1).astype(int) != merged["primary"] + merged["secondary"]]
    if len(wrong):
        row = wrong.iloc[0]
        raise ValueError(
            f"item {row['item']!r}: the optimality table counts {row['cost']} suppressed cells, "
            f"the suppression log {row['primary'] + row['secondary']}: not the same table and rule"
        )
    return merged.drop(columns="cost")


def protect_counts(
    table: pd.DataFrame, rule: disclosure.Rule, count_cols: Sequence[str] = ("n",)
) -> pd.DataFrame:
    """Disclosure control for a table whose only counts are sample sizes (tests, models)."""
    return disclosure.suppress(table, list(count_cols), rule=rule)


ROLE_TEST_STATISTICS = (
    "chi2",
    "p_value",
    "p_monte_carlo",
    "p_chi2",
    "min_expected",
    "cramers_v",
    "v_df",
    "v_magnitude",
    "kw_h",
    "kw_p",
)


def protect_role_tests(
    tests: pd.DataFrame,
    protected: pd.DataFrame,
    rule: disclosure.Rule,
    adjust: str = "holm",
    groups: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The role tests as published (issue 13, leak 2: statistics).

    A test statistic computed on the full role x answer table, published with the table's
    margins, lets an intruder keep only the completions of the suppressed cells that reproduce
    it: a chi-square at 1 decimal pins a cell protected by one hypercube move to one or two
    values (the statistic is a steep quadratic along the move). So, per item:

    - the role x answer table has no suppressed cell (``protected``, the published attitude
      table): the test on the full table is published as it is (``grouping`` "role x answer");
    - else, where every role's n_agree and n_valid are published, the chi-square is computed on
      the coarser role x (agree / not agree) table **from the published counts** (so it cannot
      narrow anything: every number it uses is printed), ``grouping`` "role x agree (published
      counts)"; Kruskal-Wallis, which needs the full table, is withheld;
    - else every statistic is withheld (``grouping`` "withheld: suppressed cells").

    p-values are adjusted across items again (``p_<adjust>``, ``kw_p_<adjust>``) over what is
    published. ``groups``: the groups the tests compare (default the role rows; with small roles
    combined, :meth:`helpers.publication.RoleDesign.groups`)."""
    out = tests.copy()
    out["grouping"] = "role x answer"
    unsafe = _items_not_testable(protected, rule, groups)
    _withhold_hidden_totals(out, protected)
    for i, row in out.iterrows():
        if row["item"] not in unsafe:
            continue
        roles = unsafe[row["item"]]
        if roles is None:  # a group left out for this item
            for col in ROLE_TEST_STATISTICS:
                if col in out:
                    out.at[i, col] = np.nan
            out.at[i, "grouping"] = "withheld: a group with too few answers"
            continue
        for col in ROLE_TEST_STATISTICS:
            if col in out:
                out.at[i, col] = np.nan
        agree = pd.to_numeric(roles["n_agree"], errors="coerce")
        valid = pd.to_numeric(roles["n_valid"], errors="coerce")
        if agree.isna().any() or valid.isna().any():
            out.at[i, "grouping"] = "withheld: suppressed cells"
            continue
        table = np.column_stack([agree.to_numpy(), (valid - agree).to_numpy()]).astype(float)
        res = stats.association(table)
        for col, value in (
            ("n", res.n),
            ("chi2", res.chi2),
            ("dof", res.dof),
            ("p_value", res.p_value),
            ("p_monte_carlo", res.p_monte_carlo),
            ("p_chi2", res.p_reported),
            ("min_expected", res.min_expected),
            ("cramers_v", res.cramers_v),
            ("v_df", res.v_df),
            ("v_magnitude", res.v_magnitude),
        ):
            if col in out:
                out.at[i, col] = value
        out.at[i, "grouping"] = "role x agree (published counts)"
    return _adjust_published(out, (("p_chi2", f"p_{adjust}"), ("kw_p", f"kw_p_{adjust}")), adjust)


def _withhold_hidden_totals(out: pd.DataFrame, protected: pd.DataFrame) -> None:
    """A test's ``n`` is the valid answers of the groups it compares, every respondent analysed:
    the All row's ``n_valid``. Where that cell is suppressed, ``n`` is blank too (in place)."""
    if "n" in out:
        hidden = out["item"].astype(str).isin(all_row_hidden(protected, ["n_valid"]))
        out["n"] = out["n"].astype(float).where(~hidden)


def _adjust_published(out: pd.DataFrame, pairs, adjust: str) -> pd.DataFrame:
    """p-values adjusted again across items, over the tests still published."""
    for src, dst in pairs:
        if src in out and dst in out:
            p = pd.to_numeric(out[src], errors="coerce")
            adjusted = pd.Series(np.nan, index=out.index)
            if p.notna().any():
                adjusted[p.notna()] = stats.adjust_pvalues(p[p.notna()], adjust)
            out[dst] = adjusted
    return out


def all_row_hidden(published: pd.DataFrame, columns: Sequence[str]) -> set[str]:
    """Items whose All-respondents row of the published attitude table (``published``:
    protected, suppressed cells empty or the marker) is missing or has one of ``columns``
    suppressed. A figure printed elsewhere that equals such a cell (a test's ``n``: the valid
    answers of every group compared), or gives it back with another printed number (a % of the
    valid answers beside their n), must then be withheld too: a cell has one status wherever it
    appears (issue 13)."""
    hidden = set()
    for item, block in published.groupby("item", sort=False):
        row = block[block["group_type"] == "all"]
        if row.empty:
            hidden.add(str(item))
            continue
        cells = row.iloc[0].reindex(list(columns))
        if any(pd.isna(pd.to_numeric(v, errors="coerce")) for v in cells):
            hidden.add(str(item))
    return hidden


def _items_not_testable(
    protected: pd.DataFrame, rule: disclosure.Rule, groups: Sequence[str] | None
) -> dict[str, pd.DataFrame | None]:
    """Items whose published role x answer table has a suppressed cell -> their published group
    rows (None: a group of ``groups`` is not published for the item at all)."""
    out: dict[str, pd.DataFrame | None] = {}
    for item, block in protected.groupby("item", sort=False):
        roles = block[block["group_type"] == "role"] if groups is None else block[block["group"].isin(groups)]
        if groups is not None and len(roles) < len(groups):
            out[item] = None
            continue
        lcols = [
            c for c in block.columns if c.startswith("n_") and c[2:].isdigit() and block[c].notna().any()
        ]
        cells = roles[["n_valid", *lcols]]
        if (cells.isna() | (cells.astype(str) == str(rule.marker))).any().any():
            out[item] = roles
    return out


DESIGN_TEST_STATISTICS = (
    "chi2",
    "dof",
    "delta_mean",
    "first_order_chi2",
    "p_first_order",
    "F",
    "ndf",
    "ddf",
    "p_value",
)


def protect_design_role_tests(
    tests: pd.DataFrame,
    protected: pd.DataFrame,
    rule: disclosure.Rule,
    adjust: str = "holm",
    groups: Sequence[str] | None = None,
    coarse: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The weighted (Rao-Scott) role tests as published, by :func:`protect_role_tests`' rule.

    The Rao-Scott chi-square is the Pearson statistic of the weighted table; with weights raked
    to published margins (role among them) a reader can reweight completions of the suppressed
    cells and keep those that reproduce it, the attack the unweighted chi-square allowed. So, for
    an item whose published role x answer table has a suppressed cell: the test of ``coarse``
    (the same tests with ``agree_only``: role x agree / not, a table whose counts are all
    published) where every group's n_agree and n_valid are published (``grouping`` "role x
    agree"), else withheld. p adjusted again over what is published."""
    out = tests.copy()
    out["grouping"] = "role x answer"
    unsafe = _items_not_testable(protected, rule, groups)
    _withhold_hidden_totals(out, protected)
    coarser = {} if coarse is None else {r["item"]: r for _, r in coarse.iterrows()}
    for i, row in out.iterrows():
        item = row["item"]
        if item not in unsafe:
            continue
        roles = unsafe[item]
        usable = (
            roles is not None
            and item in coarser
            and pd.to_numeric(roles["n_agree"], errors="coerce").notna().all()
            and pd.to_numeric(roles["n_valid"], errors="coerce").notna().all()
        )
        for col in DESIGN_TEST_STATISTICS:
            if col in out:
                out.at[i, col] = coarser[item][col] if usable else np.nan
        if usable:
            out.at[i, "grouping"] = "role x agree"
        elif roles is None:
            out.at[i, "grouping"] = "withheld: a group with too few answers"
        else:
            out.at[i, "grouping"] = "withheld: suppressed cells"
    if "dof" in out:  # whole numbers, blank where withheld (not 3.0)
        out["dof"] = pd.to_numeric(out["dof"], errors="coerce").round().astype("Int64")
    return _adjust_published(out, (("p_value", f"p_{adjust}"),), adjust)
