"""Drawing of the article's kinds of panels, shared by the notebooks (which only lay them out).

Every function draws on a given matplotlib ``Axes`` and labels axes with quantity / unit.
"""

import numpy as np

K_PER_C = 273.15


def nucleus(name):
    """'7Li' -> '$^{7}$Li' for axis labels."""
    digits = "".join(c for c in name if c.isdigit())
    return f"$^{{{digits}}}${name[len(digits):]}" if digits else name


def stacked_spectra(ax, spectra, *, step=1.1, fits=None, xlim=None, xlabel="chemical shift / ppm",
                    annotate=None, normalise=True):
    """Spectra (``{label: DataArray}``) stacked bottom-up, each scaled to unit maximum.

    ``fits``: optional ``{label: PeakFit}`` whose components are drawn filled under the data.
    ``annotate``: optional ``{label: text}`` written at the right of each trace.
    """
    for i, (label, da) in enumerate(spectra.items()):
        x = da[da.dims[0]].values
        scale = float(np.nanmax(da.values)) if normalise else 1.0
        offset = i * step
        ax.plot(x, da.values / scale + offset, color="k", lw=0.9)
        fit = (fits or {}).get(label)
        if fit is not None:
            curves = fit.curves  # on the fit window's coordinate
            xf = curves[curves["fit"].dims[0]].values
            base = curves["baseline"].values / scale if "baseline" in curves else 0
            for j, comp in enumerate(fit.components):
                y = curves[f"component_{comp.name}"].values / scale
                ax.fill_between(xf, offset + base, offset + base + y, alpha=0.35, color=f"C{j + 1}", lw=0,
                                label=comp.name if i == 0 else None)
            ax.plot(xf, curves["fit"].values / scale + offset, color="C1", lw=0.8, ls="--")
        ax.text(0.02, offset + 0.35 * step, label, transform=ax.get_yaxis_transform(), fontsize=8)
        if annotate and label in annotate:
            ax.text(0.98, offset + 0.35 * step, annotate[label], transform=ax.get_yaxis_transform(),
                    ha="right", fontsize=7.5)
    if xlim:
        ax.set_xlim(*xlim)
    if not ax.xaxis_inverted():
        ax.invert_xaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("normalised intensity (offset)")
    ax.set_yticks([])


def mark_fwhm(ax, da, width, offset=0.0, scale=None, color="C2"):
    """Draw the half-maximum segment of width ``width`` (an Estimate or float, x units)."""
    x = da[da.dims[0]].values
    y = da.values
    scale = scale or float(np.nanmax(y))
    centre = x[int(np.nanargmax(y))]
    w = float(width)
    ax.plot([centre - w / 2, centre + w / 2], [offset + 0.5, offset + 0.5], color=color, lw=1.5)


def bars(ax, labels, values, errors=None, *, ylabel, colors=None, fmt="{:.3f}", ylim=None):
    """Bar chart with error bars and the value written above each bar."""
    x = np.arange(len(labels))
    colors = colors or [f"C{i}" for i in range(len(labels))]
    ax.bar(x, values, yerr=errors, color=colors, alpha=0.8, capsize=3, width=0.6)
    for xi, v in zip(x, values):
        ax.text(xi, v, fmt.format(v), ha="center", va="bottom", fontsize=7.5)
    ax.set_xticks(x, labels, rotation=0)
    ax.set_ylabel(ylabel)
    if ylim:
        ax.set_ylim(*ylim)


def celsius_top_axis(ax, ticks_c=(30, 50, 70, 90, 110, 130)):
    """A top axis in °C over an x axis of 1000/T in K^-1."""
    top = ax.secondary_xaxis("top", functions=(lambda inv: 1000 / np.asarray(inv, float) - K_PER_C,
                                               lambda c: 1000 / (np.asarray(c, float) + K_PER_C)))
    top.set_xticks(list(ticks_c))
    top.set_xlabel("temperature / °C")
    ax.xaxis.set_ticks_position("bottom")
    return top


def arrhenius(ax, tables, fits=None, *, markers="osD^v<>ph*", ticks_c=(30, 50, 70, 90, 110, 130)):
    """log10(σ / S cm^-1) against 1000/T for several samples, fitted lines drawn over their range.

    ``tables``: ``{label: Dataset}`` from :func:`paper_lib.conductivity.conductivity_table`;
    ``fits``: ``{label: [ArrheniusFit, ...]}`` (several for a sample with a phase transition).
    """
    for i, (label, table) in enumerate(tables.items()):
        t_k = table["temperature"].values + K_PER_C
        sigma = table["conductivity"].values
        err = table["conductivity_stderr"].values
        y = np.log10(sigma)
        yerr = err / (sigma * np.log(10))
        color = f"C{i}"
        ax.errorbar(1000 / t_k, y, yerr=yerr, fmt=markers[i % len(markers)], color=color, ms=4,
                    mfc="white" if i % 2 else color, label=label, capsize=0, lw=0.8)
        for fit in (fits or {}).get(label, []):
            t_c = np.linspace(min(fit.temperatures_C), max(fit.temperatures_C), 50)
            ax.plot(1000 / (t_c + K_PER_C), np.log10(fit.predict(t_c)[0]), color=color, lw=0.9)
    ax.set_xlabel("1000/T / K$^{-1}$")
    ax.set_ylabel("log$_{10}$(σ / S cm$^{-1}$)")
    celsius_top_axis(ax, ticks_c)


def nyquist(ax, ds, fit=None, *, label=None, color="k", scale=None, mark_bulk=True, limit=None):
    """Nyquist plot (Z' against -Z'', equal scales from the origin) with the fitted circuit and the
    electrolyte resistance marked. ``limit``: the axes' extent in ohm (e.g. a few R to zoom on the
    high-frequency intercept); ``scale``: 1, 1e3 or 1e6 for Ω, kΩ, MΩ (chosen from the data if None)."""
    zr, zi = ds["z_real"].values, ds["z_imag"].values
    extent = limit if limit is not None else 1.05 * max(np.nanmax(zr), np.nanmax(-zi))
    if scale is None:
        scale = 1e6 if extent > 2e6 else (1e3 if extent > 2e3 else 1.0)
    unit = {1.0: "Ω", 1e3: "kΩ", 1e6: "MΩ"}[scale]
    ax.plot(zr / scale, -zi / scale, "o", ms=3, mfc="none", color=color, label=label)
    if fit is not None:
        f = np.geomspace(ds["frequency"].values.max(), ds["frequency"].values.min(), 400)
        z = fit.impedance(f)
        ax.plot(z.real / scale, -z.imag / scale, "-", color=color, lw=0.9, alpha=0.8)
        if mark_bulk:
            r = fit.r_electrolyte / scale
            ax.axvline(r, color="C2", ls=":", lw=1)
            ax.annotate(f"R = {r:.3g} {unit}", (r, 0), xytext=(4, 8), textcoords="offset points", fontsize=7,
                        color="C2")
    ax.set_xlim(min(0.0, np.nanmin(zr) / scale), extent / scale)
    ax.set_ylim(min(0.0, np.nanmin(-zi) / scale), extent / scale)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(f"Z' / {unit}")
    ax.set_ylabel(f"-Z'' / {unit}")
    return scale


def energy_profile(ax, ds, result=None, *, label=None, color="k", marker="o"):
    """NEB energy relative to the initial image against the reaction coordinate, with its spline."""
    ax.plot(ds["reaction_coordinate"].values, ds["relative_energy"].values, marker, color=color, ms=4,
            label=label, ls="none")
    if result is not None and getattr(result, "curve", None) is not None:
        curve = result.curve["relative_energy"]
        ax.plot(curve["reaction_coordinate"].values, curve.values, "-", color=color, lw=1)
    ax.set_xlabel("reaction coordinate / Å")
    ax.set_ylabel("energy / eV")
