"""`make check` and the stages agree (issue 11): for every survey and codebook case of the
bad-input corpus, check reports a problem exactly when the stage's own reading and validation
fail, because check calls the same readers and validators (one code path)."""

from __future__ import annotations

import shutil

import pytest

from helpers import check
from helpers.files import InputError
from helpers.survey.codebook import load_codebook
from tests.test_bad_inputs import CORPUS, SURVEY_SETTINGS, load_cases, run_case

CASES = [c for c in load_cases() if c["kind"] in ("survey", "codebook") and not c.get("xfail")]


def data_folder(case, tmp_path):
    """A data folder holding the case's export and codebook as a team would lay them out."""
    survey = tmp_path / "data" / "survey"
    survey.mkdir(parents=True)
    source = CORPUS / case["input"]
    if case["kind"] == "codebook":  # the codebook alone: check's problems about it are compared
        codebook_path = source
        export = CORPUS / "no export"
    else:
        codebook_path = CORPUS / case.get("codebook", "survey/codebook.yaml")
        export = source
    shutil.copy(codebook_path, survey / "codebook.yaml")
    try:
        name = load_codebook(codebook_path).export
    except InputError:
        name = None
    if export.is_dir():
        for p in export.iterdir():
            shutil.copy(p, survey / p.name)
    elif export.is_file():
        shutil.copy(export, survey / (name or export.name))
    return tmp_path / "data"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_check_reports_a_problem_exactly_when_the_stage_fails(case, tmp_path):
    try:
        run_case(case)
        stage_fails = False
    except InputError:
        stage_fails = True
    folder = data_folder(case, tmp_path)
    problems = check.check_survey(folder, {"survey": SURVEY_SETTINGS}).problems
    if case["kind"] == "codebook":
        codebook = str(folder / "survey" / "codebook.yaml")
        problems = [p for p in problems if str(p).startswith(codebook)]
    assert bool(problems) == stage_fails, (stage_fails, problems)
