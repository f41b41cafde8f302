"""Demonstration input for the literature strand: ``write_demo(folder, seed)`` -> ``folder/literature``.

The search exports are built from real published works (``demo_references.csv``, a copy of the
project's checked reference list): titles, authors, journals, years, volumes, pages, DOIs and
PMIDs are copied, never invented. What is synthetic: which database "found" which work (seeded),
the search dates, queries and reported hit counts, both reviewers' screening decisions and the
extraction table (its design/country/participants notes are paraphrased from the reference
list's topic notes; the themes are an illustrative coding).

Each database export is written in the format and with the quirks that database really produces
(input-formats.md section 3): PubMed MEDLINE ``.nbib`` (leading blank line, 6-space
continuations, ``[doi]`` suffixes), Embase via Ovid RIS (UTF-8 BOM, ``1.`` numbering,
``http://dx.doi.org/`` DOIs, ``Y1 2003//``), Scopus CSV (BOM, all fields quoted) and Web of
Science tab-delimited (UTF-16LE with BOM, CRLF, a trailing tab on each data row).
"""

from __future__ import annotations

import csv
import io
import random
import textwrap
from pathlib import Path

import pandas as pd

REFERENCES = Path(__file__).with_name("demo_references.csv")

DATABASES = [  # (database, file, interface, date, inclusion probability for a health / other journal)
    ("MEDLINE", "pubmed_2016-09-01.nbib", "PubMed", "2016-09-01", 0.9, 0.0),
    ("Embase", "embase_ovid_2016-09-02.ris", "Ovid", "2016-09-02", 0.7, 0.0),
    ("Scopus", "scopus_2016-09-02.csv", "Scopus", "2016-09-02", 0.85, 0.85),
    ("Web of Science", "wos_2016-09-03.txt", "Web of Science Core Collection", "2016-09-03", 0.6, 0.8),
]
HEALTH_JOURNALS = {
    "BMJ",
    "Clinical Medicine",
    "Journal of Healthcare Management",
    "Social Science & Medicine",
    "BMC Health Services Research",
    "Journal of Health Organization and Management",
    "Journal of the Royal Society of Medicine",
    "Future Hospital Journal",
    "Health Services Management Research",
    "Journal of Nursing Management",
    "Sociology of Health & Illness",
}
QUERIES = {
    "MEDLINE": '("Physician Executives"[Mesh] OR "clinical director*"[tiab] OR "medical manager*"[tiab] OR '
    '"clinician manager*"[tiab] OR doctor*[tiab]) AND (manager*[tiab] OR "Hospital Administrators"[Mesh]) '
    "AND (relationship*[tiab] OR attitude*[tiab] OR conflict*[tiab] OR engagement[tiab]) AND England[Mesh]",
    "Embase": "exp physician executive/ OR (clinical director* OR medical manager* OR clinician manager*).ti,ab. "
    "AND (manager* OR hospital administrator/) AND (relationship* OR attitude* OR conflict*).ti,ab.",
    "Scopus": 'TITLE-ABS-KEY((doctor* OR physician* OR "clinical director*" OR clinician*) W/3 manag* AND '
    '(relationship* OR attitude* OR identit* OR engagement) AND (NHS OR "National Health Service" OR hospital*))',
    "Web of Science": 'TS=((doctor* OR physician* OR "clinical director*" OR clinician*) NEAR/3 manag* AND '
    "(relationship* OR attitude* OR identit* OR engagement) AND (NHS OR hospital*))",
}

# Synthetic "true" decisions (what consensus ends up with): used to simulate the two reviewers.
TA_EXCLUDE = {
    "edwards2003doctors": "editorial",
    "edwards2003problem": "editorial",
    "davies2013mannion": "about culture change policy, not doctor-manager relations",
}
NOT_RETRIEVED = {"spurgeon2008"}
FT_EXCLUDE = {
    "davies2003trends": "not empirical (commentary, editorial or review)",
    "edwards2005": "not empirical (commentary, editorial or review)",
    "numerato2012": "not empirical (commentary, editorial or review)",
    "kirkpatrick2016": "not empirical (commentary, editorial or review)",
    "goodall2011": "not about doctor-manager relations",
    "kippist2009": "setting outside the UK without UK comparison",
    "iedema2004": "setting outside the UK without UK comparison",
    "spehar2012": "setting outside the UK without UK comparison",
    "spehar2015": "setting outside the UK without UK comparison",
}
FULLTEXT_REASONS = sorted(set(FT_EXCLUDE.values()))

# Illustrative extraction (synthetic): design, setting, country, participants, focus, themes.
# Participants and settings paraphrase the topic notes of demo_references.csv.
EXTRACTION = {
    "davies2003views": (
        "Cross-sectional survey",
        "NHS acute trusts",
        "UK",
        "1092 chief executives, medical directors, clinical directors and directorate managers",
        "Views of the doctor-manager relationship",
        "Relationships and trust",
        "survey2002",
    ),
    "rundall2004": (
        "Cross-sectional survey (comparative)",
        "Hospitals",
        "UK; USA",
        "Survey respondents in both countries",
        "Sources of doctor-manager tension",
        "Relationships and trust; Policy and external pressure",
        "survey2002",
    ),
    "degeling2003": (
        "Attitude survey (comparative)",
        "Hospitals",
        "UK; Australia; New Zealand",
        "Clinicians and managers",
        "Modernisation and clinical autonomy",
        "Power and control; Relationships and trust",
        "",
    ),
    "veronesi2013": (
        "Panel study of administrative data",
        "English NHS hospital trusts 2006-09",
        "UK",
        "Trust boards",
        "Clinicians on boards and quality",
        "Organisational performance; Medical engagement and leadership",
        "",
    ),
    "kirkpatrick2009": (
        "Comparative case study",
        "Hospitals",
        "Denmark; UK",
        "Not stated in the reference list",
        "Hybrid clinical management roles",
        "Hybrid roles and identity",
        "",
    ),
    "mcgivern2015": (
        "Qualitative interviews",
        "NHS",
        "UK",
        "Doctors in managerial roles",
        "Identity work of hybrid managers",
        "Hybrid roles and identity",
        "",
    ),
    "ham2011": (
        "Qualitative interviews",
        "NHS",
        "UK",
        "22 medical chief executives",
        "Doctors becoming chief executives",
        "Hybrid roles and identity; Medical engagement and leadership",
        "",
    ),
    "spurgeon2015": (
        "Cross-sectional survey",
        "NHS trusts",
        "UK",
        "Medical staff (Medical Engagement Scale)",
        "Medical engagement and performance",
        "Medical engagement and leadership; Organisational performance",
        "",
    ),
    "nicol2016": (
        "Qualitative interviews",
        "NHS",
        "UK",
        "Senior NHS leaders",
        "Barriers to medical leadership",
        "Medical engagement and leadership",
        "",
    ),
    "parker1996": (
        "Case study",
        "An NHS health district",
        "UK",
        "Managers and doctors",
        "Culture after general management",
        "Relationships and trust; Power and control",
        "",
    ),
    "marnoch2000": (
        "Qualitative case study",
        "NHS trusts",
        "UK",
        "Medical managers",
        "Legitimacy of medical managers",
        "Hybrid roles and identity; Power and control",
        "",
    ),
    "forbes2004": (
        "Qualitative interviews",
        "NHS hospitals",
        "UK",
        "Clinician-managers",
        "Psychological contract of clinician-managers",
        "Hybrid roles and identity; Relationships and trust",
        "",
    ),
    "hallier2005": (
        "Qualitative interviews",
        "NHS hospitals",
        "UK",
        "Clinical directors",
        "Social identity of clinical directors",
        "Hybrid roles and identity",
        "",
    ),
    "forbes2006": (
        "Qualitative interviews",
        "NHS hospitals",
        "UK",
        "18 hospital doctors",
        "Responses to managerial agendas",
        "Hybrid roles and identity; Relationships and trust",
        "",
    ),
    "waring2009": (
        "Qualitative case study",
        "NHS hospitals",
        "UK",
        "Doctors and risk managers",
        "Knowledge management and control",
        "Power and control",
        "",
    ),
    "sheaff2009": (
        "Qualitative case study",
        "English primary care 1998-2005",
        "UK",
        "Not stated in the reference list",
        "Managerial power over general practice",
        "Power and control; Policy and external pressure",
        "",
    ),
}


def load_references(path: str | Path = REFERENCES) -> pd.DataFrame:
    """Journal articles and editorials with a journal and a checked entry: the works the demo searches find."""
    refs = pd.read_csv(path, dtype=str, keep_default_na=False)
    refs = refs[
        refs["kind"].isin(["journal-article", "editorial"])
        & (refs["journal_or_publisher"] != "")
        & (refs["status"] == "checked")
    ].copy()
    # one stored journal name carries a note in brackets; keep the journal's name only
    refs["journal"] = refs["journal_or_publisher"].str.replace(r"\s*\(.*\)$", "", regex=True)
    return refs.reset_index(drop=True)


def _authors(ref) -> list[str]:
    return [a.strip() for a in ref["authors"].split(";") if a.strip()]


def _split_name(author: str) -> tuple[str, str]:
    """'Davies HTO' -> ('Davies', 'HTO')."""
    parts = author.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 and parts[1].isupper() else (author, "")


def _pages(ref) -> tuple[str, str]:
    first, _, last = ref["pages"].partition("-")
    return first, last


def assign_databases(refs: pd.DataFrame, seed: int) -> dict[str, list[str]]:
    """Which database finds which work (seeded); every work is found at least once."""
    rng = random.Random(seed)
    found = {db: [] for db, *_ in DATABASES}
    for ref in refs.to_dict("records"):
        health = ref["journal"] in HEALTH_JOURNALS
        hits = [
            db
            for db, _f, _i, _d, p_health, p_other in DATABASES
            if rng.random() < (p_health if health else p_other)
        ]
        if not hits:
            hits = ["Scopus"]
        for db in hits:
            found[db].append(ref["key"])
    return found


def _wrap_medline(tag: str, value: str) -> list[str]:
    lines = textwrap.wrap(value, 82 - 6) or [""]
    return [f"{tag:<4}- {lines[0]}"] + ["      " + ln for ln in lines[1:]]


def medline_text(refs: list[dict]) -> str:
    out = [""]  # PubMed files start with a blank line
    for ref in refs:
        rec = []
        if ref["pmid"]:
            rec.append(f"PMID- {ref['pmid']}")
        rec += ["OWN - NLM", "STAT- MEDLINE"]
        if ref["volume"]:
            rec.append(f"VI  - {ref['volume']}")
        if ref["issue"]:
            rec.append(f"IP  - {ref['issue']}")
        rec.append(f"DP  - {ref['year']}")
        title = ref["title"] if ref["title"].endswith((".", "?", "!")) else ref["title"] + "."
        rec += _wrap_medline("TI", title)
        if ref["pages"]:
            rec.append(f"PG  - {ref['pages']}")
        if ref["doi"]:
            rec.append(f"LID - {ref['doi']} [doi]")
        for author in _authors(ref):
            rec.append(f"AU  - {author}")
        rec += [
            "LA  - eng",
            "PT  - Journal Article" if ref["kind"] == "journal-article" else "PT  - Editorial",
        ]
        rec.append(f"JT  - {ref['journal']}")
        source = (
            f"{ref['journal']}. {ref['year']};{ref['volume']}({ref['issue']}):{ref['pages']}."
            if ref["volume"]
            else f"{ref['journal']}. {ref['year']}."
        )
        if ref["doi"]:
            source += f" doi: {ref['doi']}."
        rec += _wrap_medline("SO", source)
        out += rec + [""]
    return "\n".join(out)


def embase_ris_text(refs: list[dict]) -> str:
    out = []
    for i, ref in enumerate(refs, start=1):
        out += [f"{i}.", "TY  - JOUR", f"T1  - {ref['title']}"]
        for author in _authors(ref):
            surname, initials = _split_name(author)
            out.append(f"A1  - {surname} {'.'.join(initials)}{'.' if initials else ''}")
        out.append(f"Y1  - {ref['year']}//")
        out.append(f"JF  - {ref['journal']}")
        first, last = _pages(ref)
        for tag, value in (("VL", ref["volume"]), ("IS", ref["issue"]), ("SP", first), ("EP", last)):
            if value:
                out.append(f"{tag}  - {value}")
        if ref["doi"]:
            out.append(f"DO  - http://dx.doi.org/{ref['doi']}")
        out += ["ER  - ", ""]
    return "\ufeff" + "\n".join(out)


SCOPUS_HEADER = [
    "Authors",
    "Author(s) ID",
    "Title",
    "Year",
    "Source title",
    "Volume",
    "Issue",
    "Art. No.",
    "Page start",
    "Page end",
    "Page count",
    "Cited by",
    "DOI",
    "Link",
    "Abstract",
    "Author Keywords",
    "Index Keywords",
    "PubMed ID",
    "Language of Original Document",
    "Abbreviated Source Title",
    "Document Type",
    "Publication Stage",
    "Open Access",
    "Source",
    "EID",
]


def scopus_csv_text(refs: list[dict], drop_doi: set[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(SCOPUS_HEADER)
    for ref in refs:
        authors = "; ".join(
            f"{s} {'.'.join(i)}{'.' if i else ''}" for s, i in map(_split_name, _authors(ref))
        )
        first, last = _pages(ref)
        row = {
            "Authors": authors,
            "Title": ref["title"],
            "Year": ref["year"],
            "Source title": ref["journal"],
            "Volume": ref["volume"],
            "Issue": ref["issue"],
            "Page start": first,
            "Page end": last,
            "DOI": "" if ref["key"] in drop_doi else ref["doi"],
            "PubMed ID": ref["pmid"],
            "Language of Original Document": "English",
            "Document Type": "Article" if ref["kind"] == "journal-article" else "Editorial",
            "Publication Stage": "Final",
            "Source": "Scopus",
        }
        writer.writerow([row.get(h, "") for h in SCOPUS_HEADER])
    return "\ufeff" + buf.getvalue()


WOS_HEADER = [
    "PT",
    "AU",
    "BA",
    "BE",
    "GP",
    "AF",
    "BF",
    "CA",
    "TI",
    "SO",
    "SE",
    "BS",
    "LA",
    "DT",
    "CT",
    "CY",
    "CL",
    "SP",
    "HO",
    "DE",
    "ID",
    "AB",
    "C1",
    "RP",
    "EM",
    "RI",
    "OI",
    "FU",
    "FX",
    "CR",
    "NR",
    "TC",
    "Z9",
    "PU",
    "PI",
    "PA",
    "SN",
    "EI",
    "BN",
    "J9",
    "JI",
    "PD",
    "PY",
    "VL",
    "IS",
    "PN",
    "SU",
    "SI",
    "MA",
    "BP",
    "EP",
    "AR",
    "DI",
    "D2",
    "PG",
    "WC",
    "SC",
    "GA",
    "UT",
    "PM",
]

# Web of Science records of a work may differ from the publisher's: the Medical Engagement
# Scale article is indexed without its acronym (the override file merges it by hand).
WOS_TITLE = {"spurgeon2008": "Developing a medical engagement scale"}


def wos_tab_bytes(refs: list[dict]) -> bytes:
    lines = ["\t".join(WOS_HEADER)]
    for ref in refs:
        authors = "; ".join(f"{s}, {i}" if i else s for s, i in map(_split_name, _authors(ref)))
        first, last = _pages(ref)
        row = {
            "PT": "J",
            "AU": authors,
            "AF": authors,
            "TI": WOS_TITLE.get(ref["key"], ref["title"]),
            "SO": ref["journal"].upper(),
            "LA": "English",
            "DT": "Article" if ref["kind"] == "journal-article" else "Editorial Material",
            "PY": ref["year"],
            "VL": ref["volume"],
            "IS": ref["issue"],
            "BP": first,
            "EP": last,
            "DI": ref["doi"] if ref["key"] not in WOS_TITLE else "",
            "PM": ref["pmid"],
        }
        lines.append("\t".join(row.get(h, "") for h in WOS_HEADER) + "\t")  # WoS writes a trailing tab
    return b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le")


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _record_ids(found: dict[str, list[str]]) -> dict[str, str]:
    """The record id each work gets in the pipeline: its first record by file name and position."""
    files = {db: f for db, f, *_ in DATABASES}
    ids = {}
    for db in sorted(found, key=lambda d: files[d]):
        for pos, key in enumerate(found[db], start=1):
            ids.setdefault(key, f"{files[db]}:{pos}")
    return ids


def screening_rows(keys: list[str], ids: dict[str, str], seed: int) -> list[dict]:
    """Synthetic decisions by R1 and R2: a 40% dual-screened sample at title/abstract, 50% at full text.

    The decisions agreed on are the synthetic 'truth' above; a fixed number of disagreements
    (3 at title/abstract, 2 at full text) is drawn in the dual-screened samples and resolved
    by a ``consensus`` row.
    """
    rng = random.Random(seed + 1)
    rows = []
    order = sorted(keys, key=lambda k: ids[k])
    dual_ta = sorted(rng.sample(order, round(0.4 * len(order))), key=lambda k: ids[k])
    disagree_ta = set(rng.sample(dual_ta, 3))  # 3 conflicts in the dual-screened sample
    for key in order:
        truth = "exclude" if key in TA_EXCLUDE else "include"
        reason = TA_EXCLUDE.get(key, "")
        if key in dual_ta:
            other = ("include" if truth == "exclude" else "exclude") if key in disagree_ta else truth
            rows.append(
                {
                    "record_id": ids[key],
                    "stage": "title_abstract",
                    "reviewer": "R1",
                    "decision": truth,
                    "reason": reason,
                    "note": "",
                }
            )
            rows.append(
                {
                    "record_id": ids[key],
                    "stage": "title_abstract",
                    "reviewer": "R2",
                    "decision": other,
                    "reason": reason if other == "exclude" else "",
                    "note": "",
                }
            )
            if other != truth:
                rows.append(
                    {
                        "record_id": ids[key],
                        "stage": "title_abstract",
                        "reviewer": "consensus",
                        "decision": truth,
                        "reason": reason,
                        "note": "resolved by discussion",
                    }
                )
        else:
            reviewer = "R1" if rng.random() < 0.5 else "R2"
            rows.append(
                {
                    "record_id": ids[key],
                    "stage": "title_abstract",
                    "reviewer": reviewer,
                    "decision": truth,
                    "reason": reason,
                    "note": "",
                }
            )
    sought = [k for k in order if k not in TA_EXCLUDE]
    retrieved = [k for k in sought if k not in NOT_RETRIEVED]
    dual_ft = sorted(rng.sample(retrieved, round(0.5 * len(retrieved))), key=lambda k: ids[k])
    disagree_ft = set(rng.sample(dual_ft, 2))  # 2 conflicts in the dual-screened sample
    for key in sought:
        if key in NOT_RETRIEVED:
            rows.append(
                {
                    "record_id": ids[key],
                    "stage": "full_text",
                    "reviewer": "R1",
                    "decision": "not_retrieved",
                    "reason": "",
                    "note": "not held by the library; interlibrary loan unsuccessful",
                }
            )
            continue
        truth = "exclude" if key in FT_EXCLUDE else "include"
        reason = FT_EXCLUDE.get(key, "")
        if key in dual_ft:
            other = ("include" if truth == "exclude" else "exclude") if key in disagree_ft else truth
            rows.append(
                {
                    "record_id": ids[key],
                    "stage": "full_text",
                    "reviewer": "R1",
                    "decision": truth,
                    "reason": reason,
                    "note": "",
                }
            )
            rows.append(
                {
                    "record_id": ids[key],
                    "stage": "full_text",
                    "reviewer": "R2",
                    "decision": other,
                    "reason": (reason or FULLTEXT_REASONS[0]) if other == "exclude" else "",
                    "note": "",
                }
            )
            if other != truth:
                rows.append(
                    {
                        "record_id": ids[key],
                        "stage": "full_text",
                        "reviewer": "consensus",
                        "decision": truth,
                        "reason": reason,
                        "note": "third reviewer arbitrated",
                    }
                )
        else:
            rows.append(
                {
                    "record_id": ids[key],
                    "stage": "full_text",
                    "reviewer": "R1" if rng.random() < 0.5 else "R2",
                    "decision": truth,
                    "reason": reason,
                    "note": "",
                }
            )
    return rows


README = """# Literature review demo input (SYNTHETIC in part)

Made by `helpers.literature.demo.write_demo(folder, seed={seed})`; the layout and the log formats
are documented in `docs/literature.md`.

Real: every bibliographic field in the search exports (titles, authors, journals, years, volume,
issue, pages, DOIs, PMIDs) is copied from the project's checked reference list
(`src/helpers/literature/demo_references.csv`); nothing bibliographic is invented. Only
journal articles and editorials are used. The PubMed export carries a `PMID` line only where
the reference list gives one (a real PubMed export always has one). The reports in that list would come from website and
organisation searches, which this demo does not model.

Synthetic:
- which database "found" which work (seeded draw, more overlap for health journals);
- the search dates, query strings and reported hit counts in `searches_log.csv`. Scopus is
  logged as reporting one hit more than its export holds, to show how the pipeline reports a
  difference;
- the export quirks are those each database really produces; the Scopus export leaves out two
  DOIs and Web of Science indexes one title without its acronym (and without DOI), so
  deduplication needs the title rules and one manual merge in `duplicate_overrides.csv` (which
  also shows a `separate` row, for two editorials by the same authors in the same year);
- every screening decision (two reviewers R1 and R2; a 40% dual-screened sample at
  title/abstract and 50% at full text; 3 and 2 disagreements drawn at random and resolved by
  `consensus` rows; the rest screened by one reviewer). The title/abstract decisions are a Rayyan
  export, `screening_exports/rayyan_export.csv`, with the fictional reviewers "Alex Example" and
  "sam.sample" (replaced by R1 and R2 on import); consensus and full-text decisions are in
  `screening_log.csv`;
- `other_methods_log.csv`: three illustrative reports from websites, organisations and citation
  searching (PRISMA 2020 "other methods"), none included;
- `extraction.csv`: designs, settings and participants paraphrase the topic notes of the
  reference list; the themes are an illustrative coding, not the study's.
"""


# Grey literature and citation searching (PRISMA 2020 "other methods"): illustrative entries, none
# included, so the included studies stay those of the database searches (SYNTHETIC decisions).
OTHER_METHODS_COLUMNS = ["source_type", "source", "title", "retrieved", "decision", "reason", "note"]
OTHER_METHODS = [
    {
        "source_type": "website",
        "source": "The King's Fund website",
        "title": "Leadership and engagement for improvement in the NHS",
        "retrieved": "yes",
        "decision": "exclude",
        "reason": "not about doctor-manager relations",
        "note": "synthetic decision",
    },
    {
        "source_type": "organisation",
        "source": "NHS Confederation",
        "title": "Briefing on clinical leadership (members only)",
        "retrieved": "no",
        "decision": "",
        "reason": "",
        "note": "synthetic: not available to the team",
    },
    {
        "source_type": "citation",
        "source": "reference lists of the included studies",
        "title": "A conference abstract on hybrid clinician-manager roles",
        "retrieved": "yes",
        "decision": "exclude",
        "reason": "conference abstract",
        "note": "synthetic decision",
    },
]


# Fictional reviewers as Rayyan shows them (a display name and a user name): the import replaces
# them by the codes R1 and R2, in order of first appearance, and scrubs them from labels.
RAYYAN_NAMES = {"R1": "Alex Example", "R2": "sam.sample"}
RAYYAN_COLUMNS = [
    "key",
    "title",
    "year",
    "month",
    "day",
    "journal",
    "issn",
    "volume",
    "issue",
    "pages",
    "authors",
    "url",
    "language",
    "publisher",
    "location",
    "abstract",
    "notes",
    "pubmed_id",
    "pmc_id",
]


def rayyan_csv_text(rows: list[dict], key_of: dict[str, str], by_key: dict[str, dict]) -> str:
    """A Rayyan CSV export holding the title/abstract decisions ``rows`` (one line per record)."""
    records: dict[str, list[dict]] = {}
    for row in rows:
        records.setdefault(row["record_id"], []).append(row)
    out = []
    for n, (record_id, decisions) in enumerate(records.items(), start=1):
        ref = by_key[key_of[record_id]]
        verdict = {"include": "Included", "exclude": "Excluded"}
        inclusion = ", ".join(
            f'"{RAYYAN_NAMES[d["reviewer"]]}"=>"{verdict[d["decision"]]}"' for d in decisions
        )
        notes = ["RAYYAN-INCLUSION: {" + inclusion + "}"]
        reasons = sorted({d["reason"] for d in decisions if d["decision"] == "exclude" and d["reason"]})
        if reasons:
            notes.append("RAYYAN-EXCLUSION-REASONS: " + ",".join(reasons))
        if len({d["decision"] for d in decisions}) > 1:
            notes.append("RAYYAN-LABELS: conflict,Alex to discuss with sam.s")
        out.append(
            {
                "key": f"rayyan-{100000 + n}",
                "title": ref["title"],
                "year": ref["year"],
                "journal": ref.get("journal", ""),
                "authors": ref.get("authors", ""),
                "url": f"https://doi.org/{ref['doi']}" if ref.get("doi") else "",
                "notes": " | ".join(notes),
                "pubmed_id": ref.get("pmid", "") or "",
            }
        )
    return _csv(out, RAYYAN_COLUMNS)


def write_demo(folder: str | Path, seed: int = 20151) -> list[Path]:
    """Write the demo literature input into ``folder/literature``; the same seed gives identical files."""
    out = Path(folder) / "literature"
    refs = load_references()
    by_key = {r["key"]: r for r in refs.to_dict("records")}
    found = assign_databases(refs, seed)
    files = {db: f for db, f, *_ in DATABASES}
    rng = random.Random(seed + 2)
    with_doi = sorted(k for k in found["Scopus"] if by_key[k]["doi"])
    drop_doi = set(rng.sample(with_doi, 2))
    written = [
        _write(out / "searches" / files["MEDLINE"], medline_text([by_key[k] for k in found["MEDLINE"]])),
        _write(out / "searches" / files["Embase"], embase_ris_text([by_key[k] for k in found["Embase"]])),
        _write(
            out / "searches" / files["Scopus"],
            scopus_csv_text([by_key[k] for k in found["Scopus"]], drop_doi),
        ),
        _write(
            out / "searches" / files["Web of Science"],
            wos_tab_bytes([by_key[k] for k in found["Web of Science"]]),
        ),
    ]
    log_rows = [
        {
            "file": f,
            "database": db,
            "source_type": "database",
            "interface": interface,
            "date_searched": date,
            "query": QUERIES[db],
            "hits_reported": len(found[db]) + (1 if db == "Scopus" else 0),
            "notes": "one record could not be exported (synthetic)" if db == "Scopus" else "",
        }
        for db, f, interface, date, *_ in DATABASES
    ]
    written.append(
        _write(
            out / "searches_log.csv",
            _csv(
                log_rows,
                [
                    "file",
                    "database",
                    "source_type",
                    "interface",
                    "date_searched",
                    "query",
                    "hits_reported",
                    "notes",
                ],
            ),
        )
    )
    ids = _record_ids(found)
    keys = sorted(ids, key=lambda k: ids[k])
    rows = screening_rows(keys, ids, seed)
    # The reviewers screened titles and abstracts in Rayyan: those decisions are its export;
    # consensus and full-text decisions stay in the log beside it.
    in_rayyan = [r for r in rows if r["stage"] == "title_abstract" and r["reviewer"] != "consensus"]
    written.append(
        _write(
            out / "screening_log.csv",
            _csv(
                [r for r in rows if r not in in_rayyan],
                ["record_id", "stage", "reviewer", "decision", "reason", "note"],
            ),
        )
    )
    key_of = {v: k for k, v in ids.items()}
    written.append(
        _write(out / "screening_exports" / "rayyan_export.csv", rayyan_csv_text(in_rayyan, key_of, by_key))
    )
    overrides = []
    if (
        "spurgeon2008" in found["Web of Science"]
        and len([d for d in found if "spurgeon2008" in found[d]]) > 1
    ):
        wos_id = f"{files['Web of Science']}:{found['Web of Science'].index('spurgeon2008') + 1}"
        other = next(
            f"{files[d]}:{found[d].index('spurgeon2008') + 1}"
            for d in sorted(found, key=lambda d: files[d])
            if d != "Web of Science" and "spurgeon2008" in found[d]
        )
        overrides.append(
            {
                "record_id_a": other,
                "record_id_b": wos_id,
                "action": "merge",
                "reason": "same article; Web of Science omits '(MES)' from the title and has no DOI",
            }
        )
    overrides.append(
        {
            "record_id_a": ids["edwards2003doctors"],
            "record_id_b": ids["edwards2003problem"],
            "action": "separate",
            "reason": "two different editorials by the same authors in 2003",
        }
    )
    written.append(
        _write(
            out / "duplicate_overrides.csv",
            _csv(overrides, ["record_id_a", "record_id_b", "action", "reason"]),
        )
    )
    extraction = [
        {
            "record_id": ids[k],
            "study_id": v[6],
            "design": v[0],
            "setting": v[1],
            "country": v[2],
            "participants": v[3],
            "focus": v[4],
            "themes": v[5],
        }
        for k, v in EXTRACTION.items()
    ]
    extraction.sort(key=lambda r: r["record_id"])
    written.append(
        _write(
            out / "extraction.csv",
            _csv(
                extraction,
                ["record_id", "study_id", "design", "setting", "country", "participants", "focus", "themes"],
            ),
        )
    )
    written.append(_write(out / "other_methods_log.csv", _csv(OTHER_METHODS, OTHER_METHODS_COLUMNS)))
    written.append(_write(out / "README.md", README.format(seed=seed)))
    return written


def truth(seed: int = 20151) -> pd.DataFrame:
    """For tests: each demo work, the databases that found it and its intended final status."""
    refs = load_references()
    found = assign_databases(refs, seed)
    rows = []
    for key in refs["key"]:
        dbs = [d for d in found if key in found[d]]
        status = (
            "excluded_screening"
            if key in TA_EXCLUDE
            else "not_retrieved"
            if key in NOT_RETRIEVED
            else "excluded_full_text"
            if key in FT_EXCLUDE
            else "included"
        )
        rows.append({"key": key, "databases": dbs, "status": status})
    return pd.DataFrame(rows)
