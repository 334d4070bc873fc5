"""Long cycling: run time, overpotential over the test and at a time, trend; on records made with known values."""

import numpy as np
import pytest

import cells
from paper_lib import cycler, cycling, symmetric

AREA = 0.785


def record(hours=50.0, eta0_mV=40.0, slope_mV_per_h=0.1, half_s=1800.0, dt=10.0, short_at_h=None, seed=3):
    """1 mA/cm2 cycling with 1 min rests: |V| = eta0 + slope t on every half-cycle, a 30 % nucleation
    overshoot in its first minute, noise 0.2 mV; a hard short (|V| x 0.03) from ``short_at_h``."""
    g = np.random.default_rng(seed)
    n_cycles = int(np.ceil(hours * 3600 / (2 * half_s + 120)))
    t, j, step = cells.program([(1.0, half_s), (0.0, 60.0), (-1.0, half_s), (0.0, 60.0)] * n_cycles, dt)
    keep = t <= hours * 3600
    t, j, step = t[keep], j[keep], step[keep]
    start = np.r_[0, np.flatnonzero(np.diff(step)) + 1]
    since = t - t[start][np.cumsum(np.r_[0, np.diff(step) != 0])]
    eta = 1e-3 * (eta0_mV + slope_mV_per_h * t / 3600) * (1 + 0.3 * (since < 60))
    v = np.sign(j) * eta
    if short_at_h is not None:
        v = np.where(t >= short_at_h * 3600, 0.03 * v, v)
    v = v + g.normal(0, 2e-4, t.size)
    return cycler.dataset(t, v, j * AREA, step=step)


def test_run_time_without_and_with_a_short():
    ds = record(hours=50.0)
    table = symmetric.segments(ds, AREA)
    duration, failed = cycling.run_time(table, cycling.sampling_s(ds))
    assert not failed and duration.value == pytest.approx(50.0, abs=10 / 3600) and duration.stderr == pytest.approx(10 / 3600)
    ds = record(hours=50.0, short_at_h=31.3)
    duration, failed = cycling.run_time(symmetric.segments(ds, AREA), cycling.sampling_s(ds))
    assert failed and duration.value == pytest.approx(31.3, abs=10 / 3600)


def test_overpotential_over_the_test_at_a_time_and_its_trend():
    ds = record(hours=100.0, eta0_mV=40.0, slope_mV_per_h=0.1)
    table = symmetric.segments(ds, AREA)
    mean = cycling.mean_overpotential(table)
    assert mean.mean == pytest.approx(45.0, abs=0.3)  # 40 + 0.1 x 50 h
    assert mean.spread == pytest.approx(10 / np.sqrt(12), rel=0.1)  # a 10 mV ramp's standard deviation
    at = cycling.overpotential_at(table, 100.0, window_h=5.0)
    # segments starting in 95-100 h, |V| at their middle (15 min later): 40 + 0.1 x (97.5 + 0.25)
    assert at.value == pytest.approx(40 + 0.1 * 97.77, abs=max(3 * at.stderr, 0.05))
    slope = cycling.trend(table)
    assert slope.value == pytest.approx(10.0, abs=3 * slope.stderr + 0.05) and slope.units == "mV/100 h"
    peak = cycling.mean_overpotential(table, quantity="peak")
    assert peak.mean == pytest.approx(1.3 * mean.mean, rel=0.02)  # the nucleation overshoot


def test_shorted_segments_are_left_out_of_the_overpotential():
    ds = record(hours=60.0, slope_mV_per_h=0.0, short_at_h=40.0)
    table = symmetric.segments(ds, AREA)
    mean = cycling.mean_overpotential(table)
    assert mean.mean == pytest.approx(40.0, abs=0.1) and mean.n == int((table.state == "ok").sum())
    with pytest.raises(ValueError, match="fewer than 2 intact segments in the 5.0 h before 60.0 h"):
        cycling.overpotential_at(table, 60.0)
