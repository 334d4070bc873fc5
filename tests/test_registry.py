"""Fetching with pooch over real HTTP (a server on 127.0.0.1): hash-checked, no silent re-download."""

import functools
import hashlib
import http.server
import threading

import pytest

from paper_lib import registry
from paper_lib.errors import HashMismatchError, InputError


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_download_checks_hash(server, tmp_path):
    root, url = server
    (root / "spectrum.csv").write_bytes(b"1,2,3\n")
    good = hashlib.sha256(b"1,2,3\n").hexdigest()
    cache = tmp_path / "cache"
    path = registry.download("spectrum.csv", good, url, cache)
    assert path.read_bytes() == b"1,2,3\n"
    # present with the right hash: no network needed any more
    assert registry.download("spectrum.csv", good, "http://127.0.0.1:9/", cache) == path


def test_corrupted_download_is_refused_and_not_kept(server, tmp_path):
    root, url = server
    (root / "spectrum.csv").write_bytes(b"corrupted\n")
    cache = tmp_path / "cache"
    with pytest.raises(HashMismatchError, match="spectrum.csv"):
        registry.download("spectrum.csv", hashlib.sha256(b"1,2,3\n").hexdigest(), url, cache)
    assert not (cache / "spectrum.csv").exists()


def test_present_file_with_wrong_hash_is_an_error_not_a_redownload(server, tmp_path):
    root, url = server
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "spectrum.csv").write_bytes(b"edited locally\n")
    (root / "spectrum.csv").write_bytes(b"1,2,3\n")
    with pytest.raises(HashMismatchError, match="spectrum.csv"):
        registry.download("spectrum.csv", hashlib.sha256(b"1,2,3\n").hexdigest(), url, cache)
    assert (cache / "spectrum.csv").read_bytes() == b"edited locally\n"


def test_fetch_reference_file_from_server(server, tmp_path, monkeypatch):
    """A checkout without data/reference gets the registry's files over HTTP."""
    root, url = server
    name = next(iter(registry.registry()))
    source = registry.paths.REFERENCE / name
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(source.read_bytes())
    path = registry.fetch(name, base_url=url, cache=tmp_path / "cache")
    assert registry.sha256(path) == registry.registry()[name]


def test_registry_parse_errors_name_the_line(tmp_path):
    bad = tmp_path / "registry.txt"
    bad.write_text("# comment\nok.csv " + "a" * 64 + "\nbroken-line\n")
    with pytest.raises(InputError, match="line 3"):
        registry.parse_registry(bad)
    with pytest.raises(InputError, match="no entry"):
        registry.fetch("not/registered.csv")
