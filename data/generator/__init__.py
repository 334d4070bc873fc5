"""Generator of the reference dataset: physical forward models with the article's values, plus
measurement-like noise and artefacts, written in real instrument export formats. Deterministic:
every file is seeded from its own name, so regenerating gives byte-identical files."""
