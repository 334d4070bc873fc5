"""The build: a failing notebook leaves figures and the committed notebook untouched; a good one is
installed with volatile metadata stripped and skipped next time when nothing changed."""

import json

import nbformat
import pytest

from paper_lib import build, paths

GOOD = ["import os", "from paper_lib import plotting, output\nimport matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\nax.plot([1, 2])\nplotting.save(fig, 'figT', notebook='figT')\nprint('done')"]


def notebook(sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.cells[0].metadata["tags"] = ["parameters"]
    return nb


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    for name, sub in (("NOTEBOOKS", "notebooks"), ("FIGURES", "figures")):
        (tmp_path / sub).mkdir()
        monkeypatch.setattr(paths, name, tmp_path / sub)
    monkeypatch.setattr(build, "STAGING", tmp_path / "figures" / ".build")
    monkeypatch.setattr(build, "MANIFEST", tmp_path / "figures" / "MANIFEST.json")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.delenv("PAPER_LIB_OUTPUT_DIR", raising=False)
    return tmp_path


@pytest.mark.slow
def test_failure_leaves_nothing_then_success_installs(sandbox):
    path = sandbox / "notebooks" / "figT.ipynb"
    nbformat.write(notebook(GOOD[:1] + [GOOD[1] + "\nraise RuntimeError('broken analysis')"]), path)
    before = path.read_bytes()
    assert build.build(["figT"], jobs=1) == 1
    assert path.read_bytes() == before
    assert not (sandbox / "figures" / "figT.png").exists()
    assert not (sandbox / "figures" / ".build" / "figT").exists()

    nbformat.write(notebook(GOOD), path)
    assert build.build(["figT"], jobs=1) == 0
    assert (sandbox / "figures" / "figT.png").exists() and (sandbox / "figures" / "figT.pdf").exists()
    executed = json.loads(path.read_text())
    assert "papermill" not in executed["metadata"]
    assert all("execution" not in c["metadata"] and "papermill" not in c["metadata"] for c in executed["cells"])
    assert any("".join(o.get("text", "")) == "done\n" for o in executed["cells"][1]["outputs"])
    manifest = json.loads((sandbox / "figures" / "MANIFEST.json").read_text())
    assert "figT" in manifest["figures"] and "figT" in manifest["notebooks"]
    assert build.up_to_date("figT", manifest)
    (sandbox / "figures" / "figT.png").write_bytes(b"tampered")
    assert not build.up_to_date("figT", manifest)


def test_machine_paths_and_warnings_in_outputs_are_refused():
    nb = notebook(["x = 1"])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="/home/someone/data.csv\n")]
    with pytest.raises(RuntimeError, match="machine path"):
        build.check_outputs("figT", nb)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n")]
    with pytest.raises(RuntimeError, match="stderr"):
        build.check_outputs("figT", nb)


def test_stream_outputs_are_coalesced_whatever_the_batching():
    one = [{"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]}]
    two = [{"output_type": "stream", "name": "stdout", "text": ["a\n"]},
           {"output_type": "stream", "name": "stdout", "text": "b\n"},
           {"output_type": "stream", "name": "stderr", "text": "c\n"}]
    assert build.coalesce_streams(one) == [{"output_type": "stream", "name": "stdout", "text": "a\nb\n"}]
    assert build.coalesce_streams(two)[0] == build.coalesce_streams(one)[0]
    assert len(build.coalesce_streams(two)) == 2
