"""NMR spectra processed from the FID: Bruker experiments without 1r, and Varian/Agilent fid folders.

Synthetic FIDs of known lines check that the processing recovers position, width and phase; a real
TopSpin experiment that holds both its FID and TopSpin's 1r checks the conventions against TopSpin.
"""

import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import find_peaks

from paper_lib import nmr_fid
from paper_lib.errors import InputError
from paper_lib.readers.nmr import SNIFF, read_bruker, read_bruker_fid, read_varian

HERE = Path(__file__).parent
REAL = HERE / "data" / "real" / "nmr"
TOPSPIN, VARIAN = REAL / "topspin_1d" / "1", REAL / "varian_1H.fid"
BF1_REAL = 500.07  # MHz, BF1 of the real TopSpin experiment
ROOT = HERE.parent

# the synthetic experiment: 400 MHz 1H, carrier at 4.7 ppm, two Lorentzian lines
BF1, SW, TD, O1_PPM = 400.13, 8000.0, 32768, 4.7
LINES = ((7.26, 3.0, 1.0), (1.20, 3.0, 0.6))  # ppm, FWHM (Hz), amplitude
GRPDLY, PHC0 = 67.985, 35.0


def synthetic_fid(grpdly=GRPDLY, phc0=PHC0):
    """Complex FID (TD/2 points) as a Bruker digital filter stores it: lines exp(+2πiνt - t/T2) delayed by
    ``grpdly`` points (band-limited, so the filter's pre-ringing wraps to the start), times exp(+i·phc0)."""
    n = TD // 2
    t = np.arange(n) / SW
    fid = sum(a * np.exp(2j * np.pi * (ppm - O1_PPM) * BF1 * t - np.pi * fwhm * t) for ppm, fwhm, a in LINES)
    k = np.fft.fftfreq(n) * n  # signed frequency index
    delayed = np.fft.ifft(np.fft.fft(fid) * np.exp(-2j * np.pi * k * grpdly / n))
    return delayed * np.exp(1j * np.radians(phc0))


def write_bruker(folder, fid, procs=None, **acqus):
    """A Bruker experiment written with nmrglue's JCAMP writer: acqus (+ pdata/1/procs) and an int32 fid."""
    import nmrglue as ng

    folder.mkdir(parents=True)
    sfo1 = BF1 + O1_PPM * BF1 * 1e-6
    pars = {"_coreheader": ["##TITLE= Parameter file, TOPSPIN\t\tVersion 3.2"], "_comments": [], "NUC1": "1H",
            "SFO1": sfo1, "BF1": BF1, "O1": O1_PPM * BF1, "SW_h": SW, "TD": TD, "DTYPA": 0, "BYTORDA": 0,
            "AQ_mod": 3, "DIGMOD": 1, "DECIM": 16, "DSPFVS": 20, "GRPDLY": GRPDLY, "PULPROG": "zg30", **acqus}
    ng.bruker.write_jcamp(pars, str(folder / "acqus"))
    scale = 2.0**26 / np.abs(fid).max()
    raw = np.empty(2 * fid.size, "<i4")
    raw[0::2], raw[1::2] = np.round(fid.real * scale), np.round(fid.imag * scale)
    raw.tofile(folder / "fid")
    if procs is not None:
        (folder / "pdata" / "1").mkdir(parents=True)
        base = {"_coreheader": ["##TITLE= Parameter file, TOPSPIN\t\tVersion 3.2"], "_comments": [], "SF": BF1,
                "SW_p": SW, "OFFSET": (O1_PPM * BF1 + SW / 2) / BF1, "SI": 65536, "WDW": 1, "LB": 0.0, "GB": 0.0,
                "SSB": 0.0, "PHC0": PHC0, "PHC1": 0.0, "NC_proc": 0, "PPARMOD": 0}
        ng.bruker.write_jcamp({**base, **procs}, str(folder / "pdata" / "1" / "procs"))
    return folder


def fwhm_hz(ds, ppm):
    """Full width at half height (Hz) of the line nearest ``ppm``, by linear interpolation."""
    x, y = ds.chemical_shift.values, ds.intensity.values
    i = int(np.argmin(abs(x - ppm)))
    i = i - 50 + int(np.argmax(y[i - 50:i + 50]))
    half = y[i] / 2
    left = i - int(np.argmax(y[i::-1] < half))
    right = i + int(np.argmax(y[i:] < half))
    xl = np.interp(half, [y[left], y[left + 1]], [x[left], x[left + 1]])
    xr = np.interp(half, [y[right], y[right - 1]], [x[right], x[right - 1]])
    return (xl - xr) * ds.attrs["reference_frequency_MHz"], i


def absorption_asymmetry(ds, ppm, fwhm):
    """|y(ν0 + Γ/2) - y(ν0 - Γ/2)| / y(ν0) for a line of FWHM Γ (Hz) at ``ppm``: tan of its phase error."""
    x, y = ds.chemical_shift.values[::-1], ds.intensity.values[::-1]
    half = fwhm / 2 / ds.attrs["reference_frequency_MHz"]
    high, low, top = np.interp([ppm + half, ppm - half, ppm], x, y)
    return abs(high - low) / top


def tallest(ds, n):
    """ppm of the ``n`` tallest peaks (prominence > 2 % of the maximum), tallest first."""
    y = ds.intensity.values
    peaks, _ = find_peaks(y, prominence=0.02 * y.max())
    return ds.chemical_shift.values[peaks[np.argsort(y[peaks])[::-1][:n]]]


# --- synthetic FIDs ---------------------------------------------------------------------------------------

def test_two_lorentzians_with_stored_phase(tmp_path):
    ds = read_bruker(write_bruker(tmp_path / "10", synthetic_fid(), procs={}))
    step = SW / BF1 / 65536
    assert ds.sizes["chemical_shift"] == 65536 and ds.chemical_shift[0] > ds.chemical_shift[-1]
    assert ds.attrs["phase_source"] == "procs PHC0/PHC1" and ds.attrs["processing"].startswith("from fid: ")
    np.testing.assert_allclose(sorted(tallest(ds, 2)), sorted(p for p, _, _ in LINES), atol=step)
    for ppm, fwhm, _ in LINES:
        assert fwhm_hz(ds, ppm)[0] == pytest.approx(fwhm, rel=0.01)
        assert absorption_asymmetry(ds, ppm, fwhm) < 0.005  # within 0.3 deg: PHC0 and all of GRPDLY undone
    assert ds.intensity.min() > -0.01 * ds.intensity.max()
    assert ds.attrs["group_delay_points"] == GRPDLY and ds.attrs["nucleus"] == "1H"


def test_exponential_window_broadens_by_lb(tmp_path):
    ds = read_bruker(write_bruker(tmp_path / "10", synthetic_fid(), procs={"LB": 2.0}))
    for ppm, fwhm, _ in LINES:
        assert fwhm_hz(ds, ppm)[0] == pytest.approx(fwhm + 2.0, rel=0.02)


def test_without_procs_defaults_and_automatic_phase(tmp_path):
    ds = read_bruker(write_bruker(tmp_path / "10", synthetic_fid()))
    assert ds.sizes["chemical_shift"] == TD // 2  # next power of two >= TD/2
    assert ds.attrs["phase_source"] == "automatic (acme)"
    for ppm, fwhm, _ in LINES:  # the phase at each line (two lines barely fix PHC0 and PHC1 apart)
        at = 0.5 - (ppm - O1_PPM) * BF1 / SW
        found = ds.attrs["phc0_deg"] + ds.attrs["phc1_deg"] * at
        assert (found - PHC0 + 180) % 360 - 180 == pytest.approx(0, abs=2)
        assert absorption_asymmetry(ds, ppm, fwhm) < 0.035
    assert ds.chemical_shift[0] == pytest.approx((O1_PPM * BF1 + SW / 2) / BF1)  # axis from acqus, SR = 0
    np.testing.assert_allclose(sorted(tallest(ds, 2)), sorted(p for p, _, _ in LINES), atol=SW / BF1 / (TD // 2))
    assert "no procs" in ds.attrs["processing"]


def test_filter_delay_from_the_decim_dspfvs_table(tmp_path):
    """GRPDLY unset (-1): DSPFVS 12 / DECIM 16 gives 71.625 points in Bruker's table."""
    exp = write_bruker(tmp_path / "10", synthetic_fid(grpdly=71.625), procs={}, GRPDLY=-1, DSPFVS=12, DECIM=16)
    ds = read_bruker_fid(exp)
    assert ds.attrs["group_delay_points"] == 71.625
    assert absorption_asymmetry(ds, LINES[0][0], LINES[0][1]) < 0.02


def test_a_wrong_group_delay_is_caught(tmp_path):
    """Half a point of delay left in the FID dephases the lines: the absorption check sees it."""
    ds = read_bruker(write_bruker(tmp_path / "10", synthetic_fid(grpdly=GRPDLY + 0.5), procs={}))
    assert max(absorption_asymmetry(ds, ppm, fwhm) for ppm, fwhm, _ in LINES) > 0.05


def test_processing_functions_follow_topspin_order():
    """A line exp(+2πiνt) lands ν Hz above the carrier; the carrier sits at point size/2."""
    nu, size = 1000.0, 1024
    t = np.arange(512) / SW
    spectrum = nmr_fid.fourier(np.exp(2j * np.pi * nu * t), size)
    assert int(np.argmax(abs(spectrum))) == size // 2 - round(nu / SW * size)
    assert int(np.argmax(abs(nmr_fid.fourier(np.ones(512), size)))) == size // 2
    assert nmr_fid.next_power_of_two(12487) == 16384 and nmr_fid.next_power_of_two(8192) == 8192


# --- a real TopSpin experiment: FID against TopSpin's own 1r ------------------------------------------

def test_real_fid_agrees_with_topspin():
    topspin, ours = read_bruker(TOPSPIN), read_bruker_fid(TOPSPIN)
    assert "processing" not in topspin.attrs  # both present: read_bruker keeps TopSpin's spectrum
    step = float(topspin.chemical_shift[0] - topspin.chemical_shift[1])
    assert ours.sizes == topspin.sizes == {"chemical_shift": 16384}
    assert abs(float(ours.chemical_shift[0] - topspin.chemical_shift[0])) < step
    assert abs(float(ours.chemical_shift[-1] - topspin.chemical_shift[-1])) < step
    assert float(topspin.chemical_shift[0]) == pytest.approx(253.0909)
    peaks = tallest(topspin, 4)
    np.testing.assert_allclose(peaks, [0.8077, 1.5095, 2.9741, 5.6898], atol=1e-3)  # values of this file
    np.testing.assert_allclose(tallest(ours, 4), peaks, atol=step)
    assert np.corrcoef(ours.intensity, topspin.intensity)[0, 1] > 0.999  # measured 0.99939
    assert ours.attrs["phc0_deg"] == pytest.approx(52.43836) and ours.attrs["group_delay_points"] == 76
    assert set(topspin.attrs) <= set(ours.attrs)
    for key in ("nucleus", "observe_frequency_MHz", "reference_frequency_MHz", "offset_ppm", "mas_rate_Hz"):
        assert ours.attrs[key] == topspin.attrs[key]
    assert ours.chemical_shift.attrs == topspin.chemical_shift.attrs and ours.intensity.attrs == topspin.intensity.attrs


def test_real_fid_without_processed_data(tmp_path):
    """Only fid + acqus: the user's case. The axis lacks TopSpin's SR; the phases are found automatically."""
    exp = tmp_path / "1"
    exp.mkdir()
    for name in ("acqus", "fid"):
        shutil.copy(TOPSPIN / name, exp / name)
    topspin, ds = read_bruker(TOPSPIN), read_bruker(exp)
    assert ds.attrs["processing"].startswith("from fid: ") and ds.attrs["phase_source"] == "automatic (acme)"
    sr_ppm = topspin.attrs["spectral_reference_Hz"] / BF1_REAL
    assert float(ds.chemical_shift[0]) == pytest.approx((3117.4 + 125000) / BF1_REAL)  # (O1 + SW_h/2) / BF1
    shifted = np.interp(-topspin.chemical_shift.values, -(ds.chemical_shift.values - sr_ppm), ds.intensity.values)
    assert np.corrcoef(shifted, topspin.intensity)[0, 1] > 0.98  # measured 0.9898



# --- a real Varian/Agilent folder ---------------------------------------------------------------------

def test_real_varian_folder():
    ds = read_varian(VARIAN)
    step = 6009.61538462 / 599.7931758 / 16384
    assert ds.sizes["chemical_shift"] == 16384  # fn inactive: np/2 = 16384 complex points
    assert float(ds.chemical_shift[0]) == pytest.approx(9.03245, abs=1e-5)
    assert float(ds.chemical_shift[-1]) == pytest.approx(-0.98641, abs=1e-5)
    assert ds.attrs["nucleus"] == "1H" and ds.attrs["observe_frequency_MHz"] == 599.7931758
    assert ds.attrs["phase_source"] == "procpar rp/lp" and ds.attrs["phc0_deg"] == pytest.approx(-61.2830518187)
    assert ds.attrs["temperature_K"] == pytest.approx(298.15) and ds.attrs["pulse_program"] == "s2pul"
    np.testing.assert_allclose(tallest(ds, 3), [1.2910, 1.0610, 0.9632], atol=step)  # values of this file
    near_zero = (ds.chemical_shift > -0.05) & (ds.chemical_shift < 0.05)
    tms = float(ds.chemical_shift[near_zero][int(np.argmax(ds.intensity[near_zero].values))])
    assert abs(tms) <= 1.001 * step  # TMS in CDCl3 where rfl/rfp put 0 ppm (a mirrored FID would put it at 8.05 ppm)
    assert ds.intensity.min() > -0.01 * ds.intensity.max()  # rp phases it
    assert read_varian(VARIAN / "fid").identical(ds)


# --- sniffing ------------------------------------------------------------------------------------------

def _head(path):
    if path.is_dir():
        return b""
    with open(path, "rb") as handle:
        return handle.read(65536)


def _in_bruker_tree(path):
    return any((p / "acqus").is_file() for p in (path, *path.parents) if p != p.parent)


def test_sniff_says_yes_to_its_own_folders_and_files():
    for target in (TOPSPIN, TOPSPIN / "acqus", TOPSPIN / "fid", TOPSPIN / "pdata" / "1",
                   TOPSPIN / "pdata" / "1" / "procs", TOPSPIN / "pdata" / "1" / "1r", HERE / "data" / "nmr" / "bruker_7Li"):
        assert SNIFF["bruker"](target, _head(target)) and not SNIFF["varian"](target, _head(target)), target
    for target in (VARIAN, VARIAN / "fid", VARIAN / "procpar"):
        assert SNIFF["varian"](target, _head(target)) and not SNIFF["bruker"](target, _head(target)), target


def test_sniff_says_no_to_the_other_formats():
    roots = [HERE / "data", ROOT / "data" / "reference"]
    checked = 0
    for root in roots:
        for path in [root, *sorted(root.rglob("*"))]:
            if REAL in (path, *path.parents):
                continue
            if not _in_bruker_tree(path):
                assert not SNIFF["bruker"](path, _head(path)), path
            elif path.is_dir() and (path / "acqus").is_file():
                assert SNIFF["bruker"](path, b""), path
            assert not SNIFF["varian"](path, _head(path)), path
            checked += 1
    assert checked > 100


def test_sniff_never_raises(tmp_path):
    assert not SNIFF["bruker"](tmp_path / "missing", b"") and not SNIFF["varian"](tmp_path / "missing", b"")
    (tmp_path / "fid").write_bytes(b"\x00" * 10)
    assert not SNIFF["bruker"](tmp_path / "fid", b"\x00" * 10) and not SNIFF["varian"](tmp_path / "fid", b"")


# --- bad input -----------------------------------------------------------------------------------------

def _copy(tmp_path, source):
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def _edit(path, old, new):
    text = path.read_text(errors="surrogateescape")
    assert old in text
    path.write_text(text.replace(old, new), errors="surrogateescape")


def test_missing_acqus_is_named(tmp_path):
    exp = _copy(tmp_path, TOPSPIN)
    (exp / "acqus").unlink()
    with pytest.raises(InputError, match=r"^acqus: "):
        read_bruker_fid(exp)


def test_td_larger_than_the_fid_is_named(tmp_path):
    exp = _copy(tmp_path, TOPSPIN)
    _edit(exp / "acqus", "##$TD= 24974", "##$TD= 2000000")
    with pytest.raises(InputError, match=r"^fid, field 'TD': expected at least 8000000 bytes"):
        read_bruker_fid(exp)


def test_truncated_fid_is_named(tmp_path):
    exp = _copy(tmp_path, TOPSPIN)
    (exp / "pdata" / "1" / "1r").unlink()
    (exp / "fid").write_bytes((exp / "fid").read_bytes()[:50000])
    with pytest.raises(InputError, match=r"^fid, field 'TD': .*truncated"):
        read_bruker(exp)


@pytest.mark.parametrize("edit, field", [(("##$DTYPA= 0", "##$DTYPA= 5"), "DTYPA"),
                                         (("##$AQ_mod= 1", "##$AQ_mod= 0"), "AQ_mod"),
                                         (("##$GRPDLY= 76", "##$GRPDLY= -1\n##$DSPFVS= 12\n##$DECIM= 5"), "DECIM")])
def test_unknown_acquisition_parameters_are_named(tmp_path, edit, field):
    exp = _copy(tmp_path, TOPSPIN)
    acqus = exp / "acqus"
    text = acqus.read_text()
    if field == "DECIM":
        text = text.replace("##$DSPFVS= 21\n", "").replace("##$DECIM= 80\n", "")
    acqus.write_text(text.replace(*edit))
    with pytest.raises(InputError, match=rf"^acqus, field '{field}'"):
        read_bruker_fid(exp)


def test_unknown_window_is_named(tmp_path):
    exp = _copy(tmp_path, TOPSPIN)
    _edit(exp / "pdata" / "1" / "procs", "##$WDW= 1", "##$WDW= 7")
    with pytest.raises(InputError, match=r"^procs, field 'WDW'"):
        read_bruker_fid(exp)


def test_procpar_without_sfrq_is_named(tmp_path):
    folder = _copy(tmp_path, VARIAN)
    _edit(folder / "procpar", "sfrq 1 1 1000000000 0 0 2 1 11 1 64\n1 599.7931758 \n0 \n", "")
    with pytest.raises(InputError, match=r"^procpar, field 'sfrq'"):
        read_varian(folder)


def test_bad_varian_files_are_named(tmp_path):
    folder = _copy(tmp_path, VARIAN)
    (folder / "fid").write_bytes((folder / "fid").read_bytes()[:70000])
    with pytest.raises(InputError, match=r"^fid, field 'np': expected 131132 bytes"):
        read_varian(folder)
    (folder / "fid").write_bytes(b"\x00\x01")
    with pytest.raises(InputError, match=r"^fid, field 'header'"):
        read_varian(folder)
    (folder / "procpar").write_bytes(b"\xff\xfe garbage \x00\n")
    with pytest.raises(InputError, match=r"^procpar: "):
        read_varian(folder)
    (folder / "procpar").unlink()
    with pytest.raises(InputError, match=r"^procpar: missing"):
        read_varian(folder)
