"""Property-based fuzzing of the file readers: mutation strategies (hypothesis) and the harness.

Each row of :data:`CASES` names a format, a real-layout seed file (``tests/data/real/**`` or the
reference dataset ``data/reference/**``) and the measurement kind that picks the reader. The harness
runs one case in a child process (``python -m fuzzing``) that

* feeds the reader a fixed list of named mutants of the seed (empty file, a directory, UTF-16,
  cp1252, NaN, 1e400, ...) and then ``examples`` mutants drawn by hypothesis (derandomized, no
  database, no deadline: the time limit below is our own);
* gives every input :data:`TIME_LIMIT_S` seconds (SIGALRM in the child, a watchdog in the parent
  that kills a child stuck in C code) and an address space of the warmed-up reader plus
  :data:`MEMORY_LIMIT_MB` (``RLIMIT_AS``; a ``MemoryError`` is a failure);
* runs in an empty working folder with ``TMPDIR`` pointed at an empty folder, and watches writes with
  an audit hook: a file left anywhere under those folders or beside the input, or written anywhere
  outside ``TMPDIR``, is a failure; temporary files a library makes and removes within ``TMPDIR``
  during the call are counted (``temp_writes``), not failed;
* classifies every outcome: data returned, :class:`~paper_lib.errors.InputError` naming the input
  (with a line or field, or without), or a failure (``escape``: any other exception;
  ``unnamed``: an InputError that does not name the input; ``hang``; ``memory``; ``write``;
  ``crash``: the child died).

Adding a format is one row in :data:`CASES`. Readers whose modules are listed in
:data:`OTHERS_MODULES` are fuzzed too, but their failures are reported, not failed (xfail).
"""

import dataclasses
import glob
import io
import json
import os
import re
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
TIME_LIMIT_S = 5.0          # per input, enforced
MEMORY_LIMIT_MB = 1024      # address space a reader may add on top of its warmed-up process
DEFAULT_EXAMPLES = 200      # per case in the normal test run (FUZZ_EXAMPLES overrides; 20000 = long run)
STARTUP_S = 120.0           # the child's imports and warm-up read
FAILURES = ("escape", "unnamed", "hang", "memory", "write", "crash")


@dataclasses.dataclass(frozen=True)
class Case:
    """One fuzzed reader: ``fmt`` and ``kind`` choose it (``paper_lib.readers.reader``); ``seed`` is
    relative to the repository; ``head_lines`` keeps only the seed's first lines (long trajectories)."""
    fmt: str
    seed: str
    kind: str
    head_lines: int = 0

    @property
    def id(self):
        return f"{self.fmt}[{self.kind}]:{Path(self.seed).name}"


CASES = [
    Case("biologic-mpt", "tests/data/real/exampleDataBioLogic.mpt", "eis"),
    Case("biologic-mpt", "tests/data/real/cycler/yadg_ca.mpt", "ca"),
    Case("biologic-mpr", "tests/data/real/eis/exampleDataBioLogic.mpr", "eis"),
    Case("biologic-mpr", "tests/data/real/cycler/yadg_ca.mpr", "ca"),
    Case("gamry-dta", "data/reference/eis/LiBH4/LiBH4_030C.DTA", "eis"),
    Case("zview-z", "tests/data/real/exampleDataZPlot.z", "eis"),
    Case("eis-csv", "tests/data/real/LinnetteGEIS_Test_4hrs.csv", "eis"),
    Case("eis-csv-headerless", "tests/data/real/eis/exampleData.csv", "eis"),
    Case("chi-eis", "tests/data/real/eis/exampleDataCHInstruments.txt", "eis"),
    Case("zplotw", "tests/data/real/eis/exampleDataAutolab.txt", "eis"),
    Case("versastudio-par", "tests/data/real/eis/exampleDataVersaStudio.par", "eis"),
    Case("parstat-txt", "tests/data/real/eis/exampleDataParstat.txt", "eis"),
    Case("powersuite-txt", "tests/data/real/eis/exampleDataPowersuite.txt", "eis"),
    Case("zahner-ism", "tests/data/real/eis/zahner-li-ion-battery.ism", "eis"),
    Case("ivium-idf", "tests/data/real/eis/exampleDataIvium.idf", "eis"),
    Case("autolab-nova", "tests/data/eis/nova_layout.txt", "eis"),  # tests/test_eis_formats._nova_text
    Case("varian", "tests/data/real/nmr/varian_1H.fid", "nmr"),
    Case("gatan-dm", "tests/data/real/microscopy/test-1_2D.dm4", "image"),
    Case("ta-txt", "tests/data/real/thermal/trios_tga.txt", "tga"),
    Case("mettler-stare", "tests/data/real/thermal/stare_tga_comma.txt", "tga"),
    Case("bruker-opus", "tests/data/real/ftir/brukeropus_example.0", "ftir"),
    Case("galactic-spc", "tests/data/real/ftir/Ft-ir.spc", "ftir"),
    Case("bruker-raw", "tests/data/real/xrd/Cu3Au-1.raw", "xrd"),
    Case("rigaku-ras", "tests/data/real/xrd/rigaku_layout_fixture.ras", "xrd"),
    Case("rigaku-rasx", "tests/data/real/xrd/TwoTheta_scan_powder.rasx", "xrd"),
    Case("bruker", "tests/data/real/nmr/topspin_1d/1", "nmr"),
    Case("jcamp-nmr", "tests/data/nmr/7Li_affn.jdx", "nmr"),
    Case("neb-extxyz", "data/reference/dft/neb/LiBH4.extxyz", "neb"),
    Case("extxyz", "data/reference/dft/structures/LiNBH.extxyz", "structure"),
    Case("vasp", "data/reference/dft/structures/LiBH4.vasp", "structure"),
    Case("xy", "data/reference/xrd/LiBH4-30LiNBH_dehydrogenated.xye", "xrd"),
    Case("xrdml", "data/reference/xrd/LiBH4_as-received.xrdml", "xrd"),
    Case("jcamp-ir", "data/reference/ftir/LiBH4-70LiNBH.jdx", "ftir"),
    Case("ftir-csv", "data/reference/ftir/LiBH4-30LiNH2BH3.csv", "ftir"),
    Case("netzsch-txt", "data/reference/thermal/TGA_LiNH2BH3.txt", "tga"),
    Case("tiff-image", "data/reference/images/SEM_LiNBH.tif", "image"),
    Case("msa", "data/reference/eels/BK_LiBH4-70LiNBH.msa", "eels"),
    Case("neware-ndax", "tests/data/real/cycler/neware_rest.ndax", "gcpl"),
    Case("neware-ndax", "tests/data/real/cycler/neware_cccv.nda", "gcpl"),
    Case("cycler-csv", "tests/data/real/cycler/cellpy_neware_uio_rows2039-3479.csv", "gcpl"),
    Case("chi-txt", "tests/data/cycler/chi_cv.txt", "cv"),
    Case("xdatcar", "data/reference/aimd/LiBH4_AIMD_303K.XDATCAR", "trajectory", head_lines=7 + 4 * 49),
    Case("trajectory-extxyz", "data/reference/aimd/LiNBH_AIMD_303K.extxyz", "trajectory", head_lines=4 * 34),
    Case("vamas", "tests/data/real/xps/prodigy_survey.vms", "xps"),
    Case("xps-csv", "data/reference/xps/Li_bare.csv", "xps", head_lines=400),
    Case("jpk-force-map", "tests/data/real/afm/fmt-jpk-fd_2020.02.07-16.29.05.036.jpk-qi-data", "afm"),
    Case("gwyddion-gsf", "data/reference/afm/Li-LiBH4-Li_20cycles_topography.gsf", "afm"),
    Case("vasp-outcar", "data/reference/dft/energies/LiNBH-chain/OUTCAR", "dft-energy"),
    Case("vasprun-xml", "data/reference/dft/energies/LiNBH-bulk/vasprun.xml", "dft-energy"),
    Case("bader-acf", "data/reference/dft/bader/LiBH4-LiNBH/ACF.dat", "bader"),
    Case("chgcar", "data/reference/dft/bader/LiBH4-LiNH2BH3/CHGCAR_diff", "charge-density"),
    Case("doscar", "data/reference/dft/dos/LiBH4/DOSCAR", "dos"),
    Case("gaussian-log", "data/reference/dft/gaussian/LiNBH.log", "dipole"),
]
# formats without a real-layout file in the repository to start from
NO_SEED = {}
# reader modules whose failures are reported (xfail), not failed: none; a module goes here only while a
# fix is pending, with the failure in the issue tracker
OTHERS_MODULES = set()
CHANNEL = sys.stdout  # where the child writes its JSON lines
RESULTS = []  # summaries of the cases run in this pytest session (printed by the terminal summary)


def examples_per_case():
    """Hypothesis examples per case: ``FUZZ_EXAMPLES`` or :data:`DEFAULT_EXAMPLES`."""
    return int(os.environ.get("FUZZ_EXAMPLES", DEFAULT_EXAMPLES))


def reader_spec(case):
    """``module:function`` of the case's reader."""
    from paper_lib import readers

    function = readers.reader(case.fmt, case.kind)
    return f"{function.__module__}:{function.__name__}"


# ================================================================ seeds and mutants
DIRECTORY = object()  # a mutant that is a folder where a file is expected
NUMBER = re.compile(rb"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")
SPECIAL_NUMBERS = [b"nan", b"NaN", b"-nan", b"inf", b"-inf", b"Infinity", b"1e308", b"-1e308", b"1e400",
                   b"-1e400", b"1e-400", b"9" * 50, b"1" + b"0" * 50, b"-" + b"9" * 50, b"0", b"-0", b"", b"1e",
                   b"0x1F", b"1,5", b"1.2.3", b"--1"]
JUNK_LINES = [b"garbage", b"\x00\x01\x02\xff\xfe\x80", b"1,2,3,4,5,6,7,8,9,10", b"\t\t\t", b"nan\tnan\tnan",
              b"inf inf inf", b"1e400,1e400", b"x" * 5000, b"##END=", b"=", b"# Region: X 1s", b";;;;", b"\xef\xbb\xbf",
              b"   ", b"-1 -1 -1 -1", b"99999999999999999999 1 1"]
BINARY_WORDS = [struct.pack("<d", float("nan")), struct.pack("<d", float("inf")), struct.pack("<d", 1e308),
                struct.pack("<f", float("nan")), struct.pack("<I", 0xFFFFFFFF), struct.pack("<i", 0x7FFFFFFF),
                struct.pack("<i", -1), struct.pack("<I", 0), struct.pack("<Q", 2 ** 63 - 1), struct.pack("<H", 0xFFFF),
                struct.pack(">I", 0xFFFFFFFF), b"\x00" * 8]


@dataclasses.dataclass
class Seed:
    """The seed's name and content: bytes, or ``{relative path: bytes}`` for a folder format."""
    name: str
    content: object

    @classmethod
    def load(cls, path, head_lines=0):
        path = Path(path)
        if path.is_dir():
            return cls(path.name, {str(p.relative_to(path)): p.read_bytes()
                                   for p in sorted(path.rglob("*")) if p.is_file()})
        data = path.read_bytes()
        if head_lines:
            data = b"".join(data.splitlines(keepends=True)[:head_lines])
        return cls(path.name, data)

    @property
    def is_folder(self):
        return isinstance(self.content, dict)


def is_text(data):
    return b"\x00" not in data[:4096]


def line_spans(data):
    """``(start, end)`` byte offsets of the lines of ``data`` (end includes the newline)."""
    spans, start = [], 0
    for line in data.splitlines(keepends=True):
        spans.append((start, start + len(line)))
        start += len(line)
    return spans


def _lines(data):
    return data.splitlines(keepends=True)


def mutate_lines(data, op, i, j, count=2):
    """Line mutations: duplicate line i (``count`` times), swap lines i and j, reverse lines i..j,
    delete line i."""
    lines = _lines(data)
    if not lines:
        return data, f"{op} (no lines)"
    i, j = i % len(lines), j % len(lines)
    if op == "duplicate":
        lines[i:i + 1] = [lines[i]] * (count + 1)
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "reverse":
        a, b = sorted((i, j))
        lines[a:b + 1] = lines[a:b + 1][::-1]
    elif op == "delete":
        del lines[i]
    return b"".join(lines), f"{op} line {i + 1}" + (f"..{j + 1}" if op in ("swap", "reverse") else "")


def insert_line(data, i, junk):
    lines = _lines(data)
    i = i % (len(lines) + 1)
    newline = b"\r\n" if b"\r\n" in data[:4096] else b"\n"
    lines.insert(i, junk + newline)
    return b"".join(lines), f"junk line {junk[:20]!r} inserted at line {i + 1}"


def replace_number(data, k, replacement):
    """Replace the ``k``-th number-looking token by ``replacement`` (NaN, inf, 1e400, 50 digits...)."""
    tokens = list(NUMBER.finditer(data))
    if not tokens:
        return data, "no number to replace"
    m = tokens[k % len(tokens)]
    line = data.count(b"\n", 0, m.start()) + 1
    return (data[:m.start()] + replacement + data[m.end():],
            f"number {m.group()[:20]!r} at line {line} -> {replacement[:20]!r}")


def reencode(data, encoding):
    """The text re-encoded: 'utf-16' (with BOM), 'utf-32', 'utf-8-sig', 'cp1252', 'utf-8' (from
    Latin-1), 'crlf', 'cr' (line endings)."""
    if encoding == "crlf":
        return re.sub(rb"\r?\n", b"\r\n", data), "CRLF line endings"
    if encoding == "cr":
        return re.sub(rb"\r?\n", b"\r", data), "CR line endings"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.encode(encoding, errors="replace"), f"re-encoded as {encoding}"


def flip_bytes(data, flips):
    buffer = bytearray(data)
    for position, mask in flips:
        if buffer:
            buffer[position % len(buffer)] ^= mask or 1
    return bytes(buffer), f"{len(flips)} byte(s) flipped at {[p % max(len(data), 1) for p, _ in flips][:4]}"


def overwrite_word(data, position, word):
    """Overwrite bytes at ``position`` (4-aligned) by a binary number: NaN, inf, 0xFFFFFFFF, ..."""
    if len(data) < len(word):
        return data, "too short for a word"
    p = (position % (len(data) - len(word) + 1)) // 4 * 4
    return data[:p] + word + data[p + len(word):], f"bytes {p}..{p + len(word)} -> {word.hex()}"


def rezip(data, member, inner):
    """The zip ``data`` with ``member`` replaced by ``inner`` (bytes, or None to drop it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
            elif inner is not None:
                target.writestr(info, inner)
    return out.getvalue()


# ---------------------------------------------------------------- hypothesis strategies
def byte_mutant(data):
    """A strategy of ``(bytes, description)``: one content mutation, sometimes followed by a
    truncation or byte flips."""
    from hypothesis import strategies as st

    index = st.integers(0, 2 ** 31)
    text = is_text(data)
    base = [
        st.tuples(st.just(data), st.just("seed unchanged")),
        st.builds(lambda n: (data[:n % (len(data) + 1)], f"truncated at byte {n % (len(data) + 1)}"), index),
        st.builds(lambda f: flip_bytes(data, f), st.lists(st.tuples(index, st.integers(0, 255)), min_size=1, max_size=8)),
        st.builds(lambda w, p: overwrite_word(data, p, w), st.sampled_from(BINARY_WORDS), index),
        st.builds(lambda i, j: insert_line(data, i, j), index, st.sampled_from(JUNK_LINES) | st.binary(max_size=40)),
        st.builds(lambda op, i, j, c: mutate_lines(data, op, i, j, c),
                  st.sampled_from(["duplicate", "swap", "reverse", "delete"]), index, index, st.integers(1, 3)),
        st.builds(lambda k, r: replace_number(data, k, r), index, st.sampled_from(SPECIAL_NUMBERS)),
    ]
    if text:
        base += [st.builds(lambda e: reencode(data, e),
                           st.sampled_from(["utf-16", "utf-32", "utf-8-sig", "cp1252", "crlf", "cr"])),
                 st.builds(lambda k, r: replace_number(data, k, r), index, st.sampled_from(SPECIAL_NUMBERS)),
                 st.builds(lambda i, j: insert_line(data, i, j), index, st.sampled_from(JUNK_LINES))]
    then = st.one_of(st.none(), st.none(), st.tuples(st.just("truncate"), index),
                     st.tuples(st.just("flip"), st.lists(st.tuples(index, st.integers(0, 255)), min_size=1, max_size=3)))
    return st.builds(_then, st.one_of(base), then)


def _then(first, after):
    data, description = first
    if after is None:
        return data, description
    if after[0] == "truncate":
        n = after[1] % (len(data) + 1)
        return data[:n], f"{description}; truncated at byte {n}"
    data, flipped = flip_bytes(data, after[1])
    return data, f"{description}; {flipped}"


def mutants(seed):
    """A strategy of ``(content, description)`` mutants of ``seed`` (see :func:`byte_mutant`; zip
    members and folder files are mutated inside their container; directories and empty files too)."""
    from hypothesis import strategies as st

    if seed.is_folder:
        names = sorted(seed.content)
        inner = st.sampled_from(names).flatmap(lambda n: byte_mutant(seed.content[n]).map(
            lambda m, n=n: ({**seed.content, n: m[0]}, f"{n}: {m[1]}")))
        drop = st.sampled_from(names).map(lambda n: ({k: v for k, v in seed.content.items() if k != n}, f"{n} removed"))
        as_dir = st.sampled_from(names).map(lambda n: ({**seed.content, n: DIRECTORY}, f"{n} is a folder"))
        return st.one_of(inner, inner, inner, drop, as_dir)
    data = seed.content
    options = [byte_mutant(data), byte_mutant(data), st.just((b"", "empty file")), st.just((DIRECTORY, "a folder"))]
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
        names = sorted(members)
        options += [st.sampled_from(names).flatmap(lambda n: byte_mutant(members[n]).map(
            lambda m, n=n: (rezip(data, n, m[0]), f"zip member {n}: {m[1]}")))] * 3
        options.append(st.sampled_from(names).map(lambda n: (rezip(data, n, None), f"zip member {n} removed")))
    return st.one_of(options)


def fixed_mutants(seed):
    """Named mutants every case gets, whatever hypothesis draws: ``(content, description)``."""
    if seed.is_folder:
        first = sorted(seed.content)
        out = [({}, "an empty folder")]
        for name in first:
            out += [({**seed.content, name: b""}, f"{name} empty"), ({**seed.content, name: DIRECTORY}, f"{name} is a folder")]
        return out
    data = seed.content
    out = [(b"", "empty file"), (DIRECTORY, "a folder"), (data[: len(data) // 2], "truncated at half"),
           (data[:1], "first byte only")]
    if is_text(data):
        out += [reencode(data, e) for e in ("utf-16", "cp1252", "utf-8-sig", "crlf")]
        tokens = list(NUMBER.finditer(data))
        for special in (b"nan", b"inf", b"-inf", b"1e308", b"1e400", b"9" * 50):
            for k in (len(tokens) // 2, len(tokens) - 1):
                out.append(replace_number(data, k, special))
        n = len(_lines(data))
        out += [mutate_lines(data, "duplicate", n - 2, 0, 1), mutate_lines(data, "swap", n - 2, n - 4),
                mutate_lines(data, "reverse", n // 2, n - 1), insert_line(data, n // 2, b"garbage"),
                insert_line(data, n // 2, b"\x00\xff\xfe")]
    else:
        out += [overwrite_word(data, p, w) for p in (0, 8, 64, len(data) // 2) for w in BINARY_WORDS[4:7]]
    return out


# ================================================================ the child: run one case
class Hang(BaseException):
    """The time limit of one input passed (a BaseException: readers' ``except Exception`` let it by)."""


class Watch:
    """Writes seen by the audit hook while a reader runs: ``(path or event, inside TMPDIR)``."""
    on = False
    tmp = ""
    writes = []

    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    EVENTS = ("os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.truncate", "os.symlink",
              "os.link", "os.chmod", "os.utime", "shutil.copyfile", "shutil.move", "shutil.rmtree")

    @classmethod
    def hook(cls, event, args):
        if not cls.on:
            return
        if event == "open":
            path, _, flags = (tuple(args) + (None, None))[:3]
            if isinstance(path, int) or not isinstance(flags, int) or not flags & cls.WRITE_FLAGS:
                return
        elif event not in cls.EVENTS:
            return
        target = os.fsdecode(args[0]) if isinstance(args[0], (str, bytes, os.PathLike)) else str(args[0])
        target = cls._absolute(target, args[1:] if event != "open" else ())
        if target.startswith(("/dev/", "/proc/")):
            return
        cls.writes.append((f"{event} {target}", target.startswith(cls.tmp + os.sep)))

    @staticmethod
    def _absolute(target, rest):
        """The path, joined to its ``dir_fd`` (the last int argument, as shutil.rmtree passes it)."""
        if os.path.isabs(target):
            return os.path.normpath(target)
        fds = [a for a in rest if isinstance(a, int) and not isinstance(a, bool) and a >= 0]
        if fds:
            try:
                return os.path.normpath(os.path.join(os.readlink(f"/proc/self/fd/{fds[-1]}"), target))
            except OSError:
                pass
        return os.path.abspath(target)


def _alarm(signum, frame):
    raise Hang()


def _last_frames(exc):
    """``(last frame, last frame inside paper_lib)`` of the exception's traceback, as 'file:line func'."""
    frames = traceback.extract_tb(exc.__traceback__)

    def show(f):
        name = f.filename
        for marker in ("site-packages/", "paper_lib/", "tests/"):
            if marker in name:
                name = marker.rstrip("/") + "/" + name.split(marker, 1)[1] if marker != "site-packages/" else name.split(marker, 1)[1]
                break
        return f"{name}:{f.lineno} {f.name}"

    ours = [f for f in frames if "paper_lib" in f.filename]
    return (show(frames[-1]) if frames else "", show(ours[-1]) if ours else "")


def _names_input(error, path):
    if error.path is None:
        return False
    try:
        where = Path(error.path).resolve()
    except OSError:
        return False
    target = path.resolve()
    return where == target or target in where.parents


def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


class Sandbox:
    """The child's folders: ``work`` (cwd), ``work/tmp`` (TMPDIR) and ``inputs`` (the mutant)."""

    def __init__(self, base, name):
        self.work, self.tmp, self.inputs = base / "work", base / "work" / "tmp", base / "inputs"
        self.path = self.inputs / name

    def place(self, content):
        """Write the mutant at :attr:`path` (a file, a folder, or a folder of files)."""
        if self.path.is_dir():
            shutil.rmtree(self.path)
        elif self.path.exists():
            self.path.unlink()
        if content is DIRECTORY:
            self.path.mkdir()
        elif isinstance(content, dict):
            self.path.mkdir()
            for rel, value in content.items():
                target = self.path / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.mkdir() if value is DIRECTORY else target.write_bytes(value)
        else:
            self.path.write_bytes(content)
        return self.snapshot()

    def snapshot(self):
        """What must not change during a read: the input folder, the work and TMPDIR folders."""
        inputs = {str(p.relative_to(self.inputs)): (p.read_bytes() if p.is_file() else None)
                  for p in self.inputs.rglob("*")}
        return inputs, _tree(self.work)


class Runner:
    """Runs the reader on one mutant and tallies the outcome."""

    def __init__(self, reader, sandbox, time_limit):
        self.reader, self.box, self.time_limit = reader, sandbox, time_limit
        self.counts = dict.fromkeys(("tried", "data", "input_error", "located", "temp_writes", *FAILURES), 0)
        self.failures = {}  # (outcome, exception, frame) -> first example
        self.slowest = 0.0

    def emit(self, **message):
        CHANNEL.write(json.dumps(message) + "\n")
        CHANNEL.flush()

    def __call__(self, content, description):
        before = self.box.place(content)
        self.counts["tried"] += 1
        self.emit(event="start", n=self.counts["tried"], mutation=description)
        outcome, detail = self._read()
        if self.box.snapshot() != before:
            outcome, detail = "write", {"exception": "files changed", "frame": str(self.box.snapshot()[1])[:200]}
        self.counts[outcome] += 1
        if outcome in FAILURES:
            key = (outcome, detail.get("exception", ""), detail.get("frame", ""))
            self.failures.setdefault(key, {"outcome": outcome, "mutation": description, "count": 0, **detail})
            self.failures[key]["count"] += 1

    def _read(self):
        Watch.writes = []
        start = time.perf_counter()
        try:
            signal.setitimer(signal.ITIMER_REAL, self.time_limit)
            Watch.on = True
            try:
                self.reader(self.box.path)
            finally:
                Watch.on = False
                signal.setitimer(signal.ITIMER_REAL, 0)
            outcome, detail = "data", {}
        except Hang as exc:  # the frames show where the reader was when the time ran out
            outcome, detail = "hang", {**self._describe(exc), "exception": f"over {self.time_limit} s", "message": ""}
        except MemoryError as exc:
            outcome, detail = "memory", self._describe(exc)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: B036 - classifying every exception is the point
            outcome, detail = self._classify(exc)
        elapsed = time.perf_counter() - start
        self.slowest = max(self.slowest, elapsed)
        if elapsed > self.time_limit and outcome != "hang":
            outcome, detail = "hang", {"exception": f"{elapsed:.1f} s (the time limit was caught or blocked)",
                                       "frame": detail.get("frame", ""), "reader_frame": detail.get("reader_frame", "")}
        if outcome not in FAILURES and Watch.writes:
            if all(inside for _, inside in Watch.writes):
                self.counts["temp_writes"] += 1
            else:
                outcome, detail = "write", {"exception": "wrote outside TMPDIR",
                                            "frame": "; ".join(w for w, inside in Watch.writes if not inside)[:300]}
        return outcome, detail

    def _classify(self, exc):
        from paper_lib.errors import InputError

        if isinstance(exc, InputError):
            if not _names_input(exc, self.box.path):
                return "unnamed", self._describe(exc)
            if exc.line is not None or exc.field is not None:
                self.counts["located"] += 1
            return "input_error", {}
        return "escape", self._describe(exc)

    @staticmethod
    def _describe(exc):
        last, ours = _last_frames(exc)
        return {"exception": type(exc).__name__, "message": str(exc)[:200], "frame": last, "reader_frame": ours}


def _address_space():
    with open("/proc/self/status") as handle:
        size = next(line for line in handle if line.startswith("VmSize:"))
    return int(size.split()[1]) * 1024


def _import(spec):
    module, _, function = spec.partition(":")
    __import__(module)
    return getattr(sys.modules[module], function)


def child(spec, seed_path, examples, head_lines=0, time_limit=TIME_LIMIT_S, memory_mb=MEMORY_LIMIT_MB):
    """Fuzz the reader ``spec`` (``module:function``) in this process; print JSON lines."""
    from hypothesis import HealthCheck, Phase, given, settings

    global CHANNEL
    warnings.simplefilter("ignore")
    CHANNEL = os.fdopen(os.dup(1), "w")  # the JSON lines; what libraries print goes to stderr
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    seed = Seed.load(seed_path, head_lines)
    box = Sandbox(Path.cwd().parent, seed.name)
    reader = _import(spec)
    box.place(seed.content)
    try:  # warm-up: imports done before the limits; the seed itself must read
        reader(box.path)
        seed_ok = True
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        seed_ok = f"{type(exc).__name__}: {exc}"
    Watch.tmp = str(box.tmp)
    sys.addaudithook(Watch.hook)
    limit = _address_space() + memory_mb * 2 ** 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    run = Runner(reader, box, time_limit)
    for content, description in fixed_mutants(seed):
        run(content, description)

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                                     HealthCheck.large_base_example], print_blob=False)
    @given(mutants(seed))
    def fuzz(mutant):
        run(*mutant)

    if examples:
        fuzz()
    run.emit(event="summary", seed_ok=seed_ok, counts=run.counts, slowest_s=round(run.slowest, 3),
             peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
             failures=list(run.failures.values()))


# ================================================================ the parent: run a case in a child
def run_case(spec, seed, examples, head_lines=0, time_limit=TIME_LIMIT_S, memory_mb=MEMORY_LIMIT_MB, label=None):
    """Fuzz ``spec`` on mutants of ``seed`` in a child process; return its summary (a dict with
    ``counts``, ``failures``, ``seed_ok``, ``label``). The seed's folder must be unchanged after."""
    seed = Path(seed)
    before = _seed_state(seed)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as base:
        base = Path(base)
        (base / "work" / "tmp").mkdir(parents=True)
        (base / "inputs").mkdir()
        env = {**os.environ, "TMPDIR": str(base / "work" / "tmp"), "PYTHONDONTWRITEBYTECODE": "1",
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2",
               "HYPOTHESIS_STORAGE_DIRECTORY": str(base / "hypothesis"),  # its constants cache, not in work/
               "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT), os.environ.get("PYTHONPATH", "")])}
        command = [sys.executable, "-m", "fuzzing", spec, str(seed.resolve()), str(examples), str(head_lines),
                   str(time_limit), str(memory_mb)]
        with open(base / "stderr", "w+b") as stderr:
            summary = _watch(subprocess.Popen(command, cwd=base / "work", env=env, stdout=subprocess.PIPE,
                                              stderr=stderr), time_limit)
            stderr.seek(0)
            summary["stderr_tail"] = stderr.read()[-2000:].decode("utf-8", "replace")
        left = [p for p in _tree(base / "work") if p != "tmp"]
    summary.update(label=label or spec, spec=spec, seed=str(seed))
    if left:
        summary["failures"].append({"outcome": "write", "exception": "files left in the work folder",
                                    "frame": str(left[:5]), "mutation": "(whole run)", "count": 1})
        summary["counts"]["write"] += 1
    after = _seed_state(seed)
    if after != before:
        summary["failures"].append({"outcome": "write", "exception": "the seed or its folder changed",
                                    "frame": str(set(after) ^ set(before))[:200], "mutation": "(whole run)", "count": 1})
        summary["counts"]["write"] += 1
    return summary


def _seed_state(seed):
    """The seed's files (size, mtime) and the names beside it that start with its stem (a reader's
    cache or lock file would): other work may add unrelated files to the folder meanwhile."""
    files = sorted(seed.rglob("*")) if seed.is_dir() else [seed]
    state = {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in files}
    state.update({str(p): None for p in seed.parent.glob(glob.escape(seed.stem) + "*") if p != seed})
    return state


def _watch(process, time_limit):
    """Read the child's JSON lines; kill it when it stays silent longer than the time limit allows."""
    last, summary, buffer = None, None, b""
    deadline = time.monotonic() + STARTUP_S
    while True:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            process.kill()
            process.wait()
            return _crashed(last, "hang", f"no answer within {time_limit + 5:.0f} s (killed)")
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message["event"] == "start":
                last, deadline = message, time.monotonic() + time_limit + 5
            else:
                summary = message
    code = process.wait()
    if summary is None:
        return _crashed(last, "crash", f"the child process ended with code {code}")
    return summary


def _crashed(last, outcome, why):
    counts = dict.fromkeys(("tried", "data", "input_error", "located", "temp_writes", *FAILURES), 0)
    counts["tried"], counts[outcome] = (last or {}).get("n", 0), 1
    return {"seed_ok": True, "counts": counts, "slowest_s": None, "peak_rss_mb": None,
            "failures": [{"outcome": outcome, "exception": why, "frame": "",
                          "mutation": (last or {}).get("mutation", "(before the first input)"), "count": 1}]}


def failures_of(summary):
    return [f for f in summary["failures"] if f["outcome"] in FAILURES]


def format_failure(f):
    where = f.get("reader_frame") or ""
    return (f"{f['outcome']}: {f.get('exception', '')} x{f.get('count', 1)} at {f.get('frame', '')}"
            + (f" (reader: {where})" if where and where != f.get("frame") else "")
            + f"\n      mutation: {f['mutation']}" + (f"\n      message: {f['message']}" if f.get("message") else ""))


def terminal_summary(reporter):
    """The counts of every fuzzed case (called by the pytest_terminal_summary hook of conftest.py)."""
    if not RESULTS:
        return
    reporter.write_sep("=", f"reader fuzzing: {examples_per_case()} hypothesis examples per case + fixed mutants, "
                            f"{TIME_LIMIT_S:.0f} s and +{MEMORY_LIMIT_MB} MB per input")
    reporter.write_line(f"{'case':58s} {'tried':>6s} {'InputErr':>8s} {'located':>7s} {'data':>6s} "
                        f"{'escapes':>7s} {'other':>5s} {'slowest':>7s}")
    for s in RESULTS:
        c = s["counts"]
        other = sum(c[k] for k in FAILURES if k != "escape")
        slowest = f"{1000 * s['slowest_s']:.0f}ms" if s.get("slowest_s") is not None else "-"
        reporter.write_line(f"{s['label'][:58]:58s} {c['tried']:6d} {c['input_error']:8d} {c['located']:7d} "
                            f"{c['data']:6d} {c['escape']:7d} {other:5d} {slowest:>7s}"
                            + ("  (others' reader: reported)" if s.get("others") else ""))


if __name__ == "__main__":
    spec_, seed_, n_, head_, limit_, memory_ = sys.argv[1:7]
    child(spec_, seed_, int(n_), int(head_), float(limit_), int(memory_))
