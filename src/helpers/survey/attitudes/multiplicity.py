"""How many tests? Multiplicity families declared in the team's analysis plan.

Every p-value the attitude analysis publishes belongs to a *family* of tests adjusted together.
The families, and which analyses are primary, are declared in an analysis plan the team keeps in
the data folder, ``survey/analysis_plan.yaml``::

    # Items of the primary analyses (optional). When given, every family is split into a
    # primary and a secondary family, each adjusted on its own.
    primary_items: [relationship_quality, relationship_change]
    # Adjustment per family: holm, fdr_bh, bonferroni or none.
    families:
      role_tests: holm          # chi-square across the role groups, one per item
      role_effect: holm         # likelihood-ratio test of role in the ordinal model, one per item
      odds_ratios: holm         # every odds-ratio p-value of the ordinal models
      proportional_odds: holm   # Brant omnibus test, one per item
      pairwise_contrasts: holm  # every item x pair of role groups
      then_vs_now: holm         # every comparison with a published figure that has a test
      scale_tests: holm         # ANOVA across role groups, one per scale
      weighted_role_tests: holm # Rao-Scott chi-square across roles (weighted design), one per item
      partial_proportional_odds: holm  # LR test of the partial against the PO model, failing items

Without the file the documented defaults (:data:`DEFAULT_FAMILIES`: Holm within each family, no
primary items) apply, and the multiplicity table says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from helpers import files, stats
from helpers.files import InputError

PLAN_FILE = "analysis_plan.yaml"
METHODS = ("holm", "fdr_bh", "bonferroni", "none")
DEFAULT_FAMILIES = {
    "role_tests": "holm",
    "role_effect": "holm",
    "odds_ratios": "holm",
    "proportional_odds": "holm",
    "pairwise_contrasts": "holm",
    "then_vs_now": "holm",
    "scale_tests": "holm",
    "weighted_role_tests": "holm",
    "partial_proportional_odds": "holm",
}
METHOD_NAMES = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonferroni": "Bonferroni", "none": "none"}


@dataclass(frozen=True)
class Plan:
    families: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FAMILIES))
    primary_items: tuple[str, ...] = ()
    source: str = "documented defaults (no analysis plan file)"


def load_plan(path: str | Path | None) -> Plan:
    """The analysis plan at ``path`` (checked), or the defaults when ``path`` is None or absent."""
    if path is None or not Path(path).is_file():
        return Plan()
    text = files.read_text(path).text
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(path, "expected a mapping with keys primary_items and families")
    unknown = sorted(set(raw) - {"primary_items", "families"})
    if unknown:
        raise InputError(path, "unknown key(s); expected primary_items, families", value=unknown)
    families = dict(DEFAULT_FAMILIES)
    given = raw.get("families") or {}
    if not isinstance(given, dict):
        raise InputError(path, "families must be a mapping of family -> method", column="families")
    for name, method in given.items():
        if name not in DEFAULT_FAMILIES:
            raise InputError(
                path, f"unknown family (known: {', '.join(DEFAULT_FAMILIES)})", column="families", value=name
            )
        if method not in METHODS:
            raise InputError(
                path, f"unknown adjustment (expected one of {', '.join(METHODS)})", column=name, value=method
            )
        families[name] = method
    primary = raw.get("primary_items") or []
    if not isinstance(primary, list) or not all(isinstance(i, str) for i in primary):
        raise InputError(path, "primary_items must be a list of item names", column="primary_items")
    return Plan(families, tuple(primary), f"analysis plan {Path(path).name}")


def check_items(plan: Plan, known, path: str | Path = PLAN_FILE) -> None:
    """Primary items must be items of the codebook."""
    unknown = [i for i in plan.primary_items if i not in set(known)]
    if unknown:
        raise InputError(path, f"primary item(s) not in the codebook: {', '.join(unknown)}", value=unknown)


def adjust(
    table: pd.DataFrame, family: str, plan: Plan, p_col: str = "p_value", item_col: str | None = "item"
) -> pd.DataFrame:
    """``table`` with ``family`` (its family; ': primary' / ': secondary' when the plan names
    primary items and the table has ``item_col``) and ``p_adjusted`` (adjusted within the family
    by the plan's method; 'none' copies p)."""
    method = plan.families[family]
    out = table.copy()
    if plan.primary_items and item_col and item_col in out:
        primary = out[item_col].isin(plan.primary_items)
        out["family"] = [f"{family}: {'primary' if p else 'secondary'}" for p in primary]
    else:
        out["family"] = family
    out["p_adjusted"] = float("nan")
    for _, idx in out.groupby("family", sort=False).groups.items():
        p = pd.to_numeric(out.loc[idx, p_col], errors="coerce")
        out.loc[idx, "p_adjusted"] = p.to_numpy() if method == "none" else stats.adjust_pvalues(p, method)
    return out


def family_table(adjusted: Mapping[str, pd.DataFrame], plan: Plan) -> pd.DataFrame:
    """One row per family actually used: family, adjustment, tests (p-values that exist),
    declared by (the plan file or the documented defaults). Tables that are None (sections
    skipped for this instrument) are left out."""
    rows = []
    for table in adjusted.values():
        if table is None or "family" not in table:  # a section skipped for this instrument
            continue
        for fam, block in table.groupby("family", sort=False):
            base = fam.split(":")[0]
            rows.append(
                {
                    "family": fam,
                    "adjustment": METHOD_NAMES[plan.families[base]],
                    "tests": int(pd.to_numeric(block["p_adjusted"], errors="coerce").notna().sum()),
                    "declared_by": plan.source,
                }
            )
    return pd.DataFrame(rows, columns=["family", "adjustment", "tests", "declared_by"])
