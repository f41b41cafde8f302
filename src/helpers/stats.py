"""Statistics shared by the strands: proportions with intervals, agreement.

Thin, documented wrappers over statsmodels/scipy so every strand computes a statistic the
same way; the tests check each against a hand computation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.inter_rater import cohens_kappa as _sm_cohens_kappa
from statsmodels.stats.proportion import proportion_confint


def wilson_ci(successes, total, alpha: float = 0.05):
    """Wilson score interval for a proportion, as fractions 0-1 (NaN where total is 0)."""
    successes = np.asarray(successes, dtype=float)
    total = np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(successes, np.where(total > 0, total, np.nan), alpha=alpha, method="wilson")
    return low, high


@dataclass(frozen=True)
class Agreement:
    n: int
    percent_agreement: float
    kappa: float
    ci_low: float
    ci_high: float


def cohens_kappa(rater_a, rater_b, alpha: float = 0.05) -> Agreement:
    """Cohen's kappa between two raters' labels, with an asymptotic (1 - alpha) CI.

    Pairs where either label is missing are left out. Categories are the union of both
    raters' labels, so a category only one rater used still counts against agreement.
    """
    pairs = pd.DataFrame({"a": list(rater_a), "b": list(rater_b)}).dropna()
    if pairs.empty:
        raise ValueError("no pairs with both ratings: kappa is undefined")
    categories = sorted(set(pairs["a"]) | set(pairs["b"]), key=str)
    table = pd.crosstab(pd.Categorical(pairs["a"], categories), pd.Categorical(pairs["b"], categories), dropna=False)
    table = table.reindex(index=categories, columns=categories, fill_value=0).to_numpy()
    agreement = float(np.trace(table) / table.sum())
    if len(categories) == 1:  # both raters gave one label throughout: kappa is undefined
        return Agreement(len(pairs), 100 * agreement, float("nan"), float("nan"), float("nan"))
    result = _sm_cohens_kappa(table)
    half = norm.ppf(1 - alpha / 2) * float(result.std_kappa)
    kappa = float(result.kappa)
    return Agreement(len(pairs), 100 * agreement, kappa, kappa - half, kappa + half)
