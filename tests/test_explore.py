"""helpers.explore.share: ad-hoc shares with intervals, through the published tables' disclosure rules."""

import math

import pandas as pd
import pytest

from helpers import explore

SCALE = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]
PARAMS = {"disclosure": {"rule": "threshold", "min_count": 5, "marker": "*"}}


def data() -> pd.DataFrame:
    # B: 12 answered in Scotland, 7 agree (4 Agree + 3 Strongly agree), 5 do not.
    # A: 10 answered, 6 agree, 4 do not (a remainder of 4 would disclose: agree is suppressed).
    # C: 3 answered (suppressed). One B row in Wales and one unanswered B row are left out.
    rows = (
        [("B", "Scotland", "Agree")] * 4
        + [("B", "Scotland", "Strongly agree")] * 3
        + [("B", "Scotland", "Disagree")] * 5
        + [("A", "Scotland", "Agree")] * 6
        + [("A", "Scotland", "Neither")] * 4
        + [("C", "Scotland", "Agree")] * 3
        + [("B", "Wales", "Agree"), ("B", "Scotland", None)]
    )
    frame = pd.DataFrame(rows, columns=["role", "nation", "item"])
    frame["item"] = pd.Categorical(frame["item"], categories=SCALE, ordered=True)
    return frame


def wilson(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval by its formula (independent of statsmodels)."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_share_by_group_with_intervals_and_suppression():
    table = explore.share(data(), "item", by=["role"], where={"nation": "Scotland"}, params=PARAMS)
    low, high = wilson(7, 12)
    assert (round(low), round(high)) == (32, 81)
    assert table.to_dict("records") == [
        {"role": "A", "answered": "10", "agree": "*", "% agree (95% CI)": "*"},
        {"role": "B", "answered": "12", "agree": "7", "% agree (95% CI)": "58% (32 to 81)"},
        {"role": "C", "answered": "*", "agree": "*", "% agree (95% CI)": "*"},
    ]
    assert table.attrs["agree_levels"] == ["Agree", "Strongly agree"]


def test_one_group_question_and_explicit_agree_levels():
    table = explore.share(data(), "item", where={"nation": "Scotland", "role": "B"}, params=PARAMS)
    assert table.to_dict("records") == [
        {"group": "All", "answered": "12", "agree": "7", "% agree (95% CI)": "58% (32 to 81)"}
    ]
    only_strong = explore.share(
        data(), "item", where={"role": "B"}, agree=["Strongly agree"], params=PARAMS
    )  # 13 answered (Wales too), 3 strongly agree: suppressed
    assert only_strong.to_dict("records") == [
        {"group": "All", "answered": "13", "agree": "*", "% agree (95% CI)": "*"}
    ]


def test_unknown_columns_and_unordered_items_are_refused():
    with pytest.raises(KeyError, match="not in the data: region"):
        explore.share(data(), "item", by=["region"], params=PARAMS)
    plain = data().assign(item=lambda d: d["item"].astype(str))
    with pytest.raises(ValueError, match=r"item: not an ordered answer scale; say which answers count"):
        explore.share(plain, "item", params=PARAMS)
