"""Benchmark of the build: cold `make figures` sequential vs parallel, no-op rebuild, the comparison with
the committed outputs, `import paper_lib`.

    .venv/bin/python benchmarks/build_speed.py [--repeat 3]

Runs in a temporary copy of the tracked files (the work tree is not touched) and prints the figures. A
cold build is what the first `make figures` on a fresh clone does: execute every notebook and compare
its outputs with the committed ones. Targets: parallel >= 1.7x faster than sequential on 2 cores,
no-op rebuild < 1 s, import < 0.5 s.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_tree(dest):
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in filter(None, files.split("\0")):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)


def timed(cmd, cwd, env):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


NOTEBOOK_IMPORTS = ("paper_lib.arrhenius, paper_lib.bonds, paper_lib.conductivity, paper_lib.manifest, paper_lib.neb, "
                    "paper_lib.panels, paper_lib.peaks, paper_lib.plotting, paper_lib.readers, paper_lib.claims")


def import_time(modules, cwd, env):
    """Seconds to import ``modules`` in a fresh interpreter, timed inside it."""
    code = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return float(out.stdout)


def comparison_time(root):
    """Seconds to compare every committed output with itself by content (notebooks cell by cell, PNG and
    PDF figures rendered and compared as images), skipping the byte-equality shortcut: the work the build
    does for a notebook whose outputs moved within tolerance."""
    sys.path.insert(0, str(root))
    from paper_lib import compare

    start = time.perf_counter()
    for path in sorted((root / "figures").glob("fig*.p*")):
        (compare.png_file if path.suffix == ".png" else compare.pdf_file)(path, path)
    for path in sorted((root / "notebooks").glob("fig*.ipynb")):
        compare.notebook(json.loads(path.read_text()), json.loads(path.read_text()))
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1, help="cold builds of each kind")
    args = parser.parse_args()
    jobs = os.cpu_count() or 2
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "compendium"
        copy_tree(copy)
        env = {**os.environ, "PYTHONPATH": str(copy)}
        build = [sys.executable, "-m", "paper_lib.build"]
        seq = [timed(build + ["--force", "--jobs", "1"], copy, env) for _ in range(args.repeat)]
        par = [timed(build + ["--force", "--jobs", str(jobs)], copy, env) for _ in range(args.repeat)]
        noop = [timed(build, copy, env) for _ in range(3)]
        imp = [import_time("paper_lib", copy, env) for _ in range(5)]
        imp_all = [import_time(NOTEBOOK_IMPORTS, copy, env) for _ in range(5)]
        cmp = [comparison_time(copy) for _ in range(3)]
    n = len(list((ROOT / "notebooks").glob("fig*.ipynb")))
    seq_t, par_t = statistics.median(seq), statistics.median(par)
    print(f"notebooks: {n}, cores: {jobs}")
    print(f"cold build, sequential (--jobs 1): {seq_t:7.1f} s")
    print(f"cold build, parallel (--jobs {jobs}):   {par_t:7.1f} s   speed-up {seq_t / par_t:.2f}x (target >= 1.7x)")
    print(f"comparing all outputs by content:  {statistics.median(cmp):7.1f} s   (inside the cold builds above)")
    print(f"no-op rebuild:                     {statistics.median(noop):7.2f} s   (target < 1 s)")
    print(f"import paper_lib:                  {statistics.median(imp):7.3f} s   (target < 0.5 s)")
    print(f"import what fig2 imports:          {statistics.median(imp_all):7.3f} s   (numpy, xarray, matplotlib, ...)")


if __name__ == "__main__":
    main()
