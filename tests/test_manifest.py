"""Manifests: the documented format loads; every kind of bad input names the file and the field."""

import textwrap

import pytest

from paper_lib import manifest
from paper_lib.errors import HashMismatchError, InputError
from paper_lib.registry import sha256

GOOD = """
manifest: 1
description: my pellets
measurements:
  - id: a30
    kind: eis
    sample: S1
    file: raw/a30.mpt
    conditions: {temperature_C: 30, thickness_mm: 1.0, area_cm2: 0.785}
"""


def write(tmp_path, text, name="m.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    (tmp_path / "raw").mkdir(exist_ok=True)
    (tmp_path / "raw" / "a30.mpt").write_text("data\n")
    return path


def test_loads_and_resolves_files_relative_to_manifest(tmp_path):
    m = manifest.load(write(tmp_path, GOOD))
    (item,) = m.measurements
    assert item.path == (tmp_path / "raw" / "a30.mpt").resolve()
    assert item.conditions["thickness_mm"] == 1.0
    assert m.select(kind="eis", temperature_C=30) == [item]
    assert m.samples() == ["S1"]
    assert item.local_file() == item.path
    assert m.by_id("a30") is item
    with pytest.raises(InputError, match=r"no measurement with id 'a31'; the manifest has \['a30'\]"):
        m.by_id("a31")


CELL = GOOD.replace("kind: eis", "kind: cell").replace(
    "{temperature_C: 30, thickness_mm: 1.0, area_cm2: 0.785}", "{temperature_C: 60, active_mass_mg: 2.4, one_c_mA_g: 175}")


@pytest.mark.parametrize("condition", ["temperature_C", "active_mass_mg", "one_c_mA_g"])
def test_a_cell_needs_its_mass_and_its_c_rate_definition(tmp_path, condition):
    assert manifest.load(write(tmp_path, CELL)).measurements[0].conditions["one_c_mA_g"] == 175
    text = CELL.replace(f"{condition}: ", "x_" + condition + ": ")
    with pytest.raises(InputError, match=f"a 'cell' measurement needs condition '{condition}'"):
        manifest.load(write(tmp_path, text))


@pytest.mark.parametrize("old,new,field", [
    ("    kind: eis\n", "", "measurements[0].kind"),
    ("    sample: S1\n", "", "measurements[0].sample"),
    ("thickness_mm: 1.0, ", "", "measurements[0].conditions.thickness_mm"),
    ("thickness_mm: 1.0", "thickness_mm: thick", "measurements[0].conditions.thickness_mm"),
    ("thickness_mm: 1.0", "thickness_mm: -1", "measurements[0].conditions.thickness_mm"),
    ("kind: eis", "kind: sound", "measurements[0].kind"),
    ("file: raw/a30.mpt", "file: raw/a30.mpt\n    url: https://example.org/a30.mpt",
     "measurements[0].sha256"),
])
def test_bad_fields_are_named(tmp_path, old, new, field):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(InputError) as err:
        manifest.load(path)
    assert "m.yaml" in str(err.value) and field in str(err.value)


def test_duplicate_ids_and_bad_yaml(tmp_path):
    doubled = GOOD + GOOD.split("measurements:\n", 1)[1]
    with pytest.raises(InputError, match="duplicate id 'a30'"):
        manifest.load(write(tmp_path, doubled))
    with pytest.raises(InputError, match="not valid YAML"):
        manifest.load(write(tmp_path, "measurements: [\n"))
    with pytest.raises(InputError, match="does not exist"):
        manifest.load(tmp_path / "missing.yaml")


def test_missing_file_and_wrong_hash_are_errors(tmp_path):
    m = manifest.load(write(tmp_path, GOOD.replace("raw/a30.mpt", "raw/gone.mpt")))
    with pytest.raises(InputError, match="gone.mpt"):
        m.measurements[0].local_file()
    path = write(tmp_path, GOOD.replace("    conditions", "    sha256: '" + "0" * 64 + "'\n    conditions"))
    with pytest.raises(HashMismatchError, match="a30.mpt"):
        manifest.load(path).measurements[0].local_file()
    with pytest.raises(InputError, match="64 hexadecimal"):
        manifest.load(write(tmp_path, GOOD.replace("    conditions", "    sha256: " + "0" * 64 + "\n    conditions")))
    right = sha256(tmp_path / "raw" / "a30.mpt")
    path = write(tmp_path, GOOD.replace("    conditions", f"    sha256: {right}\n    conditions"))
    assert manifest.load(path).measurements[0].local_file().exists()


def test_reference_manifests_are_valid():
    from paper_lib import paths

    files = sorted(paths.MANIFESTS.glob("*.yaml"))
    assert files, "the reference dataset has manifests"
    for path in files:
        m = manifest.load(path)
        assert m.reference_data, f"{path.name} must say it describes the reference (generated) dataset"
        for item in m.measurements:
            assert item.local_file().exists()
