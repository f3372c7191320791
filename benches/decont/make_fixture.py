#!/usr/bin/env python3
"""Samples the committed decontamination fixture from the full test set
(make_items.py's output): per language the first ITEMS items with their four
planted documents, and CLEAN clean documents. Writes fixtures/decont/.

usage: make_fixture.py FULL_DIR OUT_DIR [ITEMS] [CLEAN]
"""
import json
import sys
from collections import defaultdict
from pathlib import Path

import subprocess


def main(full, out, n_items=6, n_clean=20):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    by_lang = defaultdict(list)
    for line in open(Path(full) / "items.jsonl", encoding="utf-8"):
        it = json.loads(line)
        by_lang[it["lang"]].append(it)
    keep = {it["id"] for items in by_lang.values() for it in items[:n_items]}
    with open(out / "items.jsonl", "w", encoding="utf-8") as f:
        for items in by_lang.values():
            for it in items[:n_items]:
                f.write(json.dumps(it, ensure_ascii=False) + "\n")
    clean = defaultdict(int)
    lines = []
    for line in open(Path(full) / "docs.jsonl", encoding="utf-8"):
        d = json.loads(line)
        if d.get("gold_item"):
            if d["gold_item"] in keep:
                lines.append(line)
        elif clean[d["lang"]] < n_clean:
            clean[d["lang"]] += 1
            lines.append(line)
    (out / "docs.jsonl").write_text("".join(lines), encoding="utf-8")
    subprocess.run(["zstd", "-q", "-19", "-f", "--rm", str(out / "docs.jsonl")], check=True)
    print(f"{len(keep)} items, {len(lines)} documents")


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], a[1], *(int(x) for x in a[2:]))
