"""Thermal analysis reference curves (TGA and DSC), written as NETZSCH Proteus ASCII exports.

Each file is ``thermal/<TGA|DSC>_<sample>.txt``: a '#'-header block as Proteus writes it
(``#EXPORTTYPE:DATA ALL``, ``#FTYPE:ANSI``, ``#DECIMAL``, ``#SEPARATOR:SEMICOLON``, ``#INSTRUMENT:NETZSCH
STA 449F3``, ``#SAMPLE``, ``#SAMPLE MASS /mg``, ``#RANGE:30°C/10.0(K/min)/...°C``, no real dates), a
``##Temp./°C;Time/min;...`` column header and one row per 0.25 K, encoded in Windows-1252 (the degree sign
is byte 0xB0). The LiNBH DSC file uses decimal commas (``#DECIMAL:COMMA``), as a German-locale PC
exports. Heating rate 10 K/min [not stated in the article; assumed], nitrogen purge.

TGA, LiNH2BH3, 30 -> 300 degC (columns Temp./°C, Time/min, Mass/%, DTG/(%/min))
    Two first-order, non-isothermal H2-release steps integrated on a 0.01 K grid:
        d(alpha_k)/dT = (A_k/beta) exp(-Ea_k/(R T)) (1 - alpha_k),  mass = 100 - sum_k L_k alpha_k
    Total loss L_1 + L_2 = 10.8 wt% [article]; the split 6.3 + 4.5 wt% and the rate maxima near
    100 and 155 degC (Ea 120 and 140 kJ/mol, A solved from the maximum condition) are assumed, not
    from the article. The stoichiometric loss of LiNH2BH3 -> LiNBH + 2 H2 is 10.96 wt% (computed, IUPAC
    atomic weights); the article's 10.8 wt% corresponds to 1.97 H2 per formula unit.
    Artefacts: residual buoyancy drift (apparent gain, +0.05 % over the run, linear in T), a settling
    transient at the start (-0.03 % decaying with 1.5 K), white noise sigma 0.004 %. The analysis
    (local line fits at 32 and 300 degC) does not correct the drift: it biases the loss by about -0.05 wt%.

DSC (columns Temp./°C, Time/min, DSC/(mW/mg)), 30 -> 320 degC, exo up (NETZSCH default): endothermic
effects are negative in the files.
    Each endothermic event is a heat of transition Delta_H released over a Gaussian distribution of
    transition temperatures (sd sigma_T: sample inhomogeneity) convolved with the instrument's
    thermal lag (exponential response, time constant tau = 0.25 min = 2.5 K at 10 K/min), which makes
    the peaks asymmetric with a tail on the high-temperature side. The event temperature is then shifted
    so that the maximum of the noiseless peak lies at the article's temperature: the article does not
    say whether its temperatures are onsets or peaks; they are generated here as PEAK temperatures.
        LiBH4:           orthorhombic -> hexagonal at 110 degC [article], Delta_H 180 J/g, sigma_T 1.5 K;
                         melting at 287 degC [article], Delta_H 290 J/g, sigma_T 1.2 K
                         (enthalpies and widths assumed, of the order of literature values for LiBH4).
        LiNBH:           no event [article: no endothermic peak]; baseline only.
        LiBH4-70LiNBH:   weak melting of confined LiBH4 at 292 degC [article], Delta_H 6 J/g (about 2 %
                         of what 30 wt% bulk LiBH4 would give: assumed), sigma_T 3 K; no 110 degC
                         transition (the article reports none for the composite; assumed absent).
    Baseline (all curves): b0 + b1 (T-30) + gentle curvature 0.05 mW/mg * ((T-30)/290)**2.5 with
    sample-specific b0, b1; start-up hook 0.2 mW/mg decaying with 6 K; white noise sigma 0.003 mW/mg.
    The analysis baseline is a cubic polynomial, so the curvature term is not replayed exactly.
"""

import math

import numpy as np

from . import common

RATE = 10.0      # K/min
STEP = 0.25      # K between exported rows
R = 8.314462618  # J/(mol K)
HEADER_DATE = "01.01.2000 00:00:00"  # a constant: no real dates in the files

TGA_STEPS = [  # (loss wt%, temperature of maximum rate degC, Ea J/mol)
    (6.3, 100.0, 120e3),
    (4.5, 155.0, 140e3),
]
DSC = {  # sample: (mass mg, [(peak degC, Delta_H J/g, sigma_T K)], b0, b1, decimal comma)
    "LiBH4": (4.80, [(110.0, 180.0, 1.5), (287.0, 290.0, 1.2)], 0.05, -2.0e-4, False),
    "LiNBH": (5.60, [], 0.02, 1.5e-4, True),
    "LiBH4-70LiNBH": (6.10, [(292.0, 6.0, 3.0)], -0.03, 1.0e-4, False),
}
TAU_K = 2.5  # thermal lag, K (tau 0.25 min at 10 K/min)


def _header(sample, mass_mg, t0, t1, decimal_comma, columns, kind):
    lines = ["#EXPORTTYPE:DATA ALL", f"#FILE:{kind}_{sample}.ngb-ss3", "#FORMAT:NETZSCH5", "#FTYPE:ANSI",
             "#IDENTITY:", f"#DECIMAL:{'COMMA' if decimal_comma else 'POINT'}", "#SEPARATOR:SEMICOLON",
             "#INSTRUMENT:NETZSCH STA 449F3", "#PROJECT:reference dataset (generated, not measured)",
             f"#DATE/TIME:{HEADER_DATE}", "#LABORATORY:", "#OPERATOR:", "#REMARK:",
             f"#SAMPLE:{sample}", f"#SAMPLE MASS /mg:{mass_mg:.3f}".replace(".", "," if decimal_comma else "."),
             "#REFERENCE:empty crucible", "#REFERENCE MASS /mg:0", "#MATERIAL:", "#CORR. FILE:",
             "#SEGMENT:S2/3", f"#RANGE:{t0:.0f}°C/{RATE:.1f}(K/min)/{t1:.0f}°C",
             "#CRUCIBLE:DSC/TG pan Al2O3", "#ATMOSPHERE:N2/50 / N2/20", f"#MODE:{kind.upper()}"]
    return lines + ["##" + ";".join(columns)]


def _write(relative, header, columns_data, formats, decimal_comma):
    path = common.reference_path(relative)
    rows = []
    for values in zip(*columns_data):
        text = ";".join(f.format(v) for f, v in zip(formats, values))
        rows.append(text.replace(".", ",") if decimal_comma else text)
    path.write_bytes(("\r\n".join(header + rows) + "\r\n").encode("cp1252"))
    return path


def tga_mass(t, steps=TGA_STEPS):
    """Noiseless mass (% of initial) of LiNH2BH3 on the temperature grid ``t`` (degC)."""
    fine = np.arange(t.min(), t.max() + 0.01, 0.01)
    beta = RATE / 60.0  # K/s
    loss = np.zeros_like(fine)
    for amount, t_peak, ea in steps:
        tp = t_peak + 273.15
        a = ea * beta / (R * tp ** 2) * math.exp(ea / (R * tp))  # first order: rate max at tp
        k = a / beta * np.exp(-ea / (R * (fine + 273.15)))
        integral = np.concatenate([[0.0], np.cumsum(0.5 * (k[1:] + k[:-1]) * np.diff(fine))])
        loss += amount * (1.0 - np.exp(-integral))
    return np.interp(t, fine, 100.0 - loss)


def _tga():
    name = "thermal/TGA_LiNH2BH3.txt"
    rng = common.rng(name)
    t = np.arange(30.0, 300.0 + STEP / 2, STEP)
    mass = tga_mass(t)
    mass += 0.05 * (t - 30.0) / 270.0 - 0.03 * np.exp(-(t - 30.0) / 1.5)
    mass += rng.normal(0, 0.004, t.size)
    time = (t - 30.0) / RATE
    dtg = np.gradient(mass, time)
    header = _header("LiNH2BH3", 5.12, 30, 300, False, ["Temp./°C", "Time/min", "Mass/%", "DTG/(%/min)"], "tga")
    return _write(name, header, [t, time, mass, dtg], ["{:.3f}", "{:.4f}", "{:.4f}", "{:.5f}"], False)


def event_curve(t, peak, delta_h, sigma_t, tau=TAU_K):
    """Endothermic heat flow (mW/mg, positive) of one event whose maximum lies at ``peak`` (degC)."""
    fine = np.arange(t.min() - 30, t.max() + 30, 0.01)

    def shape(center):
        g = np.exp(-0.5 * ((fine - center) / sigma_t) ** 2)
        kernel_x = np.arange(0, 12 * tau, 0.01)
        kernel = np.exp(-kernel_x / tau)
        y = np.convolve(g, kernel / kernel.sum(), mode="full")[:fine.size]
        return y / np.trapezoid(y, fine)

    center = peak
    for _ in range(3):  # shift the transition so that the curve's maximum is at `peak`
        y = shape(center)
        center += peak - fine[int(np.argmax(y))]
    y = shape(center)
    return np.interp(t, fine, delta_h * RATE / 60.0 * y)  # J/g * K/s / K = W/g = mW/mg


def _dsc(sample):
    mass_mg, events, b0, b1, comma = DSC[sample]
    name = f"thermal/DSC_{sample}.txt"
    rng = common.rng(name)
    t = np.arange(30.0, 320.0 + STEP / 2, STEP)
    endo = sum((event_curve(t, *e) for e in events), np.zeros_like(t))
    baseline = b0 + b1 * (t - 30.0) + 0.05 * ((t - 30.0) / 290.0) ** 2.5 + 0.2 * np.exp(-(t - 30.0) / 6.0)
    heat_flow = baseline - endo + rng.normal(0, 0.003, t.size)  # exo up: endotherms negative
    time = (t - 30.0) / RATE
    header = _header(sample, mass_mg, 30, 320, comma, ["Temp./°C", "Time/min", "DSC/(mW/mg)"], "dsc")
    return _write(name, header, [t, time, heat_flow], ["{:.3f}", "{:.4f}", "{:.5f}"], comma)


def generate():
    """Write the TGA and DSC reference curves and ``data/manifests/thermal.yaml``; return the files."""
    files = [_tga()]
    measurements = [{"id": "TGA_LiNH2BH3", "kind": "tga", "sample": "LiNH2BH3", "file": "thermal/TGA_LiNH2BH3.txt",
                     "format": "netzsch-txt", "conditions": {"heating_rate_K_min": RATE, "atmosphere": "N2"}}]
    for sample in DSC:
        files.append(_dsc(sample))
        measurements.append({"id": f"DSC_{sample}", "kind": "dsc", "sample": sample,
                             "file": f"thermal/DSC_{sample}.txt", "format": "netzsch-txt",
                             "conditions": {"heating_rate_K_min": RATE, "atmosphere": "N2", "dsc_sign": "exo up"}})
    common.write_manifest("thermal", "Thermal analysis (NETZSCH STA 449F3 ASCII exports): TGA of LiNH2BH3 to "
                                     "300 degC; DSC of LiBH4, LiNBH and LiBH4-70LiNBH to 320 degC.", measurements)
    return files
