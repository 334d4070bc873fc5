"""Regenerate the reference dataset (data/reference), its manifests and its sha256 registry.

    python data/generate.py            # everything
    python data/generate.py eis nmr    # some domains only (the registry is always rewritten whole)

Deterministic: running it again gives byte-identical files (tests/test_data_integrity.py checks this).
"""

import sys
from importlib import import_module
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

DOMAINS = ("eis", "nmr", "dft", "thermal", "xrd", "ftir", "eels", "images")


TITLES = {"eis": "Impedance spectra (data/manifests/eis.yaml)", "nmr": "NMR spectra (data/manifests/nmr.yaml)",
          "dft": "DFT structures and NEB bands (data/manifests/dft.yaml)",
          "ftir": "FTIR spectra (data/manifests/ftir.yaml)", "eels": "EELS B K-edges (data/manifests/eels.yaml)",
          "thermal": "Thermal analysis, TGA and DSC (data/manifests/thermal.yaml)",
          "images": "Microscopy images, SEM and HRTEM (data/manifests/images.yaml)"}
TITLES["xrd"] = "X-ray powder diffraction (data/manifests/xrd.yaml)"
INTRO = """# The reference dataset

**Generated, not measured.** The article's raw data are not public. These files were made by
`data/generate.py` from physical forward models whose parameters are the article's reported values, with
measurement-like noise and artefacts, and written in the export formats of real instruments and codes.
Analysing them must give back the article's numbers (figures/REPRODUCTION.md): that tests the analysis,
not the article. Every figure made from them carries a "reference data" mark.

- Regenerate: `make data` (or `python data/generate.py`); the output is byte-identical every time, each
  file seeded from its own name (tests/test_data_integrity.py checks it).
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


def main(argv):
    from paper_lib import paths, registry

    for domain in argv or DOMAINS:
        files = import_module(f"generator.{domain}").generate()
        print(f"{domain}: {len(files)} files")
    files = [p for p in sorted(paths.REFERENCE.rglob("*")) if p.is_file()]
    registry.write_registry(files)
    (HERE / "README.md").write_text(readme())
    size = sum(p.stat().st_size for p in files)
    print(f"registry: {len(files)} files, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
