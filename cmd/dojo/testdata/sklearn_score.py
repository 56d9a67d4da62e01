"""Reference scores for `dojo score`, computed the way a Kaggle grader in pandas + scikit-learn would.

Reads a JSON list of cases on stdin; prints a JSON list of scores. Each case names the answers and
submission CSV files, the metric and its params. Rows are joined on the id column with pandas, so the
reference does not share the Go side's alignment code.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn import metrics


def score(case):
    answers = pd.read_csv(case["answers"])
    sub = pd.read_csv(case["submission"])
    p = case.get("params", {})
    idc = p.get("id_column", answers.columns[0])
    targets = p.get("target_columns", [c for c in answers.columns if c != idc])
    merged = answers.merge(sub, on=idc, suffixes=("_true", "_pred"))
    assert len(merged) == len(answers)
    m = case["metric"]

    def pair(col):
        if col + "_true" in merged:
            return merged[col + "_true"].to_numpy(), merged[col + "_pred"].to_numpy()
        return merged[col].to_numpy(), None

    if m in ("rmse", "mse", "mae", "r2", "rmsle"):
        t = np.column_stack([pair(c)[0] for c in targets])
        y = np.column_stack([pair(c)[1] for c in targets])
        if m == "rmse":
            return metrics.mean_squared_error(t, y, squared=False)
        if m == "mse":
            return metrics.mean_squared_error(t, y)
        if m == "mae":
            return metrics.mean_absolute_error(t, y)
        if m == "r2":
            return metrics.r2_score(t, y)
        return metrics.mean_squared_log_error(t, y, squared=False)
    if m == "accuracy":
        t, y = pair(targets[0])
        return metrics.accuracy_score(t, y)
    if m == "f1":
        t, y = pair(targets[0])
        avg = p.get("average", "binary")
        kw = {"pos_label": p["pos_label"]} if "pos_label" in p else {}
        return metrics.f1_score(t, y, average=avg, **kw)
    eps = p.get("eps", "auto")
    if case.get("shape") == "classes":
        classes = [c for c in sub.columns if c != idc]
        t = merged[targets[0]].to_numpy()
        probs = merged[classes].to_numpy()
        if m == "roc_auc":
            return metrics.roc_auc_score(t, probs, multi_class="ovr", average=p.get("average", "macro"), labels=classes)
        return metrics.log_loss(t, probs, labels=classes, eps=eps)
    if len(targets) == 1:
        t, y = pair(targets[0])
        if m == "roc_auc":
            return metrics.roc_auc_score(t, y)
        return metrics.log_loss(t, y, eps=eps, labels=[0, 1])
    t = np.column_stack([pair(c)[0] for c in targets])
    y = np.column_stack([pair(c)[1] for c in targets])
    if m == "roc_auc":
        return metrics.roc_auc_score(t, y, average=p.get("average", "macro"))
    if p.get("multilabel"):
        return float(np.mean([metrics.log_loss(t[:, j], y[:, j], eps=eps, labels=[0, 1]) for j in range(t.shape[1])]))
    return metrics.log_loss(t.argmax(axis=1), y, eps=eps, labels=list(range(t.shape[1])))


print(json.dumps([score(c) for c in json.load(sys.stdin)]))
