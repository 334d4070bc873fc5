"""Reference DC polarizations (chronoamperometry) of SUS|SSE|SUS pellets -- generated, not measured.

Figure S16: LiBH4, LiNBH and LiBH4-70LiNBH between ion-blocking stainless-steel electrodes, a constant
0.5 V for 10 h (the article states neither), sampled every 5 s, at room temperature (25 degC) and 60 degC.
Electronic conductivities (S/cm; the article prints the unit as S cm-2): LiNBH 7.3e-10 (article) and
3.0e-9 at 60 degC (assumed); LiBH4-70LiNBH 2.7e-8 (article) and 1.0e-7 at 60 degC (assumed); LiBH4 9.8
and 32.7 times the composite's (article), i.e. 2.646e-7 and 3.27e-6.

Forward model of the current (richer than the two decays paper_lib.polarization fits):
  I(t) = I_e (1 + 0.004 t / t_end) + I_ion [0.6 exp(-t / 2 s) + 0.4 sum_k w_k exp(-t / tau_k)],
  I_e = sigma_e V A / L, I_ion = V / R_ion with R_ion = L / (sigma_ion A) (sigma_ion from the EIS reference
  model at that temperature); the slow ionic relaxation is a log-normal distribution of tau (41 terms, median
  300 s, sigma_ln 0.9, the electrode's space-charge and grain-boundary polarization), the drift a slow 0.4 %
  rise of the electronic current. Measurement: relative noise N(0, 0.3 %) plus N(0, 5 pA), the current
  quantised to 2^-15 of its decade (an auto-ranging 16-bit converter), Ewe = 0.5 V + N(0, 0.1 mV).
Pellets: 10 mm die (0.785 cm2), thickness in the manifest. Seeds: common.rng(file name).
"""

import numpy as np

from .common import reference_path, rng, write_manifest
from .cycler_writers import write_mpr
from .eis import sigma as ionic_sigma

VOLTAGE = 0.5  # V
AREA_CM2 = 0.785
HOURS, DT = 10.0, 5.0
SIGMA_E = {  # S/cm at (25, 60) degC
    "LiNBH": (7.3e-10, 3.0e-9),
    "LiBH4-70LiNBH": (2.7e-8, 1.0e-7),
    "LiBH4": (9.8 * 2.7e-8, 32.7 * 1.0e-7),
}
THICKNESS_MM = {"LiNBH": 0.92, "LiBH4-70LiNBH": 1.00, "LiBH4": 1.05}


def current(sample, temperature_C, name):
    """Time (s) and the measured current (mA) of one polarization."""
    g = rng(name)
    t = np.arange(0.0, HOURS * 3600 + DT, DT)
    length_cm, index = THICKNESS_MM[sample] / 10.0, (25, 60).index(temperature_C)
    i_e = SIGMA_E[sample][index] * VOLTAGE * AREA_CM2 / length_cm * 1e3  # mA
    i_ion = VOLTAGE * float(ionic_sigma(sample, temperature_C)) * AREA_CM2 / length_cm * 1e3
    z = np.linspace(-2.5, 2.5, 41)
    weights = np.exp(-0.5 * z ** 2)
    weights /= weights.sum()
    taus = 300.0 * np.exp(0.9 * z)
    slow = np.zeros_like(t)
    for w, tau in zip(weights, taus):
        slow += w * np.exp(-t / tau)
    i = i_e * (1 + 0.004 * t / t[-1]) + i_ion * (0.6 * np.exp(-t / 2.0) + 0.4 * slow)
    i = i * (1 + g.normal(0, 0.003, t.size)) + g.normal(0, 5e-9, t.size)
    exponent = np.ceil(np.log10(np.maximum(np.abs(i), 1e-12))).astype(int)
    powers = {e: float(f"1e{e}") for e in np.unique(exponent).tolist()}  # exact decimal powers, not np.power
    decade = np.array([powers[e] for e in exponent.tolist()])
    i = np.round(i / decade * 2 ** 15) * decade / 2 ** 15
    return t, i


def generate():
    """Write the polarizations and data/manifests/polarization.yaml; return the written paths."""
    files, measurements = [], []
    for sample in SIGMA_E:
        for t_c in (25, 60):
            name = f"polarization/{sample}_SUS_{t_c:03d}C.mpr"
            t, i = current(sample, t_c, name)
            ewe = VOLTAGE + rng(name + "/ewe").normal(0, 1e-4, t.size)
            path = reference_path(name)
            write_mpr(path, "CA", {"time/s": t, "control/V": np.full(t.size, VOLTAGE), "Ewe/V": ewe,
                                   "<I>/mA": i, "(Q-Qo)/mA.h": np.r_[0.0, np.cumsum(i[1:])] * DT / 3600})
            files.append(path)
            measurements.append({
                "id": f"polarization-{sample}-{t_c}C", "kind": "polarization", "sample": sample, "file": name,
                "format": "biologic-mpr",
                "conditions": {"cell": "SUS|SSE|SUS", "electrodes": "ion-blocking stainless steel",
                               "temperature_C": t_c, "applied_voltage_V": VOLTAGE, "thickness_mm": THICKNESS_MM[sample],
                               "area_cm2": AREA_CM2, "assumed": "applied voltage and duration (not stated in the article)"}})
    write_manifest("polarization", "DC polarization of SUS|SSE|SUS pellets (reference data: generated)",
                   measurements)
    return files
