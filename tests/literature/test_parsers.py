"""Parsers of literature exports: real fixture files, tiny synthetic files with each quirk, bad input."""

import codecs

import pytest

from helpers import paths
from helpers.files import InputError
from helpers.literature import parsers

FIXTURES = paths.project_root().parent / "shared" / "fixtures" / "literature"

# Expected record counts of every real file in ../shared/fixtures/literature, and how each was
# established independently of the parser (shell commands run on the fixture):
REAL_FILES = {
    # RIS: one record per `ER  -` line (grep -c '^ER  -'); grep '^TY  -' agrees except where the
    # first TY follows a byte-order mark (embase: 5 TY lines but 6 ER; bom/utf_chars: 0 TY, 1 ER).
    "asreview_baseline_empty_values.ris": (4, 0),
    "asreview_embase.ris": (6, 0),
    "asreview_faulty_year.ris": (1, 0),
    "asreview_ovid_psycinfo.ris": (6, 0),
    "asreview_proquest.ris": (6, 0),
    "asreview_pubmed_endnote.txt": (6, 0),
    "asreview_pubmed_zotero.ris": (6, 0),
    "asreview_ris_issue_1099.txt": (7, 0),
    "asreview_ris_issue_992.txt": (19, 0),
    "asreview_scopus.ris": (6, 0),
    "asreview_web_of_science.txt": (10, 0),
    "rispy_example_bom.ris": (1, 0),
    "rispy_example_empty_tag.ris": (1, 0),
    "rispy_example_extraneous_data.ris": (2, 0),
    "rispy_example_full.ris": (2, 0),
    "rispy_example_multiline.ris": (3, 0),  # 3 `ER  -` lines; "ER then ..." lines are text, not tags
    "rispy_example_utf_chars.ris": (1, 0),
    # WoS plain text: one record per line that is exactly `ER` (grep -c '^ER$')
    "rispy_example_wos.ris": (2, 0),
    "wosfile_wos_plaintext_EXCERPT_first6.txt": (6, 0),
    # WoS tab-delimited: lines minus the header (9 lines each, `iconv -f utf-16 | wc -l` for UTF-16)
    "wosfile_wos_tab_delimited_win_utf16_EXCERPT_header+8.txt": (8, 0),
    "wosfile_wos_tab_delimited_win_utf8_EXCERPT_header+8.txt": (8, 0),
    # MEDLINE: one record per `PMID- ` line (grep -c '^PMID-' = 9; the excerpt holds 9 despite its name)
    "metaknowledge_medline_test_EXCERPT_first8.medline": (9, 0),
    # CSV: rows counted with Python's csv module (quoted fields span lines): header + 12 / header + 6
    "litstudy_scopus_EXCERPT_header+12.csv": (12, 0),
    "asreview_embase.csv": (6, 0),
    # 14 data rows (wc -l minus header); 4 have no title, no abstract and DOIs like '10.4' that are
    # not DOIs (no '/'), so they hold nothing to screen and are skipped with that reason
    "asreview_duplicate_records.csv": (10, 4),
}


def test_every_real_fixture_has_an_expected_count():
    if not FIXTURES.is_dir():
        pytest.skip("../shared/fixtures not present")
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(REAL_FILES)


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_fixture_record_counts(name):
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip("../shared/fixtures not present")
    parsed = parsers.parse_file(path, database="X")
    assert (len(parsed.records), len(parsed.skipped)) == REAL_FILES[name]
    assert parsed.records["record_id"].is_unique
    assert list(parsed.records.columns) == parsers.RECORD_COLUMNS


def test_real_fixture_fields():
    if not FIXTURES.is_dir():
        pytest.skip("../shared/fixtures not present")
    ovid = parsers.parse_file(FIXTURES / "asreview_ovid_psycinfo.ris").records.iloc[0]
    assert ovid["doi"] == "10.1002/cpp.2398"  # written as http://dx.doi.org/10.1002/cpp.2398, twice
    assert ovid["year"] == 2019  # Y1  - 2019//
    assert ovid["first_author_surname"] == "trindade"
    medline = parsers.parse_file(FIXTURES / "metaknowledge_medline_test_EXCERPT_first8.medline").records.iloc[
        0
    ]
    assert (medline["pmid"], medline["doi"], medline["year"]) == (
        "26524502",
        "10.1016/j.gene.2015.10.064",
        2016,
    )
    assert medline["abstract"].startswith(
        "ATP binding cassette (ABC) transporters constitute a very large and ubiquitous superfamily"
    )
    scopus = parsers.parse_file(FIXTURES / "litstudy_scopus_EXCERPT_header+12.csv")
    assert scopus.quirks["Scopus rows with an extra 'Funding Text' column realigned"] == 10
    # after realignment the last column (EID) holds an EID in every row, so nothing is shifted
    assert scopus.records["doi"].iloc[0] == "10.1002/jcc.20289"
    utf16 = parsers.parse_file(FIXTURES / "wosfile_wos_tab_delimited_win_utf16_EXCERPT_header+8.txt").records
    utf8 = parsers.parse_file(FIXTURES / "wosfile_wos_tab_delimited_win_utf8_EXCERPT_header+8.txt").records
    cols = ["title", "authors", "year", "doi"]
    assert utf16[cols].equals(utf8[cols])
    faulty = parsers.parse_file(FIXTURES / "asreview_faulty_year.ris")
    assert faulty.records["year"].isna().all() and faulty.quirks == {"year not readable, left blank": 1}
    bom = parsers.parse_file(FIXTURES / "rispy_example_bom.ris").records
    assert bom["doi"].tolist() == ["10.1186/s40981-020-0316-0"]  # rispy alone loses this record


# --- tiny synthetic files, one quirk each ------------------------------------------------------

RIS = """Record #1 of 2
Provider: Test
1.
TY  - JOUR
T1  - Doctors and managers:
a continued title line
A1  - Davies, H
A1  - Hodges, C
Y1  - 2003//
DO  - http://dx.doi.org/10.1136/BMJ.326.7390.626
DO  - http://dx.doi.org/10.1136/BMJ.326.7390.626

N1  - Export Date: 12 May 2022
ER  -\x20

2.
TY  - JOUR
TI  - Second
AU  - Edwards N
PY  - 10 15
Y1  - 2004
KW  - one
two
ER  -\x20
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_ris_quirks(tmp_path):
    parsed = parsers.parse_file(write(tmp_path, "x.ris", "\ufeff" + RIS), database="Embase")
    r = parsed.records
    assert r["record_id"].tolist() == ["x.ris:1", "x.ris:2"]
    assert r["title"].tolist() == ["Doctors and managers: a continued title line", "Second"]
    assert r["doi"].tolist() == ["10.1136/bmj.326.7390.626", None]
    assert r["year"].tolist() == [2003, 2004]  # "PY  - 10 15" is not a year; Y1 is used
    assert r["first_author_surname"].tolist() == ["davies", "edwards"]
    assert r["authors"].iloc[0] == "Davies, H; Hodges, C"
    assert r["database"].unique().tolist() == ["Embase"]
    assert parsed.encoding == "utf-8-sig"
    assert parsed.quirks == {
        "byte-order mark (utf-8-sig)": 1,
        "lines outside records ignored (preamble, Ovid numbering, link text)": 4,
        "blank lines inside records": 1,
        "repeated tag DO (first value kept)": 1,
        "continuation lines": 2,
        "DOI written as URL or doi: prefix": 1,
    }


def test_ris_bom_keeps_first_record(tmp_path):
    text = "\ufeffTY  - JOUR\nTI  - First\nER  - \nTY  - JOUR\nTI  - Second\nER  - \n"
    assert parsers.parse_file(write(tmp_path, "b.ris", text)).records["title"].tolist() == ["First", "Second"]


MEDLINE = """
PMID- 12649235
TI  - Views of doctors and managers on the doctor-manager relationship in
      the NHS.
DP  - 2003 Mar 22
AU  - Davies HT
FAU - Davies, Huw T O
LID - 10.1136/bmj.326.7390.626 [doi]
LID - S0378 [pii]
JT  - BMJ (Clinical research ed.)
AB  - Objective: to survey.
      Continued.

TI  - A record without PMID
DP  - 2004
AU  - Edwards N
"""


def test_medline(tmp_path):
    parsed = parsers.parse_file(write(tmp_path, "p.nbib", MEDLINE))
    r = parsed.records
    assert parsed.format == "medline"
    assert r["title"].tolist() == [
        "Views of doctors and managers on the doctor-manager relationship in the NHS.",
        "A record without PMID",
    ]
    assert r["pmid"].tolist() == ["12649235", None]
    assert r["doi"].tolist() == ["10.1136/bmj.326.7390.626", None]
    assert r["authors"].tolist() == ["Davies, Huw T O", "Edwards N"]  # FAU preferred to AU
    assert r["first_author_surname"].tolist() == ["davies", "edwards"]
    assert r["abstract"].iloc[0] == "Objective: to survey. Continued."
    assert r["year"].tolist() == [2003, 2004]
    assert parsed.quirks == {"continuation lines": 2}


def test_medline_bad_line_names_line(tmp_path):
    path = write(tmp_path, "p.nbib", "PMID- 1\nTI  - ok\nthis is not a tag\n")
    with pytest.raises(InputError, match=r"p\.nbib, row 3: not a MEDLINE line.*'this is not a tag'"):
        parsers.parse_file(path)


def test_bibtex_failed_blocks_are_reported(tmp_path):
    text = """@article{a, title={The {NHS} and doctors}, author={Davies, H. T. O. and Hodges, C. L.}, year={2003},
 journal={BMJ}, doi={https://doi.org/10.1136/X}}
@article{a, title={Duplicate key}}
@article{b, title={Unclosed
@article{c, title="Third", year=2004, author={Kal{\\'e}, L.}}
"""
    parsed = parsers.parse_file(write(tmp_path, "z.bib", text))
    assert parsed.records["title"].tolist() == ["The NHS and doctors", "Third"]
    assert parsed.records["doi"].tolist() == ["10.1136/x", None]
    assert parsed.records["first_author_surname"].tolist() == ["davies", "kale"]
    assert parsed.records["authors"].tolist() == ["Davies, H. T. O.; Hodges, C. L.", "Kalé, L."]
    assert [s["reason"] for s in parsed.skipped] == [
        "duplicate key 'a'",
        "malformed entry (unbalanced braces or quotes)",
    ]
    assert parsed.summary()["records_skipped"] == 2


def test_scopus_csv_misaligned_and_short_rows(tmp_path):
    header = '"Authors","Title","Year","Source title","DOI","Funding Text 1","PubMed ID","EID"\n'
    rows = (
        '"Davies H.T.O., Hodges C.L.","One","2003","BMJ","10.1/a","f1","123","2-s2.0-1"\n'
        '"Edwards N.; Marshall M.","Two","2004","BMJ","","f1","f2","","2-s2.0-2"\n'
        '"X","Three","2005"\n'
    )
    parsed = parsers.parse_file(write(tmp_path, "s.csv", "\ufeff" + header + rows))
    r = parsed.records
    assert parsed.format == "scopus_csv"
    assert r["title"].tolist() == ["One", "Two"]
    assert r["authors"].tolist() == ["Davies H.T.O.; Hodges C.L.", "Edwards N.; Marshall M."]
    assert r["first_author_surname"].tolist() == ["davies", "edwards"]
    assert r["pmid"].tolist() == ["123", None]
    assert parsed.skipped == [{"position": 3, "reason": "line 4: 3 fields but the header has 8"}]


def test_wos_tab_utf16_trailing_tab(tmp_path):
    text = (
        "PT\tAU\tTI\tSO\tPY\tDI\tUT\r\nJ\tDavies, HTO; Hodges, CL\tViews\tBMJ\t2003\t10.1136/X\tWOS:1\t\r\n"
    )
    path = tmp_path / "w.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    parsed = parsers.parse_file(path)
    assert parsed.format == "wos_tab" and parsed.encoding == "utf-16"
    assert parsed.records[["title", "year", "doi", "first_author_surname"]].iloc[0].tolist() == [
        "Views",
        2003,
        "10.1136/x",
        "davies",
    ]
    assert parsed.quirks["trailing tab at end of row"] == 1


def test_wos_plain(tmp_path):
    text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Davies, H\n   Hodges, C\nTI Views of doctors\n   and managers\nPY 2003\nDI 10.1136/X\nER\n\nEF\n"
    r = parsers.parse_file(write(tmp_path, "w.txt", text)).records
    assert r[["title", "authors", "year", "doi"]].iloc[0].tolist() == [
        "Views of doctors and managers",
        "Davies, H; Hodges, C",
        2003,
        "10.1136/x",
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("%0 Journal Article\n%T A title\n", r"e\.txt, row 1: this is EndNote tagged format"),
        ("just some words\nand more\n", r"e\.txt, row 1: unknown export format"),
        ("   \n\n", r"e\.txt: file is empty"),
        (
            "TY  - JOUR\nER  - \n",
            r"e\.txt: no records found in this ris file \(1 skipped: no title, author, DOI, PMID or abstract\)",
        ),
        ("title;abstract;doi\n;;\n", r"e\.txt: no records found in this generic_csv file"),
    ],
)
def test_bad_files(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        parsers.parse_file(write(tmp_path, "e.txt", text))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10.1136/BMJ.326.7390.626", "10.1136/bmj.326.7390.626"),
        ("https://doi.org/10.1136/x", "10.1136/x"),
        ("http://dx.doi.org/10.1002/cpp.2398", "10.1002/cpp.2398"),
        ("doi: 10.1002/cpp.2398.", "10.1002/cpp.2398"),
        ("10.1016/j.gene.2015.10.064 [doi]", "10.1016/j.gene.2015.10.064"),
        ("10.1002%2Fcpp.2398", "10.1002/cpp.2398"),
        ("   ", None),
        ("10.3", None),
        ("S0378-1119(15)01297-4", None),
        (None, None),
    ],
)
def test_normalise_doi(raw, expected):
    assert parsers.normalise_doi(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2019//", 2019),
        ("2016 Jan 15", 2016),
        ("10 15", None),
        ("", None),
        ("Cancer (2004) 102:4", 2004),
        ("12016", None),
    ],
)
def test_parse_year(raw, expected):
    assert parsers.parse_year(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Davies HTO", "davies"),
        ("Davies, Huw T O", "davies"),
        ("Phillips J.C.", "phillips"),
        ("H. T. O. Davies", "davies"),
        ("van Acker, B.", "vanacker"),
        ("Pinto-Gouveia, Jose", "pintogouveia"),
        ("Kalé L.", "kale"),
        ("", None),
    ],
)
def test_surname(raw, expected):
    assert parsers.surname(raw) == expected


def test_normalise_title():
    assert (
        parsers.normalise_title('Medicine, management, and modernisation: a "danse macabre"?')
        == "medicine management and modernisation a danse macabre"
    )
    assert parsers.normalise_title("Ca<i>n</i>cér") == "ca n cer"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Davies HTO", "Davies"),
        ("Davies, Huw T O", "Davies"),
        ("Phillips J.C.", "Phillips"),
        ("H. T. O. Davies", "Davies"),
        ("van Acker, B.", "van Acker"),
        ("Goodall AH", "Goodall"),
        ("Ham", "Ham"),
        ("  ", None),
    ],
)
def test_surname_as_written(raw, expected):
    assert parsers.surname_as_written(raw) == expected
