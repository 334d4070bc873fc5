"""BioLogic EC-Lab impedance exports: ``.mpt`` text ("EC-Lab ASCII FILE") and ``.mpr`` binary.

EC-Lab stores ``-Im(Z)/Ohm`` (positive for a capacitive arc); the readers return ``z_imag = Im Z``.
A file holding several sweeps (loops or ``cycle number`` > 1) gives its first sweep; ``n_sweeps``
in ``attrs`` says how many there were.
"""

import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._eis_common import eis_dataset, number, read_text, temperature_from_text

FREQ, RE, MINUS_IM, IM = "freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "Im(Z)/Ohm"
_HEADER_FACTS = {"Run on channel": "channel", "Device": "instrument", "Acquisition started on": "started",
                 "Electrode surface area": "electrode_area", "Comments": "comments"}


def _columns(path, names, line):
    """Indices of frequency, Re Z and (Im Z index, sign) in a list of EC-Lab column names."""
    names = [n.strip() for n in names]
    for needed in (FREQ, RE):
        if needed not in names:
            raise InputError(path, f"expected a column '{needed}' in {names}", line=line, field=needed)
    if MINUS_IM in names:
        imag, sign = names.index(MINUS_IM), -1.0
    elif IM in names:
        imag, sign = names.index(IM), 1.0
    else:
        raise InputError(path, f"expected a column '{MINUS_IM}'", line=line, field=MINUS_IM)
    return names.index(FREQ), names.index(RE), imag, sign, names


def _split(text):
    """Tab-separated fields without the trailing empty ones EC-Lab leaves."""
    fields = text.split("\t")
    while fields and not fields[-1].strip():
        fields.pop()
    return fields


def read_mpt(path):
    """Read an EC-Lab ``.mpt`` text export (PEIS/GEIS) into the canonical EIS Dataset.

    Layout: line 1 ``EC-Lab ASCII FILE``, line 2 ``Nb header lines : N``, the column names on line N,
    tab-separated data after it (decimal points or decimal commas). Units: Hz, ohm.
    """
    path = Path(path)
    lines = read_text(path)
    attrs = {}
    if lines and lines[0].strip() == "EC-Lab ASCII FILE":
        match = re.match(r"\s*Nb header lines\s*:\s*(\d+)", lines[1] if len(lines) > 1 else "")
        if not match:
            raise InputError(path, "expected 'Nb header lines : N'", line=2)
        n_header = int(match.group(1))
        if n_header < 3 or n_header > len(lines):
            raise InputError(path, f"header says {n_header} lines but the file has {len(lines)}", line=2)
        header = lines[2:n_header - 1]
        attrs["technique"] = next((h.strip() for h in header if h.strip()), None)
        for text in header:
            key, _, value = text.partition(" : ")
            if key.strip() in _HEADER_FACTS and value.strip():
                attrs[_HEADER_FACTS[key.strip()]] = value.strip()
        temperature = temperature_from_text(attrs.get("comments", ""))
        if temperature is not None:
            attrs["temperature_file_C"] = temperature
    elif lines and lines[0].startswith(FREQ):
        n_header = 1  # an export without header ("Export as text" with the header unticked)
    else:
        raise InputError(path, "expected 'EC-Lab ASCII FILE' (or a 'freq/Hz' column header)", line=1)
    names = _split(lines[n_header - 1])
    i_f, i_re, i_im, sign, names = _columns(path, names, n_header)
    i_cycle = names.index("cycle number") if "cycle number" in names else None
    rows, numbers = [], []
    for k in range(n_header, len(lines)):
        text = lines[k]
        if not text.strip():
            continue
        fields = _split(text)
        if len(fields) < len(names):
            raise InputError(path, f"expected {len(names)} tab-separated columns, got {len(fields)} (truncated?)",
                             line=k + 1)
        row = [number(fields[i], path, k + 1, names[i]) for i in (i_f, i_re, i_im)]
        row.append(number(fields[i_cycle], path, k + 1, "cycle number") if i_cycle is not None else 1.0)
        rows.append(row)
        numbers.append(k + 1)
    if not rows:
        raise InputError(path, "no data rows after the header", line=n_header)
    data = np.array(rows)
    cycles = np.unique(data[:, 3])
    n_sweeps = None
    if cycles.size > 1:
        first = data[:, 3] == data[0, 3]
        data, numbers = data[first], [n for n, keep in zip(numbers, first) if keep]
        n_sweeps = int(cycles.size)
    extra = {"n_sweeps": n_sweeps} if n_sweeps else {}
    return eis_dataset(path, data[:, 0], data[:, 1], sign * data[:, 2], "biologic-mpt", numbers,
                       instrument_software="EC-Lab", **extra, **attrs)


def read_mpr(path):
    """Read an EC-Lab ``.mpr`` binary file with :class:`galvani.BioLogic.MPRfile` (Hz, ohm)."""
    from galvani.BioLogic import MPRfile

    path = Path(path)
    try:
        mpr = MPRfile(str(path))
    except (ValueError, AssertionError, OSError, NotImplementedError, KeyError) as exc:
        raise InputError(path, f"expected a BioLogic .mpr file that galvani can read ({exc})") from None
    names = list(mpr.data.dtype.names)
    i_f, i_re, i_im, sign, names = _columns(path, names, None)
    data = mpr.data
    if data.size == 0:
        raise InputError(path, "no data points in the 'VMP data' module")
    extra = {}
    if "cycle number" in names:
        cycle = np.asarray(data["cycle number"])
        if np.unique(cycle).size > 1:
            data = data[cycle == cycle[0]]
            extra["n_sweeps"] = int(np.unique(cycle).size)
    return eis_dataset(path, data[names[i_f]], data[names[i_re]], sign * np.asarray(data[names[i_im]], float),
                       "biologic-mpr", None, instrument_software="EC-Lab", started=str(mpr.startdate), **extra)
