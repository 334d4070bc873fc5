"""The article audited: does each internal inconsistency in the ledger hold? And what more do the data say?

For every entry of ``ledger.yaml``'s ``inconsistencies`` one function decides it, from the article's
printed numbers (the ledger), what the compendium computed (the claims rows, with uncertainties), and
the article's text as located by :mod:`paper_lib.article`. It returns a :class:`Finding`; functions
with ids starting ``aud_`` are additional findings of the compendium's own computations.

Printed numbers are taken at face value *and* as intervals: a number printed as 112 stands for
[111.5, 112.5). :func:`span` evaluates arithmetic over those intervals, so a finding is not called
for a discrepancy that the article's rounding explains.

    findings = audit.evaluate(rows)          # rows: claims.json's "claims" (or claims.collect())
    audit.write(findings, "figures/audit.json")
"""

import itertools
import json
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from uncertainties import ufloat

from . import article, claims
from .arrhenius import KB_EV
from .images import LIBH4_PNMA_A as LIBH4_RT_CELL  # noqa: F401  (Å, room temperature, Soulié et al. 2002)
from .output import atomic_write_text
from .powder import CU_KA1, two_theta_from_d

SEVERITY = {
    "none": "the inconsistency does not hold, or changes nothing",
    "minor": "presentation (a label, a unit, a word): a reader can correct it and nothing else changes",
    "moderate": "changes what a number means or what it may be compared with",
    "major": "bears on a conclusion the article draws",
}
LI_PER_CELL = 4                               # Pnma LiBH4, Z = 4
LI_YOUNG_GPA = (4.9, 7.8)                     # bulk polycrystalline Li, Young's modulus (handbook; Masias et al., J. Mater. Sci. 54 (2019) 2585)
IUPAC_PORES_NM = {"micropores": (0, 2), "mesopores": (2, 50), "macropores": (50, math.inf)}
THIN_NM = 100  # the audit's criterion for 'ultrathin' Li interphases (nanometres to a few tens; well under 100 nm)


@dataclass(frozen=True)
class Finding:
    """One decided inconsistency. ``found``: it holds; ``inputs``: the numbers and passages it rests on."""

    id: str
    topic: str
    found: bool
    severity: str
    kind: str                     # "computed", "text" or "computed and text"
    evidence: list
    inputs: dict = field(default_factory=dict)
    claims: list = field(default_factory=list)
    additional: bool = False      # True: the compendium's own finding, not in the article's ledger

    def __post_init__(self):
        if self.severity not in SEVERITY:
            raise ValueError(f"finding {self.id}: severity {self.severity!r} is not one of {sorted(SEVERITY)}")
        if not self.found and self.severity != "none":
            raise ValueError(f"finding {self.id}: an inconsistency that does not hold has severity 'none'")


# ------------------------------------------------------------------ printed numbers and their rounding
def half_unit(value) -> float:
    """Half a unit of the last printed digit of a ledger number (112 → 0.5, 3.5 → 0.05, 2.2e-4 → 5e-6)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return 0.5 * 10.0 ** min(exponent, 0) if float(value) == int(float(value)) else 0.5 * 10.0 ** exponent


def span(function, *values):
    """``(low, high)`` of ``function`` over every corner of the printed values' rounding intervals."""
    corners = itertools.product(*[(v - half_unit(v), v + half_unit(v)) for v in values])
    results = [function(*c) for c in corners]
    return min(results), max(results)


def rounds_to(value, printed) -> bool:
    """Does ``value`` round to ``printed`` at its printed precision?"""
    return abs(value - printed) <= half_unit(printed) * (1 + 1e-9)


# ------------------------------------------------------------------ what a check reads
class Inputs:
    """The ledger's numbers, the computed rows and the located passages, for the checks."""

    def __init__(self, rows):
        self.rows = {r["id"]: r for r in rows}
        self.used = {}

    def paper(self, cid):
        """The article's printed value of a claim."""
        entry = claims.ledger()[cid]
        value = entry.get("paper", entry.get("paper_range"))
        self.used[cid] = {"article": value, "unit": entry["unit"], **self._computed_part(cid)}
        return value

    def computed(self, cid):
        """What the compendium computed, as a ufloat (None when it was not computed)."""
        self.paper(cid)
        row = self.rows.get(cid)
        if not row or row.get("computed") is None or isinstance(row["computed"], (bool, list)):
            return None
        return ufloat(row["computed"], row["uncertainty"]) if row.get("uncertainty") else ufloat(row["computed"], math.nan)

    def _computed_part(self, cid):
        row = self.rows.get(cid) or {}
        return {"computed": row.get("computed"), "uncertainty": row.get("uncertainty"), "status": row.get("status")}

    def conditions(self, cid):
        return claims.ledger()[cid].get("conditions", "")

    def passages(self, fid, name):
        """The committed matches of one article search (section, paragraph, captured groups)."""
        found = article.matches(fid, name)
        self.used[f"article:{name}"] = [{k: m[k] for k in ("section", "paragraph", "groups")} for m in found]
        return found


def where(matches) -> str:
    """'Abstract ¶1, 3. Conclusion ¶1' for a list of matches."""
    return ", ".join(dict.fromkeys(f"{m['section']} ¶{m['paragraph']}" for m in matches)) or "nowhere"


CHECKS = {}


def check(finding_id, kind, additional=False):
    """Register the function that decides ``finding_id``."""
    def register(function):
        CHECKS[finding_id] = (function, kind, additional)
        return function
    return register


def topics() -> dict:
    return {e["id"]: e for e in claims.ledger_document().get("inconsistencies", [])}


def evaluate(rows, only=None) -> list:
    """Every registered check run on the claims ``rows``: the ledger's findings first, then the additional."""
    found, entries = [], topics()
    for fid, (function, kind, additional) in CHECKS.items():
        if only and fid not in only:
            continue
        inputs = Inputs(rows)
        verdict = function(inputs)
        if not verdict["found"]:
            verdict["severity"] = "none"  # the severity a check gives is that of the inconsistency if it held
        entry = entries.get(fid, {})
        found.append(Finding(fid, verdict.pop("topic", entry.get("topic", "")), kind=kind, additional=additional,
                             inputs=inputs.used, claims=verdict.pop("claims", entry.get("claims", [])), **verdict))
    return found


def missing_checks() -> list:
    """Ledger inconsistencies that no function decides (should be none)."""
    return [fid for fid in topics() if fid not in CHECKS]


def document(findings) -> dict:
    ledger_ids = set(topics())
    decided = [f for f in findings if not f.additional]
    return {"article": "Gao et al., Adv. Mater. 2025, DOI 10.1002/adma.202508008",
            "severity": SEVERITY,
            "summary": {"ledger": len(ledger_ids), "decided": len({f.id for f in decided} & ledger_ids),
                        "found": sum(f.found for f in decided), "not_found": sum(not f.found for f in decided),
                        "additional": sum(f.additional for f in findings)},
            "findings": [claims.stable(asdict(f)) for f in findings]}


def write(findings, target):
    """``audit.json``: one entry per finding (deterministic text)."""
    atomic_write_text(Path(target), json.dumps(document(findings), indent=1, ensure_ascii=False) + "\n")


def table(findings) -> str:
    """A fixed-width text table of the findings (for a notebook's output)."""
    lines = [f"{'finding':42s} {'holds':6s} {'severity':9s} kind"]
    lines += [f"{f.id:42s} {'yes' if f.found else 'no':6s} {f.severity:9s} {f.kind}" for f in findings]
    return "\n".join(lines)


def report_section(findings) -> list:
    """The 'Audit' section of REPRODUCTION.md, as lines."""
    doc = document(findings)["summary"]
    out = ["## Audit of the article's internal consistency", "",
           f"The ledger lists {doc['ledger']} inconsistencies of the article; each is decided by a function of "
           f"`paper_lib.audit` from the article's printed numbers (with their rounding), the compendium's "
           f"computed values and searches of the article's text (`paper_lib.article`). "
           f"{doc['found']} hold, {doc['not_found']} {'does' if doc['not_found'] == 1 else 'do'} not; {doc['additional']} more come from the compendium's "
           f"own computations. Full evidence and inputs: `figures/audit.json`.", "",
           "| finding | holds | severity | evidence |", "|---|---|---|---|"]
    for f in findings:
        mark = ("yes" if f.found else "no") + (" (additional)" if f.additional else "")
        out.append(f"| `{f.id}`: {f.topic} | {mark} | {f.severity} | {' '.join(f.evidence)} |")
    out += ["", "Severity: " + "; ".join(f"**{k}**: {v}" for k, v in SEVERITY.items()) + ".", ""]
    return out


from . import audit_checks  # noqa: E402,F401  (registers the checks)
