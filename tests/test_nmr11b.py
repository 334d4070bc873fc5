"""11B MAS NMR: the maximum of an asymmetric (second-order quadrupolar-like) line is recovered by the
split-Gaussian fit, where a symmetric fit is biased; the reference 11B spectra give the article's
shifts."""

import numpy as np
import pytest
import xarray as xr

from paper_lib import spectra

PPM = np.linspace(180.0, -220.0, 4096)


def split_line(x, maximum, fwhm, asym, eta=0.0):
    up, down = fwhm * asym / (1 + asym), fwhm / (1 + asym)
    u = (x - maximum) / np.where(x < maximum, up, down)
    return (1 - eta) * np.exp(-np.log(2) * u ** 2) + eta / (1 + u ** 2)


def spectrum(lines, seed, noise=1e-3):
    y = sum(h * split_line(PPM, c, w, a, e) for c, w, a, e, h in lines)
    y = y + 0.004 + np.random.default_rng(seed).normal(0, noise, PPM.size)
    return xr.DataArray(y, coords={"chemical_shift": ("chemical_shift", PPM, {"units": "ppm"})},
                        dims="chemical_shift", attrs={"units": "a.u."})


@pytest.mark.parametrize("seed", range(4))
def test_asymmetric_maximum_recovered(seed):
    lines = [(23.6, 26.0, 1.3, 0.0, 0.25), (-25.3, 6.5, 1.35, 0.1, 0.12), (-43.5, 3.0, 1.0, 0.3, 0.2)]
    da = spectrum(lines, seed)
    found = spectra.line_positions(da, {"chain": (24.5, 15.0), "bh3": (-25.0, 4.0), "bh4": (-43.3, 2.5)},
                                   shape="split")
    for (center, *_), p in zip(lines, found.values()):
        assert p.units == "ppm" and 0 < p.stderr < 0.1
        assert p.value == pytest.approx(center, abs=max(4 * p.stderr, 0.05))
    symmetric = spectra.refined_position(da, 24.5, 15.0)
    assert abs(symmetric.value - 23.6) > 0.15  # biased towards the steep side: why the split line is needed


def test_shift_between_two_spectra():
    a = spectrum([(-44.3, 2.2, 1.0, 0.3, 1.0)], 10)
    b = spectrum([(-41.0, 2.8, 1.0, 0.3, 1.0)], 11)
    pa = spectra.asymmetric_position(a, -44.0, 1.5)
    pb = spectra.asymmetric_position(b, -41.5, 1.5)
    d = spectra.shift(pa, pb)
    assert d.value == pytest.approx(3.3, abs=0.02) and d.stderr == pytest.approx(np.hypot(pa.stderr, pb.stderr))


ARTICLE = {  # sample: {line: (article ppm, half-width of the fit window)}
    "LiNH2BH3": {"BH3": (-25.5, 4.0)}, "LiBH4": {"BH4": (-44.3, 1.5)},
    "LiNBH": {"N2BH": (23.6, 15.0), "NBH3": (-25.3, 4.0), "BH4": (-43.5, 2.5)},
    "LiBH4-70LiNH2BH3": {"BH3": (-25.5, 4.0), "BH4": (-44.3, 1.5)},
    "LiBH4-70LiNBH": {"N2BH": (23.2, 15.0), "BH4": (-41.0, 2.0)},
}


def test_reference_11B_spectra():
    from paper_lib import manifest, paths, readers

    data = manifest.load(paths.MANIFESTS / "nmr.yaml")
    found = {}
    for sample, lines in ARTICLE.items():
        ds = readers.read(data.one(kind="nmr", sample=sample, nucleus="11B", series="11B"))
        assert ds.attrs["nucleus"] == "11B" and ds.attrs["mas_rate_Hz"] == 14000
        found[sample] = spectra.line_positions(ds.intensity, lines, shape="split")
        for name, (value, _) in lines.items():
            assert found[sample][name].value == pytest.approx(value, abs=0.1), (sample, name)
    down = spectra.shift(found["LiBH4"]["BH4"], found["LiBH4-70LiNBH"]["BH4"])
    up = spectra.shift(found["LiBH4-70LiNBH"]["N2BH"], found["LiNBH"]["N2BH"])
    assert down.value == pytest.approx(3.3, abs=0.1) and up.value == pytest.approx(0.4, abs=0.2)

