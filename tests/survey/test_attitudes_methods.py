"""Issue 14: pairwise role contrasts, multiplicity families, then-and-now on a like-for-like basis."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from helpers.files import InputError
from helpers.survey import attitudes as A
from helpers.survey.attitudes import contrasts, multiplicity, then_and_now

ROLES = ["Chief executive", "Medical director", "Clinical director", "Directorate manager"]
LEVELS = ("1 Poor", "2", "3", "4", "5 Excellent")


def protected_table():
    rows = [
        ("q", "all", "All respondents", 200, 110),
        ("q", "role", ROLES[0], 40, 32),
        ("q", "role", ROLES[1], 50, 30),
        ("q", "role", ROLES[2], 60, 21),
        ("q", "role", ROLES[3], 50, 27),
        ("r", "role", ROLES[0], 40, 20),
        ("r", "role", ROLES[1], 50, "*"),  # suppressed
        ("r", "role", ROLES[2], 60, 30),
        ("r", "role", ROLES[3], 50, 25),
    ]
    return pd.DataFrame(rows, columns=["item", "group_type", "group", "n_valid", "n_agree"])


def test_pairwise_contrasts_newcombe_bonferroni_against_statsmodels():
    out = contrasts.pairwise_contrasts(protected_table())
    q = out[out["item"] == "q"].reset_index(drop=True)
    assert len(q) == 6 and list(q.loc[0, ["group_1", "group_2"]]) == ROLES[:2]
    # independent: statsmodels' Newcombe interval at the Bonferroni level 1 - 0.05/6
    low, high = confint_proportions_2indep(32, 40, 21, 60, method="newcomb", compare="diff", alpha=0.05 / 6)
    ce_cd = q[(q["group_1"] == ROLES[0]) & (q["group_2"] == ROLES[2])].iloc[0]
    assert ce_cd["diff_pp"] == pytest.approx(100 * (32 / 40 - 21 / 60))
    assert (ce_cd["ci_low"], ce_cd["ci_high"]) == (pytest.approx(100 * low), pytest.approx(100 * high))
    assert ce_cd["ci_level"] == pytest.approx(100 * (1 - 0.05 / 6))
    # Holm over the item's six pairs: the smallest p times 6
    assert q["p_holm_within_item"].min() == pytest.approx(min(1, 6 * q["p_value"].min()))
    r = out[out["item"] == "r"]
    with_md = r[(r["group_1"] == ROLES[1]) | (r["group_2"] == ROLES[1])]
    assert with_md["diff_pp"].isna().all() and r["diff_pp"].notna().sum() == 3


def test_an_empty_table_of_significant_contrasts_says_why():
    """The newcomer's report 03 showed the pairwise-contrasts table with headings and no row, and
    no word of why: every pair had a group whose counts were suppressed or not published."""
    csv = "reports/tables/attitudes_pairwise_contrasts.csv"
    assert contrasts.empty_note(contrasts.pairwise_contrasts(protected_table().iloc[:0])) == (
        "No pairwise contrast: no item has a published row for a role group (every item is published "
        "for all respondents only, or none is analysed)."
    )
    # only r, with the medical directors' agreeing suppressed, and only the pairs that include them
    r = contrasts.pairwise_contrasts(protected_table())
    hidden = r[(r["item"] == "r") & ((r["group_1"] == ROLES[1]) | (r["group_2"] == ROLES[1]))]
    assert contrasts.empty_note(hidden.assign(p_adjusted=hidden["p_holm_within_item"])) == (
        f"No pair of role groups could be compared: in each of the 3 pairs (1 item) at least one group's "
        f"number agreeing or answering is suppressed, or the group is not published on its own ({csv} "
        "lists them)."
    )
    # r alone: 3 pairs compared (50%, 50%, 50%: no difference), 3 not
    only_r = r[r["item"] == "r"]
    assert contrasts.empty_note(only_r.assign(p_adjusted=only_r["p_holm_within_item"])) == (
        "No contrast is significant after adjustment (p adjusted < 0.05) among the 3 pairs compared; "
        f"3 other pairs could not be compared (a group's counts suppressed, or the group not published "
        f"on its own). Every pair is in {csv}."
    )
    one = only_r[only_r["group_2"] == ROLES[2]].iloc[:1]  # chief executives against clinical directors
    assert contrasts.empty_note(one.assign(p_adjusted=one["p_holm_within_item"])).startswith(
        "No contrast is significant after adjustment (p adjusted < 0.05) in the one pair compared. Every"
    )
    # q's chief executives (80%) against clinical directors (35%): significant, no note
    assert contrasts.empty_note(r.assign(p_adjusted=r["p_holm_within_item"])) == ""


def test_plan_defaults_and_file(tmp_path):
    plan = multiplicity.load_plan(tmp_path / "absent.yaml")
    assert plan.families == multiplicity.DEFAULT_FAMILIES and plan.source.startswith("documented defaults")
    path = tmp_path / "analysis_plan.yaml"
    path.write_text("primary_items: [q]\nfamilies:\n  odds_ratios: fdr_bh\n", encoding="utf-8")
    plan = multiplicity.load_plan(path)
    assert plan.families["odds_ratios"] == "fdr_bh" and plan.primary_items == ("q",)
    t = pd.DataFrame({"item": ["q", "q", "r", "r", "r"], "p_value": [0.01, 0.04, 0.01, 0.02, 0.03]})
    out = multiplicity.adjust(t, "odds_ratios", plan)
    assert out["family"].tolist() == ["odds_ratios: primary"] * 2 + ["odds_ratios: secondary"] * 3
    # Benjamini-Hochberg by hand within each family: primary (0.01, 0.04) -> (0.02, 0.04);
    # secondary (0.01, 0.02, 0.03) -> 0.03 each
    assert out["p_adjusted"].tolist() == pytest.approx([0.02, 0.04, 0.03, 0.03, 0.03])
    fam = multiplicity.family_table({"or": out}, plan)
    assert fam.values.tolist() == [
        ["odds_ratios: primary", "Benjamini-Hochberg", 2, "analysis plan analysis_plan.yaml"],
        ["odds_ratios: secondary", "Benjamini-Hochberg", 3, "analysis plan analysis_plan.yaml"],
    ]


def test_plan_errors_name_the_file_and_value(tmp_path):
    path = tmp_path / "analysis_plan.yaml"
    path.write_text("families:\n  odds_ratios: tukey\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown adjustment") as err:
        multiplicity.load_plan(path)
    assert "tukey" in str(err.value)
    path.write_text("families:\n  everything: holm\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown family"):
        multiplicity.load_plan(path)
    with pytest.raises(InputError, match="primary item\\(s\\) not in the codebook: zz"):
        multiplicity.check_items(multiplicity.Plan(primary_items=("zz",)), ["q"])


def test_holm_default_adjusts_the_whole_family():
    t = pd.DataFrame({"item": ["a", "b", "c"], "p_value": [0.01, 0.02, np.nan]})
    out = multiplicity.adjust(t, "then_vs_now", multiplicity.Plan())
    # Holm by hand over the two tests: 0.01*2 = 0.02, max(0.02, 0.02*1) = 0.02
    assert out["p_adjusted"].tolist()[:2] == pytest.approx([0.02, 0.02]) and np.isnan(
        out["p_adjusted"].iloc[2]
    )


def reference():
    return pd.DataFrame(
        {
            "survey_year": [2002, 2015],
            "source": ["x", "y"],
            "measure": ["relationship_positive"] * 2,
            "item": ["relationship_quality"] * 2,
            "levels_counted": ["4|5 Excellent"] * 2,
            "group": ["All respondents"] * 2,
            "numerator": [np.nan, np.nan],
            "denominator": [1092.0, 472.0],
            "pct_published": [47.0, 60.0],
            "basis": ["percentage"] * 2,
        }
    )


def test_then_vs_now_is_descriptive_for_the_overlapping_2015_sample():
    protected = pd.DataFrame(
        {
            "item": "relationship_quality",
            "levels": "|".join(LEVELS),
            "group_type": ["all"],
            "group": ["All respondents"],
            "n_valid": [100],
            "n_1": [10],
            "n_2": [10],
            "n_3": [20],
            "n_4": [40],
            "n_5": [20],
        }
    )
    tested = A.then_vs_now(protected, reference())
    assert tested["p_value"].notna().all()  # a new sample: both comparisons tested
    same = A.then_vs_now(protected, reference(), new_sample=False)
    row_2015 = same[same["published_year"] == 2015].iloc[0]
    assert row_2015["comparison"] == "descriptive (same respondents)"
    assert np.isnan(row_2015["p_value"]) and np.isnan(row_2015["diff_ci_low"]) and row_2015["diff_pp"] == 0.0
    assert same[same["published_year"] == 2002]["p_value"].notna().all()


def test_like_for_like_2002_standardises_to_the_2002_role_mix_and_restricts_to_gb():
    rng = np.random.default_rng(5)
    n = 400
    role = rng.choice(ROLES, n, p=[0.15, 0.15, 0.32, 0.38])
    nation = rng.choice(["England", "Scotland", "Wales", "Northern Ireland"], n, p=[0.7, 0.1, 0.1, 0.1])
    p_pos = pd.Series(role).map(dict(zip(ROLES, [0.8, 0.65, 0.45, 0.6]))).to_numpy()
    answer = np.where(rng.random(n) < p_pos, "4", "2")
    clean = pd.DataFrame(
        {
            "role": role,
            "nation": nation,
            "relationship_quality": pd.Categorical(answer, categories=list(LEVELS), ordered=True),
        }
    )
    sample = pd.DataFrame(
        {"group": ROLES, "respondents": [103, 168, 445, 376], "coverage": ["England|Scotland|Wales"] * 4}
    )
    out = then_and_now.like_for_like_2002(
        clean, reference(), sample, {"relationship_quality": None}, "nation", min_count=5
    )
    assert out["population"].tolist() == ["all respondents", "2002 nations only"]
    # by hand: sum over roles of 2002 share x role %
    shares = np.array([103, 168, 445, 376]) / 1092
    pos = clean["relationship_quality"].astype(str) == "4"
    by_role = [pos[clean["role"] == r].mean() for r in ROLES]
    assert out.loc[0, "pct_standardised"] == pytest.approx(100 * (shares * by_role).sum())
    gb = clean["nation"] != "Northern Ireland"
    by_role_gb = [pos[gb & (clean["role"] == r)].mean() for r in ROLES]
    assert out.loc[1, "pct_standardised"] == pytest.approx(100 * (shares * by_role_gb).sum())
    assert out.loc[1, "pct_crude"] == pytest.approx(100 * pos[gb].mean()) and out.loc[1, "n"] == gb.sum()
    var = sum(s**2 * p * (1 - p) / (clean["role"] == r).sum() for s, p, r in zip(shares, by_role, ROLES))
    assert out.loc[0, "std_ci_high"] - out.loc[0, "pct_standardised"] == pytest.approx(
        100 * 1.959964 * var**0.5, rel=1e-5
    )
    # a handful of Northern Ireland respondents: the restricted figures are withheld
    small = clean[(clean["nation"] != "Northern Ireland")].copy()
    small = pd.concat([small, clean[clean["nation"] == "Northern Ireland"].head(3)])
    out = then_and_now.like_for_like_2002(
        small, reference(), sample, {"relationship_quality": None}, "nation", min_count=5
    )
    assert np.isnan(out.loc[1, "pct_crude"]) and out.loc[1, "note"].startswith("withheld")
    assert then_and_now.coverage_missing(clean, "nation", sample) == ""


def test_like_for_like_has_no_restricted_rows_without_a_coverage_variable():
    """The newcomer's survey (coverage_variable: null) printed '2002 nations only' rows identical
    to the rows of all respondents; without the variable they are left out and a note says why."""
    clean = pd.DataFrame(
        {
            "role": ROLES * 3,
            "relationship_quality": pd.Categorical(
                ["4", "2", "4"] * 4, categories=list(LEVELS), ordered=True
            ),
        }
    )
    sample = pd.DataFrame(
        {"group": ROLES, "respondents": [103, 168, 445, 376], "coverage": ["England|Scotland|Wales"] * 4}
    )
    for coverage in (None, "nation"):  # not set; set to a variable this survey does not have
        out = then_and_now.like_for_like_2002(
            clean, reference(), sample, {"relationship_quality": None}, coverage, min_count=1
        )
        assert out["population"].tolist() == ["all respondents"]
        assert out.loc[0, "n"] == 12 and out.loc[0, "pct_crude"] == pytest.approx(100 * 8 / 12)
    assert then_and_now.coverage_missing(clean, None, sample) == (
        "No \u20182002 nations only\u2019 rows: params survey.then_and_now.coverage_variable names no "
        "variable, so this survey's respondents cannot be restricted to the nations the 2002 survey "
        "covered, and such rows would only repeat those of all respondents."
    )
    assert then_and_now.coverage_missing(clean, "nation", sample) == (
        "No \u20182002 nations only\u2019 rows: the coverage variable \u2018nation\u2019 (params "
        "survey.then_and_now.coverage_variable) is not a variable of this survey, so this survey's "
        "respondents cannot be restricted to the nations the 2002 survey covered, and such rows would "
        "only repeat those of all respondents."
    )
    with_nation = clean.assign(nation="England")
    assert then_and_now.coverage_missing(with_nation, "nation", sample.drop(columns="coverage")).startswith(
        "No \u20182002 nations only\u2019 rows: the 2002 sample file names no nations covered"
    )


def test_sensitivity_table_by_hand_and_marks_changed_conclusions():
    from helpers.survey.attitudes import sensitivity

    agree = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
    item = A.Item("a", "A?", agree, ("Agree", "Strongly agree"))
    # 24 respondents, 6 per role: 13 agree of 20 substantive (65%); 4 "Don't know"
    answers = ["Agree"] * 13 + ["Disagree"] * 7 + [None] * 4
    roles = [ROLES[i % 4] for i in range(24)]
    clean = pd.DataFrame(
        {
            "role": roles,
            "a": pd.Categorical(answers, categories=list(agree), ordered=True),
            "a_nonsub": [None] * 20 + ["Don't know"] * 4,
            "flag_speeder": [True] * 4 + [False] * 20,  # four agreeing speeders
            "flag_straightliner": False,
        }
    )
    w = pd.Series([3.0] * 12 + [1.0] * 12, index=clean.index)
    out = sensitivity.sensitivity(clean, {"a": item}, {}, weights=w)
    est = dict(zip(out["rule"], out["estimate"]))
    assert out["rule"].tolist()[0] == "main analysis"
    # issue 15: each row carries the label a report prints (the question), beside the name
    assert set(out["label"]) == {"A?"} and list(out.columns[:3]) == ["kind", "name", "label"]
    assert est["main analysis"] == pytest.approx(100 * 13 / 20)
    assert est["speeders and straight-liners excluded"] == pytest.approx(100 * 9 / 16)
    assert est["don't know as neutral"] == pytest.approx(100 * 13 / 24)  # DK in the denominator
    # weighted: first 12 (all agree) weight 3; of the next 8 substantive, 1 agrees
    assert est["weighted"] == pytest.approx(100 * (12 * 3 + 1) / (12 * 3 + 8))
    by_rule = out.set_index("rule")
    # the weighted rule now has a role test (Rao-Scott, design_role_tests): no role difference here
    assert by_rule.loc["weighted", "roles_differ"] == "no"
    # 65% -> 54%: still a majority; nothing changes here
    assert (out["changes"] == "").all()
    # exclude enough agreeing speeders to lose the majority
    clean["flag_speeder"] = [True] * 8 + [False] * 16
    out = sensitivity.sensitivity(clean, {"a": item}, {})
    changed = out.set_index("rule").loc["speeders and straight-liners excluded"]
    assert changed["estimate"] == pytest.approx(100 * 5 / 12) and changed["changes"] == "majority view"


def test_cutpoint_logits_are_woolf_odds_ratios_and_sit_beside_the_po_model():
    from helpers import stats
    from helpers.survey.attitudes import models

    # group A: low 10, mid 10, high 5; group B: low 5, mid 5, high 20
    levels = ["low", "mid", "high"]
    y = ["low"] * 10 + ["mid"] * 10 + ["high"] * 5 + ["low"] * 5 + ["mid"] * 5 + ["high"] * 20
    g = ["A"] * 25 + ["B"] * 30
    d = pd.DataFrame({"y": pd.Categorical(y, categories=levels, ordered=True), "g": pd.Categorical(g)})
    fit = stats.proportional_odds(d, "y", ["g"])
    cuts = fit.cutpoint_odds_ratios.set_index("cut")
    # independent: the saturated binary logit's OR is the 2x2 cross-product, its Wald CI Woolf's
    for cut, (a, b, c, e) in {"> low": (25, 5, 15, 10), "> mid": (20, 10, 5, 20)}.items():
        # a = B above, b = B not, c = A above, e = A not
        odds = (a * e) / (b * c)
        se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / e)
        row = cuts.loc[cut]
        assert row["odds_ratio"] == pytest.approx(odds, rel=1e-5)
        assert row["ci_low"] == pytest.approx(odds * np.exp(-1.959964 * se), rel=1e-4)
        assert row["ci_high"] == pytest.approx(odds * np.exp(1.959964 * se), rel=1e-4)
    ors = fit.odds_ratios.assign(item="y").rename(columns={"term": "term"})
    ors["term"] = "role[B]"
    cp = fit.cutpoint_odds_ratios.assign(item="y", term="role[B]")
    brant = pd.DataFrame({"item": ["y", "z"], "p_adjusted": [0.01, 0.5]})
    side = models.beside_proportional_odds(ors, cp, brant)
    assert side["model"].tolist() == ["proportional odds", "binary logit > low", "binary logit > mid"]
    assert side["odds_ratio"].iloc[1] == pytest.approx(25 * 10 / (5 * 15), rel=1e-5)


def test_published_counts_are_whole_numbers_suppressed_ones_empty():
    # issue 14, 4: the sensitivity table printed n as 465.0 (a float column holding NaN where n
    # is not given); counts go through helpers.numbers' count kind and are written as 465
    t = pd.DataFrame(
        {"n": [465.0, np.nan], "invited": [120.0, np.nan], "n_valid": [12.0, 7.0], "n_psu": [3.5, 1.0]}
    )
    out = A.tidy_numbers(t)
    assert out.to_csv(index=False).splitlines() == ["n,invited,n_valid,n_psu", "465,120,12,3.5", ",,7,1.0"]
    # the sensitivity table's estimate: % to 1 decimal, scale means to 2 (helpers.numbers 'mean')
    sens = pd.DataFrame({"kind": ["item % agreeing", "scale mean"], "estimate": [60.577, 3.4151]})
    assert A.tidy_numbers(sens)["estimate"].tolist() == [60.6, 3.42]


def _ordinal_sample(seed=1, n=400):
    rng = np.random.default_rng(seed)
    g = rng.choice(["A", "B", "C"], n)
    x = rng.normal(size=n)
    latent = 0.5 * x + 0.8 * (g == "B") - 0.3 * (g == "C") + 0.4 * (g == "B") * (rng.random(n) < 0.5)
    y = np.digitize(latent + rng.logistic(size=n), [-1, 0, 1, 2])
    Z = pd.DataFrame({"g[B]": (g == "B").astype(float), "g[C]": (g == "C").astype(float)})
    return y, g, pd.DataFrame({"x": x}), Z


def test_partial_proportional_odds_without_parallel_terms_is_the_cutpoint_cross_products():
    # Hand check: with role the only (non-parallel) term the model is saturated in role: each
    # group's cumulative proportions are fitted exactly, so the odds ratio at cut j is the 2 x 2
    # cross-product (above j or not, group B against A) and its Wald interval Woolf's
    # (1/a + 1/b + 1/c + 1/d). With parallel covariates this no longer holds (the binary logits
    # then let the covariates vary by cut-point too).
    from helpers.survey.attitudes import models

    y, g, X, Z = _ordinal_sample()
    fit = models.partial_proportional_odds(y, X.iloc[:, :0], Z, 5)
    table = fit.table(list("abcde")).set_index(["term", "cut"])
    assert fit.converged
    for j, level in enumerate("abcd"):
        a, b = ((g == "B") & (y > j)).sum(), ((g == "B") & (y <= j)).sum()
        c, d = ((g == "A") & (y > j)).sum(), ((g == "A") & (y <= j)).sum()
        row = table.loc[("g[B]", f"> {level}")]
        log_or, se = np.log(a * d / (b * c)), np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        assert row["odds_ratio"] == pytest.approx(a * d / (b * c), rel=1e-7)
        assert row["ci_low"] == pytest.approx(np.exp(log_or - 1.959963984540054 * se), rel=1e-6)


def test_partial_proportional_odds_with_everything_parallel_is_statsmodels_ordered_model():
    # The nested proportional-odds model (every term parallel) against statsmodels' OrderedModel:
    # same log-likelihood, slopes and standard errors
    import warnings

    from statsmodels.miscmodels.ordinal_model import OrderedModel

    from helpers.survey.attitudes import models

    y, _, X, Z = _ordinal_sample(2)
    fit = models.partial_proportional_odds(y, pd.concat([Z, X], axis=1), Z.iloc[:, :0], 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = OrderedModel(
            pd.Series(pd.Categorical(y, ordered=True)), pd.concat([Z, X], axis=1), distr="logit"
        )
        ref = ref.fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-8)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-9)
    assert fit.params[4:] == pytest.approx(ref.params.to_numpy()[:3], rel=1e-5)
    assert np.sqrt(np.diag(fit.cov))[4:] == pytest.approx(ref.bse.to_numpy()[:3], rel=1e-4)
    # the partial model nests it: its log-likelihood is at least as high
    assert models.partial_proportional_odds(y, X, Z, 5).llf >= fit.llf


def test_partial_odds_models_beside_the_po_model():
    from helpers.survey.attitudes import models

    rng = np.random.default_rng(5)
    n = 300
    roles = rng.choice(ROLES, n)
    latent = rng.logistic(size=n) + 1.5 * (roles == ROLES[0]) * (rng.random(n) < 0.6)
    clean = pd.DataFrame(
        {
            "role": roles,
            "q": pd.Categorical(
                np.array(LEVELS)[np.digitize(latent, [-1.5, -0.5, 0.5, 1.5])], categories=LEVELS, ordered=True
            ),
        }
    )
    items = {"q": A.Item("q", "Q?", LEVELS, LEVELS[3:])}
    odds, tests = models.partial_odds_models(clean, items, ["q"], (), "Clinical director")
    assert list(tests.columns) == ["item", "n", "llf_po", "llf_ppo", "lr_chi2", "dof", "p_value", "converged"]
    assert tests.loc[0, "dof"] == 3 * 3 and tests.loc[0, "n"] == n and tests.loc[0, "converged"]
    assert tests.loc[0, "lr_chi2"] == pytest.approx(2 * (tests.loc[0, "llf_ppo"] - tests.loc[0, "llf_po"]))
    # no covariates: the partial model's role odds ratios are the cut-point cross-products
    role_ce = odds[odds["term"] == f"role[{ROLES[0]}]"]
    assert role_ce["cut"].tolist() == [f"> {lv}" for lv in LEVELS[:4]]
    fits = A.ordinal_models(clean, items, (), "Clinical director")
    cuts = fits["cutpoints"][fits["cutpoints"]["term"] == f"role[{ROLES[0]}]"]
    assert role_ce["odds_ratio"].to_numpy() == pytest.approx(cuts["odds_ratio"].to_numpy(), rel=1e-5)
    omnibus = pd.DataFrame({"item": ["q"], "p_adjusted": [0.01]})
    beside = models.beside_proportional_odds(fits["odds_ratios"], fits["cutpoints"], omnibus, partial=odds)
    ce = beside[beside["term"] == f"role[{ROLES[0]}]"]["model"].tolist()
    assert ce[0] == "proportional odds" and ce[1] == "partial proportional odds > 1 Poor"
    assert ce[5] == "binary logit > 1 Poor" and len(ce) == 9


def test_sensitivity_table_disclosure_withholds_estimates_of_a_small_base():
    from helpers import disclosure
    from helpers.survey.attitudes import sensitivity

    table = pd.DataFrame(
        {
            "kind": ["item % agreeing"] * 4,
            "name": ["a", "a", "b", "b"],
            "rule": ["main analysis", "weighted", "main analysis", "weighted"],
            "n": [465, np.nan, 3, np.nan],
            "estimate": [60.2, 60.6, 66.7, 70.0],
            "majority": ["yes", "yes", "yes", "yes"],
            "roles_differ": ["no"] * 4,
            "changes": [""] * 4,
        }
    )
    out = sensitivity.protect(table, disclosure.Rule("threshold", 5, marker=None))
    assert out["n"].tolist()[0] == 465 and pd.isna(out["n"].tolist()[2])
    assert out["estimate"].tolist()[:2] == [60.2, 60.6] and out["estimate"].tolist()[2:] == [None, None]
    assert out["majority"].tolist() == ["yes", "yes", "", ""]
