"""Locating and reading the survey strand's inputs: ``<DATA>/survey/`` holds the platform
export and ``codebook.yaml``."""

from __future__ import annotations

from pathlib import Path

from helpers import files
from helpers.files import InputError
from helpers.survey.codebook import Codebook, load_codebook
from helpers.survey.readers import SurveyExport, read_export

CODEBOOK_NAME = "codebook.yaml"
EXPORT_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".sav", ".zsav", ".dta"}


COMPANION_FILES = ("sampling_frame.csv", "population_margins.csv", "analysis_plan.yaml")


def survey_folder(data_dir: str | Path) -> Path:
    folder = Path(data_dir) / "survey"
    if not folder.is_dir():
        raise InputError(
            folder, "the data folder has no survey/ sub-folder (expected the export and codebook.yaml)"
        )
    return folder


def find_export(folder: Path, codebook: Codebook) -> Path:
    """The export the codebook names, or the only export-like file in the folder."""
    if codebook.export is not None:
        path = files.inside(folder, codebook.export, source=codebook.path, what="survey.export")
        if not path.is_file():
            raise InputError(
                codebook.path,
                "the export named under survey.export is not in the folder",
                value=codebook.export,
            )
        return path
    # A JISC key file sits beside its results file; the reader finds it by name.
    # The sampling frame and population margins sit beside the export (notebook 03 reads them).
    candidates = sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in EXPORT_SUFFIXES and "-key." not in p.name and p.name not in COMPANION_FILES
    )
    if len(candidates) != 1:
        raise InputError(
            folder,
            "cannot tell which file is the export: name it under survey.export in codebook.yaml",
            value=[p.name for p in candidates],
        )
    return candidates[0]


def load(data_dir: str | Path) -> tuple[SurveyExport, Codebook]:
    """Read the codebook, then the export it describes."""
    folder = survey_folder(data_dir)
    codebook = load_codebook(folder / CODEBOOK_NAME)
    export = read_export(
        find_export(folder, codebook), platform=codebook.platform, encoding=codebook.encoding
    )
    return export, codebook


def encoding_shown(encoding: str | None) -> str:
    """The export's text encoding as a reader is told it: an Excel workbook has none (the
    reader records ``"xlsx"`` there), so it says so rather than print "xlsx" twice."""
    if encoding == "xlsx":
        return "none (an Excel workbook is not a text file)"
    return str(encoding)


def describe_export(export: SurveyExport):
    """What was read: file, platform, encoding, columns, and any tolerated quirks.

    Not the number of responses: the flow of responses publishes it, under the disclosure rule
    (it leaves the export's size out where, with the analysable count, it would give back a
    suppressed number excluded; this table printed it anyway, issue 11)."""
    import pandas as pd

    facts = [
        ("file", export.source.name),
        ("platform format", export.platform),
        ("encoding", encoding_shown(export.encoding)),
        ("responses (rows)", "in the flow of responses below"),
        ("columns", export.data.shape[1]),
    ]
    facts += [("note", note) for note in export.notes]
    return pd.DataFrame(facts, columns=["", "value"]).set_index("")
