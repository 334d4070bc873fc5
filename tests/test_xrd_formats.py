"""Bruker .raw (v1-v4) and Rigaku .ras/.rasx readers on real exports, sniffing, bad input."""

import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import xrd, xrd_bruker, xrd_rigaku
from paper_lib.readers.xrd_bruker import read_raw
from paper_lib.readers.xrd_rigaku import read_ras, read_rasx

ROOT = Path(__file__).parents[1]
REAL = ROOT / "tests" / "data" / "real" / "xrd"
SNIFF = {**xrd.SNIFF, **xrd_bruker.SNIFF, **xrd_rigaku.SNIFF}


def _decoded_counts(path, offset, n, datum=4):
    """Counts decoded straight from the bytes (independent of the reader's header logic)."""
    return np.frombuffer(path.read_bytes(), "<f4", n * datum // 4, offset)[:: datum // 4]


def test_raw_v3_xylib_sample():
    path = REAL / "Cu3Au-1.raw"
    ds = read_raw(path)
    assert ds.sizes["two_theta"] == 3901 and ds.attrs["raw_version"] == 3
    assert float(ds.two_theta[0]) == pytest.approx(22.0) and float(ds.two_theta[-1]) == pytest.approx(100.0)
    np.testing.assert_array_equal(ds.intensity.values[:3], [48, 24, 38])
    np.testing.assert_array_equal(ds.intensity.values, _decoded_counts(path, 712 + 304, 3901))
    assert ds.attrs["anode"] == "Cu" and ds.attrs["wavelength_A"] == pytest.approx(1.5406)
    assert ds.attrs["count_time_s"] == 0.5 and ds.intensity.attrs["units"] == "counts"
    assert ds.two_theta.attrs["units"] == "deg"


def test_raw_v3_three_ranges_reads_the_first():
    ds = read_raw(REAL / "format1.raw")
    assert ds.attrs["n_ranges"] == 3 and ds.sizes["two_theta"] == 101
    assert float(ds.two_theta[-1]) == pytest.approx(20.0)


def test_raw_v4_diffrac_commander():
    path = REAL / "TwoTheta_scan_scrambled.raw"
    ds = read_raw(path)
    assert ds.attrs["raw_version"] == 4 and ds.attrs["scan_type"] == "Locked Coupled"
    assert ds.sizes["two_theta"] == 7134 and float(ds.two_theta[0]) == 10.0
    assert float(ds.two_theta[-1]) == pytest.approx(10.0 + 7133 * 0.010520299896597862)
    np.testing.assert_allclose(ds.intensity.values, _decoded_counts(path, 1311, 7134, datum=8))
    assert float(ds.intensity[0]) == pytest.approx(283.7692, abs=1e-3)
    assert ds.attrs["wavelength_A"] == pytest.approx(1.5406) and ds.attrs["anode"] == "Cu"


def _raw_v1(counts, start=5.0, step=0.02):
    head = bytearray(156)
    head[0:4] = b"RAW "
    struct.pack_into("<Iff", head, 4, len(counts), 1.5, step)
    struct.pack_into("<f", head, 24, start)
    struct.pack_into("<2f", head, 72, 1.5406, 1.5444)
    return bytes(head) + np.asarray(counts, "<f4").tobytes()


def _raw_v2(counts, start=5.0, step=0.02):
    head = bytearray(256 + 48 + 4)
    head[0:4] = b"RAW2"
    struct.pack_into("<H", head, 4, 1)
    head[188:190] = b"Cu"
    struct.pack_into("<3f", head, 190, 1.5406, 1.5444, 0.5)
    struct.pack_into("<HH", head, 256, 52, len(counts))
    struct.pack_into("<3f", head, 264, 2.0, step, start)
    return bytes(head) + np.asarray(counts, "<f4").tobytes()


@pytest.mark.parametrize("make, version", [(_raw_v1, 1), (_raw_v2, 2)])
def test_raw_v1_v2_layouts(tmp_path, make, version):
    path = tmp_path / "old.raw"
    path.write_bytes(make([10, 20, 30, 40]))
    ds = read_raw(path)
    assert ds.attrs["raw_version"] == version
    np.testing.assert_allclose(ds.two_theta, [5.0, 5.02, 5.04, 5.06])
    np.testing.assert_array_equal(ds.intensity, [10, 20, 30, 40])
    assert ds.attrs["wavelength_A"] == pytest.approx(1.5406)


def test_rasx_real():
    ds = read_rasx(REAL / "TwoTheta_scan_powder.rasx")
    assert ds.sizes["two_theta"] == 2726
    assert float(ds.two_theta[0]) == 10.0 and float(ds.two_theta[-1]) == 119.0
    assert float(ds.intensity[0]) == pytest.approx(170.55354309082)
    assert ds.attrs["anode"] == "Cu" and ds.attrs["wavelength_A"] == 1.540593
    assert ds.attrs["count_time_s"] == pytest.approx(0.04 / 1.0 * 60)
    assert ds.intensity.attrs["units"] == "counts"


def test_ras_layout_fixture_agrees_with_the_rasx():
    ras, rasx = read_ras(REAL / "rigaku_layout_fixture.ras"), read_rasx(REAL / "TwoTheta_scan_powder.rasx")
    assert ras.sizes["two_theta"] == 301
    np.testing.assert_allclose(ras.intensity, rasx.intensity[:301])
    assert ras.attrs["count_time_s"] == pytest.approx(2.4) and ras.attrs["wavelength_ka2_A"] == 1.544414


def test_ras_attenuator_column_multiplies(tmp_path):
    path = tmp_path / "att.ras"
    path.write_text('*RAS_DATA_START\n*RAS_HEADER_START\n*MEAS_SCAN_UNIT_Y "cps"\n*RAS_HEADER_END\n'
                    '*RAS_INT_START\n10.0 5 1\n10.1 6 10\n*RAS_INT_END\n*RAS_DATA_END\n')
    ds = read_ras(path)
    np.testing.assert_array_equal(ds.intensity, [5, 60])
    assert ds.intensity.attrs["units"] == "counts/s"


def _head(path):
    return path.read_bytes()[:65536] if path.is_file() else b""


@pytest.mark.parametrize("name, fmt", [("Cu3Au-1.raw", "bruker-raw"), ("TwoTheta_scan_scrambled.raw", "bruker-raw"),
                                       ("TwoTheta_scan_powder.rasx", "rigaku-rasx"),
                                       ("rigaku_layout_fixture.ras", "rigaku-ras")])
def test_sniff_says_only_its_format(name, fmt):
    path = REAL / name
    assert [k for k, f in SNIFF.items() if f(path, _head(path))] == [fmt]


def test_sniff_false_on_the_other_project_files():
    own = {".xy": "xy", ".xye": "xy", ".xrdml": "xrdml"}
    for folder in (ROOT / "tests" / "data", ROOT / "data" / "reference"):
        for path in folder.rglob("*"):
            if path.is_file() and "real/xrd" not in path.as_posix():
                said = {k for k, f in SNIFF.items() if f(path, _head(path))}
                assert said <= {own.get(path.suffix)}, (path, said)
    assert SNIFF["xy"](ROOT / "data" / "reference" / "xrd" / "LiNH2BH3.xy", _head(ROOT / "data/reference/xrd/LiNH2BH3.xy"))
    assert not any(f(ROOT, b"") for f in SNIFF.values())


def test_bad_raw_wrong_magic_truncated_and_too_many_steps(tmp_path):
    data = (REAL / "Cu3Au-1.raw").read_bytes()
    cases = {"magic": b"WAR1.01" + data[7:], "STEPS": data[:3000],
             "STEPS ": data[:716] + struct.pack("<I", 10**9) + data[720:], "ALPHA1/ALPHA2": data[:620]}
    for field, content in cases.items():
        path = tmp_path / "bad.raw"
        path.write_bytes(content)
        with pytest.raises(InputError, match=rf"bad\.raw, field '{field.strip()}'"):
            read_raw(path)


def test_bad_ras(tmp_path):
    text = (REAL / "rigaku_layout_fixture.ras").read_text(encoding="latin-1")
    cases = {"truncated": (text[: len(text) // 2], "RAS_INT_END"),
             "count": (text.replace('*MEAS_DATA_COUNT "301"', '*MEAS_DATA_COUNT "9000"'), "MEAS_DATA_COUNT"),
             "text": (text.replace("10.0400 ", "10.04OO ", 1), "line 21")}
    for name, (content, where) in cases.items():
        path = tmp_path / "bad.ras"
        path.write_text(content, encoding="latin-1")
        with pytest.raises(InputError, match="bad.ras") as err:
            read_ras(path)
        assert where in str(err.value), name


def test_bad_rasx(tmp_path):
    path = tmp_path / "bad.rasx"
    path.write_bytes((REAL / "TwoTheta_scan_powder.rasx").read_bytes()[:20000])
    with pytest.raises(InputError, match=r"bad\.rasx, field 'zip'"):
        read_rasx(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data0/Profile0.txt", "10.0\t5\t1\n10.04\t6\t1\n")
    with pytest.raises(InputError, match="MesurementConditions0.xml"):
        read_rasx(path)
    source = zipfile.ZipFile(REAL / "TwoTheta_scan_powder.rasx")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data0/Profile0.txt", b"\r\n".join(source.read("Data0/Profile0.txt").splitlines()[:100]))
        archive.writestr("Data0/MesurementConditions0.xml", source.read("Data0/MesurementConditions0.xml"))
    with pytest.raises(InputError, match="ScanInformation/Step"):
        read_rasx(path)
