"""Test-session setup shared by the unit tests and the notebook checks (nbval).

The notebooks run under nbval write into a temporary workspace, never into the real
data/processed or reports, so `make test` cannot disturb the outputs of `make all`.
"""

import os
import tempfile



def pytest_configure(config):
    if "HELPERS_WORKSPACE" not in os.environ:
        workspace = tempfile.mkdtemp(prefix="helpers-nbval-")
        os.environ["HELPERS_WORKSPACE"] = workspace
    os.environ.pop("HELPERS_STAGING", None)


def pytest_collectstart(collector):
    # nbval compares only cells marked NBVAL_CHECK_OUTPUT; warnings on stderr are not results.
    if hasattr(collector, "skip_compare"):
        collector.skip_compare = (*collector.skip_compare, "stderr")
