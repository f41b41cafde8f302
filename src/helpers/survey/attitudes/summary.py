"""The attitude analysis summarised: workbook sheets and headline sentences."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from helpers import disclosure, numbers, stats
from helpers.survey.attitudes.descriptives import tidy_numbers
from helpers.survey.attitudes.items import ROLES, Item

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
        "Pearson chi-square (no continuity correction; Monte Carlo p with fixed margins, 9,999 tables, where an expected count is below 5) and Kruskal-Wallis; role groups are nominal, so no trend test. Cramér's V described by Cohen's thresholds divided by sqrt(v_df). Holm-adjusted across items.",
    ),
    "weighted_role_tests": (
        "Tests across the four role groups, weighted design",
        "Rao-Scott adjusted Pearson chi-square of the raking-weighted data, organisations as primary sampling units where the data hold an organisation identifier: first order (first_order_chi2 on dof, p_first_order) and second order (F on ndf and ddf, p_value, as R's svychisq default); delta_mean is the mean generalised design effect. Holm-adjusted across items.",
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
    "ordinal_beside_po": (
        "Items failing the Brant test: cut-point odds ratios beside the proportional-odds model",
        "Role odds ratios of the proportional-odds model and of the separate binary logits at each cut-point; Wald 95% CIs; 'unstable' marks separation.",
    ),
    "ordinal_partial_odds": (
        "Items failing the Brant test: partial proportional-odds models",
        "Role odds ratios per cut-point (answer above the level), covariates' odds ratios once (cut 'all'); maximum likelihood, Wald 95% CIs.",
    ),
    "ordinal_partial_tests": (
        "Likelihood-ratio test of the partial against the proportional-odds model",
        "Role non-parallel against parallel, (levels - 2) x 3 degrees of freedom; Holm-adjusted across the items tested.",
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
    "weighted": (
        "Weighted agreement",
        "Raking to the sampling frame's eligible invited people (or to population margins without a frame); Taylor-linearised 95% CI (organisations as PSUs where identified); design effect against simple random sampling. Weighted figures withheld where a role group's agreeing or valid answers are suppressed (they would narrow them).",
    ),
    "sensitivity": (
        "Sensitivity of the conclusions to the analysis rules",
        "Main analysis against: speeders and straight-liners excluded; don't know as the neutral level; weighted; complete-case scales. 'changes' names a conclusion (majority view, role difference) that differs from the main analysis. An empty estimate is withheld: beside the published counts it would give back a count too small to publish.",
    ),
    "response_rates": (
        "Response rates (AAPOR RR1, RR2)",
        "RR1 = complete / eligible invited; RR2 = (complete + partial) / eligible invited; unknown eligibility counted eligible.",
    ),
    "pairwise_contrasts": (
        "Pairwise contrasts between role groups",
        "Difference in % agreeing (group_1 minus group_2, percentage points), Newcombe hybrid score CI at the Bonferroni level ci_level over an item's pairs; two-proportion z test, Holm within item and p_adjusted across the family.",
    ),
    "like_for_like_2002": (
        "2002 on a like-for-like basis",
        "This run's pooled % crude and standardised to the 2002 role mix, for all respondents and for the nations the 2002 survey covered.",
    ),
    "multiplicity": (
        "Multiplicity families",
        "Families of tests adjusted together, from the analysis plan or the documented defaults.",
    ),
}


def workbook_sheets(
    tables: Mapping[str, pd.DataFrame | None],
    rule: disclosure.Rule,
    covariates: Mapping[str, str] | None = None,
    reference_role: str = "Clinical director",
) -> dict:
    """The strand's tables as :class:`helpers.workbook.Sheet` objects with titles and notes
    (tables that are None are left out). ``covariates`` (name -> wording) and
    ``reference_role`` describe the ordinal models in the odds-ratio sheet's note."""
    from helpers.workbook import Sheet

    titles = dict(SHEET_TITLES)
    titles["ordinal_odds_ratios"] = (
        titles["ordinal_odds_ratios"][0],
        f"Reference: {reference_role.lower()}s; "
        + (f"covariates {', '.join(covariates.values())}" if covariates else "no covariates")
        + "; Wald 95% CIs.",
    )

    suppression_note = (
        f"Disclosure control: counts of 1-{rule.upper} suppressed"
        + (", others rounded to the nearest 5" if rule.rule == "nhs" else "")
        + f", with the percentages and cells that would reveal them; suppressed cells show {rule.marker!r}."
    )
    sheets = {}
    for name, table in tables.items():
        if table is None:
            continue
        title, note = titles.get(name, (name, ""))
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


def _question(items: Mapping[str, Item], name: str) -> str:
    """An item as readers know it: the codebook's question text (its name when it has none)."""
    item = items.get(name)
    return (item.question if item is not None and item.question else name).rstrip()


def headline(
    by_role_table: pd.DataFrame,
    tests: pd.DataFrame,
    role_effect: pd.DataFrame,
    brant: pd.DataFrame,
    comparison: pd.DataFrame | None,
    items: Mapping[str, Item],
    alpha: float = 0.05,
    covariates: Mapping[str, str] | None = None,
) -> str:
    """The main results in words (Markdown), computed from the published tables, so the text
    always agrees with them (suppressed cells are never quoted). ``covariates`` (name ->
    wording) are the models' background variables; ``comparison`` is None when the codebook
    maps no published figure; ``role_effect``/``brant`` may be None when no model was fitted."""
    lines = []
    roles = by_role_table[by_role_table["group_type"] == "role"]
    pct = roles.pivot(index="item", columns="group", values="pct_agree").reindex(columns=ROLES)
    pct = pct.apply(pd.to_numeric, errors="coerce").dropna(how="any")
    # issue 14, 6: a highest or lowest role only where role has an adjusted significant effect,
    # and agreement is never ranked across items of opposite wording (agreeing with a negatively
    # worded statement is the unfavourable answer).
    adjusted = next(
        (c for c in tests.columns if c.startswith("p_") and c not in ("p_value", "p_chi2", "p_monte_carlo")),
        None,
    )
    differs = set(tests.loc[pd.to_numeric(tests[adjusted]) < alpha, "item"]) if adjusted else set()
    for reverse, wording in ((False, "positively worded"), (True, "negatively worded")):
        block = pct[[i in differs and i in items and items[i].reverse == reverse for i in pct.index]]
        if not len(block):
            continue
        top = block.idxmax(axis=1).value_counts().reindex(ROLES, fill_value=0)
        bottom = block.idxmin(axis=1).value_counts().reindex(ROLES, fill_value=0)
        lines.append(
            f"- Of the {len(block)} {wording} items on which the role groups differed (Holm-adjusted "
            f"p < {alpha}) and every role group's percentage is published, the highest share agreeing "
            "(or positive; % of those answering substantively) was among "
            + ", ".join(f"{r.lower()}s on {top[r]}" for r in ROLES if top[r])
            + "; the lowest among "
            + ", ".join(f"{r.lower()}s on {bottom[r]}" for r in ROLES if bottom[r])
            + "."
        )
    if adjusted:  # the same adjusted p as above (not p_monte_carlo or p_chi2, which come first)
        p = pd.to_numeric(tests[adjusted], errors="coerce")
        sig = tests[p < alpha]["item"].tolist()
        withheld = int(p.isna().sum())  # a test withheld (issue 13) is counted as neither
        lines.append(
            f"- The four role groups differed (chi-square, Holm-adjusted p < {alpha}) on {len(sig)} of {len(tests)} items."
            if not withheld
            else f"- The four role groups differed (chi-square, Holm-adjusted p < {alpha}) on {len(sig)} of the "
            f"{len(tests) - withheld} items whose test is published ({withheld} withheld: their role table has "
            "suppressed cells)."
        )
    adj = (
        []
        if role_effect is None
        else [c for c in role_effect.columns if c.startswith("p_") and c != "p_value"]
    )
    if adj:
        sig = role_effect[pd.to_numeric(role_effect[adj[0]]) < alpha]["item"].tolist()
        words = list((covariates or {}).values())
        allowing = " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
        lines.append(
            (f"- Allowing for {allowing}, role group" if allowing else "- Role group")
            + f" was associated with the answers to {len(sig)} of {len(role_effect)} items "
            "(likelihood-ratio test, Holm-adjusted)."
        )
    omni = pd.DataFrame(columns=["term"]) if brant is None else brant[brant["term"] == "omnibus"].copy()
    if len(omni):
        omni["p_adj"] = stats.adjust_pvalues(omni["p_value"])
        doubtful = omni[omni["p_adj"] < alpha]["item"].tolist()
        lines.append(
            f"- The proportional-odds assumption was doubtful (Brant test, Holm-adjusted p < {alpha}) for "
            + ("; ".join(f"\u201c{_question(items, i)}\u201d" for i in doubtful) if doubtful else "no item")
            + "; for those items read the odds ratios as averages over the cut-points."
        )
    labels = {
        "relationship_positive": "rated relationships positive",
        "relationship_improve": "expected improvement",
        "relationship_deteriorate": "expected deterioration",
    }
    if comparison is None or not len(comparison):
        return "\n".join(lines)
    for _, r in comparison[(comparison["published_year"] == 2002) & comparison["diff_pp"].notna()].iterrows():
        what = labels.get(r["measure"], r["measure"])
        lines.append(
            f"- {r['group']}: {numbers.percentage(r['pct'])} {what} in this run against "
            f"{numbers.percentage(r['published_pct'])} in 2002 (difference "
            f"{numbers.difference(r['diff_pp'], unit=' points')}, 95% CI {numbers.signed(r['diff_ci_low'])} to "
            f"{numbers.signed(r['diff_ci_high'])}" + ("; approximate" if r["approximate"] else "") + ")."
        )
    return "\n".join(lines)
