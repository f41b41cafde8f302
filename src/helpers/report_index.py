"""``reports/index.html``: one page linking every report, figure and table, with the run's
provenance.

    python -m helpers.report_index

The provenance is gathered from the records each stage wrote (``reports/provenance/*.json``,
by :func:`helpers.provenance.footer`): for each stage when it ran, the git commit and whether
the work tree had uncommitted changes, the data folder; the SHA-256 of every input file any
stage read; the package versions; the parameters. The page says plainly when stages disagree
(different data folders, commits, package versions or parameters), and when it was written.
Links are relative, so the folder can be zipped and opened anywhere, offline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import sys
from pathlib import Path
from typing import Any

from helpers import outputs, paths, provenance

SECTIONS = (
    ("Reports", lambda p: p.suffix == ".html" and p.parent.name == "reports" and "slides" not in p.name),
    ("Seminar slides", lambda p: p.suffix == ".html" and "slides" in p.name),
    ("Figures", lambda p: p.parent.name == "figures"),
    ("Tables", lambda p: p.parent.name == "tables"),
    ("Provenance records", lambda p: p.parent.name == "provenance"),
)


def load_records(folder: Path) -> list[dict[str, Any]]:
    """Every stage's provenance record, in stage order; a broken record is an error naming it."""
    records = []
    for path in sorted(folder.glob("*.json")):
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not a valid provenance record: {exc}") from exc
        for key in ("stage", "ran_at", "code", "inputs", "packages", "parameters"):
            if key not in rec:
                raise ValueError(f"{path}: provenance record lacks {key!r}")
        records.append(rec)
    return records


def list_outputs(reports: Path) -> dict[str, list[Path]]:
    """Every file under reports/ (except this index), by section, sorted by path."""
    found = {name: [] for name, _ in SECTIONS}
    found["Other files"] = []
    for p in sorted(q for q in reports.rglob("*") if q.is_file() and not q.name.startswith(".")):
        if p == reports / "index.html" or p.name == "README.md":
            continue
        for name, test in SECTIONS:
            if test(p):
                found[name].append(p)
                break
        else:
            found["Other files"].append(p)
    return found


def inputs_table(records: list[dict]) -> list[dict]:
    """Each input file once per distinct content, with the stages that read it."""
    rows: dict[tuple[str, str], dict] = {}
    for rec in records:
        for i in rec["inputs"]:
            row = rows.setdefault((i["path"], i["sha256"]), {**i, "stages": []})
            row["stages"].append(rec["stage"])
    return [rows[k] for k in sorted(rows)]


def disagreements(records: list[dict]) -> list[str]:
    """Plain sentences for every way the stages' records differ from each other."""
    notes = []

    def distinct(getter):
        values = {}
        for rec in records:
            values.setdefault(json.dumps(getter(rec), sort_keys=True, default=str), []).append(rec["stage"])
        return values

    for what, getter in (
        ("data folders", lambda r: r["parameters"].get("data_dir")),
        ("code commits", lambda r: r["code"].get("commit")),
        ("package versions", lambda r: r["packages"]),
        ("parameters", lambda r: {k: v for k, v in r["parameters"].items() if k not in ("data_dir",)}),
    ):
        values = distinct(getter)
        if len(values) > 1:
            notes.append(
                f"The stages ran with different {what}: "
                + "; ".join(", ".join(stages) for stages in values.values())
                + "."
            )
    dirty = [r["stage"] for r in records if r["code"].get("dirty")]
    if dirty:
        notes.append("Stages run with uncommitted changes in the work tree: " + ", ".join(dirty) + ".")
    seen: dict[str, set[str]] = {}
    for row in inputs_table(records):
        seen.setdefault(row["path"], set()).add(row["sha256"])
    changed = sorted(p for p, s in seen.items() if len(s) > 1)
    if changed:
        notes.append("Input files that changed between stages: " + ", ".join(changed) + ".")
    return notes


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _rel(path: Path, reports: Path) -> str:
    return path.relative_to(reports).as_posix()


def render(reports: Path, records: list[dict], now: str, git: dict) -> str:
    found = list_outputs(reports)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Doctors and managers study: reports index</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.4}"
        "table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}td,th{border:1px solid #ccc;padding:0.2em 0.5em;text-align:left;vertical-align:top}"
        "code{font-size:0.9em}.warn{background:#fff3cd;padding:0.5em 1em;border-left:4px solid #e69f00}"
        ".synthetic{background:#fde2e1;padding:0.5em 1em;border-left:4px solid #d55e00}</style></head><body>",
        "<h1>Doctors and managers in the NHS: reports of this run</h1>",
    ]
    data_dirs = sorted({str(r["parameters"].get("data_dir")) for r in records})
    synthetic = [d for d in data_dirs if d and (Path(d) / "SYNTHETIC.md").is_file()]
    if synthetic:
        out.append(
            '<p class="synthetic"><b>SYNTHETIC DATA.</b> Built from the synthetic demonstration folder: '
            "the figures illustrate the method and are not the study's findings.</p>"
        )
    commit = git.get("commit") or "unknown"
    out.append(
        f"<p>Index written {_e(now)} from code <code>{_e(commit)}</code>"
        f"{' <b>with uncommitted changes</b>' if git.get('dirty') else ''}; "
        f"data folder{'s' if len(data_dirs) > 1 else ''}: "
        + ", ".join(f"<code>{_e(d)}</code>" for d in data_dirs)
        + ".</p>"
    )
    for note in disagreements(records):
        out.append(f'<p class="warn">{_e(note)}</p>')
    for section, items in found.items():
        if not items:
            continue
        out.append(f"<h2>{_e(section)}</h2><ul>")
        out += [
            f'<li><a href="{_e(_rel(p, reports))}">{_e(_rel(p, reports))}</a> ({p.stat().st_size:,} bytes)</li>'
            for p in items
        ]
        out.append("</ul>")
    out.append(
        "<h2>Provenance</h2><h3>Stages</h3><table><tr><th>stage</th><th>ran at (UTC)</th><th>commit</th>"
        "<th>uncommitted changes</th><th>data folder</th><th>inputs</th></tr>"
    )
    for r in records:
        out.append(
            f"<tr><td>{_e(r['stage'])}</td><td>{_e(r['ran_at'])}</td><td><code>{_e((r['code'].get('commit') or 'unknown')[:12])}</code></td>"
            f"<td>{_e({True: 'yes', False: 'no'}.get(r['code'].get('dirty'), 'unknown'))}</td>"
            f"<td><code>{_e(r['parameters'].get('data_dir'))}</code></td><td>{len(r['inputs'])}</td></tr>"
        )
    out.append(
        "</table><h3>Input files (SHA-256)</h3><table><tr><th>file</th><th>bytes</th><th>SHA-256</th><th>read by</th></tr>"
    )
    for row in inputs_table(records):
        out.append(
            f"<tr><td><code>{_e(row['path'])}</code></td><td>{row['bytes']}</td><td><code>{_e(row['sha256'])}</code></td>"
            f"<td>{_e(', '.join(row['stages']))}</td></tr>"
        )
    out.append("</table><h3>Package versions</h3><table><tr><th>package</th><th>version</th></tr>")
    packages: dict[str, set] = {}
    for r in records:
        for k, v in r["packages"].items():
            packages.setdefault(k, set()).add(v)
    out += [
        f"<tr><td>{_e(k)}</td><td>{_e(' / '.join(sorted(v)))}</td></tr>" for k, v in sorted(packages.items())
    ]
    out.append("</table><h3>Parameters</h3>")
    params = records[-1]["parameters"] if records else {}
    out.append(
        f"<p>As recorded by stage <code>{_e(records[-1]['stage']) if records else '-'}</code>:</p>"
        f"<pre>{_e(json.dumps(params, indent=2, sort_keys=True, default=str))}</pre>"
    )
    if not records:
        out.append('<p class="warn">No provenance records: no stage has run.</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_index() -> Path:
    reports = paths.reports()
    records = load_records(reports / "provenance")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    page = render(reports, records, now, provenance.git_state())
    target = paths.output("reports/index.html")
    with outputs.atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="python -m helpers.report_index",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).parse_args(argv)
    try:
        target = write_index()
    except ValueError as exc:
        print(f"report_index: {exc}", file=sys.stderr)
        return 1
    print(f"report_index: wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
