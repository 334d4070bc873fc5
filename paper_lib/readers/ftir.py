"""FTIR readers: JCAMP-DX infrared spectra and two-column CSV exports.

Both return an ``xarray.Dataset`` with

* dimension/coordinate ``wavenumber`` in cm^-1, **descending** (4000 -> 400, as IR spectra are
  stored and drawn);
* variables ``transmittance`` in percent (a file in fractional transmittance, 0..1, is multiplied
  by 100) and ``absorbance`` (dimensionless, decadic: A = -log10(T/100)); the quantity the file
  holds is ``attrs["measured"]`` (``"transmittance"`` or ``"absorbance"``), the other one is
  computed from it (:func:`to_absorbance`, :func:`to_transmittance`); points with T <= 0 get
  A = NaN;
* ``attrs``: ``kind="ftir"``, ``source_format``, ``source_yunits`` (as written in the file), and
  the title, resolution and origin when the file carries them.

JCAMP-DX (versions 4.24 / 5.01)
-------------------------------
``##DATA TYPE=INFRARED SPECTRUM``, ``##XUNITS=1/CM``, ``##YUNITS=TRANSMITTANCE`` (fraction),
``%T`` / ``% TRANSMITTANCE`` (percent) or ``ABSORBANCE``; ``##FIRSTX=``, ``##LASTX=``,
``##NPOINTS=`` give the axis (equally spaced, in file order); ``##YFACTOR=`` is applied to the
stored ordinates, ``##XFACTOR=`` only scales the abscissae written on the data lines (not used).
``##XYDATA=(X++(Y..Y))`` in plain numbers (AFFN) or compressed ASDF (SQZ/DIF/DUP) are decoded by
nmrglue (:mod:`paper_lib.readers._jcamp`).

CSV
---
Two columns, wavenumber then %T or absorbance, separated by commas, semicolons (decimal commas
allowed), tabs or spaces; ``#`` lines are comments. A header line naming the second column
(``%T``, ``Transmittance (%)``, ``T``, ``Absorbance``, ``A``, ``Abs``...) decides the quantity.
Instrument software often writes no header (e.g. OMNIC, OPUS CSV): then ``quantity`` must be
given, or it is guessed (largest value above 5 -> %T, else absorbance) and
``attrs["quantity_guessed"]`` is set. Rows may be in either order.
"""

import re
from pathlib import Path

import numpy as np

from . import _jcamp
from ..errors import InputError
from ..schema import make_dataset, variable

_XUNITS = {"1/CM", "CM-1", "CM^-1", "CM**-1", "WAVENUMBERS", "WAVENUMBER", "1/CM (WAVENUMBER)"}
_PERCENT = {"%T", "% TRANSMITTANCE", "PERCENT TRANSMITTANCE", "%TRANSMITTANCE", "TRANSMITTANCE (%)", "%"}
_FRACTION = {"TRANSMITTANCE", "T"}
_ABSORBANCE = {"ABSORBANCE", "A", "ABS", "ABSORBANCE UNITS", "AU", "A.U."}


def to_absorbance(transmittance_percent):
    """Decadic absorbance ``-log10(T / 100)`` of a transmittance in percent (NaN where T <= 0)."""
    t = np.asarray(transmittance_percent, dtype=float) / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t > 0, -np.log10(np.where(t > 0, t, 1.0)), np.nan)


def to_transmittance(absorbance):
    """Transmittance in percent, ``100 * 10**-A``, of a decadic absorbance."""
    return 100.0 * 10.0 ** -np.asarray(absorbance, dtype=float)


def spectrum(wavenumber, values, quantity, attrs):
    """The canonical FTIR Dataset from a wavenumber axis (cm^-1) and %T or absorbance values."""
    x = np.asarray(wavenumber, dtype=float)
    y = np.asarray(values, dtype=float)
    order = np.argsort(-x, kind="stable")
    x, y = x[order], y[order]
    if quantity == "transmittance":
        t, a = y, to_absorbance(y)
    elif quantity == "absorbance":
        t, a = to_transmittance(y), y
    else:
        raise ValueError(f"quantity must be 'transmittance' or 'absorbance', got {quantity!r}")
    derived = " (computed from transmittance)" if quantity == "transmittance" else ""
    return make_dataset(
        {"transmittance": variable("wavenumber", t, "%", "transmittance" +
                                   ("" if quantity == "transmittance" else " (computed from absorbance)")),
         "absorbance": variable("wavenumber", a, "1", "absorbance" + derived)},
        {"wavenumber": variable("wavenumber", x, "cm^-1", "wavenumber")},
        {"kind": "ftir", "measured": quantity, **attrs})


def _yunits(path, text):
    units = (text or "").strip().upper()
    if units in _PERCENT:
        return "transmittance", 100.0
    if units in _FRACTION:
        return "transmittance", 1.0
    if units in _ABSORBANCE:
        return "absorbance", None
    raise InputError(path, f"expected YUNITS=TRANSMITTANCE, %T or ABSORBANCE, got {text or 'nothing'!r}",
                     field="YUNITS")


def read_jcamp_ir(path):
    """Read a JCAMP-DX infrared spectrum (AFFN or ASDF-compressed ``##XYDATA=(X++(Y..Y))``).

    Raises :class:`InputError` naming the file and label for an empty file, a non-IR data type,
    x units other than 1/CM, unknown y units, a missing/non-numeric FIRSTX/LASTX/NPOINTS, or a
    decoded point count that disagrees with ``NPOINTS`` (truncated or corrupt data).
    """
    path = Path(path)
    _scan_xydata(path, _jcamp.text_of(path))
    blocks = _jcamp.read_blocks(path)
    dic, y = None, None
    for key, items in blocks.items():
        for block in items:
            if "XYDATA" in block:
                dic, y = block, _jcamp.block_data(block)
                break
        if dic is not None:
            break
    if dic is None:
        raise InputError(path, "expected spectrum data in '##XYDATA=(X++(Y..Y))' (none found)", field="XYDATA")
    datatype = (_jcamp.label(dic, "DATATYPE") or "").upper()
    if datatype and "INFRARED" not in datatype and not datatype.startswith("IR"):
        raise InputError(path, f"expected DATA TYPE=INFRARED SPECTRUM, got {datatype!r}", field="DATA TYPE")
    if y is None or np.size(y) == 0:
        raise InputError(path, "cannot decode the '##XYDATA=' lines (text where numbers are expected?)",
                         field="XYDATA")
    y = np.asarray(y, dtype=float)
    npoints = _jcamp.number(path, dic, "NPOINTS")
    if int(npoints) != y.size:
        raise InputError(path, f"NPOINTS={int(npoints)} but {y.size} values were decoded (truncated or "
                               "corrupt data?)", field="NPOINTS")
    first, last = _jcamp.number(path, dic, "FIRSTX"), _jcamp.number(path, dic, "LASTX")
    xunits = (_jcamp.label(dic, "XUNITS") or "").upper()
    if xunits not in _XUNITS:
        raise InputError(path, f"expected XUNITS=1/CM, got {xunits or 'nothing'!r}", field="XUNITS")
    yunits_text = _jcamp.label(dic, "YUNITS")
    quantity, percent = _yunits(path, yunits_text)
    if quantity == "transmittance" and percent == 1.0:
        y = y * 100.0
    x = np.linspace(first, last, y.size)
    attrs = {"source_format": "jcamp-dx", "source_yunits": yunits_text}
    for key, name in (("TITLE", "title"), ("ORIGIN", "origin"), ("JCAMP-DX", "jcamp_version"),
                      ("JCAMPDX", "jcamp_version")):
        value = _jcamp.label(dic, key)
        if value:
            attrs[name] = value
    resolution = _jcamp.label(dic, "RESOLUTION")
    if resolution:
        try:
            attrs["resolution_cm-1"] = float(resolution.split()[0])
        except ValueError:
            pass
    return spectrum(x, y, quantity, attrs)


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_AFFN_LINE = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?((\s*,\s*|\s+|(?=[+-]))[+-]?(\d+\.?\d*|\.\d+)"
                        r"([eE][+-]?\d+)?|\s*,\s*\?|\s+\?)*\s*$")
_ASDF_CHARS = set("0123456789. +-,?@ABCDEFGHIabcdefghi%JKLMNOPQRjklmnopqrSTUVWXYZs\t")


def _scan_xydata(path, text):
    """Check the ``##XYDATA=`` lines before decoding: every line plain numbers (AFFN) or ASDF
    characters only, and an ``##END=`` after them (else the file is truncated)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.replace(" ", "").upper().startswith("##XYDATA=")), None)
    if start is None:
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("##")), None)
    if end is None or not lines[end].replace(" ", "").upper().startswith("##END="):
        raise InputError(path, "no '##END=' after the '##XYDATA=' lines: truncated file?", field="END",
                         line=len(lines))
    data = [(i + 1, line.split("$$", 1)[0].strip()) for i, line in enumerate(lines[start + 1:end], start=start + 1)]
    data = [(n, line) for n, line in data if line]
    if not data:
        raise InputError(path, "no data lines after '##XYDATA='", field="XYDATA", line=start + 1)
    first = re.match(r"\s*[+-]?(\d+\.?\d*|\.\d+)\s*", data[0][1])  # the abscissa; then the mode shows
    rest = data[0][1][first.end():] if first else data[0][1]
    compressed = bool(rest) and rest[0] in _ASDF_CHARS - set("0123456789. +-,?eE\t")
    for n, line in data:
        if compressed:
            bad = sorted(set(line) - _ASDF_CHARS)
            if bad:
                raise InputError(path, f"unexpected character(s) {''.join(bad)!r} in compressed (ASDF) data", line=n)
        elif not _AFFN_LINE.match(line):
            raise InputError(path, f"expected numbers on an XYDATA line, got {line[:40]!r}", line=n)


def _split(line, delimiter):
    if delimiter == "ws":
        return line.split()
    return [part.strip() for part in line.split(delimiter)]


def _delimiter(lines):
    sample = lines[: min(len(lines), 20)]
    for delimiter in ("\t", ";", ","):
        if sum(delimiter in line for line in sample) > len(sample) / 2:
            return delimiter
    return "ws"


def _quantity_from_header(name):
    text = name.strip().strip('"').lower()
    if "%" in text or "percent" in text:
        return "transmittance", 100.0
    if text.startswith("trans") or text in {"t"}:
        return ("transmittance", 100.0) if "%" in text else ("transmittance", None)
    if text.startswith("abs") or text in {"a", "a.u.", "au"}:
        return "absorbance", None
    return None, None


def read_csv_ir(path, quantity=None):
    """Read a two-column FTIR CSV export (wavenumber in cm^-1, then %T or absorbance).

    ``quantity``: ``"transmittance"`` (percent) or ``"absorbance"`` overrides the header; needed
    only for a header-less file whose values are ambiguous. Raises :class:`InputError` naming the
    file and line for an empty file, a row with fewer than two columns, text in a number, or a
    header whose second column is neither transmittance nor absorbance.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "CSV file does not exist")
    raw = path.read_text(errors="replace").splitlines()
    numbered = [(i + 1, line.strip()) for i, line in enumerate(raw)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise InputError(path, "empty file: expected rows 'wavenumber, %T' or 'wavenumber, absorbance'")
    delimiter = _delimiter([line for _, line in numbered[1:] or numbered])
    header_quantity, fraction_scale = None, None
    first_cells = _split(numbered[0][1], delimiter)
    if not _NUMBER.match(first_cells[0].replace(",", ".") if delimiter == ";" else first_cells[0]):
        lineno, line = numbered[0]
        if len(first_cells) < 2:
            raise InputError(path, f"expected a header with two columns, got {line!r}", line=lineno)
        header_quantity, fraction_scale = _quantity_from_header(first_cells[1])
        if header_quantity is None:
            raise InputError(path, f"expected the second column to be %T, transmittance or absorbance, got "
                                   f"{first_cells[1]!r}", line=lineno)
        numbered = numbered[1:]
    if not numbered:
        raise InputError(path, "no data rows after the header", line=len(raw))
    x, y = [], []
    for lineno, line in numbered:
        cells = _split(line, delimiter)
        if len(cells) < 2:
            raise InputError(path, f"expected two columns (wavenumber, value), got {line!r}", line=lineno)
        values = []
        for cell in cells[:2]:
            text = cell.strip('"').replace(",", ".") if delimiter in (";", "\t", "ws") else cell.strip('"')
            if not _NUMBER.match(text):
                raise InputError(path, f"expected a number, got {cell!r}", line=lineno)
            values.append(float(text))
        x.append(values[0])
        y.append(values[1])
    if len(x) < 5:
        raise InputError(path, f"expected at least 5 data rows, found {len(x)}", line=numbered[-1][0])
    x, y = np.asarray(x), np.asarray(y)
    attrs = {"source_format": "csv"}
    if quantity is not None:
        if quantity not in ("transmittance", "absorbance"):
            raise ValueError(f"quantity must be 'transmittance' or 'absorbance', got {quantity!r}")
        attrs["source_yunits"] = "%T (given)" if quantity == "transmittance" else "absorbance (given)"
    elif header_quantity is not None:
        quantity = header_quantity
        attrs["source_yunits"] = first_cells[1].strip().strip('"')
        if quantity == "transmittance" and fraction_scale is None and np.nanmax(y) <= 1.5:
            y = y * 100.0  # 'Transmittance' with values 0..1: a fraction
            attrs["source_yunits"] += " (fraction)"
    else:
        quantity = "transmittance" if np.nanmax(y) > 5 else "absorbance"
        attrs["quantity_guessed"] = True
        attrs["source_yunits"] = "none (guessed %T)" if quantity == "transmittance" else "none (guessed absorbance)"
    return spectrum(x, y, quantity, attrs)


def _is_jcamp_ir(path, head):
    """``##JCAMP-DX`` (or ``##TITLE``) with an infrared data type or 1/CM x units."""
    text = head.decode("latin-1", "replace").upper().replace(" ", "")
    if not text.lstrip().startswith(("##TITLE", "##JCAMP")) or "##JCAMP" not in text:
        return False
    return "##DATATYPE=INFRARED" in text or "##DATATYPE=IR" in text or (
        "##DATATYPE=" not in text and any(f"##XUNITS={u.replace(' ', '')}" in text for u in _XUNITS))


def _is_ftir_csv(path, head):
    """Two columns, first a wavenumber axis within 100..15000 cm^-1, second %T/absorbance-like."""
    text = head.decode("latin-1", "replace")
    if text.lstrip().upper().startswith(("#FORMAT", "##")):  # EMSA/MSA or JCAMP-DX
        return False
    lines = [l.strip() for l in text.splitlines()[:-1] if l.strip() and not l.lstrip().startswith("#")][:60]
    if len(lines) < 6:
        return False
    if not _NUMBER.match(_split(lines[0], _delimiter(lines[1:]))[0].replace(",", ".")):
        cells = _split(lines[0], _delimiter(lines[1:]))
        if len(cells) != 2 or _quantity_from_header(cells[1])[0] is None:
            return False
        lines = lines[1:]
    delimiter, x = _delimiter(lines), []
    for line in lines:
        cells = [c.strip('"').replace(",", ".") if delimiter != "," else c.strip('"') for c in _split(line, delimiter)]
        if len(cells) != 2 or not all(_NUMBER.match(c) for c in cells):
            return False
        x.append(float(cells[0]))
    steps = np.diff(x)
    return 100 <= min(x) and max(x) <= 15000 and (np.all(steps > 0) or np.all(steps < 0))


SNIFF = {"jcamp-ir": _is_jcamp_ir, "ftir-csv": _is_ftir_csv}
