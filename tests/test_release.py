"""One release, published once (decisions.md 1; issue 12 items 1 and 2): the journal, the
workspace lock, and the runner's staging, audit and publish around the stages."""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from helpers import paths, pipeline, release, session


def state(root: Path) -> dict[str, tuple[str, int, int]]:
    """Content, inode and mtime of every output file: byte-identical means all three unchanged."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_ino,
            p.stat().st_mtime_ns,
        )
        for sub in ("data/processed", "reports", "build/published", "build/executed")
        for p in sorted((root / sub).rglob("*"))
        if p.is_file()
    }


def make_release(tmp_path: Path, names: list[str]) -> tuple[Path, Path]:
    root, staged = tmp_path / "ws", tmp_path / "ws" / release.RELEASE
    for i, name in enumerate(names):
        for base, text in ((root, f"old {i}\n"), (staged, f"new {i}\n")):
            (base / name).parent.mkdir(parents=True, exist_ok=True)
            (base / name).write_text(text)
    return root, staged


NAMES = [f"reports/tables/t{i}.csv" for i in range(5)] + ["data/processed/clean.parquet"]


def failing_replace(fail_at: int):
    """os.replace that raises on the fail_at-th file moved into place."""
    real = os.replace
    count = {"in": 0}

    def replace(src, dst):
        if "build/publish" not in Path(dst).as_posix():  # not the journal, not the backup
            count["in"] += 1
            if count["in"] == fail_at:
                raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst)

    return replace


def test_publish_moves_every_file_and_removes_what_is_gone(tmp_path):
    root, staged = make_release(tmp_path, NAMES)
    (root / "reports/tables/gone.csv").write_text("stale\n")
    assert release.publish(staged, root, NAMES, ["reports/tables/gone.csv"]) == len(NAMES) + 1
    assert [(root / n).read_text() for n in NAMES] == [f"new {i}\n" for i in range(len(NAMES))]
    assert not (root / "reports/tables/gone.csv").exists()
    assert not (root / release.JOURNAL).exists() and not (root / release.BACKUP).exists()


def test_a_publish_that_fails_on_its_third_file_leaves_every_previous_output_byte_identical(
    tmp_path, monkeypatch
):
    root, staged = make_release(tmp_path, NAMES)
    (root / "reports/tables/gone.csv").write_text("stale\n")
    (staged / "reports/figures/brand_new.svg").parent.mkdir(parents=True)
    (staged / "reports/figures/brand_new.svg").write_text("<svg/>")
    before = state(root)
    monkeypatch.setattr(release.os, "replace", failing_replace(3))
    with pytest.raises(release.PublishError) as err:
        release.publish(staged, root, [*NAMES, "reports/figures/brand_new.svg"], ["reports/tables/gone.csv"])
    monkeypatch.undo()
    assert str(err.value).startswith("publishing failed at reports/tables/t0.csv: PermissionError")
    assert "nothing was published: every previous output was restored" in str(err.value)
    assert state(root) == before
    assert not (root / "reports/figures/brand_new.svg").exists()
    assert not (root / release.JOURNAL).exists()


def test_an_interrupted_publish_is_rolled_back_by_the_next_run(tmp_path, monkeypatch):
    root, staged = make_release(tmp_path, NAMES)
    before = state(root)
    monkeypatch.setattr(release.os, "replace", failing_replace(4))
    # As if the process were killed part way: no chance to undo, the journal stays behind.
    monkeypatch.setattr(release, "rollback", lambda root: (_ for _ in ()).throw(OSError("killed")))
    with pytest.raises(release.PublishError, match="the next run restores them"):
        release.publish(staged, root, NAMES)
    monkeypatch.undo()
    assert (root / release.JOURNAL).is_file() and state(root) != before
    assert release.recover(root) == 4  # three new files taken out, the fourth's old copy put back
    assert state(root) == before
    assert not (root / release.JOURNAL).exists() and not (root / release.BACKUP).exists()


def test_a_second_run_waits_for_the_lock_and_says_who_holds_it(tmp_path, capsys):
    events = []
    with release.workspace_lock(tmp_path, "make all"):
        with pytest.raises(
            release.LockBusy,
            match=rf"make check: stopped: cannot take the workspace lock .*pid {os.getpid()} \(make all",
        ):
            with release.workspace_lock(tmp_path, "make check", wait=False):
                pass

        def second():
            with release.workspace_lock(tmp_path, "make check"):
                events.append("second has it")

        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.5)
        events.append("first lets go")
    waiter.join(10)
    assert events == ["first lets go", "second has it"]
    assert "make check: waiting for the workspace lock" in capsys.readouterr().err


def test_the_makefile_declares_the_runners_stage_graph():
    makefile = (paths.project_root() / "Makefile").read_text()
    every = pipeline.stages()
    for stage in every:
        for before in pipeline.DEPENDS.get(stage, ()):
            assert f"$(call stamp,{stage}): $(call stamp,{before})" in makefile
    assert "$(call stamp,05_findings): $(filter-out $(call stamp,05_findings),$(STAMPS))" in makefile
    assert pipeline.upstream("03_attitude_analysis", every) == {"02_survey_cleaning"}
    assert pipeline.upstream(pipeline.FINAL, every) == set(every) - {pipeline.FINAL}
    assert pipeline.downstream({"02_survey_cleaning"}, every) == {"03_attitude_analysis", pipeline.FINAL}


class FakeStages:
    """Stand-in for the kernels: each stage writes one table and one processed file."""

    def __init__(self, fail: str | None = None):
        self.ran: list[str] = []
        self.fail = fail

    def __call__(self, order, every, root, staged_release, data_dir, params_file, jobs, say):
        for stage in order:
            if stage == self.fail:
                raise pipeline.StageFailed(
                    stage, "InputError: survey_export.csv, row 10, column 'Q9_3': value not in the codebook"
                )
            files = [
                f"reports/tables/{stage}.csv",
                f"data/processed/{stage}.csv",
                f"build/executed/{stage}.ipynb",
            ]
            for rel in files:
                (staged_release / rel).parent.mkdir(parents=True, exist_ok=True)
                (staged_release / rel).write_text(f"{stage} from {Path(data_dir).name}\n")
            pipeline._write_record(staged_release, stage, files)
            self.ran.append(stage)


@pytest.fixture
def fake_runner(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    ws.mkdir()
    monkeypatch.setenv("HELPERS_WORKSPACE", str(ws))
    monkeypatch.delenv("HELPERS_STAGING", raising=False)
    audited: list[list[str]] = []
    fake = FakeStages()
    monkeypatch.setattr(pipeline, "_run_stages", fake)
    monkeypatch.setattr(pipeline, "_build_deck_and_index", lambda staged, data_dir=None: [])

    def audit(staged, params_file):
        audited.append(sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*.csv")))
        return "audit: passed"

    monkeypatch.setattr(release, "audit", audit)
    for name in ("a", "b"):
        for strand in ("literature", "survey", "focus_groups"):  # every strand present: none skipped
            (tmp_path / name / strand).mkdir(parents=True)
    return types.SimpleNamespace(ws=ws, fake=fake, audited=audited, data=tmp_path)


def test_only_stale_stages_and_their_dependents_rerun_and_the_audit_sees_the_whole_release(fake_runner):
    ws, every = fake_runner.ws, pipeline.stages()
    assert pipeline.run_release(None, str(fake_runner.data / "a")) == every
    assert (ws / "build/data_dir.txt").read_text().strip() == str(fake_runner.data / "a")
    assert all((ws / "build/stamps" / s).is_file() for s in every)
    fake_runner.fake.ran.clear()
    (ws / "build/stamps/02_survey_cleaning").unlink()  # what make does to a stale stage
    assert pipeline.run_release(["02_survey_cleaning"], str(fake_runner.data / "a")) == [
        "02_survey_cleaning",
        "03_attitude_analysis",
        "05_findings",
    ]
    # The audit saw the outputs of the stages that did not rerun too.
    assert fake_runner.audited[-1] == sorted(
        f"{d}/{s}.csv" for s in every for d in ("data/processed", "reports/tables")
    )
    assert pipeline.run_release([], str(fake_runner.data / "a")) == []  # no-op: no audit
    assert len(fake_runner.audited) == 2
    # Another data folder: everything reruns, whatever make said.
    assert pipeline.run_release([], str(fake_runner.data / "b")) == every
    assert {(ws / f"reports/tables/{s}.csv").read_text() for s in every} == {f"{s} from b\n" for s in every}


def test_a_failed_stage_or_audit_publishes_nothing(fake_runner, monkeypatch, capsys):
    ws = fake_runner.ws
    pipeline.run_release(None, str(fake_runner.data / "a"))
    before = state(ws)
    data_stamp = (ws / "build/data_dir.txt").read_bytes()
    fake_runner.fake.fail = "03_attitude_analysis"
    code = pipeline.main(["release", "--data", str(fake_runner.data / "b")])
    lines = capsys.readouterr().err.splitlines()
    assert code == 1
    assert lines[0] == (
        "FAILED: 03_attitude_analysis: InputError: survey_export.csv, row 10, column 'Q9_3': value not in the codebook"
    )
    assert (
        lines[1]
        == "Nothing was published (stage 03_attitude_analysis failed): every previous output is unchanged."
    )
    assert state(ws) == before and (ws / "build/data_dir.txt").read_bytes() == data_stamp

    fake_runner.fake.fail = None

    class AuditFailure(Exception):
        pass

    def leak(staged, params_file):
        raise AuditFailure("reports/tables/02_survey_cleaning.csv: a count of 3 would identify a respondent")

    monkeypatch.setattr(release, "audit", leak)
    assert pipeline.main(["release", "--data", str(fake_runner.data / "b")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert (
        lines[0]
        == "FAILED: audit: AuditFailure: reports/tables/02_survey_cleaning.csv: a count of 3 would identify a respondent"
    )
    assert lines[1] == "Nothing was published (the audit failed): every previous output is unchanged."
    assert state(ws) == before and (ws / "build/data_dir.txt").read_bytes() == data_stamp


def test_the_audit_hook_calls_helpers_audit_with_the_runs_params_file(tmp_path, monkeypatch):
    seen = []
    module = types.ModuleType("helpers.audit")
    module.audit_release = lambda release_dir, params_file: (
        seen.append((release_dir, params_file)) or "12 files checked"
    )
    module.__spec__ = types.SimpleNamespace(name="helpers.audit")
    monkeypatch.setitem(sys.modules, "helpers.audit", module)
    assert release.audit(tmp_path, "run_params.yaml") == "audit: passed (12 files checked)"
    assert seen == [(tmp_path, "run_params.yaml")]


@pytest.mark.slow
def test_two_concurrent_runs_then_a_third_give_the_outputs_of_the_data_folder_the_last_run_names(tmp_path):
    """Issue 12 item 2: two runs at once (different data folders) wait for each other; a third
    run naming the first folder ends with every output from that folder."""
    import json
    import shutil
    import subprocess

    import pandas as pd

    ws = tmp_path / "ws"
    ws.mkdir()
    folders = {}
    for name, drop in (("a", 0), ("b", 40)):
        folders[name] = tmp_path / name
        shutil.copytree(paths.project_root() / "data/raw/demo", folders[name])
        export = folders[name] / "survey/survey_export.csv"
        lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
        export.write_text("".join(lines[: len(lines) - drop]), encoding="utf-8")
    rows = {
        name: len(pd.read_csv(f / "survey/survey_export.csv", skiprows=[1, 2])) for name, f in folders.items()
    }
    assert rows["a"] == rows["b"] + 40
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPERS_")}
    env["HELPERS_WORKSPACE"] = str(ws)

    def runner(folder):
        cmd = [sys.executable, "-m", "helpers.pipeline", "release", "--data", str(folder)]
        return subprocess.Popen(
            cmd, env=env, cwd=paths.project_root(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    first = runner(folders["a"])
    lock = ws / release.LOCK
    deadline = time.monotonic() + 120
    while f"pid {first.pid} " not in (lock.read_text() if lock.is_file() else ""):
        assert time.monotonic() < deadline and first.poll() is None, "the first run never took the lock"
        time.sleep(0.2)
    second = runner(folders["b"])
    results = [p.communicate(timeout=1800) + (p.returncode,) for p in (first, second)]
    assert [code for _, _, code in results] == [0, 0], results
    assert "waiting for the workspace lock" in results[1][1]
    assert (ws / "build/data_dir.txt").read_text().strip() == str(folders["b"])

    third = runner(folders["a"])
    out, err, code = third.communicate(timeout=1800) + (third.returncode,)
    assert code == 0, err
    assert (ws / "build/data_dir.txt").read_text().strip() == str(folders["a"])
    flow = pd.read_csv(ws / "reports/tables/survey_flow.csv")
    assert flow["remaining"].iloc[0] == rows["a"]
    records = [json.loads(p.read_text()) for p in sorted((ws / "reports/provenance").glob("*.json"))]
    assert len(records) == len(pipeline.stages())
    # The published records name the data folder as the reports do (its name when outside the
    # project: an absolute path would name the analyst's folders), here "a", not "b".
    assert {r["parameters"]["data_dir"] for r in records} == {folders["a"].name}
    leftovers = [
        p for p in ws.rglob("*") if p.is_file() and (".tmp" in p.name or "build/publish/" in p.as_posix())
    ]
    assert not leftovers and not (ws / release.RELEASE).exists()


def test_audit_in_report_mode_never_says_passed(tmp_path, monkeypatch):
    """A release with leaks the params do not enforce is published, but the line says so."""
    import types

    class Result:
        leaks = [{"cell": "x"}]
        enforced = False

        def __str__(self):
            return "1 leak"

    fake = types.ModuleType("helpers.audit")
    fake.audit_release = lambda release, params_file: Result()
    monkeypatch.setitem(__import__("sys").modules, "helpers.audit", fake)
    monkeypatch.setattr(__import__("importlib.util").util, "find_spec", lambda name: object())
    assert release.audit(tmp_path) == "audit: LEAKS FOUND, release not blocked (1 leak)"


def test_absent_strands_are_skipped_with_a_note_and_their_old_outputs_withdrawn(fake_runner):
    """Issue 11: a data folder with a survey only. Stages 01 and 04 are not run; the runner
    says why; the outputs they published from another data folder leave with this release
    (the findings must not read another folder's literature); the next run has nothing to do."""
    ws, every = fake_runner.ws, pipeline.stages()
    assert pipeline.run_release(None, str(fake_runner.data / "a")) == every
    assert (ws / "reports/tables/01_literature_review.csv").is_file()
    survey_only = fake_runner.data / "survey_only"
    (survey_only / "survey").mkdir(parents=True)
    out = io.StringIO()
    fake_runner.fake.ran.clear()
    ran = pipeline.run_release(None, str(survey_only), stream=out)
    assert ran == ["02_survey_cleaning", "03_attitude_analysis", "05_findings"] == fake_runner.fake.ran
    assert (
        "01_literature_review: skipped: the data folder has no literature/ folder (this strand is absent)\n"
        "04_focus_group_themes: skipped: the data folder has no focus_groups/ folder (this strand is absent)\n"
    ) in out.getvalue()
    assert not (ws / "reports/tables/01_literature_review.csv").exists()
    assert not (ws / "reports/tables/04_focus_group_themes.csv").exists()
    assert (
        ws / "reports/tables/02_survey_cleaning.csv"
    ).read_text() == "02_survey_cleaning from survey_only\n"
    assert all((ws / "build/stamps" / s).is_file() for s in every)
    assert pipeline.run_release(None, str(survey_only), stream=io.StringIO()) == []


def test_another_parameters_file_reruns_everything_even_when_it_is_older(fake_runner, tmp_path):
    """PARAMS=another file: the published outputs came from other settings (a threshold of 10,
    say), so every stage reruns, as for another data folder. make compares the file's path with
    build/params_file.txt for the same reason: an older file's modification time leaves every
    stamp newer than it, and make alone would find nothing stale."""
    ws, every, data = fake_runner.ws, pipeline.stages(), str(fake_runner.data / "a")
    other = tmp_path / "params10.yaml"
    other.write_text((paths.project_root() / "params.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(other, (0, 0))  # older than every stamp
    assert pipeline.run_release(None, data) == every
    assert pipeline.run_release([], data) == []
    assert pipeline.run_release([], data, str(other)) == every
    assert (ws / "build/params_file.txt").read_text().strip() == str(other)
    assert pipeline.run_release([], data, str(other)) == []
    assert pipeline.run_release([], data) == every  # and back
    makefile = (paths.project_root() / "Makefile").read_text(encoding="utf-8")
    assert "ifneq ($(shell cat $(BUILD)/params_file.txt 2>/dev/null),$(abspath $(PARAMS)))" in makefile
    assert str(pipeline.PARAMS_STAMP) == "build/params_file.txt"


def test_a_data_folder_with_no_strand_is_refused_before_anything_runs(fake_runner, capsys):
    """Issue 11: make all on an empty folder, or on a survey/ folder itself, ran no stage and
    published a release of nothing. It now refuses with make check's words (session.no_strand),
    and every published output stays."""
    ws = fake_runner.ws
    pipeline.run_release(None, str(fake_runner.data / "a"))
    before = state(ws)
    fake_runner.fake.ran.clear()
    survey = fake_runner.data / "a" / "survey"
    with pytest.raises(pipeline.NoStrand) as err:
        pipeline.run_release(None, str(survey))
    assert str(err.value) == session.no_strand(survey)
    assert str(err.value).endswith(f"DATA={fake_runner.data / 'a'}")
    assert pipeline.main(["release", "--data", str(survey)]) == 1
    assert capsys.readouterr().err == (
        f"FAILED: {session.no_strand(survey)}\n"
        "Nothing was run or published: every previous output is unchanged.\n"
    )
    assert fake_runner.fake.ran == [] and state(ws) == before
