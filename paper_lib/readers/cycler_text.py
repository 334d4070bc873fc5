"""Cycler exports as text: record tables (Neware, Arbin, LAND, or any CSV) and CH Instruments CV.

**Record tables** (``cycler-csv``): one row per record, columns found by name (case and spacing
ignored), units from the name: time ``Test_Time(s)`` (Arbin), ``Cumulative Time`` or
``Total Time`` (Neware, ``h:mm:ss``), ``TestTime``/``Test Time`` (LAND), ``Time(s)``, ``time/s``;
voltage ``Voltage(V)``, ``Voltage/V``, ``Ewe/V``, ``Potential/V`` (V or mV); current
``Current(A)``, ``Current(mA)``, ``Current/mA``, ``Current(uA)``; step ``Step_Index``, ``Step
Index``, ``Step``. Comma, semicolon or tab separated; with semicolons, decimal commas. A preamble
before the header row is skipped. The charge is the file's capacity counters when it has them
(``Charge_Capacity(Ah)`` less ``Discharge_Capacity(Ah)``, Arbin's, which restart at every cycle, made
continuous), else it is integrated from the current; analyses integrate the current themselves.

**CH Instruments** (``chi-txt``): the CHI text export of a CV or LSV (date, technique, parameters
such as ``Scan Rate (V/s) = 0.1``, then ``Potential/V, Current/A[, Charge/C][, Time/s]`` and the
rows, possibly split into ``Segment n:`` blocks). Without a time column the time follows from the
potential path and the scan rate. Currents in A are given in mA.
"""

import re
from pathlib import Path

import numpy as np

from .. import cycler
from ..errors import InputError
from ._eis_common import read_text

TIME = ("testtime(s)", "test_time(s)", "cumulativetime", "totaltime", "testtime", "time(s)", "time/s",
        "time/sec", "time")
VOLTAGE = ("voltage(v)", "voltage/v", "voltage(mv)", "voltage/mv", "ewe/v", "potential/v", "potential(v)",
           "voltage")
CURRENT = ("current(ma)", "current/ma", "current(a)", "current/a", "current(ua)", "current/ua", "current(µa)",
           "current/µa", "current")
STEP = ("step_index", "stepindex", "step", "stepid")
CHARGE_COUNTER = ("charge_capacity(ah)", "charge_capacity(mah)", "chargecapacity(ah)", "chargecapacity(mah)")
DISCHARGE_COUNTER = ("discharge_capacity(ah)", "discharge_capacity(mah)", "dischargecapacity(ah)",
                     "dischargecapacity(mah)")
SCALE = {"a": 1e3, "ma": 1.0, "ua": 1e-3, "µa": 1e-3, "v": 1.0, "mv": 1e-3}


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name.strip().lower())


def _find(keys, candidates):
    """Index of the first header key among ``candidates`` (in their order of preference)."""
    for wanted in candidates:
        if wanted in keys:
            return keys.index(wanted)
    return None


def _unit_scale(key, default):
    match = re.search(r"[(/]\s*(a|ma|ua|µa|v|mv)\)?$", key)
    return SCALE[match.group(1)] if match else default


def _header(path, lines):
    """``(line index, separator, keys)`` of the first row naming a time, a voltage and a current."""
    for k, text in enumerate(lines[:200]):
        for sep in (",", "\t", ";"):
            keys = [_key(f) for f in text.split(sep)]
            if len(keys) > 2 and all(_find(keys, c) is not None for c in (TIME, VOLTAGE, CURRENT)):
                return k, sep, keys
    raise InputError(path, "expected a header row naming time, voltage and current columns "
                           "(e.g. 'Test_Time(s),Current(A),Voltage(V)') in the first 200 lines")


def _seconds(column, path, line0, field):
    """Times as seconds: numbers, or durations ``h:mm:ss(.f)`` (hours past 24 too), ``d days h:mm:ss``
    or ``d-h:mm:ss`` (pandas' vectorised timedelta parser)."""
    import pandas as pd

    if column.dtype.kind in "fiu":
        return column.to_numpy(float)
    text = column.astype(str).str.strip()
    if text.str.match(r"^\d+-\d").any():  # Neware's d-hh:mm:ss, which pandas would read as a difference
        text = text.str.replace(r"^(\d+)-", r"\1 days ", regex=True)
    durations = pd.to_timedelta(text, errors="coerce")
    if durations.isna().any():
        row = int(np.flatnonzero(durations.isna().to_numpy())[0])
        raise InputError(path, f"expected a time in s or h:mm:ss, got {column.iloc[row]!r}", line=line0 + row,
                         field=field)
    return durations.dt.total_seconds().to_numpy(float)


def _require_file(path, what):
    if not path.is_file():
        raise InputError(path, f"not a file: expected {what}")


def _head(path, n=200):
    """The first ``n`` lines of a text file (UTF-8, else Latin-1)."""
    _require_file(path, "a cycler record table (CSV or tab-separated text)")
    with open(path, "rb") as handle:
        raw = b"".join(handle.readline() for _ in range(n))
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return raw.decode("latin-1").splitlines()


def read_records(path):
    """Read a record table export (Neware, Arbin, LAND CSV) into the canonical cycler Dataset."""
    import pandas as pd

    path = Path(path)
    row, sep, keys = _header(path, _head(path))
    decimal = "," if sep == ";" else "."
    columns = {name: _find(keys, candidates) for name, candidates in
               (("time", TIME), ("voltage", VOLTAGE), ("current", CURRENT), ("step", STEP),
                ("charged", CHARGE_COUNTER), ("discharged", DISCHARGE_COUNTER))}
    used = sorted(i for i in columns.values() if i is not None)
    try:
        frame = pd.read_csv(path, sep=sep, header=None, skiprows=row + 1, decimal=decimal, usecols=used,
                            skip_blank_lines=True, encoding="latin-1", engine="c")
    except ValueError as exc:
        raise InputError(path, f"unreadable rows after the header ({exc})", line=row + 2) from None
    if frame.empty:
        raise InputError(path, "no rows after the header", line=row + 1)
    values = {}
    for name, index in columns.items():
        if index is None:
            continue
        column = frame[index]
        if name == "time":
            values[name] = _seconds(column, path, row + 2, keys[index])
            continue
        numbers = column if column.dtype.kind in "fiu" else pd.to_numeric(column, errors="coerce")
        if numbers.isna().any():
            bad = int(np.flatnonzero(numbers.isna().to_numpy())[0])
            raise InputError(path, f"expected a number, got {column.iloc[bad]!r}", line=row + 2 + bad, field=keys[index])
        values[name] = numbers.to_numpy(float)
    current = values["current"] * _unit_scale(keys[columns["current"]], 1.0)
    voltage = values["voltage"] * _unit_scale(keys[columns["voltage"]], 1.0)
    step = values["step"].astype(int) if "step" in values else None
    charge = None
    if "charged" in values and "discharged" in values:  # Arbin's counters, restarting at every cycle
        scale = 1e3 if keys[columns["charged"]].endswith("(ah)") else 1.0
        counted = (np.abs(values["charged"]) - np.abs(values["discharged"])) * scale
        charge = cycler.stitch_counter(values["time"], current, counted)
    return cycler.dataset(values["time"], voltage, current, step=step, charge_mAh=charge,
                          attrs={"format": "cycler-csv", "columns": ", ".join(keys[i] for i in used)})


def read_chi(path):
    """Read a CH Instruments CV/LSV text export into the canonical cycler Dataset (s, V, mA)."""
    path = Path(path)
    _require_file(path, "a CH Instruments text export")
    lines = read_text(path)
    start = next((k for k, t in enumerate(lines) if t.strip().lower().startswith("potential/v")), None)
    if start is None:
        raise InputError(path, "expected a 'Potential/V, Current/A' header line (a CH Instruments export)")
    names = [_key(n) for n in lines[start].split(",")]
    if len(names) < 2 or names[1] != "current/a":
        raise InputError(path, f"expected 'Current/A' after 'Potential/V', got {lines[start]!r}", line=start + 1)
    params = _chi_parameters(lines[:start])
    rows, numbers = [], []
    for k in range(start + 1, len(lines)):
        text = lines[k].strip()
        if not text or text.lower().startswith("segment"):
            continue
        fields = [f for f in re.split(r"[,\t ]+", text) if f]  # "Save as" .csv: commas; .txt: some tabs
        try:
            rows.append([float(f) for f in fields[:len(names)]])
        except ValueError:
            raise InputError(path, f"expected {len(names)} numbers, got {text!r}", line=k + 1) from None
        if len(rows[-1]) != len(names):
            raise InputError(path, f"expected {len(names)} values, got {len(rows[-1])} (truncated?)", line=k + 1)
        numbers.append(k + 1)
    if not rows:
        raise InputError(path, "no data rows after the header", line=start + 1)
    data = np.array(rows)
    e, i = data[:, 0], data[:, 1] * 1e3
    if "time/s" in names:
        t = data[:, names.index("time/s")]
    elif params.get("scan_rate_V_s"):
        t = np.r_[0.0, np.cumsum(np.abs(np.diff(e)))] / params["scan_rate_V_s"]
    else:
        raise InputError(path, "no 'Time/s' column and no 'Scan Rate (V/s)' parameter to derive the time from")
    return cycler.dataset(t, e, i, by="sweep", step=np.ones(e.size, int),
                          attrs={"format": "chi-txt", "instrument_software": "CH Instruments", **params})


def _chi_parameters(header):
    """Technique, instrument and sweep parameters of a CHI header (``name = value`` lines)."""
    found = {}
    keys = {"scan rate (v/s)": "scan_rate_V_s", "init e (v)": "initial_V", "high e (v)": "high_V",
            "low e (v)": "low_V", "segment": "segments", "sample interval (v)": "sample_interval_V"}
    for text in header:
        name, sep, value = text.partition("=")
        if sep and name.strip().lower() in keys:
            try:
                found[keys[name.strip().lower()]] = float(value)
            except ValueError:
                pass
        elif text.strip().lower().startswith("instrument model"):
            found["instrument"] = text.partition(":")[2].strip()
    technique = next((t.strip() for t in header[1:3] if "voltammetry" in t.lower()), None)
    if technique:
        found["technique"] = technique
    return found
