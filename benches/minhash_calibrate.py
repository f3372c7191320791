"""Chooses minhash_dedup's verification threshold on calibration text.

    benches/minhash-calibrate.sh [DOCS] [ROWS]   (prepares the environment, then runs this)
    minhash_calibrate.py --bin EUROCURATE --sentences DIR --work DIR [--docs N] [--datatrove PYTHON]

Builds a corpus with planted duplicates (benches/compare/planted.py) from
the Leipzig sentences (DATA.md: role calibrate; the benchmark in
benches/compare uses the held-out Debian manuals instead), runs
minhash_dedup without verification (what the LSH bands alone find, which is
what datatrove removes with the same 14 x 8 bands) and with verification at
each candidate threshold, and prints recall per language and kind and
precision (checked by exact Jaccard) for each. The chosen default is the
highest threshold whose recall, overall and in every language, is that of
the bands alone: verification then removes only candidates that are not
near duplicates, and costs no recall. With --datatrove, datatrove's own
MinHash runs on the same shards for reference.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "compare"))
import planted  # noqa: E402
from compare import read_jsonl_texts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = [0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4]


def run(args, name, stage, shards, tasks):
    out = Path(args.work) / f"ec-{name}"
    shutil.rmtree(out, ignore_errors=True)
    y = (f"name: {name}\ninput:\n  kind: jsonl\n  paths: [\"{shards}/*.jsonl\"]\nstages:\n  - {stage}\n"
         f"output:\n  kind: jsonl\n  path: {out}\nexecutor:\n  kind: local\n  tasks: {tasks}\n")
    path = Path(args.work) / f"{name}.yaml"
    path.write_text(y)
    subprocess.run([args.bin, "--quiet", "run", str(path)], check=True, cwd=ROOT)
    return kept_ids(out)


def kept_ids(folder):
    return set(read_jsonl_texts(str(folder)).keys())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sentences", default="target/lid-heldout")
    ap.add_argument("--work", default="target/minhash-calibrate")
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--tasks", type=int, default=4)
    ap.add_argument("--datatrove", help="python with datatrove: also run datatrove's MinHash")
    ap.add_argument("--rows", type=int, default=6, help="hashes_per_bucket of the runs (14 bands)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    langs = sorted(p.stem for p in Path(args.sentences).glob("*.txt"))
    sent = {iso: [l.strip() for l in open(Path(args.sentences) / f"{iso}.txt", encoding="utf-8") if l.strip()]
            for iso in langs}
    docs, truth = planted.build(sent, langs, args.docs, seed="minhash-calibrate-2026", with_defects=False)
    shards = Path(args.work) / "shards"
    shutil.rmtree(shards, ignore_errors=True)
    shards.mkdir()
    per = (len(docs) + args.tasks - 1) // args.tasks
    for t in range(args.tasks):
        with open(shards / f"part-{t:02d}.jsonl", "w", encoding="utf-8") as f:
            for d in docs[t * per:(t + 1) * per]:
                f.write(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n")
    print(f"calibration corpus: {len(docs)} documents, {len(langs)} languages ({args.sentences}), planted {truth}")
    results = {}
    base = planted.score(docs, run(args, "bands", f"kind: minhash_dedup\n    hashes_per_bucket: {args.rows}\n    verify: false", shards, args.tasks))
    print(f"  bands only (verify: false): {planted.describe(base)}", flush=True)
    for t in THRESHOLDS:
        s = planted.score(docs, run(args, f"t{t}", f"kind: minhash_dedup\n    hashes_per_bucket: {args.rows}\n    verify: true\n    threshold: {t}",
                                    shards, args.tasks))
        results[t] = s
        print(f"  verify, threshold {t:.2f}: {planted.describe(s)}", flush=True)
    if args.datatrove:
        work = Path(args.work) / "dt-minhash"
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run([args.datatrove, str(ROOT / "benches/compare/datatrove_steps.py"), "minhash", args.work,
                        str(work), str(max(1, args.tasks // 2))], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        s = planted.score(docs, kept_ids(work / "output"))
        print(f"  datatrove 0.10.1 (14 x 8): {planted.describe(s)}")
        for t in THRESHOLDS:
            below = [k for k, v in results[t]["recall_by_lang"].items() if v < s["recall_by_lang"].get(k, 0)]
            print(f"    threshold {t:.2f}: languages with recall below datatrove's: {below or 'none'}")

    def matches(s):
        return s["recall"] >= base["recall"] and all(
            s["recall_by_lang"][k] >= v for k, v in base["recall_by_lang"].items())

    ok = [t for t in THRESHOLDS if matches(results[t])]
    if ok:
        t = max(ok)
        print(f"RESULT threshold={t} recall={results[t]['recall']:.4f} precision={results[t]['precision']:.4f} "
              f"(bands only: recall {base['recall']:.4f}, precision {base['precision']:.4f})")
    else:
        print("RESULT none of the thresholds keeps the recall of the bands alone")


if __name__ == "__main__":
    main()
