"""Check an input folder before running the analysis: every problem, per strand, at once.

    python -m helpers.check data/raw/<your-study> [--params params.yaml]
    make check DATA=data/raw/<your-study>

What a researcher runs after dropping new exports into a data folder. It reads every input with
the strands' own readers and validators (nothing is re-implemented here, so the check and the
pipeline cannot disagree) but runs no analysis and writes nothing. Where a reader stops at the
first problem of a file, the check carries on to find the others:

* a bad value in a survey column is set aside and the column decoded again, so every undeclared
  value of every variable is listed (with all its rows);
* a bad row of a reviewer-filled log (searches, screening, extraction) is set aside (a blank row,
  which the readers skip, so row numbers do not move) and the log read again;
* every file of a strand is read even when another file of it failed.

Exit status: 0 when no problem was found, 1 otherwise (2 for a folder that does not exist).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from helpers import config, files, session
from helpers.files import InputError

MAX_ROUNDS = 200  # problems listed per file before the check gives up on it


@dataclass
class Report:
    """Problems (stop a stage) and notes (tolerated, worth knowing) of one strand."""

    strand: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: bool = True

    def problem(self, exc_or_text) -> None:
        text = str(exc_or_text)
        if text not in self.problems:
            self.problems.append(text)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def skip(self, why: str) -> Report:
        """Nothing of this strand to check (its input is absent): say why."""
        self.checked = False
        self.note(f"{why}: nothing to check")
        return self


# ---------------------------------------------------------------------------------------------
# Carrying on after a reader's first error


def _rows_of(exc: InputError) -> list[int]:
    rows = exc.row if isinstance(exc.row, (list, tuple)) else [exc.row]
    return [int(r) for r in rows if r is not None and str(r).isdigit()]


def _read_log_until_clean(reader, path: Path, report: Report):
    """Call ``reader(path)`` on a log; after each row-level error, blank that row in a private
    copy (the readers skip blank rows, so numbers do not move) and read again. Returns the
    reader's result on the cleaned copy (or None if an error names no row)."""
    path = Path(path)
    records = list(csv.reader(io.StringIO(files.read_text(path).text, newline="")))
    set_aside: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="helpers-check-") as tmp:
        copy = Path(tmp) / path.name
        for _ in range(MAX_ROUNDS):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(records)
            copy.write_text(buffer.getvalue(), encoding="utf-8")
            try:
                return reader(copy)
            except InputError as exc:
                message = str(exc).replace(str(copy), str(path))
                rows = [r for r in _rows_of(exc) if 2 <= r <= len(records)]
                # A file-level error about a value of a row set aside (e.g. "export not listed in
                # the searches log") follows from setting it aside: not a problem of its own.
                if not (
                    not rows
                    and any(len(c.strip()) > 3 and c.strip() in message for rec in set_aside for c in rec)
                ):
                    report.problem(message)
                if not rows:
                    return None
                for r in rows:
                    set_aside.append(records[r - 1])
                    records[r - 1] = []
        report.problem(f"{path}: more than {MAX_ROUNDS} problems; stopped listing")
    return None


# ---------------------------------------------------------------------------------------------
# Survey


def check_survey(data_dir: Path, params: dict) -> Report:
    from helpers.survey import cleaning, codebook_draft, inputs, readers
    from helpers.survey.codebook import load_codebook

    report = Report("survey")
    folder = data_dir / "survey"
    if not folder.is_dir():
        return report.skip("no survey/ folder")
    codebook_path = folder / inputs.CODEBOOK_NAME
    # A drafted codebook (make codebook): each decision still marked TODO is a problem.
    pending = codebook_draft.pending_decisions(codebook_path) if codebook_path.is_file() else []
    for line in pending:
        report.problem(line)
    try:
        codebook = load_codebook(codebook_path, require_role=not pending)
    except InputError as exc:
        report.problem(exc)
        return report
    params_note = _demo_params_note(data_dir, params, codebook)
    if params_note:
        report.note(params_note)
    try:
        export = readers.read_export(
            inputs.find_export(folder, codebook), platform=codebook.platform, encoding=codebook.encoding
        )
    except InputError as exc:
        report.problem(exc)
        return report
    report.note(
        f"{export.source.name}: {export.platform}, encoding {inputs.encoding_shown(export.encoding)}, "
        f"{len(export.data)} responses, "
        f"{export.data.shape[1]} columns"
    )
    report.notes += [f"{export.source.name}: {n}" for n in export.notes]

    missing = [c for c in codebook.source_columns() if c not in export.data.columns]
    if missing:
        try:
            cleaning.check_columns(export.data, codebook, export.source)
        except InputError as exc:
            report.problem(exc)
    bad_values = 0
    for var in codebook.variables.values():
        if var.type in {"text", "identifier", "number"} or var.source not in export.data.columns:
            continue
        values = export.data[var.source]
        for _ in range(MAX_ROUNDS):
            try:
                cleaning.decode_variable(values, var, codebook, export.source)
                break
            except InputError as exc:
                report.problem(exc)
                bad_values += 1
                values = values.where(values.fillna("").astype("str").str.strip() != exc.value, "")
    if missing or bad_values:
        return report
    if not codebook.of_type("role"):
        report.note("cleaning steps not run: the role variable is still a TODO decision")
        return report
    # Everything declared decodes: run the cleaning steps for what remains (numbers, settings).
    try:
        result = cleaning.clean_survey(
            export.data, codebook, params.get("survey"), export.source, platform=export.platform
        )
    except (InputError, ValueError) as exc:
        report.problem(exc)
        return report
    steps = result.flow[result.flow["excluded"] > 0]
    report.note(
        f"cleaning: {len(export.data)} responses = {len(result.clean)} analysable + "
        f"{len(result.exclusions)} excluded"
        + (
            " (" + "; ".join(f"{s}: {n}" for s, n in zip(steps["step"], steps["excluded"])) + ")"
            if len(steps)
            else ""
        )
    )
    report.notes += [f"cleaning: {n}" for n in result.notes]
    _check_attitude_sections(codebook, result.clean, report)
    return report


def _demo_params_note(data_dir: Path, params: dict, codebook) -> str | None:
    """A note (not a problem) when a folder other than the demo runs with the demo's then-and-now
    settings: new_sample false makes report 03 call the respondents the 2015 survey's own, and a
    coverage_variable absent from the codebook has no values to compare (issue 11, second
    newcomer run: the shipped params.yaml, unchanged, described a new survey as the 2015 one)."""
    from helpers import paths

    if Path(data_dir).resolve() == (paths.project_root() / "data" / "raw" / "demo").resolve():
        return None
    settings = (params.get("survey") or {}).get("then_and_now") or {}
    why = []
    if settings.get("new_sample") is False:
        why.append("new_sample: false (report 03 will say these are the 2015 survey's own respondents)")
    coverage = settings.get("coverage_variable")
    if coverage and coverage not in codebook.variables:
        why.append(f"coverage_variable: {coverage} (not a variable of this codebook)")
    if not why:
        return None
    return (
        "params: survey.then_and_now still has the demo's settings, "
        + "; ".join(why)
        + ". For a new survey round set survey.then_and_now.new_sample: true and coverage_variable "
        "(a codebook variable holding the nation, or null) in a copy of params.yaml and pass it "
        "with PARAMS=<your params file> (docs/bring-your-own-survey.md, 'Then and now')"
    )


def _check_attitude_sections(codebook, clean, report: Report) -> None:
    """What stage 03 checks before it analyses (the same functions it calls), and which of its
    sections this instrument skips, and why."""
    from helpers import paths
    from helpers.survey import attitudes

    try:
        reference = attitudes.load_reference(paths.reference("published_figures.csv"))
        skipped = attitudes.comparison_note(codebook, reference)
    except InputError as exc:
        report.problem(exc)
        return
    items = attitudes.items_from_codebook(codebook)
    scales = attitudes.scales_from_codebook(codebook)
    notes = [
        attitudes.section_note(s, items, scales) for s in ("items", "batteries", "single_items", "scales")
    ]
    notes += [attitudes.models_note(clean, items), skipped]
    report.notes += [f"attitudes: {n.replace('*', '')}" for n in notes if n]


# ---------------------------------------------------------------------------------------------
# Literature


def check_literature(data_dir: Path, params: dict) -> Report:
    import pandas as pd

    from helpers.literature import (
        dedup,
        extraction,
        parsers,
        prisma,
        review,
        screening,
        screening_tools,
        searches,
    )

    report = Report("literature")
    lit = review.settings(params)
    folder = Path(lit["dir"])
    if not folder.is_dir():
        return report.skip(f"no {folder.name}/ folder")
    searches_dir = folder / "searches"
    if not searches_dir.is_dir():
        report.problem(InputError(searches_dir, "folder of search exports not found"))
        return report
    log_path = folder / "searches_log.csv"
    log = _read_log_until_clean(lambda p: searches.read_searches_log(p, searches_dir), log_path, report)
    database = dict(zip(log["file"], log["database"])) if log is not None else {}
    source_type = dict(zip(log["file"], log["source_type"])) if log is not None else {}

    frames = []
    exports = sorted(p for p in searches_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in exports:
        try:
            parsed = parsers.parse_file(path, database=database.get(path.name, path.stem))
        except InputError as exc:
            report.problem(exc)
            continue
        summary = parsed.summary()
        report.note(
            f"{path.name}: {summary['format']}, {summary['records_parsed']} records"
            + (
                f", {summary['records_skipped']} skipped ({summary['skip_reasons']})"
                if parsed.skipped
                else ""
            )
            + (f"; tolerated: {summary['quirks']}" if parsed.quirks else "")
        )
        records = parsed.records.copy()
        records["source_type"] = source_type.get(path.name, "database")
        frames.append(records)
        if log is not None and path.name in database:
            hits = int(log.loc[log["file"] == path.name, "hits_reported"].iloc[0])
            if hits != len(records):
                report.note(
                    f"{path.name}: the database reported {hits} hits, the export holds {len(records)}"
                )
    if report.problems or not frames:
        report.note("screening and extraction logs not checked: the searches must read first")
        return report

    records = pd.concat(frames, ignore_index=True)
    overrides_path = folder / "duplicate_overrides.csv"
    overrides = None
    if overrides_path.is_file():
        overrides = _read_log_until_clean(
            lambda p: dedup.read_overrides(p, records["record_id"]), overrides_path, report
        )
    deduped = dedup.deduplicate(records, overrides=overrides, **lit["dedup"])
    report.note(
        f"{len(records)} records, {deduped.n_duplicates} duplicates, {len(deduped.unique)} unique records"
    )
    id_map = dict(zip(deduped.records["record_id"], deduped.records["unique_id"]))
    unique_ids = deduped.unique["unique_id"].tolist()

    screening_path = folder / "screening_log.csv"
    exports_dir = folder / screening_tools.EXPORTS_FOLDER
    if not screening_path.is_file() and not exports_dir.is_dir():
        report.problem(InputError(screening_path, "screening log not found (nor screening_exports/)"))
        return report
    reasons = lit["fulltext_exclusion_reasons"]
    log_rows = pd.DataFrame(columns=[*screening.COLUMNS, "unique_id", "row"])
    if screening_path.is_file():
        log_rows = _read_log_until_clean(
            lambda p: screening.read_screening_log(p, id_map, reasons=reasons), screening_path, report
        )
    if exports_dir.is_dir() and log_rows is not None and not report.problems:
        # Rayyan / Covidence / ASReview exports beside (or instead of) the log
        try:
            tool_log, imports, unmatched = screening_tools.tool_decisions(exports_dir, records, id_map)
            log_rows = pd.concat([log_rows, tool_log], ignore_index=True)
            screening._check_structure(log_rows, screening_path)
        except InputError as exc:
            report.problem(exc)
            return report
        for row in imports.itertuples():
            report.note(f"{row.file}: {row.tool}: {row.notes}")
        for row in unmatched.itertuples():
            report.note(f"{row.file}: record {row.position} matches no search record: {row.title}")
    if log_rows is None or report.problems:
        return report
    try:
        decided = screening.decisions(log_rows, unique_ids, screening_path)
    except InputError as exc:
        report.problem(exc)
        return report
    for row in decided[decided["flag"] != ""].itertuples():
        report.problem(f"{screening_path}: record {row.unique_id}: {row.flag}")
    flow = prisma.record_flow(deduped.records, decided)
    try:
        counts = prisma.prisma_counts(flow, allow_pending=True)
        if not counts.get("awaiting_classification"):
            prisma.check_prisma(counts)
    except prisma.PrismaError as exc:
        report.problem(f"PRISMA counts: {exc}")
        return report
    included = decided.loc[decided["status"] == "included", "unique_id"].tolist()
    extraction_path = folder / "extraction.csv"
    if not extraction_path.is_file():
        report.problem(InputError(extraction_path, "extraction table not found"))
        return report
    result = _read_log_until_clean(
        lambda p: extraction.read_extraction(p, id_map, included), extraction_path, report
    )
    if result is not None:
        table, not_extracted = result
        report.note(
            f"{len(log_rows)} screening decisions; {len(included)} reports included, {len(table)} extracted"
        )
        for uid in not_extracted["unique_id"]:
            report.note(f"{extraction_path.name}: included record {uid} is not in the extraction table")
    return report


# ---------------------------------------------------------------------------------------------
# Focus groups and interviews


def check_focus_groups(data_dir: Path, params: dict) -> Report:
    from helpers.qualitative import refi_qda, segments

    report = Report("focus_groups")
    folder = data_dir / "focus_groups"
    if not folder.is_dir():
        return report.skip("no focus_groups/ folder")
    found = {}
    for key, patterns, what, required in [
        ("project", ["*.qdpx", "*.QDPX"], "REFI-QDA project (.qdpx)", False),
        ("participants", ["*participants*.csv", "*participants*.xlsx"], "participants table", False),
        ("codebook", ["*codebook*.qdc", "*codebook*.csv"], "codebook", False),
    ]:
        try:
            found[key] = segments._one(folder, patterns, what, required)
        except InputError as exc:
            report.problem(exc)
    if "project" in found and found["project"] is None:
        try:
            found["segments"] = segments._one(
                folder,
                ["*segments*.csv", "*segments*.xlsx"],
                "coded segments (.qdpx or *segments*.csv|xlsx)",
                True,
            )
        except InputError as exc:
            report.problem(exc)
    readers = {
        "project": refi_qda.read_qdpx,
        "participants": segments.read_participants,
        "codebook": lambda p: (
            refi_qda.read_codebook(p) if p.suffix.lower() == ".qdc" else segments.read_codebook_csv(p)
        ),
        "segments": segments.read_segments_table,
    }
    for key, path in found.items():
        if path is None:
            continue
        try:
            readers[key](path)
        except InputError as exc:
            report.problem(exc)
    if report.problems:
        return report
    try:  # the cross-file checks (codes in the codebook, speakers in the participants table)
        data = segments.load_folder(folder, params)
    except InputError as exc:
        report.problem(exc)
        return report
    report.note(
        f"{len(data.segments)} codings of {data.segments['segment_id'].nunique()} passages in "
        f"{data.segments['source'].nunique()} transcripts; {len(data.participants)} participants; "
        f"{len(data.codes)} codes"
    )
    report.notes += [
        f"{entry['message']} ({entry['count']})" for entry in data.log if entry.get("level") == "warning"
    ]
    return report


# ---------------------------------------------------------------------------------------------
# Findings: the team's triangulation mapping (its items and themes are checked by stage 05,
# against the outputs of stages 03 and 04)


def check_findings(data_dir: Path, params: dict) -> Report:
    from helpers.findings import triangulation

    report = Report("findings")
    mapping = (params.get("findings") or {}).get("mapping_file")
    try:
        path = files.inside(
            data_dir, mapping, source=params.get("params_file", "params.yaml"), what="findings.mapping_file"
        )
    except InputError as exc:
        if mapping:
            report.problem(exc)
            return report
        path = None
    if path is None or not path.is_file():
        return report.skip("no triangulation mapping")
    try:
        table = triangulation.read_mapping(path)
        report.note(f"{path.name}: {len(table)} survey item x theme judgements")
    except InputError as exc:
        report.problem(exc)
    return report


STRANDS = [check_literature, check_survey, check_focus_groups, check_findings]


def check_folder(data_dir: str | Path, params_file: str | Path = "params.yaml") -> list[Report]:
    """Check every strand's inputs in ``data_dir``; one :class:`Report` per strand."""
    data_dir = Path(data_dir)
    folder_report = Report("data folder")
    spaced = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if " " in p.name)
    for name in spaced:
        folder_report.problem(
            f"{data_dir / name}: file name contains a space (make cannot track it): rename it"
        )
    empty = session.no_strand(data_dir)  # the runner refuses the same folder with the same words
    if empty:
        folder_report.problem(empty)
    try:
        params = config.load_params(params_file, data_dir)
    except (ValueError, OSError) as exc:
        folder_report.problem(f"{params_file}: {exc}")
        return [folder_report]
    params["data_dir"] = Path(params["data_dir"])
    reports = [folder_report]
    for check in STRANDS:
        try:
            reports.append(check(params["data_dir"], params))
        except Exception as exc:  # a reader crashed: say so, and keep checking the other strands
            crashed = Report(check.__name__.removeprefix("check_"))
            crashed.problem(f"the check itself failed ({type(exc).__name__}: {exc}); please report this")
            reports.append(crashed)
    return reports


def format_reports(reports: list[Report], data_dir) -> str:
    lines = [f"Checking {data_dir}", ""]
    for r in reports:
        if r.strand == "data folder" and not r.problems:
            continue
        status = (
            "not present"
            if not r.checked
            else f"{len(r.problems)} problem{'s' if len(r.problems) != 1 else ''}"
            if r.problems
            else "OK"
        )
        lines.append(f"{r.strand}: {status}")
        lines += [f"  PROBLEM  {p}" for p in r.problems]
        lines += [f"  note     {n}" for n in r.notes]
        lines.append("")
    total = sum(len(r.problems) for r in reports)
    lines.append(
        f"{total} problem{'s' if total != 1 else ''} found."
        if total
        else "No problems found: the folder is ready for `make all DATA=...`."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.check",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("data", help="input folder laid out like data/raw/demo")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)
    from helpers import paths

    data_dir = paths.resolve(args.data)
    missing = session.missing_folder(args.data)  # make all stops with the same words
    if missing:
        print(missing, file=sys.stderr)
        return 2
    reports = check_folder(data_dir, paths.resolve(args.params))
    print(format_reports(reports, args.data))
    return 1 if any(r.problems for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
