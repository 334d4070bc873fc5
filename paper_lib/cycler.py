"""Cycler data (CV, galvanostatic cycling, CCD, chronoamperometry) in one canonical schema.

Every cycler reader returns :func:`dataset`: dimension ``time`` (s) with coordinates ``cycle``,
``half_cycle`` and ``step``, and variables ``voltage`` (V), ``current`` (mA, positive = oxidation at
the working electrode, i.e. charge or Li stripping) and ``charge`` (mAh, the integral of the current
since the start). The analyses (CV, CCD, long cycling, transference number, full cells) read this
schema only, never a vendor's column.

Half-cycles and cycles are found from the data, not taken from the file:

* ``by="current"`` (galvanostatic data, chronoamperometry): a half-cycle is a run of one current
  sign; currents below ``rest_mA`` are rest, which belongs to the half-cycle before it, and sign
  changes shorter than ``min_points`` are glitches, not half-cycles.
* ``by="sweep"`` (voltammetry): a half-cycle is a run of one sweep direction of the potential, the
  direction taken over ``window`` points so that noise does not make vertices.

Cycle ``k`` holds half-cycles ``2k-1`` and ``2k``. Steps are numbered as they run (1, 2, ...):
a new step where the file's own step counter changes when it has one, otherwise where the set
current changes (:func:`steps_from_current`); a sweep without a counter is one step.
"""

import numpy as np

from .schema import make_dataset, variable

CYCLER_KINDS = ("cv", "lsv", "gcpl", "ca", "cp", "ccd", "cycling", "polarization", "cell")
SWEEP_KINDS = ("cv", "lsv")


def charge_from_current(time_s, current_mA):
    """Charge (mAh) passed since the first point: trapezoidal integral of the current over time."""
    t, i = np.asarray(time_s, float), np.asarray(current_mA, float)
    if t.size < 2:
        return np.zeros_like(t)
    increments = 0.5 * (i[1:] + i[:-1]) * np.diff(t) / 3600.0
    return np.concatenate([[0.0], np.cumsum(increments)])


def stitch_counter(time_s, current_mA, counter_mAh):
    """A cycler's charge counter (mAh) made continuous since the start. Cyclers restart their capacity
    columns at every step (Neware) or cycle (Arbin); a restart is a record whose value is no more than
    one sampling interval of current could give while the change from the record before is more."""
    t, i, q = (np.asarray(x, float) for x in (time_s, current_mA, counter_mAh))
    if q.size < 2:
        return q.copy()
    step = 0.5 * (np.abs(i[1:]) + np.abs(i[:-1])) * np.diff(t) / 3600.0
    tol = 1e-9 + 1e-6 * float(np.max(np.abs(q)))
    restart = (np.abs(q[1:]) <= step + tol) & (np.abs(np.diff(q)) > step + tol)
    offset = np.concatenate([[0.0], np.cumsum(np.where(restart, q[:-1], 0.0))])
    return q + offset


def _runs(labels):
    """``(start, stop, label)`` of the runs of equal values in ``labels``."""
    labels = np.asarray(labels)
    if labels.size == 0:
        return []
    edges = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts, stops = np.r_[0, edges], np.r_[edges, labels.size]
    return [(int(a), int(b), labels[a]) for a, b in zip(starts, stops)]


def _drop_short(direction, min_points):
    """Direction labels (+1, -1, 0 = none) with runs shorter than ``min_points`` merged into their
    neighbours: a glitch is not a half-cycle."""
    d = np.array(direction, dtype=int)
    for start, stop, label in _runs(d):
        if label != 0 and stop - start < min_points:
            d[start:stop] = 0
    # a 0 run takes the direction before it (rest after a half-cycle), or after it at the start
    nonzero = d != 0
    if not nonzero.any():
        return d
    last = np.maximum.accumulate(np.where(nonzero, np.arange(d.size), 0))
    filled = d[last]
    filled[:np.argmax(nonzero)] = d[np.argmax(nonzero)]
    return filled


def half_cycles_from_current(current_mA, rest_mA=None, min_points=3):
    """Half-cycle index (1, 2, ...) of every point from the sign of the current.

    ``rest_mA``: currents below it are rest (default 2 % of the 99th percentile of ``|I|``).
    """
    i = np.asarray(current_mA, float)
    if i.size == 0:
        return np.zeros(0, dtype=int)
    if rest_mA is None:
        scale = np.percentile(np.abs(i), 99)
        rest_mA = 0.02 * scale if scale > 0 else np.inf
    direction = np.where(i > rest_mA, 1, np.where(i < -rest_mA, -1, 0))
    return _numbered(_drop_short(direction, min_points))


def half_cycles_from_sweep(voltage_V, window=5, min_points=None):
    """Half-cycle index (1, 2, ...) of every point from the sweep direction of the potential.

    The direction at point k is the sign of ``E[k + window] - E[k - window]``; runs shorter than
    ``min_points`` (default ``4 * window``) are noise near a vertex, not a sweep.
    """
    e = np.asarray(voltage_V, float)
    n = e.size
    if n == 0:
        return np.zeros(0, dtype=int)
    ahead = e[np.minimum(np.arange(n) + window, n - 1)]
    behind = e[np.maximum(np.arange(n) - window, 0)]
    direction = np.sign(ahead - behind).astype(int)
    return _numbered(_drop_short(direction, min_points or 4 * window))


def _numbered(direction):
    """Consecutive runs of one direction numbered 1, 2, ..."""
    index = np.ones(direction.size, dtype=int)
    if direction.size:
        index[1:] += np.cumsum(direction[1:] != direction[:-1])
    return index


def cycles_from_half_cycles(half_cycle):
    """Cycle index: cycle k holds half-cycles 2k-1 and 2k."""
    return (np.asarray(half_cycle, int) + 1) // 2


def steps_from_current(current_mA, rel=0.05, abs_mA=None, min_points=3):
    """Step index (1, 2, ...) from changes of the set current: a new step starts where the current,
    median-filtered over ``2 * min_points + 1`` points (so that a glitch is not a step), jumps by more
    than ``rel`` of its size or by ``abs_mA`` (default 2 % of the 99th percentile of ``|I|``)."""
    from scipy.ndimage import median_filter

    i = np.asarray(current_mA, float)
    if i.size == 0:
        return np.zeros(0, dtype=int)
    if abs_mA is None:
        abs_mA = 0.02 * float(np.percentile(np.abs(i), 99)) or np.inf
    f = median_filter(i, size=2 * min_points + 1, mode="nearest")
    jump = np.abs(np.diff(f)) > np.maximum(rel * np.maximum(np.abs(f[1:]), np.abs(f[:-1])), abs_mA)
    step = np.r_[1, 1 + np.cumsum(jump)]
    for start, stop, _ in _runs(step):  # a ramp of a few points between two set currents
        if stop - start < min_points and start > 0:
            step[start:stop] = step[start - 1]
    return _numbered(step)


def dataset(time_s, voltage_V, current_mA, *, charge_mAh=None, step=None, by="current", attrs=None,
            rest_mA=None, min_points=3, window=5):
    """The canonical cycler Dataset from arrays (time in s, voltage in V, current in mA).

    ``charge_mAh`` is integrated from the current when the file has none; ``step`` is the file's step
    counter, else found from the current; half-cycles and cycles are found ``by`` current or sweep.
    """
    t = np.asarray(time_s, float)
    v, i = np.asarray(voltage_V, float), np.asarray(current_mA, float)
    if not (t.size == v.size == i.size):
        raise ValueError(f"time, voltage and current differ in length: {t.size}, {v.size}, {i.size}")
    q = charge_from_current(t, i) if charge_mAh is None else np.asarray(charge_mAh, float)
    half = half_cycles_from_sweep(v, window) if by == "sweep" else half_cycles_from_current(i, rest_mA, min_points)
    if step is not None:  # the file's step counter repeats in every cycle: number the steps as they run
        steps = _numbered(np.asarray(step, int))
    else:  # a sweep is one step of its technique; galvanostatic steps show as changes of the current
        steps = np.ones(t.size, int) if by == "sweep" else steps_from_current(i)
    dim = ("time",)
    return make_dataset(
        {"voltage": variable(dim, v, "V", "cell voltage (working vs counter/reference electrode)"),
         "current": variable(dim, i, "mA", "current (positive: oxidation at the working electrode)"),
         "charge": variable(dim, q, "mAh", "charge passed since the start",
                            source="integrated from the current" if charge_mAh is None else "file")},
        {"time": variable(dim, t, "s", "time since the start of the test"),
         "cycle": variable(dim, cycles_from_half_cycles(half), "1", "cycle (two half-cycles), from the data"),
         "half_cycle": variable(dim, half, "1", f"half-cycle, from the {by} direction"),
         "step": variable(dim, steps, "1", "step of the program, numbered as run")},
        {"segmented_by": by, **(attrs or {})})
