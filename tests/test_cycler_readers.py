"""Cycler readers: real exports from other labs (tests/data/real/cycler, provenance in its README)
and files in the instruments' export layouts, all into the one canonical schema; bad input named."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from paper_lib import readers
from paper_lib.errors import InputError
from paper_lib.schema import check_dataset

REAL = Path(__file__).parent / "data" / "real" / "cycler"
DATA = Path(__file__).parent / "data" / "cycler"


def read(name, kind, folder=REAL):
    ds = readers.read_file(folder / name, kind=kind)
    check_dataset(ds)
    assert set(ds.coords) == {"time", "cycle", "half_cycle", "step"}
    assert {v: ds[v].attrs["units"] for v in ("voltage", "current", "charge")} == {
        "voltage": "V", "current": "mA", "charge": "mAh"}
    assert np.all(np.diff(ds.time.values) >= 0), "time runs forward"
    return ds


def runs(values):
    return [(int(k), len(list(g))) for k, g in itertools.groupby(values)]


@pytest.mark.parametrize("technique,kind", [("gcpl", "gcpl"), ("cv", "cv"), ("ca", "ca"), ("cp", "cp")])
def test_biologic_mpr_and_mpt_of_one_run_agree(technique, kind):
    """yadg's test files: the same EC-Lab run saved as .mpr and exported as .mpt."""
    mpr = read(f"yadg_{technique}.mpr", kind)
    mpt = read(f"yadg_{technique}.mpt" if technique != "cv" else "yadg_cv_first1500.mpt", kind)
    n = mpt.sizes["time"]
    assert mpr.sizes["time"] >= n
    for name in ("time", "voltage", "charge"):
        assert np.allclose(mpr[name].values[:n], mpt[name].values, rtol=1e-6, atol=1e-9), name
    if "current_from" not in mpr.attrs:
        assert np.allclose(mpr.current.values[:n], mpt.current.values, rtol=1e-6, atol=1e-12)
    assert mpr.attrs["technique"] == technique.upper()
    assert mpt.attrs["format"] == "biologic-mpt" and mpr.attrs["format"] == "biologic-mpr"


def test_gcpl_half_cycles_found_from_the_data_match_ec_labs_own_counter():
    """EC-Lab writes its own 'half cycle' counter; ours comes from the current alone."""
    import pandas as pd

    ds = read("yadg_gcpl.mpt", "gcpl")
    text = (REAL / "yadg_gcpl.mpt").read_text(encoding="latin-1").splitlines()
    n_header = int(text[1].split(":")[1])
    theirs = pd.read_csv(REAL / "yadg_gcpl.mpt", sep="\t", skiprows=n_header - 1, decimal=",",
                         encoding="latin-1")["half cycle"].to_numpy()
    ours = ds.half_cycle.values
    assert [n for _, n in runs(ours)] == [n for _, n in runs(theirs)]
    assert runs(ds.cycle.values)[0][0] == 1 and int(ds.cycle.max()) == (int(ds.half_cycle.max()) + 1) // 2


def test_gcpl_mpr_without_current_derives_it_from_the_charge():
    mpr, mpt = read("yadg_gcpl.mpr", "gcpl"), read("yadg_gcpl.mpt", "gcpl")
    assert "change of (Q-Qo)/mA.h" in mpr.attrs["current_from"]
    assert np.allclose(mpr.current.values[1:], mpt.current.values[1:], rtol=1e-3, atol=2e-5)


def test_cv_is_split_by_sweep_direction():
    ds = read("yadg_cv.mpr", "cv")
    assert ds.attrs["segmented_by"] == "sweep"
    for _, half in ds.groupby("half_cycle"):
        slope = np.sign(np.diff(half.voltage.values[::20]))
        assert abs(slope.mean()) > 0.9, "one direction per half-cycle"


def test_chronopotentiometry_current_and_charge_in_mA_and_mAh():
    ds = read("yadg_cp.mpt", "cp")
    assert float(ds.current.mean()) == pytest.approx(-99.9, abs=0.1)  # the file's I/mA, -100 mA set
    assert float(ds.charge[-1]) == pytest.approx(-3.3026, abs=1e-4)  # (Q-Qo)/C in mAh


def test_neware_ndax():
    ds = read("neware_rest.ndax", "gcpl")
    assert ds.sizes["time"] == 301 and float(ds.time[-1]) == pytest.approx(300.0)
    assert np.all(ds.current.values == 0) and 2.98 < float(ds.voltage.mean()) < 2.99


def test_neware_nda_of_a_real_cccv_cell_against_its_own_capacity_counters():
    """NewareNDA's issue-72 file: the clock steps back once, the Time column runs on over the test. Our
    capacities, integrated from the current, must equal the cycler's counters of every step."""
    import NewareNDA

    from paper_lib import capacity

    ds = read("neware_cccv.nda", "cell")
    frame = NewareNDA.read(str(REAL / "neware_cccv.nda"))
    assert float(ds.time[-1]) == pytest.approx(float(frame.Time.iloc[-1] - frame.Time.iloc[0]), rel=1e-6)
    table = capacity.cycles(ds, active_mass_mg=1000.0)  # per gram = per Ah here
    by_step = frame.groupby("Step").agg(charged=("Charge_Capacity(mAh)", "max"),
                                        discharged=("Discharge_Capacity(mAh)", "max"))
    discharges = by_step.discharged[by_step.discharged > 0].to_numpy()
    charges = by_step.charged[by_step.charged > 0].to_numpy()  # CC then CV steps of each charge
    assert table.discharge.values[:2] == pytest.approx(discharges[:2], rel=2e-4)
    assert table.charge.values[0] == pytest.approx(charges[0] + charges[1], rel=2e-4)
    assert table.attrs["column_deviation_mAh_g"] < 5e-4 * charges[0]
    assert table.attrs["first_half_cycle"] == "discharge"


def test_neware_ndax_and_arbin_csv_writers_round_trip(tmp_path):
    """The reference dataset's writers: what is written is what the readers give back, and the files'
    capacity counters (restarting at every step or cycle) become one continuous charge."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "data"))
    from generator.cycler_writers import write_arbin_csv, write_ndax

    t = np.r_[0.0, 300.0, 600.0, 601.0, np.arange(900.0, 3901.0, 300.0), 3901.0, 4200.0]
    i = np.r_[0, 0, 0, np.full(12, -0.5), 0, 0]
    step = np.r_[1, 1, 1, np.full(12, 2), 3, 3]
    v = 1.55 - 1e-5 * t
    state = ["Rest" if x == 0 else "CC_DChg" for x in i]
    write_ndax(tmp_path / "c.ndax", t, v, i, step, np.ones(t.size, int), state)
    write_arbin_csv(tmp_path / "c.csv", t, v, i, step, np.ones(t.size, int))
    for name in ("c.ndax", "c.csv"):
        ds = read(name, "cell", tmp_path)
        assert ds.time.values == pytest.approx(t) and ds.current.values == pytest.approx(i, abs=1e-6)
        assert ds.voltage.values == pytest.approx(v, abs=1e-6) and ds.charge.attrs["source"] == "file"
        assert float(ds.charge[-1]) == pytest.approx(-0.5 * 3300 / 3600, rel=1e-3), name


def test_counters_that_restart_are_stitched():
    from paper_lib.cycler import stitch_counter

    t = np.arange(10.0) * 3600
    i = np.r_[0, 1, 1, 1, 0, -1, -1, -1, 0, 0]  # mA: 1 mAh per hour
    per_step = np.r_[0, 1, 2, 3, 0, -1, -2, -3, 0, 0]  # Neware-like, each step from zero
    assert stitch_counter(t, i, per_step) == pytest.approx([0, 1, 2, 3, 3, 2, 1, 0, 0, 0])
    running = np.r_[0, 1, 2, 3, 3, 2, 1, 0, 0, 0]
    assert stitch_counter(t, i, running) == pytest.approx(running)  # nothing to stitch


def test_neware_csv_record_export():
    """cellpy's Neware export: times as h:mm:ss past 24 h, currents in A, the program's step index."""
    ds = read("cellpy_neware_uio_rows2039-3479.csv", "gcpl")
    assert float(ds.time[0]) == 30 * 3600 + 45 * 60
    assert float(ds.current.min()) == pytest.approx(-0.24872, abs=1e-6)  # -0.00024872 A
    assert [n for _, n in runs(ds.step.values)] == [6, 16, 171, 16, 152, 16, 1028, 20, 16]
    assert [k for k, _ in runs(ds.half_cycle.values)] == [1, 2, 3]  # discharge, charge, discharge


def test_arbin_csv_export():
    ds = read("arbin_export.csv", "cycling", DATA)
    assert ds.sizes["time"] == 135 and float(ds.time[0]) == 30.0
    assert float(ds.current.max()) == pytest.approx(1.5)  # 0.0015 A
    assert [n for _, n in runs(ds.step.values)] == [10, 30, 5, 30, 30, 30]
    assert float(ds.charge.max()) == pytest.approx(2 * 0.0015e3 * 30 * 30 / 3600 / 2, rel=0.1)


def test_chi_cv_text_export():
    ds = read("chi_cv.txt", "cv", DATA)
    assert ds.attrs["format"] == "chi-txt" and ds.attrs["scan_rate_V_s"] == 0.001
    assert ds.attrs["instrument"] == "CHI660E"
    assert [k for k, _ in runs(ds.half_cycle.values)] == [1, 2, 3]
    assert float(ds.time[-1]) == pytest.approx((2.5 + 5.2 + 2.7 - 0.01) / 0.001, rel=1e-3)
    assert float(ds.current.max()) == pytest.approx(2e-4 * np.exp(0.1 / 0.05), rel=0.01)  # mA, at 5.0 V


@pytest.mark.parametrize("name,kind,fmt", [("yadg_cv.mpr", "cv", "biologic-mpr"), ("yadg_cv_first1500.mpt", "cv", "biologic-mpt"),
                                           ("neware_rest.ndax", "gcpl", "neware-ndax"), ("neware_cccv.nda", "cell", "neware-ndax"),
                                           ("cellpy_neware_uio_rows2039-3479.csv", "ccd", "cycler-csv")])
def test_formats_are_sniffed_by_content(name, kind, fmt, tmp_path):
    real = DATA.parent / "real" / "cycler" / name
    assert readers.sniff(real, kind) == fmt
    renamed = tmp_path / f"export{'.txt' if real.suffix != '.txt' else '.dat'}"
    renamed.write_bytes(real.read_bytes())
    assert readers.sniff(renamed, kind) == fmt, "the content decides, not the name"
    assert readers.sniff(DATA / "chi_cv.txt", "cv") == "chi-txt"


def test_a_table_under_a_binary_name_is_read_as_what_it_holds(tmp_path):
    (tmp_path / "x.mpr").write_text("Test_Time(s),Current(A),Voltage(V)\n")
    assert readers.sniff(tmp_path / "x.mpr", "ccd") == "cycler-csv"
    assert readers.reader("biologic-mpt", "eis").__module__.endswith("eis_biologic")
    assert readers.reader("biologic-mpt", "ccd").__module__.endswith("cycler_biologic")


def test_truncated_mpt_row_is_named(tmp_path):
    lines = (REAL / "yadg_ca.mpt").read_text(encoding="latin-1").splitlines()
    lines[-1] = lines[-1].split("\t")[0]  # a row cut after its first field
    bad = tmp_path / "cut.mpt"
    bad.write_text("\n".join(lines) + "\n", encoding="latin-1")
    with pytest.raises(InputError, match=rf"cut.mpt, line {len(lines)}, field '.*': expected a number"):
        readers.read_file(bad, kind="ca")


def test_missing_current_and_bad_numbers_are_named(tmp_path):
    bad = tmp_path / "nocurrent.csv"
    bad.write_text("Test_Time(s),Voltage(V),Step_Index\n1,3.2,1\n")
    with pytest.raises(InputError, match="expected a header row naming time, voltage and current"):
        readers.read_file(bad, kind="gcpl")
    garbled = tmp_path / "garbled.csv"
    text = (DATA / "arbin_export.csv").read_text().replace("3.200000", "3.2O0000", 1)
    garbled.write_text(text)
    with pytest.raises(InputError, match=r"garbled.csv, line 2, field 'voltage\(v\)': expected a number"):
        readers.read_file(garbled, kind="gcpl")


def test_not_an_mpr_or_ndax_is_refused(tmp_path):
    for name, kind in (("junk.mpr", "cv"), ("junk.ndax", "gcpl")):
        (tmp_path / name).write_bytes(b"not a cycler file")
        with pytest.raises(InputError, match=name):
            readers.read_file(tmp_path / name, kind=kind)


def test_durations_as_cyclers_write_them():
    import pandas as pd

    from paper_lib.readers.cycler_text import _seconds

    text = pd.Series(["30:45:00", "1-02:03:04", "1 days 02:03:04", "0:00:01.5"])
    assert _seconds(text, "x.csv", 2, "time").tolist() == [110700.0, 93784.0, 93784.0, 1.5]
    with pytest.raises(InputError, match=r"x.csv, line 3, field 'time': expected a time in s or h:mm:ss"):
        _seconds(pd.Series(["0:00:01", "soon"]), "x.csv", 2, "time")


def test_the_generators_ec_lab_writers_read_back(tmp_path):
    """data/generator/cycler_writers.py writes .mpt and .mpr as EC-Lab lays them out: the readers return
    the values written (to the precision of the format) and the technique."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "data"))
    from generator.cycler_writers import write_mpr, write_mpt

    t = np.arange(400) * 2.0
    current = np.where((t // 200) % 2 == 0, 0.785, -0.785)
    columns = {"time/s": t, "Ewe/V": 0.03 * np.sign(current), "<I>/mA": current,
               "(Q-Qo)/mA.h": np.cumsum(current) * 2 / 3600, "Ns": (t // 200).astype(int) % 2}
    write_mpt(tmp_path / "a.mpt", "GCPL", columns)
    write_mpr(tmp_path / "a.mpr", "GCPL", columns)
    for name in ("a.mpt", "a.mpr"):
        ds = readers.read_file(tmp_path / name, kind="ccd")
        assert np.allclose(ds.current, current) and np.allclose(ds.voltage, columns["Ewe/V"], atol=1e-7)
        assert np.allclose(ds.charge, columns["(Q-Qo)/mA.h"]) and np.array_equal(ds.time, t)
        assert [n for _, n in runs(ds.step.values)] == [100, 100, 100, 100]
        assert int(ds.cycle.max()) == 2
    assert readers.read_file(tmp_path / "a.mpr", kind="ccd").attrs["technique"] == "GCPL"
    assert readers.read_file(tmp_path / "a.mpt", kind="ccd").attrs["technique"].startswith("Galvanostatic")
