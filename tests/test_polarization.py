"""DC polarization: the steady-state current is recovered from decays made of a distribution of
relaxations with noise (not the last point), and sigma_e = I L / (V A)."""

import numpy as np
import pytest

from paper_lib import cycler, polarization


def decay(i_ss, i0, hours=10.0, dt=5.0, noise=0.003, tau_median=300.0, spread=0.8, drift=0.0, seed=4):
    """A chronoamperometry (mA): i_ss + i0 * mean over log-normal taus of exp(-t/tau), relative noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(0, hours * 3600 + dt, dt)
    taus = np.exp(np.log(tau_median) + spread * np.linspace(-2.5, 2.5, 41))
    weights = np.exp(-0.5 * np.linspace(-2.5, 2.5, 41) ** 2)
    weights /= weights.sum()
    i = i_ss * (1 + drift * t / t[-1]) + i0 * (weights[None, :] * np.exp(-t[:, None] / taus[None, :])).sum(axis=1)
    i = i * (1 + rng.normal(0, noise, t.size))
    return cycler.dataset(t, np.full(t.size, 0.5), i)


@pytest.mark.parametrize("i_ss,i0", [(1.06e-4, 0.86), (2.9e-6, 0.02), (1.04e-3, 3.0)])
def test_steady_state_is_recovered_from_a_distributed_decay(i_ss, i0):
    found = polarization.steady_state(decay(i_ss, i0))
    assert found.current.units == "mA"
    assert abs(found.current.value - i_ss) < 3 * found.current.stderr + 0.005 * i_ss, found
    assert found.current.stderr < 0.05 * i_ss
    last = float(decay(i_ss, i0).current.values[-1])
    assert abs(last - i_ss) > abs(found.current.value - i_ss) or abs(last - i_ss) < 0.01 * i_ss


def test_a_negative_polarization_gives_a_negative_current():
    ds = decay(5e-5, 0.4)
    flipped = ds.assign(current=-ds.current)
    found = polarization.steady_state(flipped)
    assert found.current.value == pytest.approx(-5e-5, rel=0.02)


def test_electronic_conductivity():
    current = polarization.Estimate(1.06e-4, 2e-6, "mA")  # 106 nA
    sigma = polarization.electronic_conductivity(current, 0.5, 1.0, 0.785)
    assert sigma.value == pytest.approx(1.06e-7 * 0.1 / (0.5 * 0.785), rel=1e-12) and sigma.units == "S/cm"
    assert sigma.stderr == pytest.approx(sigma.value * 2e-6 / 1.06e-4, rel=1e-9)
