"""The baseline `make bench` compares `dojo score` with: Kaggle-style graders in pandas + scikit-learn,
numpy and scipy, one per metric family.

usage: baseline.py GRADER ANSWERS.csv SUBMISSION.csv [PARAMS_JSON]

GRADER is rmse or roc_auc (section 3's cases) or a family name of internal/benchreport/families.go;
PARAMS_JSON holds the family's params as `dojo score --param` gets them (text values). Each grader
reads both files with pandas, aligns the submission to the answers on the id (or key) columns,
checks every answer has exactly one prediction, computes the score the way the competition's grader
does, and prints {"score": ..., "rows": ..., "peak_kib": ...} as JSON: peak_kib is the process's own peak
resident set (VmHWM), which, unlike wait4's ru_maxrss, does not count the parent's memory that an
exec'd child inherits the record of. A grader imports only what it needs, so the
interpreter's fixed cost is what a grader of that metric pays.
"""
import json
import math
import sys

import numpy as np
import pandas as pd


def rmse(y_true, y_pred):
    from sklearn.metrics import mean_squared_error

    try:
        return mean_squared_error(y_true, y_pred, squared=False)
    except TypeError:  # scikit-learn >= 1.6 dropped squared=; root_mean_squared_error replaces it
        from sklearn.metrics import root_mean_squared_error

        return root_mean_squared_error(y_true, y_pred)


def read(path, text):
    if text:  # every cell as text, an empty cell as the empty string, as the file was written
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.read_csv(path)


def joined(answers_path, submission_path, params, text=False, keys=None):
    """Answers and submission merged on the id (or key) columns, in answers order, one to one."""
    answers, submission = read(answers_path, text), read(submission_path, text)
    if keys is None:
        keys = [params.get("id_column", answers.columns[0])]
    if len(submission) != len(answers):
        sys.exit(f"submission has {len(submission)} rows, answers {len(answers)}")
    merged = answers.merge(submission, on=keys, how="left", suffixes=("_true", "_pred"), indicator=True)
    if len(merged) != len(answers) or (merged["_merge"] != "both").any():
        sys.exit("submission ids do not match the answers' ids one to one")
    return answers, submission, merged


def targets(answers, params, idc):
    if "target_columns" in params:
        return [c.strip() for c in params["target_columns"].split(",")]
    return [c for c in answers.columns if c != idc]


def pair(merged, col, kind=None):
    t, y = merged[col + "_true"], merged[col + "_pred"]
    return (t.to_numpy(kind), y.to_numpy(kind)) if kind else (t.to_numpy(), y.to_numpy())


def columns(merged, cols, side):
    return merged[[c + side for c in cols]].to_numpy(float)


def plain(a, s, p, text=False):
    """The id and first target column of a one-target file pair, merged."""
    answers, _, m = joined(a, s, p, text)
    idc = p.get("id_column", answers.columns[0])
    return m, targets(answers, p, idc), len(answers)


def sklearn_log_loss(y, probs, labels):
    from sklearn.metrics import log_loss

    try:
        return log_loss(y, probs, labels=labels, eps="auto")
    except (TypeError, ValueError):  # eps was removed in scikit-learn 1.7; its default is "auto"
        return log_loss(y, probs, labels=labels)


# Classification.

def g_roc_auc_columns(a, s, p):
    from sklearn.metrics import roc_auc_score

    m, cols, n = plain(a, s, p)
    return roc_auc_score(columns(m, cols, "_true"), columns(m, cols, "_pred"), average="macro"), n


def class_probs(a, s, p):
    answers, sub, m = joined(a, s, p)
    idc = answers.columns[0]
    classes = [c for c in sub.columns if c != idc]
    return m["label"].to_numpy(), m[classes].to_numpy(float), classes, len(answers)


def g_roc_auc_ovr(a, s, p):
    from sklearn.metrics import roc_auc_score

    y, probs, classes, n = class_probs(a, s, p)
    return roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=classes), n


def g_log_loss(a, s, p):
    m, cols, n = plain(a, s, p)
    t, y = pair(m, cols[0], float)
    return sklearn_log_loss(t, y, [0, 1]), n


def g_log_loss_multiclass(a, s, p):
    y, probs, classes, n = class_probs(a, s, p)
    return sklearn_log_loss(y, probs, classes), n


def g_balanced_log_loss(a, s, p):
    """ICR: rows rescaled to sum 1, clipped, -ln p averaged per class, then over the classes."""
    answers, _, m = joined(a, s, p)
    classes = p["classes"].split(",")
    eps = float(p["eps"])
    probs = m[classes].to_numpy(float)
    total = probs.sum(axis=1, keepdims=True)
    q = np.clip(probs / np.where(total == 0, 1e-15, total), eps, 1 - eps)
    cls = m[p["target_columns"]].to_numpy(int)
    per_class = [-np.mean(np.log(q[cls == c, c])) for c in range(len(classes)) if (cls == c).any()]
    return float(np.sum(per_class) / len(classes)), len(answers)


def labels_metric(fn, text=False, **kw):
    def grade(a, s, p):
        m, cols, n = plain(a, s, p, text)
        t, y = pair(m, cols[0])
        return fn()(t, y, **kw), n

    return grade


def _sk(name):
    def get():
        import sklearn.metrics

        return getattr(sklearn.metrics, name)

    return get


def g_exact_match(a, s, p):
    m, cols, n = plain(a, s, p, text=True)
    t, y = pair(m, cols[0])
    return float(np.mean(t == y)), n


def g_top1_error(a, s, p):
    m, cols, n = plain(a, s, p, text=True)
    t, y = pair(m, cols[0])
    return float(np.mean(t != y)), n


def g_f1_samples_sets(a, s, p):
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    m, cols, n = plain(a, s, p, text=True)
    t, y = pair(m, cols[0])
    ts, ys = [x.split() for x in t], [x.split() for x in y]
    mlb = MultiLabelBinarizer(sparse_output=True).fit(ts + ys)
    return f1_score(mlb.transform(ts), mlb.transform(ys), average="samples"), n


def spans(text):
    import ast

    text = text.strip()
    out = set()
    for seg in (ast.literal_eval(text) if text.startswith("[") else [text]):
        for span in seg.split(";"):
            if span.strip():
                lo, hi = span.split()
                out.update(range(int(lo), int(hi)))
    return out


def g_f1_char_spans(a, s, p):
    """NBME: micro F1 over character positions."""
    m, cols, n = plain(a, s, p, text=True)
    tp = fp = fn = 0
    for x, y in zip(*pair(m, cols[0])):
        tx, py = spans(x), spans(y)
        tp, fp, fn = tp + len(tx & py), fp + len(py - tx), fn + len(tx - py)
    return (1.0 if 2 * tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)), n


def g_f1_points_in_boxes(a, s, p):
    """Kuzushiji: a point matches the first unmatched box of its label that contains it."""
    m, cols, n = plain(a, s, p, text=True)
    tp = fp = fn = 0
    for truth, pred in zip(*pair(m, cols[0])):
        ta, pb = truth.split(), pred.split()
        boxes = [[ta[j], float(ta[j + 1]), float(ta[j + 2]), float(ta[j + 3]), float(ta[j + 4]), False]
                 for j in range(0, len(ta), 5)]
        hits = 0
        for j in range(0, len(pb), 3):
            label, x, y = pb[j], float(pb[j + 1]), float(pb[j + 2])
            for b in boxes:
                if not b[5] and b[0] == label and b[1] <= x < b[1] + b[3] and b[2] <= y < b[2] + b[4]:
                    b[5] = True
                    hits += 1
                    break
        tp, fp, fn = tp + hits, fp + len(pb) // 3 - hits, fn + len(boxes) - hits
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return (0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)), n


def pixels(rle):
    """The 0-based pixel indexes of a 1-based "start length" run-length encoding."""
    v = np.array(rle.split(), dtype=np.int64)
    if v.size == 0:
        return v
    starts, lengths = v[0::2] - 1, v[1::2]
    ends = np.cumsum(lengths)
    idx = np.arange(ends[-1]) - np.repeat(ends - lengths, lengths) + np.repeat(starts, lengths)
    return np.unique(idx)


def overlap(x, y):
    return np.intersect1d(x, y, assume_unique=True).size


def g_fbeta_rle(a, s, p):
    """Vesuvius: per row, F-beta of the pixel sets; precision (recall) 1 with no predicted (true) pixel."""
    m, cols, n = plain(a, s, p, text=True)
    b2 = float(p["beta"]) ** 2
    scores = []
    for x, y in zip(*pair(m, cols[0])):
        t, q = pixels(x), pixels(y)
        tp = overlap(t, q)
        precision = tp / q.size if q.size else 1.0
        recall = tp / t.size if t.size else 1.0
        d = b2 * precision + recall
        scores.append((1 + b2) * precision * recall / d if d else 0.0)
    return float(np.mean(scores)), n


def g_qwk(a, s, p):
    from sklearn.metrics import cohen_kappa_score

    m, cols, n = plain(a, s, p)
    return cohen_kappa_score(*pair(m, cols[0]), weights="quadratic"), n


def g_lwlrap(a, s, p):
    """Freesound: label-weighted LRAP, scikit-learn's LRAP weighted by each row's number of labels."""
    from sklearn.metrics import label_ranking_average_precision_score

    m, cols, n = plain(a, s, p)
    t, y = columns(m, cols, "_true"), columns(m, cols, "_pred")
    return label_ranking_average_precision_score(t, y, sample_weight=t.sum(axis=1)), n


# Regression.

def regression(fn):
    def grade(a, s, p):
        m, cols, n = plain(a, s, p)
        return float(fn(*pair(m, cols[0], float))), n

    return grade


def sk_regression(name):
    def fn(t, y):
        import sklearn.metrics

        return getattr(sklearn.metrics, name)(t, y)

    return regression(fn)


def rmsle(t, y):
    from sklearn.metrics import mean_squared_log_error

    return np.sqrt(mean_squared_log_error(t, y))


def rmspe(t, y):
    keep = t != 0
    return np.sqrt(np.mean(((t[keep] - y[keep]) / t[keep]) ** 2))


def smape(t, y):
    d = np.abs(t) + np.abs(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 100 * np.mean(np.where(d == 0, 0.0, 2 * np.abs(y - t) / d))


def column_mean(fn):
    def grade(a, s, p):
        m, cols, n = plain(a, s, p)
        return float(np.mean([fn(*pair(m, c, float)) for c in cols])), n

    return grade


def g_normalized_gini(a, s, p):
    from sklearn.metrics import roc_auc_score

    m, cols, n = plain(a, s, p)
    return 2 * roc_auc_score(*pair(m, cols[0], float)) - 1, n


def g_weighted_mae(a, s, p):
    m, cols, n = plain(a, s, p)
    t, y = pair(m, cols[0], float)
    w = m[p["weights_column"]].to_numpy(float)
    return float(np.sum(w * np.abs(t - y)) / np.sum(w)), n


def g_log_mae(a, s, p):
    """CHAMPS: the mean over coupling types of log(max(MAE, 1e-9))."""
    m, cols, n = plain(a, s, p)
    t, y = pair(m, cols[0], float)
    maes = pd.Series(np.abs(t - y)).groupby(m[p["group_column"]].to_numpy()).mean()
    return float(np.mean(np.log(np.maximum(maes, 1e-9)))), n


def g_laplace_log_likelihood(a, s, p):
    """OSIC: sigma clipped at 70, the error at 1000."""
    m, cols, n = plain(a, s, p)
    t, y = pair(m, cols[0], float)
    sd = np.maximum(m[p["confidence_column"]].fillna(0).to_numpy(float), 70)
    delta = np.minimum(np.abs(t - y), 1000)
    return float(np.mean(-np.sqrt(2) * delta / sd - np.log(np.sqrt(2) * sd))), n


def g_kl_divergence(a, s, p):
    """HMS: votes normalised per row, predictions clipped to [1e-15, 1], sum of t·log(t/y) per row."""
    m, cols, n = plain(a, s, p)
    t, y = columns(m, cols, "_true"), columns(m, cols, "_pred")
    if abs(y.sum(axis=1) - 1).max() > 1e-3:
        sys.exit("prediction rows do not sum to 1")
    total = t.sum(axis=1, keepdims=True)
    t = np.where(total == 0, 0.0, t / np.where(total == 0, 1, total))
    y = np.clip(y, 1e-15, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.mean(np.where(t > 0, t * np.log(t / y), 0).sum(axis=1))), n


def g_mean_angular_error(a, s, p):
    m, cols, n = plain(a, s, p)
    at, ap = pair(m, cols[0], float)
    zt, zp = pair(m, cols[1], float)
    c = np.sin(zt) * np.sin(zp) * np.cos(at - ap) + np.cos(zt) * np.cos(zp)
    return float(np.mean(np.arccos(np.clip(c, -1, 1)))), n


def g_haversine_percentile(a, s, p):
    """Smartphone Decimeter: per trip, the mean of the 50th and 95th percentile errors; then the mean."""
    keys = p["key_columns"].split(",")
    answers, _, m = joined(a, s, p, keys=keys)
    lat, lon = p["target_columns"].split(",")
    la1, lo1, la2, lo2 = (np.radians(m[c].to_numpy(float)) for c in (lat + "_true", lon + "_true", lat + "_pred", lon + "_pred"))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    err = pd.Series(6371000 * 2 * np.arcsin(np.sqrt(h)))
    groups = err.groupby(m[p["group_column"]].to_numpy())
    per_trip = (groups.quantile(0.5) + groups.quantile(0.95)) / 2
    return float(per_trip.mean()), len(answers)


# Ranking and correlation.

def apk(actual, predicted, k):
    predicted = predicted[:k]
    score, hits = 0.0, 0.0
    for i, x in enumerate(predicted):
        if x in actual and x not in predicted[:i]:
            hits += 1.0
            score += hits / (i + 1.0)
    return score / min(len(actual), k) if actual else 0.0


def g_map_at_12(a, s, p):
    m, cols, n = plain(a, s, p, text=True)
    k = int(p["k"])
    return float(np.mean([apk(x.split(), y.split(), k) for x, y in zip(*pair(m, cols[0]))])), n


def ndcg(actual, predicted, k):
    rel = set(actual)
    if not rel:
        return 0.0
    seen, dcg = set(), 0.0
    for j, item in enumerate(predicted[:k]):
        if item in rel and item not in seen:
            dcg += 1.0 / math.log2(j + 2)
        seen.add(item)
    return dcg / sum(1.0 / math.log2(j + 2) for j in range(min(len(rel), k)))


def g_ndcg_at_5(a, s, p):
    m, cols, n = plain(a, s, p, text=True)
    k = int(p["k"])
    return float(np.mean([ndcg(x.split(), y.split(), k) for x, y in zip(*pair(m, cols[0]))])), n


def correlation(name):
    def grade(a, s, p):
        from scipy import stats

        m, cols, n = plain(a, s, p)
        return float(getattr(stats, name)(*pair(m, cols[0], float))[0]), n

    return grade


# Text.

def levenshtein(x, y):
    if len(x) < len(y):
        x, y = y, x
    prev = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        cur = [i]
        for j, cy in enumerate(y, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cx != cy)))
        prev = cur
    return prev[-1]


def g_levenshtein(a, s, p):
    m, cols, n = plain(a, s, p, text=True)
    return float(np.mean([levenshtein(x, y) for x, y in zip(*pair(m, cols[0]))])), n


def g_jaccard(a, s, p):
    m, cols, n = plain(a, s, p, text=True)
    scores = []
    for x, y in zip(*pair(m, cols[0])):
        u, v = set(x.lower().split()), set(y.lower().split())
        scores.append(len(u & v) / len(u | v) if u | v else 1.0)
    return float(np.mean(scores)), n


# Segmentation and detection.

def g_dice(a, s, p):
    m, cols, n = plain(a, s, p, text=True)
    scores = []
    for x, y in zip(*pair(m, cols[0])):
        t, q = pixels(x), pixels(y)
        scores.append(2 * overlap(t, q) / (t.size + q.size) if t.size + q.size else 1.0)
    return float(np.mean(scores)), n


THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]  # Kaggle's IoU thresholds, as written


def g_iou_map_masks(a, s, p):
    """TGS: one object per non-empty mask; per image the mean over IoU thresholds of TP/(TP+FP+FN)."""
    m, cols, n = plain(a, s, p, text=True)
    scores = []
    for x, y in zip(*pair(m, cols[0])):
        t, q = pixels(x), pixels(y)
        if t.size == 0 and q.size == 0:
            scores.append(1.0)
        elif t.size == 0 or q.size == 0:
            scores.append(0.0)
        else:
            inter = overlap(t, q)
            hit = inter / (t.size + q.size - inter) >= np.array(THRESHOLDS)
            scores.append(float(np.mean(np.where(hit, 1.0, 0.0))))
    return float(np.mean(scores)), n


def boxes(text, fmt):
    """[(class, confidence, (x1, y1, x2, y2, area))] of a prediction string in [class_][conf_]xywh|xyxy."""
    has_class, has_conf = fmt.startswith("class_"), "conf_" in fmt
    size = 4 + has_class + has_conf
    v = text.split()
    out = []
    for k in range(0, len(v), size):
        g = v[k:k + size]
        cls = g[0] if has_class else None
        nums = [float(x) for x in g[has_class:]]
        conf = nums[0] if has_conf else 1.0
        x1, y1, c, d = nums[has_conf:]
        if fmt.endswith("xywh"):
            out.append((cls, conf, (x1, y1, x1 + c, y1 + d, c * d)))
        else:
            out.append((cls, conf, (x1, y1, c, d, (c - x1) * (d - y1))))
    return out


def iou_matrix(truth, pred):
    """IoU of every true box (rows) with every predicted box (columns), with numpy."""
    if not truth or not pred:
        return np.zeros((len(truth), len(pred)))
    t, q = np.array(truth), np.array(pred)
    w = np.clip(np.minimum(t[:, None, 2], q[None, :, 2]) - np.maximum(t[:, None, 0], q[None, :, 0]), 0, None)
    h = np.clip(np.minimum(t[:, None, 3], q[None, :, 3]) - np.maximum(t[:, None, 1], q[None, :, 1]), 0, None)
    inter = w * h
    union = t[:, None, 4] + q[None, :, 4] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((inter > 0) & (union > 0), inter / union, 0.0)


def g_iou_map_boxes(a, s, p):
    """Global Wheat: predictions by confidence each take the best unmatched box; TP/(TP+FP+FN) per threshold."""
    m, cols, n = plain(a, s, p, text=True)
    thresholds = [float(x) for x in p["thresholds"].split(",")]
    scores = []
    for x, y in zip(*pair(m, cols[0])):
        truth = [b for _, _, b in boxes(x, "conf_xywh")]
        if not truth:
            scores.append(0.0)
            continue
        pred = [b for _, _, b in sorted(boxes(y, "conf_xywh"), key=lambda d: d[1], reverse=True)]
        iou = iou_matrix(truth, pred)
        per = []
        for thr in thresholds:
            claimed = np.zeros(len(truth), dtype=bool)
            for j in range(len(pred)):
                col = np.where(~claimed & (iou[:, j] >= thr), iou[:, j], -1.0)
                if col.size and col.max() >= thr:
                    claimed[int(np.argmax(col))] = True
            tp = int(claimed.sum())
            per.append(tp / (len(truth) + len(pred) - tp))
        scores.append(float(np.mean(per)))
    return float(np.mean(scores)), n


def g_iou_map_voc(a, s, p):
    """VinBigData: PASCAL VOC all-points AP per class at IoU 0.4, predictions pooled over images."""
    answers, _, m = joined(a, s, p, text=True)
    col = targets(answers, p, answers.columns[0])[0]
    thr = float(p["thresholds"])
    truth, preds = {}, {}
    for k, (x, y) in enumerate(zip(*pair(m, col))):
        for cls, _, b in boxes(x, "class_conf_xyxy"):
            truth.setdefault(cls, {}).setdefault(k, []).append(b)
        for cls, conf, b in boxes(y, "class_conf_xyxy"):
            preds.setdefault(cls, []).append((k, conf, b))
    aps = []
    for cls, by_image in truth.items():
        claimed = {k: np.zeros(len(v), dtype=bool) for k, v in by_image.items()}
        found = sorted(preds.get(cls, []), key=lambda d: d[1], reverse=True)
        hits = np.zeros(len(found), dtype=bool)
        for i, (k, _, b) in enumerate(found):
            if k not in by_image:
                continue
            iou = np.where(claimed[k], -1.0, iou_matrix(by_image[k], [b])[:, 0])
            best = int(np.argmax(iou))
            if iou[best] > 0 and iou[best] >= thr:
                claimed[k][best] = hits[i] = True
        total = sum(len(v) for v in by_image.values())
        tp = np.cumsum(hits, dtype=float)
        fp = np.cumsum(~hits, dtype=float)
        recall = np.concatenate([[0.0], tp / total, [1.0]])
        precision = np.concatenate([[0.0], tp / np.maximum(tp + fp, np.finfo(float).tiny), [0.0]])
        precision = np.maximum.accumulate(precision[::-1])[::-1]
        steps = np.flatnonzero(recall[1:] != recall[:-1])
        aps.append(np.sum((recall[steps + 1] - recall[steps]) * precision[steps + 1]))
    return float(np.mean(aps)), len(answers)


def greedy_tp(iou, thr):
    """True objects (rows) and predictions (columns) paired highest IoU first."""
    work, tp = iou.copy(), 0
    while work.size and work.max() >= thr:
        i, j = np.unravel_index(np.argmax(work), work.shape)
        work[i, :], work[:, j] = -1, -1
        tp += 1
    return tp


def g_fbeta_iou(a, s, p):
    """Airbus: one ship per row; per image the mean over IoU thresholds of F2; an empty image scores 1."""
    answers, sub = read(a, True), read(s, True)
    idc, col = p["id_column"], p["target_columns"]
    pred = {k: [pixels(x) for x in rows[col] if x.strip()] for k, rows in sub.groupby(idc)}
    scores = []
    for image, rows in answers.groupby(idc, sort=False):
        truth = [pixels(x) for x in rows[col] if x.strip()]
        found = pred[image]
        if not truth and not found:
            scores.append(1.0)
            continue
        iou = np.zeros((len(truth), len(found)))
        for i, t in enumerate(truth):
            for j, q in enumerate(found):
                inter = overlap(t, q)
                iou[i, j] = inter / (t.size + q.size - inter) if inter else 0.0
        fs = []
        for thr in THRESHOLDS:
            tp = greedy_tp(iou, thr)
            fs.append(5 * tp / (5 * tp + 4 * (len(truth) - tp) + (len(found) - tp)))
        scores.append(float(np.mean(fs)))
    return float(np.mean(scores)), answers[idc].nunique()


def g_dice_hausdorff(a, s, p):
    """UW-Madison: 0.4 · mean 2-D Dice + 0.6 · (1 - mean normalised 3-D Hausdorff per case-day volume)."""
    from scipy.spatial.distance import directed_hausdorff

    answers, _, m = joined(a, s, p, text=True, keys=["id", "class"])
    dice, slices = [], {}
    for sid, x, y, h, w in zip(m["id"], m["predicted_true"], m["predicted_pred"], m["image_height"], m["image_width"]):
        h, w = int(h), int(w)
        t, q = np.zeros(h * w, dtype=bool), np.zeros(h * w, dtype=bool)
        t[pixels(x)], q[pixels(y)] = True, True
        t, q = t.reshape((h, w), order="F"), q.reshape((h, w), order="F")
        if t.any() or q.any():
            dice.append(2 * (t & q).sum() / (t.sum() + q.sum()))
        if sid in slices:
            slices[sid] = (slices[sid][0] | t, slices[sid][1] | q)
        else:
            slices[sid] = (t, q)
    volumes = {}
    for sid in sorted(slices):
        volumes.setdefault(sid.split("_slice_")[0], []).append(slices[sid])
    distances = []
    for stack in volumes.values():
        t, q = np.stack([x for x, _ in stack]), np.stack([y for _, y in stack])
        if not t.any() and not q.any():
            continue
        if np.array_equal(t, q):
            distances.append(0.0)
        elif not t.any() or not q.any():
            distances.append(1.0)
        else:
            u, v = np.argwhere(t) / t.shape, np.argwhere(q) / t.shape
            distances.append(max(directed_hausdorff(u, v)[0], directed_hausdorff(v, u)[0]) / math.sqrt(3))
    return 0.4 * float(np.mean(dice)) + 0.6 * (1 - float(np.mean(distances))), len(answers)


def g_bias_auc(a, s, p):
    from sklearn.metrics import roc_auc_score

    _, _, m = joined(a, s, p)
    y = m["toxicity"].to_numpy(float) >= 0.5
    pred = m["prediction"].to_numpy(float)
    kinds = ([], [], [])  # subgroup, BPSN, BNSP AUCs over the identities where each is defined
    for col in p["identity_columns"].split(","):
        g = m[col].to_numpy(float) >= 0.5  # an empty cell (NaN) is not a mention
        for aucs, sel in zip(kinds, (g, (y & ~g) | (~y & g), (~y & ~g) | (y & g))):
            if sel.any() and y[sel].min() != y[sel].max():
                aucs.append(roc_auc_score(y[sel], pred[sel]))
    score = 0.25 * roc_auc_score(y, pred)
    for aucs in kinds:
        if aucs:
            score += 0.25 * np.power(np.mean(np.power(aucs, -5.0)), 1 / -5.0)
    return score, len(m)


def g_life_reverse_mae(a, s, p):
    _, _, m = joined(a, s, p)
    n = len(m)
    board = m[[f"start_{c}" for c in range(625)]].to_numpy(np.uint8).reshape(n, 25, 25)
    stop = m[[f"stop_{c}" for c in range(625)]].to_numpy(np.uint8).reshape(n, 25, 25)
    delta = m["delta"].to_numpy(int)
    for step in range(1, delta.max() + 1):
        sel = delta >= step
        x = board[sel]
        nb = sum(np.roll(np.roll(x, dy, 1), dx, 2) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0))
        board[sel] = ((nb == 3) | ((x == 1) & (nb == 2))).astype(np.uint8)
    return np.abs(board.astype(int) - stop).mean(), n


GRADERS = {
    "roc_auc_columns": g_roc_auc_columns,
    "roc_auc_ovr": g_roc_auc_ovr,
    "log_loss": g_log_loss,
    "log_loss_multiclass": g_log_loss_multiclass,
    "balanced_log_loss": g_balanced_log_loss,
    "accuracy": labels_metric(_sk("accuracy_score")),
    "exact_match": g_exact_match,
    "f1": labels_metric(_sk("f1_score")),
    "f1_macro": labels_metric(_sk("f1_score"), average="macro"),
    "fbeta_0.5": labels_metric(_sk("fbeta_score"), beta=0.5),
    "f1_samples_sets": g_f1_samples_sets,
    "f1_char_spans": g_f1_char_spans,
    "f1_points_in_boxes": g_f1_points_in_boxes,
    "fbeta_rle": g_fbeta_rle,
    "qwk": g_qwk,
    "mcc": labels_metric(_sk("matthews_corrcoef")),
    "macro_recall": labels_metric(_sk("recall_score"), average="macro"),
    "top1_error": g_top1_error,
    "bias_auc": g_bias_auc,
    "lwlrap": g_lwlrap,
    "mse": sk_regression("mean_squared_error"),
    "mae": sk_regression("mean_absolute_error"),
    "r2": sk_regression("r2_score"),
    "medae": sk_regression("median_absolute_error"),
    "rmsle": regression(rmsle),
    "rmspe": regression(rmspe),
    "smape": regression(smape),
    "mcrmse": column_mean(lambda t, y: np.sqrt(np.mean((t - y) ** 2))),
    "mc_rmsle": column_mean(rmsle),
    "normalized_gini": g_normalized_gini,
    "weighted_mae": g_weighted_mae,
    "log_mae": g_log_mae,
    "laplace_log_likelihood": g_laplace_log_likelihood,
    "kl_divergence": g_kl_divergence,
    "mean_angular_error": g_mean_angular_error,
    "life_reverse_mae": g_life_reverse_mae,
    "haversine_percentile": g_haversine_percentile,
    "map_at_12": g_map_at_12,
    "ndcg_at_5": g_ndcg_at_5,
    "spearman": correlation("spearmanr"),
    "pearson": correlation("pearsonr"),
    "kendall_tau": correlation("kendalltau"),
    "levenshtein": g_levenshtein,
    "jaccard": g_jaccard,
    "dice": g_dice,
    "iou_map_masks": g_iou_map_masks,
    "iou_map_boxes": g_iou_map_boxes,
    "iou_map_voc": g_iou_map_voc,
    "fbeta_iou": g_fbeta_iou,
    "dice_hausdorff": g_dice_hausdorff,
}


def peak_kib():
    """VmHWM of this process, in KiB, or 0 where /proc does not say."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    grader, answers_path, submission_path = sys.argv[1:4]
    params = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    if grader in GRADERS:
        score, rows = GRADERS[grader](answers_path, submission_path, params)
        print(json.dumps({"score": float(score), "rows": int(rows), "peak_kib": peak_kib()}))
        return
    # Section 3's cases: the id,target layout, scored with scikit-learn.
    answers = pd.read_csv(answers_path)
    submission = pd.read_csv(submission_path)
    if len(submission) != len(answers):
        sys.exit(f"submission has {len(submission)} rows, answers {len(answers)}")
    merged = answers.merge(submission, on="id", how="left", suffixes=("_true", "_pred"))
    if len(merged) != len(answers) or merged["target_pred"].isna().any():
        sys.exit("submission ids do not match the answers' ids one to one")
    y_true, y_pred = merged["target_true"], merged["target_pred"]
    if grader == "rmse":
        score = rmse(y_true, y_pred)
    elif grader == "roc_auc":
        from sklearn.metrics import roc_auc_score

        score = roc_auc_score(y_true, y_pred)
    else:
        sys.exit(f"unknown grader {grader}")
    print(json.dumps({"score": float(score), "rows": len(merged), "peak_kib": peak_kib()}))


if __name__ == "__main__":
    main()
