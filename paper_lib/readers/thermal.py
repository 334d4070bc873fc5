"""NETZSCH Proteus ASCII exports of TGA / DSC / STA measurements (format ``netzsch-txt``).

Layout (what Proteus writes with *Export data*)::

    #EXPORTTYPE:DATA ALL
    #FILE:LiBH4.ngb-ss3
    #FORMAT:NETZSCH5
    #FTYPE:ANSI                      (Windows-1252 text: the degree sign is one byte, 0xB0)
    #DECIMAL:POINT                   (or COMMA)
    #SEPARATOR:SEMICOLON             (or TAB / COMMA)
    #INSTRUMENT:NETZSCH STA 449F3
    #SAMPLE:LiBH4
    #SAMPLE MASS /mg:10.2
    #SEGMENT:S2/3
    #RANGE:30°C/10.0(K/min)/300°C
    ##Temp./°C;Time/min;DSC/(mW/mg);Mass/%
    30.000;0.000;-0.0112;100.000
    ...

Header keys may be padded with spaces or tabs after the colon. ``#DECIMAL``/``#SEPARATOR`` are
used when present, otherwise the separator is sniffed from the column header and a decimal comma is
recognised when the separator is not a comma. The file is decoded as UTF-8 when valid, else cp1252.

Result: an ``xarray.Dataset`` with dimension ``temperature`` (degC; ``time`` in min as a second
coordinate) or, without a temperature column, ``time`` (min); variables ``mass`` (% of the initial
mass; a ``Mass/mg`` column is converted with the sample mass) and/or ``heat_flow`` (mW/mg; a ``DSC/mW``
column is divided by the sample mass; ``DSC/(uV/mg)`` is kept in uV/mg). ``attrs``: ``kind`` ("dsc"
when a DSC column exists, else "tga"), ``sample_mass_mg``, ``heating_rate_K_min``, ``instrument``,
``sample_name``, ``segment`` and ``dsc_sign``.

Sign convention: NETZSCH Proteus plots DSC curves with exothermic effects upward ("exo up", the
"↑ exo" arrow of its plots); the export itself does not say so. ``dsc_sign`` is therefore "exo up"
unless the header says otherwise (a header line containing "exo down"/"endo up"), or the ``exo``
argument (or a manifest condition ``dsc_sign: exo down``) sets it. The analysis in
:mod:`paper_lib.thermal` reads ``dsc_sign`` and works with either.
"""

import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..schema import make_dataset, variable

_SEPARATORS = {"SEMICOLON": ";", "TAB": "\t", "COMMA": ",", "SPACE": " "}
_RANGE = re.compile(r"(-?[\d.,]+)\s*°?\s*C\s*/\s*([\d.,]+)\s*\(K/min\)\s*/\s*(-?[\d.,]+)\s*°?\s*C", re.I)


def _decode(path):
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _float(text, decimal_comma, path, line, field):
    s = text.strip()
    if decimal_comma:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        raise InputError(path, f"expected a number, got {text.strip()!r}", line=line, field=field) from None


def table_rows(path, rows, names, sep, decimal_comma=False):
    """Float array of data rows ``[(line number, text)]`` with one field per name in ``names``."""
    values = np.empty((len(rows), len(names)))
    for i, (number, line) in enumerate(rows):
        fields = line.split(sep)
        if len(fields) != len(names):
            raise InputError(path, f"expected {len(names)} fields separated by {sep!r}, found {len(fields)} "
                                   "(truncated or wrong separator)", line=number)
        for j, text in enumerate(fields):
            values[i, j] = _float(text, decimal_comma, path, number, names[j])
    return values


def _column(name):
    """(variable, unit) of a NETZSCH column name such as 'Temp./°C', 'DSC/(mW/mg)', 'Mass/%'."""
    label, _, unit = name.partition("/")
    label, unit = label.strip().lower().rstrip("."), unit.strip().strip("()").replace("µ", "u").replace("μ", "u")
    if label.startswith("temp"):
        return "temperature", unit
    if label.startswith("time"):
        return "time", unit
    if label.startswith("dsc") or label.startswith("heat flow"):
        return "heat_flow", unit
    if label in ("mass", "tg", "weight"):
        return "mass", unit
    return None, unit


def read_netzsch(path, exo=None):
    """Read a NETZSCH Proteus ASCII export (see module docstring) into a Dataset.

    ``exo``: "up" or "down" to state the DSC sign convention when the file does not. Raises
    :class:`InputError` naming the file and line for an empty file, a missing column header, a row
    with the wrong number of fields or a non-numeric value, no data rows, or no temperature/time column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "NETZSCH export file does not exist")
    lines = _decode(path).splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(path, "empty file: expected a NETZSCH ASCII export ('#EXPORTTYPE:...', '##Temp./°C;...')")
    header, columns, col_line, rows = {}, None, None, []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith("##"):
            columns, col_line = line[2:], number
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            header[key.strip().upper()] = value.strip()
            continue
        if columns is None:
            raise InputError(path, "data before the column header line ('##Temp./°C;Time/min;...')", line=number)
        rows.append((number, line))
    if columns is None:
        raise InputError(path, "expected a column header line starting with '##' (e.g. '##Temp./°C;Time/min;DSC/(mW/mg)')")
    sep = _SEPARATORS.get(header.get("SEPARATOR", "").upper())
    if sep is None:
        sep = ";" if ";" in columns else "\t" if "\t" in columns else ","
    decimal = header.get("DECIMAL", "").upper()
    decimal_comma = decimal == "COMMA" or (not decimal and sep != "," and any("," in r for _, r in rows[:20]))
    names = [c.strip() for c in columns.split(sep)]
    roles = [_column(n) for n in names]
    known = [r for r, _ in roles]
    if "temperature" not in known and "time" not in known:
        raise InputError(path, f"expected a 'Temp./°C' or 'Time/min' column, found {names}", line=col_line,
                         field="columns")
    if "heat_flow" not in known and "mass" not in known:
        raise InputError(path, f"expected a 'DSC/(mW/mg)' or 'Mass/%' column, found {names}", line=col_line,
                         field="columns")
    if not rows:
        raise InputError(path, "no data rows after the column header", line=col_line)
    values = table_rows(path, rows, names, sep, decimal_comma)
    mass_mg = None
    mass_key = next((k for k in header if k.startswith("SAMPLE MASS")), None)
    if mass_key:
        mass_mg = _float(header[mass_key].split()[0] if header[mass_key] else "", decimal_comma or "," in header[mass_key],
                         path, None, "#SAMPLE MASS /mg")
        if "/G" in mass_key.replace(" ", ""):
            mass_mg *= 1000.0
    attrs = {"kind": "dsc" if "heat_flow" in known else "tga", "source_format": "netzsch-txt",
             "instrument": header.get("INSTRUMENT", ""), "sample_name": header.get("SAMPLE", ""),
             "segment": header.get("SEGMENT", "")}
    if mass_mg is not None:
        attrs["sample_mass_mg"] = mass_mg
    match = _RANGE.search(header.get("RANGE", ""))
    if match:
        start, rate, end = (float(g.replace(",", ".")) for g in match.groups())
        attrs.update(heating_rate_K_min=rate, range_start_C=start, range_end_C=end)
    sign = exo
    if sign is None:
        text = " ".join(header.values()).lower() + " " + columns.lower()
        sign = "down" if ("exo down" in text or "endo up" in text or "exo↓" in text) else "up"
    if sign not in ("up", "down"):
        raise ValueError(f"exo must be 'up' or 'down', got {exo!r}")
    attrs["dsc_sign"] = f"exo {sign}"
    data_vars, coords = {}, {}
    dim = "temperature" if "temperature" in known else "time"
    for j, (role, unit) in enumerate(roles):
        col = values[:, j]
        if role == "temperature":
            if unit.upper() in ("K",):
                col = col - 273.15
            coords["temperature"] = variable(dim, col, "degC", "sample temperature")
        elif role == "time":
            if unit in ("s",):
                col = col / 60.0
            coords["time"] = variable(dim, col, "min", "time")
        elif role == "mass":
            if unit == "mg":
                if not mass_mg:
                    raise InputError(path, "a 'Mass/mg' column needs '#SAMPLE MASS /mg:' in the header",
                                     field="#SAMPLE MASS /mg")
                col = 100.0 * col / mass_mg
            elif unit != "%":
                raise InputError(path, f"expected mass in '%' or 'mg', got {unit!r}", line=col_line, field=names[j])
            data_vars["mass"] = variable(dim, col, "%", "mass (% of initial)")
        elif role == "heat_flow":
            units = "mW/mg"
            if unit == "mW":
                if not mass_mg:
                    raise InputError(path, "a 'DSC/mW' column needs '#SAMPLE MASS /mg:' in the header",
                                     field="#SAMPLE MASS /mg")
                col = col / mass_mg
            elif unit in ("uV/mg", "uV"):
                units = unit
            elif unit != "mW/mg":
                raise InputError(path, f"expected DSC in 'mW/mg', 'mW' or 'uV/mg', got {unit!r}", line=col_line,
                                 field=names[j])
            data_vars["heat_flow"] = variable(dim, col, units, f"heat flow ({attrs['dsc_sign']})")
    return make_dataset(data_vars, coords, attrs)


def is_netzsch(path, head):
    """SNIFF predicate: a Proteus export starts with '#EXPORTTYPE' / '#FORMAT:NETZSCH' or has a '##Temp' header."""
    try:
        text = head[:8192].decode("latin-1")
        return text.lstrip("\ufeffï»¿").startswith("#EXPORTTYPE") or "#FORMAT:NETZSCH" in text.upper() \
            or any(line.startswith(("##Temp", "##Time")) for line in text.splitlines())
    except Exception:
        return False


SNIFF = {"netzsch-txt": is_netzsch}


def thermal_dataset(path, columns, attrs, mass_mg=None, where=None):
    """The Dataset :func:`read_netzsch` returns, from columns of another vendor's export.

    ``columns``: ``{role: (values, unit, field)}`` with role "temperature" (unit degC or K), "time"
    (min or s), "mass" (% or mg) and/or "heat_flow" (mW/mg, W/g, or mW); ``field`` names the column
    for errors. ``attrs`` must hold ``kind`` and ``dsc_sign``; ``mass_mg`` (sample mass, mg) converts
    mg and mW. ``where`` is a dict ``{field: line}`` for error messages. Dimension ``temperature``
    (degC) with ``time`` (min) as second coordinate, or ``time`` alone; ``mass`` in % of the sample
    mass, ``heat_flow`` in mW/mg (= W/g).
    """
    where = where or {}
    dim = "temperature" if "temperature" in columns else "time"
    data_vars, coords = {}, {}
    if mass_mg is not None:
        attrs["sample_mass_mg"] = float(mass_mg)
    for role, (values, unit, field) in columns.items():
        col = np.asarray(values, dtype=float)
        line = where.get(field)
        if role == "temperature":
            if unit not in ("degC", "K"):
                raise InputError(path, f"expected a temperature in °C or K, got {unit!r}", line=line, field=field)
            coords["temperature"] = variable(dim, col - 273.15 if unit == "K" else col, "degC", "sample temperature")
        elif role == "time":
            if unit not in ("min", "s"):
                raise InputError(path, f"expected a time in min or s, got {unit!r}", line=line, field=field)
            coords["time"] = variable(dim, col / 60.0 if unit == "s" else col, "min", "time")
        elif role == "mass":
            if unit == "mg":
                if not mass_mg:
                    raise InputError(path, "a mass column in mg needs the sample mass in the header", field=field)
                col = 100.0 * col / mass_mg
            elif unit != "%":
                raise InputError(path, f"expected mass in '%' or 'mg', got {unit!r}", line=line, field=field)
            data_vars["mass"] = variable(dim, col, "%", "mass (% of initial)")
        elif role == "heat_flow":
            if unit == "mW":
                if not mass_mg:
                    raise InputError(path, "a heat-flow column in mW needs the sample mass in the header", field=field)
                col = col / mass_mg
            elif unit not in ("mW/mg", "W/g"):
                raise InputError(path, f"expected heat flow in 'mW', 'mW/mg' or 'W/g', got {unit!r}", line=line,
                                 field=field)
            data_vars["heat_flow"] = variable(dim, col, "mW/mg", f"heat flow ({attrs['dsc_sign']})")
    return make_dataset(data_vars, coords, attrs)


def degree_unit(text):
    """Normalise a vendor's temperature/other unit: '°C', 'øC' (DOS code page), 'ºC', 'C' -> 'degC'."""
    unit = text.strip().replace("µ", "u").replace("μ", "u")
    if unit in ("°C", "øC", "ºC", "C", "�C", "degC", "Â°C"):
        return "degC"
    if unit in ("W/g", "W g^-1", "Wg^-1", "W/g^1", "W·g^-1"):
        return "W/g"
    return unit
