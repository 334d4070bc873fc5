"""FTIR band analysis (paper_lib.spectra) recovers known band positions, shifts and area ratios from
noisy synthetic spectra made with known parameters, and reads them back from the reference data."""

import math

import numpy as np
import pytest
from scipy.special import voigt_profile

from paper_lib import spectra
from paper_lib.peaks import Estimate
from paper_lib.readers.ftir import spectrum

X = np.linspace(3999.64, 399.19, 1868)


def voigt(x, c, h, fl, fg):
    s, g = fg / 2.3548, fl / 2
    return h * voigt_profile(x - c, s, g) / voigt_profile(0.0, s, g)


def ftir(bands, seed, noise=0.0005, quantity="absorbance"):
    """Absorbance of Voigt bands on a sloping baseline with noise, as an FTIR Dataset."""
    rng = np.random.default_rng(seed)
    a = 0.04 + 0.05 * (X / 4000) ** 2 + sum(voigt(X, *b) for b in bands)
    a = a + rng.normal(0, noise, X.size)
    if quantity == "transmittance":
        return spectrum(X, 100 * 10 ** -a, "transmittance", {})
    return spectrum(X, a, "absorbance", {})


LIBH4 = [(2300.0, 0.5, 22, 14), (2225.0, 0.45, 30, 16), (1125.0, 0.16, 14, 8), (1090.0, 0.32, 16, 8)]


@pytest.mark.parametrize("quantity", ["absorbance", "transmittance"])
def test_band_position_recovered(quantity):
    for seed in range(6):
        ds = ftir(LIBH4, seed, quantity=quantity)
        p = spectra.band_position(ds, 2295.0, 20.0)  # a guess 5 cm^-1 off
        assert p.units == "cm^-1" and 0 < p.stderr < 0.5
        assert abs(p.value - 2300.0) < 0.6  # bias of the neighbouring band's tail and line shape
        q = spectra.band_position(ds, 1090.0, 12.0)
        assert q.value == pytest.approx(1090.0, abs=0.6)


def test_shift_and_propagated_error():
    a, b = ftir(LIBH4, 1), ftir([(2290.0, 0.5, 22, 14)] + LIBH4[1:], 2)
    pa, pb = spectra.band_position(a, 2300, 20), spectra.band_position(b, 2300, 20)
    d = spectra.shift(pa, pb)
    assert d.value == pytest.approx(-10.0, abs=0.8)
    assert d.stderr == pytest.approx(math.hypot(pa.stderr, pb.stderr))
    assert spectra.shift(Estimate(1.0, 0.3, "ppm"), Estimate(4.0, 0.4, "ppm")) == Estimate(3.0, 0.5, "ppm")


def test_band_area_and_weakening():
    """Areas of Lorentzian bands (known in closed form over a finite window) and their ratios."""
    def lorentz_area(h, fwhm, lo, hi, c):
        g = fwhm / 2
        return h * g * (math.atan((hi - c) / g) - math.atan((lo - c) / g))

    nh = (3300.0, 0.3, 40, 0.001)
    ref = (1090.0, 0.3, 16, 0.001)
    before = ftir([nh, ref], 3, noise=0.0003)
    after = ftir([(3300.0, 0.06, 40, 0.001), ref], 4, noise=0.0003)
    area = spectra.band_area(before, (3150, 3450), anchors=(3000, 3650))
    # the straight baseline through the anchors removes the band's own far wings there
    wings = np.interp([3000, 3650], X[::-1], voigt(X, *nh)[::-1])
    expected = lorentz_area(0.3, 40, 3150, 3450, 3300) - 300 * wings.mean()
    assert area.value == pytest.approx(expected, abs=3 * area.stderr + 0.05)
    w = spectra.weakening(before, after, (3150, 3450), (1060, 1120), anchors=(3000, 3650))
    assert w.value == pytest.approx(0.2, abs=0.02) and 0 < w.stderr < 0.02
    r = spectra.ratio(Estimate(2.0, 0.2), Estimate(4.0, 0.4))
    assert r.value == 0.5 and r.stderr == pytest.approx(0.5 * math.hypot(0.1, 0.1))


def test_reference_dataset_band_positions():
    from paper_lib import manifest, paths, readers

    data = manifest.load(paths.MANIFESTS / "ftir.yaml")
    libh4 = readers.read(data.one(kind="ftir", sample="LiBH4"))
    comp = readers.read(data.one(kind="ftir", sample="LiBH4-70LiNBH"))
    p1, p2 = spectra.band_position(libh4, 2300, 20), spectra.band_position(comp, 2300, 20)
    assert p1.value == pytest.approx(2300.0, abs=1.0) and p2.value == pytest.approx(2290.0, abs=1.0)
    assert spectra.shift(p1, p2).value == pytest.approx(-10.0, abs=1.0)
