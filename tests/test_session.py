"""Where a notebook run writes (scratch when interactive) and the first-cell prerequisite check."""

import pytest

from helpers import paths, session


@pytest.fixture
def interactive(monkeypatch):
    """A kernel opened in JupyterLab: neither the runner's nor a test's workspace variable set."""
    for name in ("HELPERS_STAGING", "HELPERS_WORKSPACE"):
        monkeypatch.setenv(name, "placeholder")  # so that teardown restores the original state
        monkeypatch.delenv(name)


def test_mode_follows_the_environment(monkeypatch, interactive):
    assert session.mode() == "interactive"
    monkeypatch.setenv("HELPERS_WORKSPACE", "/tmp/ws")
    assert session.mode() == "workspace"
    monkeypatch.setenv("HELPERS_STAGING", "/tmp/st")
    assert session.mode() == "pipeline"


def test_missing_stage_stops_with_one_line_naming_the_make_target(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    with pytest.raises(session.MissingStage) as caught:
        session.start({"data_dir": "data/raw/demo"}, "03_attitude_analysis", needs=["02_survey_cleaning"])
    message = (
        f"Stage 02_survey_cleaning has not run here ({tmp_path}/reports/provenance/02_survey_cleaning.json "
        "is missing): run `make survey` in the project folder, then run this notebook again."
    )
    assert str(caught.value) == message
    assert caught.value._render_traceback_() == [message]  # IPython shows this line, no traceback


def test_first_missing_stage_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    (tmp_path / "reports" / "provenance").mkdir(parents=True)
    (tmp_path / "reports" / "provenance" / "01_literature_review.json").write_text("{}")
    assert session.missing(["01_literature_review", "02_survey_cleaning", "04_focus_group_themes"]) == [
        "02_survey_cleaning",
        "04_focus_group_themes",
    ]
    with pytest.raises(session.MissingStage, match=r"run `make survey` in"):
        session.check(["01_literature_review", "02_survey_cleaning", "04_focus_group_themes"])


def test_present_stages_pass_and_pipeline_mode_changes_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("HELPERS_STAGING", str(tmp_path / "staging"))
    (tmp_path / "reports" / "provenance").mkdir(parents=True)
    (tmp_path / "reports" / "provenance" / "02_survey_cleaning.json").write_text("{}")
    assert (
        session.start({"data_dir": "x"}, "03_attitude_analysis", needs=["02_survey_cleaning"]) == "pipeline"
    )
    assert paths.output("reports/x.csv") == tmp_path / "staging" / "reports" / "x.csv"
    assert capsys.readouterr().out == ""


def test_absent_strands_are_not_needed(monkeypatch, tmp_path):
    """Issue 11: a data folder with a survey only (no literature/, no focus_groups/): the
    findings' first cell needs only the survey stages; a present strand that has not run still
    stops it; a data folder that does not exist declares nothing absent."""
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path / "ws"))
    data = tmp_path / "data"
    (data / "survey").mkdir(parents=True)
    assert session.absent_stages(data) == {
        "01_literature_review": "literature",
        "04_focus_group_themes": "focus_groups",
    }
    assert session.absent_stages(tmp_path / "nowhere") == {}
    every = ["01_literature_review", "02_survey_cleaning", "03_attitude_analysis", "04_focus_group_themes"]
    provenance = tmp_path / "ws" / "reports" / "provenance"
    provenance.mkdir(parents=True)
    (provenance / "02_survey_cleaning.json").write_text("{}")
    with pytest.raises(session.MissingStage, match=r"Stage 03_attitude_analysis has not run"):
        session.start({"data_dir": data}, "05_findings", needs=every)
    (provenance / "03_attitude_analysis.json").write_text("{}")
    assert session.start({"data_dir": data}, "05_findings", needs=every) == "workspace"
    (data / "literature").mkdir()
    with pytest.raises(session.MissingStage, match=r"Stage 01_literature_review has not run"):
        session.start({"data_dir": data}, "05_findings", needs=every)
    assert session.absent_note("04_focus_group_themes", "focus_groups") == (
        "04_focus_group_themes: skipped: the data folder has no focus_groups/ folder (this strand is absent)"
    )


def test_interactive_run_writes_to_scratch_and_says_so(interactive, capsys):
    assert session.start({"data_dir": "data/raw/demo"}, "02_survey_cleaning") == "interactive"
    scratch = paths.project_root() / "build" / "interactive"
    assert paths.output("reports/tables/t.csv") == scratch / "reports" / "tables" / "t.csv"
    # Earlier stages are still read from the published folders.
    assert (
        paths.processed("survey_clean.parquet")
        == paths.project_root() / "data" / "processed" / "survey_clean.parquet"
    )
    assert capsys.readouterr().out == (
        "> **Interactive run of 02_survey_cleaning.** Data folder: `data/raw/demo`. Reads no earlier "
        "stage's outputs. Writes its outputs to `build/interactive/` (a scratch workspace), never over "
        "the published outputs; `make all` publishes.\n"
    )


def test_every_numbered_notebook_names_its_stage_and_make_target():
    stems = sorted(p.stem for p in (paths.project_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(session.MAKE_TARGETS) == stems
    makefile = (paths.project_root() / "Makefile").read_text(encoding="utf-8")
    for stage, target in session.MAKE_TARGETS.items():
        assert f"\n{target}: " in makefile and stage in makefile


def test_no_strand_names_the_folder_expected_and_the_folder_meant(tmp_path):
    """Issue 11: what make check and make all say of a data folder with no strand folder."""
    expected = (
        "no strand folder in it: a data folder holds at least one of literature/, survey/, "
        "focus_groups/ (laid out like data/raw/demo/; README, 'Running on your own data')"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert session.no_strand(empty) == f"{empty}: {expected}"
    study = tmp_path / "study"
    (study / "survey").mkdir(parents=True)
    assert session.no_strand(study) is None  # one strand is enough
    assert session.no_strand(tmp_path / "nowhere") is None  # an error of its own
    assert session.no_strand(study / "survey") == (
        f"{study / 'survey'}: {expected}. This is a survey/ folder itself: give the folder that holds it, "
        f"DATA={study}"
    )
    assert session.no_strand(f"{study}/survey/") == session.no_strand(study / "survey")
    assert session.no_strand(tmp_path) == (
        f"{tmp_path}: {expected}. Its subfolder study holds strands: DATA={study}?"
    )
    (empty / "codebook.yaml").write_text("survey: {}\n")
    assert session.no_strand(empty) == (
        f"{empty}: {expected}. It holds codebook.yaml: move the files into its survey/ subfolder"
    )
