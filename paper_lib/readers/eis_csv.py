"""Plain-text impedance tables (CSV, semicolon or tab separated), with a header row or without one.

With a header row, columns are recognised by name, case-insensitively, with the unit in ``(..)``,
``[..]`` or after ``/``:

* frequency: ``frequency``, ``freq``, ``f`` (Hz; kHz, MHz or mHz if the unit says so);
* real part: ``Z'``, ``Re``, ``Re(Z)``, ``Zreal``, ``Zre``, ``z_real``, ``real``;
* imaginary part: ``Z''``, ``Im``, ``Im(Z)``, ``Zimag``, ``Zim``, ``Zimg``, ``z_imag``, ``imag``; a leading
  minus in the name (``-Z''``, ``-Im(Z)``) means the file stores -Im Z and the sign is flipped back;
* or modulus and phase: ``|Z|``/``Zmod``/``Impedance`` and ``phase``/``Zphz`` (deg, or rad if stated;
  ``-phase`` flips).

Impedance units: ohm, Ohm, ohms, Ω, kΩ, mΩ, kOhm, MOhm (any SI prefix k, M, m, G, µ). The file's sign
convention is recorded in ``attrs["file_sign_convention"]`` (``"Z''"`` or ``"-Z''"``).

Without a header (``read_headerless``): three or more numeric columns f (Hz), Z' (ohm), Z'' (ohm). The
sign of the third column is decided from the data: most points of a capacitive spectrum have Im Z < 0,
so a mostly positive third column is taken as -Z'' (``attrs["file_sign_convention"] = "-Z''"``,
``attrs["sign_decided_from_data"] = True``).

Leading lines starting with ``#`` are comments; ``# key: value`` pairs go to ``attrs`` (numbers as
floats), e.g. ``# temperature_C: 30``. A decimal comma is accepted when the separator is not a comma.
"""

import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._eis_common import (complex_parts, eis_dataset, find_columns, guess_delimiter, head_lines, is_number,
                          looks_like_frequencies, read_rows, read_text, split_fields)


def _comments(lines):
    """``(attrs, index of the first non-comment line)``."""
    attrs, k = {}, 0
    while k < len(lines) and (not lines[k].strip() or lines[k].lstrip().startswith("#")):
        key, sep, value = lines[k].lstrip("# ").partition(":")
        if sep and key.strip() and value.strip():
            key, value = re.sub(r"\W+", "_", key.strip()), value.strip()
            try:
                attrs[f"file_{key}"] = float(value)
            except ValueError:
                attrs[f"file_{key}"] = value
        k += 1
    return attrs, k


def _numeric(text):
    """The fields of a line if it is a row of at least three numbers, else None."""
    delimiter = guess_delimiter(text.strip())
    fields = split_fields(text, delimiter)
    if len(fields) >= 3 and all(is_number(f, delimiter != ",") for f in fields):
        return fields
    return None


def read_csv(path):
    """Read a plain impedance table (see module docstring) into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
    attrs, k = _comments(lines)
    if k >= len(lines):
        raise InputError(path, "expected a header row naming the columns", line=k)
    if _numeric(lines[k]):
        return read_headerless(path)
    header_line = k + 1
    delimiter = guess_delimiter(lines[k]) or ","
    raw_names = split_fields(lines[k], delimiter)
    layout = find_columns(path, raw_names, header_line)
    data, numbers = read_rows(path, lines, header_line, layout, delimiter, delimiter != ",")
    zr, zi = complex_parts(data, layout)
    return eis_dataset(path, data[:, 0], zr, zi, "eis-csv", numbers,
                       file_sign_convention=layout["convention"], **attrs)


def read_headerless(path):
    """Read a header-less table of f (Hz), Z' (ohm), Z'' or -Z'' (ohm, sign decided from the data)."""
    path = Path(path)
    lines = read_text(path)
    attrs, k = _comments(lines)
    if k >= len(lines) or not _numeric(lines[k]):
        raise InputError(path, "expected rows of three numbers: frequency (Hz), Z' (ohm), Z'' (ohm)", line=k + 1)
    delimiter = guess_delimiter(lines[k].strip())
    layout = {"cols": (0, 1, 2), "scales": (1.0, 1.0, 1.0), "width": 3}
    data, numbers = read_rows(path, lines, k, layout, delimiter, delimiter != ",")
    minus = np.mean(data[:, 2] > 0) > 0.5
    return eis_dataset(path, data[:, 0], data[:, 1], -data[:, 2] if minus else data[:, 2], "eis-csv-headerless",
                       numbers, file_sign_convention="-Z''" if minus else "Z''", sign_decided_from_data=True, **attrs)


def _specific(path, head):
    """Whether a vendor-specific EIS text format claims the file (those are tried before plain tables)."""
    from . import eis_autolab, eis_chi, eis_par, eis_zview

    return any(p(path, head) for m in (eis_autolab, eis_chi, eis_par, eis_zview) for p in m.SNIFF.values())


def _is_table(path, head):
    try:
        lines = [t for t in head_lines(head, 12) if not t.lstrip().startswith("#")]
        if len(lines) < 4 or _numeric(lines[0]) or _specific(path, head):
            return False
        delimiter = guess_delimiter(lines[0]) or ","
        find_columns(path, split_fields(lines[0], delimiter), 1)
        return all(_numeric(t) or len(split_fields(t, delimiter)) >= 2 for t in lines[1:4])
    except Exception:
        return False


def _is_headerless(path, head):
    try:
        lines = [t for t in head_lines(head, 400) if not t.lstrip().startswith("#")]
        if len(lines) < 5 or not all(_numeric(t) for t in lines[:-1]):
            return False
        return looks_like_frequencies([float(_numeric(t)[0].replace(",", ".")) for t in lines[:-1]])
    except Exception:
        return False


SNIFF = {"eis-csv": _is_table, "eis-csv-headerless": _is_headerless}
