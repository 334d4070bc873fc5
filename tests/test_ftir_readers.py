"""The FTIR readers read JCAMP-DX (AFFN and compressed ASDF, %T / transmittance / absorbance) and CSV
exports in their real layouts (fixtures in tests/data/ftir, written by make_fixtures.py there, not by
the reference generator); bad input gives an InputError naming the file and the line or label."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import read_file, sniff
from paper_lib.readers.ftir import read_csv_ir, read_jcamp_ir, to_absorbance, to_transmittance

DATA = Path(__file__).parent / "data" / "ftir"
_spec = importlib.util.spec_from_file_location("ftir_fixtures", DATA / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)  # a unique name: other tests have a make_fixtures too
_spec.loader.exec_module(make_fixtures)

X, A = make_fixtures.band()


def check(ds, atol):
    assert ds.attrs["kind"] == "ftir"
    assert ds.wavenumber.attrs["units"] == "cm^-1" and ds.transmittance.attrs["units"] == "%"
    assert ds.absorbance.attrs["units"] == "1"
    np.testing.assert_allclose(ds.wavenumber, X, atol=1e-9)  # descending, as stored
    np.testing.assert_allclose(ds.absorbance, A, atol=atol)
    np.testing.assert_allclose(ds.transmittance, 100 * 10 ** -A, atol=atol * 250)


def test_jcamp_affn_fractional_transmittance():
    ds = read_jcamp_ir(DATA / "band_affn_T.jdx")
    check(ds, 3e-6)
    assert ds.attrs["measured"] == "transmittance" and ds.attrs["source_yunits"] == "TRANSMITTANCE"
    assert ds.attrs["resolution_cm-1"] == 4.0 and ds.attrs["jcamp_version"] == "4.24"


def test_jcamp_asdf_absorbance_with_comments():
    ds = read_jcamp_ir(DATA / "band_asdf_A.jdx")
    check(ds, 5.1e-6)  # integers x YFACTOR 1e-5
    assert ds.attrs["measured"] == "absorbance"


def test_hand_encoded_difdup_percent_t():
    ds = read_jcamp_ir(DATA / "hand_asdf.jdx")
    np.testing.assert_allclose(ds.transmittance, [0.1, 0.101, 0.101, 0.101, 0.102, 0.1])  # %T x 1e-4
    np.testing.assert_allclose(ds.wavenumber, [4000, 3999, 3998, 3997, 3996, 3995])
    np.testing.assert_allclose(ds.absorbance, -np.log10(ds.transmittance / 100))


@pytest.mark.parametrize("name, measured", [("header_percentT.csv", "transmittance"),
                                            ("omnic_bare.csv", "transmittance"),
                                            ("opus_semicolon.csv", "absorbance"),
                                            ("fraction_T.csv", "transmittance")])
def test_csv_variants(name, measured):
    ds = read_csv_ir(DATA / name)
    check(ds, 2e-6)
    assert ds.attrs["measured"] == measured
    assert ds.attrs.get("quantity_guessed", False) == (name == "omnic_bare.csv")


def test_quantity_given_overrides_the_guess():
    ds = read_csv_ir(DATA / "omnic_bare.csv", quantity="transmittance")
    assert "quantity_guessed" not in ds.attrs


def test_sniff_by_kind_and_conversions():
    assert sniff(DATA / "band_asdf_A.jdx", kind="ftir") == "jcamp-ir"
    assert sniff(DATA / "omnic_bare.csv", kind="ftir") == "ftir-csv"
    assert read_file(DATA / "band_affn_T.jdx", kind="ftir").attrs["kind"] == "ftir"
    np.testing.assert_allclose(to_absorbance([100, 10, 1]), [0, 1, 2])
    np.testing.assert_allclose(to_transmittance(to_absorbance([55.0, 3.0])), [55.0, 3.0])
    assert np.isnan(to_absorbance([0.0, -1.0])).all()


# ----------------------------------------------------------------------------------------- bad input
def jcamp(tmp_path, replace=None, drop=None, name="bad.jdx"):
    lines = (DATA / "band_affn_T.jdx").read_text().splitlines()
    if drop:
        lines = [line for line in lines if not line.startswith(drop)]
    text = "\n".join(lines) + "\n"
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("change, field", [
    ({"##YUNITS= TRANSMITTANCE": "##YUNITS= COUNTS"}, "YUNITS"),
    ({"##XUNITS= 1/CM": "##XUNITS= NANOMETERS"}, "XUNITS"),
    ({"##NPOINTS= 201": "##NPOINTS= 250"}, "NPOINTS"),
    ({"##FIRSTX= 2400.0": "##FIRSTX= abc"}, "FIRSTX"),
    ({"##DATA TYPE= INFRARED SPECTRUM": "##DATA TYPE= NMR SPECTRUM"}, "DATA TYPE"),
])
def test_bad_jcamp_labels(tmp_path, change, field):
    with pytest.raises(InputError, match=rf"bad\.jdx, field '{field}'"):
        read_jcamp_ir(jcamp(tmp_path, replace=change))


def test_truncated_and_missing_label(tmp_path):
    lines = (DATA / "band_affn_T.jdx").read_text().splitlines()
    (tmp_path / "cut.jdx").write_text("\n".join(lines[:-10]) + "\n")
    with pytest.raises(InputError, match=r"cut\.jdx, line \d+, field 'END'.*truncated"):
        read_jcamp_ir(tmp_path / "cut.jdx")
    (tmp_path / "short.jdx").write_text("\n".join(lines[:-10] + ["##END="]) + "\n")
    with pytest.raises(InputError, match=r"short\.jdx, field 'NPOINTS'.*truncated"):
        read_jcamp_ir(tmp_path / "short.jdx")
    with pytest.raises(InputError, match=r"bad\.jdx, field 'LASTX'"):
        read_jcamp_ir(jcamp(tmp_path, drop="##LASTX"))
    (tmp_path / "empty.jdx").write_text("\n")
    with pytest.raises(InputError, match=r"empty\.jdx: empty file"):
        read_jcamp_ir(tmp_path / "empty.jdx")


def test_text_in_jcamp_numbers(tmp_path):
    path = jcamp(tmp_path, replace={"2394.0 ": "2394.0 oops "})
    lineno = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "oops" in line)
    with pytest.raises(InputError, match=rf"bad\.jdx, line {lineno}: expected numbers"):
        read_jcamp_ir(path)
    packed = (DATA / "band_asdf_A.jdx").read_text().replace("##XYDATA= (X++(Y..Y))  $$ DIFDUP\n",
                                                              "##XYDATA= (X++(Y..Y))\n239000#?\n")
    (tmp_path / "packed.jdx").write_text(packed)
    with pytest.raises(InputError, match=r"packed\.jdx, line 16: expected numbers"):
        read_jcamp_ir(tmp_path / "packed.jdx")


def csv(tmp_path, text, name="bad.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_bad_csv(tmp_path):
    good = (DATA / "header_percentT.csv").read_text().splitlines()
    with pytest.raises(InputError, match=r"bad\.csv, line 4: expected a number, got 'x12'"):
        read_csv_ir(csv(tmp_path, "\n".join(good[:3] + ["2203.00,x12"] + good[4:])))
    with pytest.raises(InputError, match=r"bad\.csv, line 3: expected two columns"):
        read_csv_ir(csv(tmp_path, "\n".join(good[:2] + ["2202.00"] + good[3:])))
    with pytest.raises(InputError, match=r"bad\.csv, line 1: expected the second column"):
        read_csv_ir(csv(tmp_path, "\n".join(["wavenumber,counts"] + good[1:])))
    with pytest.raises(InputError, match=r"bad\.csv: empty file"):
        read_csv_ir(csv(tmp_path, "# nothing\n\n"))
    with pytest.raises(InputError, match=r"bad\.csv, line 3: expected at least 5"):
        read_csv_ir(csv(tmp_path, "\n".join(good[:3])))


def test_bad_character_in_compressed_data(tmp_path):
    lines = (DATA / "band_asdf_A.jdx").read_text().splitlines()
    k = len(lines) - 3
    lines[k] = lines[k][:8] + "#" + lines[k][8:]
    (tmp_path / "asdf.jdx").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=rf"asdf\.jdx, line {k + 1}: unexpected character\(s\) '#'"):
        read_jcamp_ir(tmp_path / "asdf.jdx")
