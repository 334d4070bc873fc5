"""The independent recomputation: relaxation, NEB and MD recover known parameters on analytic and EMT
potentials (no torch needed); the committed results are what the committed code and cases make; CI
recomputes the small case with CHGNet and compares; RECOMPUTE_FULL=1 recomputes the full case."""

import json
import math
import os
import shutil

import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk
from ase.calculators.calculator import Calculator, all_changes
from ase.calculators.emt import EMT
from conftest import skip_or_fail

from paper_lib import md, migration, paths, recompute, recompute_report, relaxation
from paper_lib.readers.trajectory import read_extxyz

STRUCTURES = paths.DATA / "structures"


class Corrugated(Calculator):
    """E = A sin²(2π x0 / L) + K (y0² + z0²) for atom 0 (others feel nothing): minima at x0 = 0 and L/2,
    the saddle at L/4 with height A exactly."""

    implemented_properties = ["energy", "forces"]

    def __init__(self, height, period, k=1.0):
        super().__init__()
        self.height, self.period, self.k = height, period, k

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        x, y, z = self.atoms.positions[0]
        w = 2 * math.pi / self.period
        forces = np.zeros((len(self.atoms), 3))
        forces[0] = [-self.height * w * math.sin(2 * w * x), -2 * self.k * y, -2 * self.k * z]
        self.results = {"energy": self.height * math.sin(w * x) ** 2 + self.k * (y * y + z * z), "forces": forces}


# ---------------------------------------------------------------- structures and relaxation

def test_cif_sites_are_merged_and_a_lattice_only_file_is_refused():
    assert len(relaxation.from_cif(STRUCTURES / "LiBH4_Pnma.cif")) == 24
    hexagonal = relaxation.from_cif(STRUCTURES / "LiBH4_P63mc.cif")
    symbols = hexagonal.get_chemical_symbols()  # 12 atoms: H2 on (x, 2x, z) printed to 3 digits is one site
    assert (symbols.count("Li"), symbols.count("B"), symbols.count("H")) == (2, 2, 8)
    with pytest.raises(ValueError, match="LiNH2BH3_Pbca_lattice.cif.*no atomic sites"):
        relaxation.from_cif(STRUCTURES / "LiNH2BH3_Pbca_lattice.cif")


def test_relax_recovers_the_equation_of_state_minimum():
    """EMT copper: the relaxed cubic lattice constant equals the minimum of an E(V) fit."""
    from ase.eos import EquationOfState

    volumes, energies = [], []
    for a in np.linspace(3.50, 3.70, 9):
        atoms = bulk("Cu", "fcc", a=a, cubic=True)
        atoms.calc = EMT()
        volumes.append(atoms.get_volume())
        energies.append(atoms.get_potential_energy())
    v0, _, _ = EquationOfState(volumes, energies).fit()
    relaxed = relaxation.relax(bulk("Cu", "fcc", a=3.5, cubic=True), EMT(), fmax=1e-4, symmetry=True)
    assert relaxed.converged and relaxed.stress_gpa < 0.01
    assert relaxed.atoms.cell.cellpar()[0] == pytest.approx(v0 ** (1 / 3), abs=2e-3)
    assert np.allclose(relaxed.atoms.cell.cellpar()[3:], 90)


def test_fixed_cell_relaxation_keeps_the_cell():
    atoms = bulk("Cu", "fcc", a=3.5, cubic=True)
    atoms.positions[0] += [0.05, 0.0, 0.0]
    relaxed = relaxation.relax(atoms, EMT(), cell="fixed", fmax=1e-3)
    assert np.allclose(relaxed.atoms.cell, atoms.cell)
    assert relaxed.fmax < 1e-3
    with pytest.raises(ValueError, match="cell must be"):
        relaxation.relax(atoms, EMT(), cell="volume")


def test_d_spacing_and_summary_of_an_orthorhombic_cell():
    atoms = Atoms("BH4", positions=[[0, 0, 0], [1.2, 0, 0], [-1.2, 0, 0], [0, 1.2, 0], [0, -1.2, 0]],
                  cell=[7.0, 4.0, 6.0], pbc=True)
    assert relaxation.d_spacing(atoms, (1, 0, 1)) == pytest.approx(1 / math.sqrt(1 / 49 + 1 / 36))
    s = relaxation.summary(atoms, [(1, 0, 1), (0, 1, 1)])
    assert s["BH"]["mean"] == pytest.approx(1.2) and s["BH"]["n"] == 4
    assert s["lattice"]["volume_per_unit"] == pytest.approx(168.0)
    assert relaxation.compare(s, s)["d101"] == 0


# ---------------------------------------------------------------- migration

def test_li_hops_of_a_simple_cubic_lattice():
    atoms = Atoms("Li8", scaled_positions=[[i / 2, j / 2, k / 2] for i in (0, 1) for j in (0, 1) for k in (0, 1)],
                  cell=[6.0, 6.0, 6.0], pbc=True)
    hops = migration.li_hops(atoms, max_distance=5.5)
    assert [round(h.length, 3) for h in hops] == [3.0, round(3 * math.sqrt(2), 3), round(3 * math.sqrt(3), 3)]
    with pytest.raises(ValueError, match="two Li"):
        migration.li_hops(Atoms("Li", cell=[3, 3, 3], pbc=True))


def test_vacancy_endpoints_move_the_hopping_li_onto_the_emptied_site():
    from ase.calculators.lj import LennardJones

    atoms = bulk("Li", "fcc", a=4.4, cubic=True).repeat(2)
    hop = migration.li_hops(atoms)[0]
    assert hop.length == pytest.approx(4.4 / math.sqrt(2))
    initial, final = migration.vacancy_endpoints(atoms, hop, LennardJones(sigma=2.8, epsilon=0.01, rc=6.0), fmax=0.05)
    assert len(initial.atoms) == len(atoms) - 1
    moved = hop.start - (1 if hop.target < hop.start else 0)
    target = atoms.positions[hop.target]
    assert np.linalg.norm(((final.atoms.positions[moved] - target + 4.4) % 8.8) - 4.4) < 0.3
    assert np.linalg.norm(((initial.atoms.positions[moved] - atoms.positions[hop.start] + 4.4) % 8.8) - 4.4) < 0.3


def test_band_recovers_a_known_barrier():
    """A corrugated potential of height 0.25 eV: the climbing-image band's top image sits on the saddle."""
    period, height = 6.0, 0.25
    cell = Atoms("LiH", positions=[[0, 0, 0], [0, 3, 3]], cell=[12.0, 6.0, 6.0], pbc=True)
    final = cell.copy()
    final.positions[0] = [period / 2, 0.0, 0.0]
    calc = Corrugated(height, period)
    band = migration.band(cell, final, calc, n_images=4, fmax=1e-3, steps=2000)
    energies = [a.get_potential_energy() for a in band.images]
    assert band.converged
    assert max(energies) - energies[0] == pytest.approx(height, abs=1e-4)
    top = band.images[int(np.argmax(energies))]
    assert top.positions[0, 0] == pytest.approx(period / 4, abs=0.01)


# ---------------------------------------------------------------- MD

def test_md_is_seeded_and_thermalises():
    atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
    one = md.run(atoms, EMT(), 300, 500, interval_fs=10, equilibration_fs=200, timestep_fs=2.0, seed=3, friction=0.02)
    two = md.run(atoms, EMT(), 300, 500, interval_fs=10, equilibration_fs=200, timestep_fs=2.0, seed=3, friction=0.02)
    assert np.array_equal(one.frames[-1].positions, two.frames[-1].positions)
    assert one.frames[-1].info["time"] == 500 and len(one.frames) == 51
    assert one.mean_temperature_K == pytest.approx(300, rel=0.25)  # 32 atoms: ±1/sqrt(3N/2) fluctuations
    with pytest.raises(ValueError, match="multiple of the time step"):
        md.run(atoms, EMT(), 300, 10, interval_fs=3, timestep_fs=2.0)


class Interrupting(Calculator):
    """EMT without history (a fresh one per call: EMT's neighbour list otherwise carries history into the
    last bits, where CHGNet builds its graph afresh at every call), stopping the run as a killed job would
    after ``calls`` evaluations."""

    implemented_properties = ["energy", "forces"]

    def __init__(self, calls=10**9):
        super().__init__()
        self.calls = calls

    def calculate(self, atoms=None, properties=None, system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        self.calls -= 1
        if self.calls < 0:
            raise KeyboardInterrupt("stopped")
        fresh = self.atoms.copy()
        fresh.calc = EMT()
        self.results = {"energy": fresh.get_potential_energy(), "forces": fresh.get_forces()}


MD_ARGS = dict(interval_fs=10, equilibration_fs=100, timestep_fs=2.0, seed=5, friction=0.02, checkpoint_fs=40)


@pytest.mark.parametrize("calls", [30, 120])  # interrupted in the equilibration, and in the kept run
def test_an_interrupted_md_run_resumes_bit_for_bit(tmp_path, calls):
    atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
    whole = md.run(atoms, Interrupting(), 500, 300, **MD_ARGS)
    checkpoint = tmp_path / "md.npz"
    with pytest.raises(KeyboardInterrupt):
        md.run(atoms, Interrupting(calls), 500, 300, checkpoint=checkpoint, fingerprint="emt", **MD_ARGS)
    assert checkpoint.exists() and not list(tmp_path.glob("*.partial"))
    messages = []
    resumed = md.run(atoms, Interrupting(), 500, 300, checkpoint=checkpoint, fingerprint="emt", log=messages.append, **MD_ARGS)
    assert resumed.resumed_at_fs is not None and 0 < resumed.resumed_at_fs < 400
    assert len(resumed.frames) == len(whole.frames) == 31
    for a, b in zip(whole.frames, resumed.frames):
        assert np.array_equal(a.positions, b.positions) and a.info == b.info
    assert messages[-1].startswith("500 K: 200/200 steps")


def test_a_checkpoint_of_another_run_is_not_resumed(tmp_path):
    atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
    checkpoint = tmp_path / "md.npz"
    with pytest.raises(KeyboardInterrupt):
        md.run(atoms, Interrupting(60), 500, 300, checkpoint=checkpoint, fingerprint="emt", **MD_ARGS)
    messages = []
    other = md.run(atoms, Interrupting(), 500, 300, checkpoint=checkpoint, fingerprint="another code", log=messages.append,
                   **MD_ARGS)
    assert other.resumed_at_fs is None and "another run" in messages[0]
    assert np.array_equal(other.frames[-1].positions, md.run(atoms, Interrupting(), 500, 300, **MD_ARGS).frames[-1].positions)
    checkpoint.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="md.npz: not a readable MD checkpoint"):
        md.run(atoms, Interrupting(), 500, 300, checkpoint=checkpoint, fingerprint="emt", **MD_ARGS)


def test_md_trajectory_reads_back_for_the_msd(tmp_path):
    from paper_lib.readers.trajectory import read_extxyz

    atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat(2)
    result = md.run(atoms, EMT(), 300, 100, interval_fs=10, equilibration_fs=0, timestep_fs=2.0, seed=1)
    md.write(result, tmp_path / "md.extxyz")
    ds = read_extxyz(tmp_path / "md.extxyz")
    assert ds.sizes["frame"] == 11 and ds.time.values[-1] == 100.0
    assert np.allclose(ds.position.values[-1], result.frames[-1].positions, atol=1e-6)


# ---------------------------------------------------------------- the committed results

def documents():
    return [(c, p, doc) for c in recompute.cases() for p in recompute.PARTS
            if (doc := recompute.load(c, p)) is not None]


def test_the_committed_parts_exist():
    have = {(c, p) for c, p, _ in documents()}
    assert {("small", p) for p in recompute.PARTS} <= have, "the CI case is committed whole"
    assert {("full", "structure"), ("full", "migration"), ("full", "diffusion")} <= have


@pytest.mark.parametrize("case,part,doc", documents(), ids=lambda v: v if isinstance(v, str) else "")
def test_committed_results_are_what_the_committed_code_and_case_make(case, part, doc):
    assert doc["code_sha256"] == recompute.code_sha256(part), (
        f"{case}/{part}: paper_lib's {', '.join(recompute.CODE[part])} changed since data/recomputed/{case} was "
        f"made: run `python -m paper_lib.recompute --case {case} --part {part}` (or `make recompute`)")
    if part in recompute.ANALYSIS:
        assert doc["analysis_sha256"] == recompute.code_sha256(part, recompute.ANALYSIS), (
            f"{case}/{part}: paper_lib's {', '.join(recompute.ANALYSIS[part])} changed since data/recomputed/{case} "
            f"was analysed: run `python -m paper_lib.recompute --case {case} --part {part} --reanalyse`")
    assert doc["parameters"] == recompute.case(case)[part], f"{case}/{part}: recompute_cases.yaml changed"
    base = recompute.folder(case)
    for item in doc["inputs"]:
        source = paths.ROOT / item["file"] if (paths.ROOT / item["file"]).exists() else base / item["file"]
        assert recompute._sha(source) == item["sha256"], f"{case}/{part}: input {item['file']} changed"
    for name in recompute.files(doc):
        assert (base / name).is_file(), f"{case}/{part}: {name} is missing"
    assert doc["potential"]["model"] == "CHGNet" and len(doc["potential"]["weights_sha256"]) == 64


def same(new, old, path="run"):
    """Equal structure and values, floats to 1e-9 relative (another CPU's sums)."""
    if isinstance(old, dict):
        assert set(new) == set(old), path
        for key in old:
            same(new[key], old[key], f"{path}.{key}")
    elif isinstance(old, list):
        assert len(new) == len(old), path
        for k, (a, b) in enumerate(zip(new, old)):
            same(a, b, f"{path}[{k}]")
    elif isinstance(old, float):
        assert new == pytest.approx(old, rel=1e-9, abs=1e-300), path
    else:
        assert new == old, path


@pytest.mark.parametrize("case", [c for c, p, _ in documents() if p in recompute.ANALYSIS])
def test_the_committed_analysis_is_what_the_analysis_code_makes_of_the_committed_trajectories(case):
    """No torch needed: the full MD's D and framework checks are checked against the code on every run."""
    doc = recompute.load(case, "diffusion")
    fresh = recompute.reanalysed(doc, recompute.folder(case))
    same(fresh["results"]["runs"], doc["results"]["runs"])


def test_reanalyse_rewrites_the_analysis_and_keeps_the_trajectories(tmp_path):
    shutil.copytree(recompute.folder("full"), tmp_path / "full")
    path = tmp_path / "full" / "diffusion.json"
    doc = json.loads(path.read_text())
    good = doc["results"]["runs"]
    doc["results"]["runs"] = [{**run, "D_cm2_s": 1.0, "framework": {}} for run in good]
    doc["analysis_sha256"] = "0" * 64
    path.write_text(json.dumps(doc))
    trajectory = tmp_path / "full" / good[0]["file"]
    before = trajectory.read_bytes()
    recompute.reanalyse("full", "diffusion", root=tmp_path, log=lambda *a: None)
    again = recompute.load("full", "diffusion", tmp_path)
    same(again["results"]["runs"], good)
    assert again["analysis_sha256"] == recompute.code_sha256("diffusion", recompute.ANALYSIS)
    assert trajectory.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "full").iterdir() if p.name.startswith(".")) == []


def test_reanalyse_refuses_trajectories_of_other_code_and_parts_without_an_analysis(tmp_path):
    shutil.copytree(recompute.folder("full"), tmp_path / "full")
    path = tmp_path / "full" / "diffusion.json"
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "code_sha256": "0" * 64}))
    with pytest.raises(ValueError, match="md.py.*changed since they were made"):
        recompute.reanalyse("full", "diffusion", root=tmp_path, log=lambda *a: None)
    assert json.loads(path.read_text())["code_sha256"] == "0" * 64, "a refused reanalysis leaves the json"
    with pytest.raises(ValueError, match="'structure' part has no separate analysis"):
        recompute.reanalysed(recompute.load("full", "structure"), recompute.folder("full"))
    with pytest.raises(FileNotFoundError, match="nothing to reanalyse"):
        recompute.reanalyse("small", "diffusion", root=tmp_path, log=lambda *a: None)


def scan(tmp_path, monkeypatch, temperatures, change=None):
    """The full diffusion part with ``temperatures`` computed into a copy of the committed folder, the MD
    replaced by a stand-in that records what it was asked to run; ``change`` edits the copy's json."""
    from paper_lib import mlp

    root = tmp_path / "root"
    shutil.copytree(recompute.folder("full"), root / "full")
    committed = recompute.load("full", "diffusion")
    if change:
        path = root / "full" / "diffusion.json"
        path.write_text(json.dumps(change(json.loads(path.read_text()))))
    asked = []

    def stand_in(args):
        temperature, _, _, _, seed, dest, _ = args
        asked.append((temperature, seed))
        shutil.copyfile(recompute.folder("full") / committed["results"]["runs"][1]["file"], dest)
        return {"temperature_K": float(temperature), "mean_temperature_K": float(temperature), "atoms": 48,
                "seed": seed, **recompute._md_analysis(read_extxyz(dest))}

    monkeypatch.setattr(mlp, "identity", lambda device="cpu": committed["potential"])
    monkeypatch.setattr(recompute, "_md_run", stand_in)
    spec = {**committed["parameters"], "temperatures": temperatures}
    work = tmp_path / "work"
    work.mkdir()
    results, _ = recompute._diffusion(spec, work, root / "full", "cpu", 1, tmp_path / "checkpoints", lambda *a: None)
    return asked, results["runs"], committed["results"]["runs"]


def test_a_temperature_added_to_the_scan_costs_only_its_own_run(tmp_path, monkeypatch):
    temperatures = [run["temperature_K"] for run in recompute.load("full", "diffusion")["results"]["runs"]]
    asked, runs, committed = scan(tmp_path, monkeypatch, temperatures + [500])
    assert asked == [(500, len(temperatures))], "the committed runs are taken over"
    same(runs[:-1], committed)
    assert (tmp_path / "work" / runs[0]["file"]).read_bytes() == (recompute.folder("full") / committed[0]["file"]).read_bytes()


@pytest.mark.parametrize("change", [lambda d: {**d, "code_sha256": "0" * 64},
                                    lambda d: {**d, "parameters": {**d["parameters"], "duration_fs": 20000}},
                                    lambda d: {**d, "potential": {**d["potential"], "torch": "0"}}],
                         ids=["code", "parameters", "potential"])
def test_runs_of_other_code_parameters_or_potential_are_computed_again(tmp_path, monkeypatch, change):
    asked, _, _ = scan(tmp_path, monkeypatch, [400, 450], change)
    assert asked == [(400, 0), (450, 1)]


def test_a_run_is_taken_over_only_with_its_own_seed(tmp_path, monkeypatch):
    asked, _, _ = scan(tmp_path, monkeypatch, [450, 400])  # the seed is the place in the list
    assert asked == [(450, 0), (400, 1)]


def test_the_recomputed_folder_holds_no_stray_files():
    listed = {recompute.folder(c) / f"{p}.json" for c, p, _ in documents()}
    listed |= {recompute.folder(c) / name for c, _, doc in documents() for name in recompute.files(doc)}
    present = {p for p in recompute.OUT.rglob("*") if p.is_file() and p.name != "README.md"}
    assert present == listed, sorted(str(p) for p in present ^ listed)
    assert sum(p.stat().st_size for p in present) < 5e6, "data/recomputed stays under 5 MB"


def test_part_files_are_the_json_and_what_it_names(tmp_path):
    doc = {"results": {"runs": [{"file": "trajectories/md_600K.extxyz"}, {"file": "trajectories/md_700K.extxyz"}],
                       "sites": [{"file": "sites/site0.extxyz"}]}}
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "interstitial.json").write_text(json.dumps(doc))
    assert recompute.part_files("demo", "interstitial", tmp_path) == [
        tmp_path / "demo" / name for name in ("interstitial.json", "trajectories/md_600K.extxyz",
                                              "trajectories/md_700K.extxyz", "sites/site0.extxyz")]
    with pytest.raises(FileNotFoundError, match=r"demo/diffusion.json: the part 'diffusion' of the case 'demo'"):
        recompute.part_files("demo", "diffusion", tmp_path)


def test_barrier_summary_takes_size_and_image_changes():
    def run(atoms, images, barrier, hop=0):
        return {"hop": hop, "atoms": atoms, "images": images, "barrier_images": barrier, "hop_length": 3.4,
                "interpolation_uncertainty": 0.001, "converged": True}

    doc = {"results": {"runs": [run(191, 5, 0.20), run(95, 5, 0.23), run(95, 7, 0.22), run(95, 5, 0.4, hop=1)]}}
    s = recompute_report.barrier_summary(doc)
    assert s["barrier"] == 0.20 and s["atoms"] == 191
    assert s["size_change"] == pytest.approx(0.03) and s["image_change"] == pytest.approx(0.01)
    assert s["spread"] == pytest.approx(0.03)


def test_report_rows_compare_with_the_article():
    found = recompute_report.rows()
    by = {r["quantity"]: r for r in found}
    assert any(q.startswith("LiBH4 (Pnma) lattice parameter") for q in by)
    bh = by["B–H mean bond length, bulk LiBH4 (Pnma)"]
    assert bh["article"] == pytest.approx(1.23 / 1.0065) and 1.1 < bh["recomputed"] < 1.35
    barrier = by["lowest Li vacancy migration barrier, LiBH4 (Pnma)"]
    assert barrier["article"] == 0.118 and barrier["spread"] is not None and barrier["spread"] >= 0
    assert "lowest Li interstitial migration barrier, LiBH4 (Pnma)" in by
    runs = recompute.load("full", "diffusion")["results"]["runs"]
    for run in runs:
        row = by[f"Li self-diffusion coefficient at {run['temperature_K']:g} K"]
        assert row["recomputed"] == run["D_cm2_s"] and "framework" in row["meaning"]
    extrapolated = by["Li self-diffusion coefficient at 30 °C (Arrhenius extrapolation)"]
    assert extrapolated["article"] == 5.6e-10
    assert (extrapolated["recomputed"] is None) == (len(recompute_report.crystalline(runs)) < 2)
    lines = recompute_report.report_section(found)
    assert lines[0] == "## Independent recomputation" and len(lines) == len(found) + 7  # heading, text, table head, end


def test_interstitial_rows_take_the_lowest_site_and_the_largest_supercell():
    def run(atoms, barrier, hop=0):
        return {"hop": hop, "atoms": atoms, "images": 5, "barrier_images": barrier, "hop_length": 3.7,
                "interpolation_uncertainty": 0.002, "converged": True}

    sites = [{"relative_energy_eV": 0.0}, {"relative_energy_eV": 0.012}]
    doc = {"results": {"candidates": 7, "sites": sites, "runs": [run(193, 0.25), run(97, 0.29), run(97, 0.5, hop=1)]}}
    (row,) = recompute_report.interstitial_rows(doc)
    assert row["recomputed"] == 0.25 and row["spread"] == pytest.approx(0.04) and row["article"] == 0.118
    assert "12 meV above" in row["meaning"] and "7 distinct voids" in row["meaning"]
    (missing,) = recompute_report.interstitial_rows(None)
    assert missing["recomputed"] is None and "PARTS=interstitial" in missing["meaning"]
    small = recompute_report.interstitial_rows(recompute.load("small", "interstitial"))[0]
    assert small["recomputed"] > 0 and small["spread_kind"] == "interpolation uncertainty"


def test_the_report_and_audit_carry_the_recomputation():
    text = (paths.FIGURES / "REPRODUCTION.md").read_text()
    assert "## Independent recomputation" in text
    audit = json.loads((paths.FIGURES / "audit.json").read_text())
    assert any(f["id"] == "aud_recomputed_vacancy_barrier" for f in audit["findings"])


def test_the_audit_barrier_panel_shows_the_recomputed_barrier_with_its_spread():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paper_lib import audit_plots

    s = recompute_report.barrier_summary(recompute.load(recompute_report.CASE, "migration"))
    fig, ax = plt.subplots()
    audit_plots.barriers(ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    mine = next(i for i, label in enumerate(labels) if "recomputed" in label)
    widths = [p.get_width() for p in ax.patches]
    assert len(widths) == len(labels) == 6 and widths[mine] == pytest.approx(s["barrier"])
    (bar,) = [c for c in ax.containers if isinstance(c, matplotlib.container.ErrorbarContainer)]
    (segment,) = bar.lines[2][0].get_segments()
    assert segment[1, 0] - segment[0, 0] == pytest.approx(2 * s["spread"])
    assert f"{s['barrier']:.3f} ± {s['spread']:.3f}" in [t.get_text() for t in ax.texts]
    plt.close(fig)


# ---------------------------------------------------------------- CHGNet itself (the extra 'mlp')

def chgnet_or_skip():
    try:
        from paper_lib import mlp

        mlp.require()
    except ImportError as error:
        skip_or_fail(f"CHGNet is not installed ({error})")


def test_the_installed_weights_are_the_committed_ones():
    chgnet_or_skip()
    from paper_lib import mlp

    committed = recompute.load("full", "structure")["potential"]
    assert mlp.weights_sha256() == committed["weights_sha256"]
    with pytest.raises(ValueError, match="device"):
        mlp.check_device("tpu")


TOLERANCE = {"length": 2e-3, "bond": 5e-4, "energy": 2e-3, "barrier": 0.01, "msd": 2e-3}


def test_the_md_calculator_gives_chgnets_forces_without_the_stress():
    chgnet_or_skip()
    import ase.io
    from ase.calculators.calculator import PropertyNotImplementedError

    from paper_lib import mlp, mlp_forces

    atoms = ase.io.read(recompute.folder("small") / "structures" / "LiBH4_Pnma.extxyz")
    atoms.positions += np.random.default_rng(0).normal(0, 0.05, atoms.positions.shape)
    full, fast = atoms.copy(), atoms.copy()
    full.calc, fast.calc = mlp.calculator(), mlp_forces.calculator()
    assert np.array_equal(fast.get_forces(), full.get_forces())
    assert fast.get_potential_energy() == full.get_potential_energy()
    with pytest.raises(PropertyNotImplementedError):
        fast.get_stress()


@pytest.mark.slow
def test_ci_recomputes_the_small_case(tmp_path):
    """The small case recomputed here agrees with the committed one within float32 and CPU differences:
    lattice 0.002 Å, B–H 0.0005 Å, energies 2 meV per formula unit, barrier 0.01 eV, MSD 0.002 Å²."""
    chgnet_or_skip()
    recompute.run("small", recompute.PARTS, root=tmp_path, log=lambda *a: None)
    compare_case("small", tmp_path)
    assert not list((tmp_path / ".checkpoints").rglob("*")), "the MD checkpoints are removed once written"


@pytest.mark.slow
def test_full_recomputation_on_demand(tmp_path):
    if os.environ.get("RECOMPUTE_FULL") != "1":
        pytest.skip("the full recomputation takes about an hour on 2 CPU cores: RECOMPUTE_FULL=1 runs it")
    chgnet_or_skip()
    parts = [p for p in recompute.PARTS if recompute.load("full", p) is not None]
    recompute.run("full", parts, jobs=int(os.environ.get("JOBS", "2")), root=tmp_path, log=lambda *a: None)
    compare_case("full", tmp_path)


def compare_case(case, root):
    for part in recompute.PARTS:
        committed, fresh = recompute.load(case, part), recompute.load(case, part, root)
        if committed is None:
            continue
        assert fresh["code_sha256"] == committed["code_sha256"]
        assert fresh.get("analysis_sha256") == committed.get("analysis_sha256")
        if part == "structure":
            for name, phase in committed["results"].items():
                new = fresh["results"][name]
                for key in ("a", "b", "c"):
                    assert new["relaxed"]["lattice"][key] == pytest.approx(phase["relaxed"]["lattice"][key],
                                                                           abs=TOLERANCE["length"]), (name, key)
                assert new["relaxed"]["BH"]["mean"] == pytest.approx(phase["relaxed"]["BH"]["mean"], abs=TOLERANCE["bond"])
                assert new["energy_per_unit"] == pytest.approx(phase["energy_per_unit"], abs=TOLERANCE["energy"])
        elif part in ("migration", "interstitial"):
            for old, new in zip(committed["results"]["runs"], fresh["results"]["runs"]):
                assert new["barrier_images"] == pytest.approx(old["barrier_images"], abs=TOLERANCE["barrier"]), old["file"]
                assert new["hop_length"] == pytest.approx(old["hop_length"], abs=TOLERANCE["length"]), old["file"]
            for old, new in zip(committed["results"].get("sites", []), fresh["results"].get("sites", [])):
                assert new["relative_energy_eV"] == pytest.approx(old["relative_energy_eV"], abs=TOLERANCE["energy"])
        else:
            for old, new in zip(committed["results"]["runs"], fresh["results"]["runs"]):
                assert new["msd_final_A2"] == pytest.approx(old["msd_final_A2"], abs=TOLERANCE["msd"]), old["file"]
                frame, was = new["framework"], old["framework"]
                assert frame["intact"] == was["intact"], old["file"]
                assert frame["rms_displacement_A"] ** 2 == pytest.approx(was["rms_displacement_A"] ** 2,
                                                                        abs=TOLERANCE["msd"]), old["file"]


INTACT = {"element": "B", "rms_displacement_A": 0.4, "lag_fs": 5000.0, "neighbour_distance_A": 3.7,
          "ratio": 0.4 / 3.7, "intact": True}
MELTED = {**INTACT, "rms_displacement_A": 2.2, "ratio": 2.2 / 3.7, "intact": False}


def test_diffusion_rows_recover_a_known_arrhenius_law():
    """D = D0 exp(-Ea/kB T) with Ea = 0.30 eV at three temperatures: the fit gives Ea back and the 30 °C
    extrapolation D0 exp(-Ea/kB 303.15 K)."""
    from paper_lib.arrhenius import KB_EV

    d0, ea = 1e-3, 0.30
    runs = [{"temperature_K": t, "D_cm2_s": d0 * math.exp(-ea / (KB_EV * t)),
             "D_stderr_cm2_s": 0.02 * d0 * math.exp(-ea / (KB_EV * t)), "window_fs": [1000.0, 5000.0],
             "msd_final_A2": 10.0, "lag_final_fs": 5000.0, "number_density_cm3": 1.9e22, "mean_temperature_K": t,
             "framework": INTACT} for t in (500, 600, 700)]
    fit, (d30, d30_err) = recompute_report.d_arrhenius(runs)
    assert fit.ea == pytest.approx(ea, rel=1e-6)
    assert d30 == pytest.approx(d0 * math.exp(-ea / (KB_EV * 303.15)), rel=1e-6) and d30_err > 0
    rows = recompute_report.diffusion_rows({"results": {"runs": runs}})
    assert [r["quantity"] for r in rows][-3:] == ["Li self-diffusion coefficient at 30 °C (Arrhenius extrapolation)",
                                                  "Arrhenius activation energy of D", "Nernst–Einstein conductivity at 30 °C"]
    unresolved = [{**runs[0], "D_cm2_s": None, "D_stderr_cm2_s": None}]
    assert recompute_report.d_arrhenius(unresolved) == (None, None)
    assert "not resolved" in recompute_report.diffusion_rows({"results": {"runs": unresolved}})[0]["meaning"]


def test_a_melted_run_is_left_out_of_the_extrapolation():
    """Three crystalline runs on Ea = 0.30 eV at their mean temperatures and a fourth, melted, ten times
    faster: the fit ignores it; with only one crystalline run, nothing is extrapolated and the row says why."""
    from paper_lib.arrhenius import KB_EV

    def run(t, factor=1.0, frame=INTACT):
        mean = t - 0.05 * (t - 300)  # the thermostat's mean below its set point: D belongs to the mean
        d = factor * 1e-3 * math.exp(-0.30 / (KB_EV * mean))
        return {"temperature_K": t, "D_cm2_s": d, "D_stderr_cm2_s": 0.02 * d, "window_fs": [1000.0, 5000.0],
                "msd_final_A2": 10.0, "lag_final_fs": 5000.0, "number_density_cm3": 1.9e22,
                "mean_temperature_K": mean, "framework": frame}

    runs = [run(400), run(450), run(500), run(600, 10.0, MELTED)]
    assert recompute_report.crystalline(runs) == runs[:3]
    fit, _ = recompute_report.d_arrhenius(runs)
    assert fit.ea == pytest.approx(0.30, rel=1e-6)
    rows = recompute_report.diffusion_rows({"results": {"runs": runs}})
    assert "not the crystal's D" in rows[3]["meaning"] and "stayed on its sites" in rows[0]["meaning"]
    few = recompute_report.diffusion_rows({"results": {"runs": [run(450), run(600, 10.0, MELTED)]}})
    assert few[-1]["recomputed"] is None and few[-1]["meaning"].startswith("not extrapolated: 1 of 2 runs")


def test_measured_conductivity_as_a_diffusion_coefficient():
    """D = σ kB T / (n e²): 3.23e-8 S/cm at 303.15 K and 1.9e22 cm⁻³ is 3.2e-13 cm²/s."""
    from scipy.constants import e, k

    d = recompute_report.measured_as_d(1.9e22)
    assert d == pytest.approx(3.23e-8 * k * 303.15 / (1.9e22 * e ** 2), rel=1e-9)


def test_the_audit_weighs_the_recomputed_diffusion(monkeypatch):
    """Crystalline runs on a known Arrhenius law: the audit's D(30 °C) is the law's, compared with the AIMD D;
    with the crystal melted in all but one run, or no diffusion part, nothing is found and it says why."""
    from paper_lib import audit
    from paper_lib.arrhenius import KB_EV

    def run(t, frame=INTACT):
        d = 1e-3 * math.exp(-0.30 / (KB_EV * t))
        return {"temperature_K": t, "mean_temperature_K": t, "D_cm2_s": d, "D_stderr_cm2_s": 0.02 * d,
                "window_fs": [1000.0, 5000.0], "msd_final_A2": 10.0, "lag_final_fs": 5000.0,
                "number_density_cm3": 1.9e22, "framework": frame}

    def audited(runs):
        doc = None if runs is None else {"results": {"runs": runs}, "potential": {"model": "CHGNet", "model_version": "0.3.0"}}
        monkeypatch.setattr(recompute, "load", lambda case, part, root=None: doc if part == "diffusion" else None)
        (finding,) = audit.evaluate({}, only=["aud_recomputed_diffusion"])
        return finding

    finding = audited([run(400), run(425), run(450)])
    d30 = 1e-3 * math.exp(-0.30 / (KB_EV * 303.15))
    assert finding.inputs["recomputed_diffusion"]["recomputed"] == pytest.approx(d30, rel=1e-6)
    assert finding.found and "Ea = 0.300" in finding.evidence[0] and "3 of 3 runs" in finding.evidence[0]
    melted = audited([run(400), run(450, MELTED)])
    assert not melted.found and "1 of 2 runs" in melted.evidence[0] and "too few" in melted.evidence[0]
    assert "not computed" in audited(None).evidence[0]


def test_the_framework_panel_draws_the_ratio_the_check_decides_on():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import xarray as xr

    from paper_lib import diffusion, recompute_plots

    table = xr.Dataset({"msd": ("lag", np.array([0.01, 0.04, 0.36]))}, coords={"lag": [100.0, 200.0, 300.0]},
                       attrs={"element": "B"})
    fig, ax = plt.subplots()
    recompute_plots.framework_curves(ax, {"450 K": (table, 3.0)}, diffusion.LEFT_SITES)
    curve, bound = ax.lines
    assert np.allclose(curve.get_ydata(), [0.1 / 3, 0.2 / 3, 0.2]) and np.allclose(curve.get_xdata(), [0.1, 0.2, 0.3])
    assert bound.get_ydata()[0] == diffusion.LEFT_SITES and "B RMS displacement" in ax.get_ylabel()
    plt.close(fig)
