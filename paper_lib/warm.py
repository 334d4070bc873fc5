"""Warm kernels: execute a notebook with papermill in this process, its kernel forked from a fork server.

A cold papermill run pays the CLI start (about 1 s), the kernel start and the imports of the stack
(about 3 s) before its first cell. Here papermill runs in the calling process (a Dask worker), and
its kernel is forked from :mod:`paper_lib.forkserver`, which has imported the stack once. The kernel
is still an ordinary ipykernel talking to papermill over ZeroMQ, used for one run and then shut down,
so each run starts from the same clean state (tests/test_warm_kernels.py proves that nothing leaks and
that the executed notebook is the one plain papermill makes).

Where fork is not available (not Linux) or refused (a startup variable differs from the server's),
the kernel is started cold by jupyter_client, and only the CLI start is saved.
"""

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from . import numeric_env, paths

FORK_AVAILABLE = sys.platform.startswith("linux")


class ForkServer:
    """One fork server process (started on first use, stopped at exit)."""

    def __init__(self, env=None):
        self.env = dict(os.environ if env is None else env)
        self.folder = tempfile.mkdtemp(prefix="paper-lib-fork-")
        self.socket = os.path.join(self.folder, "fork.sock")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paper_lib.forkserver", self.socket], env=self.env, cwd=paths.ROOT,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline().strip()
        if line != "ready":
            self.stop()
            raise RuntimeError(f"the fork server did not start (exit code {self.process.wait()})")
        atexit.register(self.stop)

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, argv, env, cwd):
        """Fork a kernel running ``argv``; its pid, or None when the server refuses (startup variables)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(self.socket)
            with conn.makefile("rwb") as stream:
                stream.write(json.dumps({"argv": list(argv), "env": dict(env), "cwd": str(cwd)}).encode() + b"\n")
                stream.flush()
                answer = json.loads(stream.readline())
        return answer.get("pid")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for name in ("fork.sock",):
            Path(self.folder, name).unlink(missing_ok=True)
        Path(self.folder).rmdir() if Path(self.folder).exists() else None


_SERVER = None
_LOCK = threading.Lock()


def server(env=None):
    """This process's fork server, (re)started when missing or dead."""
    global _SERVER
    with _LOCK:
        if _SERVER is None or not _SERVER.alive():
            _SERVER = ForkServer(server_env() if env is None else env)
        return _SERVER


def stop_server():
    global _SERVER
    with _LOCK:
        if _SERVER is not None:
            _SERVER.stop()
            _SERVER = None


def server_env() -> dict:
    """The fork server's environment: a kernel's, without what changes from run to run."""
    env = kernel_env("")
    env.pop("PAPER_LIB_OUTPUT_DIR")
    return env


class ForkedProcess:
    """The bits of ``subprocess.Popen`` that jupyter_client uses, for a kernel forked by the server
    (not our child: the server reaps it, so its exit code is not known and reported as 0)."""

    def __init__(self, pid):
        self.pid, self.returncode = pid, None
        self.stdin = self.stdout = self.stderr = None

    def poll(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launch the kernel by forking it from the fork server; fall back to a cold start."""

    async def launch_kernel(self, cmd, **kwargs):
        env = {**(kwargs.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client sets it
        pid = server().fork(cmd, env, kwargs.get("cwd") or os.getcwd())
        if pid is None:
            self.parent.forked = False
            return await super().launch_kernel(cmd, **kwargs)
        self.parent.forked = True
        self.process = ForkedProcess(pid)
        self.pid, self.pgid = pid, pid
        self.cwd = kwargs.get("cwd")
        return self.connection_info


class RunKernelManager(AsyncKernelManager):
    """The kernel manager of one run: its kernel gets ``run_env``, is forked when ``warm``, and its pid
    goes to ``on_start``. Subclassed per run by :func:`execute`."""

    run_env: dict = {}
    warm = True
    on_start = None
    forked = None

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None and self.warm:
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id or "", kernel_spec=self.kernel_spec,
                                               parent=self)
        kw["env"] = dict(self.run_env)
        return await super()._async_pre_start_kernel(**kw)

    async def start_kernel(self, **kw):
        await super().start_kernel(**kw)
        if self.on_start is not None:
            self.on_start(self.provisioner.pid, bool(self.forked))



def kernel_env(output_dir, environ=None) -> dict:
    """The environment of a notebook kernel, warm or cold (the build's and the batch's)."""
    return {**numeric_env.pinned(environ), "PAPER_LIB_OUTPUT_DIR": str(output_dir),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def execute(source, executed, output_dir, parameters=None, cwd=None, timeout=None, warm=True, on_start=None):
    """Execute notebook ``source`` into ``executed`` with papermill in this process (kernel cwd ``cwd``,
    default notebooks/; outputs to ``output_dir``; ``timeout`` seconds per cell). ``on_start(pid, forked)``
    is called once the kernel runs. Raises papermill's errors (``PapermillExecutionError`` for a cell)."""
    import papermill

    manager = type("RunKernelManager", (RunKernelManager,), {
        "run_env": kernel_env(output_dir), "warm": warm and FORK_AVAILABLE, "on_start": staticmethod(on_start)
        if on_start else None})
    papermill.execute_notebook(
        str(source), str(executed), parameters=dict(parameters or {}), kernel_name="python3",
        progress_bar=False, log_output=False, request_save_on_cell_execute=False,  # written once, at the end
        execution_timeout=timeout, kernel_manager_class=manager,
        resources={"metadata": {"path": str(cwd or paths.NOTEBOOKS)}})
