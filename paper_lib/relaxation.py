"""Structure relaxation with an ase calculator, and what a relaxed structure says (lengths in Å).

* :func:`from_cif`: an ase ``Atoms`` of a CIF's full unit cell, built with gemmi from the asymmetric
  unit and the space group (sites closer than gemmi's merge distance are one site, so a coordinate
  printed to three digits on a special position does not become two atoms).
* :func:`relax`: positions and, optionally, the cell relaxed together (``FrechetCellFilter`` with a
  unit cell factor, so the stress is converged as tightly as the forces; optionally within the space
  group), by BFGS to ``fmax`` (eV/Å).
  ``cell="fixed"`` keeps the published cell (e.g. a high-temperature phase whose lattice is held by
  entropy, not by the energy minimum).
* :func:`summary`: lattice parameters, volume, B–H bond statistics (:mod:`paper_lib.bonds`) and the
  d-spacings of chosen reflections, and :func:`compare` against a reference structure (per cent).
"""

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from . import bonds

#: Convergence of a relaxation: largest force (eV/Å) and the BFGS step limit.
FMAX = 0.01
MAX_STEPS = 1000
#: Stress (eV/Å³) → GPa.
EV_A3_TO_GPA = 160.21766


def from_cif(path) -> Atoms:
    """The full unit cell of the CIF ``path`` as ase Atoms (``info['source_file']``)."""
    import gemmi

    from . import paths

    small = gemmi.read_small_structure(str(path))
    sites = small.get_all_unit_cell_sites()
    if not sites:
        raise ValueError(f"{path}: the CIF has no atomic sites (a lattice-only file cannot be relaxed)")
    cell = small.cell
    atoms = Atoms(symbols=[s.element.name for s in sites],
                  scaled_positions=[[s.fract.x, s.fract.y, s.fract.z] for s in sites],
                  cell=[cell.a, cell.b, cell.c, cell.alpha, cell.beta, cell.gamma], pbc=True)
    atoms.info["source_file"] = paths.relative(path) if str(path).startswith(str(paths.ROOT)) else str(path)
    return atoms


@dataclass(frozen=True)
class Relaxed:
    """A relaxed structure, its energy (eV), the largest residual force (eV/Å) and stress (GPa)."""

    atoms: Atoms
    energy: float
    fmax: float
    stress_gpa: float
    steps: int
    converged: bool
    cell: str


def relax(atoms, calc, cell="full", fmax=FMAX, steps=MAX_STEPS, symmetry=False) -> Relaxed:
    """Relax ``atoms`` with ``calc``: ``cell`` 'full' (cell and positions) or 'fixed' (positions);
    ``symmetry`` keeps the space group of ``atoms`` (ase ``FixSymmetry``, spglib, 1e-3 Å)."""
    from ase.filters import FrechetCellFilter
    from ase.optimize import BFGS

    if cell not in {"full", "fixed"}:
        raise ValueError(f"cell must be 'full' or 'fixed', not {cell!r}")
    work = atoms.copy()
    if symmetry:
        from ase.constraints import FixSymmetry

        work.set_constraint(FixSymmetry(work, symprec=1e-3))
    work.calc = calc
    target = FrechetCellFilter(work, exp_cell_factor=1.0) if cell == "full" else work
    optimizer = BFGS(target, logfile=None)
    converged = bool(optimizer.run(fmax=fmax, steps=steps))
    forces = work.get_forces()
    stress = np.abs(work.get_stress(voigt=True)).max() * EV_A3_TO_GPA
    relaxed = work.copy()
    relaxed.set_constraint()
    relaxed.info.update(atoms.info)
    return Relaxed(relaxed, float(work.get_potential_energy()), float(np.linalg.norm(forces, axis=1).max()),
                   float(stress), int(optimizer.nsteps), converged, cell)


def d_spacing(atoms, hkl) -> float:
    """d (Å) of the reflection ``hkl`` in the cell of ``atoms`` (any crystal system)."""
    g = np.asarray(hkl, float) @ atoms.cell.reciprocal()
    return float(1.0 / np.linalg.norm(g))


def lattice(atoms) -> dict:
    """a, b, c (Å), α, β, γ (°) and the volume per formula unit of ``atoms`` (Å³; one B per unit)."""
    a, b, c, alpha, beta, gamma = atoms.cell.cellpar()
    units = max(1, sum(1 for s in atoms.get_chemical_symbols() if s == "B"))
    return {"a": float(a), "b": float(b), "c": float(c), "alpha": float(alpha), "beta": float(beta),
            "gamma": float(gamma), "volume": float(atoms.get_volume()),
            "volume_per_unit": float(atoms.get_volume() / units)}


def summary(atoms, reflections=()) -> dict:
    """Lattice (:func:`lattice`), B–H bond statistics (Å) and the d-spacings (Å) of ``reflections``."""
    bh = bonds.bond_stats(atoms, "B", "H")
    return {"lattice": lattice(atoms),
            "BH": {"mean": bh.mean, "sem": bh.sem, "std": bh.std, "min": bh.min, "max": bh.max, "n": bh.n},
            "d_spacing": {"".join(map(str, hkl)): d_spacing(atoms, hkl) for hkl in reflections}}


def compare(value, reference) -> dict:
    """Per-cent differences of the lattice lengths, volume, B–H mean and d-spacings of two summaries."""
    out = {k: 100 * (value["lattice"][k] / reference["lattice"][k] - 1) for k in ("a", "b", "c", "volume")}
    out["BH"] = 100 * (value["BH"]["mean"] / reference["BH"]["mean"] - 1)
    for hkl, d in value["d_spacing"].items():
        out[f"d{hkl}"] = 100 * (d / reference["d_spacing"][hkl] - 1)
    return out
