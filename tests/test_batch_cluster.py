"""The batch on real Dask clusters: a scheduler and two workers started as separate processes (one killed
mid-batch), a LocalCluster, resuming, limits, and the result set (NetCDF, CSV, figure)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psutil
import pytest
import xarray as xr

from paper_lib import batch, engine, paths, warm

REAL = paths.ROOT / "tests" / "data" / "real"
SPECTRA = [(REAL / "exampleDataBioLogic.mpt", "biologic-mpt"), (REAL / "exampleDataGamry.DTA", "gamry-dta")]
COMMON = {"sample": "cell", "temperature_C": 30, "shown_C": [30]}
DASK = Path(sys.executable).parent / "dask"

pytestmark = [pytest.mark.slow, pytest.mark.machinery]


def lab(folder, n):
    """``n`` manifests outside the repository, each naming a data file beside it by a relative path
    (shipped to the workers with the manifest)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifests = []
    for i in range(n):
        source, fmt = SPECTRA[i % len(SPECTRA)]
        data = folder / "raw" / f"pellet{i}{source.suffix}"
        data.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, data)
        thickness = 0.8 + 0.05 * i
        m = folder / f"pellet{i:02d}.yaml"
        m.write_text(textwrap.dedent(f"""\
            manifest: 1
            measurements:
              - {{id: p{i}, kind: eis, sample: cell, file: raw/{data.name}, format: {fmt},
                 conditions: {{temperature_C: 30, thickness_mm: {thickness:.2f}, area_cm2: 0.785}}}}
            """))
        manifests.append(m)
    return manifests


def check_complete(out, summary, names):
    """Every run once, each ok run installed whole, nothing staged or half-written."""
    assert [r["name"] for r in summary["runs"]] == names
    assert not (out / ".staging").exists()
    for r in summary["runs"]:
        folder = out / r["name"]
        if r["status"] == "ok":
            assert {"figS11.ipynb", "figS11.png", "run.json"} <= {p.name for p in folder.iterdir()}
            assert json.loads((folder / "run.json").read_text())["run_key"] == r["run_key"]
            assert [c["id"] for c in r["results"]] == ["sigma", "R_electrolyte", "fit_residual_p90", "kk_residual_p90"]
        else:
            assert not folder.exists()
    ds = xr.open_dataset(out / "results.nc", engine="scipy")
    assert list(ds.run.values) == names and ds.value.dims == ("run", "claim")
    rows = (out / "results.csv").read_text().splitlines()
    assert rows[0] == "run,claim,value,uncertainty,unit,status" and len(rows) > len(names)


@pytest.fixture
def cli_cluster(tmp_path):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, as the README starts them."""
    if not warm.FORK_AVAILABLE:
        pytest.skip("the fork server needs Linux")
    scheduler_file = tmp_path / "scheduler.json"
    env = {**os.environ, **engine.SCHEDULER_SETTINGS, "OMP_NUM_THREADS": "1"}
    started = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                 "--scheduler-file", str(scheduler_file)], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    address = json.loads(scheduler_file.read_text())["address"]
    for k in range(2):
        started.append(subprocess.Popen(
            [str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1", "--name", f"w{k}",
             "--no-dashboard", "--local-directory", str(tmp_path / f"w{k}")], env=env, cwd=paths.ROOT,
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    from distributed import Client

    client = Client(address)
    client.wait_for_workers(2, timeout=120)
    yield client, started
    client.close()
    for p in started:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


def kernel_running_under(pid):
    """Whether a kernel forked by the fork server below process ``pid`` is running."""
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "paper_lib.forkserver" in " ".join(child.cmdline()) and child.children():
                return True
        except psutil.NoSuchProcess:
            continue
    return False


def test_a_batch_on_a_command_line_cluster_survives_a_killed_worker(cli_cluster, tmp_path):
    client, processes = cli_cluster
    manifests = lab(tmp_path / "lab", 8)
    runs = batch.runs_from_manifests(manifests, "eis_manifest", COMMON)
    out, result = tmp_path / "out", {}
    worker = processes[2]
    thread = threading.Thread(target=lambda: result.update(summary=batch.batch(
        "figS11", runs, out, client=client, progress=False, log=lambda *a: None)))
    thread.start()
    deadline = time.monotonic() + 120
    while not kernel_running_under(worker.pid) or not any(out.glob("pellet*/run.json")):
        assert time.monotonic() < deadline, "no run finished and none ran on the second worker"
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker, its nanny, its fork server and the kernel it ran
    thread.join(600)
    summary = result["summary"]
    check_complete(out, summary, [m.stem for m in manifests])
    assert summary["ok"] == 8, [r.get("error") for r in summary["runs"]]
    # the run the worker was executing is retried (and a result it held but had not handed over yet)
    attempts = sorted(r["attempts"] for r in summary["runs"])
    assert attempts[-1] == 2 and attempts.count(2) <= 2, attempts
    assert len(client.scheduler_info()["workers"]) == 1


def test_a_batch_on_a_local_cluster_resumes_and_fails_a_broken_manifest_alone(tmp_path):
    manifests = lab(tmp_path / "lab", 8)
    broken = tmp_path / "lab" / "broken.yaml"
    broken.write_text(manifests[0].read_text().replace("thickness_mm: 0.80", "thickness_mm: thick"))
    runs = batch.runs_from_manifests(manifests + [broken], "eis_manifest", COMMON)
    out = tmp_path / "out"
    names = [m.stem for m in manifests] + ["broken"]
    with engine.cluster(workers=2) as client:
        summary = batch.batch("figS11", runs, out, client=client, progress=False, log=lambda *a: None)
        check_complete(out, summary, names)
        by_name = {r["name"]: r for r in summary["runs"]}
        assert summary["ok"] == 8 and by_name["broken"]["status"] == "failed"
        # the manifest's own message, naming the user's file and field (not the worker's copy)
        error = by_name["broken"]["error"]
        assert error.startswith("InputError: broken.yaml") and "thickness_mm" in error, error
        assert by_name["broken"]["attempts"] == 2 and "paper-lib-run" not in error
        thick = {r["name"]: next(c["computed"] for c in r["results"] if c["id"] == "sigma")
                 for r in summary["runs"] if r["status"] == "ok"}
        ds = xr.open_dataset(out / "results.nc", engine="scipy")
        assert float(ds.value.sel(run="pellet02", claim="sigma")) == thick["pellet02"]
        assert str(ds.unit.sel(claim="sigma").values) == "S/cm" and str(ds.run_status.sel(run="broken").values) == "failed"
        assert thick["pellet02"] / thick["pellet00"] == pytest.approx(0.90 / 0.80, rel=1e-3)  # σ ∝ L

        # rerun: nothing to do; then one manifest changes and only its run executes again
        before = {n: (out / n / "run.json").stat().st_mtime_ns for n in names[:-1]}
        again = batch.batch("figS11", runs, out, client=client, progress=False, log=lambda *a: None)
        assert all(r.get("skipped") for r in again["runs"][:-1]) and again["runs"][-1]["status"] == "failed"
        manifests[3].write_text(manifests[3].read_text().replace("thickness_mm: 0.95", "thickness_mm: 1.90"))
        third = batch.batch("figS11", runs, out, client=client, progress=False, log=lambda *a: None)
    ran = [r["name"] for r in third["runs"] if not r.get("skipped")]
    assert ran == ["pellet03", "broken"]
    assert {n: (out / n / "run.json").stat().st_mtime_ns for n in names[:-1] if n != "pellet03"} == {
        n: t for n, t in before.items() if n != "pellet03"}
    assert list((out).glob("summary_*.png"))


def test_limits_stop_a_run_and_name_the_limit(tmp_path):
    manifests = lab(tmp_path / "lab", 2)
    runs = batch.runs_from_manifests(manifests, "eis_manifest", COMMON)
    with engine.cluster(workers=2) as client:
        slow = batch.batch("figS11", runs[:1], tmp_path / "a", client=client, progress=False,
                           limits=engine.Limits(timeout_s=1.0), log=lambda *a: None)
        big = batch.batch("figS11", runs[1:], tmp_path / "b", client=client, progress=False,
                          limits=engine.Limits(memory_mb=40), log=lambda *a: None)
    (a,), (b,) = slow["runs"], big["runs"]
    assert a["status"] == "failed" and a["reason"] == "timeout" and "TimeLimit" in a["error"] and a["attempts"] == 2
    assert b["status"] == "failed" and b["reason"] == "memory" and "MemoryLimit" in b["error"]
    assert not (tmp_path / "a" / runs[0]["name"]).exists()


def test_a_worker_with_another_paper_lib_refuses_the_run():
    t = engine.task("figS11", "x", {})
    t["library_sha256"] = "0" * 64
    result = engine.run_notebook(t)
    assert result["status"] == "failed" and "different paper_lib" in result["error"]
