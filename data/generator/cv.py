"""Reference cyclic voltammograms (CV) -- generated, not measured.

Li|LiBH4|Mo (Figure S27; Mo working electrode, Li counter and reference), 120 degC and 0.025 mV/s
assumed (the article states neither for this cell), sampled every 1 mV (40 s):
* S27a, OCV 2.60 V -> -0.20 -> 5.00 -> -0.20 -> 5.00 V (EC-Lab .mpr): reductive decomposition of LiBH4
  on Mo in the cathodic sweeps, peaks at 2.20 and 1.00 V (article), 40 % smaller in the second cycle
  (passivation); Li plating below 0 V and its stripping peak at 0.50 V on the anodic sweeps (article),
  80 % of the plated charge recovered.
* S27b, OCV -> 0 V and back, three cycles (EC-Lab .mpt, decimal commas) and S27c, OCV -> 5 V and back,
  three cycles (CH Instruments text export): the same decomposition where swept, plus irregular peaks:
  bursts of 1-3 samples, 0.5-4 uA, either sign, about three per sweep at random potentials.

Li|LiBH4-70LiNBH at 60 degC and 0.025 mV/s (Figure 3a-c, article), OCV 2.45 V (assumed):
* 3a, SUS working electrode, OCV -> -0.2 -> 5.0 V, three cycles (EC-Lab .mpr): Li plating below 0 V
  (i_p = 0.3 uA) and its stripping peak at 0.15 V (90 % recovered), nothing else up to 5 V but the
  leakage and the double layer;
* 3b, Mo, OCV -> 0 V and back, three cycles (EC-Lab .mpt): a reduction wave at 0.10 V in the first
  cycle that stands 7.0 uA (article) above the current at its window's ends (the wave itself peaks at
  7.35 uA: the vertex at 0 V cuts its tail), 5 % of it in each later one (a film that forms once);
* 3c, Mo, OCV -> 5 V and back, three cycles (CH Instruments text): an oxidation wave at 2.80 V of
  3.0 uA (article) in the first cycle, 5 % of it later.
The wave charges follow from the peak currents, i_p = Q alpha f v / e; R_cell = 140 ohm.

Forward model of the current (richer than the Gaussian-over-baseline peaks of paper_lib.voltammetry):
  I = E_rel / R_leak (electronic leakage, R_leak = 2 GOhm, E_rel from the OCV) + C_dl dE/dt
      + surface-confined irreversible waves: a species of charge Q whose coverage theta decays as
        d theta/dt = -k(E) theta, k = k0 exp(-+alpha f (E - E0)), f = F/RT, alpha = 0.5, k0 = alpha f v,
        so that a sweep at rate v peaks at E0; I = -+Q d theta/dt (theta reset at the start of every
        sweep in the wave's direction, to decay^(sweeps before); the Li plated is stripped at E0);
      + Li plating for E < 0: I = -i_p (exp(-E / 0.03 V) - 1), i_p = 0.15 uA (S27),
  integrated exactly over each 40 s interval (theta multiplied by exp(-k dt)). The waves are
  asymmetric (a steeper falling side), unlike the Gaussian the analysis fits.
Measurement: Ewe = control potential + I R_cell (R_cell = 130 ohm) + N(0, 0.15 mV); current noise
N(0, 20 nA) and a slow drift (random walk, 1 nA per sample), quantised to 5 nA (the 100 uA range of a
16-bit converter, averaged); charge (Q-Qo) the sum of the quantised currents over time.
Seeds: common.rng(file name); quantised values make the files byte-identical on every run.
"""

import numpy as np

from .common import reference_path, rng, write_manifest
from .cycler_writers import write_chi, write_mpr, write_mpt

F_OVER_R = 96485.33212 / 8.314462618
RATE = 0.025e-3  # V/s
STEP = 1e-3  # V between samples
DT = STEP / RATE  # 40 s
LSB = 5e-6  # mA
OCV = 2.60  # V
T_K = 120 + 273.15
AREA_CM2 = 0.785
WAVES_LIBH4_MO = [(-1, 2.20, 0.030), (-1, 1.00, 0.060)]  # (sign, E0 V, charge mAh) per first cathodic sweep


def program(vertices):
    """Programmed potential (V) from ``vertices`` at 1 mV per sample, and the sweep sign of each sample."""
    e, sign = [], []
    for a, b in zip(vertices[:-1], vertices[1:]):
        n = int(round(abs(b - a) / STEP))
        e.append(a + (b - a) * np.arange(n) / n)
        sign.append(np.full(n, np.sign(b - a)))
    return np.concatenate(e + [[vertices[-1]]]), np.concatenate(sign + [sign[-1][-1:]])


def _wave_rate(e, e0, direction, alpha_f):
    """k(E) of an irreversible surface wave (1/s) that peaks at ``e0`` on a sweep at RATE: it grows as E
    falls (``direction`` -1, cathodic) or rises (+1, anodic)."""
    return alpha_f * RATE * np.exp(np.clip(direction * alpha_f * (e - e0), -60, 60))


def faradaic(e, sign, waves, decay=0.6, strip_E0=0.50, recovered=0.8, t_k=T_K, plate_mA=1.5e-4):
    """Current (mA) of the surface waves, Li plating and stripping along the program. A wave's coverage
    is reset at the start of every sweep in its own direction, to ``decay`` ** (sweeps before)."""
    alpha_f = 0.5 * F_OVER_R / t_k
    mid = np.r_[0.5 * (e[1:] + e[:-1]), e[-1]]
    current = np.zeros_like(e)
    sweep_starts = set(np.flatnonzero(np.r_[True, sign[1:] != sign[:-1]]).tolist())
    counts, theta, plated = {-1: 0, 1: 0}, {}, 0.0
    for k in range(e.size):
        if k in sweep_starts:
            counts[int(sign[k])] += 1
            for index, (direction, _, _) in enumerate(waves):
                if direction == sign[k]:
                    theta[index] = decay ** (counts[direction] - 1)
        if k in sweep_starts and sign[k] > 0:
            plated *= recovered  # the Li lost to dead Li and to reaction with the electrolyte
        i_k = 0.0
        for index, (direction, e0, charge) in enumerate(waves):
            if direction * sign[k] > 0 and theta.get(index, 0.0) > 0:
                left = theta[index] * np.exp(-_wave_rate(mid[k], e0, direction, alpha_f) * DT)
                i_k += direction * charge * (theta[index] - left) * 3600.0 / DT
                theta[index] = left
        if mid[k] < 0:
            plating = -plate_mA * (np.exp(-mid[k] / 0.03) - 1.0)
            plated += -plating * DT / 3600.0
            i_k += plating
        elif plated > 0 and sign[k] > 0:
            left = plated * np.exp(-_wave_rate(mid[k], strip_E0, 1, alpha_f) * DT)
            i_k += (plated - left) * 3600.0 / DT
            plated = left
        current[k] = i_k
    return current


def measured(name, control, sign, faradaic_mA, spikes_per_sweep=0.0, r_cell=130.0, ocv=OCV):
    """Time, Ewe, current and charge as the potentiostat records them (quantised, noisy)."""
    g = rng(name)
    n = control.size
    current = (faradaic_mA + (control - ocv) / 2e9 * 1e3 + 3e-6 * AREA_CM2 * RATE * sign * 1e3
               + g.normal(0, 2e-5, n) + np.cumsum(g.normal(0, 1e-6, n)))
    n_sweeps = int(np.sum(sign[1:] != sign[:-1])) + 1
    for k in g.choice(n, size=int(round(spikes_per_sweep * n_sweeps)), replace=False):
        width = int(g.integers(1, 4))
        current[k:k + width] += g.choice([-1.0, 1.0]) * g.uniform(0.5e-3, 4e-3)
    current = np.round(current / LSB) * LSB
    ewe = control + current * 1e-3 * r_cell + g.normal(0, 1.5e-4, n)
    time = np.arange(n) * DT
    charge = np.r_[0.0, np.cumsum(current[1:])] * DT / 3600.0
    return time, ewe, current, charge


FILES = {  # name: (vertices, spikes per sweep, format)
    "cv/Li-LiBH4-Mo_S27a.mpr": ([OCV, -0.2, 5.0, -0.2, 5.0], 0.0, "biologic-mpr"),
    "cv/Li-LiBH4-Mo_OCV-0V_S27b.mpt": ([OCV, 0.0, OCV, 0.0, OCV, 0.0, OCV], 3.0, "biologic-mpt"),
    "cv/Li-LiBH4-Mo_OCV-5V_S27c.txt": ([OCV, 5.0, OCV, 5.0, OCV, 5.0, OCV], 3.0, "chi-txt"),
}
COMPOSITE_OCV, COMPOSITE_T_K = 2.45, 60 + 273.15
COMPOSITE_ALPHA_F = 0.5 * F_OVER_R / COMPOSITE_T_K


def wave_charge(peak_mA):
    """Charge (mAh) of an irreversible surface wave whose peak at RATE is ``peak_mA``: i_p = Q alpha f v / e."""
    return peak_mA * np.e / (COMPOSITE_ALPHA_F * RATE) / 3600.0


COMPOSITE = {  # name: (working electrode, vertices, waves, format); 60 degC, no irregular peaks
    "cv/Li-LiBH4-70LiNBH-SUS_060C_3a.mpr": ("SUS", [COMPOSITE_OCV] + [-0.2, 5.0] * 3, [], "biologic-mpr"),
    "cv/Li-LiBH4-70LiNBH-Mo_OCV-0V_060C_3b.mpt": ("Mo", [COMPOSITE_OCV, 0.0] * 3 + [COMPOSITE_OCV],
                                                  [(-1, 0.10, wave_charge(7.35e-3))], "biologic-mpt"),
    "cv/Li-LiBH4-70LiNBH-Mo_OCV-5V_060C_3c.txt": ("Mo", [COMPOSITE_OCV, 5.0] * 3 + [COMPOSITE_OCV],
                                                  [(1, 2.80, wave_charge(3.0e-3))], "chi-txt"),
}


def write(path, fmt, columns, vertices, comments):
    if fmt == "biologic-mpr":
        write_mpr(path, "CV", columns)
    elif fmt == "biologic-mpt":
        write_mpt(path, "CV", columns, comments=comments)
    else:
        write_chi(path, columns["control/V"], columns["<I>/mA"], vertices, RATE, "CHI660E")


def generate():
    """Write the CVs and data/manifests/cv.yaml; return the written paths."""
    files, measurements = [], []
    for name, (vertices, spikes, fmt) in FILES.items():
        control, sign = program(vertices)
        time, ewe, current, charge = measured(name, control, sign, faradaic(control, sign, WAVES_LIBH4_MO), spikes)
        path = reference_path(name)
        columns = {"time/s": time, "control/V": control, "Ewe/V": ewe, "<I>/mA": current, "(Q-Qo)/mA.h": charge}
        write(path, fmt, columns, vertices, "Li|LiBH4|Mo 120 degC (reference data, generated)")
        files.append(path)
        panel = name.rsplit("_", 1)[-1].split(".")[0]
        measurements.append({
            "id": f"cv-Li-LiBH4-Mo-{panel}", "kind": "cv", "sample": "LiBH4", "file": name, "format": fmt,
            "conditions": {"cell": "Li|LiBH4|Mo", "working_electrode": "Mo", "temperature_C": 120,
                           "scan_rate_mV_s": RATE * 1e3, "area_cm2": AREA_CM2,
                           "vertices_V": [float(v) for v in vertices], "panel": panel,
                           "assumed": "temperature and scan rate (not stated in the article for this cell)"}})
    for name, (electrode, vertices, waves, fmt) in COMPOSITE.items():
        control, sign = program(vertices)
        current = faradaic(control, sign, waves, decay=0.05, strip_E0=0.15, recovered=0.9, t_k=COMPOSITE_T_K,
                           plate_mA=3e-4)
        time, ewe, current, charge = measured(name, control, sign, current, 0.0, r_cell=140.0, ocv=COMPOSITE_OCV)
        path = reference_path(name)
        columns = {"time/s": time, "control/V": control, "Ewe/V": ewe, "<I>/mA": current, "(Q-Qo)/mA.h": charge}
        cell = f"Li|LiBH4-70LiNBH|{electrode}"
        write(path, fmt, columns, vertices, f"{cell} 60 degC (reference data, generated)")
        files.append(path)
        panel = name.rsplit("_", 1)[-1].split(".")[0]
        measurements.append({
            "id": f"cv-Li-LiBH4-70LiNBH-{electrode}-{panel}", "kind": "cv", "sample": "LiBH4-70LiNBH", "file": name,
            "format": fmt,
            "conditions": {"cell": cell, "working_electrode": electrode, "temperature_C": 60,
                           "scan_rate_mV_s": RATE * 1e3, "area_cm2": AREA_CM2,
                           "vertices_V": [float(v) for v in vertices], "panel": panel,
                           "assumed": "open-circuit voltage and electrode area (not stated in the article)"}})
    write_manifest("cv", "Cyclic voltammetry (reference data: generated)", measurements)
    return files
