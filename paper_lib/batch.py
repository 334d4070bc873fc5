"""Run one figure notebook on many data sets, on a Dask cluster; one folder per run and one result set.

    python -m paper_lib.batch figS11 --manifests lab/*.yaml --manifest-parameter eis_manifest \\
        -p sample=LiBH4-70LiNBH -p temperature_C=30 --out results/
    python -m paper_lib.batch figS11 --runs runs.yaml --out results/ --scheduler tcp://HOST:8786

``runs.yaml``: ``runs: [{name: pelletA, parameters: {eis_manifest: a.yaml, sample: A}}, ...]`` (manifest
paths relative to it). With ``--manifests`` every manifest is one run named after its file.

- Runs go to the cluster of :func:`paper_lib.engine.cluster`: a ``LocalCluster`` of one worker per core,
  or ``--scheduler`` / ``DASK_SCHEDULER_ADDRESS``. Each run executes in a warm kernel on a worker; the
  manifest and its files travel with it (:func:`paper_lib.engine.ship`).
- ``<out>/<run>/`` (executed notebook, figures, claims, ``run.json``) is installed only when the run
  finished; a failed run is retried once, then leaves only its line (status, error, attempts) in
  ``<out>/summary.json``.
- Resumable: a run whose ``run.json`` records the same inputs (notebook code, paper_lib, pinned
  environment, parameters, the bytes of its manifest and data) is not run again.
- ``<out>/results.nc`` and ``results.csv``: every run's claims and results (the quantities a notebook
  computes from any data, e.g. σ of a lab's pellet) as run × claim: value, uncertainty, status (
  :mod:`paper_lib.batch_results`) and ``<out>/summary_<claim>.png``: one claim across the runs.
- ``--timeout`` (s) and ``--memory-mb`` bound each run's kernel.
"""

import argparse
import hashlib
import json
import shutil
import uuid
from contextlib import nullcontext
from pathlib import Path

import yaml

from . import batch_results, engine, paths
from .output import atomic_write_text


def runs_from_manifests(manifests, parameter, common):
    """One run per manifest file, named after it (names made unique)."""
    runs, seen = [], set()
    for manifest in manifests:
        path = Path(manifest).resolve()
        name, k = path.stem, 1
        while name in seen:
            k += 1
            name = f"{path.stem}-{k}"
        seen.add(name)
        runs.append({"name": name, "parameters": {**common, parameter: str(path)}})
    return runs


def runs_from_file(path):
    doc = yaml.safe_load(Path(path).read_text())
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not isinstance(runs, list) or not all(isinstance(r, dict) and r.get("name") for r in runs):
        raise SystemExit(f"{path}: expected 'runs: [{{name: ..., parameters: {{...}}}}, ...]'")
    names = [str(r["name"]) for r in runs]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SystemExit(f"{path}: run names must be unique; repeated: {duplicated}")
    base = Path(path).resolve().parent
    for run in runs:  # manifest paths relative to the runs file
        for key, value in (run.get("parameters") or {}).items():
            if key.endswith("_manifest") and isinstance(value, str) and not Path(value).is_absolute():
                run["parameters"][key] = str((base / value).resolve())
    return runs


def run_key(task) -> str:
    """Everything a run's outputs depend on, hashed (the resume key)."""
    digest = hashlib.sha256()
    for part in (task["notebook"], task["notebook_sha256"], task["library_sha256"], task["inputs_sha256"],
                 json.dumps(task["parameters"], sort_keys=True, default=str)):
        digest.update(part.encode())
    for path in (paths.ROOT / "requirements" / "figures.lock", paths.REGISTRY):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def finished(out, name, key):
    """The summary entry of a run already installed with these inputs, or None."""
    record = out / name / "run.json"
    try:
        entry = json.loads(record.read_text())
    except (OSError, ValueError):
        return None
    return entry if entry.get("run_key") == key and entry.get("status") == "ok" else None


def entry_of(task, result, key) -> dict:
    """A run's line in the summary."""
    entry = {"name": task["name"], "parameters": task["parameters"], "status": result["status"],
             "attempts": result.get("attempts", 1), "run_key": key}
    for field in ("error", "reason", "first_error", "host", "seconds", "cell_seconds"):
        if result.get(field) is not None:
            entry[field] = round(result[field], 3) if isinstance(result[field], float) else result[field]
    if result["status"] == "ok":
        claims_file = result["files"].get(f"claims/{task['notebook']}.json")
        record = json.loads(claims_file) if claims_file else {}
        entry["claims"] = [{k: c.get(k) for k in ("id", "computed", "uncertainty", "unit", "status", "paper", "quantity")}
                           for c in record.get("claims", [])]
        entry["results"] = [{k: c.get(k) for k in ("id", "computed", "uncertainty", "unit", "status", "quantity")}
                            for c in record.get("results", [])]
        entry["remarks"] = [{"topic": r["topic"], "text": r["text"]} for r in record.get("remarks", [])]
    return entry


def install(out, task, result, entry):
    """Write a finished run to ``<out>/<run>/`` (staged, then renamed into place)."""
    import nbformat

    from .execute import clean_notebook

    stage = out / ".staging" / f"{task['name']}-{uuid.uuid4().hex[:8]}"
    stage.mkdir(parents=True)
    for name, data in result["files"].items():
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        (stage / name).write_bytes(data)
    nb = clean_notebook(json.loads(result["notebook"]))
    (stage / f"{task['notebook']}.ipynb").write_text(nbformat.writes(nbformat.from_dict(nb)) + "\n")
    (stage / "run.json").write_text(json.dumps(entry, indent=1) + "\n")
    final, old = out / task["name"], out / ".staging" / f"old-{task['name']}-{uuid.uuid4().hex[:8]}"
    if final.exists():
        final.rename(old)
    stage.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def batch(notebook, runs, out, client=None, scheduler=None, workers=None, limits=engine.Limits(),
          progress=True, claim=None, log=print):
    """Run ``notebook`` for every run; write ``<out>/summary.json``, results.nc/.csv and the summary
    figure; return the summary."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    entries, todo = {}, []
    for run in runs:
        t = engine.task(notebook, run["name"], run.get("parameters") or {}, limits)
        key = run_key(t)
        previous = finished(out, run["name"], key)
        if previous:
            entries[run["name"]] = {**previous, "skipped": True}
        else:
            todo.append((t, key))
    if entries:
        log(f"{len(entries)} run(s) already done with the same inputs, {len(todo)} to run")
    if todo:
        keys = {t["name"]: key for t, key in todo}
        with nullcontext(client) if client is not None else engine.cluster(scheduler, workers) as c:
            for t, result in engine.execute(c, [t for t, _ in todo], progress, description=notebook):
                entries[t["name"]] = entry = entry_of(t, result, keys[t["name"]])
                if result["status"] == "ok":
                    install(out, t, result, entry)
                else:
                    log(f"{t['name']}: failed after {entry['attempts']} attempt(s): {entry.get('error')}")
    shutil.rmtree(out / ".staging", ignore_errors=True)
    ordered = [entries[r["name"]] for r in runs]
    summary = {"notebook": notebook, "runs": ordered, "ok": sum(r["status"] == "ok" for r in ordered),
               "failed": sum(r["status"] != "ok" for r in ordered)}
    atomic_write_text(out / "summary.json", json.dumps(summary, indent=1) + "\n")
    batch_results.write(summary, out)
    ds = batch_results.dataset(summary)
    chosen = claim or batch_results.default_claim(ds)
    if chosen and chosen in ds.claim.values:
        batch_results.plot_claim(ds, chosen, out / f"summary_{chosen}.png")
    elif claim:
        log(f"claim {claim!r} is not among the runs' claims: {list(ds.claim.values)}")
    return summary


def _value(text):
    return yaml.safe_load(text)


def main(argv=None):
    from . import numeric_env

    numeric_env.pin_this_process()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="figure notebook name, e.g. figS11")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--manifests", nargs="+", help="one run per manifest file")
    source.add_argument("--runs", help="YAML file listing the runs and their parameters")
    parser.add_argument("--manifest-parameter", default="eis_manifest", help="parameter that takes the manifest")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter for every run (VALUE read as YAML)")
    parser.add_argument("--out", required=True, help="output folder (one subfolder per run, summary.json)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: "
                        "DASK_SCHEDULER_ADDRESS, else a LocalCluster)")
    parser.add_argument("--workers", "--jobs", type=int, help="LocalCluster workers (default: one per core)")
    parser.add_argument("--timeout", type=float, default=engine.DEFAULT_TIMEOUT_S, help="seconds per run")
    parser.add_argument("--memory-mb", type=float, default=engine.DEFAULT_MEMORY_MB,
                        help="resident memory per run's kernel, MiB")
    parser.add_argument("--claim", help="claim id drawn across runs in summary_<claim>.png")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not (paths.NOTEBOOKS / f"{args.notebook}.ipynb").exists():
        raise SystemExit(f"no notebook notebooks/{args.notebook}.ipynb")
    common = dict((k, _value(v)) for k, v in (p.split("=", 1) for p in args.parameter))
    runs = (runs_from_manifests(args.manifests, args.manifest_parameter, common) if args.manifests
            else runs_from_file(args.runs))
    summary = batch(args.notebook, runs, args.out, scheduler=args.scheduler, workers=args.workers,
                    limits=engine.Limits(args.timeout, args.memory_mb), progress=not args.no_progress,
                    claim=args.claim)
    print(f"{summary['ok']} ok, {summary['failed']} failed; {Path(args.out) / 'summary.json'}")
    raise SystemExit(1 if summary["failed"] else 0)


if __name__ == "__main__":
    main()
