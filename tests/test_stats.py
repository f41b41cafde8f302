import math

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
