"""Reference DFT-like data: relaxed-structure models and NEB bands of Li migration (generated, NOT DFT).

The article's DFT outputs (relaxed structures, NEB images) are not public. This module writes
stand-ins in the formats those outputs come in (extended XYZ as ase writes it, VASP 5 POSCAR), built
so that the compendium's analysis (paper_lib.bonds, paper_lib.neb) can be shown to return the article's
numbers. No electronic-structure calculation was run: geometries are constructed, energies come from
a model barrier.

Structures (data/reference/dft/structures/)
* LiBH4: orthorhombic Pnma LiBH4 (Filinchuk, Chernyshov, Cerny, J. Phys. Chem. C 112 (2008) 10579,
  COD 1504402) at the room-temperature lattice (Soulié et al., J. Alloys Compd. 346 (2002) 200),
  1x2x1 cell, built with ase.spacegroup.crystal. Li and B keep their published fractional
  coordinates; every [BH4]- unit is rebuilt around its B along the published B->H directions (plus a
  seeded ~0.6 degree tilt) with prescribed B-H lengths: mean 1.23/1.0065 = 1.22206 A, seeded spread
  ~0.004 A, so the composite's 1.23 A is 0.65 % longer (article: pure LiBH4 value not printed).
  The cell is then contracted isotropically (factor in the manifest, ~0.99, i.e. about the published
  225 K lattice) so that the mean Li-H distance of the first coordination shell (nine H within
  2.8 A of each Li; paper_lib.bonds, metric "shell") is the article's 2.16 A. The metric was fixed
  first and the geometry adjusted to it: the nearest-H-per-Li average of this model is ~1.95 A.
* LiNBH: a schematic chain-like [LiNBH]n solid (no published structure): planar zig-zag B-N chains
  (B-N 1.45 A, N-B-N 120 deg), one H on each B (1.21 A), one Li on each N at a prescribed Li-N
  distance, chains stacked in two staggered layers. Li-N first-shell mean: 2.08 A (article).
* LiBH4/LiNBH: a 1x2x2 Pnma LiBH4 slab (stacked along c) next to two layers of [LiNBH]n chains laid
  along a, commensurate with the slab. The slab is expanded isotropically (factor in the manifest,
  ~1.03) so that the Li-H shell mean of its inner Li is 2.24 A; its [BH4]- mean B-H is 1.23 A; the
  chain Li sit 2.28 A from their N. atoms.arrays["region"]: "LiBH4" (slab), "LiNBH" (chains),
  "interface" (slab Li whose [BH4] shell is cut by the slab surface, i.e. in contact with LiNBH).
* LiBH4/LiNH2BH3: the same slab (B-H mean 1.2226 A, +0.04 %, lattice as bulk LiBH4) next to a
  layer of schematic Li-NH2-BH3 units (N-B 1.56, N-H 1.02, B-H 1.22, Li-N 2.00 A; the amidoborane
  atomic positions were not taken from a published structure). Regions "LiBH4" and "LiNH2BH3".
The exact targets are met by construction (zero-mean seeded distortions, root-solved scale factors);
the analysis must return them to the written precision (1e-8 A).

NEB bands (data/reference/dft/neb/, multi-frame extended XYZ, one frame per image)
For each model a Li vacancy hop between two equivalent Li sites: one Li is removed, its neighbour
moves to the empty site along a curved path (the sin-shaped detour of up to 1 A that keeps it
farthest from the other atoms), atoms within 4.5 A of the path move by a seeded 0.01-0.04 A (largest
mid-path), and [BH4] units or atoms that would come closer to the moving Li than 1.82 A (H), 1.98 A (N),
2.3 A (B) or 2.35 A (Li) are pushed away rigidly (a crude stand-in for relaxation: the images are
plausible, not minimum-energy paths). Images are equally spaced in the reaction coordinate. Energies follow a smooth, slightly skewed barrier
(sin^2 of a warped coordinate plus a small end-state offset of a few meV) in the reaction coordinate
s (cumulative minimum-image distance, as the reader computes it), scaled so that the highest image
lies exactly the article's barrier above image 0 (LiBH4 0.118, LiNBH 0.178, LiBH4 in LiBH4/LiNBH
0.091, LiNBH in LiBH4/LiNBH 0.141, LiBH4/LiNBH interface 0.069 eV); other inner images carry seeded
noise of < 1 meV; the model's own maximum lies between images, so the spline barrier exceeds the
image barrier by ~1 meV (the interpolation uncertainty). Forces are -dE/ds along the minimum-image
path tangent plus seeded perpendicular noise (0.005 eV/A), so F.tau = -dE/ds. Absolute energies are a
sum of fixed per-element numbers plus a seeded offset: the right order of magnitude, no meaning.
The LiBH4 band is shifted so that the hop crosses the cell boundary in the written (wrapped)
coordinates, which exercises the minimum-image reaction coordinate.

DFT program outputs (data/reference/dft/{energies,bader,dos,gaussian}/, written by
data/generator/dft_outputs.py, whose docstring gives every detail). Files in the layouts the codes
write, with numbers chosen so that paper_lib.dft gives back the article's values; every file says it
is generated where its format has a comment or title (ACF.dat has none: its folder's OUTCAR says so).
* energies/LiNBH-{bulk,chain}/OUTCAR, vasprun.xml (S9): 8 LiNBH formula units (32 atoms) each, as
  isolated Li-N-B-H units in a box ("bulk LiNBH") and as the chain model above; energy(sigma->0)
  -190.50 and -192.04 eV (difference -1.54 eV per cell, -0.1925 eV per formula unit), EDIFF 1E-05 eV.
* bader/LiBH4-{LiNBH,LiNH2BH3}/ (2a, 2b): ACF.dat (Henkelman bader layout), OUTCAR (atom order,
  POTCAR titles and ZVAL: Li_sv 3, B 3, N 5, H 1), structure.extxyz (the interface models above in that
  atom order, with "region") and CHGCAR_diff (rho(AB) - rho(A) - rho(B), CHGCAR layout, grid
  16 x 18 x 48: Gaussian depletion, sigma 0.8 A, on the B of each interface [BH4] unit and accumulation
  on the partner atom nearest to it). Net charges q = ZVAL - CHARGE in whole micro-electrons; the four
  interface [BH4] units (B within 5.5 A of the partner) give 0.038 e (LiNBH) and 0.005 e (LiNH2BH3)
  relative to the bulk-like units (ratio 7.6), and the partner carries the opposite charge.
* dos/{LiBH4,LiBH4-70LiNH2BH3,LiBH4-70LiNBH}/DOSCAR, POSCAR (S24a, S25): ISPIN 1, s/p/d site DOS
  (LORBIT 10 layout), 151 points from -8.10 to +0.90 eV around E_F (step 0.06 eV), Gaussian model
  bands on small model cells (a Pnma LiBH4 cell, alone or next to [LiNBH] chain units or one LiNH2BH3
  unit). The [BH4] PDOS is shifted by -0.30 eV (LiBH4-70LiNBH) and -0.05 eV (LiBH4-70LiNH2BH3) from
  LiBH4, and LiBH4-70LiNBH has new states from -1.20 to -0.60 eV (E - E_F, half-height edges).
* gaussian/{LiNH2BH3,LiNBH}.log (S26): Gaussian 16 layout with standard orientation, SCF energy and
  "Dipole moment (field-independent basis, Debye)": 4.68 D at 12.0 deg and 5.48 D at 8.0 deg to the
  B->N axis.
"""

from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.neighborlist import neighbor_list
from ase.spacegroup import crystal
from scipy.optimize import brentq

from . import common

# ---- published structure (crystal-structures.md) ------------------------------------------------
PNMA_SITES = [("Li", (0.1602, 0.25, 0.1116)), ("B", (0.30279, 0.25, 0.42941)), ("H", (0.399, 0.25, 0.5627)),
              ("H", (0.3912, 0.25, 0.290)), ("H", (0.2138, 0.046, 0.4312))]
RT_LATTICE = (7.17858, 4.43686, 6.80321)

# ---- article values the models are built to ------------------------------------------------------
BH_COMPOSITE = 1.23
BH_ELONGATION = 0.0065
BH_BULK = BH_COMPOSITE / (1 + BH_ELONGATION)
BH_LINH2BH3 = 1.2226
LIH_BULK, LIH_COMPOSITE = 2.16, 2.24
LIN_BULK, LIN_COMPOSITE = 2.08, 2.28
BARRIERS = {"LiBH4": 0.118, "LiNBH": 0.178, "LiBH4 in LiBH4/LiNBH": 0.091,
            "LiNBH in LiBH4/LiNBH": 0.141, "LiBH4/LiNBH interface": 0.069}

SHELL_CUTOFF = 2.8  # A, as paper_lib.bonds.SHELL_CUTOFF
E_ATOM = {"Li": -1.91, "B": -6.68, "N": -8.32, "H": -3.39}  # eV, order-of-magnitude only
BN, BH_CHAIN, NH, BH_AB, NB_AB, LIN_AB = 1.45, 1.21, 1.02, 1.22, 1.56, 2.00


# ---------------------------------------------------------------- helpers
def _zero_mean(values):
    values = np.asarray(values, float)
    return values - values.mean()


def _shell_mean(atoms, centres, neighbour="H", cutoff=SHELL_CUTOFF):
    symbols = np.array(atoms.get_chemical_symbols())
    i, j, d = neighbor_list("ijd", atoms, cutoff)
    keep = np.isin(i, centres) & (symbols[j] == neighbour)
    return d[keep].mean(), np.bincount(i[keep], minlength=len(atoms))[centres]


def _check_contacts(atoms, name):
    """Non-bonded contacts must not be shorter than :data:`CONTACT` (Å)."""
    limits = CONTACT
    symbols = np.array(atoms.get_chemical_symbols())
    i, j, d = neighbor_list("ijd", atoms, 2.4)
    for a, b, dist in zip(symbols[i], symbols[j], d):
        if dist < limits[frozenset([a, b])]:
            raise AssertionError(f"{name}: {a}-{b} contact of {dist:.3f} A")


CONTACT = {frozenset(["H"]): 1.65, frozenset(["Li", "H"]): 1.75, frozenset(["Li"]): 2.2,
           frozenset(["Li", "B"]): 2.1, frozenset(["Li", "N"]): 1.9, frozenset(["B"]): 2.3,
           frozenset(["N"]): 2.3, frozenset(["B", "N"]): 1.3, frozenset(["B", "H"]): 1.1,
           frozenset(["N", "H"]): 0.95}
"""Shortest non-bonded contacts (Å) the models may contain."""


# ---------------------------------------------------------------- LiBH4 (Pnma) models
class PnmaTemplate:
    """A Pnma LiBH4 supercell whose [BH4] units can be rebuilt at any scale and B-H length."""

    def __init__(self, repeat, rng):
        base = crystal([s for s, _ in PNMA_SITES], [p for _, p in PNMA_SITES], spacegroup=62,
                       cellpar=[*RT_LATTICE, 90, 90, 90]).repeat(repeat)
        self.symbols = np.array(base.get_chemical_symbols())
        self.cell = np.array(base.cell)
        self.frac = np.round(base.get_scaled_positions(), 12)  # the published fractions, free of solver bits
        i, j, D = neighbor_list("ijD", base, 1.5)
        pairs = [(a, b, v) for a, b, v in zip(i, j, D) if self.symbols[a] == "B" and self.symbols[b] == "H"]
        assert len(pairs) == 4 * (self.symbols == "B").sum()
        self.h_of = {b: a for a, b, _ in pairs}
        dirs = {b: v / np.linalg.norm(v) for _, b, v in pairs}
        tilt = rng.normal(0.0, 0.01, size=(len(base), 3))  # ~0.6 degree
        self.dirs = {b: (d + tilt[b] - (d @ tilt[b]) * d) / np.linalg.norm(d + tilt[b] - (d @ tilt[b]) * d)
                     for b, d in dirs.items()}
        hs = sorted(self.dirs)
        self.eps = dict(zip(hs, _zero_mean(rng.normal(0.0, 0.004, len(hs)))))

    def build(self, scale, bh):
        cell = self.cell * scale
        pos = _frac_to_cart(self.frac, cell)
        for h, b in self.h_of.items():
            pos[h] = pos[b] + (bh + self.eps[h]) * self.dirs[h]
        return Atoms(self.symbols.tolist(), positions=pos, cell=cell, pbc=True)


def _frac_to_cart(frac, cell):
    """Cartesian positions, as a sum written out (a BLAS product rounds differently on each CPU)."""
    return frac[:, :1] * cell[0] + frac[:, 1:2] * cell[1] + frac[:, 2:] * cell[2]


def _solved(scale) -> float:
    """A root-solved scale factor to 12 significant digits: the solver's last bits follow the CPU."""
    return float(f"{scale:.12g}")


def libh4_bulk(rng):
    template = PnmaTemplate((1, 2, 1), rng)
    li = np.flatnonzero(template.symbols == "Li")
    scale = _solved(brentq(lambda f: _shell_mean(template.build(f, BH_BULK), li)[0] - LIH_BULK, 0.95, 1.05,
                           xtol=1e-14))
    atoms = template.build(scale, BH_BULK)
    assert np.all(_shell_mean(atoms, li)[1] == 9)
    order = np.argsort([["Li", "B", "H"].index(a) for a in atoms.get_chemical_symbols()], kind="stable")
    return atoms[order], scale  # grouped by element, as a POSCAR lists them


# ---------------------------------------------------------------- [LiNBH]n chains
def chain_offsets(rng, n):
    """Seeded zero-mean Li-N distance offsets (A) of ``n`` chain Li."""
    return _zero_mean(rng.normal(0.0, 0.01, n))


def linbh_layers(length_x, width_y, period, lin, z0, layer_gap, offsets, n_layers=2, chains_per_layer=2):
    """Atoms of [LiNBH]n zig-zag chains along x (``period`` per N-B pair); Li-N distances ``lin`` +
    ``offsets`` (zero mean, so their mean is ``lin`` exactly); returns symbols, positions (A)."""
    n_units = int(round(length_x / period))
    assert abs(n_units * period - length_x) < 1e-9
    h = np.sqrt(BN ** 2 - (period / 2) ** 2)
    d_li = lin + np.asarray(offsets)
    assert len(d_li) == n_layers * chains_per_layer * n_units
    symbols, pos, k = [], [], 0
    for layer in range(n_layers):
        z = z0 + layer * layer_gap
        for chain in range(chains_per_layer):
            y = (chain + 0.25 + 0.5 * (layer % 2)) * width_y / chains_per_layer
            for u in range(n_units):
                x = (u + 0.25) * period
                n_pos = np.array([x, y, z])
                b_pos = n_pos + [period / 2, 0.0, h]
                symbols += ["Li", "N", "B", "H"]
                pos += [n_pos - [0.0, 0.0, d_li[k]], n_pos, b_pos, b_pos + [0.0, 0.0, BH_CHAIN]]
                k += 1
    return symbols, np.array(pos)


def linbh_bulk(rng):
    period = 2 * BN * np.sin(np.radians(60))
    layer_gap = 4.4
    symbols, pos = linbh_layers(2 * period, 8.8, period, LIN_BULK, 2.5, layer_gap, chain_offsets(rng, 8))
    atoms = Atoms(symbols, positions=pos, cell=[2 * period, 8.8, 2 * layer_gap], pbc=True)
    return atoms


# ---------------------------------------------------------------- composites
def _slab(template, scale, bh):
    slab = template.build(scale, bh)
    return slab, np.array(slab.cell)


def libh4_linbh(rng):
    template = PnmaTemplate((1, 2, 2), rng)
    offsets = chain_offsets(rng, 12)
    gap_below, layer_gap, gap_above = 2.9, 4.6, 2.6

    def build(scale):
        slab, cell = _slab(template, scale, BH_COMPOSITE)
        lx, ly, lz = cell[0, 0], cell[1, 1], cell[2, 2]
        z0 = lz + gap_below + LIN_COMPOSITE
        symbols, pos = linbh_layers(lx, ly, lx / 3, LIN_COMPOSITE, z0, layer_gap, offsets)
        top = z0 + layer_gap + BN * 0.5 + BH_CHAIN + 0.9
        atoms = slab + Atoms(symbols, positions=pos)
        atoms.set_cell([lx, ly, top + gap_above], scale_atoms=False)
        atoms.pbc = True
        region = np.array(["LiBH4"] * len(slab) + ["LiNBH"] * len(symbols), dtype=object)
        return atoms, region

    atoms, region = build(1.0)
    li = np.flatnonzero((np.array(atoms.get_chemical_symbols()) == "Li") & (region == "LiBH4"))
    counts = _shell_mean(atoms, li)[1]
    inner = li[counts == 9]
    scale = _solved(brentq(lambda f: _shell_mean(build(f)[0], inner)[0] - LIH_COMPOSITE, 0.98, 1.08, xtol=1e-14))
    atoms, region = build(scale)
    region[li[counts != 9]] = "interface"
    assert np.all(_shell_mean(atoms, inner)[1] == 9)
    atoms.arrays["region"] = region.astype(str)
    return atoms, scale


def libh4_linh2bh3(rng, scale):
    template = PnmaTemplate((1, 2, 2), rng)
    slab, cell = _slab(template, scale, BH_LINH2BH3)
    lx, ly, lz = cell[0, 0], cell[1, 1], cell[2, 2]
    symbols, pos = [], []
    theta = np.radians(70.5)
    z_first, layer_gap = lz + 2.6 + LIN_AB, 5.0
    for layer in range(2):
        for m in range(2):
            n_pos = np.array([(0.25 + 0.5 * layer) * lx, (m + 0.25 + 0.5 * layer) * ly / 2, z_first + layer * layer_gap])
            b_pos = n_pos + [0.0, 0.0, NB_AB]
            symbols += ["Li", "N", "B"]
            pos += [n_pos - [0.0, 0.0, LIN_AB], n_pos, b_pos]
            for phi in (90.0, 210.0, 330.0):
                p = np.radians(phi)
                symbols.append("H")
                pos.append(b_pos + BH_AB * np.array([np.sin(theta) * np.cos(p), np.sin(theta) * np.sin(p), np.cos(theta)]))
            for phi in (30.0, 150.0):
                p = np.radians(phi)
                symbols.append("H")
                pos.append(n_pos + NH * np.array([np.sin(theta) * np.cos(p), np.sin(theta) * np.sin(p), -np.cos(theta)]))
    atoms = slab + Atoms(symbols, positions=np.array(pos))
    atoms.set_cell([lx, ly, z_first + layer_gap + NB_AB + 0.5 + 2.6], scale_atoms=False)
    atoms.pbc = True
    atoms.arrays["region"] = np.array(["LiBH4"] * len(slab) + ["LiNH2BH3"] * len(symbols))
    return atoms


# ---------------------------------------------------------------- NEB bands
def model_energy(x, skew, end, height):
    """Skewed barrier in the fractional path coordinate x∈[0,1] (eV) and its derivative d/dx."""
    w = x + skew * x * (1 - x)
    dw = 1 + skew * (1 - 2 * x)
    e = height * np.sin(np.pi * w) ** 2 + end * (3 * x ** 2 - 2 * x ** 3)
    de = height * np.pi * np.sin(2 * np.pi * w) * dw + end * 6 * x * (1 - x)
    return e, de


def neb_band(host, mover, target, n_images, barrier, end, skew, rng, shift_to_boundary=False):
    """Images of a vacancy hop of atom ``mover`` into the (removed) Li site ``target`` of ``host``."""
    from paper_lib.readers.structures import reaction_coordinate, tangents

    base = host.copy()
    start = base.positions[mover].copy()
    v = base.get_distance(mover, target, mic=True, vector=True)
    end_pos = start + v
    keep = [k for k in range(len(base)) if k != target]
    base = base[keep]
    mover = keep.index(mover)
    if shift_to_boundary:  # put the middle of the hop on the cell boundary along a
        mid_frac = np.linalg.solve(base.cell.T, start + 0.5 * v)
        base.positions -= mid_frac[0] * base.cell[0]
        start, end_pos = start - mid_frac[0] * base.cell[0], end_pos - mid_frac[0] * base.cell[0]
    normal, bulge = _best_detour(base, mover, start, v)
    mid = start + 0.5 * v
    # Seeded displacements are drawn for every atom, whatever the geometry, and the 4.5 Å cut is
    # decided on distances rounded to 1e-6 Å: an atom at the cut cannot shift the random sequence
    # when a CPU computes its distance one bit differently.
    sizes, units = rng.uniform(0.01, 0.04, len(base)), rng.normal(size=(len(base), 3))
    near = [k for k in range(len(base)) if k != mover and round(float(np.linalg.norm(
        base.get_distance(mover, k, mic=True, vector=True) + start - mid)), 6) < 4.5]
    relax = {k: sizes[k] * units[k] / np.linalg.norm(units[k]) for k in near}
    groups = _groups(base)

    def image(t):
        atoms = base.copy()
        atoms.positions[mover] = start + t * v + bulge * np.sin(np.pi * t) * normal
        for k, u in relax.items():
            atoms.positions[k] += np.sin(np.pi * t) * u
        _make_room(atoms, mover, groups)
        atoms.wrap()
        return atoms

    # equally spaced images along the path, as NEB springs make them: invert s(t) on a fine grid
    fine = np.linspace(0.0, 1.0, 61)
    s_fine = reaction_coordinate([image(t) for t in fine])
    t_images = np.interp(np.linspace(0.0, s_fine[-1], n_images), s_fine, fine)
    images = [image(t) for t in t_images]
    s = reaction_coordinate(images)
    x = s / s[-1]
    shape, _ = model_energy(x, skew, end, 1.0)
    top = n_images // 2
    height = (barrier - end * (3 * x[top] ** 2 - 2 * x[top] ** 3)) / (shape[top] - end * (3 * x[top] ** 2 - 2 * x[top] ** 3))
    e, de_dx = model_energy(x, skew, end, height)
    noise = np.clip(rng.normal(0.0, 0.0005, n_images), -0.0009, 0.0009)
    noise[[0, top]] = 0.0
    e0 = round(sum(E_ATOM[a] for a in base.get_chemical_symbols()) + rng.uniform(-2.0, 2.0), 6)
    energies = np.round(e0 + e + noise, 6)
    energies[0], energies[top] = e0, round(e0 + barrier, 6)
    assert int(np.argmax(energies)) == top and np.all(np.delete(energies, top) < energies[top] - 0.002)
    for atoms, energy, tau, slope in zip(images, energies, tangents(images), de_dx / s[-1]):
        r = rng.normal(0.0, 0.005, size=(len(atoms), 3))
        r -= (r * tau).sum() * tau
        atoms.calc = SinglePointCalculator(atoms, energy=float(energy), forces=-slope * tau + r)
    _check_contacts(images[top], f"NEB saddle of {mover}")
    return images


ROOM = {"H": 1.82, "B": 2.3, "N": 1.98, "Li": 2.35}  # Å, closest approach allowed to the moving Li


def _groups(atoms):
    """Rigid groups for :func:`_make_room`: each [BH4] unit (B and its four H), every other atom alone."""
    symbols = np.array(atoms.get_chemical_symbols())
    i, j = neighbor_list("ij", atoms, 1.5)
    owner = {}
    for a, b in zip(i, j):
        if symbols[a] == "B" and symbols[b] == "H":
            owner.setdefault(a, []).append(b)
    bh4 = [[b, *sorted(hs)] for b, hs in sorted(owner.items()) if len(hs) == 4]
    grouped = {k for g in bh4 for k in g}
    return bh4 + [[k] for k in range(len(atoms)) if k not in grouped]


def _make_room(atoms, mover, groups, passes=8):
    """The relaxation a real NEB would give, crudely: groups closer to the moving Li than
    :data:`ROOM`, or to each other than :data:`CONTACT`, are shifted rigidly apart (the moving Li
    never moves), a few passes."""
    symbols = np.array(atoms.get_chemical_symbols())
    group_of = np.empty(len(atoms), dtype=int)
    for g, group in enumerate(groups):
        group_of[group] = g
    for _ in range(passes):
        i, j, d, vec = neighbor_list("ijdD", atoms, 2.4)
        shifts, moved = np.zeros((len(groups), 3)), False
        for a, b, dist, v in zip(i, j, d, vec):
            if group_of[a] == group_of[b] or b == mover:
                continue
            limit = ROOM[symbols[b]] if a == mover else CONTACT[frozenset([symbols[a], symbols[b]])] + 0.03
            if dist < limit:
                share = 1.0 if a == mover else 0.5
                shifts[group_of[b]] += share * (limit - dist + 0.01) * v / dist
                moved = True
        if not moved:
            return
        for g, group in enumerate(groups):
            atoms.positions[group] += shifts[g]


def _best_detour(atoms, mover, start, v):
    """Direction (unit, perpendicular to the hop vector ``v``) and size (Å) of the sin-shaped detour
    that keeps the moving atom farthest from all others: a deterministic grid search."""
    e1 = np.cross(v, [0.0, 0.0, 1.0] if abs(v[2]) < 0.9 * np.linalg.norm(v) else [1.0, 0.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(v, e1) / np.linalg.norm(v)
    others = np.delete(np.arange(len(atoms)), mover)
    rel = atoms.get_distances(mover, others, mic=True, vector=True) + start  # unwrapped near the hop
    best = (-1.0, None, 0.0)
    for angle in np.radians(np.arange(0.0, 360.0, 15.0)):
        normal = np.cos(angle) * e1 + np.sin(angle) * e2
        for bulge in (0.0, 0.25, 0.5, 0.75, 1.0):
            path = [start + t * v + bulge * np.sin(np.pi * t) * normal for t in np.linspace(0, 1, 21)]
            closest = min(np.linalg.norm(rel - p, axis=1).min() for p in path)
            if closest > best[0] + 1e-9:
                best = (closest, normal, bulge)
    return best[1], best[2]


def _li_near(atoms, centre, candidates, same_z=False):
    best = None
    for k in candidates:
        if k == centre:
            continue
        vec = atoms.get_distance(centre, k, mic=True, vector=True)
        if same_z and abs(vec[2]) > 0.5:
            continue
        d = np.linalg.norm(vec)
        if best is None or d < best[0] - 1e-9:
            best = (d, k)
    return best[1]


# ---------------------------------------------------------------- files
def _quantized(atoms):
    """``atoms`` with its cell rounded to 1e-10 Å, as files are written: ase writes the lattice with
    every digit of a float, and those last digits follow the CPU."""
    atoms.set_cell(np.round(np.array(atoms.cell), 10), scale_atoms=False)
    return atoms


def _write_extxyz(path, images, info_keys=()):
    import ase.io

    for atoms in images:
        for key in list(atoms.info):
            if key not in info_keys:
                del atoms.info[key]
        _quantized(atoms)
    ase.io.write(path, images, format="extxyz")


def _write_poscar(path, atoms):
    """VASP 5 POSCAR with direct coordinates as ase writes it, the coordinates rounded to 1e-10: ase
    prints 16 decimals of fractions it solves for, whose last digits follow the CPU's BLAS."""
    import ase.io

    ase.io.write(path, _quantized(atoms), format="vasp", direct=True, sort=False)
    lines = Path(path).read_text().splitlines()
    start = lines.index("Direct") + 1
    for k in range(start, start + len(atoms)):
        lines[k] = "".join(f"{round(float(v), 10) + 0.0:20.16f}" for v in lines[k].split()[:3])
    Path(path).write_text("\n".join(lines) + "\n")


def generate() -> list:
    files, measurements = [], []
    lib, lib_scale = libh4_bulk(common.rng("dft/structures/LiBH4.vasp"))
    nbh = linbh_bulk(common.rng("dft/structures/LiNBH.extxyz"))
    comp, comp_scale = libh4_linbh(common.rng("dft/structures/LiBH4-LiNBH.extxyz"))
    ab = libh4_linh2bh3(common.rng("dft/structures/LiBH4-LiNH2BH3.extxyz"), lib_scale)
    for atoms, name in ((lib, "LiBH4"), (nbh, "LiNBH"), (comp, "LiBH4/LiNBH"), (ab, "LiBH4/LiNH2BH3")):
        _check_contacts(atoms, name)

    structures = [("LiBH4", "structures/LiBH4.vasp", lib, "vasp",
                   {"model": "Pnma LiBH4 1x2x1", "lattice_scale_vs_RT": round(lib_scale, 6)}),
                  ("LiNBH", "structures/LiNBH.extxyz", nbh, "extxyz", {"model": "schematic [LiNBH]n chains"}),
                  ("LiBH4/LiNBH", "structures/LiBH4-LiNBH.extxyz", comp, "extxyz",
                   {"model": "Pnma LiBH4 slab + [LiNBH]n chains", "lattice_scale_vs_RT": round(comp_scale, 6)}),
                  ("LiBH4/LiNH2BH3", "structures/LiBH4-LiNH2BH3.extxyz", ab, "extxyz",
                   {"model": "Pnma LiBH4 slab + schematic LiNH2BH3", "lattice_scale_vs_RT": round(lib_scale, 6)})]
    for sample, rel, atoms, fmt, conditions in structures:
        path = common.reference_path("dft/" + rel)
        if fmt == "vasp":
            _write_poscar(path, atoms)
        else:
            _write_extxyz(path, [atoms])
        files.append(path)
        measurements.append({"id": "structure-" + Path(rel).stem, "kind": "structure", "sample": sample,
                             "file": "dft/" + rel, "format": fmt,
                             "conditions": {"generated": "reference model, not DFT", **conditions}})

    li = np.flatnonzero(np.array(lib.get_chemical_symbols()) == "Li")
    nbh_super = nbh.repeat((2, 1, 1))
    nbh_li = np.flatnonzero(np.array(nbh_super.get_chemical_symbols()) == "Li")
    region = np.asarray(comp.arrays["region"]).astype(str)
    csym = np.array(comp.get_chemical_symbols())
    c_li = np.flatnonzero((csym == "Li") & (region == "LiBH4"))
    c_nli = np.flatnonzero((csym == "Li") & (region == "LiNBH"))
    c_ili = np.flatnonzero((csym == "Li") & (region == "interface"))
    bands = [  # sample, file stem, host, mover, candidates, images, end offset (eV), skew, same_z, boundary
        ("LiBH4", "LiBH4", lib, li[0], li, 9, 0.002, 0.10, False, True),
        ("LiNBH", "LiNBH", nbh_super, nbh_li[0], nbh_li, 7, -0.003, -0.08, False, False),
        ("LiBH4 in LiBH4/LiNBH", "LiBH4-in-LiBH4-LiNBH", comp, c_li[0], c_li, 9, 0.004, 0.12, False, False),
        ("LiNBH in LiBH4/LiNBH", "LiNBH-in-LiBH4-LiNBH", comp, c_nli[0], c_nli, 7, -0.005, 0.09, False, False),
        ("LiBH4/LiNBH interface", "LiBH4-LiNBH-interface", comp, c_ili[0], c_ili, 7, 0.006, -0.11, True, False),
    ]
    for sample, stem, host, mover, candidates, n_images, end, skew, same_z, boundary in bands:
        rel = f"neb/{stem}.extxyz"
        rng = common.rng("dft/" + rel)
        target = _li_near(host, mover, candidates, same_z)
        images = neb_band(host, mover, target, n_images, BARRIERS[sample], end, skew, rng, boundary)
        path = common.reference_path("dft/" + rel)
        _write_extxyz(path, images)
        files.append(path)
        measurements.append({"id": "neb-" + stem, "kind": "neb", "sample": sample, "file": "dft/" + rel,
                             "format": "neb-extxyz",
                             "conditions": {"generated": "reference model, not DFT", "n_images": n_images,
                                            "mechanism": "Li vacancy hop between equivalent sites"}})
    from . import dft_outputs  # it builds on this module's structures

    files += dft_outputs.write_all(common.REFERENCE / "dft")
    measurements += dft_outputs.manifest_entries()
    description = ("Reference DFT-like data (generated, not DFT): structure models built from published Pnma "
                   "LiBH4 and schematic [LiNBH]n / LiNH2BH3 units, NEB bands of Li vacancy hops with "
                   "model energies whose highest image equals the article's barriers, and outputs in the "
                   "formats of VASP, bader and Gaussian (total energies, Bader charges, charge-density "
                   "differences, DOS, dipole moments) written to give the article's values. See data/README.md.")
    common.write_manifest("dft", description, measurements)
    return files
