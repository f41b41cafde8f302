"""Generated instruments (issue 11): random valid codebooks and matching exports on every
supported platform layout go through reading, cleaning, every table, disclosure control and
chart of the attitude analysis, in-process (fast tier), and through the whole pipeline (slow
tier, tests/test_generated_pipeline.py).

Invariants checked on every instrument: raw rows = clean rows + excluded rows; every published
percentage equals its published counts; nothing raises (a traceback is a failure)."""

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import disclosure, numbers, paths, plots, publication
from helpers.survey import attitudes as A
from helpers.survey import cleaning, inputs
from helpers.survey import multiple_response as M
from helpers.synthetic import instruments as S
from tests.generated import read_and_clean

matplotlib.use("Agg")

N_INSTRUMENTS = 210
N_FAST = 80  # issue 11 asks for 200: about 75 s CPU today, over the fast tier's 90 s (docs/testing.md)
N_MODELLED = 21  # model fitting (about 0.6 s an item) on the first ones, one item each
RULES = [("threshold", 1), ("threshold", 5), ("threshold", 10), ("nhs", 8)]
REFERENCE = A.load_reference(paths.reference("published_figures.csv"))


def rule_for(seed: int) -> disclosure.Rule:
    name, min_count = RULES[seed % len(RULES)]
    return disclosure.Rule(name, min_count, marker=None)


def check_percentages_match_counts(table: pd.DataFrame, seed: int) -> None:
    n_agree = pd.to_numeric(table["n_agree"], errors="coerce")
    n_valid = pd.to_numeric(table["n_valid"], errors="coerce")
    pct = pd.to_numeric(table["pct_agree"], errors="coerce")
    shown = pct.notna()
    assert (n_agree[shown].notna() & n_valid[shown].notna() & (n_valid[shown] > 0)).all(), seed
    # published at one decimal, half away from zero (helpers.numbers, the one formatter)
    expected = (100 * n_agree[shown] / n_valid[shown]).map(lambda v: numbers.rounded(v, "table_percentage"))
    assert np.allclose(pct[shown], expected), (seed, table.loc[shown, ["item", "group"]])


def analyse(
    seed: int,
    folder,
    draw: bool = True,
    models: bool = False,
    max_battery_items: int = 3,
    replicates: int = 9999,
) -> dict:
    """What notebooks 02 and 03 do, in-process, for one generated instrument (``replicates``: of
    the role tests' Monte Carlo p, fewer in the fast tier)."""
    inst, layout, export, codebook, result = read_and_clean(seed, folder, max_battery_items=max_battery_items)
    assert len(result.clean) + len(result.exclusions) == len(export.data), seed
    assert result.flow["remaining"].iloc[-1] == len(result.clean)
    clean = result.clean
    items, scales = A.items_from_codebook(codebook), A.scales_from_codebook(codebook)
    covariates = A.covariates_from_codebook(codebook)
    rule = rule_for(seed)
    raw = A.by_role(clean, items)
    design = publication.design_of(clean, rule)  # which role groups are published (notebook 03)
    by_role, log = A.protect_by_role(raw, rule)
    tidy = A.tidy_numbers(by_role)
    check_percentages_match_counts(tidy, seed)
    summary = A.suppression_summary(log)
    pd.read_csv(io.StringIO(summary.to_csv(index=False)))  # an empty summary reads back
    tests = A.protect_counts(A.role_tests(clean, items, replicates=replicates), rule)
    reliability = scales_by_role = None
    if not A.section_note("scales", items, scales):
        reliability, _ = A.scale_reliability(clean, items, scales)
        reliability = A.protect_counts(reliability, rule)
        scales_by_role, scale_tests = A.scales_by_role(clean, A.scale_scores(clean, items, scales), rule)
        A.protect_counts(scale_tests, rule)
    note = A.comparison_note(codebook, REFERENCE)
    reference = A.reference_for_codebook(REFERENCE, codebook)
    then_now = A.then_vs_now(by_role, reference)
    assert (note is None) == bool(codebook.published_comparison)
    fitted = {}
    if models and not A.models_note(clean, items):
        first = dict(list(items.items())[:1])
        fitted = A.ordinal_models(clean, first, list(covariates), A.model_reference_role(clean))
        assert len(fitted["role_effect"]) == 1
    text = A.headline(by_role, tests, fitted.get("role_effect"), fitted.get("proportional_odds"),
                      None if note else then_now, items, covariates=covariates)  # fmt: skip
    assert "nan%" not in text
    marked, _ = A.protect_by_role(raw, disclosure.Rule(rule.rule, rule.min_count, marker="*"))
    sheets = A.workbook_sheets({"by_role": marked, "role_tests": tests, "scale_reliability": reliability,
                                "scales_by_role": scales_by_role, "then_vs_now": then_now}, rule, covariates)  # fmt: skip
    for var in codebook.of_type("multiple"):  # tick-all questions (JISC, plain CSV and XLSX layouts)
        counted = M.mentions(clean, var)
        base = clean[[f"{var.name}__{c}" for c in var.labels]].notna().any(axis=1).sum()
        assert (counted["n_base"] == base).all() and counted["n_mentions"].le(base).all(), seed
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = 100 * counted["n_mentions"] / base
        assert np.allclose(counted["pct_respondents"], expected, equal_nan=True), seed
        M.protect(counted, rule)
        assert M.base_note(M.published(clean, var, rule)).startswith("Base: the ")  # as notebook 03 says it
    for table in (tidy, A.tidy_numbers(tests), A.tidy_numbers(then_now)):
        assert disclosure.violations(table, rule=rule.rule, min_count=rule.min_count, marker=None).empty, seed
    if draw:  # as notebook 03 draws them: from the protected table
        for names in A.batteries(items).values():
            plots.diverging_likert(by_role, names, list(items[names[0]].levels), groups=A.chart_groups(by_role, names, design.groups()), ncols=2,
                                   min_n=rule.min_count, top=len(items[names[0]].positive))  # fmt: skip
        for name in A.single_items(items):
            plots.diverging_likert(by_role, [name], list(items[name].levels), groups=[A.ALL, *design.groups()],
                                   rows="group", top=len(items[name].positive), min_n=rule.min_count)  # fmt: skip
        if note is None:
            plots.then_vs_now(A.then_vs_now_chart_table(by_role, reference))
        if fitted:
            plots.forest(A.role_odds_ratios_for_chart(fitted["odds_ratios"], items))
        plt.close("all")
    return {"layout": layout, "rule": rule, "sheets": sheets, "clean": clean, "codebook": codebook}


def run_many(
    seeds, tmp_path, draw_every: int, modelled: int, max_battery_items: int = 3, replicates: int = 9999
) -> None:
    layouts, rules = set(), set()
    for seed in seeds:
        try:
            out = analyse(
                seed,
                tmp_path / str(seed),
                draw=seed % draw_every == 0,
                models=seed - seeds[0] < modelled,
                max_battery_items=max_battery_items,
                replicates=replicates,
            )
        except Exception as exc:
            exc.add_note(f"generated instrument: seed {seed}, layout {S.LAYOUTS[seed % len(S.LAYOUTS)]}")
            raise
        layouts.add(out["layout"])
        rules.add((out["rule"].rule, out["rule"].min_count))
    assert layouts == set(S.LAYOUTS) and len(rules) == len(RULES)


def test_generated_instruments_in_process(tmp_path):
    """Fast tier: N_FAST instruments (batteries of 2 items at most), every layout under every
    disclosure rule, through reading, cleaning, every table and disclosure control; every chart
    drawn on every tenth, the models fitted on one (the slow tier fits them on 24); the role
    tests' Monte Carlo p from 999 tables instead of 9,999 (the slow tier draws the release's
    9,999). Measured on the shared 2-core machine (docs/testing.md): about 0.35 s CPU an
    instrument (2.9 s before the protection was sped up), charts about 0.3 s more where drawn.
    The issue's 200 would cost about 75 s CPU on one worker: with the rest of the tier, over the
    90 s that decisions.md sets for `make test`, so N_FAST stays at what fits; the slow tier
    runs 238 more."""
    run_many(list(range(N_FAST)), tmp_path, draw_every=10, modelled=1, max_battery_items=2, replicates=999)


@pytest.mark.slow
def test_every_layout_under_every_rule_in_process(tmp_path):
    """Slow tier: 28 instruments, every layout under every disclosure rule, models on 3."""
    run_many(list(range(28)), tmp_path, draw_every=1, modelled=3)


@pytest.mark.slow
def test_many_generated_instruments_in_process(tmp_path):
    """Slow tier: 210 more instruments, charts on every fourth, the models on 21."""
    run_many(list(range(1000, 1000 + N_INSTRUMENTS)), tmp_path, draw_every=4, modelled=N_MODELLED)


def test_generator_covers_what_the_issue_lists():
    """Across the seeds: 2-11 levels, 0-3 batteries, with and without multi-item scales and
    covariates, role groups of 0-3 people, a published-figure mapping or none."""
    seen = {
        "levels": set(),
        "batteries": set(),
        "multi": set(),
        "covariates": set(),
        "tiny": set(),
        "mapped": set(),
    }
    for seed in range(100):
        inst = S.random_instrument(seed)
        cb = inst.codebook
        seen["levels"] |= {len(s["levels"]) for s in cb["scales"].values()}
        seen["batteries"].add(len({v.get("battery") for v in cb["variables"].values() if v.get("battery")}))
        seen["multi"].add("multi_item_scales" in cb)
        seen["covariates"].add("covariates" in cb)
        seen["mapped"].add("published_comparison" in cb)
        role = next(v for v in cb["variables"].values() if v["type"] == "role")
        counts = inst.responses[role["source"]].value_counts()
        seen["tiny"] |= {int(counts.get(str(code), 0)) for code in list(role["labels"])[:4]} & {0, 1, 2, 3}
    assert seen["levels"] == set(range(2, 12))
    assert seen["batteries"] == {0, 1, 2, 3}
    assert seen["multi"] == seen["covariates"] == seen["mapped"] == {True, False}
    assert seen["tiny"] == {0, 1, 2, 3}


def test_generator_is_seeded(tmp_path):
    a, b = S.random_instrument(7), S.random_instrument(7)
    assert a.codebook == b.codebook and a.responses.equals(b.responses)
    for layout in S.LAYOUTS:
        first = S.write_instrument(a, tmp_path / "a" / layout, layout) / "survey"
        second = S.write_instrument(b, tmp_path / "b" / layout, layout) / "survey"
        for path in first.iterdir():
            if path.suffix != ".xlsx":  # xlsx stamps its creation time
                assert path.read_bytes() == (second / path.name).read_bytes(), (layout, path.name)


@pytest.mark.parametrize("layout", S.LAYOUTS)
def test_each_layout_is_read_as_its_platform(tmp_path, layout):
    folder = S.write_instrument(S.random_instrument(3), tmp_path, layout)
    export, codebook = inputs.load(folder)
    expected = {"qualtrics-text": "qualtrics"}.get(layout, layout)
    assert export.platform == expected


@pytest.mark.parametrize(("seed", "unticked"), [(11, ""), (18, ""), (4, "0")])
def test_jisc_layout_writes_grids_and_tick_all_as_0_1_columns(tmp_path, seed, unticked):
    """JISC Online Surveys exports a grid as an empty question column then one 0/1 column per
    statement and answer (``Q5_1_a_1``), a tick-all question as one 0/1 column per option
    (``Q8_1``), some surveys with blanks for boxes not ticked (input-formats.md 1.3): the
    generated JISC export does, its codebook declares them with ``columns``, and cleaning gives
    each grid item the answer drawn for it."""
    inst = S.random_instrument(seed, max_battery_items=2)
    folder = S.write_instrument(inst, tmp_path, "jisc")
    export, codebook = inputs.load(folder)
    grid_items = [v for v in codebook.likert_items if v.battery]
    drawn_items = [n for n, v in inst.codebook["variables"].items() if v.get("battery")]
    assert [v.name for v in grid_items] == drawn_items and (len(drawn_items) > 0) == (seed != 4)
    for var in grid_items:
        assert var.one_hot and var.source == f"[{var.name}]"
        original = inst.codebook["variables"][var.name]["source"]  # Q5_2: grid 5, statement 2
        grid, statement = original.split("_")
        letters = "abcdefghijklmnop"[: len(var.value_labels)]
        assert list(var.columns) == list(var.value_labels)
        assert list(var.columns.values()) == [f"{grid}_{statement}_{x}_1" for x in letters]
        assert export.data[grid].eq("").all()  # the grid's own column, empty as in real exports
        first_code, first_column = next(iter(var.columns.items()))  # the key file names each column
        assert export.questions[
            first_column
        ] == f"For each statement ({var.battery.replace('_', ' ')}): - " + (
            f"{var.question} - {var.value_labels[first_code]}"
        )
        ticks = export.data[list(var.columns.values())]
        assert set(ticks.stack()) <= {"1", unticked} and ticks.eq("1").sum(axis=1).le(1).all()
    (tick_all,) = codebook.of_type("multiple")
    assert list(tick_all.columns.values()) == [
        f"{c.rsplit('_', 1)[0]}_{k}" for k, c in tick_all.columns.items()
    ]
    assert set(export.data[list(tick_all.columns.values())].stack()) == {"1", unticked}
    result = cleaning.clean_survey(
        export.data, codebook, S.settings_for("jisc", inst.codebook), export.source
    )
    kept = inst.responses[(inst.responses["status"] == "0") & (inst.responses["progress"] == "100")]
    kept.index = export.data.index  # the export's rows (source_row 2, 3, ...) in the drawn order
    kept = kept.drop(result.exclusions["source_row"])  # the clean rows, in the export's order
    assert len(kept) == len(result.clean) > 0
    for var in grid_items:
        drawn = kept[inst.codebook["variables"][var.name]["source"]].map(var.value_labels)
        decoded = result.clean[var.name].astype(object)
        if var.scale.non_substantive:
            decoded = decoded.fillna(result.clean[f"{var.name}_nonsub"].astype(object))
        assert decoded.notna().sum() > len(decoded) // 2, var.name
        assert decoded.fillna("").tolist() == drawn.fillna("").tolist(), var.name
