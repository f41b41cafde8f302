"""Untrusted files: entity expansion, external entities, unsafe zip members, zip bombs, and
spreadsheet formula injection in the workbooks we write.

The inputs are hostile files built in the test; every reader must refuse them with an
InputError that names the file (or read them without expanding anything), and no workbook the
pipeline writes may hold a live formula.
"""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest

from helpers import files, workbook
from helpers.files import InputError
from helpers.outputs import deterministic_zip
from helpers.qualitative import refi_qda, segments, summaries
from helpers.survey import readers

SECRET = "TOP-SECRET-MARKER-7f3a"
# Five levels of ten: 10^5 copies of "lol" if expanded (300 kB): harmless if a parser expanded it,
# but detectable, so the test can fail without hanging the machine.
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 6)
    )
    + "]>"
)
GUID_A = "0A000000-0000-4000-8000-00000000000A"
SRC = "0D000000-0000-4000-8000-00000000000D"


def project_qde(prolog: str = "", source_name: str = "FG1") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        f'<CodeBook><Codes><Code guid="{GUID_A}" name="Trust" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{SRC}" name="{source_name}" plainTextPath="internal://{SRC}.txt">'
        f'<PlainTextSelection guid="1E000000-0000-4000-8000-000000000001" startPosition="0" endPosition="5">'
        f'<Coding guid="1F000000-0000-4000-8000-000000000001"><CodeRef targetGUID="{GUID_A}"/></Coding>'
        f"</PlainTextSelection></TextSource></Sources></Project>\n"
    )


def qdpx(tmp_path, members, name="p.qdpx"):
    path = tmp_path / name
    path.write_bytes(deterministic_zip(members))
    return path


def xlsx_members(rows) -> dict[str, bytes]:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def hostile_xlsx(tmp_path, prolog: str, entity: str, name="segments.xlsx"):
    """A workbook whose first sheet declares entities and uses one in a cell."""
    members = xlsx_members([["source", "code", "text"], ["FG1", "Trust", "PLACEHOLDER"]])
    sheet = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    sheet = sheet.replace("PLACEHOLDER", entity)
    sheet = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + prolog, sheet, count=1)
    members["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    path = tmp_path / name
    path.write_bytes(deterministic_zip(members))
    return path


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# XML entity expansion and external entities


@pytest.mark.parametrize(
    "prolog, name",
    [
        (LAUGHS, "&lol5;"),
        ('<!DOCTYPE p [<!ENTITY xxe SYSTEM "SECRET_URI">]>', "&xxe;"),
        ('<!DOCTYPE p [<!ENTITY % ext SYSTEM "SECRET_URI"> %ext;]>', "FG1"),
    ],
    ids=["billion_laughs", "external_entity", "external_parameter_entity"],
)
def test_qdpx_with_a_dtd_is_refused(tmp_path, secret_file, prolog, name):
    prolog = prolog.replace("SECRET_URI", secret_file.as_uri())
    path = qdpx(tmp_path, {"project.qde": project_qde(prolog, name), f"sources/{SRC}.txt": "Hello world"})
    with pytest.raises(InputError) as err:
        refi_qda.read_qdpx(path)
    assert "p.qdpx" in str(err.value) and "project.qde: refused XML with a DTD" in str(err.value)
    assert SECRET not in str(err.value)


@pytest.mark.parametrize("prolog", [LAUGHS, '<!DOCTYPE c [<!ENTITY xxe SYSTEM "SECRET_URI">]>'])
def test_qdc_codebook_with_a_dtd_is_refused(tmp_path, secret_file, prolog):
    path = tmp_path / "codebook.qdc"
    path.write_text(
        '<?xml version="1.0"?>\n'
        + prolog.replace("SECRET_URI", secret_file.as_uri())
        + f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{GUID_A}" name="&lol5;" isCodable="true"/>'
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        refi_qda.read_codebook(path)
    assert "codebook.qdc" in str(err.value) and "DTD" in str(err.value)


def test_bom_before_a_dtd_does_not_hide_it(tmp_path):
    path = qdpx(
        tmp_path,
        {"project.qde": "\ufeff" + project_qde(LAUGHS, "&lol5;"), f"sources/{SRC}.txt": "Hello world"},
    )
    with pytest.raises(InputError, match="refused XML with a DTD"):
        refi_qda.read_qdpx(path)


def _read_xlsx_cells(reader, path):
    """What a reader gives for a hostile workbook: its cells, or the InputError it raised."""
    try:
        frame = reader(path)
    except InputError as exc:
        return exc
    return frame


@pytest.mark.parametrize("reader", ["survey export", "segments table"])
@pytest.mark.parametrize(
    "prolog, entity",
    [
        (LAUGHS, "&lol5;"),
        ('<!DOCTYPE w [<!ENTITY xxe SYSTEM "SECRET_URI">]>', "&xxe;"),
    ],
    ids=["billion_laughs", "external_entity"],
)
def test_xlsx_with_entities_is_never_expanded(tmp_path, secret_file, reader, prolog, entity):
    """openpyxl parses workbook XML with defusedxml: the DTD is refused, nothing is expanded or read."""
    path = hostile_xlsx(tmp_path, prolog.replace("SECRET_URI", secret_file.as_uri()), entity)
    read = {"survey export": lambda p: readers.read_export(p).data, "segments table": segments.read_table}[
        reader
    ]
    outcome = _read_xlsx_cells(read, path)
    assert isinstance(outcome, InputError), f"the workbook was read: {outcome}"
    assert "segments.xlsx" in str(outcome)
    assert SECRET not in str(outcome) and "lollol" not in str(outcome)


# ---------------------------------------------------------------------------------------------
# Zip members with absolute paths or '..', and oversized archives


UNSAFE_NAMES = [
    "../evil.txt",
    "sources/../../evil.txt",
    "/etc/passwd",
    "C:/Windows/evil.txt",
    "..\\evil.txt",
    "C:\\evil.txt",
]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_qdpx_member_with_an_unsafe_path_is_refused_before_anything_is_read(tmp_path, name):
    path = qdpx(tmp_path, {"project.qde": project_qde(), f"sources/{SRC}.txt": "Hello world", name: "x"})
    with pytest.raises(InputError) as err:
        refi_qda.read_qdpx(path)
    assert str(err.value) == f"{path}: archive member has an unsafe path (absolute or '..') (found {name!r})"
    assert not (tmp_path.parent / "evil.txt").exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "p.qdpx"
    ]


@pytest.mark.parametrize("name", ["../evil.xml", "/xl/evil.xml"])
def test_xlsx_member_with_an_unsafe_path_is_refused_by_every_reader(tmp_path, name):
    members = xlsx_members([["source", "code", "text"], ["FG1", "Trust", "hello"]]) | {name: b"<x/>"}
    path = tmp_path / "coded_segments.xlsx"
    path.write_bytes(deterministic_zip(members))
    for read in (readers.read_export, segments.read_table):
        with pytest.raises(InputError, match=r"coded_segments\.xlsx: archive member has an unsafe path"):
            read(path)


def test_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    path = qdpx(tmp_path, {"project.qde": project_qde(), f"sources/{SRC}.txt": b"\0" * (20 * 1024**2)})
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError) as err:
        refi_qda.read_qdpx(path)
    assert f"sources/{SRC}.txt" in str(err.value) and "suspicious compression ratio" in str(err.value)


def test_archive_and_member_size_limits(tmp_path, monkeypatch):
    path = qdpx(tmp_path, {"project.qde": project_qde(), f"sources/{SRC}.txt": "Hello world" * 100})
    monkeypatch.setattr(files, "MAX_ARCHIVE_MEMBER_BYTES", 1000)
    with pytest.raises(
        InputError, match=rf"p\.qdpx: archive member is larger than 1000 bytes \(found 'sources/{SRC}\.txt'\)"
    ):
        refi_qda.read_qdpx(path)
    monkeypatch.setattr(files, "MAX_ARCHIVE_MEMBER_BYTES", 10_000)
    monkeypatch.setattr(files, "MAX_ARCHIVE_TOTAL_BYTES", 1500)
    with pytest.raises(InputError, match=r"p\.qdpx: archive expands to more than 1500 bytes"):
        refi_qda.read_qdpx(path)


def test_oversized_input_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "survey_export.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setattr(files, "MAX_INPUT_BYTES", 4)
    with pytest.raises(InputError, match=r"survey_export\.csv: file is 8 bytes, more than the 4 allowed"):
        readers.read_export(path)


def test_encrypted_member_is_refused(tmp_path):
    raw = bytearray(deterministic_zip({"project.qde": project_qde()}))
    # Set the "encrypted" flag bit in the central directory entry (offset 8 of the record).
    central = raw.find(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    path = tmp_path / "locked.qdpx"
    path.write_bytes(bytes(raw))
    with pytest.raises(
        InputError, match=r"locked\.qdpx: archive member is encrypted \(found 'project.qde'\)"
    ):
        refi_qda.read_qdpx(path)


# ---------------------------------------------------------------------------------------------
# Formula injection in the workbooks we write


HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]


def _sheets(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")
        }


def _assert_text_not_formula(data: bytes):
    from openpyxl import load_workbook

    for name, xml in _sheets(data).items():
        assert "<f>" not in xml and "<f " not in xml, f"{name} holds a formula"
    wb = load_workbook(io.BytesIO(data))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in HOSTILE:
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.add(cell.value)
    assert seen == set(HOSTILE)


def test_shared_workbook_writer_stores_formula_like_text_as_text():
    table = pd.DataFrame({"quote": HOSTILE, "n": [5, 6, 7, 8, 9]})
    _assert_text_not_formula(
        workbook.workbook_bytes({"Quotes": workbook.Sheet(table, title="q", notes=["=1+1"])})
    )


def test_focus_group_workbook_stores_formula_like_text_as_text():
    table = pd.DataFrame({"theme": ["Trust"] * 5, "quote": HOSTILE})
    _assert_text_not_formula(summaries.workbook_bytes({"Quotes": table}, ["=1+1 about"]))


def test_formula_in_an_input_workbook_is_never_evaluated(tmp_path):
    """Readers take a formula cell's cached value (data_only), never run it: a workbook written
    without cached values (not by Excel) gives an empty cell."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["source", "code", "text"])
    wb.active.append(["FG1", "Trust", '=WEBSERVICE("http://evil.example")'])
    path = tmp_path / "coded_segments.xlsx"
    wb.save(path)
    assert segments.read_table(path).to_dict("records") == [{"source": "FG1", "code": "Trust", "text": ""}]
    assert readers.read_export(path).data.to_dict("records") == [
        {"source": "FG1", "code": "Trust", "text": ""}
    ]
