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

from helpers import outputs, paths, provenance, session

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


CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:1100px;margin:1.5em auto;"
    "padding:0 1em;line-height:1.45;color:#222}h1{font-size:1.7em;line-height:1.2}h2{margin-top:1.6em}"
    "table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}td,th{border:1px solid #ccc;padding:0.2em 0.5em;"
    "text-align:left;vertical-align:top}code{font-size:0.9em;overflow-wrap:anywhere}"
    ".scroll{max-width:100%;overflow-x:auto}pre{white-space:pre-wrap;overflow-wrap:anywhere}"
    ".warn{background:#fff3cd;padding:0.5em 1em;border-left:4px solid #e69f00}"
    ".synthetic{background:#fde2e1;padding:0.5em 1em;border-left:4px solid #d55e00}"
    ".strands{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:1em}"
    ".strand{border:1px solid #ddd;border-radius:6px;padding:0.8em}.strand h3{margin:0 0 0.3em;font-size:1.05em}"
    ".strand .figure{font-size:1.6em;font-weight:600;margin:0.1em 0}.strand img{width:100%;height:auto;max-height:260px;object-fit:contain;"
    "border:1px solid #eee;margin-top:0.5em}dl.docs dt{font-weight:600;margin-top:0.6em}dl.docs dd{margin-left:1em}"
    "details{margin-top:1.5em;border-top:1px solid #ddd;padding-top:0.5em}summary{cursor:pointer;font-weight:600}"
)

# The documents a reader opens, each with one line saying what it is (path under reports/).
DOCUMENTS = (
    (
        "01_literature_review.html",
        "Rapid review report",
        "The searches, duplicates, screening and agreement, the PRISMA 2020 flow and the included studies.",
    ),
    (
        "02_survey_cleaning.html",
        "Survey data preparation",
        "From the platform export to the analysable respondents: every cleaning step, item non-response and the data dictionary.",
    ),
    (
        "03_attitude_analysis.html",
        "Survey results",
        "What each role group thinks, whether the groups differ, the multi-item scales, and the comparison with 2002 and 2015.",
    ),
    (
        "04_focus_group_themes.html",
        "Interviews and focus groups",
        "The themes by role, how codes occur together, illustrative quotes and the agreement between coders.",
    ),
    (
        "05_findings.html",
        "Findings across the strands",
        "The strands brought together: headline figures, triangulation, and the assumptions and caveats.",
    ),
    (
        "05_findings_slides.html",
        "Seminar deck",
        "The findings as slides for the seminar (reveal.js, works offline; press S for speaker notes).",
    ),
    (
        "tables/all_tables.xlsx",
        "Workbook of every table",
        "Every published table of every strand, one sheet each, after a contents sheet.",
    ),
    (
        "tables/survey_data_dictionary.csv",
        "Data dictionary",
        "Every survey variable: its question, source column, type, value labels and valid answers.",
    ),
)


def report_title(stage: str) -> str:
    """A stage's report as the landing page names it ('03_attitude_analysis' -> 'Survey
    results', :data:`DOCUMENTS`); a stage without a listed report: its name."""
    return next((title for path, title, _ in DOCUMENTS if path == f"{stage}.html"), stage)


# Each strand at a glance: its key figure and the headline read from its published tables.
STRANDS = (
    ("Rapid review", "prisma_flow", "01_literature_review.html"),
    ("Survey", "attitudes_then_vs_now", "03_attitude_analysis.html"),
    ("Interviews and focus groups", "code_cooccurrence", "04_focus_group_themes.html"),
    ("Findings", "triangulation_matrix", "05_findings.html"),
)


def _csv(reports: Path, name: str):
    import pandas as pd

    path = reports / "tables" / f"{name}.csv"
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path)
    except (ValueError, OSError):
        return None


def headlines(reports: Path, phrases: dict[str, str] | None = None) -> dict[str, list[str]]:
    """One or two headline sentences per strand, from its published tables (numbers through
    helpers.numbers); a strand whose tables are missing has none. ``phrases``: item -> what its
    share counts, in words (:func:`helpers.findings.present.share_phrases`: the codebook's
    published-comparison measure, else its counted answers); "agree or answer positively" for an
    item it does not name."""
    from helpers import numbers
    from helpers.findings import headline as findings_headline

    out: dict[str, list[str]] = {name: [] for name, _, _ in STRANDS}
    from helpers.findings import messages

    prisma = _csv(reports, "prisma_counts")
    if prisma is not None and {"data", "n"} <= set(prisma.columns):
        out["Rapid review"].append(messages.prisma(prisma).headline + ".")
    headline = _csv(reports, "findings_headline")
    if headline is not None and {"group", "n_valid", "pct_agree", "ci_low", "ci_high", "question"} <= set(
        headline.columns
    ):
        first = headline[headline["group"] == "All respondents"].head(1)
        for row in first.itertuples():
            phrase = (phrases or {}).get(str(getattr(row, "item", ""))) or "agree or answer positively"
            if any(numbers.as_float(v) != numbers.as_float(v) for v in (row.pct_agree, row.n_valid)):
                # suppressed (or not estimable): said so, never printed as "– of –"
                out["Survey"].append(
                    f"\u201c{row.question}\u201d: the share who {phrase} is not shown "
                    f"({findings_headline.NOT_SHOWN_WHY})."
                )
                continue
            try:
                out["Survey"].append(
                    f"{numbers.percentage_ci(float(row.pct_agree), float(row.ci_low), float(row.ci_high))} "
                    f"of {numbers.count(float(row.n_valid))} respondents {phrase}: "
                    f"\u201c{row.question}\u201d."
                )
            except ValueError:
                pass
    themes = _csv(reports, "findings_themes")
    if themes is not None and {"theme", "participants", "references", "raised_by"} <= set(themes.columns):
        # the theme raised by the most participants (not the table's first row)
        out["Interviews and focus groups"].append(
            f"{numbers.count(len(themes))} themes; {messages.themes(themes).headline}."
        )
    triangulation = _csv(reports, "triangulation")
    if triangulation is not None and {"judgement", "origin"} <= set(triangulation.columns):
        out["Findings"].append(messages.triangulation(triangulation).headline + ".")
    return out


def _folders(data_dirs):
    """The data folders of the records that exist on this machine, resolved (a record names a
    folder outside the project by its last part only, which is not one)."""
    for d in data_dirs:
        if d and d != "None" and paths.resolve(d).is_dir():
            yield paths.resolve(d)


def share_phrases(data_dirs) -> dict[str, str]:
    """What each survey item's share counts, in words, from the codebook of the (first) data
    folder that has one (:func:`helpers.findings.present.share_phrases`); empty without one."""
    from helpers.findings import present

    for folder in _folders(data_dirs):
        phrases = present.share_phrases(folder)
        if phrases:
            return phrases
    return {}


def page_title(data_dirs) -> str:
    """'<the study's title>: the study at a glance', the title taken from the codebook of the
    (first) data folder that has one (:func:`helpers.survey.codebook.study_title`); 'The study
    at a glance' without one."""
    from helpers.survey.codebook import study_title

    for folder in _folders(data_dirs):
        title = study_title(folder)
        if title:
            return f"{title}: the study at a glance"
    return "The study at a glance"


# What each strand's report adds to the landing page's opening sentence, in the study's order.
STRAND_WORDS = (
    ("01_literature_review.html", "a rapid review"),
    (
        "03_attitude_analysis.html",
        "a web survey of chief executives, medical directors, clinical directors and directorate managers",
    ),
    ("04_focus_group_themes.html", "interviews and focus groups"),
)


def opening(reports: Path) -> str:
    """The landing page's first sentence: the strands this release has (a release of a survey
    alone does not claim a review or focus groups), and the seminar where there are findings."""
    present = [words for link, words in STRAND_WORDS if (Path(reports) / link).is_file()]
    sentence = "How NHS doctors and managers see each other and their roles"
    if not present:
        return sentence + "."
    listed = ", ".join(present)  # no final "and": the last strand's own words have one
    if (Path(reports) / "05_findings.html").is_file():
        together = "brought together" if len(present) > 1 else "presented"
        return f"{sentence}: {listed}, {together} for a findings seminar."
    return f"{sentence}: {listed}."


def skipped_strands(root: Path) -> dict[str, str]:
    """{stage: its input folder} for the stages the last release skipped because their strand was
    absent: the runner records such a stage as publishing nothing (an empty
    ``build/published/<stage>.txt``). The provenance records name the data folder by its last
    part only (no path of this machine), so that folder cannot be looked at again."""
    from helpers import release

    skipped = {}
    for stage, folder in session.STAGE_FOLDERS.items():
        record = Path(root) / release.RECORDS / f"{stage}.txt"
        if record.is_file() and not record.read_text(encoding="utf-8").split():
            skipped[stage] = folder
    return skipped


def _thumbnail(reports: Path, figure: str, link: str) -> str:
    png = reports / "figures" / f"{figure}.png"
    if not png.is_file():
        return ""
    from helpers import outputs

    alt = outputs.figure_description(png.read_bytes()) or f"Figure {figure.replace('_', ' ')}"
    return f'<a href="{_e(link)}"><img src="figures/{_e(png.name)}" alt="{_e(alt)}" loading="lazy"></a>'


def render(
    reports: Path, records: list[dict], now: str, git: dict, data_dir: str | Path | None = None
) -> str:
    """The landing page. ``data_dir``: the release's data folder (its codebook names the
    measures of the headline; the provenance records name a folder outside the project by its
    last part only, so without it only a folder inside the project is found)."""
    found = list_outputs(reports)
    data_dirs = sorted({str(r["parameters"].get("data_dir")) for r in records})
    heading = page_title([str(data_dir)] if data_dir else data_dirs)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(heading)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{_e(heading)}</h1>",
        f"<p>{_e(opening(reports))}</p>",
    ]
    synthetic = [d for d in data_dirs if d and (Path(d) / "SYNTHETIC.md").is_file()]
    if synthetic:
        out.append(
            '<p class="synthetic"><b>SYNTHETIC DATA.</b> Built from the synthetic demonstration folder: '
            "the figures illustrate the method and are not the study's findings.</p>"
        )
    for note in disagreements(records):
        out.append(f'<p class="warn">{_e(note)}</p>')
    out.append('<h2>Each strand at a glance</h2><div class="strands">')
    said = headlines(reports, share_phrases([str(data_dir)] if data_dir else data_dirs))
    absent = {}  # stage -> its input folder, absent from the data folder the stages read
    for folder in _folders(data_dirs):
        absent.update(session.absent_stages(folder))
    if data_dir and Path(data_dir).is_dir():  # the release's own folder (records name it by its last part)
        absent.update(session.absent_stages(data_dir))
    absent = {**skipped_strands(reports.parent), **absent}  # the data folder's own answer first
    for name, figure, link in STRANDS:
        if not (reports / link).is_file():
            stage = link.removesuffix(".html")
            if stage in absent:
                out.append(
                    f'<section class="strand"><h3>{_e(name)}</h3><p>Absent: the data folder has no '
                    f"<code>{_e(absent[stage])}/</code> folder, so this strand was skipped.</p></section>"
                )
            continue
        out.append(f'<section class="strand"><h3><a href="{_e(link)}">{_e(name)}</a></h3>')
        lines, thumbnail = said.get(name, []), _thumbnail(reports, figure, link)
        out += [f"<p>{_e(line)}</p>" for line in lines]
        if not lines and not thumbnail:  # never an empty card
            out.append(f'<p>No headline figure in this run: see <a href="{_e(link)}">the report</a>.</p>')
        out.append(thumbnail + "</section>")
    out.append('</div><h2>Reports, deck and data</h2><dl class="docs">')
    for rel, title, what in DOCUMENTS:
        if (reports / rel).is_file():
            out.append(f'<dt><a href="{_e(rel)}">{_e(title)}</a></dt><dd>{_e(what)}</dd>')
    words = (
        sorted(p for p in (reports / "tables").glob("*_tables.docx")) if (reports / "tables").is_dir() else []
    )
    if words:
        out.append(
            "<dt>Tables in Word</dt><dd>Each report's tables, titled and footnoted, ready to paste: "
            + ", ".join(
                f'<a href="{_e(_rel(p, reports))}">{_e(report_title(p.stem.removesuffix("_tables")))}</a>'
                for p in words
            )
            + ".</dd>"
        )
    executed = (
        sorted((reports / "notebooks").glob("[0-9][0-9]_*.ipynb")) if (reports / "notebooks").is_dir() else []
    )
    if executed:
        out.append(
            "<dt>Executed notebooks</dt><dd>Each report's notebook with its code and outputs, to open in "
            "JupyterLab (<code>make lab</code>) or any notebook viewer: "
            + ", ".join(f'<a href="{_e(_rel(p, reports))}">{_e(report_title(p.stem))}</a>' for p in executed)
            + ".</dd>"
        )
    out.append("</dl>")
    from helpers import checklists

    out.append(
        f"<details><summary>Reporting checklists ({_e(', '.join(checklists.shown(absent)) or 'none')}): "
        "where each item is reported, and what the team still has to fill</summary>"
        + checklists.render(reports, absent)
        + "</details>"
    )
    commit = git.get("commit") or "unknown"
    out.append("<details><summary>Every file, and the provenance of this run</summary>")
    out.append(
        f"<p>Index written {_e(now)} from code <code>{_e(commit)}</code>"
        f"{' <b>with uncommitted changes</b>' if git.get('dirty') else ''}; "
        f"data folder{'s' if len(data_dirs) > 1 else ''}: "
        + ", ".join(f"<code>{_e(d)}</code>" for d in data_dirs)
        + ".</p>"
    )
    for section, items in found.items():
        if not items:
            continue
        out.append(f"<h3>{_e(section)}</h3><ul>")
        out += [
            f'<li><a href="{_e(_rel(p, reports))}">{_e(_rel(p, reports))}</a> ({p.stat().st_size:,} bytes)</li>'
            for p in items
        ]
        out.append("</ul>")
    out.append(
        '<h3>Provenance</h3><h4>Stages</h4><div class="scroll"><table><tr><th>stage</th><th>ran at (UTC)</th><th>commit</th>'
        "<th>uncommitted changes</th><th>data folder</th><th>inputs</th></tr>"
    )
    for r in records:
        out.append(
            f"<tr><td>{_e(r['stage'])}</td><td>{_e(r['ran_at'])}</td><td><code>{_e((r['code'].get('commit') or 'unknown')[:12])}</code></td>"
            f"<td>{_e({True: 'yes', False: 'no'}.get(r['code'].get('dirty'), 'unknown'))}</td>"
            f"<td><code>{_e(r['parameters'].get('data_dir'))}</code></td><td>{len(r['inputs'])}</td></tr>"
        )
    out.append(
        '</table></div><h4>Input files (SHA-256)</h4><div class="scroll"><table><tr><th>file</th><th>bytes</th><th>SHA-256</th><th>read by</th></tr>'
    )
    for row in inputs_table(records):
        out.append(
            f"<tr><td><code>{_e(row['path'])}</code></td><td>{row['bytes']}</td><td><code>{_e(row['sha256'])}</code></td>"
            f"<td>{_e(', '.join(row['stages']))}</td></tr>"
        )
    out.append(
        '</table></div><h4>Package versions</h4><div class="scroll"><table><tr><th>package</th><th>version</th></tr>'
    )
    packages: dict[str, set] = {}
    for r in records:
        for k, v in r["packages"].items():
            packages.setdefault(k, set()).add(v)
    out += [
        f"<tr><td>{_e(k)}</td><td>{_e(' / '.join(sorted(v)))}</td></tr>" for k, v in sorted(packages.items())
    ]
    out.append("</table></div><h4>Parameters</h4>")
    params = records[-1]["parameters"] if records else {}
    out.append(
        f"<p>As recorded by stage <code>{_e(records[-1]['stage']) if records else '-'}</code>:</p>"
        f"<pre>{_e(json.dumps(params, indent=2, sort_keys=True, default=str))}</pre>"
    )
    if not records:
        out.append('<p class="warn">No provenance records: no stage has run.</p>')
    out.append("</details></body></html>")
    return "\n".join(out) + "\n"


def write_index(data_dir: str | Path | None = None) -> Path:
    """Write reports/index.html; ``data_dir``: the release's data folder (:func:`render`)."""
    reports = paths.reports()
    records = load_records(reports / "provenance")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    page = render(reports, records, now, provenance.git_state(), data_dir=data_dir)
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
