"""Reference scores for life_reverse_mae, from Kaggle's definition of Conway's Reverse Game of Life
2020 (its stepping function convolves the board with scipy.signal.convolve2d, boundary "wrap"),
written independently of the Go code with pandas, numpy and scipy.

Reads a JSON list of cases ({"params", "answers", "submission"}: file paths) on stdin and prints a
JSON list of scores: the mean absolute error, over every cell of every game, between each submitted
start board run forward its game's steps and the game's stop board.
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy.signal import convolve2d

KERNEL = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]])


def parse_rule(rule):
    born, survive = rule.upper().split("/")
    return {int(d) for d in born[1:]}, {int(d) for d in survive[1:]}


def step(board, born, survive, wrap):
    if wrap == "toroidal":
        n = convolve2d(board, KERNEL, mode="same", boundary="wrap")
    else:
        n = convolve2d(board, KERNEL, mode="same", boundary="fill", fillvalue=0)
    alive = board == 1
    out = np.where(alive, np.isin(n, list(survive)), np.isin(n, list(born)))
    return out.astype(int)


def score(case):
    p = case["params"]
    answers = pd.read_csv(case["answers"], dtype=str, keep_default_na=False)
    sub = pd.read_csv(case["submission"], dtype=str, keep_default_na=False)
    idc = p.get("id_column", answers.columns[0])
    board = p.get("board", [25, 25])
    if isinstance(board, str):  # "rows,cols", as a command line gives it
        board = board.split(",")
    rows, cols = (int(x) for x in board)
    start_prefix = p.get("submission_prefix", "start_")
    stop_prefix = p.get("stop_prefix", "stop_")
    steps_col = p.get("steps_column", "delta")
    born, survive = parse_rule(p.get("rule", "B3/S23"))
    wrap = p.get("wrap", "toroidal")
    merged = answers.merge(sub, on=idc, how="left", validate="one_to_one")
    assert len(merged) == len(answers) == len(sub)
    starts = [start_prefix + str(k) for k in range(rows * cols)]
    stops = [stop_prefix + str(k) for k in range(rows * cols)]
    start = merged[starts].astype(float).to_numpy().astype(int).reshape(-1, rows, cols)
    stop = merged[stops].astype(float).to_numpy().astype(int).reshape(-1, rows, cols)
    evolved = []
    for board, delta in zip(start, merged[steps_col].astype(float).astype(int)):
        for _ in range(delta):
            board = step(board, born, survive, wrap)
        evolved.append(board)
    return float(np.mean(np.abs(np.array(evolved) - stop)))


if __name__ == "__main__":
    json.dump([score(c) for c in json.load(sys.stdin)], sys.stdout)
