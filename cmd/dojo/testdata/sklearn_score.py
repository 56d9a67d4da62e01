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



# The regression families of the MLE-Dojo registry, each computed from its competition's definition
# (the original MLE-Dojo metric.py and Kaggle's evaluation page) with pandas and numpy. Params arrive
# as `dojo score --param` passes them: lists as comma-separated text, filters and rules as text.
import math  # noqa: E402

_base_score = score


def _list(v):
    return [x.strip() for x in v.split(",")] if isinstance(v, str) else list(v)


def _bool(v):
    return v if isinstance(v, bool) else str(v).lower() == "true"


def _filtered(answers, text):
    col, op, value = text.split()
    cells = answers[col]
    if value.lower() in ("true", "false"):
        keep = cells.astype(str).str.lower() == value.lower()
    else:
        keep = cells == float(value)
    return answers[keep if op == "==" else ~keep]


def _gini_centred(a, key, ties):
    n = len(a)
    if ties == "row_order":
        order = np.lexsort((np.arange(n), -key))
        return math.fsum(a[order] * ((n - 1) / 2.0 - np.arange(n)))
    order = np.argsort(-key, kind="stable")
    _, starts, counts = np.unique(-key[order], return_index=True, return_counts=True)
    return math.fsum(a[order] * np.repeat((n - starts - starts - counts) / 2.0, counts))


def _haversine(lat1, lon1, lat2, lon2, radius):
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return radius * 2 * math.asin(math.sqrt(a))


def score(case):
    m = case["metric"]
    families = ("smape", "rmspe", "medae", "mcrmse", "mc_rmsle", "weighted_mae", "normalized_gini", "log_mae",
                "laplace_log_likelihood", "kl_divergence", "mean_angular_error", "haversine_percentile")
    p = case.get("params", {})
    extended = m in families or "filter" in p or "pooled" in p or "aggregation" in p or "clip_negative" in p \
        or "skip_missing_truth" in p
    if not extended:
        return _base_score(case)
    answers = pd.read_csv(case["answers"])
    sub = pd.read_csv(case["submission"])
    idc = p.get("id_column", answers.columns[0])
    targets = _list(p["target_columns"]) if "target_columns" in p else [c for c in answers.columns if c != idc]

    if m == "kl_divergence":  # repeated ids pair in file order
        answers["_k"] = answers.groupby(idc).cumcount()
        sub["_k"] = sub.groupby(idc).cumcount()
        merged = answers.merge(sub, on=[idc, "_k"], suffixes=("_true", "_pred"))
        assert len(merged) == len(answers)
        t = merged[[c + "_true" for c in targets]].to_numpy(float)
        y = merged[[c + "_pred" for c in targets]].to_numpy(float)
        assert np.allclose(y.sum(axis=1), 1, atol=1e-3)
        if _bool(p.get("normalize_truth", False)):
            s = t.sum(axis=1, keepdims=True)
            t = np.where(s == 0, 0.0, t / np.where(s == 0, 1, s))
        y = np.clip(y, float(p.get("eps", 1e-15)), 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.mean(np.where(t > 0, t * np.log(t / y), 0).sum(axis=1)))
    if m == "haversine_percentile":
        keys = _list(p["key_columns"])
        merged = answers.merge(sub, on=keys, suffixes=("_true", "_pred"))
        assert len(merged) == len(answers)
        lat, lon = targets
        radius = float(p.get("earth_radius_m", 6371000))
        err = [_haversine(a, b, c, d, radius) for a, b, c, d in
               zip(merged[lat + "_true"], merged[lon + "_true"], merged[lat + "_pred"], merged[lon + "_pred"])]
        qs = [float(q) for q in _list(p.get("percentiles", "50,95"))]
        per_trip = pd.Series(err).groupby(merged[p["group_column"]]).apply(lambda e: np.mean([np.percentile(e, q) for q in qs]))
        return float(per_trip.mean())

    merged = answers.merge(sub, on=idc, suffixes=("_true", "_pred"))
    assert len(merged) == len(answers)
    if "filter" in p:
        merged = _filtered(merged, p["filter"])

    def cols(c):
        if c + "_true" in merged:
            return merged[c + "_true"].to_numpy(float), merged[c + "_pred"].to_numpy(float)
        return merged[c].to_numpy(float), None

    if m == "laplace_log_likelihood":  # OSIC: each patient's 3 latest weeks with a known FVC
        fvc = targets[0]
        scored = merged.dropna(subset=[fvc + "_true"]).copy()
        scored["week"] = scored[idc].map(lambda x: int(x.split("_")[-1]))
        scored = scored.sort_values("week").groupby(p["group_column"]).tail(int(p["last_n_per_group"]))
        conf_col = p.get("confidence_column", "Confidence")
        conf = scored[conf_col + "_pred" if conf_col + "_pred" in scored else conf_col].fillna(0).to_numpy(float)
        sd = np.maximum(conf, float(p.get("sigma_min", 70)))
        delta = np.minimum(np.abs(scored[fvc + "_true"].to_numpy(float) - scored[fvc + "_pred"].to_numpy(float)),
                           float(p.get("delta_max", 1000)))
        return float(np.mean(-np.sqrt(2) * delta / sd - np.log(np.sqrt(2) * sd)))
    if m == "mean_angular_error":
        at, ap = cols(targets[0])
        zt, zp = cols(targets[1])
        c = np.sin(zt) * np.sin(zp) * np.cos(at - ap) + np.cos(zt) * np.cos(zp)
        return float(np.mean(np.arccos(np.clip(c, -1, 1))))
    if m == "weighted_mae":
        t, y = cols(targets[0])
        if "weights_column" in p:
            w = merged[p["weights_column"]].to_numpy(float)
        elif "weights_columns" in p:
            w = sum(merged[c].to_numpy(float) for c in _list(p["weights_columns"]))
        else:
            rule = json.loads(p["weight_rule"])
            w = np.where(merged[rule["column"]] == True, rule["weight_if_true"], rule["weight_otherwise"])  # noqa: E712
        total = np.sum(w * np.abs(t - y))
        return float(total / len(t) if p.get("normalize") == "count" else total / np.sum(w))
    if m == "log_mae":
        t, y = cols(targets[0])
        maes = pd.Series(np.abs(t - y)).groupby(merged[p["group_column"]].to_numpy()).mean()
        return float(np.mean(np.log(np.maximum(maes, float(p.get("floor", 1e-9))))))
    if m == "normalized_gini":
        t, y = cols(targets[0])
        if set(np.unique(t)) <= {0, 1} and p.get("ties", "average") == "average":
            return 2 * metrics.roc_auc_score(t, y) - 1
        ties = p.get("ties", "average")
        return _gini_centred(t, y, ties) / _gini_centred(t, t, ties)

    pairs = [cols(c) for c in targets]
    if _bool(p.get("skip_missing_truth", False)):
        pairs = [(t[~np.isnan(t)], y[~np.isnan(t)]) for t, y in pairs]
    if p.get("aggregation") == "pooled" or _bool(p.get("pooled", False)):
        pairs = [(np.concatenate([t for t, _ in pairs]), np.concatenate([y for _, y in pairs]))]

    def one(t, y):
        if m == "smape":
            d = np.abs(t) + np.abs(y)
            with np.errstate(divide="ignore", invalid="ignore"):
                terms = np.where(d == 0, float(p.get("zero_zero", 0)), 2 * np.abs(y - t) / d)
            return float(p.get("scale", 100)) * np.mean(terms)
        if m == "rmspe":
            keep = t != 0
            return np.sqrt(np.mean(((t[keep] - y[keep]) / t[keep]) ** 2))
        if m == "medae":
            return metrics.median_absolute_error(t, y)
        if m in ("rmse", "mcrmse"):
            return metrics.mean_squared_error(t, y, squared=False)
        if m == "mae":
            return metrics.mean_absolute_error(t, y)
        if m in ("rmsle", "mc_rmsle"):
            if _bool(p.get("clip_negative", False)):
                t, y = np.clip(t, 0, None), np.clip(y, 0, None)
            return metrics.mean_squared_log_error(t, y, squared=False)
        raise ValueError("no reference for " + m)

    return float(np.mean([one(t, y) for t, y in pairs]))



# The text and segmentation families: edit distance, word Jaccard, Dice, IoU-threshold precision,
# VOC mAP, F-beta over IoU and Dice-Hausdorff, computed by the plugins' own reference modules (pure
# pandas/numpy/scipy, written from each competition's definition). Params arrive as `dojo score
# --param` text, so they are typed here first.
import importlib.util  # noqa: E402
import os  # noqa: E402

_before_text_and_segmentation = score


def _reference_module(family):
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "..", "plugins", "metrics", family, "testdata", "reference.py")
    spec = importlib.util.spec_from_file_location(family + "_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_text_reference = _reference_module("text")
_segmentation_reference = _reference_module("segmentation")
_list_params = ("target_columns", "key_columns", "shape_columns", "shape", "thresholds", "classes")
_number_params = ("empty_empty", "empty_truth_score", "empty_image_score", "beta", "dice_weight", "hausdorff_weight",
                  "precision_epsilon")


def _typed(params):
    out = dict(params)
    for k, v in params.items():
        if k in _list_params:
            out[k] = _list(v)
            if k in ("shape", "thresholds"):
                out[k] = [float(x) for x in out[k]]
        elif k in _number_params:
            out[k] = float(v)
        elif k == "skip_empty_empty":
            out[k] = _bool(v)
    return out


def score(case):
    m = case["metric"]
    if m in _text_reference.GRADERS:
        return _text_reference.grade(dict(case, params=_typed(case.get("params") or {})))
    if m in _segmentation_reference.GRADERS:
        return _segmentation_reference.grade(dict(case, params=_typed(case.get("params") or {})))
    return _before_text_and_segmentation(case)


# The ranking families (MAP@K, NDCG@K, correlations) and the classification plugin's competition
# variants, each computed from its competition's published definition with pandas, numpy, scipy and
# scikit-learn. Files are read as text (empty cells stay empty strings), params as `dojo score
# --param` passes them.
import ast  # noqa: E402

from scipy import stats  # noqa: E402
from sklearn.preprocessing import MultiLabelBinarizer  # noqa: E402

_before_ranking_and_classification = score
_ranking_metrics = ("map_at_k", "ndcg_at_k", "spearman", "pearson", "kendall_tau", "qwk", "mcc", "macro_recall",
                    "top1_error", "exact_match", "fbeta", "balanced_log_loss", "lwlrap")
_variant_params = ("tpr_thresholds", "ignore_rows_with_label", "single_class_auc", "align", "normalize_first", "value_format",
                   "matching", "prediction_column")


def _apk(actual, predicted, k):
    predicted = predicted[:k]
    score, hits = 0.0, 0.0
    for i, p in enumerate(predicted):
        if p in actual and p not in predicted[:i]:
            hits += 1.0
            score += hits / (i + 1.0)
    return score / min(len(actual), k) if actual else 0.0


def _ndcg(actual, predicted, k):
    rel = set(actual)
    if not rel:
        return 0.0
    seen, dcg = set(), 0.0
    for j, item in enumerate(predicted[:k]):
        if item in rel and item not in seen:
            dcg += 1.0 / math.log2(j + 2)
        seen.add(item)
    return dcg / sum(1.0 / math.log2(j + 2) for j in range(min(len(rel), k)))


def _spans(s):
    s = s.strip()
    out = set()
    for seg in (ast.literal_eval(s) if s.startswith("[") else [s]):
        for span in seg.split(";"):
            if span.strip():
                a, b = span.split()
                out.update(range(int(a), int(b)))
    return out


def _points_in_boxes(truth, pred):
    tp = fp = fn = 0
    for a, b in zip(truth, pred):
        ta, pb = a.split(), b.split()
        boxes = [[ta[j], float(ta[j + 1]), float(ta[j + 2]), float(ta[j + 3]), float(ta[j + 4]), False] for j in range(0, len(ta), 5)]
        hits = 0
        for j in range(0, len(pb), 3):
            label, x, y = pb[j], float(pb[j + 1]), float(pb[j + 2])
            for bx in boxes:
                if not bx[5] and bx[0] == label and bx[1] <= x < bx[1] + bx[3] and bx[2] <= y < bx[2] + bx[4]:
                    bx[5] = True
                    hits += 1
                    break
        tp, fp, fn = tp + hits, fp + len(pb) // 3 - hits, fn + len(boxes) - hits
    if tp == fp == fn == 0:
        return 1.0
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _truncated_auc(y, s, thresholds, weights):
    # Kaggle's Flavours of Physics grader, roc_auc_truncated (scores here have no ties).
    fpr, tpr, _ = metrics.roc_curve(y, s)
    area = 0.0
    for i in range(1, len(thresholds)):
        area += weights[i - 1] * (metrics.auc(fpr, np.minimum(tpr, thresholds[i])) - metrics.auc(fpr, np.minimum(tpr, thresholds[i - 1])))
    t = np.array(thresholds)
    return area / np.sum((t[1:] - t[:-1]) * np.array(weights))


def _ranking_and_classification(case):
    m = case["metric"]
    p = case.get("params") or {}
    answers = pd.read_csv(case["answers"], dtype=str, keep_default_na=False)
    sub = pd.read_csv(case["submission"], dtype=str, keep_default_na=False)
    idc = p.get("id_column", answers.columns[0])
    targets = _list(p["target_columns"]) if "target_columns" in p else [c for c in answers.columns if c != idc]
    col = targets[0]

    if m == "ndcg_at_k" and p.get("layout") == "long":
        k = int(p["k"])
        ranked = sub.groupby(idc, sort=False)[col].apply(list).to_dict()  # file order within each id
        return float(np.mean([_ndcg([t], ranked[i], k) for i, t in zip(answers[idc], answers[col])]))
    if p.get("align") == "row_order":
        assert (answers[idc].to_numpy() == sub[idc].to_numpy()).all()
        return metrics.roc_auc_score(answers[col].astype(float), sub[col].astype(float))
    pred_col = p.get("prediction_column", col)
    merged = answers.merge(sub.rename(columns={pred_col: col}) if pred_col != col else sub, on=idc, suffixes=("_true", "_pred"))
    assert len(merged) == len(answers)

    def pair(c):
        if c + "_true" in merged:
            return merged[c + "_true"], merged[c + "_pred"]
        return merged[c], None

    t, y = pair(col)
    num = lambda s: s.astype(float).to_numpy()  # noqa: E731
    if m == "map_at_k":
        return float(np.mean([_apk(a.split(), b.split(), int(p["k"])) for a, b in zip(t, y)]))
    if m == "ndcg_at_k":
        return float(np.mean([_ndcg(a.split(), b.split(), int(p["k"])) for a, b in zip(t, y)]))
    if m in ("spearman", "pearson", "kendall_tau"):
        fn = {"spearman": stats.spearmanr, "pearson": stats.pearsonr, "kendall_tau": stats.kendalltau}[m]
        if p.get("sequence") == "space_separated_ids":  # Kaggle's AI4Code tau, pooled over notebooks
            inv = pairs = 0
            for a, b in zip(t, y):
                pos = {c: i for i, c in enumerate(a.split())}
                r = [pos[c] for c in b.split()]
                inv += sum(1 for i in range(len(r)) for j in range(i + 1, len(r)) if r[i] > r[j])
                pairs += len(r) * (len(r) - 1)
            return 1 - 4 * (inv / pairs) if pairs else 1.0
        if p.get("sequence"):
            return float(np.mean([fn([int(v) for v in a.split()], [int(v) for v in b.split()])[0] for a, b in zip(t, y)]))
        values = []
        for c in targets:
            a, b = pair(c)
            keep = a != ""
            r = fn(num(a[keep]), num(b[keep]))[0]
            values.append(float(p["nan_as"]) if math.isnan(r) and "nan_as" in p else r)
        return float(np.mean(values))
    if m == "qwk":
        labels = list(range(int(p["min_rating"]), int(p["max_rating"]) + 1)) if "min_rating" in p else None
        return metrics.cohen_kappa_score(t.astype(int), y.astype(int), weights="quadratic", labels=labels)
    if m == "mcc":
        return metrics.matthews_corrcoef(t.astype(int), y.astype(int))
    if m == "macro_recall":
        if "component_from_id" not in p:
            return metrics.recall_score(t.astype(int), y.astype(int), average="macro")
        comp = merged[idc].map(lambda x: x.split("_", 2)[2])
        weights = json.loads(p["component_weights"])
        return float(np.average([metrics.recall_score(t[comp == c].astype(int), y[comp == c].astype(int), average="macro")
                                 for c in weights], weights=list(weights.values())))
    if m == "top1_error":
        first = y.map(lambda s: s.split()[0] if s.split() else "")
        return float(np.mean(first != t))
    if m == "exact_match":
        return float(np.mean(t == y))
    if m == "fbeta":
        return metrics.fbeta_score(t.astype(int), y.astype(int), beta=float(p["beta"]), average=p.get("average", "binary"))
    if m == "f1":
        if p.get("value_format") == "char_spans":
            tp = fp = fn = 0
            for a, b in zip(t, y):
                ta, pb = _spans(a), _spans(b)
                tp, fp, fn = tp + len(ta & pb), fp + len(pb - ta), fn + len(ta - pb)
            return 1.0 if 2 * tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)
        if p.get("matching"):
            return _points_in_boxes(t, y)
        if p.get("value_format") == "space_separated_set":
            ts, ys = [a.split() for a in t], [b.split() for b in y]
            mlb = MultiLabelBinarizer().fit(ts + ys)
            s = metrics.f1_score(mlb.transform(ts), mlb.transform(ys), average=p["average"])
            if p["average"] == "samples" and "empty_empty" in p:
                empty = sum(1 for a, b in zip(ts, ys) if not a and not b)
                s += empty * float(p["empty_empty"]) / len(ts)
            return s
        return metrics.f1_score(t.astype(int), y.astype(int), average=p.get("average", "binary"), pos_label=int(p.get("pos_label", 1)))
    if m == "balanced_log_loss":  # ICR: rescale each row to sum 1, clip, average per class, then over classes
        classes = _list(p["classes"])
        probs = np.column_stack([num(merged[c]) for c in classes])
        s = probs.sum(axis=1, keepdims=True)
        q = np.clip(probs / np.where(s == 0, 1e-15, s), float(p["eps"]), 1 - float(p["eps"]))
        cls = t.astype(int).to_numpy()
        total = sum(-np.mean(np.log(q[cls == c, c])) for c in range(len(classes)) if (cls == c).any())
        return float(total / len(classes))
    if m == "log_loss":  # The Nature Conservancy: rescale each row (a zero sum as is), then clip
        tt = np.column_stack([num(pair(c)[0]) for c in targets])
        probs = np.column_stack([num(pair(c)[1]) for c in targets])
        s = probs.sum(axis=1, keepdims=True)
        q = np.clip(probs / np.where(s == 0, 1, s), float(p["eps"]), 1 - float(p["eps"]))
        return float(-np.mean(np.log(q[np.arange(len(q)), tt.argmax(axis=1)])))
    if m == "lwlrap":  # label-weighted LRAP, as scikit-learn's LRAP weighted by each row's true labels
        tt = np.column_stack([num(pair(c)[0]) for c in targets])
        probs = np.column_stack([num(pair(c)[1]) for c in targets])
        return metrics.label_ranking_average_precision_score(tt, probs, sample_weight=tt.sum(axis=1))
    if m == "roc_auc":
        if "tpr_thresholds" in p:
            if "filter" in p:
                column, _, value = p["filter"].split()
                keep = merged[column].astype(float) > float(value)
                t, y = t[keep], y[keep]
            return _truncated_auc(num(t), num(y), [float(v) for v in _list(p["tpr_thresholds"])], [float(v) for v in _list(p["tpr_weights"])])
        tt = np.column_stack([num(pair(c)[0]) for c in targets])
        probs = np.column_stack([num(pair(c)[1]) for c in targets])
        if "ignore_rows_with_label" in p:
            keep = (tt != float(p["ignore_rows_with_label"])).all(axis=1)
            tt, probs = tt[keep], probs[keep]
        aucs = []
        for j in range(tt.shape[1]):
            try:
                aucs.append(metrics.roc_auc_score(tt[:, j], probs[:, j]))
            except ValueError:
                aucs.append(float(p["single_class_auc"]))
        return float(np.mean(aucs))
    raise ValueError("no reference for " + m)


def score(case):
    p = case.get("params") or {}
    if case["metric"] == "fbeta" and "rle" in p:  # the segmentation reference's masks
        return _before_ranking_and_classification(case)
    variant = case["metric"] in ("roc_auc", "log_loss", "f1") and any(k in p for k in _variant_params)
    if case["metric"] in _ranking_metrics or variant:
        return _ranking_and_classification(case)
    return _before_ranking_and_classification(case)


print(json.dumps([score(c) for c in json.load(sys.stdin)]))
