"""Screening log: reading and checking, final decisions, agreement (kappa by hand), conflicts."""

import pytest

from helpers import numbers, stats
from helpers.files import InputError
from helpers.literature import screening

IDS = {f"r{i}": f"r{i}" for i in range(1, 13)} | {"dup": "r1"}
REASONS = ["not empirical", "wrong setting"]
HEADER = "record_id,stage,reviewer,decision,reason,note\n"


def write(tmp_path, body):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


# Dual-screened sample of 10 at title/abstract, R1 vs R2:
#   r1-r3 include/include, r4 include/exclude, r5-r9 exclude/exclude, r10 exclude/include
# Hand computation: agreement 8/10 = 0.80; marginals R1 4 include/6 exclude, R2 4/6;
# chance agreement 0.4*0.4 + 0.6*0.6 = 0.52; kappa = (0.80 - 0.52) / (1 - 0.52) = 0.5833.
def dual_sample():
    rows = []
    a = ["include"] * 4 + ["exclude"] * 6
    b = ["include"] * 3 + ["exclude"] * 6 + ["include"]
    for i, (x, y) in enumerate(zip(a, b), start=1):
        rows.append(f"r{i},title_abstract,R1,{x},,")
        rows.append(f"r{i},title_abstract,R2,{y},,")
    rows.append("r4,title_abstract,consensus,include,,discussed")
    rows.append("r11,title_abstract,R1,include,,")  # single screened
    # r10 conflict left unresolved; r12 has no decision at all
    rows += [
        "r1,full_text,R1,include,,",
        "r1,full_text,R2,exclude,wrong setting,",
        "r1,full_text,consensus,include,,",
        "r2,full_text,R1,exclude,not empirical,",
        "r2,full_text,R2,exclude,not empirical,",
        "r3,full_text,R2,not_retrieved,,",
        "dup,full_text,R1,include,,",
    ]  # 'dup' is a duplicate of r1: cited by any id of the group
    return "\n".join(rows[:-1]) + "\n" + "r11,full_text,R2,include,,\n"


def test_decisions_and_flags(tmp_path):
    log = screening.read_screening_log(write(tmp_path, dual_sample()), IDS, reasons=REASONS)
    d = screening.decisions(log, [f"r{i}" for i in range(1, 13)]).set_index("unique_id")
    assert d["status"].to_dict() == {
        "r1": "included",
        "r2": "excluded_full_text",
        "r3": "not_retrieved",
        "r4": "awaiting_full_text",
        "r5": "excluded_screening",
        "r6": "excluded_screening",
        "r7": "excluded_screening",
        "r8": "excluded_screening",
        "r9": "excluded_screening",
        "r10": "awaiting_screening",
        "r11": "included",
        "r12": "awaiting_screening",
    }
    assert d.loc["r2", "exclusion_reason"] == "not empirical"
    assert d.loc["r10", "flag"] == "unresolved title/abstract conflict (rows 20, 21)"
    assert d.loc["r12", "flag"] == "no title/abstract decision"
    assert d.loc["r4", "flag"] == "included at title/abstract, no full-text decision"
    assert d.loc["r11", "title_abstract_mode"] == "single"


def test_agreement_matches_hand_computation(tmp_path):
    log = screening.read_screening_log(write(tmp_path, dual_sample()), IDS, reasons=REASONS)
    ag = screening.agreement(log).set_index("stage")
    ta = ag.loc["title_abstract"]
    assert (
        ta["dual_screened"],
        ta["agreements"],
        ta["single_screened"],
        ta["conflicts"],
        ta["unresolved"],
    ) == (10, 8, 1, 2, 1)
    assert ta["percent_agreement"] == 80.0
    assert ta["kappa"] == 0.58  # (0.80 - 0.52) / 0.48 = 0.5833, published at 2 decimals (helpers.numbers)
    ref = stats.cohens_kappa(
        ["include"] * 4 + ["exclude"] * 6, ["include"] * 3 + ["exclude"] * 6 + ["include"]
    )
    assert (ta["kappa_ci_low"], ta["kappa_ci_high"]) == (
        numbers.rounded(ref.ci_low, "effect_size"),
        numbers.rounded(min(ref.ci_high, 1), "effect_size"),
    )
    ft = ag.loc["full_text"]
    # full text: r1 include/exclude, r2 exclude/exclude -> 1 of 2 agree; r3 (not retrieved) is no judgement
    assert (ft["dual_screened"], ft["agreements"], ft["percent_agreement"], ft["conflicts"]) == (
        2,
        1,
        50.0,
        1,
    )


def test_conflicts_table(tmp_path):
    log = screening.read_screening_log(write(tmp_path, dual_sample()), IDS, reasons=REASONS)
    c = screening.conflicts(log)
    assert c[["unique_id", "stage", "decision_a", "decision_b", "resolution"]].values.tolist() == [
        ["r4", "title_abstract", "include", "exclude", "include"],
        ["r10", "title_abstract", "exclude", "include", "unresolved"],
        ["r1", "full_text", "include", "exclude", "include"],
    ]


def test_record_cited_by_duplicate_id(tmp_path):
    log = screening.read_screening_log(write(tmp_path, "dup,title_abstract,R1,include,,\n"), IDS)
    assert log[["record_id", "unique_id", "row"]].values.tolist() == [["dup", "r1", 2]]


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "zz,title_abstract,R1,include,,\n",
            r"log\.csv, row 2, column 'record_id': unknown record id .*\(found 'zz'\)",
        ),
        (
            "r1,abstract,R1,include,,\n",
            r"row 2, column 'stage': stage must be one of title_abstract, full_text \(found 'abstract'\)",
        ),
        (
            "r1,title_abstract,R1,maybe,,\n",
            r"row 2, column 'decision': decision at stage title_abstract must be one of include, exclude \(found 'maybe'\)",
        ),
        ("r1,title_abstract,R1,not_retrieved,,\n", r"column 'decision'.*\(found 'not_retrieved'\)"),
        ("r1,title_abstract,,include,,\n", r"row 2, column 'reviewer': reviewer is empty"),
        ("r1,full_text,R1,exclude,,\n", r"row 2, column 'reason': a full-text exclusion needs a reason"),
        (
            "r1,full_text,R1,exclude,other,\n",
            r"row 2, column 'reason': reason is not in the list in params.yaml .*\(found 'other'\)",
        ),
        (
            "r1,title_abstract,R1,include,,\nr1,title_abstract,R1,exclude,,\n",
            r"rows 2, 3: record r1 has more than one title_abstract decision by reviewer R1",
        ),
        (
            "r1,title_abstract,R1,include,,\nr1,title_abstract,R2,include,,\nr1,title_abstract,R3,include,,\n",
            r"rows 2, 3, 4: record r1 has more than two reviewers",
        ),
        ("r1,title_abstract,R1,include\n", r"row 2: 4 fields but the header has 6"),
    ],
)
def test_bad_rows(tmp_path, body, message):
    with pytest.raises(InputError, match=message):
        screening.read_screening_log(write(tmp_path, body), IDS, reasons=REASONS)


def test_full_text_after_exclusion_is_an_error(tmp_path):
    log = screening.read_screening_log(
        write(tmp_path, "r1,title_abstract,R1,exclude,,\nr1,full_text,R1,include,,\n"), IDS
    )
    with pytest.raises(
        InputError, match=r"rows 3: record r1 has full-text decisions but was excluded at title/abstract"
    ):
        screening.decisions(log, ["r1"], "log.csv")


def test_missing_column(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("record_id,stage,decision\nr1,title_abstract,include\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"log\.csv, row 1: missing column\(s\) reviewer"):
        screening.read_screening_log(path, IDS)
