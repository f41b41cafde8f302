"""`python -m helpers.check DATA`: every problem of an input folder, per strand, nothing run or written."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from helpers import check, paths

DEMO = paths.project_root() / "data" / "raw" / "demo"


def checksums(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "study"
    shutil.copytree(DEMO, target)
    return target


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def set_cell(path, row, column, value):
    """Set one cell of the Qualtrics export (row = spreadsheet row number)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[row - 1].rstrip("\n").split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_demo_folder_has_no_problem(capsys):
    before = checksums(DEMO)
    assert check.main([str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert (
        "survey: OK" in out
        and "literature: OK" in out
        and "focus_groups: OK" in out
        and "findings: OK" in out
    )
    assert (
        "521 responses = 472 analysable + 49 excluded (Preview, test or spam response: 6; "
        "Did not consent: 6; Partial response (progress below 80%): 25; Duplicate respondent: 8; "
        "Role not in the study's four groups: 4)\n"
    ) in out  # which steps excluded how many: a new user's export lost 60 of 61 to the first one
    assert out.rstrip().endswith("No problems found: the folder is ready for `make all DATA=...`.")
    assert checksums(DEMO) == before


def test_every_problem_is_listed_per_strand(data, capsys):
    export = data / "survey" / "survey_export.csv"
    set_cell(export, 10, "Q9_3", "6")
    set_cell(export, 12, "Q9_3", "7")
    set_cell(export, 14, "Q9_3", "6")
    set_cell(export, 20, "Q5", "Prefer not")
    log = data / "literature" / "screening_log.csv"
    edit(
        log,
        "embase_ovid_2016-09-02.ris:1,full_text,R1,include",
        "embase_ovid_2016-09-02.ris:1,full_text,R1,Include",
    )
    edit(log, "embase_ovid_2016-09-02.ris:10,full_text,R2", "embase_ovid_2016-09-02.ris:10,screening,R2")
    edit(data / "focus_groups" / "synthetic_participants.csv", "FG1-P2,", "FG1-P1,")
    (data / "findings" / "notes copy.md").write_text("x", encoding="utf-8")
    before = checksums(data)

    assert check.main([str(data)]) == 1
    out = capsys.readouterr().out
    problems = [line.strip() for line in out.splitlines() if line.strip().startswith("PROBLEM")]
    assert len(problems) == 7, out
    assert f"PROBLEM  {data}/findings/notes copy.md: file name contains a space" in problems[0]
    assert (
        "literature: 2 problems" in out and "survey: 3 problems" in out and "focus_groups: 1 problem" in out
    )
    assert (
        f"{log}, row 5, column 'decision': decision at stage full_text must be one of include, exclude, not_retrieved (found 'Include')"
        in problems[1]
    )
    assert (
        f"{log}, row 7, column 'stage': stage must be one of title_abstract, full_text (found 'screening')"
        in problems[2]
    )
    assert f"{export}, row 20, column 'Q5': value not in the codebook for variable 'sex'" in problems[3]
    assert problems[3].endswith("(found 'Prefer not')")
    assert f"{export}, rows 10, 14, column 'Q9_3': value not in the codebook" in problems[4] and problems[
        4
    ].endswith("(found '6')")
    assert f"{export}, row 12, column 'Q9_3'" in problems[5] and problems[5].endswith("(found '7')")
    assert (
        "synthetic_participants.csv, row 3, column 'pseudonym': pseudonym appears twice (found 'FG1-P1')"
        in problems[6]
    )
    assert out.rstrip().endswith("7 problems found.")
    assert checksums(data) == before  # nothing written into the data folder


def test_broken_files_of_one_strand_do_not_hide_each_other(data):
    (data / "literature" / "searches" / "wos_2016-09-03.txt").write_text(
        "%0 Journal Article\n", encoding="utf-8"
    )
    (data / "literature" / "searches" / "scopus_2016-09-02.csv").write_text("", encoding="utf-8")
    edit(data / "literature" / "searches_log.csv", ",2016-09-01,", ",01/09/2016,")
    reports = {r.strand: r for r in check.check_folder(data)}
    lit = reports["literature"].problems
    assert len(lit) == 3
    assert "searches_log.csv, row 2, column 'date_searched'" in lit[0] and "(found '01/09/2016')" in lit[0]
    assert "scopus_2016-09-02.csv: file is empty" in lit[1]
    assert "wos_2016-09-03.txt, row 1: this is EndNote tagged format" in lit[2]
    assert (
        "screening and extraction logs not checked: the searches must read first"
        in reports["literature"].notes
    )
    assert not reports["survey"].problems and not reports["focus_groups"].problems


def test_missing_strand_folders_are_reported_not_failed(data, capsys):
    shutil.rmtree(data / "literature")
    shutil.rmtree(data / "focus_groups")
    assert check.main([str(data)]) == 0
    out = capsys.readouterr().out
    assert "survey: OK" in out and "literature: not present" in out and "focus_groups: not present" in out
    assert check.main([str(data.parent / "nowhere")]) == 2


def test_a_folder_with_no_strand_at_all_is_a_problem_not_ready(tmp_path, capsys):
    """Issue 11, newcomer run: an empty folder, or DATA pointing at the survey/ folder itself,
    was "ready for make all" (exit 0), and make all then published nothing of it. Now a problem
    naming the folder and the strand folders expected, suggesting the parent of a survey/ folder."""
    (tmp_path / "empty").mkdir()
    assert check.main([str(tmp_path / "empty")]) == 1
    out = capsys.readouterr().out
    assert (
        f"data folder: 1 problem\n  PROBLEM  {tmp_path / 'empty'}: no strand folder in it: a data folder "
        "holds at least one of literature/, survey/, focus_groups/ (laid out like data/raw/demo/; "
        "README, 'Running on your own data')\n"
    ) in out
    assert "survey: not present" in out and out.rstrip().endswith("1 problem found.")
    survey = tmp_path / "study" / "survey"
    shutil.copytree(DEMO / "survey", survey)
    assert check.main([str(survey)]) == 1
    out = capsys.readouterr().out
    assert (
        f"This is a survey/ folder itself: give the folder that holds it, DATA={tmp_path / 'study'}\n" in out
    )
    assert "ready for `make all" not in out


def test_a_missing_codebook_stops_the_survey_check_with_its_name(data):
    (data / "survey" / "codebook.yaml").unlink()
    survey = {r.strand: r for r in check.check_folder(data)}["survey"]
    assert survey.problems == [f"{data}/survey/codebook.yaml: file not found"]


def test_an_excel_export_is_not_said_to_have_the_encoding_xlsx(tmp_path, capsys):
    """Issue 11, second newcomer run: check's note said "export.xlsx: xlsx, xlsx" and report 02's
    table showed encoding "xlsx": an Excel workbook has no text encoding, and both say so."""
    import helpers.synthetic.instruments as S
    from helpers.survey import inputs

    folder = S.write_instrument(S.random_instrument(77), tmp_path / "own", "xlsx")
    check.main([str(folder)])
    out = capsys.readouterr().out
    assert (
        "  note     export.xlsx: xlsx, encoding none (an Excel workbook is not a text file), 43 responses,"
        in out
    )
    assert "xlsx, xlsx" not in out
    export, _ = inputs.load(folder)
    table = inputs.describe_export(export)
    assert table.loc["encoding", "value"] == "none (an Excel workbook is not a text file)"
    assert inputs.encoding_shown("cp1252") == "cp1252"


def test_own_data_with_the_demos_then_and_now_settings_gets_a_note_naming_the_keys(tmp_path, capsys):
    """Issue 11, second newcomer run: with the shipped params.yaml report 03 called a new survey
    "the 2015 survey's respondents (new_sample: false)" and make check said nothing. Check notes
    it (not a problem: the run is valid), names the keys and PARAMS=; the demo gets no such note,
    nor does a params file set for a new round."""
    import helpers.synthetic.instruments as S

    folder = S.write_instrument(S.random_instrument(77), tmp_path / "own", "xlsx")
    assert check.main([str(folder)]) == 0
    out = capsys.readouterr().out
    (note,) = [line for line in out.splitlines() if "then_and_now" in line]
    assert note.startswith(
        "  note     params: survey.then_and_now still has the demo's settings, new_sample: false "
        "(report 03 will say these are the 2015 survey's own respondents); coverage_variable: nation "
        "(not a variable of this codebook). For a new survey round set survey.then_and_now.new_sample: true"
    )
    assert "PARAMS=<your params file>" in note
    own = tmp_path / "params.yaml"
    shutil.copy(paths.project_root() / "params.yaml", own)
    edit(own, "    new_sample: false", "    new_sample: true")
    edit(own, "    coverage_variable: nation", "    coverage_variable: null")
    assert check.main([str(folder), "--params", str(own)]) == 0
    assert "then_and_now" not in capsys.readouterr().out
    check.main([str(DEMO)])
    assert "then_and_now" not in capsys.readouterr().out
    readme = (paths.project_root() / "README.md").read_text(encoding="utf-8")
    own_data = readme.split("## Running on your own data")[1].split("\n## ")[0]
    assert "PARAMS=" in own_data and "new_sample: true" in own_data


def test_a_level_above_the_positive_levels_is_a_problem_for_check_and_the_stages(data):
    """Issue 11, second newcomer run: `99: Constantly` added above "5 Excellent" passed make check
    silently, while the docs say the charts assume the positive levels are the top ones. The
    codebook's reader (used by make check and by the stages: one code path) refuses it."""
    from helpers.files import InputError
    from helpers.survey.codebook import load_codebook

    codebook = data / "survey" / "codebook.yaml"
    edit(codebook, '5: "5 Excellent"}', '5: "5 Excellent", 99: Constantly}')
    expected = (
        f"{codebook}: scale 'quality5': positive codes must be its top levels (levels run low to high; "
        "the charts assume it): the top 2 are ['5', '99']. Put a level above them among the positive "
        "codes or below them in levels, or make it non_substantive (found ['4', '5'])"
    )
    assert check.check_survey(data, {}).problems == [expected]
    with pytest.raises(InputError) as stage:
        load_codebook(codebook)
    assert str(stage.value) == expected
    edit(codebook, "positive: [4, 5]\n  change3", "positive: [5, 99]\n  change3")
    assert check.check_survey(data, {}).problems == []
