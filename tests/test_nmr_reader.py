"""The NMR readers read Bruker TopSpin folders and JCAMP-DX spectra in their real formats."""

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import read_file, sniff
from paper_lib.readers.nmr import read_bruker, read_jcamp

FIXTURES = Path(__file__).parent / "data" / "nmr"
sys.path.insert(0, str(FIXTURES))
import make_fixtures  # noqa: E402  (the formula of the test line)

PPM, STORED = make_fixtures.line()


def test_handwritten_bruker_folder():
    """acqus/procs written by hand in TopSpin's format; 1r big-endian int32 (BYTORDP=1)."""
    ds = read_bruker(FIXTURES / "bruker_7Li")
    assert ds.sizes["chemical_shift"] == 256
    np.testing.assert_allclose(ds.chemical_shift, PPM, atol=1e-9)  # OFFSET - i*SW_p/SF/SI, descending
    np.testing.assert_array_equal(ds.intensity, STORED * 2.0 ** -3)  # NC_proc = -3 applied exactly
    assert ds.chemical_shift.attrs == {"units": "ppm", "long_name": "chemical shift"}
    assert ds.intensity.attrs["units"] == "a.u."
    a = ds.attrs
    assert (a["kind"], a["nucleus"], a["nc_proc"]) == ("nmr", "7Li", -3)
    assert a["observe_frequency_MHz"] == pytest.approx(155.5046766)
    assert a["temperature_K"] == pytest.approx(323.15) and a["mas_rate_Hz"] == 12500
    assert a["spectral_reference_Hz"] == pytest.approx(-23.4)
    assert float(ds.chemical_shift[int(np.argmax(ds.intensity.values))]) == pytest.approx(-1.0, abs=0.04)


def test_pdata_folder_1r_file_and_sniff_give_the_same():
    ref = read_bruker(FIXTURES / "bruker_7Li")
    for target in (FIXTURES / "bruker_7Li" / "pdata" / "1", FIXTURES / "bruker_7Li" / "pdata" / "1" / "1r"):
        assert read_bruker(target).identical(ref)
    assert sniff(FIXTURES / "bruker_7Li") == "bruker"
    assert read_file(FIXTURES / "bruker_7Li").identical(ref)


def test_nmrglue_written_folder_and_its_axis(tmp_path):
    """A data set written by nmrglue (little-endian); the axis agrees with nmrglue's unit converter."""
    import nmrglue as ng

    exp = tmp_path / "10"
    (exp / "pdata" / "1").mkdir(parents=True)
    sf, sw, offset, si = 400.1300118, 8003.2, 10.0, 512
    acqus = {"_coreheader": ["##TITLE= test"], "_comments": [], "NUC1": "1H", "SFO1": sf, "BF1": 400.13,
             "SW_h": sw, "O1": 0.0, "AQ_mod": 3, "TE": 298.0}
    procs = {"_coreheader": ["##TITLE= test"], "_comments": [], "SF": sf, "SW_p": sw, "OFFSET": offset,
             "SI": si, "FTSIZE": si, "XDIM": si, "NC_proc": 2, "BYTORDP": 0, "DTYPP": 0, "PPARMOD": 0,
             "AXNUC": "1H"}
    ng.bruker.write_jcamp(acqus, str(exp / "acqus"))
    ng.bruker.write_jcamp(procs, str(exp / "pdata" / "1" / "procs"))
    values = (np.arange(si) - 200.0) ** 2 * 4.0  # multiples of 2**NC_proc: exact after scaling
    ng.bruker.write_pdata(str(exp / "pdata" / "1"), {"procs": procs}, values, scale_data=True, big=False)
    ds = read_bruker(exp)
    np.testing.assert_array_equal(ds.intensity, values)
    assert ds.attrs["nucleus"] == "1H" and "mas_rate_Hz" not in ds.attrs
    step = sw / sf / si
    assert ds.chemical_shift[0] == pytest.approx(offset) and ds.chemical_shift[1] - ds.chemical_shift[0] == \
        pytest.approx(-step)
    dic, _ = ng.bruker.read_pdata(str(exp / "pdata" / "1"))
    uc = ng.fileiobase.uc_from_udic(ng.bruker.guess_udic(dic, values))
    # nmrglue's converter (carrier from SFO1 - SF) puts the window centre at 0 ppm here, as OFFSET does
    np.testing.assert_allclose(uc.ppm_scale(), ds.chemical_shift, atol=1.01 * step)


@pytest.mark.parametrize("name", ["7Li_affn.jdx", "7Li_difdup.jdx"])
def test_jcamp_plain_and_compressed(name):
    ds = read_jcamp(FIXTURES / name)
    np.testing.assert_allclose(ds.intensity, STORED * 2.0 ** -3)
    np.testing.assert_allclose(ds.chemical_shift, PPM, atol=1e-6)  # HZ / .OBSERVE FREQUENCY for the DIFDUP one
    assert ds.attrs["nucleus"] == "7Li" and ds.attrs["temperature_K"] == pytest.approx(323.15)
    assert sniff(FIXTURES / name) == "jcamp-nmr"


def test_jcamp_hand_encoded_difdup_with_y_check():
    ds = read_jcamp(FIXTURES / "hand_difdup.jdx")
    np.testing.assert_allclose(ds.intensity, 0.5 * np.array([10, 12, 12, 12, 15, 11]))
    np.testing.assert_allclose(ds.chemical_shift, [5, 4, 3, 2, 1, 0])  # 500..0 Hz at 100 MHz
    assert ds.attrs["nucleus"] == "1H"


def _copy(tmp_path):
    target = tmp_path / "exp"
    shutil.copytree(FIXTURES / "bruker_7Li", target)
    return target


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize("remove, named", [("acqus", "acqus"), ("pdata/1/procs", "procs"), ("pdata/1/1r", "1r")])
def test_missing_files_are_named(tmp_path, remove, named):
    exp = _copy(tmp_path)
    (exp / remove).unlink()
    with pytest.raises(InputError, match=rf"^{named}:"):
        read_bruker(exp)


def test_truncated_1r_is_named(tmp_path):
    exp = _copy(tmp_path)
    binary = exp / "pdata" / "1" / "1r"
    binary.write_bytes(binary.read_bytes()[:1000])
    with pytest.raises(InputError, match=r"^1r, field 'SI': expected 1024 bytes"):
        read_bruker(exp)


@pytest.mark.parametrize("value", ["<off>", "<>", "<lithium>"])
def test_unknown_nucleus_is_named(tmp_path, value):
    exp = _copy(tmp_path)
    _edit(exp / "acqus", "##$NUC1= <7Li>", f"##$NUC1= {value}")
    with pytest.raises(InputError, match=r"^acqus, field 'NUC1': expected a nucleus"):
        read_bruker(exp)


def test_missing_parameter_is_named(tmp_path):
    exp = _copy(tmp_path)
    _edit(exp / "pdata" / "1" / "procs", "##$OFFSET= 9\n", "")
    with pytest.raises(InputError, match=r"^procs, field 'OFFSET'"):
        read_bruker(exp)


def test_not_a_bruker_folder(tmp_path):
    with pytest.raises(InputError, match="acqus"):
        read_bruker(tmp_path)


def test_bad_jcamp_files_are_named(tmp_path):
    empty = tmp_path / "empty.jdx"
    empty.write_text("\n")
    with pytest.raises(InputError, match=r"^empty.jdx: empty file"):
        read_jcamp(empty)
    short = tmp_path / "short.jdx"
    short.write_text((FIXTURES / "7Li_affn.jdx").read_text().replace("##NPOINTS= 256", "##NPOINTS= 300"))
    with pytest.raises(InputError, match=r"^short.jdx, field 'NPOINTS'"):
        read_jcamp(short)
    nodata = tmp_path / "nodata.jdx"
    nodata.write_text("##TITLE= x\n##JCAMP-DX= 5.01\n##DATA TYPE= NMR SPECTRUM\n##END=\n")
    with pytest.raises(InputError, match=r"^nodata.jdx, field 'XYDATA'"):
        read_jcamp(nodata)
