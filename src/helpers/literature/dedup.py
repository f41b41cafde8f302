"""Deduplication of the records identified across databases: deterministic and explainable.

Candidate pairs come from four rules, strongest first:

1. ``doi``: the same normalised DOI - unless both titles are present and their token-set
   similarity is below ``doi_title_min`` (a DOI shared by two different papers is an export
   error): such a pair is *flagged* in the log for a human, not merged;
2. ``pmid``: the same PubMed ID;
3. ``title_year_author``: the same normalised title, the same first-author surname and years at
   most ``year_tolerance`` apart (epub versus print year);
4. ``fuzzy_title``: normalised titles with a rapidfuzz ``ratio`` of at least ``fuzzy_title_threshold``
   (0-100), at least ``min_title_length`` characters long, years at most ``year_tolerance``
   apart and the same first-author surname when both records have one.

A manual override file can force a merge (``merge``) or forbid one (``separate``). Pairs are
then processed in a fixed order (manual merges, then rule 1 to 4, then record ids) with a
union-find, so merges are transitive and the result does not depend on the order of the input
rows. A union that would put a forbidden pair in one group is refused and logged. Each group
keeps the id of its first record (by file name, then position in the file): this is the
``unique_id`` the screening log refers to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from helpers import files
from helpers.files import InputError
from helpers.literature.parsers import normalise_title

RULES = ("manual_merge", "doi", "pmid", "title_year_author", "fuzzy_title")
OVERRIDE_COLUMNS = ["record_id_a", "record_id_b", "action", "reason"]
OVERRIDE_ACTIONS = ("merge", "separate")
LOG_COLUMNS = [
    "unique_id",
    "record_a",
    "record_b",
    "database_a",
    "database_b",
    "rule",
    "score",
    "action",
    "title_a",
    "title_b",
    "detail",
]


def record_key(record_id: str) -> tuple:
    """Sort key for ``<file name>:<position>`` ids: file name, then numeric position."""
    stem, _, pos = str(record_id).rpartition(":")
    return (stem, int(pos)) if pos.isdigit() else (str(record_id), -1)


@dataclass
class DedupResult:
    records: pd.DataFrame  # every identified record, with its unique_id
    unique: pd.DataFrame  # one row per group of duplicates (the records screened)
    log: pd.DataFrame  # every merge, refused merge and flagged pair

    @property
    def n_duplicates(self) -> int:
        return len(self.records) - len(self.unique)


def read_overrides(path: str | Path, known_ids) -> pd.DataFrame:
    """Read the manual override file (CSV: record_id_a, record_id_b, action, reason)."""
    path = Path(path)
    known = set(known_ids)
    out = []
    for n, rec in files.read_log(path, OVERRIDE_COLUMNS[:3], OVERRIDE_COLUMNS):
        for col in ("record_id_a", "record_id_b"):
            if rec[col] not in known:
                raise InputError(
                    path,
                    "unknown record id (ids are '<export file name>:<position>')",
                    row=n,
                    column=col,
                    value=rec[col],
                )
        if rec["action"] not in OVERRIDE_ACTIONS:
            raise InputError(
                path,
                f"action must be one of {', '.join(OVERRIDE_ACTIONS)}",
                row=n,
                column="action",
                value=rec["action"],
            )
        if rec["record_id_a"] == rec["record_id_b"]:
            raise InputError(
                path,
                "a record cannot be paired with itself",
                row=n,
                column="record_id_b",
                value=rec["record_id_b"],
            )
        rec["_row"] = n
        out.append(rec)
    df = (
        pd.DataFrame(out, columns=[*out[0].keys()])
        if out
        else pd.DataFrame(columns=[*OVERRIDE_COLUMNS, "_row"])
    )
    pairs = {}
    for rec in out:
        pair = frozenset((rec["record_id_a"], rec["record_id_b"]))
        if pair in pairs and pairs[pair][0] != rec["action"]:
            raise InputError(
                path, "the same pair is both merged and separated", row=[pairs[pair][1], rec["_row"]]
            )
        pairs[pair] = (rec["action"], rec["_row"])
    return df


class _UnionFind:
    def __init__(self, items):
        self.parent = {i: i for i in items}
        self.members = {i: {i} for i in items}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if record_key(rb) < record_key(ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        return ra


def _candidate_pairs(
    df: pd.DataFrame, *, fuzzy_title_threshold, doi_title_min, year_tolerance, min_title_length
):
    """(rule, a, b, score, detail) for every candidate pair, a < b."""
    out = []
    ids = df["record_id"].tolist()
    ntitle = dict(zip(ids, df["_ntitle"]))
    year = dict(zip(ids, df["year"]))
    author = dict(zip(ids, df["first_author_surname"]))

    def ordered(a, b):
        return (a, b) if record_key(a) < record_key(b) else (b, a)

    for rule, column in (("doi", "doi"), ("pmid", "pmid")):
        for value, group in df[df[column].notna() & (df[column] != "")].groupby(column, sort=True):
            members = sorted(group["record_id"], key=record_key)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    score = None
                    detail = f"{column} {value}"
                    if rule == "doi" and ntitle[a] and ntitle[b]:
                        score = round(fuzz.token_set_ratio(ntitle[a], ntitle[b]), 1)
                        if score < doi_title_min:
                            out.append(
                                ("doi_conflict", *ordered(a, b), score, f"same DOI {value} but titles differ")
                            )
                            continue
                    out.append((rule, *ordered(a, b), score, detail))

    def years_close(a, b):
        ya, yb = year[a], year[b]
        return pd.notna(ya) and pd.notna(yb) and abs(int(ya) - int(yb)) <= year_tolerance

    keyed = df[(df["_ntitle"] != "") & df["first_author_surname"].notna()]
    for (_t, _au), group in keyed.groupby(["_ntitle", "first_author_surname"], sort=True):
        members = sorted(group["record_id"], key=record_key)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if years_close(a, b):
                    out.append(
                        (
                            "title_year_author",
                            *ordered(a, b),
                            100.0,
                            f"first author {author[a]}, years {year[a]}/{year[b]}",
                        )
                    )

    # fuzzy titles, compared only between records whose years are close (blocking by year)
    with_year = df[(df["_ntitle"].str.len() >= min_title_length) & df["year"].notna()]
    by_year = {int(y): g["record_id"].tolist() for y, g in with_year.groupby("year", sort=True)}
    for y, left in by_year.items():
        right = [r for d in range(0, year_tolerance + 1) for r in by_year.get(y + d, [])]
        if not right:
            continue
        matrix = process.cdist(
            [ntitle[r] for r in left],
            [ntitle[r] for r in right],
            scorer=fuzz.ratio,
            score_cutoff=fuzzy_title_threshold,
            workers=1,
        )
        for i, j in zip(*matrix.nonzero()):
            a, b = left[i], right[j]
            if a == b or (year[a] == year[b] and record_key(b) < record_key(a)):
                continue  # each same-year pair once
            aa, ab = author[a], author[b]
            if aa and ab and pd.notna(aa) and pd.notna(ab) and aa != ab:
                continue
            if ntitle[a] == ntitle[b] and aa and ab and pd.notna(aa) and pd.notna(ab):
                continue  # already a title_year_author pair
            out.append(
                (
                    "fuzzy_title",
                    *ordered(a, b),
                    round(float(matrix[i, j]), 1),
                    f"title similarity, years {year[a]}/{year[b]}",
                )
            )
    return out


def deduplicate(
    records: pd.DataFrame,
    *,
    fuzzy_title_threshold: float = 95,
    doi_title_min: float = 60,
    year_tolerance: int = 1,
    min_title_length: int = 20,
    overrides: pd.DataFrame | None = None,
) -> DedupResult:
    """Group duplicate records; see the module docstring for the rules."""
    if records["record_id"].duplicated().any():
        dup = records.loc[records["record_id"].duplicated(), "record_id"].iloc[0]
        raise ValueError(f"record ids must be unique; {dup!r} repeats (two export files with the same name?)")
    df = records.copy()
    df["_ntitle"] = df["title"].map(normalise_title)
    df = df.sort_values("record_id", key=lambda s: s.map(record_key)).reset_index(drop=True)
    pairs = _candidate_pairs(
        df,
        fuzzy_title_threshold=fuzzy_title_threshold,
        doi_title_min=doi_title_min,
        year_tolerance=year_tolerance,
        min_title_length=min_title_length,
    )
    forbidden = set()
    if overrides is not None and len(overrides):
        for rec in overrides.to_dict("records"):
            a, b = sorted((rec["record_id_a"], rec["record_id_b"]), key=record_key)
            if rec["action"] == "merge":
                pairs.append(("manual_merge", a, b, None, rec.get("reason") or "manual override"))
            else:
                forbidden.add((a, b))
    priority = {r: i for i, r in enumerate(RULES)}
    priority["doi_conflict"] = len(RULES)
    pairs.sort(key=lambda p: (priority[p[0]], record_key(p[1]), record_key(p[2])))
    uf = _UnionFind(df["record_id"].tolist())
    db = dict(zip(df["record_id"], df["database"]))
    title = dict(zip(df["record_id"], df["title"]))
    log = []
    seen_flags = set()
    for rule, a, b, score, detail in pairs:
        entry = {
            "record_a": a,
            "record_b": b,
            "database_a": db[a],
            "database_b": db[b],
            "rule": rule,
            "score": score,
            "title_a": title[a],
            "title_b": title[b],
            "detail": detail,
        }
        if rule == "doi_conflict":
            if (a, b) not in seen_flags:
                seen_flags.add((a, b))
                log.append({**entry, "action": "flagged_for_review"})
            continue
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        blocked = [(x, y) for x, y in forbidden if {uf.find(x), uf.find(y)} == {ra, rb}]
        if blocked:
            log.append(
                {
                    **entry,
                    "action": "blocked_by_override",
                    "detail": f"{detail}; override keeps {blocked[0][0]} and {blocked[0][1]} apart",
                }
            )
            continue
        uf.union(a, b)
        log.append({**entry, "action": "merged"})
    df["unique_id"] = df["record_id"].map(uf.find)
    df["is_duplicate"] = df["record_id"] != df["unique_id"]
    log_df = pd.DataFrame(log, columns=[c for c in LOG_COLUMNS if c != "unique_id"])
    log_df.insert(0, "unique_id", log_df["record_a"].map(uf.find) if len(log_df) else pd.Series(dtype=str))
    order = {"merged": 0, "blocked_by_override": 1, "flagged_for_review": 2}
    log_df = log_df.sort_values(
        ["unique_id", "action", "record_a", "record_b"],
        key=lambda s: s.map(record_key) if s.name != "action" else s.map(order),
        kind="stable",
    ).reset_index(drop=True)
    unique = _merge_groups(df)
    out_records = df.drop(columns=["_ntitle"])
    assert int(out_records["is_duplicate"].sum()) == int((log_df["action"] == "merged").sum())
    return DedupResult(out_records, unique, log_df)


_FIELDS = ["title", "authors", "first_author_surname", "year", "journal", "doi", "pmid", "abstract"]


def _merge_groups(df: pd.DataFrame) -> pd.DataFrame:
    """One row per group: citation fields from its most complete record (ties: the first),
    DOI and PMID from the first record that has one, the longest abstract."""
    groups: dict[str, list[dict]] = {}
    for rec in df.to_dict("records"):  # df is sorted by record id
        groups.setdefault(rec["unique_id"], []).append(rec)

    def present(v):
        return v is not None and not (isinstance(v, float) and v != v) and v is not pd.NA and v != ""

    rows = []
    for uid, members in groups.items():
        completeness = [
            sum(present(m[f]) for f in ("title", "authors", "year", "journal", "doi", "pmid", "abstract"))
            for m in members
        ]
        best = members[completeness.index(max(completeness))]
        row = {
            "unique_id": uid,
            "n_records": len(members),
            "record_ids": "; ".join(m["record_id"] for m in members),
            "databases": "; ".join(dict.fromkeys(m["database"] for m in members if m["database"])),
        }
        for f in _FIELDS:
            if f in ("doi", "pmid", "abstract"):
                vals = [m[f] for m in members if present(m[f])]
                row[f] = max(vals, key=len) if f == "abstract" and vals else (vals[0] if vals else None)
            else:
                row[f] = best[f] if present(best[f]) else None
        rows.append(row)
    out = pd.DataFrame(rows, columns=["unique_id", "n_records", "record_ids", "databases", *_FIELDS])
    out["year"] = out["year"].astype("Int64")
    return out.sort_values("unique_id", key=lambda s: s.map(record_key)).reset_index(drop=True)
