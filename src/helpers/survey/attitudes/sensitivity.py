"""Do the conclusions depend on the analysis rules? The headline estimates under alternatives.

For every item: the % agreeing (all respondents, of those answering substantively) and whether
the role groups differ (chi-square across roles, Holm-adjusted over the items, p < alpha), under
the rules of the main analysis and under each alternative:

- ``speeders and straight-liners excluded``: respondents the cleaning flagged (``flag_speeder``,
  ``flag_straightliner``) left out;
- ``don't know as neutral``: non-substantive answers counted as the item's middle level (items
  with an odd number of levels only), so they enter the denominator;
- ``weighted``: the raking weights of the main analysis; the role test is the Rao-Scott
  adjusted chi-square (second order, F reference) of the weighted design, with the organisation
  as primary sampling unit where the data hold one (:func:`.role_differences.design_role_tests`).

For every scale: the mean score of all respondents and whether the role groups differ (ANOVA,
Holm over the scales), available-case (the main rule: at least three quarters of the items
answered) against complete-case (every item answered).

``n`` is given for the main analysis only (the difference would publish how many respondents a
rule removed). A conclusion *changes* when the majority view (more than 50% agreeing; for scales, a mean above
the scale midpoint) or the role difference differs from the main analysis; ``changes`` names it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers import stats
from helpers.survey.attitudes.items import ROLES, Item, Scale
from helpers.survey.attitudes.role_differences import design_role_tests, role_tests
from helpers.survey.attitudes.scales import scale_scores

MAIN = "main analysis"
EXCLUDED = "speeders and straight-liners excluded"
WEIGHTED = "weighted"
FLAGS = ("flag_speeder", "flag_straightliner")  # the cleaning's flags the EXCLUDED rule leaves out
KIND_WORDS = {"item % agreeing": "% agreeing", "scale mean": "mean score"}  # as a report prints them
# ``label``: the item's question (the codebook's) or the scale's label, as reports print the row
COLUMNS = ["kind", "name", "label", "rule", "n", "estimate", "majority", "roles_differ", "changes"]
CSV_NAME = "attitudes_sensitivity"  # the published table (reports/tables/attitudes_sensitivity.csv)


def _dont_know_as_neutral(clean: pd.DataFrame, items: Mapping[str, Item]) -> pd.DataFrame:
    out = clean.copy()
    for name, item in items.items():
        k = len(item.levels)
        nonsub = f"{name}_nonsub"
        if k % 2 == 0 or nonsub not in out:
            continue
        middle = item.levels[k // 2]
        out[name] = out[name].where(out[nonsub].isna(), middle)
    return out


def groupings(tests: pd.DataFrame | None, items: Mapping[str, Item]) -> dict[str, str | None]:
    """Per item, the table its published role test is of (column ``grouping`` of
    attitudes_role_tests or attitudes_weighted_role_tests): "answer" (role x answer), "agree"
    (role x agree / not) or None (withheld, or no test published). Without ``tests``: "answer"."""
    if tests is None:
        return dict.fromkeys(items, "answer")
    kind = dict(zip(tests["item"], tests["grouping"].astype(str))) if "grouping" in tests else {}
    out = {}
    for name in items:
        g = kind.get(name, "answer" if "grouping" not in tests and name in set(tests["item"]) else None)
        out[name] = None if g is None or g.startswith("withheld") else ("agree" if "agree" in g else "answer")
    return out


def _agree_only(data: pd.DataFrame, items: Mapping[str, Item]):
    """``data`` and ``items`` with each item's answers as agree / not agree (a 2-level item)."""
    levels = ("not agree", "agree")
    out, coarse = data.copy(), {}
    for name, item in items.items():
        answer = data[name].astype(object)
        binary = answer.isin(item.positive).map({True: "agree", False: "not agree"}).where(answer.notna())
        out[name] = pd.Categorical(binary, categories=list(levels), ordered=True)
        coarse[name] = Item(name, item.question, levels, ("agree",))
    return out, coarse


def _role_p(data, items, roles, grouping, weights=None, psu=None) -> pd.Series:
    """Per item the role test's p (unadjusted) on the table ``grouping`` says; NaN where None."""
    p = pd.Series(np.nan, index=list(items), dtype=float)
    for kind in ("answer", "agree"):
        subset = {n: i for n, i in items.items() if grouping.get(n, "answer") == kind}
        if not subset:
            continue
        if weights is None:
            d, its = (data, subset) if kind == "answer" else _agree_only(data, subset)
            t = role_tests(d, its, roles=roles)
            p.loc[t["item"]] = t["p_chi2"].to_numpy(dtype=float)
        else:
            w = pd.Series(weights, index=data.index)
            t = design_role_tests(data, subset, w, psu, roles=roles, agree_only=kind == "agree")
            p.loc[t["item"]] = t["p_value"].to_numpy(dtype=float)
    return p


def _item_rows(
    data: pd.DataFrame,
    items: Mapping[str, Item],
    rule: str,
    alpha: float,
    weights=None,
    psu=None,
    roles=ROLES,
    grouping: Mapping[str, str | None] | None = None,
):
    grouping = dict.fromkeys(items, "answer") if grouping is None else grouping
    p = _role_p(data, items, roles, grouping, weights, psu).dropna()
    adjusted = dict(zip(p.index, stats.adjust_pvalues(p.tolist(), "holm"))) if len(p) else {}
    rows = []
    for name, item in items.items():
        ok = data[name].notna()
        y = data[name].astype(object).isin(item.positive).astype(float).where(ok)
        if weights is None:
            est = 100 * float(y.mean()) if ok.any() else np.nan
        else:
            w = pd.Series(weights, index=data.index).where(ok)
            est = 100 * float((y * w).sum() / w.sum()) if ok.any() else np.nan
        differs = bool(adjusted[name] < alpha) if np.isfinite(adjusted.get(name, np.nan)) else None
        rows.append(
            {
                "kind": "item % agreeing",
                "name": name,
                "label": item.question or name,
                "rule": rule,
                "n": int(ok.sum()),
                "estimate": est,
                "majority": bool(est > 50) if np.isfinite(est) else None,
                "roles_differ": differs,
            }
        )
    return rows


def _published_conclusions(rows: list[dict], tests: pd.DataFrame, alpha: float) -> None:
    """Set each row's ``roles_differ`` to the published test's conclusion at its adjusted p
    (``p_adjusted``, else the first ``p_<method>`` column); None (not assessed) where it is
    withheld or the item has no published test."""
    column = (
        "p_adjusted"
        if "p_adjusted" in tests
        else next(
            (
                c
                for c in tests.columns
                if c.startswith("p_") and c not in ("p_value", "p_chi2", "p_monte_carlo", "p_first_order")
            ),
            None,
        )
    )
    p = pd.to_numeric(tests.set_index("item")[column], errors="coerce") if column else pd.Series(dtype=float)
    for row in rows:
        value = p.get(row["name"], np.nan)
        row["roles_differ"] = bool(value < alpha) if np.isfinite(value) else None


def _scale_rows(clean, items, scales, rule, min_share, alpha, groups=ROLES):
    scores = scale_scores(clean, items, scales, min_share=min_share)
    roles = clean["role"].astype(object)
    mask = roles.isin(list(groups))
    p = [stats.compare_groups(scores.loc[mask, s], roles[mask])["p_anova"] for s in scores.columns]
    adjusted = stats.adjust_pvalues(p, "holm")
    rows = []
    for s, p_adj in zip(scores.columns, adjusted):
        k = len(items[scales[s].items[0]].levels)
        mean = float(scores[s].mean())
        rows.append(
            {
                "kind": "scale mean",
                "name": s,
                "label": scales[s].label or s,
                "rule": rule,
                "n": int(scores[s].notna().sum()),
                "estimate": mean,
                "majority": bool(mean > (k + 1) / 2) if np.isfinite(mean) else None,
                "roles_differ": bool(p_adj < alpha) if np.isfinite(p_adj) else None,
            }
        )
    return rows


def sensitivity(
    clean: pd.DataFrame,
    items: Mapping[str, Item],
    scales: Mapping[str, Scale],
    weights: pd.Series | None = None,
    alpha: float = 0.05,
    psu: str | None = None,
    roles=ROLES,
    tests: pd.DataFrame | None = None,
    weighted_tests: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The sensitivity table (columns :data:`COLUMNS`), main analysis first for each estimate.
    ``weights``: raking weights indexed like ``clean`` (respondents without a weight left out of
    the weighted rule); None leaves the weighted rule out. ``psu``: the column of ``clean``
    holding the organisation identifier (the weighted rule's primary sampling unit), or None.

    ``roles``: the published role groups (``clean["role"]`` recoded to them: notebook 03's
    ``grouped``). ``tests`` / ``weighted_tests``: the published role tests
    (attitudes_role_tests, attitudes_weighted_role_tests, protected and adjusted): "roles
    differ" of the main analysis (of the weighted rule) is then the published test's conclusion
    at its adjusted p, "not assessed" where that test is withheld, and every alternative rule
    tests the same table as the published test (role x answer, or role x agree where the full
    table has suppressed cells), or none where it is withheld (issue 13: no statement from a
    test that is not published)."""
    grouping = groupings(tests, items)
    rows = _item_rows(clean, items, MAIN, alpha, roles=roles, grouping=grouping)
    if tests is not None:
        _published_conclusions(rows, tests, alpha)
    if any(c in clean for c in FLAGS):
        rows += _item_rows(clean[~_flagged(clean)], items, EXCLUDED, alpha, roles=roles, grouping=grouping)
    rows += _item_rows(
        _dont_know_as_neutral(clean, items),
        items,
        "don't know as neutral",
        alpha,
        roles=roles,
        grouping=grouping,
    )
    if weights is not None:
        w = pd.Series(weights).reindex(clean.index)
        has = w.notna()
        weighted = _item_rows(
            clean[has],
            items,
            WEIGHTED,
            alpha,
            w[has].to_numpy(),
            psu,
            roles,
            groupings(weighted_tests, items),
        )
        if weighted_tests is not None:
            _published_conclusions(weighted, weighted_tests, alpha)
        rows += weighted
    if scales:
        rows += _scale_rows(clean, items, scales, MAIN, 0.75, alpha, roles)
        rows += _scale_rows(clean, items, scales, "complete cases", 1.0, alpha, roles)
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "changes"])  # no item: columns only
    table["changes"] = ""
    for _, block in table.groupby(["kind", "name"], sort=False):
        base = block[block["rule"] == MAIN].iloc[0]
        for idx, r in block.iterrows():
            what = []
            if (
                r["majority"] is not None
                and base["majority"] is not None
                and r["majority"] != base["majority"]
            ):
                what.append("majority view")
            if (
                r["roles_differ"] is not None
                and base["roles_differ"] is not None
                and r["roles_differ"] != base["roles_differ"]
            ):
                what.append("role difference")
            table.loc[idx, "changes"] = ", ".join(what)
    order = {n: i for i, n in enumerate(dict.fromkeys(table["name"]))}
    table = table.sort_values(
        ["kind", "name"], key=lambda s: s.map(order) if s.name == "name" else s, kind="stable"
    )
    table["roles_differ"] = table["roles_differ"].map({True: "yes", False: "no"}).fillna("not assessed")
    table["majority"] = table["majority"].map({True: "yes", False: "no"}).fillna("")
    # n only for the main analysis: n under an alternative rule minus the main n would publish
    # how many respondents a rule removed (a count that may be small)
    table["n"] = table["n"].where(table["rule"] == MAIN)
    return table[COLUMNS].reset_index(drop=True)


def _flagged(clean: pd.DataFrame) -> pd.Series:
    """The respondents the cleaning flagged as speeders or straight-liners (the EXCLUDED rule)."""
    flags = [c for c in FLAGS if c in clean]
    if not flags:
        return pd.Series(False, index=clean.index)
    return clean[flags].fillna(False).astype(bool).any(axis=1)


def excluded_answers(clean: pd.DataFrame, items: Mapping[str, Item]) -> pd.DataFrame:
    """The answers of the respondents the "speeders and straight-liners excluded" rule leaves
    out, per item: ``item``, ``n_valid`` (substantive answers) and ``n_agree``. Not published:
    :func:`protect` uses them to decide whether that rule's estimate may be (the main estimate
    minus it is their answers)."""
    flagged = clean[_flagged(clean)]
    rows = []
    for name, item in items.items():
        answers = flagged[name].astype(object) if name in flagged else pd.Series([], dtype=object)
        valid = answers.notna()
        rows.append(
            {
                "item": name,
                "n_valid": int(valid.sum()),
                "n_agree": int(answers[valid].isin(item.positive).sum()),
            }
        )
    return pd.DataFrame(rows, columns=["item", "n_valid", "n_agree"])


def shown(table: pd.DataFrame):
    """The sensitivity table (or some of its rows, protected and rounded as published) as a
    report shows it: each row labelled by its question or scale, the variable names left to the
    CSV; marked as the reprint of :data:`CSV_NAME` for the printed-table audit."""
    from helpers import numbers, tables

    def estimate(kind, value):
        if isinstance(value, str) or pd.isna(value):
            return value  # the suppression marker; a missing value is shown as a dash
        if kind == "scale mean":
            return numbers.mean(value)
        return numbers.text(value, "table_percentage") + "%"

    table = table.assign(
        estimate=[estimate(k, v) for k, v in zip(table["kind"], table["estimate"])],
        kind=table["kind"].map(KIND_WORDS).fillna(table["kind"]),
    )
    columns = {
        "kind": "Estimate of",
        "rule": "Rule",
        "n": "n",
        "estimate": "Estimate",
        "majority": "Majority view",
        "roles_differ": "Role groups differ",
        "changes": "Conclusion that changes",
    }
    spec = tables.TableSpec(
        stub="label",
        stub_label="Item or scale",
        columns=columns,
        kinds={"n": "count", "estimate": "text"},
        notes=(
            "Estimate: % agreeing (of those answering substantively) for an item, the mean score "
            "for a scale. n is given for the main analysis only.",
            "An empty estimate is withheld: beside the published counts it would give back a count "
            "too small to publish (e.g. with speeders and straight-liners excluded, how many of "
            "them agreed, or did not, by difference from the main analysis).",
        ),
        source=tables.source_for(table),
        name=CSV_NAME,
        reprints=CSV_NAME,
    )
    return tables.show(table, spec)


def protect(
    table: pd.DataFrame,
    rule,
    published: pd.DataFrame | None = None,
    nonresponse: pd.DataFrame | None = None,
    excluded: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Disclosure control of the sensitivity table: ``n`` (main analysis rows only) follows
    ``rule``; an estimate is withheld (with its majority view, and "majority view" left out of
    ``changes``) where, beside the counts the release publishes, it would give a suppressed
    count back (issue 13; tests/survey/test_inversion.py):

    - every rule of an item whose main-analysis ``n`` is suppressed, or whose All row's
      n_agree or n_valid the published attitude table ``published`` suppresses: the main
      estimate is n_agree / n_valid at 1 decimal, and the alternatives differ from it by a few
      respondents only;
    - "don't know as neutral" of an item whose non-substantive answers the published item
      non-response table ``nonresponse`` suppresses (or whose valid answers it suppresses):
      the estimate is n_agree / (n_valid + n_non_substantive) (the middle level not agreeing),
      so with n_agree and n_valid printed it gives the suppressed "Don't know" count back;
    - "speeders and straight-liners excluded" of an item whose flagged respondents (their
      answers ``excluded``, :func:`excluded_answers`) who agree, or who answer substantively and
      do not agree, number 1 .. the rule's upper limit: the estimate is (n_agree - a) /
      (n_valid - v) with All's n_agree and n_valid printed and the flagged group's size in
      report 02, so a and v (how the few flagged respondents answered) follow by difference.
      Without ``excluded`` every estimate of that rule is withheld;
    - "weighted" of an item whose role rows ``published`` does not all show with their n_agree
      and n_valid (:func:`.weighting.roles_not_shown`: the weighted % narrows them).
    """
    from helpers import disclosure

    out = disclosure.suppress(table.reset_index(drop=True), ["n"], rule=rule)
    main = out["rule"] == MAIN
    hidden = out.loc[main & table["n"].reset_index(drop=True).notna() & out["n"].isna(), ["kind", "name"]]
    keys = set(hidden.itertuples(index=False, name=None))
    if published is not None:
        everyone = published[published["group_type"] == "all"].set_index("item")
        for item in everyone.index:
            if _blank(everyone.at[item, "n_agree"], rule) or _blank(everyone.at[item, "n_valid"], rule):
                keys.add(("item % agreeing", item))
    withheld = out.set_index(["kind", "name"]).index.isin(list(keys))
    if published is not None:  # the weighted % narrows the roles' counts it does not show
        from helpers.survey.attitudes.weighting import roles_not_shown

        withheld |= ((out["rule"] == WEIGHTED) & out["name"].isin(roles_not_shown(published))).to_numpy()
    if nonresponse is not None:
        rows = nonresponse.set_index("item")
        unsafe = {
            i
            for i in rows.index
            if _blank(rows.at[i, "n_non_substantive"], rule) or _blank(rows.at[i, "n_valid"], rule)
        }
        withheld |= (out["rule"] == "don't know as neutral").to_numpy() & out["name"].isin(unsafe).to_numpy()
    by_difference = (out["rule"] == EXCLUDED) & (out["kind"] == "item % agreeing")
    if excluded is not None:
        flagged = excluded.set_index("item")
        small = {
            i
            for i in flagged.index
            if any(
                1 <= n <= rule.upper
                for n in (flagged.at[i, "n_agree"], flagged.at[i, "n_valid"] - flagged.at[i, "n_agree"])
            )
        }
        by_difference &= out["name"].isin(small) | ~out["name"].isin(set(flagged.index))
    withheld |= by_difference.to_numpy()
    out["estimate"] = out["estimate"].astype(object).where(~withheld, None)
    out.loc[withheld, "majority"] = ""
    # an alternative rule's estimate withheld: its role test says nothing either (one bit of a
    # test on the same data, e.g. all respondents but the few flagged ones)
    silent = withheld & (out["rule"] != MAIN).to_numpy()
    out.loc[silent, "roles_differ"] = "not assessed"
    out.loc[withheld, "changes"] = [
        ", ".join(
            c
            for c in str(v).split(", ")
            if c and c != "majority view" and not (quiet and c == "role difference")
        )
        for v, quiet in zip(out.loc[withheld, "changes"], silent[withheld])
    ]
    return out


def _blank(value, rule) -> bool:
    """A published cell suppressed: empty, NaN or the rule's marker."""
    return (
        value is None
        or (not isinstance(value, str) and pd.isna(value))
        or str(value).strip() in ("", "*", str(rule.marker))
    )
