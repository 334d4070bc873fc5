"""Cycler segmentation recovers the steps, half-cycles, cycles and charge of known programs, with
noise, glitches and rest periods; a CV's sweeps are found from a noisy potential."""

import itertools

import numpy as np
import pytest

from paper_lib import cycler


def runs(values):
    return [(int(k), len(list(g))) for k, g in itertools.groupby(values)]


def program(steps, dt=1.0, noise=0.004, seed=3):
    """Current (mA) of a step program ``[(current, points), ...]`` with measurement noise; time in s."""
    rng = np.random.default_rng(seed)
    current = np.concatenate([np.full(n, c, float) for c, n in steps])
    current = current + rng.normal(0, noise, current.size) * np.maximum(np.abs(current), 0.05)
    return np.arange(current.size) * dt, current


def test_plating_stripping_program_is_segmented_from_the_data():
    steps = [(0, 60), (0.5, 300), (0, 30), (-0.5, 300), (0, 30), (1.0, 300), (0, 30), (-1.0, 300), (2.0, 300),
             (-2.0, 300)]
    t, i = program(steps)
    i[700] = -4.0  # a one-point glitch inside the +1 mA half-cycle
    ds = cycler.dataset(t, 0.02 * np.sign(i), i)
    assert runs(ds.step.values) == [(k + 1, n) for k, (_, n) in enumerate(steps)]
    assert runs(ds.half_cycle.values) == [(1, 390), (2, 330), (3, 330), (4, 300), (5, 300), (6, 300)]
    assert runs(ds.cycle.values) == [(1, 720), (2, 630), (3, 600)]
    # after the first plating step: 0.5 mA for 300 s, within the half point the trapezoid gives each edge
    assert float(ds.charge[359]) == pytest.approx(0.5 * 300 / 3600, abs=0.5 * 0.5 / 3600 + 1e-5)
    assert ds.current.attrs["units"] == "mA" and ds.charge.attrs["units"] == "mAh" and ds.time.attrs["units"] == "s"


def test_charge_is_the_integral_of_the_current():
    t = np.linspace(0, 7200, 721)  # two hours
    q = cycler.charge_from_current(t, np.full(t.size, 3.0))
    assert q[-1] == pytest.approx(6.0)  # 3 mA for 2 h
    assert cycler.charge_from_current(t, np.sin(2 * np.pi * t / 3600))[-1] == pytest.approx(0, abs=1e-9)


def test_steps_follow_the_file_counter_numbered_as_run():
    t, i = program([(0.2, 10), (-0.2, 10), (0.2, 10), (-0.2, 10)])
    counter = np.repeat([2, 3, 2, 3], 10)  # the program's steps 2 and 3, repeated in every cycle
    ds = cycler.dataset(t, np.zeros(40), i, step=counter)
    assert runs(ds.step.values) == [(1, 10), (2, 10), (3, 10), (4, 10)]


def test_cv_sweeps_are_found_from_a_noisy_potential():
    rng = np.random.default_rng(5)
    vertices = [2.5, 5.0, -0.2, 5.0, -0.2, 2.5]  # OCV -> 5 V -> -0.2 V -> 5 V -> -0.2 V -> back
    e = np.concatenate([np.linspace(a, b, int(abs(b - a) / 0.002), endpoint=False)
                        for a, b in zip(vertices[:-1], vertices[1:])])
    noisy = e + rng.normal(0, 3e-4, e.size)
    ds = cycler.dataset(np.arange(e.size) * 80.0, noisy, 1e-3 * np.sin(e), by="sweep")
    lengths = [n for _, n in runs(ds.half_cycle.values)]
    expected = [int(abs(b - a) / 0.002) for a, b in zip(vertices[:-1], vertices[1:])]
    assert len(lengths) == 5
    assert all(abs(n - m) <= 6 for n, m in zip(lengths, expected)), (lengths, expected)
    assert int(ds.cycle.max()) == 3 and set(np.unique(ds.step)) == {1}


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="differ in length"):
        cycler.dataset([0, 1, 2], [3.0, 3.0], [1.0, 1.0, 1.0])
