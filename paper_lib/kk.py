"""Kramers-Kronig validation of impedance spectra: the linear KK test of Schönleber et al. (2014).

A spectrum that obeys the Kramers-Kronig relations (linear, causal, stable, time-invariant system) is
described by a series resistance, an inductance, a series capacitance and M Voigt elements R_k|C_k with
time constants fixed on a log grid from 1/(2 pi f_max) to 1/(2 pi f_min) s. The fit is linear in R_k,
so it always converges. M grows until the overfitting measure

    mu = 1 - sum(|R_k| for R_k < 0) / sum(|R_k| for R_k >= 0)

falls below ``c`` (0.85, as Schönleber et al. propose). The relative residuals (Z - Z_KK)/|Z| of the real
and imaginary parts then show how far the data break the KK relations: drift while measuring, a
non-linear amplitude, or points corrupted by noise. A spectrum passes when 90 % of its residuals lie
within :data:`KK_LIMIT`; single points beyond the limit are listed as outliers.

Reference: M. Schönleber, D. Klotz, E. Ivers-Tiffée, Electrochim. Acta 131 (2014) 20-27,
doi:10.1016/j.electacta.2014.01.034. Units: Hz, ohm, s.
"""

from dataclasses import dataclass

import numpy as np

KK_LIMIT = 0.05  # relative residual (|Z - Z_KK|/|Z|, real and imaginary parts): same scale as eis.residual_check
MU_CRITERION = 0.85


@dataclass(frozen=True)
class KKResult:
    """One spectrum's lin-KK test: ``m`` Voigt elements, ``mu`` at that M, the relative residuals
    ``res_real`` and ``res_imag`` (1, on ``frequency`` in Hz, sorted as given), ``p90`` (90th percentile
    of both parts' absolute residuals), ``outliers`` (frequencies in Hz whose residual exceeds ``limit``)
    and ``ok`` (``p90`` within ``limit``)."""

    m: int
    mu: float
    frequency: np.ndarray
    res_real: np.ndarray
    res_imag: np.ndarray
    p90: float
    outliers: tuple
    limit: float

    @property
    def ok(self) -> bool:
        return bool(self.p90 <= self.limit)

    def __str__(self):
        verdict = "passes" if self.ok else "FAILS"
        extra = f"; {len(self.outliers)} point(s) beyond {100 * self.limit:.0f} %" if self.outliers else ""
        return (f"lin-KK test {verdict}: M = {self.m}, mu = {self.mu:.2f}, 90 % of the residuals within "
                f"{100 * self.p90:.1f} % (limit {100 * self.limit:.0f} %){extra}")


def _columns(omega, tau):
    """Design matrix (complex) of R_s, the Voigt elements (tau), L and 1/C."""
    voigt = 1.0 / (1.0 + 1j * omega[:, None] * tau[None, :])
    return np.column_stack([np.ones_like(omega, complex), voigt, 1j * omega, -1j / omega])


def _fit(omega, z, m):
    """Weighted linear least squares of the KK model with ``m`` elements; returns (coefficients, Z_KK)."""
    tau = np.geomspace(1 / omega.max(), 1 / omega.min(), m) if m > 1 else np.array([1 / np.sqrt(omega.max() * omega.min())])
    a = _columns(omega, tau) / np.abs(z)[:, None]
    b = z / np.abs(z)
    rows = np.vstack([a.real, a.imag])
    coef, *_ = np.linalg.lstsq(rows, np.concatenate([b.real, b.imag]), rcond=None)
    return coef, _columns(omega, tau) @ coef


def mu_of(resistances) -> float:
    """Schönleber's overfitting measure of the Voigt resistances (1 when none is negative)."""
    r = np.asarray(resistances, float)
    positive = np.sum(np.abs(r[r >= 0]))
    return float(1 - np.sum(np.abs(r[r < 0])) / positive) if positive > 0 else 0.0


def lin_kk(data, *, c=MU_CRITERION, max_m=None, limit=KK_LIMIT) -> KKResult:
    """The lin-KK test of one spectrum: an EIS Dataset or ``(frequency Hz, complex Z ohm)``.

    M runs from 1 to ``max_m`` (default: half the number of points, at most 50). mu is not monotonic
    while the fit still underfits (a few wide elements can take negative R_k), so M is the first one
    whose mu falls below ``c`` among those whose residuals are no longer underfitting: a 90th
    percentile within 1.5 times the best over all M.
    """
    from .eis import _spectrum, p90_relative

    f, z = _spectrum(data)
    ok = np.isfinite(f) & np.isfinite(z) & (np.abs(z) > 0) & (f > 0)
    f, z = f[ok], z[ok]
    if f.size < 5:
        raise ValueError(f"the lin-KK test needs at least 5 points, got {f.size}")
    omega = 2 * np.pi * f
    fits = [_fit(omega, z, m) for m in range(1, (max_m or min(50, f.size // 2)) + 1)]
    rels = [(z - z_kk) / np.abs(z) for _, z_kk in fits]
    p90s = np.array([p90_relative(rel) for rel in rels])
    mus = [mu_of(coef[1:m + 2]) for m, (coef, _) in enumerate(fits)]
    fitted = np.flatnonzero(p90s <= 1.5 * p90s.min())[0]
    below = [i for i in range(fitted, len(fits)) if mus[i] < c]
    i = below[0] if below else fitted
    rel = rels[i]
    beyond = (np.abs(rel.real) > limit) | (np.abs(rel.imag) > limit)
    return KKResult(i + 1, mus[i], f, rel.real, rel.imag, float(p90s[i]), tuple(float(x) for x in f[beyond]), limit)
