"""Writers of impedance spectra in real instrument export layouts (used by data/generator/eis.py).

Every writer takes the same spectrum record and returns the file's bytes; numbers have fixed
formatting and the header dates are fixed fake dates, so files are byte-identical on every run.
Impedance is passed as complex Z = Z' + jZ'' (capacitive: Z'' < 0); each writer stores the sign its
instrument uses (EC-Lab: -Im(Z); Gamry, ZView: Im Z; our CSV: -Z'').
"""

import numpy as np

FAKE_DATE = "01/15/2025"  # fixed; not a measurement date


def _eclab(x):
    """EC-Lab number style: 7 decimals, three-digit exponent (7.0000000E+006)."""
    mantissa, exponent = f"{x:.7E}".split("E")
    return f"{mantissa}E{int(exponent):+04d}"


def mpt(spec):
    """BioLogic EC-Lab ``.mpt`` text export of a PEIS run (Latin-1, CRLF, tab separated)."""
    f, z, t = spec["frequency"], spec["z"], spec["time"]
    columns = ["freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg", "time/s", "<Ewe>/V", "<I>/mA",
               "Cs/µF", "Cp/µF", "cycle number", "I Range", "|Ewe|/V", "|I|/A"]
    settings = [
        ("Mode", "Single sine"), ("E (V)", "0.0000"), ("vs.", "Eoc"), ("tE (h:m:s)", "0:00:0.0000"),
        ("record", "0"), ("dI", "0.000"), ("unit dI", "mA"), ("dt (s)", "0.000"),
        ("fi", f"{f[0] / 1e6:.3f}"), ("unit fi", "MHz"), ("ff", f"{f[-1] * 1e3:.3f}"), ("unit ff", "mHz"),
        ("Nd", "10"), ("Points", "per decade"), ("spacing", "Logarithmic"), ("Va (mV)", "10.0"),
        ("pw", "0.10"), ("Na", "2"), ("corr", "0"), ("E range min (V)", "-10.000"),
        ("E range max (V)", "10.000"), ("I Range", "Auto"), ("Bandwidth", "7"), ("nc cycles", "0"),
        ("goto Ns'", "0"), ("nr cycles", "0"), ("inc. cycle", "0")]
    header = [
        "EC-Lab ASCII FILE", None, "", "Potentio Electrochemical Impedance Spectroscopy", "",
        "Run on channel : 1 (SN 0001)", "User : ", "CE vs. WE compliance from -10 V to 10 V",
        "Electrode connection : standard", "Potential control : Ewe",
        "Ewe ctrl range : min = -10.00 V, max = 10.00 V", "Safety Limits :", "\tDo not start on E overload",
        f"Acquisition started on : {FAKE_DATE} 09:00:00.000", "Loaded Setting File : NONE", "Saved on :",
        f"\tFile : {spec['name']}", "\tDirectory : reference", "\tHost : 0.0.0.0",
        "Device : MTZ-35 (SN 0001)", "Address : USB", "EC-Lab for windows v11.50 (software)",
        "Internet server v11.50 (firmware)", "Command interpret v11.50 (firmware)",
        f"Electrode material : {spec.get('electrode', 'SUS')}", "Initial state : ", f"Electrolyte : {spec['sample']}",
        f"Comments : reference data (generated), cell {spec.get('cell', 'SUS|SSE|SUS')}, temperature = {spec['temperature_C']:.1f} °C",
        f"Electrode surface area : {spec['area_cm2']:.3f} cm²",
        "Characteristic mass : 0.001 mg", "Cycle Definition : Charge/Discharge alternance",
        "Do Turn to OCV between techniques", ""]
    header += [f"{key:<20}{value}" for key, value in settings]
    n_header = len(header) + 1
    header[1] = f"Nb header lines : {n_header}"
    lines = header + ["\t".join(columns) + "\t"]
    y = 1 / z
    for i in range(f.size):
        omega = 2 * np.pi * f[i]
        cs = -1 / (omega * z[i].imag) * 1e6
        cp = y[i].imag / omega * 1e6
        ewe_amp = 0.01 * np.sqrt(2)
        values = [f[i], z[i].real, -z[i].imag, abs(z[i]), np.degrees(np.angle(z[i])), t[i], 0.0, 0.0, cs, cp,
                  1.0, 0.0, ewe_amp, ewe_amp / abs(z[i])]
        cells = [_eclab(v) for v in values]
        cells[10], cells[11] = _eclab(1.0), "0"
        lines.append("\t".join(cells) + "\t")
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def _g(x):
    return f"{x:.7g}".upper()


def dta(spec):
    """Gamry Framework ``.DTA`` (EXPLAIN, EISPOT, ZCURVE TABLE), Latin-1, CRLF."""
    f, z, t = spec["frequency"], spec["z"], spec["time"]
    notes = [f"Sample: {spec['sample']}, cell SUS|SSE|SUS, reference data (generated)",
             f"Temperature: {spec['temperature_C']:.1f} C"]
    lines = [
        "EXPLAIN", "TAG\tEISPOT", "TITLE\tLABEL\tPotentiostatic EIS\tTest &Identifier",
        f"DATE\tLABEL\t{FAKE_DATE}\tDate", "TIME\tLABEL\t09:00:00\tTime",
        f"NOTES\tNOTES\t{len(notes)}\t&Notes...", *[f"\t{n}" for n in notes],
        "PSTAT\tPSTAT\tREF600-00001\tPotentiostat",
        "VDC\tPOTEN\t0.00000E+000\tT\tDC &Voltage (V)",
        f"FREQINIT\tQUANT\t{_g(f[0])}\tInitial Fre&q. (Hz)", f"FREQFINAL\tQUANT\t{_g(f[-1])}\tFinal Fre&q. (Hz)",
        "PTSPERDEC\tQUANT\t10\tPoints/&decade", "VAC\tQUANT\t10\tAC &Voltage (mV rms)",
        f"AREA\tQUANT\t{spec['area_cm2']:.3f}\t&Area (cm^2)",
        "CONDIT\tTWOPARAM\tF\t15\t0\tConditionin&g\tTime(s)\tE(V)",
        "DELAY\tTWOPARAM\tF\t100\t0\tInit. De&lay\tTime(s)\tStab.(mV/s)",
        "SPEED\tSELECTOR\t1\t&Optimize for:", "ZGUESS\tQUANT\t1000\tE&stimated Z (ohms)",
        "EOC\tQUANT\t0.0012\tOpen Circuit (V)", "ZCURVE\tTABLE",
        "\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange",
        "\t#\ts\tHz\tohm\tohm\tV\tohm\t°\tA\tV\t#"]
    for i in range(f.size):
        lines.append("\t" + "\t".join([str(i), _g(t[i]), _g(f[i]), _g(z[i].real), _g(z[i].imag), "1",
                                       _g(abs(z[i])), _g(np.degrees(np.angle(z[i]))), "0", "0.0012", "6"]))
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def csv(spec):
    """Plain CSV (UTF-8, LF): ``#`` comment lines, then Frequency (Hz), Z' (Ohm), -Z'' (Ohm), |Z|, phase."""
    f, z = spec["frequency"], spec["z"]
    lines = [f"# sample: {spec['sample']}", "# cell: SUS|SSE|SUS", f"# temperature_C: {spec['temperature_C']:.1f}",
             "# reference data (generated, not measured)",
             "Frequency (Hz),Z' (Ohm),-Z'' (Ohm),|Z| (Ohm),Phase (deg)"]
    for i in range(f.size):
        lines.append(",".join(f"{v:.6e}" for v in (f[i], z[i].real, -z[i].imag, abs(z[i]),
                                                   np.degrees(np.angle(z[i])))))
    return ("\n".join(lines) + "\n").encode("utf-8")


WRITERS = {"biologic-mpt": (mpt, ".mpt"), "gamry-dta": (dta, ".DTA"), "eis-csv": (csv, ".csv")}
