"""The prose audit's forms and its comparison with the tables (issue 13, item 3).

Before, a count of people was recognised only when a word for people followed it ("3 chief
executives"); the reports also print counts in accounting sentences ("22 responses in the export
= 19 analysable + 3 excluded"), after a label and a colon ("excluded: 3", "Chief executive: 68
(14%)"), before "who" ("53 of 67 who answered") and as sample sizes ("n 146"). And a number in a
sentence was never compared with the table cell it repeats: "Chief executive: 15 (50%)" could
print a secondary-suppressed count (15 is above the threshold, so the primary rule passes it)."""

import numpy as np
import pandas as pd
import pytest

from helpers import audit, disclosure
from helpers.survey import attitudes
from helpers.survey.attitudes.items import Item

RULE = disclosure.Rule("threshold", 5, None)


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("22 responses in the export = 19 analysable + 3 excluded.", [3]),
        ("Responses in the export: 521; analysable: 472; excluded: 3.", [3]),
        ("Responses in the export: 4; analysable: 472", [4]),
        ("Chief executive: 3 (1%). Medical director: 94 (20%).", [3]),
        ("Medical director: 62% (52 to 71), 2 of 94 who answered.", [2]),
        ("All respondents: 60% (56 to 65), 280 of 465 who answered; 4 who did not.", [4]),
        ("difference +8.2 pp, n 3; effective n 469 of 472.", [3]),
        ("was raised by the most participants: 2 of 18", [2]),
    ],
)
def test_counts_of_people_in_the_forms_the_reports_print(text, counts):
    assert [n for n, _ in disclosure.prose_counts(text, RULE)] == counts


@pytest.mark.parametrize(
    "text",
    [
        # numbers that are not counts of people, as the demo's and generated reports print them
        "Records excluded at screening: 3. Reports sought for retrieval: 26.",
        "the responses that the previous steps kept: 1. **Preview, test and spam**",
        "was highest among chief executives on 6, clinical directors on 2; the lowest on 1.",
        "3 were excluded on title and abstract; 2 coded passages not quoted; 3.5 excluded",
        "Disclosure rule: threshold, counts 1-4 suppressed; 1 multi-item scales; 4-5 excellent",
    ],
)
def test_numbers_that_count_no_people_are_left_alone(text):
    assert disclosure.prose_counts(text, RULE) == []


def test_counts_stated_for_a_role_group():
    text = (
        "472 respondents: 68 chief executives, 94 medical directors. Chief executive: 79% (68 to "
        "87), 53 of 67 who answered. Other: 0 (0%). Highest among chief executives on 6"
    )
    assert [(g, n) for g, n, _ in disclosure.prose_group_counts(text)] == [
        ("Chief executive", 68),
        ("Medical director", 94),
        ("Chief executive", 53),
        ("Chief executive", 67),
    ]


LEVELS = ("Disagree", "Neutral", "Agree")
TRUE = np.array([[2, 15, 13], [10, 12, 14], [12, 10, 15], [9, 14, 11]])


def _release(tmp_path, sentence):
    rows = []
    roles = list(attitudes.ROLES)
    profession = {roles[0]: "Manager", roles[1]: "Doctor", roles[2]: "Doctor", roles[3]: "Manager"}
    level = {roles[0]: "Board", roles[1]: "Board", roles[2]: "Directorate", roles[3]: "Directorate"}
    for role, row in zip(roles, TRUE):
        for answer, count in zip(LEVELS, row):
            rows += [(role, answer)] * int(count)
    clean = pd.DataFrame(rows, columns=["role", "q"])
    clean["q"] = pd.Categorical(clean["q"], categories=list(LEVELS), ordered=True)
    clean["profession"], clean["level"] = clean["role"].map(profession), clean["role"].map(level)
    clean["role"] = pd.Categorical(clean["role"], categories=roles)
    table, _ = attitudes.protect_by_role(
        attitudes.by_role(clean, {"q": Item("q", "Q", LEVELS, ("Agree",))}), RULE
    )
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    attitudes.tidy_numbers(table).to_csv(folder / "tables" / "attitudes_by_role.csv", index=False)
    (folder / "05_findings_slides.html").write_text(
        "<html><body><div class='reveal'><div class='slides'><section><h2>Q</h2>"
        f"<p>{sentence}</p></section></div></div></body></html>",
        encoding="utf-8",
    )
    return folder


def test_a_sentence_that_repeats_a_suppressed_cell_fails_the_release(tmp_path):
    """Chief executives' "Neutral" (15) is suppressed (secondary: the 2 beside it is primary);
    its feasible interval is 7 to 16. A sentence giving chief executives a count that no table
    publishes for them and that fits that cell fails the release, naming it; a sentence that
    repeats published cells (13 of 30 agreeing) passes."""
    fine = _release(tmp_path / "a", "Chief executive: 43% (27 to 61), 13 of 30 who answered.")
    result = audit.audit_release(fine, RULE, enforce=True)
    assert result.narrowest == 9
    leaky = _release(tmp_path / "b", "Chief executive: 15 (50%) answered neither.")
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(leaky, RULE, enforce=True)
    assert [(leak["file"], leak["problem"]) for leak in caught.value.leaks] == [
        (
            "05_findings_slides.html",
            "a count of Chief executive (15) stated in the text is no cell the tables publish for "
            "that group and may be its suppressed cell n_2 / q / Chief executive (feasible 7 to 16)",
        )
    ]


@pytest.mark.parametrize(
    ("text", "differences"),
    [
        # the export's size beside the analysable responses gives the excluded back
        ("Responses in the export: 22; analysable: 19.", [3]),
        ("22 responses in the export = 19 analysable.", [3]),
        # stated, the 3 is the primary rule's (prose_counts), not counted twice
        ("22 responses in the export = 19 analysable + 3 excluded.", []),
        ("Responses in the export: 521; analysable: 472; excluded: 49.", []),
        # role groups' counts, and non-response beside the valid answers, are not differenced
        ("Chief executive: 68 (14%). Medical director: 70 (20%).", []),
        ("the 465 of 472 respondents who answered", []),
        ("Responses in the export: 22.\nAnalysable: 19.", []),
    ],
)
def test_a_count_given_back_by_the_difference_of_two_stated_together(text, differences):
    assert [d for d, _ in disclosure.prose_differences(text, RULE)] == differences


def test_an_accounting_sentence_that_gives_a_count_back_fails_the_release(tmp_path):
    folder = _release(tmp_path, "Responses in the export: 22; analysable: 19.")
    with pytest.raises(audit.AuditFailure) as caught:
        audit.audit_release(folder, RULE, enforce=True)
    assert [leak["problem"] for leak in caught.value.leaks] == [
        "two counts of responses stated together differ by 3: a count of people 1-4 given back by difference"
    ]
