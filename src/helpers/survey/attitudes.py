"""The attitude analysis (notebook 03): descriptives by role, tests, models, scales, then and now.

Every function takes the clean survey data (``data/processed/survey_clean.parquet``, one row
per analysable respondent; Likert items are ordered Categoricals of substantive labels, with a
companion ``<item>_nonsub`` column for "Don't know" and the like) and item metadata as
arguments (:func:`items_from_codebook` builds it from the codebook). Tables that count people
go through :mod:`helpers.disclosure` (:func:`protect_by_role`) before they are written.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import disclosure, files, stats
from helpers.files import InputError

ROLES = ["Chief executive", "Medical director", "Clinical director", "Directorate manager"]
OTHER_ROLE = "Other"
ALL = "All respondents"
GROUP_TYPES = ("all", "role", "profession", "level")
# Published totals across the groups of one item (disclosure row equations): total = parts.
HIERARCHY = [
    (("profession", "Doctor"), [("role", "Medical director"), ("role", "Clinical director")]),
    (("profession", "Manager"), [("role", "Chief executive"), ("role", "Directorate manager")]),
    (("level", "Board"), [("role", "Chief executive"), ("role", "Medical director")]),
    (("level", "Directorate"), [("role", "Clinical director"), ("role", "Directorate manager")]),
]
COVARIATES = ["nation", "years_in_role", "org_type"]
MAX_LEVELS = 7


@dataclass(frozen=True)
class Item:
    """A Likert item: its question, substantive levels (low to high) and the levels counted as
    agreement/positive."""

    name: str
    question: str
    levels: tuple[str, ...]
    positive: tuple[str, ...]
    battery: str | None = None
    reverse: bool = False

    def __post_init__(self):
        if not set(self.positive) <= set(self.levels):
            raise ValueError(
                f"item {self.name!r}: positive levels {list(self.positive)} not among its levels"
            )
        if not 2 <= len(self.levels) <= MAX_LEVELS:
            raise ValueError(f"item {self.name!r}: expected 2-{MAX_LEVELS} levels, got {len(self.levels)}")


@dataclass(frozen=True)
class Scale:
    name: str
    label: str
    items: tuple[str, ...]
    reverse: tuple[str, ...] = ()


def items_from_codebook(codebook) -> dict[str, Item]:
    """Item metadata from :func:`helpers.survey.codebook.load_codebook`'s Codebook."""
    return {
        v.name: Item(v.name, v.question, tuple(v.scale.labels), tuple(v.scale.positive), v.battery, v.reverse)
        for v in codebook.likert_items
    }


def scales_from_codebook(codebook) -> dict[str, Scale]:
    return {
        s.name: Scale(s.name, s.label, tuple(s.items), tuple(s.reverse))
        for s in codebook.multi_item_scales.values()
    }


def load_clean(path: str | Path) -> pd.DataFrame:
    """The clean survey data, read through helpers.files so provenance lists it."""
    return pd.read_parquet(io.BytesIO(files.read_bytes(path)))


# ---------------------------------------------------------------------------------------------
# Descriptives
# ---------------------------------------------------------------------------------------------


def _groups(clean: pd.DataFrame) -> list[tuple[str, str, pd.Series]]:
    """(group_type, group, mask) for every group reported: all, the role groups (Other only
    when someone is in it), doctor/manager, board/directorate."""
    out = [("all", ALL, pd.Series(True, index=clean.index))]
    for role in [*ROLES, OTHER_ROLE]:
        mask = clean["role"].astype(object) == role
        if role in ROLES or mask.any():
            out.append(("role", role, mask))
    for gtype, values in (("profession", ["Doctor", "Manager"]), ("level", ["Board", "Directorate"])):
        for value in values:
            out.append((gtype, value, clean[gtype].astype(object) == value))
    return out


def level_columns(k: int) -> list[str]:
    return [f"n_{i}" for i in range(1, k + 1)]


def by_role(clean: pd.DataFrame, items: Mapping[str, Item], alpha: float = 0.05) -> pd.DataFrame:
    """Descriptives per item x group (before disclosure control), long format.

    Columns: ``item, question, group_type, group, levels, n_respondents, n_nonsub, n_valid,
    n_1 .. n_7, n_agree, pct_agree, ci_low, ci_high``. ``levels`` names the substantive levels
    behind ``n_1 ..`` ('|'-separated, low to high); ``n_agree`` counts the item's positive
    levels; ``n_nonsub`` counts non-substantive answers ("Don't know", ...), which are never in
    ``n_valid``; percentages are 0-100 with Wilson 95% CIs.
    """
    # Counted from the Categoricals' integer codes with np.bincount: the same numbers as
    # value_counts per group, about ten times faster at 1.5 million respondents (issue 8).
    groups = [(gtype, group, mask.to_numpy()) for gtype, group, mask in _groups(clean)]
    rows = []
    for name, item in items.items():
        codes = item_codes(clean[name], item.levels, name)
        nonsub_col = f"{name}_nonsub"
        nonsub = clean[nonsub_col].notna().to_numpy() if nonsub_col in clean else np.zeros(len(clean), bool)
        k = len(item.levels)
        positive = [item.levels.index(level) for level in item.positive]
        for gtype, group, mask in groups:
            answered = codes[mask]
            counts = np.bincount(answered[answered >= 0], minlength=k)
            row = {
                "item": name,
                "question": item.question,
                "group_type": gtype,
                "group": group,
                "levels": "|".join(item.levels),
                "n_respondents": int(mask.sum()),
                "n_nonsub": int(nonsub[mask].sum()),
                "n_valid": int(counts.sum()),
            }
            for i in range(MAX_LEVELS):
                row[f"n_{i + 1}"] = int(counts[i]) if i < k else np.nan
            row["n_agree"] = int(counts[positive].sum())
            rows.append(row)
    table = _add_percentages(pd.DataFrame(rows), alpha)
    used = [c for c in level_columns(MAX_LEVELS) if table[c].notna().any()]
    return table.drop(columns=[c for c in level_columns(MAX_LEVELS) if c not in used])


def item_codes(values: pd.Series, levels: Sequence[str], name: str) -> np.ndarray:
    """Integer codes of an item's substantive levels, low to high (-1: no substantive answer)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and list(values.cat.categories) == list(levels):
        return np.asarray(values.cat.codes)
    values = values.astype(object)
    stray = values.notna() & ~values.isin(list(levels))
    if stray.any():
        unknown = sorted(set(values[stray].astype(str)))
        raise ValueError(f"item {name!r}: values not among its substantive levels: {', '.join(unknown)}")
    return np.asarray(pd.Categorical(values, categories=list(levels)).codes)


def _add_percentages(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    n_agree = pd.to_numeric(table["n_agree"], errors="coerce").astype(float)
    n_valid = pd.to_numeric(table["n_valid"], errors="coerce").astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["pct_agree"] = np.where(n_valid > 0, 100 * n_agree / n_valid, np.nan)
    low, high = stats.wilson_ci(n_agree.to_numpy(), n_valid.to_numpy(), alpha)
    table["ci_low"], table["ci_high"] = 100 * np.asarray(low, float), 100 * np.asarray(high, float)
    return table


def _equations(block: pd.DataFrame) -> list[tuple[int | None, list[int]]]:
    """Row equations among one item's groups (positions in ``block``)."""
    pos = {(t, g): i for i, (t, g) in enumerate(zip(block["group_type"], block["group"]))}
    eqs = []
    total = pos.get(("all", ALL))
    roles = [pos[k] for k in pos if k[0] == "role"]
    if roles:
        eqs.append((total, roles))
    for gtype in ("profession", "level"):
        parts = [pos[k] for k in pos if k[0] == gtype]
        if parts:
            eqs.append((total, parts))
    for (t, g), parts in HIERARCHY:
        if (t, g) in pos and all(p in pos for p in parts):
            eqs.append((pos[(t, g)], [pos[p] for p in parts]))
    return eqs


def protect_by_role(
    table: pd.DataFrame, rule: disclosure.Rule, alpha: float = 0.05
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disclosure control of :func:`by_role`'s table, one item at a time.

    Counts of people (respondents, non-substantive, valid, each level, agreeing) follow
    ``rule``; within a row n_valid = the level counts and n_agree = its positive levels (item
    non-response, n_respondents - n_valid - n_nonsub, is not treated as a sensitive count); across rows All = the role groups, All = doctors +
    managers, All = board + directorate, Doctor = MD + CD, Manager = CE + DM, Board = CE + MD,
    Directorate = CD + DM. Percentages and CIs are recomputed from the published counts and
    left empty where a count they use is suppressed (``rule.marker`` None) or marked.
    Returns (protected table, suppression log with item and group).
    """
    out, logs = [], []
    for item, block in table.groupby("item", sort=False):
        block = block.reset_index(drop=True)
        k = len(block["levels"].iloc[0].split("|"))
        levels = block["levels"].iloc[0].split("|")
        lcols = level_columns(k)
        block = block.drop(
            columns=[c for c in block.columns if c.startswith("n_") and c[2:].isdigit() and c not in lcols]
        )
        positive_cols = _positive_columns(block, levels)
        counts = ["n_respondents", "n_nonsub", "n_valid", *lcols, "n_agree"]
        derived = {
            "pct_agree": lambda s: np.where(s["n_valid"] > 0, 100 * s["n_agree"] / s["n_valid"], np.nan),
            "ci_low": lambda s: (
                100
                * np.asarray(
                    stats.wilson_ci(s["n_agree"].to_numpy(), s["n_valid"].to_numpy(), alpha)[0], float
                )
            ),
            "ci_high": lambda s: (
                100
                * np.asarray(
                    stats.wilson_ci(s["n_agree"].to_numpy(), s["n_valid"].to_numpy(), alpha)[1], float
                )
            ),
        }
        protected, log = disclosure.suppress_with_log(
            block,
            counts,
            rule=rule,
            row_totals={"n_valid": lcols, "n_agree": positive_cols},
            row_equations=_equations(block),
            derived=derived,
        )
        log.insert(0, "group", block.loc[log["row"], "group"].to_numpy())
        log.insert(0, "group_type", block.loc[log["row"], "group_type"].to_numpy())
        log.insert(0, "item", item)
        out.append(protected)
        logs.append(log.drop(columns="row"))
    result = pd.concat(out, ignore_index=True)
    for c in ("pct_agree", "ci_low", "ci_high"):
        if rule.marker is None:
            result[c] = pd.to_numeric(result[c]).round(1)
    return result, pd.concat(logs, ignore_index=True)


def _positive_columns(block: pd.DataFrame, levels: list[str]) -> list[str]:
    """The level columns whose sum is n_agree in every row of the block (checked)."""
    n_agree = block["n_agree"].to_numpy()
    k = len(levels)
    candidates = (
        [level_columns(k)[i:] for i in range(k)]
        + [level_columns(k)[: i + 1] for i in range(k)]
        + [[c] for c in level_columns(k)]
    )
    for cols in candidates:
        if (block[cols].sum(axis=1).to_numpy() == n_agree).all():
            return cols
    raise ValueError(f"item {block['item'].iloc[0]!r}: n_agree is not a run of levels")


def distribution_for_chart(
    clean: pd.DataFrame, items: Mapping[str, Item], group: str = "role"
) -> pd.DataFrame:
    """The four role groups only, for the charts (Other has too few people to chart)."""
    d = clean[clean[group].astype(object).isin(ROLES)].copy()
    d[group] = pd.Categorical(d[group].astype(object), categories=ROLES)
    return d


# ---------------------------------------------------------------------------------------------
# Comparisons across roles
# ---------------------------------------------------------------------------------------------


def role_tests(
    clean: pd.DataFrame, items: Mapping[str, Item], roles: Sequence[str] = ROLES, adjust: str = "holm"
) -> pd.DataFrame:
    """Per item, across the role groups: Pearson chi-square (as in 2002), the ordinal
    (linear-by-linear) association test, Cramér's V, the smallest expected count; p-values
    adjusted across items (``adjust``: holm or fdr_bh) for both tests."""
    role = pd.Categorical(clean["role"].astype(object), categories=list(roles)).codes
    rows = []
    for name, item in items.items():
        k = len(item.levels)
        codes = item_codes(clean[name], item.levels, name)
        both = (role >= 0) & (codes >= 0)  # role x level table by bincount (a fast crosstab)
        table = np.bincount(role[both] * k + codes[both], minlength=len(roles) * k).reshape(len(roles), k)
        res = stats.association(table)
        rows.append(
            {
                "item": name,
                "question": item.question,
                "n": res.n,
                "chi2": res.chi2,
                "dof": res.dof,
                "p_value": res.p_value,
                "cramers_v": res.cramers_v,
                "min_expected": res.min_expected,
                "ordinal_z": res.ordinal_z,
                "ordinal_p": res.ordinal_p,
            }
        )
    out = pd.DataFrame(rows)
    out[f"p_{adjust}"] = stats.adjust_pvalues(out["p_value"], adjust)
    out[f"ordinal_p_{adjust}"] = stats.adjust_pvalues(out["ordinal_p"], adjust)
    return out


def _model_frame(
    clean: pd.DataFrame, covariates: Sequence[str], reference_role: str
) -> tuple[pd.DataFrame, list[str]]:
    d = clean[clean["role"].astype(object).isin(ROLES)].copy()
    order = [reference_role] + [r for r in ROLES if r != reference_role]
    d["role"] = pd.Categorical(d["role"].astype(object), categories=order)
    present = [c for c in covariates if c in d and d[c].notna().any() and d[c].nunique() > 1]
    return d, present


def ordinal_models(
    clean: pd.DataFrame,
    items: Mapping[str, Item],
    covariates: Sequence[str] = COVARIATES,
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
        "cutpoints": first(pd.concat(cuts, ignore_index=True), ["term", "cut", "odds_ratio", "unstable"]),
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


# ---------------------------------------------------------------------------------------------
# Multi-item scales
# ---------------------------------------------------------------------------------------------


def item_scores(clean: pd.DataFrame, items: Mapping[str, Item], scale: Scale) -> pd.DataFrame:
    """Items of a scale coded 1..k (reverse-coded items run k..1)."""
    out = {}
    for name in scale.items:
        codes = clean[name].cat.codes.astype(float).where(clean[name].notna()) + 1
        k = len(items[name].levels)
        out[name] = (k + 1 - codes) if name in scale.reverse else codes
    return pd.DataFrame(out, index=clean.index)


def scale_scores(
    clean: pd.DataFrame, items: Mapping[str, Item], scales: Mapping[str, Scale], min_share: float = 0.75
) -> pd.DataFrame:
    """Each scale's score: the mean item score (1-5) over the items answered, for respondents
    who answered at least ``min_share`` of the scale's items (others: empty)."""
    out = {}
    for name, scale in scales.items():
        x = item_scores(clean, items, scale)
        enough = x.notna().mean(axis=1) >= min_share
        out[name] = x.mean(axis=1).where(enough)
    return pd.DataFrame(out, index=clean.index)


def scale_reliability(
    clean: pd.DataFrame, items: Mapping[str, Item], scales: Mapping[str, Scale]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per scale: Cronbach's alpha with Feldt 95% CI, McDonald's omega (one-factor), complete
    cases n; and alpha if each item is deleted."""
    rows, deleted = [], []
    for name, scale in scales.items():
        rel = stats.reliability(item_scores(clean, items, scale))
        rows.append(
            {
                "scale": name,
                "label": scale.label,
                "k": rel.k,
                "n": rel.n,
                "alpha": rel.alpha,
                "alpha_ci_low": rel.ci_low,
                "alpha_ci_high": rel.ci_high,
                "omega": rel.omega,
                "reversed": ", ".join(scale.reverse),
            }
        )
        deleted += [
            {"scale": name, "item_deleted": item, "alpha_if_deleted": value, "alpha": rel.alpha}
            for item, value in rel.alpha_if_deleted.items()
        ]
    return pd.DataFrame(rows), pd.DataFrame(deleted)


def scales_by_role(
    clean: pd.DataFrame, scores: pd.DataFrame, rule: disclosure.Rule
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scale scores by role group (n, mean, SD, mean's 95% CI; groups below the disclosure
    threshold left empty) and the comparison across the four roles (ANOVA F with eta-squared,
    Kruskal-Wallis with epsilon-squared)."""
    from scipy.stats import t as t_dist

    rows, tests = [], []
    roles = clean["role"].astype(object)
    for name in scores.columns:
        for role in ROLES:
            s = scores.loc[roles == role, name].dropna()
            n = len(s)
            half = t_dist.ppf(0.975, n - 1) * s.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
            rows.append(
                {
                    "scale": name,
                    "group": role,
                    "n": n,
                    "mean": s.mean() if n else np.nan,
                    "sd": s.std(ddof=1) if n > 1 else np.nan,
                    "ci_low": s.mean() - half if n > 1 else np.nan,
                    "ci_high": s.mean() + half if n > 1 else np.nan,
                }
            )
        mask = roles.isin(ROLES)
        tests.append({"scale": name, **stats.compare_groups(scores.loc[mask, name], roles[mask])})
    table = pd.DataFrame(rows)
    protected = (
        disclosure.suppress(
            table, ["n"], rule=rule, derived={c: ["n"] for c in ("mean", "sd", "ci_low", "ci_high")}
        )
        if rule.rule == "threshold"
        else _drop_small(table, rule)
    )
    return protected, pd.DataFrame(tests)


def _drop_small(table, rule):
    """NHS rule: suppress small groups, round n; means are not counts and are kept."""
    return disclosure.suppress(
        table,
        ["n"],
        rule=rule,
        derived={
            c: (lambda s, c=c: np.where(s["n"].isna(), np.nan, table[c]))
            for c in ("mean", "sd", "ci_low", "ci_high")
        },
    )


# ---------------------------------------------------------------------------------------------
# Then and now
# ---------------------------------------------------------------------------------------------

REFERENCE_COLUMNS = [
    "survey_year",
    "source",
    "measure",
    "item",
    "levels_counted",
    "group",
    "numerator",
    "denominator",
    "pct_published",
    "basis",
    "verified",
    "note",
]


def load_reference(path: str | Path) -> pd.DataFrame:
    """The published figures (data/reference/published_figures.csv), checked."""
    text = files.read_text(path).text
    table = pd.read_csv(io.StringIO(text), dtype={"group": str, "measure": str, "item": str})
    missing = [c for c in REFERENCE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(path, f"missing column(s): {', '.join(missing)}")
    for i, row in table.iterrows():
        if row["basis"] not in ("counts", "percentage"):
            raise InputError(
                path, "basis must be counts or percentage", row=i + 2, column="basis", value=row["basis"]
            )
        if row["basis"] == "counts" and (
            pd.isna(row["numerator"])
            or pd.isna(row["denominator"])
            or not 0 <= row["numerator"] <= row["denominator"]
        ):
            raise InputError(
                path,
                "counts rows need 0 <= numerator <= denominator",
                row=i + 2,
                column="numerator",
                value=row["numerator"],
            )
        if not 0 <= row["pct_published"] <= 100:
            raise InputError(
                path,
                "percentage outside 0-100",
                row=i + 2,
                column="pct_published",
                value=row["pct_published"],
            )
    return table


def this_run_measures(protected: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """This run's count for each reference measure and group, from the protected by-role
    table (so nothing suppressed there reappears here): measure, group, x, n."""
    rows = []
    for (measure, item, levels_counted), _ in reference.groupby(
        ["measure", "item", "levels_counted"], sort=False
    ):
        block = protected[protected["item"] == item]
        if block.empty:
            continue
        levels = block["levels"].iloc[0].split("|")
        wanted = levels_counted.split("|")
        unknown = [w for w in wanted if w not in levels]
        if unknown:
            raise ValueError(
                f"reference measure {measure!r}: level(s) {unknown} not among the levels of {item!r}"
            )
        cols = [f"n_{levels.index(w) + 1}" for w in wanted]
        for _, r in block[block["group_type"].isin(["all", "role"])].iterrows():
            parts = [r[c] for c in cols]
            x = np.nan if any(pd.isna(p) or isinstance(p, str) for p in parts) else float(sum(parts))
            n = r["n_valid"] if not (pd.isna(r["n_valid"]) or isinstance(r["n_valid"], str)) else np.nan
            rows.append({"measure": measure, "item": item, "group": r["group"], "x": x, "n": float(n)})
    return pd.DataFrame(rows, columns=["measure", "item", "group", "x", "n"])


def then_vs_now(
    protected: pd.DataFrame, reference: pd.DataFrame, run_label: str = "This run"
) -> pd.DataFrame:
    """This run against each published figure (this run's counts ``n_agree`` of ``n_valid``): this run's % with Wilson CI, the published %,
    the difference (this run minus published, percentage points) with Newcombe's 95% CI and
    the two-proportion z test. Rows whose published figure has no counts use the published
    percentage of the stated respondents (``approximate`` True); rows without a denominator,
    or whose count here is suppressed, get no interval or test."""
    now = this_run_measures(protected, reference)
    rows = []
    for _, ref in reference.iterrows():
        mine = now[(now["measure"] == ref["measure"]) & (now["group"] == ref["group"])]
        x, n = (mine["x"].iloc[0], mine["n"].iloc[0]) if len(mine) else (np.nan, np.nan)
        row = {
            "measure": ref["measure"],
            "group": ref["group"],
            "published_year": int(ref["survey_year"]),
            "source": ref["source"],
            "basis": ref["basis"],
            "published_numerator": ref["numerator"],
            "published_denominator": ref["denominator"],
            "published_pct": float(ref["pct_published"]),
            "run": run_label,
            "n_agree": x,
            "n_valid": n,
        }
        if ref["basis"] == "counts":
            px, pn, approx = float(ref["numerator"]), float(ref["denominator"]), False
            row["published_pct"] = 100 * px / pn
        elif not pd.isna(ref["denominator"]):
            pn = float(ref["denominator"])
            px, approx = float(round(ref["pct_published"] / 100 * pn)), True
        else:
            px = pn = np.nan
            approx = True
        row["approximate"] = approx
        ok = not any(pd.isna(v) for v in (x, n, px, pn)) and n > 0 and pn > 0
        if not (pd.isna(x) or pd.isna(n) or n == 0):
            low, high = stats.wilson_ci(x, n)
            row.update(pct=100 * x / n, ci_low=100 * float(low), ci_high=100 * float(high))
        else:
            row.update(pct=np.nan, ci_low=np.nan, ci_high=np.nan)
        if ok:
            diff = stats.compare_proportions(x, n, px, pn)
            row.update(
                diff_pp=100 * diff.diff,
                diff_ci_low=100 * diff.ci_low,
                diff_ci_high=100 * diff.ci_high,
                z=diff.z,
                p_value=diff.p_value,
            )
        else:
            row.update(diff_pp=np.nan, diff_ci_low=np.nan, diff_ci_high=np.nan, z=np.nan, p_value=np.nan)
        rows.append(row)
    return pd.DataFrame(rows)


MEASURE_LABELS = {
    "relationship_positive": "Rate relationships positive (4-5)",
    "relationship_improve": "Expect relations to improve",
    "relationship_deteriorate": "Expect relations to deteriorate",
    "regulation_punitive_agree": "Regulation poorly co-ordinated and punitive (agree)",
    "cost_quality_tension_agree": "Rising cost-quality tension (agree)",
}


def then_vs_now_chart_table(
    protected: pd.DataFrame, reference: pd.DataFrame, run_label: str = "This run", since: int = 2002
) -> pd.DataFrame:
    """Long table for :func:`helpers.plots.then_vs_now`, for the measures published for
    ``since``: one row per measure x group x source. Published figures carry Wilson CIs where
    counts were published; this run is shown for all respondents and every role group (from
    the protected table: suppressed counts are not shown)."""
    ref = reference[reference["measure"].isin(reference.loc[reference["survey_year"] == since, "measure"])]
    rows = []
    for _, r in ref.iterrows():
        if r["basis"] == "counts":
            low, high = stats.wilson_ci(r["numerator"], r["denominator"])
            pct, low, high = 100 * r["numerator"] / r["denominator"], 100 * float(low), 100 * float(high)
        else:
            pct, low, high = float(r["pct_published"]), np.nan, np.nan
        rows.append(
            {
                "measure": MEASURE_LABELS.get(r["measure"], r["measure"]),
                "group": r["group"],
                "source": f"{int(r['survey_year'])} (published)",
                "pct": pct,
                "ci_low": low,
                "ci_high": high,
            }
        )
    for _, m in this_run_measures(protected, ref).iterrows():
        if pd.isna(m["x"]) or pd.isna(m["n"]) or m["n"] == 0:
            continue
        low, high = stats.wilson_ci(m["x"], m["n"])
        rows.append(
            {
                "measure": MEASURE_LABELS.get(m["measure"], m["measure"]),
                "group": m["group"],
                "source": run_label,
                "pct": 100 * m["x"] / m["n"],
                "ci_low": 100 * float(low),
                "ci_high": 100 * float(high),
            }
        )
    return pd.DataFrame(rows, columns=["measure", "group", "source", "pct", "ci_low", "ci_high"])


# ---------------------------------------------------------------------------------------------
# Weighting (optional)
# ---------------------------------------------------------------------------------------------

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


def roles_as_columns(clean: pd.DataFrame, item: str, roles: Sequence[str] = ROLES) -> pd.DataFrame:
    """One column per role group (plus all respondents first) holding ``item``'s answers of
    that group (empty for everyone else), so :func:`helpers.plots.diverging_likert` draws one
    bar per role for a single item."""
    role = clean["role"].astype(object)
    out = {ALL: clean[item]}
    for r in roles:
        out[r] = clean[item].where(role == r)
    return pd.DataFrame(out, index=clean.index)


# ---------------------------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------------------------


def tidy_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """Round for publication: percentages and their CIs to 1 decimal, p-values to 3
    significant figures, other statistics to 3 decimals; counts and text untouched."""

    def rounder(name):
        if name.startswith(("pct", "ci_", "diff_", "published_pct")) or name.endswith("_pp"):
            return lambda v: round(v, 1)
        if name == "p_value" or name.startswith(("p_", "ordinal_p")):
            return lambda v: float(f"{v:.3g}")
        return lambda v: round(v, 3)

    out = table.copy()
    for col in out.columns:
        values, fn = out[col], rounder(str(col))
        if pd.api.types.is_float_dtype(values):
            out[col] = values.map(lambda v: fn(v) if pd.notna(v) else v)
        elif values.dtype == object:  # numbers mixed with suppression markers
            out[col] = values.map(
                lambda v: fn(v) if isinstance(v, (float, np.floating)) and np.isfinite(v) else v
            )
    return out


def suppression_summary(log: pd.DataFrame) -> pd.DataFrame:
    """Where cells were suppressed and why, without the suppressed values (publishable)."""
    kind = log["reason"].str.split(":").str[0]
    return (
        log.assign(kind=kind)
        .groupby(["item", "kind"], sort=False)
        .size()
        .rename("cells")
        .reset_index()
        .pivot(index="item", columns="kind", values="cells")
        .fillna(0)
        .astype(int)
        .reset_index()
    )


def protect_counts(
    table: pd.DataFrame, rule: disclosure.Rule, count_cols: Sequence[str] = ("n",)
) -> pd.DataFrame:
    """Disclosure control for a table whose only counts are sample sizes (tests, models)."""
    return disclosure.suppress(table, list(count_cols), rule=rule)


SHEET_TITLES = {
    "by_role": (
        "Agreement by item and group",
        "Wilson 95% CIs; n_1.. are the answer levels listed in 'levels'; non-substantive answers (n_nonsub) are not in n_valid.",
    ),
    "suppression": (
        "Suppressed cells per item",
        "Primary: small counts; secondary: cells suppressed so a small count cannot be recovered from a total.",
    ),
    "role_tests": (
        "Tests across the four role groups",
        "Pearson chi-square (no continuity correction), linear-by-linear association test; Holm-adjusted across items.",
    ),
    "ordinal_odds_ratios": (
        "Proportional-odds models: odds ratios",
        "Reference: clinical directors; covariates nation, years in role, organisation type; Wald 95% CIs.",
    ),
    "ordinal_role_effect": (
        "Proportional-odds models: role effect",
        "Likelihood-ratio test of role given the covariates; Holm-adjusted across items.",
    ),
    "ordinal_proportional_odds": (
        "Brant test of proportional odds",
        "Omnibus and per term; separate binary logits at each cut-point.",
    ),
    "ordinal_cutpoints": (
        "Cut-point odds ratios",
        "Separate binary logits of answering above each level; 'unstable' marks separation.",
    ),
    "scale_reliability": (
        "Scale reliability",
        "Cronbach's alpha with Feldt 95% CI (complete cases); McDonald's omega from a one-factor ML model.",
    ),
    "alpha_if_deleted": ("Alpha if item deleted", ""),
    "scales_by_role": (
        "Scale scores by role group",
        "Mean of item scores (1-5), reversed items recoded; t-based 95% CIs.",
    ),
    "scale_tests": (
        "Scale scores across role groups",
        "One-way ANOVA (eta-squared) and Kruskal-Wallis (epsilon-squared).",
    ),
    "then_vs_now": (
        "This run against the published 2002 and 2015 figures",
        "Difference = this run minus published, percentage points, Newcombe hybrid score 95% CI; two-proportion z test; 'approximate' rows use the published rounded % of the survey's respondents.",
    ),
    "weighted": ("Weighted agreement", "Raking to population margins; Wilson CI on Kish's effective n."),
}


def workbook_sheets(tables: Mapping[str, pd.DataFrame | None], rule: disclosure.Rule) -> dict:
    """The strand's tables as :class:`helpers.workbook.Sheet` objects with titles and notes
    (tables that are None are left out)."""
    from helpers.workbook import Sheet

    suppression_note = (
        f"Disclosure control: counts of 1-{rule.upper} suppressed"
        + (", others rounded to the nearest 5" if rule.rule == "nhs" else "")
        + f", with the percentages and cells that would reveal them; suppressed cells show {rule.marker!r}."
    )
    sheets = {}
    for name, table in tables.items():
        if table is None:
            continue
        title, note = SHEET_TITLES.get(name, (name, ""))
        notes = [
            n
            for n in (
                note,
                suppression_note,
                "Sources of published figures: data/reference/README.md." if name == "then_vs_now" else "",
            )
            if n
        ]
        sheets[name] = Sheet(tidy_numbers(table), title, notes)
    return sheets


def headline(
    by_role_table: pd.DataFrame,
    tests: pd.DataFrame,
    role_effect: pd.DataFrame,
    brant: pd.DataFrame,
    comparison: pd.DataFrame,
    items: Mapping[str, Item],
    alpha: float = 0.05,
) -> str:
    """The main results in words (Markdown), computed from the published tables, so the text
    always agrees with them (suppressed cells are never quoted)."""
    lines = []
    roles = by_role_table[by_role_table["group_type"] == "role"]
    pct = roles.pivot(index="item", columns="group", values="pct_agree").reindex(columns=ROLES)
    pct = pct.apply(pd.to_numeric, errors="coerce").dropna(how="any")
    if len(pct):
        top = pct.idxmax(axis=1).value_counts().reindex(ROLES, fill_value=0)
        bottom = pct.idxmin(axis=1).value_counts().reindex(ROLES, fill_value=0)
        lines.append(
            f"- Of the {len(pct)} items with every role group's percentage published, the highest share "
            f"agreeing (or positive) was among "
            + ", ".join(f"{r.lower()}s on {top[r]}" for r in ROLES if top[r])
            + "; the lowest among "
            + ", ".join(f"{r.lower()}s on {bottom[r]}" for r in ROLES if bottom[r])
            + "."
        )
    holm = [c for c in tests.columns if c.startswith("p_") and not c.startswith("p_value")]
    if holm:
        sig = tests[pd.to_numeric(tests[holm[0]]) < alpha]["item"].tolist()
        lines.append(
            f"- The four role groups differed (chi-square, Holm-adjusted p < {alpha}) on {len(sig)} of {len(tests)} items."
        )
    adj = [c for c in role_effect.columns if c.startswith("p_") and c != "p_value"]
    if adj:
        sig = role_effect[pd.to_numeric(role_effect[adj[0]]) < alpha]["item"].tolist()
        lines.append(
            f"- Allowing for nation, years in role and organisation type, role group was associated with the "
            f"answers to {len(sig)} of {len(role_effect)} items (likelihood-ratio test, Holm-adjusted)."
        )
    omni = brant[brant["term"] == "omnibus"].copy()
    if len(omni):
        omni["p_adj"] = stats.adjust_pvalues(omni["p_value"])
        doubtful = omni[omni["p_adj"] < alpha]["item"].tolist()
        lines.append(
            f"- The proportional-odds assumption was doubtful (Brant test, Holm-adjusted p < {alpha}) for "
            + (", ".join(f"`{i}`" for i in doubtful) if doubtful else "no item")
            + "; for those items read the odds ratios as averages over the cut-points."
        )
    labels = {
        "relationship_positive": "rated relationships positive",
        "relationship_improve": "expected improvement",
        "relationship_deteriorate": "expected deterioration",
    }
    for _, r in comparison[(comparison["published_year"] == 2002) & comparison["diff_pp"].notna()].iterrows():
        what = labels.get(r["measure"], r["measure"])
        lines.append(
            f"- {r['group']}: {r['pct']:.0f}% {what} in this run against {r['published_pct']:.0f}% in 2002 "
            f"(difference {r['diff_pp']:+.0f} points, 95% CI {r['diff_ci_low']:+.0f} to {r['diff_ci_high']:+.0f}"
            + ("; approximate" if r["approximate"] else "")
            + ")."
        )
    return "\n".join(lines)


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
