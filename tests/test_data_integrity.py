"""The reference dataset: the registry matches the files, the data stay small, and regenerating the
dataset (in a scratch copy) gives every file back within its tolerance, leaving the committed bytes,
manifests and registry as they are."""

import os
import shutil
import subprocess
import sys

import pytest

from paper_lib import paths, registry


def reference_files():
    return sorted(p for p in paths.REFERENCE.rglob("*") if p.is_file())


def test_registry_matches_files():
    table = registry.parse_registry(paths.REGISTRY)
    on_disk = {p.relative_to(paths.REFERENCE).as_posix() for p in reference_files()}
    assert set(table) == on_disk, "every reference file registered, nothing else"
    for name, digest in table.items():
        assert registry.sha256(paths.REFERENCE / name) == digest, name


def test_data_folder_is_small():
    """A clone stays quick: 21 MB for the spectra, patterns, images, structures and DFT outputs, and 15 MB for the
    long cycling records: the Li|Li plating/stripping tests (10^5 rows each at their instruments'
    sampling, 28-30 bytes a row in .mpr) and the full cells (168 cycles over 185 days, 400 cycles over
    60 days; the longest kept in Neware's zip-compressed .ndax, about 15 bytes a record)."""
    size = sum(p.stat().st_size for p in paths.DATA.rglob("*")
               if p.is_file() and "recomputed" not in p.relative_to(paths.DATA).parts)  # its own limit: test_recompute
    long_runs = sum(p.stat().st_size for folder in ("cycling", "cells")
                    for p in (paths.REFERENCE / folder).rglob("*") if p.is_file())
    assert long_runs < 15e6, f"data/reference/cycling and cells are {long_runs / 1e6:.1f} MB (limit 15 MB)"
    assert size - long_runs < 21e6, f"data/ without the cycling records is {(size - long_runs) / 1e6:.1f} MB (limit 21 MB)"


@pytest.mark.slow
def test_regeneration_agrees_and_leaves_committed_bytes(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(paths.ROOT / "paper_lib", copy / "paper_lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.DATA, copy / "data", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(copy)}
    run = subprocess.run([sys.executable, str(copy / "data" / "generate.py")], cwd=copy, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    counts = next(line for line in run.stdout.splitlines() if line.startswith("files: "))
    print(counts)  # e.g. "files: 228 identical": bytes that did not move on this machine
    assert "replaced" not in counts and "new" not in counts, run.stdout
    fresh = sorted(p.relative_to(copy / "data").as_posix() for p in (copy / "data").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    original = sorted(p.relative_to(paths.DATA).as_posix() for p in paths.DATA.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)
    assert fresh == original
    for name in original:
        assert (copy / "data" / name).read_bytes() == (paths.DATA / name).read_bytes(), f"{name} changed"


@pytest.mark.slow
def test_regeneration_replaces_a_file_that_really_differs(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(paths.ROOT / "paper_lib", copy / "paper_lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.DATA, copy / "data", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "data" / "reference" / "dft" / "structures" / "LiNBH.extxyz"
    lines = target.read_text().splitlines()
    fields = lines[2].split()
    fields[1] = f"{float(fields[1]) * 1.01:.8f}"  # one coordinate moved by 1 %
    target.write_text("\n".join(lines[:2] + ["  ".join(fields)] + lines[3:]) + "\n")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    run = subprocess.run([sys.executable, str(copy / "data" / "generate.py"), "dft"], cwd=copy, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "1 replaced" in run.stdout and "DIFFERS" in run.stdout
    assert target.read_bytes() == (paths.REFERENCE / "dft" / "structures" / "LiNBH.extxyz").read_bytes()
