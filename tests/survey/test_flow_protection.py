"""Issue 13, leak 4: the flow of responses printed the count of respondents whose role is outside
the four groups (4) that the role-recode table suppresses. Small cleaning steps are now merged
with their neighbour (helpers.survey.describe.protect_flow), and the audit scans the flow's
counts like any count of people."""

import pandas as pd
import pytest

from helpers import audit, disclosure, qa_log
from helpers.survey import describe

ROLE_STEP = "Role not in the study's four groups"


def demo_flow():
    """The demo's flow (notebook 02), as cleaning.clean_survey returns it."""
    return pd.DataFrame(
        {
            "step": [
                "Responses in the export",
                "Preview, test or spam response",
                "Did not consent",
                "Partial response (progress below 80%)",
                "Duplicate respondent",
                ROLE_STEP,
            ],
            "excluded": [0, 6, 6, 25, 8, 4],
            "remaining": [521, 515, 509, 484, 476, 472],
        }
    )


def _release(tmp_path, flow):
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    flow.to_csv(folder / "tables" / "survey_flow.csv", index=False)
    pd.DataFrame(
        {
            "rule": ["chief exec", "(no rule matched)"],
            "role": ["Chief executive", "Other"],
            "n_matched": ["*", "*"],
        }
    ).to_csv(folder / "tables" / "survey_role_recodes.csv", index=False)
    return folder


def test_the_audit_reads_the_flow_and_finds_the_small_step(tmp_path):
    """On the flow as published before, the audit finds the printed 4 (the role-recode table's
    suppressed '(no rule matched)' count); on the protected flow it finds nothing."""
    rule = disclosure.Rule("threshold", 5)
    with pytest.raises(audit.AuditFailure, match=r"survey_flow.csv row 6, excluded: count 1-4 shown"):
        audit.audit_release(_release(tmp_path, demo_flow()), rule, enforce=True)
    protected = describe.protect_flow(demo_flow(), rule)
    audit.audit_release(_release(tmp_path / "after", protected), rule, enforce=True)


def test_protect_flow_merges_small_steps_with_their_neighbour():
    out = describe.protect_flow(demo_flow(), disclosure.Rule("threshold", 5))
    assert out.values.tolist() == [
        ["Responses in the export", 0, 521],
        ["Preview, test or spam response", 6, 515],
        ["Did not consent", 6, 509],
        ["Partial response (progress below 80%)", 25, 484],
        [f"Duplicate respondent; {ROLE_STEP}", 12, 472],
    ]
    ten = describe.protect_flow(demo_flow(), disclosure.Rule("threshold", 10))
    assert ten.values.tolist() == [
        ["Responses in the export", 0, 521],
        ["Preview, test or spam response; Did not consent", 12, 509],
        [f"Partial response (progress below 80%); Duplicate respondent; {ROLE_STEP}", 37, 472],
    ]
    nhs = describe.protect_flow(demo_flow(), disclosure.Rule("nhs", 5))
    assert nhs.values.tolist() == [
        ["Responses in the export", 0, 520],
        ["Preview, test or spam response; Did not consent", 10, 510],
        ["Partial response (progress below 80%)", 25, 485],
        [f"Duplicate respondent; {ROLE_STEP}", 10, 470],
    ]
    # nothing excluded at all: unchanged
    none = demo_flow().assign(excluded=0)
    pd.testing.assert_frame_equal(describe.protect_flow(none, disclosure.Rule("threshold", 5)), none)


def test_qa_log_reads_merged_steps_against_the_exclusion_log():
    flow = describe.protect_flow(demo_flow(), disclosure.Rule("threshold", 5))
    steps = demo_flow()["step"].tolist()[1:]
    excl = pd.DataFrame({"step": [s for s, n in zip(steps, [6, 6, 25, 8, 4]) for _ in range(n)]})
    out = qa_log.exclusion_entries(flow, excl)
    assert (
        out[-1]["description"] == f"Responses excluded at cleaning step: Duplicate respondent; {ROLE_STEP}."
    )
    assert out[-1]["evidence"] == "12 of 521 exported rows"
    with pytest.raises(ValueError, match="excluded 12 responses but the exclusion log lists 11"):
        qa_log.exclusion_entries(flow, excl.iloc[:-1])


def test_few_exclusions_in_all_are_suppressed_with_the_export_size(tmp_path):
    """A generated instrument (seed 3): 13 responses, 2 excluded over two steps; merging cannot
    reach 5, so the count and the export's size (13 - 11 would give it) are left empty."""
    flow = pd.DataFrame(
        {
            "step": ["Responses in the export", "Did not consent", "Partial response"],
            "excluded": [0, 1, 1],
            "remaining": [13, 12, 11],
        }
    )
    out = describe.protect_flow(flow, disclosure.Rule("threshold", 5))
    assert out.values.tolist() == [
        ["Responses in the export", 0, None],
        ["Did not consent; Partial response", None, 11],
    ]
    audit.audit_release(_release(tmp_path, out), disclosure.Rule("threshold", 5), enforce=True)
