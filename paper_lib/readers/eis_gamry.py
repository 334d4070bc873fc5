"""Gamry Framework ``.DTA`` impedance files (EXPLAIN format, ``ZCURVE TABLE`` block).

Potentiostatic (``TAG EISPOT``) and galvanostatic (``TAG EISGALV``) EIS share the layout; ``attrs
["control"]`` says which. ``Zimag`` is stored with its true sign (negative for a capacitive arc) and
kept as it is (``file_sign_convention = "Z''"``). Tab separated; a decimal comma (European Windows
locales) is accepted. A table ended by ``EXPERIMENTABORTED`` gives the points measured until then.
"""

from pathlib import Path

from ..errors import InputError
from ._eis_common import eis_dataset, head_lines, number, read_text, temperature_from_text

_FACTS = {"TAG": "technique", "TITLE": "title", "PSTAT": "instrument", "DATE": "date", "TIME": "time",
          "AREA": "electrode_area_file_cm2", "VAC": "ac_amplitude_mV_rms", "FREQINIT": "initial_frequency_Hz",
          "FREQFINAL": "final_frequency_Hz", "PTSPERDEC": "points_per_decade"}
_CONTROL = {"EISPOT": "potentiostatic", "EISGALV": "galvanostatic"}
_QUANTS = {"AREA", "VAC", "FREQINIT", "FREQFINAL", "PTSPERDEC"}


def read_dta(path):
    """Read a Gamry EIS ``.DTA`` file into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    lines = read_text(path)
    if not lines or lines[0].strip() != "EXPLAIN":
        raise InputError(path, "expected 'EXPLAIN' (a Gamry .DTA file)", line=1)
    attrs, start = {}, None
    for k, text in enumerate(lines):
        fields = text.split("\t")
        key = fields[0].strip()
        if key == "ZCURVE" and len(fields) > 1 and fields[1].strip() == "TABLE":
            start = k
            break
        if key == "TAG" and len(fields) > 1:
            attrs["technique"] = fields[1].strip()
        elif key in _FACTS and len(fields) > 2:
            value = fields[2].strip()
            attrs[_FACTS[key]] = number(value, path, k + 1, key) if key in _QUANTS else value
        if key == "NOTES":
            notes = " ".join(lines[k + 1:k + 1 + _int(fields[2] if len(fields) > 2 else "0")])
            temperature = temperature_from_text(notes)
            if temperature is not None:
                attrs["temperature_file_C"] = temperature
    if start is None:
        raise InputError(path, "expected a 'ZCURVE<TAB>TABLE' block (is this an impedance file?)")
    if len(lines) < start + 3:
        raise InputError(path, "expected a column header and a units row after 'ZCURVE TABLE'", line=start + 1)
    names = [n.strip() for n in lines[start + 1].split("\t")]
    for needed in ("Freq", "Zreal", "Zimag"):
        if needed not in names:
            raise InputError(path, f"expected a column '{needed}' in the ZCURVE table", line=start + 2, field=needed)
    columns = [names.index(n) for n in ("Freq", "Zreal", "Zimag")]
    width = len(names)
    freq, zr, zi, numbers = [], [], [], []
    for k in range(start + 3, len(lines)):
        text = lines[k]
        if not text.strip():
            continue
        if not text.startswith("\t"):
            break  # the next block (e.g. EXPERIMENTABORTED) ends the table
        fields = text.split("\t")
        while len(fields) > width and not fields[-1].strip():
            fields.pop()
        if len(fields) < width:
            raise InputError(path, f"expected {width - 1} tab-separated columns, got {len(fields) - 1} (truncated?)",
                             line=k + 1)
        values = [number(fields[i], path, k + 1, names[i]) for i in columns]
        freq.append(values[0]), zr.append(values[1]), zi.append(values[2]), numbers.append(k + 1)
    control = _CONTROL.get(attrs.get("technique", ""))
    return eis_dataset(path, freq, zr, zi, "gamry-dta", numbers, instrument_software="Gamry Framework",
                       control=control, file_sign_convention="Z''", **attrs)


def _int(text):
    try:
        return int(text.strip())
    except ValueError:
        return 0


def _is_eis_dta(path, head):
    """A Gamry EXPLAIN file whose tag is an EIS technique or that holds a ZCURVE table."""
    lines = head_lines(head, 3)
    if not lines or lines[0].strip() != "EXPLAIN":
        return False
    tag = lines[1].split("\t")[1].strip() if len(lines) > 1 and lines[1].startswith("TAG\t") else ""
    return tag.startswith("EIS") or b"ZCURVE\tTABLE" in head


SNIFF = {"gamry-dta": _is_eis_dta}
