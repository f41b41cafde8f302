"""Which role groups a release publishes on their own: the publication design for small groups.

A suppressed count lies between 1 and its group's size, so in a role group of ``n`` people no
suppressed cell can have a feasible interval wider than ``n - 1``: a group of at most the
protection width W (``min_count`` under the threshold rule, 8 under the NHS rule;
:func:`helpers.audit.width_needed`) cannot be protected by suppression at all, however many
cells are suppressed around it (issue 13). Such a group is not published on its own: it is
published only inside a coarser group, its profession (doctors = medical + clinical directors,
managers = chief executives + directorate managers) or its level (board = chief executives +
medical directors, directorate = clinical directors + directorate managers).

:func:`design` makes that decision once per release, from the number of respondents in each
role group and the rule; every table, figure, statistic and sentence that prints role rows or
role counts consumes the same :class:`RoleDesign` (it is a pure function of the clean data's
role counts and the rule, so notebooks 02 and 03 reach the same decision):

1. A group (role, profession or level) may be published only if it has no respondent (a zero
   discloses nothing) or at least W + 1 (:func:`smallest_published`).
2. Differencing: the "All respondents" row is always published, and with it every linear
   combination of the published rows. The published set is chosen so that no union of role
   groups that the published rows determine (e.g. chief executives = managers - directorate
   managers, or = board - medical directors; other role = All - the four roles) has between 1
   and W people. The published rows are then every group that they determine (the *closure*),
   so that the protection of the attitude table (helpers.protection) sees every relation a
   reader can form.
3. Among the designs that satisfy 1 and 2, the one publishing the most role groups is chosen,
   then the most coarse groups, professions before levels.

Under a rule that suppresses nothing (``min_count: 1``) every group is published.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers import disclosure

ROLES = ("Chief executive", "Medical director", "Clinical director", "Directorate manager")
OTHER = "Other"
ALL = "All respondents"
COARSE = (
    ("profession", "Doctor", ("Medical director", "Clinical director")),
    ("profession", "Manager", ("Chief executive", "Directorate manager")),
    ("level", "Board", ("Chief executive", "Medical director")),
    ("level", "Directorate", ("Clinical director", "Directorate manager")),
)
PLURAL = {
    "Chief executive": "chief executives",
    "Medical director": "medical directors",
    "Clinical director": "clinical directors",
    "Directorate manager": "directorate managers",
    "Other": "respondents in other roles",
    "Doctor": "doctors",
    "Manager": "managers",
    "Board": "board members",
    "Directorate": "directorate-level staff",
}


@dataclass(frozen=True)
class RoleDesign:
    """The publication decision: ``published`` (group_type, group) pairs besides All, in table
    order; ``partition``: the most disjoint published groups (the rows of the respondents-by-role
    table and the groups that statistics by role compare); ``complete``: they cover every
    respondent of the four roles (else statistics by role are withheld: their n would give the
    rest away);
    ``withheld``: role groups with respondents that are not published on their own;
    ``counts``: respondents per role group; ``smallest``: the smallest group published."""

    counts: Mapping[str, int]
    smallest: int
    published: tuple = ()
    partition: tuple = ()
    complete: bool = True
    withheld: tuple = ()
    members: Mapping[str, tuple] = field(default_factory=dict)

    @property
    def combined(self) -> bool:
        return bool(self.withheld)

    def is_published(self, group_type: str, group: str) -> bool:
        return group_type == "all" or (group_type, group) in self.published

    def groups(self) -> list[str]:
        """The partition's group names (the rows of the respondents-by-role table and the
        groups compared by the statistics by role)."""
        return [g for _, g in self.partition]

    def group_of(self) -> dict[str, str]:
        """Role -> the partition group that holds it."""
        out = {}
        for _, g in self.partition:
            for role in self.members[g]:
                out[role] = g
        return out

    def recode(self, role: pd.Series) -> pd.Series:
        """Each respondent's partition group (NaN outside it), e.g. a chief executive ->
        "Manager" when chief executives are published only within managers."""
        return role.astype(object).map(self.group_of())

    def note(self) -> str:
        """One sentence for the reports: which groups were combined and why ("" if none)."""
        if not self.withheld:
            return ""
        tiny = [r for r in self.withheld if 0 < self.counts.get(r, 0) < self.smallest]
        other = [r for r in self.withheld if r not in tiny]
        names = _join([PLURAL[r] for r in tiny])
        text = (
            f"Role groups with fewer than {self.smallest} respondents ({names}) are not published on "
            f"their own, because a suppressed count in so small a group cannot be protected"
        )
        coarse = [g for t, g in self.partition if t != "role"]
        if coarse:
            text += "; they are published only within " + _join(
                [f"{PLURAL[g]} ({_join([PLURAL[m] for m in self.members[g]], 'and')})" for g in coarse], "and"
            )
        else:
            text += "; they are counted only among all respondents"
        if other:
            text += (
                f", and {_join([PLURAL[r] for r in other], 'and')} are combined with them too, so that no "
                "difference between published rows gives the small group away"
            )
        return text + "."


def _join(words: list[str], last: str = "and") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def smallest_published(rule: disclosure.Rule) -> int:
    """The fewest respondents a group needs to be published on its own: W + 1, W the audit's
    protection width (a suppressed cell lies in [1, n], so its interval is at most n - 1 wide);
    0 (no limit) under a rule that suppresses nothing."""
    from helpers.audit import width_needed

    return 0 if rule.upper < 1 else width_needed(rule) + 1


def counts_of(role: pd.Series) -> dict[str, int]:
    """Respondents per role group (the four roles and Other) of a clean data's role column."""
    values = role.astype(object).value_counts()
    return {r: int(values.get(r, 0)) for r in (*ROLES, OTHER)}


def design(counts: Mapping[str, int], rule: disclosure.Rule) -> RoleDesign:
    """The publication design for role groups of these sizes under ``rule`` (module docstring)."""
    key = tuple(int(counts.get(r, 0)) for r in (*ROLES, OTHER))
    return _design(key, smallest_published(rule))


def design_of(clean: pd.DataFrame, rule: disclosure.Rule) -> RoleDesign:
    """:func:`design` for a clean dataset (its ``role`` column)."""
    return design(counts_of(clean["role"]), rule)


@lru_cache(maxsize=256)
def _design(key: tuple, smallest: int) -> RoleDesign:
    counts = dict(zip((*ROLES, OTHER), key))
    coords = [*ROLES, *([OTHER] if counts[OTHER] > 0 else [])]
    members = {r: (r,) for r in coords}
    members.update({g: m for _, g, m in COARSE})
    candidates = [("role", r) for r in coords] + [(t, g) for t, g, _ in COARSE]
    sizes = np.array([counts[c] for c in coords], dtype=float)

    def ok(n):
        return (n == 0) | (n >= smallest)

    vectors = np.array([[1.0 if c in members[g] else 0.0 for c in coords] for _, g in candidates])
    unions = np.array(
        [
            [1.0 if c in u else 0.0 for c in coords]
            for k in range(1, len(coords))
            for u in itertools.combinations(coords, k)
        ]
    )
    union_ok = ok(unions @ sizes)
    eligible = [i for i in range(len(candidates)) if ok(vectors[i] @ sizes)]
    everyone = np.ones(len(coords))
    best, best_score, seen = (), None, set()
    for k in range(len(eligible), -1, -1):
        for chosen in itertools.combinations(eligible, k):
            rows = np.vstack([everyone, vectors[list(chosen)]])
            proj = np.linalg.pinv(rows) @ rows
            closure = tuple(np.flatnonzero(np.abs(vectors @ proj - vectors).max(axis=1) < 1e-9))
            if closure in seen:
                continue
            seen.add(closure)
            inside = np.abs(unions @ proj - unions).max(axis=1) < 1e-9
            if not union_ok[inside].all():
                continue
            published = tuple(candidates[i] for i in closure)
            blocks, complete = _partition(coords, published, members, counts)
            score = (complete, len(blocks), sum(c[0] == "role" for c in published), len(published),
                     tuple(-i for i in closure))  # fmt: skip
            if best_score is None or score > best_score:
                best, best_score = published, score
            if len(chosen) == len(eligible):
                break  # every eligible group together is safe: nothing can do better
        if best_score is not None and k == len(eligible):
            break
    blocks, complete = _partition(coords, best, members, counts)
    withheld = tuple(r for r in coords if ("role", r) not in best and counts[r] > 0)
    return RoleDesign(counts, smallest, best, blocks, complete, withheld, members)


def _partition(coords, published, members, counts) -> tuple[tuple, bool]:
    """The most disjoint published groups (roles before professions before levels), and whether
    they cover every respondent of the four roles."""
    need = {c for c in ROLES if counts[c] > 0}
    best, best_key = (), None
    for k in range(len(published), 0, -1):
        for blocks in itertools.combinations(published, k):
            cover = [m for _, g in blocks for m in members[g]]
            if len(cover) != len(set(cover)):
                continue
            key = (need <= set(cover), len(blocks), tuple(-published.index(b) for b in blocks))
            if best_key is None or key > best_key:
                best, best_key = blocks, key
    complete = bool(best_key and best_key[0]) or not need
    return best, complete
