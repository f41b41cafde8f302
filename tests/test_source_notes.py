"""The source note of every table: the data folder and each strand's data date, saying where it comes from."""

import datetime as dt
import os
import zipfile

import pytest

from helpers import paths, source_notes


def test_the_source_note_dates_the_data_and_says_from_what(tmp_path):
    demo = paths.project_root() / "data" / "raw" / "demo"
    # params data_date wins (an unquoted YAML date is a datetime.date)
    note = source_notes.data_source({"data_date": dt.date(2026, 3, 31), "data_dir": demo}, "survey")
    assert note == (
        "Source: synthetic demonstration data, data folder demo; survey responses dated 2026-03-31 "
        "(params data_date)."
    )
    # else the latest response in the export's own metadata (the demo's EndDate column)
    note = source_notes.data_source({"data_dir": demo}, "survey")
    assert note == (
        "Source: synthetic demonstration data, data folder demo; survey responses dated 2015-12-18 "
        "(latest EndDate in the survey export)."
    )
    # no survey: the files' modification time, said so
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    os.utime(tmp_path / "notes.txt", (1_700_000_000, 1_700_000_000))
    assert source_notes.data_date({"data_dir": tmp_path}) == ("2023-11-14", "file modification time")


def test_each_strand_is_dated_by_its_own_inputs_saying_from_what(tmp_path):
    """Issue 15: one date (the survey's) was given for every strand's tables."""
    demo = paths.project_root() / "data" / "raw" / "demo"
    params = {"data_dir": demo}
    # the demo's searches log: date_searched 2016-09-01 .. 2016-09-03 (by hand from the file)
    assert source_notes.data_date(params, "literature") == (
        "2016-09-03",
        "latest date_searched in the searches log",
    )
    # the demo's .qdpx stores its transcripts (sources/*.txt) dated 2015-01-01 and no REFI dates
    assert source_notes.data_date(params, "focus_groups") == (
        "2015-01-01",
        "latest transcript file date stored in the QDA project",
    )
    assert source_notes.data_source(params) == (
        "Source: synthetic demonstration data, data folder demo; "
        "literature searches dated 2016-09-03 (latest date_searched in the searches log); "
        "survey responses dated 2015-12-18 (latest EndDate in the survey export); "
        "interview and focus-group transcripts dated 2015-01-01 (latest transcript file date stored in the "
        "QDA project)."
    )
    # one date per strand in params wins for its strand only; one date is the survey's
    given = {"data_dir": demo, "data_date": {"literature": "2016-10-01"}}
    assert source_notes.data_date(given, "literature") == ("2016-10-01", "params data_date")
    assert source_notes.data_date(given, "survey") == ("2015-12-18", "latest EndDate in the survey export")
    one = {"data_dir": demo, "data_date": dt.date(2016, 1, 31)}
    assert source_notes.data_date(one, "survey") == ("2016-01-31", "params data_date")
    assert source_notes.data_date(one, "literature") == (
        "2016-09-03",
        "latest date_searched in the searches log",
    )
    # params.yaml may say so: the schema takes one date or one per strand, and refuses other keys
    from helpers import params_schema

    assert params_schema.Params.model_validate({"data_date": {"focus_groups": dt.date(2015, 3, 1)}})
    with pytest.raises(params_schema.ValidationError):
        params_schema.Params.model_validate({"data_date": {"interviews": "2015-03-01"}})

    # a REFI-QDA project with source dates: the latest of them; a log without dates: file time

    fg, lit = tmp_path / "focus_groups", tmp_path / "literature"
    fg.mkdir()
    lit.mkdir()
    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>'
        '<TextSource guid="A" name="FG1" creationDateTime="2019-03-04T10:00:00Z"/>'
        '<TextSource guid="B" name="FG2" creationDateTime="2019-03-01T10:00:00Z" '
        'modifiedDateTime="2019-05-06T09:00:00Z"/></Sources></Project>'
    )
    with zipfile.ZipFile(fg / "p.qdpx", "w") as z:
        z.writestr("project.qde", qde)
    (lit / "searches_log.csv").write_text("file,database,date_searched\nx.ris,MEDLINE,\n", encoding="utf-8")
    os.utime(lit / "searches_log.csv", (1_700_000_000, 1_700_000_000))
    params = {"data_dir": tmp_path}
    assert source_notes.data_date(params, "focus_groups") == (
        "2019-05-06",
        "latest transcript date in the QDA project",
    )
    assert source_notes.data_date(params, "literature") == (
        "2023-11-14",
        "file modification time in literature/",
    )
    with pytest.raises(ValueError, match="unknown strand 'interviews'"):
        source_notes.data_date(params, "interviews")


def test_the_survey_date_is_read_once_and_read_again_when_the_export_changes(tmp_path, monkeypatch):
    """Every notebook's source notes need the date; reading the whole export again in each kernel
    cost about 2 s each on the demo. The first reader leaves it in build/cache/ under a key of
    the survey folder's listing; a changed export gives a new key."""
    import shutil

    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path / "ws"))
    data = tmp_path / "data"
    shutil.copytree(paths.project_root() / "data" / "raw" / "demo" / "survey", data / "survey")
    calls = []
    real = source_notes._survey_date.__wrapped__
    monkeypatch.setattr(source_notes, "_survey_date", lambda folder: calls.append(folder) or real(folder))
    first = source_notes.data_date({"data_dir": data})
    assert first == ("2015-12-18", "latest EndDate in the survey export")
    assert source_notes.data_date({"data_dir": data}) == first and len(calls) == 1
    assert len(list((tmp_path / "ws" / "build" / "cache").glob("data_date-*.json"))) == 1
    export = data / "survey" / "survey_export.csv"
    export.write_text(
        export.read_text(encoding="utf-8").replace("2015-12-18", "2016-01-05"), encoding="utf-8"
    )
    assert source_notes.data_date({"data_dir": data}) == ("2016-01-05", "latest EndDate in the survey export")
    assert len(calls) == 2
