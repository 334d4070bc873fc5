"""Rigaku SmartLab / MiniFlex powder patterns: text ``.ras`` and zipped ``.rasx``.

``.ras`` (text; header values may be Shift-JIS, read as Latin-1 when not UTF-8)::

    *RAS_DATA_START
    *RAS_HEADER_START
    *MEAS_SCAN_AXIS_X "TwoThetaOmega"     *MEAS_SCAN_START "10.0000"  *MEAS_SCAN_STEP "0.0200"
    *MEAS_SCAN_SPEED "2.0000"   *MEAS_SCAN_SPEED_UNIT "deg/min"   *MEAS_SCAN_MODE "CONTINUOUS"
    *MEAS_SCAN_UNIT_Y "counts"  *MEAS_DATA_COUNT "3501"   *HW_XG_TARGET_NAME "Cu"
    *HW_XG_WAVE_LENGTH_ALPHA1 "1.540593"  *HW_XG_WAVE_LENGTH_ALPHA2 "1.544414" ...
    *RAS_HEADER_END
    *RAS_INT_START
    10.0000 170.55 1.0000          (angle, intensity, attenuator coefficient)
    *RAS_INT_END
    *RAS_DATA_END

``.rasx`` (a zip): ``Data0/Profile0.txt`` holds the same three tab-separated columns;
``Data0/MesurementConditions0.xml`` (Rigaku's spelling) holds ``ScanInformation``
(``AxisName``, ``Start``, ``Stop``, ``Step``, ``Speed``, ``SpeedUnit``, ``Mode``,
``IntensityUnit``) and ``XrayGenerator`` (``TargetName``, ``WavelengthKalpha1``/``2``).

Both return the XRD Dataset of :mod:`paper_lib.readers.xrd`: ``two_theta`` in degrees,
``intensity`` = column 2 × attenuator coefficient, in ``counts`` (per step) or ``counts/s``
(``cps``) as the file says; ``count_time_s`` is the counting time per step (step/speed·60 for a
continuous scan in deg/min, the speed itself for a step scan timed in seconds). Only the first
scan is read (``attrs["n_scans"]``).
"""

import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ..errors import InputError
from .xrd import _dataset

_PROFILE, _CONDITIONS = "Data0/Profile0.txt", "Data0/MesurementConditions0.xml"
_MAX_MEMBER = 256 * 2**20  # bytes; a larger zip member is refused (corrupt or a zip bomb)
_HEADER = re.compile(r'^\*(\w+)\s+"(.*)"\s*$')
_UNITS = {"counts": "counts", "cts": "counts", "count": "counts", "cps": "counts/s", "counts/s": "counts/s"}


def _is_ras(path, head):
    return head.lstrip(b"\xef\xbb\xbf").lstrip().startswith((b"*RAS_DATA_START", b"*RAS_HEADER_START"))


def _is_rasx(path, head):
    """A zip whose local headers name Rigaku's ``Data0/Profile0.txt`` or ``MesurementConditions0.xml``."""
    return head.startswith(b"PK\x03\x04") and (_PROFILE.encode() in head or b"MesurementConditions" in head)


SNIFF = {"rigaku-ras": _is_ras, "rigaku-rasx": _is_rasx}


def _decode(raw):
    raw = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _number(path, text, field, line=None):
    try:
        return float(text)
    except (TypeError, ValueError):
        raise InputError(path, f"expected a number, got {text!r}", field=field, line=line) from None


def _is_float(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def _rows(path, lines, first_line):
    """Angle, intensity × attenuator from ``x y [att]`` lines (numbered from ``first_line``)."""
    x, y = [], []
    for number, line in enumerate(lines, start=first_line):
        parts = line.split()
        if not parts:
            continue
        if len(parts) not in (2, 3):
            raise InputError(path, f"expected 'angle intensity [attenuator]', got {line.strip()[:60]!r}", line=number)
        values = [float(p) if _is_float(p) else _number(path, p, "data row", number) for p in parts]
        if not all(np.isfinite(values)):
            raise InputError(path, "expected finite numbers", line=number)
        x.append(values[0])
        y.append(values[1] * (values[2] if len(values) == 3 else 1.0))
    return np.array(x), np.array(y)


def _count_time(path, step, speed, unit, mode, field):
    if speed is None:
        return None
    unit = (unit or "").lower()
    if "min" in unit and "deg" in unit:
        return abs(step) / speed * 60.0 if speed > 0 else None
    if unit in ("s", "sec", "second", "seconds") or (mode or "").upper() == "STEP":
        return speed
    raise InputError(path, f"expected a scan speed in deg/min or s, got unit {unit!r}", field=field)


def _attrs(path, units_text, target, ka1, ka2, time, axis, field):
    units = _UNITS.get((units_text or "counts").strip().lower())
    if units is None:
        raise InputError(path, f"expected intensity unit 'counts' or 'cps', got {units_text!r}", field=field)
    attrs = {"anode": target, "wavelength_A": ka1, "wavelength_ka2_A": ka2, "count_time_s": time, "scan_axis": axis}
    return units, {k: v for k, v in attrs.items() if v not in (None, "")}


def read_ras(path):
    """Read the first scan of a Rigaku ``.ras`` file into the XRD Dataset (see module docstring).

    Raises :class:`InputError` naming the file and line or header field for a missing
    ``*RAS_INT_START``/``*RAS_INT_END`` (truncated file), text among the numbers, or a
    ``*MEAS_DATA_COUNT`` that differs from the rows found.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    lines = _decode(path.read_bytes()).splitlines()
    if not lines or not _is_ras(path, lines[0].encode("utf-8", "replace")):
        raise InputError(path, "expected '*RAS_DATA_START' or '*RAS_HEADER_START' on the first line", line=1)
    starts = [i for i, line in enumerate(lines) if line.strip() == "*RAS_INT_START"]
    if not starts:
        raise InputError(path, "expected a '*RAS_INT_START' line", field="RAS_INT_START")
    begin = starts[0] + 1
    end = next((i for i in range(begin, len(lines)) if lines[i].startswith("*")), None)
    if end is None or lines[end].strip() != "*RAS_INT_END":
        raise InputError(path, "no '*RAS_INT_END' after the data: truncated file?", field="RAS_INT_END",
                         line=len(lines))
    header = {}
    for line in lines[:starts[0]]:
        match = _HEADER.match(line.strip())
        if match:
            header[match[1]] = match[2]
    x, y = _rows(path, lines[begin:end], begin + 1)
    declared = header.get("MEAS_DATA_COUNT")
    if declared is not None and int(_number(path, declared, "MEAS_DATA_COUNT")) != x.size:
        raise InputError(path, f"MEAS_DATA_COUNT={declared} but {x.size} data rows", field="MEAS_DATA_COUNT")
    if x.size < 2:
        raise InputError(path, "expected at least two data rows", field="RAS_INT_START")
    get = header.get
    ka1, ka2 = (_number(path, get(k), k) if get(k) else None
                for k in ("HW_XG_WAVE_LENGTH_ALPHA1", "HW_XG_WAVE_LENGTH_ALPHA2"))
    step = _number(path, get("MEAS_SCAN_STEP"), "MEAS_SCAN_STEP") if get("MEAS_SCAN_STEP") else float(np.diff(x).mean())
    speed = _number(path, get("MEAS_SCAN_SPEED"), "MEAS_SCAN_SPEED") if get("MEAS_SCAN_SPEED") else None
    time = _count_time(path, step, speed, get("MEAS_SCAN_SPEED_UNIT"), get("MEAS_SCAN_MODE"), "MEAS_SCAN_SPEED_UNIT")
    units, attrs = _attrs(path, get("MEAS_SCAN_UNIT_Y"), get("HW_XG_TARGET_NAME"), ka1, ka2, time,
                          get("MEAS_SCAN_AXIS_X"), "MEAS_SCAN_UNIT_Y")
    attrs.update(source_format="rigaku-ras", n_scans=len(starts))
    return _dataset(path, x, y, units, attrs)


def _member(path, archive, name):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise InputError(path, f"expected '{name}' in the .rasx archive", field=name) from None
    if info.file_size > _MAX_MEMBER:
        raise InputError(path, f"'{name}' declares {info.file_size} bytes (more than {_MAX_MEMBER})", field=name)
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(path, f"zipfile cannot extract '{name}' ({exc}): corrupt archive?", field=name) from None


def _text(path, root, tag):
    element = root.find(f".//{tag}")
    return element.text.strip() if element is not None and element.text else None


def read_rasx(path):
    """Read the first scan (``Data0``) of a Rigaku ``.rasx`` archive into the XRD Dataset.

    Raises :class:`InputError` naming the file and member or XML field for a file that is not a
    zip, a missing ``Profile0.txt``/``MesurementConditions0.xml``, malformed XML, text among the
    numbers, or a profile whose row count disagrees with Start/Stop/Step.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            profile, conditions = _member(path, archive, _PROFILE), _member(path, archive, _CONDITIONS)
    except zipfile.BadZipFile as exc:
        raise InputError(path, f"zipfile cannot open it ({exc}): expected a .rasx zip archive", field="zip") from None
    try:
        root = ET.fromstring(_decode(conditions))
    except ET.ParseError as exc:
        raise InputError(path, f"not well-formed XML ({exc})", field=_CONDITIONS, line=exc.position[0]) from None
    except (LookupError, ValueError) as exc:
        raise InputError(path, f"unreadable XML ({exc})", field=_CONDITIONS) from None
    scan = root.find(".//ScanInformation")
    if scan is None:
        raise InputError(path, "expected a 'ScanInformation' element", field="ScanInformation")
    x, y = _rows(path, _decode(profile).splitlines(), 1)
    start, stop, step = (_number(path, _text(path, scan, k), f"ScanInformation/{k}") for k in ("Start", "Stop", "Step"))
    expected = int(round(abs(stop - start) / step)) + 1 if step else None
    if expected is None or abs(expected - x.size) > 1:  # real exports may stop one step short
        raise InputError(path, f"Start/Stop/Step give {expected} points but {_PROFILE} has {x.size} rows",
                         field="ScanInformation/Step")
    speed_text = _text(path, scan, "Speed")
    speed = _number(path, speed_text, "ScanInformation/Speed") if speed_text else None
    time = _count_time(path, step, speed, _text(path, scan, "SpeedUnit"), _text(path, scan, "Mode"),
                       "ScanInformation/SpeedUnit")
    ka = [_text(path, root, f"XrayGenerator/WavelengthKalpha{i}") for i in (1, 2)]
    ka1, ka2 = (_number(path, v, f"WavelengthKalpha{i}") if v else None for i, v in zip((1, 2), ka))
    units, attrs = _attrs(path, _text(path, scan, "IntensityUnit"), _text(path, root, "XrayGenerator/TargetName"),
                          ka1, ka2, time, _text(path, scan, "AxisName"), "ScanInformation/IntensityUnit")
    attrs.update(source_format="rigaku-rasx",
                 n_scans=sum(1 for n in names if re.fullmatch(r"Data\d+/Profile\d+\.txt", n)))
    return _dataset(path, x, y, units, attrs)
