"""Accounting invariants, property-tested across strands (hypothesis).

* PRISMA 2020: on random searches (works found by several databases) and random screening
  outcomes (single or dual screening, conflicts resolved by consensus), the counts the pipeline
  draws equal an independent tally, and every box identity holds.
* Coded segments: every row of a coded-segments spreadsheet is read, and every coding read is in
  the theme summaries or in the inter-coder agreement set, once.
* Joins: no join duplicates or misaligns a row (literature records with their titles; the
  project's codes with a separate codebook's definitions).

The survey identity raw = clean + excluded (by reason) is property-tested in
tests/survey/test_cleaning_properties.py.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.literature import dedup, prisma, screening
from helpers.qualitative import segments, summaries

DATABASES = ["Embase", "MEDLINE", "Scopus"]
REASONS = ["not empirical", "not about doctor-manager relations", "setting outside the UK"]
OUTCOMES = ["excluded_screening", "not_retrieved", "excluded_full_text", "included"]

# One work: the databases that found it (non-empty), its fate, its full-text reason, dual screening
# at each stage with or without a conflict, the record of the group the reviewers cite, its study.
WORK = st.fixed_dictionaries(
    {
        "found_in": st.sets(st.sampled_from(DATABASES), min_size=1),
        "outcome": st.sampled_from(OUTCOMES),
        "reason": st.sampled_from(REASONS),
        "ta_mode": st.sampled_from(["single", "dual", "conflict"]),
        "ft_mode": st.sampled_from(["single", "dual", "conflict"]),
        "cite": st.integers(0, 2),
        "study": st.integers(0, 3),
    }
)


def _records(works) -> pd.DataFrame:
    """Records as the parsers give them: one per (work, database), distinct random-looking titles."""
    rows, position = [], Counter()
    for w, work in enumerate(works):
        for db in sorted(work["found_in"]):
            position[db] += 1
            title = (
                f"Work {w:03d} "
                + "".join("qwxzjkvb"[(w * 7 + i * 3) % 8] for i in range(12))
                + f" {w * 7919 % 1000:03d}"
            )
            rows.append(
                {
                    "record_id": f"{db.lower()}.ris:{position[db]}",
                    "source_file": f"{db.lower()}.ris",
                    "database": db,
                    "format": "ris",
                    "position": position[db],
                    "title": title,
                    "authors": [f"Author{w}, A."],
                    "first_author_surname": f"Author{w}",
                    "year": 2000 + w % 20,
                    "journal": "J",
                    "doi": f"10.1000/work.{w}",
                    "pmid": None,
                    "abstract": None,
                    "source_type": "database",
                    "_work": w,
                }
            )
    return pd.DataFrame(rows)


def _log_rows(work, cited: str) -> list[str]:
    rows = []

    def stage(name, decision, mode, reason=""):
        other = {"include": "exclude", "exclude": "include", "not_retrieved": "include"}[decision]
        if mode == "single":
            rows.append(f"{cited},{name},R1,{decision},{reason},")
        elif mode == "dual":
            rows.extend(
                [f"{cited},{name},R1,{decision},{reason},", f"{cited},{name},R2,{decision},{reason},"]
            )
        else:  # conflict resolved by consensus
            second_reason = REASONS[0] if (name == "full_text" and other == "exclude") else ""
            rows.extend(
                [
                    f"{cited},{name},R1,{decision},{reason},",
                    f"{cited},{name},R2,{other},{second_reason},",
                    f"{cited},{name},consensus,{decision},{reason},",
                ]
            )

    outcome = work["outcome"]
    stage("title_abstract", "exclude" if outcome == "excluded_screening" else "include", work["ta_mode"])
    if outcome != "excluded_screening":
        decision = {"not_retrieved": "not_retrieved", "excluded_full_text": "exclude", "included": "include"}[
            outcome
        ]
        stage("full_text", decision, work["ft_mode"], work["reason"] if decision == "exclude" else "")
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(works=st.lists(WORK, min_size=1, max_size=25))
def test_prisma_counts_equal_an_independent_tally_and_every_identity_holds(works):
    records = _records(works)
    deduped = dedup.deduplicate(records.drop(columns="_work"))
    # Deduplication found exactly the works (same DOI, distinct titles).
    assert len(deduped.unique) == len(works) and deduped.n_duplicates == len(records) - len(works)
    id_map = dict(zip(deduped.records["record_id"], deduped.records["unique_id"]))
    members = records.groupby("_work")["record_id"].agg(list)
    lines = ["record_id,stage,reviewer,decision,reason,note"]
    for w, work in enumerate(works):
        group = members[w]
        lines += _log_rows(work, group[work["cite"] % len(group)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "screening_log.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        log = screening.read_screening_log(path, id_map, reasons=REASONS)
        decided = screening.decisions(log, deduped.unique["unique_id"].tolist(), path)
    flow = prisma.record_flow(deduped.records, decided)
    work_of = dict(zip(records["record_id"], records["_work"]))
    unique_of_work = {work_of[u]: u for u in deduped.unique["unique_id"]}
    studies = {
        unique_of_work[w]: f"study{work['study']}"
        for w, work in enumerate(works)
        if work["outcome"] == "included"
    }
    counts = prisma.prisma_counts(flow, studies_of_reports=studies)  # runs check_prisma

    outcomes = Counter(work["outcome"] for work in works)
    reasons = Counter(work["reason"] for work in works if work["outcome"] == "excluded_full_text")
    assert counts["database_results"] == len(records)
    assert prisma.parse_specific(counts["database_specific_results"]) == dict(Counter(records["database"]))
    assert counts["duplicates"] == len(records) - len(works)
    assert counts["records_screened"] == len(works)
    assert counts["records_excluded"] == outcomes["excluded_screening"]
    assert counts["dbr_sought_reports"] == len(works) - outcomes["excluded_screening"]
    assert counts["dbr_notretrieved_reports"] == outcomes["not_retrieved"]
    assert counts["dbr_assessed"] == outcomes["excluded_full_text"] + outcomes["included"]
    assert prisma.parse_specific(counts["dbr_excluded"]) == dict(reasons)
    assert counts["new_reports"] == outcomes["included"]
    assert counts["new_studies"] == len({w["study"] for w in works if w["outcome"] == "included"})
    # The box identities, restated.
    assert counts["database_results"] - counts["duplicates"] == counts["records_screened"]
    assert counts["dbr_assessed"] - sum(reasons.values()) == counts["new_reports"] >= counts["new_studies"]
    # Joins: every identified record once in the flow, and once after adding its title.
    assert len(flow) == len(records) and flow["record_id"].is_unique
    joined = flow.merge(deduped.records[["record_id", "title", "year", "doi"]])
    assert len(joined) == len(flow) and joined["record_id"].tolist() == flow["record_id"].tolist()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(works=st.lists(WORK, min_size=1, max_size=10), pending=st.integers(0, 2))
def test_records_without_a_final_decision_stop_the_counts_and_are_never_dropped(works, pending):
    records = _records(works)
    deduped = dedup.deduplicate(records.drop(columns="_work"))
    id_map = dict(zip(deduped.records["record_id"], deduped.records["unique_id"]))
    members = records.groupby("_work")["record_id"].agg(list)
    lines = ["record_id,stage,reviewer,decision,reason,note"]
    skipped = set(range(min(pending, len(works))))
    for w, work in enumerate(works):
        if w not in skipped:
            lines += _log_rows(work, members[w][0])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "screening_log.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        log = screening.read_screening_log(path, id_map)
        decided = screening.decisions(log, deduped.unique["unique_id"].tolist(), path)
    flow = prisma.record_flow(deduped.records, decided)
    assert len(decided) == len(works) and int((decided["flag"] != "").sum()) == len(skipped)
    if skipped:
        with pytest.raises(
            prisma.PrismaError, match=f"{len(skipped)} records have no final screening decision"
        ):
            prisma.prisma_counts(flow)
        counts = prisma.prisma_counts(flow, allow_pending=True)
        assert counts["awaiting_classification"] == len(skipped)  # unique records, not their duplicates
    else:
        prisma.prisma_counts(flow)


# ---------------------------------------------------------------------------------------------
# Coded segments: read == summarised + agreement-only

SPEAKERS = {
    "FG1-P1": ("clinical director", "FG1"),
    "FG1-P2": ("directorate manager", "FG1"),
    "FG1-P3": ("clinical director", "FG1"),
    "INT1-P1": ("medical director", "INT1"),
}
CODES = ["Relationships > Teamwork", "Relationships > Trust", "Workload", "Regulation > Inspection"]
SEGMENT = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["FG1", "INT1"]),
        "speaker": st.sampled_from([*SPEAKERS, ""]),
        "code": st.sampled_from(CODES),
        "passage": st.integers(0, 6),
        "coder": st.sampled_from(["coder A", "coder A", "coder B"]),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(SEGMENT, min_size=1, max_size=30))
def test_every_spreadsheet_row_is_read_and_summarised_or_used_for_agreement_once(rows):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        lines = ["source,speaker,code,text,start,end,coder"]
        for r in rows:
            start = r["passage"] * 100
            lines.append(
                f"{r['source']},{r['speaker']},{r['code']},passage {r['passage']} of {r['source']},{start},{start + 50},{r['coder']}"
            )
        (folder / "coded_segments.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / "participants.csv").write_text(
            "pseudonym,role_group,group\n"
            + "".join(f"{p},{role},{group}\n" for p, (role, group) in SPEAKERS.items()),
            encoding="utf-8",
        )
        data = segments.load_folder(folder)
    people = summaries.label_participants(data)
    seg = summaries.annotate(data, people)
    by_role = summaries.themes_by_role(seg, people, summaries.themes_of(data))
    table = summaries.accounting(data, by_role)  # asserts read == summarised + agreement-only
    # Independently: a non-primary coder's row is agreement-only iff the primary coder coded that span.
    primary = Counter(r["coder"] for r in rows).most_common()
    primary = sorted(c for c, n in primary if n == primary[0][1])[0]
    spans = {(r["source"], r["passage"]) for r in rows if r["coder"] == primary}
    agreement = sum(1 for r in rows if r["coder"] != primary and (r["source"], r["passage"]) in spans)
    assert data.primary_coder == primary
    assert len(data.segments) == len(rows)
    assert dict(zip(table["item"], table["count"]))["codings read"] == len(rows)
    assert int((data.segments["use"] == "agreement").sum()) == agreement
    assert by_role["codings"].sum() == summaries.code_table(data)["codings"].sum() == len(rows) - agreement
    # Joins: one code row per code, every coding matched to one code.
    assert (
        data.codes["code_guid"].is_unique and data.segments["code_guid"].isin(data.codes["code_guid"]).all()
    )
    assert sorted(data.codes["path"]) == sorted(
        {p for c in {r["code"] for r in rows} for p in [c.split(" > ")[0], c]}
    )


# ---------------------------------------------------------------------------------------------
# A separate codebook's definitions joined to the project's codes

GUIDS = {
    "Teamwork": "0A000000-0000-4000-8000-00000000000A",
    "Trust": "0B000000-0000-4000-8000-00000000000B",
    "Workload": "0C000000-0000-4000-8000-00000000000C",
}


def _project_qdpx() -> bytes:
    codes = "".join(f'<Code guid="{g}" name="{n}" isCodable="true"/>' for n, g in GUIDS.items())
    src = "0D000000-0000-4000-8000-00000000000D"
    qde = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        f'<CodeBook><Codes>{codes}</Codes></CodeBook><Sources><TextSource guid="{src}" name="FG1" '
        f'plainTextPath="internal://{src}.txt"><PlainTextSelection guid="1E000000-0000-4000-8000-000000000001" '
        f'startPosition="0" endPosition="5"><Coding guid="1F000000-0000-4000-8000-000000000001">'
        f'<CodeRef targetGUID="{GUIDS["Workload"]}"/></Coding></PlainTextSelection></TextSource></Sources></Project>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{src}.txt", "Hello world")
    return buffer.getvalue()


def _definitions(codebook_entries, tmp_path) -> dict[str, str]:
    (tmp_path / "project.qdpx").write_bytes(_project_qdpx())
    entries = "".join(
        f'<Code guid="{g}" name="{n}" isCodable="true"><Description>{d}</Description></Code>'
        for n, g, d in codebook_entries
    )
    (tmp_path / "codebook.qdc").write_text(
        f'<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{entries}</Codes></CodeBook>',
        encoding="utf-8",
    )
    data = segments.load_folder(tmp_path)
    assert data.codes["code_guid"].is_unique and len(data.codes) == len(GUIDS)
    return dict(zip(data.codes["name"], data.codes["description"]))


def test_codebook_definitions_join_one_to_one(tmp_path):
    entries = [
        ("Workload", "99999999-0000-4000-8000-000000000001", "Too much work."),
        ("Teamwork", "99999999-0000-4000-8000-000000000002", "Working together."),
    ]
    assert _definitions(entries, tmp_path) == {
        "Teamwork": "Working together.",
        "Trust": "",
        "Workload": "Too much work.",
    }


def test_codebook_listing_a_code_twice_does_not_shift_definitions(tmp_path):
    entries = [
        ("Teamwork", "99999999-0000-4000-8000-000000000001", "Working together."),
        ("Teamwork", "99999999-0000-4000-8000-000000000002", "Working together (again)."),
        ("Trust", "99999999-0000-4000-8000-000000000003", "Trust between groups."),
        ("Workload", "99999999-0000-4000-8000-000000000004", "Too much work."),
    ]
    definitions = _definitions(entries, tmp_path)
    assert definitions["Trust"] == "Trust between groups." and definitions["Workload"] == "Too much work."
