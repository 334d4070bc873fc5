"""BioLogic EC-Lab impedance exports: ``.mpt`` text ("EC-Lab ASCII FILE") and ``.mpr`` binary.

EC-Lab stores ``-Im(Z)/Ohm`` (positive for a capacitive arc; ``file_sign_convention = "-Z''"``); the
readers return ``z_imag = Im Z``. A file that names ``Im(Z)/Ohm`` instead is kept as it is (``"Z''"``).
``.mpr`` files are parsed with galvani; a file galvani cannot parse (EC-Lab versions it does not know,
see echemdata/galvani issues #87, #126) gives an InputError naming the file and its module versions.
A file holding several sweeps (loops or ``cycle number`` > 1) gives its first sweep; ``n_sweeps``
in ``attrs`` says how many there were.
"""

import re
import struct
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._biologic import mpt_header, open_mpr, split_fields as _split
from ._eis_common import eis_dataset, head_lines, number, read_bytes, read_text, temperature_from_text

FREQ, RE, MINUS_IM, IM = "freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "Im(Z)/Ohm"
_CONVENTION = {-1.0: "-Z''", 1.0: "Z''"}
_MODULE = re.compile(rb"MODULE(.{10})(.{25})(.{4})(.{4})", re.DOTALL)


def module_versions(raw):
    """``{module short name: version}`` of an EC-Lab ``.mpr`` file's modules (empty if none found)."""
    found = {}
    for match in _MODULE.finditer(raw):
        name = match.group(1).rstrip(b"\x00 ").decode("latin-1")
        found.setdefault(name, struct.unpack("<I", match.group(4))[0])
    return found


def _open(path):
    """:func:`open_mpr` with every parser failure reported as an InputError naming the module versions."""
    try:
        return open_mpr(path)
    except InputError as exc:
        if path.is_dir():
            raise
        versions = module_versions(read_bytes(path))
        raise InputError(path, f"{exc.args[0].split(': ', 1)[-1]}; module versions {versions}") from None
    except (struct.error, IndexError, TypeError, EOFError, UnicodeDecodeError, OverflowError, MemoryError) as exc:
        versions = module_versions(read_bytes(path))
        raise InputError(path, f"galvani could not parse this .mpr ({type(exc).__name__}: {exc}); "
                               f"module versions {versions}") from None


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


def read_mpt(path):
    """Read an EC-Lab ``.mpt`` text export (PEIS/GEIS) into the canonical EIS Dataset.

    Layout: line 1 ``EC-Lab ASCII FILE``, line 2 ``Nb header lines : N``, the column names on line N,
    tab-separated data after it (decimal points or decimal commas). Units: Hz, ohm.
    """
    path = Path(path)
    lines = read_text(path)
    if lines and lines[0].strip() == "EC-Lab ASCII FILE":
        n_header, attrs = mpt_header(path, lines)
        temperature = temperature_from_text(attrs.get("comments", ""))
        if temperature is not None:
            attrs["temperature_file_C"] = temperature
    elif lines and lines[0].startswith(FREQ):
        n_header, attrs = 1, {}  # an export without header ("Export as text" with the header unticked)
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
                       instrument_software="EC-Lab", file_sign_convention=_CONVENTION[sign], **extra, **attrs)


def read_mpr(path):
    """Read an EC-Lab ``.mpr`` binary file with :class:`galvani.BioLogic.MPRfile` (Hz, ohm)."""
    path = Path(path)
    mpr = _open(path)
    names = list(mpr.data.dtype.names)
    i_f, i_re, i_im, sign, names = _columns(path, names, None)
    data = mpr.data
    extra = {}
    if "cycle number" in names:
        cycle = np.asarray(data["cycle number"])
        if np.unique(cycle).size > 1:
            data = data[cycle == cycle[0]]
            extra["n_sweeps"] = int(np.unique(cycle).size)
    return eis_dataset(path, data[names[i_f]], data[names[i_re]], sign * np.asarray(data[names[i_im]], float),
                       "biologic-mpr", None, instrument_software="EC-Lab", started=str(mpr.startdate),
                       file_sign_convention=_CONVENTION[sign], **extra)


SNIFF = {
    "biologic-mpt": lambda path, head: bool(head_lines(head, 1)) and head_lines(head, 1)[0].strip() in (
        "EC-Lab ASCII FILE",) or head.startswith(FREQ.encode()),
    "biologic-mpr": lambda path, head: head.startswith(b"BIO-LOGIC MODULAR FILE"),
}
