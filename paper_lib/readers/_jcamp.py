"""JCAMP-DX parsing shared by the NMR and IR readers (nmrglue's ``jcampdx`` module does the decoding).

JCAMP-DX (IUPAC, versions 4.24 and 5.01) is a text format of labelled records ``##LABEL= value``;
a 1D spectrum is ``##XYDATA=(X++(Y..Y))`` followed by lines that start with an abscissa and carry
ordinates either as plain numbers (AFFN) or packed in the ASDF forms (SQZ, DIF, DUP pseudo-digits,
with a Y-check value repeated at the start of each DIF line). nmrglue decodes both, applies
``##YFACTOR=`` and returns the labels with upper-case keys without spaces (``##DATA TYPE=`` ->
``DATATYPE``). ``$$`` starts a comment: nmrglue 0.12 joins a data line ending in a ``$$`` comment
to the next one, so comments are removed first, on a temporary copy.
"""

import math
import tempfile
import warnings
from pathlib import Path

from ..errors import InputError


def nmrglue():
    """nmrglue, imported without the progress-bar warning its tqdm.auto import gives in a kernel that
    has no ipywidgets (a notebook must write nothing to stderr)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import nmrglue as ng

    return ng


def text_of(path):
    """The file's text; InputError for a missing or empty file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "JCAMP-DX file does not exist")
    text = path.read_text(errors="replace")
    if not text.strip():
        raise InputError(path, "empty file: expected a JCAMP-DX spectrum ('##TITLE=' ... '##XYDATA=' ... '##END=')")
    return text


def parse(path, function):
    """Run ``function`` (an nmrglue.jcampdx callable taking a file name) on ``path`` with ``$$``
    comments removed; any parser error becomes an InputError naming the file."""
    path = Path(path)
    text = text_of(path)
    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as tmp:
        warnings.simplefilter("ignore")
        source = path
        if "$$" in text:
            source = Path(tmp) / path.name
            source.write_text("\n".join(line.split("$$", 1)[0].rstrip() for line in text.splitlines()) + "\n")
        try:
            return function(str(source))
        except Exception as exc:  # nmrglue raises bare errors on garbage
            raise InputError(path, f"cannot parse as JCAMP-DX ({exc})") from None


def read_blocks(path):
    """``{"_datatype_<TYPE>": [block dict, ...]}`` of all blocks (values are raw strings)."""
    return parse(path, nmrglue().jcampdx._readrawdic)


def block_data(block):
    """Decoded ordinates of one block (``YFACTOR`` applied) or None; warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return nmrglue().jcampdx.getdataarray(block)
        except Exception:
            return None


def label(dic, *keys):
    """First value of the first present label (keys as nmrglue stores them: upper case, no spaces)."""
    for key in keys:
        if dic.get(key):
            return dic[key][0].strip()
    return None


def number(path, dic, key, required=True, shown=None):
    """The label's value as a float; InputError naming the field when missing, not a number or not finite."""
    text = label(dic, key)
    if text is None:
        if required:
            raise InputError(path, f"expected JCAMP-DX label '##{shown or key}='", field=shown or key)
        return None
    try:
        value = float(text.split()[0])
    except (ValueError, IndexError):
        raise InputError(path, f"expected a number, got {text!r}", field=shown or key) from None
    if not math.isfinite(value):
        raise InputError(path, f"expected a finite number, got {text!r}", field=shown or key)
    return value
