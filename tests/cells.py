"""Galvanostatic step programs for the symmetric-cell tests."""

import numpy as np


def program(segments, dt):
    """Time (s), current density (mA/cm2) and step number (1, 2, ...) of ``[(density, seconds), ...]``,
    sampled every ``dt`` s."""
    t, j, step = [], [], []
    now = 0.0
    for number, (density, seconds) in enumerate(segments, 1):
        n = int(seconds / dt)
        t.append(now + dt * np.arange(1, n + 1))
        j.append(np.full(n, density))
        step.append(np.full(n, number))
        now += seconds
    return tuple(np.concatenate(x) for x in (t, j, step))
