"""Slow tier (decisions 10): design-based estimates and raking against R's survey package
(Lumley), on the same data and on the package's api data. Skipped with a message where R or
its survey package is absent (Debian: apt-get install r-cran-survey; .ci/run installs it)."""

import functools
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from helpers import stats
from helpers.survey.attitudes import design

pytestmark = pytest.mark.slow


@functools.cache
def _r_available() -> bool:
    if not shutil.which("Rscript"):
        return False
    done = subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True, text=True)
    return done.returncode == 0


@pytest.fixture
def r_survey():
    """Skips the test where R or its survey package is absent. Asked when a test runs, not when
    the file is collected: a check at import started R in each `make test` worker (about 2-4 s
    of its start) for a file whose tests are all in the slow tier."""
    if not _r_available():
        pytest.skip("R's survey package is not installed (apt-get install r-cran-survey)")


needs_r = pytest.mark.usefixtures("r_survey")


def run_r(code: str) -> str:
    done = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def sample(seed=3, n=240):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame(
        {
            "org": rng.integers(0, 25, n),
            "role": rng.choice(["CE", "MD", "CD", "DM"], n, p=[0.15, 0.2, 0.3, 0.35]),
            "nation": rng.choice(["E", "S", "W"], n, p=[0.7, 0.2, 0.1]),
        }
    )
    d["y"] = (rng.random(n) < 0.3 + 0.3 * (d["role"] == "CE")).astype(float)
    d.loc[rng.choice(n, 12, replace=False), "y"] = np.nan
    d["w"] = rng.uniform(0.5, 2.5, n)
    return d


@needs_r
def test_taylor_proportion_matches_r_svymean_with_clusters(tmp_path):
    d = sample()
    path = tmp_path / "d.csv"
    d.to_csv(path, index=False)
    out = run_r(
        f"""suppressMessages(library(survey)); d <- read.csv("{path}")
        des <- svydesign(ids = ~org, weights = ~w, data = d)
        m <- svymean(~y, des, na.rm = TRUE); cat(sprintf("%.12f %.12f", coef(m), SE(m)))"""
    )
    mean_r, se_r = map(float, out.split())
    est = design.design_proportion(d["y"], d["w"], psu=d["org"])
    assert est.estimate == pytest.approx(mean_r, rel=1e-9) and est.se == pytest.approx(se_r, rel=1e-7)


@needs_r
def test_rake_matches_r_rake(tmp_path):
    d = sample(5)
    path = tmp_path / "d.csv"
    d.to_csv(path, index=False)
    margins = {
        "role": pd.Series({"CE": 120.0, "MD": 180.0, "CD": 400.0, "DM": 300.0}),
        "nation": pd.Series({"E": 700.0, "S": 200.0, "W": 100.0}),
    }
    out = run_r(
        f"""suppressMessages(library(survey)); d <- read.csv("{path}")
        des <- svydesign(ids = ~1, weights = ~rep(1, nrow(d)), data = d)
        r <- rake(des, list(~role, ~nation), list(data.frame(role = c("CE","MD","CD","DM"), Freq = c(120,180,400,300)),
                   data.frame(nation = c("E","S","W"), Freq = c(700,200,100))), control = list(epsilon = 1e-12, maxit = 500))
        cat(sprintf("%.12f", weights(r)), sep = " ")"""
    )
    w_r = np.array([float(x) for x in out.split()])
    w = stats.rake(d, margins)  # scaled to mean 1; R's sum to the population
    assert np.allclose(w.to_numpy() * 1000 / len(d), w_r, rtol=1e-7)


@needs_r
def test_api_data_documented_mean_and_r_standard_error(tmp_path):
    # The survey package's documented example: svymean(~api00, dclus1) = 644.17 (apiclus1,
    # one-stage cluster sample of school districts, weights pw). Our design has no finite
    # population correction, so its SE is compared with R's design without fpc.
    path = tmp_path / "apiclus1.csv"
    out = run_r(
        f"""suppressMessages(library(survey)); data(api)
        write.csv(apiclus1[, c("dnum", "pw", "api00")], "{path}", row.names = FALSE)
        m <- svymean(~api00, svydesign(ids = ~dnum, weights = ~pw, data = apiclus1))
        cat(sprintf("%.10f %.10f", coef(m), SE(m)))"""
    )
    mean_r, se_r = map(float, out.split())
    api = pd.read_csv(path)
    est = design.design_proportion(api["api00"], api["pw"], psu=api["dnum"])
    assert round(est.estimate, 2) == 644.17  # the documented value
    assert est.estimate == pytest.approx(mean_r, rel=1e-10) and est.se == pytest.approx(se_r, rel=1e-8)
    assert est.n_psu == 15


def r_svychisq(path, design_call: str, formula: str) -> list[float]:
    out = run_r(
        f"""suppressMessages(library(survey)); d <- read.csv("{path}")
        des <- {design_call}
        a <- svychisq({formula}, des); b <- svychisq({formula}, des, statistic = "Chisq")
        cat(sprintf("%.12g", c(a$statistic, a$parameter, a$p.value, b$p.value)))"""
    )
    return [float(x) for x in out.split()]


@needs_r
def test_rao_scott_matches_r_svychisq_with_clusters_and_missing_answers(tmp_path):
    # svychisq (default statistic "F": second-order Rao-Scott; "Chisq": first order) on a
    # clustered, weighted sample with 4 role groups x 3 answers and item non-response
    rng = np.random.default_rng(3)
    n = 300
    d = pd.DataFrame({"org": rng.integers(0, 30, n), "role": rng.choice(["CE", "MD", "CD", "DM"], n)})
    agree = rng.random(n) < 0.3 + 0.2 * (d["role"] == "CE")
    d["y"] = np.where(agree, "agree", np.where(rng.random(n) < 0.5, "neutral", "disagree"))
    d.loc[rng.choice(n, 15, replace=False), "y"] = np.nan
    d["w"] = rng.uniform(0.5, 2.5, n)
    path = tmp_path / "d.csv"
    d.to_csv(path, index=False, na_rep="NA")
    F, ndf, ddf, p_f, p_first = r_svychisq(path, "svydesign(ids = ~org, weights = ~w, data = d)", "~role + y")
    rs = design.rao_scott(d["role"], d["y"], d["w"], psu=d["org"])
    assert (rs.F, rs.ndf, rs.ddf) == pytest.approx((F, ndf, ddf), rel=1e-8)
    assert rs.p_f == pytest.approx(p_f, rel=1e-7) and rs.p_first == pytest.approx(p_first, rel=1e-7)
    assert rs.n_psu == 30 and rs.n == n - 15


@needs_r
def test_rao_scott_matches_r_svychisq_on_stratified_api_data(tmp_path):
    # The package's api data: stratified sample apistrat (strata stype, weights pw, each school
    # its own PSU), school-wide target met (sch.wide) by whether awards were given (awards), and
    # the one-stage cluster sample apiclus1 (PSU dnum) for sch.wide x stype, as in ?svychisq.
    strat, clus = tmp_path / "apistrat.csv", tmp_path / "apiclus1.csv"
    run_r(
        f"""suppressMessages(library(survey)); data(api)
        write.csv(apistrat[, c("stype", "pw", "sch.wide", "awards")], "{strat}", row.names = FALSE)
        write.csv(apiclus1[, c("dnum", "pw", "sch.wide", "stype")], "{clus}", row.names = FALSE)"""
    )
    F, ndf, ddf, p_f, p_first = r_svychisq(
        strat, "svydesign(ids = ~1, strata = ~stype, weights = ~pw, data = d)", "~sch.wide + awards"
    )
    s = pd.read_csv(strat)
    rs = design.rao_scott(s["sch.wide"], s["awards"], s["pw"], strata=s["stype"])
    assert (rs.F, rs.ndf, rs.ddf, rs.p_f, rs.p_first) == pytest.approx((F, ndf, ddf, p_f, p_first), rel=1e-7)
    F, ndf, ddf, p_f, p_first = r_svychisq(
        clus, "svydesign(ids = ~dnum, weights = ~pw, data = d)", "~sch.wide + stype"
    )
    c = pd.read_csv(clus)
    rs = design.rao_scott(c["sch.wide"], c["stype"], c["pw"], psu=c["dnum"])
    assert (rs.F, rs.ndf, rs.ddf, rs.p_f, rs.p_first) == pytest.approx((F, ndf, ddf, p_f, p_first), rel=1e-7)
    assert rs.n_psu == 15 and rs.ddf == pytest.approx(rs.ndf * 14)


@needs_r
def test_rao_scott_role_tests_match_r_svychisq_on_the_demo_survey(tmp_path):
    # The demo as notebook 03 analyses it: raking weights to the sampling frame, the demo's
    # organisations (OrgCode) as PSUs, role x answer for two items, the "Other" role outside
    from helpers import config
    from helpers.disclosure import Rule
    from helpers.survey import attitudes, demo, inputs
    from helpers.survey.cleaning import clean_survey

    demo.write_demo(tmp_path)
    export, codebook = inputs.load(tmp_path)
    result = clean_survey(export.data, codebook, config.load_params("params.yaml")["survey"], export.source)
    result.design.to_parquet(tmp_path / "design.parquet")
    clean, psu = attitudes.attach_design(result.clean, codebook, tmp_path / "design.parquet")
    items = attitudes.items_from_codebook(codebook)
    frame = attitudes.load_frame(tmp_path / "survey" / attitudes.FRAME_FILE, clean)
    _, summary = attitudes.weighted_estimates(
        clean,
        items,
        attitudes.frame_margins(frame, ["role", "nation"]),
        Rule("threshold", 5, marker=None),
        psu=psu,
    )
    names = ["relationship_quality", "att_teamwork"]
    ours = attitudes.design_role_tests(clean, {k: items[k] for k in names}, summary["weights"], psu)
    d = clean.loc[summary["weights"].index, ["role", psu, *names]].astype(object)
    d["role"] = d["role"].where(d["role"].isin(attitudes.ROLES))
    d["w"] = summary["weights"]
    path = tmp_path / "demo.csv"
    d.to_csv(path, index=False, na_rep="NA")
    for i, name in enumerate(names):
        F, ndf, ddf, p_f, p_first = r_svychisq(
            path, f"svydesign(ids = ~{psu}, weights = ~w, data = d)", f"~role + {name}"
        )
        row = ours.iloc[i]
        assert (row["F"], row["ndf"], row["ddf"]) == pytest.approx((F, ndf, ddf), rel=1e-7)
        assert (row["p_value"], row["p_first_order"]) == pytest.approx((p_f, p_first), rel=1e-6)
