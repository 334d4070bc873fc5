"""Reference critical-current-density (CCD) tests of Li|SSE|Li cells -- generated, not measured.

Figure 3d, 3e and S28: galvanostatic Li stripping and plating at step-increased current densities,
0.5 mA/cm2 more per step, each step one cycle of 30 min stripping (working electrode, current > 0),
1 min rest, 30 min plating, 1 min rest, after a 1 h open-circuit rest; sampled every 5 s:
The CCD is the last step a cell survives; it shorts in the next one.
* LiBH4, 120 degC, CCD 3.5 mA/cm2 (article): shorts at 4.0; the record stops after the 4.5 step
  (EC-Lab .mpr);
* LiBH4-70LiNBH, 60 degC, program 0.5 to 10 mA/cm2 (article), CCD 7.5 (article): shorts at 8.0;
  stopped after the 8.5 step (EC-Lab .mpr);
* LiBH4-70LiNBH, 30 degC, CCD 6.5 (article) with micro-shorts at 6.0 and 6.5 mA/cm2 (the article's
  'slight evidence of micro short-circuiting'): shorts at 7.0; stopped after the 7.5 step (Neware
  record CSV: Cumulative Time h:mm:ss, Current(A) to 0.01 uA, Voltage(V) to 0.1 mV).
Step size, half-cycle time, rests and pellet thickness are assumed (the article states none).

Forward model of the cell voltage, richer than the plateau-and-short classification the analysis uses:
  V = j R_b (1 + 0.005 sin(2 pi t / 40 min), the oven's regulation) + (2RT/F) asinh(j / 2 j0)
      (both interfaces, Butler-Volmer with alpha = 1/2) + eta_nuc exp(-t_h / 40 s) (nucleation overshoot
      at the start of every half-cycle, 30 % of the interfaces' share) + 0.08 j R_b (t_h / 30 min)^3
      (pitting and depletion towards the end of a half-cycle), relaxing with tau 20 s in the rests;
  R_b = L / sigma (sigma from the EIS reference model), j0 the exchange current density.
Failure, at a random time in the first half-cycle of the failing step: a soft short (6-10 min of
telegraph noise, |V| switching between 15 and 100 % of its value), then a hard short, |V| = j R_short
(1.5 ohm cm2) + N(0, 1 mV) to the end of the record: a sudden collapse, and a voltage that no longer
follows the current's nonlinear law. A micro-short: |V| drops to 25-45 % for 15-45 s and recovers
exponentially (tau 10 s). Measurement: N(0, 0.2 mV), three single-sample contact glitches per test,
current noise 0.05 % of the set value; EC-Lab Ewe quantised to 50 uV.
Cells: 0.785 cm2 Li foils. Seeds: common.rng(file name).
"""

import numpy as np

from . import eis as eis_model
from .common import reference_path, rng, write_manifest
from .cycler_writers import write_mpr, write_neware_csv

F_OVER_R = 96485.33212 / 8.314462618
AREA_CM2 = 0.785
DT = 5.0
HALF_S, REST_S, OCV_S = 1800.0, 60.0, 3600.0
STEP_MA_CM2 = 0.5
R_SHORT = 1.5  # ohm cm2
CELLS = {  # name: sample, temperature, thickness mm, j0 mA/cm2, failing step, last step, micro-shorts, format
    "ccd/Li-LiBH4-Li_120C_CCD.mpr": ("LiBH4", 120, 0.50, 0.8, 4.0, 4.5, (), "biologic-mpr"),
    "ccd/Li-LiBH4-70LiNBH-Li_060C_CCD.mpr": ("LiBH4-70LiNBH", 60, 0.25, 2.3, 8.0, 8.5, (), "biologic-mpr"),
    "ccd/Li-LiBH4-70LiNBH-Li_030C_CCD.csv": ("LiBH4-70LiNBH", 30, 0.25, 1.2, 7.0, 7.5, (6.0, 6.5), "cycler-csv"),
}
PANELS = {"LiBH4": "3d", 60: "3e", 30: "S28"}


def program(last_step):
    """Time (s), set current density (mA/cm2), time within the half-cycle (s), step number and the
    step's current density of every sample."""
    segments = [(OCV_S, 0.0, 0.0)]
    for k in range(1, int(round(last_step / STEP_MA_CM2)) + 1):
        j = k * STEP_MA_CM2
        segments += [(HALF_S, j, j), (REST_S, 0.0, j), (HALF_S, -j, j), (REST_S, 0.0, j)]
    t, j, th, step, level = [], [], [], [], []
    start = 0.0
    for number, (duration, density, step_level) in enumerate(segments, 1):
        n = int(round(duration / DT))
        t.append(start + DT * np.arange(1, n + 1))
        j.append(np.full(n, density))
        th.append(DT * np.arange(1, n + 1))
        step.append(np.full(n, number))
        level.append(np.full(n, step_level))
        start += duration
    return tuple(np.concatenate(x) for x in (t, j, th, step, level))


def healthy(t, j, th, sample, t_c, thickness_mm, j0, half_s=HALF_S, r_extra=0.0, ocv_s=OCV_S):
    """The voltage of the intact cell (V) along the program; ``r_extra``: interphase resistance
    (ohm cm2, a number or one per sample) on top of the electrolyte's."""
    r_b = thickness_mm / 10.0 / float(eis_model.sigma(sample, t_c)) + r_extra  # ohm cm2
    two_rt_f = 2.0 / (F_OVER_R / (t_c + 273.15))
    ohmic = j * 1e-3 * r_b * (1 + 0.005 * np.sin(2 * np.pi * t / 2400.0))
    interface = two_rt_f * np.arcsinh(j / (2 * j0))
    v = ohmic + interface * (1 + 0.3 * np.exp(-th / 40.0)) + 0.08 * j * 1e-3 * r_b * (th / half_s) ** 3
    # rests: the polarization of the half-cycle before relaxes with tau = 20 s
    rest = j == 0
    previous = np.maximum.accumulate(np.where(~rest, np.arange(j.size), 0))
    r_prev = r_b[previous] if np.ndim(r_b) else r_b
    v = np.where(rest, (interface[previous] + 0.08 * j[previous] * 1e-3 * r_prev) * np.exp(-th / 20.0), v)
    v[t <= ocv_s] = 0.0
    return v


def micro_short(g, t, v, k0, stop):
    """|V| dropping to 25-45 % at sample ``k0`` for 15-45 s, recovering with tau 10 s (to ``stop``)."""
    width = float(g.uniform(15, 45))
    depth = float(g.uniform(0.55, 0.75))
    dt = t[k0:stop + 1] - t[k0]
    v[k0:stop + 1] *= np.where(dt < width, 1 - depth, 1 - depth * np.exp(-(dt - width) / 10.0))


def short(g, j, v, onset, dt=DT):
    """A soft short from sample ``onset`` (6-10 min of telegraph noise), then a hard short to the end."""
    soft = int(round(g.uniform(360, 600) / dt))
    states = g.uniform(size=soft) < 0.5
    states = np.repeat(states[::2], 2)[:soft]  # telegraph noise: each state lasts 2 samples or more
    v[onset:onset + soft] *= np.where(states, g.uniform(0.15, 0.5, soft), g.uniform(0.8, 1.0, soft))
    hard = onset + soft
    v[hard:] = j[hard:] * 1e-3 * R_SHORT + g.normal(0, 1e-3, v.size - hard)


def failures(g, t, j, th, level, v, fail_at, micro):
    """``v`` with the micro-shorts and the failure of the step at ``fail_at`` mA/cm2."""
    v = v.copy()
    for step_j in micro:  # one or two recoverable dips in each half-cycle of the step
        for sign in (1, -1):
            idx = np.flatnonzero((level == step_j) & (np.sign(j) == sign))
            for _ in range(int(g.integers(1, 3))):
                k0 = int(g.integers(idx[0] + 60, idx[-1] - 40))
                micro_short(g, t, v, k0, idx[-1])
    first = np.flatnonzero((level == fail_at) & (j > 0))
    onset = int(first[0] + g.integers(int(0.2 * first.size), int(0.6 * first.size)))
    short(g, j, v, onset)
    return v, t[onset]


def measured(name, sample, t_c, thickness_mm, j0, fail_at, last, micro):
    """Time (s), Ewe (V), current (mA), step and the failure time (s) of one CCD test."""
    g = rng(name)
    t, j, th, step, level = program(last)
    v = healthy(t, j, th, sample, t_c, thickness_mm, j0)
    v, onset = failures(g, t, j, th, level, v, fail_at, micro)
    v = v + g.normal(0, 2e-4, v.size)
    for k in g.choice(np.arange(800, v.size), size=3, replace=False):  # contact glitches
        v[k] += g.choice([-1.0, 1.0]) * g.uniform(0.02, 0.08)
    current = j * AREA_CM2 * (1 + g.normal(0, 5e-4, j.size))
    return t, v, current, step, onset


def generate():
    """Write the CCD tests and data/manifests/ccd.yaml; return the written paths."""
    files, measurements = [], []
    for name, (sample, t_c, thickness, j0, fail_at, last, micro, fmt) in CELLS.items():
        t, v, current, step, onset = measured(name, sample, t_c, thickness, j0, fail_at, last, micro)
        path = reference_path(name)
        if fmt == "biologic-mpr":
            ewe = np.round(v / 5e-5) * 5e-5
            current = np.round(current / 3e-4) * 3e-4  # 10 mA range, 16-bit
            write_mpr(path, "GCPL", {"time/s": t, "Ewe/V": ewe,
                                     "<I>/mA": current, "(Q-Qo)/mA.h": np.r_[0.0, np.cumsum(current[1:])] * DT / 3600,
                                     "Ns": step - 1})
        else:
            cycle = np.maximum((step - 2) // 4 + 1, 1)  # the open-circuit rest, then 4 steps per cycle
            write_neware_csv(path, t, v, current, step, cycle)
        files.append(path)
        cell = f"Li|{sample}|Li"
        measurements.append({
            "id": f"ccd-{sample}-{t_c}C", "kind": "ccd", "sample": sample, "file": name, "format": fmt,
            "conditions": {"cell": cell, "temperature_C": t_c, "area_cm2": AREA_CM2, "thickness_mm": thickness,
                           "step_mA_cm2": STEP_MA_CM2, "half_cycle_h": HALF_S / 3600, "rest_min": REST_S / 60,
                           "panel": PANELS.get(sample, PANELS.get(t_c)),
                           "assumed": "step size, half-cycle time, rests and thickness (not stated in the article)"}})
    write_manifest("ccd", "Critical current density of Li|SSE|Li cells (reference data: generated)", measurements)
    return files
