"""Equivalent-circuit analysis of impedance spectra of solid electrolytes between blocking electrodes.

Sign convention: Z = Z' + jZ'' (a capacitive arc has Z'' < 0), frequencies in Hz, impedances in ohm.

Circuit elements (parameter units):

* ``R0`` (ohm) series resistance (leads, contacts) -- in the arc-absent model, the high-frequency
  intercept, i.e. leads + electrolyte;
* ``L`` (H) series inductance of the leads (optional, used when the spectrum turns inductive);
* ``R1 | CPE1`` bulk (``R1`` ohm, ``Q1`` F s^(n1-1), ``n1``); ``R2 | CPE2`` grain boundaries (optional);
* ``CPE_el`` blocking electrodes (``Qel`` F s^(nel-1), ``nel``): the low-frequency spike, in parallel
  with ``Rleak`` (ohm), the electronic leakage that bends the spike towards the real axis at the lowest
  frequencies (it goes to its upper bound when the spike does not bend).

Between Li electrodes (:func:`fit_symmetric`) the arcs are the interfaces' and R0 holds the
electrolyte: models ``interface`` (R0 + R1|CPE1) and ``interface2`` (two interface arcs).

A full cell (:func:`fit_full_cell`): Rs (R0: electrolyte and contacts), the Li/electrolyte interface
(Rct1|CPE1, the faster arc), the cathode/electrolyte interface (Rct2|CPE2) and the cathode's diffusion,
a CPE ``Qd``, ``nd`` of exponent near 1/2 (F s^(nd-1)).

A fast conductor (sigma >~ 1e-5 S/cm) relaxes at 1/(2 pi tau), tau = eps0 eps_r / sigma, far above the
highest measured frequency: only the intercept and the spike are visible. :func:`fit_spectrum` with
``model="auto"`` fits the arc-absent model and, when an arc shows, the arc-present ones, and keeps the
one with the lower BIC. When that fit fails the residual check (:func:`residual_check`: it misses a
feature of the spectrum, such as an arc that the phase-valley heuristic did not see, or an arc with no
spike below it), the other models are fitted too, and the lowest-BIC model that passes is kept.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from .schema import make_dataset, variable

UNITS = {"R0": "ohm", "L": "H", "R1": "ohm", "Q1": "F s^(n-1)", "n1": "1", "R2": "ohm", "Q2": "F s^(n-1)",
         "n2": "1", "Qel": "F s^(n-1)", "nel": "1", "Rleak": "ohm", "Qd": "F s^(n-1)", "nd": "1"}
# Models: parameter names (L added when the spectrum is inductive) and a circuit description.
MODELS = {
    "spike": (("R0", "Qel", "nel", "Rleak"), "R0-L-(CPE_el|Rleak)"),
    "arc": (("R0", "R1", "Q1", "n1", "Qel", "nel", "Rleak"), "R0-L-(R1|CPE1)-(CPE_el|Rleak)"),
    "arc+gb": (("R0", "R1", "Q1", "n1", "R2", "Q2", "n2", "Qel", "nel", "Rleak"),
               "R0-L-(R1|CPE1)-(R2|CPE2)-(CPE_el|Rleak)"),
    # an arc that returns to the real axis with no blocking spike below it (electrodes not blocking)
    "arc-nospike": (("R0", "R1", "Q1", "n1"), "R0-L-(R1|CPE1)"),
}
# Tried by "auto" only when the models above miss the spectrum (their fit fails the residual check).
FALLBACK_MODELS = ("arc", "arc+gb", "arc-nospike")
# Li|electrolyte|Li (non-blocking): R0 = leads + electrolyte (its relaxation above the window), then the
# interfaces' arcs; the spectrum returns to the real axis at low frequency (no spike).
SYMMETRIC_MODELS = {
    "interface": (("R0", "R1", "Q1", "n1"), "R0-L-(R1|CPE1)"),
    "interface2": (("R0", "R1", "Q1", "n1", "R2", "Q2", "n2"), "R0-L-(R1|CPE1)-(R2|CPE2)"),
}
_LOG_BOUNDS = {"R": (-4.0, 11.0), "L": (-13.0, -3.0), "Q": (-18.0, 1.0)}
_N_BOUNDS = {"n1": (0.5, 1.0), "n2": (0.4, 1.0), "nel": (0.3, 1.0), "nd": (0.3, 0.75)}
# A full cell (Li|electrolyte|cathode): Rs, the two interfaces' arcs and the cathode's solid-state
# diffusion, a CPE of exponent near 1/2 (a Warburg-like tail).
FULL_CELL_MODEL = (("R0", "R1", "Q1", "n1", "R2", "Q2", "n2", "Qd", "nd"), "Rs-(Rct1|CPE1)-(Rct2|CPE2)-CPE_d")


def cpe(q, n, omega):
    """Impedance (ohm) of a constant-phase element 1/(Q (j omega)^n); omega in rad/s."""
    return 1.0 / (q * (1j * omega) ** n)


def rq(r, q, n, omega):
    """Impedance (ohm) of R in parallel with a CPE (a depressed arc, ZARC)."""
    return r / (1.0 + r * q * (1j * omega) ** n)


def impedance(params, frequency):
    """Complex impedance (ohm) at ``frequency`` (Hz) of the series circuit whose elements appear in
    ``params``: R0 + j omega L + R1|CPE1 + R2|CPE2 + CPE_el|Rleak (missing elements are left out)."""
    omega = 2 * np.pi * np.asarray(frequency, float)
    z = np.full(omega.shape, complex(params.get("R0", 0.0)))
    if "L" in params:
        z = z + 1j * omega * params["L"]
    if "R1" in params:
        z = z + rq(params["R1"], params["Q1"], params["n1"], omega)
    if "R2" in params:
        z = z + rq(params["R2"], params["Q2"], params["n2"], omega)
    if "Qel" in params:
        y_el = params["Qel"] * (1j * omega) ** params["nel"] + 1.0 / params.get("Rleak", np.inf)
        z = z + 1.0 / y_el
    if "Qd" in params:
        z = z + cpe(params["Qd"], params["nd"], omega)
    return z


def _is_log(name):
    return name not in _N_BOUNDS


def _bounds(name, r_valley):
    """Bounds of a parameter (log10 for positive ones). Arcs may not exceed 3x the valley resistance
    (R0 + R1 + R2 estimate) and the leakage may not fall below it, so neither swaps roles."""
    if name in _N_BOUNDS:
        return _N_BOUNDS[name]
    if name in ("R1", "R2"):
        return (-4.0, float(np.log10(3 * r_valley)))
    if name == "Rleak":
        return (float(np.log10(3 * r_valley)), 13.0)
    return _LOG_BOUNDS[name[0]]


@dataclass(frozen=True, eq=False)
class FitResult:
    """An equivalent-circuit fit. ``params``/``stderr`` in SI units (ohm, H, F s^(n-1));
    ``r_electrolyte`` (ohm) is the electrolyte resistance: R1 (+R2) when the arc is resolved before a
    blocking spike, the high-frequency intercept R0 otherwise (no arc, or an electrode's arc with no spike), minus ``r_series`` (known lead resistance) if one was given
    (then R0 + R1 + R2 - r_series in every model)."""

    model: str
    circuit: str
    params: dict
    stderr: dict
    r_electrolyte: float
    r_electrolyte_stderr: float
    r_series: float | None
    chi2: float
    rms: float
    n_points: int
    frequency: np.ndarray = field(repr=False)
    z_measured: np.ndarray = field(repr=False)
    candidates: dict = field(default_factory=dict)
    kk: object = field(default=None, repr=False)  # the spectrum's paper_lib.kk.KKResult, when tested

    @property
    def caveat(self) -> str:
        """What the chosen model leaves open (empty when nothing)."""
        if self.model == "arc-nospike":
            return ("no blocking-electrode spike: the electrodes are not blocking, so the arc "
                    f"(R1 = {self.params['R1']:.4g} ohm) is taken as an electrode's and the electrolyte as the "
                    "high-frequency intercept R0; if the arc is the electrolyte's own, its resistance is R1")
        if self.model == "spike" and self._closes_in_window():
            return (f"the low-frequency feature closes on the real axis at {self.leak_frequency:.3g} Hz, within the "
                    f"window (Rleak = {self.params['Rleak']:.4g} ohm): an electronic leak or an electrode's arc rather "
                    "than a purely blocking spike; R is the high-frequency intercept R0 either way")
        return ""

    def _closes_in_window(self):
        """True when -Z'' of the data has its maximum above the 3 lowest frequencies and the fitted
        CPE_el|Rleak relaxes inside the window: an arc that closes, not a spike that only bends."""
        order = np.argsort(self.frequency)
        apex = int(np.argmax(-self.z_measured.imag[order]))
        return bool(apex >= 3 and self.frequency.min() < self.leak_frequency < self.frequency.max())

    @property
    def leak_frequency(self):
        """Apex frequency (Hz) of CPE_el|Rleak, 1/(2 pi (Rleak Qel)^(1/nel)); NaN without the spike."""
        p = self.params
        if "Qel" not in p:
            return float("nan")
        return float(1 / (2 * np.pi * (p["Rleak"] * p["Qel"]) ** (1 / p["nel"])))

    def impedance(self, frequency=None):
        """Model impedance (ohm, complex) at ``frequency`` (Hz; the measured ones by default)."""
        return impedance(self.params, self.frequency if frequency is None else frequency)

    @property
    def relaxation_frequency(self):
        """Apex frequency (Hz) of the bulk arc, 1/(2 pi (R1 Q1)^(1/n1)); NaN without an arc."""
        if "R1" not in self.params:
            return float("nan")
        p = self.params
        return float(1 / (2 * np.pi * (p["R1"] * p["Q1"]) ** (1 / p["n1"])))

    def to_dataset(self, frequency=None):
        """The fitted spectrum as an EIS Dataset (``frequency`` Hz; ``z_real``/``z_imag`` ohm)."""
        f = np.asarray(self.frequency if frequency is None else frequency, float)
        z = self.impedance(f)
        return make_dataset(
            {"z_real": variable("frequency", z.real, "ohm", "Re Z (fit)"),
             "z_imag": variable("frequency", z.imag, "ohm", "Im Z (fit)")},
            {"frequency": variable("frequency", f, "Hz", "frequency")},
            {"kind": "eis", "fit_model": self.model, "circuit": self.circuit,
             "r_electrolyte_ohm": self.r_electrolyte, "r_electrolyte_stderr_ohm": self.r_electrolyte_stderr,
             **{f"{k}_{UNITS[k].split()[0].replace('1', 'dimensionless')}": v for k, v in self.params.items()}})


def _spectrum(data):
    """(frequency Hz, complex Z ohm) from an EIS Dataset or a ``(frequency, Z)`` pair."""
    if hasattr(data, "data_vars"):
        return (np.asarray(data["frequency"].values, float),
                np.asarray(data["z_real"].values, float) + 1j * np.asarray(data["z_imag"].values, float))
    f, z = data
    return np.asarray(f, float), np.asarray(z, complex)


def initial_guess(frequency, z):
    """Starting values from the data: the valley of the phase angle between arc and spike (its Z' is
    R0 + R1), the apex of -Z'' above it (bulk relaxation), the spike phase (n_el) and magnitude (Qel),
    and the positive Z'' at the top frequencies (L). Returns ``(guess dict, inductive, arc_visible)``."""
    order = np.argsort(-frequency)
    f, z = frequency[order], z[order]
    omega = 2 * np.pi * f
    phase = np.degrees(np.arctan2(-z.imag, z.real))
    top = max(3, f.size // 10)
    inductive = bool(np.any(z.imag[:top] > 0))
    i_v = int(np.argmin(np.abs(phase)))
    r_valley = max(float(z.real[i_v]), 1e-3)
    guess = {"L": max(float(np.max(z.imag[:top] / omega[:top])), 1e-9) if inductive else 1e-9}
    # spike: mean phase of the lowest-frequency points
    low = slice(max(i_v + 1, f.size - 5), f.size)
    if f.size - i_v > 3:
        nel = float(np.clip(np.mean(phase[low]) / 90, 0.4, 0.99))
        qel = np.sin(nel * np.pi / 2) / (max(-z.imag[-1], 1e-12) * omega[-1] ** nel)
    else:
        nel, qel = 0.85, 1 / (0.01 * r_valley * omega[-1] ** 0.85)
    guess.update(nel=nel, Qel=float(qel), Rleak=1e3 * r_valley, r_valley=r_valley)
    # arc above the valley
    above = slice(0, i_v)
    arc_visible = i_v >= 3 and np.max(-z.imag[above]) > 0.05 * (r_valley - float(np.min(z.real)) + 1e-12)
    r0 = max(min(float(np.min(z.real[: i_v + 1])) * 0.2, 1e-3 * r_valley), 1e-3)
    if arc_visible:
        i_apex = int(np.argmax(-z.imag[above]))
        w_apex = omega[i_apex] if 0 < i_apex else 2 * omega[0]
    else:
        w_apex = 10 * omega[0]
    r1 = max(r_valley - r0, 1e-3)
    guess.update(R0=r0 if arc_visible else r_valley, R1=r1, n1=0.9, Q1=float(1 / (r1 * w_apex ** 0.9)),
                 R2=0.05 * r1, n2=0.8, Q2=float(1 / (0.05 * r1 * (w_apex / 100) ** 0.8)))
    return guess, inductive, bool(arc_visible)


def _fit_model(f, z, names, guess, f_scale, r_valley):
    """Robust least squares of one model in log10 space; returns (params, stderr, cov, extras)."""
    omega_names = list(names)
    x0, lo, hi = [], [], []
    for name in omega_names:
        a, b = _bounds(name, r_valley)
        value = np.log10(guess[name]) if _is_log(name) else guess[name]
        x0.append(float(np.clip(value, a + 1e-6, b - 1e-6)))
        lo.append(a), hi.append(b)
    scale = np.abs(z)

    def unpack(x):
        return {n: (10 ** v if _is_log(n) else v) for n, v in zip(omega_names, x)}

    def residuals(x):
        d = (impedance(unpack(x), f) - z) / scale
        return np.concatenate([d.real, d.imag])

    res = least_squares(residuals, x0, bounds=(lo, hi), loss="soft_l1", f_scale=f_scale, x_scale="jac",
                        max_nfev=4000, xtol=1e-12, ftol=1e-12, gtol=1e-12)
    r = res.fun
    weights = 1 / np.sqrt(1 + (r / f_scale) ** 2)  # soft_l1: rho'(z), the IRLS weights
    m, p = r.size, len(omega_names)
    chi2 = float(np.sum(weights * r ** 2))
    s2 = chi2 / max(m - p, 1)
    jw = res.jac * np.sqrt(weights)[:, None]
    cov = np.linalg.pinv(jw.T @ jw) * s2
    params = unpack(res.x)
    # propagate log10 -> linear: d p / d log10 p = p ln 10
    grad = np.array([params[n] * np.log(10) if _is_log(n) else 1.0 for n in omega_names])
    cov_lin = cov * np.outer(grad, grad)
    stderr = {n: float(np.sqrt(max(cov_lin[i, i], 0))) for i, n in enumerate(omega_names)}
    bic = m * np.log(chi2 / m) + p * np.log(m)
    return params, stderr, cov_lin, {"chi2": chi2, "bic": float(bic), "rms": float(np.sqrt(np.mean(r ** 2)))}


def fit_spectrum(data, model="auto", *, r_series=None, f_scale=0.02, inductance=None):
    """Fit an equivalent circuit to one spectrum; returns a :class:`FitResult`.

    ``data``: an EIS Dataset or ``(frequency Hz, complex Z ohm)``. ``model``: "auto", "spike" (arc
    absent: R0 + L + CPE_el), "arc" (R0 + L + R1|CPE1 + CPE_el) or "arc+gb". Residuals are the complex
    relative residuals (Z_model - Z)/|Z|, real and imaginary parts stacked, with a soft-L1 loss of scale
    ``f_scale`` (outliers weigh less). ``r_series`` (ohm): known lead resistance, subtracted from the
    total. ``inductance``: include L (default: when Z'' > 0 at the highest frequencies).
    Standard errors: covariance s^2 (J^T W J)^-1 of the log10 parameters, propagated to linear.
    """
    f, z = _spectrum(data)
    ok = np.isfinite(f) & np.isfinite(z) & (np.abs(z) > 0)
    f, z = f[ok], z[ok]
    guess, inductive, arc_visible = initial_guess(f, z)
    use_l = inductive if inductance is None else bool(inductance)
    if model == "auto":
        candidates = ["spike"] + (["arc", "arc+gb"] if arc_visible or _has_curvature(f, z) else [])
    elif model in MODELS:
        candidates = [model]
    else:
        raise ValueError(f"unknown model {model!r}; expected 'auto' or one of {sorted(MODELS)}")
    fits = {name: _fit_named(f, z, name, guess, use_l, arc_visible, f_scale) for name in candidates}
    chosen = min(fits, key=lambda k: fits[k][1][3]["bic"]) if model == "auto" else candidates[0]
    if model == "auto" and _p90(fits[chosen][1][0], f, z) > RESIDUAL_P90_LIMIT:
        for name in FALLBACK_MODELS:
            if name not in fits:
                fits[name] = _fit_named(f, z, name, guess, use_l, arc_visible, f_scale)
        passing = [k for k in fits if _p90(fits[k][1][0], f, z) <= RESIDUAL_P90_LIMIT]
        chosen = min(passing or fits, key=lambda k: fits[k][1][3]["bic"])
    names, (params, stderr, cov, extra) = fits[chosen]
    resist = [n for n in names if n in (("R0",) if chosen in ("spike", "arc-nospike") else ("R1", "R2"))]
    if r_series is not None:
        resist = [n for n in names if n in ("R0", "R1", "R2")]
    g = np.array([1.0 if n in resist else 0.0 for n in names])
    r_el = float(sum(params[n] for n in resist) - (r_series or 0.0))
    r_el_se = float(np.sqrt(max(g @ cov @ g, 0)))
    circuit = MODELS[chosen][1] if use_l else MODELS[chosen][1].replace("-L", "")
    return FitResult(model=chosen, circuit=circuit, params=params, stderr=stderr, r_electrolyte=r_el,
                     r_electrolyte_stderr=r_el_se, r_series=r_series, chi2=extra["chi2"], rms=extra["rms"],
                     n_points=int(f.size), frequency=f, z_measured=z,
                     candidates={k: v[1][3]["bic"] for k, v in fits.items()})


def _fit_named(f, z, name, guess, use_l, arc_visible, f_scale):
    """``(parameter names, _fit_model output)`` of model ``name``, best of its starting points."""
    names = list(MODELS[name][0])
    if use_l:
        names.insert(1, "L")
    starts = [_open_arc_guess(f, z, guess)] if name == "arc-nospike" else [guess]
    if name != "spike" and not arc_visible:  # arc above the frequency window: try a faster arc too
        fast = dict(guess, R0=1e-3 * guess["R0"], R1=guess["R0"], Q1=1 / (guess["R0"] * (20 * np.pi * f.max()) ** 0.9))
        starts.append(fast)
    best = None
    for start in starts:
        out = _fit_model(f, z, names, start, f_scale, guess["r_valley"])
        if best is None or out[3]["chi2"] < best[3]["chi2"]:
            best = out
    return names, best


def _open_arc_guess(f, z, guess):
    """Starting values for an arc that closes on the real axis: R0 the high-frequency Z', R1 the rise of
    Z' to the lowest frequency, the apex at the largest -Z''."""
    order = np.argsort(-f)
    zr, zi, omega = z.real[order], z.imag[order], 2 * np.pi * f[order]
    r0 = max(float(np.median(zr[: max(3, f.size // 10)])), 1e-3)
    r1 = max(float(zr[-1]) - r0, 1e-3 * r0)
    w_apex = float(omega[int(np.argmax(-zi))])
    return dict(guess, R0=r0, R1=r1, n1=0.9, Q1=float(1 / (r1 * w_apex ** 0.9)))


def _p90(params, f, z):
    """The 90th percentile of the relative residuals of ``params`` (as :func:`residual_check`)."""
    return p90_relative((impedance(params, f) - z) / np.abs(z))


def p90_relative(rel) -> float:
    """90th percentile of |real| and |imaginary| parts of complex relative residuals, taken together."""
    return float(np.percentile(np.abs(np.concatenate([rel.real, rel.imag])), 90))


def _has_curvature(f, z):
    """True when the highest frequencies show a capacitive phase well above the spike's onset:
    the tail of an arc that relaxes just above the frequency window."""
    order = np.argsort(-f)
    phase = np.degrees(np.arctan2(-z.imag[order], z.real[order]))
    return bool(np.max(phase[:3]) > 10 and np.argmin(np.abs(phase)) > 2)


@dataclass(frozen=True)
class SymmetricFit:
    """A Li|electrolyte|Li spectrum: ``r_bulk`` (R0: electrolyte and leads, ohm) and ``r_interface``
    (the interfaces' arcs, R1 (+ R2), ohm), each with its standard error; ``fit`` the circuit fit."""

    r_bulk: float
    r_bulk_stderr: float
    r_interface: float
    r_interface_stderr: float
    fit: object


def fit_symmetric(data, f_scale=0.02, f_max=None):
    """Fit R0 + (R1|CPE1) [+ (R2|CPE2)] to a spectrum between non-blocking (Li) electrodes, keeping the
    model of lower BIC; returns a :class:`SymmetricFit` (ohm).

    The electrolyte of a fast conductor relaxes above the window, but the wing of its arc can show at
    the top frequencies, where -Z'' rises again; the fit uses the frequencies up to ``f_max`` (Hz),
    by default the valley of -Z'' between that wing and the interfaces' arcs."""
    f, z = _spectrum(data)
    ok = np.isfinite(f) & np.isfinite(z) & (np.abs(z) > 0)
    f, z = f[ok], z[ok]
    if f_max is None:
        f_max = _wing_valley(f, z)
    if f_max is not None:
        keep = f <= f_max
        if keep.sum() < 10:
            raise ValueError(f"fewer than 10 points at or below f_max = {f_max:g} Hz")
        f, z = f[keep], z[keep]
    guess, inductive, _ = initial_guess(f, z)
    order = np.argsort(-f)
    r_low, r_high = float(z.real[order][-1]), float(np.min(z.real))
    guess.update(R0=max(r_high, 1e-3), R1=max(0.8 * (r_low - r_high), 1e-3), R2=max(0.2 * (r_low - r_high), 1e-3))
    apex = order[int(np.argmax(-z.imag[order]))]
    w = 2 * np.pi * f[apex]
    guess.update(Q1=float(1 / (guess["R1"] * w ** 0.9)), Q2=float(1 / (guess["R2"] * (w / 30) ** 0.8)))
    fits = {}
    for name, (names, circuit) in SYMMETRIC_MODELS.items():
        names = list(names)
        if inductive:
            names.insert(1, "L")
        # the arcs may not exceed 3x the span the spectrum shows, so that none takes up the electrolyte
        fits[name] = (names, circuit, _fit_model(f, z, names, guess, f_scale, max(r_low - r_high, 1e-3)))
    chosen = min(fits, key=lambda k: fits[k][2][3]["bic"])
    names, circuit, (params, stderr, cov, extra) = fits[chosen]
    g = np.array([1.0 if n in ("R1", "R2") else 0.0 for n in names])
    result = FitResult(model=chosen, circuit=circuit if inductive else circuit.replace("-L", ""), params=params,
                       stderr=stderr, r_electrolyte=float(params["R0"]), r_electrolyte_stderr=stderr["R0"],
                       r_series=None, chi2=extra["chi2"], rms=extra["rms"], n_points=int(f.size), frequency=f,
                       z_measured=z, candidates={k: v[2][3]["bic"] for k, v in fits.items()})
    return SymmetricFit(float(params["R0"]), stderr["R0"], float(g @ np.array([params[n] for n in names])),
                        float(np.sqrt(max(g @ cov @ g, 0))), result)


def _wing_valley(f, z):
    """The frequency (Hz) of the first minimum of -Z'' below the top frequency when -Z'' falls from the
    top (the wing of an arc above the window), else None. -Z'' is median-smoothed over 5 points."""
    from scipy.ndimage import median_filter

    order = np.argsort(-f)
    y = median_filter(-z.imag[order], size=5, mode="nearest")
    for k in range(2, y.size - 3):
        if y[k] < y[0] and y[k] <= y[k - 1] and y[k] <= y[k + 1:k + 4].min():
            return float(f[order][k])
    return None


@dataclass(frozen=True)
class FullCellFit:
    """A full-cell spectrum: ``rs``, ``rct1`` (the faster arc: the Li/electrolyte interface) and ``rct2``
    (the cathode/electrolyte interface), each an ``(ohm, standard error)`` pair; ``fit`` the circuit fit."""

    rs: tuple
    rct1: tuple
    rct2: tuple
    fit: object


def fit_full_cell(data, f_scale=0.02, starts=4):
    """Fit Rs + (Rct1|CPE1) + (Rct2|CPE2) + CPE_d to a full cell's spectrum (multi-start over the arcs'
    time constants, the lowest chi-square kept); the arcs are ordered by relaxation frequency, the faster
    one taken as Rct1. Returns a :class:`FullCellFit` (ohm)."""
    f, z = _spectrum(data)
    ok = np.isfinite(f) & np.isfinite(z) & (np.abs(z) > 0)
    f, z = f[ok], z[ok]
    guess, inductive, _ = initial_guess(f, z)
    names = list(FULL_CELL_MODEL[0]) + (["L"] if inductive else [])
    order = np.argsort(-f)
    r_high = float(np.min(z.real))
    # the valley of -Z'' before the diffusion tail: the arcs end there
    valley = int(np.argmin(-z.imag[order][f.size // 3:])) + f.size // 3
    span = max(float(z.real[order][valley]) - r_high, 1e-3)
    w_top, w_low = 2 * np.pi * f.max(), 2 * np.pi * f[order][valley]
    best = None
    for k in range(starts):
        w1 = w_top / 10 ** (1 + k * 0.5)
        w2 = max(w_low * 3, w1 / 1e3)
        share = 0.3 + 0.4 * k / max(starts - 1, 1)
        r1, r2 = share * span, (1 - share) * span
        start = dict(guess, R0=max(r_high, 1e-3), R1=r1, R2=r2, n1=0.9, n2=0.85, Q1=1 / (r1 * w1 ** 0.9),
                     Q2=1 / (r2 * w2 ** 0.85), nd=0.5, Qd=1 / (max(-z.imag[order][-1], 1e-6) * (2 * np.pi * f.min()) ** 0.5))
        out = _fit_model(f, z, names, start, f_scale, 3 * span)
        if best is None or out[3]["chi2"] < best[3]["chi2"]:
            best = out
    params, stderr, cov, extra = best

    def tau(i):
        return (params[f"R{i}"] * params[f"Q{i}"]) ** (1 / params[f"n{i}"])

    fast, slow = (1, 2) if tau(1) <= tau(2) else (2, 1)
    circuit = FULL_CELL_MODEL[1] + ("-L" if inductive else "")
    result = FitResult(model="full-cell", circuit=circuit, params=params, stderr=stderr, r_electrolyte=float(params["R0"]),
                       r_electrolyte_stderr=stderr["R0"], r_series=None, chi2=extra["chi2"], rms=extra["rms"],
                       n_points=int(f.size), frequency=f, z_measured=z, candidates={"full-cell": extra["bic"]})
    return FullCellFit((params["R0"], stderr["R0"]), (params[f"R{fast}"], stderr[f"R{fast}"]),
                       (params[f"R{slow}"], stderr[f"R{slow}"]), result)


RESIDUAL_P90_LIMIT = 0.05  # a fit is flagged when 10 % of its relative residuals exceed 5 %


@dataclass(frozen=True)
class ResidualCheck:
    """How well a fit describes its spectrum: ``p90`` and ``max`` of |Z_fit - Z|/|Z| over the real and
    imaginary parts, ``runs_z`` the Wald-Wolfowitz runs statistic of the residual signs along frequency
    (real and imaginary parts, the lower of the two: strongly negative when the residuals wander in
    long runs, i.e. the model misses a feature), and ``ok`` (``p90`` within ``limit``)."""

    ok: bool
    p90: float
    max: float
    runs_z: float
    limit: float

    def __str__(self):
        verdict = "passes" if self.ok else "FLAGGED"
        return (f"residual check {verdict}: 90 % of the relative residuals within {100 * self.p90:.1f} % "
                f"(limit {100 * self.limit:.0f} %), largest {100 * self.max:.1f} %, runs z = {self.runs_z:.1f}")


def _runs_z(signs):
    signs = signs[signs != 0]
    n1, n2 = int((signs > 0).sum()), int((signs < 0).sum())
    n = n1 + n2
    if n1 == 0 or n2 == 0 or n < 3:
        return float("-inf") if n >= 3 else 0.0
    runs = 1 + int(np.sum(signs[1:] != signs[:-1]))
    mean = 2 * n1 * n2 / n + 1
    var = 2 * n1 * n2 * (2 * n1 * n2 - n) / (n * n * (n - 1))
    return float((runs - mean) / np.sqrt(var))


def residual_check(fit, limit=RESIDUAL_P90_LIMIT) -> ResidualCheck:
    """The :class:`ResidualCheck` of a :class:`FitResult`. The reference spectra's fits stay below 3.5 %
    with their outliers; a model that misses an arc leaves 10 % or more of its points beyond 5 %."""
    order = np.argsort(fit.frequency)
    z = fit.z_measured[order]
    rel = (fit.impedance(fit.frequency[order]) - z) / np.abs(z)
    both = np.abs(np.concatenate([rel.real, rel.imag]))
    p90 = p90_relative(rel)
    runs = min(_runs_z(np.sign(rel.real)), _runs_z(np.sign(rel.imag)))
    return ResidualCheck(bool(p90 <= limit), p90, float(both.max()), runs, limit)
