"""Readers of atomic structures and nudged-elastic-band (NEB) paths.

* :func:`read_structure`: one structure (extended XYZ, or VASP POSCAR/CONTCAR) → ``ase.Atoms``.
* :func:`read_neb_images`: the images of an NEB band → ``list[ase.Atoms]`` with energies (eV) and,
  when available, forces (eV/Å) attached as single-point calculators.
* :func:`read_neb`: the same band as an ``xarray.Dataset`` (dimension ``image``).

An NEB band is either

1. a multi-frame extended XYZ file, one frame per image, in image order, the energy (eV) in the frame's
   comment line (``energy=...``, as ``ase.io.write`` writes it) and optionally ``forces`` among the
   per-atom properties; or
2. a VASP NEB folder with image sub-folders ``00/``, ``01/``, …, ``NN/``, each holding a CONTCAR (used
   when present and not empty) or a POSCAR, and energies from either
   - a ``neb.dat`` table in the folder, as written by the VTST script ``nebbarrier.pl``
     (columns: image, distance/Å, energy relative to image 00/eV, force along the tangent/eV Å⁻¹,
     image), in which case the absolute energies are unknown and ``energy`` equals ``relative_energy``
     (the Dataset says so in ``attrs["energy_reference"]``); or
   - an ``OUTCAR`` in every image folder (read with ``ase.io.read(format="vasp-out")``, last ionic step:
     energy and forces).

Reaction coordinate: cumulative Euclidean distance (Å) between successive images over all atoms, each
step reduced with the minimum-image convention of image 0's cell, as ``ase.mep.NEBTools`` does.
Tangent force: the force on the band projected on the unit path tangent, F·τ (eV/Å), with τ the
minimum-image difference (i+1) − (i−1) for inner images and the one-sided difference at the two ends
(the convention of ``ase.utils.forcecurve``); F·τ = −dE/ds on a converged band.
"""

from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.geometry import find_mic

from ..errors import InputError
from ..schema import make_dataset, variable

MIN_IMAGES = 3


# ---------------------------------------------------------------- single structures
def read_structure(path) -> Atoms:
    """One structure from an extended XYZ file (the last frame if several) or a VASP POSCAR/CONTCAR
    (``*.vasp`` or a name starting with POSCAR/CONTCAR). Positions in Å."""
    import ase.io

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "expected a structure file (extended XYZ or VASP POSCAR/CONTCAR); it does not exist")
    fmt = "vasp" if (path.suffix.lower() == ".vasp" or path.name.upper().startswith(("POSCAR", "CONTCAR"))) \
        else "extxyz"
    if fmt == "extxyz":
        _scan_extxyz(path)
    try:
        atoms = ase.io.read(path, format=fmt, index=-1)
    except Exception as exc:  # ase raises many types for malformed files
        what = "an extended XYZ file" if fmt == "extxyz" else "a VASP 5 POSCAR/CONTCAR (with element line)"
        raise InputError(path, f"expected {what}; could not read it ({type(exc).__name__}: {exc})") from None
    if len(atoms) == 0:
        raise InputError(path, "the structure has no atoms")
    return atoms


def _scan_extxyz(path):
    """Line numbers (1-based) of each frame's comment line; raise InputError at the first bad count line."""
    if not path.is_file():
        raise InputError(path, "not a file: expected an extended XYZ file")
    try:
        lines = path.read_text().splitlines()
    except UnicodeDecodeError:
        raise InputError(path, "expected a text (extended XYZ) file") from None
    starts, n = [], 0
    while n < len(lines):
        if not lines[n].strip():
            n += 1
            continue
        try:
            count = int(lines[n].split()[0])
        except (ValueError, IndexError):
            raise InputError(path, f"expected the number of atoms of a frame, got {lines[n][:40]!r}",
                             line=n + 1) from None
        if count < 0:
            raise InputError(path, f"expected a number of atoms >= 0, got {count}", line=n + 1)
        if count > len(lines) - n - 2:
            raise InputError(path, f"frame announces {count} atoms but the file ends first", line=n + 1)
        starts.append((n + 2, count))
        n += count + 2
    if not starts:
        raise InputError(path, "expected at least one extended XYZ frame; the file is empty")
    return starts


# ---------------------------------------------------------------- NEB bands
def read_neb_images(path) -> list:
    """The images of an NEB band (see the module docstring for the layouts) as ``ase.Atoms`` with a
    single-point calculator holding ``energy`` (eV) and, when known, ``forces`` (eV/Å)."""
    return _read_band(Path(path))[0]


def read_neb(path):
    """An NEB band as an ``xarray.Dataset``: dimension ``image``; coordinate ``reaction_coordinate``
    (Å); variables ``energy`` (eV), ``relative_energy`` (eV, relative to image 0) and, when every image
    has forces (or neb.dat gives them), ``tangent_force`` (eV/Å). ``attrs``: kind="neb", n_images,
    n_atoms, formula, hop_atom (index of the atom that moves most between the end images), its element,
    energy_reference, tangent_force_source."""
    path = Path(path)
    images, energies, tangent, meta = _read_band(path)
    s = reaction_coordinate(images)
    if tangent is None and all(_has_forces(a) for a in images):
        tangent = tangent_forces(images)
        meta["tangent_force_source"] = "forces projected on the path tangent"
    energies = np.asarray(energies, dtype=float)
    data = {"energy": variable("image", energies, "eV", "total energy of the image"),
            "relative_energy": variable("image", energies - energies[0], "eV", "energy relative to image 0")}
    if tangent is not None:
        data["tangent_force"] = variable("image", np.asarray(tangent, float), "eV/Å",
                                         "force projected on the path tangent (= -dE/ds)")
    else:
        meta.setdefault("tangent_force_source", "absent (no forces)")
    disp = _mic(images[-1].positions - images[0].positions, images[0])
    hop = int(np.argmax(np.linalg.norm(disp, axis=1)))
    coords = {"image": variable("image", np.arange(len(images)), "1", "image index"),
              "reaction_coordinate": variable("image", s, "Å", "reaction coordinate (cumulative distance)")}
    attrs = {"kind": "neb", "n_images": len(images), "n_atoms": len(images[0]),
             "formula": images[0].get_chemical_formula(), "hop_atom": hop,
             "hop_element": images[0].get_chemical_symbols()[hop], **meta}
    return make_dataset(data, coords, attrs)


def _has_forces(atoms):
    return atoms.calc is not None and "forces" in atoms.calc.results


def _mic(vectors, atoms):
    return find_mic(vectors, atoms.cell, atoms.pbc)[0] if atoms.pbc.any() else vectors


def reaction_coordinate(images) -> np.ndarray:
    """Cumulative distance (Å) between successive images, minimum image in image 0's cell."""
    steps = [np.sqrt((_mic(b.positions - a.positions, images[0]) ** 2).sum()) for a, b in zip(images, images[1:])]
    return np.concatenate([[0.0], np.cumsum(steps)])


def tangents(images) -> list:
    """Unit path tangents (n_atoms × 3 each): central differences inside, one-sided at the ends."""
    out = []
    for i in range(len(images)):
        lo, hi = max(i - 1, 0), min(i + 1, len(images) - 1)
        t = _mic(images[hi].positions - images[lo].positions, images[0])
        out.append(t / np.linalg.norm(t))
    return out


def tangent_forces(images) -> np.ndarray:
    """F·τ (eV/Å) of every image; needs forces on every image."""
    return np.array([float((a.calc.results["forces"] * t).sum()) for a, t in zip(images, tangents(images))])


def _read_band(path):
    if path.is_dir():
        images, energies, tangent, meta = _read_vasp_folder(path)
    elif path.is_file():
        images, energies, tangent, meta = _read_extxyz_band(path)
    else:
        raise InputError(path, "expected an NEB band (multi-frame extended XYZ file or VASP NEB folder); "
                               "it does not exist")
    if len(images) < MIN_IMAGES:
        raise InputError(path, f"expected at least {MIN_IMAGES} images (initial, one or more inner, final), "
                               f"found {len(images)}")
    ref = images[0]
    for k, atoms in enumerate(images[1:], start=1):
        if len(atoms) != len(ref):
            raise InputError(path, f"image {k} has {len(atoms)} atoms, image 0 has {len(ref)}", field=f"image {k}")
        if atoms.get_chemical_symbols() != ref.get_chemical_symbols():
            raise InputError(path, f"image {k} lists its elements in a different order from image 0",
                             field=f"image {k}")
    return images, energies, tangent, meta


def _read_extxyz_band(path):
    import ase.io

    frames = _scan_extxyz(path)
    try:
        images = ase.io.read(path, index=":", format="extxyz")
    except Exception as exc:
        raise InputError(path, f"expected a multi-frame extended XYZ file; could not read it "
                               f"({type(exc).__name__}: {exc})") from None
    energies = []
    for k, atoms in enumerate(images):
        energy = None
        if atoms.calc is not None and "energy" in atoms.calc.results:
            energy = atoms.calc.results["energy"]
        elif "energy" in atoms.info:
            energy = atoms.info["energy"]
        if energy is None:
            raise InputError(path, f"frame {k} (image {k}) has no energy; expected 'energy=<eV>' in its "
                                   "comment line", line=frames[k][0] if k < len(frames) else None)
        energies.append(float(energy))
        forces = atoms.calc.results.get("forces") if atoms.calc is not None else None
        if forces is None and "forces" in atoms.arrays:
            forces = atoms.arrays["forces"]
        results = {"energy": float(energy)}
        if forces is not None:
            results["forces"] = np.array(forces, dtype=float)
        atoms.calc = SinglePointCalculator(atoms, **results)
    return images, energies, None, {"energy_reference": "absolute (as in the file)"}


def _image_dirs(path):
    dirs = sorted((p for p in path.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))
    if not dirs:
        raise InputError(path, "a folder, but not a VASP NEB run: expected image sub-folders 00, 01, ...")
    if [int(p.name) for p in dirs] != list(range(len(dirs))):
        raise InputError(path, f"image folders must be numbered 00, 01, ... without gaps; found "
                               f"{[p.name for p in dirs]}")
    return dirs


def _read_vasp_folder(path):
    import ase.io

    images = []
    for d in _image_dirs(path):
        source = d / "CONTCAR"
        if not (source.is_file() and source.stat().st_size > 0):
            source = d / "POSCAR"
        if not source.is_file():
            raise InputError(d, "expected a CONTCAR or POSCAR in this NEB image folder")
        images.append(read_structure(source))
    table = path / "neb.dat"
    if table.is_file():
        energies, tangent = _read_neb_dat(table, len(images))
        for atoms, e in zip(images, energies):
            atoms.calc = SinglePointCalculator(atoms, energy=float(e))
        return images, list(energies), tangent, {
            "energy_reference": "relative to image 00 (neb.dat gives relative energies only)",
            "tangent_force_source": "neb.dat column 4"}
    energies = []
    for d, atoms in zip(_image_dirs(path), images):
        outcar = d / "OUTCAR"
        if not outcar.is_file():
            raise InputError(d, "no OUTCAR in this image folder and no neb.dat in the NEB folder: "
                                "expected one of them for the image energies")
        try:
            result = ase.io.read(outcar, format="vasp-out", index=-1)
            e, f = result.get_potential_energy(), result.get_forces()
        except Exception as exc:
            raise InputError(outcar, f"expected a VASP OUTCAR with an energy; could not read it "
                                     f"({type(exc).__name__}: {exc})") from None
        if len(f) != len(atoms):
            raise InputError(outcar, f"has {len(f)} atoms, the image's structure has {len(atoms)}")
        atoms.calc = SinglePointCalculator(atoms, energy=float(e), forces=np.array(f))
        energies.append(float(e))
    return images, energies, None, {"energy_reference": "absolute (OUTCAR energy(sigma->0))"}


def _read_neb_dat(table, n_images):
    rows = []
    for number, line in enumerate(table.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        try:
            values = [float(x) for x in parts[:4]]
        except ValueError:
            values = []
        if len(values) < 4:
            raise InputError(table, f"expected 'image distance energy force [image]' numbers, got {line!r}",
                             line=number)
        rows.append(values)
    if len(rows) != n_images:
        raise InputError(table, f"has {len(rows)} rows but the folder has {n_images} image folders")
    rows = np.array(rows)
    return rows[:, 2], rows[:, 3]
