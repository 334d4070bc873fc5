# The two commands of the compendium (README.md):
#   make figures   create the pinned environment, execute every notebook, write figures/
#   make test      the same environment plus test extras, then every test
# and the published edition: make site (build/site/, from the committed notebooks),
# and the independent recomputation: make recompute (CHGNet on PyTorch's CPU build; data/recomputed/).
# Both need only Python 3.11 on the machine; everything else is installed here.

PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
VPY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
JOBS ?= $(shell env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 2)
# One BLAS/OpenMP thread everywhere: results must not depend on how many cores a machine has
# (paper_lib/numeric_env.py); notebooks run side by side instead.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: figures test site env test-env mlp-env recompute reanalyse data benchmark clean-env lock fuzz

figures: $(VENV)/.figures-env
	$(VPY) -m paper_lib.build --jobs $(JOBS) $(if $(FORCE),--force,) $(NOTEBOOKS)

test: $(VENV)/.test-env
	$(VPY) -m pytest $(PYTEST_ARGS)

# The published edition (build/site/): static HTML of the committed notebooks and reports; executes nothing.
site: $(VENV)/.site-env
	$(VPY) -m paper_lib.site

# The independent recomputation (README, "Independent recomputation"): CHGNet recomputes the parts
# (default structure and migration; PARTS=diffusion for the MD, hours on a CPU, resumed when stopped) into data/recomputed/full/,
# then the build re-executes what reads them (the recomputation notebooks, the audit, the report).
# DEVICE=cuda with a CUDA build of torch.
recompute: $(VENV)/.mlp-env
	$(VPY) -m paper_lib.recompute --case full --part $(or $(PARTS),structure migration) --device $(or $(DEVICE),cpu) --jobs $(JOBS)
	$(VPY) -m paper_lib.build --jobs $(JOBS)

# The committed MD trajectories analysed again by the current paper_lib/diffusion.py (seconds, no torch),
# then the build re-executes what reads them.
reanalyse: $(VENV)/.figures-env
	$(VPY) -m paper_lib.recompute --case full --reanalyse
	$(VPY) -m paper_lib.recompute --case small --reanalyse
	$(VPY) -m paper_lib.build --jobs $(JOBS)

# Long fuzzing of every reader (tests/fuzzing.py): FUZZ_EXAMPLES mutants per format (make test runs 200).
fuzz: $(VENV)/.test-env
	FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),20000) $(VPY) -m pytest -p no:cacheprovider tests/test_fuzz_readers.py

env: $(VENV)/.figures-env
test-env: $(VENV)/.test-env
mlp-env: $(VENV)/.mlp-env

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.figures-env: requirements/figures.lock pyproject.toml | $(UV)
	$(UV) pip install --quiet --python $(VPY) --require-hashes -r requirements/figures.lock
	$(UV) pip install --quiet --python $(VPY) --no-deps -e .
	touch $@

$(VENV)/.site-env: requirements/site.lock pyproject.toml | $(UV)
	$(UV) pip install --quiet --python $(VPY) --require-hashes -r requirements/site.lock
	$(UV) pip install --quiet --python $(VPY) --no-deps -e .
	touch $(VENV)/.figures-env $@

$(VENV)/.test-env: requirements/test.lock pyproject.toml | $(UV)
	$(UV) pip install --quiet --python $(VPY) --require-hashes -r requirements/test.lock
	$(UV) pip install --quiet --python $(VPY) --no-deps -e .
	touch $(VENV)/.figures-env $(VENV)/.site-env $@

# The optional extra mlp (CHGNet, torch): pip, not uv, so that a torch wheel found by pip's own
# configuration (find-links) is taken; elsewhere it comes from PyTorch's CPU index (TORCH_INDEX).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
$(VENV)/.mlp-env: requirements/mlp.lock $(VENV)/.figures-env
	$(VPY) -m pip install --quiet --disable-pip-version-check --retries 0 --require-hashes --no-deps \
		$(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),) -r requirements/mlp.lock
	touch $@

# Regenerate the reference dataset and its registry (files that agree within tolerance keep their bytes).
data: $(VENV)/.figures-env
	$(VPY) data/generate.py

benchmark: $(VENV)/.test-env
	$(VPY) benchmarks/build_speed.py
	$(VPY) benchmarks/read_speed.py
	$(VPY) benchmarks/cell_speed.py
	$(VPY) benchmarks/batch_speed.py

# Re-resolve the pins after editing pyproject.toml.
lock: | $(UV)
	$(UV) pip compile -q --python-version 3.11 --generate-hashes pyproject.toml -o requirements/figures.lock
	$(UV) pip compile -q --python-version 3.11 --generate-hashes --extra site pyproject.toml -c requirements/figures.lock -o requirements/site.lock
	$(UV) pip compile -q --python-version 3.11 --generate-hashes --extra test --extra site pyproject.toml -c requirements/site.lock -o requirements/test.lock
	$(UV) pip compile -q --python-version 3.11 --generate-hashes --extra mlp pyproject.toml -c requirements/test.lock \
		$(if $(TORCH_FIND_LINKS),--find-links $(TORCH_FIND_LINKS),--index $(TORCH_INDEX) --index-strategy unsafe-best-match) -o requirements/mlp.lock

clean-env:
	rm -rf $(VENV)
