"""Galvanostatic cycling of a cell: capacities, efficiencies and mean voltages, cycle by cycle.

Input: the canonical cycler Dataset (:mod:`paper_lib.cycler`): time in s, voltage in V, current in mA
(positive: charge, the working electrode oxidised; for a LiCoO2 or LTO electrode against Li, its
delithiation), half-cycles found from the sign of the current. Capacities in mAh/g of active material.

* :func:`cycles`: one row per cycle (an ``xarray.Dataset`` over ``cycle``):
  - ``charge`` and ``discharge`` (mAh/g): the current integrated over time (trapezoids) over each
    half-cycle, not the cycler's own capacity column; the attribute ``column_deviation_mAh_g`` is the
    largest difference from the file's charge column when the file has one (the check that both agree);
  - ``reversible`` (mAh/g): the capacity taken back out in the cycle's second half-cycle (a cycle is
    charge then discharge, or discharge then charge, as recorded: for LiCoO2 against Li its discharge,
    for an LTO electrode against Li, which starts with a discharge, its charge);
  - ``efficiency`` (%): coulombic efficiency, the second half-cycle's capacity over the first's (out
    over in: discharge/charge for a cell that starts with a charge, charge/discharge otherwise);
  - ``charge_voltage`` and ``discharge_voltage`` (V): capacity-weighted mean voltages, the integral of
    V dQ over the half-cycle divided by its capacity;
  - ``c_rate`` (1/h): the median |I| of the cycle over the active mass times the manifest's 1 C
    capacity (``c_capacity_mAh_g``);
  - each capacity carries a standard error from the active mass's (``mass_stderr_mg``) and from the
    integration, half the difference between the trapezoid and the rectangle sums; efficiencies, mean
    voltages and retentions carry the integration's only (the mass cancels in them);
  - the attribute ``cycle_scatter_mAh_g``: the repeatability of one cycle's reversible capacity, the
    robust standard deviation of successive differences over sqrt(2) (cycles after the first; 0 with
    fewer than 5). :func:`at` and :func:`retention` add it to a single cycle's value, which stands for
    the cell's capacity at that cycle.
* :func:`at`: one cycle's value with its error; :func:`step_mean`, :func:`step_retention`: the mean of a
  rate-test step, and one step's over another's;
* :func:`retention`: capacity of a cycle over that of a stated reference cycle (%), with its error;
  :func:`best_cycle`, the cycle of highest capacity (a reference some authors use);
* :func:`mean_efficiency`: the mean coulombic efficiency over stated cycles, with its standard error.
* :func:`rate_steps`: consecutive cycles at one C-rate (within ``rel``) grouped into the steps of a
  rate test, found from the current.
* :func:`curve`: the voltage over the specific capacity of one half-cycle (for voltage profiles);
* :func:`dqdv`: differential capacity of one half-cycle: Q (the mean of the records at each distinct
  voltage) resampled on a uniform voltage grid, then
  differentiated with a Savitzky-Golay filter (window and order stated in the result's attributes).
"""

import math

import numpy as np
import xarray as xr

from .cycler import charge_from_current
from .peaks import Estimate
from .schema import variable


def _half_cycle_sums(t, v, i, half):
    """Per half-cycle: ``(label, sign, Q trapezoid mAh, Q rectangle mAh, integral of V dQ (trapezoid,
    rectangle), median |I| mA)``."""
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
        vdq_rect = float(np.sum(vs[:-1] * is_[:-1] * dt)) / 3600.0
        active = np.abs(is_) > 0.02 * np.max(np.abs(is_))
        rows.append((int(half[a]), 1 if q > 0 else -1, q, q_rect, (vdq, vdq_rect),
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
    for half, sign, q, q_rect, (vdq, vdq_rect), i_med in rows:
        entry = table.setdefault(cycle_of[half], {})
        kind = "charge" if sign > 0 else "discharge"
        mean_v = vdq / q if q else math.nan
        mean_v_err = abs(mean_v - vdq_rect / q_rect) / 2 if q and q_rect else math.nan
        entry[kind] = (abs(q) / grams, abs(q - q_rect) / 2 / grams, mean_v, mean_v_err)
        entry.setdefault("order", []).append(kind)
        entry.setdefault("i", []).append(i_med)
    numbers = sorted(table)
    nan4 = (math.nan,) * 4

    def column(kind, k):
        return np.array([table[c].get(kind, nan4)[k] for c in numbers])

    charge, discharge = column("charge", 0), column("discharge", 0)
    rel_mass = mass_stderr_mg / active_mass_mg

    def error(values, integration):
        return np.hypot(values * rel_mass, integration)

    charge_first = np.array([table[c]["order"][0] == "charge" for c in numbers])
    reversible = np.where(charge_first, discharge, charge)
    taken_in = np.where(charge_first, charge, discharge)
    with np.errstate(invalid="ignore", divide="ignore"):
        efficiency = 100.0 * reversible / taken_in
    reversible_err = np.where(charge_first, error(discharge, column("discharge", 1)), error(charge, column("charge", 1)))
    with np.errstate(invalid="ignore", divide="ignore"):  # the mass cancels in a ratio of one cell's capacities
        efficiency_err = efficiency * np.hypot(column("charge", 1) / charge, column("discharge", 1) / discharge)
    i_med = np.array([float(np.median(table[c]["i"])) for c in numbers])
    c_rate = i_med / grams / c_capacity_mAh_g if c_capacity_mAh_g else np.full(len(numbers), np.nan)
    dim = ("cycle",)
    out = xr.Dataset(
        {"charge": variable(dim, charge, "mAh/g", "charge capacity (current integrated over time)"),
         "charge_stderr": variable(dim, error(charge, column("charge", 1)), "mAh/g", "standard error"),
         "discharge": variable(dim, discharge, "mAh/g", "discharge capacity (current integrated over time)"),
         "discharge_stderr": variable(dim, error(discharge, column("discharge", 1)), "mAh/g", "standard error"),
         "reversible": variable(dim, reversible, "mAh/g", "reversible capacity (the cycle's second half-cycle)"),
         "reversible_stderr": variable(dim, reversible_err, "mAh/g", "standard error"),
         "efficiency": variable(dim, efficiency, "%", "coulombic efficiency, second half-cycle over the first"),
         "efficiency_stderr": variable(dim, efficiency_err, "%", "standard error (integration)"),
         "charge_voltage": variable(dim, column("charge", 2), "V", "capacity-weighted mean charge voltage"),
         "charge_voltage_stderr": variable(dim, column("charge", 3), "V", "standard error (integration)"),
         "discharge_voltage": variable(dim, column("discharge", 2), "V", "capacity-weighted mean discharge voltage"),
         "discharge_voltage_stderr": variable(dim, column("discharge", 3), "V", "standard error (integration)"),
         "c_rate": variable(dim, c_rate, "1/h", "median |I| over the active mass and the 1 C capacity")},
        coords={"cycle": variable(dim, numbers, "1", "cycle, from the data")},
        attrs={"first_half_cycle": "charge" if charge_first.all() else "discharge" if not charge_first.any() else "mixed",
               "active_mass_mg": active_mass_mg, "mass_rel_stderr": rel_mass, "c_capacity_mAh_g": c_capacity_mAh_g or math.nan,
               "source_file": ds.attrs.get("source_file", "")})
    out.attrs["cycle_scatter_mAh_g"] = _scatter(reversible[1:])
    if ds.charge.attrs.get("source") == "file":
        deviation = np.abs(charge_from_current(t, i) - ds.charge.values)
        out.attrs["column_deviation_mAh_g"] = float(deviation.max()) / grams
    return out


def _scatter(values):
    d = np.diff(values[np.isfinite(values)])
    if d.size < 4:
        return 0.0
    return float(1.4826 * np.median(np.abs(d - np.median(d))) / math.sqrt(2))


def from_measurement(item):
    """``(records, cycle table)`` of a manifest measurement of kind ``cell``: read with its reader, with
    the active mass (``active_mass_mg``, ``active_mass_stderr_mg``) and 1 C (``one_c_mA_g``) of its
    conditions."""
    from . import readers

    c = item.conditions
    ds = readers.read(item)
    return ds, cycles(ds, c["active_mass_mg"], c["one_c_mA_g"], mass_stderr_mg=c.get("active_mass_stderr_mg", 0.0))


def at(table, cycle, quantity="reversible") -> Estimate:
    """``quantity`` of one cycle with its standard error (mAh/g, %, V: the table's unit)."""
    row = table.sel(cycle=cycle)
    err = float(row[f"{quantity}_stderr"])
    if quantity in ("charge", "discharge", "reversible"):
        err = math.hypot(err, table.attrs.get("cycle_scatter_mAh_g", 0.0))
    return Estimate(float(row[quantity]), err, table[quantity].attrs["units"])


def step_mean(table, first, last, quantity="reversible") -> Estimate:
    """Mean ``quantity`` of cycles ``first``..``last`` (a step of a rate test) with the standard error of
    the mean; the active mass's error, common to all cycles, added to it."""
    values = table[quantity].sel(cycle=slice(first, last)).values
    if values.size < 2:
        raise ValueError(f"need at least 2 cycles between {first} and {last}, got {values.size}")
    mean = float(values.mean())
    scatter = float(values.std(ddof=1)) / math.sqrt(values.size)
    return Estimate(mean, math.hypot(scatter, mean * table.attrs.get("mass_rel_stderr", 0.0)),
                    table[quantity].attrs["units"])


def step_retention(table, step, reference) -> Estimate:
    """Mean reversible capacity of rate-test ``step`` over that of ``reference`` (steps as
    ``(C-rate, first, last)``), %; the active mass cancels."""
    a = table.reversible.sel(cycle=slice(step[1], step[2])).values
    b = table.reversible.sel(cycle=slice(reference[1], reference[2])).values
    ratio = a.mean() / b.mean()
    err = ratio * math.hypot(a.std(ddof=1) / math.sqrt(a.size) / a.mean(), b.std(ddof=1) / math.sqrt(b.size) / b.mean())
    return Estimate(100.0 * float(ratio), 100.0 * float(err), "%")


def describe(item, ds, table) -> str:
    """One line on a cell test: the cell, its records, duration, cycles, C-rates and the column check."""
    c = item.conditions
    rates = ", ".join(f"{r:.2g} C" for r, _, _ in rate_steps(table))
    text = (f"{item.id}: {c.get('cell', item.sample)}, {c['temperature_C']} degC, {ds.sizes['time']} records over "
            f"{ds.time.values[-1] / 86400:.1f} days, {table.sizes['cycle']} cycles ({rates}), starting with a "
            f"{table.attrs['first_half_cycle']}")
    if "column_deviation_mAh_g" in table.attrs:
        text += f"; the file's capacity column agrees within {table.attrs['column_deviation_mAh_g']:.2g} mAh/g"
    return text


def retention(table, cycle, reference=1, quantity="reversible") -> Estimate:
    """``quantity`` of ``cycle`` over that of the ``reference`` cycle (%), errors in quadrature."""
    a, b = (table.sel(cycle=c) for c in (cycle, reference))
    value, ref = float(a[quantity]), float(b[quantity])
    scatter = table.attrs.get("cycle_scatter_mAh_g", 0.0)
    err = 100.0 * value / ref * math.sqrt(_integration_rel(a, quantity) ** 2 + _integration_rel(b, quantity) ** 2
                                          + (scatter / value) ** 2 + (scatter / ref) ** 2)
    return Estimate(100.0 * value / ref, err, "%")


def _integration_rel(row, quantity):
    """Relative error of one capacity without the active mass's share (it cancels in a ratio)."""
    value, err = float(row[quantity]), float(row[f"{quantity}_stderr"])
    rel_mass = float(row.attrs.get("mass_rel_stderr", 0.0)) if hasattr(row, "attrs") else 0.0
    return math.sqrt(max((err / value) ** 2 - rel_mass**2, 0.0))


def best_cycle(table, quantity="reversible", cycles=None) -> int:
    """The cycle (among ``cycles``, default all) of highest ``quantity``."""
    sub = table if cycles is None else table.sel(cycle=list(cycles))
    return int(sub.cycle.values[int(np.nanargmax(sub[quantity].values))])


def mean_efficiency(table, first=2, last=None) -> Estimate:
    """Mean coulombic efficiency (%) of cycles ``first``..``last`` (default: from the second, leaving
    out the formation cycle, to the end), with the standard error of the mean."""
    ce = table.efficiency.sel(cycle=slice(first, last)).values
    ce = ce[np.isfinite(ce)]
    if ce.size < 2:
        raise ValueError(f"need at least 2 cycles from cycle {first} for a mean efficiency, got {ce.size}")
    return Estimate(float(ce.mean()), float(ce.std(ddof=1) / math.sqrt(ce.size)), "%")


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


def curve(ds, active_mass_mg, cycle, kind) -> xr.DataArray:
    """Voltage (V) over the capacity (mAh/g) passed since the start of ``kind`` ("charge" or
    "discharge") of ``cycle``; the rest after it left out."""
    if kind not in ("charge", "discharge"):
        raise ValueError(f"kind must be 'charge' or 'discharge', got {kind!r}")
    sign = 1 if kind == "charge" else -1
    in_cycle = ds.cycle.values == cycle
    current = ds.current.values
    active = in_cycle & (np.sign(current) == sign) & (np.abs(current) > 0)
    if not active.any():
        raise ValueError(f"{ds.attrs.get('source_file', 'the data')}: no {kind} in cycle {cycle}")
    first, last = np.flatnonzero(active)[[0, -1]]
    start = max(first - 1, 0)  # from the record before the current starts (the rest's last)
    t, i = ds.time.values[start:last + 1], current[start:last + 1]
    q = np.abs(charge_from_current(t, np.where(np.sign(i) == sign, i, 0.0))) / (active_mass_mg * 1e-3)
    return xr.DataArray(ds.voltage.values[start:last + 1], dims=("capacity",),
                        coords={"capacity": ("capacity", q, {"units": "mAh/g", "long_name": "specific capacity"})},
                        attrs={"units": "V", "long_name": f"{kind} voltage", "cycle": int(cycle), "kind": kind})


def dqdv(voltage_V, capacity_mAh_g, step_V=0.002, window=15, order=2) -> xr.DataArray:
    """dQ/dV (mAh/g/V) of one half-cycle on a uniform voltage grid (``step_V``), Savitzky-Golay
    smoothed and differentiated over ``window`` points with polynomials of ``order``."""
    from scipy.signal import savgol_filter

    v, q = np.asarray(voltage_V, float), np.asarray(capacity_mAh_g, float)
    # a quantised voltage repeats: each distinct value takes the mean capacity of its records (a sort
    # that breaks ties one way or another would make the curve depend on the CPU's sorting kernel)
    levels, inverse = np.unique(v, return_inverse=True)
    q = np.bincount(inverse, weights=q) / np.bincount(inverse)
    v = levels
    grid = np.arange(v[0], v[-1], step_V)
    if grid.size < window:
        raise ValueError(f"fewer than {window} grid points of {step_V} V between {v[0]:.3f} and {v[-1]:.3f} V")
    resampled = np.interp(grid, v, q)
    slope = savgol_filter(resampled, window, order, deriv=1, delta=step_V)
    return xr.DataArray(slope, dims=("voltage",), coords={"voltage": ("voltage", grid, {"units": "V"})},
                        attrs={"units": "mAh/g/V", "long_name": "differential capacity dQ/dV",
                               "smoothing": f"Savitzky-Golay, {window} points of {step_V} V, order {order}"})
