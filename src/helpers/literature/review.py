"""Settings of the literature strand, read from the ``literature:`` section of params.yaml."""

from __future__ import annotations

from helpers import files

DEFAULTS = {
    "folder": "literature",
    "dedup": {"fuzzy_title_threshold": 95, "doi_title_min": 60, "year_tolerance": 1, "min_title_length": 20},
    "fulltext_exclusion_reasons": None,
    "kappa_alpha": 0.05,
}


def settings(params: dict) -> dict:
    """The literature settings with defaults filled in, plus ``dir``: the input folder (a Path)."""
    given = params.get("literature") or {}
    out = {**DEFAULTS, **given, "dedup": {**DEFAULTS["dedup"], **(given.get("dedup") or {})}}
    unknown = set(out["dedup"]) - set(DEFAULTS["dedup"])
    if unknown:
        raise ValueError(f"params.yaml literature.dedup: unknown setting(s) {sorted(unknown)}")
    out["dir"] = files.inside(
        params["data_dir"],
        out["folder"],
        source=params.get("params_file", "params.yaml"),
        what="literature.folder",
    )
    return out
