"""The intruder audit reads what the reports, the deck (slides and speaker notes), the published
notebooks and the Word documents print (helpers.printed_tables), not only the CSVs: a cell a CSV
suppresses but a printed table shows in the clear fails the release, naming the file and the
cell; the same files printing the marker pass.

Each printed file here is drawn by the project's own renderers (helpers.tables: great_tables for
HTML, python-docx for Word), so the audit reads exactly what a report would print."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers import audit, disclosure, printed_tables, tables

RULE = disclosure.Rule("threshold", 5, "*")
TRUE = pd.DataFrame(
    {
        "role": ["Chief executive", "Medical director", "Clinical director", "Directorate manager"],
        "profession": ["Manager", "Doctor", "Doctor", "Manager"],
        "n": [3, 12, 30, 41],
    }
)
PUBLISHED = TRUE.assign(n=["*", "12", "30", "41"])  # the chief executives' 3 suppressed
SPEC = tables.TableSpec(title="Respondents by role", stub="role", stub_label="Role", name="respondents")


def _html(table: pd.DataFrame) -> str:
    return f"<html><body><h1>Report</h1>{tables.to_html(table, SPEC)}</body></html>"


def _deck(table: pd.DataFrame) -> str:
    """A reveal.js deck whose speaker notes print the table (the slide itself prints nothing)."""
    return (
        "<html><body><div class='reveal'><div class='slides'><section><h2>Who answered</h2>"
        f"<aside class='notes'><p>Say: the table below.</p>{tables.to_html(table, SPEC)}</aside>"
        "</section></div></div></body></html>"
    )


def _notebook(table: pd.DataFrame) -> str:
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Survey"]},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 1,
                "source": ["respondents"],
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {"text/html": tables.to_html(table, SPEC).splitlines(True)},
                    }
                ],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb)


def _docx(table: pd.DataFrame) -> bytes:
    book = tables.WordTables("Survey: tables")
    book.add(table, SPEC)
    return book.docx_bytes()


FILES = {
    "02_survey_cleaning.html": _html,
    "05_findings_slides.html": _deck,
    "notebooks/02_survey_cleaning.ipynb": _notebook,
    "tables/02_survey_cleaning_tables.docx": _docx,
}


def _release(tmp_path: Path, printed_name: str, printed: pd.DataFrame) -> Path:
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    PUBLISHED.to_csv(folder / "tables" / "survey_respondents_by_role.csv", index=False)
    target = folder / printed_name
    target.parent.mkdir(parents=True, exist_ok=True)
    content = FILES[printed_name](printed)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", list(FILES))
def test_a_suppressed_cell_printed_in_the_clear_fails_the_release(tmp_path, name):
    """The CSV suppresses the chief executives' 3; the report, the deck's speaker notes, the
    notebook's output or the Word table prints it: the audit fails naming the file and cell."""
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(_release(tmp_path, name, TRUE), RULE, enforce=True)
    leaks = [leak for leak in caught.value.leaks if leak["file"] == name]
    assert len(leaks) == 1, caught.value.leaks
    assert leaks[0]["value"] == "3"
    assert "row 1 (Chief executive), column 'n'" in leaks[0]["cell"]
    assert (
        leaks[0]["problem"] == "survey_respondents_by_role.csv row 1, n is suppressed; printed in the clear"
    )
    assert f"{name} " in caught.value.message and "printed in the clear" in caught.value.message


@pytest.mark.parametrize("name", list(FILES))
def test_the_same_file_printing_the_marker_passes(tmp_path, name):
    printed = TRUE.assign(n=["*", 12, 30, 41])
    result = audit.audit_release(_release(tmp_path, name, printed), RULE, enforce=True)
    record = next(f for f in result.files if f.path == name)
    assert record.result == "released"
    assert any(
        "1 printed table(s) compared cell by cell" in r and "survey_respondents_by_role" in r
        for r in record.rules
    )


def test_a_count_printed_differently_or_suppressed_only_in_print_is_flagged(tmp_path):
    """A cell has one status and one value wherever it appears."""
    printed = TRUE.assign(n=["*", 13, "*", 41])
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(_release(tmp_path, "02_survey_cleaning.html", printed), RULE, enforce=True)
    problems = sorted(leak["problem"] for leak in caught.value.leaks)
    assert problems == [
        "survey_respondents_by_role.csv row 2, n prints 12",
        "survey_respondents_by_role.csv row 3, n prints 30; suppressed here",
    ]


def _wide_release(tmp_path, printed_pct):
    """attitudes_by_role-like long CSV; the report shows it wide (one column per role)."""
    long = pd.DataFrame(
        {
            "item": ["x", "x", "y", "y"],
            "question": ["Question X", "Question X", "Question Y", "Question Y"],
            "group": ["Chief executive", "Medical director", "Chief executive", "Medical director"],
            "n_valid": ["20", "30", "22", "31"],
            "n_agree": ["*", "15", "10", "16"],
            "pct_agree": ["*", "50.0", "45.5", "51.6"],
        }
    )
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    long.to_csv(folder / "tables" / "attitudes_by_role.csv", index=False)
    wide = pd.DataFrame(
        {
            "question": ["Question X", "Question Y"],
            "Chief executive": [printed_pct, "46% (26 to 67)"],
            "Medical director": ["50% (33 to 67)", "52% (35 to 68)"],
        }
    )
    spec = tables.TableSpec(stub="question", stub_label="Statement", kinds={"Chief executive": "text"})
    (folder / "03_attitude_analysis.html").write_text(tables.to_html(wide, spec), encoding="utf-8")
    return folder


def test_a_wide_table_printing_a_suppressed_percentage_fails(tmp_path):
    """A by-role table shown wide: the chief executives' % agreeing on X is suppressed in the
    CSV (n_agree 1..4 of 20); printing it (15%) gives the count away. 46% on Y is the CSV's
    45.5 rounded half up, as helpers.numbers prints it, and passes."""
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(_wide_release(tmp_path, "15% (5 to 36)"), RULE, enforce=True)
    (leak,) = caught.value.leaks
    assert leak["cell"] == "table 1: row 1 (Question X), column 'Chief executive'"
    assert leak["problem"] == (
        "attitudes_by_role.csv row 1 suppresses n_agree, pct_agree; the printed number is none of "
        "the numbers that row publishes"
    )
    assert audit.audit_release(_wide_release(tmp_path / "clean", "*"), RULE, enforce=True).leaks == []


def test_a_printed_count_of_people_by_role_that_no_csv_holds_obeys_the_primary_rule(tmp_path):
    """Issue 13, leak 6: a report printing a value_counts of the role (no CSV behind it)."""
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    counts = pd.DataFrame({"role": ["Chief executive", "Medical director"], "count": [2, 40]})
    (folder / "03_attitude_analysis.html").write_text(tables.to_html(counts, tables.TableSpec()), "utf-8")
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(folder, RULE, enforce=True)
    (leak,) = caught.value.leaks
    assert leak["cell"] == "table 1: row 1 (Chief executive), column 'Count'"
    assert leak["problem"] == "a count of 2 people printed in a table that reprints no published CSV"


def test_printed_numbers_are_read_as_a_reader_reads_them():
    assert printed_tables.printed_number("1,234") == (1234.0, 0)
    assert printed_tables.printed_number("60% (56 to 65)") == (60.0, 0)
    assert printed_tables.printed_number("\u22120.25") == (-0.25, 2)
    assert printed_tables.printed_number("<0.001") == (0.001, 3)
    assert printed_tables.printed_number("*") is None
    assert printed_tables.printed_number("Chief executive") is None


def test_word_tables_are_read_as_python_docx_shows_them(tmp_path):
    """The audit reads word/document.xml itself (python-docx's cell access is slow); merged
    spanner cells and the header come out as python-docx shows them."""
    import docx

    wide = pd.DataFrame({"question": ["Q1", "Q2"], "n": [40, 50], "A": ["1", "2"], "B": ["3", "*"]})
    book = tables.WordTables("t")
    book.add(wide, tables.TableSpec(stub="question", spanners={"Role group": ["A", "B"]}))
    path = tmp_path / "t.docx"
    path.write_bytes(book.docx_bytes())
    (read,) = printed_tables.docx_tables(path, "t.docx")
    (table,) = docx.Document(str(path)).tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert read.headings == rows[1] == ["", "n", "A", "B"]
    assert rows[0][2:] == ["Role group", "Role group"]
    assert read.rows == rows[2:] == [["Q1", "40", "1", "3"], ["Q2", "50", "2", "*"]]


@pytest.fixture(scope="module")
def demo_reports(pipeline_runs):
    return pipeline_runs.workspace(0) / "reports"


def test_the_demo_releases_printed_tables_agree_with_its_csvs(demo_reports):
    """Every table the demo's reports, deck, notebooks and Word files print that reprints a table
    of people agrees with the CSV cell for cell; the attitude table (the one with secondary
    suppression) is found in the report, its notebook and its Word file."""
    result = audit.audit_release(demo_reports, RULE, enforce=True)
    records = {f.path: f for f in result.files}
    for name in (
        "03_attitude_analysis.html",
        "notebooks/03_attitude_analysis.ipynb",
        "tables/03_attitude_analysis_tables.docx",
    ):
        rules = " ".join(records[name].rules)
        assert "attitudes_by_role" in rules and "attitudes_role_tests" in rules, rules
        # issue 15: the sensitivity table, its rows by question text, is compared with its CSV
        assert "attitudes_sensitivity" in rules, rules
    assert "survey_item_nonresponse" in " ".join(records["02_survey_cleaning.html"].rules)
    assert "survey_respondents_by_role" in " ".join(records["05_findings_slides.html"].rules)
    printed = [r for r in result.files if any("printed table(s)" in rule for rule in r.rules)]
    assert len(printed) >= 16  # 6 HTML pages, 5 notebooks, 5 Word files
    assert all(r.result.startswith("released") for r in printed)


def test_the_qualitative_strands_counts_of_people_are_scanned(tmp_path):
    """Issue 13, item 6: themes_by_role's participants (and participants in role) are people;
    a count of 2 shown there fails the audit (the scan read only columns named like counts)."""
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    table = pd.DataFrame(
        {
            "theme": ["T", "T", "T"],
            "role": ["all roles", "board member", "clinical director"],
            "references": [9, 3, 6],
            "codings": [9, 3, 6],
            "participants": [8, 2, 6],
            "transcripts": [3, 2, 3],
            "participants_in_role": [12, "*", 7],
        }
    )
    table.to_csv(folder / "tables" / "themes_by_role.csv", index=False)
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(folder, RULE, enforce=True)
    assert [(leak["file"], leak["cell"]) for leak in caught.value.leaks] == [
        ("tables/themes_by_role.csv", "row 2, participants")
    ]
    # protected as summaries.protect_themes_by_role does: a second role suppressed with it
    table.assign(participants=[8, "*", "*"]).to_csv(folder / "tables" / "themes_by_role.csv", index=False)
    assert audit.audit_release(folder, RULE, enforce=True).leaks == []


def test_rows_that_repeat_a_question_are_not_taken_for_the_csv_row(tmp_path):
    """A model table prints the question on several rows (one per term) with a 'CI low' column;
    the attitude CSV's rows of that item all have ci_low suppressed (a withheld item). The
    printed rows are not the CSV's: no CSV cell is identified, nothing is flagged (a generated
    instrument's release failed on this)."""
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    pd.DataFrame(
        {
            "item": ["x", "x", "y"],
            "question": ["Question X", "Question X", "Question Y"],
            "group": ["All respondents", "Chief executive", "All respondents"],
            "n_valid": ["40", "*", "40"],
            "ci_low": ["", "", "30.1"],
        }
    ).to_csv(folder / "tables" / "attitudes_by_role.csv", index=False)
    model = pd.DataFrame(
        {
            "question": ["Question X", "Question X"],
            "term": ["role[Chief executive]", "role[Medical director]"],
            "odds_ratio": [0.57, 1.2],
            "ci_low": [0.32, 0.8],
        }
    )
    spec = tables.TableSpec(
        stub="question", columns={"term": "Term", "odds_ratio": "Odds ratio", "ci_low": "CI low"}
    )
    (folder / "03_attitude_analysis.html").write_text(tables.to_html(model, spec), encoding="utf-8")
    assert audit.audit_release(folder, RULE, enforce=True).leaks == []


# Issue 15: the sensitivity table is printed with its rows labelled by question text (or the
# scale's label), not by variable name. Labelled, its rows share their text with the role-effect
# table's; matched by guess, its printed n landed on that table's blank (suppressed) n. The table
# now names the CSV it reprints, and the audit compares it with that CSV only.
SENSITIVITY = pd.DataFrame(
    {
        "kind": ["item % agreeing"] * 4 + ["scale mean"],
        "name": ["x", "x", "y", "y", "s"],
        "label": ["Question X", "Question X", "Question Y", "Question Y", "Scale S"],
        "rule": ["main analysis", "don't know as neutral"] * 2 + ["complete cases"],
        "n": ["443", "", "*", "", ""],  # y's main-analysis n (4) suppressed, its estimates withheld
        "estimate": ["60.2", "48.8", "*", "*", "3.4"],
        "majority": ["yes", "no", "", "", "yes"],
        "roles_differ": ["yes", "yes", "no", "no", "no"],
        "changes": ["", "majority view", "", "", ""],
    }
)
ROLE_EFFECT = pd.DataFrame(
    {
        "item": ["x", "y"],
        "question": ["Question X", "Question Y"],
        "n": ["", "200"],  # x's model n withheld
        "lr_chi2": ["19.9", "3.1"],
        "p_value": ["0.001", "0.38"],
    }
)


def _sensitivity_release(tmp_path: Path, printed: pd.DataFrame, kind: str, declared: bool = True) -> Path:
    from helpers.survey.attitudes import sensitivity

    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    SENSITIVITY.to_csv(folder / "tables" / "attitudes_sensitivity.csv", index=False)
    ROLE_EFFECT.to_csv(folder / "tables" / "attitudes_ordinal_role_effect.csv", index=False)
    numeric = [float(v) if v.replace(".", "", 1).isdigit() else v for v in printed["estimate"]]
    shown = sensitivity.shown(printed.assign(estimate=numeric))
    if not declared:
        shown.spec.reprints = ""
    if kind == "docx":
        book = tables.WordTables("Attitudes: tables")
        book.add(shown.table, shown.spec)
        (folder / "tables" / "03_attitude_analysis_tables.docx").write_bytes(book.docx_bytes())
    else:
        (folder / "03_attitude_analysis.html").write_text(shown._repr_html_(), encoding="utf-8")
    return folder


def _as_printed(cells=None) -> pd.DataFrame:
    """The sensitivity rows as the notebook shows them (numbers, suppressed cells as the marker)."""
    table = SENSITIVITY.astype(object)
    for (row, column), value in (cells or {}).items():
        table.loc[row, column] = value
    table["n"] = [int(v) if str(v).isdigit() else v for v in table["n"]]
    table["n"] = table["n"].replace("", None)
    return table


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_the_sensitivity_table_by_question_text_is_compared_with_its_own_csv(tmp_path, kind):
    from helpers.survey.attitudes import sensitivity

    folder = _sensitivity_release(tmp_path, _as_printed(), kind)
    printed = printed_tables.read(next(folder.rglob("03_attitude_analysis*.*")), "03")
    (table,) = printed
    assert table.reprints == "attitudes_sensitivity"
    assert [r[0] for r in table.rows] == SENSITIVITY["label"].tolist()  # question text, not x/y
    assert "x" not in {c for r in table.rows for c in r}
    result = audit.audit_release(folder, RULE, enforce=True)
    assert result.leaks == []
    record = next(f for f in result.files if f.path.startswith(("03", "tables/03")))
    assert any("(1 table(s) of people: attitudes_sensitivity)" in r for r in record.rules), record.rules
    assert sensitivity.CSV_NAME == "attitudes_sensitivity"


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_a_suppressed_sensitivity_n_printed_in_the_clear_fails(tmp_path, kind):
    """The planted leak: y's main-analysis n (4, suppressed in the CSV) printed."""
    folder = _sensitivity_release(tmp_path, _as_printed({(2, "n"): 4}), kind)
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(folder, RULE, enforce=True)
    (leak,) = caught.value.leaks
    assert leak["value"] == "4"
    assert leak["cell"].endswith("row 3 (Question Y), column 'n'")
    assert leak["problem"] == "attitudes_sensitivity.csv row 3, n is suppressed; printed in the clear"


def test_the_declaration_decides_which_csv_not_the_best_guess(tmp_path):
    """Matched by guess, a printed table goes to the CSV that agrees with most of its numbers. A
    second published table with the same rows that prints y's n (here a copy that does) would
    take the printed 4 as agreeing, and the leak against the sensitivity CSV would go unseen;
    the declared table is compared with the sensitivity CSV, and the 4 is found."""
    folder = _sensitivity_release(tmp_path, _as_printed({(2, "n"): 4}), "html", declared=False)
    SENSITIVITY.assign(n=["443", "", "4", "", ""]).to_csv(
        folder / "tables" / "attitudes_a_copy.csv", index=False
    )
    (table,) = printed_tables.read(folder / "03_attitude_analysis.html", "03")
    people = {"attitudes_sensitivity", "attitudes_a_copy", "attitudes_ordinal_role_effect"}
    csvs = {p.stem: p for p in sorted((folder / "tables").glob("*.csv"))}
    sources = printed_tables.sources(csvs, people)
    assert printed_tables.compare(table, sources, RULE) == ("attitudes_a_copy", [])  # missed
    table.reprints = "attitudes_sensitivity"
    name, findings = printed_tables.compare(table, sources, RULE)
    assert name == "attitudes_sensitivity" and [f.value for f in findings] == ["4"]


def test_a_declared_reprint_its_numbers_contradict_is_a_finding(tmp_path):
    """A table that says it reprints a CSV but prints other numbers fails (a wrong declaration
    must not hide a table from the audit)."""
    folder = _sensitivity_release(tmp_path, _as_printed(), "html")
    (table,) = printed_tables.read(folder / "03_attitude_analysis.html", "03")
    sources = printed_tables.sources(
        {p.stem: p for p in (folder / "tables").glob("*.csv")}, {"attitudes_sensitivity"}
    )
    table.reprints = "attitudes_ordinal_role_effect"
    _, findings = printed_tables.compare(table, sources, RULE)
    assert [f.problem for f in findings] == [
        "declared a reprint of attitudes_ordinal_role_effect.csv, but none of its numbers could be "
        "placed in that CSV (rows or headings it does not have)"
    ]


def test_codes_printed_in_words_still_identify_their_rows(tmp_path):
    """A then-and-now table printed with its measures in words (helpers.tables.display_text) is
    still compared with its CSV, which keeps the codes: the planted suppressed count is found."""
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    pd.DataFrame(
        {
            "measure": ["relationship_positive", "relationship_positive"],
            "group": ["Chief executive", "Medical director"],
            "n_agree": ["*", "40"],
            "n_valid": ["12", "60"],
        }
    ).to_csv(folder / "tables" / "attitudes_then_vs_now.csv", index=False)
    printed = pd.DataFrame(
        {
            "measure": ["relationship_positive", "relationship_positive"],
            "group": ["Chief executive", "Medical director"],
            "n_agree": [3, 40],
            "n_valid": [12, 60],
        }
    )
    html = tables._frame_html(printed)
    assert "Rate relationships positive (4-5)" in html and "relationship_positive" not in html
    (folder / "03_attitude_analysis.html").write_text(html, encoding="utf-8")
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(folder, RULE, enforce=True)
    (leak,) = caught.value.leaks
    assert leak["value"] == "3"
    assert leak["problem"] == "attitudes_then_vs_now.csv row 1, n_agree is suppressed; printed in the clear"


def test_tables_printed_in_the_codebooks_words_are_still_compared_with_their_csvs(tmp_path):
    """Report 03 prints scales by their codebook label and model terms by the covariates'
    wording (helpers.tables), which the CSVs keep as codes: the planted printed counts are still
    found (a scale's label is learnt from the reliability CSV; a row's list of dropped terms
    describes it and does not have to match)."""
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    pd.DataFrame(
        {
            "scale": ["working_relationship", "engaged"],
            "label": ["Working relationship", "Clinical engagement"],
            "k": ["6", "4"],
            "n": ["335", "388"],
            "reversed": ["att_b", ""],
        }
    ).to_csv(folder / "tables" / "attitudes_scale_reliability.csv", index=False)
    pd.DataFrame(
        {
            "scale": ["working_relationship", "engaged"],
            "group": ["Chief executive"] * 2,
            "n": ["*", "63"],
            "mean": ["", "3.7"],
        }
    ).to_csv(folder / "tables" / "attitudes_scales_by_role.csv", index=False)
    pd.DataFrame(
        {
            "item": ["att_a", "att_b"],
            "question": ["Managers listen", "Doctors lead"],
            "n": ["*", "465"],
            "converged": ["True", "True"],
            "collinear_terms_dropped": ["org_type[Health board]", ""],
        }
    ).to_csv(folder / "tables" / "attitudes_ordinal_role_effect.csv", index=False)
    tables.use_row_labels(
        {"att_a": "Managers listen", "att_b": "Doctors lead"},
        scales={"working_relationship": "Working relationship", "engaged": "Clinical engagement"},
        short={"att_b": "Doctors lead"},
        terms={"org_type": "Organisation type"},
    )
    try:
        by_role = pd.DataFrame(
            {"scale": ["working_relationship", "engaged"], "group": ["Chief executive"] * 2, "n": [4, 63]}
        )
        effect = pd.DataFrame(
            {
                "item": ["att_a", "att_b"],
                "n": [4, 465],
                "converged": [True, True],  # printed "yes": a CSV's True is read as "yes" too
                "collinear_terms_dropped": ["org_type[Health board]", ""],
            }
        )
        html = tables._frame_html(by_role) + tables._frame_html(effect)
    finally:
        tables.use_row_labels({})
    assert "Working relationship" in html and "Organisation type: Health board" in html
    assert "working_relationship" not in html and "org_type" not in html
    (folder / "03_attitude_analysis.html").write_text(html, encoding="utf-8")
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(folder, RULE, enforce=True)
    assert sorted((leak["value"], leak["problem"]) for leak in caught.value.leaks) == [
        ("4", "attitudes_ordinal_role_effect.csv row 1, n is suppressed; printed in the clear"),
        ("4", "attitudes_scales_by_role.csv row 1, n is suppressed; printed in the clear"),
    ]


# Issue 13: numbers in the reports' sentences (prose, speaker notes, notebook markdown and
# printed lines, Word paragraphs) are read back: a count of people the rule suppresses, stated in
# words, fails the release like one printed in a table.
def _prose_file(kind: str, sentence: str):
    if kind == "html":
        return f"<html><body><h1>Report</h1><p>{sentence}</p><table><tr><td>3 people</td></tr></table></body></html>"
    if kind == "deck":
        return (
            "<html><body><div class='reveal'><div class='slides'><section><h2>Who answered</h2>"
            f"<aside class='notes'><p>Say: {sentence}</p></aside></section></div></div></body></html>"
        )
    if kind == "notebook":
        nb = json.loads(_notebook(PUBLISHED))
        nb["cells"][0]["source"] = ["# Survey\n", "Some words.\n"]
        nb["cells"][1]["outputs"].append(
            {"output_type": "stream", "name": "stdout", "text": [sentence + "\n"]}
        )
        return json.dumps(nb)
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(sentence)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PROSE_FILES = {
    "html": "04_focus_group_themes.html",
    "deck": "05_findings_slides.html",
    "notebook": "notebooks/04_focus_group_themes.ipynb",
    "docx": "tables/04_focus_group_themes_tables.docx",
}


@pytest.mark.parametrize("kind", list(PROSE_FILES))
def test_a_small_count_of_people_stated_in_the_text_fails_the_release(tmp_path, kind):
    """Before, the audit read only tables: report 04 said "2 coded passages of 1 participant not
    quoted" (the focus group's lone chief executive) and the release passed. Now a whole number
    followed by a word for people ("3 chief executives", "1 participant", "4 of 60 respondents")
    is held to the primary rule wherever a reader sees text; numbers inside tables are left to
    the table comparison (the table's "3 people" here is not read as prose)."""
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    PUBLISHED.to_csv(folder / "tables" / "survey_respondents_by_role.csv", index=False)
    target = folder / PROSE_FILES[kind]
    target.parent.mkdir(parents=True, exist_ok=True)
    sentence = "Of the board, 3 chief executives agreed; 12 medical directors and 0 respondents did not."
    content = _prose_file(kind, sentence)
    target.write_bytes(content) if isinstance(content, bytes) else target.write_text(
        content, encoding="utf-8"
    )
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(folder, RULE, enforce=True)
    leaks = [leak for leak in caught.value.leaks if leak["file"] == PROSE_FILES[kind]]
    assert [(leak["value"], leak["problem"]) for leak in leaks] == [
        (3, "a count of people (3) stated in the text: counts 1-4 are never shown")
    ]
    assert "3 chief executives agreed" in leaks[0]["cell"]
    fine = _prose_file(
        kind, "Of the board, 12 chief executives agreed; 0 respondents did not; 3 of 15 items."
    )
    target.write_bytes(fine) if isinstance(fine, bytes) else target.write_text(fine, encoding="utf-8")
    result = audit.audit_release(folder, RULE, enforce=True)
    record = next(f for f in result.files if f.path == PROSE_FILES[kind])
    assert (
        record.result == "released" and "text outside tables: no count of people 1-4 stated" in record.rules
    )


def test_counts_of_people_in_words_are_found_as_a_reader_reads_them():
    text = (
        "On 2 of the 4 headline statements Doctor-manager relationships were rated. 3 chief "
        "executives agreed; 4 of 60 respondents did not; 0 respondents were left out; 12 "
        "respondents; 0.5 respondents; 1,234 people; 2 coded passages of 1 participant; effective n "
        "469 of 472; 3% of doctors."
    )
    assert [n for n, _ in disclosure.prose_counts(text, RULE)] == [3, 4, 1]
    assert [n for n, _ in disclosure.prose_counts(text, disclosure.Rule("nhs", 8))] == [3, 4, 1]
    assert [n for n, _ in disclosure.prose_counts(text, disclosure.Rule("threshold", 1))] == []
    # a response is a person's: "3 partial responses" says how many people left the survey early
    assert [n for n, _ in disclosure.prose_counts("3 partial responses; 40 responses", RULE)] == [3]
    # the same matcher says them as the tables do
    assert disclosure.protect_text(
        "Identical answers: 2 respondents in 1 group(s); 12 respondents.", RULE
    ) == ("Identical answers: fewer than 5 respondents in 1 group(s); 12 respondents.")
    assert disclosure.protect_text("3 of 60 chief executives", disclosure.Rule("nhs", 8)) == (
        "fewer than 8 of 60 chief executives"
    )


def test_blanks_agreeing_with_blanks_do_not_make_a_guessed_reprint(tmp_path):
    """A table of agreement by role prints each item's n (All's n_valid: '*', '*', 19); the role
    tests print n blank where that cell is suppressed and 0 for a test of a group with nobody in
    it. Blanks against blanks are no evidence that one reprints the other: guessed onto the role
    tests, the 19 was a false 'prints 0' that stopped a generated instrument's release."""
    printed = pd.DataFrame({"Statement": ["Beds", "Workload", "Leaders"], "n": ["*", "*", "19"]})
    folder = tmp_path / "tables"
    folder.mkdir()
    pd.DataFrame(
        {
            "item": ["beds", "workload", "leaders"],
            "question": ["Beds", "Workload", "Leaders"],
            "n": ["", "", "0"],
        }
    ).to_csv(folder / "attitudes_role_tests.csv", index=False)
    spec = tables.TableSpec(title="Respondents agreeing, by role group", stub="Statement")
    (tmp_path / "03.html").write_text(
        f"<html><body>{tables.to_html(printed, spec)}</body></html>", encoding="utf-8"
    )
    (table,) = printed_tables.read(tmp_path / "03.html", "03")
    sources = printed_tables.sources(
        {"attitudes_role_tests": folder / "attitudes_role_tests.csv"}, {"attitudes_role_tests"}
    )
    assert printed_tables.compare(table, sources, RULE) == (None, [])
