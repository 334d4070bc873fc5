"""Make the FTIR test fixtures (JCAMP-DX and CSV in real export layouts).

    python tests/data/ftir/make_fixtures.py

The test band (recomputed by tests/test_ftir_readers.py with :func:`band`): 201 points from 2400 to
2200 cm^-1 (1 cm^-1 steps), absorbance ``0.02 + 0.5 / (1 + ((v - 2300) / 10)**2)`` (a Lorentzian of
20 cm^-1 FWHM at 2300 cm^-1). Files:

* ``band_affn_T.jdx``: JCAMP-DX 4.24, AFFN, ``##YUNITS=TRANSMITTANCE`` (fractions, 6 decimals);
* ``band_asdf_A.jdx``: JCAMP-DX 5.01, ASDF DIFDUP, ``##YUNITS=ABSORBANCE``, integers x 1e-5, with
  ``$$`` comments and the Y check at the start of each continuation line;
* ``hand_asdf.jdx``: six values encoded by hand (1000 1010 1010 1010 1020 1000, YFACTOR 1e-4, %T);
* CSV: ``header_percentT.csv`` (ascending, header, %T), ``omnic_bare.csv`` (no header, descending,
  %T), ``opus_semicolon.csv`` (semicolons, decimal commas, absorbance), ``fraction_T.csv``
  (header 'transmittance', fractions).
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
_SQZ = {0: "@", **{d: "ABCDEFGHI"[d - 1] for d in range(1, 10)}, **{-d: "abcdefghi"[d - 1] for d in range(1, 10)}}
_DIF = {0: "%", **{d: "JKLMNOPQR"[d - 1] for d in range(1, 10)}, **{-d: "jklmnopqr"[d - 1] for d in range(1, 10)}}
_DUP = {d: "STUVWXYZs"[d - 1] for d in range(1, 10)}


def band():
    """(wavenumber, absorbance) of the test band."""
    x = np.linspace(2400.0, 2200.0, 201)
    return x, 0.02 + 0.5 / (1 + ((x - 2300.0) / 10.0) ** 2)


def _pseudo(value, table):
    text = str(abs(int(value)))
    return table[int(text[0]) * (-1 if value < 0 else 1)] + text[1:]


def difdup(values, per_line=12):
    """(start index, tokens) of DIFDUP lines; each later line repeats the previous last value."""
    out, start = [], 0
    while start < len(values) - 1:
        chunk = values[start:start + per_line]
        tokens, diffs, k = [_pseudo(chunk[0], _SQZ)], np.diff(chunk), 0
        while k < len(diffs):
            run = 1
            while k + run < len(diffs) and diffs[k + run] == diffs[k] and run < 9:
                run += 1
            tokens.append(_pseudo(diffs[k], _DIF) + (_DUP[run] if run > 1 else ""))
            k += run
        out.append((start, "".join(tokens)))
        start += len(chunk) - 1
    return out


HEAD = ["##TITLE= test band", "##DATA TYPE= INFRARED SPECTRUM", "##ORIGIN= paper_lib test fixture",
        "##OWNER= public domain", "##RESOLUTION= 4", "##XUNITS= 1/CM"]


def main():
    x, a = band()
    t = 10 ** -a
    affn = ["##TITLE= test band", "##JCAMP-DX= 4.24", *HEAD[1:], "##YUNITS= TRANSMITTANCE", "##XFACTOR= 1.0",
            "##YFACTOR= 1.0", "##FIRSTX= 2400.0", "##LASTX= 2200.0", "##NPOINTS= 201", f"##FIRSTY= {t[0]:.6f}",
            "##XYDATA= (X++(Y..Y))"]
    for i in range(0, x.size, 6):
        affn.append(f"{x[i]:.1f} " + " ".join(f"{v:.6f}" for v in t[i:i + 6]))
    (HERE / "band_affn_T.jdx").write_text("\n".join(affn + ["##END="]) + "\n")
    ints = np.rint(a / 1e-5).astype(int)
    asdf = ["##TITLE= test band", "##JCAMP-DX= 5.01", *HEAD[1:], "##YUNITS= ABSORBANCE", "##XFACTOR= 0.01",
            "##YFACTOR= 0.00001", "##FIRSTX= 2400.0", "##LASTX= 2200.0", "##NPOINTS= 201",
            f"##FIRSTY= {ints[0] * 1e-5:.5f}", "##XYDATA= (X++(Y..Y))  $$ DIFDUP"]
    asdf += [f"{round(x[s] / 0.01)}{tok}" + ("  $$ checkpoint" if s == 0 else "") for s, tok in difdup(ints)]
    (HERE / "band_asdf_A.jdx").write_text("\n".join(asdf + ["##END="]) + "\n")
    hand = ["##TITLE= hand-made DIFDUP", "##JCAMP-DX= 5.01", *HEAD[1:], "##YUNITS= %T", "##XFACTOR= 1.0",
            "##YFACTOR= 0.0001", "##FIRSTX= 4000", "##LASTX= 3995", "##NPOINTS= 6", "##FIRSTY= 0.1",
            "##XYDATA= (X++(Y..Y))", "4000A000J0%T   $$ 1000 1010 1010 1010", "3997A010J0k0   $$ check 1010, then 1020 1000",
            "##END="]
    (HERE / "hand_asdf.jdx").write_text("\n".join(hand) + "\n")
    pct = 100 * t
    rows = ["Wavenumber (cm-1),Transmittance (%)"] + [f"{v:.2f},{y:.5f}" for v, y in zip(x[::-1], pct[::-1])]
    (HERE / "header_percentT.csv").write_text("\n".join(rows) + "\n")
    (HERE / "omnic_bare.csv").write_text("\n".join(f"{v:.6f},{y:.6f}" for v, y in zip(x, pct)) + "\n")
    rows = ["cm-1;Abs"] + [f"{v:.2f};{y:.7f}".replace(".", ",") for v, y in zip(x, a)]
    (HERE / "opus_semicolon.csv").write_text("\n".join(rows) + "\n")
    rows = ["# exported spectrum", "wavenumber,transmittance"] + [f"{v:.1f},{y:.7f}" for v, y in zip(x, t)]
    (HERE / "fraction_T.csv").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
