"""Computed powder patterns against hand calculations: d-spacings, extinctions, |F|², LP, texture, profiles."""

import math

import numpy as np
import pytest

from paper_lib import powder


@pytest.fixture(scope="module")
def libh4():
    return powder.reflections("LiBH4", 80.0)


def test_d101_and_bragg_by_hand(libh4):
    a, b, c = 7.17858, 4.43686, 6.80321  # Soulie 2002, room temperature
    d101 = 1 / math.sqrt(1 / a ** 2 + 1 / c ** 2)
    assert powder.d_spacing((a, b, c, 90, 90, 90), (1, 0, 1)) == pytest.approx(d101, rel=1e-12)
    assert d101 / 10 == pytest.approx(0.494, abs=5e-4)  # the article's PDF value, nm
    tt = 2 * math.degrees(math.asin(1.5406 / (2 * d101)))
    row = libh4[(libh4.h == 1) & (libh4.k == 0) & (libh4.l == 1)].iloc[0]
    assert row.two_theta == pytest.approx(tt, abs=1e-9) and row.multiplicity == 4
    assert powder.d_from_two_theta(powder.two_theta_from_d(d101)) == pytest.approx(d101)
    # hexagonal cell: 1/d² = 4/3 (h² + hk + k²)/a² + l²/c²
    d = powder.d_spacing((4.3228, 4.3228, 7.0368, 90, 90, 120), (1, 0, 1))
    assert d == pytest.approx(1 / math.sqrt(4 / 3 / 4.3228 ** 2 + 1 / 7.0368 ** 2))


def test_pnma_extinctions_and_multiplicities(libh4):
    hkl = {(r.h, r.k, r.l) for r in libh4.itertuples()}
    assert (1, 1, 0) not in hkl  # hk0: h = 2n (a-glide perpendicular to c): (110) is extinct
    assert (1, 0, 0) not in hkl and (0, 1, 0) not in hkl and (0, 0, 1) not in hkl
    assert {(0, 1, 1), (2, 0, 0), (1, 1, 1)} <= hkl
    m = {(r.h, r.k, r.l): r.multiplicity for r in libh4.itertuples()}
    assert (m[(1, 1, 1)], m[(0, 1, 1)], m[(2, 0, 0)]) == (8, 4, 2)
    hexagonal = powder.reflections("LiBH4 (P6_3mc)", 60.0)
    assert int(hexagonal.iloc[0].multiplicity) == 6 and (hexagonal.iloc[0].h, hexagonal.iloc[0].l) == (1, 0)


def test_structure_factor_by_hand(libh4):
    """|F|² from an explicit sum over the 24 distinct unit-cell atoms with IT92 form factors."""
    import gemmi

    st = powder.load_structure("LiBH4")
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
    assert powder.lorentz_polarisation(30.0) == pytest.approx(expected)
    r = libh4.iloc[0]
    assert r.intensity == pytest.approx(r.multiplicity * r.F2 * r.lp)
    assert libh4.relative.max() == 100


def test_lattice_only_phase_has_generic_intensities():
    table = powder.reflections("LiNH2BH3", 40.0)
    assert table.attrs["generic_intensity"] and (table.F2 == 1).all()
    hkl = {(r.h, r.k, r.l) for r in table.itertuples()}
    assert (0, 1, 0) not in hkl and (0, 2, 0) in hkl and (1, 0, 0) not in hkl


def test_march_dollase_texture(libh4):
    textured = powder.reflections("LiBH4", 80.0, texture=((0, 1, 1), 0.6))
    t = {(r.h, r.k, r.l): r.texture for r in textured.itertuples()}
    assert t[(0, 1, 1)] > 1.2 and t[(1, 0, 1)] < 0.8
    assert powder.march_dollase(1.0, np.array([0.0, 0.5, 1.0])) == pytest.approx([1, 1, 1])
    assert powder.march_dollase(0.6, 1.0) == pytest.approx(0.6 ** -3)


def test_profile_positions_and_ka2(libh4):
    x = np.arange(17.0, 19.0, 0.002)
    p = powder.profile(libh4, x, fwhm_instrument=0.03)
    top = float(x[np.argmax(p.values)])
    assert top == pytest.approx(17.949, abs=0.003)
    ka2 = float(powder.two_theta_from_d(libh4.d.iloc[0], powder.CU_KA2))
    near = np.abs(x - ka2) < 0.01
    assert p.values[near].max() == pytest.approx(0.5, abs=0.05)
