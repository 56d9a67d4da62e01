"""Reference values for the score package's ranking, correlation and Kaggle-defined metrics.

Usage: python3 kaggle_reference.py MANIFEST.json

Same manifest and output as sklearn_reference.py, but "func" names a function of this file: each
implements a competition's published definition in plain Python and numpy, or calls scipy.stats or
scikit-learn where the metric is theirs. A function returns a float; NaN is reported as an error
("nan"), as are the ValueErrors of the libraries.
"""
import ast
import json
import math
import sys
import warnings

import numpy as np
from scipy import stats
from sklearn import metrics
from sklearn.preprocessing import MultiLabelBinarizer


def load(arg):
    if arg["kind"] == "strings":
        return list(arg["values"])
    dtype = {"f64": "<f8", "i64": "<i8"}[arg["kind"]]
    return np.fromfile(arg["path"], dtype=dtype).reshape(arg["shape"])


# --- ranking -----------------------------------------------------------------------------------

def apk(actual, predicted, k):
    # ml_metrics.average_precision.apk, the definition Kaggle's MAP@K pages link to.
    if len(predicted) > k:
        predicted = predicted[:k]
    score = 0.0
    num_hits = 0.0
    for i, p in enumerate(predicted):
        if p in actual and p not in predicted[:i]:
            num_hits += 1.0
            score += num_hits / (i + 1.0)
    if not actual:
        return 0.0
    return score / min(len(actual), k)


def map_at_k(actual, predicted, k):
    return float(np.mean([apk(a.split(), p.split(), k) for a, p in zip(actual, predicted)]))


def ndcg_at_k(actual, predicted, k):
    out = []
    for a, p in zip(actual, predicted):
        rel = set(a.split())
        if not rel:
            out.append(0.0)
            continue
        seen = set()
        dcg = 0.0
        for j, item in enumerate(p.split()[:k]):
            if item in rel and item not in seen:
                dcg += 1.0 / math.log2(j + 2)
            seen.add(item)
        ideal = sum(1.0 / math.log2(j + 2) for j in range(min(len(rel), k)))
        out.append(dcg / ideal)
    return float(np.mean(out))


# --- correlations ------------------------------------------------------------------------------

def spearmanr(x, y):
    return stats.spearmanr(x, y).statistic


def pearsonr(x, y):
    return stats.pearsonr(x, y).statistic


def kendalltau(x, y):
    return stats.kendalltau(x, y).statistic


def spearman_rows(x, y, undefined_as=None):
    out = []
    for a, b in zip(x, y):
        r = stats.spearmanr([float(v) for v in a.split()], [float(v) for v in b.split()]).statistic
        if math.isnan(r) and undefined_as is not None:
            r = undefined_as
        out.append(r)
    return float(np.mean(out))


def ai4code_tau(actual, predicted):
    # Kaggle's AI4Code metric: inversions of the predicted order, pooled over notebooks.
    inversions = 0
    pairs = 0
    for a, p in zip(actual, predicted):
        truth = a.split()
        pos = {c: i for i, c in enumerate(truth)}
        ranks = [pos[c] for c in p.split()]
        inversions += sum(1 for i in range(len(ranks)) for j in range(i + 1, len(ranks)) if ranks[i] > ranks[j])
        pairs += len(truth) * (len(truth) - 1)
    if pairs == 0:
        return 1.0
    return 1 - 4 * (inversions / pairs)


# --- label sets, spans, points, masks ---------------------------------------------------------

def set_f1(actual, predicted, average, both_empty=0.0):
    t = [a.split() for a in actual]
    p = [b.split() for b in predicted]
    mlb = MultiLabelBinarizer()
    mlb.fit(t + p)
    yt, yp = mlb.transform(t), mlb.transform(p)
    score = metrics.f1_score(yt, yp, average=average)
    if average == "samples":
        empty = sum(1 for a, b in zip(t, p) if not a and not b)
        score = (score * len(t) + empty * both_empty) / len(t)
    return score


def char_span_f1(actual, predicted):
    def chars(s):
        s = s.strip()
        segments = ast.literal_eval(s) if s.startswith("[") else [s]
        out = set()
        for seg in segments:
            for span in seg.split(";"):
                if span.strip():
                    a, b = span.split()
                    out.update(range(int(a), int(b)))
        return out

    tp = fp = fn = 0
    for a, b in zip(actual, predicted):
        t, p = chars(a), chars(b)
        tp += len(t & p)
        fp += len(p - t)
        fn += len(t - p)
    denom = 2 * tp + fp + fn
    return 1.0 if denom == 0 else 2 * tp / denom


def point_in_box_f1(actual, predicted):
    tp = fp = fn = 0
    for a, b in zip(actual, predicted):
        ta, pb = a.split(), b.split()
        boxes = [[ta[j], float(ta[j + 1]), float(ta[j + 2]), float(ta[j + 3]), float(ta[j + 4]), False]
                 for j in range(0, len(ta), 5)]
        hits = 0
        for j in range(0, len(pb), 3):
            label, x, y = pb[j], float(pb[j + 1]), float(pb[j + 2])
            for bx in boxes:
                if not bx[5] and bx[0] == label and bx[1] <= x < bx[1] + bx[3] and bx[2] <= y < bx[2] + bx[4]:
                    bx[5] = True
                    hits += 1
                    break
        tp += hits
        fp += len(pb) // 3 - hits
        fn += len(boxes) - hits
    if tp == fp == fn == 0:
        return 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def rle_fbeta(actual, predicted, beta, empty_precision=1.0, empty_recall=1.0):
    def pixels(s):
        out = set()
        toks = [int(v) for v in s.split()]
        for j in range(0, len(toks), 2):
            out.update(range(toks[j], toks[j] + toks[j + 1]))
        return out

    scores = []
    b2 = beta ** 2
    for a, b in zip(actual, predicted):
        t, p = pixels(a), pixels(b)
        tp = len(t & p)
        precision = tp / len(p) if p else empty_precision
        recall = tp / len(t) if t else empty_recall
        denom = b2 * precision + recall
        scores.append((1 + b2) * precision * recall / denom if denom > 0 else 0.0)
    return float(np.mean(scores))


# --- AUC, log losses, LWLRAP --------------------------------------------------------------------

def weighted_auc(y, s, thresholds, weights):
    # Exact band areas under sklearn's ROC curve (every vertex kept), as piecewise-linear integrals.
    fpr, tpr, _ = metrics.roc_curve(y, s, drop_intermediate=False)
    total = 0.0
    for lo, hi, w in zip(thresholds[:-1], thresholds[1:], weights):
        area = 0.0
        for x0, x1, y0, y1 in zip(fpr[:-1], fpr[1:], tpr[:-1], tpr[1:]):
            if x1 == x0:
                continue
            # Split the segment where it crosses lo and hi, then integrate the clipped line exactly.
            cuts = [0.0, 1.0]
            if y1 != y0:
                cuts += [t for t in ((lo - y0) / (y1 - y0), (hi - y0) / (y1 - y0)) if 0 < t < 1]
            cuts.sort()
            for t0, t1 in zip(cuts[:-1], cuts[1:]):
                ya = min(max(y0 + t0 * (y1 - y0), lo), hi) - lo
                yb = min(max(y0 + t1 * (y1 - y0), lo), hi) - lo
                area += (x1 - x0) * (t1 - t0) * (ya + yb) / 2
        total += w * area
    norm = sum(w * (hi - lo) for lo, hi, w in zip(thresholds[:-1], thresholds[1:], weights))
    return total / norm


def roc_auc_truncated(y, s, thresholds, weights):
    # Kaggle's Flavours of Physics grader (evaluation.roc_auc_truncated), for tie-free scores.
    fpr, tpr, _ = metrics.roc_curve(y, s)
    area = 0.0
    for i in range(1, len(thresholds)):
        cut = np.minimum(tpr, thresholds[i])
        prev = np.minimum(tpr, thresholds[i - 1])
        area += weights[i - 1] * (metrics.auc(fpr, cut) - metrics.auc(fpr, prev))
    t = np.array(thresholds)
    return area / np.sum((t[1:] - t[:-1]) * np.array(weights))


def balanced_log_loss(y, p, eps):
    k = p.shape[1]
    s = p.sum(axis=1, keepdims=True)
    s[s == 0] = 1
    q = np.clip(p / s, eps, 1 - eps)
    total = 0.0
    for c in range(k):
        rows = y == c
        if rows.any():
            total += -np.sum(np.log(q[rows, c])) / rows.sum()
    return total / k


def rescaled_log_loss(y, p, eps):
    s = p.sum(axis=1, keepdims=True)
    s[s == 0] = 1
    q = np.clip(p / s, eps, 1 - eps)
    return -np.mean(np.log(q[np.arange(len(y)), y]))


def lwlrap(y, s):
    return metrics.label_ranking_average_precision_score(y, s, sample_weight=y.sum(axis=1))


def lwlrap_vectorised(y, s):
    # The same definition by broadcasting (rows x labels x labels), for many rows of few labels.
    at_least = s[:, None, :] >= s[:, :, None]  # [i, j, l]: label l scored at least as high as j
    rank = at_least.sum(axis=2)
    hits = (at_least & (y[:, None, :] == 1)).sum(axis=2)
    return np.sum((hits / rank)[y == 1]) / np.sum(y)


def lwlrap_kaggle(y, s):
    # The competition's published reference (per-sample positive-class precisions), tie-free scores.
    num = 0.0
    den = 0
    for truth, scores in zip(y, s):
        pos = np.flatnonzero(truth)
        if len(pos) == 0:
            continue
        order = np.argsort(scores)[::-1]
        rank = np.zeros(len(scores), dtype=int)
        rank[order] = np.arange(len(scores))
        hit = np.zeros(len(scores), dtype=bool)
        hit[rank[pos]] = True
        cum = np.cumsum(hit)
        num += np.sum(cum[rank[pos]] / (1 + rank[pos]))
        den += len(pos)
    return num / den


def run(case):
    args = [load(a) for a in case["args"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = globals()[case["func"]](*args, **case.get("kwargs", {}))
    if math.isnan(value):
        return {"error": "nan"}
    return {"value": repr(float(value))}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    results = []
    for case in cases:
        try:
            results.append(run(case))
        except ValueError as e:
            results.append({"error": str(e)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
