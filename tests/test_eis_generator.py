"""The reference-data generator is deterministic, its files read back exactly in their formats, and
the fit gives back the article values it was built from."""

import sys

import numpy as np
import pytest

from paper_lib import conductivity, eis
from paper_lib.paths import DATA
from paper_lib.readers import reader

sys.path.insert(0, str(DATA))
from generator import eis as gen  # noqa: E402
from generator.eis_writers import WRITERS  # noqa: E402


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_writers_round_trip_and_deterministic(tmp_path, fmt):
    spec = gen.spectrum("LiBH4-70LiNBH", 30, "eis/test")
    write, suffix = WRITERS[fmt]
    blob = write(spec)
    assert blob == write(gen.spectrum("LiBH4-70LiNBH", 30, "eis/test"))
    path = tmp_path / f"s{suffix}"
    path.write_bytes(blob)
    ds = reader(fmt)(path)
    np.testing.assert_allclose(ds["frequency"].values, spec["frequency"], rtol=1e-6)
    np.testing.assert_allclose(ds["z_real"].values + 1j * ds["z_imag"].values, spec["z"], rtol=1e-5)


@pytest.mark.parametrize("sample,t_c,article", [("LiBH4-70LiNBH", 30, 2.2e-4), ("LiBH4", 30, 3.23e-8),
                                                ("LiBH4", 110, 8.83e-4)])
def test_article_values_recovered(sample, t_c, article):
    spec = gen.spectrum(sample, t_c, f"eis/{sample}/{sample}_{t_c:03d}C")
    fit = eis.fit_spectrum((spec["frequency"], spec["z"]), r_series=gen.LEAD_R_STATED)
    sigma, _ = conductivity.conductivity(fit.r_electrolyte, gen.SAMPLES[sample]["thickness"], gen.AREA_CM2)
    assert sigma == pytest.approx(article, rel=0.03)
