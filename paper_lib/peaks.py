"""Peak analysis of 1D spectra: deconvolution, model-free FWHM and peak position, each with an error.

All functions take ``x, y`` arrays or one ``xarray.DataArray`` (its single coordinate is ``x``).
Units are those of the input: positions and widths in x units (ppm for NMR, cm^-1 for IR, ...),
heights in y units, areas in y units x x units. Every number comes as an :class:`Estimate`
(value, standard error, units).

* :func:`fit_peaks` — least-squares sum of Gaussian / Lorentzian / pseudo-Voigt lines plus an
  optional constant or linear baseline (lmfit). Standard errors come from the covariance matrix
  scaled by the reduced chi-square; area fractions are lmfit expression parameters, so their errors
  carry the correlations between the areas.
* :func:`fwhm` — full width at half maximum of the main peak from the two interpolated half-height
  crossings, no line shape assumed; error propagated from the noise level.
* :func:`peak_position` — position of a peak from a local single-line fit.
"""

import math
import re
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

# The solver of every lmfit fit of the compendium: scipy's trust-region least_squares, whose
# covariance comes from the Jacobian at the solution, converged far below the statistical error, so
# that no result depends on a machine's last bits. With lmfit's default (MINPACK leastsq, stopping at
# relative changes of 1e-7, covariance from the last Jacobian it happened to evaluate) standard errors
# moved by up to 1 % between CPUs; with these settings by about 1e-6.
FIT_KWS = {"xtol": 1e-15, "ftol": 1e-15, "gtol": 1e-15}


def lmfit_fit(model, y, params, **kwargs):
    """``model.fit(y, params, **kwargs)`` with the compendium's solver settings (see ``FIT_KWS``)."""
    return model.fit(y, params, method="least_squares", fit_kws=FIT_KWS, **kwargs)

SHAPES = ("gaussian", "lorentzian", "pseudovoigt")
_G_AREA = math.sqrt(math.pi / (4 * math.log(2)))  # area = height * fwhm * this, Gaussian
_L_AREA = math.pi / 2                             # area = height * fwhm * this, Lorentzian


@dataclass(frozen=True)
class Estimate:
    """A number with its standard error (``nan`` when it could not be estimated) and units."""

    value: float
    stderr: float
    units: str = ""

    def __float__(self):
        return float(self.value)

    def __format__(self, spec):
        spec = spec or ".4g"
        return f"{self.value:{spec}} ± {self.stderr:{spec}}" + (f" {self.units}" if self.units else "")

    def __str__(self):
        return format(self, "")


@dataclass(frozen=True, eq=False)
class Component:
    """One fitted line: center and fwhm (x units), height (y units), area and area fraction."""

    name: str
    shape: str
    center: Estimate
    fwhm: Estimate
    height: Estimate
    area: Estimate
    area_fraction: Estimate
    eta: Estimate | None = None  # Lorentzian fraction of a pseudo-Voigt


@dataclass(frozen=True, eq=False)
class PeakFit:
    """Result of :func:`fit_peaks`.

    ``components``: tuple of :class:`Component`; ``baseline``: ``{name: Estimate}``;
    ``curves``: Dataset on the input coordinate with ``data``, ``fit``, ``baseline``,
    ``component_<name>`` and ``residual``; ``redchi``: reduced chi-square (y units squared);
    ``success``/``message`` from the minimiser; ``model_result``: the lmfit ModelResult.
    """

    components: tuple
    baseline: dict
    curves: xr.Dataset
    redchi: float
    success: bool
    message: str
    model_result: object = field(repr=False)

    def __getitem__(self, name):
        for component in self.components:
            if component.name == name:
                return component
        raise KeyError(f"no component named {name!r}; have {[c.name for c in self.components]}")

    def table(self):
        """Rows of plain numbers (value and stderr) per component, e.g. for a DataFrame."""
        rows = []
        for c in self.components:
            row = {"name": c.name, "shape": c.shape}
            for key in ("center", "fwhm", "height", "area", "area_fraction"):
                est = getattr(c, key)
                row[key], row[f"{key}_stderr"] = est.value, est.stderr
            rows.append(row)
        return rows


def _xy(x, y=None):
    """(x, y, dim, x_attrs, y_attrs) from arrays or a 1D DataArray; NaNs dropped, float arrays."""
    if isinstance(x, xr.DataArray) and y is None:
        if x.ndim != 1:
            raise ValueError(f"expected a 1D DataArray, got dims {x.dims}")
        dim = x.dims[0]
        xa = np.asarray(x[dim].values, dtype=float)
        ya = np.asarray(x.values, dtype=float)
        x_attrs, y_attrs = dict(x[dim].attrs), dict(x.attrs)
    else:
        if y is None:
            raise ValueError("give x and y arrays, or one 1D DataArray")
        dim, xa, ya = "x", np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        x_attrs, y_attrs = {}, {}
    if xa.shape != ya.shape or xa.ndim != 1:
        raise ValueError(f"x and y must be 1D of equal length, got {xa.shape} and {ya.shape}")
    keep = np.isfinite(xa) & np.isfinite(ya)
    if keep.sum() < 5:
        raise ValueError("fewer than 5 finite points")
    x_attrs.setdefault("units", ""), x_attrs.setdefault("long_name", dim)
    y_attrs.setdefault("units", ""), y_attrs.setdefault("long_name", "intensity")
    return xa[keep], ya[keep], dim, x_attrs, y_attrs


def noise_sigma(y):
    """Robust noise standard deviation (y units) from point-to-point differences (MAD estimator).

    Smooth line shapes barely change between adjacent points of a well-sampled spectrum, so the
    differences are dominated by white noise of variance ``2 sigma**2``.
    """
    d = np.diff(np.asarray(y, dtype=float))
    return float(1.4826 * np.median(np.abs(d - np.median(d))) / math.sqrt(2))


def _smooth(y, points):
    from scipy.ndimage import gaussian_filter1d

    return gaussian_filter1d(y, max(points, 1) / 2.355, mode="nearest")


def guess_peaks(x, y=None, n=1, smooth=None):
    """Initial guesses ``[{"center", "fwhm", "height"}]`` for ``n`` peaks (x units, y units).

    Peaks are found on smoothed data (scipy.signal.find_peaks, most prominent first) and their widths
    measured with peak_widths. If fewer than ``n`` maxima exist (e.g. a narrow line on a broad one at
    the same position), the extra components are put at the main peak with widths 3, 9, ... times
    its width, so that a narrow + broad pair can be separated by the fit.
    """
    from scipy.signal import find_peaks, peak_widths

    x, y, *_ = _xy(x, y)
    step = float(np.median(np.abs(np.diff(x))))
    ys = _smooth(y - np.median(y), smooth or 5)
    sigma = noise_sigma(y)
    idx, props = find_peaks(ys, prominence=max(5 * sigma, 0.02 * np.ptp(ys)))
    if idx.size == 0:
        idx = np.array([int(np.argmax(ys))])
        props = {"prominences": np.array([np.ptp(ys)])}
    order = np.argsort(props["prominences"])[::-1][:n]
    idx = idx[order]
    widths = peak_widths(ys, idx, rel_height=0.5)[0] * step
    guesses = [{"center": float(x[i]), "fwhm": float(max(w, 3 * step)), "height": float(ys[i])}
               for i, w in zip(idx, widths)]
    main = guesses[0]
    k = 1
    while len(guesses) < n:
        guesses.append({"center": main["center"], "fwhm": main["fwhm"] * 3 ** k, "height": main["height"] / 3 ** k})
        k += 1
    return guesses


def _name(spec, index):
    name = str(spec.get("name") or f"p{index + 1}")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise ValueError(f"component name {name!r} must be an identifier (letters, digits, _)")
    return name


def _estimate(param, units, scale=1.0):
    stderr = param.stderr if param.stderr is not None else math.nan
    return Estimate(float(param.value) * scale, float(stderr) * abs(scale), units)


def fit_peaks(x, y=None, components=2, baseline="linear", shape="gaussian", window=None, smooth=None):
    """Deconvolve a spectrum into lines (least squares, lmfit) and return a :class:`PeakFit`.

    ``x, y``: arrays, or one 1D DataArray passed as ``x`` (its coordinate is the x axis).
    ``components``: an int (that many lines of ``shape``, guesses from :func:`guess_peaks`) or a list
    of dicts ``{"shape": "gaussian"|"lorentzian"|"pseudovoigt", "center": x, "fwhm": x-width,
    "height": y (optional), "name": str (optional), "bounds": {"center": (lo, hi), "fwhm": (lo, hi)}
    (optional), "vary": {"center": False, ...} (optional), "eta": 0..1 (pseudo-Voigt Lorentzian
    fraction guess, optional)}``; missing center/fwhm/height are guessed.
    ``baseline``: ``"constant"``, ``"linear"`` or ``None``. ``window``: (x1, x2) range to fit.

    Areas are ``y units x x units`` and positive when the lines are positive, whatever the direction
    of x; ``area_fraction`` is the area of a line over the sum of the line areas (dimensionless,
    0..1), with a standard error that includes the covariance of the areas.
    """
    import lmfit

    x, y, dim, x_attrs, y_attrs = _xy(x, y)
    if window is not None:
        lo, hi = sorted(window)
        keep = (x >= lo) & (x <= hi)
        if keep.sum() < 5:
            raise ValueError(f"window {window} holds fewer than 5 points")
        x, y = x[keep], y[keep]
    specs = [{"shape": shape} for _ in range(components)] if isinstance(components, int) else \
        [dict(c) for c in components]
    if not specs:
        raise ValueError("need at least one component")
    auto = guess_peaks(x, y, n=len(specs), smooth=smooth)
    span, step = float(np.ptp(x)), float(np.median(np.abs(np.diff(x))))
    xmin, xmax = float(x.min()), float(x.max())
    edge = max(len(x) // 20, 2)
    model, params, names = None, lmfit.Parameters(), []
    order = np.argsort(x)
    b0 = float(np.median(np.r_[y[order][:edge], y[order][-edge:]]))
    for index, spec in enumerate(specs):
        kind = spec.get("shape", shape).lower().replace("-", "").replace("_", "")
        if kind not in SHAPES:
            raise ValueError(f"unknown shape {spec.get('shape')!r}; expected one of {SHAPES}")
        name = _name(spec, index)
        if name in names:
            raise ValueError(f"duplicate component name {name!r}")
        names.append(name)
        guess = auto[index]
        center = float(spec.get("center", guess["center"]))
        width = float(spec.get("fwhm", guess["fwhm"]))
        if "height" in spec:
            height = float(spec["height"])
        else:
            height = float(np.interp(center, x[order], y[order])) - b0
            if "center" in spec or "fwhm" in spec or index > 0:
                height = height / len(specs)
            height = height if height > 0 else float(np.ptp(y)) / len(specs)
        prefix = f"{name}_"
        cls = {"gaussian": lmfit.models.GaussianModel, "lorentzian": lmfit.models.LorentzianModel,
               "pseudovoigt": lmfit.models.PseudoVoigtModel}[kind]
        m = cls(prefix=prefix)
        p = m.make_params()
        sigma_per_fwhm = {"gaussian": 1 / 2.3548200450309493, "lorentzian": 0.5, "pseudovoigt": 0.5}[kind]
        area_per = {"gaussian": _G_AREA, "lorentzian": _L_AREA,
                    "pseudovoigt": (1 - spec.get("eta", 0.5)) * _G_AREA + spec.get("eta", 0.5) * _L_AREA}[kind]
        bounds = spec.get("bounds", {})
        clo, chi = bounds.get("center", (xmin, xmax))
        wlo, whi = bounds.get("fwhm", (step, 2 * span))
        p[f"{prefix}center"].set(value=min(max(center, clo), chi), min=clo, max=chi)
        p[f"{prefix}sigma"].set(value=min(max(width, wlo), whi) * sigma_per_fwhm,
                                min=wlo * sigma_per_fwhm, max=whi * sigma_per_fwhm)
        p[f"{prefix}amplitude"].set(value=abs(height) * width * area_per, min=0)
        if kind == "pseudovoigt":
            p[f"{prefix}fraction"].set(value=float(spec.get("eta", 0.5)), min=0, max=1)
        for key, vary in spec.get("vary", {}).items():
            target = {"fwhm": "sigma", "eta": "fraction", "area": "amplitude"}.get(key, key)
            p[f"{prefix}{target}"].set(vary=bool(vary))
        params.update(p)
        model = m if model is None else model + m
        spec["_kind"] = kind
    if baseline not in (None, "constant", "linear"):
        raise ValueError(f"baseline must be None, 'constant' or 'linear', got {baseline!r}")
    if baseline == "constant":
        bm = lmfit.models.ConstantModel(prefix="baseline_")
        params.update(bm.make_params(c=b0))
        model = model + bm
    elif baseline == "linear":
        bm = lmfit.models.LinearModel(prefix="baseline_")
        params.update(bm.make_params(slope=0.0, intercept=b0))
        model = model + bm
    total = "+".join(f"{n}_amplitude" for n in names)
    for n in names:
        params.add(f"{n}_areafraction", expr=f"{n}_amplitude/({total})")
    _off_midpoint(params)
    result = lmfit_fit(model, y, params, x=x)
    return _package(result, x, y, dim, x_attrs, y_attrs, specs, names, baseline)


def _off_midpoint(params):
    """Move a bounded starting value off the exact middle of its bounds.

    lmfit maps a bounded parameter to an internal arcsin variable that is exactly 0 there, and the
    finite-difference Jacobian of leastsq then never moves it (observed: the center is reported
    'at initial value' without an error). A shift of 1e-6 of the bound range avoids this.
    """
    for par in params.values():
        if par.expr is None and par.vary and np.isfinite(par.min) and np.isfinite(par.max):
            mid, width = 0.5 * (par.min + par.max), par.max - par.min
            if abs(par.value - mid) < 1e-9 * width:
                par.set(value=mid + 1e-6 * width)


def _package(result, x, y, dim, x_attrs, y_attrs, specs, names, baseline):
    xu, yu = x_attrs.get("units", ""), y_attrs.get("units", "")
    area_units = f"{yu}*{xu}".strip("*")
    pars = result.params
    components = []
    for spec, name in zip(specs, names):
        eta = _estimate(pars[f"{name}_fraction"], "") if spec["_kind"] == "pseudovoigt" else None
        components.append(Component(
            name=name, shape=spec["_kind"], center=_estimate(pars[f"{name}_center"], xu),
            fwhm=_estimate(pars[f"{name}_fwhm"], xu), height=_estimate(pars[f"{name}_height"], yu),
            area=_estimate(pars[f"{name}_amplitude"], area_units),
            area_fraction=_estimate(pars[f"{name}_areafraction"], ""), eta=eta))
    base = {}
    if baseline == "constant":
        base = {"offset": _estimate(pars["baseline_c"], yu)}
    elif baseline == "linear":
        base = {"intercept": _estimate(pars["baseline_intercept"], yu),
                "slope": _estimate(pars["baseline_slope"], f"{yu}/{xu}".strip("/"))}
    parts = result.eval_components(x=x)
    coord = {dim: (dim, x, x_attrs)}
    variables = {"data": (dim, y, {**y_attrs, "long_name": "data"}),
                 "fit": (dim, result.best_fit, {"units": yu, "long_name": "fitted curve"}),
                 "residual": (dim, y - result.best_fit, {"units": yu, "long_name": "residual (data - fit)"})}
    bl = np.zeros_like(x) + (parts["baseline_"] if "baseline_" in parts else 0.0)
    variables["baseline"] = (dim, bl, {"units": yu, "long_name": "baseline"})
    for name in names:
        variables[f"component_{name}"] = (dim, parts[f"{name}_"], {"units": yu, "long_name": f"component {name}"})
    curves = xr.Dataset(variables, coords=coord)
    return PeakFit(tuple(components), base, curves, float(result.redchi), bool(result.success),
                   str(result.message), result)


def _crossing(x, y, i, j, level):
    """x where the segment (i, j) crosses ``level``, and the local slope dy/dx there."""
    slope = (y[j] - y[i]) / (x[j] - x[i])
    return x[i] + (level - y[i]) / slope, slope


def fwhm(x, y=None, baseline="edges", edge_fraction=0.05, sigma=None):
    """Model-free full width at half maximum of the highest peak (x units) as an :class:`Estimate`.

    The baseline (``"edges"``: straight line through the medians of the first and last
    ``edge_fraction`` of the points; a number; or ``None`` for zero) is subtracted, the maximum is
    refined by a parabola through the points above 95 % of it, and the half-height crossings on both
    sides are found by linear interpolation between the bracketing points. The standard error
    propagates the noise ``sigma`` (y units; estimated by :func:`noise_sigma` if not given) through
    both crossings and the half-height level: ``var(x_c) = (sigma**2 + var(level)) / slope**2``.
    """
    x, y, _, x_attrs, _ = _xy(x, y)
    order = np.argsort(x)
    x, y = x[order], y[order]
    if baseline == "edges":
        n = max(int(len(x) * edge_fraction), 3)
        xa, xb = np.median(x[:n]), np.median(x[-n:])
        ya, yb = np.median(y[:n]), np.median(y[-n:])
        base = ya + (x - xa) * (yb - ya) / (xb - xa)
        base_err = (sigma or noise_sigma(y)) * 1.2533 / math.sqrt(n)  # stderr of a median
    elif baseline is None:
        base, base_err = np.zeros_like(x), 0.0
    else:
        base, base_err = np.full_like(x, float(baseline)), 0.0
    s = sigma if sigma is not None else noise_sigma(y)
    z = y - base
    k = int(np.argmax(z))
    top = k
    lo = k
    while lo > 0 and z[lo - 1] > 0.95 * z[k]:
        lo -= 1
    hi = k
    while hi < len(z) - 1 and z[hi + 1] > 0.95 * z[k]:
        hi += 1
    if hi - lo >= 2:
        c = np.polyfit(x[lo:hi + 1] - x[top], z[lo:hi + 1], 2)
        peak = float(c[2] - c[1] ** 2 / (4 * c[0])) if c[0] < 0 else float(z[k])
        peak_err = s / math.sqrt(hi - lo + 1) * 1.5
    else:
        peak, peak_err = float(z[k]), s
    half = peak / 2
    left = k
    while left > 0 and z[left] > half:
        left -= 1
    right = k
    while right < len(z) - 1 and z[right] > half:
        right += 1
    if z[left] > half or z[right] > half:
        raise ValueError("the main peak does not fall to half height inside the data range")
    xl, sl = _crossing(x, z, left, left + 1, half)
    xr_, sr = _crossing(x, z, right - 1, right, half)
    level_var = (peak_err / 2) ** 2 + base_err ** 2
    err = math.sqrt((s ** 2 + level_var) / sl ** 2 + (s ** 2 + level_var) / sr ** 2)
    return Estimate(float(xr_ - xl), err, x_attrs.get("units", ""))


def peak_position(x, y=None, center=None, half_width=None, shape="gaussian", baseline="linear"):
    """Position (x units) of a peak from a local single-line fit, as an :class:`Estimate`.

    The fit uses the points within ``center ± half_width`` (defaults: the most prominent peak and
    its FWHM, from :func:`guess_peaks`). The line is ``shape`` (see :func:`fit_peaks`) on a ``baseline``.
    """
    x, y, dim, x_attrs, y_attrs = _xy(x, y)
    if center is None or half_width is None:
        main = guess_peaks(x, y, n=1)[0]  # the highest peak and its width
        center = main["center"] if center is None else center
        half_width = main["fwhm"] if half_width is None else half_width
    xs, ys = _window(x, y, center, half_width)
    da = xr.DataArray(ys, coords={dim: (dim, xs, x_attrs)}, dims=dim, attrs=y_attrs)
    fit = fit_peaks(da, components=[{"shape": shape, "center": center, "fwhm": half_width}], baseline=baseline)
    return fit.components[0].center


def _window(x, y, center, half_width):
    keep = np.abs(x - center) <= half_width
    if keep.sum() < 7:
        raise ValueError(f"fewer than 7 points within {center} ± {half_width}")
    return x[keep], y[keep]
