"""Interstitial sites and hops (paper_lib.interstitials) on lattices whose voids are known in closed form."""

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.calculator import Calculator, all_changes
from ase.geometry import find_mic

from paper_lib import interstitials

A_FCC = 4.0  # Å: octahedral voids at (½,0,0)a, clearance a/2; tetrahedral at (¼,¼,¼)a, clearance a√3/4


def fcc():
    return bulk("Cu", "fcc", a=A_FCC, cubic=True)


def test_the_void_of_a_simple_cubic_lattice_is_its_body_centre():
    atoms = bulk("Po", "sc", a=3.0)
    (void,) = interstitials.voids(atoms, spacing=0.25)
    assert np.allclose(void.position, [1.5, 1.5, 1.5])
    assert void.clearance == pytest.approx(3.0 * np.sqrt(3) / 2)


def test_fcc_voids_are_the_octahedral_then_the_tetrahedral_sites():
    atoms = fcc()
    found = interstitials.voids(atoms, spacing=0.25)
    assert [round(v.clearance, 3) for v in found] == [2.0] * 4 + [round(A_FCC * np.sqrt(3) / 4, 3)] * 8
    octahedral, tetrahedral = interstitials.distinct(atoms, found)
    assert octahedral.clearance == pytest.approx(A_FCC / 2)
    assert tetrahedral.clearance == pytest.approx(A_FCC * np.sqrt(3) / 4)
    assert len(interstitials.orbit(atoms, octahedral.position)) == 4
    assert len(interstitials.orbit(atoms, tetrahedral.position)) == 8


def test_voids_need_a_periodic_crystal():
    atoms = fcc()
    atoms.pbc = False
    with pytest.raises(ValueError, match="periodic"):
        interstitials.voids(atoms)


def test_octahedral_hops_of_fcc():
    """Octahedral sites form an fcc lattice of their own: hops of a/√2, a, a√(3/2), … ."""
    atoms = fcc()
    site = np.array([A_FCC / 2, 0.0, 0.0])
    found = interstitials.hops(atoms, (2, 2, 2), site, max_distance=5.0)
    assert [h.length for h in found] == pytest.approx([A_FCC / np.sqrt(2), A_FCC, A_FCC * np.sqrt(1.5)])
    first = found[0]
    assert np.allclose(np.asarray(first.end) - first.start, first.vector)
    assert interstitials.hops(atoms, (2, 2, 2), site, max_distance=5.0, min_distance=3.0)[0].length == pytest.approx(A_FCC)


def test_an_off_centre_site_rattles_across_its_mirror_plane_without_a_hop():
    """Off the mirror plane z = 0 of the octahedral site by 0.2 Å: the mirror image is 0.4 Å away."""
    atoms = fcc()
    site = np.array([A_FCC / 2, 0.0, 0.2])
    lengths = [h.length for h in interstitials.hops(atoms, (2, 2, 2), site, max_distance=3.0)]
    assert min(lengths) > 1.0
    assert 0.4 in [round(h.length, 2) for h in interstitials.hops(atoms, (2, 2, 2), site, 3.0, min_distance=0.0)]


class Caged(Calculator):
    """Host atoms on stiff springs (``k`` eV/Å²) at their lattice sites, and a repulsion ``A/r¹²`` (eV, Å) between
    the last atom (the interstitial) and every host atom: the interstitial's minima are the largest voids."""

    implemented_properties = ["energy", "forces", "stress"]

    def __init__(self, sites, k=2000.0, a=2000.0):
        super().__init__()
        self.sites, self.k, self.a = np.asarray(sites), k, a

    def calculate(self, atoms=None, properties=None, system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        pos = self.atoms.positions
        host = pos[:-1]
        spring, _ = find_mic(host - self.sites, self.atoms.cell, True)
        forces = np.zeros_like(pos)
        forces[:-1] = -self.k * spring
        energy = 0.5 * self.k * (spring ** 2).sum()
        vectors, r = find_mic(pos[-1] - host, self.atoms.cell, True)
        energy += (self.a / r ** 12).sum()
        push = (12 * self.a / r ** 14)[:, None] * vectors
        forces[-1] += push.sum(axis=0)
        forces[:-1] -= push
        self.results = {"energy": energy, "forces": forces, "stress": np.zeros(6)}


def expected_energy(host, position, a=2000.0):
    """The repulsion of an interstitial at ``position`` with the host unrelaxed (an upper bound)."""
    r = find_mic(host.positions - np.asarray(position), host.cell, True)[1]
    return float((a / r ** 12).sum())


def test_sites_relax_into_the_octahedral_void_first_and_hop_between_equal_endpoints():
    host = fcc().repeat(2)
    calc = Caged(host.positions)
    candidates = interstitials.distinct(host, interstitials.voids(host, spacing=0.25))
    found = interstitials.sites(host, candidates, calc, fmax=1e-4)
    octahedral, tetrahedral = found
    assert octahedral.void.clearance > tetrahedral.void.clearance and octahedral.energy < tetrahedral.energy
    assert octahedral.moved < 0.01 and tetrahedral.moved < 0.01
    for site in found:  # stiff springs: the relaxed energy just below the unrelaxed repulsion
        assert expected_energy(host, site.position) * 0.95 < site.energy <= expected_energy(host, site.position)
    hop = interstitials.hops(fcc(), (2, 2, 2), octahedral.position)[0]
    assert hop.length == pytest.approx(A_FCC / np.sqrt(2), abs=0.01)
    initial, final = interstitials.endpoints(host, hop, calc, fmax=1e-4)
    assert final.energy == pytest.approx(initial.energy, abs=1e-6)
    assert len(initial.atoms) == len(host) + 1 and initial.atoms.get_chemical_symbols()[-1] == "Li"


def test_sites_equivalent_by_symmetry_are_one_site():
    """Two octahedral voids of fcc, 2.8 Å apart and equivalent by a lattice translation, relax into two
    positions; they are the same site, kept once (the lower); a tetrahedral void stays a site of its own."""
    host = fcc().repeat(2)
    calc = Caged(host.positions)
    octahedral = [interstitials.Void((A_FCC / 2, 0.0, 0.0), A_FCC / 2), interstitials.Void((0.0, A_FCC / 2, 0.0), A_FCC / 2)]
    tetrahedral = interstitials.Void((A_FCC / 4,) * 3, A_FCC * np.sqrt(3) / 4)
    found = interstitials.sites(host, octahedral + [tetrahedral], calc, fmax=1e-4)
    assert [site.void for site in found] == [octahedral[0], tetrahedral] or \
        [site.void for site in found] == [octahedral[1], tetrahedral]
    assert found[0].energy < found[1].energy
