"""Issue 14: sampling frame, AAPOR response rates, raking to the frame, Taylor-linearised intervals."""

import numpy as np
import pandas as pd
import pytest

from helpers import stats
from helpers.files import InputError
from helpers.survey.attitudes import design


def clean():
    return pd.DataFrame(
        {
            "role": ["CE", "CE", "CE", "MD", "MD", "CD", "CD", "CD", "CD", "CD"],
            "nation": ["E", "E", "S", "E", "S", "E", "E", "E", "S", "S"],
            "progress": [100, 100, 90, 100, 100, 100, 85, 100, 100, 100],
        }
    )


def frame_csv(tmp_path, text):
    path = tmp_path / "sampling_frame.csv"
    path.write_text(text, encoding="utf-8")
    return path


FRAME = "role,nation,invited,ineligible\nCE,E,4,0\nCE,S,2,0\nMD,E,5,1\nMD,S,2,0\nCD,E,10,2\nCD,S,4,0\n"


def test_aapor_rr1_rr2_by_hand(tmp_path):
    frame = design.load_frame(frame_csv(tmp_path, FRAME), clean())
    out = design.response_rates(clean(), frame, ["role", "nation"])
    total = out.iloc[0]
    # by hand: eligible = 27 - 3 = 24; complete I = 8, partial P = 2; RR1 = 8/24, RR2 = 10/24
    assert (total["eligible"], total["complete"], total["partial"], total["unmatched"]) == (24, 8, 2, 0)
    assert total["rr1"] == pytest.approx(100 * 8 / 24) and total["rr2"] == pytest.approx(100 * 10 / 24)
    cd = out[(out["variable"] == "role") & (out["category"] == "CD")].iloc[0]
    # CD: eligible 8 + 4 = 12; complete 4 (one 85% partial); RR1 = 4/12, RR2 = 5/12
    assert (cd["eligible"], cd["complete"], cd["partial"]) == (12, 4, 1)
    assert cd["rr2"] == pytest.approx(100 * 5 / 12)
    scot = out[(out["variable"] == "nation") & (out["category"] == "S")].iloc[0]
    assert (scot["eligible"], scot["complete"], scot["partial"]) == (8, 3, 1)


def test_frame_errors_name_file_row_and_column(tmp_path):
    with pytest.raises(InputError, match="expected a whole count") as err:
        design.load_frame(frame_csv(tmp_path, "role,invited\nCE,four\n"), clean())
    assert err.value.row == 2 and err.value.column == "invited"
    with pytest.raises(InputError, match="not variables of the survey data"):
        design.load_frame(frame_csv(tmp_path, "trust,invited\nX,4\n"), clean())
    with pytest.raises(InputError, match="ineligible exceeds invited"):
        design.load_frame(frame_csv(tmp_path, "role,invited,ineligible\nCE,4,5\n"), clean())
    with pytest.raises(InputError, match="the same cell listed twice"):
        design.load_frame(frame_csv(tmp_path, "role,invited\nCE,4\nCE,5\n"), clean())
    frame = design.load_frame(frame_csv(tmp_path, "role,invited\nCE,2\nMD,5\nCD,9\n"), clean())
    with pytest.raises(
        ValueError, match="more respondents than eligible invited people in frame cell role=CE"
    ):
        design.response_rates(clean(), frame, ["role"])


def test_frame_margins_feed_raking(tmp_path):
    frame = design.load_frame(frame_csv(tmp_path, FRAME), clean())
    margins = design.frame_margins(frame, ["role", "nation"])
    assert margins["role"].to_dict() == {"CE": 6.0, "MD": 6.0, "CD": 12.0}
    w = stats.rake(clean(), margins)
    # raked weights reproduce the frame's shares of each variable
    share = w.groupby(clean()["role"]).sum() / w.sum()
    assert share.to_dict() == pytest.approx({"CD": 0.5, "CE": 0.25, "MD": 0.25})


def test_taylor_linearised_proportion_against_hand_computation():
    rng = np.random.default_rng(7)
    n = 60
    psu = rng.integers(0, 12, n)
    y = (rng.random(n) < 0.4).astype(float)
    y[[3, 17]] = np.nan  # item non-response: a domain
    w = rng.uniform(0.5, 3, n)
    est = design.design_proportion(y, w, psu=psu)
    # by hand, written out independently: ratio estimator linearisation with cluster totals
    ok = ~np.isnan(y)
    p = (w[ok] * y[ok]).sum() / w[ok].sum()
    z = np.where(ok, w * (np.nan_to_num(y) - p), 0) / w[ok].sum()
    zt = np.array([z[psu == k].sum() for k in np.unique(psu)])
    m = len(zt)
    var = m / (m - 1) * ((zt - zt.mean()) ** 2).sum()
    assert est.estimate == pytest.approx(p) and est.se == pytest.approx(np.sqrt(var))
    assert est.n_psu == 12 and est.n == 58
    assert est.deff == pytest.approx(var / (p * (1 - p) / 58))
    # no PSU, equal weights: the with-replacement variance is p(1-p)/(n-1)
    flat = design.design_proportion(np.r_[np.ones(30), np.zeros(70)], np.ones(100))
    assert flat.se**2 == pytest.approx(0.3 * 0.7 / 99)


def test_response_rates_pass_disclosure_and_rates_follow_suppression(tmp_path):
    from helpers import disclosure

    frame = design.load_frame(frame_csv(tmp_path, FRAME), clean())
    rule = disclosure.Rule("threshold", 5, marker=None)
    out = design.protect_response_rates(design.response_rates(clean(), frame, ["role"]), rule)
    counts = out[["invited", "ineligible", "eligible", "complete", "partial"]].apply(
        pd.to_numeric, errors="coerce"
    )
    assert not ((counts > 0) & (counts < 5)).any().any()  # no count 1-4 published
    # every row here has a small complete count, so no rate can be published
    assert out["rr1"].isna().all() and out["rr2"].isna().all()


def test_weighted_estimates_use_frame_weights_and_clusters(tmp_path):
    from helpers import disclosure
    from helpers.survey.attitudes.items import Item

    rng = np.random.default_rng(11)
    n = 300
    d = pd.DataFrame(
        {
            "role": rng.choice(["CE", "MD", "CD"], n, p=[0.2, 0.3, 0.5]),
            "org": rng.integers(0, 30, n).astype(str),
            "q": pd.Categorical(rng.choice(["No", "Yes"], n), categories=["No", "Yes"], ordered=True),
        }
    )
    margins = {"role": pd.Series({"CE": 100.0, "MD": 100.0, "CD": 100.0})}
    items = {"q": Item("q", "Q?", ("No", "Yes"), ("Yes",))}
    rule = disclosure.Rule("threshold", 5, marker=None)
    table, summary = design.weighted_estimates(d, items, margins, rule, psu="org")
    w = stats.rake(d, margins)
    y = (d["q"] == "Yes").astype(float)
    est = design.design_proportion(y, w, psu=d["org"])
    assert table.loc[0, "pct_weighted"] == pytest.approx(100 * (w * y).sum() / w.sum())
    assert (table.loc[0, "ci_low"], table.loc[0, "ci_high"]) == (
        pytest.approx(100 * est.ci_low),
        pytest.approx(100 * est.ci_high),
    )
    assert summary["psu_used"] and summary["n_psu"] == 30 and summary["n_left_out"] == 0


def test_rao_scott_on_a_simple_random_sample_is_pearson_times_n_minus_1_over_n():
    # By hand: the 2 x 2 table [[3, 1], [1, 3]] (n = 8) has Pearson X^2 = n (ad - bc)^2 /
    # (r1 r2 c1 c2) = 8 * 64 / 256 = 2. Equal weights, each respondent its own PSU: the
    # linearised covariance is (D - pp') / (n - 1), so Delta = n / (n - 1) and the first-order
    # statistic is 2 * 7 / 8 = 1.75 on 1 df; F = 1.75 on 1 and n - 1 = 7 df.
    from scipy.stats import chi2, f

    rows = ["a"] * 4 + ["b"] * 4
    cols = ["x", "x", "x", "y", "x", "y", "y", "y"]
    rs = design.rao_scott(rows, cols, np.ones(8))
    assert rs.chi2 == pytest.approx(2.0) and rs.dof == 1
    assert rs.delta_mean == pytest.approx(8 / 7) and rs.a2 == pytest.approx(0.0, abs=1e-12)
    assert rs.chi2_first == pytest.approx(1.75) and rs.p_first == pytest.approx(chi2.sf(1.75, 1))
    assert (rs.F, rs.ndf, rs.ddf) == pytest.approx((1.75, 1.0, 7.0))
    assert rs.p_f == pytest.approx(f.sf(1.75, 1, 7))
    assert rs.chi2_second == pytest.approx(1.75) and rs.p_second == pytest.approx(rs.p_first)


def test_rao_scott_against_scipy_pearson_and_duplication_within_psus():
    # Independent computation: scipy's chi2_contingency gives Pearson's X^2 of a 4 x 3 table;
    # under SRS with equal weights every generalised design effect is n / (n - 1). Duplicating
    # every respondent inside its own PSU doubles X^2 and Delta (a design effect of 2), so the
    # adjusted statistics are unchanged.
    from scipy.stats import chi2_contingency

    rng = np.random.default_rng(4)
    n = 90
    rows = rng.choice(["CE", "MD", "CD", "DM"], n)
    cols = rng.choice(["agree", "neutral", "disagree"], n)
    pearson = chi2_contingency(pd.crosstab(rows, cols).to_numpy(), correction=False)[0]
    rs = design.rao_scott(rows, cols, np.ones(n))
    assert rs.chi2 == pytest.approx(pearson) and rs.dof == 6
    assert rs.delta_mean == pytest.approx(n / (n - 1)) and rs.chi2_first == pytest.approx(
        pearson * (n - 1) / n
    )
    assert rs.ddf == pytest.approx(6 * (n - 1))
    twice = design.rao_scott(np.tile(rows, 2), np.tile(cols, 2), np.ones(2 * n), psu=np.tile(np.arange(n), 2))
    assert twice.chi2 == pytest.approx(2 * pearson) and twice.delta_mean == pytest.approx(2 * n / (n - 1))
    assert (twice.F, twice.p_f, twice.p_first) == pytest.approx((rs.F, rs.p_f, rs.p_first))
    assert twice.n_psu == n


def test_rao_scott_domain_and_degenerate_tables():
    # missing answers and weight-zero rows are outside the domain; their PSUs still count
    rows = ["a", "a", "b", "b", "a", None]
    cols = ["x", "y", "x", "y", None, "x"]
    rs = design.rao_scott(rows, cols, [1, 1, 1, 1, 1, 1], psu=[1, 2, 3, 4, 5, 6])
    assert rs.n == 4 and rs.n_psu == 6 and rs.ddf == pytest.approx(5.0)
    one_level = design.rao_scott(["a", "b", "a"], ["x", "x", "x"], [1, 1, 1])
    assert np.isnan(one_level.F) and one_level.dof == 0
    one_psu = design.rao_scott(["a", "b", "a", "b"], ["x", "y", "y", "x"], [1] * 4, psu=[1] * 4)
    assert np.isnan(one_psu.p_f)


def test_design_role_tests_holm_over_items():
    from helpers.survey.attitudes import Item
    from helpers.survey.attitudes.role_differences import design_role_tests

    levels = ("No", "Yes")
    roles = ["Chief executive", "Medical director", "Clinical director", "Directorate manager"]
    clean = pd.DataFrame(
        {
            "role": [roles[i % 4] for i in range(40)] + ["Other"] * 4,
            "a": (["Yes"] * 20 + ["No"] * 20) + ["Yes"] * 4,
            "b": ["Yes", "No"] * 22,
        }
    )
    items = {k: Item(k, k, levels, ("Yes",)) for k in ("a", "b")}
    out = design_role_tests(clean, items, pd.Series(1.0, index=clean.index))
    assert out["n"].tolist() == [40, 40]  # "Other" outside the domain
    one = design.rao_scott(clean["role"].where(clean["role"] != "Other"), clean["a"], np.ones(44))
    assert out.loc[0, "F"] == pytest.approx(one.F) and out.loc[0, "ddf"] == pytest.approx(3 * 43)
    assert out["p_holm"].tolist() == pytest.approx(list(stats.adjust_pvalues(out["p_value"], "holm")))


def test_codebook_design_organisation_reaches_only_the_design_table(tmp_path):
    # the demo's codebook declares design.organisation: OrgCode; cleaning keeps it apart from
    # the clean data (CleaningResult.design), one row per clean respondent
    from helpers import config
    from helpers.survey import demo, inputs
    from helpers.survey.cleaning import clean_survey

    demo.write_demo(tmp_path)
    export, codebook = inputs.load(tmp_path)
    assert codebook.organisation == "OrgCode" and "OrgCode" in codebook.source_columns()
    result = clean_survey(export.data, codebook, config.load_params("params.yaml")["survey"], export.source)
    assert "OrgCode" not in result.clean.columns and "organisation" not in result.clean.columns
    design_table = result.design
    assert design_table["respondent"].tolist() == result.clean["respondent"].tolist()
    assert set(design_table["organisation"]) <= set(export.data["OrgCode"])
    assert design_table["organisation"].notna().all() and design_table["organisation"].nunique() > 100
    # attach_design joins it on the pseudonym, for the design only
    folder = tmp_path / "processed"
    folder.mkdir()
    design_table.to_parquet(folder / design.DESIGN_FILE)
    clean, psu = design.attach_design(result.clean, codebook, folder / design.DESIGN_FILE)
    assert psu == design.ORGANISATION and clean[psu].tolist() == design_table["organisation"].tolist()
    # a respondent without an organisation is their own PSU
    design_table.loc[[0, 1], "organisation"] = None
    design_table.to_parquet(folder / design.DESIGN_FILE)
    clean, psu = design.attach_design(result.clean, codebook, folder / design.DESIGN_FILE)
    first = result.clean["respondent"].tolist()[:2]
    assert clean[psu].tolist()[:2] == [f"respondent {r}" for r in first]
    # params survey.design.psu wins; a stale design file is refused
    assert design.attach_design(result.clean, codebook, folder / "absent", psu="nation")[1] == "nation"
    design_table.iloc[1:].to_parquet(folder / design.DESIGN_FILE)
    with pytest.raises(InputError, match="different respondents"):
        design.attach_design(result.clean, codebook, folder / design.DESIGN_FILE)
    with pytest.raises(InputError, match="wrote no design file"):
        design.attach_design(result.clean, codebook, folder / "absent.parquet")


def test_demo_organisations_are_plausible_nhs_bodies():
    from helpers.survey import demo

    rng = np.random.default_rng(1)
    n = 472
    roles = np.repeat(demo.ROLES, [demo.ROLE_COUNTS[r] for r in demo.ROLES])
    nation = rng.choice(["1", "2", "3", "4"], n, p=[0.80, 0.10, 0.06, 0.04])
    quality = rng.integers(1, 6, n).astype(str)
    org = demo.organisations(roles, nation, quality)
    assert (org == demo.organisations(roles, nation, quality)).all()  # deterministic
    table = pd.DataFrame({"org": org, "role": roles, "nation": nation})
    # organisations belong to the respondent's nation, with the nation's prefix
    prefix = table["nation"].map({k: v[0] for k, v in demo.ORGANISATIONS.items()})
    assert all(o.startswith(p) for o, p in zip(table["org"], prefix))
    # one chief executive and one medical director per organisation (enough organisations here)
    for role in demo.ONE_PER_ORGANISATION:
        assert table.loc[table["role"] == role, "org"].is_unique
    size = table["org"].value_counts()
    assert 100 <= len(size) <= 160 and size.mean() > 2.5 and size.max() >= 8


def test_design_role_tests_agree_only_is_pearson_on_role_by_agree_with_equal_weights():
    """With every weight 1 and no clusters, the Rao-Scott X^2 of role x (agree / not) is
    Pearson's chi-square of that table (scipy.stats.chi2_contingency, no continuity correction)."""
    from scipy.stats import chi2_contingency

    from helpers.survey import attitudes

    levels = ["Disagree", "Neutral", "Agree", "Strongly agree"]
    answers = {  # role -> counts of each level
        "Chief executive": [5, 3, 10, 2],
        "Medical director": [8, 6, 4, 2],
        "Clinical director": [12, 5, 6, 1],
        "Directorate manager": [3, 2, 12, 9],
    }
    rows = [(role, lv) for role, counts in answers.items() for lv, k in zip(levels, counts) for _ in range(k)]
    clean = pd.DataFrame(rows, columns=["role", "q"])
    clean["q"] = pd.Categorical(clean["q"], categories=levels, ordered=True)
    item = attitudes.Item("q", "Q?", tuple(levels), ("Agree", "Strongly agree"))
    out = attitudes.design_role_tests(clean, {"q": item}, pd.Series(1.0, index=clean.index), agree_only=True)
    agree = [[c[2] + c[3], c[0] + c[1]] for c in answers.values()]
    expected = chi2_contingency(agree, correction=False)
    assert out.loc[0, "chi2"] == pytest.approx(expected.statistic, rel=1e-9)
    assert out.loc[0, "dof"] == 3 and out.loc[0, "n"] == 90
