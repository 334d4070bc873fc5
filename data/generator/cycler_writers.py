"""Writers of cycler files in BioLogic EC-Lab's layouts: the ``.mpt`` ASCII export and the ``.mpr``
binary (a 'VMP Set' module whose first byte is the technique, and a version-2 'VMP data' module, as
galvani reads them). Deterministic: fixed dates, fixed number formatting."""

import struct
from datetime import datetime, timedelta

import numpy as np

TECHNIQUE_NAMES = {"CV": "Cyclic Voltammetry", "GCPL": "Galvanostatic Cycling with Potential Limitation",
                   "CA": "Chronoamperometry / Chronocoulometry", "CP": "Chronopotentiometry"}
TECHNIQUE_CODES = {"GCPL": 0x04, "CV": 0x06, "CA": 0x18, "CP": 0x19}
# EC-Lab column name -> (.mpr column id, dtype, .mpt format)
COLUMNS = {"time/s": (4, "<f8", "{:.15E}"), "control/V": (19, "<f4", "{:.7E}"), "Ewe/V": (6, "<f4", "{:.7E}"),
           "<I>/mA": (11, "<f8", "{:.15E}"), "(Q-Qo)/mA.h": (13, "<f8", "{:.15E}"), "Ns": (131, "<u2", "{:d}")}
DATE = "11/14/2024 09:30:00"
MPR_DATE = b"11/14/24"  # the module header's date field, MM/DD/YY
START = datetime(2024, 11, 14, 9, 30)


def _ordered(columns):
    unknown = set(columns) - set(COLUMNS)
    if unknown:
        raise ValueError(f"no writer for columns {sorted(unknown)}")
    return [name for name in COLUMNS if name in columns]


def write_mpt(path, technique, columns, comments="", decimal=","):
    """An EC-Lab ASCII export: header lines (technique, device, comments), then tab-separated rows."""
    names = _ordered(columns)
    header = ["EC-Lab ASCII FILE", "", "", TECHNIQUE_NAMES[technique], "", "Run on channel : 3 (SN 10608)",
              "User : ", "Device : VMP3 (SN 0509)", f"Acquisition started on : {DATE}",
              "EC-Lab for windows v11.50 (software)", f"Comments : {comments}",
              "Electrode surface area : 0.785 cm²", "Cycle Definition : Charge/Discharge alternance", ""]
    header[1] = f"Nb header lines : {len(header) + 1}"
    lines = header + ["\t".join(names) + "\t"]
    values = [np.asarray(columns[n]) for n in names]
    formats = [COLUMNS[n][2] for n in names]
    for row in zip(*values):
        text = "\t".join(f.format(int(v) if f == "{:d}" else float(v)) for f, v in zip(formats, row))
        lines.append(text.replace(".", decimal) if decimal != "." else text)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))


def write_mpr(path, technique, columns):
    """An EC-Lab ``.mpr`` binary readable by galvani (``MPRfile``)."""
    names = _ordered(columns)
    n = len(np.asarray(columns[names[0]]))
    magic = b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\x00\x00\x00\x00"

    def module(short, long, version, data):
        return (b"MODULE" + short.ljust(10) + long.ljust(25) + struct.pack("<II", len(data), version)
                + MPR_DATE + data)

    ids = [COLUMNS[name][0] for name in names]
    head = (struct.pack("<IB", n, len(ids)) + struct.pack(f"<{len(ids)}H", *ids)).ljust(405, b"\x00")
    record = np.dtype([(name, COLUMNS[name][1]) for name in names])
    rows = np.zeros(n, record)
    for name in names:
        rows[name] = columns[name]
    settings = bytes([TECHNIQUE_CODES[technique]]) + bytes(199)
    path.write_bytes(magic + module(b"VMP Set", b"VMP settings", 0, settings)
                     + module(b"VMP data", b"VMP data", 2, head + rows.tobytes()))


def write_chi(path, potential_V, current_mA, vertices, rate_V_s, model):
    """A CH Instruments CV text export: date, technique, parameters, then 'Potential/V, Current/A'."""
    high, low = max(vertices), min(vertices)
    head = ["Nov. 14, 2024   09:30:00", "Cyclic Voltammetry", "File:  C:\\CHI\\cv.bin", "Data Source:  Experiment",
            f"Instrument Model:  {model}", "Header:", "Note:", "", f"Init E (V) = {vertices[0]:g}",
            f"High E (V) = {high:g}", f"Low E (V) = {low:g}", f"Init P/N = {'P' if vertices[1] > vertices[0] else 'N'}",
            f"Scan Rate (V/s) = {rate_V_s:g}", f"Segment = {len(vertices) - 1}", "Sample Interval (V) = 0.001",
            "Quiet Time (sec) = 2", "Sensitivity (A/V) = 1e-4", "", "Potential/V, Current/A", ""]
    rows = [f"{e:.3f}, {i * 1e-3:.4e}" for e, i in zip(potential_V, current_mA)]
    path.write_bytes(("\r\n".join(head + rows) + "\r\n").encode("latin-1"))


def write_neware_csv(path, time_s, voltage_V, current_mA, step, cycle):
    """A Neware BTS record export (CSV): the columns and number formats of BTS 8, current in A to
    0.01 uA, voltage to 0.1 mV, times as h:mm:ss (step time and cumulative time); ``step`` and
    ``cycle`` are the program's step and cycle index of every record."""
    t = np.asarray(time_s, float)
    step = np.asarray(step, int)
    current_a = np.asarray(current_mA, float) * 1e-3
    starts = np.r_[0, np.flatnonzero(np.diff(step)) + 1]
    step_start = t[starts][np.cumsum(np.r_[0, np.diff(step) != 0])]
    dt = np.diff(np.r_[0.0, t])
    capacity = np.cumsum(np.abs(current_a) * dt / 3600.0)  # Ah, the Neware capacity counts both ways up
    capacity -= np.r_[0.0, capacity][starts][np.cumsum(np.r_[0, np.diff(step) != 0])]

    def hms(seconds):
        s = int(round(seconds))
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"

    kinds = np.where(current_a > 1e-9, "CC Chg", np.where(current_a < -1e-9, "CC DChg", "Rest"))
    lines = ["DataPoint,Cycle Index,Step Index,Step Type,Time,Cumulative Time,Current(A),Voltage(V),Capacity(Ah),"
             "Date"]
    for k in range(t.size):
        date = (START + timedelta(seconds=int(round(t[k])))).strftime("%Y-%m-%d %H:%M:%S")
        lines.append(f"{k + 1},{cycle[k]},{step[k]},{kinds[k]},{hms(t[k] - step_start[k])},{hms(t[k])},"
                     f"{current_a[k]:.8f},{voltage_V[k]:.4f},{capacity[k]:.8f},{date}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))
