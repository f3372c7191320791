"""A deterministic multilingual corpus with planted defects and planted
duplicates, and the scoring of a dedup run against those duplicates.

Used by compare.py (benchmark text: benches/heldout, role test) and by
benches/minhash_calibrate.py (calibration text: the Leipzig sentences, role
calibrate): the same generator on two disjoint text sources, so the MinHash
default chosen on one is reported on the other.

Documents are pages of 2-6 paragraphs of real sentences of one language
between a header line and a footer line. A planted duplicate is a later
copy of an earlier document, of one kind:

  exact       the same text
  words       0.3-3% of the words edited (deleted, replaced, reversed, inserted)
  boilerplate the header and footer lines changed (date, counts, links)
  drop_para   one paragraph dropped (documents of >= 4 paragraphs)
  swap_para   two paragraphs swapped
  mixed       a changed footer plus 0.3-1% of the words edited

Scoring (`score`): recall = planted copies found (the copy or its original
removed) / planted copies, per language and per kind. Precision is checked
by exact Jaccard on word 5-grams (lower-cased \\w+ words; independent of
both tools' shingling): a removal is correct when the document is in a
planted family with a kept member, or when its exact Jaccard to some kept
document is at least `PRECISION_JACCARD`.
"""
import random
import re
from collections import Counter, defaultdict

KINDS = ["exact", "words", "boilerplate", "drop_para", "swap_para", "mixed"]
# planted copies: 5% exact, 12% near (over the kinds above)
EXACT_SHARE, NEAR_SHARE = 0.05, 0.12
PRECISION_JACCARD = 0.5
WORD = re.compile(r"\w+")


def header(rng):
    return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.20{rng.randint(10, 26)} · #{rng.randint(100, 99999)}"


def footer(rng):
    return (f"© 20{rng.randint(10, 26)} · {rng.randint(0, 999)} · "
            f"https://www.example-{rng.randint(1, 9999)}.eu/{rng.randint(1, 10**6)}")


def edit_words(rng, text, share):
    """Edits `share` of the words of `text` (at least one), keeping lines."""
    lines = [l.split(" ") for l in text.split("\n")]
    spots = [(i, j) for i, l in enumerate(lines) for j in range(len(l))]
    for _ in range(max(1, round(len(spots) * share))):
        i, j = rng.choice(spots)
        if j >= len(lines[i]):
            continue
        r = rng.random()
        if r < 0.3 and len(lines[i]) > 1:
            del lines[i][j]
        elif r < 0.6:
            lines[i][j] = lines[i][j][::-1]
        elif r < 0.8:
            lines[i].insert(j, rng.choice(lines[rng.randrange(len(lines))]))
        else:
            lines[i][j] = lines[i][j] + rng.choice("aeiounst")
    return "\n".join(" ".join(l) for l in lines)


def make_copy(rng, src, kind):
    head, paras, foot = src["head"], list(src["paras"]), src["foot"]
    if kind == "exact":
        return src["text"], (head, paras, foot)
    if kind == "boilerplate":
        head, foot = header(rng), footer(rng)
    elif kind == "drop_para":
        del paras[rng.randrange(len(paras))]
    elif kind == "swap_para":
        i = rng.randrange(len(paras) - 1)
        paras[i], paras[i + 1] = paras[i + 1], paras[i]
    elif kind == "words":
        body = edit_words(rng, "\n".join(paras), rng.uniform(0.003, 0.03))
        paras = body.split("\n")
    elif kind == "mixed":
        foot = footer(rng)
        body = edit_words(rng, "\n".join(paras), rng.uniform(0.003, 0.01))
        paras = body.split("\n")
    return "\n".join([head, *paras, foot]), (head, paras, foot)


def build(sent, langs, n, seed, with_defects=True):
    """`sent`: {iso: [sentences]}. Returns the documents (id, text, lang and,
    for planted copies, dup_of and kind) and counts of what was planted."""
    rng = random.Random(seed)
    docs, truth = [], Counter()
    while len(docs) < n:
        r = rng.random()
        if docs and r < EXACT_SHARE + NEAR_SHARE:
            kind = "exact" if r < EXACT_SHARE else rng.choice(KINDS[1:])
            src = rng.choice(docs)
            if kind == "drop_para" and len(src["paras"]) < 4 or kind == "swap_para" and len(src["paras"]) < 2:
                kind = "words"
            text, (h, p, f) = make_copy(rng, src, kind)
            docs.append({"id": f"d{len(docs)}", "text": text, "lang": src["lang"], "dup_of": src["id"],
                         "kind": kind, "head": h, "paras": p, "foot": f})
            truth[f"copy_{kind}"] += 1
            continue
        iso = rng.choice(langs)
        paras = [" ".join(rng.choice(sent[iso]) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(2, 6))]
        if with_defects:
            defect = rng.random()
            if defect < 0.08:
                paras = [rng.choice(sent[iso])]
                truth["short"] += 1
            elif defect < 0.13:
                paras = paras + [paras[0]] * 6
                truth["repeated_paragraphs"] += 1
            elif defect < 0.16:
                paras.insert(rng.randrange(len(paras)), "Please enable JavaScript to view the comments.")
                truth["javascript_line"] += 1
            if rng.random() < 0.1:
                paras.append(f"Kontakt: redaktion{rng.randint(1, 999)}@example-news.eu, "
                             f"IP 81.{rng.randint(1, 250)}.3.{rng.randint(1, 250)}")
                truth["with_pii"] += 1
        h, f = header(rng), footer(rng)
        docs.append({"id": f"d{len(docs)}", "text": "\n".join([h, *paras, f]), "lang": iso, "head": h,
                     "paras": paras, "foot": f})
    for d in docs:
        for k in ("head", "paras", "foot"):
            d.pop(k)
    return docs, dict(truth)


def shingles(text, n=5):
    w = WORD.findall(text.lower())
    if len(w) < n:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}


def score(docs, kept_ids):
    """Recall per language and kind on planted copies; precision checked by
    exact Jaccard. `kept_ids`: the ids a run kept.

    A planted copy is found when it or the document it was copied from was
    removed (a tool may keep the copy and remove the original). A removal is
    correct when the document belongs to a planted family (an original and
    its copies, transitively) of which some member is kept, or when its exact
    Jaccard to some kept document reaches PRECISION_JACCARD."""
    kept_ids = set(kept_ids)
    by_id = {d["id"]: d for d in docs}

    def family(d):
        while "dup_of" in d:
            d = by_id[d["dup_of"]]
        return d["id"]

    fam_of = {d["id"]: family(d) for d in docs}
    fam_size = Counter(fam_of.values())
    fam_kept = Counter(fam_of[i] for i in kept_ids if i in fam_of)
    removed = [d for d in docs if d["id"] not in kept_ids]
    planted = [d for d in docs if "dup_of" in d]
    by_lang, by_kind = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for d in planted:
        hit = d["id"] not in kept_ids or d["dup_of"] not in kept_ids
        for table, key in ((by_lang, d["lang"]), (by_kind, d["kind"])):
            table[key][0] += hit
            table[key][1] += 1
    in_family = [d for d in removed if fam_size[fam_of[d["id"]]] > 1 and fam_kept[fam_of[d["id"]]] > 0]
    others = [d for d in removed if not (fam_size[fam_of[d["id"]]] > 1 and fam_kept[fam_of[d["id"]]] > 0)]
    confirmed = 0
    if others:
        index = defaultdict(list)
        kept_sh = {}
        for d in docs:
            if d["id"] in kept_ids:
                sh = shingles(d["text"])
                kept_sh[d["id"]] = sh
                for g in sh:
                    index[g].append(d["id"])
        for d in others:
            sh = shingles(d["text"])
            cands = Counter(k for g in sh for k in index.get(g, ()))
            best = max((len(sh & kept_sh[k]) / len(sh | kept_sh[k]) for k in cands), default=0.0)
            confirmed += best >= PRECISION_JACCARD
    recall_lang = {k: v[0] / v[1] for k, v in sorted(by_lang.items())}
    worst = min(recall_lang.items(), key=lambda kv: kv[1]) if recall_lang else ("-", 0.0)
    return {
        "removed": len(removed),
        "planted": len(planted),
        "recall": sum(v[0] for v in by_lang.values()) / max(1, len(planted)),
        "recall_by_lang": recall_lang,
        "recall_by_kind": {k: v[0] / v[1] for k, v in sorted(by_kind.items())},
        "worst_lang": worst,
        "precision": (len(in_family) + confirmed) / max(1, len(removed)),
        "unplanted_removed": len(others),
        "unplanted_confirmed": confirmed,
    }


def describe(s):
    kinds = ", ".join(f"{k} {v:.3f}" for k, v in s["recall_by_kind"].items())
    return (f"recall {s['recall']:.3f} (worst {s['worst_lang'][0]} {s['worst_lang'][1]:.3f}; {kinds}), "
            f"precision {s['precision']:.3f} ({s['removed']} removed, {s['unplanted_removed']} outside planted families, of which "
            f"{s['unplanted_confirmed']} have exact Jaccard >= {PRECISION_JACCARD} to a kept document)")
