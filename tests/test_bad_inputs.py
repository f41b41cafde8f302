"""The bad-input corpus (tests/bad_inputs/cases.yaml): every case gets what the manifest says.

Each case names a strand's reader (``kind``), its input under tests/bad_inputs/, and the
expected outcome:

* ``expect: error``: the reader raises ``InputError`` (or the named error) and the message
  contains every string of ``contains`` (file name, row or column, value); the message must
  name one of the case's files;
* ``expect: tolerated``: the reader accepts the file and the facts it reports equal ``counts``
  (rows read, kept, excluded, records, codings ...), so a tolerated quirk is never silent.

``xfail: <reason>`` marks a case where the strand's reader does not (yet) do what the manifest
asks; the test is strict, so it fails loudly once the reader is fixed. The corpus is written by
tests/bad_inputs/build_corpus.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.config import ConfigError
from helpers.files import InputError

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
MANIFEST = CORPUS / "cases.yaml"

# The survey cleaning settings of params.yaml that the corpus's counts assume.
SURVEY_SETTINGS = {"min_progress": 80, "duplicate_keys": ["email"], "exclude_unclassified_role": True}
# Screening cases: records a.ris:1..7 (a.ris:7 is a duplicate of a.ris:1), reasons as params.yaml.
SCREENING_IDS = {f"a.ris:{i}": f"a.ris:{i}" for i in range(1, 7)} | {"a.ris:7": "a.ris:1"}
REASONS = [
    "not empirical (commentary, editorial or review)",
    "not about doctor-manager relations",
    "setting outside the UK without UK comparison",
]


def _survey(case, path):
    from helpers.survey import cleaning, readers
    from helpers.survey.codebook import load_codebook

    codebook = load_codebook(CORPUS / case.get("codebook", "survey/codebook.yaml"))
    export = readers.read_export(path, platform=codebook.platform)
    result = cleaning.clean_survey(export.data, codebook, SURVEY_SETTINGS, export.source)
    return {
        "rows": len(export.data),
        "clean": len(result.clean),
        "excluded": len(result.exclusions),
        "encoding": export.encoding,
        "notes": export.notes + result.notes,
    }


def _survey_folder(case, path):
    """A data folder: the codebook names (or the folder holds) the export; helpers.survey.inputs."""
    from helpers.survey import cleaning, inputs

    export, codebook = inputs.load(path)
    result = cleaning.clean_survey(export.data, codebook, SURVEY_SETTINGS, export.source)
    return {"rows": len(export.data), "clean": len(result.clean), "notes": export.notes + result.notes}


def _params_file(case, path):
    from helpers import config

    params = config.load_params(path, CORPUS)
    return {"sections": sorted(k for k, v in params.items() if isinstance(v, dict))}


def _published_csv(case, path):
    """A table (first column the index) written as a published CSV: which header, index and
    body cells were neutralised, and whether any formula text was left."""
    import io
    import os
    import tempfile

    from helpers import files, outputs

    table = pd.read_csv(
        io.StringIO(files.read_text(path).text), index_col=0, dtype=str, keep_default_na=False
    )
    with tempfile.TemporaryDirectory() as tmp:
        old = os.environ.get("HELPERS_STAGING")
        os.environ["HELPERS_STAGING"] = tmp
        try:
            written = outputs.write_table(table, "t", index=True)
            back = pd.read_csv(written, dtype=str, keep_default_na=False, header=None)
        finally:
            if old is None:
                del os.environ["HELPERS_STAGING"]
            else:
                os.environ["HELPERS_STAGING"] = old
    cells = [c for c in back.to_numpy().ravel()]
    return {
        "neutralised": sum(c.startswith("'") for c in cells),
        "formulas_left": sum(outputs.is_formula(c) for c in cells),
    }


def _quotes(case, path):
    """Quotes, one a line, through the scrubber: identifiers replaced, by kind."""
    from helpers import files
    from helpers.qualitative.identifiers import IdentifierScrubber

    scrub = IdentifierScrubber()
    lines = files.read_text(path).text.splitlines()
    changed = sum(scrub(line) != line for line in lines)
    return {
        **{k: scrub.counts[k] for k in ("name", "email", "phone", "nhs_number", "postcode")},
        "changed": changed,
    }


def _survey_export(case, path):
    from helpers.survey import readers

    export = readers.read_export(path, platform=case.get("platform"))
    return {
        "platform": export.platform,
        "rows": len(export.data),
        "columns": export.data.shape[1],
        "encoding": export.encoding,
        "value_labels": len(export.value_labels),
        "notes": export.notes,
        "column_ids": list(export.data.columns),
    }


def _codebook(case, path):
    from helpers.survey.codebook import load_codebook

    codebook = load_codebook(path)
    return {"variables": len(codebook.variables)}


def _literature_export(case, path):
    from helpers.literature import parsers

    parsed = parsers.parse_file(path)
    return {
        "format": parsed.format,
        "records": len(parsed.records),
        "skipped": len(parsed.skipped),
        "encoding": parsed.encoding,
        "notes": list(parsed.quirks),
        "dois": sorted(d for d in parsed.records["doi"] if d),
        "years": [None if pd.isna(y) else int(y) for y in parsed.records["year"]],
    }


def _searches(case, path):
    from helpers.literature import searches

    found = searches.load_searches(path)
    return {
        "exports": len(found.files),
        "records": len(found.records),
        "difference": int(found.files["difference"].sum()),
    }


def _screening(case, path):
    from helpers.literature import screening

    log = screening.read_screening_log(path, SCREENING_IDS, reasons=REASONS)
    unique = sorted(set(SCREENING_IDS.values()))
    decided = screening.decisions(log, unique, path)
    return {
        "decisions": len(log),
        "flagged": int((decided["flag"] != "").sum()),
        "included": int((decided["status"] == "included").sum()),
    }


def _extraction(case, path):
    from helpers.literature import extraction

    table, missing = extraction.read_extraction(path, SCREENING_IDS, ["a.ris:1"])
    return {"rows": len(table), "not_extracted": len(missing)}


def _qdpx(case, path):
    from helpers.qualitative import refi_qda

    project = refi_qda.read_qdpx(path)
    return {
        **project.counts(),
        "labels": sorted(project.codes["label"]),
        "texts": sorted(project.segments["text"]),
        "notes": [entry["message"] for entry in project.log],
    }


def _qdc(case, path):
    from helpers.qualitative import refi_qda

    codes = refi_qda.read_codebook(path)
    return {"codes": len(codes), "labels": sorted(codes["label"])}


def _segments(case, path):
    from helpers.qualitative import segments

    table, codes = segments.read_segments_table(path)
    return {"codings": len(table), "passages": table["segment_id"].nunique(), "codes": len(codes)}


def _participants(case, path):
    from helpers.qualitative import segments

    people = segments.read_participants(path)
    return {
        "participants": len(people),
        "settings": sorted(set(people["setting"])),
        "roles": sorted(set(people["role_group"])),
    }


def _focus_groups(case, path):
    from helpers.qualitative import segments

    data = segments.load_folder(path)
    return {
        "codings": len(data.segments),
        "summary": int((data.segments["use"] == "summary").sum()),
        "agreement": int((data.segments["use"] == "agreement").sum()),
        "participants": len(data.participants),
    }


KINDS = {
    "survey": _survey,
    "survey_export": _survey_export,
    "codebook": _codebook,
    "literature_export": _literature_export,
    "searches": _searches,
    "screening": _screening,
    "extraction": _extraction,
    "qdpx": _qdpx,
    "qdc": _qdc,
    "segments": _segments,
    "participants": _participants,
    "focus_groups": _focus_groups,
    "survey_folder": _survey_folder,
    "params": _params_file,
    "published_csv": _published_csv,
    "quotes": _quotes,
}
ERRORS = {"InputError": InputError, "ConfigError": ConfigError}


def run_case(case: dict):
    """Run one case's reader; returns the facts it reports (raises what the reader raises)."""
    return KINDS[case["kind"]](case, CORPUS / case["input"])


def load_cases() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["cases"]


def _params():
    params = []
    for case in load_cases():
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


def _case_files(case) -> list[str]:
    """Names a message may give: the input, and the files of a folder that is the case's own."""
    path = CORPUS / case["input"]
    folder = path if path.is_dir() else path.parent
    own = folder.parent != CORPUS  # e.g. survey/jisc/ holds one case's results and key files
    return [path.name] + ([p.name for p in folder.rglob("*") if p.is_file()] if own else [])


@pytest.mark.parametrize("case", _params())
def test_bad_input_case(case):
    if case["expect"] == "error":
        with pytest.raises(ERRORS[case.get("error", "InputError")]) as err:
            run_case(case)
        message = str(err.value)
        assert any(name in message for name in _case_files(case)), (
            f"message names no file of the case: {message}"
        )
        for part in case["contains"]:
            assert part in message, f"{part!r} not in the message: {message}"
    else:
        assert case["expect"] == "tolerated"
        facts = run_case(case)
        got = {k: facts[k] for k in case["counts"]}
        assert got == case["counts"]
        for part in case.get("notes_contain", []):
            assert any(part in note for note in facts["notes"]), (
                f"no note mentions {part!r}: {facts['notes']}"
            )


def test_manifest_is_complete_and_consistent():
    cases = load_cases()
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)) and len(cases) >= 40
    strands = {c["strand"] for c in cases}
    assert strands == {
        "survey",
        "codebook",
        "literature",
        "screening",
        "qdpx",
        "segments",
        "config",
        "outputs",
        "quotes",
    }
    used = {(CORPUS / c["input"]).resolve() for c in cases} | {
        (CORPUS / c["codebook"]).resolve() for c in cases if "codebook" in c
    }
    used |= {
        (CORPUS / c["input"]).resolve().parent for c in cases if (CORPUS / c["input"]).parent.parent != CORPUS
    }
    used |= {(CORPUS / "survey/codebook.yaml").resolve()}  # the survey kind's default codebook
    for case in cases:
        assert case["kind"] in KINDS and case["expect"] in ("error", "tolerated"), case["id"]
        assert (CORPUS / case["input"]).exists(), case["id"]
        assert case["expect"] != "error" or case["contains"], case["id"]
        assert case["expect"] != "tolerated" or case["counts"], case["id"]
    # Every file of the corpus belongs to a case (no orphan inputs).
    for path in CORPUS.rglob("*"):
        if path.is_file() and path.suffix not in (".py", ".md") and path.name != "cases.yaml":
            assert any(path.resolve() == u or u in path.resolve().parents for u in used), (
                f"orphan corpus file {path}"
            )
