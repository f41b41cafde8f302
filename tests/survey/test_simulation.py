"""Slow tier (issue 14): simulations with planted effects, 2,000 replications per scenario.

1. Weighted and clustered intervals: a fixed finite population of organisations, respondents
   sampled with role-dependent probabilities (weights = inverse inclusion probabilities) within
   a simple random sample of organisations; the Taylor-linearised 95% interval of the weighted
   proportion (:func:`design.design_proportion`, organisations as PSUs) must cover the population
   proportion in 93-97% of samples. The same with respondents sampled directly (no clusters).
2. Planted role odds ratios: ordinal answers generated from a proportional-odds model with known
   role log odds ratios; :func:`helpers.stats.proportional_odds` must recover them (mean estimate
   within 0.05 on the log scale) with 93-97% coverage of its Wald intervals.
"""

import numpy as np
import pandas as pd
import pytest

from helpers import stats
from helpers.survey.attitudes import design

pytestmark = pytest.mark.slow

REPS = 2000
ROLE_P = {"CE": 0.9, "MD": 0.6, "CD": 0.3, "DM": 0.2}  # inclusion probability within a sampled organisation


def population(seed=1, orgs=400, per_org=40):
    rng = np.random.default_rng(seed)
    org = np.repeat(np.arange(orgs), per_org)
    role = rng.choice(list(ROLE_P), orgs * per_org, p=[0.05, 0.1, 0.4, 0.45])
    u = rng.normal(0, 0.6, orgs)[org]  # organisations differ: intra-cluster correlation
    effect = pd.Series(role).map({"CE": 1.2, "MD": 0.4, "CD": -0.5, "DM": 0.1}).to_numpy()
    y = (rng.random(len(org)) < 1 / (1 + np.exp(-(effect + u)))).astype(float)
    return pd.DataFrame({"org": org, "role": role, "y": y})


def coverage(clustered: bool, seed: int) -> float:
    pop = population()
    truth = pop["y"].mean()
    rng = np.random.default_rng(seed)
    n_orgs, m = pop["org"].nunique(), 30
    p_role = pop["role"].map(ROLE_P).to_numpy()
    hits = 0
    for _ in range(REPS):
        if clustered:
            chosen = rng.choice(n_orgs, m, replace=False)
            in_org = np.isin(pop["org"].to_numpy(), chosen)
            pick = in_org & (rng.random(len(pop)) < p_role)
            w = (n_orgs / m) / p_role[pick]
            est = design.design_proportion(pop["y"].to_numpy()[pick], w, psu=pop["org"].to_numpy()[pick])
        else:
            pick = rng.random(len(pop)) < p_role * 0.06
            est = design.design_proportion(pop["y"].to_numpy()[pick], 1 / (p_role[pick] * 0.06))
        hits += est.ci_low <= truth <= est.ci_high
    return hits / REPS


@pytest.mark.parametrize("clustered", [False, True], ids=["weighted", "weighted and clustered"])
def test_design_based_intervals_cover_93_to_97_percent(clustered):
    share = coverage(clustered, seed=11 + clustered)
    assert 0.93 <= share <= 0.97, share


def test_planted_role_odds_ratios_are_recovered():
    planted = {"CE": 1.0, "MD": 0.5, "DM": -0.4}  # log odds ratios against CD
    cuts = np.array([-1.0, 0.0, 1.2])
    rng = np.random.default_rng(20151)
    estimates = {k: [] for k in planted}
    covered = {k: 0 for k in planted}
    n = 400
    for _ in range(REPS):
        role = rng.choice(["CD", "CE", "MD", "DM"], n, p=[0.35, 0.15, 0.2, 0.3])
        eta = pd.Series(role).map({**planted, "CD": 0.0}).to_numpy()
        latent = eta + rng.logistic(size=n)
        y = np.searchsorted(cuts, latent)
        d = pd.DataFrame(
            {
                "y": pd.Categorical(
                    np.array(["1", "2", "3", "4"])[y], categories=["1", "2", "3", "4"], ordered=True
                ),
                "role": pd.Categorical(role, categories=["CD", "CE", "MD", "DM"]),
            }
        )
        fit = stats.proportional_odds(d, "y", ["role"], diagnostics=False).odds_ratios.set_index("term")
        for k, beta in planted.items():
            r = fit.loc[f"role[{k}]"]
            estimates[k].append(np.log(r["odds_ratio"]))
            covered[k] += r["ci_low"] <= np.exp(beta) <= r["ci_high"]
    for k, beta in planted.items():
        assert abs(np.mean(estimates[k]) - beta) < 0.05, (k, np.mean(estimates[k]))
        assert 0.93 <= covered[k] / REPS <= 0.97, (k, covered[k] / REPS)
