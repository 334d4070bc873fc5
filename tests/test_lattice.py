"""Lattice and size analysis: fits recover known lattice parameters and crystallite sizes."""

import math

import numpy as np
import pytest

from paper_lib import lattice, powder


@pytest.fixture(scope="module")
def libh4():
    return powder.reflections("LiBH4", 80.0)


def test_refine_lattice_recovers_known_parameters(libh4):
    rng = np.random.default_rng(1)
    rows = [((r.h, r.k, r.l), r.two_theta + rng.normal(0, 0.003), 0.003) for r in libh4.head(20).itertuples()]
    fit = lattice.refine_lattice(rows, "orthorhombic", start=(7.1, 4.4, 6.7))
    for name, true in zip("abc", (7.17858, 4.43686, 6.80321)):
        p = fit.parameters[name]
        assert abs(p.value - true) < 4 * p.stderr and p.stderr < 0.005
    hexa = powder.reflections("LiBH4 (P6_3mc)", 70.0)
    rows = [((r.h, r.k, r.l), r.two_theta + 0.01 + rng.normal(0, 0.002), 0.002) for r in hexa.itertuples()]
    fit = lattice.refine_lattice(rows, "hexagonal", start=(4.3, 7.0), zero_shift=True)
    assert fit.parameters["a"].value == pytest.approx(4.3228, abs=4 * fit.parameters["a"].stderr + 1e-4)
    assert fit.parameters["c"].value == pytest.approx(7.0368, abs=4 * fit.parameters["c"].stderr + 1e-4)
    assert fit.zero_shift.value == pytest.approx(0.01, abs=4 * fit.zero_shift.stderr)


def test_scherrer_recovers_known_size():
    from paper_lib import peaks

    size, inst, center = 25.0, 0.08, 30.0
    width = float(powder.line_fwhm(center, inst, size))
    x = np.arange(28.0, 32.0, 0.005)
    rng = np.random.default_rng(2)
    y = 1000 * np.exp(-4 * math.log(2) * ((x - center) / width) ** 2) + 20 + rng.normal(0, 3, x.size)
    est = lattice.scherrer_size(peaks.fwhm(x, y), center, instrument_fwhm=inst)
    assert est.units == "nm" and est.value == pytest.approx(size, rel=0.03)
    assert abs(est.value - size) < 4 * est.stderr + 0.2
    # by hand: β = 0.9 λ / (L cos θ)
    beta = math.degrees(0.9 * 1.5406 / (250.0 * math.cos(math.radians(15.0))))
    assert lattice.scherrer_size(beta, 30.0).value == pytest.approx(25.0)
    assert lattice.scherrer_size(beta + 0.05, 30.0, instrument_fwhm=0.05, correction="linear").value == pytest.approx(25.0)


def test_d_from_peak_propagates_the_error():
    from paper_lib.peaks import Estimate

    est = lattice.d_from_peak(Estimate(17.949, 0.01, "deg"))
    assert est.value == pytest.approx(4.938, abs=1e-3)
    step = float(powder.d_from_two_theta(17.939) - powder.d_from_two_theta(17.959)) / 2
    assert est.stderr == pytest.approx(step, rel=1e-3)
