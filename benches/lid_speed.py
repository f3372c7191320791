"""Language-ID speed on 1 KB documents in the 24 EU languages, one core:
the `language_id` stage as it was when issue #23 was filed (lid.176 through
the C++ `fasttext` crate, no second stage: an older eurocurate binary), the
stage of the binary under test with its defaults, and heliport (PyPI, its
CLI, one thread). Run by benches/lid-speed.sh, which builds the binaries and
the venv.

Every system runs as its own process over the same documents; the process's
CPU seconds (user + system, from wait4) are measured once over all documents
and once over the first document only, so start-up (model loading, Python's
import) is taken out: documents/s per core = (N - 1) / (CPU(N) - CPU(1)).
Each measurement is the median of --runs runs; the systems alternate within
a run so a change of machine load touches them alike. Peak RSS is the
process's maximum resident set over the N documents.

Usage: lid_speed.py --work DIR --heldout DIR --mt FILE --system NAME=KIND:ARGS ...
  KIND eurocurate: ARGS = binary path, then optional stage parameters as JSON
  KIND heliport:   ARGS = path of the heliport command
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys

EU = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()


def sentences(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []


def one_kb_docs(heldout, mt_file, per_lang, min_bytes):
    """Consecutive sentences of one language joined by newlines until the
    document reaches `min_bytes` (so 1.0-1.2 KB each), at most `per_lang`
    documents per language, in file order. Returns [(lang, text)] and the
    per-language source of the sentences."""
    docs, sources = [], {}
    for lang in EU:
        path = mt_file if lang == "mt" else os.path.join(heldout, f"{lang}.txt")
        sources[lang] = path
        cur, n = [], 0
        for s in sentences(path):
            cur.append(s)
            if len("\n".join(cur).encode()) >= min_bytes:
                docs.append((lang, "\n".join(cur)))
                cur, n = [], n + 1
                if n == per_lang:
                    break
    return docs, sources


def run_measured(cmd, stdin_path=None):
    """Runs cmd; returns (CPU seconds, peak RSS in MB) of that process and
    its children (wait4 of the direct child; our binaries do not fork)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdin_path:
            stdin.close()
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {err.decode(errors='replace')[-2000:]}")
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


class Eurocurate:
    """`eurocurate run` of a pipeline with one `language_id` stage (or none)."""

    def __init__(self, name, work, binary, stage):
        self.name, self.work, self.binary, self.stage = name, work, binary, stage

    def prepare(self, docs):
        self.inputs = {}
        for tag, subset in (("all", docs), ("one", docs[:1])):
            d = os.path.join(self.work, "systems", re.sub(r"[^A-Za-z0-9.-]+", "_", self.name), tag)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "in.jsonl"), "w", encoding="utf-8") as f:
                for i, (lang, text) in enumerate(subset):
                    f.write(json.dumps({"id": f"{lang}-{i}", "text": text}, ensure_ascii=False) + "\n")
            cfg = {
                "name": "lid-speed",
                "input": {"kind": "jsonl", "paths": [os.path.join(d, "in.jsonl")]},
                "stages": [self.stage] if self.stage is not None else [],
                "output": {"kind": "jsonl", "path": os.path.join(d, "out")},
                "executor": {"kind": "local", "tasks": 1},
            }
            with open(os.path.join(d, "p.yaml"), "w", encoding="utf-8") as f:
                json.dump(cfg, f)  # YAML is a superset of JSON
            self.inputs[tag] = os.path.join(d, "p.yaml")

    def measure(self, tag):
        return run_measured([self.binary, "-q", "run", self.inputs[tag], "--restart", "--workers", "1"])


class Heliport:
    """heliport's CLI, one document a line, no worker threads (`-j 0`)."""

    def __init__(self, name, work, command):
        self.name, self.work, self.command = name, work, command

    def prepare(self, docs):
        self.inputs = {}
        d = os.path.join(self.work, "systems", "heliport")
        os.makedirs(d, exist_ok=True)
        for tag, subset in (("all", docs), ("one", docs[:1])):
            path = os.path.join(d, f"{tag}.txt")
            with open(path, "w", encoding="utf-8") as f:
                for _, text in subset:
                    f.write(text.replace("\n", " ") + "\n")
            self.inputs[tag] = path

    def measure(self, tag):
        return run_measured([self.command, "-q", "identify", "-j", "0", self.inputs[tag], "/dev/null"])


def parse_system(spec, work):
    name, _, rest = spec.partition("=")
    kind, _, args = rest.partition(":")
    if kind == "eurocurate":
        binary, _, stage = args.partition(" ")
        stage = json.loads(stage) if stage.strip() else None
        return Eurocurate(name, work, binary, stage)
    if kind == "heliport":
        return Heliport(name, work, args)
    sys.exit(f"--system {spec}: kind must be eurocurate or heliport")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--heldout", required=True, help="folder of <iso>.txt sentences (role test)")
    ap.add_argument("--mt", required=True, help="Maltese sentences (the held-out manuals have none)")
    ap.add_argument("--per-lang", type=int, default=200)
    ap.add_argument("--min-bytes", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3, help="the timed run reads the documents this many times")
    ap.add_argument("--subject", help="the system the others are compared with (default: the first)")
    ap.add_argument("--system", action="append", required=True, help="NAME=eurocurate:BINARY [STAGE_JSON] | NAME=heliport:COMMAND")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    docs, sources = one_kb_docs(args.heldout, args.mt, args.per_lang, args.min_bytes)
    per_lang = {lang: sum(1 for l, _ in docs if l == lang) for lang in EU}
    missing = [lang for lang in EU if per_lang[lang] == 0]
    if missing:
        sys.exit(f"no documents for {' '.join(missing)}: run benches/heldout/fetch.sh and benches/lid/fetch-test.sh")
    mean_bytes = statistics.mean(len(t.encode()) for _, t in docs)
    systems = [parse_system(s, args.work) for s in args.system]
    timed = docs * args.repeat
    for s in systems:
        s.prepare(timed)

    print(f"# language_id speed: {len(docs)} documents of {mean_bytes:.0f} bytes on average (>= {args.min_bytes}), 24 languages, read {args.repeat} times")
    print("# documents per language: " + " ".join(f"{l}={per_lang[l]}" for l in EU))
    print(f"# text: {args.heldout}/<iso>.txt (held-out manuals, role test); mt: {args.mt} (LID test sentences, role test)")
    print(f"# load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = {s.name: {"all": [], "one": [], "rss": []} for s in systems}
    for r in range(args.runs):
        for s in systems:
            cpu, rss = s.measure("all")
            one, _ = s.measure("one")
            results[s.name]["all"].append(cpu)
            results[s.name]["one"].append(one)
            results[s.name]["rss"].append(rss)
            print(f"#   run {r + 1} {s.name}: {cpu:.2f} CPU-s over all, {one:.2f} over one document, peak RSS {rss:.0f} MB", file=sys.stderr)
    print(f"# load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(f"| system | CPU-s, {len(timed)} docs (median of {args.runs}) | CPU-s, start-up (1 doc) | CPU-ms per document | documents/s per core | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    rates = {}
    for s in systems:
        res = results[s.name]
        all_, one = statistics.median(res["all"]), statistics.median(res["one"])
        per_doc = max(all_ - one, 1e-9) / (len(timed) - 1)
        rates[s.name] = 1.0 / per_doc
        print(f"| {s.name} | {all_:.2f} | {one:.2f} | {1000 * per_doc:.3f} | {rates[s.name]:.0f} | {max(res['rss']):.0f} |")
        print(f"RESULT {s.name.split()[0]} docs_per_core={rates[s.name]:.1f} peak_rss_mb={max(res['rss']):.0f}", file=sys.stderr)
    subject = args.subject or systems[0].name
    if subject not in rates:
        sys.exit(f"--subject {subject}: no such --system")
    print()
    for n, r in rates.items():
        if n != subject:
            print(f"{subject} / {n}: {rates[subject] / r:.2f}x per core")


if __name__ == "__main__":
    main()
