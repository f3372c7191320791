#!/usr/bin/env python3
"""Writes the `stopwords:` block of every langs/<iso>.yaml.

Source: the npm package stopwords-iso 1.1.0 (MIT licence,
https://github.com/stopwords-iso/stopwords-iso), fetched with
`npm pack stopwords-iso@1.1.0`. It has no Maltese list, and no registry
this project can reach has one; the Maltese list below is eurocurate's own
(Apache-2.0): articles, prepositions with their article forms, pronouns,
conjunctions, particles and the commonest auxiliaries of Maltese grammar,
for the Maltese partner to review. Entries are tokens as the quality
filters split them: `il-kelb` gives `il`, `f'Malta` gives `f'`, `ta'` gives
`ta`.

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
CALIBRATED = "# --- quality thresholds (eurocurate langs calibrate) ---"
SOURCE = "stopwords-iso 1.1.0 (MIT), https://github.com/stopwords-iso/stopwords-iso"
MALTESE = sorted(set("""
a aħna aktar anki b' bejn bħal bħala biex bil bis biss bl dak dan dawk dawn din dik diġà dwar f' fejn fi fih fiha fihom
fil fl fuq għad għal għalhekk għall għand għandha għandhom għandu għax hawn hekk hemm hi hija hu huma huwa
i iktar il ilha ilu imma inqas int inti intom issa iżda jekk jew jien jiena kemm kien kienet kienu kif kollha
kollox kull l la lanqas li lil lill lilu lilha lejn m' ma mal mill minn mingħajr mhux minħabba qabel qed qiegħda
qiegħed s' sa sabiex se ser sal ta tad tal tat taħt u uħud ukoll wara wkoll x' xi xejn
""".split()))


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
    iso = load_iso(sys.argv[1] if len(sys.argv) > 1 else None)
    root = os.path.join(os.path.dirname(__file__), "..", "langs")
    for lang in EU24:
        if lang == "mt":
            words, source = MALTESE, "eurocurate (Apache-2.0): Maltese function words, for the Maltese partner to review"
        else:
            words, source = sorted(set(iso[lang])), SOURCE
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
