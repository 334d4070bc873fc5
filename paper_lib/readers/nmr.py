"""NMR readers: Bruker TopSpin processed data folders and JCAMP-DX spectra.

Both return an ``xarray.Dataset`` with

* dimension/coordinate ``chemical_shift`` in ppm, **descending** (high ppm first, as the instrument
  stores and displays a spectrum; point *i* of a Bruker ``1r`` file is ``chemical_shift[i]``);
* variable ``intensity`` (a.u.), the processed real spectrum;
* ``attrs``: ``kind="nmr"``, ``nucleus`` (e.g. ``"7Li"``), ``observe_frequency_MHz`` and, when the
  file carries them, the referencing (``reference_frequency_MHz``, ``offset_ppm``, ...),
  ``temperature_K`` and ``mas_rate_Hz``.

Bruker processed data
---------------------
An experiment folder holds ``acqus`` (acquisition parameters) and ``pdata/<procno>/`` with ``procs``
(processing parameters) and ``1r`` (the real spectrum: ``SI`` int32 values, or float64 if
``DTYPP=2``, little-endian unless ``BYTORDP=1``). Stored integers are multiplied by ``2**NC_proc``
to give the intensity TopSpin shows (nmrglue's ``read_pdata`` does this with ``scale_data=True``).
The ppm axis follows TopSpin: the first point is at ``OFFSET`` ppm and points are spaced by
``SW_p / SF / FTSIZE`` ppm (``SW_p`` in Hz, ``SF`` in MHz; ``FTSIZE`` falls back to ``SI``).

Experiments without a processed spectrum
----------------------------------------
A Bruker experiment with ``fid`` and ``acqus`` but no ``pdata/<n>/1r``, and a Varian/Agilent folder
(``fid`` + ``procpar``), are processed from the FID by :mod:`paper_lib.nmr_fid` (:func:`read_bruker_fid`,
:func:`read_varian`); ``attrs["processing"]`` says how (``"from fid: ..."``).
"""

import re
import struct
import warnings
from pathlib import Path

import numpy as np

from . import _jcamp
from .. import nmr_fid
from ..errors import InputError
from ..schema import make_dataset, variable

_NUCLEUS = re.compile(r"^(\d{1,3})([A-Z][a-z]?)$")
_NUCLEUS_REVERSED = re.compile(r"^([A-Z][a-z]?)(\d{1,3})$")
_COORD = ("chemical_shift", "ppm", "chemical shift")


def _nucleus(text, path, field):
    """``'7Li'`` from ``'7Li'``, ``'^7Li'`` or ``'Li7'``; InputError naming ``field`` otherwise."""
    raw = str(text or "").strip().strip("<>").replace("^", "").strip()
    match = _NUCLEUS.match(raw)
    if match:
        return f"{int(match[1])}{match[2]}"
    match = _NUCLEUS_REVERSED.match(raw)
    if match:
        return f"{int(match[2])}{match[1]}"
    raise InputError(path, f"expected a nucleus such as '7Li', '1H' or '11B', got {text!r}", field=field)


def _nmrglue():
    """nmrglue without its progress-bar warning (see :func:`paper_lib.readers._jcamp.nmrglue`)."""
    return _jcamp.nmrglue()


def _parameters(path, required):
    """Read a Bruker JCAMP-style parameter file (``##$KEY= value``) and check ``required`` keys."""
    ng = _nmrglue()

    if not path.is_file():
        raise InputError(path, f"missing Bruker parameter file '{path.name}'")
    _check_arrays(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dic = ng.bruker.read_jcamp(str(path))
        except Exception as exc:  # nmrglue raises bare errors on garbage
            raise InputError(path, f"not a Bruker JCAMP-DX parameter file ({exc})") from None
    for key in required:
        if key not in dic:
            raise InputError(path, f"expected parameter '##${key}=' in this Bruker parameter file", field=key)
    for key in (set(required) - {"NUC1"}) | (_NUMERIC & set(dic)):
        value = dic[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(path, f"expected a number, got {str(value)[:40]!r}", field=key)
    return dic


# Parameters the readers use as numbers: a corrupt file must not hand them over as text.
_NUMERIC = {"PPARMOD", "DTYPP", "BYTORDP", "FTSIZE", "SI", "NC_proc", "SF", "SW_p", "OFFSET", "PHC0", "PHC1",
            "LB", "GB", "SSB", "WDW", "TDeff", "TD", "DTYPA", "BYTORDA", "GRPDLY", "DECIM", "DSPFVS", "AQ_mod",
            "SW_h", "SFO1", "BF1", "O1", "NC", "DIGMOD"}


def _check_arrays(path):
    """Refuse what nmrglue would read past the end of the file forever: a ``<string`` that never closes,
    or a ``(0..N)`` array with fewer than N + 1 values in the rest of the file (nmrglue reads on across
    later lines, as these checks do)."""
    text = path.read_bytes().decode("latin-1")
    lines = text.splitlines()
    after = np.cumsum([len(line.split()) for line in lines][::-1])[::-1]  # tokens from line i to the end
    closes = [">" in line for line in lines]
    closes_after = np.cumsum(closes[::-1])[::-1]
    for i, line in enumerate(lines):
        if not line.startswith("##") or "=" not in line:
            continue
        value = line[line.index("=") + 1:].lstrip()
        field = line[3:line.index("=")] or line[2:line.index("=")]
        if "<" in value:
            if ">" not in value and (i + 1 >= len(lines) or not closes_after[i + 1]):
                raise InputError(path, "a text value '<...' never closes (file cut short?)", line=i + 1, field=field)
        elif "(" in value and ".." in line and ")" in line:
            try:
                declared = int(line[line.index("..") + 2:line.index(")")]) + 1
            except ValueError:
                continue  # nmrglue refuses it itself
            values = len(line[line.index(")") + 1:].split()) + (after[i + 1] if i + 1 < len(lines) else 0)
            if values < declared:
                raise InputError(path, f"array declares {declared} values, the file holds fewer (cut short?)",
                                 line=i + 1, field=field)


def _locate(path):
    """(experiment folder, pdata folder) of a Bruker data set given either folder or its 1r, fid or acqus
    file; the pdata folder is None for an experiment that holds a ``fid`` but no ``pdata/<n>``."""
    path = Path(path)
    if path.is_file() and path.name in ("1r", "fid", "acqus"):
        path = path.parent
    if not path.exists():
        raise InputError(path, "Bruker data folder does not exist")
    if not path.is_dir():
        raise InputError(path, "expected a Bruker experiment folder (with 'acqus') or its pdata/<n> folder")
    if path.parent.name == "pdata":
        return path.parent.parent, path
    if not (path / "acqus").is_file():
        raise InputError(path / "acqus", "missing 'acqus': not a Bruker experiment folder")
    pdata = path / "pdata"
    procnos = sorted((p for p in pdata.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name)) \
        if pdata.is_dir() else []
    if not procnos:
        if (path / "fid").is_file():
            return path, None
        raise InputError(pdata, "expected a processed data folder 'pdata/1' (with procs and 1r)")
    return path, (pdata / "1" if (pdata / "1").is_dir() else procnos[0])


def read_bruker(path, procno=None):
    """Read a processed 1D Bruker spectrum into a Dataset (``chemical_shift`` in ppm, descending).

    ``path`` is an experiment folder (``acqus`` + ``pdata/1``), a ``pdata/<n>`` folder or its ``1r``
    file; ``procno`` picks another ``pdata/<procno>``. Intensities are the stored integers times
    ``2**NC_proc`` (arbitrary units). An experiment with a ``fid`` but no ``1r`` is processed from
    the FID (:func:`read_bruker_fid`); with both, TopSpin's ``1r`` is read. Raises :class:`InputError`
    naming the file for a missing ``acqus``/``procs``/``1r``, a missing or non-numeric parameter, an
    unknown nucleus or a ``1r`` whose size does not match ``SI``.
    """
    ng = _nmrglue()

    experiment, pdata = _locate(path)
    if procno is not None:
        pdata = experiment / "pdata" / str(procno)
    if (pdata is None or not (pdata / "1r").is_file()) and (experiment / "fid").is_file():
        return read_bruker_fid(experiment, procno)
    acqus = _parameters(experiment / "acqus", ("NUC1", "SFO1"))
    procs = _parameters(pdata / "procs", ("SF", "SW_p", "OFFSET", "SI", "NC_proc"))
    if int(procs.get("PPARMOD", 0)) != 0:
        raise InputError(pdata / "procs", f"expected 1D processed data (PPARMOD=0), got PPARMOD={procs['PPARMOD']}",
                         field="PPARMOD")
    nucleus = _nucleus(acqus["NUC1"], experiment / "acqus", "NUC1")
    size = int(procs["SI"])
    binary = pdata / "1r"
    if not binary.is_file():
        raise InputError(binary, "missing processed spectrum '1r'")
    isfloat = int(procs.get("DTYPP", 0)) == 2
    expected = size * (8 if isfloat else 4)
    actual = binary.stat().st_size
    if actual != expected:
        raise InputError(binary, f"expected {expected} bytes (SI={size} points of {'float64' if isfloat else 'int32'}), "
                                 f"found {actual}: truncated or inconsistent with procs", field="SI")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dic, data = ng.bruker.read_pdata(str(pdata), scale_data=True, read_acqus=False,
                                         big=int(procs.get("BYTORDP", 0)) == 1, isfloat=isfloat)
    data = np.asarray(data, dtype=float).reshape(-1)
    sf, sw = float(procs["SF"]), float(procs["SW_p"])
    ftsize = int(procs.get("FTSIZE") or size)
    if sf <= 0 or sw <= 0:
        raise InputError(pdata / "procs", f"expected positive SF and SW_p, got SF={sf}, SW_p={sw}", field="SF")
    shift = float(procs["OFFSET"]) - np.arange(size) * sw / sf / ftsize
    attrs = _bruker_attrs(acqus, nucleus, sf, float(procs["OFFSET"]), sw, int(procs["NC_proc"]), pdata)
    return _spectrum(data, shift, attrs)


def _bruker_attrs(acqus, nucleus, sf, offset, sw, nc_proc, pdata):
    """The attributes of a Bruker spectrum (frequencies in MHz, widths in Hz, offset in ppm)."""
    attrs = {"kind": "nmr", "nucleus": nucleus, "observe_frequency_MHz": float(acqus["SFO1"]),
             "reference_frequency_MHz": sf, "offset_ppm": offset, "spectral_width_Hz": sw,
             "nc_proc": nc_proc, "source_format": "bruker"}
    if isinstance(acqus.get("BF1"), (int, float)):
        attrs["spectral_reference_Hz"] = round((sf - float(acqus["BF1"])) * 1e6, 6)  # TopSpin's SR
    if isinstance(acqus.get("TE"), (int, float)) and acqus["TE"] > 0:
        attrs["temperature_K"] = float(acqus["TE"])
    if isinstance(acqus.get("MASR"), (int, float)) and acqus["MASR"] > 0:
        attrs["mas_rate_Hz"] = float(acqus["MASR"])
    if isinstance(acqus.get("PULPROG"), str):
        attrs["pulse_program"] = acqus["PULPROG"]
    title = pdata / "title" if pdata is not None else None
    if title is not None and title.is_file():
        attrs["title"] = title.read_text(errors="replace").strip()
    return attrs


def _spectrum(intensity, shift, attrs):
    """The canonical NMR Dataset: ``intensity`` (a.u.) over ``chemical_shift`` (ppm)."""
    return make_dataset({"intensity": variable(_COORD[0], intensity, "a.u.", "intensity")},
                        {_COORD[0]: variable(_COORD[0], shift, _COORD[1], _COORD[2])}, attrs)


_label = _jcamp.label


def _number(path, dic, key, required=True):
    return _jcamp.number(path, dic, key, required)


def read_jcamp(path):
    """Read a 1D JCAMP-DX NMR spectrum (``##XYDATA=(X++(Y..Y))``, plain or compressed ASDF).

    The x axis is ``FIRSTX .. LASTX`` over ``NPOINTS`` points. ``##XUNITS=PPM`` is used as is;
    ``##XUNITS=HZ`` is divided by ``##.OBSERVE FREQUENCY=`` (MHz) to give ppm (0 Hz = 0 ppm).
    ``YFACTOR`` is applied. The result is sorted descending in ppm. Raises :class:`InputError`
    naming the file for an empty file, a missing label, or a point count that disagrees with
    ``NPOINTS``.
    """
    ng = _nmrglue()

    path = Path(path)
    dic, data = _jcamp.parse(path, ng.jcampdx.read)
    if data is None or (isinstance(data, list) and data[0] is None):
        raise InputError(path, "expected spectrum data in '##XYDATA=' or '##NTUPLES=' (none found)", field="XYDATA")
    y = np.asarray(data[0] if isinstance(data, list) else data, dtype=float)
    npoints = _number(path, dic, "NPOINTS", required=False)
    if npoints is not None and int(npoints) != y.size:
        raise InputError(path, f"NPOINTS={int(npoints)} but {y.size} values were decoded (truncated data?)",
                         field="NPOINTS")
    first, last = _number(path, dic, "FIRSTX"), _number(path, dic, "LASTX")
    units = (_label(dic, "XUNITS") or "").upper()
    freq = _number(path, dic, ".OBSERVEFREQUENCY", required=units == "HZ")
    x = np.linspace(first, last, y.size)
    if units == "HZ":
        if not freq or freq <= 0:
            raise InputError(path, "expected a positive observe frequency (MHz) to convert Hz to ppm",
                             field=".OBSERVE FREQUENCY")
        x = x / freq
    elif units != "PPM":
        raise InputError(path, f"expected XUNITS=PPM or HZ, got {units or 'nothing'!r}", field="XUNITS")
    nucleus_text = _label(dic, ".OBSERVENUCLEUS")
    if nucleus_text is None:
        raise InputError(path, "expected '##.OBSERVE NUCLEUS=' naming the nucleus", field=".OBSERVE NUCLEUS")
    nucleus = _nucleus(nucleus_text, path, ".OBSERVE NUCLEUS")
    order = np.argsort(-x, kind="stable")
    attrs = {"kind": "nmr", "nucleus": nucleus, "source_format": "jcamp-dx"}
    if freq:
        attrs["observe_frequency_MHz"] = freq
    title = _label(dic, "TITLE")
    if title:
        attrs["title"] = title
    temperature = _number(path, dic, ".TEMPERATURE", required=False) if _label(dic, ".TEMPERATURE") else None
    if temperature:  # JCAMP-DX NMR: kelvin
        attrs["temperature_K"] = temperature
    spinning = _number(path, dic, ".SPINNINGRATE", required=False) if _label(dic, ".SPINNINGRATE") else None
    if spinning:
        attrs["mas_rate_Hz"] = spinning
    return make_dataset({"intensity": variable(_COORD[0], y[order], "a.u.", "intensity")},
                        {_COORD[0]: variable(_COORD[0], x[order], _COORD[1], _COORD[2])}, attrs)


# --- Bruker and Varian/Agilent FIDs -------------------------------------------------------------------

_MAX_POINTS = 2**24  # complex points; a larger TD, SI or fn is refused (corrupt parameters)
_BRUKER_DTYPES = {0: "i4", 2: "f8"}  # DTYPA: int32 or float64
_BRUKER_WINDOWS = {0: "none", 1: "em", 2: "gm", 3: "sine", 4: "qsine"}  # WDW


def _value(path, dic, key, default=None, kind=float):
    """Parameter ``key`` of ``dic`` as ``kind`` (``default`` when absent); InputError naming the field."""
    if key not in dic:
        if default is None:
            raise InputError(path, f"expected parameter '{key}' in this parameter file", field=key)
        return default
    return _finite(path, dic[key], key, kind)


def _finite(path, value, field, kind=float):
    """``value`` as a finite float (or a whole int for ``kind=int``); InputError naming ``field``."""
    try:
        number = float(value)
        if isinstance(value, bool) or not np.isfinite(number) or (kind is int and number != int(number)):
            raise ValueError
        return int(number) if kind is int else number
    except (TypeError, ValueError, OverflowError):
        raise InputError(path, f"expected a {'whole ' if kind is int else ''}number, got {value!r}",
                         field=field) from None


def _bruker_fid(fid, acqus, acqus_path):
    """The complex FID (``TD/2`` points) of a 1D Bruker ``fid`` file, its size checked against ``TD``."""
    td = _value(acqus_path, acqus, "TD", kind=int)
    dtypa = _value(acqus_path, acqus, "DTYPA", 0, int)
    if dtypa not in _BRUKER_DTYPES:
        raise InputError(acqus_path, f"expected DTYPA 0 (int32) or 2 (float64), got {dtypa}", field="DTYPA")
    if _value(acqus_path, acqus, "AQ_mod", 3, int) not in (1, 3):
        raise InputError(acqus_path, f"expected complex data (AQ_mod 1 = qsim or 3 = DQD), got "
                                     f"AQ_mod={acqus['AQ_mod']}", field="AQ_mod")
    if not 2 <= td <= 2 * _MAX_POINTS or td % 2:
        raise InputError(acqus_path, f"expected an even number of points 2..{2 * _MAX_POINTS}, got TD={td}",
                         field="TD")
    dtype = np.dtype(_BRUKER_DTYPES[dtypa]).newbyteorder(">" if _value(acqus_path, acqus, "BYTORDA", 0, int)
                                                          else "<")
    if not fid.is_file():
        raise InputError(fid, "missing FID file 'fid' (and no processed spectrum 'pdata/1/1r')")
    if fid.stat().st_size < td * dtype.itemsize:
        raise InputError(fid, f"expected at least {td * dtype.itemsize} bytes (TD={td} values of {dtype.name}), "
                              f"found {fid.stat().st_size}: truncated, or TD larger than the file", field="TD")
    raw = np.fromfile(fid, dtype=dtype, count=td).astype(float)
    return raw[0::2] + 1j * raw[1::2]


def _bruker_filter(fid, acqus, acqus_path):
    """(FID advanced by the whole points of the digital-filter delay, fraction left, delay in points);
    analog data (DIGMOD=0) are unchanged."""
    if _value(acqus_path, acqus, "DIGMOD", 1, int) == 0:
        return fid, 0.0, 0.0
    grpdly = _value(acqus_path, acqus, "GRPDLY", -1.0)
    decim, dspfvs = _value(acqus_path, acqus, "DECIM", 0.0), _value(acqus_path, acqus, "DSPFVS", 0, int)
    try:
        delay = nmr_fid.group_delay(grpdly, decim, dspfvs)
    except ValueError:
        raise InputError(acqus_path, f"GRPDLY is not set and DECIM={decim:g}, DSPFVS={dspfvs} is not in "
                                     "Bruker's table of digital filters (nmrglue)", field="DECIM") from None
    return (*nmr_fid.remove_digital_filter(fid, delay), delay)


def _bruker_processing(procs, procs_path, npoints):
    """Window, size and stored phases from procs (defaults without it: EM LB 0, SI = 2**k >= TD/2)."""
    if procs is None:
        return {"window": "em", "lb_hz": 0.0, "gb": 0.0, "ssb": 0.0}, nmr_fid.next_power_of_two(npoints), None
    wdw = _value(procs_path, procs, "WDW", 1, int)
    if wdw not in _BRUKER_WINDOWS:
        raise InputError(procs_path, f"expected WDW 0..4 (none, EM, GM, SINE, QSINE), got {wdw}", field="WDW")
    window = {"window": _BRUKER_WINDOWS[wdw], "lb_hz": _value(procs_path, procs, "LB", 0.0),
              "gb": _value(procs_path, procs, "GB", 0.0), "ssb": _value(procs_path, procs, "SSB", 0.0)}
    if window["window"] == "gm" and (window["lb_hz"] >= 0 or not 0 < window["gb"] < 1):
        raise InputError(procs_path, f"expected LB < 0 and 0 < GB < 1 for WDW=2 (GM), got LB={window['lb_hz']}, "
                                     f"GB={window['gb']}", field="GB")
    size = _value(procs_path, procs, "SI", nmr_fid.next_power_of_two(npoints), int)
    if not 2 <= size <= _MAX_POINTS:
        raise InputError(procs_path, f"expected SI between 2 and {_MAX_POINTS}, got {size}", field="SI")
    phases = (_value(procs_path, procs, "PHC0", 0.0), _value(procs_path, procs, "PHC1", 0.0))
    return window, size, (phases if any(phases) else None)


def _bruker_axis(acqus, acqus_path, procs, procs_path):
    """(first ppm, spectral width Hz, reference MHz): procs OFFSET/SW_p/SF, or SFO1/BF1/SW_h without it."""
    if procs is not None:
        offset, sw, sf = (_value(procs_path, procs, key) for key in ("OFFSET", "SW_p", "SF"))
    else:
        sfo1, sw, sf = (_value(acqus_path, acqus, key) for key in ("SFO1", "SW_h", "BF1"))
        offset = ((sfo1 - sf) * 1e6 + sw / 2) / sf  # the carrier at point size/2; spectral reference SR = 0
    if sf <= 0 or sw <= 0:
        names = ("SF", "SW_p") if procs is not None else ("BF1", "SW_h")
        raise InputError(procs_path if procs is not None else acqus_path,
                         f"expected a positive spectral width and reference frequency, got {sw} Hz, {sf} MHz",
                         field=names[0] if sf <= 0 else names[1])
    return offset, sw, sf


def read_bruker_fid(path, procno=None, autophase="acme"):
    """A 1D Bruker experiment processed from its FID into a Dataset (``chemical_shift`` ppm, descending).

    Reads ``acqus`` and ``fid`` (TD values, int32 or float64 by DTYPA, byte order by BYTORDA; only the
    first TD values are read), removes the digital filter (GRPDLY, or DECIM/DSPFVS; nmrglue), applies
    the window of ``pdata/<procno or 1>/procs`` (WDW, LB, GB, SSB), zero-fills to SI, Fourier transforms
    in TopSpin's order and phases with the stored PHC0/PHC1. Without procs the defaults are: exponential
    window with LB = 0 Hz, SI = the next power of two >= TD/2, and the axis from acqus
    (SF = BF1, so SR = 0; carrier SFO1 at point SI/2; SW_h). When no phase is stored (no procs, or
    PHC0 = PHC1 = 0) the phases are found by nmrglue's ``autops`` with ``autophase`` ("acme" or
    "peak_minima"). ``attrs`` are those of :func:`read_bruker` plus ``processing`` ("from fid: ..."),
    ``phase_source``, ``phc0_deg``, ``phc1_deg``, ``window`` and ``group_delay_points``; ``nc_proc`` is
    procs' NC_proc (0 without procs) and does not scale the intensities, which are unnormalised
    Fourier sums (TopSpin's 1r differs by a constant factor). Raises :class:`InputError` naming the
    file and field for a missing acqus, a TD larger than the fid, an unknown DTYPA, AQ_mod or WDW,
    or a missing or non-numeric parameter.
    """
    experiment, pdata = _locate(path)
    if procno is not None:
        pdata = experiment / "pdata" / str(procno)
    elif pdata is None:
        pdata = experiment / "pdata" / "1"
    acqus_path, procs_path = experiment / "acqus", pdata / "procs"
    acqus = _parameters(acqus_path, ("NUC1", "SFO1", "TD", "SW_h"))
    procs = _parameters(procs_path, ()) if procs_path.is_file() else None
    nucleus = _nucleus(acqus["NUC1"], acqus_path, "NUC1")
    fid = _bruker_fid(experiment / "fid", acqus, acqus_path)
    fid, fraction, delay = _bruker_filter(fid, acqus, acqus_path)
    tdeff = _value(procs_path, procs, "TDeff", 0, int) if procs is not None else 0
    if 0 < tdeff < 2 * fid.size:
        fid = fid[:tdeff // 2]
    window, size, phases = _bruker_processing(procs, procs_path, _value(acqus_path, acqus, "TD", kind=int) // 2)
    offset, sw, sf = _bruker_axis(acqus, acqus_path, procs, procs_path)
    intensity, info = nmr_fid.process(fid, _value(acqus_path, acqus, "SW_h"), size, phases=phases,
                                      method=autophase, phase_source="procs PHC0/PHC1", delay=fraction, **window)
    shift = offset - np.arange(size) * sw / sf / size
    nc_proc = _value(procs_path, procs, "NC_proc", 0, int) if procs is not None else 0
    attrs = _bruker_attrs(acqus, nucleus, sf, offset, sw, nc_proc, pdata)
    attrs.update(_fid_attrs(info, window["window"], f"digital filter removed ({delay:g} points); ", delay))
    if procs is None:
        attrs["processing"] += "; no procs: default window and size, axis from acqus (SR = 0)"
    return _spectrum(intensity, shift, attrs)


def _fid_attrs(info, window, prefix, delay=0.0):
    """The attributes that say how a spectrum was processed from its FID."""
    return {"processing": "from fid: " + prefix + info["description"], "phase_source": info["phase_source"],
            "phc0_deg": info["phc0"], "phc1_deg": info["phc1"], "window": window, "group_delay_points": float(delay)}


def _procpar(path):
    """Varian ``procpar`` as {name: parameter dict} (nmrglue); InputError for a missing or corrupt file."""
    if not path.is_file():
        raise InputError(path, "missing Varian/Agilent parameter file 'procpar'")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dic = _nmrglue().varian.read_procpar(str(path))
    except Exception as exc:  # nmrglue raises bare IndexError/ValueError on garbage
        raise InputError(path, f"not a Varian/Agilent procpar file (nmrglue: {exc!r})") from None
    if not isinstance(dic, dict) or not dic:
        raise InputError(path, "not a Varian/Agilent procpar file: no parameters found")
    return dic


def _par(path, procpar, name, default=None, active_only=False, kind=float):
    """First value of procpar parameter ``name`` (``default`` when absent, or inactive if ``active_only``)."""
    entry = procpar.get(name)
    if entry is None or not entry.get("values") or (active_only and entry.get("active") != "1"):
        if default is None:
            raise InputError(path, f"expected parameter '{name}' in procpar", field=name)
        return default
    value = entry["values"][0]
    return str(value) if kind is str else _finite(path, value, name, kind)


_VARIAN_HEADER = struct.Struct(">6i2hi")  # nblocks ntraces np ebytes tbytes bbytes vers_id status nbheaders


def _varian_header(fid):
    """The 32-byte file header of a Varian ``fid``, checked against the file size (one 1D FID)."""
    if not fid.is_file():
        raise InputError(fid, "missing FID file 'fid'")
    size = fid.stat().st_size
    with open(fid, "rb") as handle:
        head = handle.read(_VARIAN_HEADER.size)
    if len(head) < _VARIAN_HEADER.size:
        raise InputError(fid, f"expected a 32-byte Varian file header, found {len(head)} bytes", field="header")
    nblocks, ntraces, npoints, ebytes, tbytes, bbytes, _, status, nbheaders = _VARIAN_HEADER.unpack(head)
    if ebytes not in (2, 4) or npoints <= 0 or tbytes != npoints * ebytes or \
            bbytes != ntraces * tbytes + 28 * nbheaders or nblocks <= 0 or ntraces <= 0:
        raise InputError(fid, f"inconsistent Varian file header (np={npoints}, ebytes={ebytes}, tbytes={tbytes}, "
                              f"bbytes={bbytes}, ntraces={ntraces}, nblocks={nblocks})", field="header")
    if nblocks * ntraces != 1:
        raise InputError(fid, f"expected one 1D FID, found {nblocks} blocks of {ntraces} traces (arrayed or nD)",
                         field="nblocks")
    if size < 32 + nblocks * bbytes:
        raise InputError(fid, f"expected {32 + nblocks * bbytes} bytes (np={npoints} values), found {size}: "
                              "truncated", field="np")
    if npoints // 2 > _MAX_POINTS:
        raise InputError(fid, f"expected at most {2 * _MAX_POINTS} values, header says np={npoints}", field="np")
    return npoints


def read_varian(path, autophase="acme"):
    """A 1D Varian/Agilent FID folder (``fid`` + ``procpar``) processed into a Dataset (ppm, descending).

    nmrglue reads the FID and procpar. The FID is complex-conjugated into Bruker's sign convention
    (:mod:`paper_lib.nmr_fid`), apodised with procpar's ``lb`` (exponential, Hz) when it is active,
    zero-filled to ``fn/2`` complex points (``fn`` active) or the next power of two >= ``np/2``,
    Fourier transformed and phased with ``rp``/``lp`` (TopSpin PHC0 = -rp, PHC1 = -lp, degrees;
    automatic phasing with ``autophase`` when both are 0). The axis is VnmrJ's: point ``i`` lies at
    ``(rfp + sw - rfl - i·sw/N) / sfrq`` ppm (``rfl``, ``rfp`` in Hz, default ``rfl = sw/2``, ``rfp = 0``;
    ``sfrq`` in MHz). ``attrs`` as :func:`read_bruker_fid` (``source_format="varian"``, ``nucleus`` from
    ``tn``, ``temperature_K`` from ``temp`` in degC, ``pulse_program`` from ``seqfil``). Raises
    :class:`InputError` naming the file and field for a missing procpar/fid, a missing or non-numeric
    parameter, or a fid header inconsistent with its size.
    """
    ng = _nmrglue()
    path = Path(path)
    folder = path.parent if path.is_file() and path.name in ("fid", "procpar") else path
    if not folder.is_dir():
        raise InputError(folder, "expected a Varian/Agilent folder with 'fid' and 'procpar'")
    pp_path = folder / "procpar"
    procpar = _procpar(pp_path)
    sfrq, sw = _par(pp_path, procpar, "sfrq"), _par(pp_path, procpar, "sw")
    if sfrq <= 0 or sw <= 0:
        raise InputError(pp_path, f"expected positive sfrq and sw, got {sfrq} MHz, {sw} Hz", field="sfrq")
    nucleus = _nucleus(_par(pp_path, procpar, "tn", kind=str), pp_path, "tn")
    npoints = _varian_header(folder / "fid")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, data = ng.varian.read(str(folder))
    except Exception as exc:  # nmrglue's struct/reshape errors on a corrupt fid
        raise InputError(folder / "fid", f"nmrglue could not read this Varian fid ({exc!r})") from None
    fid = np.conj(np.asarray(data, complex).reshape(-1)[:npoints // 2])
    fn = _par(pp_path, procpar, "fn", 0.0, active_only=True)
    size = int(fn) // 2 if fn > 0 else nmr_fid.next_power_of_two(fid.size)
    if not 2 <= size <= _MAX_POINTS:
        raise InputError(pp_path, f"expected fn between 4 and {2 * _MAX_POINTS}, got {fn}", field="fn")
    lb = _par(pp_path, procpar, "lb", 0.0, active_only=True)
    rp, lp = _par(pp_path, procpar, "rp", 0.0), _par(pp_path, procpar, "lp", 0.0)
    phases = (-rp, -lp) if rp or lp else None
    intensity, info = nmr_fid.process(fid, sw, size, window="em", lb_hz=lb, phases=phases, method=autophase,
                                      phase_source="procpar rp/lp")
    rfl, rfp = _par(pp_path, procpar, "rfl", sw / 2), _par(pp_path, procpar, "rfp", 0.0)
    shift = (rfp + sw - rfl - np.arange(size) * sw / size) / sfrq
    attrs = {"kind": "nmr", "nucleus": nucleus, "observe_frequency_MHz": sfrq,
             "reference_frequency_MHz": _par(pp_path, procpar, "reffrq", sfrq - (sw / 2 - rfl + rfp) * 1e-6),
             "offset_ppm": float(shift[0]), "spectral_width_Hz": sw, "nc_proc": 0, "source_format": "varian"}
    temp = _par(pp_path, procpar, "temp", float("nan"), active_only=True)
    if np.isfinite(temp):
        attrs["temperature_K"] = round(temp + 273.15, 6)
    seqfil = _par(pp_path, procpar, "seqfil", "", kind=str)
    if seqfil:
        attrs["pulse_program"] = seqfil
    if (folder / "text").is_file():
        attrs["title"] = (folder / "text").read_text(errors="replace").strip()
    attrs.update(_fid_attrs(info, "em", "complex conjugate (Varian sign); "))
    return _spectrum(intensity, shift, attrs)


# --- content sniffing -----------------------------------------------------------------------------------

_PROCPAR_LINE = re.compile(rb"^[A-Za-z_][A-Za-z0-9_]* [1-7] [1-4] \S+ \S+ \S+ \d+ \d+ \d+ [01] \d+\s*$")


def _is_bruker_parameters(head):
    """A TopSpin parameter file: JCAMP-style '##TITLE=' with Bruker '##$' labels and no spectrum data."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"##TITLE=") and any(key in head for key in (b"##$SFO1=", b"##$SF=", b"##$TD=")) and \
        not any(label in head for label in (b"##XYDATA", b"##NTUPLES", b"##PEAK TABLE", b"##XYPOINTS"))


def _head(path, size=65536):
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _is_bruker(path, head):
    """A Bruker experiment folder (an acqus that TopSpin wrote), a pdata/<n> folder, or its acqus/procs/fid/1r."""
    try:
        path = Path(path)
        if path.is_dir():
            if (path / "acqus").is_file():
                return _is_bruker_parameters(_head(path / "acqus"))
            return path.parent.name == "pdata" and (path / "procs").is_file() and \
                _is_bruker_parameters(_head(path / "procs"))
        if path.name in ("fid", "1r"):
            folder = path.parent if path.name == "fid" else path.parent.parent.parent
            return (folder / "acqus").is_file() and _is_bruker_parameters(_head(folder / "acqus"))
        return path.name in ("acqus", "procs") and _is_bruker_parameters(head)
    except OSError:
        return False


def _is_procpar(head):
    lines = head.splitlines()
    return len(lines) >= 2 and bool(_PROCPAR_LINE.match(lines[0])) and lines[1][:1].isdigit()


def _is_varian(path, head):
    """A Varian/Agilent folder: 'fid' beside a 'procpar' in VnmrJ's layout (or that fid/procpar file itself)."""
    try:
        path = Path(path)
        folder = path if path.is_dir() else path.parent
        if not path.is_dir() and path.name not in ("fid", "procpar"):
            return False
        return (folder / "fid").is_file() and _is_procpar(_head(folder / "procpar"))
    except OSError:
        return False


SNIFF = {"bruker": _is_bruker, "varian": _is_varian}
