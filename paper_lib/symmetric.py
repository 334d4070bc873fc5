"""Li|SSE|Li symmetric cells: the voltage of every plating and stripping segment, and its state.

Input: the canonical cycler Dataset (:mod:`paper_lib.cycler`): time in s, voltage in V, current in mA,
``step`` the program's steps. A *segment* is a step at constant, non-zero current (one half-cycle of
stripping at the working electrode, current > 0, or of plating, current < 0); rests are left out.

:func:`segments` gives one row per segment (an ``xarray.Dataset`` over ``segment``):

* ``current_density`` (mA/cm2, signed): the median current over the area;
* ``plateau`` (V): median |V| over the middle half of the segment (past the nucleation overshoot,
  before the end-of-segment rise); ``peak`` (V): the largest |V|, median-filtered over 3 points so
  that a one-sample glitch is not a peak; ``end`` (V): median |V| over the last 10 %;
* ``state``: ``ok``, ``micro-short`` or ``short``, from the voltage the intact cell would have:
  ``expected = r_ref |j|``, ``r_ref`` the plateau resistance |V|/|j| of the last ``ok`` segment
  before (for the first segment, its own; the first segment is taken as intact). A point is *low*
  when ``|V| < drop * expected``. A segment whose end is low has shorted (the voltage collapsed and
  did not come back); one with a run of at least ``min_points`` low points that recovers by its end
  has a micro-short (a filament that burnt open); single low samples are glitches;
* ``low_fraction``, ``low_runs`` (runs of low points), ``depth`` (smallest |V| / expected, from the
  3-point median) and ``low_s`` (the longest low run, s): what the state is decided from;
* ``onset`` (s): the first low point, where a short or micro-short began.

A cell's resistance falls slowly with the current (the interfaces' Butler-Volmer law) and drifts
between segments, but a short divides it by an order of magnitude: ``drop = 0.5`` separates the two
with a wide margin either way (tests/test_symmetric.py).
"""

import numpy as np
import xarray as xr
from scipy.ndimage import median_filter

from .schema import variable

STATES = ("ok", "micro-short", "short")


def _segment_rows(ds, area_cm2, rest_mA):
    """``(start, stop)`` indices and signed current densities of the constant-current steps."""
    i = ds.current.values
    if rest_mA is None:
        rest_mA = 0.02 * float(np.percentile(np.abs(i), 99))
    step = ds.step.values
    edges = np.r_[0, np.flatnonzero(step[1:] != step[:-1]) + 1, step.size]
    rows = []
    for a, b in zip(edges[:-1], edges[1:]):
        median = float(np.median(i[a:b]))
        if abs(median) > rest_mA and b - a >= 4:
            rows.append((int(a), int(b), median / area_cm2))
    return rows


def _runs(mask):
    """``(start, stop)`` of the runs of True in ``mask``."""
    padded = np.r_[False, mask, False].astype(int)
    change = np.flatnonzero(np.diff(padded))
    return list(zip(change[::2], change[1::2]))


def _check_symmetric(ds, source, max_ocv_V=0.05):
    """A symmetric Li|SSE|Li cell rests near 0 V: refuse a full cell (or a wrong voltage column)."""
    i = np.abs(ds.current.values)
    rest = i < 1e-3 * max(float(i.max()), 1e-30)
    if rest.sum() >= 3:
        ocv = float(np.median(ds.voltage.values[rest]))
        if abs(ocv) > max_ocv_V:
            raise ValueError(f"{source}: the cell rests at {ocv:.3f} V; expected a symmetric Li|electrolyte|Li "
                             f"cell, which rests within {max_ocv_V} V of 0 V")


def segments(ds, area_cm2, drop=0.5, min_points=2, rest_mA=None) -> xr.Dataset:
    """One row per plating/stripping segment of ``ds``, with its voltages and state (module docstring).

    ``area_cm2``: electrode area; ``drop``: the fraction of the expected voltage below which a point is
    low; ``min_points``: the shortest low run that counts (shorter ones are glitches).
    """
    t, v = ds.time.values, np.abs(ds.voltage.values)
    source = ds.attrs.get("source_file", "dataset")
    rows = _segment_rows(ds, area_cm2, rest_mA)
    if not rows:
        raise ValueError(f"{source}: no constant-current segments "
                         "(expected steps of galvanostatic plating and stripping)")
    _check_symmetric(ds, source)
    out = {k: [] for k in ("j", "start", "stop", "plateau", "peak", "end", "state", "low_fraction",
                           "low_runs", "depth", "low_s", "onset", "r_ref")}
    r_ref = None
    for a, b, j in rows:
        seg = v[a:b]
        n = seg.size
        plateau = float(np.median(seg[n // 4: max(3 * n // 4, n // 4 + 1)]))
        smooth = median_filter(seg, size=3, mode="nearest")
        end = float(np.median(seg[-max(n // 10, 2):]))
        if r_ref is None:
            r_ref = plateau / abs(j)
        expected = r_ref * abs(j)
        low = seg < drop * expected
        runs = [(s, e) for s, e in _runs(low) if e - s >= min_points]
        if end < drop * expected:
            state = "short"
        elif runs:
            state = "micro-short"
        else:
            state = "ok"
        dt = float(np.median(np.diff(t[a:b]))) if n > 1 else 0.0
        out["j"].append(j)
        out["start"].append(t[a])
        out["stop"].append(t[b - 1])
        out["plateau"].append(plateau)
        out["peak"].append(float(smooth.max()))
        out["end"].append(end)
        out["state"].append(state)
        out["low_fraction"].append(float(low.mean()))
        out["low_runs"].append(len(runs))
        out["depth"].append(float(smooth.min() / expected))
        out["low_s"].append(max(((e - s) * dt for s, e in runs), default=0.0))
        out["onset"].append(float(t[a + runs[0][0]]) if runs else np.nan)
        out["r_ref"].append(r_ref)
        if state == "ok":
            r_ref = plateau / abs(j)
    dim = ("segment",)
    return xr.Dataset(
        {"current_density": variable(dim, out["j"], "mA/cm2", "current density (positive: stripping at the working electrode)"),
         "plateau": variable(dim, out["plateau"], "V", "median |V| over the middle half of the segment"),
         "peak": variable(dim, out["peak"], "V", "largest |V| (3-point median)"),
         "end": variable(dim, out["end"], "V", "median |V| over the last 10 % of the segment"),
         "state": (dim, np.array(out["state"]), {"long_name": "ok, micro-short or short", "units": "", "drop": drop}),
         "low_fraction": variable(dim, out["low_fraction"], "1", f"fraction of points below {drop} x expected"),
         "low_runs": variable(dim, out["low_runs"], "1", f"runs of >= {min_points} low points"),
         "depth": variable(dim, out["depth"], "1", "smallest |V| over the expected voltage"),
         "low_s": variable(dim, out["low_s"], "s", "longest run of low points"),
         "onset": variable(dim, out["onset"], "s", "first low point"),
         "r_ref": variable(dim, out["r_ref"], "V cm2/mA", "plateau resistance the segment is compared with")},
        coords={"segment": variable(dim, np.arange(1, len(rows) + 1), "1", "plating/stripping segment"),
                "start": variable(dim, out["start"], "s", "segment start"),
                "stop": variable(dim, out["stop"], "s", "segment end")},
        attrs={"source_file": source, "area_cm2": area_cm2, "drop": drop, "min_points": min_points})

