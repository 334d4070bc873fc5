"""AFM readers: JPK force maps (format ``jpk-force-map``, through afmformats) and Gwyddion Simple
Field height images (format ``gwyddion-gsf``).

:func:`read_force_map` returns an ``xarray.Dataset`` with dimensions ``curve`` and ``point``
(curves of different lengths padded with NaN; ``segment`` -1 there): ``force`` (N),
``height_measured`` (m, the height sensor), ``height_piezo`` (m, the piezo's nominal signal),
``time`` (s), ``segment`` (0 approach, 1 retract), and per curve the grid indices ``ix``, ``iy`` and
positions ``x``, ``y`` (m). ``attrs``: ``kind="afm-force-map"``, ``spring_constant_N_m``,
``sensitivity_m_V``, ``grid_shape`` (nx, ny), ``grid_size_m``, ``grid_center_m``, ``setpoint_N``
when recorded, ``instrument``. Heights follow JPK's convention (they grow upwards; the tip position
is height + force / k).

:func:`read_gsf` returns a ``height`` DataArray (m) on ``y`` (down, as stored) and ``x`` (m, pixel
centres from XOffset/YOffset and XReal/YReal). A GSF file is a text header starting with
``Gwyddion Simple Field 1.0``, ``key = value`` lines (XRes and YRes required; XReal/YReal default
to 1), NUL padding to a multiple of 4 bytes, then XRes x YRes little-endian float32 values, row by row.
"""

import math
import struct
import zipfile
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import InputError
from ..schema import make_dataset, variable

GSF_MAGIC = "Gwyddion Simple Field 1.0"
# variable: (afmformats column, units, long name)
_COLUMNS = {"force": ("force", "N", "force"),
            "height_measured": ("height (measured)", "m", "height, measured by the sensor"),
            "height_piezo": ("height (piezo)", "m", "height, nominal piezo signal"),
            "time": ("time", "s", "time")}


# what the zipfile module raises on a corrupt archive (central directory, versions, size fields)
ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError, struct.error, OverflowError)


# ---------------------------------------------------------------- JPK force maps

def _check_jpk_zip(path):
    """A readable zip with the JPK layout, whose declared unpacked size is bounded (:func:`unzipped_size_ok`)."""
    if not path.is_file():
        raise InputError(path, "file does not exist: expected a JPK force map (.jpk-force-map)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise InputError(path, f"not a zip archive: expected a JPK force map (.jpk-force-map) ({exc})") from None
    names = {info.filename for info in infos}
    if "header.properties" not in names or not any(n.startswith("index/") for n in names):
        raise InputError(path, "a zip archive, but not a JPK force map: expected 'header.properties' "
                               "and 'index/<n>/' curve folders")
    unzipped_size_ok(path, infos)


def unzipped_size_ok(path, infos, ratio=200, floor=64 * 2 ** 20):
    """InputError when the members declare more than ``ratio`` x the file size (+ ``floor`` bytes)
    unpacked: a corrupt or hostile size field must not make the reader allocate without bound."""
    declared = sum(info.file_size for info in infos)
    bound = ratio * path.stat().st_size + floor
    if declared > bound:
        biggest = max(infos, key=lambda info: info.file_size)
        raise InputError(path, f"the zip members declare {declared} bytes unpacked, more than {bound} "
                               f"({ratio} x the file size + {floor}): corrupt size fields?", field=biggest.filename)


def _load(path):
    import afmformats
    from afmformats import errors

    if path.suffix not in (".jpk-force-map", ".jpk-qi-data"):
        raise InputError(path, "expected the suffix .jpk-force-map (or .jpk-qi-data) that afmformats reads")
    try:
        curves = afmformats.load_data(path)
    except (errors.AFMFileFormatError, errors.MissingMetaDataError, Exception) as exc:
        raise InputError(path, f"afmformats cannot read this JPK force map: {exc}") from None
    if not curves:
        raise InputError(path, "no force curves in the file")
    return curves


def _metadata(path, md, key):
    from afmformats.errors import MissingMetaDataError
    from afmformats.meta import MetaDataMissingError

    try:
        return md[key]
    except (KeyError, MetaDataMissingError, MissingMetaDataError):  # afmformats' are BaseExceptions
        raise InputError(path, f"missing metadata '{key}'", field=key) from None


def _padded(curves, column, fill=np.nan):
    """(curve, point) array of ``column``, shorter curves padded with ``fill``."""
    out = np.full((len(curves), max(len(c) for c in curves)), fill)
    for i, c in enumerate(curves):
        out[i, :len(c)] = c[column]
    return out


def read_force_map(path):
    """Read a JPK force map into a Dataset (see module docstring).

    Raises :class:`InputError` naming the file for a missing file, a file that is not a zip or not a
    JPK force map, data afmformats cannot read, or missing grid metadata (naming the key).
    """
    path = Path(path)
    _check_jpk_zip(path)
    curves = _load(path)
    md0 = curves[0].metadata
    grid = {key: _metadata(path, md0, key) for key in
            ("grid shape x", "grid shape y", "grid size x", "grid size y", "grid center x", "grid center y",
             "spring constant", "sensitivity")}
    ix = [int(_metadata(path, c.metadata, "grid index x")) for c in curves]
    iy = [int(_metadata(path, c.metadata, "grid index y")) for c in curves]
    data = {name: variable(("curve", "point"), _padded(curves, column), units, long)
            for name, (column, units, long) in _COLUMNS.items()}
    segment = _padded(curves, "segment", fill=-1).astype(np.int8)
    data["segment"] = variable(("curve", "point"), segment, "1", "segment (0 approach, 1 retract, -1 padding)")
    coords = {"curve": variable("curve", np.arange(len(curves)), "1", "curve index in the file"),
              "ix": variable("curve", ix, "1", "grid column"), "iy": variable("curve", iy, "1", "grid row"),
              "x": variable("curve", [_metadata(path, c.metadata, "position x") for c in curves], "m", "x position"),
              "y": variable("curve", [_metadata(path, c.metadata, "position y") for c in curves], "m", "y position")}
    attrs = {"kind": "afm-force-map", "spring_constant_N_m": float(grid["spring constant"]),
             "sensitivity_m_V": float(grid["sensitivity"]),
             "grid_shape": (int(grid["grid shape x"]), int(grid["grid shape y"])),
             "grid_size_m": (float(grid["grid size x"]), float(grid["grid size y"])),
             "grid_center_m": (float(grid["grid center x"]), float(grid["grid center y"])),
             "instrument": str(md0.get("instrument", ""))}
    if "setpoint" in md0:
        attrs["setpoint_N"] = float(md0["setpoint"])
    return make_dataset(data, coords, attrs)


# ---------------------------------------------------------------- Gwyddion Simple Field

def _gsf_header(path, raw):
    end = raw.find(b"\0")
    if end < 0:
        raise InputError(path, "no NUL byte after the header: expected a Gwyddion Simple Field file")
    lines = raw[:end].decode("utf-8", errors="replace").splitlines()
    if not lines or lines[0].strip() != GSF_MAGIC:
        raise InputError(path, f"first line {lines[0][:40] if lines else ''!r}: expected '{GSF_MAGIC}'", line=1)
    header = {}
    for number, line in enumerate(lines[1:], start=2):
        if "=" in line:
            key, value = line.split("=", 1)
            header[key.strip()] = (value.strip(), number)
    return header, (end // 4 + 1) * 4


def _gsf_number(path, header, key, kind, default=None, positive=True):
    if key not in header:
        if default is None:
            raise InputError(path, f"missing '{key}' in the header", field=key)
        return default
    text, line = header[key]
    try:
        value = kind(text)
    except ValueError:
        raise InputError(path, f"expected a number, got {text!r}", line=line, field=key) from None
    if not math.isfinite(value) or (positive and value <= 0):
        raise InputError(path, f"expected a positive value, got {text!r}", line=line, field=key)
    return value


def read_gsf(path):
    """Read a Gwyddion Simple Field image into a ``height`` DataArray (m) with ``y``, ``x`` in m.

    Raises :class:`InputError` naming the file for a missing file, a wrong first line, a missing or
    non-numeric XRes/YRes, units other than metres, or a data block shorter than XRes x YRes floats.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file does not exist: expected a Gwyddion Simple Field (.gsf) file")
    raw = path.read_bytes()
    header, start = _gsf_header(path, raw)
    nx, ny = (_gsf_number(path, header, key, int) for key in ("XRes", "YRes"))
    xreal, yreal = (_gsf_number(path, header, key, float, 1.0) for key in ("XReal", "YReal"))
    x0, y0 = (_gsf_number(path, header, key, float, 0.0, positive=False) for key in ("XOffset", "YOffset"))
    for key in ("XYUnits", "ZUnits"):
        if header.get(key, ("m",))[0] != "m":
            raise InputError(path, f"expected units 'm', got {header[key][0]!r}", line=header[key][1], field=key)
    need = nx * ny * 4
    if len(raw) - start < need:
        raise InputError(path, f"truncated data block: {len(raw) - start} bytes, expected {need} "
                               f"(XRes x YRes = {nx} x {ny} float32)")
    z = np.frombuffer(raw, "<f4", nx * ny, start).reshape(ny, nx).astype(float)
    x = x0 + (np.arange(nx) + 0.5) * xreal / nx
    y = y0 + (np.arange(ny) + 0.5) * yreal / ny
    title = header.get("Title", ("",))[0]
    return xr.DataArray(z, dims=("y", "x"), name="height",
                        coords={"y": ("y", y, {"units": "m", "long_name": "y (down)"}),
                                "x": ("x", x, {"units": "m", "long_name": "x"})},
                        attrs={"units": "m", "long_name": "height", "kind": "afm-topography", "title": title,
                               "pixel_size_m": (xreal / nx, yreal / ny)})
