"""The published edition: a static HTML site of the compendium, built from what is committed.

    python -m paper_lib.site [--out build/site]        # make site

Sphinx with myst-nb renders the committed, executed notebooks (``nb_execution_mode = "off"``: nothing
is executed), the reproduction report with its claims and audit tables, and the data README. The
source tree is written to ``build/site-src`` from the repository each time:

- ``index.md``: the article, the reference-data statement, the reproduction at a glance
  (``figures/summary.png``) and the figure table from README.md, each figure's image linking to its
  notebook page;
- one page per notebook, headed by its figure (with the reference-data mark), downloads of the
  notebook, the PDF and every data file its provenance names, and a Binder link;
- ``reproduction.md`` (figures/REPRODUCTION.md) and ``data.md`` (data/README.md).

Links between the repository's files become links between pages, or downloads; links to files the
site does not hold point to the repository. Sphinx runs with warnings as errors, so a broken reference
fails the build. The output is plain static files: any web server, GitHub Pages or Read the Docs can
serve it.
"""

import argparse
import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from . import build, paths, registry

SOURCE = paths.ROOT / "build" / "site-src"
OUT = paths.ROOT / "build" / "site"
PAGES = {"figures/REPRODUCTION.md": "reproduction.md", "data/README.md": "data.md", "README.md": "index.md"}
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
CONF = '''project = "Gao et al., Adv. Mater. 2025: the compendium"
extensions = ["myst_nb"]
nb_execution_mode = "off"
nb_output_stderr = "remove"
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]
html_theme = "furo"
html_title = "LiBH4 in [LiNBH]n: the compendium"
html_show_sourcelink = False
exclude_patterns = ["_build", "_doctrees", "notebooks-src"]
'''


def repository_url(relative: str) -> str:
    return f"https://github.com/{registry.REPOSITORY}/blob/HEAD/{relative}"


def binder_url(name: str) -> str:
    return f"https://mybinder.org/v2/gh/{registry.REPOSITORY}/HEAD?labpath=notebooks%2F{name}.ipynb"


def page_of(relative: str):
    """The site page (source path) that shows a repository file, or None."""
    if relative in PAGES:
        return PAGES[relative]
    match = re.fullmatch(r"notebooks/(\w+)\.ipynb", relative)
    return f"notebooks/{match.group(1)}.ipynb" if match else None


def rewrite_links(text: str, here: str, page: str) -> str:
    """Markdown links of a file at repository path ``here``, shown as site page ``page``: to pages where
    the site has them, to copied images, otherwise to the repository (anchors and URLs kept)."""
    def repl(match):
        bang, label, target = match.groups()
        if re.match(r"[a-z]+:|#", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        relative = posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
        shown = page_of(relative)
        if bang and (paths.ROOT / relative).is_file():
            shown = relative  # an image: copied to the same place in the site
        if shown is None:
            return f"{bang}[{label}]({repository_url(relative)}{'#' + anchor if anchor else ''})"
        rel = "../" * page.count("/") + shown
        return f"{bang}[{label}]({rel}{'#' + anchor if anchor else ''})"
    return LINK.sub(repl, text)


def figure_rows() -> dict:
    """``{notebook: (article figure, what it does)}`` from README.md's figure table."""
    rows = {}
    for line in (paths.ROOT / "README.md").read_text().splitlines():
        match = re.match(r"\| (.+?) \| (.+?) \| \[`notebooks/(\w+)\.ipynb`\]", line)
        if match:
            rows[match.group(3)] = (match.group(1), match.group(2))
    return rows


def provenance(name: str) -> dict:
    path = paths.FIGURES / "provenance" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def data_files(name: str, src: Path) -> list:
    """``[(label, site path)]``: the data files a figure was made from, copied into the site (a folder,
    such as a Bruker data set, as a zip)."""
    out = []
    for item in provenance(name).get("data", []):
        source = paths.ROOT / item["file"]
        target = src / item["file"]
        if source.is_dir():
            if not (src / f"{item['file']}.zip").exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.make_archive(str(target), "zip", source)
            out.append((f"{item['file']}/ (zip)", f"{item['file']}.zip"))
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            out.append((item["file"], item["file"]))
    return out


def header_cell(name: str, src: Path) -> str:
    """The markdown heading a notebook page: its figure, downloads, data files and Binder link."""
    record = provenance(name)
    lines = []
    if (paths.FIGURES / f"{name}.png").exists():
        lines += [f"[![{name}](../figures/{name}.png)](../figures/{name}.png)", ""]
        if record.get("reference_data", True):
            lines += ["*Made from the reference dataset (generated from the article's values, not measurements): "
                      "the mark at the figure's corner says so.*", ""]
    downloads = [f"{{download}}`the notebook <../notebooks-src/{name}.ipynb>`"]
    if (paths.FIGURES / f"{name}.pdf").exists():
        downloads.append(f"{{download}}`the figure as PDF <../figures/{name}.pdf>`")
    lines += ["Download " + ", ".join(downloads) + f"; [run it on Binder]({binder_url(name)}).", ""]
    files = data_files(name, src)
    if files:
        lines += [f"Data files ({len(files)}):", ""]
        lines += [f"- {{download}}`{label} <../{site_path}>`" for label, site_path in files]
    return "\n".join(lines)


def notebook_page(name: str, src: Path):
    """Copy a committed notebook, its links rewritten, with the page header after its title."""
    nb = nbformat.read(paths.NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source, f"notebooks/{name}.ipynb", f"notebooks/{name}.ipynb")
    title = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
    nb.cells.insert(title, nbformat.v4.new_markdown_cell(header_cell(name, src)))
    (src / "notebooks").mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, src / "notebooks" / f"{name}.ipynb")
    (src / "notebooks-src").mkdir(exist_ok=True)
    shutil.copy2(paths.NOTEBOOKS / f"{name}.ipynb", src / "notebooks-src" / f"{name}.ipynb")


def index(names) -> str:
    """The index page: the article, the data statement, the glance figure, the figure table."""
    rows = figure_rows()
    lines = ["# LiBH4 confined in porous [LiNBH]n: the compendium", "",
             "A reproducible-research compendium of P. Gao et al., *Adv. Mater.* 2025, "
             "[DOI 10.1002/adma.202508008](https://doi.org/10.1002/adma.202508008): one notebook per figure of "
             "the article, each telling how the figure's numbers come out of the raw data, every number the "
             "article states compared with what the analysis gives, and the article's internal inconsistencies "
             "decided by code.", "",
             "```{important}", "The article's raw data are not public. Every figure here is made from the "
             "compendium's **reference dataset**: files in real instrument formats generated from the article's "
             "reported values with physical models, noise and artefacts (see [the data](data.md)). Each figure "
             "carries a *reference data* mark. 'Reproduced' proves the analysis pipeline, not the measurements.",
             "```", "", "## The reproduction at a glance", "",
             "[![The reproduction at a glance](figures/summary.png)](figures/summary.png)", "",
             "Every claim as the computed value over the article's, with its uncertainty and tolerance band, "
             "grouped by figure and coloured by status; and every audit finding by severity. Details: "
             "[the reproduction report](reproduction.md).", "", "## Figures", "",
             "| Article figure | What the notebook does | Figure | Notebook |", "|---|---|---|---|"]
    for name in names:
        figure, what = rows.get(name, (name, ""))
        image = f"[![{name}](figures/{name}.png)](notebooks/{name}.ipynb)" if (paths.FIGURES / f"{name}.png").exists() else ""
        lines.append(f"| {figure} | {what} | {image} | [{name}](notebooks/{name}.ipynb) |")
    lines += ["", "```{toctree}", ":hidden:", ":maxdepth: 1", "", "reproduction", "data",
              *[f"notebooks/{n}" for n in names], "```", ""]
    return "\n".join(lines)


def write_sources(src=SOURCE) -> list:
    """Write the site's source tree; return the notebooks it shows."""
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    names = sorted(build.notebooks(), key=lambda n: (n in build.AFTER, n in build.RECOMPUTED, n.startswith("figS"),
                                                        int(re.sub(r"\D", "", n) or 0), n))
    (src / "conf.py").write_text(CONF)
    for pattern in ("*.png", "*.pdf"):
        for figure in paths.FIGURES.glob(pattern):
            (src / "figures").mkdir(exist_ok=True)
            shutil.copy2(figure, src / "figures" / figure.name)
    for name in names:
        notebook_page(name, src)
    for repo_path, page in PAGES.items():
        if page != "index.md":
            text = (paths.ROOT / repo_path).read_text()
            (src / page).write_text(rewrite_links(text, repo_path, page))
    (src / "index.md").write_text(index(names))
    return names


def build_site(out=OUT, src=SOURCE) -> Path:
    """Write the sources and run Sphinx (warnings are errors); return the output folder."""
    write_sources(src)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-j", "1",
                          "-d", str(src / "_doctrees"), str(src), str(tmp)], capture_output=True, text=True)
    if run.returncode:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SystemExit(f"the site did not build (nothing was written to {paths.relative(out)}):\n{run.stderr[-4000:]}")
    shutil.rmtree(out, ignore_errors=True)
    tmp.replace(out)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default build/site)")
    args = parser.parse_args(argv)
    out = build_site(args.out.resolve())
    print(f"site written to {paths.relative(out)}/ (open index.html, or serve the folder with any web server)")


if __name__ == "__main__":
    main()
