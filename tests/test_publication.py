"""The publication design for small role groups (helpers.publication, issues 11 and 13): which
rows are published, on tiny DataFrames built here; and the intruder's LP recovers a small role's
count from the old publication (every role row) and cannot after."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import audit, disclosure, publication
from helpers.survey import attitudes, describe

CE, MD, CD, DM = publication.ROLES
PROFESSION = {CE: "Manager", DM: "Manager", MD: "Doctor", CD: "Doctor"}
LEVEL = {CE: "Board", MD: "Board", CD: "Directorate", DM: "Directorate"}
LEVELS = ("Disagree", "Neutral", "Agree")
ITEMS = {"x": attitudes.Item("x", "Q", LEVELS, ("Agree",))}
FIVE = disclosure.Rule("threshold", 5, None)


def clean_of(sizes: dict, seed: int = 0) -> pd.DataFrame:
    """A clean survey: ``sizes`` respondents per role, answers to one item drawn at random."""
    rng = np.random.default_rng(seed)
    roles = [r for r, n in sizes.items() for _ in range(n)]
    return pd.DataFrame(
        {
            "role": pd.Categorical(roles, categories=list(publication.ROLES)),
            "profession": [PROFESSION[r] for r in roles],
            "level": [LEVEL[r] for r in roles],
            "x": pd.Categorical(rng.choice(LEVELS, size=len(roles)), categories=list(LEVELS)),
        }
    )


def published_rows(sizes: dict, rule=FIVE) -> list[tuple[str, str]]:
    clean = clean_of(sizes)
    table, _ = attitudes.protect_by_role(attitudes.by_role(clean, ITEMS), rule)
    return list(zip(table["group_type"], table["group"]))


ALL = ("all", attitudes.ALL)


def test_a_role_of_two_is_published_only_within_its_profession():
    """Chief executives (2) only within managers; directorate managers are withheld too (else
    managers - directorate managers = chief executives), and so is the board (board - medical
    directors)."""
    sizes = {CE: 2, MD: 30, CD: 40, DM: 25}
    assert published_rows(sizes) == [
        ALL,
        ("role", MD),
        ("role", CD),
        ("profession", "Doctor"),
        ("profession", "Manager"),
    ]
    design = publication.design(sizes, FIVE)
    assert design.withheld == (CE, DM)
    assert design.groups() == [MD, CD, "Manager"]
    assert design.note() == (
        "Role groups with fewer than 6 respondents (chief executives) are not published on their own, "
        "because a suppressed count in so small a group cannot be protected; they are published only "
        "within managers (chief executives and directorate managers), and directorate managers are "
        "combined with them too, so that no difference between published rows gives the small group away."
    )
    table = describe.publish_respondents_by_role(clean_of(sizes), disclosure.Rule("threshold", 5))
    assert table[["role", "profession", "level", "n", "pct"]].values.tolist() == [
        [MD, "Doctor", "Board", 30, 30.9],
        [CD, "Doctor", "Directorate", 40, 41.2],
        ["Manager", "Manager", "", 27, 27.8],
    ]


def test_a_role_of_nobody_is_published_as_zeros():
    """A group of 0 discloses nothing: every row is published, as before (the demo's case)."""
    sizes = {CE: 0, MD: 30, CD: 40, DM: 25}
    rows = published_rows(sizes)
    assert rows == [
        ALL,
        *[("role", r) for r in publication.ROLES],
        *[(t, g) for t, g, _ in publication.COARSE],
    ]
    assert publication.design(sizes, FIVE).note() == ""
    table = describe.publish_respondents_by_role(clean_of(sizes), disclosure.Rule("threshold", 5))
    assert table["role"].tolist() == list(publication.ROLES) and table["n"].tolist() == [0, 30, 40, 25]


def test_two_tiny_roles_in_one_profession_are_published_within_their_levels():
    """Medical directors (2) and clinical directors (3): doctors (5) are too few as well, so
    both are published within their levels (board = CE + MD, directorate = CD + DM), and the
    chief executives and directorate managers with them."""
    sizes = {CE: 20, MD: 2, CD: 3, DM: 25}
    assert published_rows(sizes) == [ALL, ("level", "Board"), ("level", "Directorate")]
    assert publication.design(sizes, FIVE).groups() == ["Board", "Directorate"]
    # doctors together reach the size: then doctors are published, each doctor role is not
    sizes = {CE: 20, MD: 3, CD: 4, DM: 25}
    assert publication.design(sizes, FIVE).published == (
        ("role", CE),
        ("role", DM),
        ("profession", "Doctor"),
        ("profession", "Manager"),
    )
    # this item's answers (doctors 2, 2, 3) cannot be protected by group without suppressing
    # every count, All's 19, 18, 15 included (as published before); it is published for all
    # respondents only instead (docs/disclosure.md, "Items withheld"), every count shown
    assert published_rows(sizes) == [ALL]
    table, _ = attitudes.protect_by_role(attitudes.by_role(clean_of(sizes), ITEMS), FIVE)
    assert table[["n_valid", "n_1", "n_2", "n_3", "n_agree"]].values.tolist() == [[52, 19, 18, 15, 15]]


def test_every_split_has_a_tiny_part_then_only_all_respondents():
    sizes = {CE: 1, MD: 15, CD: 3, DM: 0}
    assert published_rows(sizes) == [ALL, ("role", DM)]  # 0 directorate managers is no one's answer
    assert publication.design(sizes, FIVE).groups() == [DM]
    table = describe.publish_respondents_by_role(clean_of(sizes), disclosure.Rule("threshold", 5))
    assert table[["role", "n", "pct"]].values.tolist() == [[DM, 0, 0.0], [describe.COMBINED_ROLES, 19, 100.0]]


@pytest.mark.parametrize(
    ("rule", "smallest"),
    [
        (disclosure.Rule("threshold", 1), 0),
        (disclosure.Rule("threshold", 5), 6),
        (disclosure.Rule("threshold", 10), 11),
        (disclosure.Rule("nhs", 8), 9),
    ],
)
def test_smallest_group_published_is_the_protection_width_plus_one(rule, smallest):
    assert publication.smallest_published(rule) == smallest
    sizes = {CE: smallest - 1, MD: 30, CD: 40, DM: 25}
    assert (CE in publication.design(sizes, rule).withheld) == (smallest > 1)


def test_a_small_other_role_withholds_a_role_so_all_minus_the_roles_does_not_give_it():
    sizes = {CE: 30, MD: 30, CD: 40, DM: 25, "Other": 3}
    design = publication.design(sizes, FIVE)
    assert design.withheld == (DM, "Other")
    assert [g for _, g in design.published] == [CE, MD, CD, "Doctor", "Board"]


def test_role_tests_compare_the_published_groups():
    clean = clean_of({CE: 2, MD: 30, CD: 40, DM: 25})
    design = publication.design_of(clean, FIVE)
    grouped = clean.assign(role=design.recode(clean["role"]))
    tests = attitudes.role_tests(grouped, ITEMS, roles=design.groups())
    assert int(tests["n"].iloc[0]) == 97 and int(tests["dof"].iloc[0]) == 4  # 3 groups x 3 levels


def _release(tmp_path, sizes, monkeypatch=None):
    """The attitude table and respondents by role as published, in a release folder."""
    clean = clean_of(sizes, seed=3)
    folder = tmp_path / "release"
    (folder / "tables").mkdir(parents=True)
    table, _ = attitudes.protect_by_role(attitudes.by_role(clean, ITEMS), FIVE)
    attitudes.tidy_numbers(table).to_csv(folder / "tables/attitudes_by_role.csv", index=False)
    by_role = describe.publish_respondents_by_role(clean, disclosure.Rule("threshold", 5))
    by_role.to_csv(folder / "tables/survey_respondents_by_role.csv", index=False)
    return folder


def _small_role_interval(folder, role):
    """The LP interval of a role's respondents and agreeing counts given the published tables
    (the role's cells made audit targets whether they are printed or not)."""
    system = audit.System()
    for path in sorted((folder / "tables").glob("*.csv")):
        audit.read_table(system, pd.read_csv(path, dtype=str, keep_default_na=False), path.stem)
    keys = [("n_respondents", "", role), ("n_agree", "x", role)]
    for key in keys:
        system.unknown.discard(key)
        system.value[key] = None
    bounds = audit.intervals(system, FIVE)
    return [bounds[k] for k in keys]


def test_lp_recovers_a_small_role_from_every_role_row_and_not_after(tmp_path, monkeypatch):
    """Before (every role row published, the small role's counts suppressed): managers minus
    directorate managers gives the 2 chief executives exactly, and the audit fails. After:
    the audit passes, and the chief executives' count is left at least 5 wide."""
    sizes = {CE: 2, MD: 30, CD: 40, DM: 25}
    everything = publication.design(sizes, disclosure.Rule("threshold", 1))  # the old behaviour
    monkeypatch.setattr(attitudes.descriptives, "role_design", lambda table, rule: everything)
    monkeypatch.setattr(publication, "design_of", lambda clean, rule: everything)
    old = _release(tmp_path / "old", sizes)
    assert _small_role_interval(old, CE)[0] == (2.0, 2.0)
    with pytest.raises(audit.AuditFailure, match="Chief executive"):
        audit.audit_release(old, disclosure.Rule("threshold", 5), enforce=True)
    monkeypatch.undo()
    new = _release(tmp_path / "new", sizes)
    assert audit.audit_release(new, disclosure.Rule("threshold", 5), enforce=True).leaks == []
    for low, high in _small_role_interval(new, CE):
        assert high - low >= 5


def test_item_nonresponse_row_too_narrow_suppresses_the_valid_answers_too(tmp_path):
    """1 "Don't know" and 1 no answer of 19 respondents, 17 valid answers shown: both suppressed
    cells are exactly 1 (19 - 17 = 2, each at least 1); the valid answers are suppressed too."""
    table = pd.DataFrame(
        [{"item": "x", "question": "Q", "n_respondents": 19, "n_valid": 17, "n_non_substantive": 1,
          "n_no_answer": 1, "pct_no_answer": 5.3}]
    )  # fmt: skip
    rule = disclosure.Rule("threshold", 5)
    out = describe.suppress_small_counts(table, rule)
    assert out[["n_respondents", "n_valid", "n_non_substantive", "n_no_answer"]].values.tolist() == [
        [19, "*", "*", "*"]
    ]
    system = audit.System()
    audit.read_table(system, out.astype(str), "survey_item_nonresponse")
    bounds = audit.intervals(system, rule)
    assert bounds[("n_nonsub", "x", attitudes.ALL)] == (1.0, 17.0)
    # the row as suppressed before: each of the two is pinned to 1
    system = audit.System()
    old = out.astype(str).assign(n_valid="17")
    audit.read_table(system, old, "survey_item_nonresponse")
    assert audit.intervals(system, rule)[("n_nonsub", "x", attitudes.ALL)] == (1.0, 1.0)
