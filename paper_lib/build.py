"""Execute the notebooks with papermill and collect what they make into figures/.

    python -m paper_lib.build [--jobs N] [--force] [fig2 figS11 ...]

- Notebooks run in parallel (one papermill kernel each), in a staging folder; a notebook's figures,
  claims and executed copy replace the committed ones only when it ran to the end.
- A notebook is skipped when its inputs (code cells, paper_lib, data registry and manifests, pinned
  environment) have the key recorded in figures/MANIFEST.json and its outputs are intact.
- Then figures/claims.json, figures/REPRODUCTION.md and figures/MANIFEST.json are rewritten; the commit
  and date of the build go to the untracked figures/BUILD_INFO.json, so committed files never change
  with the commit.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import paths

STAGING = paths.FIGURES / ".build"
MANIFEST = paths.FIGURES / "MANIFEST.json"
VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")


def notebooks(names=None):
    found = sorted(p.stem for p in paths.NOTEBOOKS.glob("fig*.ipynb"))
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
    for path in [paths.REGISTRY, paths.ROOT / "requirements" / "figures.lock",
                 *sorted(paths.MANIFESTS.glob("*.yaml"))]:
        if path.exists():
            digest.update(path.name.encode() + _sha(path).encode())
    return digest.hexdigest()


def load_manifest() -> dict:
    return json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {"notebooks": {}, "figures": {}}


def up_to_date(name, manifest) -> bool:
    entry = manifest["notebooks"].get(name)
    if not entry or entry.get("inputs_sha256") != inputs_key(name):
        return False
    return all((paths.ROOT / f).exists() and _sha(paths.ROOT / f) == h for f, h in entry["outputs"].items())


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stream outputs of the same stream: how the kernel batches prints into
    messages depends on timing, the text does not."""
    merged = []
    for out in outputs:
        previous = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == out.get("name")):
            previous["text"] = "".join(previous["text"]) + "".join(out["text"])
        else:
            out = dict(out)
            if out.get("output_type") == "stream":
                out["text"] = "".join(out["text"])
            merged.append(out)
    return merged


def clean_notebook(nb: dict) -> dict:
    """Drop what changes from run to run (papermill timings, execution metadata, stream batching)."""
    nb["metadata"].pop("papermill", None)
    nb["metadata"]["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    for cell in nb["cells"]:
        for key in VOLATILE_CELL_METADATA:
            cell.get("metadata", {}).pop(key, None)
        cell.pop("id", None)
        if "outputs" in cell:
            cell["outputs"] = coalesce_streams(cell["outputs"])
    nb["nbformat_minor"] = min(nb.get("nbformat_minor", 4), 4)
    return nb


MACHINE_PATH = re.compile(r"(?<![\w.])/(root|tmp|home|usr|opt|var|work)/[^\s\"']+")


def check_outputs(name, nb: dict):
    """Refuse outputs with machine paths or errors: they would not be reproducible."""
    for index, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise RuntimeError(f"{name}: cell {index} raised {out.get('ename')}: {out.get('evalue')}")
            text = json.dumps(out.get("text", "")) + json.dumps(out.get("data", {}).get("text/plain", ""))
            if MACHINE_PATH.search(text) or str(paths.ROOT) in text:
                raise RuntimeError(f"{name}: cell {index} prints a machine path: {MACHINE_PATH.search(text)}")
            if out.get("name") == "stderr":
                raise RuntimeError(f"{name}: cell {index} wrote to stderr (a warning?): {''.join(out['text'])[:300]}")


def papermill(source, executed, output_dir, parameters=None):
    """Execute notebook ``source`` into ``executed`` with papermill (kernel cwd: notebooks/), outputs to
    ``output_dir``; raise RuntimeError with the end of papermill's report if a cell fails."""
    import yaml

    env = {**os.environ, "PAPER_LIB_OUTPUT_DIR": str(output_dir), "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    args = [sys.executable, "-m", "papermill", "--no-progress-bar", "--kernel", "python3",
            "--cwd", str(paths.NOTEBOOKS), str(source), str(executed)]
    if parameters:
        args += ["--parameters_yaml", yaml.safe_dump(dict(parameters))]
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("\n".join(proc.stderr.strip().splitlines()[-15:]))


def execute(name, log=print) -> dict:
    """Run one notebook in staging; on success move its outputs into place; return its entry."""
    import nbformat

    stage = STAGING / name
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    executed = stage / f"{name}.ipynb"
    start = time.perf_counter()
    try:
        papermill(paths.NOTEBOOKS / f"{name}.ipynb", executed, stage)
    except RuntimeError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise RuntimeError(f"{name}: execution failed; nothing was written.\n{exc}") from None
    nb = clean_notebook(json.loads(executed.read_text()))
    check_outputs(name, nb)
    executed.unlink()
    outputs = _install(stage, name, nbformat.writes(nbformat.from_dict(nb)) + "\n")
    shutil.rmtree(stage, ignore_errors=True)
    log(f"{name}: executed in {time.perf_counter() - start:.1f} s, {len(outputs) - 1} output files")
    return {"inputs_sha256": inputs_key(name), "outputs": outputs}


def _install(stage, name, notebook_text) -> dict:
    """Move staged outputs into figures/ and the executed notebook into notebooks/; return hashes."""
    from .output import atomic_write_text

    outputs = {}
    for src in sorted(p for p in stage.rglob("*") if p.is_file()):
        rel = src.relative_to(stage)
        dest = paths.FIGURES / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
        outputs[dest.relative_to(paths.ROOT).as_posix()] = _sha(dest)
    target = atomic_write_text(paths.NOTEBOOKS / f"{name}.ipynb", notebook_text)
    outputs[target.relative_to(paths.ROOT).as_posix()] = _sha(target)
    return outputs


def finish(manifest: dict):
    """Rewrite claims.json, REPRODUCTION.md, MANIFEST.json (deterministic) and BUILD_INFO.json."""
    from . import claims
    from .output import atomic_write_text

    reference = True
    figures = {}
    for path in sorted((paths.FIGURES / "provenance").glob("*.json")):
        record = json.loads(path.read_text())
        figures[record["figure"]] = record
        reference = reference and record.get("reference_data", True)
    manifest["figures"] = figures
    manifest["notebooks"] = dict(sorted(manifest["notebooks"].items()))
    claims.merge(reference_data=reference)
    atomic_write_text(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=paths.ROOT, capture_output=True, text=True).stdout)
    atomic_write_text(paths.FIGURES / "BUILD_INFO.json", json.dumps(
        {"commit": commit or None, "dirty_tree": dirty, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        indent=1) + "\n")


def build(names=None, jobs=2, force=False, log=print) -> int:
    manifest = load_manifest()
    todo = [n for n in notebooks(names) if force or not up_to_date(n, manifest)]
    skipped = len(notebooks(names)) - len(todo)
    if skipped:
        log(f"{skipped} notebook(s) up to date")
    failures = []

    def run(name):
        try:
            return name, execute(name, log)
        except RuntimeError as exc:
            failures.append(str(exc))
            return name, None

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for name, entry in pool.map(run, todo):
            if entry is not None:
                manifest["notebooks"][name] = entry
    known = set(notebooks())
    manifest["notebooks"] = {k: v for k, v in manifest["notebooks"].items() if k in known}
    finish(manifest)
    for message in failures:
        log(message)
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: all fig*.ipynb)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="notebooks run at once")
    parser.add_argument("--force", action="store_true", help="execute even if inputs are unchanged")
    args = parser.parse_args(argv)
    sys.exit(build(args.notebooks or None, args.jobs, args.force))


if __name__ == "__main__":
    main()
