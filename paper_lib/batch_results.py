"""A batch's results as one table: an xarray Dataset (run × claim), a CSV, and one claim across runs.

"Claims" here are a run's claims of the article's ledger and its results (``Claims.result``: what the
notebook computed from the run's data, whatever the sample), in that order.

The Dataset has, per run and claim, ``value`` (the claim's unit, NaN where the claim is not a number or
was not computed), ``uncertainty`` (same unit, NaN where none), ``status`` (the claim's status, "" where
the run has no such claim) and ``text`` (non-numeric values as JSON); per claim its ``unit`` and the
article's value ``paper``; per run its ``run_status``, ``error`` and ``remarks`` (JSON). Written as NetCDF
(``results.nc``, readable by xarray, netCDF4, ncdump) and as a long CSV (``results.csv``).
"""

import json
import math

import numpy as np
import xarray as xr

from .output import atomic_path, atomic_write_text


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.nan
    return float(value)


def _quantities(run):
    return [*run.get("claims", []), *run.get("results", [])]


def dataset(summary) -> xr.Dataset:
    """The run × claim Dataset of a batch summary (``summary.json`` as a dict)."""
    runs = summary["runs"]
    names = [r["name"] for r in runs]
    claims, meta = [], {}
    for r in runs:
        for c in _quantities(r):
            if c["id"] not in meta:
                claims.append(c["id"])
                meta[c["id"]] = c
    shape = (len(names), len(claims))
    value, uncertainty = np.full(shape, np.nan), np.full(shape, np.nan)
    status, text = np.full(shape, "", dtype=object), np.full(shape, "", dtype=object)
    for i, r in enumerate(runs):
        for c in _quantities(r):
            j = claims.index(c["id"])
            value[i, j], uncertainty[i, j] = _number(c.get("computed")), _number(c.get("uncertainty"))
            status[i, j] = c.get("status") or ""
            if math.isnan(value[i, j]) and c.get("computed") is not None:
                text[i, j] = json.dumps(c["computed"])
    ds = xr.Dataset(
        {"value": (("run", "claim"), value, {"long_name": "computed value", "units": "see unit(claim)"}),
         "uncertainty": (("run", "claim"), uncertainty, {"long_name": "standard uncertainty",
                                                         "units": "see unit(claim)"}),
         "status": (("run", "claim"), status.astype(str), {"long_name": "claim status"}),
         "text": (("run", "claim"), text.astype(str), {"long_name": "non-numeric value (JSON)"})},
        coords={"run": names, "claim": claims,
                "unit": ("claim", [meta[c].get("unit") or "" for c in claims]),
                "quantity": ("claim", [meta[c].get("quantity") or "" for c in claims]),
                "paper": ("claim", [_number(meta[c].get("paper")) for c in claims],
                          {"long_name": "the article's value", "units": "see unit(claim)"}),
                "run_status": ("run", [r["status"] for r in runs]),
                "error": ("run", [r.get("error") or "" for r in runs]),
                "remarks": ("run", [json.dumps(r.get("remarks", [])) for r in runs])},
        attrs={"notebook": summary["notebook"], "title": f"claims of {summary['notebook']} over a batch of runs",
               "Conventions": "CF-1.8"})
    return ds


def write(summary, folder) -> dict:
    """``results.nc`` and ``results.csv`` in ``folder`` (each replaced only once fully written)."""
    ds = dataset(summary)
    with atomic_path(folder / "results.nc") as tmp:
        ds.to_netcdf(tmp, engine="scipy")
    rows = ["run,claim,value,uncertainty,unit,status"]
    for run in ds.run.values:
        for claim in ds.claim.values:
            cell = ds.sel(run=run, claim=claim)
            if str(cell.status.values):
                rows.append(",".join([_csv(run), _csv(claim), _fmt(cell.value.values), _fmt(cell.uncertainty.values),
                                      _csv(str(cell.unit.values)), _csv(str(cell.status.values))]))
    atomic_write_text(folder / "results.csv", "\n".join(rows) + "\n")
    return {"netcdf": folder / "results.nc", "csv": folder / "results.csv"}


def _fmt(x):
    x = float(x)
    return "" if math.isnan(x) else repr(x)


def _csv(text):
    return f'"{text}"' if any(ch in text for ch in ',"\n') else text


def default_claim(ds):
    """The numeric claim computed by the most runs (the first such, in claim order), or None."""
    counts = np.isfinite(ds.value).sum("run").values if ds.sizes["claim"] else []
    return str(ds.claim.values[int(np.argmax(counts))]) if len(counts) and max(counts) > 0 else None


def plot_claim(ds, claim, path):
    """One claim across the runs, with its uncertainty as error bars and the article's value as a line."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    cell = ds.sel(claim=claim)
    unit = str(cell.unit.values)
    runs = [str(r) for r in ds.run.values]
    fig = Figure(figsize=(max(4.0, 0.45 * len(runs) + 1.5), 3.2), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(runs))
    err = np.where(np.isfinite(cell.uncertainty.values), cell.uncertainty.values, 0.0)
    ax.errorbar(x, cell.value.values, yerr=err, fmt="o", ms=4, capsize=3, color="C0", label="computed ± 1σ")
    paper = float(cell.paper.values)
    if math.isfinite(paper):
        ax.axhline(paper, color="0.4", ls="--", lw=1, label=f"article: {paper:g} {unit}")
    failed = [i for i, s in enumerate(ds.run_status.values) if s != "ok"]
    for i in failed:
        ax.annotate("failed", (i, 0.02), xycoords=("data", "axes fraction"), ha="center", fontsize=7, color="C3")
    values = cell.value.values[np.isfinite(cell.value.values)]
    if len(values) > 1 and values.min() > 0 and values.max() / values.min() > 30:
        ax.set_yscale("log")  # e.g. conductivities of different materials
    ax.set_xticks(x, runs, rotation=60, ha="right", fontsize=7)
    ax.set_xlim(-0.7, len(runs) - 0.3)
    name = str(cell.quantity.values) or claim
    ax.set_ylabel(f"{name} ({unit})" if unit else name, fontsize=8)
    ax.set_title(f"{ds.attrs['notebook']}: {claim} over {len(runs)} run(s)", fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=150, format="png", metadata={"Software": None})
    return path
