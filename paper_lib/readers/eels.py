"""EELS reader: EMSA/MAS spectral data files (``.msa``, ISO 22029).

An EMSA/MAS file is text: header lines ``#KEYWORD : value`` (keywords in capitals; user-defined
keywords start with ``##``), then ``#SPECTRUM :`` and data lines, then ``#ENDOFDATA :``. Required
keywords: ``#FORMAT : EMSA/MAS Spectral Data File``, ``#VERSION : 1.0``, ``#NPOINTS``,
``#NCOLUMNS``, ``#XUNITS``, ``#XPERCHAN``, ``#OFFSET``, ``#DATATYPE : XY`` (lines ``x, y``) or
``Y`` (ordinates only, ``NCOLUMNS`` per line, x = OFFSET + i * XPERCHAN).

:func:`read_msa` returns an ``xarray.Dataset`` with dimension/coordinate ``energy_loss`` (eV,
ascending, **as stored**: no calibration applied) and variable ``intensity`` (counts). ``attrs``:
``kind="eels"``, ``signal_type`` (``ELS`` for EELS), ``dispersion_eV`` (XPERCHAN), ``offset_eV``,
and when present ``beam_energy_kV``, ``convergence_mrad``, ``collection_mrad``, ``title``.

Energy calibration
------------------
The stored energy scale can be off by a constant. Where the file records it, the position at which
the zero-loss peak appeared on the same energy scale (user keyword ``##ZLP_POSITION-eV``, measured
in a low-loss spectrum acquired with the same settings; several instruments' exports carry such a
value) goes to ``attrs["zero_loss_position_eV"]``; :func:`paper_lib.spectra.calibrate_energy`
subtracts it (the zero-loss peak must sit at 0 eV). Without it, calibrate with a reference edge of
known energy (``calibrate_energy(ds, offset_eV=...)``).
"""

import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..schema import make_dataset, variable

_HEADER = re.compile(r"^#(#?)([A-Z0-9][A-Z0-9 _\-./]*?)\s*(?:-\s*([A-Za-z%/0-9]+))?\s*:\s*(.*)$")
_REQUIRED = ("FORMAT", "VERSION", "NPOINTS", "NCOLUMNS", "XPERCHAN", "OFFSET")


def _float(path, header, key, lineno):
    text = header[key]
    try:
        return float(text.split()[0])
    except (ValueError, IndexError):
        raise InputError(path, f"expected a number, got {text!r}", field=key, line=lineno.get(key)) from None


def read_msa(path):
    """Read an EMSA/MAS ``.msa`` EELS spectrum into a Dataset (``energy_loss`` in eV, ``intensity``).

    Raises :class:`InputError` naming the file and the line or keyword for an empty or non-EMSA file,
    a missing required keyword, a non-numeric header value, text in a data line, a missing
    ``#SPECTRUM`` / ``#ENDOFDATA`` marker (truncated file) or a point count that differs from
    ``#NPOINTS``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "EMSA/MAS file does not exist")
    lines = path.read_text(errors="replace").splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(path, "empty file: expected an EMSA/MAS spectrum ('#FORMAT : EMSA/MAS Spectral Data File')")
    header, units, where = {}, {}, {}
    start = end = None
    for i, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if not text.startswith("#"):
            if start is None:
                raise InputError(path, f"expected a '#KEYWORD : value' header line, got {text[:40]!r}", line=i)
            continue
        match = _HEADER.match(text)
        if match is None:
            raise InputError(path, f"expected '#KEYWORD : value', got {text[:40]!r}", line=i)
        user, key, unit, value = match.groups()
        key = key.strip().upper().replace(" ", "")
        if key == "SPECTRUM":
            start = i
            continue
        if key == "ENDOFDATA":
            end = i
            break
        if start is not None:
            continue  # keywords between SPECTRUM and ENDOFDATA (e.g. a checksum) are not data
        name = ("#" if user else "") + key
        header[name], where[name] = value.strip(), i
        if unit:
            units[name] = unit
    if "FORMAT" not in header or "EMSA" not in header["FORMAT"].upper():
        raise InputError(path, "expected '#FORMAT : EMSA/MAS Spectral Data File' as the first keyword",
                         field="FORMAT", line=where.get("FORMAT", 1))
    for key in _REQUIRED:
        if key not in header:
            raise InputError(path, f"missing required keyword '#{key}'", field=key)
    if start is None:
        raise InputError(path, "missing '#SPECTRUM :' line before the data", field="SPECTRUM")
    if end is None:
        raise InputError(path, "missing '#ENDOFDATA :' after the data (truncated file?)", field="ENDOFDATA",
                         line=len(lines))
    npoints = _float(path, header, "NPOINTS", where)
    ncolumns = int(_float(path, header, "NCOLUMNS", where))
    dispersion = _float(path, header, "XPERCHAN", where)
    offset = _float(path, header, "OFFSET", where)
    if dispersion <= 0:
        raise InputError(path, f"expected a positive energy per channel, got {dispersion}", field="XPERCHAN",
                         line=where["XPERCHAN"])
    xunits = header.get("XUNITS", "eV").strip()
    if xunits.lower() not in ("ev", "electron volts"):
        raise InputError(path, f"expected XUNITS : eV, got {xunits!r}", field="XUNITS", line=where.get("XUNITS"))
    datatype = header.get("DATATYPE", "").strip().upper() or None
    xs, ys = [], []
    for i in range(start + 1, end):
        text = lines[i - 1].split("#", 1)[0].strip()
        if not text:
            continue
        cells = [c for c in re.split(r"[,\s;]+", text) if c]
        try:
            values = [float(c) for c in cells]
        except ValueError:
            bad = next(c for c in cells if not _isnumber(c))
            raise InputError(path, f"expected a number, got {bad!r}", line=i) from None
        if datatype is None:
            datatype = "XY" if len(values) == 2 and ncolumns == 1 else "Y"
        if datatype == "XY":
            if len(values) != 2:
                raise InputError(path, f"expected 'x, y' on a #DATATYPE : XY line, got {text!r}", line=i)
            xs.append(values[0])
            ys.append(values[1])
        elif datatype == "Y":
            ys.extend(values)
        else:
            raise InputError(path, f"expected #DATATYPE : XY or Y, got {datatype!r}", field="DATATYPE",
                             line=where.get("DATATYPE"))
    if not ys:
        raise InputError(path, "no data between '#SPECTRUM' and '#ENDOFDATA'", line=start)
    if len(ys) != int(npoints):
        raise InputError(path, f"#NPOINTS : {int(npoints)} but {len(ys)} values found (truncated data?)",
                         field="NPOINTS", line=where["NPOINTS"])
    x = np.asarray(xs) if datatype == "XY" else offset + dispersion * np.arange(len(ys))
    order = np.argsort(x, kind="stable")
    attrs = {"kind": "eels", "source_format": "emsa/mas", "signal_type": header.get("SIGNALTYPE", ""),
             "dispersion_eV": dispersion, "offset_eV": offset, "datatype": datatype}
    for key, name in (("BEAMKV", "beam_energy_kV"), ("CONVANGLE", "convergence_mrad"),
                      ("COLLANGLE", "collection_mrad"), ("#ZLP_POSITION", "zero_loss_position_eV")):
        if key in header:
            attrs[name] = _float(path, header, key, where)
    if "TITLE" in header:
        attrs["title"] = header["TITLE"]
    yunits = header.get("YUNITS", "counts").strip() or "counts"
    return make_dataset({"intensity": variable("energy_loss", np.asarray(ys)[order], yunits, "intensity")},
                        {"energy_loss": variable("energy_loss", x[order], "eV", "energy loss")}, attrs)


def _isnumber(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def is_msa(path, head):
    """SNIFF predicate: the file opens with '#FORMAT : EMSA/MAS ...' (ISO 22029)."""
    try:
        first = head[:256].decode("latin-1").lstrip("\ufeffï»¿ \t\r\n").splitlines()
        return bool(first) and first[0].upper().startswith("#FORMAT") and "EMSA" in first[0].upper()
    except Exception:
        return False


SNIFF = {"msa": is_msa}
