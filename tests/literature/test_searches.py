"""Searches log: checks against the export folder; hits reported versus records parsed."""

import pytest

from helpers.files import InputError
from helpers.literature import searches

HEADER = "file,database,source_type,interface,date_searched,query,hits_reported,notes\n"
RIS = "TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\nER  - \n"


def folder(tmp_path, log_body, files=None):
    files = {"a.ris": RIS} if files is None else files
    (tmp_path / "searches").mkdir()
    for name, text in files.items():
        (tmp_path / "searches" / name).write_text(text, encoding="utf-8")
    (tmp_path / "searches_log.csv").write_text(HEADER + log_body, encoding="utf-8")
    return tmp_path


def test_load_and_compare_hits(tmp_path):
    found = searches.load_searches(folder(tmp_path, "a.ris,Embase,database,Ovid,2016-09-02,q,3,\n"))
    assert found.files[["database", "hits_reported", "records_parsed", "difference"]].values.tolist() == [
        ["Embase", 3, 2, -1]
    ]
    assert found.records["record_id"].tolist() == ["a.ris:1", "a.ris:2"]
    assert found.records["database"].unique().tolist() == ["Embase"]
    assert found.records["source_type"].unique().tolist() == ["database"]


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "b.ris,Embase,database,Ovid,2016-09-02,q,3,\n",
            r"row 2, column 'file': export file not found .*\(found 'b.ris'\)",
        ),
        ("a.ris,,database,Ovid,2016-09-02,q,3,\n", r"row 2, column 'database': database is empty"),
        (
            "a.ris,Embase,website,Ovid,2016-09-02,q,3,\n",
            r"row 2, column 'source_type': source_type must be one of database, register \(found 'website'\)",
        ),
        (
            "a.ris,Embase,database,Ovid,02/09/2016,q,3,\n",
            r"row 2, column 'date_searched': date_searched must be a date written YYYY-MM-DD \(found '02/09/2016'\)",
        ),
        (
            "a.ris,Embase,database,Ovid,2016-09-02,q,about 3,\n",
            r"row 2, column 'hits_reported': hits_reported must be a whole number \(found 'about 3'\)",
        ),
        (
            "a.ris,Embase,database,Ovid,2016-09-02,q,3,\na.ris,MEDLINE,database,Ovid,2016-09-02,q,3,\n",
            r"rows 2, 3, column 'file': the same export file is listed twice",
        ),
        ("\n", r"searches_log\.csv: the searches log lists no searches"),
    ],
)
def test_bad_log(tmp_path, body, message):
    with pytest.raises(InputError, match=message):
        searches.load_searches(folder(tmp_path, body))


def test_unlisted_export_is_an_error(tmp_path):
    path = folder(
        tmp_path, "a.ris,Embase,database,Ovid,2016-09-02,q,2,\n", files={"a.ris": RIS, "b.ris": RIS}
    )
    with pytest.raises(
        InputError,
        match=r"searches_log\.csv: export file\(s\) in searches/ not listed in the searches log: b\.ris",
    ):
        searches.load_searches(path)


def test_unreadable_export_names_the_file(tmp_path):
    path = folder(
        tmp_path, "a.ris,Embase,database,Ovid,2016-09-02,q,2,\n", files={"a.ris": "%0 Journal Article\n"}
    )
    with pytest.raises(InputError, match=r"a\.ris, row 1: this is EndNote tagged format"):
        searches.load_searches(path)


def test_real_exports_end_to_end(tmp_path):
    """Real exports of one search from several tools: parse, deduplicate, screen, count."""
    import shutil

    from helpers import paths
    from helpers.literature import dedup, prisma, screening

    fixtures = paths.project_root().parent / "shared" / "fixtures" / "literature"
    names = {
        "asreview_embase.ris": "Embase",
        "asreview_embase.csv": "Embase CSV",
        "wosfile_wos_plaintext_EXCERPT_first6.txt": "WoS plain",
        "wosfile_wos_tab_delimited_win_utf16_EXCERPT_header+8.txt": "WoS tab",
    }
    if not all((fixtures / n).is_file() for n in names):
        pytest.skip("../shared/fixtures not present")
    (tmp_path / "searches").mkdir()
    for n in names:
        shutil.copy(fixtures / n, tmp_path / "searches" / n)
    log = "".join(
        f"{n},{db},database,,2024-01-01,q,{h},\n" for (n, db), h in zip(names.items(), [6, 6, 6, 8])
    )
    (tmp_path / "searches_log.csv").write_text(HEADER + log, encoding="utf-8")
    found = searches.load_searches(tmp_path)
    assert found.files["records_parsed"].tolist() == [6, 6, 6, 8]  # sorted by file name
    deduped = dedup.deduplicate(found.records)
    # the Embase RIS and CSV hold the same 6 records (matched on title, year and first author:
    # the CSV has no DOI); the WoS plain and tab files the same first 6 of 8 (matched on DOI)
    assert (len(found.records), len(deduped.unique)) == (26, 14)
    assert deduped.log.groupby("rule").size().to_dict() == {"doi": 6, "title_year_author": 6}
    id_map = dict(zip(deduped.records["record_id"], deduped.records["unique_id"]))
    rows = "".join(f"{u},title_abstract,R1,exclude,,\n" for u in deduped.unique["unique_id"])
    (tmp_path / "screening.csv").write_text(
        "record_id,stage,reviewer,decision,reason,note\n" + rows, encoding="utf-8"
    )
    decisions = screening.decisions(
        screening.read_screening_log(tmp_path / "screening.csv", id_map), deduped.unique["unique_id"].tolist()
    )
    c = prisma.prisma_counts(prisma.record_flow(deduped.records, decisions))
    assert (
        c["database_results"],
        c["duplicates"],
        c["records_screened"],
        c["records_excluded"],
        c["new_reports"],
    ) == (26, 12, 14, 14, 0)
