"""Thermal analysis: TGA mass loss and DSC events, each number with its standard error.

* :func:`mass_at` / :func:`mass_loss` — mass (% of initial) at a temperature from a local straight-line
  fit of the mass signal within ``± window`` K; its standard error is the fit's (the scatter of the
  points around the line, i.e. the noise of the mass signal there). The loss between two temperatures
  is ``100 (m1 - m2) / m1`` wt% of the mass at the first temperature, errors combined in quadrature.
* :func:`stoichiometry` — H2 (or another gas) equivalents per formula unit implied by the loss, and the
  stoichiometric loss of a stated reaction (:mod:`paper_lib.chemistry`).
* :func:`dsc_events` — events of a DSC curve. The signal is turned endo-positive using the dataset's
  ``dsc_sign`` ("exo up" = NETZSCH default, or "exo down"), a smooth baseline (polynomial of degree
  ``baseline_degree`` in T, fitted iteratively with points that deviate by more than 3 sigma masked,
  so peaks of either sign do not pull it) is subtracted, and the noise sigma is estimated from
  point-to-point differences (MAD). An event is reported when the baseline-corrected signal, smoothed
  with a Gaussian of ``smooth_K`` FWHM, exceeds ``threshold`` times the noise of the smoothed signal
  (default 5) over at least ``min_width_K``; otherwise "no event". For each event: kind ("endo" or
  "exo"), peak temperature from a parabola fitted to the points above 75 % of the peak height (stderr
  from the fit covariance), onset temperature by the tangent construction (a straight line fitted to
  the leading edge between 20 % and 80 % of the height, intersected with the baseline; stderr from
  the line's covariance), height (mW/mg, endo positive), enthalpy (J/g, from the area over time) and
  signal-to-noise ratio.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks

from . import chemistry
from .peaks import Estimate, noise_sigma


def _signal(ds, name):
    if name not in ds:
        raise ValueError(f"the dataset has no '{name}' variable (kind {ds.attrs.get('kind')!r})")
    if "temperature" not in ds.coords:
        raise ValueError("the dataset has no temperature coordinate")
    t = np.asarray(ds["temperature"].values, dtype=float)
    y = np.asarray(ds[name].values, dtype=float)
    keep = np.isfinite(t) & np.isfinite(y)
    return t[keep], y[keep]


def mass_at(ds, temperature, window=2.0):
    """Mass (% of initial) at ``temperature`` (degC) from a line fitted within ± ``window`` K."""
    t, m = _signal(ds, "mass")
    sel = np.abs(t - temperature) <= window
    if sel.sum() < 5:
        raise ValueError(f"fewer than 5 mass points within {temperature} ± {window} degC "
                         f"(data span {t.min():.1f}..{t.max():.1f} degC)")
    x = t[sel] - temperature
    coef, cov = np.polyfit(x, m[sel], 1, cov=True)
    return Estimate(float(coef[1]), float(math.sqrt(cov[1, 1])), "%")


def mass_loss(ds, t_start=None, t_end=300.0, window=2.0):
    """Mass loss (wt% of the mass at ``t_start``) between ``t_start`` (default: first temperature +
    ``window``) and ``t_end`` (degC), as an :class:`Estimate`."""
    t, _ = _signal(ds, "mass")
    if t_start is None:
        t_start = float(t.min()) + window
    m1, m2 = mass_at(ds, t_start, window), mass_at(ds, t_end, window)
    loss = 100.0 * (m1.value - m2.value) / m1.value
    err = 100.0 * math.hypot(m2.value * m1.stderr / m1.value ** 2, m2.stderr / m1.value)
    return Estimate(loss, err, "wt%")


@dataclass(frozen=True)
class Stoichiometry:
    """Mass loss compared with a reaction: ``equivalents`` of ``gas`` per formula unit (with stderr),
    the ``expected`` loss (wt%) of ``expected_equivalents`` and the measured/expected ratio."""

    reactant: str
    gas: str
    measured: Estimate
    equivalents: Estimate
    expected_equivalents: float
    expected: float

    @property
    def ratio(self):
        return self.measured.value / self.expected


def stoichiometry(loss, reactant="LiNH2BH3", gas="H2", expected_equivalents=2):
    """Gas equivalents per formula unit implied by ``loss`` (an Estimate in wt%) and the stoichiometric
    loss for ``expected_equivalents`` (e.g. LiNH2BH3 -> LiNBH + 2 H2: 10.96 wt%)."""
    value, err = chemistry.equivalents_released(loss.value, reactant, gas, loss.stderr)
    return Stoichiometry(reactant, gas, loss, Estimate(value, err, f"{gas}/f.u."), float(expected_equivalents),
                         chemistry.mass_loss_percent(reactant, {gas: expected_equivalents}))


@dataclass(frozen=True)
class Event:
    """One DSC event: ``kind`` "endo"/"exo"; temperatures in degC; ``height`` in the heat-flow units
    (endo positive); ``enthalpy`` in J/g (endo positive; needs the heating rate); ``snr`` = height / noise."""

    kind: str
    peak: Estimate
    onset: Estimate
    height: float
    enthalpy: float
    snr: float
    start: float
    end: float


@dataclass(frozen=True)
class DscResult:
    """All events of one curve, the corrected signal (endo positive) and the detection threshold."""

    events: tuple
    temperature: np.ndarray
    corrected: np.ndarray
    baseline: np.ndarray
    noise: float
    threshold: float
    sign: str

    def endothermic(self):
        return [e for e in self.events if e.kind == "endo"]

    def exothermic(self):
        return [e for e in self.events if e.kind == "exo"]

    def nearest(self, temperature, kind="endo"):
        """The event of ``kind`` whose peak is closest to ``temperature`` (None if there is none)."""
        pool = [e for e in self.events if e.kind == kind]
        return min(pool, key=lambda e: abs(e.peak.value - temperature)) if pool else None


def endo_positive(ds):
    """Heat flow with endothermic effects positive, from the dataset's ``dsc_sign`` attribute."""
    sign = str(ds.attrs.get("dsc_sign", "exo up")).lower().replace("_", " ")
    if sign not in ("exo up", "exo down"):
        raise ValueError(f"dsc_sign must be 'exo up' or 'exo down', got {sign!r}")
    t, y = _signal(ds, "heat_flow")
    return t, (-y if sign == "exo up" else y), sign


def _baseline(t, y, degree, exclude=(), margin_K=3.0):
    """Polynomial baseline fitted to the points that are not part of an event: iterate fit ->
    residual -> keep the points within 3 robust sigma (the larger of the point-to-point noise and the
    MAD of the kept residuals), dropping also ``margin_K`` around every rejected point (peak wings)."""
    u = (t - t.mean()) / (np.ptp(t) / 2)
    allowed = np.ones_like(t, dtype=bool)
    for lo, hi in exclude:
        allowed &= ~((t >= lo) & (t <= hi))
    noise = noise_sigma(y)
    step = float(np.median(np.diff(t)))
    grow = np.ones(2 * max(int(margin_K / step), 1) + 1)
    mask = allowed.copy()
    for _ in range(50):
        base = np.polyval(np.polyfit(u[mask], y[mask], degree), u)
        r = y - base
        kept = r[mask]
        scale = max(noise, 1.4826 * float(np.median(np.abs(kept - np.median(kept)))))
        rejected = np.abs(r) > 3 * scale
        new = allowed & ~(np.convolve(rejected.astype(float), grow, mode="same") > 0)
        if new.sum() < degree + 5 or np.array_equal(new, mask):
            break
        mask = new
    return base


def _parabola_peak(t, y, i):
    """Vertex of a parabola through the points above 75 % of y[i] around index i (value, stderr)."""
    top = y[i]
    lo = i
    while lo > 0 and y[lo - 1] > 0.75 * top:
        lo -= 1
    hi = i
    while hi < len(y) - 1 and y[hi + 1] > 0.75 * top:
        hi += 1
    if hi - lo < 4:
        lo, hi = max(i - 3, 0), min(i + 3, len(y) - 1)
    x0 = t[i]
    x = t[lo:hi + 1] - x0
    coef, cov = np.polyfit(x, y[lo:hi + 1], 2, cov=True)
    a, b = coef[0], coef[1]
    if a >= 0:
        return float(t[i]), float(np.median(np.diff(t)))
    xv = -b / (2 * a)
    ja, jb = b / (2 * a * a), -1 / (2 * a)
    var = ja * ja * cov[0, 0] + jb * jb * cov[1, 1] + 2 * ja * jb * cov[0, 1]
    return float(x0 + xv), float(math.sqrt(max(var, 0.0)))


def _onset(t, y, i, start):
    """Tangent construction on the leading edge: line fitted between 20 % and 80 % of the height,
    intersected with zero (the baseline). Returns (value, stderr)."""
    h = y[i]
    edge = np.arange(start, i + 1)
    sel = edge[(y[edge] >= 0.2 * h) & (y[edge] <= 0.8 * h)]
    if len(sel) < 3:
        sel = np.arange(max(i - 3, start), i + 1)
    x0 = t[sel].mean()
    coef, cov = np.polyfit(t[sel] - x0, y[sel], 1, cov=True) if len(sel) > 3 else (np.polyfit(t[sel] - x0, y[sel], 1), None)
    m, b = coef
    value = x0 - b / m
    if cov is None:
        return float(value), math.nan
    jm, jb = b / m ** 2, -1 / m
    var = jm * jm * cov[0, 0] + jb * jb * cov[1, 1] + 2 * jm * jb * cov[0, 1]
    return float(value), float(math.sqrt(max(var, 0.0)))


def dsc_events(ds, threshold=5.0, smooth_K=1.0, min_width_K=1.0, baseline_degree=3, exclude=(), window=None):
    """Detect endo- and exothermic events of a DSC curve (see module docstring) -> :class:`DscResult`.

    ``threshold``: an event needs a smoothed peak height above ``threshold`` x the noise sigma of the
    smoothed, baseline-corrected signal. ``exclude``: (lo, hi) degC ranges left out of the baseline fit.
    ``window``: (lo, hi) degC range analysed (e.g. to leave out the start-up hook of the first minutes).
    """
    t, y, sign = endo_positive(ds)
    if window is not None:
        keep = (t >= min(window)) & (t <= max(window))
        t, y = t[keep], y[keep]
    order = np.argsort(t)
    t, y = t[order], y[order]
    step = float(np.median(np.diff(t)))
    base = _baseline(t, y, baseline_degree, exclude)
    z = y - base
    sigma = noise_sigma(z)
    s_pts = max(smooth_K / step / 2.3548, 0.5)
    zs = gaussian_filter1d(z, s_pts, mode="nearest")
    # white noise smoothed by a Gaussian kernel of sd s points: sd reduced by sqrt(2 sqrt(pi) s)
    sigma_s = sigma / math.sqrt(2 * math.sqrt(math.pi) * s_pts)
    level = threshold * sigma_s
    width = max(min_width_K / step, 1)
    rate = ds.attrs.get("heating_rate_K_min")
    events = []
    for polarity, kind in ((1, "endo"), (-1, "exo")):
        idx, props = find_peaks(polarity * zs, height=level, width=width)
        for k, i in enumerate(idx):
            w = polarity * zs
            start = i
            while start > 0 and w[start - 1] > sigma_s:
                start -= 1
            end = i
            while end < len(w) - 1 and w[end + 1] > sigma_s:
                end += 1
            peak, peak_err = _parabola_peak(t, polarity * z, i)
            onset, onset_err = _onset(t, w, i, start)
            height = float(zs[i])
            area = float(np.trapezoid(z[start:end + 1], t[start:end + 1]))  # (mW/mg) K
            enthalpy = area * 60.0 / float(rate) if rate else math.nan  # J/g
            events.append(Event(kind, Estimate(peak, peak_err, "degC"), Estimate(onset, onset_err, "degC"),
                                height, enthalpy, abs(height) / sigma_s, float(t[start]), float(t[end])))
    # one event per excursion: a smaller maximum inside the range of a larger one of the same kind is
    # a shoulder or a noise wiggle on its tail, not a separate event
    events.sort(key=lambda e: -abs(e.height))
    kept = []
    for e in events:
        if not any(k.kind == e.kind and k.start <= e.peak.value <= k.end for k in kept):
            kept.append(e)
    events = sorted(kept, key=lambda e: e.peak.value)
    return DscResult(tuple(events), t, z, base, sigma_s, level, sign)
