"""The checks of :mod:`paper_lib.audit`, one per ledger inconsistency (``inc_*``), then the additional ones
(``aud_*``). Each takes an :class:`~paper_lib.audit.Inputs` and returns the finding's fields: ``found``,
``severity`` and ``evidence`` (sentences in this project's words, with the numbers and the arithmetic;
article passages by section and paragraph)."""

import math
import re

from . import chemistry, diffusion, images
from .audit import (CU_KA1, IUPAC_PORES_NM, KB_EV, LI_PER_CELL, LI_YOUNG_GPA, LIBH4_RT_CELL, THIN_NM, check,
                    half_unit, rounds_to, span, two_theta_from_d, where)
from .diffusion import E_CHARGE, KB as KB_J
from .peaks import Estimate


def _u(x, digits=2):
    """'3.29e-08 ± 1.2e-10' for a ufloat ('not computed' for None)."""
    if x is None:
        return "not computed"
    return f"{x.nominal_value:.{digits + 1}g} ± {x.std_dev:.2g}"


def li_density_cm3():
    """Li per cm³ in Pnma LiBH4 at room temperature (Z = 4)."""
    a, b, c = LIBH4_RT_CELL
    return LI_PER_CELL / (a * b * c * 1e-24)


HOP_A, HOP_HZ = 4.0, 1e13  # Å, Hz: a Li–Li hop length in LiBH4 and a phonon attempt frequency (assumed)


def hop_prefactor():
    """A = n e² a² ν / (6 kB), S K/cm: the Arrhenius prefactor of uncorrelated Li hops in LiBH4."""
    return li_density_cm3() * E_CHARGE ** 2 * (HOP_A * 1e-8) ** 2 * HOP_HZ / (6 * KB_J)


def hop_time_ns(d_cm2_s):
    """a²/(6 D) in ns: when the mean-square displacement reaches one hop length squared."""
    return (HOP_A * 1e-8) ** 2 / (6 * d_cm2_s) * 1e9


def nernst_einstein(d_cm2_s, n_cm3, temperature_K=303.15):
    """σ = n e² D / (kB T), S/cm (Haven ratio 1), for a D printed without an error."""
    return diffusion.nernst_einstein(Estimate(d_cm2_s, 0.0), n_cm3, temperature_K).value


# ------------------------------------------------------------------ the ledger's inconsistencies
@check("inc_headline_sigma_attributed_to_LiBH4", "computed and text")
def headline(x):
    composite, pure = x.paper("sigma_30C_LiBH4_70LiNBH"), x.paper("sigma_30C_LiBH4")
    hits = x.passages("inc_headline_sigma_attributed_to_LiBH4", "attributed")
    stated = [float(f"{m['groups'][0]}e{m['groups'][1]}") for m in hits]
    orders = math.log10(composite / pure)
    found = bool(hits) and all(rounds_to(v, composite) for v in stated)
    return {"found": found, "severity": "moderate", "evidence": [
        f"The value {composite:g} S/cm, which the article measures for LiBH4-70LiNBH at 30 °C, is given as "
        f"LiBH4's own conductivity in {len(hits)} places ({where(hits)}).",
        f"Pure LiBH4 has {pure:g} S/cm at 30 °C; {composite:g}/{pure:g} = {composite / pure:.0f}, "
        f"{orders:.2f} orders of magnitude: the 'nearly 4 orders' is the composite against LiBH4, "
        "so the number is right and the material named is not."]}


@check("inc_fig3_f_g_swap", "text")
def fig3_f_g(x):
    one = x.passages("inc_fig3_f_g_swap", "text_1mA")
    four = x.passages("inc_fig3_f_g_swap", "text_4mA")
    caption = x.passages("inc_fig3_f_g_swap", "caption")
    text_panels = {one[0]["groups"][0]: one[0]["groups"][1], four[0]["groups"][0]: four[0]["groups"][1]}
    g = caption[0]["groups"]
    caption_panels = {g[1]: g[0], g[3]: g[2]}
    found = text_panels != caption_panels
    x.paper("overpotential_1mA_LiBH4_70LiNBH"), x.paper("overpotential_4mA_LiBH4_70LiNBH")
    return {"found": found, "severity": "minor", "evidence": [
        f"The text ({where(one + four)}) cites 1 mA/cm² to Figure 3{text_panels['1']} and 4 mA/cm² to "
        f"Figure 3{text_panels['4']}; the caption ({where(caption)}) gives 1 mA/cm² to {caption_panels['1']}) "
        f"and 4 mA/cm² to {caption_panels['4']}).",
        "The compendium's panels follow the text."]}


@check("inc_fig3g_cited_for_NEB", "text")
def fig3g_neb(x):
    barrier = x.paper("Eb_NEB_LiBH4")
    cite = x.passages("inc_fig3g_cited_for_NEB", "cite")
    cycling = x.passages("inc_fig3g_cited_for_NEB", "caption_cycling")
    neb = x.passages("inc_fig3g_cited_for_NEB", "neb_panel")
    cited = cite[0]["groups"][1]
    cycling_panels = {f"3{p}" for p in cycling[0]["groups"]}
    found = cited in cycling_panels
    return {"found": found, "severity": "minor", "evidence": [
        f"The LiBH4 barrier {barrier:g} eV is cited to Figure {cited} ({where(cite)}); in the Figure 3 caption "
        f"{', '.join(sorted(cycling_panels))} are galvanostatic cycling panels.",
        f"The Li-ion diffusion energy profiles are panel {neb[0]['groups'][0]} of Figure 2 ({where(neb)}): "
        f"the citation should read Figure 2{neb[0]['groups'][0]}."]}


@check("inc_fig3c_cited_for_FTIR", "text")
def fig3c_ftir(x):
    before, after = x.paper("ftir_BH_stretch_LiBH4"), x.paper("ftir_BH_stretch_LiBH4_70LiNBH")
    cite = x.passages("inc_fig3c_cited_for_FTIR", "cite")
    cv = x.passages("inc_fig3c_cited_for_FTIR", "caption_c")
    ftir = x.passages("inc_fig3c_cited_for_FTIR", "ftir_panel")
    found = cite[0]["groups"][0] == "3c" and bool(cv)
    return {"found": found, "severity": "minor", "evidence": [
        f"The B–H stretch shift {before:g} → {after:g} cm⁻¹ is cited to Figure {cite[0]['groups'][0]} "
        f"({where(cite)}); panel c of Figure 3 is a voltammogram (OCV to {cv[0]['groups'][1]} V, {where(cv)}).",
        f"The FTIR spectra are Figure 1{ftir[0]['groups'][0]} ({where(ftir)}) and S3."]}


@check("inc_fig4_caption_labels", "text")
def fig4_labels(x):
    letters = [ch for m in x.passages("inc_fig4_caption_labels", "letters") for ch in m["groups"][0].split(",")]
    sem = x.passages("inc_fig4_caption_labels", "sem")[0]["groups"]
    cites = [m["groups"][0] for m in x.passages("inc_fig4_caption_labels", "text_cites")]
    twice = sorted({ch for ch in letters if letters.count(ch) > 1})
    span_letters = [chr(c) for c in range(ord("a"), ord(max(letters)) + 1)]
    missing = [ch for ch in span_letters if ch not in letters]
    found = bool(twice or missing)
    return {"found": found, "severity": "minor", "evidence": [
        f"The Figure 4 caption labels panels {', '.join(letters)}: {', '.join(twice) or 'none'} twice, "
        f"{', '.join(missing) or 'none'} never. The cross-section SEM images are given as {sem[0]}) for the "
        f"composite and {sem[1]}) for LiBH4.",
        f"The text cites Figure {', '.join(cites)}; before/after pairs d,f (composite) and e,g (LiBH4) are the "
        "labelling consistent with it."]}


@check("inc_units_S_per_cm2", "text")
def units(x):
    x.paper("sigma_e_RT_LiNBH"), x.paper("sigma_e_RT_LiBH4_70LiNBH")
    hits = x.passages("inc_units_S_per_cm2", "per_cm2")
    values = [re.sub(r"(?:(\d)×)?10(-\d+)", lambda g: f"{g.group(1) or '1'}e{g.group(2)}", m["groups"][0].replace(" ", ""))
              for m in hits]
    return {"found": bool(hits), "severity": "minor", "evidence": [
        f"{len(hits)} conductivities are printed in S cm⁻² ({', '.join(values)}; {where(hits)}).",
        "A conductivity σ = L/(R A) has the unit S cm⁻¹ (S/cm); the compendium uses S/cm."]}


@check("inc_ccd_temperature_mismatch", "computed and text")
def ccd(x):
    composite, pure = x.paper("ccd_60C_LiBH4_70LiNBH"), x.paper("ccd_LiBH4")
    stated = x.paper("ratio_ccd_LiBH4_70LiNBH_over_LiBH4")
    at30 = x.paper("ccd_30C_LiBH4_70LiNBH")
    caption = x.passages("inc_ccd_temperature_mismatch", "fig3_caption_LiBH4")
    t_pure = int(caption[0]["groups"][0])
    lo, hi = span(lambda a, b: a / b, composite, pure)
    computed = x.computed("ratio_ccd_LiBH4_70LiNBH_over_LiBH4")
    return {"found": t_pure != 60, "severity": "moderate", "evidence": [
        f"The LiBH4 cell ran at {t_pure} °C (Figure 3 caption), the composite at 60 °C: the ratio "
        f"{composite:g}/{pure:g} compares two temperatures, not two electrolytes at one.",
        f"Arithmetic: {composite:g}/{pure:g} = {composite / pure:.4f}, printed {stated:g}. With the rounding of the "
        f"printed CCDs the ratio lies in [{lo:.3f}, {hi:.3f}], so {stated:g} is within rounding; "
        f"the compendium's own CCDs give {_u(computed)}.",
        f"At 30 °C the composite still reaches {at30:g} mA/cm² ({at30 / pure:.2f} × LiBH4's CCD at {t_pure} °C)."]}


@check("inc_control_cells_at_120C", "computed and text")
def control_cells(x):
    x.paper("failure_time_1mA_LiBH4"), x.paper("lto_LiBH4_capacity_cycle21")
    transition = x.paper("dsc_phase_transition_LiBH4")
    fig3 = x.passages("inc_control_cells_at_120C", "fig3_caption")
    fig5 = x.passages("inc_control_cells_at_120C", "fig5_caption")
    fig4 = x.passages("inc_control_cells_at_120C", "fig4_caption")
    temps = {int(fig3[0]["groups"][0]), int(fig5[0]["groups"][0])}
    all_at = int(fig4[0]["groups"][0])
    return {"found": temps != {all_at}, "severity": "moderate", "evidence": [
        f"The LiBH4 control cells ran at {'/'.join(map(str, sorted(temps)))} °C (Figure 3 and Figure 5 captions), "
        f"the composite cells at 60 °C: LiBH4 is a fast conductor only in its hexagonal phase, above its "
        f"{transition:g} °C transition.",
        f"The Figure 4 caption says that all its cycling tests, the Li|LiBH4|Li cell's included, ran at {all_at} °C "
        f"({where(fig4)}), which contradicts the {'/'.join(map(str, sorted(temps)))} °C of the other captions."]}


@check("inc_lto_retention", "computed and text")
def lto_retention(x):
    first, last = x.paper("lto_first_cycle_capacity_0p05C_60C"), x.paper("lto_capacity_cycle168")
    stated = x.paper("lto_capacity_retention_cycle168")
    lo, hi = span(lambda a, b: 100 * b / a, first, last)
    reference = 100 * last / stated
    return {"found": not lo <= stated <= hi, "severity": "moderate", "evidence": [
        f"{last:g}/{first:g} = {100 * last / first:.1f} %; with the printed capacities' rounding "
        f"[{lo:.1f}, {hi:.1f}] %, never the stated {stated:g} %.",
        f"{stated:g} % of {last:g} mAh/g needs a reference capacity of {reference:.1f} mAh/g, i.e. retention "
        "relative to the highest capacity of the test, not to cycle 1; the article does not say so."]}


@check("inc_lto_called_cathode", "text")
def lto_cathode(x):
    voltage = x.paper("lto_avg_discharge_voltage")
    x.paper("lto_first_cycle_capacity_0p05C_60C")
    hits = (x.passages("inc_lto_called_cathode", "cathode") + x.passages("inc_lto_called_cathode", "full_cell")
            + x.passages("inc_lto_called_cathode", "toward"))
    return {"found": bool(hits), "severity": "moderate", "evidence": [
        f"Li4Ti5O12 works at {voltage:g} V against Li: an anode material. Against Li metal it is the positive "
        f"electrode of a half cell, which the article calls a cathode and a full cell ({where(hits)}).",
        f"A cell of {voltage:g} V tests the electrolyte at low potential; it does not show compatibility with a "
        "cathode at 4 V."]}


@check("inc_lto_rate_capacity", "computed and text")
def lto_rate(x):
    slow, slow_last = x.paper("lto_first_cycle_capacity_0p05C_60C"), x.paper("lto_capacity_cycle168")
    fast, fast10 = x.paper("lto_initial_capacity_0p1C"), x.paper("lto_capacity_0p1C_cycle10")
    found = min(fast, fast10) > max(slow, slow_last)
    return {"found": found, "severity": "moderate", "evidence": [
        f"At 60 °C the 0.1 C cell gives {fast:g} and {fast10:g} mAh/g (cycles 1 and 10), the 0.05 C cell "
        f"{slow:g} and {slow_last:g} mAh/g (cycles 1 and 168): {fast / slow:.2f} × more at twice the rate.",
        "A cell gives less capacity at a higher rate; the two cells must differ in something else (loading, "
        "electrode, electrolyte batch), which the article does not state."]}


@check("inc_sigma_e_LiBH4_implied", "computed")
def sigma_e(x):
    fold, composite = x.paper("ratio_sigma_e_LiBH4_over_LiBH4_70LiNBH_RT"), x.paper("sigma_e_RT_LiBH4_70LiNBH")
    ionic = x.paper("sigma_30C_LiBH4")
    implied = fold * composite
    lo, hi = span(lambda f, c: f * c, fold, composite)
    return {"found": lo > ionic, "severity": "major", "evidence": [
        f"'{fold:g} times' the composite's {composite:g} S/cm gives LiBH4 an electronic conductivity of "
        f"{implied:.3g} S/cm ([{lo:.3g}, {hi:.3g}] with rounding).",
        f"That is {implied / ionic:.1f} × LiBH4's ionic conductivity at 30 °C ({ionic:g} S/cm): if both held, "
        "LiBH4 would conduct electrons better than Li ions and could not serve as the reference electrolyte."]}


@check("inc_AIMD_vs_experiment", "computed")
def aimd(x):
    n = li_density_cm3()
    d_pure, d_linbh = x.paper("D_AIMD_30C_LiBH4"), x.paper("D_AIMD_30C_LiNBH")
    s_pure, s_linbh = x.paper("sigma_30C_LiBH4"), x.paper("sigma_RT_LiNBH")
    e_pure, e_linbh = x.paper("Eb_NEB_LiBH4"), x.paper("Eb_NEB_LiNBH")
    ne_pure = nernst_einstein(d_pure, n)
    d_needed = s_pure / nernst_einstein(1.0, n)
    found = ne_pure / s_pure > 10 or (d_linbh > d_pure) != (s_linbh > s_pure)
    return {"found": found, "severity": "major", "evidence": [
        f"Nernst–Einstein with the Li density of Pnma LiBH4 ({n:.3g} cm⁻³, Z = 4, room-temperature cell) turns "
        f"D = {d_pure:g} cm²/s at 303 K into σ = {ne_pure:.3g} S/cm, {ne_pure / s_pure:.0f} × the measured "
        f"{s_pure:g} S/cm; the measured σ needs D ≈ {d_needed:.2g} cm²/s.",
        f"AIMD ranks LiNBH above LiBH4 (D ratio {d_linbh / d_pure:.1f}); the conductivities rank it below "
        f"({s_linbh:g} against {s_pure:g} S/cm), and so do the NEB barriers ({e_linbh:g} against {e_pure:g} eV).",
        f"The mean-square displacement 6Dt reaches one {HOP_A:g} Å hop squared only after {hop_time_ns(d_pure):.0f} ns "
        f"(LiBH4) and {hop_time_ns(d_linbh):.0f} ns (LiNBH): AIMD runs of tens of picoseconds cannot resolve such D "
        "at 303 K; they must come from an extrapolation the article does not describe."]}


@check("inc_NEB_vs_Ea", "computed")
def neb_vs_ea(x):
    ea = x.paper("Ea_LiBH4_70LiNBH")
    ea_ht = x.paper("Ea_LiBH4_HT_P63mc")
    barriers = {cid: x.paper(cid) for cid in ("Eb_NEB_interface_LiNBH_LiBH4", "Eb_NEB_LiBH4", "Eb_NEB_LiNBH")}
    sigma = x.paper("sigma_30C_LiBH4_70LiNBH")
    t = 303.15
    prefactor = sigma * t * math.exp(ea / (KB_EV * t))
    low = min(barriers.values())
    prefactor_neb = sigma * t * math.exp(low / (KB_EV * t))
    expected = hop_prefactor()
    computed = x.computed("Ea_LiBH4_70LiNBH")
    return {"found": max(barriers.values()) < ea / 2, "severity": "moderate", "evidence": [
        f"The NEB barriers {', '.join(f'{v:g}' for v in barriers.values())} eV are {ea / max(barriers.values()):.1f}–"
        f"{ea / low:.1f} times below the composite's Arrhenius Ea = {ea:g} eV (the compendium's fit: {_u(computed)} eV).",
        f"σT = A exp(−Ea/kB T) at σ(30 °C) = {sigma:g} S/cm: Ea = {ea:g} eV needs A = {prefactor:.2g} S K/cm, the "
        f"{low:g} eV barrier A = {prefactor_neb:.2g} S K/cm. A random walk of Li at the density of LiBH4 with "
        f"{HOP_A:g} Å hops at {HOP_HZ:.0e} Hz gives A = n e² a² ν / (6 kB) = {expected:.1g} S K/cm: the measured Ea "
        f"is plausible ({prefactor / expected:.0f} ×), the NEB barrier would need {expected / prefactor_neb:.0e} × "
        "fewer successful hops. Single-hop barriers of ideal models are not the macroscopic Ea.",
        f"The {ea_ht:g} eV of hexagonal LiBH4 is itself high: about 0.5–0.7 eV is usual for that phase (e.g. "
        "0.53 eV, Matsuo et al., Appl. Phys. Lett. 91 (2007) 224103)."]}


@check("inc_amorphous_LiBH4", "computed and text")
def amorphous(x):
    d_hrtem, d_ref = x.paper("hrtem_d101_LiBH4_in_LiBH4_70LiNBH"), x.paper("ref_d101_LiBH4_Pnma_PDF")
    peak = x.paper("xrd_enhanced_peak_2theta_LiBH4_70LiNBH")
    hits = x.passages("inc_amorphous_LiBH4", "amorphous") + x.passages("inc_amorphous_LiBH4", "unchanged")
    t_ref, t_hrtem = two_theta_from_d(10 * d_ref, CU_KA1), two_theta_from_d(10 * d_hrtem, CU_KA1)
    return {"found": bool(hits), "severity": "moderate", "evidence": [
        f"The text concludes that LiBH4 became amorphous ({where(hits)}) while the XRD shows LiBH4 peaks, one of "
        f"them enhanced (at ~{peak:g}°), and HRTEM shows LiBH4 lattice fringes: crystalline LiBH4.",
        f"The fringes give d(101) = {d_hrtem:g} nm against {d_ref:g} nm ({100 * (d_hrtem / d_ref - 1):+.1f} %). "
        f"With Cu Kα1 that moves (101) from {t_ref:.2f}° to {t_hrtem:.2f}° ({t_hrtem - t_ref:+.2f}°), "
        "which the article's 'unchanged' XRD peaks do not show."]}


@check("inc_T2_reasoning", "computed and text")
def t2(x):
    fwhm_pure, fwhm = x.paper("nmr1H_FWHM_LiBH4"), x.paper("nmr1H_FWHM_LiBH4_70LiNBH")
    hits = x.passages("inc_T2_reasoning", "reasoning")
    larmor_mhz = 400.0  # ¹H at 9.4 T; the article does not state its field
    t2_pure, t2_comp = (1e3 / (math.pi * w * larmor_mhz) for w in (fwhm_pure, fwhm))
    return {"found": bool(hits), "severity": "minor", "evidence": [
        f"A Lorentzian line has FWHM = 1/(π T2*): the narrower line of the composite ({fwhm:g} against "
        f"{fwhm_pure:g} ppm) means a longer T2*, {t2_comp / t2_pure:.2f} × that of LiBH4 "
        f"({t2_comp:.2f} against {t2_pure:.2f} ms at an assumed 400 MHz).",
        f"The article pairs the narrower line with a shortened relaxation time ({where(hits)}): motional narrowing "
        "lengthens T2; the conclusion (more mobile [BH4]⁻) stands, its wording does not."]}


@check("inc_mesopores_vs_PSD", "computed and text")
def mesopores(x):
    lo, hi = x.paper("pore_diameter_range_LiNBH")
    hits = x.passages("inc_mesopores_vs_PSD", "mesopores")
    lo_nm, hi_nm = 1e3 * lo, 1e3 * hi
    classes = [name for name, (a, b) in IUPAC_PORES_NM.items() if a < hi_nm and lo_nm < b]
    return {"found": bool(hits) and classes == ["macropores"], "severity": "minor", "evidence": [
        f"The pore size distribution spans {lo_nm:.0f}–{hi_nm:.0f} nm; IUPAC classes: micropores < 2 nm, "
        f"mesopores 2–50 nm, macropores > 50 nm. The whole range is {' and '.join(classes)}.",
        f"The text speaks of uniform mesopores ({where(hits)}), which the distribution does not contain."]}


@check("inc_ultrathin_400nm", "computed and text")
def ultrathin(x):
    thickness = x.paper("interphase_thickness_Li3N_LiB")
    computed = x.computed("interphase_thickness_Li3N_LiB")
    hits = x.passages("inc_ultrathin_400nm", "ultrathin")
    return {"found": bool(hits) and thickness > THIN_NM, "severity": "minor", "evidence": [
        f"The Li3N/Li–B layer fades at {thickness:g} nm of depth (the compendium's depth profile: {_u(computed)} nm), "
        f"{thickness / THIN_NM:.0f} × the {THIN_NM} nm below which Li interphases are usually called thin "
        "(a native SEI is nanometres to a few tens of nanometres).",
        f"The article calls it ultrathin in {len(hits)} places ({where(hits)}). The depth scale also rests on an "
        "etch rate the article does not state."]}


@check("inc_BH_rounding", "computed")
def bh_rounding(x):
    pct = x.paper("dft_BH_bond_elongation_pct")
    composite = x.paper("dft_BH_bond_length_LiBH4_with_LiNBH")
    naive = 100 * (composite / 1.22 - 1)
    implied = composite / (1 + pct / 100)
    lo, hi = span(lambda c, p: 100 * (c / p - 1), composite, 1.22)
    found = not rounds_to(implied, 1.22)
    return {"found": found, "severity": "none", "evidence": [
        f"From the printed {composite:g} Å and a 1.22 Å LiBH4 bond, 1.23/1.22 − 1 = {naive:.2f} %, not {pct:g} %.",
        f"But two-decimal lengths allow any elongation in [{max(lo, 0):.2f}, {hi:.2f}] %: {pct:g} % implies a "
        f"pure-LiBH4 bond of {implied:.4f} Å, which prints as 1.22 Å. The numbers are consistent; only more digits "
        "could check the 0.65 %."]}


@check("inc_youngs_modulus_implied", "computed")
def youngs(x):
    modulus, ratio = x.paper("youngs_modulus_Li_cycled_LiBH4_70LiNBH"), x.paper("ratio_youngs_modulus_vs_LiBH4")
    implied = modulus / ratio
    lo, hi = span(lambda m, r: m / r, modulus, ratio)
    bulk_lo, bulk_hi = LI_YOUNG_GPA
    return {"found": lo > bulk_hi, "severity": "moderate", "evidence": [
        f"{modulus:g} GPa / {ratio:g} = {implied:.2f} GPa ([{lo:.2f}, {hi:.2f}] with rounding) for Li cycled with "
        f"LiBH4: {implied / bulk_hi:.1f}–{implied / bulk_lo:.1f} × the Young's modulus of bulk Li "
        f"({bulk_lo:g}–{bulk_hi:g} GPa).",
        "Neither value is Li metal's own: both measure a stiffer surface layer, so the 2.7 compares two "
        "interphases. The article shows no map or histogram for the LiBH4 side's value."]}


@check("inc_cv_scan_duration", "computed and text")
def cv_duration(x):
    window = x.paper("esw_LiBH4_70LiNBH")
    computed = x.computed("esw_LiBH4_70LiNBH")
    rate = float(x.passages("inc_cv_scan_duration", "rate")[0]["groups"][0])
    low, high = (float(v) for v in x.passages("inc_cv_scan_duration", "window")[0]["groups"])
    hours = (high - low) / (rate * 1e-3) / 3600
    fade = x.paper("lco_4p5V_retention_cycle50")
    return {"found": math.isclose(window, high), "severity": "moderate", "evidence": [
        f"At {rate:g} mV/s a sweep from {low:g} to {high:g} V takes {hours:.1f} h, a full cycle {2 * hours:.0f} h: "
        f"the repeated scans of Figure 3a–c are weeks of testing at 60 °C, which the article does not mention.",
        f"The {window:g} V window is the upper scan limit: the current never crosses a stated threshold before it "
        f"(the compendium finds {_u(computed)} V, the limit itself), so it is a lower bound of the "
        f"stability window, not a measured onset. The 4.5 V LiCoO2 test fades ({fade:g} % after 50 cycles)."]}


@check("inc_naming_typos", "text")
def typos(x):
    names = {"LiNH2BH2": "LiNH2BH3", "LiNBH2BH3": "LiNH2BH3", "LiBNH": "LiNBH", "Li2N": "Li3N",
             "rations": "reactions", "ocv_tests": "voltammetric scans"}
    found = {k: x.passages("inc_naming_typos", k) for k in names}
    weight = x.passages("inc_naming_typos", "weight_ratio")
    stoich = x.passages("inc_naming_typos", "stoichiometric_ratio")
    listed = [f"'{m['groups'][0]}' for {names[k]} ({where(found[k])})" for k, v in found.items() for m in v[:1]]
    return {"found": bool(listed), "severity": "minor", "evidence": [
        "Misprints: " + "; ".join(listed) + ".",
        f"x is a weight ratio ({where(weight)}) and elsewhere a stoichiometric ratio ({where(stoich)}); the samples "
        "are made by weight."]}


@check("inc_fig3_caption_garbled", "text")
def fig3_caption(x):
    hits = x.passages("inc_fig3_caption_garbled", "ranges")
    g = hits[0]["groups"] if hits else [""] * 5
    return {"found": bool(hits), "severity": "minor", "evidence": [
        f"The Figure 3 caption runs three windows together: 'a) {g[0]} {g[1]} b) {g[2]}, and {g[3]} c) {g[4]}'.",
        f"Read with the text: a) {g[0]} (Li|SSE|SUS), b) OCV to {g[2]} and c) OCV to {g[4]} (Li|SSE|Mo)."]}


@check("inc_lco_cutoff_unstated", "computed and text")
def lco(x):
    first = x.paper("lco_initial_charge_capacity_0p2C")
    one_c = float(x.passages("inc_lco_cutoff_unstated", "one_c")[0]["groups"][0])
    cutoff_42 = x.passages("inc_lco_cutoff_unstated", "cutoff_4p2")
    cutoff_45 = x.passages("inc_lco_cutoff_unstated", "cutoff_4p5")
    theoretical = chemistry.theoretical_capacity("LiCoO2", 1)
    practical = theoretical / 2
    return {"found": not cutoff_42, "severity": "moderate", "evidence": [
        f"The title promises high voltage, but no cut-off is stated for the main LiCoO2 tests (no '4.2 V' in the "
        f"text); 4.5 V appears only for the S36 test ({where(cutoff_45)}).",
        f"LiCoO2 holds {theoretical:.0f} mAh/g for one Li (F / 3.6 M, M = {chemistry.molar_mass('LiCoO2'):.2f} g/mol), "
        f"{practical:.0f} mAh/g for the half cycled to 4.2 V. The article's 1 C = {one_c:g} mA/g is "
        f"{one_c / practical:.2f} × that: its '1 C' is {one_c / practical:.2f} C by the usual convention, and its "
        f"first charge ({first:g} mAh/g) exceeds its own 1 C capacity."]}


# ------------------------------------------------------------------ the compendium's own findings
@check("aud_xrd_22deg_no_reflection", "computed", additional=True)
def xrd_22(x):
    peak = x.paper("xrd_enhanced_peak_2theta_LiBH4_70LiNBH")
    computed = x.computed("xrd_enhanced_peak_2theta_LiBH4_70LiNBH")
    d_min = 0.1 * CU_KA1 / (2 * math.sin(math.radians(peak + 3) / 2))  # nm, the reflections below peak + 3°

    def near(allowed):
        found = [(abs(a - peak), hkl, a) for hkl, d in images.reflections(LIBH4_RT_CELL, d_min, 3, allowed)
                 if abs((a := two_theta_from_d(10 * d, CU_KA1)) - peak) < 3]
        return sorted(found)

    allowed = near(images.pnma_allowed)
    absent = near(lambda hkl: not images.pnma_allowed(hkl))
    fmt = lambda n: f"({''.join(map(str, n[1]))}) at {n[2]:.2f}°"
    return {"topic": "no allowed reflection of Pnma LiBH4 at the article's enhanced ~22° peak",
            "claims": ["xrd_enhanced_peak_2theta_LiBH4_70LiNBH"],
            "found": not any(n[0] < 1.0 for n in allowed), "severity": "moderate", "evidence": [
                f"With Cu Kα1 and the room-temperature Pnma cell, the allowed reflections nearest {peak:g}° are "
                + ", ".join(fmt(n) for n in allowed[:3]) + "; " + ", ".join(fmt(n) for n in absent[:1])
                + " is systematically absent (n-, a-glides).",
                f"The compendium's pattern puts the enhanced peak at {_u(computed, 4)}° ((011)): the article's "
                "'~22°' is probably (011) at 23.9° read loosely, or another phase."]}


@check("aud_hrtem_anisotropic_expansion", "computed", additional=True)
def hrtem(x):
    d101, r101 = x.paper("hrtem_d101_LiBH4_in_LiBH4_70LiNBH"), x.paper("ref_d101_LiBH4_Pnma_PDF")
    d011, r011 = x.paper("hrtem_d011_LiBH4_in_LiBH4_70LiNBH"), x.paper("ref_d011_LiBH4")
    e101 = span(lambda d, r: 100 * (d / r - 1), d101, r101)
    e011 = span(lambda d, r: 100 * (d / r - 1), d011, r011)
    return {"topic": "the two HRTEM fringes of LiBH4 expand by different amounts",
            "claims": ["hrtem_d101_LiBH4_in_LiBH4_70LiNBH", "hrtem_d011_LiBH4_in_LiBH4_70LiNBH"],
            "found": e101[0] > e011[1], "severity": "minor", "evidence": [
                f"d(101): {d101:g}/{r101:g} nm, +{100 * (d101 / r101 - 1):.1f} % ([{e101[0]:.1f}, {e101[1]:.1f}] % with "
                f"rounding); d(011): {d011:g}/{r011:g} nm, +{100 * (d011 / r011 - 1):.1f} % ([{e011[0]:.1f}, "
                f"{e011[1]:.1f}] %).",
                "A magnification error scales both alike; different expansions mean a real anisotropic strain or "
                "a measurement error of 1–2 %, usual for HRTEM without an internal standard. The XRD of the same "
                "sample shows neither."]}


@check("aud_lto_test_duration", "computed", additional=True)
def lto_duration(x):
    capacity = x.paper("lto_first_cycle_capacity_0p05C_60C")
    x.paper("lto_capacity_cycle168")
    rate, one_c = (float(v) for v in x.passages("aud_lto_test_duration", "rate")[0]["groups"])  # C, mA/g
    cycles = int(x.passages("aud_lto_test_duration", "cycles")[0]["groups"][0])
    hours_cycle = 2 * capacity / (rate * one_c)
    days = cycles * hours_cycle / 24
    return {"topic": "how long the 168-cycle LTO test at 0.05 C takes",
            "claims": ["lto_capacity_cycle168"], "found": days > 90, "severity": "minor", "evidence": [
                f"At 0.05 C with 1 C = {one_c:g} mA/g the current is {rate * one_c:g} mA/g; {capacity:g} mAh/g each way "
                f"is {hours_cycle:.1f} h a cycle without rests, so {cycles} cycles take at least {days:.0f} days.",
                "The article does not give the test's dates; half a year of cycling at 60 °C is plausible but "
                "worth stating, and it bounds how early the test began before submission."]}


@check("aud_asr_falls_with_current", "computed", additional=True)
def asr(x):
    one, four = x.paper("overpotential_1mA_LiBH4_70LiNBH"), x.paper("overpotential_4mA_LiBH4_70LiNBH")
    c_one, c_four = x.computed("overpotential_1mA_LiBH4_70LiNBH"), x.computed("overpotential_4mA_LiBH4_70LiNBH")
    r_one, r_four = one / 1.0, four / 4.0
    lo1, _ = span(lambda v: v / 1.0, one)
    _, hi4 = span(lambda v: v / 4.0, four)
    return {"topic": "the area-specific resistance of the symmetric cell falls as the current rises",
            "claims": ["overpotential_1mA_LiBH4_70LiNBH", "overpotential_4mA_LiBH4_70LiNBH"],
            "found": hi4 < lo1, "severity": "minor", "evidence": [
                f"η/j: {one:g} mV / 1 mA cm⁻² = {r_one:.1f} Ω cm², {four:g} mV / 4 mA cm⁻² = {r_four:.1f} Ω cm² "
                f"(compendium: {_u(c_one)} and {_u(c_four and c_four / 4.0)} Ω cm²).",
                "An ohmic electrolyte and interface keep η/j constant; a lower value at the higher current "
                "means a nonlinear (activated) interface, or two different cells."]}


@check("aud_recomputed_vacancy_barrier", "computed", additional=True)
def recomputed_barrier(x):
    from . import recompute, recompute_report

    article, ea_ht = x.paper("Eb_NEB_LiBH4"), x.paper("Ea_LiBH4_HT_P63mc")
    doc = recompute.load(recompute_report.CASE, "migration")
    topic = "the LiBH4 vacancy migration barrier recomputed with an independent potential"
    if doc is None:
        return {"topic": topic, "claims": ["Eb_NEB_LiBH4"], "found": False, "severity": "minor",
                "evidence": ["The migration part of the recomputation is not computed (`make recompute`)."]}
    s = recompute_report.barrier_summary(doc)
    x.used["recomputed_barrier"] = {"recomputed": s["barrier"], "spread": s["spread"], "unit": "eV",
                                    "source": "data/recomputed/full/migration.json",
                                    "potential": doc["potential"]["model"] + " " + doc["potential"]["model_version"]}
    differs = abs(s["barrier"] - article) > max(2 * s["spread"], half_unit(article))
    return {"topic": topic, "claims": ["Eb_NEB_LiBH4", "Ea_LiBH4_HT_P63mc"], "found": differs,
            "severity": "minor", "evidence": [
                f"CHGNet {doc['potential']['model_version']} gives {s['barrier']:.3f} ± {s['spread']:.3f} eV for the "
                f"shortest ({s['hop_length']:.2f} Å) Li vacancy hop in {s['atoms']} atoms of Pnma LiBH4, against the "
                f"article's {article:g} eV ({s['barrier'] / article:.1f} ×); the spread is the change with supercell "
                f"size ({s['size_change']:.3f} eV) and image count ({s['image_change']:.3f} eV).",
                f"Universal potentials tend to be softer than DFT, so a higher barrier from one is not its softness; "
                f"both barriers lie far below the {ea_ht:g} eV Arrhenius Ea of hexagonal LiBH4. A second opinion: "
                "the article's supercell, functional and hop are not stated."]}


@check("aud_recomputed_diffusion", "computed", additional=True)
def recomputed_diffusion(x):
    from . import recompute, recompute_report

    d_aimd, measured, ea_ht = x.paper("D_AIMD_30C_LiBH4"), x.paper("sigma_30C_LiBH4"), x.paper("Ea_LiBH4_HT_P63mc")
    topic = "the LiBH4 Li self-diffusion coefficient at 30 °C recomputed by molecular dynamics with an independent potential"
    doc = recompute.load(recompute_report.CASE, "diffusion")
    if doc is None:
        return {"topic": topic, "claims": ["D_AIMD_30C_LiBH4"], "found": False, "severity": "minor",
                "evidence": ["The diffusion part of the recomputation is not computed (`make recompute PARTS=diffusion`)."]}
    runs = doc["results"]["runs"]
    usable = recompute_report.crystalline(runs)
    fit, d30 = recompute_report.d_arrhenius(runs)
    temperatures = ", ".join(f"{t:g}" for t in sorted(r["temperature_K"] for r in runs))
    counted = (f"{len(usable)} of {len(runs)} runs ({temperatures} K) resolved a Li D while the B framework stayed "
               "on its sites")
    if fit is None:
        return {"topic": topic, "claims": ["D_AIMD_30C_LiBH4"], "found": False, "severity": "minor",
                "evidence": [f"{counted}: too few for an Arrhenius extrapolation to 30 °C."]}
    n = runs[0]["number_density_cm3"]
    needed = recompute_report.measured_as_d(n)
    x.used["recomputed_diffusion"] = {"recomputed": d30[0], "stderr": d30[1], "unit": "cm^2/s",
                                      "source": "data/recomputed/full/diffusion.json",
                                      "potential": doc["potential"]["model"] + " " + doc["potential"]["model_version"]}
    differs = abs(d30[0] - d_aimd) > 2 * d30[1]
    return {"topic": topic, "claims": ["D_AIMD_30C_LiBH4", "sigma_30C_LiBH4", "Ea_LiBH4_HT_P63mc"], "found": differs,
            "severity": "minor", "evidence": [
                f"{counted}; their Arrhenius fit gives Ea = {fit.ea:.3f} ± {fit.ea_stderr:.3f} eV (measured, hexagonal "
                f"LiBH4: {ea_ht:g} eV) and D(30 °C) = {d30[0]:.3g} ± {d30[1]:.2g} cm²/s.",
                f"That is {d30[0] / d_aimd:.2g} × the article's AIMD D ({d_aimd:g} cm²/s) and {d30[0] / needed:.2g} × the "
                f"D that the measured σ(30 °C) = {measured:g} S/cm implies by Nernst–Einstein ({needed:.2g} cm²/s at "
                f"{n:.3g} Li cm⁻³, Haven ratio 1).",
                "An extrapolation from the hexagonal phase across its transition (381 K) to the orthorhombic phase "
                "over-estimates D at 30 °C; a universal potential's soft energy surface does too. A second opinion, "
                "not the truth."]}
