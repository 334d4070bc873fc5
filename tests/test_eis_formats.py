"""Vendor impedance formats read from real exports (tests/data/real/eis, provenance in its README):
point count, frequency range, one impedance value checked against the file, the sign of Im Z
(a capacitive spectrum must come out with z_imag < 0), content sniffing, and bad input."""

import importlib
import struct
from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers.eis_autolab import read_nova
from paper_lib.readers.eis_biologic import read_mpr, read_mpt
from paper_lib.readers.eis_chi import read_chi_eis
from paper_lib.readers.eis_csv import read_csv, read_headerless
from paper_lib.readers.eis_gamry import read_dta
from paper_lib.readers.eis_par import read_par, read_parstat, read_powersuite
from paper_lib.readers.eis_zahner import read_ism
from paper_lib.readers.eis_zview import read_z, read_zplotw

HERE = Path(__file__).parent
REAL = HERE / "data" / "real" / "eis"
MODULES = ["eis_csv", "eis_chi", "eis_zview", "eis_par", "eis_autolab", "eis_zahner", "eis_gamry", "eis_biologic"]
SNIFF = {k: v for m in MODULES for k, v in importlib.import_module(f"paper_lib.readers.{m}").SNIFF.items()}

# reader, file, format, points, (first f, last f), index, Z' and Z'' there (as written in the file), convention
CASES = [
    (read_chi_eis, "exampleDataCHInstruments.txt", "chi-eis", 73, (9.961e4, 0.1), -1, 5.685e3, -1.586e4, "Z''"),
    (read_headerless, "exampleData.csv", "eis-csv-headerless", 66, (3.1623e-3, 1e4), 0,
     4.949989776405060160e-02, -2.043869854441892481e-02, "Z''"),
    (read_zplotw, "exampleDataAutolab.txt", "zplotw", 41, (1e4, 0.1), 0, 0.013785863964281, 0.007191946305823, "Z''"),
    (read_z, "exampleDataZPlot_noComments.z", "zplotw", 31, (3e5, 300.0), -1, 1.3053e3, -1.9501e2, "Z''"),
    (read_par, "exampleDataVersaStudio.par", "versastudio-par", 61, (1e5, 0.02154435), 0, 55.31571, 4.575431, "Z''"),
    (read_parstat, "exampleDataParstat.txt", "parstat-txt", 31, (1e4, 10.0), -1, 0.0270946491457229,
     -0.00399791080333837, "Z''"),
    (read_powersuite, "exampleDataPowersuite.txt", "powersuite-txt", 30, (0.1, 2e6), 0, 423929.46, -49014.063, "Z''"),
    (read_dta, "exampleDataGamryABORT.DTA", "gamry-dta", 72, (200015.6, 0.0158898), -1, 17007.49, -6635.557, "Z''"),
]


@pytest.mark.parametrize("reader, name, fmt, n, f_range, i, zr, zi, convention", CASES, ids=[c[1] for c in CASES])
def test_real_file(reader, name, fmt, n, f_range, i, zr, zi, convention):
    ds = reader(REAL / name)
    assert ds.attrs["format"] == fmt and ds.attrs["kind"] == "eis"
    assert ds["frequency"].attrs["units"] == "Hz" and ds["z_imag"].attrs["units"] == "ohm"
    assert ds.sizes["frequency"] == n
    np.testing.assert_allclose(ds["frequency"].values[[0, -1]], f_range, rtol=1e-7)
    assert ds["z_real"].values[i] == pytest.approx(zr, rel=1e-9)
    assert ds["z_imag"].values[i] == pytest.approx(zi, rel=1e-9)
    assert ds.attrs["file_sign_convention"] == convention
    assert np.mean(ds["z_imag"].values < 0) > 0.6  # capacitive spectrum: Im Z < 0 at most points


def test_sniff_each_real_file_claims_exactly_its_format():
    expected = {c[1]: c[2] for c in CASES} | {"exampleDataBioLogic.mpr": "biologic-mpr",
                                               "zahner-li-ion-battery.ism": "zahner-ism",
                                               "exampleDataParstat.txt": "parstat-txt"}
    for name, fmt in expected.items():
        path = REAL / name
        head = path.read_bytes()[:65536]
        assert [k for k, p in SNIFF.items() if p(path, head)] == [fmt], name


def test_sniff_says_false_for_the_other_project_files():
    """Every file of tests/data and data/reference is claimed by at most one EIS predicate, and
    only EIS files are claimed (never raising, also for folders)."""
    for root in (HERE / "data", HERE.parent / "data" / "reference"):
        for path in root.rglob("*"):
            head = b"" if path.is_dir() else path.read_bytes()[:65536]
            claimed = [k for k, p in SNIFF.items() if p(path, head)]
            assert len(claimed) <= 1, (path, claimed)
            if claimed and claimed[0] not in ("biologic-mpt", "biologic-mpr"):
                assert "eis" in str(path).lower() or path.suffix.lower() in (".dta", ".z"), (path, claimed)


def test_mpr_real_file_matches_its_mpt_twin():
    ds = read_mpr(REAL / "exampleDataBioLogic.mpr")
    twin = read_mpt(HERE / "data" / "real" / "exampleDataBioLogic.mpt")
    assert ds.sizes["frequency"] == 43 and ds.attrs["file_sign_convention"] == "-Z''"
    np.testing.assert_allclose(ds["z_imag"].values, twin["z_imag"].values, rtol=1e-5, atol=1e-5)
    assert twin["z_real"].values[0] == pytest.approx(65.47, abs=0.01)


def test_zahner_ism_against_its_layout():
    raw = (REAL / "zahner-li-ion-battery.ism").read_bytes()
    n = int.from_bytes(raw[6:12], "big") + 1
    f = struct.unpack(f">{n}d", raw[12:12 + 8 * n])
    modulus = struct.unpack(f">{n}d", raw[12 + 8 * n:12 + 16 * n])
    ds = read_ism(REAL / "zahner-li-ion-battery.ism")
    assert n == 128 and ds.sizes["frequency"] == 128
    np.testing.assert_allclose(ds["frequency"].values[[0, -1]], (5e-4, 5e3), rtol=1e-6)
    assert np.hypot(ds["z_real"][0], ds["z_imag"][0]) == pytest.approx(modulus[f.index(min(f))], rel=1e-12)
    assert ds.attrs["file_sign_convention"] == "phase(Z)" and np.mean(ds["z_imag"].values < 0) > 0.6


def _nova_text(delimiter, comma):
    """A NOVA 2 "Export ASCII" table (column titles as NOVA 2.1 writes them), -Z'' stored."""
    f = np.array([1e5, 1e4, 1e3, 1e2, 10.0])
    z = 100 + 1000 / (1 + 1j * 2 * np.pi * f * 1e-6)
    head = delimiter.join(["Index", "Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)", "Z (Ω)", "-Phase (°)", "Time (s)"])
    rows = [delimiter.join(f"{v:.6g}" for v in (k + 1, f[k], z[k].real, -z[k].imag, abs(z[k]),
                                                -np.angle(z[k], deg=True), 2.0 * k)) for k in range(f.size)]
    text = "\n".join([head, *rows]) + "\n"
    return (text.replace(".", ",") if comma else text), z


@pytest.mark.parametrize("delimiter, comma", [(";", True), (";", False), (",", False), ("\t", True)])
def test_nova_export(tmp_path, delimiter, comma):
    text, z = _nova_text(delimiter, comma)
    path = tmp_path / "nova.txt"
    path.write_bytes(text.encode("utf-8"))
    ds = read_nova(path)
    np.testing.assert_allclose(ds["z_imag"].values, z.imag, rtol=1e-5)
    assert ds.attrs["file_sign_convention"] == "-Z''" and np.all(ds["z_imag"].values < 0)
    assert [k for k, p in SNIFF.items() if p(path, path.read_bytes())] == ["autolab-nova"]


def test_gamry_geis_layout(tmp_path):
    """Galvanostatic EIS: the same file with the EISGALV tag and IDC/IACREQ parameters."""
    text = (HERE / "data" / "real" / "exampleDataGamry.DTA").read_bytes().decode("latin-1")
    text = text.replace("TAG\tEISPOT", "TAG\tEISGALV").replace("Potentiostatic EIS", "Galvanostatic EIS")
    text = text.replace("VDC\tPOTEN", "IDC\tQUANT").replace("VAC\tQUANT", "IACREQ\tQUANT")
    path = tmp_path / "geis.DTA"
    path.write_bytes(text.encode("latin-1"))
    ds = read_dta(path)
    assert ds.attrs["control"] == "galvanostatic" and ds.sizes["frequency"] == 72
    assert read_dta(HERE / "data" / "real" / "exampleDataGamry.DTA").attrs["control"] == "potentiostatic"
    assert SNIFF["gamry-dta"](path, path.read_bytes())


@pytest.mark.parametrize("units, factor", [("ohm", 1), ("Ohm", 1), ("ohms", 1), ("Ω", 1), ("kΩ", 1e3),
                                           ("mΩ", 1e-3), ("kOhm", 1e3), ("MOhm", 1e6)])
def test_csv_unit_spellings_and_separators(tmp_path, units, factor):
    for delimiter, comma in ((",", False), (";", True), ("\t", True)):
        rows = [delimiter.join(["Frequency (Hz)", f"Z' ({units})", f"-Z'' ({units})"])]
        rows += [delimiter.join(f"{v:g}".replace(".", "," if comma else ".") for v in (f, 1.5, 0.25))
                 for f in (1000.0, 100.0, 10.0)]
        path = tmp_path / "t.csv"
        path.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
        ds = read_csv(path)
        np.testing.assert_allclose(ds["z_real"].values, 1.5 * factor)
        np.testing.assert_allclose(ds["z_imag"].values, -0.25 * factor)


def test_headerless_sign_from_data(tmp_path):
    lines = (REAL / "exampleData.csv").read_text().splitlines()
    flipped = [",".join([a, b, str(-float(c))]) for a, b, c in (t.split(",") for t in lines)]
    path = tmp_path / "minus.csv"
    path.write_text("\n".join(flipped) + "\n")
    ds = read_csv(path)  # the generic reader hands a header-less table on
    assert ds.attrs["file_sign_convention"] == "-Z''" and ds.attrs["format"] == "eis-csv-headerless"
    np.testing.assert_allclose(ds["z_imag"].values, read_headerless(REAL / "exampleData.csv")["z_imag"].values)
    semicolon = tmp_path / "semi.txt"
    semicolon.write_text("\n".join(";".join(x.replace(".", ",") for x in t.split(",")) for t in lines) + "\n")
    assert read_headerless(semicolon).sizes["frequency"] == 66


# ---------------------------------------------------------------- bad input
def _edit(tmp_path, name, edit, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(edit((REAL / name).read_bytes().decode(encoding)).encode(encoding))
    return path


BAD = [
    (read_chi_eis, "exampleDataCHInstruments.txt", lambda t: t.replace("9.912e+1", "9.9x2e+1", 1), 20, None),
    (read_chi_eis, "exampleDataCHInstruments.txt", lambda t: t.replace("Freq/Hz", "Fraq/Hz"), None, "Freq/Hz"),
    (read_chi_eis, "exampleDataCHInstruments.txt", lambda t: t.rstrip()[:-30] + "\n", 91, None),
    (read_zplotw, "exampleDataAutolab.txt", lambda t: t.replace("\n41\n", "\nforty\n"), 10, "number of points"),
    (read_zplotw, "exampleDataAutolab.txt", lambda t: t.replace("4217,0,0,0", "4217;0;0;0"), 15, None),
    (read_par, "exampleDataVersaStudio.par", lambda t: t.replace("Frequency(Hz)", "Freq"), None, "Definition"),
    (read_par, "exampleDataVersaStudio.par", lambda t: t.replace(",77426.37,", ",7742six,"), 118, "Frequency (Hz)"),
    (read_parstat, "exampleDataParstat.txt", lambda t: t.replace("Zre (ohms)", "Zre (furlongs)"), 1, "Zre (furlongs)"),
    (read_parstat, "exampleDataParstat.txt", lambda t: t.replace("7639.602\t10000\t", "7639.602\tten\t"), 783,
     "Frequency (Hz)"),
    (read_powersuite, "exampleDataPowersuite.txt", lambda t: t.replace("Zimg", "Zphase"), 1, None),
    (read_powersuite, "exampleDataPowersuite.txt", lambda t: t.replace("\t 407724.77\t", "\t"), 5, None),
    (read_headerless, "exampleData.csv", lambda t: t.replace("4.776559257398881736e-02", "n/a"), 2, "column 2"),
    (read_headerless, "exampleData.csv", lambda t: "\n".join(r.rsplit(",", 1)[0] for r in t.splitlines()), 1, None),
]


@pytest.mark.parametrize("reader, name, edit, line, field", BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_names_file_and_place(tmp_path, reader, name, edit, line, field):
    path = _edit(tmp_path, name, edit)
    with pytest.raises(InputError) as err:
        reader(path)
    assert name in str(err.value)
    assert err.value.line == line and (field is None or err.value.field == field), str(err.value)


def test_bad_nova_and_ism(tmp_path):
    text, _ = _nova_text(";", True)
    path = tmp_path / "nova.txt"
    path.write_text(text.splitlines()[0] + "\n" + text.splitlines()[1].replace(";1", ";x", 1) + "\n")
    with pytest.raises(InputError) as err:
        read_nova(path)
    assert "nova.txt" in str(err.value) and err.value.line == 2
    path.write_text("Frequency (Hz);Voltage (V)\n1;2\n")
    with pytest.raises(InputError, match="line 1"):
        read_nova(path)
    raw = (REAL / "zahner-li-ion-battery.ism").read_bytes()
    for cut, label in ((raw[:2000], "cut.ism"), (raw[:6] + b"\x7f" * 6 + raw[12:], "huge.ism"), (raw[:5], "tiny.ism")):
        bad = tmp_path / label
        bad.write_bytes(cut)
        with pytest.raises(InputError, match=label):
            read_ism(bad)


def test_mpr_that_galvani_cannot_parse_names_file_and_versions(tmp_path):
    raw = (REAL / "exampleDataBioLogic.mpr").read_bytes()
    at = raw.index(b"VMP data") - 6
    cut = raw[:at + 6 + 10 + 25] + struct.pack("<II", 10 ** 6, 2) + raw[at + 6 + 10 + 25 + 8:at + 400]
    path = tmp_path / "cut.mpr"
    path.write_bytes(cut)
    with pytest.raises(InputError) as err:
        read_mpr(path)
    assert "cut.mpr" in str(err.value) and "'VMP data': 2" in str(err.value)
