"""Reference values for the score package's regression-family metrics that scikit-learn lacks.

Usage: python3 formula_reference.py MANIFEST.json

The manifest has sklearn_reference.py's format. "func" names one of the published formulas below,
each written from its competition's definition with numpy and pandas (not from the Go code), or
else a function in sklearn.metrics. Prints {"value": repr(float)} or {"error": message} per case,
an error where the formula raises ValueError (undefined or invalid input).
"""
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn import metrics

from sklearn_reference import load


def smape(y, p, scale, zero_zero):
    d = np.abs(y) + np.abs(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(d == 0, zero_zero, 2 * np.abs(p - y) / d)
    return scale * np.mean(terms)


def rmspe(y, p):
    keep = y != 0
    if not keep.any():
        raise ValueError("no non-zero truth")
    return np.sqrt(np.mean(((y[keep] - p[keep]) / y[keep]) ** 2))


def weighted_mae(y, p, w, normalize):
    if (w < 0).any():
        raise ValueError("negative weight")
    s = math.fsum(w * np.abs(y - p))
    if normalize == "count":
        return s / len(y)
    total = math.fsum(w)
    if total == 0:
        raise ValueError("zero weights")
    return s / total


def group_log_mae(y, p, groups, floor):
    df = pd.DataFrame({"e": np.abs(y - p), "g": groups})
    maes = df.groupby("g")["e"].mean()
    return float(np.mean(np.log(np.maximum(maes.to_numpy(), floor))))


def _gini_sum(a, order, weights):
    return math.fsum(a[order] * weights)


def gini_average(a, p):
    """Normalized Gini where tied predictions share the mean of their positions' weights."""
    n = len(a)
    if a.sum() == 0:
        return 0.0

    def centred(key):
        order = np.argsort(-key, kind="stable")
        sorted_key = -key[order]
        _, starts, counts = np.unique(sorted_key, return_index=True, return_counts=True)
        ends = starts + counts
        w = np.repeat((n - starts - ends) / 2.0, counts)
        return _gini_sum(a, order, w)

    perfect = centred(a)
    if perfect == 0:
        return 0.0
    return centred(p) / perfect


def gini_row_order(a, p):
    """Kaggle's published normalized Gini: sort by prediction descending, ties by row index."""
    n = len(a)
    if a.sum() == 0:
        return 0.0

    def gini(key):
        order = np.lexsort((np.arange(n), -key))
        # Σ of the cumulative sums is Σ a_j·(n - j); centred on the diagonal it is Σ a_j·((n-1)/2 - j).
        return _gini_sum(a, order, (n - 1) / 2.0 - np.arange(n))

    perfect = gini(a)
    if perfect == 0:
        return 0.0
    return gini(p) / perfect


def gini_cumsum(a, p):
    """The textbook cumulative-sum form, for inputs without ties."""
    def gini(key):
        s = a[np.argsort(-key, kind="stable")]
        return (np.cumsum(s).sum() / s.sum() - (len(s) + 1) / 2.0) / len(s)
    return gini(p) / gini(a)


def gini_auc(a, p):
    return 2 * metrics.roc_auc_score(a, p) - 1


def laplace(y, p, sigma, sigma_min, delta_max):
    sd = np.maximum(sigma, sigma_min)
    delta = np.minimum(np.abs(y - p), delta_max)
    return np.mean(-np.sqrt(2) * delta / sd - np.log(np.sqrt(2) * sd))


def kl_divergence(t, p, eps, normalize_truth, sum_tolerance):
    if (t < 0).any():
        raise ValueError("negative truth")
    if sum_tolerance > 0 and not np.allclose(p.sum(axis=1), 1, atol=sum_tolerance):
        raise ValueError("rows do not sum to 1")
    if normalize_truth:
        s = t.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(s == 0, 0.0, t / s)
    p = np.clip(p, eps, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(t > 0, t * np.log(t / p), 0.0)
    return np.mean(terms.sum(axis=1))


def mean_angular_error(at, zt, ap, zp):
    c = np.sin(zt) * np.sin(zp) * np.cos(at - ap) + np.cos(zt) * np.cos(zp)
    return np.mean(np.arccos(np.clip(c, -1, 1)))


def haversine_percentile(lat_t, lon_t, lat_p, lon_p, groups, percentiles, radius):
    lat1, lon1, lat2, lon2 = (np.radians(x) for x in (lat_t, lon_t, lat_p, lon_p))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    d = radius * 2 * np.arcsin(np.sqrt(a))
    per_group = pd.Series(d).groupby(groups).apply(lambda e: np.mean([np.percentile(e, q) for q in percentiles]))
    return per_group.mean()


def rmsle(y, p, negative):
    if negative == "clip":
        y, p = np.clip(y, 0, None), np.clip(p, 0, None)
    elif negative == "above_minus_one":
        if (y <= -1).any() or (p <= -1).any():
            raise ValueError("value at or below -1")
    elif (y < 0).any() or (p < 0).any():
        raise ValueError("negative value")
    return np.sqrt(np.mean((np.log1p(y) - np.log1p(p)) ** 2))


FORMULAS = {f.__name__: f for f in (
    smape, rmspe, weighted_mae, group_log_mae, gini_average, gini_row_order, gini_cumsum, gini_auc,
    laplace, kl_divergence, mean_angular_error, haversine_percentile, rmsle)}


def run(case):
    args = [load(a) for a in case["args"]]
    fn = FORMULAS.get(case["func"]) or getattr(metrics, case["func"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = fn(*args, **case.get("kwargs", {}))
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
