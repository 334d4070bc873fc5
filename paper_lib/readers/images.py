"""Calibrated microscope images in TIFF (format ``tiff-image``): FEI/Thermo Fisher SEM/TEM TIFFs and
plain TIFFs that state their pixel size.

Calibration, first found wins:

1. the ``pixel_size_nm`` argument (a manifest condition ``pixel_size_nm`` does the same through
   :func:`paper_lib.images.calibrated`, which rescales the coordinates after :func:`paper_lib.readers.read`);
2. FEI/Thermo Fisher metadata: an ASCII block in private TIFF tag 34682 (FEI_HELIOS; 34680 FEI_SFEG
   on older instruments) with INI-style sections, e.g. ``[Scan]`` ``PixelWidth=2.5e-09`` (metres) and
   ``[Image]`` ``ResolutionX=1024`` ``ResolutionY=768``. The data bar FEI instruments append under the
   image (rows beyond ``ResolutionY``) is cut off;
3. ``pixel_size_nm=<number>`` in the ImageDescription tag (plain TIFFs written by other software);
4. an ImageJ TIFF with ``unit=nm`` (or ``micron``/``um``) and an X resolution in pixels per unit.

Without any of these the image is read uncalibrated (``pixel_size_nm`` = nan, coordinates in px),
and the analysis refuses it unless the manifest gives ``pixel_size_nm``.

Result: ``xarray.Dataset`` with dimensions ``y``, ``x`` (coordinates in nm, pixel centres, ``y``
increasing downwards as in the image), variable ``intensity`` (grey value as stored, float; RGB is
averaged to grey), attrs ``kind="image"``, ``pixel_size_nm``, ``pixel_size_source``, ``bits`` and, from
FEI metadata, ``instrument``, ``high_voltage_kV``, ``magnification`` when present.
"""

import math
import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..schema import make_dataset, variable

FEI_TAGS = (34682, 34680)
_DESCRIPTION = re.compile(r"pixel_size_nm\s*[=:]\s*([^\s;,]+)", re.I)


def parse_fei(text):
    """``{section: {key: value-string}}`` of an FEI INI-style metadata block."""
    result, section = {}, None
    for line in str(text).splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = result.setdefault(line[1:-1], {})
        elif "=" in line and section is not None:
            key, value = line.split("=", 1)
            section[key.strip()] = value.strip()
    return result


def _fei_block(page):
    for code in FEI_TAGS:
        tag = page.tags.get(code)
        if tag is None:
            continue
        value = tag.value
        if isinstance(value, dict):  # tifffile already parsed it
            return {s: {k: str(v) for k, v in sec.items()} for s, sec in value.items()}, code
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return parse_fei(value), code
    return None, None


def _number(path, text, field):
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InputError(path, f"expected a number, got {text!r}", field=field) from None
    if not math.isfinite(value) or value <= 0:
        raise InputError(path, f"expected a positive pixel size, got {text!r}", field=field)
    return value


def read_tiff(path, pixel_size_nm=None):
    """Read a calibrated TIFF micrograph (see module docstring) into a Dataset with y, x in nm.

    Raises :class:`InputError` naming the file for a missing or unreadable TIFF, an image that is not
    2D (or 2D RGB), or a calibration field that is not a positive number (naming the field).
    """
    import tifffile

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "image file does not exist")
    if path.stat().st_size == 0:
        raise InputError(path, "empty file: expected a TIFF image")
    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages.first
            data = page.asarray()
            fei, fei_code = _fei_block(page)
            description = page.description or ""
            imagej = tif.imagej_metadata or {}
            xres = page.tags.get(282)
            xres = xres.value if xres is not None else None
    except InputError:
        raise
    except Exception as exc:  # tifffile raises several types on truncated or foreign files
        raise InputError(path, f"not a readable TIFF image ({type(exc).__name__}: {exc})") from None
    data = np.asarray(data)
    if data.ndim == 3 and data.shape[-1] in (3, 4):
        data = data[..., :3].mean(axis=-1)
    if data.ndim != 2:
        raise InputError(path, f"expected a 2D grey (or RGB) image, got an array of shape {data.shape}")
    bits = int(np.dtype(page.dtype).itemsize * 8) if page.dtype is not None else 8
    attrs = {"kind": "image", "source_format": "tiff-image", "bits": bits}
    size, source = None, "none"
    if pixel_size_nm is not None:
        size, source = _number(path, pixel_size_nm, "pixel_size_nm"), "argument"
    if fei:
        field = f"tag {fei_code} [Scan] PixelWidth"
        scan = fei.get("Scan", {})
        if size is None:
            if "PixelWidth" not in scan:
                raise InputError(path, "FEI metadata without a pixel size", field=field)
            size, source = _number(path, scan["PixelWidth"], field) * 1e9, f"FEI tag {fei_code} [Scan] PixelWidth"
        image = fei.get("Image", {})
        if "ResolutionY" in image:
            rows = int(_number(path, image["ResolutionY"], f"tag {fei_code} [Image] ResolutionY"))
            if rows < data.shape[0]:
                data = data[:rows]  # cut the data bar
        beam = fei.get("Beam", {})
        if "HV" in beam:
            try:
                attrs["high_voltage_kV"] = float(beam["HV"]) / 1000.0
            except ValueError:
                pass
        system = fei.get("System", {})
        if system.get("SystemType"):
            attrs["instrument"] = system["SystemType"]
    if size is None:
        match = _DESCRIPTION.search(description)
        if match:
            size, source = _number(path, match[1], "ImageDescription pixel_size_nm"), "ImageDescription"
    if size is None and imagej.get("unit") and xres:
        factor = {"nm": 1.0, "micron": 1000.0, "um": 1000.0, "µm": 1000.0}.get(str(imagej["unit"]).lower())
        numerator, denominator = xres if isinstance(xres, tuple) else (xres, 1)
        if factor and numerator:
            size, source = factor * denominator / numerator, "ImageJ unit + XResolution"
    ny, nx = data.shape
    if size is None:
        unit, scale = "px", 1.0
        attrs["pixel_size_nm"] = math.nan
    else:
        unit, scale = "nm", size
        attrs["pixel_size_nm"] = float(size)
    attrs["pixel_size_source"] = source
    return make_dataset(
        {"intensity": variable(("y", "x"), data.astype(float), "a.u.", "grey value")},
        {"y": variable("y", (np.arange(ny) + 0.5) * scale, unit, "y (down)"),
         "x": variable("x", (np.arange(nx) + 0.5) * scale, unit, "x")}, attrs)


def is_tiff(path, head):
    """SNIFF predicate: the TIFF/BigTIFF byte-order mark and magic number (II*\\0, MM\\0*, II+\\0, MM\\0+)."""
    return bytes(head[:4]) in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


SNIFF = {"tiff-image": is_tiff}
