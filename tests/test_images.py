"""Pore segmentation and FFT lattice spacings recover known values (paper_lib.images)."""

import math

import numpy as np
import pytest
from scipy import ndimage as ndi

from paper_lib import images
from paper_lib.schema import make_dataset, variable


def _image(data, pixel_nm):
    ny, nx = data.shape
    return make_dataset({"intensity": variable(("y", "x"), data, "a.u.", "grey")},
                        {"y": variable("y", (np.arange(ny) + 0.5) * pixel_nm, "nm", "y"),
                         "x": variable("x", (np.arange(nx) + 0.5) * pixel_nm, "nm", "x")},
                        {"kind": "image", "pixel_size_nm": pixel_nm})


def test_segmentation_recovers_pore_sizes_and_splits_touching_pores():
    rng = np.random.default_rng(5)
    px = 5.0
    ny, nx = 400, 600
    yy, xx = np.mgrid[0:ny, 0:nx]
    # a grid of discs of known diameters, plus one touching pair
    diam_nm = [120, 160, 200, 260, 320, 400, 480, 560]
    centres = [(80 + 160 * (i // 4), 80 + 140 * (i % 4)) for i in range(len(diam_nm))]
    pores = np.zeros((ny, nx))
    for (cy, cx), d in zip(centres, diam_nm):
        pores = np.maximum(pores, np.hypot(yy - cy, xx - cx) <= d / 2 / px)
    pair = [(340, 120, 200), (340, 120 + 0.92 * 40, 200)]  # two 0.2 um pores, overlapping 8 %
    for cy, cx, d in pair:
        pores = np.maximum(pores, np.hypot(yy - cy, xx - cx) <= d / 2 / px)
    img = 0.6 * (1 - pores) + 0.15 * pores
    img = ndi.gaussian_filter(img, 1.2) * (1 + 0.3 * xx / nx) + rng.normal(0, 0.04, img.shape)
    result = images.segment_pores(_image(img, px))
    found = np.sort(result.diameters_um)
    expected = np.sort(np.array(diam_nm + [200, 200]) / 1000)
    assert found.size == expected.size  # the touching pair is split into two
    np.testing.assert_allclose(found, expected, atol=0.012)
    stats = images.pore_statistics(result)
    assert stats.mean.value == pytest.approx(expected.mean(), abs=0.01)
    assert stats.range_um == (0.1, 0.6)
    assert stats.mean.stderr == pytest.approx(found.std(ddof=1) / math.sqrt(found.size))


def test_pore_statistics_histogram_range():
    stats = images.pore_statistics(np.array([0.12, 0.2, 0.21, 0.33, 0.58]), bin_um=0.05)
    assert stats.range_um == pytest.approx((0.1, 0.6))
    assert stats.counts.sum() == 5 and stats.n == 5


def test_fft_recovers_fringe_spacings():
    rng = np.random.default_rng(6)
    n, px = 512, 0.025
    yy, xx = np.mgrid[0:n, 0:n] * px
    img = rng.normal(0, 1.0, (n, n))
    truth = [(0.508, 30.0), (0.375, 120.0)]
    for d, angle in truth:
        a = math.radians(angle)
        img += 0.6 * np.cos(2 * math.pi / d * (xx * math.cos(a) - yy * math.sin(a)))
    result = images.fft_spots(_image(img, px), d_range_nm=(0.3, 2.0))
    assert len(result.spots) == 2
    for spot, (d, angle) in zip(result.spots, truth):
        assert spot.d.value == pytest.approx(d, abs=0.002)
        assert spot.angle_deg == pytest.approx(angle, abs=1.0)
        assert 0 < spot.d.stderr < 0.002
    hits = images.index_spots(result.spots)
    assert hits[0][0][0] == (1, 0, 1) and hits[1][0][0] == (0, 1, 1)


def test_d_hkl_of_pnma_libh4():
    lattice = images.LIBH4_PNMA_A
    assert images.d_hkl(lattice, (1, 0, 1)) == pytest.approx(0.4938, abs=1e-4)
    assert images.d_hkl(lattice, (0, 1, 1)) == pytest.approx(0.3716, abs=1e-4)
    gemmi_value = images.d_hkl((*lattice, 90, 90, 90), (1, 0, 1))
    assert gemmi_value == pytest.approx(images.d_hkl(lattice, (1, 0, 1)), rel=1e-9)
    assert not images.pnma_allowed((1, 1, 0)) and images.pnma_allowed((0, 1, 1))
    assert 0 < images.d_hkl_stderr(lattice, (1, 0, 1), (1e-4, 1e-4, 1e-4)) < 1e-5


def test_range_claim_status():
    """figS1's range claim: each end of [min, max] compared with the ledger's paper_range."""
    from paper_lib.claims import status

    entry = {"id": "r", "paper_range": [0.1, 0.6], "tolerance": {"rel": 0.05}, "unit": "um"}
    assert status(entry, [0.1, 0.6]) == ("reproduced", None)
    state, reason = status(entry, [0.1, 0.7])
    assert state == "deviates" and "upper end" in reason
    with pytest.raises(ValueError, match="range"):
        status(entry, 0.3)
