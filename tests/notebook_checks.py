"""pytest plugin (``-p notebook_checks``): nbval with the compendium's tolerances, and a check of the
files each notebook writes.

nbval executes every committed notebook cell by cell and compares each cell's outputs with the
committed ones. Its own comparison is exact, which no second machine passes (a fit's last digits
follow the CPU, the BLAS kernel and the SIMD path). Here nbval keeps executing and reporting cell by
cell, but a cell's outputs are compared by :func:`paper_lib.compare.outputs`: every printed number
within one unit of its last digit, all words exactly, figures as images (RMS). After a notebook's last
cell, one more item compares the files the notebook wrote (PNG, PDF, claims, provenance) with the
committed ones in figures/, by :func:`paper_lib.compare.files`.
"""

import os
import tempfile
from pathlib import Path

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from paper_lib import claims, compare, numeric_env, paths

# Notebooks run by the tests (nbval, the browser) write their figures here, never into figures/;
# every kernel and subprocess the tests start has one BLAS/OpenMP thread, as the build's have.
os.environ.setdefault("PAPER_LIB_OUTPUT_DIR", tempfile.mkdtemp(prefix="paper-lib-test-"))
os.environ.setdefault("PAPER_LIB_TEST_OUTPUTS", tempfile.mkdtemp(prefix="paper-lib-nbval-"))
numeric_env.pin_this_process()


class TolerantCell(IPyNbCell):
    """An nbval cell whose outputs are compared within the compendium's tolerances."""

    def compare_outputs(self, test, ref, skip_compare=None):
        sanitized = [_sanitized(self, o) for o in test], [_sanitized(self, o) for o in ref]
        found = compare.real(compare.outputs(sanitized[1], sanitized[0], f"cell {self.cell_num}"))
        self.comparison_traceback = [str(d) for d in found]
        return not found


def _sanitized(cell, output):
    """An output with nbval's sanitizers (tests/nbval_sanitize.cfg) applied to its text."""
    output = dict(output)
    if "text" in output:
        output["text"] = cell.sanitize("".join(output["text"]))
    if "data" in output:
        output["data"] = {k: cell.sanitize("".join(v)) if k.startswith("text/") else v
                          for k, v in output["data"].items()}
    return output


class OutputsAgree(pytest.Item):
    """The figures, claims and provenance one notebook wrote, against the committed ones."""

    def runtest(self):
        directory = output_dir(self.parent)
        written = sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []
        if not written:
            raise AssertionError(f"{self.parent.name} wrote nothing to {directory.name}/")
        found = []
        for new in written:
            rel = new.relative_to(directory)
            committed = paths.FIGURES / rel
            if not committed.exists():
                found.append(f"figures/{rel.as_posix()}: not committed")
                continue
            digits = claims.DIGITS.get if rel.parts[0] == "claims" else None
            found += [str(d) for d in compare.real(compare.files(committed, new, f"figures/{rel.as_posix()}", digits))]
        if found:
            raise AssertionError("\n".join(found))

    def reportinfo(self):
        return self.path, 0, f"{self.parent.name}::outputs"


def output_dir(notebook_file) -> Path:
    """Where the kernel of one notebook writes its figures during the tests."""
    return Path(os.environ["PAPER_LIB_TEST_OUTPUTS"]) / Path(notebook_file.name).stem


def pytest_collection_modifyitems(session, config, items):
    install(items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """An nbval notebook's kernel starts at its first cell: give it the notebook's own output folder."""
    before = os.environ.get("PAPER_LIB_OUTPUT_DIR")
    before_kernel(item)
    yield
    os.environ["PAPER_LIB_OUTPUT_DIR"] = before


def install(items):
    """Make nbval's cells tolerant and add an :class:`OutputsAgree` after each notebook's last cell."""
    result = []
    for index, item in enumerate(items):
        if type(item) is IPyNbCell:
            item.__class__ = TolerantCell
        result.append(item)
        last_of_notebook = isinstance(item, IPyNbCell) and (
            index + 1 == len(items) or items[index + 1].parent is not item.parent)
        if last_of_notebook:
            result.append(OutputsAgree.from_parent(item.parent, name="outputs"))
    items[:] = result


def before_kernel(item):
    """Point the notebook's kernel (started at its first cell) at its own output folder."""
    if isinstance(item, IPyNbCell) and isinstance(item.parent, IPyNbFile):
        os.environ["PAPER_LIB_OUTPUT_DIR"] = str(output_dir(item.parent))
