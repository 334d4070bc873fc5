"""Every reader, fuzzed with mutants of a real-layout seed (tests/fuzzing.py): the only exception that
escapes is an InputError naming the input; no input takes over 5 s or adds over 1 GB of address space;
nothing is written. ``FUZZ_EXAMPLES=20000`` gives the long run (``make fuzz``).

The harness itself is tested on toy readers that break each rule (they must be caught)."""

import os
import signal
import time
from pathlib import Path

import pytest

import fuzzing
from paper_lib.errors import InputError
from paper_lib.readers import CYCLER_FORMATS, FORMATS

pytestmark = pytest.mark.machinery  # no result here depends on the CPU or BLAS kernel (.ci/run)

EXAMPLES = fuzzing.examples_per_case()


def _report(summary):
    return "\n".join(["fuzzing failures:"] + ["  " + fuzzing.format_failure(f) for f in fuzzing.failures_of(summary)])


@pytest.mark.timeout(max(900, EXAMPLES // 5))
@pytest.mark.parametrize("case", fuzzing.CASES, ids=lambda c: c.id)
def test_reader_survives_fuzzing(case):
    spec = fuzzing.reader_spec(case)
    summary = fuzzing.run_case(spec, fuzzing.ROOT / case.seed, EXAMPLES, case.head_lines, label=case.id)
    summary["others"] = spec.split(":")[0].rsplit(".", 1)[-1] in fuzzing.OTHERS_MODULES
    fuzzing.RESULTS.append(summary)
    problems = [] if summary["seed_ok"] is True else [f"the seed itself does not read: {summary['seed_ok']}"]
    if fuzzing.failures_of(summary):
        problems.append(_report(summary))
    if problems and summary["others"]:
        pytest.xfail("\n".join(problems))
    assert not problems, "\n".join(problems) + "\n" + summary.get("stderr_tail", "")
    assert summary["counts"]["tried"] > EXAMPLES
    assert summary["counts"]["input_error"] > 0  # the mutants do reach the reader's checks


def test_every_format_is_fuzzed():
    """Each (format, reader) pair of FORMATS and CYCLER_FORMATS has a row in tests/fuzzing.py CASES."""
    fuzzed = {(c.fmt, fuzzing.reader_spec(c)) for c in fuzzing.CASES}
    wanted = {(fmt, f"paper_lib.readers.{module}:{function}")
              for table in (FORMATS, CYCLER_FORMATS) for fmt, (module, function) in table.items()}
    missing = {(fmt, spec) for fmt, spec in wanted - fuzzed if fmt not in fuzzing.NO_SEED}
    assert not missing, f"add a row to CASES in tests/fuzzing.py for {sorted(missing)}"


@pytest.mark.parametrize("case", fuzzing.CASES, ids=lambda c: c.id)
def test_seeds_are_small_real_layout_files(case):
    seed = fuzzing.ROOT / case.seed
    assert seed.exists()
    assert case.seed.startswith(("tests/data/real/", "data/reference/", "tests/data/"))
    size = sum(p.stat().st_size for p in seed.rglob("*")) if seed.is_dir() else seed.stat().st_size
    assert size < 1_000_000


# ---------------------------------------------------------------- the harness catches what it must
def toy_good(path):
    """Reads 'a,b' + rows of two integers; every other input is an InputError naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "expected a file")
    lines = path.read_bytes().split(b"\n")
    if lines[0] != b"a,b":
        raise InputError(path, "expected 'a,b'", line=1)
    for n, line in enumerate(lines[1:], start=2):
        if line and len(line.split(b",")) != 2 or not line.replace(b",", b"").isdigit() and line:
            raise InputError(path, "expected two integers", line=n)
    return len(lines)


def toy_keyerror(path):
    """A broken reader: a KeyError escapes on inputs without a '3'."""
    data = Path(path).read_bytes() if Path(path).is_file() else b""
    return {b"3": 1}[b"3" if b"3" in data else b"?"]


def toy_unnamed(path):
    raise InputError(None, "bad input")


def toy_hang(path):
    while Path(path).is_dir():
        pass


def toy_deaf_hang(path):
    """Stuck where the alarm cannot reach it: the parent's watchdog must kill the child."""
    if Path(path).is_dir():
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        time.sleep(3600)


def toy_memory(path):
    if Path(path).is_file() and not Path(path).stat().st_size:
        return bytearray(2 ** 40)


def toy_writer_cwd(path):
    Path("left-behind.txt").write_text("x")


def toy_writer_beside(path):
    if Path(path).is_file():
        Path(path).with_suffix(".bak").write_bytes(b"x")


def toy_temp_file(path):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "scratch").write_bytes(b"x")


def toy_crash(path):
    if Path(path).is_dir():
        os._exit(3)


@pytest.fixture
def toy_seed(tmp_path):
    seed = tmp_path / "seed" / "toy.csv"
    seed.parent.mkdir()
    seed.write_bytes(b"a,b\n1,2\n3,4\n5,6\n")
    return seed


def _run(name, seed, examples=40, time_limit=1.0):
    return fuzzing.run_case(f"test_fuzz_readers:{name}", seed, examples, time_limit=time_limit)


def test_harness_passes_a_good_reader(toy_seed):
    s = _run("toy_good", toy_seed)
    assert s["seed_ok"] is True and not fuzzing.failures_of(s), _report(s)
    assert s["counts"]["input_error"] > 0 and s["counts"]["data"] > 0
    assert s["counts"]["located"] > 0 and s["counts"]["tried"] > 40


@pytest.mark.parametrize("toy, outcome, exception", [
    ("toy_keyerror", "escape", "KeyError"),
    ("toy_unnamed", "unnamed", "InputError"),
    ("toy_hang", "hang", "over 1.0 s"),
    ("toy_memory", "memory", "MemoryError"),
    ("toy_writer_cwd", "write", None),
    ("toy_writer_beside", "write", None),
    ("toy_crash", "crash", "the child process ended with code 3"),
])
def test_harness_reports_a_broken_reader(toy_seed, toy, outcome, exception):
    s = _run(toy, toy_seed)
    failures = fuzzing.failures_of(s)
    assert failures and {f["outcome"] for f in failures} == {outcome}, _report(s)
    if exception:
        assert exception in {f["exception"] for f in failures}
    if outcome == "escape":
        assert failures[0]["frame"].endswith("toy_keyerror") and failures[0]["mutation"]


def test_harness_kills_a_reader_deaf_to_the_alarm(toy_seed):
    s = _run("toy_deaf_hang", toy_seed, examples=5, time_limit=0.5)
    [failure] = fuzzing.failures_of(s)
    assert failure["outcome"] == "hang" and "killed" in failure["exception"]
    assert failure["mutation"] == "a folder"


def test_harness_allows_removed_temporary_files(toy_seed):
    s = _run("toy_temp_file", toy_seed, examples=5)
    assert not fuzzing.failures_of(s), _report(s)
    assert s["counts"]["temp_writes"] == s["counts"]["tried"]


def test_mutants_are_deterministic_and_varied():
    seed = fuzzing.Seed.load(fuzzing.ROOT / "tests/data/real/exampleDataZPlot.z")
    fixed = [d for _, d in fuzzing.fixed_mutants(seed)]
    assert {"empty file", "a folder", "re-encoded as utf-16", "re-encoded as cp1252"} <= set(fixed)
    assert any("1e400" in d for d in fixed) and any("nan" in d for d in fixed)
    utf16 = dict((d, c) for c, d in fuzzing.fixed_mutants(seed))["re-encoded as utf-16"]
    assert utf16[:2] in (b"\xff\xfe", b"\xfe\xff")
