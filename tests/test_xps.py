"""XPS: readers (VAMAS, CSV, a real Prodigy export), Shirley backgrounds, component fits, charge
referencing, atomic fractions and fading depths, recovered from spectra made with known values."""

import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from lmfit.lineshapes import pvoigt

from paper_lib import paths, xps
from paper_lib.peaks import Estimate
from paper_lib.errors import InputError
from paper_lib.readers.xps import read_csv, read_vamas

REAL = Path(__file__).parent / "data" / "real" / "xps"
sys.path.insert(0, str(paths.ROOT / "data"))


def spectrum(lines, low=390.0, high=404.0, k=0.15, level=300.0, seconds=1.0, seed=1, region="N 1s"):
    """Counts/s of pseudo-Voigt ``lines`` ``[(area, centre, fwhm)]`` on a Shirley step (``k`` of the area
    per eV accumulated from the low-BE side) and a level, with Poisson noise over ``seconds``."""
    be = np.round(np.arange(low, high + 1e-9, 0.1), 2)
    peaks = sum(a * pvoigt(be, 1.0, c, w / 2, 0.3) for a, c, w in lines)
    step = k * np.concatenate([[0.0], np.cumsum(0.5 * (peaks[1:] + peaks[:-1]) * np.diff(be))])
    counts = np.random.default_rng(seed).poisson((peaks + step + level) * seconds)
    return xr.DataArray(counts / seconds, dims=("binding_energy",), coords={"binding_energy": be},
                        attrs={"region": region, "counting_time_s": seconds})


def test_shirley_background_of_a_known_step():
    be = np.linspace(390, 404, 281)
    peak = 5000 * pvoigt(be, 1.0, 397.0, 0.7, 0.3)
    step = 0.2 * np.concatenate([[0.0], np.cumsum(0.5 * (peak[1:] + peak[:-1]) * np.diff(be))])
    background = xps.shirley(be, peak + step + 100.0, ends=1)
    inner = (be > 391) & (be < 403)  # the Lorentzian tails make the two ends a little above the background
    assert np.max(np.abs(background - step - 100)[inner]) < 0.05 * step.max()


def test_two_components_are_recovered_with_their_areas():
    truth = [(40000.0, 395.5, 1.4), (12000.0, 398.3, 1.7)]
    fit = xps.fit_region(spectrum(truth), [xps.Component("Li3N", 395.4), xps.Component("N-B", 398.4)], 390, 404)
    for (area, centre, fwhm), name in zip(truth, ("Li3N", "N-B")):
        found = fit.components[name]
        assert abs(found["area"].value - area) < 4 * found["area"].stderr + 0.01 * area
        assert found["center"].value == pytest.approx(centre, abs=0.02)
        assert found["fwhm"].value == pytest.approx(fwhm, abs=0.05)
        assert 0 < found["area"].stderr < 0.02 * area
    assert 0.8 < fit.residual_rms < 1.2  # Poisson noise only: the model is complete


def test_an_absent_component_has_an_area_within_its_noise():
    fit = xps.fit_region(spectrum([(40000.0, 395.5, 1.4)]), [xps.Component("Li3N", 395.5), xps.Component("N-B", 398.3)],
                         390, 404)
    absent = fit.components["N-B"]["area"]
    assert not xps.detected(absent) and xps.detected(fit.components["Li3N"]["area"])
    assert 0 < absent.stderr < 1000


def test_charge_shift_puts_c_c_at_284_8():
    c1s = spectrum([(30000.0, 284.8 + 2.4, 1.3), (3000.0, 289.9 + 2.4, 1.5)], 280.0, 297.0, region="C 1s")
    shift = xps.charge_shift(c1s)
    assert shift.value == pytest.approx(-2.4, abs=0.02) and shift.units == "eV"
    n1s = spectrum([(40000.0, 398.3 + 2.4, 1.7)], 390.0, 406.0)
    fit = xps.fit_region(n1s, [xps.Component("N-B", 398.3)], 392, 404, shift=shift.value)
    assert fit.components["N-B"]["center"].value == pytest.approx(398.3, abs=0.03)


def test_atomic_fractions_from_areas_and_sensitivities():
    est = Estimate
    areas = {"N 1s": est(1.80 * 30, 1.0), "B 1s": est(0.486 * 20, 0.5), "Li 1s": est(0.0568 * 50, 0.1)}
    fractions = xps.atomic_fractions(areas)
    assert [round(fractions[r].value, 6) for r in areas] == [30.0, 20.0, 50.0]
    assert all(0 < f.stderr < 5 for f in fractions.values())
    with pytest.raises(ValueError, match="no sensitivity factor for \\['Zr 3d'\\]"):
        xps.atomic_fractions({"Zr 3d": est(1.0, 0.1)})


def test_fading_depth_of_a_known_profile():
    est = Estimate
    z = np.arange(0, 541, 30.0)
    share = 1 / (1 + np.exp((z - 340) / 25))
    areas = [est(1000 * s, 5.0) for s in share]
    depth = xps.fading_depth(z, areas, 0.1, depth_rel_stderr=0.1)
    expected = 340 + 25 * np.log(9)  # where the share is 10 % (the linear interpolation is within 3 nm)
    assert depth.value == pytest.approx(expected, abs=3) and depth.units == "nm"
    assert depth.stderr == pytest.approx(0.1 * depth.value, rel=0.05)  # the etch rate's 10 % dominates
    assert xps.fading_depth(z, [est(1000.0, 5.0)] * z.size, 0.1) is None


def test_vamas_and_csv_writers_round_trip(tmp_path):
    from generator.xps_writers import write_vamas, write_xps_csv

    counts = np.arange(100, 261)
    block = {"block": "N1s Scan/0", "sample": "s", "region": "N 1s", "species": "N", "transition": "1s", "level": 0,
             "etch_time_s": 120.0, "ion_energy_eV": 500.0, "source_eV": 1486.6, "work_function_eV": 4.5,
             "pass_energy_eV": 20.0, "ke_start": 1486.6 - 404.0, "step_eV": 0.1, "dwell_s": 0.05, "scans": 20,
             "counts": counts}
    write_vamas(tmp_path / "a.vms", "s", [block])
    write_xps_csv(tmp_path / "a.csv", "s", [block])
    for spectra in (read_vamas(tmp_path / "a.vms"), read_csv(tmp_path / "a.csv")):
        (s,) = spectra
        assert s.attrs["region"] == "N 1s" and s.attrs["etch_time_s"] == 120.0 and s.attrs["units"] == "counts/s"
        assert s.binding_energy.values[[0, -1]] == pytest.approx([404.0, 388.0], abs=1e-6)
        assert s.values == pytest.approx(counts / 1.0, abs=1e-3)


def test_a_real_prodigy_vamas_survey():
    """pynxtools-xps's test file (tests/data/real/xps/README.md): O 1s, Fe 2p3/2 and C 1s of a charged
    oxide where BE = source energy - kinetic energy puts them."""
    (s,) = read_vamas(REAL / "prodigy_survey.vms")
    assert s.sizes["binding_energy"] == 1351 and s.attrs["source_eV"] == 1486.61
    assert s.attrs["counting_time_s"] == pytest.approx(0.1) and s.attrs["region"] == "Survey"
    for low, high, expected in ((520, 540, 531.0), (700, 730, 712.0), (280, 292, 286.0)):
        part = s.sel(binding_energy=slice(high, low))
        assert float(part.binding_energy[int(np.argmax(part.values))]) == pytest.approx(expected, abs=0.2)


def test_bad_files_are_named(tmp_path):
    text = (REAL / "prodigy_survey.vms").read_text().splitlines()
    (tmp_path / "cut.vms").write_text("\n".join(text[:120]) + "\n")
    with pytest.raises(InputError, match="cut.vms: truncated or malformed VAMAS"):
        read_vamas(tmp_path / "cut.vms")
    (tmp_path / "other.vms").write_text("not a vamas file\n")
    with pytest.raises(InputError, match="other.vms: expected a VAMAS file"):
        read_vamas(tmp_path / "other.vms")
    (tmp_path / "bad.csv").write_text("# Region: N 1s\nBinding Energy (eV),Counts/s\n404.0,12\n403.9,x\n")
    with pytest.raises(InputError, match="bad.csv, line 4: expected 'binding energy, counts/s'"):
        read_csv(tmp_path / "bad.csv")


def test_the_reference_depth_profile_places_the_interphase_at_about_400_nm():
    from paper_lib import manifest, readers

    item = manifest.load(paths.ROOT / "data" / "manifests" / "xps.yaml").by_id("xps-composite")
    spectra = [s for s in readers.read(item) if s.attrs["region"] == "N 1s"]
    areas = [xps.fit_region(s, [xps.Component("Li3N", 395.5), xps.Component("N-B", 398.3)], 390, 404)
             .components["Li3N"]["area"] for s in spectra]
    depth = [s.attrs["etch_time_s"] * item.conditions["etch_rate_nm_s"] for s in spectra]
    found = xps.fading_depth(depth, areas, 0.1, item.conditions["etch_rate_stderr_nm_s"] / item.conditions["etch_rate_nm_s"])
    assert found.value == pytest.approx(395, abs=8)
