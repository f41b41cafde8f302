"""Searches log: checks against the export folder; hits reported versus records parsed."""

import pytest

from helpers.files import InputError
from helpers.literature import searches

HEADER = "file,database,source_type,interface,date_searched,query,hits_reported,notes\n"
RIS = "TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\nER  - \n"


def folder(tmp_path, log_body, files={"a.ris": RIS}):
    (tmp_path / "searches").mkdir()
    for name, text in files.items():
        (tmp_path / "searches" / name).write_text(text, encoding="utf-8")
    (tmp_path / "searches_log.csv").write_text(HEADER + log_body, encoding="utf-8")
    return tmp_path


def test_load_and_compare_hits(tmp_path):
    found = searches.load_searches(folder(tmp_path, "a.ris,Embase,database,Ovid,2016-09-02,q,3,\n"))
    assert found.files[["database", "hits_reported", "records_parsed", "difference"]].values.tolist() == [["Embase", 3, 2, -1]]
    assert found.records["record_id"].tolist() == ["a.ris:1", "a.ris:2"]
    assert found.records["database"].unique().tolist() == ["Embase"]
    assert found.records["source_type"].unique().tolist() == ["database"]


@pytest.mark.parametrize("body, message", [
    ("b.ris,Embase,database,Ovid,2016-09-02,q,3,\n", r"row 2, column 'file': export file not found .*\(found 'b.ris'\)"),
    ("a.ris,,database,Ovid,2016-09-02,q,3,\n", r"row 2, column 'database': database is empty"),
    ("a.ris,Embase,website,Ovid,2016-09-02,q,3,\n", r"row 2, column 'source_type': source_type must be one of database, register \(found 'website'\)"),
    ("a.ris,Embase,database,Ovid,02/09/2016,q,3,\n", r"row 2, column 'date_searched': date_searched must be a date written YYYY-MM-DD \(found '02/09/2016'\)"),
    ("a.ris,Embase,database,Ovid,2016-09-02,q,about 3,\n", r"row 2, column 'hits_reported': hits_reported must be a whole number \(found 'about 3'\)"),
    ("a.ris,Embase,database,Ovid,2016-09-02,q,3,\na.ris,MEDLINE,database,Ovid,2016-09-02,q,3,\n", r"rows 2, 3, column 'file': the same export file is listed twice"),
    ("\n", r"searches_log\.csv: the searches log lists no searches"),
])
def test_bad_log(tmp_path, body, message):
    with pytest.raises(InputError, match=message):
        searches.load_searches(folder(tmp_path, body))


def test_unlisted_export_is_an_error(tmp_path):
    path = folder(tmp_path, "a.ris,Embase,database,Ovid,2016-09-02,q,2,\n", files={"a.ris": RIS, "b.ris": RIS})
    with pytest.raises(InputError, match=r"searches_log\.csv: export file\(s\) in searches/ not listed in the searches log: b\.ris"):
        searches.load_searches(path)


def test_unreadable_export_names_the_file(tmp_path):
    path = folder(tmp_path, "a.ris,Embase,database,Ovid,2016-09-02,q,2,\n", files={"a.ris": "%0 Journal Article\n"})
    with pytest.raises(InputError, match=r"a\.ris, row 1: this is EndNote tagged format"):
        searches.load_searches(path)
