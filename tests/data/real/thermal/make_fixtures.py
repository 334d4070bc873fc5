"""Write the STARe and TRIOS layout fixtures of this folder (deterministic; run from anywhere).

No openly licensed real STARe or TRIOS export was found; these files reproduce the layouts described
in README.md. Values: a LiBH4-like DSC heating (an endothermic peak at 118 degC, negative because
STARe exports exo up) and a TGA mass loss, with fixed pseudo-noise.
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def _dsc(t_c):
    return -0.020 - 1.8 * np.exp(-0.5 * ((t_c - 118.0) / 2.5) ** 2) + 0.004 * np.sin(7.0 * t_c)


def stare_dsc():
    """UTF-16 LE with BOM, CR LF, decimal point, Value in mW, sample 5.2300 mg, 10 K/min."""
    ts = np.arange(100.0, 136.0, 1.0)
    rows = [f"{i:>13d}{(i * 6.0):>14.3f}{t + 0.012:>14.3f}{t:>14.3f}{_dsc(t) * 5.23:>14.6f}"
            for i, t in enumerate(ts)]
    lines = ["Curve Name:", "  LiBH4 10 K/min N2 DSC", "Curve Values:",
             f"{'Index':>13}{'t':>14}{'Ts':>14}{'Tr':>14}{'Value':>14}",
             f"{'':>13}{'[s]':>14}{'[°C]':>14}{'[°C]':>14}{'[mW]':>14}", *rows, "", "Results:", "",
             "Sample:", "  LiBH4, 5.2300 mg", "Method:", "  100-135 10K/min N2",
             "  [1] 100.0 °C, 10.00 K/min, 135.0 °C, N2 50.0 ml/min", "Sample Holder:",
             "  Aluminum Standard 40µl", ""]
    (HERE / "stare_dsc_utf16.txt").write_bytes("\ufeff".encode("utf-16-le") + "\r\n".join(lines).encode("utf-16-le"))


def stare_tga():
    """cp1252, CR LF, decimal comma, Value in mg, sample 10,1500 mg, 5 K/min."""
    ts = np.arange(30.0, 330.0, 10.0)
    mass = 10.15 * (1.0 - 0.12 / (1.0 + np.exp(-(ts - 250.0) / 12.0)))
    rows = [f"{i:>13d}{(i * 120.0):>14.3f}{t + 0.05:>14.3f}{t:>14.3f}{m:>14.5f}".replace(".", ",")
            for i, (t, m) in enumerate(zip(ts, mass))]
    lines = ["Curve Name:", "  LiNH2BH3 TGA 5 K/min", "Curve Values:",
             f"{'Index':>13}{'t':>14}{'Ts':>14}{'Tr':>14}{'Value':>14}",
             f"{'':>13}{'[s]':>14}{'[°C]':>14}{'[°C]':>14}{'[mg]':>14}", *rows, "", "Results:", "",
             "Sample:", "  LiNH2BH3, 10,1500 mg", "Method:", "  [1] 30,0 °C, 5,00 K/min, 330,0 °C", ""]
    (HERE / "stare_tga_comma.txt").write_bytes("\r\n".join(lines).encode("cp1252"))


def trios_tga():
    """TRIOS text export: header, two [step] sections, tab-separated 'Name (unit)' columns."""
    head = ["Filename\tLiNH2BH3_TGA.tri", "Instrument name\tTGA 5500", "Sample name\tLiNH2BH3",
            "Sample mass\t4.8800 mg", "Operator\t", ""]
    body = []
    for step, (name, ts) in enumerate([("Ramp 10.00 °C/min to 150.00 °C", np.arange(30.0, 150.0, 10.0)),
                                       ("Ramp 10.00 °C/min to 300.00 °C", np.arange(150.0, 310.0, 10.0))]):
        body += ["[step]", name, "Time (min)\tTemperature (°C)\tWeight (mg)\tWeight (%)"]
        for t in ts:
            w = 100.0 * (1.0 - 0.1 / (1.0 + np.exp(-(t - 120.0) / 6.0)))
            body.append(f"{(t - 30.0) / 10.0:.4f}\t{t:.3f}\t{4.88 * w / 100:.5f}\t{w:.4f}")
        body.append("")
    (HERE / "trios_tga.txt").write_bytes("\r\n".join(head + body).encode("utf-8"))


if __name__ == "__main__":
    stare_dsc()
    stare_tga()
    trios_tga()
