"""Thermo Galactic GRAMS ``.spc`` spectra (FTIR), new (``0x4B``) and old (``0x4D``) headers.

A small parser following the published Galactic layout ("Thermo Galactic SPC File Format
Specification", spc.h in the GRAMS SDK; the same layout rohanisaac/spc, GPL-3, decodes).
All numbers are little-endian.

* ``0x4B``: 512-byte header - ``ftflgs`` (u8, 0), ``fexp`` (i8, 3), ``fnpts`` (i32, 4),
  ``ffirst``/``flast`` (f64, 8/16), ``fnsub`` (i32, 24), ``fxtype``/``fytype`` (u8, 28/29),
  ``fres`` (9 chars, 36), ``fcmnt`` (130 chars, 88). With flag ``TXVALS`` (0x80) an f32 x array
  follows the header; then each subfile: a 32-byte subheader (``subexp`` i8 at 1) and the y
  values: f32 when the exponent is -128, else i32 (i16 with ``TSPREC``, 0x01) times
  ``2**(exp-32)`` (``2**(exp-16)``).
* ``0x4D``: 256-byte header - ``oexp`` (i16, 2), ``onpts``/``ofirst``/``olast`` (f32, 4/8/12),
  ``oxtype``/``oytype`` (u8, 16/17), ``ores`` (8 chars, 30), ``ocmnt`` (130 chars, 70); the first
  subheader is the header's last 32 bytes; y values are i32 with their two 16-bit words stored
  high word first, times ``2**(exp-32)``.

Only the first subfile is read (``attrs["n_subfiles"]``). x must be wavenumbers (``fxtype`` 1,
or 13 = Raman shift, also cm^-1); y is absorbance for ``fytype`` 2 and transmittance for 128
(values up to 1.5 are a fraction and are x100) or 11 (percent). For other y types the caller
gives ``quantity``.
"""

import struct
from pathlib import Path

import numpy as np

from ..errors import InputError
from .ftir import spectrum

_XTYPES = {1: "wavenumber (cm-1)", 13: "Raman shift (cm-1)"}
_YTYPES = {2: "absorbance", 11: "percent", 128: "transmission"}
TXVALS, TXYXYS, TMULTI, TSPREC = 0x80, 0x40, 0x04, 0x01


def _is_spc(path, head):
    """Version byte 0x4B/0x4D, no zip magic, a plausible point count and x/y type codes."""
    if len(head) < 256 or head[1] not in (0x4B, 0x4D) or head.startswith(b"PK"):
        return False
    if head[1] == 0x4B:
        npts, (first, last) = struct.unpack_from("<i", head, 4)[0], struct.unpack_from("<2d", head, 8)
        codes_ok = head[28] <= 30 or head[28] == 255
        codes_ok = codes_ok and (head[29] <= 26 or 128 <= head[29] <= 131)
    else:
        npts, first, last = struct.unpack_from("<3f", head, 4)
        codes_ok = head[16] <= 30 and (head[17] <= 26 or 128 <= head[17] <= 131)
    return bool(codes_ok and 0 < npts < 1e8 and np.isfinite(first) and np.isfinite(last))


SNIFF = {"galactic-spc": _is_spc}


def _need(path, data, end, field):
    if end > len(data):
        raise InputError(path, f"the header declares data up to byte {end} but the file has {len(data)} bytes "
                               "(truncated?)", field=field)


def _scaled(path, data, offset, npts, exp, short, field):
    if exp == -128:
        _need(path, data, offset + 4 * npts, field)
        return np.frombuffer(data, "<f4", npts, offset).astype(float)
    size = 2 if short else 4
    _need(path, data, offset + size * npts, field)
    raw = np.frombuffer(data, "<i2" if short else "<i4", npts, offset).astype(float)
    return raw * 2.0 ** (exp - (16 if short else 32))


def _new(path, data):
    _need(path, data, 512, "header")
    flags, exp, npts = data[0], struct.unpack_from("<b", data, 3)[0], struct.unpack_from("<i", data, 4)[0]
    first, last = struct.unpack_from("<2d", data, 8)
    nsub, xtype, ytype = struct.unpack_from("<i", data, 24)[0], data[28], data[29]
    if flags & TXYXYS:
        raise InputError(path, "per-subfile x arrays (TXYXYS) are not supported for FTIR", field="ftflgs")
    if npts <= 1 or 4 * npts > len(data):
        raise InputError(path, f"fnpts={npts} points do not fit in a file of {len(data)} bytes", field="fnpts")
    offset, x = 512, np.linspace(first, last, npts)
    if flags & TXVALS:
        _need(path, data, offset + 4 * npts, "fnpts")
        x, offset = np.frombuffer(data, "<f4", npts, offset).astype(float), offset + 4 * npts
    _need(path, data, offset + 32, "subheader")
    subexp = struct.unpack_from("<b", data, offset + 1)[0]
    use = -128 if exp == -128 or subexp == -128 else (subexp if flags & TMULTI else exp)
    y = _scaled(path, data, offset + 32, npts, use, flags & TSPREC, "fnpts")
    text = {"resolution": data[36:45], "comment": data[88:218]}
    return x, y, xtype, ytype, (nsub if flags & TMULTI else 1), text


def _old(path, data):
    _need(path, data, 256, "header")
    exp = struct.unpack_from("<h", data, 2)[0]
    npts_f, first, last = struct.unpack_from("<3f", data, 4)
    npts = int(npts_f)
    if npts <= 1 or npts != npts_f or 4 * npts > len(data):
        raise InputError(path, f"onpts={npts_f} points do not fit in a file of {len(data)} bytes", field="onpts")
    subexp = struct.unpack_from("<b", data, 224 + 1)[0]
    _need(path, data, 256 + 4 * npts, "onpts")
    if subexp == -128:
        y = np.frombuffer(data, "<f4", npts, 256).astype(float)
    else:
        words = np.frombuffer(data, "<u2", 2 * npts, 256).reshape(npts, 2).astype(np.uint32)
        y = ((words[:, 0] << 16) | words[:, 1]).view(np.int32) * 2.0 ** (exp - 32)
    text = {"resolution": data[30:38], "comment": data[70:200]}
    return np.linspace(first, last, npts), y, data[16], data[17], 1, text


def _quantity(path, ytype, y, quantity):
    if quantity is not None:
        if quantity not in ("transmittance", "absorbance"):
            raise ValueError(f"quantity must be 'transmittance' or 'absorbance', got {quantity!r}")
        return quantity, y, f"fytype {ytype} ({quantity} given)"
    if ytype == 2:
        return "absorbance", y, "absorbance"
    if ytype == 11:
        return "transmittance", y, "percent"
    if ytype == 128:
        fraction = np.nanmax(y) <= 1.5
        return "transmittance", y * 100.0 if fraction else y, "transmission" + (" (fraction)" if fraction else "")
    raise InputError(path, f"expected y type absorbance (2), percent (11) or transmission (128), got {ytype}; "
                           "give quantity=", field="fytype")


def read_spc(path, quantity=None):
    """Read the first subfile of a Galactic ``.spc`` spectrum into the FTIR Dataset.

    Raises :class:`InputError` naming the file and header field for a wrong version byte, a
    point count that does not fit in the file, x units other than cm^-1, or y units that are
    neither absorbance nor transmittance (unless ``quantity`` is given).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    data = path.read_bytes()
    version = data[1] if len(data) > 1 else None
    if version not in (0x4B, 0x4D):
        raise InputError(path, f"expected SPC version byte 0x4B or 0x4D, got {version!r}", field="fversn")
    x, y, xtype, ytype, nsub, text = (_new if version == 0x4B else _old)(path, data)
    if xtype not in _XTYPES:
        raise InputError(path, f"expected x in wavenumbers (fxtype 1 or 13), got fxtype {xtype}", field="fxtype")
    if not np.all(np.isfinite(y)):
        raise InputError(path, "expected finite y values", field="subfile data")
    quantity, y, yunits = _quantity(path, ytype, y, quantity)
    attrs = {"source_format": "galactic-spc", "spc_version": f"0x{version:02X}", "n_subfiles": int(nsub),
             "source_xunits": _XTYPES[xtype], "source_yunits": yunits}
    for key, raw in text.items():
        value = raw.split(b"\0", 1)[0].decode("latin-1").strip()
        if value:
            attrs["title" if key == "comment" else key] = value
    return spectrum(x, y, quantity, attrs)
