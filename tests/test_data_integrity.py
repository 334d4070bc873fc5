"""The reference dataset: the registry matches the files, the data stay small, and regenerating the
dataset (in a scratch copy) gives the same bytes, manifests and registry."""

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
    size = sum(p.stat().st_size for p in paths.DATA.rglob("*") if p.is_file())
    assert size < 20e6, f"data/ is {size / 1e6:.1f} MB (limit 20 MB)"


@pytest.mark.slow
def test_regeneration_is_byte_identical(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(paths.ROOT / "paper_lib", copy / "paper_lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.DATA, copy / "data", ignore=shutil.ignore_patterns("__pycache__", "reference"))
    env = {**os.environ, "PYTHONPATH": str(copy)}
    subprocess.run([sys.executable, str(copy / "data" / "generate.py")], cwd=copy, env=env, check=True,
                   capture_output=True, timeout=600)
    fresh = sorted(p.relative_to(copy / "data").as_posix() for p in (copy / "data").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    original = sorted(p.relative_to(paths.DATA).as_posix() for p in paths.DATA.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)
    assert fresh == original
    for name in original:
        assert (copy / "data" / name).read_bytes() == (paths.DATA / name).read_bytes(), f"{name} differs"
