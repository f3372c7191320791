#!/usr/bin/env python3
"""Writes the quality-threshold block of every langs/<iso>.yaml from
FineWeb-2's per-language filtering configuration.

FineWeb-2 (github.com/huggingface/fineweb-2, Apache-2.0) derived one
configuration per language from CommonCrawl: configs/<iso639-3>_<Script>.yml.
fineweb-2-pipeline.py applies them with constants that are not in the files:
GopherRepetition with dup_para_frac, dup_line_char_frac and
dup_para_char_frac off; FineWebQuality with short_line_thr off and
char_duplicates_ratio 0.1; GopherQuality with min_stop_words 2 (its other
thresholds at their defaults); no C4 filter. Both are written here, so a
langs file reads the same as FineWeb-2's filter for that language.

`language_score` is a GlotLID score; it is not copied into `lid_threshold`
(eurocurate runs another model, see langs/README.md).

English keeps FineWeb's own values (datatrove's defaults; C4 with
filter_no_terminal_punct off), as FineWeb-2 does.

    scripts/langs_fineweb2.py PATH/TO/fineweb-2-checkout
"""
import json
import os
import subprocess
import sys


CONFIGS = {
    "bg": "bul_Cyrl", "cs": "ces_Latn", "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek",
    "es": "spa_Latn", "et": "ekk_Latn", "fi": "fin_Latn", "fr": "fra_Latn", "ga": "gle_Latn",
    "hr": "hrv_Latn", "hu": "hun_Latn", "it": "ita_Latn", "lt": "lit_Latn", "lv": "lvs_Latn",
    "mt": "mlt_Latn", "nl": "nld_Latn", "pl": "pol_Latn", "pt": "por_Latn", "ro": "ron_Latn",
    "sk": "slk_Latn", "sl": "slv_Latn", "sv": "swe_Latn",
}
MARKER = "# --- quality thresholds"
EU24 = sorted(list(CONFIGS) + ["en"])


def q(v):
    # Every entry quoted: `y`, `no`, `on` are booleans to some YAML readers.
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


def block(lang, cfg, source):
    lines = [
        "# --- quality thresholds (scripts/langs_fineweb2.py) ---",
        f"# {source}",
        "# Applied as fineweb-2-pipeline.py applies them; `langs show "
        + lang
        + "` prints every effective value.",
        "quality:",
        "  gopher_repetition:",
        f"    dup_line_frac: {cfg['dup_line_frac']}",
        "    dup_para_frac: 0  # off in FineWeb-2",
        "    dup_line_char_frac: 0  # off in FineWeb-2 (fineweb_quality's char_duplicates_ratio covers it)",
        "    dup_para_char_frac: 0  # off in FineWeb-2",
    ]
    for n, v in cfg["top_n_grams"]:
        lines.append(f"    top_{n}_gram: {v}")
    for n, v in cfg["dup_n_grams"]:
        lines.append(f"    dup_{n}_gram: {v}")
    lines += [
        "  fineweb_quality:",
        f"    line_punct_thr: {cfg['line_punct_thr']}",
        f"    new_line_ratio: {cfg['new_line_ratio']}",
        "    short_line_thr: 999  # off in FineWeb-2",
        "    char_duplicates_ratio: 0.1  # FineWeb-2's value (FineWeb English: 0.01)",
        "  gopher_quality:",
        f"    min_avg_word_length: {cfg['min_avg_word_length']}",
        f"    max_avg_word_length: {cfg['max_avg_word_length']}",
        f"    max_non_alpha_words_ratio: {cfg['max_non_alpha_words_ratio']}",
        "    min_stop_words: 2",
        f"    stop_words: {q(cfg['stopwords'])}",
    ]
    return "\n".join(lines) + "\n"


ENGLISH = """# --- quality thresholds (scripts/langs_fineweb2.py) ---
# FineWeb (English): datatrove's defaults for gopher_repetition, gopher_quality
# and fineweb_quality; C4 with filter_no_terminal_punct off, as FineWeb runs it.
quality:
  c4_quality:
    terminal_punctuation: [".", "?", "!", "\\"", "'"]
    filter_no_terminal_punct: false
    min_num_sentences: 5  # C4's own; langs/defaults.yaml turns it off for the other languages
"""


def main():
    import yaml  # only the writer needs it; CONFIGS is imported by benches

    repo = sys.argv[1]
    commit = subprocess.run(
        ["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip() or "unknown"
    root = os.path.join(os.path.dirname(__file__), "..", "langs")
    for lang in EU24:
        path = os.path.join(root, f"{lang}.yaml")
        text = open(path, encoding="utf-8").read()
        tail = ""
        if MARKER in text:
            # This block only: up to the next `# --- ` block (rules) or the end.
            a = text.index(MARKER)
            b = text.find("\n# --- ", a + len(MARKER))
            text, tail = text[:a], (text[b + 1:] if b >= 0 else "")
        if lang == "en":
            new = ENGLISH
        else:
            name = CONFIGS[lang]
            rel = f"configs/{name}.yml"
            raw = subprocess.run(
                ["git", "-C", repo, "show", f"HEAD:{rel}"], capture_output=True, text=True, check=True
            ).stdout
            cfg = yaml.safe_load(raw)
            source = f"FineWeb-2 (huggingface/fineweb-2, Apache-2.0) {rel} at commit {commit[:12]}"
            new = block(lang, cfg, source)
        open(path, "w", encoding="utf-8").write(text.rstrip() + "\n\n" + new + ("\n" + tail if tail else ""))
        print(f"{lang}: written")


if __name__ == "__main__":
    main()
