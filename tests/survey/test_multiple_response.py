"""Answers spread over several 0/1 columns (JISC Online Surveys grids and tick boxes), decoded
into one categorical, and multiple-response (tick-all) questions counted as mentions with
percentages of respondents on a stated base (issue 11, types)."""

import pandas as pd
import pytest

from helpers import disclosure
from helpers.files import InputError
from helpers.survey import multiple_response as M
from helpers.survey.cleaning import clean_survey, combine_one_hot, decode_multiple
from helpers.survey.codebook import load_codebook

CODEBOOK = """
survey: {title: tick boxes}
metadata: {response_id: id, progress: P}
scales:
  agree3: {levels: {1: Disagree, 2: Neutral, 3: Agree}, positive: [3]}
variables:
  role: {source: R, type: role, labels: {1: Chief executive, 2: Medical director,
         3: Clinical director, 4: Directorate manager}}
  trust:
    type: likert
    scale: agree3
    columns: {1: T_1, 2: T_2, 3: T_3}
  sector:
    type: categorical
    labels: {1: Acute, 2: Mental health}
    columns: {1: S_a, 2: S_b}
  sources:
    type: multiple
    question: Where do you get news of the board? (tick all that apply)
    labels: {1: Email, 2: Intranet, 3: Meetings}
    columns: {1: N_1, 2: N_2, 3: N_3}
  channels:
    type: multiple
    labels: {a: Email, b: Intranet, c: Meetings}
    source: CH
    delimiter: ";"
"""
HEADER = ["id", "P", "R", "T_1", "T_2", "T_3", "S_a", "S_b", "N_1", "N_2", "N_3", "CH"]
ROWS = {  # source row -> cells as text
    3: ["r1", "100", "1", "0", "0", "1", "1", "0", "1", "1", "0", "a;b"],
    4: ["r2", "100", "2", "1", "", "", "0", "1", "0", "1", "0", "Intranet"],
    5: ["r3", "100", "3", "", "", "", "", "", "0", "0", "0", ""],
    6: ["r4", "100", "4", "0", "1", "0", "1", "0", "1", "1", "1", " A ; b;meetings "],
    7: ["r5", "100", "1", "0", "0", "1", "0", "0", "0", "0", "1", "c"],
}


def export(rows=ROWS):
    df = pd.DataFrame.from_dict(rows, orient="index", columns=HEADER).astype("str")
    df.index.name = "source_row"
    return df


@pytest.fixture
def codebook(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return load_codebook(path)


def test_one_hot_columns_are_decoded_into_one_categorical(codebook):
    data = combine_one_hot(export(), codebook, "export.csv")
    assert data["[trust]"].tolist() == ["3", "1", "", "2", "3"]
    assert data["[sector]"].tolist() == ["1", "2", "", "1", ""]
    result = clean_survey(export(), codebook, {"duplicate_keys": []}, "export.csv")
    assert result.clean["trust"].tolist()[:2] == ["Agree", "Disagree"]
    assert result.clean["trust"].isna().tolist() == [False, False, True, False, False]
    assert list(result.clean["trust"].cat.categories) == ["Disagree", "Neutral", "Agree"]
    assert result.clean["sector"].astype(object).fillna("").tolist() == [
        "Acute",
        "Mental health",
        "",
        "Acute",
        "",
    ]
    assert len(result.clean) + len(result.exclusions) == 5
    assert codebook.source_columns()[:7] == ["R", "T_1", "T_2", "T_3", "S_a", "S_b", "N_1"]


def test_two_boxes_ticked_for_a_single_answer_names_file_rows_and_columns(codebook):
    rows = dict(ROWS)
    rows[4] = ["r2", "100", "2", "1", "", "1", "0", "1", "0", "1", "0", ""]
    rows[6] = ["r4", "100", "4", "0", "1", "1", "1", "0", "1", "1", "1", ""]
    with pytest.raises(InputError) as caught:
        clean_survey(export(rows), codebook, {"duplicate_keys": []}, "export.csv")
    assert caught.value.row == [4, 6] and caught.value.column == "T_1, T_3"
    assert "variable 'trust' takes one answer, but more than one of its boxes is ticked in 2 row(s) " in str(
        caught.value
    )
    assert str(caught.value).startswith("export.csv")


def test_a_tick_box_holding_something_else_is_refused(codebook):
    rows = dict(ROWS)
    rows[5] = ["r3", "100", "3", "", "", "", "", "", "0", "2", "0", ""]
    with pytest.raises(InputError) as caught:
        clean_survey(export(rows), codebook, {"duplicate_keys": []}, "export.csv")
    assert (caught.value.row, caught.value.column, caught.value.value) == (5, "N_2", "2")
    assert "tick-box column holds something other than 1 (ticked) or 0/empty" in str(caught.value)


def test_multiple_response_from_columns_and_from_one_cell_agree(codebook):
    from_columns = decode_multiple(export(), codebook.variables["sources"], "export.csv")
    from_cell = decode_multiple(export(), codebook.variables["channels"], "export.csv")
    expected = [
        [True, True, False],
        [False, True, False],
        [None, None, None],
        [True, True, True],
        [False, False, True],
    ]
    for frame in (from_columns, from_cell):
        assert frame.astype(object).where(frame.notna(), None).values.tolist() == expected
    assert list(from_columns.columns) == ["1", "2", "3"] and list(from_cell.columns) == ["a", "b", "c"]


def test_mentions_are_percentages_of_respondents_with_the_base_stated(codebook):
    clean = clean_survey(export(), codebook, {"duplicate_keys": []}, "export.csv").clean
    assert [c for c in clean.columns if c.startswith("sources__")] == [
        "sources__1",
        "sources__2",
        "sources__3",
    ]
    table = M.mentions(clean, codebook.variables["sources"])
    # base: 4 respondents ticked something (r3 none); Email 2, Intranet 3, Meetings 2 (by hand)
    assert table.to_dict("records") == [
        {"option": "Email", "n_mentions": 2, "n_base": 4, "pct_respondents": 50.0},
        {"option": "Intranet", "n_mentions": 3, "n_base": 4, "pct_respondents": 75.0},
        {"option": "Meetings", "n_mentions": 2, "n_base": 4, "pct_respondents": 50.0},
    ]
    assert M.mentions(clean, codebook.variables["channels"])["n_mentions"].tolist() == [2, 3, 2]
    assert M.base_note(table) == (
        "Base: the 4 respondents who ticked at least one option. Percentages are of respondents, "
        "so they may add to more than 100%."
    )
    protected = M.protect(table, disclosure.Rule("threshold", 3, marker="*"))
    assert protected["n_mentions"].tolist() == ["*", 3, "*"]
    assert protected["pct_respondents"].tolist() == ["*", 75.0, "*"]


def test_unknown_option_in_a_delimited_cell_is_named(codebook):
    rows = dict(ROWS)
    rows[7] = ["r5", "100", "1", "0", "0", "1", "0", "0", "0", "0", "1", "a;Fax"]
    with pytest.raises(InputError) as caught:
        decode_multiple(export(rows), codebook.variables["channels"], "export.csv")
    assert (caught.value.row, caught.value.column, caught.value.value) == (7, "CH", "a;Fax")
    assert "option 'Fax' of multiple-response variable 'channels' is not in the codebook" in str(caught.value)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{type: categorical, labels: {1: A, 2: B}, source: X, columns: {1: X1, 2: X2}}", "not both"),
        ("{type: categorical, labels: {1: A, 2: B}, columns: {1: X1, 3: X3}}", "codes not among"),
        (
            "{type: categorical, labels: {1: A, 2: B}, columns: {1: X1, 2: X1}}",
            "a column is given for two codes",
        ),
        ("{type: text, columns: {1: X1, 2: X2}}", "can have columns"),
        ("{type: categorical, labels: {1: A, 2: B}}", "`source` (the export column) or `columns`"),
    ],
)
def test_bad_columns_declarations_are_refused(tmp_path, entry, message):
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK + f"  extra: {entry}\n", encoding="utf-8")
    with pytest.raises(InputError, match="codebook.yaml") as caught:
        load_codebook(path)
    assert message in str(caught.value)


def test_data_dictionary_lists_the_columns_and_the_answered_counts(codebook):
    from helpers.survey.describe import data_dictionary

    clean = clean_survey(export(), codebook, {"duplicate_keys": []}, "export.csv").clean
    table = data_dictionary(clean, codebook).set_index("variable")
    assert table.loc["trust", "source_column"] == "T_1, T_2, T_3"
    assert table.loc["sources", "source_column"] == "N_1, N_2, N_3"
    assert table.loc["sources"].iloc[-3:].tolist() == [4, 0, 1]  # answered, non-substantive, missing
    assert table.loc["channels", "source_column"] == "CH"


def test_the_published_mentions_tables_of_a_codebook(codebook):
    """Notebook 03's section: every tick-all question of the codebook, in its order, protected,
    with percentages at one decimal (2 of 3 respondents = 66.7)."""
    assert [v.name for v in M.variables(codebook)] == ["sources", "channels"]
    clean = clean_survey(export(), codebook, {"duplicate_keys": []}, "export.csv").clean
    table = M.published(clean, codebook.variables["channels"], disclosure.Rule("threshold", 1, marker=None))
    assert table["pct_respondents"].tolist() == [50.0, 75.0, 50.0]
    three = clean.iloc[:3]  # r1 (a, b), r2 (b), r3 (nothing): base 2
    small = M.published(three, codebook.variables["channels"], disclosure.Rule("threshold", 1, marker=None))
    assert small["n_base"].tolist() == [2, 2, 2] and small["pct_respondents"].tolist() == [50.0, 100.0, 0.0]
    r1_r2_r4 = clean.iloc[[0, 1, 3]]  # base 3: Email 2, Intranet 3, Meetings 1
    shares = M.published(
        r1_r2_r4, codebook.variables["channels"], disclosure.Rule("threshold", 1, marker=None)
    )
    assert shares["pct_respondents"].tolist() == [66.7, 100.0, 33.3]


def test_seen_but_unanswered_code_in_tick_boxes_is_no_box_ticked(tmp_path):
    """Qualtrics writes the seen-but-unanswered code (-99, ``survey.missing_codes``) in every
    option column of a multiple-answer question the respondent saw and left blank (the
    QualtricsTools dummy survey does): no box ticked, for tick-all questions (columns or one
    cell) and single answers over 0/1 columns alike; any other value is still refused."""
    path = tmp_path / "codebook.yaml"
    path.write_text(
        CODEBOOK.replace("survey: {title: tick boxes}", "survey: {title: t, missing_codes: [-99]}")
    )
    codebook = load_codebook(path)
    rows = dict(ROWS)
    rows[5] = ["r3", "100", "3", "-99", "-99", "-99", "", "", "-99", "-99", "-99", "-99"]
    result = clean_survey(export(rows), codebook, {"duplicate_keys": []}, "export.csv")
    r3 = result.clean.iloc[2]
    assert pd.isna(r3["trust"]) and [pd.isna(r3[f"sources__{c}"]) for c in "123"] == [True] * 3
    assert [pd.isna(r3[f"channels__{c}"]) for c in "abc"] == [True] * 3
    rows[5][8] = "-98"
    with pytest.raises(InputError) as caught:
        clean_survey(export(rows), codebook, {"duplicate_keys": []}, "export.csv")
    assert (caught.value.row, caught.value.column, caught.value.value) == (5, "N_1", "-98")
    assert "or 0/empty (not ticked) or a missing code (-99)" in str(caught.value)


@pytest.mark.parametrize("marker", [None, "*"])
def test_base_note_of_a_published_table_whose_base_is_suppressed(codebook, marker):
    """Found running `make all` on a real JISC export (2 analysable respondents): report 03
    stopped with "float() argument must be a string or a real number, not 'NAType'" when the
    base was suppressed. The base is said to be withheld, never printed."""
    clean = clean_survey(export(), codebook, {"duplicate_keys": []}, "export.csv").clean
    table = M.published(
        clean.iloc[:2], codebook.variables["sources"], disclosure.Rule("threshold", 5, marker=marker)
    )
    base = table["n_base"].tolist()
    assert base == ["*"] * 3 if marker else pd.isna(base).all()  # suppressed: marked, or empty
    assert M.base_note(table) == (
        "Base: the respondents who ticked at least one option; their number is withheld under the "
        "disclosure rule. Percentages are of respondents, so they may add to more than 100%."
    )
    shown = M.published(clean, codebook.variables["sources"], disclosure.Rule("threshold", 1, marker=marker))
    assert M.base_note(shown).startswith("Base: the 4 respondents who ticked at least one option.")
