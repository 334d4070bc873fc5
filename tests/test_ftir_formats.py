"""Bruker OPUS and Galactic .spc FTIR readers on real files, sniffing, bad input."""

import struct
from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import ftir, ftir_opus, ftir_spc
from paper_lib.readers.ftir_opus import read_opus
from paper_lib.readers.ftir_spc import read_spc

ROOT = Path(__file__).parents[1]
REAL = ROOT / "tests" / "data" / "real" / "ftir"
OPUS = REAL / "brukeropus_example.0"
SNIFF = {**ftir.SNIFF, **ftir_opus.SNIFF, **ftir_spc.SNIFF}


def test_opus_absorbance_block():
    ds = read_opus(OPUS)
    assert ds.attrs["opus_block"] == "AB" and ds.attrs["measured"] == "absorbance"
    assert ds.sizes["wavenumber"] == 4927 and ds.wavenumber.attrs["units"] == "cm^-1"
    assert float(ds.wavenumber[0]) == pytest.approx(9997.720922928467)
    assert float(ds.wavenumber[-1]) == pytest.approx(499.4039959572754)
    assert float(ds.absorbance[0]) == pytest.approx(0.00876892, rel=1e-5)
    assert float(ds.absorbance[-1]) == pytest.approx(0.023398848, rel=1e-6)
    assert float(ds.transmittance[0]) == pytest.approx(100 * 10 ** -0.00876892, rel=1e-6)
    assert ds.attrs["resolution_cm-1"] == 4.0


def test_opus_falls_back_to_the_single_channel_ratio(monkeypatch):
    real = ftir_opus._open

    def without_ab(path):
        opus = real(path)
        opus.data_keys = [k for k in opus.data_keys if k != "a"]
        return opus

    monkeypatch.setattr(ftir_opus, "_open", without_ab)
    ds = read_opus(OPUS)
    assert ds.attrs["opus_block"] == "ScSm/ScRf" and ds.attrs["measured"] == "transmittance"
    assert ds.sizes["wavenumber"] == 4927 and np.nanmax(ds.transmittance) > 50


def test_spc_new_format_ftir():
    ds = read_spc(REAL / "Ft-ir.spc")
    assert ds.attrs["spc_version"] == "0x4B" and ds.attrs["measured"] == "transmittance"
    assert ds.sizes["wavenumber"] == 1776
    assert float(ds.wavenumber[0]) == 4000.0 and float(ds.wavenumber[-1]) == 450.0
    # rohanisaac/spc's own text export of this file: 4000.0 95.1374969482, ..., 450.0 94.8834915161
    assert float(ds.transmittance[0]) == pytest.approx(95.1374969482, abs=1e-8)
    assert float(ds.transmittance[-1]) == pytest.approx(94.8834915161, abs=1e-8)
    assert ds.attrs["title"] == "FT-IR Spectrum Example"


def test_spc_old_format_word_swapped_integers():
    with pytest.raises(InputError, match="field 'fytype'"):
        read_spc(REAL / "DOERNER.spc")  # y type 0 (arbitrary): the caller must say
    ds = read_spc(REAL / "DOERNER.spc", quantity="absorbance")
    assert ds.attrs["spc_version"] == "0x4D" and ds.sizes["wavenumber"] == 1602
    # rohanisaac/spc's text export: 100.0 0.0, 101.061836352 -295.106811523, 102.12... 170.032470703
    values = ds.absorbance.values[::-1]
    np.testing.assert_allclose(values[:3], [0.0, -295.106811523, 170.032470703], atol=1e-6)
    assert float(ds.wavenumber[-2]) == pytest.approx(101.061836352)


def _head(path):
    return path.read_bytes()[:65536] if path.is_file() else b""


@pytest.mark.parametrize("path, fmt", [(OPUS, "bruker-opus"), (REAL / "Ft-ir.spc", "galactic-spc"),
                                       (REAL / "DOERNER.spc", "galactic-spc")])
def test_sniff_says_only_its_format(path, fmt):
    assert [k for k, f in SNIFF.items() if f(path, _head(path))] == [fmt]


def test_sniff_false_on_the_other_project_files():
    for folder in (ROOT / "tests" / "data", ROOT / "data" / "reference"):
        for path in folder.rglob("*"):
            if not path.is_file() or "real/ftir" in path.as_posix():
                continue
            said = {k for k, f in SNIFF.items() if f(path, _head(path))}
            in_ftir = path.parent.name == "ftir"
            allowed = {".jdx": {"jcamp-ir"}, ".csv": {"ftir-csv"}}.get(path.suffix, set()) if in_ftir else set()
            assert said <= allowed, (path, said)
            if in_ftir and path.suffix == ".jdx":
                assert said == {"jcamp-ir"}, path
    assert not any(f(ROOT, b"") for f in SNIFF.values())


def test_bad_opus(tmp_path):
    data = OPUS.read_bytes()
    npt = data.index(b"NPT\x00\x00\x00\x02\x00") + 8
    cases = {"magic": b"\0\0\0\0" + data[4:], "NPT": data[:npt] + struct.pack("<i", 10**9) + data[npt + 4:],
             "AB": data[:24] + b"\0" * 200}
    for field, content in cases.items():
        path = tmp_path / "bad.0"
        path.write_bytes(content)
        with pytest.raises(InputError, match=rf"bad\.0, field '{field}'"):
            read_opus(path)
    path = tmp_path / "bad.0"
    path.write_bytes(data[: len(data) // 3])  # truncated: the AB block is gone or short
    with pytest.raises(InputError, match=r"bad\.0, field '(AB|NPT|directory)'"):
        read_opus(path)


def test_bad_spc(tmp_path):
    data = (REAL / "Ft-ir.spc").read_bytes()
    cases = {"fversn": data[:1] + b"\x99" + data[2:], "fnpts": data[:4] + struct.pack("<i", 10**8) + data[8:],
             "fxtype": data[:28] + b"\x03" + data[29:], "header": data[:300]}
    for field, content in cases.items():
        path = tmp_path / "bad.spc"
        path.write_bytes(content)
        with pytest.raises(InputError, match=rf"bad\.spc, field '{field}'"):
            read_spc(path)
    path.write_bytes(data[:2000])
    with pytest.raises(InputError, match=r"bad\.spc, field 'fnpts'"):
        read_spc(path)
