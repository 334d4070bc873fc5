"""Shared pieces of the impedance readers: number parsing, column names and units, tables, sniffing,
sweep splitting, the canonical Dataset.

Canonical EIS schema: coordinate ``frequency`` (Hz); variables ``z_real`` and ``z_imag`` (ohm) with
Z = Z' + jZ'' (a capacitive arc has ``z_imag < 0`` whatever sign convention the file used). Each
reader records the file's own convention in ``attrs["file_sign_convention"]`` (``"Z''"``: Im Z
stored with its sign; ``"-Z''"``: -Im Z stored; ``"phase(Z)"``/``"-phase(Z)"``: modulus and phase).
"""

import csv
import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..schema import make_dataset, variable

_FLOAT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_OHM = re.compile(r"^(?P<prefix>[kKMmGgµu]?)\s*(?:ohms?|Ω|Ω)$", re.IGNORECASE)
_PREFIX = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "m": 1e-3, "G": 1e9, "g": 1e9, "µ": 1e-6, "u": 1e-6}
_FREQ_UNITS = {"hz": 1.0, "khz": 1e3, "MHz": 1e6, "mHz": 1e-3}
_DEGREES = ("deg", "°", "degree", "degrees", "grad")

FREQ_NAMES = {"frequency", "freq", "f", "freq.", "frequency(hz)"}
REAL_NAMES = {"z'", "datareal", "re", "re(z)", "rez", "zreal", "z_real", "real", "zre", "z_re", "zr", "re_z",
              "z'(a)", "zreal(ohm)"}
IMAG_NAMES = {"z''", "dataimag", "im", "im(z)", "imz", "zimag", "z_imag", "imag", "zim", "z_im", "zi", "im_z",
              "zimg", "z''(b)"}
MOD_NAMES = {"|z|", "zmod", "z_mod", "modulus", "mod(z)", "abs(z)", "z_abs", "impedance", "z"}
PHASE_NAMES = {"phase", "phase(z)", "zphz", "phi", "theta", "z_phase", "phase_angle"}


def decode(raw):
    """Text of a file's bytes: UTF-8 (a BOM dropped), else Latin-1 as Windows software writes."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_bytes(path):
    """The bytes of ``path``; a folder or an unreadable file is an :class:`InputError`."""
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(path, "expected a file, got a folder") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None


def read_text(path):
    """The lines of a text export (UTF-8, else Latin-1 as EC-Lab and Gamry write on Windows)."""
    return decode(read_bytes(path)).splitlines()


def head_lines(head, n=40):
    """The first ``n`` non-empty lines of a file's first bytes (for content sniffing; never raises)."""
    text = decode(head[:65536]) if head else ""
    return [t for t in text.splitlines()[: 4 * n] if t.strip()][:n]


def number(text, path, line, field, decimal_comma=True):
    """Parse one number; a decimal comma is accepted when ``decimal_comma`` (``1,5E+03``)."""
    token = text.strip()
    if decimal_comma and "," in token and "." not in token:
        token = token.replace(",", ".")
    if not _FLOAT.match(token) and token.lower() not in ("nan", "inf", "-inf", "+inf"):
        raise InputError(path, f"expected a number, got {text.strip()!r}", line=line, field=field)
    return float(token)


def is_number(text, decimal_comma=True):
    """Whether ``text`` parses as a number (with :func:`number`'s rules)."""
    token = text.strip()
    if decimal_comma and "," in token and "." not in token:
        token = token.replace(",", ".")
    return bool(_FLOAT.match(token))


def guess_delimiter(text):
    """Tab, semicolon or comma if the line has one, else ``None`` (runs of white space)."""
    return "\t" if "\t" in text else ";" if ";" in text else "," if "," in text else None


def split_fields(text, delimiter):
    """Fields of one table line (``delimiter`` None: white space), quotes removed, trailing empty dropped."""
    if delimiter is None:
        fields = text.split()
    else:
        fields = next(csv.reader([text], delimiter=delimiter, skipinitialspace=True), [])
    fields = [f.strip() for f in fields]
    while fields and not fields[-1]:
        fields.pop()
    return fields


def split_name(raw):
    """``(normalised name, unit text)`` of one column title: ``Z' (Ω)``, ``Zre (ohms)``, ``Freq/Hz``."""
    text = raw.strip().replace("’", "'").replace("′", "'").replace("″", "''").replace('"', "''")
    unit = ""
    match = re.match(r"^(.*?)\s*[\(\[]\s*([^\)\]]*)[\)\]]\s*$", text)
    if match and match.group(1) and match.group(2).strip().lower() not in ("z", "a", "b"):
        text, unit = match.group(1), match.group(2)
    elif "/" in text:
        text, unit = text.rsplit("/", 1)
    return re.sub(r"\s+", "", text).lower(), unit.strip()


def ohm_factor(unit):
    """Factor to ohm of an impedance unit (ohm, Ohm, ohms, Ω, kΩ, mΩ, kOhm, MOhm, ...), None if unknown."""
    match = _OHM.match(unit.strip())
    return _PREFIX[match.group("prefix")] if match else None


def _scale(kind, unit, path, line, column):
    """Factor to Hz or ohm of one column's unit (``kind`` "Hz", "ohm"); for "deg" 1.0, or None for
    radians. An unknown unit raises :class:`InputError`."""
    if not unit:
        return 1.0
    if kind == "deg":
        if unit.lower() in _DEGREES or unit.lower().startswith("rad"):
            return None if unit.lower().startswith("rad") else 1.0
        factor = None
    elif kind == "ohm":
        factor = ohm_factor(unit)
    else:
        factor = _FREQ_UNITS.get(unit) or (_FREQ_UNITS.get(unit.lower()) if unit.lower() in ("hz", "khz") else None)
    if factor is None:
        raise InputError(path, f"unknown unit '{unit}' (expected {kind})", line=line, field=column)
    return factor


def _find(names, accepted):
    for i, (name, _) in enumerate(names):
        if name.lstrip("-") in accepted:
            return i
    return None


def find_columns(path, raw_names, line):
    """Layout of an impedance table from its column titles (see ``eis_csv``): a dict with ``cols``
    (frequency, Re or |Z|, Im or phase), ``scales``, ``polar``, ``rad``, ``sign`` and ``convention``."""
    names = [split_name(n) for n in raw_names]
    i_f, i_re, i_im = _find(names, FREQ_NAMES), _find(names, REAL_NAMES), _find(names, IMAG_NAMES)
    i_mod, i_ph = _find(names, MOD_NAMES), _find(names, PHASE_NAMES)
    if i_f is None:
        raise InputError(path, f"expected a frequency column (frequency, freq, f) in {raw_names}",
                         line=line, field="frequency")
    polar = i_re is None or i_im is None
    if polar and (i_mod is None or i_ph is None):
        missing = "Z'" if i_re is None else "Z''"
        raise InputError(path, f"expected columns Z' and Z'' (or |Z| and phase) in {raw_names}",
                         line=line, field=missing)
    second, third = (i_mod, i_ph) if polar else (i_re, i_im)
    minus = names[third][0].startswith("-")
    scales = [_scale("Hz", names[i_f][1], path, line, raw_names[i_f]),
              _scale("ohm", names[second][1], path, line, raw_names[second]),
              _scale("deg" if polar else "ohm", names[third][1], path, line, raw_names[third])]
    rad = polar and scales[2] is None
    if rad:
        scales[2] = 1.0
    convention = ("-phase(Z)" if minus else "phase(Z)") if polar else ("-Z''" if minus else "Z''")
    return {"cols": (i_f, second, third), "scales": tuple(scales), "polar": polar, "rad": rad,
            "sign": -1.0 if minus else 1.0, "convention": convention, "width": len(raw_names), "names": list(raw_names)}


def read_rows(path, lines, start, layout, delimiter, decimal_comma, stop=None, skip_zero_frequency=False):
    """``(array n x 3, line numbers)`` of the table in ``lines[start:stop]`` (blank and ``#`` lines skipped).

    ``skip_zero_frequency`` drops rows with frequency 0 (DC points some exports interleave).
    """
    cols, scales = layout["cols"], layout["scales"]
    rows, numbers = [], []
    for j in range(start, len(lines) if stop is None else stop):
        text = lines[j]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        fields = split_fields(text, delimiter)
        if len(fields) <= max(cols):
            raise InputError(path, f"expected {layout['width']} columns, got {len(fields)} (truncated?)", line=j + 1)
        row = [number(fields[c], path, j + 1, _name(layout, c), decimal_comma) * s for c, s in zip(cols, scales)]
        if skip_zero_frequency and row[0] == 0:
            continue
        rows.append(row)
        numbers.append(j + 1)
    if not rows:
        raise InputError(path, "no data rows after the header", line=start)
    return np.array(rows), numbers


def _name(layout, c):
    names = layout.get("names")
    return names[c] if names and c < len(names) else f"column {c + 1}"


def complex_parts(data, layout):
    """``(z_real, z_imag)`` in the canonical convention from :func:`read_rows` output."""
    if layout["polar"]:
        phase = layout["sign"] * (data[:, 2] if layout["rad"] else np.deg2rad(data[:, 2]))
        z = data[:, 1] * np.exp(1j * phase)
        return z.real, z.imag
    return data[:, 1], layout["sign"] * data[:, 2]


def looks_like_frequencies(values):
    """Positive, monotonic and log-spaced (a frequency sweep, not a linear x axis such as 2-theta)."""
    f = np.asarray(values, float)
    if f.size < 5 or np.any(~np.isfinite(f)) or np.any(f <= 0):
        return False
    steps = np.diff(np.log10(f))
    if not (np.all(steps > 0) or np.all(steps < 0)):
        return False
    size = np.abs(steps)
    return bool(np.median(size) > 0.02 and np.std(size) < 0.5 * np.median(size) + 0.02)


def sweep_starts(frequency):
    """Indices where a new frequency sweep starts (the frequency jumps back by more than x2)."""
    f = np.asarray(frequency, float)
    if f.size < 3:
        return [0]
    steps = np.diff(f)
    descending = np.sum(steps < 0) >= np.sum(steps > 0)
    starts = [0]
    for i in range(1, f.size):
        if (descending and f[i] > 2 * f[i - 1]) or (not descending and f[i] < 0.5 * f[i - 1]):
            starts.append(i)
    return starts


def eis_dataset(path, frequency, z_real, z_imag, fmt, lines=None, **attrs):
    """Check and label one spectrum (first sweep only, exact repeats dropped) as a Dataset.

    ``lines`` (file line numbers of the points) let errors name the offending line.
    """
    f, zr, zi = (np.asarray(a, float) for a in (frequency, z_real, z_imag))
    if f.size == 0:
        raise InputError(path, "no impedance data points found")
    lines = list(lines) if lines is not None else [None] * f.size
    for name, values in (("frequency", f), ("Re Z", zr), ("Im Z", zi)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise InputError(path, f"expected a finite {name}", line=lines[bad[0]], field=name)
    bad = np.flatnonzero(f <= 0)
    if bad.size:
        raise InputError(path, "expected a positive frequency", line=lines[bad[0]], field="frequency")
    starts = sweep_starts(f)
    n_sweeps = attrs.pop("n_sweeps", len(starts))
    if len(starts) > 1:
        end = starts[1]
        f, zr, zi, lines = f[:end], zr[:end], zi[:end], lines[:end]
    _, first = np.unique(f, return_index=True)
    keep = np.sort(first)
    dropped = f.size - keep.size
    if keep.size < 3:
        raise InputError(path, f"expected at least 3 distinct frequencies, found {keep.size}")
    attrs = {"kind": "eis", "format": fmt, "n_sweeps": int(n_sweeps), "n_dropped_duplicates": int(dropped),
             "sign_convention": "Z = z_real + 1j*z_imag (capacitive: z_imag < 0)", **attrs}
    return make_dataset(
        {"z_real": variable("frequency", zr[keep], "ohm", "Re Z"),
         "z_imag": variable("frequency", zi[keep], "ohm", "Im Z")},
        {"frequency": variable("frequency", f[keep], "Hz", "frequency")},
        {k: v for k, v in attrs.items() if v is not None})


def temperature_from_text(text):
    """A temperature in degC written in free header text (``Temperature: 30 °C``), or None."""
    match = re.search(r"\btemp(?:erature|\.)?\s*[:=]\s*([-+]?\d+(?:[.,]\d+)?)\s*(?:°|deg)?\s*C\b", text, re.IGNORECASE)
    if match:
        return float(match.group(1).replace(",", "."))
    return None
