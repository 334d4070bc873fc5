"""Reference AFM data of Li metal from two cycled symmetric cells -- generated, not measured.

Figure 4 (AFM panels): the Li surfaces of Li|LiBH4-70LiNBH|Li and Li|LiBH4|Li after 20 cycles at
0.2 mA/cm2 and 60 degC. Per cell one force map (JPK ``.jpk-force-map``) and one topography image
(Gwyddion Simple Field ``.gsf``).
* Force maps: 12 x 12 force-distance curves over 10 x 10 um (0.7 MB per map, kept small for the
  clone), each an approach (extend) to a 2 uN setpoint and a 50 nm retract. Cantilever
  k = 200 N/m, optical lever sensitivity 24.8 / 25.3 nm/V (both written in the file's vDeflection
  conversions), rigid paraboloidal tip of radius 25 nm (a hard, diamond-like tip for GPa samples:
  its own compliance is not modelled), Poisson ratio of Li 0.36.
* Young's modulus per pixel: log-normal, E = exp(sigma G) with G a Gaussian random field smoothed
  over 1 pixel (0.83 um) and normalised to unit variance, sigma_ln 0.22 (LiBH4-70LiNBH) and 0.30
  (LiBH4); the drawn values of the pixels in contact are then scaled so that their arithmetic mean is
  the article's: 27.96 GPa on the composite side and 2.7 times lower, 10.36 GPa, on the LiBH4 side.
* Each curve: the extend starts 20-40 nm above the local surface (uniform; the surface itself varies
  by a field smoothed over 1.5 pixels of 4 nm (composite) or 12 nm (LiBH4) RMS); the cantilever base moves down in
  0.25 nm steps at 0.5 um/s until the deflection rises 2 uN above the value at the start. In contact
  the tip indents by delta with k d = (4/3) E/(1 - nu^2) sqrt(R) delta^1.5 (Hertz, paraboloid) and
  d + delta = the base's travel beyond the contact point, solved by bisection. Retract: the same
  steps back up over 50 nm; the force is Hertz less an adhesion that grows linearly from 0 at the
  turning point to F_ad at delta = 0 (DMT-like pull-off; F_ad uniform 15-40 nN), zero after pull-off.
  The approach has no adhesion.
* Two pixels of the LiBH4 map lie over pits 70 nm deep, so that the extend (capped at 60 nm of
  travel) never reaches the surface: their curves have no contact, and the analysis must flag them
  instead of fitting them. They are left out of the mean scaling.
* Signals: vDeflection = d + an offset of the photodiode (uniform +-0.3 V) + a baseline tilt (deflection
  slope uniform +-2e-3 per unit base travel, optical interference) + white noise: thermal
  sqrt(kB T / k) at 25 degC (4.5 pm) and detector noise 15 pm, quantised as a 16-bit ADC over +-10 V
  (0.305 mV, 7.6 pm); measuredHeight = the base position + N(0, 0.05 nm) quantised to 0.015 nm;
  height (the piezo's nominal signal) = the true position times 1.004 (a 0.4 % calibration
  error), to 0.015 nm. JPK sign conventions: heights grow upwards, the tip position is height + force / k.
* File layout as afmformats' JPK reader parses it (JPK file format 2.0): a zip with
  header.properties (force-scan-map grid: ilength/jlength, ulength/vlength, centre),
  shared-data/header.properties (lcd-info channel encoders and conversion chains volts -> distance
  -> force and volts -> nominal -> calibrated/absolute, force-segment-header-info of extend and
  retract), and per curve index/<n>/header.properties (position index and x, y in m) and
  index/<n>/segments/<0|1>/segment-header.properties with channels/*.dat, big-endian int32 raw
  values. Java properties text with escaped colons, fixed time stamps and zip member dates.
* Topography, 256 x 256 pixels over 20 x 20 um (Gwyddion Simple Field 1.0: text header, NUL padding
  to a multiple of 4 bytes, little-endian float32 heights in m, first row at the top).
  LiBH4-70LiNBH: a smooth surface, a Gaussian random field (smoothed over 0.4 um) of 3 nm RMS.
  LiBH4: the same field at 5 nm RMS plus 30 dendrite-like protrusions, elliptical Gaussian bumps
  50-300 nm high (uniform), standard deviations 0.15-0.4 um along two perpendicular axes at a random
  orientation, centres at least 2.2 um apart and 1 um from the edges (the number is written in the
  manifest as generated_protrusions, for checking). Both: a sample tilt (plane, 3-6 nm/um in x and
  y), scan-line offsets N(0, 2 nm) (composite) or N(0, 5 nm) (LiBH4) per row and white noise of
  0.3 nm; heights rounded to 1 pm.
The moduli's means are the article's; the spring constant, tip, Poisson ratio, setpoint, speeds,
distribution widths, adhesion, roughness levels and the number of protrusions are assumed (the article
states none of them).
Seeds: common.rng(file name).
"""

import zipfile
from decimal import Decimal

import numpy as np
from scipy import ndimage as ndi

from .common import reference_path, rng, write_manifest

K_N_M = 200.0
TIP_RADIUS_M = 25e-9
POISSON = 0.36
SETPOINT_N = 2e-6
STEP_M = 0.25e-9
RETRACT_M = 50e-9
SPEED_M_S = 0.5e-6
GRID = 12
MAP_SIZE_M = 10e-6
ADC_V = 20.0 / 65536            # 16-bit over +-10 V
HEIGHT_V = 1e-5                 # encoder volts per count of the height channels
HEIGHT_M_V = 1.5e-6             # nominal height per volt (15 um over 10 V)
PIEZO_GAIN = 1.004
SENSOR_NOISE_M = 0.05e-9
NOISE_M = float(np.hypot(np.sqrt(1.380649e-23 * 298.15 / K_N_M), 15e-12))
TOPO_PIXELS, TOPO_SIZE_M = 256, 20e-6
ZIP_DATE = (2025, 3, 4, 10, 0, 0)
CONDITIONS = {"cycles": 20, "current_mA_cm2": 0.2, "temperature_C": 60}  # the cells' cycling [article]
ASSUMED = {"afm-force-map": "spring constant, tip radius and shape, Poisson ratio of Li, setpoint, speeds, "
                            "scan size, modulus distribution widths and adhesion (not stated in the article)",
           "afm-topography": "scan size, roughness, tilt, line offsets and the number and size of the "
                             "protrusions (not stated in the article)"}

# sample: cell, mean modulus GPa [article], sigma_ln, surface RMS m, sensitivity m/V, pits
CELLS = {
    "LiBH4-70LiNBH": ("Li|LiBH4-70LiNBH|Li", 27.96, 0.22, 4e-9, 24.8e-9, ()),
    "LiBH4": ("Li|LiBH4|Li", 27.96 / 2.7, 0.30, 12e-9, 25.3e-9, ((3, 9), (10, 4))),
}
MAPS = {"LiBH4-70LiNBH": "afm/Li-LiBH4-70LiNBH-Li_20cycles_forcemap.jpk-force-map",
        "LiBH4": "afm/Li-LiBH4-Li_20cycles_forcemap.jpk-force-map"}
TOPOGRAPHY = {"LiBH4-70LiNBH": "afm/Li-LiBH4-70LiNBH-Li_20cycles_topography.gsf",
              "LiBH4": "afm/Li-LiBH4-Li_20cycles_topography.gsf"}
# sample: base RMS m, protrusions, line offset RMS m
ROUGHNESS = {"LiBH4-70LiNBH": (3e-9, 0, 2e-9), "LiBH4": (5e-9, 30, 5e-9)}


# ---------------------------------------------------------------- random fields

def gaussian_field(g, shape, sigma_px):
    """Zero-mean, unit-variance Gaussian random field smoothed over ``sigma_px`` pixels (periodic)."""
    field = ndi.gaussian_filter(g.normal(size=shape), sigma_px, mode="wrap")
    return (field - field.mean()) / field.std()


def moduli(g, sample, pits):
    """Young's modulus (Pa) per pixel (rows y, columns x), scaled to the article's mean over the
    pixels in contact."""
    _, mean_gpa, sigma, *_ = CELLS[sample]
    e = np.exp(sigma * gaussian_field(g, (GRID, GRID), 1.0))
    contact = np.ones_like(e, bool)
    for iy, ix in pits:
        contact[iy, ix] = False
    return e * (mean_gpa * 1e9 / e[contact].mean())


# ---------------------------------------------------------------- one force curve

def _bisect(fun, upper, iterations=60):
    """Root of the increasing ``fun`` on [0, upper] (arrays), by a fixed number of bisections."""
    lo, hi = np.zeros_like(upper), upper.copy()
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        low = fun(mid) < 0
        lo, hi = np.where(low, mid, lo), np.where(low, hi, mid)
    return 0.5 * (lo + hi)


def hertz_force(delta, modulus):
    """Hertz force (N) of a rigid paraboloid of radius TIP_RADIUS_M at indentation ``delta`` (m)."""
    return 4 / 3 * modulus / (1 - POISSON**2) * np.sqrt(TIP_RADIUS_M) * np.clip(delta, 0, None) ** 1.5


def approach_deflection(travel, modulus):
    """Cantilever deflection (m) at base travel beyond the contact point ``travel`` (m; <= 0: free)."""
    u = np.clip(travel, 0.0, None)
    delta = _bisect(lambda d: hertz_force(d, modulus) - K_N_M * (u - d), u)
    return np.where(travel > 0, u - delta, 0.0)


def retract_deflection(travel, modulus, adhesion, delta_max):
    """Deflection (m) on the way back: Hertz less an adhesion growing to ``adhesion`` (N) at delta = 0;
    the tip stays in contact until the pull-off at travel = -adhesion / k."""
    def residual(d):
        return hertz_force(d, modulus) - adhesion * (1 - d / delta_max) - K_N_M * (travel - d)
    delta = _bisect(residual, np.full_like(travel, delta_max * 1.001))
    attached = travel >= -adhesion / K_N_M
    return np.where(attached, travel - delta, 0.0)


def curve(g, modulus, surface_m, pit=False):
    """(base height, deflection) arrays (m) of the approach and of the retract of one curve, and the
    extend's planned length (m)."""
    start = surface_m + g.uniform(20e-9, 40e-9) + (70e-9 if pit else 0.0)
    planned = RETRACT_M + 10e-9
    z = start - STEP_M * np.arange(int(round(planned / STEP_M)) + 1)
    d = approach_deflection(surface_m - z, modulus)
    reached = np.flatnonzero(K_N_M * d >= SETPOINT_N)
    z_app, d_app = (z[:reached[0] + 1], d[:reached[0] + 1]) if reached.size else (z, d)
    delta_max = max(surface_m - z_app[-1] - d_app[-1], 1e-12)
    z_ret = z_app[-1] + STEP_M * np.arange(1, int(round(RETRACT_M / STEP_M)) + 1)
    adhesion = g.uniform(15e-9, 40e-9)
    d_ret = retract_deflection(surface_m - z_ret, modulus, adhesion, delta_max)
    return (z_app, d_app), (z_ret, d_ret), planned


def signals(g, segment, offset_v, tilt, z_start, sensitivity):
    """Raw integer counts of height, vDeflection and measuredHeight of one segment."""
    z, d = segment
    defl = d + tilt * (z_start - z) + g.normal(0.0, NOISE_M, z.size)
    volts = offset_v + defl / sensitivity
    piezo = np.round(z * PIEZO_GAIN / HEIGHT_M_V / HEIGHT_V)
    sensor = np.round((z + g.normal(0.0, SENSOR_NOISE_M, z.size)) / HEIGHT_M_V / HEIGHT_V)
    return {"height": piezo.astype(">i4"), "vDeflection": np.round(volts / ADC_V).astype(">i4"),
            "measuredHeight": sensor.astype(">i4")}


def force_map(name, sample):
    """Every curve of the map of ``sample`` ({"ix", "iy", "segments": raw counts per channel of the
    approach and the retract}) and the drawn moduli (Pa, rows y)."""
    g = rng(name)
    pits = CELLS[sample][5]
    e = moduli(g, sample, pits)
    surface = 6.0e-6 + CELLS[sample][3] * gaussian_field(g, (GRID, GRID), 1.5)
    sensitivity = CELLS[sample][4]
    curves = []
    for iy in range(GRID):
        for ix in range(GRID):
            app, ret, planned = curve(g, e[iy, ix], surface[iy, ix], (iy, ix) in pits)
            offset_v, tilt = g.uniform(-0.3, 0.3), g.uniform(-2e-3, 2e-3)
            curves.append({"ix": ix, "iy": iy,
                           "segments": [signals(g, s, offset_v, tilt, app[0][0], sensitivity) for s in (app, ret)]})
    return curves, e


# ---------------------------------------------------------------- JPK writer

def java_number(x) -> str:
    """A float as Java's Double.toString writes it (``1.0E-5``, ``0.25``, ``200.0``)."""
    x = float(x)
    if x == 0:
        return "0.0"
    if 1e-3 <= abs(x) < 1e7:
        text = repr(x)
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(x)).normalize().as_tuple()
    mantissa = "".join(map(str, digits))
    power = exponent + len(digits) - 1
    return ("-" if sign else "") + f"{mantissa[0]}.{mantissa[1:] or '0'}E{power}"


def _escape(text: str) -> str:
    return "".join("\\" + c if c in ":=#!\\" else c for c in text)


def properties(items: dict, comment: str) -> bytes:
    """A Java properties file (JPK writes keys sorted, ``:`` and ``=`` escaped)."""
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return java_number(v)
        return str(v)
    lines = [f"#{comment}"] + [f"{_escape(k)}={_escape(value(v))}" for k, v in sorted(items.items())]
    return ("\n".join(lines) + "\n").encode("latin-1")


def _lcd_info(index, channel, slots, multipliers):
    """Shared-data lines of one channel: int32 encoder (volts) and its chain of conversions."""
    p = f"lcd-info.{index}."
    info = {p + "type": "integer-data", p + "channel.name": channel,
            p + "encoder.type": "signedinteger", p + "encoder.scaling.type": "linear",
            p + "encoder.scaling.style": "offsetmultiplier", p + "encoder.scaling.offset": 0.0,
            p + "encoder.scaling.multiplier": multipliers["volts"], p + "encoder.scaling.unit.type": "metric-unit",
            p + "encoder.scaling.unit.unit": "V",
            p + "conversion-set.conversions.list": " ".join(s for s, _, _ in slots),
            p + "conversion-set.conversions.default": slots[-1][0], p + "conversion-set.conversions.base": "volts",
            p + "conversion-set.conversion.volts.name": "Volts", p + "conversion-set.conversion.volts.defined": False}
    base = "volts"
    for slot, unit, label in slots:
        c = p + f"conversion-set.conversion.{slot}."
        info.update({c + "name": label, c + "defined": True, c + "type": "simple", c + "comment": label,
                     c + "base-calibration-slot": base, c + "calibration-slot": slot,
                     c + "scaling.type": "linear", c + "scaling.style": "offsetmultiplier",
                     c + "scaling.offset": 0.0, c + "scaling.multiplier": float(multipliers[slot]),
                     c + "scaling.unit.type": "metric-unit", c + "scaling.unit.unit": unit})
        base = slot
    return info


def _segment_info(index, style, duration, points, z_start, z_end, setpoint_v, approach_id):
    p = f"force-segment-header-info.{index}."
    info = {p + "approach-id": approach_id, p + "settings.style": style,
            p + "settings.feedback-mode.name": "contact",
            p + "settings.segment-settings.style": style,
            p + "settings.segment-settings.type": f"relative-z-{style}-settings",
            p + "settings.segment-settings.identifier.type": "standard",
            p + "settings.segment-settings.identifier.name": style,
            p + "settings.segment-settings.duration": float(duration),
            p + "settings.segment-settings.num-points": int(points),
            p + "settings.segment-settings.z-start": float(z_start),
            p + "settings.segment-settings.z-end": float(z_end)}
    if setpoint_v is not None:
        info[p + "settings.segment-settings.setpoint"] = float(setpoint_v)
        info[p + "settings.segment-settings.setpoint-enabled"] = True
    return info


def shared_data(sensitivity, approach_id, planned_m):
    """shared-data/header.properties: channel encoders and the two segment settings."""
    info = {"lcd-infos.count": 3, "force-segment-header-infos.count": 2}
    height_slots = [("nominal", "m", "Nominal"), ("calibrated", "m", "Calibrated")]
    info.update(_lcd_info(0, "height", height_slots, {"volts": HEIGHT_V, "nominal": HEIGHT_M_V, "calibrated": 1.0}))
    info.update(_lcd_info(1, "vDeflection", [("distance", "m", "Distance"), ("force", "N", "Force")],
                          {"volts": ADC_V, "distance": sensitivity, "force": K_N_M}))
    info.update(_lcd_info(2, "measuredHeight", [("nominal", "m", "Nominal"), ("absolute", "m", "Absolute")],
                          {"volts": HEIGHT_V, "nominal": HEIGHT_M_V, "absolute": 1.0}))
    points = int(round(planned_m / STEP_M)) + 1
    info.update(_segment_info(0, "extend", planned_m / SPEED_M_S, points, planned_m, 0.0,
                              SETPOINT_N / K_N_M / sensitivity, approach_id))
    points = int(round(RETRACT_M / STEP_M))
    info.update(_segment_info(1, "retract", RETRACT_M / SPEED_M_S, points, 0.0, RETRACT_M, None, approach_id))
    return info


def map_header(sample, n_curves):
    p = "force-scan-map."
    return {"jpk-data-file": "spm-forcefile", "type": "force-scan-map", "file-format-version": "2.0",
            p + "description.instrument": "AFM (reference data: generated, not measured)",
            p + "description.source-software": "paper compendium data generator (JPK force-map layout)",
            p + "description.sample": sample,
            p + "start-time": "2025-03-04 10:00:00 +0100", p + "scan-number": 1,
            p + "indexes.type": "range", p + "indexes.min": 0, p + "indexes.max": n_curves - 1,
            p + "feedback-mode.name": "contact",
            p + "position-pattern.type": "grid-position-pattern", p + "position-pattern.back-and-forth": False,
            p + "position-pattern.grid.xcenter": MAP_SIZE_M / 2, p + "position-pattern.grid.ycenter": MAP_SIZE_M / 2,
            p + "position-pattern.grid.ulength": MAP_SIZE_M, p + "position-pattern.grid.vlength": MAP_SIZE_M,
            p + "position-pattern.grid.theta": 0.0, p + "position-pattern.grid.reflect": False,
            p + "position-pattern.grid.ilength": GRID, p + "position-pattern.grid.jlength": GRID,
            p + "position-pattern.grid.unit.unit": "m",
            p + "settings.force-settings.type": "relative-force-settings",
            p + "settings.force-settings.relative-setpoint": SETPOINT_N,
            p + "settings.force-settings.extend-k-length": int(round((RETRACT_M + 10e-9) / STEP_M)) + 1,
            p + "settings.force-settings.extend-scan-time": (RETRACT_M + 10e-9) / SPEED_M_S,
            p + "settings.force-settings.retract-k-length": int(round(RETRACT_M / STEP_M)),
            p + "settings.force-settings.retract-scan-time": RETRACT_M / SPEED_M_S,
            p + "settings.force-settings.closed-loop": True}


def _stamp(seconds):
    """A fixed-date JPK time stamp ``seconds`` after the map's start."""
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    return f"2025-03-04 {10 + h:02d}:{m:02d}:{rest // 1000:02d}.{rest % 1000:03d} +0100"


def curve_entries(n, c, clock):
    """Archive members of curve ``n`` (dict name -> bytes) and the clock after it (s)."""
    pitch = MAP_SIZE_M / GRID
    prefix = f"index/{n}/"
    comment = "Tue Mar 04 10:00:00 CET 2025"
    entries = {prefix: None, prefix + "header.properties": properties({
        "type": "force-scan-series", "force-scan-series.header.position-index": n,
        "force-scan-series.header.position.x": (c["ix"] + 0.5) * pitch,
        "force-scan-series.header.position.y": (c["iy"] + 0.5) * pitch}, comment),
        prefix + "segments/": None}
    for s, (name, data) in enumerate(zip(("extend-spm", "retract-spm"), c["segments"])):
        seg = f"{prefix}segments/{s}/"
        points = data["vDeflection"].size
        head = {"force-segment-header.name.name": name, "force-segment-header.num-points": points,
                "force-segment-header.duration": round(points * STEP_M / SPEED_M_S, 9),
                "force-segment-header.time-stamp": _stamp(clock),
                "force-segment-header.force-segment-header-info.*": s,
                "force-segment-header.baseline.measured": False, "force-segment-header.baseline.baseline": 0.0,
                "channels.list": "height vDeflection measuredHeight"}
        for lcd, channel in enumerate(("height", "vDeflection", "measuredHeight")):
            head.update({f"channel.{channel}.data.file.name": f"channels/{channel}.dat",
                         f"channel.{channel}.data.file.format": "raw",
                         f"channel.{channel}.data.num-points": points, f"channel.{channel}.lcd-info.*": lcd})
        entries[seg] = None
        entries[seg + "segment-header.properties"] = properties(head, comment)
        entries[seg + "channels/"] = None
        for channel in ("height", "vDeflection", "measuredHeight"):
            entries[f"{seg}channels/{channel}.dat"] = data[channel].tobytes()
        clock += points * STEP_M / SPEED_M_S
    return entries, clock + 0.5  # 0.5 s to move to the next pixel


def write_zip(path, entries):
    """A zip with fixed member dates (directories for names ending in '/')."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, payload in entries.items():
            member = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            member.create_system = 3
            if payload is None:
                member.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(member, b"")
            else:
                member.external_attr = 0o644 << 16
                member.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(member, payload, compresslevel=9)


def write_jpk_force_map(path, sample, curves, sensitivity):
    """Write ``curves`` (from :func:`force_map`) as a JPK ``.jpk-force-map``."""
    comment = "Tue Mar 04 10:00:00 CET 2025"
    entries = {"header.properties": properties(map_header(sample, len(curves)), comment),
               "shared-data/": None,
               "shared-data/header.properties": properties(
                   shared_data(sensitivity, f"reference-{sample}", RETRACT_M + 10e-9), comment),
               "index/": None}
    clock = 0.0
    for n, c in enumerate(curves):
        more, clock = curve_entries(n, c, clock)
        entries.update(more)
    write_zip(path, entries)


# ---------------------------------------------------------------- topography

def _protrusions(g, count, size_m, shape):
    """Elliptical Gaussian bumps (m) at least 2.2 um apart, and their centres (m)."""
    n = shape[0]
    axis = (np.arange(n) + 0.5) * size_m / n
    x, y = np.meshgrid(axis, axis)
    bumps, centres = np.zeros(shape), []
    while len(centres) < count:
        cx, cy = g.uniform(1e-6, size_m - 1e-6, 2)
        if any(np.hypot(cx - a, cy - b) < 2.2e-6 for a, b in centres):
            continue
        height, (a, b), theta = g.uniform(50e-9, 300e-9), g.uniform(0.15e-6, 0.4e-6, 2), g.uniform(0, np.pi)
        u = (x - cx) * np.cos(theta) + (y - cy) * np.sin(theta)
        v = -(x - cx) * np.sin(theta) + (y - cy) * np.cos(theta)
        bumps += height * np.exp(-0.5 * ((u / a) ** 2 + (v / b) ** 2))
        centres.append((cx, cy))
    return bumps, centres


def topography(name, sample):
    """Height image (m, rows from the top) of ``sample``: roughness, protrusions, tilt, line offsets."""
    g = rng(name)
    rms, count, line_rms = ROUGHNESS[sample]
    shape, pixel = (TOPO_PIXELS, TOPO_PIXELS), TOPO_SIZE_M / TOPO_PIXELS
    z = rms * gaussian_field(g, shape, 0.4e-6 / pixel)
    bumps, centres = _protrusions(g, count, TOPO_SIZE_M, shape)
    axis = (np.arange(TOPO_PIXELS) + 0.5) * pixel
    x, y = np.meshgrid(axis, axis)
    slope_x, slope_y = g.uniform(3e-3, 6e-3) * g.choice([-1, 1]), g.uniform(3e-3, 6e-3) * g.choice([-1, 1])
    plane = 150e-9 + slope_x * x + slope_y * y
    lines = g.normal(0.0, line_rms, (TOPO_PIXELS, 1))
    z = z + bumps + plane + lines + g.normal(0.0, 0.3e-9, shape)
    return np.round(z, 12), len(centres)


def write_gsf(path, z, size_m, title):
    """Gwyddion Simple Field 1.0: header lines, NUL padding to a multiple of 4, float32 LE data."""
    header = (f"Gwyddion Simple Field 1.0\nXRes = {z.shape[1]}\nYRes = {z.shape[0]}\n"
              f"XReal = {size_m:.6g}\nYReal = {size_m:.6g}\nXOffset = 0\nYOffset = 0\n"
              f"XYUnits = m\nZUnits = m\nTitle = {title}\n").encode("ascii")
    padding = 4 - len(header) % 4
    path.write_bytes(header + b"\0" * padding + z.astype("<f4").tobytes())


# ---------------------------------------------------------------- files and manifest

def _conditions(sample, kind, panel, **extra):
    return {"cell": CELLS[sample][0], **CONDITIONS, **extra, "panel": panel, "assumed": ASSUMED[kind]}


def _map_entry(sample, name):
    return {"id": f"afm-map-{sample}", "kind": "afm-force-map", "sample": sample, "file": name,
            "format": "jpk-force-map", "conditions": _conditions(
                sample, "afm-force-map", "4", spring_constant_N_m=K_N_M, tip_radius_nm=TIP_RADIUS_M * 1e9,
                tip_shape="paraboloid", poisson_ratio=POISSON, poisson_ratio_source="assumed (Li metal)",
                setpoint_uN=SETPOINT_N * 1e6, grid_px=GRID, scan_size_um=MAP_SIZE_M * 1e6)}


def _topography_entry(sample, name, count):
    return {"id": f"afm-topography-{sample}", "kind": "afm-topography", "sample": sample, "file": name,
            "format": "gwyddion-gsf", "conditions": _conditions(
                sample, "afm-topography", "4h, 4i", scan_size_um=TOPO_SIZE_M * 1e6, pixels=TOPO_PIXELS,
                generated_protrusions=count)}


def generate():
    """Write the force maps, the topography images and data/manifests/afm.yaml; return the paths."""
    files, measurements = [], []
    for sample, name in MAPS.items():
        curves, _ = force_map(name, sample)
        files.append(reference_path(name))
        write_jpk_force_map(files[-1], sample, curves, CELLS[sample][4])
        measurements.append(_map_entry(sample, name))
    for sample, name in TOPOGRAPHY.items():
        z, count = topography(name, sample)
        files.append(reference_path(name))
        write_gsf(files[-1], z, TOPO_SIZE_M, f"Li from {CELLS[sample][0]}, 20 cycles (reference data: generated)")
        measurements.append(_topography_entry(sample, name, count))
    write_manifest("afm", "AFM of Li metal from cycled Li|SSE|Li cells: force maps and topography "
                          "(reference data: generated)", measurements)
    return files
