"""Models: proportional-odds regression of each item on role and covariates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import stats
from helpers.survey.attitudes.items import ROLES, Item

# The groups a model compares: the four roles, or, where small roles are published only within
# them (helpers.publication; the role column recoded by RoleDesign.recode), the professions and
# levels that hold them.
MODEL_GROUPS = (*ROLES, "Doctor", "Manager", "Board", "Directorate")


def _model_frame(
    clean: pd.DataFrame, covariates: Sequence[str], reference_role: str
) -> tuple[pd.DataFrame, list[str]]:
    d = clean[clean["role"].astype(object).isin(MODEL_GROUPS)].copy()
    present_roles = [r for r in MODEL_GROUPS if (d["role"].astype(object) == r).any()]
    order = [reference_role] + [r for r in present_roles if r != reference_role]
    d["role"] = pd.Categorical(d["role"].astype(object), categories=order)
    present = [c for c in covariates if c in d and d[c].notna().any() and d[c].nunique() > 1]
    return d, present


def model_reference_role(clean: pd.DataFrame, preferred: str = "Clinical director") -> str | None:
    """The models' reference group: ``preferred`` when anyone holds it, otherwise the largest
    role group (ties: the first in the study's order); None with fewer than two role groups
    (no role effect can be estimated)."""
    counts = clean["role"].astype(object).value_counts()
    present = [r for r in MODEL_GROUPS if counts.get(r, 0) > 0]
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


def odds_ratios_intro(reference_role: str) -> str:
    """The sentence above the odds-ratio chart, shown only when a model is published."""
    return (
        f"Odds ratios for each role group against {reference_role.lower()}s (below; the full table, with "
        "the covariates' odds ratios, is `attitudes_ordinal_odds_ratios.csv`). Points right of the line "
        f"mean that group gave higher answers (more agreement, or a better rating) than {reference_role.lower()}s did."
    )


def no_models_note(model_note: str | None) -> str:
    """What the sections that follow the ordinal models (the Brant test, the partial
    proportional-odds models) print when no model is published: ``model_note`` (why the models
    are skipped) when there is one, otherwise a pointer to the note above (e.g. every item's
    model withheld by the disclosure rule). Never None, so the notebook never displays
    ``Markdown(None)``, whose text is the object's repr."""
    return model_note or "No ordinal model is published (see the note above), so there is no Brant test."


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
        llf_reduced = reduced.llf if reduced is not None else _thresholds_only_loglik(sample[name])
        lr = 2 * (full.llf - llf_reduced)
        dof = int(full.odds_ratios["term"].str.startswith("role[").sum())
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


MODEL_FULL = "role x answer"
MODEL_AGREE = "role x agree (published counts)"
MODEL_WITHHELD = "withheld: suppressed cells"
MODEL_WITHHELD_GROUP = "withheld: a group with too few answers"
AGREE_LEVELS = ("Not agreeing", "Agreeing")


def model_groupings(
    items: Mapping[str, Item], protected: pd.DataFrame, rule, groups: Sequence[str] | None = None
) -> dict[str, str]:
    """Which outcome each item's ordinal model may use (issue 13, item 3: statistics), from the
    published attitude table ``protected`` (:func:`protect_by_role`) and the groups the models
    compare (``groups``: :meth:`helpers.publication.RoleDesign.groups`; default the role rows).

    A model of the answers on role is a function of the role x answer table when it has no
    covariate, and close to one when it has: published with the table's margins, its odds
    ratios, intervals, likelihood-ratio chi-square, Brant tests and cut-point logits at their
    published precision each keep one completion of a suppressed cell (tests/survey/
    test_model_inversion.py recovers a chief executives' 2 from any one of them, and the
    completion nearest to a covariate-adjusted model is the true one). So, per item:

    - ``MODEL_FULL``: no suppressed cell among the groups' answers: the model of the answers;
    - ``MODEL_AGREE``: a suppressed cell, but every group's n_agree and n_valid printed: the
      model of agreeing or not (a binary logit, the proportional-odds model with two levels).
      Its data hold each respondent's group, covariates and whether they agreed, never which
      level they chose, so the suppressed cells enter it only through their sums n_agree and
      n_valid - n_agree, which are printed: whatever its precision, it narrows nothing;
    - ``MODEL_WITHHELD``: a group's n_agree or n_valid suppressed; ``MODEL_WITHHELD_GROUP``: a
      group not published for the item: no model."""
    from helpers.survey.attitudes.descriptives import _items_not_testable

    published = set(protected["item"]) if len(protected) else set()
    missing = [name for name in items if name not in published]
    if missing:
        raise ValueError(f"model_groupings: item(s) {missing} not in the published attitude table")
    unsafe = _items_not_testable(protected, rule, groups)
    out = {}
    for name in items:
        if name not in unsafe:
            out[name] = MODEL_FULL
            continue
        roles = unsafe[name]
        if roles is None:
            out[name] = MODEL_WITHHELD_GROUP
            continue
        counts = roles[["n_agree", "n_valid"]].astype(object)
        blank = counts.isna() | (counts.astype(str) == str(rule.marker))
        out[name] = MODEL_WITHHELD if blank.any().any() else MODEL_AGREE
    return out


def data_for_models(
    clean: pd.DataFrame, items: Mapping[str, Item], groupings: Mapping[str, str]
) -> tuple[pd.DataFrame, dict[str, Item]]:
    """The data and items :func:`ordinal_models` fits, as :func:`model_groupings` decides: an
    item modelled on agreement has its answers recoded to :data:`AGREE_LEVELS` (its positive
    levels agreeing, its other levels not; no answer stays missing); a withheld item is left
    out."""
    data = clean.copy()
    out = {}
    for name, item in items.items():
        grouping = groupings[name]
        if grouping == MODEL_FULL:
            out[name] = item
        elif grouping == MODEL_AGREE:
            answers = clean[name].astype(object)
            agree = answers.isin(list(item.positive))
            values = np.where(answers.isna(), None, np.where(agree, AGREE_LEVELS[1], AGREE_LEVELS[0]))
            data[name] = pd.Categorical(values, categories=list(AGREE_LEVELS), ordered=True)
            out[name] = Item(name, item.question, AGREE_LEVELS, (AGREE_LEVELS[1],), item.battery)
    return data, out


def with_groupings(role_effect: pd.DataFrame, groupings: Mapping[str, str]) -> pd.DataFrame:
    """The role-effect table with a ``grouping`` column (the outcome each model used)."""
    return role_effect.assign(grouping=role_effect["item"].map(dict(groupings)))


def groupings_note(groupings: Mapping[str, str]) -> str:
    """One sentence on the items modelled on agreement and the items whose model is withheld
    (Markdown; '' when every item is modelled on its answers)."""
    agree = [n for n, g in groupings.items() if g == MODEL_AGREE]
    withheld = [n for n, g in groupings.items() if g.startswith("withheld")]
    parts = []
    if agree:
        parts.append(
            f"{len(agree)} item(s) have suppressed cells in their role table and are modelled on "
            f"agreeing or not (a binary logit), which uses only counts the table prints: {', '.join(agree)}"
        )
    if withheld:
        parts.append(
            f"the model of {len(withheld)} item(s) is withheld (a group's number agreeing or "
            f"answering is suppressed): {', '.join(withheld)}"
        )
    if not parts:
        return ""
    text = "; ".join(parts)
    return f"**Disclosure control of the models**: {text[0].upper()}{text[1:]} (docs/disclosure.md)."


def _thresholds_only_loglik(y: pd.Series) -> float:
    """Log-likelihood of the proportional-odds model with no predictors: the thresholds alone
    reproduce the observed level shares, so it is sum(n_k log(n_k / n)) over levels present."""
    counts = y.value_counts().to_numpy(float)
    counts = counts[counts > 0]
    return float((counts * np.log(counts / counts.sum())).sum())


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


def failing_brant(brant_omnibus: pd.DataFrame, alpha: float = 0.05, p_col: str = "p_adjusted") -> list[str]:
    """The items whose omnibus Brant test has ``p_col`` below ``alpha``."""
    if brant_omnibus is None or not len(brant_omnibus):
        return []
    return brant_omnibus.loc[pd.to_numeric(brant_omnibus[p_col], errors="coerce") < alpha, "item"].tolist()


def beside_proportional_odds(
    odds_ratios: pd.DataFrame,
    cutpoints: pd.DataFrame,
    brant_omnibus: pd.DataFrame,
    alpha: float = 0.05,
    p_col: str = "p_adjusted",
    partial: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """For the items failing the Brant test (:func:`failing_brant`), the role odds ratios of the
    proportional-odds model beside those of the partial proportional-odds model (``partial``:
    the odds ratios of :func:`partial_odds_models`, role non-parallel, covariates parallel) and
    of the cut-point-specific binary logits (Wald 95% CIs): item, term, model ('proportional
    odds', 'partial proportional odds > level' or 'binary logit > level'), odds_ratio, ci_low,
    ci_high, unstable. Where the cut-point odds ratios differ, the single PO odds ratio
    averages over them; read the cut-points."""
    failing = failing_brant(brant_omnibus, alpha, p_col)
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
            ppo = (
                partial[(partial["item"] == item) & (partial["term"] == r["term"])]
                if partial is not None
                else partial
            )
            for _, c in ppo.iterrows() if ppo is not None else ():
                rows.append(
                    {
                        "item": item,
                        "term": r["term"],
                        "model": f"partial proportional odds {c['cut']}",
                        "odds_ratio": c["odds_ratio"],
                        "ci_low": c["ci_low"],
                        "ci_high": c["ci_high"],
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


# ---------------------------------------------------------------------------------------------
# Partial proportional odds: a non-proportional role effect for items failing the Brant test
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialFit:
    """A partial proportional-odds fit (Peterson and Harrell 1990, unconstrained form).

    Cumulative logits, cut-point j = 0..K-2 (answer above level j or not):
    logit P(Y <= j) = theta_j - x'beta - z'gamma_j, with ``x`` the parallel terms (one odds ratio
    for every cut-point, as in the proportional-odds model) and ``z`` the non-parallel ones (an
    odds ratio exp(gamma_j) per cut-point): the odds of answering above level j against the
    reference. With no ``z`` it is the proportional-odds model (statsmodels' OrderedModel
    parameterisation, signs included). VGAM's ``cumulative(parallel = FALSE ~ z)`` fits the
    same model with the opposite sign of the slopes."""

    params: np.ndarray  # theta (K-1), beta (p), gamma (K-1 x q, row-major by cut)
    cov: np.ndarray  # inverse of the observed information (analytic gradient, numeric Hessian)
    llf: float
    n: int
    n_levels: int
    parallel: list[str]
    nonparallel: list[str]
    converged: bool

    def table(self, levels, alpha: float = 0.05) -> pd.DataFrame:
        """term, cut ('> level'), odds_ratio, ci_low, ci_high (Wald), p_value: parallel terms
        once (cut 'all'), non-parallel terms per cut-point."""
        from scipy.stats import norm

        z = norm.ppf(1 - alpha / 2)
        m, p = self.n_levels - 1, len(self.parallel)
        se = np.sqrt(np.clip(np.diag(self.cov), 0, None))
        rows = []
        for i, name in enumerate(self.parallel):
            rows.append((name, "all", m + i))
        for i, name in enumerate(self.nonparallel):
            for j in range(m):
                rows.append((name, f"> {levels[j]}", m + p + j * len(self.nonparallel) + i))
        return pd.DataFrame(
            [
                {
                    "term": name,
                    "cut": cut,
                    "odds_ratio": float(np.exp(self.params[k])),
                    "ci_low": float(np.exp(self.params[k] - z * se[k])),
                    "ci_high": float(np.exp(self.params[k] + z * se[k])),
                    "p_value": float(2 * norm.sf(abs(self.params[k] / se[k]))) if se[k] > 0 else np.nan,
                }
                for name, cut, k in rows
            ],
            columns=["term", "cut", "odds_ratio", "ci_low", "ci_high", "p_value"],
        )


def _ppo_loglik(params, y, X, Z, m, gradient=False):
    from scipy.special import expit

    n, p, q = len(y), X.shape[1], Z.shape[1]
    theta, beta = params[:m], params[m : m + p]
    gamma = params[m + p :].reshape(m, q)
    eta = theta[None, :] - (X @ beta)[:, None] - Z @ gamma.T  # n x m
    F = expit(eta)
    ext = np.column_stack([np.zeros(n), F, np.ones(n)])
    rows = np.arange(n)
    pi = ext[rows, y + 1] - ext[rows, y]
    if (pi <= 0).any():  # cumulative probabilities cross: outside the model
        return (-np.inf, np.zeros_like(params)) if gradient else -np.inf
    llf = float(np.log(pi).sum())
    if not gradient:
        return llf
    dF = F * (1 - F)
    G = np.zeros((n, m))  # d log pi_i / d eta_ij
    up = y < m
    G[rows[up], y[up]] += dF[rows[up], y[up]] / pi[up]
    low = y > 0
    G[rows[low], y[low] - 1] -= dF[rows[low], y[low] - 1] / pi[low]
    grad = np.concatenate([G.sum(axis=0), -X.T @ G.sum(axis=1), (-(Z.T @ G)).T.ravel()])
    return llf, grad


def partial_proportional_odds(y_codes, X: pd.DataFrame, Z: pd.DataFrame, n_levels: int) -> PartialFit:
    """Maximum-likelihood fit of the partial proportional-odds model (:class:`PartialFit`) of
    answer codes ``y_codes`` (0..n_levels-1) on parallel terms ``X`` and non-parallel terms
    ``Z`` (scipy BFGS with the analytic gradient, started from the marginal cumulative logits;
    standard errors from the inverse of the Hessian, differentiated numerically from the
    analytic gradient). A step where the cumulative probabilities cross is refused."""
    from scipy.optimize import minimize
    from statsmodels.tools.numdiff import approx_fprime

    y = np.asarray(y_codes, dtype=int)
    Xa, Za = np.asarray(X, dtype=float).reshape(len(y), -1), np.asarray(Z, dtype=float).reshape(len(y), -1)
    m, p, q = n_levels - 1, Xa.shape[1], Za.shape[1]
    share = np.clip(np.cumsum(np.bincount(y, minlength=n_levels))[:m] / len(y), 1e-6, 1 - 1e-6)
    start = np.concatenate([np.log(share / (1 - share)), np.zeros(p + m * q)])

    def objective(v):
        llf, grad = _ppo_loglik(v, y, Xa, Za, m, gradient=True)
        return (1e300, np.zeros_like(v)) if not np.isfinite(llf) else (-llf, -grad)

    res = minimize(objective, start, jac=True, method="BFGS", options={"gtol": 1e-8, "maxiter": 10000})
    hess = approx_fprime(res.x, lambda v: -_ppo_loglik(v, y, Xa, Za, m, gradient=True)[1], centered=True)
    hess = (hess + hess.T) / 2
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        cov = np.full_like(hess, np.nan)
    grad_norm = float(np.abs(objective(res.x)[1]).max())
    return PartialFit(
        res.x,
        cov,
        -float(res.fun),
        len(y),
        n_levels,
        list(X.columns) if hasattr(X, "columns") else [f"x{i}" for i in range(p)],
        list(Z.columns) if hasattr(Z, "columns") else [f"z{i}" for i in range(q)],
        bool(grad_norm < 1e-4),
    )


def partial_odds_models(
    clean: pd.DataFrame,
    items: Mapping[str, Item],
    failing: Sequence[str],
    covariates: Sequence[str] = (),
    reference_role: str = "Clinical director",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For each item in ``failing`` (those failing the Brant test): the partial proportional-odds
    model with role non-parallel (an odds ratio per cut-point) and the covariates parallel, on
    the same complete cases as :func:`ordinal_models`. Returns (odds_ratios: item, term, cut,
    odds_ratio, ci_low, ci_high, n; tests: item, n, llf_po, llf_ppo, lr_chi2, dof,
    p_value, converged: the likelihood-ratio test of proportional odds for role, PO nested in
    PPO)."""
    from scipy.stats import chi2 as chi2_dist

    d, present = _model_frame(clean, covariates, reference_role)
    ors, tests = [], []
    for name in failing:
        sample = d.dropna(subset=[name, "role", *present])
        y = sample[name]
        levels = [c for c in y.cat.categories if (y == c).any()]
        codes = pd.Categorical(y.astype(object), categories=levels).codes
        X = stats.design_matrix(sample, present) if present else pd.DataFrame(index=sample.index)
        X = X.loc[:, X.std(ddof=0) > 0]
        X, _ = stats.drop_collinear(X) if X.shape[1] else (X, [])
        Z = stats.design_matrix(sample, ["role"])
        Z = Z.loc[:, Z.std(ddof=0) > 0]
        ppo = partial_proportional_odds(codes, X, Z, len(levels))
        po = partial_proportional_odds(codes, pd.concat([Z, X], axis=1), Z.iloc[:, :0], len(levels))
        lr = 2 * (ppo.llf - po.llf)
        dof = (len(levels) - 2) * Z.shape[1]
        ors.append(ppo.table(levels).assign(item=name, n=ppo.n))
        tests.append(
            {
                "item": name,
                "n": ppo.n,
                "llf_po": po.llf,
                "llf_ppo": ppo.llf,
                "lr_chi2": max(lr, 0.0),
                "dof": dof,
                "p_value": float(chi2_dist.sf(max(lr, 0.0), dof)) if dof else np.nan,
                "converged": ppo.converged and po.converged,
            }
        )
    cols = ["item", "term", "cut", "odds_ratio", "ci_low", "ci_high", "n"]  # CIs only: no new p family
    odds = pd.concat(ors, ignore_index=True)[cols] if ors else pd.DataFrame(columns=cols)
    test_cols = ["item", "n", "llf_po", "llf_ppo", "lr_chi2", "dof", "p_value", "converged"]
    return odds, pd.DataFrame(tests, columns=test_cols)
