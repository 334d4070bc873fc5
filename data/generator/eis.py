"""Reference impedance spectra (EIS) of SUS|SSE|SUS pellets vs temperature -- generated, not measured.

Conductivity law (all samples): sigma*T = A exp(-Ea/(kB T)), i.e. sigma(T) = sigma_ref (T_ref/T)
exp(-Ea/kB (1/T - 1/T_ref)), T in K, sigma the TOTAL electrolyte conductivity (bulk + grain boundary):
L/(A R_electrolyte) with R_electrolyte = R_bulk + R_gb equals sigma(T). Values in S/cm:

* LiBH4 (Gamry .DTA, 5 MHz-0.1 Hz): orthorhombic Pnma below the transition, sigma(30 degC) = 3.23e-8
  (article), Ea = 0.69 eV (a literature value for Pnma LiBH4, not an article number); hexagonal
  P6_3mc above it, sigma(110 degC) = 8.83e-4 (article) and Ea = 0.905 eV (article). The transition is
  put at 107 degC: an abrupt jump between the 100 and 110 degC measurements. Temperatures 30-100 degC
  every 10, then 110, 115, 120, 125, 130 degC (five points for the high-temperature fit).
* LiBH4-xLiNBH, x = 30, 50, 60, 70, 80, 90 wt% (BioLogic EC-Lab .mpt, 7 MHz-0.1 Hz): x = 70 is the
  article's sample, sigma(30 degC) = 2.2e-4 and Ea = 0.44 eV (article). The other x are invented to
  follow the article's trend (rise then fall with x, x = 70 highest at every temperature, no jump):
  sigma(30) = 2.0e-6, 2.5e-5, 8.0e-5, -, 6.0e-5, 5.0e-6 and Ea = 0.55, 0.50, 0.47, -, 0.48, 0.52 eV.
* LiNBH (CSV): sigma(30 degC) = 2.1e-8 (article, "room temperature" taken as 30 degC), Ea = 0.60 eV
  (assumed). LiNH2BH3 (CSV): sigma(30) = 3.0e-9, Ea = 0.75 eV (both assumed, not article numbers).
  LiBH4-70LiNH2BH3 (CSV): sigma(30) = 3.3e-6 (article), Ea = 0.62 eV (assumed). LiBH4-70NHBH (CSV):
  sigma(30) = 2.0e-6 (article), Ea = 0.58 eV (assumed). Composites and LiNBH/LiNH2BH3: 30-120 degC
  every 10.

Forward model of one spectrum (richer than the fitting circuits of paper_lib.eis), Z = Z' + jZ'':
  Z = R_lead + j omega L_lead + Z_bulk + Z_gb + Z_el, with
  Z_bulk = R_b / (1 + (j omega tau_b)^alpha)^beta (Havriliak-Negami shaped relaxation),
  tau_b = eps0 eps_r / sigma_bulk (eps_r 12-25 per sample; alpha 0.90-0.95, beta 0.85-0.95), so fast
  conductors relax far above the top frequency and show only the intercept and the spike;
  Z_gb = R_gb / (1 + (j omega tau_gb)^0.8), R_gb = 2-4 % of R_electrolyte, tau_gb = 300 tau_b;
  Z_el = 1 / (Q_el (j omega)^n_el + 1/R_leak): blocking SUS electrodes, Q_el = 6 uF s^(n-1) per cm2,
  n_el 0.80-0.90, electronic leakage R_leak = 1e4 R_electrolyte (sigma_e/sigma_ion = 1e-4; the spike bends at the
  lowest frequencies);
  R_lead = 1.20 ohm (stated in the manifest as lead_resistance_ohm, as from a short-circuit run; the true
  value used is 1.23 ohm), L_lead = 1.0e-7-1.5e-7 H (an inductive tail at the top frequencies).
Pellets: 10 mm die (area 0.785 cm2), thickness 0.80-1.20 mm per sample (in the manifest).
Measurement artefacts: frequencies log-spaced at 10 points per decade; complex noise proportional to
|Z| (1 % of |Z| per component, 2 % for LiNH2BH3 and LiNBH at > 1e7 ohm); 2-3 outliers per spectrum (the
point nearest the 50 Hz mains, scaled 15-40 %, and one or two of the five top frequencies, 10-25 %);
temperature drift during each sweep, linear from T + d0 to T + d1 with d0, d1 ~ N(0, 0.08 degC).
Seeds: common.rng(file name); output is byte-identical on every run.
"""

import numpy as np

from .common import reference_path, rng, write_manifest
from .eis_writers import WRITERS

KB = 8.617333262e-5  # eV/K
EPS0 = 8.8541878128e-12  # F/m
AREA_CM2 = 0.785  # 10 mm die
LEAD_R_STATED, LEAD_R_TRUE = 1.20, 1.23  # ohm
T_LIBH4_TRANSITION = 107.0  # degC, between the 100 and 110 degC measurements

COMPOSITE_T = list(range(30, 121, 10))
LIBH4_T = list(range(30, 101, 10)) + [110, 115, 120, 125, 130]

# sample: format, thickness mm, eps_r, HN alpha, beta, gb fraction, n_el, L (H), noise, law(s)
# law: (T_ref degC, sigma_ref S/cm, Ea eV)
SAMPLES = {
    "LiBH4": dict(fmt="gamry-dta", thickness=1.05, eps_r=15, alpha=0.93, beta=0.90, gb=0.03, nel=0.85,
                  L=1.2e-7, temps=LIBH4_T, law=[(30, 3.23e-8, 0.69), (110, 8.83e-4, 0.905)]),
    "LiNBH": dict(fmt="eis-csv", thickness=0.92, eps_r=12, alpha=0.92, beta=0.88, gb=0.04, nel=0.82,
                  L=1.0e-7, temps=COMPOSITE_T, law=[(30, 2.1e-8, 0.60)]),
    "LiNH2BH3": dict(fmt="eis-csv", thickness=0.88, eps_r=12, alpha=0.90, beta=0.90, gb=0.04, nel=0.80,
                     L=1.0e-7, temps=COMPOSITE_T, law=[(30, 3.0e-9, 0.75)]),
    "LiBH4-70LiNH2BH3": dict(fmt="eis-csv", thickness=1.10, eps_r=18, alpha=0.93, beta=0.92, gb=0.03,
                             nel=0.86, L=1.1e-7, temps=COMPOSITE_T, law=[(30, 3.3e-6, 0.62)]),
    "LiBH4-70NHBH": dict(fmt="eis-csv", thickness=0.97, eps_r=17, alpha=0.92, beta=0.90, gb=0.03, nel=0.85,
                         L=1.3e-7, temps=COMPOSITE_T, law=[(30, 2.0e-6, 0.58)]),
}
for _x, _s30, _ea, _d in [(30, 2.0e-6, 0.55, 0.85), (50, 2.5e-5, 0.50, 1.15), (60, 8.0e-5, 0.47, 0.95),
                          (70, 2.2e-4, 0.44, 1.00), (80, 6.0e-5, 0.48, 1.20), (90, 5.0e-6, 0.52, 0.80)]:
    SAMPLES[f"LiBH4-{_x}LiNBH"] = dict(fmt="biologic-mpt", thickness=_d, eps_r=20 + _x / 20, alpha=0.94,
                                      beta=0.92, gb=0.02, nel=0.88, L=1.5e-7, temps=COMPOSITE_T,
                                      law=[(30, _s30, _ea)], x=_x)


def sigma(sample, t_c):
    """Total conductivity (S/cm) of ``sample`` at ``t_c`` degC (sigma*T Arrhenius law, see docstring)."""
    laws = SAMPLES[sample]["law"]
    t = np.asarray(t_c, float) + 273.15

    def law(t_ref, s_ref, ea):
        tr = t_ref + 273.15
        return s_ref * tr / t * np.exp(-ea / KB * (1 / t - 1 / tr))

    if len(laws) == 1:
        return law(*laws[0])
    return np.where(t >= T_LIBH4_TRANSITION + 273.15, law(*laws[1]), law(*laws[0]))


def frequencies(f_max):
    """Log-spaced, ~10 points per decade, from ``f_max`` down to 0.1 Hz (both ends included)."""
    n = int(round(10 * np.log10(f_max / 0.1))) + 1
    return np.logspace(np.log10(f_max), -1.0, n)


def spectrum(sample, t_c, name):
    """One noisy spectrum: dict(frequency Hz, z ohm complex, time s, ...) for the writers."""
    p = SAMPLES[sample]
    g = rng(name)
    f = frequencies(7e6 if p["fmt"] != "gamry-dta" else 5e6)
    omega = 2 * np.pi * f
    time = np.cumsum(0.1 + 2.0 / f)  # two periods per point (Na) plus overhead
    d0, d1 = g.normal(0, 0.08, 2)
    t_point = t_c + d0 + (d1 - d0) * time / time[-1]
    length_m, area_m2 = p["thickness"] * 1e-3, AREA_CM2 * 1e-4
    s_tot = sigma(sample, t_point) * 100  # S/m
    r_tot = length_m / (s_tot * area_m2)
    r_b, r_gb = (1 - p["gb"]) * r_tot, p["gb"] * r_tot
    tau_b = EPS0 * p["eps_r"] / (s_tot / (1 - p["gb"]))
    z = (LEAD_R_TRUE + 1j * omega * p["L"]
         + r_b / (1 + (1j * omega * tau_b) ** p["alpha"]) ** p["beta"]
         + r_gb / (1 + (1j * omega * 300 * tau_b) ** 0.8)
         + 1 / (6e-6 * AREA_CM2 * (1j * omega) ** p["nel"] + 1 / (1e4 * r_tot)))
    noise = 0.02 if sample in ("LiNH2BH3", "LiNBH") and np.abs(z).max() > 1e7 else 0.01
    z = z + np.abs(z) * (g.normal(0, noise, f.size) + 1j * g.normal(0, noise, f.size))
    mains = int(np.argmin(np.abs(f - 50)))
    z[mains] = z[mains].real + 1j * z[mains].imag * (1 + g.choice([-1, 1]) * g.uniform(0.15, 0.40))
    for i in g.choice(5, size=int(g.integers(1, 3)), replace=False):
        z[i] = z[i] * (1 + g.uniform(0.10, 0.25))
    return {"frequency": f, "z": z, "time": time, "sample": sample, "temperature_C": float(t_c),
            "area_cm2": AREA_CM2, "name": name.rsplit("/", 1)[-1]}


def generate():
    """Write every spectrum and data/manifests/eis.yaml; return the written paths."""
    files, measurements = [], []
    for sample, p in SAMPLES.items():
        writer, suffix = WRITERS[p["fmt"]]
        for t_c in p["temps"]:
            relative = f"eis/{sample}/{sample}_{t_c:03d}C{suffix}"
            path = reference_path(relative)
            path.write_bytes(writer(spectrum(sample, t_c, relative)))
            files.append(path)
            conditions = {"temperature_C": t_c, "thickness_mm": p["thickness"], "area_cm2": AREA_CM2,
                          "cell": "SUS|SSE|SUS", "lead_resistance_ohm": LEAD_R_STATED}
            if "x" in p:
                conditions["x_wt_percent"] = p["x"]
            measurements.append({"id": f"eis-{sample}-{t_c}C", "kind": "eis", "sample": sample,
                                 "file": relative, "format": p["fmt"], "conditions": conditions})
    write_manifest("eis", "Impedance of SUS|SSE|SUS pellets vs temperature (reference data: generated)",
                   measurements)
    return files
