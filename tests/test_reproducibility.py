"""The comparison with the committed outputs, proved on a real notebook.

figS11 (impedance spectra of LiBH4-70LiNBH, circuit fits, the conductivity at 30 °C) is executed with
papermill in a scratch copy of the compendium and compared with the committed notebook, claims and
figures by :mod:`paper_lib.compare`:

- on an emulated other CPU (an old OpenBLAS kernel, numpy without its AVX2/AVX-512 paths, one thread)
  everything agrees within the tolerances;
- with the computed conductivities multiplied by 1.01 in paper_lib/conductivity.py, the printed
  conductivity and the claim differ beyond them.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from paper_lib import claims, compare, numeric_env, paths
from paper_lib.execute import clean_notebook

NOTEBOOK = "figS11"
OTHER_CPU = {"OPENBLAS_CORETYPE": "Prescott", "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"}


def scratch_copy(tmp_path):
    repo = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(paths.ROOT / "paper_lib", repo / "paper_lib", ignore=ignore)
    shutil.copytree(paths.DATA, repo / "data", ignore=ignore)
    (repo / "notebooks").mkdir()
    shutil.copy(paths.NOTEBOOKS / f"{NOTEBOOK}.ipynb", repo / "notebooks")
    return repo


def run_and_compare(repo, extra_env=None) -> list:
    """Execute the scratch copy's notebook; differences of everything it made from the committed files."""
    out = repo / "out"
    env = {**numeric_env.pinned(), "PYTHONPATH": str(repo), "PAPER_LIB_OUTPUT_DIR": str(out),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline", **(extra_env or {})}
    executed = repo / "executed.ipynb"
    run = subprocess.run([sys.executable, "-m", "papermill", "--no-progress-bar", "--kernel", "python3",
                          "--cwd", str(repo / "notebooks"), str(repo / "notebooks" / f"{NOTEBOOK}.ipynb"),
                          str(executed)], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    committed = json.loads((paths.NOTEBOOKS / f"{NOTEBOOK}.ipynb").read_text())
    found = compare.notebook(committed, clean_notebook(json.loads(executed.read_text())), f"{NOTEBOOK}.ipynb")
    for new in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = new.relative_to(out)
        digits = claims.DIGITS.get if rel.parts[0] == "claims" else None
        found += compare.files(paths.FIGURES / rel, new, rel.as_posix(), digits)
    return found


@pytest.mark.slow
def test_another_cpu_agrees_within_tolerance(tmp_path):
    found = run_and_compare(scratch_copy(tmp_path), OTHER_CPU)
    assert not compare.real(found), "\n".join(map(str, compare.real(found)))
    print(f"{len(found)} difference(s), all within tolerance: " + "; ".join(map(str, found[:5])))


@pytest.mark.slow
def test_one_percent_in_the_conductivity_fails(tmp_path):
    repo = scratch_copy(tmp_path)
    module = repo / "paper_lib" / "conductivity.py"
    source = module.read_text()
    assert "    return sigma, sigma * rel\n" in source
    module.write_text(source.replace("    return sigma, sigma * rel\n", "    return 1.01 * sigma, 1.01 * sigma * rel\n"))
    real = compare.real(run_and_compare(repo))
    printed = [d for d in real if d.where.startswith(f"{NOTEBOOK}.ipynb") and "stdout" in d.where]
    claim = [d for d in real if d.where.startswith("claims/") and d.where.endswith(".computed")]
    assert printed and claim, "\n".join(map(str, real))
    ratio = float(claim[0].new) / float(claim[0].old)
    assert ratio == pytest.approx(1.01, rel=2e-3), claim[0]
    assert os.environ.get("OPENBLAS_NUM_THREADS") == "1"
