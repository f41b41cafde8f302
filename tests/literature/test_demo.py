"""Demo generator: deterministic, committed copy up to date, real bibliographic data, the pipeline recovers the truth."""

import filecmp

import pytest

from helpers import config, paths
from helpers.literature import dedup, demo, extraction, prisma, review, screening, screening_tools, searches
from helpers.literature.parsers import normalise_doi, normalise_title


def tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_same_seed_same_bytes(tmp_path):
    demo.write_demo(tmp_path / "a", seed=7)
    demo.write_demo(tmp_path / "b", seed=7)
    demo.write_demo(tmp_path / "c", seed=8)
    names = tree(tmp_path / "a")
    assert names == tree(tmp_path / "b")
    assert all(filecmp.cmp(tmp_path / "a" / n, tmp_path / "b" / n, shallow=False) for n in names)
    assert not all(
        filecmp.cmp(tmp_path / "a" / n, tmp_path / "c" / n, shallow=False)
        for n in names
        if (tmp_path / "c" / n).exists()
    )


def test_committed_demo_matches_generator(tmp_path):
    seed = config.load_params("params.yaml", ".")["seed"]
    demo.write_demo(tmp_path, seed=seed)
    committed = paths.project_root() / "data" / "raw" / "demo" / "literature"
    assert tree(committed) == tree(tmp_path / "literature")
    for name in tree(committed):
        assert filecmp.cmp(committed / name, tmp_path / "literature" / name, shallow=False), (
            f"{name} differs: rerun the demo generator"
        )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo.write_demo(folder, seed=20151)
    params = {"data_dir": folder, "literature": {"fulltext_exclusion_reasons": demo.FULLTEXT_REASONS}}
    lit = review.settings(params)
    found = searches.load_searches(lit["dir"])
    overrides = dedup.read_overrides(lit["dir"] / "duplicate_overrides.csv", found.records["record_id"])
    deduped = dedup.deduplicate(found.records, overrides=overrides, **lit["dedup"])
    id_map = dict(zip(deduped.records["record_id"], deduped.records["unique_id"]))
    # Title/abstract decisions are in the Rayyan export, the rest in screening_log.csv beside it.
    log, _, unmatched = screening_tools.screening_decisions(
        lit["dir"], found.records, id_map, reasons=lit["fulltext_exclusion_reasons"]
    )
    assert unmatched.empty
    decisions = screening.decisions(log, deduped.unique["unique_id"].tolist())
    return found, deduped, log, decisions, lit, id_map


def test_exports_hold_only_real_bibliographic_data(run):
    found = run[0]
    refs = demo.load_references()
    titles = {normalise_title(t) for t in refs["title"]}
    variants = {normalise_title(t) for t in demo.WOS_TITLE.values()}
    assert set(found.records["title"].map(normalise_title)) <= titles | variants
    assert set(found.records["doi"].dropna()) <= {normalise_doi(d) for d in refs["doi"] if d}
    assert set(found.records["pmid"].dropna()) <= set(refs["pmid"])
    assert set(found.records["year"].astype(int).astype(str)) <= set(refs["year"])


def test_formats_and_counts(run):
    found = run[0]
    truth = demo.truth(20151)
    per_db = {db: sum(db in dbs for dbs in truth["databases"]) for db, *_ in demo.DATABASES}
    files = found.files.set_index("database")
    assert files["records_parsed"].to_dict() == per_db
    assert files["format"].to_dict() == {
        "Embase": "ris",
        "MEDLINE": "medline",
        "Scopus": "scopus_csv",
        "Web of Science": "wos_tab",
    }
    assert files["encoding"].to_dict() == {
        "Embase": "utf-8-sig",
        "MEDLINE": "utf-8",
        "Scopus": "utf-8-sig",
        "Web of Science": "utf-16",
    }
    assert files["difference"].to_dict() == {"Embase": 0, "MEDLINE": 0, "Scopus": -1, "Web of Science": 0}
    assert files["records_skipped"].sum() == 0


def test_deduplication_recovers_the_works(run):
    found, deduped = run[0], run[1]
    refs = demo.load_references()
    key_of_title = {normalise_title(t): k for k, t in zip(refs["key"], refs["title"])}
    key_of_title.update({normalise_title(t): k for k, t in demo.WOS_TITLE.items()})
    keys = deduped.records.assign(key=deduped.records["title"].map(normalise_title).map(key_of_title))
    assert keys.groupby("unique_id")["key"].nunique().eq(1).all()  # no false merges
    assert keys.groupby("key")["unique_id"].nunique().eq(1).all()  # no missed duplicates
    assert len(deduped.unique) == len(refs) == 29
    assert deduped.n_duplicates == len(found.records) - 29


def test_decisions_and_prisma_match_the_truth(run):
    found, deduped, log, decisions, lit, id_map = run
    truth = demo.truth(20151)
    refs = demo.load_references()
    key_of_title = {normalise_title(t): k for k, t in zip(refs["key"], refs["title"])}
    key = deduped.unique.set_index("unique_id")["title"].map(normalise_title).map(key_of_title)
    got = decisions.set_index("unique_id")["status"].rename(index=key.to_dict()).sort_index()
    assert got.to_dict() == truth.set_index("key")["status"].sort_index().to_dict()
    included = decisions.loc[decisions["status"] == "included", "unique_id"].tolist()
    extracted, missing = extraction.read_extraction(lit["dir"] / "extraction.csv", id_map, included)
    assert missing.empty
    flow = prisma.record_flow(deduped.records, decisions)
    # no record vanishes: every identified record is in exactly one box of the flow
    assert sorted(flow["record_id"]) == sorted(found.records["record_id"])
    assert flow.groupby("status").size().to_dict() == {
        "duplicate_removed": len(found.records) - 29,
        **truth["status"].value_counts().to_dict(),
    }
    c = prisma.prisma_counts(
        flow, studies_of_reports=dict(zip(extracted["unique_id"], extracted["study_id"]))
    )
    n_status = truth["status"].value_counts()
    assert (
        c["records_screened"],
        c["records_excluded"],
        c["dbr_notretrieved_reports"],
        c["new_reports"],
    ) == (29, n_status["excluded_screening"], n_status["not_retrieved"], n_status["included"])
    assert c["new_studies"] == c["new_reports"] - 1  # two reports of the 2002 survey are one study
    ag = screening.agreement(log).set_index("stage")
    assert ag["conflicts"].to_dict() == {"title_abstract": 3, "full_text": 2}
    assert ag["unresolved"].sum() == 0
