#!/usr/bin/env python3
"""Held-out clean sentences and documents for the 24 EU languages.

Reads Debian binary packages already downloaded by fetch.sh (into
CACHE/deb/) and writes, per language, OUT/<iso>.txt (one sentence a line)
and OUT/docs-<iso>.jsonl (documents of 10 consecutive sentences, one a line;
fields id, text, lang, source), plus OUT/counts.tsv.

Sources (see README.md): translated help manuals of LibreOffice, GNOME,
MATE and GIMP, and, for Slovak and Irish, which have no translated manual in
Debian, LibreOffice's translated user-interface catalogues (only their
full-sentence strings). Nothing here uses a language identifier: text is
kept or dropped by its source language folder, by being identical to the
English original (an untranslated paragraph), and by the shape rules in
`clean()`. Standard library only.
"""
import argparse
import gettext
import glob
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

# iso -> (kind, debian package, folder of the language inside the package)
SOURCES = {
    "bg": ("mate", "mate-user-guide", "bg"),
    "cs": ("lohelp", "libreoffice-help-cs", "cs"),
    "da": ("lohelp", "libreoffice-help-da", "da"),
    "de": ("lohelp", "libreoffice-help-de", "de"),
    "el": ("lohelp", "libreoffice-help-el", "el"),
    "en": ("lohelp", "libreoffice-help-en-us", "en-US"),
    "es": ("lohelp", "libreoffice-help-es", "es"),
    "et": ("lohelp", "libreoffice-help-et", "et"),
    "fi": ("lohelp", "libreoffice-help-fi", "fi"),
    "fr": ("lohelp", "libreoffice-help-fr", "fr"),
    "ga": ("lomo", "libreoffice-l10n-ga", "ga"),
    "hr": ("gnome", "gnome-user-docs", "hr"),
    "hu": ("lohelp", "libreoffice-help-hu", "hu"),
    "it": ("lohelp", "libreoffice-help-it", "it"),
    "lt": ("gimp", "gimp-help-lt", "lt"),
    "lv": ("gnome", "gnome-user-docs", "lv"),
    "nl": ("lohelp", "libreoffice-help-nl", "nl"),
    "pl": ("lohelp", "libreoffice-help-pl", "pl"),
    "pt": ("lohelp", "libreoffice-help-pt", "pt"),
    "ro": ("gimp", "gimp-help-ro", "ro"),
    "sk": ("lomo", "libreoffice-l10n-sk", "sk"),
    "sl": ("lohelp", "libreoffice-help-sl", "sl"),
    "sv": ("lohelp", "libreoffice-help-sv", "sv"),
    # mt: no Debian, PyPI, npm or crates.io package found with Maltese prose.
}
# English originals that translated paragraphs are compared against.
ENGLISH = {"lohelp": ("libreoffice-help-en-us", "en-US"), "gimp": ("gimp-help-en", "en"),
           "gnome": ("gnome-user-docs", "C"), "mate": ("mate-user-guide", "C")}
EU = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()


def packages():
    """Every Debian package fetch.sh must download."""
    pk = {p for _, p, _ in SOURCES.values()} | {p for p, _ in ENGLISH.values()}
    return sorted(pk)


def deb_of(cache, pkg):
    hits = sorted(glob.glob(os.path.join(cache, "deb", f"{pkg}_*.deb")))
    if not hits:
        sys.exit(f"missing {pkg} in {cache}/deb (run fetch.sh)")
    return hits[-1]


def version_of(deb):
    return subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True,
                          capture_output=True, text=True).stdout.strip()


def unpack(cache, pkg):
    """Unpacks a .deb once into CACHE/x/<pkg>/ and returns that folder."""
    deb = deb_of(cache, pkg)
    dest = os.path.join(cache, "x", pkg)
    stamp = os.path.join(dest, ".unpacked")
    if not (os.path.exists(stamp) and open(stamp).read() == os.path.basename(deb)):
        subprocess.run(["rm", "-rf", dest], check=True)
        os.makedirs(dest)
        subprocess.run(["dpkg-deb", "-x", deb, dest], check=True)
        with open(stamp, "w") as f:
            f.write(os.path.basename(deb))
    return dest


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", html.unescape(s))).strip()


# ---------------------------------------------------------------- readers
class HelpHTML(HTMLParser):
    """<p> paragraphs of a help page, without code, scripts and page chrome."""
    SKIP = {"script", "style", "pre", "code", "kbd", "samp", "tt", "header", "aside", "nav", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.buf, self.skip, self.divs = [], None, {}, []

    def skipping(self):
        return any(self.skip.values()) or any(self.divs)

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in self.SKIP:
            self.skip[tag] = self.skip.get(tag, 0) + 1
        elif tag == "div":
            self.divs.append("code" in cls or "literal" in cls)
        if tag == "p" and not self.skipping():
            self.buf = []

    def handle_endtag(self, tag):
        if tag == "p" and self.buf is not None:
            self.out.append(norm("".join(self.buf)))
            self.buf = None
        if tag in self.SKIP and self.skip.get(tag):
            self.skip[tag] -= 1
        elif tag == "div" and self.divs:
            self.divs.pop()

    def handle_data(self, data):
        if self.buf is not None and not self.skipping():
            self.buf.append(data)


def html_pages(folder):
    for f in sorted(glob.glob(os.path.join(folder, "**", "*.html"), recursive=True)):
        p = HelpHTML()
        with open(f, encoding="utf-8", errors="replace") as fh:
            p.feed(fh.read())
        yield os.path.relpath(f, folder), [x for x in p.out if x]


XML_SKIP = {"code", "screen", "programlisting", "cmd", "command", "computeroutput", "userinput",
            "literallayout", "synopsis", "email", "credit", "info", "revision", "indexterm", "media"}


def xml_text(el):
    parts = [el.text or ""]
    for ch in el:
        if ch.tag.split("}")[-1] not in XML_SKIP and ch.tag.split("}")[-1] not in ("p", "para"):
            parts.append(xml_text(ch))
        parts.append(ch.tail or "")
    return "".join(parts)


def xml_pages(folder, pattern):
    for f in sorted(glob.glob(os.path.join(folder, pattern))):
        try:
            root = ET.parse(f).getroot()
        except ET.ParseError:
            continue
        out = []

        def walk(el, skip):
            tag = el.tag.split("}")[-1]
            skip = skip or tag in XML_SKIP
            if tag in ("p", "para") and not skip:
                out.append(norm(xml_text(el)))
            for ch in el:
                walk(ch, skip)
        walk(root, False)
        yield os.path.basename(f), [x for x in out if x]


def mo_strings(folder):
    for f in sorted(glob.glob(os.path.join(folder, "**", "*.mo"), recursive=True)):
        with open(f, "rb") as fh:
            cat = gettext.GNUTranslations(fh)._catalog
        out = []
        for k, v in cat.items():
            if isinstance(k, tuple) or not k or not v:
                continue
            src = k.split("\x04")[-1]
            if v == src:
                continue
            v = v.replace("~", "")
            v = re.sub(r"(?<=\w)_(?=\w)|^_|(?<=\s)_(?=\w)", "", v)
            out.append(norm(re.sub(r"<[^>]+>", "", v)))
        yield os.path.basename(f), out


def english_of(kind, cache):
    pkg, folder = ENGLISH[kind]
    root = unpack(cache, pkg)
    return read(kind, root, folder)


def read(kind, root, folder):
    if kind == "lohelp":
        return html_pages(os.path.join(root, "usr/share/libreoffice/help", folder))
    if kind == "gimp":
        return html_pages(os.path.join(root, "usr/share/gimp/2.0/help", folder))
    if kind == "gnome":
        return xml_pages(os.path.join(root, "usr/share/help", folder, "gnome-help"), "*.page")
    if kind == "mate":
        return xml_pages(os.path.join(root, "usr/share/help", folder, "mate-user-guide"), "*.xml")
    if kind == "lomo":
        return mo_strings(os.path.join(root, "usr/lib/libreoffice/program/resource", folder))
    raise ValueError(kind)


# ---------------------------------------------------------------- sentences
UPPER_START = re.compile(r"^[\"'„“”«»‚‘(\[]?[^\W\d_]")
END = re.compile(r"[.!?…](?:[\"'”“»«’)\]]*)$")
CODEISH = re.compile(r"[{}<>=\\|#@^*_`]|://|www\.|\$\(|%[A-Za-z0-9]|\.(?:html?|xml|txt|odt|ods|png|svg|py|js)\b|\b[A-Za-z]+\(\)")
# a space before a comma or full stop, or empty brackets: an inline element (link, image) left out
GAP = re.compile(r"\s[,.](?!\.)|\(\s*\)|\[\s*\]")
MENU = re.compile(r"( - [^ ]+){2,}| > .* > ")
# English words that are not words of the other 23 languages, to spot untranslated sentences.
EN_ONLY = set("the and with that this you your which from when will have has into should would "
              "there their these those been were click select choose".split())
SENT_SPLIT = re.compile(r"(?<=[.!?…])([\"'”“»’)]*)\s+[\"'„“«‚‘(]?([^\W\d_])")


def split_sentences(par):
    """Splits a paragraph after . ! ? … when a capital follows, not after numbers or abbreviations."""
    out, start = [], 0
    for m in SENT_SPLIT.finditer(par):
        prev = par[start:m.end(1)].strip()
        last = prev.split()[-1] if prev.split() else ""
        core = last.rstrip(".!?…\"'”»’)")
        nxt = m.group(2)
        if last.endswith(".") and (core.isdigit() or len(core) <= 2 or "." in core
                                   or core.lower() in ABBREV) or not nxt.isupper():
            continue
        out.append(prev)
        start = m.end(1)
    out.append(par[start:].strip())
    return [s for s in out if s]


ABBREV = set("""z.b bzw usw vgl ggf evtl ca inkl max min nr str tel dr prof etc e.g i.e vs approx fig
p.ex ex cf env resp napr tzn tj atd pl pvz pan. t.sk mm sz pt kb stb ill vö no nro esim mm jne ym
sk bl.a dvs osv t.ex fx jf s.a ang resp čl obr tab""".split())


def clean(s, iso, english_sents):
    s = s.replace("%PRODUCTNAME", "LibreOffice").replace("$[officename]", "LibreOffice")
    s = norm(s)
    words = s.split()
    if len(words) < 5 or len(s) > 1000:
        return None
    if not UPPER_START.match(s) or not s.lstrip("\"'„“«‚‘([").strip()[:1].isupper():
        return None
    if not END.search(s):
        return None
    if CODEISH.search(s) or MENU.search(s) or GAP.search(s):
        return None
    chars = [c for c in s if not c.isspace()]
    letters = sum(c.isalpha() for c in chars)
    digits = sum(c.isdigit() for c in chars)
    if letters < 0.8 * len(chars) or digits > 0.1 * len(chars):
        return None
    # tokens made of letters (inner hyphens/apostrophes allowed) must dominate
    wordlike = sum(bool(re.fullmatch(r"[\"'„“«‚‘(\[]*[^\W\d_]+(?:[-'’][^\W\d_]+)*[-’']?[.,:;!?…\"'”»’)\]]*", w))
                   for w in words)
    if wordlike < 0.85 * len(words):
        return None
    # many capitalised words mid-sentence = UI labels strung together
    caps = sum(w[:1].isupper() for w in words[1:])
    if caps > 0.5 * (len(words) - 1):
        return None
    if iso != "en":
        if s in english_sents:
            return None
        low = [re.sub(r"\W", "", w.lower()) for w in words]
        if sum(w in EN_ONLY for w in low) >= 2:
            return None
    return s


NEAR_WINDOW = 30   # sentences
NEAR_N = 4         # words
NEAR_SHARE = 0.5


def ngrams(s, n=NEAR_N):
    w = re.findall(r"\w+", s.casefold())
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def sentences_of(kind, root, folder, iso, english_sents):
    """Clean sentences in source order, without repeats and without templated near-repeats:
    a sentence half of whose word 4-grams occur in the 30 sentences kept before it
    ("Enter the amount of vertical space you want at the end of the connector." after
    "... horizontal space ... at the end ...") is dropped, as help texts repeat such patterns."""
    seen, recent = set(), []
    for page, pars in read(kind, root, folder):
        for par in pars:
            for sent in split_sentences(par):
                c = clean(sent, iso, english_sents)
                if c is None:
                    continue
                key = c.casefold()
                if key in seen:
                    continue
                grams = ngrams(c)
                if grams:
                    prior = set().union(*recent) if recent else set()
                    if len(grams & prior) >= NEAR_SHARE * len(grams):
                        continue
                seen.add(key)
                recent = (recent + [grams])[-NEAR_WINDOW:]
                yield page, c


def english_sentences(kind, cache, memo):
    if kind not in memo:
        if kind == "lomo":
            memo[kind] = set()
        else:
            s = set()
            for _, pars in english_of(kind, cache):
                for par in pars:
                    s.add(par)
                    s.update(split_sentences(par))
            memo[kind] = s
    return memo[kind]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-doc", type=int, default=10)
    ap.add_argument("--max-docs", type=int, default=500,
                    help="documents kept per language, spread evenly over the source")
    ap.add_argument("--langs", default=",".join(EU))
    ap.add_argument("--list-packages", action="store_true")
    a = ap.parse_args()
    if a.list_packages:
        print("\n".join(packages()))
        return
    os.makedirs(a.out, exist_ok=True)
    memo, rows = {}, []
    for iso in a.langs.split(","):
        if iso not in SOURCES:
            rows.append((iso, "-", 0, 0, 0))
            for stale in (f"{iso}.txt", f"docs-{iso}.jsonl"):
                if os.path.exists(os.path.join(a.out, stale)):
                    os.remove(os.path.join(a.out, stale))
            continue
        kind, pkg, folder = SOURCES[iso]
        deb = deb_of(a.cache, pkg)
        source = f"debian:{pkg}={version_of(deb)}"
        root = unpack(a.cache, pkg)
        eng = english_sentences(kind, a.cache, memo) if iso != "en" else set()
        sents = list(sentences_of(kind, root, folder, iso, eng))
        docs = [sents[i:i + a.per_doc] for i in range(0, len(sents) - a.per_doc + 1, a.per_doc)]
        if len(docs) > a.max_docs:  # evenly spaced over the whole manual, deterministic
            step = len(docs) / a.max_docs
            docs = [docs[int(i * step)] for i in range(a.max_docs)]
        with open(os.path.join(a.out, f"{iso}.txt.tmp"), "w", encoding="utf-8") as ft, \
                open(os.path.join(a.out, f"docs-{iso}.jsonl.tmp"), "w", encoding="utf-8") as fd:
            for n, d in enumerate(docs):
                for _, s in d:
                    ft.write(s + "\n")
                doc_id = f"heldout-{iso}-{n:04d}"
                fd.write(json.dumps({"id": doc_id, "text": "\n".join(s for _, s in d), "lang": iso,
                                     "source": source}, ensure_ascii=False) + "\n")
        for name in (f"{iso}.txt", f"docs-{iso}.jsonl"):
            os.replace(os.path.join(a.out, name + ".tmp"), os.path.join(a.out, name))
        rows.append((iso, source, len(sents), len(docs), len(docs) * a.per_doc))
        print(f"{iso}\t{source}\tclean sentences {len(sents)}\tdocs {len(docs)}", file=sys.stderr)
    with open(os.path.join(a.out, "counts.tsv"), "w") as f:
        f.write("lang\tsource\tclean_sentences_available\tdocuments\tsentences_written\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")


if __name__ == "__main__":
    main()
