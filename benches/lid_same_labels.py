"""Do two `language_id` settings decide alike? Runs one eurocurate binary
with settings A and B over the LID test sentences (benches/lid/fetch-test.sh:
24 EU languages and the neighbours) and over the 1 KB documents of
benches/lid_speed.py, and prints, per language, how many texts get another
label (the label a document leaves with: its language, `und` under the
threshold, dropped for no text) and each setting's recall, with examples of
the differences. Run by benches/lid-speed.sh to show that the speed-ups of
the default stage leave its decisions as they were.

Usage: lid_same_labels.py BINARY WORK TEST_DIR HELDOUT_DIR --a JSON --b JSON [--b-binary OTHER]
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lid_speed import EU, one_kb_docs, sentences  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lid"))
from bench import run_pipeline  # noqa: E402

NEIGHBOURS = "sr sr_cyrl bs nb nn gl ca gd mk ru uk tr".split()


def run(binary, work, name, docs, stage):
    """Labels of docs [(id, text)] under one stage setting: {id: (lang, score)}."""
    # other: keep, so every document comes out, labelled
    out, _ = run_pipeline(binary, work, name, docs, dict(stage, other="keep"))
    return {i: (r.get("lang") or "und", r.get("lang_score")) for i, r in out.items()}


def compare(title, docs, gold, a, b):
    print(f"\n## {title}: {len(docs)} texts\n")
    print("| lang | n | other label | recall A | recall B | examples (A -> B) |")
    print("|---|---|---|---|---|---|")
    total_diff = 0
    for lang in EU + NEIGHBOURS:
        ids = [i for i, _ in docs if gold[i] == lang]
        if not ids:
            continue
        diff = [i for i in ids if a[i][0] != b[i][0]]
        total_diff += len(diff)
        ok = lambda lab: sum(lab[i][0] == lang for i in ids) / len(ids)  # noqa: E731
        if lang in NEIGHBOURS:  # for neighbours: the share labelled as an EU language
            ok = lambda lab: sum(lab[i][0] in EU for i in ids) / len(ids)  # noqa: E731
        ex = ", ".join(f"{a[i][0]}->{b[i][0]}" for i in diff[:4])
        print(f"| {lang}{' (EU rate)' if lang in NEIGHBOURS else ''} | {len(ids)} | {len(diff)} | {ok(a):.4f} | {ok(b):.4f} | {ex} |")
    print(f"\n{total_diff} of {len(docs)} texts labelled differently")
    return total_diff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("work")
    ap.add_argument("test_dir")
    ap.add_argument("heldout_dir")
    ap.add_argument("--a", required=True, help="stage settings A (JSON)")
    ap.add_argument("--b", required=True, help="stage settings B (JSON)")
    ap.add_argument("--b-binary", help="run B with this binary instead (another build)")
    args = ap.parse_args()
    sa, sb = json.loads(args.a), json.loads(args.b)
    bb = args.b_binary or args.binary
    print(f"# A = {args.binary} {json.dumps(sa)}\n# B = {bb} {json.dumps(sb)}")

    docs, gold = [], {}
    for lang in EU + NEIGHBOURS:
        for j, s in enumerate(sentences(os.path.join(args.test_dir, f"{lang}.txt"))):
            docs.append((f"{lang}:{j}", s))
            gold[f"{lang}:{j}"] = lang
    a = run(args.binary, args.work, "test-a", docs, sa)
    b = run(bb, args.work, "test-b", docs, sb)
    compare(f"LID test sentences ({args.test_dir})", docs, gold, a, b)

    kb, _ = one_kb_docs(args.heldout_dir, os.path.join(args.test_dir, "mt.txt"), 200, 1000)
    kdocs = [(f"{lang}#{j}", t) for j, (lang, t) in enumerate(kb)]
    kgold = {i: i.split("#")[0] for i, _ in kdocs}
    a = run(args.binary, args.work, "kb-a", kdocs, sa)
    b = run(bb, args.work, "kb-b", kdocs, sb)
    compare("1 KB documents (held-out manuals; mt: LID test sentences)", kdocs, kgold, a, b)


if __name__ == "__main__":
    main()
