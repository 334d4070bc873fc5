"""Arrhenius analysis of conductivity vs temperature, and detection of a phase transition (a jump).

Forms (T in K, kB in eV/K):

* ``form="sigmaT"`` (default): sigma T = A exp(-Ea / (kB T)), fitted as ln(sigma T) = ln A - Ea/(kB T);
  A in S K/cm.
* ``form="sigma"``: sigma = sigma0 exp(-Ea / (kB T)), fitted as ln sigma = ln sigma0 - Ea/(kB T);
  sigma0 in S/cm.

Fits are weighted linear least squares on ln(y) vs 1/T (weights from the relative standard errors of
sigma); the parameter covariance is scaled by the reduced chi-square when it exceeds 1.
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

KB_EV = 8.617333262e-5  # eV/K
FORMS = {"sigmaT": "sigma*T = A exp(-Ea/(kB T))", "sigma": "sigma = sigma0 exp(-Ea/(kB T))"}


@dataclass(frozen=True)
class ArrheniusFit:
    """``ea`` (eV), ``prefactor`` (S K/cm for sigmaT, S/cm for sigma) with standard errors; ``cov`` is
    the covariance of (ln prefactor, slope in K); ``temperatures_C`` the points used."""

    form: str
    ea: float
    ea_stderr: float
    prefactor: float
    prefactor_stderr: float
    cov: np.ndarray
    intercept: float
    slope: float
    temperatures_C: tuple
    chi2: float
    dof: int

    @property
    def law(self):
        return FORMS[self.form]

    def ln_y(self, t_c):
        """ln(sigma T) or ln(sigma) of the fitted line at ``t_c`` (degC) and its standard error."""
        x = 1.0 / (np.asarray(t_c, float) + 273.15)
        value = self.intercept + self.slope * x
        var = self.cov[0, 0] + 2 * x * self.cov[0, 1] + x ** 2 * self.cov[1, 1]
        return value, np.sqrt(np.maximum(var, 0))

    def predict(self, t_c):
        """``(sigma, stderr)`` in S/cm at ``t_c`` (degC), uncertainty propagated from the covariance."""
        value, se = self.ln_y(t_c)
        sigma = np.exp(value)
        if self.form == "sigmaT":
            sigma = sigma / (np.asarray(t_c, float) + 273.15)
        return sigma, sigma * se

    def attrs(self):
        """Plain attributes (for xarray/JSON)."""
        return {"arrhenius_form": self.law, "Ea_eV": self.ea, "Ea_stderr_eV": self.ea_stderr,
                "prefactor": self.prefactor, "prefactor_stderr": self.prefactor_stderr,
                "prefactor_units": "S K/cm" if self.form == "sigmaT" else "S/cm",
                "T_range_C": [min(self.temperatures_C), max(self.temperatures_C)]}


def _arrays(data, sigma_stderr=None):
    """(T degC, sigma S/cm, stderr) from a conductivity Dataset or arrays."""
    if hasattr(data, "data_vars"):
        t = np.asarray(data["temperature"].values, float)
        s = np.asarray(data["conductivity"].values, float)
        se = np.asarray(data["conductivity_stderr"].values, float) if "conductivity_stderr" in data else None
    else:
        t, s = (np.asarray(a, float) for a in data)
        se = None if sigma_stderr is None else np.asarray(sigma_stderr, float)
    order = np.argsort(t)
    return t[order], s[order], (None if se is None else se[order])


def _line(x, y, w):
    """Weighted straight line y = a + b x: (a, b, cov, chi2, dof)."""
    design = np.column_stack([np.ones_like(x), x])
    wd = design * w[:, None]
    cov0 = np.linalg.inv(design.T @ wd)
    a, b = cov0 @ (wd.T @ y)
    chi2 = float(np.sum(w * (y - a - b * x) ** 2))
    dof = x.size - 2
    scale = max(chi2 / dof, 1.0) if dof > 0 else 1.0
    return a, b, cov0 * scale, chi2, dof


def _prepare(t_c, sigma, stderr, form):
    if form not in FORMS:
        raise ValueError(f"form must be one of {sorted(FORMS)}")
    t_k = t_c + 273.15
    y = np.log(sigma * t_k) if form == "sigmaT" else np.log(sigma)
    rel = np.full(sigma.shape, 0.01) if stderr is None else np.maximum(stderr / sigma, 1e-4)
    return 1.0 / t_k, y, 1.0 / rel ** 2


def arrhenius_fit(data, sigma_stderr=None, *, form="sigmaT", t_min_C=None, t_max_C=None):
    """Fit an Arrhenius law (see module docstring) to a conductivity Dataset (``temperature`` degC,
    ``conductivity``/``conductivity_stderr`` S/cm) or to ``(T_C, sigma)`` arrays; returns
    :class:`ArrheniusFit` with Ea (eV) and the prefactor, both with standard errors."""
    t_c, sigma, stderr = _arrays(data, sigma_stderr)
    keep = np.ones(t_c.size, bool)
    if t_min_C is not None:
        keep &= t_c >= t_min_C
    if t_max_C is not None:
        keep &= t_c <= t_max_C
    t_c, sigma = t_c[keep], sigma[keep]
    stderr = None if stderr is None else stderr[keep]
    if t_c.size < 2:
        raise ValueError("an Arrhenius fit needs at least two temperatures")
    x, y, w = _prepare(t_c, sigma, stderr, form)
    a, b, cov, chi2, dof = _line(x, y, w)
    ea = -b * KB_EV
    return ArrheniusFit(form=form, ea=float(ea), ea_stderr=float(np.sqrt(cov[1, 1]) * KB_EV),
                        prefactor=float(np.exp(a)), prefactor_stderr=float(np.exp(a) * np.sqrt(cov[0, 0])),
                        cov=cov, intercept=float(a), slope=float(b), temperatures_C=tuple(float(v) for v in t_c),
                        chi2=chi2, dof=dof)


@dataclass(frozen=True)
class Transition:
    """Result of :func:`detect_transition`. ``found``: two segments with a jump describe the data
    better than one line. ``between_C``: the two consecutive measured temperatures (degC) the jump lies
    between; ``jump``: ln(y_high/y_low) of the two lines at the midpoint of that interval (with its
    standard error); ``low``/``high``: Arrhenius fits of each side; ``p_value`` of the F-test (two
    lines vs one), ``delta_bic`` = BIC(two lines) - BIC(one line)."""

    found: bool
    between_C: tuple
    jump: float
    jump_stderr: float
    low: ArrheniusFit | None
    high: ArrheniusFit | None
    single: ArrheniusFit
    p_value: float
    delta_bic: float

    @property
    def segments(self):
        """The fits to draw: both sides of a transition if one was found, else the single line."""
        return [self.low, self.high] if self.found else [self.single]


def detect_transition(data, sigma_stderr=None, *, form="sigmaT", min_points=2, alpha=0.01, min_jump=1.0):
    """Look for a discontinuity (phase transition) in an Arrhenius plot.

    Every split between consecutive temperatures with at least ``min_points`` on each side is fitted
    with two independent lines; the split with the lowest chi-square is compared with one line by an
    F-test (p < ``alpha``) and BIC, and the jump between the lines at the midpoint of the split interval
    must exceed ``min_jump`` (natural-log units of sigma, i.e. a factor e) and 3 of its standard errors.
    No transition temperature is assumed. Returns :class:`Transition`.
    """
    t_c, sigma, stderr = _arrays(data, sigma_stderr)
    single = arrhenius_fit((t_c, sigma), stderr, form=form)
    x, y, w = _prepare(t_c, sigma, stderr, form)
    n = t_c.size
    _, _, _, chi1, _ = _line(x, y, w)
    best = None
    for k in range(min_points, n - min_points + 1):
        lo, hi = slice(0, k), slice(k, n)
        c_lo = _line(x[lo], y[lo], w[lo]) if k >= 2 else None
        c_hi = _line(x[hi], y[hi], w[hi]) if n - k >= 2 else None
        chi2 = c_lo[3] + c_hi[3]
        if best is None or chi2 < best[1]:
            best = (k, chi2)
    if best is None or n < 5:
        return Transition(False, (), 0.0, 0.0, None, None, single, 1.0, 0.0)
    k, chi2 = best
    dof2 = n - 4
    f_stat = ((chi1 - chi2) / 2) / max(chi2 / dof2, 1e-300) if dof2 > 0 else np.inf
    p_value = float(stats.f.sf(f_stat, 2, dof2)) if dof2 > 0 else 0.0
    delta_bic = float(n * np.log(max(chi2, 1e-300) / n) + 4 * np.log(n) - (n * np.log(max(chi1, 1e-300) / n)
                                                                       + 2 * np.log(n)))
    low = arrhenius_fit((t_c[:k], sigma[:k]), None if stderr is None else stderr[:k], form=form)
    high = arrhenius_fit((t_c[k:], sigma[k:]), None if stderr is None else stderr[k:], form=form)
    mid = 0.5 * (t_c[k - 1] + t_c[k])
    y_lo, se_lo = low.ln_y(mid)
    y_hi, se_hi = high.ln_y(mid)
    jump, jump_se = float(y_hi - y_lo), float(np.hypot(se_lo, se_hi))
    found = bool(p_value < alpha and delta_bic < 0 and abs(jump) > min_jump and abs(jump) > 3 * jump_se)
    return Transition(found, (float(t_c[k - 1]), float(t_c[k])), jump, jump_se, low, high, single, p_value,
                      delta_bic)
