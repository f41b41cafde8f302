"""The clean dataset written as .sav and .dta: read back with pyreadstat, the same values and
labels within each format's limits, and every truncation listed."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from helpers.survey.cleaning import clean_survey
from helpers.survey.codebook import load_codebook
from helpers.survey.labelled_out import labelled_frame, write_sav_dta

from .test_cleaning import SETTINGS, export


@pytest.fixture
def cleaned(tiny_codebook_path):
    codebook = load_codebook(tiny_codebook_path)
    return clean_survey(export(), codebook, SETTINGS, "export.csv").clean, codebook


@pytest.fixture
def staging(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_STAGING", str(tmp_path))
    return tmp_path


def test_categoricals_keep_the_codebooks_codes(cleaned):
    clean, codebook = cleaned
    lab = labelled_frame(clean, codebook)
    assert lab.value_labels["a1"] == {1: "Disagree", 2: "Neutral", 3: "Agree"}  # codebook codes
    assert lab.value_labels["a1_nonsub"] == {9: "Don't know"}
    assert lab.value_labels["role"] == {
        1: "Chief executive",
        2: "Medical director",
        3: "Clinical director",
        4: "Directorate manager",
        7: "Other",
    }  # the codebook's role codes (rule-classified "Other" texts took their group's code)
    assert lab.variable_labels["a1"] == "Item one" and lab.variable_labels["respondent"] == "Study pseudonym"
    assert lab.frame["a1"].tolist()[:2] == [3.0, 2.0]


@pytest.mark.parametrize("fmt, reader", [("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)])
def test_round_trip_same_values_and_labels(cleaned, staging, fmt, reader):
    clean, codebook = cleaned
    result = write_sav_dta(clean, codebook)
    assert [p.name for p in result.paths] == ["survey_clean.sav", "survey_clean.dta"]
    assert result.truncations.empty
    # report 02 says so in a sentence rather than printing an empty table
    assert result.shown().data == "Every name and label fits both formats: nothing had to be shortened."
    back, meta = reader(str(staging / "data" / "processed" / f"survey_clean.{fmt}"))
    assert list(back.columns) == list(clean.columns)
    labelled = {c: v for c, v in meta.variable_value_labels.items()}
    for column in clean.columns:
        original = clean[column].reset_index(drop=True)
        if isinstance(original.dtype, pd.CategoricalDtype):
            decoded = back[column].map(lambda v, m=labelled[column]: m.get(v) if pd.notna(v) else None)
            assert [None if pd.isna(v) else v for v in decoded] == [
                None if pd.isna(v) else v for v in original
            ], column
        elif pd.api.types.is_numeric_dtype(original):
            pd.testing.assert_series_equal(
                back[column].astype("float64"), original.astype("float64"), check_names=False
            )
        else:
            assert back[column].tolist() == original.fillna("").astype(str).tolist()
    assert meta.column_names_to_labels["a2"] == "Item two"


def test_stata_limits_truncate_and_list_every_change(cleaned, staging):
    clean, codebook = cleaned
    long_question = "How far do you agree that " + "managers and doctors " * 6 + "work well together?"
    object.__setattr__(codebook.variables["a1"], "question", long_question)
    clean = clean.rename(columns={"a2": "a_very_long_variable_name_that_stata_cannot_hold"})
    result = write_sav_dta(clean, codebook)
    rows = result.truncations.to_dict("records")
    assert list(result.shown().columns) == ["format", "column", "what"] and len(result.shown()) == len(rows)
    assert rows == [
        {
            "format": "dta",
            "column": "a_very_long_variable_name_that_stata_cannot_hold",
            "what": "variable name",
            "original": "a_very_long_variable_name_that_stata_cannot_hold",
            # 30: a labelled variable, and pyreadstat's value-label set name adds its
            # counter's two digits (ten or more labelled variables, flags included)
            "written": "a_very_long_variable_name_that",
        },
        {
            "format": "dta",
            "column": "a1",
            "what": "variable label",
            "original": long_question,
            "written": long_question[:80],
        },
        {
            "format": "dta",
            "column": "a1_nonsub",
            "what": "variable label",
            "original": long_question + " (non-substantive answer)",
            "written": long_question[:80],
        },
    ]
    _, meta = pyreadstat.read_dta(str(staging / "data" / "processed" / "survey_clean.dta"))
    assert meta.column_names_to_labels["a1"] == long_question[:80]
    _, meta = pyreadstat.read_sav(str(staging / "data" / "processed" / "survey_clean.sav"))
    assert meta.column_names_to_labels["a1"] == long_question  # SPSS holds 256


def test_files_carry_a_fixed_write_time_so_runs_give_the_same_bytes(cleaned, staging, monkeypatch):
    """ReadStat stamps the current time into both headers ("30 Nov 26" and "07:26:36" in .sav,
    "30 Nov 2026 07:26" in .dta), so two runs a minute apart differed. Two writes within one
    test could agree by luck, so the stamp itself is checked, and the files still read."""
    clean, codebook = cleaned
    first = [p.read_bytes() for p in write_sav_dta(clean, codebook).paths]
    sav, dta = first
    assert sav[92:109] == b"01 Jan 0000:00:00"
    at = dta.index(b"<timestamp>") + len(b"<timestamp>")
    assert dta[at] == 17 and dta[at + 1 : at + 18] == b"01 Jan 2000 00:00"
    _, meta = pyreadstat.read_sav(str(staging / "data" / "processed" / "survey_clean.sav"))
    assert meta.creation_time.year == 2000
    _, meta = pyreadstat.read_dta(str(staging / "data" / "processed" / "survey_clean.dta"))
    assert meta.creation_time.year == 2000
    assert [p.read_bytes() for p in write_sav_dta(clean, codebook).paths] == first
