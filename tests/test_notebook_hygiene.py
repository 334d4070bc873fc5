"""Committed notebooks: a literal-only parameters cell first, python3 kernel, cells executed in order,
no stderr; every notebook listed in README.md with a Binder link to it."""

import ast
import json

import pytest

from paper_lib import build, paths, registry

pytestmark = pytest.mark.machinery  # no result here depends on the CPU or BLAS kernel (.ci/run)

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("fig*.ipynb")) + [paths.NOTEBOOKS / f"{n}.ipynb" for n in build.RECOMPUTED + build.AFTER]


def code_cells(path):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_holds_plain_literals(path):
    first = code_cells(path)[0]
    assert "parameters" in first["metadata"].get("tags", []), "first code cell is tagged 'parameters'"
    tree = ast.parse("".join(first["source"]))
    for node in tree.body:
        assert isinstance(node, ast.Assign), f"only assignments in the parameters cell: {ast.dump(node)[:80]}"
        ast.literal_eval(node.value)  # raises unless a plain literal
    names = {t.id for node in tree.body for t in node.targets}
    assert "output_dir" in names
    if path.stem in build.RECOMPUTED:
        assert {"case", "compute", "device"} <= names, "a recomputation notebook names its case, compute and device"
    else:
        assert path.stem in build.AFTER or any(n.endswith("_manifest") for n in names), "a figure notebook names its manifest"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executed_in_order_without_stderr(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), "executed top to bottom in one run"
    for cell in code_cells(path):
        assert all(o.get("name") != "stderr" and o["output_type"] != "error" for o in cell["outputs"])
    assert "papermill" not in nb["metadata"]


def test_readme_lists_every_notebook_with_binder_link():
    readme = (paths.ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"(notebooks/{path.name})" in readme, path.name
        assert (f"mybinder.org/v2/gh/{registry.REPOSITORY}/HEAD?labpath=notebooks%2F{path.name}") in readme


def test_every_figure_records_the_data_it_was_made_from():
    manifest = json.loads((paths.FIGURES / "MANIFEST.json").read_text())
    table = registry.registry()
    assert set(manifest["figures"]) == {p.stem for p in NOTEBOOKS}
    for figure, record in manifest["figures"].items():
        assert record["data"], f"{figure}: no data files in its provenance"
        for item in record["data"]:
            name = item["file"].removeprefix("data/reference/")
            if name in table:  # a Bruker folder is recorded by its content hash instead
                assert item["sha256"] == table[name], (figure, name)
