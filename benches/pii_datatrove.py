"""Times datatrove's PIIFormatter on a JSONL file of documents, one core.

Used by pii-vs-datatrove.sh; prints MB/s and docs/s per CPU-second.
"""
import json
import sys
import time

from datatrove.pipeline.formatters import PIIFormatter


def main(path):
    texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8")]
    size = sum(len(t.encode("utf-8")) for t in texts)
    fmt = PIIFormatter()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    changed = 0
    for t in texts:
        if fmt.format(t) != t:
            changed += 1
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(
        f"datatrove PIIFormatter  {len(texts)} docs, {size / 1e6:.1f} MB in {wall:.2f} s ({cpu:.2f} s cpu): "
        f"{size / 1e6 / cpu:.1f} MB/s per core, {len(texts) / cpu:.0f} docs/s per core; {changed} documents changed"
    )
    print(f"RESULT datatrove_mb_per_core={size / 1e6 / cpu:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
