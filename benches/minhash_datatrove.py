"""Runs datatrove's four MinHash steps on a JSONL corpus and times them.

Used by minhash-vs-datatrove.sh. Same parameters as eurocurate's defaults
(5-grams, 14 buckets x 8 hashes, 64-bit), datatrove's own English word
tokenizer (spaCy's rule-based `blank("en")`, no model download).

CPU time is user+sys of this process and of every worker process
(RUSAGE_CHILDREN). Workers are started with `fork` rather than datatrove's
default `forkserver`, whose workers are children of the fork server and
escape RUSAGE_CHILDREN; fork also spares each task the imports, so it
favours datatrove.
"""
import json
import os
import resource
import shutil
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import (
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.hashing import HashConfig


def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def main(corpus, work, tasks, workers):
    shutil.rmtree(work, ignore_errors=True)
    shards = os.path.join(work, "input")
    os.makedirs(shards)
    outs = [open(os.path.join(shards, f"part-{i:02d}.jsonl"), "w") for i in range(tasks)]
    lines = open(corpus, encoding="utf-8").readlines()
    per = (len(lines) + tasks - 1) // tasks
    for i, line in enumerate(lines):
        outs[i // per].write(line)
    for o in outs:
        o.close()
    size = sum(len(json.loads(l)["text"].encode()) for l in lines)

    config = MinhashConfig(hash_config=HashConfig(precision=64))
    reader = lambda: JsonlReader(shards, glob_pattern="*.jsonl", text_key="text", id_key="id")
    logs = os.path.join(work, "logs")
    s1 = LocalPipelineExecutor(
        pipeline=[reader(), MinhashDedupSignature(output_folder=f"{work}/sigs", config=config)],
        tasks=tasks, workers=workers, logging_dir=f"{logs}/1", start_method="fork",
    )
    s2 = LocalPipelineExecutor(
        pipeline=[MinhashDedupBuckets(input_folder=f"{work}/sigs", output_folder=f"{work}/buckets", config=config)],
        tasks=config.num_buckets, workers=workers, logging_dir=f"{logs}/2", depends=s1, start_method="fork",
    )
    s3 = LocalPipelineExecutor(
        pipeline=[MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove", config=config)],
        tasks=1, logging_dir=f"{logs}/3", depends=s2, start_method="fork",
    )
    s4 = LocalPipelineExecutor(
        pipeline=[
            reader(),
            MinhashDedupFilter(input_folder=f"{work}/remove", exclusion_writer=JsonlWriter(f"{work}/removed", compression=None)),
            JsonlWriter(f"{work}/output", compression=None),
        ],
        tasks=tasks, workers=workers, logging_dir=f"{logs}/4", depends=s3, start_method="fork",
    )
    cpu0, wall0 = cpu(), time.perf_counter()
    s4.run()
    c, wall = cpu() - cpu0, time.perf_counter() - wall0
    removed = sum(1 for f in os.listdir(f"{work}/removed") for _ in open(os.path.join(f"{work}/removed", f)))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3
    print(
        f"  datatrove  {tasks} tasks: {wall:.2f}s wall, {c:.2f}s cpu: {len(lines) / c:.0f} docs/s per core, "
        f"{size / 1e6 / c:.1f} MB/s per core (all four steps); largest worker peak RSS {peak:.0f} MB; removed {removed} documents"
    )
    print(f"RESULT datatrove_docs_per_core={len(lines) / c:.3f} removed={removed}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
