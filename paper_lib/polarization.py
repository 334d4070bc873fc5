"""DC polarization: the steady-state current of a current decay, and the electronic conductivity of an
electrolyte between ion-blocking electrodes.

Input: the canonical cycler Dataset (:mod:`paper_lib.cycler`) of a chronoamperometry at a constant
applied voltage: time in s, current in mA. Results are :class:`~paper_lib.peaks.Estimate`.

* :func:`steady_state`: the current the decay tends to, from a fit, not from the last point (and the
  current it started from, the two-term fit extrapolated to the start, half its distance to the
  first fitted points as the model's share). The
  decay of the ionic polarization is a distribution of relaxations; I_ss + A1 exp(-t/tau1) + A2
  exp(-t/tau2) is fitted from ``t_start`` on and gives the value; its standard error combines the
  fit's with the model's share, half the distance from the asymptote to the current measured at the
  end (the median of the last 5 % of the points): the asymptote is an extrapolation beyond the data,
  and a decay still running, or drifting, at the end widens it. (Refitting a part of the decay, or a
  stretched exponential, was tried and dropped: on nearly flat decays their parameters trade off
  and the optimum moved with the CPU.) Points are weighted by the current's size (relative noise).
* :func:`electronic_conductivity`: sigma_e = I_ss L / (V A), in S/cm, with the errors of the current,
  the thickness and the area propagated. Ratios of conductivities: :func:`paper_lib.spectra.ratio`.
"""

import math
from dataclasses import dataclass

import numpy as np

from .peaks import Estimate


@dataclass(frozen=True)
class SteadyState:
    """The steady-state current (mA) of a decay; ``initial``, the two-term decay extrapolated to the
    start of the polarization (mA); the current measured at the end (median of the last 5 %, mA); the
    fitted curve (mA, on ``time``, s) and its two time constants (s)."""

    current: Estimate
    initial: Estimate
    end: float
    time: np.ndarray
    fit: np.ndarray
    tau_s: tuple


def _fit(model, t, i, p0, bounds):
    from scipy.optimize import least_squares

    res = least_squares(lambda p: (model(t, *p) - i) / np.maximum(np.abs(i), 1e-30), p0, bounds=bounds,
                        x_scale="jac", xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
    dof = max(t.size - len(p0), 1)
    cov = np.linalg.pinv(res.jac.T @ res.jac) * float(res.fun @ res.fun) / dof
    return res.x, cov


def _biexp(t, iss, a1, tau1, a2, tau2):
    return iss + a1 * np.exp(-t / tau1) + a2 * np.exp(-t / tau2)


def steady_state(ds, t_start_s=None) -> SteadyState:
    """Steady-state current (mA) of the decay in ``ds`` (see the module's docstring); ``t_start_s``:
    the fit starts there (default: 1 % of the test, past the first seconds of charging)."""
    t = ds.time.values - ds.time.values[0]
    i = ds.current.values
    sign = 1.0 if np.median(i) >= 0 else -1.0
    i = sign * i
    start = t_start_s if t_start_s is not None else 0.01 * t[-1]
    keep = t >= start
    if keep.sum() < 20:
        raise ValueError(f"fewer than 20 points after t = {start} s")
    t, i = t[keep], i[keep]
    span = t[-1] - t[0]
    end = float(np.median(i[-max(i.size // 20, 3):]))
    excess = max(float(i[0]) - end, 1e-30)
    bounds_bi = ([0, 0, 1e-3 * span, 0, 1e-3 * span], [np.inf, np.inf, 10 * span, np.inf, 10 * span])
    p_bi, cov_bi = _fit(_biexp, t, i, [end, 0.7 * excess, span / 50, 0.3 * excess, span / 5], bounds_bi)
    iss = float(p_bi[0])
    err = math.hypot(float(np.sqrt(max(cov_bi[0, 0], 0.0))), 0.5 * abs(iss - end))
    # I(0) = I_ss + A1 + A2 (a sum the fit fixes well even when A1, A2 trade off); its model share is half
    # its distance to the current measured where the fit starts (the extrapolation's reach)
    g = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
    start_bi = float(p_bi[0] + p_bi[1] + p_bi[3])
    reach = 0.5 * abs(start_bi - float(np.median(i[:5])))
    initial = Estimate(sign * start_bi, math.hypot(float(np.sqrt(max(g @ cov_bi @ g, 0.0))), reach), "mA")
    return SteadyState(Estimate(sign * iss, err, "mA"), initial, sign * end, t, sign * _biexp(t, *p_bi),
                       (float(p_bi[2]), float(p_bi[4])))


def electronic_conductivity(current, voltage_V, thickness_mm, area_cm2, thickness_stderr_mm=0.0,
                            area_stderr_cm2=0.0) -> Estimate:
    """sigma_e (S/cm) = I_ss L / (V A), ``current`` an Estimate in mA, thickness in mm, area in cm2
    (the errors propagated with the ``uncertainties`` package)."""
    from uncertainties import ufloat

    def u(value, err):  # an exact number stays a float (uncertainties warns on zero errors)
        return ufloat(value, err) if err else value

    sigma = (u(abs(current.value), current.stderr) * 1e-3 * u(thickness_mm, thickness_stderr_mm) / 10.0
             / (abs(voltage_V) * u(area_cm2, area_stderr_cm2)))
    return Estimate(getattr(sigma, "nominal_value", sigma), getattr(sigma, "std_dev", 0.0), "S/cm")
