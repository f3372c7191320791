"""Croatian vs Bosnian vs Serbian (Latin): the trade-off curve of a
discriminative classifier, to bound what any second stage can reach.

Two classifiers, both multinomial logistic regression over TF-IDF character
1-5-grams (within words) and words, with class-balanced weights, each with
a bias added to Croatian swept from -1 to 4:
  oracle - 5-fold cross-validation on the TEST sentences themselves
           (in-domain: trained on 80% of the MediaWiki/Firefox sentences of
           the three languages, scored on the other 20%). No shipped model
           learns from it; it only shows how separable this text is at best.
  train  - trained on the train split (the shipped model's permissive
           text), scored on the test sentences: what a discriminative
           sub-model trained like the n-gram model would reach.
Prints, per bias, Croatian recall and the share of Bosnian and Serbian
sentences labelled Croatian.

Usage (numpy and scikit-learn in a venv, bench only):
  python3 -m venv target/bench-venv-hbs && target/bench-venv-hbs/bin/pip install numpy scikit-learn
  target/bench-venv-hbs/bin/python benches/lid/hbs_oracle.py target/lid-data
"""

import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_union

LANGS = ["hr", "bs", "sr"]


def read(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def load(data, part):
    x, y = [], []
    for i, lang in enumerate(LANGS):
        t = read(f"{data}/{part}/{lang}.txt")
        x += t
        y += [i] * len(t)
    return x, np.array(y)


def fit(x, y):
    vec = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="word", sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
    )
    model = LogisticRegression(C=10, max_iter=3000, class_weight="balanced").fit(vec.fit_transform(x), y)
    return lambda texts: model.decision_function(vec.transform(texts))


def curve(name, scores, y):
    print(f"\n### {name}\n")
    print("| Croatian bias | hr recall | bs labelled hr | sr labelled hr |")
    print("|---|---|---|---|")
    for b in np.arange(-1, 4.01, 0.5):
        q = scores.copy()
        q[:, 0] += b
        p = q.argmax(1)
        print(f"| {b:+.1f} | {(p[y == 0] == 0).mean():.3f} | {(p[y == 1] == 0).mean():.3f} | {(p[y == 2] == 0).mean():.3f} |")


def main():
    data = sys.argv[1]
    x, y = load(data, "test")
    scores = np.zeros((len(x), len(LANGS)))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        scores[te] = fit([x[i] for i in tr], y[tr])([x[i] for i in te])
    curve("oracle: 5-fold cross-validation on the test sentences", scores, y)
    xt, yt = load(data, "train")
    curve("trained on the train split, scored on the test sentences", fit(xt, yt)(x), y)


if __name__ == "__main__":
    main()
