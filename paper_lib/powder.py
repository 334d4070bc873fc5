"""X-ray powder patterns computed from crystal structures: reflections, line profiles, Bragg's law.

Angles are 2θ in degrees, d-spacings and wavelengths in Å, sizes in nm.

Powder pattern from a crystal structure (:func:`reflections`, :func:`profile`)
    The CIF is read with gemmi (``gemmi.read_small_structure``). All ``hkl`` with
    ``d >= λ / (2 sin(θmax))`` are enumerated, systematic absences of the space group removed, and
    symmetry equivalents (the Laue class: point-group operations plus Friedel pairs) merged into one
    reflection with its multiplicity ``m``. Structure factors ``F`` use gemmi's X-ray form factors
    (``StructureFactorCalculatorX`` on the SmallStructure, isotropic displacement parameters of the
    CIF; occupancies converted to crystallographic ones so that special positions are not counted
    twice). The integrated intensity is ``I = m |F|² LP(θ) P`` with the Lorentz–polarisation factor of
    Bragg–Brentano geometry ``LP = (1 + cos²2θ cos²2θm) / ((1 + cos²2θm) sin²θ cos θ)`` (``2θm = 0``:
    no monochromator, the default) and ``P`` the March–Dollase factor when a preferred orientation is
    given: ``P = mean over the equivalents of (r² cos²α + sin²α / r)^(-3/2)``, α the angle between
    the reflection's normal and the preferred direction (``r < 1``: platelets with that normal lying
    flat, which enhances reflections near the direction; ``r = 1``: random). A structure without
    atoms (e.g. ``LiNH2BH3_Pbca_lattice.cif``, whose positions were not verified) gets ``|F|² = 1``:
    positions and extinctions are right, intensities are a generic multiplicity × LP profile only.
    :func:`profile` renders pseudo-Voigt lines (area ``I``) for Cu Kα1 (1.5406 Å) and Kα2
    (1.5444 Å, half the Kα1 intensity); FWHM = sqrt(H_instrument² + H_size²), with
    ``H_size = K λ / (L cos θ)`` (Scherrer, K = 0.9).

Bragg's law and d-spacings
    :func:`d_spacing` (gemmi ``UnitCell.calculate_d``, any crystal system), :func:`two_theta_from_d` and
    :func:`d_from_two_theta` (Bragg's law); Cu Kα wavelengths :data:`CU_KA1`, :data:`CU_KA2`.

For figure notebooks: :func:`reference_tables` (the shipped structures), :func:`nearest_reflections`,
:func:`hkl_label`.

Lattice refinement and crystallite size from peaks: :mod:`paper_lib.lattice`; analysis of measured
patterns: :mod:`paper_lib.xrd`.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

CU_KA1 = 1.5406  # Å
CU_KA2 = 1.5444  # Å
KA2_RATIO = 0.5  # I(Kα2) / I(Kα1)
SCHERRER_K = 0.9
STRUCTURES = Path(__file__).resolve().parents[1] / "data" / "structures"
REFERENCE_CIFS = {"LiBH4": "LiBH4_Pnma.cif", "LiNH2BH3": "LiNH2BH3_Pbca_lattice.cif",
                  "LiBH4 (P6_3mc)": "LiBH4_P63mc.cif"}


# ----------------------------------------------------------------------------------------- Bragg
def two_theta_from_d(d, wavelength=CU_KA1):
    """2θ (deg) of spacing ``d`` (Å) at ``wavelength`` (Å); NaN where ``d < λ/2``."""
    s = wavelength / (2 * np.asarray(d, dtype=float))
    with np.errstate(invalid="ignore"):
        return np.degrees(2 * np.arcsin(np.where(s <= 1, s, np.nan)))


def d_from_two_theta(two_theta, wavelength=CU_KA1):
    """d-spacing (Å) of a reflection at ``two_theta`` (deg)."""
    return wavelength / (2 * np.sin(np.radians(np.asarray(two_theta, dtype=float)) / 2))


def _cell(cell):
    import gemmi

    if isinstance(cell, gemmi.UnitCell):
        return cell
    if hasattr(cell, "cell"):
        return cell.cell
    return gemmi.UnitCell(*cell)


def d_spacing(cell, hkl):
    """d (Å) of ``hkl`` for ``cell``: a gemmi.UnitCell, a structure, or (a, b, c, α, β, γ) in Å/deg."""
    return float(_cell(cell).calculate_d(list(map(int, hkl))))


# ----------------------------------------------------------------------------- reference patterns
def load_structure(path):
    """A ``gemmi.SmallStructure`` from a CIF; ``"LiBH4"``/``"LiNH2BH3"`` name the shipped ones."""
    import gemmi

    path = STRUCTURES / REFERENCE_CIFS[path] if path in REFERENCE_CIFS else Path(path)
    structure = gemmi.read_small_structure(str(path))
    if structure.spacegroup is None:
        raise ValueError(f"{path.name}: no space group in the CIF")
    structure.setup_cell_images()
    # gemmi sums every site over all symmetry operations: a site on a special position (e.g. 4c on
    # the mirror of Pnma) must carry occupancy / (number of operations mapping it onto itself)
    structure.change_occupancies_to_crystallographic()
    return structure


def lorentz_polarisation(two_theta, monochromator_two_theta=0.0):
    """Bragg–Brentano Lorentz–polarisation factor at ``two_theta`` (deg), monochromator angle in deg."""
    tt = np.radians(np.asarray(two_theta, dtype=float))
    c2m = math.cos(math.radians(monochromator_two_theta)) ** 2
    return (1 + np.cos(tt) ** 2 * c2m) / ((1 + c2m) * np.sin(tt / 2) ** 2 * np.cos(tt / 2))


def march_dollase(r, cos_alpha):
    """March–Dollase factor ``(r² cos²α + sin²α / r)^(-3/2)`` (1 for r = 1)."""
    c2 = np.asarray(cos_alpha, dtype=float) ** 2
    return (r ** 2 * c2 + (1 - c2) / r) ** -1.5


def _equivalents(ops, hkl):
    eq = set()
    for op in ops.sym_ops:
        h = tuple(op.apply_to_hkl(list(hkl)))
        eq.add(h)
        eq.add(tuple(-x for x in h))
    return eq


def reflections(structure, two_theta_max=80.0, wavelength=CU_KA1, two_theta_min=2.0, texture=None,
                monochromator_two_theta=0.0):
    """Table of the reflections of ``structure`` (a SmallStructure, a CIF path or a shipped name).

    Columns: ``h k l`` (one representative), ``d`` (Å), ``two_theta`` (deg, at ``wavelength``),
    ``multiplicity``, ``F2`` (|F|², electrons²), ``lp``, ``texture`` (March–Dollase factor),
    ``intensity`` (m |F|² LP P, arbitrary units) and ``relative`` (percent of the strongest).
    ``texture``: ``(hkl, r)``, the preferred direction as the normal of plane ``hkl`` and the
    March–Dollase ratio ``r``. ``attrs["generic_intensity"]`` is True for a structure without atoms.
    """
    import gemmi

    if not isinstance(structure, gemmi.SmallStructure):
        structure = load_structure(structure)
    cell = structure.cell
    ops = structure.spacegroup.operations()
    d_min = wavelength / (2 * math.sin(math.radians(two_theta_max) / 2))
    limits = [int(math.ceil(length / d_min)) for length in (cell.a, cell.b, cell.c)]
    seen, rows = set(), []
    calc = gemmi.StructureFactorCalculatorX(cell)
    generic = len(structure.sites) == 0
    frac = np.array(cell.frac.mat.tolist())
    pole = None
    if texture is not None:
        pole = frac.T @ np.asarray(texture[0], dtype=float)
        pole /= np.linalg.norm(pole)
    for h in range(-limits[0], limits[0] + 1):
        for k in range(-limits[1], limits[1] + 1):
            for l in range(-limits[2], limits[2] + 1):
                if (h, k, l) == (0, 0, 0) or (h, k, l) in seen:
                    continue
                d = cell.calculate_d([h, k, l])
                if d < d_min:
                    continue
                eq = _equivalents(ops, (h, k, l))
                seen |= eq
                if ops.is_systematically_absent([h, k, l]):
                    continue
                rep = max(eq, key=lambda t: (t[0] >= 0 and t[1] >= 0 and t[2] >= 0, t))
                tt = float(two_theta_from_d(d, wavelength))
                if not two_theta_min <= tt <= two_theta_max:
                    continue
                f2 = 1.0 if generic else abs(calc.calculate_sf_from_small_structure(structure, list(rep))) ** 2
                rows.append({"h": rep[0], "k": rep[1], "l": rep[2], "d": d, "two_theta": tt,
                             "multiplicity": len(eq), "F2": f2})
    table = pd.DataFrame(rows, columns=["h", "k", "l", "d", "two_theta", "multiplicity", "F2"])
    table["lp"] = lorentz_polarisation(table["two_theta"], monochromator_two_theta)
    table["texture"] = 1.0
    if pole is not None:
        table["texture"] = [_texture_factor(frac, pole, ops, r, texture[1]) for r in table.itertuples()]
    table["intensity"] = table["multiplicity"] * table["F2"] * table["lp"] * table["texture"]
    table = table[table["intensity"] > 1e-9 * table["intensity"].max()]
    table = table.sort_values("two_theta", kind="stable").reset_index(drop=True)
    table["relative"] = 100 * table["intensity"] / table["intensity"].max()
    table.attrs.update(generic_intensity=generic, wavelength_A=wavelength, name=structure.name,
                       texture=None if texture is None else [list(texture[0]), float(texture[1])])
    return table


def _texture_factor(frac, pole, ops, row, r):
    eq = _equivalents(ops, (row.h, row.k, row.l))
    vectors = np.array([frac.T @ np.array(e, dtype=float) for e in eq])
    cosines = vectors @ pole / np.linalg.norm(vectors, axis=1)
    return float(np.mean(march_dollase(r, cosines)))


def hkl_label(row):
    """'(101)' style label of a reflection row (negative indices with a leading minus)."""
    return "(" + "".join(str(int(getattr(row, c) if hasattr(row, c) else row[c])) for c in "hkl") + ")"


def pseudo_voigt(x, center, fwhm, eta=0.5, area=1.0):
    """Area-normalised pseudo-Voigt (x, center, fwhm in the same units) times ``area``."""
    x = np.asarray(x, dtype=float)
    sigma = fwhm / (2 * math.sqrt(2 * math.log(2)))
    gauss = np.exp(-0.5 * ((x - center) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    lorentz = (fwhm / 2) / math.pi / ((x - center) ** 2 + (fwhm / 2) ** 2)
    return area * ((1 - eta) * gauss + eta * lorentz)


def line_fwhm(two_theta, fwhm_instrument=0.08, size_nm=None, wavelength=CU_KA1, k=SCHERRER_K):
    """FWHM (deg) at ``two_theta``: instrument (deg, or Caglioti (U, V, W) in deg²) and Scherrer size."""
    tt = np.asarray(two_theta, dtype=float)
    if np.ndim(fwhm_instrument) == 1 and len(fwhm_instrument) == 3:
        u, v, w = fwhm_instrument
        tan = np.tan(np.radians(tt) / 2)
        inst = np.sqrt(np.maximum(u * tan ** 2 + v * tan + w, 1e-8))
    else:
        inst = np.full_like(tt, float(fwhm_instrument))
    if size_nm is None:
        return inst
    size = np.degrees(k * wavelength / (10 * size_nm * np.cos(np.radians(tt) / 2)))
    return np.sqrt(inst ** 2 + size ** 2)


def profile(table, two_theta, fwhm_instrument=0.08, size_nm=None, eta=0.5, kalpha2=True,
            wavelengths=(CU_KA1, CU_KA2), ka2_ratio=KA2_RATIO, name="intensity"):
    """Continuous pattern (DataArray on ``two_theta``, deg) from a :func:`reflections` table.

    Pseudo-Voigt lines of area ``intensity`` (Lorentzian fraction ``eta``) and FWHM from
    :func:`line_fwhm`; with ``kalpha2`` every line is repeated at the Kα2 angle of its ``d`` with
    ``ka2_ratio`` of its area. Normalised to a maximum of 1.
    """
    x = np.asarray(two_theta, dtype=float)
    y = np.zeros_like(x)
    lines = [(wavelengths[0], 1.0)] + ([(wavelengths[1], ka2_ratio)] if kalpha2 else [])
    for wavelength, weight in lines:
        centers = two_theta_from_d(table["d"].values, wavelength)
        widths = line_fwhm(centers, fwhm_instrument, size_nm, wavelength)
        for c, w, a in zip(centers, widths, table["intensity"].values):
            if np.isfinite(c) and x.min() - 10 * w < c < x.max() + 10 * w:
                y += pseudo_voigt(x, c, w, eta, weight * a)
    y = y / y.max() if y.max() > 0 else y
    return xr.DataArray(y, coords={"two_theta": ("two_theta", x, {"units": "deg", "long_name": "diffraction angle 2θ"})},
                        dims="two_theta", name=name, attrs={"units": "1", "long_name": "computed intensity (max 1)"})


def reference_tables(two_theta_max=80.0, wavelength=CU_KA1, names=("LiBH4", "LiNH2BH3")):
    """``{name: reflections table}`` of the shipped reference structures (Figures 1b, 1d, S2, S6)."""
    return {name: reflections(name, two_theta_max, wavelength) for name in names}


def nearest_reflections(table, two_theta, n=3, min_relative=0.0):
    """The ``n`` reflections of ``table`` closest to ``two_theta`` (deg), with ``delta`` = line - value."""
    t = table[table["relative"] >= min_relative].copy()
    t["delta"] = t["two_theta"] - float(two_theta)
    return t.reindex(t["delta"].abs().sort_values(kind="stable").index).head(n).reset_index(drop=True)
