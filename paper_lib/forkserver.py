"""A fork server for warm notebook kernels: import the scientific stack once, fork one fresh kernel per run.

    python -m paper_lib.forkserver SOCKET

The server imports numpy, scipy, pandas, xarray, matplotlib (with its PNG and PDF backends), lmfit,
every module of paper_lib (and so the readers' libraries) and ipykernel, then waits on
the Unix socket ``SOCKET``. Each request (one JSON line: ``argv``, ``env``, ``cwd``) forks a child that
becomes an ordinary ipykernel (``argv`` is the kernel command jupyter_client would have run) and the
server answers with the child's pid. Nothing runs in the server between forks, so every kernel starts
from the same state: a fresh IPython shell, the working directory and environment of its request,
``sys.argv``/``sys.path[0]`` as ``python -m ipykernel_launcher`` sets them, numpy's global random state
reseeded (``random`` reseeds itself at fork), the environment variables the stack's imports set. What a
notebook can tell apart from a cold kernel is only that the stack is already imported: it is in
``sys.modules``, and the warning filters numpy and scipy add on import are there before the notebook
imports them. paper_lib's modules must not change global state on import (matplotlib's rcParams, for
one); tests/test_warm_kernels.py checks it.

Variables read when Python or the stack starts (``PYTHON*``, thread counts, ``MPLBACKEND``) cannot change
after the fork: a request whose values differ from the server's is refused, and the caller starts a
cold kernel instead. Linux only (fork after importing BLAS is unsafe on macOS). The server stops within a
second of its parent, and its kernels die with it.
"""

import json
import os
import signal
import socket
import sys

# Read before the stack is imported, and fixed for every kernel forked from here.
STARTUP_VARIABLES = ("PYTHONHASHSEED", "PYTHONPATH", "PYTHONWARNINGS", "PYTHONDONTWRITEBYTECODE",
                     "PYTHONNOUSERSITE", "PYTHONSAFEPATH", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                     "MKL_NUM_THREADS", "OMP_THREAD_LIMIT", "OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES",
                     "MPLBACKEND", "MPLCONFIGDIR")
PRELOADED = ("numpy", "scipy.optimize", "scipy.signal", "scipy.interpolate", "scipy.stats", "scipy.fftpack",
             "pandas", "xarray", "dask.array", "pint", "matplotlib", "matplotlib.pyplot",
             "matplotlib.backends.backend_agg", "matplotlib.backends.backend_pdf", "fontTools.subset",
             "PIL.PngImagePlugin", "PIL.JpegImagePlugin", "lmfit", "uncertainties", "yaml", "pooch",
             "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "IPython",
             "sqlite3", "pdb", "psutil")
# Not matplotlib_inline: its backend hooks into the IPython shell when imported, so it must be imported
# by the kernel itself.
PR_SET_PDEATHSIG = 1


def die_with_parent(signum):
    """Ask Linux to send ``signum`` to this process when its parent exits."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)


def preload() -> dict:
    """Import the stack; the environment variables the imports set (a cold kernel sets them too)."""
    import importlib
    import pkgutil

    import paper_lib

    before = dict(os.environ)
    for name in PRELOADED:
        importlib.import_module(name)
    for module in pkgutil.walk_packages(paper_lib.__path__, "paper_lib."):  # every module the notebooks use
        if module.name not in ("paper_lib.forkserver",) and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return {k: v for k, v in os.environ.items() if before.get(k) != v}


def startup_mismatch(env) -> list:
    """The startup variables whose value in ``env`` differs from this server's."""
    return [k for k in STARTUP_VARIABLES if env.get(k) != os.environ.get(k)]


def become_kernel(request, set_by_imports):
    """In the child: take the request's process state, then run ipykernel as ``python -m`` would."""
    import runpy

    os.setpgid(0, 0)  # its own process group, as jupyter_client gives a kernel
    die_with_parent(signal.SIGKILL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update({**set_by_imports, **request["env"]})
    sys.path[0] = os.getcwd()  # what `python -m` puts first
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # fresh entropy, as a new interpreter has
    argv = request["argv"]
    module = argv[argv.index("-m") + 1]
    sys.argv = [module, *argv[argv.index("-m") + 2:]]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        os._exit(0)


def serve(path):
    parent = os.getppid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    set_by_imports = preload()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    server.settimeout(1.0)
    print("ready", flush=True)
    while os.getppid() == parent:  # the parent is gone: stop (the kernels die with this process)
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        conn.settimeout(None)
        with conn, conn.makefile("rwb") as stream:
            request = json.loads(stream.readline())
            mismatch = startup_mismatch(request["env"])
            if mismatch:
                stream.write(json.dumps({"refused": mismatch}).encode() + b"\n")
                stream.flush()
                continue
            pid = os.fork()
            if pid == 0:
                for handle in (stream, conn, server):
                    handle.close()
                become_kernel(request, set_by_imports)
            stream.write(json.dumps({"pid": pid}).encode() + b"\n")
            stream.flush()


if __name__ == "__main__":
    serve(sys.argv[1])
