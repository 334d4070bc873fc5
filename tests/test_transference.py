"""Transference number: Bruce-Vincent recovers t from a polarization of a cell whose interfaces grow,
the plain current ratio does not; both carry errors."""

import numpy as np
import pytest

from paper_lib import cycler, polarization, transference
from paper_lib.peaks import Estimate


def cell(t_true, dv=0.01, r_b=579.0, r_i0=100.0, r_iss=104.0, hours=2.0, noise=2e-4, seed=8):
    """Current (mA) of Li|SSE|Li under dv: 1/I = (R_b + R_i(t) + R_b (1/t - 1)(1 - e^(-t/tau_d))) / dv."""
    rng = np.random.default_rng(seed)
    time = np.arange(0.0, hours * 3600 + 1, 1.0)
    r_i = r_i0 + (r_iss - r_i0) * (1 - np.exp(-time / 900.0))
    r_c = r_b * (1 / t_true - 1) * (1 - np.exp(-time / 600.0))
    i = dv / (r_b + r_i + r_c) * 1e3 * (1 + 2.0 * np.exp(-time / 0.5))  # double layer in the first seconds
    i = i * (1 + rng.normal(0, noise, time.size))
    return cycler.dataset(time, np.full(time.size, dv), i)


@pytest.mark.parametrize("t_true", [0.9998, 0.9991, 0.6])
def test_bruce_vincent_recovers_t_the_ratio_does_not(t_true):
    ds = cell(t_true)
    fit = polarization.steady_state(ds, t_start_s=10.0)
    r0, rss = Estimate(100.0, 0.1, "ohm"), Estimate(104.0, 0.1, "ohm")
    t = transference.bruce_vincent(0.01, fit.initial, fit.current, r0, rss)
    assert abs(t.value - t_true) < 3 * t.stderr + 2e-4, (t, t_true)
    assert 0 < t.stderr < 0.01
    ratio = transference.current_ratio(fit.initial, fit.current)
    assert abs(ratio.value - t_true) > 0.003 > abs(t.value - t_true), "the interfaces bias the plain ratio"


def test_an_error_of_one_ohm_in_the_interface_moves_t_by_about_0002():
    fit = polarization.steady_state(cell(0.9998), t_start_s=10.0)
    a = transference.bruce_vincent(0.01, fit.initial, fit.current, Estimate(100.0, 0, ""), Estimate(104.0, 0, ""))
    b = transference.bruce_vincent(0.01, fit.initial, fit.current, Estimate(100.0, 0, ""), Estimate(105.0, 0, ""))
    assert 0.0012 < b.value - a.value < 0.0025


def test_consistency_flags_a_current_that_does_not_follow_ohms_law():
    i0 = Estimate(0.010 / 150.0 * 1e3, 1e-4, "mA")  # 10 mV over 100 + 50 ohm
    assert transference.consistency(0.010, i0, 100.0, 50.0, Estimate(0.9, 0.01)) == []
    found = transference.consistency(0.010, Estimate(25.0, 1.0, "mA"), 100.0, 50.0, Estimate(-0.06, 0.02))
    assert "375 times dV / (R_b + R_0) = 66.67 uA" in found[0] and found[1] == "t = -0.0600 lies outside 0-1"
    found = transference.consistency(0.010, Estimate(0.0667, 0.03, "mA"), 100.0, 50.0)
    assert found == ["the decay's fit leaves I0 uncertain to 45% (allowed 10%): the current does not relax as a "
                     "two-term decay to a steady state"]
