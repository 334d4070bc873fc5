"""Reference DC polarizations of Li|LiBH4-70LiNBH|Li with impedance before and after -- generated.

Figure S15: the Li-ion transference number t of LiBH4-70LiNBH, 0.9998 at 30 degC and 0.9991 at 60 degC
(article). Each temperature has a PEIS spectrum (EC-Lab .mpt, 1 MHz-0.1 Hz), a chronoamperometry at
dV = 10 mV for 2 h sampled every 1 s (EC-Lab .mpr), and a second spectrum. The polarization voltage and
duration are assumed (the article states neither).

Cell: Li|LiBH4-70LiNBH|Li, pellet 1.00 mm, 0.785 cm2. Electrolyte resistance R_b = L / (sigma A), sigma
from the EIS reference model of LiBH4-70LiNBH; interfaces R_i = R_SEI + R_ct (70/30), 100 ohm at 30 degC
and 40 ohm at 60 degC before the polarization, 4 % more after it (the interfaces grow under current).
Polarization current (richer than the two decays the analysis fits):
  I(t) = dV / (R_lead + R_b + R_i(t) + R_b (1/t - 1)(1 - exp(-t/tau_d))) x (1 + 2 exp(-t / 0.5 s)),
  R_i(t) rising to its final value with tau = 900 s, tau_d = 600 s (salt diffusion across the pellet), the
  last factor the double layer of the first seconds; relative noise N(0, 0.02 %), quantised to 2^-15 of
  the 100 uA range (3 nA).
Spectra: Z = R_lead + j omega L + R_b / (1 + (j omega tau_b)^0.93)^0.9 + R_SEI | CPE (n 0.85)
  + R_ct | CPE (n 0.80) + finite-length diffusion R_b (1/t - 1) tanh(sqrt(j omega tau_d)) / sqrt(j omega tau_d),
  R_lead = 1.2 ohm, L = 1.2e-7 H, complex noise 0.4 % of |Z|; the bulk relaxes above the top frequency.
Seeds: common.rng(file name).
"""

import numpy as np

from . import eis as eis_model
from .common import reference_path, rng, write_manifest
from .cycler_writers import write_mpr
from .eis_writers import WRITERS

SAMPLE, CELL = "LiBH4-70LiNBH", "Li|LiBH4-70LiNBH|Li"
T_TRUE = {30: 0.9998, 60: 0.9991}
R_INTERFACE = {30: 100.0, 60: 40.0}  # ohm before; after: x 1.04
GROWTH = 1.04
DV, HOURS = 0.010, 2.0
THICKNESS_MM, AREA_CM2 = 1.00, 0.785
R_LEAD, L_LEAD = 1.2, 1.2e-7
TAU_D, TAU_I = 600.0, 900.0


def r_bulk(t_c):
    return (THICKNESS_MM / 10.0) / (float(eis_model.sigma(SAMPLE, t_c)) * AREA_CM2)


def spectrum(t_c, stage, name):
    """A PEIS record for the EC-Lab writer (frequency Hz, complex Z ohm, time s)."""
    g = rng(name)
    f = np.logspace(6, -1, 71)
    w = 2 * np.pi * f
    rb, t = r_bulk(t_c), T_TRUE[t_c]
    ri = R_INTERFACE[t_c] * (GROWTH if stage == "after" else 1.0)
    tau_b = 8.854e-12 * 20 / (float(eis_model.sigma(SAMPLE, t_c)) * 100)
    x = np.sqrt(1j * w * TAU_D)
    z = (R_LEAD + 1j * w * L_LEAD + rb / (1 + (1j * w * tau_b) ** 0.93) ** 0.9
         + 0.7 * ri / (1 + (1j * w * 0.7 * ri * 2e-6) ** 0.85) + 0.3 * ri / (1 + (1j * w * 0.3 * ri * 3e-4) ** 0.80)
         + rb * (1 / t - 1) * np.tanh(x) / x)
    z = z + np.abs(z) * (g.normal(0, 0.004, f.size) + 1j * g.normal(0, 0.004, f.size))
    return {"frequency": f, "z": z, "time": np.cumsum(0.1 + 2.0 / f), "sample": SAMPLE, "temperature_C": float(t_c),
            "area_cm2": AREA_CM2, "name": name.rsplit("/", 1)[-1]}


def polarization(t_c, name):
    """Time (s) and the measured current (mA) under DV."""
    g = rng(name)
    time = np.arange(0.0, HOURS * 3600 + 1, 1.0)
    rb, t, ri0 = r_bulk(t_c), T_TRUE[t_c], R_INTERFACE[t_c]
    ri = ri0 + ri0 * (GROWTH - 1) * (1 - np.exp(-time / TAU_I))
    rc = rb * (1 / t - 1) * (1 - np.exp(-time / TAU_D))
    i = DV / (R_LEAD + rb + ri + rc) * 1e3 * (1 + 2.0 * np.exp(-time / 0.5))
    i = i * (1 + g.normal(0, 2e-4, time.size))
    lsb = 0.1 / 2 ** 15  # mA
    return time, np.round(i / lsb) * lsb


def generate():
    """Write spectra and polarizations and data/manifests/transference.yaml; return the written paths."""
    files, measurements = [], []
    writer, suffix = WRITERS["biologic-mpt"]
    common = {"cell": CELL, "thickness_mm": THICKNESS_MM, "area_cm2": AREA_CM2}
    for t_c in T_TRUE:
        for stage in ("before", "after"):
            name = f"transference/{SAMPLE}_Li_{t_c:03d}C_PEIS_{stage}{suffix}"
            path = reference_path(name)
            path.write_bytes(writer(spectrum(t_c, stage, name)))
            files.append(path)
            measurements.append({"id": f"peis-{t_c}C-{stage}", "kind": "eis", "sample": SAMPLE, "file": name,
                                 "format": "biologic-mpt",
                                 "conditions": {**common, "temperature_C": t_c, "stage": f"{stage} polarization"}})
        name = f"transference/{SAMPLE}_Li_{t_c:03d}C_CA.mpr"
        time, current = polarization(t_c, name)
        ewe = DV + rng(name + "/ewe").normal(0, 2e-5, time.size)
        path = reference_path(name)
        write_mpr(path, "CA", {"time/s": time, "control/V": np.full(time.size, DV), "Ewe/V": ewe, "<I>/mA": current,
                               "(Q-Qo)/mA.h": np.r_[0.0, np.cumsum(current[1:])] / 3600})
        files.append(path)
        measurements.append({"id": f"polarization-{t_c}C", "kind": "polarization", "sample": SAMPLE, "file": name,
                             "format": "biologic-mpr",
                             "conditions": {**common, "temperature_C": t_c, "applied_voltage_V": DV,
                                            "assumed": "polarization voltage and duration (not stated in the article)"}})
    write_manifest("transference", "DC polarization of Li|LiBH4-70LiNBH|Li with impedance before and after "
                                   "(reference data: generated)", measurements)
    return files
