import pandas as pd
import pytest

from helpers.files import InputError
from helpers.survey.cleaning import clean_survey
from helpers.survey.codebook import load_codebook

COLUMNS = [
    "StartDate",
    "Status",
    "Progress",
    "Duration (in seconds)",
    "Email",
    "Q1",
    "Q2",
    "Q2_7_TEXT",
    "Q3_1",
    "Q3_2",
]
ROWS = {  # source row -> values (as text, like an export)
    4: ["2015-01-01 09:00:00", "0", "100", "600", "a@x.org", "1", "1", "", "3", "1"],
    5: ["2015-01-01 10:00:00", "1", "100", "600", "", "1", "2", "", "3", "3"],  # preview
    6: ["2015-01-02 09:00:00", "0", "100", "30", "", "2", "", "", "", ""],  # no consent
    7: ["2015-01-02 10:00:00", "0", "50", "300", "", "1", "3", "", "2", ""],  # partial
    8: ["2015-01-05 09:00:00", "0", "100", "650", " A@X.ORG ", "1", "1", "", "3", "1"],  # duplicate of 4
    9: ["2015-01-06 09:00:00", "0", "100", "700", "", "1", "7", "Interim Chief Exec", "2", "2"],
    10: ["2015-01-06 10:00:00", "0", "100", "700", "", "1", "7", "Nurse", "2", "2"],  # role outside study
    11: ["2015-01-07 09:00:00", "0", "100", "100", "", "1", "4", "", "9", "-99"],  # speeder, DK
    12: ["2015-01-08 09:00:00", "0", "100", "500", "", "1", "3", "", "Agree", "3"],  # label text
}
SETTINGS = {"min_progress": 80, "duplicate_keys": ["email"], "straightline_min_items": 2}


def export(rows=ROWS, columns=COLUMNS):
    df = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    df.index.name = "source_row"
    return df


@pytest.fixture
def result(tiny_codebook_path):
    return clean_survey(export(), load_codebook(tiny_codebook_path), SETTINGS, "export.csv")


def test_flow_counts_each_step(result):
    assert result.flow.to_dict("records") == [
        {"step": "Responses in the export", "excluded": 0, "remaining": 9},
        {"step": "Preview, test or spam response", "excluded": 1, "remaining": 8},
        {"step": "Did not consent", "excluded": 1, "remaining": 7},
        {"step": "Partial response (progress below 80%)", "excluded": 1, "remaining": 6},
        {"step": "Duplicate respondent", "excluded": 1, "remaining": 5},
        {"step": "Role not in the study's four groups", "excluded": 1, "remaining": 4},
    ]


def test_every_raw_row_is_clean_or_excluded_with_a_reason(result):
    assert result.exclusions.to_dict("records") == [
        {"source_row": 5, "step": "Preview, test or spam response", "reason": "status: Survey Preview"},
        {"source_row": 6, "step": "Did not consent", "reason": "consent: No"},
        {"source_row": 7, "step": "Partial response (progress below 80%)", "reason": "progress 50%"},
        {"source_row": 8, "step": "Duplicate respondent", "reason": "duplicate of row 4"},
        {"source_row": 10, "step": "Role not in the study's four groups", "reason": "role: Other"},
    ]
    assert len(result.clean) + len(result.exclusions) == len(ROWS)


def test_clean_data_is_typed_and_carries_no_identifiers(result):
    clean = result.clean
    assert clean["respondent"].tolist() == ["R0001", "R0002", "R0003", "R0004"]
    assert clean["role"].astype(str).tolist() == [
        "Chief executive",
        "Chief executive",
        "Directorate manager",
        "Clinical director",
    ]
    assert clean["profession"].astype(str).tolist() == ["Manager", "Manager", "Manager", "Doctor"]
    assert clean["level"].astype(str).tolist() == ["Board", "Board", "Directorate", "Directorate"]
    assert clean["a1"].cat.ordered and clean["a1"].cat.categories.tolist() == ["Disagree", "Neutral", "Agree"]
    assert (
        clean["a1"].tolist()[:2] == ["Agree", "Neutral"]
        and pd.isna(clean["a1"][2])
        and clean["a1"][3] == "Agree"
    )
    assert clean["a1_nonsub"].tolist()[2] == "Don't know"
    assert pd.isna(clean["a2"][2]) and pd.isna(clean["a2_nonsub"][2])  # -99: unanswered, not "don't know"
    for forbidden in ["Email", "StartDate", "Q2_7_TEXT", "consent", "Status"]:
        assert forbidden not in clean.columns


def test_speeders_and_straightliners_are_flagged_not_dropped(result):
    # median duration of complete responses kept = median(600, 700, 100, 500) = 550; 0.33 * 550 = 181.5
    assert result.clean["flag_speeder"].tolist() == [False, False, True, False]
    assert result.clean["flag_straightliner"].tolist() == [False, True, False, True]


def test_speeders_excluded_when_configured(tiny_codebook_path):
    r = clean_survey(
        export(), load_codebook(tiny_codebook_path), {**SETTINGS, "exclude_speeders": True}, "e.csv"
    )
    assert r.flow.iloc[-1].to_dict() == {
        "step": "Speeder (excluded by configuration)",
        "excluded": 1,
        "remaining": 3,
    }
    assert r.exclusions.set_index("source_row").loc[11, "reason"] == "speeder"


def test_role_recodes_are_logged(result):
    assert result.role_recodes["n_matched"].tolist() == [1, 0, 1]
    assert result.role_recodes["role"].tolist() == ["Chief executive", "Directorate manager", "Other"]


def test_unknown_value_names_file_rows_column_and_value(tiny_codebook_path):
    rows = {**ROWS, 5: ROWS[5][:8] + ["Strongly agree", "3"], 9: ROWS[9][:8] + ["Strongly agree", "2"]}
    with pytest.raises(InputError) as err:
        clean_survey(export(rows), load_codebook(tiny_codebook_path), SETTINGS, "export.csv")
    message = str(err.value)
    assert message.startswith(
        "export.csv, rows 5, 9, column 'Q3_1': value not in the codebook for variable 'a1'"
    )
    assert "1=Disagree; 2=Neutral; 3=Agree; 9=Don't know" in message
    assert message.endswith("(found 'Strongly agree')")


def test_missing_column_named(tiny_codebook_path):
    with pytest.raises(InputError, match=r"names columns that are not in the export: 'Q3_2'") as err:
        clean_survey(export().drop(columns="Q3_2"), load_codebook(tiny_codebook_path), SETTINGS, "export.csv")
    assert "codebook.yaml" in str(err.value)


def test_non_numeric_progress_named(tiny_codebook_path):
    rows = {**ROWS, 7: [*ROWS[7][:2], "half", *ROWS[7][3:]]}
    with pytest.raises(InputError, match=r"export.csv, row 7, column 'Progress': expected a number .*'half'"):
        clean_survey(export(rows), load_codebook(tiny_codebook_path), SETTINGS, "export.csv")


def test_unknown_duplicate_key_is_a_configuration_error(tiny_codebook_path):
    with pytest.raises(InputError, match="duplicate_keys names identifiers"):
        clean_survey(
            export(), load_codebook(tiny_codebook_path), {**SETTINGS, "duplicate_keys": ["phone"]}, "e.csv"
        )


def test_curly_apostrophe_and_case_in_labels_are_tolerated(tiny_codebook_path):
    rows = {**ROWS, 11: ROWS[11][:8] + ["DON\u2019T KNOW", "-99"]}
    r = clean_survey(export(rows), load_codebook(tiny_codebook_path), SETTINGS, "e.csv")
    assert r.clean["a1_nonsub"][2] == "Don't know"
