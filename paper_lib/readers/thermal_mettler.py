"""METTLER TOLEDO STARe text exports of DSC / TGA curves (format ``mettler-stare``).

Layout (STARe "Export to text" of a curve; UTF-16 LE with a BOM from recent STARe versions, older
ones write an 8-bit code page; lines end with CR LF; fixed-width columns)::

    Curve Name:
      LiBH4 10 K/min N2
    Curve Values:
                Index             t            Ts            Tr         Value
                                 [s]          [°C]          [°C]          [mW]
                    0         0.000        30.012        30.000     -0.012345
    ...
    Results:

    Sample:
      LiBH4, 5.2300 mg
    Method:
      30-300 10K/min N2
      [1] 30.0 °C, 10.00 K/min, 300.0 °C, N2 50.0 ml/min

``Value`` is the measured signal: mW or W/g (``[Wg^-1]``) for DSC, mg or % for TGA, so the kind
follows from its unit. ``Ts`` is the sample temperature (the coordinate), ``t`` the time, ``Tr`` the
reference temperature (not kept). Numbers may use a decimal comma. Several curve blocks are
concatenated in order.

Result: what :func:`paper_lib.readers.thermal.read_netzsch` returns (``temperature`` in degC with
``time`` in min, ``mass`` in %, ``heat_flow`` in mW/mg, attrs ``kind``, ``sample_mass_mg``,
``heating_rate_K_min``, ``sample_name``, ``dsc_sign``).

Sign convention: STARe shows DSC curves exothermic up (the "^exo" mark of its plots): a melting
peak is negative in the exported ``Value``. ``dsc_sign`` is "exo up" unless the file says
"exo down"/"endo up" or ``exo="down"`` is given.
"""

import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from .thermal import degree_unit, thermal_dataset

_MASS = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*(mg|g)\b")
_RATE = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*K/min")


def _text(raw):
    """Decode STARe bytes: UTF-16 (BOM or NUL-interleaved), else UTF-8, else cp1252."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    if len(raw) > 1 and raw[1:200:2].count(0) > 0.8 * len(raw[1:200:2]):
        return raw.decode("utf-16-le")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def is_stare(path, head):
    """SNIFF predicate: a line 'Curve Name:' and a line 'Curve Values:' (or an 'Index t Ts Tr' header)."""
    try:
        text = _text(head[: len(head) - len(head) % 2])  # a UTF-16 head may end mid-character
        return (re.search(r"^\s*Curve Name:\s*$", text, re.M) is not None
                and re.search(r"^\s*Curve Values:\s*$|^\s*Index\s+t\s+Ts\s+Tr\b", text, re.M) is not None)
    except Exception:
        return False


SNIFF = {"mettler-stare": is_stare}


def _float(path, text, line, field):
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise InputError(path, f"expected a number, got {text!r}", line=line, field=field) from None


def _block(path, lines, i):
    """Columns, units and float rows of the 'Curve Values:' block whose header is at ``lines[i]``."""
    names = lines[i].split()
    if not names or names[0] != "Index" or "Value" not in names:
        raise InputError(path, f"expected the column header 'Index t Ts Tr Value', got {lines[i].strip()!r}",
                         line=i + 1, field="Curve Values")
    units = re.findall(r"\[([^\]]*)\]", lines[i + 1]) if i + 1 < len(lines) else []
    if len(units) != len(names) - 1:
        raise InputError(path, f"expected a units row '[s] [°C] [°C] [mW]' with {len(names) - 1} units, "
                               f"got {lines[i + 1].strip() if i + 1 < len(lines) else ''!r}", line=i + 2,
                         field="units")
    rows, k = [], i + 2
    while k < len(lines) and lines[k].strip():
        cells = lines[k].split()
        if not re.fullmatch(r"-?\d+", cells[0]):
            break  # the next section ('Results:', ...) without a blank line
        if len(cells) != len(names):
            raise InputError(path, f"expected {len(names)} columns, found {len(cells)} (truncated row?)", line=k + 1)
        rows.append([_float(path, c, k + 1, n) for c, n in zip(cells, names)])
        k += 1
    if not rows:
        raise InputError(path, "no data rows under 'Curve Values:'", line=i + 2)
    return names, [""] + [degree_unit(u) for u in units], np.asarray(rows), k


def _after(lines, label):
    """The first non-empty line after the line ``label`` (e.g. 'Sample:'), and its number."""
    for i, line in enumerate(lines):
        if line.strip() == label:
            for j in range(i + 1, len(lines)):
                if lines[j].strip():
                    return lines[j].strip(), j + 1
    return "", None


def read_stare(path, exo=None):
    """Read a METTLER TOLEDO STARe curve export (see module docstring) into a Dataset.

    Raises :class:`InputError` naming the file and line or field for an empty or foreign file, a
    missing 'Curve Values:' block, a column header without Index/Value, a units row that does not
    match the columns, a short row or text in a number, or a Value unit that is neither DSC nor TGA.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "STARe export file does not exist")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path, "empty file: expected a STARe export ('Curve Name:', 'Curve Values:')")
    try:
        lines = _text(raw).splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not decodable as UTF-16 text ({exc.reason})") from None
    starts = [i for i, line in enumerate(lines) if line.strip() == "Curve Values:"]
    if not starts:
        raise InputError(path, "expected a 'Curve Values:' line followed by 'Index t Ts Tr Value'",
                         field="Curve Values")
    blocks = []
    for s in starts:
        header = next((j for j in range(s + 1, len(lines)) if lines[j].strip()), None)
        if header is None:
            raise InputError(path, "no column header after 'Curve Values:' (truncated file?)", line=s + 1,
                             field="Curve Values")
        names, units, values, _ = _block(path, lines, header)
        if blocks and (names, units) != blocks[0][:2]:
            raise InputError(path, "curve blocks with different columns cannot be joined", line=header + 1)
        blocks.append((names, units, values, header + 1))
    names, units, _, column_line = blocks[0]
    values = np.vstack([b[2] for b in blocks])
    col = {n: j for j, n in enumerate(names)}
    value_unit = units[col["Value"]]
    role = {"mW": "heat_flow", "mW/mg": "heat_flow", "W/g": "heat_flow", "mg": "mass", "%": "mass"}.get(value_unit)
    if role is None:
        raise InputError(path, f"expected the Value unit [mW], [Wg^-1], [mg] or [%], got [{value_unit}]",
                         line=column_line + 1, field="Value")
    if "Ts" not in col and "t" not in col:
        raise InputError(path, f"expected a 'Ts' (sample temperature) or 't' column, found {names}",
                         line=column_line, field="Ts")
    columns = {}
    if "Ts" in col:
        columns["temperature"] = (values[:, col["Ts"]], units[col["Ts"]], "Ts")
    if "t" in col:
        columns["time"] = (values[:, col["t"]], units[col["t"]], "t")
    columns[role] = (values[:, col["Value"]], value_unit, "Value")
    sample, sample_line = _after(lines, "Sample:")
    attrs = {"kind": "dsc" if role == "heat_flow" else "tga", "source_format": "mettler-stare",
             "instrument": "METTLER TOLEDO STARe", "sample_name": sample.split(",")[0].strip(),
             "curve_name": _after(lines, "Curve Name:")[0], "segments": len(blocks)}
    method = " ".join(line for line in lines if "K/min" in line)
    rate = _RATE.search(method)
    if rate:
        attrs["heating_rate_K_min"] = float(rate[1].replace(",", "."))
    text = " ".join(lines).lower()
    sign = exo or ("down" if ("exo down" in text or "endo up" in text) else "up")
    if sign not in ("up", "down"):
        raise ValueError(f"exo must be 'up' or 'down', got {exo!r}")
    attrs["dsc_sign"] = f"exo {sign}"
    mass = _MASS.search(sample)
    mass_mg = None
    if mass:
        mass_mg = _float(path, mass[1], sample_line, "Sample") * (1000.0 if mass[2] == "g" else 1.0)
    where = {"Ts": column_line, "t": column_line, "Value": column_line}
    return thermal_dataset(path, columns, attrs, mass_mg, where)
