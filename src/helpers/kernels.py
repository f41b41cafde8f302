"""The runner's kernels: one fresh kernel per stage, started (and its imports done) early.

A stage's notebook runs in a kernel of its own, with the stage's environment (the staged
release it reads, the staging folder it writes) and the project root as working directory.
Starting a kernel and importing pandas, matplotlib and the helpers costs one to three seconds
a stage; on the critical path of a release (02 -> 03 -> 05) that was a large part of the
runner's overhead over the bare computation (docs/benchmarks.md). So the runner may *warm* a
stage's kernel while the stages it depends on are still running: ``warm`` starts the kernel and
runs the notebook's own import statements in it, silently (no execution count, no history, no
output, inside a function so that no name is left behind); when the stage's turn comes,
``execute`` hands that kernel to papermill, which runs the notebook exactly as in a cold
kernel and then kills it. Importing earlier changes nothing the notebook computes: its import
cell runs as written and finds the modules loaded.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import json
from pathlib import Path

KERNEL_NAME = "python3"
# Libraries a stage loads only when a helper needs them (the helpers import them inside the
# functions, or in modules imported there, so that `import helpers.x` stays light for the
# command-line tools). A warm-up loads them too: the stages that are warmed (those waiting for
# another) use them, and the warm-up runs on an otherwise idle core. tests/test_kernels.py
# checks that the helpers import each of them.
LOADED_LATER = ("docx", "highspy", "jinja2", "openpyxl", "scipy.stats", "statsmodels.api")
# How long a warm-up may take before the stage is run in a cold kernel instead.
WARM_TIMEOUT_S = 120


def manager_class(env: dict[str, str], cwd: str, stderr=None):
    """A kernel manager class whose kernels get ``env`` and ``cwd`` (threads cannot share
    os.environ or the working directory, so papermill's ``cwd`` is not used); the kernel's own
    stderr (its start-up warnings) goes to ``stderr``, a file in build/logs."""
    from jupyter_client import AsyncKernelManager

    class StageKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            kw["env"] = {**env, **kw.get("env", {})} if kw.get("env") else dict(env)
            kw.setdefault("cwd", cwd)
            if stderr is not None:
                kw.setdefault("stderr", stderr)
            return await super().start_kernel(**kw)

    return StageKernelManager


def import_statements(notebook: Path) -> list[str]:
    """The module-level ``import`` and ``from ... import`` statements of a notebook's code cells,
    in order (the notebooks import everything in their first code cell)."""
    found = []
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics: the notebook itself will report it
            continue
        found += [ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    return found


def warm_up_code(statements: list[str]) -> str:
    """Code running ``statements`` inside a throwaway function: modules end up loaded, the
    notebook's namespace stays empty."""
    body = "\n".join(f"    {s}" for s in statements) or "    pass"
    return f"def _helpers_warm_up():\n{body}\n\n\n_helpers_warm_up()\ndel _helpers_warm_up\n"


def warm(notebook: Path, env: dict[str, str], cwd: str, stderr=None):
    """Start a kernel for ``notebook`` and run its imports and those of ``LOADED_LATER``; return
    the kernel manager (its kernel alive, idle and with an untouched namespace). On any error
    the kernel is killed and the error raised: the stage then starts a cold kernel and meets
    the same error there."""
    from jupyter_client.blocking import BlockingKernelClient

    km = manager_class(env, cwd, stderr)(kernel_name=KERNEL_NAME)
    asyncio.run(km.start_kernel())
    client = BlockingKernelClient()
    client.load_connection_info(km.get_connection_info())
    try:
        client.start_channels()
        client.wait_for_ready(timeout=WARM_TIMEOUT_S)
        statements = import_statements(notebook) + [f"import {name}" for name in LOADED_LATER]
        msg_id = client.execute(warm_up_code(statements), silent=True, store_history=False)
        while True:
            reply = client.get_shell_msg(timeout=WARM_TIMEOUT_S)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"warming the kernel failed: {reply['content'].get('ename')}")
    except BaseException:
        kill(km)
        raise
    finally:
        client.stop_channels()
        client.context.term()
    return km


def kill(km) -> None:
    """Kill a kernel that will not be used (a warm kernel whose stage never ran)."""
    asyncio.run(km.shutdown_kernel(now=True))


def execute(notebook: Path, executed: Path, parameters: dict, *, env, cwd, stderr, km=None):
    """Run ``notebook`` with papermill into ``executed`` (in the warm kernel ``km`` when given,
    else in a fresh one); the kernel is killed afterwards. Returns the executed notebook."""
    import papermill

    options = dict(
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        log_output=False,
        # The executed notebook is written once, at the end (or with the error, on a
        # failure), not after every cell: papermill's per-cell saves rewrote the whole
        # growing notebook (1.7 MB for stage 03) about twice per cell, in this process.
        request_save_on_cell_execute=False,
        # Every output is on disk when the last cell's reply arrives; a graceful shutdown
        # waited about 1.2 s per stage for the kernel's interpreter to tear itself down.
        shutdown_kernel="immediate",
    )
    if km is None:
        options["kernel_manager_class"] = manager_class(env, cwd, stderr)
    else:
        options.update(engine_name=_warm_kernel_engine().NAME, km=km)
    return papermill.execute_notebook(str(notebook), str(executed), parameters=parameters, **options)


@functools.cache
def _warm_kernel_engine():
    """papermill's nbclient engine for a kernel started beforehand, registered on first use."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        """nbclient does not clean up a kernel it did not start (``km=``); ``cleanup_kc=True``
        makes it kill the kernel and close its channels as it does its own."""

        NAME = "helpers-warm-kernel"

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, start_timeout=60, **kwargs):
            # As NBClientEngine.execute_managed_notebook, but for the cleanup.
            for unused in ("input_path", "timeout", "startup_timeout"):
                kwargs.pop(unused, None)
            execution_timeout = kwargs.pop("execution_timeout", None)
            client = PapermillNotebookClient(
                nb_man,
                **kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
            )
            return client.execute(cleanup_kc=True)

    papermill_engines.register(WarmKernelEngine.NAME, WarmKernelEngine)
    return WarmKernelEngine
