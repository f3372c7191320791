"""The shipped default rules (langs/<iso>.yaml `rules:`) on held-out clean
text and on planted documents, per language (issue #22):

  clean dropped %     held-out clean documents the rules drop (goal ≤ 1%)
  clean touched %     ... whose lines they remove
  adult planted %     documents with 5% of their words from the language's
                      word list, dropped (goal ≥ 95%; languages with a list)
  cookie planted %    documents with a cookie-banner line of the language,
                      cleaned (goal ≥ 95%)

    python3 benches/rules_heldout.py --bin target/release/eurocurate

Clean text: target/heldout/docs-<iso>.jsonl (benches/heldout/fetch.sh, role
test). The planted cookie lines wrap the rule's own phrases in a banner
sentence, so that column checks the mechanism on every language, not how
many real banners the phrases cover.
"""

import argparse
import glob
import json
import os
import random
import subprocess

import yaml

EU24 = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()


def read_jsonl_zst(paths):
    out = {}
    for p in paths:
        raw = subprocess.run(["zstd", "-dcq", p], capture_output=True, check=True).stdout.decode("utf-8")
        for line in raw.splitlines():
            r = json.loads(line)
            out[r["id"]] = r
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/eurocurate")
    ap.add_argument("--work", default="target/rules-heldout")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rng = random.Random(22)
    docs, kinds = [], {}
    for lang in EU24:
        path = os.path.join(root, f"target/heldout/docs-{lang}.jsonl")
        if not os.path.exists(path):
            continue
        rules = (yaml.safe_load(open(os.path.join(root, "langs", f"{lang}.yaml"), encoding="utf-8")) or {}).get("rules") or {}
        words = [w for wl in rules.get("words", []) for w in wl["words"] if " " not in w]
        phrases = [p for lr in rules.get("lines", []) for p in lr.get("phrases", [])]
        clean = [json.loads(l) for l in open(path, encoding="utf-8")]
        for d in clean:
            docs.append({"id": d["id"], "text": d["text"], "lang": lang})
            kinds[d["id"]] = (lang, "clean")
        for i, d in enumerate(clean[:100]):
            toks = d["text"].split(" ")
            if words:
                t = list(toks)
                for _ in range(max(3, len(t) // 20)):
                    t.insert(rng.randrange(len(t) + 1), rng.choice(words))
                pid = f"adult-{lang}-{i}"
                docs.append({"id": pid, "text": " ".join(t), "lang": lang})
                kinds[pid] = (lang, "adult")
            if phrases:
                lines = d["text"].split("\n")
                banner = f"{rng.choice(phrases).capitalize()} — OK"
                lines.insert(rng.randrange(len(lines) + 1), banner)
                cid = f"cookie-{lang}-{i}"
                docs.append({"id": cid, "text": "\n".join(lines), "lang": lang, "banner": banner})
                kinds[cid] = (lang, "cookie")
    os.makedirs(a.work, exist_ok=True)
    inp = os.path.join(a.work, "in.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    out = os.path.join(a.work, "out")
    p = os.path.join(a.work, "p.yaml")
    open(p, "w").write(
        f'name: rules-heldout\ninput:\n  kind: jsonl\n  paths: ["{inp}"]\nstages:\n  - kind: rules\n'
        f"output:\n  kind: jsonl\n  path: {out}\nexecutor:\n  tasks: 2\n"
    )
    subprocess.run([a.bin, "--quiet", "run", p, "--restart"], check=True)
    kept = read_jsonl_zst(glob.glob(os.path.join(out, "part-*.jsonl.zst")))
    by_id = {d["id"]: d for d in docs}
    print(f"{'lang':<5}{'clean docs':>11}{'clean dropped %':>17}{'clean touched %':>17}{'adult planted %':>17}{'cookie planted %':>18}")
    worst = {}
    for lang in EU24:
        ids = [i for i, (l, _) in kinds.items() if l == lang]
        if not ids:
            print(f"{lang:<5}   (no held-out text)")
            continue
        def of(kind):
            return [i for i in ids if kinds[i][1] == kind]
        clean, adult, cookie = of("clean"), of("adult"), of("cookie")
        dropped = 100 * sum(i not in kept for i in clean) / len(clean)
        touched = 100 * sum(i in kept and kept[i]["text"] != by_id[i]["text"] for i in clean) / len(clean)
        ad = 100 * sum(i not in kept for i in adult) / len(adult) if adult else None
        ck = 100 * sum(i not in kept or by_id[i]["banner"] not in kept[i]["text"] for i in cookie) / len(cookie) if cookie else None
        cell = lambda v: f"{v:.1f}" if v is not None else "no list"
        print(f"{lang:<5}{len(clean):>11}{dropped:>17.1f}{touched:>17.1f}{cell(ad):>17}{cell(ck):>18}")
        for k, v, better in [("clean dropped", dropped, min), ("adult planted", ad, max), ("cookie planted", ck, max)]:
            if v is None:
                continue
            cur = worst.get(k)
            if cur is None or (v > cur[0] if better is min else v < cur[0]):
                worst[k] = (v, lang)
    print("worst: " + ", ".join(f"{k} {v:.1f}% ({l})" for k, (v, l) in worst.items()))


if __name__ == "__main__":
    main()
