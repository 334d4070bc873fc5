"""Arrhenius fits recover Ea and the prefactor; a jump (phase transition) is found without being told."""

import numpy as np
import pytest

from paper_lib import arrhenius

KB = arrhenius.KB_EV


def law(t_c, s_ref, ea, t_ref=30.0):
    t, tr = np.asarray(t_c, float) + 273.15, t_ref + 273.15
    return s_ref * tr / t * np.exp(-ea / KB * (1 / t - 1 / tr))


def test_sigma_t_form_recovers_ea_and_predicts():
    t = np.arange(30, 121, 10.0)
    g = np.random.default_rng(3)
    s = law(t, 2.2e-4, 0.44) * np.exp(g.normal(0, 0.01, t.size))
    fit = arrhenius.arrhenius_fit((t, s), np.full(t.size, 0.01) * s)
    assert abs(fit.ea - 0.44) < 4 * fit.ea_stderr + 0.002 and fit.ea_stderr < 0.01
    value, se = fit.predict(30.0)
    assert value == pytest.approx(2.2e-4, rel=0.02) and 0 < se < 0.02 * value
    assert "sigma*T" in fit.attrs()["arrhenius_form"]


def test_sigma_form():
    t = np.arange(30, 121, 10.0)
    s = 10.0 * np.exp(-0.5 / (KB * (t + 273.15)))
    fit = arrhenius.arrhenius_fit((t, s), form="sigma")
    assert fit.ea == pytest.approx(0.5, rel=1e-9) and fit.prefactor == pytest.approx(10.0, rel=1e-9)


def test_transition_found_between_measured_temperatures():
    t = np.array([30, 40, 50, 60, 70, 80, 90, 100, 110, 115, 120, 125, 130.0])
    s = np.where(t < 107, law(t, 3.23e-8, 0.69), law(t, 8.83e-4, 0.905, 110.0))
    s = s * np.exp(np.random.default_rng(5).normal(0, 0.01, t.size))
    tr = arrhenius.detect_transition((t, s), 0.01 * s)
    assert tr.found and tr.between_C == (100.0, 110.0) and tr.jump > 3
    assert tr.high.ea == pytest.approx(0.905, abs=0.03) and tr.low.ea == pytest.approx(0.69, abs=0.02)


def test_no_transition_for_a_straight_line():
    t = np.arange(30, 121, 10.0)
    s = law(t, 2.2e-4, 0.44) * np.exp(np.random.default_rng(9).normal(0, 0.01, t.size))
    tr = arrhenius.detect_transition((t, s), 0.01 * s)
    assert not tr.found and tr.single.ea == pytest.approx(0.44, abs=0.01)
