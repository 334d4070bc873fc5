"""One reader per file format, chosen by the manifest's ``format`` or sniffed from the file.

Every reader takes a path and returns an ``xarray.Dataset`` in the canonical schema of its kind
(:mod:`paper_lib.schema`); :func:`read` adds the provenance attributes (source file, sha256,
measurement id, sample, conditions). Structure readers return ``ase.Atoms`` objects instead.
"""

from importlib import import_module
from pathlib import Path

from .. import paths, registry
from . import _sniff
from ..cycler import CYCLER_KINDS
from ..errors import InputError

# format name -> (module in this package, function)
FORMATS = {
    "biologic-mpt": ("eis_biologic", "read_mpt"),
    "biologic-mpr": ("eis_biologic", "read_mpr"),
    "gamry-dta": ("eis_gamry", "read_dta"),
    "zview-z": ("eis_zview", "read_z"),
    "eis-csv": ("eis_csv", "read_csv"),
    "eis-csv-headerless": ("eis_csv", "read_headerless"),
    "chi-eis": ("eis_chi", "read_chi_eis"),
    "zplotw": ("eis_zview", "read_zplotw"),
    "versastudio-par": ("eis_par", "read_par"),
    "parstat-txt": ("eis_par", "read_parstat"),
    "powersuite-txt": ("eis_par", "read_powersuite"),
    "autolab-nova": ("eis_autolab", "read_nova"),
    "zahner-ism": ("eis_zahner", "read_ism"),
    "ivium-idf": ("eis_ivium", "read_idf"),
    "bruker": ("nmr", "read_bruker"),
    "varian": ("nmr", "read_varian"),
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
    "gatan-dm": ("gatan_dm", "read_dm"),
    "ta-txt": ("thermal_ta", "read_ta"),
    "mettler-stare": ("thermal_mettler", "read_stare"),
    "bruker-opus": ("ftir_opus", "read_opus"),
    "galactic-spc": ("ftir_spc", "read_spc"),
    "bruker-raw": ("xrd_bruker", "read_raw"),
    "rigaku-ras": ("xrd_rigaku", "read_ras"),
    "rigaku-rasx": ("xrd_rigaku", "read_rasx"),
    "vasp-outcar": ("dft_outputs", "read_energy"),
    "vasprun-xml": ("dft_outputs", "read_energy"),
    "bader-acf": ("dft_outputs", "read_acf"),
    "chgcar": ("dft_outputs", "read_chgcar"),
    "doscar": ("dft_outputs", "read_doscar"),
    "gaussian-log": ("dft_outputs", "read_gaussian_dipole"),
}
# The same BioLogic formats hold cycler techniques (CV, GCPL, CA, ...) for the cycler kinds.
CYCLER_FORMATS = {"biologic-mpt": ("cycler_biologic", "read_mpt"), "biologic-mpr": ("cycler_biologic", "read_mpr")}
_BY_SUFFIX = {".mpt": "biologic-mpt", ".mpr": "biologic-mpr", ".dta": "gamry-dta", ".z": "zview-z",
              ".jdx": "jcamp-nmr", ".dx": "jcamp-nmr", ".vasp": "vasp", ".xy": "xy", ".xye": "xy",
              ".xrdml": "xrdml", ".tif": "tiff-image", ".tiff": "tiff-image", ".msa": "msa", ".emsa": "msa",
              ".ndax": "neware-ndax", ".nda": "neware-ndax", ".vms": "vamas",
              ".jpk-force-map": "jpk-force-map", ".jpk-qi-data": "jpk-force-map", ".gsf": "gwyddion-gsf",
              ".par": "versastudio-par", ".ism": "zahner-ism", ".idf": "ivium-idf", ".dm3": "gatan-dm", ".dm4": "gatan-dm",
              ".ras": "rigaku-ras", ".rasx": "rigaku-rasx"}
_BY_KIND_SUFFIX = {("eis", ".csv"): "eis-csv", ("eis", ".txt"): "eis-csv",
                   ("neb", ".extxyz"): "neb-extxyz", ("neb", ".xyz"): "neb-extxyz",
                   ("trajectory", ".extxyz"): "trajectory-extxyz", ("trajectory", ".xyz"): "trajectory-extxyz",
                   ("structure", ".extxyz"): "extxyz", ("structure", ".xyz"): "extxyz",
                   ("ftir", ".jdx"): "jcamp-ir", ("ftir", ".dx"): "jcamp-ir", ("ftir", ".csv"): "ftir-csv",
                   ("tga", ".txt"): "netzsch-txt", ("dsc", ".txt"): "netzsch-txt",
                   ("tga", ".csv"): "netzsch-txt", ("dsc", ".csv"): "netzsch-txt", ("xps", ".csv"): "xps-csv",
                   ("ftir", ".spc"): "galactic-spc", ("xrd", ".raw"): "bruker-raw",
                   ("dipole", ".log"): "gaussian-log", ("dipole", ".out"): "gaussian-log"}


# The kinds each format can hold (a format not listed serves any kind).
KINDS_OF = {"biologic-mpt": ("eis",) + CYCLER_KINDS, "biologic-mpr": ("eis",) + CYCLER_KINDS,
            "neware-ndax": CYCLER_KINDS, "cycler-csv": CYCLER_KINDS, "chi-txt": CYCLER_KINDS,
            "neb-extxyz": ("neb",), "trajectory-extxyz": ("trajectory",), "extxyz": ("structure",),
            "vasp": ("structure",), "xdatcar": ("trajectory",), "vamas": ("xps",), "xps-csv": ("xps",),
            "jpk-force-map": ("afm-force-map",), "gwyddion-gsf": ("afm-topography",),
            **{f: ("eis",) for f in ("gamry-dta", "zview-z", "eis-csv", "eis-csv-headerless", "chi-eis", "zplotw",
                                     "versastudio-par", "parstat-txt", "powersuite-txt", "autolab-nova",
                                     "zahner-ism", "ivium-idf")},
            **{f: ("ftir",) for f in ("jcamp-ir", "ftir-csv", "bruker-opus", "galactic-spc")},
            **{f: ("xrd",) for f in ("xy", "xrdml", "bruker-raw", "rigaku-ras", "rigaku-rasx")},
            **{f: ("tga", "dsc") for f in ("netzsch-txt", "ta-txt", "mettler-stare")},
            **{f: ("nmr",) for f in ("bruker", "jcamp-nmr", "varian")},
            "tiff-image": ("image",), "msa": ("eels",), "gatan-dm": ("image", "eels"),
            "vasp-outcar": ("dft-energy", "dft-run"), "vasprun-xml": ("dft-energy", "dft-run"),
            "bader-acf": ("bader",), "chgcar": ("charge-density",), "doscar": ("dos",), "gaussian-log": ("dipole",)}
# Tables that many programs write: tried after every vendor's own layout.
GENERIC = ("eis-csv", "eis-csv-headerless", "cycler-csv", "ftir-csv", "xy", "xps-csv")
# Modules holding a SNIFF dict {format: test(path, head) -> bool}. dft_outputs comes first: a CHGCAR
# opens with a POSCAR block, so its (stricter) test must rank before the POSCAR one.
_SNIFF_MODULES = ("dft_outputs", "_sniff", "eis_biologic", "eis_gamry", "eis_zview", "eis_csv", "eis_chi", "eis_par", "eis_autolab",
                  "eis_zahner", "eis_ivium", "nmr", "xrd", "xrd_bruker", "xrd_rigaku", "ftir", "ftir_opus", "ftir_spc",
                  "thermal", "thermal_ta", "thermal_mettler", "images", "gatan_dm", "eels")


def content_tests() -> dict:
    """Every format's content test, ``{format: [test, ...]}``, from the reader modules' SNIFF dicts."""
    tests = {}
    for name in _SNIFF_MODULES:
        for fmt, test in getattr(import_module(f"{__name__}.{name}"), "SNIFF", {}).items():
            tests.setdefault(fmt, []).append(test)
    return tests


def _head(path) -> bytes:
    if path.is_dir():
        return b""
    try:
        with open(path, "rb") as handle:
            return handle.read(_sniff.HEAD_BYTES)
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from None


def _matches(path, kind) -> list:
    """Formats whose content test accepts ``path`` (and that can hold ``kind``), vendor layouts first."""
    head = _head(path)
    found = []
    for fmt, tests in content_tests().items():
        if kind is not None and fmt in KINDS_OF and kind not in KINDS_OF[fmt]:
            continue
        try:
            if any(test(path, head) for test in tests):
                found.append(fmt)
        except Exception:  # a content test that trips on odd bytes has not recognised the file
            continue
    return sorted(found, key=lambda f: f in GENERIC)


def sniff(path, kind=None) -> str:
    """The format of ``path``, found by its content (magic bytes, header keywords, column names); the
    file name decides only between formats whose content is alike, or when no content test accepts the
    file. Raises :class:`InputError` naming what was tried when nothing fits."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    found = _matches(path, kind)
    by_name = _by_name(path, kind)
    if found and (by_name not in found or (by_name in GENERIC and found[0] not in GENERIC)):
        return found[0]  # the content decides; a vendor's layout before a generic table
    if by_name:
        return by_name
    if path.is_dir():
        raise InputError(path, "a folder, but not a data set of a known layout (a Bruker experiment has 'acqus', "
                               "a Varian/Agilent one 'procpar' and 'fid')")
    tried = sorted(content_tests())
    raise InputError(path, f"the content matches no known format (tried {', '.join(tried)}); "
                           "give the manifest entry a 'format'" + (f" for kind {kind!r}" if kind else ""))


def _by_name(path, kind):
    """The format that the file name suggests (None if it suggests none)."""
    suffix = path.suffix.lower()
    if (kind, suffix) in _BY_KIND_SUFFIX:
        return _BY_KIND_SUFFIX[(kind, suffix)]
    if kind in CYCLER_KINDS and suffix in (".csv", ".txt"):
        return "cycler-csv"
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if path.name.upper().startswith(("POSCAR", "CONTCAR")):
        return "vasp"
    if path.name.upper().startswith("XDATCAR") or suffix == ".xdatcar":
        return "xdatcar"
    return _dft_name(path.name.upper())


# VASP and bader output names (name starts with, format)
_DFT_NAMES = (("OUTCAR", "vasp-outcar"), ("VASPRUN", "vasprun-xml"), ("ACF", "bader-acf"), ("CHGCAR", "chgcar"),
              ("AECCAR", "chgcar"), ("CHG_", "chgcar"), ("DOSCAR", "doscar"))


def _dft_name(name):
    if name.startswith("VASPRUN") and not name.endswith(".XML"):
        return None
    return next((fmt for start, fmt in _DFT_NAMES if name.startswith(start)), None)


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
