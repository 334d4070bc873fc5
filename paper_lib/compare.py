"""Does a rebuilt output agree with the committed one? Comparison within stated tolerances.

Floating-point results move in their last bits between CPUs, BLAS kernels, SIMD code paths and thread
counts, and a fit or a rounding can carry that into a printed digit. So outputs are compared by what
they mean, not byte for byte:

* **Printed numbers** (notebook text, claims, provenance): a decimal number, one with a point or an
  exponent, may differ by **one unit in its last printed digit** (a rounding step, the finer of the two
  numbers' last digits) or by ``REL`` of its value, whichever is larger. Integers (counts, hkl, ids)
  and all other text must be equal. A number printed with n significant digits thus catches any real
  change larger than one unit in its n-th digit: with four digits, 0.01-0.1 %.
* **Numbers stored in JSON** (``figures/claims/*.json``): the same rule, with the number of
  significant digits the writer keeps for that field (``digits``), since JSON drops trailing zeros.
* **PDF figures**, the sharp check of a drawing: each page's text is compared as text (its numbers
  by the rule above), and the page, rendered at ``PDF_DPI`` with the text masked out, must not differ
  from the committed one by more than ``PDF_RMS`` (root-mean-square of the 0-255 RGB values, as
  ``matplotlib.testing.compare`` computes it). A label whose last digit flipped thus passes; a curve
  moved by 1 % of its axis does not.
* **Raster images** (PNG figures, the figures inside notebooks) cannot tell a flipped digit from a
  moved curve, so they are the coarse check: the same size, and RMS at most ``IMAGE_RMS``. A label
  whose last digit flipped gives 1-4 in the compendium's figures; one curve moved by 1 % of its axis
  in a small figure about 10; a whole panel changed, more.
* Provenance metadata inside PNG and PDF files compares as JSON.
* Runs of blanks count as one: the padding of aligned columns moves when a number gains a sign.

Each comparison returns a list of :class:`Difference`; ``within`` tells floating-point noise (inside
the tolerance) from a real change. An empty list means equal.
"""

import base64
import io
import json
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REL = Decimal("1e-6")  # relative floor, for numbers printed with more digits than they can keep
IMAGE_RMS = 5.0  # raster figures, RMS of the 0-255 values: a flipped label digit 1-4, a curve moved by 1 % ~10
PDF_RMS = 0.5  # PDF pages with their text masked (a 1 % shift of one panel's markers is about 0.5-3)
PDF_DPI = 150  # resolution at which PDF pages are rendered for comparison
MASK_PAD = 2  # pixels added around each character's box when text is masked

_PDFIUM = threading.Lock()  # pdfium is not thread-safe
SPACES = re.compile(r"[ \t]+")
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w]|\.\d)")


@dataclass(frozen=True)
class Difference:
    """One difference between a committed output (``old``) and a rebuilt one (``new``)."""

    where: str
    old: str
    new: str
    within: bool
    allowed: str = ""

    def __str__(self):
        tol = f" (allowed {self.allowed})" if self.allowed else ""
        verdict = "within tolerance" if self.within else "DIFFERS"
        return f"{self.where}: {self.old} -> {self.new}{tol}, {verdict}"


def real(differences) -> list:
    """The differences beyond the tolerance."""
    return [d for d in differences if not d.within]


# ------------------------------------------------------------------ numbers in text
def _unit(token: str) -> Decimal:
    """One unit in the last printed digit of ``token`` ('5.45' -> 0.01, '1.2e-04' -> 1e-05)."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return Decimal(1).scaleb(int(exponent or 0) - decimals)


def _is_decimal(token: str) -> bool:
    return "." in token or "e" in token.lower()


def number_agrees(old: str, new: str, unit=None):
    """``(agrees, allowed)`` for two printed numbers; ``unit`` overrides the last-digit unit."""
    if not (_is_decimal(old) or _is_decimal(new)):
        return old == new, "exact (integer)"
    a, b = Decimal(old), Decimal(new)
    step = unit if unit is not None else min(_unit(old), _unit(new))
    allowed = max(step, REL * max(abs(a), abs(b)))
    return abs(a - b) <= allowed, f"±{allowed:.2g}"


def text(old: str, new: str, where="text") -> list:
    """Differences between two texts: numbers within the tolerance, everything else exactly."""
    if old == new:
        return []
    if _words(old) != _words(new):
        return [_text_change(old, new, where)]
    found = []
    old_numbers, new_numbers = NUMBER.findall(old), NUMBER.findall(new)
    offsets = [m.start() for m in NUMBER.finditer(old)]
    for a, b, at in zip(old_numbers, new_numbers, offsets):
        if a != b:
            ok, allowed = number_agrees(a, b)
            found.append(Difference(f"{where}, line {old.count(chr(10), 0, at) + 1}", a, b, ok, allowed))
    return found or [Difference(where, "blanks", "other blanks", True, "layout")]


def _words(text: str) -> list:
    """The text between the numbers, runs of blanks counted as one (padding of aligned columns moves
    when a number gains a sign or a digit)."""
    return [SPACES.sub(" ", part) for part in NUMBER.split(text)]


def _text_change(old, new, where):
    """A difference in the words (not the numbers) of a text: the first line that differs."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for index in range(max(len(old_lines), len(new_lines))):
        a = old_lines[index] if index < len(old_lines) else "<no line>"
        b = new_lines[index] if index < len(new_lines) else "<no line>"
        if _words(a) != _words(b):
            return Difference(f"{where}, line {index + 1}", _short(a), _short(b), False, "same words")
    return Difference(where, _short(old), _short(new), False, "same words")


def _short(s, n=160):
    return repr(s if len(s) <= n else s[:n] + "…")


# ------------------------------------------------------------------ JSON
def json_doc(old, new, where="json", digits=None) -> list:
    """Differences between two parsed JSON documents. ``digits(key)`` gives the significant digits
    the writer keeps for a float under ``key`` (None: as printed)."""
    if isinstance(old, dict) and isinstance(new, dict):
        if set(old) != set(new):
            return [Difference(where, f"keys {sorted(set(old) - set(new))} only here",
                               f"keys {sorted(set(new) - set(old))} only here", False, "same keys")]
        return [d for k in old for d in _json_value(old[k], new[k], f"{where}.{k}", k, digits)]
    return _json_value(old, new, where, None, digits)


def _json_value(old, new, where, key, digits):
    if isinstance(old, dict) or isinstance(new, dict):
        if not (isinstance(old, dict) and isinstance(new, dict)):
            return [Difference(where, _short(json.dumps(old)), _short(json.dumps(new)), False, "same type")]
        return json_doc(old, new, where, digits)
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [Difference(where, f"{len(old)} items", f"{len(new)} items", False, "same length")]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in _json_value(a, b, f"{where}[{i}]", key, digits)]
    if isinstance(old, str) and isinstance(new, str):
        return text(old, new, where)
    if isinstance(old, float) or isinstance(new, float):
        if isinstance(old, bool) or isinstance(new, bool) or old is None or new is None:
            return [] if old == new else [Difference(where, repr(old), repr(new), False, "exact")]
        if old == new:
            return []
        n = digits(key) if digits else None
        unit = _significant_unit(max(abs(old), abs(new)), n) if n else None
        ok, allowed = number_agrees(repr(float(old)), repr(float(new)), unit)
        return [Difference(where, repr(old), repr(new), ok, allowed)]
    if old != new:
        return [Difference(where, _short(json.dumps(old)), _short(json.dumps(new)), False, "exact")]
    return []


def _significant_unit(value, digits) -> Decimal:
    """One unit in the ``digits``-th significant digit of ``value``."""
    if value == 0:
        return Decimal(0)
    exponent = Decimal(repr(float(value))).adjusted()
    return Decimal(1).scaleb(exponent - digits + 1)


# ------------------------------------------------------------------ images
def _pixels(image):
    import numpy as np
    from PIL import Image

    if isinstance(image, (bytes, bytearray)):
        image = Image.open(io.BytesIO(image))
    elif isinstance(image, (str, Path)):
        image = Image.open(image)
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def image(old, new, where="image") -> list:
    """Differences between two raster images (PNG bytes, paths or PIL images): size, then RMS."""
    a, b = _pixels(old), _pixels(new)
    if a.shape != b.shape:
        return [Difference(where, f"{a.shape[1]}x{a.shape[0]} px", f"{b.shape[1]}x{b.shape[0]} px", False,
                           "same size")]
    return _rms(a, b, where, IMAGE_RMS)


def png_file(old: Path, new: Path, where=None) -> list:
    """A PNG figure: its pixels and its provenance (the 'Description' text chunk)."""
    from PIL import Image

    where = where or Path(new).name
    found = image(old, new, where)
    with Image.open(old) as a, Image.open(new) as b:
        meta_a, meta_b = dict(getattr(a, "text", {})), dict(getattr(b, "text", {}))
    return found + _metadata(meta_a, meta_b, where, "Description")


def pdf_file(old: Path, new: Path, where=None) -> list:
    """A PDF figure: every page's text, its drawing with the text masked (RMS), and its metadata."""
    import pypdfium2 as pdfium

    where = where or Path(new).name
    with _PDFIUM:
        return _pdf_pages(pdfium.PdfDocument(str(old)), pdfium.PdfDocument(str(new)), where)


def _pdf_pages(a, b, where):
    try:
        if len(a) != len(b):
            return [Difference(where, f"{len(a)} pages", f"{len(b)} pages", False, "same pages")]
        found = []
        for index in range(len(a)):
            (pixels_a, boxes_a, text_a), (pixels_b, boxes_b, text_b) = _page(a[index]), _page(b[index])
            here = f"{where}, page {index + 1}"
            found += text(text_a, text_b, f"{here} text")
            if pixels_a.shape != pixels_b.shape:
                found.append(Difference(here, f"{pixels_a.shape[1]}x{pixels_a.shape[0]} px",
                                        f"{pixels_b.shape[1]}x{pixels_b.shape[0]} px", False, "same size"))
                continue
            for box in boxes_a + boxes_b:
                pixels_a[box] = pixels_b[box] = 255
            found += _rms(pixels_a, pixels_b, f"{here} drawing (text masked)", PDF_RMS)
        return found + _metadata(a.get_metadata_dict(), b.get_metadata_dict(), where, "Subject")
    finally:
        a.close()
        b.close()


def _page(page):
    """``(RGB pixels, slices of every character's box, text)`` of a PDF page rendered at PDF_DPI."""
    import numpy as np

    scale = PDF_DPI / 72
    pixels = np.asarray(page.render(scale=scale).to_pil().convert("RGB"), dtype=np.int16)
    textpage = page.get_textpage()
    height, boxes = page.get_height(), []
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        rows = slice(max(int((height - top) * scale) - MASK_PAD, 0), int((height - bottom) * scale) + MASK_PAD + 1)
        cols = slice(max(int(left * scale) - MASK_PAD, 0), int(right * scale) + MASK_PAD + 1)
        boxes.append((rows, cols))
    return pixels, boxes, textpage.get_text_range()


def _rms(a, b, where, tolerance) -> list:
    from matplotlib.testing.compare import calculate_rms

    rms = float(calculate_rms(a, b))
    return [] if rms == 0 else [Difference(where, "pixels", f"RMS {rms:.3g}", rms <= tolerance, f"RMS {tolerance}")]


def _metadata(old: dict, new: dict, where, json_key) -> list:
    """File metadata: the provenance record under ``json_key`` as JSON, other entries exactly."""
    found = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == json_key and a and b:
            found += json_doc(json.loads(a), json.loads(b), f"{where} metadata {key}")
        else:
            found.append(Difference(f"{where} metadata {key}", _short(str(a)), _short(str(b)), False, "exact"))
    return found


# ------------------------------------------------------------------ notebooks
def notebook(old: dict, new: dict, where="notebook") -> list:
    """Differences between two executed notebooks (as dicts): sources exactly, outputs by meaning."""
    if len(old["cells"]) != len(new["cells"]):
        return [Difference(where, f"{len(old['cells'])} cells", f"{len(new['cells'])} cells", False, "same cells")]
    found = []
    for index, (a, b) in enumerate(zip(old["cells"], new["cells"])):
        here = f"{where} cell {index}"
        if _joined(a["source"]) != _joined(b["source"]):
            found.append(Difference(here, "source", "another source", False, "same source"))
            continue
        found += outputs(a.get("outputs", []), b.get("outputs", []), here)
    return found


def outputs(old: list, new: list, where="cell") -> list:
    """Differences between the outputs of one cell."""
    if [_kind(o) for o in old] != [_kind(o) for o in new]:
        return [Difference(where, str([_kind(o) for o in old]), str([_kind(o) for o in new]), False,
                           "same outputs")]
    found = []
    for index, (a, b) in enumerate(zip(old, new)):
        here = f"{where}, output {index}"
        if a["output_type"] == "stream":
            found += text(_joined(a["text"]), _joined(b["text"]), f"{here} ({a['name']})")
        elif a["output_type"] == "error":
            found.append(Difference(here, a.get("ename", ""), b.get("ename", ""), False, "no error"))
        else:
            found += _mime_bundle(a.get("data", {}), b.get("data", {}), here)
    return found


def _mime_bundle(old: dict, new: dict, where) -> list:
    if set(old) != set(new):
        return [Difference(where, str(sorted(old)), str(sorted(new)), False, "same types")]
    found = []
    for mime in sorted(old):
        a, b = old[mime], new[mime]
        if mime.startswith("image/") and mime != "image/svg+xml":
            if _joined(a) != _joined(b):
                found += image(base64.b64decode(_joined(a)), base64.b64decode(_joined(b)), f"{where} {mime}")
        elif mime.endswith("json") and not isinstance(a, str):
            found += json_doc(a, b, f"{where} {mime}")
        else:
            found += text(_joined(a), _joined(b), f"{where} {mime}")
    return found


def _kind(output) -> str:
    return output["output_type"] + (f":{output['name']}" if output["output_type"] == "stream" else "")


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


# ------------------------------------------------------------------ files
BRUKER_BINARY = {"1r": ("procs", "BYTORDP"), "1i": ("procs", "BYTORDP"), "fid": ("acqus", "BYTORDA"),
                 "ser": ("acqus", "BYTORDA")}


def files(old: Path, new: Path, where=None, digits=None) -> list:
    """Differences between two files of the same name, by their kind (suffix): figures, notebooks and
    JSON as above; TIFF images and Bruker binary spectra by their integer values (one quantum of
    rounding allowed, like one unit of a printed digit); EC-Lab ``.mpr`` and Neware ``.ndax`` by their columns
    (``MPR_REL`` of a float32 or float64 value, one quantum of an integer); Gwyddion ``.gsf`` heights and
    JPK force maps' channels likewise; other text by its numbers; the rest exactly."""
    old, new = Path(old), Path(new)
    if old.read_bytes() == new.read_bytes():
        return []
    where = where or new.name
    suffix = new.suffix.lower()
    if suffix == ".png":
        return png_file(old, new, where)
    if suffix == ".pdf":
        return pdf_file(old, new, where)
    if suffix == ".ipynb":
        return notebook(json.loads(old.read_text()), json.loads(new.read_text()), where)
    if suffix == ".json":
        return json_doc(json.loads(old.read_text()), json.loads(new.read_text()), where, digits)
    if suffix in (".tif", ".tiff"):
        return _quanta(_pixels_raw(old), _pixels_raw(new), where)
    if new.name in BRUKER_BINARY:
        return _quanta(_bruker_ints(old), _bruker_ints(new), where)
    if suffix == ".mpr":
        return _mpr(old, new, where)
    if suffix in (".ndax", ".nda"):
        return _ndax(old, new, where)
    if suffix == ".gsf":
        return _gsf(old, new, where)
    if suffix in (".jpk-force-map", ".jpk-force", ".jpk-qi-data"):
        return _jpk(old, new, where)
    a, b = _text_of(old), _text_of(new)
    if a is None or b is None:
        return [Difference(where, f"{old.stat().st_size} bytes", f"{new.stat().st_size} bytes", False, "exact")]
    return text(a, b, where)


MPR_REL = {4: 2e-7, 8: 1e-12}  # relative tolerance by float size (bytes): a few units in the last place


def _mpr(old, new, where) -> list:
    """Two EC-Lab .mpr files, column by column (galvani decodes them)."""
    import numpy as np
    from galvani.BioLogic import MPRfile

    a, b = MPRfile(str(old)).data, MPRfile(str(new)).data
    if a.dtype != b.dtype or a.shape != b.shape:
        return [Difference(where, f"{a.shape} {a.dtype.names}", f"{b.shape} {b.dtype.names}", False, "same columns")]
    found = []
    for name in a.dtype.names:
        x, y = np.asarray(a[name]), np.asarray(b[name])
        if np.array_equal(x, y):
            continue
        if x.dtype.kind == "f":
            worst = float(np.max(np.abs(x - y) / np.maximum(np.abs(x), np.finfo(x.dtype).tiny)))
            rel = MPR_REL[x.dtype.itemsize]
            found.append(Difference(f"{where} column {name}", "values", f"relative difference up to {worst:.2g}",
                                    worst <= rel, f"{rel:g} relative"))
        else:
            found += _quanta(x.astype(np.int64), y.astype(np.int64), f"{where} column {name}")
    return found


def _ndax(old, new, where) -> list:
    """Two Neware files, record by record (NewareNDA decodes them): a zip's compressed bytes depend on
    the zlib build, the records must not."""
    import NewareNDA
    import numpy as np

    a, b = NewareNDA.read(str(old)), NewareNDA.read(str(new))
    if list(a.columns) != list(b.columns) or a.shape != b.shape:
        return [Difference(where, f"{a.shape} {list(a.columns)}", f"{b.shape} {list(b.columns)}", False, "same records")]
    found = []
    for name in a.columns:
        x, y = a[name].to_numpy(), b[name].to_numpy()
        if x.dtype.kind == "f":
            worst = float(np.max(np.abs(x - y) / np.maximum(np.abs(x), np.finfo(x.dtype).tiny), initial=0.0))
            if worst:
                rel = MPR_REL[x.dtype.itemsize]
                found.append(Difference(f"{where} column {name}", "values", f"relative difference up to {worst:.2g}",
                                        worst <= rel, f"{rel:g} relative"))
        elif not (x == y).all():
            found.append(Difference(f"{where} column {name}", "values", f"{int((x != y).sum())} differ", False, "exact"))
    return found


def _gsf(old, new, where) -> list:
    """Two Gwyddion Simple Field images: the same header, float32 heights within ``MPR_REL`` of the range."""
    import numpy as np

    def parts(path):
        data = path.read_bytes()
        end = data.index(b"\0")
        start = end + (4 - end % 4)
        return data[:end].decode("utf-8", "replace"), np.frombuffer(data[start:], "<f4")

    (head_a, a), (head_b, b) = parts(old), parts(new)
    found = text(head_a, head_b, f"{where} header")
    if a.shape != b.shape:
        return found + [Difference(where, f"{a.size} values", f"{b.size} values", False, "same size")]
    worst = float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a))), np.finfo("f4").tiny))
    if worst:
        found.append(Difference(f"{where} heights", "values", f"difference up to {worst:.2g} of the range",
                                worst <= MPR_REL[4], f"{MPR_REL[4]:g} of the range"))
    return found


def _jpk(old, new, where) -> list:
    """Two JPK zips member by member: channel data (big-endian int32) within one quantum, properties
    as text by their numbers; compressed bytes may differ between zlib builds."""
    import zipfile

    import numpy as np

    with zipfile.ZipFile(old) as za, zipfile.ZipFile(new) as zb:
        names_a, names_b = sorted(za.namelist()), sorted(zb.namelist())
        if names_a != names_b:
            return [Difference(where, f"{len(names_a)} members", f"{len(names_b)} members", False, "same members")]
        found = []
        for name in names_a:
            x, y = za.read(name), zb.read(name)
            if x == y:
                continue
            if name.endswith(".dat"):
                found += _quanta(np.frombuffer(x, ">i4").astype(np.int64), np.frombuffer(y, ">i4").astype(np.int64),
                                 f"{where}:{name}")
            else:
                found += text(x.decode("utf-8", "replace"), y.decode("utf-8", "replace"), f"{where}:{name}")
        return found


def _text_of(path):
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _pixels_raw(path):
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image).astype(np.int64)


def _bruker_ints(path):
    """The int32 values of a Bruker binary file, in the byte order its parameter file states."""
    import numpy as np

    params, key = BRUKER_BINARY[path.name]
    found = re.search(rf"##\${key}=\s*(\d)", (path.parent / params).read_text(errors="replace"))
    order = ">" if found and found.group(1) == "1" else "<"
    return np.frombuffer(path.read_bytes(), dtype=f"{order}i4").astype(np.int64)


def _quanta(a, b, where) -> list:
    """Integer data (pixels, spectrum points): the same shape, and no value more than 1 apart."""
    if a.shape != b.shape:
        return [Difference(where, f"shape {a.shape}", f"shape {b.shape}", False, "same shape")]
    worst = int(abs(a - b).max()) if a.size else 0
    if worst == 0:
        return []
    changed = int((a != b).sum())
    return [Difference(where, "values", f"{changed} differ, by up to {worst}", worst <= 1, "±1 quantum")]
