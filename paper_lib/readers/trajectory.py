"""Readers of molecular-dynamics trajectories: VASP XDATCAR and multi-frame extended XYZ (with ase).

Canonical trajectory Dataset: ``position`` (frame, atom, xyz) in Å as the file stores it (wrapped into
the cell or not), the coordinate ``element`` on ``atom``, the cell (Å, 3×3, rows a, b, c) in
``attrs["cell"]``; ``time`` (fs) on ``frame`` when the frames carry it (extended XYZ ``time=``), else the
analysis takes the frame interval from the manifest (``frame_interval_fs``). The cell must not change.
"""

from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import InputError


def _dataset(path, frames, fmt):
    if len(frames) < 2:
        raise InputError(path, f"expected a trajectory of several frames, got {len(frames)}")
    cell = np.array(frames[0].cell)
    for k, atoms in enumerate(frames):
        if len(atoms) != len(frames[0]):
            raise InputError(path, f"frame {k + 1} has {len(atoms)} atoms, frame 1 {len(frames[0])}")
        if not np.allclose(np.array(atoms.cell), cell, atol=1e-6):
            raise InputError(path, f"frame {k + 1} has another cell (a variable cell is not supported)")
    positions = np.stack([atoms.positions for atoms in frames])
    coords = {"frame": ("frame", np.arange(len(frames)), {"units": "1", "long_name": "frame"}),
              "atom": ("atom", np.arange(len(frames[0])), {"units": "1", "long_name": "atom index"}),
              "element": ("atom", np.array(frames[0].get_chemical_symbols()), {"units": "1", "long_name": "element"}),
              "xyz": ("xyz", np.array(["x", "y", "z"]), {"units": "1", "long_name": "Cartesian axis"})}
    times = [atoms.info.get("time") for atoms in frames]
    if all(t is not None for t in times):
        coords["time"] = ("frame", np.asarray(times, float), {"units": "fs", "long_name": "time"})
    return xr.Dataset({"position": (("frame", "atom", "xyz"), positions, {"units": "Å", "long_name": "position"})},
                      coords=coords, attrs={"format": fmt, "cell": cell.ravel().tolist(), "cell_units": "Å"})


def read_xdatcar(path):
    """Read a VASP XDATCAR (VASP 5, one cell) into the canonical trajectory Dataset."""
    import ase.io

    path = Path(path)
    try:
        frames = ase.io.read(path, index=":", format="vasp-xdatcar")
    except Exception as exc:  # ase raises assorted errors on bad files
        raise InputError(path, f"expected a VASP XDATCAR that ase can read ({exc})") from None
    return _dataset(path, frames, "xdatcar")


def read_extxyz(path):
    """Read a multi-frame extended XYZ trajectory into the canonical trajectory Dataset."""
    import ase.io

    from .structures import _scan_extxyz

    path = Path(path)
    _scan_extxyz(path)  # frame counts checked against the file first: ase trusts them
    try:
        frames = ase.io.read(path, index=":", format="extxyz")
    except Exception as exc:
        raise InputError(path, f"expected an extended XYZ trajectory that ase can read ({exc})") from None
    return _dataset(path, frames, "trajectory-extxyz")
