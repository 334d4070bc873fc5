"""Symmetric-cell segments and the critical current density, on step tests made with known parameters."""

import numpy as np
import pytest

import cells
from paper_lib import ccd, cycler, symmetric

AREA = 0.785
DT = 5.0


def step_test(r=30.0, j0=2.0, t_c=60.0, fail_at=4.0, micro=(), last=5.0, glitches=(), drift=0.0, seed=0):
    """A CCD test from the model the analysis fits: 20 min per half-cycle, 1 min rests, 0.5 mA/cm2 steps;
    a hard short (1 ohm cm2) at 40 % of the first half-cycle at ``fail_at``, a 30 s dip to 30 % in each
    half-cycle at the levels in ``micro``; the resistance falling by ``drift`` over the test."""
    g = np.random.default_rng(seed)
    t, j, step = cells.program([(d, s) for level in np.arange(0.5, last + 1e-9, 0.5)
                                for d, s in ((level, 1200), (0.0, 60), (-level, 1200), (0.0, 60))], DT)
    scale = 1 - drift * t / t[-1]
    v = np.sign(j) * ccd.interface_model(j, r * scale, j0, t_c)
    for level in micro:
        for sign in (1, -1):
            k = np.flatnonzero((np.abs(j - sign * level) < 1e-9))
            v[k[100]:k[106]] *= 0.3
    onset = None
    if fail_at is not None:
        onset = int(np.flatnonzero(np.abs(j - fail_at) < 1e-9)[0] + 0.4 * 240)
        v[onset:] = j[onset:] * 1e-3 * 1.0
    for k in glitches:
        v[k] = 0.0
    v = v + g.normal(0, 2e-4, v.size)
    return cycler.dataset(t, v, j * AREA, step=step), None if onset is None else t[onset]


def test_ccd_is_the_last_step_survived_with_the_failure_time():
    ds, onset = step_test(fail_at=4.0)
    table = symmetric.segments(ds, AREA)
    result = ccd.critical_current_density(table)
    assert result.ccd.value == pytest.approx(3.5, rel=1e-9)
    assert result.bracket == pytest.approx((3.5, 4.0))
    assert result.ccd.stderr == pytest.approx(0.5 / np.sqrt(12))
    assert result.failure_h * 3600 == pytest.approx(onset, abs=DT)
    assert result.kind == "hard short" and result.persistent
    assert list(table.state.values[:14]) == ["ok"] * 14 and set(table.state.values[14:]) == {"short"}


def test_micro_shorts_are_found_and_do_not_count_as_failure():
    ds, _ = step_test(fail_at=4.5, micro=(3.0, 3.5))
    result = ccd.critical_current_density(symmetric.segments(ds, AREA))
    assert result.ccd.value == pytest.approx(4.0) and result.bracket == pytest.approx((4.0, 4.5))
    assert [m[0] for m in result.micro_shorts] == pytest.approx([3.0, 3.0, 3.5, 3.5])
    assert all(abs(m[2] - 0.3) < 0.05 for m in result.micro_shorts)
    assert result.strict == pytest.approx(2.5)  # the last step without a micro-short


def test_glitches_drift_and_nonlinearity_are_not_shorts():
    """Single-sample dropouts, a resistance falling by 30 % over the test and a strongly nonlinear
    interface (j0 = 0.3 mA/cm2) leave every segment before the failure intact."""
    ds, _ = step_test(j0=0.3, drift=0.3, fail_at=5.0, glitches=(1000, 2100, 3300))
    table = symmetric.segments(ds, AREA)
    assert set(table.state.values[:18]) == {"ok"}
    assert ccd.critical_current_density(table).ccd.value == pytest.approx(4.5)


def test_a_cell_that_fails_at_its_second_step():
    """The first segment is the reference of the intact cell (symmetric.segments): the earliest
    failure it can see is in the second segment."""
    ds, _ = step_test(fail_at=1.0, last=1.5)
    result = ccd.critical_current_density(symmetric.segments(ds, AREA))
    assert result.ccd.value == pytest.approx(0.5) and result.bracket == pytest.approx((0.5, 1.0))


def test_a_cell_that_does_not_fail_has_no_ccd():
    ds, _ = step_test(fail_at=None, last=4.5)
    result = ccd.critical_current_density(symmetric.segments(ds, AREA))
    assert result.ccd is None and result.highest_mA_cm2 == pytest.approx(4.5) and result.kind == "none"


def test_interface_fit_recovers_r_and_j0():
    for r, j0 in ((30.0, 2.0), (110.0, 1.2), (28.0, 0.8)):
        ds, _ = step_test(r=r, j0=j0, fail_at=None, seed=int(r))
        fit = ccd.fit_interface(symmetric.segments(ds, AREA), 60.0)
        assert abs(fit.resistance.value - r) < max(4 * fit.resistance.stderr, 1e-3 * r)
        assert abs(fit.exchange_current.value - j0) < max(4 * fit.exchange_current.stderr, 2e-3 * j0)
        assert fit.resistance.stderr < 0.02 * r


def test_levels_group_the_set_current():
    assert list(ccd.levels([0.5, -0.5004, 1.0002, -0.9998, 1.5])) == pytest.approx([0.5002, 0.5002, 1.0, 1.0, 1.5])


def test_no_segments_is_a_clear_error():
    ds = cycler.dataset(np.arange(10.0), np.zeros(10), np.zeros(10), attrs={"source_file": "rest.csv"})
    with pytest.raises(ValueError, match="rest.csv: no constant-current segments"):
        symmetric.segments(ds, AREA)


def test_fit_needs_three_levels():
    ds, _ = step_test(fail_at=1.5)
    with pytest.raises(ValueError, match="fewer than 3 current densities"):
        ccd.fit_interface(symmetric.segments(ds, AREA), 60.0)


def test_a_full_cell_is_refused():
    """A cell resting at 3.4 V is not a symmetric Li cell: the error names the file and the voltage."""
    t = np.arange(200.0)
    i = np.where((t // 50) % 2 == 0, 0.0, 1.0)
    ds = cycler.dataset(t, 3.4 + 0.01 * i, i, attrs={"source_file": "full.mpr"})
    with pytest.raises(ValueError, match=r"full.mpr: the cell rests at 3.400 V; expected a symmetric"):
        symmetric.segments(ds, AREA)
