"""The reproduction at a glance: every claim as computed/article with its uncertainty and tolerance band,
grouped by figure and coloured by status; and every audit finding, coloured by severity."""

import math

import numpy as np

from .audit_plots import SEVERITY_COLOURS

STATUS_COLOURS = {"reproduced": "#1a7f37", "deviates": "#b00000", "not_computed": "#9e9e9e"}
RATIO_LIMITS = (0.5, 1.5)  # the axis of computed/article; points beyond are drawn at the edge, with an arrow


def claim_ratio(row):
    """``(ratios, relative uncertainty, (band low, band high))`` of one claims row; ratios is a list (two for a
    range claim, one otherwise; empty when not computed). Booleans: 1 when they agree, 0 when not."""
    paper, computed, tol = row["paper"], row["computed"], row["tolerance"]
    if computed is None:
        return [], 0.0, (1.0, 1.0)
    if isinstance(paper, bool) or isinstance(computed, bool):
        return [1.0 if bool(computed) == bool(paper) else 0.0], 0.0, (1.0, 1.0)
    pairs = list(zip(paper, computed)) if isinstance(paper, list) else [(paper, computed)]
    ratios = [c / p if p else math.nan for p, c in pairs]
    reference = abs(pairs[0][0]) or 1.0
    rel = tol["rel"] if "rel" in tol else tol.get("abs", 0.0) / reference
    unc = (row.get("uncertainty") or 0.0) / reference
    return ratios, unc, (1 - rel, 1 + rel)


def claims_panel(ax, rows, order):
    """One row per claim (grouped by notebook in ``order``): band = tolerance, point = computed/article."""
    y, labels, group_edges = 0, [], []
    for notebook in order:
        group = [r for r in rows if r["notebook"] == notebook]
        if not group:
            continue
        group_edges.append((y, notebook))
        for row in group:
            ratios, unc, (lo, hi) = claim_ratio(row)
            ax.add_patch(_band(lo, hi, y))
            colour = STATUS_COLOURS.get(row["status"], "k")
            for r in ratios:
                shown = float(np.clip(r, *RATIO_LIMITS))
                ax.errorbar([shown], [y], xerr=[[min(unc, shown - RATIO_LIMITS[0])], [unc]] if unc else None,
                            fmt="o" if shown == r else ">" if r > shown else "<", ms=3.2, color=colour, lw=0.8)
            labels.append(row["id"])
            y += 1
    pending = [r for r in rows if r["status"] == "not_computed"]
    if pending:
        group_edges.append((y, "not computed"))
        for row in pending:
            ax.plot([1.0], [y], "x", ms=3.5, color=STATUS_COLOURS["not_computed"])
            labels.append(row["id"])
            y += 1
    _finish(ax, labels, group_edges, "computed / article (band: tolerance)")
    ax.set_xlim(*RATIO_LIMITS)
    ax.axvline(1.0, color="k", lw=0.5, ls=":")


def _band(lo, hi, y):
    from matplotlib.patches import Rectangle

    return Rectangle((lo, y - 0.4), max(hi - lo, 0.004), 0.8, color="#cfe3f3", lw=0)


def findings_panel(ax, findings):
    """One row per audit finding: holds or not, coloured by severity (ledger first, then additional)."""
    labels, edges = [], []
    for y, f in enumerate(findings):
        if f.additional and not any(e[1] == "additional" for e in edges):
            edges.append((y, "additional"))
        if y == 0:
            edges.append((0, "ledger"))
        ax.barh(y, 1.0 if f.found else 0.35, color=SEVERITY_COLOURS[f.severity], height=0.6)
        ax.text(1.03 if f.found else 0.38, y, f.severity, va="center", fontsize=5.5)
        labels.append(f.id)
    _finish(ax, labels, edges, "holds (long bar) or not (short), by severity")
    ax.set_xlim(0, 1.5)
    ax.set_xticks([])


def _finish(ax, labels, edges, xlabel):
    ax.set_yticks(range(len(labels)), labels, fontsize=5)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    for y, name in edges:
        ax.axhline(y - 0.5, color="#555555", lw=0.4, clip_on=False, xmax=1.08)
        ax.text(1.015, y - 0.35, name, transform=ax.get_yaxis_transform(), ha="left", va="top", fontsize=6,
                color="#333333", fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", length=0)


def legend(fig):
    """Status and severity colours, at the top of the figure."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=c, label=s.replace("_", " ")) for s, c in STATUS_COLOURS.items()]
    handles += [Line2D([], [], marker="s", ls="", color=c, label=f"audit: {s}") for s, c in SEVERITY_COLOURS.items()]
    fig.legend(handles=handles, loc="upper center", ncols=7, fontsize=6, frameon=False)
