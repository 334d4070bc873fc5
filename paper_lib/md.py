"""Molecular dynamics with an ase calculator: NVT Langevin runs written as extended XYZ trajectories.

A run (:func:`run`): Maxwell–Boltzmann velocities at the temperature from a seeded generator (the total
momentum removed), then Langevin dynamics (``ase.md.langevin``, friction ``FRICTION`` per fs, its noise
from the same seeded generator) at the fixed cell of the relaxed structure. ``equilibration_fs`` are run
and dropped, then a frame is kept every ``interval_fs``; every frame carries its time (fs) and
temperature (K) (the centre of mass is fixed, ``FixCom``), so the file is a canonical trajectory (:mod:`paper_lib.readers.trajectory`) and the
MSD analysis of :mod:`paper_lib.diffusion` reads it like any AIMD trajectory.

Units: temperature K, times fs, positions Å. The time step (default 0.5 fs) resolves the B–H stretch
(period ≈ 14 fs) with real hydrogen masses.
"""

from dataclasses import dataclass

import numpy as np

#: Langevin friction (1/fs): weak enough not to slow diffusion much, strong enough to thermalise in ps.
FRICTION = 0.002
TIMESTEP_FS = 0.5


@dataclass(frozen=True)
class Run:
    """A trajectory's frames (Atoms with ``info['time']`` fs and ``info['temperature']`` K)."""

    frames: list
    temperature_K: float
    timestep_fs: float
    mean_temperature_K: float


def run(atoms, calc, temperature_K, duration_fs, interval_fs=25.0, equilibration_fs=1000.0,
        timestep_fs=TIMESTEP_FS, seed=0, friction=FRICTION) -> Run:
    """NVT Langevin MD of ``atoms`` at ``temperature_K`` for ``duration_fs`` after ``equilibration_fs``."""
    from ase import units
    from ase.constraints import FixCom
    from ase.md.langevin import Langevin
    from ase.md.velocitydistribution import Stationary, thermalize_momenta

    every = int(round(interval_fs / timestep_fs))
    if every < 1 or abs(every * timestep_fs - interval_fs) > 1e-9:
        raise ValueError(f"interval_fs {interval_fs} must be a multiple of the time step {timestep_fs} fs")
    rng = np.random.default_rng(seed)
    work = atoms.copy()
    work.set_constraint(FixCom())
    work.calc = calc
    thermalize_momenta(work, temperature_K, rng=rng)
    Stationary(work)
    dyn = Langevin(work, timestep_fs * units.fs, temperature_K=temperature_K, friction=friction / units.fs,
                   rng=rng, fixcm=False)
    dyn.run(int(round(equilibration_fs / timestep_fs)))
    frames = []

    def keep():
        frame = work.copy()
        frame.calc = None
        frame.set_constraint()
        frame.info = {"time": round(len(frames) * interval_fs, 6),
                      "temperature": float(work.get_temperature())}
        frames.append(frame)

    keep()
    for _ in range(int(round(duration_fs / interval_fs))):
        dyn.run(every)
        keep()
    mean_t = float(np.mean([f.info["temperature"] for f in frames]))
    return Run(frames, float(temperature_K), float(timestep_fs), mean_t)


def write(result: Run, path):
    """Write the run as a multi-frame extended XYZ trajectory (positions Å, time fs)."""
    import ase.io

    ase.io.write(path, result.frames, format="extxyz", columns=["symbols", "positions"])
