"""Splits the train sources into OUT/train/<iso>.txt and OUT/calibrate/<iso>.txt.

Usage: split_train.py OUT ISO...

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
    out, langs = sys.argv[1], sys.argv[2:]
    os.makedirs(f"{out}/train", exist_ok=True)
    os.makedirs(f"{out}/calibrate", exist_ok=True)
    print("lang\tgettext\tleipzig\ttesseract_words\ttrain_lines\tcalibrate_lines")
    for iso in langs:
        src = iso
        ff = lines(f"{out}/train-src/gettext/{src}.txt")
        lz = lines(f"{out}/train-src/leipzig/{src}.txt")
        if iso == "sr":
            lz = [latin(s) for s in lines(f"{out}/train-src/leipzig/sr_cyrl.txt")]
        words = lines(f"{out}/train-src/tesseract/{iso}.txt")
        train, cal = [], []
        for s in ff + lz:
            (cal if hashlib.sha1(s.encode()).hexdigest()[0] in "012" else train).append(s)
        train += words
        with open(f"{out}/train/{iso}.txt", "w", encoding="utf-8") as f:
            f.writelines(s + "\n" for s in train)
        with open(f"{out}/calibrate/{iso}.txt", "w", encoding="utf-8") as f:
            f.writelines(s + "\n" for s in cal)
        print(f"{iso}\t{len(ff)}\t{len(lz)}\t{len(words)}\t{len(train)}\t{len(cal)}")


if __name__ == "__main__":
    main()
