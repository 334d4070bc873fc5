"""Panels of cell tests: voltage profiles, capacity and coulombic efficiency over cycles, rate tests.

Capacities in mAh/g of active material, voltages in V against Li, efficiencies in %; the inputs are the
canonical cycler Dataset and the per-cycle table of :func:`paper_lib.capacity.cycles`.
"""

import numpy as np

from . import capacity


def voltage_profiles(ax, ds, active_mass_mg, cycles, *, colors, label="", order=("discharge", "charge")):
    """Voltage over specific capacity for each of ``cycles`` (both half-cycles, same colour)."""
    for cycle, color in zip(cycles, colors):
        for kind in order:
            profile = capacity.curve(ds, active_mass_mg, cycle, kind)
            ax.plot(profile.capacity, profile, color=color, lw=1.0,
                    label=f"{label}cycle {cycle}" if kind == order[0] else None)
    ax.set_xlabel("specific capacity / mAh g$^{-1}$")
    ax.set_ylabel("voltage / V vs Li$^+$/Li")


def capacity_and_efficiency(ax, table, *, label, color, marker="o", ce_ax=None, every=None, ce_limits=(80, 102)):
    """Reversible capacity (left axis, filled) and coulombic efficiency (right axis, open) over cycles;
    returns the efficiency axis so that several cells can share it. ``every``: plot every n-th cycle."""
    step = every or max(1, table.sizes["cycle"] // 120)
    sub = table.isel(cycle=slice(0, None, step))
    ax.errorbar(sub.cycle, sub.reversible, yerr=sub.reversible_stderr, fmt=marker, ms=3, color=color,
                elinewidth=0.6, label=f"{label} capacity")
    ce_ax = ce_ax or ax.twinx()
    ce_ax.plot(sub.cycle, sub.efficiency, marker, ms=3, mfc="none", color=color, mew=0.7,
               label=f"{label} CE")
    ce_ax.set_ylim(*ce_limits)
    ce_ax.set_ylabel("coulombic efficiency / %")
    ax.set_xlabel("cycle number")
    ax.set_ylabel("specific capacity / mAh g$^{-1}$")
    return ce_ax


def rate_staircase(ax, table, steps):
    """Reversible capacity over cycles of a rate test, a C-rate label per step, one colour per C-rate."""
    rates = list(dict.fromkeys(round(rate, 3) for rate, _, _ in steps))
    top = float(np.nanmax(table.reversible))
    for rate, first, last in steps:
        color = f"C{rates.index(round(rate, 3)) % 10}"
        sub = table.sel(cycle=slice(first, last))
        ax.errorbar(sub.cycle, sub.reversible, yerr=sub.reversible_stderr, fmt="o", ms=4, color=color,
                    elinewidth=0.6)
        ax.text(0.5 * (first + last), float(sub.reversible.max()) + 0.04 * top, f"{rate:.2g} C",
                ha="center", fontsize=7, color=color)
    ax.set_ylim(0, 1.18 * top)
    ax.set_xlabel("cycle number")
    ax.set_ylabel("specific capacity / mAh g$^{-1}$")


def differential_capacity(ax, ds, active_mass_mg, cycle, *, colors=("C0", "C3"), window=15):
    """dQ/dV of the charge and the discharge of ``cycle`` (discharge drawn negative)."""
    for kind, color, sign in (("charge", colors[0], 1), ("discharge", colors[1], -1)):
        profile = capacity.curve(ds, active_mass_mg, cycle, kind)
        curve = capacity.dqdv(profile.values, profile.capacity.values, window=window)
        ax.plot(curve.voltage, sign * np.abs(curve), color=color, lw=0.9, label=f"{kind}, cycle {cycle}")
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xlabel("voltage / V vs Li$^+$/Li")
    ax.set_ylabel("dQ/dV / mAh g$^{-1}$ V$^{-1}$")
    return curve.attrs["smoothing"]
