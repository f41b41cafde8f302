"""Do the role groups differ? Tests of association between role and each item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import stats
from helpers.survey.attitudes.items import ROLES, Item, item_codes


def role_tests(
    clean: pd.DataFrame, items: Mapping[str, Item], roles: Sequence[str] = ROLES, adjust: str = "holm"
) -> pd.DataFrame:
    """Per item, across the role groups: Pearson chi-square (as in 2002), the ordinal
    (linear-by-linear) association test, Cramér's V, the smallest expected count; p-values
    adjusted across items (``adjust``: holm or fdr_bh) for both tests."""
    role = pd.Categorical(clean["role"].astype(object), categories=list(roles)).codes
    rows = []
    for name, item in items.items():
        k = len(item.levels)
        codes = item_codes(clean[name], item.levels, name)
        both = (role >= 0) & (codes >= 0)  # role x level table by bincount (a fast crosstab)
        table = np.bincount(role[both] * k + codes[both], minlength=len(roles) * k).reshape(len(roles), k)
        res = stats.association(table)
        rows.append(
            {
                "item": name,
                "question": item.question,
                "n": res.n,
                "chi2": res.chi2,
                "dof": res.dof,
                "p_value": res.p_value,
                "cramers_v": res.cramers_v,
                "min_expected": res.min_expected,
                "ordinal_z": res.ordinal_z,
                "ordinal_p": res.ordinal_p,
            }
        )
    out = pd.DataFrame(rows)
    out[f"p_{adjust}"] = stats.adjust_pvalues(out["p_value"], adjust)
    out[f"ordinal_p_{adjust}"] = stats.adjust_pvalues(out["ordinal_p"], adjust)
    return out
