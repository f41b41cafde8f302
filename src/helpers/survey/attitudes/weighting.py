"""Weighting: raking to population margins and weighted agreement."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import disclosure, files, stats
from helpers.files import InputError
from helpers.survey.attitudes.items import Item

MARGINS_FILE = "population_margins.csv"


def load_margins(path: str | Path) -> dict[str, pd.Series]:
    """Population margins for raking: CSV with columns ``variable, category, count`` (one row
    per category of each variable, e.g. role x count from the sampling frame)."""
    text = files.read_text(path).text
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    need = ["variable", "category", "count"]
    if list(table.columns[:3]) != need:
        raise InputError(path, f"expected columns {', '.join(need)}", row=1, value=list(table.columns))
    margins: dict[str, dict] = {}
    for i, r in table.iterrows():
        try:
            count = float(r["count"])
        except ValueError:
            raise InputError(
                path, "count is not a number", row=i + 2, column="count", value=r["count"]
            ) from None
        if count < 0 or not np.isfinite(count):
            raise InputError(path, "count must be zero or more", row=i + 2, column="count", value=r["count"])
        if r["category"] in margins.setdefault(r["variable"], {}):
            raise InputError(path, "category listed twice", row=i + 2, column="category", value=r["category"])
        margins[r["variable"]][r["category"]] = count
    return {k: pd.Series(v, dtype=float) for k, v in margins.items()}


def weighted_agreement(
    clean: pd.DataFrame, items: Mapping[str, Item], margins: Mapping[str, pd.Series], rule: disclosure.Rule
) -> tuple[pd.DataFrame, dict]:
    """Raking weights to ``margins`` (respondents in categories without a margin are left
    out, and counted), then per item the unweighted and weighted % agree (all respondents) with
    a Wilson CI on Kish's effective n. Returns (table, summary with n, left out, deff, n_eff)."""
    vars_ = list(margins)
    missing = [v for v in vars_ if v not in clean.columns]
    if missing:
        raise ValueError(f"population margins for variable(s) not in the data: {', '.join(missing)}")
    keep = pd.Series(True, index=clean.index)
    for v in vars_:
        keep &= clean[v].astype(object).isin(list(margins[v].index))
    d = clean[keep]
    w = stats.rake(d.assign(**{v: d[v].astype(object) for v in vars_}), margins)
    deff, n_eff = stats.kish(w)
    rows = []
    for name, item in items.items():
        ok = d[name].notna()
        y = d[name].astype(object).isin(item.positive).astype(float).where(ok)
        p, low, high, ne = stats.weighted_proportion(y, w)
        n = int(ok.sum())
        rows.append(
            {
                "item": name,
                "n_valid": n,
                "pct_unweighted": 100 * y.mean() if n else np.nan,
                "pct_weighted": 100 * p,
                "ci_low": 100 * low,
                "ci_high": 100 * high,
                "effective_sample_size": ne,
            }
        )
    table = pd.DataFrame(rows)
    table = (
        disclosure.suppress(
            table,
            ["n_valid"],
            rule=rule,
            derived={
                c: ["n_valid"]
                for c in ("pct_unweighted", "pct_weighted", "ci_low", "ci_high", "effective_sample_size")
            },
        )
        if rule.rule == "threshold"
        else table.assign(n_valid=[rule.shown(v) for v in table["n_valid"]])
    )
    return table, {
        "n_weighted": int(len(d)),
        "n_left_out": int((~keep).sum()),
        "design_effect": deff,
        "effective_n": n_eff,
        "variables": vars_,
    }


WEIGHTED_FIGURES = ("pct_weighted", "ci_low", "ci_high", "design_effect")  # of attitudes_weighted


def roles_not_shown(published: pd.DataFrame) -> set[str]:
    """Items of the published attitude table (``published``: protected, suppressed cells empty
    or the marker) for which some role group with respondents has no row, or a row whose
    ``n_agree`` or ``n_valid`` is suppressed.

    A weighted % agreeing is sum_r w_r a_r / sum_r w_r v_r over the respondents; raked to the
    frame's role groups the weights are constant within a role, w_r = eligible_r / n_r, and the
    reader has both (the response-rates table and respondents by role). So where the table leaves
    the roles' agreeing (or valid) counts some freedom (a suppressed cell, or a role withheld
    within its profession or level), the weighted figure at 1 decimal takes most of it away
    (tests/survey/test_inversion.py). Raked to role and nation the weights also depend on the
    unpublished role x nation counts; an intruder can approximate them from the printed
    margins, so the same rule is applied whatever the raking variables (issue 13)."""
    from helpers.survey.attitudes.items import ROLES

    out = set()
    for item, block in published.groupby("item", sort=False):
        rows = block[block["group_type"] == "role"].set_index("group")  # a role with none: zeros
        if not set(ROLES) <= set(rows.index):
            out.add(item)
            continue
        counts = rows.loc[list(ROLES), ["n_agree", "n_valid"]].apply(pd.to_numeric, errors="coerce")
        if counts.isna().any().any():
            out.add(item)
    return out


def protect_weighted(table: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """The weighted agreement table (:func:`.design.weighted_estimates`) with the weighted
    figures (:data:`WEIGHTED_FIGURES`) of an item withheld where the published attitude table
    does not show every role group's agreeing and valid counts (:func:`roles_not_shown`): the
    weighted % would narrow them. The unweighted % and n_valid (All's counts) stay where All's
    n_valid and n_agree are printed, and are withheld where either is suppressed."""
    from helpers.survey.attitudes.descriptives import all_row_hidden

    hidden = table["item"].isin(roles_not_shown(published))
    out = table.copy()
    for c in WEIGHTED_FIGURES:
        if c in out:
            out[c] = out[c].astype(float).where(~hidden)
    # n_valid and the unweighted % are All's valid and agreeing counts: one status with them
    all_hidden = table["item"].astype(str).isin(all_row_hidden(published, ["n_valid", "n_agree"]))
    for c in ("n_valid", "pct_unweighted"):
        if c in out:
            out[c] = out[c].astype(float).where(~all_hidden)
    return out
