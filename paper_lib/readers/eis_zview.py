"""Scribner ZPlot/ZView files, two layouts; both store ``Z''`` with its true sign (negative for a
capacitive arc), kept as it is (``file_sign_convention = "Z''"``).

* ``.z`` "ZPLOT2 ASCII" (``read_z``): a text header closed by ``End Comments``, then one line per point:
  Freq(Hz), Ampl, Bias, Time(Sec), Z'(a), Z''(b), GD, Err, Range (comma or tab separated).
* "ZPlotW Data File: Version ..." / "Z60W Data File: Version ..." (``read_zplotw``; ZPlot for Windows and
  its Solartron 1260 edition Z60W, also written by Autolab's ZView export, often saved as ``.txt``):
  quoted header lines, a line of six numbers, a line with the declared number of points, the quoted
  column titles ``Freq(Hz) Ampl Bias Time(Sec) Z'(a) Z''(b) GD Err Range``, then comma-separated rows.
  The declared count is kept in ``attrs["declared_points"]``; real files often hold fewer rows.
"""

import re
from pathlib import Path

from ..errors import InputError
from ._eis_common import eis_dataset, head_lines, number, read_text, temperature_from_text

_DEFAULT = {"freq": 0, "zr": 4, "zi": 5}
_ZPLOTW = re.compile(r'^\W*(ZPlotW|Z60W)\s+Data\s+File\s*:\s*Version\s*(\S*?)"?\s*$', re.IGNORECASE)


def _positions(header_lines):
    """Column positions from a ``Freq(Hz) ... Z'(a) Z''(b)`` title line if the header has one."""
    for text in header_lines:
        names = [n.strip().strip('"') for n in re.split(r"[,\t]|\s{2,}", text.strip().strip('"')) if n.strip()]
        if names and names[0].lower().startswith("freq") and any(n.startswith("Z''") for n in names):
            return {"freq": 0, "zr": names.index(next(n for n in names if n.startswith("Z'") and not n.startswith("Z''"))),
                    "zi": names.index(next(n for n in names if n.startswith("Z''")))}
    return dict(_DEFAULT)


def _points(path, lines, start, pos):
    """Frequency, Z', Z'' and line numbers of the rows ``lines[start:]``."""
    need = max(pos.values()) + 1
    freq, zr, zi, numbers = [], [], [], []
    for k in range(start, len(lines)):
        text = lines[k].strip()
        if not text:
            continue
        if "\t" in text:
            fields, comma = [f for f in text.split("\t") if f.strip() != ""], True
        else:
            fields, comma = [f for f in re.split(r",\s*|\s+", text) if f != ""], False
        if len(fields) < need:
            raise InputError(path, f"expected at least {need} columns, got {len(fields)} (truncated?)", line=k + 1)
        freq.append(number(fields[pos["freq"]], path, k + 1, "Freq(Hz)", comma))
        zr.append(number(fields[pos["zr"]], path, k + 1, "Z'(a)", comma))
        zi.append(number(fields[pos["zi"]], path, k + 1, "Z''(b)", comma))
        numbers.append(k + 1)
    return freq, zr, zi, numbers


def read_z(path):
    """Read a ZView/ZPlot ``.z`` file (either layout) into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
    if lines and _ZPLOTW.match(lines[0]):
        return read_zplotw(path)
    if not lines or "zplot" not in lines[0].lower():
        raise InputError(path, "expected a 'ZPlot2 ASCII' first line (a ZView/ZPlot .z file)", line=1)
    end = next((k for k, text in enumerate(lines) if text.strip().lower() == "end comments"), None)
    if end is None:
        raise InputError(path, "expected an 'End Comments' line closing the header")
    header = lines[1:end]
    attrs = {}
    for text in header:
        key, sep, value = text.strip().strip('"').partition(":")
        if sep and key.strip().lower() in ("date", "time", "software", "instrument"):
            attrs[key.strip().lower()] = value.strip()
    temperature = temperature_from_text("\n".join(header))
    if temperature is not None:
        attrs["temperature_file_C"] = temperature
    freq, zr, zi, numbers = _points(path, lines, end + 1, _positions(header))
    return eis_dataset(path, freq, zr, zi, "zview-z", numbers, instrument_software="ZPlot/ZView",
                       file_sign_convention="Z''", **attrs)


def read_zplotw(path):
    """Read a "ZPlotW Data File" / "Z60W Data File" export into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
    match = _ZPLOTW.match(lines[0]) if lines else None
    if not match:
        raise InputError(path, "expected a first line '\"ZPlotW Data File: Version ...\"' or 'Z60W Data File'", line=1)
    title = next((k for k, t in enumerate(lines[:200]) if re.sub(r"[\s\"]", "", t).lower().startswith("freq(hz)")),
                 None)
    if title is None:
        raise InputError(path, "expected a quoted column title line 'Freq(Hz) Ampl Bias ... Z'(a) Z''(b)'",
                         field="Freq(Hz)")
    declared = lines[title - 1].strip()
    if not declared.isdigit():
        raise InputError(path, f"expected the number of points before the column titles, got {declared!r}",
                         line=title, field="number of points")
    attrs = {"software": f"{match.group(1)} {match.group(2)}".strip(), "declared_points": int(declared)}
    date = re.search(r"Date:\s*(\S+)", "\n".join(lines[1:title]))
    if date:
        attrs["date"] = date.group(1)
    freq, zr, zi, numbers = _points(path, lines, title + 1, _positions([lines[title]]))
    return eis_dataset(path, freq, zr, zi, "zplotw", numbers, instrument_software="ZPlot/ZView",
                       file_sign_convention="Z''", **attrs)


def _is_zplot2(path, head):
    lines = head_lines(head, 1)
    return bool(lines) and lines[0].strip().upper() == "ZPLOT2 ASCII"


def _is_zplotw(path, head):
    lines = head_lines(head, 1)
    return bool(lines) and bool(_ZPLOTW.match(lines[0]))


SNIFF = {"zview-z": _is_zplot2, "zplotw": _is_zplotw}
