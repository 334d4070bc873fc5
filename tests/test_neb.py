"""Barriers recovered from synthetic NEB bands with known energy profiles."""

import numpy as np
import pytest
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
import ase.io

from paper_lib import neb
from paper_lib.readers.structures import read_neb, read_neb_images


def profile(s, length, height=0.1, end=0.0):
    """Known band: E = height·sin²(πx) + end·(3x² − 2x³), x = s/length; returns E and dE/ds."""
    x = s / length
    e = height * np.sin(np.pi * x) ** 2 + end * (3 * x ** 2 - 2 * x ** 3)
    de = (height * np.pi * np.sin(2 * np.pi * x) + end * 6 * x * (1 - x)) / length
    return e, de


def write_band(path, n_images=7, length=3.0, height=0.1, end=0.0, forces=True, offset=0.0, e0=-190.0):
    """A Li atom moving along x in a 10 Å cell (starting at ``offset``), with E and F = −dE/ds along x."""
    s = np.linspace(0.0, length, n_images)
    e, de = profile(s, length, height, end)
    images = []
    for si, ei, di in zip(s, e, de):
        atoms = Atoms("LiN", positions=[[offset + si, 2.0, 2.0], [5.0, 6.0, 6.0]], cell=[10, 10, 10], pbc=True)
        atoms.wrap()
        results = {"energy": e0 + ei}
        if forces:
            results["forces"] = np.array([[-di, 0.0, 0.0], [0.0, 0.0, 0.0]])
        atoms.calc = SinglePointCalculator(atoms, **results)
        images.append(atoms)
    ase.io.write(path, images, format="extxyz")
    return s, e


def test_image_method_is_exact_and_spline_finds_the_true_saddle(tmp_path):
    # 8 images: the true maximum (0.1 eV at s = 1.5 Å) lies between images 3 and 4
    s, e = write_band(tmp_path / "band.extxyz", n_images=8, height=0.1)
    result = neb.barriers(read_neb(tmp_path / "band.extxyz"))
    assert result.forward_images == pytest.approx(e.max(), abs=1e-9)  # image maximum, exact
    assert result.forward_images < 0.1 - 0.002
    assert result.forward_spline == pytest.approx(0.1, abs=5e-4)  # Hermite spline: true saddle
    assert result.saddle_coordinate == pytest.approx(1.5, abs=0.01)
    assert result.interpolation_uncertainty == pytest.approx(result.forward_spline - result.forward_images)
    assert result.method.startswith("hermite")
    assert result.curve["relative_energy"].max() == pytest.approx(result.forward_spline, abs=1e-4)


def test_asymmetric_band_forward_and_reverse(tmp_path):
    write_band(tmp_path / "band.extxyz", n_images=9, height=0.15, end=-0.04)
    result = neb.barriers(read_neb(tmp_path / "band.extxyz"))
    s = np.linspace(0, 3.0, 2001)
    e, _ = profile(s, 3.0, 0.15, -0.04)
    assert result.reaction_energy == pytest.approx(-0.04, abs=1e-9)
    assert result.reverse_images == pytest.approx(result.forward_images + 0.04, abs=1e-9)
    assert result.forward_spline == pytest.approx(e.max(), abs=5e-4)
    assert result.reverse_spline == pytest.approx(e.max() + 0.04, abs=5e-4)
    assert result.barrier_images == result.forward == result.forward_images


def test_energies_only_uses_clamped_cubic_spline(tmp_path):
    write_band(tmp_path / "band.extxyz", n_images=9, height=0.118, forces=False)
    ds = read_neb(tmp_path / "band.extxyz")
    assert "tangent_force" not in ds
    result = neb.barriers(ds)
    assert result.method.startswith("cubic")
    assert result.forward_images == pytest.approx(0.118, abs=1e-9)  # an image sits on the saddle
    assert result.forward_spline == pytest.approx(0.118, abs=2e-3)


def test_agrees_with_ase_nebtools(tmp_path):
    write_band(tmp_path / "band.extxyz", n_images=8, height=0.09, end=0.01, offset=1.0)
    images = read_neb_images(tmp_path / "band.extxyz")
    result = neb.barriers(read_neb(tmp_path / "band.extxyz"))
    assert neb.ase_barrier(images, fit=False) == pytest.approx(result.forward_images, abs=1e-9)
    assert neb.ase_barrier(images, fit=True) == pytest.approx(result.forward_spline, abs=2e-4)


def test_band_crossing_the_cell_boundary(tmp_path):
    # the Li starts at 8.5 Å and goes to 11.5 Å = 1.5 Å wrapped: the minimum image keeps s and the tangent right
    write_band(tmp_path / "band.extxyz", n_images=7, height=0.069, offset=8.5)
    ds = read_neb(tmp_path / "band.extxyz")
    np.testing.assert_allclose(ds["reaction_coordinate"], np.linspace(0, 3.0, 7), atol=1e-6)
    result = neb.barriers(ds)
    assert result.forward_images == pytest.approx(0.069, abs=1e-9)
    assert result.forward_spline == pytest.approx(0.069, abs=1e-4)


def test_reference_bands_give_the_article_barriers():
    from paper_lib import manifest, paths
    from paper_lib.readers import read

    path = paths.MANIFESTS / "dft.yaml"
    if not path.exists():
        pytest.skip("reference DFT data not generated")
    article = {"LiBH4": 0.118, "LiNBH": 0.178, "LiBH4 in LiBH4/LiNBH": 0.091, "LiNBH in LiBH4/LiNBH": 0.141,
               "LiBH4/LiNBH interface": 0.069}
    found = {}
    for m in manifest.load(path).select(kind="neb"):
        result = neb.barriers(read(m))
        found[m.sample] = result.forward_images
        assert result.forward_images == pytest.approx(article[m.sample], abs=1e-6)
        assert 0 < result.interpolation_uncertainty < 0.002
    assert found.keys() == article.keys()
    assert round(found["LiBH4"] / found["LiBH4/LiNBH interface"], 1) == 1.7
