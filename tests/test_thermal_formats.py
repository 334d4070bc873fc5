"""TA Instruments (Universal Analysis, TRIOS) and METTLER STARe exports: the schema of read_netzsch,
values from the files, the DSC sign, and bad input naming the file and line/field."""

from pathlib import Path

import numpy as np
import pytest

from paper_lib import thermal
from paper_lib.errors import InputError
from paper_lib.readers.thermal import read_netzsch
from paper_lib.readers.thermal_mettler import read_stare
from paper_lib.readers.thermal_ta import read_ta

REAL = Path(__file__).parent / "data" / "real" / "thermal"
UA = REAL / "ta_ua_eicosane_dsc_excerpt.txt"
NETZSCH = Path(__file__).parent / "data" / "thermal" / "netzsch_sta_point.txt"


def _same_schema(ds, reference):
    for name in ("temperature", "time", "heat_flow", "mass"):
        if name in ds.variables and name in reference.variables:
            assert ds[name].dims == reference[name].dims
            assert ds[name].attrs["units"] == reference[name].attrs["units"], name


def test_universal_analysis_real_dsc():
    ds = read_ta(UA)
    assert ds.attrs["kind"] == "dsc" and ds.attrs["dsc_sign"] == "exo up"  # 'Exotherm<TAB>Up' in the file
    assert ds.attrs["sample_mass_mg"] == 9.0 and ds.attrs["sample_name"] == "Eicosane"
    assert ds.attrs["instrument"].startswith("2920 MDSC")
    assert ds.sizes["temperature"] == 2500  # the two time = -1 marker rows are dropped
    assert float(ds.temperature[0]) == pytest.approx(21.42754) and float(ds.time[0]) == pytest.approx(230.6062)
    assert float(ds.temperature[-1]) == pytest.approx(45.31638)
    assert float(ds.heat_flow[0]) == pytest.approx(-10.49369 / 9.0)  # mW / mg
    _same_schema(ds, read_netzsch(NETZSCH))
    # eicosane melts at ~37 degC: endothermic, so a negative peak with exo up
    peak = int(np.argmin(ds.heat_flow.values))
    assert float(ds.temperature[peak]) == pytest.approx(37.14, abs=0.05)
    assert float(ds.heat_flow[peak]) == pytest.approx(-25.76137 / 9.0)


def test_universal_analysis_feeds_the_dsc_analysis():
    ds = read_ta(UA)
    _, endo, _ = thermal.endo_positive(ds)  # turned endo-positive from dsc_sign
    assert float(np.max(endo)) > 2.5
    result = thermal.dsc_events(ds)
    assert any(abs(e.peak.value - 37.1) < 0.5 for e in result.endothermic()), result.events


def test_trios_text_steps_and_mass_in_mg():
    ds = read_ta(REAL / "trios_tga.txt")
    assert ds.attrs["kind"] == "tga" and "heat_flow" not in ds
    assert ds.sizes["temperature"] == 28  # two [step] sections of 12 and 16 rows
    assert ds.attrs["sample_mass_mg"] == pytest.approx(4.88) and ds.attrs["heating_rate_K_min"] == 10.0
    assert float(ds.mass[0]) == pytest.approx(100.0)  # 'Weight (mg)' 4.88000 / 'Sample mass' 4.8800 mg
    assert float(ds.mass[-1]) == pytest.approx(100.0 * 4.392 / 4.88)
    assert float(ds.temperature[-1]) == 300.0
    _same_schema(ds, read_netzsch(Path(__file__).parent / "data" / "thermal" / "netzsch_tga_comma.txt"))


def test_stare_dsc_utf16_exo_up():
    ds = read_stare(REAL / "stare_dsc_utf16.txt")
    assert ds.attrs["kind"] == "dsc" and ds.attrs["dsc_sign"] == "exo up"
    assert ds.attrs["sample_mass_mg"] == pytest.approx(5.23) and ds.attrs["heating_rate_K_min"] == 10.0
    assert ds.sizes["temperature"] == 36
    assert float(ds.temperature[0]) == pytest.approx(100.012) and float(ds.time[-1]) == pytest.approx(3.5)
    assert float(ds.heat_flow.sel(temperature=118.012)) == pytest.approx(-1.82, abs=0.01)
    _same_schema(ds, read_netzsch(NETZSCH))
    assert read_stare(REAL / "stare_dsc_utf16.txt", exo="down").attrs["dsc_sign"] == "exo down"


def test_stare_tga_decimal_comma_mg():
    ds = read_stare(REAL / "stare_tga_comma.txt")
    assert ds.attrs["kind"] == "tga" and ds.attrs["sample_mass_mg"] == pytest.approx(10.15)
    assert float(ds.mass[0]) == pytest.approx(100.0) and float(ds.mass[-1]) == pytest.approx(100.0 * 8.93556 / 10.15)
    assert float(ds.temperature[-1]) == pytest.approx(320.05)
    assert float(thermal.mass_at(ds, 100.0, window=25.0).value) == pytest.approx(100.0, abs=0.1)


def _edit(tmp_path, source, old, new, encoding="cp1252", name="bad.txt"):
    raw = source.read_bytes()
    text = raw.decode(encoding)
    assert old in text
    path = tmp_path / name
    path.write_bytes(text.replace(old, new, 1).encode(encoding))
    return path


@pytest.mark.parametrize("old, new, match", [
    ("230.6062\t21.42754\t-10.49369", "230.6062\t21.42754", r"bad\.txt, line 34: expected 3 fields"),
    ("230.6062\t21.42754\t-10.49369", "230.6062\t21.4x\t-10.49369", r"line 34, field 'Temperature \(.C\)': expected a number"),
    ("Nsig\t3", "Nsig\t4", r"bad\.txt, line \d+, field 'Nsig': Nsig says 4"),
    ("Sig3\tHeat Flow (mW)", "Sig3\tPurge (mL/min)", r"field 'columns': expected a 'Weight \(%\)' or 'Heat Flow"),
    ("StartOfData", "Start", r"field 'StartOfData'"),
    ("Exotherm\tUp", "Exotherm\tSideways", r"field 'Exotherm'"),
])
def test_universal_analysis_bad_input(tmp_path, old, new, match):
    with pytest.raises(InputError, match=match):
        read_ta(_edit(tmp_path, UA, old, new))


def test_ta_exo_down_stated(tmp_path):
    assert read_ta(_edit(tmp_path, UA, "Exotherm\tUp", "Exotherm\tDown")).attrs["dsc_sign"] == "exo down"


def test_trios_bad_step(tmp_path):
    path = _edit(tmp_path, REAL / "trios_tga.txt", "Time (min)\tTemperature (°C)\tWeight (mg)\tWeight (%)\r\n0.0000",
                 "0.0000", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.txt, line 7, field '\[step\]': expected a column-header row"):
        read_ta(path)


@pytest.mark.parametrize("old, new, match", [
    ("[mW]", "[mV]", r"bad\.txt, line 5, field 'Value': expected the Value unit"),
    ("Index", "Nr", r"bad\.txt, line 4, field 'Curve Values': expected the column header"),
    ("                        [s]", "", r"line 5, field 'units': expected a units row"),
    ("Curve Values:", "Curve:", r"field 'Curve Values'"),
    ("        0.000       100.012", "        0.000       1o0.012", r"line 6, field 'Ts': expected a number"),
])
def test_stare_bad_input(tmp_path, old, new, match):
    with pytest.raises(InputError, match=match):
        read_stare(_edit(tmp_path, REAL / "stare_dsc_utf16.txt", old, new, encoding="utf-16"))


def test_stare_truncated_row_and_empty(tmp_path):
    text = (REAL / "stare_tga_comma.txt").read_bytes().decode("cp1252").splitlines()
    text[7] = text[7][:30]
    (tmp_path / "cut.txt").write_bytes("\r\n".join(text).encode("cp1252"))
    with pytest.raises(InputError, match=r"cut\.txt, line 8: expected 5 columns, found 2"):
        read_stare(tmp_path / "cut.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.txt: empty file"):
        read_stare(tmp_path / "empty.txt")
    with pytest.raises(InputError, match=r"empty\.txt: empty file"):
        read_ta(tmp_path / "empty.txt")
