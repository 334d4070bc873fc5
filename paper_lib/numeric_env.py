"""The numeric environment: what besides the inputs can move a floating-point result.

Thread counts are pinned: a BLAS or OpenMP reduction split over N threads adds in an order that
depends on N, so every kernel the build, the batch and the tests start runs with one thread
(``PINNED_THREADS``); parallelism comes from running notebooks side by side instead. The CPU's SIMD
level, the BLAS kernel OpenBLAS picks for it and the machine architecture cannot be pinned honestly
(arm64 has none of the x86 kernels), so they are recorded (:func:`fingerprint`) and their effect is
bounded by the tolerances of :mod:`paper_lib.compare`.
"""

import os
import platform

PINNED_THREADS = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                          "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")}
# Set by a user (or by ../shared/tools/other_cpu.sh) to emulate another CPU; recorded, never changed.
CPU_VARIABLES = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES")


def pinned(environ=None) -> dict:
    """``environ`` (default ``os.environ``) with the thread counts pinned to one."""
    return {**(os.environ if environ is None else environ), **PINNED_THREADS}


def pin_this_process():
    """Pin the thread counts of the running process (call before numpy is imported to be sure;
    afterwards threadpoolctl limits the BLAS already loaded)."""
    os.environ.update(PINNED_THREADS)
    import sys

    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)


def fingerprint() -> dict:
    """What can change floating-point results here: architecture, numpy's SIMD paths, the BLAS
    library with its kernel and thread count, and the variables that emulate another CPU."""
    import numpy as np
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    from threadpoolctl import threadpool_info

    blas = [{"library": i.get("internal_api"), "version": i.get("version"), "kernel": i.get("architecture"),
             "threads": i.get("num_threads")} for i in threadpool_info()]
    return {"machine": platform.machine(), "system": platform.system(),
            "python": platform.python_version(), "numpy": np.__version__,
            "numpy_simd": [f for f in __cpu_dispatch__ if __cpu_features__.get(f)],
            "blas": blas,
            "environment": {k: os.environ[k] for k in (*CPU_VARIABLES, *PINNED_THREADS) if k in os.environ}}


def describe() -> str:
    """One line for logs: architecture, SIMD paths, BLAS kernel and threads."""
    info = fingerprint()
    blas = ", ".join(f"{b['library']} {b['version']} {b['kernel']} x{b['threads']}" for b in info["blas"]) or "none"
    emulated = " ".join(f"{k}={v}" for k, v in info["environment"].items() if k in CPU_VARIABLES)
    return (f"{info['machine']}, numpy SIMD {'+'.join(info['numpy_simd']) or 'baseline'}, BLAS {blas}"
            + (f", {emulated}" if emulated else ""))
