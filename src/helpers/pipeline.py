"""The runner behind ``make all``: every stale stage in one process, one release published once.

    python -m helpers.pipeline release --data data/raw/demo [STALE ...]   # what `make all` calls
    python -m helpers.pipeline run notebooks/02_survey_cleaning.ipynb --data data/raw/demo

Make decides what is stale (``build/stamps/<stage>``: a stale stage's stamp is removed by its
make rule) and hands the list to ``release`` in one call. Under the workspace lock the runner
adds the stages downstream of a stale one, runs them in dependency order, independent stages
side by side (one kernel each, up to the number of cores; a free core starts the kernel of a
stage still waiting for another and does its imports: helpers.kernels), builds the seminar
deck and the index page in the same process, audits the whole staged release (``build/release/``: the new
outputs beside the unchanged ones) and only then publishes it in one unit (helpers.release).
A failed stage or audit publishes nothing: every previous output stays byte-identical, the
first line of the message is the error itself, and the full traceback goes to
``build/logs/<stage>.log``; the half-run stage stays in ``build/staging/<stage>/``.

Exit codes: 0 success (or nothing to do), 1 a stage, the deck, the audit or publishing
failed (make then reports the failed recipe and exits 2).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from helpers import imports, kernels, paths, release, session

BUILD = "build"


def stage_name(notebook: Path) -> str:
    return Path(notebook).stem


def _render_html(nb, target: Path) -> None:
    # The offline report template (no CDN scripts, figure alt texts, scrolling tables).
    from helpers import report_html

    report_html.render(nb, target)


STAMPS = Path(BUILD) / "stamps"
DATA_STAMP = Path(BUILD) / "data_dir.txt"
# The parameters file of the published release: another file (PARAMS=) reruns everything, as
# another data folder does (its modification time alone says nothing: it may be older).
PARAMS_STAMP = Path(BUILD) / "params_file.txt"
LOGS = Path(BUILD) / "logs"
# The last stage reads every other stage's outputs; the deck and the index are built from it.
FINAL = "05_findings"
DECK = "_deck_and_index"
# What each stage reads from earlier stages besides FINAL's "everything" (the Makefile's
# stage rules say the same; tests/test_runner.py checks that they agree).
DEPENDS = {"03_attitude_analysis": ("02_survey_cleaning",)}


class StageFailed(RuntimeError):
    """A stage, the deck, the index or the audit failed; ``str`` is the one-line reason."""

    def __init__(self, stage: str, reason: str, log: Path | None = None):
        super().__init__(f"{stage}: {reason}")
        self.stage, self.reason, self.log = stage, reason, log


class NoStrand(ValueError):
    """The data folder holds no strand at all (:func:`helpers.session.no_strand`): nothing runs."""


def stages() -> list[str]:
    """Every stage, in order: the notebooks ``notebooks/NN_*.ipynb``."""
    return [stage_name(p) for p in sorted((paths.project_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def upstream(stage: str, every: list[str]) -> set[str]:
    """The stages whose outputs ``stage`` reads, directly or through another stage."""
    direct = [s for s in every if s != stage] if stage == FINAL else list(DEPENDS.get(stage, ()))
    found: set[str] = set()
    for s in direct:
        if s in every and s not in found:
            found |= {s} | upstream(s, every)
    return found


def downstream(chosen: set[str], every: list[str]) -> set[str]:
    return {s for s in every if upstream(s, every) & chosen}


def _log_failure(root: Path, stage: str, exc: BaseException) -> tuple[str, Path]:
    """The one-line reason (the notebook's own error, e.g. InputError naming file, row and
    column) and the log file holding the full traceback."""
    import traceback

    log = root / LOGS / f"{stage}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(traceback.format_exception(exc))
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename is not None:  # papermill.PapermillExecutionError: the kernel's exception
        import re

        kernel_tb = "\n".join(getattr(exc, "traceback", []) or [])
        text = re.sub(r"\x1b\[[0-9;]*m", "", kernel_tb) + "\n\n" + text
        reason = f"{ename}: {evalue}"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    kernel_log = root / LOGS / f"{stage}.kernel.log"
    if kernel_log.is_file() and kernel_log.stat().st_size:  # the kernel's own stderr, if it said anything
        text += f"\n\nThe kernel's stderr ({kernel_log.name}):\n" + kernel_log.read_text(errors="replace")
    log.write_text(text, encoding="utf-8")
    return reason.strip(), log


def _stage_kernel(stage: str, root: Path, staged_release: Path) -> dict:
    """Where a stage's kernel runs: its environment (the staged release it reads, the staging
    folder it writes), the working directory and the log file for the kernel's own stderr."""
    staged = root / BUILD / "staging" / stage
    kernel_log = root / LOGS / f"{stage}.kernel.log"
    kernel_log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HELPERS_WORKSPACE": str(staged_release), "HELPERS_STAGING": str(staged)}
    return {"env": env, "cwd": str(paths.project_root()), "log": kernel_log}


def _notebook(stage: str) -> Path:
    return paths.project_root() / "notebooks" / f"{stage}.ipynb"


def _warm(stage: str, root: Path, staged_release: Path):
    """Start ``stage``'s kernel, with its imports done, before its turn (helpers.kernels)."""
    where = _stage_kernel(stage, root, staged_release)
    stderr = open(where["log"], "w", encoding="utf-8")  # closed when the stage has run
    try:
        return kernels.warm(_notebook(stage), where["env"], where["cwd"], stderr), stderr
    except BaseException:
        stderr.close()
        raise


def _discard(warming) -> None:
    """Kill a warm kernel whose stage did not run (a failure upstream stopped the release)."""
    try:
        km, stderr = warming.result()
    except Exception:  # it never started; nothing to stop
        return
    try:
        kernels.kill(km)
    finally:
        stderr.close()


def _execute(stage: str, root: Path, staged_release: Path, data_dir: str, params_file: str, warming=None):
    """Run one notebook into ``build/staging/<stage>``, reading earlier stages' outputs from the
    staged release, in its warm kernel if ``warming`` (a future of ``_warm``) started one, else
    in a fresh kernel. Returns the staging folder and the executed notebook."""
    staged = root / BUILD / "staging" / stage
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    executed = staged / BUILD / "executed" / f"{stage}.ipynb"
    executed.parent.mkdir(parents=True)
    where = _stage_kernel(stage, root, staged_release)
    km = None
    if warming is not None:
        try:
            km, stderr = warming.result()
        except Exception:  # a cold kernel meets the same problem and reports it
            km = None
    if km is None:
        stderr = open(where["log"], "w", encoding="utf-8")
    parameters = {"data_dir": str(paths.resolve(data_dir)), "params_file": str(paths.resolve(params_file))}
    try:
        with stderr:
            nb = kernels.execute(
                _notebook(stage),
                executed,
                parameters,
                env=where["env"],
                cwd=where["cwd"],
                stderr=stderr,
                km=km,
            )
    finally:
        if km is not None and km.has_kernel:  # papermill stopped before it took the kernel over
            kernels.kill(km)
    return staged, nb


def _write_reports(nb, stage: str, root: Path, staged_release: Path, data_dir: str) -> list[str]:
    """A finished stage's HTML report and its published notebook, written into the staged
    release; returns their paths. Nothing downstream reads them, so they are written while the
    next stages run, off the critical path."""
    from helpers import published_notebooks

    report = f"reports/{stage}.html"
    _render_html(nb, staged_release / report)
    # The executed notebook, published beside its report (linked from the landing page): only
    # what the report shows, and no absolute path of this machine (helpers.published_notebooks).
    notebook = f"{published_notebooks.FOLDER}/{stage}.ipynb"
    published_notebooks.write(
        nb,
        staged_release / notebook,
        forbidden=[str(paths.project_root()), str(paths.resolve(data_dir)), str(root.resolve())],
    )
    return [report, notebook]


def _merge(staged: Path, staged_release: Path, stage: str) -> list[str]:
    """Move a finished stage's outputs into the staged release and record them."""
    new = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file())
    for rel in new:
        (staged_release / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged / rel, staged_release / rel)
    _write_record(staged_release, stage, new)
    shutil.rmtree(staged, ignore_errors=True)
    return new


def _write_record(staged_release: Path, name: str, files: list[str]) -> None:
    record = staged_release / release.RECORDS / f"{name}.txt"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text("\n".join(files) + "\n", encoding="utf-8")


def _run_stages(
    order: list[str], every: list[str], root: Path, staged_release: Path, data_dir, params_file, jobs, say
):
    """Run ``order`` respecting dependencies, up to ``jobs`` kernels busy at once; stop at the
    first failure.

    A free core goes to the most important piece of work: a stage whose inputs are ready, or
    warming the kernel of a stage whose inputs are still being computed (helpers.kernels), so
    that its start-up and imports are done when its turn comes. Stages with more stages waiting
    on them come first; warming a stage's kernel comes just before running a stage with as many
    waiting on it (it shortens the longest chain). A stage's report is rendered in a thread of
    its own while later stages run."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    # Imported once here, before the threads (a first import must not race with another), and
    # without jsonschema's IRI checker, which nbformat's validator would otherwise pull in.
    with imports.without_iri_checker():
        import papermill  # noqa: F401
        import papermill.engines  # noqa: F401
    from helpers import published_notebooks, report_html  # noqa: F401 (imported before the threads)

    todo = list(order)
    in_order = set(order)
    # Longest chains first: a stage with more stages waiting on it starts earlier.
    weight = {s: len(downstream({s}, every) & in_order) for s in order}
    running: dict = {}
    warming: dict = {}  # stage -> future of its warm kernel
    rendering: dict = {}
    done: set[str] = set()
    failure = None

    def failed(stage: str, exc: BaseException) -> None:
        nonlocal failure
        if failure is None:  # keep the first failure; let the others finish
            reason, log = _log_failure(root, stage, exc)
            failure = StageFailed(stage, reason, log)

    def next_work() -> list[tuple[str, str]]:
        started = set(running.values())
        work = []
        for s in todo:
            waiting_for = upstream(s, every) & in_order - done
            if not waiting_for:
                work.append((-weight[s], 1, s, "run"))
            elif s not in warming and waiting_for <= started:
                work.append((-weight[s] - 0.5, 0, s, "warm"))
        return [(s, kind) for *_, s, kind in sorted(work)]

    # Rendering is pure Python (it holds the GIL), so one thread does it all, in finishing order.
    with (
        ThreadPoolExecutor(max_workers=jobs) as pool,
        ThreadPoolExecutor(max_workers=jobs) as warmer,
        ThreadPoolExecutor(max_workers=1) as renderer,
    ):
        try:
            while todo or running:
                warm_pending = {f for s, f in warming.items() if s in todo and not f.done()}
                # One piece at a time: starting a stage can make its successor's kernel warmable.
                while failure is None and len(running) + len(warm_pending) < jobs and (work := next_work()):
                    s, kind = work[0]
                    if kind == "warm":
                        warming[s] = warmer.submit(_warm, s, root, staged_release)
                        warm_pending.add(warming[s])
                        continue
                    todo.remove(s)
                    job = pool.submit(
                        _timed, _execute, s, root, staged_release, data_dir, params_file, warming.get(s)
                    )
                    running[job] = s
                if not running:
                    break
                finished, _ = wait(set(running) | warm_pending, return_when=FIRST_COMPLETED)
                for future in finished & set(running):
                    s = running.pop(future)
                    try:
                        (staged, nb), seconds = future.result()
                    except Exception as exc:
                        failed(s, exc)
                        continue
                    files = _merge(staged, staged_release, s)
                    done.add(s)
                    say(f"{s}: ran in {seconds:.1f} s, staged {len(files)} files")
                    job = renderer.submit(_write_reports, nb, s, root, staged_release, data_dir)
                    rendering[job] = (s, files)
        finally:
            for s in todo:  # stages that never ran: their warm kernels are stopped
                if s in warming:
                    _discard(warming[s])
        for job, (s, files) in rendering.items():
            try:
                _write_record(staged_release, s, sorted(files + job.result()))
            except Exception as exc:
                failed(s, exc)
    if failure is not None:
        raise failure


def _timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def _build_deck_and_index(staged_release: Path, data_dir: str | None = None) -> list[str]:
    """The seminar deck and the index page of the staged release, in this process (``data_dir``:
    the release's data folder, whose codebook names the index's headline measure)."""
    from helpers import report_index, slides

    deck = f"reports/{FINAL}_slides.html"
    slides.build(staged_release / BUILD / "executed" / f"{FINAL}.ipynb", staged_release / deck)
    saved = {k: os.environ.get(k) for k in ("HELPERS_WORKSPACE", "HELPERS_STAGING")}
    os.environ["HELPERS_WORKSPACE"] = os.environ["HELPERS_STAGING"] = str(staged_release)
    try:
        report_index.write_index(paths.resolve(data_dir) if data_dir else None)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return [deck, "reports/index.html"]


def run_release(
    requested: list[str] | None,
    data_dir: str,
    params_file: str = "params.yaml",
    *,
    only: bool = False,
    force: bool = False,
    deck: bool | None = None,
    jobs: int | None = None,
    what: str = "make all",
    stream=None,
) -> list[str]:
    """Stage, audit and publish one release; return the stages that ran.

    ``requested``: stages make found stale (None: every stage). A requested stage reruns when
    its stamp is missing (make removed it) or ``force``; its stale upstream stages rerun too,
    and, unless ``only``, every stage downstream of one that reruns. A data folder other than
    the published one, or a parameters file other than the published one's, reruns everything.
    The deck and index are rebuilt when the final stage reruns or ``deck`` is true; ``deck=False`` never builds them."""
    stream = stream or sys.stdout

    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    root = paths.workspace()
    every = stages()
    requested = every if requested is None else [s for s in every if s in set(requested)]
    data_abs = os.path.abspath(paths.resolve(data_dir))
    params_abs = os.path.abspath(paths.resolve(params_file))
    jobs = jobs or len(os.sched_getaffinity(0))
    empty = session.missing_folder(data_dir) or session.no_strand(data_dir)  # make check: same words
    if empty:
        raise NoStrand(empty)
    with release.workspace_lock(root, what):
        release.recover(root)
        stamp = root / DATA_STAMP
        params_stamp = root / PARAMS_STAMP
        same_data = stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == data_abs
        same_params = (
            params_stamp.is_file() and params_stamp.read_text(encoding="utf-8").strip() == params_abs
        )
        if force:
            run = set(requested)
        elif not (same_data and same_params):
            run = set(every)  # the published outputs came from another data folder or parameters
        else:
            wanted = set(requested).union(*(upstream(s, every) for s in requested))
            run = {s for s in wanted if not (root / STAMPS / s).exists()}
        if not only:
            run |= downstream(run, every)
        order = [s for s in every if s in run]
        # A stage whose strand is absent from the data folder is skipped with a note; its
        # previously published outputs (another data folder's) are withdrawn with this release.
        absent = {s: f for s, f in session.absent_stages(data_dir).items() if s in order}
        order = [s for s in order if s not in absent]
        build_deck = deck is not False and (FINAL in run or bool(deck))
        if not order and not absent and not build_deck:
            say("release: nothing to do")
            return []
        started = time.time()
        staged_release = root / release.RELEASE
        shutil.rmtree(staged_release, ignore_errors=True)
        staged_release.mkdir(parents=True)
        keep = [s for s in every if s not in run] + ([] if build_deck else [DECK])
        for name in keep:  # unchanged outputs, so the audit and later stages see the whole release
            listed = release.read_record(root, name)
            for rel in listed:
                if (root / rel).is_file():
                    release.link_or_copy(root / rel, staged_release / rel)
            if listed:
                _write_record(staged_release, name, listed)
        say(f"release: running {', '.join(order) or 'no stage'} ({jobs} at a time)")
        for s, folder in absent.items():
            _write_record(staged_release, s, [])
            say(session.absent_note(s, folder))
        _run_stages(order, every, root, staged_release, data_dir, params_file, jobs, say)
        changed = list(order) + list(absent)
        if build_deck:
            try:
                _write_record(staged_release, DECK, _build_deck_and_index(staged_release, data_dir))
            except Exception as exc:
                reason, log = _log_failure(root, DECK, exc)
                raise StageFailed("deck and index", reason, log) from exc
            changed.append(DECK)
        try:
            say(release.audit(staged_release, params_file))
        except Exception as exc:
            reason, log = _log_failure(root, "audit", exc)
            raise StageFailed("audit", reason, log) from exc
        new = {rel for name in changed for rel in release.read_record(staged_release, name)}
        new |= {(release.RECORDS / f"{name}.txt").as_posix() for name in changed}
        old = {rel for name in changed for rel in release.read_record(root, name)}
        count = release.publish(staged_release, root, new, old - new)
        if not same_data or not stamp.is_file():
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(data_abs + "\n", encoding="utf-8")
        if not same_params:
            params_stamp.parent.mkdir(parents=True, exist_ok=True)
            params_stamp.write_text(params_abs + "\n", encoding="utf-8")
        for s in [*order, *absent]:  # what make compares: the time this run started reading its inputs
            target = root / STAMPS / s
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
            os.utime(target, (started, started))
        shutil.rmtree(staged_release, ignore_errors=True)
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF)
        kernels = resource.getrusage(resource.RUSAGE_CHILDREN)
        say(
            f"release: published {count} files from {len(order)} stage(s)"
            + (", deck and index" if build_deck else "")
            + f" in {time.time() - started:.1f} s (CPU: runner {own.ru_utime + own.ru_stime:.1f} s,"
            f" kernels {kernels.ru_utime + kernels.ru_stime:.1f} s)"
        )
        return order


def run_stage(notebook: str | Path, data_dir: str, params_file: str = "params.yaml") -> Path:
    """Run one notebook on ``data_dir`` and publish its outputs (a release of that stage alone)."""
    stage = stage_name(Path(notebook))
    run_release(
        [stage], data_dir, params_file, only=True, force=True, deck=False, jobs=1, what=f"run {stage}"
    )
    return paths.workspace() / BUILD / "executed" / f"{stage}.ipynb"


def _explain(exc: Exception) -> str:
    """The message for a failed release: the reason first, then what happened to the outputs."""
    if isinstance(exc, StageFailed):
        where = {"audit": "the audit", "deck and index": "the deck or index"}.get(
            exc.stage, f"stage {exc.stage}"
        )
        lines = [
            f"FAILED: {exc.stage}: {exc.reason}",
            f"Nothing was published ({where} failed): every previous output is unchanged.",
        ]
        if exc.log is not None:
            lines.append(f"Full traceback: {_shown(exc.log)}")
        if exc.stage not in ("audit", "deck and index"):
            lines.append(f"The partial run is in {BUILD}/staging/{exc.stage}/")
        else:
            lines.append(f"The staged release is in {release.RELEASE}/ for inspection.")
        return "\n".join(lines)
    if isinstance(exc, NoStrand):
        return f"FAILED: {exc}\nNothing was run or published: every previous output is unchanged."
    if isinstance(exc, release.PublishError):
        return f"FAILED: publishing: {exc}"
    return f"FAILED: {type(exc).__name__}: {exc}\nNothing was published: every previous output is unchanged."


def _shown(path: Path) -> str:
    root = paths.workspace()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("release", help="stage, audit and publish the stale stages (what `make all` calls)")
    rel.add_argument("stale", nargs="*", help="make's list ($?): stamps build/stamps/<stage>, other files")
    rel.add_argument("--data", required=True, help="input folder laid out like data/raw/demo")
    rel.add_argument("--params", default="params.yaml")
    rel.add_argument(
        "--only", action="store_true", help="these stages (and stale upstream ones), not downstream"
    )
    rel.add_argument("--jobs", type=int, default=None, help="kernels at once (default: the number of cores)")
    run = sub.add_parser("run", help="run one notebook stage and publish its outputs")
    run.add_argument("notebook")
    run.add_argument("--data", required=True, help="input folder laid out like data/raw/demo")
    run.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            run_stage(args.notebook, args.data, args.params)
        else:
            names = [
                Path(p).name for p in args.stale if Path(p).parent.as_posix().endswith(STAMPS.as_posix())
            ]
            others = [p for p in args.stale if Path(p).name not in names]
            run_release(
                names,
                args.data,
                args.params,
                only=args.only,
                deck=bool(others) or None,
                jobs=args.jobs,
                what="make " + ("all" if not args.only else " ".join(names)),
            )
    except (StageFailed, release.PublishError, OSError, ValueError) as exc:
        print(_explain(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
