import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from helpers import plots  # noqa: E402

LEVELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def _protected(rows, levels=LEVELS, mark=True):
    """A protected long table: (item, group, n_valid, [n_1 ..]) with None for a suppressed count."""
    table = pd.DataFrame(
        [
            {"item": i, "group": g, "n_valid": nv, **{f"n_{j + 1}": c for j, c in enumerate(counts)}}
            for i, g, nv, counts in rows
        ]
    )
    for c in table.columns[2:]:
        table[c] = table[c].astype("Int64")
    if mark:
        table.attrs["disclosure"] = {"rule": "threshold", "min_count": 5, "upper": 4}
    return table


def test_likert_table_from_the_protected_table_is_centred_on_visible_levels():
    table = _protected(
        [
            ("a", "CE", 20, [0, 5, 5, 5, 5]),
            ("a", "CD", 40, [None, None, 10, 20, 6]),  # 1 and 3 suppressed: 4 of 40 hidden
            ("b", "CE", 20, [10, 5, 5, 0, 0]),
            ("b", "CD", None, [None, None, None, None, None]),
        ]
    )
    tidy = plots.likert_table(table, ["b", "a"], LEVELS, groups=["CE", "CD"], item_labels={"a": "Item A"})
    ce_a = tidy[(tidy["item"] == "a") & (tidy["group"] == "CE")]
    # 0, 25, 25, 25, 25 %: centred at -(0 + 25 + 25/2)
    assert ce_a["width"].tolist() == [0.0, 25.0, 25.0, 25.0, 25.0]
    assert ce_a["left"].tolist() == [-37.5, -37.5, -12.5, 12.5, 37.5]
    cd_a = tidy[(tidy["item"] == "a") & (tidy["group"] == "CD")]
    # visible: neutral 25 %, agree 50 %, strongly agree 15 %; the two suppressed levels are one
    # segment of 10 % (4 of 40) at the right end, never two segments of their own
    assert cd_a["level"].astype(str).tolist() == [LEVELS[2], LEVELS[3], LEVELS[4], plots.SUPPRESSED_LABEL]
    assert cd_a["width"].tolist() == [25.0, 50.0, 15.0, 10.0]
    assert cd_a["left"].tolist() == [-12.5, 12.5, 62.5, 77.5]
    # b for CD has its n_valid suppressed: not drawn; b sorted below a (pooled top-2 share 0 vs 36/60)
    assert not tidy[(tidy["item"] == "b") & (tidy["group"] == "CD")]["drawn"].any()
    assert tidy.drop_duplicates("item")[["item", "order", "label"]].values.tolist() == [
        ["a", 0, "Item A"],
        ["b", 1, "b"],
    ]


def test_diverging_likert_refuses_unprotected_input():
    raw = _protected([("a", "CE", 20, [0, 5, 5, 5, 5])], mark=False)
    with pytest.raises(ValueError, match="draws only from a table protected by helpers.disclosure"):
        plots.diverging_likert(raw, ["a"], LEVELS)
    with pytest.raises(ValueError, match="draws only from a table protected"):
        plots.likert_table(pd.DataFrame({"a": ["Agree"]}), ["a"], LEVELS)


def _segments(fig):
    return sorted(
        (round(p.get_y() + p.get_height() / 2), round(p.get_x(), 6), round(p.get_width(), 6))
        for ax in fig.axes
        for p in ax.patches
    )


def test_figure_geometry_recovers_no_suppressed_cell():
    """The attack of issue 13 (3): on the old chart, bar width x the printed n gave every
    suppressed cell (drawn at its true width). Here every drawn segment is a visible level or
    the merged suppressed segment, so no width equals a suppressed cell's share."""
    # CD answered 3, 1, 10, 20, 6: the 3 and the 1 are suppressed in the published table
    table = _protected([("a", "CE", 20, [0, 5, 5, 5, 5]), ("a", "CD", 40, [None, None, 10, 20, 6])])
    fig, tidy = plots.diverging_likert(table, ["a"], LEVELS, groups=["CE", "CD"], min_n=5)
    cd = fig.axes[1]
    widths = sorted(round(p.get_width() * 40 / 100, 6) for p in cd.patches if p.get_width() > 0)
    assert widths == [4.0, 6.0, 10.0, 20.0]  # counts implied by the widths: 3 and 1 are not there
    assert 3.0 not in widths and 1.0 not in widths
    hatched = [p for p in cd.patches if p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_width() == 10.0
    assert plots.SUPPRESSED_LABEL in [t.get_text() for t in fig.legends[0].get_texts()]
    # what is drawn is exactly the tidy table
    drawn = tidy[tidy["drawn"]]
    assert _segments(fig) == sorted(
        (int(r.order), round(r.left, 6), round(r.width, 6)) for r in drawn.itertuples()
    )
    plt.close(fig)


def test_diverging_likert_labels_and_rows_by_group():
    table = _protected([("a", "CE", 4, [0, 1, 0, 2, 1]), ("a", "CD", 8, [0, 2, 0, 4, 2])])
    fig, tidy = plots.diverging_likert(table, ["a"], LEVELS, groups=["CE", "CD"], min_n=5)
    # an undrawn row says so inside its empty bar (in the n column it ran into the next panel)
    assert [t.get_text() for t in fig.axes[0].texts] == ["not shown (n=4)"]
    assert fig.axes[0].texts[0].get_position() == (0, 0) and fig.axes[0].texts[0].get_ha() == "center"
    assert [t.get_text() for t in fig.axes[1].texts if not t.get_text().startswith("n=")] == []  # < 5 people
    fig2, tidy2 = plots.diverging_likert(table, ["a"], LEVELS, groups=["CE", "CD"], rows="group", min_n=1)
    assert [ax.get_title() for ax in fig2.axes] == ["a"]
    assert [t.get_text() for t in fig2.axes[0].get_yticklabels()] == ["CE", "CD"]
    assert [t.get_text() for t in fig2.axes[0].texts if t.get_text().startswith("n=")] == ["n=4", "n=8"]
    plt.close(fig)
    plt.close(fig2)


def test_then_vs_now_positions():
    table = pd.DataFrame(
        {
            "measure": ["Positive"] * 3,
            "group": ["CE", "CE", "All"],
            "source": ["2002", "This run", "2002"],
            "pct": [76.0, 70.0, 47.0],
            "ci_low": [67.0, 60.0, np.nan],
            "ci_high": [83.0, 78.0, np.nan],
        }
    )
    fig, drawn = plots.then_vs_now(table, group_order=["All", "CE"], source_order=["2002", "This run"])
    assert drawn[["group", "source", "y"]].values.tolist() == [
        ["All", "2002", -0.11],
        ["CE", "2002", 0.89],
        ["CE", "This run", 1.11],
    ]
    with pytest.raises(ValueError, match="missing column"):
        plots.then_vs_now(table.drop(columns="ci_low"))
    plt.close(fig)


def test_colours_are_the_colour_blind_safe_sets():
    assert plots.likert_colours(5)[2] == plots.NEUTRAL_GREY
    assert plots.likert_colours(3) == ["#CA0020", plots.NEUTRAL_GREY, "#0571B0"]
    # ColorBrewer RdBu up to 11 classes (issue 11: scales of 2-11 levels), neutral grey in the middle
    assert plots.likert_colours(11)[5] == plots.NEUTRAL_GREY and len(plots.likert_colours(11)) == 11
    assert plots.likert_colours(8) == [
        "#B2182B",
        "#D6604D",
        "#F4A582",
        "#FDDBC7",
        "#D1E5F0",
        "#92C5DE",
        "#4393C3",
        "#2166AC",
    ]
    with pytest.raises(ValueError, match="12 levels"):
        plots.likert_colours(12)


def test_forest_positions_and_log_axis():
    table = pd.DataFrame(
        {
            "row": ["a", "a", "b"],
            "series": ["CE", "MD", "CE"],
            "estimate": [2.0, 0.5, 1.5],
            "ci_low": [1.2, 0.3, 0.9],
            "ci_high": [3.0, 0.9, 2.5],
        }
    )
    fig, drawn = plots.forest(table, row_labels={"a": "Item A"})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert drawn[["row", "series", "y"]].values.tolist() == [
        ["a", "CE", -0.1],
        ["a", "MD", 0.1],
        ["b", "CE", 0.9],
    ]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Item A", "b"]
    # The error bars span exactly the CIs.
    segments = sorted(tuple(np.round(seg[:, 0], 6)) for coll in ax.collections for seg in coll.get_segments())
    assert segments == [(0.3, 0.9), (0.9, 2.5), (1.2, 3.0)]
    plt.close(fig)


def test_a_group_with_no_respondents_gets_no_panel_and_the_note_names_it():
    """Issue 15: a role group with 0 respondents had its own panel reading 'not shown (n=0)' on
    every row; the panel is left out and the figure's note (and the alt text, from the same
    sentence) says which group had no respondents. A suppressed n still shows as 'not shown'."""
    table = _protected(
        [
            ("a", "CE", 0, [0, 0, 0, 0, 0]),
            ("b", "CE", 0, [0, 0, 0, 0, 0]),
            ("a", "CD", 20, [0, 5, 5, 5, 5]),
            ("b", "CD", 20, [5, 5, 5, 5, 0]),
            ("a", "MD", None, [None, None, None, None, None]),
            ("b", "MD", 12, [2, 2, 2, 3, 3]),
        ]
    )
    fig, tidy = plots.diverging_likert(table, ["a", "b"], LEVELS, groups=["CE", "CD", "MD"], min_n=5)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["CD", "MD"]
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "not shown (n=0)" not in texts and texts.count("not shown (n=suppressed)") == 1
    assert [t.get_text() for t in fig.texts] == ["CE has no respondents (n=0) and is not shown."]
    assert plots.no_respondents(tidy) == ["CE"]  # the tidy table still holds the group's rows
    assert plots.no_respondents_note(tidy) == "CE has no respondents (n=0) and is not shown."
    plt.close(fig)
    # one bar per group: the group's bar is left out of each item's panel
    fig, _ = plots.diverging_likert(table, ["b"], LEVELS, groups=["CE", "CD", "MD"], rows="group", min_n=5)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["CD", "MD"]
    plt.close(fig)
    two = table.assign(n_valid=table["n_valid"].where(table["group"] != "MD", 0))
    tidy2 = plots.likert_table(two, ["a", "b"], LEVELS, groups=["CE", "CD", "MD"])
    assert plots.no_respondents_note(tidy2) == "CE and MD have no respondents (n=0) and are not shown."
    assert plots.no_respondents_note(tidy2[tidy2["group"] == "CD"]) == ""


def test_a_chart_whose_groups_all_have_no_respondents_falls_back_to_all_respondents():
    """A generated survey published only 'Directorate manager' (n=0) as a role group: its chart
    was one panel of 'not shown (n=0)'. All respondents are drawn instead, the empty group
    named in the note."""
    table = _protected(
        [
            ("a", "All", 19, [5, 5, 4, 5, 0]),
            ("a", "DM", 0, [0, 0, 0, 0, 0]),
        ]
    )
    assert plots.groups_to_draw(table, ["DM"], "All") == ["All", "DM"]
    assert plots.groups_to_draw(table, [], "All") == ["All"]
    assert plots.groups_to_draw(table, ["All"], "x") == ["All"]
    fig, tidy = plots.diverging_likert(
        table, ["a"], LEVELS, groups=plots.groups_to_draw(table, ["DM"], "All")
    )
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["All"]
    assert [t.get_text() for t in fig.texts] == ["DM has no respondents (n=0) and is not shown."]
    plt.close(fig)


def test_a_titled_one_statement_battery_has_room_for_its_legend_and_title():
    """A generated survey's battery of one statement: the chart was too short for its title,
    panel title, two-row legend and note; matplotlib printed 'Tight layout not applied' (with a
    file path) into report 03, and the title ran over the panel's."""
    import warnings

    table = _protected(
        [
            ("a", "All", 19, [None, None, None, None, None]),
            ("a", "CE", 0, [0, 0, 0, 0, 0]),
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, _ = plots.diverging_likert(
            table, ["a"], LEVELS, groups=["All", "CE"], min_n=5, title="Set target: statements by role group"
        )
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title = fig._suptitle.get_window_extent(renderer)
    panel = fig.axes[0].title.get_window_extent(renderer)
    assert title.y0 >= panel.y1  # the figure's title sits above the panel's, not over it
    legend = fig.legends[0].get_window_extent(renderer)
    axis_label = fig.axes[0].xaxis.label.get_window_extent(renderer)
    assert legend.y1 <= axis_label.y0  # the legend sits under the axis label
    plt.close(fig)


def test_the_legend_gives_every_level_its_colour_even_when_no_bar_shows_it():
    """Report 03 on a generated survey: levels with no segment ('Never', 'Often', '3 of 6'...)
    were all drawn in matplotlib's default blue in the legend."""
    from matplotlib.colors import to_hex

    table = _protected([("a", "All", 40, [None, None, 10, 20, 6])])
    fig, _ = plots.diverging_likert(table, ["a"], LEVELS, groups=["All"], min_n=5)
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [*LEVELS, plots.SUPPRESSED_LABEL]
    shown = [to_hex(h.get_facecolor()).upper() for h in legend.legend_handles]
    assert shown == [*plots.likert_colours(5), plots.SUPPRESSED_COLOUR]
    plt.close(fig)


def test_a_battery_chart_shows_every_published_statement_with_an_all_respondents_panel():
    """The newcomer's battery chart of four statements drew one: the three whose role rows were
    suppressed (left out of the table by helpers.publication) were dropped although their All
    rows were published, and the chart had no All-respondents panel. The All panel comes first
    with every statement; a role panel marks a statement whose role row is not published."""
    from helpers.survey import attitudes

    everyone = attitudes.ALL
    table = _protected(
        [
            ("a", everyone, 40, [4, 6, 10, 10, 10]),
            ("a", "CE", 20, [0, 5, 5, 5, 5]),
            ("a", "CD", 20, [None, None, 5, 5, 5]),
            ("b", everyone, 40, [10, 10, 10, 5, None]),  # role rows not published
        ]
    )
    groups = attitudes.chart_groups(table, ["a", "b"], ["CE", "CD", "MD"])
    assert groups == [everyone, "CE", "CD"]  # MD publishes neither statement: no panel
    assert attitudes.chart_groups(table, ["b"], ["CE", "CD"]) == [everyone]
    fig, tidy = plots.diverging_likert(table, ["a", "b"], LEVELS, groups=groups, min_n=5, ncols=2)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == [everyone, "CE", "CD"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b"]
    texts = {ax.get_title(): [t.get_text() for t in ax.texts] for ax in fig.axes if ax.get_visible()}
    assert texts[everyone][-2:] == ["n=40", "n=40"]  # both statements drawn for all respondents
    assert texts["CE"][-2:] == ["n=20", "not shown (n=suppressed)"]
    assert texts["CD"][-2:] == ["n=20", "not shown (n=suppressed)"]
    b_roles = tidy[(tidy["item"] == "b") & (tidy["group"] != everyone)]
    assert b_roles["group"].tolist() == ["CE", "CD"] and not b_roles["drawn"].any()
    assert b_roles["n_valid"].isna().all() and b_roles["width"].isna().all()  # nothing drawn of it
    plt.close(fig)


TEN = [f"{i} of 10" for i in range(1, 11)]


def _drawn_quietly(draw):
    """Draw a chart with every warning an error (matplotlib's 'Tight layout not applied' reached
    report 03 as a pink box naming the local path of plots.py), then render it."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, tidy = draw()
        fig.canvas.draw()
    return fig, tidy


def _notes(fig):
    return [t for t in fig.texts if t is not fig._suptitle]


def _apart(fig):
    """The figure's title above every panel (its title, tick labels and axis label), its legend
    below every panel and its note below the legend: nothing overlaps (bounding boxes in pixels)."""
    renderer = fig.canvas.get_renderer()
    panels = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
    assert panels
    if fig._suptitle is not None:
        title = fig._suptitle.get_window_extent(renderer)
        assert all(title.y0 >= p.y1 for p in panels), (title, panels)
    if fig.legends:
        legend = fig.legends[0].get_window_extent(renderer)
        assert all(legend.y1 <= p.y0 for p in panels), (legend, panels)
        for text in _notes(fig):
            assert text.get_window_extent(renderer).y1 <= legend.y0
    for text in _notes(fig):  # the note: under the panels, inside the figure
        box = text.get_window_extent(renderer)
        assert box.y0 >= 0 and all(box.y1 <= p.y0 for p in panels)


def test_a_ten_level_one_statement_battery_of_all_respondents_only_is_laid_out_without_warning():
    """Instrument 77 (newcomer run 2): a 10-level battery of one statement, published for all
    respondents only and suppressed: the title ran over the 'All respondents' panel title, the
    three-row legend over the x tick labels, and 'Tight layout not applied' reached report 03."""
    # as published: only the all-respondents row, its n and all levels but one suppressed
    table = _protected([("a", "All respondents", None, [None] * 4 + [5] + [None] * 5)], levels=TEN)
    fig, _ = _drawn_quietly(
        lambda: plots.diverging_likert(
            table,
            ["a"],
            TEN,
            groups=["All respondents", "Chief executive", "Medical director"],
            ncols=2,
            min_n=5,
            item_labels={"a": "Statement 2 about clinic priority"},
            title="Set respect: statements by role group",
        )
    )
    _apart(fig)
    plt.close(fig)


def test_many_long_statements_in_five_panels_with_a_note_are_laid_out_without_warning():
    groups = ["All respondents", "Chief executive", "Medical director", "Clinical director", "DM"]
    long = "a statement about how doctors and managers see each other's priorities in the hospital"
    rows = []
    for i in range(12):
        for g in groups:
            counts = [0] * 10 if g == "DM" else [5, 6, None, 7, 8, 9, 5, 6, 7, 8]
            rows.append((f"s{i}", g, 0 if g == "DM" else 80, counts))
    table = _protected(rows, levels=TEN)
    items = [f"s{i}" for i in range(12)]
    fig, _ = _drawn_quietly(
        lambda: plots.diverging_likert(
            table,
            items,
            TEN,
            groups=groups,
            ncols=2,
            min_n=5,
            item_labels={s: f"{s}: {long}" for s in items},
            title="A battery whose name is long: " + "statements by role group " * 4,
        )
    )
    assert [t.get_text() for t in _notes(fig)] == ["DM has no respondents (n=0) and is not shown."]
    _apart(fig)
    plt.close(fig)


def test_one_long_question_by_role_is_laid_out_without_warning():
    question = (
        "How would you rate the voice of clinicians in the decisions on finance of the trust this year?"
    )
    table = _protected(
        [("q", g, 40, [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]) for g in ("All", "CE", "MD")], levels=TEN
    )
    fig, _ = _drawn_quietly(
        lambda: plots.diverging_likert(
            table, ["q"], TEN, groups=["All", "CE", "MD"], rows="group", wrap=30, item_labels={"q": question}
        )
    )
    _apart(fig)
    plt.close(fig)


def _then_now(run_pct):
    rows = [
        ("Rate relationships positive", g, "2002 (published)", 47.0, 40.0, 54.0) for g in ("All", "CE")
    ] + [("Rate relationships positive", g, "This run", run_pct, np.nan, np.nan) for g in ("All", "CE")]
    return pd.DataFrame(rows, columns=["measure", "group", "source", "pct", "ci_low", "ci_high"])


def test_then_and_now_names_no_source_without_points_in_its_legend_and_says_why():
    """Newcomer run 2: every figure of this run suppressed, the legend still listed 'This run'
    with no point anywhere in the chart."""
    order = ["2002 (published)", "2015 (published)", "This run"]
    fig, drawn = _drawn_quietly(
        lambda: plots.then_vs_now(_then_now(np.nan), source_order=order, title="Then and now")
    )
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["2002 (published)"]
    assert [t.get_text() for t in _notes(fig)] == [
        "This run: no point drawn (every figure suppressed under the disclosure rule)."
    ]
    assert set(drawn["source"]) == {"2002 (published)"}
    _apart(fig)
    plt.close(fig)
    fig, _ = _drawn_quietly(
        lambda: plots.then_vs_now(_then_now(60.0), source_order=order, title="Then and now")
    )
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["2002 (published)", "This run"]
    assert _notes(fig) == []
    _apart(fig)
    plt.close(fig)


def test_then_vs_now_note_names_only_sources_whose_figures_are_all_withheld():
    table = _then_now(np.nan)
    assert plots.then_vs_now_note(table) == (
        "This run: no point drawn (every figure suppressed under the disclosure rule)."
    )
    table.loc[table["group"] == "CE", "pct"] = 60.0  # one of this run's figures published
    assert plots.then_vs_now_note(table) == ""
    assert plots.then_vs_now_note(table, ["2015 (published)"]) == ""  # not in the table: nothing to say


def test_a_one_statement_forest_plot_is_laid_out_without_warning():
    """A survey with one modelled statement: the legend, anchored under the axes, ran into the
    axis label and tight_layout printed 'Tight layout not applied' (a local path in the report)."""
    table = pd.DataFrame(
        {
            "row": ["a", "a"],
            "series": ["CE", "MD"],
            "estimate": [2.0, 0.5],
            "ci_low": [1.0, 0.2],
            "ci_high": [4.0, 1.1],
        }
    )
    fig, _ = _drawn_quietly(
        lambda: plots.forest(
            table, title="Odds of a higher answer than clinical directors (95% CIs), adjusted for covariates"
        )
    )
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["CE", "MD"]
    _apart(fig)
    plt.close(fig)
