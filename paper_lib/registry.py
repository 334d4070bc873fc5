"""The sha256 registry of the reference dataset and hash-checked fetching with pooch.

A file present with the right hash needs no network; a present file with a wrong hash is an error
naming the file (never a silent re-download); a missing file is downloaded from ``PAPER_LIB_DATA_URL``
(default: the repository's ``data/reference/`` on its public host) and checked by pooch.
"""

import os
from functools import lru_cache
from pathlib import Path

from . import paths
from .errors import HashMismatchError, InputError

DEFAULT_DATA_URL = "https://raw.githubusercontent.com/{repository}/main/data/reference/"
REPOSITORY = os.environ.get("PAPER_LIB_REPOSITORY", "gao-libh4-linbh/compendium")


def data_url() -> str:
    """Base URL the reference files are downloaded from when they are not present."""
    return os.environ.get("PAPER_LIB_DATA_URL", DEFAULT_DATA_URL.format(repository=REPOSITORY))


def _pooch():
    """pooch, imported without the warning its tqdm.auto import gives in a kernel without ipywidgets
    (notebook outputs must have nothing on stderr)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import pooch

    return pooch


def sha256(path) -> str:
    """Hex sha256 of a file."""
    return _pooch().file_hash(str(path), alg="sha256")


def content_hash(path) -> str:
    """sha256 of a file, or of a folder's files (relative names and their hashes, in name order)."""
    path = Path(path)
    if path.is_file():
        return sha256(path)
    import hashlib

    digest = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{item.relative_to(path).as_posix()} {sha256(item)}\n".encode())
    return digest.hexdigest()


def parse_registry(path=paths.REGISTRY) -> dict:
    """``{relative name: sha256}`` from a pooch registry file (``name hash`` per line)."""
    path = Path(path)
    entries = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[1]) != 64:
            raise InputError(path, f"expected '<name> <64-hex sha256>', got {line!r}", line=number)
        entries[parts[0]] = parts[1]
    return entries


@lru_cache(maxsize=1)
def registry() -> dict:
    return parse_registry(paths.REGISTRY) if paths.REGISTRY.exists() else {}


def write_registry(files, root=paths.REFERENCE, path=paths.REGISTRY):
    """Write the registry for ``files`` (paths under ``root``), sorted, one ``name sha256`` a line."""
    root = Path(root)
    lines = sorted(f"{Path(f).resolve().relative_to(root.resolve()).as_posix()} {sha256(f)}" for f in files)
    Path(path).write_text("# sha256 of every reference data file (pooch registry); made by data/generate.py\n"
                          + "\n".join(lines) + "\n")
    registry.cache_clear()


def verify(path, expected, what=None):
    """Raise :class:`HashMismatchError` naming ``path`` unless its sha256 is ``expected``."""
    actual = sha256(path)
    if actual != expected.lower():
        raise HashMismatchError(path, f"sha256 is {actual}, but {what or 'the registry'} expects {expected}")
    return Path(path)


def fetch(name, *, base_url=None, cache=None) -> Path:
    """Local path of reference file ``name`` (relative to data/reference), hash-checked.

    Present in the checkout: verified, no network. Missing: downloaded with pooch into ``cache``
    (default data/reference) from ``base_url`` and verified by pooch before it is used.
    """
    table = registry()
    if name not in table:
        raise InputError(paths.REGISTRY, f"no entry for '{name}' (run data/generate.py to rebuild the registry)")
    local = paths.REFERENCE / name
    if local.exists() and cache is None:
        return verify(local, table[name])
    return download(name, table[name], base_url or data_url(), cache or paths.REFERENCE)


def download(name, known_hash, base_url, cache) -> Path:
    """Download ``base_url + name`` into ``cache`` with pooch, refusing a file whose hash differs."""
    pooch = _pooch()
    target = Path(cache) / name
    if target.exists():
        return verify(target, known_hash)
    url = base_url.rstrip("/") + "/" + name
    try:
        fetched = pooch.retrieve(url, known_hash=f"sha256:{known_hash}", fname=target.name,
                                 path=target.parent, progressbar=False)
    except ValueError as exc:  # pooch's hash mismatch; it has already deleted the download
        raise HashMismatchError(name, f"download from {url} failed its hash check ({exc})") from None
    return Path(fetched)


def fetch_all(**kwargs) -> list:
    """Fetch (or verify) every file of the registry; return their local paths."""
    return [fetch(name, **kwargs) for name in registry()]


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Verify or download the reference dataset.")
    parser.add_argument("--fetch-all", action="store_true", help="verify every registered file, downloading missing ones")
    args = parser.parse_args(argv)
    if args.fetch_all:
        files = fetch_all()
        print(f"{len(files)} reference files present and hash-checked")


if __name__ == "__main__":
    main()
