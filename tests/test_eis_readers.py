"""Each EIS reader reads its real layout (fixtures in tests/data/eis, written by hand to the vendors'
layouts, not by the reference generator); bad input gives an InputError naming file and line/field."""

import math
import struct
from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import read_file
from paper_lib.readers.eis_biologic import read_mpr, read_mpt
from paper_lib.readers.eis_csv import read_csv
from paper_lib.readers.eis_gamry import read_dta
from paper_lib.readers.eis_zview import read_z

DATA = Path(__file__).parent / "data" / "eis"
FREQS = np.array([1e6, 1e5, 1e4, 1e3, 1e2, 1e1])
Z_TRUE = 100 + 1000 / (1 + 1j * 2 * np.pi * FREQS * 1000 * 1e-9)  # 100 ohm + (1 kohm | 1 nF)


def check(ds, rtol=1e-5):
    assert ds.attrs["kind"] == "eis"
    assert ds["frequency"].attrs["units"] == "Hz" and ds["z_real"].attrs["units"] == "ohm"
    np.testing.assert_allclose(ds["frequency"].values, FREQS, rtol=rtol)
    np.testing.assert_allclose(ds["z_real"].values, Z_TRUE.real, rtol=rtol)
    np.testing.assert_allclose(ds["z_imag"].values, Z_TRUE.imag, rtol=rtol, atol=1e-6)
    assert np.all(ds["z_imag"].values < 0)  # capacitive arc: Z'' < 0 whatever the file stored


def test_mpt_real_layout():
    ds = read_mpt(DATA / "peis_dot.mpt")
    check(ds)
    assert ds.attrs["format"] == "biologic-mpt" and ds.attrs["temperature_file_C"] == 25.0
    assert ds.attrs["instrument"].startswith("SP-200") and ds.attrs["n_sweeps"] == 1


def test_mpt_decimal_comma_two_sweeps_duplicate():
    ds = read_mpt(DATA / "peis_comma_2cycles.mpt")
    check(ds)
    assert ds.attrs["n_sweeps"] == 2 and ds.attrs["n_dropped_duplicates"] == 1


def test_dta_real_layout_and_comma():
    for name in ("eispot.DTA", "eispot_comma.DTA"):
        ds = read_dta(DATA / name)
        check(ds)
        assert ds.attrs["instrument"] == "REF600-12345" and ds.attrs["temperature_file_C"] == 25.0
        assert ds.attrs["electrode_area_file_cm2"] == pytest.approx(0.785)


def test_zview():
    ds = read_z(DATA / "pellet.z")
    check(ds)
    assert ds.attrs["date"] == "03/04/2024"


@pytest.mark.parametrize("name", ["plain.csv", "kilo.csv", "polar.txt"])
def test_csv_variants(name):
    ds = read_csv(DATA / name)
    check(ds, rtol=2e-5 if name != "kilo.csv" else 1e-4)


def test_csv_kilo_units_and_comment_attrs():
    ds = read_csv(DATA / "kilo.csv")
    assert ds.attrs["file_temperature_C"] == 25.0


def test_sniffing_dispatch():
    assert read_file(DATA / "pellet.z").attrs["format"] == "zview-z"
    assert read_file(DATA / "plain.csv", kind="eis").attrs["format"] == "eis-csv"
    assert read_file(DATA / "eispot.DTA").attrs["format"] == "gamry-dta"


def _mpr_bytes(freqs, z):
    """A minimal .mpr (BIO-LOGIC MODULAR FILE) with a 'VMP Set' and a version-2 'VMP data' module
    holding time/s (id 4), freq/Hz (32), Re(Z)/Ohm (37), -Im(Z)/Ohm (38), cycle number (24)."""
    magic = b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\x00\x00\x00\x00"

    def module(short, long, version, data):
        return (b"MODULE" + short.ljust(10) + long.ljust(25) + struct.pack("<II", len(data), version)
                + b"03/04/24" + data)

    ids = [4, 32, 37, 38, 24]
    head = struct.pack("<IB", len(freqs), len(ids)) + struct.pack(f"<{len(ids)}H", *ids)
    head = head.ljust(405, b"\x00")
    rec = np.dtype([("t", "<f8"), ("f", "<f4"), ("re", "<f4"), ("im", "<f4"), ("c", "<f8")])
    rows = np.zeros(len(freqs), rec)
    rows["t"], rows["f"], rows["re"], rows["im"], rows["c"] = np.arange(len(freqs)), freqs, z.real, -z.imag, 0.0
    return magic + module(b"VMP Set", b"VMP settings", 0, bytes(200)) + module(
        b"VMP data", b"VMP data", 2, head + rows.tobytes())


def test_mpr_minimal_binary(tmp_path):
    path = tmp_path / "peis.mpr"
    path.write_bytes(_mpr_bytes(FREQS, Z_TRUE))
    ds = read_mpr(path)
    check(ds, rtol=1e-6)  # float32 storage
    assert ds.attrs["format"] == "biologic-mpr"


def test_mpr_bad_magic(tmp_path):
    path = tmp_path / "bad.mpr"
    path.write_bytes(b"not a biologic file" * 10)
    with pytest.raises(InputError, match="bad.mpr"):
        read_mpr(path)


# ---------------------------------------------------------------- bad input
def _copy(tmp_path, name, edit):
    text = (DATA / name).read_bytes().decode("latin-1")
    path = tmp_path / name
    path.write_bytes(edit(text).encode("latin-1"))
    return path


def test_truncated_mpt_names_line(tmp_path):
    path = _copy(tmp_path, "peis_dot.mpt", lambda t: t[: t.rindex("\t", 0, len(t) - 40)])
    with pytest.raises(InputError) as err:
        read_mpt(path)
    assert err.value.line == 21 and "peis_dot.mpt" in str(err.value)


def test_missing_column_names_field(tmp_path):
    path = _copy(tmp_path, "peis_dot.mpt", lambda t: t.replace("-Im(Z)/Ohm", "-Im(X)/Ohm"))
    with pytest.raises(InputError) as err:
        read_mpt(path)
    assert err.value.field == "-Im(Z)/Ohm" and err.value.line == 15


def test_text_in_number(tmp_path):
    path = _copy(tmp_path, "eispot.DTA", lambda t: t.replace("\t1e+06\t" if "\t1e+06\t" in t else "\t1000000\t",
                                                              "\tabc\t", 1))
    with pytest.raises(InputError) as err:
        read_dta(path)
    assert err.value.line == 19 and err.value.field == "Freq"


def test_empty_and_wrong_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("Frequency (Hz),Z' (Ohm),-Z'' (Ohm)\n")
    with pytest.raises(InputError, match="no data rows"):
        read_csv(empty)
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("Frequency (Hz),Voltage (V)\n1,2\n")
    with pytest.raises(InputError) as err:
        read_csv(nocol)
    assert err.value.field == "Z'"
    notdta = tmp_path / "x.DTA"
    notdta.write_text("hello\n")
    with pytest.raises(InputError) as err:
        read_dta(notdta)
    assert err.value.line == 1
    noend = _copy(tmp_path, "pellet.z", lambda t: t.replace("End Comments", "Something"))
    with pytest.raises(InputError, match="End Comments"):
        read_z(noend)
    short = _copy(tmp_path, "pellet.z", lambda t: t.rstrip()[:-45] + "\n")
    with pytest.raises(InputError) as err:
        read_z(short)
    assert err.value.line == 15


def test_minus_sign_conventions(tmp_path):
    rows = "".join(f"{f},{v.real},{v.imag}\n" for f, v in zip(FREQS, Z_TRUE))
    neg = "".join(f"{f},{v.real},{-v.imag}\n" for f, v in zip(FREQS, Z_TRUE))
    for header, body in (("freq,Z',Z''", rows), ("freq,Z',-Z''", neg), ("freq,Re(Z),-Im(Z)", neg),
                         ("freq,z_real,z_imag", rows), ('freq,Zreal,"-Z"""', neg)):
        path = tmp_path / "s.csv"
        path.write_text(header + "\n" + body)
        check(read_csv(path), rtol=1e-9)
    assert math.isfinite(FREQS[0])
