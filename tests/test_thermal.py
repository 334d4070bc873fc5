"""TGA mass loss and DSC event detection recover known parameters (paper_lib.thermal)."""

import numpy as np
import pytest

from paper_lib import thermal
from paper_lib.schema import make_dataset, variable


def _ds(t, **data):
    units = {"mass": "%", "heat_flow": "mW/mg"}
    return make_dataset({k: variable("temperature", v, units[k], k) for k, v in data.items()},
                        {"temperature": variable("temperature", t, "degC", "T")},
                        {"kind": "dsc", "dsc_sign": "exo up", "heating_rate_K_min": 10.0})


def test_mass_loss_and_stoichiometry():
    rng = np.random.default_rng(1)
    t = np.arange(30, 300.01, 0.25)
    step = 10.8 / (1 + np.exp(-(t - 120) / 8))
    ds = _ds(t, mass=100 - step + rng.normal(0, 0.01, t.size))
    loss = thermal.mass_loss(ds, t_end=300.0)
    assert loss.value == pytest.approx(10.8, abs=0.02)
    assert 0.001 < loss.stderr < 0.02
    st = thermal.stoichiometry(loss)
    assert st.expected == pytest.approx(10.96, abs=0.01)
    assert st.equivalents.value == pytest.approx(1.97, abs=0.01)


def test_mass_at_outside_range():
    t = np.arange(30, 100.0, 1.0)
    with pytest.raises(ValueError, match="fewer than 5"):
        thermal.mass_at(_ds(t, mass=np.full(t.size, 100.0)), 300.0)


def _peak(t, center, height, sigma=2.0, tail=2.5):
    """Asymmetric endotherm (Gaussian convolved with an exponential lag); maximum moved to `center`."""
    x = np.arange(-60, 60, 0.01)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    k = np.exp(-np.arange(0, 30, 0.01) / tail)
    y = np.convolve(g, k, mode="full")[:x.size]
    y = y / y.max() * height
    return np.interp(t, x - x[np.argmax(y)] + center, y)


@pytest.mark.parametrize("sign", ["exo up", "exo down"])
def test_dsc_events_recover_peaks_and_onsets(sign):
    rng = np.random.default_rng(2)
    t = np.arange(50, 320.01, 0.25)
    endo = _peak(t, 110.0, 2.0) + _peak(t, 287.0, 3.0, sigma=1.2)
    exo = _peak(t, 200.0, 0.5, sigma=3.0)
    base = 0.05 + 1e-4 * (t - 50) + 0.03 * ((t - 50) / 270) ** 2
    signal = exo - endo if sign == "exo up" else endo - exo
    ds = _ds(t, heat_flow=base + signal + rng.normal(0, 0.003, t.size))
    ds.attrs["dsc_sign"] = sign
    result = thermal.dsc_events(ds)
    kinds = [(e.kind, round(e.peak.value)) for e in result.events]
    assert kinds == [("endo", 110), ("exo", 200), ("endo", 287)]
    for e, true in zip(result.endothermic(), (110.0, 287.0)):
        assert e.peak.value == pytest.approx(true, abs=0.3)
        assert e.peak.stderr < 0.2
    # the tangent onset of the noiseless curve, computed the same way on a fine grid
    first = result.nearest(110.0)
    y = _peak(t, 110.0, 2.0)
    i = int(np.argmax(y))
    sel = (y >= 0.2 * y[i]) & (y <= 0.8 * y[i]) & (t < t[i])
    m, b = np.polyfit(t[sel], y[sel], 1)
    assert first.onset.value == pytest.approx(-b / m, abs=0.3)
    assert first.onset.value < first.peak.value - 2


def test_dsc_no_event_on_flat_curve():
    rng = np.random.default_rng(3)
    t = np.arange(60, 320.01, 0.25)
    ds = _ds(t, heat_flow=0.02 + 1.5e-4 * (t - 60) + 0.05 * ((t - 30) / 290) ** 2.5 + rng.normal(0, 0.003, t.size))
    result = thermal.dsc_events(ds)
    assert result.events == ()
    assert result.threshold == pytest.approx(5 * result.noise)


def test_weak_event_above_threshold_is_found():
    rng = np.random.default_rng(4)
    t = np.arange(60, 320.01, 0.25)
    ds = _ds(t, heat_flow=-_peak(t, 292.0, 0.05, sigma=3.0) + rng.normal(0, 0.003, t.size))
    (event,) = thermal.dsc_events(ds).events
    assert event.kind == "endo" and event.peak.value == pytest.approx(292.0, abs=1.0)


def test_bad_sign():
    t = np.arange(60, 100.0, 0.5)
    ds = _ds(t, heat_flow=np.zeros(t.size))
    ds.attrs["dsc_sign"] = "sideways"
    with pytest.raises(ValueError, match="dsc_sign"):
        thermal.dsc_events(ds)
