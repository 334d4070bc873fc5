"""X-ray powder diffraction reference patterns (Cu Kα, Bragg-Brentano), as .xy, .xye and PANalytical .xrdml.

Every pattern runs from 5 to 80 deg 2θ in 0.02 deg steps (3751 points), 1.0 s counting time per step,
intensities in counts per step, written as
    .xy    two columns with a '#' header (wavelengths, step, counting time), or comma-separated with a
           text column header (LiNH2BH3 only, as some exports have);
    .xye   three columns, the third the Poisson standard error sqrt(counts);
    .xrdml PANalytical XML (namespace http://www.xrdml.com/XRDMeasurement/1.5 with <intensities>, or
           /2.1 with <counts>; usedWavelength Kα1/Kα2/ratio, commonCountingTime, startPosition/endPosition).
Fixed values only (no dates beyond a constant), so rerunning gives byte-identical files.

Forward model (per pattern; the analysis uses simpler models: pseudo-Voigt lines, SNIP background)
    counts(2θ) = Poisson( t * [ sum_phases S_p sum_hkl I_hkl * TCH(2θ; 2θ_hkl + Δ, H_G, H_L)   (Kα1 and Kα2, ratio 0.5)
                                + holder(2θ) + halo(2θ) + flat ] )
    I_hkl     = m |F|² LP P_MD from paper_lib.powder.reflections: the published structures in
                data/structures (LiBH4 Pnma: Filinchuk 2008 coordinates on the Soulie 2002 room-temperature
                lattice). LiNH2BH3 has no verified atomic positions: its lines sit at the Pbca lattice's
                allowed positions with |F|² = 1 times a fixed pseudo-random factor per reflection
                (log-normal, sigma 0.6, seeded by the reflection), standing in for the unknown structure
                factors; the analysis's reference (|F|² = 1) therefore does not match its intensities.
    TCH       Thompson-Cox-Hastings pseudo-Voigt: Gaussian instrument width from Caglioti
                U, V, W = 0.0040, -0.0020, 0.0030 deg², Lorentzian instrument width 0.015 deg plus Scherrer
                size broadening K λ / (L cos θ) (K = 0.9) of the phase's crystallite size L.
    Δ         sample displacement -2 s cos θ / R with s = 15 um, R = 240 mm (goniometer radius).
    holder    air-tight holder dome (Kapton-type polymer window): Gaussian hump at 21.0 deg, FWHM 7 deg,
                peak 180 counts/s, plus air scatter 600 exp(-(2θ - 5)/2.5) counts/s.
    halo      amorphous matter: milled LiBH4 (crystallinity lost on milling) a halo at 23.5 deg, FWHM 9 deg;
                amorphous LiNBH (dehydrogenated samples) a halo at 26.5 deg, FWHM 11 deg.
    flat      40 counts/s.
    S_p       scaled so that the strongest line of a single-phase, fully crystalline sample peaks at about
                2500 counts/s, times mass fraction and crystallinity.

Samples and what is from the article [article] or assumed here
    LiBH4 (as received)       L = 150 nm, random orientation.                                  .xrdml 1.5
    LiBH4 (ball milled)       L = 18 nm, crystallinity 0.35, milled-LiBH4 halo [article: milling lowers
                              LiBH4 crystallinity].                                           .xrdml 2.1
    LiBH4 (milled + annealed) L = 70 nm, crystallinity 0.9, March-Dollase texture r = 0.55 along the (011)
                              normal [article: annealing recrystallises with preferential growth, S6].
                                                                                              .xrdml 2.1
    LiNH2BH3                  L = 60 nm.                                                       .xy (csv)
    LiBH4-xLiNH2BH3 as milled, x = 30, 50, 70, 90 wt% LiNH2BH3: LiBH4 L = 15 nm, crystallinity 0.3;
                              LiNH2BH3 L = 35 nm; weights (1 - x/100) and x/100; milled-LiBH4 halo; no other
                              phase [article: only LiBH4 and LiNH2BH3, no new phase].          .xy
    LiBH4-xLiNBH (dehydrogenated / confined), x = 30, 50, 70, 90: LiNH2BH3 lines absent, amorphous LiNBH
                              halo scaled by x/100 [article]; LiBH4 weight 0.8 (1 - f) / ((1 - f) + 0.89 f), f = x/100
                              (LiNH2BH3 -> LiNBH + 2 H2 keeps 0.89 of the mass); L = 45 nm, texture
                              r = 0.55 along the (011) normal (recrystallised LiBH4, as after annealing).
                              LiBH4-70LiNBH is the x = 70 file.                               .xye
The ~22 deg feature [article: "significantly enhanced" peak at ~22 deg in LiBH4-70LiNBH]: Pnma LiBH4 has
no allowed reflection there with Cu Kα ((110), 23.55 deg, is extinct by the a-glide perpendicular to c, hk0: h = 2n); the
nearest allowed ones are (101) at 17.95 and (011) at 23.93 deg. The generator does NOT place a line at
22 deg: the enhancement is modelled as texture that strengthens (011) at 23.93 deg, on top of the holder
hump centred near 21 deg. The analysis reports where the enhanced peak actually is.
"""

import math

import numpy as np

from . import common

STEP, START, END = 0.02, 5.0, 80.0
COUNT_TIME = 1.0  # s per step
KA1, KA2, RATIO = 1.5406, 1.5444, 0.5
CAGLIOTI = (0.0040, -0.0020, 0.0030)  # deg²
LORENTZ_INSTRUMENT = 0.015  # deg
DISPLACEMENT_UM, RADIUS_MM = 15.0, 240.0
PEAK_CPS = 2500.0
TEXTURE = ((0, 1, 1), 0.55)
X_SERIES = (30, 50, 70, 90)
LINBH_MASS = 1 - 0.1096  # LiNBH left per mass of LiNH2BH3 after losing 2 H2 (10.96 wt%)
DATE = "2000-01-01T00:00:00Z"


def axis():
    return np.round(START + STEP * np.arange(int(round((END - START) / STEP)) + 1), 4)


def _tch(x, center, fg, fl):
    f = (fg ** 5 + 2.69269 * fg ** 4 * fl + 2.42843 * fg ** 3 * fl ** 2 + 4.47163 * fg ** 2 * fl ** 3
         + 0.07842 * fg * fl ** 4 + fl ** 5) ** 0.2
    q = fl / f
    eta = 1.36603 * q - 0.47719 * q ** 2 + 0.11116 * q ** 3
    sigma = f / (2 * math.sqrt(2 * math.log(2)))
    g = np.exp(-0.5 * ((x - center) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    lor = (f / 2) / math.pi / ((x - center) ** 2 + (f / 2) ** 2)
    return (1 - eta) * g + eta * lor


def _lnbh_factors(table):
    """Fixed pseudo-random |F|² factors for LiNH2BH3 (unknown structure), one per reflection."""
    return np.array([common.rng(f"xrd/LiNH2BH3/F2/{h}{k}{l}").lognormal(0.0, 0.6)
                     for h, k, l in zip(table["h"], table["k"], table["l"])])


def phase_lines(name, size_nm, texture=None):
    """(d, integrated intensity per unit scale, Lorentzian size width function) of one phase."""
    from paper_lib import powder

    table = powder.reflections(name, 82.0, KA1, 3.0, texture=texture)
    intensity = table["intensity"].values.copy()
    if name == "LiNH2BH3":
        intensity = intensity * _lnbh_factors(table)
    return table["d"].values, intensity, size_nm


def phase_pattern(x, name, size_nm, texture=None):
    """Diffracted intensity of one phase, normalised so its strongest line peaks at 1."""
    d, intensity, size = phase_lines(name, size_nm, texture)
    y = np.zeros_like(x)
    for wavelength, weight in ((KA1, 1.0), (KA2, RATIO)):
        s = wavelength / (2 * d)
        centers = np.degrees(2 * np.arcsin(s))
        theta = np.radians(centers / 2)
        shift = -np.degrees(2 * DISPLACEMENT_UM * 1e-3 * np.cos(theta) / RADIUS_MM)
        tan = np.tan(theta)
        fg = np.sqrt(CAGLIOTI[0] * tan ** 2 + CAGLIOTI[1] * tan + CAGLIOTI[2])
        fl = LORENTZ_INSTRUMENT + np.degrees(0.9 * wavelength / (10 * size * np.cos(theta)))
        for c, g, l_, a in zip(centers + shift, fg, fl, intensity):
            if START - 3 < c < END + 3:
                y += weight * a * _tch(x, c, g, l_)
    return y / y.max()


def _gauss(x, center, fwhm):
    return np.exp(-4 * math.log(2) * ((x - center) / fwhm) ** 2)


def background(x, milled_halo=0.0, lnbh_halo=0.0):
    """Holder hump, air scatter, flat level and amorphous halos, counts/s."""
    y = 180 * _gauss(x, 21.0, 7.0) + 600 * np.exp(-(x - 5.0) / 2.5) + 40.0
    y += milled_halo * 260 * _gauss(x, 23.5, 9.0)
    y += lnbh_halo * 220 * _gauss(x, 26.5, 11.0)
    return y


def pattern(name, phases, milled_halo=0.0, lnbh_halo=0.0):
    """Counts per step of a sample: ``phases`` = [(structure, weight, size_nm, texture)]."""
    x = axis()
    cps = background(x, milled_halo, lnbh_halo)
    for structure, weight, size, texture in phases:
        cps = cps + PEAK_CPS * weight * phase_pattern(x, structure, size, texture)
    counts = common.rng(f"xrd/{name}").poisson(cps * COUNT_TIME).astype(float)
    return x, counts


def write_xy(path, x, counts, sample, errors=False):
    lines = [f"# {sample}: X-ray powder diffraction, reference dataset (generated, not measured)",
             "# Anode: Cu", f"# Wavelength Ka1 = {KA1:.4f} A", f"# Wavelength Ka2 = {KA2:.4f} A",
             f"# Ka2/Ka1 ratio = {RATIO:.1f}", f"# Step = {STEP:.2f} deg, count time = {COUNT_TIME:.1f} s",
             "# 2Theta(deg) Intensity(counts)" + (" ESD(counts)" if errors else "")]
    for t, c in zip(x, counts):
        lines.append(f"{t:.3f} {c:.0f} {math.sqrt(max(c, 1.0)):.3f}" if errors else f"{t:.3f} {c:.0f}")
    path.write_text("\n".join(lines) + "\n")


def write_csv(path, x, counts):
    lines = ["Angle (2Theta),Intensity (counts)"] + [f"{t:.3f},{c:.0f}" for t, c in zip(x, counts)]
    path.write_text("\n".join(lines) + "\n")


def write_xrdml(path, x, counts, sample, version="2.1"):
    ns = f"http://www.xrdml.com/XRDMeasurement/{version}"
    tag = "counts" if version.startswith("2") else "intensities"
    values = " ".join(f"{c:.0f}" for c in counts)
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<xrdMeasurements xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{ns} http://www.xrdml.com/XRDMeasurement/{version}/XRDMeasurement.xsd" status="Completed">
  <comment>
    <entry>Reference dataset (generated, not measured): {sample}</entry>
  </comment>
  <sample type="To be analyzed">
    <id>{sample}</id>
    <name>{sample}</name>
  </sample>
  <xrdMeasurement measurementType="Scan" status="Completed" sampleMode="Reflection">
    <usedWavelength intended="K-Alpha 1">
      <kAlpha1 unit="Angstrom">{KA1:.5f}</kAlpha1>
      <kAlpha2 unit="Angstrom">{KA2:.5f}</kAlpha2>
      <kBeta unit="Angstrom">1.39225</kBeta>
      <ratioKAlpha2KAlpha1>{RATIO:.4f}</ratioKAlpha2KAlpha1>
    </usedWavelength>
    <incidentBeamPath>
      <radius unit="mm">{RADIUS_MM:.2f}</radius>
      <xRayTube name="Cu LFF">
        <tension unit="kV">40</tension>
        <current unit="mA">40</current>
        <anodeMaterial>Cu</anodeMaterial>
      </xRayTube>
    </incidentBeamPath>
    <scan appendNumber="0" mode="Continuous" scanAxis="Gonio" status="Completed">
      <header>
        <startTimeStamp>{DATE}</startTimeStamp>
        <endTimeStamp>{DATE}</endTimeStamp>
        <author>
          <name>reference dataset</name>
        </author>
      </header>
      <dataPoints>
        <positions axis="2Theta" unit="deg">
          <startPosition>{x[0]:.4f}</startPosition>
          <endPosition>{x[-1]:.4f}</endPosition>
        </positions>
        <positions axis="Omega" unit="deg">
          <startPosition>{x[0] / 2:.4f}</startPosition>
          <endPosition>{x[-1] / 2:.4f}</endPosition>
        </positions>
        <commonCountingTime unit="seconds">{COUNT_TIME:.2f}</commonCountingTime>
        <{tag} unit="counts">{values}</{tag}>
      </dataPoints>
    </scan>
  </xrdMeasurement>
</xrdMeasurements>
"""
    path.write_text(text)


def samples():
    """(file stem, sample, format, conditions, phases, milled halo, LiNBH halo) of every pattern."""
    out = [("LiBH4_as-received", "LiBH4", "xrdml-1.5", {"state": "as-received"},
            [("LiBH4", 1.0, 150.0, None)], 0.0, 0.0),
           ("LiBH4_ball-milled", "LiBH4", "xrdml-2.1", {"state": "as-milled"},
            [("LiBH4", 0.35, 18.0, None)], 1.0, 0.0),
           ("LiBH4_milled-annealed", "LiBH4", "xrdml-2.1", {"state": "annealed"},
            [("LiBH4", 0.9, 70.0, TEXTURE)], 0.1, 0.0),
           ("LiNH2BH3", "LiNH2BH3", "csv", {"state": "as-received"},
            [("LiNH2BH3", 1.0, 60.0, None)], 0.0, 0.0)]
    for x in X_SERIES:
        f = x / 100
        out.append((f"LiBH4-{x}LiNH2BH3_as-milled", f"LiBH4-{x}LiNH2BH3", "xy",
                    {"x_wt_percent": x, "state": "as-milled"},
                    [("LiBH4", 0.3 * (1 - f), 15.0, None), ("LiNH2BH3", f, 35.0, None)], 1 - f, 0.0))
    for x in X_SERIES:
        f = x / 100
        out.append((f"LiBH4-{x}LiNBH_dehydrogenated", f"LiBH4-{x}LiNBH", "xye",
                    {"x_wt_percent": x, "state": "dehydrogenated"},
                    [("LiBH4", 0.8 * (1 - f) / ((1 - f) + f * LINBH_MASS), 45.0, TEXTURE)], 0.0, f))
    return out


def generate():
    """Write all XRD reference patterns and ``data/manifests/xrd.yaml``; return the written files."""
    files, measurements = [], []
    for stem, sample, fmt, conditions, phases, milled, lnbh in samples():
        x, counts = pattern(stem, phases, milled, lnbh)
        suffix = {"xy": ".xy", "csv": ".xy", "xye": ".xye", "xrdml-1.5": ".xrdml", "xrdml-2.1": ".xrdml"}[fmt]
        path = common.reference_path(f"xrd/{stem}{suffix}")
        if fmt == "xy":
            write_xy(path, x, counts, sample)
        elif fmt == "csv":
            write_csv(path, x, counts)
        elif fmt == "xye":
            write_xy(path, x, counts, sample, errors=True)
        else:
            write_xrdml(path, x, counts, sample, version=fmt.split("-")[1])
        files.append(path)
        measurements.append({"id": f"xrd_{stem}", "kind": "xrd", "sample": sample, "file": f"xrd/{path.name}",
                             "format": "xrdml" if fmt.startswith("xrdml") else "xy",
                             "conditions": {**conditions, "anode": "Cu", "wavelength_A": KA1}})
    common.write_manifest(
        "xrd", "X-ray powder diffraction (Cu Kα, 5-80 deg 2θ): LiBH4 as received, ball milled and milled + "
               "annealed; LiNH2BH3; LiBH4-xLiNH2BH3 as milled and LiBH4-xLiNBH after dehydrogenation "
               "(x = 30, 50, 70, 90 wt% LiNH2BH3).", measurements)
    return files
