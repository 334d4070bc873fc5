"""Regenerate the reference dataset (data/reference), its manifests and its sha256 registry.

    python data/generate.py            # everything
    python data/generate.py eis nmr    # some domains only (the registry is always rewritten whole)
    python data/generate.py --force    # write every file, even one that agrees within tolerance

Deterministic: each file is seeded from its own name, and the arithmetic that reaches the written
digits avoids what varies between CPUs (BLAS products, solver bits), so a run gives the same bytes on
every machine tried (tests/test_data_integrity.py checks it). Files are made in a staging folder and
compared with the committed ones by paper_lib.compare: a file that agrees within its tolerance (one
unit of a written digit, one quantum of integer data) keeps its committed bytes, a file that differs
replaces it, and a run that fails changes nothing.
"""

import sys
import tempfile
from importlib import import_module
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

DOMAINS = ("eis", "nmr", "dft", "thermal", "xrd", "ftir", "eels", "images", "cv", "polarization", "transference", "aimd", "ccd", "cycling", "cells", "cell_eis", "xps", "afm")


TITLES = {"eis": "Impedance spectra (data/manifests/eis.yaml)", "nmr": "NMR spectra (data/manifests/nmr.yaml)",
          "dft": "DFT structures, NEB bands and program outputs (data/manifests/dft.yaml)",
          "ftir": "FTIR spectra (data/manifests/ftir.yaml)", "eels": "EELS B K-edges (data/manifests/eels.yaml)",
          "thermal": "Thermal analysis, TGA and DSC (data/manifests/thermal.yaml)",
          "images": "Microscopy images, SEM and HRTEM (data/manifests/images.yaml)"}
TITLES["xrd"] = "X-ray powder diffraction (data/manifests/xrd.yaml)"
TITLES["cv"] = "Cyclic voltammetry (data/manifests/cv.yaml)"
TITLES["polarization"] = "DC polarization (data/manifests/polarization.yaml)"
TITLES["ccd"] = "Critical current density of Li|SSE|Li cells (data/manifests/ccd.yaml)"
TITLES["cycling"] = "Long-term Li plating/stripping of Li|SSE|Li cells (data/manifests/cycling.yaml)"
TITLES["cells"] = "Galvanostatic cycling of Li|SSE|LTO and Li|SSE|LiCoO2 cells (data/manifests/cells.yaml)"
TITLES["xps"] = "XPS depth profiles of cycled Li and pristine LiNBH (data/manifests/xps.yaml)"
TITLES["afm"] = "AFM force maps and topography of cycled Li (data/manifests/afm.yaml)"
TITLES["cell_eis"] = "Impedance of the LiCoO2 full cell after cycling (data/manifests/cell_eis.yaml)"
TITLES["aimd"] = "Li trajectories at 30 degC, AIMD-like (data/manifests/aimd.yaml)"
TITLES["transference"] = "Transference number: polarization and impedance of Li cells (data/manifests/transference.yaml)"
INTRO = """# The reference dataset

**Generated, not measured.** The article's raw data are not public. These files were made by
`data/generate.py` from physical forward models whose parameters are the article's reported values, with
measurement-like noise and artefacts, and written in the export formats of real instruments and codes.
Analysing them must give back the article's numbers (figures/REPRODUCTION.md): that tests the analysis,
not the article. Every figure made from them carries a "reference data" mark.

- Regenerate: `make data` (or `python data/generate.py`). Each file is seeded from its own name and the
  output is byte-identical on every machine tried (tests/test_data_integrity.py checks that a fresh run
  agrees with the committed files); a file that agrees within its tolerance keeps its committed bytes.
- `registry.txt`: sha256 of every file under `reference/` (a pooch registry); `paper_lib.registry.fetch`
  refuses a file whose hash differs and downloads missing ones.
- `manifests/*.yaml`: the measurements, in the same format a user writes for new data (README.md).
- This file is written by `data/generate.py` from the generator modules' own descriptions.
"""


def readme() -> str:
    """data/README.md: the introduction, then per domain the forward model and a table of its files."""
    import ast

    import yaml

    parts = [INTRO]
    for domain in DOMAINS:
        source = (HERE / "generator" / f"{domain}.py").read_text()
        doc = ast.get_docstring(ast.parse(source))
        manifest = yaml.safe_load((HERE / "manifests" / f"{domain}.yaml").read_text())
        parts += [f"## {TITLES[domain]}", "", "```text", doc, "```", "",
                  "| id | kind | sample | file | format | conditions |", "|---|---|---|---|---|---|"]
        for m in manifest["measurements"]:
            conditions = ", ".join(f"{k}={v}" for k, v in (m.get("conditions") or {}).items())
            parts.append(f"| {m['id']} | {m['kind']} | {m['sample']} | `{m['file'].removeprefix('../')}` "
                         f"| {m.get('format', '')} | {conditions} |")
        parts.append("")
    return "\n".join(parts)


def install(stage: Path, force=False) -> dict:
    """Move the staged files into data/ unless they agree with the committed ones (or ``force``);
    count what happened."""
    from paper_lib import compare

    counts = {"identical": 0, "kept within tolerance": 0, "replaced": 0, "new": 0}
    for new in sorted(p for p in stage.rglob("*") if p.is_file()):
        target = HERE / new.relative_to(stage)
        if not target.exists():
            kind = "new"
        else:
            found = compare.files(target, new, target.relative_to(HERE).as_posix())
            kind = "replaced" if compare.real(found) else "kept within tolerance" if found else "identical"
            for d in compare.real(found)[:3]:
                print(f"  {d}")
        if force and kind == "kept within tolerance":
            kind = "replaced"
        counts[kind] += 1
        if kind in ("new", "replaced"):
            target.parent.mkdir(parents=True, exist_ok=True)
            new.replace(target)
    return counts


def main(argv):
    from generator import common
    from paper_lib import paths, registry

    force = "--force" in argv
    argv = [a for a in argv if a != "--force"]
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=HERE) as tmp:
        stage = Path(tmp)
        common.REFERENCE, common.MANIFESTS = stage / "reference", stage / "manifests"
        for domain in argv or DOMAINS:
            files = import_module(f"generator.{domain}").generate()
            print(f"{domain}: {len(files)} files")
        counts = install(stage, force)
    print("files: " + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
    files = [p for p in sorted(paths.REFERENCE.rglob("*")) if p.is_file()]
    registry.write_registry(files)
    (HERE / "README.md").write_text(readme())
    size = sum(p.stat().st_size for p in files)
    print(f"registry: {len(files)} files, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
