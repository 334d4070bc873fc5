"""Princeton Applied Research (Ametek) impedance exports; all three store Im Z with its true sign
(negative for a capacitive arc): ``file_sign_convention = "Z''"``.

* VersaStudio ``.par`` (``read_par``): INI-like sections ``<Application>``, ``<Instrument>``,
  ``<ActionN>``, ``<SegmentN>``; a segment's ``Definition=`` line names its comma-separated columns
  (``Frequency(Hz)``, ``Z Real``, ``Z Imag`` in ohm); rows follow until ``</SegmentN>``. The first
  segment with a frequency column is read; ``n_segments`` says how many hold impedance data.
* Parstat/PowerSuite tab-separated text with ``Frequency (Hz)``, ``Zre (ohms)``, ``Zim (ohms)`` among
  other columns (``read_parstat``); rows with frequency 0 are the DC part of the run and are skipped
  (``n_dc_rows_skipped``).
* PowerSuite text (``read_powersuite``): columns ``Frequency``, ``Zre``, ``Zimg`` (Hz, ohm), tab-separated,
  lines ended by CR CR LF.
"""

import re
from pathlib import Path

from ..errors import InputError
from ._eis_common import (complex_parts, eis_dataset, find_columns, head_lines, read_rows, read_text,
                          split_fields)

_PAR_COLUMNS = {"frequency(hz)": "Frequency (Hz)", "z real": "Z' (ohm)", "z imag": "Z'' (ohm)"}
_PAR_FACTS = {("Instrument", "Type"): "instrument", ("Instrument", "SN"): "serial_number",
              ("Application", "Version"): "software_version", ("Experiment", "DateAcquired"): "date",
              ("Experiment", "TimeAcquired"): "time"}


def _sections(lines):
    """``{name: (first line, end line)}`` of the ``<Name> ... </Name>`` blocks."""
    spans, open_ = {}, {}
    for k, text in enumerate(lines):
        match = re.match(r"^\s*<(/?)([A-Za-z]\w*)>\s*$", text)
        if match and not match.group(1):
            open_[match.group(2)] = k
        elif match and match.group(2) in open_:
            spans[match.group(2)] = (open_.pop(match.group(2)) + 1, k)
    return spans


def _facts(lines, spans):
    attrs = {}
    for (section, key), name in _PAR_FACTS.items():
        first, end = spans.get(section, (0, 0))
        value = next((t.split("=", 1)[1].strip() for t in lines[first:end] if t.startswith(key + "=")), None)
        if value:
            attrs[name] = value
    return attrs


def read_par(path):
    """Read a VersaStudio ``.par`` impedance file into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
    spans = _sections(lines)
    if "Application" not in spans:
        raise InputError(path, "expected an '<Application>' section (a VersaStudio .par file)", line=1)
    eis = []
    for name, (first, end) in sorted(spans.items(), key=lambda item: item[1]):
        if name.startswith("Segment"):
            k = next((j for j in range(first, end) if lines[j].startswith("Definition=")), None)
            if k is not None and "frequency(hz)" in lines[k].lower():
                eis.append((name, k, end))
    if not eis:
        raise InputError(path, "expected a '<SegmentN>' with a 'Frequency(Hz)' column (an impedance run)",
                         field="Definition")
    name, k, end = eis[0]
    titles = [_PAR_COLUMNS.get(t.strip().lower(), t.strip()) for t in lines[k].split("=", 1)[1].split(",")]
    layout = find_columns(path, titles, k + 1)
    data, numbers = read_rows(path, lines, k + 1, layout, ",", False, stop=end)
    zr, zi = complex_parts(data, layout)
    return eis_dataset(path, data[:, 0], zr, zi, "versastudio-par", numbers, instrument_software="VersaStudio",
                       segment=name, n_segments=len(eis), file_sign_convention="Z''", **_facts(lines, spans))


def _read_tab_table(path, fmt, check, expected, **attrs):
    path = Path(path)
    lines = read_text(path)
    if not lines or not check(lines[0]):
        raise InputError(path, f"expected a first line naming the columns {expected}", line=1)
    layout = find_columns(path, split_fields(lines[0], "\t"), 1)
    data, numbers = read_rows(path, lines, 1, layout, "\t", True, skip_zero_frequency=True)
    skipped = sum(1 for t in lines[1:] if t.strip()) - len(numbers)
    zr, zi = complex_parts(data, layout)
    return eis_dataset(path, data[:, 0], zr, zi, fmt, numbers, file_sign_convention=layout["convention"],
                       n_dc_rows_skipped=skipped, **attrs)


def _parstat_header(text):
    names = [n.strip() for n in text.split("\t")]
    return "Frequency (Hz)" in names and any(n.startswith("Zre (") for n in names) and any(
        n.startswith("Zim (") for n in names)


def _powersuite_header(text):
    return [n.strip() for n in text.split("\t")][:3] == ["Frequency", "Zre", "Zimg"]


def read_parstat(path):
    """Read a Parstat/PowerSuite tab-separated text with ``Zre (ohms)``/``Zim (ohms)`` (Hz, ohm)."""
    return _read_tab_table(path, "parstat-txt", _parstat_header, "'Frequency (Hz)', 'Zre (ohms)', 'Zim (ohms)'",
                           instrument_software="Parstat/VersaStudio")


def read_powersuite(path):
    """Read a PowerSuite text export with columns ``Frequency``, ``Zre``, ``Zimg`` (Hz, ohm)."""
    return _read_tab_table(path, "powersuite-txt", _powersuite_header, "'Frequency', 'Zre', 'Zimg'",
                           instrument_software="PowerSuite")


def _first_line(head):
    lines = head_lines(head, 1)
    return lines[0] if lines else ""


SNIFF = {
    "versastudio-par": lambda path, head: _first_line(head).strip() == "<Application>"
    and b"VersaStudio" in head and b"Frequency(Hz)" in head,
    "parstat-txt": lambda path, head: _parstat_header(_first_line(head)),
    "powersuite-txt": lambda path, head: _powersuite_header(_first_line(head)),
}
