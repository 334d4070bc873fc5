"""XPS analysis: Shirley backgrounds, charge referencing, component fits, atomic fractions, depth profiles.

Spectra are the readers' DataArrays over ``binding_energy`` (eV) in counts/s, with ``counting_time_s``
(dwell x scans) in their attrs for the Poisson weights. Every number is an :class:`Estimate`.

* :func:`shirley`: the iterative Shirley background (Shirley, Phys. Rev. B 5, 4709 (1972); Proctor and
  Sherwood, Anal. Chem. 54, 13 (1982)): at each energy, the low-BE end level plus the step between the
  ends in proportion to the peak area on the low-BE side, iterated to convergence.
* :func:`charge_shift`: the shift that puts the C 1s C-C line at 284.8 eV (adventitious carbon).
* :func:`fit_region`: a least-squares sum of components (lmfit) on the Shirley-subtracted window:
  pseudo-Voigt lines with a fixed 30 % Lorentzian share, or an asymmetric (split) Lorentzian for a metal,
  whose tails, unlike a Doniach-Sunjic line's, end inside a finite window as a Shirley background needs; centres
  confined to a stated tolerance around their reference binding energies (after the charge shift),
  widths to stated bounds (the overlapping Li compounds of Li 1s sharing one width), areas >= 0,
  Poisson weights. Areas (counts/s x eV: each line's whole area,
  its tails beyond the window included) with standard errors.
* :func:`atomic_fractions`: areas over relative sensitivity factors, normalised; the factors are
  Scofield's photoionisation cross-sections for Al K-alpha (J. Electron Spectrosc. Relat. Phenom. 8,
  129 (1976)), without transmission or escape-depth corrections (a comparison within one instrument).
* :func:`fading_depth`: the depth (etch time x etch rate) at which a component's area first falls below
  a stated fraction of its surface value, interpolated between etch levels, with the areas' and the
  etch rate's errors propagated.
"""

import math
from dataclasses import dataclass

import numpy as np

from .peaks import Estimate

SCOFIELD = {"Li 1s": 0.0568, "B 1s": 0.486, "N 1s": 1.80, "O 1s": 2.93, "C 1s": 1.00}
C_C_EV = 284.8
LORENTZ_SHARE = 0.3


def window(spectrum, low, high):
    """The part of ``spectrum`` between ``low`` and ``high`` eV, in ascending binding energy."""
    part = spectrum.sortby("binding_energy").sel(binding_energy=slice(low, high))
    if part.sizes["binding_energy"] < 10:
        raise ValueError(f"{spectrum.attrs.get('region', 'spectrum')}: fewer than 10 points between {low} and {high} eV")
    return part


def shirley(be, intensity, ends=5, tol=1e-7, max_iter=200):
    """Iterative Shirley background of ``intensity`` over ascending ``be`` (eV); ends averaged over
    ``ends`` points."""
    x, y = np.asarray(be, float), np.asarray(intensity, float)
    low, high = float(np.mean(y[:ends])), float(np.mean(y[-ends:]))
    background = np.full_like(y, low)
    for _ in range(max_iter):
        peak = np.clip(y - background, 0.0, None)
        cumulative = np.concatenate([[0.0], np.cumsum(0.5 * (peak[1:] + peak[:-1]) * np.diff(x))])
        total = cumulative[-1]
        new = low + (high - low) * (cumulative / total if total > 0 else np.zeros_like(cumulative))
        if np.max(np.abs(new - background)) < tol * max(abs(high), 1.0):
            return new
        background = new
    return background


def _sigma(spectrum):
    """Poisson standard deviation of each point in counts/s."""
    seconds = float(spectrum.attrs.get("counting_time_s", 1.0))
    return np.sqrt(np.clip(spectrum.values, 1.0 / seconds, None) / seconds)


@dataclass
class Component:
    name: str
    center_eV: float
    tolerance_eV: float = 0.4
    fwhm_eV: tuple = (0.6, 2.2)
    shape: str = "pseudo-voigt"
    width_group: str = ""  # lines of one group share one width (a constraint for overlapping lines)


@dataclass
class RegionFit:
    region: str
    components: dict  # name -> {"center": Estimate, "fwhm": Estimate, "area": Estimate}
    binding_energy: np.ndarray
    data: np.ndarray
    background: np.ndarray
    curves: dict  # name -> component curve over binding_energy (counts/s)
    residual_rms: float  # root-mean-square residual in units of the Poisson sigma
    shift_eV: float
    total_area: Estimate  # data less background over the window, plasmon losses left out
    chi2: float = float("nan")  # sum of squared Poisson-weighted residuals


def _model(components, shift):
    from lmfit.models import PseudoVoigtModel, SplitLorentzianModel

    model, params = None, None
    for k, c in enumerate(components):
        prefix = f"c{k}_"
        part = SplitLorentzianModel(prefix=prefix) if c.shape == "asymmetric" else PseudoVoigtModel(prefix=prefix)
        p = part.make_params()
        center = c.center_eV - shift
        p[f"{prefix}center"].set(value=center, min=center - c.tolerance_eV, max=center + c.tolerance_eV)
        p[f"{prefix}sigma"].set(value=np.mean(c.fwhm_eV) / 2, min=c.fwhm_eV[0] / 2, max=c.fwhm_eV[1] / 2)
        leader = next((j for j, other in enumerate(components[:k]) if c.width_group and other.width_group == c.width_group), None)
        if leader is not None:
            p[f"{prefix}sigma"].set(expr=f"c{leader}_sigma")
        p[f"{prefix}amplitude"].set(value=1.0, min=0.0)
        if c.shape == "asymmetric":  # the high-BE side at least as wide as the low-BE side
            p[f"{prefix}sigma_r"].set(value=np.mean(c.fwhm_eV) * 0.7, min=c.fwhm_eV[0] / 2, max=c.fwhm_eV[1])
        else:
            p[f"{prefix}fraction"].set(value=LORENTZ_SHARE, vary=False)
        model = part if model is None else model + part
        params = p if params is None else params + p
    return model, params


def _start_areas(x, net, components, shift, sigma):
    """Starting areas: a non-negative linear least-squares fit of the lines at their reference centres
    and mid-range widths to the Shirley-subtracted data, so that overlapping lines start shared out as
    the data share them (from a poor start, the fit can end in another minimum on another CPU)."""
    from lmfit.lineshapes import pvoigt, split_lorentzian
    from scipy.optimize import nnls

    basis = []
    for c in components:
        x0, w = c.center_eV - shift, np.mean(c.fwhm_eV) / 2
        basis.append(split_lorentzian(x, 1.0, x0, w, 1.4 * w) if c.shape == "asymmetric" else pvoigt(x, 1.0, x0, w, LORENTZ_SHARE))
    areas, _ = nnls(np.array(basis).T / sigma[:, None], net / sigma)
    floor = float(np.mean(sigma)) * np.mean([np.mean(c.fwhm_eV) for c in components])
    return [max(float(a), 0.1 * floor) for a in areas]


def _height_areas(x, net, components, shift, sigma):
    """Starting areas from the net height within each line's tolerance of its centre x its width."""
    out = []
    for c in components:
        near = np.abs(x - (c.center_eV - shift)) < max(c.tolerance_eV, 0.2)
        height = max(float(np.max(net[near])) if near.any() else 0.0, float(np.mean(sigma)))
        out.append(height * 1.1 * np.mean(c.fwhm_eV))
    return out


def _cumulative(x, y):
    return np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(x))])


def fit_region(spectrum, components, low, high, shift=0.0):
    """Fit ``components`` (a list of :class:`Component`) to ``spectrum`` between ``low`` and ``high`` eV
    (reference positions, moved by the charge ``shift``: the data's energy is reference - shift).

    A component whose area comes out below the noise under it is not detected: the region is fitted
    again without it, so that an absent line sitting on its zero bound cannot tilt the others (the
    fit would otherwise depend on the numerical path), and it is reported with area 0 and the noise as
    its error (a detection limit), centre and width NaN.

    The background is fitted with the lines (an 'active' Shirley background): a level and a slope plus
    k times the lines' own area accumulated from the low-BE side, so that line tails reaching the window's
    ends are not taken for background. The iterative :func:`shirley` of the data starts it."""
    fit = _fit_region(spectrum, components, low, high, shift)
    absent = [c for c in components if not detected(fit.components[c.name]["area"], 1.0)]
    present = [c for c in components if c not in absent]
    if not absent or not present:
        return fit
    refit = _fit_region(spectrum, present, low, high, shift)
    if refit.chi2 > fit.chi2 * 1.001 + 1e-9:  # the fit without them must describe the data as well
        return fit
    for c in absent:
        refit.components[c.name] = {"center": Estimate(c.center_eV, math.nan, "eV"),
                                    "fwhm": Estimate(math.nan, math.nan, "eV"),
                                    "area": Estimate(0.0, fit.components[c.name]["area"].stderr, "counts/s eV")}
        refit.curves[c.name] = np.zeros_like(refit.binding_energy)
    refit.components = {c.name: refit.components[c.name] for c in components}
    refit.curves = {c.name: refit.curves[c.name] for c in components}
    return refit


def _fit_region(spectrum, components, low, high, shift=0.0):
    """One least-squares fit of ``components`` (see :func:`fit_region`)."""
    import lmfit

    part = window(spectrum, low - shift, high - shift)
    x, y = part.binding_energy.values, part.values
    start = shirley(x, y)
    model, params = _model(components, shift)
    net = y - start
    starts = [_start_areas(x, net, components, shift, _sigma(part))]
    if len(components) > 2:  # overlapping lines: more starts, so that every CPU finds the same minimum
        starts.append(_height_areas(x, net, components, shift, _sigma(part)))
    total = float(np.trapezoid(np.clip(net, 0, None), x))
    params.add("bg_level", value=float(start[0]))
    params.add("bg_slope", value=0.0)
    params.add("bg_k", value=(float(start[-1] - start[0]) / total) if total > 0 else 0.0, min=0.0)
    sigma = _sigma(part)

    from lmfit.lineshapes import pvoigt, split_lorentzian

    def line(p, k, c):  # the lineshape functions themselves: model.eval is ten times slower here
        a, x0, w = p[f"c{k}_amplitude"], p[f"c{k}_center"], p[f"c{k}_sigma"]
        if c.shape == "asymmetric":
            return split_lorentzian(x, a, x0, w, p[f"c{k}_sigma_r"])
        return pvoigt(x, a, x0, w, LORENTZ_SHARE)

    def evaluate(p):
        curves = [line(p, k, c) for k, c in enumerate(components)]
        lines = np.sum(curves, axis=0)
        return curves, lines, p["bg_level"] + p["bg_slope"] * (x - x[0]) + p["bg_k"] * _cumulative(x, lines)

    def residual(params_):
        p = params_.valuesdict()
        _, lines, bg = evaluate(p)
        return (y - lines - bg) / sigma

    result = None
    for areas in starts:  # the lowest chi-square of the starts
        trial = params.copy()
        for k, area in enumerate(areas):
            trial[f"c{k}_amplitude"].set(value=area)
        out = lmfit.minimize(residual, trial, method="least_squares",  # trust-region: bounds as they are
                             max_nfev=200 * (len(params) + 1))
        if result is None or out.chisqr < result.chisqr * (1 - 1e-9):
            result = out
    curve_list, lines, bg = evaluate(result.params.valuesdict())
    curves = {f"c{k}_": curve for k, curve in enumerate(curve_list)}
    found = {}
    for k, c in enumerate(components):
        prefix = f"c{k}_"
        amp = result.params[f"{prefix}amplitude"]
        cen, sig = result.params[f"{prefix}center"], result.params[f"{prefix}sigma"]
        area = float(amp.value)  # the whole line's area, tails beyond the window included
        # the noise under the line (its centre +- two half widths): the error of an area near zero
        under = np.abs(x - cen.value) < 2 * sig.value
        noise = float(np.sqrt(np.sum((sigma[under] * np.gradient(x)[under]) ** 2)))
        fitted = float(amp.stderr) if amp.stderr else math.nan
        found[c.name] = {"center": Estimate(cen.value + shift, cen.stderr or math.nan, "eV"),
                         "fwhm": Estimate(2 * sig.value, 2 * (sig.stderr or math.nan), "eV"),
                         "area": Estimate(area, noise if not math.isfinite(fitted) or area < noise else max(fitted, noise),
                                          "counts/s eV")}
    total = _total_area(x, y, bg, sigma, found)
    rms = float(np.sqrt(np.mean(result.residual ** 2)))
    return RegionFit(spectrum.attrs.get("region", ""), found, x + shift, y, bg,
                     {c.name: curves[f"c{k}_"] for k, c in enumerate(components)}, rms, shift, total,
                     float(result.chisqr))


def _total_area(x, y, background, sigma, found):
    """The region's area: the data less the fitted background, integrated over the window (model-free,
    with its Poisson error), less the plasmon losses' fitted areas."""
    losses = [v["area"] for name, v in found.items() if "plasmon" in name]
    value = float(np.trapezoid(y - background, x)) - sum(a.value for a in losses)
    var = float(np.sum((sigma * np.gradient(x)) ** 2)) + sum(a.stderr**2 for a in losses)
    return Estimate(value, math.sqrt(var), "counts/s eV")


def charge_shift(c1s, reference_eV=C_C_EV, low=281.0, high=293.0) -> Estimate:
    """Shift (eV) to add to the data's binding energies to put the main C 1s line at ``reference_eV``."""
    part = window(c1s, low, high)
    guess = float(part.binding_energy[int(np.argmax(part.values - shirley(part.binding_energy, part.values)))])
    fit = fit_region(c1s, [Component("C-C", guess, tolerance_eV=1.0)], guess - 5.0, guess + 5.0)
    center = fit.components["C-C"]["center"]
    return Estimate(reference_eV - center.value, center.stderr, "eV")


def region_area(spectrum, low, high, shift=0.0) -> Estimate:
    """Shirley-subtracted area (counts/s x eV) of a whole window, with its Poisson error."""
    part = window(spectrum, low - shift, high - shift)
    x, y = part.binding_energy.values, part.values
    net = y - shirley(x, y)
    dx = np.gradient(x)
    return Estimate(float(np.trapezoid(net, x)), float(np.sqrt(np.sum((_sigma(part) * dx) ** 2))), "counts/s eV")


def centroid(spectrum, low, high, shift=0.0) -> Estimate:
    """Area-weighted mean binding energy (eV, after the shift) of the Shirley-subtracted window."""
    part = window(spectrum, low - shift, high - shift)
    x, y = part.binding_energy.values, part.values
    net = np.clip(y - shirley(x, y), 0, None)
    mean = float(np.sum(x * net) / np.sum(net))
    err = float(np.sqrt(np.sum(((x - mean) * _sigma(part)) ** 2)) / np.sum(net))
    return Estimate(mean + shift, err, "eV")


def atomic_fractions(areas, sensitivity=None) -> dict:
    """``{region: Estimate}`` atomic fractions (%) from ``{region: area Estimate}`` and the sensitivity
    factors (default: Scofield's), errors propagated through the normalisation."""
    sensitivity = sensitivity or SCOFIELD
    missing = [r for r in areas if r not in sensitivity]
    if missing:
        raise ValueError(f"no sensitivity factor for {missing}; give one (known: {sorted(sensitivity)})")
    n = {r: max(a.value, 0.0) / sensitivity[r] for r, a in areas.items()}
    e = {r: a.stderr / sensitivity[r] for r, a in areas.items()}
    total = sum(n.values())
    out = {}
    for r in areas:
        others = sum(e[q] ** 2 * n[r] ** 2 for q in areas if q != r)
        err = math.sqrt((total - n[r]) ** 2 * e[r] ** 2 + others) / total**2
        out[r] = Estimate(100.0 * n[r] / total, 100.0 * err, "%")
    return out


def fading_depth(depth_nm, areas, fraction=0.1, depth_rel_stderr=0.0) -> Estimate:
    """Depth (nm) at which ``areas`` (Estimates, one per etch level, the first at the surface) first fall
    below ``fraction`` of the surface value, interpolated linearly; ``None`` if they never do."""
    z = np.asarray(depth_nm, float)
    a = np.array([x.value for x in areas])
    s = np.array([x.stderr for x in areas])
    limit = fraction * a[0]
    below = np.flatnonzero(a < limit)
    below = below[below > 0]
    if below.size == 0:
        return None
    k = int(below[0])
    t = (a[k - 1] - limit) / (a[k - 1] - a[k])
    depth = z[k - 1] + t * (z[k] - z[k - 1])
    slope = (z[k] - z[k - 1]) / (a[k - 1] - a[k])
    # d(depth)/d(a_k-1), d/d(a_k), d/d(a_0) of the interpolation, in quadrature, and the etch rate's share
    d_prev = slope * (1 - t)
    d_next = slope * t
    d_surface = -slope * fraction
    err = math.sqrt((d_prev * s[k - 1]) ** 2 + (d_next * s[k]) ** 2 + (d_surface * s[0]) ** 2 + (depth * depth_rel_stderr) ** 2)
    return Estimate(float(depth), err, "nm")


def detected(area: Estimate, sigmas=3.0) -> bool:
    """Whether an area is above ``sigmas`` times its standard error (a detection limit)."""
    return bool(area.value > sigmas * area.stderr)


# Regions of the Li interphase: (low, high) fit window in eV after the charge shift, and the components
# with their reference binding energies (NIST SRD 20 ranges; see data/generator/xps.py).
LI_INTERPHASE = {
    "Li 1s": (49.0, 62.0, [Component("Li0", 52.4, 0.3, (0.5, 1.2), "asymmetric"),
                           Component("Li2O", 53.7, width_group="Li compounds"),
                           Component("Li3N/Li-B", 54.6, width_group="Li compounds"),
                           Component("LiOH/Li2CO3", 55.3, width_group="Li compounds"),
                           Component("Li0 plasmon", 59.5, 0.6, (1.5, 4.0))]),
    "B 1s": (182.0, 198.0, [Component("Li-B", 187.6), Component("B-N", 190.5), Component("B-O", 192.1)]),
    "N 1s": (390.0, 404.0, [Component("Li3N", 395.5), Component("N-B", 398.3)]),
    "O 1s": (523.0, 537.0, [Component("Li2O", 528.6), Component("LiOH/Li2CO3", 531.4)]),
    "C 1s": (280.0, 295.0, [Component("C-C", 284.8), Component("CO3", 289.9)]),
}


def depth_profile(spectra, etch_rate_nm_s, regions=None, shift=0.0):
    """Fit every region of every etch level: ``(fits, table)`` with ``fits[(region, level)]`` the
    :class:`RegionFit` and ``table`` an xarray Dataset over ``level`` (coordinates etch time in s and
    depth in nm = etch time x ``etch_rate_nm_s``) with each component's area and its error
    (``area`` over ``component``), each region's total area and the Li 1s centroid."""
    import xarray as xr

    regions = regions or LI_INTERPHASE
    times = sorted({float(s.attrs["etch_time_s"]) for s in spectra})
    fits = {}
    for s in spectra:
        region = s.attrs["region"]
        if region in regions:
            low, high, components = regions[region]
            fits[(region, times.index(float(s.attrs["etch_time_s"])))] = fit_region(s, components, low, high, shift)
    names = [f"{r}: {c.name}" for r, (_, _, cs) in regions.items() for c in cs]
    area = np.full((len(times), len(names)), np.nan)
    error = np.full_like(area, np.nan)
    for (region, level), fit in fits.items():
        for name, found in fit.components.items():
            j = names.index(f"{region}: {name}")
            area[level, j], error[level, j] = found["area"].value, found["area"].stderr
    region_names = list(regions)
    total = np.full((len(times), len(region_names)), np.nan)
    total_err = np.full_like(total, np.nan)
    for (region, level), fit in fits.items():
        j = region_names.index(region)
        total[level, j], total_err[level, j] = fit.total_area.value, fit.total_area.stderr
    table = xr.Dataset(
        {"area": (("level", "component"), area, {"units": "counts/s eV", "long_name": "component area"}),
         "area_stderr": (("level", "component"), error, {"units": "counts/s eV", "long_name": "standard error"}),
         "region_area": (("level", "region"), total, {"units": "counts/s eV", "long_name": "region area (lines)"}),
         "region_area_stderr": (("level", "region"), total_err, {"units": "counts/s eV", "long_name": "standard error"})},
        coords={"level": ("level", np.arange(len(times)), {"units": "1", "long_name": "etch level"}),
                "etch_time": ("level", np.array(times), {"units": "s", "long_name": "Ar+ etch time"}),
                "depth": ("level", np.array(times) * etch_rate_nm_s, {"units": "nm", "long_name": "etch depth"}),
                "component": ("component", names, {"units": "1", "long_name": "region: component"}),
                "region": ("region", region_names, {"units": "1", "long_name": "core level"})})
    return fits, table


def component_series(table, name):
    """The areas of ``name`` ("N 1s: Li3N") over the etch levels, as Estimates."""
    sub = table.sel(component=name)
    return [Estimate(float(a), float(e), "counts/s eV") for a, e in zip(sub.area.values, sub.area_stderr.values)]


def level_fractions(table, level, sensitivity=None):
    """Atomic fractions (%) of one etch level from each region's area (plasmon losses left out)."""
    sub = table.isel(level=level)
    areas = {str(r): Estimate(float(a), float(e), "counts/s eV")
             for r, a, e in zip(sub.region.values, sub.region_area.values, sub.region_area_stderr.values)
             if np.isfinite(a)}
    return atomic_fractions(areas, sensitivity)


def require_regions(spectra, needed, name):
    """Raise a ValueError naming ``name``'s regions when one of ``needed`` is missing."""
    have = sorted({s.attrs.get("region", "?") for s in spectra})
    missing = [r for r in needed if r not in have]
    if missing:
        raise ValueError(f"{name}: has regions {have}; the notebook needs {', '.join(needed)} "
                         f"(missing {', '.join(missing)})")
