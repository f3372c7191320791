"""Scores main-text extraction on trafilatura's evaluation corpus.

    html_trafilatura.py list   REPO LIST            write the page paths
    html_trafilatura.py run    REPO OUT.jsonl       trafilatura's extraction, timed
    html_trafilatura.py score  REPO A.jsonl [B...]  precision/recall/F1 of each

The scoring is trafilatura's own (tests/eval_common.py): per page, each
expected segment ("with") found in the whitespace-normalized output is a
true positive, each boilerplate segment ("without") found is a false
positive. trafilatura runs with the settings of its published table
("standard": include_comments=False, include_tables=True, fallbacks on).
Pages are split into two halves by a hash of their URL so a reader can see
whether a score holds on both. "F1 by words" weights every segment by its
word count (token-level: missing a long paragraph costs more than missing
a short heading).
"""

import json
import os
import re
import sys
import time
import zlib


def load(repo):
    with open(os.path.join(repo, "tests", "evaldata.json"), encoding="utf-8") as f:
        data = json.load(f)
    items = []
    for url in sorted(data):
        item = data[url]
        for sub in ("cache", "eval"):
            path = os.path.join(repo, "tests", sub, item["file"])
            if os.path.isfile(path):
                items.append((url, path, item))
                break
    return items


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


def count(item, text, weight=lambda segment: 1):
    """(tp, fp, fn, tn) of one page, each segment counting `weight`."""
    t = norm(text) if text is not None else None
    c = [0, 0, 0, 0]
    for segments, hit, miss in ((item["with"], 0, 2), (item["without"], 1, 3)):
        for w in segments:
            c[hit if t is not None and norm(w) in t else miss] += weight(w)
    return tuple(c)


def words(segment):
    """A segment's weight by its word count (token-level scoring: a long
    paragraph missed costs more than a short heading)."""
    return len(norm(segment).split())


def scores(c):
    tp, fp, fn, tn = c
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    acc = (tp + tn) / (tp + fp + fn + tn) if tp + fp + fn + tn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, acc, f1


def main():
    cmd, repo = sys.argv[1], sys.argv[2]
    items = load(repo)
    if cmd == "list":
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            for _, path, _ in items:
                f.write(path + "\n")
        print(f"{len(items)} pages listed")
    elif cmd == "run":
        import trafilatura

        bodies = []
        for _, path, _ in items:
            with open(path, "rb") as f:
                bodies.append(f.read())
        cpu0, wall0 = time.process_time(), time.perf_counter()
        out = []
        for body in bodies:
            try:
                text = trafilatura.extract(body, include_comments=False, include_tables=True, include_formatting=False)
            except Exception:
                text = None
            out.append(text)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            for (_, path, _), text in zip(items, out):
                f.write(json.dumps({"file": path, "text": text}, ensure_ascii=False) + "\n")
        mb = sum(map(len, bodies)) / 1e6
        print(f"trafilatura {trafilatura.__version__}: {len(bodies)} pages, {mb:.1f} MB; one core:")
        print(f"  {len(bodies) / cpu:.0f} pages/s per core, {mb / cpu:.2f} MB/s per core (CPU {cpu:.2f} s, wall {wall:.2f} s)")
        print(f"RESULT trafilatura_pages_per_core={len(bodies) / cpu:.3f}")
    elif cmd == "score":
        segments = sum(len(i["with"]) for _, _, i in items), sum(len(i["without"]) for _, _, i in items)
        print(f"{len(items)} pages, {segments[0]} text and {segments[1]} boilerplate segments")
        print(f"{'extractor':<28} {'precision':>9} {'recall':>7} {'accuracy':>8} {'F1':>6}   F1 half A / half B   F1 by words")
        for result in sys.argv[3:]:
            texts = {}
            with open(result, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    texts[r["file"]] = r["text"]
            total, halves, by_words = [0, 0, 0, 0], [[0, 0, 0, 0], [0, 0, 0, 0]], [0, 0, 0, 0]
            for url, path, item in items:
                cw = count(item, texts.get(path), words)
                for k in range(4):
                    by_words[k] += cw[k]
                c = count(item, texts.get(path))
                h = halves[zlib.crc32(url.encode()) % 2]
                for k in range(4):
                    total[k] += c[k]
                    h[k] += c[k]
            p, r, acc, f1 = scores(total)
            name = os.path.basename(result).rsplit(".", 1)[0]
            print(f"{name:<28} {p:>9.4f} {r:>7.4f} {acc:>8.4f} {f1:>6.4f}   {scores(halves[0])[3]:.4f} / {scores(halves[1])[3]:.4f}      {scores(by_words)[3]:.4f}")
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
