"""JupyterLab served on 127.0.0.1 with a token, driven in Debian's Chromium: open fig2, run all cells,
check that the figure renders and that no cell shows an error."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import skip_or_fail
from paper_lib import paths

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.machinery]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = Path(os.environ.get("PAPER_LIB_OUTPUT_DIR", ".")) / "jupyterlab-fig2.png"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


# The notebook's kernel, through the app object JupyterLab exposes with expose_app_in_browser.
KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!k && k.status === 'idle'; }"""
# Every code cell shows an execution count, e.g. "[7]:".
ALL_NUMBERED = """() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving a scratch copy (notebooks copied, data linked): the tests never write the work tree."""
    if not Path(CHROMIUM).exists():
        skip_or_fail("Debian's chromium is not installed (.ci/run installs it)")
    root = tmp_path / "compendium"
    shutil.copytree(paths.NOTEBOOKS, root / "notebooks")
    (root / "data").symlink_to(paths.DATA, target_is_directory=True)
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws"), "JUPYTER_TOKEN": token}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("jupyter lab did not answer within 90 s")
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_fig2_runs_in_jupyterlab(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    base, token = lab
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/notebooks/fig2.ipynb?token={token}&reset", timeout=120_000)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            page.wait_for_function(KERNEL_IDLE, timeout=120_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
            page.wait_for_function(f"() => !({ALL_NUMBERED})()", timeout=30_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(f"() => ({ALL_NUMBERED})() && ({KERNEL_IDLE})()", timeout=300_000,
                                   polling=1000)
            page.locator(".jp-RenderedImage img").first.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOT), full_page=False)
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            tracebacks = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
            assert tracebacks.count() == 0, tracebacks.first.inner_text()[:2000]
            assert errors.count() == 0, errors.first.inner_text()[:2000]
            images = page.locator(".jp-RenderedImage img")
            assert images.count() >= 1, "the figure is rendered"
            box = images.first.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 200
        finally:
            browser.close()
