"""X-ray powder diffraction readers: plain ``.xy``/``.xye`` exports and PANalytical ``.xrdml``.

Both return an ``xarray.Dataset`` with

* dimension/coordinate ``two_theta`` in degrees, **ascending** (a descending export is sorted;
  non-uniform steps are kept as they are);
* variable ``intensity`` with the units the file states: ``"counts"`` (counts per step) or
  ``"counts/s"``; ``.xy`` files that do not say are taken as ``"counts"``;
* optional ``intensity_stderr`` (same units) from the third column of an ``.xye`` file;
* ``attrs``: ``kind="xrd"``, ``source_format``, and when the file tells them ``wavelength_A``
  (Kα1), ``wavelength_ka2_A``, ``ka2_ka1_ratio``, ``anode``, ``count_time_s`` (counting time per
  step) and, for ``.xrdml``, ``n_scans`` (only the first scan is read).

:func:`to_counts_per_second` / :func:`to_counts` convert between the two intensity units with
``count_time_s``.

Plain ``.xy``/``.xye``
----------------------
Two (three) numeric columns separated by blanks, tabs, commas or semicolons. Lines starting with
``#``, ``'``, ``!``, ``;`` or ``%`` and text lines before the first numeric line are header lines;
``key = value`` or ``key: value`` pairs there are read when they name the wavelength
(``wavelength``, ``lambda``, ``Ka1``), the anode (``anode``, ``tube``), the counting time
(``count time``, ``time per step``, ``step time``) or the intensity unit (``cps``, ``counts/s``).
After the first numeric line every non-comment line must be numeric.

PANalytical ``.xrdml``
----------------------
XML in the namespace ``http://www.xrdml.com/XRDMeasurement/<version>`` (1.0 to 2.x; any version
is accepted). Read: ``xrdMeasurement/usedWavelength`` (``kAlpha1``, ``kAlpha2``,
``ratioKAlpha2KAlpha1``), ``incidentBeamPath/xRayTube/anodeMaterial``, and in the first
``scan/dataPoints``: ``positions[@axis="2Theta"]`` (``startPosition``/``endPosition`` for equal
steps or ``listPositions``), ``commonCountingTime`` (seconds) and ``intensities`` or ``counts``
(``unit="counts"`` or ``"counts/s"``).
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..schema import make_dataset, variable

_COMMENT = ("#", "'", "!", ";", "%", "/")
_SPLIT = re.compile(r"[\s,;]+")
_CPS = re.compile(r"\b(cps|counts\s*/\s*s|counts per second|c/s)\b", re.I)


def _dataset(path, two_theta, intensity, units, attrs, stderr=None):
    two_theta = np.asarray(two_theta, dtype=float)
    order = np.argsort(two_theta, kind="stable")
    if np.any(np.diff(two_theta[order]) == 0):
        raise InputError(path, "expected distinct 2θ values, found a repeated position", field="two_theta")
    data_vars = {"intensity": variable("two_theta", np.asarray(intensity, float)[order], units,
                                       "diffracted intensity")}
    if stderr is not None:
        data_vars["intensity_stderr"] = variable("two_theta", np.asarray(stderr, float)[order], units,
                                                 "standard error of the intensity")
    coords = {"two_theta": variable("two_theta", two_theta[order], "deg", "diffraction angle 2θ")}
    return make_dataset(data_vars, coords, {"kind": "xrd", **attrs})


def _header_value(text):
    """Number in a header value such as ``'1.5406 A'`` (None if none)."""
    match = re.search(r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?", text)
    return float(match[0]) if match else None


def _read_header(line, attrs):
    """Pick wavelength, anode, counting time and intensity unit out of one header line.

    A line may hold several ``key: value`` / ``key = value`` pairs separated by two or more blanks
    or tabs (as Bruker EVA and similar exports write them).
    """
    body = line.lstrip("".join(_COMMENT)).strip()
    if _CPS.search(body):
        attrs["_units"] = "counts/s"
    for segment in re.split(r"\s{2,}|\t", body):
        parts = re.split(r"\s*[=:]\s*", segment.strip(), maxsplit=1)
        if len(parts) == 2:
            _header_pair(parts[0].lower(), parts[1], attrs)


def _header_pair(key, value, attrs):
    number = _header_value(value)
    second = "ka2" in key or "alpha2" in key or "alpha 2" in key or key.rstrip().endswith("2")
    if "ratio" in key:
        if number is not None and second:
            attrs["ka2_ka1_ratio"] = number
    elif ("wavelength" in key or "lambda" in key or "ka1" in key or "alpha1" in key or "ka2" in key) \
            and number:
        attrs["wavelength_ka2_A" if second else "wavelength_A"] = number
    elif "anode" in key or "tube" in key or "target" in key:
        if value.strip():
            attrs["anode"] = value.strip().split()[0].strip('"')
    elif ("count" in key and "time" in key) or "time per step" in key or "step time" in key:
        if number:
            attrs["count_time_s"] = number
    elif key.strip() in ("unit", "units", "intensity unit", "y unit") and re.search(r"counts?\b", value, re.I) \
            and not _CPS.search(value):
        attrs["_units"] = "counts"


def read_xy(path):
    """Read a two-column ``.xy`` (or three-column ``.xye``) powder pattern into a Dataset.

    2θ in degrees (sorted ascending), ``intensity`` in counts unless the header says counts/s,
    ``intensity_stderr`` from a third column. Raises :class:`InputError` naming the file and line
    for an empty file, text among the numbers, a wrong number of columns, or non-finite values.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    try:
        lines = path.read_text(encoding="utf-8", errors="strict").splitlines()
    except UnicodeDecodeError:  # older exports in a Windows code page
        lines = path.read_text(encoding="latin-1").splitlines()
    attrs, rows, ncol, first = {}, [], None, None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(_COMMENT):
            _read_header(line, attrs)
            continue
        fields = [f for f in _SPLIT.split(line) if f]
        try:
            values = [float(f) for f in fields]
        except ValueError:
            if first is None:  # a text header line (column titles, instrument, ...)
                _read_header(line, attrs)
                continue
            raise InputError(path, f"expected numbers, got {line[:60]!r}", line=number) from None
        if first is None:
            first = number
            ncol = len(values)
            if ncol not in (2, 3):
                raise InputError(path, f"expected 2 columns (2θ, intensity) or 3 (2θ, intensity, error), "
                                       f"found {ncol}", line=number)
        elif len(values) != ncol:
            raise InputError(path, f"expected {ncol} columns as on line {first}, found {len(values)}", line=number)
        if not all(np.isfinite(values)):
            raise InputError(path, "expected finite numbers", line=number)
        rows.append(values)
    if len(rows) < 2:
        raise InputError(path, "expected at least two data lines of 2θ and intensity, found "
                               f"{len(rows)}", line=len(lines) or None)
    table = np.array(rows)
    units = attrs.pop("_units", "counts")
    attrs = {k: v for k, v in attrs.items() if v is not None}
    attrs["source_format"] = "xye" if ncol == 3 else "xy"
    if not (0 < table[:, 0].min() and table[:, 0].max() < 180):
        raise InputError(path, "expected 2θ between 0 and 180 degrees in the first column", field="two_theta")
    return _dataset(path, table[:, 0], table[:, 1], units, attrs, stderr=table[:, 2] if ncol == 3 else None)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _child(element, name):
    """First direct child called ``name`` in any namespace (None if absent)."""
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element, name):
    return [child for child in element if _local(child.tag) == name]


def _find(element, *names):
    for name in names:
        if element is None:
            return None
        element = _child(element, name)
    return element


def _float(path, element, field):
    if element is None or element.text is None:
        raise InputError(path, "expected this element", field=field)
    try:
        return float(element.text)
    except ValueError:
        raise InputError(path, f"expected a number, got {element.text.strip()[:40]!r}", field=field) from None


def _floats(path, element, field):
    if element is None or not (element.text or "").strip():
        raise InputError(path, "expected a list of numbers", field=field)
    try:
        values = np.array([float(v) for v in element.text.split()])
    except ValueError:
        bad = next(v for v in element.text.split() if not _is_number(v))
        raise InputError(path, f"expected numbers, found {bad[:40]!r}", field=field) from None
    if not np.all(np.isfinite(values)):
        raise InputError(path, "expected finite numbers", field=field)
    return values


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_xrdml(path):
    """Read the first scan of a PANalytical ``.xrdml`` file into a Dataset (2θ in degrees).

    ``intensity`` keeps the file's unit (``counts`` or ``counts/s``); ``count_time_s`` is the
    ``commonCountingTime``. Raises :class:`InputError` naming the file and the XML field for a file
    that is not XML or not an XRD measurement, a missing 2θ axis, intensities or counting time, text
    in a number list, or a number of intensities that does not match ``listPositions``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(path, f"not well-formed XML ({exc})", line=exc.position[0]) from None
    except (LookupError, ValueError) as exc:  # an unknown encoding in the XML declaration
        raise InputError(path, f"unreadable XML declaration ({exc})", line=1, field="encoding") from None
    if _local(root.tag) != "xrdMeasurements":
        raise InputError(path, f"expected root element 'xrdMeasurements', got {_local(root.tag)!r}",
                         field="xrdMeasurements")
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace and not namespace.startswith("http://www.xrdml.com/XRDMeasurement/"):
        raise InputError(path, f"unexpected XML namespace {namespace!r}", field="xmlns")
    measurement = _child(root, "xrdMeasurement")
    if measurement is None:
        raise InputError(path, "expected an 'xrdMeasurement' element", field="xrdMeasurement")
    attrs = {"source_format": "xrdml", "xrdml_version": namespace.rsplit("/", 1)[-1] if namespace else ""}
    wavelength = _child(measurement, "usedWavelength")
    if wavelength is not None:
        for name, key in (("kAlpha1", "wavelength_A"), ("kAlpha2", "wavelength_ka2_A"),
                          ("ratioKAlpha2KAlpha1", "ka2_ka1_ratio")):
            element = _child(wavelength, name)
            if element is not None:
                attrs[key] = _float(path, element, f"usedWavelength/{name}")
    anode = _find(measurement, "incidentBeamPath", "xRayTube", "anodeMaterial")
    if anode is not None and anode.text:
        attrs["anode"] = anode.text.strip()
    scans = _children(measurement, "scan")
    if not scans:
        raise InputError(path, "expected at least one 'scan' element", field="scan")
    attrs["n_scans"] = len(scans)
    points = _child(scans[0], "dataPoints")
    if points is None:
        raise InputError(path, "expected 'dataPoints' in the first scan", field="scan/dataPoints")
    axis = next((p for p in _children(points, "positions") if p.get("axis") == "2Theta"), None)
    if axis is None:
        raise InputError(path, "expected <positions axis=\"2Theta\"> in dataPoints", field="positions[2Theta]")
    if axis.get("unit", "deg") not in ("deg", "degree", "degrees"):
        raise InputError(path, f"expected 2Theta in deg, got unit {axis.get('unit')!r}", field="positions[2Theta]")
    element = _child(points, "intensities")
    if element is None:
        element = _child(points, "counts")
    if element is None:
        raise InputError(path, "expected 'intensities' or 'counts' in dataPoints", field="dataPoints/intensities")
    name = _local(element.tag)
    intensity = _floats(path, element, f"dataPoints/{name}")
    unit = (element.get("unit") or "counts").strip().lower().replace(" ", "")
    units = {"counts": "counts", "cts": "counts", "counts/s": "counts/s", "cps": "counts/s"}.get(unit)
    if units is None:
        raise InputError(path, f"expected unit 'counts' or 'counts/s', got {element.get('unit')!r}",
                         field=f"dataPoints/{name}")
    listed = _child(axis, "listPositions")
    if listed is not None:
        two_theta = _floats(path, listed, "positions[2Theta]/listPositions")
        if two_theta.size != intensity.size:
            raise InputError(path, f"expected {two_theta.size} intensities (one per listed position), found "
                                   f"{intensity.size}", field=f"dataPoints/{name}")
    else:
        start = _float(path, _child(axis, "startPosition"), "positions[2Theta]/startPosition")
        end = _float(path, _child(axis, "endPosition"), "positions[2Theta]/endPosition")
        if intensity.size < 2:
            raise InputError(path, "expected at least two intensities", field=f"dataPoints/{name}")
        two_theta = np.linspace(start, end, intensity.size)
    time = _child(points, "commonCountingTime")
    if time is not None:
        attrs["count_time_s"] = _float(path, time, "dataPoints/commonCountingTime")
    elif units == "counts":
        raise InputError(path, "expected 'commonCountingTime' with intensities in counts",
                         field="dataPoints/commonCountingTime")
    return _dataset(path, two_theta, intensity, units, attrs)


def to_counts_per_second(ds):
    """A copy of ``ds`` with ``intensity`` (and its stderr) in counts/s (needs ``count_time_s``)."""
    return _convert(ds, "counts/s")


def to_counts(ds):
    """A copy of ``ds`` with ``intensity`` (and its stderr) in counts per step (needs ``count_time_s``)."""
    return _convert(ds, "counts")


def _convert(ds, target):
    units = ds["intensity"].attrs["units"]
    if units == target:
        return ds.copy()
    time = ds.attrs.get("count_time_s")
    if not time:
        raise ValueError(f"cannot convert {units} to {target}: the dataset has no count_time_s")
    factor = 1 / time if target == "counts/s" else time
    out = ds.copy()
    for name in ("intensity", "intensity_stderr"):
        if name in out:
            out[name] = out[name] * factor
            out[name].attrs.update(ds[name].attrs, units=target)
    return out


_NOT_XRD = ("potential", "current/a", "netzsch", "#exporttype", "temp./", "voltammetry", "freq", "wavenumber",
            "#format", "mass/")


def _is_xy(path, head):
    """Two or three numeric columns whose first is a plausible 2θ axis (0-180°, ascending or
    descending, evenly spaced within 1 %), so that EIS or IR tables are not taken for XRD."""
    text = head.decode("latin-1", "replace")
    if any(word in text.lower() for word in _NOT_XRD):
        return False
    rows = []
    for line in text.splitlines()[:-1][:400]:
        line = line.strip()
        if not line or line.startswith(_COMMENT):
            continue
        try:
            values = [float(f) for f in _SPLIT.split(line) if f]
        except ValueError:
            if rows:
                return False
            continue
        rows.append(values)
    if len(rows) < 5 or len({len(r) for r in rows}) != 1 or len(rows[0]) not in (2, 3):
        return False
    x = np.array([r[0] for r in rows])
    steps = np.diff(x)
    if not (0 < x.min() and x.max() < 180) or not (np.all(steps > 0) or np.all(steps < 0)):
        return False
    return bool(np.ptp(steps) <= 0.01 * abs(np.median(steps)) + 1e-9)


def _is_xrdml(path, head):
    return b"<xrdMeasurements" in head and head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<")


SNIFF = {"xy": _is_xy, "xrdml": _is_xrdml}
