"""Splits the train sources into OUT/train<SUFFIX>/<iso>.txt and OUT/calibrate<SUFFIX>/<iso>.txt.

Usage: split_train.py OUT SUFFIX SOURCES ISO...

SOURCES is a comma-separated list of folders under OUT/train-src (e.g.
`catalogues,cldr,leipzig`); SUFFIX is empty or `-gpl`.

A line goes to calibrate when the first hex digit of its SHA-1 is 0, 1 or 2
(3/16 of the lines), else to train,
Serbian in Latin script (`sr`) gets the Leipzig Serbian (Cyrillic) transliterated, so the split is stable across runs and
machines. Word-list lines (tesseract) only train. Prints per-language counts.
"""

import hashlib
import os
import sys


def lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []


# Serbian Cyrillic to Latin (gaj): the Latin class is trained on the
# transliterated Cyrillic text, as no source has Serbian Latin sentences.
CYR = dict(zip("абвгдђежзијклљмнњопрстћуфхцчџшАБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ",
               "a b v g d đ e ž z i j k l lj m n nj o p r s t ć u f h c č dž š A B V G D Đ E Ž Z I J K L Lj M N Nj O P R S T Ć U F H C Č Dž Š".split()))


def latin(s):
    return "".join(CYR.get(c, c) for c in s)


def main():
    out, suffix, sources, langs = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4:]
    os.makedirs(f"{out}/train{suffix}", exist_ok=True)
    os.makedirs(f"{out}/calibrate{suffix}", exist_ok=True)
    print("lang\t" + "\t".join(sources) + "\ttesseract_words\ttrain_lines\tcalibrate_lines")
    for iso in langs:
        per_source = []
        for src in sources:
            got = lines(f"{out}/train-src/{src}/{iso}.txt")
            if iso == "sr" and src == "leipzig":
                got = [latin(s) for s in lines(f"{out}/train-src/leipzig/sr_cyrl.txt")]
            per_source.append(got)
        words = lines(f"{out}/train-src/tesseract/{iso}.txt")
        train, cal = [], []
        for s in (s for got in per_source for s in got):
            (cal if hashlib.sha1(s.encode()).hexdigest()[0] in "012" else train).append(s)
        train += words
        with open(f"{out}/train{suffix}/{iso}.txt", "w", encoding="utf-8") as f:
            f.writelines(s + "\n" for s in train)
        with open(f"{out}/calibrate{suffix}/{iso}.txt", "w", encoding="utf-8") as f:
            f.writelines(s + "\n" for s in cal)
        counts = "\t".join(str(len(g)) for g in per_source)
        print(f"{iso}\t{counts}\t{len(words)}\t{len(train)}\t{len(cal)}")


if __name__ == "__main__":
    main()
