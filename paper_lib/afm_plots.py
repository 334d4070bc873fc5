"""Panels of the AFM part of Figure 4: topography with a profile line, height profiles, modulus maps
and modulus histograms.

Inputs are those of :mod:`paper_lib.afm`: height images in m on ``x``, ``y`` (m), profiles over
``distance`` (m), modulus maps in GPa. Images are drawn with x, y in um and heights in nm.
"""

import numpy as np


def _extent_um(da):
    """imshow extent (um) of an image on pixel-centre coordinates ``x``, ``y`` (m), y downwards."""
    x, y = da.x.values * 1e6, da.y.values * 1e6
    dx, dy = (x[1] - x[0]) / 2, (y[1] - y[0]) / 2
    return (x[0] - dx, x[-1] + dx, y[-1] + dy, y[0] - dy)


def _image(ax, values, da, *, cmap, label, vmin=None, vmax=None, colorbar=True):
    image = ax.imshow(values, extent=_extent_um(da), origin="upper", cmap=cmap, vmin=vmin, vmax=vmax,
                      interpolation="nearest")
    ax.set_xlabel("x / µm")
    ax.set_ylabel("y / µm")
    bar = ax.figure.colorbar(image, ax=ax, label=label, fraction=0.046, pad=0.04) if colorbar else None
    return image, bar


def topography(ax, height, *, line=None, vmin=None, vmax=None, cmap="afmhot", colorbar=True):
    """Height image (colour bar in nm) of a levelled image (m); ``line`` ((x0, y0), (x1, y1)) in m is
    drawn as the profile's path. Returns the image and the colour bar."""
    result = _image(ax, height.values * 1e9, height, cmap=cmap, label="height / nm", vmin=vmin, vmax=vmax,
                    colorbar=colorbar)
    if line is not None:
        (x0, y0), (x1, y1) = line
        ax.plot([x0 * 1e6, x1 * 1e6], [y0 * 1e6, y1 * 1e6], color="c", lw=1.0)
        ax.plot([x0 * 1e6], [y0 * 1e6], "o", color="c", ms=3)
    return result


def height_profile(ax, profile, *, label=None, color="k", offset_nm=0.0):
    """Height (nm) along a profile of :func:`paper_lib.afm.profile` over distance (um)."""
    (handle,) = ax.plot(profile.distance.values * 1e6, profile.values * 1e9 + offset_nm, color=color, lw=1.0,
                        label=label)
    ax.set_xlabel("distance / µm")
    ax.set_ylabel("height / nm")
    return handle


def modulus_map(ax, modulus, *, vmin=None, vmax=None, cmap="viridis", colorbar=True):
    """Young's modulus map (GPa, flagged pixels blank) of :func:`paper_lib.afm.modulus_map`."""
    return _image(ax, modulus.values, modulus, cmap=cmap, label="Young's modulus / GPa", vmin=vmin, vmax=vmax,
                  colorbar=colorbar)


def modulus_histogram(ax, maps, *, colors=None, bins=None, means=None):
    """Histograms of the moduli (GPa) of several cells, ``maps`` {label: DataArray}; a dashed line at
    each mean (``means`` {label: Estimate}, else the arithmetic mean). Returns the bin edges."""
    values = {label: np.asarray(m, float)[np.isfinite(np.asarray(m, float))] for label, m in maps.items()}
    top = max(v.max() for v in values.values())
    edges = np.linspace(0.0, top * 1.05, 31) if bins is None else np.asarray(bins)
    colors = colors or [f"C{i}" for i in range(len(values))]
    for (label, v), color in zip(values.items(), colors):
        mean = float(means[label].value) if means and label in means else float(v.mean())
        ax.hist(v, bins=edges, color=color, alpha=0.55, label=f"{label} (mean {mean:.1f} GPa)")
        ax.axvline(mean, color=color, ls="--", lw=1.0)
    ax.set_xlabel("Young's modulus / GPa")
    ax.set_ylabel("number of curves")
    ax.legend(frameon=False)
    return edges
