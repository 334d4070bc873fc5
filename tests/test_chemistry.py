"""Formula masses and stoichiometric mass losses (paper_lib.chemistry)."""

import pytest

from paper_lib import chemistry


def test_molar_masses():
    assert chemistry.molar_mass("LiNH2BH3") == pytest.approx(36.797, abs=1e-3)
    assert chemistry.molar_mass("LiBH4") == pytest.approx(21.782, abs=1e-3)
    assert chemistry.molar_mass("H2") == pytest.approx(2.016, abs=1e-6)
    assert chemistry.molar_mass("Ca(BH4)2") == pytest.approx(40.078 + 2 * (10.81 + 4 * 1.008), abs=1e-6)


def test_composition_with_groups():
    assert chemistry.composition("Li(NH2)BH3") == {"Li": 1, "N": 1, "H": 5, "B": 1}


def test_stoichiometric_loss_of_linh2bh3():
    assert chemistry.mass_loss_percent("LiNH2BH3", {"H2": 2}) == pytest.approx(10.96, abs=0.005)
    assert chemistry.check_balance("LiNH2BH3", {"LiNBH": 1, "H2": 2})
    assert not chemistry.check_balance("LiNH2BH3", {"LiNBH": 1, "H2": 1})
    value, err = chemistry.equivalents_released(10.8, "LiNH2BH3", loss_stderr=0.1)
    assert value == pytest.approx(1.971, abs=1e-3)
    assert err == pytest.approx(0.01825, abs=1e-4)


@pytest.mark.parametrize("bad", ["", "Xx2", "Li(NH2", "LiNH2)", "Li-N"])
def test_bad_formulas(bad):
    with pytest.raises(ValueError):
        chemistry.composition(bad)
