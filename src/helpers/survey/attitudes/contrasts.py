"""Which role groups differ? Pairwise contrasts of the percentage agreeing.

For every item and every pair of role groups: the difference in % agreeing (or positive) with
Newcombe's hybrid score interval (:func:`helpers.stats.newcombe_diff_ci`) and the two-proportion
test, from the *protected* by-role table, so nothing suppressed there reappears here. Within an
item the six intervals are simultaneous (Bonferroni: each at 1 - alpha / pairs) and the p-values
are Holm-adjusted; the analysis plan (:mod:`.multiplicity`) may adjust across items as well.
The table holds percentages and differences only (the counts behind them are in the by-role
table), so it adds nothing a reader could not already see there.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from helpers import stats
from helpers.survey.attitudes.items import ROLES

CONTRAST_COLUMNS = [
    "item",
    "group_1",
    "group_2",
    "pct_1",
    "pct_2",
    "diff_pp",
    "ci_low",
    "ci_high",
    "ci_level",
    "p_value",
    "p_holm_within_item",
]


def _count(value) -> float:
    return np.nan if value is None or isinstance(value, str) or pd.isna(value) else float(value)


def pairwise_contrasts(
    protected: pd.DataFrame, roles: Sequence[str] = ROLES, alpha: float = 0.05
) -> pd.DataFrame:
    """Pairwise role contrasts per item (columns :data:`CONTRAST_COLUMNS`): group_1 minus
    group_2 in percentage points, the Bonferroni-adjusted Newcombe interval (``ci_level`` says
    its level), the two-proportion z test and its Holm adjustment over the item's pairs. Pairs
    where either group's count is suppressed get no estimate."""
    rows = []
    role_rows = protected[protected["group_type"] == "role"]
    pairs = list(combinations(list(roles), 2))
    level = 1 - alpha / len(pairs) if pairs else 1 - alpha
    for item, block in role_rows.groupby("item", sort=False):
        by_group = block.set_index("group")
        item_rows = []
        for g1, g2 in pairs:
            row = {"item": item, "group_1": g1, "group_2": g2, "ci_level": 100 * level}
            x1, n1, x2, n2 = (
                _count(by_group[c].get(g)) if g in by_group.index else np.nan
                for g, c in ((g1, "n_agree"), (g1, "n_valid"), (g2, "n_agree"), (g2, "n_valid"))
            )
            if any(np.isnan(v) for v in (x1, n1, x2, n2)) or min(n1, n2) <= 0:
                row.update(
                    pct_1=np.nan, pct_2=np.nan, diff_pp=np.nan, ci_low=np.nan, ci_high=np.nan, p_value=np.nan
                )
            else:
                d, low, high = stats.newcombe_diff_ci(x1, n1, x2, n2, alpha=1 - level)
                _, p = stats.two_proportion_test(x1, n1, x2, n2)
                row.update(
                    pct_1=100 * x1 / n1,
                    pct_2=100 * x2 / n2,
                    diff_pp=100 * d,
                    ci_low=100 * low,
                    ci_high=100 * high,
                    p_value=p,
                )
            item_rows.append(row)
        adjusted = stats.adjust_pvalues([r["p_value"] for r in item_rows], "holm")
        for r, p in zip(item_rows, adjusted):
            r["p_holm_within_item"] = p
        rows.extend(item_rows)
    return pd.DataFrame(rows, columns=CONTRAST_COLUMNS)


def empty_note(table: pd.DataFrame, alpha: float = 0.05, column: str = "p_adjusted") -> str:
    """Why no contrast of ``table`` (:func:`pairwise_contrasts`, adjusted) is significant at
    ``alpha`` by ``column``, as a sentence for the report, whichever of the reasons is the real
    one: no item with role rows; no pair with both groups' counts published; or contrasts
    estimated but none significant. "" when one is significant."""
    csv = "reports/tables/attitudes_pairwise_contrasts.csv"
    if not len(table):
        return (
            "No pairwise contrast: no item has a published row for a role group (every item is "
            "published for all respondents only, or none is analysed)."
        )
    p = pd.to_numeric(table[column] if column in table else table["p_value"], errors="coerce")
    estimated = pd.to_numeric(table["diff_pp"], errors="coerce").notna()
    if (p < alpha).any():
        return ""
    pairs, items = len(table), table["item"].nunique()
    if not estimated.any():
        return (
            f"No pair of role groups could be compared: in each of the {pairs} pairs ({items} "
            f"item{'s' if items != 1 else ''}) at least one group's number agreeing or answering is "
            f"suppressed, or the group is not published on its own ({csv} lists them)."
        )
    missing = int((~estimated).sum())
    compared = int(estimated.sum())
    text = f"No contrast is significant after adjustment ({column.replace('_', ' ')} < {alpha:g}) " + (
        "in the one pair compared" if compared == 1 else f"among the {compared} pairs compared"
    )
    if missing:
        text += (
            f"; {missing} other pair{'s' if missing != 1 else ''} could not be compared (a group's "
            "counts suppressed, or the group not published on its own)"
        )
    return text + f". Every pair is in {csv}."
