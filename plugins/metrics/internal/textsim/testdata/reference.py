"""Reference answers for textsim's tests, written from the definitions.

Reads {"pairs": [[a, b], ...]} on stdin and prints, for each pair, the Levenshtein distance between
the strings' code points (the classic dynamic programme over one row), the same over their
white-space separated tokens, and the word-level Jaccard similarity of set(s.lower().split()) with
None where both sets are empty.
"""
import json
import sys


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diag, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diag, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diag + (x != y))
    return row[-1]


def jaccard(a, b):
    sa, sb = set(a.lower().split()), set(b.lower().split())
    union = sa | sb
    if not union:
        return None
    return len(sa & sb) / len(union)


pairs = json.load(sys.stdin)["pairs"]
print(json.dumps([
    {"chars": edit_distance(a, b), "tokens": edit_distance(a.split(), b.split()), "jaccard": jaccard(a, b)}
    for a, b in pairs
]))
