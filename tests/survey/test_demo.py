"""The demonstration survey: reproducible, and calibrated on the published 2015 figures."""

import pytest

from helpers import config, paths
from helpers.survey import demo, inputs
from helpers.survey.cleaning import clean_survey


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo.write_demo(folder, seed=20151)
    return folder


def test_same_seed_same_bytes(demo_folder, tmp_path):
    demo.write_demo(tmp_path, seed=20151)
    for name in ["survey_export.csv", "codebook.yaml", "README.md", "sampling_frame.csv"]:
        assert (tmp_path / "survey" / name).read_bytes() == (demo_folder / "survey" / name).read_bytes()


def test_committed_demo_matches_the_generator(demo_folder):
    committed = paths.project_root() / "data" / "raw" / "demo" / "survey"
    for name in ["survey_export.csv", "codebook.yaml", "sampling_frame.csv", "README.md"]:
        assert (committed / name).read_bytes() == (demo_folder / "survey" / name).read_bytes(), (
            f"data/raw/demo/survey/{name} is stale: run `make demo`"
        )


@pytest.fixture(scope="module")
def cleaned(demo_folder):
    export, codebook = inputs.load(demo_folder)
    settings = config.load_params("params.yaml")["survey"]
    return export, clean_survey(export.data, codebook, settings, export.source)


def test_demo_has_the_published_shape(cleaned):
    export, result = cleaned
    clean = result.clean
    assert len(export.data) == 521
    assert len(clean) == 472
    assert (clean["role"] == "Clinical director").sum() == 150
    assert len(clean) + len(result.exclusions) == len(export.data)


def test_demo_is_calibrated_on_published_percentages(cleaned):
    clean = cleaned[1].clean

    # Computed directly from the raw labels, not through the analysis helpers.
    def pct(col, labels):
        valid = clean[col].dropna().astype(str)
        return round(100 * valid.isin(labels).mean())

    assert pct("relationship_quality", ["4", "5 Excellent"]) == 60
    assert pct("relationship_change", ["Deteriorate"]) == 37
    assert pct("att_regulation_punitive", ["Agree", "Strongly agree"]) == 88
    assert pct("att_cost_quality_tension", ["Agree", "Strongly agree"]) == 87
    positive = clean.assign(pos=clean["relationship_quality"].astype(str).isin(["4", "5 Excellent"]))
    by_role = positive[clean["relationship_quality"].notna()].groupby("role", observed=True)["pos"].mean()
    assert by_role.idxmax() == "Chief executive" and by_role.idxmin() == "Clinical director"
    improve = (
        clean["relationship_change"]
        .astype(str)
        .eq("Improve")[clean["role"].eq("Chief executive") & clean["relationship_change"].notna()]
    )
    assert improve.mean() == pytest.approx(0.8, abs=0.05)  # "four-fifths of chief executives"


def test_demo_has_the_mess_of_a_real_export(cleaned):
    export, result = cleaned
    steps = result.flow.set_index("step")["excluded"]
    assert steps["Preview, test or spam response"] == 6
    assert steps["Did not consent"] == 6
    assert steps["Partial response (progress below 80%)"] == 25
    assert steps["Duplicate respondent"] == 8
    assert steps["Role not in the study's four groups"] == 4
    assert result.clean["flag_speeder"].sum() == 7
    assert result.clean["flag_straightliner"].sum() == 4
    assert (export.data["Q9_2"] == "-99").any() and (export.data["Q9_2"] == "9").any()
    # 18 classifiable titles + 4 that no rule matches (junk rows may copy more)
    assert export.data["Q2_7_TEXT"].ne("").sum() >= 22


def test_demo_frame_gives_the_published_response_rates(demo_folder, cleaned):
    # calibrated on the only published response rates (2002: board 66%, directorate 73%); the
    # analysable respondents are fewer than those who responded, so RR2 is at most those rates
    from helpers.survey.attitudes import design

    _, result = cleaned
    frame = design.load_frame(demo_folder / "survey" / "sampling_frame.csv", result.clean)
    rates = design.response_rates(result.clean, frame, ["role", "nation"]).set_index(["variable", "category"])
    assert rates.loc[("all", "All invited"), "unmatched"] == 0
    for role, published in design_targets().items():
        assert published - 8 < rates.loc[("role", role), "rr2"] <= published + 0.5


def design_targets():
    return {r: 100 * v for r, v in demo.FRAME_RESPONSE.items()}
