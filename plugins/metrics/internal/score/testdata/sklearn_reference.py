"""Reference values from scikit-learn for the score package's differential tests.

Usage: python3 sklearn_reference.py MANIFEST.json

The manifest is a JSON list of cases: {"func": name in sklearn.metrics, "args": [array...],
"kwargs": {...}, "sqrt": bool}. An array is {"kind": "f64" | "i64", "path": raw little-endian file,
"shape": [...]} or {"kind": "strings", "values": [...]}. Prints a JSON list with, per case,
{"value": repr(float)} or {"error": message} when sklearn raises ValueError.
"""
import json
import sys
import warnings

import numpy as np
from sklearn import metrics


def load(arg):
    if arg["kind"] == "strings":
        return list(arg["values"])
    dtype = {"f64": "<f8", "i64": "<i8"}[arg["kind"]]
    return np.fromfile(arg["path"], dtype=dtype).reshape(arg["shape"])


def run(case):
    args = [load(a) for a in case["args"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = getattr(metrics, case["func"])(*args, **case.get("kwargs", {}))
    if case.get("sqrt"):
        value = np.sqrt(value)
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
