"""Reference scores for the segmentation plugin, computed from the competitions' published definitions
with pandas, numpy and scipy, independently of the Go code.

As a script: reads a JSON list of cases ({"metric", "params", "answers", "submission"}) on stdin and
prints a JSON list of scores. As a module: grade(case) scores one case (cmd/dojo's reference uses it).

Masks are Kaggle run-length encodings: 1-based start and length pairs, pixels numbered down the
columns (column-major) unless the params say row-major. Boxes are space-separated groups of numbers.
"""
import json
import math
import sys

import numpy as np
import pandas as pd
from scipy.spatial.distance import directed_hausdorff

KAGGLE_THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]


def read(path):
    # Every cell as text, an empty cell as the empty string, as the submission was written.
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def pixels(rle):
    """The 0-based pixel indexes an encoding covers."""
    numbers = [int(x) for x in rle.split()]
    out = set()
    for start, length in zip(numbers[0::2], numbers[1::2]):
        out.update(range(start - 1, start - 1 + length))
    return out


def image(rle, height, width, order):
    flat = np.zeros(height * width, dtype=bool)
    for p in pixels(rle):
        flat[p] = True
    return flat.reshape((height, width), order="F" if order == "column_major_1_indexed" else "C")


def paired(case):
    """Rows of answers and submission joined on the key columns, answers order."""
    p = case["params"]
    answers, sub = read(case["answers"]), read(case["submission"])
    keys = p.get("key_columns") or [p.get("id_column", answers.columns[0])]
    target = p["target_columns"][0]
    merged = answers.merge(sub, on=keys, suffixes=("_true", "_pred"), how="left", validate="one_to_one")
    assert len(merged) == len(answers) and len(sub) == len(answers)
    return merged, keys, target


def mean(xs):
    return float(np.mean(xs))


def dice(case):
    p = case["params"]
    merged, _, target = paired(case)
    scores = []
    for t, s in zip(merged[target + "_true"], merged[target + "_pred"]):
        a, b = pixels(t), pixels(s)
        if a or b:
            scores.append(2 * len(a & b) / (len(a) + len(b)))
        elif not p.get("skip_empty_empty", False):
            scores.append(p.get("empty_empty", 1.0))
    return mean(scores)


def iou_sets(a, b):
    inter = len(a & b)
    return inter / len(a | b) if inter else 0.0


def greedy_tp(m, thr):
    """Pair true objects (rows) and predictions (columns) by highest IoU first."""
    work, tp = m.copy(), 0
    while work.size and work.max() >= thr:
        i, j = np.unravel_index(np.argmax(work), work.shape)
        work[i, :], work[:, j] = -1, -1
        tp += 1
    return tp


def box(values, layout):
    """(x1, y1, x2, y2, area) the way each competition's formula has it."""
    a, b, c, d = values
    if layout == "xywh":
        return a, b, a + c, b + d, c * d
    return a, b, c, d, (c - a) * (d - b)


def box_iou(s, t):
    inter = max(0, min(s[2], t[2]) - max(s[0], t[0])) * max(0, min(s[3], t[3]) - max(s[1], t[1]))
    union = s[4] + t[4] - inter
    return inter / union if inter > 0 and union > 0 else 0.0


def detections(text, fmt):
    """[(class, confidence, box)] of a prediction string in format [class_][conf_]layout."""
    has_class, has_conf = fmt.startswith("class_"), "conf_" in fmt
    layout = fmt[-4:]
    size = 4 + has_class + has_conf
    tokens = text.split()
    out = []
    for k in range(0, len(tokens), size):
        group = tokens[k:k + size]
        cls = str(int(group[0])) if has_class and group[0].lstrip("+-").isdigit() else (group[0] if has_class else None)
        nums = [float(x) for x in group[has_class:]]
        conf = nums[0] if has_conf else 1.0
        out.append((cls, conf, box(nums[has_conf:], layout)))
    return out


def per_image_precision(truth_count, pred_count, m, thresholds, p, tp_at):
    if truth_count == 0 and "empty_truth_score" in p:
        return p["empty_truth_score"]
    if truth_count == 0 and pred_count == 0:
        return p.get("empty_empty", 1.0)
    scores = []
    for thr in thresholds:
        tp = tp_at(m, thr)
        scores.append(tp / (truth_count + pred_count - tp))
    return mean(scores)


def iou_map(case):
    p = case["params"]
    thresholds = p.get("thresholds", KAGGLE_THRESHOLDS)
    if p.get("average") == "per_class":
        return voc_map(case)
    if "box_format" in p:
        merged, _, target = paired(case)
        scores = []
        for t, s in zip(merged[target + "_true"], merged[target + "_pred"]):
            truth = [d[2] for d in detections(t, p["box_format"])]
            preds = sorted(detections(s, p["box_format"]), key=lambda d: d[1], reverse=True)
            m = np.array([[box_iou(x[2], y) for x in preds] for y in truth]).reshape(len(truth), len(preds))

            def by_confidence(m, thr):
                claimed = set()
                for j in range(m.shape[1]):
                    best, best_iou = None, 0.0
                    for i in range(m.shape[0]):
                        if i not in claimed and m[i, j] >= thr and m[i, j] > best_iou:
                            best, best_iou = i, m[i, j]
                    if best is not None:
                        claimed.add(best)
                return len(claimed)

            tp_at = greedy_tp if p.get("matching") == "greedy_iou" else by_confidence
            scores.append(per_image_precision(len(truth), len(preds), m, thresholds, p, tp_at))
        return mean(scores)
    if p.get("objects") == "rows":
        answers, sub = read(case["answers"]), read(case["submission"])
        idc, target = p.get("id_column", answers.columns[0]), p["target_columns"][0]
        groups = [(image_id, [pixels(x) for x in rows[target] if x.strip()]) for image_id, rows in answers.groupby(idc, sort=False)]
        pred = {image_id: [pixels(x) for x in rows[target] if x.strip()] for image_id, rows in sub.groupby(idc)}
        pairs = [(truth, pred[image_id]) for image_id, truth in groups]
    else:
        merged, _, target = paired(case)
        pairs = [([a] if a else [], [b] if b else [])
                 for a, b in ((pixels(t), pixels(s)) for t, s in zip(merged[target + "_true"], merged[target + "_pred"]))]
    scores = []
    for truth, preds in pairs:
        m = np.array([[iou_sets(a, b) for b in preds] for a in truth]).reshape(len(truth), len(preds))
        scores.append(per_image_precision(len(truth), len(preds), m, thresholds, p, greedy_tp))
    return mean(scores)


def voc_map(case):
    """PASCAL VOC all-points AP per class, predictions pooled over images in id order."""
    p = case["params"]
    merged, keys, target = paired(case)
    merged = merged.sort_values(keys[0], kind="stable")
    thr, eps = p["thresholds"][0], p.get("precision_epsilon", 0.0)
    fall_through = p.get("matching") == "best_iou_unmatched_gt"
    truth, preds = {}, {}
    for k, (t, s) in enumerate(zip(merged[target + "_true"], merged[target + "_pred"])):
        for cls, _, b in detections(t, p["box_format"]):
            truth.setdefault(cls, {}).setdefault(k, []).append(b)
        for cls, conf, b in detections(s, p["box_format"]):
            preds.setdefault(cls, []).append((k, conf, b))
    aps = []
    for cls, by_image in truth.items():
        claimed = {k: [False] * len(v) for k, v in by_image.items()}
        hits = []
        for k, _, b in sorted(preds.get(cls, []), key=lambda x: x[1], reverse=True):
            best, best_iou = None, 0.0
            for j, t in enumerate(by_image.get(k, [])):
                if fall_through and claimed[k][j]:
                    continue
                v = box_iou(b, t)
                if v > best_iou:
                    best, best_iou = j, v
            hit = best is not None and best_iou >= thr and not claimed[k][best]
            if hit:
                claimed[k][best] = True
            hits.append(hit)
        n = sum(len(v) for v in by_image.values())
        tp = np.cumsum(hits, dtype=float)
        fp = np.cumsum([not h for h in hits], dtype=float)
        recall = np.concatenate([[0.0], tp / n, [1.0]])
        precision = np.concatenate([[0.0], tp / (tp + fp + eps), [0.0]])
        precision = np.maximum.accumulate(precision[::-1])[::-1]
        steps = np.flatnonzero(recall[1:] != recall[:-1])
        aps.append(np.sum((recall[steps + 1] - recall[steps]) * precision[steps + 1]))
    return mean(aps)


def fbeta_iou(case):
    p = case["params"]
    answers, sub = read(case["answers"]), read(case["submission"])
    idc, target = p.get("id_column", answers.columns[0]), p["target_columns"][0]
    b2 = p.get("beta", 2.0) ** 2
    thresholds = p.get("thresholds", KAGGLE_THRESHOLDS)
    pred = {image_id: [pixels(x) for x in rows[target] if x.strip()] for image_id, rows in sub.groupby(idc)}
    scores = []
    for image_id, rows in answers.groupby(idc, sort=False):
        truth = [pixels(x) for x in rows[target] if x.strip()]
        preds = pred[image_id]
        if not truth and not preds:
            scores.append(p.get("empty_image_score", 1.0))
            continue
        m = np.array([[iou_sets(a, b) for b in preds] for a in truth]).reshape(len(truth), len(preds))
        fs = []
        for thr in thresholds:
            tp = greedy_tp(m, thr)
            fs.append((1 + b2) * tp / ((1 + b2) * tp + b2 * (len(truth) - tp) + (len(preds) - tp)))
        scores.append(mean(fs))
    return mean(scores)


def dice_hausdorff(case):
    p = case["params"]
    merged, keys, target = paired(case)
    order = p.get("rle", "column_major_1_indexed")
    hcol, wcol = p["shape_columns"]
    sep = p.get("volume_from_id", "_slice_")
    dice_scores, slices = [], {}
    for _, row in merged.iterrows():
        h, w = int(row[hcol]), int(row[wcol])
        t = image(row[target + "_true"], h, w, order)
        s = image(row[target + "_pred"], h, w, order)
        if t.sum() + s.sum() > 0:
            dice_scores.append(2 * (t & s).sum() / (t.sum() + s.sum()))
        elif not p.get("skip_empty_empty", True):
            dice_scores.append(p.get("empty_empty", 1.0))
        sid = row[keys[0]]
        if sid in slices:
            slices[sid] = (slices[sid][0] | t, slices[sid][1] | s)
        else:
            slices[sid] = (t, s)
    volumes = {}
    for sid in sorted(slices):
        volumes.setdefault(sid.split(sep)[0], []).append(slices[sid])
    distances = []
    for stack in volumes.values():
        truth = np.stack([t for t, _ in stack])
        pred = np.stack([s for _, s in stack])
        if not truth.any() and not pred.any():
            continue
        if np.array_equal(truth, pred):
            distances.append(0.0)
        elif not truth.any() or not pred.any():
            distances.append(1.0)
        else:
            a = np.argwhere(truth) / truth.shape
            b = np.argwhere(pred) / truth.shape
            d = max(directed_hausdorff(a, b)[0], directed_hausdorff(b, a)[0])
            distances.append(d / math.sqrt(3))
    return p.get("dice_weight", 0.4) * mean(dice_scores) + p.get("hausdorff_weight", 0.6) * (1 - mean(distances))


GRADERS = {"dice": dice, "iou_map": iou_map, "fbeta_iou": fbeta_iou, "dice_hausdorff": dice_hausdorff}


def grade(case):
    case.setdefault("params", {})
    return float(GRADERS[case["metric"]](case))


if __name__ == "__main__":
    print(json.dumps([grade(c) for c in json.load(sys.stdin)]))
