"""The intruder audit (helpers.audit) and the minimum-cost protection (helpers.protection), on
tiny releases built here: the attacks of issue 13 (linear programming over every published
relation, enumeration of the tables consistent with a published chi-square) recover cells that
the equation-by-equation secondary suppression left open, and fail against a protected pattern."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from helpers import audit, disclosure, paths, protection
from helpers.survey import attitudes

ROLES = ["Chief executive", "Medical director", "Clinical director", "Directorate manager"]
PROF = {"Doctor": [1, 2], "Manager": [0, 3]}
LEVEL = {"Board": [0, 1], "Directorate": [2, 3]}
LEVELS = ["Disagree", "Neutral", "Agree"]


def _block(levels_by_role, nonsub=(0, 0, 0, 0), no_answer=(0, 0, 0, 0), item="x"):
    """A by_role table (before protection) for one item from the four roles' level counts."""
    counts = np.array(levels_by_role)
    rows = []

    def add(gtype, group, idx):
        c = counts[idx].sum(axis=0)
        ns = int(np.asarray(nonsub)[idx].sum())
        na = int(np.asarray(no_answer)[idx].sum())
        row = {
            "item": item,
            "question": "Q",
            "group_type": gtype,
            "group": group,
            "levels": "|".join(LEVELS),
            "n_respondents": int(c.sum()) + ns + na,
            "n_nonsub": ns,
            "n_valid": int(c.sum()),
        }
        row.update({f"n_{i + 1}": int(v) for i, v in enumerate(c)})
        row["n_agree"] = int(c[-1])
        rows.append(row)

    add("all", attitudes.ALL, [0, 1, 2, 3])
    for i, role in enumerate(ROLES):
        add("role", role, [i])
    for name, idx in PROF.items():
        add("profession", name, idx)
    for name, idx in LEVEL.items():
        add("level", name, idx)
    table = pd.DataFrame(rows)
    return attitudes.descriptives._add_percentages(table)


TRUE = [[1, 30, 20], [12, 2, 40], [25, 30, 3], [18, 22, 35]]
LEAKY = [[1, 23, 1], [0, 1, 26], [1, 36, 38], [33, 1, 35]]  # found by a seeded search


def _release(tmp_path, table, name="attitudes_by_role"):
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    attitudes.tidy_numbers(table).to_csv(folder / "tables" / f"{name}.csv", index=False)
    return folder


@pytest.mark.slow
def test_lp_attack_recovers_cells_the_equation_heuristic_left_open(tmp_path):
    """Issue 13, leak 1: the old secondary suppression (each equation on its own) leaves a
    suppressed cell that linear programming over all relations pins down exactly."""
    rule = disclosure.Rule("threshold", 5, None)
    raw = _block(LEAKY)
    old, log = disclosure.suppress_with_log(
        raw,
        ["n_respondents", "n_nonsub", "n_valid", "n_1", "n_2", "n_3", "n_agree"],
        rule=rule,
        row_totals={"n_valid": ["n_1", "n_2", "n_3"], "n_agree": ["n_3"]},
        row_equations=attitudes.descriptives._equations(raw),
    )
    assert set(log["reason"].str.split(":").str[0]) == {"primary", "secondary"}
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(_release(tmp_path, old), rule, enforce=True)
    leaks = {leak["cell"]: (leak["low"], leak["high"]) for leak in caught.value.leaks}
    # medical directors' "Neutral" (1) and directorate managers' "Agree" (35): recovered exactly
    assert leaks["n_2 / x / Medical director"] == (1.0, 1.0)
    assert leaks["n_3 / x / Directorate manager"] == (35.0, 35.0)
    # the same table protected by the minimum-cost pattern passes
    _, protected, _ = _pattern_table(raw, rule)
    assert audit.audit_release(_release(tmp_path, protected), rule, enforce=True).narrowest >= 5


def test_lp_attack_alone_pins_down_two_cells(tmp_path):
    """The fast tier's copy of the LP attack: no protection solved, the audit alone."""
    rule = disclosure.Rule("threshold", 5, None)
    raw = _block(LEAKY)
    old = disclosure.suppress(
        raw,
        ["n_respondents", "n_nonsub", "n_valid", "n_1", "n_2", "n_3", "n_agree"],
        rule=rule,
        row_totals={"n_valid": ["n_1", "n_2", "n_3"], "n_agree": ["n_3"]},
        row_equations=attitudes.descriptives._equations(raw),
    )
    with pytest.raises(audit.AuditFailure, match="feasible interval 1 to 1 narrower than 5"):
        audit.audit_release(_release(tmp_path, old), rule, enforce=True)


def _pattern_table(raw, rule):
    system = audit.System()
    audit.add_by_group_table(system, raw.astype(object), "b")
    true = dict(system.value)
    fixed = {k: False for k in true if k[0] == "n_respondents"}
    primary = {k for k, v in true.items() if rule.is_sensitive(v) and k not in fixed}
    pattern = protection.milp_pattern(system, true, primary, rule, fixed=fixed)
    rows = {g: i for i, g in enumerate(raw["group"])}
    hide = sorted((rows[k[2]], k[0]) for k in pattern.suppressed if k not in primary and k[2] in rows)
    protected, log = disclosure.suppress_with_log(
        raw,
        ["n_respondents", "n_nonsub", "n_valid", "n_1", "n_2", "n_3", "n_agree"],
        rule=rule,
        hide=hide,
        secondary=False,
    )
    return pattern, protected, log


@pytest.mark.slow
@pytest.mark.parametrize("rule", [disclosure.Rule("threshold", 5, None), disclosure.Rule("nhs", 5, None)])
def test_minimum_cost_pattern_survives_the_lp_attack(tmp_path, rule):
    raw = _block(TRUE)
    pattern, protected, log = _pattern_table(raw, rule)
    assert pattern.optimal and pattern.gap == 0
    result = audit.audit_release(_release(tmp_path, protected), rule, enforce=True)
    need = 5 if rule.rule == "threshold" else 8
    assert result.narrowest >= need
    # every interval holds the true value (the audit is sound, not just wide)
    table = raw.set_index("group")
    for entry in result.intervals:
        col, _, group = entry["cell"].split(" / ")
        assert entry["low"] <= table.at[group, col] <= entry["high"]
    # the cost, measured: cells suppressed (primary + secondary) out of the table's count cells
    assert len(log) == len(pattern.suppressed) < 7 * 9 // 2


def test_chi_square_enumeration_at_published_precision():
    """Issue 13, leak 2: a chi-square published to 3 decimals with the margins leaves one
    completion; at 1 decimal (helpers.numbers) several, so the statistic narrows less."""
    true = np.array([[3.0, 9, 20], [10, 2, 25], [30, 12, 4]])
    chi2 = chi2_contingency(true, correction=False)[0]  # independent computation (scipy)
    table = true.copy()
    for r, c in [(0, 0), (1, 1), (0, 1), (1, 0)]:
        table[r, c] = np.nan
    margins = {"row_sums": true.sum(axis=1), "col_sums": true.sum(axis=0)}
    exact = audit.chi_square_completions(table, {**margins, "chi2": round(chi2, 3), "chi2_decimals": 3})
    assert len(exact) == 1 and (exact[0] == true).all()
    coarse = audit.chi_square_completions(table, {**margins, "chi2": round(chi2, 1), "chi2_decimals": 1})
    assert any((t == true).all() for t in coarse)
    everything = audit.chi_square_completions(table, margins)
    assert len(everything) >= len(coarse) > 0


@pytest.mark.slow
def test_output_check_record_lists_every_file(tmp_path):
    rule = disclosure.Rule("threshold", 5, None)
    raw = _block(TRUE)
    _, protected, _ = _pattern_table(raw, rule)
    folder = _release(tmp_path, protected)
    (folder / "figures").mkdir()
    (folder / "figures" / "chart.svg").write_text("<svg/>")
    (folder / "tables" / "notes.csv").write_text("a,b\nx,y\n")
    result = audit.audit_release(folder, rule, enforce=True)
    audit.write_record(result, tmp_path)
    record = json.loads((tmp_path / "output_check.json").read_text())
    kinds = {f["path"]: (f["kind"], f["result"]) for f in record["files"]}
    assert kinds == {
        "figures/chart.svg": ("figure", "released"),
        "tables/attitudes_by_role.csv": ("frequency table", "released: every suppressed cell protected"),
        "tables/notes.csv": ("frequency table", "released"),
    }
    assert record["narrowest_interval"] >= 5
    assert "tables/attitudes_by_role.csv" in (tmp_path / "output_check.html").read_text()


def test_a_small_count_shown_fails_the_audit(tmp_path):
    folder = tmp_path / "release" / "tables"
    folder.mkdir(parents=True)
    (folder / "survey_respondents_by_role.csv").write_text("role,n\nChief executive,3\nMedical director,40\n")
    with pytest.raises(audit.AuditFailure, match="count 1-4 shown"):
        audit.audit_release(folder.parent, disclosure.Rule(), enforce=True)


def test_report_mode_lists_leaks_without_failing(tmp_path):
    """params disclosure.audit: report (until the attitude protection passes): the release is
    not failed, and the result says so in the line the runner prints."""
    folder = tmp_path / "release" / "tables"
    folder.mkdir(parents=True)
    (folder / "survey_respondents_by_role.csv").write_text("role,n\nChief executive,3\nMedical director,40\n")
    result = audit.audit_release(folder.parent, disclosure.Rule(), enforce=False)
    assert not result.enforced and len(result.leaks) == 1
    assert "NOT ENFORCED: 1 leak(s) listed" in str(result)
    assert disclosure.audit_mode({"disclosure": {"audit": "report"}}) == "report"
    assert disclosure.audit_mode({}) == "enforce"
    with pytest.raises(ValueError, match="expected one of enforce, report"):
        disclosure.audit_mode({"disclosure": {"audit": "off"}})


SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    "rule, counts",
    [
        (disclosure.Rule("threshold", 5, None), LEAKY),
        pytest.param(disclosure.Rule("threshold", 10, None), LEAKY, marks=SLOW),
        pytest.param(disclosure.Rule("nhs", 5, None), LEAKY, marks=SLOW),
        pytest.param(disclosure.Rule("threshold", 5, None), TRUE, marks=SLOW),
        pytest.param(disclosure.Rule("threshold", 10, None), TRUE, marks=SLOW),
        pytest.param(disclosure.Rule("nhs", 5, None), TRUE, marks=SLOW),
    ],
)
def test_protect_by_role_survives_the_lp_attack(tmp_path, rule, counts):
    """Issue 13, leak 1, closed: the attitude table's protection (hypercube moves checked by the
    LP audit) leaves no suppressed cell narrower than the criterion, at thresholds 5 and 10 and
    under the NHS rule. On the equation-by-equation suppression this table (LEAKY) gave two
    cells exactly (test_lp_attack_alone_pins_down_two_cells)."""
    raw = _block(counts)
    protected, log = attitudes.protect_by_role(raw, rule)
    result = audit.audit_release(_release(tmp_path, protected), rule, enforce=True)
    assert result.narrowest >= audit.width_needed(rule)
    assert "n_nonsub" not in protected.columns  # non-substantive answers: all respondents only
    # sound, not just wide: every interval holds the true value
    table = raw.set_index("group")
    for entry in result.intervals:
        col, _, group = entry["cell"].split(" / ")
        assert entry["low"] <= table.at[group, col] <= entry["high"]
    # nothing shown is small, zeros are never suppressed, and not every cell went
    counts_cols = ["n_valid", "n_1", "n_2", "n_3", "n_agree"]
    assert disclosure.violations(protected, counts_cols, rule=rule).empty
    assert not (raw[counts_cols].to_numpy() == 0)[protected[counts_cols].isna().to_numpy()].any()
    assert protected[counts_cols].notna().any().any()
    assert set(log["reason"].str.split(":").str[0]) <= {"primary", "secondary"}


def test_chi_square_at_one_decimal_pins_a_cell_protected_by_one_move():
    """Issue 13, leak 2 (statistics): a role x answer table whose suppressed cells form one
    hypercube move (a 2 x 2 rectangle, margins published) leaves a one-parameter family of
    completions; the chi-square, even at 1 decimal, keeps one or two of them. Published as
    before (full-table statistics), the intruder recovers the cell; protect_role_tests publishes
    instead the chi-square of role x (agree / not agree) from the published counts, which every
    completion reproduces (nothing narrowed)."""
    true = np.array([[2.0, 30, 20], [12, 9, 40], [25, 30, 13], [18, 22, 35]])
    seen = true.copy()
    seen[0, 0] = seen[0, 1] = seen[1, 0] = seen[1, 1] = np.nan  # CE x Disagree (2) and its rectangle
    res = chi2_contingency(true, correction=False)  # independent computation (scipy)
    published = {
        "row_sums": true.sum(axis=1),
        "col_sums": true.sum(axis=0),
        "chi2": round(res[0], 1),
        "chi2_decimals": 1,
    }
    found = audit.chi_square_completions(seen, published)
    assert {int(t[0, 0]) for t in found} == {2}  # recovered exactly from the 1-decimal chi-square
    everything = audit.chi_square_completions(seen, {k: v for k, v in published.items() if k != "chi2"})
    assert sorted(int(t[0, 0]) for t in everything) == list(range(1, 14))  # 1 .. 13 without it

    raw = _block(true.astype(int).tolist())
    protected = raw.copy()
    rows = {g: i for i, g in enumerate(raw["group"])}
    for group in ROLES[:2]:
        for col in ("n_1", "n_2"):
            protected.at[rows[group], col] = np.nan
    stat = pd.DataFrame(
        [
            {
                "item": "x",
                "question": "Q",
                "n": 263,
                "chi2": res[0],
                "dof": 6,
                "p_value": res[1],
                "p_chi2": res[1],
                "kw_h": 20.0,
                "kw_p": 0.001,
                "p_holm": res[1],
                "kw_p_holm": 0.001,
            }
        ]
    )
    out = attitudes.protect_role_tests(stat, protected, disclosure.Rule("threshold", 5, None))
    assert out.at[0, "grouping"] == "role x agree (published counts)"
    assert np.isnan(out.at[0, "kw_h"]) and np.isnan(out.at[0, "kw_p"])
    agree = true[:, 2]
    coarse = np.column_stack([agree, true.sum(axis=1) - agree])
    assert out.at[0, "chi2"] == pytest.approx(chi2_contingency(coarse, correction=False)[0])
    assert out.at[0, "dof"] == 3
    # the coarse statistic uses published numbers only: every completion reproduces it
    for table in everything:
        t = np.column_stack([table[:, 2], table.sum(axis=1) - table[:, 2]])
        assert chi2_contingency(t, correction=False)[0] == pytest.approx(out.at[0, "chi2"])
    # a table without suppressed role cells keeps its full-table statistics
    kept = attitudes.protect_role_tests(stat, raw, disclosure.Rule("threshold", 5, None))
    assert kept.at[0, "grouping"] == "role x answer" and kept.at[0, "chi2"] == res[0]


def _workbook(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "by_role"
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_the_audit_compares_the_workbook_with_the_csv_cell_by_cell(tmp_path):
    """Issue 13, item 3: a count the CSV suppresses but the workbook prints (or prints
    differently) is a leak; the same table with '*' where the CSV is empty passes."""
    rule = disclosure.Rule("threshold", 5, None)
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    pd.DataFrame(
        {
            "group": ["All", "A", "B"],
            "n_valid": pd.array([20, None, None], dtype="Int64"),
            "pct": [50.0, None, None],
        }
    ).to_csv(folder / "tables" / "attitudes_by_role.csv", index=False)
    header = ["group", "n_valid", "pct"]
    _workbook(
        folder / "tables" / "attitudes.xlsx", [header, ["All", 20, 50.0], ["A", "*", "*"], ["B", "*", "*"]]
    )
    result = audit.audit_release(folder, rule, enforce=True)
    book = next(f for f in result.files if f.path == "tables/attitudes.xlsx")
    assert book.result == "released" and "compared cell by cell" in book.rules[0]
    _workbook(
        folder / "tables" / "attitudes.xlsx", [header, ["All", 21, 50.0], ["A", 3, "*"], ["B", "*", 40.0]]
    )
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(folder, rule, enforce=True)
    found = {(leak["cell"], leak["problem"]) for leak in caught.value.leaks}
    assert found == {
        ("sheet 'by_role' row 1, n_valid", "the CSV prints 20"),
        ("sheet 'by_role' row 2, n_valid", "suppressed in the CSV, printed in the workbook"),
        ("sheet 'by_role' row 3, pct", "suppressed in the CSV, printed in the workbook"),
    }


def test_the_record_states_the_protection_cost(tmp_path):
    """The output-checking record names the cells suppressed, primary and secondary, of the
    attitude table (from its published suppression summary)."""
    rule = disclosure.Rule("threshold", 5, None)
    raw = _block(TRUE)
    protected, log = attitudes.protect_by_role(raw, rule)
    folder = _release(tmp_path, protected)
    attitudes.suppression_summary(log.assign(item="x")).to_csv(
        folder / "tables" / "attitudes_suppression_summary.csv", index=False
    )
    result = audit.audit_release(folder, rule, enforce=True)
    kinds = log["reason"].str.split(":").str[0].value_counts()
    p, q = int(kinds.get("primary", 0)), int(kinds.get("secondary", 0))
    note = next(f.note for f in result.files if f.path == "tables/attitudes_by_role.csv")
    assert note.startswith(f"protection cost: {p + q} cells suppressed, {p} primary + {q} secondary")
    assert p == 4 and q > 0  # TRUE: CE n_1 1, MD n_2 2, CD n_3 3 and CD n_agree 3
    audit.write_record(result, folder)
    assert "protection cost" in (folder / "output_check.html").read_text(encoding="utf-8")


def test_the_release_is_audited_under_the_runs_own_params_file(tmp_path):
    """`make all PARAMS=...` protects under that file's rule; the audit read params.yaml instead,
    so a run at threshold 10 was audited at 5 and one at threshold 1 failed (found by the
    generated-instrument pipelines)."""
    params = tmp_path / "run_params.yaml"
    text = (paths.project_root() / "params.yaml").read_text(encoding="utf-8")
    params.write_text(
        text.replace("min_count: 5", "min_count: 10").replace("audit: enforce", "audit: report")
    )
    (tmp_path / "release").mkdir()
    result = audit.audit_release(tmp_path / "release", params_file=params)
    assert (result.min_count, result.enforced) == (10, False)
    assert audit.audit_release(tmp_path / "release").min_count == 5


def _random_system(rng, largest: int = 12) -> tuple[audit.System, list]:
    """A two-way table with margins (some cells suppressed, one margin unpublished) and an
    'at least' relation: the kinds of relation the audit builds from a release."""
    rows, cols = rng.integers(2, 5), rng.integers(2, 5)
    counts = rng.integers(0, largest, size=(rows, cols))
    system = audit.System()
    hidden = []
    for i in range(rows):
        for j in range(cols):
            shown = counts[i, j] == 0 or rng.random() > 0.4
            system.publish(("c", i, j), int(counts[i, j]) if shown else None, "t")
            if not shown:
                hidden.append(("c", i, j))
        system.publish(("r", i), int(counts[i].sum()), "t")
        system.equation({("r", i): 1, **{("c", i, j): -1 for j in range(cols)}})
    for j in range(cols):
        if j == 0:
            system.unpublished(("k", j))  # a margin a reader does not see
        else:
            system.publish(("k", j), int(counts[:, j].sum()), "t")
        system.equation({("k", j): 1, **{("c", i, j): -1 for i in range(rows)}})
    system.at_least({("c", 0, 0): 1, ("c", rows - 1, cols - 1): 1})
    return system, hidden


@pytest.mark.parametrize("rule", [disclosure.Rule("threshold", 5), disclosure.Rule("nhs", 8)])
def test_intervals_agree_with_scipy_linprog(rule):
    """The warm-started highspy solves give the interval scipy.optimize.linprog (a separate
    interface to HiGHS, one cold solve per bound) gives, on 60 random systems."""
    from scipy.optimize import linprog

    rng = np.random.default_rng(7)
    slack = 2 if rule.rule == "nhs" else 0
    checked = 0
    for _ in range(60):
        system, hidden = _random_system(rng)
        got = audit.intervals(system, rule)
        assert set(got) == set(hidden)
        unknown = sorted(set(hidden) | system.unknown, key=repr)
        col = {k: i for i, k in enumerate(unknown)}
        a_ub, b_ub = [], []
        for rel, is_eq in [(r, True) for r in system.eq] + [(r, False) for r in system.ge]:
            coefs, low, high = np.zeros(len(col)), 0.0, 0.0
            for k, c in rel.items():
                if k in col:
                    coefs[col[k]] += c
                else:
                    v = system.value[k]
                    low += c * (max(v - slack, 0) if c > 0 else v + slack)
                    high += c * (v + slack if c > 0 else max(v - slack, 0))
            a_ub.append(-coefs), b_ub.append(high)  # coefs.x + const >= 0
            if is_eq:
                a_ub.append(coefs), b_ub.append(-low)  # coefs.x + const <= 0
        bounds = [(1 if k in system.value else 0, None) for k in unknown]
        for k in hidden:
            c = np.zeros(len(col))
            c[col[k]] = 1
            low = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
            high = linprog(-c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
            assert got[k][0] == pytest.approx(low.fun, abs=1e-6)
            assert got[k][1] == (pytest.approx(-high.fun, abs=1e-6) if high.status == 0 else np.inf)
            checked += 1
    assert checked > 200


def test_intervals_with_a_needed_width_decide_the_same_cells(monkeypatch):
    """Given ``need``, cells shown wide enough by earlier solutions are not solved again: the
    range reported is inside the exact interval and at least ``need`` wide, and the cells
    narrower than ``need`` get their exact interval; fewer LPs are solved. (The range of a
    skipped cell is often its exact interval: primal simplex reaches the extreme vertices.)"""
    solves = {"exact": 0, "quick": 0}
    solve, counting = audit._solve, ["exact"]

    def counted(*args):
        solves[counting[0]] += 1
        return solve(*args)

    monkeypatch.setattr(audit, "_solve", counted)
    rng = np.random.default_rng(11)
    rule = disclosure.Rule("threshold", 5)
    for _ in range(60):
        system, _ = _random_system(rng, largest=40)
        counting[0] = "exact"
        exact = audit.intervals(system, rule)
        counting[0] = "quick"
        quick = audit.intervals(system, rule, need=5)
        for k, (lo, hi) in exact.items():
            if hi - lo < 5:
                assert quick[k] == (lo, hi)
            else:
                assert lo - 1e-6 <= quick[k][0] and quick[k][1] <= hi + 1e-6
                assert quick[k][1] - quick[k][0] >= 5
    assert solves["quick"] < solves["exact"]


def test_the_solver_prints_nothing(capfd):
    """HiGHS's banner must not reach stdout (it would land in every notebook's output)."""
    system, _ = _random_system(np.random.default_rng(3))
    audit.intervals(system, disclosure.Rule("threshold", 5))
    assert capfd.readouterr() == ("", "")


def test_positive_levels_are_the_one_run_that_sums_to_n_agree():
    levels = ["n_1", "n_2", "n_3", "n_4"]

    def block(rows):
        return pd.DataFrame(rows, columns=[*levels, "n_agree"])

    # the top two levels add up to n_agree in every published row; a suppressed row agrees
    assert audit._positive_levels(block([["3", "4", "5", "6", "11"], ["1", "", "2", "7", "9"]]), levels) == [
        "n_3",
        "n_4",
    ]
    # the bottom level alone
    assert audit._positive_levels(block([["8", "1", "2", "3", "8"]]), levels) == ["n_1"]
    # zeros everywhere but the last level: the top one, two, three and four levels all fit
    assert audit._positive_levels(block([["0", "0", "0", "6", "6"]]), levels) == []
    # nothing published in full
    assert audit._positive_levels(block([["", "1", "2", "3", "5"]]), levels) == []
    # a suppressed row that cannot fit (its shown top levels are far above n_agree) rules a run out
    assert audit._positive_levels(block([["0", "0", "0", "6", "6"], ["", "1", "20", "2", "4"]]), levels) == [
        "n_4"
    ]


def test_weighted_role_tests_are_withheld_where_the_role_table_has_suppressed_cells():
    """The Rao-Scott statistics follow protect_role_tests' rule: an item whose published role x
    answer table has a suppressed cell gets no weighted test; the others keep theirs, and the
    p-values are adjusted again (Holm) over the published ones only."""
    safe = _block([[10, 30, 20], [12, 20, 40], [25, 30, 13], [18, 22, 35]], item="safe")
    risky = _block(TRUE, item="risky")  # cells of 1, 2 and 3: suppressed at threshold 5
    rule = disclosure.Rule("threshold", 5, None)
    protected, _ = attitudes.protect_by_role(pd.concat([safe, risky], ignore_index=True), rule)
    tests = pd.DataFrame(
        {"item": ["safe", "risky"], "n": [275, 254], "chi2": [20.1, 70.2], "F": [6.0, 21.0], "p_value": [0.01, 0.02],
         "p_holm": [0.02, 0.02]}
    )  # fmt: skip
    out = attitudes.protect_design_role_tests(tests, protected, rule)
    assert out["grouping"].tolist() == ["role x answer", "withheld: suppressed cells"]
    assert out.loc[0, ["chi2", "F", "p_value"]].tolist() == [20.1, 6.0, 0.01]
    assert out.loc[1, ["chi2", "F", "p_value"]].isna().all() and out.loc[1, "n"] == 254
    assert out.loc[0, "p_holm"] == 0.01 and np.isnan(out.loc[1, "p_holm"])  # one published test: unadjusted


def test_weighted_role_tests_fall_back_to_agree_or_not_where_those_counts_are_published():
    """One 'Disagree' of 1 is suppressed, every role's n_agree and n_valid are published: the
    weighted test published is the role x (agree / not) one given as ``coarse``."""
    coarse_only = _block([[1, 30, 20], [12, 20, 40], [25, 30, 13], [18, 22, 35]], item="coarse")
    rule = disclosure.Rule("threshold", 5, None)
    protected, _ = attitudes.protect_by_role(coarse_only, rule)
    roles = protected[protected["group_type"] == "role"]
    assert roles["n_1"].isna().any() and roles[["n_agree", "n_valid"]].notna().all().all()
    full = pd.DataFrame(
        {"item": ["coarse"], "chi2": [30.0], "dof": [6], "F": [9.0], "p_value": [0.001], "p_holm": [0.001]}
    )
    coarse = pd.DataFrame(
        {"item": ["coarse"], "chi2": [12.5], "dof": [3], "F": [4.0], "p_value": [0.03], "p_holm": [0.03]}
    )
    out = attitudes.protect_design_role_tests(full, protected, rule, coarse=coarse)
    assert out["grouping"].tolist() == ["role x agree"]
    assert out.loc[0, ["chi2", "dof", "F", "p_value", "p_holm"]].tolist() == [12.5, 3, 4.0, 0.03, 0.03]
    assert out.to_csv(index=False).splitlines()[1].startswith("coarse,12.5,3,4.0,")  # dof whole, not 3.0
    without = attitudes.protect_design_role_tests(full, protected, rule)  # no coarse tests given
    assert without["grouping"].tolist() == ["withheld: suppressed cells"] and without["F"].isna().all()


def test_sheets_are_read_as_openpyxl_reads_them(tmp_path):
    """The audit reads workbooks with python-calamine for speed; openpyxl (values_only) is the
    reference: the same rows, an empty cell None, whole numbers int, titles above the table."""
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    first = book.active
    first.title = "Contents"
    first.append(["Every table", None, None])
    first.append([])
    first.append(["item", "n", "pct"])
    first.append(["att_a", 12, 41.7])
    first.append(["att_b", None, "*"])
    first.append(["All", 0, True])
    second = book.create_sheet("by_role")
    second["B2"] = "starts at B2"
    second["D4"] = 3.0
    path = tmp_path / "book.xlsx"
    book.save(path)
    reference = load_workbook(path, read_only=True, data_only=True)
    expected = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in reference.worksheets}
    reference.close()
    assert audit._sheets(path) == expected
    assert audit._sheets(path)["Contents"][3] == ("att_a", 12, 41.7)
