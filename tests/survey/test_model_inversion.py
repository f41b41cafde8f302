"""Issue 13, item 2: the ordinal (proportional-odds) models against the enumeration attack.

The intruder enumerates every completion of an item's suppressed role x answer cells that is
consistent with the published margins (each role's valid answers, All's levels, the profession
and level rows), refits the model the pipeline publishes on each completion (rebuilding the
microdata from the table: without covariates the model is a function of it) and keeps the
completions whose outputs, rounded as published (helpers.numbers through tidy_numbers), equal
the published ones. Before: the model of the full answers keeps exactly the true table (a chief
executives' 2 recovered from any one of the four published model tables). After: the item,
which has suppressed cells, is modelled on agreeing or not, and every completion survives."""

import numpy as np
import pandas as pd
import pytest

from helpers import audit, disclosure
from helpers.survey import attitudes
from helpers.survey.attitudes.items import Item

LEVELS = ("Disagree", "Neutral", "Agree")
ITEMS = {"q": Item("q", "Q", LEVELS, ("Agree",))}
ROLES = list(attitudes.ROLES)  # chief executive, medical director, clinical director, directorate manager
PROFESSION = {ROLES[0]: "Manager", ROLES[1]: "Doctor", ROLES[2]: "Doctor", ROLES[3]: "Manager"}
LEVEL = {ROLES[0]: "Board", ROLES[1]: "Board", ROLES[2]: "Directorate", ROLES[3]: "Directorate"}
TRUE = np.array([[2, 15, 13], [10, 12, 14], [12, 10, 15], [9, 14, 11]])  # roles x levels
RULE = disclosure.Rule("threshold", 5, None)
REFERENCE = "Clinical director"
MODEL_TABLES = ("odds_ratios", "role_effect", "proportional_odds", "cutpoints")


def microdata(counts, covariate: bool = False) -> pd.DataFrame:
    """One row per respondent of a roles x levels table; with ``covariate`` a region given by
    each respondent's place among those of their role who agree or not (the same for every
    table with the same agreeing counts)."""
    rows = []
    for role, row in zip(ROLES, np.asarray(counts, int)):
        for level, count in zip(LEVELS, row):
            rows += [(role, level)] * int(count)
    data = pd.DataFrame(rows, columns=["role", "q"])
    data["q"] = pd.Categorical(data["q"], categories=list(LEVELS), ordered=True)
    data["profession"] = data["role"].map(PROFESSION)
    data["level"] = data["role"].map(LEVEL)
    if covariate:
        agree = data["q"] == "Agree"
        place = data.groupby([data["role"], agree]).cumcount()
        data["region"] = np.array(["North", "South", "West"])[place % 3]
    data["role"] = pd.Categorical(data["role"], categories=ROLES)
    return data


def publish(data: pd.DataFrame, grouping: str | None, covariates=()) -> dict[str, pd.DataFrame]:
    """The model tables as the pipeline writes them (rounded by tidy_numbers), for the item
    modelled as ``grouping`` says (None: on its answers, as before issue 13's item 2)."""
    groupings = {"q": grouping or attitudes.MODEL_FULL}
    model_data, model_items = attitudes.data_for_models(data, ITEMS, groupings)
    models = attitudes.ordinal_models(model_data, model_items, list(covariates), REFERENCE)
    return {k: attitudes.tidy_numbers(models[k]).reset_index(drop=True) for k in MODEL_TABLES}


def same(a: dict, b: dict) -> bool:
    return all(a[k].astype(str).equals(b[k].astype(str)) for k in MODEL_TABLES)


def attack(protected: pd.DataFrame, published: dict, grouping: str | None) -> list[np.ndarray]:
    """The completions of the published table's suppressed role x level cells consistent with
    every published count and with the published models."""
    rows = protected.set_index("group")
    lcols = ["n_1", "n_2", "n_3"]
    counts = rows.loc[ROLES, lcols].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    row_sums = rows.loc[ROLES, "n_valid"].astype(float).to_numpy()
    col_sums = rows.loc[attitudes.ALL, lcols].astype(float).to_numpy()
    # nobody outside the four roles: All's respondents are the roles' (printed)
    assert rows.loc[attitudes.ALL, "n_respondents"] == rows.loc[ROLES, "n_respondents"].sum()
    totals = {"Doctor": [1, 2], "Manager": [0, 3], "Board": [0, 1], "Directorate": [2, 3]}

    def fits(table):
        for group, parts in totals.items():
            shown = rows.loc[group, lcols].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            sums = table[parts].sum(axis=0)
            if not np.allclose(sums[~np.isnan(shown)], shown[~np.isnan(shown)]):
                return False
        return same(publish(microdata(table), grouping), published)

    return audit.table_completions(counts, row_sums, col_sums, fits, limit=10_000)


@pytest.fixture(scope="module")
def protected():
    table, _ = attitudes.protect_by_role(attitudes.by_role(microdata(TRUE), ITEMS), RULE)
    return table


def test_the_table_leaves_a_chief_executives_2_ten_values(protected):
    """Without any model, the published counts leave the suppressed cells one free number:
    chief executives' "Disagree" 1 .. 10 (so the LP audit's interval is 9 wide)."""
    everything = audit.table_completions(
        protected.set_index("group").loc[ROLES, ["n_1", "n_2", "n_3"]].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        protected.set_index("group").loc[ROLES, "n_valid"].astype(float).to_numpy(),
        protected.set_index("group").loc[attitudes.ALL, ["n_1", "n_2", "n_3"]].astype(float).to_numpy(),
    )  # fmt: skip
    rows = protected.set_index("group")
    assert rows.loc["Chief executive", ["n_1", "n_2"]].isna().all()
    hierarchy = [t for t in everything if t[1, 0] + t[2, 0] == 22 and t[0, 0] + t[1, 0] == 12]
    assert sorted(int(t[0, 0]) for t in hierarchy) == list(range(1, 11))


@pytest.mark.slow  # ten refits of the pipeline's models (about 8 s)
def test_a_model_of_the_answers_gives_the_suppressed_cell_back(protected):
    """The attack succeeds on the old publication: the model of the full answers (odds ratios
    to 2 decimals, LR chi-square to 1, p to 2 significant figures, as published) keeps one
    completion, the true table (chief executives' "Disagree": 2)."""
    published = publish(microdata(TRUE), None)
    survivors = attack(protected, published, None)
    assert len(survivors) == 1
    assert survivors[0].astype(int).tolist() == TRUE.tolist()


def test_each_published_model_table_alone_gives_it_back(protected):
    """Not one table to withhold: the odds ratios, the role effect, the Brant tests and the
    cut-point logits each tell t = 2 from every other completion on their own."""
    truth = publish(microdata(TRUE), None)
    moved = TRUE.copy()
    moved[:, 0] += [1, -1, 1, -1]  # t = 3: the same margins, profession and level rows
    moved[:, 1] -= [1, -1, 1, -1]
    other = publish(microdata(moved), None)
    for name in MODEL_TABLES:
        assert not truth[name].astype(str).equals(other[name].astype(str)), name


@pytest.mark.slow  # ten refits of the pipeline's models (about 8 s)
def test_the_published_model_of_agreement_keeps_every_completion(protected):
    """The attack fails on what the pipeline publishes: the item has suppressed cells, so it
    is modelled on agreeing or not, and all ten completions reproduce its model."""
    groupings = attitudes.model_groupings(ITEMS, protected, RULE)
    assert groupings == {"q": attitudes.MODEL_AGREE}
    published = publish(microdata(TRUE), groupings["q"])
    survivors = attack(protected, published, groupings["q"])
    assert sorted(int(t[0, 0]) for t in survivors) == list(range(1, 11))


def test_with_a_covariate_the_model_of_agreement_is_the_same_for_every_completion():
    """With a covariate the intruder cannot rebuild the microdata, but need not: two
    completions whose respondents agree alike (t = 2 and t = 7, the same regions) give
    byte-identical published models of agreement, while the models of the answers differ."""
    moved = TRUE.copy()
    moved[:, 0] += [5, -5, 5, -5]
    moved[:, 1] -= [5, -5, 5, -5]
    a, b = microdata(TRUE, covariate=True), microdata(moved, covariate=True)
    assert (a["region"].to_numpy() == b["region"].to_numpy()).all()
    agree = attitudes.MODEL_AGREE
    assert same(publish(a, agree, ["region"]), publish(b, agree, ["region"]))
    assert not same(publish(a, None, ["region"]), publish(b, None, ["region"]))


def test_groupings_per_item_and_their_note():
    base = attitudes.by_role(microdata(TRUE), ITEMS)
    full = attitudes.by_role(microdata(TRUE + 10), ITEMS)
    both = pd.concat([base, full.assign(item="r")], ignore_index=True)
    items = {**ITEMS, "r": Item("r", "R", LEVELS, ("Agree",))}
    protected, _ = attitudes.protect_by_role(both, RULE)
    groupings = attitudes.model_groupings(items, protected, RULE)
    assert groupings == {"q": attitudes.MODEL_AGREE, "r": attitudes.MODEL_FULL}
    assert attitudes.groupings_note(groupings) == (
        "**Disclosure control of the models**: 1 item(s) have suppressed cells in their role table "
        "and are modelled on agreeing or not (a binary logit), which uses only counts the table "
        "prints: q (docs/disclosure.md)."
    )
    with pytest.raises(
        ValueError, match=r"model_groupings: item\(s\) \['s'\] not in the published attitude table"
    ):
        attitudes.model_groupings({"s": ITEMS["q"]}, protected, RULE)
    effect = attitudes.with_groupings(pd.DataFrame({"item": ["q", "r"]}), groupings)
    assert effect["grouping"].tolist() == ["role x agree (published counts)", "role x answer"]
