"""Long-term Li plating/stripping of a Li|SSE|Li cell: its overpotential over time and when it failed.

Input: the segment table of :func:`paper_lib.symmetric.segments` (one row per plating or stripping
half-cycle: current densities in mA/cm2, voltages in V, times in s). Results in mV and h.

* :func:`run_time`: how long the cell cycled without a short: the onset of the first segment that
  shorted (h) when one did, else the end of the record; the standard error is the sampling interval
  (a failure is located to a sample; an end is known to one).
* :func:`mean_overpotential`: the plateau |V| of the intact segments over a span of time (mV), as the
  mean with the standard deviation over the span (what "about 40 mV over 200 h" describes: the
  spread of the cell, not the error of the mean) and the number of segments.
* :func:`overpotential_at`: the plateau |V| at a time: the mean over the intact segments that start in
  the ``window_h`` before it, with the standard error of that mean (mV).
* :func:`trend`: the slope of the plateau against time (mV per 100 h) from a straight-line fit, with
  its standard error.
* Half peak-to-peak: ``quantity="peak"`` (in :func:`mean_overpotential` and :func:`overpotential_at`)
  uses the largest |V| of each segment instead of its plateau; averaged over a stripping and a plating
  segment that is half the cycle's peak-to-peak voltage. The article does not say which it gives.
"""

import math
from dataclasses import dataclass

import numpy as np

from .peaks import Estimate


def _intact(table, start_h=None, stop_h=None):
    ok = table.state.values == "ok"
    t = table.start.values / 3600.0
    if start_h is not None:
        ok &= t >= start_h
    if stop_h is not None:
        ok &= t <= stop_h
    return ok


def sampling_s(ds) -> float:
    """The median sampling interval of a record (s)."""
    return float(np.median(np.diff(ds.time.values)))


def run_time(table, dt_s) -> tuple:
    """``(Estimate of the hours cycled without a short, True if it ended by a short)``."""
    shorted = np.flatnonzero(table.state.values == "short")
    if shorted.size:
        return Estimate(float(table.onset.values[shorted[0]]) / 3600.0, dt_s / 3600.0, "h"), True
    return Estimate(float(table.stop.values[-1]) / 3600.0, dt_s / 3600.0, "h"), False


@dataclass(frozen=True)
class Overpotential:
    """Mean |V| (mV) of ``n`` intact segments with the spread over them (standard deviation, mV)."""

    mean: float
    spread: float
    n: int

    def estimate(self):
        return Estimate(self.mean, self.spread, "mV")


def mean_overpotential(table, start_h=None, stop_h=None, quantity="plateau") -> Overpotential:
    """The mean |V| (mV) of the intact segments starting between ``start_h`` and ``stop_h``."""
    ok = _intact(table, start_h, stop_h)
    if ok.sum() < 2:
        raise ValueError(f"fewer than 2 intact segments between {start_h} and {stop_h} h")
    values = 1e3 * table[quantity].values[ok]
    return Overpotential(float(values.mean()), float(values.std(ddof=1)), int(ok.sum()))


def overpotential_at(table, time_h, window_h=5.0, quantity="plateau") -> Estimate:
    """The plateau |V| (or ``quantity="peak"``) in mV at ``time_h``: the mean of the intact segments
    starting in the ``window_h`` before it, with the standard error of that mean."""
    ok = _intact(table, time_h - window_h, time_h)
    if ok.sum() < 2:
        raise ValueError(f"fewer than 2 intact segments in the {window_h} h before {time_h} h")
    values = 1e3 * table[quantity].values[ok]
    return Estimate(float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size)), "mV")


def trend(table, start_h=None, stop_h=None) -> Estimate:
    """The slope of the intact plateaus against time (mV per 100 h), with its standard error."""
    ok = _intact(table, start_h, stop_h)
    if ok.sum() < 3:
        raise ValueError("fewer than 3 intact segments for a trend")
    t, v = table.start.values[ok] / 3600.0, 1e3 * table.plateau.values[ok]
    coef, cov = np.polyfit(t, v, 1, cov=True)
    return Estimate(100.0 * float(coef[0]), 100.0 * float(math.sqrt(cov[0, 0])), "mV/100 h")
