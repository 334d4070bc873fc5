"""The one way notebooks are executed: tasks on a Dask cluster, each run in a warm kernel on a worker.

- :func:`cluster` gives a ``distributed.Client``: a ``LocalCluster`` sized to the machine (one
  single-threaded worker process per core), or any running cluster given by its address
  (``--scheduler tcp://HOST:PORT`` or ``DASK_SCHEDULER_ADDRESS``).
- :func:`run_notebook` is the task. It runs on a worker, in a temporary folder, with a kernel forked
  from the worker's fork server (:mod:`paper_lib.warm`), and returns everything the run made as bytes:
  workers need the pinned environment and the repository, not a file system shared with the client.
  A task refuses to run when the worker's paper_lib or notebook differ from the client's.
- Inputs travel with the task (:func:`ship`): a manifest outside the repository and every file it names
  are read on the client and written beside each other on the worker, so relative paths keep working
  on any node. Manifests inside the repository are named by their path in it, since every worker has
  the repository.
- :func:`execute` submits tasks, shows progress, retries a failed run once (a lost worker, a kernel
  that died, a limit or a cell error alike) and yields one final result per task.

Limits per run: wall-clock seconds and resident memory (MiB) of the kernel, watched from the worker;
a kernel over either is killed and the run fails with the limit named.
"""

import hashlib
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from distributed.diagnostics.plugin import WorkerPlugin

from . import paths, provenance

DEFAULT_TIMEOUT_S = 1800
# For a scheduler started by hand (README): a lost worker fails its task at once (execute() retries the
# run once, anywhere), and a worker holds only the run it executes, so a lost worker costs one run.
SCHEDULER_SETTINGS = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
                      "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
DEFAULT_MEMORY_MB = 4096


@dataclass(frozen=True)
class Limits:
    timeout_s: float | None = DEFAULT_TIMEOUT_S
    memory_mb: float | None = DEFAULT_MEMORY_MB


# ------------------------------------------------------------------ the cluster
@contextmanager
def cluster(scheduler=None, workers=None, quiet=True):
    """A ``distributed.Client``: on ``scheduler`` (or ``DASK_SCHEDULER_ADDRESS``), else on a new
    ``LocalCluster`` of ``workers`` single-threaded worker processes (default: one per core)."""
    import dask
    from distributed import Client, LocalCluster

    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        with Client(address) as client:
            client.register_plugin(WarmKernels(), name="paper-lib-warm-kernels")
            yield client
        return
    n = workers or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    with dask.config.set({"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0,
                          "distributed.worker.daemon": False,
                          "distributed.admin.system-monitor.gil.enabled": False}):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=40 if quiet else 30) as local, Client(local) as client:
            client.register_plugin(WarmKernels(), name="paper-lib-warm-kernels")
            yield client


class WarmKernels(WorkerPlugin):
    """A Dask worker plugin: start the worker's fork server when the worker starts (not at the first run)."""

    idempotent = True

    def setup(self, worker=None):
        import papermill  # noqa: F401  (imported once per worker, not in the first run)

        from . import warm

        if warm.FORK_AVAILABLE:
            warm.server()

    def teardown(self, worker=None):
        from . import warm

        warm.stop_server()


# ------------------------------------------------------------------ inputs
def manifest_files(path) -> list:
    """``[(entry index, file as written, resolved path)]`` of a manifest, read leniently (a broken
    manifest gives [] and is left for the notebook to report)."""
    try:
        doc = yaml.safe_load(Path(path).read_text())
        entries = doc.get("measurements") or []
    except Exception:  # the notebook reports the manifest's own error
        return []
    found = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get("file"), str) and entry["file"]:
            written = Path(entry["file"])
            found.append((index, entry["file"], written if written.is_absolute() else Path(path).parent / written))
    return found


def ship(parameters) -> tuple:
    """``(parameters for the task, inputs, content digest)``: manifest parameters (``*_manifest``) become
    ``{"repo": path}`` inside the repository or a bundle of the manifest and its files."""
    digest, inputs = hashlib.sha256(), {}
    for key, value in sorted(parameters.items()):
        if not (key.endswith("_manifest") and isinstance(value, str)):
            continue
        path = Path(value).resolve()
        if path.is_relative_to(paths.ROOT):
            inputs[key] = {"repo": path.relative_to(paths.ROOT).as_posix(), "client": value}
            digest.update(key.encode() + _hash_manifest(path).encode())
        else:
            inputs[key] = bundle(path)
            inputs[key]["client"] = value
            digest.update(key.encode() + _hash_bundle(inputs[key]).encode())
    return parameters, inputs, digest.hexdigest()


def bundle(path) -> dict:
    """A manifest outside the repository and the files it names, as bytes: files under the manifest's
    folder keep their relative paths; others go to ``_external/`` and the manifest is rewritten."""
    path = Path(path)
    text = path.read_bytes() if path.is_file() else None
    files, rewrites = {}, {}
    for index, written, resolved in manifest_files(path) if text is not None else []:
        if not resolved.is_file():
            continue  # the notebook names the missing file
        try:
            relative = resolved.resolve().relative_to(path.parent.resolve()).as_posix()
        except ValueError:
            relative = f"_external/{index}_{resolved.name}"
            rewrites[index] = relative
        if Path(written).is_absolute():
            rewrites[index] = relative
        files[relative] = resolved.read_bytes()
    if rewrites:
        doc = yaml.safe_load(text)
        for index, relative in rewrites.items():
            doc["measurements"][index]["file"] = relative
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode()
    return {"name": path.name, "manifest": text, "files": files}


def _hash_bundle(b) -> str:
    digest = hashlib.sha256(b["name"].encode() + (b["manifest"] or b"<missing>"))
    for name, data in sorted(b["files"].items()):
        digest.update(name.encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _hash_manifest(path) -> str:
    digest = hashlib.sha256(path.read_bytes() if path.is_file() else b"<missing>")
    for _, written, resolved in manifest_files(path):
        digest.update(written.encode() + (hashlib.sha256(resolved.read_bytes()).digest()
                                          if resolved.is_file() else b"<missing>"))
    return digest.hexdigest()


def unpack(inputs, folder) -> tuple:
    """On the worker: write the bundles under ``folder``; ``({parameter: local path}, {local: client})``."""
    local, names = {}, {}
    for key, item in inputs.items():
        if "repo" in item:
            local[key] = str(paths.ROOT / item["repo"])
            continue
        root = Path(folder) / key
        root.mkdir(parents=True)
        for name, data in item["files"].items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if item["manifest"] is not None:
            (root / item["name"]).write_bytes(item["manifest"])
        local[key] = str(root / item["name"])
        names[local[key]] = item["client"]
        names[str(root)] = str(Path(item["client"]).parent)
    return local, names


# ------------------------------------------------------------------ the task
def task(notebook, name, parameters, limits=Limits(), source=None, cwd=None, check_repository=True):
    """Everything a worker needs for one run of ``notebook`` (plain data, picklable). By default the
    notebook and the kernel's working folder are named inside the repository, for any worker; the build
    gives absolute paths (``source``, ``cwd``) on its own machine."""
    parameters, inputs, digest = ship(dict(parameters or {}))
    source = Path(source) if source else paths.NOTEBOOKS / f"{notebook}.ipynb"
    return {"notebook": notebook, "name": name, "parameters": parameters, "inputs": inputs,
            "inputs_sha256": digest, "limits": limits,
            "source": str(source) if cwd or not source.is_relative_to(paths.ROOT)
            else source.relative_to(paths.ROOT).as_posix(),
            "cwd": str(cwd) if cwd else "notebooks",
            "library_sha256": provenance.library_hash() if check_repository else None,
            "notebook_sha256": provenance.notebook_hash(source)}


def run_notebook(t) -> dict:
    """Run one task on this worker; ``{"status": "ok", "files": {...}, "notebook": text, ...}`` or
    ``{"status": "failed", "error": ...}``. Outputs go to the kernel's ``PAPER_LIB_OUTPUT_DIR``, not to
    a parameter, so the executed notebook is the one the build commits. Nothing is left on the worker."""
    from . import warm

    start = time.perf_counter()
    base = {"name": t["name"], "host": os.uname().nodename, "pid": os.getpid()}
    source, cwd = paths.ROOT / t["source"], paths.ROOT / t["cwd"]  # absolute paths stay as they are
    mismatch = _repository_mismatch(t, source)
    if mismatch:
        return {**base, "status": "failed", "error": mismatch, "reason": "repository"}
    folder = Path(tempfile.mkdtemp(prefix="paper-lib-run-"))
    try:
        local, names = unpack(t["inputs"], folder / "inputs")
        executed, out = folder / f"{t['notebook']}.ipynb", folder / "out"
        watch = Watchdog(t["limits"])
        try:
            warm.execute(source, executed, out, {**t["parameters"], **local}, cwd=cwd,
                         timeout=t["limits"].timeout_s, on_start=watch.start)
        except Exception as exc:  # a cell's error, a dead kernel, a limit: the run failed
            return {**base, "status": "failed", "reason": watch.reason or _reason(exc),
                    "error": _restore_names(watch.message or _last_line(exc), names, folder),
                    "seconds": time.perf_counter() - start}
        finally:
            watch.stop()
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        return {**base, "status": "ok", "files": files, "notebook": executed.read_text(),
                "forked": watch.forked, "seconds": time.perf_counter() - start,
                "cell_seconds": _cell_seconds(executed)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _repository_mismatch(t, source):
    node = os.uname().nodename
    if t["library_sha256"] and provenance.library_hash() != t["library_sha256"]:
        return (f"worker {node} has a different paper_lib (sha256 {provenance.library_hash()[:12]}, "
                f"client {t['library_sha256'][:12]}): check out the same commit on every node")
    if not source.is_file():
        return f"worker {node} has no {t['source']}"
    if provenance.notebook_hash(source) != t["notebook_sha256"]:
        return f"worker {node} has a different {t['source']}: check out the same commit on every node"
    return None


def _last_line(exc) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}"


def _reason(exc) -> str:
    return "cell" if getattr(exc, "ename", None) else "kernel"


def _restore_names(text, names, folder):
    """Worker paths in an error message back to the client's paths the user knows."""
    for local, client in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(local, client)
    return text.replace(str(folder), "<run folder>")


def _cell_seconds(executed) -> float:
    import json

    nb = json.loads(Path(executed).read_text())
    return sum(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0 for c in nb["cells"])


class Watchdog:
    """Kill the kernel (its process group) when it runs longer than ``limits.timeout_s`` or its resident
    memory exceeds ``limits.memory_mb``, checked every ``interval`` s; remember which limit it was."""

    def __init__(self, limits, interval=0.5):
        self.limits, self.interval = limits, interval
        self.reason = self.message = self.forked = None
        self._stop = threading.Event()
        self._thread = None

    def start(self, pid, forked):
        self.forked = forked
        self._thread = threading.Thread(target=self._watch, args=(pid, time.monotonic()), daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _watch(self, pid, started):
        import signal

        import psutil

        try:
            process = psutil.Process(pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.wait(self.interval):
            try:  # the kernel's own memory: cheap to read (a scan for its children is not, every 0.5 s)
                rss = process.memory_info().rss / 2**20
            except psutil.NoSuchProcess:
                return
            elapsed = time.monotonic() - started
            if self.limits.memory_mb and rss > self.limits.memory_mb:
                self.reason, self.message = "memory", (
                    f"MemoryLimit: the kernel used {rss:.0f} MiB, over the limit of {self.limits.memory_mb:.0f} MiB"
                    " (--memory-mb)")
            elif self.limits.timeout_s and elapsed > self.limits.timeout_s:
                self.reason, self.message = "timeout", (
                    f"TimeLimit: the run took over {self.limits.timeout_s:.0f} s (--timeout)")
            else:
                continue
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                process.kill()
            return


# ------------------------------------------------------------------ running many
def execute(client, tasks, progress=True, description="runs", retries=1):
    """Submit ``tasks``; yield ``(task, result)`` once per task as runs finish. A failed run (its result
    says so, or its worker was lost) is submitted again up to ``retries`` times; ``result["attempts"]``
    counts the tries and ``result["first_error"]`` keeps the first error when the retry also failed.
    Results are fetched as soon as each run ends, so a worker lost later does not take them along."""
    from distributed import as_completed

    tqdm = _progress_bar()
    tasks = list(tasks)
    attempts = {i: 1 for i in range(len(tasks))}
    first_error = {}
    futures = {client.submit(run_notebook, t, key=_key(t, 1), pure=False): i for i, t in enumerate(tasks)}
    queue = as_completed(list(futures), with_results=True, raise_errors=False)
    with tqdm(total=len(tasks), desc=description, unit="run", disable=not progress, leave=True) as bar:
        for future, value in queue:
            i = futures.pop(future)
            result = _result(future.exception() if future.status != "finished" else value, tasks[i])
            future.release()
            if result["status"] != "ok" and attempts[i] <= retries:
                first_error.setdefault(i, result.get("error"))
                attempts[i] += 1
                retry = client.submit(run_notebook, tasks[i], key=_key(tasks[i], attempts[i]), pure=False)
                futures[retry] = i
                queue.add(retry)
                continue
            result["attempts"] = attempts[i]
            if i in first_error and result["status"] != "ok" and first_error[i] != result.get("error"):
                result["first_error"] = first_error[i]
            bar.update(1)
            yield tasks[i], result


def _progress_bar():
    """tqdm's notebook widget where ipywidgets is installed, else its text bar (in a terminal or a notebook)."""
    try:
        import ipywidgets  # noqa: F401
        from tqdm.auto import tqdm
    except ImportError:
        from tqdm.std import tqdm
    return tqdm


def _key(t, attempt):
    token = hashlib.sha256(repr((t["name"], t["inputs_sha256"], time.time_ns())).encode()).hexdigest()[:10]
    return f"{t['notebook']}-{t['name']}-{token}-try{attempt}"


def _result(value, t):
    """A task's result, or a failure when the task raised (KilledWorker: its worker died; a cancelled
    future; a bug) instead of returning one."""
    if not isinstance(value, dict):
        text = str(value).strip() if value is not None else ""
        return {"name": t["name"], "status": "failed", "reason": "worker",
                "error": f"{type(value).__name__}: {text.splitlines()[-1] if text else 'no result'}"}
    return value
