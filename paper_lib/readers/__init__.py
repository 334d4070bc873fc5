"""One reader per file format, chosen by the manifest's ``format`` or sniffed from the file.

Every reader takes a path and returns an ``xarray.Dataset`` in the canonical schema of its kind
(:mod:`paper_lib.schema`); :func:`read` adds the provenance attributes (source file, sha256,
measurement id, sample, conditions). Structure readers return ``ase.Atoms`` objects instead.
"""

from importlib import import_module
from pathlib import Path

from .. import paths, registry
from ..cycler import CYCLER_KINDS
from ..errors import InputError

# format name -> (module in this package, function)
FORMATS = {
    "biologic-mpt": ("eis_biologic", "read_mpt"),
    "biologic-mpr": ("eis_biologic", "read_mpr"),
    "gamry-dta": ("eis_gamry", "read_dta"),
    "zview-z": ("eis_zview", "read_z"),
    "eis-csv": ("eis_csv", "read_csv"),
    "bruker": ("nmr", "read_bruker"),
    "jcamp-nmr": ("nmr", "read_jcamp"),
    "neb-extxyz": ("structures", "read_neb"),
    "extxyz": ("structures", "read_structure"),
    "vasp": ("structures", "read_structure"),
    "xy": ("xrd", "read_xy"),
    "xrdml": ("xrd", "read_xrdml"),
    "jcamp-ir": ("ftir", "read_jcamp_ir"),
    "ftir-csv": ("ftir", "read_csv_ir"),
    "netzsch-txt": ("thermal", "read_netzsch"),
    "tiff-image": ("images", "read_tiff"),
    "msa": ("eels", "read_msa"),
    "neware-ndax": ("cycler_neware", "read_ndax"),
    "cycler-csv": ("cycler_text", "read_records"),
    "chi-txt": ("cycler_text", "read_chi"),
    "xdatcar": ("trajectory", "read_xdatcar"),
    "trajectory-extxyz": ("trajectory", "read_extxyz"),
    "vamas": ("xps", "read_vamas"),
    "xps-csv": ("xps", "read_csv"),
    "jpk-force-map": ("afm", "read_force_map"),
    "gwyddion-gsf": ("afm", "read_gsf"),
}
# The same BioLogic formats hold cycler techniques (CV, GCPL, CA, ...) for the cycler kinds.
CYCLER_FORMATS = {"biologic-mpt": ("cycler_biologic", "read_mpt"), "biologic-mpr": ("cycler_biologic", "read_mpr")}
_BY_SUFFIX = {".mpt": "biologic-mpt", ".mpr": "biologic-mpr", ".dta": "gamry-dta", ".z": "zview-z",
              ".jdx": "jcamp-nmr", ".dx": "jcamp-nmr", ".vasp": "vasp", ".xy": "xy", ".xye": "xy",
              ".xrdml": "xrdml", ".tif": "tiff-image", ".tiff": "tiff-image", ".msa": "msa", ".emsa": "msa",
              ".ndax": "neware-ndax", ".nda": "neware-ndax", ".vms": "vamas",
              ".jpk-force-map": "jpk-force-map", ".jpk-qi-data": "jpk-force-map", ".gsf": "gwyddion-gsf"}
_BY_KIND_SUFFIX = {("eis", ".csv"): "eis-csv", ("eis", ".txt"): "eis-csv",
                   ("neb", ".extxyz"): "neb-extxyz", ("neb", ".xyz"): "neb-extxyz",
                   ("trajectory", ".extxyz"): "trajectory-extxyz", ("trajectory", ".xyz"): "trajectory-extxyz",
                   ("structure", ".extxyz"): "extxyz", ("structure", ".xyz"): "extxyz",
                   ("ftir", ".jdx"): "jcamp-ir", ("ftir", ".dx"): "jcamp-ir", ("ftir", ".csv"): "ftir-csv",
                   ("tga", ".txt"): "netzsch-txt", ("dsc", ".txt"): "netzsch-txt",
                   ("tga", ".csv"): "netzsch-txt", ("dsc", ".csv"): "netzsch-txt", ("xps", ".csv"): "xps-csv"}


def sniff(path, kind=None) -> str:
    """Guess the format of ``path`` from its name and content; raise :class:`InputError` if unknown."""
    path = Path(path)
    if path.is_dir():
        if (path / "acqus").exists():
            return "bruker"
        raise InputError(path, "a folder, but not a Bruker data set (no 'acqus' file)")
    suffix = path.suffix.lower()
    if (kind, suffix) in _BY_KIND_SUFFIX:
        return _BY_KIND_SUFFIX[(kind, suffix)]
    if kind in CYCLER_KINDS and suffix in (".csv", ".txt"):
        return "chi-txt" if _looks_like_chi(path) else "cycler-csv"
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if path.name.upper().startswith(("POSCAR", "CONTCAR")):
        return "vasp"
    if path.name.upper().startswith("XDATCAR") or suffix == ".xdatcar":
        return "xdatcar"
    raise InputError(path, f"cannot tell the file format from its name; give 'format' (one of {sorted(FORMATS)})")


def _looks_like_chi(path) -> bool:
    """A CH Instruments export names its columns 'Potential/V, Current/A' after a parameter header."""
    with open(path, "rb") as handle:
        head = handle.read(8192).decode("latin-1").lower()
    return "potential/v, current/a" in head


def reader(fmt, kind=None):
    """The reader function of format ``fmt`` (for a cycler ``kind``, the cycler reader of it)."""
    if kind in CYCLER_KINDS and fmt in CYCLER_FORMATS:
        module, function = CYCLER_FORMATS[fmt]
    elif fmt in FORMATS:
        module, function = FORMATS[fmt]
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {sorted(FORMATS)}")
    return getattr(import_module(f"{__name__}.{module}"), function)


def read_file(path, fmt=None, kind=None):
    """Read one file with its format's reader (sniffed when ``fmt`` is None)."""
    return reader(fmt or sniff(path, kind), kind)(Path(path))


def read(measurement):
    """Read a :class:`paper_lib.manifest.Measurement`, hash-checked, with provenance in ``attrs``."""
    path = measurement.local_file()
    fmt = measurement.format or sniff(path, measurement.kind)
    data = reader(fmt, measurement.kind)(path)
    provenance = {"measurement": measurement.id, "sample": measurement.sample, "kind": measurement.kind,
                  "format": fmt, "source_file": paths.relative(path),
                  "sha256": registry.content_hash(path),
                  **{k: v for k, v in measurement.conditions.items() if isinstance(v, (str, int, float))}}
    if hasattr(data, "attrs"):
        data.attrs.update(provenance)
    elif isinstance(data, list):  # structures (ase.Atoms) or spectra (xarray), one per frame or block
        for item in data:
            if hasattr(item, "attrs"):
                item.attrs.update(provenance)
            else:
                item.info.update({k: v for k, v in provenance.items() if k != "kind"})
    else:
        data.info.update({k: v for k, v in provenance.items() if k != "kind"})
    return data
