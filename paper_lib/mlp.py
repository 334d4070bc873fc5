"""The machine-learned interatomic potential of the independent recomputation: CHGNet.

CHGNet (Deng et al., Nat. Mach. Intell. 5 (2023) 1031) is a universal graph-network potential trained
on the Materials Project's relaxation trajectories (PBE and PBE+U). Its weights ship inside its PyPI
wheel, so a recomputation needs no download. It is an optional extra (``pip install -e '.[mlp]'``,
``make recompute``); nothing else in the compendium imports torch.

Known limits, for hydrides in particular:

* it learnt PBE, so it inherits PBE's errors (lattice constants a few per cent off, van der Waals
  contacts between [BH4]⁻ units, which hold LiBH4's lattice together, poorly described);
* universal potentials are systematically *softer* than the DFT they learnt (energy surfaces too flat
  near minima, migration barriers too low), and relaxation data contain few saddle points;
* it predicts energies in float32, so energy differences below about 1 meV/atom are noise.

Its numbers are a second opinion, computed without the article's values, not the truth.

Reproducibility: one torch thread and a fixed seed make runs bit-identical on one machine; across CPUs
the float32 sums differ in the last digits, so results are compared within stated tolerances.
"""

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

#: The model: CHGNet's pretrained weights 0.3.0 (MPtrj, 2023), the package's default.
MODEL = "CHGNet"
MODEL_VERSION = "0.3.0"
DEVICES = ("cpu", "cuda")
INSTALL_HINT = ("the independent recomputation needs the optional extra 'mlp' (CHGNet on PyTorch): "
                "`make recompute`, or `pip install -e '.[mlp]' --extra-index-url "
                "https://download.pytorch.org/whl/cpu`")


def require():
    """Import chgnet and torch, or raise ImportError saying how to install them."""
    try:
        import chgnet  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        raise ImportError(f"{INSTALL_HINT} ({error})") from None


def check_device(device):
    """``device`` ('cpu' or 'cuda'), checked: 'cuda' needs a CUDA build of torch and a GPU."""
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, not {device!r}")
    require()
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' was asked for, but this torch has no usable CUDA device "
                           f"(torch {torch.__version__}); use device='cpu'")
    return device


def weights_file(version=MODEL_VERSION) -> Path:
    """The weights file of ``version`` inside the installed chgnet package."""
    require()
    import chgnet

    folder = Path(chgnet.__file__).parent / "pretrained" / version
    found = sorted(folder.glob("*.pth.tar"))
    if len(found) != 1:
        raise FileNotFoundError(f"{folder}: expected one *.pth.tar weights file, found {len(found)}")
    return found[0]


@lru_cache(maxsize=4)
def weights_sha256(version=MODEL_VERSION) -> str:
    """sha256 of the weights file of ``version``."""
    return hashlib.sha256(weights_file(version).read_bytes()).hexdigest()


def identity(device="cpu", version=MODEL_VERSION) -> dict:
    """What a recomputed number was computed with: model, weights (name and sha256), packages, device."""
    require()
    import torch

    return {"model": MODEL, "model_version": version, "weights_file": weights_file(version).name,
            "weights_sha256": weights_sha256(version), "chgnet": metadata.version("chgnet"),
            "torch": torch.__version__, "ase": metadata.version("ase"), "device": device,
            "dtype": "float32", "torch_threads": torch.get_num_threads()}


def calculator(device="cpu", version=MODEL_VERSION, threads=1, seed=0):
    """An ase calculator of CHGNet ``version`` on ``device``, with ``threads`` torch threads and a fixed
    torch seed (energies in eV, forces in eV/Å, stress in eV/Å³)."""
    check_device(device)
    import torch
    from chgnet.model import CHGNet
    from chgnet.model.dynamics import CHGNetCalculator

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = CHGNet.load(model_name=version, use_device=device, verbose=False)
    return CHGNetCalculator(model=model, use_device=device, on_isolated_atoms="error")
