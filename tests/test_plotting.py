"""Figures: identical bytes when saved twice, provenance inside, reference mark, atomic writes."""

import hashlib

import matplotlib.pyplot as plt
import pytest

from paper_lib import plotting
from paper_lib.output import atomic_path


def draw():
    plotting.use_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2, 3], [3, 1, 2])
    ax.set_xlabel("1000/T / K$^{-1}$")
    return fig


def test_saved_twice_is_byte_identical_and_carries_provenance(tmp_path):
    digests = []
    for run in range(2):
        fig = draw()
        plotting.save(fig, "figX", notebook="figX", parameters={"manifest": "/abs/where/m.yaml"},
                      directory=tmp_path / str(run))
        plt.close(fig)
        digests.append([hashlib.sha256((tmp_path / str(run) / f"figX.{ext}").read_bytes()).hexdigest()
                        for ext in ("png", "pdf")])
    assert digests[0] == digests[1]
    record = plotting.read_png_provenance(tmp_path / "0" / "figX.png")
    assert record["code"]["paper_lib_sha256"] and record["versions"]["numpy"]
    assert record["parameters"]["manifest"] == "m.yaml"  # no machine path
    assert b"paper_lib provenance" in (tmp_path / "0" / "figX.pdf").read_bytes()


def test_reference_mark_is_drawn():
    fig = draw()
    plotting.mark_reference(fig)
    assert any(plotting.REFERENCE_MARK == t.get_text() for t in fig.texts)
    plt.close(fig)


def test_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "out.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_provenance_lists_the_files_behind_a_derived_table():
    import xarray as xr

    from paper_lib import provenance

    table = xr.Dataset(attrs={"source_files": "a.mpt, b.mpt", "source_sha256": "11, 22"})
    single = xr.Dataset(attrs={"source_file": "c.DTA", "sha256": "33"})
    assert provenance.data_sources([table, single]) == [
        {"file": "a.mpt", "sha256": "11"}, {"file": "b.mpt", "sha256": "22"}, {"file": "c.DTA", "sha256": "33"}]


def test_text_is_drawn_with_the_fonts_inside_matplotlib():
    """A system copy of DejaVu (another version, other outlines) must never be picked: the figures
    would then depend on what a machine has installed."""
    from pathlib import Path

    import matplotlib
    from matplotlib import font_manager

    plotting.use_style()
    bundled = Path(matplotlib.get_data_path(), "fonts")
    for family in (matplotlib.rcParams["font.family"], ["DejaVu Sans"], ["DejaVu Sans Mono"]):
        for style, weight in (("normal", "normal"), ("normal", "bold"), ("italic", "normal")):
            found = font_manager.findfont(font_manager.FontProperties(family=family, style=style, weight=weight),
                                          fallback_to_default=False)
            assert Path(found).is_relative_to(bundled), (family, style, weight, found)
    assert matplotlib.rcParams["mathtext.fontset"] == "dejavusans"
