"""numpy's answers for rle's tests, written from Kaggle's description of the encoding.

Reads {"cases": [{"shape": [h, w], "order": "F" or "C", "truth": rle, "pred": rle, "bits": [0/1...]}]}
on stdin. Pixel numbers are 1-based and count down the columns for order F (across the rows for C).
For each case prints the pixel counts of both masks and of their intersection, the (row, column)
coordinates of the truth's pixels, and the encoding numpy gives for the flattened bits.
"""
import json
import sys

import numpy as np


def decode(rle, shape, order):
    flat = np.zeros(shape[0] * shape[1], dtype=bool)
    numbers = [int(x) for x in rle.split()]
    for start, length in zip(numbers[0::2], numbers[1::2]):
        flat[start - 1:start - 1 + length] = True
    return flat.reshape(shape, order=order)


def encode(bits):
    # Runs begin where a pixel is set after an unset one and end where the reverse happens.
    padded = np.concatenate([[0], np.asarray(bits, dtype=np.int8), [0]])
    edges = np.flatnonzero(padded[1:] != padded[:-1]) + 1
    starts, ends = edges[0::2], edges[1::2]
    return " ".join(f"{s} {e - s}" for s, e in zip(starts, ends))


out = []
for c in json.load(sys.stdin)["cases"]:
    shape = tuple(c["shape"])
    t = decode(c["truth"], shape, c["order"])
    p = decode(c["pred"], shape, c["order"])
    out.append({
        "truth": int(t.sum()),
        "pred": int(p.sum()),
        "inter": int((t & p).sum()),
        "coords": np.argwhere(t).tolist(),
        "encoded": encode(c["bits"]),
    })
print(json.dumps(out))
