"""The build: a failing notebook leaves everything untouched; a good one is installed with volatile
metadata stripped; a rebuild that agrees within tolerance keeps the committed bytes, one that differs
replaces them; the skip cache is local and keyed by inputs and numeric environment."""

import json

import nbformat
import pytest

from paper_lib import build, execute, paths, provenance

GOOD = ["value = 1.234", "from paper_lib import plotting\nimport matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\nax.plot([1, 2])\nplotting.save(fig, 'figT', notebook='figT')\n"
        "print(f'value {value:.2f}')"]


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
    monkeypatch.setattr(build, "CACHE", tmp_path / ".cache" / "build.json")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.delenv("PAPER_LIB_OUTPUT_DIR", raising=False)
    # paper_lib's hash is cached from paths.ROOT: one computed in the sandbox (which has no paper_lib)
    # must not outlive it, or a later batch finds its workers' paper_lib "different"
    provenance.library_hash.cache_clear()
    yield tmp_path
    provenance.library_hash.cache_clear()


def printed(path):
    return "".join(json.loads(path.read_text())["cells"][1]["outputs"][0]["text"])


@pytest.mark.slow
def test_failure_leaves_nothing_then_success_installs(sandbox):
    path = sandbox / "notebooks" / "figT.ipynb"
    nbformat.write(notebook(GOOD[:1] + [GOOD[1] + "\nraise RuntimeError('broken analysis')"]), path)
    before = path.read_bytes()
    assert build.build(["figT"], jobs=1, log=lambda s: None) == 1
    assert path.read_bytes() == before
    assert not (sandbox / "figures" / "figT.png").exists()
    assert not (sandbox / "figures" / ".build" / "figT").exists()

    nbformat.write(notebook(GOOD), path)
    log = []
    assert build.build(["figT"], jobs=1, log=log.append) == 0
    assert any("figT: new outputs written" in line for line in log), log
    assert (sandbox / "figures" / "figT.png").exists() and (sandbox / "figures" / "figT.pdf").exists()
    executed = json.loads(path.read_text())
    assert "papermill" not in executed["metadata"]
    assert all("execution" not in c["metadata"] and "papermill" not in c["metadata"] for c in executed["cells"])
    assert printed(path) == "value 1.23\n"
    manifest = json.loads((sandbox / "figures" / "MANIFEST.json").read_text())
    assert "figT" in manifest["figures"] and "figT" in manifest["notebooks"]
    assert not (sandbox / ".cache" / "build.json").read_text() in (sandbox / "figures" / "MANIFEST.json").read_text()

    log = []
    build.build(["figT"], jobs=1, log=log.append)
    assert log == ["1 notebook(s) up to date (already checked on this machine)"]
    (sandbox / "figures" / "figT.png").write_bytes(b"tampered")
    cache = json.loads((sandbox / ".cache" / "build.json").read_text())
    assert not build.up_to_date("figT", cache, build.environment_key())


@pytest.mark.slow
def test_rebuild_keeps_committed_bytes_within_tolerance_and_replaces_real_changes(sandbox):
    path = sandbox / "notebooks" / "figT.ipynb"
    nbformat.write(notebook(GOOD), path)
    assert build.build(["figT"], jobs=1, log=lambda s: None) == 0
    # As if the committed notebook had been made on a CPU whose last digit rounded the other way.
    path.write_text(path.read_text().replace("value 1.23", "value 1.24"))
    committed = {p: p.read_bytes() for p in [path, *(sandbox / "figures").rglob("figT*")] if p.is_file()}
    log = []
    assert build.build(["figT"], jobs=1, force=True, log=log.append) == 0
    assert any("figT: agrees within tolerance" in line for line in log)
    assert any("1.24 -> 1.23 (allowed ±0.01), within tolerance" in line for line in log)
    assert {p: p.read_bytes() for p in committed} == committed, "committed bytes kept"

    path.write_text(path.read_text().replace("value 1.24", "value 1.26"))
    log = []
    assert build.build(["figT"], jobs=1, force=True, log=log.append) == 0
    assert any("figT: DIFFERS" in line for line in log)
    assert any("1.26 -> 1.23 (allowed ±0.01), DIFFERS" in line for line in log)
    assert printed(path) == "value 1.23\n"
    info = json.loads((sandbox / "figures" / "BUILD_INFO.json").read_text())
    assert info["verdict"] == {"figT": "changed"} and info["numeric_environment"]["machine"]


def test_machine_paths_and_warnings_in_outputs_are_refused():
    nb = notebook(["x = 1"])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="/home/someone/data.csv\n")]
    with pytest.raises(RuntimeError, match="machine path"):
        execute.check_outputs("figT", nb)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n")]
    with pytest.raises(RuntimeError, match="stderr"):
        execute.check_outputs("figT", nb)


def test_stream_outputs_are_coalesced_whatever_the_batching():
    one = [{"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]}]
    two = [{"output_type": "stream", "name": "stdout", "text": ["a\n"]},
           {"output_type": "stream", "name": "stdout", "text": "b\n"},
           {"output_type": "stream", "name": "stderr", "text": "c\n"}]
    assert execute.coalesce_streams(one) == [{"output_type": "stream", "name": "stdout", "text": "a\nb\n"}]
    assert execute.coalesce_streams(two)[0] == execute.coalesce_streams(one)[0]
    assert len(execute.coalesce_streams(two)) == 2


def test_skip_cache_is_untracked():
    ignored = (paths.ROOT / ".gitignore").read_text().splitlines()
    assert "/.cache/" in ignored and "/figures/BUILD_INFO.json" in ignored
