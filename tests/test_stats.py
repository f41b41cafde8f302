import math
import warnings

import pytest

from helpers import stats


def test_wilson_ci_matches_hand_formula():
    # Chief executives rating relations positive in 2002: 78 of 103.
    n, x, z = 103, 78, 1.959963984540054
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = stats.wilson_ci(x, n)
    assert low == pytest.approx(centre - half, abs=1e-12)
    assert high == pytest.approx(centre + half, abs=1e-12)


def test_wilson_ci_zero_total_is_nan():
    low, high = stats.wilson_ci([0], [0])
    assert math.isnan(low[0]) and math.isnan(high[0])


def test_cohens_kappa_by_hand():
    # 2x2 table [[20, 5], [10, 15]]: po = 35/50 = 0.7, pe = (25*30 + 25*20)/2500 = 0.5, kappa = 0.4
    a = ["in"] * 25 + ["out"] * 25
    b = ["in"] * 20 + ["out"] * 5 + ["in"] * 10 + ["out"] * 15
    result = stats.cohens_kappa(a, b)
    assert result.n == 50
    assert result.percent_agreement == pytest.approx(70.0)
    assert result.kappa == pytest.approx(0.4)
    assert result.ci_low < 0.4 < result.ci_high


def test_cohens_kappa_counts_categories_used_by_one_rater_only():
    result = stats.cohens_kappa(["x", "x", "y"], ["x", "z", "y"])
    # po = 2/3; pe = (2/3*1/3) + (1/3*1/3) + 0 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5
    assert result.kappa == pytest.approx(0.5)


def test_cohens_kappa_drops_missing_pairs_and_rejects_empty():
    assert stats.cohens_kappa(["x", None, "y"], ["x", "y", "y"]).n == 2
    with pytest.raises(ValueError, match="no pairs"):
        stats.cohens_kappa([None], ["x"])


# --- Attitude-analysis statistics -------------------------------------------------------------

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels.api as sm  # noqa: E402
from scipy import stats as sps  # noqa: E402
from statsmodels.stats.proportion import proportions_ztest  # noqa: E402


@pytest.mark.parametrize(
    "counts, expected",
    [
        # Newcombe RG. Stat Med 1998;17:873-90, Table II, method 10 (score interval, no CC).
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0000)),
    ],
)
def test_newcombe_matches_published_table(counts, expected):
    d, low, high = stats.newcombe_diff_ci(*counts)
    assert d == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])
    assert (round(low, 4), round(high, 4)) == expected


def test_newcombe_by_hand_from_wilson_limits():
    # 56/70 vs 48/80 by hand: Wilson limits from the closed formula, then method 10.
    z = 1.959963984540054

    def wilson(x, n):
        p = x / n
        c = (p + z * z / (2 * n)) / (1 + z * z / n)
        h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return c - h, c + h

    (l1, u1), (l2, u2) = wilson(56, 70), wilson(48, 80)
    low = 0.2 - math.sqrt((0.8 - l1) ** 2 + (u2 - 0.6) ** 2)
    high = 0.2 + math.sqrt((u1 - 0.8) ** 2 + (0.6 - l2) ** 2)
    _, got_low, got_high = stats.newcombe_diff_ci(56, 70, 48, 80)
    assert (got_low, got_high) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))
    with pytest.raises(ValueError, match="at least one respondent"):
        stats.newcombe_diff_ci(0, 0, 1, 2)


def test_two_proportion_test_matches_chi_square_and_statsmodels():
    z, p = stats.two_proportion_test(78, 103, 164, 443)
    chi2, p_chi, _, _ = sps.chi2_contingency([[78, 25], [164, 279]], correction=False)
    sm_z, sm_p = proportions_ztest([78, 164], [103, 443])
    assert z * z == pytest.approx(chi2, rel=1e-10)
    assert p == pytest.approx(p_chi, rel=1e-8) and z == pytest.approx(sm_z) and p == pytest.approx(sm_p)


def test_published_2002_ce_vs_cd_difference_is_significant():
    # Davies, Hodges, Rundall BMJ 2003: CE 78/103 vs CD 164/443 rated relations positive.
    result = stats.compare_proportions(78, 103, 164, 443)
    assert result.diff == pytest.approx(78 / 103 - 164 / 443)
    assert 0 < result.ci_low < result.diff < result.ci_high
    assert result.ci_low > 0.25 and result.p_value < 1e-10


def test_association_against_hand_computation():
    t = np.array([[10, 20, 30], [20, 20, 10], [5, 10, 25], [0, 0, 0]])  # empty group dropped
    res = stats.association(t)
    o = t[:3].astype(float)
    e = o.sum(1, keepdims=True) * o.sum(0, keepdims=True) / o.sum()
    chi2 = ((o - e) ** 2 / e).sum()
    assert res.n == 150 and res.dof == 4
    assert res.chi2 == pytest.approx(chi2) and res.p_value == pytest.approx(sps.chi2.sf(chi2, 4))
    assert res.cramers_v == pytest.approx(math.sqrt(chi2 / (150 * 2)))
    assert stats.cramers_v(t) == pytest.approx(res.cramers_v)
    assert res.min_expected == pytest.approx(e.min())
    # Role groups are nominal (issue 14): no trend test that scores them in table order.
    assert not hasattr(res, "ordinal_z") and not hasattr(res, "ordinal_p")
    assert math.isnan(res.p_monte_carlo) and res.p_reported == res.p_value  # expected counts >= 5
    assert res.v_df == 2 and res.v_magnitude == "medium"  # V = 0.264: df* = 2 thresholds 0.071/0.212/0.354
    assert math.isnan(stats.association([[1, 2]]).chi2)


def test_adjust_pvalues_by_hand():
    p = [0.01, 0.04, 0.03, float("nan")]
    holm = stats.adjust_pvalues(p, "holm")
    bh = stats.adjust_pvalues(p, "fdr_bh")
    assert holm[:3].tolist() == pytest.approx([0.03, 0.06, 0.06]) and math.isnan(holm[3])
    assert bh[:3].tolist() == pytest.approx([0.03, 0.04, 0.04]) and math.isnan(bh[3])


def test_holm_is_statsmodels_holm_exactly(monkeypatch):
    """adjust_pvalues computes Holm itself (statsmodels' Holm runs gc.collect() on every call):
    the same numbers as statsmodels.stats.multitest.multipletests, bit for bit, ties included."""
    from statsmodels.stats.multitest import multipletests

    # statsmodels' collections cost seconds in a test session's large heap, not in its answer
    monkeypatch.setattr("gc.collect", lambda *args, **kwargs: 0)

    rng = np.random.default_rng(11)
    for n in (1, 2, 5, 40):
        for p in (rng.random(n), rng.random(n) ** 6, np.round(rng.random(n), 1), np.full(n, 0.5)):
            assert stats.adjust_pvalues(p, "holm").tobytes() == multipletests(p, method="holm")[1].tobytes()


def _ordinal_sample(rng, n, effects, cuts=(-1.0, 0.0, 1.2)):
    roles = rng.choice(list(effects), size=n)
    eta = np.array([effects[r] for r in roles]) + rng.logistic(size=n)
    levels = ["1", "2", "3", "4"]
    y = np.searchsorted(np.array(cuts), eta)
    return pd.DataFrame(
        {
            "y": pd.Categorical(np.array(levels)[y], categories=levels, ordered=True),
            "role": pd.Categorical(roles, categories=list(effects)),
        }
    )


def test_proportional_odds_with_two_levels_equals_logistic_regression():
    rng = np.random.default_rng(3)
    d = _ordinal_sample(rng, 400, {"A": 0.0, "B": 0.8, "C": -0.5}, cuts=(0.2,))
    fit = stats.proportional_odds(d, "y", ["role"])
    X = sm.add_constant(pd.get_dummies(d["role"], drop_first=True, dtype=float))
    logit = sm.Logit((d["y"] == "2").astype(float), X).fit(disp=False)
    assert fit.levels == ["1", "2"] and fit.dropped["levels_without_respondents"] == ["3", "4"]
    assert fit.odds_ratios["term"].tolist() == ["role[B]", "role[C]"]
    assert np.log(fit.odds_ratios["odds_ratio"]).tolist() == pytest.approx(
        logit.params[["B", "C"]].tolist(), abs=1e-4
    )
    assert fit.odds_ratios["p_value"].tolist() == pytest.approx(logit.pvalues[["B", "C"]].tolist(), rel=1e-3)


def test_ordered_logit_fits_exactly_as_statsmodels_plain_ordered_model():
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    rng = np.random.default_rng(11)
    d = _ordinal_sample(rng, 300, {"A": 0.0, "B": 0.9, "C": -0.4})
    X = pd.get_dummies(d["role"], drop_first=True, dtype=float)
    kwargs = dict(method="bfgs", disp=False, maxiter=5000, gtol=1e-8)
    ours = stats.ordered_logit(d["y"], X).fit(**kwargs)
    plain = OrderedModel(d["y"], X, distr="logit").fit(**kwargs)
    # Bit for bit: the same cdf values, so the same optimiser path and the same estimates.
    np.testing.assert_array_equal(ours.params.to_numpy(), plain.params.to_numpy())
    np.testing.assert_array_equal(ours.bse.to_numpy(), plain.bse.to_numpy())
    assert ours.llf == plain.llf
    x = np.array([-np.inf, -40.0, -1.5, 0.0, 2.0, 40.0, np.inf])
    model = stats.ordered_logit(d["y"], X)
    np.testing.assert_array_equal(model.cdf(x), sps.logistic.cdf(x))
    np.testing.assert_array_equal(model.pdf(x), sps.logistic.pdf(x))
    # The fit's log-likelihood is reported for likelihood-ratio tests.
    assert stats.proportional_odds(d, "y", ["role"]).llf == plain.llf


def test_proportional_odds_recovers_a_planted_role_effect():
    rng = np.random.default_rng(20151)
    effects = {"Medical director": 0.0, "Chief executive": 1.0, "Clinical director": -0.7}
    d = _ordinal_sample(rng, 3000, effects)
    fit = stats.proportional_odds(d, "y", ["role"])
    got = fit.odds_ratios.set_index("term")
    for role, beta in effects.items():
        if beta:
            row = got.loc[f"role[{role}]"]
            assert row["ci_low"] < math.exp(beta) < row["ci_high"]
            assert abs(math.log(row["odds_ratio"]) - beta) < 0.2
    # Proportional odds hold by construction: cut-point odds ratios agree, Brant does not reject.
    assert fit.brant.iloc[0]["term"] == "omnibus" and fit.brant.iloc[0]["dof"] == 4
    assert fit.brant.iloc[0]["p_value"] > 0.01
    assert fit.converged and fit.n == 3000


def test_brant_rejects_non_proportional_odds_and_is_calibrated_under_the_null():
    rng = np.random.default_rng(7)
    n = 3000
    g = rng.integers(0, 2, n)
    # Group 1 is more spread out, not shifted: effect positive at the top, negative at the bottom.
    eta = rng.logistic(size=n) * np.where(g == 1, 2.5, 1.0)
    y = np.searchsorted(np.array([-1.5, 0.0, 1.5]), eta)
    X = pd.DataFrame({"g": g.astype(float)})
    assert stats.brant_test(y, X, 4).iloc[0]["p_value"] < 1e-6
    rejections = 0
    for _ in range(200):
        g = rng.integers(0, 2, 300)
        y = np.searchsorted(np.array([-1.0, 0.5]), 0.5 * g + rng.logistic(size=300))
        rejections += stats.brant_test(y, pd.DataFrame({"g": g.astype(float)}), 3).iloc[0]["p_value"] < 0.05
    assert 0.02 <= rejections / 200 <= 0.09


def test_wilson_intervals_cover_at_about_the_nominal_rate():
    # 4000 samples of n = 60 at p = 0.37: Monte Carlo SE of the coverage about 0.0035.
    rng = np.random.default_rng(20151)
    x = rng.binomial(60, 0.37, size=4000)
    low, high = stats.wilson_ci(x, np.full(4000, 60))
    coverage = np.mean((low <= 0.37) & (0.37 <= high))
    assert abs(coverage - 0.95) < 0.015
    low80, high80 = stats.wilson_ci(x, np.full(4000, 60), alpha=0.2)
    assert abs(np.mean((low80 <= 0.37) & (0.37 <= high80)) - 0.95) > 0.1  # the check can fail


def test_cronbach_alpha_equals_hoyt_anova_and_feldt_interval_by_hand():
    items = pd.DataFrame(
        {
            "a": [1, 2, 3, 4, 5, 2, 4],
            "b": [2, 2, 3, 5, 4, 1, 4],
            "c": [1, 3, 4, 4, 5, 2, 3],
            "d": [2, 1, 3, 4, 4, 2, 5],
        }
    )
    a, low, high, n = stats.cronbach_alpha(items)
    x = items.to_numpy(float)
    n_, k = x.shape
    grand = x.mean()
    ss_person = k * ((x.mean(1) - grand) ** 2).sum()
    ss_item = n_ * ((x.mean(0) - grand) ** 2).sum()
    ss_resid = ((x - grand) ** 2).sum() - ss_person - ss_item
    hoyt = 1 - (ss_resid / ((n_ - 1) * (k - 1))) / (ss_person / (n_ - 1))
    assert n == 7 and a == pytest.approx(hoyt)
    assert low == pytest.approx(1 - (1 - hoyt) * sps.f.isf(0.025, 6, 18))
    assert high == pytest.approx(1 - (1 - hoyt) * sps.f.isf(0.975, 6, 18))
    rel = stats.reliability(items)
    assert rel.alpha_if_deleted["a"] == pytest.approx(stats.cronbach_alpha(items[["b", "c", "d"]])[0])
    assert rel.k == 4 and rel.n == 7
    with_missing = items.astype(float)
    with_missing.iloc[0, 0] = np.nan
    assert stats.cronbach_alpha(with_missing)[3] == 6


def test_omega_recovers_known_one_factor_loadings():
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    rng = np.random.default_rng(5)
    z = rng.standard_normal((500, 4))
    z = (z - z.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(z.T)).T)  # sample covariance = I
    x = pd.DataFrame(z @ np.linalg.cholesky(corr).T, columns=list("abcd"))  # sample correlation = corr
    expected = loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings**2).sum())
    assert stats.omega_total(x) == pytest.approx(expected, abs=1e-4)
    assert math.isnan(stats.omega_total(x[["a", "b"]]))


def test_compare_groups_against_hand_computation():
    scores = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.5, 8.0, 9.5, 7.0])
    groups = pd.Series(list("aaabbbccc"))
    res = stats.compare_groups(scores, groups)
    eta2 = res["eta_squared"]
    assert res["F"] == pytest.approx((eta2 / 2) / ((1 - eta2) / 6))
    ranks = scores.rank()
    h = 12 / (9 * 10) * sum(ranks[groups == g].sum() ** 2 / 3 for g in "abc") - 3 * 10
    assert res["H"] == pytest.approx(h) and res["epsilon_squared"] == pytest.approx(h / 8)


def test_rake_matches_post_stratification_and_two_margins():
    d = pd.DataFrame({"role": list("AAAB"), "nation": list("XYXY")})
    w = stats.rake(d, {"role": pd.Series({"A": 50, "B": 50})})
    # Post-stratification by hand: A weight 0.5/(3/4), B weight 0.5/(1/4), mean 1.
    assert w.tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2.0])
    w2 = stats.rake(d, {"role": {"A": 0.6, "B": 0.4}, "nation": {"X": 0.3, "Y": 0.7}})
    assert (w2.groupby(d["role"]).sum() / 4).tolist() == pytest.approx([0.6, 0.4])
    assert (w2.groupby(d["nation"]).sum() / 4).tolist() == pytest.approx([0.3, 0.7])
    with pytest.raises(ValueError, match="'role' has sample categories without a population margin: B"):
        stats.rake(d, {"role": {"A": 1.0}})
    with pytest.raises(ValueError, match="margin categories with no respondents: C"):
        stats.rake(d, {"role": {"A": 1, "B": 1, "C": 1}})


def test_kish_and_weighted_proportion_by_hand():
    deff, n_eff = stats.kish([1, 1, 2, 2])
    assert n_eff == pytest.approx(36 / 10) and deff == pytest.approx(4 / 3.6)
    p, low, high, n_eff = stats.weighted_proportion([1, 0, 1, np.nan, 1], [1, 1, 1, 5, 1])
    wl, wh = stats.wilson_ci(3, 4)
    assert (p, low, high, n_eff) == pytest.approx((0.75, float(wl), float(wh), 4.0))
    p, *_ = stats.weighted_proportion([1, 0], [3, 1])
    assert p == pytest.approx(0.75)


def test_drop_collinear_keeps_the_first_of_dependent_columns():
    X = pd.DataFrame(
        {"scot": [1, 0, 0, 1, 0], "wales": [0, 1, 0, 0, 0], "board": [1, 1, 0, 1, 0], "x": [1, 2, 3, 4, 6]}
    )
    kept, dropped = stats.drop_collinear(X)
    assert list(kept.columns) == ["scot", "wales", "x"] and dropped == ["board"]  # board = scot + wales


@pytest.mark.parametrize(
    "counts", [(56, 70, 48, 80), (78, 103, 164, 443), (9, 10, 3, 10), (0, 10, 0, 20), (1, 29, 12, 40)]
)
def test_newcombe_matches_statsmodels(counts):
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(*counts, method="newcomb", compare="diff")
    _, got_low, got_high = stats.newcombe_diff_ci(*counts)
    assert (got_low, got_high) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))


def test_cohens_kappa_interval_is_clipped_to_kappas_range():
    # Near-perfect agreement on 12 pairs: the asymptotic upper limit would pass 1.
    a = ["in"] * 6 + ["out"] * 6
    b = ["in"] * 6 + ["out"] * 5 + ["in"]
    result = stats.cohens_kappa(a, b)
    assert result.kappa == pytest.approx(1 - (1 - 11 / 12) / (1 - (6 * 7 + 6 * 5) / 144))
    assert result.ci_high == 1.0 and -1.0 <= result.ci_low < result.kappa


# ---- issue 14: nominal tests, effect-size wording by df, kappa at the boundary ----------------


def _exact_chi2_p(table) -> float:
    """Exact permutation p of Pearson's chi-square for a 2 x c table with fixed margins, by
    enumerating every table (multivariate hypergeometric probabilities with math.comb)."""
    import itertools

    t = np.asarray(table)
    rows, cols, n = t.sum(1), t.sum(0), t.sum()
    e = np.outer(rows, cols) / n
    obs = ((t - e) ** 2 / e).sum()
    total = 0.0
    for first in itertools.product(*(range(c + 1) for c in cols)):
        if sum(first) != rows[0]:
            continue
        x = np.array([first, cols - np.array(first)])
        prob = np.prod([math.comb(int(c), int(a)) for c, a in zip(cols, first)]) / math.comb(
            int(n), int(rows[0])
        )
        if ((x - e) ** 2 / e).sum() >= obs - 1e-9:
            total += prob
    return total


def test_chi2_monte_carlo_matches_exact_enumeration():
    t = [[3, 1, 0, 2], [1, 2, 4, 0]]
    exact = _exact_chi2_p(t)  # independent: full enumeration of the tables with these margins
    mc = stats.chi2_monte_carlo(t, replicates=20000)
    assert abs(mc - exact) < 4 * math.sqrt(exact * (1 - exact) / 20000)
    assert stats.chi2_monte_carlo(t, replicates=20000) == mc  # seeded
    res = stats.association(t)
    assert (
        res.min_expected < 5
        and res.p_monte_carlo == stats.chi2_monte_carlo(t)
        and res.p_reported == res.p_monte_carlo
    )


def test_random_tables_keep_both_margins_and_hypergeometric_means():
    rng = np.random.default_rng(3)
    sims = stats.random_tables([5, 7, 3], [4, 6, 5], 4000, rng)
    assert (sims.sum(axis=2) == [5, 7, 3]).all() and (sims.sum(axis=1) == [4, 6, 5]).all()
    # E[x_ij] = r_i c_j / n under the permutation distribution
    assert np.allclose(sims.mean(axis=0), np.outer([5, 7, 3], [4, 6, 5]) / 15, atol=0.08)


def test_kruskal_wallis_on_integer_codes_is_the_pandas_path_exactly():
    """The role tests pass whole-number codes as numpy arrays: that path (no DataFrame) gives
    bit-identical H, p and n to the general one (lists go through pandas), including groups
    and scores of any integer type, a single group and a constant score."""
    rng = np.random.default_rng(11)
    cases = [
        (rng.integers(0, 5, 60).astype(dtype), rng.integers(0, 4, 60).astype(gdtype))
        for dtype in (np.int8, np.int64)
        for gdtype in (np.int16, np.int64)
    ]
    cases += [(np.array([1, 2, 3, 1]), np.zeros(4, int)), (np.full(5, 2), np.array([0, 1, 0, 1, 2]))]
    for scores, groups in cases:
        fast = stats.kruskal_wallis(scores, groups)
        general = stats.kruskal_wallis(list(scores), list(groups))
        assert fast == general or (np.isnan(fast[0]) and np.isnan(general[0]) and fast[2] == general[2])


def test_random_tables_draws_are_pinned():
    """The exact tables drawn for a seed (digests taken before random_tables kept the later
    columns' totals as a running suffix sum instead of summing them per cell, issue 11): the
    Monte Carlo p-values published in the role tests must not move."""
    import hashlib

    digests = []
    for rows, cols in [([5, 7, 3], [4, 6, 5]), ([1, 0, 9, 4], [3, 3, 2, 2, 4]), ([30, 2], [10, 12, 10])]:
        tables = stats.random_tables(rows, cols, 500, np.random.default_rng(7))
        digests.append(hashlib.sha256(tables.tobytes()).hexdigest()[:16])
    assert digests == ["d95794f0fac74c65", "4014f786776fbfe1", "fb8f848c188c4be6"]
    assert stats.chi2_monte_carlo(np.array([[3, 1, 0], [0, 2, 5], [1, 1, 1]])) == 0.0872


def test_cramers_v_thresholds_scale_with_df():
    # Cohen's w thresholds / sqrt(df*): a 4 x 5 table (df* = 3) gives about 0.06 / 0.17 / 0.29.
    assert stats.cramers_v_thresholds(3) == pytest.approx(
        (0.1 / math.sqrt(3), 0.3 / math.sqrt(3), 0.5 / math.sqrt(3))
    )
    assert [round(x, 2) for x in stats.cramers_v_thresholds(3)] == [0.06, 0.17, 0.29]
    assert stats.cramers_v_thresholds(1) == pytest.approx((0.1, 0.3, 0.5))
    # 0.2 is "small" at df* = 1 but "medium" for a 4 x 5 table
    assert stats.cramers_v_magnitude(0.2, 1) == "small" and stats.cramers_v_magnitude(0.2, 3) == "medium"
    assert stats.cramers_v_magnitude(0.05, 3) == "negligible" and stats.cramers_v_magnitude(0.3, 3) == "large"


def test_kruskal_wallis_against_hand_computation_with_ties():
    scores = [1, 2, 2, 3, 3, 3, 4, 5, 5, 1, 2, 4]
    groups = ["a", "a", "a", "b", "b", "b", "c", "c", "c", "a", "b", "c"]
    h, p, n = stats.kruskal_wallis(scores, groups)
    r = sps.rankdata(scores)
    g = np.array(groups)
    n_ = len(scores)
    h0 = 12 / (n_ * (n_ + 1)) * sum(r[g == k].sum() ** 2 / (g == k).sum() for k in "abc") - 3 * (n_ + 1)
    ties = np.unique(scores, return_counts=True)[1]
    h_hand = h0 / (1 - (ties**3 - ties).sum() / (n_**3 - n_))
    assert n == 12 and h == pytest.approx(h_hand) and p == pytest.approx(sps.chi2.sf(h_hand, 2))


def test_kappa_at_perfect_agreement_has_a_one_sided_exact_lower_bound():
    a = ["yes"] * 4 + ["no"] * 16
    result = stats.cohens_kappa(a, a)
    assert result.kappa == 1.0 and result.interval == "exact lower bound"
    # by hand: p_L = 0.05^(1/20) (Clopper-Pearson, 20 of 20), p_e = 0.2^2 + 0.8^2 = 0.68
    p_low = 0.05 ** (1 / 20)
    assert result.ci_low == pytest.approx((p_low - 0.68) / (1 - 0.68))
    assert result.ci_low < 0.6 and result.ci_high == 1.0  # not the collapsed 1.0-1.0
    assert stats.kappa_lower_bound(20, 0.68) == pytest.approx(result.ci_low)
    assert stats.cohens_kappa(a, a[:-1] + ["yes"]).interval == "asymptotic"


def test_a_separated_cut_point_gives_an_infinite_bound_flagged_unstable_without_a_warning():
    """Role B never answers "1", so the "> 1" cut-point logit is separated: its upper bound is
    exp(huge) = inf. That is a result (flagged unstable), not a RuntimeWarning, which before
    this was printed six times into report 03 with the machine's path to stats.py."""
    rng = np.random.default_rng(1)
    levels = ["1", "2", "3", "4"]
    answers = np.r_[rng.choice(levels, size=60), rng.choice(levels[1:], size=60)]
    d = pd.DataFrame(
        {
            "y": pd.Categorical(answers, categories=levels, ordered=True),
            "role": pd.Categorical(["A"] * 60 + ["B"] * 60),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = stats.proportional_odds(d, "y", ["role"])
    first = fit.cutpoint_odds_ratios.iloc[0]
    assert (first["cut"], first["ci_high"], bool(first["unstable"])) == ("> 1", math.inf, True)
    assert not fit.cutpoint_odds_ratios.iloc[1:]["unstable"].any()
