"""X-ray powder diffraction of measured patterns: background, peaks, phase identification, fits.

Angles are 2θ in degrees, d-spacings and wavelengths in Å (``*_nm`` where said), sizes in nm.
Every fitted number is an :class:`paper_lib.peaks.Estimate` (value, standard error, units).

Measured patterns
    :func:`remove_background` (pybaselines SNIP by default, arPLS optional), :func:`find_peaks`
    (maxima of the background-free pattern above a Poisson-noise threshold, each position optionally
    refined by :func:`paper_lib.peaks.peak_position` with a pseudo-Voigt on a linear baseline),
    :func:`fit_kalpha_doublet` (one reflection as a Kα1/Kα2 pseudo-Voigt doublet: the Kα1 position,
    FWHM and area with standard errors), :func:`identify_phases` (figures of merit per reference phase
    and the unindexed peaks, see there), :func:`index_peaks` + :func:`lattice_from_pattern` (lattice
    refined from a measured pattern), :func:`relative_intensity` (fitted area ratio of two peaks),
    :func:`feature_near` / :func:`feature_report` (the most prominent peak in a window, fitted, and
    the computed reflections next to it).

For figure notebooks: :func:`phase_table`, :func:`no_new_phase_trend`, :func:`normalised`,
:func:`background_maximum`, and ``paper_lib.panels.stacked_patterns``.

Elsewhere: powder patterns computed from crystal structures (reflection tables, profiles, Bragg's law,
the Cu Kα wavelengths, ``reference_tables``) in :mod:`paper_lib.powder`; lattice refinement, Scherrer
size and d of a fitted peak (``d_from_peak``) in :mod:`paper_lib.lattice`.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from . import peaks
from .lattice import refine_lattice
from .peaks import Estimate
from .powder import (CU_KA1, CU_KA2, KA2_RATIO, load_structure, nearest_reflections, profile, pseudo_voigt,
                     two_theta_from_d)


# ------------------------------------------------------------------------------ measured patterns
def _da(pattern):
    """The intensity DataArray, carrying the Dataset's attrs (count_time_s, wavelength_A, ...)."""
    if isinstance(pattern, xr.Dataset):
        da = pattern["intensity"].copy()
        da.attrs = {**pattern.attrs, **pattern["intensity"].attrs}
        return da
    return pattern


def remove_background(pattern, method="snip", half_window_deg=0.6, lam=1e7):
    """Dataset with ``intensity`` (background-free), ``background`` and ``data`` (input units).

    ``"snip"``: pybaselines SNIP (decreasing windows, 5-point smoothing) with a maximum half window of
    ``half_window_deg`` (deg, default 0.6): it follows features much broader than that (holder hump,
    amorphous halo; a Gaussian hump of FWHM F keeps about 2.8 (w/F)² of its height, 2 % for F = 7°) and
    removes Bragg peaks narrower than about 2w. A larger window clips broad humps much more. The
    ends are padded with their end values, not by pybaselines' default linear extrapolation: that is
    a least-squares fit whose last bits depend on the BLAS kernel, and SNIP's clipping of integer
    counts turned them into background differences of 0.04 counts between CPUs.
    ``"arpls"``: pybaselines asymmetrically reweighted penalised least squares, smoothness ``lam``.
    """
    from pybaselines import Baseline

    da = _da(pattern)
    x = da["two_theta"].values
    y = da.values.astype(float)
    fitter = Baseline(x_data=x)
    if method == "snip":
        step = float(np.median(np.diff(x)))
        background, _ = fitter.snip(y, max_half_window=max(int(round(half_window_deg / step)), 2),
                                    decreasing=True, smooth_half_window=2, pad_kwargs={"mode": "edge"})
    elif method == "arpls":
        background, _ = fitter.arpls(y, lam=lam)
    else:
        raise ValueError("method must be 'snip' or 'arpls'")
    units = da.attrs.get("units", "counts")
    coords = {"two_theta": da["two_theta"]}
    out = xr.Dataset({"intensity": ("two_theta", y - background, {"units": units, "long_name": "intensity minus background"}),
                      "background": ("two_theta", background, {"units": units, "long_name": f"background ({method})"}),
                      "data": ("two_theta", y, {"units": units, "long_name": "measured intensity"})},
                     coords=coords, attrs={**getattr(pattern, "attrs", {}), "background_method": method})
    return out


def find_peaks(pattern, prominence_sigma=6.0, min_separation_deg=0.15, window=None, fit=True,
               half_width_deg=None, background="snip", max_fwhm_deg=1.5):
    """Bragg peaks of a measured pattern as a DataFrame (``two_theta``, ``stderr``, ``height``, ``fwhm``).

    The background is removed (:func:`remove_background`, unless ``background`` is None), maxima of
    the lightly smoothed pattern more prominent than ``prominence_sigma`` times the local noise
    (Poisson, sqrt of the counts there; see ``_local_noise``) are kept if their FWHM is below ``max_fwhm_deg`` (broader bumps are background residue, not Bragg
    peaks). With ``fit`` each position is refined by :func:`paper_lib.peaks.peak_position` (pseudo-Voigt
    on a linear baseline over ± ``half_width_deg``, default the peak's FWHM, at least 0.2°) and
    ``stderr`` is its standard error; without it the position is the vertex of a parabola through the
    three highest points of the smoothed pattern (fast; ``stderr`` NaN).
    """
    from scipy.signal import find_peaks as _find, peak_widths

    da = _da(pattern)
    y_raw = da.values.astype(float)
    corrected = remove_background(da, background)["intensity"] if background else da
    x = corrected["two_theta"].values
    y = corrected.values.astype(float)
    if window is not None:
        keep = (x >= window[0]) & (x <= window[1])
        x, y, y_raw = x[keep], y[keep], y_raw[keep]
    step = float(np.median(np.diff(x)))
    ys = peaks._smooth(y, 3)
    sigma = _local_noise(da, y_raw, y)
    idx, props = _find(ys, prominence=0.5 * prominence_sigma * float(np.min(sigma)),
                       distance=max(int(min_separation_deg / step), 1), width=(None, max_fwhm_deg / step))
    significance = props["prominences"] / sigma[idx]
    keep = significance >= prominence_sigma
    idx, significance = idx[keep], significance[keep]
    widths = peak_widths(ys, idx, rel_height=0.5)[0] * step if idx.size else np.array([])
    rows = []
    for i, w in zip(idx, widths):
        position, stderr = float(x[i]), math.nan
        if 0 < i < len(x) - 1:
            a, b, c = ys[i - 1], ys[i], ys[i + 1]
            denom = a - 2 * b + c
            if denom < 0:
                position = float(x[i] + 0.5 * (a - c) / denom * (x[i + 1] - x[i]))
        if fit:
            hw = half_width_deg or max(float(w), 0.2)
            try:
                est = peaks.peak_position(x, y, center=float(x[i]), half_width=hw, shape="pseudovoigt")
                if abs(est.value - x[i]) < hw and np.isfinite(est.stderr):
                    position, stderr = est.value, est.stderr
            except ValueError:
                pass
        rows.append({"two_theta": position, "stderr": stderr, "height": float(ys[i]), "fwhm": float(w),
                     "prominence_sigma": float(significance[list(idx).index(i)])})
    return pd.DataFrame(rows, columns=["two_theta", "stderr", "height", "fwhm", "prominence_sigma"])


def _local_noise(da, y_raw, y):
    """Noise (intensity units) per point: Poisson sqrt(counts) for counts, or for counts/s with a
    known counting time; otherwise the global robust estimate of :func:`paper_lib.peaks.noise_sigma`."""
    units = da.attrs.get("units", "")
    time = getattr(da, "attrs", {}).get("count_time_s")
    if units == "counts":
        return np.sqrt(np.maximum(y_raw, 1.0))
    if units == "counts/s" and time:
        return np.sqrt(np.maximum(y_raw * time, 1.0)) / time
    return np.full_like(y, max(peaks.noise_sigma(y), 1e-12))


@dataclass(frozen=True)
class PhaseID:
    """Result of :func:`identify_phases`.

    ``phases``: DataFrame (``phase``, ``n_lines``, ``n_matched``, ``matched_fraction``, ``present``,
    ``n_peaks_indexed``, ``scale``, ``scale_stderr``); ``peaks``: the observed peaks with ``assigned``
    (names of the phases with a line within tolerance, or ''); ``unindexed``: the peaks no reference
    phase explains; ``rwp``: weighted profile R (percent) of the background-free pattern against the
    scaled sum of the computed profiles; ``model``: that sum (DataArray).
    """

    phases: pd.DataFrame
    peaks: pd.DataFrame
    unindexed: pd.DataFrame
    rwp: float
    model: xr.DataArray = field(repr=False)

    def present(self):
        return list(self.phases.loc[self.phases["present"], "phase"])

    def only(self, name):
        """True if peaks were observed and every one is explained by phase ``name``."""
        return bool(len(self.peaks)) and all(name in a.split(", ") for a in self.peaks["assigned"])


def identify_phases(pattern, references, tolerance_deg=0.12, min_relative=10.0, index_relative=0.5,
                    present_fraction=0.5, prominence_sigma=6.0, fwhm="auto", eta=0.5, window=None):
    """Which reference phases a measured pattern holds, with two figures of merit per phase.

    ``references``: ``{name: reflections table}`` (Kα1 positions, :func:`paper_lib.powder.reflections`).

    * Peaks are found on the background-free pattern (:func:`find_peaks`, SNIP background,
      positions from a parabola through the top of each maximum).
    * ``matched_fraction``: of the phase's lines with ``relative >= min_relative`` percent inside the
      measured range, the fraction of their computed intensity whose line has an observed peak within
      ``tolerance_deg`` (deg 2θ). The phase is ``present`` when it is at least ``present_fraction``.
      (Texture or a small amount of a phase lowers it: read it with ``n_peaks_indexed``.)
    * Indexing: an observed peak is assigned to every phase with a line (``relative >=
      index_relative`` percent, at its Kα1 or Kα2 angle) within ``tolerance_deg``; ``unindexed`` are
      the peaks assigned to none, i.e. not explained by any reference phase.
    * ``rwp``: the background-free pattern is fitted by non-negative least squares with one scale per
      phase times its computed profile (:func:`paper_lib.powder.profile`, Kα1 + Kα2, pseudo-Voigt of Lorentzian
      fraction ``eta`` and FWHM ``fwhm`` deg, ``"auto"`` = the median FWHM of the observed peaks),
      weights w = 1/max(counts, 1) (counting statistics), ``Rwp = 100 sqrt(Σw(y - model)² / Σwy²)``.
      Reference intensities that are generic (lattice-only phases) or texture make Rwp large; it is a
      relative measure between candidate phases, not a refinement quality.
    """
    from scipy.optimize import nnls

    da = _da(pattern)
    corrected = remove_background(da)
    x = corrected["two_theta"].values
    sel = np.ones_like(x, dtype=bool) if window is None else (x >= window[0]) & (x <= window[1])
    observed = find_peaks(da, prominence_sigma=prominence_sigma, window=window, fit=False)
    lo, hi = float(x[sel].min()), float(x[sel].max())
    obs = observed["two_theta"].values
    rows, assigned = [], [[] for _ in range(len(observed))]
    for name, table in references.items():
        inside = table[(table["two_theta"] > lo) & (table["two_theta"] < hi)]
        lines = inside[inside["relative"] >= min_relative]
        hit = np.array([np.any(np.abs(obs - t) <= tolerance_deg) for t in lines["two_theta"]], dtype=bool)
        total = float(lines["intensity"].sum())
        fraction = float(lines["intensity"].values[hit].sum() / total) if total > 0 else math.nan
        index_lines = inside[inside["relative"] >= index_relative]
        wl = table.attrs.get("wavelength_A", CU_KA1)
        positions = np.r_[index_lines["two_theta"].values,
                          two_theta_from_d(index_lines["d"].values, wl * CU_KA2 / CU_KA1)]
        n_indexed = 0
        for j, t in enumerate(obs):
            if np.any(np.abs(positions - t) <= tolerance_deg):
                assigned[j].append(name)
                n_indexed += 1
        rows.append({"phase": name, "n_lines": int(len(lines)), "n_matched": int(hit.sum()),
                     "matched_fraction": fraction, "present": bool(fraction >= present_fraction),
                     "n_peaks_indexed": n_indexed})
    phases = pd.DataFrame(rows)
    observed = observed.assign(assigned=[", ".join(a) for a in assigned])
    unindexed = observed[observed["assigned"] == ""].reset_index(drop=True)
    width = float(np.median(observed["fwhm"])) if fwhm == "auto" and len(observed) else \
        (0.1 if fwhm == "auto" else float(fwhm))
    y = corrected["intensity"].values[sel]
    raw = corrected["data"].values[sel]
    w = 1 / np.maximum(raw, 1.0) if da.attrs.get("units", "counts") == "counts" else np.ones_like(y)
    basis = np.column_stack([profile(references[n], x[sel], width, eta=eta).values for n in references])
    sw = np.sqrt(w)
    scales, _ = nnls(basis * sw[:, None], y * sw)
    model = basis @ scales
    resid = y - model
    rwp = float(100 * math.sqrt(np.sum(w * resid ** 2) / np.sum(w * y ** 2)))
    dof = max(len(y) - len(scales), 1)
    cov = np.linalg.pinv((basis * w[:, None]).T @ basis) * float(np.sum(w * resid ** 2) / dof)
    phases["scale"] = scales
    phases["scale_stderr"] = np.sqrt(np.diag(cov))
    model_da = xr.DataArray(model, coords={"two_theta": corrected["two_theta"][sel]}, dims="two_theta",
                            attrs={"units": da.attrs.get("units", "counts"), "long_name": "scaled reference profiles"})
    return PhaseID(phases, observed, unindexed, rwp, model_da)


@dataclass(frozen=True)
class DoubletFit:
    """Kα1 + Kα2 fit of one reflection: ``position`` (Kα1 2θ, deg), ``fwhm`` (deg), ``area``
    (intensity units x deg, both lines), ``eta`` (Lorentzian fraction), ``curves`` (Dataset with
    ``data``, ``fit``, ``baseline``), ``redchi``."""

    position: Estimate
    fwhm: Estimate
    area: Estimate
    eta: Estimate
    curves: xr.Dataset = field(repr=False)
    redchi: float


def fit_kalpha_doublet(pattern, center, half_width_deg=0.6, background="snip", wavelengths=(CU_KA1, CU_KA2),
                       ka2_ratio=KA2_RATIO):
    """Fit one reflection as a Kα1/Kα2 pseudo-Voigt doublet on a linear baseline (lmfit).

    The Kα2 line sits at ``2 arcsin(λ2/λ1 sin θ1)``, has the same FWHM and Lorentzian fraction and
    ``ka2_ratio`` of the Kα1 area, so the fitted position is that of the Kα1 line — the angle that
    Bragg's law with λ1 turns into d. Window: ``center ± half_width_deg`` of the background-free
    pattern. Standard errors from the covariance scaled by the reduced chi-square.
    """
    import lmfit

    da = _da(pattern)
    corrected = remove_background(da, background)["intensity"] if background else da
    x = corrected["two_theta"].values
    keep = np.abs(x - center) <= half_width_deg
    if keep.sum() < 10:
        raise ValueError(f"fewer than 10 points within {center} ± {half_width_deg} deg")
    x, y = x[keep], corrected.values[keep].astype(float)
    ratio_l = wavelengths[1] / wavelengths[0]

    def model(x, center, fwhm, area, eta, slope, intercept):
        c2 = np.degrees(2 * np.arcsin(np.clip(ratio_l * np.sin(np.radians(center) / 2), -1, 1)))
        return (pseudo_voigt(x, center, fwhm, eta, area) + pseudo_voigt(x, c2, fwhm, eta, ka2_ratio * area)
                + slope * (x - x.mean()) + intercept)

    m = lmfit.Model(model)
    top = float(x[np.argmax(y)])
    height = float(y.max() - np.median(y))
    params = m.make_params(center=top, fwhm=0.2, area=max(height, 1e-9) * 0.2 * 1.2 / (1 + ka2_ratio), eta=0.5,
                           slope=0.0, intercept=float(np.median(y[:3])))
    params["center"].set(min=top - half_width_deg / 2, max=top + half_width_deg / 2 + 1e-7)
    params["fwhm"].set(min=0.005, max=2 * half_width_deg)
    params["area"].set(min=0)
    params["eta"].set(min=0, max=1)
    result = peaks.lmfit_fit(m, y, params, x=x)
    p = result.params

    def est(name, units):
        err = p[name].stderr
        return Estimate(float(p[name].value), float(err) if err is not None else math.nan, units)

    units = da.attrs.get("units", "")
    total = est("area", f"{units}*deg")
    total = Estimate(total.value * (1 + ka2_ratio), total.stderr * (1 + ka2_ratio), total.units)
    baseline = p["slope"].value * (x - x.mean()) + p["intercept"].value
    curves = xr.Dataset({"data": ("two_theta", y, {"units": units, "long_name": "background-free data"}),
                         "fit": ("two_theta", result.best_fit, {"units": units, "long_name": "Kα1+Kα2 fit"}),
                         "baseline": ("two_theta", baseline, {"units": units, "long_name": "linear baseline"})},
                        coords={"two_theta": ("two_theta", x, {"units": "deg", "long_name": "diffraction angle 2θ"})})
    return DoubletFit(est("center", "deg"), est("fwhm", "deg"), total, est("eta", ""), curves, float(result.redchi))


def index_peaks(found, table, tolerance_deg=0.12):
    """Pair observed peaks (DataFrame with ``two_theta``, ``stderr``) with the nearest reflection of
    ``table`` within ``tolerance_deg``; returns ``h k l two_theta stderr calc delta`` rows (one per
    reflection, the closest peak), ready for :func:`paper_lib.lattice.refine_lattice`."""
    rows = []
    for r in table.itertuples():
        if len(found) == 0:
            break
        j = int(np.argmin(np.abs(found["two_theta"].values - r.two_theta)))
        t = float(found["two_theta"].iloc[j])
        if abs(t - r.two_theta) <= tolerance_deg:
            rows.append({"h": r.h, "k": r.k, "l": r.l, "two_theta": t, "stderr": float(found["stderr"].iloc[j]),
                         "calc": r.two_theta, "delta": t - r.two_theta, "relative": r.relative})
    out = pd.DataFrame(rows, columns=["h", "k", "l", "two_theta", "stderr", "calc", "delta", "relative"])
    # a peak claimed by several reflections (overlap): keep the strongest reflection only
    return out.sort_values("relative", ascending=False, kind="stable").drop_duplicates("two_theta") \
        .sort_values("calc", kind="stable").reset_index(drop=True)


def feature_near(pattern, target=22.0, window=(20.0, 25.0), half_width_deg=0.6, background="snip"):
    """The most prominent Bragg peak of the background-free pattern inside ``window`` (deg), fitted.

    Returns ``(position Estimate (Kα1 2θ, deg), DoubletFit)``; the peak is fitted as a Kα1/Kα2
    doublet (:func:`fit_kalpha_doublet`) over ± ``half_width_deg``. ``target`` only breaks ties
    (the peak nearest to it among equally prominent ones). Broad humps (FWHM > 1.5°) are not peaks.
    """
    da = _da(pattern)
    found = find_peaks(da, window=window, fit=False, background=background)
    if found.empty:
        raise ValueError(f"no peak found between {window[0]} and {window[1]} deg")
    order = found.assign(dist=(found["two_theta"] - target).abs()).sort_values(
        ["prominence_sigma", "dist"], ascending=[False, True], kind="stable")
    center = float(order["two_theta"].iloc[0])
    fit = fit_kalpha_doublet(da, center, half_width_deg, background)
    return fit.position, fit


def relative_intensity(pattern, peak, reference, half_width_deg=0.6, background="snip"):
    """Area of the peak at ``peak`` (deg) over the area of the one at ``reference`` (deg), an Estimate.

    Both are fitted on the background-free pattern (one pseudo-Voigt, no extra baseline, so that the
    wings of broad milled-sample lines are not taken up by a baseline, ± ``half_width_deg``); the
    error combines the two area errors (independent fits).
    """
    da = _da(pattern)
    corrected = remove_background(da, background)["intensity"] if background else da
    areas = []
    for c in (peak, reference):
        fit = peaks.fit_peaks(corrected, window=(c - half_width_deg, c + half_width_deg), baseline=None,
                              components=[{"shape": "pseudovoigt", "center": c, "fwhm": 0.3, "name": "p"}])
        areas.append(fit.components[0].area)
    ratio = areas[0].value / areas[1].value
    err = abs(ratio) * math.hypot(areas[0].stderr / areas[0].value, areas[1].stderr / areas[1].value)
    return Estimate(ratio, err, "")


def normalised(pattern, background="snip"):
    """Background-free pattern scaled to a maximum of 1 (a DataArray), for stacked plots."""
    da = _da(pattern)
    y = remove_background(da, background)["intensity"] if background else da
    out = y / float(y.max())
    out.attrs = {"units": "1", "long_name": "normalised intensity"}
    return out


# ------------------------------------------------------------------ helpers for the figure notebooks
def phase_table(results):
    """One row per pattern from ``{label: PhaseID}``: peaks found, unindexed peaks, Rwp, and per phase
    its matched fraction, the number of observed peaks it indexes and whether it is present."""
    rows = []
    for label, result in results.items():
        row = {"sample": label, "peaks": len(result.peaks), "unindexed": len(result.unindexed),
               "rwp_percent": result.rwp}
        for r in result.phases.itertuples():
            row[f"{r.phase} matched"] = r.matched_fraction
            row[f"{r.phase} indexed"] = r.n_peaks_indexed
            row[f"{r.phase} present"] = r.present
        rows.append(row)
    return pd.DataFrame(rows)


def no_new_phase_trend(milled, dehydrogenated, host="LiBH4", precursor="LiNH2BH3", broadening=None):
    """The Figure 1b / S2 statement, from phase identification results (``{label: PhaseID}``).

    True when (1) every as-milled pattern has no unindexed peak (nothing beyond ``host`` +
    ``precursor``), (2) in every dehydrogenated pattern ``precursor`` is not present and every
    observed peak is indexed by ``host`` (only host peaks remain) and, if ``broadening`` =
    ``(fwhm_before, fwhm_after)`` (Estimates, deg, of one host reflection before and after milling)
    is given, (3) milling broadens it by more than three combined standard errors (lower
    crystallinity / smaller crystallites). Returns ``(bool, note)``.
    """
    new = {k: len(v.unindexed) for k, v in milled.items() if len(v.unindexed)}
    left = [k for k, v in dehydrogenated.items() if precursor in v.present()]
    other = [k for k, v in dehydrogenated.items() if not v.only(host)]
    ok = not new and not left and not other
    note = (f"as-milled: {sum(len(v.peaks) for v in milled.values())} peaks in {len(milled)} patterns, "
            f"unindexed {sum(new.values())}; dehydrogenated: {precursor} present in {len(left)} of "
            f"{len(dehydrogenated)}, peaks not explained by {host} alone in {len(other)}")
    if broadening is not None:
        before, after = broadening
        broader = after.value - before.value > 3 * math.hypot(before.stderr, after.stderr)
        ok = ok and broader
        note += f"; {host} FWHM {before.value:.3f} -> {after.value:.3f} deg on milling"
    return ok, note


def feature_report(pattern, table, target=22.0, window=(20.0, 25.0), n=3):
    """The ~``target`` feature of a pattern: fitted position (Estimate), FWHM, and the ``n`` computed
    reflections of ``table`` nearest to it (DataFrame with ``delta`` = reflection - fitted, deg)."""
    position, fit = feature_near(pattern, target, window)
    near = nearest_reflections(table, position.value, n=n)
    return {"position": position, "fwhm": fit.fwhm, "fit": fit, "nearest": near}


def lattice_from_pattern(pattern, table, system="orthorhombic", window=(10.0, 60.0), start=None,
                         tolerance_deg=0.12, half_width_deg=0.35, zero_shift=True):
    """Refined lattice (:class:`paper_lib.lattice.LatticeFit`) and the indexed peaks of a measured pattern.

    Peaks found in ``window`` (:func:`find_peaks`) are indexed against ``table`` (:func:`index_peaks`),
    each position refitted as a Kα1/Kα2 doublet (:func:`fit_kalpha_doublet`, ± ``half_width_deg``),
    and the lattice (with a zero shift) refined by :func:`paper_lib.lattice.refine_lattice`. ``start`` defaults to the
    cell of ``table``'s structure when it is a shipped one. Returns ``(LatticeFit, indexed DataFrame)``.
    """
    found = find_peaks(pattern, window=window, fit=False)
    indexed = index_peaks(found, table, tolerance_deg)
    rows, keep = [], []
    for i, r in enumerate(indexed.itertuples()):
        try:
            fit = fit_kalpha_doublet(pattern, r.two_theta, half_width_deg)
        except ValueError:
            continue
        if np.isfinite(fit.position.stderr) and abs(fit.position.value - r.two_theta) < tolerance_deg:
            rows.append(((r.h, r.k, r.l), fit.position.value, fit.position.stderr))
            keep.append(i)
    indexed = indexed.iloc[keep].reset_index(drop=True)
    indexed["two_theta"] = [r[1] for r in rows]
    indexed["stderr"] = [r[2] for r in rows]
    indexed["delta"] = indexed["two_theta"] - indexed["calc"]
    if start is None:
        name = table.attrs.get("name", "")
        cif = {"LiBH4_Pnma": "LiBH4", "LiBH4_P63mc": "LiBH4 (P6_3mc)"}.get(name)
        cell = load_structure(cif).cell if cif else None
        start = None if cell is None else {"orthorhombic": (cell.a, cell.b, cell.c), "hexagonal": (cell.a, cell.c),
                                           "tetragonal": (cell.a, cell.c), "cubic": (cell.a,)}.get(system)
    return refine_lattice(rows, system, start=start, zero_shift=zero_shift), indexed


def background_maximum(pattern, window=(15.0, 30.0), background="snip"):
    """2θ (deg) where the removed background (holder hump + amorphous halo) is highest inside ``window``."""
    bg = remove_background(_da(pattern), background)["background"].sel(two_theta=slice(*window))
    return float(bg["two_theta"].values[int(np.argmax(bg.values))])
