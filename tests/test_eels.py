"""EELS: the EMSA/MAS reader reads 'x, y' and y-only layouts (fixtures in tests/data/eels, written by
make_fixtures.py there); bad input names the file and line/keyword; the power-law background, the
calibration and the pi*-peak position are recovered from Poisson-noisy synthetic edges."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from scipy.special import erf, voigt_profile

from paper_lib import spectra
from paper_lib.errors import InputError
from paper_lib.readers import read_file, sniff
from paper_lib.readers.eels import read_msa
from paper_lib.schema import make_dataset, variable

DATA = Path(__file__).parent / "data" / "eels"
_spec = importlib.util.spec_from_file_location("eels_fixtures", DATA / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)  # a unique name: other tests have a make_fixtures too
_spec.loader.exec_module(make_fixtures)

E, COUNTS = make_fixtures.spectrum()


@pytest.mark.parametrize("name", ["edge_xy.msa", "edge_y.msa"])
def test_msa_layouts(name):
    ds = read_msa(DATA / name)
    assert ds.attrs["kind"] == "eels" and ds.attrs["signal_type"] == "ELS"
    assert ds.energy_loss.attrs["units"] == "eV" and ds.intensity.attrs["units"] == "counts"
    np.testing.assert_allclose(ds.energy_loss, E, atol=1e-9)
    np.testing.assert_array_equal(ds.intensity, COUNTS)
    assert ds.attrs["beam_energy_kV"] == 200.0 and ds.attrs["collection_mrad"] == 20.0
    assert ds.attrs.get("zero_loss_position_eV") == (0.25 if name == "edge_xy.msa" else None)
    assert sniff(DATA / name) == "msa" and read_file(DATA / name).identical(ds)


def edit(tmp_path, change=None, drop=None, name="bad.msa", source="edge_y.msa"):
    lines = (DATA / source).read_text().splitlines()
    if drop:
        lines = [line for line in lines if not line.startswith(drop)]
    text = "\n".join(lines) + "\n"
    for old, new in (change or {}).items():
        text = text.replace(old, new)
    (tmp_path / name).write_text(text)
    return tmp_path / name


@pytest.mark.parametrize("kwargs, pattern", [
    ({"drop": "#XPERCHAN"}, r"bad\.msa, field 'XPERCHAN': missing required keyword"),
    ({"change": {"#NPOINTS     : 41": "#NPOINTS     : 45"}}, r"bad\.msa, line 7, field 'NPOINTS'.*45 but 41"),
    ({"change": {"#OFFSET      : 185.0": "#OFFSET      : one"}}, r"bad\.msa, line 13, field 'OFFSET': expected a number"),
    ({"drop": "#ENDOFDATA"}, r"bad\.msa, line \d+, field 'ENDOFDATA'.*truncated"),
    ({"drop": "#FORMAT"}, r"bad\.msa, line 1, field 'FORMAT'"),
    ({"change": {"#XUNITS      : eV": "#XUNITS      : keV"}}, r"bad\.msa, line 9, field 'XUNITS'"),
])
def test_bad_headers(tmp_path, kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        read_msa(edit(tmp_path, **kwargs))


def test_bad_data_and_empty(tmp_path):
    lines = (DATA / "edge_xy.msa").read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("#SPECTRUM")) + 3
    lines[k] = lines[k].replace(",", ", abc,")
    (tmp_path / "text.msa").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=rf"text\.msa, line {k + 1}: expected a number, got 'abc'"):
        read_msa(tmp_path / "text.msa")
    (tmp_path / "empty.msa").write_text("")
    with pytest.raises(InputError, match=r"empty\.msa: empty file"):
        read_msa(tmp_path / "empty.msa")


# ---------------------------------------------------------------------------------------- analysis
def synthetic(seed, e_pi=188.6, zlp=0.3, scale=1.0):
    """Poisson counts of a two-power-law background + Voigt pi* + erf-step continuum + sigma*."""
    stored = 150.0 + zlp + 0.1 * np.arange(801)
    e = stored - zlp
    bg = scale * (3.6e6 * (e / 185) ** -3.1 + 1.4e6 * (e / 185) ** -4.8)
    peak = scale * 1.6e6 * voigt_profile(e - e_pi, 0.34, 0.125) / voigt_profile(0, 0.34, 0.125)
    step = scale * 0.9e6 * 0.5 * (1 + erf((e - e_pi - 3.4) / 1.0)) * (e / (e_pi + 3.4)) ** -2.2
    sig = scale * 1.4e6 * np.exp(-4 * np.log(2) * (e - e_pi - 6.6) ** 2 / 16)
    counts = np.random.default_rng(seed).poisson(bg + peak + step + sig).astype(float)
    return make_dataset({"intensity": variable("energy_loss", counts, "counts", "intensity")},
                        {"energy_loss": variable("energy_loss", stored, "eV", "energy loss")},
                        {"kind": "eels", "zero_loss_position_eV": zlp})


def test_powerlaw_background_recovered():
    e = np.linspace(160, 186, 261)
    counts = np.random.default_rng(0).poisson(2e6 * (e / 185) ** -3.4).astype(float)
    ds = make_dataset({"intensity": variable("energy_loss", counts, "counts", "intensity")},
                      {"energy_loss": variable("energy_loss", e, "eV", "energy loss")}, {"kind": "eels"})
    law = spectra.powerlaw_background(ds, (160, 186))
    assert law.exponent.value == pytest.approx(3.4, abs=4 * law.exponent.stderr)
    np.testing.assert_allclose(law(np.array([185.0])), 2e6, rtol=2e-3)


def test_calibration_and_pistar_position():
    values = []
    for seed, e_pi in enumerate((188.6, 187.9, 188.6, 187.9)):
        ds = synthetic(seed, e_pi=e_pi, zlp=0.42 if seed % 2 else -0.27)
        cal = spectra.calibrate_energy(ds)
        assert cal.attrs["energy_calibration_eV"] == ds.attrs["zero_loss_position_eV"]
        np.testing.assert_allclose(cal.energy_loss, ds.energy_loss - ds.attrs["zero_loss_position_eV"])
        edge, law = spectra.edge_signal(cal, (165.0, 184.0))
        assert set(edge.data_vars) == {"intensity", "background", "edge"}
        p = spectra.refined_position(edge.edge, e_pi - 0.3, 0.7)
        assert p.units == "eV" and 0 < p.stderr < 0.003
        assert p.value == pytest.approx(e_pi, abs=max(4 * p.stderr, 0.003))
        values.append(p)
    shift = spectra.shift(values[0], values[1])
    assert shift.value == pytest.approx(-0.7, abs=0.005)


def test_without_calibration_the_offset_remains():
    ds = synthetic(7, zlp=0.42)
    edge, _ = spectra.edge_signal(ds, (165.0, 184.0))
    p = spectra.refined_position(edge.edge, 188.9, 0.7)
    assert p.value == pytest.approx(188.6 + 0.42, abs=0.005)
    shifted = spectra.calibrate_energy(ds, offset_eV=0.5)
    assert shifted.attrs["energy_calibration_eV"] == 0.5


def test_reference_dataset_pistar():
    from paper_lib import manifest, paths, readers

    data = manifest.load(paths.MANIFESTS / "eels.yaml")
    for sample, value in (("LiBH4", 188.6), ("LiBH4-70LiNBH", 187.9)):
        cal = spectra.calibrate_energy(readers.read(data.one(kind="eels", sample=sample)))
        edge, _ = spectra.edge_signal(cal, (165.0, 184.0))
        assert spectra.refined_position(edge.edge, value, 0.7).value == pytest.approx(value, abs=0.002)
