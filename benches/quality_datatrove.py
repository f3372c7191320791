"""Quality filters: eurocurate vs datatrove on one English corpus.

    quality_datatrove.py corpus SENTENCES.txt OUT.jsonl [DOCS]
        builds the corpus: web-page-like documents from real English
        sentences (Leipzig news, see benches/fetch-leipzig.sh) with the
        defects the filters look for (menus, cookie and JavaScript lines,
        bullet lists, repeated lines and paragraphs, hashtags, ellipses,
        code, lorem ipsum, citations, tables of numbers, very short pages).
    quality_datatrove.py run CORPUS.jsonl DECISIONS.jsonl
        datatrove's GopherQuality, GopherRepetition, C4Quality and
        FineWebQuality filters with their English defaults, each on every
        document (decisions), then chained (speed, one core).
    quality_datatrove.py compare OURS.jsonl THEIRS.jsonl
        agreement of keep/drop per filter, and the differences.
"""
import json
import random
import sys
import time
from collections import Counter, defaultdict

NAV = ["Home", "About us", "Contact", "Menu", "Search", "Login", "Register", "News", "Sports", "Weather",
       "Share on Facebook", "Tweet", "Print this page", "Back to top", "Next article", "Subscribe"]
COOKIE = ["This site uses cookies to improve your experience.", "By continuing you agree to our privacy policy.",
          "Read our terms of use before posting.", "We use cookies for analytics."]
JS = ["Please enable JavaScript to view the comments.", "JavaScript is disabled in your browser."]


def sentences_of(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line:
            out.append(line)
    return out


def make_doc(rng, S):
    kind = rng.choices(
        ["prose", "boiler", "list", "repeat", "short", "hashy", "code", "lorem", "numbers", "cite", "ellipsis", "lines"],
        weights=[30, 14, 8, 8, 8, 4, 3, 2, 5, 4, 4, 10],
    )[0]
    def para(n):
        return " ".join(rng.choice(S) for _ in range(n))
    if kind == "prose":
        return "\n\n".join(para(rng.randint(1, 6)) for _ in range(rng.randint(1, 6)))
    if kind == "lines":
        return "\n".join(rng.choice(S) for _ in range(rng.randint(2, 20)))
    if kind == "boiler":
        head = [rng.choice(NAV) for _ in range(rng.randint(1, 8))]
        tail = [rng.choice(NAV + COOKIE + JS) for _ in range(rng.randint(1, 8))]
        body = [para(rng.randint(1, 4)) for _ in range(rng.randint(1, 5))]
        return "\n".join(head + body + tail)
    if kind == "list":
        bullet = rng.choice(["- ", "• ", "* "])
        items = [bullet + " ".join(rng.choice(S).split()[: rng.randint(2, 9)]) for _ in range(rng.randint(3, 30))]
        intro = [para(1)] if rng.random() < 0.5 else []
        return "\n".join(intro + items)
    if kind == "repeat":
        base = [para(rng.randint(1, 3)) for _ in range(rng.randint(2, 4))]
        reps = [rng.choice(base) for _ in range(rng.randint(2, 8))]
        sep = rng.choice(["\n", "\n\n"])
        return sep.join(base + reps)
    if kind == "short":
        return " ".join(rng.choice(S) for _ in range(rng.randint(1, 2)))
    if kind == "hashy":
        words = para(rng.randint(2, 5)).split()
        return " ".join(w + (" #" + rng.choice(words).strip(".,") if rng.random() < 0.3 else "") for w in words)
    if kind == "code":
        return "\n".join([para(2), "function f(x) { return x + 1; }", para(3), "var conf = {debug: true};"])
    if kind == "lorem":
        return "\n".join([para(3), "Lorem ipsum dolor sit amet, consectetur adipiscing elit.", para(2)])
    if kind == "numbers":
        rows = [" ".join(str(rng.randint(0, 9999)) for _ in range(rng.randint(3, 8))) for _ in range(rng.randint(3, 15))]
        return "\n".join([para(1)] + rows + [para(1)])
    if kind == "cite":
        return "\n".join(rng.choice(S).rstrip(".") + f"[{rng.randint(1, 40)}]." for _ in range(rng.randint(3, 12)))
    # ellipsis
    return "\n".join(" ".join(rng.choice(S).split()[: rng.randint(3, 12)]) + rng.choice(["...", "…", "."]) for _ in range(rng.randint(3, 15)))


def corpus(sent_path, out, n):
    S = sentences_of(sent_path)
    rng = random.Random(20261125)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"q{i}", "text": make_doc(rng, S), "lang": "en"}, ensure_ascii=False) + "\n")
    print(f"corpus: {n} documents -> {out}")


def run(corpus_path, decisions_path):
    from datatrove.data import Document
    from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter

    docs = [json.loads(l) for l in open(corpus_path, encoding="utf-8")]
    filters = [
        ("gopher_quality", GopherQualityFilter()),
        ("gopher_repetition", GopherRepetitionFilter()),
        ("c4_quality", C4QualityFilter()),
        ("fineweb_quality", FineWebQualityFilter()),
    ]
    def verdict(res):
        if res is True:
            return True, None
        if isinstance(res, tuple):
            return bool(res[0]), res[1]
        return bool(res), None
    with open(decisions_path, "w", encoding="utf-8") as out:
        for d in docs:
            for name, flt in filters:
                keep, reason = verdict(flt.filter(Document(text=d["text"], id=d["id"])))
                out.write(json.dumps({"id": d["id"], "filter": name, "keep": keep, "reason": reason}) + "\n")
    size = sum(len(d["text"].encode()) for d in docs)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    kept = 0
    for d in docs:
        doc = Document(text=d["text"], id=d["id"])
        if all(verdict(flt.filter(doc))[0] for _, flt in filters):
            kept += 1
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(
        f"  datatrove   4 filters chained, {len(docs)} docs, {size / 1e6:.1f} MB: {wall:.2f}s wall, {cpu:.2f}s cpu: "
        f"{len(docs) / cpu:.0f} docs/s per core, {size / 1e6 / cpu:.2f} MB/s per core; {kept} kept"
    )
    print(f"RESULT datatrove_docs_per_core={len(docs) / cpu:.3f}")


def compare(ours_path, theirs_path):
    def load(p):
        return {(r["id"], r["filter"]): r for r in map(json.loads, open(p, encoding="utf-8"))}
    ours, theirs = load(ours_path), load(theirs_path)
    by = defaultdict(list)
    for k, t in theirs.items():
        by[k[1]].append((ours[k], t))
    worst = 100.0
    for name in ["gopher_quality", "gopher_repetition", "c4_quality", "fineweb_quality"]:
        pairs = by[name]
        same = sum(o["keep"] == t["keep"] for o, t in pairs)
        pct = 100.0 * same / len(pairs)
        worst = min(worst, pct)
        drop_o = sum(not o["keep"] for o, _ in pairs)
        drop_t = sum(not t["keep"] for _, t in pairs)
        reasons = sum(o["keep"] == t["keep"] and o["reason"] == t["reason"] for o, t in pairs)
        print(f"  {name:<18} keep/drop agree on {same}/{len(pairs)} = {pct:.2f}% (same reason {100.0 * reasons / len(pairs):.2f}%); "
              f"dropped: eurocurate {drop_o}, datatrove {drop_t}")
        diff = Counter((o["reason"], t["reason"]) for o, t in pairs if o["keep"] != t["keep"])
        for (ro, rt), n in diff.most_common(4):
            print(f"      {n:>4} x eurocurate {ro or 'keep'} / datatrove {rt or 'keep'}")
    print(f"RESULT worst_agreement={worst:.2f}")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "corpus":
        corpus(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 5000)
    elif cmd == "run":
        run(sys.argv[2], sys.argv[3])
    else:
        compare(sys.argv[2], sys.argv[3])
