"""Li-ion transference number from a DC polarization of a Li|electrolyte|Li cell.

A small voltage dV (V) is applied; the current falls from I_0 to I_ss (mA) as the salt concentration
gradient builds up, and the interfaces may change meanwhile, R_0 before and R_ss after (ohm, from the
spectra measured before and after, :func:`paper_lib.eis.fit_symmetric`). Two estimates:

* Bruce-Vincent (Evans, Vincent, Bruce, Polymer 28 (1987) 2324):
  t = I_ss (dV - I_0 R_0) / (I_0 (dV - I_ss R_ss));
* the plain ratio t = I_ss / I_0, which ignores the interfaces' change.

I_0 and I_ss come from the fitted decay (:func:`paper_lib.polarization.steady_state`): I_0 is the decay
extrapolated to the start, past the double-layer charging of the first seconds. Errors are propagated
with the ``uncertainties`` package; I_0 and I_ss, from one fit, are treated as independent (their
correlation is positive, so this overstates the error of their ratio).
"""

from .peaks import Estimate


def _u(estimate):
    from uncertainties import ufloat

    return ufloat(estimate.value, estimate.stderr) if estimate.stderr else estimate.value


def _estimate(x) -> Estimate:
    return Estimate(float(getattr(x, "nominal_value", x)), float(getattr(x, "std_dev", 0.0)), "")


def bruce_vincent(voltage_V, initial, steady, r0, rss) -> Estimate:
    """t = I_ss (dV - I_0 R_0) / (I_0 (dV - I_ss R_ss)); currents Estimates in mA, resistances Estimates
    in ohm (the interfaces' resistance before and after), ``voltage_V`` the applied dV."""
    i0, iss = _u(initial) * 1e-3, _u(steady) * 1e-3
    return _estimate(iss * (voltage_V - i0 * _u(r0)) / (i0 * (voltage_V - iss * _u(rss))))


def current_ratio(initial, steady) -> Estimate:
    """t = I_ss / I_0 (currents as Estimates, any one unit)."""
    return _estimate(_u(steady) / _u(initial))


def consistency(voltage_V, initial, r_bulk, r0, t=None, rel=0.25, max_rel_error=0.1) -> list:
    """What makes a transference number untrustworthy, as sentences (empty when nothing does).

    The decay's fit must fix I_0 to ``max_rel_error``; the initial current must follow Ohm's law through
    the cell the spectrum saw, I_0 = dV / (R_b + R_0) (Bruce-Vincent's premise), to within ``rel``; and
    t must lie between 0 and 1. ``r_bulk`` and ``r0`` in ohm (numbers or Estimates), ``initial`` in mA."""
    found = []
    if initial.value and abs(initial.stderr / initial.value) > max_rel_error:
        found.append(f"the decay's fit leaves I0 uncertain to {abs(initial.stderr / initial.value):.0%} (allowed "
                     f"{max_rel_error:.0%}): the current does not relax as a two-term decay to a steady state")
    expected = voltage_V / (float(r_bulk) + float(r0)) * 1e3  # mA
    ratio = abs(float(initial.value)) / expected if expected else float("inf")
    if abs(ratio - 1) > rel:
        found.append(f"I0 = {1e3 * abs(initial.value):.4g} uA is {ratio:.3g} times dV / (R_b + R_0) = "
                     f"{1e3 * expected:.4g} uA: the polarization and the spectrum do not describe one cell at dV "
                     f"= {1e3 * voltage_V:g} mV (allowed: within {rel:.0%})")
    if t is not None and not 0.0 <= float(t.value) <= 1.0:
        found.append(f"t = {t.value:.4f} lies outside 0-1")
    return found
