"""IviumSoft ``.idf`` impedance files (paper_lib.readers.eis_ivium), read from a real export
(tests/data/real/eis/exampleDataIvium.idf, provenance in that folder's README): values against the
file's text, the sign of Im Z, content sniffing, bad input, and a corrupt point count."""

import time
from pathlib import Path

import numpy as np
import pytest

import fuzzing
from paper_lib.errors import InputError
from paper_lib.readers import content_tests
from paper_lib.readers.eis_ivium import SNIFF, read_idf

HERE = Path(__file__).parent
REAL = HERE / "data" / "real" / "eis" / "exampleDataIvium.idf"
PRIMARY_LINE = 126  # "primary_data <CR NUL> 3": the count is on line 127, the first row on line 128


def _write(tmp_path, raw, name="bad.idf"):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def _rows_from_text():
    """The primary_data rows as written in the file (Z', Z'', f), read here independently."""
    lines = REAL.read_bytes().split(b"\n")
    assert lines[PRIMARY_LINE - 1].startswith(b"primary_data")
    n = int(lines[PRIMARY_LINE])
    return [line.split() for line in lines[PRIMARY_LINE + 1:PRIMARY_LINE + 1 + n]]


def test_real_file():
    ds = read_idf(REAL)
    assert ds.attrs["kind"] == "eis" and ds.attrs["format"] == "ivium-idf"
    assert ds.attrs["file_sign_convention"] == "Z''" and ds.attrs["control"] == "galvanostatic"
    assert ds.attrs["serial_number"] == "B59340" and ds.attrs["n_spectra"] == 1
    assert ds["frequency"].attrs["units"] == "Hz" and ds["z_real"].attrs["units"] == "ohm"
    assert ds.sizes["frequency"] == 26
    np.testing.assert_allclose(ds["frequency"].values[[0, -1]], (1e5, 1.0), rtol=1e-12)
    assert ds["z_real"].values[1] == pytest.approx(14.3847, rel=1e-12)  # line 129: 1.43847E+01 -2.31760E+00 ...
    assert ds["z_imag"].values[1] == pytest.approx(-2.31760, rel=1e-12)
    assert np.all(ds["z_imag"].values < 0)  # a capacitive spectrum, Z'' stored with its sign


def test_every_point_matches_the_text():
    rows = _rows_from_text()
    ds = read_idf(REAL)
    assert len(rows) == ds.sizes["frequency"] == 26
    expected = np.array([[float(v) for v in row] for row in rows])
    np.testing.assert_array_equal(ds["z_real"].values, expected[:, 0])
    np.testing.assert_array_equal(ds["z_imag"].values, expected[:, 1])
    np.testing.assert_array_equal(ds["frequency"].values, expected[:, 2])


def test_sniff_claims_the_real_file_and_nothing_else():
    head = REAL.read_bytes()[:65536]
    assert SNIFF["ivium-idf"](REAL, head)
    found = [fmt for fmt, tests in content_tests().items() if any(t(REAL, head) for t in tests)]
    assert found == ["ivium-idf"], "no other format's content test claims the file"
    for root in (HERE / "data", HERE.parent / "data" / "reference"):
        for path in root.rglob("*"):
            if path == REAL:
                continue
            head = b"" if path.is_dir() else path.read_bytes()[:65536]
            assert not SNIFF["ivium-idf"](path, head), path


def test_sniff_never_raises_on_odd_heads(tmp_path):
    for head in (b"", b"\x00" * 64, b"\r\x00Version=", b"\xff" * 100):
        assert SNIFF["ivium-idf"](tmp_path, head) in (True, False)


def _error(tmp_path, raw):
    path = _write(tmp_path, raw)
    with pytest.raises(InputError) as info:
        read_idf(path)
    assert info.value.path == path and "bad.idf" in str(info.value)
    return info.value


def test_truncated_file(tmp_path):
    raw = REAL.read_bytes()
    cut = raw.index(b"1.80680E+01")  # in the 6th row of 26
    error = _error(tmp_path, raw[:cut + 5])
    assert error.line == PRIMARY_LINE + 1 and error.field == "primary_data count"
    assert "declares 26 points" in str(error)


def test_a_row_cut_short(tmp_path):
    raw = REAL.read_bytes().replace(b"1.43847E+01  -2.31760E+00 6.30957E+04", b"1.43847E+01  -2.31760E+00")
    error = _error(tmp_path, raw)
    assert error.line == PRIMARY_LINE + 3 and "expected 3 numbers" in str(error)


def test_not_a_number(tmp_path):
    raw = REAL.read_bytes().replace(b"-2.31760E+00", b"-2.3I760E+00")
    error = _error(tmp_path, raw)
    assert (error.line, error.field) == (PRIMARY_LINE + 3, "Z''") and "-2.3I760E+00" in str(error)


def test_missing_primary_data(tmp_path):
    error = _error(tmp_path, REAL.read_bytes().replace(b"primary_data", b"secondary_xx"))
    assert error.field == "primary_data"


def test_not_an_impedance_run(tmp_path):
    error = _error(tmp_path, REAL.read_bytes().replace(b"Method=Impedance", b"Method=CyclicVoltammetry"))
    assert error.field == "Method" and "CyclicVoltammetry" in str(error)


def test_not_an_ivium_file(tmp_path):
    other = HERE / "data" / "real" / "eis" / "exampleDataCHInstruments.txt"
    error = _error(tmp_path, other.read_bytes())
    assert error.line == 1


@pytest.mark.parametrize("count", [b"999999999 ", b"99999999999999999999", b"-26", b"2.6E+01", b""])
def test_corrupt_point_count_fails_fast(tmp_path, count):
    raw = REAL.read_bytes().replace(b"\r\n26        \r\n", b"\r\n" + count + b"\r\n", 1)
    started = time.monotonic()
    error = _error(tmp_path, raw)
    assert time.monotonic() - started < 1.0
    assert (error.line, error.field) == (PRIMARY_LINE + 1, "primary_data count")


def test_reader_survives_fuzzing():
    """No mutant of the real file escapes as anything but a named InputError, hangs or allocates without
    bound (the project's harness, tests/fuzzing.py, with a short run)."""
    summary = fuzzing.run_case("paper_lib.readers.eis_ivium:read_idf", REAL, 150, label="ivium-idf")
    assert summary["seed_ok"] is True, summary["seed_ok"]
    assert not fuzzing.failures_of(summary), "\n".join(fuzzing.format_failure(f) for f in fuzzing.failures_of(summary))
    assert summary["counts"]["input_error"] > 0
