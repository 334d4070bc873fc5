"""Benchmark of the cycler readers on a million-row test: how long one file takes to become the
canonical Dataset (parsing, units, segmentation into steps, half-cycles and cycles).

    .venv/bin/python benchmarks/read_speed.py [--rows 1000000] [--repeat 3]

The files are written in a temporary folder (EC-Lab .mpt with decimal commas, EC-Lab .mpr, a Neware
record CSV) from a symmetric-cell plating/stripping program. Target: under 2 s per million rows.
How: .mpt and CSV rows go through pandas' C parser, only the needed columns; .mpr is one
numpy.frombuffer (galvani); the segmentation is vectorised (runs, cumulative sums, a median filter).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "data")]

from generator.cycler_writers import write_mpr, write_mpt  # noqa: E402
from paper_lib import readers  # noqa: E402


def program(rows):
    """Plating/stripping at 0.5-10 mA in half-hour half-cycles, 1 s apart, with noise."""
    rng = np.random.default_rng(1)
    t = np.arange(rows, dtype=float)
    half = (t // 1800).astype(int)
    level = 0.5 * (1 + half // 20)
    current = np.where(half % 2 == 0, level, -level) + rng.normal(0, 0.002, rows)
    voltage = 0.04 * np.sign(current) + rng.normal(0, 1e-4, rows)
    charge = np.cumsum(current) / 3600
    return {"time/s": t, "Ewe/V": voltage, "<I>/mA": current, "(Q-Qo)/mA.h": charge, "Ns": half % 2}


def neware_csv(path, columns):
    t = columns["time/s"]
    stamp = [f"{int(s // 3600)}:{int(s % 3600 // 60):02d}:{int(s % 60):02d}" for s in t]
    with open(path, "w") as out:
        out.write("DataPoint,Cycle Index,Step Index,Step Type,Time,Cumulative Time,Current(A),Voltage(V)\n")
        for k, (s, i, v, step) in enumerate(zip(stamp, columns["<I>/mA"], columns["Ewe/V"], columns["Ns"])):
            out.write(f"{k + 1},1,{step + 2},CC,{s},{s},{i / 1000:.8f},{v:.4f}\n")


def timed(path, kind, repeat):
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        ds = readers.read_file(path, kind=kind)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), ds.sizes["time"], int(ds.half_cycle.max())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    columns = program(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        files = {"EC-Lab .mpr": Path(tmp) / "long.mpr", "EC-Lab .mpt": Path(tmp) / "long.mpt",
                 "Neware CSV": Path(tmp) / "long.csv"}
        write_mpr(files["EC-Lab .mpr"], "GCPL", columns)
        write_mpt(files["EC-Lab .mpt"], "GCPL", columns)
        neware_csv(files["Neware CSV"], columns)
        print(f"rows: {args.rows:,}")
        for label, path in files.items():
            seconds, n, halves = timed(path, "cycling", args.repeat)
            size = path.stat().st_size / 1e6
            print(f"{label:12s} {size:7.1f} MB  read {seconds:5.2f} s  ({n:,} rows, {halves} half-cycles;"
                  f" target < 2 s per million rows)")


if __name__ == "__main__":
    main()
