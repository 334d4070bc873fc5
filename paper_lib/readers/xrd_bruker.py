"""Bruker/Siemens DIFFRAC ``.raw`` powder patterns, file versions 1 to 4.

No maintained Python library reads these files (xylib's Python bindings need a C++ build), so
this small parser follows the layout that xylib documents in ``xylib/bruker_raw.cpp``
(github.com/wojdyr/xylib, LGPL-2.1, itself based on Bruker's "DIFFRAC-AT Raw Data File Format"
and "DIFFRAC^plus XCH V.5.0, Appendix A"). All numbers are little-endian.

============  ==========  ==============================================================
magic         version     layout read here
============  ==========  ==============================================================
``RAW ``      1           per range: steps (u32), time/step (f32), step (f32), start 2θ (f32
                          at 24), Kα1/Kα2 (f32 at 72/76), next-range flag (u32 at 152),
                          then ``steps`` f32 counts
``RAW2``      2           u16 range count at 4; anode (2 chars at 188), Kα1, Kα2, ratio
                          (f32 at 190..198); ranges from 256: header length (u16), steps
                          (u16), time/step, step, start (f32 at +8/+12/+16)
``RAW1.01``   3           712-byte file header: range count (u32 at 12), anode (at 608),
                          Kα average/Kα1/Kα2/Kβ/ratio (f64 at 616..648); per range a
                          304-byte header: steps (u32 at 4), start 2θ (f64 at 16), step
                          (f64 at 176), time/step (f32 at 192), supplementary size (u32 at
                          256), then ``steps`` f32 counts
``RAW4.00``   4           61-byte header, then tagged segments (type 30: Kα1/Kα2/ratio at
                          +80/+88/+104, anode at +116); each range a 160-byte header
                          (scan type at +32, start at +72, step +80, steps +88, time/step
                          +92, λ +112, datum size +136, extra header size +140); datum
                          size 4 is one f32 count per step, 8 (DIFFRAC.Commander files) a
                          pair of an f32 count and a 4-byte field that is not read
============  ==========  ==============================================================

Only the first range is returned (``attrs["n_ranges"]`` says how many there are), with
``two_theta`` in degrees (start + i·step), ``intensity`` in counts per step, and
``count_time_s`` the counting time per step in seconds.
"""

import struct
from pathlib import Path

import numpy as np

from ..errors import InputError
from .xrd import _dataset

MAGICS = {b"RAW ": 1, b"RAW2": 2, b"RAW1.01": 3, b"RAW4.00": 4}


def _version(head):
    for magic, version in MAGICS.items():
        if head.startswith(magic):
            return version
    return None


def _is_raw(path, head):
    return _version(head[:7]) is not None


SNIFF = {"bruker-raw": _is_raw}


class _Bytes:
    """Bounds-checked little-endian reads from the file's bytes; errors name the field."""

    def __init__(self, path, data):
        self.path, self.data = path, data

    def unpack(self, fmt, offset, field):
        size = struct.calcsize("<" + fmt)
        if offset < 0 or offset + size > len(self.data):
            raise InputError(self.path, f"file ends before {field} (byte {offset}; {len(self.data)} bytes): "
                                        "truncated?", field=field)
        value = struct.unpack_from("<" + fmt, self.data, offset)
        return value[0] if len(value) == 1 else value

    def text(self, offset, size, field):
        raw = self.unpack(f"{size}s", offset, field)
        return raw.split(b"\0", 1)[0].decode("latin-1").strip()

    def counts(self, offset, steps, field, datum=4):
        if steps <= 0:
            raise InputError(self.path, f"expected a positive number of steps, got {steps}", field=field)
        if datum not in (4, 8):
            raise InputError(self.path, f"expected a datum size of 4 or 8 bytes, got {datum}", field="datum size")
        end = offset + datum * steps
        if end > len(self.data):
            raise InputError(self.path, f"header declares {steps} steps ({datum * steps} bytes from byte {offset}) "
                                        f"but the file has {len(self.data)} bytes", field=field)
        records = np.frombuffer(self.data, "<f4", steps * datum // 4, offset).reshape(steps, datum // 4)
        return records[:, 0].astype(float)


def _v1(b):
    steps = b.unpack("I", 4, "range steps")
    attrs = {"count_time_s": b.unpack("f", 8, "time per step")}
    step, start = b.unpack("f", 12, "step size"), b.unpack("f", 24, "start 2theta")
    attrs["wavelength_A"], attrs["wavelength_ka2_A"] = b.unpack("2f", 72, "K_ALPHA1/K_ALPHA2")
    n_ranges = 1 + (b.unpack("I", 152, "following range") > 0)
    return start, step, b.counts(156, steps, "range steps"), attrs, n_ranges


def _v2(b):
    n_ranges = b.unpack("H", 4, "range count")
    attrs = {"anode": b.text(188, 2, "anode")}
    attrs["wavelength_A"], attrs["wavelength_ka2_A"], attrs["ka2_ka1_ratio"] = b.unpack("3f", 190, "LAMDA1/LAMDA2")
    header = b.unpack("H", 256, "range header length")
    if header <= 48:
        raise InputError(b.path, f"expected a range header longer than 48 bytes, got {header}",
                         field="range header length")
    steps = b.unpack("H", 258, "range steps")
    attrs["count_time_s"], step, start = b.unpack("3f", 264, "SEC_PER_STEP/step/start")
    return start, step, b.counts(256 + header, steps, "range steps"), attrs, n_ranges


def _v3(b):
    n_ranges = b.unpack("I", 12, "range count")
    attrs = {"anode": b.text(608, 4, "ANODE_MATERIAL")}
    average, ka1, ka2, _, ratio = b.unpack("5d", 616, "ALPHA1/ALPHA2")
    attrs.update(wavelength_A=ka1, wavelength_ka2_A=ka2, ka2_ka1_ratio=ratio, wavelength_mean_A=average)
    if b.unpack("I", 712, "range header length") != 304:
        raise InputError(b.path, "expected a 304-byte range header", field="range header length")
    steps = b.unpack("I", 716, "STEPS")
    start, step = b.unpack("d", 712 + 16, "START_2THETA"), b.unpack("d", 712 + 176, "STEP_SIZE")
    attrs["count_time_s"] = b.unpack("f", 712 + 192, "TIME_PER_STEP")
    supplementary = b.unpack("I", 712 + 256, "supplementary header size")
    return start, step, b.counts(712 + 304 + supplementary, steps, "STEPS"), attrs, n_ranges


def _v4(b):
    attrs, offset = {}, 61
    while True:
        kind = b.unpack("I", offset, "segment type")
        if kind in (0, 160):
            break
        length = b.unpack("I", offset + 4, "segment length")
        if length < 8:
            raise InputError(b.path, f"expected a segment length >= 8 at byte {offset}, got {length}",
                             field="segment length")
        if kind == 30:
            ka1, ka2, _, ratio = b.unpack("2d", offset + 80, "ALPHA1/ALPHA2") + b.unpack("2d", offset + 96, "ALPHA_RATIO")
            attrs.update(wavelength_A=ka1, wavelength_ka2_A=ka2, ka2_ka1_ratio=ratio,
                         anode=b.text(offset + 116, 4, "ANODE_MATERIAL"))
        offset += length
    scan_type = b.text(offset + 32, 24, "SCAN_TYPE")
    start, step = b.unpack("2d", offset + 72, "START_ANGLE/STEP_SIZE")
    steps = b.unpack("I", offset + 88, "STEPS")
    attrs["count_time_s"] = b.unpack("f", offset + 92, "TIME_PER_STEP")
    attrs["used_wavelength_A"] = b.unpack("d", offset + 112, "USED_LAMBDA")
    datum, extra = b.unpack("2I", offset + 136, "datum/header size")
    attrs["scan_type"] = scan_type
    counts = b.counts(offset + 160 + extra, steps, "STEPS", datum=datum)
    n_ranges = _v4_ranges(b, offset)
    return start, step, counts, attrs, n_ranges


def _v4_ranges(b, offset):
    count = 0
    while offset + 160 <= len(b.data) and b.unpack("I", offset, "range") in (0, 160) and count < 10000:
        steps = b.unpack("I", offset + 88, "STEPS")
        datum, extra = b.unpack("2I", offset + 136, "datum/header size")
        offset += 160 + extra + datum * steps
        count += 1
    return count


def read_raw(path):
    """Read the first range of a Bruker ``.raw`` file (v1-v4) into the XRD Dataset.

    ``two_theta`` in degrees, ``intensity`` in counts per step, ``attrs``: ``raw_version``,
    ``n_ranges``, ``count_time_s`` (s/step), ``wavelength_A`` (Kα1, Å), ``wavelength_ka2_A``,
    ``ka2_ka1_ratio`` and ``anode`` where the version stores them. Raises :class:`InputError`
    naming the file and field for a wrong magic, a truncated header, or a step count larger
    than the file holds.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    data = path.read_bytes()
    version = _version(data[:7])
    if version is None:
        raise InputError(path, f"expected a Bruker RAW magic ('RAW ', 'RAW2', 'RAW1.01', 'RAW4.00'), got "
                               f"{data[:7]!r}", field="magic")
    start, step, counts, attrs, n_ranges = (_v1, _v2, _v3, _v4)[version - 1](_Bytes(path, data))
    if not (np.isfinite(start) and np.isfinite(step) and step > 0):
        raise InputError(path, f"expected a finite start and a positive step, got {start}, {step}", field="step size")
    attrs = {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in attrs.items()
             if v not in ("", None) and not (k.startswith(("wavelength", "ka2")) and v == 0)}  # 0 = not stated
    attrs.update(source_format="bruker-raw", raw_version=version, n_ranges=int(n_ranges))
    two_theta = start + step * np.arange(counts.size)
    return _dataset(path, two_theta, counts, "counts", attrs)
