"""Lattice parameters and crystallite size from X-ray powder peak positions and widths.

Angles are 2θ in degrees, d-spacings and wavelengths in Å, sizes in nm.
Every fitted number is an :class:`paper_lib.peaks.Estimate` (value, standard error, units).

Lattice and size
    :func:`refine_lattice` (weighted non-linear least squares of the lattice parameters, optionally a
    zero shift, to indexed peak positions; standard errors from the covariance scaled by the reduced
    chi-square), :func:`scherrer_size` (K = 0.9, FWHM corrected for the instrument width in
    quadrature — Gaussian profiles — or linearly — Lorentzian), :func:`d_from_peak` (d with its
    propagated error).

d-spacings and Bragg's law come from :mod:`paper_lib.powder`; peaks of a measured pattern are found,
indexed and fitted by :mod:`paper_lib.xrd` (``lattice_from_pattern``).
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .peaks import Estimate
from .powder import CU_KA1, SCHERRER_K, d_from_two_theta, d_spacing, two_theta_from_d

# ------------------------------------------------------------------------------- lattice, size
_SYSTEMS = {"cubic": ("a",), "tetragonal": ("a", "c"), "hexagonal": ("a", "c"),
            "orthorhombic": ("a", "b", "c"), "monoclinic": ("a", "b", "c", "beta")}


def _cell_from(system, p):
    v = dict(zip(_SYSTEMS[system], p))
    a = v["a"]
    b = v.get("b", a)
    c = v.get("c", a)
    gamma = 120.0 if system == "hexagonal" else 90.0
    return (a, b, c, 90.0, v.get("beta", 90.0), gamma)


@dataclass(frozen=True)
class LatticeFit:
    """Refined lattice: ``parameters`` ``{name: Estimate}`` (Å, deg), ``zero_shift`` (deg or None),
    ``residuals`` (observed - computed 2θ, deg), ``redchi``."""

    system: str
    parameters: dict
    zero_shift: Estimate | None
    residuals: np.ndarray = field(repr=False)
    redchi: float
    wavelength: float

    def cell(self):
        return _cell_from(self.system, [self.parameters[k].value for k in _SYSTEMS[self.system]])


def refine_lattice(indexed, system="orthorhombic", wavelength=CU_KA1, start=None, zero_shift=False):
    """Least-squares lattice parameters from indexed peak positions.

    ``indexed``: rows ``(hkl, two_theta)`` or ``(hkl, two_theta, stderr)`` (deg), or a DataFrame with
    columns ``h k l two_theta [stderr]``. Minimises Σ((2θ_obs - zero - 2θ_calc(hkl; cell)) / stderr)²
    (scipy ``least_squares``), 2θ_calc from gemmi's ``calculate_d``. Standard errors come from
    (JᵀWJ)⁻¹ scaled by the reduced chi-square (needs more peaks than parameters).
    """
    from scipy.optimize import least_squares

    if system not in _SYSTEMS:
        raise ValueError(f"system must be one of {sorted(_SYSTEMS)}")
    if isinstance(indexed, pd.DataFrame):
        rows = [((r.h, r.k, r.l), r.two_theta, getattr(r, "stderr", 1.0)) for r in indexed.itertuples()]
    else:
        rows = [(tuple(r[0]), r[1], r[2] if len(r) > 2 else 1.0) for r in indexed]
    hkl = [tuple(map(int, r[0])) for r in rows]
    obs = np.array([float(r[1]) for r in rows])
    err = np.array([float(r[2]) if r[2] and np.isfinite(r[2]) and r[2] > 0 else 1.0 for r in rows])
    names = list(_SYSTEMS[system])
    if start is None:  # rough start from the first reflections assuming a cube of similar size
        d = d_from_two_theta(obs, wavelength) * np.sqrt([h * h + k * k + l * l for h, k, l in hkl])
        start = [float(np.median(d))] * len(names)
        if "beta" in names:
            start[-1] = 95.0
    p0 = list(start) + ([0.0] if zero_shift else [])
    npar = len(p0)
    if len(obs) <= npar:
        raise ValueError(f"need more than {npar} indexed peaks, got {len(obs)}")

    def residual(p):
        cell = _cell_from(system, p[:len(names)])
        calc = np.array([two_theta_from_d(d_spacing(cell, h), wavelength) for h in hkl])
        shift = p[-1] if zero_shift else 0.0
        return (obs - shift - calc) / err

    result = least_squares(residual, p0, x_scale="jac", xtol=1e-14, ftol=1e-14)
    dof = len(obs) - npar
    redchi = float(np.sum(result.fun ** 2) / dof)
    cov = np.linalg.pinv(result.jac.T @ result.jac) * redchi
    se = np.sqrt(np.diag(cov))
    units = {"beta": "deg"}
    params = {n: Estimate(float(result.x[i]), float(se[i]), units.get(n, "Å")) for i, n in enumerate(names)}
    zero = Estimate(float(result.x[-1]), float(se[-1]), "deg") if zero_shift else None
    return LatticeFit(system, params, zero, result.fun * err, redchi, wavelength)


def scherrer_size(fwhm, two_theta, wavelength=CU_KA1, instrument_fwhm=0.0, k=SCHERRER_K,
                  correction="quadratic"):
    """Crystallite size (nm) from a peak's FWHM (deg; Estimate or float) at ``two_theta`` (deg).

    ``L = K λ / (β cos θ)`` with K = 0.9 and β the sample breadth in radians, corrected for the
    instrument FWHM: ``β² = B² - b²`` (``"quadratic"``, Gaussian lines) or ``β = B - b``
    (``"linear"``, Lorentzian). The standard error propagates that of ``fwhm``.
    """
    value = float(fwhm)
    stderr = getattr(fwhm, "stderr", 0.0)
    b = float(instrument_fwhm)
    if correction == "quadratic":
        beta = math.sqrt(max(value ** 2 - b ** 2, 0.0))
        dbeta = value / beta * stderr if beta > 0 else math.inf
    elif correction == "linear":
        beta, dbeta = value - b, stderr
    else:
        raise ValueError("correction must be 'quadratic' or 'linear'")
    if beta <= 0:
        raise ValueError(f"peak FWHM {value} deg is not larger than the instrument's {b} deg")
    cos = math.cos(math.radians(float(two_theta)) / 2)
    size = k * wavelength / (math.radians(beta) * cos) / 10
    return Estimate(size, size * dbeta / beta, "nm")


def d_from_peak(position, wavelength=CU_KA1):
    """d-spacing (Å) of a fitted peak position (Estimate, deg 2θ) with its propagated standard error:
    σ_d = d cot θ σ_θ (σ_θ = σ_2θ / 2, radians)."""
    d = float(d_from_two_theta(position.value, wavelength))
    theta = math.radians(position.value / 2)
    return Estimate(d, d / math.tan(theta) * math.radians(position.stderr / 2), "Å")
