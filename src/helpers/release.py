"""One release, published once (decisions.md 1): the workspace lock and the publishing journal.

A ``make all`` stages every stale stage into one release folder, ``build/release/``, laid out
like the workspace (``data/processed``, ``reports``, ``build/executed``, ``build/published``),
with the outputs of the stages that did not rerun linked in beside them, so the audit sees the
whole release. Only when every stage, the deck, the index and the audit have succeeded is the
release published, as one unit:

1. a journal (``build/publish/journal.json``) lists every file to replace or remove, and whether
   a previous version of it exists;
2. each previous file is moved into ``build/publish/backup/`` and the new one moved into place
   (``os.replace``: same file system, so every move is a rename);
3. removing the journal is the commit point; the backup is deleted after it.

If a move fails, every move made so far is undone before the error is reported, so the
previous outputs are left byte-identical (same files, same inodes). If the process is killed
part way, the journal is still there and the next run (or :func:`recover`) undoes it first.
Readers outside the lock may see a mix for the milliseconds the renames take: this is
all-or-nothing, not a single rename.

Everything above happens under one lock per workspace (``build/.lock``, ``fcntl.flock``): a
second ``make all`` or ``make check`` waits for the first and says so; the lock is released
by the kernel when its holder dies, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

LOCK = Path("build/.lock")
JOURNAL = Path("build/publish/journal.json")
BACKUP = Path("build/publish/backup")
RELEASE = Path("build/release")
RECORDS = Path("build/published")


class PublishError(RuntimeError):
    """Publishing failed; the message says whether the previous outputs were restored."""


class LockBusy(RuntimeError):
    """Another run holds the workspace lock and the caller asked not to wait."""


@contextlib.contextmanager
def workspace_lock(root: Path, what: str, *, wait: bool = True, stream=None) -> Iterator[None]:
    """Hold the workspace's lock for the block; say who holds it while waiting for it."""
    stream = stream or sys.stderr
    path = Path(root) / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "another run"
            message = f"{what}: waiting for the workspace lock {path}: held by {holder}"
            if not wait:
                raise LockBusy(message.replace("waiting for", "stopped: cannot take")) from None
            print(message, file=stream, flush=True)
            started = time.monotonic()
            fcntl.flock(fd, fcntl.LOCK_EX)
            print(f"{what}: got the workspace lock after {time.monotonic() - started:.0f} s", file=stream)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} ({what}, since {stamp})\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def publish(release: Path, root: Path, replace: Iterable[str], remove: Iterable[str] = ()) -> int:
    """Move ``replace`` (paths relative to ``release``) into ``root`` and delete ``remove`` from
    it, all or nothing; return the number of files changed. Raises PublishError after undoing."""
    root = Path(root)
    replace, remove = sorted(set(replace)), sorted(set(remove) - set(replace))
    ops = [{"path": rel, "new": True, "old": _exists(root / rel)} for rel in replace]
    ops += [{"path": rel, "new": False, "old": True} for rel in remove if _exists(root / rel)]
    backup = root / BACKUP
    shutil.rmtree(backup, ignore_errors=True)
    _write_json(root / JOURNAL, {"release": str(release), "ops": ops})
    current = None
    try:
        for op in ops:
            current = op["path"]
            live = root / current
            if op["old"]:
                (backup / current).parent.mkdir(parents=True, exist_ok=True)
                os.replace(live, backup / current)
            if op["new"]:
                live.parent.mkdir(parents=True, exist_ok=True)
                os.replace(Path(release) / current, live)
    except BaseException as exc:
        try:
            rollback(root)
        except Exception as undo:  # the journal stays: the next run tries again
            raise PublishError(
                f"publishing failed at {current}: {exc}; undoing it failed too ({undo}): the "
                f"previous outputs are in {root / BACKUP} and the next run restores them from "
                f"{root / JOURNAL} before anything else"
            ) from exc
        if not isinstance(exc, Exception):
            raise
        raise PublishError(
            f"publishing failed at {current}: {type(exc).__name__}: {exc}; nothing was published: "
            "every previous output was restored as it was"
        ) from exc
    (root / JOURNAL).unlink()  # the commit point
    shutil.rmtree(backup, ignore_errors=True)
    return len(ops)


def rollback(root: Path) -> int:
    """Undo an unfinished publish recorded in the journal; return the number of files restored."""
    root = Path(root)
    journal = root / JOURNAL
    if not journal.is_file():
        shutil.rmtree(root / BACKUP, ignore_errors=True)  # left by a publish that committed
        return 0
    ops = json.loads(journal.read_text(encoding="utf-8"))["ops"]
    restored = 0
    for op in reversed(ops):
        live, saved = root / op["path"], root / BACKUP / op["path"]
        if op["old"]:
            if _exists(saved):  # moved aside: whatever is live now is the new file
                os.replace(saved, live)
                restored += 1
        elif op["new"] and _exists(live):  # a file that did not exist before
            live.unlink()
            restored += 1
    journal.unlink()
    shutil.rmtree(root / BACKUP, ignore_errors=True)
    return restored


def recover(root: Path, stream=None) -> int:
    """Roll back a publish that was interrupted (call under the lock, before anything else)."""
    if not (Path(root) / JOURNAL).is_file():
        rollback(root)
        return 0
    restored = rollback(root)
    print(
        f"release: an earlier publish was interrupted; rolled it back ({restored} files restored)",
        file=stream or sys.stderr,
    )
    return restored


def read_record(root: Path, name: str) -> list[str]:
    """The files a stage published last time (``build/published/<name>.txt``)."""
    record = Path(root) / RECORDS / f"{name}.txt"
    return record.read_text(encoding="utf-8").split() if record.is_file() else []


def link_or_copy(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` (a hard link when possible: nothing writes in place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def audit(release: Path, params_file: str | Path = "params.yaml") -> str:
    """Run the intruder audit (helpers.audit) on the staged release under the run's own params
    file (its disclosure rule and ``disclosure.audit`` mode); ``AuditFailure`` propagates when
    it finds a leak it enforces."""
    import importlib

    result = importlib.import_module("helpers.audit").audit_release(Path(release), params_file=params_file)
    if result is None:
        return "audit: passed"
    # In report mode (params disclosure.audit: report) leaks are listed, not enforced: say so
    # first, never "passed".
    if getattr(result, "leaks", None) and not getattr(result, "enforced", True):
        return f"audit: LEAKS FOUND, release not blocked ({result})"
    return f"audit: passed ({result})"


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.release [--what NAME] [--no-wait] -- MODULE ARGS...``: run a module
    (e.g. ``helpers.check``) while holding the workspace lock."""
    import argparse
    import runpy

    parser = argparse.ArgumentParser(prog="python -m helpers.release", description=main.__doc__)
    parser.add_argument("--what", default="a run", help="what to call this run in the lock's messages")
    parser.add_argument("--no-wait", action="store_true", help="stop instead of waiting for the lock")
    parser.add_argument("module")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    from helpers import paths

    try:
        with workspace_lock(paths.workspace(), args.what, wait=not args.no_wait):
            sys.argv = [args.module, *args.args]
            try:
                runpy.run_module(args.module, run_name="__main__", alter_sys=True)
            except SystemExit as done:
                return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except LockBusy as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
