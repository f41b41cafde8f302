"""The synthetic demo: seeded, byte-stable, committed as generated, and it reads end to end."""

import zipfile

import pytest

from helpers import paths
from helpers.qualitative import demo, refi_qda, segments, summaries

COMMITTED = paths.project_root() / "data" / "raw" / "demo" / "focus_groups"
NAMES = ["synthetic_focus_groups.qdpx", "synthetic_participants.csv", "README.md"]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = demo.write_demo(tmp_path / "a", seed=7)
    b = demo.write_demo(tmp_path / "b", seed=7)
    c = demo.write_demo(tmp_path / "c", seed=8)
    assert [p.name for p in a] == NAMES
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert a[0].read_bytes() != c[0].read_bytes()
    with zipfile.ZipFile(a[0]) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2015, 1, 1, 0, 0, 0)}


def test_committed_demo_matches_its_generator(tmp_path):
    if not COMMITTED.is_dir():
        pytest.skip("demo folder not generated")
    fresh = demo.write_demo(tmp_path, seed=20151)
    assert [p.read_bytes() for p in fresh] == [(COMMITTED / p.name).read_bytes() for p in fresh]


def test_demo_reads_end_to_end_and_is_marked_synthetic(tmp_path):
    demo.write_demo(tmp_path, seed=20151)
    data = segments.load_folder(tmp_path, {})
    project = refi_qda.read_qdpx(tmp_path / "focus_groups" / "synthetic_focus_groups.qdpx")
    assert "SYNTHETIC" in project.name
    assert all(text.startswith("[SYNTHETIC DATA") for text in project.texts.values())
    assert list(data.sources["source"]) == ["FG1 (synthetic)"] + [f"INT0{i} (synthetic)" for i in range(1, 8)]
    assert len(data.participants) == 13 and len(data.codes) == 16
    # every coding has a speaker, coder A is primary, coder B double-coded some passages
    assert (data.segments["speaker"] != "").all()
    assert data.primary_coder == "coder A"
    assert set(data.segments.loc[data.segments["use"] == "agreement", "coder"]) == {"coder B"}
    people = summaries.label_participants(
        data,
        {
            "min_role_size": 2,
            "coarsen": {"chief executive": "board member", "medical director": "board member"},
        },
    )
    assert sorted(set(people["role"])) == ["board member", "clinical director", "directorate manager"]
    seg = summaries.annotate(data, people)
    by_role = summaries.themes_by_role(seg, people, summaries.themes_of(data))
    accounting = summaries.accounting(data, by_role)
    assert (
        accounting["count"].iloc[0]
        == len(data.segments)
        == by_role["codings"].sum() + (data.segments["use"] == "agreement").sum()
    )


def test_no_names_or_emails_reach_the_published_tables(tmp_path):
    from helpers.qualitative import privacy

    demo.write_demo(tmp_path, seed=20151)
    data = segments.load_folder(tmp_path, {})
    people = summaries.label_participants(data, {"min_role_size": 2})
    seg = summaries.annotate(data, people)
    themes = summaries.themes_of(data)
    scrub = privacy.scrubber_for(people)
    quotes = summaries.quotes(seg, themes, scrub, per_theme=50, max_chars=1000)  # every passage
    framework = summaries.framework_matrix(seg, people, themes, scrub, excerpt_chars=1000, per_cell=50)
    published = " ".join(quotes["quote"]) + " ".join(framework[themes].to_numpy().ravel())
    names = [part for full in people["name"] for part in full.split()]
    assert names and not [n for n in names if n in published]
    assert "@" not in published
    assert "[name]" in published and "[email]" in published
    assert "FG1-P" not in " ".join(quotes["quote"])
