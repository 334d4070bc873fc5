"""Gatan DigitalMicrograph files, DM3 and DM4 (format ``gatan-dm``), read with RosettaSciIO.

A DM file starts with a big-endian 32-bit version (3 or 4), the length of the root tag group
(32-bit in DM3, 64-bit in DM4), a byte-order flag (0 or 1) and the root group's "sorted" and "open"
bytes (0 or 1). The image data and their calibration (``ImageData.Calibrations.Dimension``: per axis
``Origin`` in channels, ``Scale`` and ``Units``) sit in the tag tree; :mod:`rsciio.digitalmicrograph`
parses it and gives each axis ``offset = -Origin * Scale`` and ``scale``.

The project accepts two kinds of content:

* a **2-D image** (HRTEM, STEM) -> the image schema of :func:`paper_lib.readers.images.read_tiff`:
  dimensions ``y``, ``x`` (pixel centres, ``(i + 0.5) * pixel size`` in nm, ``y`` downwards),
  ``intensity`` (grey value as stored, float; RGB averaged), attrs ``kind="image"``,
  ``pixel_size_nm`` (the calibration converted from pm/Å/nm/µm/mm/m), ``pixel_size_source``,
  ``bits``, and from ``Microscope Info`` ``instrument``, ``high_voltage_kV``, ``magnification``.
  The calibration's origin (the field's position) goes to ``x_offset_nm``/``y_offset_nm``. An
  uncalibrated image (no units) gives ``pixel_size_nm`` = nan and coordinates in px, as for TIFF.
* a **1-D EELS spectrum** -> the schema of :func:`paper_lib.readers.eels.read_msa`: dimension
  ``energy_loss`` (eV, ascending, ``offset + i * scale`` as calibrated in the file), ``intensity``
  (counts as stored), attrs ``kind="eels"``, ``signal_type="EELS"``, ``dispersion_eV``, ``offset_eV``
  and, when the file states them, ``beam_energy_kV``, ``convergence_mrad``, ``collection_mrad``.

Spectrum images, image stacks, diffraction patterns or FFTs (reciprocal units), complex data and
EDS/CL spectra raise :class:`InputError` saying what is accepted.
"""

import math
import struct
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..schema import make_dataset, variable

_TO_NM = {"pm": 1e-3, "a": 0.1, "å": 0.1, "angstrom": 0.1, "nm": 1.0, "µm": 1e3, "μm": 1e3, "um": 1e3,
          "micron": 1e3, "mm": 1e6, "m": 1e9}
_TO_EV = {"ev": 1.0, "kev": 1e3}
_ACCEPTS = "a 2-D image (y, x) or a 1-D EELS spectrum"


def _header(head):
    """(version, root length, header size) of a DM3/DM4 file head, or None if it is not one."""
    if len(head) < 18:
        return None
    version = struct.unpack(">i", head[:4])[0]
    if version == 3:
        root, order = struct.unpack(">ii", head[4:12])
        flags, size = head[12:14], 16
    elif version == 4 and len(head) >= 26:
        root, order = struct.unpack(">qi", head[4:16])
        flags, size = head[16:18], 24
    else:
        return None
    if order not in (0, 1) or any(b not in (0, 1) for b in flags) or root <= 0:
        return None
    return version, root, size


def is_dm(path, head):
    """SNIFF predicate: the DM3/DM4 header (version 3 or 4, byte-order and group flags 0 or 1)."""
    try:
        return _header(head) is not None
    except Exception:
        return False


SNIFF = {"gatan-dm": is_dm}


def _parse(path):
    """The list of signal dicts RosettaSciIO returns, after checking magic and declared length."""
    if not path.is_file():
        raise InputError(path, "DM3/DM4 file does not exist")
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(32)
    if not head:
        raise InputError(path, "empty file: expected a Gatan DM3/DM4 file")
    info = _header(head)
    if info is None:
        raise InputError(path, f"expected a DM3/DM4 header (big-endian version 3 or 4), got bytes {head[:8].hex()}",
                         field="header version")
    version, root, header_size = info
    if root + header_size > size + 8:  # small slack: some writers pad after the root group
        raise InputError(path, f"truncated file: the DM{version} header declares {root + header_size} bytes, "
                               f"the file has {size}", field="header root length")
    from rsciio.digitalmicrograph import file_reader

    try:
        return file_reader(str(path), lazy=False)
    except Exception as exc:  # rsciio raises IOError, struct.error, ValueError, ... on corrupt tag trees
        raise InputError(path, f"rsciio.digitalmicrograph could not read the DM{version} tag tree "
                               f"({type(exc).__name__}: {exc})") from None


def _image_tags(signal):
    try:
        return signal["original_metadata"]["ImageList"]["TagGroup0"]["ImageTags"] or {}
    except (KeyError, TypeError):
        return {}


def _positive(path, value, field):
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise InputError(path, f"expected a positive calibration scale, got {value}", field=field)
    return value


def read_dm(path):
    """Read a DM3/DM4 file holding one 2-D image or one 1-D EELS spectrum (see module docstring).

    Raises :class:`InputError` naming the file and the field for a wrong magic number, a truncated
    file, a tag tree RosettaSciIO cannot parse, several signals or more than two dimensions, or a
    calibration that is not a real-space length (image) or an energy (spectrum).
    """
    path = Path(path)
    signals = _parse(path)
    if len(signals) != 1:
        raise InputError(path, f"expected one signal ({_ACCEPTS}), found {len(signals)}", field="ImageList")
    signal = signals[0]
    data = np.asarray(signal["data"])
    if data.dtype.names:  # RGB(A) stored as a record array
        data = np.mean([data[c].astype(float) for c in ("R", "G", "B")], axis=0)
    if np.iscomplexobj(data):
        raise InputError(path, f"expected real data ({_ACCEPTS}), got complex values (an FFT?)",
                         field="ImageData.DataType")
    axes = signal["axes"]
    if data.ndim == 2 and len(axes) == 2:
        return _image(path, signal, data, axes)
    if data.ndim == 1 and len(axes) == 1:
        return _spectrum(path, signal, data, axes[0])
    raise InputError(path, f"expected {_ACCEPTS}, got an array of shape {data.shape} (a spectrum image or "
                           "stack: export single images or spectra from DigitalMicrograph)",
                     field="ImageData.Dimensions")


def _microscope(tags, attrs):
    info = tags.get("Microscope Info") or {}
    if info.get("Name"):
        attrs["instrument"] = str(info["Name"])
    if isinstance(info.get("Voltage"), (int, float)) and info["Voltage"] > 0:
        attrs["high_voltage_kV"] = float(info["Voltage"]) / 1000.0
    if isinstance(info.get("Indicated Magnification"), (int, float)) and info["Indicated Magnification"] > 0:
        attrs["magnification"] = float(info["Indicated Magnification"])


def _image(path, signal, data, axes):
    """The image schema of :func:`read_tiff` from a calibrated (or uncalibrated) 2-D DM image."""
    units = [str(ax.get("units") or "").strip() for ax in axes]
    attrs = {"kind": "image", "source_format": "gatan-dm", "bits": int(data.dtype.itemsize * 8),
             "title": str(signal["metadata"].get("General", {}).get("title", ""))}
    _microscope(_image_tags(signal), attrs)
    ny, nx = data.shape
    if not any(units) or all(u in ("", "px", "pixel", "pixels") for u in units):
        size, unit, attrs["pixel_size_nm"], attrs["pixel_size_source"] = 1.0, "px", math.nan, "none"
    else:
        factors = [_TO_NM.get(u.lower()) for u in units]
        if None in factors:
            raise InputError(path, f"expected a real-space calibration (pm, Å, nm, µm, mm, m), got units {units} "
                                   "(a diffraction pattern or FFT is not an image here)",
                             field="ImageData.Calibrations.Dimension Units")
        sizes = [_positive(path, ax["scale"], f"ImageData.Calibrations.Dimension.TagGroup{i} Scale") * f
                 for i, (ax, f) in enumerate(zip(axes[::-1], factors[::-1]))]
        if not math.isclose(sizes[0], sizes[1], rel_tol=1e-6):
            raise InputError(path, f"expected square pixels, got x {sizes[0]:g} nm and y {sizes[1]:g} nm",
                             field="ImageData.Calibrations.Dimension Scale")
        size, unit = sizes[0], "nm"
        attrs["pixel_size_nm"] = float(size)
        attrs["pixel_size_source"] = "DM ImageData.Calibrations.Dimension"
        attrs["y_offset_nm"] = float(axes[0].get("offset", 0.0)) * factors[0] + 0.0
        attrs["x_offset_nm"] = float(axes[1].get("offset", 0.0)) * factors[1] + 0.0
    return make_dataset(
        {"intensity": variable(("y", "x"), data.astype(float), "a.u.", "grey value")},
        {"y": variable("y", (np.arange(ny) + 0.5) * size, unit, "y (down)"),
         "x": variable("x", (np.arange(nx) + 0.5) * size, unit, "x")}, attrs)


def _spectrum(path, signal, data, axis):
    """The EELS schema of :func:`read_msa` from a calibrated 1-D DM spectrum."""
    signal_type = str(signal["metadata"].get("Signal", {}).get("signal_type", ""))
    if signal_type in ("EDS_TEM", "EDS_SEM", "CL"):
        raise InputError(path, f"expected an EELS spectrum, got signal type {signal_type!r}",
                         field="ImageTags.Meta Data.Signal")
    unit = str(axis.get("units") or "").strip()
    factor = _TO_EV.get(unit.lower())
    if factor is None:
        raise InputError(path, f"expected an energy-loss axis in eV, got units {unit!r}",
                         field="ImageData.Calibrations.Dimension.TagGroup0 Units")
    dispersion = _positive(path, axis["scale"], "ImageData.Calibrations.Dimension.TagGroup0 Scale") * factor
    offset = float(axis.get("offset", 0.0)) * factor
    energy = offset + dispersion * np.arange(data.size)
    attrs = {"kind": "eels", "source_format": "gatan-dm", "signal_type": signal_type or "EELS",
             "dispersion_eV": dispersion, "offset_eV": offset,
             "title": str(signal["metadata"].get("General", {}).get("title", ""))}
    tags = _image_tags(signal)
    _microscope(tags, attrs)
    if "high_voltage_kV" in attrs:
        attrs["beam_energy_kV"] = attrs.pop("high_voltage_kV")
    attrs.pop("magnification", None)
    conditions = (tags.get("EELS") or {}).get("Experimental Conditions") or {}
    for key, name in (("Convergence semi-angle (mrad)", "convergence_mrad"),
                      ("Collection semi-angle (mrad)", "collection_mrad")):
        if isinstance(conditions.get(key), (int, float)) and conditions[key] > 0:  # 0 = not set
            attrs[name] = float(conditions[key])
    return make_dataset({"intensity": variable("energy_loss", data.astype(float), "counts", "intensity")},
                        {"energy_loss": variable("energy_loss", energy, "eV", "energy loss")}, attrs)
