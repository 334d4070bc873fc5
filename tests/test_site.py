"""The published edition (paper_lib.site): built with Sphinx from the committed notebooks, then opened in
Chromium over HTTP: every internal link resolves, every image loads, the index lists every notebook."""

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from conftest import skip_or_fail
from paper_lib import build, paths, site

pytestmark = pytest.mark.machinery  # no result here depends on the CPU or BLAS kernel (.ci/run)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOT = Path(os.environ.get("PAPER_LIB_OUTPUT_DIR", ".")) / "site-index.png"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    return site.build_site(root / "site", root / "src")


@pytest.fixture(scope="module")
def served(built):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.parametrize("text, here, page, expected", [
    ("[report](../figures/REPRODUCTION.md)", "notebooks/fig2.ipynb", "notebooks/fig2.ipynb", "[report](../reproduction.md)"),
    ("[fig 3](fig3.ipynb#claims)", "notebooks/fig2.ipynb", "notebooks/fig2.ipynb", "[fig 3](../notebooks/fig3.ipynb#claims)"),
    ("[data](data/README.md)", "README.md", "index.md", "[data](data.md)"),
    ("[gen](generator/afm.py)", "data/README.md", "data.md",
     f"[gen](https://github.com/{site.registry.REPOSITORY}/blob/HEAD/data/generator/afm.py)"),
    ("![glance](summary.png)", "figures/REPRODUCTION.md", "reproduction.md", "![glance](figures/summary.png)"),
    ("[doi](https://doi.org/10.1002/x) and [top](#top)", "README.md", "index.md", "[doi](https://doi.org/10.1002/x) and [top](#top)"),
])
def test_links_become_pages_images_or_repository_links(text, here, page, expected):
    assert site.rewrite_links(text, here, page) == expected


def test_a_broken_reference_fails_the_build_and_writes_nothing(tmp_path, monkeypatch):
    original = site.index
    monkeypatch.setattr(site, "index", lambda names: original(names) + "\n[a page that is not there](missing.md)\n")
    with pytest.raises(SystemExit, match="the site did not build"):
        site.build_site(tmp_path / "out", tmp_path / "src")
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.partial").exists()


def test_pages_show_the_committed_outputs_without_executing(built):
    text = (built / "notebooks" / "figS4.html").read_text()
    assert "claims reproduced" in text, "the committed claims table of figS4 is shown"
    assert "Data files" in text and "_downloads" in text
    index = (built / "index.html").read_text()
    assert "reference dataset" in index and "figures/summary.png" not in index  # the glance image, copied by Sphinx
    assert "_images/summary.png" in index


@pytest.mark.browser
@pytest.mark.slow
def test_every_link_resolves_every_image_loads_and_the_index_lists_every_notebook(served):
    if not Path(CHROMIUM).exists():
        skip_or_fail("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    host = urlparse(served).netloc
    seen, queue, downloads, problems = set(), [served + "index.html"], set(), []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).netloc == host
                   else route.abort())  # offline: nothing outside the site is fetched
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            response = page.goto(url, wait_until="load")
            if response is None or response.status != 200:
                problems.append(f"{url}: HTTP {response and response.status}")
                continue
            broken = page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                                   ".map(i => i.getAttribute('src'))")
            problems += [f"{url}: image {src} does not load" for src in broken]
            anchors = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
            for href in anchors:
                target, fragment = urldefrag(urljoin(url, href))
                if urlparse(target).netloc != host:
                    continue
                if target.endswith(".html") or target.endswith("/"):
                    queue.append(target)
                    if fragment and target == url and not page.query_selector(f"[id='{fragment}']"):
                        problems.append(f"{url}: anchor #{fragment} is not on the page")
                else:
                    downloads.add(target)
            if url == served + "index.html":
                page.screenshot(path=str(SCREENSHOT), full_page=False)
                listed = {urljoin(url, h).rsplit("/", 1)[-1] for h in anchors}
                missing = [n for n in build.notebooks() if f"{n}.html" not in listed]
                problems += [f"index.html does not list notebook {n}" for n in missing]
        for target in sorted(downloads):
            status = page.request.get(target).status
            if status != 200:
                problems.append(f"{target}: HTTP {status}")
        browser.close()
    assert not problems, "\n".join(problems[:30])
    assert len(seen) >= len(build.notebooks()) + 3 and downloads
