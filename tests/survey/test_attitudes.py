import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers import disclosure, numbers, paths, stats
from helpers.files import InputError
from helpers.survey import attitudes as A

AGREE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
ROLES = ["Chief executive", "Medical director", "Clinical director", "Directorate manager", "Other"]
PROF = {
    "Chief executive": "Manager",
    "Directorate manager": "Manager",
    "Medical director": "Doctor",
    "Clinical director": "Doctor",
}
LEVEL = {
    "Chief executive": "Board",
    "Medical director": "Board",
    "Clinical director": "Directorate",
    "Directorate manager": "Directorate",
}
ITEMS = {
    "att_a": A.Item("att_a", "Statement A", AGREE, ("Agree", "Strongly agree")),
    "att_b": A.Item("att_b", "Statement B", AGREE, ("Agree", "Strongly agree"), reverse=True),
}


def frame(roles, a, b=None, a_nonsub=None):
    """A clean-data frame with the contract's schema (only the columns these tests need)."""
    n = len(roles)
    cat = pd.CategoricalDtype(list(AGREE), ordered=True)
    d = pd.DataFrame(
        {
            "respondent": [f"R{i + 1:04d}" for i in range(n)],
            "role": pd.Categorical(roles, categories=ROLES),
            "profession": pd.Categorical([PROF.get(r) for r in roles], categories=["Doctor", "Manager"]),
            "level": pd.Categorical([LEVEL.get(r) for r in roles], categories=["Board", "Directorate"]),
            "att_a": pd.Series(a, dtype=cat),
            "att_a_nonsub": pd.Categorical(a_nonsub or [None] * n, categories=["Don't know"]),
            "att_b": pd.Series(b or [None] * n, dtype=cat),
            "att_b_nonsub": pd.Categorical([None] * n, categories=["Don't know"]),
        }
    )
    return d


def small_frame():
    roles = (
        ["Chief executive"] * 6
        + ["Medical director"] * 6
        + ["Clinical director"] * 8
        + ["Directorate manager"] * 7
    )
    a = (
        ["Agree"] * 5
        + [None]  # CE: 5 agree, 1 don't know
        + ["Agree", "Agree", "Disagree", "Disagree", "Disagree", "Strongly agree"]
        + ["Strongly disagree"] * 2
        + ["Disagree"] * 3
        + ["Agree"] * 2
        + [None]  # CD: 1 no answer
        + ["Neither agree nor disagree"] * 2
        + ["Agree"] * 5
    )
    nonsub = [None] * 5 + ["Don't know"] + [None] * 21
    return frame(roles, a, a_nonsub=nonsub)


def test_by_role_counts_denominators_and_wilson():
    d = small_frame()
    t = A.by_role(d, {"att_a": ITEMS["att_a"]})
    assert t[["group_type", "group"]].values.tolist() == [
        ["all", "All respondents"],
        ["role", "Chief executive"],
        ["role", "Medical director"],
        ["role", "Clinical director"],
        ["role", "Directorate manager"],
        ["profession", "Doctor"],
        ["profession", "Manager"],
        ["level", "Board"],
        ["level", "Directorate"],
    ]
    ce = t.iloc[1]
    # "Don't know" is counted apart and never in the denominator.
    assert (ce["n_respondents"], ce["n_nonsub"], ce["n_valid"], ce["n_agree"]) == (6, 1, 5, 5)
    cd = t.iloc[3]
    assert (
        [cd[f"n_{i}"] for i in range(1, 6)] == [2, 3, 0, 2, 0] and cd["n_valid"] == 7 and cd["n_nonsub"] == 0
    )
    assert cd["pct_agree"] == pytest.approx(100 * 2 / 7)
    low, high = stats.wilson_ci(2, 7)
    assert (cd["ci_low"], cd["ci_high"]) == (pytest.approx(100 * low), pytest.approx(100 * high))
    everyone = t.iloc[0]
    assert (everyone["n_valid"], everyone["n_agree"], everyone["n_nonsub"]) == (25, 15, 1)
    assert t.iloc[5]["n_valid"] == 13 and t.iloc[5]["n_agree"] == 5  # doctors = MD + CD
    assert t["levels"].iloc[0] == "|".join(AGREE)
    with pytest.raises(ValueError, match="item 'att_a': values not among its substantive levels: Yes"):
        A.by_role(d.assign(att_a=pd.Categorical(["Yes"] * len(d))), {"att_a": ITEMS["att_a"]})


COUNTS = ["n_respondents", "n_valid", "n_1", "n_2", "n_3", "n_4", "n_5", "n_agree"]


def _audit(raw, out):
    """Independent check: every linear relation a reader knows leaves either no suppressed
    cell or at least two unknowns (a suppressed cell alone would be recovered by subtraction)."""
    rows = {(t, g): i for i, (t, g) in enumerate(zip(out["group_type"], out["group"]))}
    levels = [f"n_{i}" for i in range(1, 6)]
    problems = []

    def check(cells, what):
        hidden = [c for c in cells if pd.isna(out.at[c])]
        if len(hidden) == 1:
            problems.append((what, hidden))

    for i in range(len(out)):
        check([(i, "n_valid")] + [(i, c) for c in levels], f"row {i} levels")
        check([(i, "n_agree"), (i, "n_4"), (i, "n_5")], f"row {i} agree")
    relations = [
        (("all", "All respondents"), [("role", r) for r in ROLES[:4]]),
        (("all", "All respondents"), [("profession", "Doctor"), ("profession", "Manager")]),
        (("all", "All respondents"), [("level", "Board"), ("level", "Directorate")]),
        (("profession", "Doctor"), [("role", "Medical director"), ("role", "Clinical director")]),
        (("profession", "Manager"), [("role", "Chief executive"), ("role", "Directorate manager")]),
        (("level", "Board"), [("role", "Chief executive"), ("role", "Medical director")]),
        (("level", "Directorate"), [("role", "Clinical director"), ("role", "Directorate manager")]),
    ]
    for col in COUNTS:
        for total, parts in relations:
            if total in rows and all(p in rows for p in parts):  # else a row is an unknown
                check([(rows[total], col)] + [(rows[p], col) for p in parts], f"{col} {total}")
    return problems


def test_protect_by_role_exact_cells_and_passes_the_scan():
    raw = A.by_role(small_frame(), {"att_a": ITEMS["att_a"]})
    out, log = A.protect_by_role(raw, disclosure.Rule(marker=None))
    show = lambda i: [None if pd.isna(out.iloc[i][c]) else int(out.iloc[i][c]) for c in COUNTS]  # noqa: E731
    # Chief executives gave 5 valid answers (1 "Don't know"): fewer than 6, so for this item
    # they are published only within managers (helpers.publication), and directorate managers
    # and the board with them (managers - directorate managers, board - medical directors would
    # give them away). The item non-response table suppresses All's valid answers (its 1
    # non-substantive and 1 no answer would otherwise each be exactly 1). Everything left is
    # small and no pattern of moves protects every cell, so the item is published for all
    # respondents only (docs/disclosure.md, "Items withheld"; before, every non-zero count of
    # the groups was suppressed beside an All row suppressed entirely); the All row alone is
    # still suppressed entirely (its valid answers hidden by the item non-response table, 1
    # "Strongly agree"), so notebooks 02 and
    # 03 withhold the item.
    assert out[["group_type", "group"]].values.tolist() == [["all", "All respondents"]]
    assert "n_nonsub" not in out.columns  # non-substantive answers: all respondents only
    assert show(0) == [27, None, None, None, None, None, None, None]  # all respondents
    withheld = A.withheld_items(small_frame(), {"att_a": ITEMS["att_a"]}, disclosure.Rule())
    assert withheld[["item", "reason"]].values.tolist() == [["att_a", A.withholding.ENTIRELY]]
    assert out.iloc[0]["pct_agree"] != out.iloc[0]["pct_agree"]  # NaN: n_agree suppressed
    assert disclosure.violations(out, COUNTS).empty
    assert _audit(raw, out) == []
    for _, row in out.iterrows():
        if pd.isna(row["n_agree"]) or pd.isna(row["n_valid"]):
            assert pd.isna(row["pct_agree"]) and pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])
        else:
            assert row["pct_agree"] == numbers.rounded(
                100 * row["n_agree"] / row["n_valid"], "table_percentage"
            )
    assert set(log.columns) == {"item", "group_type", "group", "column", "value", "reason"}
    assert len(log) == out[COUNTS].isna().sum().sum()


def test_protect_by_role_keeps_large_cells_and_the_nhs_rule_rounds():
    roles = (
        ["Chief executive"] * 20
        + ["Medical director"] * 20
        + ["Clinical director"] * 20
        + ["Directorate manager"] * 20
    )
    a = (["Agree"] * 10 + ["Disagree"] * 10) * 4
    raw = A.by_role(frame(roles, a), {"att_a": ITEMS["att_a"]})
    out, log = A.protect_by_role(raw, disclosure.Rule(marker=None))
    assert log.empty and out["pct_agree"].tolist() == [50.0] * 9
    raw21 = A.by_role(
        frame([r for r in ROLES[:4] for _ in range(21)], (["Agree"] * 11 + ["Disagree"] * 10) * 4),
        {"att_a": ITEMS["att_a"]},
    )
    nhs, _ = A.protect_by_role(raw21, disclosure.Rule(rule="nhs", marker=None))
    # CE: 11 agree of 21 -> 10 of 20 published; percentage from the rounded counts.
    ce = nhs.iloc[1]
    assert (ce["n_agree"], ce["n_valid"], ce["pct_agree"]) == (10, 20, 50.0)
    assert (nhs.iloc[0]["n_agree"], nhs.iloc[0]["n_valid"], nhs.iloc[0]["pct_agree"]) == (45, 85, 52.9)
    low, _ = stats.wilson_ci(10, 20)
    assert ce["ci_low"] == pytest.approx(round(100 * low, 1))


def test_role_tests_match_scipy_on_the_crosstab():
    rng = np.random.default_rng(1)
    roles = list(rng.choice(ROLES[:4], 200))
    a = list(rng.choice(AGREE, 200))
    d = frame(roles, a)
    out = A.role_tests(d, {"att_a": ITEMS["att_a"]})
    table = pd.crosstab(d["role"], d["att_a"]).loc[ROLES[:4], list(AGREE)]
    chi2, p, dof, _ = sps.chi2_contingency(table.to_numpy(), correction=False)
    assert out.loc[0, "chi2"] == pytest.approx(chi2) and out.loc[0, "dof"] == dof == 12
    assert out.loc[0, "p_value"] == pytest.approx(p) and out.loc[0, "p_holm"] == pytest.approx(p)
    assert out.loc[0, "n"] == 200


def test_ordinal_models_recover_a_planted_role_effect_and_drop_collinear_covariates():
    rng = np.random.default_rng(20151)
    n = 1600
    roles = rng.choice(ROLES[:4], n)
    effect = {
        "Chief executive": 1.2,
        "Medical director": 0.4,
        "Clinical director": 0.0,
        "Directorate manager": 0.6,
    }
    eta = np.array([effect[r] for r in roles]) + rng.logistic(size=n)
    a = np.array(AGREE)[np.searchsorted([-1.5, -0.5, 0.5, 1.5], eta)]
    d = frame(list(roles), list(a))
    d["nation"] = pd.Categorical(
        rng.choice(["England", "Scotland"], n),
        categories=["England", "Scotland", "Wales", "Northern Ireland"],
    )
    d["org_type"] = pd.Categorical(np.where(d["nation"] == "England", "Acute trust", "Health board"))
    d["years_in_role"] = pd.Categorical(rng.choice(["Less than 1 year", "1 to 3 years"], n))
    out = A.ordinal_models(d, {"att_a": ITEMS["att_a"]}, ["nation", "years_in_role", "org_type"])
    ors = out["odds_ratios"].set_index("term")
    for role, beta in effect.items():
        if beta:
            row = ors.loc[f"role[{role}]"]
            assert row["ci_low"] < math.exp(beta) < row["ci_high"]
    assert "org_type[Health board]" not in ors.index  # = nation[Scotland]: dropped and reported
    eff = out["role_effect"].iloc[0]
    assert eff["collinear_terms_dropped"] == "org_type[Health board]"
    assert eff["dof"] == 3 and eff["p_value"] < 1e-10 and eff["converged"]
    brant = out["proportional_odds"]
    assert brant.iloc[0]["term"] == "omnibus" and brant.iloc[0]["p_value"] > 0.001


def test_scales_reverse_coding_and_reliability():
    d = frame(
        ["Chief executive"] * 4,
        ["Agree", "Disagree", "Strongly agree", "Neither agree nor disagree"],
        ["Disagree", "Agree", "Strongly disagree", None],
    )
    scale = A.Scale("s", "S", ("att_a", "att_b"), ("att_b",))
    x = A.item_scores(d, ITEMS, scale)
    assert x["att_a"].tolist() == [4, 2, 5, 3]
    assert x["att_b"].tolist()[:3] == [4, 2, 5] and math.isnan(x["att_b"].iloc[3])  # 6 - code
    scores = A.scale_scores(d, ITEMS, {"s": scale}, min_share=1.0)
    assert scores["s"].tolist()[:3] == [4.0, 2.0, 5.0] and math.isnan(scores["s"].iloc[3])
    rel, deleted = A.scale_reliability(d, ITEMS, {"s": scale})
    assert rel.loc[0, "n"] == 3 and rel.loc[0, "alpha"] == pytest.approx(1.0)  # identical columns
    assert deleted["item_deleted"].tolist() == ["att_a", "att_b"]


def test_scales_by_role_suppresses_small_groups():
    d = frame(["Chief executive"] * 3 + ["Medical director"] * 6, ["Agree"] * 9)
    scores = pd.DataFrame({"s": [4.0, 5.0, 3.0, 4.0, 4.0, 5.0, 2.0, 3.0, 4.0]}, index=d.index)
    table, tests = A.scales_by_role(d, scores, disclosure.Rule(marker=None))
    ce, md = table.iloc[0], table.iloc[1]
    assert pd.isna(ce["n"]) and pd.isna(ce["mean"])
    assert md["n"] == 6 and md["mean"] == pytest.approx(22 / 6)
    assert tests.loc[0, "groups"] == 2


def test_reference_table_loads_and_then_vs_now_uses_newcombe():
    ref = A.load_reference(paths.reference("published_figures.csv"))
    assert len(ref) == 12
    ce = ref[
        (ref["survey_year"] == 2002)
        & (ref["measure"] == "relationship_positive")
        & (ref["group"] == "Chief executive")
    ]
    assert ce[["numerator", "denominator"]].values.tolist() == [[78, 103]]
    # A protected table where the CE rated relations positive 30 of 40 and everyone 100 of 200.
    prot = pd.DataFrame(
        {
            "item": "relationship_quality",
            "group_type": ["all", "role"],
            "group": ["All respondents", "Chief executive"],
            "levels": "1 Poor|2|3|4|5 Excellent",
            "n_valid": [200, 40],
            "n_1": [20, 0],
            "n_2": [30, 5],
            "n_3": [50, 5],
            "n_4": [60, 20],
            "n_5": [40, 10],
            "n_agree": [100, 30],
        }
    )
    out = A.then_vs_now(prot, ref[ref["measure"] == "relationship_positive"])
    row = out[(out["group"] == "Chief executive")].iloc[0]
    d, low, high = stats.newcombe_diff_ci(30, 40, 78, 103)
    assert (row["n_agree"], row["n_valid"]) == (30, 40)
    assert (row["diff_pp"], row["diff_ci_low"], row["diff_ci_high"]) == (
        pytest.approx(100 * d),
        pytest.approx(100 * low),
        pytest.approx(100 * high),
    )
    pooled = out[(out["group"] == "All respondents") & (out["published_year"] == 2002)].iloc[0]
    assert pooled["approximate"] and pooled["published_pct"] == 47.0
    assert pooled["diff_pp"] == pytest.approx(
        100 * stats.newcombe_diff_ci(100, 200, 513, 1092)[0]
    )  # 47% of 1092 = 513
    assert math.isnan(out[out["group"] == "Clinical director"].iloc[0]["pct"])  # not in this table: no figure


def test_load_reference_names_bad_rows(tmp_path):
    path = tmp_path / "ref.csv"
    header = ",".join(A.REFERENCE_COLUMNS)
    path.write_text(header + "\n2002,x,m,i,A,All,90,80,50,counts,yes,\n", encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"ref.csv, row 2, column 'numerator': counts rows need 0 <= numerator <= denominator \(found 90",
    ):
        A.load_reference(path)
    path.write_text(header + "\n2002,x,m,i,A,All,,,50,guess,yes,\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"row 2, column 'basis': basis must be counts or percentage \(found 'guess'\)"
    ):
        A.load_reference(path)
    path.write_text("survey_year,source\n2002,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        A.load_reference(path)


def test_margins_and_weighting(tmp_path):
    path = tmp_path / "population_margins.csv"
    path.write_text(
        "variable,category,count\nrole,Chief executive,50\nrole,Medical director,50\n", encoding="utf-8"
    )
    margins = A.load_margins(path)
    assert margins["role"].to_dict() == {"Chief executive": 50.0, "Medical director": 50.0}
    d = frame(
        ["Chief executive"] * 10 + ["Medical director"] * 30 + ["Other"] * 2,
        ["Agree"] * 10 + ["Disagree"] * 30 + ["Agree"] * 2,
    )
    table, summary = A.weighted_agreement(d, {"att_a": ITEMS["att_a"]}, margins, disclosure.Rule(marker=None))
    # CE all agree, MD none: weighted to 50/50 the % agree is 50; unweighted 10/40.
    row = table.iloc[0]
    assert row["pct_weighted"] == pytest.approx(50.0) and row["pct_unweighted"] == pytest.approx(25.0)
    assert summary["n_left_out"] == 2 and summary["n_weighted"] == 40
    w = np.array([2.0] * 10 + [2 / 3] * 30)
    assert summary["design_effect"] == pytest.approx(stats.kish(w)[0])
    assert row["effective_sample_size"] == pytest.approx(stats.kish(w)[1])
    path.write_text("variable,category,count\nrole,Chief executive,lots\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'count': count is not a number \(found 'lots'\)"):
        A.load_margins(path)
    path.write_text("var,cat,n\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected columns variable, category, count"):
        A.load_margins(path)


def test_then_vs_now_chart_table_shows_published_and_this_run_by_role():
    ref = A.load_reference(paths.reference("published_figures.csv"))
    prot = pd.DataFrame(
        {
            "item": "relationship_quality",
            "group_type": ["all", "role", "role"],
            "group": ["All respondents", "Chief executive", "Medical director"],
            "levels": "1 Poor|2|3|4|5 Excellent",
            "n_valid": [200, 40, pd.NA],
            "n_1": [20, 0, pd.NA],
            "n_2": [30, 5, pd.NA],
            "n_3": [50, 5, 7],
            "n_4": [60, 20, 9],
            "n_5": [40, 10, 8],
            "n_agree": [100, 30, 17],
        }
    )
    chart = A.then_vs_now_chart_table(prot, ref)
    assert set(chart["measure"]) == {
        "Rate relationships positive (4-5)",
        "Expect relations to improve",
        "Expect relations to deteriorate",
    }  # 2015-only measures left out
    mine = chart[chart["source"] == "This run"]
    # MD's n_valid is suppressed: a row without a figure for MD (the chart draws no point for it).
    drawn = mine.dropna(subset=["pct"])
    assert drawn[["group", "pct"]].values.tolist() == [["All respondents", 50.0], ["Chief executive", 75.0]]
    assert set(mine.loc[mine["pct"].isna(), "group"]) == {"Medical director"}
    ce02 = chart[
        (chart["source"] == "2002 (published)")
        & (chart["group"] == "Chief executive")
        & (chart["measure"] == "Rate relationships positive (4-5)")
    ].iloc[0]
    low, high = stats.wilson_ci(78, 103)
    assert (ce02["pct"], ce02["ci_low"], ce02["ci_high"]) == (
        pytest.approx(100 * 78 / 103),
        pytest.approx(100 * low),
        pytest.approx(100 * high),
    )


def test_roles_as_columns_and_workbook_sheets():
    d = small_frame()
    wide = A.roles_as_columns(d, "att_a")
    assert list(wide.columns) == ["All respondents", *ROLES[:4]]
    assert wide["Chief executive"].notna().sum() == 5 and wide["All respondents"].notna().sum() == 25
    sheets = A.workbook_sheets(
        {"by_role": pd.DataFrame({"pct_agree": [33.333]}), "weighted": None}, disclosure.Rule()
    )
    assert list(sheets) == ["by_role"] and sheets["by_role"].table["pct_agree"].tolist() == [33.3]
    assert "counts of 1-4 suppressed" in sheets["by_role"].notes[1]


def test_tidy_numbers_rounds_by_kind_and_keeps_markers():
    t = pd.DataFrame(
        {
            "pct_agree": [33.333, np.nan],
            "ci_low": [1.26, 2.0],
            "p_value": [0.000123456, 0.5],
            "n_agree": ["*", 12],
            "mixed": ["*", 0.123456],
            "chi2": [25.608, 95.45],
            "ordinal_z": [-1.368, 2.0],
            "cramers_v": [0.1349, 0.3281],
            "p_holm": [0.0609, 0.01234],
        }
    )
    out = A.tidy_numbers(t)
    assert out["pct_agree"].tolist()[0] == 33.3 and math.isnan(out["pct_agree"].tolist()[1])
    # issue 13: test statistics to 1 decimal, p to 2 significant figures (floor 0.001, shown
    # "<0.001"), effect sizes to 2 decimals, all through helpers.numbers
    assert out["ci_low"].tolist() == [1.3, 2.0] and out["p_value"].tolist() == [0.001, 0.5]
    assert out["chi2"].tolist() == [25.6, 95.5] and out["ordinal_z"].tolist() == [-1.4, 2.0]
    assert out["cramers_v"].tolist() == [0.13, 0.33] and out["p_holm"].tolist() == [0.061, 0.012]
    assert out["n_agree"].tolist() == ["*", 12]
    assert A.tidy_numbers(pd.DataFrame({"odds_ratio": [1.23456, 2.0]}))["odds_ratio"].tolist() == [1.23, 2.0]
    assert out["mixed"].tolist() == ["*", 0.123]


def test_headline_counts_from_the_tables():
    by_role = pd.DataFrame(
        {
            "item": ["a"] * 4 + ["b"] * 4,
            "group_type": "role",
            "group": ROLES[:4] * 2,
            "pct_agree": [90.0, 50.0, 10.0, 40.0, 20.0, 60.0, 5.0, 70.0],
        }
    )
    # the role tests' columns in the published order: p_monte_carlo and p_chi2 before p_holm
    # (issue 15: the count of items that differ read p_monte_carlo, mostly empty, and said 0 of
    # 15 under a sentence ranking the 8 items that differed)
    tests = pd.DataFrame(
        {
            "item": ["a", "b"],
            "p_value": [0.001, 0.2],
            "p_monte_carlo": [None, None],
            "p_chi2": [0.001, 0.2],
            "p_holm": [0.002, 0.2],
        }
    )
    effect = pd.DataFrame({"item": ["a", "b"], "p_value": [0.01, 0.5], "p_holm": [0.02, 0.5]})
    brant = pd.DataFrame({"item": ["a", "b"], "term": "omnibus", "p_value": [0.001, 0.9]})
    comparison = pd.DataFrame(
        {
            "measure": ["relationship_positive"],
            "group": ["Chief executive"],
            "published_year": [2002],
            "pct": [79.1],
            "published_pct": [75.7],
            "diff_pp": [3.4],
            "diff_ci_low": [-9.9],
            "diff_ci_high": [15.5],
            "approximate": [False],
        }
    )
    text = A.headline(by_role, tests, effect, brant, comparison, {"a": ITEMS["att_a"], "b": ITEMS["att_b"]})
    text = text.splitlines()
    # issue 14, 6: only item a (Holm p = 0.002) is ranked; item b (p = 0.2) is not
    assert text[0] == (
        "- Of the 1 positively worded items on which the role groups differed (Holm-adjusted p < 0.05) and every "
        "role group's percentage is published, the highest share agreeing (or positive; % of those answering "
        "substantively) was among chief executives on 1; the lowest among clinical directors on 1."
    )
    assert text[1] == "- The four role groups differed (chi-square, Holm-adjusted p < 0.05) on 1 of 2 items."
    # issue 13: a withheld test (no p) is not counted among the items that did not differ
    withheld = tests.assign(**{c: [tests[c].iloc[0], np.nan] for c in tests.columns if c.startswith("p_")})
    said = A.headline(by_role, withheld, None, None, None, {"a": ITEMS["att_a"], "b": ITEMS["att_b"]})
    assert said.splitlines()[1] == (
        "- The four role groups differed (chi-square, Holm-adjusted p < 0.05) on 1 of the 1 items whose test "
        "is published (1 withheld: their role table has suppressed cells)."
    )
    assert "answers to 1 of 2 items" in text[2]
    # issue 15: items by the codebook's question text, never the variable name
    assert "(Brant test, Holm-adjusted p < 0.05) for \u201cStatement A\u201d;" in text[3]
    assert "`a`" not in text[3]
    assert text[4] == (
        "- Chief executive: 79% rated relationships positive in this run against 76% in 2002 "
        "(difference +3.4 points, 95% CI -9.9 to +15.5)."  # as the deck's table: helpers.numbers.difference
    )


def test_role_odds_ratios_for_chart_keeps_role_terms_in_item_order():
    ors = pd.DataFrame(
        {
            "item": ["att_b", "att_b", "att_a", "att_a"],
            "term": [
                "role[Chief executive]",
                "nation[Wales]",
                "role[Medical director]",
                "role[Chief executive]",
            ],
            "odds_ratio": [2.0, 9.0, 0.5, 1.5],
            "ci_low": [1.0, 1.0, 0.2, 1.1],
            "ci_high": [4.0, 99.0, 0.9, 2.2],
        }
    )
    out = A.role_odds_ratios_for_chart(ors, ITEMS)
    assert out[["row", "series", "estimate"]].values.tolist() == [
        ["att_a", "Chief executive", 1.5],
        ["att_a", "Medical director", 0.5],
        ["att_b", "Chief executive", 2.0],
    ]


def test_tidy_numbers_odds_ratio_intervals_two_decimals_never_rounded_onto_one():
    # issue 14, 3: DM relationship_change printed 1.592 (1.0-2.5) with p = 0.036; true 1.03-2.46
    t = pd.DataFrame(
        {
            "item": ["relationship_change", "x"],
            "term": ["role[Directorate manager]", "role[Chief executive]"],
            "odds_ratio": [1.5921, 1.41],
            "ci_low": [1.0312, 1.0004],
            "ci_high": [2.4577, 1.987],
            "p_value": [0.0362, 0.0497],
        }
    )
    out = A.tidy_numbers(t)
    assert out[["odds_ratio", "ci_low", "ci_high"]].values.tolist() == [
        [1.59, 1.03, 2.46],
        [1.41, 1.0004, 1.99],
    ]


def test_protect_by_role_orders_columns_identifiers_levels_summary():
    """Two items with different answer levels, the first with fewer (3 vs 5): the published
    table's columns are the identifiers, the level columns in scale order, then the summary
    (issue 11; before, n_4 and n_5, which the first item lacks, came after ci_high)."""
    quality = ("Poor", "Fair", "Good")
    items = {
        "q_first": A.Item("q_first", "First", quality, ("Good",)),
        "q_second": A.Item("q_second", "Second", AGREE, ("Agree", "Strongly agree")),
    }
    roles = [r for r in ROLES[:4] for _ in range(4)]
    clean = pd.DataFrame(
        {
            "respondent": [f"R{i}" for i in range(16)],
            "role": pd.Categorical(roles, categories=ROLES),
            "profession": pd.Categorical([PROF[r] for r in roles], categories=["Doctor", "Manager"]),
            "level": pd.Categorical([LEVEL[r] for r in roles], categories=["Board", "Directorate"]),
            "q_first": pd.Categorical(["Poor", "Fair", "Good", "Good"] * 4, categories=quality, ordered=True),
            "q_second": pd.Categorical(list(AGREE[:4]) * 4, categories=AGREE, ordered=True),
        }
    )
    out, log = A.protect_by_role(A.by_role(clean, items), disclosure.Rule("threshold", 1, marker=None))
    assert list(out.columns) == [
        "item", "question", "group_type", "group", "levels", "n_respondents", "n_valid",
        "n_1", "n_2", "n_3", "n_4", "n_5", "n_agree", "pct_agree", "ci_low", "ci_high",
    ]  # fmt: skip
    assert log.empty  # threshold 1 suppresses nothing: the order is not the suppression's doing
    all_rows = out[out["group_type"] == "all"][["n_1", "n_2", "n_3", "n_4", "n_5", "n_agree"]]
    cells = [[None if pd.isna(v) else int(v) for v in row] for row in all_rows.to_numpy(dtype=object)]
    assert cells == [[4, 4, 8, None, None, 8], [4, 4, 4, 4, 0, 4]]  # the first item: no n_4, n_5
