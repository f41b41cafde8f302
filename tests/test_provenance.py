"""helpers.provenance: the published record of a stage's run."""

from __future__ import annotations

from helpers import paths, provenance


def test_the_published_record_shows_paths_without_the_machines_folders(tmp_path, monkeypatch):
    """An absolute data folder or params file names the analyst's account and folders
    (/home/<name>/...); the record is published, so it shows them as the report does: relative
    to the project when inside it, else by name."""
    monkeypatch.setattr(provenance, "git_state", lambda: {"commit": "x"})
    # Inputs other tests in this process read (and may have deleted) are not this test's concern.
    monkeypatch.setattr(provenance, "describe_inputs", lambda: [])
    outside = tmp_path / "home" / "jsmith" / "study" / "exports"
    record = provenance.manifest(
        "02_survey_cleaning",
        {"data_dir": str(outside), "params_file": str(outside.parent / "params.yaml"), "seed": 1},
    )
    assert record["parameters"] == {"data_dir": "exports", "params_file": "params.yaml", "seed": 1}
    inside = paths.project_root() / "data" / "raw" / "demo"
    record = provenance.manifest("02_survey_cleaning", {"data_dir": inside, "params_file": "params.yaml"})
    assert record["parameters"] == {"data_dir": "data/raw/demo", "params_file": "params.yaml"}
