"""The reference side of `benches/classifier-vs-fasttext.sh`: trains the
official fastText (PyPI `fasttext-wheel` 0.9.2) on SPLIT/train.txt with the
given settings, prints its held-out accuracy per label, loads eurocurate's
model OURS.bin with the same library and prints (1) its held-out accuracy
as fastText computes it and (2) how often both libraries' top label for it
agree, and the largest probability difference.

Usage: reference.py SPLIT OURS.bin '{"dim": 16, ...}'
"""

import collections
import json
import sys

import fasttext


def accuracy(model, lines):
    right, per = 0, collections.defaultdict(lambda: [0, 0])
    for labels, text in lines:
        top = model.predict(text, k=1)[0][0]
        ok = top in labels
        right += ok
        per[labels[0]][0] += ok
        per[labels[0]][1] += 1
    return right / len(lines), per


def read(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            toks = line.rstrip("\n").split(" ")
            labels = [t for t in toks if t.startswith("__label__")]
            text = " ".join(t for t in toks if not t.startswith("__label__"))
            out.append((labels, text))
    return out


def main():
    split, ours, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    test = read(f"{split}/heldout.txt")
    ref = fasttext.train_supervised(input=f"{split}/train.txt", verbose=0, **settings)
    acc_ref, per_ref = accuracy(ref, test)
    mine = fasttext.load_model(ours)
    acc_ours, per_ours = accuracy(mine, test)
    print(f"reference fastText held-out accuracy: {100 * acc_ref:.2f}%")
    print(f"eurocurate model (loaded by fastText) held-out accuracy: {100 * acc_ours:.2f}%")
    print(f"difference: {100 * (acc_ours - acc_ref):+.2f} points")
    print("per label: label ours reference")
    worst = None
    for lab in sorted(per_ref):
        a = per_ours[lab][0] / per_ours[lab][1]
        b = per_ref[lab][0] / per_ref[lab][1]
        print(f"  {lab[9:]:<8} {100 * a:6.2f}% {100 * b:6.2f}%")
        if worst is None or a - b < worst[1]:
            worst = (lab[9:], a - b)
    print(f"largest per-label shortfall: {worst[0]} {100 * worst[1]:+.2f} points")
    # The same model in both libraries: fastText's top label and probability
    # against the ones eurocurate printed (SPLIT/heldout.predictions).
    same, diff = 0, 0.0
    with open(f"{split}/heldout.predictions", encoding="utf-8") as f:
        preds = [l.rstrip("\n").split("\t") for l in f]
    for (labels, text), (lab, p) in zip(test, preds):
        got = mine.predict(text, k=1)
        same += got[0][0] == lab
        diff = max(diff, abs(float(got[1][0]) - float(p)))
    print(f"our model in fastText vs in eurocurate: same top label {same}/{len(test)}, largest probability difference {diff:.2e}")
    print(json.dumps({"reference": acc_ref, "ours": acc_ours, "same_top": same, "n": len(test), "max_prob_diff": diff}))


if __name__ == "__main__":
    main()
