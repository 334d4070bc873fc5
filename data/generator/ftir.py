"""FTIR reference spectra (KBr pellets, transmission, 4000-400 cm^-1), as JCAMP-DX and CSV exports.

Axis: 1868 points from 3999.64 to 399.19 cm^-1 (1.928 cm^-1 spacing, 4 cm^-1 resolution with
zero filling, as a benchtop FTIR stores it). Forward model, in decadic absorbance:

    A(v) = m_LiBH4 * sum_k V(v; LiBH4 bands) + m_AB * sum_k V(v; LiNH2BH3 bands)
         + m_LiNBH * sum_k V(v; LiNBH bands)                                   sample
         + a0 + a1 * (v / 4000)**2                                            pellet scattering
         + residual CO2 (P/R doublet 2361/2338 cm^-1 and 667 cm^-1, signed)   purge artefact
         + residual water vapour (~90 narrow rotational lines, 3950-3500 and 1950-1350 cm^-1,
           signed random amplitudes)                                          purge artefact
    T(v) = 100 * 10**-A(v) + white noise (sigma 0.05 %T), seeded from the file name

V is a Voigt band (Lorentzian FWHM, inhomogeneous Gaussian FWHM) with its peak height given;
the instrument line shape (4 cm^-1 resolution) is a Gaussian of 4 cm^-1 FWHM folded into each
band's Gaussian width (a Voigt convolved with a Gaussian is a Voigt). The analysis fits single
Lorentzians locally and integrates band areas above straight lines, so it is tested, not replayed.

Band positions (cm^-1; height in absorbance per unit mass fraction; Lorentzian/Gaussian FWHM):
    LiBH4     B-H stretch 2300 [article] (0.55; 22/14), 2225 (0.45; 30/16), 2162 (0.18; 28/14);
              B-H bend 1125 (0.16; 14/8), 1090 (0.32; 16/8)   [positions besides 2300: literature,
              reference/crystal-structures.md]
    LiNH2BH3  N-H stretch 3340, 3280 (0.30, 0.26; 38/20); B-H stretch envelope 2320-2050:
              2310, 2200, 2100 (0.20, 0.26, 0.18; 60/30); N-H bend 1560 (0.14; 28/12);
              BH3 deformation 1190 (0.12; 26/12); B-N stretch 880 (0.20; 34/14)   [literature]
    LiNBH     (after dehydrogenation) sp2 B-N stretch 1390 (0.30; 150/60), B-N-B bend 780
              (0.08; 80/30), sp2 B-H stretch 2480 (0.07; 70/30); residual N-H 3300 (0.03; 120/40)
              and a residual terminal BH3 = 8 % of the amidoborane B-H bands  [assumed]
Samples:
    LiBH4, LiNH2BH3 (parents); as milled LiBH4-xLiNH2BH3, x = 30, 50, 70, 90 wt% (mass-weighted sum
    of the parents, all widths x1.15 for milling disorder); after dehydrogenation LiBH4-xLiNBH
    (LiBH4 part x1.15 wide, amidoborane replaced by LiNBH with 89.2 % of its mass, i.e. the 10.8 wt%
    hydrogen loss [article, TGA]). In LiBH4-70LiNBH the main LiBH4 B-H stretch is at 2290 cm^-1
    [article]; for the other x it is assumed to move proportionally, 2300 - 10 * x / 70. The LiBH4
    bending bands do not move [assumed; article: LiBH4 bands "almost unchanged"].
Artefacts: pellet scattering a0 = 0.035, a1 = 0.06; CO2 doublet amplitudes +-0.006 to 0.012 (sign
and size per file), water-vapour line amplitudes N(0, 0.0025) before the 4 cm^-1 line shape;
noise 0.05 %T. All artefact sizes, heights and widths are chosen for this dataset.
Formats (some files in transmittance, some in absorbance):
    JCAMP-DX 4.24 AFFN (##YUNITS=TRANSMITTANCE, fractions; or ABSORBANCE) and JCAMP-DX 5.01 compressed
    ASDF DIFDUP (##YUNITS=%T or ABSORBANCE, integers times ##YFACTOR); CSV with a header
    (wavenumber, %T), header-less CSV (OMNIC-like, descending, %T), and semicolon CSV with decimal
    commas (absorbance).
"""

import numpy as np
from scipy.special import voigt_profile

from . import common

NPOINTS, FIRSTX, LASTX = 1868, 3999.64, 399.19
ILS_FWHM = 4.0
G = 2 * np.sqrt(2 * np.log(2))  # FWHM / sigma of a Gaussian
H_LOSS = 0.108  # wt% hydrogen lost by LiNH2BH3 on heating to 300 degC [article]

# (center, height, lorentzian fwhm, gaussian fwhm)
LIBH4 = [(2300.0, 0.55, 22, 14), (2225.0, 0.45, 30, 16), (2162.0, 0.18, 28, 14),
         (1125.0, 0.16, 14, 8), (1090.0, 0.32, 16, 8)]
AB = [(3340.0, 0.30, 38, 20), (3280.0, 0.26, 38, 20), (2310.0, 0.20, 60, 30), (2200.0, 0.26, 60, 30),
      (2100.0, 0.18, 60, 30), (1560.0, 0.14, 28, 12), (1190.0, 0.12, 26, 12), (880.0, 0.20, 34, 14)]
AB_BH = AB[2:5]
LINBH = [(1390.0, 0.30, 150, 60), (780.0, 0.08, 80, 30), (2480.0, 0.07, 70, 30), (3300.0, 0.03, 120, 40)]
RESIDUAL_BH3 = 0.08
BROADEN = 1.15


def axis():
    return np.linspace(FIRSTX, LASTX, NPOINTS)


def voigt(x, center, height, fwhm_l, fwhm_g):
    """Voigt band of peak height ``height`` (instrument line shape folded into the Gaussian part)."""
    sigma = np.hypot(fwhm_g, ILS_FWHM) / G
    gamma = fwhm_l / 2
    return height * voigt_profile(x - center, sigma, gamma) / voigt_profile(0.0, sigma, gamma)


def bands(x, table, scale=1.0, broaden=1.0, move=None):
    """Sum of the ``table`` bands times ``scale``; ``move`` maps a center to a new one."""
    y = np.zeros_like(x)
    for center, height, fl, fg in table:
        c = move.get(center, center) if move else center
        # a broader band keeps its area: height scaled down as the widths go up
        y += voigt(x, c, height * scale / broaden, fl * broaden, fg * broaden)
    return y


def sample_absorbance(x, kind, x_wt=None):
    """Noiseless sample absorbance of 'LiBH4', 'LiNH2BH3', 'milled' (x_wt) or 'dehydrogenated' (x_wt)."""
    if kind == "LiBH4":
        return bands(x, LIBH4)
    if kind == "LiNH2BH3":
        return bands(x, AB)
    f_ab = x_wt / 100
    if kind == "milled":
        return bands(x, LIBH4, 1 - f_ab, BROADEN) + bands(x, AB, f_ab, BROADEN)
    shifted = {2300.0: 2300.0 - 10.0 * x_wt / 70.0}
    f_linbh = f_ab * (1 - H_LOSS)
    return (bands(x, LIBH4, 1 - f_ab, BROADEN, shifted) + bands(x, LINBH, f_linbh, BROADEN)
            + bands(x, AB_BH, f_ab * RESIDUAL_BH3, BROADEN))


def artefacts(x, name):
    """Pellet scattering, residual CO2 and water vapour for file ``name`` (seeded)."""
    rng = common.rng(f"ftir/{name}/artefacts")
    y = 0.035 + 0.06 * (x / 4000.0) ** 2
    amp = rng.choice([-1.0, 1.0]) * rng.uniform(0.006, 0.012)
    for center in (2361.0, 2338.0):
        y += amp * np.exp(-0.5 * ((x - center) / 7.0) ** 2)
    y += 0.6 * amp * voigt(x, 667.0, 1.0, 1.5, 0.5)
    centers = np.r_[rng.uniform(3500, 3950, 50), rng.uniform(1350, 1950, 40)]
    for center, a in zip(centers, rng.normal(0.0, 0.0025, centers.size)):
        y += a * voigt(x, center, 1.0, 0.8, 0.3) * 0.35  # a 0.8 cm^-1 line seen at 4 cm^-1 resolution
    return y


def measure(x, absorbance, name):
    """%T with artefacts and noise (seeded from the file name)."""
    a = absorbance + artefacts(x, name)
    t = 100.0 * 10.0 ** -a
    return t + common.rng(f"ftir/{name}").normal(0.0, 0.05, x.size)


# --------------------------------------------------------------------------------- writers
_SQZ = {0: "@", **{d: "ABCDEFGHI"[d - 1] for d in range(1, 10)}, **{-d: "abcdefghi"[d - 1] for d in range(1, 10)}}
_DIF = {0: "%", **{d: "JKLMNOPQR"[d - 1] for d in range(1, 10)}, **{-d: "jklmnopqr"[d - 1] for d in range(1, 10)}}
_DUP = {d: "STUVWXYZs"[d - 1] for d in range(1, 10)}


def _pseudo(value, table):
    text = str(abs(int(value)))
    return table[int(text[0]) * (-1 if value < 0 else 1)] + text[1:]


def difdup_lines(x, ints, xfactor, width=78):
    """ASDF DIFDUP data lines: X (in XFACTOR units) of the line's first point, SQZ first value, DIF
    differences with DUP repeat counts; each later line starts again at the previous line's last
    value (the Y check), as JCAMP-DX 5.01 specifies."""
    lines, start, n = [], 0, len(ints)
    while True:
        head = f"{round(x[start] / xfactor)}{_pseudo(ints[start], _SQZ)}"
        text, k = head, start
        while k + 1 < n:
            d = ints[k + 1] - ints[k]
            run = 1
            while k + 1 + run < n and ints[k + 1 + run] - ints[k + run] == d and run < 9:
                run += 1
            token = _pseudo(d, _DIF) + (_DUP[run] if run > 1 else "")
            if len(text) + len(token) > width:
                break
            text += token
            k += run
        lines.append(text)
        if k + 1 >= n:
            break
        start = k  # Y check: the next line repeats the last value written
    return lines


def _jcamp_header(title, version, yunits, x, y_first, yfactor, npoints, resolution=4.0):
    return [f"##TITLE= {title}", f"##JCAMP-DX= {version}", "##DATA TYPE= INFRARED SPECTRUM",
            "##ORIGIN= paper_lib reference generator (generated, not measured)", "##OWNER= reference dataset",
            "##SAMPLING PROCEDURE= TRANSMISSION, KBr pellet", f"##RESOLUTION= {resolution:g}",
            "##XUNITS= 1/CM", f"##YUNITS= {yunits}", "##XFACTOR= 1.0" if version == "4.24" else "##XFACTOR= 0.01",
            f"##YFACTOR= {yfactor:g}", f"##FIRSTX= {x[0]:.2f}", f"##LASTX= {x[-1]:.2f}",
            f"##NPOINTS= {npoints}", f"##FIRSTY= {y_first:.6g}", f"##MAXX= {x.max():.2f}", f"##MINX= {x.min():.2f}",
            "##DELTAX= " + f"{(x[-1] - x[0]) / (npoints - 1):.6f}", "##XYDATA= (X++(Y..Y))"]


def write_jcamp_affn(path, title, x, y, yunits):
    """JCAMP-DX 4.24, plain numbers, 6 ordinates per line."""
    lines = _jcamp_header(title, "4.24", yunits, x, y[0], 1.0, x.size)
    for i in range(0, x.size, 6):
        lines.append(f"{x[i]:.2f} " + " ".join(f"{v:.5f}" for v in y[i:i + 6]))
    path.write_text("\n".join(lines + ["##END="]) + "\n")


def write_jcamp_asdf(path, title, x, y, yunits, yfactor):
    """JCAMP-DX 5.01, compressed ASDF (DIFDUP) integers times YFACTOR."""
    ints = [int(v) for v in np.rint(y / yfactor)]
    lines = _jcamp_header(title, "5.01", yunits, x, ints[0] * yfactor, yfactor, x.size)
    lines += difdup_lines(x, ints, 0.01)
    path.write_text("\n".join(lines + ["##END="]) + "\n")


def write_csv(path, x, y, style):
    if style == "header":  # ascending, with a header
        order = np.argsort(x)
        rows = ["Wavenumber (cm-1),Transmittance (%)"] + [f"{x[i]:.4f},{y[i]:.4f}" for i in order]
    elif style == "bare":  # OMNIC-like: no header, descending
        rows = [f"{a:.6f},{b:.6f}" for a, b in zip(x, y)]
    elif style == "semicolon":  # decimal commas
        rows = ["cm-1;Abs"] + [f"{a:.4f};{b:.6f}".replace(".", ",") for a, b in zip(x, y)]
    else:
        raise ValueError(style)
    path.write_text("\n".join(rows) + "\n")


# name, sample, kind, x_wt, state, file format, y quantity
FILES = [
    ("LiBH4", "LiBH4", "LiBH4", None, "reference", "affn", "TRANSMITTANCE"),
    ("LiNH2BH3", "LiNH2BH3", "LiNH2BH3", None, "reference", "asdf", "ABSORBANCE"),
    ("LiBH4-30LiNH2BH3", "LiBH4-30LiNH2BH3", "milled", 30, "as-milled", "csv-header", "%T"),
    ("LiBH4-50LiNH2BH3", "LiBH4-50LiNH2BH3", "milled", 50, "as-milled", "csv-bare", "%T"),
    ("LiBH4-70LiNH2BH3", "LiBH4-70LiNH2BH3", "milled", 70, "as-milled", "asdf", "%T"),
    ("LiBH4-90LiNH2BH3", "LiBH4-90LiNH2BH3", "milled", 90, "as-milled", "affn", "ABSORBANCE"),
    ("LiBH4-30LiNBH", "LiBH4-30LiNBH", "dehydrogenated", 30, "dehydrogenated", "affn", "TRANSMITTANCE"),
    ("LiBH4-50LiNBH", "LiBH4-50LiNBH", "dehydrogenated", 50, "dehydrogenated", "csv-semicolon", "ABSORBANCE"),
    ("LiBH4-70LiNBH", "LiBH4-70LiNBH", "dehydrogenated", 70, "dehydrogenated", "asdf", "ABSORBANCE"),
    ("LiBH4-90LiNBH", "LiBH4-90LiNBH", "dehydrogenated", 90, "dehydrogenated", "csv-header", "%T"),
]


def generate():
    """Write the FTIR reference spectra and ``data/manifests/ftir.yaml``; return the written files."""
    x = axis()
    files, measurements = [], []
    for name, sample, kind, x_wt, state, fmt, yunits in FILES:
        t = measure(x, sample_absorbance(x, kind, x_wt), name)
        title = f"FTIR {sample} ({state}), KBr pellet, reference dataset (generated)"
        suffix = ".csv" if fmt.startswith("csv") else ".jdx"
        path = common.reference_path(f"ftir/{name}{suffix}")
        if fmt == "affn":
            y = t / 100 if yunits == "TRANSMITTANCE" else -np.log10(t / 100)
            write_jcamp_affn(path, title, x, y, yunits)
        elif fmt == "asdf":
            if yunits == "%T":
                write_jcamp_asdf(path, title, x, t, "%T", 0.001)
            else:
                write_jcamp_asdf(path, title, x, -np.log10(t / 100), "ABSORBANCE", 1e-5)
        elif fmt == "csv-header":
            write_csv(path, x, t, "header")
        elif fmt == "csv-bare":
            write_csv(path, x, t, "bare")
        elif fmt == "csv-semicolon":
            write_csv(path, x, -np.log10(t / 100), "semicolon")
        files.append(path)
        conditions = {"temperature_C": 25, "state": state, "resolution_cm-1": ILS_FWHM}
        if x_wt is not None:
            conditions["x_wt_percent"] = x_wt
        measurements.append({"id": f"ftir_{name}", "kind": "ftir", "sample": sample, "file": f"ftir/{path.name}",
                             "format": "ftir-csv" if suffix == ".csv" else "jcamp-ir", "conditions": conditions})
    common.write_manifest(
        "ftir", "FTIR transmission spectra (KBr pellets) of LiBH4, LiNH2BH3, as-milled LiBH4-xLiNH2BH3 and "
                "dehydrogenated LiBH4-xLiNBH (x = 30, 50, 70, 90 wt%), as JCAMP-DX and CSV exports.", measurements)
    return files
