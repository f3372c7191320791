"""Writes the article bodies of tests/html_templates.rs to
fixtures/html-templates/: the main text of real pages of trafilatura's
evaluation corpus, as clean HTML (headings, paragraphs, lists, quotes,
bold/italic, links), cut to at most MAX_BLOCKS blocks.

    html_template_bodies.py TRAFILATURA_CHECKOUT

Uses trafilatura (benches' venv) to find the body; the templates that wrap
it are written by the test itself.
"""

import os
import re
import sys

import trafilatura
from lxml import etree, html as lhtml

# file in tests/eval or tests/cache -> (language, output name)
PAGES = {
    "galore.de.buch.html": "de-galore",
    "anarc.at.cdpath.html": "en-anarc",
    "sauvonsluniversite.com.spip.html": "fr-sauvonsluniversite",
    "unocero.com.marcas.html": "es-unocero",
    "Koncesjonowana opozycja -Leszek Jażdżewski - Liberté!.html": "pl-liberte",
    "parcoabruzzo.it.58354.html": "it-parcoabruzzo",
    "yle.fi.3-11212601.html": "fi-yle",
    "mindmegette.hu.levagott.html": "hu-mindmegette",
    "gazetadopovo.com.br-pacheco.html": "pt-gazetadopovo",
}
MAX_BLOCKS = 14
KEEP = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "blockquote", "b", "strong", "i", "em", "a", "br"}


def body_of(raw):
    out = trafilatura.extract(
        raw, output_format="html", include_formatting=True, include_links=True, include_comments=False,
        include_tables=False, include_images=False,
    )
    root = lhtml.fragment_fromstring(out, create_parent="div")
    body = root.find(".//body")
    body = body if body is not None else root
    blocks = []
    for el in body.iter():
        if el.tag not in KEEP:
            el.tag = "span" if el.getparent() is not None and el.getparent().tag in KEEP else el.tag
        for a in list(el.attrib):
            if not (el.tag == "a" and a == "href"):
                del el.attrib[a]
    block_tags = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "blockquote"}
    for el in body.iter():
        if any(a.tag in block_tags for a in el.iterancestors()):
            continue
        if el.tag in block_tags and "".join(el.itertext()).strip():
            blocks.append(lhtml.tostring(el, encoding="unicode").strip())
        if len(blocks) >= MAX_BLOCKS:
            break
    # Headings only between paragraphs: a body does not end on one.
    while blocks and re.match(r"<h\d", blocks[-1]):
        blocks.pop()
    return "\n".join(blocks) + "\n"


def main():
    repo = sys.argv[1]
    dest = os.path.join(os.path.dirname(__file__), "..", "fixtures", "html-templates")
    os.makedirs(dest, exist_ok=True)
    for name, out in PAGES.items():
        for sub in ("eval", "cache"):
            path = os.path.join(repo, "tests", sub, name)
            if os.path.isfile(path):
                break
        with open(path, "rb") as f:
            raw = f.read()
        with open(os.path.join(dest, out + ".html"), "w", encoding="utf-8") as f:
            f.write(body_of(raw))
        print(out)


if __name__ == "__main__":
    main()
