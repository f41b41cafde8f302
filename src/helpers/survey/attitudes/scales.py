"""Multi-item scales: scores, reliability and scale scores by role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import disclosure, stats
from helpers.survey.attitudes.items import ROLES, Item, Scale

SCALE_TESTS_INTRO = (
    "Mean scale scores by role group (below; the full table, `attitudes_scales_by_role.csv`, has n, SD "
    "and 95% CIs), then the comparison across the role groups: one-way ANOVA with eta-squared, and the "
    "Kruskal-Wallis test with epsilon-squared, which does not assume normal scores."
)


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
    reliability_columns = [
        "scale",
        "label",
        "k",
        "n",
        "alpha",
        "alpha_ci_low",
        "alpha_ci_high",
        "omega",
        "reversed",
    ]
    deleted_columns = ["scale", "item_deleted", "alpha_if_deleted", "alpha"]
    return pd.DataFrame(rows, columns=reliability_columns), pd.DataFrame(deleted, columns=deleted_columns)


def scales_by_role(
    clean: pd.DataFrame, scores: pd.DataFrame, rule: disclosure.Rule, roles: Sequence[str] = ROLES
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scale scores by role group (n, mean, SD, mean's 95% CI; groups below the disclosure
    threshold left empty) and the comparison across the four roles (ANOVA F with eta-squared,
    Kruskal-Wallis with epsilon-squared). ``roles``: the groups compared (with small roles
    combined, :meth:`helpers.publication.RoleDesign.groups` on the role column recoded by
    :meth:`~helpers.publication.RoleDesign.recode`)."""
    from scipy.stats import t as t_dist

    rows, tests = [], []
    groups = list(roles)
    roles = clean["role"].astype(object)
    for name in scores.columns:
        for role in groups:
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
        mask = roles.isin(groups)
        tests.append({"scale": name, **stats.compare_groups(scores.loc[mask, name], roles[mask])})
    table = pd.DataFrame(rows, columns=["scale", "group", "n", "mean", "sd", "ci_low", "ci_high"])
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
