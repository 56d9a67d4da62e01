"""Reference scores for the text plugin, computed from the metrics' definitions with pandas.

As a script: reads a JSON list of cases ({"metric", "params", "answers", "submission"}) on stdin and
prints a JSON list of scores. As a module: grade(case) scores one case (cmd/dojo's reference uses it).
"""
import json
import sys

import numpy as np
import pandas as pd


def edit_distance(a, b):
    """Insertions, deletions and substitutions between two sequences, one table row at a time."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diag, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diag, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diag + (x != y))
    return row[-1]


def pairs(case):
    p = case["params"]
    answers = pd.read_csv(case["answers"], dtype=str, keep_default_na=False)
    sub = pd.read_csv(case["submission"], dtype=str, keep_default_na=False)
    idc = p.get("id_column", answers.columns[0])
    col = (p.get("target_columns") or [c for c in answers.columns if c != idc])[0]
    merged = answers.merge(sub, on=idc, suffixes=("_true", "_pred"), validate="one_to_one")
    assert len(merged) == len(answers) == len(sub)
    return list(zip(merged[col + "_true"], merged[col + "_pred"]))


def levenshtein(case):
    p = case["params"]
    tokens = p.get("tokens", "characters")

    def symbols(s):
        if tokens == "characters":
            return s
        if tokens == "whitespace":
            return s.split()
        return [int(t) for t in s.split()]

    rows = [(symbols(t), symbols(s)) for t, s in pairs(case)]
    distances = [edit_distance(t, s) for t, s in rows]
    if p.get("normalize") == "total_truth_length":
        return sum(distances) / sum(len(t) for t, _ in rows)
    return float(np.mean(distances))


def jaccard(case):
    p = case["params"]
    lower = p.get("tokenize", "lower_whitespace") != "whitespace"
    scores = []
    for t, s in pairs(case):
        a = set((t.lower() if lower else t).split())
        b = set((s.lower() if lower else s).split())
        scores.append(len(a & b) / len(a | b) if a | b else p.get("empty_empty", 1.0))
    return float(np.mean(scores))


GRADERS = {"levenshtein": levenshtein, "jaccard": jaccard}


def grade(case):
    case.setdefault("params", {})
    return float(GRADERS[case["metric"]](case))


if __name__ == "__main__":
    print(json.dumps([grade(c) for c in json.load(sys.stdin)]))
