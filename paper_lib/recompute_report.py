"""The independent recomputation against the article: comparison rows, the report's section, audit inputs.

Every row holds a quantity, the article's value (from the ledger, by claim id, or derived from two claims),
the published structure's value where one exists, the recomputed value with its spread and what the
spread is, and a sentence saying what the difference means. Rows come from the committed results of
``data/recomputed/full`` (:func:`paper_lib.recompute.load`); nothing is computed here but arithmetic.

Spreads:

* lattice parameters and d-spacings: none is given; the residual stress of the relaxation (GPa, in the
  row's sentence) says how well the minimum was found, while the potential's own error is not a
  statistical quantity;
* B–H mean: the standard error over the structure's B–H bonds;
* NEB barrier: the largest of the supercell-size change, the image-count change and the interpolation
  uncertainty of the band (:mod:`paper_lib.neb`);
* D: the standard error of :func:`paper_lib.diffusion.diffusion_coefficient`. Only runs whose framework
  stayed on its sites (:func:`paper_lib.diffusion.framework`) enter the Arrhenius extrapolation: a cell that
  melted or rearranged does not give the crystal's D.
"""

import json
import math

from . import claims, recompute
from .output import atomic_write_text

CASE = "full"


def _article(cid):
    return claims.ledger()[cid]["paper"]


def _row(quantity, unit, article, source, recomputed, spread, spread_kind, meaning, published=None):
    diff = None if article is None or recomputed is None else recomputed - article
    pct = None if diff is None or not article else 100 * diff / article
    return {"quantity": quantity, "unit": unit, "article": article, "article_source": source,
            "published": published, "recomputed": recomputed, "spread": spread, "spread_kind": spread_kind,
            "difference": diff, "difference_pct": pct, "meaning": meaning}


def _not_computed(quantity, unit, article, source, why):
    return _row(quantity, unit, article, source, None, None, "", f"not computed yet: {why}")


def structure_rows(doc):
    out = []
    pnma = doc["results"]["LiBH4_Pnma"]
    lat, pub = pnma["relaxed"]["lattice"], pnma["published"]["lattice"]
    stress = pnma["stress_gpa"]
    for axis in ("a", "b", "c"):
        change = pnma["change_pct"][axis]
        out.append(_row(f"LiBH4 (Pnma) lattice parameter {axis}", "Å", None, "the article states none",
                        lat[axis], None, "",
                        f"{change:+.1f} % against the published room-temperature cell ({pub[axis]:.4f} Å); "
                        f"residual stress {stress:.3f} GPa",
                        published=pub[axis]))
    vol = pnma["change_pct"]["volume"]
    out.append(_row("LiBH4 (Pnma) volume per formula unit", "Å^3", None, "the article states none",
                    pnma["relaxed"]["lattice"]["volume_per_unit"], None, "",
                    f"{vol:+.1f} % against the published cell: a PBE-trained potential misses part of the "
                    "dispersion that holds the [BH4]⁻ units together, and has no thermal expansion",
                    published=pnma["published"]["lattice"]["volume_per_unit"]))
    for hkl, cid, ref in (("101", "hrtem_d101_LiBH4_in_LiBH4_70LiNBH", "ref_d101_LiBH4_Pnma_PDF"),
                          ("011", "hrtem_d011_LiBH4_in_LiBH4_70LiNBH", "ref_d011_LiBH4")):
        d_nm = pnma["relaxed"]["d_spacing"][hkl] / 10
        pub_nm = pnma["published"]["d_spacing"][hkl] / 10
        article, reference = _article(cid), _article(ref)
        out.append(_row(f"LiBH4 d({hkl})", "nm", article, f"`{cid}` (HRTEM fringe)", d_nm, None, "",
                        f"the relaxed cell gives {100 * (d_nm / reference - 1):+.1f} % against the article's reference "
                        f"{reference:g} nm; the fringe it reports is {100 * (article / reference - 1):+.1f} %. "
                        "Bulk LiBH4 relaxed without a host does not predict an expanded spacing",
                        published=pub_nm))
    bh = pnma["relaxed"]["BH"]
    composite, elongation = _article("dft_BH_bond_length_LiBH4_with_LiNBH"), _article("dft_BH_bond_elongation_pct")
    pure = composite / (1 + elongation / 100)
    out.append(_row("B–H mean bond length, bulk LiBH4 (Pnma)", "Å", pure,
                    "`dft_BH_bond_length_LiBH4_with_LiNBH` / (1 + `dft_BH_bond_elongation_pct`/100)",
                    bh["mean"], bh["sem"], "standard error over the cell's B–H bonds",
                    f"the article's DFT value for pure LiBH4, implied by its composite value and elongation, is "
                    f"{pure:.4f} Å; CHGNet gives {100 * (bh['mean'] / pure - 1):+.2f} % (the published X-ray positions "
                    "put H too close to B, as X-rays see the electron density of the bond)",
                    published=pnma["published"]["BH"]["mean"]))
    hexa = doc["results"].get("LiBH4_P63mc")
    if hexa:
        gap = hexa["energy_per_unit"] - pnma["energy_per_unit"]
        out.append(_row("P6_3mc − Pnma energy (P6_3mc in its published high-temperature cell)", "eV per LiBH4", None,
                        "the article states none", gap, hexa["fmax"], "residual force (eV/Å)",
                        "positive: the potential puts the low-temperature phase lowest, as it should; the "
                        "hexagonal phase is held at high temperature by the entropy of rotating [BH4]⁻ units, "
                        "which a static energy does not contain"))
    return out


def barrier_summary(doc):
    """The shortest hop's barrier (eV) in the largest supercell, its convergence spread and the parts of it:
    the change from the next smaller supercell (same image count) and from more images (same supercell)."""
    runs = doc["results"]["runs"]
    mine = [r for r in runs if r["hop"] == min(r["hop"] for r in runs)]
    fewest = min(r["images"] for r in mine)
    sizes = sorted((r for r in mine if r["images"] == fewest), key=lambda r: r["atoms"])
    biggest = sizes[-1]
    size = abs(biggest["barrier_images"] - sizes[-2]["barrier_images"]) if len(sizes) > 1 else math.nan
    count = max((abs(r["barrier_images"] - b["barrier_images"]) for r in mine for b in sizes
                 if r["atoms"] == b["atoms"] and r["images"] != fewest), default=math.nan)
    interp = max(r["interpolation_uncertainty"] for r in mine)
    spread = max(v for v in (size, count, interp) if not math.isnan(v))
    lowest = min(runs, key=lambda r: r["barrier_images"])
    return {"barrier": biggest["barrier_images"], "spread": spread, "size_change": size, "image_change": count,
            "interpolation": interp, "hop_length": biggest["hop_length"], "atoms": biggest["atoms"],
            "converged": all(r["converged"] for r in runs), "lowest_any": lowest["barrier_images"],
            "lowest_any_hop_length": lowest["hop_length"]}


def migration_rows(doc):
    s = barrier_summary(doc)
    article, ea_ht = _article("Eb_NEB_LiBH4"), _article("Ea_LiBH4_HT_P63mc")
    ratio = s["barrier"] / article
    return [_row("lowest Li vacancy migration barrier, LiBH4 (Pnma)", "eV", article, "`Eb_NEB_LiBH4` (DFT-NEB)",
                 s["barrier"], s["spread"], "largest of supercell-size change, image-count change and "
                 "interpolation uncertainty",
                 f"the {s['hop_length']:.2f} Å hop in {s['atoms']} atoms: {ratio:.1f} × the article's barrier "
                 f"(size change {s['size_change']:.3f} eV, image count {s['image_change']:.3f} eV). "
                 + ("Universal potentials tend to underestimate barriers, so a higher value is not the potential's "
                    "softness. " if ratio > 1 else "A softer potential would give a lower barrier. ")
                 + f"Both lie far below the Arrhenius Ea of hexagonal LiBH4 ({ea_ht:g} eV): one vacancy hop is not "
                 "the macroscopic activation energy, which adds defect formation and longer paths")]


def crystalline(runs):
    """The runs that resolved a D while their framework stayed a crystal (runs without a framework check
    count as crystalline)."""
    return [r for r in runs if r["D_cm2_s"] is not None and r.get("framework", {}).get("intact", True)]


def run_temperature(run):
    """The temperature (K) a run's D belongs to: its measured mean, else its set point."""
    return run.get("mean_temperature_K") or run["temperature_K"]


def d_arrhenius(runs):
    """Arrhenius fit D = D0 exp(-Ea/kB T) of the crystalline runs (:func:`crystalline`; None with fewer
    than two), and D (cm²/s) with its standard error extrapolated to 30 °C. T is each run's measured mean
    temperature (K) where recorded, the thermostat's set point otherwise: D belongs to the temperature the
    cell had."""
    from .arrhenius import arrhenius_fit

    resolved = crystalline(runs)
    if len(resolved) < 2:
        return None, None
    t_c = [run_temperature(r) - 273.15 for r in resolved]
    fit = arrhenius_fit((t_c, [r["D_cm2_s"] for r in resolved]), [r["D_stderr_cm2_s"] for r in resolved], form="sigma")
    d30, d30_err = fit.predict(ROOM_C)
    return fit, (float(d30), float(d30_err))


ROOM_C = 30.0


def measured_as_d(number_density_cm3):
    """The D (cm²/s) that LiBH4's measured σ at 30 °C implies by Nernst–Einstein (Haven ratio 1) at the Li
    number density ``number_density_cm3``: the value an MD extrapolation should meet."""
    from .diffusion import nernst_einstein
    from .peaks import Estimate

    one = nernst_einstein(Estimate(1.0, 0.0, "cm^2/s"), number_density_cm3, ROOM_C + 273.15)
    return _article("sigma_30C_LiBH4") / one.value


def interstitial_rows(doc):
    """The lowest Li interstitial barrier against the article's NEB barrier (a not-computed row without
    ``doc``), and the energy of the second interstitial site."""
    article = _article("Eb_NEB_LiBH4")
    if doc is None:
        return [_not_computed("lowest Li interstitial migration barrier, LiBH4 (Pnma)", "eV", article,
                              "`Eb_NEB_LiBH4` (DFT-NEB)", "the interstitial sites and bands of the full case take "
                              "about two CPU hours (`make recompute PARTS=interstitial`)")]
    s = barrier_summary(doc)
    sites = doc["results"]["sites"]
    meaning = (f"the {s['hop_length']:.2f} Å hop between equivalent sites in {s['atoms']} atoms, "
               f"{s['barrier'] / article:.1f} × the article's barrier; the lowest of "
               f"{len(sites)} relaxed sites from {doc['results']['candidates']} distinct voids")
    if len(sites) > 1:
        meaning += f", the next {sites[1]['relative_energy_eV'] * 1000:.0f} meV above it"
    spread_kind = ("largest of supercell-size change and interpolation uncertainty"
                   if not math.isnan(s["size_change"]) else "interpolation uncertainty")
    return [_row("lowest Li interstitial migration barrier, LiBH4 (Pnma)", "eV", article, "`Eb_NEB_LiBH4` (DFT-NEB)",
                 s["barrier"], s["spread"], spread_kind, meaning)]


def _run_meaning(run):
    """What one MD run says: its diffusive window, and whether its framework stayed on its sites."""
    if run["D_cm2_s"] is None:
        text = (f"not resolved: the MSD reaches {run['msd_final_A2']:.2f} Å² in {run['lag_final_fs']:g} fs, "
                "no diffusive window")
    else:
        text = f"resolved over {run['window_fs'][0] / 1000:g}–{run['window_fs'][1] / 1000:g} ps"
    if run.get("mean_temperature_K") is not None:
        text += f" (mean {run['mean_temperature_K']:.0f} K)"
    frame = run.get("framework")
    if frame is None:
        return text
    where = (f"{frame['element']} RMS displacement {frame['rms_displacement_A']:.2f} Å in {frame['lag_fs'] / 1000:g} ps, "
             f"{frame['ratio']:.2f} of its {frame['neighbour_distance_A']:.2f} Å neighbour distance")
    if frame["intact"]:
        return f"{text}; the framework stayed on its sites ({where})"
    return (f"{text}; the framework left its sites ({where}): the cell melted or rearranged, so this is "
            "not the crystal's D; left out of the extrapolation")


def diffusion_rows(doc):
    d_aimd = _article("D_AIMD_30C_LiBH4")
    if doc is None:
        return [_not_computed("Li self-diffusion coefficient at 30 °C, LiBH4", "cm^2/s", d_aimd,
                              "`D_AIMD_30C_LiBH4` (AIMD, 303 K)", "the molecular dynamics of the full case takes "
                              "many CPU hours (`make recompute PARTS=diffusion`)")]
    runs = sorted(doc["results"]["runs"], key=lambda run: run["temperature_K"])
    out = [_row(f"Li self-diffusion coefficient at {run['temperature_K']:g} K", "cm^2/s", None,
                "the article's AIMD is at 303 K only", run["D_cm2_s"], run["D_stderr_cm2_s"], "standard error",
                _run_meaning(run)) for run in runs]
    fit, d30 = d_arrhenius(runs)
    if fit is None:
        usable = len(crystalline(runs))
        return out + [_row("Li self-diffusion coefficient at 30 °C (Arrhenius extrapolation)", "cm^2/s", d_aimd,
                           "`D_AIMD_30C_LiBH4` (AIMD, 303 K)", None, None, "",
                           f"not extrapolated: {usable} of {len(runs)} runs resolved a D in an intact crystal, "
                           "and an extrapolation needs two")]
    from .diffusion import nernst_einstein
    from .peaks import Estimate

    sigma = nernst_einstein(Estimate(*d30, "cm^2/s"), runs[0]["number_density_cm3"], ROOM_C + 273.15)
    measured = _article("sigma_30C_LiBH4")
    out += [_row("Li self-diffusion coefficient at 30 °C (Arrhenius extrapolation)", "cm^2/s", d_aimd,
                 "`D_AIMD_30C_LiBH4` (AIMD, 303 K)", d30[0], d30[1], "standard error of the extrapolation",
                 f"{d30[0] / d_aimd:.2g} × the article's AIMD value, extrapolated from "
                 f"{min(fit.temperatures_C) + 273.15:.0f}–{max(fit.temperatures_C) + 273.15:.0f} K (the runs' mean temperatures)"),
            _row("Arrhenius activation energy of D", "eV", _article("Ea_LiBH4_HT_P63mc"), "`Ea_LiBH4_HT_P63mc` (EIS)",
                 fit.ea, fit.ea_stderr, "standard error",
                 f"the MD's Ea from {len(fit.temperatures_C)} temperatures against the measured Ea of hexagonal LiBH4"
                 + ("; two points fix a line and cannot test the Arrhenius form" if len(fit.temperatures_C) == 2 else "")),
            _row("Nernst–Einstein conductivity at 30 °C", "S/cm", measured, "`sigma_30C_LiBH4` (EIS)",
                 sigma.value, sigma.stderr, "propagated from D",
                 f"{sigma.value / measured:.2g} × the measured conductivity (Haven ratio 1)")]
    return out


def rows(root=recompute.OUT) -> list:
    """Every comparison row of the committed full case (empty when nothing was recomputed)."""
    out = []
    structure = recompute.load(CASE, "structure", root)
    if structure:
        out += structure_rows(structure)
    migration = recompute.load(CASE, "migration", root)
    if migration:
        out += migration_rows(migration)
    if structure or migration:
        out += interstitial_rows(recompute.load(CASE, "interstitial", root))
        out += diffusion_rows(recompute.load(CASE, "diffusion", root))
    return out


def potential(root=recompute.OUT) -> dict | None:
    for part in recompute.PARTS:
        doc = recompute.load(CASE, part, root)
        if doc:
            return doc["potential"]
    return None


def _fmt(value, digits=4):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}g}"


def report_section(found=None) -> list:
    """The 'Independent recomputation' section of REPRODUCTION.md, as lines."""
    found = rows() if found is None else found
    if not found:
        return []
    pot = potential()
    out = ["## Independent recomputation", "",
           f"The article's atomistic numbers computed again, without its values, with the universal potential "
           f"{pot['model']} {pot['model_version']} (weights sha256 {pot['weights_sha256'][:12]}…, chgnet "
           f"{pot['chgnet']}, torch {pot['torch']}) from the published crystal structures "
           "(`make recompute`; results with their provenance in `data/recomputed/full/`, notebooks "
           "`recompute_*.ipynb`). A second opinion, not the truth: the potential learnt PBE and is known to be "
           "soft.", "",
           "| quantity | article | published structure | recomputed | spread | unit | what the difference means |",
           "|---|---|---|---|---|---|---|"]
    for r in found:
        article = _fmt(r["article"]) + (f" ({r['article_source']})" if r["article"] is not None else "")
        spread = "" if r["spread"] is None else f"{_fmt(r['spread'], 2)} ({r['spread_kind']})"
        out.append(f"| {r['quantity']} | {article} | {_fmt(r['published'])} | {_fmt(r['recomputed'])} | {spread} "
                   f"| {r['unit']} | {r['meaning']} |")
    out.append("")
    return out


def write(path, found=None):
    """Write the comparison rows as JSON (``figures/recomputation.json``)."""
    found = rows() if found is None else found
    atomic_write_text(path, json.dumps({"case": CASE, "potential": potential(), "rows": claims.stable(found)}, indent=1) + "\n")


def frame(found):
    """The rows as a pandas DataFrame for display (quantity, article, published, recomputed, spread, unit)."""
    import pandas as pd

    return pd.DataFrame([{"quantity": r["quantity"], "article": r["article"], "published": r["published"],
                          "recomputed": r["recomputed"], "spread": r["spread"], "unit": r["unit"],
                          "difference %": r["difference_pct"]} for r in found]).set_index("quantity")
