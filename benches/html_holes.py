"""Counts sentences with holes: extracted text that holds the words around
an inline element but not the element's own text ("Valitse , napsauta"
from `Valitse <span class="menuitem">Työkalut</span>, napsauta`).

    html_holes.py REPO A.jsonl [B.jsonl ...]

The pages are parsed here with lxml (not through any extractor's tree).
Each run of inline content between block boundaries (any element that is
not phrasing content, and `<br>`) is a segment. For every inline element
inside one segment with text of its own and at least one word on either
side in that segment, the last two words before it and the first two
after it are joined once without the element's text (the hole) and once
with it. A page's output has a hole for that element when its
whitespace-normalised text contains the joined form without the element
and not the form with it. A spacing error is the form with the element
found only with its spaces changed (words glued or split at the
element's edges). Excluded, and why:

- footnote and reference markers (`<sup>`, links whose text is a number
  or `[n]`, classes/ids naming footnotes or references): not words of
  the sentence;
- hidden elements (`hidden`, `aria-hidden="true"`, `display:none`,
  `visibility:hidden`, on the element or an ancestor): a reader never
  sees them;
- `<script>`, `<style>`, `<template>`, `<noscript>`: not rendered text
  (the extractor reads pages as a browser with scripts off; JavaScript
  readers never see noscript);
- form controls (`<select>`, `<option>`, `<textarea>`, `<input>`) and
  embedded content with fallback text (`<iframe>`, `<object>`, `<embed>`,
  `<video>`, `<audio>`, `<canvas>`, `<svg>`, `<math>`, `<img>`, ruby
  annotations `<rt>`/`<rp>`): what a reader sees there is not the text.

The same checker in Rust runs over the fixtures in tests/html_holes.rs.
"""

import json
import re
import sys

from lxml import etree, html as lhtml

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from html_trafilatura import load  # noqa: E402

CHECKED = set(
    "a abbr acronym b bdi bdo big cite code data del dfn em font i ins kbd label mark nobr q s samp small "
    "span strike strong sub time tt u var button output".split()
)
UNRENDERED = set("script style template noscript title head".split())
OPAQUE = set(
    "sup select option optgroup datalist textarea input iframe object embed video audio canvas svg math img "
    "rt rp rtc picture map wbr param source track".split()
)
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
FOOTNOTE = re.compile(r"foot|fn|note|ref|cite", re.I)
MARKER = re.compile(r"^\W*\d{1,3}\W*$|^\[\w{1,4}\]$|^\*+$")


def norm(text):
    return " ".join(text.translate(INVISIBLE).split())


def hidden(el):
    style = (el.get("style") or "").replace(" ", "").lower()
    return (
        el.get("hidden") is not None
        or (el.get("aria-hidden") or "").lower() == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def footnote(el, text):
    if el.tag == "a" and MARKER.match(text.strip()):
        return True
    names = (el.get("class") or "") + " " + (el.get("id") or "")
    return bool(FOOTNOTE.search(names)) and len(text.strip()) <= 4


def segments(root):
    """Segments as lists of pieces: ("t", text) or ("s"/"e", element)."""
    segs, cur = [], []
    stack = [(root, False)]
    while stack:
        el, closing = stack.pop()
        if closing is None:
            cur.append(("t", el))
            continue
        tag = el.tag if isinstance(el.tag, str) else None
        if closing:
            if tag in CHECKED:
                cur.append(("e", el))
            elif tag is not None and tag not in OPAQUE and tag not in UNRENDERED:
                segs.append(cur)
                cur = []
            continue
        if tag is None:  # comment or processing instruction: only its tail counts
            continue
        if tag in UNRENDERED or hidden(el):
            continue
        if tag == "br":
            segs.append(cur)
            cur = []
            continue
        if tag in OPAQUE:
            continue
        if tag in CHECKED:
            cur.append(("s", el))
        else:
            segs.append(cur)
            cur = []
        stack.append((el, True))
        children = list(el)
        for child in reversed(children):
            if child.tail:
                stack.append((child.tail, None))
            stack.append((child, False))
        if el.text:
            stack.append((el.text, None))
    segs.append(cur)
    return segs


def tail_words(text, n):
    """The last n words of text, with its trailing whitespace kept."""
    words = text.split()
    if not words:
        return ""
    return " ".join(words[-n:]) + (" " if text[-1:].isspace() else "")


def head_words(text, n):
    words = text.split()
    if not words:
        return ""
    return (" " if text[:1].isspace() else "") + " ".join(words[:n])


def probes(page_html):
    """(hole, full) pairs of every checked inline element of a page."""
    try:
        root = lhtml.document_fromstring(page_html)
    except (etree.ParserError, ValueError):
        return []
    out = []
    for seg in segments(root):
        texts = [p[1].translate(INVISIBLE) if p[0] == "t" else None for p in seg]
        starts = {}
        for k, (kind, el) in enumerate(seg):
            if kind == "s":
                starts[id(el)] = k
            elif kind == "e" and id(el) in starts:
                s = starts[id(el)]
                inner = "".join(t for t in texts[s:k] if t)
                if not inner.strip() or footnote(el, inner):
                    continue
                before = "".join(t for t in texts[:s] if t)
                after = "".join(t for t in texts[k + 1 :] if t)
                if not before.strip() or not after.strip():
                    continue
                b, a = tail_words(before, 2), head_words(after, 2)
                hole, full = norm(b + a), norm(b + inner + a)
                if len(hole.split()) >= 2 and hole != full:
                    out.append((hole, full))
    return out


def decode(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw  # lxml reads the declared charset


def main():
    repo = sys.argv[1]
    items = load(repo)
    pages = {}
    for _, path, _ in items:
        with open(path, "rb") as f:
            pages[path] = probes(decode(f.read()))
    n = sum(map(len, pages.values()))
    print(f"{len(pages)} pages, {n} inline elements checked")
    for result in sys.argv[2:]:
        holes, pages_with, spacing = 0, 0, 0
        examples = []
        with open(result, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                text = norm(r["text"] or "")
                glued = "".join(text.split())
                probes_ = pages.get(r["file"], [])
                found = [(h, f_) for h, f_ in probes_ if h in text and f_ not in text]
                holes += len(found)
                pages_with += bool(found)
                examples += [(r["file"].rsplit("/", 1)[-1], h, f_) for h, f_ in found[:2]]
                spaced = [(f_, f_) for h, f_ in probes_ if f_ not in text and "".join(f_.split()) in glued]
                spacing += len(spaced)
                examples += [(r["file"].rsplit("/", 1)[-1], "spacing", f_) for _, f_ in spaced[:1]]
        name = result.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        print(f"{name:<28} holes {holes} on {pages_with} pages; spacing errors {spacing}")
        for e in examples[:8]:
            print(f"    {e[0]}: {e[1]!r}  (page: {e[2]!r})")
        print(f"RESULT {name}_holes={holes}")
        print(f"RESULT {name}_spacing={spacing}")


if __name__ == "__main__":
    main()
