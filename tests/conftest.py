"""Shared test settings: headless matplotlib; 'in CI' means a component may not be skipped.
(Output folders, thread pinning and the tolerant notebook checks: the plugin tests/notebook_checks.py.)"""

import os

import matplotlib
import pytest

matplotlib.use("Agg")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason):
    """Skip outside CI (saying why); in CI a missing component is a failure."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(f"{reason} (skipped outside CI only)")


def pytest_terminal_summary(terminalreporter):
    """The counts of the reader fuzzing (tests/fuzzing.py), when it ran in this session."""
    import sys

    if "fuzzing" in sys.modules:
        sys.modules["fuzzing"].terminal_summary(terminalreporter)
