"""The Frictionless data package of the clean dataset, and the k-anonymity gate of a deposit copy."""

from __future__ import annotations

import json

import frictionless
import pandas as pd
import pytest

from helpers.survey.cleaning import clean_survey
from helpers.survey.codebook import load_codebook
from helpers.survey.deposit import deposit_copy, small_classes, write_data_package

from .test_cleaning import SETTINGS, export


@pytest.fixture
def cleaned(tiny_codebook_path):
    codebook = load_codebook(tiny_codebook_path)
    return clean_survey(export(), codebook, SETTINGS, "export.csv").clean, codebook


def test_data_package_schema_from_the_codebook_and_frictionless_accepts_it(cleaned, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_STAGING", str(tmp_path))
    clean, codebook = cleaned
    path = write_data_package(clean, codebook)
    assert path == tmp_path / "data" / "processed" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert list(fields) == list(clean.columns)
    assert fields["a1"] == {
        "name": "a1",
        "title": "Item one",
        "type": "string",
        "constraints": {"enum": ["Disagree", "Neutral", "Agree"]},
    }
    assert fields["flag_speeder"]["type"] == "boolean"
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["type", "note"])
    # The validator is not a rubber stamp: a label outside the codebook fails it.
    csv_path = tmp_path / "data" / "processed" / "survey_clean.csv"
    csv_path.write_text(
        csv_path.read_text(encoding="utf-8").replace("Neutral", "Neutralish"), encoding="utf-8"
    )
    assert not frictionless.validate(str(path)).valid


def test_small_classes_by_hand():
    clean = pd.DataFrame({"role": ["A", "A", "A", "B", "B", None], "sex": ["F", "F", "M", "F", "F", "F"]})
    small = small_classes(clean, ["role", "sex"], 2)
    assert small.values.tolist() == [["(missing)", "F", 1], ["A", "M", 1]]


def test_deposit_copy_only_when_k_anonymous(cleaned, tmp_path):
    clean, codebook = cleaned  # 4 respondents, roles CE, CE, DM, CD
    refused = deposit_copy(
        clean, codebook, {"deposit": {"k": 2, "quasi_identifiers": ["role"]}}, tmp_path / "a"
    )
    assert refused.written is None and refused.respondents_below_k == 2 and refused.smallest_class == 1
    assert "secure tier only" in refused.message
    assert not (tmp_path / "a").exists()
    passed = deposit_copy(
        clean, codebook, {"deposit": {"k": 2, "quasi_identifiers": ["level"]}}, tmp_path / "b"
    )
    assert passed.written == tmp_path / "b" / "data" / "processed"
    assert sorted(p.name for p in passed.written.iterdir()) == [
        "datapackage.json",
        "survey_clean.csv",
        "survey_clean.dta",
        "survey_clean.sav",
    ]
