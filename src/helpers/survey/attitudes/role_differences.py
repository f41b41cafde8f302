"""Do the role groups differ? Tests of association between role and each item.

Role groups are nominal (chief executives, medical directors, clinical directors and directorate
managers have no order), so the tests do not score them: Pearson's chi-square (as in 2002), with
a fixed-margins Monte Carlo p where any expected count is below 5, and the Kruskal-Wallis test of
the ordered answers across the groups. The ordinal model's likelihood-ratio test of role is in
:mod:`.models`. (The linear-by-linear trend test scored the groups in table order; over the 24
possible orders its p for one item ran from 2e-5 to 0.92, so it is not reported: issue 14.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import stats
from helpers.survey.attitudes.items import ROLES, Item, item_codes


def role_tests(
    clean: pd.DataFrame,
    items: Mapping[str, Item],
    roles: Sequence[str] = ROLES,
    adjust: str = "holm",
    replicates: int = 9999,
) -> pd.DataFrame:
    """Per item, across the role groups: Pearson chi-square, its asymptotic and (where any
    expected count is below 5) Monte Carlo p, ``p_chi2`` (the one reported: Monte Carlo where
    expected counts are small), Cramér's V with the df* its size depends on and its size in words
    (Cohen's thresholds scaled to df*), the smallest expected count, and the Kruskal-Wallis H and
    p of the answer codes. ``p_chi2`` and ``kw_p`` are adjusted across items (``adjust``: holm or
    fdr_bh) as ``p_<adjust>`` and ``kw_p_<adjust>``. ``replicates``: of the Monte Carlo p (the
    release uses the default; the fast tier's 200 generated instruments, which check the tables'
    shape and disclosure, not the p-values, draw fewer)."""
    role = pd.Categorical(clean["role"].astype(object), categories=list(roles)).codes
    rows = []
    for name, item in items.items():
        k = len(item.levels)
        codes = item_codes(clean[name], item.levels, name)
        both = (role >= 0) & (codes >= 0)  # role x level table by bincount (a fast crosstab)
        table = np.bincount(role[both] * k + codes[both], minlength=len(roles) * k).reshape(len(roles), k)
        res = stats.association(table, replicates)
        h, kw_p, _ = stats.kruskal_wallis(codes[both], role[both])
        rows.append(
            {
                "item": name,
                "question": item.question,
                "n": res.n,
                "chi2": res.chi2,
                "dof": res.dof,
                "p_value": res.p_value,
                "p_monte_carlo": res.p_monte_carlo,
                "p_chi2": res.p_reported,
                "min_expected": res.min_expected,
                "cramers_v": res.cramers_v,
                "v_df": res.v_df,
                "v_magnitude": res.v_magnitude,
                "kw_h": h,
                "kw_p": kw_p,
            }
        )
    columns = ["item", "question", "n", "chi2", "dof", "p_value", "p_monte_carlo", "p_chi2", "min_expected",
               "cramers_v", "v_df", "v_magnitude", "kw_h", "kw_p"]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)  # no item (all withheld): the columns, no row
    if not len(out):
        return out.assign(**{f"p_{adjust}": pd.Series(dtype=float), f"kw_p_{adjust}": pd.Series(dtype=float)})
    out[f"p_{adjust}"] = stats.adjust_pvalues(out["p_chi2"], adjust)
    out[f"kw_p_{adjust}"] = stats.adjust_pvalues(out["kw_p"], adjust)
    return out


def design_role_tests(
    clean: pd.DataFrame,
    items: Mapping[str, Item],
    weights: pd.Series,
    psu: str | None = None,
    roles: Sequence[str] = ROLES,
    adjust: str = "holm",
    agree_only: bool = False,
) -> pd.DataFrame:
    """The role test of the weighted (and clustered) analysis: per item, the Rao-Scott adjusted
    Pearson chi-square of role group x answer level (:func:`.design.rao_scott`) over the
    respondents that have a weight (``weights``: indexed by rows of ``clean``, e.g. the raking
    weights of :func:`.design.weighted_estimates`), with ``psu`` (the column of ``clean`` holding
    the organisation identifier; None: each respondent its own PSU) as primary sampling unit.
    Columns: item, n, chi2 (Pearson's X^2 of the weighted table scaled to n), dof, delta_mean
    (mean generalised design effect), chi2_first and p_first (first-order correction), F, ndf,
    ddf and p_value (second order, F reference: R's ``svychisq`` default, the p reported) and
    ``p_<adjust>`` (``p_value`` adjusted across items). Respondents outside ``roles`` are outside the
    domain (their PSUs still count). ``agree_only``: the test of role x (a positive level / another
    level) instead of role x answer level (the coarser table whose counts are all published where
    the full one has suppressed cells: :func:`.descriptives.protect_design_role_tests`)."""
    from helpers.survey.attitudes.design import rao_scott

    weights = pd.Series(weights).dropna()
    d = clean.loc[weights.index]
    role = d["role"].astype(object)
    role = role.where(role.isin(list(roles)))
    cluster = d[psu] if psu is not None and psu in d.columns else None
    w = weights.to_numpy(dtype=float)
    rows = []
    for name in items:
        answer = d[name].astype(object)
        if agree_only:
            answer = answer.where(
                answer.isna(), answer.isin(items[name].positive).map({True: "agree", False: "not"})
            )
        rs = rao_scott(role, answer, w, psu=cluster)
        rows.append(
            {
                "item": name,
                "n": rs.n,
                "chi2": rs.chi2,
                "dof": rs.dof,
                "delta_mean": rs.delta_mean,
                "first_order_chi2": rs.chi2_first,
                "p_first_order": rs.p_first,
                "F": rs.F,
                "ndf": rs.ndf,
                "ddf": rs.ddf,
                "p_value": rs.p_f,
            }
        )
    columns = ["item", "n", "chi2", "dof", "delta_mean", "first_order_chi2", "p_first_order", "F", "ndf", "ddf",
               "p_value"]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)  # no item (all withheld): the columns, no row
    out[f"p_{adjust}"] = stats.adjust_pvalues(out["p_value"], adjust) if len(out) else pd.Series(dtype=float)
    return out
