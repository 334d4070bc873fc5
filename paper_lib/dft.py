"""DFT scalars: total energies, Bader charges, charge-density differences, DOS and dipole moments.

The files are read by :mod:`paper_lib.readers.dft_outputs` (VASP OUTCAR / vasprun.xml, bader ACF.dat,
CHGCAR-layout volumetric files, DOSCAR, Gaussian 16 logs; ``readers.read`` chooses by the manifest's
format); this module analyses what they return.

Uncertainties. A DFT number is a deterministic function of its inputs: it carries no statistical
error. What is reported instead is the numerical tolerance the file states: for total energies the SCF
stopping criterion EDIFF (eV) of the run (``uncertainty_known`` False, uncertainty 0, when the file
does not give it); for DOS shifts and windows half the energy-grid step.

Definitions used for the article's numbers
* Charge transfer at an interface: net Bader charge q = ZVAL − CHARGE (e). A [BH4] unit is a B with
  four H closer than :data:`BH_CUTOFF`; an *interface* unit is one of the LiBH4 side whose B lies
  within :data:`INTERFACE_CUTOFF` (minimum image) of an atom of the partner phase. The transfer is
  Σ over interface units of (q_unit − mean q of the other, bulk-like [BH4] units): the electrons the
  interface [BH4]⁻ give away (> 0). The partner's net charge (−transfer when the slab gives exactly
  that) is returned alongside as a cross-check.
* DOS energies are E − E_F (eV), E_F from the DOSCAR header; DOS in states/eV per cell (both spins).
* DOS trend (S24, S25): the composite's DOS shifts to lower energy when its shift is below −2 × its
  uncertainty; a shift is "slight" when its magnitude is under half the larger one.
"""

from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from ase.formula import Formula
from ase.neighborlist import neighbor_list

from .readers.dft_outputs import DEBYE, read_acf, read_chgcar, read_doscar, read_energy, read_gaussian_dipole, \
    read_zval  # noqa: F401  (the readers, re-exported for convenience)

BH_CUTOFF = 1.5  # Å, B–H bond
INTERFACE_CUTOFF = 5.5  # Å, B of a [BH4] unit to the nearest partner atom


# ================================================================ total energies
@dataclass(frozen=True)
class TotalEnergy:
    """Total energy of one run (eV): energy(sigma->0), as ``get_potential_energy()`` gives it."""

    energy: float
    uncertainty: float          # eV: EDIFF of the run, or 0 when unknown
    uncertainty_known: bool
    converged: bool | None      # OUTCAR says "aborting loop because EDIFF is reached"; None if unknown
    formula: str
    n_atoms: int
    source: str


@dataclass(frozen=True)
class EnergyDifference:
    """E(b) − E(a) (eV) per cell and per formula unit, with the EDIFF-based tolerance (eV)."""

    difference: float
    per_formula_unit: float
    n_formula_units: int
    uncertainty: float
    uncertainty_known: bool


def formula_units(formula, unit="LiNBH") -> int:
    """Number of ``unit`` formula units in ``formula`` (str or ase.Atoms); ValueError if not whole."""
    formula = formula.get_chemical_formula() if hasattr(formula, "get_chemical_formula") else formula
    have, per = Formula(formula).count(), Formula(unit).count()
    ratios = {have.get(s, 0) / n for s, n in per.items()}
    if len(ratios) != 1 or set(have) - set(per) or not float(next(iter(ratios))).is_integer():
        raise ValueError(f"{formula} is not a whole number of {unit} units")
    return int(next(iter(ratios)))


def total_energy(ds) -> TotalEnergy:
    """The :class:`TotalEnergy` of a run read by ``read_energy`` (eV; EDIFF as its tolerance)."""
    ediff = ds.attrs.get("ediff")
    return TotalEnergy(energy=float(ds["energy"]), uncertainty=float(ediff or 0.0), uncertainty_known=ediff is not None,
                       converged=ds.attrs.get("converged"), formula=ds.attrs["formula"],
                       n_atoms=int(ds.attrs["n_atoms"]), source=ds.attrs.get("source_file", ds.attrs.get("source", "")))


def _as_energy(e):
    return e if isinstance(e, TotalEnergy) else total_energy(e)


def per_formula_unit(e, unit="LiNBH") -> float:
    """Total energy (eV) per ``unit`` formula unit of a run (TotalEnergy or energy Dataset)."""
    e = _as_energy(e)
    return e.energy / formula_units(e.formula, unit)


def energy_difference(a, b, unit="LiNBH") -> EnergyDifference:
    """E(b) − E(a) (eV) of two runs with the same cell content (TotalEnergy or energy Datasets), per
    cell and per ``unit``."""
    a, b = _as_energy(a), _as_energy(b)
    if Formula(a.formula).count() != Formula(b.formula).count():
        raise ValueError(f"different cell contents ({a.formula} in {a.source}, {b.formula} in {b.source}): "
                         "total energies compare only for the same atoms")
    n = formula_units(a.formula, unit)
    diff = b.energy - a.energy
    return EnergyDifference(difference=diff, per_formula_unit=diff / n, n_formula_units=n,
                            uncertainty=float(np.hypot(a.uncertainty, b.uncertainty)),
                            uncertainty_known=a.uncertainty_known and b.uncertainty_known)


# ================================================================ Bader charges
@dataclass(frozen=True)
class ChargeTransfer:
    """Charge given by the interface [BH4] units (e, > 0 = electrons lost) and its cross-check."""

    transfer: float             # Σ_interface (q_unit − bulk mean) (e)
    partner_charge: float       # net charge of the partner phase (e)
    bulk_unit_charge: float     # mean net charge of the bulk-like [BH4] units (e)
    interface_units: tuple      # B indices of the interface units
    n_bulk_units: int


def valences(run) -> dict:
    """ZVAL (e) per element of a run read by ``read_energy`` from an OUTCAR."""
    if "zval" not in run:
        raise ValueError(f"{run.attrs.get('source', 'the run')} states no ZVAL (an OUTCAR has them)")
    return {str(s): float(v) for s, v in zip(run["species"].values, run["zval"].values)}


def net_charges(acf, symbols, zval) -> xr.DataArray:
    """Net atomic charges q = ZVAL − CHARGE (e), ``symbols`` in ACF.dat order; ``zval`` a mapping
    element -> ZVAL or a run Dataset holding them."""
    zval = valences(zval) if isinstance(zval, xr.Dataset) else zval
    symbols = list(symbols)
    if len(symbols) != acf.sizes["atom"]:
        raise ValueError(f"{acf.attrs.get('source', 'ACF.dat')} has {acf.sizes['atom']} atoms, the structure "
                         f"{len(symbols)}")
    missing = sorted(set(symbols) - set(zval))
    if missing:
        raise ValueError(f"no ZVAL for {missing}")
    q = np.array([zval[s] for s in symbols]) - acf["charge"].values
    return xr.DataArray(q, dims="atom", coords={"element": ("atom", symbols)}, name="net_charge",
                        attrs={"units": "e", "long_name": "net Bader charge ZVAL - CHARGE"})


def check_positions(acf, atoms, tol=1e-3) -> float:
    """Largest distance (Å) between ACF.dat and structure positions; ValueError above ``tol``."""
    xyz = np.column_stack([acf[k].values for k in ("x", "y", "z")])
    worst = float(np.abs(xyz - atoms.positions).max()) if len(xyz) == len(atoms) else np.inf
    if worst > tol:
        raise ValueError(f"ACF.dat positions differ from the structure's by {worst:.4g} Å: not the same atoms")
    return worst


def bh4_units(atoms, exclude=None, cutoff=BH_CUTOFF) -> list:
    """[BH4] units as tuples (B, H, H, H, H): B with exactly four H closer than ``cutoff`` Å
    (minimum image), B not flagged in the boolean mask ``exclude``."""
    symbols = np.array(atoms.get_chemical_symbols())
    exclude = np.zeros(len(atoms), bool) if exclude is None else np.asarray(exclude, bool)
    i, j = neighbor_list("ij", atoms, float(cutoff))
    keep = (symbols[i] == "B") & (symbols[j] == "H") & ~exclude[i]
    units = {}
    for a, b in zip(i[keep], j[keep]):
        units.setdefault(int(a), []).append(int(b))
    return [(b, *sorted(h)) for b, h in sorted(units.items()) if len(h) == 4]


def interface_units(atoms, partner, cutoff=INTERFACE_CUTOFF, key="region"):
    """([BH4] units at the interface, the other units): a unit is at the interface when its B lies
    within ``cutoff`` Å (minimum image) of an atom whose ``atoms.arrays[key]`` is ``partner``."""
    if key not in atoms.arrays:
        raise KeyError(f"the structure has no per-atom array '{key}' naming the phases")
    mask = np.asarray(atoms.arrays[key]).astype(str) == partner
    if not mask.any():
        raise ValueError(f"no atom of region {partner!r}; regions are {sorted(set(atoms.arrays[key]))}")
    others = np.flatnonzero(mask)
    units = bh4_units(atoms, exclude=mask)
    near = [round(float(atoms.get_distances(u[0], others, mic=True).min()), 6) < cutoff for u in units]
    return [u for u, n in zip(units, near) if n], [u for u, n in zip(units, near) if not n]


def group_sums(net, groups) -> np.ndarray:
    """Σ net charge (e) over each group of atom indices."""
    q = np.asarray(net)
    return np.array([q[list(g)].sum() for g in groups])


def charge_transfer(atoms, net, partner, cutoff=INTERFACE_CUTOFF, key="region") -> ChargeTransfer:
    """Charge (e) given by the interface [BH4] units to the ``partner`` phase (module docstring)."""
    inter, bulk = interface_units(atoms, partner, cutoff, key)
    if not inter or not bulk:
        raise ValueError(f"need interface and bulk-like [BH4] units, found {len(inter)} and {len(bulk)}")
    reference = float(group_sums(net, bulk).mean())
    transfer = float((group_sums(net, inter) - reference).sum())
    mask = np.asarray(atoms.arrays[key]).astype(str) == partner
    return ChargeTransfer(transfer=transfer, partner_charge=float(np.asarray(net)[mask].sum()),
                          bulk_unit_charge=reference, interface_units=tuple(u[0] for u in inter),
                          n_bulk_units=len(bulk))


def bader_transfer(acf, atoms, run, partner, cutoff=INTERFACE_CUTOFF) -> ChargeTransfer:
    """:func:`charge_transfer` from an ACF.dat Dataset, the structure in its atom order (positions
    checked to 1e-3 Å) and the run's OUTCAR (ZVAL); ``partner`` names the partner region."""
    check_positions(acf, atoms)
    net = net_charges(acf, atoms.get_chemical_symbols(), run)
    return charge_transfer(atoms, net, partner, cutoff)


# ================================================================ charge-density differences
def density_projection(rho, axis="x") -> xr.DataArray:
    """The signed value of largest magnitude of ``rho`` (e/Å^3) along ``axis``: what an isosurface
    plot seen along that axis shows (accumulation > 0, depletion < 0)."""
    k = abs(rho).argmax(dim=axis)
    out = rho.isel({axis: k}).drop_vars(axis)
    out.attrs = {"units": rho.attrs.get("units", "e/Å^3"), "long_name": f"extreme density along {axis}",
                 "normal": axis}
    return out


def density_slice(rho, axis="x", position=0.0) -> xr.DataArray:
    """The 2-D plane of ``rho`` (e/Å^3) normal to ``axis`` nearest ``position`` (Å, periodic);
    ``attrs['plane']`` gives the plane's actual position (Å)."""
    coord = rho[axis].values
    length = rho.attrs["atoms"].cell.lengths()["xyz".index(axis)]
    distance = np.abs((coord - position + 0.5 * length) % length - 0.5 * length)
    k = int(np.argmin(distance))
    out = rho.isel({axis: k}).drop_vars(axis)
    out.attrs = {key: v for key, v in rho.attrs.items() if key != "atoms"}
    out.attrs.update(plane=float(coord[k]), normal=axis)
    return out


def planar_average(rho, axis="z") -> xr.DataArray:
    """Average of ``rho`` (e/Å^3) over the planes normal to ``axis``, as a function of it (Å)."""
    out = rho.mean(dim=[d for d in rho.dims if d != axis])
    out.attrs = {"units": "e/Å^3", "long_name": f"planar average normal to {axis}"}
    return out


def integrate_density(rho, part="all") -> float:
    """∫ rho dV (e) over the cell: ``part`` "all", "positive" (accumulation) or "negative" (depletion)."""
    values = rho.values
    values = {"all": values, "positive": np.clip(values, 0, None), "negative": np.clip(values, None, 0)}[part]
    return float(values.sum() * rho.attrs["atoms"].get_volume() / values.size)


# ================================================================ DOS
@dataclass(frozen=True)
class DosShift:
    """Shift (eV) of a DOS against a reference (negative = to lower energy) in ``window`` (eV)."""

    shift: float
    uncertainty: float   # eV, half the grid step (the energy resolution of the DOSCAR)
    method: str
    window: tuple


@dataclass(frozen=True)
class NewStates:
    """Energy range (eV, E − E_F) where a DOS exceeds an aligned reference by ``threshold`` (states/eV)."""

    low: float
    high: float
    threshold: float
    peak_excess: float   # states/eV
    area: float          # states: ∫ excess over the range widened by two grid steps on each side
    resolution: float    # eV, half the grid step


def select_pdos(ds, atoms=None, orbitals=None) -> xr.DataArray:
    """Σ of the site DOS (states/eV) over atom indices ``atoms`` and ``orbitals`` (all when None)."""
    pdos = ds["pdos"]
    if atoms is not None:
        pdos = pdos.isel(atom=list(atoms))
    if orbitals is not None:
        pdos = pdos.sel(orbital=list(orbitals))
    out = pdos.sum(dim=["atom", "orbital"])
    out.attrs = {"units": "states/eV", "long_name": "projected DOS", "step": ds.attrs["step"]}
    return out


def element_pdos(ds, atoms=None) -> xr.DataArray:
    """Site DOS (states/eV) summed over orbitals and the atoms of each element (from ``atoms``, the
    run's structure, or the DOS's ``element`` coordinate): dims element, energy."""
    pdos = ds["pdos"].sum("orbital")
    if atoms is not None:
        if len(atoms) != pdos.sizes["atom"]:
            raise ValueError(f"the DOS has {pdos.sizes['atom']} atoms, the structure {len(atoms)}")
        pdos = pdos.assign_coords(element=("atom", atoms.get_chemical_symbols()))
    elif "element" not in pdos.coords:
        raise ValueError("the DOS has no 'element' coordinate: give its structure")
    out = pdos.groupby("element").sum()
    out.attrs = {"units": "states/eV", "long_name": "PDOS per element"}
    return out


def bh4_pdos(ds, atoms) -> xr.DataArray:
    """PDOS (states/eV) of the [BH4] units of ``atoms`` (B and its four H), per unit."""
    units = bh4_units(atoms)
    if not units:
        raise ValueError("no [BH4] unit in the structure")
    out = select_pdos(ds, [k for u in units for k in u]) / len(units)
    out.attrs = {"units": "states/eV", "long_name": "[BH4] PDOS per unit", "step": ds.attrs["step"],
                 "n_units": len(units)}
    return out


def shift_trend(strong: DosShift, slight: DosShift) -> bool:
    """The S24/S25 trend: ``strong`` lies to lower energy beyond twice its uncertainty and ``slight``
    is under half of it in magnitude."""
    return strong.shift < -2 * strong.uncertainty and abs(slight.shift) < 0.5 * abs(strong.shift)


def _window(da, window):
    e = da["energy"].values
    lo, hi = (e[0], e[-1]) if window is None else window
    keep = (e >= lo - 1e-9) & (e <= hi + 1e-9)
    return e[keep], da.values[keep]


def integrate_dos(da, window=None) -> float:
    """∫ DOS dE (states, = electrons below E_F for ISPIN = 1) over ``window`` (eV), trapezoids on the grid."""
    e, d = _window(da, window)
    return float(np.sum(0.5 * (d[1:] + d[:-1]) * np.diff(e)))


def band_centre(da, window=None) -> float:
    """First moment ∫E·DOS dE / ∫DOS dE (eV) over ``window`` (eV)."""
    e, d = _window(da, window)
    w = np.concatenate([[0.5], np.ones(len(e) - 2), [0.5]]) * d
    return float((w * e).sum() / w.sum())


def dos_shift(da, reference, window, method="centre") -> DosShift:
    """Shift (eV) of ``da`` against ``reference`` in ``window``: difference of band centres
    (``centre``) or the lag of the cross-correlation maximum refined by a parabola (``xcorr``)."""
    step = float(np.diff(da["energy"].values).mean())
    if method == "centre":
        shift = band_centre(da, window) - band_centre(reference, window)
    elif method == "xcorr":
        _, a = _window(da, window)
        _, b = _window(reference, window)
        corr = np.correlate(a, b, mode="full")  # no mean removal: it would bias the lag towards 0
        k = int(np.argmax(corr))
        frac = 0.0
        if 0 < k < len(corr) - 1:
            y0, y1, y2 = corr[k - 1: k + 2]
            frac = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)
        shift = (k - (len(b) - 1) + frac) * step
    else:
        raise ValueError(f"unknown method {method!r}; expected 'centre' or 'xcorr'")
    return DosShift(shift=float(shift), uncertainty=step / 2, method=method, window=tuple(window))


def new_states_window(da, reference, shift=0.0, threshold=None, window=None):
    """:class:`NewStates` where ``da`` − ``reference`` shifted by ``shift`` (eV) exceeds ``threshold``
    (states/eV; default half the largest excess), edges interpolated linearly between grid points; the
    widest such range inside ``window`` (eV). None when nothing exceeds the threshold."""
    e = da["energy"].values
    aligned = np.interp(e - shift, reference["energy"].values, reference.values, left=0.0, right=0.0)
    excess = da.values - aligned
    inside = np.ones(len(e), bool) if window is None else (e >= window[0]) & (e <= window[1])
    excess = np.where(inside, excess, 0.0)
    peak = float(excess.max())
    threshold = 0.5 * peak if threshold is None else float(threshold)
    above = excess >= threshold
    if peak <= 0 or not above.any():
        return None
    runs = np.split(np.flatnonzero(above), np.flatnonzero(np.diff(np.flatnonzero(above)) > 1) + 1)
    run = max(runs, key=lambda r: e[r[-1]] - e[r[0]])
    lo, hi = run[0], run[-1]
    low = _crossing(e, excess, lo - 1, lo, threshold) if lo > 0 else e[lo]
    high = _crossing(e, excess, hi, hi + 1, threshold) if hi < len(e) - 1 else e[hi]
    seg = slice(max(lo - 2, 0), min(hi + 3, len(e)))  # the range and its broadened edges
    area = float(np.sum(0.5 * (excess[seg][1:] + excess[seg][:-1]) * np.diff(e[seg])))
    return NewStates(low=float(low), high=float(high), threshold=threshold, peak_excess=peak, area=area,
                     resolution=float(np.diff(e).mean()) / 2)


def _crossing(e, y, i, j, level):
    return e[i] + (level - y[i]) * (e[j] - e[i]) / (y[j] - y[i])


# ================================================================ dipole moments
@dataclass(frozen=True)
class Dipole:
    """A molecular dipole from a Gaussian log: ``vector`` (D, standard orientation) and the printed Tot (D)."""

    vector: tuple
    total_printed: float
    source: str
    atoms: object = field(compare=False, repr=False)

    @property
    def magnitude(self) -> float:
        """|vector| (D)."""
        return float(np.linalg.norm(self.vector))


def dipole(ds) -> Dipole:
    """The :class:`Dipole` of a Dataset read by ``read_gaussian_dipole`` (D)."""
    return Dipole(vector=tuple(float(v) for v in ds["dipole"].values), total_printed=float(ds.attrs["total_printed"]),
                  source=ds.attrs.get("source", ""), atoms=ds.attrs["atoms"])


def dipole_debye(vector_eA) -> float:
    """Magnitude (D) of a dipole vector given in e·Å (1 D = 0.20819434 e·Å)."""
    return float(np.linalg.norm(vector_eA)) / DEBYE


def dipole_angle(vector, atoms, start="B", end="N") -> float:
    """Angle (degrees) between ``vector`` and the axis from atom ``start`` to ``end`` (index, or the
    first atom of that element)."""
    symbols = atoms.get_chemical_symbols()
    i = symbols.index(start) if isinstance(start, str) else int(start)
    j = symbols.index(end) if isinstance(end, str) else int(end)
    axis = atoms.positions[j] - atoms.positions[i]
    v = np.asarray(vector, float)
    cos = float(v @ axis / (np.linalg.norm(v) * np.linalg.norm(axis)))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def check_total(d: Dipole, tol=3e-4) -> float:
    """|vector| − printed Tot (D); ValueError when it exceeds ``tol`` (the components' rounding)."""
    diff = d.magnitude - d.total_printed
    if abs(diff) > tol:
        raise ValueError(f"{d.source}: |X,Y,Z| = {d.magnitude:.4f} D but Tot = {d.total_printed:.4f} D")
    return diff
