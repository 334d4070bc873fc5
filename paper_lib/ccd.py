"""Critical current density (CCD) of a Li|SSE|Li cell from a step-increased plating/stripping test.

Input: the segment table of :func:`paper_lib.symmetric.segments` (current densities in mA/cm2,
voltages in V, times in s).

* :func:`critical_current_density`: the CCD is the last step the cell survived: the highest current
  density below the first segment whose voltage collapses and stays collapsed (state ``short``). The
  test resolves the critical value only to its step: it lies between that step and the one that
  failed, so the standard uncertainty is the bracket's width over sqrt(12) (a uniform distribution
  over it). Also: the failure time (the first low point of the failing segment, h), whether the short
  was soft (intermittent: several low runs before the collapse) or hard, whether the later segments
  stay shorted (a voltage that no longer follows the current), and the micro-shorts (segments that
  dipped and recovered) before the failure; ``strict`` is the last step survived without one.
* :func:`fit_interface`: the plateau overpotential of the intact segments against |j| fitted with
  eta = |j| R + (2RT/F) asinh(|j| / 2 j0) (an ohmic part and two symmetric Butler-Volmer interfaces,
  alpha = 1/2): the area-specific resistance R (ohm cm2) and the exchange current density j0
  (mA/cm2), each with its standard error.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import constants

from .peaks import Estimate, lmfit_fit

F_OVER_R = constants.e / constants.k  # F/R = e/k, K/V


@dataclass(frozen=True)
class CCD:
    """A CCD test's result: ``ccd`` (mA/cm2, the last step survived; None when the cell did not fail,
    or failed at the first step), the bracket ``(survived, failed)`` in mA/cm2, the failure time (h)
    and kind, whether the short persisted, the micro-shorts before the failure as
    ``(|j| mA/cm2, time h, depth)``, the highest current density of the test and ``strict``, the last
    step survived without a micro-short (mA/cm2)."""

    ccd: Estimate | None
    bracket: tuple
    failure_h: float | None
    kind: str
    persistent: bool
    micro_shorts: tuple
    highest_mA_cm2: float
    strict: float | None


def levels(current_density, rel=0.02):
    """The step level (mA/cm2) of every segment: |j| grouped with the segments within ``rel`` of it
    (the set current repeats to within the cycler's accuracy), each group at its median."""
    j = np.abs(np.asarray(current_density, float))
    order = np.argsort(j)
    group = np.zeros(j.size, int)
    for a, b in zip(order[:-1], order[1:]):
        group[b] = group[a] + (j[b] > j[a] * (1 + rel))
    medians = {g: float(np.median(j[group == g])) for g in np.unique(group)}
    return np.array([medians[g] for g in group])


def _below(j, limit):
    """The highest level in ``j`` below ``limit`` (0 when there is none)."""
    lower = j[j < limit]
    return float(lower.max()) if lower.size else 0.0


def critical_current_density(table, soft_runs=3) -> CCD:
    """The CCD of the segment ``table`` (see the module docstring); a short with at least
    ``soft_runs`` low runs before its collapse is called soft."""
    j = levels(table.current_density.values)
    states = table.state.values
    failed = np.flatnonzero(states == "short")
    end = failed[0] if failed.size else j.size
    micro_at = np.flatnonzero(states[:end] == "micro-short")
    micro = tuple((float(j[k]), float(table.onset.values[k]) / 3600.0, float(table.depth.values[k])) for k in micro_at)
    if not failed.size:
        strict = _below(j, j[micro_at[0]]) if micro_at.size else float(j.max())
        return CCD(None, (float(j.max()), None), None, "none", False, micro, float(j.max()), strict)
    k = int(failed[0])
    survived = _below(j, j[k])
    strict = _below(j, j[micro_at[0]]) if micro_at.size else survived
    ccd = Estimate(survived, (float(j[k]) - survived) / math.sqrt(12.0), "mA/cm2") if survived else None
    kind = "soft short, then hard short" if int(table.low_runs.values[k]) >= soft_runs else "hard short"
    persistent = bool(np.all(states[k:] == "short"))
    return CCD(ccd, (survived, float(j[k])), float(table.onset.values[k]) / 3600.0, kind, persistent, micro,
               float(j.max()), strict)


def interface_model(j, r_ohm_cm2, j0, temperature_C):
    """Overpotential (V) at |j| (mA/cm2): j R + (2RT/F) asinh(j / 2 j0)."""
    two_rt_f = 2.0 * (temperature_C + 273.15) / F_OVER_R
    return np.abs(j) * 1e-3 * r_ohm_cm2 + two_rt_f * np.arcsinh(np.abs(j) / (2.0 * j0))


@dataclass(frozen=True)
class InterfaceFit:
    """The area-specific resistance (ohm cm2) and exchange current density (mA/cm2) of the plateaus,
    the fitted |j| (mA/cm2) and plateaus (V) and the model's curve on ``j_curve``."""

    resistance: Estimate
    exchange_current: Estimate
    j: np.ndarray
    plateau: np.ndarray
    j_curve: np.ndarray
    curve: np.ndarray


def fit_interface(table, temperature_C) -> InterfaceFit:
    """Fit the plateaus of the ``ok`` segments of ``table`` at ``temperature_C`` (degC)."""
    import lmfit

    ok = table.state.values == "ok"
    j, eta = np.abs(table.current_density.values[ok]), table.plateau.values[ok]
    if np.unique(np.round(j, 6)).size < 3:
        raise ValueError("fewer than 3 current densities among the intact segments: R and j0 are not separable")
    model = lmfit.Model(lambda j, r, j0: interface_model(j, r, j0, temperature_C), independent_vars=["j"])
    slope = float(np.polyfit(j, eta, 1)[0]) * 1e3
    params = model.make_params(r=dict(value=0.7 * slope, min=0.0), j0=dict(value=1.0, min=1e-4, max=1e4))
    result = lmfit_fit(model, eta, params, j=j)
    r, j0 = result.params["r"], result.params["j0"]
    grid = np.linspace(0.0, j.max() * 1.05, 200)
    return InterfaceFit(Estimate(r.value, r.stderr or math.nan, "ohm cm2"),
                        Estimate(j0.value, j0.stderr or math.nan, "mA/cm2"), j, eta, grid,
                        interface_model(grid, r.value, j0.value, temperature_C))
