"""`make codebook` from a SurveyMonkey or plain CSV/XLSX export alone (no survey definition).

Tiny exports are written here with the quirks that matter: SurveyMonkey's two header rows (a
matrix, a tick-all question whose cells hold the option's label, "Other (please specify)",
an open-ended question, contact and IP columns), a plain file's tick boxes and one-hot
columns. Each draft must pass `make check` after exactly the edits it asks for (its TODO
lines), and the cleaning must then give the counts stated. The generated instruments
(helpers.synthetic.instruments) in the surveymonkey, csv and xlsx layouts must clean to the
same respondents as the codebook the generator wrote. The real SurveyMonkey exports in
../shared/fixtures are drafted at the end (skipped when ../shared is absent, as in CI).
"""

from __future__ import annotations

import csv
import io
import shutil

import openpyxl
import pandas as pd
import pytest
import yaml

from helpers import check, paths
from helpers.files import InputError
from helpers.survey import cleaning, inputs
from helpers.survey import codebook_draft as cd
from helpers.survey.codebook import load_codebook
from helpers.synthetic import instruments as S

AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
MATRIX = "How far do you agree?"
TICK = "Where do you hear news? (Check all that apply)"
SM_ROW1 = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
           "First Name", "Last Name", "Your role", "", MATRIX, "", TICK, "", "", "",
           "Overall, relations here are", "Region", "Any comments?"]  # fmt: skip
SM_ROW2 = ["", "", "", "", "", "", "", "", "Response", "Other (please specify)",
           "Managers listen", "Clinicians lead", "Email", "Intranet", "Meetings", "Other (please specify)",
           "Response", "Response", "Open-Ended Response"]  # fmt: skip
SM_ROWS = [
    ["11001", "401", "03/02/2026 09:00:00 AM", "03/02/2026 09:12:00 AM", "192.0.2.1", "a@example.org", "Ann",
     "Lee", "Chief executive", "", "Agree", "Strongly agree", "Email", "", "Meetings", "", "Good", "North",
     "Fine."],
    ["11002", "401", "03/02/2026 10:00:00 AM", "03/02/2026 10:09:30 AM", "192.0.2.2", "b@example.org", "Bo",
     "Ng", "Medical director", "", "Disagree", "Don't know", "", "Intranet", "", "", "Poor", "South", ""],
    ["11003", "401", "03/03/2026 09:00:00 AM", "03/03/2026 09:20:00 AM", "192.0.2.3", "c@example.org", "Cy",
     "Oz", "Clinical director", "", "Strongly disagree", "Agree", "", "", "", "the pub", "Excellent", "North",
     ""],
    ["11004", "401", "03/03/2026 11:00:00 AM", "03/03/2026 11:10:00 AM", "192.0.2.4", "d@example.org", "Di",
     "Po", "Directorate manager", "", "Agree", "Agree", "Email", "Intranet", "Meetings", "", "Very good",
     "Midlands", ""],
    ["11005", "402", "03/04/2026 09:00:00 AM", "03/04/2026 09:05:00 AM", "192.0.2.5", " A@Example.org ",
     "Ann", "Lee", "Chief executive", "", "Disagree", "Disagree", "", "", "Meetings", "", "Fair", "South",
     'She said "no".'],
    ["11006", "402", "03/04/2026 10:00:00 AM", "03/04/2026 10:30:00 AM", "192.0.2.6", "e@example.org", "Ed",
     "Yu", "Other", "Matron", "Neither agree nor disagree", "Strongly disagree", "", "Intranet", "", "", "Good", "North", ""],
]  # fmt: skip


def _csv(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _folder(tmp_path, name: str, rows, xlsx: bool = False):
    survey = tmp_path / "data" / "survey"
    survey.mkdir(parents=True)
    if xlsx:
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(survey / name)
    else:
        (survey / name).write_text(_csv(rows), encoding="utf-8")
    return survey.parent


def _resolve(folder, draft, decisions: dict) -> list[str]:
    """Write the draft with the analyst's decisions applied (the TODO lines go with the
    comments) as the codebook; returns make check's problems."""
    raw = cd.apply_decisions(cd.render(draft), decisions)
    (folder / "survey" / "codebook.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return [str(p) for p in check.check_survey(folder, {"survey": {}}).problems]


def _check_as_drafted(folder, draft) -> list[str]:
    (folder / "survey" / "codebook.yaml").write_text(cd.render(draft), encoding="utf-8")
    return [str(p) for p in check.check_survey(folder, {"survey": {}}).problems]


def _todos(draft) -> list[str]:
    return [line.split(":")[0] for line in cd.render(draft).splitlines() if line.startswith("# TODO")]


def test_known_scales_are_recognised_in_order_and_others_are_not():
    assert cd.match_scale(["Agree", "Strongly disagree", "Neutral", "Disagree"]) == (
        ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
        "the 5-level scale Strongly disagree .. Strongly agree (1 level(s) nobody chose added); the answers "
        "fit other scales too: check the levels",
    )
    assert cd.match_scale(["Excellent", "poor", "Very\u00a0good", "Good", "Fair"]) == (
        ["poor", "Fair", "Good", "Very\u00a0good", "Excellent"],
        "the 5-level scale poor .. Excellent",
    )
    assert cd.match_scale(["3 of 7", "1 of 7"]) == (
        [f"{i} of 7" for i in range(1, 8)],
        "numbered scale 1 of 7 .. 7 of 7",
    )
    assert cd.match_scale(["Never", "Rarely", "Sometimes", "Frequently"])[0] == [
        "Never", "Rarely", "Sometimes", "Frequently",
    ]  # fmt: skip
    assert cd.match_scale(["Yes", "No"]) is None  # not a scale
    assert cd.match_scale(["North", "South"]) is None
    assert cd.match_scale(["Agree"]) is None  # one answer says nothing about order
    assert cd.match_scale(["1 of 5", "2 of 7"]) is None  # two numbered scales mixed
    assert cd.match_scale(["Neither", "Neutral", "Agree"]) is None  # two spellings of one level


def test_surveymonkey_draft_infers_what_it_can_and_marks_the_rest(tmp_path):
    folder = _folder(tmp_path, "export.csv", [SM_ROW1, SM_ROW2, *SM_ROWS])
    draft = cd.draft(cd.find_definition(folder))
    assert (draft.platform, draft.export) == ("surveymonkey", "export.csv")
    assert draft.metadata == {"response_id": "Respondent ID", "started": "Start Date", "ended": "End Date"}
    assert draft.identifiers == {"email": "Email Address"}
    shape = [(v.name, v.type, v.source or v.columns, v.labels, v.scale, v.battery) for v in draft.variables]
    assert shape == [
        ("ip_address", "identifier", "IP Address", {}, None, None),
        ("first_name", "identifier", "First Name", {}, None, None),
        ("last_name", "identifier", "Last Name", {}, None, None),
        ("your_role", "categorical", "Your role - Response",
         {"1": "Chief executive", "2": "Clinical director", "3": "Directorate manager", "4": "Medical director",
          "5": "Other"}, None, None),
        ("managers_listen", "likert", f"{MATRIX} - Managers listen", {}, "scale_strongly_disagree_strongly_agree",
         "how_far_do_you_agree"),
        ("clinicians_lead", "likert", f"{MATRIX} - Clinicians lead", {}, "scale_strongly_disagree_strongly_agree",
         "how_far_do_you_agree"),
        ("where_do_you_hear_news", "multiple",
         {"1": f"{TICK} - Email", "2": f"{TICK} - Intranet", "3": f"{TICK} - Meetings"},
         {"1": "Email", "2": "Intranet", "3": "Meetings"}, None, None),
        ("overall_relations_here_are", "likert", "Overall, relations here are - Response", {}, "scale_poor_excellent",
         None),
        ("region", "categorical", "Region - Response", {"1": "Midlands", "2": "North", "3": "South"}, None, None),
    ]  # fmt: skip
    assert draft.scales == {
        "scale_strongly_disagree_strongly_agree": (dict(zip("12345", AGREE)), {"6": "Don't know"}),
        "scale_poor_excellent": (dict(zip("12345", ["Poor", "Fair", "Good", "Very good", "Excellent"])), {}),
    }
    assert draft.positive == {
        "scale_strongly_disagree_strongly_agree": ["4", "5"],
        "scale_poor_excellent": ["4", "5"],
    }
    assert draft.variables[3].comment.startswith("its answers are the study's role groups")
    assert draft.notes == [
        "free text left out (3 column(s); text is never analysed): 'Your role - Other (please specify)', "
        f"'{TICK} - Other (please specify)', 'Any comments? - Open-Ended Response'. An 'Other, please specify' "
        "column of the role question is its role's other_text.",
        "platform columns not used: 'Collector ID'",
    ]
    assert _todos(draft) == ["# TODO role", "# TODO batteries", "# TODO published figures"]
    # Before the decisions: make check lists the three TODOs and nothing else.
    problems = _check_as_drafted(folder, draft)
    assert [p.split(": ", 2)[2].split(":")[0] for p in problems] == [
        "TODO role", "TODO batteries", "TODO published figures",
    ]  # fmt: skip
    # The edits the draft asks for: the role's type (its labels are already the study's groups)
    # and the role's "Other" text; the batteries and published figures as drafted.
    decisions = {
        "variables": {
            "your_role": {"type": "role", "other_code": 5, "other_text": "Your role - Other (please specify)"}
        }
    }
    assert _resolve(folder, draft, decisions) == []
    export, codebook = inputs.load(folder)
    result = cleaning.clean_survey(export.data, codebook, {"duplicate_keys": ["email"]}, export.source)
    # 6 responses: row 8 repeats row 3's e-mail (other case, spaces) and is dropped; the
    # matron ("Other", not matched by a role rule) is not in the study's four groups.
    assert (len(export.data), len(result.clean)) == (6, 4)
    assert result.clean["managers_listen"].astype(str).tolist() == [
        "Agree",
        "Disagree",
        "Strongly disagree",
        "Agree",
    ]
    assert list(result.clean["managers_listen"].cat.categories) == AGREE
    assert result.clean["clinicians_lead_nonsub"].astype(str).tolist()[1] == "Don't know"
    ticks = [
        [None if pd.isna(t) else bool(t) for t in result.clean[f"where_do_you_hear_news__{c}"]] for c in "123"
    ]
    assert ticks == [[True, False, None, True], [False, True, None, True], [True, False, None, True]]
    assert "email" not in " ".join(result.clean.columns).lower()


def test_surveymonkey_xlsx_drafts_as_its_csv(tmp_path):
    csv_draft = cd.draft(
        cd.find_definition(_folder(tmp_path / "a", "export.csv", [SM_ROW1, SM_ROW2, *SM_ROWS]))
    )
    xlsx = _folder(tmp_path / "b", "export.xlsx", [SM_ROW1, SM_ROW2, *SM_ROWS], xlsx=True)
    xlsx_draft = cd.draft(cd.find_definition(xlsx))
    assert xlsx_draft.platform == "surveymonkey" and xlsx_draft.export == "export.xlsx"
    assert [vars(v) for v in xlsx_draft.variables] == [vars(v) for v in csv_draft.variables]
    assert (xlsx_draft.metadata, xlsx_draft.scales) == (csv_draft.metadata, csv_draft.scales)


PLAIN = [
    ["id", "started", "seconds", "progress", "email", "role", "team_1", "team_2", "rating", "news_1", "news_2",
     "news_3", "site_1", "site_2", "comments"],
    ["R1", "2026-03-02 09:00", "300", "100", "a@example.org", "2", "Agree", "Disagree", "3", "1", "1", "0", "1",
     "0", "Fine."],
    ["R2", "2026-03-02 10:00", "420", "100", "b@example.org", "1", "Strongly agree", "Agree", "5", "0", "0", "1",
     "0", "1", ""],
    ["R3", "2026-03-03 09:00", "90", "40", "c@example.org", "3", "", "", "", "0", "0", "0", "0", "0", ""],
    ["R4", "2026-03-03 11:00", "610", "100", "d@example.org", "4", "Disagree", "Strongly disagree", "1", "1",
     "0", "0", "0", "1", 'as "usual"'],
    ["R5", "2026-03-04 09:00", "280", "100", "e@example.org", "2", "Agree", "Agree", "4", "0", "1", "1", "1", "0",
     ""],
]  # fmt: skip


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_plain_export_draft_declares_codes_tick_boxes_and_one_hot_columns(tmp_path, xlsx):
    folder = _folder(tmp_path, "answers.xlsx" if xlsx else "answers.csv", PLAIN, xlsx=xlsx)
    draft = cd.draft(cd.find_definition(folder))
    assert draft.platform == ("xlsx" if xlsx else "csv")
    assert draft.metadata == {
        "response_id": "id",
        "started": "started",
        "duration": "seconds",
        "progress": "progress",
    }
    assert draft.identifiers == {"email": "email"}
    shape = [
        (v.name, v.type, v.source or v.columns, v.labels, v.scale, v.battery, v.comment)
        for v in draft.variables
    ]
    codes = "codes without labels: labels to fill in; order to confirm (if a scale, make it likert)"
    assert shape == [
        ("role", "categorical", "role", {"1": "1", "2": "2", "3": "3", "4": "4"}, None, None, codes),
        ("team_1", "likert", "team_1", {}, "scale_strongly_disagree_strongly_agree", "team", ""),
        ("team_2", "likert", "team_2", {}, "scale_strongly_disagree_strongly_agree", "team", ""),
        ("rating", "categorical", "rating", {c: c for c in "1345"}, None, None, codes),
        ("news", "multiple", {"1": "news_1", "2": "news_2", "3": "news_3"}, {c: c for c in "123"}, None, None,
         "tick all that apply: one column per option"),
        ("site", "categorical", {"1": "site_1", "2": "site_2"}, {"1": "1", "2": "2"}, None, None,
         "one answer over 0/1 columns (nobody ticked two; if several may be ticked, make it multiple)"),
    ]  # fmt: skip
    assert draft.scales == {"scale_strongly_disagree_strongly_agree": ({"1": "Strongly disagree", "2": "Disagree",
                            "3": "Agree", "4": "Strongly agree"}, {})}  # fmt: skip
    assert draft.notes[0] == "free text left out (1 column(s); text is never analysed): 'comments'. An 'Other, " \
        "please specify' column of the role question is its role's other_text."  # fmt: skip
    assert _todos(draft) == ["# TODO role", "# TODO batteries", "# TODO published figures"]
    # The one edit: the role's type and what its codes mean.
    roles = {1: "Chief executive", 2: "Medical director", 3: "Clinical director", 4: "Directorate manager"}
    assert _resolve(folder, draft, {"variables": {"role": {"type": "role", "labels": roles}}}) == []
    export, codebook = inputs.load(folder)
    result = cleaning.clean_survey(export.data, codebook, {"duplicate_keys": ["email"]}, export.source)
    assert len(result.clean) == 4 and result.flow["excluded"].tolist()[1] == 1  # R3: 40% progress
    assert result.clean["role"].astype(str).tolist() == [
        "Medical director", "Chief executive", "Directorate manager", "Medical director",
    ]  # fmt: skip
    assert result.clean["site"].astype(str).tolist() == ["1", "2", "2", "1"]


# --------------------------------------------------------------------------------------------
# Generated instruments: the draft, after exactly the edits it asks for, cleans to the same
# respondents as the codebook the generator wrote


def _generated(tmp_path, seed: int, layout: str):
    inst = S.random_instrument(seed, max_battery_items=3)
    folder = S.write_instrument(inst, tmp_path / "data", layout)
    settings = S.settings_for(layout, inst.codebook)
    export, written = inputs.load(folder)
    expected = cleaning.clean_survey(export.data, written, settings, export.source)
    return folder, written, expected, settings


def _edits(draft, written) -> dict:
    """The analyst's edits, from what the generator declared: the role's type (and, where the
    export holds codes, what they mean); a consent question's type and code where the export
    holds codes (its answers then say nothing of consent)."""
    by_source = {v.source: v for v in draft.variables}
    edits = {}
    role = written.role
    mine = by_source[role.source]
    edits[mine.name] = {"type": "role"}
    if not set(mine.labels.values()) <= set(role.labels.values()):
        edits[mine.name]["labels"] = {c: role.labels[c] for c in mine.labels}
    for consent in written.of_type("consent"):
        mine = by_source[consent.source]
        if mine.type != "consent":
            edits[mine.name] = {"type": "consent", "consent_code": consent.consent_code,
                                "labels": {c: consent.labels[c] for c in mine.labels}}  # fmt: skip
    return edits


def _same_clean_data(tmp_path, seed, layout, want_edits, want_likert):
    folder, written, expected, settings = _generated(tmp_path, seed, layout)
    draft = cd.draft(cd.find_definition(folder))
    edits = _edits(draft, written)
    assert {name: sorted(e) for name, e in edits.items()} == want_edits
    assert _todos(draft) == (["# TODO role", "# TODO batteries", "# TODO published figures"] if want_likert
                             else ["# TODO role", "# TODO scales"])  # fmt: skip
    raw = cd.apply_decisions(cd.render(draft), {"variables": edits})
    (folder / "survey" / "codebook.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    assert [str(p) for p in check.check_survey(folder, {"survey": settings}).problems] == []
    export, codebook = inputs.load(folder)
    result = cleaning.clean_survey(export.data, codebook, settings, export.source)
    assert list(result.clean.index) == list(expected.clean.index)
    assert result.flow["excluded"].sum() == expected.flow["excluded"].sum()
    by_source = {v.source: v for v in written.variables.values()}
    likert = [v for v in codebook.likert_items]
    assert len(likert) == want_likert
    for var in likert:  # the order inferred is the generator's order
        theirs = by_source[var.source]
        assert var.scale.labels == theirs.scale.labels, var.name
        assert result.clean[var.name].astype(str).tolist() == expected.clean[theirs.name].astype(str).tolist()


ROLE_Q = "which_best_describes_your_role"


@pytest.mark.parametrize(
    "seed, layout, want_edits, want_likert",
    [
        (4, "surveymonkey", {ROLE_Q: ["type"]}, 2),
        (2, "csv", {"q2": ["labels", "type"], "q1": ["consent_code", "labels", "type"]}, 0),
        (4, "xlsx", {"q1": ["labels", "type"]}, 0),
    ],
)
def test_generated_export_cleans_as_written_after_the_drafts_edits(
    tmp_path, seed, layout, want_edits, want_likert
):
    _same_clean_data(tmp_path, seed, layout, want_edits, want_likert)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 2, 3, 5, 6, 7, 8, 9, 10, 11])
def test_generated_surveymonkey_exports_clean_as_written_more_seeds(tmp_path, seed):
    likert = {0: 5, 2: 2, 3: 1, 5: 9, 6: 3, 7: 4, 8: 4, 9: 2, 10: 5, 11: 4}
    _same_clean_data(tmp_path, seed, "surveymonkey", {ROLE_Q: ["type"]}, likert[seed])


# --------------------------------------------------------------------------------------------
# Bad input


def test_bad_exports_are_refused_with_what_to_do(tmp_path):
    empty = _folder(tmp_path / "empty", "export.csv", [SM_ROW1, SM_ROW2])
    with pytest.raises(InputError, match="the export has no responses"):
        cd.draft(cd.find_definition(empty))
    qualtrics = _folder(tmp_path / "q", "export.csv", [["StartDate", "EndDate", "Status", "Q1"],
                        ["Start Date", "End Date", "Response Type", "Q1"],
                        ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"status"}',
                         '{"ImportId":"QID1"}'], ["2026-03-02 09:00:00", "2026-03-02 09:10:00", "0", "1"]])  # fmt: skip
    with pytest.raises(InputError, match=r"a Qualtrics export: draft from its survey file instead"):
        cd.draft(cd.find_definition(qualtrics))
    two = _folder(tmp_path / "two", "a.csv", PLAIN)
    (two / "survey" / "b.xlsx").write_bytes((two / "survey" / "a.csv").read_bytes())
    with pytest.raises(InputError) as caught:
        cd.find_definition(two)
    assert "several files could be the export" in str(caught.value) and "['a.csv', 'b.xlsx']" in str(
        caught.value
    )
    ragged = _folder(tmp_path / "ragged", "export.csv", [["id", "role"], ["R1", "1", "extra"]])
    with pytest.raises(InputError, match="row 2"):
        cd.draft(cd.find_definition(ragged))
    nothing = tmp_path / "nothing"
    (nothing / "survey").mkdir(parents=True)
    with pytest.raises(InputError, match="no survey definition or export found"):
        cd.find_definition(nothing)


def test_a_tick_box_holding_other_text_names_its_row_and_column(tmp_path):
    rows = [list(r) for r in SM_ROWS]
    rows[2][13] = "Intranet (weekly)"  # not the option's label, not 1 or 0
    folder = _folder(tmp_path, "export.csv", [SM_ROW1, SM_ROW2, *SM_ROWS])
    draft = cd.draft(cd.find_definition(folder))
    _resolve(folder, draft, {"variables": {"your_role": {"type": "role"}}})
    (folder / "survey" / "export.csv").write_text(_csv([SM_ROW1, SM_ROW2, *rows]), encoding="utf-8")
    export, codebook = inputs.load(folder)
    with pytest.raises(InputError) as caught:
        cleaning.clean_survey(export.data, codebook, {}, export.source)
    assert (caught.value.row, caught.value.column, caught.value.value) == (
        5,
        f"{TICK} - Intranet",
        "Intranet (weekly)",
    )


def test_make_codebook_cli_on_an_export(tmp_path, capsys):
    folder = _folder(tmp_path, "export.csv", [SM_ROW1, SM_ROW2, *SM_ROWS])
    out = tmp_path / "build" / "draft.yaml"
    assert cd.main([str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Drafted 9 variables from export.csv" in printed and "3 decisions are marked TODO" in printed
    assert load_codebook(out, require_role=False).variables["managers_listen"].scale.labels == [*AGREE]


# --------------------------------------------------------------------------------------------
# The real SurveyMonkey exports (read-only copies into tmp; skipped when ../shared is absent)

SM_FIXTURES = paths.project_root().parent / "shared" / "fixtures" / "surveymonkey"


@pytest.mark.skipif(not SM_FIXTURES.is_dir(), reason="../shared/fixtures not present")
@pytest.mark.parametrize(
    "name, counts, ticked",
    [
        ("ospo2018_results_EXCERPT_2hdr+8.csv", {"categorical": 24, "multiple": 8, "likert": 7}, 28),
        # the larger ones (2-3 s each) in the slow tier
        pytest.param("ospo2020_results_2020_EXCERPT_2hdr+8.csv", {"categorical": 44, "multiple": 14, "likert": 7},
                     52, marks=pytest.mark.slow),
        pytest.param("ospo2020_results_2020_EXCELMANGLED_cp1252_EXCERPT_2hdr+12.csv",
                     {"categorical": 44, "multiple": 14, "likert": 8}, 56, marks=pytest.mark.slow),
        # 2023: numeric codes in the cells; its two tick-all questions hold 0/1
        pytest.param("ospo2023_RawData_EXCERPT_3hdr+8.csv", {"categorical": 186, "multiple": 2}, 1,
                     marks=pytest.mark.slow),
    ],
)  # fmt: skip
def test_real_surveymonkey_exports_draft_and_check_clean(tmp_path, name, counts, ticked):
    """Drafted from the real exports, `make check` reports the TODO decisions only; every
    tick-all question decodes from SurveyMonkey's label cells (``ticked``: respondents x
    questions with at least one box ticked, counted here from the non-empty cells)."""
    survey = tmp_path / "survey"
    survey.mkdir()
    shutil.copy(SM_FIXTURES / name, survey / name)
    draft = cd.draft(cd.find_definition(tmp_path))
    types = {}
    for var in draft.variables:
        types[var.type] = types.get(var.type, 0) + (var.type != "identifier")
    assert {t: n for t, n in types.items() if n} == counts
    problems = _check_as_drafted(tmp_path, draft)
    assert problems and all("decision still to make: TODO" in p for p in problems)
    from helpers.survey.readers import read_export

    export = read_export(survey / name)
    codebook = load_codebook(survey / "codebook.yaml", require_role=False)
    answered, expected = 0, 0
    for var in codebook.of_type("multiple"):
        ticks = cleaning.decode_multiple(export.data, var, export.source, codebook.missing_codes)
        answered += int(ticks.notna().all(axis=1).sum())
        cells = export.data[list(var.columns.values())].apply(lambda c: c.str.strip())
        expected += int((~cells.isin(["", "0"])).any(axis=1).sum())  # a label or 1: ticked
    assert answered == expected == ticked


def test_excel_serial_start_and_end_dates_give_the_duration(tmp_path):
    """SurveyMonkey 2018's export went through Excel: Start and End Date are serial numbers.
    The draft declares both (no duration column), and the cleaning derives the duration from
    them as it already read serial start dates for the duplicates (before: 'not a date')."""
    rows = [list(r) for r in SM_ROWS]
    for i, row in enumerate(rows):
        row[2], row[3] = f"{46083 + i}.375", f"{46083 + i}.4"  # 09:00 and 09:36 each day
    folder = _folder(tmp_path, "export.csv", [SM_ROW1, SM_ROW2, *rows])
    draft = cd.draft(cd.find_definition(folder))
    assert draft.metadata == {"response_id": "Respondent ID", "started": "Start Date", "ended": "End Date"}
    decisions = {"variables": {"your_role": {"type": "role"}}}
    assert _resolve(folder, draft, decisions) == []
    export, codebook = inputs.load(folder)
    result = cleaning.clean_survey(export.data, codebook, {"duplicate_keys": ["email"]}, export.source)
    assert "No duration column: duration derived from the start and end times." in result.notes
    serial = [n for n in result.notes if "Excel serial numbers" in n]
    assert serial == [
        "6 value(s) of Start Date were Excel serial numbers (e.g. 46083.375): read as dates in Excel's 1900 "
        "date system",
        "6 value(s) of End Date were Excel serial numbers (e.g. 46083.4): read as dates in Excel's 1900 "
        "date system",
    ]
    assert [n for n in result.notes if n.startswith("Speeders")] == [
        "Speeders: duration below 0.33 x the median of complete responses (2160 s), i.e. under 713 s."
    ]


def test_a_role_answered_in_the_teams_own_wording_maps_to_the_groups(tmp_path):
    """A SurveyMonkey export holds the answers' text; a role question worded the team's way
    (CEO, Consultant ...) keeps that wording as its labels and maps each code to a study group
    under `groups` (two answers may share a group). Before, the role's labels had to be the
    groups and a text export's cells could not be decoded."""
    wording = ["CEO", "Medical director", "Consultant", "Service manager", "Deputy CEO", "Other"]
    rows = [list(r) for r in SM_ROWS]
    for row, answer in zip(rows, wording):
        row[8] = answer
    folder = _folder(tmp_path, "export.csv", [SM_ROW1, SM_ROW2, *rows])
    draft = cd.draft(cd.find_definition(folder))
    role = next(v for v in draft.variables if v.name == "your_role")
    assert role.labels == {"1": "CEO", "2": "Consultant", "3": "Deputy CEO", "4": "Medical director",
                           "5": "Other", "6": "Service manager"}  # fmt: skip
    groups = {1: "Chief executive", 2: "Clinical director", 3: "Chief executive", 4: "Medical director",
              5: "Other", 6: "Directorate manager"}  # fmt: skip
    decisions = {"variables": {"your_role": {"type": "role", "groups": groups}}}
    assert _resolve(folder, draft, decisions) == []
    export, codebook = inputs.load(folder)
    result = cleaning.clean_survey(export.data, codebook, {"duplicate_keys": ["email"]}, export.source)
    # row 7 (Deputy CEO) repeats row 3's e-mail and is dropped; "Other" is not one of the four
    assert result.clean["role"].astype(str).tolist() == [
        "Chief executive", "Medical director", "Clinical director", "Directorate manager",
    ]  # fmt: skip
    # Without `groups`, the wording is refused with what to do.
    raw = cd.apply_decisions(cd.render(draft), {"variables": {"your_role": {"type": "role"}}})
    (folder / "survey" / "codebook.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_codebook(folder / "survey" / "codebook.yaml")
    assert "or keep the export's wording as labels and map each code to a group under `groups`" in str(
        caught.value
    )


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"type": "categorical", "groups": {1: "Other"}}, "groups: only the role variable maps its answers"),
        ({"type": "role", "groups": {1: "Chief executive", 2: "Boss"}}, r"groups: each must be one of .* \(found \['Boss'\]\)"),
        ({"type": "role", "groups": {1: "Chief executive"}}, r"give a group for each code of its labels.*\(found \['2'\]\)"),
    ],
)  # fmt: skip
def test_role_groups_are_checked(tmp_path, spec, message):
    path = tmp_path / "codebook.yaml"
    variable = {"source": "Q1", "labels": {1: "CEO", 2: "Consultant"}, **spec}
    path.write_text(yaml.safe_dump({"variables": {"job": variable}}), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_codebook(path, require_role=False)


def test_a_question_headed_only_by_its_number_is_flagged_and_a_matrix_keeps_its_statements(tmp_path):
    """Issue 11, newcomer run: a SurveyMonkey matrix whose row-1 header is only "Question 5"
    drafted every statement's wording as "Question 5 - <statement>", and nothing said so. Its
    rows now have the statement alone; a single question so headed keeps the number as its
    question, and the draft's notes ask for the wording of both."""
    row1 = [{MATRIX: "Question 5", "Overall, relations here are": "Q7"}.get(c, c) for c in SM_ROW1]
    folder = _folder(tmp_path, "export.csv", [row1, SM_ROW2, *SM_ROWS])
    draft = cd.draft(cd.find_definition(folder))
    questions = {v.name: (v.source, v.question, v.battery) for v in draft.variables}
    assert questions["managers_listen"] == ("Question 5 - Managers listen", "Managers listen", "question_5")
    assert questions["clinicians_lead"] == ("Question 5 - Clinicians lead", "Clinicians lead", "question_5")
    assert questions["q7"] == ("Q7 - Response", "Q7", None)
    assert draft.notes[-2:] == [
        "no question wording in the export, only a number: 'Question 5': each row's `question` is its "
        "statement alone (add the question's wording if the reports should show it)",
        "no question wording in the export, only a number: 'Q7': its `question` is that number: write the "
        "question's wording there (the reports show it)",
    ]
    rendered = cd.render(draft)
    assert "# note: no question wording in the export, only a number: 'Question 5'" in rendered
    assert "Question 5 - Managers listen" not in rendered.replace(
        'source: "Question 5 - Managers listen"', ""
    )
    # a real question wording is kept before each statement, and no note is added
    plain = cd.draft(
        cd.find_definition(_folder(tmp_path / "plain", "export.csv", [SM_ROW1, SM_ROW2, *SM_ROWS]))
    )
    assert {v.name: v.question for v in plain.variables}["managers_listen"] == f"{MATRIX} - Managers listen"
    assert not any("no question wording" in n for n in plain.notes)


def test_the_generated_surveymonkey_matrix_drafts_its_statements_alone(tmp_path):
    """The generator writes a matrix as SurveyMonkey does without a title ("Question 5"), as in
    the newcomer's survey (instrument 11)."""
    folder = S.write_instrument(S.random_instrument(11), tmp_path / "data", "surveymonkey")
    written = load_codebook(folder / "survey" / "codebook.yaml")
    (folder / "survey" / "codebook.yaml").unlink()
    draft = cd.draft(cd.find_definition(folder))
    battery = [v for v in draft.variables if v.battery == "question_5"]
    assert [v.question for v in battery] == [
        {w.source: w.question for w in written.variables.values()}[v.source] for v in battery
    ] == [f"Statement {i} about {w}" for i, w in enumerate(
        ["rota care", "trust", "staff", "support", "policy openness", "safety", "change", "leaders"], start=1)]  # fmt: skip
    assert any(
        n.startswith("no question wording in the export, only a number: 'Question 5'") for n in draft.notes
    )


def test_a_code_only_export_with_no_scale_recognised_drafts_a_scales_todo_that_check_reports(tmp_path):
    """Issue 11, second newcomer run: a code-only XLSX export (generated instrument 77) drafted
    every scale item as `categorical` "order to confirm" (a comment), so once the role TODO was
    resolved make check said the folder was ready and the release had no attitude analysis. The
    draft now holds a `TODO scales` decision, which make check reports (as the role's)."""
    folder = S.write_instrument(S.random_instrument(77), tmp_path / "own", "xlsx")
    (folder / "survey" / "codebook.yaml").unlink()
    draft = cd.draft(cd.find_definition(folder))
    assert not [v for v in draft.variables if v.type == "likert"]
    assert draft.todos == [cd.model.TODO_ROLE, cd.model.TODO_SCALES]
    (folder / "survey" / "codebook.yaml").write_text(cd.render(draft), encoding="utf-8")
    problems = check.check_survey(folder, {}).problems
    assert [p.split(": decision still to make: ")[1][:12] for p in problems] == [
        "TODO role: c",
        "TODO scales:",
    ]
    assert "report 03 would have no attitude analysis" in problems[1]
