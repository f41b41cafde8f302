"""Summaries of coded transcripts, the way QDA tools report them, cut by role and safe to publish.

- :func:`code_table`: the codebook with definitions and counts;
- :func:`themes_by_role`: references, participants and transcripts per theme and role;
- :func:`cooccurrence`: codes applied to the same or overlapping passages of a transcript;
- :func:`framework_matrix`: participants x themes with short excerpts (Framework method);
- :func:`quotes`: illustrative quotes per theme, attributed by role label only;
- :func:`agreement`: Cohen's kappa per code where segments were double-coded;
- :func:`accounting`: every coding read is in the summaries or in the agreement set (asserted).

Counting rules. A *coding* is one code applied to one passage; a *reference* is one coded
passage (a passage coded with two codes of the same theme is one reference to that theme);
*participants* are distinct speakers; *transcripts* are distinct sources (the focus group is one
transcript, each interview one). Codings with no identified speaker are kept under the role
"unattributed".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers import disclosure, numbers, stats, workbook
from helpers.qualitative import identifiers, privacy
from helpers.qualitative.segments import CodedData

UNATTRIBUTED = "unattributed"


def label_participants(data: CodedData, rule: dict | None = None) -> pd.DataFrame:
    """The participants with their published ``role`` label (see :mod:`privacy`)."""
    people = data.participants.copy()
    seg = data.segments
    sources = (
        seg.dropna(subset=["speaker"])
        .drop_duplicates("speaker")
        .set_index("speaker")["source"]
        .astype(str)
        .to_dict()
        if {"speaker", "source"} <= set(seg.columns)
        else {}
    )
    people["role"] = privacy.role_labels(people, rule, sources) if len(people) else pd.Series(dtype=object)
    people["context"] = privacy.context_of(people, sources) if len(people) else pd.Series(dtype=object)
    people["quotable"] = ~privacy.singled_out(people, rule, sources) if len(people) else pd.Series(dtype=bool)
    return people


def published_labels(people: pd.DataFrame) -> pd.DataFrame:
    """One row per disclosure context (each focus group; all the interviews together): its
    setting and the role labels the findings use there, in role order. No counts: per context
    they are a handful of people (the role groups behind the labels, and how many hold each,
    are what the coarsening hides)."""
    rows = []
    for (setting, context), group in people.groupby(["setting", "context"], sort=True):
        rows.append(
            {
                "setting": setting,
                "context": "all interviews" if context == "interviews" else context,
                "role_labels": ", ".join(_role_order(group["role"].dropna().unique())),
            }
        )
    return pd.DataFrame(rows, columns=["setting", "context", "role_labels"])


def annotate(data: CodedData, people: pd.DataFrame) -> pd.DataFrame:
    """Summary codings with speaker's role label, role group and setting (unattributed kept)."""
    seg = data.summary_segments.copy()
    info = people.set_index("pseudonym")
    seg["role"] = seg["speaker"].map(info["role"]).astype(object).fillna(UNATTRIBUTED)
    seg["role_group"] = seg["speaker"].map(info["role_group"]).astype(object).fillna(UNATTRIBUTED)
    seg["setting"] = seg["speaker"].map(info["setting"]).astype(object).fillna("")
    quotable = info["quotable"] if "quotable" in info else pd.Series(True, index=info.index)
    seg["quotable"] = seg["speaker"].map(quotable).astype(object).fillna(True).astype(bool)
    return seg


UNQUOTED = "[not quoted: the only participant with this label in their group]"
# the framework matrix's one row for them (no pseudonym: it names their group)
NOT_LISTED = "not listed: label unique in their group"


def unquoted_note(seg: pd.DataFrame) -> str:
    """One sentence for the report: whose words are not quoted, and how many passages."""
    n = unquoted_passages(seg)
    if not n:
        return "Every participant's label is shared by at least min_role_size people in their group: all may be quoted."
    # how many participants is not said: a count of people, often 1 (issue 13; the audit reads prose)
    return (
        f"{n} coded passage{'s' if n != 1 else ''} not quoted: each is by a participant whose "
        "published label, even after coarsening, is held by fewer than min_role_size people in "
        "their group (or among the interviews), so it would still point at them."
    )


def unquoted_passages(seg: pd.DataFrame) -> int:
    """Coded passages (distinct selections) not quoted because their speaker is singled out by
    their label in their group (:func:`helpers.qualitative.privacy.singled_out`)."""
    if "quotable" not in seg:
        return 0
    return int(seg.loc[~seg["quotable"].astype(bool), "segment_id"].nunique())


def _role_order(roles) -> list[str]:
    return sorted(set(roles) - {UNATTRIBUTED}) + ([UNATTRIBUTED] if UNATTRIBUTED in set(roles) else [])


def code_table(data: CodedData) -> pd.DataFrame:
    """Every code in codebook order: theme, code, definition, codings, transcripts, participants."""
    seg = data.summary_segments
    grouped = seg.groupby("code_guid")
    table = data.codes[["code_guid", "theme", "label", "depth", "description"]].rename(
        columns={"label": "code", "description": "definition"}
    )
    table["codings"] = table["code_guid"].map(grouped.size()).fillna(0).astype(int)
    table["transcripts"] = table["code_guid"].map(grouped["source"].nunique()).fillna(0).astype(int)
    speakers = seg[seg["speaker"] != ""].groupby("code_guid")["speaker"].nunique()
    table["participants"] = table["code_guid"].map(speakers).fillna(0).astype(int)
    assert table["codings"].sum() == len(seg), "every summary coding is counted once in the code table"
    return table.drop(columns="code_guid").reset_index(drop=True)


def themes_by_role(seg: pd.DataFrame, people: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """theme, role, references, codings, participants, transcripts, participants_in_role.

    Every theme x role pair is listed, zeros included (no one in that role raised it)."""
    roles = _role_order(list(people["role"]) + list(seg["role"]))
    in_role = people.groupby("role").size()
    rows = []
    for theme in themes:
        t = seg[seg["theme"] == theme]
        for role in roles:
            r = t[t["role"] == role]
            rows.append(
                {
                    "theme": theme,
                    "role": role,
                    "references": r["segment_id"].nunique(),
                    "codings": len(r),
                    "participants": r.loc[r["speaker"] != "", "speaker"].nunique(),
                    "transcripts": r["source"].nunique(),
                    "participants_in_role": int(in_role.get(role, 0)),
                }
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "theme",
            "role",
            "references",
            "codings",
            "participants",
            "transcripts",
            "participants_in_role",
        ],
    )
    assert table["codings"].sum() == len(seg[seg["theme"].isin(themes)]), (
        "codings lost between segments and themes_by_role"
    )
    return table


ALL_ROLES = "all roles"
PEOPLE_COUNTS = ["participants", "participants_in_role"]


def protect_themes_by_role(by_role: pd.DataFrame, rule: disclosure.Rule, seg: pd.DataFrame) -> pd.DataFrame:
    """The published themes_by_role: a total row per theme first (role "all roles": references,
    codings and participants summed over the roles, each participant having one label;
    transcripts, the theme's distinct transcripts in ``seg``; ``participants_in_role``, the
    participants in the study), then the counts of people (``participants``,
    ``participants_in_role``) through helpers.disclosure under the release's rule: counts 1 ..
    the rule's upper limit suppressed, the total row protected as a published total of its
    theme's role rows (no theme left with exactly one suppressed role), rounded under the NHS
    rule. References, codings and transcripts count passages and transcripts, not people."""
    rows = []
    for theme, block in by_role.groupby("theme", sort=False):
        total = {
            c: int(block[c].sum()) for c in ("references", "codings", "participants", "participants_in_role")
        }
        total["transcripts"] = int(seg.loc[seg["theme"] == theme, "source"].nunique())
        rows += [{"theme": theme, "role": ALL_ROLES, **total}, *block.to_dict("records")]
    table = pd.DataFrame(rows, columns=list(by_role.columns))
    starts = [i for i, role in enumerate(table["role"]) if role == ALL_ROLES] + [len(table)]
    equations = [(a, list(range(a + 1, b))) for a, b in zip(starts, starts[1:])]
    out = disclosure.suppress(table, PEOPLE_COUNTS, rule=rule, marker=rule.marker, row_equations=equations)
    # a role's participants_in_role is one cell printed in every theme: one status everywhere
    hidden = out["participants_in_role"].astype(str).isin([str(rule.marker), "", "<NA>", "nan"])
    roles = set(out.loc[hidden & (out["role"] != ALL_ROLES), "role"])
    out["participants_in_role"] = out["participants_in_role"].astype(object)
    out.loc[out["role"].isin(roles), "participants_in_role"] = (
        rule.marker if rule.marker is not None else pd.NA
    )
    return out


def cooccurrence(seg: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Square matrix (codes in codebook order, used codes only): off the diagonal, the number of
    pairs of codings of the two codes on the same or overlapping passages of one transcript; on
    the diagonal, the code's codings."""
    labels = [c for c in codes["label"] if c in set(seg["code"])]
    index = {c: i for i, c in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=int)
    for _, g in seg.groupby("source", sort=True):
        sid = g["segment_id"].to_numpy()
        start = pd.to_numeric(g["start"], errors="coerce").to_numpy(dtype=float)
        end = pd.to_numeric(g["end"], errors="coerce").to_numpy(dtype=float)
        code = g["code"].map(index).to_numpy()
        same = sid[:, None] == sid[None, :]
        with np.errstate(invalid="ignore"):
            overlap = (start[:, None] < end[None, :]) & (start[None, :] < end[:, None])
        linked = np.triu(same | overlap, k=1) & (code[:, None] != code[None, :])
        for i, j in zip(*np.nonzero(linked)):
            counts[code[i], code[j]] += 1
            counts[code[j], code[i]] += 1
    for c, n in seg["code"].value_counts().items():
        counts[index[c], index[c]] = n
    return pd.DataFrame(counts, index=pd.Index(labels, name="code"), columns=labels)


def top_pairs(matrix: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` pairs of codes that co-occur most (each pair once; ties in codebook order)."""
    rows = [
        {"code": matrix.index[i], "with code": matrix.columns[j], "pairs of codings": int(matrix.iat[i, j])}
        for i in range(len(matrix))
        for j in range(i + 1, len(matrix))
        if matrix.iat[i, j] > 0
    ]
    table = pd.DataFrame(rows, columns=["code", "with code", "pairs of codings"])
    return (
        table.sort_values("pairs of codings", ascending=False, kind="stable").head(n).reset_index(drop=True)
    )


def cooccurrence_figure(
    matrix: pd.DataFrame, title: str = "Codes applied to the same or overlapping passages"
):
    """Heatmap of the off-diagonal counts, non-zero counts written in the cells (the diagonal, a
    code's own codings, is left blank)."""
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.ticker import MaxNLocator

    n = len(matrix)
    size = max(6.0, 0.42 * n + 3)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    values = matrix.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(values, np.nan)
    shown = pd.DataFrame(values, index=matrix.index, columns=matrix.columns)
    labels = np.where(np.isnan(values) | (values == 0), "", np.nan_to_num(values).astype(int).astype(str))
    sns.heatmap(
        shown,
        ax=ax,
        cmap="Blues",
        annot=labels if n <= 30 else False,
        fmt="",
        linewidths=0.5,
        linecolor="white",
        square=True,
        cbar_kws={"label": "pairs of codings", "shrink": 0.6},
        vmin=0,
        annot_kws={"fontsize": 9},
    )
    ax.collections[0].colorbar.locator = MaxNLocator(integer=True)
    ax.collections[0].colorbar.update_ticks()
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title, fontsize=11)
    ax.tick_params(axis="both", labelsize=9)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right", rotation_mode="anchor")
    return fig


def framework_matrix(
    seg: pd.DataFrame,
    people: pd.DataFrame,
    themes: list[str],
    scrub: privacy.Scrubber,
    excerpt_chars: int = 120,
    per_cell: int = 2,
) -> pd.DataFrame:
    """Participants x themes (Framework method): each cell "n refs: excerpt | excerpt", scrubbed.

    Rows: each participant (pseudonym and published role label); then the participants whose
    label singles them out in their group (``quotable`` False: :func:`privacy.singled_out`)
    folded into one row with no pseudonym (their pseudonym names their group, e.g. FG2-P5) and
    no excerpt, role :data:`NOT_LISTED`, their references counted (issue 13); then
    "unattributed" if any."""
    rows = []
    quotable = (
        people["quotable"].astype(bool) if "quotable" in people else pd.Series(True, index=people.index)
    )
    listed = list(people[quotable].sort_values(["role", "pseudonym"]).itertuples())
    hidden = set(people.loc[~quotable, "pseudonym"])
    folded = seg[seg["speaker"].isin(hidden)] if hidden else seg.iloc[:0]
    unattributed = seg[seg["speaker"] == ""]
    for who, role, part in (
        [(p.pseudonym, p.role, seg[seg["speaker"] == p.pseudonym]) for p in listed]
        + ([("", NOT_LISTED, folded.assign(quotable=False))] if hidden else [])
        + ([("", UNATTRIBUTED, unattributed)] if len(unattributed) else [])
    ):
        row = {"participant": who, "role": role}
        for theme in themes:
            t = part[part["theme"] == theme].drop_duplicates("segment_id").sort_values(["source", "start"])
            if t.empty:
                row[theme] = ""
                continue
            if "quotable" in t and not t["quotable"].astype(bool).all():
                bits = [UNQUOTED]  # singled out by their label in their group: never quoted
            else:
                bits = [privacy.shorten(scrub(x), excerpt_chars) for x in t["text"].head(per_cell)]
            row[theme] = f"{len(t)} ref{'s' if len(t) != 1 else ''}: " + " | ".join(bits)
        rows.append(row)
    return pd.DataFrame(rows, columns=["participant", "role", *themes])


def quotes(
    seg: pd.DataFrame, themes: list[str], scrub: privacy.Scrubber, per_theme: int = 3, max_chars: int = 300
) -> pd.DataFrame:
    """Illustrative quotes per theme, one role at a time so that the roles are heard in turn;
    within a role the longest passage that fits in ``max_chars`` first. Role label only."""
    rows, used = [], set()
    if "quotable" in seg:  # a participant singled out by their label is never quoted
        seg = seg[seg["quotable"].astype(bool)]
    for theme in themes:
        t = seg[seg["theme"] == theme].drop_duplicates("segment_id").copy()
        t["words"] = t["text"].map(lambda x: " ".join(x.split()))
        t = t[~t["words"].duplicated()]  # the same words once only
        fresh = t[~t["words"].isin(used)]  # a passage quoted for an earlier theme only if nothing else
        t = fresh if len(fresh) >= min(per_theme, len(t)) else t
        t["length"] = t["text"].str.len()
        t["too_long"] = t["length"] > max_chars
        t = t.sort_values(
            ["too_long", "length", "source", "start"], ascending=[True, False, True, True], kind="stable"
        )
        queues = {role: list(g.itertuples()) for role, g in t.groupby("role", sort=False)}
        order = _role_order(queues)
        picked = 0
        while picked < per_theme and any(queues.values()):
            for role in order:
                if queues[role] and picked < per_theme:
                    s = queues[role].pop(0)
                    used.add(s.words)
                    rows.append(
                        {
                            "theme": theme,
                            "role": role,
                            "setting": s.setting,
                            "attribution": privacy.attribution(role, s.setting),
                            "quote": privacy.shorten(scrub(s.text), max_chars),
                        }
                    )
                    picked += 1
    return pd.DataFrame(rows, columns=["theme", "role", "setting", "attribution", "quote"])


AGREEMENT_COLUMNS = [
    "code",
    "primary_coder",
    "second_coder",
    "transcripts",
    "passages",
    "both",
    "primary_only",
    "second_only",
    "neither",
    "percent_agreement",
    "kappa",
    "ci_low",
    "ci_high",
    "interval",
]

AGREEMENT_UNIT_NOTE = (
    "Coding comparison unit: the whole transcripts both coders worked on (as NVivo and QualCoder "
    "compare coding). Every passage either coder coded in those transcripts is a unit, and a code "
    "a coder did not apply to a passage counts as 'not coded' (a disagreement where the other "
    "coder applied it). "
)


def _coded_sets(seg: pd.DataFrame, coder: str, sources) -> pd.Series:
    return seg[(seg["coder"] == coder) & seg["source"].isin(sources)].groupby("span")["code"].agg(set)


def agreement(data: CodedData, alpha: float = 0.05) -> pd.DataFrame:
    """Cohen's kappa per code between the primary coder and each second coder, over the whole
    transcripts both coded (:data:`AGREEMENT_UNIT_NOTE`): for each passage either coded there,
    did each coder apply the code (yes/no, not coded = no)? The asymptotic 95% interval is
    clipped to kappa's range; at perfect agreement it is one-sided, from the exact binomial
    bound (:data:`helpers.stats.KAPPA_BOUNDARY_NOTE`; ``interval`` says which). Percentages and
    kappas are rounded by :mod:`helpers.numbers`. Empty when no transcript is double-coded."""
    seg = data.segments
    rows = []
    primary = data.primary_coder
    primary_sources = set(seg.loc[seg["coder"] == primary, "source"])
    seconds = sorted(set(seg.loc[seg["source"].isin(primary_sources), "coder"]) - {primary}, key=str)
    for second in seconds:
        sources = sorted(primary_sources & set(seg.loc[seg["coder"] == second, "source"]), key=str)
        a = _coded_sets(seg, primary, sources)
        b = _coded_sets(seg, second, sources)
        units = sorted(set(a.index) | set(b.index))
        a, b = a.reindex(units), b.reindex(units)
        a = [x if isinstance(x, set) else set() for x in a]
        b = [x if isinstance(x, set) else set() for x in b]
        used = set().union(*a, *b)
        for code in [c for c in data.codes["label"] if c in used]:
            ra = [code in x for x in a]
            rb = [code in x for x in b]
            result = stats.cohens_kappa(ra, rb, alpha)
            rows.append(
                {
                    "code": code,
                    "primary_coder": primary,
                    "second_coder": second,
                    "transcripts": len(sources),
                    "passages": len(units),
                    "both": sum(x and y for x, y in zip(ra, rb)),
                    "primary_only": sum(x and not y for x, y in zip(ra, rb)),
                    "second_only": sum(y and not x for x, y in zip(ra, rb)),
                    "neither": sum(not x and not y for x, y in zip(ra, rb)),
                    "percent_agreement": numbers.rounded(result.percent_agreement, "percentage"),
                    "kappa": numbers.rounded(result.kappa, "effect_size"),
                    "ci_low": numbers.rounded(result.ci_low, "effect_size"),
                    "ci_high": numbers.rounded(result.ci_high, "effect_size"),
                    "interval": result.interval if np.isfinite(result.kappa) else "",
                }
            )
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def agreement_text(table: pd.DataFrame) -> str:
    """One sentence describing the agreement table, generated from its (rounded) numbers so
    the text always matches them: codes compared, the range of kappa, and how many codes had
    perfect agreement with the range of their one-sided lower bounds."""
    if table.empty:
        return "No transcript was coded by more than one coder, so agreement between coders is not reported."
    k = pd.to_numeric(table["kappa"], errors="coerce")
    perfect = table[table["interval"] == "exact lower bound"]
    text = (
        f"{len(table)} code comparisons over {int(table['passages'].max())} passages in "
        f"{int(table['transcripts'].max())} transcript(s): kappa from {numbers.effect_size(k.min())} "
        f"to {numbers.effect_size(k.max())}"
    )
    if k.isna().any():
        text += f" ({int(k.isna().sum())} undefined: neither coder's yes/no varied)"
    if len(perfect):
        lows = pd.to_numeric(perfect["ci_low"])
        text += (
            f"; {len(perfect)} with perfect agreement, whose one-sided 95% lower bounds run from "
            f"{numbers.effect_size(lows.min())} to {numbers.effect_size(lows.max())}: agreement on so few "
            "passages is compatible with much lower kappa"
        )
    finite = table[table["interval"] == "asymptotic"]
    if len(finite):
        width = pd.to_numeric(finite["ci_high"]) - pd.to_numeric(finite["ci_low"])
        text += f"; the two-sided 95% intervals are {numbers.effect_size(width.min())} to {numbers.effect_size(width.max())} wide"
    return text + "."


def multi_coder_agreement(data: CodedData) -> pd.DataFrame:
    """Krippendorff's alpha (nominal; the ``krippendorff`` package) per code where more than two
    coders coded the same transcripts: units are the passages any of them coded in the
    transcripts all of them worked on, a code not applied counts as 'not coded'. Columns: code,
    coders, transcripts, passages, alpha (rounded by :mod:`helpers.numbers`). Empty with fewer
    than three coders sharing a transcript."""
    import krippendorff

    seg = data.segments
    columns = ["code", "coders", "transcripts", "passages", "alpha"]
    coders = sorted(set(seg["coder"]), key=str)
    if len(coders) < 3:
        return pd.DataFrame(columns=columns)
    shared = set.intersection(*(set(seg.loc[seg["coder"] == c, "source"]) for c in coders))
    if not shared:
        return pd.DataFrame(columns=columns)
    sets = {c: _coded_sets(seg, c, shared) for c in coders}
    units = sorted(set().union(*(s.index for s in sets.values())))
    sets = {c: [x if isinstance(x, set) else set() for x in s.reindex(units)] for c, s in sets.items()}
    used = set().union(*(x for s in sets.values() for x in s))
    rows = []
    for code in [c for c in data.codes["label"] if c in used]:
        matrix = np.array([[float(code in x) for x in sets[c]] for c in coders])
        value = (
            float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
            if len(np.unique(matrix)) > 1
            else float("nan")
        )
        rows.append(
            {
                "code": code,
                "coders": len(coders),
                "transcripts": len(shared),
                "passages": len(units),
                "alpha": numbers.rounded(value, "effect_size"),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def accounting(
    data: CodedData, by_role: pd.DataFrame, scrub: privacy.Scrubber | None = None, unquoted: int | None = None
) -> pd.DataFrame:
    """Where every coding read went (and, given the scrubber, how many identifiers it replaced in
    quotes and excerpts, by kind; given ``unquoted`` (:func:`unquoted_passages`), how many coded
    passages were not quoted because their speaker's label singles them out in their group).
    Raises AssertionError if any coding is unaccounted for."""
    seg = data.segments
    summary = int((seg["use"] == "summary").sum())
    agree = int((seg["use"] == "agreement").sum())
    in_table = int(by_role["codings"].sum())
    rows = [
        ("codings read", len(seg)),
        ("  in the theme summaries", in_table),
        ("  used only for inter-coder agreement (second coder)", agree),
        (
            "  of the summarised, with no identified speaker",
            int((seg.loc[seg["use"] == "summary", "speaker"] == "").sum()),
        ),
        ("coded passages (distinct selections)", int(seg["segment_id"].nunique())),
        ("selections without a coding (memos), not summarised", len(data.uncoded)),
    ]
    if scrub is not None:
        rows += [
            (f"identifiers replaced in quotes and excerpts: {label}", int(scrub.counts[kind]))
            for kind, label in identifiers.LABELS.items()
        ]
    if unquoted is not None:
        rows.append(
            ("coded passages not quoted: the only participant with their label in their group", unquoted)
        )
    assert len(seg) == summary + agree == in_table + agree, (
        f"codings read ({len(seg)}) != summarised ({in_table}) + agreement-only ({agree})"
    )
    return pd.DataFrame(rows, columns=["item", "count"])


def workbook_bytes(sheets: dict[str, pd.DataFrame], notes: list[str]) -> bytes:
    """The strand's workbook (helpers.workbook: formula-safe text, fixed timestamps): a first
    sheet "About" with the notes, then one sheet per table."""
    about = workbook.Sheet(pd.DataFrame({"note": list(notes)}), title="About this workbook")
    return workbook.workbook_bytes({"About": about, **sheets})


def write_workbook(sheets: dict[str, pd.DataFrame], notes: list[str], name: str = "focus_groups") -> Path:
    """Write ``reports/tables/<name>.xlsx``."""
    about = workbook.Sheet(pd.DataFrame({"note": list(notes)}), title="About this workbook")
    return workbook.write_workbook({"About": about, **sheets}, name)


def prevalence_notes(published: pd.DataFrame) -> pd.DataFrame:
    """One line per theme of the published themes_by_role (:func:`protect_themes_by_role`):
    references and participants in all (the total row), the roles that raised it and the role
    that raised it most often, for the text of the findings. Ranked by published participants
    (a suppressed count, below the threshold, ranks under every shown count and above zero),
    then references, so the ranking tells nothing that the table hides."""
    rows = []
    for theme, t in published.groupby("theme", sort=False):
        total = t[t["role"] == ALL_ROLES]
        parts = t[t["role"] != ALL_ROLES].copy()
        shown = pd.to_numeric(parts["participants"], errors="coerce")
        parts["rank"] = shown.fillna(0.5)  # suppressed: at least one, fewer than any shown count
        top = parts.sort_values(["rank", "references", "role"], ascending=[False, False, True]).iloc[0]
        rows.append(
            {
                "theme": theme,
                "references": int(total["references"].iloc[0])
                if len(total)
                else int(parts["references"].sum()),
                "participants": total["participants"].iloc[0] if len(total) else int(shown.sum()),
                "roles_raising": int((parts["rank"] > 0).sum()),
                "most_often_raised_by": top["role"] if top["references"] else "",
            }
        )
    return pd.DataFrame(rows)


def themes_of(data: CodedData) -> list[str]:
    """The themes (top-level codes) in codebook order."""
    return list(data.codes.loc[data.codes["depth"] == 0, "label"])
