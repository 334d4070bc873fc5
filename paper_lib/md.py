"""Molecular dynamics with an ase calculator: NVT Langevin runs written as extended XYZ trajectories.

A run (:func:`run`): Maxwell–Boltzmann velocities at the temperature from a seeded generator (the total
momentum removed), then Langevin dynamics (``ase.md.langevin``, friction ``FRICTION`` per fs, its noise
from the same seeded generator) at the fixed cell of the relaxed structure. ``equilibration_fs`` are run
and dropped, then a frame is kept every ``interval_fs``; every frame carries its time (fs) and
temperature (K) (the centre of mass is fixed, ``FixCom``), so the file is a canonical trajectory
(:mod:`paper_lib.readers.trajectory`) and the MSD analysis of :mod:`paper_lib.diffusion` reads it like
any AIMD trajectory.

Long runs resume. Given a ``checkpoint`` file, the run saves its whole state there every
``checkpoint_fs`` of simulated time (positions, momenta, the generator's state, the frames kept so far),
by an atomic replace, and a later call with the same arguments continues from it. The dynamics'
state is exactly its positions, momenta and noise generator, so a resumed run is the uninterrupted one,
bit for bit on one machine, for a calculator whose results depend on the structure only (CHGNet builds its
graph afresh at each call). A checkpoint made with other arguments (``fingerprint``) is not used.

Units: temperature K, times fs, positions Å, momenta in ase units. The time step (default 0.5 fs)
resolves the B–H stretch (period ≈ 14 fs) with real hydrogen masses.
"""

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Langevin friction (1/fs): weak enough not to slow diffusion much, strong enough to thermalise in ps.
FRICTION = 0.002
TIMESTEP_FS = 0.5
#: Simulated time between checkpoints (fs), when a checkpoint file is given.
CHECKPOINT_FS = 500.0


@dataclass(frozen=True)
class Run:
    """A trajectory's frames (Atoms with ``info['time']`` fs and ``info['temperature']`` K)."""

    frames: list
    temperature_K: float
    timestep_fs: float
    mean_temperature_K: float
    resumed_at_fs: float | None = None


def _steps(duration_fs, interval_fs, equilibration_fs, timestep_fs):
    every = int(round(interval_fs / timestep_fs))
    if every < 1 or abs(every * timestep_fs - interval_fs) > 1e-9:
        raise ValueError(f"interval_fs {interval_fs} must be a multiple of the time step {timestep_fs} fs")
    return every, int(round(equilibration_fs / timestep_fs)), int(round(duration_fs / interval_fs))


def run(atoms, calc, temperature_K, duration_fs, interval_fs=25.0, equilibration_fs=1000.0,
        timestep_fs=TIMESTEP_FS, seed=0, friction=FRICTION, checkpoint=None, checkpoint_fs=CHECKPOINT_FS,
        fingerprint="", log=None) -> Run:
    """NVT Langevin MD of ``atoms`` at ``temperature_K`` for ``duration_fs`` after ``equilibration_fs``.

    ``checkpoint``: a file to save the state to every ``checkpoint_fs`` and to resume from; ``fingerprint``
    names what else the run depends on (the calculator, the code), so that a checkpoint of another run is
    not resumed. ``log(message)`` reports progress at each checkpoint."""
    from ase import units
    from ase.constraints import FixCom
    from ase.md.langevin import Langevin
    from ase.md.velocitydistribution import Stationary, thermalize_momenta

    every, equilibration, n_frames = _steps(duration_fs, interval_fs, equilibration_fs, timestep_fs)
    rng = np.random.default_rng(seed)
    work = atoms.copy()
    work.set_constraint(FixCom())
    work.calc = calc
    key = _key(atoms, temperature_K, duration_fs, interval_fs, equilibration_fs, timestep_fs, seed, friction,
               fingerprint)
    state = _load(checkpoint, key, len(atoms), log)
    if state is None:
        thermalize_momenta(work, temperature_K, rng=rng)
        Stationary(work)
        step, kept, temperatures = 0, [], []
    else:
        work.set_positions(state["positions"], apply_constraint=False)
        work.set_momenta(state["momenta"], apply_constraint=False)
        rng.bit_generator.state = json.loads(str(state["rng"]))
        step, kept, temperatures = int(state["step"]), list(state["frames"]), list(state["temperatures"])
    resumed = None if state is None else step * timestep_fs
    dyn = Langevin(work, timestep_fs * units.fs, temperature_K=temperature_K, friction=friction / units.fs,
                   rng=rng, fixcm=False)
    total = equilibration + n_frames * every
    between = max(1, int(round(checkpoint_fs / timestep_fs)))
    clock = (time.perf_counter(), step)

    def save():
        if checkpoint is not None:
            _save(checkpoint, key, step, work, rng, kept, temperatures)
        if log is not None:
            rate = (time.perf_counter() - clock[0]) / max(step - clock[1], 1)
            log(f"{temperature_K:g} K: {step}/{total} steps, {rate:.2f} s a step, "
                f"about {(total - step) * rate / 60:.0f} min left")

    def keep():
        kept.append(work.get_positions())
        temperatures.append(float(work.get_temperature()))

    while step < equilibration:
        n = min(between, equilibration - step)
        dyn.run(n)
        step += n
        save()
    if not kept:
        keep()
    while len(kept) < n_frames + 1:
        dyn.run(every)
        step += every
        keep()
        if (step - equilibration) % between < every or len(kept) == n_frames + 1:
            save()
    frames = [_frame(atoms, positions, k * interval_fs, t) for k, (positions, t) in enumerate(zip(kept, temperatures))]
    return Run(frames, float(temperature_K), float(timestep_fs), float(np.mean(temperatures)), resumed)


def _frame(atoms, positions, time_fs, temperature):
    frame = atoms.copy()
    frame.calc = None
    frame.set_constraint()
    frame.positions = positions
    frame.info = {"time": round(time_fs, 6), "temperature": temperature}
    return frame


def _key(atoms, *parameters) -> str:
    import hashlib

    digest = hashlib.sha256(json.dumps([repr(p) for p in parameters]).encode())
    for array in (atoms.numbers, atoms.cell.array, atoms.positions, atoms.pbc):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _load(path, key, natoms, log):
    """The state saved in ``path`` when it is this run's (same ``key``), else None."""
    if path is None or not Path(path).exists():
        return None
    try:
        with np.load(path) as saved:
            state = {name: saved[name] for name in saved.files}
    except (OSError, ValueError, KeyError) as error:
        raise ValueError(f"{path}: not a readable MD checkpoint ({error}); delete it to start afresh") from None
    if str(state.get("key")) != key or state["positions"].shape != (natoms, 3):
        if log is not None:
            log(f"{path}: a checkpoint of another run (other structure, parameters or code); starting afresh")
        return None
    return state


def _save(path, key, step, atoms, rng, kept, temperatures):
    """Write the state to ``path`` atomically (a temporary file replaced into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        np.savez(handle, key=key, step=step, positions=atoms.get_positions(), momenta=atoms.get_momenta(),
                 rng=json.dumps(rng.bit_generator.state), frames=np.array(kept).reshape(len(kept), len(atoms), 3),
                 temperatures=np.array(temperatures, dtype=float))
    os.replace(partial, path)


def write(result: Run, path):
    """Write the run as a multi-frame extended XYZ trajectory (positions Å, time fs)."""
    import ase.io

    ase.io.write(path, result.frames, format="extxyz", columns=["symbols", "positions"])
