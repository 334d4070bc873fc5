"""Panels of the independent recomputation (matplotlib): lattice changes, B–H bonds, NEB bands, MSD,
the framework check, D(T).

Every function draws on a given axes from the committed results (:func:`paper_lib.recompute.load`) and
labels its axes with units: lengths Å or nm, energies eV, times ps, MSD Å², D cm²/s.
"""

import numpy as np

from . import bonds, neb, recompute
from .recompute_report import run_temperature
from .readers.structures import read_neb, read_structure

RUN_COLORS = ["C0", "C1", "C2", "C3", "C4", "C5"]


def lattice_changes(ax, doc, article=None):
    """Per-cent change of a, b, c, V and the d-spacings of relaxed Pnma LiBH4 against the published cell;
    ``article``: {'d101': %, 'd011': %} of the article's fringes against its reference spacings."""
    change = doc["results"]["LiBH4_Pnma"]["change_pct"]
    keys = ["a", "b", "c", "volume"] + sorted(k for k in change if k.startswith("d"))
    labels = [{"volume": "V"}.get(k, k if not k.startswith("d") else f"d({k[1:]})") for k in keys]
    x = np.arange(len(keys))
    ax.bar(x, [change[k] for k in keys], color="C0", width=0.6, label="CHGNet relaxed vs published")
    if article:
        xs = [x[keys.index(k)] for k in article]
        ax.scatter(xs, list(article.values()), marker="D", color="C3", zorder=3, s=22,
                   label="article's HRTEM vs its reference")
    ax.axhline(0, color="0.3", lw=0.6)
    ax.set_xticks(x, labels)
    ax.set_ylabel("change / %")
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.35 * (high - low))  # room above the bars for the legend
    ax.legend(loc="upper center", fontsize=7)


def bh_lengths(doc, phase):
    """The B–H bond lengths (Å) of a relaxed phase's committed structure."""
    atoms = read_structure(recompute.folder(doc["case"]) / doc["results"][phase]["file"])
    return bonds.bond_lengths(atoms, "B", "H")


def bh_bonds(ax, doc, references=()):
    """B–H bond lengths (Å) of every relaxed phase as strips, with ``references`` ((label, Å), ...) lines."""
    for k, phase in enumerate(doc["results"]):
        lengths = np.sort(bh_lengths(doc, phase))  # sorted: the strip does not depend on the order of ties
        ax.scatter(lengths, np.full(lengths.size, k) + np.linspace(-0.15, 0.15, lengths.size), s=10,
                   color=RUN_COLORS[k])
        ax.errorbar(lengths.mean(), k, xerr=lengths.std(ddof=1), fmt="|", color="k", ms=14, capsize=3)
    for j, (label, value) in enumerate(references):
        ax.axvline(value, color="C3", ls=["--", ":"][j % 2], lw=0.9, label=label)
    ax.set_yticks(range(len(doc["results"])), [p.replace("_", " ").replace("P63mc", "P6$_3$mc")
                                               for p in doc["results"]])
    ax.set_ylim(-0.6, len(doc["results"]) - 0.4)
    ax.set_xlabel("B–H bond length / Å")
    if references:
        ax.legend(fontsize=7, loc="upper right")


def run_label(run):
    return f"{run['hop_length']:.2f} Å hop, {'×'.join(map(str, run['supercell']))} ({run['atoms']} atoms), {run['images']} images"


def bands(doc):
    """``[(run, NEB Dataset, NebBarrier)]`` of the committed migration runs."""
    out = []
    for run in doc["results"]["runs"]:
        ds = read_neb(recompute.folder(doc["case"]) / run["file"])
        out.append((run, ds, neb.barriers(ds)))
    return out


def neb_profiles(ax, found, article=None):
    """Energy (eV, relative to the initial state) along each band: images as points, the curve as a line."""
    for k, (run, ds, barrier) in enumerate(found):
        color = RUN_COLORS[k % len(RUN_COLORS)]
        s = ds.reaction_coordinate.values
        ax.plot(s, ds.relative_energy.values, "o", color=color, ms=3.5)
        ax.plot(barrier.curve.reaction_coordinate, barrier.curve.relative_energy, color=color, lw=1,
                label=f"{run_label(run)}: {barrier.forward_images:.3f} eV")
    if article is not None:
        ax.axhline(article, color="0.45", ls="--", lw=0.9, label=f"article's DFT-NEB: {article:g} eV")
    ax.set_xlabel("reaction coordinate / Å")
    ax.set_ylabel("E − E(initial) / eV")
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.6 * (high - low))  # room above the bands for the legend
    ax.legend(fontsize=6.5, loc="upper right")


def barrier_convergence(ax, doc, article=None):
    """Barrier (eV) of each run against its supercell size (atoms), marker by image count; each run in
    the colour :func:`neb_profiles` gives it, so the two panels read together."""
    runs = doc["results"]["runs"]
    markers = {n: m for n, m in zip(sorted({r["images"] for r in runs}), "osD^")}
    for k, r in enumerate(runs):
        ax.errorbar(r["atoms"], r["barrier_images"], yerr=r["interpolation_uncertainty"],
                    fmt=markers[r["images"]], color=RUN_COLORS[k % len(RUN_COLORS)], ms=5, capsize=2)
    for n, m in markers.items():
        ax.plot([], [], m, color="0.4", ls="", label=f"{n} images")
    if article is not None:
        ax.axhline(article, color="0.45", ls="--", lw=0.9, label="article")
    ax.set_xlabel("atoms in the supercell")
    ax.set_ylabel("barrier / eV")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, loc="lower right")


def msd_curves(ax, tables):
    """Li MSD (Å²) against lag (ps) of each run: ``tables`` maps a label to an MSD table."""
    for k, (label, table) in enumerate(tables.items()):
        ax.plot(table.lag.values / 1000, table.msd.values, color=RUN_COLORS[k % len(RUN_COLORS)], label=label)
    ax.set_xlabel("lag / ps")
    ax.set_ylabel("Li MSD / Å$^2$")
    ax.legend(fontsize=7)


def framework_curves(ax, frames, bound):
    """RMS displacement of the framework element over its neighbour distance against lag (ps) for each run:
    ``frames`` maps a label to (its MSD table, the distance in Å); ``bound`` the ratio past which the cell
    is taken as no longer the crystal, drawn as a line."""
    for k, (label, (table, distance)) in enumerate(frames.items()):
        ax.plot(table.lag.values / 1000, np.sqrt(table.msd.values) / distance, color=RUN_COLORS[k % len(RUN_COLORS)],
                label=label)
    ax.axhline(bound, color="C3", ls="--", lw=0.9, label=f"left its sites ({bound:g})")
    element = next(iter(frames.values()))[0].attrs["element"] if frames else "B"
    ax.set_xlabel("lag / ps")
    ax.set_ylabel(f"{element} RMS displacement / {element}–{element} distance")
    ax.set_ylim(0, max(1.5 * bound, ax.get_ylim()[1]))
    ax.legend(fontsize=7)


def arrhenius_d(ax, runs, fit=None, references=()):
    """D (cm²/s, log scale) against 1000/T (K⁻¹, T the run's mean temperature) of the resolved runs (filled: crystal intact; open: the
    framework left its sites, not fitted), an Arrhenius ``fit`` (callable of T returning D) and ``references``
    ((label, T K, D cm²/s), ...) as markers."""
    labelled = set()
    for run in runs:
        if run["D_cm2_s"] is None:
            continue
        intact = run.get("framework", {}).get("intact", True)
        label = "MD, crystal intact" if intact else "MD, framework left its sites (not fitted)"
        ax.errorbar(1000 / run_temperature(run), run["D_cm2_s"], yerr=run["D_stderr_cm2_s"], fmt="o",
                    color="C0", mfc="C0" if intact else "white", capsize=2,
                    label=None if label in labelled else label)
        labelled.add(label)
    if fit is not None:
        t = np.linspace(300, max(run_temperature(r) for r in runs), 100)
        ax.plot(1000 / t, fit(t), color="C0", lw=1, label="Arrhenius fit, extrapolated")
    for k, (label, t, d) in enumerate(references):
        ax.plot(1000 / t, d, "Ds"[k % 2], color=["C3", "0.45"][k % 2], ls="", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("1000/T / K$^{-1}$")
    ax.set_ylabel("D / cm$^2$ s$^{-1}$")
    ax.legend(fontsize=7)
