"""Execute the notebooks, compare what they make with the committed outputs, and install it.

    python -m paper_lib.build [--jobs N] [--force] [fig2 figS11 ...]

- Notebooks run on a LocalCluster of :mod:`paper_lib.engine`, the batch's engine: one worker per job,
  each notebook in a fresh kernel forked from the worker's warm fork server (one BLAS thread each:
  :mod:`paper_lib.numeric_env`). What it made comes back to staging; a notebook that fails leaves
  everything as it was.
- What a notebook made is compared with the committed outputs (:mod:`paper_lib.compare`). When every
  file agrees within the tolerances the committed files are kept byte for byte, so that a rebuild on
  another machine leaves git clean; otherwise all of the notebook's new outputs replace the old ones.
- The build ends with a verdict per notebook: identical, agrees within tolerance (where, by how much),
  or changed (where).
- A notebook is skipped when this machine has already executed it with the same inputs (code cells,
  paper_lib, data registry and manifests, pinned environment) in the same numeric environment, and
  its outputs are intact. That skip cache, ``.cache/build.json``, is local and untracked: the first
  build on a machine executes and checks everything.
- figures/claims.json, REPRODUCTION.md and MANIFEST.json are then rewritten from the per-notebook
  files (deterministically); the commit, the date, the numeric environment and the verdict go to the
  untracked figures/BUILD_INFO.json.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .execute import executed_text

STAGING = paths.FIGURES / ".build"
MANIFEST = paths.FIGURES / "MANIFEST.json"
CACHE = paths.ROOT / ".cache" / "build.json"
SHOWN = 4  # differences listed per notebook in the verdict


@dataclass
class Outcome:
    """What executing one notebook gave: ``status`` is identical, agrees, changed, new or failed."""

    name: str
    status: str
    differences: list = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""


AFTER = ["audit", "summary"]  # notebooks that read what the figure notebooks computed: executed after them
# the independent recomputation (paper_lib.recompute): they read data/recomputed/, and so does the audit
RECOMPUTED = ["recompute_structure", "recompute_migration", "recompute_diffusion"]


def notebooks(names=None):
    found = sorted(p.stem for p in paths.NOTEBOOKS.glob("fig*.ipynb"))
    found += [n for n in RECOMPUTED if (paths.NOTEBOOKS / f"{n}.ipynb").exists()]
    found += [n for n in AFTER if (paths.NOTEBOOKS / f"{n}.ipynb").exists()]
    if names:
        unknown = set(names) - set(found)
        if unknown:
            raise SystemExit(f"unknown notebook(s): {sorted(unknown)}; have {found}")
        return [n for n in found if n in names]
    return found


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def inputs_key(name) -> str:
    """Everything a notebook's outputs depend on, hashed."""
    from . import provenance

    digest = hashlib.sha256()
    digest.update(provenance.notebook_hash(name).encode())
    digest.update(provenance.library_hash().encode())
    later = sorted(paths.CLAIMS_DIR.glob("*.json")) if name in AFTER else []
    if name in AFTER or name in RECOMPUTED:
        later += sorted(p for p in (paths.DATA / "recomputed").rglob("*") if p.is_file())
    for path in [paths.REGISTRY, paths.ROOT / "requirements" / "figures.lock",
                 *sorted(paths.MANIFESTS.glob("*.yaml")), *later]:
        if path.exists():
            digest.update(path.name.encode() + _sha(path).encode())
    return digest.hexdigest()


def environment_key() -> str:
    """Hash of this machine's numeric environment (architecture, SIMD paths, BLAS kernel, threads)."""
    from . import numeric_env

    return hashlib.sha256(json.dumps(numeric_env.fingerprint(), sort_keys=True).encode()).hexdigest()


def _load(path, empty):
    return json.loads(Path(path).read_text()) if Path(path).exists() else empty


def load_manifest() -> dict:
    return _load(MANIFEST, {"notebooks": {}, "figures": {}})


def up_to_date(name, cache, env_key) -> bool:
    """Executed on this machine with these inputs and this numeric environment, outputs intact."""
    entry = cache.get("notebooks", {}).get(name)
    if not entry or entry.get("inputs_sha256") != inputs_key(name) or entry.get("environment_sha256") != env_key:
        return False
    return all((paths.ROOT / f).exists() and _sha(paths.ROOT / f) == h for f, h in entry["outputs"].items())


# ------------------------------------------------------------------ one notebook
def notebook_task(name):
    """The engine's task for one notebook of the build: no parameters, this machine's paths."""
    from . import engine

    return engine.task(name, name, {}, source=paths.NOTEBOOKS / f"{name}.ipynb", cwd=paths.NOTEBOOKS,
                       check_repository=False)


def _stage(name, result) -> dict:
    """Write what a run made to staging; ``{repository path: staged file}``."""
    stage = STAGING / name
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "figures").mkdir(parents=True)
    for relative, data in result["files"].items():
        (stage / "figures" / relative).parent.mkdir(parents=True, exist_ok=True)
        (stage / "figures" / relative).write_bytes(data)
    executed = stage / f"{name}.executed.ipynb"
    executed.write_text(result["notebook"])
    text = executed_text(name, executed)
    executed.unlink()
    notebook = stage / "notebook" / f"{name}.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(text)
    staged = {(paths.FIGURES / p.relative_to(stage / "figures")): p
              for p in sorted((stage / "figures").rglob("*")) if p.is_file()}
    staged[paths.NOTEBOOKS / f"{name}.ipynb"] = notebook
    return staged


def compare_staged(staged: dict):
    """``(status, differences)`` of staged outputs against the committed ones."""
    from . import claims, compare

    differences, missing = [], []
    for target, new in staged.items():
        where = target.relative_to(paths.ROOT).as_posix()
        if not target.exists():
            missing.append(where)
            continue
        digits = claims.DIGITS.get if target.parent.name == "claims" else None
        differences += compare.files(target, new, where, digits=digits)
    if missing:  # "new": none of its figures, claims or provenance were committed before
        first = len(missing) == len([t for t in staged if t.suffix != ".ipynb"])
        return ("new" if first else "changed"), differences + [
            compare.Difference(m, "absent", "made", False) for m in missing]
    if compare.real(differences):
        return "changed", differences
    return ("agrees" if differences else "identical"), differences


def install_result(name, result, log=print) -> Outcome:
    """Compare a finished run with the committed outputs, then keep them or install the new ones."""
    seconds = result.get("seconds", 0.0)
    if result["status"] != "ok":
        return Outcome(name, "failed", error=f"{name}: execution failed; nothing was written.\n{result.get('error')}",
                       seconds=seconds)
    try:
        staged = _stage(name, result)
        status, differences = compare_staged(staged)
        if status in ("changed", "new"):
            for target, new in staged.items():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(new, target)
    except RuntimeError as exc:
        return Outcome(name, "failed", error=f"{name}: execution failed; nothing was written.\n{exc}",
                       seconds=seconds)
    finally:
        shutil.rmtree(STAGING / name, ignore_errors=True)
    outcome = Outcome(name, status, differences, seconds)
    log(f"{name}: executed in {outcome.seconds:.1f} s, {status}")
    return outcome


def run_all(names, jobs, log=print) -> list:
    """Execute ``names`` on a LocalCluster of ``jobs`` workers (:mod:`paper_lib.engine`), in warm kernels."""
    from . import engine

    if not names:
        return []
    outcomes = {}
    with engine.cluster(workers=max(1, min(jobs, len(names)))) as client:
        for t, result in engine.execute(client, [notebook_task(n) for n in names], progress=False, retries=0):
            outcomes[t["name"]] = install_result(t["name"], result, log)
    return [outcomes[n] for n in names]


def outputs_of(name) -> dict:
    """``{repository path: sha256}`` of a notebook's committed outputs (its figures and the notebook)."""
    found = {f"notebooks/{name}.ipynb"}
    for pattern in (f"{name}.png", f"{name}.pdf", f"claims/{name}.json", f"provenance/{name}.json",
                    f"tables/{name}_*.csv"):
        found |= {p.relative_to(paths.ROOT).as_posix() for p in paths.FIGURES.glob(pattern)}
    return {f: _sha(paths.ROOT / f) for f in sorted(found) if (paths.ROOT / f).exists()}


# ------------------------------------------------------------------ the verdict
def verdict_lines(outcomes, environment: str) -> list:
    """The end of the build: which notebooks' outputs are identical to the committed ones, which agree
    within tolerance (and what moved), which differ (and where)."""
    from .compare import real

    lines = [f"Compared with the committed outputs, on {environment}:"]
    same = [o.name for o in outcomes if o.status == "identical"]
    if same:
        lines.append(f"  identical: {', '.join(same)}")
    for o in outcomes:
        if o.status == "identical":
            continue
        shown = [] if o.status == "new" else real(o.differences) if o.status == "changed" else o.differences
        inputs, shown = _provenance_changes(shown)
        lines.append(f"  {o.name}: {VERDICT[o.status]}" + (f"; its inputs changed: {', '.join(inputs)}" if inputs else ""))
        lines += [f"      {d}" for d in shown[:SHOWN]]
        if len(shown) > SHOWN:
            lines.append(f"      … and {len(shown) - SHOWN} more")
    counts = {word: sum(o.status == s for o in outcomes) for s, word in COUNTED.items()}
    lines.append(f"{len(outcomes)} notebook(s) executed: " + ", ".join(f"{n} {w}" for w, n in counts.items() if n))
    return lines


VERDICT = {"identical": "identical", "agrees": "agrees within tolerance (committed files kept)",
           "changed": "DIFFERS, new outputs written (git diff shows them)", "new": "new outputs written",
           "failed": "FAILED (nothing written)"}
COUNTED = {"identical": "identical", "agrees": "within tolerance", "changed": "differ", "new": "new", "failed": "failed"}
PROVENANCE_FIELDS = {"paper_lib_sha256": "paper_lib", "notebook_sha256": "notebook code", ".data": "data",
                     ".versions": "package versions", ".parameters": "parameters"}


def _provenance_changes(differences):
    """``(what changed among the inputs the provenance records, the other differences)``."""
    inputs, rest = [], []
    for d in differences:
        if "provenance" in d.where or "metadata" in d.where:
            kind = next((v for k, v in PROVENANCE_FIELDS.items() if k in d.where), None)
            if kind:
                inputs += [kind] if kind not in inputs else []
                continue
        rest.append(d)
    return inputs, rest


# ------------------------------------------------------------------ the whole build
def finish(manifest: dict, verdict=None, environment=None):
    """Rewrite claims.json, REPRODUCTION.md, MANIFEST.json (deterministic) and BUILD_INFO.json."""
    from . import claims
    from .output import atomic_write_text

    reference = True
    figures = {}
    claimed = {f"notebooks/{p.stem}.ipynb" for p in paths.CLAIMS_DIR.glob("*.json")}
    for path in sorted((paths.FIGURES / "provenance").glob("*.json")):
        record = json.loads(path.read_text())
        figures[record["figure"]] = record
        if record["notebook"] in claimed:  # the claims' data: those of the notebooks that computed claims
            reference = reference and record.get("reference_data", True)
    manifest["figures"] = figures
    manifest["notebooks"] = dict(sorted(manifest["notebooks"].items()))
    claims.merge(reference_data=reference)
    atomic_write_text(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    git = lambda *a: subprocess.run(["git", *a], cwd=paths.ROOT, capture_output=True, text=True).stdout.strip()
    atomic_write_text(paths.FIGURES / "BUILD_INFO.json", json.dumps(
        {"commit": git("rev-parse", "HEAD") or None, "dirty_tree": bool(git("status", "--porcelain")),
         "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "numeric_environment": environment,
         "verdict": verdict}, indent=1) + "\n")


def build(names=None, jobs=2, force=False, log=print) -> int:
    from . import numeric_env
    from .output import atomic_write_text

    manifest, cache, env_key = load_manifest(), _load(CACHE, {"notebooks": {}}), environment_key()
    selected = notebooks(names)
    todo = [n for n in selected if n not in AFTER and (force or not up_to_date(n, cache, env_key))]
    outcomes = run_all(todo, jobs, log)
    todo += [n for n in selected if n in AFTER and (force or not up_to_date(n, cache, env_key))]
    outcomes += run_all([n for n in todo if n in AFTER], jobs, log)
    if len(selected) > len(todo):
        log(f"{len(selected) - len(todo)} notebook(s) up to date (already checked on this machine)")
    for o in outcomes:
        if o.status != "failed":
            manifest["notebooks"][o.name] = {"inputs_sha256": inputs_key(o.name), "outputs": outputs_of(o.name)}
            cache["notebooks"][o.name] = {**manifest["notebooks"][o.name], "environment_sha256": env_key,
                                          "verdict": o.status}
    known = set(notebooks())
    manifest["notebooks"] = {k: v for k, v in manifest["notebooks"].items() if k in known}
    environment = numeric_env.describe()
    lines = verdict_lines(outcomes, environment) if outcomes else []
    finish(manifest, {o.name: o.status for o in outcomes} or None, numeric_env.fingerprint())
    cache["notebooks"] = {k: v for k, v in cache["notebooks"].items() if k in known}
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(CACHE, json.dumps(cache, indent=1, sort_keys=True) + "\n")
    for line in lines:
        log(line)
    for o in outcomes:
        if o.status == "failed":
            log(o.error)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def main(argv=None):
    from . import numeric_env

    numeric_env.pin_this_process()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: all fig*.ipynb, the recomputation's and the audit's)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="notebooks run at once")
    parser.add_argument("--force", action="store_true", help="execute even if already checked here")
    args = parser.parse_args(argv)
    sys.exit(build(args.notebooks or None, args.jobs, args.force))


if __name__ == "__main__":
    main()
