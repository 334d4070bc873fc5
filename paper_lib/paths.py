"""Every path of the compendium, anchored at the repository root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REFERENCE = DATA / "reference"
MANIFESTS = DATA / "manifests"
REGISTRY = DATA / "registry.txt"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"
CLAIMS_DIR = FIGURES / "claims"


def relative(path) -> str:
    """``path`` relative to the repository root when inside it (for outputs), else its file name."""
    path = Path(path).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.name
