"""JupyterLab round trips on a fresh clone: a real jupyter_server, a real kernel, the contents API.

Slow tier. The clone gets the git filter as `make env` installs it and runs `make all` with the
project's .venv (its own helpers first on PYTHONPATH); then every notebook is given the
kernelspec and language_info of a running kernel's info reply, as the JupyterLab front end
does, and saved through the contents API. git must see nothing and make must rerun nothing.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from helpers import paths

pytestmark = pytest.mark.slow
ROOT = paths.project_root()
VENV = ROOT / ".venv"
CONF = VENV / "etc" / "jupyter" / "jupyter_server_config.json"
TOKEN = "round-trip-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port, method, path, body=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")


def wait_up(port, proc, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}")
        try:
            return api(port, "GET", "/api/status")
        except OSError:
            time.sleep(0.5)
    raise AssertionError("server did not start")


def stop(proc):
    os.killpg(proc.pid, 15)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()


async def kernel_info(port, kernel_id) -> dict:
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={TOKEN}")
    msg_id = uuid.uuid4().hex
    header = {
        "msg_id": msg_id,
        "msg_type": "kernel_info_request",
        "username": "",
        "session": uuid.uuid4().hex,
    }
    header.update({"date": "2026-01-01T00:00:00Z", "version": "5.3"})
    await ws.write_message(
        json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"})
    )
    while True:
        reply = json.loads(await ws.read_message())
        if (
            reply.get("parent_header", {}).get("msg_id") == msg_id
            and reply["msg_type"] == "kernel_info_reply"
        ):
            ws.close()
            return reply["content"]


@pytest.fixture(scope="module")
def built_clone(tmp_path_factory):
    if shutil.which("git") is None or not (VENV / "bin" / "jupyter").exists():
        pytest.skip("needs git and the project's .venv (make env)")
    if not CONF.is_file():
        pytest.skip("the JupyterLab save hook is not configured: run make env")
    clone = tmp_path_factory.mktemp("lab") / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    makefile = (clone / "Makefile").read_text(encoding="utf-8")
    command = makefile.split("git config filter.notebook.clean '", 1)[1].split("'", 1)[0].replace("$$", "$")
    subprocess.run(["git", "-C", str(clone), "config", "filter.notebook.clean", command], check=True)
    (clone / ".venv").symlink_to(VENV)
    with (clone / ".git" / "info" / "exclude").open("a") as f:
        f.write(".venv\n")  # .gitignore's ".venv/" matches a folder, not this link
    for name in ("requirements.lock", "pyproject.toml"):  # the shared .venv is up to date for them
        os.utime(clone / name, (0, 0))
    if (ROOT / "build" / "vendor").is_dir():
        shutil.copytree(ROOT / "build" / "vendor", clone / "build" / "vendor")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPERS_")}
    env["PYTHONPATH"] = str(clone / "src")
    subprocess.run(["make", "all"], cwd=clone, env=env, check=True, capture_output=True)
    assert subprocess.run(["make", "-q", "all"], cwd=clone, env=env).returncode == 0
    return clone, env


def test_jupyterlab_save_changes_nothing_for_git_or_make(built_clone):
    clone, env = built_clone
    port = free_port()
    proc = subprocess.Popen(
        [
            str(VENV / "bin" / "jupyter"),
            "server",
            "--no-browser",
            f"--port={port}",
            f"--ServerApp.token={TOKEN}",
        ]
        + [f"--ServerApp.root_dir={clone}"]
        + (["--allow-root"] if os.getuid() == 0 else []),
        cwd=clone,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_up(port, proc)
        spec = api(port, "GET", "/api/kernelspecs")["kernelspecs"]["python3"]["spec"]
        kernel = api(port, "POST", "/api/kernels", {"name": "python3"})
        info = asyncio.run(kernel_info(port, kernel["id"]))
        language_info = info["language_info"]
        assert "version" in language_info  # what made the files drift: the Python version
        saved = []
        for nb_path in sorted((clone / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            rel = nb_path.relative_to(clone).as_posix()
            model = api(port, "GET", f"/api/contents/{rel}?content=1")
            content = model["content"]
            content["metadata"]["kernelspec"] = {
                "display_name": spec["display_name"],
                "language": spec["language"],
                "name": "python3",
            }
            content["metadata"]["language_info"] = language_info
            api(
                port,
                "PUT",
                f"/api/contents/{rel}",
                {"type": "notebook", "format": "json", "content": content},
            )
            saved.append(rel)
        assert len(saved) >= 5
        api(port, "DELETE", f"/api/kernels/{kernel['id']}")
    finally:
        stop(proc)
    assert (
        subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
        == ""
    )
    assert subprocess.run(["make", "-q", "all"], cwd=clone, env=env).returncode == 0


def lab(clone: Path, env: dict, user: str | None = None):
    port = free_port()
    args = ["make", "lab", f"LAB_ARGS=--no-browser --port={port} --ServerApp.token={TOKEN}"]
    if user:
        args = ["runuser", "-u", user, "--", "env", f"HOME=/home/{user}", *args]
    proc = subprocess.Popen(
        args, cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        status = wait_up(port, proc)
        kernelspecs = api(port, "GET", "/api/kernelspecs")
        tree = api(port, "GET", "/api/contents/notebooks")
    finally:
        stop(proc)
    out = proc.stdout.read().decode()
    return status, kernelspecs, tree, out


def test_make_lab_starts_as_root_and_as_a_normal_user(built_clone):
    clone, env = built_clone
    if os.getuid() != 0 or shutil.which("useradd") is None or shutil.which("runuser") is None:
        pytest.skip("needs root, useradd and runuser (CI runs as root)")
    status, kernelspecs, tree, out = lab(clone, env)
    assert "started" in status
    assert kernelspecs["default"] == "python3"
    # The project's kernel: the server runs from the .venv, and its native python3 kernel
    # ("python" in argv) is started with the server's own interpreter.
    assert kernelspecs["kernelspecs"]["python3"]["spec"]["argv"][0] == "python"
    assert ".venv/bin/jupyter lab --ServerApp.root_dir=. --ServerApp.default_url=/lab/tree/notebooks" in out
    assert "Executed notebooks with outputs, as published by the last make all: reports/notebooks/" in out
    assert "--allow-root" in out
    assert {c["name"] for c in tree["content"]} >= {"03_attitude_analysis.ipynb", "05_findings.ipynb"}

    user = "labtest" + uuid.uuid4().hex[:6]
    subprocess.run(["useradd", "-m", user], check=True)
    # The user needs to read the clone, and to reach the shared .venv and the interpreter it links
    # to (pyenv's lives under /root, mode 700, on this machine and in CI): parent folders get
    # o+rx (the clone's) or o+x (traverse only, the interpreter's) for the test, restored after.
    interpreter = (VENV / "bin" / "python").resolve()
    opened = {}
    for folder, bits in [(clone, 0o005), (VENV.resolve(), 0o001), (interpreter.parent, 0o001)]:
        for p in [folder, *folder.parents]:
            if p != Path("/") and p not in opened:
                opened[p] = os.stat(p).st_mode
                os.chmod(p, opened[p] | bits)
    try:
        subprocess.run(["chown", "-R", user, str(clone)], check=True)
        python = str(VENV / "bin" / "python")
        if subprocess.run(["runuser", "-u", user, "--", python, "-c", "import helpers"], env=env).returncode:
            pytest.skip(
                f"{user} cannot run the project's .venv Python here (its interpreter or a parent folder is private)"
            )
        status, kernelspecs, tree, out = lab(clone, env, user=user)
        assert "started" in status and kernelspecs["default"] == "python3"
        assert "--allow-root" not in out
    finally:
        subprocess.run(["userdel", "-r", user], capture_output=True)
        for p, mode in opened.items():
            if p.exists() and p != clone and clone not in p.parents:
                os.chmod(p, mode)
