"""The screening log: decisions per stage, agreement on the dual-screened sample, conflicts.

The log is a spreadsheet with one row per decision (see docs/literature.md)::

    record_id, stage, reviewer, decision, reason, note

* ``stage``: ``title_abstract`` or ``full_text``;
* ``reviewer``: a reviewer code (e.g. ``R1``); the code ``consensus`` records how a conflict
  between two reviewers was resolved (by discussion or a third reviewer);
* ``decision``: ``include`` or ``exclude``; at full text also ``not_retrieved``;
* ``reason``: required for a full-text exclusion (one of the reasons listed in params.yaml when
  a list is given), optional otherwise.

A record screened by two reviewers at a stage is in the dual-screened sample for that stage;
the final decision is the reviewers' common decision, else the ``consensus`` row. A conflict
without a consensus row, or a record with no decision, is flagged: it is never dropped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import files, numbers, stats
from helpers.files import InputError

STAGES = ("title_abstract", "full_text")
DECISIONS = {"title_abstract": ("include", "exclude"), "full_text": ("include", "exclude", "not_retrieved")}
CONSENSUS = "consensus"
COLUMNS = ["record_id", "stage", "reviewer", "decision", "reason", "note"]


def read_screening_log(
    path: str | Path, id_map: dict[str, str], *, reasons: list[str] | None = None
) -> pd.DataFrame:
    """Read and check the screening log.

    ``id_map`` maps every identified record id to its unique (deduplicated) id, so a reviewer
    may cite any record of a group of duplicates. Returns the rows with ``unique_id`` and the
    spreadsheet row number ``row`` (header = row 1).
    """
    path = Path(path)
    out = []
    for n, rec in files.read_log(path, COLUMNS[:4], COLUMNS):
        rec.setdefault("reason", "")
        rec.setdefault("note", "")
        if rec["record_id"] not in id_map:
            raise InputError(
                path,
                "unknown record id (not among the records identified by the searches)",
                row=n,
                column="record_id",
                value=rec["record_id"],
            )
        files.require_one_of(path, rec["stage"], STAGES, row=n, column="stage")
        if not rec["reviewer"]:
            raise InputError(path, "reviewer is empty", row=n, column="reviewer")
        files.require_one_of(
            path,
            rec["decision"],
            DECISIONS[rec["stage"]],
            row=n,
            column="decision",
            what=f"decision at stage {rec['stage']}",
        )
        if rec["stage"] == "full_text" and rec["decision"] == "exclude":
            files.require_reason(path, rec["reason"], row=n, what="a full-text exclusion")
            if reasons and rec["reason"] not in reasons:
                raise InputError(
                    path,
                    f"reason is not in the list in params.yaml ({'; '.join(reasons)})",
                    row=n,
                    column="reason",
                    value=rec["reason"],
                )
        rec["unique_id"] = id_map[rec["record_id"]]
        rec["row"] = n
        out.append(rec)
    log = pd.DataFrame(out, columns=[*COLUMNS, "unique_id", "row"])
    _check_structure(log, path)
    return log


def _check_structure(log: pd.DataFrame, path: Path) -> None:
    dup = log[log.duplicated(["unique_id", "stage", "reviewer"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        raise InputError(
            path,
            f"record {first['unique_id']} has more than one {first['stage']} decision by "
            f"reviewer {first['reviewer']}",
            row=dup["row"].tolist(),
        )
    reviewers = log[log["reviewer"] != CONSENSUS].groupby(["unique_id", "stage"])["reviewer"].nunique()
    many = reviewers[reviewers > 2]
    if len(many):
        uid, stage = many.index[0]
        rows = log[(log["unique_id"] == uid) & (log["stage"] == stage)]["row"].tolist()
        raise InputError(
            path,
            f"record {uid} has more than two reviewers at {stage}; record a third "
            f"reviewer's arbitration as reviewer '{CONSENSUS}'",
            row=rows,
        )


def _stage_decisions(log: pd.DataFrame, stage: str) -> pd.DataFrame:
    """Per unique id at one stage: mode, the two reviewers' decisions, conflict, final decision."""
    part = log[log["stage"] == stage]
    rows = []
    for uid, group in part.groupby("unique_id", sort=False):
        people = group[group["reviewer"] != CONSENSUS].sort_values("reviewer")
        consensus = group[group["reviewer"] == CONSENSUS]
        decisions = people["decision"].tolist()
        conflict = len(set(decisions)) > 1
        if len(consensus):
            final, final_reason, source = (
                consensus.iloc[0]["decision"],
                consensus.iloc[0]["reason"],
                CONSENSUS,
            )
        elif decisions and not conflict:
            final, source = decisions[0], "reviewers"
            final_reason = next((r for r in people["reason"] if r), "")
        else:
            final, final_reason, source = None, "", "unresolved conflict"
        rows.append(
            {
                "unique_id": uid,
                "stage": stage,
                "mode": "dual" if len(people) == 2 else ("single" if len(people) == 1 else "consensus only"),
                "reviewer_a": people["reviewer"].iloc[0] if len(people) else None,
                "decision_a": decisions[0] if decisions else None,
                "reviewer_b": people["reviewer"].iloc[1] if len(people) > 1 else None,
                "decision_b": decisions[1] if len(decisions) > 1 else None,
                "conflict": conflict,
                "final": final,
                "reason": final_reason,
                "decided_by": source,
                "rows": ", ".join(str(r) for r in group["row"]),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "unique_id",
            "stage",
            "mode",
            "reviewer_a",
            "decision_a",
            "reviewer_b",
            "decision_b",
            "conflict",
            "final",
            "reason",
            "decided_by",
            "rows",
        ],
    )


def decisions(log: pd.DataFrame, unique_ids, path: str | Path = "screening log") -> pd.DataFrame:
    """The final decision of every unique record, with a ``status`` and a ``flag`` when one is missing.

    Status: ``excluded_screening``, ``not_retrieved``, ``excluded_full_text``, ``included``,
    ``awaiting_screening`` (no title/abstract decision or an unresolved conflict),
    ``awaiting_full_text`` (included at title/abstract, no final full-text decision).
    A full-text decision for a record excluded at title/abstract is an error.
    """
    ta = _stage_decisions(log, "title_abstract").set_index("unique_id")
    ft = _stage_decisions(log, "full_text").set_index("unique_id")
    rows = []
    for uid in unique_ids:
        t = ta.loc[uid] if uid in ta.index else None
        f = ft.loc[uid] if uid in ft.index else None
        ta_final = t["final"] if t is not None and pd.notna(t["final"]) else None
        ft_final = f["final"] if f is not None and pd.notna(f["final"]) else None
        flag = ""
        if ta_final == "exclude" and f is not None:
            raise InputError(
                path,
                f"record {uid} has full-text decisions but was excluded at title/abstract",
                row=[int(r) for r in f["rows"].split(", ")],
            )
        if ta_final is None:
            status = "awaiting_screening"
            flag = (
                "no title/abstract decision"
                if t is None
                else f"unresolved title/abstract conflict (rows {t['rows']})"
            )
        elif ta_final == "exclude":
            status = "excluded_screening"
        elif ft_final is None:
            status = "awaiting_full_text"
            flag = (
                "included at title/abstract, no full-text decision"
                if f is None
                else f"unresolved full-text conflict (rows {f['rows']})"
            )
        else:
            status = {
                "include": "included",
                "exclude": "excluded_full_text",
                "not_retrieved": "not_retrieved",
            }[ft_final]
        rows.append(
            {
                "unique_id": uid,
                "title_abstract": ta_final,
                "title_abstract_mode": t["mode"] if t is not None else None,
                "full_text": ft_final,
                "full_text_mode": f["mode"] if f is not None else None,
                "exclusion_reason": f["reason"] if status == "excluded_full_text" else "",
                "status": status,
                "flag": flag,
            }
        )
    extra = sorted(set(log["unique_id"]) - set(unique_ids))
    if extra:
        raise InputError(path, "decisions for records that are not in the deduplicated set", value=extra[0])
    return pd.DataFrame(rows)


def agreement(log: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Agreement on the dual-screened sample per stage: n, % agreement, Cohen's kappa and CI.

    The asymptotic CI is clipped to [-1, 1] (helpers.stats.cohens_kappa). Only include/exclude
    judgements count (``not_retrieved`` is not a judgement). Reviewer A
    is the first reviewer code in alphabetical order; kappa does not depend on the labelling.
    """
    rows = []
    for stage in STAGES:
        d = _stage_decisions(log, stage)
        dual = d[
            (d["mode"] == "dual")
            & d["decision_a"].isin(["include", "exclude"])
            & d["decision_b"].isin(["include", "exclude"])
        ]
        n_single = int((d["mode"] == "single").sum())
        if dual.empty:
            rows.append(
                {
                    "stage": stage,
                    "records_screened": len(d),
                    "single_screened": n_single,
                    "dual_screened": 0,
                    "agreements": 0,
                    "percent_agreement": float("nan"),
                    "kappa": float("nan"),
                    "kappa_ci_low": float("nan"),
                    "kappa_ci_high": float("nan"),
                    "conflicts": 0,
                    "unresolved": 0,
                }
            )
            continue
        result = stats.cohens_kappa(dual["decision_a"], dual["decision_b"], alpha=alpha)
        rows.append(
            {
                "stage": stage,
                "records_screened": len(d),
                "single_screened": n_single,
                "dual_screened": len(dual),
                "agreements": int((dual["decision_a"] == dual["decision_b"]).sum()),
                "percent_agreement": numbers.rounded(result.percent_agreement, "table_percentage"),
                "kappa": numbers.rounded(result.kappa, "effect_size"),
                "kappa_ci_low": numbers.rounded(result.ci_low, "effect_size"),
                "kappa_ci_high": numbers.rounded(result.ci_high, "effect_size"),
                "conflicts": int(d["conflict"].sum()),
                "unresolved": int((d["conflict"] & d["final"].isna()).sum()),
            }
        )
    return pd.DataFrame(rows)


def conflicts(log: pd.DataFrame) -> pd.DataFrame:
    """Every disagreement between two reviewers, with its resolution (or 'unresolved')."""
    frames = []
    for stage in STAGES:
        d = _stage_decisions(log, stage)
        d = d[d["conflict"]].copy()
        d["resolution"] = d["final"].fillna("unresolved")
        frames.append(
            d[
                [
                    "unique_id",
                    "stage",
                    "reviewer_a",
                    "decision_a",
                    "reviewer_b",
                    "decision_b",
                    "resolution",
                    "reason",
                    "rows",
                ]
            ]
        )
    return pd.concat(frames, ignore_index=True)
