"""Band and edge analysis of FTIR, EELS and NMR spectra, every number with its standard error.

FTIR (Datasets from :mod:`paper_lib.readers.ftir`)
    Band positions and areas are taken on the **absorbance** (decadic, A = -log10 T), where a band is
    a positive peak whose area is proportional to the amount of absorber (Beer-Lambert); a file in
    transmittance is converted by the reader. :func:`band_position` fits one line locally (see
    :func:`refined_position`), :func:`band_area` integrates the absorbance above a straight line
    through the window's ends, :func:`relative_intensity` divides two areas and
    :func:`weakening` compares one band, relative to a reference band, before and after a treatment.
EELS (Datasets from :mod:`paper_lib.readers.eels`)
    :func:`calibrate_energy` shifts the energy-loss axis by the zero-loss position recorded in the
    file (or a given offset); :func:`powerlaw_background` fits ``A * E**-r`` in a pre-edge window
    (least squares on log I against log E, the standard approach, Egerton 2011, section 4.4) and
    extrapolates it under the edge; :func:`edge_signal` returns the background-subtracted edge;
    the position of an edge feature (e.g. the B K-edge pi*-like peak) is :func:`refined_position`.
All spectra
    :func:`shift` is the difference of two positions with the errors added in quadrature (the two
    spectra are independent measurements); :func:`line_positions` fits several lines of one
    spectrum (e.g. the 11B MAS lines) one by one.
"""

import math
import warnings

import numpy as np
import xarray as xr

from . import peaks
from .peaks import Estimate
from .schema import check_dataset


#: The 11B MAS lines of the article's Figure 1e: ``{sample: {line: (starting guess ppm, half-width of the
#: fit window ppm)}}`` for :func:`line_positions` with ``shape="split"``. The guesses are the article's
#: shifts (the composite's implied by its stated shifts); the fit re-centres on the data's maximum.
NMR11B_LINES = {
    "LiNH2BH3": {"BH3": (-25.5, 4.0)},
    "LiBH4": {"BH4": (-44.3, 1.5)},
    "LiNBH": {"N2BH": (23.6, 15.0), "NBH3": (-25.3, 4.0), "BH4": (-43.5, 2.5)},
    "LiBH4-70LiNH2BH3": {"BH3": (-25.5, 4.0), "BH4": (-44.3, 1.5)},
    "LiBH4-70LiNBH": {"N2BH": (23.2, 15.0), "BH4": (-41.0, 2.0), "NBH3": (-25.3, 4.0)},
}


# ----------------------------------------------------------------------------------------- common
def shift(reference, other):
    """``other - reference`` (x units) with the standard errors added in quadrature."""
    units = getattr(reference, "units", "") or getattr(other, "units", "")
    return Estimate(float(other.value) - float(reference.value),
                    math.hypot(float(reference.stderr), float(other.stderr)), units)


def refined_position(da, center, half_width, shape="gaussian", baseline="linear", passes=2):
    """Position (x units) of the peak near ``center`` from a single-line fit to the points within
    ``± half_width`` of it, the window re-centred on the fitted position ``passes - 1`` times so that
    it is symmetric about the peak (a symmetric line fitted to an asymmetric window of a slightly
    different line shape is biased). Returns an :class:`~paper_lib.peaks.Estimate`.

    (The automatic peak guess inside :func:`paper_lib.peaks.fit_peaks`, unused here since the centre
    and width are given, warns about flat windows; those warnings are silenced.)"""
    position = Estimate(float(center), math.nan)
    for _ in range(max(passes, 1)):
        if not math.isfinite(position.value):
            break
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="some peaks have a (prominence|width) of 0")
            position = peaks.peak_position(da, center=float(position.value), half_width=float(half_width),
                                           shape=shape, baseline=baseline)
    return position


def _split_gaussian(x, height, center, w_low, w_high, slope, intercept):
    w = np.where(x < center, w_low, w_high)
    return height * np.exp(-4 * math.log(2) * (x - center) ** 2 / w ** 2) + intercept + slope * (x - center)


def asymmetric_position(da, center, half_width, passes=2):
    """Maximum (x units) of an asymmetric line near ``center``: a split Gaussian (different half
    widths below and above the maximum) on a straight baseline, fitted to the points within
    ``± half_width``, the window re-centred on the result ``passes - 1`` times.

    A symmetric line fitted to an asymmetric one (e.g. a second-order quadrupolar 11B MAS line) puts
    its centre between the maximum and the centre of gravity, the more so the wider the window.
    """
    import lmfit

    x, y, *_ = peaks._xy(da)
    units = da[da.dims[0]].attrs.get("units", "")
    c = float(center)
    for _ in range(max(passes, 1)):
        keep = np.abs(x - c) <= half_width
        if keep.sum() < 9:
            raise ValueError(f"fewer than 9 points within {c} ± {half_width}")
        xs, ys = x[keep], y[keep]
        model = lmfit.Model(_split_gaussian)
        base = float(np.median(np.r_[ys[:3], ys[-3:]]))
        params = model.make_params(height=float(ys.max() - base), center=float(xs[np.argmax(ys)]),
                                   w_low=float(half_width), w_high=float(half_width), slope=0.0, intercept=base)
        params["w_low"].set(min=1e-3 * half_width, max=20 * half_width)
        params["w_high"].set(min=1e-3 * half_width, max=20 * half_width)
        params["center"].set(min=c - half_width, max=c + half_width)
        peaks._off_midpoint(params)
        result = peaks.lmfit_fit(model, ys, params, x=xs)
        par = result.params["center"]
        c = float(par.value)
    stderr = float(par.stderr) if par.stderr is not None else math.nan
    return Estimate(c, stderr, units)


def line_positions(da, lines, shape="gaussian", baseline="linear"):
    """``{name: Estimate}`` for ``lines = {name: (center guess, half_width)}`` (x units), each line
    fitted on its own window: by :func:`asymmetric_position` when ``shape="split"``, otherwise by
    :func:`refined_position` with a symmetric ``shape``."""
    if shape == "split":
        return {name: asymmetric_position(da, center, half_width) for name, (center, half_width) in lines.items()}
    return {name: refined_position(da, center, half_width, shape=shape, baseline=baseline)
            for name, (center, half_width) in lines.items()}


# ------------------------------------------------------------------------------------------- FTIR
def absorbance(ds):
    """The absorbance DataArray of an FTIR Dataset (computed by the reader from %T if needed)."""
    check_dataset(ds, "ftir")
    return ds["absorbance"]


def band_position(ds, center, half_width=20.0, shape="lorentzian"):
    """Wavenumber (cm^-1) of the absorbance maximum of the band near ``center``, with its stderr.

    A ``shape`` line on a straight baseline is fitted to the absorbance within ``center ±
    half_width`` cm^-1, re-centred once on the fitted position. Infrared bands of solids are close
    to Lorentzian; choose ``half_width`` below the distance to the next band.
    """
    return refined_position(absorbance(ds), center, half_width, shape=shape)


def _window(da, window):
    lo, hi = sorted(float(v) for v in window)
    dim = da.dims[0]
    x = np.asarray(da[dim].values, dtype=float)
    y = np.asarray(da.values, dtype=float)
    keep = (x >= lo) & (x <= hi) & np.isfinite(y)
    order = np.argsort(x[keep])
    return x[keep][order], y[keep][order]


def band_area(ds, window, anchors=None, edge_points=3):
    """Integrated absorbance (cm^-1) in ``window`` (cm^-1, either order) above a straight baseline.

    The baseline passes through the mean absorbance of ``edge_points`` points at each of two
    anchors: the window's ends by default, or ``anchors = (x_a, x_b)`` (cm^-1) outside the window,
    for a band sitting on the flank of a broader one. The stderr combines the noise of the
    integrated points and of the two anchors (noise level from :func:`paper_lib.peaks.noise_sigma`
    of the whole spectrum).
    """
    da = absorbance(ds)
    x, y = _window(da, window)
    if x.size < 2 * edge_points + 3:
        raise ValueError(f"window {window} holds only {x.size} points")
    sigma = peaks.noise_sigma(da.values[np.isfinite(da.values)])
    if anchors is None:
        xa, xb = x[:edge_points].mean(), x[-edge_points:].mean()
        ya, yb = y[:edge_points].mean(), y[-edge_points:].mean()
    else:
        xs_all, ys_all = _window(da, (min(anchors) - 50, max(anchors) + 50))
        values = []
        for anchor in sorted(anchors):
            nearest = np.argsort(np.abs(xs_all - anchor))[:edge_points]
            values.append((xs_all[nearest].mean(), ys_all[nearest].mean()))
        (xa, ya), (xb, yb) = values
    base = ya + (x - xa) * (yb - ya) / (xb - xa)
    area = float(np.trapezoid(y - base, x))
    step = float(np.median(np.diff(x)))
    lever = max(abs(x[0] - xa), abs(x[-1] - xa), abs(x[0] - xb), abs(x[-1] - xb)) / abs(xb - xa)
    width = float(x[-1] - x[0])
    # noise of the integrated points + each anchor's error times the window width (upper bound)
    var = sigma ** 2 * step ** 2 * x.size + 2 * (sigma ** 2 / edge_points) * (width * lever) ** 2
    return Estimate(area, math.sqrt(var), "cm^-1")


def ratio(numerator, denominator):
    """``numerator / denominator`` of two Estimates, relative errors added in quadrature."""
    n, d = float(numerator.value), float(denominator.value)
    value = n / d
    rel = math.hypot(float(numerator.stderr) / n if n else math.inf, float(denominator.stderr) / d)
    return Estimate(value, abs(value) * rel, "")


def relative_intensity(ds, band, reference, anchors=None):
    """Area of ``band`` over area of ``reference`` (windows in cm^-1) in one spectrum, with stderr;
    ``anchors``: baseline anchors of ``band`` (see :func:`band_area`)."""
    return ratio(band_area(ds, band, anchors), band_area(ds, reference))


def weakening(before, after, band, reference, anchors=None):
    """How much of ``band`` is left after a treatment, each spectrum normalised to ``reference``::

        W = [A(band) / A(reference)]_after / [A(band) / A(reference)]_before

    (dimensionless; 1 = unchanged, 0 = gone). Normalising to a band of a component that the treatment
    leaves alone removes the unknown sample amount in the beam. Returns an Estimate.
    """
    return ratio(relative_intensity(after, band, reference, anchors),
                 relative_intensity(before, band, reference, anchors))


# ------------------------------------------------------------------------------------------- EELS
def calibrate_energy(ds, offset_eV=None):
    """A copy of an EELS Dataset with ``energy_loss`` shifted by ``-offset_eV`` (eV).

    ``offset_eV`` defaults to the zero-loss peak position recorded in the file
    (``attrs["zero_loss_position_eV"]``; the zero-loss peak belongs at 0 eV), or 0 when absent.
    The offset applied is recorded in ``attrs["energy_calibration_eV"]``.
    """
    check_dataset(ds, "eels")
    if offset_eV is None:
        offset_eV = float(ds.attrs.get("zero_loss_position_eV", 0.0))
    out = ds.assign_coords(energy_loss=("energy_loss", ds["energy_loss"].values - offset_eV,
                                        dict(ds["energy_loss"].attrs)))
    out.attrs["energy_calibration_eV"] = float(offset_eV)
    return out


class PowerLaw:
    """``A * E**-r`` background of an EELS edge, fitted in a pre-edge ``window`` (eV)."""

    def __init__(self, log_a, r, cov, window, rms):
        self.log_a, self.r, self.cov, self.window, self.rms = log_a, r, cov, tuple(window), rms

    @property
    def exponent(self):
        """The exponent r with its stderr."""
        return Estimate(self.r, math.sqrt(self.cov[1, 1]), "")

    def __call__(self, energy):
        return np.exp(self.log_a - self.r * np.log(np.asarray(energy, dtype=float)))


def powerlaw_background(ds, window):
    """Fit ``I = A * E**-r`` to the intensity in the pre-edge ``window`` (eV): straight line of
    log I against log E (least squares); returns a :class:`PowerLaw` (callable on energies)."""
    da = ds["intensity"]
    x, y = _window(da, window)
    keep = y > 0
    x, y = x[keep], y[keep]
    if x.size < 5:
        raise ValueError(f"pre-edge window {window} holds fewer than 5 positive points")
    design = np.column_stack([np.ones_like(x), -np.log(x)])
    coef, *_ = np.linalg.lstsq(design, np.log(y), rcond=None)
    resid = np.log(y) - design @ coef
    dof = max(x.size - 2, 1)
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.inv(design.T @ design)
    return PowerLaw(float(coef[0]), float(coef[1]), cov, window, math.sqrt(s2))


def edge_signal(ds, window):
    """``(dataset, powerlaw)``: the Dataset with ``intensity``, the power-law ``background`` fitted in
    the pre-edge ``window`` (eV) and extrapolated, and the background-subtracted ``edge`` (counts),
    over the whole energy range; and the fitted :class:`PowerLaw`."""
    law = powerlaw_background(ds, window)
    energy = ds["energy_loss"].values
    background = law(energy)
    out = ds.copy()
    units = ds["intensity"].attrs.get("units", "counts")
    out["background"] = xr.DataArray(background, dims="energy_loss",
                                      attrs={"units": units, "long_name": "power-law background A E^-r"})
    out["edge"] = xr.DataArray(ds["intensity"].values - background, dims="energy_loss",
                                attrs={"units": units, "long_name": "edge signal (background subtracted)"})
    out.attrs["background_window_eV"] = list(law.window)
    out.attrs["background_exponent_r"] = law.r
    return out, law
