"""Li vacancy hops computed by nudged elastic band (NEB) with an ase calculator (energies in eV, Å).

* :func:`li_hops`: the distinct Li→Li hops from one Li of a structure, shortest first: every Li–Li
  distance up to ``max_distance``, grouped to 0.01 Å (symmetry-equivalent hops have one length).
* :func:`vacancy_endpoints`: the end states of a vacancy hop in a supercell: the Li at the hop's target
  removed (initial), then the hopping Li moved onto the emptied site (final); both relaxed at the
  fixed cell (a point defect in a periodic supercell; the cell is that of the relaxed bulk).
* :func:`band`: the climbing-image NEB between two end states (IDPP interpolation, improved tangent,
  spring 0.1 eV/Å², FIRE; the band relaxed to 4 ``fmax`` first, then with the climbing image to ``fmax``); the band's images carry their energies and forces, so it is
  written as an extended XYZ band and analysed by :func:`paper_lib.neb.barriers`, like any NEB output.

Convergence checks belong to the caller: the same hop in two supercell sizes and with two image counts
(:mod:`paper_lib.recompute`).
"""

from dataclasses import dataclass

import numpy as np
from ase.calculators.singlepoint import SinglePointCalculator
from ase.geometry import find_mic

from .relaxation import relax

#: NEB settings: spring constant (eV/Å²), convergence (eV/Å) and step limit.
SPRING = 0.1
FMAX = 0.05
MAX_STEPS = 600
#: The band is first relaxed without climbing to this multiple of ``fmax``, then the top image climbs.
PRE_FMAX_FACTOR = 4


@dataclass(frozen=True)
class Hop:
    """A Li→Li hop: the two Li indices, the length (Å) and the vector from ``start`` to ``target``."""

    start: int
    target: int
    length: float
    vector: tuple


def li_hops(atoms, origin=None, max_distance=5.0):
    """Distinct Li→Li hops (:class:`Hop`, shortest first) from Li ``origin`` (default the first Li)."""
    li = [k for k, s in enumerate(atoms.get_chemical_symbols()) if s == "Li"]
    if len(li) < 2:
        raise ValueError(f"{atoms.get_chemical_formula()}: a Li hop needs at least two Li atoms")
    start = li[0] if origin is None else origin
    vectors, lengths = find_mic(atoms.positions[li] - atoms.positions[start], atoms.cell, atoms.pbc)
    found = {}
    for k, (vec, length) in enumerate(zip(vectors, lengths)):
        if 0.1 < length <= max_distance:
            found.setdefault(round(float(length), 2), Hop(start, li[k], float(length), tuple(map(float, vec))))
    return [found[key] for key in sorted(found)]


def supercell(atoms, repeat):
    """``atoms`` repeated ``repeat`` (three integers) times, its info kept."""
    big = atoms.repeat(tuple(int(r) for r in repeat))
    big.info.update(atoms.info)
    return big


def vacancy_endpoints(bulk, hop, calc, fmax=0.01):
    """Relaxed (fixed cell) initial and final states of the vacancy ``hop`` in ``bulk``: the vacancy at
    ``hop.target`` before, at ``hop.start`` after. Returns ``(initial, final)``, both :class:`Relaxed`."""
    initial = bulk.copy()
    del initial[hop.target]
    moved = hop.start - (1 if hop.target < hop.start else 0)
    final = initial.copy()
    final.positions[moved] = initial.positions[moved] + np.asarray(hop.vector)
    final.wrap()
    initial.wrap()
    return relax(initial, calc, cell="fixed", fmax=fmax), relax(final, calc, cell="fixed", fmax=fmax)


def _frozen(atoms, calc):
    """A copy of ``atoms`` whose energy and forces under ``calc`` are stored (SinglePointCalculator)."""
    atoms = atoms.copy()
    atoms.calc = calc
    energy, forces = atoms.get_potential_energy(), atoms.get_forces()
    frozen = atoms.copy()
    frozen.calc = SinglePointCalculator(frozen, energy=energy, forces=forces)
    return frozen


@dataclass(frozen=True)
class Band:
    """A relaxed NEB band: images with energies and forces, and how the optimiser ended."""

    images: list
    converged: bool
    steps: int
    fmax: float


def band(initial, final, calc, n_images=5, climb=True, fmax=FMAX, steps=MAX_STEPS) -> Band:
    """Climbing-image NEB with ``n_images`` inner images between two relaxed end states (Atoms)."""
    from ase.mep import NEB
    from ase.optimize import FIRE

    images = [initial.copy()] + [initial.copy() for _ in range(n_images)] + [final.copy()]
    for image in images:
        image.calc = calc
    # the final state's moving atom is stored wrapped: unwrap it next to the initial one for the path
    images[-1].positions = images[0].positions + find_mic(images[-1].positions - images[0].positions,
                                                          images[0].cell, images[0].pbc)[0]
    neb = NEB(images, k=SPRING, climb=False, method="improvedtangent", allow_shared_calculator=True)
    neb.interpolate("idpp", mic=True)
    optimizer = FIRE(neb, logfile=None)
    converged = bool(optimizer.run(fmax=PRE_FMAX_FACTOR * fmax, steps=steps // 2))
    taken = int(optimizer.nsteps)
    if climb:  # then the highest image climbs to the saddle
        neb.climb = True
        optimizer = FIRE(neb, logfile=None)
        converged = bool(optimizer.run(fmax=fmax, steps=steps - taken))
        taken += int(optimizer.nsteps)
    frozen = [_frozen(image, calc) for image in images]
    residual = float(np.sqrt((neb.get_forces() ** 2).sum(axis=1).max()))
    return Band(frozen, converged, taken, residual)


def write_band(result: Band, path):
    """Write the band's images (energies, forces) as a multi-frame extended XYZ file."""
    import ase.io

    ase.io.write(path, result.images, format="extxyz")
