"""Cell cycling: capacities, efficiencies, mean voltages, retention, rate steps and dQ/dV, recovered
from records made with known values."""

import numpy as np
import pytest

import cells
from paper_lib import capacity, cycler

MASS_MG, ONE_C = 10.0, 120.0  # mg of LiCoO2, mAh/g
DT = 1.0


def cell(cycles_spec, v_low=3.7, v_high=4.2, first=1):
    """Charge then discharge per cycle at ``(C-rate, charge mAh/g, discharge mAh/g)``, 10 min rests; the
    voltage linear in the state of charge between ``v_low`` and ``v_high`` (capacity-weighted mean: the
    midpoint of the range swept)."""
    segments, voltages = [], []
    for rate, q_ch, q_dis in cycles_spec:
        i = rate * ONE_C * MASS_MG * 1e-3  # mA
        for sign, q in ((1, q_ch), (-1, q_dis))[::first]:
            seconds = q * MASS_MG * 1e-3 / i * 3600
            segments += [(sign * i / (0.785), seconds), (0.0, 600.0)]
    t, j, step = cells.program(segments, DT)
    i = j * 0.785
    q = np.r_[0.0, np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))] / 3600 / (MASS_MG * 1e-3)  # mAh/g
    v = v_low + (v_high - v_low) * (q - q.min()) / (q.max() - q.min())
    # the cycler's own charge column: its counter adds I dt at each sample (a rectangle sum)
    counted = np.r_[0.0, np.cumsum(i[1:] * np.diff(t))] / 3600
    return cycler.dataset(t, v, i, step=step, charge_mAh=counted), v


def test_capacities_efficiency_voltage_and_rate_are_recovered():
    ds, _ = cell([(0.2, 128.3, 125.2)])
    table = capacity.cycles(ds, MASS_MG, ONE_C, mass_stderr_mg=0.1)
    row = table.sel(cycle=1)
    assert float(row.charge) == pytest.approx(128.3, abs=0.05) and float(row.discharge) == pytest.approx(125.2, abs=0.05)
    assert float(row.efficiency) == pytest.approx(100 * 125.2 / 128.3, abs=0.05)
    assert float(row.c_rate) == pytest.approx(0.2, rel=1e-6)
    assert float(row.charge_stderr) == pytest.approx(0.01 * 128.3, rel=0.05)  # the 1 % of the mass dominates
    # linear profile from 3.7 V: the charge sweeps 3.7 -> 4.2, the discharge back down by 125.2/128.3 of it
    assert float(row.charge_voltage) == pytest.approx(3.95, abs=2e-3)
    low = 4.2 - 0.5 * 125.2 / 128.3
    assert float(row.discharge_voltage) == pytest.approx(0.5 * (4.2 + low), abs=2e-3)
    # trapezoids against the counter's rectangles: half a sample of current at each of the 4 steps' edges
    edge = 0.5 * 0.2 * ONE_C * MASS_MG * 1e-3 * DT / 3600 / (MASS_MG * 1e-3)
    assert table.attrs["column_deviation_mAh_g"] == pytest.approx(2 * edge, rel=0.05)
    bare = cycler.dataset(ds.time.values, ds.voltage.values, ds.current.values, step=ds.step.values)
    assert "column_deviation_mAh_g" not in capacity.cycles(bare, MASS_MG, ONE_C).attrs  # no column, no check
    assert table.charge.attrs["units"] == "mAh/g"
    assert 0 < float(row.charge_voltage_stderr) < 2e-3 and 0 < float(row.efficiency_stderr) < 0.05


def test_a_voltage_profile_is_the_half_cycle_over_its_capacity():
    ds, v = cell([(0.2, 128.3, 125.2), (0.2, 125.0, 124.0)])
    profile = capacity.curve(ds, MASS_MG, 2, "discharge")
    assert float(profile.capacity[-1]) == pytest.approx(124.0, abs=0.05) and float(profile.capacity[0]) == 0
    assert profile.capacity.attrs["units"] == "mAh/g" and profile.attrs["units"] == "V"
    left = 128.3 - 125.2 + 125.0 - 124.0  # mAh/g still in the cell: the profile's end on the linear curve
    assert float(profile[-1]) == pytest.approx(3.7 + 0.5 * left / 128.3, abs=1e-3)
    with pytest.raises(ValueError, match="no charge in cycle 3"):
        capacity.curve(ds, MASS_MG, 3, "charge")


def test_retention_against_a_reference_cycle():
    spec = [(0.5, 120.0 - k, 119.0 - k) for k in range(5)]
    table = capacity.cycles(cell(spec)[0], MASS_MG, ONE_C, mass_stderr_mg=0.0)
    kept = capacity.retention(table, 5, reference=1)
    assert kept.value == pytest.approx(100 * 115 / 119, abs=0.05) and kept.units == "%"
    assert 0 < kept.stderr < 0.05
    weighed = capacity.cycles(cell(spec)[0], MASS_MG, ONE_C, mass_stderr_mg=0.2)  # 2 % of the mass
    assert float(weighed.reversible_stderr[0]) > 0.019 * 119  # each capacity carries the mass's error ...
    assert capacity.retention(weighed, 5).stderr == pytest.approx(kept.stderr, rel=1e-6)  # ... the ratio does not


def test_rate_steps_are_found_from_the_current():
    rates = [0.1, 0.1, 0.2, 0.2, 0.5, 0.5, 1.0, 1.0, 0.1, 0.1]
    table = capacity.cycles(cell([(r, 100.0, 99.0) for r in rates])[0], MASS_MG, ONE_C)
    steps = capacity.rate_steps(table)
    assert [(round(r, 3), a, b) for r, a, b in steps] == [(0.1, 1, 2), (0.2, 3, 4), (0.5, 5, 6), (1.0, 7, 8), (0.1, 9, 10)]
    with pytest.raises(ValueError, match="give the 1 C capacity"):
        capacity.rate_steps(capacity.cycles(cell([(0.1, 100.0, 99.0)])[0], MASS_MG))


def test_dqdv_peaks_at_a_plateau():
    v = np.linspace(3.7, 4.1, 3000)
    q = 100 / (1 + np.exp(-(v - 3.9) / 0.01)) + 50 * (v - 3.7)  # a two-phase plateau at 3.9 V
    curve = capacity.dqdv(v, q)
    assert float(curve.voltage[int(np.argmax(curve.values))]) == pytest.approx(3.9, abs=0.005)
    assert "Savitzky-Golay" in curve.attrs["smoothing"] and curve.attrs["units"] == "mAh/g/V"


def test_a_wrong_mass_is_refused():
    with pytest.raises(ValueError, match="active mass must be positive, got 0"):
        capacity.cycles(cell([(0.2, 100.0, 99.0)])[0], 0)


def test_a_cell_that_starts_with_a_discharge_is_out_over_in():
    """An LTO electrode against Li: lithiated (discharge) first, the charge is what comes back."""
    spec = [(0.05, 112.0, 139.5), (0.05, 113.0, 113.4), (0.05, 115.0, 115.2), (0.05, 114.0, 114.1)]
    table = capacity.cycles(cell(spec, first=-1)[0], MASS_MG, 175.0)
    assert table.attrs["first_half_cycle"] == "discharge"
    assert table.reversible.values == pytest.approx([112.0, 113.0, 115.0, 114.0], abs=0.05)
    assert float(table.efficiency.sel(cycle=1)) == pytest.approx(100 * 112.0 / 139.5, abs=0.05)  # the ICE
    assert capacity.best_cycle(table) == 3
    assert capacity.retention(table, 4, reference=capacity.best_cycle(table)).value == pytest.approx(100 * 114 / 115, abs=0.05)
    mean = capacity.mean_efficiency(table)
    expected = [100 * 113.0 / 113.4, 100 * 115.0 / 115.2, 100 * 114.0 / 114.1]
    assert mean.value == pytest.approx(np.mean(expected), abs=0.02)
    assert mean.stderr == pytest.approx(np.std(expected, ddof=1) / np.sqrt(3), rel=0.1)
    with pytest.raises(ValueError, match="need at least 2 cycles from cycle 4"):
        capacity.mean_efficiency(table, first=4)


def test_one_cycle_carries_the_cycle_to_cycle_scatter():
    g = np.random.default_rng(7)
    noise = g.normal(0, 0.3, 40)
    spec = [(0.5, 101.0 + e, 100.0 + e) for e in noise]
    table = capacity.cycles(cell(spec)[0], MASS_MG, ONE_C)
    assert table.attrs["cycle_scatter_mAh_g"] == pytest.approx(0.3, rel=0.35)  # 38 differences
    one = capacity.at(table, 20)
    assert one.stderr == pytest.approx(table.attrs["cycle_scatter_mAh_g"], rel=0.01) and one.units == "mAh/g"
    kept = capacity.retention(table, 40)
    assert kept.stderr == pytest.approx(100 * np.sqrt(2) * table.attrs["cycle_scatter_mAh_g"] / 100, rel=0.05)
    steady = capacity.cycles(cell([(0.5, 101.0, 100.0)] * 3)[0], MASS_MG, ONE_C)
    assert steady.attrs["cycle_scatter_mAh_g"] == 0.0  # too few cycles to tell
