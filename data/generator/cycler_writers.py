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


NEWARE_STATUS = {"CC_Chg": 1, "CC_DChg": 2, "Rest": 4}
NDC_PAGE = 4096


def _ndc(filetype, record, rows):
    """A Neware ``.ndc`` member, version 14: a 4096-byte header (file type, version), then 4096-byte
    pages whose records start at byte 132 and leave the page's last bytes free, as BTS 8 writes them."""
    size = struct.calcsize(record)
    per_page = (NDC_PAGE - 132 - 4) // size
    header = bytearray(NDC_PAGE)
    header[0], header[2] = filetype, 14
    pages = [bytes(header)]
    for start in range(0, len(rows), per_page):
        body = b"".join(struct.pack(record, *row) for row in rows[start:start + per_page])
        pages.append((bytes(132) + body).ljust(NDC_PAGE, b"\x00"))
    return b"".join(pages)


def _neware_xml(kind, body):
    return ('<?xml version="1.0" encoding="GB2312"?>\r\n<root>\r\n'
            f'  <config type="{kind}" version="1" date="20241114093000">\r\n{body}  </config>\r\n</root>\r\n')


def write_ndax(path, time_s, voltage_V, current_mA, step_index, cycle, status, remark=""):
    """A Neware BTS 8 ``.ndax`` (a zip of ``.ndc`` record files, version 14, as NewareNDA reads them):
    ``data.ndc`` voltage (V) and current (A) as float32; ``data_runInfo.ndc`` step time (ms), charge and
    discharge capacities (Ah) and energies (Wh) counted within each step, the record interval (ms), the
    wall-clock time (s, ms) and the step and record numbers; ``data_step.ndc`` one row per step with
    the cycle (from 0), the program's step index and the step's state (``NEWARE_STATUS``). Times are
    whole milliseconds; ``remark`` goes into TestInfo.xml."""
    import zipfile

    t = np.round(np.asarray(time_s, float) * 1000.0).astype(np.int64)
    v, i = np.asarray(voltage_V, float), np.asarray(current_mA, float) * 1e-3
    step_index = np.asarray(step_index, int)
    new_step = np.r_[True, np.diff(step_index) != 0]
    step = np.cumsum(new_step)
    first = np.flatnonzero(new_step)
    step_start = t[np.maximum(first - 1, 0)][step - 1]  # a step starts when the one before it ends
    dt = np.diff(np.r_[t[0], t])
    q = 0.5 * (i + np.r_[i[0], i[:-1]]) * dt / 3.6e6  # Ah per interval
    q[new_step] = i[new_step] * dt[new_step] / 3.6e6  # a step's first interval is its own
    e = q * 0.5 * (v + np.r_[v[0], v[:-1]])
    counted = [np.zeros_like(q) for _ in range(4)]
    for a, b in zip(first, np.r_[first[1:], t.size]):
        for k, x in enumerate((np.clip(q, 0, None), -np.clip(q, None, 0), np.clip(e, 0, None), -np.clip(e, None, 0))):
            counted[k][a:b] = np.cumsum(x[a:b])
    clock = int(START.timestamp()) * 1000 + t
    data = _ndc(1, "<ff", [(float(a), float(b)) for a, b in zip(v, i)])
    run = _ndc(18, "<ixffff8xiiiih8x", [
        (int(t[k] - step_start[k]), float(counted[0][k]), float(counted[1][k]), float(counted[2][k]),
         float(counted[3][k]), int(dt[k]), int(clock[k] // 1000), int(step[k]), k + 1, int(clock[k] % 1000))
        for k in range(t.size)])
    steps = _ndc(7, "<ii16sb12x", [(int(cycle[a]) - 1, int(step_index[a]), bytes(16), NEWARE_STATUS[status[a]])
                                    for a in first])
    version = _neware_xml("Version Info File", '    <ZwjVersion SvrVer="BTSServer(R3)-8.0.0.390 (2024.06.24)" '
                          'CurrClientVer="BTS Client 8.0.0.513(2023.11.27)" ZwjVersion="4S_8.0.8.0_20240613_154744" '
                          'MainXwjVer="M03310303_230428_174956_FD4FS" AuxXwjCount="0" />\r\n')
    info = _neware_xml("Test Info File", f'    <TestInfo StartTime="{START:%Y-%m-%d %H:%M:%S}" DevID="27" '
                       f'UnitID="1" ChlID="3" Remarks="{remark}" />\r\n')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, payload in (("VersionInfo.xml", version.encode("gb2312")), ("TestInfo.xml", info.encode("gb2312")),
                              ("data.ndc", data), ("data_runInfo.ndc", run), ("data_step.ndc", steps)):
            member = zipfile.ZipInfo(name, date_time=(2024, 11, 14, 9, 30, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, payload, compresslevel=9)


def write_arbin_csv(path, time_s, voltage_V, current_mA, step_index, cycle):
    """An Arbin MITS Pro channel sheet saved as CSV: test and step times (s), the date, step and cycle
    index, current (A), voltage (V), charge and discharge capacities (Ah) and energies (Wh) counted
    within each cycle (restarting at a new cycle index), as MITS Pro exports them."""
    t = np.asarray(time_s, float)
    v, i = np.asarray(voltage_V, float), np.asarray(current_mA, float) * 1e-3
    step_index = np.asarray(step_index, int)
    new_step = np.r_[True, np.diff(step_index) != 0]
    step_start = t[np.maximum(np.flatnonzero(new_step) - 1, 0)][np.cumsum(new_step) - 1]
    q = np.r_[0.0, 0.5 * (i[1:] + i[:-1]) * np.diff(t) / 3600.0]
    e = q * np.r_[v[0], 0.5 * (v[1:] + v[:-1])]
    cycle = np.asarray(cycle, int)
    starts = np.flatnonzero(np.r_[True, np.diff(cycle) != 0])

    run = np.cumsum(np.r_[True, np.diff(cycle) != 0]) - 1

    def per_cycle(x):  # MITS Pro restarts its counters at every new cycle index
        total = np.cumsum(x)
        return total - np.r_[0.0, total][starts][run]

    qc, qd = per_cycle(np.clip(q, 0, None)), per_cycle(-np.clip(q, None, 0))
    ec, ed = per_cycle(np.clip(e, 0, None)), per_cycle(-np.clip(e, None, 0))
    rows = ["Data_Point,Test_Time(s),Date_Time,Step_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),"
            "Charge_Capacity(Ah),Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),dV/dt(V/s),"
            "Internal_Resistance(Ohm),Is_FC_Data,AC_Impedance(Ohm),ACI_Phase_Angle(Deg)"]
    for k in range(t.size):
        date = (START + timedelta(seconds=float(t[k]))).strftime("%m/%d/%Y %H:%M:%S")
        rows.append(f"{k + 1},{t[k]:.4f},{date},{t[k] - step_start[k]:.4f},{step_index[k]},{cycle[k]},"
                    f"{i[k]:.9E},{v[k]:.6f},{qc[k]:.9E},{qd[k]:.9E},{ec[k]:.9E},{ed[k]:.9E},0,0,0,0,0")
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("ascii"))
