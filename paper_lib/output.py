"""Where outputs go, written atomically so a failed run leaves nothing half-written.

The build sets ``PAPER_LIB_OUTPUT_DIR`` to a staging folder and moves its content into figures/
only when the notebook has run to the end; interactively, outputs go straight to figures/.
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from . import paths


def output_dir() -> Path:
    return Path(os.environ.get("PAPER_LIB_OUTPUT_DIR", paths.FIGURES))


@contextmanager
def atomic_path(target):
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_text(target, text):
    with atomic_path(target) as tmp:
        tmp.write_text(text)
    return Path(target)
