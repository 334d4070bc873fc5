"""Micrograph analysis: pore sizes in SEM images and lattice spacings from the FFT of HRTEM images.

Images are Datasets from :func:`paper_lib.readers.images.read_tiff` (dims ``y``, ``x`` in nm,
variable ``intensity``). :func:`calibrated` applies a manifest's ``pixel_size_nm`` (it overrides the
file's calibration) and refuses an uncalibrated image.

Pores (:func:`segment_pores`, :func:`pore_statistics`)
    Pores are dark regions on a brighter framework. Steps: Gaussian smoothing (``smooth_nm``); division by
    a heavily blurred copy (``background_nm``) to flatten charging/brightness gradients; Otsu threshold
    (pores below it); binary opening and hole filling; removal of objects smaller than
    ``min_diameter_nm``; watershed on the distance transform (markers: h-maxima of the smoothed
    distance, ``h`` = ``split_h_nm``) to split touching pores; pores cut by the image border are
    dropped (their size is unknown: this biases against the largest pores, noted in the result).
    Each pore's size is its equivalent circular diameter ``2 sqrt(area/pi)`` in um.
    :func:`pore_statistics` gives the number-weighted mean with its standard error (sd/sqrt(n)), the
    median, the 5th-95th percentiles, and a histogram with bins of ``bin_um`` starting at 0; its
    ``range_um`` is the span of the non-zero histogram bins (lower edge of the first, upper edge of
    the last), the way a pore-size-distribution plot shows a range.

Lattice spacings (:func:`fft_spots`, :func:`d_hkl`, :func:`index_spots`)
    The image (mean removed, Hann window) is Fourier transformed; the power spectrum's pixel (kx, ky)
    is at spatial frequency (kx, ky) / (N * pixel_size_nm) nm^-1. Spots are local maxima between
    ``d_range_nm`` that exceed ``threshold`` x the radial median of the power spectrum at their radius.
    Each spot and its Friedel mate (-g) are refined by a 2D Gaussian least-squares fit of the power
    in a (2 ``fit_radius`` + 1)^2 pixel window; g is half the vector between the pair, d = 1/|g| (nm),
    the stderr propagated from the fitted centres' covariance; the angle is that of g (deg, x axis,
    counter-clockwise with y up). :func:`d_hkl` computes d-spacings of an orthorhombic (or any, with
    gemmi) cell, and :func:`index_spots` lists the reflections allowed in space group Pnma within a
    relative tolerance of each measured spacing.
"""

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr

from .errors import InputError
from .peaks import FIT_KWS, Estimate

# --------------------------------------------------------------------------------------------- images


def calibrated(ds):
    """The image with coordinates from ``attrs['pixel_size_nm']`` (a manifest condition copied there by
    :func:`paper_lib.readers.read` overrides the file's value); InputError if there is none."""
    size = ds.attrs.get("pixel_size_nm")
    try:
        size = float(size)
    except (TypeError, ValueError):
        size = math.nan
    if not math.isfinite(size) or size <= 0:
        raise InputError(ds.attrs.get("source_file"), "the image has no pixel size: give condition 'pixel_size_nm' "
                                                       "in the manifest", field="pixel_size_nm")
    ny, nx = ds.sizes["y"], ds.sizes["x"]
    x = (np.arange(nx) + 0.5) * size
    y = (np.arange(ny) + 0.5) * size
    if ds["x"].attrs.get("units") == "nm" and np.allclose(ds["x"].values, x):
        return ds
    out = ds.assign_coords(x=("x", x, {"units": "nm", "long_name": "x"}), y=("y", y, {"units": "nm", "long_name": "y (down)"}))
    out.attrs["pixel_size_source"] = "manifest condition pixel_size_nm"
    return out


@dataclass(frozen=True, eq=False)
class Pores:
    """Segmentation result: ``labels`` (int array, 0 = framework), ``diameters_um`` (equivalent circular
    diameters of the pores kept), ``centroids_px`` (row, col), ``pixel_size_nm``, ``n_border`` (pores cut by
    the border, dropped), ``threshold`` (Otsu level of the flattened image)."""

    labels: np.ndarray
    diameters_um: np.ndarray
    centroids_px: np.ndarray
    pixel_size_nm: float
    n_border: int
    threshold: float


def segment_pores(ds, smooth_nm=10.0, background_nm=600.0, min_diameter_nm=50.0, split_h_nm=10.0, exclude_border=True):
    """Segment dark pores of an SEM image (see module docstring) -> :class:`Pores`."""
    from scipy import ndimage as ndi
    from skimage import filters, measure, morphology, segmentation

    ds = calibrated(ds)
    px = float(ds.attrs["pixel_size_nm"])
    img = np.asarray(ds["intensity"].values, dtype=float)
    smooth = filters.gaussian(img, sigma=smooth_nm / px / 2.3548, preserve_range=True)
    background = filters.gaussian(img, sigma=background_nm / px, preserve_range=True)
    flat = smooth / np.maximum(background, 1e-9)
    level = float(filters.threshold_otsu(flat))
    mask = flat < level
    radius = max(int(round(min_diameter_nm / px / 6)), 1)
    mask = morphology.opening(mask, morphology.disk(radius)).astype(bool)
    mask = ndi.binary_fill_holes(mask)
    min_area = math.pi / 4 * (min_diameter_nm / px) ** 2
    mask = morphology.remove_small_objects(mask, max_size=int(min_area))
    distance = ndi.distance_transform_edt(mask)
    distance = filters.gaussian(distance, sigma=1.0, preserve_range=True)
    peaks = morphology.h_maxima(distance, max(split_h_nm / px, 0.5))
    markers = measure.label(peaks)
    labels = segmentation.watershed(-distance, markers, mask=mask)
    n_border = 0
    if exclude_border:
        before = len(np.unique(labels)) - 1
        labels = segmentation.clear_border(labels)
        n_border = before - (len(np.unique(labels)) - 1)
    props = [p for p in measure.regionprops(labels) if p.area >= min_area]
    diam = np.array([2 * math.sqrt(p.area / math.pi) * px / 1000.0 for p in props])
    cent = np.array([p.centroid for p in props]).reshape(-1, 2)
    return Pores(labels, diam, cent, px, n_border, level)


@dataclass(frozen=True)
class PoreStatistics:
    """Number-weighted pore-size statistics (um): ``mean`` (Estimate, stderr = sd/sqrt(n)), ``median``,
    ``p05``/``p95``, ``minimum``/``maximum``, ``range_um`` (span of the non-zero histogram bins),
    ``edges`` and ``counts`` of the histogram, ``n``."""

    n: int
    mean: Estimate
    median: float
    p05: float
    p95: float
    minimum: float
    maximum: float
    range_um: tuple
    edges: np.ndarray
    counts: np.ndarray


def pore_statistics(diameters_um, bin_um=0.05):
    """Statistics of equivalent circular diameters (um) -> :class:`PoreStatistics`."""
    d = np.asarray(getattr(diameters_um, "diameters_um", diameters_um), dtype=float)
    if d.size < 2:
        raise ValueError(f"need at least 2 pores, got {d.size}")
    edges = np.round(np.arange(0.0, d.max() + bin_um + 1e-12, bin_um), 10)
    counts, edges = np.histogram(d, bins=edges)
    nz = np.nonzero(counts)[0]
    rng = (float(edges[nz[0]]), float(edges[nz[-1] + 1]))
    return PoreStatistics(int(d.size), Estimate(float(d.mean()), float(d.std(ddof=1) / math.sqrt(d.size)), "um"),
                          float(np.median(d)), float(np.percentile(d, 5)), float(np.percentile(d, 95)),
                          float(d.min()), float(d.max()), rng, edges, counts)


# ------------------------------------------------------------------------------------------------ FFT


@dataclass(frozen=True)
class Spot:
    """One FFT spot pair (+g, -g): ``d`` (Estimate, nm), ``g`` (1/nm), ``angle_deg`` of g, ``strength``
    (peak power over the radial median), ``kx``, ``ky`` (refined position of +g, pixels from the centre)."""

    d: Estimate
    g: float
    angle_deg: float
    strength: float
    kx: float
    ky: float


@dataclass(frozen=True, eq=False)
class FFTResult:
    """``power`` (shifted power spectrum, DataArray on ``fy``, ``fx`` in 1/nm) and the ``spots`` found."""

    power: xr.DataArray
    spots: tuple
    pixel_size_nm: float


def power_spectrum(ds):
    """Power spectrum (Hann-windowed, mean removed, zero frequency centred) as a DataArray on fy, fx (1/nm)."""
    ds = calibrated(ds)
    px = float(ds.attrs["pixel_size_nm"])
    img = np.asarray(ds["intensity"].values, dtype=float)
    ny, nx = img.shape
    window = np.outer(np.hanning(ny), np.hanning(nx))
    spec = np.fft.fftshift(np.fft.fft2((img - img.mean()) * window))
    power = np.abs(spec) ** 2
    fy = (np.arange(ny) - ny // 2) / (ny * px)
    fx = (np.arange(nx) - nx // 2) / (nx * px)
    # fy positive upwards in the image: row index increases downwards
    return xr.DataArray(power, dims=("fy", "fx"),
                        coords={"fy": ("fy", -fy, {"units": "1/nm", "long_name": "spatial frequency (up)"}),
                                "fx": ("fx", fx, {"units": "1/nm", "long_name": "spatial frequency"})},
                        attrs={"units": "a.u.", "long_name": "power"})


def _refine(power, r0, c0, radius):
    """Sub-pixel centre (row, col) and its covariance from a 2D Gaussian + constant fit."""
    from scipy.optimize import curve_fit

    rows = np.arange(r0 - radius, r0 + radius + 1)
    cols = np.arange(c0 - radius, c0 + radius + 1)
    win = power[np.ix_(rows, cols)]
    rr, cc = np.meshgrid(rows - r0, cols - c0, indexing="ij")

    def model(coords, amp, r, c, s, bg):
        y, x = coords
        return amp * np.exp(-((y - r) ** 2 + (x - c) ** 2) / (2 * s * s)) + bg

    p0 = [float(win.max() - np.median(win)), 0.0, 0.0, 1.5, float(np.median(win))]
    try:
        popt, pcov = curve_fit(model, (rr.ravel(), cc.ravel()), win.ravel(), p0=p0, method="trf", max_nfev=5000,
                               **FIT_KWS)
    except RuntimeError:
        return float(r0), float(c0), np.full((2, 2), math.nan)
    if abs(popt[1]) > radius or abs(popt[2]) > radius:
        return float(r0), float(c0), np.full((2, 2), math.nan)
    return r0 + popt[1], c0 + popt[2], pcov[1:3, 1:3]


def fft_spots(ds, d_range_nm=(0.15, 2.0), threshold=20.0, max_spots=6, fit_radius=4, min_separation_px=5):
    """Find and refine the lattice-fringe spots of an HRTEM image (see module docstring) -> :class:`FFTResult`."""
    from skimage.feature import peak_local_max

    ds = calibrated(ds)
    px = float(ds.attrs["pixel_size_nm"])
    power_da = power_spectrum(ds)
    power = power_da.values
    ny, nx = power.shape
    if ny != nx:
        raise ValueError(f"fft_spots needs a square image, got {ny} x {nx} (crop it first)")
    n = nx
    cy, cx = ny // 2, nx // 2
    yy, xx = np.indices(power.shape)
    radius = np.hypot(yy - cy, xx - cx)
    rbin = radius.astype(int)
    radial_median = np.array([np.median(power[rbin == k]) if np.any(rbin == k) else np.inf
                              for k in range(rbin.max() + 1)])
    ratio = power / radial_median[rbin]
    rmin, rmax = n * px / max(d_range_nm), n * px / min(d_range_nm)
    band = (radius >= rmin) & (radius <= min(rmax, n / 2 - fit_radius - 1))
    from scipy.ndimage import gaussian_filter
    smoothed = gaussian_filter(ratio, 1.0) * band
    candidates = peak_local_max(smoothed, min_distance=min_separation_px, threshold_abs=threshold / 3,
                                exclude_border=fit_radius + 1)
    spots, used = [], []
    for r, c in candidates:
        if len(spots) >= max_spots:
            break
        if ratio[r - 1:r + 2, c - 1:c + 2].max() < threshold:
            continue
        mate = (2 * cy - r, 2 * cx - c)
        if any(math.hypot(r - u[0], c - u[1]) < min_separation_px for u in used):
            continue
        r1, c1, cov1 = _refine(power, r, c, fit_radius)
        r2, c2, cov2 = _refine(power, *mate, fit_radius)
        gy, gx = ((r1 - cy) - (r2 - cy)) / 2, ((c1 - cx) - (c2 - cx)) / 2
        k = math.hypot(gx, gy)
        cov = (cov1 + cov2) / 4
        var_k = (gx * gx * cov[1, 1] + gy * gy * cov[0, 0] + 2 * gx * gy * cov[0, 1]) / (k * k)
        g = k / (n * px)
        d = 1.0 / g
        d_err = d * math.sqrt(max(var_k, 0.0)) / k if math.isfinite(var_k) else math.nan
        angle = math.degrees(math.atan2(-gy, gx)) % 180.0
        spots.append(Spot(Estimate(d, d_err, "nm"), g, angle, float(ratio[r, c]), gx, -gy))
        used += [(r, c), mate]
    spots.sort(key=lambda s: -s.d.value)
    return FFTResult(power_da, tuple(spots), px)


# ------------------------------------------------------------------------------------------- lattices

LIBH4_PNMA_A = (7.17858, 4.43686, 6.80321)  # Angstrom, room-temperature Pnma LiBH4 (orthorhombic)


def d_hkl(lattice, hkl):
    """d-spacing (nm) of reflection ``hkl`` of a cell ``lattice`` = (a, b, c) in Angstrom (orthorhombic) or
    (a, b, c, alpha, beta, gamma) (any cell, through gemmi)."""
    h, k, l = hkl
    if len(lattice) == 3:
        a, b, c = lattice
        return 0.1 / math.sqrt((h / a) ** 2 + (k / b) ** 2 + (l / c) ** 2)
    import gemmi

    return 0.1 * gemmi.UnitCell(*lattice).calculate_d([h, k, l])


def d_hkl_stderr(lattice, hkl, lattice_stderr):
    """Standard error (nm) of :func:`d_hkl` of an orthorhombic cell from the cell's standard errors (A)."""
    d = d_hkl(lattice, hkl)
    # d = 1/sqrt(S), S = sum (h_i/a_i)^2 ; dd/da_i = d^3 h_i^2 / a_i^3 (in Angstrom units)
    dA = d * 10.0
    var = sum((dA ** 3 * hi ** 2 / ai ** 3 * si) ** 2 for hi, ai, si in zip(hkl, lattice, lattice_stderr))
    return 0.1 * math.sqrt(var)


def pnma_allowed(hkl):
    """Reflection conditions of Pnma (No. 62): 0kl: k+l=2n; hk0: h=2n; h00: h=2n; 0k0: k=2n; 00l: l=2n."""
    h, k, l = hkl
    if h == 0 and (k + l) % 2:
        return False
    if l == 0 and h % 2:
        return False
    if k == 0 and l == 0 and h % 2:
        return False
    if h == 0 and l == 0 and k % 2:
        return False
    if h == 0 and k == 0 and l % 2:
        return False
    return True


def reflections(lattice=LIBH4_PNMA_A, d_min_nm=0.2, max_index=4, allowed=pnma_allowed):
    """``[(hkl, d_nm)]`` of the allowed reflections with d >= ``d_min_nm`` (one of each +-hkl family of an
    orthorhombic cell: non-negative indices), largest d first."""
    out = []
    for h in range(max_index + 1):
        for k in range(max_index + 1):
            for l in range(max_index + 1):
                if (h, k, l) == (0, 0, 0) or not allowed((h, k, l)):
                    continue
                d = d_hkl(lattice, (h, k, l))
                if d >= d_min_nm:
                    out.append(((h, k, l), d))
    return sorted(out, key=lambda t: -t[1])


def index_spots(spots, lattice=LIBH4_PNMA_A, tolerance=0.04, allowed=pnma_allowed):
    """For each measured spacing (a :class:`Spot`, an Estimate or a number, nm), the allowed reflections
    within ``tolerance`` (relative) of it: ``[[(hkl, d_ref, rel_diff), ...] per spot]``, closest first."""
    table = reflections(lattice, d_min_nm=0.05, allowed=allowed)
    result = []
    for spot in spots:
        d = float(getattr(getattr(spot, "d", spot), "value", getattr(spot, "d", spot)))
        hits = [(hkl, ref, d / ref - 1) for hkl, ref in table if abs(d / ref - 1) <= tolerance]
        result.append(sorted(hits, key=lambda t: abs(t[2])))
    return result


def outlines(pores):
    """Boolean image of the kept pores' boundaries (for an overlay)."""
    from skimage.segmentation import find_boundaries

    return find_boundaries(pores.labels, mode="inner")
