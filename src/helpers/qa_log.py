"""Assumptions-and-caveats log and data log, in the style of the Aqua Book (HM Treasury 2015)
and the UK Government Analysis Function's govcookiecutter QA logs.

The pipeline fills what it can know from the strands' outputs, so the logs cannot drift from
the run they describe:

* **synthetic data**: the data folder carries a SYNTHETIC marker;
* **exclusions**: every survey cleaning step that excluded responses
  (``reports/tables/survey_flow.csv``), checked against the exclusion log
  (``data/processed/survey_exclusions.csv``);
* **suppressions**: every published table cell holding the disclosure marker;
* **unweighted estimates**: no population-margins file in the data folder;
* the qualitative and literature strands' accounting (second-coder codings used only for
  agreement, records skipped or flagged), and the triangulation's derived silences.

``assumptions_log.csv`` columns: ``id, kind, strand, description, evidence, impact, source``
(kind is ``assumption`` or ``caveat``; impact ``high``, ``medium`` or ``low``).
``data_log.csv`` columns: ``dataset, kind, stages, bytes, sha256, rows, synthetic, note``: every
input file any stage read (from ``reports/provenance/*.json``) and every processed dataset.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import config, files, paths

ASSUMPTION_COLUMNS = ["id", "kind", "strand", "description", "evidence", "impact", "source"]
DATA_COLUMNS = ["dataset", "kind", "stages", "bytes", "sha256", "rows", "synthetic", "note"]
MARGINS_FILE = "population_margins.csv"
FRAME_FILE = "sampling_frame.csv"


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(files.read_text(path).text), keep_default_na=False, na_values=[""])


def _entry(kind, strand, description, evidence, impact, source) -> dict[str, Any]:
    return {
        "kind": kind,
        "strand": strand,
        "description": description,
        "evidence": evidence,
        "impact": impact,
        "source": source,
    }


def synthetic_entries(data_dir: Path) -> list[dict]:
    if config.is_synthetic(data_dir):
        return [
            _entry(
                "caveat",
                "all",
                "Every input is SYNTHETIC demonstration data: the figures illustrate the "
                "method and are not the study's findings.",
                f"{Path(data_dir).name}/SYNTHETIC.md present",
                "high",
                "data folder",
            )
        ]
    return []


def exclusion_entries(
    flow: pd.DataFrame | None,
    exclusions: pd.DataFrame | None,
    flow_name: str = "reports/tables/survey_flow.csv",
    rule_rounded: bool = False,
) -> list[dict]:
    """One assumption per cleaning step that excluded responses. The step totals must agree
    with the exclusion log (one row per excluded raw row), else ValueError."""
    if flow is None:
        return []
    out = []
    exported = pd.to_numeric(flow["remaining"], errors="coerce").iloc[0]
    first = None if pd.isna(exported) else int(exported)
    by_step = exclusions["step"].value_counts() if exclusions is not None else None
    for _, r in flow.iterrows():
        if pd.isna(pd.to_numeric(r["excluded"], errors="coerce")):
            continue  # suppressed (few exclusions in all, issue 13)
        n = int(r["excluded"])
        if n == 0:
            continue
        # a published step may join several cleaning steps ("; "): small ones are merged (issue 13)
        logged = (
            sum(int(by_step.get(s, 0)) for s in str(r["step"]).split("; ")) if by_step is not None else None
        )
        if by_step is not None and logged != n and not (rule_rounded and abs(logged - n) <= 2):
            raise ValueError(
                f"{flow_name}: step {r['step']!r} excluded {n} responses but the exclusion log lists {logged}"
            )
        out.append(
            _entry(
                "assumption",
                "survey",
                f"Responses excluded at cleaning step: {r['step']}.",
                f"{n} of {first} exported rows" if first is not None else f"{n} exported rows",
                "medium" if first is not None and n / max(first, 1) >= 0.05 else "low",
                flow_name,
            )
        )
    if by_step is not None:
        published = {s for step in flow["step"] for s in str(step).split("; ")}
        unknown = sorted(set(by_step.index) - published)
        if unknown:
            raise ValueError(f"exclusion log has steps not in {flow_name}: {', '.join(map(str, unknown))}")
    return out


def suppression_entries(tables: dict[str, pd.DataFrame], marker: str, rule: dict) -> list[dict]:
    """One caveat per table with cells holding the disclosure marker."""
    out = []
    for name, table in sorted(tables.items()):
        cells = (
            int((table.astype(str).apply(lambda col: col.str.strip()) == marker).sum().sum())
            if len(table)
            else 0
        )
        if cells:
            out.append(
                _entry(
                    "caveat",
                    _strand_of(name),
                    f"Small counts suppressed in {name} (disclosure rule "
                    f"{rule.get('rule', 'threshold')}, min_count {rule.get('min_count', '')}).",
                    f"{cells} cells show {marker!r}",
                    "low",
                    f"reports/tables/{name}.csv",
                )
            )
    return out


def attitude_entries(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Suppression counts of notebook 03 and then-vs-now comparisons with approximate counts."""
    out = []
    summary = tables.get("attitudes_suppression_summary")
    if summary is not None and len(summary):
        primary = pd.to_numeric(summary["primary"]).sum()
        secondary = pd.to_numeric(summary["secondary"]).sum()
        out.append(
            _entry(
                "caveat",
                "attitudes",
                "Small counts suppressed in the attitude tables (primary: below the "
                "threshold; secondary: cells that would reveal them).",
                f"{int(primary)} primary and {int(secondary)} secondary cells over {len(summary)} items",
                "low",
                "reports/tables/attitudes_suppression_summary.csv",
            )
        )
    tvn = tables.get("attitudes_then_vs_now")
    if tvn is not None and "approximate" in tvn:
        approx = tvn["approximate"].astype(str).str.lower().isin(["true", "1"])
        if approx.any():
            out.append(
                _entry(
                    "assumption",
                    "attitudes",
                    "Published figures given only as percentages are compared "
                    "using counts reconstructed from the percentage and the number of respondents; their "
                    "intervals and tests are approximate.",
                    f"{int(approx.sum())} of {len(tvn)} comparisons",
                    "medium",
                    "reports/tables/attitudes_then_vs_now.csv",
                )
            )
    return out


def weighting_entries(data_dir: Path, attitudes_ran: bool) -> list[dict]:
    if not attitudes_ran:
        return []
    frames = sorted(Path(data_dir).rglob(FRAME_FILE))
    if frames:
        return [
            _entry(
                "assumption",
                "attitudes",
                "Weighted estimates rake to the sampling frame's eligible invited people (non-response "
                "weights; the frame supersedes any population-margins file), with Taylor-linearised "
                "intervals; unweighted figures are shown beside them. Response rates are AAPOR RR1/RR2 "
                "with every invited person of unknown eligibility counted eligible.",
                f"sampling frame {frames[0].relative_to(data_dir).as_posix()}",
                "medium",
                "attitudes",
            )
        ]
    margins = sorted(Path(data_dir).rglob(MARGINS_FILE))
    if margins:
        return [
            _entry(
                "assumption",
                "attitudes",
                "Weighted estimates rake to the population margins supplied; "
                "unweighted figures are shown beside them.",
                f"margins file {margins[0].relative_to(data_dir).as_posix()}",
                "medium",
                "attitudes",
            )
        ]
    return [
        _entry(
            "caveat",
            "attitudes",
            "Estimates are UNWEIGHTED: no sampling frame or population-margins file in the data folder, "
            "so percentages describe respondents, not the population of post-holders.",
            f"no {MARGINS_FILE} under the data folder",
            "high",
            "attitudes",
        )
    ]


def _strand_of(name: str) -> str:
    for prefix, strand in (
        ("survey_", "survey"),
        ("attitudes", "attitudes"),
        ("literature_", "literature"),
        ("prisma", "literature"),
        ("themes_", "focus_groups"),
        ("theme_", "focus_groups"),
        ("code_", "focus_groups"),
        ("coder_", "focus_groups"),
        ("qualitative_", "focus_groups"),
        ("triangulation", "findings"),
        ("headline", "findings"),
    ):
        if name.startswith(prefix):
            return strand
    return "other"


def qualitative_entries(
    accounting: pd.DataFrame | None, source: str = "reports/tables/qualitative_accounting.csv"
) -> list[dict]:
    if accounting is None:
        return []
    out = [
        _entry(
            "caveat",
            "focus_groups",
            "Theme prevalence counts (references, participants) describe what was "
            "said in a purposive sample; they are not estimates for the population.",
            "",
            "medium",
            source,
        )
    ]
    scrubbed: list[str] = []
    for _, r in accounting.iterrows():
        item = str(r["item"]).strip()
        if "agreement" in item and int(r["count"]) > 0:
            out.append(
                _entry(
                    "assumption",
                    "focus_groups",
                    "Only the primary coder's codings are summarised; the "
                    "second coder's codings are used for inter-coder agreement only.",
                    f"{int(r['count'])} codings {item}",
                    "low",
                    source,
                )
            )
        if item.startswith("identifiers replaced in quotes and excerpts: ") and int(r["count"]) > 0:
            scrubbed.append(f"{int(r['count'])} {item.split(': ', 1)[1]}")
        if "no identified speaker" in item and int(r["count"]) > 0:
            out.append(
                _entry(
                    "caveat",
                    "focus_groups",
                    "Some codings have no identified speaker and are not cut by role.",
                    f"{int(r['count'])} codings",
                    "medium",
                    source,
                )
            )
    if scrubbed:
        out.append(
            _entry(
                "assumption",
                "focus_groups",
                "Quotes and excerpts are scrubbed of direct identifiers before publication "
                "(names, e-mail addresses, NHS numbers, UK phone numbers, postcodes); each is "
                "replaced with a bracketed marker.",
                ", ".join(scrubbed) + " replaced",
                "low",
                source,
            )
        )
    return out


def literature_entries(tables: dict[str, pd.DataFrame]) -> list[dict]:
    out = []
    for name, what in (
        ("literature_skipped_records", "Records skipped while parsing the search exports"),
        ("literature_flagged_records", "Records flagged for the reviewers (e.g. no screening decision)"),
    ):
        if name in tables and len(tables[name]):
            out.append(
                _entry(
                    "caveat",
                    "literature",
                    what + ".",
                    f"{len(tables[name])} records",
                    "medium",
                    f"reports/tables/{name}.csv",
                )
            )
    return out


def triangulation_entries(long: pd.DataFrame | None) -> list[dict]:
    if long is None:
        return []
    out = [
        _entry(
            "assumption",
            "findings",
            "Triangulation judgements are the team's, recorded in the mapping file; "
            "the pipeline checks them against the data but does not make them.",
            f"{(~long['origin'].str.startswith('derived')).sum()} mapped pairs",
            "medium",
            "findings mapping file",
        )
    ]
    derived = long[
        long["origin"].str.startswith("derived")
        | (long["judgement"] != long["team_judgement"]) & (long["team_judgement"] != "")
    ]
    if len(derived):
        out.append(
            _entry(
                "caveat",
                "findings",
                "Silences added by the pipeline: items or themes with no counterpart "
                "in the other method, or mapped pairs without data in this run.",
                f"{len(derived)} cells",
                "low",
                "reports/tables/triangulation.csv",
            )
        )
    return out


def assumptions_log(entries: Iterable[dict]) -> pd.DataFrame:
    """Number the entries A01, A02, ... in the order given."""
    rows = list(entries)
    table = pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS[1:])
    table.insert(0, "id", [f"A{i:02d}" for i in range(1, len(table) + 1)])
    return table


# Processed datasets whose rows are respondents (or their answers): their row counts are counts
# of people, published as the disclosure rule publishes one, and their sizes are not published.
RESPONDENT_DATASETS = "survey_"
PEOPLE_NOTE = (
    "build output; rows are respondents, published as the disclosure rule publishes a count of "
    "people (blank where it suppresses one); size not published (it would give the rows back)"
)


def data_log(
    provenance_records: Iterable[dict], processed: Iterable[Path], data_dir: Path, rule=None
) -> pd.DataFrame:
    """Every input any stage read (path, stages, bytes, SHA-256) and every processed dataset.

    An input whose SHA-256 differs between two stages' records (the file changed between them)
    is listed once per version, so the log shows it.

    A processed survey dataset (:data:`RESPONDENT_DATASETS`) has respondents for rows: its row
    count goes through ``rule`` (helpers.disclosure.Rule; the default rule when None) like any
    count of people, and its size in bytes is left blank. The newcomer's release printed
    ``survey_exclusions.csv`` with 2 rows where the flow of responses had suppressed the number
    excluded (issue 11)."""
    from helpers import disclosure

    rule = rule or disclosure.from_params({})
    synthetic = config.is_synthetic(data_dir)
    inputs: dict[tuple[str, str], dict] = {}
    for rec in provenance_records:
        for i in rec.get("inputs", []):
            shown = _shown(i["path"], data_dir)
            key = (shown, i["sha256"])
            row = inputs.setdefault(
                key,
                {
                    "dataset": shown,
                    "kind": _kind(_shown(i["path"]), data_dir),
                    "stages": [],
                    "bytes": i["bytes"],
                    "sha256": i["sha256"],
                    "rows": None,
                    "synthetic": None,
                    "note": "",
                },
            )
            row["stages"].append(rec["stage"])
    rows = []
    for _key, row in sorted(inputs.items()):
        row["stages"] = " ".join(sorted(set(row["stages"])))
        row["synthetic"] = synthetic if row["kind"] == "raw input" else None
        rows.append(row)
    for p in sorted(processed):
        rel = (
            p.relative_to(paths.workspace()).as_posix()
            if p.is_relative_to(paths.workspace())
            else p.as_posix()
        )
        n, size, note = _rows(p), p.stat().st_size, "build output"
        if p.name.startswith(RESPONDENT_DATASETS):
            n = None if n is None or rule.is_sensitive(n) else rule.shown(n)
            size, note = None, PEOPLE_NOTE
        rows.append(
            {
                "dataset": rel,
                "kind": "processed",
                "stages": "",
                "bytes": size,
                "sha256": files.sha256(p),
                "rows": n,
                "synthetic": synthetic,
                "note": note,
            }
        )
    table = pd.DataFrame(rows, columns=DATA_COLUMNS)
    for column in ("bytes", "rows"):  # whole numbers, blank where not published ("41", not "41.0")
        table[column] = table[column].astype("Int64")
    dup = table[table["kind"] != "processed"].duplicated("dataset", keep=False)
    table.loc[dup[dup].index, "note"] = "changed between stages (one row per version)"
    return table


def _shown(path: str, data_dir: Path | None = None) -> str:
    """An input's path as recorded, relative to the workspace when it lies inside it (so two
    runs in different workspaces log the same names). With ``data_dir``, a published name: a
    file of a data folder outside the workspace is named from the folder's last part
    (``own_survey/survey/export.csv``), any other file outside it by its name alone, so the
    data log prints no path of this machine (a user name, a network share), as the provenance
    footers do."""
    workspace = paths.workspace().as_posix().rstrip("/") + "/"
    if path.startswith(workspace):
        return path[len(workspace) :]
    if data_dir is None or not Path(path).is_absolute():
        return path
    folder = Path(data_dir).resolve()
    if Path(path).is_relative_to(folder):
        return f"{folder.name}/{Path(path).relative_to(folder).as_posix()}"
    return f"{Path(path).name} (outside the project)"


def _kind(path: str, data_dir: Path | None = None) -> str:
    folders = []
    if data_dir is not None:
        folder = Path(data_dir).resolve()
        folders.append(folder.as_posix() + "/")
        if folder.is_relative_to(paths.project_root()):
            folders.append(folder.relative_to(paths.project_root()).as_posix() + "/")
    if path.startswith("data/raw/") or any(path.startswith(f) for f in folders):
        return "raw input"
    if path.startswith("data/reference/"):
        return "reference"
    if path.startswith("data/processed/"):
        return "processed (read by a later stage)"
    if path.startswith("reports/"):
        return "strand output (read by a later stage)"
    return "other"


def _rows(path: Path) -> int | None:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if path.suffix == ".csv":
        return len(_csv(path))
    return None


def provenance_records(exclude: str | None = "05_findings") -> list[dict]:
    """Every stage's provenance record in reports/provenance, by stage name, except
    ``exclude`` (this stage's record from its previous run, so a rerun logs the same data)."""
    out = []
    for p in sorted(paths.reports("provenance").glob("*.json")):
        if p.stem != exclude:
            out.append(json.loads(p.read_text(encoding="utf-8")))
    return out


def _published_tables() -> dict[str, pd.DataFrame]:
    """Every CSV in reports/tables (published, and staged by this run), read as text."""
    from helpers.findings import all_tables

    out = {}
    for name, path in all_tables.table_files("05_findings").items():
        text = all_tables.read_text(path)
        out[name] = (
            pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            if text.strip()
            else pd.DataFrame()
        )
    return out


def build_assumptions_log(params: dict, triangulated: pd.DataFrame | None = None) -> pd.DataFrame:
    """The assumptions-and-caveats log for this run, from the data folder and the strand outputs."""
    from helpers.findings import strands

    data_dir = Path(params["data_dir"])
    tables = _published_tables()
    flow = _csv(strands.table_path("survey_flow")) if strands.table_path("survey_flow").is_file() else None
    excl_path = paths.processed("survey_exclusions.csv")
    exclusions = _csv(excl_path) if excl_path.is_file() else None
    if flow is not None and exclusions is None and strands.has_run("survey"):
        raise files.InputError(excl_path, "the survey stage ran but its exclusion log is missing")
    accounting_path = strands.table_path("qualitative_accounting")
    accounting = _csv(accounting_path) if accounting_path.is_file() else None
    rule = params.get("disclosure", {})
    entries = (
        synthetic_entries(data_dir)
        + exclusion_entries(flow, exclusions, rule_rounded=rule.get("rule") == "nhs")
        + suppression_entries(tables, str(rule.get("marker", "*")), rule)
        + attitude_entries(tables)
        + weighting_entries(data_dir, strands.has_run("attitudes"))
        + qualitative_entries(accounting)
        + literature_entries(tables)
        + triangulation_entries(triangulated)
    )
    missing = [s.title for s in strands.STRANDS.values() if not strands.has_run(s)]
    entries += [
        _entry(
            "caveat",
            "findings",
            f"Strand not run, so absent from the findings: {t}.",
            "no provenance record",
            "high",
            "reports/provenance",
        )
        for t in missing
    ]
    return assumptions_log(entries)


def build_data_log(params: dict) -> pd.DataFrame:
    processed = [
        p for p in sorted(paths.processed().glob("*")) if p.is_file() and p.suffix in (".parquet", ".csv")
    ]
    from helpers import disclosure

    return data_log(provenance_records(), processed, Path(params["data_dir"]), disclosure.from_params(params))


def write_logs(assumptions: pd.DataFrame, data: pd.DataFrame) -> list[Path]:
    from helpers import outputs

    return [outputs.write_table(assumptions, "assumptions_log"), outputs.write_table(data, "data_log")]
