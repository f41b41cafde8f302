"""Benchmark the pipeline (issue 8) and print a table; ``make bench`` runs it.

Nothing here touches the real workspace: the committed tree (``git archive HEAD``; or the work
tree with ``--worktree``) is copied to a scratch folder, ``.venv`` is shared through a symlink,
and ``PYTHONPATH`` points at the copy's ``src`` so the kernels import the copy's helpers. The
scratch folder is ``<scratch>/main`` beside a ``<scratch>/shared`` link to ``../shared``, so
the tests that read ``../shared/fixtures`` run as they do in the real tree.

Measured (wall-clock seconds, and CPU seconds of the processes started, from ``os.wait4``):

1. ``make all`` on the demo data with a warm environment, once from empty outputs;
2. side by side, alternated ``PAIRS`` times so both see the same load: ``make all`` with every
   stage stale (stamps removed) and the floor, the same notebooks' code cells run in one plain
   Python process (bench/run_notebooks_bare.py); the median ratio pipeline/floor is the
   pipeline's overhead;
3. a no-op ``make all`` (median of 3);
4. one strand's input changed: ``make all DATA=<copy of data/raw/demo>``, then one file of
   ``<copy>/survey`` touched, and which stages reran (only 02, 03 and 05 may);
5. survey scale: read + clean + every %-agree table + the per-item chi-square tests on
   synthetic exports (helpers.survey.synthetic_large) of 10,000, 100,000 and 1,500,000
   responses, each in its own process (bench/scale_worker.py): time, peak RSS, growth;
6. ``make test`` (and ``make test-all`` with ``--test-all``).

    .venv/bin/python bench/run_benchmarks.py [--skip-test] [--skip-scale] [--sizes 10000,100000]

Results are also written as JSON to ``build/bench/results.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10_000, 100_000, 1_500_000)
TARGETS = {"overhead": 1.5, "noop_s": 1.0, "scale_s": 60.0, "scale_gb": 4.0, "test_s": 90.0}
PAIRS = 2  # pipeline and floor runs, alternated
RAN = re.compile(r"^(\S+): ran in ([0-9.]+) s", re.MULTILINE)


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, log: Path | None = None) -> dict:
    """Run ``cmd``; wall time, CPU time and peak RSS of the process tree's largest member."""
    out = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT if log else None)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    text = log.read_text(encoding="utf-8") if log else ""
    if proc.returncode != 0:
        tail = "\n".join(text.splitlines()[-30:])
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}) in {cwd}:\n{tail}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "output": text,
    }


def prepare_scratch(scratch: Path, worktree: bool) -> Path:
    """Copy the repository into ``scratch/main``; share .venv; link ../shared."""
    tree = scratch / "main"
    tree.mkdir(parents=True)
    if worktree:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
        for name in filter(None, listed):
            source = ROOT / name.decode()
            if source.is_file():
                target = tree / name.decode()
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    else:
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT.parent / "shared").is_dir():
        (scratch / "shared").symlink_to(ROOT.parent / "shared")
    # The shared environment must look up to date to make: never reinstall it from here.
    stamp = ROOT / ".venv" / ".installed"
    if stamp.is_file():
        older = stamp.stat().st_mtime - 60
        for name in ("requirements.lock", "pyproject.toml", "environment.yml"):
            if (tree / name).exists():
                os.utime(tree / name, (older, older))
    vendor = ROOT / "build" / "vendor"  # downloaded once by make (e.g. the slides' reveal.js wheel)
    if vendor.is_dir():
        shutil.copytree(vendor, tree / "build" / "vendor")
    return tree


def environment(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPERS_", "MAKE", "MFLAGS"))}
    env["PYTHONPATH"] = str(tree / "src")
    env["MPLBACKEND"] = "Agg"
    return env


def check_isolated(tree: Path, env: dict[str, str]) -> None:
    probe = subprocess.run(
        [str(tree / ".venv/bin/python"), "-c", "import helpers, sys; print(helpers.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not probe.startswith(str(tree)):
        raise RuntimeError(f"the scratch copy imports helpers from {probe}, not from {tree}/src")
    up_to_date = subprocess.run(["make", "-q", ".venv/.installed"], cwd=tree, env=env)
    if up_to_date.returncode != 0:
        raise RuntimeError(
            "make thinks the shared .venv is out of date in the scratch copy; refusing to reinstall it"
        )


def make(tree: Path, env: dict[str, str], log: Path, *args: str) -> dict:
    result = run(["make", "--no-print-directory", *args], tree, env, log)
    result["ran"] = sorted(name for name, _ in RAN.findall(result["output"]))
    result["stage_s"] = {name: float(seconds) for name, seconds in RAN.findall(result["output"])}
    return result


def every_stage_stale(tree: Path) -> None:
    """Make every stage stale as an edit would (the stamps are what make compares; touching a
    notebook no longer counts once staleness is by content, decisions.md 2)."""
    for stamp in (tree / "build" / "stamps").glob("*"):
        stamp.unlink()


def floor_run(tree: Path, env: dict[str, str], log: Path) -> dict:
    workspace = tree / "build" / "bench_floor"
    shutil.rmtree(workspace, ignore_errors=True)
    floor = run(
        [
            str(tree / ".venv/bin/python"),
            str(ROOT / "bench" / "run_notebooks_bare.py"),
            str(tree / "data/raw/demo"),
            str(tree / "params.yaml"),
            str(workspace),
        ],
        tree,
        env,
        log,
    )
    floor["detail"] = json.loads(floor["output"].strip().splitlines()[-1])
    return floor


def bench_pipeline(tree: Path, env: dict[str, str], logs: Path, pairs: int = PAIRS) -> dict:
    res: dict = {}
    res["make_all_first"] = make(tree, env, logs / "make_all_first.log", "all")
    # Pipeline and floor side by side: alternated, so both see the same load on a shared machine.
    res["warm"], res["floors"] = [], []
    for i in range(pairs):
        every_stage_stale(tree)
        res["warm"].append(make(tree, env, logs / f"make_all_warm_{i}.log", "all"))
        res["floors"].append(floor_run(tree, env, logs / f"floor_{i}.log"))
    res["noop"] = [make(tree, env, logs / f"noop_{i}.log", "all") for i in range(3)]
    copy = tree.parent / "data_copy"
    shutil.copytree(tree / "data/raw/demo", copy)
    res["data_copy_full"] = make(tree, env, logs / "data_copy_full.log", "all", f"DATA={copy}")
    export = sorted((copy / "survey").glob("*.csv"))[0]
    export.touch()
    res["data_copy_survey_touched"] = make(tree, env, logs / "data_copy_survey.log", "all", f"DATA={copy}")
    res["data_copy_survey_touched"]["touched"] = f"survey/{export.name}"
    return res


def bench_scale(tree: Path, env: dict[str, str], logs: Path, sizes, scratch: Path) -> list[dict]:
    rows = []
    python = str(tree / ".venv/bin/python")
    for n in sizes:
        folder = scratch / f"export_{n}"
        gen = run(
            [
                python,
                "-c",
                "import sys; from helpers.survey import synthetic_large as s; "
                "s.write_large_export(sys.argv[1], int(sys.argv[2]))",
                str(folder),
                str(n),
            ],
            tree,
            env,
            logs / f"generate_{n}.log",
        )
        work = run(
            [python, str(ROOT / "bench" / "scale_worker.py"), str(folder)], tree, env, logs / f"scale_{n}.log"
        )
        detail = json.loads(work["output"].strip().splitlines()[-1])
        size_mb = (folder / "survey" / "survey_export.csv").stat().st_size / 2**20
        rows.append(
            {
                "n": n,
                "export_mb": size_mb,
                "generate_s": gen["wall_s"],
                "wall_s": work["wall_s"],
                "cpu_s": work["cpu_s"],
                "peak_rss_mb": work["peak_rss_mb"],
                "detail": detail,
            }
        )
        shutil.rmtree(folder)
    return rows


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1]) / 2**20
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        float("nan"),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem, 1),
        "python": platform.python_version(),
        "load_before": os.getloadavg(),
    }


def table(results: dict) -> str:
    lines = []

    def add(what, value, target="", verdict=""):
        lines.append(f"| {what} | {value} | {target} | {verdict} |")

    def ok(flag):
        return "met" if flag else "MISSED"

    p = results.get("pipeline")
    if p:
        add(
            "`make all`, demo data, warm env, from empty outputs",
            f"{p['make_all_first']['wall_s']:.1f} s (CPU {p['make_all_first']['cpu_s']:.1f} s)",
        )
        ratios = []
        for i, (warm, floor) in enumerate(zip(p["warm"], p["floors"]), 1):
            ratios.append((warm["wall_s"] / floor["wall_s"], warm["cpu_s"] / floor["cpu_s"]))
            add(
                f"pair {i}: `make all`, every stage stale",
                f"{warm['wall_s']:.1f} s (CPU {warm['cpu_s']:.1f} s); ran {len(warm['ran'])} stages: "
                + ", ".join(f"{k[:2]} {v:.1f}" for k, v in sorted(warm["stage_s"].items())),
            )
            add(
                f"pair {i}: floor, the notebooks' code in one Python process",
                f"{floor['wall_s']:.1f} s (CPU {floor['cpu_s']:.1f} s); "
                + ", ".join(f"{k[:2]} {v:.1f}" for k, v in floor["detail"]["notebooks"].items()),
            )
        wall = statistics.median(r[0] for r in ratios)
        add(
            f"pipeline / floor (median of {len(ratios)} pairs)",
            f"{wall:.2f}x wall (pairs: {', '.join(f'{r[0]:.2f}' for r in ratios)}); "
            f"CPU {statistics.median(r[1] for r in ratios):.2f}x",
            f"<= {TARGETS['overhead']}x",
            ok(wall <= TARGETS["overhead"]),
        )
        noop = statistics.median(r["wall_s"] for r in p["noop"])
        ran = sorted({s for r in p["noop"] for s in r["ran"]})
        add(
            "no-op `make all` (median of 3)",
            f"{noop:.2f} s; stages run: {', '.join(ran) or 'none'}",
            f"<= {TARGETS['noop_s']:g} s",
            ok(noop <= TARGETS["noop_s"] and not ran),
        )
        full, touched = p["data_copy_full"], p["data_copy_survey_touched"]
        expected = {"02_survey_cleaning", "03_attitude_analysis", "05_findings"}
        add(
            "`make all DATA=<copy>` (new data folder: all rerun)",
            f"{full['wall_s']:.1f} s; ran {', '.join(s[:2] for s in full['ran'])}",
        )
        add(
            f"then `{touched['touched']}` touched",
            f"{touched['wall_s']:.1f} s; ran {', '.join(touched['ran'])}",
            "only 02, 03, 05",
            ok(set(touched["ran"]) == expected),
        )
    for row in results.get("scale", []):
        d = row["detail"]["seconds"]
        big = row["n"] >= 1_500_000
        add(
            f"survey scale, {row['n']:,} responses ({row['export_mb']:.0f} MB export)",
            f"{d['total']:.1f} s (read {d['read']:.1f}, clean {d['clean']:.1f}, %-agree {d['agree_tables']:.1f}, "
            f"chi-square {d['chi_square']:.1f}, imports {d['import']:.1f}); peak RSS {row['peak_rss_mb'] / 1024:.2f} GB",
            f"<= {TARGETS['scale_s']:g} s, <= {TARGETS['scale_gb']:g} GB" if big else "",
            ok(d["total"] <= TARGETS["scale_s"] and row["peak_rss_mb"] / 1024 <= TARGETS["scale_gb"])
            if big
            else "",
        )
    scale = results.get("scale", [])
    for a, b in zip(scale, scale[1:]):
        rows_ratio = b["n"] / a["n"]

        def work(r):
            return r["detail"]["seconds"]["total"] - r["detail"]["seconds"]["import"]

        def per_row(r):
            return 1e6 * work(r) / r["n"]

        add(
            f"growth {a['n']:,} -> {b['n']:,} (rows x{rows_ratio:g})",
            f"time x{work(b) / work(a):.1f} (excluding imports; {per_row(a):.0f} -> {per_row(b):.0f} us/response), "
            f"peak RSS x{b['peak_rss_mb'] / a['peak_rss_mb']:.1f}",
            "linear",
            "linear or better" if work(b) / work(a) <= rows_ratio * 1.1 else "SUPER-LINEAR",
        )
    if scale:
        add(
            "generating the exports (helpers.survey.synthetic_large)",
            ", ".join(f"{r['n']:,}: {r['generate_s']:.1f} s" for r in scale),
        )
    for key, target in (("test", "make test"), ("test_all", "make test-all")):
        t = results.get(key)
        if not t:
            continue
        summary = next(
            (line for line in reversed(t["output"].splitlines()) if " passed" in line or " failed" in line),
            "",
        )
        add(
            f"`{target}`",
            f"{t['wall_s']:.0f} s (CPU {t['cpu_s']:.0f} s); {summary.strip('= ')}",
            f"<= {TARGETS['test_s']:g} s" if key == "test" else "",
            ok(t["wall_s"] <= TARGETS["test_s"]) if key == "test" else "",
        )
    head = ["| measure | result | target | |", "|---|---|---|---|"]
    return "\n".join(head + lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--worktree", action="store_true", help="copy the work tree (uncommitted files too), not HEAD"
    )
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-test", action="store_true")
    parser.add_argument("--test-all", action="store_true", help="also time `make test-all` (long)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated export sizes")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (printed)")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="bench_"))
    logs = ROOT / "build" / "bench" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    results: dict = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" + work tree" if args.worktree else ""),
        "machine": machine(),
    }
    try:
        tree = prepare_scratch(scratch, args.worktree)
        env = environment(tree)
        check_isolated(tree, env)
        print(f"scratch copy: {tree} (logs in {logs})", flush=True)
        if not args.skip_pipeline:
            results["pipeline"] = bench_pipeline(tree, env, logs)
            print("pipeline measured", flush=True)
        if not args.skip_scale:
            sizes = [int(s) for s in args.sizes.split(",") if s]
            results["scale"] = bench_scale(tree, env, logs, sizes, scratch)
            print("scale measured", flush=True)
        if not args.skip_test:
            results["test"] = run(["make", "--no-print-directory", "test"], tree, env, logs / "make_test.log")
        if args.test_all:
            results["test_all"] = run(
                ["make", "--no-print-directory", "test-all"], tree, env, logs / "make_test_all.log"
            )
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    results["machine"]["load_after"] = os.getloadavg()
    m = results["machine"]
    print(
        f"\nBenchmark {results['date']}, commit {results['commit']}; {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gb']} GB; load average before {m['load_before'][0]:.1f}, after {m['load_after'][0]:.1f}\n"
    )
    print(table(results))
    out = ROOT / "build" / "bench" / "results.json"
    slim = json.loads(json.dumps(results, default=str))
    for section in (slim.get("pipeline") or {}).values():  # lists of runs, or one run
        for r in section if isinstance(section, list) else [section]:
            r.pop("output", None)
    for key in ("test", "test_all"):
        if slim.get(key):
            slim[key].pop("output", None)
    out.write_text(json.dumps(slim, indent=2) + "\n", encoding="utf-8")
    print(f"\n(written to {out.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
