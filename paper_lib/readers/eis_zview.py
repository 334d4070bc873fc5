"""ZView/ZPlot ``.z`` files (Scribner): a text header closed by ``End Comments``, then one line per
point: Freq(Hz), Ampl, Bias, Time(Sec), Z'(a), Z''(b), GD, Err, Range (comma or tab separated).

``Z''`` is stored with its true sign (negative for a capacitive arc) and kept as it is.
"""

import re
from pathlib import Path

from ..errors import InputError
from ._eis_common import eis_dataset, number, read_text, temperature_from_text

_DEFAULT = {"freq": 0, "zr": 4, "zi": 5}


def _positions(header_lines):
    """Column positions from a ``Freq(Hz) ... Z'(a) Z''(b)`` title line if the header has one."""
    for text in header_lines:
        names = [n.strip().strip('"') for n in re.split(r"[,\t]", text) if n.strip()]
        if names and names[0].lower().startswith("freq") and any(n.startswith("Z''") for n in names):
            return {"freq": 0, "zr": names.index(next(n for n in names if n.startswith("Z'") and not n.startswith("Z''"))),
                    "zi": names.index(next(n for n in names if n.startswith("Z''")))}
    return dict(_DEFAULT)


def read_z(path):
    """Read a ZView/ZPlot ``.z`` file into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
    if not lines or "zplot" not in lines[0].lower():
        raise InputError(path, "expected a 'ZPlot2 ASCII' first line (a ZView/ZPlot .z file)", line=1)
    end = next((k for k, text in enumerate(lines) if text.strip().lower() == "end comments"), None)
    if end is None:
        raise InputError(path, "expected an 'End Comments' line closing the header")
    header = lines[1:end]
    pos = _positions(header)
    attrs = {}
    for text in header:
        key, sep, value = text.strip().strip('"').partition(":")
        if sep and key.strip().lower() in ("date", "time", "software", "instrument"):
            attrs[key.strip().lower()] = value.strip()
    temperature = temperature_from_text("\n".join(header))
    if temperature is not None:
        attrs["temperature_file_C"] = temperature
    need = max(pos.values()) + 1
    freq, zr, zi, numbers = [], [], [], []
    for k in range(end + 1, len(lines)):
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
    return eis_dataset(path, freq, zr, zi, "zview-z", numbers, instrument_software="ZPlot/ZView", **attrs)
