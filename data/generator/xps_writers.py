"""Writers of XPS spectra: ISO 14976 VAMAS (``.vms``, the layout CasaXPS and vendor software export and
the ``vamas`` package reads: NORM mode, REGULAR scans, one experiment variable) and a CSV export.
Deterministic: fixed dates and number formatting."""

DATE = (2024, 11, 20, 10, 15, 0)
MAGIC = "VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4"


def _block(spectrum):
    """The lines of one VAMAS block (kinetic-energy axis, counts per channel)."""
    s = spectrum
    counts = [int(c) for c in s["counts"]]
    lines = [s["block"], s["sample"], *map(str, DATE), "0",
             "3", f"Region: {s['region']}", f"Etch level {s['level']}", f"Ar+ {s['ion_energy_eV']:g} eV raster",
             "XPS", f"{s['etch_time_s']:g}", "Al", f"{s['source_eV']:g}", "72", "400", "400", "54.5", "0", "FAT",
             f"{s['pass_energy_eV']:g}", "1", f"{s['work_function_eV']:g}", "0", "400", "400", "0", "0",
             s["species"], s["transition"], "-1", "kinetic energy", "eV", f"{s['ke_start']:.4f}",
             f"{s['step_eV']:g}", "1", "counts", "d", "pulse counting", f"{s['dwell_s']:g}", f"{s['scans']}", "0",
             "0", "0", "0", "0", str(len(counts)), str(min(counts)), str(max(counts))]
    return lines + [str(c) for c in counts]


def write_vamas(path, sample, spectra, comment=""):
    """A VAMAS file of ``spectra`` (dicts: block, sample, region, species, transition, level, etch_time_s,
    ion_energy_eV, source_eV, work_function_eV, pass_energy_eV, ke_start, step_eV, dwell_s, scans,
    counts), one block each; the experiment variable is the etch time in s."""
    head = [MAGIC, "Surface Analysis Laboratory", "Thermo K-Alpha+", "operator", sample, "2",
            "Depth profile, monochromated Al K-alpha, flood gun on", comment or "reference data: generated",
            "NORM", "REGULAR", str(len({s["region"] for s in spectra})), "1", "Etch Time", "s", "0", "0", "0", "0",
            str(len(spectra))]
    lines = head + [line for s in spectra for line in _block(s)] + ["end of experiment"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))


def write_xps_csv(path, sample, spectra):
    """A CSV export: per block a header (region, etch time, source, pass energy, dwell, scans) and rows of
    binding energy (eV) and counts per second, blocks separated by a blank line."""
    lines = [f"# Sample: {sample}", "# Binding energies: source energy less the Fermi-referenced kinetic energy", ""]
    for s in spectra:
        lines += [f"# Region: {s['region']}", f"# Etch Time (s): {s['etch_time_s']:g}",
                  f"# Source: Al K-alpha {s['source_eV']:g} eV", f"# Pass Energy (eV): {s['pass_energy_eV']:g}",
                  f"# Dwell (s): {s['dwell_s']:g}; Scans: {s['scans']}", "Binding Energy (eV),Counts/s"]
        for k, c in enumerate(s["counts"]):
            ke = s["ke_start"] + k * s["step_eV"]
            be = s["source_eV"] - ke
            lines.append(f"{be:.2f},{c / (s['dwell_s'] * s['scans']):.3f}")
        lines.append("")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))
