"""The large synthetic export generator (benchmark input): readable, consistent with the demo
codebook, with exactly the planted mess, seeded."""

import csv

import pytest

from helpers import config
from helpers.survey import demo, inputs, synthetic_large
from helpers.survey.cleaning import clean_survey

N = 2000


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("large")
    path = synthetic_large.write_large_export(folder, N, seed=7)
    return folder, path


@pytest.fixture(scope="module")
def cleaned(written):
    folder, _ = written
    export, codebook = inputs.load(folder)
    settings = config.load_params("params.yaml")["survey"]
    return export, clean_survey(export.data, codebook, settings, export.source)


def test_header_rows_are_the_demo_exports(written):
    _, path = written
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    demo_frame, _ = demo.generate(7)
    assert rows[:3] == [list(demo_frame.iloc[i]) for i in range(3)]
    # Every record has the header's 41 fields (quoted commas and line breaks in comments, Q10;
    # the organisation identifier OrgCode last, issue 14).
    assert len(rows) == N + 3
    assert {len(r) for r in rows} == {41} and rows[0][-2:] == ["Q10", "OrgCode"]
    assert any("\n" in r[-2] for r in rows[3:]) and any("," in r[-2] for r in rows[3:])


def test_reads_as_qualtrics_with_every_response(cleaned):
    export, _ = cleaned
    assert export.platform == "qualtrics"
    assert len(export.data) == N
    assert export.notes == []


def test_cleaning_removes_exactly_the_planted_mess(cleaned):
    export, result = cleaned
    # Rates in synthetic_large.MESS x 2000: 6 preview + 4 test + 2 spam; 20 no consent;
    # 80 break-offs; 20 duplicates; 10 unclassifiable titles.
    assert result.flow["excluded"].tolist() == [0, 12, 20, 80, 20, 10]
    assert result.flow["remaining"].iloc[-1] == N - 142 == len(result.clean)
    assert result.exclusions["reason"].str.startswith("duplicate of row").sum() == 20
    # Every "Other" row went through the rules; exactly the unclassifiable titles stayed Other.
    other = export.data[export.data["Q2"] == "7"]
    assert result.role_recodes["n_matched"].sum() == len(other) > 60
    assert (
        result.role_recodes["n_matched"].iloc[-1]
        == other["Q2_7_TEXT"].isin(demo.UNCLASSIFIABLE_TITLES).sum()
        == 10
    )
    assert result.clean["flag_straightliner"].sum() >= 20
    assert result.clean["flag_speeder"].sum() >= 30


def test_roles_differ_as_in_the_demo(written, tmp_path):
    # 20,000 responses: each role's agreement is within 3 points of the demo's target share.
    synthetic_large.write_large_export(tmp_path, 20_000, seed=11)
    export, codebook = inputs.load(tmp_path)
    clean = clean_survey(
        export.data, codebook, config.load_params("params.yaml")["survey"], export.source
    ).clean
    for item in ("att_teamwork", "att_managers_obstruct", "att_regulation_punitive"):
        for role, target in zip(demo.ROLES, demo.AGREE[item]):
            answers = clean.loc[clean["role"] == role, item].dropna()
            share = answers.isin(["Agree", "Strongly agree"]).mean()
            assert abs(share - target) < 0.03, (item, role, share, target)


def test_same_seed_same_bytes_other_seed_differs(written, tmp_path):
    _, path = written
    again = synthetic_large.write_large_export(tmp_path / "a", N, seed=7)
    other = synthetic_large.write_large_export(tmp_path / "b", N, seed=8)
    assert again.read_bytes() == path.read_bytes()
    assert other.read_bytes() != path.read_bytes()


def test_too_small_n_is_refused():
    with pytest.raises(ValueError, match="n must be at least 100"):
        synthetic_large.columns(99)
