"""IviumSoft data file (``.idf``) of an impedance run (Ivium CompactStat, Vertex, OctoStat, ...).

Layout: a binary frame of length-prefixed text records (a little-endian uint32 byte count, then
``CR NUL``, then CR LF separated ``key=value`` lines: ``Version=``, ``starttime=``, ``serialnumber=``,
``Method=Impedance``, ``Technique=Constant E`` or ``Constant I``, ``I_Frequencies.freq[k]=``, ...).
The data record lists objects as ``name CR NUL value``: ``primary_data CR NUL 3`` (columns), then a
line with the point count, then one white-space separated row per point: Z' (ohm), Z'' (ohm), frequency
(Hz). ``osc_data`` (the recorded oscillograms) follows and is not read. Z'' is stored with its true sign
(negative for a capacitive arc): ``file_sign_convention = "Z''"``. Line numbers in errors count LF.
"""

import re
from pathlib import Path

from ..errors import InputError
from ._eis_common import eis_dataset, number

_MARK = b"\r\x00Version="
_FACTS = {"Method": "method", "Technique": "technique", "Title": "title", "starttime": "start_time",
          "serialnumber": "serial_number", "software": "software_build"}
_CONTROL = {"constant e": "potentiostatic", "constant i": "galvanostatic"}
_COLUMNS = ("Z'", "Z''", "frequency")


def _lines(path):
    """The file's lines split at LF, as Latin-1 text (IviumSoft writes Windows code pages)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read as a file ({error.strerror})") from None
    if _MARK not in raw[:64]:
        raise InputError(path, "expected an IviumSoft data file (a binary record starting 'Version=')", line=1)
    return raw.decode("latin-1").split("\n")


def _facts(lines, stop):
    """Header facts (method, technique, title, start time, serial number) from ``key=value`` lines."""
    found = {}
    for text in lines[:stop]:
        key, sep, value = text.strip("\r\x00 ").partition("=")
        if sep and key in _FACTS and _FACTS[key] not in found and value.strip():
            found[_FACTS[key]] = value.strip()
    return found


def _tokens(text):
    return text.replace("\x00", " ").split()


def _integer(path, text, line, field):
    if not re.fullmatch(r"\d{1,9}", text):
        raise InputError(path, f"expected a whole number, got {text!r}", line=line, field=field)
    return int(text)


def _primary_header(path, lines):
    """``(index of the first data row, point count)`` after the ``primary_data`` object header."""
    k = next((j for j, t in enumerate(lines) if _tokens(t)[:1] == ["primary_data"]), None)
    if k is None:
        raise InputError(path, "expected a 'primary_data' object (the impedance table)", field="primary_data")
    header = _tokens(lines[k])
    if len(header) < 2:  # columns written on the next line
        header, k = header + _tokens(lines[k + 1] if k + 1 < len(lines) else ""), k + 1
    columns = _integer(path, header[1] if len(header) > 1 else "", k + 1, "primary_data columns")
    if columns != 3:
        raise InputError(path, f"expected 3 primary_data columns (Z', Z'', frequency), got {columns}",
                         line=k + 1, field="primary_data columns")
    count_line = _tokens(lines[k + 1]) if k + 1 < len(lines) else []
    count = _integer(path, count_line[0] if len(count_line) == 1 else " ".join(count_line), k + 2,
                     "primary_data count")
    if count < 3 or count > len(lines) - (k + 2):  # never trust the count beyond the lines present
        raise InputError(path, f"the header declares {count} points but {len(lines) - (k + 2)} lines follow "
                               "(at least 3 points expected; truncated?)", line=k + 2, field="primary_data count")
    return k + 2, count


def _rows(path, lines, start, count):
    """``(Z', Z'', frequency, line numbers)`` of the ``count`` rows from ``lines[start]``."""
    zr, zi, f, numbers = [], [], [], []
    for j in range(start, start + count):
        fields = _tokens(lines[j])
        if len(fields) != 3:
            raise InputError(path, f"expected 3 numbers (Z', Z'', frequency), got {len(fields)} (truncated?)",
                             line=j + 1)
        values = [number(v, path, j + 1, name) for v, name in zip(fields, _COLUMNS)]
        zr.append(values[0])
        zi.append(values[1])
        f.append(values[2])
        numbers.append(j + 1)
    return zr, zi, f, numbers


def read_idf(path):
    """Read an IviumSoft ``.idf`` impedance file into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = _lines(path)
    start, count = _primary_header(path, lines)
    facts = _facts(lines, start)
    if facts.get("method", "").lower() != "impedance":
        raise InputError(path, f"expected 'Method=Impedance', got {facts.get('method')!r}", field="Method")
    zr, zi, f, numbers = _rows(path, lines, start, count)
    n_spectra = sum(1 for t in lines if _tokens(t)[:1] == ["primary_data"])
    return eis_dataset(path, f, zr, zi, "ivium-idf", numbers, instrument_software="IviumSoft",
                       control=_CONTROL.get(facts.get("technique", "").lower()), n_spectra=n_spectra,
                       file_sign_convention="Z''", **facts)


def _is_ivium_idf(path, head):
    return _MARK in head[:64] and b"\nMethod=Impedance\r" in head


SNIFF = {"ivium-idf": _is_ivium_idf}
