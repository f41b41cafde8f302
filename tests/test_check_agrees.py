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


@pytest.mark.parametrize("layout", ["empty", "survey folder itself", "files not in survey/", "one strand"])
def test_check_and_make_all_agree_on_a_folder_with_no_strand(layout, tmp_path, monkeypatch):
    """Issue 11, newcomer run: make check passed a folder with no strand. Check reports a
    problem exactly when the runner refuses the folder, in the same words (session.no_strand:
    one code path); a folder with one strand passes this step of both."""
    from helpers import pipeline

    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path / "ws"))
    study = tmp_path / "study"
    (study / "survey").mkdir(parents=True)
    (study / "survey" / "codebook.yaml").write_text("survey: {}\n", encoding="utf-8")
    folder = {
        "empty": tmp_path / "empty",
        "survey folder itself": study / "survey",
        "files not in survey/": tmp_path / "flat",
        "one strand": study,
    }[layout]
    folder.mkdir(exist_ok=True)
    if layout == "files not in survey/":
        (folder / "codebook.yaml").write_text("survey: {}\n", encoding="utf-8")
    problems = {r.strand: r.problems for r in check.check_folder(folder)}["data folder"]
    monkeypatch.setattr(pipeline, "_run_stages", lambda *a: None)  # refused before any stage, or not
    try:
        pipeline.run_release(None, str(folder), deck=False)
        refused = None
    except pipeline.NoStrand as exc:
        refused = str(exc)
    except Exception:  # anything after the folder check (the audit of nothing) is not this step
        refused = None
    assert problems == ([refused] if refused else [])
    assert bool(refused) == (layout != "one strand")


def test_check_and_make_all_suggest_the_folder_meant_for_a_typo(tmp_path, monkeypatch, capsys):
    """Issue 11, second newcomer run: `make all DATA=data/raw/onw` said the folder does not exist
    but not that `own` does. Check and the runner stop with the same words
    (session.missing_folder: one code path), naming the close sibling found by difflib."""
    from helpers import pipeline

    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path / "ws"))
    (tmp_path / "raw" / "own" / "survey").mkdir(parents=True)
    (tmp_path / "raw" / "demo").mkdir()
    typo = str(tmp_path / "raw" / "onw")
    expected = f"{typo}: no such data folder. Did you mean DATA={tmp_path / 'raw' / 'own'}?"
    assert check.main([typo]) == 2
    assert capsys.readouterr().err.strip() == expected
    monkeypatch.setattr(pipeline, "_run_stages", lambda *a: None)
    with pytest.raises(pipeline.NoStrand) as refused:
        pipeline.run_release(None, typo, deck=False)
    assert str(refused.value) == expected
    far = str(tmp_path / "raw" / "zzzzzz")
    assert check.main([far]) == 2
    assert capsys.readouterr().err.strip() == f"{far}: no such data folder"
