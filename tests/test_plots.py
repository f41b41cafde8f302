import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from helpers import plots  # noqa: E402

LEVELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def _data():
    # Role given in an order different from the category order (the seaborn/pandas pitfall).
    roles = pd.Categorical(
        ["Clinical director"] * 5 + ["Chief executive"] * 4,
        categories=["Chief executive", "Clinical director"],
    )
    a = [
        "Agree",
        "Strongly agree",
        "Disagree",
        "Agree",
        None,
        "Agree",
        "Agree",
        "Strongly agree",
        "Neither agree nor disagree",
    ]
    b = [
        "Strongly disagree",
        "Disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Agree",
        "Disagree",
        None,
        "Strongly disagree",
    ]
    cat = pd.CategoricalDtype(LEVELS, ordered=True)
    return pd.DataFrame({"role": roles, "a": pd.Series(a, dtype=cat), "b": pd.Series(b, dtype=cat)})


def test_likert_table_matches_crosstab_and_is_centred():
    d = _data()
    tidy = plots.likert_table(d, ["b", "a"], LEVELS, group="role", item_labels={"a": "Item A"})
    for item in ("a", "b"):
        expected = (
            pd.crosstab(d["role"], d[item], normalize="index", dropna=True).reindex(
                columns=LEVELS, fill_value=0
            )
            * 100
        )
        got = tidy[tidy["item"] == item].pivot(index="group", columns="level", values="pct")
        got = got.reindex(index=["Chief executive", "Clinical director"], columns=LEVELS)
        assert np.allclose(got.to_numpy(), expected.reindex(index=got.index).to_numpy())
    cd_a = tidy[(tidy["item"] == "a") & (tidy["group"] == "Clinical director")]
    # CD answers to a: SD 0, D 1, N 0, A 2, SA 1 of 4 valid -> 0, 25, 0, 50, 25 %; centre at -(0 + 25 + 0/2)
    assert cd_a["n"].tolist() == [0, 1, 0, 2, 1] and set(cd_a["n_valid"]) == {4}
    assert cd_a["left"].tolist() == [-25.0, -25.0, 0.0, 0.0, 50.0]
    assert cd_a["width"].tolist() == [0.0, 25.0, 0.0, 50.0, 25.0]
    ce_b = tidy[(tidy["item"] == "b") & (tidy["group"] == "Chief executive")]
    # CE b: A, D, SD (one missing): 33.3 each; neutral 0 -> bar from -66.7 to 33.3
    assert ce_b["left"].iloc[0] == pytest.approx(-200 / 3) and ce_b["left"].iloc[-1] == pytest.approx(100 / 3)
    # a (pooled 5/8 agree) is sorted above b (1/8): order 0 then 1; groups in category order.
    assert tidy.drop_duplicates("item")[["item", "order", "label"]].values.tolist() == [
        ["a", 0, "Item A"],
        ["b", 1, "b"],
    ]
    assert list(dict.fromkeys(tidy["group"])) == ["Chief executive", "Clinical director"]
    with pytest.raises(ValueError, match="item 'x' has values not among the levels: Yes"):
        plots.likert_table(pd.DataFrame({"x": ["Yes"]}), ["x"], LEVELS)


def test_diverging_likert_draws_the_tidy_table():
    d = _data()
    fig, tidy = plots.diverging_likert(d, ["a", "b"], LEVELS, group="role", min_n=4)
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["Chief executive", "Clinical director"]
    for ax, g in zip(axes, ["Chief executive", "Clinical director"]):
        sub = tidy[(tidy["group"] == g) & tidy["drawn"]]
        bars = sorted(
            (round(p.get_y() + p.get_height() / 2), round(p.get_x(), 6), round(p.get_width(), 6))
            for p in ax.patches
        )
        expected = sorted((int(r.order), round(r.left, 6), round(r.width, 6)) for r in sub.itertuples())
        assert bars == expected
    # CE has 3 valid answers to b: below min_n, not drawn, and the label says so.
    texts = [t.get_text() for t in axes[0].texts if t.get_text().startswith("n=")]
    assert texts == ["n=4", "n=3: not shown"]
    assert [t.get_text() for t in axes[1].texts if t.get_text().startswith("n=")] == ["n=4", "n=5"]
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["a", "b"]
    # Segment numbers: CE a = 1 neutral, 2 agree, 1 strongly agree: all below min_n=4 people -> no numbers.
    assert [t.get_text() for t in axes[0].texts if not t.get_text().startswith("n=")] == []
    fig2, _ = plots.diverging_likert(d, ["a"], LEVELS, group="role", min_n=1)
    assert [t.get_text() for t in fig2.axes[0].texts if not t.get_text().startswith("n=")] == [
        "25",
        "50",
        "25",
    ]
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
