"""Make the EELS test fixtures (EMSA/MAS .msa, ISO 22029 layout).

    python tests/data/eels/make_fixtures.py

The test spectrum (recomputed by tests/test_eels.py with :func:`spectrum`): 41 channels, 0.1 eV
each, first at 185.0 eV; counts ``round(1e5 * (E / 185)**-3 + 2e4 * exp(-4 ln2 (E - 187)**2))``.
``edge_xy.msa`` stores 'x, y' lines (#DATATYPE : XY) and the zero-loss position (0.25 eV);
``edge_y.msa`` stores the counts only, 5 per line (#DATATYPE : Y), x from #OFFSET and #XPERCHAN.
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def spectrum():
    e = 185.0 + 0.1 * np.arange(41)
    return e, np.rint(1e5 * (e / 185.0) ** -3 + 2e4 * np.exp(-4 * np.log(2) * (e - 187.0) ** 2)).astype(int)


def header(datatype, ncolumns, extra=()):
    return ["#FORMAT      : EMSA/MAS Spectral Data File", "#VERSION     : 1.0", "#TITLE       : B K test edge",
            "#DATE        : 01-JAN-2000", "#TIME        : 12:00", "#OWNER       : public domain",
            "#NPOINTS     : 41", f"#NCOLUMNS    : {ncolumns}", "#XUNITS      : eV", "#YUNITS      : counts",
            f"#DATATYPE    : {datatype}", "#XPERCHAN    : 0.1", "#OFFSET      : 185.0", "#SIGNALTYPE  : ELS",
            "#BEAMKV   -kV: 200.0", "#CONVANGLE-mR: 10.0", "#COLLANGLE-mR: 20.0", *extra,
            "#SPECTRUM    : Spectral Data Starts Here"]


def main():
    e, y = spectrum()
    xy = header("XY", 1, ["##ZLP_POSITION-eV: 0.250"]) + [f"{a:.4f}, {b}" for a, b in zip(e, y)]
    (HERE / "edge_xy.msa").write_text("\n".join(xy + ["#ENDOFDATA   : ", "#CHECKSUM    : 0"]) + "\n")
    rows = [", ".join(str(v) for v in y[i:i + 5]) for i in range(0, y.size, 5)]
    (HERE / "edge_y.msa").write_text("\n".join(header("Y", 5) + rows + ["#ENDOFDATA   : "]) + "\n")


if __name__ == "__main__":
    main()
