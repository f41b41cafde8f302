"""Describing the clean survey data: the flow of responses, item non-response, the
respondents, and the data dictionary generated from the codebook and the data."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd

from helpers import disclosure, numbers, plots, publication
from helpers.survey.codebook import Codebook
from helpers.tables import heading

DERIVED = [  # variables the cleaning derives, for the dictionary
    ("respondent", "Study pseudonym (assigned in export order after cleaning)", "identifier (pseudonym)"),
    (
        "role",
        "Role group: the chosen role, or the 'Other, please specify' title recoded by the codebook's rules",
        "categorical",
    ),
    (
        "profession",
        "Doctor (medical and clinical directors) or manager (chief executives and directorate managers)",
        "categorical",
    ),
    (
        "level",
        "Board (chief executives and medical directors) or directorate (clinical directors and directorate managers)",
        "categorical",
    ),
    ("progress", "Platform progress, 0-100", "number"),
    ("duration_s", "Time taken, seconds", "number"),
    ("flag_speeder", "Duration below the speeder threshold (params survey.speeder_fraction)", "flag"),
    ("flag_straightliner", "Same answer to every item of a long battery", "flag"),
    ("flag_duplicate_answers", "Same answers to every question as another respondent", "flag"),
]


def _labels_text(mapping: dict[str, str]) -> str:
    return "; ".join(f"{code} = {label}" for code, label in mapping.items())


# The survey settings of params.yaml as a methods section names them.
SETTINGS = {
    "drop_status": "Response statuses dropped (preview, test, spam)",
    "require_consent": "Consent required",
    "min_progress": "Partial responses: minimum progress (%)",
    "exclude_unclassified_role": "Roles outside the four groups excluded",
    "duplicate_keys": "Duplicate respondents matched on",
    "speeder_fraction": "Speeders: below this fraction of the median duration",
    "exclude_speeders": "Speeders excluded",
    "straightline_min_items": "Straight-liners: at least this many items answered alike",
    "exclude_straightliners": "Straight-liners excluded",
    "duplicate_answers_min_items": "Identical answers: at least this many items compared",
    "exclude_duplicate_answers": "Respondents with identical answers excluded",
    "then_and_now": "Comparison with the published figures",
    "design": "Survey design",
}


KEY_COLUMN = "key in params.yaml"
SUB_SETTINGS = {
    "psu": "Primary sampling unit",
    "new_sample": "New sample",
    "coverage_variable": "Coverage variable",
}


def _setting_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "" or value == [] or value == {}:
        return numbers.MISSING_TEXT
    if isinstance(value, dict):
        return "; ".join(f"{SUB_SETTINGS.get(k, heading(k))}: {_setting_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_setting_text(v) for v in value)
    return str(value)


def settings(
    survey_params: dict, codebook: Codebook | None = None, platform: str | None = None
) -> pd.DataFrame:
    """The survey's cleaning settings as a table a reader can follow: each setting in words,
    its value (yes/no, lists joined, sub-settings named) and its key in ``params.yaml``.

    With the ``codebook`` (and the export's ``platform``), a setting this instrument cannot use
    says so instead of its value (issue 11: report 02 printed the demo's "Coverage variable:
    nation" and Qualtrics' response statuses of a SurveyMonkey export): the statuses dropped
    without a status column, the minimum progress without a progress column (the answered share
    of the required items stands in, or the finished flag), the speeder settings without response
    times, the published-figures comparison
    without its mapping, and a coverage variable the codebook does not declare."""
    rows = []
    for key, value in survey_params.items():
        setting, text = SETTINGS.get(key, heading(key)), _setting_text(value)
        if codebook is not None:
            setting, text = _as_used(key, value, setting, text, codebook, platform)
        rows.append({"setting": setting, "value": text, KEY_COLUMN: key})
    return pd.DataFrame(rows, columns=["setting", "value", KEY_COLUMN]).set_index("setting")


def _as_used(key: str, value, setting: str, text: str, codebook: Codebook, platform: str | None):
    """(setting, value text) of one setting as this codebook's cleaning uses it."""
    from helpers.survey.cleaning import PLATFORMS_WITHOUT

    meta = codebook.metadata
    lacks = PLATFORMS_WITHOUT.get(platform or codebook.platform or "", {})
    if key == "drop_status" and "status" not in meta:
        why = (
            f"{lacks['name']} exports have no response-status column"
            if "status" in lacks
            else "the codebook declares no response-status column (metadata: status)"
        )
        return setting, f"not applied: {why}"
    if key == "min_progress" and "progress" not in meta:
        if "finished" in meta:
            return setting, "not used: a response is partial when it is not finished (metadata: finished)"
        return "Partial responses: minimum share of the required items answered (%)", text
    timed = "duration" in meta or ("started" in meta and "ended" in meta)
    if key in ("speeder_fraction", "exclude_speeders") and not timed:
        why = (
            f"{lacks['name']} exports no response times"
            if "duration" in lacks
            else "the codebook declares no duration column and no start and end times"
        )
        return setting, f"not applied: {why}"
    if key == "then_and_now" and isinstance(value, dict):
        if not codebook.published_comparison:
            return (
                setting,
                "not made: the codebook maps no item to the published figures (published_comparison)",
            )
        coverage = value.get("coverage_variable")
        if coverage and coverage not in codebook.variables:
            value = {**value, "coverage_variable": None}
            text = _setting_text(value).replace(
                "Coverage variable: " + numbers.MISSING_TEXT,
                f"Coverage variable: none (the codebook declares no variable {coverage!r})",
            )
        return setting, text
    return setting, text


def instrument_text(codebook: Codebook) -> str:
    """One line on what the codebook declares, each part only when the instrument has it
    (report 02 printed "multi-item scales: " with nothing after it when there were none)."""
    likert = len(codebook.likert_items)
    parts = [
        f"{len(codebook.variables)} variable{'s' * (len(codebook.variables) != 1)}",
        f"{likert} Likert item{'s' * (likert != 1)}",
    ]
    batteries = codebook.batteries
    parts.append(f"batteries: {', '.join(batteries)}" if batteries else "no battery")
    scales = [s.label for s in codebook.multi_item_scales.values()]
    line = ", ".join(parts)
    return line + (f"; multi-item scales: {', '.join(scales)}" if scales else "; no multi-item scale")


FLAGS = {
    "flag_speeder": "Speeders",
    "flag_straightliner": "Straight-liners",
    "flag_duplicate_answers": "Identical answers to another respondent",
}


def flagged(clean: pd.DataFrame, rule=None, not_checked: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Respondents flagged by each quality check of the cleaning (:data:`FLAGS`), by name. With
    ``rule`` (helpers.disclosure.Rule), as report 02 prints them: a count the rule suppresses
    (1 .. its upper limit) is the rule's marker, the others its published values (rounded to 5
    under the NHS rule). The checks overlap and no total is printed, so no other cell gives a
    suppressed one back (issue 13: the demo printed 4 straight-liners). A check named in
    ``not_checked`` (flag column: why, CleaningResult.not_checked) shows that text ("not checked:
    ..."), never 0."""
    present = [flag for flag in FLAGS if flag in clean]
    counts = {FLAGS[flag]: int(clean[flag].fillna(False).astype(bool).sum()) for flag in present}
    table = pd.DataFrame({"respondents flagged": counts}).rename_axis("check")
    unchecked = dict(not_checked or {})
    if rule is None and not unchecked:
        return table
    marker = "" if rule is None or rule.marker is None else rule.marker
    shown = [
        unchecked[flag]
        if flag in unchecked
        else n
        if rule is None
        else marker
        if rule.is_sensitive(n)
        else rule.shown(n)
        for flag, n in zip(present, table["respondents flagged"], strict=True)
    ]
    return table.assign(**{"respondents flagged": pd.Series(shown, index=table.index, dtype=object)})


def item_nonresponse(clean: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per Likert item: substantive answers, non-substantive answers, no answer."""
    rows = []
    for var in codebook.likert_items:
        valid = int(clean[var.name].notna().sum())
        nonsub_col = f"{var.name}_nonsub"
        nonsub = int(clean[nonsub_col].notna().sum()) if nonsub_col in clean else 0
        missing = len(clean) - valid - nonsub
        rows.append(
            {
                "item": var.name,
                "question": var.question,
                "n_respondents": len(clean),
                "n_valid": valid,
                "n_non_substantive": nonsub,
                "n_no_answer": missing,
                "pct_no_answer": round(100 * missing / len(clean), 1) if len(clean) else float("nan"),
            }
        )
    columns = [
        "item",
        "question",
        "n_respondents",
        "n_valid",
        "n_non_substantive",
        "n_no_answer",
        "pct_no_answer",
    ]
    return pd.DataFrame(rows, columns=columns)  # no Likert item: the columns, no row


def respondents_by_role(clean: pd.DataFrame) -> pd.DataFrame:
    """Respondents per role group, with profession and level."""
    counts = clean.groupby("role", observed=False).size()
    table = pd.DataFrame({"role": counts.index.astype(str), "n": counts.to_numpy()})
    table["profession"] = table["role"].map(
        dict(zip(clean["role"].astype(str), clean["profession"].astype(str)))
    )
    table["level"] = table["role"].map(dict(zip(clean["role"].astype(str), clean["level"].astype(str))))
    table["pct"] = percentages(table["n"])
    return table[["role", "profession", "level", "n", "pct"]]


COMBINED_ROLES = "Respondents in the other role groups"


def publish_respondents_by_role(clean: pd.DataFrame, rule: disclosure.Rule) -> pd.DataFrame:
    """Respondents by role group as published (notebooks 02 and 03): :func:`respondents_by_role`
    under the release's publication design (:func:`helpers.publication.design_of`): a role
    group too small to protect, and any group that would give it away by difference, is
    replaced by the profession or level group that holds it (``role`` then names that group,
    e.g. "Manager", as the attitude tables do, with its profession or level; the respondents of
    roles that no published group holds are one row, :data:`COMBINED_ROLES`); counts through
    :func:`helpers.disclosure.suppress`, each percentage recomputed from the published counts."""
    table = respondents_by_role(clean)
    design = publication.design_of(clean, rule)
    if design.withheld:
        present = dict(zip(table["role"], table.to_dict("records")))
        rows = []
        for gtype, group in design.partition:
            if gtype == "role":
                rows.append(present.get(group) or {"role": group, "n": 0})
            else:
                members = design.members[group]
                n = sum(int(present[m]["n"]) for m in members if m in present)
                rows.append({"role": group, "profession": group if gtype == "profession" else "",
                             "level": group if gtype == "level" else "", "n": n})  # fmt: skip
        covered = {m for _, g in design.partition for m in design.members[g]}
        rest = sum(int(present[r]["n"]) for r in present if r not in covered)
        if rest:  # the roles no published group holds: together, never fewer than the limit
            rows.append({"role": COMBINED_ROLES, "profession": "", "level": "", "n": rest})
        table = pd.DataFrame(rows, columns=["role", "profession", "level", "n"])
        table["n"] = table["n"].astype("int64")
        table["pct"] = 0.0
    return disclosure.suppress(table, ["n"], derived={"pct": lambda s: percentages(s["n"])}, rule=rule)


def percentages(counts: pd.Series) -> pd.Series:
    """Each count as a percentage of their total, at the published precision of a table's
    percentages (helpers.numbers, ``table_percentage``)."""
    return (100 * counts / counts.sum()).map(lambda v: numbers.rounded(v, "table_percentage"))


def data_dictionary(clean: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per variable of the clean data: question, source, type, labels, valid/missing n."""
    rows = []

    def counts(name):
        options = [c for c in clean.columns if str(c).startswith(f"{name}__")]  # multiple response
        if name not in clean and options:
            valid = int(clean[options].notna().any(axis=1).sum())
            return len(clean), valid, 0, len(clean) - valid
        valid = int(clean[name].notna().sum()) if name in clean else 0
        nonsub = int(clean[f"{name}_nonsub"].notna().sum()) if f"{name}_nonsub" in clean else 0
        return len(clean), valid, nonsub, len(clean) - valid - nonsub

    for name, question, vtype in DERIVED[:4]:
        rows.append((name, question, "derived", vtype, "", "", *counts(name)))
    for var in codebook.variables.values():
        if var.type in {"text", "identifier", "role", "consent"}:
            continue
        levels = var.scale.levels if var.scale else var.labels
        nonsub = var.scale.non_substantive if var.scale else var.non_substantive
        vtype = f"{var.type} ({var.scale.name})" if var.scale else var.type
        rows.append(
            (
                var.name,
                var.question,
                ", ".join(var.columns.values()) if var.columns else var.source,
                vtype + (", reverse-coded in its scale" if var.reverse else ""),
                _labels_text(levels),
                _labels_text(nonsub),
                *counts(var.name),
            )
        )
    for name, question, vtype in DERIVED[4:]:
        rows.append((name, question, "derived", vtype, "", "", *counts(name)))
    return pd.DataFrame(
        rows,
        columns=[
            "variable",
            "question",
            "source_column",
            "type",
            "value_labels",
            "non_substantive_labels",
            "n_respondents",
            "n_valid",
            "n_non_substantive",
            "n_missing",
        ],
    )


def protect_respondents_by_role(table: pd.DataFrame, rule: disclosure.Rule) -> pd.DataFrame:
    """Disclosure control of :func:`respondents_by_role`: a suppressed count blanks its
    percentage; under the NHS rule (counts rounded to 5) each percentage is recomputed from the
    published counts over their published total, so that it equals the counts a reader sees."""
    if rule.rule == "nhs":
        derived = {"pct": lambda t: percentages(t["n"])}
    else:
        derived = {"pct": ["n"]}
    return disclosure.suppress(table, ["n"], derived=derived, rule=rule)


def suppress_small_counts(table: pd.DataFrame, rule: disclosure.Rule) -> pd.DataFrame:
    """Disclosure control for the per-item and per-variable tables: valid, non-substantive and
    missing counts add up to the respondents, so a suppressed count is protected within its row."""
    parts = [c for c in ("n_valid", "n_non_substantive", "n_no_answer", "n_missing") if c in table]
    pct = {"pct_no_answer": ("n_no_answer", "n_respondents")} if "pct_no_answer" in table else {}
    hide: list = []
    while True:
        protected, _ = disclosure.suppress_with_log(
            table, ["n_respondents", *parts], pct, rule=rule, row_totals={"n_respondents": parts}, hide=hide
        )
        more = _narrow_parts(table, protected, parts, rule)
        if not more:
            break
        hide += more
    if "pct_no_answer" in protected:  # recomputed from the protected counts: keep one decimal
        protected["pct_no_answer"] = protected["pct_no_answer"].map(
            lambda v: numbers.rounded(v, "table_percentage") if isinstance(v, float) else v
        )
    return protected


def _narrow_parts(table: pd.DataFrame, protected: pd.DataFrame, parts: list[str], rule) -> list:
    """Cells to suppress besides: in a row whose suppressed parts a reader can bound (respondents
    minus the shown parts, each suppressed part at least 1) within less than the audit's width,
    the smallest shown non-zero part (e.g. 1 "Don't know" and 1 no answer, both suppressed, are
    each exactly 1 when the valid answers are shown: then the valid answers are suppressed too)."""
    from helpers.audit import width_needed

    slack = 2 if rule.rule == "nhs" else 0
    need = width_needed(rule)
    out = []
    for i in range(len(table)):
        total = protected.at[i, "n_respondents"]
        hidden = [c for c in parts if _blank(protected.at[i, c], rule) and not pd.isna(table.at[i, c])]
        if not hidden or _blank(total, rule):
            continue
        shown = [c for c in parts if c not in hidden and not pd.isna(table.at[i, c])]
        high = float(total) + slack - sum(max(float(protected.at[i, c]) - slack, 0) for c in shown)
        if high - len(hidden) < need:
            visible = [c for c in shown if int(table.at[i, c]) > 0]
            if visible:
                out.append((i, min(visible, key=lambda c: int(table.at[i, c]))))
    return out


def _blank(value, rule) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == rule.marker


FLOW_JOIN = "; "


def accounted_for(n_export: int, n_clean: int, n_excluded: int, rule: disclosure.Rule) -> str:
    """The sentence that accounts for every response, with the counts as the published flow
    table gives them (numbers.people: "fewer than 5" where the rule suppresses a count, rounded
    to 5 under the NHS rule). Where the number excluded is suppressed, the export's size is not
    printed either: with the analysable count it would give the number back by subtraction, as
    :func:`protect_flow` leaves both empty."""
    clean, excluded = numbers.people(n_clean, rule), numbers.people(n_excluded, rule)
    if rule.is_sensitive(n_excluded):
        return (
            f"Analysable responses: {clean}; excluded: {excluded} (the export's size is not "
            "published: with the analysable count it would give the number excluded)."
        )
    return f"Responses in the export: {numbers.people(n_export, rule)}; analysable: {clean}; excluded: {excluded}."


def protect_flow(flow: pd.DataFrame, rule: disclosure.Rule) -> pd.DataFrame:
    """The flow of responses as published: a cleaning step that excluded 1 .. ``rule.upper``
    responses is merged with the step before it (the next one when it is the first step that
    excluded anyone), step names joined by "; ", until every published step excluded 0 or
    more than the rule's upper limit. An exclusion count is a count of people with an attribute
    (e.g. 4 respondents whose role is outside the four groups, which the role-recode table
    suppresses): printed on its own it would undo that suppression (issue 13, leak 4). Under
    the NHS rule the counts are also rounded to 5. Steps excluding no one are kept as they are.
    When every step together excluded 1 .. upper responses, that count and the size of the export
    (which gives it by subtraction) are left empty."""
    rows = [dict(r) for r in flow.to_dict("records")]
    if not rows:
        return flow.copy()
    head, steps = rows[:1], rows[1:]
    changed = True
    while changed:
        changed = False
        for i, r in enumerate(steps):
            if rule.is_sensitive(r["excluded"]):
                others = [j for j in (i - 1, i + 1) if 0 <= j < len(steps) and steps[j]["excluded"] > 0]
                if not others:
                    others = [j for j in (i - 1, i + 1) if 0 <= j < len(steps)]
                if not others:
                    break
                j = others[0]
                a, b = sorted((i, j))
                merged = {
                    "step": steps[a]["step"] + FLOW_JOIN + steps[b]["step"],
                    "excluded": steps[a]["excluded"] + steps[b]["excluded"],
                    "remaining": steps[b]["remaining"],
                }
                steps[a : b + 1] = [merged]
                changed = True
                break
    out = pd.DataFrame(head + steps, columns=flow.columns)
    small = [i for i in range(1, len(out)) if rule.is_sensitive(out.at[i, "excluded"])]
    if small:
        # every step merged and the exclusions still few: the count and the export's size, which
        # would give it by subtraction, are suppressed
        out["excluded"] = out["excluded"].astype("Int64").astype(object)
        out["remaining"] = out["remaining"].astype("Int64").astype(object)
        for i in small:
            out.at[i, "excluded"] = None
            out.at[i - 1, "remaining"] = None
    if rule.rule == "nhs":
        for col in ("excluded", "remaining"):
            out[col] = out[col].map(lambda v: v if v is None or pd.isna(v) else rule.shown(v))
    return out


def _row_at(yi: int, n: int) -> int:
    """The flow row drawn at height ``yi`` (the first step at the top)."""
    return n - 1 - yi


FLOW_LABEL_WIDTH = 38  # characters per line of a step's label (merged steps wrap, never squeeze the bars)


def flow_note(remaining, excluded) -> str:
    """The text beside a step's bar: '19   (-3)'; a suppressed count said in words."""
    if remaining is None or pd.isna(remaining):
        return "suppressed (small numbers)"
    if excluded is None or pd.isna(excluded):
        return f"{int(remaining)}   (excluded: suppressed)"
    return f"{int(remaining)}" + (f"   (-{int(excluded)})" if excluded else "")


def flow_figure(flow: pd.DataFrame):
    """The flow of responses from the export to the analysable dataset, as a bar chart; each
    step's label wrapped to :data:`FLOW_LABEL_WIDTH` characters a line."""
    import textwrap

    notes = [flow_note(r, e) for r, e in zip(flow["remaining"], flow["excluded"])]
    labels = [textwrap.fill(str(step), FLOW_LABEL_WIDTH) for step in flow["step"]]
    lines = sum(max(1, label.count("\n") + 1) for label in labels)
    flow = flow.assign(
        excluded=pd.to_numeric(flow["excluded"]).fillna(0).astype(int),
        remaining=pd.to_numeric(flow["remaining"]).fillna(0).astype(int),
    )
    fig, ax = plt.subplots(figsize=(8, 0.55 * max(len(flow), 0.6 * lines) + 1.2))
    y = range(len(flow))[::-1]
    ax.barh(list(y), flow["remaining"], color="#4477AA", height=0.6, label="remaining")
    ax.barh(
        list(y),
        flow["excluded"],
        left=flow["remaining"],
        color="#EE6677",
        height=0.6,
        label="excluded by the step",
    )
    for yi, (_, row) in zip(y, flow.iterrows()):
        note = notes[_row_at(yi, len(flow))]
        ax.text(
            row["remaining"] + row["excluded"] + flow["remaining"].max() * 0.01,
            yi,
            note,
            va="center",
            fontsize=10,
        )
    ax.set_yticks(list(y), labels, fontsize=10)
    ax.set_xlim(0, flow["remaining"].max() * 1.2)
    ax.set_xlabel("Responses remaining after the step (excluded by the step in brackets)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("From the export to the analysable dataset", loc="left", fontsize=12)
    # the legend in a band of its own under the axis label (it sat over the label before)
    handles, names = ax.get_legend_handles_labels()
    legend = fig.legend(
        handles, names, loc="lower center", ncol=2, frameon=False, fontsize=9, borderaxespad=0
    )
    plots.frame(fig, legend=legend)
    return fig
