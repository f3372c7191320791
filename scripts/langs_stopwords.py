#!/usr/bin/env python3
"""Writes the `stopwords:` block of every langs/<iso>.yaml.

Source: the npm package stopwords-iso 1.1.0 (MIT licence,
https://github.com/stopwords-iso/stopwords-iso), fetched with
`npm pack stopwords-iso@1.1.0`. It has no Maltese list, and no registry
this project can reach has one; the Maltese list below is eurocurate's own
(Apache-2.0): articles, prepositions with their article forms, pronouns,
conjunctions, particles and the commonest auxiliaries of Maltese grammar,
for the Maltese partner to review. Entries are tokens as the quality
filters split them: `il-kelb` gives `il-`, `f'Malta` gives `f'`, `ta'` stays
`ta'` (as FineWeb-2's Stanza tokenization of Maltese does).

    scripts/langs_stopwords.py [path/to/stopwords-iso.json]
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile

EU24 = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()
MARKER = "# --- stopwords (scripts/langs_stopwords.py) ---"
CALIBRATED = "# --- quality thresholds"
SOURCE = "stopwords-iso 1.1.0 (MIT), https://github.com/stopwords-iso/stopwords-iso"
# Maltese article forms as the word splitter cuts them (langs/mt.yaml
# `split_prefixes`): the article alone and contracted with a preposition,
# assimilated to the next consonant (il-, iċ-, id-, ... tal-, tad-, ...).
MT_ARTICLE_CONSONANTS = ["l", "ċ", "d", "n", "r", "s", "t", "x", "ż"]
MT_ARTICLES = sorted(
    {f"i{c}-" for c in MT_ARTICLE_CONSONANTS}
    | {"l-", "għall-", "mill-", "lill-", "bħall-", "fl-", "bl-"}
    | {f"{p}{c}-" for p in ["ta", "bi", "fi", "mi", "sa", "ma", "li", "bħa", "għa"] for c in MT_ARTICLE_CONSONANTS}
)
MALTESE = sorted(set(MT_ARTICLES) | set("""
a aħna aktar anki b' bejn bħal bħala biex bil bis biss bl dak dan dawk dawn din dik diġà dwar f' fejn fi fih fiha fihom
fil fl fuq għad għal għalhekk għall għand għandha għandhom għandu għax hawn hekk hemm hi hija hu huma huwa
i iktar il ilha ilu imma inqas int inti intom issa iżda jekk jew jien jiena kemm kien kienet kienu kif kollha
kollox kull l la lanqas li lil lill lilu lilha lejn m' ma mal mill minn mingħajr mhux minħabba qabel qed qiegħda
qiegħed s' sa sabiex se ser sal ta ta' tad tal tat taħt u uħud ukoll wara wkoll x' xi xejn
""".split()))


# The letters of each language beyond a-z (bg and el: their whole alphabet).
# An entry of a stop list must be made of these (plus an inner apostrophe,
# hyphen or space): stopwords-iso carries abbreviations with dots, digits,
# polytonic Greek and, for lt and hu, text decoded with the wrong code page.
LETTERS = {
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюяѝ", "cs": "áčďéěíňóřšťúůýž", "da": "æøåé",
    "de": "äöüß", "el": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ", "en": "", "es": "áéíóúñü",
    "et": "äöõüšž", "fi": "äöåšž", "fr": "àâæçéèêëîïôœùûüÿ", "ga": "áéíóú", "hr": "čćđšž",
    "hu": "áéíóöőúüű", "it": "àèéìíîòóùú", "lt": "ąčęėįšųūž", "lv": "āčēģīķļņšūž",
    "mt": "ċġħżàèìòù", "nl": "éëïóöüèàáíú", "pl": "ąćęłńóśźż", "pt": "áâãàçéêíóôõú",
    "ro": "ăâîșț", "sk": "áäčďéíĺľňóôŕšťúýž", "sl": "čšžćđ", "sv": "åäöé",
}


def repair(lang, w):
    """stopwords-iso's lt list is Windows-1257 read as Latin-1, and its hu
    list has Latin-1 õ û where Latin-2 has ő ű."""
    if lang == "lt":
        try:
            return w.encode("latin-1").decode("cp1257")
        except UnicodeError:
            return w
    if lang == "hu":
        return w.translate(str.maketrans("õûÕÛ", "őűŐŰ"))
    if lang == "ro":
        return w.translate(str.maketrans("şţŞŢ", "șțȘȚ"))
    return w


def clean(lang, words):
    ok = set(LETTERS[lang]) | (set() if lang in ("bg", "el") else set("abcdefghijklmnopqrstuvwxyz"))
    out = set()
    for w in words:
        w = repair(lang, w).strip()
        core = w.replace("'", "").replace("’", "").replace("-", "").replace(" ", "")
        if core and set(core.lower()) <= ok:
            out.add(w)
    return sorted(out)


def load_iso(path):
    if path:
        return json.load(open(path, encoding="utf-8"))
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["npm", "pack", "stopwords-iso@1.1.0", "--silent"], cwd=d, check=True, stdout=subprocess.DEVNULL)
        tgz = [f for f in os.listdir(d) if f.endswith(".tgz")][0]
        with tarfile.open(os.path.join(d, tgz)) as t:
            return json.load(t.extractfile("package/stopwords-iso.json"))


def quote(w):
    return json.dumps(w, ensure_ascii=False)


def block(words, source):
    lines, line = [], "    "
    for w in words:
        item = quote(w) + ", "
        if len(line) + len(item) > 100:
            lines.append(line.rstrip())
            line = "    "
        line += item
    lines.append(line.rstrip().rstrip(","))
    body = "\n".join(lines)
    return f"{MARKER}\nstopwords:\n  source: {quote(source)}\n  words: [\n{body}\n  ]\n"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--mt-prefixes":
        print(json.dumps(["f'", "b'", "m'", "x'", "s'"] + MT_ARTICLES, ensure_ascii=False))
        return
    iso = load_iso(sys.argv[1] if len(sys.argv) > 1 else None)
    root = os.path.join(os.path.dirname(__file__), "..", "langs")
    for lang in EU24:
        if lang == "mt":
            words, source = MALTESE, "eurocurate (Apache-2.0): Maltese function words, for the Maltese partner to review"
        else:
            words, source = clean(lang, iso[lang]), SOURCE + ", repaired and cleaned by scripts/langs_stopwords.py"
        path = os.path.join(root, f"{lang}.yaml")
        text = open(path, encoding="utf-8").read()
        tail = ""
        if CALIBRATED in text:
            text, tail = text[: text.index(CALIBRATED)], text[text.index(CALIBRATED):]
        if MARKER in text:
            text = text[: text.index(MARKER)]
        out = text.rstrip() + "\n\n" + block(words, source) + ("\n" + tail if tail else "")
        open(path, "w", encoding="utf-8").write(out)
        print(f"{lang}: {len(words)} stop words")


if __name__ == "__main__":
    main()
