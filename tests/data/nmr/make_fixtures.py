"""Make the binary and JCAMP-DX NMR test fixtures (the Bruker parameter files are hand-written).

    python tests/data/nmr/make_fixtures.py

The test line (used by tests/test_nmr_reader.py, which recomputes it with :func:`line`):
256 points, first point at 9.0 ppm, step 20/256 ppm; stored integers
``round(2**20 * exp(-4 ln2 (ppm + 1)**2 / 1.5**2)) + 1000``; intensity = stored * 2**NC_proc with
NC_proc = -3. ``bruker_7Li/pdata/1/1r`` holds them as big-endian int32 (BYTORDP = 1).
The JCAMP-DX files hold the same intensities: ``7Li_affn.jdx`` in plain numbers on a ppm axis,
``7Li_difdup.jdx`` in compressed ASDF (SQZ/DIF/DUP with Y checks) on a Hz axis; ``hand_difdup.jdx``
is a six-point example encoded by hand (values 10 12 12 12 15 11, YFACTOR 0.5).
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SF = 155.5046766
SI, OFFSET, SW_PPM, NC_PROC = 256, 9.0, 20.0, -3


def line():
    """(ppm axis, stored integers) of the test line."""
    ppm = OFFSET - np.arange(SI) * SW_PPM / SI
    stored = np.rint(2 ** 20 * np.exp(-4 * np.log(2) * (ppm + 1.0) ** 2 / 1.5 ** 2)).astype(np.int64) + 1000
    return ppm, stored


_SQZ = {0: "@", **{d: "ABCDEFGHI"[d - 1] for d in range(1, 10)}, **{-d: "abcdefghi"[d - 1] for d in range(1, 10)}}
_DIF = {0: "%", **{d: "JKLMNOPQR"[d - 1] for d in range(1, 10)}, **{-d: "jklmnopqr"[d - 1] for d in range(1, 10)}}
_DUP = {d: "STUVWXYZs"[d - 1] for d in range(1, 10)}


def _pseudo(value, table):
    text = str(abs(int(value)))
    lead = int(text[0]) * (-1 if value < 0 else 1)
    return table[lead] + text[1:]


def difdup(values, per_line=10):
    """ASDF DIFDUP lines ``index SQZ DIF...`` (X as point index), each later line starting with the
    previous line's last value as Y check, as the JCAMP-DX specification describes."""
    lines, start = [], 0
    while start < len(values):
        chunk = values[start:start + per_line]
        tokens = [_pseudo(chunk[0], _SQZ)]
        diffs = np.diff(chunk)
        k = 0
        while k < len(diffs):
            run = 1
            while k + run < len(diffs) and diffs[k + run] == diffs[k] and run < 9:
                run += 1
            tokens.append(_pseudo(diffs[k], _DIF) + (_DUP[run] if run > 1 else ""))
            k += run
        lines.append((start, "".join(tokens)))
        start += per_line - 1  # the last value is repeated as the next line's Y check
        if start + 1 >= len(values):
            break
    return lines


def main():
    ppm, stored = line()
    (HERE / "bruker_7Li" / "pdata" / "1" / "1r").write_bytes(stored.astype(">i4").tobytes())
    y = stored * 2.0 ** NC_PROC
    head = ["##TITLE= 7Li test line", "##JCAMP-DX= 5.01", "##DATA TYPE= NMR SPECTRUM", "##DATA CLASS= XYDATA",
            "##ORIGIN= paper_lib test fixture", "##OWNER= public domain", "##.OBSERVE FREQUENCY= 155.5046766",
            "##.OBSERVE NUCLEUS= ^7Li", "##.TEMPERATURE= 323.15", "##YUNITS= ARBITRARY UNITS"]
    affn = head + ["##XUNITS= PPM", f"##FIRSTX= {ppm[0]:.6f}", f"##LASTX= {ppm[-1]:.6f}", "##XFACTOR= 1.0",
                   "##YFACTOR= 1.0", f"##NPOINTS= {SI}", f"##FIRSTY= {y[0]:.3f}", "##XYDATA= (X++(Y..Y))"]
    for i in range(0, SI, 8):
        affn.append(f"{ppm[i]:.6f} " + " ".join(f"{v:.3f}" for v in y[i:i + 8]))
    (HERE / "7Li_affn.jdx").write_text("\n".join(affn + ["##END="]) + "\n")
    hz = ppm * SF
    packed = head + ["##XUNITS= HZ", f"##FIRSTX= {hz[0]:.4f}", f"##LASTX= {hz[-1]:.4f}", "##XFACTOR= 0.0001",
                     f"##YFACTOR= {2.0 ** NC_PROC}", f"##NPOINTS= {SI}", f"##FIRSTY= {y[0]:.3f}",
                     "##XYDATA= (X++(Y..Y))"]
    packed += [f"{round(hz[index] / 1e-4)}{tokens}" for index, tokens in difdup(stored)]
    (HERE / "7Li_difdup.jdx").write_text("\n".join(packed + ["##END="]) + "\n")
    hand = ["##TITLE= hand-made DIFDUP example", "##JCAMP-DX= 5.01", "##DATA TYPE= NMR SPECTRUM",
            "##DATA CLASS= XYDATA", "##.OBSERVE FREQUENCY= 100.0", "##.OBSERVE NUCLEUS= ^1H", "##XUNITS= HZ",
            "##YUNITS= ARBITRARY UNITS", "##XFACTOR= 1.0", "##YFACTOR= 0.5", "##FIRSTX= 500.0", "##LASTX= 0.0",
            "##NPOINTS= 6", "##FIRSTY= 5.0", "##XYDATA= (X++(Y..Y))",
            "500A0K%T     $$ 10 12 12 12", "100A2Lm       $$ check 12, then 15 11", "##END="]
    (HERE / "hand_difdup.jdx").write_text("\n".join(hand) + "\n")


if __name__ == "__main__":
    main()
