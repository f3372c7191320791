"""Language-ID bench: the `language_id` stage with its defaults, lid.176
argmax alone, heliport and (by path) GlotLID/OpenLID, on the same test
sentences; per-language recall and precision, macro, worst, the neighbours'
EU-label rate, and speed per core on 1 KB documents. Run by
benches/lid/bench.sh, which prepares the data and the tools.

Usage: bench.py EUROCURATE_BINARY TEST_DIR CALIBRATE_DIR WORK_DIR [--fasttext-model PATH ...]
"""

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time

EU = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()
NEIGHBOURS = "sr sr_cyrl bs nb nn gl ca gd mk ru uk tr".split()
# ISO 639-3 (+ macrolanguage members) of the EU languages, for models that
# label with three letters. heliport's `hbs` (Serbo-Croatian) counts as hr.
ISO3 = {
    "bul": "bg", "ces": "cs", "dan": "da", "deu": "de", "ell": "el", "eng": "en", "spa": "es", "est": "et",
    "ekk": "et", "fin": "fi", "fra": "fr", "gle": "ga", "hrv": "hr", "hbs": "hr", "hun": "hu", "ita": "it",
    "lit": "lt", "lav": "lv", "lvs": "lv", "mlt": "mt", "nld": "nl", "pol": "pl", "por": "pt", "ron": "ro",
    "slk": "sk", "slv": "sl", "swe": "sv",
}


def iso(label):
    label = label.replace("__label__", "").strip()
    code = label.split("_")[0].split("-")[0].lower()
    return ISO3.get(code, code)


def read(dir_, lang):
    try:
        with open(os.path.join(dir_, f"{lang}.txt"), encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_pipeline(binary, work, name, docs, stage, out_fields=("lang", "lang_score", "metadata")):
    """Runs `eurocurate run` with one stage over docs; returns {id: record} and CPU seconds."""
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "in.jsonl"), "w", encoding="utf-8") as f:
        for i, t in docs:
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
    stages = [stage] if stage else []
    cfg = {
        "name": name,
        "input": {"kind": "jsonl", "paths": [os.path.join(d, "in.jsonl")]},
        "stages": stages,
        "output": {"kind": "jsonl", "path": os.path.join(d, "out")},
        "executor": {"kind": "local", "tasks": 1},
    }
    with open(os.path.join(d, "p.yaml"), "w") as f:
        json.dump(cfg, f)  # YAML is a superset of JSON
    c0 = cpu_children()
    subprocess.run([binary, "-q", "run", os.path.join(d, "p.yaml"), "--restart", "--workers", "1"], check=True)
    cpu = cpu_children() - c0
    out = {}
    outdir = os.path.join(d, "out")
    for fn in sorted(os.listdir(outdir)):
        if fn.endswith(".jsonl.zst"):
            text = subprocess.run(["zstd", "-dc", os.path.join(outdir, fn)], check=True, capture_output=True).stdout
            for line in text.decode().split("\n"):
                if not line:
                    continue
                r = json.loads(line)
                out[r["id"]] = r
    return out, cpu


def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (mid - half, mid + half)


def score(name, labels, gold):
    """labels: {id: predicted iso or None}; gold: {id: iso}. Returns per-language dicts.

    Precision is computed twice: over the 24 languages' test sentences only
    (the issue's measure) and over every test sentence, the neighbours'
    included (what a crawl with Serbian or Bosnian pages gets)."""
    recall, precision, precision_all, predicted, predicted_eu = {}, {}, {}, {}, {}
    for i, g in gold.items():
        p = labels.get(i)
        predicted[p] = predicted.get(p, 0) + 1
        if g in EU:
            predicted_eu[p] = predicted_eu.get(p, 0) + 1
    for lang in EU:
        ids = [i for i, g in gold.items() if g == lang]
        if not ids:
            continue
        ok = sum(labels.get(i) == lang for i in ids)
        recall[lang] = (ok, len(ids))
        n_pred = predicted_eu.get(lang, 0)
        precision[lang] = ok / n_pred if n_pred else 1.0
        n_pred = predicted.get(lang, 0)
        precision_all[lang] = ok / n_pred if n_pred else 1.0
    neigh = {}
    for lang in NEIGHBOURS:
        ids = [i for i, g in gold.items() if g == lang]
        if ids:
            neigh[lang] = (sum(labels.get(i) in EU for i in ids), len(ids))
    return {"name": name, "recall": recall, "precision": precision, "precision_all": precision_all, "neighbours": neigh}


def summary(res):
    r = {lang: ok / n for lang, (ok, n) in res["recall"].items()}
    macro_r = sum(r.values()) / len(r)
    macro_p = sum(res["precision"].values()) / len(res["precision"])
    macro_pa = sum(res["precision_all"].values()) / len(res["precision_all"])
    worst = min(r, key=r.get)
    return macro_r, macro_p, macro_pa, worst, r[worst]


def print_table(results, gold_counts):
    names = [r["name"] for r in results]
    print("\n## Recall per language (95% interval for the first system)\n")
    print("| lang | n | " + " | ".join(names) + " | interval |")
    print("|---|---|" + "---|" * len(names) + "---|")
    for lang in EU:
        if lang not in results[0]["recall"]:
            continue
        ok, n = results[0]["recall"][lang]
        lo, hi = wilson(ok, n)
        cells = [f"{r['recall'][lang][0] / r['recall'][lang][1]:.3f}" for r in results]
        print(f"| {lang} | {n} | " + " | ".join(cells) + f" | {lo:.3f}–{hi:.3f} |")
    print("\n## Precision per language (over the 24 languages' test sentences / with the neighbours' sentences too)\n")
    print("| lang | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for lang in EU:
        if lang in results[0]["precision"]:
            print(
                f"| {lang} | "
                + " | ".join(f"{r['precision'][lang]:.3f} / {r['precision_all'][lang]:.3f}" for r in results)
                + " |"
            )
    print("\n## Neighbours labelled as an EU language\n")
    print("| lang | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for lang in NEIGHBOURS:
        if lang in results[0]["neighbours"]:
            n = results[0]["neighbours"][lang][1]
            print(f"| {lang} | {n} | " + " | ".join(f"{r['neighbours'][lang][0] / n:.3f}" for r in results) + " |")
    print("\n## Summary\n")
    print("| system | macro recall | macro precision (24) | macro precision (with neighbours) | worst recall | worst precision (24) | worst neighbour EU rate |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        mr, mp, mpa, wl, wv = summary(r)
        wp = min(r["precision"], key=r["precision"].get)
        nb = max(r["neighbours"].items(), key=lambda kv: kv[1][0] / kv[1][1])
        print(
            f"| {r['name']} | {mr:.4f} | {mp:.4f} | {mpa:.4f} | {wl} {wv:.3f} | {wp} {r['precision'][wp]:.3f} "
            f"| {nb[0]} {nb[1][0] / nb[1][1]:.3f} |"
        )
        print(
            f"RESULT {r['name']} macro_recall={mr:.4f} macro_precision={mp:.4f} with_neighbours={mpa:.4f} worst={wl}:{wv:.3f}",
            file=sys.stderr,
        )


def threshold_curve(binary, work, cal_dir):
    """Recall and precision on the calibrate split at thresholds 0..0.9 of the stage's score.

    Precision counts every calibration line the stage would label as the
    language at that threshold, the neighbours' lines included."""
    docs, gold = [], {}
    for lang in EU + NEIGHBOURS:
        for j, s in enumerate(read(cal_dir, lang)):
            if len(s) >= 40:
                docs.append((f"{lang}:{j}", s))
                gold[f"{lang}:{j}"] = lang
    if not docs:
        return
    out, _ = run_pipeline(binary, work, "calibrate", docs, {"kind": "language_id", "other": "keep", "min_score": 0.0})

    def label(i, t):
        r = out.get(i, {})
        top = (r.get("metadata", {}).get("lid_top") or [{}])[0]
        return top.get("lang") if (r.get("lang_score") or 0) >= t else None

    steps = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    fine = [round(0.05 * k, 2) for k in range(0, 19)]
    labels = {t: {i: label(i, t) for i in gold} for t in sorted(set(steps + fine))}
    proposed = {}

    def recall(lang, ids, t):
        return sum(labels[t][i] == lang for i in ids) / len(ids)

    def precision(lang, t):
        said = [i for i, p in labels[t].items() if p == lang]
        return sum(gold[i] == lang for i in said) / len(said) if said else 1.0

    print("\n## Threshold curve on the calibrate split (recall / precision if lid_threshold were t; stage defaults otherwise)\n")
    print("Precision counts the neighbours' calibration lines too.\n")
    print("| lang | n | " + " | ".join(f"t={t}" for t in steps) + " |")
    print("|---|---|" + "---|" * len(steps))
    for lang in EU:
        ids = [i for i, g in gold.items() if g == lang]
        if not ids:
            continue
        cells = [f"{recall(lang, ids, t):.3f} / {precision(lang, t):.3f}" for t in steps]
        print(f"| {lang} | {len(ids)} | " + " | ".join(cells) + " |")
        if len(ids) >= 200:
            base = recall(lang, ids, 0.0)
            # At least the lowest step: a language keeps a gate against junk.
            proposed[lang] = max([0.05] + [t for t in fine if recall(lang, ids, t) >= base - COST])
    print(f"\nProposed lid_threshold (highest t, in steps of 0.05 and at least 0.05, that costs at most {COST:.3f} recall on the calibrate split;")
    print("the shipped value is the lower of this and the earlier one; languages with under 200 calibration")
    print("sentences keep theirs: too few to move a threshold):")
    print("  " + " ".join(f"{lang}={proposed.get(lang, 'keep')}" for lang in EU))


# Recall a shipped threshold may cost on clean (calibration) text.
COST = 0.002


def one_kb_docs(test_dir):
    """Documents of ~1 KB: consecutive test sentences of one language."""
    docs = []
    for lang in EU:
        cur = ""
        for s in read(test_dir, lang):
            cur = f"{cur} {s}".strip()
            if len(cur.encode()) >= 1000:
                docs.append(cur)
                cur = ""
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("test_dir")
    ap.add_argument("calibrate_dir")
    ap.add_argument("work")
    ap.add_argument("--lid176", default="models/lid.176.ftz")
    ap.add_argument("--fasttext-model", action="append", default=[], help="GlotLID/OpenLID .bin")
    ap.add_argument("--no-heliport", action="store_true")
    ap.add_argument(
        "--refine-model",
        action="append",
        default=[],
        help="another second-stage model (eurocurate lid train) to compare, as language_id's refine_model",
    )
    ap.add_argument("--quick", action="store_true", help="accuracy of the stage only: no lid.176, heliport, speed, curve")
    ap.add_argument("--curve-only", action="store_true", help="only the lid_threshold curve on the calibrate split")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.curve_only:
        threshold_curve(args.binary, args.work, args.calibrate_dir)
        return

    docs, gold = [], {}
    for lang in EU + NEIGHBOURS:
        for j, s in enumerate(read(args.test_dir, lang)):
            docs.append((f"{lang}:{j}", s))
            gold[f"{lang}:{j}"] = lang
    n_short = sum(len(s) < 100 for _, s in docs)
    print(f"# Language-ID bench: {len(docs)} test sentences ({n_short / len(docs):.0%} under 100 characters) from {args.test_dir}\n")

    results = []
    out, _ = run_pipeline(args.binary, args.work, "default", docs, {"kind": "language_id"})
    results.append(score("language_id (defaults)", {i: r.get("lang") for i, r in out.items()}, gold))
    for j, path in enumerate(args.refine_model):
        stage = {"kind": "language_id", "refine_model": os.path.abspath(path)}
        out, _ = run_pipeline(args.binary, args.work, f"refine-{j}", docs, stage)
        results.append(score(f"language_id refine_model {os.path.basename(path)}", {i: r.get("lang") for i, r in out.items()}, gold))
    if args.quick:
        print_table(results, None)
        return
    out, _ = run_pipeline(args.binary, args.work, "no-refine", docs, {"kind": "language_id", "refine": False})
    results.append(score("language_id refine:false (before)", {i: r.get("lang") for i, r in out.items()}, gold))

    import fasttext  # fasttext-predict

    speed_docs = one_kb_docs(args.test_dir)
    speed = {}
    for name, path in [("lid.176 argmax", args.lid176)] + [(f"fastText {os.path.basename(p)} argmax", p) for p in args.fasttext_model]:
        m = fasttext.load_model(path)
        labels = {}
        for i, t in docs:
            labels[i] = iso(m.predict(t.replace("\n", " "), k=1)[0][0])
        results.append(score(name, labels, gold))
        t0 = time.process_time()
        for d in speed_docs:
            m.predict(d, k=1)
        speed[name] = len(speed_docs) / (time.process_time() - t0)

    if not args.no_heliport:
        from heliport import Identifier

        h = Identifier()
        labels = {i: iso(h.identify(t)) for i, t in docs}
        results.append(score("heliport", labels, gold))
        t0 = time.process_time()
        for d in speed_docs:
            h.identify(d)
        speed["heliport"] = len(speed_docs) / (time.process_time() - t0)

    print_table(results, None)

    # Speed: the stage's CPU time on 1 KB documents minus a pipeline without stages.
    sd = [(f"s{j}", d) for j, d in enumerate(speed_docs)] * 3
    _, base = run_pipeline(args.binary, args.work, "speed-base", sd, None)
    _, with_stage = run_pipeline(args.binary, args.work, "speed-default", sd, {"kind": "language_id"})
    _, before = run_pipeline(args.binary, args.work, "speed-before", sd, {"kind": "language_id", "refine": False})
    print(f"\n## Speed per core on {len(speed_docs)} documents of ~1 KB (load average {os.getloadavg()[0]:.1f})\n")
    print("| system | documents/s per core |")
    print("|---|---|")
    print(f"| language_id (defaults) | {len(sd) / max(with_stage - base, 1e-9):.0f} |")
    print(f"| language_id refine:false (before) | {len(sd) / max(before - base, 1e-9):.0f} |")
    for name, v in speed.items():
        print(f"| {name} (Python) | {v:.0f} |")

    threshold_curve(args.binary, args.work, args.calibrate_dir)


if __name__ == "__main__":
    main()
