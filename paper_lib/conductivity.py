"""Ionic conductivity of a pellet from its electrolyte resistance: sigma = L / (R A).

Units: thickness in mm, area in cm2, resistance in ohm, conductivity in S/cm.
"""

from dataclasses import replace

import numpy as np

from . import eis, kk
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
                                return_fits=False, kk_drop_outliers=False):
    """Fit every spectrum of one pellet and tabulate its conductivity vs temperature.

    ``datasets``: EIS Datasets whose ``attrs`` carry ``temperature_C``, ``thickness_mm``, ``area_cm2``
    and ``sample`` (as :func:`paper_lib.readers.read` puts them from the manifest); an optional
    ``lead_resistance_ohm`` is subtracted as the known series resistance of the leads.
    Returns a Dataset on ``temperature`` (degC, sorted) with ``resistance`` (ohm), ``resistance_stderr``,
    ``conductivity`` (S/cm), ``conductivity_stderr``, ``fit_model`` and ``fit_residual_p90`` (the
    residual check of :func:`paper_lib.eis.residual_check`), ``kk_p90`` and ``kk_outliers`` (the lin-KK
    test of :func:`paper_lib.kk.lin_kk`: 90th percentile of its relative residuals, and the number of
    points beyond :data:`paper_lib.kk.KK_LIMIT`); with ``return_fits`` also the list of
    :class:`paper_lib.eis.FitResult` in the same order. ``kk_drop_outliers``: fit without the points that
    fail the KK test (the count dropped is ``kk_dropped``; by default they are flagged, not dropped).
    """
    rows = []
    for ds in datasets:
        attrs = ds.attrs
        for key in ("temperature_C", "thickness_mm", "area_cm2"):
            if key not in attrs:
                raise ValueError(f"dataset {attrs.get('measurement', attrs.get('source_file', '?'))} lacks attrs['{key}']")
        test = kk.lin_kk(ds)
        fitted = ds
        if kk_drop_outliers and test.outliers:
            fitted = ds.drop_sel(frequency=list(test.outliers))
        fit = replace(eis.fit_spectrum(fitted, model=model, r_series=attrs.get("lead_resistance_ohm")), kk=test)
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
                                      f"{eis.RESIDUAL_P90_LIMIT:g})"),
         "kk_p90": variable(t, [r[1].kk.p90 for r in rows], "1", "90th percentile of the lin-KK relative "
                            f"residuals (fails above {kk.KK_LIMIT:g})"),
         "kk_outliers": variable(t, [len(r[1].kk.outliers) for r in rows], "1",
                                 f"points whose lin-KK residual exceeds {kk.KK_LIMIT:g}"),
         "kk_dropped": variable(t, [len(r[1].kk.outliers) if kk_drop_outliers else 0 for r in rows], "1",
                                "points left out of the fit for failing the lin-KK test")},
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
        text = f"every fit passes the residual check (largest p90 {100 * float(p90.max()):.1f} %)"
    else:
        text = "fits FLAGGED at " + ", ".join(f"{t:g} degC (p90 {100 * p:.0f} %)" for t, p in bad) + \
            f" (limit {100 * eis.RESIDUAL_P90_LIMIT:.0f} %): their conductivities are not to be trusted"
    return text + "; " + kk_text(table)


def checks_pass(table) -> bool:
    """True when every fit of ``table`` passes its residual check and every spectrum its lin-KK test."""
    return bool((table.fit_residual_p90.values <= eis.RESIDUAL_P90_LIMIT).all()
                and (table.kk_p90.values <= kk.KK_LIMIT).all())


def kk_text(table) -> str:
    """One line on a table's lin-KK tests: every spectrum passes, or the temperatures that fail."""
    p90 = table.kk_p90.values
    bad = [(float(t), float(p)) for t, p in zip(table.temperature.values, p90) if p > kk.KK_LIMIT]
    if not bad:
        return f"every spectrum passes the lin-KK test (largest p90 {100 * float(p90.max()):.1f} %)"
    return "lin-KK test FAILS at " + ", ".join(f"{t:g} degC (p90 {100 * p:.0f} %)" for t, p in bad) + \
        f" (limit {100 * kk.KK_LIMIT:.0f} %): those spectra break the Kramers-Kronig relations (drift, non-linearity)"
