"""The table specification and its two renderers (great_tables HTML, python-docx Word)."""

import io
import re
import zipfile
from pathlib import Path

import docx
import numpy as np
import pandas as pd
import pytest

from helpers import numbers, paths, report_html, tables


@pytest.fixture
def staging(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_STAGING", str(tmp_path))
    return tmp_path


def _table():
    return pd.DataFrame(
        {
            "item": ["att_obstruct", "att_lead"],
            "n": [1200, 98],
            "pct": [60.24, "*"],
            "low": [55.1, np.nan],
            "high": [64.4, np.nan],
            "p_value": [1.0, 2e-5],
        }
    )


def _spec():
    return tables.TableSpec(
        title="Agreement by item",
        stub="item",
        stub_label="Statement",
        row_labels={"att_obstruct": "Managers obstruct"},
        pct_ci={"agree": ("pct", "low", "high")},
        columns={"n": "n", "agree": "% (95% CI)", "p_value": "p"},
        spanners={"All respondents": ["n", "agree"]},
        source="Source: demonstration survey, exported 2026-11-30.",
    )


def test_cells_format_every_number_through_the_one_formatter():
    shown = tables.cells(_table(), _spec())
    assert list(shown.columns) == ["item", "n", "agree", "p_value"]
    assert shown.to_dict("records") == [
        {"item": "Managers obstruct", "n": "1,200", "agree": "60% (55 to 64)", "p_value": "1.0"},
        {"item": "att_lead", "n": "98", "agree": "*", "p_value": "<0.001"},
    ]


def test_html_has_spanner_labels_footnote_source_and_no_index_or_network():
    html = tables.to_html(_table(), _spec())
    for text in (
        "All respondents",
        "% (95% CI)",
        "Statement",
        "Managers obstruct",
        "60% (55 to 64)",
        "&lt;0.001",
    ):
        assert text in html, text
    assert "Not shown: fewer than the disclosure threshold" in html
    assert "Source: demonstration survey, exported 2026-11-30." in html
    assert report_html.network_references(html) == []
    for raw in ("NaN", "e+0", "e-0", ">0<"):
        assert raw not in html, raw


def test_no_footnote_for_the_marker_when_nothing_is_suppressed():
    html = tables.to_html(_table().iloc[:1], _spec())
    assert "Not shown" not in html


def test_default_display_hides_the_index_and_formats_numbers():
    df = pd.DataFrame({"records_parsed": [16, 20], "kappa_ci_low": [-0.018, np.nan], "p_holm": [1.0, 0.04]})
    html = tables._frame_html(df)
    assert "Records parsed" in html and "Kappa CI low" in html and "p (Holm)" in html
    # kappa's interval is an effect size: 2 decimals (helpers.numbers.kind_of)
    assert "-0.02" in html and "–" in html and ">1.0<" in html and ">0.040<" in html
    assert "NaN" not in html and "1.000000e+00" not in html
    assert ">0<" not in html  # no 0-based index column


def test_word_document_has_title_spanner_header_and_footnotes(staging):
    book = tables.WordTables("Attitude analysis: tables")
    book.add(_table(), _spec())
    path = book.write("attitudes_tables")
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Attitude analysis: tables"
    assert texts[1] == "Table 1. Agreement by item"
    assert any(t.startswith("* Not shown") for t in texts)
    assert texts[-1] == "Source: demonstration survey, exported 2026-11-30."
    grid = doc.tables[0]
    assert [c.text for c in grid.rows[0].cells] == ["", "All respondents", "All respondents", ""]
    assert [c.text for c in grid.rows[1].cells] == ["Statement", "n", "% (95% CI)", "p"]
    assert [c.text for c in grid.rows[2].cells] == ["Managers obstruct", "1,200", "60% (55 to 64)", "1.0"]


def test_word_document_is_byte_stable(staging):
    a = tables.WordTables("T")
    a.add(_table(), _spec())
    first = a.write("a").read_bytes()
    second = a.write("a").read_bytes()
    assert first == second
    # Byte-stable across time too: python-docx stamps zip entries with the current time, so two
    # writes straddling a 2-second boundary differed (a flaky failure before the fix).
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_published_numbers_never_use_an_exponent():
    assert numbers.published(1.0) == "1"
    assert numbers.published(0.437) == "0.437"
    assert numbers.published(1e-05) == "0.00001"
    assert numbers.published(1500000.0) == "1,500,000"
    assert numbers.published(float("nan")) == "–"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        tables.TableSpec(kinds={"x": "percent"})


def test_years_are_not_counts():
    df = pd.DataFrame(
        {"first_author": ["Parker", "Ham"], "year": [1996, 2011], "published_year": [2002.0, np.nan]}
    )
    shown = tables.cells(df, tables.default_spec(df))
    assert shown["year"].tolist() == ["1996", "2011"]
    assert shown["published_year"].tolist() == ["2002", "–"]


def test_headings_from_column_names():
    assert [tables.heading(c) for c in ("records_parsed", "p_holm", "kw_p_holm", "cramers_v", "n")] == [
        "Records parsed",
        "p (Holm)",
        "Kruskal-Wallis p (Holm)",
        "Cramér's V",
        "n",
    ]
    assert [tables.heading(c) for c in ("rr1", "rr2")] == ["RR1", "RR2"]  # issue 15: were 'Rr1', 'Rr2'


def test_item_rows_are_labelled_by_the_codebook_question_everywhere(monkeypatch):
    """Role tests, models, contrasts: any table with an item column shows the question text as
    its row label (no variable names, and the question column not repeated)."""
    monkeypatch.setitem(
        tables._defaults, "row_labels", {"att_teamwork": "Doctors and managers work well together"}
    )
    df = pd.DataFrame(
        {
            "item": ["att_teamwork", "unknown_item"],
            "question": ["(copy)", "(copy)"],
            "n": [412, 9],
            "p_holm": [0.0004, 1.0],
        }
    )
    spec = tables.default_spec(df)
    assert (spec.stub, spec.stub_label) == ("item", "Question")
    shown = tables.cells(df, spec)
    assert list(shown.columns) == ["item", "n", "p_holm"]
    assert shown["item"].tolist() == ["Doctors and managers work well together", "unknown_item"]
    assert shown["p_holm"].tolist() == ["<0.001", "1.0"]
    # survey_item (the triangulation table) too; a table of other things is left as it is
    tri = pd.DataFrame({"survey_item": ["att_teamwork"], "theme": ["Working together"]})
    assert tables.cells(tri, tables.default_spec(tri))["survey_item"].tolist() == [
        "Doctors and managers work well together"
    ]
    other = pd.DataFrame({"item": ["1a"], "where": ["report 03"]})
    assert tables.default_spec(other).stub is None


def test_codebook_labels_come_from_the_survey_codebook():
    params = {"data_dir": paths.project_root() / "data" / "raw" / "demo"}
    labels = tables.codebook_labels(params)
    assert labels["att_managers_obstruct"] == "Managers get in the way of good clinical care"
    assert tables.codebook_labels({"data_dir": Path("/nonexistent")}) == {}


def test_a_table_marked_with_its_strands_gets_their_dates_in_its_source_note():
    demo = paths.project_root() / "data" / "raw" / "demo"
    tables.use_report_style({"data_dir": demo}, strand="survey")
    try:
        themes = tables.from_strands(pd.DataFrame({"theme": ["Turnover"], "references": [3]}), "focus_groups")
        html = tables._frame_html(themes)
        assert "transcripts dated 2015-01-01" in html and "survey responses" not in html
        # unmarked: the notebook's strand
        html = tables._frame_html(pd.DataFrame({"role": ["Chief executive"], "n": [68]}))
        assert "survey responses dated 2015-12-18" in html and "transcripts" not in html
    finally:
        tables._defaults.update(source="", params=None)


def test_an_unnamed_index_of_row_labels_is_kept_as_the_stub():
    """`flags.sum().to_frame()` lost its row labels (the report showed two bare numbers)."""
    df = (
        pd.DataFrame({"flag_speeder": [1, 0, 1], "flag_straightliner": [0, 0, 1]})
        .sum()
        .rename("n")
        .to_frame()
    )
    html = tables._frame_html(df)
    assert "flag_speeder" in html and "flag_straightliner" in html
    # a plain 0-based index is still never shown
    plain = tables._frame_html(pd.DataFrame({"n": [7, 4]}))
    assert ">0<" not in plain and ">1<" not in plain


def test_row_positions_left_by_a_filter_are_not_shown_and_item_rows_get_their_question():
    """Report 03's pairwise contrasts (a filtered table) showed its row positions (1, 5, 6 ...) as a
    first column and the items' variable names."""
    contrasts = pd.DataFrame(
        {"item": ["att_a", "att_b", "att_a"], "p_value": [0.5, 0.01, 0.001], "cramers_v": [0.1, 0.23, 0.3]}
    )
    tables.use_row_labels({"att_a": "Managers listen", "att_b": "Doctors lead"})
    try:
        html = tables._frame_html(contrasts[contrasts["p_value"] < 0.05])
    finally:
        tables.use_row_labels({})
    body = html[html.index("<tbody") :]
    assert re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", body)[:6] == [
        "Doctors lead",
        "0.010",
        "0.23",
        "Managers listen",
        "≤0.001",
        "0.30",  # an effect size keeps its trailing zero (issue 15)
    ]
    assert "att_b" not in body and ">1<" not in body and ">2<" not in body
    assert tables.heading("lr_chi2") == "LR Chi-square"


def test_effect_sizes_shown_at_two_decimals_with_their_trailing_zeros():
    """Issue 15: Cramér's V 0.3 was shown '0.3' (an already-rounded value of unknown kind); an
    effect size is '0.30' in every table, its interval bounds too where it is the estimate."""
    tests = pd.DataFrame({"item": ["a"], "chi2": [12.0], "cramers_v": [0.3], "eta_squared": [0.1]})
    assert tables.cells(tests, tables.default_spec(tests)).iloc[0].tolist() == ["a", "12.0", "0.30", "0.10"]
    agreement = pd.DataFrame({"code": ["c"], "kappa": [0.5], "ci_low": [0.2], "ci_high": [0.8]})
    assert tables.cells(agreement, tables.default_spec(agreement)).iloc[0].tolist() == [
        "c",
        "0.50",
        "0.20",
        "0.80",
    ]
    # a percentage's interval is not an effect size: shown as published
    pct = pd.DataFrame({"item": ["a"], "pct": [60.2], "ci_low": [55.1], "ci_high": [64.4]})
    assert tables.cells(pct, tables.default_spec(pct)).iloc[0].tolist() == ["a", "60.2", "55.1", "64.4"]
    assert ">0.30<" in tables._frame_html(tests)


def test_codes_in_text_cells_are_written_in_words_where_a_report_prints_them():
    """Issue 15: model terms ('org_type[Health board]'), family names ('role_effect') and the
    then-and-now measures ('relationship_positive') read like a notebook dump in report 03."""
    table = pd.DataFrame(
        {
            "item": ["a"],
            "collinear_terms_dropped": ["org_type[Health board], nation[Wales]"],
            "term": ["role[Chief executive]"],
            "family": ["weighted_role_tests"],
            "measure": ["relationship_positive"],
            "note": ["kept_as_written"],
        }
    )
    assert tables.cells(table, tables.default_spec(table)).iloc[0].tolist() == [
        "a",
        "Org type: Health board, Nation: Wales",
        "Role: Chief executive",
        "weighted role tests",
        "Rate relationships positive (4-5)",
        "kept_as_written",  # other columns (a data dictionary's names) are left as they are
    ]
    assert tables.display_text("measure", "some_new_measure") == "some new measure"
    assert tables.display_text("family", "Holm") == "Holm"
    assert tables.display_text("stage", "title_abstract") == "title and abstract"
    assert tables.display_text("status", "not_retrieved") == "not retrieved"
    assert tables.display_text("rule", "don't know as neutral") == "don't know as neutral"
    assert tables.display_text("rule", r"chief exec|\bceo\b") == r"chief exec|\bceo\b"


@pytest.fixture
def scale_wording():
    tables.use_row_labels(
        {"att_a": "Managers listen to doctors", "att_b": "Managers obstruct good care, often"},
        scales={"working_relationship": "Working relationship", "engaged": "Clinical engagement"},
        short={"att_a": "Managers listen", "att_b": "Managers obstruct care, often"},
        terms={"org_type": "Organisation type", "years_in_role": "Years in role"},
    )
    yield
    tables.use_row_labels({})


def _body(html: str) -> list[str]:
    body = html[html.index("<tbody") :]
    return [t.strip() for t in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", body)]


def test_scale_tables_name_each_scale_by_its_label_and_reversed_items_by_their_short_labels(scale_wording):
    """Report 03's reliability table named the scales by their codebook codes
    ('working_relationship') beside a 'Label' column, and listed reversed items by variable name."""
    reliability = pd.DataFrame(
        {
            "scale": ["working_relationship", "engaged"],
            "label": ["Working relationship", "Clinical engagement"],
            "k": [6, 4],
            "n": [335, 388],
            "alpha": [0.8712, 0.78],
            "reversed": ["att_b, att_a", ""],
        }
    )
    spec = tables.default_spec(reliability)
    assert (spec.stub, spec.stub_label) == ("scale", "Scale")
    shown = tables.cells(reliability, spec)
    assert list(shown.columns) == ["scale", "k", "n", "alpha", "reversed"]
    assert shown.values.tolist() == [
        ["Working relationship", "6", "335", "0.87", "Managers obstruct care, often; Managers listen"],
        ["Clinical engagement", "4", "388", "0.78", ""],
    ]
    html = tables._frame_html(reliability)
    assert ">Items<" in html and ">Reversed items<" in html and ">Label<" not in html
    assert "working_relationship" not in html and "att_b" not in html
    # the mean scores by role, pivoted with the scale as the index: rows by label
    means = pd.DataFrame(
        {"Chief executive": [3.95, 3.73]}, index=pd.Index(["working_relationship", "engaged"], name="scale")
    )
    assert _body(tables._frame_html(means)) == ["Working relationship", "3.95", "Clinical engagement", "3.73"]


def test_model_terms_use_the_codebooks_wording_of_each_covariate(scale_wording):
    """The ordinal models' terms were headed by the variable name ('Org type: Health board')
    instead of the codebook's wording of the covariate."""
    effect = pd.DataFrame(
        {
            "item": ["att_a"],
            "n": [465],
            "collinear_terms_dropped": ["org_type[Health board], org_type[Other]"],
            "unstable_cutpoint_terms": ["years_in_role[4 to 6 years], nation[Wales]"],
        }
    )
    shown = tables.cells(effect, tables.default_spec(effect))
    assert shown.values.tolist() == [
        [
            "Managers listen to doctors",
            "465",
            "Organisation type: Health board, Other",  # a covariate's levels named once
            "Years in role: 4 to 6 years, Nation: Wales",  # a covariate without wording: its name
        ]
    ]
    assert tables.display_text("term", "role[Chief executive]") == "Role: Chief executive"
    assert tables.display_text(
        "collinear_terms_dropped", "nation[Scotland], nation[Wales], org_type[Other]"
    ) == ("Nation: Scotland, Wales; Organisation type: Other")


def test_the_codebook_gives_the_wording_of_scales_items_and_covariates():
    wording = tables.codebook_wording({"data_dir": paths.project_root() / "data" / "raw" / "demo"})
    assert wording["scales"] == {
        "working_relationship": "Working relationship",
        "clinical_engagement": "Clinical engagement",
        "system_pressure": "System pressure",
    }
    assert wording["terms"] == {
        "nation": "Nation",
        "years_in_role": "Years in role",
        "org_type": "Organisation type",
    }
    assert wording["labels"]["att_managers_obstruct"] == "Managers get in the way of good clinical care"
    assert wording["short"]["att_managers_obstruct"] == "Managers get in the way of good clinical care"
    assert tables.codebook_wording({"data_dir": Path("/nonexistent")}) == {
        "labels": {},
        "scales": {},
        "short": {},
        "terms": {},
    }


def test_a_dash_shown_in_a_table_is_footnoted_and_only_then():
    # A newcomer's report showed "–" cells with only "*" explained under the table.
    df = pd.DataFrame({"records_parsed": [16, 20], "kappa_ci_low": [-0.018, np.nan]})
    html = tables._frame_html(df)
    assert (
        "– No value: none exists for this cell (not applicable, or not computable from the "
        "answers), or it is withheld by the statistical disclosure control (the text says which)."
    ) in html
    assert "No value:" not in tables._frame_html(df.iloc[:1])
