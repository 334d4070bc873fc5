"""Reference AIMD-like Li trajectories at 30 degC -- generated, not molecular dynamics.

Figure S14: Li self-diffusion coefficients D = 5.6e-10 (LiBH4), 2.96e-9 (LiNBH) and 4.17e-9 cm2/s
(LiBH4/LiNBH) at 30 degC (article). The cells are the DFT structure models of data/generator/dft.py
(48, 32 and 144 atoms). At these D a Li atom moves 6 D t = 0.003-0.025 A2 in 100 ps, less than its
thermal vibration (about 0.06 A2): 6 D t passes the vibration's plateau only after 1.8 ns (LiBH4),
0.34 ns (LiNBH) and 0.24 ns (composite), and the MSD's log-log slope nears 1 some times later. So these
trajectories are far longer than an AIMD run, 40 times those crossovers (72, 14 and 10 ns), 401 frames each, the positions wrapped into the cell as a VASP XDATCAR (LiBH4, composite) or a
multi-frame extended XYZ (LiNBH) stores them.

Motion (richer than the MSD = plateau + 6 D t the analysis fits): every Li follows a Brownian path of
diffusion coefficient D (Gaussian steps per frame), plus an independent thermal vibration per frame,
N(0, 0.10 A) per axis for Li, 0.06 A for B and N and 0.12 A for H (the frames are far apart compared
with a vibration period); the framework does not diffuse. A thermostat's noise moves the whole cell's
content by a common random walk (0.02 A per frame), which an analysis must remove (centre of mass).
The Brownian steps of each model are scaled until the compendium's estimator (paper_lib.diffusion:
the MSD's diffusive window, chosen by its log-log slope, and MSD = c + 6 D t there) returns the
article's D; its standard error (the spread of the 8-28 Li atoms) shows how loosely such a run fixes D.
Seeds: common.rng(file name).
"""

import numpy as np

from . import dft
from .common import reference_path, rng, write_manifest

N_FRAMES = 401
MODELS = {  # name: (file, D cm2/s, run ns, builder)
    "LiBH4": ("aimd/LiBH4_AIMD_303K.XDATCAR", 5.6e-10, 72.0),
    "LiNBH": ("aimd/LiNBH_AIMD_303K.extxyz", 2.96e-9, 14.0),
    "LiBH4/LiNBH": ("aimd/LiBH4-LiNBH_AIMD_303K.XDATCAR", 4.17e-9, 10.0),
}
VIBRATION = {"Li": 0.10, "B": 0.06, "N": 0.06, "H": 0.12}  # A per axis


def structures():
    """The three DFT models, built as data/generator/dft.py builds them (same seeds)."""
    lib, _ = dft.libh4_bulk(rng("dft/structures/LiBH4.vasp"))
    nbh = dft.linbh_bulk(rng("dft/structures/LiNBH.extxyz"))
    comp, _ = dft.libh4_linbh(rng("dft/structures/LiBH4-LiNBH.extxyz"))
    return {"LiBH4": lib, "LiNBH": nbh, "LiBH4/LiNBH": comp}


def _positions(atoms, walk, noise, drift):
    """Cartesian positions (frames, atoms, 3), Å: the sites, the Li walks, vibration and the cell's drift."""
    li = np.array(atoms.get_chemical_symbols()) == "Li"
    positions = np.repeat(atoms.positions[None, :, :], walk.shape[0], axis=0)
    positions[:, li, :] += walk
    return positions + noise + drift


def _as_dataset(atoms, positions, frame_fs):
    import xarray as xr

    return xr.Dataset({"position": (("frame", "atom", "xyz"), positions)},
                      coords={"element": ("atom", np.array(atoms.get_chemical_symbols()))},
                      attrs={"cell": np.array(atoms.cell).ravel().tolist(), "frame_interval_fs": frame_fs})


def trajectory(name, atoms, d_cm2_s, run_ns):
    """Cartesian positions (frames, atoms, 3) in Å, unwrapped, and the frame interval in fs. The Li walks
    are scaled until the compendium's estimator (paper_lib.diffusion) returns ``d_cm2_s``."""
    from paper_lib import diffusion

    g = rng(name)
    frame_fs = run_ns * 1e6 / (N_FRAMES - 1)
    symbols = np.array(atoms.get_chemical_symbols())
    li = symbols == "Li"
    steps = g.normal(0.0, 1.0, (N_FRAMES - 1, int(li.sum()), 3))
    walk = np.concatenate([np.zeros((1, int(li.sum()), 3)), np.cumsum(steps, axis=0)])
    sigma = np.array([VIBRATION[s] for s in symbols])
    noise = g.normal(0.0, 1.0, (N_FRAMES, len(atoms), 3)) * sigma[None, :, None]
    drift = np.cumsum(g.normal(0.0, 0.02, (N_FRAMES, 1, 3)), axis=0)  # thermostat drift of the cell
    scale = np.sqrt(6 * d_cm2_s * 10.0 * frame_fs)  # A per frame for the expected D
    for _ in range(12):
        found = diffusion.diffusion_coefficient(_as_dataset(atoms, _positions(atoms, scale * walk, noise, drift), frame_fs))
        if found.d is None:
            raise ValueError(f"{name}: no diffusive window; make the run longer")
        if abs(found.d.value / d_cm2_s - 1) < 1e-5:
            break
        scale *= np.sqrt(d_cm2_s / found.d.value)
    return _positions(atoms, scale * walk, noise, drift), frame_fs


def _wrapped_fractions(positions, lengths):
    """Fractional coordinates in [0, 1) of an orthorhombic cell (elementwise: no BLAS in the written digits)."""
    frac = positions / lengths[None, None, :]
    return np.round(frac - np.floor(frac), 8) % 1.0


def write_xdatcar(path, atoms, frac, title):
    """A VASP 5 XDATCAR: the cell once, then ``Direct configuration= n`` and the fractions of each frame."""
    symbols = atoms.get_chemical_symbols()
    species = list(dict.fromkeys(symbols))
    if symbols != [s for s in species for _ in range(symbols.count(s))]:
        raise ValueError("XDATCAR needs the atoms grouped by element")
    lines = [title, "           1"] + [" ".join(f"{x:12.6f}" for x in row) for row in np.array(atoms.cell)]
    lines += ["   " + "   ".join(species), "   " + "   ".join(str(symbols.count(s)) for s in species)]
    for k, frame in enumerate(frac, start=1):
        lines.append(f"Direct configuration= {k:5d}")
        lines += [f"  {a:.8f}  {b:.8f}  {c:.8f}" for a, b, c in frame]
    path.write_text("\n".join(lines) + "\n")


def write_extxyz(path, atoms, positions, frame_fs, lengths):
    """Multi-frame extended XYZ: wrapped Cartesian positions (A), the time (fs) of each frame."""
    symbols = atoms.get_chemical_symbols()
    lattice = " ".join(f"{v:.10f}" for v in np.array(atoms.cell).ravel())
    out = []
    for k, frame in enumerate(positions):
        wrapped = _wrapped_fractions(frame[None], lengths)[0] * lengths[None, :]
        out += [str(len(symbols)), f'Lattice="{lattice}" Properties=species:S:1:pos:R:3 time={k * frame_fs:.1f} '
                                   f'pbc="T T T"']
        out += [f"{s:2s} {x:14.8f} {y:14.8f} {z:14.8f}" for s, (x, y, z) in zip(symbols, wrapped)]
    path.write_text("\n".join(out) + "\n")


def generate():
    """Write the trajectories and data/manifests/aimd.yaml; return the written paths."""
    files, measurements = [], []
    for sample, atoms in structures().items():
        name, d, run_ns = MODELS[sample]
        cell = np.array(atoms.cell)
        if np.any(np.abs(cell - np.diag(np.diag(cell))) > 1e-9):
            raise ValueError(f"{sample}: the writers need an orthorhombic cell")
        lengths = np.diag(cell)
        if name.endswith(".XDATCAR"):  # a POSCAR-like file lists the atoms grouped by element
            symbols = atoms.get_chemical_symbols()
            order = list(dict.fromkeys(symbols))
            atoms = atoms[np.argsort([order.index(x) for x in symbols], kind="stable")]
        positions, frame_fs = trajectory(name, atoms, d, run_ns)
        path = reference_path(name)
        if name.endswith(".XDATCAR"):
            write_xdatcar(path, atoms, _wrapped_fractions(positions, lengths), f"{sample} AIMD-like 303 K (generated)")
            fmt = "xdatcar"
        else:
            write_extxyz(path, atoms, positions, frame_fs, lengths)
            fmt = "trajectory-extxyz"
        files.append(path)
        measurements.append({"id": f"aimd-{sample.replace('/', '-')}", "kind": "trajectory", "sample": sample,
                             "file": name, "format": fmt,
                             "conditions": {"temperature_C": 30, "frame_interval_fs": round(frame_fs, 6),
                                            "generated": "AIMD-like model, not molecular dynamics"}})
    write_manifest("aimd", "Li trajectories at 30 degC (reference data: generated, not AIMD)", measurements)
    return files
