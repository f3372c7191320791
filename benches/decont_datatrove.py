"""datatrove's n-gram decontamination on the decontamination test set.

Used by decont-vs-datatrove.sh. Same items and documents as eurocurate's run.

datatrove's `NGramsDecontIndexer.run` loads its items from lighteval tasks on
the Hugging Face Hub, out of reach offline. What is replaced: only that
loading. Each item goes through the indexer's own `compute_hashes(label,
query)` (label = the gold answer text, query = passage + question, the way
lighteval hands a multiple-choice or QA document to it), and the hashes are
written per task (benchmark) exactly as `run` writes them
(`<task>.index.hashes`); lighteval itself is not installed (the indexer's
dependency check is told so). The filter is datatrove's `NGramsDecontFilter`
unchanged, with its defaults (12-grams, n-grams of the label and across the
query/label boundary; `--query` adds query-only n-grams). Items and documents
are split into words by datatrove's word tokenizer of their language (spaCy's
rule-based tokenizers, no model download): one indexer and one filter per
language, all reading the same index.

CPU time is this process's user+sys around the filter loop (index loading
timed apart), calling the filter directly without datatrove's executor —
which favours datatrove.
"""
import json
import os
import resource
import shutil
import sys
from collections import defaultdict

import numpy as np
from datatrove.data import Document
from datatrove.pipeline.decont import NGramsDecontConfig, NGramsDecontFilter, NGramsDecontIndexer

# lighteval is needed only by the Hub loading replaced here; the indexer's
# dependency check would refuse to start without it.
NGramsDecontIndexer._requires_dependencies = []


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def gold_text(item):
    ans = item.get("answer")
    choices = item.get("choices")
    if choices:
        if isinstance(ans, int):
            return choices[ans]
        if isinstance(ans, str) and len(ans) == 1 and "A" <= ans <= "Z":
            return choices[ord(ans) - 65]
    return str(ans)


def main(items_path, docs_path, work, find_query):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    config = NGramsDecontConfig(find_query_ngrams=find_query)
    indexers = {}
    hashes = defaultdict(set)
    t0 = cpu()
    for line in open(items_path, encoding="utf-8"):
        item = json.loads(line)
        lang = item["lang"]
        if lang not in indexers:
            indexers[lang] = NGramsDecontIndexer(output_folder=work, lighteval_tasks=[], config=config, language=lang)
        query = " ".join(x for x in [item.get("passage", ""), item["question"]] if x)
        hashes[item["benchmark"]].update(indexers[lang].compute_hashes(gold_text(item), query))
    dtype = config.hash_config.np_descr
    for task, h in hashes.items():
        with open(os.path.join(work, f"{task}.index.hashes"), "wb") as f:
            np.array(list(h), dtype=dtype).tofile(f)
    build = cpu() - t0
    docs = [json.loads(l) for l in open(docs_path, encoding="utf-8")]
    filters = {}
    t0 = cpu()
    shared = None
    for lang in sorted({d["lang"] for d in docs}):
        filters[lang] = NGramsDecontFilter(index_folder=work, config=config, language=lang)
        if shared is None:
            filters[lang].load_index_hashes()
            shared = filters[lang]._index_hashes
        filters[lang]._index_hashes = shared
    load = cpu() - t0
    by_lang = defaultdict(lambda: [0, 0, 0, 0])
    by_variant = defaultdict(lambda: [0, 0])
    t0 = cpu()
    flagged = []
    for d in docs:
        doc = Document(text=d["text"], id=d["id"], metadata={})
        keep = filters[d["lang"]].filter(doc)
        keep = keep if isinstance(keep, bool) else keep[0]
        flagged.append((not keep, doc.metadata.get("contaminated_task")))
    secs = cpu() - t0
    for d, (hit, task) in zip(docs, flagged):
        t = by_lang[d["lang"]]
        if d.get("gold_item"):
            t[0] += 1
            # datatrove names the task, not the item: found when flagged for the item's benchmark
            found = hit and task == d["gold_benchmark"]
            t[1] += found
            v = by_variant[d["variant"]]
            v[0] += 1
            v[1] += found
        else:
            t[2] += 1
            t[3] += hit
    print(f"datatrove ({'label+overlap+query' if find_query else 'label+overlap, its defaults'}; 12-grams):")
    print("  lang  planted  recall   clean  false_pos  fp_rate")
    worst, worst_fp = (None, 2.0), (None, -1.0)
    for lang, (p, f, c, fp) in sorted(by_lang.items()):
        r = f / p if p else float("nan")
        fr = fp / c if c else float("nan")
        print(f"  {lang:<4} {p:>8}  {r:>6.4f}  {c:>6}  {fp:>9}  {fr * 100:>6.4f}%")
        if r < worst[1]:
            worst = (lang, r)
        if fr > worst_fp[1]:
            worst_fp = (lang, fr)
    for v, (p, f) in sorted(by_variant.items()):
        print(f"  variant {v:<7} recall {f / p:.4f} ({p} docs)")
    print(f"RESULT datatrove worst_recall={worst[1]:.4f} ({worst[0]}) worst_fp_rate={worst_fp[1] * 100:.4f}% ({worst_fp[0]})")
    print(f"RESULT datatrove docs_per_cpu_second={len(docs) / secs:.0f} ({len(docs)} docs, filter only; index build {build:.2f} CPU-s, load {load:.2f} CPU-s)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "--query")
