"""Reference long-term Li plating/stripping of Li|SSE|Li cells -- generated, not measured.

Figure 3f/3g (the article's text and caption swap the two panels): constant-current cycling after a
1 h open-circuit rest, each cycle one stripping half-cycle (working electrode, current > 0), 1 min
rest, one plating half-cycle, 1 min rest (EC-Lab GCPL loops: Ns runs 1-4 in every cycle), .mpr:
* LiBH4-70LiNBH, 60 degC, 1 mA/cm2, 30 min half-cycles, 200 h (article), sampled every 5 s: about
  40 mV (article), 46 mV at the start falling to 40 mV as the interfaces settle (6 ohm cm2 more at
  the start, decaying with tau 15 h);
* LiBH4, 120 degC, 1 mA/cm2, 30 min half-cycles: the overpotential grows (voids and filaments, 12
  ohm cm2 x (t / 40 h)^1.5), micro-shorts from 32 h, a soft then hard short at 40 h (article); the
  record stops at 46 h;
* LiBH4-70LiNBH, 60 degC, 4 mA/cm2, 15 min half-cycles, 100 h (article), sampled every 3 s: 125 mV at
  100 h (article), 115 mV at the start and an interphase growing as sqrt(t) (2.4 ohm cm2 at 100 h).
A test of 10^5 records is what such a run gives at these sampling intervals.

Cell voltage: the model of the CCD tests (generator/ccd.py: electrolyte L/sigma, two Butler-Volmer
interfaces, nucleation overshoot, end-of-half-cycle rise, relaxation in the rests, the oven's
regulation), plus the interphase resistance above, a day-night drift of the oven (+-0.3 % of the
resistance, 24 h period) and the same micro-short and short models. Measurement: N(0, 0.2 mV), Ewe
quantised to 50 uV, current to 0.3 uA (10 mA range) with 0.05 % noise; five contact glitches per test.
Half-cycle times, rests, sampling and thicknesses are assumed (the article states none).
Seeds: common.rng(file name).
"""

import numpy as np

from . import ccd
from . import eis as eis_model
from .common import reference_path, rng, write_manifest
from .cycler_writers import write_mpr

AREA_CM2 = ccd.AREA_CM2
REST_S, OCV_S = 60.0, 3600.0
CELLS = {  # name: sample, degC, mA/cm2, half-cycle s, hours, dt s, thickness mm, j0 mA/cm2, panel
    "cycling/Li-LiBH4-70LiNBH-Li_060C_1mA.mpr": ("LiBH4-70LiNBH", 60, 1.0, 1800.0, 200.0, 5.0, 0.25, 2.3, "1 mA"),
    "cycling/Li-LiBH4-Li_120C_1mA.mpr": ("LiBH4", 120, 1.0, 1800.0, 46.0, 5.0, 0.50, 0.8, "1 mA"),
    "cycling/Li-LiBH4-70LiNBH-Li_060C_4mA.mpr": ("LiBH4-70LiNBH", 60, 4.0, 900.0, 100.0, 3.0, 0.20, 4.0, "4 mA"),
}
FAILURE_H = {"LiBH4": 40.0}


def program(density, half_s, hours, dt):
    """Time (s), current density (mA/cm2), time within the segment (s) and the EC-Lab sequence Ns."""
    segments = [(OCV_S, 0.0, 0)]
    cycle_s = 2 * (half_s + REST_S)
    for _ in range(int(np.ceil((hours * 3600 - OCV_S) / cycle_s))):
        segments += [(half_s, density, 1), (REST_S, 0.0, 2), (half_s, -density, 3), (REST_S, 0.0, 4)]
    t, j, th, ns = [], [], [], []
    start = 0.0
    for duration, value, sequence in segments:
        n = int(round(duration / dt))
        t.append(start + dt * np.arange(1, n + 1))
        j.append(np.full(n, value))
        th.append(dt * np.arange(1, n + 1))
        ns.append(np.full(n, sequence))
        start += duration
    t, j, th, ns = (np.concatenate(x) for x in (t, j, th, ns))
    keep = t <= hours * 3600 + 1e-6
    return t[keep], j[keep], th[keep], ns[keep]


def interphase(sample, density, t):
    """The interphase resistance (ohm cm2) on top of the electrolyte's, at time ``t`` (s)."""
    hours = np.maximum(t - OCV_S, 0.0) / 3600.0
    if sample == "LiBH4":
        return 12.0 * (hours / 40.0) ** 1.5
    if density > 2:
        return 2.4 * np.sqrt(hours / 100.0)
    return 6.0 * np.exp(-hours / 15.0)


def measured(name, sample, t_c, density, half_s, hours, dt, thickness, j0):
    """Time (s), Ewe (V), current (mA) and Ns of one cycling test."""
    g = rng(name)
    t, j, th, ns = program(density, half_s, hours, dt)
    r_b = thickness / 10.0 / float(eis_model.sigma(sample, t_c))
    extra = interphase(sample, density, t) + 0.003 * r_b * np.sin(2 * np.pi * t / 86400.0)
    v = ccd.healthy(t, j, th, sample, t_c, thickness, j0, half_s=half_s, r_extra=extra, ocv_s=OCV_S)
    if sample in FAILURE_H:
        fail_s = FAILURE_H[sample] * 3600 + g.uniform(-600, 600)
        active = np.flatnonzero((j != 0) & (t >= 32 * 3600) & (t < fail_s - 1800))
        for k0 in np.sort(g.choice(active, size=4, replace=False)):
            stop = k0 + int(np.flatnonzero(j[k0:] != j[k0])[0]) - 1
            ccd.micro_short(g, t, v, int(k0), stop)
        onset = int(np.flatnonzero((t >= fail_s) & (j != 0))[0])
        ccd.short(g, j, v, onset, dt=dt)
    v = v + g.normal(0, 2e-4, v.size)
    for k in g.choice(np.arange(int(OCV_S / dt) + 100, v.size), size=5, replace=False):
        v[k] += g.choice([-1.0, 1.0]) * g.uniform(0.02, 0.08)
    current = j * AREA_CM2 * (1 + g.normal(0, 5e-4, j.size))
    return t, np.round(v / 5e-5) * 5e-5, np.round(current / 3e-4) * 3e-4, ns


def generate():
    """Write the cycling tests and data/manifests/cycling.yaml; return the written paths."""
    files, measurements = [], []
    for name, (sample, t_c, density, half_s, hours, dt, thickness, j0, panel) in CELLS.items():
        t, ewe, current, ns = measured(name, sample, t_c, density, half_s, hours, dt, thickness, j0)
        path = reference_path(name)
        charge = np.r_[0.0, np.cumsum(0.5 * (current[1:] + current[:-1]) * np.diff(t))] / 3600.0
        write_mpr(path, "GCPL", {"time/s": t, "Ewe/V": ewe, "<I>/mA": current, "(Q-Qo)/mA.h": charge, "Ns": ns})
        files.append(path)
        measurements.append({
            "id": f"cycling-{sample}-{t_c}C-{density:g}mA", "kind": "cycling", "sample": sample, "file": name,
            "format": "biologic-mpr",
            "conditions": {"cell": f"Li|{sample}|Li", "temperature_C": t_c, "current_density_mA_cm2": density,
                           "half_cycle_h": half_s / 3600, "area_cm2": AREA_CM2, "thickness_mm": thickness,
                           "panel": panel,
                           "assumed": "half-cycle time, rests, sampling and thickness (not stated in the article)"}})
    write_manifest("cycling", "Long-term Li plating/stripping of Li|SSE|Li cells (reference data: generated)",
                   measurements)
    return files
