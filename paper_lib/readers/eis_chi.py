"""CH Instruments (CHI 6xx/7xx, CHI software) "A.C. Impedance" text export.

Layout: a date line (``Feb. 20, 2020   15:55:08``), the technique line ``A.C. Impedance``, header lines
``key: value`` and ``key = value`` (``Instrument Model:  CHI660E``, ``Amplitude (V) = 0.025``), the column
titles ``Freq/Hz, Z'/ohm, Z"/ohm, Z/ohm, Phase/deg``, a blank line, then comma-separated rows.
``Z"`` is stored with its true sign (negative for a capacitive arc): ``file_sign_convention = "Z''"``.
"""

import re
from pathlib import Path

from ..errors import InputError
from ._eis_common import complex_parts, eis_dataset, find_columns, head_lines, read_rows, read_text, split_fields

_FACTS = {"instrument model": "instrument", "init e (v)": "dc_potential_V", "amplitude (v)": "ac_amplitude_V",
          "high frequency (hz)": "initial_frequency_Hz", "low frequency (hz)": "final_frequency_Hz"}


def _header(lines, end):
    attrs = {"date": lines[0].strip()} if lines else {}
    for text in lines[1:end]:
        match = re.match(r"^(.*?)\s*[:=]\s*(.*)$", text.strip())
        name = _FACTS.get(match.group(1).lower()) if match else None
        if name and match.group(2):
            try:
                attrs[name] = float(match.group(2))
            except ValueError:
                attrs[name] = match.group(2)
    return attrs


def read_chi_eis(path):
    """Read a CH Instruments A.C. Impedance text export into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
    if not any(t.strip() == "A.C. Impedance" for t in lines[:5]):
        raise InputError(path, "expected 'A.C. Impedance' in the first lines (a CHI impedance export)", line=2)
    start = next((k for k, t in enumerate(lines) if t.strip().lower().startswith("freq/hz")), None)
    if start is None:
        raise InputError(path, "expected a column title line starting 'Freq/Hz'", field="Freq/Hz")
    layout = find_columns(path, split_fields(lines[start], ","), start + 1)
    data, numbers = read_rows(path, lines, start + 1, layout, ",", False)
    zr, zi = complex_parts(data, layout)
    return eis_dataset(path, data[:, 0], zr, zi, "chi-eis", numbers, instrument_software="CHI",
                       technique="A.C. Impedance", file_sign_convention=layout["convention"],
                       **_header(lines, start))


def _is_chi_eis(path, head):
    lines = head_lines(head, 30)
    return any(t.strip() == "A.C. Impedance" for t in lines[:4]) and any(
        t.strip().lower().startswith("freq/hz") for t in lines)


SNIFF = {"chi-eis": _is_chi_eis}
