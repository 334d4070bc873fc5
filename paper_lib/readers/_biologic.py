"""Shared pieces of the BioLogic EC-Lab readers: the ``.mpt`` header, tab-separated fields and the
``.mpr`` module layout checked before galvani parses it."""

import io
import re
from pathlib import Path

from ..errors import InputError

_HEADER_FACTS = {"Run on channel": "channel", "Device": "instrument", "Acquisition started on": "started",
                 "Electrode surface area": "electrode_area", "Comments": "comments"}


def read_bytes(path, what):
    """The file's bytes; InputError naming ``what`` was expected for a folder or unreadable file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, f"not a file: expected {what}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read it ({exc.strerror}): expected {what}") from None


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


def _check_modules(path, raw):
    """The ``.mpr`` magic, and every module's declared length within the file (galvani reads a
    module's declared length in one piece, so a corrupt length would allocate up to 4 GB)."""
    from galvani import BioLogic

    if not raw.startswith(BioLogic.MPR_MAGIC):
        raise InputError(path, "expected a BioLogic .mpr file starting with 'BIO-LOGIC MODULAR FILE'", line=1)
    stream = io.BytesIO(raw)
    stream.seek(len(BioLogic.MPR_MAGIC))
    try:
        for k, module in enumerate(BioLogic.read_VMP_modules(stream, read_module_data=False), start=1):
            if module["offset"] + int(module["length"]) > len(raw):
                name = bytes(module["shortname"]).decode("latin-1").strip()
                raise InputError(path, f"module {k} ('{name}') declares {int(module['length'])} bytes but "
                                       f"{len(raw) - module['offset']} follow (truncated or corrupt)",
                                 field=f"module {k} length")
    except (ValueError, OSError) as exc:
        raise InputError(path, f"galvani cannot read the module headers: expected 'MODULE' blocks ({exc})") from None


def open_mpr(path):
    """An EC-Lab ``.mpr`` file opened with :class:`galvani.BioLogic.MPRfile`; bad files named."""
    from galvani.BioLogic import MPRfile

    raw = read_bytes(path, "a BioLogic .mpr file")
    _check_modules(path, raw)
    try:
        mpr = MPRfile(io.BytesIO(raw))
    except (ValueError, AssertionError, OSError, NotImplementedError, KeyError, IndexError, TypeError) as exc:
        raise InputError(path, f"galvani cannot read it: expected a BioLogic .mpr file ({type(exc).__name__}: "
                               f"{str(exc)[:200]})") from None
    if mpr.data.size == 0:
        raise InputError(path, "no data points in the 'VMP data' module")
    return mpr
