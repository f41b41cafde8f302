"""reports/index.html: links to every output and the provenance of every stage."""

import json
import re
from pathlib import Path

import pytest

from helpers import report_index


def record(stage, data_dir="/d/demo", commit="abc123def4567890", dirty=False, inputs=None, numpy="2.4.6"):
    return {
        "stage": stage,
        "ran_at": "2026-11-27T09:00:00+00:00",
        "code": {"commit": commit, "dirty": dirty},
        "packages": {"python": "3.11.7", "numpy": numpy},
        "inputs": inputs
        if inputs is not None
        else [{"path": "data/raw/demo/survey/export.csv", "bytes": 12, "sha256": "a" * 64}],
        "parameters": {"data_dir": data_dir, "seed": 1},
    }


@pytest.fixture
def reports(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_WORKSPACE", str(tmp_path))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    r = tmp_path / "reports"
    for sub in ("tables", "figures", "provenance"):
        (r / sub).mkdir(parents=True)
    for name in (
        "02_survey.html",
        "05_findings.html",
        "05_findings_slides.html",
        "figures/flow.png",
        "tables/a&b.csv",
        "tables/all_tables.xlsx",
        "codebook.qdc",
        "README.md",
    ):
        (r / name).write_text("x", encoding="utf-8")
    return r


def write_records(reports, *records):
    for rec in records:
        (reports / "provenance" / f"{rec['stage']}.json").write_text(json.dumps(rec), encoding="utf-8")


def test_every_output_linked_with_relative_href(reports):
    write_records(reports, record("02_survey"))
    page = report_index.render(
        reports,
        report_index.load_records(reports / "provenance"),
        "2026-11-27T10:00:00+00:00",
        {"commit": "f" * 40, "dirty": True},
    )
    top, folded = page.split("<details>")[0], page.split("<details>")[-1]
    # The reader's documents first, each with a line saying what it is ...
    assert re.findall(r'<dt><a href="([^"]+)"', top) == [
        "05_findings.html",
        "05_findings_slides.html",
        "tables/all_tables.xlsx",
    ]
    # ... every file, and the provenance, folded away at the bottom.
    hrefs = re.findall(r'href="([^"]+)"', folded)
    assert hrefs == [
        "02_survey.html",
        "05_findings.html",
        "05_findings_slides.html",
        "figures/flow.png",
        "tables/a&amp;b.csv",
        "tables/all_tables.xlsx",
        "provenance/02_survey.json",
        "codebook.qdc",
    ]
    for section in (
        "<h3>Reports</h3>",
        "<h3>Seminar slides</h3>",
        "<h3>Figures</h3>",
        "<h3>Tables</h3>",
        "<h3>Provenance records</h3>",
        "<h3>Other files</h3>",
    ):
        assert section in page
    assert (
        "Index written 2026-11-27T10:00:00+00:00 from code <code>"
        + "f" * 40
        + "</code> <b>with uncommitted changes</b>"
        in page
    )
    assert (
        "<td><code>data/raw/demo/survey/export.csv</code></td><td>12</td><td><code>"
        + "a" * 64
        + "</code></td><td>02_survey</td>"
        in page
    )
    assert "<td>numpy</td><td>2.4.6</td>" in page and "&quot;seed&quot;: 1" in page
    assert (
        "<td>02_survey</td><td>2026-11-27T09:00:00+00:00</td><td><code>abc123def456</code></td><td>no</td>"
        in page
    )
    assert "README.md" not in page and 'class="warn"' not in page


def test_disagreements_between_stages(reports):
    changed = [{"path": "data/raw/demo/survey/export.csv", "bytes": 13, "sha256": "b" * 64}]
    recs = [
        record("01_a"),
        record("02_b", data_dir="/d/other", commit="999", dirty=True, inputs=changed, numpy="2.4.7"),
    ]
    assert report_index.disagreements(recs) == [
        "The stages ran with different data folders: 01_a; 02_b.",
        "The stages ran with different code commits: 01_a; 02_b.",
        "The stages ran with different package versions: 01_a; 02_b.",
        "Stages run with uncommitted changes in the work tree: 02_b.",
        "Input files that changed between stages: data/raw/demo/survey/export.csv.",
    ]
    rows = report_index.inputs_table(recs)
    assert [(r["sha256"][0], r["stages"]) for r in rows] == [("a", ["01_a"]), ("b", ["02_b"])]


def test_write_index_synthetic_banner(reports, tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "SYNTHETIC.md").write_text("x", encoding="utf-8")
    write_records(reports, record("02_survey", data_dir=str(demo)))
    target = report_index.write_index()
    page = target.read_text(encoding="utf-8")
    assert target == reports / "index.html"
    assert '<p class="synthetic"><b>SYNTHETIC DATA.</b>' in page
    assert 'href="index.html"' not in page


def test_broken_records_are_errors_naming_the_file(reports):
    (reports / "provenance" / "01_x.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"01_x\.json: not a valid provenance record"):
        report_index.load_records(reports / "provenance")
    rec = record("01_x")
    del rec["inputs"]
    (reports / "provenance" / "01_x.json").write_text(json.dumps(rec), encoding="utf-8")
    with pytest.raises(ValueError, match=r"01_x\.json: provenance record lacks 'inputs'"):
        report_index.load_records(reports / "provenance")


def test_no_records(reports):
    page = report_index.render(reports, [], "now", {"commit": None, "dirty": None})
    assert "No provenance records: no stage has run." in page and "from code <code>unknown</code>" in page


def test_landing_page_headlines_come_from_the_published_tables(reports):
    """The landing page says what the deck says (helpers.findings.messages)."""
    (reports / "tables" / "prisma_counts.csv").write_text(
        "data,n\ndatabase_results,1285\nwebsite_results,3\ntotal_studies,15\ntotal_reports,15\n",
        encoding="utf-8",
    )
    (reports / "tables" / "triangulation.csv").write_text(
        "judgement,origin\nconvergence,mapping row 2\nsilence,derived: theme\nconvergence,mapping row 3\n"
        "dissonance,mapping row 4\n",
        encoding="utf-8",
    )
    # the theme raised by the most participants, not the table's first row
    (reports / "tables" / "findings_themes.csv").write_text(
        "theme,references,participants,participants_in_study,raised_by\n"
        'Identity,9,4,13,board member\nExternal pressures,17,11,13,"board member, clinical director"\n',
        encoding="utf-8",
    )
    said = report_index.headlines(reports)
    assert said["Rapid review"] == ["15 studies included from 1,288 records identified."]
    assert said["Findings"] == [
        "Survey and interviews converge on 2 of the 3 pairs compared and are dissonant on 1."
    ]
    assert said["Interviews and focus groups"] == [
        "2 themes; \u201cExternal pressures\u201d was raised by the most participants: 11 of 13."
    ]
    assert said["Survey"] == []


def test_checklist_links_point_at_headings_that_exist(reports):
    from helpers import checklists

    (reports / "01_literature_review.html").write_text(
        '<h2 id="Searches-and-records-identified">Searches</h2><h2 id="Screening">Screening</h2>',
        encoding="utf-8",
    )
    missing = checklists.missing_anchors(reports)
    assert "01_literature_review.html#Searches-and-records-identified" not in missing
    assert "01_literature_review.html#PRISMA-2020-flow" in missing
    assert "04_focus_group_themes.html#Codebook" in missing  # report not built
    html = checklists.render(reports)
    assert '<a href="01_literature_review.html#Screening">' in html
    assert "04_focus_group_themes.html" not in html  # no link to a report that is not there
    assert html.count("<h4>") == 4 and "for the team to fill" in html


def test_a_suppressed_headline_estimate_is_said_in_words(reports):
    """Issue 15 (a generated instrument's landing page): '– of – respondents agreeing'."""
    (reports / "tables" / "findings_headline.csv").write_text(
        "item,question,group,n_valid,pct_agree,ci_low,ci_high\nq1,Statement 1,All respondents,*,*,,\n",
        encoding="utf-8",
    )
    assert report_index.headlines(reports)["Survey"] == [
        "\u201cStatement 1\u201d: the share who agree or answer positively is not shown (suppressed: too "
        "few answers, or a small count it would let a reader work out)."
    ]
    # the newcomer's outlook item: the share named by the codebook's published-comparison measure
    phrases = {"q1": "expect relations to improve"}
    assert report_index.headlines(reports, phrases)["Survey"] == [
        "\u201cStatement 1\u201d: the share who expect relations to improve is not shown (suppressed: "
        "too few answers, or a small count it would let a reader work out)."
    ]
    (reports / "tables" / "findings_headline.csv").write_text(
        "item,question,group,n_valid,pct_agree,ci_low,ci_high\nq1,Statement 1,All respondents,40,60.2,45.1,73.6\n",
        encoding="utf-8",
    )
    assert report_index.headlines(reports)["Survey"] == [
        "60% (45 to 74) of 40 respondents agree or answer positively: \u201cStatement 1\u201d."
    ]
    assert report_index.headlines(reports, phrases)["Survey"] == [
        "60% (45 to 74) of 40 respondents expect relations to improve: \u201cStatement 1\u201d."
    ]


def test_the_share_is_named_by_the_codebooks_published_comparison_measure(tmp_path):
    """The newcomer's landing page read 'the share agreeing' of 'Next year, will relations get
    better, stay the same or get worse?': the measure that counts the item's positive levels
    names it; an item no measure counts is named by its counted answers."""
    from helpers.findings import messages, present
    from helpers.survey.codebook import Comparison

    comparisons = {
        "relationship_improve": Comparison("relationship_improve", "outlook", ("Get better",)),
        "relationship_deteriorate": Comparison("relationship_deteriorate", "outlook", ("Get worse",)),
    }
    assert messages.share_phrase("outlook", ("Get better",), comparisons) == "expect relations to improve"
    assert messages.share_phrase("outlook", ("Get worse",), comparisons) == "expect relations to deteriorate"
    assert messages.share_phrase("outlook", ("Stay the same", "Get better"), comparisons) == (
        "answer \u2018Stay the same\u2019 or \u2018Get better\u2019"
    )
    assert messages.share_phrase("other", ("Agree", "Strongly agree"), comparisons) == "agree"
    demo = present.share_phrases(Path(__file__).resolve().parents[1] / "data" / "raw" / "demo")
    assert demo["relationship_quality"] == "rate relationships positive (4-5)"
    assert demo["relationship_change"] == "expect relations to improve"
    assert present.share_phrases(tmp_path) == {}


def test_the_landing_page_reads_the_measure_from_the_releases_data_folder(reports, tmp_path):
    """The provenance records name a data folder outside the project by its last part only
    (the newcomer's /tmp/.../own: 'own'), so the release hands the index its data folder."""
    import shutil

    (reports / "tables" / "findings_headline.csv").write_text(
        "item,question,group,n_valid,pct_agree,ci_low,ci_high\n"
        "relationship_change,Next year?,All respondents,40,60.2,45.1,73.6\n",
        encoding="utf-8",
    )
    outside = tmp_path / "elsewhere" / "own"
    shutil.copytree(
        Path(__file__).resolve().parents[1] / "data" / "raw" / "demo" / "survey", outside / "survey"
    )
    (reports / "03_attitude_analysis.html").write_text("x", encoding="utf-8")  # the survey's card
    records = [record("05_findings", data_dir="own")]
    git = {"commit": None, "dirty": None}
    assert "respondents agree or answer positively" in report_index.render(reports, records, "now", git)
    page = report_index.render(reports, records, "now", git, data_dir=outside)
    assert "60% (45 to 74) of 40 respondents expect relations to improve: \u201cNext year?\u201d." in page


def test_strands_the_release_skipped_get_an_absent_card_and_no_card_is_empty(reports):
    # The runner records a stage skipped for an absent strand as publishing nothing; the
    # provenance names the data folder by its last part only ("own_survey"), which cannot be
    # looked at again, so the records are what say which strands were absent.
    published = reports.parent / "build" / "published"
    published.mkdir(parents=True)
    (published / "01_literature_review.txt").write_text("\n", encoding="utf-8")
    (published / "04_focus_group_themes.txt").write_text("\n", encoding="utf-8")
    (published / "02_survey_cleaning.txt").write_text("reports/02_survey.html\n", encoding="utf-8")
    write_records(reports, record("02_survey", data_dir="own_survey"))
    page = report_index.render(
        reports, report_index.load_records(reports / "provenance"), "now", {"commit": None, "dirty": None}
    )
    cards = re.findall(r'<section class="strand">(.*?)</section>', page, flags=re.S)
    assert [re.sub(r"<[^>]+>", "", c.split("</h3>")[0]) for c in cards] == [
        "Rapid review",
        "Interviews and focus groups",
        "Findings",
    ]
    assert "no <code>literature/</code> folder" in cards[0]
    assert "no <code>focus_groups/</code> folder" in cards[1]
    # 05_findings.html exists but has no headline table or figure here: the card says so.
    assert 'No headline figure in this run: see <a href="05_findings.html">the report</a>.' in cards[2]


def test_word_files_and_notebooks_are_linked_by_their_reports_titles(reports):
    """The landing page linked them by file name ('03_attitude_analysis_tables')."""
    for name in ("tables/02_survey_cleaning_tables.docx", "tables/03_attitude_analysis_tables.docx"):
        (reports / name).write_bytes(b"x")
    (reports / "notebooks").mkdir()
    (reports / "notebooks" / "03_attitude_analysis.ipynb").write_text("{}", encoding="utf-8")
    write_records(reports, record("02_survey"))
    page = report_index.render(
        reports,
        report_index.load_records(reports / "provenance"),
        "2026-11-27T10:00:00+00:00",
        {"commit": "f"},
    )
    top = page.split("<details>")[0]
    assert re.findall(r'<a href="(tables/[^"]+\.docx|notebooks/[^"]+)">([^<]+)</a>', top) == [
        ("tables/02_survey_cleaning_tables.docx", "Survey data preparation"),
        ("tables/03_attitude_analysis_tables.docx", "Survey results"),
        ("notebooks/03_attitude_analysis.ipynb", "Survey results"),
    ]


def test_checklists_of_absent_strands_are_not_shown_and_a_note_says_why(reports):
    """The newcomer's survey-only folder got COREQ and PRISMA checklists of strands it lacks."""
    from helpers import checklists

    absent = {"01_literature_review": "literature", "04_focus_group_themes": "focus_groups"}
    assert checklists.shown(absent) == ["CHERRIES"]
    html = checklists.render(reports, absent)
    assert re.findall(r"<h4>([^<]+)</h4>", html) == ["CHERRIES"]
    assert html.startswith(
        "<p>Not shown: COREQ, PRISMA 2020 and PRISMA-S, the checklists of strands this data folder "
        "does not have (no <code>focus_groups/</code> and <code>literature/</code> folder).</p>"
    )
    one = checklists.render(reports, {"04_focus_group_themes": "focus_groups"})
    assert re.findall(r"<h4>([^<]+)</h4>", one) == ["CHERRIES", "PRISMA 2020", "PRISMA-S"]
    assert one.startswith(
        "<p>Not shown: COREQ, the checklist of a strand this data folder does not have (no "
        "<code>focus_groups/</code> folder).</p>"
    )
    assert re.findall(r"<h4>([^<]+)</h4>", checklists.render(reports)) == [
        "CHERRIES",
        "COREQ",
        "PRISMA 2020",
        "PRISMA-S",
    ]
    # the landing page, given the release's data folder (survey only)
    folder = reports.parent / "own"
    (folder / "survey").mkdir(parents=True)
    page = report_index.render(reports, [], "now", {"commit": None, "dirty": None}, data_dir=folder)
    assert "<summary>Reporting checklists (CHERRIES): where each item" in page
    assert re.findall(r"<h4>([^<]+)</h4>", page.split("Reporting checklists")[1].split("</details>")[0]) == [
        "CHERRIES"
    ]


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        (
            ["01_literature_review", "03_attitude_analysis", "04_focus_group_themes", "05_findings"],
            "How NHS doctors and managers see each other and their roles: a rapid review, a web survey of chief "
            "executives, medical directors, clinical directors and directorate managers, interviews and focus "
            "groups, brought together for a findings seminar.",
        ),
        (
            ["03_attitude_analysis", "05_findings"],
            "How NHS doctors and managers see each other and their roles: a web survey of chief executives, "
            "medical directors, clinical directors and directorate managers, presented for a findings seminar.",
        ),
        (
            ["01_literature_review", "04_focus_group_themes"],
            "How NHS doctors and managers see each other and their roles: a rapid review, interviews and "
            "focus groups.",
        ),
        ([], "How NHS doctors and managers see each other and their roles."),
    ],
)
def test_the_opening_sentence_names_only_the_strands_the_release_has(tmp_path, present, expected):
    """A release of a survey alone said 'a rapid review, a web survey ..., interviews and focus
    groups' (newcomer run, issue 11): the sentence lists the strands whose reports exist."""
    for stage in present:
        (tmp_path / f"{stage}.html").write_text("x", encoding="utf-8")
    assert report_index.opening(tmp_path) == expected
    page = report_index.render(tmp_path, [], "now", {"commit": None, "dirty": None})
    assert f"<p>{expected}</p>" in page
