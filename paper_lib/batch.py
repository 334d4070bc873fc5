"""Run one figure notebook on many data sets: papermill in parallel, one output folder per run.

    python -m paper_lib.batch figS11 --manifests lab/*.yaml --manifest-parameter eis_manifest \\
        -p sample=LiBH4-70LiNBH -p temperature_C=30 --out results/ --jobs 4
    python -m paper_lib.batch figS11 --runs runs.yaml --out results/

``runs.yaml``: ``runs: [{name: pelletA, parameters: {eis_manifest: a.yaml, sample: A}}, ...]``.
With ``--manifests`` every manifest is one run named after its file. Each run writes
``<out>/<run>/`` (executed notebook, figures, claims) only if the notebook ran to the end; a failed run
leaves nothing but its line in ``<out>/summary.json``, which lists every run's status, error, claims and
remarks (a flagged fit among them).
Relative manifest paths are made absolute, since the notebooks run in notebooks/.
"""

import argparse
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from . import paths
from .execute import clean_notebook, papermill
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
    base = Path(path).resolve().parent
    for run in runs:  # manifest paths relative to the runs file
        for key, value in (run.get("parameters") or {}).items():
            if key.endswith("_manifest") and isinstance(value, str) and not Path(value).is_absolute():
                run["parameters"][key] = str((base / value).resolve())
    return runs


def run_one(notebook, run, out):
    """Execute one run; install ``<out>/<name>/`` only on success. Returns its summary entry."""
    import nbformat

    stage, final = out / ".staging" / run["name"], out / run["name"]
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    parameters = {**(run.get("parameters") or {}), "output_dir": str(stage)}
    entry = {"name": run["name"], "parameters": run.get("parameters") or {}}
    try:
        papermill(paths.NOTEBOOKS / f"{notebook}.ipynb", stage / f"{notebook}.ipynb", stage, parameters)
    except RuntimeError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        return {**entry, "status": "failed", "error": str(exc).strip().splitlines()[-1] if str(exc).strip() else ""}
    nb = clean_notebook(json.loads((stage / f"{notebook}.ipynb").read_text()))
    (stage / f"{notebook}.ipynb").write_text(nbformat.writes(nbformat.from_dict(nb)) + "\n")
    shutil.rmtree(final, ignore_errors=True)
    stage.rename(final)
    claims_file = final / "claims" / f"{notebook}.json"
    record = json.loads(claims_file.read_text()) if claims_file.exists() else {}
    claims = record.get("claims", [])
    return {**entry, "status": "ok", "claims": [{k: c[k] for k in ("id", "computed", "uncertainty", "unit", "status")}
                                                 for c in claims],
            "remarks": [{"topic": r["topic"], "text": r["text"]} for r in record.get("remarks", [])]}


def batch(notebook, runs, out, jobs=2, log=print):
    """Run ``notebook`` for every run in parallel; write ``<out>/summary.json``; return the summary."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(lambda run: run_one(notebook, run, out), runs))
    shutil.rmtree(out / ".staging", ignore_errors=True)
    for r in results:
        log(f"{r['name']}: {r['status']}" + (f" ({r['error']})" if r["status"] == "failed" else ""))
    summary = {"notebook": notebook, "runs": results,
               "ok": sum(r["status"] == "ok" for r in results), "failed": sum(r["status"] == "failed" for r in results)}
    atomic_write_text(out / "summary.json", json.dumps(summary, indent=1) + "\n")
    return summary


def _value(text):
    return yaml.safe_load(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="figure notebook name, e.g. figS11")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--manifests", nargs="+", help="one run per manifest file")
    source.add_argument("--runs", help="YAML file listing the runs and their parameters")
    parser.add_argument("--manifest-parameter", default="eis_manifest", help="parameter that takes the manifest")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter for every run (VALUE read as YAML)")
    parser.add_argument("--out", required=True, help="output folder (one subfolder per run, summary.json)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if not (paths.NOTEBOOKS / f"{args.notebook}.ipynb").exists():
        raise SystemExit(f"no notebook notebooks/{args.notebook}.ipynb")
    common = dict((k, _value(v)) for k, v in (p.split("=", 1) for p in args.parameter))
    runs = (runs_from_manifests(args.manifests, args.manifest_parameter, common) if args.manifests
            else runs_from_file(args.runs))
    summary = batch(args.notebook, runs, args.out, args.jobs)
    print(f"{summary['ok']} ok, {summary['failed']} failed; {Path(args.out) / 'summary.json'}")
    raise SystemExit(1 if summary["failed"] else 0)


if __name__ == "__main__":
    main()
