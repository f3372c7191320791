#!/usr/bin/env python3
"""Writes the seeded `rules:` block of every langs/<iso>.yaml.

Word lists: the npm package naughty-words 1.2.0 ("List of Dirty, Naughty,
Obscene, and Otherwise Bad Words", CC-BY-4.0), fetched with
`npm pack naughty-words@1.2.0`: cs da de en es fi fr hu it nl pl pt sv.
No open list reachable from the registries covers bg el et ga hr lt lv mt ro
sk sl: their partners add their own. A document is dropped when at least 3
listed words occur and they make at least 1% of its words (a stray word in
clean text stays; a page that is about it goes).

Line rules: cookie-banner sentences in each language, written for
eurocurate (Apache-2.0) for the partners to extend: a line holding one of
the phrases is removed.

    scripts/langs_rules.py [path/to/naughty-words/package]
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile

MARKER = "# --- rules (scripts/langs_rules.py) ---"
LDNOOBW = "cs da de en es fi fr hu it nl pl pt sv".split()
EU24 = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()
COOKIES = {
    "bg": ["използва бисквитки", "използваме бисквитки", "приемам бисквитките"],
    "cs": ["používá cookies", "používáme cookies", "používá soubory cookie", "souhlasím s používáním cookies"],
    "da": ["bruger cookies", "anvender cookies", "accepter cookies", "acceptér alle cookies"],
    "de": ["verwendet cookies", "nutzt cookies", "verwenden cookies", "alle cookies akzeptieren", "cookie-einstellungen"],
    "el": ["χρησιμοποιεί cookies", "χρησιμοποιούμε cookies", "αποδοχή cookies"],
    "en": ["uses cookies", "we use cookies", "accept all cookies", "cookie settings"],
    "es": ["utiliza cookies", "utilizamos cookies", "usamos cookies", "aceptar cookies", "política de cookies"],
    "et": ["kasutab küpsiseid", "kasutame küpsiseid", "nõustun küpsistega", "küpsiste kasutamisega"],
    "fi": ["käyttää evästeitä", "käytämme evästeitä", "hyväksy evästeet", "evästeasetukset"],
    "fr": ["utilise des cookies", "utilisons des cookies", "accepter les cookies", "paramètres des cookies",
           "politique de cookies"],
    "ga": ["úsáideann an suíomh seo fianáin", "úsáidimid fianáin", "glac le fianáin"],
    "hr": ["koristi kolačiće", "koristimo kolačiće", "prihvaćam kolačiće", "postavke kolačića"],
    "hu": ["sütiket használ", "sütiket használunk", "cookie-kat használ", "elfogadom a sütiket"],
    "it": ["utilizza cookie", "utilizziamo cookie", "utilizza i cookie", "utilizziamo i cookie", "accetta i cookie"],
    "lt": ["naudoja slapukus", "naudojame slapukus", "sutinku su slapukais", "slapukų politika"],
    "lv": ["izmanto sīkdatnes", "izmantojam sīkdatnes", "piekrītu sīkdatnēm", "sīkdatņu politika"],
    "mt": ["juża l-cookies", "nużaw il-cookies", "naċċetta l-cookies"],
    "nl": ["gebruikt cookies", "maakt gebruik van cookies", "accepteer cookies", "cookie-instellingen", "cookiebeleid"],
    "pl": ["używa plików cookie", "wykorzystuje pliki cookie", "używamy plików cookie", "akceptuję pliki cookie",
           "polityka cookies"],
    "pt": ["utiliza cookies", "utilizamos cookies", "usamos cookies", "aceitar cookies", "política de cookies"],
    "ro": ["folosește cookie-uri", "utilizează cookie-uri", "folosim cookie-uri", "accept cookie-urile",
           "politica de cookie-uri"],
    "sk": ["používa súbory cookie", "používame súbory cookie", "používa cookies", "súhlasím s cookies"],
    "sl": ["uporablja piškotke", "uporabljamo piškotke", "sprejmi piškotke", "nastavitve piškotkov"],
    "sv": ["använder cookies", "använder kakor", "acceptera cookies", "godkänn cookies", "cookie-inställningar"],
}


def load(pkg):
    if pkg:
        return {l: json.load(open(os.path.join(pkg, f"{l}.json"), encoding="utf-8")) for l in LDNOOBW}
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["npm", "pack", "naughty-words@1.2.0", "--silent"], cwd=d, check=True, stdout=subprocess.DEVNULL)
        tgz = [f for f in os.listdir(d) if f.endswith(".tgz")][0]
        with tarfile.open(os.path.join(d, tgz)) as t:
            return {l: json.load(t.extractfile(f"package/{l}.json")) for l in LDNOOBW}


def q(v):
    return json.dumps(v, ensure_ascii=False)


def flow(words, indent="      "):
    lines, line = [], indent
    for w in words:
        item = q(w) + ", "
        if len(line) + len(item) > 100:
            lines.append(line.rstrip())
            line = indent
        line += item
    lines.append(line.rstrip().rstrip(","))
    return "[\n" + "\n".join(lines) + "\n    ]"


def block(lang, lists):
    out = [MARKER, "rules:"]
    if lang in lists:
        words = sorted({w.strip() for w in lists[lang] if w.strip()})
        out += [
            "  words:",
            f"    - id: {lang}-ldnoobw",
            "      reason: obscene and adult vocabulary",
            '      source: "naughty-words 1.2.0 (npm): List of Dirty, Naughty, Obscene, and Otherwise Bad Words, CC-BY-4.0"',
            "      action: drop",
            "      min_count: 3",
            "      min_share: 0.01",
            f"      words: {flow(words)}",
        ]
    out += [
        "  lines:",
        f"    - id: {lang}-cookie-banner",
        "      reason: cookie-banner sentences",
        '      source: "eurocurate (Apache-2.0), for the partner to extend"',
        f"      phrases: {q(COOKIES[lang])}",
    ]
    return "\n".join(out) + "\n"


def replace_block(text, marker, new):
    """Replaces the block that starts at `marker` (up to the next `# --- `
    block marker or the end), or appends it."""
    if marker in text:
        a = text.index(marker)
        b = text.find("\n# --- ", a + len(marker))
        tail = text[b + 1:] if b >= 0 else ""
        text = text[:a].rstrip() + "\n\n" + new + ("\n" + tail if tail else "")
    else:
        text = text.rstrip() + "\n\n" + new
    return text


def main():
    lists = load(sys.argv[1] if len(sys.argv) > 1 else None)
    root = os.path.join(os.path.dirname(__file__), "..", "langs")
    for lang in EU24:
        path = os.path.join(root, f"{lang}.yaml")
        text = open(path, encoding="utf-8").read()
        open(path, "w", encoding="utf-8").write(replace_block(text, MARKER, block(lang, lists)))
        print(f"{lang}: {len(lists.get(lang, []))} listed words, {len(COOKIES[lang])} cookie phrases")


if __name__ == "__main__":
    main()
