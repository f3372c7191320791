"""Tokenization: builds the multilingual corpus, and times datatrove's
DocumentTokenizer on it (used by tokenize-vs-datatrove.sh).

    tokenize_datatrove.py corpus SENTENCES_DIR OUT.jsonl MB
        documents of 5-15 real sentences (Leipzig, 23 languages), `lang` set
    tokenize_datatrove.py run CORPUS.jsonl TOKENIZER.json EOS WORKDIR
        JsonlReader -> DocumentTokenizer, one task, one worker (fork, so the
        worker's CPU time is counted)
"""
import glob
import json
import os
import random
import resource
import shutil
import sys
import time


def corpus(sent_dir, out, mb):
    langs = {}
    for f in sorted(glob.glob(os.path.join(sent_dir, "*.txt"))):
        iso = os.path.basename(f)[:-4]
        if len(iso) == 2:
            langs[iso] = [l.strip() for l in open(f, encoding="utf-8") if l.strip()]
    rng = random.Random(7)
    size, n = 0, 0
    with open(out, "w", encoding="utf-8") as fh:
        while size < mb * 1_000_000:
            iso = rng.choice(sorted(langs))
            text = " ".join(rng.choice(langs[iso]) for _ in range(rng.randint(5, 15)))
            fh.write(json.dumps({"id": f"t{n}", "text": text, "lang": iso}, ensure_ascii=False) + "\n")
            size += len(text.encode())
            n += 1
    print(f"corpus: {n} documents, {size / 1e6:.1f} MB, {len(langs)} languages -> {out}")


def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def peak_rss_mb():
    """Largest peak RSS of this process and its waited-for children (the
    forked worker), in MB (ru_maxrss is in KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) * 1024 / 1e6


def run(corpus_path, tok, eos, work):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.tokens import DocumentTokenizer

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "in"))
    shutil.copy(corpus_path, os.path.join(work, "in", "corpus.jsonl"))
    size = os.path.getsize(corpus_path)
    ex = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(os.path.join(work, "in"), glob_pattern="*.jsonl"),
            DocumentTokenizer(os.path.join(work, "out"), tokenizer_name_or_path=tok, eos_token=eos),
        ],
        tasks=1,
        workers=1,
        logging_dir=os.path.join(work, "logs"),
        start_method="fork",
    )
    cpu0, wall0 = cpu(), time.perf_counter()
    ex.run()
    c, wall = cpu() - cpu0, time.perf_counter() - wall0
    tokens = 0
    for f in glob.glob(os.path.join(work, "out", "*.ds.metadata")):
        first = open(f).read().split("\n")
        tokens += int(first[1]) if len(first) > 1 and first[1].isdigit() else 0
    if tokens == 0:
        tokens = sum(os.path.getsize(f) for f in glob.glob(os.path.join(work, "out", "*.ds"))) // 2
    print(
        f"  datatrove   DocumentTokenizer, 1 worker: {wall:.2f}s wall, {c:.2f}s cpu: {tokens / c:,.0f} tokens/s per core, "
        f"{size / 1e6 / c:.2f} MB/s per core; {tokens} tokens; peak RSS {peak_rss_mb():.0f} MB"
    )
    print(f"RESULT datatrove_tokens_per_core={tokens / c:.3f}")


if __name__ == "__main__":
    if sys.argv[1] == "corpus":
        corpus(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        run(*sys.argv[2:6])
