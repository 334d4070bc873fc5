"""Zahner Thales/Zennium ``.ism`` impedance spectra (binary, big-endian).

Layout (as Zahner's own MIT-licensed ``zahner_analysis.file_import.ism_import`` reads it): a 6-byte
signed version, a 6-byte count n - 1, then n float64 frequencies (Hz), n float64 moduli |Z| (ohm),
n float64 phases of Z (rad, negative for a capacitive arc), n float64 time stamps, n int16
significances, then the date string. The file stores modulus and phase of Z
(``file_sign_convention = "phase(Z)"``); Z = |Z| exp(j phase). As Zahner's reader does, only the
points from the lowest to the highest frequency are returned (the overlap measured at the start of
a sweep is left out).
"""

from pathlib import Path

import numpy as np

from ..errors import InputError
from ._eis_common import eis_dataset, read_bytes

_HEAD = 12
_BYTES_PER_POINT = 4 * 8 + 2


def read_ism(path):
    """Read a Zahner ``.ism`` file into the canonical EIS Dataset (Hz, ohm)."""
    path = Path(path)
    raw = read_bytes(path)
    if len(raw) < _HEAD:
        raise InputError(path, f"expected at least {_HEAD} bytes (a Zahner .ism header), got {len(raw)}")
    version = int.from_bytes(raw[0:6], "big", signed=True)
    n = int.from_bytes(raw[6:12], "big", signed=True) + 1
    if n < 1 or _HEAD + n * _BYTES_PER_POINT > len(raw):
        raise InputError(path, f"header declares {n} points but the file holds {len(raw)} bytes "
                               f"(needs {_HEAD + max(n, 0) * _BYTES_PER_POINT}; truncated or not an .ism file?)",
                         field="number of points")
    f, modulus, phase = (np.frombuffer(raw, ">f8", n, _HEAD + 8 * n * i).astype(float) for i in range(3))
    lo, hi = sorted((int(np.argmin(f)), int(np.argmax(f))))
    f, modulus, phase = f[lo:hi + 1], modulus[lo:hi + 1], phase[lo:hi + 1]
    z = modulus * np.exp(1j * phase)
    return eis_dataset(path, f, z.real, z.imag, "zahner-ism", None, instrument_software="Zahner Thales",
                       file_version=version, declared_points=n, file_sign_convention="phase(Z)")


def _is_ism(path, head):
    """Sniff by structure: plausible count, a size that fits it, positive finite frequencies."""
    try:
        if len(head) < _HEAD + 8 * 3:
            return False
        n = int.from_bytes(head[6:12], "big", signed=True) + 1
        size = path.stat().st_size
        if n < 3 or not (_HEAD + n * _BYTES_PER_POINT <= size <= _HEAD + n * _BYTES_PER_POINT + 4096):
            return False
        f = np.frombuffer(head, ">f8", min(n, (len(head) - _HEAD) // 8), _HEAD)
        return bool(np.all(np.isfinite(f)) and np.all(f > 1e-6) and np.all(f < 1e9))
    except Exception:
        return False


SNIFF = {"zahner-ism": _is_ism}
