"""Slow tier: the partial proportional-odds model against R's VGAM (Yee), on the same data.
Skipped with a message where R or VGAM is absent (Debian: apt-get install r-cran-vgam;
.ci/run installs it)."""

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from helpers.survey.attitudes import models

pytestmark = pytest.mark.slow


def _vgam_available() -> bool:
    if not shutil.which("Rscript"):
        return False
    return subprocess.run(["Rscript", "-e", "library(VGAM)"], capture_output=True, text=True).returncode == 0


def test_partial_proportional_odds_matches_vgam_cumulative_nonparallel_role(tmp_path):
    # Checked when the test runs, not at import (which started R in each `make test` worker)
    if not _vgam_available():
        pytest.skip("R's VGAM package is not installed (apt-get install r-cran-vgam)")
    # vglm(y ~ role + x + nation, cumulative(parallel = FALSE ~ role)): role has its own slope
    # at each cut-point, x and nation one slope. VGAM models logit P(Y <= j) = eta_j with
    # +slopes, ours theta_j - slopes (statsmodels' sign): the slopes agree with opposite signs.
    rng = np.random.default_rng(11)
    n = 500
    role = rng.choice(["CD", "CE", "DM", "MD"], n)
    nation = rng.choice(["E", "S", "W"], n, p=[0.7, 0.2, 0.1])
    x = rng.normal(size=n)
    latent = (
        0.6 * x + 0.4 * (nation == "S") + 1.2 * (role == "CE") * (rng.random(n) < 0.6) - 0.4 * (role == "DM")
    )
    y = np.digitize(latent + rng.logistic(size=n), [-1.2, -0.2, 0.8, 1.8])
    d = pd.DataFrame({"y": y + 1, "role": role, "nation": nation, "x": x})
    path = tmp_path / "d.csv"
    d.to_csv(path, index=False)
    done = subprocess.run(
        [
            "Rscript",
            "-e",
            f"""suppressMessages(library(VGAM)); d <- read.csv("{path}"); d$y <- ordered(d$y)
            d$role <- factor(d$role); d$nation <- factor(d$nation)
            f <- vglm(y ~ role + x + nation, cumulative(parallel = FALSE ~ role), data = d,
                      control = vglm.control(epsilon = 1e-12, maxit = 200))
            b <- coef(f); s <- sqrt(diag(vcov(f)))
            cat(sprintf("%s %.12f %.12f", names(b), b, s), sep = "\\n"); cat(sprintf("llf %.12f 0", logLik(f)))""",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    r = {name: (float(b), float(s)) for name, b, s in (line.split() for line in done.stdout.splitlines())}
    X = pd.DataFrame({"x": x, "nation[S]": (nation == "S") * 1.0, "nation[W]": (nation == "W") * 1.0})
    Z = pd.DataFrame({f"role[{g}]": (role == g) * 1.0 for g in ("CE", "DM", "MD")})
    fit = models.partial_proportional_odds(y, X, Z, 5)
    assert fit.converged and fit.llf == pytest.approx(r["llf"][0], rel=1e-8)
    table = fit.table(["1", "2", "3", "4", "5"]).set_index(["term", "cut"])
    se = np.sqrt(np.diag(fit.cov))
    for term, r_name in (("x", "x"), ("nation[S]", "nationS"), ("nation[W]", "nationW")):
        assert np.log(table.loc[(term, "all"), "odds_ratio"]) == pytest.approx(-r[r_name][0], rel=1e-5)
    for g in ("CE", "DM", "MD"):
        for j in range(4):
            b, s = r[f"role{g}:{j + 1}"]
            assert np.log(table.loc[(f"role[{g}]", f"> {j + 1}"), "odds_ratio"]) == pytest.approx(
                -b, rel=1e-5, abs=1e-7
            )
    # standard errors: ours invert the observed information, VGAM's the expected (Fisher scoring);
    # for cumulative logits they differ slightly (here under 1%)
    k = 4 + 3  # thresholds, then the parallel terms, then role by cut-point (row-major by cut)
    ours = {("role[CE]", j): se[k + j * 3] for j in range(4)}
    for j in range(4):
        assert ours[("role[CE]", j)] == pytest.approx(r[f"roleCE:{j + 1}"][1], rel=0.01)
