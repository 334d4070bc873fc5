"""Shared pieces of the generator: per-file seeded random numbers and the manifest writer."""

import hashlib
from pathlib import Path

import numpy as np
import yaml

DATA = Path(__file__).resolve().parents[1]
REFERENCE = DATA / "reference"
MANIFESTS = DATA / "manifests"


def rng(name: str) -> np.random.Generator:
    """A random generator seeded from ``name`` only (the file's relative name), so output never
    depends on the order files are made in."""
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    return np.random.default_rng(seed)


def reference_path(relative: str) -> Path:
    """Absolute path of a reference file, parent folders created."""
    path = REFERENCE / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_manifest(name: str, description: str, measurements: list) -> Path:
    """Write ``data/manifests/<name>.yaml``; ``file`` entries are relative to data/reference and are
    rewritten relative to the manifest, as a user's manifest would have them."""
    entries = []
    for m in measurements:
        entry = dict(m)
        entry["file"] = "../reference/" + entry["file"]
        entries.append(entry)
    doc = {"manifest": 1, "description": description, "reference_data": True, "measurements": entries}
    path = MANIFESTS / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ("# Reference dataset (generated, not measured): see data/README.md.\n"
              "# The same format describes new data: see README.md, 'Running a notebook on your own data'.\n")
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
    return path
