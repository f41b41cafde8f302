"""The canonical notebook form: what JupyterLab adds on save is removed, and nothing else changes.

The drift below is what JupyterLab 4 writes when it opens and saves a notebook with no edit:
the kernel's full language_info (with the Python patch version), the kernelspec display name
"Python 3 (ipykernel)", and, after running cells, outputs, execution counts and cell UI state.
"""

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from helpers import notebooks, paths

ROOT = paths.project_root()
SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def written(nb) -> str:
    """The file text nbformat.write (and so JupyterLab's server) produces: writes() plus a newline."""
    return nbformat.writes(nb) + "\n"


def tiny() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(notebooks.KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nText é", id="md-1"),
        nbformat.v4.new_code_cell('data_dir = "x"', id="code-1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(1)\n", id="code-2", metadata={"slideshow": {"slide_type": "skip"}}),
    ]
    return nb


def drifted(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(json.loads(nbformat.writes(nb)))
    nb.metadata["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    nb.metadata["language_info"] = {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": "3.12.9",
    }
    nb.metadata["papermill"] = {"duration": 1.5}
    nb.metadata["widgets"] = {"state": {}}
    code = nb.cells[2]
    code.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    code.execution_count = 7
    code.metadata.update({"scrolled": True, "collapsed": False, "execution": {"iopub.status.idle": "t"}})
    code.metadata["jupyter"] = {"outputs_hidden": True}
    return nb


def test_canonical_text_is_what_nbformat_writes():
    """The stdlib serialiser matches nbformat (JupyterLab's server), so a save alone changes nothing."""
    nb = tiny()
    assert notebooks.clean_text(written(nb)) == written(nb)
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert notebooks.dumps(json.loads(text)) == written(nbformat.reads(text, as_version=4))


def test_jupyterlab_drift_is_removed_and_content_kept():
    nb = tiny()
    before = written(nb)
    after = written(drifted(nb))
    assert after != before
    assert notebooks.clean_text(after) == before
    cleaned = json.loads(notebooks.clean_text(after))
    assert cleaned["metadata"] == {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    assert [c["metadata"] for c in cleaned["cells"]] == [
        {},
        {"tags": ["parameters"]},
        {"slideshow": {"slide_type": "skip"}},
    ]
    assert [c["id"] for c in cleaned["cells"]] == ["md-1", "code-1", "code-2"]
    assert cleaned["cells"][0]["source"] == ["# Title\n", "\n", "Text é"]


def test_content_hash_ignores_drift_and_ids_but_not_edits():
    nb = tiny()
    base = notebooks.content_hash(written(nb))
    assert notebooks.content_hash(written(drifted(nb))) == base
    renumbered = tiny()
    renumbered.cells[1].id = "other"
    assert notebooks.content_hash(written(renumbered)) == base
    edited = tiny()
    edited.cells[2].source = "print(2)\n"
    assert notebooks.content_hash(written(edited)) != base
    retagged = tiny()
    retagged.cells[1].metadata["tags"] = []
    assert notebooks.content_hash(written(retagged)) != base


def test_stamps_are_rewritten_only_when_content_changes(tmp_path):
    nb_path = tmp_path / "01_x.ipynb"
    nb_path.write_text(written(tiny()), encoding="utf-8")
    stamps = tmp_path / "canonical"
    assert notebooks.write_stamps(str(stamps), [str(nb_path)]) == [str(stamps / "01_x.sha256")]
    digest = (stamps / "01_x.sha256").read_text()
    assert digest == notebooks.content_hash(nb_path.read_text()) + "\n" and len(digest) == 65
    nb_path.write_text(written(drifted(tiny())), encoding="utf-8")
    assert notebooks.write_stamps(str(stamps), [str(nb_path)]) == []
    edited = tiny()
    edited.cells[2].source = "print(2)\n"
    nb_path.write_text(written(edited), encoding="utf-8")
    assert notebooks.write_stamps(str(stamps), [str(nb_path)]) == [str(stamps / "01_x.sha256")]


def test_strip_and_check_command_line(tmp_path):
    path = tmp_path / "01_x.ipynb"
    path.write_text(written(drifted(tiny())), encoding="utf-8")
    script = str(ROOT / "src" / "helpers" / "notebooks.py")
    check = subprocess.run([sys.executable, "-P", script, "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 1
    assert check.stdout == f"{path}: not in canonical form (outputs or editor metadata); run `make strip`\n"
    strip = subprocess.run([sys.executable, "-P", script, "strip", str(path)], capture_output=True, text=True)
    assert strip.stdout == f"stripped {path}\n"
    assert path.read_text(encoding="utf-8") == written(tiny())
    check = subprocess.run([sys.executable, "-P", script, "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout == ""


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_committed_notebooks_are_canonical(path):
    text = path.read_text(encoding="utf-8")
    assert notebooks.clean_text(text) == text, f"{path.name}: not in canonical form; run `make strip`"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_clean_filter_hides_a_jupyterlab_save(tmp_path):
    """The filter as `make env` installs it: a drifted save leaves `git status` clean."""
    (tmp_path / "src" / "helpers").mkdir(parents=True)
    shutil.copy(ROOT / "src" / "helpers" / "notebooks.py", tmp_path / "src" / "helpers" / "notebooks.py")
    shutil.copy(ROOT / ".gitattributes", tmp_path / ".gitattributes")
    (tmp_path / "notebooks").mkdir()
    nb_path = tmp_path / "notebooks" / "01_x.ipynb"
    nb_path.write_text(written(tiny()), encoding="utf-8")

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(tmp_path), *args], capture_output=True, text=True, check=True
        ).stdout

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    # The same command the Makefile's git-filter target installs.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    command = makefile.split("git config filter.notebook.clean '", 1)[1].split("'", 1)[0].replace("$$", "$")
    git("config", "filter.notebook.clean", command)
    git("add", ".")
    git("commit", "-qm", "init")
    nb_path.write_text(written(drifted(tiny())), encoding="utf-8")
    # git status may list the file until it is re-added (git takes a size change as a change
    # without filtering; the JupyterLab save hook avoids that, see test_jupyterlab.py), but the
    # content git sees is unchanged and adding it stages nothing.
    assert git("diff", "--stat") == ""
    git("add", "-A")
    assert git("status", "--porcelain") == ""
    assert git("show", ":notebooks/01_x.ipynb") == written(tiny())
    edited = tiny()
    edited.cells[2].source = "print(2)\n"
    nb_path.write_text(written(edited), encoding="utf-8")
    assert git("status", "--porcelain") == " M notebooks/01_x.ipynb\n"


def test_missing_cell_ids_get_stable_ones():
    """nbformat 4.5 needs ids; JupyterLab would add random ones, the canonical form stable ones."""
    nb = json.loads(written(tiny()))
    del nb["cells"][0]["id"], nb["cells"][2]["id"]
    once = json.loads(notebooks.clean_text(json.dumps(nb)))
    again = json.loads(notebooks.clean_text(json.dumps(nb)))
    ids = [c["id"] for c in once["cells"]]
    assert ids == [c["id"] for c in again["cells"]]
    assert ids[1] == "code-1" and len(set(ids)) == 3
    assert all(len(i) == 8 and int(i, 16) >= 0 for i in (ids[0], ids[2]))
    assert (
        notebooks.clean_text(json.dumps(once))
        == json.dumps(once, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
@pytest.mark.parametrize("uid, flag", [("0", True), ("1000", False)])
def test_make_lab_adds_allow_root_only_for_root(tmp_path, uid, flag):
    """`make lab` passes --allow-root exactly when `id -u` is 0 (a stand-in `id` on PATH)."""
    fake = tmp_path / "id"
    fake.write_text(f"#!/bin/sh\necho {uid}\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    out = subprocess.run(
        ["make", "-n", "lab"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    command = next(line for line in out.splitlines() if "jupyter lab" in line)
    assert command.startswith(
        ".venv/bin/jupyter lab --ServerApp.root_dir=. --ServerApp.default_url=/lab/tree/notebooks"
    )
    assert ("--allow-root" in command) is flag
