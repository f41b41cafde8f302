"""Who was asked, who answered, and how sure are the weighted figures? Sampling frame, AAPOR
response rates, raking to the frame and design-based (Taylor linearisation) intervals.

The optional sampling frame, ``survey/sampling_frame.csv`` in the data folder, counts the people
invited: one row per cell of the variables it is broken down by (any codebook variables of the
clean data, e.g. role group and nation, and optionally an organisation identifier), with columns
``invited`` and, optionally, ``ineligible`` (invitations known not to reach an eligible person:
left the post, wrong role). From it:

- AAPOR response rates (Standard Definitions, 2023): RR1 = I / (eligible invited) and
  RR2 = (I + P) / (eligible invited), I = complete responses, P = partial responses kept by
  cleaning (progress below 100), every invited person of unknown eligibility counted eligible
  (e = 1, the conservative choice);
- raking weights to the frame's eligible invited counts (the frame supersedes the population
  margins file when both exist);
- weighted percentages with Taylor-linearised standard errors of the ratio estimator, with the
  organisation as primary sampling unit where the clean data hold an organisation identifier,
  with replacement at the first stage (as R's ``svydesign(ids = ~org, weights = ~w)``), and the
  design effect against simple random sampling of the same size.

The organisation identifier is used for the design only and never published (decisions 9):
response rates are published by role and nation, never by organisation.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from helpers import files
from helpers.files import InputError

FRAME_FILE = "sampling_frame.csv"
COUNT_COLUMNS = ("invited", "ineligible")


def load_frame(path: str | Path, clean: pd.DataFrame) -> pd.DataFrame:
    """The sampling frame, checked: ``invited`` (and optional ``ineligible``) whole counts with
    0 <= ineligible <= invited; every other column names a variable of the clean data; each
    combination of them once."""
    text = files.read_text(path).text
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if "invited" not in table.columns:
        raise InputError(path, "missing column 'invited'", row=1, value=list(table.columns))
    keys = [c for c in table.columns if c not in COUNT_COLUMNS]
    if not keys:
        raise InputError(
            path, "no variable columns: the frame must break 'invited' down by at least one variable"
        )
    unknown = [c for c in keys if c not in clean.columns]
    if unknown:
        raise InputError(path, "column(s) not variables of the survey data", column=unknown[0], value=unknown)
    if "ineligible" not in table.columns:
        table["ineligible"] = "0"
    for col in COUNT_COLUMNS:
        for i, v in enumerate(table[col]):
            if not v.strip().isdigit():
                raise InputError(path, "expected a whole count", row=i + 2, column=col, value=v)
        table[col] = table[col].astype(int)
    bad = table.index[table["ineligible"] > table["invited"]]
    if len(bad):
        raise InputError(path, "ineligible exceeds invited", row=int(bad[0]) + 2, column="ineligible")
    dup = table.duplicated(keys)
    if dup.any():
        raise InputError(
            path, "the same cell listed twice", row=int(np.flatnonzero(dup)[0]) + 2, column=keys[0]
        )
    return table


def frame_keys(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in COUNT_COLUMNS]


def response_rates(
    clean: pd.DataFrame, frame: pd.DataFrame, by: list[str], progress: str = "progress"
) -> pd.DataFrame:
    """AAPOR RR1 and RR2 (percent) for all invited and for each category of each variable in
    ``by`` (which must be frame columns). Respondents are matched to frame cells on the frame's
    variables; respondents outside every frame cell are counted in ``unmatched`` of the total row
    and left out of the rates. Columns: variable, category, invited, ineligible, eligible,
    complete, partial, rr1, rr2."""
    keys = frame_keys(frame)
    missing = [b for b in by if b not in keys]
    if missing:
        raise ValueError(f"response_rates: {missing} not broken down in the sampling frame")
    d = clean[keys].astype(object).copy()
    complete = pd.to_numeric(clean[progress], errors="coerce").fillna(0) >= 100 if progress in clean else True
    d["complete"] = np.asarray(complete, dtype=int) if not isinstance(complete, bool) else 1
    d["partial"] = 1 - d["complete"]
    got = d.groupby(keys, dropna=False, observed=True)[["complete", "partial"]].sum().reset_index()
    f = frame.copy()
    for k in keys:
        f[k] = f[k].astype(object)
        got[k] = got[k].astype(object).map(str)
        f[k] = f[k].map(str)
    merged = f.merge(got, on=keys, how="left").fillna({"complete": 0, "partial": 0})
    unmatched = int(len(clean) - merged[["complete", "partial"]].to_numpy().sum())
    merged["eligible"] = merged["invited"] - merged["ineligible"]
    over = merged[merged["complete"] + merged["partial"] > merged["eligible"]]
    if len(over):
        cell = ", ".join(f"{k}={over.iloc[0][k]}" for k in keys)
        raise ValueError(
            f"response_rates: more respondents than eligible invited people in frame cell {cell}"
        )
    rows = [_rates("all", "All invited", merged)]
    rows[0]["unmatched"] = unmatched
    for var in by:
        for cat, block in merged.groupby(var, sort=False):
            rows.append(_rates(var, cat, block))
    out = pd.DataFrame(rows)
    out["unmatched"] = out["unmatched"].fillna(0).astype(int)
    return out


def _rates(var, cat, block) -> dict:
    counts = {c: int(block[c].sum()) for c in ("invited", "ineligible", "eligible", "complete", "partial")}
    e = counts["eligible"]
    return {
        "variable": var,
        "category": cat,
        **counts,
        "rr1": 100 * counts["complete"] / e if e else np.nan,
        "rr2": 100 * (counts["complete"] + counts["partial"]) / e if e else np.nan,
        "unmatched": np.nan,
    }


def frame_margins(frame: pd.DataFrame, variables: list[str]) -> dict[str, pd.Series]:
    """Eligible invited people per category of each of ``variables``: the raking margins."""
    f = frame.assign(eligible=frame["invited"] - frame["ineligible"])
    return {v: f.groupby(v, sort=False)["eligible"].sum().astype(float) for v in variables}


@dataclass(frozen=True)
class DesignEstimate:
    estimate: float  # weighted proportion (0-1)
    se: float  # Taylor-linearised standard error
    ci_low: float
    ci_high: float
    n: int
    n_psu: int
    deff: float  # design variance / (p (1 - p) / n)


def design_proportion(y, weights, psu=None, strata=None, alpha: float = 0.05) -> DesignEstimate:
    """Weighted proportion sum(w y) / sum(w) with the Taylor-linearised variance of the ratio
    estimator: linearised values z_i = w_i (y_i - p) / sum(w), summed within primary sampling
    units (each respondent its own PSU when ``psu`` is None), then
    v = sum_h n_h / (n_h - 1) sum_j (z_hj - mean_h z)^2 over strata h (one stratum when None),
    with replacement at the first stage, no finite-population correction: what R's survey
    package computes for ``svymean`` on ``svydesign(ids = ~psu, strata = ~strata, weights = ~w)``.
    Rows with missing y are left out (a domain estimate on the answering respondents, as
    ``svymean(..., na.rm = TRUE)``). The interval is Wald, clipped to 0-1."""
    d = pd.DataFrame(
        {
            "y": pd.Series(y, dtype="float64").to_numpy(),
            "w": np.asarray(weights, float),
            "psu": np.arange(len(np.asarray(weights)))
            if psu is None
            else pd.Series(psu).astype(str).to_numpy(),
            "h": 0 if strata is None else pd.Series(strata).astype(str).to_numpy(),
        }
    )
    # domain: linearised values are zero outside it, but every PSU still counts (as R does)
    inside = d["y"].notna()
    wsum = float(d.loc[inside, "w"].sum())
    if not inside.any() or wsum <= 0:
        nan = float("nan")
        return DesignEstimate(nan, nan, nan, nan, 0, 0, nan)
    p = float((d.loc[inside, "y"] * d.loc[inside, "w"]).sum() / wsum)
    d["z"] = np.where(inside, d["w"] * (d["y"].fillna(0) - p) / wsum, 0.0)
    totals = d.groupby(["h", "psu"], sort=False)["z"].sum().reset_index()
    var = 0.0
    for _, block in totals.groupby("h", sort=False):
        m = len(block)
        if m > 1:
            var += m / (m - 1) * float(((block["z"] - block["z"].mean()) ** 2).sum())
    se = float(np.sqrt(var))
    half = norm.ppf(1 - alpha / 2) * se
    n = int(inside.sum())
    srs = p * (1 - p) / n
    return DesignEstimate(
        p,
        se,
        max(p - half, 0.0),
        min(p + half, 1.0),
        n,
        int(len(totals)),
        float(var / srs) if srs > 0 else float("nan"),
    )


def weighted_estimates(
    clean: pd.DataFrame,
    items,
    margins: dict[str, pd.Series],
    rule,
    psu: str | None = None,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, dict]:
    """Raking weights to ``margins`` (from the sampling frame, :func:`frame_margins`, or the
    population-margins file), then per item the unweighted and weighted % agreeing (all
    respondents) with the Taylor-linearised interval of :func:`design_proportion` (``psu``: the
    clean-data column holding the organisation identifier, used for the design only) and the
    design effect. Respondents in categories without a margin are left out and counted.
    Counts go through :mod:`helpers.disclosure` (``rule``), with the estimates derived from them.
    Returns (table, summary: n_weighted, n_left_out, design_effect_weighting, effective_n,
    variables, psu_used, n_psu, weights: the raking weights, indexed like ``clean``)."""
    from helpers import disclosure, stats

    vars_ = list(margins)
    missing = [v for v in vars_ if v not in clean.columns]
    if missing:
        raise ValueError(f"weighting margins for variable(s) not in the data: {', '.join(missing)}")
    keep = pd.Series(True, index=clean.index)
    for v in vars_:
        keep &= clean[v].astype(object).map(str).isin([str(c) for c in margins[v].index])
    d = clean[keep]
    as_text = {v: d[v].astype(object).map(str) for v in vars_}
    w = stats.rake(d.assign(**as_text), {v: m.rename(index=str) for v, m in margins.items()})
    deff_w, n_eff = stats.kish(w)
    cluster = d[psu] if psu and psu in d.columns else None
    rows = []
    for name, item in items.items():
        ok = d[name].notna()
        y = d[name].astype(object).isin(item.positive).astype(float).where(ok)
        est = design_proportion(y, w.to_numpy(), psu=cluster, alpha=alpha)
        rows.append(
            {
                "item": name,
                "n_valid": int(ok.sum()),
                "pct_unweighted": 100 * float(y.mean()) if ok.any() else np.nan,
                "pct_weighted": 100 * est.estimate,
                "ci_low": 100 * est.ci_low,
                "ci_high": 100 * est.ci_high,
                "design_effect": est.deff,
            }
        )
    columns = ["item", "n_valid", "pct_unweighted", "pct_weighted", "ci_low", "ci_high", "design_effect"]
    table = pd.DataFrame(rows, columns=columns)  # no item (all withheld): the columns, no row
    derived = {
        c: ["n_valid"] for c in ("pct_unweighted", "pct_weighted", "ci_low", "ci_high", "design_effect")
    }
    table = (
        disclosure.suppress(table, ["n_valid"], rule=rule, derived=derived)
        if rule.rule == "threshold"
        else table.assign(n_valid=[rule.shown(v) for v in table["n_valid"]])
    )
    return table, {
        "n_weighted": int(len(d)),
        "n_left_out": int((~keep).sum()),
        "design_effect_weighting": deff_w,
        "effective_n": n_eff,
        "variables": vars_,
        "psu_used": cluster is not None,
        "n_psu": int(cluster.nunique()) if cluster is not None else int(len(d)),
        "weights": w,
    }


def protect_response_rates(table: pd.DataFrame, rule) -> pd.DataFrame:
    """Disclosure control of :func:`response_rates`: the counts follow ``rule`` and the rates
    are left empty where a count they use is suppressed (decisions 9: by role and nation only)."""
    from helpers import disclosure

    counts = ["invited", "ineligible", "eligible", "complete", "partial", "unmatched"]
    derived = {
        "rr1": lambda s: np.where(s["eligible"] > 0, 100 * s["complete"] / s["eligible"], np.nan),
        "rr2": lambda s: np.where(
            s["eligible"] > 0, 100 * (s["complete"] + s["partial"]) / s["eligible"], np.nan
        ),
    }
    table = table.reset_index(drop=True)
    total = int(np.flatnonzero(table["variable"] == "all")[0]) if (table["variable"] == "all").any() else None
    equations = [
        (total, list(np.flatnonzero(table["variable"] == var)))
        for var in dict.fromkeys(table["variable"])
        if var != "all"
    ]
    protected, _ = disclosure.suppress_with_log(
        table,
        counts,
        rule=rule,
        row_totals={"invited": ["ineligible", "eligible"]},
        row_equations=equations,
        derived=derived,
    )
    return protected


def _psu_strata(n: int, psu, strata) -> tuple[np.ndarray, np.ndarray]:
    """PSU and stratum labels as strings (each respondent its own PSU when ``psu`` is None)."""
    p = np.arange(n).astype(str) if psu is None else pd.Series(psu).astype(str).to_numpy()
    h = np.zeros(n).astype(str) if strata is None else pd.Series(strata).astype(str).to_numpy()
    return p, h


def design_covariance(y: np.ndarray, weights, psu=None, strata=None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means of the columns of ``y`` (rows with any missing value are outside the
    domain) and their Taylor-linearised covariance matrix, as :func:`design_proportion` for one
    column (with replacement at the first stage, every PSU counted, no finite-population
    correction): R's ``attr(svymean(~..., design, na.rm = TRUE), "var")``."""
    y = np.asarray(y, dtype=float)
    w = np.asarray(weights, dtype=float)
    inside = ~np.isnan(y).any(axis=1)
    wsum = w[inside].sum()
    p = (w[inside, None] * y[inside]).sum(axis=0) / wsum
    z = np.where(inside[:, None], w[:, None] * (np.nan_to_num(y) - p) / wsum, 0.0)
    p_id, h_id = _psu_strata(len(y), psu, strata)
    totals = pd.DataFrame(z).groupby([h_id, p_id], sort=False).sum()
    strata_of = totals.index.get_level_values(0)
    var = np.zeros((y.shape[1], y.shape[1]))
    for h in pd.unique(strata_of):
        block = totals.to_numpy()[strata_of == h]
        m = len(block)
        if m > 1:
            dev = block - block.mean(axis=0)
            var += m / (m - 1) * dev.T @ dev
    return p, var


@dataclass(frozen=True)
class RaoScott:
    """Rao-Scott adjusted Pearson chi-square of a two-way table under the design.

    ``chi2``: Pearson's X^2 of the weighted table scaled to ``n`` (the respondents in the
    domain); ``dof`` = (r - 1)(c - 1); ``delta_mean``: the mean generalised design effect (the
    eigenvalues of Delta); ``a2``: their squared coefficient of variation.
    First order: X^2 / delta_mean on ``dof`` degrees of freedom (``chi2_first``, ``p_first``;
    R's ``svychisq(statistic = "Chisq")``). Second order: ``F`` = X^2 / trace(Delta) on
    ``ndf`` = dof / (1 + a2) and ``ddf`` = ndf (PSUs - strata) degrees of freedom (``p_f``;
    R's default ``statistic = "F"``), and its chi-square form X^2 / (delta_mean (1 + a2)) on
    ``ndf`` (``chi2_second``, ``p_second``)."""

    chi2: float
    dof: int
    n: int
    n_psu: int
    delta_mean: float
    a2: float
    chi2_first: float
    p_first: float
    F: float
    ndf: float
    ddf: float
    p_f: float
    chi2_second: float
    p_second: float


def rao_scott(rows, cols, weights, psu=None, strata=None) -> RaoScott:
    """Rao-Scott (1981, 1984) first- and second-order corrections of Pearson's chi-square test of
    independence of ``rows`` and ``cols`` (categorical; missing values outside the domain) for
    data with ``weights`` and ``psu`` (primary sampling units; None: each respondent its own)
    within ``strata``. As R's survey package ``svychisq`` (Lumley): the cell proportions' design
    covariance V (Taylor linearisation, :func:`design_covariance`), C the interaction contrasts
    of the saturated model orthogonal to the main effects, D the diagonal of the proportions,
    and Delta = (C' D^-1 C / n)^-1 (C' D^-1 V D^-1 C), whose eigenvalues are the generalised
    design effects. Only categories observed in the domain count. Under simple random sampling
    with equal weights Delta = n / (n - 1) I: the first-order statistic is X^2 (n - 1) / n.
    (R scales X^2 to every row of the data, missing ones included, and Delta with it, so its
    adjusted statistics and p-values equal these; its unadjusted X^2 does not when values are
    missing.) NaN with fewer than two categories either way or fewer than two PSUs."""
    from scipy.stats import chi2 as chi2_dist
    from scipy.stats import f as f_dist

    r = pd.Series(rows, dtype=object).reset_index(drop=True)
    c = pd.Series(cols, dtype=object).reset_index(drop=True)
    w = np.asarray(weights, dtype=float)
    p_id, h_id = _psu_strata(len(w), psu, strata)
    inside = (r.notna() & c.notna()).to_numpy() & (w > 0)
    r_levels = list(dict.fromkeys(r[inside]))
    c_levels = list(dict.fromkeys(c[inside]))
    nr, nc = len(r_levels), len(c_levels)
    n, n_psu = int(inside.sum()), len(set(zip(h_id, p_id)))
    nu = n_psu - len(set(h_id))
    nan = float("nan")
    if nr < 2 or nc < 2 or nu < 1:
        return RaoScott(nan, 0, n, n_psu, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan)
    # cell indicators, cell k = i * nc + j; NaN outside the domain
    ri = r.map({v: i for i, v in enumerate(r_levels)}).to_numpy()
    ci = c.map({v: j for j, v in enumerate(c_levels)}).to_numpy()
    y = np.full((len(w), nr * nc), np.nan)
    y[inside] = 0.0
    y[np.flatnonzero(inside), (ri[inside] * nc + ci[inside]).astype(int)] = 1.0
    p, V = design_covariance(y, w, psu=p_id, strata=h_id)
    # Pearson's X^2 of the weighted table scaled to n
    table = p.reshape(nr, nc)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    x2 = float(n * ((table - expected) ** 2 / expected).sum())
    # interaction contrasts orthogonal to the main effects (R: qr.resid(qr(X1), X12[, interactions]))
    ii, jj = np.repeat(np.arange(nr), nc), np.tile(np.arange(nc), nr)
    row_d = (ii[:, None] == np.arange(1, nr)).astype(float)
    col_d = (jj[:, None] == np.arange(1, nc)).astype(float)
    X1 = np.column_stack([np.ones(nr * nc), row_d, col_d])
    X12 = np.column_stack([row_d[:, a] * col_d[:, b] for a in range(nr - 1) for b in range(nc - 1)])
    C = X12 - X1 @ np.linalg.lstsq(X1, X12, rcond=None)[0]
    inv_d = np.where(p > 0, 1 / np.where(p > 0, p, 1), 0.0)
    denom = C.T @ (inv_d[:, None] * C) / n
    numer = C.T @ (inv_d[:, None] * V * inv_d[None, :]) @ C
    delta = np.linalg.solve(denom, numer)
    dof = (nr - 1) * (nc - 1)
    trace, trace2 = float(np.trace(delta)), float(np.trace(delta @ delta))
    delta_mean = trace / dof
    ndf = trace**2 / trace2
    a2 = dof / ndf - 1
    first = x2 / delta_mean
    F = x2 / trace
    second = x2 / (delta_mean * (1 + a2))
    return RaoScott(
        chi2=x2,
        dof=dof,
        n=n,
        n_psu=n_psu,
        delta_mean=delta_mean,
        a2=a2,
        chi2_first=first,
        p_first=float(chi2_dist.sf(first, dof)),
        F=F,
        ndf=ndf,
        ddf=ndf * nu,
        p_f=float(f_dist.sf(F, ndf, ndf * nu)),
        chi2_second=second,
        p_second=float(chi2_dist.sf(second, ndf)),
    )


DESIGN_FILE = "survey_design.parquet"
ORGANISATION = "organisation_id"


def attach_design(clean: pd.DataFrame, codebook, path: str | Path, psu: str | None = None):
    """The clean data with the organisation identifier as column :data:`ORGANISATION`, and the
    name of the primary-sampling-unit column to use. Where the codebook declares
    ``design: {organisation: <export column>}`` the cleaning stage wrote the identifier apart from
    the clean data, to ``data/processed/survey_design.parquet`` (respondent, organisation), so no
    output built from the clean data can carry it; here it is joined on the respondent pseudonym,
    for the design only (decisions 9: never in a published table). ``psu``: params
    ``survey.design.psu``, a clean-data variable that wins when given. Returns (clean, psu)."""
    if psu is not None or not getattr(codebook, "organisation", None):
        return clean, psu
    path = Path(path)
    if not path.is_file():
        raise InputError(
            path, "the codebook declares design.organisation but the cleaning stage wrote no design file"
        )
    design = pd.read_parquet(path)
    if set(design["respondent"]) != set(clean["respondent"]):
        raise InputError(
            path, "the design file and the clean data hold different respondents: rerun the cleaning stage"
        )
    orgs = clean["respondent"].map(design.set_index("respondent")["organisation"])
    # a respondent without an organisation is their own primary sampling unit
    orgs = orgs.where(orgs.notna(), "respondent " + clean["respondent"].astype(str))
    return clean.assign(**{ORGANISATION: orgs.to_numpy()}), ORGANISATION
