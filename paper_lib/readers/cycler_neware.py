"""Neware BTS cycler files: ``.ndax`` (BTS 8 and later) and ``.nda``, read with NewareNDA.

NewareNDA returns one row per record with the step counter (``Step``), the step time (``Time``,
s, restarting at every step), ``Voltage`` (V), ``Current(mA)`` and the wall-clock ``Timestamp``.
The test time is the timestamp since the first record (so that pauses count), or the sum of step
times when timestamps are missing; the charge is integrated from the current.
"""

from pathlib import Path

import numpy as np

from .. import cycler
from ..errors import InputError

NEEDED = ("Step", "Time", "Voltage", "Current(mA)")


def read_ndax(path):
    """Read a Neware ``.ndax``/``.nda`` file into the canonical cycler Dataset (s, V, mA, mAh)."""
    import NewareNDA

    path = Path(path)
    try:
        frame = NewareNDA.read(str(path))
    except Exception as exc:  # NewareNDA raises bare Exceptions, zip and struct errors on bad files
        raise InputError(path, f"expected a Neware .ndax/.nda file that NewareNDA can read ({exc})") from None
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing or frame.empty:
        raise InputError(path, f"expected records with columns {list(NEEDED)}; missing {missing or 'all rows'}")
    return cycler.dataset(_test_time(frame), frame["Voltage"].to_numpy(float), frame["Current(mA)"].to_numpy(float),
                          step=frame["Step"].to_numpy(int),
                          attrs={"format": "neware-ndax", "instrument_software": "Neware BTS",
                                 "file_cycles": int(frame["Cycle"].max()) if "Cycle" in frame else 0})


def _test_time(frame):
    """Seconds since the first record."""
    if "Timestamp" in frame and frame["Timestamp"].notna().all():
        stamps = frame["Timestamp"]
        seconds = (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy(float)
        if np.all(np.diff(seconds) >= 0):
            return seconds
    step_time = frame["Time"].to_numpy(float)
    new_step = np.r_[True, frame["Step"].to_numpy()[1:] != frame["Step"].to_numpy()[:-1]]
    offset = np.cumsum(np.where(new_step, np.r_[0.0, step_time[:-1]], 0.0))
    return step_time + offset
