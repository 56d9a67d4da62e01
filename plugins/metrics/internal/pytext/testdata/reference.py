"""Python's own answers for pytext's tests.

Reads {"ints": [...], "floats": [...]} on stdin and prints, as JSON: every code point Python counts
as white space; every code point whose lower() differs from itself, with the result; the code points
that decide the final-sigma rule in three contexts; and int() and float() of each token (null where
Python raises).
"""
import json
import sys
import unicodedata

req = json.load(sys.stdin)
points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def unassigned_ranges():
    ranges, lo = [], None
    for c in range(0x110001):
        free = c < 0x110000 and unicodedata.category(chr(c)) == "Cn"
        if free and lo is None:
            lo = c
        elif not free and lo is not None:
            ranges.append([lo, c - 1])
            lo = None
    return ranges


out = {
    "unicode": unicodedata.unidata_version,
    "unassigned": unassigned_ranges(),
    "space": [c for c in points if chr(c).isspace()],
    "lower": [[c, chr(c).lower()] for c in points if chr(c).lower() != chr(c)],
    # A capital sigma is final when a cased letter precedes it and none follows, skipping
    # case-ignorable characters on both sides.
    "sigma_not_final_after": [c for c in points if ("A\u03a3" + chr(c)).lower()[1] != "\u03c2"],
    "sigma_final_between": [c for c in points if ("A" + chr(c) + "\u03a3").lower()[-1] == "\u03c2"],
    "sigma_final_alone": [c for c in points if (chr(c) + "\u03a3").lower()[-1] == "\u03c2"],
}


def py_int(tok):
    try:
        return str(int(tok))
    except ValueError:
        return None


def py_float(tok):
    try:
        return repr(float(tok))
    except ValueError:
        return None


out["ints"] = [py_int(t) for t in req["ints"]]
out["floats"] = [py_float(t) for t in req["floats"]]
print(json.dumps(out))
