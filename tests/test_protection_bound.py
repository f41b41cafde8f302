"""The lower bound on the least cost of a protecting suppression pattern (issue 13, item 1:
helpers.protection.lower_bound), checked against brute force on tiny tables: every pattern of
a 2x2, 2x3 or 3x3 table with its margins is audited with the intruder's LP
(helpers.audit.intervals, through protection._failing), the cheapest protecting one is the
least cost, and the bound must never exceed it (else it is not a bound) and must reach it
where the relaxation is exact."""

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from helpers import audit, disclosure, protection
from helpers.audit import System
from helpers.survey import attitudes

THRESHOLD = disclosure.Rule("threshold", 5, None)
NHS = disclosure.Rule("nhs", 5, None)


def table_system(interior, total_published=True):
    """An r x c table with its row totals, column totals and grand total: every cell published
    (the grand total unpublished when ``total_published`` is False: an unknown >= 0)."""
    interior = np.asarray(interior)
    r, c = interior.shape
    system = System()
    true = {}
    for i in range(r):
        for j in range(c):
            true[("x", i, j)] = float(interior[i, j])
        true[("row", i)] = float(interior[i].sum())
    for j in range(c):
        true[("col", j)] = float(interior[:, j].sum())
    total = ("total",)
    if total_published:
        true[total] = float(interior.sum())
    else:
        system.unknown.add(total)
    for i in range(r):
        system.equation({("row", i): 1, **{("x", i, j): -1 for j in range(c)}})
    for j in range(c):
        system.equation({("col", j): 1, **{("x", i, j): -1 for i in range(r)}})
    system.equation({total: 1, **{("row", i): -1 for i in range(r)}})
    system.equation({total: 1, **{("col", j): -1 for j in range(c)}})
    for k, v in true.items():
        system.value[k] = v
    return system, true


def brute_minimum(system, true, primary, rule):
    """The least number of cells of any pattern that the intruder's LP cannot narrow below the
    criterion: patterns tried by size, each audited (None: no pattern protects the table)."""
    free = sorted((k for k in true if k not in primary and true[k] > 0), key=repr)
    for size in range(len(free) + 1):
        for extra in itertools.combinations(free, size):
            pattern = set(primary) | set(extra)
            if not protection._failing(system, true, pattern, rule):
                return len(pattern)
    return None


def test_two_by_two_bound_is_the_least_cost_by_hand():
    # [[2, 10], [10, 10]] with margins 12, 20 / 12, 20 / 32: the 2 is primary. Alone in its
    # row (12 = 2 + 10) or column it is given back; with a row or column total suppressed
    # instead, the grand total gives that back; so the least pattern is the interior rectangle:
    # a = 2 + t, the others 10 -/+ t, t in -1 .. 9, an interval 1 .. 11 (10 wide). 4 cells.
    system, true = table_system([[2, 10], [10, 10]])
    primary = {("x", 0, 0)}
    everything = set(true)
    bound = protection.lower_bound(system, true, primary, THRESHOLD, everything)
    assert (bound.cost, bound.lower_bound, bound.gap) == (9, 4, 5)
    assert brute_minimum(system, true, primary, THRESHOLD) == 4
    rectangle = {("x", i, j) for i in range(2) for j in range(2)}
    tight = protection.lower_bound(system, true, primary, THRESHOLD, rectangle)
    assert (tight.cost, tight.lower_bound, tight.gap, tight.optimal, tight.optimum) == (4, 4, 0, True, 4)


def test_cost_counts_only_the_cost_cells_and_bad_cells_are_named():
    system, true = table_system([[2, 10], [10, 10]])
    primary = {("x", 0, 0)}
    interior = {k for k in true if k[0] == "x"}
    bound = protection.lower_bound(system, true, primary, THRESHOLD, set(true), cost_cells=interior)
    # margins cost nothing here: the 2 with its row, column and grand totals suppressed is
    # unbounded above (nothing published caps the totals), so 1 interior cell is the least
    assert (bound.cost, bound.lower_bound, bound.optimum) == (4, 1, 1)
    cheap = {("x", 0, 0), ("row", 0), ("col", 0), ("total",)}
    assert not protection._failing(system, true, cheap, THRESHOLD)
    with pytest.raises(ValueError, match=r"cost cells that are not published cells: \[\('y', 9\)\]"):
        protection.lower_bound(system, true, primary, THRESHOLD, set(), cost_cells={("y", 9)})


def _cases(shape, n=4):
    rng = np.random.default_rng(20151 + shape[0] * 10 + shape[1])
    cases = []
    for _ in range(n):
        interior = rng.integers(1, 16, size=shape)
        interior[rng.integers(shape[0]), rng.integers(shape[1])] = rng.integers(1, 5)
        cases.append(interior)
    return cases


def _check_bounds(rule, cases):
    """bound <= the least cost (brute force) <= the cost of suppressing every non-zero cell
    (which protects: nothing is published); the number of cases where the bound is exact."""
    exact = 0
    for interior in cases:
        system, true = table_system(interior)
        primary = {k for k, v in true.items() if rule.is_sensitive(v)}
        least = brute_minimum(system, true, primary, rule)
        everything = {k for k, v in true.items() if v > 0}
        bound = protection.lower_bound(system, true, primary, rule, everything)
        assert least is not None and bound.lower_bound <= least <= bound.cost, interior.tolist()
        if bound.optimum is not None:
            assert bound.optimum == least, interior.tolist()
        exact += bound.lower_bound == least
    return exact


@pytest.mark.parametrize("rule", [THRESHOLD, NHS], ids=["threshold5", "nhs"])
def test_bound_never_exceeds_the_least_cost_2x3(rule):
    """bound <= least cost on 2x3 tables with margins (seeded counts, one small cell at least),
    exact on some (a bound of 0 everywhere would pass the first check, not this one)."""
    assert _check_bounds(rule, _cases((2, 3))) >= (3 if rule.rule == "threshold" else 1)


@pytest.mark.slow
@pytest.mark.parametrize("rule", [THRESHOLD, NHS], ids=["threshold5", "nhs"])
def test_bound_never_exceeds_the_least_cost_3x3(rule):
    assert _check_bounds(rule, _cases((3, 3), 6)) >= 1


def test_an_invalid_bound_is_caught():
    """The brute-force check can fail: a relaxation that forgets that an unpublished cell can
    move (its room taken as 0) asks too much and goes above the least cost. Rows hold an
    unpublished column (the survey's respondents outside the four roles): R_i = x_i1 + x_i2 +
    u_i, u = (20, 20). The 2 and the 10 below it (a = 2 + t, t in -1 .. 9: 10 wide, u_1 and u_2
    absorbing t) protect it: 2 cells. Forgetting u_1's room, row 1 would need a third."""
    system = System()
    x = [[2, 10], [10, 10]]
    u = [20, 20]
    true = {}
    for i in range(2):
        for j in range(2):
            true[("x", i, j)] = float(x[i][j])
        true[("row", i)] = float(sum(x[i]) + u[i])
        system.unknown.add(("u", i))
        system.equation({("row", i): 1, ("x", i, 0): -1, ("x", i, 1): -1, ("u", i): -1})
    for j in range(2):
        true[("col", j)] = float(x[0][j] + x[1][j])
        system.equation({("col", j): 1, ("x", 0, j): -1, ("x", 1, j): -1})
    system.value.update(true)
    values = {("u", i): float(u[i]) for i in range(2)}
    primary = {("x", 0, 0)}
    least = brute_minimum(system, true, primary, THRESHOLD)
    assert least == 2
    valid = protection.lower_bound(system, true, primary, THRESHOLD, set(true), values=values)
    assert valid.lower_bound == 2

    def forgetful(system, true, values):
        return {k: 0.0 for k in system.cells()} | {k: float(v) for k, v in true.items()}

    real = protection._unknown_values
    try:
        protection._unknown_values = forgetful
        wrong = protection.lower_bound(system, true, primary, THRESHOLD, set(true), values=values)
    finally:
        protection._unknown_values = real
    assert wrong.lower_bound == 3 > least


def _item_table(levels_by_role, item="x"):
    """attitudes.by_role's table of one item from the four roles' counts of three levels."""
    roles = attitudes.ROLES
    parts = {
        ("all", attitudes.ALL): [0, 1, 2, 3],
        **{("role", r): [i] for i, r in enumerate(roles)},
        ("profession", "Doctor"): [1, 2],
        ("profession", "Manager"): [0, 3],
        ("level", "Board"): [0, 1],
        ("level", "Directorate"): [2, 3],
    }
    counts = np.array(levels_by_role)
    rows = []
    for (gtype, group), idx in parts.items():
        c = counts[idx].sum(axis=0)
        rows.append(
            {
                "item": item,
                "question": "Q",
                "group_type": gtype,
                "group": group,
                "levels": "Disagree|Neutral|Agree",
                "n_respondents": int(c.sum()),
                "n_nonsub": 0,
                "n_valid": int(c.sum()),
                "n_1": int(c[0]),
                "n_2": int(c[1]),
                "n_3": int(c[2]),
                "n_agree": int(c[2]),
            }
        )
    return attitudes.descriptives._add_percentages(pd.DataFrame(rows))


def test_optimality_of_the_pipeline_pattern_beside_its_log():
    """suppression_optimality counts what protect_by_role's log counts (primary + secondary
    per item) and bounds it; the summary carries the bound, and a table that is not the one
    the log came from is refused."""
    raw = pd.concat(
        [_item_table([[1, 30, 20], [12, 2, 40], [25, 30, 3], [18, 22, 35]], "x"),
         _item_table([[20, 30, 20], [12, 22, 40], [25, 30, 23], [18, 22, 35]], "y")],
        ignore_index=True,
    )  # fmt: skip
    _, log = attitudes.protect_by_role(raw, THRESHOLD)
    optimality = attitudes.suppression_optimality(raw, THRESHOLD)
    summary = attitudes.suppression_summary(log, optimality)
    counted = log.groupby("item").size()
    assert list(optimality["item"]) == ["x", "y"]
    assert optimality.loc[0, "cost"] == counted["x"] and optimality.loc[1, "cost"] == 0
    assert list(summary.columns) == ["item", "primary", "secondary", "lower_bound", "gap", "minimum"]
    row = summary.iloc[0]
    assert row["primary"] + row["secondary"] - row["lower_bound"] == row["gap"] >= 0
    assert 3 <= row["lower_bound"]  # the three small counts at least
    with pytest.raises(ValueError, match="item 'x': the optimality table counts 0 suppressed cells"):
        attitudes.suppression_summary(log, optimality.assign(cost=0))


def test_record_states_cost_bound_and_gap_per_table(tmp_path):
    summary = pd.DataFrame(
        {
            "item": ["a", "b", "c"],
            "primary": [2, 7, 6],
            "secondary": [6, 23, 20],
            "lower_bound": pd.array([8, 19, 18], dtype="Int64"),
            "gap": pd.array([0, 11, 8], dtype="Int64"),
            "minimum": pd.array([8, None, 18], dtype="Int64"),
        }
    )
    assert audit.optimality_note(summary) == (
        "; lower bound on the least cost 45 (gap 19); the pattern is a minimum for 1 of 3 items"
    )
    costs = audit.protection_costs(summary, "attitudes_by_role")
    assert costs[0] == {
        "table": "attitudes_by_role: a",
        "cost": 8,
        "primary": 2,
        "secondary": 6,
        "lower_bound": 8,
        "gap": 0,
        "minimum": 8,
        "optimal": True,
    }
    assert (costs[1]["minimum"], costs[1]["optimal"]) == (None, False)
    result = audit.AuditResult(rule="threshold", min_count=5, width=5, protection=costs)
    audit.write_record(result, tmp_path)
    html = (tmp_path / "output_check.html").read_text(encoding="utf-8")
    assert (
        "<td>attitudes_by_role: a</td><td>8</td><td>2</td><td>6</td><td>8</td><td>0</td><td>8</td><td>yes</td>"
        in html
    )
    assert (
        "<td>attitudes_by_role: b</td><td>30</td><td>7</td><td>23</td><td>19</td><td>11</td><td></td><td>not known</td>"
        in html
    )
    assert (
        "<td>26</td><td>6</td><td>20</td><td>18</td><td>8</td><td>18</td><td>no: a cheaper pattern exists</td>"
        in html
    )
    data = json.loads((tmp_path / "output_check.json").read_text(encoding="utf-8"))
    assert data["protection_cost"][2]["minimum"] == 18
