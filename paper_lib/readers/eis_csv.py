"""Plain-text impedance tables (CSV, semicolon or tab separated) with one header row.

Columns are recognised by name, case-insensitively, with the unit in ``(..)``, ``[..]`` or after ``/``:

* frequency: ``frequency``, ``freq``, ``f`` (Hz; kHz, MHz or mHz if the unit says so);
* real part: ``Z'``, ``Re``, ``Re(Z)``, ``Zreal``, ``z_real``, ``real`` (ohm; kohm/Mohm if stated);
* imaginary part: ``Z''``, ``Im``, ``Im(Z)``, ``Zimag``, ``z_imag``, ``imag``; a leading minus in the name
  (``-Z''``, ``-Im(Z)``) means the file stores -Im Z and the sign is flipped back;
* or modulus and phase: ``|Z|``/``Zmod`` and ``phase``/``Zphz`` (deg, or rad if stated; ``-phase`` flips).

Leading lines starting with ``#`` are comments; ``# key: value`` pairs go to ``attrs`` (numbers as
floats), e.g. ``# temperature_C: 30``. A decimal comma is accepted when the separator is not a comma.
"""

import csv
import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._eis_common import eis_dataset, number, read_text

_FREQ = {"frequency", "freq", "f", "freq.", "frequency(hz)"}
_REAL = {"z'", "datareal", "re", "re(z)", "rez", "zreal", "z_real", "real", "zre", "z_re", "zr", "re_z"}
_IMAG = {"z''", "dataimag", "im", "im(z)", "imz", "zimag", "z_imag", "imag", "zim", "z_im", "zi", "im_z"}
_MOD = {"|z|", "zmod", "z_mod", "modulus", "mod(z)", "abs(z)", "|z|(ohm)", "z_abs"}
_PHASE = {"phase", "phase(z)", "zphz", "phi", "theta", "z_phase", "phase_angle"}
_FREQ_UNITS = {"hz": 1.0, "khz": 1e3, "MHz": 1e6, "mHz": 1e-3}
_OHM_UNITS = {"ohm": 1.0, "ω": 1.0, "kohm": 1e3, "kω": 1e3, "Mohm": 1e6, "MOhm": 1e6, "MΩ": 1e6, "mohm": 1e-3,
              "mΩ": 1e-3}


def _split_name(raw):
    """``(normalised name, unit text)`` of one header cell."""
    text = raw.strip().replace("’", "'").replace("′", "'").replace("″", "''").replace('"', "''")
    unit = ""
    match = re.match(r"^(.*?)\s*[\(\[]\s*([^\)\]]*)[\)\]]\s*$", text)
    if match and match.group(1) and match.group(2).strip().lower() != "z":
        text, unit = match.group(1), match.group(2)
    elif "/" in text:
        text, unit = text.rsplit("/", 1)
    name = re.sub(r"\s+", "", text).lower()
    return name, unit.strip()


def _scale(unit, table, path, line, column):
    if not unit:
        return 1.0
    for key, factor in table.items():
        if unit == key or (key.lower() == key and unit.lower() == key and unit not in ("MHz", "mHz")):
            return factor
    if unit.lower() in ("deg", "°", "degree", "degrees"):
        return 1.0
    raise InputError(path, f"unknown unit '{unit}'", line=line, field=column)


def _find(names, accepted):
    for i, (name, _) in enumerate(names):
        if name.lstrip("-") in accepted:
            return i
    return None


def read_csv(path):
    """Read a plain impedance table (see module docstring) into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
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
    if k >= len(lines):
        raise InputError(path, "expected a header row naming the columns", line=k)
    header_line = k + 1
    header = lines[k]
    delimiter = "\t" if "\t" in header else ";" if ";" in header else ","
    raw_names = next(csv.reader([header], delimiter=delimiter))
    names = [_split_name(n) for n in raw_names]
    i_f, i_re, i_im = _find(names, _FREQ), _find(names, _REAL), _find(names, _IMAG)
    i_mod, i_ph = _find(names, _MOD), _find(names, _PHASE)
    if i_f is None:
        raise InputError(path, f"expected a frequency column (frequency, freq, f) in {raw_names}",
                         line=header_line, field="frequency")
    polar = i_re is None or i_im is None
    if polar and (i_mod is None or i_ph is None):
        missing = "Z'" if i_re is None else "Z''"
        raise InputError(path, f"expected columns Z' and Z'' (or |Z| and phase) in {raw_names}",
                         line=header_line, field=missing)
    f_scale = _scale(names[i_f][1], _FREQ_UNITS, path, header_line, raw_names[i_f])
    if polar:
        cols = (i_f, i_mod, i_ph)
        scales = (f_scale, _scale(names[i_mod][1], _OHM_UNITS, path, header_line, raw_names[i_mod]), 1.0)
        rad = names[i_ph][1].lower().startswith("rad")
        sign = -1.0 if names[i_ph][0].startswith("-") else 1.0
    else:
        cols = (i_f, i_re, i_im)
        scales = (f_scale, _scale(names[i_re][1], _OHM_UNITS, path, header_line, raw_names[i_re]),
                  _scale(names[i_im][1], _OHM_UNITS, path, header_line, raw_names[i_im]))
        sign = -1.0 if names[i_im][0].startswith("-") else 1.0
    comma = delimiter != ","
    rows, numbers = [], []
    for j in range(header_line, len(lines)):
        if not lines[j].strip() or lines[j].lstrip().startswith("#"):
            continue
        fields = next(csv.reader([lines[j]], delimiter=delimiter))
        if len(fields) < len(raw_names) and len(fields) <= max(cols):
            raise InputError(path, f"expected {len(raw_names)} columns, got {len(fields)} (truncated?)", line=j + 1)
        rows.append([number(fields[c], path, j + 1, raw_names[c], comma) * s for c, s in zip(cols, scales)])
        numbers.append(j + 1)
    if not rows:
        raise InputError(path, "no data rows after the header", line=header_line)
    data = np.array(rows)
    if polar:
        phase = sign * (data[:, 2] if rad else np.deg2rad(data[:, 2]))
        z = data[:, 1] * np.exp(1j * phase)
        zr, zi = z.real, z.imag
    else:
        zr, zi = data[:, 1], sign * data[:, 2]
    return eis_dataset(path, data[:, 0], zr, zi, "eis-csv", numbers, **attrs)
