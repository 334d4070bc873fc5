"""Shared pieces of the impedance readers: number parsing, sweep splitting, the canonical Dataset.

Canonical EIS schema: coordinate ``frequency`` (Hz); variables ``z_real`` and ``z_imag`` (ohm) with
Z = Z' + jZ'' (a capacitive arc has ``z_imag < 0`` whatever sign convention the file used).
"""

import re

import numpy as np

from ..errors import InputError
from ..schema import make_dataset, variable

_FLOAT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def read_text(path):
    """The lines of a text export (UTF-8, else Latin-1 as EC-Lab and Gamry write on Windows)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.splitlines()


def number(text, path, line, field, decimal_comma=True):
    """Parse one number; a decimal comma is accepted when ``decimal_comma`` (``1,5E+03``)."""
    token = text.strip()
    if decimal_comma and "," in token and "." not in token:
        token = token.replace(",", ".")
    if not _FLOAT.match(token) and token.lower() not in ("nan", "inf", "-inf", "+inf"):
        raise InputError(path, f"expected a number, got {text.strip()!r}", line=line, field=field)
    return float(token)


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
