"""The canonical xarray schema: named dimensions, ``units`` and ``long_name`` on every variable.

Readers build their result with :func:`make_dataset` and analysis code may assert it with
:func:`check_dataset`. Dimension names by kind (DESIGN.md): ``frequency`` (Hz), ``time`` (s),
``two_theta`` (deg), ``wavenumber`` (cm^-1), ``chemical_shift`` (ppm), ``binding_energy`` (eV),
``cycle``, ``image`` (NEB), ``temperature`` (degC).
"""

import numpy as np
import xarray as xr

xr.set_options(display_style="text")


def variable(dims, values, units, long_name, **attrs):
    """One labelled variable: ``(dims, values, {"units":..., "long_name":...})``."""
    if isinstance(dims, str):
        dims = (dims,)
    return (dims, np.asarray(values), {"units": units, "long_name": long_name, **attrs})


def make_dataset(data_vars, coords, attrs):
    """Build a Dataset; every variable and coordinate must be a :func:`variable` tuple with units."""
    ds = xr.Dataset(data_vars=data_vars, coords=coords, attrs=dict(attrs))
    check_dataset(ds)
    return ds


def check_dataset(ds, kind=None):
    """Raise ``ValueError`` if a variable or coordinate lacks ``units``/``long_name``."""
    for name, var in {**ds.coords, **ds.data_vars}.items():
        missing = [key for key in ("units", "long_name") if key not in var.attrs]
        if missing:
            raise ValueError(f"variable '{name}' lacks attribute(s) {missing}")
    if kind is not None and ds.attrs.get("kind") != kind:
        raise ValueError(f"expected a '{kind}' dataset, got kind={ds.attrs.get('kind')!r}")
    return ds
