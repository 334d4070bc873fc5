"""DFT scalars (paper_lib.dft) on the reference DFT outputs (data/generator/dft_outputs.py): the files
read in their real formats (paper_lib.readers.dft_outputs, with ase) and found by name and by content
through paper_lib.readers, the analysis gives back the article's total energies (S9), Bader
charge transfers (2a, 2b), DOS shift and new-states window (S24a, S25) and dipoles (S26); analysis
functions recover known parameters from synthetic data; bad input raises InputError naming the file
and the line or field."""

import sys

import numpy as np
import pytest
import xarray as xr
from ase import Atoms

from paper_lib import dft
from paper_lib.errors import InputError
from paper_lib.paths import DATA
from paper_lib.readers import dft_outputs as rd
from paper_lib.readers.structures import read_structure
from paper_lib.schema import make_dataset, variable

sys.path.insert(0, str(DATA))
from generator import dft_outputs as gen  # noqa: E402


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dft")
    files = gen.write_all(folder)
    assert all(f.stat().st_size < 300_000 for f in files), "every file < 300 kB"
    return folder


def test_generator_is_deterministic(out, tmp_path):
    again = gen.write_all(tmp_path)
    for path in again:
        assert path.read_bytes() == (out / path.relative_to(tmp_path)).read_bytes(), path.name


def test_every_file_says_it_is_not_dft(out):
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name not in ("ACF.dat", "structure.extxyz"):
            assert "not a DFT calculation" in path.read_text()[:4000], path.name


# ---------------------------------------------------------------- S9: total energies
def test_total_energies_from_outcar_and_vasprun(out):
    for name, value in (("LiNBH-bulk", -190.50), ("LiNBH-chain", -192.04)):
        for fname in ("OUTCAR", "vasprun.xml"):
            e = dft.total_energy(rd.read_energy(out / "energies" / name / fname))
            assert e.energy == pytest.approx(value, abs=1e-8)
            assert e.formula == "H8B8Li8N8" and e.n_atoms == 32
            assert e.uncertainty_known and e.uncertainty == pytest.approx(1e-5)
    assert dft.total_energy(rd.read_energy(out / "energies/LiNBH-chain/OUTCAR")).converged is True


def test_energy_difference_per_cell_and_formula_unit(out):
    bulk = rd.read_energy(out / "energies/LiNBH-bulk/OUTCAR")
    chain = rd.read_energy(out / "energies/LiNBH-chain/vasprun.xml")
    assert bulk["energy"].attrs["units"] == "eV" and bulk.attrs["ediff"] == pytest.approx(1e-5)
    assert dft.per_formula_unit(bulk) == pytest.approx(-190.50 / 8, abs=1e-9)
    d = dft.energy_difference(bulk, chain)
    assert d.n_formula_units == 8
    assert d.difference == pytest.approx(-1.54, abs=1e-8)
    assert d.per_formula_unit == pytest.approx(-0.1925, abs=1e-9)
    assert d.uncertainty == pytest.approx(np.hypot(1e-5, 1e-5))


def test_ase_reads_outcar_and_vasprun(out):
    import ase.io

    for name in ("LiNBH-bulk", "LiNBH-chain"):
        a = ase.io.read(out / "energies" / name / "OUTCAR", format="vasp-out")
        b = ase.io.read(out / "energies" / name / "vasprun.xml", format="vasp-xml")
        assert a.get_chemical_symbols() == b.get_chemical_symbols()
        assert np.allclose(a.positions, b.positions, atol=1e-6) and np.allclose(a.cell, b.cell)
        assert np.abs(a.get_forces()).max() < 0.01
    chain = ase.io.read(out / "energies/LiNBH-chain/OUTCAR", format="vasp-out")
    model = read_structure(DATA / "reference/dft/structures/LiNBH.extxyz")
    assert sorted(chain.get_chemical_symbols()) == sorted(model.get_chemical_symbols())
    assert np.allclose(chain.cell.lengths(), model.cell.lengths(), atol=1e-8)


def test_energy_without_ediff_is_flagged_and_other_contents_refused(out, tmp_path):
    text = (out / "energies/LiNBH-bulk/OUTCAR").read_text()
    path = tmp_path / "OUTCAR"
    path.write_text("\n".join(line for line in text.splitlines() if "EDIFF" not in line) + "\n")
    e = dft.total_energy(rd.read_energy(path))
    assert not e.uncertainty_known and e.uncertainty == 0.0
    other = dft.TotalEnergy(-1.0, 0.0, False, None, "H2", 2, "x")
    with pytest.raises(ValueError, match="same atoms"):
        dft.energy_difference(e, other)
    assert dft.formula_units("Li16N16B16H16") == 16
    with pytest.raises(ValueError, match="whole number"):
        dft.formula_units("Li2N2B2H3")


def test_truncated_outcar_names_the_file(out, tmp_path):
    lines = (out / "energies/LiNBH-bulk/OUTCAR").read_text().splitlines()
    path = tmp_path / "OUTCAR"
    path.write_text("\n".join(lines[:20]) + "\n")
    with pytest.raises(InputError, match="OUTCAR: expected a complete vasp-out file"):
        rd.read_energy(path)


# ---------------------------------------------------------------- 2a, 2b: Bader charge transfer
def _transfer(folder, partner):
    acf = rd.read_acf(folder / "ACF.dat")
    atoms = read_structure(folder / "structure.extxyz")
    run = rd.read_energy(folder / "OUTCAR")
    dft.check_positions(acf, atoms)
    net = dft.net_charges(acf, atoms.get_chemical_symbols(), rd.read_zval(folder / "OUTCAR"))
    assert abs(float(net.sum())) < 1e-6, "a neutral cell"
    assert dft.valences(run) == rd.read_zval(folder / "OUTCAR")
    found = dft.charge_transfer(atoms, net, partner)
    assert dft.bader_transfer(acf, atoms, run, partner) == found
    return found


def test_bader_charge_transfer_recovers_the_article(out):
    a = _transfer(out / "bader/LiBH4-LiNBH", "LiNBH")
    b = _transfer(out / "bader/LiBH4-LiNH2BH3", "LiNH2BH3")
    assert round(a.transfer, 3) == 0.038 and a.transfer == pytest.approx(0.038, abs=1e-6)
    assert round(b.transfer, 3) == 0.005 and b.transfer == pytest.approx(0.005, abs=1e-6)
    assert a.partner_charge == pytest.approx(-a.transfer, abs=1e-6), "the partner gains what [BH4] lose"
    assert b.partner_charge == pytest.approx(-b.transfer, abs=1e-6)
    assert round(a.transfer / b.transfer, 1) == 7.6
    assert len(a.interface_units) == 4 and a.n_bulk_units == 12
    assert a.bulk_unit_charge == pytest.approx(-0.86, abs=1e-6)


def test_acf_zval_and_ase_bader_reader_agree(out):
    from ase.io.bader import attach_charges
    import ase.io

    folder = out / "bader/LiBH4-LiNBH"
    acf = rd.read_acf(folder / "ACF.dat")
    zval = rd.read_zval(folder / "OUTCAR")
    assert zval == {"Li": 3.0, "B": 3.0, "N": 5.0, "H": 1.0}
    atoms = ase.io.read(folder / "OUTCAR", format="vasp-out")
    attach_charges(atoms, str(folder / "ACF.dat"))  # ase: Z - CHARGE, positions checked to 1e-4 Å
    net = dft.net_charges(acf, atoms.get_chemical_symbols(), zval)
    core = atoms.numbers - np.array([zval[s] for s in atoms.get_chemical_symbols()])
    assert np.allclose(atoms.get_initial_charges() - core, net.values, atol=1e-9)
    assert acf.attrs["n_electrons"] == pytest.approx(float(acf.charge.sum()), abs=1e-4)
    assert float(acf.atomic_vol.sum()) == pytest.approx(atoms.get_volume(), abs=1e-3)
    assert acf.charge.attrs["units"] == "e" and acf.x.attrs["units"] == "Å"


def test_group_sums_and_transfer_on_known_charges():
    """Two [BH4] units (one near the partner), one partner atom: the sums are known by construction."""
    atoms = Atoms("BH4BH4Li", positions=[[1, 1, 1], [2.2, 1, 1], [0.6, 2.1, 1], [0.6, 0.4, 1.9], [0.6, 0.4, 0.1],
                                          [1, 1, 9], [2.2, 1, 9], [0.6, 2.1, 9], [0.6, 0.4, 9.9], [0.6, 0.4, 8.1],
                                          [1, 1, 4]], cell=[12, 12, 14], pbc=True)
    atoms.arrays["region"] = np.array(["LiBH4"] * 10 + ["X"])
    units = dft.bh4_units(atoms)
    assert [u[0] for u in units] == [0, 5]
    q = np.array([1.5, -0.6, -0.6, -0.6, -0.6, 1.5, -0.61, -0.61, -0.61, -0.61, 0.05])
    assert np.allclose(dft.group_sums(q, units), [-0.9, -0.94])
    t = dft.charge_transfer(atoms, q, "X", cutoff=5.0)
    assert t.interface_units == (0,) and t.transfer == pytest.approx(0.04) and t.partner_charge == 0.05


def test_truncated_acf_names_the_file_and_line(out, tmp_path):
    lines = (out / "bader/LiBH4-LiNBH/ACF.dat").read_text().splitlines()
    path = tmp_path / "ACF.dat"
    path.write_text("\n".join(lines[:50]) + "\n")
    with pytest.raises(InputError, match=r"ACF\.dat, line 50: the file ends inside the atom table"):
        rd.read_acf(path)
    path.write_text("\n".join(lines[:40] + [lines[40][:30]] + lines[41:]) + "\n")
    with pytest.raises(InputError, match=r"ACF\.dat, line 41: expected atom 39"):
        rd.read_acf(path)
    path.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(InputError, match="footer lacks"):
        rd.read_acf(path)


# ---------------------------------------------------------------- charge-density difference
def test_chgcar_difference_reads_and_slices(out):
    from ase.calculators.vasp import VaspChargeDensity

    path = out / "bader/LiBH4-LiNBH/CHGCAR_diff"
    rho = rd.read_chgcar(path)
    assert rho.shape == gen.GRID and rho.attrs["units"] == "e/Å^3"
    assert np.allclose(VaspChargeDensity(str(path)).chg[0], rho.values)
    assert dft.integrate_density(rho) == pytest.approx(0.0, abs=1e-6)
    # the sign-split integral is the depletion less the overlap of the lobes (a few % at 3-4 Å)
    assert dft.integrate_density(rho, "negative") == pytest.approx(-0.038, rel=0.05)
    atoms = read_structure(out / "bader/LiBH4-LiNBH/structure.extxyz")
    inter, _ = dft.interface_units(atoms, "LiNBH")
    b = atoms.get_scaled_positions(wrap=True)[inter[0][0]] * atoms.cell.lengths()
    plane = dft.density_slice(rho, "x", b[0])
    assert plane.dims == ("y", "z") and plane.attrs["units"] == "e/Å^3" and plane.y.attrs["units"] == "Å"
    assert abs(plane.attrs["plane"] - b[0]) <= rho.x.values[1] / 2 + 1e-9
    near = plane.sel(y=b[1], z=b[2], method="nearest")
    assert float(near) < 0.5 * float(plane.min()), "depletion at the interface [BH4]"
    profile = dft.planar_average(rho, "z")
    assert profile.dims == ("z",) and float(profile.max()) > 0 > float(profile.min())
    seen = dft.density_projection(rho, "x")
    assert seen.dims == ("y", "z") and float(seen.min()) == pytest.approx(float(rho.min()))
    assert float(seen.max()) == pytest.approx(float(rho.max()))
    small = dft.integrate_density(rd.read_chgcar(out / "bader/LiBH4-LiNH2BH3/CHGCAR_diff"), "negative")
    assert small == pytest.approx(-0.005, rel=0.05)


def test_truncated_chgcar_is_an_input_error(out, tmp_path):
    text = (out / "bader/LiBH4-LiNBH/CHGCAR_diff").read_text()
    path = tmp_path / "CHGCAR_diff"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(InputError, match="CHGCAR_diff"):
        rd.read_chgcar(path)


# ---------------------------------------------------------------- S24a, S25: DOS
def _bh4_pdos(out, sample):
    folder = out / "dos" / sample
    atoms = read_structure(folder / "POSCAR")
    ds = rd.read_doscar(folder / "DOSCAR", structure=atoms)
    units = dft.bh4_units(atoms)
    assert len(units) == 4
    per_unit = dft.select_pdos(ds, [k for u in units for k in u]) / len(units)
    assert np.allclose(dft.bh4_pdos(ds, atoms).values, per_unit.values)
    return ds, per_unit


def test_doscar_read_by_ase_and_by_the_reader(out):
    from ase.calculators.vasp import VaspDos

    path = out / "dos/LiBH4-70LiNBH/DOSCAR"
    ds = rd.read_doscar(path, structure=out / "dos/LiBH4-70LiNBH/POSCAR")
    vd = VaspDos(str(path))
    assert np.allclose(vd.energy - ds.attrs["efermi"], ds.energy.values)
    assert np.allclose(vd.site_dos(0, "p"), ds.pdos.sel(orbital="p").isel(atom=0).values)
    assert list(ds.orbital.values) == ["s", "p", "d"] and ds.sizes["atom"] == 36
    assert ds.attrs["step"] == pytest.approx(0.10, abs=1e-9)
    assert ds.energy.values[0] == pytest.approx(-8.1) and ds.energy.values[-1] == pytest.approx(0.9)
    per_element = dft.element_pdos(ds)
    assert sorted(per_element.element.values) == ["B", "H", "Li", "N"]
    assert np.allclose(per_element.sum("element").values, ds.pdos.sum(["atom", "orbital"]).values)


def test_valence_band_holds_eight_electrons_per_bh4(out):
    ds, _ = _bh4_pdos(out, "LiBH4")
    assert dft.integrate_dos(ds["dos"]) == pytest.approx(32.0, abs=0.01)
    assert float(ds.integrated_dos[-1]) == pytest.approx(32.0, abs=0.01)


def test_dos_shifts_and_new_states_recover_the_article(out):
    _, ref = _bh4_pdos(out, "LiBH4")
    _, linbh = _bh4_pdos(out, "LiBH4-70LiNBH")
    _, ab = _bh4_pdos(out, "LiBH4-70LiNH2BH3")
    deep = (-8.1, -4.5)  # the B s / H s band: clear of the new states
    for method in ("centre", "xcorr"):
        s1, s2 = dft.dos_shift(linbh, ref, deep, method), dft.dos_shift(ab, ref, deep, method)
        assert s1.uncertainty == pytest.approx(0.05)
        assert abs(s1.shift + 0.30) < s1.uncertainty and abs(s2.shift + 0.05) < s2.uncertainty
        assert s1.shift < s2.shift < 0, "LiNBH shifts the DOS more than LiNH2BH3"
        assert dft.shift_trend(s1, s2) and not dft.shift_trend(s2, s1)
    s1 = dft.dos_shift(linbh, ref, deep)
    assert s1.shift == pytest.approx(-0.30, abs=2e-3)
    assert dft.dos_shift(ab, ref, deep).shift == pytest.approx(-0.05, abs=2e-3)
    new = dft.new_states_window(linbh, ref, shift=s1.shift)
    assert (round(new.low, 2), round(new.high, 2)) == (-1.2, -0.6)
    assert new.area == pytest.approx(0.5 * 0.6, rel=0.02), "0.5 states/eV per [BH4] over 0.6 eV"
    none = dft.new_states_window(ab, ref, shift=dft.dos_shift(ab, ref, deep).shift, threshold=new.threshold)
    assert none is None, "no new states with LiNH2BH3"


def _synthetic(values, energy):
    ds = make_dataset({"dos": variable("energy", values, "states/eV", "DOS")},
                      {"energy": variable("energy", energy, "eV", "E - E_F")}, {"kind": "dos"})
    return ds["dos"]


def test_band_centre_integral_shift_on_gaussians():
    e = np.linspace(-10, 2, 601)
    g = lambda c, s, n: n * np.exp(-0.5 * ((e - c) / s) ** 2) / (s * np.sqrt(2 * np.pi))  # noqa: E731
    a, b = _synthetic(g(-4.0, 0.5, 3.0), e), _synthetic(g(-4.137, 0.5, 3.0), e)
    assert dft.band_centre(a, (-8, 0)) == pytest.approx(-4.0, abs=1e-6)
    assert dft.integrate_dos(a, (-8, 0)) == pytest.approx(3.0, abs=1e-4)
    assert dft.dos_shift(b, a, (-8, 0)).shift == pytest.approx(-0.137, abs=1e-4)
    assert dft.dos_shift(b, a, (-8, 0), "xcorr").shift == pytest.approx(-0.137, abs=0.01)
    box = _synthetic(g(-4.0, 0.5, 3.0) + np.where((e >= -1.5) & (e <= -1.0), 0.8, 0.0), e)
    found = dft.new_states_window(box, a, threshold=0.4)
    assert (found.low, found.high) == pytest.approx((-1.51, -0.99), abs=0.011)


def test_doscar_with_wrong_nedos_names_the_line(out, tmp_path):
    lines = (out / "dos/LiBH4/DOSCAR").read_text().splitlines()
    head = lines[5].split()
    lines[5] = lines[5].replace(f"{head[2]:>6}", f"{int(head[2]) - 1:6d}", 1)
    path = tmp_path / "DOSCAR"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"DOSCAR, line \d+: .*NEDOS"):
        rd.read_doscar(path)
    path.write_text("\n".join(lines[:100]) + "\n")
    with pytest.raises(InputError, match="DOSCAR"):
        rd.read_doscar(path)


# ---------------------------------------------------------------- S26: dipole moments
def test_dipoles_recover_the_article(out):
    import ase.io

    for name, value, angle in (("LiNH2BH3", 4.68, 12.0), ("LiNBH", 5.48, 8.0)):
        path = out / "gaussian" / f"{name}.log"
        d = dft.dipole(rd.read_gaussian_dipole(path))
        assert round(d.magnitude, 2) == value and d.total_printed == value
        assert abs(dft.check_total(d)) < 2e-4
        assert dft.dipole_angle(d.vector, d.atoms, "B", "N") == pytest.approx(angle, abs=0.01)
        atoms = ase.io.read(path, format="gaussian-out")
        assert dft.dipole_debye(atoms.get_dipole_moment()) == pytest.approx(value, abs=2e-4)
        assert atoms.get_chemical_formula() == {"LiNH2BH3": "H5BLiN", "LiNBH": "HBLiN"}[name]


def test_dipole_magnitude_and_angle_on_known_vectors():
    vector = np.array([3.0, 0.0, 4.0]) * dft.DEBYE  # 5 D in e·Å
    assert dft.dipole_debye(vector) == pytest.approx(5.0)
    atoms = Atoms("BN", positions=[[0, 0, 0], [0, 0, 1.4]])
    assert dft.dipole_angle([3.0, 0.0, 4.0], atoms) == pytest.approx(np.degrees(np.arctan2(3, 4)))
    import ase.units

    assert dft.DEBYE == pytest.approx(ase.units.Debye, rel=1e-7)
    bad = dft.Dipole(vector=(3.0, 0.0, 4.0), total_printed=5.1, source="x.log", atoms=atoms)
    with pytest.raises(ValueError, match="Tot = 5.1000"):
        dft.check_total(bad)


def test_gaussian_log_without_dipole_names_the_file(out, tmp_path):
    text = (out / "gaussian/LiNBH.log").read_text().splitlines()
    path = tmp_path / "nodipole.log"
    path.write_text("\n".join(line for line in text if "Dipole" not in line and "Tot=" not in line) + "\n")
    with pytest.raises(InputError, match="nodipole.log, field 'Dipole moment'"):
        rd.read_gaussian_dipole(path)
    path.write_text("\n".join(text[:-2]) + "\n")
    with pytest.raises(InputError, match=r"nodipole.log, line \d+: expected 'X="):
        rd.read_gaussian_dipole(path)


def test_results_are_labelled():
    rho = xr.DataArray(np.zeros((2, 2, 2)), dims=("x", "y", "z"),
                       coords={a: (a, [0.0, 1.0], {"units": "Å"}) for a in "xyz"},
                       attrs={"units": "e/Å^3", "atoms": Atoms(cell=[2, 2, 2], pbc=True)})
    assert dft.density_slice(rho, "z", 1.9).attrs["plane"] == 0.0, "periodic: 1.9 Å is nearest 0 Å"
    assert dft.planar_average(rho).attrs["units"] == "e/Å^3"


# ---------------------------------------------------------------- through paper_lib.readers
FORMATS = {"energies/LiNBH-chain/OUTCAR": "vasp-outcar", "energies/LiNBH-bulk/vasprun.xml": "vasprun-xml",
           "bader/LiBH4-LiNBH/ACF.dat": "bader-acf", "bader/LiBH4-LiNH2BH3/CHGCAR_diff": "chgcar",
           "dos/LiBH4/DOSCAR": "doscar", "gaussian/LiNBH.log": "gaussian-log"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_is_read_through_the_readers_by_name_and_by_content(out, tmp_path, name):
    import shutil

    from paper_lib import readers

    path = out / name
    assert readers.sniff(path) == FORMATS[name]
    blind = tmp_path / "export.dat"
    shutil.copy(path, blind)
    assert readers.sniff(blind) == FORMATS[name], "found by content, not by name"
    data = readers.read_file(path)
    assert isinstance(data, (xr.Dataset, xr.DataArray)) and data.attrs["source"] == path.name
    variables = [data] if isinstance(data, xr.DataArray) else list(data.data_vars.values())
    assert all("units" in v.attrs for v in variables)


def test_the_names_vasp_gives_its_files_are_recognised(tmp_path):
    from paper_lib.readers import _by_name

    for name, fmt in {"OUTCAR": "vasp-outcar", "OUTCAR.relax": "vasp-outcar", "vasprun.xml": "vasprun-xml",
                      "ACF.dat": "bader-acf", "CHGCAR": "chgcar", "AECCAR0": "chgcar", "DOSCAR": "doscar",
                      "DOSCAR.scf": "doscar"}.items():
        assert _by_name(tmp_path / name, None) == fmt, name
    assert _by_name(tmp_path / "run.log", "dipole") == "gaussian-log"
    assert _by_name(tmp_path / "run.log", None) is None
    assert _by_name(tmp_path / "vasprun.txt", None) is None


def test_a_poscar_is_not_taken_for_a_chgcar(out):
    from paper_lib import readers

    assert readers.sniff(out / "dos/LiBH4/POSCAR") == "vasp"
    assert readers.sniff(out / "bader/LiBH4-LiNBH/CHGCAR_diff", "charge-density") == "chgcar"


def test_reference_dft_outputs_read_through_the_manifest_with_provenance():
    """The reference dataset's DFT outputs (data/manifests/dft.yaml): readers.read stamps every result."""
    from paper_lib import manifest, readers

    data = manifest.load(DATA / "manifests" / "dft.yaml")
    kinds = ("dft-energy", "dft-run", "bader", "charge-density", "dos", "dipole")
    found = [m for m in data.measurements if m.kind in kinds]
    assert {m.kind for m in found} == set(kinds)
    for m in found:
        result = readers.read(m)
        assert result.attrs["sha256"] and result.attrs["measurement"] == m.id and result.attrs["kind"] == m.kind
        assert result.attrs["generated"] == "reference model, not DFT"
    bader = data.one(kind="bader", sample="LiBH4/LiNBH interface")
    t = dft.bader_transfer(readers.read(bader), readers.read(data.by_id(bader.conditions["structure_id"])),
                           readers.read(data.by_id(bader.conditions["valences_id"])), bader.conditions["partner_region"])
    assert t.transfer == pytest.approx(0.038, abs=1e-6)
