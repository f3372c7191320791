"""Per-language keep/drop table of the default web filter chain on held-out
text (issue #21), printed side by side for every EU language:

  clean kept %      held-out clean documents kept, with `lang` given
  clean kept % LID  the same through language_id, counted kept only when the
                    label is right
  junk dropped %    documents built from the language's own sentences that
                    no filter should keep: one sentence repeated as 15 lines,
                    a bare list of ~90 words joined by ` | `, a single
                    sentence, prose interleaved with lines of numbers and
                    symbols

    python3 benches/langs_heldout.py --bin target/release/eurocurate [--work target/langs-heldout] [--reasons]
        [--per-lang N] [--check]

--per-lang N takes the first N clean documents of each language (the CI test
uses 100); --check exits 1 unless every language keeps >= 95% of its clean
documents (with `lang` and through language_id) and drops >= 95% of each
junk kind (tests/integration/langs.rs runs it so).

--reasons also prints, per language below 100% clean kept, which filter
reasons dropped its clean documents (from the run's rejected/ records).

--calibrate runs the same table on the calibrate text instead (the Leipzig
sentences of benches/fetch-leipzig.sh in documents of 10 lines, the sample
scripts/langs_calibrate.sh moves thresholds on): it checks that the values
the clean-keep rule relaxed still drop the junk, without looking at the
held-out text.

Clean text: target/heldout/docs-<iso>.jsonl (benches/heldout/fetch.sh; role
test). Maltese has no registry source: its row uses the UDHR documents of
fixtures/udhr-part*.jsonl (a fixture, 20-odd documents; stated in the row).
"""

import argparse
import glob
import io
import json
import os
import random
import subprocess
import sys

EU24 = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()
CHAIN = ["gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality"]
JUNK = ["repeated", "word_list", "one_sentence", "symbol_lines"]


def udhr_maltese(root):
    """The Maltese UDHR documents of the fixtures, regrouped into documents of 10 lines."""
    lines = []
    for name in ["udhr-part1.jsonl.zst", "udhr-part2.jsonl.gz"]:
        path = os.path.join(root, "fixtures", name)
        tool = ["zstd", "-dcq", path] if name.endswith(".zst") else ["gzip", "-dc", path]
        for raw in subprocess.run(tool, capture_output=True, check=True).stdout.decode("utf-8").splitlines():
            d = json.loads(raw)
            if d["id"].startswith("udhr-mt-"):
                lines.extend(l for l in d["text"].split("\n") if len(l.split()) >= 5)
    lines = list(dict.fromkeys(lines))
    return [
        {"id": f"udhr-mt-{i}", "text": "\n".join(lines[i : i + 10]), "lang": "mt", "source": "udhr (fixture)"}
        for i in range(0, len(lines) - 9, 10)
    ]


def leipzig(root):
    """The calibrate sentences (benches/fetch-leipzig.sh) in documents of 10
    lines, in a seeded random order (the files are sorted)."""
    docs = {}
    for path in sorted(glob.glob(os.path.join(root, "target/lid-heldout/*.txt"))):
        lang = os.path.basename(path)[:-4]
        lines = [l.strip() for l in open(path, encoding="utf-8") if l.strip()]
        random.Random(lang).shuffle(lines)
        docs[lang] = [
            {"id": f"leipzig-{lang}-{i}", "text": "\n".join(lines[i : i + 10]), "lang": lang, "source": "leipzig (calibrate)"}
            for i in range(0, len(lines) - 9, 10)
        ]
    return docs


def junk(lang, docs, rng):
    sentences = [s for d in docs for s in d["text"].split("\n") if len(s.split()) >= 6]
    words = [w.strip(".,;:!?()\"'") for s in sentences for w in s.split()]
    words = [w for w in words if w]
    out = []
    for i in range(min(50, len(sentences) // 4)):
        s = rng.choice(sentences)
        out.append(("repeated", "\n".join([s] * 15)))
        out.append(("word_list", " | ".join(rng.sample(words, min(90, len(words))))))
        out.append(("one_sentence", rng.choice(sentences)))
        prose = rng.sample(sentences, min(6, len(sentences)))
        mixed = []
        for p in prose:
            mixed.append(p)
            mixed.append(" ".join(rng.choice(["12", "3,5", "%", "#", "€", "--", "|", "42", "7.1", "*", "+"]) for _ in range(8)))
            mixed.append(" ".join(str(rng.randint(0, 9999)) for _ in range(6)))
        out.append(("symbol_lines", "\n".join(mixed)))
    return [{"id": f"junk-{lang}-{k}-{i}", "text": t, "lang": lang} for i, (k, t) in enumerate(out)]


def zstd_lines(path):
    """The lines of a .zst file: the zstandard module when installed, else the zstd tool."""
    try:
        import zstandard

        with open(path, "rb") as f:
            raw = zstandard.ZstdDecompressor().stream_reader(f).read()
    except ImportError:
        raw = subprocess.run(["zstd", "-dcq", path], capture_output=True, check=True).stdout
    return io.StringIO(raw.decode("utf-8"))


def run(bin_, work, name, docs, with_lid):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    inp = os.path.join(d, "in.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for x in docs:
            y = dict(x)
            if with_lid:
                y["expected"] = y.pop("lang")
            f.write(json.dumps(y, ensure_ascii=False) + "\n")
    stages = (["language_id"] if with_lid else []) + CHAIN
    yaml = "name: %s\ninput:\n  kind: jsonl\n  paths: [\"%s\"]\nstages:\n%soutput:\n  kind: jsonl\n  path: %s\nexecutor:\n  tasks: 2\n" % (
        name,
        inp,
        "".join(f"  - kind: {s}\n" for s in stages),
        os.path.join(d, "out"),
    )
    p = os.path.join(d, "pipeline.yaml")
    open(p, "w").write(yaml)
    subprocess.run([bin_, "--quiet", "run", p, "--restart"], check=True)
    kept = {}
    for path in glob.glob(os.path.join(d, "out", "part-*.jsonl.zst")):
        for line in zstd_lines(path):
            r = json.loads(line)
            kept[r["id"]] = r.get("lang")
    return kept


def rejected(work, name):
    """The rejected records of a run: (lang, reason, detail, text) each."""
    out = []
    for path in glob.glob(os.path.join(work, name, "out", "rejected", "*.jsonl.zst")):
        for line in zstd_lines(path):
            r = json.loads(line)
            out.append((r.get("lang"), r.get("reason"), r.get("detail", ""), r.get("text", "")))
    return out


def print_reasons(work, docs):
    """Per language, the reasons its clean documents were dropped (with `lang` given)."""
    by = {}
    for lang, reason, detail, _ in rejected(work, "clean-lang"):
        by.setdefault(lang, {}).setdefault(reason, []).append(detail)
    print("\nclean documents dropped, by reason (with `lang` given):")
    for l in EU24:
        if l not in by:
            continue
        n = len(docs.get(l, [])) or 1
        parts = sorted(by[l].items(), key=lambda kv: -len(kv[1]))
        print(f"{l:<5}" + ", ".join(f"{r} {100 * len(d) / n:.1f}% (e.g. {d[0]})" for r, d in parts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/eurocurate")
    ap.add_argument("--work", default="target/langs-heldout")
    ap.add_argument("--reasons", action="store_true", help="print the reasons clean documents were dropped")
    ap.add_argument("--calibrate", action="store_true", help="the calibrate sentences instead of the held-out text")
    ap.add_argument("--per-lang", type=int, help="the first N clean documents of each language")
    ap.add_argument("--check", action="store_true", help="exit 1 unless every language meets the 95%% goals")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    docs = {}
    if a.calibrate:
        docs = leipzig(root)
        if not docs:
            sys.exit("no calibrate sentences: run benches/fetch-leipzig.sh first")
        a.work = a.work + "-calibrate"
    for path in [] if a.calibrate else sorted(glob.glob(os.path.join(root, "target/heldout/docs-*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            d = json.loads(line)
            docs.setdefault(d["lang"], []).append(d)
    if not docs:
        sys.exit("no held-out documents: run benches/heldout/fetch.sh first")
    if "mt" not in docs and not a.calibrate:
        docs["mt"] = udhr_maltese(root)
    if a.per_lang:
        docs = {l: ds[: a.per_lang] for l, ds in docs.items()}
    rng = random.Random(2026)
    clean = [d for l in EU24 for d in docs.get(l, [])]
    junk_docs = [j for l in EU24 for j in junk(l, docs.get(l, []), rng)]
    given = run(a.bin, a.work, "clean-lang", clean, False)
    lid = run(a.bin, a.work, "clean-lid", clean, True)
    jk = run(a.bin, a.work, "junk-lang", junk_docs, False)
    head = f"{'lang':<5}{'docs':>6}{'clean kept %':>14}{'with LID %':>12}" + "".join(f"{k + ' dropped %':>24}" for k in JUNK)
    print(head)
    worst = {"clean": (101, ""), "lid": (101, ""), "junk": (101, "")}
    for l in EU24:
        ds = docs.get(l, [])
        if not ds:
            print(f"{l:<5}{0:>6}   (no held-out text)")
            continue
        k1 = 100 * sum(d["id"] in given for d in ds) / len(ds)
        k2 = 100 * sum(lid.get(d["id"]) == l for d in ds) / len(ds)
        row = f"{l:<5}{len(ds):>6}{k1:>14.1f}{k2:>12.1f}"
        for kind in JUNK:
            js = [j for j in junk_docs if j["lang"] == l and j["id"].startswith(f"junk-{l}-{kind}-")]
            dropped = 100 * sum(j["id"] not in jk for j in js) / max(1, len(js))
            row += f"{dropped:>24.1f}"
            worst["junk"] = min(worst["junk"], (dropped, f"{l} {kind}"))
        note = "  (UDHR fixture, small sample)" if ds and ds[0].get("source") == "udhr (fixture)" else ""
        print(row + note)
        worst["clean"] = min(worst["clean"], (k1, l))
        worst["lid"] = min(worst["lid"], (k2, l))
    if a.reasons:
        print_reasons(a.work, docs)
    print(
        f"worst: clean kept {worst['clean'][0]:.1f}% ({worst['clean'][1]}), with LID {worst['lid'][0]:.1f}% ({worst['lid'][1]}), junk dropped {worst['junk'][0]:.1f}% ({worst['junk'][1]})"
    )
    if a.check and min(w[0] for w in worst.values()) < 95:
        sys.exit("below 95% (see the worst line)")


if __name__ == "__main__":
    main()
