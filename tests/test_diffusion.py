"""Diffusion: D is recovered from Brownian walks with thermal vibration, wrapped into the cell and
drifting (a thermostat), within its stated error; no D without a diffusive regime; Nernst-Einstein."""

import numpy as np
import pytest
import xarray as xr

from paper_lib import diffusion

CELL = np.diag([8.0, 9.0, 10.0])


def walks(d_cm2_s, n_li=32, n_frames=401, frame_fs=5e4, vibration=0.1, drift=0.02, seed=1):
    """A trajectory Dataset: Li Brownian walks of D plus vibration, a heavy framework, a common drift,
    everything wrapped into CELL."""
    rng = np.random.default_rng(seed)
    step = np.sqrt(2 * d_cm2_s * 10.0 * frame_fs)  # A per axis per frame (D in A2/fs = 10 x cm2/s)
    li = np.cumsum(rng.normal(0, step, (n_frames, n_li, 3)), axis=0) + rng.uniform(0, 8, (1, n_li, 3))
    frame = np.repeat(rng.uniform(0, 8, (1, 64, 3)), n_frames, axis=0)
    positions = np.concatenate([li, frame], axis=1) + rng.normal(0, vibration, (n_frames, n_li + 64, 3))
    positions += np.cumsum(rng.normal(0, drift, (n_frames, 1, 3)), axis=0)
    frac = positions @ np.linalg.inv(CELL)
    wrapped = (frac - np.floor(frac)) @ CELL
    return xr.Dataset({"position": (("frame", "atom", "xyz"), wrapped)},
                      coords={"element": ("atom", np.array(["Li"] * n_li + ["Xe"] * 64))},
                      attrs={"cell": CELL.ravel().tolist(), "frame_interval_fs": frame_fs})


@pytest.mark.parametrize("d", [4.17e-9, 2.96e-9])
def test_d_is_recovered_within_its_error(d):
    found = diffusion.diffusion_coefficient(walks(d))
    assert found.d.units == "cm^2/s"
    assert abs(found.d.value - d) < 3 * found.d.stderr, found.d
    assert 0.02 * d < found.d.stderr < 0.3 * d
    lo, hi = found.window_fs
    assert hi <= 0.5 * 400 * 5e4 and lo > 0


def test_unwrapping_follows_atoms_across_the_faces_and_removes_the_drift():
    ds = walks(4e-9, vibration=0.0, drift=0.5)
    path = diffusion.unwrapped(ds)
    steps = np.abs(np.diff(path, axis=0))
    assert steps.max() < 4.0, "no jump by a cell length"
    assert np.ptp(path[:, 32:, :], axis=0).max() < 0.5, "the framework stays put once the drift is removed"


def test_a_run_shorter_than_the_crossover_gives_no_d():
    short = walks(5.6e-10, frame_fs=250.0)  # 100 ps: the vibration plateau dominates
    found = diffusion.diffusion_coefficient(short)
    assert found.d is None and found.window_fs is None


def test_nernst_einstein():
    n = 4 / (7.178 * 4.437 * 6.803 * 1e-24)  # Li per cm3 in Pnma LiBH4
    sigma = diffusion.nernst_einstein(diffusion.Estimate(5.6e-10, 5e-11, "cm^2/s"), n, 303.15)
    expected = n * 1.602176634e-19 ** 2 * 5.6e-10 / (1.380649e-23 * 303.15)
    assert sigma.value == pytest.approx(expected, rel=1e-12) and sigma.units == "S/cm"
    assert sigma.stderr == pytest.approx(expected * 5e-11 / 5.6e-10, rel=1e-12)
    assert diffusion.number_density(walks(1e-9, n_frames=3)) == pytest.approx(32 / (720 * 1e-24))


def lattice(d_cm2_s=0.0, vibration=0.1, n_frames=201, frame_fs=10.0, spacing=2.5, seed=3):
    """A trajectory of a simple cubic B lattice (4×4×4 sites ``spacing`` Å apart) whose atoms vibrate
    (σ ``vibration`` Å per axis) about their sites, which themselves wander by D (cm²/s)."""
    rng = np.random.default_rng(seed)
    grid = np.stack(np.meshgrid(*[np.arange(4)] * 3, indexing="ij"), -1).reshape(-1, 3) * spacing
    step = np.sqrt(2 * d_cm2_s * 10.0 * frame_fs)
    sites = grid + np.cumsum(rng.normal(0, step, (n_frames, 64, 3)), axis=0) if d_cm2_s else np.repeat(grid[None], n_frames, 0)
    positions = sites + rng.normal(0, vibration, (n_frames, 64, 3))
    cell = np.eye(3) * 4 * spacing
    frac = positions @ np.linalg.inv(cell)
    return xr.Dataset({"position": (("frame", "atom", "xyz"), (frac - np.floor(frac)) @ cell)},
                      coords={"element": ("atom", np.array(["B"] * 64))},
                      attrs={"cell": cell.ravel().tolist(), "frame_interval_fs": frame_fs})


def test_a_vibrating_framework_is_intact_and_its_rms_is_recovered():
    found = diffusion.framework(lattice(vibration=0.1))
    # two independent vibrations of σ per axis: MSD = 6 σ²
    assert found.rms_displacement_A == pytest.approx(0.1 * np.sqrt(6), rel=0.05)
    assert found.neighbour_distance_A == pytest.approx(2.5, abs=0.2)
    assert found.lag_fs == pytest.approx(1000.0) and found.intact


def test_a_wandering_framework_has_left_its_sites():
    found = diffusion.framework(lattice(d_cm2_s=1e-5, vibration=0.05, n_frames=401))
    expected = np.sqrt(6 * 1e-5 * 10.0 * 2000.0 + 6 * 0.05 ** 2)  # √(6 D t) plus the vibration, Å
    assert found.rms_displacement_A == pytest.approx(expected, rel=0.15)
    assert found.ratio > diffusion.LEFT_SITES and not found.intact


def recoiling(d_cm2_s=5e-5, vibration=0.1, n_li=8, n_frames=401, frame_fs=25.0, seed=5):
    """8 Li walking by D (cm²/s) through a vibrating lattice of 8 B atoms, as an MD with the cell's
    centre of mass fixed writes them: the lattice recoils against the Li's net displacement."""
    from ase.data import atomic_masses

    rng = np.random.default_rng(seed)
    host = lattice(vibration=vibration, n_frames=n_frames, frame_fs=frame_fs, spacing=5.0, seed=seed)
    b = host.position.values[:, ::8][:, :n_li]  # 8 of its sites, 10 Å apart at most
    step = np.sqrt(2 * d_cm2_s * 10.0 * frame_fs)
    li = b[:1] + 2.5 + np.cumsum(rng.normal(0, step, (n_frames, n_li, 3)), axis=0)
    m_li, m_b = atomic_masses[3], atomic_masses[5]
    recoil = -(m_li * (li - li[:1]).sum(axis=1, keepdims=True)) / (m_li * n_li + m_b * n_li)
    positions = np.concatenate([li, b], axis=1) + recoil
    cell = np.asarray(host.attrs["cell"]).reshape(3, 3)
    frac = positions @ np.linalg.inv(cell)
    return xr.Dataset({"position": (("frame", "atom", "xyz"), (frac - np.floor(frac)) @ cell)},
                      coords={"element": ("atom", np.array(["Li"] * n_li + ["B"] * n_li))},
                      attrs={"cell": cell.ravel().tolist(), "frame_interval_fs": frame_fs})


def test_the_hosts_recoil_is_neither_li_diffusion_nor_a_framework_leaving_its_sites():
    ds = recoiling()
    frame = diffusion.framework(ds)
    assert frame.rms_displacement_A == pytest.approx(0.1 * np.sqrt(6), rel=0.15), "only the vibration is left"
    assert frame.intact
    recoiled = np.sqrt(diffusion.msd(ds, "B", mobile="Xe").msd.values[-1])  # no atom mobile: the whole cell's frame
    assert recoiled > 2 * frame.rms_displacement_A, "the test's recoil is large enough to matter"
    path = diffusion.unwrapped(ds)
    assert np.ptp(path[:, 8:].mean(axis=1), axis=0).max() < 1e-9, "the host's centre stays put"
    found = diffusion.diffusion_coefficient(ds)
    assert abs(found.d.value - 5e-5) < 3 * found.d.stderr, found.d


def test_the_nearest_neighbour_may_be_a_periodic_image():
    one = xr.Dataset({"position": (("frame", "atom", "xyz"), np.zeros((2, 1, 3)))},
                     coords={"element": ("atom", np.array(["B"]))},
                     attrs={"cell": (np.eye(3) * 2.5).ravel().tolist(), "frame_interval_fs": 1.0})
    assert diffusion.neighbour_distance(one) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="no Li atoms"):
        diffusion.neighbour_distance(one, "Li")


def test_with_eight_li_the_stated_error_of_d_is_calibrated():
    """Like the full MD (8 Li, 10 ps in 25 fs frames): over 40 walks of a known D, D lies within its
    stated error as often as a standard error should (z of spread 1), and the window the data choose is
    long (a median of 2.7 ps of the 5 ps of lags here)."""
    found = [diffusion.diffusion_coefficient(recoiling(seed=seed, vibration=0.3)) for seed in range(40)]
    z = np.array([(f.d.value - 5e-5) / f.d.stderr for f in found])
    windows = np.array([f.window_fs[1] - f.window_fs[0] for f in found])
    assert abs(z.mean()) < 0.4 and 0.7 < z.std() < 1.3, z
    assert np.mean(np.abs(z) > 2) <= 0.1
    assert np.median(windows) > 2000.0
