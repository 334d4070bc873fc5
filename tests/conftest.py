"""Shared test settings: headless matplotlib; 'in CI' means a component may not be skipped."""

import os
import tempfile

import matplotlib

# Notebooks run by the tests (nbval, the browser) write their figures here, never into figures/.
os.environ.setdefault("PAPER_LIB_OUTPUT_DIR", tempfile.mkdtemp(prefix="paper-lib-test-"))

matplotlib.use("Agg")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason):
    """Skip outside CI (saying why); in CI a missing component is a failure."""
    import pytest

    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(f"{reason} (skipped outside CI only)")
