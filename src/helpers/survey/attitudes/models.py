"""Models: proportional-odds regression of each item on role and covariates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import stats
from helpers.survey.attitudes.items import ROLES, Item


def _model_frame(
    clean: pd.DataFrame, covariates: Sequence[str], reference_role: str
) -> tuple[pd.DataFrame, list[str]]:
    d = clean[clean["role"].astype(object).isin(ROLES)].copy()
    present_roles = [r for r in ROLES if (d["role"].astype(object) == r).any()]
    order = [reference_role] + [r for r in present_roles if r != reference_role]
    d["role"] = pd.Categorical(d["role"].astype(object), categories=order)
    present = [c for c in covariates if c in d and d[c].notna().any() and d[c].nunique() > 1]
    return d, present


def model_reference_role(clean: pd.DataFrame, preferred: str = "Clinical director") -> str | None:
    """The models' reference group: ``preferred`` when anyone holds it, otherwise the largest
    role group (ties: the first in the study's order); None with fewer than two role groups
    (no role effect can be estimated)."""
    counts = clean["role"].astype(object).value_counts()
    present = [r for r in ROLES if counts.get(r, 0) > 0]
    if len(present) < 2:
        return None
    return preferred if preferred in present else max(present, key=lambda r: counts[r])


def models_note(clean: pd.DataFrame, items: Mapping[str, Item]) -> str | None:
    """Why the ordinal models are skipped (Markdown), or None when they run."""
    if not items:
        return "**Ordinal models skipped**: the codebook declares no Likert items."
    if model_reference_role(clean) is None:
        return "**Ordinal models skipped**: fewer than two role groups have respondents, so no role effect can be estimated."
    return None


def ordinal_models(
    clean: pd.DataFrame,
    items: Mapping[str, Item],
    covariates: Sequence[str] = (),
    reference_role: str = "Clinical director",
    adjust: str = "holm",
) -> dict[str, pd.DataFrame]:
    """A proportional-odds model per item: role (reference ``reference_role``) plus the
    background covariates present. Returns tables:

    ``odds_ratios`` (item, term, odds_ratio, ci_low, ci_high, p_value, n),
    ``role_effect`` (item, n, lr_chi2, dof, p_value, p_<adjust>: likelihood-ratio test of role
    given the covariates, adjusted across items; converged),
    ``proportional_odds`` (item, term, chi2, dof, p_value: Brant test, omnibus and per term) and
    ``cutpoints`` (item, term, cut, odds_ratio, unstable: the separate binary logits' odds
    ratios; unstable marks separation, where that term's Brant test is not trustworthy).
    """
    from scipy.stats import chi2 as chi2_dist

    d, present = _model_frame(clean, covariates, reference_role)
    ors, effects, brants, cuts = [], [], [], []
    for name, item in items.items():
        sample = d.dropna(subset=[name, "role", *present])
        full = stats.proportional_odds(sample, name, ["role", *present])
        reduced = stats.proportional_odds(sample, name, present) if present else None
        llf_full = _loglik(sample, name, ["role", *present])
        llf_reduced = _loglik(sample, name, present)
        dof = int(full.odds_ratios["term"].str.startswith("role[").sum())
        lr = 2 * (llf_full - llf_reduced)
        ors.append(full.odds_ratios.assign(item=name, n=full.n))
        effects.append(
            {
                "item": name,
                "question": item.question,
                "n": full.n,
                "lr_chi2": lr,
                "dof": dof,
                "p_value": float(chi2_dist.sf(lr, dof)) if dof else np.nan,
                "converged": full.converged and (reduced is None or reduced.converged),
                "collinear_terms_dropped": ", ".join(full.dropped.get("collinear_terms", [])),
                "unstable_cutpoint_terms": ", ".join(
                    full.cutpoint_odds_ratios.loc[
                        full.cutpoint_odds_ratios["unstable"], "term"
                    ].drop_duplicates()
                ),
            }
        )
        brants.append(full.brant.assign(item=name))
        cuts.append(full.cutpoint_odds_ratios.assign(item=name))
    effect = pd.DataFrame(effects)
    effect[f"p_{adjust}"] = stats.adjust_pvalues(effect["p_value"], adjust)
    first = lambda df, cols: df[["item", *cols]]  # noqa: E731
    return {
        "odds_ratios": first(
            pd.concat(ors, ignore_index=True), ["term", "odds_ratio", "ci_low", "ci_high", "p_value", "n"]
        ),
        "role_effect": effect,
        "proportional_odds": first(pd.concat(brants, ignore_index=True), ["term", "chi2", "dof", "p_value"]),
        "cutpoints": first(
            pd.concat(cuts, ignore_index=True),
            ["term", "cut", "odds_ratio", "ci_low", "ci_high", "p_value", "unstable"],
        ),
    }


def _loglik(sample: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> float:
    """Log-likelihood of the proportional-odds model (thresholds only when no predictors)."""
    import warnings

    from statsmodels.miscmodels.ordinal_model import OrderedModel

    y = sample[outcome]
    present = [c for c in y.cat.categories if (y == c).any()]
    endog = pd.Series(
        pd.Categorical(y.astype(str), categories=[str(c) for c in present], ordered=True), index=sample.index
    )
    if not predictors:
        counts = endog.value_counts().to_numpy(float)
        return float((counts * np.log(counts / counts.sum())).sum())
    X = stats.design_matrix(sample, predictors)
    X = X.loc[:, X.std(ddof=0) > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = OrderedModel(endog, X, distr="logit").fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-8)
    return float(res.llf)


def role_odds_ratios_for_chart(odds_ratios: pd.DataFrame, items: Mapping[str, Item]) -> pd.DataFrame:
    """The role terms of :func:`ordinal_models`' odds ratios, for :func:`helpers.plots.forest`:
    row = item, series = role group (against the reference group), items in codebook order."""
    role = odds_ratios[odds_ratios["term"].str.startswith("role[")].copy()
    role["series"] = role["term"].str.slice(5, -1)
    role["row"] = pd.Categorical(role["item"], categories=list(items))
    role = role.sort_values(["row", "series"], kind="stable")
    return pd.DataFrame(
        {
            "row": role["item"].to_numpy(),
            "series": role["series"].to_numpy(),
            "estimate": role["odds_ratio"].to_numpy(),
            "ci_low": role["ci_low"].to_numpy(),
            "ci_high": role["ci_high"].to_numpy(),
        }
    )


def beside_proportional_odds(
    odds_ratios: pd.DataFrame,
    cutpoints: pd.DataFrame,
    brant_omnibus: pd.DataFrame,
    alpha: float = 0.05,
    p_col: str = "p_adjusted",
) -> pd.DataFrame:
    """For the items failing the Brant test (omnibus ``p_col`` < ``alpha``), the role odds
    ratios of the proportional-odds model beside the cut-point-specific binary logits' (Wald 95%
    CIs): item, term, model ('proportional odds' or 'binary logit > level'), odds_ratio,
    ci_low, ci_high, unstable. Where the cut-point odds ratios differ, the single PO odds ratio
    averages over them; read the cut-points."""
    failing = brant_omnibus.loc[pd.to_numeric(brant_omnibus[p_col], errors="coerce") < alpha, "item"]
    rows = []
    for item in failing:
        po = odds_ratios[(odds_ratios["item"] == item) & odds_ratios["term"].str.startswith("role[")]
        for _, r in po.iterrows():
            rows.append(
                {
                    "item": item,
                    "term": r["term"],
                    "model": "proportional odds",
                    "odds_ratio": r["odds_ratio"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                    "unstable": False,
                }
            )
            cuts = cutpoints[(cutpoints["item"] == item) & (cutpoints["term"] == r["term"])]
            for _, c in cuts.iterrows():
                rows.append(
                    {
                        "item": item,
                        "term": r["term"],
                        "model": f"binary logit {c['cut']}",
                        "odds_ratio": c["odds_ratio"],
                        "ci_low": c["ci_low"],
                        "ci_high": c["ci_high"],
                        "unstable": bool(c["unstable"]),
                    }
                )
    return pd.DataFrame(
        rows, columns=["item", "term", "model", "odds_ratio", "ci_low", "ci_high", "unstable"]
    )
