"""Cyclic and linear sweep voltammetry: sweeps, peaks over a baseline, the stability window, and
whether a first-cycle feature vanishes in later cycles.

Input: the canonical cycler Dataset (:mod:`paper_lib.cycler`) split by sweep, so that a half-cycle is
one sweep: potentials in V, currents in mA (positive = anodic), times in s. Results are
:class:`~paper_lib.peaks.Estimate` (value, standard error, units).

* :func:`peak`: one peak of a sweep in a potential window whose ends lie on the baseline: its
  position and current at the maximum (V; mA above the baseline, signed), its width (V) and its
  charge (mAh, the baseline-free integral over time).
* :func:`stability_window`: the lowest potential of an anodic sweep from which the current density
  stays above a threshold for ``sustained_V``; when no sweep does, the window reaches the scan limit.
  :func:`window_vs_threshold` shows how it moves with the threshold.
* :func:`feature_by_cycle`: the charge above a straight baseline in a window, cycle by cycle, and
  the verdict that a feature *vanishes* when every later cycle keeps less than ``fraction`` of the
  first cycle's charge while the first is clearly above the noise.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import xarray as xr

from . import peaks
from .peaks import Estimate


def sweeps(ds, direction=None):
    """``[(half_cycle, direction, sweep Dataset)]``; direction +1 anodic (rising), -1 cathodic."""
    found = []
    for half, sweep in ds.groupby("half_cycle"):
        e = sweep.voltage.values
        if e.size < 5:
            continue
        d = 1 if e[-1] > e[0] else -1
        if direction is None or d == direction:
            found.append((int(half), d, sweep))
    return found


def scan_rate(ds) -> Estimate:
    """Scan rate (V/s): the slope of a straight line through each sweep's E(t) (noise in E averages
    out; point-to-point differences would be biased by it), the median over sweeps with their spread."""
    rates = []
    for _, _, sweep in sweeps(ds):
        rates.append(abs(float(np.polyfit(sweep.time.values - sweep.time.values[0], sweep.voltage.values, 1)[0])))
    if not rates:
        raise ValueError("no sweep of 5 points or more")
    spread = float(np.std(rates, ddof=1)) / math.sqrt(len(rates)) if len(rates) > 1 else 0.0
    return Estimate(float(np.median(rates)), spread, "V/s")


@dataclass(frozen=True)
class CVPeak:
    """A voltammetric peak: position (V), current above the baseline (mA, signed), charge (mAh,
    signed), FWHM (V) and the half-cycle it was fitted on."""

    position: Estimate
    current: Estimate
    charge: Estimate
    fwhm: Estimate
    half_cycle: int


class NoPeak(ValueError):
    """No peak in the window: the current above the baseline does not exceed the noise enough."""


def peak(sweep, window_V, center_V=None, width_V=None, significance=5.0, required=True):
    """Fit one peak of a sweep within ``window_V = (E1, E2)``, whose ends lie on the baseline.

    The baseline is the straight line through the window's ends (3 points averaged at each). A
    Gaussian over a linear baseline gives the width and a first centre. Voltammetric peaks are
    asymmetric, so the position and the current are those of the maximum: the vertex of a parabola
    through the baseline-free points within ±0.15 FWHM of that centre (a wider parabola is biased by
    the skew), with standard errors from the parabola's covariance and, in quadrature, half the change
    of the vertex between ±0.1 and ±0.2 FWHM (the shape's share). The charge is the baseline-free integral over time (:func:`window_charge`).
    The sign (anodic or cathodic) is that of the current above the baseline at its largest excursion.
    A peak must rise ``significance`` noise levels above the baseline; otherwise :class:`NoPeak` is
    raised, or None returned when not ``required``.
    """
    try:
        return _peak(sweep, window_V, center_V, width_V, significance)
    except NoPeak:
        if required:
            raise
        return None


def _peak(sweep, window_V, center_V, width_V, significance) -> CVPeak:
    e, i = sweep.voltage.values, sweep.current.values
    lo, hi = sorted(window_V)
    keep = (e >= lo) & (e <= hi)
    if keep.sum() < 8:
        raise NoPeak(f"fewer than 8 points between {lo} and {hi} V (the sweep spans "
                     f"{float(sweep.voltage.min()):.2f} to {float(sweep.voltage.max()):.2f} V)")
    e, i = e[keep], i[keep]
    ends = np.r_[0:3, -3:0]
    line = np.polyval(np.polyfit(e[ends], i[ends], 1), e)
    sign = 1.0 if np.max(i - line) >= -np.min(i - line) else -1.0
    noise = peaks.noise_sigma(i)
    if np.max(sign * (i - line)) < significance * noise:
        raise NoPeak(f"no peak between {lo} and {hi} V: at most {np.max(sign * (i - line)):.3g} mA above the "
                     f"baseline, {significance:g} x the noise ({noise:.3g} mA) needed")
    top = e[np.argmax(sign * (i - line))]
    guess = {"shape": "gaussian", "name": "peak", "center": float(center_V if center_V is not None else top),
             "fwhm": float(width_V if width_V is not None else (hi - lo) / 4),
             "bounds": {"center": (lo, hi), "fwhm": (2 * float(np.median(np.abs(np.diff(e)))), hi - lo)}}
    with warnings.catch_warnings():  # the automatic guesses inside fit_peaks, unused here, warn on flat data
        warnings.filterwarnings("ignore", message="some peaks have a (prominence|width) of 0")
        c = peaks.fit_peaks(e, sign * i, components=[guess], baseline="linear")["peak"]
    position, current = _vertex(e, sign * (i - line), c.center.value, 0.15 * c.fwhm.value)
    # the skew of the peak moves the vertex with the width fitted: half the change between ±0.1 and
    # ±0.2 FWHM is added to the standard errors as the shape's share
    narrow, wide = (_vertex(e, sign * (i - line), c.center.value, f * c.fwhm.value) for f in (0.1, 0.2))
    position = Estimate(position.value, math.hypot(position.stderr, 0.5 * abs(wide[0].value - narrow[0].value)))
    current = Estimate(current.value, math.hypot(current.stderr, 0.5 * abs(wide[1].value - narrow[1].value)))
    charge = window_charge(sweep, window_V)
    half = int(sweep.half_cycle.values[0])
    return CVPeak(Estimate(position.value, position.stderr, "V"),
                  Estimate(sign * current.value, current.stderr, "mA"), charge,
                  Estimate(c.fwhm.value, c.fwhm.stderr, "V"), half)


def _vertex(x, y, center, half_width):
    """``(position, height)`` Estimates of the vertex of a parabola fitted to the points within
    ``half_width`` of ``center`` (at least 5 points)."""
    near = np.abs(x - center) <= max(half_width, 2.5 * float(np.median(np.abs(np.diff(x)))))
    if near.sum() < 5:
        raise NoPeak(f"fewer than 5 points within {half_width:.3g} V of {center:.3f} V")
    u = x[near] - center
    coef, cov = np.polyfit(u, y[near], 2, cov=True)
    a, b, c0 = coef
    if a >= 0:
        raise NoPeak(f"no maximum near {center:.3f} V: the points curve upwards")
    xv = -b / (2 * a)
    grad_x = np.array([b / (2 * a * a), -1 / (2 * a), 0.0])
    yv = c0 - b * b / (4 * a)
    grad_y = np.array([b * b / (4 * a * a), -b / (2 * a), 1.0])
    return (Estimate(center + xv, float(np.sqrt(grad_x @ cov @ grad_x))),
            Estimate(yv, float(np.sqrt(grad_y @ cov @ grad_y))))


def bursts(sweep, threshold_sigma=8.0, width=9, max_points=5):
    """Irregular peaks of a sweep: brief runs (at most ``max_points`` points) of points whose current
    leaves its running median (over ``width`` points) by more than ``threshold_sigma`` noise levels,
    the noise being the larger of the robust spread (1.4826 MAD) of that excess and of the point-to-point
    differences (:func:`paper_lib.peaks.noise_sigma`). Longer excursions are features,
    not bursts, and the first and last ``width`` points (the vertices) are not searched. Returns a
    Dataset on ``burst`` with the potential (V), the current (mA) and the excess (mA, signed) of each."""
    from scipy.ndimage import median_filter

    e, i = sweep.voltage.values, sweep.current.values
    excess = i - median_filter(i, size=width, mode="nearest")
    spread = 1.4826 * float(np.median(np.abs(excess - np.median(excess))))  # small for quantised currents
    sigma = max(spread, peaks.noise_sigma(i), 1e-9 * float(np.max(np.abs(i))), np.finfo(float).tiny)
    flagged = np.abs(excess) > threshold_sigma * sigma
    flagged[:width] = flagged[-width:] = False
    starts = np.flatnonzero(flagged & ~np.r_[False, flagged[:-1]])
    stops = np.flatnonzero(flagged & ~np.r_[flagged[1:], False]) + 1
    brief = [(a, b) for a, b in zip(starts, stops) if b - a <= max_points]
    biggest = [a + int(np.argmax(np.abs(excess[a:b]))) for a, b in brief]
    dim = ("burst",)
    return xr.Dataset({"voltage": (dim, e[biggest], {"units": "V", "long_name": "potential of the burst"}),
                       "current": (dim, i[biggest], {"units": "mA", "long_name": "current at the burst"}),
                       "excess": (dim, excess[biggest], {"units": "mA", "long_name": "current above the running median"})},
                      attrs={"threshold_sigma": threshold_sigma, "noise_mA": sigma})


@dataclass(frozen=True)
class Window:
    """The stability limit (V) of anodic sweeps at a current-density threshold (mA/cm²); ``reached``
    says the limit is the highest potential swept (nothing sustained up to it); ``half_cycle`` is
    the sweep that set it."""

    limit: Estimate
    threshold_mA_cm2: float
    reached: bool
    half_cycle: int | None


def stability_window(ds, threshold_mA_cm2, area_cm2, sustained_V=0.05, above_V=None) -> Window:
    """The lowest potential from which an anodic sweep's current density exceeds ``threshold_mA_cm2``
    over at least ``sustained_V`` (or up to the vertex); its standard error is the larger of the
    sampling step/√12 and the noise over the local slope, σ_j / |dj/dE|. ``above_V``: look only above
    this potential (V), e.g. past the stripping of Li plated in the cathodic sweep."""
    best, top = None, -math.inf
    for half, _, sweep in sweeps(ds, direction=1):
        e, j = sweep.voltage.values, sweep.current.values / area_cm2
        top = max(top, float(e.max()))
        above = j > threshold_mA_cm2
        if above_V is not None:
            above &= e >= above_V
        for k in np.flatnonzero(above & ~np.r_[False, above[:-1]]):  # each upward crossing
            span = np.flatnonzero(e >= e[k] + sustained_V)
            end = span[0] if span.size else e.size
            if above[k:end].all() and (span.size or e.size - k >= 3):
                if best is None or e[k] < best[0]:
                    best = (float(e[k]), half, k, e, j)
                break
    if best is None:
        return Window(Estimate(top, 0.0, "V"), threshold_mA_cm2, True, None)
    value, half, k, e, j = best
    step = float(np.median(np.abs(np.diff(e))))
    lo, hi = max(k - 5, 0), min(k + 6, e.size)
    slope = np.polyfit(e[lo:hi], j[lo:hi], 1)[0] if hi - lo >= 3 else 0.0
    noise = peaks.noise_sigma(j)
    err = max(step / math.sqrt(12), noise / abs(slope) if slope else math.inf)
    return Window(Estimate(value, err, "V"), threshold_mA_cm2, False, half)


def window_vs_threshold(ds, thresholds_mA_cm2, area_cm2, sustained_V=0.05, above_V=None) -> xr.Dataset:
    """:func:`stability_window` over a list of thresholds, as a Dataset on ``threshold`` (mA/cm²)."""
    windows = [stability_window(ds, t, area_cm2, sustained_V, above_V) for t in thresholds_mA_cm2]
    dim = ("threshold",)
    return xr.Dataset(
        {"limit": (dim, [w.limit.value for w in windows], {"units": "V", "long_name": "stability limit"}),
         "limit_stderr": (dim, [w.limit.stderr for w in windows], {"units": "V", "long_name": "standard error"}),
         "reached_scan_limit": (dim, [w.reached for w in windows],
                                {"units": "1", "long_name": "no sustained current up to the scan limit"})},
        coords={"threshold": (dim, list(thresholds_mA_cm2), {"units": "mA/cm2",
                                                              "long_name": "anodic current-density threshold"})})


@dataclass(frozen=True)
class Feature:
    """Charge (mAh, signed) above a straight baseline in a potential window, per cycle, and whether the
    feature present in the first cycle vanishes in the later ones."""

    charges: tuple  # Estimates, cycle 1, 2, ...
    present_first: bool
    vanishes: bool
    fraction: float


def window_charge(sweep, window_V, edge_points=3) -> Estimate:
    """Charge (mAh) above a straight line through the window's end points (``edge_points`` averaged at
    each end): the integral of the current over time; its error from the noise of the current."""
    e, i, t = sweep.voltage.values, sweep.current.values, sweep.time.values
    lo, hi = sorted(window_V)
    keep = np.flatnonzero((e >= lo) & (e <= hi))
    if keep.size < 2 * edge_points + 2:
        raise ValueError(f"fewer than {2 * edge_points + 2} points between {lo} and {hi} V")
    k0, k1 = keep[:edge_points], keep[-edge_points:]
    t0, t1, i0, i1 = t[k0].mean(), t[k1].mean(), i[k0].mean(), i[k1].mean()
    tk, ik = t[keep], i[keep]
    base = i0 + (i1 - i0) * (tk - t0) / (t1 - t0)
    charge = float(np.trapezoid(ik - base, tk)) / 3600.0
    dt = float(np.median(np.diff(tk)))
    sigma = peaks.noise_sigma(ik)
    # noise of the integrated points, and of the baseline's two end averages over the whole window
    err = sigma * dt * math.sqrt(keep.size + keep.size ** 2 / (2 * edge_points)) / 3600.0
    return Estimate(charge, err, "mAh")


def feature_by_cycle(ds, window_V, direction, fraction=0.2, significance=5.0) -> Feature:
    """The charge in ``window_V`` on the sweeps of ``direction`` (+1 anodic, -1 cathodic), cycle by cycle.

    Present in the first cycle: its charge has the sign of ``direction`` and exceeds ``significance``
    standard errors. Vanishes: present first, and every later cycle keeps less than ``fraction`` of it.
    """
    charges = tuple(window_charge(sweep, window_V) for _, _, sweep in sweeps(ds, direction=direction))
    if not charges:
        raise ValueError(f"no sweep in direction {direction}")
    first = charges[0]
    present = direction * first.value > significance * first.stderr
    later = charges[1:]
    vanishes = bool(present and later and all(direction * q.value < fraction * direction * first.value for q in later))
    return Feature(charges, bool(present), vanishes, fraction)
