"""Reference answers for detection's tests, written from the competitions' published definitions.

Reads {"images": [...], "voc": [...]} on stdin.

images: each {"layout", "truth": [box], "pred": [[conf] + box], "thresholds"}. For every threshold
it reports (tp, fp, fn) under two matchings: "confidence" (predictions in descending confidence,
ties in input order, each claims the unclaimed true box of highest IoU at or above the threshold)
and "greedy" (repeatedly pair the unclaimed true box and prediction of highest IoU at or above the
threshold, first in row-major order on ties).

voc: each {"layout", "images": [{"truth": [[cls] + box], "pred": [[cls, conf] + box]}], "threshold",
"how": "any" | "unmatched", "eps"}: per class with true boxes, the PASCAL VOC all-points average
precision of the predictions pooled over images; reports the per-class values and their mean.
"""
import json
import sys

import numpy as np


def iou(a, b, layout):
    if layout == "xywh":
        ax1, ay1, ax2, ay2, area_a = a[0], a[1], a[0] + a[2], a[1] + a[3], a[2] * a[3]
        bx1, by1, bx2, by2, area_b = b[0], b[1], b[0] + b[2], b[1] + b[3], b[2] * b[3]
    else:
        ax1, ay1, ax2, ay2 = a
        bx1, by1, bx2, by2 = b
        area_a, area_b = (ax2 - ax1) * (ay2 - ay1), (bx2 - bx1) * (by2 - by1)
    overlap = max(0, min(ax2, bx2) - max(ax1, bx1)) * max(0, min(ay2, by2) - max(ay1, by1))
    union = area_a + area_b - overlap
    return overlap / union if overlap > 0 and union > 0 else 0.0


def image_counts(case):
    truth, layout = case["truth"], case["layout"]
    preds = sorted(case["pred"], key=lambda p: p[0], reverse=True)
    m = np.array([[iou(t, p[1:], layout) for p in preds] for t in truth]).reshape(len(truth), len(preds))
    out = {"confidence": [], "greedy": []}
    for thr in case["thresholds"]:
        claimed = set()
        for j in range(len(preds)):
            best, best_iou = None, 0.0
            for i in range(len(truth)):
                if i not in claimed and m[i, j] >= thr and m[i, j] > best_iou:
                    best, best_iou = i, m[i, j]
            if best is not None:
                claimed.add(best)
        tp = len(claimed)
        out["confidence"].append([tp, len(preds) - tp, len(truth) - tp])
        work, tp = m.copy(), 0
        while work.size and work.max() >= thr:
            i, j = np.unravel_index(np.argmax(work), work.shape)
            work[i, :] = -1
            work[:, j] = -1
            tp += 1
        out["greedy"].append([tp, len(preds) - tp, len(truth) - tp])
    return out


def voc(case):
    layout, thr, how, eps = case["layout"], case["threshold"], case["how"], case["eps"]
    classes = sorted({t[0] for im in case["images"] for t in im["truth"]})
    aps = {}
    for cls in classes:
        truth = [[t[1:] for t in im["truth"] if t[0] == cls] for im in case["images"]]
        claimed = [[False] * len(t) for t in truth]
        pooled = [(k, p[1], p[2:]) for k, im in enumerate(case["images"]) for p in im["pred"] if p[0] == cls]
        pooled.sort(key=lambda p: p[1], reverse=True)
        hits = []
        for k, _, box in pooled:
            best, best_iou = None, 0.0
            for j, t in enumerate(truth[k]):
                if how == "unmatched" and claimed[k][j]:
                    continue
                v = iou(box, t, layout)
                if v > best_iou:
                    best, best_iou = j, v
            hit = best is not None and best_iou >= thr and not claimed[k][best]
            if hit:
                claimed[k][best] = True
            hits.append(hit)
        tp = np.cumsum(hits, dtype=float)
        fp = np.cumsum([not h for h in hits], dtype=float)
        n = sum(len(t) for t in truth)
        recall = np.concatenate([[0.0], tp / n, [1.0]])
        precision = np.concatenate([[0.0], tp / (tp + fp + eps), [0.0]])
        precision = np.maximum.accumulate(precision[::-1])[::-1]
        steps = np.flatnonzero(recall[1:] != recall[:-1])
        aps[cls] = float(np.sum((recall[steps + 1] - recall[steps]) * precision[steps + 1]))
    return {"per_class": aps, "mean": float(np.mean(list(aps.values()))) if aps else None}


req = json.load(sys.stdin)
# Go writes empty lists as null.
for c in req["images"]:
    c["truth"], c["pred"] = c["truth"] or [], c["pred"] or []
for c in req["voc"]:
    for im in c["images"]:
        im["truth"], im["pred"] = im["truth"] or [], im["pred"] or []
print(json.dumps({"images": [image_counts(c) for c in req["images"]], "voc": [voc(c) for c in req["voc"]]}))
