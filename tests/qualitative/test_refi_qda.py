"""REFI-QDA reader: the real exports in ../shared/fixtures, synthetic projects reproducing their
quirks, hostile archives, and the .qdc codebook round trip."""

import codecs
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.files import InputError
from helpers.qualitative import refi_qda

FIXTURES = paths.project_root().parent / "shared" / "fixtures" / "refi-qda"
NS = "urn:QDA-XML:project:1.0"

# Expected numbers were established by reading each archive's project.qde with the standard
# library, independently of the reader:
#   root = xml.etree.ElementTree.fromstring(zipfile.ZipFile(f).read("project.qde"))
#   Counter(e.tag.split("}")[1] for e in root.iter())
# -> qualitative-coding_demo: Code 262, TextSource 2, PlainTextSelection 158, Coding 205, every
#    selection has a Coding, every CodeRef targets a Code guid; 77 distinct codes used.
# -> qualitative-coding_nvivo_project: Code 262, TextSource 2, no selections (1-byte .txt).
# -> ponte_target-atlas-project: Code 3, no Sources; ponte_blank-atlas-project: only Users.
REAL = {
    "qualitative-coding_demo.qdpx": {
        "codes": 262,
        "sources": 2,
        "selections": 158,
        "codings": 205,
        "uncoded_selections": 0,
        "cases": 0,
    },
    "qualitative-coding_nvivo_project.qdpx": {
        "codes": 262,
        "sources": 2,
        "selections": 0,
        "codings": 0,
        "uncoded_selections": 0,
        "cases": 0,
    },
    "ponte_target-atlas-project.qdpx": {
        "codes": 3,
        "sources": 0,
        "selections": 0,
        "codings": 0,
        "uncoded_selections": 0,
        "cases": 0,
    },
    "ponte_blank-atlas-project.qdpx": {
        "codes": 0,
        "sources": 0,
        "selections": 0,
        "codings": 0,
        "uncoded_selections": 0,
        "cases": 0,
    },
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_exports_import_with_expected_counts(name):
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip("../shared/fixtures/refi-qda not available")
    project = refi_qda.read_qdpx(path)
    assert project.counts() == REAL[name]


def test_real_qc_demo_selections_resolve_to_text_and_duplicate_names_get_paths():
    path = FIXTURES / "qualitative-coding_demo.qdpx"
    if not path.is_file():
        pytest.skip("../shared/fixtures/refi-qda not available")
    project = refi_qda.read_qdpx(path)
    first = project.segments.iloc[0]
    # selection "line:6" 320..400 is exactly one line of board_2017.txt including its \n
    assert (first["start"], first["end"]) == (320, 400)
    assert (
        first["text"] == "This district goal is engage every student in joyful, purposeful learning that \n"
    )
    assert first["coder"] == "cp"  # creatingUser GUID resolved through Users
    assert project.segments["code_guid"].nunique() == 77
    assert project.codes["label"].is_unique
    citizenship = project.codes[project.codes["name"] == "citizenship"]
    assert len(citizenship) == 3 and all(" > " in label for label in citizenship["label"])
    assert list(project.sources["stored"]) == [
        "sources/board_2017.txt",
        "sources/admin-1.txt",
    ]  # no internal://


def test_real_atlas_codes_nested_with_upper_case_guids():
    path = FIXTURES / "ponte_target-atlas-project.qdpx"
    if not path.is_file():
        pytest.skip("../shared/fixtures/refi-qda not available")
    codes = refi_qda.read_qdpx(path).codes
    assert list(codes["path"]) == [
        "Commits",
        "Commits > 2022-05-10T02:05:59Z 19e4dce",
        "Commits > 2022-02-11T10:39:25Z cdbfd92",
    ]
    assert codes["code_guid"].iloc[0] == "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6"
    assert list(codes["theme"]) == ["Commits"] * 3


# ------------------------------------------------------------------ synthetic projects

G = {
    k: f"{i:08d}-0000-4000-8000-{i:012d}"
    for i, k in enumerate(
        [
            "src",
            "sel1",
            "sel2",
            "sel3",
            "c_parent1",
            "c_parent2",
            "c_dup1",
            "c_dup2",
            "user",
            "coding1",
            "coding2",
            "coding3",
        ],
        start=1,
    )
}

CODES = f"""<CodeBook><Codes>
<Code guid="{G["c_parent1"]}" name="Workload" isCodable="true"><Description>Time pressure</Description>
  <Code guid="{G["c_dup1"]}" name="other" isCodable="true"/></Code>
<Code guid="{G["c_parent2"]}" name="Turnover" isCodable="true">
  <Code guid="{{{G["c_dup2"].upper()}}}" name="other" isCodable="true"/></Code>
</Codes></CodeBook>"""


def qde(sources: str, ns: str = NS, users: str = "", extra: str = "", origin: str = "test") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{ns}" name="t" origin="{origin}">'
        f'<Users><User guid="{G["user"]}" name="coder A"/>{users}</Users>{CODES}{extra}<Sources>{sources}</Sources></Project>'
    )


def selection(key, start, end, code_key="c_dup1", coding_key="coding1"):
    return (
        f'<PlainTextSelection guid="{G[key]}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{G[coding_key]}" creatingUser="{G["user"]}"><CodeRef targetGUID="{G[code_key]}"/></Coding></PlainTextSelection>'
    )


def make_qdpx(
    tmp_path: Path,
    qde_text: str,
    members: dict[str, bytes] | None = None,
    qde_name: str = "project.qde",
    qde_bom: bool = False,
) -> Path:
    path = tmp_path / "t.qdpx"
    raw = qde_text.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(qde_name, (codecs.BOM_UTF8 if qde_bom else b"") + raw)
        for name, data in (members or {}).items():
            z.writestr(name, data)
    return path


def test_nvivo_style_capital_sources_named_qde_boms_and_duplicate_code_names(tmp_path):
    text = "Interviewer: hello\nCD-01: We are stretched thin.\n"
    start = text.index("We")
    sources = (
        f'<TextSource guid="{G["src"]}" name="int1" plainTextPath="internal://{G["src"]}.txt">'
        + selection("sel1", start, start + 22)
        + selection("sel2", start, start + 12, "c_dup2", "coding2")
        + "</TextSource>"
    )
    path = make_qdpx(
        tmp_path,
        qde(sources, ns="urn:QDA-XML:project:1:0"),
        {f"Sources/{G['src']}.txt": codecs.BOM_UTF8 + text.encode()},
        qde_name="My Study.qde",
        qde_bom=True,
    )
    project = refi_qda.read_qdpx(path)
    assert list(project.segments["text"]) == ["We are stretched thin.", "We are stret"]
    assert list(project.segments["code"]) == ["Workload > other", "Turnover > other"]
    assert list(project.segments["theme"]) == ["Workload", "Turnover"]
    assert list(project.codes["label"]) == ["Workload", "Workload > other", "Turnover", "Turnover > other"]
    assert project.codes["description"].iloc[0] == "Time pressure"
    assert project.sources["chars"].iloc[0] == len(text)  # BOM stripped before counting


def test_missing_internal_prefix_and_inline_plain_text(tmp_path):
    sources = (
        f'<TextSource guid="{G["src"]}" plainTextPath="board.txt">'
        + selection("sel1", 0, 5)
        + "</TextSource>"
        f'<TextSource guid="{G["sel3"]}" name="inline"><PlainTextContent>Inline words here</PlainTextContent>'
        + selection("sel2", 7, 12, "c_dup2", "coding2")
        + "</TextSource>"
    )
    project = refi_qda.read_qdpx(make_qdpx(tmp_path, qde(sources), {"sources/board.txt": b"Board minutes"}))
    assert list(project.segments["text"]) == ["Board", "words"]
    assert list(project.segments["source"]) == ["board", "inline"]
    assert list(project.sources["stored"]) == ["sources/board.txt", "inline"]


def test_selection_without_coding_is_counted_and_logged(tmp_path):
    sources = (
        f'<TextSource guid="{G["src"]}" name="s"><PlainTextContent>abcdef</PlainTextContent>'
        + selection("sel1", 0, 3)
        + f'<PlainTextSelection guid="{G["sel2"]}" startPosition="3" endPosition="6"><Description>memo</Description></PlainTextSelection>'
        + "</TextSource>"
    )
    project = refi_qda.read_qdpx(make_qdpx(tmp_path, qde(sources)))
    assert project.counts()["selections"] == 2 and project.counts()["codings"] == 1
    assert project.uncoded[["text", "note"]].values.tolist() == [["def", "memo"]]
    assert project.log == [
        {
            "level": "warning",
            "count": 1,
            "message": "selections without any coding (memos only): counted, not summarised",
        }
    ]


CRLF_TEXT = "A: one\r\nB: two words\r\nC: three\r\n"


def test_crlf_counted_as_one_is_detected_when_two_would_split_a_line_ending(tmp_path):
    # positions as ATLAS.ti writes them: "\r\n" counted as one code point
    lf = CRLF_TEXT.replace("\r\n", "\n")
    # a whole line "B: two words\n" starts at 7 (LF count); under "two", 7 falls between \r and \n
    sources = (
        f'<TextSource guid="{G["src"]}" name="s" plainTextPath="internal://s.txt">'
        + selection("sel1", lf.index("B"), lf.index("C"))
        + selection("sel2", lf.index("three"), len(lf) - 1, "c_dup2", "coding2")
        + "</TextSource>"
    )
    project = refi_qda.read_qdpx(make_qdpx(tmp_path, qde(sources), {"sources/s.txt": CRLF_TEXT.encode()}))
    assert list(project.segments["text"]) == ["B: two words\n", "three"]
    assert project.sources["crlf_positions"].iloc[0] == "one"


def test_crlf_counted_as_two_is_the_default_and_atlas_origin_decides_ambiguity(tmp_path):
    start = CRLF_TEXT.index("one")
    sources = (
        f'<TextSource guid="{G["src"]}" name="s" plainTextPath="internal://s.txt">'
        + selection("sel1", start, start + 3)
        + "</TextSource>"
    )
    project = refi_qda.read_qdpx(make_qdpx(tmp_path, qde(sources), {"sources/s.txt": CRLF_TEXT.encode()}))
    assert project.segments["text"].tolist() == ["one"]
    assert project.sources["crlf_positions"].iloc[0] == "two"
    # the same positions in an ATLAS.ti project are read as "\r\n" = one code point (both fit)
    start2 = CRLF_TEXT.index("two") - 1  # in the one-code-point text "two" starts one earlier
    sources = (
        f'<TextSource guid="{G["src"]}" name="s" plainTextPath="internal://s.txt">'
        + selection("sel1", start2, start2 + 3)
        + "</TextSource>"
    )
    project = refi_qda.read_qdpx(
        make_qdpx(
            tmp_path,
            qde(sources, origin="ATLAS.ti for Windows 23.2.3"),
            {"sources/s.txt": CRLF_TEXT.encode()},
        )
    )
    assert project.segments["text"].tolist() == ["two"]


def test_crlf_convention_rule():
    text = "ab\r\ncd"
    assert refi_qda.crlf_convention(text, [(0, 6)]) == "two"  # only "two" reaches the end
    assert refi_qda.crlf_convention(text, [(0, 3)]) == "one"  # 3 splits \r|\n under "two"
    assert refi_qda.crlf_convention(text, [(0, 2)]) == "two"  # both fit: the spec's reading
    assert refi_qda.crlf_convention(text, [(0, 2)], origin="ATLAS.ti 23") == "one"


@pytest.mark.parametrize(
    "sources, message, value",
    [
        (
            f'<TextSource guid="{G["src"]}" name="s"><PlainTextContent>abc</PlainTextContent>'
            + selection("sel1", 1, 9)
            + "</TextSource>",
            f"TextSource 's', PlainTextSelection {G['sel1']}: selection ends beyond the source text (3 code points)",
            9,
        ),
        (
            f'<TextSource guid="{G["src"]}" name="s"><PlainTextContent>abc</PlainTextContent>'
            + selection("sel1", 0, 1, "sel3")
            + "</TextSource>",
            f"TextSource 's', PlainTextSelection {G['sel1']}: Coding refers to a code that is not in the codebook",
            G["sel3"],
        ),
        (
            f'<TextSource guid="{G["src"]}" name="s"><PlainTextContent>abc</PlainTextContent>'
            f'<PlainTextSelection guid="{G["sel1"]}" startPosition="x" endPosition="2"/></TextSource>',
            f"TextSource 's', PlainTextSelection {G['sel1']}: startPosition is not a whole number",
            "x",
        ),
        (
            f'<TextSource guid="{G["src"]}" name="s" plainTextPath="internal://gone.txt">'
            + selection("sel1", 0, 1)
            + "</TextSource>",
            "TextSource 's': its plain text is not in the archive",
            "internal://gone.txt",
        ),
    ],
)
def test_bad_content_names_file_element_and_value(tmp_path, sources, message, value):
    path = make_qdpx(tmp_path, qde(sources))
    with pytest.raises(InputError) as err:
        refi_qda.read_qdpx(path)
    assert err.value.file == str(path)
    assert err.value.detail == f"project.qde: {message}"
    assert err.value.value == value


def test_malformed_xml(tmp_path):
    path = make_qdpx(tmp_path, '<Project xmlns="urn:QDA-XML:project:1.0"><Users></Project>')
    with pytest.raises(
        InputError, match=r"t\.qdpx: project\.qde: malformed XML at line 1, column 50: mismatched tag"
    ):
        refi_qda.read_qdpx(path)


def test_entity_expansion_is_refused(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE P [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    with pytest.raises(InputError, match="refused XML with a DTD or entity declarations"):
        refi_qda.read_qdpx(make_qdpx(tmp_path, bomb))


def test_not_a_zip_no_project_and_path_traversal(tmp_path):
    bad = tmp_path / "x.qdpx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a valid zip archive"):
        refi_qda.read_qdpx(bad)
    empty = tmp_path / "e.qdpx"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("sources/a.txt", "x")
    with pytest.raises(InputError, match=r"no project\.qde"):
        refi_qda.read_qdpx(empty)
    evil = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("project.qde", qde(""))
        z.writestr("../../etc/passwd", "x")
    with pytest.raises(InputError, match=r"unsafe path") as err:
        refi_qda.read_qdpx(evil)
    assert err.value.value == "../../etc/passwd"


def test_root_must_be_project(tmp_path):
    with pytest.raises(InputError, match="root element is not Project") as err:
        refi_qda.read_qdpx(make_qdpx(tmp_path, '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'))
    assert err.value.value == "CodeBook"


# ------------------------------------------------------------------ codebook .qdc


def test_codebook_round_trips_through_qdc(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_STAGING", str(tmp_path))
    sources = f'<TextSource guid="{G["src"]}" name="s"><PlainTextContent>abc</PlainTextContent></TextSource>'
    codes = refi_qda.read_qdpx(make_qdpx(tmp_path, qde(sources))).codes
    target = refi_qda.write_codebook(codes)
    assert target == tmp_path / "reports" / "codebook.qdc"
    raw = target.read_bytes()
    assert raw.startswith(
        b"<?xml version='1.0' encoding='utf-8'?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\""
    )
    again = refi_qda.read_codebook(target)
    pd.testing.assert_frame_equal(again, codes)
    assert refi_qda.codebook_xml(again) == raw  # stable bytes


def test_codebook_namespace_variants(tmp_path):
    for ns in ("urn:QDA-XML:codebook:0:4", "urn:QDA-XML:codebook:1:0"):
        path = tmp_path / "c.qdc"
        path.write_text(
            f'<CodeBook xmlns="{ns}" origin="ATLAS.ti"><Codes><Code guid="{G["c_parent1"]}" name="A" isCodable="true">'
            f'<Code guid="{G["c_dup1"]}" name="B" isCodable="false"/></Code></Codes><Sets/></CodeBook>',
            encoding="utf-8",
        )
        codes = refi_qda.read_codebook(path)
        assert codes[["path", "is_codable", "depth"]].values.tolist() == [["A", True, 0], ["A > B", False, 1]]


def test_codebook_duplicate_guid(tmp_path):
    path = tmp_path / "c.qdc"
    path.write_text(
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{G["c_dup1"]}" name="A" isCodable="true"/>'
        f'<Code guid="{G["c_dup1"].upper()}" name="B" isCodable="true"/></Codes></CodeBook>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="two codes share a guid") as err:
        refi_qda.read_codebook(path)
    assert err.value.value == G["c_dup1"]


def _pdf_only_qdpx(tmp_path):
    pdf = (
        f'<PDFSource guid="{G["src"]}" name="minutes" path="internal://minutes.pdf">'
        f'<PDFSelection guid="{G["sel1"]}" page="1" firstX="1" firstY="1" secondX="9" secondY="9">'
        f'<Coding guid="{G["coding1"]}" creatingUser="{G["user"]}"><CodeRef targetGUID="{G["c_dup1"]}"/></Coding>'
        "</PDFSelection></PDFSource>"
    )
    return make_qdpx(tmp_path, qde(pdf), {"sources/minutes.pdf": b"%PDF-1.4\n"})


def test_a_project_with_only_pdf_sources_is_a_clear_error_in_the_reader_and_in_check(tmp_path):
    from helpers.qualitative import segments

    path = _pdf_only_qdpx(tmp_path)
    with pytest.raises(InputError) as err:
        segments.load_folder(_folder_with(tmp_path, path))
    assert (
        "t.qdpx: no text sources: only text sources are read (1 PDFSource with 1 selection left out)"
        in str(err.value)
    )


def _folder_with(tmp_path, qdpx_path):
    folder = tmp_path / "focus_groups"
    folder.mkdir()
    qdpx_path.rename(folder / "t.qdpx")
    (folder / "participants.csv").write_text(
        "pseudonym,role_group,group,setting\nP1,manager,FG1,focus group\n", encoding="utf-8"
    )
    return folder


def test_a_code_tree_3000_deep_is_a_clear_error_not_a_recursion_error(tmp_path):
    deep = "".join(f'<Code guid="{i:08d}-0000-4000-8000-{i:012d}" name="c{i}">' for i in range(3000))
    deep += "</Code>" * 3000
    path = tmp_path / "deep.qdc"
    path.write_text(
        f'<?xml version="1.0"?><CodeBook xmlns="{NS}"><Codes>{deep}</Codes></CodeBook>', encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        refi_qda.read_codebook(path)
    assert str(err.value) == (
        f"{path}: deep.qdc: the code tree is more than 100 levels deep (at code 'c100'); a codebook this "
        "deep is not a real one"
    )


def test_a_code_tree_99_deep_reads_and_writes_back_without_recursion(tmp_path):
    deep = (
        "".join(f'<Code guid="{i:08d}-0000-4000-8000-{i:012d}" name="c{i}">' for i in range(99))
        + "</Code>" * 99
    )
    path = tmp_path / "deep.qdc"
    path.write_text(
        f'<?xml version="1.0"?><CodeBook xmlns="{NS}"><Codes>{deep}</Codes></CodeBook>', encoding="utf-8"
    )
    codes = refi_qda.read_codebook(path)
    assert list(codes["depth"]) == list(range(99)) and codes["theme"].nunique() == 1
    again = tmp_path / "again.qdc"
    again.write_bytes(refi_qda.codebook_xml(codes))
    assert list(refi_qda.read_codebook(again)["path"]) == list(codes["path"])
