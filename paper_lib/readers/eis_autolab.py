"""Metrohm Autolab NOVA impedance exports ("Export ASCII data", ``.txt`` or ``.csv``).

NOVA 2 names its columns ``Index``, ``Frequency (Hz)``, ``Z' (Ω)``, ``-Z'' (Ω)``, ``Z (Ω)``, ``-Phase (°)``,
``Time (s)``; separated by ``;`` (the default), tabs or commas, with a decimal comma in some locales
when the separator is not a comma. It stores -Im Z (positive for a capacitive arc):
``file_sign_convention = "-Z''"``, flipped back here. A table with ``Z'' (Ω)`` (no minus) is read as Im Z.
Autolab's ZView-format export is the "Z60W Data File" layout read by :mod:`.eis_zview`.
"""

from pathlib import Path

from ..errors import InputError
from ._eis_common import (complex_parts, eis_dataset, find_columns, guess_delimiter, head_lines, read_rows,
                          read_text, split_fields)


def _is_nova_header(text):
    names = [n.replace(" ", "") for n in split_fields(text, guess_delimiter(text) or ",")]
    return "Frequency(Hz)" in names and ("Z'(Ω)" in names or "-Z''(Ω)" in names) and any(
        n in names for n in ("-Z''(Ω)", "Z''(Ω)"))


def read_nova(path):
    """Read an Autolab NOVA impedance export into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
    if not lines or not _is_nova_header(lines[0]):
        raise InputError(path, "expected NOVA column titles 'Frequency (Hz)', \"Z' (Ω)\", \"-Z'' (Ω)\" on line 1",
                         line=1)
    delimiter = guess_delimiter(lines[0]) or ","
    layout = find_columns(path, split_fields(lines[0], delimiter), 1)
    data, numbers = read_rows(path, lines, 1, layout, delimiter, delimiter != ",")
    zr, zi = complex_parts(data, layout)
    return eis_dataset(path, data[:, 0], zr, zi, "autolab-nova", numbers, instrument_software="NOVA",
                       file_sign_convention=layout["convention"])


def _sniff(path, head):
    lines = head_lines(head, 1)
    return bool(lines) and _is_nova_header(lines[0])


SNIFF = {"autolab-nova": _sniff}
