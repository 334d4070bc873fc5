"""peaks.py recovers known line parameters, and its standard errors match the scatter they predict."""

import math

import numpy as np
import pytest
import xarray as xr

from paper_lib import peaks

X = np.linspace(20.0, -20.0, 2001)  # descending, like an NMR ppm axis


def gauss(x, c, w, area):
    return area / (w * math.sqrt(math.pi / (4 * math.log(2)))) * np.exp(-4 * math.log(2) * (x - c) ** 2 / w ** 2)


def lorentz(x, c, w, area):
    return area / (math.pi * w / 2) / (1 + ((x - c) / (w / 2)) ** 2)


def pvoigt(x, c, w, area, eta):
    return (1 - eta) * gauss(x, c, w, area) + eta * lorentz(x, c, w, area)


def within(estimate, truth, k=4.0):
    return abs(estimate.value - truth) <= k * estimate.stderr


def test_narrow_on_broad_gaussians_with_linear_baseline():
    rng = np.random.default_rng(7)
    y = gauss(X, -1.0, 1.2, 72.8) + gauss(X, -0.7, 5.5, 27.2) + 0.3 + 0.004 * X + rng.normal(0, 0.05, X.size)
    fit = peaks.fit_peaks(X, y, components=[{"name": "broad", "center": 0, "fwhm": 4},
                                            {"name": "narrow", "center": -1.2, "fwhm": 1}], baseline="linear")
    narrow, broad = fit["narrow"], fit["broad"]
    assert within(narrow.center, -1.0) and within(narrow.fwhm, 1.2) and within(broad.fwhm, 5.5)
    assert within(narrow.area_fraction, 0.728) and abs(narrow.area_fraction.value - 0.728) < 0.01
    assert narrow.area_fraction.value + broad.area_fraction.value == pytest.approx(1.0)
    assert narrow.area_fraction.stderr == pytest.approx(broad.area_fraction.stderr, rel=1e-6)
    assert within(fit.baseline["slope"], 0.004) and within(fit.baseline["intercept"], 0.3)
    assert math.isfinite(narrow.height.stderr) and narrow.height.value == pytest.approx(72.8 / (1.2 * 1.0645), rel=0.02)
    curves = fit.curves
    assert {"data", "fit", "residual", "baseline", "component_narrow", "component_broad"} <= set(curves)
    np.testing.assert_allclose(curves.component_narrow + curves.component_broad + curves.baseline, curves.fit)
    assert abs(float(curves.residual.std()) - 0.05) < 0.005


def test_automatic_guesses_separate_narrow_and_broad():
    rng = np.random.default_rng(3)
    y = gauss(X, -1.0, 1.2, 72.8) + gauss(X, -0.7, 5.5, 27.2) + rng.normal(0, 0.05, X.size)
    fit = peaks.fit_peaks(X, y, components=2, baseline="constant")
    narrow = min(fit.components, key=lambda c: c.fwhm.value)
    assert abs(narrow.area_fraction.value - 0.728) < 0.01 and within(narrow.fwhm, 1.2)


def test_two_separated_lorentzians_automatic():
    rng = np.random.default_rng(11)
    y = lorentz(X, 5.0, 2.0, 30.0) + lorentz(X, -8.0, 3.0, 60.0) + rng.normal(0, 0.03, X.size)
    fit = peaks.fit_peaks(X, y, components=2, shape="lorentzian", baseline=None)
    by_center = sorted(fit.components, key=lambda c: c.center.value)
    for comp, (c, w, frac) in zip(by_center, [(-8.0, 3.0, 2 / 3), (5.0, 2.0, 1 / 3)]):
        assert within(comp.center, c) and within(comp.fwhm, w) and within(comp.area_fraction, frac)


def test_pseudo_voigt_eta_and_area():
    rng = np.random.default_rng(5)
    y = pvoigt(X, 2.0, 3.0, 50.0, 0.35) + rng.normal(0, 0.02, X.size)
    fit = peaks.fit_peaks(xr.DataArray(y, coords={"chemical_shift": ("chemical_shift", X, {"units": "ppm"})},
                                       dims="chemical_shift", attrs={"units": "a.u."}),
                          components=[{"shape": "pseudovoigt", "center": 1.5, "fwhm": 2.5, "name": "line"}],
                          baseline="constant")
    line = fit["line"]
    assert within(line.center, 2.0) and within(line.fwhm, 3.0) and within(line.area, 50.0) and within(line.eta, 0.35)
    assert line.center.units == "ppm" and line.area.units == "a.u.*ppm"
    assert fit.curves.chemical_shift.attrs["units"] == "ppm" and fit.curves.fit.attrs["units"] == "a.u."


def test_area_fraction_stderr_matches_scatter():
    """Over 40 noise realisations the stated stderr of the area fraction equals the observed spread."""
    rng = np.random.default_rng(2024)
    clean = gauss(X, -1.0, 1.2, 72.8) + gauss(X, -0.7, 5.5, 27.2) + 0.2
    values, errors = [], []
    spec = [{"name": "broad", "center": -0.5, "fwhm": 5}, {"name": "narrow", "center": -1, "fwhm": 1.3}]
    for _ in range(40):
        fit = peaks.fit_peaks(X, clean + rng.normal(0, 0.2, X.size), components=spec, baseline="constant")
        values.append(fit["narrow"].area_fraction.value)
        errors.append(fit["narrow"].area_fraction.stderr)
    ratio = np.std(values, ddof=1) / np.mean(errors)
    assert 0.65 < ratio < 1.5, ratio
    assert abs(np.mean(values) - 0.728) < 3 * np.std(values) / math.sqrt(40) + 1e-3


@pytest.mark.parametrize("shape", ["gaussian", "lorentzian"])
def test_fwhm_model_free(shape):
    rng = np.random.default_rng(1)
    line = gauss(X, 0.5, 3.43, 100.0) if shape == "gaussian" else lorentz(X, 0.5, 3.43, 100.0)
    widths, errors = [], []
    for _ in range(30):
        est = peaks.fwhm(X, line + 2.0 + rng.normal(0, 0.1, X.size))  # offset removed by the edge baseline
        widths.append(est.value)
        errors.append(est.stderr)
    noiseless = peaks.fwhm(X, line + 2.0, sigma=0.0).value
    # Lorentzian wings still hold ~0.8 % of the height at the window edges: the edge baseline sits that
    # much too high and the width comes out ~1 % short; a Gaussian has no such bias
    assert noiseless == pytest.approx(3.43, rel=2e-3 if shape == "gaussian" else 1.2e-2)
    assert abs(np.mean(widths) - noiseless) < 3 * np.std(widths) / math.sqrt(30)
    assert 0.5 < np.std(widths, ddof=1) / np.mean(errors) < 2.0
    assert peaks.fwhm(X, line, baseline=None, sigma=0.0).value == pytest.approx(3.43, rel=2e-3)


def test_fwhm_units_and_failure():
    da = xr.DataArray(gauss(X, 0, 2, 1), coords={"wavenumber": ("wavenumber", X, {"units": "cm^-1"})},
                      dims="wavenumber")
    assert peaks.fwhm(da).units == "cm^-1"
    with pytest.raises(ValueError, match="half height"):
        peaks.fwhm(X, gauss(X, 19.5, 4, 1), baseline=None)


def test_peak_position_local_fit():
    rng = np.random.default_rng(9)
    y = gauss(X, -44.3 / 10, 2.0, 10.0) + gauss(X, 2.36, 1.5, 6.0) + rng.normal(0, 0.01, X.size)
    pos = peaks.peak_position(X, y)
    assert within(pos, -4.43) and pos.stderr < 0.01
    other = peaks.peak_position(X, y, center=2.3, half_width=1.5)
    assert within(other, 2.36)


def test_bad_specifications():
    y = gauss(X, 0, 2, 1)
    with pytest.raises(ValueError, match="unknown shape"):
        peaks.fit_peaks(X, y, components=[{"shape": "voigt"}])
    with pytest.raises(ValueError, match="duplicate"):
        peaks.fit_peaks(X, y, components=[{"name": "a"}, {"name": "a"}])
    with pytest.raises(ValueError, match="baseline"):
        peaks.fit_peaks(X, y, components=1, baseline="cubic")
