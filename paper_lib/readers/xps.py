"""XPS spectra: ISO 14976 VAMAS files (read with the ``vamas`` package) and a CSV export.

Both return a list of spectra, one ``xarray.DataArray`` per region and etch step, over
``binding_energy`` (eV, as recorded), in counts per second (counts over dwell time x scans), with the
region (``Li 1s``), species, transition, etch time (s, the VAMAS experiment variable named like
``Etch Time``, else 0), source energy and work function in ``attrs``. Binding energies come from the
kinetic energies as BE = source energy - KE: vendors write kinetic energies referenced to the Fermi
level, the analyser work function already applied (as pynxtools-xps and CasaXPS read them; a real
Prodigy survey in the tests puts O 1s and C 1s where a charged oxide has them only this way). A block
recorded on a binding-energy axis is taken as it is.
"""

import re
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import InputError


def _spectrum(be, cps, attrs):
    return xr.DataArray(np.asarray(cps, float), dims=("binding_energy",),
                        coords={"binding_energy": ("binding_energy", np.asarray(be, float),
                                                   {"units": "eV", "long_name": "binding energy"})},
                        attrs={"units": "counts/s", "long_name": f"{attrs['region']} intensity", **attrs})


def _etch_time(header, block):
    names = [v.label.lower() for v in header.experiment_variables]
    for k, name in enumerate(names):
        if "etch" in name or "sputter" in name:
            text = str(block.values_exp_var[k]).strip() if k < len(block.values_exp_var) else ""
            try:
                return float(text)
            except ValueError:
                return None  # the caller names the block and field
    return 0.0


def _require_file(path, what):
    if not path.is_file():
        raise InputError(path, f"not a file: expected {what}")


def read_vamas(path):
    """Read a VAMAS ``.vms`` file: one spectrum per block (see the module docstring)."""
    from vamas import Vamas

    path = Path(path)
    _require_file(path, "a VAMAS (.vms) file")
    try:
        data = Vamas(path.read_bytes())
    except (StopIteration, ValueError, IndexError) as exc:
        raise InputError(path, f"truncated or malformed VAMAS file: the vamas package stopped "
                               f"({type(exc).__name__}: {str(exc)[:200]})") from None
    except Exception as exc:  # the vamas package raises its own identifier and extension errors
        raise InputError(path, f"expected a VAMAS file starting with the ISO 14976 identifier line; the vamas "
                               f"package cannot read it ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not data.blocks:
        raise InputError(path, "no blocks in the VAMAS file")
    return [_block(path, data.header, b, k) for k, b in enumerate(data.blocks)]


def _block(path, header, b, k):
    counts = np.asarray(b.corresponding_variables[0].y_values, float)
    axis = b.x_start + b.x_step * np.arange(counts.size)
    label = b.x_label.lower()
    source, work = float(b.analysis_source_characteristic_energy), float(b.analyzer_work_function_or_acceptance_energy)
    if "kinetic" in label:
        be = source - axis
    elif "binding" in label:
        be = axis
    else:
        raise InputError(path, f"block {k + 1} ({b.block_identifier}): expected an abscissa 'kinetic energy' or "
                               f"'binding energy', got {b.x_label!r}")
    seconds = float(b.signal_collection_time) * max(int(b.num_scans_to_compile_block), 1)
    unit = b.corresponding_variables[0].unit.strip().lower()
    cps = counts / seconds if unit in ("d", "counts", "c") and seconds > 0 else counts
    region = f"{b.species_label} {b.transition_or_charge_state_label}".strip()
    etch = _etch_time(header, b)
    if etch is None:
        raise InputError(path, f"block {k + 1} ({b.block_identifier}): expected a number for the etch time",
                         field="experiment variable (etch time)")
    return _spectrum(be, cps, {"region": region, "species": b.species_label,
                               "transition": b.transition_or_charge_state_label, "block": b.block_identifier,
                               "sample_identifier": b.sample_identifier, "etch_time_s": etch,
                               "source_eV": source, "work_function_eV": work,
                               "pass_energy_eV": float(b.analyzer_pass_energy_or_retard_ratio_or_mass_res),
                               "counting_time_s": seconds})


HEADER = re.compile(r"^#\s*([^:]+):\s*(.*)$")


def read_csv(path):
    """Read the CSV export: blocks of ``# Region: ...`` and ``# Etch Time (s): ...`` comment lines, a
    ``Binding Energy (eV),Counts/s`` header, then rows; blank lines between blocks."""
    path = Path(path)
    _require_file(path, "an XPS CSV export")
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    spectra, meta, where, rows, start = [], {}, {}, [], None

    def value(key, default, pattern=None):
        """A number of the block header (the last one in the text when ``pattern`` finds several)."""
        text = meta.get(key, default)
        found = re.findall(pattern, text) if pattern else [text]
        try:
            return float(found[-1])
        except (ValueError, IndexError):
            raise InputError(path, f"expected a number, got {text!r}", line=where.get(key), field=key) from None

    def close():
        if rows:
            if not meta.get("Region"):
                raise InputError(path, "a block of rows without a '# Region:' line before it", line=start,
                                 field="Region")
            data = np.array(rows)
            spectra.append(_spectrum(data[:, 0], data[:, 1], {
                "region": meta["Region"], "species": meta["Region"].split()[0],
                "transition": " ".join(meta["Region"].split()[1:]), "block": f"{meta['Region']}/{len(spectra)}",
                "etch_time_s": value("Etch Time (s)", "0"),
                "source_eV": value("Source", "1486.6", r"\d+(?:\.\d*)?"),
                "pass_energy_eV": value("Pass Energy (eV)", "nan")}))
        rows.clear()

    for n, line in enumerate(text, start=1):
        line = line.strip()
        match = HEADER.match(line)
        if match:
            if rows:
                close()
                meta = {k: v for k, v in meta.items() if k == "Sample"}
            meta[match.group(1).strip()] = match.group(2).strip()
            where[match.group(1).strip()] = n
        elif not line:
            close()
        elif line.startswith("#"):
            continue
        elif line.lower().startswith("binding energy"):
            start = n
        else:
            try:
                rows.append([float(x) for x in line.split(",")[:2]])
            except ValueError:
                raise InputError(path, f"expected 'binding energy, counts/s', got {line!r}", line=n) from None
            if len(rows[-1]) != 2 or not np.isfinite(rows[-1]).all():
                raise InputError(path, f"expected two finite numbers, got {line!r}", line=n)
    close()
    if not spectra:
        raise InputError(path, "no spectra: expected '# Region:' blocks with 'Binding Energy (eV),Counts/s' rows")
    return spectra
