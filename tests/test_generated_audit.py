"""Slow tier (issues 11 and 13): the enforcing intruder audit on generated instruments with tiny
role groups (0-3 people), in-process: the survey tables notebooks 02 and 03 publish that the LP
audit reads together (the attitude table, respondents by role, item non-response, the data
dictionary, the flow, the role recodes), at thresholds 5 and 10 and under the NHS rule. Before
the publication design for small role groups (helpers.publication) seeds 3, 11 and 42 leaked
38/41/35, 4/5/18 and 3/6/17 cells; seed 3 (11 respondents) at threshold 10 and under the NHS
rule still leaked 5 (its one item's All row suppressed entirely) until items that no pattern
protects were withheld (helpers.survey.attitudes.withholding). The whole pipeline runs the same
audit in tests/test_generated_pipeline.py."""

from __future__ import annotations

import pytest

from helpers import audit, disclosure
from helpers.survey import attitudes as A
from helpers.survey import describe
from tests.generated import read_and_clean

pytestmark = pytest.mark.slow

RULES = [("threshold", 5), ("threshold", 10), ("nhs", 8)]


def release(seed: int, rule: disclosure.Rule, tmp_path):
    """The published survey tables of one generated instrument, as the notebooks write them."""
    inst, layout, export, codebook, result = read_and_clean(seed, tmp_path / "data")
    clean = result.clean
    withheld = A.withheld_items(clean, A.items_from_codebook(codebook), rule)  # as notebooks 02 and 03
    items, _ = A.without_withheld(A.items_from_codebook(codebook), {}, withheld)
    by_role, log = A.protect_by_role(
        A.by_role(clean, items), disclosure.Rule(rule.rule, rule.min_count, None)
    )
    tables = {
        "attitudes_by_role": A.tidy_numbers(by_role),
        "attitudes_suppression_summary": A.suppression_summary(log),
        "survey_respondents_by_role": describe.publish_respondents_by_role(clean, rule),
        "survey_item_nonresponse": describe.suppress_small_counts(
            A.drop_withheld(describe.item_nonresponse(clean, codebook), withheld), rule
        ),
        "survey_data_dictionary": describe.suppress_small_counts(
            A.drop_withheld(describe.data_dictionary(clean, codebook), withheld, column="variable"), rule
        ),
        "survey_flow": describe.protect_flow(result.flow, rule),
        "survey_role_recodes": disclosure.suppress(result.role_recodes, ["n_matched"], rule=rule),
    }
    if len(withheld):
        tables["survey_withheld_items"] = withheld
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    for name, table in tables.items():
        table.to_csv(folder / "tables" / f"{name}.csv", index=False)
    return folder


CASES = [(seed, name, m) for seed in (3, 11, 42) for name, m in RULES]


@pytest.mark.parametrize(("seed", "name", "min_count"), CASES)
def test_generated_instruments_pass_the_enforcing_audit(tmp_path, seed, name, min_count):
    rule = disclosure.Rule(name, min_count, "*")
    result = audit.audit_release(release(seed, rule, tmp_path), rule, enforce=True)
    assert result.leaks == []
    withheld = [f.path for f in result.files if f.kind == "withheld item"]
    # seed 3 has 11 respondents and one item: at 10 and under the NHS rule its every answer
    # count would be suppressed (before: 5 leaks, strict xfail), so it is withheld
    assert withheld == (["(withheld) q_rota"] if seed == 3 and min_count > 5 else withheld)
