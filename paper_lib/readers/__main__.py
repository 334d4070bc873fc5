"""``python -m paper_lib.readers FILE... [--kind KIND]``: what the compendium makes of a new file.

For each file: the format found by its content, the dimensions, the range and unit of every coordinate,
the variables, the sign convention applied (impedance), and a manifest entry to paste into a manifest's
``measurements:``. A file that cannot be read gets the reader's message, and the exit status is 1.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from .. import registry
from ..errors import InputError
from ..manifest import KINDS
from ..cycler import CYCLER_KINDS
from . import CYCLER_FORMATS, KINDS_OF, read_file, sniff

# Formats whose usual kind is not the first of KINDS_OF (the cycler kinds start with "cv").
_USUAL_KIND = {"neware-ndax": "cell", "cycler-csv": "cycling", "biologic-mpt": "eis", "biologic-mpr": "eis"}


def kind_of(fmt, data):
    """The manifest kind for data of format ``fmt`` (the data's own ``kind`` attribute first)."""
    kind = getattr(data, "attrs", {}).get("kind") if hasattr(data, "attrs") else None
    if kind in KINDS:
        return kind
    if fmt in _USUAL_KIND:
        return _USUAL_KIND[fmt]
    kinds = KINDS_OF.get(fmt, ())
    return kinds[0] if kinds else "?"


def _range(values):
    values = np.asarray(values)
    if values.size == 0 or not np.issubdtype(values.dtype, np.number):
        return f"{values.size} labels"
    return f"{values.min():.6g} .. {values.max():.6g} ({values.size} points)"


def describe_dataset(ds) -> list:
    """Lines on an xarray Dataset: dimensions, coordinates with ranges and units, variables."""
    out = ["dimensions: " + ", ".join(f"{k} = {v}" for k, v in ds.sizes.items())]
    for name, coord in ds.coords.items():
        out.append(f"  {name}: {_range(coord.values)} {coord.attrs.get('units', '(no unit)')}")
    for name, var in ds.data_vars.items():
        out.append(f"  variable {name} {tuple(var.dims)}: {var.attrs.get('units', '(no unit)')}")
    for key in ("sign_convention", "file_sign_convention", "quantity", "nucleus", "wavelength_A", "processing",
                "exo"):
        if key in ds.attrs:
            out.append(f"  {key}: {ds.attrs[key]}")
    return out


def describe_atoms(items) -> list:
    """Lines on ase.Atoms objects (one structure, or the frames of a band or trajectory)."""
    first = items[0]
    out = [f"{len(items)} frame(s) of {len(first)} atoms: {first.get_chemical_formula()}"]
    if first.cell.rank == 3:
        out.append("  cell lengths: " + ", ".join(f"{x:.4f}" for x in first.cell.lengths()) + " Å")
    return out


def _read(path, fmt, kind):
    """``(data, kind)``: a BioLogic file without a kind is read as impedance, else as a cycler record."""
    if kind is None and fmt in CYCLER_FORMATS:
        try:
            return read_file(path, fmt, "eis"), "eis"
        except InputError:
            return read_file(path, fmt, "cycling"), "cycler"
    return read_file(path, fmt, kind), kind


def describe(path, kind=None) -> tuple:
    """``(lines, manifest entry)`` for one file; raises :class:`InputError` when it cannot be read."""
    path = Path(path)
    fmt = sniff(path, kind)
    data, kind = _read(path, fmt, kind)
    items = data if isinstance(data, list) else [data]
    if hasattr(items[0], "dims"):
        first = items[0] if hasattr(items[0], "data_vars") else items[0].to_dataset(name=items[0].name or "values")
        lines = describe_dataset(first)
        if len(items) > 1:
            lines.insert(0, f"{len(items)} blocks; the first:")
    else:
        lines = describe_atoms(items)
    kind = kind or kind_of(fmt, items[0])
    if kind == "cycler":
        kind = "<one of " + ", ".join(CYCLER_KINDS) + ">"
    needed = KINDS.get(kind, ())
    conditions = "{" + ", ".join(f"{k}: ..." for k in needed) + "}" if needed else "{}"
    entry = "\n".join([f"  - id: {path.stem}", f"    kind: {kind}", "    sample: ...", f"    file: {path.name}",
                       f"    format: {fmt}", f"    sha256: '{registry.content_hash(path)}'",
                       f"    conditions: {conditions}"])
    return [f"format: {fmt} (found by content)", *lines], entry


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paper_lib.readers", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--kind", choices=sorted(KINDS), help="the manifest kind, when a format holds several")
    args = parser.parse_args(argv)
    status = 0
    for path in args.files:
        print(f"== {path}")
        try:
            lines, entry = describe(path, args.kind)
        except InputError as error:
            print(f"cannot read: {error}")
            status = 1
            continue
        print("\n".join(lines))
        print("manifest entry:\n" + entry + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
