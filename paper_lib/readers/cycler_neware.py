"""Neware BTS cycler files: ``.ndax`` (BTS 8 and later) and ``.nda``, read with NewareNDA.

NewareNDA returns one row per record with the step counter (``Step``), the step time (``Time``,
s, restarting at every step), ``Voltage`` (V), ``Current(mA)``, the step's charge and discharge
capacities (mAh) and the wall-clock ``Timestamp``. The test time is taken from the step times
(:func:`_test_time`); the charge is the
cycler's capacity counters, charge less discharge, made continuous over the steps
(:func:`paper_lib.cycler.stitch_counter`); analyses integrate the current themselves and use it as a
check.
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
    _check_container(path)
    try:
        frame = NewareNDA.read(str(path))
    except Exception as exc:  # NewareNDA raises bare Exceptions, zip and struct errors on bad files
        raise InputError(path, f"expected a Neware .ndax/.nda file that NewareNDA can read ({exc})") from None
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing or frame.empty:
        raise InputError(path, f"expected records with columns {list(NEEDED)}; missing {missing or 'all rows'}")
    t, i = _test_time(frame), frame["Current(mA)"].to_numpy(float)
    charge = None
    if {"Charge_Capacity(mAh)", "Discharge_Capacity(mAh)"} <= set(frame.columns):
        counted = np.abs(frame["Charge_Capacity(mAh)"].to_numpy(float)) - np.abs(frame["Discharge_Capacity(mAh)"].to_numpy(float))
        if np.isfinite(counted).all():
            charge = cycler.stitch_counter(t, i, counted)
    return cycler.dataset(t, frame["Voltage"].to_numpy(float), i, step=frame["Step"].to_numpy(int), charge_mAh=charge,
                          attrs={"format": "neware-ndax", "instrument_software": "Neware BTS",
                                 "file_cycles": int(frame["Cycle"].max()) if "Cycle" in frame else 0})


def _check_container(path):
    """A file; for ``.ndax`` a readable zip whose declared unpacked size is bounded (NewareNDA
    unpacks its members into a temporary folder)."""
    import zipfile

    from .afm import ZIP_ERRORS, unzipped_size_ok

    if not path.is_file():
        raise InputError(path, "not a file: expected a Neware .ndax/.nda file")
    if path.suffix.lower() != ".ndax":
        return
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise InputError(path, f"not a readable zip archive ({exc}): expected a Neware .ndax file") from None
    unzipped_size_ok(path, infos)


def _test_time(frame):
    """Seconds since the first record: the file's ``Time`` when it runs on over the whole test (older
    .nda files), else the step times summed over the steps. Wall-clock timestamps are not used: clocks
    get adjusted (a real file in the tests steps back 165 s mid-test), and a pause inside a step would
    put charge into an interval in which none flowed."""
    step_time = frame["Time"].to_numpy(float)
    new_step = np.r_[True, frame["Step"].to_numpy()[1:] != frame["Step"].to_numpy()[:-1]]
    if np.all(np.diff(step_time) >= 0):
        return step_time - step_time[0]
    offset = np.cumsum(np.where(new_step, np.r_[0.0, step_time[:-1]], 0.0))
    return step_time + offset - step_time[0]
