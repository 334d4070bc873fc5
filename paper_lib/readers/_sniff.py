"""Content tests for the formats whose reader modules keep none of their own (cyclers, XPS, AFM, atomistic
structures), and the helpers every test shares.

A test is ``test(path, head) -> bool``: ``head`` holds the file's first :data:`HEAD_BYTES` bytes (``b""``
for a folder). Tests look at magic bytes, header keywords and column names; they never raise.
"""

import re
import zipfile

HEAD_BYTES = 65536


def text(head: bytes) -> str:
    """``head`` as text: UTF-16 when it starts with a byte-order mark, else Latin-1 (never fails)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return head.decode("utf-16", errors="replace")
    if head[:3] == b"\xef\xbb\xbf":
        head = head[3:]
    return head.decode("latin-1")


def lines(head: bytes, n=40) -> list:
    return text(head).splitlines()[:n]


def zip_names(path) -> list:
    """The member names of a zip archive (empty when ``path`` is not one, or is corrupt)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return []


def _biologic_mpr(path, head):
    return head.startswith(b"BIO-LOGIC MODULAR FILE")


def _biologic_mpt(path, head):
    return head.lstrip().startswith((b"EC-Lab ASCII FILE", b"BT-Lab ASCII FILE"))


def _neware(path, head):
    if head.startswith(b"NEWARE"):
        return True
    return head.startswith(b"PK") and {"VersionInfo.xml", "data.ndc"} <= set(zip_names(path))


_CYCLER_COLUMNS = re.compile(r"(test_time|step_time|cycle_index|voltage\s*\(v\)|current\s*\(m?a\)|capacity)", re.I)


def _cycler_csv(path, head):
    """A cycler's record table: Arbin, LAND or Neware CSV exports name time, voltage and current columns."""
    for line in lines(head, 30):
        if line.count(",") + line.count("\t") + line.count(";") >= 2 and len(_CYCLER_COLUMNS.findall(line)) >= 2:
            return True
    return False


def _chi_cv(path, head):
    return "potential/v, current/a" in text(head[:8192]).lower()


def _vamas(path, head):
    return text(head[:512]).lstrip().startswith("VAMAS Surface Chemical Analysis Standard")


def _xps_csv(path, head):
    low = text(head[:16384]).lower()
    return "# region:" in low and "binding energy" in low


def _jpk(path, head):
    if not head.startswith(b"PK"):
        return False
    names = set(zip_names(path))
    return "header.properties" in names and any(n.startswith("shared-data/") for n in names)


def _gsf(path, head):
    return head.startswith(b"Gwyddion Simple Field 1.0")


def _extxyz(path, head):
    first = lines(head, 2)
    return len(first) == 2 and first[0].strip().isdigit() and ("Lattice=" in first[1] or "Properties=" in first[1])


def _xdatcar(path, head):
    return "Direct configuration=" in text(head) or "Cartesian configuration=" in text(head)


def _floats(line, n):
    parts = line.split()
    if len(parts) < n:
        return False
    try:
        [float(p) for p in parts[:n]]
    except ValueError:
        return False
    return True


def _poscar(path, head):
    """VASP POSCAR/CONTCAR: comment, scale, three lattice vectors, (species,) counts, coordinate mode."""
    rows = lines(head, 10)
    if len(rows) < 8 or not _floats(rows[1], 1) or not all(_floats(r, 3) for r in rows[2:5]):
        return False
    k = 5 if rows[5].split() and rows[5].split()[0].isdigit() else 6
    if k >= len(rows) or not rows[k].split() or not all(p.isdigit() for p in rows[k].split()):
        return False
    mode = rows[k + 1].strip().lower() if k + 1 < len(rows) else ""
    if mode.startswith("s"):  # selective dynamics
        mode = rows[k + 2].strip().lower() if k + 2 < len(rows) else ""
    return mode[:1] in ("d", "c", "k") and not _xdatcar(path, head)


def _bruker(path, head):
    """A Bruker experiment folder (``acqus`` inside)."""
    return path.is_dir() and (path / "acqus").is_file()


SNIFF = {"bruker": _bruker, "biologic-mpr": _biologic_mpr, "biologic-mpt": _biologic_mpt, "neware-ndax": _neware,
         "cycler-csv": _cycler_csv, "chi-txt": _chi_cv, "vamas": _vamas, "xps-csv": _xps_csv,
         "jpk-force-map": _jpk, "gwyddion-gsf": _gsf, "extxyz": _extxyz, "neb-extxyz": _extxyz,
         "trajectory-extxyz": _extxyz, "xdatcar": _xdatcar, "vasp": _poscar}
