"""Solid-state NMR reference spectra (7Li, 1H and 11B), written as Bruker TopSpin processed data sets.

Each spectrum is an experiment folder ``nmr/<name>/`` holding ``acqus``, ``pdata/1/procs``,
``pdata/1/title`` and ``pdata/1/1r`` (4096 little-endian int32 points, scaled by ``2**NC_proc``),
the layout TopSpin writes and nmrglue reads. Parameter files carry fixed values only (the date
fields are a constant), so rerunning gives byte-identical files.

Common forward model (per spectrum), on the ppm axis of the data set:

    I(d) = sum_k  pV(d; c_k, w_k, eta_k, A_k)                              lines
         + sum_k sum_{n=+-1,+-2} s_|n| pV(d; c_k + n*nu_r/SF, w_k, eta_k, A_k)  spinning sidebands
         + phase error phi (a small dispersive admixture of every line)
         + b0 + b1*u + b2*u**2   (u = ppm / half the spectral width)        baseline
         + white Gaussian noise (seeded from the file name)

pV is a pseudo-Voigt line of area A, FWHM w and Lorentzian fraction eta. The analysis models are
simpler (Gaussian lines on a straight baseline, or no model at all), so fits are tested rather than
replayed. Values marked [article] are the article's; all others are chosen for this dataset
and are not reported there.

7Li, room temperature (25 degC, MAS 10 kHz, 155.5 MHz, shifts relative to LiCl)
    LiBH4:          one line, -0.85 ppm, FWHM 4.6 ppm, eta 0.08.
    LiNBH:          one line, -0.30 ppm, FWHM 5.8 ppm, eta 0.08.
    LiBH4-70LiNBH:  broad line (bulk LiBH4/LiNBH), -0.70 ppm, FWHM 5.2 ppm, 27.2 % of the area, and
                    narrow line (Li at the LiBH4/LiNBH interface, high mobility), -1.00 ppm,
                    FWHM 1.25 ppm, 72.8 % of the area [article: 72.8 % narrow, two-Gaussian fit].
                    Its overall FWHM (~1.3 ppm) is below both parents' [article: trend].
    Artefacts: Lorentzian fraction eta 0.08 (broad lines) and 0.03 (narrow line), satellite-
    transition sidebands 1.5 % (first order) and 0.4 % (second order) of each line at multiples of
    the MAS rate (64.3 ppm), phase error 0.8 deg, baseline offset 0.4 % and curvature 0.3 % of the
    peak height, noise sigma = 1/400 of the peak height. Spectral window 200 ppm, 4096 points.
    Check: a two-Gaussian fit with a linear baseline over -15..15 ppm gives the narrow fraction
    ~72.5 % (the Lorentzian tails that the Gaussians miss bias it by about -0.3 percentage points;
    with eta 0.10 on the narrow line the bias would reach -2.3 points).

7Li, variable temperature, LiBH4-70LiNBH (25, 40, 60, 80, 100 degC, MAS 10 kHz)
    Motional narrowing, Hendrickson-Bray type, for each line:
        w(T) = w_inf + (w_rl - w_inf) / (1 + C * exp(-Ea / (kB*T)))
    with Ea = 0.44 eV (the article's conduction activation energy of the composite, reused here as
    an assumption), C chosen so that C*exp(-Ea/(kB*298.15 K)) = 0.5, and w_rl fixed by the 25 degC
    widths above; residual (inhomogeneous) widths w_inf = 0.40 ppm (narrow) and 2.0 ppm (broad).
    The narrow fraction stays 72.8 %; shifts move by -0.003 ppm/K. The FWHM of the composite line
    falls monotonically with T [article: trend], from ~1.3 ppm at 25 degC to ~0.5 ppm at 100 degC.
    Same artefacts as above.

1H, room temperature (25 degC, MAS 10 kHz, 400.13 MHz)
    LiBH4:             main [BH4]- line at -0.55 ppm, eta 0.30, plus a weak line at 4.6 ppm
                       (3 % of the area, FWHM 1.5 ppm; adsorbed moisture).
    LiBH4-70LiNH2BH3:  main line at -0.40 ppm, eta 0.30, plus a minor N-H line at 6.0 ppm
                       (8 %, FWHM 2.5 ppm).
    LiBH4-70LiNBH:     main line at -0.50 ppm, eta 0.30, on a broad hump from the LiNBH polymer
                       (+1.5 ppm, FWHM 12 ppm, 12 % of the area).
    The main line's width parameter is solved (bisection on the noiseless spectrum, fine grid) so
    that the model-free FWHM of the main peak is the article's: 3.43, 4.22 and 3.12 ppm [article].
    Artefacts: homonuclear dipolar sidebands 3 % / 0.8 % at +-25 ppm and +-50 ppm, phase error
    0.8 deg, baseline offset 0.5 % and curvature 0.2 % of the peak height, noise sigma = 1/300
    of the peak height. Spectral window 120 ppm, 4096 points.

11B, room temperature (25 degC, MAS 14 kHz, 128.38 MHz, shifts relative to BF3.OEt2)
    Boron sites with a sizeable quadrupole coupling (BH3 of the amidoborane, sp2 boron of the
    [N2BH]n chain) have second-order quadrupolar central-transition lines that MAS does not
    average; they are approximated here by asymmetric lines (split pseudo-Voigt: the upfield half
    width / downfield half width = asym > 1, the tail on the low-ppm side) whose MAXIMUM is the
    shift given below; the article's shifts are line maxima. Lines (maximum ppm, FWHM ppm, eta,
    boron fraction, asym):
    LiNH2BH3:          BH3 -25.5 [article], 6.0, 0.10, 1.00, 1.35.
    LiBH4:             BH4 -44.3 [article], 2.2, 0.30, 1.00, 1.00.
    LiNBH:             [N2BH]n +23.6 [article] (broad sp2 B), 26.0, 0.00, 0.84, 1.30;
                       terminal N-BH3 -25.3 [article] (weak), 6.5, 0.10, 0.09, 1.35;
                       residual BH4 -43.5 [article] (side product), 3.0, 0.30, 0.07, 1.00.
    LiBH4-70LiNH2BH3 and LiBH4-50LiNH2BH3 (as milled): BH3 -25.5 and BH4 -44.3 [article: identical to
                       the parents], widths x1.1 (milling disorder); boron fractions from the mass
                       ratio (70 and 50 wt% LiNH2BH3; M = 21.78 and 36.79 g/mol, one B each).
    LiBH4-70LiNBH:     BH4 -41.0 (article: 3.3 ppm downfield of LiBH4), FWHM 2.8; [N2BH]n +23.2
                       (article: 0.4 ppm upfield of LiNBH), shape as in LiNBH; terminal N-BH3 -25.3
                       (weak, as in LiNBH); boron fractions as LiBH4-70LiNH2BH3 with the LiNBH part
                       split as in LiNBH (its residual BH4 merges into the composite's BH4 line).
    Widths, eta, asymmetries, the weak lines' fractions and the second as-milled ratio (50) are
    chosen for this dataset, not reported. Artefacts: spinning sidebands of every line (satellite
    transitions) 4 % / 1 % at +-1 and +-2 times 14 kHz (109 ppm), baseline offset 0.5 % and
    curvature 0.4 % of the peak height, noise sigma = 1/1000 of the peak height; no phase error.
    Spectral window 400 ppm (centred at -20 ppm), 4096 points.
    Check: an asymmetric (split-Gaussian) fit around each maximum gives the shifts within 0.1 ppm
    (tests/test_nmr11b.py); a symmetric fit over a window of several ppm would move the broad
    lines' maxima by 0.2-0.8 ppm (towards the steep side).
"""

import numpy as np

from . import common

SI = 4096
K_B = 8.617333262e-5  # eV/K
EA_EV = 0.44
DATE = 946684800      # 2000-01-01T00:00:00Z, a constant: no real dates in the files

NUCLEI = {  # nucleus: Larmor frequency (MHz) at 9.4 T, spectral width (ppm), spectral reference SR (Hz)
    "7Li": {"bf1": 155.5047, "sw_ppm": 200.0, "sr_hz": -23.4, "sidebands": (0.015, 0.004),
            "snr": 400.0, "offset": 0.004, "curvature": 0.003},
    "11B": {"bf1": 128.3776, "sw_ppm": 400.0, "sr_hz": -6.1, "sidebands": (0.04, 0.01),
            "snr": 1000.0, "offset": 0.005, "curvature": 0.004},
    "1H": {"bf1": 400.1300, "sw_ppm": 120.0, "sr_hz": 11.8, "sidebands": (0.03, 0.008),
           "snr": 300.0, "offset": 0.005, "curvature": 0.002},
}
MAS_HZ = 10000.0
PHASE_DEG = 0.8

# 7Li room-temperature lines: (center ppm, fwhm ppm, eta, area fraction)
LI_RT = {
    "LiBH4": [(-0.85, 4.6, 0.08, 1.0)],
    "LiNBH": [(-0.30, 5.8, 0.08, 1.0)],
    "LiBH4-70LiNBH": [(-0.70, 5.2, 0.08, 0.272), (-1.00, 1.25, 0.03, 0.728)],
}
LI_VT_C = (25, 40, 60, 80, 100)
LI_VT_WINF = (2.0, 0.40)  # residual widths (broad, narrow), ppm

# 1H: article FWHM of the main line (ppm), main line (center, eta), minor lines (center, fwhm, eta, area)
H_RT = {
    "LiBH4": (3.43, (-0.55, 0.30), [(4.6, 1.5, 0.3, 0.03)]),
    "LiBH4-70LiNH2BH3": (4.22, (-0.40, 0.30), [(6.0, 2.5, 0.3, 0.08)]),
    "LiBH4-70LiNBH": (3.12, (-0.50, 0.30), [(1.5, 12.0, 0.0, 0.12)]),
}


def pseudo_voigt(x, center, fwhm, eta, area, phase_deg=0.0):
    """Area-normalised pseudo-Voigt line (FWHM ``fwhm``) with a dispersive admixture of ``phase_deg``."""
    u = (x - center) / (fwhm / 2)
    gauss = np.sqrt(np.log(2) / np.pi) / (fwhm / 2) * np.exp(-np.log(2) * u ** 2)
    lorentz = 1 / (np.pi * fwhm / 2) / (1 + u ** 2)
    dispersion = 1 / (np.pi * fwhm / 2) * u / (1 + u ** 2)
    phi = np.deg2rad(phase_deg)
    return area * (np.cos(phi) * ((1 - eta) * gauss + eta * lorentz) + np.sin(phi) * dispersion)


def axis(nucleus, center_ppm=0.0):
    """(ppm axis of the 1r points, procs/acqus numbers) for a spectrum centred at ``center_ppm``."""
    n = NUCLEI[nucleus]
    sf = round(n["bf1"] + n["sr_hz"] * 1e-6, 8)
    sw_hz = round(n["sw_ppm"] * sf, 4)
    offset = round(center_ppm + sw_hz / sf / 2, 6)
    o1 = round(center_ppm * sf + n["sr_hz"], 4)  # transmitter offset from BF1, Hz
    ppm = offset - np.arange(SI) * sw_hz / sf / SI
    return ppm, {"SF": sf, "SW_p": sw_hz, "OFFSET": offset, "O1": o1, "BF1": n["bf1"],
                 "SFO1": round(n["bf1"] + o1 * 1e-6, 8)}


def lines_spectrum(ppm, lines, nucleus, sf, phase_deg=PHASE_DEG):
    """Noiseless lines + spinning sidebands, no baseline."""
    first, second = NUCLEI[nucleus]["sidebands"]
    step = MAS_HZ / sf  # ppm between sidebands
    y = np.zeros_like(ppm)
    for center, fwhm, eta, area in lines:
        y += pseudo_voigt(ppm, center, fwhm, eta, area, phase_deg)
        for order, rel in ((1, first), (2, second)):
            for sign in (-1, 1):
                y += pseudo_voigt(ppm, center + sign * order * step, fwhm, eta, area * rel, phase_deg)
    return y


def measure(spectrum, name, nucleus, ppm):
    """Add baseline and noise (seeded from ``name``) to a noiseless spectrum on ``ppm``."""
    n = NUCLEI[nucleus]
    height = spectrum.max()
    u = (ppm - ppm.mean()) / (np.ptp(ppm) / 2)
    baseline = height * (n["offset"] + 0.001 * u + n["curvature"] * (u ** 2 - 1 / 3))
    noise = common.rng(f"nmr/{name}").normal(0.0, height / n["snr"], ppm.size)
    return spectrum + baseline + noise


def half_max_width(x, y):
    """FWHM of the highest peak of a noiseless curve by linear interpolation (generator-side check)."""
    order = np.argsort(x)
    x, y = x[order], y[order]
    k = int(np.argmax(y))
    half = y[k] / 2
    left = k - int(np.argmax(y[k::-1] < half))
    right = k + int(np.argmax(y[k:] < half))
    xl = np.interp(half, [y[left], y[left + 1]], [x[left], x[left + 1]])
    xr = np.interp(half, [y[right], y[right - 1]], [x[right], x[right - 1]])
    return xr - xl


def solve_main_width(target, main, minor):
    """Width parameter of the main 1H line whose noiseless spectrum has FWHM ``target`` (bisection)."""
    fine = np.linspace(-30, 30, 60001)
    center, eta = main

    def width_of(w):
        area = 1.0 - sum(m[3] for m in minor)
        y = pseudo_voigt(fine, center, w, eta, area, PHASE_DEG)
        for c, f, e, a in minor:
            y += pseudo_voigt(fine, c, f, e, a, PHASE_DEG)
        return half_max_width(fine, y)

    lo, hi = 0.5 * target, 1.5 * target
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if width_of(mid) < target else (lo, mid)
    return round(0.5 * (lo + hi), 6)


def vt_lines(temperature_c):
    """7Li lines of the composite at ``temperature_c`` (Hendrickson-Bray narrowing, see docstring)."""
    t, t0 = temperature_c + 273.15, 298.15
    x = 0.5 * np.exp(-EA_EV / K_B * (1 / t - 1 / t0))  # C*exp(-Ea/kT), 0.5 at 25 degC
    out = []
    for (center, w25, eta, frac), w_inf in zip(LI_RT["LiBH4-70LiNBH"], LI_VT_WINF):
        w_rl = w_inf + (w25 - w_inf) * 1.5
        out.append((center - 0.003 * (temperature_c - 25), w_inf + (w_rl - w_inf) / (1 + x), eta, frac))
    return out


def write_bruker(name, nucleus, numbers, intensity, temperature_c, title, mas_hz=MAS_HZ):
    """Write ``nmr/<name>/{acqus, pdata/1/procs, pdata/1/title, pdata/1/1r}``; return the file paths."""
    import nmrglue as ng

    folder = common.reference_path(f"nmr/{name}/acqus").parent
    pdata = folder / "pdata" / "1"
    pdata.mkdir(parents=True, exist_ok=True)
    nc_proc = int(np.floor(np.log2(np.abs(intensity).max()))) - 28  # stored ints up to ~2**29
    stored = np.rint(intensity * 2.0 ** -nc_proc)
    header = ["##TITLE= Parameter file, reference dataset (generated, not measured)", "##JCAMPDX= 5.0",
              "##DATATYPE= Parameter Values", "##ORIGIN= paper_lib reference generator", "##OWNER= reference"]
    comments = ["$$ 2000-01-01 00:00:00.000 +0000  reference"]
    sw_hz = numbers["SW_p"]
    acqus = {"_coreheader": header, "_comments": comments,
             "AQ_mod": 3, "BF1": numbers["BF1"], "BYTORDA": 0, "DATE": DATE, "DECIM": 16, "DTYPA": 0, "DS": 4,
             "MASR": mas_hz, "NS": 64 if nucleus == "7Li" else 16, "NUC1": nucleus, "NUC2": "off",
             "O1": numbers["O1"], "PULPROG": "zg", "RG": 32.0, "SFO1": numbers["SFO1"],
             "SOLVENT": "None", "SW": round(sw_hz / numbers["SFO1"], 6), "SW_h": sw_hz, "TD": 2 * SI,
             "TE": round(temperature_c + 273.15, 2), "D": [0.0, 5.0] + [0.0] * 30,
             "P": [0.0, 2.5] + [0.0] * 30}
    procs = {"_coreheader": [h.replace("Parameter file", "Processing parameters") if h.startswith("##TITLE") else h
                             for h in header], "_comments": comments,
             "AXNUC": nucleus, "AXUNIT": "", "BYTORDP": 0, "DATE": DATE, "DTYPP": 0, "FTSIZE": SI, "LB": 20.0,
             "NC_proc": nc_proc, "OFFSET": numbers["OFFSET"], "PHC0": 0.0, "PHC1": 0.0, "PPARMOD": 0,
             "SF": numbers["SF"], "SI": SI, "SR": round((numbers["SF"] - numbers["BF1"]) * 1e6, 4),
             "STSI": 0, "STSR": 0, "SW_p": sw_hz, "TDeff": 0, "WDW": 1, "XDIM": SI,
             "YMAX_p": int(stored.max()), "YMIN_p": int(stored.min())}
    ng.bruker.write_jcamp(acqus, str(folder / "acqus"), overwrite=True)
    ng.bruker.write_jcamp(procs, str(pdata / "procs"), overwrite=True)
    for path in (folder / "acqus", pdata / "procs"):  # TopSpin ends the file with a newline
        path.write_text(path.read_text() + "\n")
    (pdata / "title").write_text(title + "\n")
    ng.bruker.write_pdata(str(pdata), {"procs": procs}, stored * 2.0 ** nc_proc, scale_data=True,
                          big=False, isfloat=False, overwrite=True)
    return [folder / "acqus", pdata / "procs", pdata / "title", pdata / "1r"]


def _spectrum(name, nucleus, lines, temperature_c, title):
    ppm, numbers = axis(nucleus, center_ppm=0.0)
    clean = lines_spectrum(ppm, lines, nucleus, numbers["SF"])
    scale = 1e5 / clean.max()  # arbitrary intensity units
    lines = [(c, w, e, a * scale) for c, w, e, a in lines]
    intensity = measure(lines_spectrum(ppm, lines, nucleus, numbers["SF"]), name, nucleus, ppm)
    return write_bruker(name, nucleus, numbers, intensity, temperature_c, title)


B11_MAS_HZ = 14000.0
_M_LIBH4, _M_LINH2BH3 = 21.78, 36.79  # g/mol, one boron atom each


def _boron_fractions(x_wt):
    """(BH4 fraction, amidoborane fraction) of the boron atoms in LiBH4-xLiNH2BH3 (x in wt%)."""
    bh4, ab = (100 - x_wt) / _M_LIBH4, x_wt / _M_LINH2BH3
    return bh4 / (bh4 + ab), ab / (bh4 + ab)


def _b11_lines():
    """{sample: [(maximum ppm, fwhm ppm, eta, boron fraction, asym)]} (see the module docstring)."""
    bh3 = (-25.5, 6.0, 0.10, 1.00, 1.35)
    bh4 = (-44.3, 2.2, 0.30, 1.00, 1.00)
    linbh = [(23.6, 26.0, 0.00, 0.84, 1.30), (-25.3, 6.5, 0.10, 0.09, 1.35), (-43.5, 3.0, 0.30, 0.07, 1.00)]
    out = {"LiNH2BH3": [bh3], "LiBH4": [bh4], "LiNBH": linbh}
    for x in (70, 50):
        f4, f3 = _boron_fractions(x)
        out[f"LiBH4-{x}LiNH2BH3"] = [(bh4[0], bh4[1] * 1.1, bh4[2], f4, bh4[4]),
                                     (bh3[0], bh3[1] * 1.1, bh3[2], f3, bh3[4])]
    f4, f3 = _boron_fractions(70)
    chain, terminal, residual = linbh
    out["LiBH4-70LiNBH"] = [(-44.3 + 3.3, 2.8, 0.30, f4 + f3 * residual[3], 1.00),
                            (23.6 - 0.4, chain[1], chain[2], f3 * chain[3], chain[4]),
                            (terminal[0], terminal[1], terminal[2], f3 * terminal[3], terminal[4])]
    return out


def split_pseudo_voigt(x, maximum, fwhm, eta, area, asym):
    """Asymmetric pseudo-Voigt: maximum at ``maximum``, total FWHM ``fwhm``, half widths in the ratio
    upfield : downfield = ``asym`` : 1 (the tail towards low ppm), area ``area``."""
    h_up, h_down = fwhm * asym / (1 + asym), fwhm / (1 + asym)
    h = np.where(x < maximum, h_up, h_down)
    u = (x - maximum) / h
    shape = (1 - eta) * np.exp(-np.log(2) * u ** 2) + eta / (1 + u ** 2)
    unit_area = (h_up + h_down) / 2 * ((1 - eta) * np.sqrt(np.pi / np.log(2)) + eta * np.pi)
    return area * shape / unit_area


def b11_spectrum(ppm, lines, sf):
    """Noiseless 11B lines + spinning sidebands (14 kHz), no baseline."""
    first, second = NUCLEI["11B"]["sidebands"]
    step = B11_MAS_HZ / sf
    y = np.zeros_like(ppm)
    for center, fwhm, eta, area, asym in lines:
        y += split_pseudo_voigt(ppm, center, fwhm, eta, area, asym)
        for order, rel in ((1, first), (2, second)):
            for sign in (-1, 1):
                y += split_pseudo_voigt(ppm, center + sign * order * step, fwhm, eta, area * rel, asym)
    return y


def _b11(name, lines, title):
    ppm, numbers = axis("11B", center_ppm=-20.0)
    clean = b11_spectrum(ppm, lines, numbers["SF"])
    scale = 1e5 / clean.max()
    lines = [(c, w, e, a * scale, s) for c, w, e, a, s in lines]
    intensity = measure(b11_spectrum(ppm, lines, numbers["SF"]), name, "11B", ppm)
    return write_bruker(name, "11B", numbers, intensity, 25, title, mas_hz=B11_MAS_HZ)


def generate():
    """Write all NMR reference spectra and ``data/manifests/nmr.yaml``; return the written files."""
    files, measurements = [], []

    def add(name, sample, nucleus, lines, temperature_c, **extra):
        title = f"{nucleus} MAS NMR, {sample}, {temperature_c} degC, reference dataset (generated)"
        files.extend(_spectrum(name, nucleus, lines, temperature_c, title))
        measurements.append({"id": name, "kind": "nmr", "sample": sample, "file": f"nmr/{name}",
                             "format": "bruker",
                             "conditions": {"nucleus": nucleus, "temperature_C": temperature_c,
                                            "mas_rate_kHz": MAS_HZ / 1000, **extra}})

    for sample, lines in LI_RT.items():
        add(f"7Li_{sample}_RT", sample, "7Li", lines, 25, series="room-temperature")
    for t in LI_VT_C:
        add(f"7Li_LiBH4-70LiNBH_VT_{t:03d}C", "LiBH4-70LiNBH", "7Li", vt_lines(t), t, series="variable-temperature")
    for sample, (target, main, minor) in H_RT.items():
        width = solve_main_width(target, main, minor)
        lines = [(main[0], width, main[1], 1.0 - sum(m[3] for m in minor))] + list(minor)
        add(f"1H_{sample}_RT", sample, "1H", lines, 25, series="room-temperature")
    for sample, lines in _b11_lines().items():
        name = f"11B_{sample}_RT"
        files.extend(_b11(name, lines, f"11B MAS NMR, {sample}, 25 degC, reference dataset (generated)"))
        measurements.append({"id": name, "kind": "nmr", "sample": sample, "file": f"nmr/{name}", "format": "bruker",
                             "conditions": {"nucleus": "11B", "temperature_C": 25,
                                            "mas_rate_kHz": B11_MAS_HZ / 1000, "series": "11B",
                                            "reference": "BF3.OEt2"}})
    common.write_manifest(
        "nmr", "Solid-state 7Li, 1H and 11B MAS NMR spectra (Bruker TopSpin processed data): room-temperature "
               "7Li of LiBH4, LiNBH and LiBH4-70LiNBH; variable-temperature 7Li of LiBH4-70LiNBH; room-temperature "
               "1H of LiBH4, LiBH4-70LiNH2BH3 and LiBH4-70LiNBH; room-temperature 11B of LiNH2BH3, LiBH4, LiNBH, "
               "LiBH4-70LiNH2BH3, LiBH4-50LiNH2BH3 and LiBH4-70LiNBH.", measurements)
    return files
