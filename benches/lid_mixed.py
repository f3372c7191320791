"""Mixed-language documents for `language_id`'s line and paragraph modes,
built from real sentences whose language is known, with the expected
shares computed from how each document was built (independent of the
stage), and the evaluation of a binary on them.

Sentences (role test in DATA.md; nothing trains or calibrates on them): the
held-out manuals of benches/heldout (23 languages) and, for Maltese, the
LID test sentences of benches/lid/fetch-test.sh. A document has a main
language and one or two others; it is a sequence of paragraphs (blank line
between them), each 1-4 consecutive sentences of one language, one
sentence a line; a paragraph may start with a short heading line (a
sentence under 40 characters of its language, as manuals have). Expected:
each language's characters (the lines' characters), its share, and the
language with the most characters.

  lid_mixed.py build HELDOUT MT_FILE OUT.jsonl [--per-lang N] [--seed S]
  lid_mixed.py eval BINARY DOCS.jsonl WORK     # per-language table, both modes
"""

import argparse
import json
import os
import random
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lid"))
from bench import run_pipeline  # noqa: E402

EU = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()
# Languages that meet on real pages: English everywhere; the confusable
# neighbours of each language within the 24.
PARTNERS = {
    "cs": ["sk", "de"], "sk": ["cs", "hu"], "hr": ["sl", "hu"], "sl": ["hr", "it"], "pt": ["es"], "es": ["pt", "fr"],
    "da": ["sv", "de"], "sv": ["da", "fi"], "mt": ["it"], "ga": [], "et": ["fi"], "fi": ["et", "sv"],
    "lv": ["lt"], "lt": ["lv", "pl"], "bg": ["el"], "el": ["bg"], "de": ["fr", "nl"], "nl": ["de", "fr"],
    "fr": ["de", "it"], "it": ["fr", "mt"], "pl": ["cs", "de"], "ro": ["hu", "fr"], "hu": ["ro", "de"], "en": ["fr", "de"],
}


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []


def pools(heldout, mt_file):
    out = {}
    for lang in EU:
        lines = read(mt_file if lang == "mt" else os.path.join(heldout, f"{lang}.txt"))
        out[lang] = {
            "long": [s for s in lines if len(s) >= 40],
            "short": [s for s in lines if 12 <= len(s) < 40 and any(c.isalpha() for c in s)],
        }
    return out


def build(args):
    rng = random.Random(args.seed)
    pool = pools(args.heldout, args.mt)
    missing = [lang for lang in EU if len(pool[lang]["long"]) < 20]
    if missing:
        sys.exit(f"too few sentences for {' '.join(missing)}: run benches/heldout/fetch.sh and benches/lid/fetch-test.sh")
    cursor = {lang: rng.randrange(len(pool[lang]["long"])) for lang in EU}

    def take(lang, n):
        p = pool[lang]["long"]
        out = [p[(cursor[lang] + i) % len(p)] for i in range(n)]
        cursor[lang] = (cursor[lang] + n) % len(p)
        return out

    docs = []
    for main in EU:
        for k in range(args.per_lang):
            # In turn: with English; with a neighbour; with both.
            others = ["en"] if main != "en" else ["fr"]
            partners = [p for p in PARTNERS[main] if p not in others]
            if partners and k % 3 > 0:
                others = [rng.choice(partners)] + (others if k % 3 == 2 else [])
            langs = [main] + others
            # Main language in more paragraphs than each other one.
            seq = [main] * rng.randint(3, 4) + [o for o in others for _ in range(rng.randint(1, 2))]
            rng.shuffle(seq)
            paragraphs, chars, line_langs = [], defaultdict(int), []
            for lang in seq:
                lines = take(lang, rng.randint(1, 4))
                if pool[lang]["short"] and rng.random() < 0.3:
                    lines.insert(0, rng.choice(pool[lang]["short"]))
                for line in lines:
                    chars[lang] += len(line)
                if line_langs:
                    line_langs.append(None)  # the blank line between paragraphs
                line_langs.extend([lang] * len(lines))
                paragraphs.append("\n".join(lines))
            total = sum(chars.values())
            expected = max(chars, key=lambda lang: (chars[lang], lang))
            docs.append({
                "id": f"mixed-{main}-{k}",
                "text": "\n\n".join(paragraphs),
                "chars": dict(chars),
                "shares": {lang: round(c / total, 4) for lang, c in chars.items()},
                "expected_lang": expected,
                "langs": langs,
                "line_langs": line_langs,
            })
    with open(args.out, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents -> {args.out}")


def run(binary, work, name, docs, stage):
    """Records of docs [{id, text}] after one stage: {id: record}."""
    return run_pipeline(binary, work, name, [(d["id"], d["text"]) for d in docs], stage)[0]


def evaluate(args):
    docs = [json.loads(line) for line in open(args.docs, encoding="utf-8")]
    print(f"# {len(docs)} mixed documents from {args.docs}")
    for granularity in ("line", "paragraph"):
        out = run(args.binary, args.work, granularity, docs,
                  {"kind": "language_id", "granularity": granularity, "other": "keep"})
        # Keep only the main language's units: lines kept that are the
        # main language's (precision) and the main language's lines kept (recall).
        kept = {}
        for main in EU:
            sub = [d for d in docs if d["langs"][0] == main]
            kept.update(run(args.binary, args.work, f"{granularity}-keep-{main}", sub,
                            {"kind": "language_id", "granularity": granularity, "languages": [main],
                             "keep_units": "kept_languages", "other": "keep"}))
        err, label_ok, label_n = defaultdict(list), defaultdict(int), defaultdict(int)
        prec, rec = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
        for d in docs:
            r = out[d["id"]]
            got = {s["lang"]: s["share"] for s in r.get("metadata", {}).get("lid_shares", [])}
            for lang, share in d["shares"].items():
                err[lang].append(abs(got.get(lang, 0.0) - share))
            label_n[d["expected_lang"]] += 1
            label_ok[d["expected_lang"]] += r.get("lang") == d["expected_lang"]
            main = d["langs"][0]
            main_lines = [line for line, lang in zip(d["text"].split("\n"), d["line_langs"]) if lang == main]
            k = kept.get(d["id"])
            kept_lines = [line for line in k["text"].split("\n") if line] if k else []
            hits = sum(1 for line in kept_lines if line in set(main_lines))
            prec[main][0] += hits
            prec[main][1] += len(kept_lines)
            rec[main][0] += hits
            rec[main][1] += len(main_lines)
        print(f"\n## granularity: {granularity}\n")
        print("| lang | docs with it | mean abs. share error | max | document label right (docs where it has most characters) | keep_units main-language lines: precision | recall |")
        print("|---|---|---|---|---|---|---|")
        worst = []
        for lang in EU:
            e = err[lang]
            acc = label_ok[lang] / label_n[lang] if label_n[lang] else float("nan")
            p = prec[lang][0] / prec[lang][1] if prec[lang][1] else float("nan")
            rc = rec[lang][0] / rec[lang][1] if rec[lang][1] else float("nan")
            print(f"| {lang} | {len(e)} | {sum(e) / len(e):.4f} | {max(e):.3f} | {label_ok[lang]}/{label_n[lang]} ({acc:.3f}) | {p:.3f} | {rc:.3f} |")
            worst.append((sum(e) / len(e), lang, acc, p, rc))
        w = max(worst)
        print(f"\nworst mean share error: {w[1]} {w[0]:.4f}; lowest label accuracy: "
              f"{min((x[2], x[1]) for x in worst)}; lowest line precision {min((x[3], x[1]) for x in worst)}; "
              f"lowest line recall {min((x[4], x[1]) for x in worst)}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("heldout")
    b.add_argument("mt")
    b.add_argument("out")
    b.add_argument("--per-lang", type=int, default=20)
    b.add_argument("--seed", type=int, default=23)
    e = sub.add_parser("eval")
    e.add_argument("binary")
    e.add_argument("docs")
    e.add_argument("work")
    args = ap.parse_args()
    build(args) if args.cmd == "build" else evaluate(args)


if __name__ == "__main__":
    main()
