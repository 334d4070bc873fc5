"""TA Instruments text exports of TGA / DSC runs (format ``ta-txt``).

Two layouts are read:

* **Universal Analysis** "Export data to text" (also written by Q-series and older instruments):
  tab-separated ``Key<TAB>value`` header lines (``Instrument``, ``Sample``, ``Size<TAB>9.00000<TAB>mg``,
  ``Exotherm<TAB>Up``, ``Nsig<TAB>3``, ``Sig1<TAB>Time (min)``, ``Sig2<TAB>Temperature (°C)``,
  ``Sig3<TAB>Heat Flow (mW)`` or ``Weight (%)``, ``OrgMethod<TAB>1: Ramp 5.00 °C/min to ...``), then a
  line ``StartOfData`` and ``Nsig`` tab-separated numbers per row. The degree sign is written in a DOS
  code page (byte 0xF8, 'ø' in cp1252); rows whose time is -1 are segment markers and are dropped.
* **TRIOS** text/csv export: header lines, then per procedure step a ``[step]`` line, the step's name,
  a column-header row with ``Name (unit)`` columns (``Time (min)``, ``Temperature (°C)``,
  ``Weight (%)``, ``Weight (mg)``, ``Heat Flow (Normalized) (W/g)``, ``Heat Flow (mW)``; tab or comma
  separated), and data rows. Steps are concatenated in order.

Result: what :func:`paper_lib.readers.thermal.read_netzsch` returns — dimension ``temperature`` (degC;
``time`` in min as second coordinate), ``mass`` (% of the sample mass) and/or ``heat_flow`` (mW/mg;
W/g is the same number, mW is divided by ``Size``), attrs ``kind`` ("dsc" with a heat-flow column,
else "tga"), ``sample_mass_mg``, ``heating_rate_K_min`` (first ramp of the method), ``instrument``,
``sample_name``, ``dsc_sign``.

Sign convention: TA software plots heat flow "Exo Up" unless set otherwise, and the export states it
(``Exotherm<TAB>Up`` / ``Down``); without that line "exo up" is assumed. ``exo`` ("up"/"down")
overrides both.
"""

import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from .thermal import _decode, _float, degree_unit, table_rows, thermal_dataset

_COLUMN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_RAMP = re.compile(r"Ramp\s+(-?[\d.]+)\s*\S*C/min", re.I)


def is_ta(path, head):
    """SNIFF predicate: a UA export ('Sig1<TAB>' and 'StartOfData') or a TRIOS one ('[step]' + 'Temperature (')."""
    try:
        text = head.decode("latin-1")
        universal = "\nSig1\t" in text and ("\nStartOfData" in text or "\nNsig\t" in text)
        trios = re.search(r"^\[step\]\s*$", text, re.M | re.I) is not None and "Temperature (" in text
        return universal or trios
    except Exception:
        return False


SNIFF = {"ta-txt": is_ta}


def _role(name):
    """(role, unit) of a TA column name such as 'Temperature (°C)' or 'Heat Flow (Normalized) (W/g)'."""
    match = _COLUMN.match(name.strip())
    label, unit = (match[1], match[2]) if match else (name.strip(), "")
    label, unit = label.lower(), degree_unit(unit)
    if label.startswith("time"):
        return "time", unit
    if label.startswith("temperature") or label == "sample temperature":
        return "temperature", unit
    if label.startswith("heat flow") and "rev" not in label:
        return "heat_flow", unit
    if label.startswith("weight") and "deriv" not in label and "change" not in label:
        return "mass", unit
    return None, unit


def _universal(path, lines, start):
    header, signals, where = {}, {}, {}
    for number, line in enumerate(lines[:start], start=1):
        key, _, value = line.partition("\t")
        key = key.strip()
        if re.fullmatch(r"Sig\d+", key):
            signals[int(key[3:])] = value.strip()
            where[value.strip()] = number
        elif key:
            header.setdefault(key, []).append(value.strip())
            where.setdefault(key, number)
    if not signals:
        raise InputError(path, "expected 'Sig1<TAB>Time (min)' ... signal lines before 'StartOfData'", field="Sig1")
    names = [signals[k] for k in sorted(signals)]
    if sorted(signals) != list(range(1, len(names) + 1)):
        raise InputError(path, f"signal lines are not numbered 1..{len(names)}: {sorted(signals)}", field="Sig")
    nsig = header.get("Nsig", [str(len(names))])[0]
    if nsig != str(len(names)):
        raise InputError(path, f"Nsig says {nsig} signals, {len(names)} 'Sig' lines found", line=where.get("Nsig"),
                         field="Nsig")
    rows = [(n, t) for n, t in enumerate(lines[start + 1:], start=start + 2) if t.strip()]
    if not rows:
        raise InputError(path, "no data rows after 'StartOfData'", line=start + 1)
    values = table_rows(path, rows, names, "\t")
    return header, names, values, where


def _trios(path, lines, steps):
    header, where, names, blocks = {}, {}, None, []
    for number, line in enumerate(lines[:steps[0]], start=1):
        parts = re.split(r"[\t,]", line, maxsplit=1)
        key, value = parts[0].strip(), (parts[1] if len(parts) > 1 else "").strip().strip(",")
        if key:
            header.setdefault(key, []).append(value)
            where.setdefault(key, number)
    bounds = steps + [len(lines)]
    for k, first in enumerate(steps):
        body = [(n, t) for n, t in enumerate(lines[first + 1:bounds[k + 1]], start=first + 2) if t.strip()]
        head_at = next((i for i, (_, t) in enumerate(body) if "Temperature (" in t or "Time (" in t), None)
        if head_at is None:
            raise InputError(path, "expected a column-header row ('Time (min)', 'Temperature (°C)', ...) after [step]",
                             line=first + 1, field="[step]")
        number, text = body[head_at]
        sep = "\t" if "\t" in text else ","
        step_names = [c.strip() for c in text.split(sep)]
        if names is None:
            names = step_names
            for name in names:
                where[name] = number
        elif step_names != names:
            raise InputError(path, f"the columns of this step differ from the first step's: {step_names}", line=number)
        if body[head_at + 1:]:
            blocks.append(table_rows(path, body[head_at + 1:], names, sep))
    if not blocks:
        raise InputError(path, "no data rows after the [step] column header", line=steps[0] + 1)
    return header, names, np.vstack(blocks), where


def read_ta(path, exo=None):
    """Read a TA Instruments Universal Analysis or TRIOS text export (see module docstring).

    Raises :class:`InputError` naming the file and line or field for an empty or foreign file, missing
    ``Sig`` lines / column headers, an ``Nsig`` that disagrees with them, rows with the wrong number of
    fields or text in a number, and no temperature/time or no mass/heat-flow column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "TA Instruments export file does not exist")
    lines = _decode(path).splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(path, "empty file: expected a TA Instruments text export")
    start = next((i for i, line in enumerate(lines) if line.strip() == "StartOfData"), None)
    steps = [i for i, line in enumerate(lines) if line.strip().strip(",").lower() == "[step]"]
    if start is not None:
        header, names, values, where = _universal(path, lines, start)
        layout = "universal-analysis"
    elif steps:
        header, names, values, where = _trios(path, lines, steps)
        layout = "trios"
    else:
        raise InputError(path, "expected a TA export: a 'StartOfData' line (Universal Analysis) or '[step]' "
                               "sections (TRIOS)", field="StartOfData")
    roles = [_role(n) for n in names]
    known = [r for r, _ in roles]
    column_line = where.get(names[0])
    if "temperature" not in known and "time" not in known:
        raise InputError(path, f"expected a 'Temperature (°C)' or 'Time (min)' column, found {names}",
                         line=column_line, field="columns")
    if "heat_flow" not in known and "mass" not in known:
        raise InputError(path, f"expected a 'Weight (%)' or 'Heat Flow (W/g)' column, found {names}",
                         line=column_line, field="columns")
    if layout == "universal-analysis" and "time" in known:
        values = values[values[:, known.index("time")] != -1.0]  # segment markers
        if not len(values):
            raise InputError(path, "only segment-marker rows (time -1) after 'StartOfData'", line=start + 1)
    columns = {}
    for j, (role, unit) in enumerate(roles):
        if role is not None and role not in columns:  # first column of each role wins
            columns[role] = (values[:, j], unit, names[j])
    attrs = {"kind": "dsc" if "heat_flow" in columns else "tga", "source_format": f"ta-txt ({layout})",
             "instrument": _first(header, "Instrument", "Instrument type", "Instrument name"),
             "sample_name": _first(header, "Sample", "Sample name")}
    method = " ".join(header.get("OrgMethod", []) + header.get("Procedure", []) + header.get("Method", []))
    ramp = _RAMP.search(method) or _RAMP.search(" ".join(lines[s + 1] for s in steps if s + 1 < len(lines)))
    if ramp:
        attrs["heating_rate_K_min"] = float(ramp[1])
    attrs["dsc_sign"] = f"exo {_sign(path, header, exo, where)}"
    return thermal_dataset(path, columns, attrs, _sample_mass(path, header, where), where)


def _first(header, *keys):
    return next((header[k][0] for k in keys if header.get(k)), "")


def _sign(path, header, exo, where):
    if exo is not None:
        if exo not in ("up", "down"):
            raise ValueError(f"exo must be 'up' or 'down', got {exo!r}")
        return exo
    stated = _first(header, "Exotherm", "Exo").strip().lower()
    if stated in ("", "up"):
        return "up"
    if stated == "down":
        return "down"
    raise InputError(path, f"expected 'Exotherm<TAB>Up' or 'Down', got {stated!r}", line=where.get("Exotherm"),
                     field="Exotherm")


def _sample_mass(path, header, where):
    """Sample mass in mg from ``Size<TAB>9.0<TAB>mg`` (or ``Sample mass``), None when absent."""
    key = next((k for k in ("Size", "Sample mass", "Sample Mass") if header.get(k)), None)
    if key is None:
        return None
    cells = [c.strip() for c in re.split(r"[\t,\s]+", header[key][0]) if c.strip()]
    value = _float(cells[0] if cells else "", False, path, where.get(key), key)
    unit = cells[1].lower() if len(cells) > 1 else "mg"
    factor = {"mg": 1.0, "g": 1000.0, "ug": 1e-3, "µg": 1e-3}.get(unit)
    if factor is None or value <= 0:
        raise InputError(path, f"expected a positive sample mass in mg, got {header[key][0]!r}",
                         line=where.get(key), field=key)
    return value * factor
