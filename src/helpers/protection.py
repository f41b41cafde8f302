"""Secondary suppression as a minimum-cost problem, checked by the intruder's own LP audit.

Given the true counts of a set of published cells, the linear relations a reader knows between
them (:class:`helpers.audit.System`), the primary cells (counts 1 .. the rule's upper limit) and
cells whose status is fixed elsewhere (printed by another stage), :func:`milp_pattern` chooses
the cells to suppress:

    minimise   sum over cells of cost(c) * x_c        (x_c = 1: suppressed)
    subject to x_p = 1 for every primary cell, x_f fixed for fixed cells, x_c = 0 for zeros
               (zeros are shown, so a blank is known to be at least 1);
               in every relation, a suppressed cell has another unknown beside it:
                   x_c <= sum of x_j over the relation's other cells (+1 when the relation holds
                   an unpublished unknown);
               and the cuts below.

The cost is the number of suppressed cells, ties broken towards smaller counts (cost 1 + v / (10
* the largest count)). The MILP is solved with HiGHS (scipy.optimize.milp); its pattern is then
audited with :func:`helpers.audit.intervals` (the intruder's LP). Every suppressed cell c whose
feasible interval is narrower than the protection width W gets the cut

    sum of x_j over the cells j not suppressed now that share a relation with c's unknown
    component  >=  x_c

which every protecting pattern satisfies (a pattern suppressing none of them leaves c's
component with at most the unknowns it has now, so c's interval can only be narrower); the cuts
are valid, so the MILP's optimum stays a lower bound on the cost of any protecting pattern. When
the audited pattern passes it is optimal for the stated cost. After ``max_rounds`` rounds the
last pattern is completed greedily (the smallest count among the cut's cells, until the audit
passes) and the optimality gap (its cost minus the last lower bound) is reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from helpers import disclosure
from helpers.audit import System, intervals, width_needed


@dataclass
class Pattern:
    suppressed: set
    cost: float
    lower_bound: float
    rounds: int
    optimal: bool

    @property
    def gap(self) -> float:
        return max(self.cost - self.lower_bound, 0.0)


def _status_system(system: System, true: dict, suppressed: set, rule: disclosure.Rule) -> System:
    """The system as a reader sees it: suppressed cells unknown, the others as published."""
    out = System(eq=system.eq, ge=system.ge, unknown=system.unknown)
    for key, value in true.items():
        out.value[key] = None if key in suppressed else rule.shown(value)
    return out


def _frontier(system: System, cell, suppressed: set, candidates: set) -> set:
    """Cells not suppressed now that share a relation with ``cell``'s unknown component."""
    unknown = suppressed | system.unknown
    relations = [*system.eq, *system.ge]
    by_cell = defaultdict(list)
    for i, rel in enumerate(relations):
        for k in rel:
            by_cell[k].append(i)
    seen, todo, touched = {cell}, [cell], set()
    while todo:
        k = todo.pop()
        for i in by_cell[k]:
            if i in touched:
                continue
            touched.add(i)
            for j in relations[i]:
                if j in unknown and j not in seen:
                    seen.add(j)
                    todo.append(j)
    out = set()
    for i in touched:
        out |= {j for j in relations[i] if j in candidates and j not in suppressed}
    return out


def milp_pattern(
    system: System,
    true: dict,
    primary: set,
    rule: disclosure.Rule,
    fixed: dict | None = None,
    max_rounds: int = 100,
) -> Pattern:
    """The suppression pattern (see the module docstring); ``true`` maps every published cell
    to its true count, ``fixed`` maps cells whose status is decided elsewhere to True/False."""
    fixed = dict(fixed or {})
    keys = sorted(true, key=repr)
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    top = max([float(v) for v in true.values()] + [1.0])
    cost = np.array([1 + float(true[k]) / (10 * top) for k in keys])
    lower = np.zeros(n)
    upper = np.ones(n)
    for k in keys:
        if true[k] == 0:
            upper[index[k]] = 0
        if k in primary:
            lower[index[k]] = 1
        if k in fixed:
            lower[index[k]] = upper[index[k]] = 1.0 if fixed[k] else 0.0
    candidates = {k for k in keys if upper[index[k]] == 1}
    rows = []
    for rel in (*system.eq, *system.ge):
        inside = [k for k in rel if k in index]
        free = any(k not in index for k in rel)  # an unpublished unknown in the relation
        for c in inside:
            if upper[index[c]] == 0:
                continue
            row = np.zeros(n)
            row[index[c]] = 1
            for j in inside:
                if j != c:
                    row[index[j]] -= 1
            rows.append((row, -np.inf, 1.0 if free else 0.0))
    cuts = []
    bound = 0.0
    suppressed = set(primary)
    optimal = False
    rounds = 0
    big = float(top)
    for _ in range(max_rounds):
        rounds += 1
        allrows = rows + cuts
        constraints = (
            [
                LinearConstraint(
                    np.array([r[0] for r in allrows]),
                    np.array([r[1] for r in allrows]),
                    np.array([r[2] for r in allrows]),
                )
            ]
            if allrows
            else []
        )
        res = milp(
            cost,
            integrality=np.ones(n),
            bounds=Bounds(lower, upper),
            constraints=constraints,
            options={"time_limit": 20},
        )
        if res.x is None:
            break
        bound = float(res.fun) if res.status == 0 else bound
        suppressed = {keys[i] for i in range(n) if res.x[i] > 0.5}
        failing = _failing(system, true, suppressed, rule)
        if not failing:
            optimal = res.status == 0
            break
        for c in failing:
            cuts.append(_benders_cut(system, true, suppressed, c, rule, index, big))
            front = _frontier(system, c, suppressed, candidates)
            row = np.zeros(n)
            for j in front:
                row[index[j]] = 1
            row[index[c]] -= 1
            cuts.append((row, 0.0, np.inf))
    if not optimal:
        suppressed = _greedy(system, true, suppressed, candidates, rule)
    total = float(sum(cost[index[k]] for k in suppressed))
    return Pattern(suppressed, total, bound if not optimal else total, rounds, optimal)


def _benders_cut(system: System, true: dict, suppressed: set, cell, rule, index: dict, big: float):
    """A valid inequality from the intruder's LP duals (Fischetti and Salazar's model).

    In deviations d = y - true, the intruder's largest upward move of ``cell`` is
    max d_cell s.t. A d = 0, -l_j(x) <= d_j <= h_j(x), where a suppressed cell may move down to
    1 and up by ``big`` (no count exceeds the largest in the table), a published one by the
    rule's slack (2 under the NHS rule), an unpublished unknown down to 0. For the optimal
    duals u of the current pattern, g(u, x) = sum_j (r_j^+ h_j(x) + r_j^- l_j(x)) with
    r = e_cell - A^T u bounds that maximum from above for every pattern x, so a protecting
    pattern needs g_up(x) + g_down(x) >= W x_cell: linear in x, and violated by the current one.
    """
    slack = 2.0 if rule.rule == "nhs" else 0.0
    keys = sorted(system.cells(), key=repr)
    pos = {k: i for i, k in enumerate(keys)}
    m = len(keys)
    a = np.array([[rel.get(k, 0.0) for k in keys] for rel in system.eq]) if system.eq else np.zeros((0, m))
    # bounds as affine functions of x: h = h0 + h1 x, l = l0 + l1 x
    h0, h1, l0, l1 = np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m)
    for k in keys:
        i = pos[k]
        if k not in true:  # unpublished unknown
            h0[i], l0[i] = big, big
            continue
        v = float(true[k])
        shown = float(rule.shown(v))
        # a published cell lies in shown +/- slack (>= 0): deviations from the true value
        h0[i], l0[i] = shown + slack - v, v - max(shown - slack, 0)
        if k in index:
            cap = float(true.get(("n_respondents", "", k[-1]), big)) if isinstance(k, tuple) else big
            h1[i], l1[i] = max(cap - v, 0) - h0[i], max(v - 1, 0) - l0[i]
    x = np.array([1.0 if (k in suppressed) else 0.0 for k in keys])
    hi, lo = h0 + h1 * x, l0 + l1 * x
    coef = np.zeros(len(index))
    const = 0.0
    for sign in (1.0, -1.0):
        c = np.zeros(m)
        c[pos[cell]] = -sign  # minimise -sign * d_cell
        res = linprog(c, A_eq=a, b_eq=np.zeros(len(a)), bounds=list(zip(-lo, hi)), method="highs")
        u = res.eqlin.marginals if len(a) else np.zeros(0)
        r = -c - a.T @ (-u) if len(a) else -c
        # r: reduced costs of the maximisation of sign * d_cell; value = sum r+ h + r- l
        value = float(np.clip(r, 0, None) @ hi + np.clip(-r, 0, None) @ lo)
        if abs(value - (-res.fun)) > 1e-6 * max(1.0, abs(res.fun)):
            r = -c - a.T @ u
            value = float(np.clip(r, 0, None) @ hi + np.clip(-r, 0, None) @ lo)
        rp, rm = np.clip(r, 0, None), np.clip(-r, 0, None)
        const += float(rp @ h0 + rm @ l0)
        for k, j in index.items():
            i = pos[k]
            coef[j] += rp[i] * h1[i] + rm[i] * l1[i]
    need = width_needed(rule)
    coef[index[cell]] -= need
    return (coef, -const, np.inf)


def _failing(system: System, true: dict, suppressed: set, rule: disclosure.Rule) -> list:
    need = width_needed(rule)
    bounds = intervals(_status_system(system, true, suppressed, rule), rule, need=need)
    return sorted((k for k, (lo, hi) in bounds.items() if hi - lo < need), key=repr)


def _greedy(system, true, suppressed, candidates, rule):
    suppressed = set(suppressed)
    while True:
        failing = _failing(system, true, suppressed, rule)
        if not failing:
            return suppressed
        added = False
        for c in failing:
            front = _frontier(system, c, suppressed, candidates)
            if front:
                suppressed.add(min(front, key=lambda k: (true[k], repr(k))))
                added = True
        if not added:
            return suppressed


# ---------------------------------------------------------------------------------------------
# Audit-driven hypercube protection (fast enough for every release)


def move_width(move: dict, cell, values: dict, published: set) -> float:
    """How far ``cell`` can move along ``move`` (cell -> +1/-1) on its own, up plus down: the
    interval a reader is left with if this move were the only freedom. A published cell that is
    suppressed stays >= 1 (zeros are shown), an unpublished unknown >= 0."""
    sign = move[cell]
    same = [values[k] - (1 if k in published else 0) for k, s in move.items() if s == sign]
    other = [values[k] - (1 if k in published else 0) for k, s in move.items() if s != sign]
    return float(min(same)) + (float(min(other)) if other else np.inf)


def cube_pattern(
    system: System,
    true: dict,
    primary: set,
    rule: disclosure.Rule,
    moves: list[dict],
    values: dict | None = None,
    fixed_shown: set | frozenset = frozenset(),
    max_rounds: int = 30,
) -> Pattern:
    """Secondary suppression by complementary "moves", checked by the intruder's own LP audit.

    A *move* is a set of cells with signs (+1/-1) such that adding t to the + cells and
    subtracting t from the - cells keeps every published relation true: a rectangle or
    hypercube of the table (GHMITER's idea, Repsilber 1994; tau-ARGUS's "hypercube" method).
    Suppressing all the cells of a move leaves a reader that much freedom, so a cell lying on a
    suppressed move whose cells are large enough cannot be narrowed below :func:`move_width`.

    Loop: audit the current pattern (:func:`helpers.audit.intervals`, LP over every relation);
    for each suppressed cell still narrower than the criterion, suppress the cheapest move
    through it (fewest new cells, then smallest total of the new cells) whose own width meets
    the criterion (else the widest); repeat until the audit passes or ``max_rounds``. The result
    passes the audit by construction when ``optimal`` (here: "protected") is True; its cost is
    the number of suppressed cells, and ``lower_bound`` the primary cells (the gap is therefore
    the number of secondary cells, an upper bound on the true gap).

    ``true``: every published cell's true count; ``values``: true counts of unpublished unknowns
    too (for move widths); ``fixed_shown``: cells printed elsewhere that must stay shown.
    """
    values = {**true, **(values or {})}
    published = set(true)
    need = width_needed(rule)
    blocked = {k for k in true if true[k] == 0} | set(fixed_shown)
    usable = [m for m in moves if blocked.isdisjoint(m) and m.keys() <= values.keys()]
    through = defaultdict(list)
    for m in usable:
        for k in m:
            if k in published:
                through[k].append(m)
    suppressed = set(primary)
    rounds = 0
    protected = False
    for _ in range(max_rounds):
        rounds += 1
        failing = _failing_widths(system, true, suppressed, rule)
        if not failing:
            protected = True
            break
        touched: set = set()
        added = False
        for cell, _width in failing:
            if cell in touched:
                continue  # a move added this round already runs through it: audit again first
            best, best_key = None, None
            for m in through.get(cell, ()):
                new = [k for k in m if k in published and k not in suppressed]
                if not new:
                    continue  # already in the pattern, and the cell is still too narrow
                w = move_width(m, cell, values, published)
                key = (w < need, len(new), -w if w < need else 0, sum(values[k] for k in new))
                if best_key is None or key < best_key:
                    best, best_key = m, key
            if best is None:
                continue
            fresh = {k for k in best if k in published and k not in suppressed}
            if fresh:
                suppressed |= fresh
                added = True
            touched |= set(best)
        if not added:
            break
    return Pattern(suppressed, float(len(suppressed)), float(len(primary)), rounds, protected)


def _failing_widths(system: System, true: dict, suppressed: set, rule: disclosure.Rule) -> list:
    """(cell, width) of every suppressed cell narrower than the criterion, narrowest first."""
    need = width_needed(rule)
    bounds = intervals(_status_system(system, true, suppressed, rule), rule, need=need)
    return sorted(
        ((k, hi - lo) for k, (lo, hi) in bounds.items() if hi - lo < need), key=lambda t: (t[1], repr(t[0]))
    )


# ---------------------------------------------------------------------------------------------
# How far from the minimum is a pattern? A lower bound on the cost of every protecting pattern


@dataclass
class CostBound:
    """The cost of a suppression pattern beside a lower bound on the least cost of any
    protecting pattern (:func:`lower_bound`). ``optimum``: the least cost itself, where the
    relaxation's own pattern passes the audit (it is then a protecting pattern of that cost);
    None where it was not reached. ``lower_bound`` None: no pattern protects the table."""

    cost: int
    lower_bound: int | None
    optimum: int | None
    rounds: int

    @property
    def gap(self) -> int | None:
        return None if self.lower_bound is None else max(self.cost - self.lower_bound, 0)

    @property
    def optimal(self) -> bool:
        return self.gap == 0


def _unknown_values(system: System, true: dict, values: dict) -> dict:
    """True values of the cells a reader does not see and the caller did not give, worked out
    from the relations (each holds for the true values): a relation with one cell of unknown
    value gives it. Cells left undetermined are absent."""
    known = {**{k: float(v) for k, v in values.items()}, **{k: float(v) for k, v in true.items()}}
    changed = True
    while changed:
        changed = False
        for rel in system.eq:
            missing = [k for k in rel if k not in known]
            if len(missing) == 1:
                u = missing[0]
                known[u] = -sum(a * known[k] for k, a in rel.items() if k != u) / rel[u]
                changed = True
    return known


def _bound_relations(system: System, published: set) -> list[dict]:
    """The relations of ``system`` (equations) and the difference of every two whose
    unpublished cells are the same with the same coefficients (All = doctors + managers + the
    rest and All = board + directorate + the rest give doctors + managers = board +
    directorate): each holds for every table a reader thinks possible."""
    out = [dict(rel) for rel in system.eq]
    by_part: dict = defaultdict(list)
    for rel in system.eq:
        part = frozenset((k, a) for k, a in rel.items() if k not in published)
        if part:
            by_part[part].append(rel)
    for rels in by_part.values():
        for i, a in enumerate(rels):
            for b in rels[i + 1 :]:
                diff = {k: a.get(k, 0) - b.get(k, 0) for k in {**a, **b}}
                diff = {k: v for k, v in diff.items() if v}
                if diff:
                    out.append(diff)
    return out


def lower_bound(
    system: System,
    true: dict,
    primary: set,
    rule: disclosure.Rule,
    suppressed: set,
    fixed_shown: set | frozenset = frozenset(),
    values: dict | None = None,
    cost_cells: set | None = None,
    rounds: int = 2,
) -> CostBound:
    """The cost of the pattern ``suppressed`` (how many of ``cost_cells`` it suppresses; default
    every published cell) beside a lower bound on the least cost of ANY pattern that passes the
    intruder's audit (:func:`helpers.audit.intervals`: every suppressed cell at least
    :func:`helpers.audit.width_needed` wide) among the patterns the protection may choose:
    every primary cell suppressed, zeros and ``fixed_shown`` cells shown.

    The bound is the optimum of a relaxation, a covering MILP solved by HiGHS
    (scipy.optimize.milp): minimise the cost subject to conditions that every protecting
    pattern meets. Why each is necessary: take a pattern the audit accepts, a suppressed cell c
    and one relation R, sum_j a_j y_j = 0, a reader knows (a published relation, or the
    difference of two with the same unpublished cells). The audit's feasible set lies inside
    the larger set defined by R alone, with a suppressed cell >= 1, an unpublished one >= 0 and
    a published count within s of its printed value (s = 0; 2 under the NHS rule, whose
    printed value is itself within 2 of the true one, so within 2 s of it), so c's interval is
    at most as wide as over that larger set. Write r_j = |a_j / a_c| and call a cell of R
    "free" if it is suppressed or unpublished. Over R alone:

    - (A) if no other cell of R is free, R fixes c up to the published cells' slack: width <=
      2 s sum_j r_j. So, where R has no unpublished cell,
      W x_c <= 2 s sum_{j != c} r_j (1 - x_j) + W sum_{j != c} x_j
      (with s = 0: no relation holds exactly one suppressed cell).
    - (B) if every free cell j != c has a coefficient of c's sign, c rises only as far as
      they can fall (a suppressed cell to 1, an unpublished one to 0; v: true values) and
      falls to 1 at most: width <= (v_c - 1) + sum_free r_j (v_j - lb_j) + 2 s
      sum_published r_j. So, where no unpublished cell of R has the other sign,
      (W - (v_c - 1) - sum_unpublished r_u v_u) x_c <= sum_{j same sign} min(r_j (v_j - 1), W)
      x_j + W sum_{j other sign} x_j + 2 s sum_j r_j (1 - x_j).

    A free cell of the other sign may leave c unbounded along R: (B) then asks nothing. Each
    inequality holds for every protecting pattern, so the relaxation's optimum is at most the
    least protecting cost. Then up to ``rounds`` - 1 times the relaxation's own optimal pattern
    is audited: if it passes, it is a protecting pattern and its cost is the minimum
    (``optimum``); else each of its cells narrower than W gets :func:`_frontier`'s cut (a
    protecting pattern that suppresses c suppresses one of the cells now shown that share a
    relation with c's free component: suppressing none of them leaves c's component a part of
    today's, with some of today's suppressed cells fixed at their values, so c's interval no
    wider than today's, which is too narrow), which every protecting pattern satisfies, and
    the MILP is solved again. The loop stops as
    soon as the bound reaches the pattern's cost (it is then optimal). Costs are whole numbers:
    the bound is the MILP's optimum rounded up (HiGHS's dual bound where a node limit stopped
    it).
    """
    need = float(width_needed(rule))
    slack = 2.0 if rule.rule == "nhs" else 0.0
    values = dict(values or {})
    keys = sorted(true, key=repr)
    index = {k: i for i, k in enumerate(keys)}
    cost_cells = set(true) if cost_cells is None else set(cost_cells)
    unknown_cells = set(cost_cells) - set(true)
    if unknown_cells:
        raise ValueError(f"cost cells that are not published cells: {sorted(unknown_cells, key=repr)[:3]}")
    cost_now = sum(1 for k in suppressed if k in cost_cells)
    n = len(keys)
    lower = np.zeros(n)
    upper = np.ones(n)
    for k in keys:
        if true[k] == 0 or k in fixed_shown:
            upper[index[k]] = 0
        if k in primary:
            lower[index[k]] = 1
    if (lower > upper).any():
        return CostBound(cost_now, None, None, 0)
    known = _unknown_values(system, true, values)
    rows: list[np.ndarray] = []
    limits: list[float] = []
    for rel in _bound_relations(system, set(true)):
        hidden = [(k, a) for k, a in rel.items() if k not in index]
        for c, a_c in rel.items():
            if c not in index or upper[index[c]] == 0:
                continue
            others = [
                (j, a, abs(a / a_c), (a > 0) == (a_c > 0)) for j, a in rel.items() if j != c and j in index
            ]
            if not hidden:  # (A)
                row, limit = np.zeros(n), 0.0
                row[index[c]] += need
                for j, _a, r, _same in others:
                    row[index[j]] -= need - 2 * slack * r
                    limit += 2 * slack * r
                rows.append(row)
                limits.append(limit)
            if any((a > 0) != (a_c > 0) or k not in known for k, a in hidden):
                continue  # (B) asks nothing
            room = sum(abs(a / a_c) * known[k] for k, a in hidden)
            lhs = need - (true[c] - 1) - room
            if lhs <= 0:
                continue
            row, limit = np.zeros(n), 0.0
            row[index[c]] += lhs
            for j, _a, r, same in others:
                gain = min(r * (true[j] - 1), need) if same else need
                row[index[j]] -= gain - 2 * slack * r
                limit += 2 * slack * r
            rows.append(row)
            limits.append(limit)
    cost = np.array([1.0 if k in cost_cells else 0.0 for k in keys])
    candidates = {k for k in keys if upper[index[k]] == 1}
    bound, optimum, done = None, None, 0
    for _ in range(max(int(rounds), 1)):
        done += 1
        constraints = [LinearConstraint(np.array(rows), -np.inf, np.array(limits))] if rows else []
        res = milp(
            cost,
            integrality=np.ones(n),
            bounds=Bounds(lower, upper),
            constraints=constraints,
            options={"node_limit": 20000},
        )
        if res.status == 2:  # infeasible: no pattern meets the necessary conditions
            return CostBound(cost_now, None, None, done)
        best = res.fun if res.status == 0 else getattr(res, "mip_dual_bound", None)
        if best is None or not np.isfinite(best):
            break
        bound = max(bound or 0, int(np.ceil(best - 1e-6)))
        if bound >= cost_now or res.status != 0 or res.x is None:
            break
        pattern = {keys[i] for i in range(n) if res.x[i] > 0.5}
        failing = _failing(system, true, pattern, rule)
        if not failing:
            optimum = bound
            break
        if done == max(int(rounds), 1):
            break  # no further round to use the cuts
        for c in failing:
            row = np.zeros(n)
            for j in _frontier(system, c, pattern, candidates):
                row[index[j]] -= 1
            row[index[c]] += 1
            rows.append(row)
            limits.append(0.0)
    if bound == cost_now:
        optimum = cost_now  # the pattern reaches the bound: it is a minimum
    return CostBound(cost_now, bound, optimum, done)
