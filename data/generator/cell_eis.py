"""Reference impedance of the Li|LiBH4-70LiNBH|LiCoO2 cell after cycling -- generated, not measured.

Figure S34 and Table S2: spectra of the 0.5 C LiCoO2 cell at 60 degC, in the discharged state, after 1,
50, 100, 200, 300 and 400 cycles. The article gives the fitted Rs, Rct1 and Rct2 only in Table S2,
whose numbers are not in the text available here: the values below are this project's own choice,
made to show what the article describes (no obvious increase with cycling), and Table S2 of the
compendium gives them back, not the article's.
* Circuit (richer than the fitted one in its tail): Z = Rs + Rct1/(1 + (j omega tau1)^0.88) +
  Rct2/(1 + (j omega tau2)^0.82) + Z_d, with Rs 44.0 -> 46.2 ohm (+5 %), Rct1 (Li/electrolyte, apex
  near 8 kHz) 118 -> 110 ohm (-7 %), Rct2 (cathode/electrolyte, apex near 30 Hz) 205 -> 222 ohm (+8 %),
  each a smooth trend over the cycles with 1 % scatter; Z_d the finite-length Warburg of the cathode's
  solid-state diffusion, R_d tanh(sqrt(j omega t_d))/sqrt(j omega t_d), R_d 400 ohm, t_d 60 s, which
  the fitted CPE of exponent near 1/2 describes above 0.1 Hz.
* Sweep 1 MHz -> 50 mHz, 10 points per decade; complex noise 0.5 % of |Z|; lead inductance 0.2 uH.
Written as EC-Lab .mpt exports (PEIS). Cycle numbers, the state of charge, the frequency range and all
resistances are assumed.
Seeds: common.rng(file name).
"""

import numpy as np

from .common import reference_path, rng, write_manifest
from .eis_writers import WRITERS

CYCLES = (1, 50, 100, 200, 300, 400)
AREA_CM2 = 0.785
TREND = {"Rs": (44.0, 46.2), "Rct1": (118.0, 110.0), "Rct2": (205.0, 222.0)}  # ohm, cycle 1 -> 400


def values(cycle, g):
    """Rs, Rct1, Rct2 (ohm) after ``cycle`` cycles: the trend (square root of the cycle fraction) with 1 % scatter."""
    x = np.sqrt((cycle - 1) / (CYCLES[-1] - 1))
    return {k: (a + (b - a) * x) * (1 + g.normal(0, 0.01)) for k, (a, b) in TREND.items()}


def spectrum(cycle, name):
    g = rng(name)
    r = values(cycle, g)
    n = int(round(10 * np.log10(1e6 / 0.05))) + 1
    f = np.logspace(6, np.log10(0.05), n)
    omega = 2 * np.pi * f
    tau1, tau2 = 1 / (2 * np.pi * 8e3), 1 / (2 * np.pi * 30.0)
    s = np.sqrt(1j * omega * 60.0)
    z = (r["Rs"] + 1j * omega * 2e-7 + r["Rct1"] / (1 + (1j * omega * tau1) ** 0.88)
         + r["Rct2"] / (1 + (1j * omega * tau2) ** 0.82) + 400.0 * np.tanh(s) / s)
    z = z + np.abs(z) * 0.005 * (g.normal(0, 1, f.size) + 1j * g.normal(0, 1, f.size))
    time = np.cumsum(0.1 + 2.0 / f)
    return {"frequency": f, "z": z, "time": time, "sample": "LiBH4-70LiNBH", "temperature_C": 60.0,
            "area_cm2": AREA_CM2, "name": name.rsplit("/", 1)[-1], "cell": "Li|LiBH4-70LiNBH|LiCoO2",
            "electrode": "LiCoO2 / Li"}, r


def generate():
    """Write the spectra and data/manifests/cell_eis.yaml; return the written paths."""
    writer, suffix = WRITERS["biologic-mpt"]
    files, measurements = [], []
    for cycle in CYCLES:
        relative = f"cell_eis/Li-LiBH4-70LiNBH-LCO_060C_cycle{cycle:03d}{suffix}"
        spec, _ = spectrum(cycle, relative)
        path = reference_path(relative)
        path.write_bytes(writer(spec))
        files.append(path)
        measurements.append({"id": f"cell-eis-LiCoO2-cycle{cycle}", "kind": "eis", "sample": "LiBH4-70LiNBH",
                             "file": relative, "format": "biologic-mpt",
                             "conditions": {"cell": "Li|LiBH4-70LiNBH|LiCoO2", "cycle": cycle, "temperature_C": 60,
                                            "c_rate": 0.5, "thickness_mm": 0.20, "area_cm2": AREA_CM2,
                                            "state": "discharged",
                                            "assumed": "cycles, state of charge, thickness and every resistance "
                                                       "(Table S2's numbers are not available)"}})
    write_manifest("cell_eis", "Impedance of the Li|LiBH4-70LiNBH|LiCoO2 cell after cycling (reference data: generated)",
                   measurements)
    return files
