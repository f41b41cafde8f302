"""Issue 11: the attitude analysis runs on any instrument, not only on the demo's.

Each test reproduces one failure a team met running its own codebook (numbered as in the
issue) with a tiny input built here."""

import io
import json
import textwrap

import matplotlib
import numpy as np
import pandas as pd
import pytest

from helpers import disclosure, paths, plots, stats
from helpers.files import InputError
from helpers.survey import attitudes as A
from helpers.survey.codebook import load_codebook

matplotlib.use("Agg")

NATURAL = ("Poor", "Fair", "Good", "Very good", "Excellent")


def _codebook(tmp_path, extra=""):
    text = textwrap.dedent("""\
        survey: {title: own}
        scales:
          quality:
            levels: {10: Poor, 20: Fair, 30: Good, 40: Very good, 50: Excellent}
            positive: [40, 50]
          yn: {levels: {1: "No", 2: "Yes"}, positive: [2]}
        variables:
          job: {source: Q1, type: role, labels: {1: Chief executive, 2: Medical director, 3: Clinical director, 4: Directorate manager}}
          region: {source: Q2, type: categorical, labels: {1: North, 2: South}}
          rel: {source: Q3, type: likert, scale: quality, question: "How are relations?"}
          v1: {source: Q4_1, type: likert, scale: yn, battery: views, question: "View one"}
          v2: {source: Q4_2, type: likert, scale: yn, battery: views, question: "View two"}
        """) + textwrap.dedent(extra)
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    return load_codebook(path)


def _clean(n_per_role=(7, 3, 5, 4)):
    roles = [r for r, n in zip(A.ROLES, n_per_role) for _ in range(n)]
    n = len(roles)
    rng = np.random.default_rng(1)
    prof = {"Chief executive": "Manager", "Directorate manager": "Manager"}
    lev = {"Chief executive": "Board", "Medical director": "Board"}
    return pd.DataFrame(
        {
            "role": pd.Categorical(roles, categories=[*A.ROLES, "Other"]),
            "profession": pd.Categorical(
                [prof.get(r, "Doctor") for r in roles], categories=["Doctor", "Manager"]
            ),
            "level": pd.Categorical(
                [lev.get(r, "Directorate") for r in roles], categories=["Board", "Directorate"]
            ),
            # every chief executive rates relations Excellent: a group at 100% (failure 1)
            "rel": pd.Categorical(
                ["Excellent" if r == "Chief executive" else NATURAL[i % 5] for i, r in enumerate(roles)],
                categories=list(NATURAL),
                ordered=True,
            ),
            "v1": pd.Categorical(rng.choice(["No", "Yes"], n), categories=["No", "Yes"], ordered=True),
            "v2": pd.Categorical(rng.choice(["No", "Yes"], n), categories=["No", "Yes"], ordered=True),
            "region": pd.Categorical(rng.choice(["North", "South"], n)),
        }
    )


def test_failure_1_wilson_upper_bound_at_100_percent_is_exactly_one_and_plots_draw():
    low, high = stats.wilson_ci(7, 7)
    assert high == 1.0 and low == pytest.approx(0.6456696, abs=1e-6)  # Wilson by hand: 7/(7+z^2)
    low0, high0 = stats.wilson_ci(0, 7)
    assert low0 == 0.0 and high0 > 0
    arr_low, arr_high = stats.wilson_ci(np.array([7, 3, 0]), np.array([7, 6, 0]))
    assert arr_high[0] == 1.0 and np.isnan(arr_high[2])
    # a bound a hair on the wrong side of its estimate draws no bar there instead of raising
    chart = pd.DataFrame(
        {"measure": ["m"], "group": ["g"], "source": ["This run"], "pct": [100.0],
         "ci_low": [64.6], "ci_high": [99.99999999999999]}
    )  # fmt: skip
    fig, _ = plots.then_vs_now(chart)
    forest = pd.DataFrame(
        {"row": ["a"], "series": ["s"], "estimate": [2.0], "ci_low": [2.0000001], "ci_high": [3.0]}
    )
    fig2, _ = plots.forest(forest)
    assert plots._error_lengths([100.0], [64.6], [99.99999999999999]).min() == 0.0
    matplotlib.pyplot.close("all")


def test_failure_1_by_role_at_100_percent_has_ci_high_100():
    d = _clean()
    cb_items = {"rel": A.Item("rel", "q", NATURAL, ("Very good", "Excellent"))}
    t = A.by_role(d, cb_items)
    ce = t[t["group"] == "Chief executive"].iloc[0]
    assert (ce["pct_agree"], ce["ci_high"]) == (100.0, 100.0)


def test_failure_2_no_multi_item_scales_reliability_tables_keep_their_columns(tmp_path):
    cb = _codebook(tmp_path)
    items, scales = A.items_from_codebook(cb), A.scales_from_codebook(cb)
    assert scales == {}
    assert A.section_note("scales", items, scales) == (
        "*Skipped for this instrument: the codebook has no `multi_item_scales` section.*"
    )
    reliability, deleted = A.scale_reliability(_clean(), items, scales)
    rule = disclosure.Rule("threshold", 5, marker=None)
    assert list(A.protect_counts(reliability, rule).columns)[:4] == ["scale", "label", "k", "n"]
    assert deleted.empty and "alpha_if_deleted" in deleted


def test_failure_3_batteries_come_from_the_codebook_not_a_hard_coded_name(tmp_path):
    items = A.items_from_codebook(_codebook(tmp_path))
    assert A.batteries(items) == {"views": ["v1", "v2"]}
    assert A.single_items(items) == ["rel"]
    assert A.battery_figure_name("views", items) == "attitudes_battery_by_role"
    assert A.section_note("batteries", {"rel": items["rel"]}) == (
        "*Skipped for this instrument: no Likert item has a `battery`.*"
    )
    # No Likert item at all (issue 11, second newcomer run): the two notes said "no Likert item
    # has a battery" and "every Likert item belongs to a battery" at once; both give the reason.
    no_items = "*Skipped for this instrument: the codebook declares no `likert` variables.*"
    assert [A.section_note(s, {}) for s in ("items", "batteries", "single_items")] == [no_items] * 3
    source = json.loads((paths.project_root() / "notebooks/03_attitude_analysis.ipynb").read_text("utf-8"))
    code = "".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "code")
    for demo_name in ('battery == "attitudes"', "relationship_quality", "relationship_change", "nation"):
        assert demo_name not in code


def test_failure_4_no_suppression_gives_a_table_that_reads_back():
    d = _clean((9, 9, 9, 9))
    items = {"v1": A.Item("v1", "q", ("No", "Yes"), ("Yes",))}
    _, log = A.protect_by_role(A.by_role(d, items), disclosure.Rule("threshold", 1, marker=None))
    assert len(log) == 0
    summary = A.suppression_summary(log)
    back = pd.read_csv(io.StringIO(summary.to_csv(index=False)))
    assert list(back.columns) == ["item", "primary", "secondary"] and back.empty


def test_failure_5_natural_labels_compared_with_published_figures_through_the_codebook(tmp_path):
    cb = _codebook(
        tmp_path,
        """\
        published_comparison:
          relationship_positive: {item: rel, levels: [50, 40]}
        headline_items: [rel, v1]
        covariates: {region: region of the country}
        """,
    )
    assert cb.headline_items == ("rel", "v1")
    assert cb.covariates == {"region": "region of the country"}
    reference = A.load_reference(paths.reference("published_figures.csv"))
    assert A.comparison_note(cb, reference) is None
    mine = A.reference_for_codebook(reference, cb)
    assert set(mine["measure"]) == {"relationship_positive"}
    assert set(mine["item"]) == {"rel"} and set(mine["levels_counted"]) == {"Very good|Excellent"}
    protected, _ = A.protect_by_role(
        A.by_role(_clean(), A.items_from_codebook(cb)), disclosure.Rule("threshold", 1, marker=None)
    )
    table = A.then_vs_now(protected, mine)
    ce_2002 = table[(table["group"] == "Chief executive") & (table["published_year"] == 2002)].iloc[0]
    assert (ce_2002["n_agree"], ce_2002["n_valid"], ce_2002["pct"]) == (7, 7, 100.0)
    assert ce_2002["published_pct"] == pytest.approx(100 * 78 / 103)


def test_failure_5_without_a_mapping_the_comparison_is_skipped_with_a_note(tmp_path):
    cb = _codebook(tmp_path)
    reference = A.load_reference(paths.reference("published_figures.csv"))
    note = A.comparison_note(cb, reference)
    assert note.startswith("**Comparison with the published 2002 and 2015 figures skipped**")
    assert "`relationship_positive`" in note
    empty = A.then_vs_now(pd.DataFrame(), A.reference_for_codebook(reference, cb))
    assert empty.empty and list(empty.columns) == A.then_and_now.THEN_VS_NOW_COLUMNS


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            "published_comparison:\n  relationship_positive: {item: v9, levels: [40]}\n",
            "'item' must be a likert",
        ),
        (
            "published_comparison:\n  relationship_positive: {item: rel, levels: [4]}\n",
            "'levels' must list codes",
        ),
        ("headline_items: [rel, region]\n", "headline_items: each must be a likert"),
        ("covariates: [rel]\n", "covariates: each must be a variable of type"),
    ],
)
def test_codebook_mappings_are_checked(tmp_path, extra, message):
    with pytest.raises(InputError, match=message):
        _codebook(tmp_path, extra)


def test_scales_of_eleven_levels_with_arbitrary_codes():
    levels = tuple(f"L{c}" for c in range(0, 101, 10))  # 0..100 in steps of 10: 11 levels
    item = A.Item("x", "q", levels, levels[-2:])
    d = _clean((4, 4, 4, 4))
    d["x"] = pd.Categorical([levels[i % 11] for i in range(16)], categories=list(levels), ordered=True)
    t = A.by_role(d, {"x": item})
    assert [c for c in t.columns if c.startswith("n_") and c[2:].isdigit()] == [
        f"n_{i}" for i in range(1, 12)
    ]
    assert t.loc[t["group"] == A.ALL, "n_agree"].item() == 2  # L90 (i=9) and L100 (i=10)


def test_models_take_covariates_from_the_codebook_and_a_present_reference_group():
    d = _clean((6, 6, 0, 6))  # no clinical directors
    assert A.model_reference_role(d) == "Chief executive"
    assert A.model_reference_role(_clean((6, 0, 0, 0))) is None
    assert A.models_note(_clean((6, 0, 0, 0)), {"v1": None}).startswith("**Ordinal models skipped**")


def test_odds_ratio_table_with_an_unbounded_interval_is_published():
    """Found by a generated instrument (seed 101): a role group where everyone gave a higher
    answer makes the odds ratio's upper bound infinite; tidying it must not crash."""
    table = pd.DataFrame(
        {"item": ["a"], "term": ["role[x]"], "odds_ratio": [5.0], "ci_low": [0.5], "ci_high": [np.inf],
         "p_value": [0.5], "n": [10]}
    )  # fmt: skip
    out = A.tidy_numbers(table)
    assert out["ci_high"].iloc[0] == np.inf and out["ci_low"].iloc[0] == 0.5
