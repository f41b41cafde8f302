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
