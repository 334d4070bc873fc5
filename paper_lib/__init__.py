"""Helpers of the reproducible compendium for Gao et al., Adv. Mater. 2025 (DOI 10.1002/adma.202508008).

Data flow, one way: manifest -> fetch (pooch, sha256) -> read (format -> xarray) -> analyse -> plot -> claims.
Submodules are imported on demand (``from paper_lib import eis``) so that ``import paper_lib`` stays fast.
"""

__version__ = "0.1.0"
