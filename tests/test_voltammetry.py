"""Voltammetry recovers known peaks, onsets and first-cycle features from synthetic CVs made with
known parameters, a capacitive background and noise."""

import math

import numpy as np
import pytest

from paper_lib import cycler, voltammetry

RATE = 0.025e-3  # V/s, the article's 0.025 mV/s
AREA = 0.785  # cm2


def cv(vertices, peaks_by_cycle=(), onset=None, noise=2e-6, step=0.002, seed=11):
    """A CV: the potential between ``vertices``; current (mA) = capacitive + Gaussian peaks + an anodic
    exponential onset ``(E0, j0 mA/cm2, b V)`` + noise. ``peaks_by_cycle``: ``[(cycle or None, sign,
    centre V, height mA, fwhm V)]``, on sweeps of that sign (None: every cycle)."""
    rng = np.random.default_rng(seed)
    e = np.concatenate([np.linspace(a, b, int(round(abs(b - a) / step)), endpoint=False)
                        for a, b in zip(vertices[:-1], vertices[1:])])
    t = np.r_[0.0, np.cumsum(np.abs(np.diff(e)))] / RATE
    ds = cycler.dataset(t, e, np.zeros_like(e), by="sweep")
    direction = np.sign(np.gradient(e))
    i = 2e-5 * direction  # double layer, mA
    for cycle, sign, centre, height, fwhm in peaks_by_cycle:
        here = (direction == sign) & ((ds.cycle.values == cycle) if cycle else True)
        i = i + np.where(here, sign * height * np.exp(-4 * math.log(2) * (e - centre) ** 2 / fwhm ** 2), 0.0)
    if onset:
        e0, j0, b = onset
        i = i + np.where(direction > 0, AREA * j0 * np.exp((e - e0) / b), 0.0)
    i = i + rng.normal(0, noise, e.size)
    return cycler.dataset(t, e, i, by="sweep")


def test_scan_rate():
    ds = cv([2.5, 5.0, -0.2, 2.5])
    rate = voltammetry.scan_rate(ds)
    assert rate.value == pytest.approx(RATE, rel=1e-6) and rate.units == "V/s"


def test_peak_position_current_and_charge_are_recovered():
    ds = cv([2.5, 3.6, 1.8, 3.6], peaks_by_cycle=[(None, 1, 2.8, 3.0e-3, 0.15), (None, -1, 2.2, 1.5e-3, 0.2)])
    anodic = voltammetry.sweeps(ds, direction=1)[0][2]
    cathodic = voltammetry.sweeps(ds, direction=-1)[0][2]
    up = voltammetry.peak(anodic, (2.45, 3.15))
    down = voltammetry.peak(cathodic, (1.85, 2.55))
    for found, centre, height, fwhm in ((up, 2.8, 3.0e-3, 0.15), (down, 2.2, -1.5e-3, 0.2)):
        assert abs(found.position.value - centre) < 4 * found.position.stderr + 1e-4
        assert found.current.value == pytest.approx(height, rel=0.03)
        charge = height * fwhm * math.sqrt(math.pi / (4 * math.log(2))) / RATE / 3600  # mAh
        assert found.charge.value == pytest.approx(charge, rel=0.03)  # the window holds ~99 % of the area
        assert 0 < found.charge.stderr < 0.03 * abs(charge)
        assert found.fwhm.value == pytest.approx(fwhm, rel=0.05)


def test_stability_window_at_an_exponential_onset():
    e0, j0, b = 4.6, 1e-3, 0.08  # mA/cm2 at 4.6 V, 80 mV per e-fold
    ds = cv([2.5, 5.2, 2.5], onset=(e0, j0, b))
    for threshold in (0.01, 0.05):
        window = voltammetry.stability_window(ds, threshold, AREA)
        expected = e0 + b * math.log(threshold / j0)
        assert not window.reached and window.limit.units == "V"
        assert abs(window.limit.value - expected) < 3 * window.limit.stderr + 0.004, (window, expected)
    table = voltammetry.window_vs_threshold(ds, [0.005, 0.01, 0.02, 0.05], AREA)
    assert np.all(np.diff(table.limit.values) > 0) and table.threshold.attrs["units"] == "mA/cm2"


def test_no_sustained_current_reaches_the_scan_limit():
    ds = cv([2.5, 5.0, -0.2, 5.0], peaks_by_cycle=[(1, 1, 2.8, 5e-4, 0.05)])  # a brief feature, not sustained
    window = voltammetry.stability_window(ds, 0.01, AREA)
    assert window.reached and window.limit.value == pytest.approx(5.0, abs=0.003)
    assert window.half_cycle is None


def test_stripping_below_above_V_is_not_the_window():
    """A stripping peak just above 0 V (0.05 mA/cm2) on the anodic sweep, and an onset at 4.6 V: the
    window is the onset only when the search starts above the stripping."""
    ds = cv([2.5, -0.2, 5.2], peaks_by_cycle=[(None, 1, 0.15, 0.05 * AREA, 0.2)], onset=(4.6, 1e-3, 0.08))
    assert voltammetry.stability_window(ds, 0.01, AREA).limit.value < 0.2
    window = voltammetry.stability_window(ds, 0.01, AREA, above_V=1.0)
    assert abs(window.limit.value - (4.6 + 0.08 * math.log(10))) < 3 * window.limit.stderr + 0.004


def test_a_first_cycle_feature_vanishes_and_a_lasting_one_does_not():
    vertices = [2.5, -0.2, 3.5, -0.2, 3.5, -0.2, 3.5]
    first_only = cv(vertices, peaks_by_cycle=[(1, -1, 0.1, 7e-3, 0.1)])
    lasting = cv(vertices, peaks_by_cycle=[(None, -1, 0.1, 7e-3, 0.1)])
    gone = voltammetry.feature_by_cycle(first_only, (-0.15, 0.35), direction=-1)
    kept = voltammetry.feature_by_cycle(lasting, (-0.15, 0.35), direction=-1)
    assert gone.present_first and gone.vanishes and len(gone.charges) == 3
    assert kept.present_first and not kept.vanishes
    charge = -7e-3 * 0.1 * math.sqrt(math.pi / (4 * math.log(2))) / RATE / 3600
    assert gone.charges[0].value == pytest.approx(charge, rel=0.1)
    assert abs(gone.charges[1].value) < 4 * gone.charges[1].stderr + 0.02 * abs(charge)


def test_an_asymmetric_irreversible_wave_is_located_at_its_maximum():
    """A surface-confined irreversible wave (steep on one side) peaks at E0; a Gaussian centre would not."""
    alpha_f = 0.5 * 96485.33 / 8.314462618 / 393.15
    ds = cv([2.6, 1.6, 2.6], noise=2e-5)
    e = ds.voltage.values
    u = alpha_f * (e - 2.2)
    shape = np.exp(u - np.exp(u))  # exp(-x) exp(-e^-x) with x = -u: maximum 1/e at E0 = 2.2 V
    cathodic = np.gradient(e) < 0
    ds = ds.assign(current=ds.current - np.where(cathodic, 0.015 * np.e * shape, 0.0))
    sweep = voltammetry.sweeps(ds, direction=-1)[0][2]
    found = voltammetry.peak(sweep, (1.7, 2.55))  # both ends on the baseline (the tail is 0.4 % there)
    assert abs(found.position.value - 2.2) < 4 * found.position.stderr + 5e-4
    assert found.current.value == pytest.approx(-0.015, rel=0.01)


def test_irregular_bursts_are_counted():
    ds = cv([2.6, 5.0], noise=2e-5, seed=2)
    spiked = ds.current.values.copy()
    for k, amplitude in ((300, 2e-3), (700, -3e-3), (701, -2e-3), (1100, 1e-3)):
        spiked[k] += amplitude
    ds = ds.assign(current=("time", spiked, ds.current.attrs))
    found = voltammetry.bursts(voltammetry.sweeps(ds)[0][2])
    assert found.sizes["burst"] == 3
    assert np.allclose(found.excess.values, [2e-3, -3e-3, 1e-3], rtol=0.05)
    assert found.voltage.attrs["units"] == "V"
