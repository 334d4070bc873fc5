"""BioLogic EC-Lab cycler data (CV, LSV, GCPL, CA, CP, ...): ``.mpt`` text and ``.mpr`` binary.

Both give the canonical cycler Dataset of :mod:`paper_lib.cycler`. Columns are taken by their EC-Lab
names, whichever the technique wrote: time ``time/s``; voltage ``Ewe/V`` or ``<Ewe>/V`` (else
``Ecell/V``); current ``<I>/mA`` or ``I/mA`` (µA and A scaled), or, when a file holds none (some
GCPL ``.mpr``), the derivative of ``(Q-Qo)``; charge ``(Q-Qo)/mA.h`` or ``(Q-Qo)/C``; the technique's
step counter ``Ns``. Voltammetry (the technique's name, or the technique byte of an ``.mpr``) is
split into half-cycles by sweep direction, of ``control/V`` when present; everything else by current.

``.mpt`` rows are parsed by pandas' C parser (decimal points or commas), so a million rows read in
about a second (benchmarks/read_speed.py).
"""

from pathlib import Path

import numpy as np

from .. import cycler
from ..errors import InputError
from ._biologic import mpt_header, open_mpr, read_bytes
from ._eis_common import read_text

VOLTAGE = ("Ewe/V", "<Ewe>/V", "Ecell/V", "<Ecell>/V")
CURRENT = {"<I>/mA": 1.0, "I/mA": 1.0, "<I>/µA": 1e-3, "I/µA": 1e-3, "<I>/uA": 1e-3, "I/uA": 1e-3,
           "<I>/A": 1e3, "I/A": 1e3}
CHARGE = {"(Q-Qo)/mA.h": 1.0, "(Q-Qo)/C": 1 / 3.6}
# technique byte of the settings module of an .mpr (as EC-Lab numbers its techniques)
MPR_TECHNIQUES = {0x04: "GCPL", 0x06: "CV", 0x0B: "OCV", 0x16: "MP", 0x18: "CA", 0x19: "CP", 0x1C: "WAIT",
                  0x30: "CV", 0x33: "CVA", 0x6C: "LSV", 0x77: "GCPL", 0x7F: "MB", 0x88: "BCD"}
SWEEP_TECHNIQUES = ("CV", "CVA", "LSV", "Cyclic Voltammetry", "Linear Sweep Voltammetry")


def _is_sweep(technique) -> bool:
    return bool(technique) and any(technique.strip().startswith(t) for t in SWEEP_TECHNIQUES)


def from_columns(path, columns, technique, fmt, **attrs):
    """The canonical Dataset from ``{EC-Lab column name: values}``."""
    names = list(columns)
    if "time/s" not in names:
        raise InputError(path, f"expected a column 'time/s' in {names}", field="time/s")
    voltage = next((n for n in VOLTAGE if n in names), None)
    if voltage is None:
        raise InputError(path, f"expected a voltage column, one of {list(VOLTAGE)}, in {names}", field="Ewe/V")
    t = np.asarray(columns["time/s"], float)
    charge_name = next((n for n in CHARGE if n in names), None)
    charge = np.asarray(columns[charge_name], float) * CHARGE[charge_name] if charge_name else None
    current_name = next((n for n in CURRENT if n in names), None)
    if current_name is not None:
        current = np.asarray(columns[current_name], float) * CURRENT[current_name]
    elif charge is not None:  # the mean current over each recording interval, as <I> is
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(np.diff(t) > 0, np.diff(charge) / np.diff(t), 0.0) * 3600.0
        current = np.r_[rate[:1], rate] if rate.size else np.zeros_like(t)
        attrs["current_from"] = f"change of {charge_name} over each interval (the file has no current column)"
    else:
        raise InputError(path, f"expected a current column, one of {list(CURRENT)}, in {names}", field="I/mA")
    for name, values in (("time/s", t), (voltage, columns[voltage]), (current_name or charge_name, current)):
        bad = np.flatnonzero(~np.isfinite(np.asarray(values, float)))
        if bad.size:
            raise InputError(path, f"expected finite values, got {np.asarray(values)[bad[0]]} in record {bad[0] + 1}",
                             field=name)
    sweep = _is_sweep(technique)
    step = np.asarray(columns["Ns"], int) + 1 if "Ns" in names else None
    ds = cycler.dataset(t, np.asarray(columns[voltage], float), current, charge_mAh=charge, step=step,
                        by="sweep" if sweep else "current",
                        attrs={"format": fmt, "instrument_software": "EC-Lab", "technique": technique or "",
                               "voltage_column": voltage, **attrs})
    if sweep and "control/V" in names:  # the set potential sweeps without noise
        half = cycler.half_cycles_from_sweep(np.asarray(columns["control/V"], float))
        ds = ds.assign_coords(half_cycle=("time", half, ds.half_cycle.attrs),
                              cycle=("time", cycler.cycles_from_half_cycles(half), ds.cycle.attrs))
    return ds


def read_mpt(path):
    """Read an EC-Lab ``.mpt`` text export of a cycler technique (V, mA, mAh, s)."""
    import pandas as pd

    path = Path(path)
    read_bytes(path, "an EC-Lab .mpt text export")
    lines = read_text(path)
    if not lines or lines[0].strip() != "EC-Lab ASCII FILE":
        raise InputError(path, "expected 'EC-Lab ASCII FILE'", line=1)
    n_header, attrs = mpt_header(path, lines)
    names = [n.strip() for n in lines[n_header - 1].split("\t")]
    first = next((t for t in lines[n_header:] if t.strip()), None)
    if first is None:
        raise InputError(path, "no data rows after the header", line=n_header)
    decimal = "," if "," in first and "." not in first else "."
    wanted = [n for n in names if n in ("time/s", "Ns", "control/V", *VOLTAGE, *CURRENT, *CHARGE)]
    try:
        frame = pd.read_csv(path, sep="\t", skiprows=n_header - 1, header=0, usecols=lambda c: c.strip() in wanted,
                            decimal=decimal, encoding="latin-1", engine="c", skip_blank_lines=True)
    except ValueError as exc:
        raise InputError(path, f"unreadable data rows ({exc})", line=n_header + 1) from None
    frame.columns = [c.strip() for c in frame.columns]
    _check_numeric(path, frame, n_header)
    technique = attrs.pop("technique", "")
    return from_columns(path, {c: frame[c].to_numpy() for c in frame.columns}, technique, "biologic-mpt", **attrs)


def _check_numeric(path, frame, n_header):
    """Every value a finite number: else name the first bad line and column."""
    import pandas as pd

    for column in frame.columns:
        values = frame[column]
        numbers = values if values.dtype.kind in "fiu" else pd.to_numeric(values, errors="coerce")
        bad = ~np.isfinite(numbers.to_numpy(float))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(path, f"expected a number, got {str(values.iloc[row])!r} (not finite, truncated or garbled row?)",
                             line=n_header + 1 + row, field=column)


def read_mpr(path):
    """Read an EC-Lab ``.mpr`` binary file of a cycler technique with galvani (V, mA, mAh, s)."""
    path = Path(path)
    mpr = open_mpr(path)
    settings = next(m for m in mpr.modules if m["shortname"] == b"VMP Set   ")
    code = settings["data"][0] if settings["data"] else None
    technique = MPR_TECHNIQUES.get(code, f"technique 0x{code:02x}" if code is not None else "")
    columns = {name: mpr.data[name] for name in mpr.data.dtype.names}
    return from_columns(path, columns, technique, "biologic-mpr", started=str(mpr.startdate))
