"""One style for every figure, a visible mark on reference-data figures, and saving with provenance.

PNG and PDF are written atomically, with the provenance record (data hashes, parameters, code hash,
versions) in their metadata and in ``provenance/<figure>.json`` beside them; the build collects these
into figures/MANIFEST.json. No dates or random ids go into the files, the DPI is fixed and the text uses
the fonts inside matplotlib's wheel, so rebuilding on one machine gives identical bytes; between
machines the build compares the figures within tolerance (paper_lib.compare).
"""

import json
from pathlib import Path

import matplotlib

from . import provenance
from .output import atomic_path, atomic_write_text, output_dir

STYLE = Path(__file__).with_name("paper.mplstyle")
REFERENCE_MARK = "REFERENCE DATA: generated from the article's values, not measurements"


def use_style():
    """Apply the compendium's matplotlib style (call once at the top of a notebook)."""
    import matplotlib.pyplot as plt

    plt.style.use(STYLE)


def mark_reference(fig, reference_data=True):
    """Stamp the 'reference data' mark on ``fig`` (bottom right) when the data are generated."""
    if reference_data:
        fig.text(0.995, -0.01, REFERENCE_MARK, ha="right", va="top", fontsize=6, color="#b00000",
                 transform=fig.transFigure)  # below the axes; the tight bounding box takes it in


def label_sources(panel_sources) -> bool:
    """When a figure's panels come from manifests of both kinds (generated reference data and a lab's),
    label every panel with the data it shows; ``panel_sources`` maps axes to
    :class:`paper_lib.manifest.Manifest`. Returns True when every panel shows reference data."""
    flags = {bool(m.reference_data) for m in panel_sources.values()}
    if len(flags) > 1:
        for ax, m in panel_sources.items():
            text, color = ("REFERENCE DATA (generated)", "#b00000") if m.reference_data else (f"data: {Path(m.path).name}", "#1a4f8b")
            ax.text(0.99, 0.99, text, transform=ax.transAxes, ha="right", va="top", fontsize=5.5, color=color,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
    return flags == {True}


def save(fig, figure, *, notebook, data=(), parameters=None, reference_data=True, directory=None,
         panel_sources=None):
    """Save ``fig`` as ``<figure>.png`` and ``.pdf`` with its provenance; return the record.

    ``panel_sources`` (axes -> manifest): a figure whose panels mix reference and lab data gets a source
    label on every panel (:func:`label_sources`) instead of the figure-wide mark; its provenance says
    ``reference_data`` when any panel shows reference data.
    """
    if panel_sources:
        all_reference = label_sources(panel_sources)
        reference_data = any(m.reference_data for m in panel_sources.values())
        mark_reference(fig, all_reference)
    else:
        mark_reference(fig, reference_data)
    record = provenance.record(figure, notebook, data, _portable(parameters), reference_data)
    text = json.dumps(record, sort_keys=True)
    out = Path(directory or output_dir())
    with atomic_path(out / f"{figure}.png") as tmp:
        fig.savefig(tmp, format="png", metadata={"Title": figure, "Description": text, "Software": None})
    with atomic_path(out / f"{figure}.pdf") as tmp:
        fig.savefig(tmp, format="pdf", metadata={"Title": figure, "Subject": text, "Keywords": "paper_lib provenance",
                                                  "Creator": None, "Producer": None, "CreationDate": None,
                                                  "ModDate": None})
    atomic_write_text(out / "provenance" / f"{figure}.json", json.dumps(record, indent=1, sort_keys=True) + "\n")
    return record


def _portable(parameters):
    """Parameters with absolute paths reduced to repository-relative ones (no machine paths)."""
    from . import paths

    clean = {}
    for key, value in (parameters or {}).items():
        if isinstance(value, str) and value.startswith("/"):
            value = paths.relative(value)
        clean[key] = value
    return clean


def read_png_provenance(path) -> dict:
    """The provenance record stored in a PNG written by :func:`save`."""
    from PIL import Image

    with Image.open(path) as image:
        return json.loads(image.text["Description"])

