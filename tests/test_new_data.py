"""New data: real instrument exports of real cells (not the reference files) run through the figure
notebooks with papermill, via a user's manifest, and give sensible resistances."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from paper_lib import eis, manifest, paths, readers, registry

REAL = paths.ROOT / "tests" / "data" / "real"
pytestmark = pytest.mark.slow

# Resistances read off the data by eye (tests/data/real/README.md): the BioLogic thin-film cell's
# high-frequency plateau (57.9-66.0 ohm), the Gamry cell's arc-to-tail minimum (4226 ohm at 100 Hz).
EXPECTED = {"thin-film": (REAL / "exampleDataBioLogic.mpt", "biologic-mpt", 52.0, 68.0),
            "gamry-cell": (REAL / "exampleDataGamry.DTA", "gamry-dta", 3800.0, 4600.0)}


@pytest.fixture
def user_manifest(tmp_path):
    lines = ["manifest: 1", "description: real exports of real cells (impedance.py test data, MIT)",
             "reference_data: false", "measurements:"]
    for sample, (path, fmt, _, _) in EXPECTED.items():
        lines += [f"  - id: {sample}-30C", "    kind: eis", f"    sample: {sample}", f"    file: {path}",
                  f"    format: {fmt}", f"    sha256: '{registry.sha256(path)}'",
                  "    conditions: {temperature_C: 30, thickness_mm: 1.0, area_cm2: 0.785}"]
    path = tmp_path / "mine.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_real_exports_fit_to_sensible_resistances(user_manifest):
    m = manifest.load(user_manifest)
    for sample, (_, _, low, high) in EXPECTED.items():
        fit = eis.fit_spectrum(readers.read(m.one(kind="eis", sample=sample)))
        assert low < fit.r_electrolyte < high, (sample, fit.model, fit.r_electrolyte)
        assert 0 < fit.r_electrolyte_stderr < 0.1 * fit.r_electrolyte


def _run_papermill(notebook, out_dir, parameters):
    args = [sys.executable, "-m", "papermill", "--no-progress-bar", "--cwd", str(paths.NOTEBOOKS),
            str(paths.NOTEBOOKS / f"{notebook}.ipynb"), str(out_dir / f"{notebook}.ipynb")]
    for key, value in {**parameters, "output_dir": str(out_dir)}.items():
        args += ["-y", f"{key}: {json.dumps(value)}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


def papermill(notebook, out_dir, **parameters):
    proc = _run_papermill(notebook, out_dir, parameters)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out_dir / f"{notebook}.ipynb").read_text())


def papermill_fails(notebook, out_dir, **parameters):
    """The stderr of a run that must stop (its exit status checked)."""
    proc = _run_papermill(notebook, out_dir, parameters)
    assert proc.returncode != 0, "the notebook ran to the end"
    return proc.stderr


def text_of(nb):
    return "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))


@pytest.mark.parametrize("sample", list(EXPECTED))
def test_figS11_runs_on_a_real_export(user_manifest, tmp_path, sample):
    out = tmp_path / "out"
    out.mkdir()
    nb = papermill("figS11", out, eis_manifest=str(user_manifest), sample=sample, temperature_C=30, shown_C=[30])
    text = text_of(nb)
    resistance = float(text.split("R = ")[1].split(" ")[0])
    _, _, low, high = EXPECTED[sample]
    assert low < resistance < high, text
    assert (out / "figS11.png").exists() and (out / "figS11.pdf").exists()
    record = json.loads((out / "provenance" / "figS11.json").read_text())
    assert record["reference_data"] is False
    assert [d["sha256"] for d in record["data"]] == [registry.sha256(EXPECTED[sample][0])]
    assert json.loads((out / "claims" / "figS11.json").read_text())["claims"] == []  # not the article's sample


def test_fig2_runs_on_real_exports(user_manifest, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    nb = papermill("fig2", out, eis_manifest=str(user_manifest), eis_samples=list(EXPECTED))
    text = text_of(nb)
    for sample in EXPECTED:
        assert f"{sample}" in text and "σ(30 °C)" in text
    assert (out / "fig2.png").exists()
    assert str(paths.ROOT) not in json.dumps(json.loads((out / "provenance" / "fig2.json").read_text()))


def test_batch_runs_each_manifest_and_keeps_nothing_of_a_failed_run(tmp_path):
    from paper_lib import batch

    manifests = []
    for sample, (path, fmt, _, _) in EXPECTED.items():
        m = tmp_path / f"{sample}.yaml"
        m.write_text(textwrap.dedent(f"""\
            manifest: 1
            measurements:
              - {{id: {sample}, kind: eis, sample: cell, file: {path}, format: {fmt},
                 conditions: {{temperature_C: 30, thickness_mm: 1.0, area_cm2: 0.785}}}}
            """))
        manifests.append(m)
    broken = tmp_path / "broken.yaml"
    broken.write_text(manifests[0].read_text().replace("thickness_mm: 1.0", "thickness_mm: thick"))
    runs = batch.runs_from_manifests(manifests + [broken], "eis_manifest", {"sample": "cell", "temperature_C": 30,
                                                                           "shown_C": [30]})
    summary = batch.batch("figS11", runs, tmp_path / "out", workers=2, progress=False, log=lambda *a: None)
    errors = {r["name"]: r.get("error") for r in summary["runs"]}
    assert (summary["ok"], summary["failed"]) == (2, 1), errors
    by_name = {r["name"]: r for r in summary["runs"]}
    assert "thickness_mm" in by_name["broken"]["error"]
    assert not (tmp_path / "out" / "broken").exists() and not (tmp_path / "out" / ".staging").exists()
    for sample, (_, _, low, high) in EXPECTED.items():
        folder = tmp_path / "out" / sample
        assert (folder / "figS11.png").exists() and (folder / "figS11.ipynb").exists()
        text = text_of(json.loads((folder / "figS11.ipynb").read_text()))
        assert low < float(text.split("R = ")[1].split(" ")[0]) < high
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["failed"] == 1


XRDML = """<?xml version="1.0" encoding="UTF-8"?>
<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/2.1" status="Completed">
\t<sample type="To be analyzed"><id>{name}</id><name>{name}</name></sample>
\t<xrdMeasurement measurementType="Scan" status="Completed">
\t\t<usedWavelength intended="K-Alpha 1">
\t\t\t<kAlpha1 unit="Angstrom">1.5405980</kAlpha1><kAlpha2 unit="Angstrom">1.5444260</kAlpha2>
\t\t\t<ratioKAlpha2KAlpha1>0.5000</ratioKAlpha2KAlpha1>
\t\t</usedWavelength>
\t\t<scan appendNumber="0" mode="Continuous" scanAxis="Gonio" status="Completed">
\t\t\t<dataPoints>
\t\t\t\t<positions axis="2Theta" unit="deg"><startPosition>{start:.4f}</startPosition><endPosition>{end:.4f}</endPosition></positions>
\t\t\t\t<commonCountingTime unit="seconds">{time:.2f}</commonCountingTime>
\t\t\t\t<intensities unit="counts/s">{values}</intensities>
\t\t\t</dataPoints>
\t\t</scan>
\t</xrdMeasurement>
</xrdMeasurements>
"""


def test_figS2_runs_on_user_xrdml_exports_in_counts_per_second(tmp_path):
    """The lab's own files in another real format (PANalytical .xrdml, counts/s, a 2θ start/end grid)
    go through figS2 via a user manifest and give its trend."""
    reference = manifest.load(paths.MANIFESTS / "xrd.yaml")
    wanted = {("LiBH4", "as-received"), ("LiNH2BH3", "as-received"), ("LiBH4-70LiNH2BH3", "as-milled"),
              ("LiBH4-70LiNBH", "dehydrogenated")}
    lines = ["manifest: 1", "description: a lab's own XRD exports", "reference_data: false", "measurements:"]
    for item in reference.select(kind="xrd"):
        state = item.conditions.get("state")
        if (item.sample, state) not in wanted:
            continue
        ds = readers.read(item)
        seconds = float(ds.attrs.get("count_time_s") or 1.0)
        counts = ds["intensity"].values * (1.0 if ds["intensity"].attrs["units"] == "counts" else seconds)
        theta = ds["two_theta"].values
        name = f"{item.sample}_{state}.xrdml"
        (tmp_path / name).write_text(XRDML.format(name=item.sample, start=theta[0], end=theta[-1], time=seconds,
                                                  values=" ".join(f"{c / seconds:.4f}" for c in counts)))
        lines += [f"  - id: {item.sample}-{state}", "    kind: xrd", f"    sample: {item.sample}",
                  f"    file: {name}", "    format: xrdml", f"    conditions: {{state: {state}, x_wt_percent: 70}}"]
    assert len(lines) == 4 + 6 * len(wanted)
    user = tmp_path / "xrd.yaml"
    user.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    out.mkdir()
    papermill("figS2", out, xrd_manifest=str(user), x_values=[70])
    claims = json.loads((out / "claims" / "figS2.json").read_text())["claims"]
    assert [(c["id"], c["computed"]) for c in claims] == [("trend_xrd_no_new_phase", True)]
    assert json.loads((out / "provenance" / "figS2.json").read_text())["reference_data"] is False


def test_figS27_runs_on_a_labs_own_voltammograms(tmp_path):
    """A lab's CV (yadg's EC-Lab test file, 1.5-5.5 V, GPL-3.0) as the full and the open-circuit panels:
    the notebook says which peaks it does not find and counts irregular peaks, without an error."""
    cv = REAL / "cycler" / "yadg_cv.mpr"
    user = tmp_path / "lab_cv.yaml"
    user.write_text(textwrap.dedent(f"""\
        manifest: 1
        description: a lab's own voltammograms
        reference_data: false
        measurements:
          - {{id: full, kind: cv, sample: cell, file: {cv}, sha256: '{registry.sha256(cv)}',
             conditions: {{cell: lab cell, panel: S27a, temperature_C: 25}}}}
          - {{id: to5V, kind: cv, sample: cell, file: {cv}, conditions: {{cell: lab cell, panel: S27c}}}}
        """))
    out = tmp_path / "out"
    out.mkdir()
    nb = papermill("figS27", out, cv_manifest=str(user), cell="lab cell")
    text = text_of(nb)
    assert "S27b: not in" in text and "yadg_cv.mpr (biologic-mpr), 5103 points" in text
    assert "no peak between 0.05 and 0.95 V" in text or "fewer than 8 points between 0.05 and 0.95 V" in text
    assert "S27c: irregular peaks per sweep" in text
    assert (out / "figS27.png").exists()
    assert json.loads((out / "provenance" / "figS27.json").read_text())["reference_data"] is False


def test_figS16_runs_on_a_labs_own_polarization(tmp_path):
    """A lab's chronoamperometry (yadg's EC-Lab CA file, ~10 µA at 3.42 V) as an LiNBH polarization:
    the notebook fits its decay and says which samples and temperatures it does not have."""
    ca = REAL / "cycler" / "yadg_ca.mpr"
    user = tmp_path / "lab_polarization.yaml"
    user.write_text(textwrap.dedent(f"""\
        manifest: 1
        reference_data: false
        measurements:
          - {{id: ca, kind: polarization, sample: LiNBH, file: {ca},
             conditions: {{temperature_C: 25, applied_voltage_V: 3.42, thickness_mm: 1.0, area_cm2: 0.785}}}}
        """))
    out = tmp_path / "out"
    out.mkdir()
    text = text_of(papermill("figS16", out, polarization_manifest=str(user)))
    assert "not in the manifest: LiBH4 at 25 degC" in text and "sigma_e = " in text
    claims = json.loads((out / "claims" / "figS16.json").read_text())["claims"]
    assert [c["id"] for c in claims] == ["sigma_e_RT_LiNBH"]


def as_record_csv(path, which, header, row):
    """A reference cycler record (``(kind, conditions)`` of its manifest) rewritten as a lab's CSV export:
    ``header``, then ``row`` per record with the number first (t s, s step, i mA, a A, v V)."""
    kind, conditions = which
    ds = readers.read(manifest.load(paths.ROOT / "data" / "manifests" / f"{kind}.yaml").one(kind=kind, **conditions))
    lines = [header] + [f"{k + 1}," + row.format(t=t, s=s, i=i, a=i * 1e-3, v=v) for k, (t, s, i, v) in
                        enumerate(zip(ds.time.values, ds.step.values, ds.current.values, ds.voltage.values))]
    path.write_text("\n".join(lines) + "\n")
    return path


def one_measurement_manifest(tmp_path, kind, sample, export, conditions, fmt="cycler-csv", mid="mine"):
    """A user's manifest of one measured (not reference) record."""
    user = tmp_path / f"lab_{kind}.yaml"
    user.write_text("manifest: 1\nreference_data: false\nmeasurements:\n"
                    f"  - {{id: {mid}, kind: {kind}, sample: {sample}, file: {export}, format: {fmt}, "
                    f"conditions: {conditions}}}\n")
    return user


def test_figS28_runs_on_a_labs_own_step_test_in_arbin_csv(tmp_path):
    """A lab's CCD test exported as an Arbin CSV (the 60 degC reference record rewritten in that layout),
    at 60 degC: the notebook finds the CCD of 7.5 mA/cm2 and reports it as a remark, not as the
    article's 30 degC claim."""
    export = as_record_csv(tmp_path / "lab_ccd.csv", ("ccd", {"temperature_C": 60}),
                           "Data_Point,Test_Time(s),Step_Index,Current(A),Voltage(V)", "{t:.1f},{s},{a:.7f},{v:.5f}")
    user = one_measurement_manifest(tmp_path, "ccd", "LiBH4-70LiNBH", export,
                                    "{cell: lab cell, temperature_C: 60, area_cm2: 0.785, thickness_mm: 0.25}")
    out = tmp_path / "out"
    out.mkdir()
    text = text_of(papermill("figS28", out, ccd_manifest=str(user), temperature_C=60))
    assert "CCD = 7.5 ± 0.14" in text and "(survived the 7.50 step, shorted in the 8.00 step)" in text, text
    doc = json.loads((out / "claims" / "figS28.json").read_text())
    assert doc["claims"] == [] and any("CCD at 60 degC" in r["topic"] for r in doc["remarks"])


def test_fig3_runs_on_a_labs_cycling_record_alone(tmp_path):
    """Only a long-cycling record of the lab's own (the LiBH4 reference run rewritten as a LAND-style
    CSV, its manifest without a current density, which the notebook takes from the record): the
    voltammetry and CCD panels are said to be absent, and the failure time is computed."""
    export = as_record_csv(tmp_path / "land.csv", ("cycling", {"sample": "LiBH4"}),
                           "Record,TestTime,Step,Current/mA,Voltage/V", "{t:.0f},{s},{i:.4f},{v:.5f}")
    user = one_measurement_manifest(tmp_path, "cycling", "LiBH4", export,
                                    "{cell: Li|LiBH4|Li, temperature_C: 120, area_cm2: 0.785}")
    out = tmp_path / "out"
    out.mkdir()
    text = text_of(papermill("fig3", out, cycling_manifest=str(user), cv_manifest=None, ccd_manifest=None))
    assert "3a: not shown" in text and "3d: not shown" in text and "shorted at 39.89 h" in text, text
    claims = json.loads((out / "claims" / "fig3.json").read_text())["claims"]
    assert [c["id"] for c in claims] == ["failure_time_1mA_LiBH4"] and claims[0]["status"] == "reproduced"
    assert json.loads((out / "provenance" / "fig3.json").read_text())["reference_data"] is False


def test_figS15_warns_when_a_labs_polarization_and_spectrum_disagree(tmp_path):
    """A lab's spectrum (impedance.py's BioLogic example, MIT) with an unrelated chronoamperometry
    (yadg's EC-Lab CA file, GPL-3.0): the notebook runs and says that the decay's fit leaves I0
    uncertain and that I0 does not follow Ohm's law through the cell the spectrum saw. (How far off I0
    is depends on the CPU: the fit of these 80 points is that ill-conditioned, which is what it says.)"""
    eis_file, ca = REAL / "exampleDataBioLogic.mpt", REAL / "cycler" / "yadg_ca.mpr"
    user = tmp_path / "lab_transference.yaml"
    entries = [f"  - {{id: {stage}, kind: eis, sample: cell, file: {eis_file}, format: biologic-mpt, conditions: "
               f"{{temperature_C: 25, stage: {stage} polarization, thickness_mm: 1.0, area_cm2: 0.785}}}}" for stage in ("before", "after")]
    entries.append(f"  - {{id: ca, kind: polarization, sample: cell, file: {ca}, "
                   "conditions: {temperature_C: 25, applied_voltage_V: 0.01, thickness_mm: 1.0, area_cm2: 0.785}}")
    user.write_text("manifest: 1\nreference_data: false\nmeasurements:\n" + "\n".join(entries) + "\n")
    out = tmp_path / "out"
    out.mkdir()
    text = text_of(papermill("figS15", out, transference_manifest=str(user), sample="cell", temperatures_C=[25]))
    assert "WARNING: the decay's fit leaves I0 uncertain to" in text and "do not describe one cell" in text, text
    doc = json.loads((out / "claims" / "figS15.json").read_text())
    assert doc["claims"] == [] and any(r["topic"] == "Inconsistent inputs at 25 degC" for r in doc["remarks"])


def test_figS14_runs_on_a_trajectory_written_by_ase(tmp_path):
    """A lab's own MD (ase: 54 Lennard-Jones atoms labelled Li, 3 ps, written by ase.io as extended XYZ),
    too short and too cold to diffuse: the notebook says there is no diffusive window, draws no
    conductivity and computes no claim, without an error."""
    from ase import units
    from ase.build import bulk
    from ase.calculators.lj import LennardJones
    from ase.io import write
    from ase.md.velocitydistribution import Stationary, thermalize_momenta
    from ase.md.verlet import VelocityVerlet

    atoms = bulk("Li", "bcc", a=3.6, cubic=True).repeat(3)
    atoms.calc = LennardJones(sigma=3.0, epsilon=0.05, rc=7.0, smooth=True)
    thermalize_momenta(atoms, temperature_K=1500, rng=np.random.default_rng(1))
    Stationary(atoms)
    frames = []
    dyn = VelocityVerlet(atoms, 2 * units.fs)
    dyn.attach(lambda: frames.append(atoms.copy()), interval=20)
    dyn.run(1500)
    trajectory = tmp_path / "md.extxyz"
    write(trajectory, frames)
    user = tmp_path / "lab_md.yaml"
    user.write_text("manifest: 1\nreference_data: false\nmeasurements:\n"
                    f"  - {{id: md, kind: trajectory, sample: LJ, file: {trajectory}, format: trajectory-extxyz, "
                    "conditions: {temperature_C: 500, frame_interval_fs: 40.0}}\n")
    out = tmp_path / "out"
    out.mkdir()
    text = text_of(papermill("figS14", out, aimd_manifest=str(user), samples=["LJ"], composite="LJ",
                             temperature_K=773.15, measured={}))
    assert "md.extxyz (trajectory-extxyz): 76 frames over 3.0 ps, 54 Li atoms" in text, text
    assert "no diffusive window" in text
    assert json.loads((out / "claims" / "figS14.json").read_text())["claims"] == []


REAL_CELL = paths.ROOT / "tests" / "data" / "real" / "cycler" / "neware_cccv.nda"


def real_cell_manifest(tmp_path):
    """A lab's own cell (a real Neware record of a 5.8 Ah cell; tests/data/real/cycler/README.md) as
    its manifest would describe it: 40 g of active material, 1 C = 145 mA/g, 25 degC."""
    user = one_measurement_manifest(tmp_path, "cell", "NMC", REAL_CELL,
                                    "{temperature_C: 25, active_mass_mg: 40000, one_c_mA_g: 145}", fmt="neware-ndax",
                                    mid="lab-cell")
    return user


@pytest.mark.parametrize("notebook,parameters", [
    ("fig5", {"lco_cell": "lab-cell", "lto_cell": None, "lto_control_cell": None, "lco_rate_cell": None,
              "lco_long_cell": None}),
    ("figS32", {"cells_shown": ["lab-cell"], "comparison_cell": None}),
    ("figS36", {"high_voltage_cell": "lab-cell", "comparison_cell": None}),
])
def test_cell_notebooks_run_on_a_labs_real_cycler_file(tmp_path, notebook, parameters):
    """No internal error, the cell read and described, panels without data left out, and no claim of
    the article compared with a cell tested at other conditions."""
    out = tmp_path / "out"
    out.mkdir()
    nb = papermill(notebook, out, cells_manifest=str(real_cell_manifest(tmp_path)), **parameters)
    text = text_of(nb)
    assert "lab-cell: 25 degC" in text or "lab-cell: NMC, 25 degC" in text, text
    assert "6670 records over 0.8 days, 2 cycles" in text, text
    assert (out / f"{notebook}.png").exists()
    record = json.loads((out / "claims" / f"{notebook}.json").read_text())
    assert not [c for c in record["claims"] if c.get("computed") is not None], record["claims"]
    if notebook == "fig5":
        assert "no LTO cell given" in text or "lto: no cell given" in text
        assert "not the article's conditions" in json.dumps(record["remarks"])


def test_xps_notebooks_name_what_a_labs_survey_lacks(tmp_path):
    """A lab's real VAMAS file (a Prodigy survey of an oxide, tests/data/real/xps) holds no C 1s, N 1s or
    B 1s region: the notebook stops with a message naming the file's regions and what it needs, not an
    internal error."""
    survey = paths.ROOT / "tests" / "data" / "real" / "xps" / "prodigy_survey.vms"
    user = one_measurement_manifest(tmp_path, "xps", "MgFe2O4", survey, "{}", fmt="vamas", mid="lab-survey")
    out = tmp_path / "out"
    out.mkdir()
    stderr = papermill_fails("figS29", out, xps_manifest=str(user), pristine_xps="lab-survey", cycled_xps="lab-survey")
    assert "lab-survey" in stderr and "has regions ['Survey']" in stderr and "needs C 1s" in stderr, stderr[-2000:]
    assert not (out / "figS29.png").exists()


def test_fig4_runs_on_a_labs_real_jpk_force_map(tmp_path):
    """A real JPK force map (zebrafish spinal cord, a 18.64 um bead; tests/data/real/afm) with a height
    image, given as both cells: the moduli come out in the pascal range and no claim of the article's
    cycled Li is compared."""
    real = paths.ROOT / "tests" / "data" / "real" / "afm" / "fmt-jpk-fd_map-data-reference-points.jpk-force-map"
    image = paths.REFERENCE / "afm" / "Li-LiBH4-70LiNBH-Li_20cycles_topography.gsf"
    user = tmp_path / "lab_afm.yaml"
    user.write_text("manifest: 1\nreference_data: false\nmeasurements:\n"
                    f"  - {{id: lab-map, kind: afm-force-map, sample: tissue, file: {real}, format: jpk-force-map, "
                    "conditions: {tip_radius_nm: 18640, poisson_ratio: 0.5, cell: none}}\n"
                    f"  - {{id: lab-image, kind: afm-topography, sample: tissue, file: {image}, format: gwyddion-gsf, "
                    "conditions: {cell: none}}\n")
    out = tmp_path / "out"
    out.mkdir()
    nb = papermill("fig4", out, afm_manifest=str(user), composite_afm=["lab-map", "lab-image"],
                   libh4_afm=["lab-map", "lab-image"])
    text = text_of(nb)
    assert "lab-map: 3 of 625 curves fitted" in text, text
    mean = float(text.split("lab-map: 3 of 625 curves fitted")[1].split("E mean ")[1].split(" ")[0])
    assert 1e-8 < mean < 1e-5  # GPa: tens of pascals to kilopascals
    record = json.loads((out / "claims" / "fig4.json").read_text())
    computed = {c["id"] for c in record["claims"] if c.get("computed") is not None}
    assert not computed & {"youngs_modulus_Li_cycled_LiBH4_70LiNBH", "ratio_youngs_modulus_vs_LiBH4",
                           "trend_morphology_interface"}
    assert "not the article's" in json.dumps(record["remarks"])


def test_figS11_defaults_adapt_to_a_labs_temperatures_and_fit_its_open_arc(tmp_path):
    """The issue's case: a BioLogic export of a real cell at 25 degC, the notebook's default shown_C. Its
    arc closes on the real axis with no spike below: the blocking-electrode circuits miss it, the open
    arc fits it, and the notebook says how R was taken. A spectrum that drifts while it is measured is
    reported by its lin-KK test."""
    user = one_measurement_manifest(tmp_path, "eis", "film", REAL / "exampleDataBioLogic.mpt",
                                    "{temperature_C: 25, thickness_mm: 1.0, area_cm2: 0.785}", fmt="biologic-mpt",
                                    mid="film-25C")
    out = tmp_path / "out"
    out.mkdir()
    nb = papermill("figS11", out, eis_manifest=str(user), sample="film", temperature_C=25)
    text = text_of(nb)
    assert "none of shown_C = [30, 60, 90, 120] was measured; the third panel shows [25.0] degC" in text
    assert "(chosen: arc-nospike); residual check passes" in text and "lin-KK test passes" in text
    remarks = json.loads((out / "claims" / "figS11.json").read_text())["remarks"]
    assert [r["topic"] for r in remarks] == ["Checks", "Circuit"] and "not blocking" in remarks[1]["text"]
    again = tmp_path / "again"
    again.mkdir()
    stderr = papermill_fails("figS11", again, eis_manifest=str(user), sample="film", temperature_C=30)
    assert "set 'temperature_C' to one of [25.0] degC" in stderr
    drifting = one_measurement_manifest(tmp_path, "eis", "drift", _drifting_spectrum(tmp_path / "drift.csv"),
                                        "{temperature_C: 30, thickness_mm: 1.0, area_cm2: 0.785}", fmt="eis-csv",
                                        mid="drift-30C")
    bad = tmp_path / "bad"
    bad.mkdir()
    text = text_of(papermill("figS11", bad, eis_manifest=str(drifting), sample="drift"))
    assert "lin-KK test FAILS" in text
    topics = [r["topic"] for r in json.loads((bad / "claims" / "figS11.json").read_text())["remarks"]]
    assert "Kramers-Kronig" in topics


def _drifting_spectrum(path):
    """A spectrum whose bulk arc grows by 60 % halfway through the sweep: no circuit should be trusted."""
    f = np.logspace(6, -1, 71)
    params = {"R0": 20.0, "R1": 300.0, "Q1": 1e-8, "n1": 0.9, "Qel": 1e-5, "nel": 0.8, "Rleak": 1e8}
    z = np.array([eis.impedance({**params, "R1": 300.0 * (1.6 if i > 35 else 1.0)}, [x])[0] for i, x in enumerate(f)])
    rows = "\n".join(f"{x:.6e},{v.real:.6e},{v.imag:.6e}" for x, v in zip(f, z))
    path.write_text("frequency (Hz),Z' (ohm),Z'' (ohm)\n" + rows + "\n")
    return path


def real_eis_manifest(tmp_path):
    """Every real impedance export in tests/data/real, one sample each at 30 degC, with no 'format': the
    readers find it by content. Plus one deliberately bad (drifting) spectrum."""
    files = sorted((REAL / "eis").glob("*.*")) + sorted(REAL.glob("*.*"))
    files = [p for p in files if p.suffix.lower() not in (".md",) and not p.name.startswith("LICENSE")]
    files.append(_drifting_spectrum(tmp_path / "drifting.csv"))
    lines = ["manifest: 1", "description: real exports of many potentiostats", "reference_data: false", "measurements:"]
    for path in files:
        name = "drifting" if path.name == "drifting.csv" else path.name.replace(".", "_")
        lines += [f"  - id: {name}", "    kind: eis", f"    sample: {name}", f"    file: {path}",
                  f"    sha256: '{registry.sha256(path)}'",
                  "    conditions: {temperature_C: 30, thickness_mm: 1.0, area_cm2: 0.785}"]
    manifest_path = tmp_path / "real.yaml"
    manifest_path.write_text("\n".join(lines) + "\n")
    return manifest_path, [l.split(": ", 1)[1] for l in lines if l.startswith("    sample: ")]


def test_every_real_export_goes_through_the_eis_notebooks_with_their_defaults(tmp_path):
    """fig2, figS13 and figS11 given nothing but a lab's manifest of real exports: each notebook picks the
    lab's samples and says so, every spectrum is fitted and KK-tested, the flagged ones are named, the
    drifting spectrum fails its KK test, and fig2 labels which panels show the lab's data."""
    import pypdfium2

    user, samples = real_eis_manifest(tmp_path)
    out = tmp_path / "fig2"
    out.mkdir()
    text = text_of(papermill("fig2", out, eis_manifest=str(user)))
    assert "none of eis_samples = " in text and "is in real.yaml" in text
    for sample in samples:
        assert f"{sample}" in text
    assert text.count("σ(30 °C)") == len(samples)
    assert text.count("lin-KK test") >= len(samples)
    rows = text.splitlines()
    (i,) = [k for k, row in enumerate(rows) if row.startswith("drifting ")]
    assert "lin-KK test FAILS at 30 degC" in rows[i + 1], rows[i:i + 2]
    remarks = {r["topic"]: r["text"] for r in json.loads((out / "claims" / "fig2.json").read_text())["remarks"]}
    assert "Fit quality, drifting" in remarks and "Kramers-Kronig" in remarks["Fit quality, drifting"]
    pdf = pypdfium2.PdfDocument(str(out / "fig2.pdf"))
    page_text = pdf[0].get_textpage().get_text_range()
    assert "data: real.yaml" in page_text and "REFERENCE DATA (generated)" in page_text
    assert "not measurements" not in page_text, "no figure-wide mark over a lab's panel"

    out = tmp_path / "figS13"
    out.mkdir()
    text = text_of(papermill("figS13", out, eis_manifest=str(user)))
    assert "none of samples = ['LiBH4', 'LiBH4-70LiNBH'] is in real.yaml" in text
    assert text.count("lin-KK test") >= len(samples)

    out = tmp_path / "figS11"
    out.mkdir()
    text = text_of(papermill("figS11", out, eis_manifest=str(user)))
    assert f"showing '{samples[0]}'" in text and "lin-KK test" in text and "residual check" in text
