"""SPSS (.sav) and Stata (.dta) exports: read with pyreadstat, through the same codebook and cleaning.

Synthetic files are written here with pyreadstat (value labels, user-missing codes, a Qualtrics-
style false/true Finished flag); the real files in ../shared/fixtures/spss-stata are read at the
end with their counts asserted (skipped when that folder is absent).
"""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from helpers import paths
from helpers.files import InputError
from helpers.survey import inputs
from helpers.survey.cleaning import clean_survey
from helpers.survey.codebook import load_codebook
from helpers.survey.readers import read_export
from helpers.survey.spss import code_text, read_labelled

from .conftest import TINY_CODEBOOK
from .test_cleaning import COLUMNS, ROWS, SETTINGS, export

# The rows of the CSV cleaning test, minus the one holding label text (SPSS cells are codes).
SAV_ROWS = {k: v for k, v in ROWS.items() if k != 12}
NUMERIC = {"Status", "Progress", "Duration (in seconds)", "Q1", "Q2", "Q3_1", "Q3_2"}
SPSS_NAME = {"Duration (in seconds)": "Duration__in_seconds_"}  # what Qualtrics' SPSS export does


def sav_frame() -> pd.DataFrame:
    csv_like = export(SAV_ROWS)
    frame = pd.DataFrame(index=range(len(csv_like)))
    for column in COLUMNS:
        values = csv_like[column].to_list()
        if column in NUMERIC:
            frame[SPSS_NAME.get(column, column)] = [float(v) if v != "" else float("nan") for v in values]
        else:
            frame[column] = values
    return frame


def write_sav(path, frame=None):
    pyreadstat.write_sav(
        sav_frame() if frame is None else frame,
        str(path),
        column_labels={"Q1": "Do you consent?", "Q3_1": "Item one", "Q3_2": "Item two"},
        variable_value_labels={
            "Q1": {1: "Yes", 2: "No"},
            "Q3_1": {1: "Disagree", 2: "Neutral", 3: "Agree", 9: "Don't know", -99: "Seen, not answered"},
            "Q3_2": {1: "Disagree", 2: "Neutral", 3: "Agree", 9: "Don't know", -99: "Seen, not answered"},
        },
        missing_ranges={"Q3_1": [9, -99], "Q3_2": [9, -99]},
    )
    return path


def test_sav_cells_are_codes_with_labels_and_user_missing_kept(tmp_path):
    exp, meta = read_labelled(write_sav(tmp_path / "export.sav"))
    assert exp.platform == "spss"
    assert exp.data.index.tolist() == list(range(1, 9))
    assert exp.data["Q3_1"].tolist() == ["3", "3", "", "2", "3", "2", "2", "9"]
    assert exp.data["Q3_2"].tolist() == ["1", "3", "", "", "1", "2", "2", "-99"]  # user-missing kept
    assert exp.data["Duration__in_seconds_"].tolist()[:2] == ["600", "600"]
    assert exp.questions["Q1"] == "Do you consent?" and exp.questions["Email"] == "Email"
    assert exp.value_labels["Q1"] == {"1": "Yes", "2": "No"}
    assert meta.user_missing["Q3_1"] == ["9", "-99"]
    assert "column 'Q3_2': user-missing values 9 (Don't know), -99 (Seen, not answered) kept as codes" in (
        exp.notes
    )
    assert any("Duration__in_seconds_" in n for n in exp.notes)


def test_read_export_dispatches_on_the_suffix_and_the_named_platform(tmp_path):
    path = write_sav(tmp_path / "export.sav")
    assert read_export(path).platform == "spss"
    renamed = tmp_path / "export.bin"
    renamed.write_bytes(path.read_bytes())
    assert read_export(renamed).platform == "spss"  # recognised by its $FL2 magic
    assert read_export(renamed, platform="spss").data.shape == (8, 10)
    text = tmp_path / "not.sav"
    text.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not an SPSS system file \(it should begin with \$FL2"):
        read_export(text)


def test_same_codebook_and_cleaning_as_the_csv_export(tmp_path):
    """A .sav of the CSV test's rows cleans to the same respondents, labels and flow (compared with
    the CSV route, which test_cleaning checks by hand)."""
    codebook_text = TINY_CODEBOOK.replace(
        "duration: Duration (in seconds)", "duration: Duration__in_seconds_"
    )
    (tmp_path / "codebook.yaml").write_text(codebook_text, encoding="utf-8")
    codebook = load_codebook(tmp_path / "codebook.yaml")
    exp, _ = read_labelled(write_sav(tmp_path / "export.sav"))
    via_sav = clean_survey(exp.data, codebook, SETTINGS, exp.source)
    csv_data = export(SAV_ROWS).rename(columns=SPSS_NAME)
    via_csv = clean_survey(csv_data, codebook, SETTINGS, "export.csv")
    assert via_sav.flow.to_dict("records") == via_csv.flow.to_dict("records")
    pd.testing.assert_frame_equal(via_sav.clean.reset_index(drop=True), via_csv.clean.reset_index(drop=True))
    assert via_sav.clean["a1"].tolist()[:2] == ["Agree", "Neutral"] and pd.isna(via_sav.clean["a1"].iloc[2])
    assert via_sav.clean["a1_nonsub"].tolist()[2] == "Don't know"


def test_finished_flag_with_false_true_labels_on_1_and_2_is_read_by_label(tmp_path):
    frame = pd.DataFrame({"Finished": [2.0, 1.0, 2.0]})
    path = tmp_path / "f.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"Finished": {1: "False", 2: "True"}})
    exp, _ = read_labelled(path)
    assert exp.data["Finished"].tolist() == ["True", "False", "True"]
    assert (
        "column 'Finished': false/true value labels (1 = False, 2 = True): cells hold the labels" in exp.notes
    )


def test_stata_file_with_value_labels(tmp_path):
    frame = pd.DataFrame({"q1": [1, 2, 3], "name": ["a", "b", ""]})
    path = tmp_path / "s.dta"
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels=["Question one", "Name"],
        variable_value_labels={"q1": {1: "Low", 3: "High"}},
    )
    exp = read_export(path)
    assert exp.platform == "stata"
    assert exp.data.to_dict("list") == {"q1": ["1", "2", "3"], "name": ["a", "b", ""]}
    assert exp.value_labels == {"q1": {"1": "Low", "3": "High"}}
    assert exp.questions == {"q1": "Question one", "name": "Name"}


def test_code_text():
    assert [code_text(v) for v in (1.0, -99.0, 1.5, float("nan"), None, "x", 7)] == [
        "1",
        "-99",
        "1.5",
        "",
        "",
        "x",
        "7",
    ]


def test_find_export_picks_up_a_sav(tmp_path, tiny_codebook_path):
    write_sav(tmp_path / "export.sav")
    assert inputs.find_export(tmp_path, load_codebook(tiny_codebook_path)).name == "export.sav"


# --------------------------------------------------------------------------------------------
# The real files in ../shared/fixtures/spss-stata (read-only; skipped when the folder is absent)

FIXTURES = paths.project_root().parent / "shared" / "fixtures" / "spss-stata"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures not present")


@needs_fixtures
@pytest.mark.parametrize(
    "name, platform, shape, labelled, user_missing",
    [
        ("pyreadstat_sample.sav", "spss", (5, 7), 2, {}),
        ("pyreadstat_sample.dta", "stata", (5, 7), 2, {}),
        (
            "pyreadstat_sample_missing.sav",
            "spss",
            (7, 7),
            2,
            {"mynum": ["-1"], "mylabl": ["-1"], "myord": ["-1", "-2", "-3"]},
        ),
        ("pyreadstat_simple_alltypes.sav", "spss", (6, 12), 5, {"x": ["7", "8", "99"], "z": ["999"]}),
        ("pyreadstat_test_width_qualtrics.sav", "spss", (5, 4), 1, {}),
        ("haven_umlauts.sav", "spss", (4, 1), 1, {}),
        ("haven_tagged-na-int.dta", "stata", (8, 1), 1, {"x": [".a", ".h", ".z"]}),
    ],
)
def test_real_files(name, platform, shape, labelled, user_missing):
    exp, meta = read_labelled(FIXTURES / name)
    assert exp.platform == platform
    assert exp.data.shape == shape
    assert len(exp.value_labels) == labelled
    assert meta.user_missing == user_missing
    if name == "pyreadstat_sample_missing.sav":
        assert exp.data["myord"].tolist() == ["1", "2", "3", "1", "1", "-1", "-3"]
        assert meta.missing_ranges == {"mynum": [(2000.0, 3000.0)]}
        assert exp.data["mydate"].tolist()[:2] == ["2018-05-06", "1880-05-06"]
    if name == "haven_umlauts.sav":
        assert exp.value_labels["var1"] == {"1": "the ä umlaut", "2": "the ü umlaut", "3": "the ö umlaut"}
        assert exp.questions["var1"] == "This is an ä-umlaut"
    if name == "haven_tagged-na-int.dta":
        assert exp.data["x"].tolist() == ["1", "2", "3", "4", "5", ".a", ".h", ".z"]
        assert exp.value_labels["x"] == {".a": "apple", ".z": ".zebra"}
    if name == "pyreadstat_test_width_qualtrics.sav":
        assert exp.data["Finished"].tolist() == ["True"] * 5
        assert exp.questions["Duration__in_seconds_"] == "Duration (in seconds)"
    if name == "pyreadstat_simple_alltypes.sav":
        assert len(meta.mr_sets) == 2
