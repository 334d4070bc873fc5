"""The claims ledger: tolerances decide the status; ownership and completeness are enforced."""

import json

import pytest
import yaml

from paper_lib import claims, paths


def test_ledger_has_every_claim_of_the_article_with_a_tolerance():
    shared = paths.ROOT.parent / "shared" / "paper" / "claims.yaml"
    ledger = claims.ledger()
    if shared.exists():
        source = yaml.safe_load(shared.read_text())
        ids = [c["id"] for c in source["claims"]] + [c["id"] for c in source["trend_claims"]]
        assert list(ledger) == ids
    for entry in ledger.values():
        assert set(entry["tolerance"]) <= {"abs", "rel", "equal"} and entry["tolerance"]


def test_status_by_tolerance():
    entry = {"paper": 2.2e-4, "unit": "S/cm", "tolerance": {"rel": 0.05}}
    assert claims.status(entry, 2.25e-4) == ("reproduced", None)
    state, reason = claims.status(entry, 2.5e-4)
    assert state == "deviates" and "+13.6%" in reason
    assert claims.status({"paper": 0.44, "unit": "eV", "tolerance": {"abs": 0.02}}, 0.455)[0] == "reproduced"
    assert claims.status({"paper": True, "unit": "boolean", "tolerance": {"equal": True}}, False)[0] == "deviates"


def test_a_bound_is_reproduced_on_its_side_only():
    over = {"paper": 0.5, "qualifier": "over", "unit": "ratio", "tolerance": {"rel": 0.05}}
    assert claims.status(over, 0.533)[0] == "reproduced"  # 4/7.5, 'over 0.5 times'
    assert claims.status(over, 0.49)[0] == "reproduced"  # within the tolerance below the bound
    state, reason = claims.status(over, 0.45)
    assert state == "deviates" and "below the article's bound 'over 0.5'" in reason
    under = {**over, "qualifier": "below"}
    assert claims.status(under, 0.3)[0] == "reproduced" and claims.status(under, 0.6)[0] == "deviates"
    assert claims.status({**over, "qualifier": "~"}, 0.533)[0] == "deviates"  # '~' is not a bound


def test_notebook_may_only_record_its_own_claims(tmp_path):
    c = claims.Claims("figS13")
    with pytest.raises(ValueError, match="belongs to notebook"):
        c.add("sigma_30C_LiBH4", 3.2e-8)
    with pytest.raises(KeyError):
        c.add("no_such_claim", 1.0)
    c.add("Ea_LiBH4_70LiNBH", 0.4412345, 0.00312)
    assert c.missing() == ["Ea_LiBH4_HT_P63mc"]
    c.add("Ea_LiBH4_HT_P63mc", 1.2, 0.01)
    c.save(tmp_path)
    rows = json.loads((tmp_path / "claims" / "figS13.json").read_text())["claims"]
    assert rows[0]["computed"] == 0.4412 and rows[0]["uncertainty"] == 0.0031
    assert rows[1]["status"] == "deviates" and "tolerance" in rows[1]["reason"]


def test_merge_lists_every_claim(tmp_path):
    c = claims.Claims("figS13")
    c.add("Ea_LiBH4_70LiNBH", 0.44, 0.003)
    c.add("Ea_LiBH4_HT_P63mc", 0.90, 0.01)
    c.remark("High-temperature Ea", "fitted above the detected jump")
    c.save(tmp_path)
    rows = claims.merge(tmp_path / "claims", tmp_path)
    assert len(rows) == len(claims.ledger())
    doc = json.loads((tmp_path / "claims.json").read_text())
    by_id = {r["id"]: r for r in doc["claims"]}
    assert by_id["Ea_LiBH4_70LiNBH"]["status"] == "reproduced"
    assert by_id["lco_ICE"]["status"] == "not_computed" and by_id["lco_ICE"]["reason"]
    for row in doc["claims"]:
        assert {"id", "figure", "quantity", "unit", "paper", "computed", "uncertainty", "tolerance",
                "status", "notebook"} <= row.keys()
    text = (tmp_path / "REPRODUCTION.md").read_text()
    assert "reference dataset" in text and "## figS13" in text
    assert "**High-temperature Ea** (figS13): fitted above the detected jump" in text
    assert doc["remarks"][0]["notebook"] == "figS13"


def test_stable_rounds_every_float_of_a_document_and_leaves_the_rest():
    from paper_lib import claims

    doc = {"a": 1.7178889797937422e-07, "b": [0.5298059510930323, 3, True, None, "x"], "c": {"d": 30576.588924888252}}
    assert claims.stable(doc) == {"a": 1.71789e-07, "b": [0.529806, 3, True, None, "x"], "c": {"d": 30576.6}}
    # the last digits another CPU gives (seen on the emulated older CPU) no longer show
    assert claims.stable(1.7178889797927414e-07) == claims.stable(1.7178889797937422e-07)
