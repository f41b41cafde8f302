"""What would bring the attitude tables within the 1.5-million-respondent target (issue 8).

At 1.5 million respondents ``helpers.survey.attitudes.by_role`` and ``role_tests`` take most of
the scale benchmark's time: ``by_role`` rebuilds the group masks for every item and converts
each group's answers to text before counting them; ``role_tests`` converts role and item to
object arrays and cross-tabulates them with ``pd.crosstab``. The same numbers come from the
Categoricals' integer codes with ``np.bincount``. This module is that computation, for the
attitude strand to adopt; :func:`check` shows that the tables are identical and times both.

    python bench/attitudes_from_codes.py <data folder>
"""

from __future__ import annotations

import sys
import time
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import stats
from helpers.survey import attitudes
from helpers.survey.attitudes import MAX_LEVELS, ROLES, Item, _add_percentages, _groups, level_columns


def _codes(values: pd.Series, levels: Sequence[str], name: str) -> np.ndarray:
    """Integer codes of the item's levels (-1 = no substantive answer); refuses other values."""
    if isinstance(values.dtype, pd.CategoricalDtype) and list(values.cat.categories) == list(levels):
        return np.asarray(values.cat.codes)
    cat = pd.Categorical(values, categories=list(levels))
    if (np.asarray(cat.codes) < 0)[values.notna().to_numpy()].any():
        raise ValueError(f"item {name!r}: values not among its substantive levels")
    return np.asarray(cat.codes)


def by_role(clean: pd.DataFrame, items: Mapping[str, Item], alpha: float = 0.05) -> pd.DataFrame:
    """The table of :func:`helpers.survey.attitudes.by_role`, counted from category codes."""
    groups = [(gtype, group, mask.to_numpy()) for gtype, group, mask in _groups(clean)]  # once
    rows = []
    for name, item in items.items():
        codes = _codes(clean[name], item.levels, name)
        nonsub_col = f"{name}_nonsub"
        nonsub = clean[nonsub_col].notna().to_numpy() if nonsub_col in clean else np.zeros(len(clean), bool)
        k = len(item.levels)
        positive = [item.levels.index(level) for level in item.positive]
        for gtype, group, mask in groups:
            answered = codes[mask]
            counts = np.bincount(answered[answered >= 0], minlength=k)
            row = {"item": name, "question": item.question, "group_type": gtype, "group": group,
                   "levels": "|".join(item.levels), "n_respondents": int(mask.sum()),
                   "n_nonsub": int(nonsub[mask].sum()), "n_valid": int(counts.sum())}
            for i in range(MAX_LEVELS):
                row[f"n_{i + 1}"] = int(counts[i]) if i < k else np.nan
            row["n_agree"] = int(counts[positive].sum())
            rows.append(row)
    table = _add_percentages(pd.DataFrame(rows), alpha)
    used = [c for c in level_columns(MAX_LEVELS) if table[c].notna().any()]
    return table.drop(columns=[c for c in level_columns(MAX_LEVELS) if c not in used])


def role_tests(clean: pd.DataFrame, items: Mapping[str, Item], roles: Sequence[str] = ROLES,
               adjust: str = "holm") -> pd.DataFrame:
    """The table of :func:`helpers.survey.attitudes.role_tests`, cross-tabulated with bincount."""
    role = pd.Categorical(clean["role"].astype(object), categories=list(roles)).codes  # once
    rows = []
    for name, item in items.items():
        k = len(item.levels)
        codes = _codes(clean[name], item.levels, name)
        both = (role >= 0) & (codes >= 0)
        table = np.bincount(role[both] * k + codes[both], minlength=len(roles) * k).reshape(len(roles), k)
        res = stats.association(table)
        rows.append({"item": name, "question": item.question, "n": res.n, "chi2": res.chi2, "dof": res.dof,
                     "p_value": res.p_value, "cramers_v": res.cramers_v, "min_expected": res.min_expected,
                     "ordinal_z": res.ordinal_z, "ordinal_p": res.ordinal_p})
    out = pd.DataFrame(rows)
    out[f"p_{adjust}"] = stats.adjust_pvalues(out["p_value"], adjust)
    out[f"ordinal_p_{adjust}"] = stats.adjust_pvalues(out["ordinal_p"], adjust)
    return out


def check(clean: pd.DataFrame, items: Mapping[str, Item]) -> dict[str, float]:
    """Both ways, timed; raises if the tables differ in any cell."""
    seconds = {}
    for label, module in (("module", attitudes), ("codes", sys.modules[__name__])):
        start = time.perf_counter()
        tables = (module.by_role(clean, items), module.role_tests(clean, items))
        seconds[label] = time.perf_counter() - start
        if label == "module":
            expected = tables
    pd.testing.assert_frame_equal(tables[0], expected[0], check_exact=True)
    pd.testing.assert_frame_equal(tables[1], expected[1], check_exact=True)
    return seconds


if __name__ == "__main__":
    from helpers import config, paths
    from helpers.survey import cleaning, inputs

    folder = sys.argv[1]
    export, codebook = inputs.load(folder)
    settings = config.load_params(paths.project_root() / "params.yaml", folder)["survey"]
    clean = cleaning.clean_survey(export.data, codebook, settings, export.source).clean
    timing = check(clean, attitudes.items_from_codebook(codebook))
    print(f"{len(clean)} respondents: attitudes module {timing['module']:.2f} s, from codes {timing['codes']:.2f} s; "
          "identical tables")
