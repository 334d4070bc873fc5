"""Warm kernels (paper_lib.warm, paper_lib.forkserver): the same notebook as plain papermill, and nothing
carried from one run to the next."""

import json
import os
import sys

import nbformat
import pytest

from paper_lib import execute, paths, warm

pytestmark = [
    pytest.mark.skipif(not warm.FORK_AVAILABLE, reason="the fork server needs Linux"),
    pytest.mark.machinery,
]

POLLUTE = """\
import builtins, colorsys, os, sys, warnings
import numpy as np
import matplotlib.pyplot as plt
LEAKED_GLOBAL = 1
builtins.LEAKED_BUILTIN = 1
plt.rcParams["lines.linewidth"] = 9.0
plt.figure()
warnings.simplefilter("error")
os.environ["LEAKED_VARIABLE"] = "1"
sys.path.append("/leaked")
np.random.seed(1)
os.chdir("/")
"""

PROBE = """\
import builtins, hashlib, importlib, json, os, sys, warnings
from paper_lib import forkserver  # a notebook importing the stack the server preloads, as ours do
for module in forkserver.PRELOADED:
    importlib.import_module(module)
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
state = {
    "user_globals": sorted(k for k in globals() if not k.startswith("_") and k not in
                           {"In", "Out", "get_ipython", "exit", "quit", "open", "builtins", "hashlib", "json", "os",
                            "sys", "warnings", "matplotlib", "plt", "np", "importlib", "forkserver", "module"}),
    "builtin": hasattr(builtins, "LEAKED_BUILTIN"),
    "cwd": os.getcwd(),
    "environment": sorted(k for k in os.environ if not k.startswith("JPY_")),
    "leaked_variable": os.environ.get("LEAKED_VARIABLE"),
    "rcparams": hashlib.sha256(repr(sorted(matplotlib.rcParams.items())).encode()).hexdigest(),
    "backend": matplotlib.get_backend(),
    "figures": plt.get_fignums(),
    "warnings": sorted(repr(f) for f in warnings.filters),  # the order of unrelated filters differs
    "sys_path": sys.path,
    "argv0": os.path.basename(sys.argv[0]),
    "colorsys_loaded": "colorsys" in sys.modules,
    "execution_count": get_ipython().execution_count,
    "random": np.random.random(3).tolist(),
}
print(json.dumps(state))
"""


def notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def state_of(executed):
    nb = json.loads(executed.read_text())
    return json.loads("".join(nb["cells"][-1]["outputs"][0]["text"]))


def test_nothing_leaks_from_one_run_to_the_next(tmp_path):
    polluter, probe = notebook(tmp_path / "pollute.ipynb", POLLUTE), notebook(tmp_path / "probe.ipynb", PROBE)
    forked = []
    record = lambda pid, was_forked: forked.append(was_forked)  # noqa: E731
    warm.execute(polluter, tmp_path / "p.out.ipynb", tmp_path / "out", cwd=tmp_path, on_start=record)
    warm.execute(probe, tmp_path / "a.out.ipynb", tmp_path / "out", cwd=tmp_path, on_start=record)
    warm.execute(probe, tmp_path / "b.out.ipynb", tmp_path / "out", cwd=tmp_path, on_start=record)
    warm.execute(probe, tmp_path / "cold.out.ipynb", tmp_path / "out", cwd=tmp_path, warm=False, on_start=record)
    assert forked == [True, True, True, False]
    after, again, cold = (state_of(tmp_path / f"{n}.out.ipynb") for n in ("a", "b", "cold"))
    assert after["user_globals"] == [] and not after["builtin"] and after["leaked_variable"] is None
    assert after["cwd"] == str(tmp_path) and after["figures"] == [] and not after["colorsys_loaded"]
    assert "/leaked" not in after["sys_path"]
    # the warm kernel is the cold one as far as the notebook can tell ...
    for key in ("user_globals", "builtin", "cwd", "environment", "rcparams", "backend", "figures", "warnings",
                "sys_path", "argv0", "colorsys_loaded", "execution_count"):
        assert after[key] == cold[key], key
    # ... with fresh random state in every run (not the server's, not the polluter's seed)
    assert after["random"] != again["random"]
    import numpy as np

    np.random.seed(1)
    assert after["random"] != np.random.random(3).tolist()


def test_a_warm_run_makes_the_notebook_and_files_of_plain_papermill(tmp_path):
    """figS11 executed by the papermill command line and by a forked kernel: the same committed notebook,
    cell for cell, and the same figure, claims and provenance files, byte for byte."""
    cold, hot = tmp_path / "cold", tmp_path / "warm"
    execute.papermill(paths.NOTEBOOKS / "figS11.ipynb", tmp_path / "cold.ipynb", cold)
    forked = []
    warm.execute(paths.NOTEBOOKS / "figS11.ipynb", tmp_path / "warm.ipynb", hot,
                 on_start=lambda pid, f: forked.append(f))
    assert forked == [True]
    assert execute.executed_text("figS11", tmp_path / "warm.ipynb") == execute.executed_text("figS11",
                                                                                          tmp_path / "cold.ipynb")
    made = sorted(p.relative_to(cold).as_posix() for p in cold.rglob("*") if p.is_file())
    assert made == sorted(p.relative_to(hot).as_posix() for p in hot.rglob("*") if p.is_file())
    assert "figS11.png" in made and "claims/figS11.json" in made
    for name in made:
        assert (cold / name).read_bytes() == (hot / name).read_bytes(), name


def test_a_startup_variable_that_differs_gets_a_cold_kernel(tmp_path, monkeypatch):
    """PYTHONWARNINGS is read when Python starts: a kernel asked for with another value cannot be forked
    from the server, and is started cold instead."""
    probe = notebook(tmp_path / "probe.ipynb", "import sys, json; print(json.dumps(sys.warnoptions))")
    warm.server()
    monkeypatch.setenv("PYTHONWARNINGS", "ignore::DeprecationWarning")
    forked = []
    warm.execute(probe, tmp_path / "x.ipynb", tmp_path / "out", cwd=tmp_path, on_start=lambda pid, f: forked.append(f))
    assert forked == [False]
    out = json.loads(tmp_path.joinpath("x.ipynb").read_text())["cells"][0]["outputs"][0]["text"]
    assert json.loads("".join(out)) == ["ignore::DeprecationWarning"]


def test_kernels_die_with_the_fork_server(tmp_path):
    """A kernel whose fork server is gone (its worker was killed) does not survive it."""
    import signal
    import time

    from jupyter_client.connect import write_connection_file

    connection, _ = write_connection_file(str(tmp_path / "kernel.json"))
    server = warm.ForkServer(warm.server_env())
    pid = server.fork([sys.executable, "-m", "ipykernel_launcher", "-f", connection], warm.kernel_env(tmp_path),
                      tmp_path)
    assert pid
    time.sleep(0.5)
    os.kill(pid, 0)  # the kernel runs
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"process {pid} outlived its fork server")
    server.stop()
