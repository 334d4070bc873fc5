"""Provenance of a figure: data hashes, parameters, code hash and package versions.

Nothing here changes with every commit (no commit id, no dates), so a rebuild gives identical files;
the build records the commit beside the figures, in the untracked figures/BUILD_INFO.json.
"""

import hashlib
import json
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from . import paths

PACKAGES = ("numpy", "scipy", "xarray", "pandas", "matplotlib", "lmfit", "nmrglue", "ase", "galvani", "pooch")


@lru_cache(maxsize=1)
def library_hash() -> str:
    """sha256 over paper_lib's source files (.py and .yaml), in path order."""
    digest = hashlib.sha256()
    for path in sorted(paths.ROOT.joinpath("paper_lib").rglob("*")):
        if path.suffix in {".py", ".yaml", ".mplstyle"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(paths.ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def notebook_hash(notebook) -> str:
    """sha256 of a notebook's code cells (sources and tags), not of its outputs; ``notebook`` is a name in
    notebooks/ or a path."""
    path = notebook if isinstance(notebook, Path) else paths.NOTEBOOKS / f"{notebook}.ipynb"
    nb = json.loads(path.read_text())
    cells = [(c["source"] if isinstance(c["source"], str) else "".join(c["source"]),
              c.get("metadata", {}).get("tags", [])) for c in nb["cells"] if c["cell_type"] == "code"]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


@lru_cache(maxsize=1)
def versions() -> dict:
    found = {"python": ".".join(map(str, sys.version_info[:3]))}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def data_sources(*objects) -> list:
    """``[{"file", "sha256"}]`` of the inputs: Datasets read from one file (attrs ``source_file``,
    ``sha256``), results derived from several (attrs ``source_files``, ``source_sha256``, comma-joined,
    e.g. a conductivity table), ase Atoms (info), file paths (e.g. the claims files the audit reads), or
    lists of them."""
    found = {}
    for obj in objects:
        for item in obj if isinstance(obj, (list, tuple)) else [obj]:
            if isinstance(item, Path):
                found[paths.relative(item.resolve())] = hashlib.sha256(item.read_bytes()).hexdigest()
                continue
            meta = getattr(item, "attrs", None) or getattr(item, "info", None) or {}
            if meta.get("source_file"):
                found[meta["source_file"]] = meta.get("sha256", "")
            files, hashes = meta.get("source_files"), meta.get("source_sha256")
            if files and hashes:
                found.update(zip(files.split(", "), hashes.split(", ")))
    return [{"file": f, "sha256": h} for f, h in sorted(found.items())]


def record(figure, notebook, data=(), parameters=None, reference_data=True) -> dict:
    """The provenance record of one figure."""
    try:
        nb_hash = notebook_hash(notebook)
    except FileNotFoundError:
        nb_hash = None
    return {"figure": figure, "notebook": f"notebooks/{notebook}.ipynb", "reference_data": bool(reference_data),
            "code": {"paper_lib_sha256": library_hash(), "notebook_sha256": nb_hash},
            "parameters": parameters or {}, "data": data_sources(*data), "versions": versions()}
