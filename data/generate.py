"""Regenerate the reference dataset (data/reference), its manifests and its sha256 registry.

    python data/generate.py            # everything
    python data/generate.py eis nmr    # some domains only (the registry is always rewritten whole)

Deterministic: running it again gives byte-identical files (tests/test_data_integrity.py checks this).
"""

import sys
from importlib import import_module
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

DOMAINS = ("eis", "nmr", "dft")


def main(argv):
    from paper_lib import paths, registry

    for domain in argv or DOMAINS:
        files = import_module(f"generator.{domain}").generate()
        print(f"{domain}: {len(files)} files")
    files = [p for p in sorted(paths.REFERENCE.rglob("*")) if p.is_file()]
    registry.write_registry(files)
    size = sum(p.stat().st_size for p in files)
    print(f"registry: {len(files)} files, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
