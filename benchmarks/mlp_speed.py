"""Benchmark of the recomputation's potential: one CHGNet call by cell size, with and without the stress.

    .venv/bin/python benchmarks/mlp_speed.py [--threads 1] [--repeat 5] [--device cpu]

Needs the extra 'mlp' (make mlp-env). Relaxed-free Pnma LiBH4 from the published CIF, repeated to 24, 48,
96 and 192 atoms; each call after a warm-up moves one atom by 1 mÅ so nothing is cached. Prints the median
seconds per call of the relaxation's calculator (energy, forces, stress: `paper_lib.mlp`) and of the MD's
(energy and forces: `paper_lib.mlp_forces`), the MD cost that implies (steps per hour, ps per hour at
1 fs), and the peak resident memory. The README's timings of `make recompute` rest on these figures.
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paper_lib import migration, mlp, mlp_forces, paths, relaxation  # noqa: E402

REPEATS = {24: (1, 1, 1), 48: (1, 2, 1), 96: (1, 2, 2), 192: (2, 2, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    calcs = {"efsm": mlp.calculator(args.device, threads=args.threads),
             "ef": mlp_forces.calculator(args.device, threads=args.threads)}
    cell = relaxation.from_cif(paths.DATA / "structures" / "LiBH4_Pnma.cif")
    print(f"CHGNet {mlp.MODEL_VERSION} on {args.device}, {args.threads} torch thread(s)")
    print(f"{'atoms':>6} {'s/call efsm':>12} {'s/call ef':>10} {'MD steps/h':>11} {'MD ps/h at 1 fs':>16}")
    for atoms_n, repeat in REPEATS.items():
        per = {task: _median_call(migration.supercell(cell, repeat), calc, args.repeat) for task, calc in calcs.items()}
        print(f"{atoms_n:>6} {per['efsm']:>12.3f} {per['ef']:>10.3f} {3600 / per['ef']:>11.0f} {3.6 / per['ef']:>16.2f}")
    print(f"peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _median_call(atoms, calc, repeat):
    atoms.calc = calc
    atoms.get_forces()
    times = []
    for _ in range(repeat):
        atoms.positions[0, 0] += 0.001
        start = time.perf_counter()
        atoms.get_forces()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
