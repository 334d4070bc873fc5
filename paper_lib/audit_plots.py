"""Small figures of the audit (:mod:`paper_lib.audit`): the numbers behind its computed findings."""

import numpy as np

from . import audit, claims
from .arrhenius import KB_EV
from .audit_checks import li_density_cm3, nernst_einstein

SEVERITY_COLOURS = {"none": "#9e9e9e", "minor": "#f2c14e", "moderate": "#e07b39", "major": "#b00000"}


def _paper(cid):
    entry = claims.ledger()[cid]
    return entry.get("paper", entry.get("paper_range"))


def _computed(rows, cid):
    row = {r["id"]: r for r in rows}.get(cid) or {}
    return row.get("computed"), row.get("uncertainty") or 0.0


def arrhenius(ax, rows):
    """Measured σ(T) of the composite (the article's σ(30 °C) and Ea) and of LiBH4 at 30 °C, against the
    Nernst–Einstein σ of the article's AIMD D at 30 °C (S/cm against 1000/T in 1/K)."""
    t = np.linspace(303.15, 393.15, 40)
    sigma30, ea = _paper("sigma_30C_LiBH4_70LiNBH"), _paper("Ea_LiBH4_70LiNBH")
    sigma = sigma30 * 303.15 / t * np.exp(-ea / KB_EV * (1 / t - 1 / 303.15))
    ax.semilogy(1000 / t, sigma, color="#1a4f8b", label=f"LiBH4-70LiNBH, measured (Ea {ea:g} eV)")
    n = li_density_cm3()
    for cid_s, cid_d, colour, name in (("sigma_30C_LiBH4", "D_AIMD_30C_LiBH4", "k", "LiBH4"),
                                       ("sigma_RT_LiNBH", "D_AIMD_30C_LiNBH", "#2a9d8f", "LiNBH")):
        ax.semilogy([1000 / 303.15], [_paper(cid_s)], "o", color=colour, label=f"{name}, measured")
        d, d_err = _computed(rows, cid_d)
        d = d if d is not None else _paper(cid_d)
        ne = nernst_einstein(d, n)
        ax.errorbar([1000 / 303.15 + (0.03 if name == "LiNBH" else -0.03)], [ne], yerr=[nernst_einstein(d_err, n)], fmt="s", mfc="none",
                    color=colour, label=f"{name}, Nernst–Einstein from AIMD D")
    ax.set_xlabel("1000/T (1/K)")
    ax.set_ylabel("σ (S/cm)")
    ax.legend(fontsize=6, loc="lower left")


def barriers(ax):
    """NEB barriers against the Arrhenius activation energies (eV); with the recomputation's barrier of the
    same hop (CHGNet, its convergence spread as the error bar) when it is computed."""
    from . import recompute, recompute_report

    neb, ea, again = "#e07b39", "#1a4f8b", "#7b5ea7"
    items = [("NEB interface", "Eb_NEB_interface_LiNBH_LiBH4", neb), ("NEB LiBH4", "Eb_NEB_LiBH4", neb),
             ("NEB LiNBH", "Eb_NEB_LiNBH", neb), ("Ea composite", "Ea_LiBH4_70LiNBH", ea),
             ("Ea HT-LiBH4", "Ea_LiBH4_HT_P63mc", ea)]
    rows = [(label, _paper(cid), 0.0, colour, f"{_paper(cid):g}") for label, cid, colour in items]
    doc = recompute.load(recompute_report.CASE, "migration")
    if doc is not None:
        s = recompute_report.barrier_summary(doc)
        rows.insert(2, (f"NEB LiBH4, {doc['potential']['model']}\n(recomputed)", s["barrier"], s["spread"], again,
                        f"{s['barrier']:.3f} ± {s['spread']:.3f}"))
    y = np.arange(len(rows))
    values = [row[1] for row in rows]
    ax.barh(y, values, color=[row[3] for row in rows], hatch=["//" if row[3] == again else "" for row in rows],
            edgecolor="white")
    spread = [(i, row) for i, row in enumerate(rows) if row[2] > 0]
    if spread:
        ax.errorbar([row[1] for _, row in spread], [i for i, _ in spread], xerr=[row[2] for _, row in spread],
                    fmt="none", ecolor="k", capsize=2, lw=0.8)
    ax.set_yticks(y, [row[0] for row in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("energy (eV)")
    ax.set_xlim(0, 1.1 * max(values) + 0.15)
    for i, row in enumerate(rows):
        ax.text(row[1] + row[2] + 0.01, i, row[4], va="center", fontsize=7)


ROUNDING = [  # (label, stated claim, function of the printed inputs, inputs: claim ids or printed numbers)
    ("LTO retention,\ncycle 168 / cycle 1", "lto_capacity_retention_cycle168", lambda a, b: 100 * b / a,
     ("lto_first_cycle_capacity_0p05C_60C", "lto_capacity_cycle168")),
    ("CCD ratio,\ncomposite / LiBH4", "ratio_ccd_LiBH4_70LiNBH_over_LiBH4", lambda a, b: a / b,
     ("ccd_60C_LiBH4_70LiNBH", "ccd_LiBH4")),
    ("B–H elongation,\n1.23 / 1.22 Å", "dft_BH_bond_elongation_pct", lambda c, p: 100 * (c / p - 1),
     ("dft_BH_bond_length_LiBH4_with_LiNBH", 1.22)),  # 1.22: the pure-LiBH4 bond at the printed precision
]


def rounding(ax):
    """Each stated number's distance from the arithmetic of its printed inputs, in half-widths of the
    interval their rounding allows (within ±1: consistent; outside: the numbers disagree)."""
    ax.axvspan(-1, 1, color="#cfe3f3", label="allowed by the inputs' rounding")
    for i, (label, stated_id, function, inputs) in enumerate(ROUNDING):
        values = [v if isinstance(v, float) else _paper(v) for v in inputs]
        lo, hi = audit.span(function, *values)
        offset = (_paper(stated_id) - (lo + hi) / 2) / ((hi - lo) / 2)
        shown = float(np.clip(offset, -3.8, 3.8))  # inside the axis; the label gives the value
        ax.plot([shown], [i], "D", color="#b00000" if abs(offset) > 1 else "#1a4f8b", ms=6)
        ax.text(shown, i - 0.28, f"{offset:+.1f}", ha="center", fontsize=7)
    ax.axvline(0.0, color="k", lw=0.6, ls=":")
    ax.set_yticks(range(len(ROUNDING)), [r[0] for r in ROUNDING], fontsize=7)
    ax.set_ylim(len(ROUNDING) - 0.5, -0.7)
    ax.set_xlim(-4, 4)
    ax.set_xlabel("(stated − arithmetic) / rounding half-width")
    ax.legend(fontsize=6, loc="lower left")


def severities(ax, findings):
    """How many findings hold, by severity: the ledger's and the compendium's own."""
    groups = [("ledger", [f for f in findings if not f.additional]), ("additional", [f for f in findings if f.additional])]
    for i, (label, group) in enumerate(groups):
        left = 0
        for severity, colour in SEVERITY_COLOURS.items():
            count = sum(f.severity == severity for f in group)
            if count:
                ax.barh(i, count, left=left, color=colour, label=severity if i == 0 else None)
                ax.text(left + count / 2, i, str(count), ha="center", va="center", fontsize=7)
                left += count
    ax.set_yticks(range(len(groups)), [g[0] for g in groups])
    ax.invert_yaxis()
    ax.set_xlabel("findings (severity 'none': does not hold)")
    ax.set_xlim(0, 1.1 * len(findings))
    ax.legend(fontsize=6, ncols=2, loc="lower right")
