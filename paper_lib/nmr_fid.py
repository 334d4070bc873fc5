"""A 1D NMR spectrum from a free-induction decay (FID), with TopSpin's conventions (nmrglue does the work).

Conventions
-----------
* An FID is a complex array of points ``1/sw_hz`` s apart. A component ``exp(+2πi·ν·t)`` is a line
  ``ν`` Hz above the carrier, i.e. at higher ppm. Bruker FIDs are stored this way; Varian/Agilent FIDs
  are the complex conjugate (their readers conjugate them first).
* A spectrum is ordered as TopSpin stores ``1r``: point ``i`` of ``size`` lies ``sw/2 - i·sw/size`` Hz
  from the carrier (descending frequency, the carrier at ``i = size/2``).
* Phases are in degrees, in TopSpin's convention: point ``i`` is multiplied by
  ``exp(-i·π/180·(phc0 + phc1·i/size))``.
* Windows (TopSpin ``WDW``), ``t`` in s from the first point after the group delay, ``AQ`` the
  acquisition time: ``"none"``; ``"em"`` ``exp(-π·LB·t)`` (LB in Hz, broadens a line by LB Hz FWHM);
  ``"gm"`` ``exp(-π·LB·t + π·LB·t²/(2·GB·AQ))`` (LB < 0 Hz, 0 < GB < 1: maximum at ``GB·AQ``);
  ``"sine"``/``"qsine"`` ``sin((π-φ)·t/AQ + φ)`` to the power 1/2, ``φ = π/SSB`` (SSB < 2: ``φ = 0``).
* Intensities are the unnormalised discrete Fourier sums of the FID values (arbitrary units).
"""

import numpy as np

from .readers._jcamp import nmrglue

WINDOWS = ("none", "em", "gm", "sine", "qsine")
AUTOPHASE = ("acme", "peak_minima")


def next_power_of_two(n):
    """The smallest power of two ``>= n`` (``n >= 1``)."""
    return 1 << max(int(n) - 1, 0).bit_length()


def group_delay(grpdly=0.0, decim=0, dspfvs=0):
    """Bruker's digital-filter delay in points: ``GRPDLY`` when > 0, else nmrglue's DECIM/DSPFVS table
    (0 for DSPFVS >= 14). Raises ``ValueError`` for a pair that is not in the table."""
    if grpdly > 0:
        return float(grpdly)
    if dspfvs >= 14:
        return 0.0
    table = nmrglue().bruker.bruker_dsp_table
    if dspfvs not in table or decim not in table[dspfvs]:
        raise ValueError(f"DECIM={decim}, DSPFVS={dspfvs} is not in Bruker's table of digital filters")
    return float(table[dspfvs][decim])


def remove_digital_filter(fid, delay):
    """(FID advanced by the whole points of ``delay``, the fraction of a point left).

    The whole points are removed in the time domain by nmrglue's ``rm_dig_filter`` (truncated group
    delay: a circular shift, a few points shorter); the fraction is a linear phase that :func:`process`
    applies after the Fourier transform, with the frequency counted from the carrier (nmrglue's own
    fractional shift counts it from one edge and leaves a phase step at the carrier).
    """
    ng = nmrglue()
    whole = float(np.floor(delay))
    if whole <= 0:
        return np.asarray(fid, complex).copy(), float(delay)
    shifted = ng.bruker.rm_dig_filter(np.asarray(fid, complex), 0, 0, whole, truncate_grpdly=True)
    return shifted, float(delay - whole)


def undo_delay(spectrum, points):
    """A spectrum (TopSpin's order) whose FID was delayed by ``points`` dwell times, with that delay undone:
    point ``i`` (``ν = sw·(1/2 - i/size)``) is multiplied by ``exp(+2πi·points·(1/2 - i/size))``."""
    size = len(spectrum)
    return np.asarray(spectrum, complex) * np.exp(2j * np.pi * points * (0.5 - np.arange(size) / size))


def apodise(fid, sw_hz, window="em", lb_hz=0.0, gb=0.0, ssb=0.0):
    """``fid`` times the window (see the module conventions); ``sw_hz`` sets the time of each point."""
    ng = nmrglue()
    fid = np.asarray(fid, complex)
    n = fid.size
    if window == "none" or n == 0:
        return fid.copy()
    if window == "em":
        return ng.proc_base.em(fid, lb_hz / sw_hz)
    if window == "gm":
        t, aq = np.arange(n) / sw_hz, n / sw_hz
        if lb_hz >= 0 or not 0 < gb < 1:
            raise ValueError(f"Gaussian window needs LB < 0 and 0 < GB < 1, got LB={lb_hz}, GB={gb}")
        return fid * np.exp(-np.pi * lb_hz * t + np.pi * lb_hz * t**2 / (2 * gb * aq))
    if window in ("sine", "qsine"):
        offset = 1.0 / ssb if ssb >= 2 else 0.0
        return ng.proc_base.sp(fid, off=offset, end=1.0, pow=1.0 if window == "sine" else 2.0)
    raise ValueError(f"unknown window {window!r}; expected one of {WINDOWS}")


def fourier(fid, size):
    """The spectrum of ``fid`` zero-filled (or cut) to ``size`` points, in TopSpin's order (descending)."""
    ng = nmrglue()
    fid = np.asarray(fid, complex)[:size]
    fid = ng.proc_base.zf_size(fid, size) if fid.size < size else fid
    return np.roll(ng.proc_base.fft(fid)[::-1], 1)


def phase(spectrum, phc0=0.0, phc1=0.0):
    """``spectrum`` phased with TopSpin's PHC0/PHC1 (degrees; see the module conventions)."""
    ng = nmrglue()
    return ng.proc_base.ps(np.asarray(spectrum, complex), p0=-phc0, p1=-phc1)


def autophase(spectrum, method="acme"):
    """(phc0, phc1) in degrees, TopSpin's convention, found by nmrglue's ``autops`` (``acme`` or ``peak_minima``)."""
    ng = nmrglue()
    if method not in AUTOPHASE:
        raise ValueError(f"unknown automatic phasing {method!r}; expected one of {AUTOPHASE}")
    _, (p0, p1) = ng.proc_autophase.autops(np.asarray(spectrum, complex), method, return_phases=True, disp=False)
    return _wrap(-p0), float(-p1)


def _wrap(degrees):
    return float((degrees + 180.0) % 360.0 - 180.0)


def process(fid, sw_hz, size, window="em", lb_hz=0.0, gb=0.0, ssb=0.0, phases=None, method="acme",
            phase_source="stored", delay=0.0):
    """Apodise, zero-fill to ``size``, Fourier transform and phase an FID; ``delay`` (points) is what is
    left of the filter delay (see :func:`remove_digital_filter`) and is undone after the transform.

    ``phases`` is ``(phc0, phc1)`` in degrees (TopSpin's convention), labelled ``phase_source``, or None
    for automatic phasing with ``method``. Returns ``(real spectrum, info)``; ``info`` has ``phc0``,
    ``phc1``, ``phase_source`` (``phase_source`` or ``"automatic (<method>)"``) and a one-line
    ``description`` of the steps.
    """
    fid = np.asarray(fid, complex)
    spectrum = undo_delay(fourier(apodise(fid, sw_hz, window, lb_hz, gb, ssb), size), delay)
    if phases is None:
        phc0, phc1 = autophase(spectrum, method)
        source = f"automatic ({method})"
    else:
        phc0, phc1 = float(phases[0]), float(phases[1])
        source = phase_source
    steps = {"none": "no window", "em": f"exponential LB {lb_hz:g} Hz", "gm": f"Gaussian LB {lb_hz:g} Hz GB {gb:g}",
             "sine": f"sine SSB {ssb:g}", "qsine": f"squared sine SSB {ssb:g}"}[window]
    fill = "zero-filled" if fid.size <= size else "cut"
    description = (f"{steps}; {fill} {fid.size} -> {size} complex points; FFT; "
                   f"phase from {source}: PHC0 {phc0:.3f} PHC1 {phc1:.3f} deg")
    info = {"phc0": phc0, "phc1": phc1, "phase_source": source, "description": description}
    return phase(spectrum, phc0, phc1).real, info
