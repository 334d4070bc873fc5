"""Microscopy reference images: an SEM image of porous LiNBH and an HRTEM image of LiBH4-70LiNBH (TIFF).

SEM, porous LiNBH (``images/SEM_LiNBH.tif``)
    FEI/Thermo Fisher layout: 8-bit grey TIFF, zlib-compressed, 1024 x 768 image pixels plus a 64-row
    data bar underneath, and the instrument's ASCII metadata block in private tag 34682 with
    ``[Scan] PixelWidth=6e-09`` (metres; 6 nm per pixel, field 6.1 x 4.6 um), ``[Image] ResolutionX/Y``,
    ``[Beam] HV`` and constant date fields. Forward model:
    - Pore equivalent diameters drawn from a log-normal (median 0.24 um, sigma 0.35) truncated to
      0.1-0.6 um [article range]; the smallest and largest drawn values are set to 0.115 and 0.575 um so
      that the distribution fills the article's range; then the diameters d are scaled about 0.1 um
      (d -> 0.1 + s (d - 0.1), extremes kept) so that their number-weighted mean is 0.266 um
      [article mean] (number weighting is assumed: the article does not state its basis); clipping
      the scaled values inside the range leaves the drawn mean at 0.267 um (95 pores).
    - Each pore an ellipse of that equivalent diameter (axis ratio 1-1.3, random orientation), placed
      at random without overlap, except that about 15 % are placed touching a neighbour (8 % overlap of
      the radii sum), which the analysis must split. Further pores cut by the image border are added
      (not counted in the stated mean: the analysis drops border pores).
    - Intensity: framework 0.62 with a granular texture (smoothed noise, sd 0.04), pore floors 0.16
      with depth shading, a bright secondary-electron edge rim (+0.22, 2 px) around each pore, edges
      blurred over 1.5 px; a charging/brightness gradient (left-right +25 %, top-bottom -8 %) and a
      bright charging patch; white noise sd 0.05 after a 0.7 px beam blur; scaled to 8 bits.
    The count and mean of the drawn interior diameters are written in the [User] UserText field (for
    checking; the analysis does not read them). The segmentation finds 93 of the 95 and a mean of
    0.261 um (-2 %: edge blur and the smoothing shrink small pores slightly).

HRTEM, LiBH4-70LiNBH (``images/HRTEM_LiBH4-70LiNBH.tif``)
    Plain 8-bit TIFF, 1024 x 1024, zlib-compressed, ImageDescription ``pixel_size_nm=0.0200`` (field
    20.5 nm). Forward model: amorphous LiNBH = band-limited random texture (spatial frequencies
    2-5 nm^-1, a diffuse ring in the FFT); two crystalline LiBH4 domains (irregular blobs of ~10 and
    ~8 nm, edges smoothed over 0.6 nm) carrying lattice fringes of d = 0.508 nm, (101), and
    d = 0.375 nm, (011) [article values], at 28 deg and 117 deg, fringe contrast 0.35 with a weak
    second harmonic (0.08), a slow thickness modulation of the contrast, plus shot-like noise (sd 0.12)
    and a gentle illumination gradient. The reference spacings of Pnma LiBH4, d(101) = 0.494 nm and
    d(011) = 0.372 nm, are computed in the notebook from the published lattice, not generated.
"""

import math

import numpy as np
from scipy import ndimage as ndi

from . import common

SEM_SHAPE = (768, 1024)
SEM_PIXEL_NM = 6.0
DATABAR_ROWS = 64
PORE_MEAN_UM = 0.266          # [article]
PORE_RANGE_UM = (0.1, 0.6)    # [article]
TEM_SIZE = 1024
TEM_PIXEL_NM = 0.02
FRINGES = [(0.508, 28.0), (0.375, 117.0)]  # d nm [article], angle deg [assumed]


def _diameters(rng, n):
    lo, hi = PORE_RANGE_UM
    d = []
    while len(d) < n:
        x = 0.24 * math.exp(rng.normal(0, 0.35))
        if lo <= x <= hi:
            d.append(x)
    d = np.array(d)
    d[np.argmin(d)], d[np.argmax(d)] = 0.115, 0.575
    inner = (d > 0.115) & (d < 0.575)
    # scale the inner values about 0.1 um so that the mean of all is the article's
    target_sum = PORE_MEAN_UM * n - 0.115 - 0.575
    s = (target_sum - 0.1 * inner.sum()) / (d[inner] - 0.1).sum()
    d[inner] = np.clip(0.1 + s * (d[inner] - 0.1), 0.116, 0.574)
    return d


def _place(rng, diam_px, shape, border=False):
    ny, nx = shape
    placed = []  # (cy, cx, a, b, theta)
    for d in diam_px:
        ratio = rng.uniform(1.0, 1.3)
        a, b = d / 2 * math.sqrt(ratio), d / 2 / math.sqrt(ratio)
        theta = rng.uniform(0, math.pi)
        for _ in range(4000):
            touching = placed and rng.random() < 0.15 and not border
            if touching:
                cy0, cx0, a0, b0, _ = placed[rng.integers(len(placed))]
                ang = rng.uniform(0, 2 * math.pi)
                dist = 0.92 * (math.sqrt(a0 * b0) + d / 2)
                cy, cx = cy0 + dist * math.sin(ang), cx0 + dist * math.cos(ang)
            elif border:
                side = rng.integers(4)
                t = rng.uniform(0, 1)
                cy, cx = [(0, t * nx), (ny, t * nx), (t * ny, 0), (t * ny, nx)][side]
            else:
                cy, cx = rng.uniform(0, ny), rng.uniform(0, nx)
            if not border and not (a + 3 < cy < ny - a - 3 and a + 3 < cx < nx - a - 3):
                continue
            ok = True
            for (py, px_, pa, pb, _) in placed:
                dist = math.hypot(cy - py, cx - px_)
                need = (math.sqrt(pa * pb) + d / 2) * 0.90 if touching else pa + a + 3
                if dist < need:
                    ok = False
                    break
            if ok:
                placed.append((cy, cx, a, b, theta))
                break
    return placed


def sem_image(rng):
    """(uint8 image with data bar, true interior diameters in um)."""
    ny, nx = SEM_SHAPE
    n = 95
    diam_um = _diameters(rng, n)
    pores = _place(rng, diam_um * 1000 / SEM_PIXEL_NM, SEM_SHAPE)
    n_inner = len(pores)
    border_d = _diameters(rng, 14) * 1000 / SEM_PIXEL_NM
    pores_all = pores + _place(rng, border_d, SEM_SHAPE, border=True)[: len(border_d)]
    yy, xx = np.mgrid[0:ny, 0:nx].astype(float)
    inside = np.zeros(SEM_SHAPE)
    rim = np.zeros(SEM_SHAPE)
    depth = np.zeros(SEM_SHAPE)
    for cy, cx, a, b, th in pores_all:
        r = int(max(a, b) + 8)
        y0, y1, x0, x1 = max(int(cy) - r, 0), min(int(cy) + r + 1, ny), max(int(cx) - r, 0), min(int(cx) + r + 1, nx)
        if y0 >= y1 or x0 >= x1:
            continue
        dy, dx = yy[y0:y1, x0:x1] - cy, xx[y0:y1, x0:x1] - cx
        u = dx * math.cos(th) + dy * math.sin(th)
        v = -dx * math.sin(th) + dy * math.cos(th)
        rho = np.sqrt((u / a) ** 2 + (v / b) ** 2)
        req = math.sqrt(a * b)
        edge = (1 - rho) * req  # approximate distance to the rim, px (positive inside)
        inside[y0:y1, x0:x1] = np.maximum(inside[y0:y1, x0:x1], 1 / (1 + np.exp(-edge / 1.5)))
        rim[y0:y1, x0:x1] = np.maximum(rim[y0:y1, x0:x1], np.exp(-0.5 * ((edge + 2.0) / 1.6) ** 2))
        depth[y0:y1, x0:x1] = np.maximum(depth[y0:y1, x0:x1], np.clip(1 - rho, 0, 1))
    texture = ndi.gaussian_filter(rng.normal(0, 1, SEM_SHAPE), 3.0)
    texture *= 0.04 / texture.std()
    framework = 0.62 + texture
    floor = 0.16 + 0.06 * (1 - depth)
    img = framework * (1 - inside) + floor * inside + 0.22 * rim * (1 - inside)
    gradient = (1 + 0.25 * xx / nx - 0.08 * yy / ny) * (1 + 0.15 * np.exp(-((yy - 0.3 * ny) ** 2 + (xx - 0.75 * nx) ** 2) / (2 * 180.0 ** 2)))
    img = ndi.gaussian_filter(img * gradient, 0.7) + rng.normal(0, 0.05, SEM_SHAPE)
    img8 = np.clip(img / 1.15 * 255, 0, 255).astype(np.uint8)
    bar = np.zeros((DATABAR_ROWS, nx), np.uint8)
    bar[16:48, 20:340] = 200  # text-like blocks of the data bar
    bar[40:44, 700:700 + int(1000 / SEM_PIXEL_NM)] = 255  # a 1 um scale bar
    inner_true = np.array([2 * math.sqrt(a * b) * SEM_PIXEL_NM / 1000 for _, _, a, b, _ in pores[:n_inner]])
    return np.vstack([img8, bar]), inner_true


def tem_image(rng):
    n = TEM_SIZE
    yy, xx = np.mgrid[0:n, 0:n].astype(float) * TEM_PIXEL_NM  # nm; y down
    f = np.fft.fftfreq(n, TEM_PIXEL_NM)
    fr = np.hypot(*np.meshgrid(f, f, indexing="ij"))
    band = np.exp(-0.5 * ((fr - 3.4) / 0.9) ** 2)
    amorphous = np.real(np.fft.ifft2(np.fft.fft2(rng.normal(0, 1, (n, n))) * band))
    amorphous /= amorphous.std()
    img = 0.55 * amorphous
    for (d, angle), (cy, cx, radius) in zip(FRINGES, [(7.0, 7.5, 5.0), (13.5, 13.0, 4.0)]):
        blob = np.hypot(yy - cy, xx - cx)
        wobble = ndi.gaussian_filter(rng.normal(0, 1, (n, n)), 60)
        wobble *= 0.8 / wobble.std()
        mask = 1 / (1 + np.exp((blob - radius - wobble) / 0.3))
        g = 1 / d
        phase = 2 * math.pi * g * (xx * math.cos(math.radians(angle)) - yy * math.sin(math.radians(angle)))
        thick = 1 + 0.3 * np.sin(2 * math.pi * (xx + 0.5 * yy) / 17.0)
        fringes = 0.35 * np.cos(phase) + 0.08 * np.cos(2 * phase + 0.7)
        img = img * (1 - 0.6 * mask) + mask * thick * fringes / 0.35 * 0.9
    img += 0.15 * (xx / xx.max()) + rng.normal(0, 0.12 * img.std() / 0.6, (n, n))
    lo, hi = np.percentile(img, [0.1, 99.9])
    return np.clip((img - lo) / (hi - lo) * 255, 0, 255).astype(np.uint8)


def _fei_text(true_mean, n):
    ny, nx = SEM_SHAPE
    return "\r\n".join([
        "[User]", "Date=01/01/2000", "Time=00:00:00 AM", "User=reference", f"UserText=reference data: {n} interior pores, "
        f"drawn mean {true_mean:.4f} um", "", "[System]", "SystemType=reference dataset (generated SEM)", "",
        "[Beam]", "HV=5000", "Spot=3", "", "[Scan]", f"PixelWidth={SEM_PIXEL_NM * 1e-9:.6g}",
        f"PixelHeight={SEM_PIXEL_NM * 1e-9:.6g}", "Dwelltime=1e-05", "", "[Image]", f"ResolutionX={nx}",
        f"ResolutionY={ny}", "DigitalContrast=1", "DigitalBrightness=0", "", "[Detectors]", "Name=ETD", "Mode=SE", ""])


def generate():
    """Write the SEM and HRTEM reference images and ``data/manifests/images.yaml``; return the files."""
    import tifffile

    files = []
    name = "images/SEM_LiNBH.tif"
    img, true_d = sem_image(common.rng(name))
    path = common.reference_path(name)
    tifffile.imwrite(path, img, compression="zlib", metadata=None, software="reference dataset",
                     extratags=[(34682, "s", 0, _fei_text(true_d.mean(), true_d.size), True)])
    files.append(path)
    name = "images/HRTEM_LiBH4-70LiNBH.tif"
    path = common.reference_path(name)
    tifffile.imwrite(path, tem_image(common.rng(name)), compression="zlib", metadata=None, software="reference dataset",
                     description=f"pixel_size_nm={TEM_PIXEL_NM:.4f}")
    files.append(path)
    common.write_manifest("images", "Microscopy: SEM image of porous LiNBH (FEI TIFF, calibrated in its metadata) and "
                                    "HRTEM image of LiBH4-70LiNBH (TIFF with pixel size in its description).", [
        {"id": "SEM_LiNBH", "kind": "image", "sample": "LiNBH", "file": "images/SEM_LiNBH.tif", "format": "tiff-image",
         "conditions": {"technique": "SEM", "detector": "SE"}},
        {"id": "HRTEM_LiBH4-70LiNBH", "kind": "image", "sample": "LiBH4-70LiNBH", "file": "images/HRTEM_LiBH4-70LiNBH.tif",
         "format": "tiff-image", "conditions": {"technique": "HRTEM"}}])
    return files
