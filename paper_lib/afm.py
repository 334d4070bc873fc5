"""AFM of Li metal (Figure 4): Young's modulus maps from force curves, and surface topography.

Force maps are Datasets of :func:`paper_lib.readers.afm.read_force_map` (force N, heights m).

Modulus per curve (:func:`fit_curve`, :func:`modulus_map`)
    1. Baseline: a straight line in the measured height, fitted to the approach before the contact
       estimate (nanite's deviation-from-baseline point), is subtracted from the whole curve. This
       removes the deflection offset and the optical-interference tilt *before* the tip position is
       computed (nanite's own slope correction acts after it and leaves the tilt in the abscissa).
    2. nanite: tip position = height + force / k, contact point estimate, then a least-squares fit
       of the Hertz paraboloid (``hertz_para``: F = 4/3 E/(1 - nu^2) sqrt(R) delta^1.5 + baseline)
       to the whole approach, E, contact point and force baseline free, R and nu fixed.
    3. Uncertainty: the fit covariance, scaled by the residual variance inside the contact region
       when that exceeds the curve's average (height-sensor noise on the abscissa shows up there);
       the recovery tests find the scatter about 1.3 times this error.
    4. A curve is flagged (``fit_ok`` False, modulus NaN, with a ``reason``) when the fit fails, fewer
       than ``min_points`` approach points lie beyond the contact point, the force rises less than
       ``min_contrast`` times the baseline noise (no contact), the relative error exceeds
       ``max_rel_stderr`` or R^2 of the approach is below ``min_r_squared``.
    Maps are in GPa; :func:`distribution` gives the mean with its standard error (sd / sqrt(n)), the
    median (error from the log-normal density at it), the geometric mean and sigma of ln E;
    :func:`ratio` propagates relative errors in quadrature.

Topography (:func:`level`, :func:`roughness`, :func:`protrusions`, :func:`profile`)
    Heights in m on ``y``, ``x`` (m). Levelling: least-squares plane, then the median of every scan
    line subtracted, repeated with the pixels beyond ``clip`` robust sigmas (protrusions) left out
    of both fits; zero is the median of the remaining surface. Ra = mean |z - <z>| and Rq = rms(z - <z>)
    (nm) of the whole image; their error is the standard error of the four quadrants' values
    (sd / 2, the spatial variation). Protrusions: connected regions (8-connectivity,
    scikit-image ``measure.label``) higher than ``threshold_nm`` above zero and larger than
    ``min_area_um2``.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import xarray as xr

from .peaks import Estimate

MODEL = "hertz_para"


# ---------------------------------------------------------------- force curves

def correct_baseline(force, height, approach, margin=0.9):
    """``force`` less a line in ``height`` fitted to the approach before contact; the line's
    (offset N, slope N/m)."""
    from nanite import poc

    fa, za = force[approach], height[approach]
    cp = poc.compute_poc(np.array(fa), "deviation_from_baseline")
    n = fa.size if not np.isfinite(cp) else max(int(margin * cp), min(10, fa.size))
    design = np.column_stack([np.ones(n), za[:n] - za[0]])
    (offset, slope), *_ = np.linalg.lstsq(design, fa[:n], rcond=None)
    return force - offset - slope * (height - za[0]), (float(offset), float(slope))


def indentation(ds, index):
    """nanite ``Indentation`` of curve ``index`` of a force map, baseline-corrected."""
    import nanite

    sel = ds.isel(curve=index)
    keep = sel.segment.values >= 0
    segment = sel.segment.values[keep].astype(np.uint8)
    height = sel.height_measured.values[keep]
    force, _ = correct_baseline(sel.force.values[keep], height, segment == 0)
    data = {"force": force, "height (measured)": height, "height (piezo)": sel.height_piezo.values[keep],
            "segment": segment, "time": sel.time.values[keep]}
    metadata = {"spring constant": ds.attrs["spring_constant_N_m"], "sensitivity": ds.attrs["sensitivity_m_V"],
                "imaging mode": "force-distance", "enum": int(index), "path": str(ds.attrs.get("source_file", "")),
                "point count": int(keep.sum()), "duration": float(np.ptp(data["time"]))}
    return nanite.Indentation(data, metadata)


@dataclass(frozen=True)
class CurveFit:
    """Hertz fit of one curve: ``modulus`` (GPa), ``contact_height`` (m, tip position at contact on
    the file's height scale), ``max_indentation`` (m), ``r_squared`` of the approach, ``ok`` and the
    ``reason`` when not."""

    modulus: Estimate
    contact_height: Estimate
    max_indentation: float
    contact_points: int
    r_squared: float
    ok: bool
    reason: str


def _initial_modulus(x, force, radius, nu):
    """Hertz modulus (Pa) from the deepest point of the approach (x: tip position, contact at 0)."""
    depth, peak = max(-float(np.min(x)), 1e-10), max(float(np.max(force)), 1e-12)
    return 0.75 * peak * (1 - nu**2) / (math.sqrt(radius) * depth**1.5)


def _failed(reason, n=0):
    nan = Estimate(math.nan, math.nan, "GPa")
    return CurveFit(nan, Estimate(math.nan, math.nan, "m"), math.nan, n, math.nan, False, reason)


def fit_curve(idnt, tip_radius_m, poisson_ratio, *, min_points=10, max_rel_stderr=0.2, min_r_squared=0.95,
              min_contrast=20.0):
    """Hertz (paraboloid) fit of the approach of ``idnt`` (a nanite ``Indentation``)."""
    raw_tip = idnt["height (measured)"] + idnt["force"] / idnt.metadata["spring constant"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idnt.apply_preprocessing(["compute_tip_position", "correct_tip_offset"])
        approach = idnt["segment"] == 0
        x, f = idnt["tip position"][approach], idnt["force"][approach]
        params = idnt.get_initial_fit_parameters(model_key=MODEL)
        params["E"].set(value=_initial_modulus(x, f, tip_radius_m, poisson_ratio), min=0)
        params["R"].set(value=tip_radius_m, vary=False)
        params["nu"].set(value=poisson_ratio, vary=False)
        idnt.fit_model(model_key=MODEL, params_initial=params, weight_cp=0, segment=0,
                       method="leastsq", method_kws={"xtol": 1e-12, "ftol": 1e-12})
    fp = idnt.fit_properties
    if not fp.get("success"):
        return _failed("fit failed")
    p = fp["params_fitted"]
    cp = p["contact_point"].value
    residual = idnt["fit residuals"][approach]
    inside = x < cp
    if inside.sum() < min_points:
        return _failed(f"no indentation ({int(inside.sum())} points beyond the contact)", int(inside.sum()))
    return _assess(p, x, f, residual, inside, raw_tip[approach][0] - x[0], max_rel_stderr, min_r_squared,
                   min_contrast)


def _assess(p, x, f, residual, inside, offset, max_rel_stderr, min_r_squared, min_contrast):
    """CurveFit from nanite's fitted parameters, with the contact-region error scaling and the flags."""
    e, cp = p["E"], p["contact_point"]
    dof = max(x.size - 3, 1)
    s2_all = float(np.sum(residual**2)) / dof
    s2_contact = float(np.mean(residual[inside] ** 2))
    scale = math.sqrt(max(1.0, s2_contact / s2_all)) if s2_all > 0 else 1.0
    e_err = e.stderr * scale if e.stderr is not None else math.nan
    cp_err = cp.stderr * scale if cp.stderr is not None else math.nan
    r2 = 1.0 - float(np.sum(residual**2)) / float(np.sum((f - f.mean()) ** 2))
    noise = float(np.std(residual[~inside] if (~inside).sum() > 2 else residual))
    rise = float(np.max(f) - p["baseline"].value)
    reason = "ok"
    if not rise > min_contrast * noise:
        reason = f"no contact: force rise {rise * 1e9:.3g} nN < {min_contrast} x baseline noise {noise * 1e9:.2g} nN"
    elif not (math.isfinite(e_err) and e.value > 0):
        reason = "no error estimate"
    elif e_err / e.value > max_rel_stderr:
        reason = f"relative error {e_err / e.value:.2f} > {max_rel_stderr}"
    elif r2 < min_r_squared:
        reason = f"R^2 {r2:.3f} < {min_r_squared}"
    return CurveFit(Estimate(e.value / 1e9, e_err / 1e9, "GPa"), Estimate(cp.value + offset, cp_err, "m"),
                    float(cp.value - np.min(x)), int(inside.sum()), r2, reason == "ok", reason)


def _parameter(ds, value, key, scale=1.0):
    if value is not None:
        return float(value)
    if key not in ds.attrs:
        raise ValueError(f"no '{key}': pass it, or give it as a manifest condition (attrs['{key}'])")
    return float(ds.attrs[key]) * scale


def _fit_one(ds, index, radius, nu, limits):
    """:func:`fit_curve` of curve ``index``; an error of nanite or of the data becomes a flag."""
    import nanite.fit

    try:
        return fit_curve(indentation(ds, index), radius, nu, **limits)
    except (Exception, nanite.fit.FitDataError, nanite.fit.FitKeyError) as exc:
        return _failed(f"fit error: {exc}")


def modulus_map(ds, tip_radius_m=None, poisson_ratio=None, **limits):
    """Fit every curve of a force map; Dataset on (``y``, ``x``) with ``modulus`` and
    ``modulus_stderr`` (GPa), ``contact_height`` (m), ``max_indentation`` (m) (all NaN where
    flagged), ``r_squared``, ``fit_ok`` and ``reason``. Tip radius and Poisson ratio default to the attrs
    ``tip_radius_nm`` and ``poisson_ratio`` (manifest conditions)."""
    radius = _parameter(ds, tip_radius_m, "tip_radius_nm", 1e-9)
    nu = _parameter(ds, poisson_ratio, "poisson_ratio")
    nx, ny = ds.attrs["grid_shape"]
    names = ("modulus", "modulus_stderr", "contact_height", "max_indentation", "r_squared")
    grids = {n: np.full((ny, nx), np.nan) for n in names}
    ok, reason = np.zeros((ny, nx), bool), np.full((ny, nx), "not measured", dtype=object)
    for i in range(ds.sizes["curve"]):
        fit = _fit_one(ds, i, radius, nu, limits)
        iy, ix = int(ds.iy[i]), int(ds.ix[i])
        values = (fit.modulus.value, fit.modulus.stderr, fit.contact_height.value, fit.max_indentation, fit.r_squared)
        for n, v in zip(names, values):
            grids[n][iy, ix] = v if fit.ok or n == "r_squared" else np.nan
        ok[iy, ix], reason[iy, ix] = fit.ok, fit.reason
    return _map_dataset(ds, grids, ok, reason, radius, nu)


def _map_dataset(ds, grids, ok, reason, radius, nu):
    (nx, ny), (sx, sy), (cx, cy) = ds.attrs["grid_shape"], ds.attrs["grid_size_m"], ds.attrs["grid_center_m"]
    x = cx - sx / 2 + (np.arange(nx) + 0.5) * sx / nx
    y = cy - sy / 2 + (np.arange(ny) + 0.5) * sy / ny
    meta = {"modulus": ("GPa", "Young's modulus (Hertz)"), "modulus_stderr": ("GPa", "standard error of the modulus"),
            "contact_height": ("m", "tip position at contact"), "max_indentation": ("m", "maximum indentation"),
            "r_squared": ("1", "R^2 of the approach fit")}
    dims = ("y", "x")
    data = {n: xr.DataArray(v, dims=dims, attrs={"units": meta[n][0], "long_name": meta[n][1]})
            for n, v in grids.items()}
    data["fit_ok"] = xr.DataArray(ok, dims=dims, attrs={"units": "1", "long_name": "fit accepted"})
    data["reason"] = xr.DataArray(reason.astype(str), dims=dims, attrs={"units": "1", "long_name": "why flagged"})
    coords = {"x": ("x", x, {"units": "m", "long_name": "x"}), "y": ("y", y, {"units": "m", "long_name": "y"})}
    attrs = {k: v for k, v in ds.attrs.items() if isinstance(v, (str, int, float))}
    attrs.update({"model": MODEL, "tip_radius_m": radius, "poisson_ratio": nu, "flagged": int((~ok).sum())})
    return xr.Dataset(data, coords, attrs)


# ---------------------------------------------------------------- statistics

@dataclass(frozen=True)
class Distribution:
    """Summary of a set of moduli: ``n``, ``mean``, ``median``, ``std``, ``geometric_mean`` (all in
    the input units) and ``sigma_ln`` (of ln E), each an :class:`Estimate`."""

    n: int
    mean: Estimate
    median: Estimate
    std: Estimate
    geometric_mean: Estimate
    sigma_ln: Estimate


def distribution(values, units="GPa"):
    """Mean, median and log-normal summary of ``values`` (NaN dropped; positive values)."""
    v = np.asarray(values, float).ravel()
    v = v[np.isfinite(v)]
    n = v.size
    if n < 2:
        raise ValueError(f"need at least 2 values, got {n}")
    sd, logs = float(np.std(v, ddof=1)), np.log(v)
    mu, s = float(np.mean(logs)), float(np.std(logs, ddof=1))
    median = float(np.median(v))
    return Distribution(
        n, Estimate(float(v.mean()), sd / math.sqrt(n), units),
        Estimate(median, median * s * math.sqrt(math.pi / 2) / math.sqrt(n), units),
        Estimate(sd, sd / math.sqrt(2 * (n - 1)), units),
        Estimate(math.exp(mu), math.exp(mu) * s / math.sqrt(n), units),
        Estimate(s, s / math.sqrt(2 * (n - 1)), "1"))


def ratio(a, b):
    """a / b with the relative errors added in quadrature (independent estimates)."""
    r = a.value / b.value
    rel = math.hypot(a.stderr / a.value, b.stderr / b.value)
    units = "1" if a.units == b.units else f"{a.units}/{b.units}"
    return Estimate(r, abs(r) * rel, units)


# ---------------------------------------------------------------- topography

def plane(height, mask=None):
    """Least-squares plane a + b x + c y (same units and coordinates as ``height``) through the
    pixels where ``mask`` is True (all when None)."""
    z = np.asarray(height, float)
    yy, xx = np.meshgrid(height.y.values, height.x.values, indexing="ij")
    use = np.isfinite(z) if mask is None else np.asarray(mask) & np.isfinite(z)
    design = np.column_stack([np.ones(use.sum()), xx[use] - xx.mean(), yy[use] - yy.mean()])
    coef, *_ = np.linalg.lstsq(design, z[use], rcond=None)
    return height.copy(data=coef[0] + coef[1] * (xx - xx.mean()) + coef[2] * (yy - yy.mean()))


def _line_medians(z, mask):
    rows = np.where(mask, z, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(rows, axis=1, keepdims=True)
    return np.nan_to_num(med)


def _robust_mask(z, clip):
    med = np.median(z)
    mad = 1.4826 * np.median(np.abs(z - med))
    return np.abs(z - med) <= clip * max(mad, 1e-15)


def level(height, lines=True, clip=3.0, iterations=3):
    """Plane (and, with ``lines``, scan-line median) levelling, robust to protrusions; zero at the
    median of the surface left after excluding pixels beyond ``clip`` robust sigmas."""
    mask = np.ones(height.shape, bool)
    z = height
    for _ in range(iterations):
        z = height - plane(height, mask)
        if lines:
            z = z - _line_medians(z.values, mask)
        mask = _robust_mask(z.values, clip)
    out = z - float(np.median(z.values[mask]))
    out.attrs = {**height.attrs, "levelling": "plane + line medians" if lines else "plane"}
    return out


def _ra_rq(z):
    d = z - z.mean()
    return float(np.mean(np.abs(d))), float(np.sqrt(np.mean(d**2)))


@dataclass(frozen=True)
class Roughness:
    """Arithmetic (``ra``) and root-mean-square (``rq``) roughness in nm, error from the quadrants."""

    ra: Estimate
    rq: Estimate


def roughness(height):
    """Ra and Rq (nm) of a levelled height image (m), each with the quadrants' standard error."""
    z = np.asarray(height, float) * 1e9
    ny, nx = z.shape
    quads = [_ra_rq(q) for rows in (z[: ny // 2], z[ny // 2:]) for q in (rows[:, : nx // 2], rows[:, nx // 2:])]
    ra, rq = _ra_rq(z)
    err = np.std(quads, axis=0, ddof=1) / 2
    return Roughness(Estimate(ra, float(err[0]), "nm"), Estimate(rq, float(err[1]), "nm"))


@dataclass(frozen=True)
class Protrusions:
    """Regions above ``threshold_nm``: ``count``, ``density`` (um^-2, Poisson error), per region
    ``heights_nm`` (maximum), ``areas_um2`` and ``centres_um`` (x, y), and the ``labels`` image."""

    count: int
    threshold_nm: float
    density: Estimate
    heights_nm: np.ndarray
    areas_um2: np.ndarray
    centres_um: np.ndarray
    labels: xr.DataArray


def protrusions(height, threshold_nm=25.0, min_area_um2=0.03):
    """Connected regions of a levelled image (m) higher than ``threshold_nm`` above zero."""
    from skimage import measure

    z = np.asarray(height, float) * 1e9
    dx = float(abs(height.x[1] - height.x[0])) * 1e6
    dy = float(abs(height.y[1] - height.y[0])) * 1e6
    labels = measure.label(z > threshold_nm, connectivity=2)
    regions = [r for r in measure.regionprops(labels, intensity_image=z) if r.area * dx * dy >= min_area_um2]
    keep = np.isin(labels, [r.label for r in regions])
    labels = np.where(keep, labels, 0)
    area = z.size * dx * dy
    count = len(regions)
    x, y = height.x.values * 1e6, height.y.values * 1e6
    centres = np.array([(x[int(round(r.centroid[1]))], y[int(round(r.centroid[0]))]) for r in regions]).reshape(-1, 2)
    return Protrusions(count, threshold_nm, Estimate(count / area, math.sqrt(count) / area, "um^-2"),
                       np.array([r.intensity_max for r in regions]), np.array([r.area * dx * dy for r in regions]),
                       centres, height.copy(data=labels).assign_attrs(units="1", long_name="protrusion label"))


def profile(height, start, end, points=None):
    """Height along the straight line from ``start`` to ``end`` ((x, y) in m), bilinear; a DataArray
    over ``distance`` (m) in the units of ``height``."""
    from scipy import ndimage

    x, y = height.x.values, height.y.values
    length = math.hypot(end[0] - start[0], end[1] - start[1])
    n = points or int(length / abs(x[1] - x[0])) + 1
    t = np.linspace(0.0, 1.0, n)
    col = (start[0] + t * (end[0] - start[0]) - x[0]) / (x[1] - x[0])
    row = (start[1] + t * (end[1] - start[1]) - y[0]) / (y[1] - y[0])
    values = ndimage.map_coordinates(np.asarray(height, float), [row, col], order=1, mode="nearest")
    return xr.DataArray(values, dims="distance", name="height",
                        coords={"distance": ("distance", t * length,
                                             {"units": "m", "long_name": "distance along the line"})},
                        attrs={**height.attrs, "start_m": tuple(start), "end_m": tuple(end)})
