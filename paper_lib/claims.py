"""Compare what a notebook computed with the article's numbers (the ledger, ``ledger.yaml``).

In a notebook::

    claims = Claims("fig2")
    claims.add("sigma_30C_LiBH4", sigma, stderr)      # a number, with its standard error
    claims.add("trend_composites_linear_arrhenius", True, note="no jump in any composite")
    claims.save()                                      # figures/claims/fig2.json; shows the table

:func:`merge` (run by the build) writes ``figures/claims.json`` and ``figures/REPRODUCTION.md``.
Status: ``reproduced`` when |computed - paper| is within the tolerance (for a bound, a ledger
``qualifier`` such as ``over``: when the value lies on its side, less the tolerance), ``deviates`` (with the
reason) otherwise, ``not_computed`` (with the reason) for claims no notebook computes yet.
"""

import json
import math
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths
from .output import atomic_write_text, output_dir

LEDGER = Path(__file__).with_name("ledger.yaml")
PENDING = "no notebook of the compendium computes this claim yet"
# Significant digits kept in the claims files: the computed value and its standard error. The same
# numbers set how closely a rebuilt claims file must agree with the committed one (paper_lib.compare).
DIGITS = {"computed": 4, "uncertainty": 2}


@lru_cache(maxsize=1)
def ledger_document() -> dict:
    """The whole ledger: ``claims`` and the article's ``inconsistencies``."""
    return yaml.safe_load(LEDGER.read_text())


def ledger() -> dict:
    """``{claim id: ledger entry}`` in ledger order."""
    return {entry["id"]: entry for entry in ledger_document()["claims"]}


def rounded(value, digits=4):
    """``value`` to ``digits`` significant figures (stable text in committed outputs)."""
    if value is None or isinstance(value, bool):
        return value
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")


def stable(value, digits=6):
    """``value`` (nested dicts, lists, numbers) with every float to ``digits`` significant figures: a
    least-squares fit's last digits differ between CPUs and BLAS kernels, committed JSON must not."""
    if isinstance(value, dict):
        return {key: stable(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [stable(item, digits) for item in value]
    return rounded(value, digits) if isinstance(value, float) else value


BOUNDS = {"over": 1, "more than": 1, "above": 1, ">": 1, "at least": 1, "under": -1, "below": -1,
          "less than": -1, "<": -1, "at most": -1}  # ledger qualifiers that make the paper value a bound


def status(entry, computed):
    """``(status, reason)`` of a computed value against a ledger entry."""
    tol = entry["tolerance"]
    if "paper_range" in entry:
        return _range_status(entry, computed)
    if "equal" in tol:
        ok = bool(computed) == bool(entry["paper"])
        return ("reproduced", None) if ok else ("deviates", f"the data give {computed!r}, the article {entry['paper']!r}")
    paper = entry["paper"]
    allowed = tol["abs"] if "abs" in tol else abs(paper) * tol["rel"]
    diff = computed - paper
    bound = BOUNDS.get(str(entry.get("qualifier", "")).strip().lower())
    if bound is not None:  # "over 0.5": any value above the bound, less the tolerance, reproduces it
        if bound * diff >= -allowed * (1 + 1e-9):
            return "reproduced", None
        side = "below" if bound > 0 else "above"
        return "deviates", f"{side} the article's bound '{entry['qualifier']} {paper:g}' by more than {rounded(allowed, 3):g}"
    if abs(diff) <= allowed * (1 + 1e-9):
        return "reproduced", None
    rel = f" ({diff / paper:+.1%})" if paper else ""
    return "deviates", f"differs from the article by {rounded(diff, 3):g} {entry['unit']}{rel}; tolerance {rounded(allowed, 3):g}"


def _range_status(entry, computed):
    """A range claim (``paper_range: [lo, hi]``): each end of the computed ``[lo, hi]`` within the tolerance."""
    tol = entry["tolerance"]
    if not isinstance(computed, (list, tuple)) or len(computed) != 2:
        raise ValueError(f"claim '{entry['id']}' is a range: give [min, max], got {computed!r}")
    problems = []
    for label, paper, value in zip(("lower", "upper"), entry["paper_range"], computed):
        allowed = tol["abs"] if "abs" in tol else abs(paper) * tol["rel"]
        if abs(value - paper) > allowed * (1 + 1e-9):
            problems.append(f"{label} end differs by {rounded(value - paper, 3):g} {entry['unit']}")
    if problems:
        return "deviates", "; ".join(problems) + f" (tolerance {tol})"
    return "reproduced", None


class Claims:
    """The claims one notebook computes; only the notebook the ledger names may record a claim."""

    def __init__(self, notebook):
        self.notebook = notebook
        self.rows = {}
        self.remarks = []
        self.results = {}

    def remark(self, topic, text):
        """A finding about one of the article's statements (e.g. what a computed structure says of it);
        the report lists these under 'Remarks on the article's statements'."""
        self.remarks.append({"topic": topic, "text": text, "notebook": self.notebook})

    def add(self, claim_id, computed, uncertainty=None, *, note=None):
        """Record ``computed`` (a number, a bool, a pair, or an Estimate carrying its own error)."""
        if hasattr(computed, "stderr") and hasattr(computed, "value") and uncertainty is None:
            computed, uncertainty = computed.value, computed.stderr
        entry = ledger().get(claim_id)
        if entry is None:
            raise KeyError(f"'{claim_id}' is not a claim of the ledger ({LEDGER.name})")
        if entry.get("notebook") != self.notebook:
            raise ValueError(f"claim '{claim_id}' belongs to notebook {entry.get('notebook')!r}, not {self.notebook!r}")
        if isinstance(computed, (list, tuple)):
            computed = [rounded(v, DIGITS["computed"]) for v in computed]
        elif not isinstance(computed, bool):
            computed = rounded(computed, DIGITS["computed"])
        state, reason = status(entry, computed)
        self.rows[claim_id] = {"id": claim_id, "figure": entry["figure"], "quantity": entry["quantity"],
                               "unit": entry["unit"], "paper": entry.get("paper", entry.get("paper_range")), "computed": computed,
                               "uncertainty": rounded(uncertainty, DIGITS["uncertainty"]), "tolerance": entry["tolerance"],
                               "status": state, "reason": reason, "note": note, "notebook": self.notebook}
        return self.rows[claim_id]

    def result(self, result_id, value, uncertainty=None, *, unit, quantity, status="ok"):
        """A quantity the notebook computed from whatever data it was given (a lab's sample too), not one
        of the article's claims: the batch collects these across runs. ``status``: ok or flagged."""
        if hasattr(value, "stderr") and hasattr(value, "value") and uncertainty is None:
            value, uncertainty = value.value, value.stderr
        self.results[result_id] = {"id": result_id, "quantity": quantity, "unit": unit,
                                   "computed": rounded(value, DIGITS["computed"]),
                                   "uncertainty": rounded(uncertainty, DIGITS["uncertainty"]), "status": status}
        return self.results[result_id]

    def table(self) -> str:
        """A fixed-width text table (deterministic, for the committed notebook output)."""
        lines = [f"{'claim':44s} {'article':>10s} {'computed':>10s} {'+/-':>9s}  {'unit':10s} status"]
        for row in self.rows.values():
            unc = "" if row["uncertainty"] is None else f"{row['uncertainty']:.2g}"
            lines.append(f"{row['id']:44s} {_fmt(row['paper']):>10s} {_fmt(row['computed']):>10s} "
                         f"{unc:>9s}  {row['unit']:10s} {row['status']}")
        return "\n".join(lines)

    def save(self, directory=None):
        """Write ``claims/<notebook>.json`` (under the build's output folder) and print the table."""
        target = Path(directory or output_dir()) / "claims" / f"{self.notebook}.json"
        doc = {"notebook": self.notebook, "claims": list(self.rows.values()), "remarks": self.remarks}
        if self.results:
            doc["results"] = list(self.results.values())
        atomic_write_text(target, json.dumps(doc, indent=1) + "\n")
        print(self.table())
        for item in self.remarks:
            print(f"\n{item['topic']}: {item['text']}")
        n_ok = sum(r["status"] == "reproduced" for r in self.rows.values())
        print(f"\n{n_ok}/{len(self.rows)} claims reproduced")
        if self.missing():
            print("not computed (not in these data): " + ", ".join(self.missing()))

    def missing(self):
        """Claims this notebook owns but did not compute (e.g. a sample absent from the user's data)."""
        return [cid for cid, e in ledger().items() if e.get("notebook") == self.notebook and cid not in self.rows]


def _fmt(value):
    if isinstance(value, (list, tuple)):
        return "–".join(f"{v:.4g}" for v in value)
    if isinstance(value, bool):
        return str(value)
    return "" if value is None else f"{value:.4g}"


def merge(claims_dir=paths.CLAIMS_DIR, figures=paths.FIGURES, reference_data=True):
    """Write ``claims.json`` (every ledger claim) and ``REPRODUCTION.md`` from the notebooks' files."""
    computed, remarks = {}, []
    for path in sorted(Path(claims_dir).glob("*.json"), key=lambda p: figure_order(p.stem)):
        doc = json.loads(path.read_text())
        for row in doc["claims"]:
            computed[row["id"]] = row
        remarks += doc.get("remarks", [])
    rows = [computed.get(cid) or _pending(cid, entry) for cid, entry in ledger().items()]
    doc = {"article": "Gao et al., Adv. Mater. 2025, DOI 10.1002/adma.202508008",
           "data": "reference dataset (generated from the article's values; not measurements)" if reference_data
           else "measured data", "claims": rows, "remarks": remarks}
    from . import audit, recompute_report

    findings = audit.evaluate(rows)
    recomputed = recompute_report.rows()
    atomic_write_text(Path(figures) / "claims.json", json.dumps(doc, indent=1) + "\n")
    audit.write(findings, Path(figures) / "audit.json")
    recompute_report.write(Path(figures) / "recomputation.json", recomputed)
    atomic_write_text(Path(figures) / "REPRODUCTION.md", report(rows, reference_data, remarks, findings, recomputed))
    return rows


def collect(claims_dir=paths.CLAIMS_DIR) -> list:
    """Every ledger claim's row, from the notebooks' claims files (``not_computed`` rows for the rest)."""
    computed = {}
    for path in sorted(Path(claims_dir).glob("*.json")):
        computed.update({row["id"]: row for row in json.loads(path.read_text())["claims"]})
    return [computed.get(cid) or _pending(cid, entry) for cid, entry in ledger().items()]


def _pending(cid, entry):
    return {"id": cid, "figure": entry["figure"], "quantity": entry["quantity"], "unit": entry["unit"],
            "paper": entry.get("paper", entry.get("paper_range")), "computed": None, "uncertainty": None,
            "tolerance": entry["tolerance"], "status": "not_computed", "reason": PENDING,
            "note": None, "notebook": entry.get("notebook")}


def report(rows, reference_data=True, remarks=(), findings=(), recomputed=()) -> str:
    """The readable reproduction report."""
    count = lambda s: sum(r["status"] == s for r in rows)
    out = ["# Reproduction report", "",
           "Gao et al., Adv. Mater. 2025, DOI 10.1002/adma.202508008: every number the article states, and "
           "whether the compendium's analysis gives it back.", ""]
    if reference_data:
        out += ["> **The data are the compendium's reference dataset**: files generated from the article's "
                "reported values with physical forward models, noise and artefacts (data/README.md). "
                "'Reproduced' here proves the analysis pipeline, not the measurements.", ""]
    out += [f"Claims: {len(rows)}; reproduced {count('reproduced')}, deviates {count('deviates')}, "
            f"not computed {count('not_computed')}.", "",
            "![The reproduction at a glance: every claim as computed/article with its tolerance band, by figure, "
            "and every audit finding by severity (notebooks/summary.ipynb)](summary.png)", ""]
    by_figure = {}
    for r in rows:
        if r["status"] != "not_computed":
            by_figure.setdefault(r["notebook"], []).append(r)
    for notebook in sorted(by_figure, key=figure_order):
        out += [f"## {notebook}", "", "| claim | quantity | article | computed | ± | unit | status |",
                "|---|---|---|---|---|---|---|"]
        for r in by_figure[notebook]:
            unc = "" if r["uncertainty"] is None else f"{r['uncertainty']:.2g}"
            status_text = r["status"] + (f": {r['reason']}" if r.get("reason") else "")
            out.append(f"| `{r['id']}` | {r['quantity']} | {_fmt(r['paper'])} | {_fmt(r['computed'])} | {unc} "
                       f"| {r['unit']} | {status_text} |")
            if r.get("note"):
                out.append(f"| | ↳ {r['note']} | | | | | |")
        out.append("")
    if remarks:
        out += ["## Remarks on the article's statements", ""]
        out += [f"- **{r['topic']}** ({r['notebook']}): {r['text']}" for r in remarks]
        out.append("")
    if findings:
        from . import audit

        out += audit.report_section(findings)
    if recomputed:
        from . import recompute_report

        out += recompute_report.report_section(recomputed)
    pending = [r for r in rows if r["status"] == "not_computed"]
    if pending:
        out += ["## Not computed yet", "", ", ".join(f"`{r['id']}`" for r in pending), ""]
    return "\n".join(out)


def figure_order(name):
    """fig1, fig2, ..., figS1, figS2, ... in numeric order, then the rest (the audit)."""
    if not name.startswith("fig"):
        return (True, 10 ** 6, name)
    supplementary = name.startswith("figS")
    number = name[4:] if supplementary else name[3:]
    return (supplementary, int(number) if number.isdigit() else 0, name)
