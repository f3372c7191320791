"""Agreement with FineWeb-2's own filtering, per language.

    fw2_agreement.py corpus ISO SENTENCES.txt OUT.jsonl [DOCS]
        web-page-like documents built from clean sentences of the language
        (benches/heldout/fetch.sh, one per line), clean ones mixed with the
        defects FineWeb-2's filters look for, made of the language's own
        words: navigation and link lines, bullet lists, repeated lines and
        paragraphs, tables of numbers, hashtags, trailing ellipses, URLs,
        very short pages; plus clean prose carrying figures, dates, prices,
        hyphens and quotes (where word splitting matters).
    fw2_agreement.py check ISO...
        which of the languages datatrove can filter offline: the word
        tokenizer it assigns, or why not (exit 0; prints `ok ISO` lines).
    fw2_agreement.py run ISO FINEWEB2 CORPUS.jsonl DECISIONS.jsonl [--words-from OURS.jsonl]
        datatrove's GopherRepetitionFilter, FineWebQualityFilter and
        GopherQualityFilter configured as fineweb-2-pipeline.py configures
        them for the language: configs/<iso3>_<Script>.yml of the FineWeb-2
        checkout FINEWEB2 (a work tree, or a git directory read at
        $FW2_COMMIT, default d0defb24f193) plus the pipeline's constants;
        language=<iso3>_<Script> picks datatrove's word tokenizer. With
        --words-from, datatrove's filters get eurocurate's words instead of
        their tokenizer's (what disagreement is left is not word splitting).
    fw2_agreement.py compare OURS.jsonl THEIRS.jsonl [--iso ISO] [--table T.tsv]
                     [--same-words THEIRS_WITH_OUR_WORDS.jsonl] [--corpus CORPUS.jsonl]
        keep/drop agreement per filter, the commonest differences, the words
        the two splits differ on there, and the kinds of document they are
        in; appends one row per filter to T.tsv.
    fw2_agreement.py table T.tsv
        the per-language, per-filter table.
"""
import json
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict

# ISO 639-1 -> FineWeb-2 config: the map the langs files were written with.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from langs_fineweb2 import CONFIGS  # noqa: E402
FW2_COMMIT = os.environ.get("FW2_COMMIT", "d0defb24f193")
FILTERS = ["gopher_repetition", "fineweb_quality", "gopher_quality"]


def sentences_of(path):
    return [l.strip() for l in open(path, encoding="utf-8") if l.strip()]


def vocabulary(S):
    words = []
    for s in S:
        for w in s.split():
            w = w.strip(".,;:!?()[]\"'«»„“”‚‘’")
            if len(w) >= 3 and w.isalpha():
                words.append(w)
    return sorted(set(words))


def make_doc(rng, S, V):
    kind = rng.choices(
        ["prose", "lines", "figures", "boiler", "list", "repeat", "short", "numbers", "hashy", "ellipsis",
         "links", "menu", "titles", "cite", "longwords"],
        weights=[30, 14, 14, 8, 4, 6, 3, 4, 2, 3, 2, 4, 3, 2, 2],
    )[0]
    return kind, make_text(rng, S, V, kind)


def make_text(rng, S, V, kind):
    def para(n):
        return " ".join(rng.choice(S) for _ in range(n))

    def words(n):
        return " ".join(rng.choice(V) for _ in range(n))

    def nav():
        w = words(rng.randint(1, 3))
        return w[0].upper() + w[1:]

    if kind == "prose":
        return "\n\n".join(para(rng.randint(1, 6)) for _ in range(rng.randint(1, 6)))
    if kind == "lines":
        return "\n".join(rng.choice(S) for _ in range(rng.randint(2, 20)))
    if kind == "figures":
        # clean prose with the tokens word splitters disagree on
        extras = [
            lambda: f"{rng.randint(1, 99)},{rng.randint(0, 99):02d} €",
            lambda: f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(1990, 2030)}",
            lambda: f"{rng.randint(1, 100)}%",
            lambda: f"{rng.randint(1, 9)}.{rng.randint(0, 9)} %",
            lambda: f"({rng.randint(1, 999)})",
            lambda: f"„{rng.choice(V)}“",
            lambda: f"«{rng.choice(V)}»",
            lambda: f"{rng.choice(V)}-{rng.choice(V).lower()}",
            lambda: f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d}",
            lambda: f"Nr. {rng.randint(1, 500)}",
            lambda: f"{rng.choice(V)}/{rng.choice(V).lower()}",
            lambda: f"{rng.choice(V)}'{rng.choice(['s', 'n', 'l'])}",
            lambda: f"§ {rng.randint(1, 99)}",
            lambda: f"{rng.randint(1000, 99999):,}".replace(",", rng.choice([".", " ", ","])),
            lambda: f"www.{rng.choice(V).lower()}.eu",
            lambda: f"{rng.choice(V).lower()}@{rng.choice(V).lower()}.com",
        ]
        dens = rng.choice([0.05, 0.15, 0.3, 0.5])
        out = []
        for _ in range(rng.randint(1, 5)):
            toks = para(rng.randint(1, 5)).split()
            res = []
            for t in toks:
                res.append(t)
                if rng.random() < dens:
                    res.append(rng.choice(extras)())
            out.append(" ".join(res))
        return rng.choice(["\n", "\n\n"]).join(out)
    if kind == "boiler":
        head = [nav() for _ in range(rng.randint(1, 10))]
        tail = [nav() for _ in range(rng.randint(1, 10))]
        body = [para(rng.randint(1, 4)) for _ in range(rng.randint(1, 5))]
        return "\n".join(head + body + tail)
    if kind == "menu":
        # the same navigation block at the top and the bottom
        block = [nav() for _ in range(rng.randint(3, 12))]
        body = [para(rng.randint(1, 3)) for _ in range(rng.randint(1, 4))]
        return "\n".join(block + body + block)
    if kind == "list":
        bullet = rng.choice(["- ", "• ", "* ", "", "1. "])
        items = [bullet + " ".join(rng.choice(S).split()[: rng.randint(2, 12)]) for _ in range(rng.randint(3, 30))]
        intro = [para(1)] if rng.random() < 0.5 else []
        return "\n".join(intro + items)
    if kind == "repeat":
        base = [para(rng.randint(1, 3)) for _ in range(rng.randint(2, 6))]
        reps = [rng.choice(base) for _ in range(rng.randint(1, 6))]
        sep = rng.choice(["\n", "\n\n"])
        return sep.join(base + reps)
    if kind == "short":
        return " ".join(rng.choice(S) for _ in range(rng.randint(1, 4)))
    if kind == "numbers":
        rows = [" ".join(str(rng.randint(0, 9999)) for _ in range(rng.randint(2, 8))) for _ in range(rng.randint(1, 12))]
        return "\n".join([para(rng.randint(1, 3))] + rows + [para(rng.randint(1, 2))])
    if kind == "hashy":
        ws = para(rng.randint(2, 5)).split()
        p = rng.choice([0.05, 0.1, 0.2, 0.3])
        return " ".join(w + (" #" + rng.choice(ws).strip(".,") if rng.random() < p else "") for w in ws)
    if kind == "ellipsis":
        return "\n".join(
            " ".join(rng.choice(S).split()[: rng.randint(3, 14)]) + rng.choice(["...", "…", ".", ""])
            for _ in range(rng.randint(3, 15))
        )
    if kind == "links":
        rows = [f"https://www.{rng.choice(V).lower()}.eu/{rng.choice(V).lower()}/{rng.randint(1, 99999)}" for _ in range(rng.randint(1, 15))]
        return "\n".join([para(rng.randint(1, 4))] + rows)
    if kind == "titles":
        # headline-like lines: capitalised words, few stop words, no final punctuation
        rows = [" ".join(w[0].upper() + w[1:] for w in words(rng.randint(2, 8)).split()) for _ in range(rng.randint(3, 25))]
        if rng.random() < 0.5:
            rows.insert(rng.randint(0, len(rows)), para(rng.randint(1, 3)))
        return "\n".join(rows)
    if kind == "cite":
        return "\n".join(rng.choice(S).rstrip(".") + f"[{rng.randint(1, 40)}]." for _ in range(rng.randint(3, 12)))
    # longwords: identifiers and glued words
    toks = para(rng.randint(2, 5)).split()
    p = rng.choice([0.1, 0.3, 0.6])
    return " ".join(
        ("".join(rng.choice(V) for _ in range(rng.randint(2, 4))) if rng.random() < p else t) for t in toks
    )


def corpus(iso, sent_path, out, n):
    S = sentences_of(sent_path)
    V = vocabulary(S)
    rng = random.Random(f"fw2-{iso}-20261130")
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            kind, text = make_doc(rng, S, V)
            f.write(json.dumps({"id": f"{iso}{i}", "text": text, "lang": iso, "kind": kind}, ensure_ascii=False) + "\n")
    print(f"corpus {iso}: {n} documents from {len(S)} sentences -> {out}")


def check(isos):
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    for iso in isos:
        cfg = CONFIGS.get(iso)
        if cfg is None:
            print(f"skip {iso}: no FineWeb-2 config (English is FineWeb's own; see quality-vs-datatrove.sh)")
            continue
        try:
            tok = load_word_tokenizer(cfg)
            name = type(tok).__name__
            if name != "SpaCyTokenizer":
                # Stanza and the other model-based tokenizers fetch models at run time
                print(f"skip {iso}: datatrove assigns {cfg} the {name}({tok.language}), which downloads models at run time")
                continue
            tok.word_tokenize("x")  # spaCy raises here when the language needs a missing package
            print(f"ok {iso} {cfg} SpaCyTokenizer({tok.language}), spacy.blank: rules only, no model")
        except Exception as e:  # noqa: BLE001 (reported, not hidden)
            print(f"skip {iso}: datatrove's tokenizer for {cfg} does not load: {type(e).__name__}: {e}"
                  + (" (and installed, Stanza downloads its model at run time)" if "stanza" in str(e) else ""))


def fw2_config(root, iso):
    import yaml

    name = f"configs/{CONFIGS[iso]}.yml"
    if os.path.isfile(os.path.join(root, name)):
        return yaml.safe_load(open(os.path.join(root, name), encoding="utf-8")), f"{root}/{name}"
    text = subprocess.run(["git", "-C", root, "show", f"{FW2_COMMIT}:{name}"], check=True, capture_output=True, text=True).stdout
    return yaml.safe_load(text), f"{root}@{FW2_COMMIT}:{name}"


def run(iso, root, corpus_path, decisions_path, words_from=None):
    """With words_from (eurocurate's decisions), datatrove's filters split
    words as eurocurate did: what is left of the disagreement is not word
    splitting."""
    if words_from:
        import datatrove.pipeline.filters.fineweb_quality_filter as m1
        import datatrove.pipeline.filters.gopher_quality_filter as m2
        import datatrove.pipeline.filters.gopher_repetition_filter as m3

        theirs_words = {}
        for r in map(json.loads, open(words_from, encoding="utf-8")):
            if "words" in r:
                theirs_words[r["id"]] = r["words"]
        texts = {d["id"]: d["text"] for d in map(json.loads, open(corpus_path, encoding="utf-8"))}
        by_text = {texts[i]: w for i, w in theirs_words.items()}
        for m in (m1, m2, m3):
            m.split_into_words = lambda text, language=None: by_text[text]
    from datatrove.data import Document
    from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
    from datatrove.utils.text import split_into_words

    cfg, src = fw2_config(root, iso)
    lang_script = CONFIGS[iso]
    # exactly as fineweb-2-pipeline.py step 5
    filters = [
        ("gopher_repetition", GopherRepetitionFilter(
            language=lang_script, dup_para_frac=0, dup_line_char_frac=0, dup_para_char_frac=0,
            dup_line_frac=cfg["dup_line_frac"], top_n_grams=cfg["top_n_grams"], dup_n_grams=cfg["dup_n_grams"])),
        ("fineweb_quality", FineWebQualityFilter(
            language=lang_script, short_line_thr=999, char_duplicates_ratio=0.1,
            line_punct_thr=cfg["line_punct_thr"], new_line_ratio=cfg["new_line_ratio"])),
        ("gopher_quality", GopherQualityFilter(
            language=lang_script, max_avg_word_length=cfg["max_avg_word_length"],
            min_avg_word_length=cfg["min_avg_word_length"], stop_words=cfg["stopwords"],
            max_non_alpha_words_ratio=cfg["max_non_alpha_words_ratio"], min_stop_words=2)),
    ]
    print(f"  datatrove {iso}: {src}", file=sys.stderr)

    def verdict(res):
        if res is True:
            return True, None
        if isinstance(res, tuple):
            return bool(res[0]), res[1]
        return bool(res), None

    docs = [json.loads(l) for l in open(corpus_path, encoding="utf-8")]
    with open(decisions_path, "w", encoding="utf-8") as out:
        for d in docs:
            for name, flt in filters:
                try:
                    keep, reason = verdict(flt.filter(Document(text=d["text"], id=d["id"])))
                except ZeroDivisionError:
                    # datatrove divides by the word count; a page without words is dropped
                    keep, reason = False, "ZeroDivisionError"
                line = {"id": d["id"], "filter": name, "keep": keep, "reason": reason}
                if name == "gopher_quality" and not words_from:
                    line["words"] = split_into_words(d["text"], lang_script)
                out.write(json.dumps(line, ensure_ascii=False) + "\n")


def compare(ours_path, theirs_path, iso=None, table=None, same_words=None, corpus_path=None):
    def load(p):
        return {(r["id"], r["filter"]): r for r in map(json.loads, open(p, encoding="utf-8"))}

    ours, theirs = load(ours_path), load(theirs_path)
    alt = load(same_words) if same_words else None
    kinds = {}
    if corpus_path:
        kinds = {d["id"]: d.get("kind", "?") for d in map(json.loads, open(corpus_path, encoding="utf-8"))}
    by = defaultdict(list)
    for k, t in theirs.items():
        by[k[1]].append((ours[k], t))
    ids = {k[0] for k in theirs}
    chain_drop = sum(any(not theirs[(i, f)]["keep"] for f in FILTERS) for i in ids)
    print(f"  {iso or ''}: {len(ids)} documents, FineWeb-2's chain (datatrove) drops {chain_drop} = {100.0 * chain_drop / len(ids):.1f}%")
    worst = 100.0
    rows = []
    for name in FILTERS:
        pairs = by[name]
        same = sum(o["keep"] == t["keep"] for o, t in pairs)
        pct = 100.0 * same / len(pairs)
        worst = min(worst, pct)
        drop_o = sum(not o["keep"] for o, _ in pairs)
        drop_t = sum(not t["keep"] for _, t in pairs)
        print(f"    {name:<18} agree {same}/{len(pairs)} = {pct:.2f}%; dropped: eurocurate {drop_o}, datatrove {drop_t} ({100.0 * drop_t / len(pairs):.1f}%)")
        diff = Counter((o["reason"], t["reason"]) for o, t in pairs if o["keep"] != t["keep"])
        for (ro, rt), n in diff.most_common(4):
            ex = next(o for o, t in pairs if o["keep"] != t["keep"] and (o["reason"], t["reason"]) == (ro, rt))
            print(f"      {n:>4} x eurocurate {ro or 'keep'} / datatrove {rt or 'keep'}   e.g. {ex['id']} {ex.get('detail') or ''}")
        if kinds and diff:
            by_kind = Counter(kinds.get(o["id"], "?") for o, t in pairs if o["keep"] != t["keep"])
            print(f"      differing documents by kind: {dict(by_kind.most_common())}")
        pct_alt = float("nan")
        if alt:
            same_alt = sum(o["keep"] == alt[(o["id"], name)]["keep"] for o, _ in pairs)
            pct_alt = 100.0 * same_alt / len(pairs)
            print(f"      datatrove with eurocurate's words: agree {same_alt}/{len(pairs)} = {pct_alt:.2f}%")
        # where the word splitting differs on the documents the filter decides differently
        ow, tw = ours.get((pairs[0][0]["id"], "gopher_quality"), {}), theirs.get((pairs[0][0]["id"], "gopher_quality"), {})
        if "words" in ow and "words" in tw:
            only_o, only_t = Counter(), Counter()
            for o, t in pairs:
                if o["keep"] != t["keep"]:
                    a, b = Counter(ours[(o["id"], "gopher_quality")]["words"]), Counter(theirs[(o["id"], "gopher_quality")]["words"])
                    only_o.update(a - b)
                    only_t.update(b - a)
            if only_o or only_t:
                print(f"      words only eurocurate has: {[w for w, _ in only_o.most_common(12)]}")
                print(f"      words only datatrove has:  {[w for w, _ in only_t.most_common(12)]}")
        rows.append((iso or "", name, len(pairs), 100.0 * drop_t / len(pairs), 100.0 * drop_o / len(pairs), pct,
                     100.0 * chain_drop / len(ids), pct_alt))
    if table:
        with open(table, "a", encoding="utf-8") as f:
            for r in rows:
                f.write("\t".join(str(x) if not isinstance(x, float) else f"{x:.2f}" for x in r) + "\n")
    print(f"RESULT {iso or ''} worst_agreement={worst:.2f}")


def moved_filters(iso):
    """The filters of langs/<iso>.yaml with a key the clean-keep rule moved
    (scripts/langs_calibrate.sh writes `# clean-keep` above each) or the
    repetition floor raised (`# repetition-floor`)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "langs", f"{iso}.yaml")
    moved, section = set(), None
    for line in open(path, encoding="utf-8"):
        if line.startswith("  ") and not line.startswith("   ") and line.strip().endswith(":"):
            section = line.strip()[:-1]
        elif line and not line[0].isspace():
            section = None
        if section and line.strip().startswith(("# clean-keep", "# repetition-floor")):
            moved.add(section)
    return moved


# the gate needs at least this many languages that keep FineWeb-2's values
MIN_GATED = 6


def print_table(path):
    """Prints every language; gates (>= 99% on every filter) the languages
    whose langs file keeps FineWeb-2's values exactly. A language with a
    key the clean-keep rule moved is shown, marked, and not gated: its
    values differ from FineWeb-2's on purpose. Returns True when the gate
    holds."""
    rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.strip()]
    by = defaultdict(dict)
    for iso, name, n, dt, do, pct, chain, alt in rows:
        by[iso][name] = (int(n), float(dt), float(do), float(pct), float(alt))
        by[iso]["chain"] = float(chain)
    print()
    print("| lang | values | docs | FW-2 chain drops | " + " | ".join(f"{f}: ref drop / ours / agree" for f in FILTERS)
          + " | agree if datatrove split words as eurocurate (rep / fw / gq) |")
    print("|---|---|---:|---:|" + "---:|" * len(FILTERS) + "---:|")
    worst, gated = (101.0, ""), []
    for iso in sorted(by):
        r = by[iso]
        moved = moved_filters(iso)
        cells = []
        for f in FILTERS:
            n, dt, do, pct, _ = r[f]
            if not moved:
                worst = min(worst, (pct, f"{iso} {f}"))
            mark = " (moved)" if f in moved else ""
            cells.append(f"{dt:.1f}% / {do:.1f}% / **{pct:.2f}%**{mark}" if pct < 99.0 and not moved else f"{dt:.1f}% / {do:.1f}% / {pct:.2f}%{mark}")
        if not moved:
            gated.append(iso)
        values = "FineWeb-2's (gated)" if not moved else "moved"
        alts = " / ".join(f"{r[f][4]:.2f}%" for f in FILTERS)
        print(f"| {iso} | {values} | {r[FILTERS[0]][0]} | {r['chain']:.1f}% | " + " | ".join(cells) + f" | {alts} |")
    print(f"\ngated (langs files with FineWeb-2's values exactly): {len(gated)} languages: {' '.join(gated)} (at least {MIN_GATED} needed)")
    if gated:
        print(f"worst per-filter agreement of the gated languages: {worst[0]:.2f}% ({worst[1]}; target >= 99%; bold: below)")
    return len(gated) >= MIN_GATED and worst[0] >= 99.0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "corpus":
        corpus(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 2000)
    elif cmd == "check":
        check(sys.argv[2:])
    elif cmd == "run":
        run(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[sys.argv.index("--words-from") + 1] if "--words-from" in sys.argv else None)
    elif cmd == "compare":
        args = sys.argv[2:]
        iso = args[args.index("--iso") + 1] if "--iso" in args else None
        table = args[args.index("--table") + 1] if "--table" in args else None
        same = args[args.index("--same-words") + 1] if "--same-words" in args else None
        corp = args[args.index("--corpus") + 1] if "--corpus" in args else None
        compare(args[0], args[1], iso, table, same, corp)
    elif cmd == "table":
        sys.exit(0 if print_table(sys.argv[2]) else 1)
    else:
        sys.exit(__doc__)
