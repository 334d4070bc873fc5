"""Migration barriers from nudged-elastic-band (NEB) paths (energies in eV, distances in Å).

Input: an NEB Dataset from :func:`paper_lib.readers.structures.read_neb` (dimension ``image``,
coordinate ``reaction_coordinate``, variables ``energy`` and optionally ``tangent_force``).

Two estimates of the forward barrier E(saddle) − E(initial) and the reverse barrier
E(saddle) − E(final):

* **images** (the article's method): the saddle energy is the highest image energy. Given the image
  energies this number is exact (no fitting), which is why it carries no statistical error.
* **spline**: the saddle energy is the maximum of a smooth curve through the images. With tangent
  forces, the curve is the piecewise cubic Hermite interpolant of the energies with slopes
  dE/ds = −F·τ at every image (the fit of ``ase.mep.NEBTools.get_barrier(fit=True)``); without forces,
  a cubic spline of the energies with zero slope at both end images (they are minima).

**Interpolation uncertainty**: the true saddle generally lies between images, so the image maximum
underestimates it. The difference spline − images (≥ 0 when the spline is well behaved) is reported as
the interpolation uncertainty of the image-based barrier: it is how much the article's number may
change with a denser band, not a statistical error.
"""

from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.interpolate import CubicHermiteSpline, CubicSpline

from .schema import check_dataset, variable


@dataclass(frozen=True)
class NebBarrier:
    """Barriers of one NEB band (eV) and the smooth energy curve (for plotting)."""

    forward_images: float       # max image − initial image (article's method; exact given the energies)
    reverse_images: float       # max image − final image
    forward_spline: float       # spline maximum − initial image
    reverse_spline: float       # spline maximum − final image
    interpolation_uncertainty: float  # forward_spline − forward_images (eV)
    saddle_image: int           # index of the highest image
    saddle_coordinate: float    # reaction coordinate of the spline maximum (Å)
    reaction_energy: float      # E(final) − E(initial) (eV)
    method: str                 # "hermite (tangent forces)" or "cubic spline (energies only)"
    curve: xr.Dataset           # smooth relative energy (eV) vs reaction_coordinate (Å)

    @property
    def barrier_images(self) -> float:
        """The article's barrier: highest image above the initial image (eV)."""
        return self.forward_images

    @property
    def forward(self) -> float:
        """Alias of :attr:`forward_images`, the article's definition (eV)."""
        return self.forward_images

    @property
    def reverse(self) -> float:
        """Alias of :attr:`reverse_images` (eV)."""
        return self.reverse_images


def spline(ds):
    """The smooth curve E(s) − E(image 0) (eV) through the images of ``ds`` as a scipy piecewise
    polynomial in the reaction coordinate s (Å), and the method name."""
    check_dataset(ds, "neb")
    s = np.asarray(ds["reaction_coordinate"].values, float)
    e = np.asarray(ds["energy"].values, float)
    e = e - e[0]
    if np.any(np.diff(s) <= 0):
        raise ValueError("the reaction coordinate must increase strictly from image to image")
    if "tangent_force" in ds:
        return CubicHermiteSpline(s, e, -np.asarray(ds["tangent_force"].values, float)), "hermite (tangent forces)"
    return CubicSpline(s, e, bc_type="clamped"), "cubic spline (energies only)"


def barriers(ds, points=400) -> NebBarrier:
    """Forward and reverse barriers (eV) of the band ``ds`` by both methods (module docstring), with
    the smooth curve sampled at ``points`` reaction coordinates."""
    curve_fn, method = spline(ds)
    s = np.asarray(ds["reaction_coordinate"].values, float)
    e = np.asarray(ds["energy"].values, float)
    rel = e - e[0]
    top = int(np.argmax(rel))
    # exact maximum of the piecewise cubic: images and the roots of its derivative
    candidates = np.concatenate([s, curve_fn.derivative().roots(extrapolate=False)])
    candidates = candidates[np.isfinite(candidates) & (candidates >= s[0]) & (candidates <= s[-1])]
    values = curve_fn(candidates)
    k = int(np.argmax(values))
    e_max_spline = float(max(values[k], rel[top]))
    saddle_s = float(candidates[k]) if values[k] >= rel[top] else float(s[top])
    grid = np.linspace(s[0], s[-1], points)
    curve = xr.Dataset(
        {"relative_energy": variable("reaction_coordinate", curve_fn(grid), "eV",
                                     f"interpolated energy relative to image 0 ({method})")},
        coords={"reaction_coordinate": variable("reaction_coordinate", grid, "Å", "reaction coordinate")})
    return NebBarrier(
        forward_images=float(rel[top]), reverse_images=float(rel[top] - rel[-1]),
        forward_spline=e_max_spline, reverse_spline=float(e_max_spline - rel[-1]),
        interpolation_uncertainty=float(e_max_spline - rel[top]), saddle_image=top,
        saddle_coordinate=saddle_s, reaction_energy=float(rel[-1]), method=method, curve=curve)


def ase_barrier(images, fit=True) -> float:
    """Forward barrier (eV) by ``ase.mep.NEBTools(images).get_barrier(fit=fit)``, for cross-checks.

    Caveat: ase builds the path tangent from raw position differences (no minimum image), so for a
    band whose moving atom crosses the cell boundary in the stored (wrapped) coordinates its fitted
    barrier is wrong; :func:`barriers` uses minimum-image tangents throughout."""
    from ase.mep import NEBTools

    return float(NEBTools(images).get_barrier(fit=fit)[0])
