"""Bond lengths and Li–X contact distances recovered from constructed structures."""

import numpy as np
import pytest
from ase import Atoms

from paper_lib import bonds


def bh4(lengths, centre=(5.0, 5.0, 5.0)):
    dirs = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) / np.sqrt(3)
    pos = [centre] + [np.array(centre) + d * length for d, length in zip(dirs, lengths)]
    return Atoms("BH4", positions=pos, cell=[10, 10, 10], pbc=True)


def test_regular_tetrahedron():
    st = bonds.bond_stats(bh4([1.2221] * 4), "B", "H")
    assert st.n == 4 and st.mean == pytest.approx(1.2221, abs=1e-12) and st.std == pytest.approx(0, abs=1e-12)


def test_distorted_tetrahedron_statistics():
    d = [1.20, 1.22, 1.24, 1.26]
    st = bonds.bond_stats(bh4(d), "B", "H")
    assert st.mean == pytest.approx(1.23)
    assert st.std == pytest.approx(np.std(d, ddof=1))
    assert st.sem == pytest.approx(np.std(d, ddof=1) / 2)
    assert (st.min, st.max) == (pytest.approx(1.20), pytest.approx(1.26))


def test_bond_across_the_cell_boundary_uses_minimum_image():
    atoms = bh4([1.23] * 4, centre=(0.3, 0.3, 0.3))  # H atoms outside the cell
    atoms.wrap()
    np.testing.assert_allclose(bonds.bond_lengths(atoms, "B", "H"), 1.23)


def test_li_n_minimum_image_and_nearest():
    atoms = Atoms("LiNN", positions=[[0.5, 5, 5], [8.5, 5, 5], [0.5, 7.6, 5]], cell=[10, 10, 10], pbc=True)
    np.testing.assert_allclose(bonds.nearest_distances(atoms, "Li", "N"), [2.0])
    np.testing.assert_allclose(np.sort(bonds.shell_distances(atoms, "Li", "N")), [2.0, 2.6])
    assert bonds.li_distance(atoms, "N", metric="nearest").mean == pytest.approx(2.0)
    assert bonds.li_distance(atoms, "N", metric="shell").mean == pytest.approx(2.3)


def test_shell_versus_nearest_for_li_h():
    atoms = Atoms("LiH3", positions=[[5, 5, 5], [6.9, 5, 5], [5, 7.1, 5], [5, 5, 7.3]], cell=[12, 12, 12], pbc=True)
    assert bonds.li_distance(atoms, "H").mean == pytest.approx(2.1)  # the article metric: shell mean
    assert bonds.li_distance(atoms, "H", metric="nearest").mean == pytest.approx(1.9)
    with pytest.raises(ValueError):
        bonds.li_distance(atoms, "H", metric="median")


def test_region_restriction():
    a = bh4([1.22] * 4, centre=(2.5, 2.5, 2.5))
    b = bh4([1.24] * 4, centre=(7.5, 7.5, 7.5))
    atoms = a + b
    atoms.arrays["region"] = np.array(["LiBH4"] * 5 + ["interface"] * 5)
    assert bonds.bond_stats(atoms, region="LiBH4").mean == pytest.approx(1.22)
    assert bonds.bond_stats(atoms, region="interface").n == 4
    assert bonds.bond_stats(atoms, region=["LiBH4", "interface"]).mean == pytest.approx(1.23)
    assert bonds.bond_stats(atoms, indices=[5]).mean == pytest.approx(1.24)
    with pytest.raises(KeyError):
        bonds.bond_stats(bh4([1.2] * 4), region="LiBH4")


def test_elongation_percent():
    ref, val = bonds.stats([1.2221, 1.2221]), bonds.stats([1.23, 1.23])
    pct, err = bonds.elongation_percent(val, ref)
    assert pct == pytest.approx(100 * (1.23 / 1.2221 - 1)) and err == 0


def test_reference_structures_give_the_article_distances():
    from paper_lib import manifest, paths
    from paper_lib.readers import read

    path = paths.MANIFESTS / "dft.yaml"
    if not path.exists():
        pytest.skip("reference DFT data not generated")
    s = {m.sample: read(m) for m in manifest.load(path).select(kind="structure")}
    bulk = bonds.bond_stats(s["LiBH4"])
    comp = bonds.bond_stats(s["LiBH4/LiNBH"], region="LiBH4")
    assert comp.mean == pytest.approx(1.23, abs=1e-6)
    assert bonds.elongation_percent(comp, bulk)[0] == pytest.approx(0.65, abs=1e-4)
    assert abs(bonds.elongation_percent(bonds.bond_stats(s["LiBH4/LiNH2BH3"], region="LiBH4"), bulk)[0]) < 0.1
    assert bonds.li_distance(s["LiBH4/LiNBH"], "N", region="LiNBH").mean == pytest.approx(2.28, abs=1e-6)
    assert bonds.li_distance(s["LiBH4/LiNBH"], "H", region="LiBH4").mean == pytest.approx(2.24, abs=1e-6)
    assert bonds.li_distance(s["LiNBH"], "N").mean == pytest.approx(2.08, abs=1e-6)
    assert bonds.li_distance(s["LiBH4"], "H").mean == pytest.approx(2.16, abs=1e-6)
