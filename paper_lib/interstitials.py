"""Li interstitial sites and hops in a host crystal, for NEB with an ase calculator (positions Å, eV).

* :func:`voids`: the centres of the host's empty spaces: the local maxima, on a periodic grid at most
  ``spacing`` apart, of the distance to the nearest atom (the void's clearance, Å), the largest first,
  merged within ``merge`` Å; only those with at least ``min_clearance`` Å.
* :func:`orbit` and :func:`distinct`: the positions equivalent to one under the host's space group
  (spglib), and the voids that are not equivalent to a larger one: the candidate sites.
* :func:`sites`: an extra Li placed at each candidate in a supercell and relaxed at the fixed cell; the
  relaxed sites not equivalent to a lower one, lowest energy first (a Li may relax away from its void
  into another site).
* :func:`hops`: from a site, the hops to its equivalent positions, shortest first (as
  :func:`paper_lib.migration.li_hops` for lattice Li).
* :func:`endpoints`: the relaxed end states of a hop, ready for :func:`paper_lib.migration.band`; their
  energy difference is zero by symmetry, which checks both relaxations.

The supercell holds one extra, neutral Li atom: it brings an electron along, as the vacancy of
:mod:`paper_lib.migration` takes one away. A charged defect needs a compensating background that a
potential without explicit electrons cannot give; the neutral defect is what it can compute.
"""

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.geometry import find_mic

from .relaxation import relax

#: Grid spacing (Å), smallest clearance (Å) and merging distance (Å) of :func:`voids`.
SPACING = 0.2
MIN_CLEARANCE = 1.5
MERGE = 0.75
#: Symmetry tolerance of spglib (Å) and the distance (Å) within which two positions are the same site.
SYMPREC = 0.01
SAME_SITE = 0.3
#: Shorter displacements (Å) between equivalent positions are not hops (:func:`hops`).
MIN_HOP = 1.0


@dataclass(frozen=True)
class Void:
    """A void centre: Cartesian position (Å) and clearance, the distance to the nearest atom (Å)."""

    position: tuple
    clearance: float


def _clearance_grid(atoms, spacing):
    """The grid (fractional points, shape) and each point's distance to the nearest atom (Å)."""
    from scipy.spatial import cKDTree

    shape = np.maximum(1, np.ceil(atoms.cell.lengths() / spacing)).astype(int)
    axes = [np.arange(n) / n for n in shape]
    frac = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    shifts = np.array([[i, j, k] for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)])
    around = (atoms.get_scaled_positions()[None] + shifts[:, None]).reshape(-1, 3) @ atoms.cell.array
    distance, _ = cKDTree(around).query(frac @ atoms.cell.array)
    return frac, shape, distance.reshape(shape)


def voids(atoms, spacing=SPACING, min_clearance=MIN_CLEARANCE, merge=MERGE) -> list:
    """The void centres of ``atoms`` (:class:`Void`, largest clearance first)."""
    from scipy.ndimage import maximum_filter

    if not atoms.pbc.all():
        raise ValueError(f"{atoms.get_chemical_formula()}: voids are searched in a periodic crystal (pbc all True)")
    frac, shape, distance = _clearance_grid(atoms, spacing)
    peaks = (distance == maximum_filter(distance, size=3, mode="wrap")) & (distance >= min_clearance)
    index = np.flatnonzero(peaks.ravel())
    index = index[np.argsort(-distance.ravel()[index], kind="stable")]
    kept = []
    for k in index:
        position = frac[k] @ atoms.cell.array
        if kept and find_mic(np.array([v.position for v in kept]) - position, atoms.cell, True)[1].min() < merge:
            continue
        kept.append(Void(tuple(map(float, position)), float(distance.ravel()[k])))
    return kept


def orbit(atoms, position, symprec=SYMPREC, same=SAME_SITE) -> np.ndarray:
    """The positions (Å, inside the cell) equivalent to ``position`` under the space group of ``atoms``."""
    import spglib

    symmetry = spglib.get_symmetry((atoms.cell.array, atoms.get_scaled_positions(), atoms.numbers),
                                   symprec=symprec)
    if symmetry is None:
        raise ValueError(f"{atoms.get_chemical_formula()}: spglib found no symmetry at {symprec} Å")
    frac = atoms.cell.scaled_positions(np.asarray(position, float)[None])[0]
    images = (np.einsum("kij,j->ki", symmetry["rotations"], frac) + symmetry["translations"]) % 1.0
    found = []
    for point in images @ atoms.cell.array:
        if not found or find_mic(np.array(found) - point, atoms.cell, True)[1].min() > same:
            found.append(point)
    return np.array(found)


def distinct(atoms, found, symprec=SYMPREC, same=SAME_SITE) -> list:
    """The voids of ``found`` not equivalent (within ``same`` Å) to an earlier, larger one."""
    kept, covered = [], np.empty((0, 3))
    for void in found:
        position = np.asarray(void.position)
        if len(covered) and find_mic(covered - position, atoms.cell, True)[1].min() < same:
            continue
        kept.append(void)
        covered = np.vstack([covered, orbit(atoms, position, symprec, same)])
    return kept


def with_li(host, position) -> Atoms:
    """``host`` with one Li appended at ``position`` (Å), wrapped into the cell."""
    atoms = host.copy()
    atoms.calc = None
    atoms += Atoms("Li", positions=[position])
    atoms.wrap()
    return atoms


@dataclass(frozen=True)
class Site:
    """A relaxed interstitial: the void it started from, the relaxed supercell (the Li last), its energy
    (eV), the Li's relaxed position (Å) and how far it moved from the void (Å)."""

    void: Void
    relaxed: object
    energy: float
    position: tuple
    moved: float


def sites(host, candidates, calc, fmax=0.05, same=SAME_SITE, symprec=SYMPREC) -> list:
    """Each candidate void of ``host`` (a supercell) filled with a Li and relaxed at the fixed cell; the
    distinct relaxed sites (:class:`Site`), lowest energy first (those that relaxed onto a position
    equivalent, under the symmetry of ``host``, to a lower one's are dropped)."""
    found = []
    for void in candidates:
        done = relax(with_li(host, void.position), calc, cell="fixed", fmax=fmax)
        li = done.atoms.positions[-1]
        moved = float(find_mic(li - np.asarray(void.position), host.cell, True)[1])
        found.append(Site(void, done.atoms, float(done.energy), tuple(map(float, li)), moved))
    found.sort(key=lambda s: s.energy)
    kept, covered = [], np.empty((0, 3))
    for site in found:
        if len(covered) and find_mic(covered - np.asarray(site.position), host.cell, True)[1].min() < same:
            continue
        kept.append(site)
        covered = np.vstack([covered, orbit(host, site.position, symprec, same)])
    return kept


@dataclass(frozen=True)
class Hop:
    """An interstitial hop: from ``start`` to ``end`` (Cartesian Å), its length (Å) and vector."""

    start: tuple
    end: tuple
    length: float
    vector: tuple


def hops(bulk, repeat, position, max_distance=5.0, min_distance=MIN_HOP, symprec=SYMPREC, same=SAME_SITE) -> list:
    """The distinct hops (:class:`Hop`, shortest first, ``min_distance`` to ``max_distance`` Å) of an
    interstitial at ``position`` (Å, in the ``repeat`` supercell of ``bulk``) to the positions equivalent to
    it under the symmetry of ``bulk``. A relaxed Li can sit off a mirror plane, so that its mirror image is
    a fraction of an ångström away: that is the rattling of one site, not a hop, hence ``min_distance``."""
    repeat = np.asarray(repeat, int)
    big_cell = bulk.cell.array * repeat[:, None]
    inside = orbit(bulk, bulk.cell.scaled_positions(np.asarray(position)[None])[0] % 1.0 @ bulk.cell.array,
                   symprec, same)
    shifts = np.array([[i, j, k] for i in range(repeat[0]) for j in range(repeat[1]) for k in range(repeat[2])])
    equivalent = (inside[None] + (shifts @ bulk.cell.array)[:, None]).reshape(-1, 3)
    vectors, lengths = find_mic(equivalent - np.asarray(position), big_cell, True)
    found = {}
    for vector, length in sorted(zip(vectors, lengths), key=lambda item: item[1]):
        if max(same, min_distance) <= length <= max_distance:
            found.setdefault(round(float(length), 2), Hop(tuple(map(float, position)),
                                                           tuple(map(float, np.asarray(position) + vector)),
                                                           float(length), tuple(map(float, vector))))
    return [found[key] for key in sorted(found)]


def endpoints(host, hop, calc, fmax=0.01):
    """Relaxed (fixed cell) end states of ``hop`` in the supercell ``host``: the Li at ``hop.start``, then
    at ``hop.end``. Returns ``(initial, final)``, both :class:`paper_lib.relaxation.Relaxed`."""
    initial = relax(with_li(host, hop.start), calc, cell="fixed", fmax=fmax)
    final = relax(with_li(host, hop.end), calc, cell="fixed", fmax=fmax)
    return initial, final
