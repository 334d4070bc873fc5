"""EELS B K-edge reference spectra (core-loss, 150-230 eV), as EMSA/MAS .msa files.

Channels: 801, 0.1 eV per channel, stored energy axis 150.0 + offset error .. 230.0 + offset error.
Forward model (single-scattering distribution: no plural scattering, as after Fourier-ratio
deconvolution), in counts per channel at the true energy loss E = E_stored - z:

    I(E) = B1 * (E / 185)**-3.1 + B2 * (E / 185)**-4.8                  pre-edge background
         + P * V(E; E_pi, 0.80 eV Gaussian, 0.25 eV Lorentzian FWHM)    pi*-like peak
         + J * S(E; E_pi + 3.4, 0.7) * (E / (E_pi + 3.4))**-2.2          edge continuum (erf step)
         + sum_k s_k * J * gauss(E; E_k, w_k)                            sigma* features
    measured = Poisson(I)                                                seeded from the file name

The background is the tail of lower-energy losses (valence, Li K): two power laws, so the single
A * E**-r fitted in a pre-edge window is an approximation, as for real spectra. V is a Voigt
(Gaussian: instrumental resolution with the intrinsic width; Lorentzian: core-hole lifetime) and
is symmetric: its maximum is E_pi.
Values:
    LiBH4:          E_pi = 188.6 eV [article]; sigma* at 195.2 (s 1.6, FWHM 4.0), 200.8 (1.0, 6.0) and
                    211 eV (0.5, 12).
    LiBH4-70LiNBH:  E_pi = 187.9 eV [article]; sigma* at 194.6 (1.5, 4.2), 200.0 (1.1, 6.0), 211 (0.5, 12).
    Intensities: B1 = 3.6e6, B2 = 1.4e6 counts at 185 eV, P = 1.6e6, J = 0.9e6 counts (all assumed).
    The B K-edge of tetrahedral [BH4]- has no true pi* final states (B is sp3); a pi*-like peak near
    188-189 eV is usually ascribed to sp2/trigonal boron, e.g. from beam damage (B-H loss) or, in
    the composite, from the sp2 [N2BH]n boron. The generator puts the peak where the article reports
    it; it takes no position on its origin.
Energy calibration: the stored axis is off by z (LiBH4 +0.42 eV, LiBH4-70LiNBH -0.27 eV; assumed);
each file records the zero-loss peak position measured on the same scale in the user keyword
``##ZLP_POSITION-eV`` (= z), which :func:`paper_lib.spectra.calibrate_energy` subtracts. The LiBH4
file is written with #DATATYPE : XY (lines 'x, y'), the composite with #DATATYPE : Y (counts only,
5 per line).
"""

import numpy as np
from scipy.special import erf, voigt_profile

from . import common

N, DISPERSION, START = 801, 0.1, 150.0
G = 2 * np.sqrt(2 * np.log(2))

SAMPLES = {  # name: (pi* eV, [(sigma* eV, relative height, fwhm)], zero-loss offset eV, datatype)
    "LiBH4": (188.6, [(195.2, 1.6, 4.0), (200.8, 1.0, 6.0), (211.0, 0.5, 12.0)], 0.42, "XY"),
    "LiBH4-70LiNBH": (187.9, [(194.6, 1.5, 4.2), (200.0, 1.1, 6.0), (211.0, 0.5, 12.0)], -0.27, "Y"),
}
B1, B2, P, J = 3.6e6, 1.4e6, 1.6e6, 0.9e6


def intensity(e, e_pi, sigma_star):
    """Noiseless counts per channel at true energy loss ``e`` (eV)."""
    background = B1 * (e / 185.0) ** -3.1 + B2 * (e / 185.0) ** -4.8
    sig, gam = 0.80 / G, 0.25 / 2
    peak = P * voigt_profile(e - e_pi, sig, gam) / voigt_profile(0.0, sig, gam)
    onset = e_pi + 3.4
    continuum = J * 0.5 * (1 + erf((e - onset) / (0.7 * np.sqrt(2)))) * (e / onset) ** -2.2
    features = sum(s * J * np.exp(-4 * np.log(2) * (e - c) ** 2 / w ** 2) for c, s, w in sigma_star)
    return background + peak + continuum + features


def write_msa(path, title, stored_energy, counts, datatype, zlp):
    head = ["#FORMAT      : EMSA/MAS Spectral Data File", "#VERSION     : 1.0", f"#TITLE       : {title}",
            "#DATE        : 01-JAN-2000", "#TIME        : 00:00", "#OWNER       : reference dataset (generated)",
            f"#NPOINTS     : {counts.size}", "#NCOLUMNS    : " + ("1" if datatype == "XY" else "5"),
            "#XUNITS      : eV", "#YUNITS      : counts", f"#DATATYPE    : {datatype}",
            f"#XPERCHAN    : {DISPERSION:.4f}", f"#OFFSET      : {stored_energy[0]:.4f}",
            "#SIGNALTYPE  : ELS", "#BEAMKV   -kV: 200.0", "#CONVANGLE-mR: 10.0", "#COLLANGLE-mR: 20.0",
            "#ELSDET      : PARALL", f"##ZLP_POSITION-eV: {zlp:.3f}", "#SPECTRUM    : Spectral Data Starts Here"]
    if datatype == "XY":
        rows = [f"{x:.4f}, {int(c)}" for x, c in zip(stored_energy, counts)]
    else:
        rows = [", ".join(str(int(c)) for c in counts[i:i + 5]) for i in range(0, counts.size, 5)]
    path.write_text("\n".join(head + rows + ["#ENDOFDATA   : "]) + "\n")


def generate():
    """Write the EELS reference spectra and ``data/manifests/eels.yaml``; return the written files."""
    files, measurements = [], []
    for sample, (e_pi, sigma_star, zlp, datatype) in SAMPLES.items():
        name = f"BK_{sample}"
        stored = START + zlp + DISPERSION * np.arange(N)
        stored = np.round(stored, 4)
        clean = intensity(stored - zlp, e_pi, sigma_star)
        counts = common.rng(f"eels/{name}").poisson(clean)
        path = common.reference_path(f"eels/{name}.msa")
        write_msa(path, f"B K-edge EELS, {sample}, reference dataset (generated)", stored, counts, datatype, zlp)
        files.append(path)
        measurements.append({"id": f"eels_{name}", "kind": "eels", "sample": sample, "file": f"eels/{name}.msa",
                             "format": "msa", "conditions": {"edge": "B K", "beam_kV": 200}})
    common.write_manifest("eels", "Core-loss EELS B K-edges of LiBH4 and LiBH4-70LiNBH (EMSA/MAS .msa).",
                          measurements)
    return files
