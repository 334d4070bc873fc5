"""XRD analysis of measured patterns: background, peaks, phase identification and fits recover known parameters."""

import math

import numpy as np
import pytest
import xarray as xr

from paper_lib import powder, xrd


def _pattern(y, x, units="counts"):
    return xr.Dataset({"intensity": ("two_theta", y, {"units": units, "long_name": "intensity"})},
                      coords={"two_theta": ("two_theta", x, {"units": "deg", "long_name": "2θ"})},
                      attrs={"kind": "xrd", "count_time_s": 1.0})


X = np.round(np.arange(5.0, 80.0 + 1e-9, 0.02), 4)
HUMP = 150 * np.exp(-4 * math.log(2) * ((X - 21.0) / 7.0) ** 2) + 40


@pytest.fixture(scope="module")
def libh4():
    return powder.reflections("LiBH4", 80.0)


def test_background_and_peaks_recovered(libh4):
    rng = np.random.default_rng(3)
    clean = HUMP + 2000 * powder.profile(libh4, X, 0.1).values
    ds = _pattern(rng.poisson(clean).astype(float), X)
    bg = xrd.remove_background(ds)
    away = (np.abs(X - 21) < 3) & (powder.profile(libh4, X, 0.1).values < 1e-3)
    # SNIP sits about one noise sigma (sqrt(170) ~ 13 counts) under a noisy background
    assert np.median(np.abs(bg.background.values[away] - HUMP[away])) < 2 * math.sqrt(170)
    found = xrd.find_peaks(ds, window=(15, 30))
    for t in (17.949, 23.925, 24.785):
        j = np.argmin(np.abs(found.two_theta - t))
        assert abs(found.two_theta[j] - t) < 0.02 and found.stderr[j] < 0.01


def test_identify_phases_picks_the_right_phase_and_flags_an_extra_peak(libh4):
    refs = {"LiBH4": libh4, "LiNH2BH3": powder.reflections("LiNH2BH3", 80.0)}
    rng = np.random.default_rng(4)
    clean = HUMP + 2000 * powder.profile(libh4, X, 0.12).values
    result = xrd.identify_phases(_pattern(rng.poisson(clean).astype(float), X), refs)
    assert result.present() == ["LiBH4"] and result.unindexed.empty and result.only("LiBH4")
    lnbh = powder.profile(refs["LiNH2BH3"], X, 0.12).values
    extra = 600 * np.exp(-4 * math.log(2) * ((X - 20.60) / 0.12) ** 2)
    mix = rng.poisson(HUMP + 2000 * lnbh + extra).astype(float)
    result = xrd.identify_phases(_pattern(mix, X), refs)
    assert result.present() == ["LiNH2BH3"]
    assert list(result.unindexed.two_theta.round(1)) == [20.6]
    row = result.phases.set_index("phase").loc["LiNH2BH3"]
    assert row.scale > 20 * row.scale_stderr


def test_feature_near_and_relative_intensity():
    rng = np.random.default_rng(5)
    def peak(c, h, w):  # a Kα1 + Kα2 doublet (half the Kα1 height)
        c2 = float(powder.two_theta_from_d(powder.d_from_two_theta(c), powder.CU_KA2))
        return sum(f * h * np.exp(-4 * math.log(2) * ((X - p) / w) ** 2) for p, f in ((c, 1.0), (c2, 0.5)))

    clean = HUMP + peak(23.2, 900, 0.2) + peak(24.5, 300, 0.2) + peak(18.0, 450, 0.2)
    ds = _pattern(rng.poisson(clean).astype(float), X)
    pos, fit = xrd.feature_near(ds, 22.0, (20.0, 25.0))
    assert pos.value == pytest.approx(23.2, abs=3 * pos.stderr + 0.005)
    ratio = xrd.relative_intensity(ds, 23.2, 18.0)
    assert ratio.value == pytest.approx(2.0, abs=3 * ratio.stderr + 0.03)


def test_lattice_from_generated_pattern():
    """The whole chain on a pattern with Kα2, sample displacement and Poisson noise (a generator file)."""
    from pathlib import Path

    from paper_lib.readers import read_file

    path = Path(__file__).parents[1] / "data" / "reference" / "xrd" / "LiBH4_as-received.xrdml"
    fit, indexed = xrd.lattice_from_pattern(read_file(path), powder.reflections("LiBH4", 80.0))
    assert len(indexed) >= 10
    for name, true in zip("abc", (7.17858, 4.43686, 6.80321)):
        assert fit.parameters[name].value == pytest.approx(true, abs=0.003)


def test_fit_kalpha_doublet_recovers_position_and_width():
    rng = np.random.default_rng(6)
    c1, w = 26.0, 0.25
    c2 = float(powder.two_theta_from_d(powder.d_from_two_theta(c1), powder.CU_KA2))
    clean = HUMP + powder.pseudo_voigt(X, c1, w, 0.4, 400) + powder.pseudo_voigt(X, c2, w, 0.4, 200)
    fit = xrd.fit_kalpha_doublet(_pattern(rng.poisson(clean).astype(float), X), 26.0)
    assert abs(fit.position.value - c1) < 4 * fit.position.stderr + 0.002
    assert abs(fit.fwhm.value - w) < 4 * fit.fwhm.stderr + 0.005
    assert fit.area.value == pytest.approx(600, rel=0.1)
