"""Clean an executed notebook for committing, and check it (the build and the batch); run the papermill
command line on one notebook (the plain, cold execution the warm kernels of :mod:`paper_lib.warm` are
tested against, and what the README shows for a single run).

The kernel runs in notebooks/ with one BLAS/OpenMP thread (:mod:`paper_lib.numeric_env`); the executed
notebook loses what changes from run to run (papermill timings, execution metadata, how the kernel
happened to batch its prints) and is refused if an output holds an error, a warning or a machine path.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

from . import numeric_env, paths

VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")
MACHINE_PATH = re.compile(r"(?<![\w.])/(root|tmp|home|usr|opt|var|work)/[^\s\"']+")


def papermill(source, executed, output_dir, parameters=None):
    """Execute notebook ``source`` into ``executed`` with papermill (kernel cwd: notebooks/), outputs to
    ``output_dir``; raise RuntimeError with the end of papermill's report if a cell fails."""
    import yaml

    env = {**numeric_env.pinned(), "PAPER_LIB_OUTPUT_DIR": str(output_dir), "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    args = [sys.executable, "-m", "papermill", "--no-progress-bar", "--kernel", "python3",
            "--cwd", str(paths.NOTEBOOKS), str(source), str(executed)]
    if parameters:
        args += ["--parameters_yaml", yaml.safe_dump(dict(parameters))]
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("\n".join(proc.stderr.strip().splitlines()[-15:]))


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


def executed_text(name, executed_path) -> str:
    """The cleaned, checked text of an executed notebook, as it is committed."""
    import nbformat

    nb = clean_notebook(json.loads(Path(executed_path).read_text()))
    check_outputs(name, nb)
    return nbformat.writes(nbformat.from_dict(nb)) + "\n"

