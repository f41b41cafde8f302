"""Slow tier (issue 11): generated instruments through the whole pipeline on every platform
layout: notebooks 02, 03 and 05 with papermill, the deck and the index, in a scratch workspace
(``HELPERS_WORKSPACE``), at disclosure thresholds 1, 5 and 10; and ``make check`` reports no
problem for each of them (check and the stages agree)."""

import shutil

import pandas as pd
import pytest
import yaml

from helpers import check, paths, pipeline, slides
from helpers.synthetic import instruments as S

pytestmark = pytest.mark.slow

STAGES = [
    "notebooks/02_survey_cleaning.ipynb",
    "notebooks/03_attitude_analysis.ipynb",
]  # 05 needs every strand (first-cell check)


def params_file(tmp_path, min_count: int):
    params = yaml.safe_load((paths.project_root() / "params.yaml").read_text(encoding="utf-8"))
    params["disclosure"]["min_count"] = min_count
    path = tmp_path / f"params_{min_count}.yaml"
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    return path


def run_all(workspace, data, params, monkeypatch):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(workspace))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    problems = [p for r in check.check_folder(data, params) for p in r.problems]
    assert problems == [], problems  # check agrees with the stages: no problem, and they all run
    for notebook in STAGES:
        pipeline.run_stage(notebook, str(data), str(params))
    executed = workspace / "build/executed/05_findings.ipynb"
    if executed.is_file():
        slides.main([str(executed), str(workspace / "reports/05_findings_slides.html")])
    assert (workspace / "reports/03_attitude_analysis.html").is_file()
    flow = pd.read_csv(workspace / "reports/tables/survey_flow.csv")
    clean = pd.read_parquet(workspace / "data/processed/survey_clean.parquet")
    excluded = pd.read_csv(workspace / "data/processed/survey_exclusions.csv")
    assert flow["remaining"].iloc[0] == len(clean) + len(excluded)
    return workspace


@pytest.mark.parametrize("layout", S.LAYOUTS)
def test_design_survey_in_own_wording_runs_to_the_end_at_thresholds_1_5_10(tmp_path, monkeypatch, layout):
    inst = S.design_instrument()
    data = S.write_instrument(inst, tmp_path / "data", layout)
    for min_count in (1, 5, 10):
        ws = run_all(tmp_path / f"ws{min_count}", data, params_file(tmp_path, min_count), monkeypatch)
        tables = {p.stem for p in (ws / "reports/tables").glob("*.csv")}
        assert {"attitudes_by_role", "attitudes_then_vs_now"} <= tables
        assert not (ws / "reports/tables/attitudes_scale_reliability.csv").exists()  # no multi-item scales
        html = (ws / "reports/03_attitude_analysis.html").read_text(encoding="utf-8")
        assert (
            "Skipped for this instrument: the codebook has no <code>multi_item_scales</code> section" in html
        )
        assert "Traceback" not in html


@pytest.mark.parametrize("seed", [101, 102, 103, 104, 105, 106, 107])
def test_random_instruments_run_to_the_end(tmp_path, monkeypatch, seed):
    layout = S.LAYOUTS[seed % len(S.LAYOUTS)]
    data = S.write_instrument(S.random_instrument(seed), tmp_path / "data", layout)
    min_count = (1, 5, 10)[seed % 3]
    ws = run_all(tmp_path / "ws", data, params_file(tmp_path, min_count), monkeypatch)
    assert "Traceback" not in (ws / "reports/03_attitude_analysis.html").read_text(encoding="utf-8")
    shutil.rmtree(ws)
