"""Readers of structures and NEB bands, on files written by hand in the real formats."""

from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import read_file, sniff
from paper_lib.readers.structures import read_neb, read_neb_images, read_structure

DATA = Path(__file__).parent / "data" / "dft"


def test_extxyz_band_is_read_with_mic_reaction_coordinate():
    ds = read_neb(DATA / "band.extxyz")
    assert ds.attrs["kind"] == "neb" and ds.attrs["n_images"] == 4
    np.testing.assert_allclose(ds["energy"], [-190.1, -190.05, -190.02, -190.09])
    np.testing.assert_allclose(ds["relative_energy"], [0.0, 0.05, 0.08, 0.01], atol=1e-12)
    # Li goes 5.5 -> 0.0 -> 0.5 -> 1.0 in a 6 Å cell: 0.5 Å steps only with the minimum image
    np.testing.assert_allclose(ds["reaction_coordinate"], [0.0, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(ds["tangent_force"], [0.0, -0.1, 0.0, 0.18], atol=1e-12)
    assert ds["reaction_coordinate"].attrs["units"] == "Å" and ds["tangent_force"].attrs["units"] == "eV/Å"
    assert ds.attrs["hop_element"] == "Li"


def test_read_neb_images_keeps_energies_and_forces():
    images = read_neb_images(DATA / "band.extxyz")
    assert len(images) == 4 and images[2].get_potential_energy() == pytest.approx(-190.02)
    assert images[3].get_forces()[0, 0] == pytest.approx(0.18)


def test_poscar_vasp5():
    atoms = read_structure(DATA / "POSCAR_LiBH4")
    assert atoms.get_chemical_symbols() == ["Li", "B", "H", "H", "H", "H"]
    np.testing.assert_allclose(atoms.cell.lengths(), [7.17858, 4.43686, 6.80321])
    np.testing.assert_allclose(atoms.positions[0], [0.1602 * 7.17858, 0.25 * 4.43686, 0.1116 * 6.80321])
    assert sniff(DATA / "POSCAR_LiBH4") == "vasp"
    assert len(read_file(DATA / "POSCAR_LiBH4")) == 6


def test_vasp_neb_folder_with_neb_dat():
    ds = read_neb(DATA / "vasp_neb")
    np.testing.assert_allclose(ds["reaction_coordinate"], [0.0, 0.3, 0.6, 0.9], atol=1e-12)
    np.testing.assert_allclose(ds["relative_energy"], [0.0, 0.061, 0.068, 0.004])
    np.testing.assert_allclose(ds["tangent_force"], [0.0, -0.27, 0.21, 0.0])
    assert "relative" in ds.attrs["energy_reference"]


OUTCAR = """ vasp.6.3.2 18Feb22 (build Mar 08 2022) complex
 POTCAR:    PAW_PBE Li_sv 10Sep2004
 POTCAR:    PAW_PBE N 08Apr2002
 POTCAR:    PAW_PBE Li_sv 10Sep2004
 POTCAR:    PAW_PBE N 08Apr2002
   ISPIN  =      1    spin polarized calculation?
   ions per type =               1   1
--------------------------------------- Iteration      1(   1)  ---------------------------------------
      direct lattice vectors                 reciprocal lattice vectors
     6.000000000  0.000000000  0.000000000     0.166666667  0.000000000  0.000000000
     0.000000000  6.000000000  0.000000000     0.000000000  0.166666667  0.000000000
     0.000000000  0.000000000  6.000000000     0.000000000  0.000000000  0.166666667

 POSITION                                       TOTAL-FORCE (eV/Angst)
 -----------------------------------------------------------------------------------
      {x:.5f}      1.00000      1.00000        {f:.6f}      0.000000      0.000000
      5.40000      3.00000      3.00000         0.000000      0.000000      0.000000
 -----------------------------------------------------------------------------------

  FREE ENERGIE OF THE ION-ELECTRON SYSTEM (eV)
  ---------------------------------------------------
  free  energy   TOTEN  =      {e:.8f} eV

  energy  without entropy=     {e:.8f}  energy(sigma->0) =     {e:.8f}
"""


def test_vasp_neb_folder_with_outcars(tmp_path):
    """Image folders with POSCAR and an OUTCAR excerpt in the real layout (the lines ase parses)."""
    energies, forces = [-190.10, -190.04, -190.09], [0.0, 0.05, 0.2]
    for k, (e, f) in enumerate(zip(energies, forces)):
        folder = tmp_path / f"{k:02d}"
        folder.mkdir()
        (folder / "POSCAR").write_text((DATA / "vasp_neb" / f"{k:02d}" / "POSCAR").read_text())
        x = (0.45 + 0.05 * k) * 6.0
        (folder / "OUTCAR").write_text(OUTCAR.format(x=x, f=f, e=e))
    ds = read_neb(tmp_path)
    np.testing.assert_allclose(ds["energy"], energies)
    np.testing.assert_allclose(ds["tangent_force"], forces, atol=1e-12)
    assert "OUTCAR" in ds.attrs["energy_reference"]


def _frame(energy="energy=-190.1 ", n=2, x=0.0):
    lines = [str(n), f'Lattice="6.0 0.0 0.0 0.0 6.0 0.0 0.0 0.0 6.0" Properties=species:S:1:pos:R:3 {energy}pbc="T T T"']
    lines += [f"Li {x:.3f} 0.0 0.0", "N 3.0 0.0 0.0", "H 3.0 1.0 0.0"][:n]
    return "\n".join(lines) + "\n"


def test_missing_energy_names_file_and_line(tmp_path):
    path = tmp_path / "band.extxyz"
    path.write_text(_frame(x=0.0) + _frame(energy="", x=0.3) + _frame(x=0.6))
    with pytest.raises(InputError, match=r"band\.extxyz, line 6: frame 1 \(image 1\) has no energy"):
        read_neb(path)


def test_too_few_images(tmp_path):
    path = tmp_path / "two.extxyz"
    path.write_text(_frame(x=0.0) + _frame(x=0.3))
    with pytest.raises(InputError, match=r"two\.extxyz: expected at least 3 images"):
        read_neb(path)


def test_inconsistent_atom_counts(tmp_path):
    path = tmp_path / "counts.extxyz"
    path.write_text(_frame(x=0.0) + _frame(n=3, x=0.3) + _frame(x=0.6))
    with pytest.raises(InputError, match=r"counts\.extxyz, field 'image 1': image 1 has 3 atoms"):
        read_neb(path)


def test_unreadable_files(tmp_path):
    bad = tmp_path / "garbage.extxyz"
    bad.write_text("this is not\nan xyz file\n")
    with pytest.raises(InputError, match=r"garbage\.extxyz, line 1"):
        read_neb(bad)
    truncated = tmp_path / "short.extxyz"
    truncated.write_text(_frame(x=0.0) + "5\ncomment\nLi 0 0 0\n")
    with pytest.raises(InputError, match=r"short\.extxyz, line 5: frame announces 5 atoms"):
        read_neb(truncated)
    poscar = tmp_path / "POSCAR"
    poscar.write_text("not a poscar\n1.0\nx y z\n")
    with pytest.raises(InputError, match="POSCAR: expected a VASP 5"):
        read_structure(poscar)
    with pytest.raises(InputError, match="missing.extxyz"):
        read_neb(tmp_path / "missing.extxyz")


def test_vasp_folder_without_energies(tmp_path):
    for k in range(3):
        (tmp_path / f"{k:02d}").mkdir()
        (tmp_path / f"{k:02d}" / "POSCAR").write_text((DATA / "vasp_neb" / f"{k:02d}" / "POSCAR").read_text())
    with pytest.raises(InputError, match="00: no OUTCAR"):
        read_neb(tmp_path)
    (tmp_path / "neb.dat").write_text("0 0.0 0.0 0.0 0\n1 0.3 0.05 x 1\n2 0.6 0.0 0.0 2\n")
    with pytest.raises(InputError, match=r"neb\.dat, line 2"):
        read_neb(tmp_path)


def test_trajectories_read_from_xdatcar_and_extended_xyz(tmp_path):
    """The generator's VASP XDATCAR and multi-frame extended XYZ layouts, into the trajectory Dataset."""
    import sys

    import ase

    sys.path.insert(0, str(Path(__file__).parents[1] / "data"))
    from generator.aimd import write_extxyz, write_xdatcar

    from paper_lib.readers import read_file

    atoms = ase.Atoms("Li2B2", positions=[[0.5, 0.5, 0.5], [2.0, 2.0, 2.0], [1.0, 3.0, 1.0], [3.5, 0.2, 3.9]],
                      cell=np.diag([4.0, 4.0, 4.0]), pbc=True)
    frames = np.stack([atoms.positions, atoms.positions + [3.8, 0.0, 0.0]])  # the first Li leaves the cell
    lengths = np.array([4.0, 4.0, 4.0])
    write_xdatcar(tmp_path / "XDATCAR", atoms, (frames / lengths) % 1.0, "test")
    write_extxyz(tmp_path / "traj.extxyz", atoms, frames, 2.0, lengths)
    for name, fmt in (("XDATCAR", "xdatcar"), ("traj.extxyz", "trajectory-extxyz")):
        ds = read_file(tmp_path / name, kind="trajectory")
        assert ds.attrs["format"] == fmt and ds.position.attrs["units"] == "Å"
        assert ds.sizes == {"frame": 2, "atom": 4, "xyz": 3}
        assert list(ds.element.values) == ["Li", "Li", "B", "B"]
        assert np.allclose(ds.position.values[1, 0], [0.3, 0.5, 0.5], atol=1e-6), "stored wrapped"
        assert np.allclose(np.asarray(ds.attrs["cell"]).reshape(3, 3), np.diag(lengths))
    assert np.allclose(read_file(tmp_path / "traj.extxyz", kind="trajectory").time.values, [0.0, 2.0])


def test_a_single_frame_is_not_a_trajectory(tmp_path):
    from paper_lib.errors import InputError
    from paper_lib.readers import read_file

    (tmp_path / "one.extxyz").write_text("1\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3\nLi 0 0 0\n")
    with pytest.raises(InputError, match="one.extxyz: expected a trajectory of several frames"):
        read_file(tmp_path / "one.extxyz", kind="trajectory")
