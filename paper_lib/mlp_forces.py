"""CHGNet predicting energies and forces only, for MD and relaxations at a fixed cell.

CHGNet's ase calculator predicts energy, forces, stress and magnetic moments at every call (its task
``efsm``); the stress costs a second derivative through the strain. At a fixed cell only forces are
needed: :func:`calculator` predicts with the task ``ef``, the same forces bit for bit
(``tests/test_recompute.py``) in about half the time (``benchmarks/mlp_speed.py``). Energies in eV,
forces in eV/Å.
"""

from . import mlp


def calculator(device="cpu", version=mlp.MODEL_VERSION, threads=1, seed=0):
    """:func:`paper_lib.mlp.calculator`, predicting energies and forces only (no stress, no magmoms)."""
    full = mlp.calculator(device, version, threads, seed)

    class ForcesOnly(type(full)):
        implemented_properties = ("energy", "free_energy", "forces")

        def calculate(self, atoms=None, properties=None, system_changes=None, task="ef"):
            super().calculate(atoms, properties, system_changes, task=task)

    full.__class__ = ForcesOnly
    return full
