"""Reference galvanostatic cycling of Li|SSE|LTO and Li|SSE|LiCoO2 cells -- generated, not measured.

Figure 5, S32 and S36. Each cell is cycled at constant current between two cut-off voltages with a
10 min rest after every half-cycle; LTO cells start with a discharge (lithiation of the LTO, current
< 0 at the LTO working electrode), LiCoO2 cells with a charge. Capacities in mAh/g of active material,
1 C = 175 mA/g for LTO and 120 mA/g for LiCoO2 (article); the active mass is in the manifest.
* The reversible capacity of each cycle (LTO: its charge; LiCoO2: its discharge) follows the article's
  numbers: LTO at 0.05 C, 60 degC, 112 mAh/g in cycle 1 with an ICE of 80.3 %, rising to 115.1 mAh/g
  by cycle 24 as the interfaces form and falling to 113 mAh/g at cycle 168 (115.1 mAh/g is the
  reference that the article's 98.2 % retention implies: 113/112 would be 100.9 %); 128 -> 135 mAh/g
  over 10 cycles at 0.1 C; 108 mAh/g after 7 cycles at 50 degC; 89 after 3 at 30 degC; Li|LiBH4|LTO at
  120 degC, 78 mAh/g after 21 cycles. LiCoO2: 0.2 C, charge 128.3 and discharge 125.2 mAh/g in cycle 1,
  118.5 at cycle 50; a rate test of 5 cycles each at 0.1, 0.2, 0.5, 1 and 0.1 C (132.5 mAh/g, 1 C
  mean 85.2, back at 0.1 C 132.2); 0.5 C for 400 cycles (104.8 -> 89.5 mAh/g); charged to 4.5 V at
  0.2 C, 85.2 % of cycle 1 after 50 cycles. Each cycle adds N(0, 0.1 mAh/g) to the trend; the
  coulombic efficiency after cycle 1 rises to 99.9 % (LTO) and 99.7 % (LiCoO2).
* Voltage: the electrode's open-circuit curve at the state of charge, minus (discharge) or plus
  (charge) an overpotential I*R + b*asinh(I/I0), and near the end of each half-cycle a polarisation
  rise that meets the cut-off as the half-cycle's capacity is reached, exp((s - 1)/delta) of the gap
  (s: fraction of the half-cycle's capacity). LTO (Li4+3xTi5O12): a flat two-phase plateau with
  log-shaped ends, shifted so that the first discharge's capacity-weighted mean voltage is 1.55 V
  (article); the other LTO cells share that curve. LiCoO2: the LixCoO2 open-circuit fit of Ramadass et
  al. (J. Electrochem. Soc. 151, A196, 2004) for x >= 0.52, continued linearly (1.6 V per unit x) below
  it for the 4.5 V charge, plus two 12 mV steps at x = 0.60 and 0.545 for the order-disorder
  transitions (dQ/dV features near 4.07 and 4.17 V); a charge ends at the x where the curve reaches
  the cut-off less 30 mV, and each half-cycle sweeps x over its capacity's share of the range from
  there to x = 0.99 (the largest half-cycle of the cell spanning all of it). During the rests the
  voltage relaxes to the curve (tau 5 min).
* Measurement: voltage N(0, 0.3 mV) quantised to 0.1 mV, current to 0.1 uA with 0.02 % noise;
  records 1 s into every step, then every dt, and at the step's end (whole milliseconds in the .ndax files).
Cut-off voltages (LTO 1.0-2.5 V, LiCoO2 3.0-4.2 V unless 4.5 V), resistances, active masses, rests
and sampling are assumed: the article states none of them.
Seeds: common.rng(file name).
"""

import numpy as np

from .common import reference_path, rng, write_manifest
from .cycler_writers import write_arbin_csv, write_mpr, write_ndax

AREA_CM2 = 0.785
REST_S = 600.0
ONE_C = {"LTO": 175.0, "LiCoO2": 120.0}
LCO_STEPS_X = (0.60, 0.545)  # where the base curve is near 4.07 and 4.17 V


def _trend(first, last, cycles, peak=None, peak_cycle=None, shape=1.0):
    """Reversible capacity per cycle (mAh/g): ``first`` -> ``last`` over ``cycles``; with ``peak``,
    a rise to it by ``peak_cycle`` first (an exponential approach less a linear fade)."""
    n = np.arange(1, cycles + 1, dtype=float)
    if peak is None:
        return first + (last - first) * ((n - 1) / max(cycles - 1, 1)) ** shape
    tau = peak_cycle / 3.0
    rise = 1 - np.exp(-(n - 1) / tau)
    # choose the rise a and fade d so that the curve peaks at peak_cycle with value peak and ends at last
    d_over_a = np.exp(-(peak_cycle - 1) / tau) / tau
    a = (peak - first) / (rise[peak_cycle - 1] - d_over_a * (peak_cycle - 1))
    d = d_over_a * a
    curve = first + a * rise - d * (n - 1)
    return curve + (last - curve[-1]) * np.clip((n - peak_cycle) / (cycles - peak_cycle), 0.0, None)


# name: (sample, cathode, degC, program [(C-rate, cycles)], reversible capacity per cycle, ICE %,
#        final CE %, cut-offs V, active mass mg, R ohm, record interval s, format, panel)
CELLS = {
    "cells/Li-LiBH4-70LiNBH-LTO_060C_0.05C.ndax": (
        "LiBH4-70LiNBH", "LTO", 60, [(0.05, 168)], lambda: _trend(112.0, 113.0, 168, 115.1, 24), 80.3, 99.9,
        (1.0, 2.5), 2.40, 180.0, 600.0, "neware-ndax", "5a, 5b"),
    "cells/Li-LiBH4-LTO_120C_0.05C.mpr": (
        "LiBH4", "LTO", 120, [(0.05, 21)], lambda: _trend(101.0, 78.0, 21, shape=0.8), 74.0, 99.0,
        (1.0, 2.5), 2.40, 420.0, 300.0, "biologic-mpr", "5a, 5b"),
    "cells/Li-LiBH4-70LiNBH-LTO_060C_0.1C.csv": (
        "LiBH4-70LiNBH", "LTO", 60, [(0.1, 10)], lambda: _trend(128.0, 135.0, 10, shape=0.6), 81.5, 99.8,
        (1.0, 2.5), 2.40, 180.0, 240.0, "cycler-csv", "S32a"),
    "cells/Li-LiBH4-70LiNBH-LTO_050C_0.05C.csv": (
        "LiBH4-70LiNBH", "LTO", 50, [(0.05, 7)], lambda: _trend(103.5, 108.0, 7, shape=0.6), 79.0, 99.7,
        (1.0, 2.5), 2.40, 330.0, 480.0, "cycler-csv", "S32b"),
    "cells/Li-LiBH4-70LiNBH-LTO_030C_0.05C.csv": (
        "LiBH4-70LiNBH", "LTO", 30, [(0.05, 3)], lambda: _trend(85.0, 89.0, 3, shape=0.8), 76.0, 99.5,
        (1.0, 2.5), 2.40, 900.0, 240.0, "cycler-csv", "S32c"),
    "cells/Li-LiBH4-70LiNBH-LCO_060C_0.2C.mpr": (
        "LiBH4-70LiNBH", "LiCoO2", 60, [(0.2, 50)], lambda: _trend(125.2, 118.5, 50, shape=0.85), 97.6, 99.7,
        (3.0, 4.2), 3.00, 160.0, 60.0, "biologic-mpr", "5c, 5e"),
    "cells/Li-LiBH4-70LiNBH-LCO_060C_rate.ndax": (
        "LiBH4-70LiNBH", "LiCoO2", 60, [(0.1, 5), (0.2, 5), (0.5, 5), (1.0, 5), (0.1, 5)],
        lambda: np.r_[np.full(5, 132.46), np.full(5, 126.4), np.full(5, 107.9), np.linspace(85.6, 84.8, 5),
                      np.full(5, 132.2)], 96.2, 99.7, (3.0, 4.2), 3.00, 160.0, 120.0, "neware-ndax", "5d"),
    "cells/Li-LiBH4-70LiNBH-LCO_060C_0.5C.ndax": (
        "LiBH4-70LiNBH", "LiCoO2", 60, [(0.5, 400)], lambda: _trend(104.8, 89.5, 400, shape=1.15), 95.3, 99.8,
        (3.0, 4.2), 3.00, 160.0, 300.0, "neware-ndax", "5e"),
    "cells/Li-LiBH4-70LiNBH-LCO_060C_4.5V.mpr": (
        "LiBH4-70LiNBH", "LiCoO2", 60, [(0.2, 50)], lambda: _trend(155.0, 132.06, 50, shape=0.7), 93.0, 99.3,
        (3.0, 4.5), 3.00, 160.0, 120.0, "biologic-mpr", "S36"),
}


def lto_ocv(x, e0):
    """LTO open-circuit voltage (V vs Li) at lithiation fraction ``x`` (0..1)."""
    x = np.clip(x, 0.0, 1.0)
    return e0 - 0.015 * (x - 0.5) + 0.005 * np.log((1.01 - x) / (x + 0.01))


def _ramadass(y):
    num = -4.656 + 88.669 * y**2 - 401.119 * y**4 + 342.909 * y**6 - 462.471 * y**8 + 433.434 * y**10
    den = -1 + 18.933 * y**2 - 79.532 * y**4 + 37.311 * y**6 - 73.083 * y**8 + 95.96 * y**10
    return num / den


def lco_ocv(x):
    """LixCoO2 open-circuit voltage (V vs Li): the fit of Ramadass et al. (2004) for x >= 0.52, continued
    linearly (1.6 V per unit x) below it, plus the two order-disorder steps."""
    y = np.clip(np.asarray(x, float), 0.25, 0.995)
    base = np.where(y >= 0.52, _ramadass(np.maximum(y, 0.52)), _ramadass(0.52) + 1.6 * (0.52 - y))
    steps = 0.006 * sum(np.tanh((x0 - y) / 0.006) for x0 in LCO_STEPS_X)
    return base + steps


def lco_top(cutoff):
    """Li content x at the end of charge: where the curve reaches the cut-off less 30 mV."""
    grid = np.linspace(0.995, 0.25, 7451)
    return float(grid[np.argmax(lco_ocv(grid) >= cutoff - 0.03)])


def half_cycle(cathode, sign, capacity, s, i_ma, r_ohm, cutoffs, e0, c_rate, x_top):
    """Voltage (V) over the fraction ``s`` of one half-cycle of ``capacity`` mAh/g (sign +1 charge);
    for LiCoO2, ``x_top`` is the Li content at the end of charge and ``capacity`` the change in x."""
    low, high = cutoffs
    if cathode == "LTO":
        x = s if sign < 0 else 1.0 - s
        ocv = lto_ocv(x, e0)
        ocv_end = lto_ocv(1.0 if sign < 0 else 0.0, e0)
    else:
        span = capacity
        x = x_top + (1.0 - s) * span if sign > 0 else x_top + s * span
        ocv = lco_ocv(x)
        ocv_end = lco_ocv(x_top if sign > 0 else x_top + span)
    eta = abs(i_ma) * r_ohm / 1000.0 + 0.012 * np.arcsinh(c_rate / 0.05)
    delta = 0.02 + 0.04 * c_rate
    end = np.exp((s - 1.0) / delta)
    if sign > 0:
        return ocv + eta + (high - ocv_end - eta) * end
    return ocv - eta - (ocv_end - eta - low) * end


def lto_plateau():
    """The LTO curve's offset (V) for which the first discharge of the 60 degC, 0.05 C cell has a
    capacity-weighted mean voltage of 1.55 V (article); the other LTO cells share the curve."""
    name = "cells/Li-LiBH4-70LiNBH-LTO_060C_0.05C.ndax"
    spec = CELLS[name]
    first, _, rates = capacities(name, spec)
    i_ma = rates[0] * ONE_C["LTO"] * spec[8] * 1e-3
    s, e0 = np.linspace(0, 1, 4001), 1.55
    for _ in range(3):
        v = half_cycle("LTO", -1, first[0], s, i_ma, spec[9], spec[7], e0, rates[0], None)
        e0 += 1.55 - float(np.mean(0.5 * (v[1:] + v[:-1])))
    return e0


def capacities(name, spec):
    """(first, second) half-cycle capacities (mAh/g) and C-rate of every cycle."""
    g = rng(name + "#capacity")
    sample, cathode, _, program, reversible, ice, ce_end = spec[:7]
    rev = reversible() + g.normal(0.0, 0.1, sum(n for _, n in program))
    n = np.arange(1, rev.size + 1)
    ce = ce_end - (ce_end - 98.5) * np.exp(-(n - 2) / 3.0)
    ce[0] = ice
    first = rev / (ce / 100.0)  # LTO: discharge then charge; LiCoO2: charge then discharge
    rates = np.concatenate([np.full(k, c) for c, k in program])
    return first, rev, rates


def record(name, spec):
    """Time (s), voltage (V), current (mA), program step index, cycle, state and sign of every record."""
    g = rng(name)
    sample, cathode, t_c, program, reversible, ice, ce_end, cutoffs, mass, r_ohm, dt, fmt, panel = spec
    first, second, rates = capacities(name, spec)
    start_sign = -1 if cathode == "LTO" else 1
    x_top = lco_top(cutoffs[1]) if cathode == "LiCoO2" else None
    q_max = float(max(first.max(), second.max()))
    e0 = lto_plateau() if cathode == "LTO" else None
    t_all, v_all, i_all, step_all, cyc_all, state_all = [], [], [], [], [], []
    clock, v_last = 0.0, None
    ocv0 = 2.45 if cathode == "LTO" else lco_ocv(0.995)

    def add(times, volts, current, step, cycle, state):
        nonlocal clock
        t_all.append(clock + times)
        v_all.append(volts)
        i_all.append(np.full(times.size, current))
        step_all.append(np.full(times.size, step))
        cyc_all.append(np.full(times.size, cycle))
        state_all.extend([state] * times.size)
        clock += float(times[-1])

    def rest(v_from, v_to, step, cycle):
        times = np.r_[1.0, np.arange(dt, REST_S, dt), REST_S] if dt < REST_S else np.array([1.0, REST_S / 2, REST_S])
        add(times, v_to + (v_from - v_to) * np.exp(-times / 300.0), 0.0, step, cycle, "Rest")

    rest(ocv0, ocv0, 1, 1)
    for k in range(first.size):
        for half, (q, sign) in enumerate(((first[k], start_sign), (second[k], -start_sign))):
            i_ma = sign * rates[k] * ONE_C[cathode] * mass * 1e-3
            duration = q / (rates[k] * ONE_C[cathode]) * 3600.0
            times = np.r_[1.0, np.arange(dt, duration, dt), duration]  # a record 1 s into the step, as cyclers do
            amount = q if cathode == "LTO" else q / q_max * (0.99 - x_top)
            volts = half_cycle(cathode, sign, amount, times / duration, i_ma, r_ohm, cutoffs, e0, rates[k], x_top)
            add(times, volts, i_ma, 2 + 2 * half, k + 1, "CC_Chg" if sign > 0 else "CC_DChg")
            if cathode == "LTO":
                relaxed = lto_ocv(1.0 if sign < 0 else 0.0, e0) + (0.0 if sign < 0 else 0.2)
            else:
                relaxed = lco_ocv(x_top if sign > 0 else x_top + amount)
            rest(volts[-1], relaxed, 3 + 2 * half, k + 1)
    t = np.concatenate(t_all)
    v = np.concatenate(v_all) + g.normal(0.0, 3e-4, t.size)
    i = np.concatenate(i_all)
    i = i * (1 + g.normal(0.0, 2e-4, t.size))
    return (np.round(t, 3), np.round(v / 1e-4) * 1e-4, np.round(i / 1e-4) * 1e-4, np.concatenate(step_all),
            np.concatenate(cyc_all), state_all)


def write(path, fmt, t, v, i, step, cycle, state, remark):
    if fmt == "neware-ndax":
        write_ndax(path, t, v, i, step, cycle, state, remark=remark)
    elif fmt == "biologic-mpr":
        charge = np.r_[0.0, np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))] / 3600.0
        write_mpr(path, "GCPL", {"time/s": t, "Ewe/V": v, "<I>/mA": i, "(Q-Qo)/mA.h": charge, "Ns": step - 1})
    else:
        write_arbin_csv(path, t, v, i, step, cycle)


def generate():
    """Write the cell tests and data/manifests/cells.yaml; return the written paths."""
    files, measurements = [], []
    for name, spec in CELLS.items():
        sample, cathode, t_c, program, _, _, _, cutoffs, mass, _, dt, fmt, panel = spec
        t, v, i, step, cycle, state = record(name, spec)
        path = reference_path(name)
        write(path, fmt, t, v, i, step, cycle, state, remark=f"Li|{sample}|{cathode} {t_c} degC")
        files.append(path)
        rates = sorted({c for c, _ in program})
        measurements.append({
            "id": f"cell-{sample}-{cathode}-{t_c}C-{path.stem.split('_')[-1]}", "kind": "cell", "sample": sample,
            "file": name, "format": fmt,
            "conditions": {"cell": f"Li|{sample}|{cathode}", "electrode": cathode, "temperature_C": t_c,
                           "active_mass_mg": mass, "active_mass_stderr_mg": 0.01,
                           "one_c_mA_g": ONE_C[cathode], "c_rates": rates,
                           "cutoff_V": list(cutoffs), "area_cm2": AREA_CM2, "panel": panel,
                           "assumed": "cut-off voltages, active mass, rests and sampling (not stated in the article)"}})
    write_manifest("cells", "Galvanostatic cycling of Li|SSE|LTO and Li|SSE|LiCoO2 cells (reference data: generated)",
                   measurements)
    return files
