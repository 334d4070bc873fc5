"""The XRD readers read .xy/.xye exports and PANalytical .xrdml files in their real layouts."""

from pathlib import Path

import numpy as np
import pytest

from paper_lib.errors import InputError
from paper_lib.readers import read_file, sniff
from paper_lib.readers.xrd import read_xrdml, read_xy, to_counts, to_counts_per_second

FIXTURES = Path(__file__).parent / "data" / "xrd"


def test_xy_with_header_lines_and_step_info():
    """EVA-style header: ' comment lines with several key: value pairs, then a column-title line."""
    ds = read_xy(FIXTURES / "header_step.xy")
    assert ds.sizes["two_theta"] == 8
    np.testing.assert_allclose(ds.two_theta, 20.0 + 0.02 * np.arange(8), atol=1e-9)
    assert ds.intensity.values[4] == 240
    assert ds.two_theta.attrs == {"units": "deg", "long_name": "diffraction angle 2θ"}
    assert ds.intensity.attrs["units"] == "counts"
    a = ds.attrs
    assert (a["kind"], a["anode"], a["source_format"]) == ("xrd", "Cu", "xy")
    assert a["wavelength_A"] == pytest.approx(1.5406) and a["wavelength_ka2_A"] == pytest.approx(1.54439)
    assert a["count_time_s"] == pytest.approx(0.5)
    assert "intensity_stderr" not in ds


def test_comma_separated_with_column_titles():
    ds = read_file(FIXTURES / "comma.xy")
    np.testing.assert_allclose(ds.two_theta, [10.0, 10.05, 10.1, 10.15, 10.2, 10.25])
    assert float(ds.intensity.sel(two_theta=10.15)) == 90


def test_descending_two_theta_is_sorted_and_cps_kept():
    ds = read_xy(FIXTURES / "descending_cps.xy")
    assert np.all(np.diff(ds.two_theta.values) > 0)
    assert float(ds.intensity.sel(two_theta=30.1)) == 45.5  # pairs stay together when sorted
    assert ds.intensity.attrs["units"] == "counts/s" and ds.attrs["count_time_s"] == 2.0
    counts = to_counts(ds)
    assert counts.intensity.attrs["units"] == "counts"
    assert float(counts.intensity.sel(two_theta=30.1)) == pytest.approx(91.0)
    back = to_counts_per_second(counts)
    np.testing.assert_allclose(back.intensity, ds.intensity)


def test_xye_third_column_is_the_standard_error():
    ds = read_file(FIXTURES / "sample.xye")
    assert sniff(FIXTURES / "sample.xye") == "xy"
    assert ds.attrs["source_format"] == "xye"
    np.testing.assert_allclose(ds.intensity_stderr, [20, 21, 22, 30, 23])
    assert ds.intensity_stderr.attrs["units"] == "counts"
    cps = to_counts_per_second(ds.assign_attrs(count_time_s=4.0))
    assert float(cps.intensity_stderr[3]) == pytest.approx(7.5)


def test_xrdml_v1_list_positions_two_scans():
    ds = read_xrdml(FIXTURES / "v10_list_two_scans.xrdml")
    np.testing.assert_allclose(ds.two_theta, [23.9, 23.95, 24.0, 24.05, 24.1])
    np.testing.assert_allclose(ds.intensity, [100, 180, 300, 160, 90])  # first scan only, sorted
    a = ds.attrs
    assert a["n_scans"] == 2 and a["xrdml_version"] == "1.0" and a["anode"] == "Cu"
    assert a["wavelength_A"] == pytest.approx(1.540598) and a["ka2_ka1_ratio"] == 0.5
    assert a["count_time_s"] == 2.0
    assert to_counts_per_second(ds).intensity.values[2] == pytest.approx(150.0)


def test_xrdml_v2_counts_start_end():
    ds = read_file(FIXTURES / "v21_counts.xrdml")
    np.testing.assert_allclose(ds.two_theta, np.linspace(17.0, 17.1, 6))
    np.testing.assert_allclose(ds.intensity, [10, 20, 40, 80, 40, 20])
    assert ds.attrs["xrdml_version"] == "2.1" and ds.attrs["count_time_s"] == 0.5
    assert ds.attrs["wavelength_ka2_A"] == pytest.approx(1.544426)


def test_generated_reference_files_read():
    reference = Path(__file__).parents[1] / "data" / "reference" / "xrd"
    for path in sorted(reference.glob("*")):
        ds = read_file(path)
        assert ds.sizes["two_theta"] == 3751 and ds.attrs["kind"] == "xrd"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, where", [
    ("", None),
    ("# header only\n", None),
    ("10.0 5\n10.1 6\n10.2 x7\n", "line 3"),
    ("10.0 5\n10.1\n", "line 2"),
    ("10.0 5 1 2\n10.1 6 1 2\n", "line 1"),
    ("10.0 5\n10.1 nan\n", "line 2"),
])
def test_bad_xy(tmp_path, text, where):
    path = _write(tmp_path, "bad.xy", text)
    with pytest.raises(InputError) as err:
        read_xy(path)
    assert "bad.xy" in str(err.value)
    if where:
        assert where in str(err.value)


def _xrdml(tmp_path, replace):
    text = (FIXTURES / "v21_counts.xrdml").read_text()
    for old, new in replace:
        assert old in text
        text = text.replace(old, new)
    return _write(tmp_path, "bad.xrdml", text)


@pytest.mark.parametrize("replace, field", [
    ([("<counts unit=\"counts\">10 20 40 80 40 20</counts>", "")], "intensities"),
    ([("10 20 40 80", "10 20 4O 80")], "dataPoints/counts"),
    ([("axis=\"2Theta\"", "axis=\"Chi\"")], "positions[2Theta]"),
    ([("<startPosition>17.0000</startPosition>", "")], "startPosition"),
    ([("<commonCountingTime unit=\"seconds\">0.50</commonCountingTime>", "")], "commonCountingTime"),
    ([("unit=\"counts\">10", "unit=\"furlongs\">10")], "dataPoints/counts"),
    ([("xrdMeasurements xmlns", "somethingElse xmlns"), ("</xrdMeasurements>", "</somethingElse>")], "xrdMeasurements"),
])
def test_bad_xrdml_names_the_field(tmp_path, replace, field):
    path = _xrdml(tmp_path, replace)
    with pytest.raises(InputError) as err:
        read_xrdml(path)
    assert "bad.xrdml" in str(err.value) and field in str(err.value)


def test_truncated_xrdml_names_the_line(tmp_path):
    text = (FIXTURES / "v21_counts.xrdml").read_text()
    path = _write(tmp_path, "bad.xrdml", text[: len(text) // 2])
    with pytest.raises(InputError, match=r"bad\.xrdml, line \d+"):
        read_xrdml(path)


def test_list_positions_length_mismatch(tmp_path):
    text = (FIXTURES / "v10_list_two_scans.xrdml").read_text().replace("300 100 180 160 90", "300 100 180", 1)
    path = _write(tmp_path, "bad.xrdml", text)
    with pytest.raises(InputError, match="expected 5 intensities"):
        read_xrdml(path)


def test_xrdml_in_counts_per_second_needs_no_counting_time(tmp_path):
    path = _xrdml(tmp_path, [("<counts unit=\"counts\">", "<counts unit=\"counts/s\">"),
                             ("<commonCountingTime unit=\"seconds\">0.50</commonCountingTime>", "")])
    ds = read_xrdml(path)
    assert ds.intensity.attrs["units"] == "counts/s" and "count_time_s" not in ds.attrs
    with pytest.raises(ValueError, match="count_time_s"):
        to_counts(ds)
