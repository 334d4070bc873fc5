"""Ionic conductivity of a pellet from its electrolyte resistance: sigma = L / (R A).

Units: thickness in mm, area in cm2, resistance in ohm, conductivity in S/cm.
"""

import numpy as np

from . import eis
from .schema import make_dataset, variable


def conductivity(resistance, thickness_mm, area_cm2, resistance_stderr=0.0, thickness_stderr_mm=0.0,
                 area_stderr_cm2=0.0):
    """``(sigma, stderr)`` in S/cm: sigma = (thickness_mm/10) / (R area_cm2), relative uncertainties of
    R, thickness and area added in quadrature."""
    r = np.asarray(resistance, float)
    sigma = (np.asarray(thickness_mm, float) / 10.0) / (r * np.asarray(area_cm2, float))
    rel = np.sqrt((np.asarray(resistance_stderr, float) / r) ** 2
                  + (np.asarray(thickness_stderr_mm, float) / np.asarray(thickness_mm, float)) ** 2
                  + (np.asarray(area_stderr_cm2, float) / np.asarray(area_cm2, float)) ** 2)
    return sigma, sigma * rel


def conductivity_vs_temperature(datasets, *, model="auto", thickness_stderr_mm=0.0, area_stderr_cm2=0.0,
                                return_fits=False):
    """Fit every spectrum of one pellet and tabulate its conductivity vs temperature.

    ``datasets``: EIS Datasets whose ``attrs`` carry ``temperature_C``, ``thickness_mm``, ``area_cm2``
    and ``sample`` (as :func:`paper_lib.readers.read` puts them from the manifest); an optional
    ``lead_resistance_ohm`` is subtracted as the known series resistance of the leads.
    Returns a Dataset on ``temperature`` (degC, sorted) with ``resistance`` (ohm), ``resistance_stderr``,
    ``conductivity`` (S/cm), ``conductivity_stderr``, ``fit_model`` and ``fit_residual_p90`` (the
    residual check of :func:`paper_lib.eis.residual_check`); with ``return_fits`` also the
    list of :class:`paper_lib.eis.FitResult` in the same order.
    """
    rows = []
    for ds in datasets:
        attrs = ds.attrs
        for key in ("temperature_C", "thickness_mm", "area_cm2"):
            if key not in attrs:
                raise ValueError(f"dataset {attrs.get('measurement', attrs.get('source_file', '?'))} lacks attrs['{key}']")
        fit = eis.fit_spectrum(ds, model=model, r_series=attrs.get("lead_resistance_ohm"))
        sigma, sigma_se = conductivity(fit.r_electrolyte, attrs["thickness_mm"], attrs["area_cm2"],
                                       fit.r_electrolyte_stderr, thickness_stderr_mm, area_stderr_cm2)
        rows.append((float(attrs["temperature_C"]), fit, float(sigma), float(sigma_se), attrs))
    if not rows:
        raise ValueError("no spectra given")
    rows.sort(key=lambda row: row[0])
    temps = [row[0] for row in rows]
    if len(set(temps)) != len(temps):
        raise ValueError(f"two spectra at the same temperature: {temps}")
    samples = sorted({str(row[4].get("sample", "")) for row in rows})
    t = ("temperature",)
    out = make_dataset(
        {"resistance": variable(t, [r[1].r_electrolyte for r in rows], "ohm", "electrolyte resistance"),
         "resistance_stderr": variable(t, [r[1].r_electrolyte_stderr for r in rows], "ohm",
                                       "standard error of the electrolyte resistance"),
         "conductivity": variable(t, [r[2] for r in rows], "S/cm", "ionic conductivity"),
         "conductivity_stderr": variable(t, [r[3] for r in rows], "S/cm", "standard error of the conductivity"),
         "thickness": variable(t, [r[4]["thickness_mm"] for r in rows], "mm", "pellet thickness"),
         "fit_model": variable(t, [r[1].model for r in rows], "1", "equivalent circuit chosen"),
         "fit_residual_p90": variable(t, [eis.residual_check(r[1]).p90 for r in rows], "1",
                                      "90th percentile of the fit's relative residuals (flagged above "
                                      f"{eis.RESIDUAL_P90_LIMIT:g})")},
        {"temperature": variable(t, temps, "degC", "temperature")},
        {"sample": ", ".join(samples), "area_cm2": float(rows[0][4]["area_cm2"]),
         "method": "sigma = L/(R A), R = electrolyte resistance of the equivalent-circuit fit (paper_lib.eis)",
         "source_files": ", ".join(str(r[4].get("source_file", "")) for r in rows),
         "source_sha256": ", ".join(str(r[4].get("sha256", "")) for r in rows)})
    return (out, [r[1] for r in rows]) if return_fits else out


def sample_table(manifest, sample, **kwargs):
    """:func:`conductivity_vs_temperature` of every EIS measurement of ``sample`` in a loaded manifest."""
    from .readers import read

    items = manifest.select(kind="eis", sample=sample)
    if not items:
        from .errors import InputError

        raise InputError(manifest.path, f"no 'eis' measurement of sample {sample!r}; samples: {manifest.samples('eis')}")
    table = conductivity_vs_temperature([read(m) for m in items], **kwargs)
    return table


def at(table, temperature_C):
    """``(sigma, stderr)`` in S/cm measured at ``temperature_C`` (an error if it was not measured)."""
    if temperature_C not in table["temperature"].values:
        raise KeyError(f"{table.attrs.get('sample', 'sample')}: no measurement at {temperature_C} degC; "
                       f"have {list(table['temperature'].values)}")
    row = table.sel(temperature=temperature_C)
    return float(row["conductivity"]), float(row["conductivity_stderr"])


def fit_check_text(table) -> str:
    """One line on a table's fits: all within the residual check, or the temperatures whose fit is
    flagged (90th percentile of the relative residuals above :data:`paper_lib.eis.RESIDUAL_P90_LIMIT`)."""
    p90 = table.fit_residual_p90.values
    bad = [(float(t), float(p)) for t, p in zip(table.temperature.values, p90) if p > eis.RESIDUAL_P90_LIMIT]
    if not bad:
        return f"every fit passes the residual check (largest p90 {100 * float(p90.max()):.1f} %)"
    return "fits FLAGGED at " + ", ".join(f"{t:g} degC (p90 {100 * p:.0f} %)" for t, p in bad) + \
        f" (limit {100 * eis.RESIDUAL_P90_LIMIT:.0f} %): their conductivities are not to be trusted"
