"""Panels of XPS depth profiles: stacked spectra with their fitted components, areas against depth,
and spectra of several samples side by side. Binding energies in eV (decreasing to the right, as XPS
plots are drawn), intensities in counts/s."""

import numpy as np

COLORS = {"Li0": "#636363", "Li2O": "#e6550d", "Li3N/Li-B": "#3182bd", "LiOH/Li2CO3": "#31a354",
          "Li0 plasmon": "#bdbdbd", "Li-B": "#3182bd", "B-N": "#756bb1", "B-O": "#e6550d", "Li3N": "#3182bd",
          "N-B": "#756bb1", "C-C": "#636363", "CO3": "#31a354"}


def depth_stack(ax, fits, depths, *, step=None, label_every=1, labels=True):
    """One region's fits (a list, surface first) stacked upwards with depth: data as dots, the
    envelope as a line, each component filled over the background; depths (nm) labelled."""
    top = max(float(np.max(f.data)) for f in fits)
    step = step or 0.45 * top
    for k, (fit, depth) in enumerate(zip(fits, depths)):
        offset = k * step
        x = fit.binding_energy
        ax.plot(x, fit.data + offset, ".", ms=1.5, color="0.35")
        ax.plot(x, fit.background + sum(fit.curves.values()) + offset, color="k", lw=0.8)
        for name, curve in fit.curves.items():
            if np.max(curve) > 0.02 * top:
                ax.fill_between(x, fit.background + offset, fit.background + curve + offset, alpha=0.45, lw=0,
                                color=COLORS.get(name), label=name if k == 0 or name not in _labels(ax) else None)
        if labels and k % label_every == 0:
            ax.text(x.min(), fit.background[0] + offset + 0.05 * step, f"{depth:.0f} nm", fontsize=6, ha="right")
    high = max(f.binding_energy.max() for f in fits)
    low = min(f.binding_energy.min() for f in fits)
    # limits on the 0.5 eV grid: a charge shift's last digits must not add or drop the end tick (and
    # with it the layout)
    ax.set_xlim(np.ceil(2 * high - 0.02) / 2, np.floor(2 * low + 0.02) / 2)
    ax.set_xlabel("binding energy / eV")
    ax.set_ylabel("intensity / counts s$^{-1}$ (offset)")
    ax.set_yticks([])


def _labels(ax):
    return {artist.get_label() for artist in ax.collections}


def fading(ax, depth, series, *, fraction=None, found=None):
    """Areas relative to the surface against depth for ``series`` ``{label: [Estimate]}``; the fraction
    that defines fading and the depths found (``{label: Estimate}``)."""
    for k, (label, values) in enumerate(series.items()):
        a = np.array([v.value for v in values])
        e = np.array([v.stderr for v in values])
        ref = a[0] if a[0] else 1.0
        ax.errorbar(depth, a / ref, yerr=e / ref, fmt="o-", ms=3, lw=0.8, color=f"C{k}", label=label)
        if found and found.get(label) is not None:
            ax.axvline(found[label].value, color=f"C{k}", ls=":", lw=0.8)
    if fraction is not None:
        ax.axhline(fraction, color="0.5", ls="--", lw=0.7)
        ax.text(ax.get_xlim()[1], fraction, f" {fraction:.0%} of the surface", fontsize=6, va="bottom", ha="right")
    ax.set_xlabel("etch depth / nm")
    ax.set_ylabel("area / area at the surface")


def compare_samples(ax, spectra, *, colors=None, scale=1.0):
    """Spectra of one region from several samples ``{label: DataArray}`` on one axis (counts/s x ``scale``)."""
    colors = colors or [f"C{k}" for k in range(len(spectra))]
    for (label, s), color in zip(spectra.items(), colors):
        part = s.sortby("binding_energy")
        ax.plot(part.binding_energy, part.values * scale, lw=0.9, color=color, label=label)
    ax.invert_xaxis()
    ax.set_xlabel("binding energy / eV")
    ax.set_ylabel("intensity / counts s$^{-1}$")
