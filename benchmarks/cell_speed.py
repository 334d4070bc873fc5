"""Benchmark of the cell analysis on a long test: 400 cycles of raw data to the per-cycle table.

    .venv/bin/python benchmarks/cell_speed.py [--cycles 400] [--points 1000] [--repeat 3]

A LiCoO2-like record (charge and discharge of ``points`` samples each, 10-sample rests) is built in
memory; the figures are the time of paper_lib.cycler.dataset (segmentation) and of
paper_lib.capacity.cycles (integration, mean voltages, C-rates). Target: a few seconds for 400 cycles.
How: one pass over the half-cycle boundaries, numpy sums within each.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paper_lib import capacity, cycler  # noqa: E402


def record(n_cycles, points):
    """Time (s), voltage (V) and current (mA) of ``n_cycles`` at 0.5 C of 10 mg (0.6 mA)."""
    rng = np.random.default_rng(2)
    ramp = np.linspace(0.0, 1.0, points)
    one = np.r_[3.7 + 0.5 * ramp, np.full(10, 4.15), 4.2 - 0.5 * ramp, np.full(10, 3.75)]
    amps = np.r_[np.full(points, 0.6), np.zeros(10), np.full(points, -0.6), np.zeros(10)]
    v = np.tile(one, n_cycles) + rng.normal(0, 1e-4, one.size * n_cycles)
    i = np.tile(amps, n_cycles)
    t = 10.0 * np.arange(v.size)
    return t, v, i


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=400)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    t, v, i = record(args.cycles, args.points)
    seg, ana = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        ds = cycler.dataset(t, v, i)
        mid = time.perf_counter()
        table = capacity.cycles(ds, 10.0, 120.0)
        seg.append(mid - start)
        ana.append(time.perf_counter() - mid)
    print(f"{args.cycles} cycles, {t.size} rows: segmentation {statistics.median(seg):.3f} s, "
          f"capacities {statistics.median(ana):.3f} s (median of {args.repeat}); "
          f"{table.sizes['cycle']} cycles found, discharge {float(table.discharge.mean()):.2f} mAh/g")


if __name__ == "__main__":
    main()
