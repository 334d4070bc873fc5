"""The batch's result set from a summary: values, uncertainties and statuses in place, non-numbers kept."""

import math

import xarray as xr

from paper_lib import batch_results

SUMMARY = {"notebook": "figS11", "runs": [
    {"name": "a", "status": "ok", "claims": [{"id": "sigma_30C", "computed": 2.2e-4, "uncertainty": 6e-7,
                                              "unit": "S/cm", "status": "reproduced", "paper": 2.2e-4}],
     "results": [{"id": "sigma", "computed": 2.2e-4, "uncertainty": 6e-7, "unit": "S/cm", "status": "ok",
                  "quantity": "conductivity"},
                 {"id": "is_arc", "computed": True, "uncertainty": None, "unit": "", "status": "ok"}]},
    {"name": "b", "status": "ok", "results": [{"id": "sigma", "computed": 1.0e-3, "uncertainty": None,
                                                "unit": "S/cm", "status": "flagged", "quantity": "conductivity"}]},
    {"name": "c", "status": "failed", "error": "InputError: c.yaml: bad"}]}


def test_dataset_holds_every_run_and_claim(tmp_path):
    ds = batch_results.dataset(SUMMARY)
    assert list(ds.run.values) == ["a", "b", "c"] and list(ds.claim.values) == ["sigma_30C", "sigma", "is_arc"]
    assert float(ds.value.sel(run="b", claim="sigma")) == 1.0e-3
    assert math.isnan(float(ds.uncertainty.sel(run="b", claim="sigma")))
    assert str(ds.status.sel(run="b", claim="sigma").values) == "flagged"
    assert math.isnan(float(ds.value.sel(run="a", claim="is_arc")))
    assert str(ds.text.sel(run="a", claim="is_arc").values) == "true"
    assert float(ds.paper.sel(claim="sigma_30C")) == 2.2e-4 and str(ds.unit.sel(claim="sigma").values) == "S/cm"
    assert str(ds.run_status.sel(run="c").values) == "failed" and "c.yaml" in str(ds.error.sel(run="c").values)
    assert batch_results.default_claim(ds) == "sigma"


def test_netcdf_and_csv_round_trip(tmp_path):
    batch_results.write(SUMMARY, tmp_path)
    back = xr.open_dataset(tmp_path / "results.nc", engine="scipy")
    assert float(back.value.sel(run="a", claim="sigma")) == 2.2e-4
    rows = (tmp_path / "results.csv").read_text().splitlines()
    assert rows[0] == "run,claim,value,uncertainty,unit,status"
    assert "b,sigma,0.001,,S/cm,flagged" in rows and len(rows) == 1 + 4
    assert batch_results.plot_claim(back, "sigma", tmp_path / "s.png").stat().st_size > 1000
