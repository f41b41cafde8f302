"""Property: whatever the export holds, every raw row ends up clean or excluded, exactly once."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.survey.cleaning import clean_survey
from helpers.survey.codebook import load_codebook

COLUMNS = [
    "StartDate",
    "Status",
    "Progress",
    "Duration (in seconds)",
    "Email",
    "Q1",
    "Q2",
    "Q2_7_TEXT",
    "Q3_1",
    "Q3_2",
]

row = st.fixed_dictionaries(
    {
        "StartDate": st.sampled_from(["2015-01-01 09:00:00", "2015-02-01 09:00:00", ""]),
        "Status": st.sampled_from(["0", "1", "2", "8", "Survey Preview", "IP Address"]),
        "Progress": st.sampled_from(["100", "90", "50", "0", ""]),
        "Duration (in seconds)": st.sampled_from(["600", "100", "1500", ""]),
        "Email": st.sampled_from(["", "a@x.org", " A@X.org", "b@y.org"]),
        "Q1": st.sampled_from(["1", "2", ""]),
        "Q2": st.sampled_from(["1", "2", "3", "4", "7", ""]),
        "Q2_7_TEXT": st.sampled_from(["", "chief exec", "General Manager", "Nurse"]),
        "Q3_1": st.sampled_from(["1", "2", "3", "9", "-99", "", "Agree"]),
        "Q3_2": st.sampled_from(["1", "2", "3", "9", "-99", ""]),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=0, max_size=25),
    exclude_speeders=st.booleans(),
    exclude_straightliners=st.booleans(),
    min_progress=st.sampled_from([0, 80, 100]),
)
def test_raw_equals_clean_plus_excluded(
    tiny_codebook_path, rows, exclude_speeders, exclude_straightliners, min_progress
):
    data = pd.DataFrame(
        rows, columns=COLUMNS, index=pd.RangeIndex(4, 4 + len(rows), name="source_row")
    ).fillna("")
    cfg = {
        "min_progress": min_progress,
        "duplicate_keys": ["email"],
        "straightline_min_items": 2,
        "exclude_speeders": exclude_speeders,
        "exclude_straightliners": exclude_straightliners,
    }
    result = clean_survey(data, load_codebook(tiny_codebook_path), cfg, "e.csv")
    assert len(result.clean) + len(result.exclusions) == len(data)
    assert result.exclusions["source_row"].is_unique
    excluded_by_step = result.exclusions.groupby("step").size()
    flow = result.flow.set_index("step")["excluded"]
    assert (flow[flow > 0] == excluded_by_step.reindex(flow[flow > 0].index)).all()
    assert flow.sum() == len(result.exclusions)
    remaining = result.flow["remaining"].tolist()
    assert remaining[0] == len(data) and remaining[-1] == len(result.clean)
    assert all(a - e == b for a, b, e in zip(remaining, remaining[1:], result.flow["excluded"].tolist()[1:]))
    assert result.clean["respondent"].is_unique
