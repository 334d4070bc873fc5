"""Self-diffusion from trajectories, and the Nernst-Einstein conductivity it implies.

Input: the canonical trajectory Dataset (:mod:`paper_lib.readers.trajectory`): positions in Å, times in
fs (from the file, or ``frame_interval_fs``). Results are :class:`~paper_lib.peaks.Estimate`.

* :func:`unwrapped`: positions followed across the cell's faces (each frame-to-frame step taken by the
  minimum image, in fractional coordinates), in the frame of the host: the centre of mass of every atom
  but the mobile ion is removed, as pymatgen's DiffusionAnalyzer and kinisi remove the framework's drift
  (they take its plain mean). A thermostat's drift is not diffusion, and neither is the host's recoil:
  with the cell's centre of mass fixed (ase ``FixCom``), the host moves against the mobile ions' net
  displacement, by their mass over its mass, which with 8 Li in 48 atoms adds about 3 % of the Li MSD to
  the B MSD.
* :func:`msd`: the mean-square displacement of one element against the lag, averaged over atoms and over
  every time origin.
* :func:`diffusion_coefficient`: the diffusive window is chosen by the data: the longest run of lags
  (up to half the run) over which the local log-log slope of the MSD lies within ``slope_range`` of 1;
  there MSD = c + 6 D t is fitted. The standard error of D is the larger of the fit's and the spread of
  the atoms: D fitted to each atom's own MSD over the same window, their standard deviation over
  sqrt(atoms) (the atoms' displacements are the independent samples; the lags of one atom are not).
  Without a diffusive window, D is not given (the run is too short).
* :func:`framework`: whether the cell stayed a crystal. The root-mean-square displacement of the
  framework element (B, the centre of [BH4]⁻) at the longest lag is compared with its nearest-neighbour
  distance. A vibrating crystal stays near 0.1, and Lindemann's ratio at melting (0.1-0.15 of the
  distance for the amplitude about a site) is about 0.2 for a displacement between two times; past
  :data:`LEFT_SITES` the framework has left its sites: the cell melted or rearranged, and its Li D is
  not the crystal's.
* :func:`nernst_einstein`: sigma = n e^2 D / (kB T) (S/cm), Haven ratio 1, n the number density (cm^-3)
  from :func:`number_density`.
"""

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.constants import e as E_CHARGE  # C
from scipy.constants import k as KB  # J/K

from .peaks import Estimate


def frame_times(ds, frame_interval_fs=None):
    """Times (fs) of the frames: the file's, else the frames times ``frame_interval_fs`` (or attrs)."""
    if "time" in ds.coords:
        return ds.time.values.astype(float)
    interval = frame_interval_fs if frame_interval_fs is not None else ds.attrs.get("frame_interval_fs")
    if interval is None:
        raise ValueError("the trajectory has no times: give frame_interval_fs (fs), e.g. in the manifest")
    return np.arange(ds.sizes["frame"]) * float(interval)


def unwrapped(ds, mobile="Li"):
    """Positions (frames, atoms, 3) in Å followed across the cell, in the host's frame: the centre of mass
    of the atoms that are not ``mobile`` removed (of all atoms, when every atom is ``mobile``)."""
    from ase.data import atomic_masses, atomic_numbers

    cell = np.asarray(ds.attrs["cell"], float).reshape(3, 3)
    frac = ds.position.values @ np.linalg.inv(cell)
    steps = np.diff(frac, axis=0)
    steps -= np.round(steps)
    path = np.concatenate([frac[:1], frac[:1] + np.cumsum(steps, axis=0)]) @ cell
    masses = np.array([atomic_masses[atomic_numbers[s]] for s in ds.element.values])
    host = ds.element.values != mobile
    weights = masses * (host if host.any() else 1.0)
    centre = (path * weights[None, :, None]).sum(axis=1, keepdims=True) / weights.sum()
    return path - centre


def msd(ds, element="Li", frame_interval_fs=None, max_fraction=0.5, mobile="Li") -> xr.Dataset:
    """MSD (Å²) of ``element`` on ``lag`` (fs), averaged over its atoms and every time origin, for lags
    up to ``max_fraction`` of the run, in the frame of the host of ``mobile`` (:func:`unwrapped`)."""
    chosen = ds.element.values == element
    if not chosen.any():
        raise ValueError(f"no {element} atoms in the trajectory (elements: {sorted(set(ds.element.values))})")
    path = unwrapped(ds, mobile)[:, chosen, :]
    times = frame_times(ds, frame_interval_fs)
    n = path.shape[0]
    lags = np.arange(1, int(max_fraction * (n - 1)) + 1)
    per_atom = np.array([np.mean(np.sum((path[k:] - path[:-k]) ** 2, axis=2), axis=0) for k in lags])
    dt = float(np.median(np.diff(times)))
    return xr.Dataset({"msd": ("lag", per_atom.mean(axis=1), {"units": "Å^2",
                                                             "long_name": f"mean-square displacement of {element}"}),
                       "msd_atom": (("lag", "atom"), per_atom, {"units": "Å^2", "long_name": "MSD of each atom"}),
                       "origins": ("lag", n - lags, {"units": "1", "long_name": "time origins averaged"})},
                      coords={"lag": ("lag", lags * dt, {"units": "fs", "long_name": "lag time"})},
                      attrs={"element": element, "atoms": int(chosen.sum()), "run_fs": float(times[-1] - times[0])})


def diffusive_window(table, slope_range=0.2, smooth=None):
    """``(lag_lo, lag_hi)`` (fs) of the longest run of lags whose local log-log MSD slope (averaged over
    ``smooth`` points, default a twentieth of the lags, at least 7) is within ``slope_range`` of 1, or None."""
    lag, value = table.lag.values, table.msd.values
    smooth = smooth or max(7, lag.size // 20) | 1
    if lag.size < smooth + 2 or np.any(value <= 0):
        return None
    slope = np.gradient(np.log(value), np.log(lag))
    kernel = np.ones(smooth) / smooth
    slope = np.convolve(np.pad(slope, smooth // 2, mode="edge"), kernel, mode="valid")
    ok = np.abs(slope - 1) <= slope_range
    best, start = None, None
    for k, flag in enumerate(np.r_[ok, False]):
        if flag and start is None:
            start = k
        elif not flag and start is not None:
            if best is None or k - start > best[1] - best[0]:
                best = (start, k)
            start = None
    if best is None or best[1] - best[0] < 5:
        return None
    return float(lag[best[0]]), float(lag[best[1] - 1])


def _fit(lag, value, window):
    """``(D Å²/fs, its standard error, intercept)`` of MSD = c + 6 D t over ``window`` (fs)."""
    keep = (lag >= window[0]) & (lag <= window[1])
    coef, cov = np.polyfit(lag[keep], value[keep], 1, cov=True)
    return coef[0] / 6, math.sqrt(max(cov[0, 0], 0.0)) / 6, coef[1]


@dataclass(frozen=True)
class Diffusion:
    """D (cm²/s) of one element, the window (fs) it was fitted over, the MSD table, the atoms' values."""

    d: Estimate | None
    window_fs: tuple | None
    table: xr.Dataset
    intercept: float | None
    atoms_cm2_s: tuple


def diffusion_coefficient(ds, element="Li", frame_interval_fs=None, slope_range=0.2) -> Diffusion:
    """D (cm²/s, 1 Å²/fs = 0.1 cm²/s) of ``element``, from the diffusive window of its MSD (see above)."""
    table = msd(ds, element, frame_interval_fs)
    window = diffusive_window(table, slope_range)
    if window is None:
        return Diffusion(None, None, table, None, ())
    lag = table.lag.values
    d, d_err, intercept = _fit(lag, table.msd.values, window)
    atoms = [_fit(lag, table.msd_atom.values[:, k], window)[0] for k in range(table.sizes["atom"])]
    spread = float(np.std(atoms, ddof=1)) / math.sqrt(len(atoms)) if len(atoms) > 1 else 0.0
    return Diffusion(Estimate(d * 0.1, max(d_err, spread) * 0.1, "cm^2/s"), window, table, intercept,
                     tuple(v * 0.1 for v in atoms))


#: Framework RMS displacement over nearest-neighbour distance above which the cell is no longer a crystal.
LEFT_SITES = 0.3


@dataclass(frozen=True)
class Framework:
    """RMS displacement (Å) of the framework element at ``lag_fs`` and its nearest-neighbour distance (Å)."""

    element: str
    rms_displacement_A: float
    lag_fs: float
    neighbour_distance_A: float

    @property
    def ratio(self) -> float:
        return self.rms_displacement_A / self.neighbour_distance_A

    @property
    def intact(self) -> bool:
        """True while the framework vibrates about its sites (ratio below :data:`LEFT_SITES`)."""
        return self.ratio < LEFT_SITES


def neighbour_distance(ds, element="B") -> float:
    """Median distance (Å) from each ``element`` atom to its nearest other ``element`` atom in the first
    frame, periodic images included (a small cell's atom may be nearest to its own image)."""
    from ase import Atoms
    from ase.neighborlist import neighbor_list

    chosen = ds.element.values == element
    if not chosen.any():
        raise ValueError(f"no {element} atoms in the trajectory (elements: {sorted(set(ds.element.values))})")
    cell = np.asarray(ds.attrs["cell"], float).reshape(3, 3)
    atoms = Atoms("X" * int(chosen.sum()), positions=ds.position.values[0, chosen], cell=cell, pbc=True)
    reach = 2.0 * (abs(np.linalg.det(cell)) / len(atoms)) ** (1 / 3)
    first, distance = neighbor_list("id", atoms, reach)
    nearest = np.full(len(atoms), np.inf)
    np.minimum.at(nearest, first, distance)
    return float(np.median(nearest))


def framework(ds, element="B", frame_interval_fs=None, mobile="Li") -> Framework:
    """The framework check (see above): ``element``'s RMS displacement at the longest lag (half the run),
    in the frame of the host of ``mobile``."""
    table = msd(ds, element, frame_interval_fs, mobile=mobile)
    return Framework(element, float(np.sqrt(table.msd.values[-1])), float(table.lag.values[-1]),
                     neighbour_distance(ds, element))


def number_density(ds, element="Li"):
    """Atoms of ``element`` per cm³ in the trajectory's cell."""
    cell = np.asarray(ds.attrs["cell"], float).reshape(3, 3)
    volume_cm3 = abs(np.linalg.det(cell)) * 1e-24
    return float((ds.element.values == element).sum()) / volume_cm3


def nernst_einstein(d, number_density_cm3, temperature_K, charge=1) -> Estimate:
    """sigma = n (z e)^2 D / (kB T) in S/cm from D (Estimate, cm²/s), n (cm^-3) and T (K); Haven ratio 1."""
    factor = number_density_cm3 * (charge * E_CHARGE) ** 2 / (KB * temperature_K)
    return Estimate(factor * d.value, factor * d.stderr, "S/cm")
