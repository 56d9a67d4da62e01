"""Reference scores for bias_auc: Kaggle's Jigsaw Unintended Bias in Toxicity Classification metric as
its evaluation page and benchmark kernel define it, with MLE-Dojo's handling of undefined AUCs, in
pandas and scikit-learn, independently of the Go code.

Reads a JSON list of cases ({"params", "answers", "submission"}: file paths) on stdin and prints a
JSON list of scores (null where undefined_auc is "error" and some AUC is undefined).
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score


def auc(y, score):
    if len(np.unique(y)) < 2:
        return np.nan
    return roc_auc_score(y, score)


def power_mean(values, p):
    values = [v for v in values if not np.isnan(v)]
    if not values:
        return np.nan
    return np.power(np.mean(np.power(np.array(values), p)), 1 / p)


def as_list(v):
    # A comma-separated string reads as a list, as a command line gives it.
    return [x.strip() for x in v.split(",")] if isinstance(v, str) else v


def score(case):
    p = dict(case["params"])
    for k in ("target_columns", "identity_columns", "weights"):
        if k in p:
            p[k] = as_list(p[k])
    p["weights"] = [float(x) for x in p.get("weights", [0.25, 0.25, 0.25, 0.25])]
    answers = pd.read_csv(case["answers"], dtype={p.get("id_column", "id"): str})
    sub = pd.read_csv(case["submission"], dtype={p.get("id_column", "id"): str})
    idc = p.get("id_column", answers.columns[0])
    target = p["target_columns"][0]
    pred_col = p.get("prediction_column", "prediction")
    t = float(p.get("threshold", 0.5))
    power = float(p.get("power", -5))
    w = p.get("weights", [0.25, 0.25, 0.25, 0.25])
    merged = answers.merge(sub[[idc, pred_col]], on=idc, how="left", validate="one_to_one")
    assert len(merged) == len(answers) == len(sub)
    y = (merged[target] >= t).astype(int).to_numpy()
    s = merged[pred_col].to_numpy(dtype=float)
    overall = auc(y, s)
    kinds = [[], [], []]
    for col in p["identity_columns"]:
        present = (merged[col].astype(float) >= t).to_numpy()  # NaN >= t is False
        toxic = y == 1
        for k, mask in enumerate([present, (toxic & ~present) | (~toxic & present), (~toxic & ~present) | (toxic & present)]):
            kinds[k].append(auc(y[mask], s[mask]) if mask.any() else np.nan)
    if p.get("undefined_auc", "skip") == "error" and any(np.isnan(v) for k in kinds for v in k):
        return None
    total = w[0] * overall
    for k in range(3):
        m = power_mean(kinds[k], power)
        if not np.isnan(m):
            total += w[k + 1] * m
    return float(total)


if __name__ == "__main__":
    json.dump([score(c) for c in json.load(sys.stdin)], sys.stdout)
