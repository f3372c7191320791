#!/usr/bin/env python3
"""Builds the decontamination test set from translated manual pages.

Source: Debian's manpages-<l> packages (manpages-l10n: human translations of
Linux manual pages, GPL-3.0-or-later), fetched by benches/decont/fetch.sh.
Nothing else in the project uses them (DATA.md).

Out of the translated paragraphs of each language it makes
  - benchmark items in two shapes: `man-mc` (multiple choice: a question
    sentence, four choices, the answer as a letter or an index) and `man-qa`
    (a passage, a question sentence, the answer sentence as text);
  - planted documents: each item inside clean paragraphs, in four ways:
    `whole` (as a benchmark prints it: passage, question, lettered choices,
    answer), `qa` (question followed directly by the answer text), `split`
    (the item broken over short lines) and `edited` (case and punctuation
    changed, one word in 20 replaced by another word of the language);
  - clean documents: paragraphs of other pages, half of them with two phrases
    of 6-10 words taken from an item of their language (phrases an item
    shares with ordinary text). No clean document shares a run of 8 words
    with any item, so any item found in one is a false positive.

Paragraphs go to the item pool or the clean pool by a hash of their
normalised text (a paragraph repeated across pages lands in one pool).

usage: make_items.py MANPAGES_DIR OUT_DIR [--items-per-lang N] [--clean-per-lang N] [--seed S]
writes OUT_DIR/items.jsonl, OUT_DIR/docs.jsonl (with gold fields), OUT_DIR/summary.json
"""

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

LANGS = ["cs", "da", "de", "el", "es", "fi", "fr", "hu", "it", "nl", "pl", "ro", "sv"]
ENGLISH = set("the and of to is a in that for are with be this it you can by or not on if an as from".split())
BREAK_MACROS = {"PP", "P", "LP", "SH", "SS", "TP", "IP", "sp", "br", "TH", "HP", "RS", "RE", "nf", "fi", "EX", "EE", "TQ", "UR", "UE", "MT", "ME", "SY", "YS", "OP"}
TEXT_MACROS = {"B", "I", "BR", "BI", "IB", "IR", "RI", "RB", "SM", "SB"}
ESCAPES = [
    (r"\\f\[[^\]]*\]", ""), (r"\\f\(..", ""), (r"\\f[A-Za-z0-9]", ""),
    (r"\\\(em", "—"), (r"\\\(en", "–"), (r"\\\(aq", "'"), (r"\\\(lq", "“"), (r"\\\(rq", "”"),
    (r"\\\(Fo", "«"), (r"\\\(Fc", "»"), (r"\\\(bu", "•"), (r"\\\(co", "©"), (r"\\\(dq", '"'),
    (r"\\\(..", ""), (r"\\\*\(..", ""), (r"\\\*\[[^\]]*\]", ""), (r"\\\*.", ""),
    (r"\\-", "-"), (r"\\&", ""), (r"\\e", "\\\\"), (r"\\[ ~0]", " "), (r"\\[,/|^]", ""), (r"\\c", ""),
    (r"\\s[-+]?\d", ""), (r"\\(.)", r"\1"),
]


def unroff(line):
    for pat, rep in ESCAPES:
        line = re.sub(pat, rep, line)
    return line


def paragraphs(path):
    """Plain-text paragraphs of one roff page."""
    try:
        text = gzip.open(path, "rt", encoding="utf-8", errors="replace").read()
    except (OSError, EOFError):
        return []
    out, cur = [], []
    skip = False

    def flush():
        if cur:
            out.append(" ".join(" ".join(cur).split()))
            cur.clear()

    for line in text.split("\n"):
        if line.startswith(('.\\"', "'\\\"", '.\\\\"')) or line.strip() == ".":
            continue
        if line.startswith((".", "'")):
            parts = line[1:].split(None, 1)
            macro = parts[0] if parts else ""
            if macro in ("SH",):
                flush()
                # the translators' licence section repeats on every page: not item material
                title = parts[1] if len(parts) > 1 else ""
                skip = "BERSETZ" in title.upper() or "TRADU" in title.upper() or "TRANSL" in title.upper() or "PŘEKLAD" in title.upper() or "TŁUMACZ" in title.upper() or "VERTAL" in title.upper() or "OVERS" in title.upper() or "KÄÄNN" in title.upper() or "FORDÍT" in title.upper() or "ΜΕΤΑΦΡ" in title.upper()
                continue
            if macro in BREAK_MACROS:
                flush()
                continue
            if macro in TEXT_MACROS and len(parts) > 1 and not skip:
                cur.append(unroff(parts[1].replace('"', "")))
            continue
        if not skip and line.strip():
            cur.append(unroff(line))
    flush()
    return out


def norm_words(text):
    """Words as the matchers see them (datatrove's simplify_text, eurocurate's
    text::simplify): lowercase, no diacritics, every number one token `0`."""
    t = unicodedata.normalize("NFD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return ["0" if w[0].isdigit() else w for w in re.findall(r"[^\W_\d]+|\d+(?:[.,]\d+)*", t)]


def in_language(par, lang):
    words = norm_words(par)
    if len(words) < 20:
        return False
    if sum(w in ENGLISH for w in words) / len(words) > 0.06:
        return False
    if lang == "el":
        letters = [c for c in par if c.isalpha()]
        return sum("\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff" for c in letters) > 0.6 * len(letters)
    return sum(c.isalpha() for c in par) > 0.6 * len(par)


def sentences(par):
    return [s for s in re.split(r"(?<=[.!?;:])\s+(?=[^\s])", par) if len(s.split()) >= 4]


def h(text):
    return int(hashlib.sha1(text.encode()).hexdigest()[:12], 16)


def ngrams(words, n):
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def edit(text, rng, vocab):
    """Case and punctuation changes, one word in 20 replaced."""
    words = text.split()
    n_change = len(words) // 20
    for i in rng.sample(range(len(words)), n_change):
        words[i] = rng.choice(vocab)
    out = []
    for w in words:
        r = rng.random()
        if r < 0.1:
            w = w.upper()
        elif r < 0.2:
            w = w.capitalize()
        elif r < 0.3:
            w = w.rstrip(".,;:") + rng.choice([",", ";", " -", ""])
        out.append(w)
    return " ".join(out)


def split_lines(text, rng):
    words, lines, i = text.split(), [], 0
    while i < len(words):
        k = rng.randint(3, 9)
        lines.append(" ".join(words[i : i + k]))
        i += k
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("manpages")
    ap.add_argument("out")
    ap.add_argument("--items-per-lang", type=int, default=400)
    ap.add_argument("--clean-per-lang", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=26)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    items_f = open(out / "items.jsonl", "w")
    docs_f = open(out / "docs.jsonl", "w")
    summary = {}
    for lang in LANGS:
        pages = sorted((Path(args.manpages) / lang / "usr/share/man").rglob("*.gz"))
        seen, item_pool, clean_pool = set(), [], []
        for p in pages:
            for par in paragraphs(p):
                key = " ".join(norm_words(par))
                if key in seen or not in_language(par, lang):
                    continue
                seen.add(key)
                (clean_pool if h(key) % 2 else item_pool).append(par)
        rng.shuffle(item_pool)
        vocab = sorted({w for par in clean_pool for w in par.split() if w.isalpha() and len(w) > 3})
        items = []
        for k, par in enumerate(item_pool):
            sents = sentences(par)
            if len(sents) < 2:
                continue
            if len(items) >= args.items_per_lang:
                break
            iid = f"{lang}-{k:05d}"
            if len(items) % 2 == 0:
                distract = [s for other in item_pool[k + 1 : k + 8] for s in sentences(other)][:3]
                if len(distract) < 3:
                    continue
                gold = sents[1]
                pos = rng.randrange(4)
                choices = distract[:pos] + [gold] + distract[pos:]
                answer = "ABCD"[pos] if rng.random() < 0.5 else pos
                item = {"id": iid, "benchmark": "man-mc", "lang": lang, "question": sents[0], "choices": choices, "answer": answer}
                text_whole = f"{sents[0]}\n" + "\n".join(f"{'ABCD'[i]}. {c}" for i, c in enumerate(choices)) + f"\nAnswer: {'ABCD'[pos]}"
                text_qa = f"{sents[0]} {gold}"
            else:
                q, a = sents[-2], sents[-1]
                passage = " ".join(sents[:-2])
                item = {"id": iid, "benchmark": "man-qa", "lang": lang, "question": q, "answer": a}
                if passage:
                    item["passage"] = passage
                text_whole = (passage + "\n\n" if passage else "") + f"Q: {q}\nA: {a}"
                text_qa = (passage + " " if passage else "") + f"{q} {a}"
            items.append((item, text_whole, text_qa))
        item_grams = set()
        for item, _, _ in items:
            words = norm_words(" ".join([item.get("passage", ""), item["question"], " ".join(item.get("choices", [])), str(item["answer"])]))
            item_grams |= ngrams(words, 8)

        def clean_par():
            for _ in range(50):
                par = rng.choice(clean_pool)
                if not (ngrams(norm_words(par), 8) & item_grams):
                    return par
            return None

        def context(k):
            pars = [clean_par() for _ in range(k)]
            return [p for p in pars if p]

        n_docs = 0
        for item, text_whole, text_qa in items:
            items_f.write(json.dumps(item, ensure_ascii=False) + "\n")
            variants = {
                "whole": text_whole,
                "qa": text_qa,
                "split": split_lines(text_whole, rng),
                "edited": edit(text_qa, rng, vocab),
            }
            for name, planted in variants.items():
                pars = context(rng.randint(1, 4))
                at = rng.randint(0, len(pars))
                text = "\n\n".join(pars[:at] + [planted] + pars[at:])
                doc = {"id": f"{item['id']}-{name}", "text": text, "lang": lang, "url": f"https://{name}.example.{lang}/{item['id']}",
                       "gold_benchmark": item["benchmark"], "gold_item": item["id"], "variant": name}
                docs_f.write(json.dumps(doc, ensure_ascii=False) + "\n")
                n_docs += 1
        n_clean = 0
        for c in range(args.clean_per_lang):
            pars = context(rng.randint(2, 5))
            if not pars:
                break
            if c % 2 == 0 and items:
                item = rng.choice(items)[0]
                words = " ".join([item.get("passage", ""), item["question"], item.get("answer", "") if isinstance(item["answer"], str) else ""]).split()
                for _ in range(2):
                    k = rng.randint(6, 10)
                    if len(words) <= k:
                        continue
                    s = rng.randrange(len(words) - k)
                    phrase = " ".join(words[s : s + k])
                    i = rng.randrange(len(pars))
                    pars[i] = pars[i] + " " + phrase + "."
            text = "\n\n".join(pars)
            # a clean document must not hold an 8-word run of any item
            if ngrams(norm_words(text), 8) & item_grams:
                continue
            docs_f.write(json.dumps({"id": f"clean-{lang}-{c:05d}", "text": text, "lang": lang, "url": f"https://clean{c % 97}.example.{lang}/{c}", "gold_item": None}, ensure_ascii=False) + "\n")
            n_clean += 1
        summary[lang] = {"pages": len(pages), "item_paragraphs": len(item_pool), "clean_paragraphs": len(clean_pool), "items": len(items), "planted_docs": n_docs, "clean_docs": n_clean}
        print(lang, summary[lang], file=sys.stderr)
    docs_f.close()
    items_f.close()
    dropped = drop_cross_language_overlaps(out)
    for lang, n in dropped.items():
        summary[lang]["clean_docs"] -= n
    (out / "summary.json").write_text(json.dumps(summary, indent=1))


def drop_cross_language_overlaps(out):
    """Drops clean documents that share an 8-word run with an item of another
    language (untranslated option lists and commands are the same in every
    translation): they are real overlaps, not clean text."""
    grams = set()
    for line in open(out / "items.jsonl", encoding="utf-8"):
        item = json.loads(line)
        text = " ".join([item.get("passage", ""), item["question"], " ".join(item.get("choices", [])), str(item["answer"])])
        grams |= ngrams(norm_words(text), 8)
    kept, dropped = [], {}
    for line in open(out / "docs.jsonl", encoding="utf-8"):
        d = json.loads(line)
        if d.get("gold_item") is None and ngrams(norm_words(d["text"]), 8) & grams:
            dropped[d["lang"]] = dropped.get(d["lang"], 0) + 1
            continue
        kept.append(line)
    (out / "docs.jsonl").write_text("".join(kept), encoding="utf-8")
    print("clean documents dropped for overlaps with items of other languages:", dropped, file=sys.stderr)
    return dropped


if __name__ == "__main__":
    main()
