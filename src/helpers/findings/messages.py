"""Each slide's message: its headline, one finding written as a sentence from the numbers, and
speaker notes that carry the slide's numbers with their bases and intervals.

Every function takes the published strand tables the findings notebook already reads (never
the data) and returns a :class:`Message`. The sentences are generated, so they hold for any
instrument: item wording comes from the codebook (its ``short_label`` where it gives one),
answer wording from the item's positive levels, and no sentence ranks role groups unless the
strand's test across role groups is significant after adjustment for multiplicity (issue 14:
a highest or lowest group only after an adjusted significant effect). A suppressed cell is never
quoted. Numbers go through :mod:`helpers.numbers` (decisions 4).

In the written report a message is the slide's lead sentence in bold; :func:`helpers.slides.prepare`
makes it the slide's heading and its notes the speaker notes (output metadata ``deck``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from helpers import numbers
from helpers.findings import headline

ALPHA = 0.05
# Shares said in words when the percentage is within one point of the fraction.
FRACTIONS = (
    (1, 2, "half of"),
    (1, 3, "one in three"),
    (2, 3, "two in three"),
    (1, 4, "one in four"),
    (3, 4, "three in four"),
    (1, 5, "one in five"),
    (2, 5, "two in five"),
    (3, 5, "three in five"),
    (4, 5, "four in five"),
    (1, 10, "one in ten"),
    (3, 10, "three in ten"),
    (7, 10, "seven in ten"),
    (9, 10, "nine in ten"),
)


@dataclass
class Message:
    """One slide's message: ``headline`` (a sentence) and ``notes`` (one line per number)."""

    headline: str
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        return f"**{self.headline}**"

    def _repr_markdown_(self):
        return self.markdown(), {"deck": {"headline": self.headline, "notes": list(self.notes)}}

    def __repr__(self) -> str:
        return self.headline


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def share(pct) -> str:
    """'three in five' (within one point of 3/5), 'half of', else '45%'."""
    p = numbers.as_float(pct)
    for a, b, words in FRACTIONS:
        if abs(p - 100 * a / b) <= 1:
            return words
    return numbers.percentage(p)


def plural(group: str) -> str:
    """'Chief executive' -> 'chief executives' (role-group names are fixed by the codebook)."""
    word = str(group).lower()
    return word if word.endswith("s") else word + "s"


def _quoted(label: str) -> str:
    return f"\u201c{label}\u201d"


def answer_phrase(positive: Sequence[str]) -> str:
    """What the counted answers say: 'agree' for an agreement scale, else the levels quoted
    ("answer \u20184\u2019 or \u20185 Excellent\u2019")."""
    positive = [str(p) for p in positive]
    if positive and all("agree" in p.lower() and "disagree" not in p.lower() for p in positive):
        return "agree"
    if not positive:
        return "give a positive answer"
    quoted = [f"\u2018{p}\u2019" for p in positive]
    return "answer " + (quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1])


def share_phrase(item: str, positive: Sequence[str], comparisons: Mapping | None = None) -> str:
    """What an item's share counts, for "respondents who ...": the measure of the codebook's
    published comparison (``published_comparison``: measure -> item and levels) that counts
    exactly the item's ``positive`` levels, in words ("expect relations to improve", from
    :data:`helpers.findings.headline.MEASURES`); else :func:`answer_phrase` of the levels."""
    wanted = {str(p) for p in positive}
    for measure, comparison in (comparisons or {}).items():
        if comparison.item == item and wanted and {str(v) for v in comparison.levels} == wanted:
            label = headline.MEASURES.get(measure) or str(measure).replace("_", " ")
            return label[:1].lower() + label[1:]
    return answer_phrase(positive)


def adjusted_p(role_tests: pd.DataFrame | None, item: str) -> float:
    """The strand's multiplicity-adjusted p of the test across role groups for ``item``
    (``p_adjusted``, from the analysis plan; else ``p_holm``); NaN when there is none."""
    if role_tests is None or not len(role_tests):
        return math.nan
    column = next((c for c in ("p_adjusted", "p_holm") if c in role_tests), None)
    rows = role_tests[role_tests["item"] == item]
    if column is None or not len(rows):
        return math.nan
    return numbers.as_float(rows[column].iloc[0])


def _role_rows(attitudes: pd.DataFrame, item: str) -> pd.DataFrame:
    rows = attitudes[(attitudes["item"] == item) & (attitudes["group_type"] == "role")]
    return rows.assign(_pct=pd.to_numeric(rows["pct_agree"], errors="coerce"))


def _pooled(attitudes: pd.DataFrame, item: str) -> pd.Series | None:
    rows = attitudes[(attitudes["item"] == item) & (attitudes["group_type"] == "all")]
    return rows.iloc[0] if len(rows) else None


def estimate_note(row) -> str:
    """'60% (56 to 65), 280 of 465 who answered' (suppressed cells say so)."""
    pct = numbers.as_float(row["pct_agree"])
    if math.isnan(pct):
        return "suppressed (small numbers)"
    text = numbers.percentage_ci(pct, row["ci_low"], row["ci_high"])
    n_agree, n_valid = numbers.as_float(row.get("n_agree")), numbers.as_float(row.get("n_valid"))
    if not math.isnan(n_valid):
        text += (
            f", {numbers.count(n_agree)} of {numbers.count(n_valid)} who answered"
            if not math.isnan(n_agree)
            else f", of {numbers.count(n_valid)} who answered"
        )
    return text


def test_note(role_tests: pd.DataFrame | None, item: str) -> str | None:
    """'Across role groups: chi-square 25.6, df 12, p 0.012, adjusted p 0.060 (role_tests family)'."""
    if role_tests is None or not len(role_tests) or item not in set(role_tests["item"]):
        return None
    row = role_tests[role_tests["item"] == item].iloc[0]
    parts = []
    if "chi2" in row and not math.isnan(numbers.as_float(row["chi2"])):
        parts.append(f"chi-square {numbers.test_statistic(row['chi2'])}")
    if "dof" in row and not math.isnan(numbers.as_float(row["dof"])):
        parts.append(f"df {numbers.count(row['dof'])}")
    if "p_value" in row and not math.isnan(numbers.as_float(row["p_value"])):
        parts.append(f"p {numbers.p_value(row['p_value'])}")
    p_adj = adjusted_p(role_tests, item)
    if not math.isnan(p_adj):
        parts.append(f"adjusted p {numbers.p_value(p_adj)}")
    return "Across role groups: " + ", ".join(parts) if parts else None


def item_share(
    attitudes: pd.DataFrame,
    item: str,
    label: str,
    positive: Sequence[str],
    role_tests: pd.DataFrame | None = None,
) -> Message:
    """How many respondents give the counted answers to one item, with the role groups' ends
    only where the role groups differ after adjustment."""
    pooled = _pooled(attitudes, item)
    pct = math.nan if pooled is None else numbers.as_float(pooled["pct_agree"])
    phrase = answer_phrase(positive)
    if math.isnan(pct):
        sentence = f"Respondents who {phrase}: {_quoted(label)} (estimate suppressed)"
    else:
        sentence = f"{_capital(share(pct))} respondents {phrase}: {_quoted(label)}"
    notes = [f"{_quoted(label)}: % who {phrase}."]
    if pooled is not None:
        notes.append(f"All respondents: {estimate_note(pooled)}.")
    for _, row in _role_rows(attitudes, item).iterrows():
        notes.append(f"{row['group']}: {estimate_note(row)}.")
    test = test_note(role_tests, item)
    if test:
        notes.append(test + ".")
    return Message(sentence, notes)


def role_difference(
    attitudes: pd.DataFrame,
    item: str,
    label: str,
    positive: Sequence[str],
    role_tests: pd.DataFrame | None,
    alpha: float = ALPHA,
) -> Message:
    """Whether the role groups differ on one item: the groups with the highest and lowest share
    only after an adjusted significant test; otherwise that they did not differ significantly."""
    phrase = answer_phrase(positive)
    p_adj = adjusted_p(role_tests, item)
    rows = _role_rows(attitudes, item).dropna(subset=["_pct"])
    if not math.isnan(p_adj) and p_adj < alpha and len(rows) >= 2:
        ordered = rows.sort_values("_pct", kind="stable")
        hi, lo = ordered.iloc[-1], ordered.iloc[0]
        sentence = (
            f"{_quoted(label)}: {plural(hi['group'])} {phrase} most often ({numbers.percentage(hi['_pct'])}), "
            f"{plural(lo['group'])} least ({numbers.percentage(lo['_pct'])})"
        )
    elif math.isnan(p_adj):
        sentence = f"{_quoted(label)}: the role groups were not tested"
    else:
        sentence = (
            f"{_quoted(label)}: no significant difference between role groups "
            f"(adjusted p {numbers.p_value(p_adj)})"
        )
    notes = item_share(attitudes, item, label, positive, role_tests).notes
    return Message(sentence, notes)


def role_tests_summary(
    items: Sequence[str],
    role_tests: pd.DataFrame | None,
    alpha: float = ALPHA,
    labels: Mapping[str, str] | None = None,
) -> Message:
    """'The role groups differ significantly on 2 of the 4 headline statements'."""
    tested = [i for i in items if not math.isnan(adjusted_p(role_tests, i))]
    differ = [i for i in tested if adjusted_p(role_tests, i) < alpha]
    n = len(tested)
    noun = "statement" if n == 1 else "statements"
    if not n:
        return Message("The role groups were not tested on the headline statements")
    if not differ:
        sentence = f"The role groups do not differ significantly on any of the {n} headline {noun}"
    elif len(differ) == n:
        sentence = f"The role groups differ significantly on all {n} headline {noun}"
    else:
        sentence = f"The role groups differ significantly on {len(differ)} of the {n} headline {noun}"
    labels = dict(labels or {})
    notes = [
        f"{_quoted(labels.get(i, i))}: adjusted p {numbers.p_value(adjusted_p(role_tests, i))}"
        + (" (significant)" if i in differ else "")
        + "."
        for i in tested
    ]
    notes.append(f"Significant: adjusted p below {alpha:g} (multiplicity adjustment from the analysis plan).")
    return Message(sentence, notes)


COMBINED_ROLES = "Respondents in the other role groups"  # helpers.survey.describe.COMBINED_ROLES


def respondents(table: pd.DataFrame) -> Message:
    """'472 respondents: 68 chief executives, 94 medical directors, ...' (groups with no one
    left out; a suppressed count is not added up)."""
    n = pd.to_numeric(table["n"], errors="coerce")
    shown = [(g, v) for g, v in zip(table["role"], n) if not math.isnan(v) and v > 0]
    suppressed = [g for g, v in zip(table["role"], n) if math.isnan(v)]
    parts = [
        f"{numbers.count(v)} in the other role groups"
        if g == COMBINED_ROLES
        else f"{numbers.count(v)} {plural(g) if v != 1 else str(g).lower()}"
        for g, v in shown
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""
    if suppressed:
        sentence = f"Respondents by role: {listed}; {len(suppressed)} small group(s) not shown"
    elif [g for g, _ in shown] == [COMBINED_ROLES]:
        # every role group too small to show on its own (helpers.survey.describe combines them)
        total = sum(v for _, v in shown)
        sentence = f"{numbers.count(total)} respondents; no role group is large enough to show on its own"
    else:
        total = sum(v for _, v in shown)
        sentence = f"{numbers.count(total)} respondents: {listed}"
    notes = []
    for _, row in table.iterrows():
        value = numbers.as_float(row["n"])
        pct = numbers.as_float(row.get("pct"))
        count = "suppressed" if math.isnan(value) else numbers.count(value)
        notes.append(
            f"{row['role']}: {count}" + ("" if math.isnan(pct) else f" ({numbers.percentage(pct)})") + "."
        )
    return Message(sentence, notes)


def _row_priority(table: pd.DataFrame) -> pd.DataFrame:
    tested = table["p_value"].notna() if "p_value" in table else pd.Series(False, index=table.index)
    return table.assign(
        _tested=~tested,
        _all=table["group"] != "All respondents",
        _year=pd.to_numeric(table["published_year"], errors="coerce"),
        _order=range(len(table)),
    ).sort_values(["_tested", "_all", "_year", "_order"], kind="stable")


def then_and_now(table: pd.DataFrame, alpha: float = ALPHA) -> Message:
    """This survey against a published figure: the first tested row for all respondents (else
    any tested row, else the first row), a rise or fall only when the adjusted test is
    significant."""
    if table is None or not len(table):
        return Message("No published figure to compare with")
    rows = _row_priority(table.reset_index(drop=True))
    row = rows.iloc[0]
    label = _quoted(headline.MEASURES.get(row["measure"], str(row["measure"])))
    year = int(numbers.as_float(row["published_year"]))
    now, then = numbers.as_float(row["pct"]), numbers.as_float(row["published_pct"])
    p = numbers.as_float(row.get("p_adjusted", row.get("p_value")))
    who = "" if row["group"] == "All respondents" else f" ({plural(row['group'])})"
    if math.isnan(now):
        sentence = f"{label}{who}: {numbers.percentage(then)} in {year}; this survey's estimate is suppressed"
    elif math.isnan(p):
        sentence = (
            f"{label}{who}: {numbers.percentage(now)} in this survey, {numbers.percentage(then)} in {year} "
            "(not tested)"
        )
    elif p < alpha:
        direction = "up" if now > then else "down"
        sentence = (
            f"{label}{who}: {direction} from {numbers.percentage(then)} in {year} to {numbers.percentage(now)} "
            "in this survey"
        )
    else:
        sentence = (
            f"{label}{who}: {numbers.percentage(now)} in this survey, {numbers.percentage(then)} in {year}, "
            "no significant change"
        )
    notes = []
    for _, r in table.iterrows():
        line = (
            f"{headline.MEASURES.get(r['measure'], r['measure'])}, {r['group']}: "
            f"{int(numbers.as_float(r['published_year']))} {numbers.percentage(r['published_pct'])}"
        )
        if not math.isnan(numbers.as_float(r["pct"])):
            line += f"; this survey {numbers.percentage_ci(r['pct'], r['ci_low'], r['ci_high'])}"
            if not math.isnan(numbers.as_float(r.get("n_valid"))):
                line += f", n {numbers.count(r['n_valid'])}"
        diff = headline.fmt_diff(r.get("diff_pp"), r.get("diff_ci_low"), r.get("diff_ci_high"), math.nan)
        if diff:
            line += f"; difference {diff}"
        padj = numbers.as_float(r.get("p_adjusted", r.get("p_value")))
        if not math.isnan(padj):
            line += f", adjusted p {numbers.p_value(padj)}"
        notes.append(line + ".")
    return Message(sentence, notes)


IDENTIFIED = ("database_results", "register_results")
OTHER_METHODS = ("website_results", "organisation_results", "citations_results")


def _prisma_values(counts: pd.DataFrame) -> dict[str, float]:
    return {str(k): numbers.as_float(v) for k, v in zip(counts["data"], counts["n"])}


def _total(values: Mapping[str, float], keys: Sequence[str]) -> int:
    return int(sum(v for k in keys if not math.isnan(v := values.get(k, math.nan))))


def prisma(counts: pd.DataFrame) -> Message:
    """'15 studies (16 reports) included from 88 records identified'."""
    v = _prisma_values(counts)
    databases, others = _total(v, IDENTIFIED), _total(v, OTHER_METHODS)
    studies, reports = v.get("total_studies", math.nan), v.get("total_reports", math.nan)
    included = f"{numbers.count(studies)} {'study' if studies == 1 else 'studies'}"
    if not math.isnan(reports) and reports != studies:
        included += f" ({numbers.count(reports)} reports)"
    sentence = f"{_capital(included)} included from {numbers.count(databases + others)} records identified"
    notes = [f"{label}: {numbers.count(n)}." for label, n in flow_rows(counts) if not math.isnan(n)]
    return Message(sentence, notes)


def flow_rows(counts: pd.DataFrame) -> list[tuple[str, float]]:
    """The PRISMA 2020 flow as (step, number) rows, databases and other methods added up."""
    v = _prisma_values(counts)

    def total(*keys):
        present = [v[k] for k in keys if k in v and not math.isnan(v[k])]
        return sum(present) if present else math.nan

    rows = [
        ("Records identified from databases and registers", total(*IDENTIFIED)),
        ("Records identified by other methods (websites, organisations, citations)", total(*OTHER_METHODS)),
        ("Duplicate records removed", total("duplicates")),
        (
            "Records removed by automation tools or for other reasons",
            total("excluded_automatic", "excluded_other"),
        ),
        ("Records screened (title and abstract)", total("records_screened")),
        ("Records excluded at screening", total("records_excluded")),
        ("Reports sought for retrieval", total("dbr_sought_reports", "other_sought_reports")),
        ("Reports not retrieved", total("dbr_notretrieved_reports", "other_notretrieved_reports")),
        ("Reports assessed for eligibility", total("dbr_assessed", "other_assessed")),
        ("Studies included in the review", total("total_studies")),
        ("Reports of included studies", total("total_reports")),
    ]
    return rows


def prisma_flow_table(counts: pd.DataFrame) -> pd.DataFrame:
    """The flow as a slide-sized table: step, number (steps with a number only)."""
    rows = [(step, n) for step, n in flow_rows(counts) if not math.isnan(n)]
    return pd.DataFrame({"step": [s for s, _ in rows], "n": [int(n) for _, n in rows]})


def themes(summary: pd.DataFrame) -> Message:
    """The theme raised by the most participants (ties named together), with its reach."""
    if summary is None or not len(summary):
        return Message("No theme was coded")
    people = pd.to_numeric(summary["participants"])
    top = summary[people == people.max()]
    total = (
        f" of {numbers.count(pd.to_numeric(summary['participants_in_study']).iloc[0])}"
        if "participants_in_study" in summary
        else ""
    )
    names = [_quoted(t) for t in top["theme"]]
    named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    n = numbers.count(people.max())
    verb = "was" if len(names) == 1 else "were each"
    sentence = f"{named} {verb} raised by the most participants: {n}{total}"
    notes = [
        f"{r['theme']}: {numbers.count(r['participants'])}{total} participants, "
        f"{numbers.count(r['references'])} coded references; raised by {r['raised_by']}."
        for _, r in summary.iterrows()
    ]
    notes.append("A purposive sample: how widely a theme was shared, not how common a view is.")
    return Message(sentence, notes)


def triangulation(long: pd.DataFrame | None) -> Message:
    """'The survey and the interviews converge on 4 of the 9 pairs compared; 2 dissonant'."""
    if long is None:
        return Message("Triangulation not available in this run")
    compared = long[long["origin"].astype(str).str.startswith("mapping row")]
    n = len(compared)
    counts = {j: int((compared["judgement"] == j).sum()) for j in headline_judgements()}
    if not n:
        return Message("No survey item and interview theme were compared in this run")
    sentence = (
        f"Survey and interviews converge on {counts['convergence']} of the {n} pairs compared"
        f" and are dissonant on {counts['dissonance']}"
    )
    notes = [f"{j}: {c} of {n} pairs compared." for j, c in counts.items()]
    derived = len(long) - n
    notes.append(
        f"{derived} silences added by the pipeline (items or themes the other method says nothing on)."
    )
    return Message(sentence, notes)


def headline_judgements() -> tuple[str, ...]:
    from helpers.findings.triangulation import JUDGEMENTS

    return JUDGEMENTS


def dissonance(
    long: pd.DataFrame | None, labels: Mapping[str, str] | None = None, judgement: str = "dissonance"
) -> Message:
    """The pairs judged ``judgement`` (dissonance or complementarity): the first one named in
    the headline, every one in the notes with its survey evidence and the team's rationale."""
    if long is None:
        return Message("Triangulation not available in this run")
    labels = dict(labels or {})
    verb = {"dissonance": "disagree", "complementarity": "complement each other"}.get(judgement, judgement)
    rows = long[long["judgement"] == judgement]
    if not len(rows):
        return Message(f"No pair of survey item and interview theme was judged {judgement}")

    def label(r) -> str:
        return labels.get(r["survey_item"]) or r.get("question") or r["survey_item"]

    first = rows.iloc[0]
    more = f" (and {len(rows) - 1} more pair{'s' if len(rows) > 2 else ''})" if len(rows) > 1 else ""
    sentence = f"Survey and interviews {verb} on {_quoted(label(first))} and {_quoted(first['theme'])}{more}"
    notes = [
        f"{label(r)} x {r['theme']}: {r['survey_evidence']}"
        + (f"; team: {r['rationale']}" if str(r.get("rationale", "")) else "")
        + "."
        for _, r in rows.iterrows()
    ]
    return Message(sentence, notes)


def then_and_now_summary(table: pd.DataFrame | None, alpha: float = ALPHA) -> Message:
    """'2 of the 9 tested comparisons with 2002 and 2015 show a significant change'."""
    if table is None or not len(table):
        return Message("No published figure to compare with")
    p = pd.to_numeric(table.get("p_adjusted", table.get("p_value")), errors="coerce")
    tested = table[p.notna()]
    years = sorted({int(y) for y in pd.to_numeric(table["published_year"], errors="coerce").dropna()})
    when = " and ".join(str(y) for y in years)
    n, k = len(tested), int((p[p.notna()] < alpha).sum())
    if not n:
        return Message(f"The comparisons with {when} are descriptive only (none tested)")
    noun = "comparison" if n == 1 else "comparisons"
    if k == 0:
        sentence = f"None of the {n} tested {noun} with {when} shows a significant change"
    else:
        sentence = (
            f"{k} of the {n} tested {noun} with {when} show{'s' if k == 1 else ''} a significant change"
        )
    return Message(sentence, then_and_now(table, alpha).notes)


def _reasons(*texts) -> list[tuple[str, int]]:
    """'reason a, 4; reason b, 1' (prisma_counts' exclusion cells) as [(reason, n)], summed
    over the cells in first-seen order."""
    out: dict[str, int] = {}
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        for part in text.split(";"):
            reason, _, n = part.strip().rpartition(",")
            if reason and n.strip().isdigit():
                out[reason.strip()] = out.get(reason.strip(), 0) + int(n)
    return list(out.items())


def prisma_flow_html(counts: pd.DataFrame) -> str:
    """A slide-sized PRISMA 2020 flow: the steps down the left, what left the review at each
    step on the right (full-text exclusions with their reasons); databases and registers and
    other methods added up where the flow joins them."""
    import html

    raw = {str(k): v for k, v in zip(counts["data"], counts["n"])}
    v = _prisma_values(counts)

    def n(*keys) -> int:
        return _total(v, keys)

    def c(x) -> str:
        return numbers.count(x)

    databases, others = n(*IDENTIFIED), n(*OTHER_METHODS)
    removed = n("duplicates", "excluded_automatic", "excluded_other")
    sought = n("dbr_sought_reports", "other_sought_reports")
    reasons = _reasons(raw.get("dbr_excluded"), raw.get("other_excluded"))
    excluded = sum(k for _, k in reasons)
    studies, reports = n("total_studies"), n("total_reports")
    steps = [
        (
            f"<b>{c(databases + others)}</b> records identified",
            f"{c(databases)} from databases and registers, {c(others)} by other methods",
            f"<b>{c(removed)}</b> removed before screening (duplicates and other reasons)",
        ),
        (
            f"<b>{c(n('records_screened'))}</b> records screened",
            "titles and abstracts (databases and registers)",
            f"<b>{c(n('records_excluded'))}</b> excluded at screening",
        ),
        (
            f"<b>{c(sought)}</b> reports sought",
            f"{c(n('other_sought_reports'))} of them found by other methods" if others else "",
            f"<b>{c(n('dbr_notretrieved_reports', 'other_notretrieved_reports'))}</b> not retrieved",
        ),
        (
            f"<b>{c(n('dbr_assessed', 'other_assessed'))}</b> reports assessed in full",
            "for eligibility",
            f"<b>{c(excluded)}</b> excluded: " + "; ".join(f"{html.escape(r)} ({c(k)})" for r, k in reasons),
        ),
        (
            f"<b>{c(studies)}</b> {'study' if studies == 1 else 'studies'} included",
            f"in {c(reports)} report{'s' if reports != 1 else ''}",
            "",
        ),
    ]
    box = "border:2px solid #4a6c8f;border-radius:6px;padding:0.25em 0.6em;background:#f3f7fb;"
    side = "border:1px solid #999;border-radius:6px;padding:0.25em 0.6em;font-size:0.8em;"
    rows = []
    for i, (main, detail, out) in enumerate(steps):
        arrow = "&#8594;" if out else ""
        rows.append(
            f'<tr><td style="{box}">{main}<br><span style="font-size:0.75em;color:#444">{detail}</span></td>'
            f'<td style="text-align:center;font-size:1.2em;border:0">{arrow}</td>'
            f'<td style="{side if out else "border:0"}">{out}</td></tr>'
        )
        if i < len(steps) - 1:
            rows.append(
                '<tr><td style="text-align:center;border:0;line-height:1">&#8595;</td><td style="border:0"></td><td style="border:0"></td></tr>'
            )
    return (
        '<table class="prisma-flow" aria-label="PRISMA 2020 flow of records and reports '
        'through the review" style="border-collapse:separate;border-spacing:0;width:100%;font-size:0.9em">'
        '<colgroup><col style="width:44%"><col style="width:6%"><col style="width:50%"></colgroup>'
        + "".join(rows)
        + "</table>"
    )
