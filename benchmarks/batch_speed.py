"""Batch throughput: 16 runs of figS11 on 16 manifests, four ways, in this one process tree.

    .venv/bin/python benchmarks/batch_speed.py [--runs 16]

1. the papermill command line, two calls at a time (the obvious alternative);
2. ``jupyter nbconvert --execute`` in a loop (on notebooks parameterized beforehand by papermill);
3. ``paper_lib.batch`` on a LocalCluster of two workers;
4. ``paper_lib.batch`` on clusters started here from the command line (``dask scheduler`` and one, then
   two ``dask worker`` processes), for the scaling from one worker to two.

Printed per way: runs per minute, and the per-run overhead, i.e. wall time × parallel runs − the
notebooks' own cell time, per run (cell time from papermill's or nbclient's per-cell timings). Then the
speed-up of the batch over the papermill command line, the scaling efficiency from one to two workers
(ideal: 100 %), and the limit the overhead approaches: a bare fork of a process holding the stack.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paper_lib import batch, engine, numeric_env, paths, warm  # noqa: E402

BIN = Path(sys.executable).parent
NOTEBOOK = paths.NOTEBOOKS / "figS11.ipynb"


def manifests(folder, n):
    """``n`` manifests of the reference LiBH4-70LiNBH spectra, each with its own copy of the data files."""
    import yaml

    doc = yaml.safe_load((paths.MANIFESTS / "eis.yaml").read_text())
    items = [m for m in doc["measurements"] if m["sample"] == "LiBH4-70LiNBH"]
    made = []
    for i in range(n):
        run = folder / f"pellet{i:02d}"
        (run / "raw").mkdir(parents=True)
        entries = []
        for m in items:
            source = (paths.MANIFESTS / m["file"]).resolve()
            shutil.copyfile(source, run / "raw" / source.name)
            entries.append({**m, "file": f"raw/{source.name}"})
        path = run / "eis.yaml"
        path.write_text(yaml.safe_dump({"manifest": 1, "reference_data": True, "measurements": entries}))
        made.append(path)
    return made


def cell_seconds(executed):
    """Σ of the cells' execution time: papermill's durations, or nbclient's iopub timestamps."""
    nb = json.loads(Path(executed).read_text())
    total = 0.0
    for c in nb["cells"]:
        pm = c.get("metadata", {}).get("papermill", {})
        if pm.get("duration") is not None:
            total += pm["duration"]
            continue
        ex = c.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in ex and "shell.execute_reply" in ex:
            start = datetime.fromisoformat(ex["iopub.execute_input"].replace("Z", "+00:00"))
            total += (datetime.fromisoformat(ex["shell.execute_reply"].replace("Z", "+00:00")) - start).total_seconds()
    return total


def papermill_cli(ms, work):
    env = warm.kernel_env(work / "pm-out")

    def one(i):
        executed = work / f"pm{i:02d}.ipynb"
        subprocess.run([str(BIN / "papermill"), "--no-progress-bar", "--cwd", str(paths.NOTEBOOKS), str(NOTEBOOK),
                        str(executed), "-p", "eis_manifest", str(ms[i])], env={**env, "PAPER_LIB_OUTPUT_DIR":
                       str(work / f"pm-out{i}")}, check=True, capture_output=True)
        return cell_seconds(executed)

    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        cells = list(pool.map(one, range(len(ms))))
    return time.perf_counter() - start, sum(cells), 2


def nbconvert_loop(ms, work):
    import papermill

    prepared = []
    for i, m in enumerate(ms):  # parameters injected beforehand (nbconvert has none); not timed
        path = work / f"nbc{i:02d}.ipynb"
        papermill.execute_notebook(str(NOTEBOOK), str(path), parameters={"eis_manifest": str(m)}, prepare_only=True,
                                   progress_bar=False)
        prepared.append(path)
    cells = 0.0
    start = time.perf_counter()
    for i, path in enumerate(prepared):
        env = warm.kernel_env(work / f"nbc-out{i}")
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--inplace",
                        "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.record_timing=True",
                        str(path)], cwd=paths.NOTEBOOKS, env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    for path in prepared:
        cells += cell_seconds(path)
    return elapsed, cells, 1


def project_batch(ms, work, client, tag):
    runs = batch.runs_from_manifests(ms, "eis_manifest", {})
    start = time.perf_counter()
    summary = batch.batch("figS11", runs, work / f"batch-{tag}", client=client, progress=False, log=lambda *a: None)
    elapsed = time.perf_counter() - start
    assert summary["ok"] == len(ms), [r.get("error") for r in summary["runs"]]
    workers = len(client.scheduler_info()["workers"])
    return elapsed, sum(r["cell_seconds"] for r in summary["runs"]), workers


def command_line_cluster(work, n_workers):
    """``dask scheduler`` and ``n_workers`` ``dask worker`` processes on 127.0.0.1."""
    from distributed import Client

    env = {**numeric_env.pinned(), **engine.SCHEDULER_SETTINGS}
    scheduler_file = work / f"scheduler-{n_workers}.json"
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(scheduler_file)], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    while not scheduler_file.exists():
        time.sleep(0.1)
    address = json.loads(scheduler_file.read_text())["address"]
    procs += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                "--no-dashboard", "--local-directory", str(work / f"w{n_workers}-{k}")], env=env,
                               cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL) for k in range(n_workers)]
    client = Client(address)
    client.wait_for_workers(n_workers, timeout=120)
    client.register_plugin(engine.WarmKernels(), name="paper-lib-warm-kernels")
    return client, procs


def stop(client, procs):
    import signal

    client.close()
    for p in procs:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait()


def bare_fork_ms(repeat=50):
    """A fork + exit + wait of this process, which holds the stack (the floor of a forked kernel)."""
    from paper_lib import forkserver

    forkserver.preload()
    start = time.perf_counter()
    for _ in range(repeat):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    return 1000 * (time.perf_counter() - start) / repeat


def line(label, n, result):
    wall, cells, parallel = result
    overhead = (wall * parallel - cells) / n
    print(f"{label:44s} {60 * n / wall:7.1f} runs/min  {wall:7.1f} s  cells {cells / n:5.2f} s/run  "
          f"overhead {overhead:5.2f} s/run", flush=True)
    return 60 * n / wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=16)
    args = parser.parse_args()
    numeric_env.pin_this_process()
    n = args.runs
    work = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    try:
        ms = manifests(work / "lab", n)
        print(f"{n} runs of figS11 on {n} manifests, {os.cpu_count()} cores, {numeric_env.describe()}", flush=True)
        rate = {"papermill": line("papermill CLI, 2 at a time", n, papermill_cli(ms, work))}
        rate["nbconvert"] = line("jupyter nbconvert --execute, in a loop", n, nbconvert_loop(ms, work))
        start = time.perf_counter()
        with engine.cluster(workers=2) as client:
            started = time.perf_counter() - start
            rate["local"] = line("paper_lib.batch, LocalCluster of 2", n, project_batch(ms, work, client, "local"))
        print(f"{'':44s} (cluster and fork servers started in {started:.1f} s, not counted)")
        for k in (1, 2):
            client, procs = command_line_cluster(work, k)
            try:
                rate[k] = line(f"paper_lib.batch, dask scheduler + {k} worker(s)", n,
                               project_batch(ms, work, client, f"cli{k}"))
            finally:
                stop(client, procs)
        print(f"\nbatch (LocalCluster) vs papermill CLI: {rate['local'] / rate['papermill']:.2f}x (target >= 2x)")
        print(f"scaling 1 -> 2 workers: {rate[2] / rate[1]:.2f}x, {50 * rate[2] / rate[1]:.0f} % of ideal "
              "(target >= 90 %)")
        print(f"a bare fork of a process holding the stack: {bare_fork_ms():.1f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
