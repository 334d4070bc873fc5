"""Bruker OPUS binary FTIR files (``sample.0``, ``sample.1``, ...), read with ``brukeropus``.

``brukeropus`` (MIT, pure Python) decodes the file's directory, parameter and data blocks. The
spectrum returned is, in this order of preference:

1. the absorbance block ``AB`` (``measured="absorbance"``, decadic);
2. the transmittance block ``TR`` (OPUS stores it as a fraction; ``x100`` -> %T);
3. the ratio of the single-channel sample and reference spectra ``ScSm/ScRf`` (x100 -> %T), the
   reference linearly interpolated onto the sample's axis when the two differ (NaN outside it).

The wavenumber axis (cm^-1) is ``linspace(FXV, LXV, NPT)`` of that block's data-status
parameters; ``attrs["opus_block"]`` names the block used, ``resolution_cm-1`` is ``RES``.
"""

import re
import struct
from pathlib import Path

import numpy as np

from ..errors import InputError
from .ftir import spectrum

MAGIC = b"\n\n\xfe\xfe"
_NPT = re.compile(rb"NPT\x00\x00\x00\x02\x00")


def _is_opus(path, head):
    return head.startswith(MAGIC)


SNIFF = {"bruker-opus": _is_opus}


def _check_npt(path, data):
    """Every declared point count must fit in the file (a corrupt NPT must not allocate)."""
    for match in _NPT.finditer(data):
        if match.end() + 4 > len(data):
            raise InputError(path, "file ends inside the NPT parameter: truncated?", field="NPT")
        npt = struct.unpack_from("<i", data, match.end())[0]
        if npt <= 0 or 4 * npt > len(data):
            raise InputError(path, f"NPT={npt} points do not fit in a file of {len(data)} bytes", field="NPT")


def _open(path):
    from brukeropus import read_opus
    try:
        return read_opus(str(path))
    except (struct.error, ValueError, IndexError, KeyError, UnicodeDecodeError, TypeError, AttributeError,
            OverflowError, ZeroDivisionError) as exc:
        raise InputError(path, f"brukeropus cannot parse it ({type(exc).__name__}: {exc}): expected an "
                               "OPUS file with a directory block", field="directory") from None


def _choose(path, opus):
    keys = set(opus.data_keys)
    if "a" in keys:
        return "AB", opus.a, "absorbance", 1.0
    if "t" in keys:
        return "TR", opus.t, "transmittance", 100.0
    if {"sm", "rf"} <= keys:
        return "ScSm/ScRf", None, "transmittance", 100.0
    raise InputError(path, f"expected an absorbance (AB), transmittance (TR) or sample and reference "
                           f"single-channel block, found {sorted(keys) or 'none'}", field="AB")


def _values(path, block, name):
    params = block.params
    if np.size(block.y) != params.npt:
        raise InputError(path, f"NPT={params.npt} but the {name} block holds {np.size(block.y)} values "
                               "(truncated?)", field="NPT")
    if getattr(params, "dxu", "WN") != "WN":
        raise InputError(path, f"expected wavenumbers (DXU=WN), got {params.dxu!r}", field="DXU")
    return np.linspace(params.fxv, params.lxv, params.npt), np.asarray(block.y, dtype=float)


def read_opus(path):
    """Read a Bruker OPUS file into the FTIR Dataset (see module docstring for the block chosen).

    Raises :class:`InputError` naming the file and field for a wrong magic, a point count (NPT)
    that does not fit in the file or disagrees with the data block, x units other than
    wavenumbers, or a file without an AB, TR or ScSm/ScRf block.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise InputError(path, f"expected the OPUS magic bytes 0a0afefe, got {data[:4].hex()}", field="magic")
    _check_npt(path, data)
    opus = _open(path)
    name, block, quantity, scale = _choose(path, opus)
    if block is None:
        x, sample = _values(path, opus.sm, "ScSm")
        xr, reference = _values(path, opus.rf, "ScRf")
        if xr.size != x.size or not np.allclose(xr, x):  # reference on its own grid: interpolate
            order = np.argsort(xr)
            reference = np.interp(x, xr[order], reference[order], left=np.nan, right=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.where(reference != 0, sample / reference, np.nan)
    else:
        x, y = _values(path, block, name)
    attrs = {"source_format": "bruker-opus", "opus_block": name,
             "source_yunits": {"AB": "absorbance", "TR": "transmittance (fraction)"}.get(name, "ScSm/ScRf ratio")}
    resolution = opus.params.res if "res" in opus.params.keys() else None
    if resolution is not None:
        attrs["resolution_cm-1"] = float(resolution)
    if "snm" in opus.params.keys():
        attrs["title"] = str(opus.params.snm)
    return spectrum(x, y * scale, quantity, attrs)
