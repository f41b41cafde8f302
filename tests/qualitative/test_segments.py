"""The input folder: participants table, coded-segments spreadsheet, speaker attribution."""

import zipfile

import pandas as pd
import pytest

from helpers.files import InputError
from helpers.qualitative import refi_qda, segments

PEOPLE = "pseudonym,role_group,level,group,name\nFG-1,Clinical director,directorate,FG1,Ann Lee\nFG-2,chief executive,board,FG1,\nI-1,medical director,board,INT1,\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_participants_table_normalises_and_infers_setting(tmp_path):
    people = segments.read_participants(write(tmp_path, "participants.csv", PEOPLE))
    assert people[["pseudonym", "role_group", "setting", "name"]].values.tolist() == [
        ["FG-1", "clinical director", "focus group", "Ann Lee"],
        ["FG-2", "chief executive", "focus group", ""],
        ["I-1", "medical director", "interview", ""],
    ]


@pytest.mark.parametrize(
    "text, message, row, column, value",
    [
        (
            "pseudonym,group\nA,G\n",
            "missing required column(s) role_group",
            None,
            None,
            ["group", "pseudonym"],
        ),
        ("pseudonym,role,group\nA,cd,G\nA,cd,G\n", "pseudonym appears twice", 3, "pseudonym", "A"),
        ("pseudonym,role,group\nA,,G\n", "role_group is empty", 2, "role_group", None),
        (
            "pseudonym,role,group,setting\nA,cd,G,survey\n",
            "setting must be one of focus group, interview",
            2,
            "setting",
            "survey",
        ),
    ],
)
def test_participants_table_errors(tmp_path, text, message, row, column, value):
    path = write(tmp_path, "participants.csv", text)
    with pytest.raises(InputError) as err:
        segments.read_participants(path)
    assert (err.value.file, err.value.detail, err.value.row, err.value.column, err.value.value) == (
        str(path),
        message,
        row,
        column,
        value,
    )


SEGMENTS = """source,speaker,code,text,start,end,coder
FG1,FG-1,Pressures > Money,We are broke,0,12,A
FG1,FG-1,Pressures > Rules,We are broke,0,12,A
FG1,FG-2,Identity > Dark side,Gone over,13,22,A
FG1,FG-1,Pressures > Money,We are broke,0,12,B
INT1,,Identity > Dark side,They stopped talking,,,A
"""


def test_segments_spreadsheet_builds_codes_and_marks_double_coding(tmp_path):
    write(tmp_path, "coded_segments.csv", SEGMENTS)
    write(tmp_path, "participants.csv", PEOPLE)
    data = segments.load_folder(tmp_path, {})
    assert list(data.codes["path"]) == [
        "Pressures",
        "Pressures > Money",
        "Pressures > Rules",
        "Identity",
        "Identity > Dark side",
    ]
    seg = data.segments
    assert list(seg["segment_id"]) == ["row2", "row2", "row4", "row2", "row6"]
    assert list(seg["use"]) == ["summary", "summary", "summary", "agreement", "summary"]
    assert list(seg["theme"]) == ["Pressures", "Pressures", "Identity", "Pressures", "Identity"]
    assert data.primary_coder == "A"
    assert {e["message"]: e["count"] for e in data.log} == {
        "codings with no speaker: kept, reported under role 'unattributed'": 1,
        "codings by a second coder on segments also coded by A: used for agreement only": 1,
    }


@pytest.mark.parametrize(
    "bad_line, message, row, column, value",
    [
        ("FG1,ZZ,Pressures > Money,x,,,A", "speaker is not in the participants table", 7, "speaker", "ZZ"),
        ("FG1,FG-1,Pressures > Money,x,4,two,A", "end is not a whole number", 7, "end", "two"),
        ("FG1,FG-1,Pressures > Money,x,9,4,A", "start is after end", 7, "start", (9, 4)),
        ("FG1,FG-1,Pressures > Money,,1,4,A", "text is empty", 7, "text", None),
        ("FG1,FG-1,Pressures > Money,x,1,,A", "give both start and end, or neither", 7, "start", None),
    ],
)
def test_segments_spreadsheet_errors_name_row_column_value(tmp_path, bad_line, message, row, column, value):
    path = write(tmp_path, "coded_segments.csv", SEGMENTS + bad_line + "\n")
    write(tmp_path, "participants.csv", PEOPLE)
    with pytest.raises(InputError) as err:
        segments.load_folder(tmp_path, {})
    assert (err.value.file, err.value.detail, err.value.row, err.value.column, err.value.value) == (
        str(path),
        message,
        row,
        column,
        value,
    )


def test_segments_codes_checked_against_codebook(tmp_path):
    path = write(tmp_path, "coded_segments.csv", SEGMENTS)
    write(
        tmp_path, "codebook.csv", "code,definition\nPressures > Money,Cost\nIdentity > Dark side,Hostility\n"
    )
    with pytest.raises(InputError) as err:
        segments.load_folder(tmp_path, {})
    assert (err.value.file, err.value.row, err.value.column, err.value.value) == (
        str(path),
        3,
        "code",
        "Pressures > Rules",
    )


def test_maxqda_and_taguette_column_names(tmp_path):
    path = write(tmp_path, "x_segments.csv", "Document name,Code,Segment\nD1,A > B,hello\n")
    seg, codes = segments.read_segments_table(path)
    assert seg[["source", "code", "text", "coder"]].values.tolist() == [["D1", "B", "hello", "unknown"]]
    path = write(tmp_path, "y_segments.csv", "id,document,tag,content\n7,D1,x,hi\n8,D1,y,hi\n")
    seg, codes = segments.read_segments_table(path)
    assert list(seg["segment_id"]) == ["row2", "row3"]  # distinct highlight ids


def test_folder_needs_exactly_one_input(tmp_path):
    with pytest.raises(InputError, match=r"no coded segments \(\.qdpx or \*segments\*\.csv\|xlsx\) file"):
        segments.load_folder(tmp_path, {})
    write(tmp_path, "a_participants.csv", PEOPLE)
    write(tmp_path, "b_participants.csv", PEOPLE)
    write(tmp_path, "coded_segments.csv", SEGMENTS)
    with pytest.raises(InputError, match="more than one participants table file") as err:
        segments.load_folder(tmp_path, {})
    assert err.value.value == ["a_participants.csv", "b_participants.csv"]


# ------------------------------------------------------------------ speakers in a .qdpx


def _guid(i):
    return f"{i:08d}-0000-4000-8000-{i:012d}"


def test_speaker_attribution_order_in_qdpx(tmp_path):
    fg_text = "Moderator: Why?\nFG-1: Money is tight.\nFG-2: Rules everywhere.\nOK fine.\n"
    int_text = "Interviewer: And?\nNobody talks to me.\n"
    spans = {
        "s1": (fg_text.index("Money"), fg_text.index("Money") + 5),
        "s2": (fg_text.index("Rules"), fg_text.index("Rules") + 5),
        "s3": (fg_text.index("OK"), fg_text.index("OK") + 2),
        "s4": (int_text.index("Nobody"), int_text.index("Nobody") + 6),
    }
    ids = {
        k: _guid(i)
        for i, k in enumerate(
            ["fg", "int", "s1", "s2", "s3", "s4", "code", "case1", "case2", "case3", "user"], start=1
        )
    }
    codes = refi_qda.label_codes(
        pd.DataFrame(
            [
                {
                    "code_guid": ids["code"],
                    "name": "C",
                    "path": "C",
                    "parent_guid": None,
                    "theme_path": "C",
                    "depth": 0,
                    "description": "",
                    "is_codable": True,
                    "color": "",
                }
            ]
        )
    )

    def sel(key):
        return {
            "guid": ids[key],
            "start": spans[key][0],
            "end": spans[key][1],
            "codings": [(_guid(90 + int(key[1])), ids["code"], ids["user"])],
        }

    xml = refi_qda.project_xml(
        name="t",
        origin="test",
        users=[{"guid": ids["user"], "name": "A"}],
        codes=codes,
        variables=[],
        cases=[
            {
                "guid": ids["case1"],
                "name": "FG-2",
                "selection_refs": [ids["s1"]],
            },  # overrides the "FG-1:" label
            {"guid": _guid(50), "name": "Mystery", "selection_refs": [ids["s3"]]},  # not in the table
            {"guid": ids["case3"], "name": "I-1", "source_refs": [ids["int"]]},
            {"guid": ids["case2"], "name": "Focus group 1", "source_refs": [ids["fg"]]},
        ],  # not a participant
        sources=[
            {"guid": ids["fg"], "name": "FG1", "selections": [sel("s1"), sel("s2"), sel("s3")]},
            {"guid": ids["int"], "name": "INT1", "selections": [sel("s4")]},
        ],
    )
    with zipfile.ZipFile(tmp_path / "p.qdpx", "w") as z:
        z.writestr("project.qde", xml)
        z.writestr(f"sources/{ids['fg']}.txt", fg_text)
        z.writestr(f"sources/{ids['int']}.txt", int_text)
    write(tmp_path, "participants.csv", PEOPLE)
    data = segments.load_folder(tmp_path, {})
    assert list(data.segments["text"]) == ["Money", "Rules", "OK", "Nobody"]
    assert list(data.segments["speaker"]) == ["FG-2", "FG-2", "", "I-1"]
    assert [(e["message"], e["count"]) for e in data.log] == [
        ("cases linked to selections but not in the participants table (not used as speakers): Mystery", 1),
        ("codings attributed to a speaker by selection case", 1),
        ("codings attributed to a speaker by turn label", 1),
        ("codings attributed to a speaker by source case", 1),
        ("codings with no speaker (unattributed): kept, reported under role 'unattributed'", 1),
    ]


def test_participants_xlsx_and_broken_workbook(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Pseudonym", "Role group", "Group"])
    wb.active.append(["A", "Chief Executive", "INT1"])
    wb.save(tmp_path / "participants.xlsx")
    people = segments.read_participants(tmp_path / "participants.xlsx")
    assert people[["pseudonym", "role_group", "group", "setting"]].values.tolist() == [
        ["A", "chief executive", "INT1", "interview"]
    ]
    broken = tmp_path / "bad_participants.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("xl/workbook.xml", "<not-a-workbook")
    with pytest.raises(InputError, match="cannot read the workbook") as err:
        segments.read_participants(broken)
    assert err.value.file == str(broken)


def test_the_reading_log_is_shown_as_lines_the_level_only_where_it_is_not_info():
    """Report 04 showed the log as a table whose first column read 'info' on every row."""
    log = [
        {"level": "info", "count": 85, "message": "codings attributed to a speaker by selection case"},
        {
            "level": "warning",
            "count": 2,
            "message": "cases linked to selections but not in the participants table",
        },
    ]
    assert segments.log_note(log).data == (
        "- 85 codings attributed to a speaker by selection case\n"
        "- **Warning:** 2 cases linked to selections but not in the participants table"
    )
    assert segments.log_note([]).data == "Every coded passage was read and attributed without a note."
