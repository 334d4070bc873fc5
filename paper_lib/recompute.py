"""The independent recomputation: the article's atomistic numbers computed again with CHGNet.

``data/recomputed/<case>/`` holds, for each part (``structure``, ``migration``, ``interstitial``,
``diffusion``):

* ``<part>.json``: the results, the case's parameters, the sha256 of every input file and of the code
  that made them (:data:`CODE`), of the code that analysed them where that is apart (:data:`ANALYSIS`),
  and the potential's identity (:func:`paper_lib.mlp.identity`);
* the structures it made: relaxed cells and interstitial sites (``structures/*.extxyz``), NEB bands with energies and forces
  (``bands/*.extxyz``), MD trajectories (``trajectories/*.extxyz``), all readable by the compendium's
  readers like any external calculation's output.

A part is written whole or not at all (a temporary folder moved into place). The cases are in
``recompute_cases.yaml``: ``full`` is the committed second opinion, ``small`` what CI recomputes.

    python -m paper_lib.recompute --case full --part structure migration [interstitial diffusion] [--device cpu] [--jobs 2]

The MD trajectories cost hours; their analysis (the MSD, D, the framework check) seconds. A change to the
analysis code is carried into the committed results without computing the trajectories again, and
without torch (:func:`reanalyse`):

    python -m paper_lib.recompute --case full --part diffusion --reanalyse

The default build never imports torch: notebooks read the committed results (:func:`load`).
"""

import argparse
import hashlib
import json
import shutil
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from . import paths
from .output import atomic_write_text

OUT = paths.DATA / "recomputed"
PARTS = ("structure", "migration", "interstitial", "diffusion")
#: The code that makes each part's results and files (its sha256 is recorded; a test compares it with the
#: committed code).
CODE = {"structure": ("mlp.py", "relaxation.py", "bonds.py"),
        "migration": ("mlp.py", "relaxation.py", "bonds.py", "migration.py"),
        "interstitial": ("mlp.py", "relaxation.py", "bonds.py", "migration.py", "interstitials.py"),
        "diffusion": ("mlp.py", "relaxation.py", "bonds.py", "md.py", "mlp_forces.py")}
#: The code that analyses a part's files, hashed apart from :data:`CODE` (see :func:`reanalyse`).
ANALYSIS = {"diffusion": ("diffusion.py",)}


@lru_cache(maxsize=1)
def cases() -> dict:
    return yaml.safe_load((Path(__file__).with_name("recompute_cases.yaml")).read_text())


def case(name) -> dict:
    if name not in cases():
        raise ValueError(f"unknown recomputation case {name!r}; recompute_cases.yaml has {sorted(cases())}")
    return cases()[name]


def code_sha256(part, table=CODE) -> str:
    """sha256 over the source files of ``part`` in ``table`` (:data:`CODE` or :data:`ANALYSIS`), in order."""
    digest = hashlib.sha256()
    for name in table[part]:
        digest.update(name.encode() + (Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def _sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def folder(case_name, root=OUT) -> Path:
    return Path(root) / case_name


def checkpoint_folder(case_name, root=OUT) -> Path:
    """Where the MD runs of ``case_name`` keep their checkpoints: ``.cache/recompute/<case>`` of the
    repository for the committed results, else ``<root>/.checkpoints/<case>`` (never committed)."""
    if Path(root).resolve() == OUT.resolve():
        return paths.ROOT / ".cache" / "recompute" / case_name
    return Path(root) / ".checkpoints" / case_name


def part_files(case_name, part, root=OUT) -> list:
    """The json of a computed part and every file it names, as paths (a figure's provenance)."""
    document = load(case_name, part, root)
    if document is None:
        raise FileNotFoundError(f"{folder(case_name, root) / f'{part}.json'}: the part {part!r} of the case "
                                f"{case_name!r} is not computed (python -m paper_lib.recompute --case {case_name} "
                                f"--part {part})")
    base = folder(case_name, root)
    return [base / f"{part}.json"] + [base / name for name in files(document)]


def load(case_name="full", part="structure", root=OUT) -> dict | None:
    """The committed results of a part (None when that part was not computed)."""
    path = folder(case_name, root) / f"{part}.json"
    return json.loads(path.read_text()) if path.exists() else None


# ---------------------------------------------------------------- the parts

def _structure(spec, calc, work):
    from . import relaxation

    results = {}
    for phase in spec["phases"]:
        cif = paths.ROOT / phase["cif"]
        published = relaxation.from_cif(cif)
        relaxed = relaxation.relax(published, calc, cell=phase["cell"], fmax=spec["fmax"], symmetry=True)
        units = published.get_chemical_symbols().count("B")
        name = f"structures/{phase['name']}.extxyz"
        _write_atoms(relaxed.atoms, work / name)
        before = relaxation.summary(published, phase["reflections"])
        after = relaxation.summary(relaxed.atoms, phase["reflections"])
        results[phase["name"]] = {
            "cif": phase["cif"], "cell": phase["cell"], "file": name, "formula_units": units,
            "energy_per_unit": relaxed.energy / units, "fmax": relaxed.fmax, "stress_gpa": relaxed.stress_gpa,
            "steps": relaxed.steps, "converged": relaxed.converged,
            "published": before, "relaxed": after, "change_pct": relaxation.compare(after, before)}
    return results, [(phase["cif"], paths.ROOT / phase["cif"]) for phase in spec["phases"]]


def _bulk(name, target):
    """The relaxed bulk structure ``name`` of the structure part in ``target``, and its path."""
    import ase.io

    path = target / "structures" / f"{name}.extxyz"
    if not path.exists():
        raise FileNotFoundError(f"{path}: the relaxed {name} is not computed; run the part 'structure' first")
    return ase.io.read(path), path


def _neb_run(args):
    """One NEB run (in a worker process): the band written to ``dest``, its results returned."""
    from . import migration, mlp

    run, bulk, fmax, endpoint_fmax, device, dest = args
    calc = mlp.calculator(device)
    hop = migration.li_hops(bulk)[run["hop"]]
    big = migration.supercell(bulk, run["supercell"])
    # the same hop in the supercell: the first hop of its length from the same Li
    big_hop = next(h for h in migration.li_hops(big, origin=hop.start, max_distance=hop.length + 0.01)
                   if abs(h.length - hop.length) < 0.01)
    initial, final = migration.vacancy_endpoints(big, big_hop, calc, fmax=endpoint_fmax)
    return _band(run, hop.length, initial, final, calc, fmax, dest)


def _band(run, hop_length, initial, final, calc, fmax, dest):
    """The NEB band of ``run`` between two relaxed end states, written to ``dest``; its results."""
    from . import migration, neb
    from .readers.structures import read_neb

    band = migration.band(initial.atoms, final.atoms, calc, n_images=run["images"], fmax=fmax)
    migration.write_band(band, dest)
    barrier = neb.barriers(read_neb(dest))
    return {"hop": run["hop"], "hop_length": hop_length, "supercell": list(run["supercell"]),
            "images": run["images"], "atoms": len(initial.atoms), "converged": band.converged,
            "steps": band.steps, "residual_fmax": band.fmax,
            "barrier_images": barrier.forward_images, "barrier_spline": barrier.forward_spline,
            "reverse_images": barrier.reverse_images, "interpolation_uncertainty": barrier.interpolation_uncertainty,
            "reaction_energy": barrier.reaction_energy}


def _map(function, items, jobs):
    if jobs <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(min(jobs, len(items)), mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(function, items))


def _migration(spec, work, target, device, jobs):
    bulk, path = _bulk(spec["bulk"], target)
    names = ["bands/vacancy_hop{hop}_{sc}_{images}images.extxyz".format(
        hop=run["hop"], sc="x".join(map(str, run["supercell"])), images=run["images"]) for run in spec["runs"]]
    (work / "bands").mkdir()
    items = [(run, bulk, spec["fmax"], spec["endpoint_fmax"], device, work / name)
             for run, name in zip(spec["runs"], names)]
    runs = [{**result, "file": name} for result, name in zip(_map(_neb_run, items, jobs), names)]
    return {"runs": runs}, [(path.relative_to(target).as_posix(), path)]


def _interstitial_run(args):
    """One interstitial NEB run (in a worker process): the band written to ``dest``, its results returned."""
    from . import interstitials, migration, mlp

    run, bulk, position, fmax, endpoint_fmax, device, dest = args
    calc = mlp.calculator(device)
    big = migration.supercell(bulk, run["supercell"])
    hop = interstitials.hops(bulk, run["supercell"], position)[run["hop"]]
    initial, final = interstitials.endpoints(big, hop, calc, fmax=endpoint_fmax)
    return _band(run, hop.length, initial, final, calc, fmax, dest)


def _interstitial(spec, calc, work, target, device, jobs):
    """The Li interstitial sites of the bulk (every symmetry-distinct void filled and relaxed in the
    supercell), then NEB of the hops from the lowest site (:mod:`paper_lib.interstitials`)."""
    from . import interstitials, migration

    bulk, path = _bulk(spec["bulk"], target)
    host = migration.supercell(bulk, spec["supercell"])
    candidates = interstitials.distinct(bulk, interstitials.voids(bulk))
    found = interstitials.sites(host, candidates, calc, fmax=spec["site_fmax"])
    rows = []
    for k, site in enumerate(found):
        name = f"structures/{spec['bulk']}_Li_interstitial_{k}.extxyz"
        _write_atoms(site.relaxed, work / name)
        rows.append({"file": name, "energy_eV": site.energy, "relative_energy_eV": site.energy - found[0].energy,
                     "clearance_A": site.void.clearance, "moved_A": site.moved,
                     "void_fractional": [float(f) for f in bulk.cell.scaled_positions(np.array([site.void.position]))[0]],
                     "fractional": [float(f) for f in bulk.cell.scaled_positions(np.array([site.position]))[0] % 1.0]})
    position = np.array(rows[0]["fractional"]) @ bulk.cell.array  # the lowest site, in the first bulk cell
    names = ["bands/interstitial_hop{hop}_{sc}_{images}images.extxyz".format(
        hop=run["hop"], sc="x".join(map(str, run["supercell"])), images=run["images"]) for run in spec["runs"]]
    (work / "bands").mkdir()
    items = [(run, bulk, position, spec["fmax"], spec["endpoint_fmax"], device, work / name)
             for run, name in zip(spec["runs"], names)]
    runs = [{**result, "file": name} for result, name in zip(_map(_interstitial_run, items, jobs), names)]
    return ({"candidates": len(candidates), "sites": rows, "runs": runs},
            [(path.relative_to(target).as_posix(), path)])


def _md_run(args):
    """One MD run (in a worker process): the trajectory written to ``dest``, its summary returned. The run
    saves checkpoints to ``checkpoint`` and resumes from one of the same run (:func:`paper_lib.md.run`)."""
    from . import md, migration, mlp, mlp_forces
    from .readers.trajectory import read_extxyz

    temperature, bulk, spec, device, seed, dest, checkpoint = args
    temperature = float(temperature)  # 425 and 425.0 are one run (and one checkpoint)
    calc = mlp_forces.calculator(device)
    cell = migration.supercell(bulk, spec["supercell"])
    fingerprint = json.dumps([code_sha256("diffusion"), mlp.identity(device)], sort_keys=True)
    result = md.run(cell, calc, temperature, spec["duration_fs"], interval_fs=spec["interval_fs"],
                    equilibration_fs=spec["equilibration_fs"], timestep_fs=spec["timestep_fs"], seed=seed,
                    checkpoint=checkpoint, fingerprint=fingerprint, log=lambda line: print(line, flush=True))
    md.write(result, dest)
    return {"temperature_K": float(temperature), "mean_temperature_K": result.mean_temperature_K,
            "atoms": len(cell), "seed": seed, **_md_analysis(read_extxyz(dest))}


def _md_analysis(ds) -> dict:
    """What :mod:`paper_lib.diffusion` makes of one trajectory: the Li MSD and D, the framework check."""
    from . import diffusion

    found = diffusion.diffusion_coefficient(ds, "Li")
    table, frame = found.table, diffusion.framework(ds, "B")
    return {"li_atoms": int(table.attrs["atoms"]), "run_fs": float(table.attrs["run_fs"]),
            "msd_final_A2": float(table.msd.values[-1]), "lag_final_fs": float(table.lag.values[-1]),
            "D_cm2_s": None if found.d is None else found.d.value,
            "D_stderr_cm2_s": None if found.d is None else found.d.stderr,
            "window_fs": None if found.window_fs is None else list(found.window_fs),
            "number_density_cm3": diffusion.number_density(ds, "Li"),
            "framework": {"element": frame.element, "rms_displacement_A": frame.rms_displacement_A,
                          "lag_fs": frame.lag_fs, "neighbour_distance_A": frame.neighbour_distance_A,
                          "ratio": frame.ratio, "intact": frame.intact}}


#: What a committed MD run keeps when it is taken over (:func:`_reusable`); the rest is analysis.
MD_FIELDS = ("temperature_K", "mean_temperature_K", "atoms", "seed")


def _reusable(spec, target, bulk_path, device) -> dict:
    """The committed runs in ``target`` that this part would compute again bit for bit, by (temperature K,
    seed): made by the same code (:data:`CODE`), potential, bulk structure and run parameters (the list
    of temperatures aside). A temperature added to a scan then costs only its own run."""
    from . import mlp

    document = load(target.name, "diffusion", target.parent)
    if document is None or document["code_sha256"] != code_sha256("diffusion"):
        return {}
    same = ({k: v for k, v in document["parameters"].items() if k != "temperatures"}
            == {k: v for k, v in spec.items() if k != "temperatures"})
    inputs = [item["sha256"] for item in document["inputs"]] == [_sha(bulk_path)]
    if not (same and inputs and document["potential"] == mlp.identity(device)):
        return {}
    return {(float(run["temperature_K"]), int(run["seed"])): run for run in document["results"]["runs"]
            if (target / run["file"]).is_file()}


def _diffusion(spec, work, target, device, jobs, checkpoints, log=print):
    from .readers.trajectory import read_extxyz

    bulk, path = _bulk(spec["bulk"], target)
    names = [f"trajectories/md_{int(t)}K.extxyz" for t in spec["temperatures"]]
    (work / "trajectories").mkdir()
    items = [(t, bulk, spec, device, k, work / name, checkpoints / f"md_{int(t)}K.npz")
             for k, (t, name) in enumerate(zip(spec["temperatures"], names))]
    kept = _reusable(spec, target, path, device)
    computed = iter(_map(_md_run, [item for item in items if (float(item[0]), item[4]) not in kept], jobs))
    runs = []
    for item, name in zip(items, names):
        old = kept.get((float(item[0]), item[4]))
        if old is None:
            summary = next(computed)
        else:
            log(f"{item[0]:g} K: the committed run is what this code makes; taken over, analysed again")
            shutil.copyfile(target / old["file"], work / name)
            summary = {**{k: old[k] for k in MD_FIELDS}, **_md_analysis(read_extxyz(work / name))}
        runs.append({**summary, "file": name})
    return {"runs": runs}, [(path.relative_to(target).as_posix(), path)]


def _write_atoms(atoms, path):
    import ase.io

    path.parent.mkdir(parents=True, exist_ok=True)
    atoms = atoms.copy()
    atoms.calc = None
    atoms.info = {}
    ase.io.write(path, atoms, format="extxyz")


# ---------------------------------------------------------------- running and writing

def run(case_name="full", parts=PARTS, device="cpu", jobs=1, root=OUT, log=print, checkpoints=None) -> list:
    """Compute ``parts`` of ``case_name`` and write each into ``root/<case>/`` (whole or not at all).

    The MD runs save checkpoints in ``checkpoints`` (default :func:`checkpoint_folder`): an interrupted
    diffusion part, run again with the same code and case, resumes where it stopped. They are deleted
    once the part is written."""
    from . import mlp

    spec = case(case_name)
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown part(s) {sorted(unknown)}; parts are {PARTS}")
    calc = mlp.calculator(device)  # also sets the one torch thread that the potential's identity records
    target = folder(case_name, root)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for part in [p for p in PARTS if p in parts]:
        work = Path(tempfile.mkdtemp(dir=target, prefix=f".{part}-")) / part
        work.mkdir()
        try:
            log(f"{case_name}/{part}: computing")
            start = time.perf_counter()
            if part == "structure":
                results, inputs = _structure(spec[part], calc, work)
            elif part == "migration":
                results, inputs = _migration(spec[part], work, target, device, jobs)
            elif part == "interstitial":
                results, inputs = _interstitial(spec[part], calc, work, target, device, jobs)
            else:
                saved = checkpoint_folder(case_name, root) if checkpoints is None else Path(checkpoints)
                results, inputs = _diffusion(spec[part], work, target, device, jobs, saved, log)
            document = {"case": case_name, "part": part, "parameters": spec[part],
                        "inputs": [{"file": label, "sha256": _sha(path)} for label, path in inputs],
                        "code_sha256": code_sha256(part), "code": list(CODE[part]),
                        **_analysis_stamp(part), "potential": mlp.identity(device), "results": results}
            (work / f"{part}.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
            _install(work, target, part)
            if part == "diffusion":
                shutil.rmtree(saved, ignore_errors=True)
            written.append(target / f"{part}.json")
            log(f"{case_name}/{part}: written in {time.perf_counter() - start:.0f} s")
        finally:
            shutil.rmtree(work.parent, ignore_errors=True)
    return written


def _analysis_stamp(part) -> dict:
    return {"analysis_sha256": code_sha256(part, ANALYSIS), "analysis": list(ANALYSIS[part])} if part in ANALYSIS else {}


def reanalysed(document, base) -> dict:
    """``document`` (a part's json, its files in ``base``) with its analysis made again by the current
    :data:`ANALYSIS` code from its files; what the files came from (temperatures, seeds) is kept."""
    from .readers.trajectory import read_extxyz

    part = document["part"]
    if part not in ANALYSIS:
        raise ValueError(f"the {part!r} part has no separate analysis to redo; parts that have: {sorted(ANALYSIS)}")
    runs = [{**run, **_md_analysis(read_extxyz(Path(base) / run["file"]))} for run in document["results"]["runs"]]
    return {**document, **_analysis_stamp(part), "results": {**document["results"], "runs": runs}}


def reanalyse(case_name="full", part="diffusion", root=OUT, log=print) -> Path:
    """Rewrite a computed part's json with its files analysed again by the current :data:`ANALYSIS` code
    (seconds, without torch); the files stay as they are. The json is replaced atomically."""
    document = load(case_name, part, root)
    if document is None:
        raise FileNotFoundError(f"{folder(case_name, root) / f'{part}.json'}: nothing to reanalyse; compute the "
                                f"part first (python -m paper_lib.recompute --case {case_name} --part {part})")
    if document["code_sha256"] != code_sha256(part):
        raise ValueError(f"{case_name}/{part}: the code that makes its files ({', '.join(CODE[part])}) changed "
                         f"since they were made, so they are not what it makes: compute the part again")
    fresh = reanalysed(document, folder(case_name, root))
    path = atomic_write_text(folder(case_name, root) / f"{part}.json", json.dumps(fresh, indent=1, sort_keys=True) + "\n")
    log(f"{case_name}/{part}: reanalysed")
    return path


def _install(work, target, part):
    """Replace the part's files in ``target`` by those in ``work``: the json last, so a reader never sees
    a json whose files are missing."""
    old = target / f"{part}.json"
    if old.exists():
        previous = json.loads(old.read_text())
        for name in files(previous):
            (target / name).unlink(missing_ok=True)
        old.unlink()
    for path in sorted(work.rglob("*")):
        if path.is_file() and path.name != f"{part}.json":
            dest = target / path.relative_to(work)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, dest)
    shutil.move(work / f"{part}.json", old)


def files(document) -> list:
    """The files a part's document names, relative to its case folder: bands, sites or trajectories."""
    results = document.get("results", {})
    if "runs" in results:
        rows = results["runs"] + results.get("sites", [])
    else:
        rows = list(results.values())
    return [row["file"] for row in rows if isinstance(row, dict) and "file" in row]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default="full", choices=sorted(cases()))
    parser.add_argument("--part", nargs="+", choices=PARTS,
                        help="default: every part (with --reanalyse: every part with a separate analysis)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--jobs", type=int, default=1, help="NEB bands or MD runs computed side by side")
    parser.add_argument("--root", type=Path, default=OUT)
    parser.add_argument("--reanalyse", action="store_true",
                        help="analyse the committed files of the parts again with the current analysis code")
    args = parser.parse_args(argv)
    if args.reanalyse:
        for part in args.part or list(ANALYSIS):
            reanalyse(args.case, part, args.root)
    else:
        run(args.case, args.part or list(PARTS), args.device, args.jobs, args.root)


if __name__ == "__main__":
    main()
