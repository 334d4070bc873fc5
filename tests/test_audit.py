"""The audit (paper_lib.audit) and the article searches it rests on (paper_lib.article)."""

import json
import os
import subprocess
import sys

import pytest

from paper_lib import article, audit, audit_checks, claims, paths

ARTICLE_CANDIDATES = [os.environ.get("ARTICLE_TEXT", ""), paths.ROOT.parent / "shared" / "paper" / "000_ce6a58e2f227d3ac.txt"]


def committed_rows():
    return claims.collect()


def test_every_ledger_inconsistency_is_decided_once():
    assert audit.missing_checks() == []
    findings = audit.evaluate(committed_rows())
    ledger_ids = [e["id"] for e in claims.ledger_document()["inconsistencies"]]
    assert [f.id for f in findings if not f.additional] == ledger_ids and len(ledger_ids) == 24
    assert all(f.id.startswith("aud_") for f in findings if f.additional)
    for f in findings:
        assert f.evidence and all(isinstance(e, str) and e for e in f.evidence), f.id
        assert f.inputs, f"{f.id} records no inputs"
        assert (f.severity == "none") == (not f.found), f.id


def test_ledger_inconsistencies_match_the_claims_list_when_it_is_at_hand():
    source = paths.ROOT.parent / "shared" / "paper" / "claims.yaml"
    if not source.exists():
        pytest.skip("the article's claims list is not beside the repository")
    import yaml

    theirs = yaml.safe_load(source.read_text())["inconsistencies"]
    ours = claims.ledger_document()["inconsistencies"]
    assert [(e["id"], e["claims"]) for e in ours] == [(e["id"], e["claims"]) for e in theirs]


def test_committed_audit_is_what_the_committed_claims_give():
    committed = json.loads((paths.FIGURES / "audit.json").read_text())
    assert committed == json.loads(json.dumps(audit.document(audit.evaluate(committed_rows())), ensure_ascii=False))
    report = (paths.FIGURES / "REPRODUCTION.md").read_text()
    assert "## Audit of the article's internal consistency" in report
    assert all(f"`{f['id']}`" in report for f in committed["findings"])


@pytest.mark.parametrize("value, half", [(112.0, 0.5), (3.5, 0.05), (2.2e-4, 5e-6), (0.025, 5e-4), (120.0, 0.5),
                                         (1.23, 0.005), (27.96, 0.005)])
def test_half_unit_of_the_printed_digit(value, half):
    assert audit.half_unit(value) == pytest.approx(half)


def test_span_and_rounding():
    lo, hi = audit.span(lambda a, b: a / b, 7.5, 3.5)
    assert (lo, hi) == pytest.approx((7.45 / 3.55, 7.55 / 3.45))
    assert audit.rounds_to(1.2221, 1.22) and not audit.rounds_to(1.2251, 1.22)


def test_nernst_einstein_and_li_density_known_values():
    n = audit_checks.li_density_cm3()
    assert n == pytest.approx(4 / (7.17858 * 4.43686 * 6.80321 * 1e-24))
    # sigma = n e^2 D / kT: n = 1e22 cm^-3, D = 1e-8 cm^2/s, T = 300 K -> 6.197e-4 S/cm
    assert audit_checks.nernst_einstein(1e-8, 1e22, 300.0) == pytest.approx(1e22 * (1.602176634e-19) ** 2 * 1e-8 / (1.380649e-23 * 300.0))
    assert audit_checks.nernst_einstein(1e-8, 1e22, 300.0) == pytest.approx(6.197e-4, rel=1e-3)


def _with_ledger(monkeypatch, **values):
    """The ledger with some printed values replaced (to show that a check can come out the other way)."""
    original = claims.ledger_document()
    doc = json.loads(json.dumps(original))
    for entry in doc["claims"]:
        if entry["id"] in values:
            entry["paper"] = values[entry["id"]]
    monkeypatch.setattr(claims, "ledger_document", lambda: doc)


def _finding(fid):
    return audit.evaluate(committed_rows(), only={fid})[0]


@pytest.mark.parametrize("fid, changes", [
    ("inc_lto_retention", {"lto_capacity_retention_cycle168": 100.9}),
    ("inc_sigma_e_LiBH4_implied", {"ratio_sigma_e_LiBH4_over_LiBH4_70LiNBH_RT": 1.0}),
    ("inc_lto_rate_capacity", {"lto_initial_capacity_0p1C": 105.0}),
    ("inc_AIMD_vs_experiment", {"D_AIMD_30C_LiBH4": 2.9e-13, "D_AIMD_30C_LiNBH": 1.0e-13}),
    ("inc_NEB_vs_Ea", {"Eb_NEB_LiNBH": 0.4}),
    ("inc_youngs_modulus_implied", {"ratio_youngs_modulus_vs_LiBH4": 5.0}),
    ("aud_hrtem_anisotropic_expansion", {"hrtem_d011_LiBH4_in_LiBH4_70LiNBH": 0.381}),
    ("aud_asr_falls_with_current", {"overpotential_4mA_LiBH4_70LiNBH": 160.0}),
    ("aud_xrd_22deg_no_reflection", {"xrd_enhanced_peak_2theta_LiBH4_70LiNBH": 23.9}),
    ("inc_cv_scan_duration", {"esw_LiBH4_70LiNBH": 4.6}),
    ("aud_lto_test_duration", {"lto_first_cycle_capacity_0p05C_60C": 30.0}),
])
def test_a_finding_turns_when_the_numbers_would_be_consistent(monkeypatch, fid, changes):
    assert _finding(fid).found
    _with_ledger(monkeypatch, **changes)
    turned = _finding(fid)
    assert not turned.found and turned.severity == "none", turned.evidence


def test_bh_rounding_is_decided_by_the_interval_not_the_naive_ratio(monkeypatch):
    finding = _finding("inc_BH_rounding")
    assert not finding.found and "0.82 %" in finding.evidence[0] and "1.2221 Å" in finding.evidence[1]
    _with_ledger(monkeypatch, dft_BH_bond_elongation_pct=2.5)  # needs a 1.2000 Å bond, printed 1.20
    assert _finding("inc_BH_rounding").found


def test_ccd_ratio_is_within_rounding_but_across_temperatures():
    finding = _finding("inc_ccd_temperature_mismatch")
    assert finding.found and "[2.099, 2.188]" in finding.evidence[1] and "120 °C" in finding.evidence[0]


def test_audit_runs_on_claims_not_computed_yet():
    rows = [r for r in committed_rows() if r["notebook"] not in {"fig3", "figS11"}]
    assert len(audit.evaluate(rows)) == len(audit.CHECKS)


def test_severity_and_finding_are_validated():
    with pytest.raises(ValueError, match="severity 'grave'"):
        audit.Finding("x", "t", True, "grave", "computed", ["e"])
    with pytest.raises(ValueError, match="does not hold"):
        audit.Finding("x", "t", False, "major", "computed", ["e"])


# ------------------------------------------------------------------ article searches
SAMPLE = """Title of a made-up paper

A. Author

An abstract that is long enough to be the longest paragraph of the front matter, saying that the
widget reaches 2.2×10^{-4} S cm^{-1} at 30 °C and that LiBH $_4$ melts, with a thin layer of Li₃N.

1. Introduction

Widgets were measured (Figure 3g), at 0.025 mV s⁻¹.

15214095, 0, Downloaded from https://example.org by somebody

Figure 3. a) one panel and b) another panel.

2. Results and Discussion

The widget's conductivity is 7.3 \\times 10^{-10} S cm^{-2} (Figure 3b).

3. Conclusion

Done.
"""


def test_normalise_and_sections():
    paras = article.paragraphs(SAMPLE)
    sections = [(p.section, p.number) for p in paras]
    assert sections == [("Front matter", 1), ("Front matter", 2), ("Abstract", 1), ("1. Introduction", 1),
                        ("Figure 3 caption", 1), ("2. Results and Discussion", 1), ("3. Conclusion", 1)]
    text = {p.section: p.text for p in paras}
    assert "2.2×10-4 S cm-1" in text["Abstract"] and "LiBH4 melts" in text["Abstract"] and "Li3N" in text["Abstract"]
    assert "7.3 × 10-10 S cm-2" in text["2. Results and Discussion"]
    assert "0.025 mV s-1" in text["1. Introduction"]
    assert not any("Downloaded" in p.text for p in paras)


def test_search_groups_sections_and_digests():
    paras = article.paragraphs(SAMPLE)
    found = article.search(paras, r"\(Figure (3[a-h])\)")
    assert [(m["section"], m["groups"]) for m in found] == [("1. Introduction", ["3g"]), ("2. Results and Discussion", ["3b"])]
    only = article.search(paras, {"pattern": r"([a-h])\) ", "in": "Figure 3 caption"})
    assert [m["groups"][0] for m in only] == ["a", "b"]
    assert all(len(m["digest"]) == 12 for m in found) and found[0]["digest"] != found[1]["digest"]


def test_committed_passages_hold_no_sentences():
    doc = json.loads(article.PASSAGES.read_text())
    for named in doc["findings"].values():
        for entry in named.values():
            for m in entry["matches"]:
                assert all(len(g or "") <= 40 for g in m["groups"]), m
    for named in article.searches().values():
        for pattern in named.values():
            text = pattern["pattern"] if isinstance(pattern, dict) else pattern
            assert len(text) <= 120, text


def test_unknown_search_names_the_file():
    with pytest.raises(KeyError, match="article_passages.json: no search 'nothing'"):
        article.matches("inc_fig3_f_g_swap", "nothing")


def test_cli_rejects_unreadable_text(tmp_path):
    bad = tmp_path / "article.txt"
    bad.write_bytes(b"\xff\xfe\x00broken")
    run = subprocess.run([sys.executable, "-m", "paper_lib.article", str(bad)], capture_output=True, text=True)
    assert run.returncode != 0 and "article.txt: cannot read the article text as UTF-8" in run.stderr


def test_another_text_gives_differences():
    assert any("inc_fig3_f_g_swap/caption" in d for d in article.differences(SAMPLE))


def test_searches_find_the_committed_passages_in_the_article():
    text = next((p for p in map(str, ARTICLE_CANDIDATES) if p and os.path.isfile(p)), None)
    if text is None:
        pytest.skip("the article's text is not at hand (set ARTICLE_TEXT to a plain-text copy of the article); "
                    "the committed passages are used as they are")
    assert article.differences(open(text, encoding="utf-8").read()) == []
