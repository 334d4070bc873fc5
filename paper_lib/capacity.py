"""Galvanostatic cycling of a cell: capacities, efficiencies and mean voltages, cycle by cycle.

Input: the canonical cycler Dataset (:mod:`paper_lib.cycler`): time in s, voltage in V, current in mA
(positive: charge, the working electrode oxidised; for a LiCoO2 or LTO electrode against Li, its
delithiation), half-cycles found from the sign of the current. Capacities in mAh/g of active material.

* :func:`cycles`: one row per cycle (an ``xarray.Dataset`` over ``cycle``):
  - ``charge`` and ``discharge`` (mAh/g): the current integrated over time (trapezoids) over each
    half-cycle, not the cycler's own capacity column; the attribute ``column_deviation_mAh_g`` is the
    largest difference from the file's charge column when the file has one (the check that both agree);
  - ``efficiency`` (%): discharge over charge of the same cycle (coulombic efficiency; for a cell that
    starts with a discharge, as an LTO half cell does, the cycle's discharge over the next charge is
    not what is reported: a cycle is charge then discharge, or discharge then charge, as recorded);
  - ``charge_voltage`` and ``discharge_voltage`` (V): capacity-weighted mean voltages, the integral of
    V dQ over the half-cycle divided by its capacity;
  - ``c_rate`` (1/h): the median |I| of the cycle over the active mass times the manifest's 1 C
    capacity (``c_capacity_mAh_g``);
  - each capacity carries a standard error from the active mass's (``mass_stderr_mg``) and from the
    integration, half the difference between the trapezoid and the rectangle sums.
* :func:`retention`: capacity of a cycle over that of a stated reference cycle (%), with its error.
* :func:`rate_steps`: consecutive cycles at one C-rate (within ``rel``) grouped into the steps of a
  rate test, found from the current.
* :func:`dqdv`: differential capacity of one half-cycle: Q resampled on a uniform voltage grid, then
  differentiated with a Savitzky-Golay filter (window and order stated in the result's attributes).
"""

import math

import numpy as np
import xarray as xr

from .cycler import charge_from_current
from .peaks import Estimate
from .schema import variable


def _half_cycle_sums(t, v, i, half):
    """Per half-cycle: ``(label, sign, Q trapezoid mAh, Q rectangle mAh, integral of V dQ, median |I| mA)``."""
    edges = np.r_[0, np.flatnonzero(np.diff(half)) + 1, half.size]
    rows = []
    for a, b in zip(edges[:-1], edges[1:]):
        ts, vs, is_ = t[a:b], v[a:b], i[a:b]
        if b - a < 2:
            continue
        dt = np.diff(ts)
        mean_i = 0.5 * (is_[1:] + is_[:-1])
        q = float(np.sum(mean_i * dt)) / 3600.0
        q_rect = float(np.sum(is_[:-1] * dt)) / 3600.0
        vdq = float(np.sum(0.5 * (vs[1:] + vs[:-1]) * mean_i * dt)) / 3600.0
        active = np.abs(is_) > 0.02 * np.max(np.abs(is_))
        rows.append((int(half[a]), 1 if q > 0 else -1, q, q_rect, vdq,
                     float(np.median(np.abs(is_[active]))) if active.any() else 0.0))
    return rows


def cycles(ds, active_mass_mg, c_capacity_mAh_g=None, mass_stderr_mg=0.0) -> xr.Dataset:
    """One row per cycle of ``ds`` (see the module docstring); ``active_mass_mg`` of active material."""
    if active_mass_mg <= 0:
        raise ValueError(f"active mass must be positive, got {active_mass_mg} mg")
    t, v, i = ds.time.values, ds.voltage.values, ds.current.values
    rows = _half_cycle_sums(t, v, i, ds.half_cycle.values)
    grams = active_mass_mg * 1e-3
    cycle_of = {int(h): int(c) for h, c in zip(ds.half_cycle.values, ds.cycle.values)}
    table = {}
    for half, sign, q, q_rect, vdq, i_med in rows:
        entry = table.setdefault(cycle_of[half], {})
        kind = "charge" if sign > 0 else "discharge"
        entry[kind] = (abs(q) / grams, abs(q - q_rect) / 2 / grams, vdq / q if q else math.nan)
        entry.setdefault("i", []).append(i_med)
    numbers = sorted(table)
    nan3 = (math.nan, math.nan, math.nan)

    def column(kind, k):
        return np.array([table[c].get(kind, nan3)[k] for c in numbers])

    charge, discharge = column("charge", 0), column("discharge", 0)
    rel_mass = mass_stderr_mg / active_mass_mg

    def error(values, integration):
        return np.hypot(values * rel_mass, integration)

    with np.errstate(invalid="ignore", divide="ignore"):
        efficiency = 100.0 * discharge / charge
    i_med = np.array([float(np.median(table[c]["i"])) for c in numbers])
    c_rate = i_med / grams / c_capacity_mAh_g if c_capacity_mAh_g else np.full(len(numbers), np.nan)
    dim = ("cycle",)
    out = xr.Dataset(
        {"charge": variable(dim, charge, "mAh/g", "charge capacity (current integrated over time)"),
         "charge_stderr": variable(dim, error(charge, column("charge", 1)), "mAh/g", "standard error"),
         "discharge": variable(dim, discharge, "mAh/g", "discharge capacity (current integrated over time)"),
         "discharge_stderr": variable(dim, error(discharge, column("discharge", 1)), "mAh/g", "standard error"),
         "efficiency": variable(dim, efficiency, "%", "coulombic efficiency, discharge / charge of the cycle"),
         "charge_voltage": variable(dim, column("charge", 2), "V", "capacity-weighted mean charge voltage"),
         "discharge_voltage": variable(dim, column("discharge", 2), "V", "capacity-weighted mean discharge voltage"),
         "c_rate": variable(dim, c_rate, "1/h", "median |I| over the active mass and the 1 C capacity")},
        coords={"cycle": variable(dim, numbers, "1", "cycle, from the data")},
        attrs={"active_mass_mg": active_mass_mg, "c_capacity_mAh_g": c_capacity_mAh_g or math.nan,
               "source_file": ds.attrs.get("source_file", "")})
    if ds.charge.attrs.get("source") == "file":
        deviation = np.abs(charge_from_current(t, i) - ds.charge.values)
        out.attrs["column_deviation_mAh_g"] = float(deviation.max()) / grams
    return out


def retention(table, cycle, reference=1, quantity="discharge") -> Estimate:
    """``quantity`` of ``cycle`` over that of the ``reference`` cycle (%), errors in quadrature."""
    a, b = (table.sel(cycle=c) for c in (cycle, reference))
    value, ref = float(a[quantity]), float(b[quantity])
    err = 100.0 * value / ref * math.hypot(float(a[f"{quantity}_stderr"]) / value, float(b[f"{quantity}_stderr"]) / ref)
    return Estimate(100.0 * value / ref, err, "%")


def rate_steps(table, rel=0.1) -> list:
    """``[(C-rate, first cycle, last cycle)]``: consecutive cycles whose C-rate agrees within ``rel``."""
    rates, numbers = table.c_rate.values, table.cycle.values
    if np.isnan(rates).any():
        raise ValueError("no C-rates: give the 1 C capacity (c_capacity_mAh_g)")
    steps, start = [], 0
    for k in range(1, rates.size + 1):
        if k == rates.size or abs(rates[k] - rates[start]) > rel * rates[start]:
            steps.append((float(np.median(rates[start:k])), int(numbers[start]), int(numbers[k - 1])))
            start = k
    return steps


def dqdv(voltage_V, capacity_mAh_g, step_V=0.002, window=15, order=2) -> xr.DataArray:
    """dQ/dV (mAh/g/V) of one half-cycle on a uniform voltage grid (``step_V``), Savitzky-Golay
    smoothed and differentiated over ``window`` points with polynomials of ``order``."""
    from scipy.signal import savgol_filter

    v, q = np.asarray(voltage_V, float), np.asarray(capacity_mAh_g, float)
    order_v = np.argsort(v)
    v, q = v[order_v], q[order_v]
    keep = np.r_[True, np.diff(v) > 0]
    grid = np.arange(v[keep][0], v[keep][-1], step_V)
    if grid.size < window:
        raise ValueError(f"fewer than {window} grid points of {step_V} V between {v[0]:.3f} and {v[-1]:.3f} V")
    resampled = np.interp(grid, v[keep], q[keep])
    slope = savgol_filter(resampled, window, order, deriv=1, delta=step_V)
    return xr.DataArray(slope, dims=("voltage",), coords={"voltage": ("voltage", grid, {"units": "V"})},
                        attrs={"units": "mAh/g/V", "long_name": "differential capacity dQ/dV",
                               "smoothing": f"Savitzky-Golay, {window} points of {step_V} V, order {order}"})
