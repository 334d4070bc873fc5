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
"""

import re
import warnings
from pathlib import Path

import numpy as np

from . import _jcamp
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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dic = ng.bruker.read_jcamp(str(path))
        except Exception as exc:  # nmrglue raises bare errors on garbage
            raise InputError(path, f"not a Bruker JCAMP-DX parameter file ({exc})") from None
    for key in required:
        if key not in dic:
            raise InputError(path, f"expected parameter '##${key}=' in this Bruker parameter file", field=key)
        value = dic[key]
        if key != "NUC1" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise InputError(path, f"expected a number, got {value!r}", field=key)
    return dic


def _locate(path):
    """(experiment folder, pdata folder) of a Bruker data set given either folder or its 1r file."""
    path = Path(path)
    if path.is_file() and path.name == "1r":
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
        raise InputError(pdata, "expected a processed data folder 'pdata/1' (with procs and 1r)")
    return path, (pdata / "1" if (pdata / "1").is_dir() else procnos[0])


def read_bruker(path, procno=None):
    """Read a processed 1D Bruker spectrum into a Dataset (``chemical_shift`` in ppm, descending).

    ``path`` is an experiment folder (``acqus`` + ``pdata/1``), a ``pdata/<n>`` folder or its ``1r``
    file; ``procno`` picks another ``pdata/<procno>``. Intensities are the stored integers times
    ``2**NC_proc`` (arbitrary units). Raises :class:`InputError` naming the file for a missing
    ``acqus``/``procs``/``1r``, a missing or non-numeric parameter, an unknown nucleus or a ``1r``
    whose size does not match ``SI``.
    """
    ng = _nmrglue()

    experiment, pdata = _locate(path)
    if procno is not None:
        pdata = experiment / "pdata" / str(procno)
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
    attrs = {"kind": "nmr", "nucleus": nucleus, "observe_frequency_MHz": float(acqus["SFO1"]),
             "reference_frequency_MHz": sf, "offset_ppm": float(procs["OFFSET"]), "spectral_width_Hz": sw,
             "nc_proc": int(procs["NC_proc"]), "source_format": "bruker"}
    if isinstance(acqus.get("BF1"), (int, float)):
        attrs["spectral_reference_Hz"] = round((sf - float(acqus["BF1"])) * 1e6, 6)  # TopSpin's SR
    if isinstance(acqus.get("TE"), (int, float)) and acqus["TE"] > 0:
        attrs["temperature_K"] = float(acqus["TE"])
    if isinstance(acqus.get("MASR"), (int, float)) and acqus["MASR"] > 0:
        attrs["mas_rate_Hz"] = float(acqus["MASR"])
    if isinstance(acqus.get("PULPROG"), str):
        attrs["pulse_program"] = acqus["PULPROG"]
    title = pdata / "title"
    if title.is_file():
        attrs["title"] = title.read_text(errors="replace").strip()
    return make_dataset({"intensity": variable(_COORD[0], data, "a.u.", "intensity")},
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
