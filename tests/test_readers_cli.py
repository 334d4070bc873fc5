"""Every real file in tests/data/real is found by its content, and `python -m paper_lib.readers` describes it.

The table is the format each file is known to be (its folder's README gives the provenance). Each file is
also copied under a name that says nothing (`export.dat`), so the name cannot be what decides.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paper_lib.errors import InputError
from paper_lib.readers import sniff
from paper_lib.readers.__main__ import describe

REAL = Path(__file__).parent / "data" / "real"
KNOWN = {
    "LinnetteGEIS_Test_4hrs.csv": "eis-csv",
    "afm/fmt-jpk-fd_2020.02.07-16.29.05.036.jpk-qi-data": "jpk-force-map",
    "afm/fmt-jpk-fd_map-data-reference-points.jpk-force-map": "jpk-force-map",
    "cycler/cellpy_neware_uio_rows2039-3479.csv": "cycler-csv",
    "cycler/neware_cccv.nda": "neware-ndax",
    "cycler/neware_rest.ndax": "neware-ndax",
    "cycler/yadg_ca.mpr": "biologic-mpr",
    "cycler/yadg_ca.mpt": "biologic-mpt",
    "cycler/yadg_cp.mpr": "biologic-mpr",
    "cycler/yadg_cp.mpt": "biologic-mpt",
    "cycler/yadg_cv.mpr": "biologic-mpr",
    "cycler/yadg_cv_first1500.mpt": "biologic-mpt",
    "cycler/yadg_gcpl.mpr": "biologic-mpr",
    "cycler/yadg_gcpl.mpt": "biologic-mpt",
    "eis/exampleData.csv": "eis-csv-headerless",
    "eis/exampleDataAutolab.txt": "zplotw",
    "eis/exampleDataBioLogic.mpr": "biologic-mpr",
    "eis/exampleDataCHInstruments.txt": "chi-eis",
    "eis/exampleDataGamryABORT.DTA": "gamry-dta",
    "eis/exampleDataIvium.idf": "ivium-idf",
    "eis/exampleDataParstat.txt": "parstat-txt",
    "eis/exampleDataPowersuite.txt": "powersuite-txt",
    "eis/exampleDataVersaStudio.par": "versastudio-par",
    "eis/exampleDataZPlot_noComments.z": "zplotw",
    "eis/zahner-li-ion-battery.ism": "zahner-ism",
    "exampleDataBioLogic.mpt": "biologic-mpt",
    "exampleDataGamry.DTA": "gamry-dta",
    "exampleDataZPlot.z": "zview-z",
    "ftir/DOERNER.spc": "galactic-spc",
    "ftir/Ft-ir.spc": "galactic-spc",
    "ftir/brukeropus_example.0": "bruker-opus",
    "microscopy/Fei_HAADF-UK_location.dm3": "gatan-dm",
    "microscopy/test-1_2D.dm4": "gatan-dm",
    "microscopy/test-1_3D.dm3": "gatan-dm",
    "microscopy/test-EELS_spectrum.dm3": "gatan-dm",
    "microscopy/test_STEM_image.dm3": "gatan-dm",
    "nmr/topspin_1d/1": "bruker",
    "nmr/varian_1H.fid": "varian",
    "thermal/stare_dsc_utf16.txt": "mettler-stare",
    "thermal/stare_tga_comma.txt": "mettler-stare",
    "thermal/ta_ua_eicosane_dsc_excerpt.txt": "ta-txt",
    "thermal/trios_tga.txt": "ta-txt",
    "xps/prodigy_survey.vms": "vamas",
    "xrd/Cu3Au-1.raw": "bruker-raw",
    "xrd/TwoTheta_scan_powder.rasx": "rigaku-rasx",
    "xrd/TwoTheta_scan_scrambled.raw": "bruker-raw",
    "xrd/format1.raw": "bruker-raw",
    "xrd/rigaku_layout_fixture.ras": "rigaku-ras",
}
# Real files that the readers refuse on purpose, with the reason they give.
REFUSED = {"ftir/DOERNER.spc": "give quantity=", "microscopy/test-1_3D.dm3": "2-D image"}


def data_files():
    """Data files and data-set folders under tests/data/real (not READMEs, licences or folder internals)."""
    found = []
    for p in sorted(REAL.rglob("*")):
        inside = [q for q in p.parents if REAL in q.parents and ((q / "acqus").exists() or (q / "procpar").exists())]
        if inside or p.suffix == ".md" or p.name.startswith("LICENSE") or p.suffix == ".py":
            continue
        if p.is_file() or (p / "acqus").exists() or (p / "procpar").exists():
            found.append(p.relative_to(REAL).as_posix())
    return found


def test_the_table_names_every_real_file():
    assert sorted(KNOWN) == data_files()


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_each_real_file_is_sniffed_by_content(name, tmp_path):
    path = REAL / name
    assert sniff(path) == KNOWN[name]
    blind = tmp_path / "export.dat"
    (shutil.copytree if path.is_dir() else shutil.copy)(path, blind)
    assert sniff(blind) == KNOWN[name], "found by content, not by name"


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_each_real_file_is_described(name):
    if name in REFUSED:
        with pytest.raises(InputError, match=REFUSED[name]):
            describe(REAL / name)
        return
    lines, entry = describe(REAL / name)
    assert lines[0] == f"format: {KNOWN[name]} (found by content)"
    assert f"format: {KNOWN[name]}" in entry and "sha256: '" in entry and "kind: " in entry


def test_the_command_line(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("nothing a reader knows\n")
    proc = subprocess.run([sys.executable, "-m", "paper_lib.readers", str(REAL / "eis" / "exampleDataParstat.txt"),
                           str(junk)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, "an unreadable file sets the exit status"
    assert "format: parstat-txt (found by content)" in proc.stdout
    assert "frequency: 10 .. 10000 (31 points) Hz" in proc.stdout
    assert "file_sign_convention: Z''" in proc.stdout and "kind: eis" in proc.stdout
    assert "notes.txt: the content matches no known format (tried " in proc.stdout


def test_every_reference_measurement_is_sniffed_as_its_manifest_says():
    """All 219 measurements of the reference dataset: the content gives the format their manifest names."""
    from paper_lib import manifest, paths

    checked = 0
    for path in sorted((paths.ROOT / "data" / "manifests").glob("*.yaml")):
        for m in manifest.load(path).measurements:
            assert m.format and sniff(m.path, m.kind) == m.format, (path.name, m.id)
            checked += 1
    assert checked >= 200


def test_every_test_file_is_described_or_refused_with_its_reason():
    """``python -m paper_lib.readers`` on every data file under tests/data (fixtures of every reader,
    good and bad): a description, or an InputError naming the file; never another exception."""
    root = REAL.parent
    described = refused = 0
    for path in sorted(root.rglob("*")):
        dataset = [q for q in path.parents if root in q.parents and ((q / "acqus").exists() or (q / "procpar").exists())]
        if dataset or path.suffix in (".md", ".py", ".yaml", ".json") or path.name.startswith("LICENSE"):
            continue
        if path.is_dir() and not ((path / "acqus").exists() or (path / "procpar").exists()):
            continue
        try:
            lines, _ = describe(path)
            described += 1
        except InputError as error:
            assert path.name in str(error)
            refused += 1
    assert described > 80 and refused <= 3, (described, refused)
