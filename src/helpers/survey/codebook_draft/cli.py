"""``make codebook``: find what to draft from in a data folder, draft it, write the draft
outside the data folder and say which decisions are left."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.files import InputError
from helpers.survey.codebook_draft.decisions import pending_decisions
from helpers.survey.codebook_draft.exports import draft_from_export
from helpers.survey.codebook_draft.jisc import draft_from_jisc
from helpers.survey.codebook_draft.labelled import draft_from_labelled
from helpers.survey.codebook_draft.model import Draft
from helpers.survey.codebook_draft.qsf import draft_from_qsf
from helpers.survey.codebook_draft.render import render

DEFAULT_OUT = "build/codebook_draft.yaml"
EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


# Files that sit beside the export and are not it (helpers.survey.inputs.COMPANION_FILES and the
# cleaning's optional overrides).
NOT_EXPORTS = {"sampling_frame.csv", "population_margins.csv", "duplicate_overrides.csv"}


def find_definition(data: Path) -> Path:
    """What to draft from, in a file, a survey folder or a data folder: a Qualtrics .qsf
    (preferred), an SPSS/Stata file, a JISC coded results file, else the one export there is
    (SurveyMonkey or a plain CSV/XLSX)."""
    if data.is_file():
        return data
    for folder in (data / "survey", data):
        if folder.is_dir():
            for pattern in ("*.qsf", "*.sav", "*.zsav", "*.dta", "*.csv"):
                found = sorted(folder.glob(pattern))
                if pattern == "*.csv":  # JISC coded results (first column URN), not its key file
                    found = [p for p in found if "-key." not in p.name and _starts_with_urn(p)]
                if len(found) > 1:
                    raise InputError(
                        folder, f"several {pattern} files: name one", value=[p.name for p in found]
                    )
                if found:
                    return found[0]
            exports = sorted(
                p
                for p in folder.iterdir()
                if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES and p.name not in NOT_EXPORTS
            )
            if len(exports) > 1:
                raise InputError(
                    folder,
                    "several files could be the export: name one (make codebook DATA=<folder>/<file>)",
                    value=[p.name for p in exports],
                )
            if exports:
                return exports[0]
    raise InputError(
        data,
        "no survey definition or export found (looked in survey/ and the folder itself for a "
        "Qualtrics .qsf, an SPSS/Stata file, a JISC coded results file, a SurveyMonkey or plain "
        "CSV/XLSX export; docs/bring-your-own-survey.md)",
    )


def _starts_with_urn(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(8).lstrip(b"\xef\xbb\xbf").startswith((b"URN,", b'"URN"'))


def _beside_export(definition: Path):
    """The export beside a .qsf (one CSV/TSV/XLSX with Qualtrics ImportIds), read; else None."""
    from helpers.survey.readers import read_export

    candidates = sorted(
        p for p in definition.parent.iterdir() if p.suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx"}
    )
    exports = []
    for path in candidates:
        try:
            export = read_export(path)
        except InputError:
            continue
        if export.import_ids:
            exports.append(export)
    return exports[0] if len(exports) == 1 else None


def draft(definition: Path, export=None) -> Draft:
    suffix = definition.suffix.lower()
    if suffix == ".qsf":
        return draft_from_qsf(definition, export)
    if suffix == ".csv" and _starts_with_urn(definition):
        return draft_from_jisc(definition)
    if suffix in (".sav", ".zsav", ".dta"):
        return draft_from_labelled(definition)
    from helpers.survey.readers import read_export

    export = read_export(definition)
    if export.platform in ("qualtrics", "qualtrics-legacy"):
        raise InputError(
            definition,
            "a Qualtrics export: draft from its survey file instead (Survey > Tools > "
            "Import/Export > Export survey, a .qsf), put beside the export",
        )
    if export.platform == "jisc":
        raise InputError(
            definition,
            "a JISC Online Surveys text (label) results file: draft from the coded results file "
            "(first column URN) with its key file beside it",
        )
    return draft_from_export(definition, export)


def main(argv: list[str] | None = None) -> int:
    from helpers.survey import codebook_draft  # the package's docstring is the command's help

    parser = argparse.ArgumentParser(
        prog="python -m helpers.survey.codebook_draft", description=codebook_draft.__doc__
    )
    parser.add_argument(
        "data",
        help="a .qsf, .sav, .dta, JISC, SurveyMonkey or CSV/XLSX file, or a folder holding one (or its survey/)",
    )
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    from helpers import paths

    data = paths.resolve(args.data)
    out = paths.resolve(args.out)
    try:
        definition = find_definition(data)
        folder = data if data.is_dir() else data.parent
        if out.resolve().is_relative_to(folder.resolve()) or out.resolve().is_relative_to(
            definition.parent.resolve()
        ):
            raise InputError(out, "the draft is never written under the data folder: give OUT= elsewhere")
        export = _beside_export(definition) if definition.suffix.lower() == ".qsf" else None
        result = draft(definition, export)
    except InputError as exc:
        print(f"make codebook: {exc}", file=sys.stderr)
        return 1
    from helpers.outputs import atomic_path

    with atomic_path(out) as tmp:
        tmp.write_text(render(result), encoding="utf-8")
    todos = pending_decisions(out)
    print(f"Drafted {len(result.variables)} variables from {definition.name} into {args.out}")
    if export is not None:
        print(f"Columns named as in the export beside it: {export.source.name}")
    print(f"{len(todos)} decisions are marked TODO in the draft; resolve them, then copy it to")
    print(f"  {definition.parent / 'codebook.yaml'}")
    return 0
