"""Formula masses from standard atomic weights, and stoichiometric mass losses.

Atomic weights are the IUPAC conventional (abridged) standard atomic weights (g/mol) for the elements
the compendium needs; for elements with an interval (H, Li, B, C, N, O) IUPAC's conventional value is
used. ``molar_mass("LiNH2BH3")`` -> 36.797 g/mol; ``mass_loss_percent("LiNH2BH3", {"H2": 2})`` -> 10.96
(wt% lost when one formula unit releases two H2: LiNH2BH3 -> LiNBH + 2 H2).
"""

import re

# IUPAC conventional standard atomic weights, g/mol (CIAAW, abridged values)
ATOMIC_WEIGHTS = {
    "H": 1.008, "Li": 6.94, "B": 10.81, "C": 12.011, "N": 14.007, "O": 15.999, "F": 18.998,
    "Na": 22.990, "Mg": 24.305, "Al": 26.982, "Si": 28.085, "P": 30.974, "S": 32.06, "Cl": 35.45,
    "K": 39.098, "Ca": 40.078, "Ti": 47.867, "Fe": 55.845, "Co": 58.933, "Ni": 58.693, "Cu": 63.546,
    "Zn": 65.38, "Br": 79.904, "I": 126.90, "Ar": 39.95,
}
_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*)|(\()|(\))(\d*)")


def composition(formula: str) -> dict:
    """``{element: count}`` of a formula such as ``"LiNH2BH3"``, ``"Li(NH2)BH3"`` or ``"Ca(BH4)2"``.

    Raises ``ValueError`` for an unknown element, unbalanced parentheses or stray characters."""
    text = str(formula).replace(" ", "")
    if not text:
        raise ValueError("empty formula")
    stack, pos = [{}], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError(f"cannot parse formula {formula!r} at position {pos} ({text[pos:]!r})")
        element, count, open_, close, group_count = match.groups()
        if element:
            if element not in ATOMIC_WEIGHTS:
                raise ValueError(f"unknown element {element!r} in formula {formula!r}")
            stack[-1][element] = stack[-1].get(element, 0) + int(count or 1)
        elif open_:
            stack.append({})
        else:
            if len(stack) == 1:
                raise ValueError(f"unbalanced ')' in formula {formula!r}")
            group = stack.pop()
            for el, n in group.items():
                stack[-1][el] = stack[-1].get(el, 0) + n * int(group_count or 1)
        pos = match.end()
    if len(stack) != 1:
        raise ValueError(f"unbalanced '(' in formula {formula!r}")
    return stack[0]


def molar_mass(formula: str) -> float:
    """Molar mass (g/mol) of ``formula`` from :data:`ATOMIC_WEIGHTS`."""
    return float(sum(ATOMIC_WEIGHTS[el] * n for el, n in composition(formula).items()))


def theoretical_capacity(formula: str, electrons: float) -> float:
    """Specific capacity (mAh/g) of ``formula`` exchanging ``electrons`` per formula unit: n F / (3.6 M).
    ``theoretical_capacity("Li4Ti5O12", 3)`` -> 175.0; ``("LiCoO2", 1)`` -> 273.8."""
    from scipy.constants import physical_constants

    faraday = physical_constants["Faraday constant"][0]
    return electrons * faraday / 3.6 / molar_mass(formula)


def mass_loss_percent(reactant: str, released: dict) -> float:
    """Mass lost (wt% of the reactant) when one formula unit releases ``released`` = ``{formula: moles}``,
    e.g. ``mass_loss_percent("LiNH2BH3", {"H2": 2})`` = 100 * 2 M(H2) / M(LiNH2BH3) = 10.96 wt%."""
    lost = sum(n * molar_mass(f) for f, n in released.items())
    return 100.0 * lost / molar_mass(reactant)


def equivalents_released(loss_percent, reactant: str, gas: str = "H2", loss_stderr=0.0):
    """Moles of ``gas`` per formula unit of ``reactant`` implied by a mass loss (wt%):
    ``loss/100 * M(reactant) / M(gas)``; returns ``(value, stderr)``."""
    factor = molar_mass(reactant) / molar_mass(gas) / 100.0
    return float(loss_percent) * factor, float(loss_stderr) * factor


def check_balance(reactant: str, products: dict) -> bool:
    """True if ``reactant`` -> ``sum(n * product)`` conserves every element (``products`` = {formula: n})."""
    left = composition(reactant)
    right = {}
    for f, n in products.items():
        for el, k in composition(f).items():
            right[el] = right.get(el, 0) + n * k
    return left == {el: k for el, k in right.items() if k}
