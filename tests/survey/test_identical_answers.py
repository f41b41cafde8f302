"""Identical answer vectors (issue 11, item 3): two respondents with exactly the same answer to
every analysable question are flagged (a person answering twice); excluded only if configured,
the first in the export kept. A tiny export and codebook built here; counts checked by hand."""

import textwrap

import pandas as pd
import pytest

from helpers.survey.cleaning import clean_survey
from helpers.survey.codebook import load_codebook

CODEBOOK = textwrap.dedent("""\
    survey: {title: tiny}
    metadata: {}
    scales:
      agree3:
        levels: {1: Disagree, 2: Neutral, 3: Agree}
        non_substantive: {9: "Don't know"}
        positive: [3]
    variables:
      role:
        source: Q1
        type: role
        labels: {1: Chief executive, 2: Medical director, 3: Clinical director, 4: Directorate manager}
      q1: {source: Q2, type: likert, scale: agree3, question: "One"}
      q2: {source: Q3, type: likert, scale: agree3, question: "Two"}
      q3: {source: Q4, type: likert, scale: agree3, question: "Three"}
      q4: {source: Q5, type: likert, scale: agree3, question: "Four"}
    """)
SETTINGS = {
    "require_consent": False,
    "min_progress": 0,
    "duplicate_keys": [],
    "duplicate_answers_min_items": 3,
}


@pytest.fixture
def codebook(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return load_codebook(path)


def export(rows):
    frame = pd.DataFrame(rows, columns=["Q1", "Q2", "Q3", "Q4", "Q5"]).fillna("")
    frame.index = pd.RangeIndex(4, 4 + len(frame), name="source_row")
    return frame


def test_identical_answer_vectors_are_flagged_not_excluded(codebook):
    data = export(
        [
            ["1", "1", "2", "3", "3"],  # A
            ["2", "1", "2", "3", "3"],  # the same answers as A (another role: roles are not answers)
            ["3", "1", "2", "3", "9"],  # "Don't know" differs from Agree
            ["4", "1", "2", "3", ""],  # no answer differs from "Don't know"
            ["1", "1", "2", "", ""],  # two answered: too few to compare
            ["2", "1", "2", "", ""],  # the same two: too few to compare
            ["3", "1", "2", "3", "9"],  # the same as the third row, "Don't know" included
        ]
    )
    result = clean_survey(data, codebook, SETTINGS, "export.csv")
    assert result.clean["flag_duplicate_answers"].tolist() == [True, True, True, False, False, False, True]
    assert len(result.exclusions) == 0
    assert any("4 respondents in 2 group(s) gave exactly the same answers" in n for n in result.notes)


def test_excluding_identical_answers_keeps_the_first_of_each_group(codebook):
    data = export([["1", "1", "2", "3", "3"], ["2", "3", "3", "3", "1"], ["2", "1", "2", "3", "3"],
                   ["1", "1", "2", "3", "3"]])  # fmt: skip
    result = clean_survey(data, codebook, {**SETTINGS, "exclude_duplicate_answers": True}, "export.csv")
    assert result.exclusions["source_row"].tolist() == [6, 7]
    assert set(result.exclusions["step"]) == {
        "Identical answers to an earlier response (excluded by configuration)"
    }
    assert result.clean["flag_duplicate_answers"].tolist() == [True, False]


def test_no_note_and_no_flag_without_identical_answers(codebook):
    result = clean_survey(
        export([["1", "1", "2", "3", "3"], ["2", "1", "2", "3", "1"]]), codebook, SETTINGS, "e.csv"
    )
    assert not result.clean["flag_duplicate_answers"].any()
    assert not any("Identical answers" in n for n in result.notes)


def test_the_setting_is_checked(codebook):
    with pytest.raises(Exception, match="exclude_duplicate_answers"):
        clean_survey(
            export([["1", "1", "2", "3", "3"]]),
            codebook,
            {**SETTINGS, "exclude_duplicate_answers": "no"},
            "e.csv",
        )
