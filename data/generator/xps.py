"""Reference XPS depth profiles of cycled Li metal and of pristine LiNBH -- generated, not measured.

Figure 4a-4c and S29. Li metal from Li|LiBH4-70LiNBH|Li and Li|LiBH4|Li after 20 cycles at 0.2 mA/cm2 and
60 degC, and bare Li; Li 1s, B 1s, N 1s, O 1s and C 1s regions at each Ar+ etch level; pristine LiNBH
(S29) once, without etching. Monochromated Al K-alpha (1486.6 eV), kinetic energies referenced to the
Fermi level (analyser work function 4.5 eV recorded, already applied), 0.1 eV steps, pass energy 20 eV.
* Composition against depth z = etch time x etch rate (0.5 nm/s, the manifest's; its 10 % uncertainty
  is assumed): on the composite side an interphase of Li3N (N 12 at.%) and Li-B (B 8 at.%) whose share
  falls as 1/(1 + exp((z - 340 nm)/25 nm)), to 10 % of its surface value at 395 nm, so that it places
  the interphase at about 400 nm (article); on every Li a surface layer of Li2O and LiOH/Li2CO3 falling
  as exp(-z/15 nm) (Li2O is at the surface only, article), adventitious carbon removed by the first
  etch (exp(-z/3 nm)); Li metal the rest. The LiBH4 side holds no B or N species (article).
* Components (binding energy, eV; FWHM): Li 1s Li0 52.4 (asymmetric Lorentzian, half widths 0.33 and
  0.55 eV on the low- and high-BE sides; bulk plasmon 7.1 eV above, 18 % of its area), Li2O 53.7 (1.3), Li3N/Li-B 54.6 (1.4), LiOH/Li2CO3 55.3 (1.5);
  B 1s Li-B 187.6 (1.5), B-N 190.5 (1.8), B-O 192.1 (1.8); N 1s Li3N 395.5 (1.4), N-B 398.3 (1.7); O 1s
  Li2O 528.6 (1.3), LiOH/Li2CO3 531.4 (1.7); C 1s C-C 284.8 (1.3), Li2CO3 289.9 (1.5): positions typical
  of the literature (NIST X-ray Photoelectron Spectroscopy Database, SRD 20). Pristine LiNBH: N-B
  398.3, B-N 190.5, B-O 192.1, C-C 284.8, all shifted by +2.4 eV of surface charging.
* Intensity: atomic concentration x Scofield cross-section (Al K-alpha; Li 1s 0.0568, B 1s 0.486, N 1s
  1.80, O 1s 2.93, C 1s 1.00) x one instrument factor; no transmission or escape-depth factors (the
  analysis uses the same simplification, so atomic fractions come back as made). Lines are 30 %
  Lorentzian pseudo-Voigts (areas: whole lines) on a Shirley-type background (0.15 of the peak area per eV, accumulated towards higher binding energy)
  and a linear slope, counted with Poisson noise (its normal limit; 20 scans of 50 ms per channel).
Etch times, etch rate, ion energy and instrument settings are assumed (the article states none).
Seeds: common.rng(file name).
"""

import numpy as np
from lmfit.lineshapes import pvoigt, split_lorentzian

from .common import reference_path, rng, write_manifest
from .xps_writers import write_vamas, write_xps_csv

SOURCE_EV, WORK_FUNCTION_EV, STEP_EV, PASS_EV = 1486.6, 4.5, 0.1, 20.0
DWELL_S, SCANS = 0.05, 20
ETCH_RATE_NM_S = 0.5
RSF = {"Li": 0.0568, "B": 0.486, "N": 1.80, "O": 2.93, "C": 1.00}  # Scofield (1976), Al K-alpha
REGIONS = {"Li 1s": ("Li", (45.0, 66.0)), "B 1s": ("B", (182.0, 198.0)), "N 1s": ("N", (390.0, 404.0)),
           "O 1s": ("O", (523.0, 537.0)), "C 1s": ("C", (280.0, 295.0))}
# component: (region, binding energy eV, FWHM eV)
LINES = {"Li0": ("Li 1s", 52.4, 0.75), "Li2O(Li)": ("Li 1s", 53.7, 1.3), "Li3N/LiB(Li)": ("Li 1s", 54.6, 1.4),
         "LiOH/Li2CO3(Li)": ("Li 1s", 55.3, 1.5), "Li-B": ("B 1s", 187.6, 1.5), "B-N": ("B 1s", 190.5, 1.8),
         "B-O": ("B 1s", 192.1, 1.8), "Li3N": ("N 1s", 395.5, 1.4), "N-B": ("N 1s", 398.3, 1.7),
         "Li2O": ("O 1s", 528.6, 1.3), "LiOH/Li2CO3": ("O 1s", 531.4, 1.7), "C-C": ("C 1s", 284.8, 1.3),
         "CO3": ("C 1s", 289.9, 1.5)}
INSTRUMENT = 4.0e5  # counts x eV per second of dwell, for unit concentration x cross-section
SAMPLES = {  # file: (sample, description, etch times s, charging eV)
    "xps/Li_cycled_LiBH4-70LiNBH.vms": ("Li, Li|LiBH4-70LiNBH|Li", "composite", np.arange(0, 1081, 60), 0.0),
    "xps/Li_cycled_LiBH4.vms": ("Li, Li|LiBH4|Li", "libh4", np.array([0, 60, 120, 240, 480, 720]), 0.0),
    "xps/Li_bare.csv": ("Li, bare", "bare", np.array([0, 30, 60, 120, 240]), 0.0),
    "xps/LiNBH_pristine.vms": ("LiNBH", "pristine", np.array([0]), 2.4),
}


def composition(kind, z):
    """Atomic concentrations (fractions) of each component's element at depth ``z`` (nm)."""
    surface, carbon = np.exp(-z / 15.0), np.exp(-z / 3.0)
    if kind == "pristine":
        return {"N-B": 0.38, "B-N": 0.34, "B-O": 0.04, "C-C": 0.20, "LiOH/Li2CO3": 0.04}
    c = {"Li2O": 0.16 * surface, "LiOH/Li2CO3": 0.10 * surface, "C-C": 0.30 * carbon, "CO3": 0.04 * surface}
    if kind == "composite":
        share = 1.0 / (1.0 + np.exp((z - 340.0) / 25.0))
        c.update({"Li3N": 0.12 * share, "Li-B": 0.08 * share, "B-N": 0.01 * share * surface})
    li_bound = {"Li2O(Li)": 2 * c["Li2O"], "LiOH/Li2CO3(Li)": c["LiOH/Li2CO3"] + 2 * c["CO3"],
                "Li3N/LiB(Li)": 3 * c.get("Li3N", 0.0) + c.get("Li-B", 0.0)}
    total = sum(c.values()) + sum(li_bound.values())
    c.update(li_bound)
    c["Li0"] = max(1.0 - total, 0.0)
    return c


def region_counts(g, region, conc, shift):
    """Kinetic-energy start (eV) and counts per channel of one region."""
    low, high = REGIONS[region][1]
    be = np.round(np.arange(high, low - 1e-9, -STEP_EV), 2)  # high to low binding energy = rising KE
    rate = np.zeros_like(be)
    for name, value in conc.items():
        line_region, center, fwhm = LINES[name]
        if line_region != region or value <= 0:
            continue
        area = INSTRUMENT * value * RSF[REGIONS[region][0]] * DWELL_S * SCANS  # counts x eV
        x0 = center + shift
        if name == "Li0":  # an asymmetric metal line and its bulk plasmon
            rate += area * (split_lorentzian(be, 1.0, x0, 0.33, 0.55) + 0.18 * pvoigt(be, 1.0, x0 + 7.1, 1.2, 0.5))
        else:
            rate += area * pvoigt(be, 1.0, x0, fwhm / 2, 0.3)
    # Shirley-type step: inelastic losses of every line accumulate towards higher binding energy
    step = np.cumsum(rate[::-1])[::-1] * STEP_EV * 0.15
    base = INSTRUMENT * 0.004 * RSF[REGIONS[region][0]] * DWELL_S * SCANS * (1.0 + 0.004 * (be - low))
    mean = rate + step + base + 40.0
    # Poisson noise as its normal limit (every mean is above 40 counts), from standard normals drawn
    # independently of the means: a last-bit difference in a mean between CPUs can move one count, never
    # the random stream (numpy's Poisson sampler draws a number of uniforms that depends on the mean)
    counts = np.maximum(np.round(mean + np.sqrt(mean) * g.standard_normal(mean.size)), 0).astype(int)
    return SOURCE_EV - be[0], counts  # kinetic energy referenced to the Fermi level


def spectra_of(name, sample, kind, etch_times, shift):
    g = rng(name)
    out = []
    regions = ["N 1s", "B 1s", "C 1s"] if kind == "pristine" else list(REGIONS)
    for level, t in enumerate(etch_times):
        conc = composition(kind, t * ETCH_RATE_NM_S)
        for region in regions:
            ke_start, counts = region_counts(g, region, conc, shift)
            species, transition = region.split()
            out.append({"block": f"{region.replace(' ', '')} Scan/{level}", "sample": sample, "region": region,
                        "species": species, "transition": transition, "level": level, "etch_time_s": float(t),
                        "ion_energy_eV": 500.0, "source_eV": SOURCE_EV, "work_function_eV": WORK_FUNCTION_EV,
                        "pass_energy_eV": PASS_EV, "ke_start": ke_start, "step_eV": STEP_EV, "dwell_s": DWELL_S,
                        "scans": SCANS, "counts": counts})
    return out


def generate():
    """Write the XPS files and data/manifests/xps.yaml; return the written paths."""
    files, measurements = [], []
    for name, (sample, kind, etch_times, shift) in SAMPLES.items():
        path = reference_path(name)
        spectra = spectra_of(name, sample, kind, etch_times, shift)
        if path.suffix == ".csv":
            write_xps_csv(path, sample, spectra)
        else:
            write_vamas(path, sample, spectra)
        files.append(path)
        cell = {"composite": "Li|LiBH4-70LiNBH|Li", "libh4": "Li|LiBH4|Li"}.get(kind)
        conditions = {"source": "Al K-alpha, monochromated", "source_eV": SOURCE_EV,
                      "charge_reference": "C 1s C-C at 284.8 eV"}
        if kind != "pristine":
            conditions.update({"etch_rate_nm_s": ETCH_RATE_NM_S, "etch_rate_stderr_nm_s": 0.1 * ETCH_RATE_NM_S,
                               "ion": "Ar+ 500 eV"})
        if cell:
            conditions.update({"cell": cell, "cycles": 20, "current_mA_cm2": 0.2, "temperature_C": 60})
        conditions["assumed"] = "etch times, etch rate and its uncertainty, instrument settings (not stated in the article)"
        measurements.append({"id": f"xps-{kind}", "kind": "xps", "sample": sample.split(",")[0] if kind == "pristine"
                             else {"composite": "LiBH4-70LiNBH", "libh4": "LiBH4", "bare": "bare Li"}[kind],
                             "file": name, "format": "xps-csv" if path.suffix == ".csv" else "vamas",
                             "conditions": conditions})
    write_manifest("xps", "XPS depth profiles of cycled Li and pristine LiNBH (reference data: generated)",
                   measurements)
    return files
