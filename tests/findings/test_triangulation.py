"""Triangulation matrix: the team's mapping checked against the strand tables; silences derived."""

import pandas as pd
import pytest

from helpers.files import InputError
from helpers.findings import triangulation as tri

HEADER = "survey_item,theme,judgement,rationale\n"


def attitudes():
    # two items; b has no valid answers anywhere
    rows = [
        ("a", "Q a", "all", "All respondents", 100, 60, 60.0, 50.2, 69.1),
        ("a", "Q a", "role", "Chief executive", 40, 30, 75.0, 59.8, 85.8),
        ("a", "Q a", "role", "Clinical director", 60, 30, 50.0, 37.7, 62.3),
        ("b", "Q b", "all", "All respondents", 0, 0, None, None, None),
        ("c", "Q c", "all", "All respondents", 10, 5, 50.0, 23.7, 76.3),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "item",
            "question",
            "group_type",
            "group",
            "n_valid",
            "n_agree",
            "pct_agree",
            "ci_low",
            "ci_high",
        ],
    )


def themes():
    return pd.DataFrame(
        [
            ("Turnover", "board member", 2, 1),
            ("Turnover", "clinical director", 3, 2),
            ("Pressures", "board member", 0, 0),
            ("Pressures", "clinical director", 0, 0),
            ("Identity", "clinical director", 4, 3),
        ],
        columns=["theme", "role", "references", "participants"],
    )


def write(tmp_path, text):
    path = tmp_path / "map.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_mapping_normalises_judgement_and_numbers_rows(tmp_path):
    m = tri.read_mapping(write(tmp_path, HEADER + "a, Turnover ,Convergence ,why\nb,Identity,silence,\n"))
    assert m.to_dict("records") == [
        {"row": 2, "survey_item": "a", "theme": "Turnover", "judgement": "convergence", "rationale": "why"},
        {"row": 3, "survey_item": "b", "theme": "Identity", "judgement": "silence", "rationale": ""},
    ]


def test_read_mapping_without_rationale_column(tmp_path):
    m = tri.read_mapping(write(tmp_path, "survey_item,theme,judgement\na,Turnover,dissonance\n"))
    assert list(m["rationale"]) == [""]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "survey_item,judgement\na,convergence\n",
            r"map\.csv, column 'theme': missing column\(s\) theme; expected survey_item, theme, judgement\[, rationale\]",
        ),
        (
            HEADER + "a,Turnover,agreement,\n",
            r"map\.csv, row 2, column 'judgement': judgement must be one of convergence, complementarity, dissonance, silence \(found 'agreement'\)",
        ),
        (
            HEADER + "a,Turnover,convergence,\n,Identity,silence,\n",
            r"map\.csv, row 3, column 'survey_item': empty cell",
        ),
        (
            HEADER + "a,Turnover,convergence,\nc,Identity,silence,\nA,turnover,dissonance,\n",
            r"map\.csv, row 4, column 'theme': the same item and theme are mapped twice \(first at row 2\) \(found 'A / turnover'\)",
        ),
        (HEADER, r"map\.csv: the mapping has no rows"),
    ],
)
def test_read_mapping_errors_name_file_row_column_value(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        tri.read_mapping(write(tmp_path, text))


def test_unknown_item_or_theme_names_mapping_row(tmp_path):
    path = write(tmp_path, HEADER + "a,Turnover,convergence,\nzz,Turnover,convergence,\n")
    with pytest.raises(
        InputError,
        match=r"map\.csv, row 3, column 'survey_item': survey item not in attitudes_by_role \(known: a, b, c\) \(found 'zz'\)",
    ):
        tri.build(tri.read_mapping(path), attitudes(), themes(), mapping_file=path)
    path = write(tmp_path, HEADER + "a,Turnvoer,convergence,\n")
    with pytest.raises(
        InputError,
        match=r"row 2, column 'theme': theme not in themes_by_role \(known: Turnover; Pressures; Identity\) \(found 'Turnvoer'\)",
    ):
        tri.build(tri.read_mapping(path), attitudes(), themes(), mapping_file=path)


def test_build_adds_silences_and_keeps_team_judgement(tmp_path):
    path = write(
        tmp_path,
        HEADER + "a,Turnover,convergence,both\na,Pressures,dissonance,x\nb,Identity,complementarity,y\n",
    )
    role_tests = pd.DataFrame({"item": ["a", "b", "c"], "p_holm": [0.01, 0.5, 0.5]})
    long = tri.build(tri.read_mapping(path), attitudes(), themes(), mapping_file=path, role_tests=role_tests)
    got = long[["survey_item", "theme", "judgement", "team_judgement"]].to_records(index=False).tolist()
    assert got == [
        ("a", "Turnover", "convergence", "convergence"),
        ("a", "Pressures", "silence", "dissonance"),  # nobody raised Pressures in this run
        ("b", "Identity", "silence", "complementarity"),  # item b has no valid answers
        ("c", "(none)", "silence", ""),  # item mapped to no theme
    ]
    assert long.loc[1, "origin"] == "mapping row 3: no participant raised the theme in this run"
    assert long.loc[2, "origin"] == "mapping row 4: the item has no valid answers"
    # survey evidence copied from the table: pooled estimate, then highest and lowest role
    assert long.loc[0, "survey_evidence"] == (
        "All respondents 60% (50 to 69); highest Chief executive 75% (60 to 86), "
        "lowest Clinical director 50% (38 to 62)"
    )
    # no role test (or a non-significant one): no highest or lowest role is named (issue 14)
    plain = tri.build(tri.read_mapping(path), attitudes(), themes(), mapping_file=path)
    assert plain.loc[0, "survey_evidence"] == "All respondents 60% (50 to 69)"
    assert (
        long.loc[0, "qualitative_evidence"]
        == "5 references from 3 participants (board member, clinical director)"
    )


def test_theme_without_item_is_survey_silence_and_matrix_layout(tmp_path):
    path = write(tmp_path, HEADER + "a,Turnover,convergence,\nc,Turnover,complementarity,\n")
    long = tri.build(tri.read_mapping(path), attitudes(), themes(), mapping_file=path)
    tail = (
        long[long["survey_item"] == "(none)"][["theme", "judgement", "origin"]]
        .to_records(index=False)
        .tolist()
    )
    assert tail == [
        ("Pressures", "silence", "derived: theme in the interviews, mapped to no survey item"),
        ("Identity", "silence", "derived: theme in the interviews, mapped to no survey item"),
    ]
    grid = tri.matrix(long, ["Turnover", "Pressures", "Identity"])
    assert list(grid.columns) == ["Turnover", "Pressures", "Identity", "(none)"]
    assert list(grid.index) == ["a", "b", "c", "(none)"]
    assert grid.loc["a"].tolist() == ["convergence", "", "", ""]
    assert grid.loc["b"].tolist() == ["", "", "", "silence"]
    assert grid.loc["(none)"].tolist() == ["", "silence", "silence", ""]
    assert tri.counts(long).to_dict("records") == [
        {"judgement": "convergence", "cells": 1},
        {"judgement": "complementarity", "cells": 1},
        {"judgement": "dissonance", "cells": 0},
        {"judgement": "silence", "cells": 3},
    ]


def test_figure_has_one_text_per_filled_cell(tmp_path):
    path = write(tmp_path, HEADER + "a,Turnover,convergence,\n")
    grid = tri.matrix(tri.build(tri.read_mapping(path), attitudes(), themes(), mapping_file=path))
    fig = tri.figure(grid, {"a": "Question a"})
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == sorted(v for v in grid.to_numpy().ravel() if v)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Question a", "b", "c", "no survey item"]


def test_demo_mapping_file_reads_and_is_marked_synthetic():
    from helpers import paths

    path = paths.project_root() / "data" / "raw" / "demo" / "findings" / "triangulation_map.csv"
    m = tri.read_mapping(path)
    assert len(m) == 13 and set(m["judgement"]) == set(tri.JUDGEMENTS)
    assert m["rationale"].str.startswith("SYNTHETIC EXAMPLE").all()


def test_figure_labels_each_item_by_its_whole_text_on_at_most_two_lines(tmp_path):
    path = write(tmp_path, HEADER + "a,Turnover,convergence,\n")
    grid = tri.matrix(tri.build(tri.read_mapping(path), attitudes(), themes(), mapping_file=path))
    long_text = (
        "How would you rate relationships between doctors and managers in your organisation? "
        "(1 poor to 5 excellent)"
    )
    much_longer = " ".join(["Managers in my organisation put patient care first"] * 4)
    fig = tri.figure(grid, {"a": long_text, "b": much_longer})
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert shown[0] == (
        "How would you rate relationships between doctors and managers in your\norganisation? (1 poor to 5 excellent)"
    )
    # every word kept, in order, on two lines at most; never an ellipsis
    for label, text in zip(shown[:2], (long_text, much_longer)):
        assert label.replace("\n", " ") == text and label.count("\n") <= 1 and "\u2026" not in label
    assert tri.wrap_label("short") == "short"


def test_the_grid_is_sized_for_a_slide_and_its_text_for_reading():
    """Issue 15: on the 1280 x 720 slide the grid's labels read at about 10 px. Fifteen items
    on single lines and six themes: the figure fits 1200 x 560 px (the deck's frame) at a scale
    where the labels are at least 14 px and the judgements 11 px."""
    import matplotlib

    matplotlib.use("Agg")
    items = [f"Statement number {i} about doctors and managers in my organisation" for i in range(15)]
    themes = ["Combining clinical and managerial work", "Professional identity", "B", "C", "D", "no theme"]
    grid = pd.DataFrame("", index=items, columns=themes)
    grid.iloc[0, 0] = "complementarity"
    fig = tri.figure(grid)
    w, h = (x * 150 for x in fig.get_size_inches())  # saved at 150 dpi (helpers.outputs)
    scale = min(560 / h, 1200 / w)
    assert scale * tri.FONT["label"] * 150 / 72 >= 14 and scale * tri.FONT["cell"] * 150 / 72 >= 11
    assert all(t.get_fontsize() == tri.FONT["label"] for t in fig.axes[0].get_yticklabels())
    assert [t.get_text().count("\n") for t in fig.axes[0].get_yticklabels()] == [0] * 15
    # the longest judgement fits inside its cell
    fig.canvas.draw()
    cell = next(t for t in fig.axes[0].texts if t.get_text() == "complementarity")
    box = cell.get_window_extent()
    left, right = fig.axes[0].transData.transform([(-0.5, 0), (0.5, 0)])[:, 0]
    assert left <= box.x0 and box.x1 <= right
