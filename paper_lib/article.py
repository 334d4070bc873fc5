"""Searches of the article's text that the audit's textual findings rest on, without keeping its sentences.

The article's text is not part of the compendium. A reader who has it (the publisher's PDF turned to
text) can repeat every search:

    python -m paper_lib.article ARTICLE.txt           # check: the committed locations, found again?
    python -m paper_lib.article ARTICLE.txt --write   # record the locations (after editing the searches)

- ``article_searches.yaml`` holds, per audit finding, named searches: short regular expressions over
  the normalised text (numbers, figure references, sample names), never whole sentences.
- ``article_passages.json`` (written from them) records where each search matched: the section, the
  paragraph's number within it, the groups a search captures (a panel letter, a number, a unit) and a
  12-digit SHA-256 of the matched words. The audit decides its textual findings from this file, so a
  build needs no article; a test repeats the searches when the text is at hand.

Normalisation folds the typography of PDF-to-text output: sub- and superscript digits, LaTeX
fragments (``$_4$``, ``^{-1}``, ``\\times``), ``**`` emphasis, and joins words hyphenated across lines.
"""

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .output import atomic_write_text

SEARCHES = Path(__file__).with_name("article_searches.yaml")
PASSAGES = Path(__file__).with_name("article_passages.json")
HEADINGS = re.compile(r"^(\d)\. (Introduction|Results and Discussion|Conclusion)$")
BACK_MATTER = ("Supporting Information", "Acknowledgements", "Conflict of Interest",
               "Data Availability Statement", "Keywords")
BANNER = re.compile(r"Downloaded from|onlinelibrary\.wiley\.com/terms|^www\.adv|^ADVANCED MATERIALS$|"
                    r"^Check for updates$|^\s*$")
_SCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "01234567890123456789-+")
_FOLDS = [(re.compile(r"\s*\$\s*_\s*\{?\s*(\d+)\s*\}?\s*\$"), r"\1"),    # LiBH $_4$ -> LiBH4
          (re.compile(r"\s*_\s*\{(?:\\!)*\s*(\d+)\s*\}"), r"\1"),           # LiBH _{\!\!4} -> LiBH4
          (re.compile(r"\s*\$\s*\^\s*\{?\s*([-+]?\d+)\s*\}?\s*\$"), r"\1"),  # cm $^{-2}$ -> cm-2
          (re.compile(r"\^\{?([-+]?\d+)\}?"), r"\1"),                          # 10^{-4} -> 10-4
          (re.compile(r"\\rm\s*|\\mathrm|\$"), ""), (re.compile(r"\s*\\times\s*"), " × "),
          (re.compile(r"\*\*|\*"), ""), (re.compile(r"μ"), "µ"), (re.compile(r"[ \t]+"), " ")]


@dataclass(frozen=True)
class Paragraph:
    section: str   # "Abstract", "1. Introduction", ..., "Figure 3 caption", "Front matter", "Back matter"
    number: int    # 1-based, within its section
    text: str      # normalised


def normalise(text: str) -> str:
    """The text with its PDF/LaTeX typography folded (see the module docstring)."""
    text = text.translate(_SCRIPTS)
    for pattern, repl in _FOLDS:
        text = pattern.sub(repl, text)
    return text


def paragraphs(text: str) -> list:
    """The article's paragraphs by section, download banners and page furniture left out."""
    found, section, counts, front = [], "Front matter", {}, []
    for raw in re.split(r"\n\s*\n", text):
        para = normalise(raw.strip().replace("-\n", "").replace("\n", " ")).strip()
        if BANNER.search(para) or len(para) < 2:
            continue
        heading = HEADINGS.match(para)
        if heading or para in BACK_MATTER:
            section = para if heading else "Back matter"
            continue
        caption = re.match(r"Figure (\d+)\. ", para)
        where = f"Figure {caption.group(1)} caption" if caption else section
        if where == "Front matter":
            front.append(para)
        counts[where] = counts.get(where, 0) + 1
        found.append(Paragraph(where, counts[where], para))
    abstract = max(front, key=len, default=None)  # the front matter's one long paragraph
    return [Paragraph("Abstract", 1, p.text) if p.text == abstract else p for p in found]


@lru_cache(maxsize=1)
def searches() -> dict:
    """``{finding id: {search name: pattern}}`` from ``article_searches.yaml``."""
    return yaml.safe_load(SEARCHES.read_text())["searches"]


def search(paras, pattern) -> list:
    """Every match of ``pattern`` in ``paras``: section, paragraph, groups, digest. ``pattern`` is a regular
    expression, or ``{"pattern": ..., "in": section}`` to search one section only."""
    where = pattern.get("in") if isinstance(pattern, dict) else None
    regex = re.compile(pattern["pattern"] if isinstance(pattern, dict) else pattern)
    return [{"section": p.section, "paragraph": p.number, "groups": list(m.groups()),
             "digest": hashlib.sha256(m.group(0).encode()).hexdigest()[:12]}
            for p in paras if where in (None, p.section) for m in regex.finditer(p.text)]


def locate(text: str) -> dict:
    """``{finding id: {search name: {"pattern", "matches"}}}`` for every search, in this text."""
    paras = paragraphs(text)
    return {fid: {name: {"pattern": pattern, "matches": search(paras, pattern)} for name, pattern in named.items()}
            for fid, named in searches().items()}


@lru_cache(maxsize=1)
def passages() -> dict:
    """The committed locations (``article_passages.json``)."""
    return json.loads(PASSAGES.read_text())["findings"]


def matches(finding_id: str, name: str) -> list:
    """The committed matches of one search; a KeyError names a search that was never recorded."""
    try:
        return passages()[finding_id][name]["matches"]
    except KeyError:
        raise KeyError(f"{PASSAGES.name}: no search '{name}' for finding '{finding_id}'; "
                       f"add it to {SEARCHES.name} and run python -m paper_lib.article ARTICLE.txt --write") from None


def differences(text: str) -> list:
    """Where this text's searches disagree with the committed locations (empty: all found again)."""
    new, old, out = locate(text), passages(), []
    for fid in sorted(set(new) | set(old)):
        for name in sorted(set(new.get(fid, {})) | set(old.get(fid, {}))):
            a, b = old.get(fid, {}).get(name), new.get(fid, {}).get(name)
            if a != b:
                out.append(f"{fid}/{name}: committed {_brief(a)}, this text {_brief(b)}")
    return out


def _brief(entry):
    if entry is None:
        return "nothing"
    return "; ".join(f"{m['section']} ¶{m['paragraph']} {m['groups']}" for m in entry["matches"]) or "no match"


def write(text: str, target=PASSAGES):
    """Record the locations of every search in ``target``."""
    doc = {"article": "Gao et al., Adv. Mater. 2025, DOI 10.1002/adma.202508008",
           "text_sha256": hashlib.sha256(text.encode()).hexdigest(), "findings": locate(text)}
    atomic_write_text(target, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("text", type=Path, help="the article as plain text (UTF-8)")
    parser.add_argument("--write", action="store_true", help=f"record the locations in {PASSAGES.name}")
    args = parser.parse_args(argv)
    try:
        text = args.text.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        sys.exit(f"{args.text}: cannot read the article text as UTF-8 ({exc})")
    if args.write:
        write(text)
        print(f"wrote {PASSAGES}")
        return
    found = differences(text)
    print("\n".join(found) if found else f"every search of {SEARCHES.name} found the committed passages again")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
