"""TIFF micrographs (paper_lib.readers.images): FEI metadata, ImageDescription, overrides, bad input."""

import math
from pathlib import Path

import numpy as np
import pytest

from paper_lib import images
from paper_lib.errors import InputError
from paper_lib.readers import read_file, sniff
from paper_lib.readers.images import parse_fei, read_tiff

DATA = Path(__file__).parent / "data" / "images"


def test_fei_tiff_pixel_width_and_data_bar():
    ds = read_tiff(DATA / "fei_sem.tif")
    assert ds.attrs["pixel_size_nm"] == pytest.approx(2.5)
    assert "34682" in ds.attrs["pixel_size_source"]
    assert ds.sizes == {"y": 48, "x": 64}  # the 8-row data bar is cut off
    assert ds["x"].attrs["units"] == "nm"
    assert float(ds.x[1] - ds.x[0]) == pytest.approx(2.5)
    assert ds.attrs["high_voltage_kV"] == pytest.approx(5.0)
    assert ds.intensity.max() < 255  # no data-bar pixels


def test_plain_tiff_description_and_sniffing():
    assert sniff(DATA / "plain_tem.tif") == "tiff-image"
    ds = read_file(DATA / "plain_tem.tif")
    assert ds.attrs["pixel_size_nm"] == pytest.approx(0.02)
    assert ds.attrs["bits"] == 16


def test_uncalibrated_image_needs_a_pixel_size():
    ds = read_tiff(DATA / "nocal.tif")
    assert math.isnan(ds.attrs["pixel_size_nm"]) and ds["x"].attrs["units"] == "px"
    with pytest.raises(InputError, match="pixel_size_nm"):
        images.calibrated(ds)
    ds.attrs["pixel_size_nm"] = 4.0  # what a manifest condition does through readers.read
    cal = images.calibrated(ds)
    assert cal["x"].attrs["units"] == "nm" and float(cal.x[1] - cal.x[0]) == pytest.approx(4.0)


def test_argument_overrides_file():
    assert read_tiff(DATA / "fei_sem.tif", pixel_size_nm=3.0).attrs["pixel_size_nm"] == 3.0


def test_parse_fei_block():
    block = parse_fei("[Scan]\r\nPixelWidth=2.5e-09\r\n[Image]\r\nResolutionY=48\r\n")
    assert block == {"Scan": {"PixelWidth": "2.5e-09"}, "Image": {"ResolutionY": "48"}}


def test_bad_fei_pixel_width(tmp_path):
    import tifffile

    path = tmp_path / "bad_fei.tif"
    tifffile.imwrite(path, np.zeros((8, 8), np.uint8), metadata=None,
                     extratags=[(34682, "s", 0, "[Scan]\r\nPixelWidth=abc\r\n", True)])
    with pytest.raises(InputError, match=r"bad_fei.tif, field 'tag 34682 \[Scan\] PixelWidth': expected a number"):
        read_tiff(path)


def test_bad_description(tmp_path):
    import tifffile

    path = tmp_path / "neg.tif"
    tifffile.imwrite(path, np.zeros((8, 8), np.uint8), metadata=None, description="pixel_size_nm=-1")
    with pytest.raises(InputError, match="ImageDescription pixel_size_nm"):
        read_tiff(path)


def test_truncated_empty_and_not_tiff(tmp_path):
    data = (DATA / "fei_sem.tif").read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[:200])
    with pytest.raises(InputError, match="cut.tif"):
        read_tiff(cut)
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.tif: empty file"):
        read_tiff(empty)
    text = tmp_path / "text.tif"
    text.write_text("not an image")
    with pytest.raises(InputError, match="not a readable TIFF"):
        read_tiff(text)
