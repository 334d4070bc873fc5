"""NETZSCH Proteus ASCII exports (paper_lib.readers.thermal) on real-layout fixtures and bad input."""

from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import read_file
from paper_lib.readers.thermal import read_netzsch

DATA = Path(__file__).parent / "data" / "thermal"


def test_sta_export_point_decimal_cp1252():
    ds = read_netzsch(DATA / "netzsch_sta_point.txt")
    assert ds.attrs["kind"] == "dsc" and ds.attrs["dsc_sign"] == "exo up"
    assert ds.attrs["sample_mass_mg"] == pytest.approx(4.8)
    assert ds.attrs["heating_rate_K_min"] == pytest.approx(10.0)
    assert ds.attrs["range_end_C"] == pytest.approx(320.0)
    assert ds.attrs["instrument"] == "NETZSCH STA 449F3"
    assert ds.sizes["temperature"] == 12
    assert ds["temperature"].attrs["units"] == "degC" and ds["time"].attrs["units"] == "min"
    assert ds["heat_flow"].attrs["units"] == "mW/mg"
    assert float(ds.heat_flow.sel(temperature=110.0)) == pytest.approx(-0.51)
    assert float(ds.mass[-1]) == pytest.approx(99.89)


def test_tga_export_decimal_comma_mass_in_mg():
    ds = read_file(DATA / "netzsch_tga_comma.txt", kind="tga")
    assert ds.attrs["kind"] == "tga" and "heat_flow" not in ds
    assert ds.attrs["sample_mass_mg"] == pytest.approx(5.12)
    assert ds.attrs["heating_rate_K_min"] == pytest.approx(5.0)
    np.testing.assert_allclose(ds.mass.values[:3], [100.0, 99.0, 98.0])  # mg -> % of the sample mass
    assert ds["mass"].attrs["units"] == "%"


def test_decimal_comma_sniffed_and_utf8(tmp_path):
    text = (DATA / "netzsch_tga_comma.txt").read_bytes().decode("cp1252").replace("#DECIMAL:COMMA\n", "")
    path = tmp_path / "utf8.txt"
    path.write_text(text.replace("Mass/mg", "Mass/%"), encoding="utf-8")
    ds = read_netzsch(path)
    assert float(ds.temperature[1]) == pytest.approx(31.0)
    assert float(ds.mass[0]) == pytest.approx(5.12)


def test_exo_down_from_header_or_argument(tmp_path):
    text = (DATA / "netzsch_sta_point.txt").read_bytes().decode("cp1252")
    path = tmp_path / "down.txt"
    path.write_bytes(text.replace("#PROJECT:", "#REMARK:DSC exo down").encode("cp1252"))
    assert read_netzsch(path).attrs["dsc_sign"] == "exo down"
    assert read_netzsch(DATA / "netzsch_sta_point.txt", exo="down").attrs["dsc_sign"] == "exo down"


def _broken(tmp_path, old, new):
    text = (DATA / "netzsch_sta_point.txt").read_bytes().decode("cp1252")
    path = tmp_path / "bad.txt"
    path.write_bytes(text.replace(old, new, 1).encode("cp1252"))
    return path


@pytest.mark.parametrize("old, new, match", [
    ("110.000;8.0000;-0.51000", "110.000;8.0000;abc", r"bad\.txt, line \d+, field 'DSC/\(mW/mg\)': expected a number"),
    ("110.000;8.0000;-0.51000;99.9000", "110.000;8.0000", r"line \d+: expected 4 fields"),
    ("##Temp./°C;", "#Temp./°C;", r"column header"),
    ("##Temp./°C;Time/min", "##Foo/x;Bar/y", r"'Temp./°C' or 'Time/min' column"),
])
def test_bad_input(tmp_path, old, new, match):
    with pytest.raises(InputError, match=match):
        read_netzsch(_broken(tmp_path, old, new))


def test_empty_and_header_only(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError, match="empty.txt: empty file"):
        read_netzsch(empty)
    text = (DATA / "netzsch_sta_point.txt").read_bytes().decode("cp1252")
    head = tmp_path / "head.txt"
    head.write_bytes(text.split("##")[0].encode("cp1252") + "##Temp./°C;DSC/(mW/mg)\r\n".encode("cp1252"))
    with pytest.raises(InputError, match="no data rows"):
        read_netzsch(head)
