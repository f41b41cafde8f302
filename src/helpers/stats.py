"""Statistics shared by the strands: proportions with intervals, agreement.

Thin, documented wrappers over statsmodels/scipy so every strand computes a statistic the
same way; the tests check each against a hand computation.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.inter_rater import cohens_kappa as _sm_cohens_kappa
from statsmodels.stats.proportion import proportion_confint


def wilson_ci(successes, total, alpha: float = 0.05):
    """Wilson score interval for a proportion, as fractions 0-1 (NaN where total is 0).

    The bounds are clipped so that 0 <= low <= x/n <= high <= 1: at x = n the formula gives an
    upper bound of 0.9999999999999999 (rounding), just below the estimate, which made an error
    bar's length negative (issue 11, failure 1)."""
    successes = np.asarray(successes, dtype=float)
    total = np.asarray(total, dtype=float)
    denominator = np.where(total > 0, total, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(successes, denominator, alpha=alpha, method="wilson")
        p = successes / denominator
    low = np.clip(np.fmin(low, p), 0.0, 1.0)
    high = np.clip(np.fmax(high, p), 0.0, 1.0)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


@dataclass(frozen=True)
class Agreement:
    n: int
    percent_agreement: float
    kappa: float
    ci_low: float
    ci_high: float
    interval: str = "asymptotic"  # or "exact lower bound" (one-sided, at perfect agreement)


KAPPA_BOUNDARY_NOTE = (
    "Where the coders agreed on every unit (kappa = 1) the asymptotic standard error is 0 and "
    "resampling cannot help (every resample agrees too), so the interval is one-sided: the exact "
    "(Clopper-Pearson) lower bound on the observed agreement, p_L = alpha^(1/n) for n agreements in "
    "n units, converted to kappa with the observed chance agreement, (p_L - p_e) / (1 - p_e); the "
    "upper bound is 1."
)


def kappa_lower_bound(n: int, chance_agreement: float, alpha: float = 0.05) -> float:
    """One-sided (1 - alpha) lower bound of kappa when all ``n`` units agree (see
    :data:`KAPPA_BOUNDARY_NOTE`): the Clopper-Pearson bound alpha^(1/n) on the agreement,
    converted with the chance agreement p_e (taken as fixed), clipped to [-1, 1]."""
    if n < 1 or not 0 <= chance_agreement < 1:
        return float("nan")
    p_low = float(_beta_ppf(alpha, n, 1))  # = alpha ** (1 / n)
    return max((p_low - chance_agreement) / (1 - chance_agreement), -1.0)


def _beta_ppf(q, a, b):
    from scipy.stats import beta

    return beta.ppf(q, a, b)


def cohens_kappa(rater_a, rater_b, alpha: float = 0.05) -> Agreement:
    """Cohen's kappa between two raters' labels, with an asymptotic (1 - alpha) CI clipped to [-1, 1].

    Pairs where either label is missing are left out. Categories are the union of both
    raters' labels, so a category only one rater used still counts against agreement. At
    perfect agreement the interval is one-sided, from :func:`kappa_lower_bound` (``interval``
    says which kind).
    """
    pairs = pd.DataFrame({"a": list(rater_a), "b": list(rater_b)}).dropna()
    if pairs.empty:
        raise ValueError("no pairs with both ratings: kappa is undefined")
    categories = sorted(set(pairs["a"]) | set(pairs["b"]), key=str)
    table = pd.crosstab(
        pd.Categorical(pairs["a"], categories), pd.Categorical(pairs["b"], categories), dropna=False
    )
    table = table.reindex(index=categories, columns=categories, fill_value=0).to_numpy()
    agreement = float(np.trace(table) / table.sum())
    if len(categories) == 1:  # both raters gave one label throughout: kappa is undefined
        return Agreement(len(pairs), 100 * agreement, float("nan"), float("nan"), float("nan"))
    if np.trace(table) == table.sum():
        n = int(table.sum())
        chance = float((table.sum(axis=1) * table.sum(axis=0)).sum() / n**2)
        return Agreement(n, 100.0, 1.0, kappa_lower_bound(n, chance, alpha), 1.0, "exact lower bound")
    with warnings.catch_warnings():  # statsmodels warns computing a z-test under H0 we do not use
        warnings.simplefilter("ignore", RuntimeWarning)
        result = _sm_cohens_kappa(table)
    half = norm.ppf(1 - alpha / 2) * float(result.std_kappa)
    kappa = float(result.kappa)
    # The asymptotic interval can pass kappa's range in small samples: clip it to [-1, 1].
    return Agreement(len(pairs), 100 * agreement, kappa, max(kappa - half, -1.0), min(kappa + half, 1.0))


# ---------------------------------------------------------------------------------------------
# Comparing proportions and groups (attitude analysis). Each function is checked in
# tests/test_stats.py against a hand computation or a second library.
# ---------------------------------------------------------------------------------------------

from scipy import stats as _sps  # noqa: E402
from scipy.stats import f as _f_dist  # noqa: E402


@dataclass(frozen=True)
class Difference:
    """A difference of two proportions (p1 - p2, fractions) with its CI and a test."""

    p1: float
    p2: float
    diff: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float


def newcombe_diff_ci(x1, n1, x2, n2, alpha: float = 0.05) -> tuple[float, float, float]:
    """Newcombe's hybrid score interval for p1 - p2 (Newcombe 1998, method 10).

    Built from the two Wilson intervals (l1, u1), (l2, u2):
    ``d - sqrt((p1-l1)^2 + (u2-p2)^2)`` to ``d + sqrt((u1-p1)^2 + (p2-l2)^2)``.
    Returns (difference, low, high) as fractions.
    """
    if min(n1, n2) <= 0:
        raise ValueError("newcombe_diff_ci: both groups need at least one respondent")
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = (float(v) for v in wilson_ci(x1, n1, alpha))
    l2, u2 = (float(v) for v in wilson_ci(x2, n2, alpha))
    d = p1 - p2
    return d, d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def two_proportion_test(x1, n1, x2, n2) -> tuple[float, float]:
    """Pooled two-sample z test of p1 = p2 (equals Pearson's chi-square on the 2x2 table
    without continuity correction). Returns (z, two-sided p)."""
    p1, p2, pooled = x1 / n1, x2 / n2, (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return float("nan"), float("nan")
    z = (p1 - p2) / se
    return float(z), float(2 * norm.sf(abs(z)))


def compare_proportions(x1, n1, x2, n2, alpha: float = 0.05) -> Difference:
    """p1 - p2 with Newcombe's interval and the two-proportion z test."""
    d, low, high = newcombe_diff_ci(x1, n1, x2, n2, alpha)
    z, p = two_proportion_test(x1, n1, x2, n2)
    return Difference(x1 / n1, x2 / n2, float(d), float(low), float(high), z, p)


@dataclass(frozen=True)
class Association:
    """Pearson's chi-square of a groups x levels table with nominal groups (issue 14: role
    groups have no order, so no trend test), its Monte Carlo p where expected counts are small,
    and Cramér's V with the df that its size thresholds depend on."""

    n: int
    chi2: float
    dof: int
    p_value: float  # asymptotic chi-square p
    cramers_v: float
    min_expected: float
    p_monte_carlo: float  # fixed-margins Monte Carlo p (NaN where every expected count is >= 5)
    v_df: int  # min(rows, columns) - 1: the df behind Cramér's V
    v_magnitude: str  # negligible / small / medium / large by Cohen's thresholds scaled to v_df

    @property
    def p_reported(self) -> float:
        """The p to report: Monte Carlo where any expected count is below 5, else asymptotic."""
        return self.p_monte_carlo if np.isfinite(self.p_monte_carlo) else self.p_value


def _clean_table(table) -> np.ndarray:
    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]  # empty groups/levels carry no information
    return t


def cramers_v(table) -> float:
    """Cramér's V = sqrt(chi2 / (n * (min(r, c) - 1))), chi-square without continuity correction."""
    t = _clean_table(table)
    if min(t.shape) < 2:
        return float("nan")
    chi2 = _sps.chi2_contingency(t, correction=False)[0]
    return float(np.sqrt(chi2 / (t.sum() * (min(t.shape) - 1))))


COHEN_W = (0.1, 0.3, 0.5)  # Cohen (1988): small, medium, large for w (= V when df* = 1)


def cramers_v_thresholds(v_df: int) -> tuple[float, float, float]:
    """Cohen's small/medium/large thresholds for Cramér's V with df* = min(r, c) - 1: Cohen's
    w thresholds divided by sqrt(df*) (Cohen 1988, section 7.2; V = w / sqrt(df*)). For a
    4 x 5 table (df* = 3): 0.058, 0.173, 0.289."""
    if v_df < 1:
        raise ValueError("cramers_v_thresholds: df* must be at least 1")
    return tuple(float(w / np.sqrt(v_df)) for w in COHEN_W)


def cramers_v_magnitude(v: float, v_df: int) -> str:
    """'negligible', 'small', 'medium' or 'large' for Cramér's V by the thresholds for its df*."""
    if not np.isfinite(v) or v_df < 1:
        return ""
    small, medium, large = cramers_v_thresholds(v_df)
    return "large" if v >= large else "medium" if v >= medium else "small" if v >= small else "negligible"


def _pearson_chi2_many(tables: np.ndarray, expected: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nansum((tables - expected) ** 2 / expected, axis=(-2, -1))


def random_tables(row_totals, col_totals, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` random tables with the given margins from the permutation (multiple
    hypergeometric) distribution, the distribution R's ``r2dtable`` samples: cell by cell,
    x_ij ~ Hypergeometric(remaining column j, remaining later columns, remaining row i).
    Work is O(size x rows x columns), independent of n."""
    row_totals = np.asarray(row_totals, dtype=np.int64)
    col_rem = np.tile(np.asarray(col_totals, dtype=np.int64), (size, 1))
    r, c = len(row_totals), col_rem.shape[1]
    out = np.zeros((size, r, c), dtype=np.int64)
    for i in range(r - 1):
        need = np.full(size, row_totals[i], dtype=np.int64)
        # what the later columns still hold: within a row only column j changes at step j, so
        # the totals of the columns after j are the row's starting suffix sums
        later_of = np.cumsum(col_rem[:, ::-1], axis=1)[:, ::-1]
        for j in range(c - 1):
            later = later_of[:, j + 1]
            x = rng.hypergeometric(col_rem[:, j], later, need) if need.any() else np.zeros(size, np.int64)
            out[:, i, j] = x
            col_rem[:, j] -= x
            need -= x
        out[:, i, c - 1] = need
        col_rem[:, c - 1] -= need
    out[:, r - 1, :] = col_rem
    return out


def chi2_monte_carlo(table, replicates: int = 9999, seed: int = 20260, chunk: int = 2000) -> float:
    """Monte Carlo p of Pearson's chi-square with both margins fixed, as R's
    ``chisq.test(simulate.p.value = TRUE)``: tables drawn by :func:`random_tables`;
    p = (1 + #{simulated chi2 >= observed}) / (replicates + 1). Seeded: the same table gives
    the same p."""
    t = _clean_table(table).astype(np.int64)
    if min(t.shape, default=0) < 2:
        return float("nan")
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()
    observed = _pearson_chi2_many(t[None].astype(float), expected)[0]
    rng = np.random.default_rng(seed)
    exceed, done = 0, 0
    while done < replicates:
        m = min(chunk, replicates - done)
        sims = random_tables(t.sum(axis=1), t.sum(axis=0), m, rng).astype(float)
        # a relative tolerance as R uses, so ties with the observed table count as exceeding
        exceed += int((_pearson_chi2_many(sims, expected) >= observed * (1 - 1e-7)).sum())
        done += m
    return float((1 + exceed) / (replicates + 1))


def association(table, replicates: int = 9999, seed: int = 20260) -> Association:
    """Pearson chi-square across nominal groups (rows) x levels; rows and columns that are all
    zero are dropped first. Where any expected count is below 5 a Monte Carlo p with fixed
    margins is added (:func:`chi2_monte_carlo`). NaN when fewer than two groups or levels remain."""
    t = _clean_table(table)
    n = int(t.sum())
    if min(t.shape, default=0) < 2:
        nan = float("nan")
        return Association(n, nan, 0, nan, nan, nan, nan, 0, "")
    chi2, p, dof, expected = _sps.chi2_contingency(t, correction=False)
    v_df = int(min(t.shape) - 1)
    v = float(np.sqrt(chi2 / (n * v_df)))
    small = float(expected.min()) < 5
    return Association(
        n,
        float(chi2),
        int(dof),
        float(p),
        v,
        float(expected.min()),
        chi2_monte_carlo(t, replicates, seed) if small else float("nan"),
        v_df,
        cramers_v_magnitude(v, v_df),
    )


def kruskal_wallis(scores, groups) -> tuple[float, float, int]:
    """Kruskal-Wallis H (tie-corrected, scipy) of ordinal scores across nominal groups: no order
    of the groups is assumed. Returns (H, p, n); NaN with fewer than two non-empty groups or
    when every score is the same."""
    if _integer_array(scores) and _integer_array(groups) and len(scores) == len(groups):
        # whole-number codes (the role tests): nothing to drop; the same samples, in the same
        # (sorted) group order, as the pandas path below, without a DataFrame per item
        samples = [scores[groups == g] for g in np.unique(groups)]
        if len(samples) < 2 or len(np.unique(scores)) < 2:
            return float("nan"), float("nan"), int(len(scores))
        h, p = _sps.kruskal(*samples)
        return float(h), float(p), int(len(scores))
    d = pd.DataFrame({"s": pd.to_numeric(pd.Series(scores)), "g": pd.Series(groups).to_numpy()}).dropna()
    samples = [g["s"].to_numpy() for _, g in d.groupby("g", observed=True, sort=True) if len(g)]
    if len(samples) < 2 or d["s"].nunique() < 2:
        return float("nan"), float("nan"), int(len(d))
    h, p = _sps.kruskal(*samples)
    return float(h), float(p), int(len(d))


def _integer_array(values) -> bool:
    return isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "iu"


def adjust_pvalues(pvalues, method: str = "holm") -> np.ndarray:
    """Holm ("holm") or Benjamini-Hochberg ("fdr_bh") adjusted p-values; NaNs stay NaN and
    are not counted as tests.

    Holm is computed here with statsmodels' own steps (sort, multiply by n, n-1, ..., 1,
    running maximum, cap at 1, unsort; tests/test_stats.py compares the two exactly):
    statsmodels' Holm branch calls ``gc.collect()`` on every call, which took 0.2-0.4 s a
    call in a process holding many tables and figures (issue 11: generated instruments)."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = _holm(p[ok]) if method == "holm" else _multipletests(p[ok], method=method)[1]
    return out


def _multipletests(p, method):
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method=method)


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    corrected = np.maximum.accumulate(np.take(p, order) * np.arange(len(p), 0, -1))
    corrected[corrected > 1] = 1
    out = np.empty_like(corrected)
    out[order] = corrected
    return out


# ---------------------------------------------------------------------------------------------
# Proportional-odds (ordinal logistic) models
# ---------------------------------------------------------------------------------------------


def ordered_logit(endog, exog):
    """statsmodels' OrderedModel with the logit link, its cdf and pdf evaluated directly.

    scipy's generic ``rv_continuous.cdf`` checks its arguments on every call, and a fit calls it
    thousands of times (the score is a numerical derivative of the log-likelihood): that wrapper
    was most of the fitting time. scipy's logistic cdf is ``expit`` and its pdf is computed
    below by scipy's own formula, so the fits are the same to the last bit
    (tests/test_stats.py compares them with the plain OrderedModel).
    """
    return _ordered_logit_class()(endog, exog, distr="logit")


@functools.cache
def _ordered_logit_class():
    """Defined on first use: statsmodels' ordinal module is imported only when a model is fitted."""
    from scipy.special import expit
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class OrderedLogit(OrderedModel):
        def cdf(self, x):
            return expit(x)

        def pdf(self, x):
            y = -np.abs(x)  # scipy.stats.logistic._logpdf, exponentiated
            return np.exp(y - 2.0 * np.log1p(np.exp(y)))

    return OrderedLogit


@dataclass
class OrdinalFit:
    """A proportional-odds fit: odds ratios of P(higher level) with Wald 95% CIs, the fit's
    sample, and the Brant test of proportional odds with the separate cut-point odds ratios."""

    outcome: str
    n: int
    levels: list
    odds_ratios: pd.DataFrame  # term, odds_ratio, ci_low, ci_high, p_value
    cutpoint_odds_ratios: pd.DataFrame  # term, cut ("> level"), odds_ratio, ci_low, ci_high, p_value, unstable (separate binary logits, Wald CIs)
    brant: pd.DataFrame  # term ("omnibus" first), chi2, dof, p_value
    converged: bool
    dropped: dict
    llf: float = float("nan")  # log-likelihood at the estimates (for likelihood-ratio tests)


def design_matrix(data: pd.DataFrame, predictors, reference: dict | None = None) -> pd.DataFrame:
    """Treatment-coded dummies ``var[level]`` for categorical predictors (reference = the first
    category present, or ``reference[var]``); numeric predictors are used as they are."""
    reference = reference or {}
    parts = []
    for var in predictors:
        col = data[var]
        if (
            isinstance(col.dtype, pd.CategoricalDtype)
            or col.dtype == object
            or pd.api.types.is_string_dtype(col)
        ):
            cats = [
                c
                for c in (
                    col.cat.categories
                    if isinstance(col.dtype, pd.CategoricalDtype)
                    else sorted(col.dropna().unique())
                )
                if (col == c).any()
            ]
            ref = reference.get(var, cats[0] if cats else None)
            for c in cats:
                if c != ref:
                    parts.append(pd.Series((col == c).astype(float), index=data.index, name=f"{var}[{c}]"))
        else:
            parts.append(col.astype(float).rename(var))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)


def drop_collinear(X: pd.DataFrame, tol: float = 1e-8) -> tuple[pd.DataFrame, list[str]]:
    """Drop, left to right, columns that are linear combinations of the constant and the
    columns kept before them (e.g. organisation type "Health board" = the devolved nations)."""
    kept, dropped = [], []
    base = np.ones((len(X), 1))
    for col in X.columns:
        trial = np.column_stack([base, X[col].to_numpy(float)])
        if np.linalg.matrix_rank(trial, tol=tol * max(1.0, np.abs(trial).max()) * len(X)) == trial.shape[1]:
            base = trial
            kept.append(col)
        else:
            dropped.append(col)
    return X[kept], dropped


def _binary_logits(y_codes: np.ndarray, X: pd.DataFrame, n_levels: int):
    """Separate logits of 1[y > k], k = 0..K-2, with a constant. Returns list of (params, fitted p, SEs)."""
    import statsmodels.api as sm

    fits = []
    Xc = sm.add_constant(X.to_numpy(), has_constant="add")
    for k in range(n_levels - 1):
        res = sm.Logit((y_codes > k).astype(float), Xc).fit(disp=False, maxiter=200)
        fits.append((np.asarray(res.params), np.asarray(res.predict(Xc)), np.asarray(res.bse)))
    return Xc, fits


def brant_test(y_codes, X: pd.DataFrame, n_levels: int) -> pd.DataFrame:
    """Brant's (1990) Wald test that the slopes of the K-1 cumulative binary logits are equal.

    The covariance of the stacked binary-logit estimates follows Brant: for cut-points j <= l,
    Var(b_j, b_l) = (X'W_j X)^-1 X'W_jl X (X'W_l X)^-1 with W_jl = diag(pi_l - pi_j pi_l),
    pi_k = fitted P(y > k). Returns an omnibus row and one row per term (dof K-2 each).
    """
    y_codes = np.asarray(y_codes)
    Xc, fits = _binary_logits(y_codes, X, n_levels)
    m = n_levels - 1
    p = X.shape[1]
    if m < 2 or p == 0:
        return pd.DataFrame(columns=["term", "chi2", "dof", "p_value"])
    beta = np.concatenate([f[0][1:] for f in fits])
    pis = [f[1] for f in fits]
    info_inv = [np.linalg.pinv(Xc.T @ (Xc * (pi * (1 - pi))[:, None])) for pi in pis]
    V = np.zeros((m * p, m * p))
    for j in range(m):
        for k in range(j, m):
            w = pis[k] - pis[j] * pis[k] if j <= k else None
            cov = info_inv[j] @ (Xc.T @ (Xc * w[:, None])) @ info_inv[k]
            V[j * p : (j + 1) * p, k * p : (k + 1) * p] = cov[1:, 1:]
            V[k * p : (k + 1) * p, j * p : (j + 1) * p] = cov[1:, 1:].T

    def wald(sel):
        rows = []
        for j in range(1, m):
            for s in sel:
                r = np.zeros(m * p)
                r[s] = 1
                r[j * p + s] = -1
                rows.append(r)
        D = np.array(rows)
        Db = D @ beta
        stat = float(Db @ np.linalg.pinv(D @ V @ D.T) @ Db)
        dof = len(rows)
        return stat, dof, float(_sps.chi2.sf(stat, dof))

    out = [("omnibus", *wald(range(p)))]
    out += [(name, *wald([i])) for i, name in enumerate(X.columns)]
    return pd.DataFrame(out, columns=["term", "chi2", "dof", "p_value"])


def proportional_odds(
    data: pd.DataFrame,
    outcome: str,
    predictors,
    reference: dict | None = None,
    alpha: float = 0.05,
    diagnostics: bool = True,
) -> OrdinalFit:
    """Ordinal logistic (proportional-odds) model of an ordered Categorical ``outcome`` on
    ``predictors`` (statsmodels OrderedModel, logit link), complete cases only.

    Odds ratios > 1 mean higher levels are more likely than in the reference category. Levels
    of the outcome with no respondents are dropped (recorded in ``dropped``); so are predictor
    categories absent from the complete cases. ``diagnostics`` False skips the Brant test and
    the cut-point logits (empty tables; for simulations).
    """

    y = data[outcome]
    if not (isinstance(y.dtype, pd.CategoricalDtype) and y.cat.ordered):
        raise ValueError(f"proportional_odds: outcome {outcome!r} must be an ordered Categorical")
    sample = data[[outcome, *predictors]].dropna()
    present = [c for c in y.cat.categories if (sample[outcome] == c).any()]
    dropped = {
        "levels_without_respondents": [c for c in y.cat.categories if c not in present],
        "incomplete_rows": int(len(data) - len(sample)),
    }
    if len(present) < 2:
        raise ValueError(f"proportional_odds: outcome {outcome!r} has fewer than two levels with respondents")
    endog = pd.Series(
        pd.Categorical(sample[outcome].astype(str), categories=[str(c) for c in present], ordered=True),
        index=sample.index,
    )
    X = design_matrix(sample, predictors, reference)
    X = X.loc[:, X.std(ddof=0) > 0]
    X, dropped["collinear_terms"] = drop_collinear(X)
    z = norm.ppf(1 - alpha / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ordered_logit(endog, X).fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-8)
        converged = bool(res.mle_retvals.get("converged", True))
        params = res.params[X.columns]
        se = res.bse[X.columns]
        pvals = res.pvalues[X.columns]
        codes = endog.cat.codes.to_numpy()
        nan = np.full(X.shape[1] + 1, np.nan)
        fits = [(nan, None, nan) for _ in range(len(present) - 1)]
        brant = pd.DataFrame(
            {"term": ["omnibus", *X.columns], "chi2": np.nan, "dof": np.nan, "p_value": np.nan}
        )
        if diagnostics:
            try:
                _, fits = _binary_logits(codes, X, len(present))
                brant = brant_test(codes, X, len(present))
            except (np.linalg.LinAlgError, ValueError):  # separation in a cut-point logit: check not possible
                fits = [(nan, None, nan) for _ in range(len(present) - 1)]
    # Under (quasi-)separation a bound is exp(large): infinite, and flagged `unstable` below,
    # not a warning printed into the report.
    with np.errstate(over="ignore"):
        table = pd.DataFrame(
            {
                "term": X.columns,
                "odds_ratio": np.exp(params.to_numpy()),
                "ci_low": np.exp((params - z * se).to_numpy()),
                "ci_high": np.exp((params + z * se).to_numpy()),
                "p_value": pvals.to_numpy(),
            }
        )
        # |log OR| above 7 (OR beyond about 1100 or below 1/1100) in a binary logit means
        # (quasi-)separation: that cut-point's estimate, and Brant's test of that term, are unstable.
        cuts = pd.DataFrame(
            [
                {
                    "term": name,
                    "cut": f"> {present[k]}",
                    "odds_ratio": float(np.exp(fit[0][1 + i])),
                    "ci_low": float(np.exp(fit[0][1 + i] - z * fit[2][1 + i])),
                    "ci_high": float(np.exp(fit[0][1 + i] + z * fit[2][1 + i])),
                    "p_value": float(2 * norm.sf(abs(fit[0][1 + i] / fit[2][1 + i]))),
                    "unstable": bool(not np.isfinite(fit[0][1 + i]) or abs(fit[0][1 + i]) > 7),
                }
                for k, fit in enumerate(fits)
                for i, name in enumerate(X.columns)
            ],
            columns=["term", "cut", "odds_ratio", "ci_low", "ci_high", "p_value", "unstable"],
        )
    return OrdinalFit(
        outcome,
        int(len(sample)),
        [str(c) for c in present],
        table,
        cuts,
        brant,
        converged,
        dropped,
        float(res.llf),
    )


# ---------------------------------------------------------------------------------------------
# Scales: reliability
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reliability:
    n: int  # complete cases used
    k: int
    alpha: float
    ci_low: float  # Feldt (1965) interval
    ci_high: float
    alpha_if_deleted: pd.Series
    omega: float  # McDonald's omega total from a one-factor ML model (NaN if not estimable)


def cronbach_alpha(items: pd.DataFrame, alpha_level: float = 0.05) -> tuple[float, float, float, int]:
    """Cronbach's alpha of numeric item scores (complete cases), with Feldt's CI:
    (1 - alpha) / (1 - alpha_hat) ~ F(n-1, (n-1)(k-1)). Returns (alpha, low, high, n)."""
    x = items.apply(pd.to_numeric).dropna().to_numpy(dtype=float)
    n, k = x.shape
    if k < 2 or n < 3:
        nan = float("nan")
        return nan, nan, nan, n
    total_var = x.sum(axis=1).var(ddof=1)
    a = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var) if total_var > 0 else float("nan")
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - a) * _f_dist.ppf(1 - alpha_level / 2, df1, df2)
    high = 1 - (1 - a) * _f_dist.ppf(alpha_level / 2, df1, df2)
    return float(a), float(low), float(high), int(n)


def omega_total(items: pd.DataFrame) -> float:
    """McDonald's omega (total) from a one-factor maximum-likelihood factor model of the item
    correlations: (sum loadings)^2 / ((sum loadings)^2 + sum uniquenesses). Complete cases.
    Items must be coded in the same direction (reverse negatively worded items first).
    NaN when the model cannot be estimated (fewer than 3 items or a Heywood case)."""
    import warnings

    from statsmodels.multivariate.factor import Factor

    x = items.apply(pd.to_numeric).dropna()
    if x.shape[1] < 3 or len(x) <= x.shape[1] + 1 or (x.std() == 0).any():
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = Factor(corr=np.corrcoef(x.to_numpy().T), nobs=len(x), n_factor=1, method="ml").fit()
        except Exception:  # noqa: BLE001 - a factor model that will not fit: omega is not reported
            return float("nan")
    loadings = np.abs(np.asarray(fit.loadings)[:, 0])
    uniq = 1 - loadings**2
    if (uniq <= 0.001).any():  # Heywood case: omega not sound
        return float("nan")
    return float(loadings.sum() ** 2 / (loadings.sum() ** 2 + uniq.sum()))


def reliability(items: pd.DataFrame, alpha_level: float = 0.05) -> Reliability:
    """Alpha with Feldt CI, alpha if each item is deleted, and one-factor omega."""
    a, low, high, n = cronbach_alpha(items, alpha_level)
    deleted = pd.Series({c: cronbach_alpha(items.drop(columns=c))[0] for c in items.columns}, dtype=float)
    return Reliability(n, items.shape[1], a, low, high, deleted, omega_total(items))


def compare_groups(scores: pd.Series, groups: pd.Series) -> dict:
    """One-way comparison of a score across groups: ANOVA F (scipy) with eta-squared, and the
    Kruskal-Wallis test with epsilon-squared = H / (n - 1). Groups with no scores are dropped."""
    d = pd.DataFrame({"s": pd.to_numeric(scores), "g": groups}).dropna()
    samples = [g["s"].to_numpy() for _, g in d.groupby("g", observed=True) if len(g)]
    nan = float("nan")
    if len(samples) < 2:
        return {
            "n": len(d),
            "groups": len(samples),
            "F": nan,
            "p_anova": nan,
            "eta_squared": nan,
            "H": nan,
            "p_kruskal": nan,
            "epsilon_squared": nan,
        }
    F, p = _sps.f_oneway(*samples)
    grand = d["s"].mean()
    ss_between = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    ss_total = ((d["s"] - grand) ** 2).sum()
    H, pk = _sps.kruskal(*samples)
    return {
        "n": len(d),
        "groups": len(samples),
        "F": float(F),
        "p_anova": float(p),
        "eta_squared": float(ss_between / ss_total) if ss_total > 0 else nan,
        "H": float(H),
        "p_kruskal": float(pk),
        "epsilon_squared": float(H / (len(d) - 1)),
    }


# ---------------------------------------------------------------------------------------------
# Weighting
# ---------------------------------------------------------------------------------------------


def rake(data: pd.DataFrame, margins: dict, *, max_iter: int = 200, tol: float = 1e-10) -> pd.Series:
    """Raking (iterative proportional fitting) weights so the weighted counts of each variable
    match ``margins[var]`` (a Series: category -> population count or share). Weights are
    scaled to sum to the sample size (mean 1). Every sampled category must have a target and
    every target category with a positive target must be in the sample.
    """
    w = pd.Series(1.0, index=data.index)
    targets = {}
    for var, target in margins.items():
        target = pd.Series(target, dtype=float)
        seen = set(data[var].dropna().unique())
        missing = sorted(map(str, seen - set(target.index)))
        if missing or data[var].isna().any():
            raise ValueError(
                f"rake: {var!r} has sample categories without a population margin: {', '.join(missing) or 'missing values'}"
            )
        empty = sorted(str(c) for c in target.index if target[c] > 0 and c not in seen)
        if empty:
            raise ValueError(f"rake: {var!r} margin categories with no respondents: {', '.join(empty)}")
        targets[var] = target / target.sum() * len(data)
    for _ in range(max_iter):
        biggest = 0.0
        for var, target in targets.items():
            current = w.groupby(data[var].astype(object)).sum()
            factor = data[var].astype(object).map(target / current).astype(float)
            biggest = max(biggest, float((factor - 1).abs().max()))
            w = w * factor
        if biggest < tol:
            break
    else:
        raise ValueError(f"rake: did not converge in {max_iter} iterations")
    return w / w.mean()


def kish(weights) -> tuple[float, float]:
    """Kish's design effect due to weighting, n * sum(w^2) / (sum w)^2, and the effective
    sample size (sum w)^2 / sum(w^2)."""
    w = np.asarray(weights, dtype=float)
    n_eff = w.sum() ** 2 / (w**2).sum()
    return float(len(w) / n_eff), float(n_eff)


def weighted_proportion(success, weights, alpha: float = 0.05) -> tuple[float, float, float, float]:
    """Weighted proportion with a Wilson interval on Kish's effective n (an approximation to a
    design-based interval). NaN entries of ``success`` are left out. Returns (p, low, high, n_eff)."""
    d = pd.DataFrame(
        {"y": pd.Series(success, dtype="float64").to_numpy(), "w": np.asarray(weights, float)}
    ).dropna()
    if d.empty:
        nan = float("nan")
        return nan, nan, nan, nan
    p = float((d["y"] * d["w"]).sum() / d["w"].sum())
    _, n_eff = kish(d["w"])
    low, high = wilson_ci(p * n_eff, n_eff, alpha)
    return p, float(low), float(high), n_eff
