"""XRD analysis: computed patterns against hand calculations, fits recover known parameters."""

import math

import numpy as np
import pytest
import xarray as xr

from paper_lib import xrd


def _pattern(y, x, units="counts"):
    return xr.Dataset({"intensity": ("two_theta", y, {"units": units, "long_name": "intensity"})},
                      coords={"two_theta": ("two_theta", x, {"units": "deg", "long_name": "2θ"})},
                      attrs={"kind": "xrd", "count_time_s": 1.0})


X = np.round(np.arange(5.0, 80.0 + 1e-9, 0.02), 4)
HUMP = 150 * np.exp(-4 * math.log(2) * ((X - 21.0) / 7.0) ** 2) + 40


@pytest.fixture(scope="module")
def libh4():
    return xrd.reflections("LiBH4", 80.0)


def test_d101_and_bragg_by_hand(libh4):
    a, b, c = 7.17858, 4.43686, 6.80321  # Soulie 2002, room temperature
    d101 = 1 / math.sqrt(1 / a ** 2 + 1 / c ** 2)
    assert xrd.d_spacing((a, b, c, 90, 90, 90), (1, 0, 1)) == pytest.approx(d101, rel=1e-12)
    assert d101 / 10 == pytest.approx(0.494, abs=5e-4)  # the article's PDF value, nm
    tt = 2 * math.degrees(math.asin(1.5406 / (2 * d101)))
    row = libh4[(libh4.h == 1) & (libh4.k == 0) & (libh4.l == 1)].iloc[0]
    assert row.two_theta == pytest.approx(tt, abs=1e-9) and row.multiplicity == 4
    assert xrd.d_from_two_theta(xrd.two_theta_from_d(d101)) == pytest.approx(d101)
    # hexagonal cell: 1/d² = 4/3 (h² + hk + k²)/a² + l²/c²
    d = xrd.d_spacing((4.3228, 4.3228, 7.0368, 90, 90, 120), (1, 0, 1))
    assert d == pytest.approx(1 / math.sqrt(4 / 3 / 4.3228 ** 2 + 1 / 7.0368 ** 2))


def test_pnma_extinctions_and_multiplicities(libh4):
    hkl = {(r.h, r.k, r.l) for r in libh4.itertuples()}
    assert (1, 1, 0) not in hkl  # hk0: h = 2n (a-glide perpendicular to c): (110) is extinct
    assert (1, 0, 0) not in hkl and (0, 1, 0) not in hkl and (0, 0, 1) not in hkl
    assert {(0, 1, 1), (2, 0, 0), (1, 1, 1)} <= hkl
    m = {(r.h, r.k, r.l): r.multiplicity for r in libh4.itertuples()}
    assert (m[(1, 1, 1)], m[(0, 1, 1)], m[(2, 0, 0)]) == (8, 4, 2)
    hexagonal = xrd.reflections("LiBH4 (P6_3mc)", 60.0)
    assert int(hexagonal.iloc[0].multiplicity) == 6 and (hexagonal.iloc[0].h, hexagonal.iloc[0].l) == (1, 0)


def test_structure_factor_by_hand(libh4):
    """|F|² from an explicit sum over the 24 distinct unit-cell atoms with IT92 form factors."""
    import gemmi

    st = xrd.load_structure("LiBH4")
    sites = st.get_all_unit_cell_sites()
    for hkl in [(1, 0, 1), (0, 1, 1), (2, 0, 0), (2, 1, 1)]:
        stol2 = 1 / (4 * st.cell.calculate_d(list(hkl)) ** 2)
        f = 0j
        for site in sites:
            coef = gemmi.Element(site.type_symbol).it92
            b_iso = 8 * math.pi ** 2 * site.u_iso
            f0 = coef.calculate_sf(stol2)
            phase = 2 * math.pi * (hkl[0] * site.fract.x + hkl[1] * site.fract.y + hkl[2] * site.fract.z)
            f += f0 * math.exp(-b_iso * stol2) * complex(math.cos(phase), math.sin(phase))
        row = libh4[(libh4.h == hkl[0]) & (libh4.k == hkl[1]) & (libh4.l == hkl[2])].iloc[0]
        assert row.F2 == pytest.approx(abs(f) ** 2, rel=1e-3)


def test_lorentz_polarisation_and_intensity(libh4):
    tt = math.radians(30.0)
    expected = (1 + math.cos(tt) ** 2) / (2 * math.sin(tt / 2) ** 2 * math.cos(tt / 2))  # (1+cos²2θm) = 2
    assert xrd.lorentz_polarisation(30.0) == pytest.approx(expected)
    r = libh4.iloc[0]
    assert r.intensity == pytest.approx(r.multiplicity * r.F2 * r.lp)
    assert libh4.relative.max() == 100


def test_lattice_only_phase_has_generic_intensities():
    table = xrd.reflections("LiNH2BH3", 40.0)
    assert table.attrs["generic_intensity"] and (table.F2 == 1).all()
    hkl = {(r.h, r.k, r.l) for r in table.itertuples()}
    assert (0, 1, 0) not in hkl and (0, 2, 0) in hkl and (1, 0, 0) not in hkl  # Pbca: 0k0 k = 2n


def test_march_dollase_texture(libh4):
    textured = xrd.reflections("LiBH4", 80.0, texture=((0, 1, 1), 0.6))
    t = {(r.h, r.k, r.l): r.texture for r in textured.itertuples()}
    assert t[(0, 1, 1)] > 1.2 and t[(1, 0, 1)] < 0.8
    assert xrd.march_dollase(1.0, np.array([0.0, 0.5, 1.0])) == pytest.approx([1, 1, 1])
    assert xrd.march_dollase(0.6, 1.0) == pytest.approx(0.6 ** -3)


def test_profile_positions_and_ka2(libh4):
    x = np.arange(17.0, 19.0, 0.002)
    p = xrd.profile(libh4, x, fwhm_instrument=0.03)
    top = float(x[np.argmax(p.values)])
    assert top == pytest.approx(17.949, abs=0.003)
    ka2 = float(xrd.two_theta_from_d(libh4.d.iloc[0], xrd.CU_KA2))
    near = np.abs(x - ka2) < 0.01
    assert p.values[near].max() == pytest.approx(0.5, abs=0.05)  # Kα2 at half the Kα1 height


def test_refine_lattice_recovers_known_parameters(libh4):
    rng = np.random.default_rng(1)
    rows = [((r.h, r.k, r.l), r.two_theta + rng.normal(0, 0.003), 0.003) for r in libh4.head(20).itertuples()]
    fit = xrd.refine_lattice(rows, "orthorhombic", start=(7.1, 4.4, 6.7))
    for name, true in zip("abc", (7.17858, 4.43686, 6.80321)):
        p = fit.parameters[name]
        assert abs(p.value - true) < 4 * p.stderr and p.stderr < 0.005
    hexa = xrd.reflections("LiBH4 (P6_3mc)", 70.0)
    rows = [((r.h, r.k, r.l), r.two_theta + 0.01 + rng.normal(0, 0.002), 0.002) for r in hexa.itertuples()]
    fit = xrd.refine_lattice(rows, "hexagonal", start=(4.3, 7.0), zero_shift=True)
    assert fit.parameters["a"].value == pytest.approx(4.3228, abs=4 * fit.parameters["a"].stderr + 1e-4)
    assert fit.parameters["c"].value == pytest.approx(7.0368, abs=4 * fit.parameters["c"].stderr + 1e-4)
    assert fit.zero_shift.value == pytest.approx(0.01, abs=4 * fit.zero_shift.stderr)


def test_scherrer_recovers_known_size():
    from paper_lib import peaks

    size, inst, center = 25.0, 0.08, 30.0
    width = float(xrd.line_fwhm(center, inst, size))
    x = np.arange(28.0, 32.0, 0.005)
    rng = np.random.default_rng(2)
    y = 1000 * np.exp(-4 * math.log(2) * ((x - center) / width) ** 2) + 20 + rng.normal(0, 3, x.size)
    est = xrd.scherrer_size(peaks.fwhm(x, y), center, instrument_fwhm=inst)
    assert est.units == "nm" and est.value == pytest.approx(size, rel=0.03)
    assert abs(est.value - size) < 4 * est.stderr + 0.2
    # by hand: β = 0.9 λ / (L cos θ)
    beta = math.degrees(0.9 * 1.5406 / (250.0 * math.cos(math.radians(15.0))))
    assert xrd.scherrer_size(beta, 30.0).value == pytest.approx(25.0)
    assert xrd.scherrer_size(beta + 0.05, 30.0, instrument_fwhm=0.05, correction="linear").value == pytest.approx(25.0)


def test_background_and_peaks_recovered(libh4):
    rng = np.random.default_rng(3)
    clean = HUMP + 2000 * xrd.profile(libh4, X, 0.1).values
    ds = _pattern(rng.poisson(clean).astype(float), X)
    bg = xrd.remove_background(ds)
    away = (np.abs(X - 21) < 3) & (xrd.profile(libh4, X, 0.1).values < 1e-3)
    # SNIP sits about one noise sigma (sqrt(170) ~ 13 counts) under a noisy background
    assert np.median(np.abs(bg.background.values[away] - HUMP[away])) < 2 * math.sqrt(170)
    found = xrd.find_peaks(ds, window=(15, 30))
    for t in (17.949, 23.925, 24.785):
        j = np.argmin(np.abs(found.two_theta - t))
        assert abs(found.two_theta[j] - t) < 0.02 and found.stderr[j] < 0.01


def test_identify_phases_picks_the_right_phase_and_flags_an_extra_peak(libh4):
    refs = {"LiBH4": libh4, "LiNH2BH3": xrd.reflections("LiNH2BH3", 80.0)}
    rng = np.random.default_rng(4)
    clean = HUMP + 2000 * xrd.profile(libh4, X, 0.12).values
    result = xrd.identify_phases(_pattern(rng.poisson(clean).astype(float), X), refs)
    assert result.present() == ["LiBH4"] and result.unindexed.empty and result.only("LiBH4")
    lnbh = xrd.profile(refs["LiNH2BH3"], X, 0.12).values
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
        c2 = float(xrd.two_theta_from_d(xrd.d_from_two_theta(c), xrd.CU_KA2))
        return sum(f * h * np.exp(-4 * math.log(2) * ((X - p) / w) ** 2) for p, f in ((c, 1.0), (c2, 0.5)))

    clean = HUMP + peak(23.2, 900, 0.2) + peak(24.5, 300, 0.2) + peak(18.0, 450, 0.2)
    ds = _pattern(rng.poisson(clean).astype(float), X)
    pos, fit = xrd.feature_near(ds, 22.0, (20.0, 25.0))
    assert pos.value == pytest.approx(23.2, abs=3 * pos.stderr + 0.005)
    ratio = xrd.relative_intensity(ds, 23.2, 18.0)
    assert ratio.value == pytest.approx(2.0, abs=3 * ratio.stderr + 0.03)


def test_d_from_peak_propagates_the_error():
    from paper_lib.peaks import Estimate

    est = xrd.d_from_peak(Estimate(17.949, 0.01, "deg"))
    assert est.value == pytest.approx(4.938, abs=1e-3)
    step = float(xrd.d_from_two_theta(17.939) - xrd.d_from_two_theta(17.959)) / 2
    assert est.stderr == pytest.approx(step, rel=1e-3)


def test_lattice_from_generated_pattern():
    """The whole chain on a pattern with Kα2, sample displacement and Poisson noise (a generator file)."""
    from pathlib import Path

    from paper_lib.readers import read_file

    path = Path(__file__).parents[1] / "data" / "reference" / "xrd" / "LiBH4_as-received.xrdml"
    fit, indexed = xrd.lattice_from_pattern(read_file(path), xrd.reflections("LiBH4", 80.0))
    assert len(indexed) >= 10
    for name, true in zip("abc", (7.17858, 4.43686, 6.80321)):
        assert fit.parameters[name].value == pytest.approx(true, abs=0.003)


def test_fit_kalpha_doublet_recovers_position_and_width():
    rng = np.random.default_rng(6)
    c1, w = 26.0, 0.25
    c2 = float(xrd.two_theta_from_d(xrd.d_from_two_theta(c1), xrd.CU_KA2))
    clean = HUMP + xrd.pseudo_voigt(X, c1, w, 0.4, 400) + xrd.pseudo_voigt(X, c2, w, 0.4, 200)
    fit = xrd.fit_kalpha_doublet(_pattern(rng.poisson(clean).astype(float), X), 26.0)
    assert abs(fit.position.value - c1) < 4 * fit.position.stderr + 0.002
    assert abs(fit.fwhm.value - w) < 4 * fit.fwhm.stderr + 0.005
    assert fit.area.value == pytest.approx(600, rel=0.1)
