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
    tops = np.asarray(values, float) + (np.zeros(len(x)) if errors is None else np.asarray(errors, float))
    for xi, v, top in zip(x, values, tops):
        ax.annotate(fmt.format(v), (xi, top), xytext=(0, 2), textcoords="offset points", ha="center",
                    va="bottom", fontsize=7.5)
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


def residuals(ax, fit, check=None, *, color="k", label=None, kk=None):
    """Relative residuals (Z_fit - Z)/|Z| (%) of a fit against frequency, real part filled and imaginary
    part open, with the residual check's limit as a band; ``kk`` (a :class:`paper_lib.kk.KKResult`) adds
    the lin-KK residuals (Z - Z_KK)/|Z| in grey."""
    order = np.argsort(fit.frequency)
    f, z = fit.frequency[order], fit.z_measured[order]
    rel = 100 * (fit.impedance(f) - z) / np.abs(z)
    ax.semilogx(f, rel.real, "o-", ms=2.5, lw=0.6, color=color, label=f"{label + ': ' if label else ''}fit Re")
    ax.semilogx(f, rel.imag, "s--", ms=2.5, lw=0.6, mfc="none", color=color, label=f"{label + ': ' if label else ''}fit Im")
    if kk is not None:
        ax.semilogx(kk.frequency, 100 * kk.res_real, "-", lw=1.0, color="0.55", label=f"lin-KK Re (M = {kk.m})")
        ax.semilogx(kk.frequency, 100 * kk.res_imag, ":", lw=1.2, color="0.55", label="lin-KK Im")
    if check is not None:
        ax.axhspan(-100 * check.limit, 100 * check.limit, color="C2" if check.ok else "C3", alpha=0.12, lw=0)
    ax.axhline(0, color="0.5", lw=0.5)
    ax.set_xlabel("frequency / Hz")
    ax.set_ylabel("(Z$_{fit}$ - Z)/|Z| / %")


def energy_profile(ax, ds, result=None, *, label=None, color="k", marker="o"):
    """NEB energy relative to the initial image against the reaction coordinate, with its spline."""
    ax.plot(ds["reaction_coordinate"].values, ds["relative_energy"].values, marker, color=color, ms=4,
            label=label, ls="none")
    if result is not None and getattr(result, "curve", None) is not None:
        curve = result.curve["relative_energy"]
        ax.plot(curve["reaction_coordinate"].values, curve.values, "-", color=color, lw=1)
    ax.set_xlabel("reaction coordinate / Å")
    ax.set_ylabel("energy / eV")


def ftir_stack(ax, spectra, *, bands=None, step=None, xlim=(4000, 400), quantity="transmittance", colors=None):
    """FTIR spectra (``{label: Dataset}``) stacked bottom-up, wavenumber decreasing to the right.

    ``quantity``: ``"transmittance"`` (%T, each trace scaled to its own range) or ``"absorbance"``.
    ``bands``: optional ``{label: wavenumber}`` drawn as dotted lines labelled at the top;
    ``colors``: optional list of matplotlib colours, one per spectrum.
    """
    items = list(spectra.items())
    colors = colors or [f"C{i % 10}" for i in range(len(items))]
    step = step or 1.15
    for i, (label, ds) in enumerate(items):
        y = ds[quantity].values
        x = ds["wavenumber"].values
        keep = (x <= max(xlim)) & (x >= min(xlim)) & np.isfinite(y)
        lo, hi = np.nanmin(y[keep]), np.nanmax(y[keep])
        ax.plot(x[keep], (y[keep] - lo) / (hi - lo) + i * step, lw=0.8, color=colors[i])
        ax.text(0.99, i * step + (0.15 if quantity == "transmittance" else 0.6), label,
                transform=ax.get_yaxis_transform(), ha="right", fontsize=7, color=colors[i])
    for name, position in (bands or {}).items():
        ax.axvline(position, color="0.5", lw=0.6, ls=":")
        ax.text(position, 1.0, name, transform=ax.get_xaxis_transform(), rotation=90, ha="center", va="bottom",
                fontsize=6.5)
    ax.set_xlim(*xlim)
    ax.set_xlabel("wavenumber / cm$^{-1}$")
    ax.set_ylabel(("transmittance" if quantity == "transmittance" else "absorbance") + " (normalised, offset)")
    ax.set_yticks([])


def eels_edge(ax, edge, *, label=None, color="k", window=None, peak=None):
    """An EELS edge: measured counts, the power-law background (fit window shaded) and the
    background-subtracted edge. ``edge``: the Dataset of :func:`paper_lib.spectra.edge_signal`;
    ``peak``: an Estimate (eV) marked with a dashed line."""
    e = edge["energy_loss"].values
    ax.plot(e, edge["intensity"].values / 1e6, color=color, lw=0.8, label=label)
    ax.plot(e, edge["background"].values / 1e6, color=color, lw=0.8, ls="--", alpha=0.7)
    ax.plot(e, edge["edge"].values / 1e6, color=color, lw=1.2, alpha=0.9)
    if window is not None:
        ax.axvspan(*window, color=color, alpha=0.07, lw=0)
    if peak is not None:
        ax.axvline(float(peak), color=color, lw=0.7, ls=":")
    ax.set_xlabel("energy loss / eV")
    ax.set_ylabel("intensity / 10$^6$ counts")


def stacked_patterns(ax, patterns, references=None, *, step=1.15, xlim=(10, 60), normalise=True,
                     colors=None, stick_height=0.8, min_relative=3.0, annotate=None, highlight=None):
    """X-ray powder patterns (``{label: DataArray on two_theta}``) stacked bottom-up, each scaled to
    unit maximum inside ``xlim``, with reference reflections as sticks in bands under them.

    ``references``: ``{name: reflections table}`` (:func:`paper_lib.powder.reflections`); sticks are drawn
    at the Kα1 angle, height ∝ the computed relative intensity (lines weaker than ``min_relative`` %
    left out), each phase in its own band below the patterns with its name. Trace labels sit at the
    right; ``annotate``: optional ``{label: text}`` added in brackets after a label. ``highlight``: optional list of 2θ values (deg) marked
    by a thin vertical dotted line across the panel. Returns the offset of every trace.
    """
    references = references or {}
    n_ref = len(references)
    offsets = {}
    ref_colors = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad"]
    for j, (name, table) in enumerate(references.items()):
        base = j * stick_height * 1.15
        t = table[(table["relative"] >= min_relative) & (table["two_theta"] >= xlim[0]) & (table["two_theta"] <= xlim[1])]
        ax.vlines(t["two_theta"], base, base + stick_height * t["relative"] / 100, color=ref_colors[j % 4], lw=0.9)
        label = name + (" (positions only)" if table.attrs.get("generic_intensity") else "")
        ax.text(0.99, base + 0.55 * stick_height, label, transform=ax.get_yaxis_transform(), ha="right",
                fontsize=7, color=ref_colors[j % 4])
    start = n_ref * stick_height * 1.15 + (0.15 if n_ref else 0.0)
    for i, (label, da) in enumerate(patterns.items()):
        x = da["two_theta"].values
        y = np.asarray(da.values, dtype=float)
        inside = (x >= xlim[0]) & (x <= xlim[1])
        if normalise:
            low = float(np.nanmin(y[inside]))
            y = (y - low) / (float(np.nanmax(y[inside])) - low)
        offset = start + i * step
        offsets[label] = offset
        color = (colors or {}).get(label, "k")
        ax.plot(x[inside], y[inside] + offset, color=color, lw=0.7)
        text = label + (f"  ({annotate[label]})" if annotate and annotate.get(label) else "")
        ax.text(0.99, offset + 0.45 * step, text, transform=ax.get_yaxis_transform(), ha="right", fontsize=7,
                color=color, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5})
    for value in highlight or ():
        ax.axvline(value, color="0.5", ls=":", lw=0.8)
    ax.set_xlim(*xlim)
    ax.set_ylim(-0.05, start + len(patterns) * step + 0.1)
    ax.set_xlabel("2θ / deg (Cu Kα)")
    ax.set_ylabel("intensity (normalised, offset)")
    ax.set_yticks([])
    return offsets


CYCLE_COLORS = ("C1", "C2", "C3", "C4", "C5", "C6")


def voltammogram(ax, ds, *, peaks=(), bursts=(), title=None, scale=1e3, unit="µA"):
    """Current (``unit``, ``scale`` times mA) vs potential, one line per cycle, the first highlighted;
    ``peaks`` (:class:`paper_lib.voltammetry.CVPeak`) marked at their maxima and labelled with their
    potential; ``bursts`` (Datasets of :func:`paper_lib.voltammetry.bursts`) marked with crosses."""
    for cycle, part in ds.groupby("cycle"):
        k = int(cycle)
        ax.plot(part.voltage, scale * part.current, lw=1.0 if k == 1 else 0.7,
                color=CYCLE_COLORS[(k - 1) % len(CYCLE_COLORS)], label=f"cycle {k}" + (" (first)" if k == 1 else ""))
    for p in peaks:
        down = p.current.value < 0
        ax.plot(p.position.value, scale * p.current.value, "v" if down else "^", color="k", ms=4)
        ax.annotate(f"{p.position.value:.2f} V", (p.position.value, scale * p.current.value),
                    textcoords="offset points", xytext=(4, -10 if down else 4), fontsize=7)
    marked = False
    for found in bursts:
        if found.sizes["burst"]:
            ax.plot(found.voltage, scale * found.current, "x", color="k", ms=3,
                    label=None if marked else "irregular peak")
            marked = True
    ax.set_xlabel("E / V vs Li/Li$^+$")
    ax.set_ylabel(f"I / {unit}")
    if title:
        ax.set_title(title)


def polarization(ax, ds, steady, *, label, color, scale=1e6, unit="nA"):
    """A DC polarization on log-log axes: the measured current (``unit``, ``scale`` times mA), the fitted
    decay and the steady-state current it tends to (dashed)."""
    t = ds.time.values - ds.time.values[0]
    keep = t > 0
    ax.loglog(t[keep], scale * np.abs(ds.current.values[keep]), color=color, lw=0.8, alpha=0.6, label=label)
    ax.loglog(steady.time, scale * np.abs(steady.fit), color=color, lw=1.2, ls="-")
    ax.axhline(scale * abs(steady.current.value), color=color, lw=0.8, ls="--")
    ax.set_xlabel("t / s")
    ax.set_ylabel(f"|I| / {unit}")


def symmetric_spectra(ax, spectra, *, colors=("C2", "C1")):
    """Nyquist plots of Li|electrolyte|Li spectra with their fits (``[(label, ds, SymmetricFit)]``),
    zoomed on the interfaces' arcs (equal scales, the axes spanning the data)."""
    low, high = np.inf, -np.inf
    for (label, ds, fit), color in zip(spectra, colors):
        zr, zi = ds["z_real"].values, ds["z_imag"].values
        ax.plot(zr, -zi, "o", ms=2, mfc="none", color=color, label=f"{label}: R$_i$ {fit.r_interface:.1f} Ω")
        f = np.geomspace(fit.fit.frequency.max(), fit.fit.frequency.min(), 300)
        z = fit.fit.impedance(f)
        ax.plot(z.real, -z.imag, "-", color=color, lw=0.8)
        low, high = min(low, float(np.min(zr))), max(high, float(np.max(zr)))
    span = high - low
    ax.set_xlim(low - 0.05 * span, high + 0.05 * span)
    ax.set_ylim(-0.1 * span, 0.6 * span)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("Z' / Ω")
    ax.set_ylabel("-Z'' / Ω")


def msd_curves(ax, results, colors):
    """MSD against lag on log-log axes (``{label: paper_lib.diffusion.Diffusion}``), the fitted
    c + 6 D t over each diffusive window drawn solid, elsewhere dotted."""
    for label, found in results.items():
        table = found.table
        t_ns = table.lag.values * 1e-6
        ax.loglog(t_ns, table.msd.values, color=colors[label], lw=1.0, label=label)
        if found.d is not None:
            d_a2_fs = found.d.value * 10.0
            line = found.intercept + 6 * d_a2_fs * table.lag.values
            inside = (table.lag.values >= found.window_fs[0]) & (table.lag.values <= found.window_fs[1])
            ax.loglog(t_ns, line, color=colors[label], lw=0.8, ls=":")
            ax.loglog(t_ns[inside], line[inside], color="k", lw=1.6, alpha=0.5)
    ax.set_xlabel("t / ns")
    ax.set_ylabel("MSD / Å$^2$")


STATE_COLORS = {"ok": "k", "micro-short": "tab:orange", "short": "tab:red"}


def step_test(ax, ds, table, result, *, area_cm2, window_h=None, title=None):
    """A plating/stripping record: voltage (mV, left) and current density (mA/cm2, right, grey) against
    time (h), segments that shorted or micro-shorted shaded, the failure marked."""
    t = ds.time.values / 3600.0
    keep = slice(None) if window_h is None else (t >= window_h[0]) & (t <= window_h[1])
    ax.plot(t[keep], 1e3 * ds.voltage.values[keep], color="k", lw=0.5)
    ax.set_xlabel("t / h")
    ax.set_ylabel("V / mV")
    right = ax.twinx()
    right.plot(t[keep], ds.current.values[keep] / area_cm2, color="0.6", lw=0.6)
    right.set_ylabel("j / mA cm$^{-2}$", color="0.45")
    for start, stop, state in zip(table.start.values, table.stop.values, table.state.values):
        if state != "ok":
            ax.axvspan(start / 3600.0, stop / 3600.0, color=STATE_COLORS[state], alpha=0.18, lw=0)
    if result.failure_h is not None:
        ax.axvline(result.failure_h, color=STATE_COLORS["short"], lw=0.8, ls="--")
        ax.annotate(f"short at {result.bracket[1]:.1f} mA cm$^{{-2}}$ ", (result.failure_h, 0.03),
                    xycoords=("data", "axes fraction"), ha="right", va="bottom", fontsize=7,
                    color=STATE_COLORS["short"], bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1})
    if window_h is not None:
        ax.set_xlim(*window_h)
    if title:
        ax.set_title(title)
    return right


def overpotential_vs_current(ax, table, fit=None, *, label=None, color="C0"):
    """Plateau |V| (mV) of every segment against |j| (mA/cm2), coloured by state, with the interface fit."""
    j, eta = np.abs(table.current_density.values), 1e3 * table.plateau.values
    for state, marker in (("ok", "o"), ("micro-short", "s"), ("short", "x")):
        pick = table.state.values == state
        if pick.any():
            ax.plot(j[pick], eta[pick], marker, ms=3.5, mfc="none" if state != "short" else None,
                    color=STATE_COLORS[state] if state != "ok" else color,
                    mec=STATE_COLORS[state] if state != "ok" else color,
                    label=f"{label + ': ' if label else ''}{state}")
    if fit is not None:
        ax.plot(fit.j_curve, 1e3 * fit.curve, "-", lw=0.9, color=color,
                label=f"R {fit.resistance.value:.1f} Ω cm², j$_0$ {fit.exchange_current.value:.2f} mA cm$^{{-2}}$")
    ax.set_xlabel("|j| / mA cm$^{-2}$")
    ax.set_ylabel("plateau |V| / mV")


def cycling_trace(ax, ds, *, label, color):
    """Voltage (mV) against time (h) of a long plating/stripping record, rasterised (10^5 points)."""
    ax.plot(ds.time.values / 3600.0, 1e3 * ds.voltage.values, color=color, lw=0.3, label=label, rasterized=True)
    ax.set_xlabel("t / h")
    ax.set_ylabel("V / mV")


def plateau_history(ax, table, *, label, color):
    """Plateau |V| (mV) of every segment against its start (h); shorted segments crossed."""
    t, v = table.start.values / 3600.0, 1e3 * table.plateau.values
    ok = table.state.values == "ok"
    ax.plot(t[ok], v[ok], ".", ms=1.5, color=color, label=label)
    if (~ok).any():
        ax.plot(t[~ok], v[~ok], "x", ms=3, color=STATE_COLORS["short"])
    ax.set_xlabel("t / h")
    ax.set_ylabel("plateau |V| / mV")


def trace_insets(ax, items, headroom=2.6):
    """Zoom insets along the top of a :func:`cycling_trace` panel, one per ``(ds, color, (t0, t1) h)``,
    each marked on the main axes; the main axes get ``headroom`` times the largest |V| above zero."""
    if not items:
        return []
    top = max(float(np.percentile(np.abs(ds.voltage.values), 99.5)) for ds, _, _ in items) * 1e3
    ax.set_ylim(-1.3 * top, headroom * top)
    width = 0.92 / len(items)
    insets = []
    for k, (ds, color, (t0, t1)) in enumerate(items):
        inset = ax.inset_axes([0.04 + k * width, 0.6, width - 0.06, 0.34])
        t = ds.time.values / 3600.0
        keep = (t >= t0) & (t <= t1)
        inset.plot(t[keep], 1e3 * ds.voltage.values[keep], color=color, lw=0.6)
        inset.set_xlim(t0, t1)
        inset.tick_params(labelsize=5.5, length=2)
        inset.set_title(f"{t0:g}–{t1:g} h", fontsize=6, pad=2)
        ax.indicate_inset_zoom(inset, edgecolor="0.5", lw=0.5)
        insets.append(inset)
    return insets
