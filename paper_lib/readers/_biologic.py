"""Shared pieces of the BioLogic EC-Lab readers: the ``.mpt`` header and tab-separated fields."""

import re

from ..errors import InputError

_HEADER_FACTS = {"Run on channel": "channel", "Device": "instrument", "Acquisition started on": "started",
                 "Electrode surface area": "electrode_area", "Comments": "comments"}


def mpt_header(path, lines):
    """``(N, attrs)`` of an ``EC-Lab ASCII FILE``: the column names are on line N (``Nb header
    lines : N``); ``attrs`` holds the technique (first non-empty header line) and a few header facts."""
    match = re.match(r"\s*Nb header lines\s*:\s*(\d+)", lines[1] if len(lines) > 1 else "")
    if not match:
        raise InputError(path, "expected 'Nb header lines : N'", line=2)
    n_header = int(match.group(1))
    if n_header < 3 or n_header > len(lines):
        raise InputError(path, f"header says {n_header} lines but the file has {len(lines)}", line=2)
    header = lines[2:n_header - 1]
    attrs = {"technique": next((h.strip() for h in header if h.strip()), None)}
    for text in header:
        key, _, value = text.partition(" : ")
        if key.strip() in _HEADER_FACTS and value.strip():
            attrs[_HEADER_FACTS[key.strip()]] = value.strip()
    return n_header, attrs


def split_fields(text):
    """Tab-separated fields without the trailing empty ones EC-Lab leaves."""
    fields = text.split("\t")
    while fields and not fields[-1].strip():
        fields.pop()
    return fields


def open_mpr(path):
    """An EC-Lab ``.mpr`` file opened with :class:`galvani.BioLogic.MPRfile`; bad files named."""
    from galvani.BioLogic import MPRfile

    try:
        mpr = MPRfile(str(path))
    except (ValueError, AssertionError, OSError, NotImplementedError, KeyError) as exc:
        raise InputError(path, f"expected a BioLogic .mpr file that galvani can read ({exc})") from None
    if mpr.data.size == 0:
        raise InputError(path, "no data points in the 'VMP data' module")
    return mpr
