"""The intruder audit of a release: what can a reader work out about the suppressed cells?

:func:`audit_release` reads every published file of a release folder (the staged ``reports/``
before it is published, or the published one: ``make audit``) and plays the intruder of
docs/disclosure.md:

1. **Linear relations (LP).** Every published count becomes a cell of one linear system, keyed
   by what it counts (the quantity, the item or variable, the group), so the same cell printed in
   two tables is one unknown: the attitude tables' role, profession (doctor = MD + CD, manager =
   CE + DM), level (board = CE + MD, directorate = CD + DM) and All rows; within a row
   ``n_valid`` = the levels, ``n_agree`` = its positive levels, ``n_respondents`` = ``n_valid`` +
   ``n_nonsub`` + item non-response; the item non-response table and the data dictionary;
   respondents by role. Groups not published (the respondents outside the four roles) are
   unknowns >= 0. A suppressed cell is >= 1 (zeros are shown, so a blank is not a zero); under
   the NHS rule a published count v means a true value in v-2 .. v+2. For every suppressed
   cell the smallest and largest values consistent with all of it are found by linear
   programming (HiGHS, through highspy).
2. **Statistics.** Where a published chi-square test comes with a role x answer table whose
   suppressed cells leave few completions, every integer completion consistent with the
   relations is tried; those whose chi-square, p-value and Cramer's V round to the published
   values are kept, and the suppressed cells' intervals become their range over the survivors.
3. **Files printed for readers.** Every table the HTML reports, the deck (slides and speaker
   notes), the executed notebooks under ``notebooks/`` and the Word documents print is read back
   and mapped onto the CSV it reprints (helpers.printed_tables): a cell the CSV suppresses printed
   as a number, a count printed differently, or a count printed as suppressed where the CSV
   shows it fails the release, naming the file, the printed table and cell, and the CSV cell. A
   printed table that reprints no CSV but counts people by role group obeys the primary rule.
   Workbook sheets are compared with their CSVs cell by cell (:func:`workbook_agrees`).

The criterion (docs/disclosure.md): every suppressed cell's feasible interval is at least
``min_count`` wide under the threshold rule and at least 8 wide under the NHS rule. A narrower
interval raises :class:`AuditFailure` naming the table, cell and interval; otherwise
:class:`AuditResult` lists every file with its kind, the rules applied and the narrowest
interval, which :func:`write_record` turns into the output-checking record.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import highspy
import numpy as np
import pandas as pd

from helpers import disclosure

NHS_WIDTH = 8
ALL = "All respondents"
ROLE_TYPE = "role"
# Published totals across groups: total = parts (+ the unpublished "outside the four roles").
HIERARCHY = {
    ("profession", "Doctor"): [("role", "Medical director"), ("role", "Clinical director")],
    ("profession", "Manager"): [("role", "Chief executive"), ("role", "Directorate manager")],
    ("level", "Board"): [("role", "Chief executive"), ("role", "Medical director")],
    ("level", "Directorate"): [("role", "Clinical director"), ("role", "Directorate manager")],
}
ROLE_GROUPS = ("Chief executive", "Medical director", "Clinical director", "Directorate manager")
OTHER = "(not in the four role groups)"
LEVEL = re.compile(r"^n_(\d+)$")
# Column names that mean the same quantity in different tables.
SYNONYMS = {"n_non_substantive": "n_nonsub", "n_missing": "n_no_answer"}


class AuditFailure(Exception):
    """A suppressed cell can be narrowed below the protection interval (or a small count is shown)."""

    def __init__(self, message: str, leaks: list[dict] | None = None, result: AuditResult | None = None):
        super().__init__(message)
        self.message = message
        self.leaks = leaks or []
        self.result = result


@dataclass
class FileRecord:
    path: str
    kind: str
    rules: list[str]
    result: str
    suppressed_cells: int = 0
    narrowest: float | None = None
    note: str = ""


@dataclass
class AuditResult:
    rule: str
    min_count: int
    width: int
    files: list[FileRecord] = field(default_factory=list)
    intervals: list[dict] = field(default_factory=list)
    leaks: list[dict] = field(default_factory=list)
    # per protected table (an item's block of the attitude table): the suppression pattern's
    # cost beside a lower bound on the least cost (attitudes_suppression_summary.csv)
    protection: list[dict] = field(default_factory=list)

    enforced: bool = True

    def __str__(self) -> str:
        head = (
            f"{len(self.files)} files, {len(self.intervals)} suppressed cells, narrowest interval "
            f"{self.narrowest} (needed {self.width})"
        )
        if self.leaks and not self.enforced:
            return (
                f"{head}; NOT ENFORCED: {len(self.leaks)} leak(s) listed (params disclosure.audit is "
                "'report'; see docs/disclosure.md)"
            )
        return head

    @property
    def narrowest(self) -> float | None:
        widths = [i["width"] for i in self.intervals]
        return min(widths) if widths else None

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "min_count": self.min_count,
            "criterion": f"every suppressed cell's feasible interval at least {self.width} wide",
            "narrowest_interval": self.narrowest,
            "suppressed_cells_audited": len(self.intervals),
            "enforced": self.enforced,
            "leaks": self.leaks,
            "files": [vars(f) for f in self.files],
            "protection_cost": self.protection,
        }


# ---------------------------------------------------------------------------------------------
# One linear system over every published count


@dataclass
class System:
    """Cells keyed by what they count; relations ``sum(coef * cell) (= or >=) 0``.

    ``value[key]``: the published value (None: suppressed; a key absent from ``value`` is an
    unpublished unknown >= 0). ``where[key]``: the files and cells that print it."""

    value: dict = field(default_factory=dict)
    where: dict = field(default_factory=lambda: defaultdict(list))
    eq: list[dict] = field(default_factory=list)
    ge: list[dict] = field(default_factory=list)
    unknown: set = field(default_factory=set)
    conflicts: list[str] = field(default_factory=list)

    def publish(self, key, value, where: str):
        """A published cell: a number, or None for a suppressed one. The same cell shown in one
        file and suppressed in another is known (the status must be the same everywhere)."""
        self.where[key].append(where)
        if key not in self.value or self.value[key] is None:
            self.value[key] = value
        elif value is not None and value != self.value[key]:
            self.conflicts.append(f"{where}: {value} differs from {self.value[key]} printed elsewhere")

    def unpublished(self, key):
        self.unknown.add(key)

    def equation(self, terms: Mapping):
        self.eq.append(dict(terms))

    def at_least(self, terms: Mapping):
        self.ge.append(dict(terms))

    def cells(self):
        keys = set(self.value) | self.unknown
        for rel in (*self.eq, *self.ge):
            keys |= set(rel)
        return keys


def _components(system: System) -> list[tuple[set, list, list]]:
    """Connected components (cells that share a relation), each with its relations."""
    parent: dict = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for rel in (*system.eq, *system.ge):
        keys = [k for k in rel if system.value.get(k, 0) is None or k not in system.value]
        for a, b in zip(keys, keys[1:]):
            parent[find(a)] = find(b)
        for k in keys:
            find(k)
    groups: dict = defaultdict(set)
    for k in list(parent):
        groups[find(k)].add(k)
    out = []
    for keys in groups.values():
        eqs = [r for r in system.eq if any(k in keys for k in r)]
        ges = [r for r in system.ge if any(k in keys for k in r)]
        out.append((keys, eqs, ges))
    return out


def intervals(system: System, rule: disclosure.Rule, need: float | None = None) -> dict:
    """The feasible interval (low, high) of every suppressed cell, by linear programming.

    One HiGHS model per connected component of the relations, solved for each suppressed cell's
    minimum and maximum; each solve starts from the previous one's basis, so a cell costs a few
    simplex iterations rather than a fresh solve. Values are rounded to 6 decimals (the counts
    are whole numbers; a vertex reached through another basis can differ in the last bits).

    ``need``: the protection search only asks which cells are narrower than the criterion. With
    ``need`` given, a cell that the solutions already found show taking values at least ``need``
    apart gets the range those solutions span (a part of its feasible interval, already wide
    enough) instead of two solves of its own. The audit passes no ``need``: every interval exact.
    """
    slack = 2 if rule.rule == "nhs" else 0
    result = {}
    for keys, eqs, ges in _components(system):
        order = sorted(keys, key=repr)  # the same solves in the same order in every process
        targets = [k for k in order if k in system.value and system.value[k] is None]
        if not targets:
            continue
        index = {k: i for i, k in enumerate(order)}
        n = len(order)
        lower = np.array([1.0 if k in system.value else 0.0 for k in order])
        rows, row_lower, row_upper = [], [], []

        def row(rel, n=n, index=index):
            coefs = np.zeros(n)
            const_low = const_high = 0.0
            for k, c in rel.items():
                if k in index:
                    coefs[index[k]] += c
                else:
                    v = system.value[k]
                    lo, hi = max(v - slack, 0), v + slack
                    const_low += c * (lo if c > 0 else hi)
                    const_high += c * (hi if c > 0 else lo)
            return coefs, const_low, const_high

        # coefs . x + const = 0 (or >= 0) for some const in [lo, hi] the reader cannot narrow
        for rel in eqs:
            coefs, lo, hi = row(rel)
            rows.append(coefs), row_lower.append(-hi), row_upper.append(-lo)
        for rel in ges:
            coefs, lo, hi = row(rel)
            rows.append(coefs), row_lower.append(-hi), row_upper.append(math.inf)
        solver = _solver(lower, rows, row_lower, row_upper)
        seen = {k: [math.inf, -math.inf] for k in targets}
        for k in targets:
            if need is not None and seen[k][1] - seen[k][0] >= need:
                result[k] = (seen[k][0], seen[k][1])
                continue
            solver.changeColCost(index[k], 1.0)
            lo = _solve(solver, highspy.ObjSense.kMinimize, seen, index)
            hi = _solve(solver, highspy.ObjSense.kMaximize, seen, index)
            solver.changeColCost(index[k], 0.0)
            lo = 1.0 if lo is None else lo
            hi = math.inf if hi is None else hi
            result[k] = (lo, hi)
    return result


def _solver(lower: np.ndarray, rows: list, row_lower: list, row_upper: list):
    """A HiGHS model over one component: x >= lower, row_lower <= rows . x <= row_upper."""
    # highspy.Highs switches on its Python callbacks in its constructor, which prints HiGHS's
    # banner to the process's stdout (into a notebook's output) before any option can be set;
    # its base class, _Highs (exported by highspy), does not.
    solver = highspy._Highs()
    solver.setOptionValue("output_flag", False)
    # primal simplex: each solve changes only the objective, so the previous optimal basis stays
    # primal feasible and primal simplex starts from it (about 30 % less time than HiGHS's
    # default choice, the dual simplex, on the protection's problems; the optima are the same)
    solver.setOptionValue("simplex_strategy", 4)
    n = len(lower)
    matrix = np.array(rows, dtype=float).reshape(len(rows), n)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows)
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = lower
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.row_lower_ = np.array(row_lower, dtype=float)
    lp.row_upper_ = np.array(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(np.count_nonzero(matrix, axis=1))])
    lp.a_matrix_.index_ = np.nonzero(matrix)[1]
    lp.a_matrix_.value_ = matrix[np.nonzero(matrix)]
    solver.passModel(lp)
    return solver


def _solve(solver, sense, seen: dict, index: dict) -> float | None:
    """The optimum (rounded to 6 decimals) for the current objective; NaN when the relations
    cannot all hold (published numbers contradict each other); None when there is no optimum
    (unbounded). Every solution found widens ``seen``: the values each cell has been seen at."""
    solver.changeObjectiveSense(sense)
    solver.run()
    status = solver.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        x = solver.getSolution().col_value
        for k, span in seen.items():
            v = x[index[k]]
            span[0], span[1] = min(span[0], v), max(span[1], v)
        return round(solver.getInfo().objective_function_value, 6) + 0.0
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return math.nan if sense == highspy.ObjSense.kMinimize else None
    return None


# ---------------------------------------------------------------------------------------------
# Reading published tables into the system


def _number(text) -> float | None:
    """A published count: a float, or None for a suppressed (empty or marked) cell."""
    if text is None:
        return None
    text = str(text).strip()
    if text == "" or text.lower() == "nan":
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _quantity(col: str) -> str:
    return SYNONYMS.get(col, col)


def add_by_group_table(system: System, table: pd.DataFrame, name: str, key: str = "item") -> int:
    """A long table with ``group_type, group`` rows per ``key`` (the attitude tables): cells
    and relations. Returns the number of count cells read."""
    counts = [c for c in disclosure.count_columns(table) if c != "n"]
    levels = sorted((c for c in counts if LEVEL.match(c)), key=lambda c: int(LEVEL.match(c)[1]))
    read = 0
    for item, block in table.groupby(key, sort=False):
        groups = [(str(t), str(g)) for t, g in zip(block["group_type"], block["group"])]
        k = len(str(block["levels"].iloc[0]).split("|")) if "levels" in block else len(levels)
        lv = levels[:k]

        def cell(col, group, item=item):
            q = _quantity(col)
            return (q, "" if q == "n_respondents" else item, group[1])

        for (_, row), group in zip(block.iterrows(), groups):
            for col in counts:
                if col in lv or not LEVEL.match(col):
                    system.publish(cell(col, group), _number(row[col]), f"{name}: {item}, {group[1]}, {col}")
                    read += 1
        # the unpublished group outside the four roles, role groups the table does not publish
        # on their own (helpers.publication: a small group published only within its profession
        # or level; a reader still knows it is part of them), and every group's row relations
        present = set(groups)
        absent = [(ROLE_TYPE, r) for r in ROLE_GROUPS if (ROLE_TYPE, r) not in present]
        everyone = [*groups, *absent, ("other", OTHER)]
        for group in everyone:
            if group[0] == "other" or group in absent:
                for col in ["n_respondents", "n_nonsub", "n_valid", *lv, "n_agree", "n_no_answer"]:
                    system.unpublished(cell(col, group))
            if "n_valid" in counts and lv:
                system.equation({cell("n_valid", group): 1, **{cell(c, group): -1 for c in lv}})
            system.unpublished(cell("n_no_answer", group))
            if {"n_respondents", "n_valid", "n_nonsub"} <= set(counts):
                system.equation(
                    {
                        cell("n_respondents", group): 1,
                        cell("n_valid", group): -1,
                        cell("n_nonsub", group): -1,
                        cell("n_no_answer", group): -1,
                    }
                )
        positive = _positive_levels(block, lv)
        if positive:
            for group in everyone:
                system.equation({cell("n_agree", group): 1, **{cell(c, group): -1 for c in positive}})
        if (("all", ALL)) in present:
            roles = [g for g in groups if g[0] == ROLE_TYPE] + absent
            sumcols = ["n_respondents", "n_nonsub", "n_valid", *lv, "n_agree", "n_no_answer"]
            for col in sumcols:
                if roles:
                    system.equation(
                        {
                            cell(col, ("all", ALL)): 1,
                            **{cell(col, g): -1 for g in roles},
                            cell(col, ("other", OTHER)): -1,
                        }
                    )
                for gtype in ("profession", "level"):
                    parts = [g for g in groups if g[0] == gtype]
                    if parts:
                        system.equation(
                            {
                                cell(col, ("all", ALL)): 1,
                                **{cell(col, g): -1 for g in parts},
                                cell(col, ("other", OTHER)): -1,
                            }
                        )
        for total, parts in HIERARCHY.items():
            if total in present:  # parts not published are unknowns (``absent``)
                for col in ["n_respondents", "n_nonsub", "n_valid", *lv, "n_agree", "n_no_answer"]:
                    system.equation({cell(col, total): 1, **{cell(col, p): -1 for p in parts}})
    return read


def _positive_levels(block: pd.DataFrame, levels: list[str]) -> list[str]:
    """The run of level columns whose sum is n_agree in every fully published row, if only one
    run fits every row (a row with suppressed cells rules out a run whose shown cells, each
    within 2 of its true value, and suppressed cells, each at least 1, cannot sum to n_agree).
    Several runs fitting (e.g. only rows of zeros but the last level are fully published):
    no relation is assumed, rather than one the true counts may break."""
    if "n_agree" not in block:
        return []
    # numpy, not pandas: up to 3 x 11 runs per item, for every item of every table audited
    return positive_run(block[[*levels, "n_agree"]].map(_number).to_numpy(dtype=float), levels)


def positive_run(values: np.ndarray, levels: list[str]) -> list[str]:
    """:func:`_positive_levels` of a block's counts: one row per group, the level columns then
    n_agree, NaN where suppressed (also the attitude table's protection, which builds this
    system without a DataFrame: helpers.survey.attitudes.descriptives._block_system)."""
    missing = np.isnan(values).any(axis=1)
    full = values[~missing & (values != 0).any(axis=1)]  # a row of zeros fits every run: it says nothing
    if not len(full):
        return []
    partial = values[missing & ~np.isnan(values[:, -1])]
    k = len(levels)
    fits = []
    for run in [range(i, k) for i in range(k)] + [range(i + 1) for i in range(k)] + [[i] for i in range(k)]:
        run = list(run)
        if not (full[:, run].sum(axis=1) == full[:, -1]).all():
            continue
        part = partial[:, run]
        low = np.clip(np.nan_to_num(part, nan=0.0) - 2, 0, None).sum(axis=1) + np.isnan(part).sum(axis=1)
        cols = [levels[i] for i in run]
        if (low <= partial[:, -1] + 2).all() and cols not in fits:
            fits.append(cols)
    return fits[0] if len(fits) == 1 else []


def add_item_table(system: System, table: pd.DataFrame, name: str, key: str) -> int:
    """A table with one row per item or variable for all respondents (the item non-response
    table, the data dictionary): n_respondents, n_valid, n_non_substantive, n_no_answer."""
    read = 0
    for _, row in table.iterrows():
        item = str(row[key])
        for col in ("n_respondents", "n_valid", "n_non_substantive", "n_no_answer", "n_missing"):
            if col in table.columns:
                q = _quantity(col)
                system.publish(
                    (q, "" if q == "n_respondents" else item, ALL),
                    _number(row[col]),
                    f"{name}: {item}, {col}",
                )
                read += 1
        if {"n_valid", "n_non_substantive"} <= set(table.columns):
            nr = "n_no_answer" if "n_no_answer" in table.columns else "n_missing"
            if nr in table.columns and "n_respondents" in table.columns:
                system.equation(
                    {
                        ("n_respondents", "", ALL): 1,
                        ("n_valid", item, ALL): -1,
                        ("n_nonsub", item, ALL): -1,
                        ("n_no_answer", item, ALL): -1,
                    }
                )
    return read


def add_role_table(system: System, table: pd.DataFrame, name: str) -> int:
    """Respondents by role: the n_respondents of each role group."""
    read = 0
    for _, row in table.iterrows():
        role = str(row["role"])
        group = OTHER if role == "Other" else role
        system.publish(("n_respondents", "", group), _number(row["n"]), f"{name}: {role}")
        read += 1
    return read


def add_test_table(system: System, table: pd.DataFrame, name: str) -> int:
    """The role tests: a test's ``n`` is the valid answers of the groups it compares, which lie
    within the four role groups (a small role may be left out of the design): at most the sum
    of the role rows' ``n_valid``, one relation per item, so a test's n printed beside a
    suppressed cell is read for what it gives back. A blank n (a withheld test) is not a cell."""
    read = 0
    for _, row in table.iterrows():
        value = _number(row["n"])
        if value is None:
            continue
        item = str(row["item"])
        key = ("n_tested", item, name)
        system.publish(key, value, f"{name}: {item}, n")
        system.at_least({key: -1, **{("n_valid", item, r): 1 for r in ROLE_GROUPS}})
        read += 1
    return read


def add_plain_table(system: System, table: pd.DataFrame, name: str) -> int:
    """Any other table counting people: each count cell on its own (no relation is known)."""
    read = 0
    for i, row in table.iterrows():
        for col in disclosure.count_columns(table):
            system.publish((name, i, col), _number(row[col]), f"{name}: row {i + 1}, {col}")
            read += 1
    return read


def read_table(system: System, table: pd.DataFrame, name: str) -> tuple[int, str]:
    """Add a published table to the system by its shape; returns (cells read, how)."""
    cols = set(table.columns)
    if {"group_type", "group"} <= cols and {"item"} <= cols and "n_valid" in cols:
        return add_by_group_table(system, table, name), "by-group table: role, profession, level, All"
    if "n_non_substantive" in cols and ("item" in cols or "variable" in cols):
        key = "item" if "item" in cols else "variable"
        return add_item_table(
            system, table, name, key
        ), "item table: respondents = valid + non-substantive + none"
    if {"item", "n"} <= cols and name.endswith("role_tests"):
        return add_test_table(system, table, name), "role tests: n <= the roles' valid answers"
    if {"role", "n"} <= cols and "group" not in cols:
        return add_role_table(system, table, name), "respondents by role"
    return add_plain_table(system, table, name), "counts audited cell by cell (no known relation)"


# ---------------------------------------------------------------------------------------------
# Statistics: completions consistent with a published chi-square


def chi_square_completions(
    counts: np.ndarray, published: Mapping[str, float], limit: int = 200_000
) -> list[np.ndarray] | None:
    """Every completion of a role x answer table (NaN = suppressed cell, >= 1) whose row and
    column sums equal ``published["row_sums"]``/``["col_sums"]`` and whose statistics round to
    the published ones (``chi2`` at its decimals, ``cramers_v``, ``p_value`` to 2 s.f.). None
    when the search would try more than ``limit`` tables (the LP bound stands then)."""
    from scipy.stats import chi2 as chi2_dist

    from helpers import numbers

    row_sums = np.asarray(published["row_sums"], float)
    col_sums = np.asarray(published["col_sums"], float)
    n = row_sums.sum()
    expected = np.outer(row_sums, col_sums) / n
    keep = expected > 0
    dof = (np.count_nonzero(row_sums) - 1) * (np.count_nonzero(col_sums) - 1)

    def fits(table) -> bool:
        chi2 = float((((table - expected) ** 2)[keep] / expected[keep]).sum())
        ok = True
        if "chi2" in published:
            decimals = published.get("chi2_decimals", 1)
            ok &= abs(round(chi2, decimals) - published["chi2"]) < 10 ** -(decimals + 3)
        if ok and "p_value" in published and dof > 0:
            ok &= numbers.rounded(float(chi2_dist.sf(chi2, dof)), "p_value") == published["p_value"]
        if ok and "cramers_v" in published:
            m = min(np.count_nonzero(row_sums), np.count_nonzero(col_sums)) - 1
            v = math.sqrt(chi2 / (n * m)) if m > 0 else math.nan
            ok &= round(v, published.get("v_decimals", 2)) == published["cramers_v"]
        return bool(ok)

    return table_completions(counts, row_sums, col_sums, fits, limit)


def table_completions(
    counts: np.ndarray, row_sums, col_sums, fits=None, limit: int = 200_000
) -> list[np.ndarray] | None:
    """Every completion of a table (NaN = suppressed cell, >= 1) whose row and column sums are
    ``row_sums`` and ``col_sums`` and for which ``fits(table)`` is true (every one where
    ``fits`` is None): the intruder's enumeration, walked row by row over the compositions of
    each row's remainder so the margins hold by construction. None when it would try more than
    ``limit`` tables."""
    counts = np.asarray(counts, float)
    row_sums = np.asarray(row_sums, float)
    col_sums = np.asarray(col_sums, float)
    if counts.shape != (len(row_sums), len(col_sums)):
        raise ValueError(
            f"table_completions: a {counts.shape[0]} x {counts.shape[1]} table with "
            f"{len(row_sums)} row sums and {len(col_sums)} column sums"
        )
    fits = fits or (lambda table: True)
    holes = list(zip(*np.where(np.isnan(counts))))
    if not holes:
        return [counts] if fits(counts) else []
    rem_row = row_sums - np.nansum(counts, axis=1)
    rem_col = col_sums - np.nansum(counts, axis=0)
    rows_with_holes = sorted({r for r, _ in holes})
    found: list[np.ndarray] = []
    tried = 0

    def compositions(total, caps):
        """Every way to write ``total`` as len(caps) parts, each 1 .. its cap."""
        if len(caps) == 1:
            if 1 <= total <= caps[0]:
                yield (total,)
            return
        for v in range(1, int(min(caps[0], total - (len(caps) - 1))) + 1):
            for rest in compositions(total - v, caps[1:]):
                yield (v, *rest)

    def fill(i, table, col_left):
        """Rows with holes filled in order; each row's holes add up to its remainder (the
        enumeration is over compositions, so the margins hold by construction)."""
        nonlocal tried
        if tried > limit:
            return
        if i == len(rows_with_holes):
            if np.allclose(col_left, 0):
                tried += 1
                if fits(table):
                    found.append(table.copy())
            return
        r = rows_with_holes[i]
        cols = [c for rr, c in holes if rr == r]
        later = rows_with_holes[i + 1 :]
        if not later:  # the last row is determined by the columns' remainders
            values = [col_left[c] for c in cols]
            left = col_left.copy()
            left[cols] = 0
            if min(values) >= 1 and abs(sum(values) - rem_row[r]) < 1e-9 and np.allclose(left, 0):
                table[r, cols] = values
                tried += 1
                if fits(table):
                    found.append(table.copy())
                table[r, cols] = np.nan
            return
        for combo in compositions(int(rem_row[r]), [int(col_left[c]) for c in cols]):
            tried += 1
            if tried > limit:
                return
            left = col_left.copy()
            for c, v in zip(cols, combo):
                table[r, c] = v
                left[c] -= v
            # a column whose holes are all filled must be exact; others need room for >= 1 each
            ok = all(
                left[c] >= sum(1 for rr, cc in holes if cc == c and rr in later) for c in range(len(left))
            )
            if ok:
                fill(i + 1, table, left)
        for c in cols:
            table[r, c] = np.nan

    fill(0, counts.copy(), rem_col.copy())
    return None if tried > limit else found


# ---------------------------------------------------------------------------------------------
# The release


KIND = {
    ".csv": "frequency table",
    ".xlsx": "workbook",
    ".svg": "figure",
    ".png": "figure",
    ".html": "report",
    ".json": "record",
    ".docx": "report",
    ".md": "text",
    ".txt": "text",
}


def _kind(path: Path) -> str:
    name = path.stem
    if path.suffix == ".csv":
        if any(s in name for s in ("tests", "ordinal", "reliability", "alpha", "effect", "then_vs_now")):
            return "statistic" if "ordinal" not in name else "model"
        if "quote" in name or "excerpt" in name:
            return "quote"
    if path.suffix == ".html" and "slides" in name:
        return "deck (with speaker notes)"
    return KIND.get(path.suffix, "other")


# Tables that count records, studies or coded passages, not people (the literature review, the
# PRISMA flow, the code co-occurrence, the accounting of codings and of identifiers replaced in
# quotes): the disclosure rule is for people.
NOT_PEOPLE = ("literature_", "prisma_", "code_cooccurrence", "qualitative_accounting")


# Columns that count people although not named like counts (n, n_*, *_n, count*).
COUNTS_BY_NAME = {
    "survey_flow": ["excluded", "remaining"],
    # the qualitative strand's counts of people (participants are people; references, codings
    # and transcripts count passages)
    "themes_by_role": ["participants", "participants_in_role"],
    "qualitative_codebook": ["participants"],
    "findings_themes": ["participants", "participants_in_study"],
}


def _numeric(column: pd.Series) -> bool:
    """Every cell a number, empty or the marker (a text column named like a count is not one)."""
    return all(_number(v) is not None or str(v).strip() in ("", "*") for v in column)


# Workbook sheets whose table is published under another CSV name.
SHEET_ALIASES = {
    ("attitudes", "suppression"): "attitudes_suppression_summary",
    ("attitudes", "like_for_like_2002"): "attitudes_2002_like_for_like",
    ("focus_groups", "Codebook"): "qualitative_codebook",
    ("focus_groups", "Accounting"): "qualitative_accounting",
}


def _sheet_table_name(title: str, book: str, names) -> str | None:
    """The CSV a workbook sheet reprints: the same name, the name in snake case, the book's
    prefix + the sheet name (attitudes.xlsx 'by_role' = attitudes_by_role), or a name that
    Excel's 31-character limit cut short."""
    snake = re.sub(r"\W+", "_", title.strip().lower()).strip("_")
    alias = SHEET_ALIASES.get((book, title), "")
    for name in (title, snake, f"{book}_{title}", f"{book}_{snake}", alias):
        if name in names:
            return name
    cut = [n for n in names if len(title) == 31 and n.startswith(title)]
    return cut[0] if len(cut) == 1 else None


def _blank(value, marker: str) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", marker))


def _sheets(path: Path) -> dict[str, list[tuple]]:
    """Every sheet of a workbook as rows of cell values, as openpyxl gives them with
    ``values_only`` (an empty cell None, a whole number an int), read with python-calamine: a
    compiled reader, about 100 times faster than openpyxl on the published workbooks, which was
    a third of the audit's time."""
    from python_calamine import CalamineWorkbook

    def value(cell):
        if cell == "":
            return None
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        return cell

    book = CalamineWorkbook.from_path(str(path))
    try:
        return {
            name: [
                tuple(value(c) for c in row)
                for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            ]
            for name in book.sheet_names
        }
    finally:
        book.close()


def workbook_agrees(path: Path, csvs: Mapping[str, Path], marker: str = "*") -> tuple[list[dict], str]:
    """Compare every sheet of a published workbook that reprints a published CSV with that CSV,
    cell by cell: a cell suppressed in one must be suppressed (empty or the marker) in the other,
    and a count printed in both must be the same number. Returns (problems, note); the note
    names the sheets that reprint no CSV (not compared)."""
    problems: list[dict] = []
    unmatched = []
    for title, rows in _sheets(path).items():
        name = _sheet_table_name(title, path.stem, csvs)
        if name is None:
            if title.lower() not in ("contents", "about"):
                unmatched.append(title)
            continue
        table = pd.read_csv(csvs[name], dtype=str, keep_default_na=False)
        columns = [str(c) for c in table.columns]
        start = next(
            (
                i
                for i, r in enumerate(rows)
                if [str(v) if v is not None else "" for v in r[: len(columns)]] == columns
            ),
            None,
        )
        if start is None:
            unmatched.append(title)
            continue
        counts = set(disclosure.count_columns(table)) | set(COUNTS_BY_NAME.get(name, []))
        body = rows[start + 1 : start + 1 + len(table)]
        for i, (csv_row, xl_row) in enumerate(zip(table.to_numpy(dtype=object).tolist(), body)):
            for j, col in enumerate(columns):
                text = str(csv_row[j]).strip()
                value = xl_row[j] if j < len(xl_row) else None
                where = f"sheet {title!r} row {i + 1}, {col}"
                csv_number = _number(text)
                xl_number = value if isinstance(value, (int, float)) else _number(value)
                if (
                    text in ("", marker)
                    and not _blank(value, marker)
                    and col in counts | _numeric_cols(table)
                ):
                    problems.append(
                        {
                            "cell": where,
                            "problem": "suppressed in the CSV, printed in the workbook",
                            "value": value,
                        }
                    )
                elif csv_number is not None and _blank(value, marker):
                    problems.append(
                        {
                            "cell": where,
                            "problem": "printed in the CSV, suppressed in the workbook",
                            "value": text,
                        }
                    )
                elif col in counts and csv_number is not None and xl_number is not None:
                    if abs(float(xl_number) - csv_number) > 1e-9:
                        problems.append({"cell": where, "problem": f"the CSV prints {text}", "value": value})
        if len(body) != len(table):
            problems.append(
                {
                    "cell": f"sheet {title!r}",
                    "problem": f"{len(body)} rows, the CSV {len(table)}",
                    "value": "",
                }
            )
    note = f"sheets that reprint no published CSV (not compared): {', '.join(unmatched)}" if unmatched else ""
    return problems, note


def _numeric_cols(table: pd.DataFrame) -> set:
    """Columns whose every cell is a number, empty or the marker, with at least one number."""
    return {c for c in table.columns if _numeric(table[c]) and any(_number(v) is not None for v in table[c])}


def entirely_suppressed(table: pd.DataFrame, rule: disclosure.Rule, key: str = "item") -> list[dict]:
    """Items of a by-group table suppressed entirely although their total is not below the
    threshold (issue 13: "no table of the release is suppressed entirely unless its total is
    itself below the threshold"; such an item is withheld instead): no row shows a non-zero
    level or number agreeing, while the All row shows its valid answers."""
    levels = [c for c in table.columns if LEVEL.match(c)]
    answers = [*levels, *(["n_agree"] if "n_agree" in table.columns else [])]
    out = []
    for item, block in table.groupby(key, sort=False):
        total = block.loc[block["group"] == ALL, "n_valid"].map(_number) if "n_valid" in block else []
        if not len(total) or total.iloc[0] is None or math.isnan(total.iloc[0]) or total.iloc[0] == 0:
            continue
        values = block[answers].map(_number)
        suppressed = block[answers].map(lambda v: str(v).strip() in ("", "*", str(rule.marker)))
        if not ((values.fillna(0) > 0) & ~suppressed).any().any():
            out.append(
                {
                    "cell": f"{item}: every answer count",
                    "problem": (
                        f"suppressed entirely while its valid answers ({total.iloc[0]:g}) are shown: "
                        "the item should be withheld"
                    ),
                }
            )
    return out


def protection_costs(summary: pd.DataFrame, table: str) -> list[dict]:
    """One entry per protected table (an item's block of ``table``) from the suppression
    summary: cells suppressed (primary + secondary), and where the summary has them the lower
    bound on the least cost of a protecting pattern, the gap and the minimum
    (helpers.survey.attitudes.suppression_optimality)."""

    def whole(v):
        return None if pd.isna(v) else int(v)

    out = []
    for row in summary.to_dict("records"):
        entry = {
            "table": f"{table}: {row['item']}",
            "cost": whole(row["primary"]) + whole(row["secondary"]),
            "primary": whole(row["primary"]),
            "secondary": whole(row["secondary"]),
        }
        if "lower_bound" in row:
            entry["lower_bound"] = whole(row["lower_bound"])
            entry["gap"] = whole(row.get("gap"))
            entry["minimum"] = whole(row.get("minimum"))
            entry["optimal"] = entry["gap"] == 0
        out.append(entry)
    return out


def optimality_note(summary: pd.DataFrame) -> str:
    """'; lower bound on the least cost 160 (gap 30); the pattern is a minimum for 7 of 12
    items' from a suppression summary with the optimality columns (else '')."""
    if "lower_bound" not in summary.columns or not len(summary):
        return ""
    known = summary["lower_bound"].notna()
    bound = int(summary.loc[known, "lower_bound"].sum())
    gap = int((summary.loc[known, "primary"] + summary.loc[known, "secondary"]).sum()) - bound
    optimal = int((summary["gap"] == 0).sum())
    none = "" if known.all() else f"; {int((~known).sum())} item(s) with no protecting pattern"
    return (
        f"; lower bound on the least cost {bound} (gap {gap}); "
        f"the pattern is a minimum for {optimal} of {len(summary)} items{none}"
    )


def width_needed(rule: disclosure.Rule) -> int:
    return NHS_WIDTH if rule.rule == "nhs" else int(rule.min_count)


def audit_release(
    release_dir: Path,
    rule: disclosure.Rule | None = None,
    enforce: bool | None = None,
    *,
    params_file: str | Path = "params.yaml",
) -> AuditResult:
    """Audit every published file under ``release_dir``; raise :class:`AuditFailure` on a leak.

    ``rule`` defaults to ``params_file``'s disclosure rule (the one the release was protected
    with: the run's own params file, not necessarily params.yaml); ``enforce`` to its ``disclosure.audit`` ("enforce" unless it says "report": then
    the leaks are listed in the result, which says they were not enforced, and nothing raises)."""
    release_dir = Path(release_dir)
    if rule is None or enforce is None:
        from helpers import config

        params = config.load_params(params_file)
        rule = rule or disclosure.from_params(params)
        enforce = disclosure.audit_mode(params) == "enforce" if enforce is None else enforce
    need = width_needed(rule)
    result = AuditResult(rule=rule.rule, min_count=int(rule.min_count), width=need)
    system = System()
    records: dict[str, FileRecord] = {}
    primary_leaks = []
    tables = {}
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(release_dir).as_posix()
        kind = _kind(path)
        record = FileRecord(rel, kind, [], "released")
        records[rel] = record
        result.files.append(record)
        if path.suffix != ".csv" or rel.startswith("provenance/"):
            if kind == "figure":
                record.rules = ["drawn from protected tables only (plots refuse unprotected input)"]
            continue
        if path.stem.startswith(NOT_PEOPLE):
            record.rules = ["counts records or codings, not people"]
            continue
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        counts = [
            c
            for c in [*disclosure.count_columns(table), *COUNTS_BY_NAME.get(path.stem, [])]
            if c in table.columns and _numeric(table[c])
        ]
        if not counts:
            record.rules = ["no count of people"]
            continue
        tables[rel] = table
        found = disclosure.violations(table, counts, rule=disclosure.Rule(rule.rule, rule.min_count, "*"))
        record.rules.append(f"{rule.rule} rule: counts 1-{rule.upper} never shown")
        if len(found):
            for r in found.itertuples():
                primary_leaks.append(
                    {
                        "file": rel,
                        "cell": f"row {r.row + 1}, {r.column}",
                        "problem": r.problem,
                        "value": r.value,
                    }
                )
            record.result = "FAIL"
        n, how = read_table(system, table, path.stem)
        record.rules.append(f"LP audit ({how})")
        if how.startswith("by-group"):
            record.rules.append("no item suppressed entirely unless its total is below the threshold")
            for problem in entirely_suppressed(table, rule):
                primary_leaks.append({"file": rel, **problem})
                record.result = "FAIL"
    csvs = {
        p.stem: p
        for p in sorted(release_dir.rglob("*.csv"))
        if not p.relative_to(release_dir).as_posix().startswith("provenance/")
    }
    summary = csvs.get("attitudes_suppression_summary")
    by_role = next((r for r in records if Path(r).stem == "attitudes_by_role"), None)
    if summary is not None and by_role is not None:
        cost = pd.read_csv(summary)
        if {"primary", "secondary"} <= set(cost.columns):
            p, q = int(cost["primary"].sum()), int(cost["secondary"].sum())
            records[by_role].note = (
                f"protection cost: {p + q} cells suppressed, {p} primary + {q} secondary"
                f"{optimality_note(cost)} (per item: {summary.relative_to(release_dir).as_posix()})"
            )
            result.protection = protection_costs(cost, Path(by_role).stem)
    for path in sorted(release_dir.rglob("*.xlsx")):
        rel = path.relative_to(release_dir).as_posix()
        found, note = workbook_agrees(path, csvs, str(rule.marker) if rule.marker is not None else "*")
        record = records[rel]
        record.rules.append("every sheet compared cell by cell with the CSV of the same table")
        record.note = note
        for problem in found:
            primary_leaks.append({"file": rel, **problem})
            record.result = "FAIL"
    stated = _audit_printed(release_dir, records, tables, csvs, rule, primary_leaks)
    withheld = csvs.get("survey_withheld_items")
    if withheld is not None:  # a row per withheld item (helpers.survey.attitudes.withholding)
        for row in pd.read_csv(withheld, dtype=str, keep_default_na=False).itertuples():
            result.files.append(
                FileRecord(
                    f"(withheld) {row.item}",
                    "withheld item",
                    ["no pattern of suppression protects it: left out of every table, figure and statistic"],
                    "withheld",
                    note=row.reason,
                )
            )
    bounds = intervals(system, rule)
    for problem in stated_group_counts(system, bounds, stated):
        primary_leaks.append(problem)
        records[problem["file"]].result = "FAIL"
    for key, (lo, hi) in bounds.items():
        w = hi - lo
        entry = {
            "cell": " / ".join(map(str, key)),
            "low": lo,
            "high": hi,
            "width": w,
            "where": system.where[key],
        }
        result.intervals.append(entry)
        for where in system.where[key]:
            rel = next((r for r in records if Path(r).stem == where.split(":")[0]), None)
            if rel:
                rec = records[rel]
                rec.suppressed_cells += 1
                rec.narrowest = w if rec.narrowest is None else min(rec.narrowest, w)
                if w < need:
                    rec.result = "FAIL"
        if w < need:
            result.leaks.append(
                {**entry, "problem": f"feasible interval {lo:g} to {hi:g} narrower than {need}"}
            )
    result.leaks = primary_leaks + result.leaks
    for rec in records.values():
        if rec.result == "released" and rec.suppressed_cells:
            rec.result = "released: every suppressed cell protected"
    result.enforced = enforce
    if result.leaks and enforce:
        lines = [f"{len(result.leaks)} leak(s) under the {rule.rule} rule (interval needed: {need}):"]
        for leak in result.leaks[:10]:
            if "where" in leak:
                lines.append(f"  {leak['where'][0]}: {leak['problem']}")
            else:
                lines.append(f"  {leak['file']} {leak['cell']}: {leak['problem']}")
        raise AuditFailure("\n".join(lines), result.leaks, result)
    return result


PRINTED = (".html", ".htm", ".ipynb", ".docx")


def _audit_printed(
    release_dir: Path,
    records: Mapping[str, FileRecord],
    tables: Mapping[str, pd.DataFrame],
    csvs: Mapping[str, Path],
    rule: disclosure.Rule,
    leaks: list,
) -> list[tuple[str, str, int, str]]:
    """Every table the HTML reports, the deck (slides and speaker notes), the published notebooks
    and the Word documents print, compared cell by cell with the CSV it reprints
    (helpers.printed_tables); a suppressed cell printed in the clear is a leak. Returns the
    counts the text states for a role group, (file, group, count, words), for
    :func:`stated_group_counts`."""
    from helpers import printed_tables

    marker = str(rule.marker) if rule.marker is not None else "*"
    people = {Path(rel).stem for rel in tables}
    sources = printed_tables.sources(csvs, people, marker, COUNTS_BY_NAME)
    # What readers get is reports/ (decisions.md, 8): a staged release also holds build/executed
    # (the raw executed notebooks, which stay in the workspace) and data/processed.
    published = release_dir / "reports" if (release_dir / "reports").is_dir() else release_dir
    stated_groups = []
    for path in sorted(p for p in published.rglob("*") if p.suffix in PRINTED and p.is_file()):
        rel = path.relative_to(release_dir).as_posix()
        if rel.startswith("provenance/") or rel not in records:
            continue
        record = records[rel]
        found = printed_tables.read(path, rel)
        matched, unmatched = set(), 0
        for table in found:
            name, problems = printed_tables.compare(table, sources, rule)
            if name is None:
                unmatched += 1
            elif name in people:
                matched.add(name)
            for problem in problems:
                leaks.append(
                    {
                        "file": rel,
                        "cell": f"{problem.where.removeprefix(rel).strip()}: {problem.cell}",
                        "problem": problem.problem,
                        "value": problem.value,
                    }
                )
                record.result = "FAIL"
        prose = printed_tables.prose_text(path)
        stated = disclosure.prose_counts(prose, rule)
        stated_groups += [(rel, *found) for found in disclosure.prose_group_counts(prose)]
        record.rules.append(f"text outside tables: no count of people 1-{rule.upper} stated")
        for n, words in disclosure.prose_differences(prose, rule):
            leaks.append(
                {
                    "file": rel,
                    "cell": f"text: \u2026{words}\u2026",
                    "problem": (
                        f"two counts of responses stated together differ by {n}: a count of people "
                        f"1-{rule.upper} given back by difference"
                    ),
                    "value": n,
                }
            )
            record.result = "FAIL"
        for n, words in stated:
            leaks.append(
                {
                    "file": rel,
                    "cell": f"text: \u2026{words}\u2026",
                    "problem": f"a count of people ({n}) stated in the text: counts 1-{rule.upper} are never shown",
                    "value": n,
                }
            )
            record.result = "FAIL"
        if found:
            record.rules.append(
                f"{len(found)} printed table(s) compared cell by cell with the CSV they reprint "
                f"({len(matched)} table(s) of people: {', '.join(sorted(matched)) or 'none'}); "
                f"{unmatched} reprint no CSV (primary rule where they count people by role)"
            )
    return stated_groups


def stated_group_counts(system: System, bounds: Mapping, stated: Iterable[tuple]) -> list[dict]:
    """Counts the text states for a role group ((file, group, count, words):
    disclosure.prose_group_counts), compared with the cells the tables publish for that group:
    a count that is no published cell of the group but lies in the feasible interval of one of
    its suppressed cells (``bounds``: the LP audit's) may be that cell, repeated in words; it
    fails the release, naming the cell. A count equal to a published cell of the group repeats
    it; one that fits no cell of the group is something else (a sum, a weighted figure)."""
    published: dict = defaultdict(set)
    suppressed: dict = defaultdict(list)
    for key, value in system.value.items():
        group = key[-1] if isinstance(key, tuple) and key else None
        if value is None:
            suppressed[group].append(key)
        else:
            published[group].add(float(value))
    problems = []
    for file, group, n, words in stated:
        key_group = OTHER if group == "Other" else group
        if float(n) in published[key_group]:
            continue
        for key in sorted(suppressed[key_group], key=repr):
            lo, hi = bounds.get(key, (math.nan, math.nan))
            if lo <= n <= hi:
                problems.append(
                    {
                        "file": file,
                        "cell": f"text: \u2026{words}\u2026",
                        "problem": (
                            f"a count of {group} ({n}) stated in the text is no cell the tables "
                            f"publish for that group and may be its suppressed cell "
                            f"{' / '.join(map(str, key))} (feasible {lo:g} to {hi:g})"
                        ),
                        "value": n,
                    }
                )
                break
    return problems


def write_record(result: AuditResult, out_dir: Path) -> list[Path]:
    """The output-checking record: ``output_check.json`` and ``output_check.html``."""
    out_dir = Path(out_dir)
    data = result.as_dict()
    js = out_dir / "output_check.json"
    js.write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    rows = "\n".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
            _esc(f["path"]),
            _esc(f["kind"]),
            _esc("; ".join(f["rules"])),
            _esc(f["result"] + (f" ({f['note']})" if f["note"] else "")),
            f["suppressed_cells"],
            "" if f["narrowest"] is None else f"{f['narrowest']:g}",
        )
        for f in data["files"]
    )
    html = out_dir / "output_check.html"
    html.write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Output check</title></head><body>"
        f"<h1>Output-checking record</h1><p>Rule: {_esc(data['rule'])}, min_count {data['min_count']}; "
        f"criterion: {_esc(data['criterion'])}; suppressed cells audited: {data['suppressed_cells_audited']}; "
        f"narrowest interval: {data['narrowest_interval']}.</p>"
        "<table><thead><tr><th>File</th><th>Kind</th><th>Rules applied</th><th>Result</th>"
        "<th>Suppressed cells</th><th>Narrowest interval</th></tr></thead><tbody>"
        f"{rows}</tbody></table>{_protection_html(data['protection_cost'])}</body></html>\n",
        encoding="utf-8",
    )
    return [js, html]


def _protection_html(costs: list[dict]) -> str:
    """The record's table of the protection's cost per protected table, with the lower bound
    on the least cost and the gap where the suppression summary gives them."""
    if not costs:
        return ""
    bounds = any("lower_bound" in c for c in costs)

    def cell(v):
        return "" if v is None else _esc(v)

    head = "<th>Protected table</th><th>Cells suppressed</th><th>Primary</th><th>Secondary</th>"
    if bounds:
        head += "<th>Lower bound on the least cost</th><th>Gap</th><th>Least cost found</th><th>Minimum?</th>"
    rows = []
    for c in costs:
        row = (
            f"<td>{_esc(c['table'])}</td><td>{c['cost']}</td><td>{c['primary']}</td><td>{c['secondary']}</td>"
        )
        if bounds:
            if c.get("optimal"):
                verdict = "yes"
            elif c.get("lower_bound") is None:
                verdict = "no protecting pattern"
            elif c.get("minimum") is not None and c["minimum"] < c["cost"]:
                verdict = "no: a cheaper pattern exists"
            else:
                verdict = "not known"
            row += (
                f"<td>{cell(c.get('lower_bound'))}</td><td>{cell(c.get('gap'))}</td>"
                f"<td>{cell(c.get('minimum'))}</td><td>{verdict}</td>"
            )
        rows.append(f"<tr>{row}</tr>")
    return (
        "<h2>Secondary suppression: cost and optimality gap per protected table</h2>"
        "<p>Cost: the cells of the table suppressed (primary + secondary). Lower bound: no pattern "
        "that protects the table (every suppressed cell's interval at least the criterion wide) "
        "suppresses fewer cells (helpers.protection.lower_bound: the optimum of a relaxation solved "
        "with HiGHS; docs/disclosure.md). Gap: cost minus the bound; 0 means the pattern is a "
        "minimum. Least cost found: a protecting pattern of that cost exists (the relaxation's "
        "own pattern passed the audit), where known.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _esc(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main(argv: Iterable[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Intruder audit of a release folder (issue 13)")
    parser.add_argument("release", nargs="?", default="reports")
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument(
        "--record", action="store_true", help="write output_check.html/.json into the release"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    from helpers import config

    params = config.load_params(args.params)
    rule = disclosure.from_params(params)
    try:
        result = audit_release(Path(args.release), rule, enforce=disclosure.audit_mode(params) == "enforce")
    except AuditFailure as exc:
        if args.record and exc.result is not None:
            write_record(exc.result, Path(args.release))
        print(f"audit: FAILED\n{exc.message}", file=sys.stderr)
        return 1
    if args.record:
        write_record(result, Path(args.release))
    verdict = "LEAKS FOUND (not enforced)" if result.leaks and not result.enforced else "passed"
    print(f"audit: {verdict}: {result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
