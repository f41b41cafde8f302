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
    table = pd.DataFrame(rows)
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
