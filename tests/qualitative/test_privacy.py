"""Role labels that do not identify a speaker; names and e-mails scrubbed from quotes."""

import pandas as pd

from helpers.qualitative import privacy

RULE = {
    "min_role_size": 2,
    "coarsen": {
        "chief executive": "board member",
        "medical director": "board member",
        "directorate manager": "manager",
    },
    "fallback_label": "participant",
}


def people(rows):
    return pd.DataFrame(rows, columns=["pseudonym", "role_group", "group", "setting", "name"])


def test_role_coarsening_rule_per_context():
    frame = people(
        [
            ("F1", "clinical director", "FG1", "focus group", ""),
            ("F2", "clinical director", "FG1", "focus group", ""),
            ("F3", "chief executive", "FG1", "focus group", ""),  # only CE in FG1 -> board member (with F4)
            ("F4", "medical director", "FG1", "focus group", ""),
            ("F5", "directorate manager", "FG2", "focus group", ""),  # alone in FG2, coarse label alone too
            ("F6", "clinical director", "FG2", "focus group", ""),
            ("F7", "clinical director", "FG2", "focus group", ""),
            ("I1", "chief executive", "INT1", "interview", ""),  # interviews pooled: 2 CEs keep the label
            ("I2", "chief executive", "INT2", "interview", ""),
            ("I3", "nurse director", "INT3", "interview", ""),  # no coarser label given -> fallback
        ]
    )
    assert list(privacy.role_labels(frame, RULE)) == [
        "clinical director",
        "clinical director",
        "board member",
        "board member",
        "participant",
        "clinical director",
        "clinical director",
        "chief executive",
        "chief executive",
        "participant",
    ]


def test_role_labels_min_size_one_keeps_everything():
    frame = people([("A", "chief executive", "G", "focus group", "")])
    assert list(privacy.role_labels(frame, {"min_role_size": 1})) == ["chief executive"]


def test_scrubber_names_parts_pseudonyms_and_emails_counted():
    frame = people(
        [("FG-1", "cd", "G", "focus group", "Ann Leeming"), ("FG-2", "cd", "G", "focus group", "")]
    )
    # Participants' names only (whole words); names in general are tested in test_identifiers.py.
    scrub = privacy.scrubber_for(frame, general_names=False)
    text = "Ann said to Leeming and FG-2 (mail ann.leeming@trust.nhs.uk); Annabel and annual leave are fine."
    assert (
        scrub(text) == "[name] said to [name] and [name] (mail [email]); Annabel and annual leave are fine."
    )
    assert (scrub.replaced_names, scrub.replaced_emails) == (3, 1)
    assert scrub("Ann Leeming agreed") == "[name] agreed"  # the full name first, counted once
    assert scrub.replaced_names == 4
    # With names in general (the default), Annabel is a name too.
    assert privacy.scrubber_for(frame)("Annabel and annual leave") == "[name] and annual leave"


def test_shorten_cuts_at_word_boundary():
    assert privacy.shorten("one  two\nthree", 50) == "one two three"
    assert privacy.shorten("alpha beta gamma delta", 12) == "alpha beta…"
    assert len(privacy.shorten("alpha beta gamma delta", 12)) <= 12


def test_each_transcript_is_a_context_and_a_lone_board_member_is_not_named():
    """Issue 11 item 5 / issue 13 item 6: participants read without a group (the .qdpx cases)
    were pooled into one context, so a chief executive alone in one focus group kept a label
    that only they held there. Each transcript is its own context."""
    frame = people(
        [
            ("A1", "chief executive", "", "focus group", ""),  # alone on the board in transcript A
            ("A2", "clinical director", "", "focus group", ""),
            ("A3", "clinical director", "", "focus group", ""),
            ("B1", "chief executive", "", "focus group", ""),  # alone in transcript B
            ("B2", "directorate manager", "", "focus group", ""),
            ("B3", "directorate manager", "", "focus group", ""),
            ("C1", "medical director", "", "focus group", ""),  # no transcript known: alone
        ]
    )
    sources = {
        "A1": "fg_a.txt",
        "A2": "fg_a.txt",
        "A3": "fg_a.txt",
        "B1": "fg_b.txt",
        "B2": "fg_b.txt",
        "B3": "fg_b.txt",
    }
    pooled = privacy.role_labels(frame, RULE)  # no sources: each participant without a group is alone
    assert list(pooled)[0] == "participant" and list(pooled)[6] == "participant"
    labels = list(privacy.role_labels(frame, RULE, sources))
    assert labels == [
        "participant",
        "clinical director",
        "clinical director",
        "participant",
        "directorate manager",
        "directorate manager",
        "participant",
    ]
    # within each context, every published label is held by at least min_role_size people
    context = privacy.context_of(frame, sources)
    held = pd.Series(labels).groupby([context.to_numpy(), labels]).size()
    assert (held[held.index.get_level_values(1) != "participant"] >= 2).all()


def test_attributions_never_render_empty_fields():
    assert privacy.attribution("directorate manager", "") == "directorate manager"
    assert privacy.attribution("directorate manager", None) == "directorate manager"
    assert privacy.attribution("manager", "focus group") == "manager, focus group"
    assert privacy.attribution("", float("nan")) == "participant"
    frame = people([("A", "", "G", "focus group", ""), ("B", "", "G", "focus group", "")])
    assert list(privacy.role_labels(frame, {"min_role_size": 1})) == ["participant", "participant"]
