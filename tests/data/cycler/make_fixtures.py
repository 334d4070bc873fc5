"""Write the cycler reader fixtures in the layouts the instruments' software exports (run once; the
files are committed): an Arbin MITS Pro channel sheet saved as CSV, and a CH Instruments CV text
export with its Results block. Values follow a small known program so the tests can check them."""

import math
from pathlib import Path

HERE = Path(__file__).parent
PROGRAM = [(1, 0.0, 10), (2, 0.0015, 30), (3, 0.0, 5), (4, -0.0015, 30), (2, 0.0015, 30), (4, -0.0015, 30)]


def arbin():
    rows = ["Data_Point,Test_Time(s),Date_Time,Step_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),"
            "Charge_Capacity(Ah),Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),dV/dt(V/s),"
            "Internal_Resistance(Ohm),Is_FC_Data,AC_Impedance(Ohm),ACI_Phase_Angle(Deg)"]
    t, n, qc, qd = 0.0, 0, 0.0, 0.0
    for step, current, points in PROGRAM:
        for k in range(points):
            n += 1
            t += 30.0
            v = 3.2 + (0.4 * k / points if current > 0 else -0.4 * k / points if current < 0 else 0.0)
            qc += max(current, 0) * 30 / 3600
            qd += max(-current, 0) * 30 / 3600
            hh, mm, ss = int(t // 3600), int(t % 3600 // 60), int(t % 60)
            rows.append(f"{n},{t:.4f},2011-01-03 {10 + hh:02d}:{mm:02d}:{ss:02d},{(k + 1) * 30.0:.4f},{step},"
                        f"{1 + (n > 75)},{current:.6f},{v:.6f},{qc:.9f},{qd:.9f},0,0,0,0,0,0,0")
    (HERE / "arbin_export.csv").write_text("\r\n".join(rows) + "\r\n")


def chi():
    head = ["Aug. 15, 2024   14:42:13", "Cyclic Voltammetry", "File:  C:\\CHI\\Li_SUS_cv.bin",
            "Data Source:  Experiment", "Instrument Model:  CHI660E", "Header:", "Note:", "", "Init E (V) = 2.5",
            "High E (V) = 5", "Low E (V) = -0.2", "Init P/N = P", "Scan Rate (V/s) = 0.001", "Segment = 3",
            "Sample Interval (V) = 0.01", "Quiet Time (sec) = 2", "Sensitivity (A/V) = 1e-5", "", "Results:", "",
            "Segment 1:", "Ep = 4.921V", "ip = 1.211e-6A", "Ah = 3.151e-6C", "", "Potential/V, Current/A", ""]
    data = []
    for a, b in [(2.5, 5.0), (5.0, -0.2), (-0.2, 2.5)]:
        m = int(round(abs(b - a) / 0.01))
        for k in range(m):
            e = a + (b - a) * k / m
            i = (2e-7 * math.exp((e - 4.9) / 0.05) if e > 4 else
                 -5e-6 * math.exp(-(e + 0.2) / 0.05) if e < 0.1 else 1e-8 * e)
            data.append(f"{e:.3f}, {i:.3e}")
    (HERE / "chi_cv.txt").write_text("\r\n".join(head + data) + "\r\n", encoding="latin-1")


if __name__ == "__main__":
    arbin()
    chi()
