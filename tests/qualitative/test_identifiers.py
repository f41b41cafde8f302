"""Quotes and excerpts scrubbed of direct identifiers (issue 12 item 8), measured on a labelled
synthetic test set (helpers.qualitative.synthetic_identifiers): >= 95% of >= 200 identifiers
caught, < 5% of 200 ordinary sentences changed."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from helpers.qualitative import privacy, synthetic_identifiers
from helpers.qualitative.identifiers import IdentifierScrubber, nhs_number_valid


def _caught(case, out: str) -> bool:
    parts = case.identifier.split() if case.kind.startswith("name") else [case.identifier]
    return not any(part in out for part in parts)


def test_at_least_95_percent_of_200_identifiers_are_caught():
    cases = synthetic_identifiers.identifier_cases()
    assert len(cases) >= 200
    kinds = Counter(c.kind for c in cases)
    assert set(kinds) == {"name_titled", "name_untitled", "nhs_number", "phone", "postcode", "email"}
    scrub = IdentifierScrubber()
    missed = [(c.kind, c.sentence) for c in cases if not _caught(c, scrub(c.sentence))]
    rate = 1 - len(missed) / len(cases)
    assert rate >= 0.95, missed
    # and per kind, so one kind cannot hide behind the others
    for kind, n in kinds.items():
        assert sum(1 for k, _ in missed if k == kind) / n <= 0.10, (kind, missed)


def test_fewer_than_5_percent_of_200_ordinary_sentences_are_changed():
    sentences = synthetic_identifiers.ordinary_sentences(200)
    assert len(set(sentences)) == 200
    scrub = IdentifierScrubber()
    changed = [(s, scrub(s)) for s in sentences if scrub(s) != s]
    assert len(changed) / len(sentences) < 0.05, changed


def test_nhs_number_checksum():
    # 943 476 5919 is the NHS's own example of a valid number; change the check digit and it is not.
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    scrub = IdentifierScrubber(general_names=False)
    assert scrub("NHS no 943 476 5919, ref 943 476 5918.") == "NHS no [NHS number], ref 943 476 5918."
    assert scrub.counts["nhs_number"] == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ring 07700 900123 today", "ring [phone] today"),
        ("on +44 (0)20 7946 0958.", "on [phone]."),
        ("call (0161) 496 0000 now", "call [phone] now"),
        ("the ward is at M13 9WL and", "the ward is at [postcode] and"),
        ("mail jo.bloggs@example.nhs.uk please", "mail [email] please"),
        ("Dr Okonkwo-Smith said so", "Dr [name] said so"),
        ("Prof. Eilidh MacLeod agreed", "Prof. [name] agreed"),
        ("I asked Siobhan Thornton", "I asked [name]"),
        ("We had 2002 and 15 beds and 3 wards.", "We had 2002 and 15 beds and 3 wards."),
        ("The NHS England figures from the CQC.", "The NHS England figures from the CQC."),
        ("the Francis report and the Royal College", "the Francis report and the Royal College"),
    ],
)
def test_examples(text, expected):
    assert IdentifierScrubber()(text) == expected


def test_participants_and_stop_list_names_are_replaced_and_counted():
    people = pd.DataFrame(
        {
            "pseudonym": ["FG1-P1"],
            "name": ["Zyxwa Qorvath"],
            "role_group": ["x"],
            "group": ["FG1"],
            "setting": ["focus group"],
        }
    )
    scrub = privacy.scrubber_for(people, ["Blorbington"])
    out = scrub("Zyxwa said Qorvath and Blorbington agreed; FG1-P1 too.")
    assert out == "[name] said [name] and [name] agreed; [name] too."
    assert (scrub.replaced_names, scrub.replaced_emails) == (4, 0)
    assert scrub.summary() == (
        "identifiers replaced in published quotes and excerpts: 4 names, 0 e-mail addresses, "
        "0 phone numbers, 0 NHS numbers, 0 postcodes"
    )


def test_quotes_in_theme_tables_are_scrubbed_and_counted_in_the_accounting():
    seg = pd.DataFrame(
        {
            "segment_id": [1, 2],
            "source": ["FG1", "FG1"],
            "speaker": ["FG1-P1", "FG1-P2"],
            "code": ["trust", "trust"],
            "text": [
                "Ring Dr Nkechi Okafor on 07700 900456 about it.",
                "My NHS number 943 476 5919 was read out; I live at SW1A 1AA.",
            ],
            "use": ["summary", "summary"],
            "role_label": ["manager", "manager"],
            "start": [0, 0],
            "end": [10, 10],
        }
    )
    scrub = privacy.Scrubber([])
    quoted = [scrub(t) for t in seg["text"]]
    assert quoted == [
        "Ring Dr [name] on [phone] about it.",
        "My NHS number [NHS number] was read out; I live at [postcode].",
    ]
    assert dict(scrub.counts) == {"name": 1, "phone": 1, "nhs_number": 1, "postcode": 1}


def test_the_qa_log_reports_the_scrub():
    from helpers import qa_log

    accounting = pd.DataFrame(
        {
            "item": [
                "codings read",
                "identifiers replaced in quotes and excerpts: names",
                "identifiers replaced in quotes and excerpts: postcodes",
            ],
            "count": [10, 3, 0],
        }
    )
    entries = [e for e in qa_log.qualitative_entries(accounting) if "scrubbed" in e["description"]]
    assert [e["evidence"] for e in entries] == ["3 names replaced"]
    accounting.loc[2, "count"] = 2
    entries = [e for e in qa_log.qualitative_entries(accounting) if "scrubbed" in e["description"]]
    assert [e["evidence"] for e in entries] == ["3 names, 2 postcodes replaced"]
