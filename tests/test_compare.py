"""The comparator's tolerances: loose enough for floating-point noise, tight enough for a 1 % change."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest

from paper_lib import claims, compare


def verdicts(old, new):
    return [d.within for d in compare.text(old, new)]


def test_a_rounding_step_in_the_last_digit_is_noise():
    assert verdicts("I/I(101) 5.46 ± 0.45", "I/I(101) 5.45 ± 0.45") == [True]
    assert verdicts("sigma 2.213e-04 S/cm", "sigma 2.214e-04 S/cm") == [True]
    assert verdicts("shift -0.000 deg", "shift +0.000 deg") == [True]


def test_more_than_a_rounding_step_differs():
    assert verdicts("I/I(101) 5.46 ± 0.45", "I/I(101) 5.48 ± 0.45") == [False]
    assert verdicts("sigma 2.213e-04 S/cm", "sigma 2.235e-04 S/cm") == [False]


def test_integers_labels_and_words_are_exact():
    assert verdicts("17 peaks", "16 peaks") == [False]
    assert not compare.text("(101) reflection", "(102) reflection")[0].within
    assert not compare.text("LiBH4-70LiNBH", "LiBH4-71LiNBH")[0].within, "sample names are words"
    assert not compare.text("sha256 3b1f9a", "sha256 3b1f9b")[0].within, "hashes are words"
    assert not compare.text("model arc", "model spike")[0].within
    assert compare.text("python 3.11.7", "python 3.11.8")[0].within is False, "versions are words"


def test_many_digits_fall_back_to_a_relative_tolerance():
    assert verdicts("0.123456789012", "0.123456789099") == [True]
    assert verdicts("0.123456789012", "0.123466789012") == [False]


def test_differences_name_their_line():
    (d,) = compare.text("a 1.0\nb 2.51\n", "a 1.0\nb 2.50\n", "cell 3")
    assert d.where == "cell 3, line 2" and (d.old, d.new) == ("2.51", "2.50")


@pytest.mark.parametrize("digits", [2, 3, 4, 6])
def test_printed_values_pass_noise_and_catch_one_percent(digits):
    """Over many values printed with ``digits`` significant digits: a relative noise of 1e-9 (far above
    what CPUs and BLAS kernels give) never fails; a real change of 1 % always fails with four digits or
    more, with three when it exceeds one unit of the last digit, and never with two (a 1 % change of a
    two-digit number is less than one unit: the print cannot show it, the claims file does)."""
    rng = np.random.default_rng(7)
    values = 10 ** rng.uniform(-12, 6, 4000) * rng.choice([-1, 1], 4000)
    fmt = f"{{:.{digits - 1}e}}"
    for v in values:
        assert all(verdicts(fmt.format(v), fmt.format(v * (1 + 1e-9)))), v
    caught = np.mean([not all(verdicts(fmt.format(v), fmt.format(v * 1.01))) for v in values])
    assert caught == 1.0 if digits >= 4 else (0.6 < caught < 1.0 if digits == 3 else caught == 0.0)


def test_claims_files_compare_at_their_recorded_digits():
    old = {"claims": [{"id": "x", "computed": 0.1, "uncertainty": 0.45}]}

    def with_(computed, uncertainty):
        return {"claims": [{"id": "x", "computed": computed, "uncertainty": uncertainty}]}

    assert all(d.within for d in compare.json_doc(old, with_(0.1001, 0.46), digits=claims.DIGITS.get))
    assert not compare.real(compare.json_doc(old, with_(0.0999, 0.44), digits=claims.DIGITS.get))
    assert compare.real(compare.json_doc(old, with_(0.101, 0.45), digits=claims.DIGITS.get)), "1 % caught"
    assert compare.real(compare.json_doc(old, with_(0.1, 0.48), digits=claims.DIGITS.get))
    assert compare.real(compare.json_doc(old, {"claims": [{"id": "y", "computed": 0.1, "uncertainty": 0.45}]}))
    assert compare.real(compare.json_doc({"a": 1}, {"b": 1}))


def figure(y_shift=0.0, label="5.45"):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot(np.linspace(0, 1, 50), np.sin(np.linspace(0, 6, 50)) + y_shift, color="C1")
    ax.bar([2], [0.5])
    ax.text(2, 0.6, label, ha="center")
    ax.set_ylim(-1.5, 1.5)
    return fig


def saved(fig, fmt, path=None):
    buffer = io.BytesIO()
    # No timestamps, as paper_lib.plotting saves: two saves a second apart must not differ in metadata.
    metadata = {"Software": None} if fmt == "png" else {"CreationDate": None, "Producer": None}
    fig.savefig(path or buffer, format=fmt, dpi=200, metadata=metadata)
    plt.close(fig)
    return path or buffer.getvalue()


def test_raster_figures_compare_by_rms():
    base = saved(figure(), "png")
    assert compare.image(base, saved(figure(), "png")) == []
    (flipped,) = compare.image(base, saved(figure(label="5.46"), "png"))
    assert flipped.within, "one label whose last digit flipped"
    (moved,) = compare.image(base, saved(figure(y_shift=0.3), "png"))
    assert not moved.within
    small = saved(plt.subplots(figsize=(2, 2))[0], "png")
    assert not compare.image(base, small)[0].within, "another size"


def test_pdf_figures_compare_text_by_meaning_and_drawing_sharply(tmp_path):
    base = saved(figure(), "pdf", tmp_path / "a.pdf")
    found = compare.pdf_file(base, saved(figure(label="5.46"), "pdf", tmp_path / "b.pdf"))
    assert found and all(d.within for d in found), found
    assert any("text" in d.where and (d.old, d.new) == ("5.45", "5.46") for d in found)
    moved = compare.pdf_file(base, saved(figure(y_shift=0.03), "pdf", tmp_path / "c.pdf"))
    assert any("drawing" in d.where and not d.within for d in moved), "a curve moved by 1 % of the axis"
    relabelled = compare.pdf_file(base, saved(figure(label="6.45"), "pdf", tmp_path / "d.pdf"))
    assert compare.real(relabelled)


def test_notebook_outputs_compare_per_cell():
    cell = {"cell_type": "code", "source": "print(x)", "outputs": [
        {"output_type": "stream", "name": "stdout", "text": "x = 1.23\n"},
        {"output_type": "display_data", "data": {"text/plain": "<Figure>"}}]}
    other = {**cell, "outputs": [{**cell["outputs"][0], "text": "x = 1.24\n"}, cell["outputs"][1]]}
    (d,) = compare.notebook({"cells": [cell]}, {"cells": [other]})
    assert d.within and d.where.startswith("notebook cell 0, output 0 (stdout)")
    gone = {**cell, "outputs": cell["outputs"][:1]}
    assert compare.real(compare.notebook({"cells": [cell]}, {"cells": [gone]}))
    assert compare.real(compare.notebook({"cells": [cell]}, {"cells": [{**cell, "source": "print(y)"}]}))


def test_integer_data_allow_one_quantum(tmp_path):
    """Bruker binary spectra and TIFF images: a value rounded the other way passes, two quanta do not."""
    from PIL import Image

    values = np.arange(-5000, 5000, 7, dtype="<i4")
    pixels = (np.arange(64 * 64) % 251).astype(np.uint8).reshape(64, 64)
    for name, delta in (("same", 0), ("noise", 1), ("change", 2)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "procs").write_text("##$BYTORDP= 0\n##$DTYPP= 0\n")
        shifted = values.copy()
        shifted[10] += delta
        (tmp_path / name / "1r").write_bytes(shifted.tobytes())
        image = pixels.copy()
        image[3, 4] += delta
        Image.fromarray(image).save(tmp_path / name / "img.tif", compression="tiff_deflate")
    for file in ("1r", "img.tif"):
        assert compare.files(tmp_path / "same" / file, tmp_path / "same" / file) == []
        (noise,) = compare.files(tmp_path / "same" / file, tmp_path / "noise" / file)
        assert noise.within and "1 differ, by up to 1" in noise.new
        assert compare.real(compare.files(tmp_path / "same" / file, tmp_path / "change" / file))


def test_blanks_are_layout():
    (d,) = compare.text("F      -0.001  x", "F       0.001  x")
    assert not d.within, "a changed sign is a change"
    (d,) = compare.text("col  1.0", "col 1.0")
    assert d.within and d.allowed == "layout"


def test_ec_lab_mpr_files_compare_column_by_column(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "data"))
    from generator.cycler_writers import write_mpr

    t = np.arange(50) * 40.0
    current = np.linspace(-0.02, 0.03, 50)
    base = {"time/s": t, "Ewe/V": np.linspace(2.6, 0.6, 50), "<I>/mA": current}
    write_mpr(tmp_path / "a.mpr", "CV", base)
    write_mpr(tmp_path / "b.mpr", "CV", {**base, "<I>/mA": current * (1 + 1e-14)})
    write_mpr(tmp_path / "c.mpr", "CV", {**base, "<I>/mA": current * 1.01})
    assert compare.files(tmp_path / "a.mpr", tmp_path / "a.mpr") == []
    noise = compare.files(tmp_path / "a.mpr", tmp_path / "b.mpr")
    assert noise and all(d.within for d in noise) and "<I>/mA" in noise[0].where
    assert compare.real(compare.files(tmp_path / "a.mpr", tmp_path / "c.mpr"))


def test_afm_files_compare_by_their_values(tmp_path):
    """A JPK force map whose channel data moved by one quantum, and a Gwyddion image by one float32
    rounding, agree; two quanta or a changed header do not."""
    import zipfile

    import numpy as np

    from paper_lib import paths

    source = paths.REFERENCE / "afm" / "Li-LiBH4-Li_20cycles_forcemap.jpk-force-map"
    with zipfile.ZipFile(source) as z:
        members = {n: z.read(n) for n in z.namelist()}
    channel = next(n for n in members if n.endswith(".dat"))

    def rewrite(name, step):
        data = np.frombuffer(members[channel], ">i4").copy()
        data[3] += step
        with zipfile.ZipFile(tmp_path / name, "w", zipfile.ZIP_DEFLATED) as out:
            for n, payload in members.items():
                out.writestr(n, data.tobytes() if n == channel else payload)
        return tmp_path / name

    assert compare.real(compare.files(source, rewrite("one.jpk-force-map", 1))) == []
    assert compare.real(compare.files(source, rewrite("two.jpk-force-map", 2)))
    image = paths.REFERENCE / "afm" / "Li-LiBH4-Li_20cycles_topography.gsf"
    raw = bytearray(image.read_bytes())
    start = raw.index(b"\0")
    start += 4 - start % 4
    values = np.frombuffer(bytes(raw[start:]), "<f4").copy()
    values[10] = np.nextafter(values[10], np.float32(1.0))
    (tmp_path / "a.gsf").write_bytes(bytes(raw[:start]) + values.tobytes())
    assert compare.real(compare.files(image, tmp_path / "a.gsf")) == []
    values[10] += 1e-6  # a micrometre: a real change
    (tmp_path / "b.gsf").write_bytes(bytes(raw[:start]) + values.tobytes())
    assert compare.real(compare.files(image, tmp_path / "b.gsf"))
