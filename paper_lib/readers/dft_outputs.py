"""Readers of DFT program outputs: VASP OUTCAR / vasprun.xml, bader ACF.dat, CHGCAR-layout volumetric
files, VASP DOSCAR and Gaussian 16 logs.

* :func:`read_energy` (formats ``vasp-outcar``, ``vasprun-xml``): the run's total energy
  energy(sigma->0) (eV) as ``ase.io`` reads it, the SCF criterion EDIFF (eV) when the file states it,
  the POTCAR valences ZVAL (e, OUTCAR only) and the final structure in ``attrs["atoms"]``.
* :func:`read_acf` (``bader-acf``): the Henkelman bader program's ACF.dat (charges in e, Å).
* :func:`read_chgcar` (``chgcar``): rho·V_cell values on the grid → density (e/Å^3), read with
  ``ase.calculators.vasp.VaspChargeDensity``.
* :func:`read_doscar` (``doscar``): total and site-projected DOS (states/eV) against E − E_F (eV), read
  with ``ase.calculators.vasp.VaspDos`` after a line-by-line check of the layout.
* :func:`read_gaussian_dipole` (``gaussian-log``): the last dipole moment (D) of a Gaussian log, the
  vector via ``ase.io`` ("gaussian-out"), the printed Tot alongside.

Every reader returns an ``xarray`` object whose variables carry ``units`` and ``long_name``; bad input
raises :class:`~paper_lib.errors.InputError` naming the file and the line or field.
"""

import math
import re
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import InputError
from ..schema import make_dataset, variable
from . import _sniff

DEBYE = 0.20819434  # e·Å per debye


# ================================================================ total energies
def read_energy(path) -> xr.Dataset:
    """A VASP OUTCAR (``vasp-out``) or vasprun.xml (``vasp-xml``): scalar ``energy`` (eV,
    energy(sigma->0) of the last ionic step), ``zval`` (e, per species; OUTCAR only); attrs ``ediff``
    (eV, absent when not stated), ``converged`` (OUTCAR: "aborting loop because EDIFF is reached";
    None for vasprun.xml), ``formula``, ``n_atoms``, ``atoms`` (ase.Atoms)."""
    import ase.io

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "expected a VASP OUTCAR or vasprun.xml; it does not exist")
    fmt = "vasp-xml" if path.suffix.lower() == ".xml" else "vasp-out"
    try:
        atoms = ase.io.read(path, format=fmt, index=-1)
        energy = float(atoms.get_potential_energy())
    except Exception as exc:
        raise InputError(path, f"expected a complete {fmt} file with an energy; could not read it "
                               f"({type(exc).__name__}: {exc})") from None
    text = path.read_text(errors="replace")
    ediff = _ediff(text, fmt)
    data = {"energy": variable((), energy, "eV", "total energy, energy(sigma->0)")}
    coords = {}
    zval = _optional_zval(path) if fmt == "vasp-out" else None
    if zval:
        data["zval"] = variable("species", list(zval.values()), "e", "POTCAR valence ZVAL")
        coords["species"] = variable("species", list(zval), "1", "element")
    attrs = {"kind": "dft-energy", "source": path.name, "code_format": fmt,
             "converged": ("aborting loop because EDIFF is reached" in text) if fmt == "vasp-out" else None,
             "formula": atoms.get_chemical_formula(), "n_atoms": len(atoms), "atoms": atoms}
    if ediff is not None:
        attrs["ediff"] = ediff
    return make_dataset(data, coords, attrs)


def _ediff(text, fmt):
    pattern = r"EDIFF\s*=\s*([-+0-9.EeDd]+)" if fmt == "vasp-out" else r'name="EDIFF">\s*([-+0-9.Ee]+)'
    match = re.search(pattern, text)
    return float(match.group(1).replace("D", "E")) if match else None


def _optional_zval(path):
    try:
        return read_zval(path)
    except InputError:
        return None


def read_zval(path) -> dict:
    """ZVAL (valence electrons, e) per element from a VASP OUTCAR ('POTCAR:' titles, 'ZVAL   =' line)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "expected a VASP OUTCAR (for the POTCAR valences ZVAL); it does not exist")
    lines = path.read_text(errors="replace").splitlines()
    titles = [line.split()[2].split("_")[0] for line in lines if line.strip().startswith("POTCAR:")
              and len(line.split()) > 2]
    species = titles[: (len(titles) + 1) // 2]
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        if parts[:2] == ["ZVAL", "="]:
            try:
                values = [float(v) for v in parts[2:]]
            except ValueError:
                raise InputError(path, "expected numbers after 'ZVAL ='", line=number) from None
            if len(values) != len(species):
                raise InputError(path, f"{len(values)} ZVAL values for {len(species)} POTCAR species {species}",
                                 line=number)
            return dict(zip(species, values))
    raise InputError(path, "no 'ZVAL   =' line (section 'Ionic Valenz'): cannot turn Bader charges into net "
                           "charges", field="ZVAL")


# ================================================================ Bader charges
def read_acf(path) -> xr.Dataset:
    """A bader ACF.dat: dimension ``atom``; x, y, z (Å), charge (e in the basin), min_dist (Å),
    atomic_vol (Å^3); attrs vacuum_charge (e), vacuum_volume (Å^3), n_electrons (e)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "expected a bader ACF.dat; it does not exist")
    lines = path.read_text(errors="replace").splitlines()
    if not lines or "CHARGE" not in lines[0].split():
        raise InputError(path, "expected the ACF.dat header '#  X  Y  Z  CHARGE  MIN DIST  ATOMIC VOL'", line=1)
    if len(lines) < 2 or not lines[1].strip().startswith("---"):
        raise InputError(path, "expected a separator line of dashes after the header", line=2)
    rows, n = [], 2
    while n < len(lines) and not lines[n].strip().startswith("---"):
        rows.append(_acf_row(path, lines[n], n + 1, len(rows) + 1))
        n += 1
    if n >= len(lines):
        raise InputError(path, "the file ends inside the atom table: expected a closing separator line and "
                               "the VACUUM CHARGE / VACUUM VOLUME / NUMBER OF ELECTRONS footer", line=len(lines))
    footer = _acf_footer(path, lines, n + 1)
    rows = np.array(rows).reshape(-1, 6)
    names = [("x", "Å", "x"), ("y", "Å", "y"), ("z", "Å", "z"), ("charge", "e", "electrons in the Bader basin"),
             ("min_dist", "Å", "minimum distance to the basin surface"), ("atomic_vol", "Å^3", "basin volume")]
    data = {name: variable("atom", rows[:, k], unit, long) for k, (name, unit, long) in enumerate(names)}
    total = rows[:, 3].sum() + footer["vacuum_charge"]
    if abs(total - footer["n_electrons"]) > 1e-4 + 1e-6 * len(rows):  # 6- and 4-decimal rounding
        raise InputError(path, f"NUMBER OF ELECTRONS {footer['n_electrons']} differs from the sum of the "
                               f"charges plus vacuum charge ({total:.4f})", field="NUMBER OF ELECTRONS")
    coords = {"atom": variable("atom", np.arange(len(rows)), "1", "atom index (0-based, file order)")}
    return make_dataset(data, coords, {"kind": "bader", "source": path.name, **footer})


def _acf_row(path, line, number, expected):
    parts = line.split()
    try:
        values = [float(v) for v in parts[1:]]
        index = int(parts[0])
    except (ValueError, IndexError):
        values, index = [], None
    if len(values) != 6 or index != expected:
        raise InputError(path, f"expected atom {expected}: index, X, Y, Z, CHARGE, MIN DIST, ATOMIC VOL "
                               f"(7 numbers), got {line.strip()[:60]!r}", line=number)
    return values


def _acf_footer(path, lines, start):
    keys = {"VACUUM CHARGE": "vacuum_charge", "VACUUM VOLUME": "vacuum_volume", "NUMBER OF ELECTRONS": "n_electrons"}
    out = {}
    for number, line in enumerate(lines[start:], start=start + 1):
        label, _, value = line.partition(":")
        if label.strip() in keys:
            try:
                out[keys[label.strip()]] = float(value)
            except ValueError:
                raise InputError(path, f"expected a number after '{label.strip()}:'", line=number) from None
    missing = [k for k in keys if keys[k] not in out]
    if missing:
        raise InputError(path, f"the footer lacks {missing} (the file may be truncated)", line=len(lines))
    return out


# ================================================================ volumetric data
def read_chgcar(path) -> xr.DataArray:
    """A CHGCAR-layout file (values rho·V_cell) as density (e/Å^3), dims x, y, z along the lattice
    vectors, coordinates in Å (fraction × vector length); the structure in ``attrs['atoms']``."""
    from ase.calculators.vasp import VaspChargeDensity

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "expected a CHGCAR-format file; it does not exist")
    try:
        chg = VaspChargeDensity(str(path))
        rho, atoms = chg.chg[-1], chg.atoms[-1]
    except Exception as exc:
        raise InputError(path, f"expected a POSCAR block, a grid line 'NGX NGY NGZ' and NGX*NGY*NGZ values; "
                               f"could not read it ({type(exc).__name__}: {exc})") from None
    if not np.all(np.isfinite(rho)):
        raise InputError(path, "the grid holds fewer values than NGX*NGY*NGZ (truncated file?)")
    lengths = atoms.cell.lengths()
    coords = {ax: (ax, np.arange(n) / n * lengths[k],
                   {"units": "Å", "long_name": f"distance along lattice vector {ax}"})
              for k, (ax, n) in enumerate(zip("xyz", rho.shape))}
    return xr.DataArray(rho, dims=("x", "y", "z"), coords=coords, name="density",
                        attrs={"units": "e/Å^3", "long_name": "charge density (difference)", "source": path.name,
                               "kind": "charge-density", "atoms": atoms})


# ================================================================ DOS
def read_doscar(path, structure=None) -> xr.Dataset:
    """A VASP DOSCAR (ISPIN = 1) → Dataset: ``energy`` (E − E_F, eV), ``dos`` (states/eV),
    ``integrated_dos`` (states) and, with site blocks, ``pdos`` (atom, orbital, energy) in
    states/eV. Orbital columns s, p, d (LORBIT = 10) or s, py, pz, px, dxy, ... (LORBIT = 11).
    ``structure`` (the run's POSCAR, path or Atoms) adds an ``element`` coordinate on ``atom``."""
    from ase.calculators.vasp import VaspDos

    path = Path(path)
    natoms, nedos, efermi, ncol = _scan_doscar(path)
    vd = VaspDos(str(path))
    vd.sort, vd.resort = [], []  # ase maps atoms with an 'ase-sort.dat' of the working folder: not ours
    energy = np.asarray(vd.energy, float) - efermi
    data = {"dos": variable("energy", np.asarray(vd.dos, float), "states/eV", "total DOS"),
            "integrated_dos": variable("energy", np.asarray(vd.integrated_dos, float), "states", "integrated DOS")}
    coords = {"energy": variable("energy", energy, "eV", "E - E_F")}
    if ncol:
        names = ["s", "p", "d", "f"][: ncol - 1] if ncol <= 5 else \
            ["s", "py", "pz", "px", "dxy", "dyz", "dz2", "dxz", "dx2-y2"][: ncol - 1]
        site = np.asarray(vd._site_dos)[:, 1:, :]
        data["pdos"] = variable(("atom", "orbital", "energy"), site, "states/eV", "site-projected DOS")
        coords["atom"] = variable("atom", np.arange(natoms), "1", "atom index (0-based, POSCAR order)")
        coords["orbital"] = variable("orbital", names, "1", "orbital")
        if structure is not None:
            symbols = _symbols(structure)
            if len(symbols) != natoms:
                raise InputError(path, f"{natoms} atoms, the structure has {len(symbols)}", line=1)
            coords["element"] = variable("atom", symbols, "1", "element")
    attrs = {"kind": "dos", "source": path.name, "efermi": efermi, "nedos": nedos, "ispin": 1,
             "step": float(energy[1] - energy[0])}
    return make_dataset(data, coords, attrs)


def _symbols(structure):
    if hasattr(structure, "get_chemical_symbols"):
        return structure.get_chemical_symbols()
    from .structures import read_structure

    return read_structure(structure).get_chemical_symbols()


def _numbers(path, lines, k, count=None, what="numbers"):
    if k >= len(lines):
        raise InputError(path, f"the file ends before {what} (NEDOS in line 6 larger than the rows?)", line=k + 1)
    try:
        values = [float(v) for v in lines[k].split()]
    except ValueError:
        raise InputError(path, f"expected {what}, got {lines[k].strip()[:50]!r}", line=k + 1) from None
    if not all(math.isfinite(v) for v in values):
        raise InputError(path, f"expected finite {what}, got {lines[k].strip()[:50]!r}", line=k + 1)
    if count is not None and len(values) != count:
        raise InputError(path, f"expected {what} ({count} numbers), got {len(values)}: is NEDOS in line 6 "
                               "the number of rows of each block?", line=k + 1)
    return values


def _scan_doscar(path):
    """(natoms, NEDOS, E_F, site-block columns or 0) after checking every line of the layout."""
    if not path.is_file():
        raise InputError(path, "expected a VASP DOSCAR; it does not exist")
    raw = path.read_bytes()
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise InputError(path, "expected a text DOSCAR; found bytes that are not text",
                         line=raw[:error.start].count(b"\n") + 1) from None
    first = _numbers(path, lines, 0, what="NIONS NIONS JOBPAR NCDIJ")
    if not first or first[0] != int(first[0]) or first[0] < 0:
        raise InputError(path, "expected the number of ions first (NIONS NIONS JOBPAR NCDIJ)", line=1)
    natoms = int(first[0])
    head = _numbers(path, lines, 5, 5, "EMAX EMIN NEDOS EFERMI weight")
    nedos, efermi = int(head[2]), head[3]
    if nedos < 2:
        raise InputError(path, f"NEDOS = {nedos}: expected at least 2 energies", line=6)
    width = len(_numbers(path, lines, 6, what="the total DOS"))
    if width != 3:
        raise InputError(path, f"expected 3 columns (energy, DOS, integrated DOS; ISPIN = 1), got {width}", line=7)
    for k in range(6, 6 + nedos):
        _numbers(path, lines, k, 3, "a total-DOS row (energy, DOS, integrated DOS)")
    k, ncol = 6 + nedos, 0
    rest = [line for line in lines[k:] if line.strip()]
    if not rest:
        return natoms, nedos, efermi, 0
    for atom in range(natoms):
        block = _numbers(path, lines, k, 5, f"the header of the site DOS block of atom {atom + 1}")
        if int(block[2]) != nedos:
            raise InputError(path, f"site block of atom {atom + 1} announces NEDOS = {int(block[2])}, "
                                   f"the total DOS {nedos}", line=k + 1)
        ncol = ncol or len(_numbers(path, lines, k + 1, what="a site-DOS row"))
        for m in range(k + 1, k + 1 + nedos):
            _numbers(path, lines, m, ncol, f"a site-DOS row of atom {atom + 1}")
        k += nedos + 1
    if any(line.strip() for line in lines[k:]):
        raise InputError(path, "rows after the last site block: is NEDOS in line 6 right?", line=k + 1)
    return natoms, nedos, efermi, ncol


# ================================================================ dipole moments
_DIPOLE = re.compile(r"X=\s*(\S+)\s+Y=\s*(\S+)\s+Z=\s*(\S+)\s+Tot=\s*(\S+)")


def read_gaussian_dipole(path) -> xr.Dataset:
    """The last dipole of a Gaussian 16 log: ``dipole`` (D) over ``component`` x, y, z (standard
    orientation), from ``ase.io`` ('gaussian-out'); attrs ``total_printed`` (the log's Tot, D) and
    ``atoms`` (ase.Atoms, Å)."""
    import ase.io

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "expected a Gaussian output (.log); it does not exist")
    lines = path.read_text(errors="replace").splitlines()
    heads = [k for k, line in enumerate(lines) if line.strip().startswith("Dipole moment (field-independent basis")]
    if not heads:
        raise InputError(path, "no 'Dipole moment (field-independent basis, Debye):' section (Pop=None, or "
                               "the run stopped before the SCF finished?)", field="Dipole moment")
    k = heads[-1] + 1
    match = _DIPOLE.search(lines[k]) if k < len(lines) else None
    try:
        total = float(match.group(4)) if match else None
    except ValueError:
        total = None
    if total is None:
        raise InputError(path, "expected 'X= ... Y= ... Z= ... Tot= ...' (numbers) after the dipole heading",
                         line=k + 1)
    try:
        atoms = ase.io.read(path, format="gaussian-out", index=-1)
        vector = atoms.get_dipole_moment() / DEBYE
    except Exception as exc:
        raise InputError(path, f"ase could not read a geometry, energy and dipole ({type(exc).__name__}: {exc})") \
            from None
    data = {"dipole": variable("component", np.asarray(vector, float), "D", "dipole moment (standard orientation)")}
    coords = {"component": variable("component", ["x", "y", "z"], "1", "Cartesian component")}
    return make_dataset(data, coords, {"kind": "dipole", "source": path.name, "total_printed": total,
                                       "atoms": atoms})


# ================================================================ content tests (SNIFF)
def _is_outcar(path, head):
    first = _sniff.lines(head, 1)
    return bool(first) and first[0].lstrip().startswith("vasp.") and "POTCAR:" in _sniff.text(head)


def _is_vasprun(path, head):
    text = _sniff.text(head[:4096])
    return "<modeling>" in text and re.search(r'name="program"[^>]*>\s*vasp', text) is not None


def _is_acf(path, head):
    rows = _sniff.lines(head, 3)
    return len(rows) >= 2 and {"CHARGE", "MIN", "DIST"} <= set(rows[0].split()) and rows[1].strip().startswith("---")


def _is_chgcar(path, head):
    """A POSCAR block, a blank line, the grid line (three integers) and rows of values."""
    rows = _sniff.lines(head, 400)
    for k in range(7, len(rows) - 1):
        parts = rows[k].split()
        if not rows[k - 1].strip() and len(parts) == 3 and all(p.isdigit() for p in parts):
            return _sniff._floats(rows[k + 1], 1) and _sniff._poscar(path, head)
    return False


def _is_doscar(path, head):
    rows = _sniff.lines(head, 7)
    return (len(rows) >= 7 and len(rows[0].split()) == 4 and all(p.lstrip("-").isdigit() for p in rows[0].split())
            and _sniff._floats(rows[1], 5) and rows[3].strip().upper() == "CAR" and _sniff._floats(rows[5], 5))


def _is_gaussian(path, head):
    text = _sniff.text(head[:8192])
    return "Entering Gaussian System" in text or "Gaussian, Inc." in text


SNIFF = {"vasp-outcar": _is_outcar, "vasprun-xml": _is_vasprun, "bader-acf": _is_acf, "chgcar": _is_chgcar,
         "doscar": _is_doscar, "gaussian-log": _is_gaussian}
