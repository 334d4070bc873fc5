"""Panels of the DFT figures: atomic models, charge-density differences, DOS and dipoles (matplotlib).

Every function draws on a given axes and labels its axes with units. Positions in Å, densities in
e/Å^3, energies in eV, DOS in states/eV, dipoles in D.
"""

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

COLORS = {"Li": "#b57edc", "B": "#f4a3a3", "N": "#3050f8", "H": "#e8e8e8", "C": "#707070", "O": "#ff2010"}
SIZES = {"Li": 34, "B": 26, "N": 26, "H": 10}
AXES = "xyz"
LINE_COLORS = {"B": "C0", "H": "C1", "N": "C2", "Li": "C5"}  # element PDOS lines (the style's colour cycle)
ACCUMULATION, DEPLETION = "#f2c200", "#26b8d9"  # the usual yellow / cyan isosurface colours


def _coords(atoms, plane):
    i, j = (AXES.index(a) for a in plane)
    pos = atoms.get_positions(wrap=bool(atoms.pbc.any()))
    return pos[:, i], pos[:, j], np.delete(pos, [i, j], axis=1)[:, 0]


def atoms_projection(ax, atoms, plane="xz", *, bonds=1.8, size=1.0, cell=True):
    """``atoms`` seen along the axis not in ``plane`` (deepest drawn first), bonds shorter than
    ``bonds`` Å as grey lines, the cell outline dashed; equal aspect, axes in Å."""
    u, v, depth = _coords(atoms, plane)
    symbols = np.array(atoms.get_chemical_symbols())
    if bonds:
        pos = np.column_stack([u, v, depth])
        d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
        for a, b in zip(*np.nonzero(np.triu((d > 0) & (d < bonds)))):
            pair = {symbols[a], symbols[b]}
            if pair == {"H"} or ("Li" in pair and "N" not in pair):  # contacts, not bonds
                continue
            ax.plot([u[a], u[b]], [v[a], v[b]], color="0.55", lw=0.6, zorder=1)
    for k in np.argsort(depth):
        ax.scatter(u[k], v[k], s=SIZES.get(symbols[k], 20) * size, color=COLORS.get(symbols[k], "0.5"),
                   edgecolors="0.25", linewidths=0.4, zorder=2)
    if cell and atoms.cell.rank == 3:
        lu, lv = (atoms.cell.lengths()[AXES.index(a)] for a in plane)
        ax.plot([0, lu, lu, 0, 0], [0, 0, lv, lv, 0], ls="--", lw=0.6, color="0.4", zorder=0)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{plane[0]} / Å")
    ax.set_ylabel(f"{plane[1]} / Å")


def element_legend(ax, elements, **kwargs):
    """A legend of element colours."""
    handles = [Line2D([], [], ls="", marker="o", ms=5, mfc=COLORS.get(e, "0.5"), mec="0.25", mew=0.4, label=e)
               for e in elements]
    return ax.legend(handles=handles, **kwargs)


def density_isosurfaces(ax, projection, level, atoms=None, *, note=None):
    """A density projection (``paper_lib.dft.density_projection``, e/Å^3) as filled contours beyond
    ±``level``: accumulation yellow, depletion cyan, as isosurfaces seen along the projection axis;
    the cell's atoms over it (small). The last dimension of ``projection`` runs horizontally."""
    vert, horiz = projection.dims
    h, v, values = _smooth(projection[horiz].values, projection[vert].values, projection.transpose(vert, horiz).values)
    top = max(float(np.abs(values).max()), 2 * level)
    ax.contourf(h, v, values, levels=[-2 * top, -level, level, 2 * top], colors=[DEPLETION, "none", ACCUMULATION],
                zorder=1)
    ax.contour(h, v, values, levels=[-level, level], colors=["#137a91", "#a88600"], linewidths=0.5, zorder=2)
    if atoms is not None:
        u, v, _ = _coords(atoms, horiz + vert)
        symbols = atoms.get_chemical_symbols()
        ax.scatter(u, v, s=[0.35 * SIZES.get(s, 20) for s in symbols], c=[COLORS.get(s, "0.5") for s in symbols],
                   edgecolors="0.3", linewidths=0.3, zorder=3)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{horiz} / Å")
    ax.set_ylabel(f"{vert} / Å")
    if note:
        ax.text(0.01, 0.97, note, transform=ax.transAxes, va="top", fontsize=7,
                bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1.5}, zorder=4)


def _smooth(h, v, values, factor=4):
    """A periodic grid resampled ``factor`` times finer by cubic splines (for drawing only); the
    coordinates (Å) extended to the cell edge."""
    from scipy.ndimage import zoom

    fine = zoom(values, factor, order=3, mode="grid-wrap", grid_mode=True)
    step_h, step_v = (h[1] - h[0]) / factor, (v[1] - v[0]) / factor
    return np.arange(fine.shape[1]) * step_h, np.arange(fine.shape[0]) * step_v, fine


def isosurface_legend(ax, level, **kwargs):
    """Legend of the two isosurface colours at ±``level`` (e/Å^3)."""
    handles = [Patch(fc=ACCUMULATION, ec="#a88600", lw=0.5, label=f"+{level:.0e} e/Å³"),
               Patch(fc=DEPLETION, ec="#137a91", lw=0.5, label=f"−{level:.0e} e/Å³")]
    return ax.legend(handles=handles, **kwargs)


def dos_panel(ax, total, parts, *, xlim=None, title=None, window=None, scale_total=1.0):
    """Total DOS (grey, filled, times ``scale_total``) and the ``parts`` {label: DataArray} (states/eV)
    against E − E_F (eV); ``window`` (lo, hi) shaded; E_F dotted."""
    e = total["energy"].values
    ax.fill_between(e, 0, scale_total * total.values, color="0.85", lw=0,
                    label="TDOS" + (f" × {scale_total:g}" if scale_total != 1 else ""))
    for k, (label, da) in enumerate(parts.items()):
        ax.plot(da["energy"].values, da.values, lw=0.9, color=LINE_COLORS.get(label, f"C{k + 6}"), label=label)
    if window is not None:
        ax.axvspan(*window, color="C3", alpha=0.12, lw=0)
    ax.axvline(0.0, color="0.3", ls=":", lw=0.7)
    ax.set_xlim(*(xlim or (e[0], e[-1])))
    ax.set_ylim(bottom=0)
    ax.set_xlabel("E − E$_F$ / eV")
    ax.set_ylabel("DOS / states eV$^{-1}$")
    if title:
        ax.set_title(title, fontsize=8)


def compare_bh4(ax, curves, *, window=None, xlim=None, shifts=None):
    """[BH4] PDOS per unit of several samples {label: DataArray} (states/eV), the new-states window
    shaded, the shifts (eV) in the legend."""
    for k, (label, da) in enumerate(curves.items()):
        text = label if not shifts or label not in shifts else f"{label} ({shifts[label]:+.2f} eV)"
        ax.plot(da["energy"].values, da.values, lw=1.0, color=f"C{k}", label=text)
    if window is not None:
        ax.axvspan(*window, color="C3", alpha=0.15, lw=0, label=f"new states {window[0]:.2f} to {window[1]:.2f} eV")
    ax.axvline(0.0, color="0.3", ls=":", lw=0.7)
    if xlim:
        ax.set_xlim(*xlim)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("E − E$_F$ / eV")
    ax.set_ylabel("[BH$_4$] PDOS / states eV$^{-1}$ unit$^{-1}$")


def dipole_sketch(ax, atoms, vector, *, plane="xz", label=None, arrow_scale=0.35):
    """A molecule seen along the axis not in ``plane`` with its dipole arrow (length ``arrow_scale``
    Å per D) through the centre of nuclear charge. The arrow points from − to + (physics convention)."""
    atoms_projection(ax, atoms, plane, bonds=2.1, size=3.0, cell=False)
    z = atoms.numbers[:, None]
    centre = (z * atoms.positions).sum(axis=0) / z.sum()
    i, j = (AXES.index(a) for a in plane)
    vec = np.asarray(vector, float)[[i, j]] * arrow_scale
    start = centre[[i, j]] - vec / 2
    ax.annotate("", xy=start + vec, xytext=start, zorder=5,
                arrowprops={"arrowstyle": "-|>", "color": "C3", "lw": 1.6, "mutation_scale": 12})
    ends = np.vstack([np.column_stack(_coords(atoms, plane)[:2]), start, start + vec])
    middle, half = 0.5 * (ends.max(0) + ends.min(0)), 0.5 * float((ends.max(0) - ends.min(0)).max()) + 0.8
    ax.set_xlim(middle[0] - half, middle[0] + half)
    ax.set_ylim(middle[1] - half, middle[1] + half)
    if label:
        ax.set_title(label, fontsize=7.5)


def energy_levels(ax, energies, n_units, *, unit="LiNBH"):
    """Total energies {label: eV per cell} as levels, the per-``unit`` scale (eV) on the right axis
    (``n_units`` formula units per cell) and the difference of the last to the first as an arrow."""
    labels, values = list(energies), list(energies.values())
    for k, (label, e) in enumerate(zip(labels, values)):
        ax.plot([k - 0.3, k + 0.3], [e, e], color=f"C{k}", lw=2.2)
        ax.text(k, e, f"{e:.2f} eV\n({e / n_units:.4f} eV/{unit})", ha="center", va="bottom", fontsize=7)
    if len(values) > 1:
        x = len(values) - 1.5
        ax.annotate("", xy=(x, values[-1]), xytext=(x, values[0]),
                    arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 0.9, "shrinkA": 0, "shrinkB": 0})
        diff = values[-1] - values[0]
        ax.text(x + 0.06, 0.5 * (values[0] + values[-1]), f"ΔE = {diff:.2f} eV\n= {diff / n_units:.4f} eV/{unit}",
                ha="left", va="center", fontsize=7)
    span = max(values) - min(values) or 1.0
    ax.set_ylim(min(values) - 0.35 * span, max(values) + 0.45 * span)
    ax.set_xlim(-0.6, len(values) - 0.4)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel("total energy / eV per cell")
    right = ax.secondary_yaxis("right", functions=(lambda e: e / n_units, lambda e: e * n_units))
    right.set_ylabel(f"total energy / eV per {unit}")
