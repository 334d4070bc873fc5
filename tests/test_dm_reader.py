"""Gatan DM3/DM4 files (paper_lib.readers.gatan_dm) on RosettaSciIO's real test files; sniffing; bad input."""

import math
from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import eels, gatan_dm, images, thermal, thermal_mettler, thermal_ta
from paper_lib.readers.gatan_dm import read_dm

REAL = Path(__file__).parent / "data" / "real" / "microscopy"
ROOT = Path(__file__).parents[1]


def test_dm3_stem_image_in_nm():
    ds = read_dm(REAL / "test_STEM_image.dm3")
    assert ds.attrs["kind"] == "image" and ds.sizes == {"y": 68, "x": 68}
    assert ds.attrs["pixel_size_nm"] == pytest.approx(0.248538017)
    assert ds["x"].attrs["units"] == "nm" and float(ds.x[1] - ds.x[0]) == pytest.approx(0.248538017)
    assert float(ds.x[0]) == pytest.approx(0.5 * 0.248538017)  # pixel centres, as read_tiff
    assert ds.intensity.values[0, 0] == 33121 and ds.intensity.values[-1, -1] == 32683
    assert ds.attrs["bits"] == 32 and ds.attrs["high_voltage_kV"] == pytest.approx(200.0)
    assert ds.attrs["x_offset_nm"] == pytest.approx(51.4473696)


def test_dm3_image_in_micrometres_is_converted_to_nm():
    ds = read_dm(REAL / "Fei_HAADF-UK_location.dm3")
    assert ds.sizes == {"y": 4, "x": 16}
    assert ds.attrs["pixel_size_nm"] == pytest.approx(5.506073125)  # 0.005506 µm
    assert float(ds.x[-1]) == pytest.approx(15.5 * 5.506073125)
    assert ds.intensity.values[0, 0] == 3917


def test_dm4_uncalibrated_image_like_tiff():
    ds = read_dm(REAL / "test-1_2D.dm4")
    assert ds.sizes == {"y": 2, "x": 2} and ds["x"].attrs["units"] == "px"
    assert math.isnan(ds.attrs["pixel_size_nm"]) and ds.attrs["pixel_size_source"] == "none"
    # the same variables, coordinates and attribute names as the TIFF reader gives
    tiff = images.read_tiff(ROOT / "tests" / "data" / "images" / "nocal.tif")
    assert set(ds.variables) == set(tiff.variables)
    assert {"kind", "bits", "pixel_size_nm", "pixel_size_source"} <= set(ds.attrs)


def test_dm3_eels_spectrum():
    ds = read_dm(REAL / "test-EELS_spectrum.dm3")
    assert ds.attrs["kind"] == "eels" and ds.sizes == {"energy_loss": 2048}
    assert ds.energy_loss.attrs["units"] == "eV" and ds.intensity.attrs["units"] == "counts"
    assert float(ds.energy_loss[0]) == -100.0 and float(ds.energy_loss[-1]) == 923.5
    assert ds.attrs["dispersion_eV"] == 0.5 and ds.attrs["offset_eV"] == -100.0
    assert float(ds.intensity[0]) == pytest.approx(-20.679565)
    assert ds.attrs["beam_energy_kV"] == 200.0 and ds.attrs["convergence_mrad"] == 21.0
    assert np.all(np.diff(ds.energy_loss) > 0)


def test_stack_is_refused_with_what_is_accepted():
    with pytest.raises(InputError, match=r"test-1_3D\.dm3, field 'ImageData.Dimensions': expected a 2-D image"):
        read_dm(REAL / "test-1_3D.dm3")


def _head(path):
    return b"" if path.is_dir() else path.open("rb").read(65536)


PREDICATES = {**gatan_dm.SNIFF, **images.SNIFF, **eels.SNIFF, **thermal.SNIFF, **thermal_ta.SNIFF,
              **thermal_mettler.SNIFF}
EXPECTED = {"gatan-dm": list(REAL.glob("*.dm?")),
            "tiff-image": list((ROOT / "tests" / "data" / "images").glob("*.tif"))
            + list((ROOT / "data" / "reference" / "images").glob("*.tif")),
            "msa": list((ROOT / "tests" / "data" / "eels").glob("*.msa"))
            + list((ROOT / "data" / "reference" / "eels").glob("*.msa")),
            "netzsch-txt": list((ROOT / "tests" / "data" / "thermal").glob("*.txt"))
            + list((ROOT / "data" / "reference" / "thermal").glob("*.txt")),
            "ta-txt": [ROOT / "tests/data/real/thermal/ta_ua_eicosane_dsc_excerpt.txt",
                       ROOT / "tests/data/real/thermal/trios_tga.txt"],
            "mettler-stare": list((ROOT / "tests/data/real/thermal").glob("stare_*.txt"))}


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_each_predicate_says_yes_to_its_files_only(fmt):
    assert EXPECTED[fmt], fmt
    for path in EXPECTED[fmt]:
        assert PREDICATES[fmt](path, _head(path)), path
    others = [p for p in (ROOT / "tests" / "data").rglob("*") if p.is_file()] + \
             [p for p in (ROOT / "data" / "reference").rglob("*") if p.is_file()]
    for path in others:
        if path not in EXPECTED[fmt]:
            assert not PREDICATES[fmt](path, _head(path)), (fmt, path)


def test_predicates_never_raise():
    for predicate in PREDICATES.values():
        for head in (b"", b"\x00", b"\xff\xfe\x00", b"\x00\x00\x00\x03", b"\x00\x00\x00\x04" + b"\xff" * 30):
            assert predicate(Path("x"), head) in (True, False)


def test_truncated_wrong_magic_empty_and_corrupt(tmp_path):
    data = (REAL / "test_STEM_image.dm3").read_bytes()
    cut = tmp_path / "cut.dm3"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.dm3, field 'header root length': truncated file"):
        read_dm(cut)
    magic = tmp_path / "magic.dm3"
    magic.write_bytes(b"\x00\x00\x00\x05" + data[4:])
    with pytest.raises(InputError, match=r"magic\.dm3, field 'header version': expected a DM3/DM4 header"):
        read_dm(magic)
    empty = tmp_path / "empty.dm4"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.dm4: empty file"):
        read_dm(empty)
    corrupt = tmp_path / "corrupt.dm3"
    corrupt.write_bytes(data[:40] + b"\xa5" * 2000 + data[2040:])
    with pytest.raises(InputError, match=r"corrupt\.dm3: rsciio\.digitalmicrograph could not read"):
        read_dm(corrupt)


def test_non_eels_spectrum_and_reciprocal_image(tmp_path, monkeypatch):
    signal = {"data": np.arange(4.0), "axes": [{"units": "keV", "scale": 0.01, "offset": 0.0}],
              "metadata": {"Signal": {"signal_type": "EDS_TEM"}}, "original_metadata": {}}
    monkeypatch.setattr(gatan_dm, "_parse", lambda path: [signal])
    with pytest.raises(InputError, match=r"eds\.dm3, field 'ImageTags.Meta Data.Signal': expected an EELS"):
        read_dm(tmp_path / "eds.dm3")
    signal.update(metadata={"Signal": {"signal_type": ""}}, axes=[{"units": "", "scale": 1.0, "offset": 0.0}])
    with pytest.raises(InputError, match=r"field 'ImageData.Calibrations.Dimension.TagGroup0 Units'.*in eV"):
        read_dm(tmp_path / "plain.dm3")
    signal.update(data=np.ones((2, 2)), axes=[{"units": "1/nm", "scale": 0.1, "offset": 0.0}] * 2)
    with pytest.raises(InputError, match=r"fft\.dm3, field 'ImageData.Calibrations.Dimension Units'"):
        read_dm(tmp_path / "fft.dm3")
